/* kb-training-dialogs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Training page's dialogs: scheduling a session (every field checked
 * by the core, an error shown at the field it names), inviting people
 * (the session's audience, a division, or people picked by name),
 * cancelling a session with a reason, and the enforcement of training at
 * sign-in. All of them write through the main store, which knows who
 * signed in.
 */

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "kb-error.h"
#include "kb-form.h"
#include "kb-reason-entry.h"
#include "kb-store-jobs.h"
#include "kb-training-dialogs.h"
#include "kb-window.h"

/* --- shared pieces --------------------------------------------------------- */

static GtkWidget *
form_row (GtkWidget  *group,
          const char *title,
          GtkWidget  *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
  gtk_accessible_update_property (GTK_ACCESSIBLE (suffix), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static GtkEntry *
entry_new (const char *text,
           const char *placeholder,
           int         width,
           int         max_length)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (entry, placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  gtk_widget_set_size_request (GTK_WIDGET (entry), width > 10 ? 280 : 120, -1);
  if (max_length > 0)
    gtk_entry_set_max_length (entry, max_length);
  gtk_entry_set_activates_default (entry, TRUE);
  return entry;
}

static GtkDropDown *
dropdown_new (const char * const *strings)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (strings));

  gtk_widget_set_size_request (GTK_WIDGET (dropdown), 280, -1);
  return dropdown;
}

/* A window with Cancel and an action button in its header bar. */
static GtkWidget *
form_window_build (AdwWindow   *window,
                   const char  *title,
                   const char  *action,
                   GtkWidget  **action_button,
                   GtkLabel   **message,
                   GtkWidget   *content)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_title (GTK_WINDOW (window), title);
  *action_button = gtk_button_new_with_mnemonic (action);
  gtk_widget_add_css_class (*action_button, "suggested-action");
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), *action_button);
  gtk_box_append (GTK_BOX (toolbar), header);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  gtk_window_set_default_widget (GTK_WINDOW (window), *action_button);

  *message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (*message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (*message), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (*message), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (*message), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (*message), 12);
  gtk_widget_set_visible (GTK_WIDGET (*message), FALSE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (*message));

  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (toolbar), content);
  adw_window_set_content (window, toolbar);
  return toolbar;
}

static void
toast (GtkWindow  *parent,
       const char *message)
{
  /* The page's window; the dialog itself is gone by now. */
  if (KB_IS_WINDOW (parent))
    kb_window_toast (KB_WINDOW (parent), message);
}

/* ========================================================================= */
/* Scheduling                                                                */
/* ========================================================================= */

struct _KbTrainingDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  GCancellable  *cancellable;

  GtkWidget     *save_button;
  GtkLabel      *message;
  GHashTable    *rows;          /* field name → AdwActionRow */

  GtkEntry      *title;
  GtkDropDown   *kind;
  GtkEntry      *date;
  GtkEntry      *start;
  GtkEntry      *end;
  GtkEntry      *place;
  GtkDropDown   *trainer;
  GtkDropDown   *audience;
  GtkEntry      *materials;
  GArray        *trainer_ids;
  GPtrArray     *trainer_staff;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (KbTrainingDialog, kb_training_dialog, ADW_TYPE_WINDOW)

static GtkWidget *
add_row (KbTrainingDialog *self,
         GtkWidget        *group,
         const char       *field,
         const char       *title,
         GtkWidget        *suffix)
{
  GtkWidget *row = form_row (group, title, suffix);

  g_hash_table_insert (self->rows, g_strdup (field), row);
  return row;
}

static GtkWidget *
training_error_row (KbTrainingDialog *self,
                    const char       *field)
{
  /* The core names the moment; the form has a date and two times. */
  if (g_str_equal (field, KB_FIELD_STARTS))
    {
      GtkWidget *row = g_hash_table_lookup (self->rows, "date");
      const char *date = gtk_editable_get_text (GTK_EDITABLE (self->date));

      int y, m, d;
      char rest;

      /* A date that is right sends the error to the start time. */
      if (sscanf (date, "%4d-%2d-%2d%c", &y, &m, &d, &rest) == 3 &&
          g_date_valid_dmy (d, m, y))
        row = g_hash_table_lookup (self->rows, "start");
      return row;
    }
  if (g_str_equal (field, KB_FIELD_ENDS))
    return g_hash_table_lookup (self->rows, "end");
  return g_hash_table_lookup (self->rows, field);
}

static void
training_clear_errors (KbTrainingDialog *self)
{
  kb_form_clear_errors (self->rows, self->message);
}

static void
training_show_error (KbTrainingDialog *self,
                     GError           *error)
{
  const char *field = kb_field_error_get_field (error);

  kb_form_show_error_at (field != NULL ? training_error_row (self, field) : NULL,
                         self->message, error);
}

static void
trainers_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  KbTrainingDialog *self;
  KbOperator *me;
  guint mine = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_DIALOG (user_data);
  if (records == NULL)
    {
      training_show_error (self, error);
      return;
    }
  me = kb_session_get_operator (self->session);
  self->trainer_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->trainer_staff = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);
      gint64 id = kb_operator_get_id (op);

      if (!kb_operator_get_active (op) || (kb_operator_get_roles (op) & KB_ROLE_TRAINER) == 0)
        continue;
      if (me != NULL && id == kb_operator_get_id (me))
        mine = self->trainer_ids->len;
      g_ptr_array_add (names, g_strdup_printf ("%s %s", kb_operator_get_staff_number (op),
                                               kb_operator_get_name (op)));
      g_ptr_array_add (self->trainer_staff, g_strdup (kb_operator_get_staff_number (op)));
      g_array_append_val (self->trainer_ids, id);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (GTK_STRING_LIST (gtk_drop_down_get_model (self->trainer)), 0, 0,
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->trainer, mine);
}

typedef struct {
  KbTrainingChange change;
  char *title;
  char *starts;
  char *ends;
  char *place;
  char *materials;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->title);
  g_free (job->starts);
  g_free (job->ends);
  g_free (job->place);
  g_free (job->materials);
  g_free (job);
}

static gpointer
save_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  SaveJob *job = data;

  return kb_training_save (db, &job->change, error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
training_saved_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer done = kb_store_run_finish (KB_STORE (source), result, &error);
  KbTrainingDialog *self;
  GtkWindow *parent;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_DIALOG (user_data);
  self->busy = FALSE;
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (done == NULL)
    {
      training_show_error (self, error);
      return;
    }
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  toast (parent, _("Session scheduled and recorded in the journal"));
  gtk_window_destroy (GTK_WINDOW (self));
}

static const char *
text_of (GtkEntry *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

/**
 * kb_training_dialog_save:
 *
 * Sends the form to the store; on success the dialog closes, on an error
 * the field concerned says what is wrong.
 */
void
kb_training_dialog_save (KbTrainingDialog *self)
{
  SaveJob *job;
  guint trainer;

  if (self->busy)
    return;
  training_clear_errors (self);

  job = g_new0 (SaveJob, 1);
  job->title = g_strdup (text_of (self->title));
  job->starts = g_strdup_printf ("%s %s", text_of (self->date), text_of (self->start));
  job->ends = g_strdup_printf ("%s %s", text_of (self->date), text_of (self->end));
  job->place = g_strdup (text_of (self->place));
  job->materials = g_strdup (text_of (self->materials));
  job->change.title = job->title;
  job->change.kind = gtk_drop_down_get_selected (self->kind);
  job->change.starts = job->starts;
  job->change.ends = job->ends;
  job->change.place = job->place;
  job->change.materials = job->materials;
  job->change.audience = gtk_drop_down_get_selected (self->audience);
  trainer = gtk_drop_down_get_selected (self->trainer);
  if (self->trainer_ids != NULL && trainer < self->trainer_ids->len)
    job->change.trainer_id = g_array_index (self->trainer_ids, gint64, trainer);

  self->busy = TRUE;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  kb_store_run_async (self->store, "training", save_job, job, save_job_free, NULL,
                      self->cancellable, training_saved_cb, self);
}

static void
training_build (KbTrainingDialog *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *what = adw_preferences_group_new ();
  GtkWidget *when = adw_preferences_group_new ();
  GtkWidget *who = adw_preferences_group_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  const char *kinds[] = { kb_training_kind_get_label (KB_TRAINING_FIRST_USE),
                          kb_training_kind_get_label (KB_TRAINING_FISCAL_YEAR),
                          kb_training_kind_get_label (KB_TRAINING_AD_HOC), NULL };
  const char *audiences[] = { kb_training_audience_get_label (KB_AUDIENCE_OPERATORS),
                              kb_training_audience_get_label (KB_AUDIENCE_ADMINISTRATORS),
                              kb_training_audience_get_label (KB_AUDIENCE_NAMED), NULL };

  gtk_window_set_default_size (GTK_WINDOW (self), 600, 760);
  form_window_build (ADW_WINDOW (self), _("Schedule a Training Session"), _("_Schedule"),
                     &self->save_button, &self->message, page);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (kb_training_dialog_save),
                            self);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (what), _("Session"));
  self->title = entry_new (NULL, NULL, 24, KB_TRAINING_MAX_TITLE);
  add_row (self, what, KB_FIELD_TITLE, _("Title"), GTK_WIDGET (self->title));
  self->kind = dropdown_new (kinds);
  gtk_drop_down_set_selected (self->kind, KB_TRAINING_FISCAL_YEAR);
  add_row (self, what, "kind", _("Kind"), GTK_WIDGET (self->kind));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (what));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (when), _("When and Where"));
  /* What the core parses, not a translated format. */
  self->date = entry_new (today, "2026-04-10", 10, 10);
  add_row (self, when, "date", _("Date"), GTK_WIDGET (self->date));
  self->start = entry_new ("14:00", "14:00", 5, 5);
  add_row (self, when, "start", _("Starts at"), GTK_WIDGET (self->start));
  self->end = entry_new ("15:00", "15:00", 5, 5);
  add_row (self, when, "end", _("Ends at"), GTK_WIDGET (self->end));
  self->place = entry_new (NULL, _("Room and building"), 24, 100);
  add_row (self, when, KB_FIELD_PLACE, _("Place"), GTK_WIDGET (self->place));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (when),
    _("The date as 2026-04-10, the times as 14:00. The fiscal year is the one the date falls in."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (when));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (who), _("Trainer and Audience"));
  self->trainer = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)),
                                                    NULL));
  gtk_widget_set_size_request (GTK_WIDGET (self->trainer), 280, -1);
  add_row (self, who, KB_FIELD_TRAINER, _("Trainer"), GTK_WIDGET (self->trainer));
  self->audience = dropdown_new (audiences);
  add_row (self, who, KB_FIELD_AUDIENCE, _("Audience"), GTK_WIDGET (self->audience));
  self->materials = entry_new (NULL, _("Notes, or where the file is"), 24,
                               KB_TRAINING_MAX_MATERIALS);
  add_row (self, who, KB_FIELD_MATERIALS, _("Materials"), GTK_WIDGET (self->materials));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (who));
}

static void
kb_training_dialog_dispose (GObject *object)
{
  KbTrainingDialog *self = KB_TRAINING_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_training_dialog_parent_class)->dispose (object);
}

static void
kb_training_dialog_finalize (GObject *object)
{
  KbTrainingDialog *self = KB_TRAINING_DIALOG (object);

  g_hash_table_unref (self->rows);
  g_clear_pointer (&self->trainer_ids, g_array_unref);
  g_clear_pointer (&self->trainer_staff, g_ptr_array_unref);
  G_OBJECT_CLASS (kb_training_dialog_parent_class)->finalize (object);
}

static void
kb_training_dialog_class_init (KbTrainingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_training_dialog_dispose;
  object_class->finalize = kb_training_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_training_dialog_init (KbTrainingDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
kb_training_dialog_new (KbStore   *store,
                        KbStore   *reader,
                        KbSession *session)
{
  KbTrainingDialog *self = g_object_new (KB_TYPE_TRAINING_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  training_build (self);
  kb_store_list_async (self->reader, "operator", self->cancellable, trainers_cb, self);
  return GTK_WIDGET (self);
}

/**
 * kb_training_dialog_set_field:
 * @field: "title", "date", "start", "end", "place", "materials" as typed;
 *   "kind" ("first-use", "fiscal-year", "ad-hoc"), "audience" (0, 1, 2 or
 *   "operators", "administrators", "named"), "trainer" (a staff number)
 *
 * Fills the form as a person would (tests, screenshots).
 *
 * Returns: whether @field is one of the form's and @text fits it
 */
gboolean
kb_training_dialog_set_field (KbTrainingDialog *self,
                              const char       *field,
                              const char       *text)
{
  struct { const char *field; GtkEntry *entry; } entries[] = {
    { KB_FIELD_TITLE, self->title }, { "date", self->date }, { "start", self->start },
    { "end", self->end }, { KB_FIELD_PLACE, self->place }, { KB_FIELD_MATERIALS, self->materials },
  };
  static const char * const audiences[] = { "operators", "administrators", "named" };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_str_equal (field, entries[i].field))
      {
        gtk_editable_set_text (GTK_EDITABLE (entries[i].entry), text);
        return TRUE;
      }
  if (g_str_equal (field, "kind"))
    {
      for (guint k = KB_TRAINING_FIRST_USE; k <= KB_TRAINING_AD_HOC; k++)
        if (g_str_equal (text, kb_training_kind_to_string (k)))
          {
            gtk_drop_down_set_selected (self->kind, k);
            return TRUE;
          }
      return FALSE;
    }
  if (g_str_equal (field, KB_FIELD_AUDIENCE))
    {
      for (guint a = 0; a < G_N_ELEMENTS (audiences); a++)
        if (g_str_equal (text, audiences[a]))
          {
            gtk_drop_down_set_selected (self->audience, a);
            return TRUE;
          }
      return FALSE;
    }
  if (g_str_equal (field, KB_FIELD_TRAINER))
    {
      for (guint i = 0; self->trainer_staff != NULL && i < self->trainer_staff->len; i++)
        if (g_str_equal (g_ptr_array_index (self->trainer_staff, i), text))
          {
            gtk_drop_down_set_selected (self->trainer, i);
            return TRUE;
          }
      return FALSE;
    }
  return FALSE;
}

const char *
kb_training_dialog_get_error (KbTrainingDialog *self,
                              const char       *field)
{
  return kb_form_get_error (g_hash_table_lookup (self->rows, field));
}

gboolean
kb_training_dialog_get_busy (KbTrainingDialog *self)
{
  return self->busy;
}

gboolean
kb_training_dialog_get_ready (KbTrainingDialog *self)
{
  return self->trainer_ids != NULL;
}

/* ========================================================================= */
/* Inviting                                                                  */
/* ========================================================================= */

struct _KbInviteDialog {
  AdwWindow parent_instance;

  KbStore        *store;
  KbStore        *reader;
  KbTraining     *training;
  GCancellable   *cancellable;

  GtkWidget      *invite_button;
  GtkLabel       *message;
  GtkCheckButton *choices[3];
  GtkDropDown    *division;
  GArray         *division_ids;
  GtkSearchEntry *search;
  GtkListBox     *people;
  GtkWidget      *people_box;
  GHashTable     *checked;       /* operator id (gint64 *) → itself */
  char           *done_message;
  gboolean        busy;
  gboolean        have_divisions;
  gboolean        have_people;
};

G_DEFINE_FINAL_TYPE (KbInviteDialog, kb_invite_dialog, ADW_TYPE_WINDOW)

static KbInviteChoice
invite_choice (KbInviteDialog *self)
{
  for (guint i = 0; i < 3; i++)
    if (gtk_check_button_get_active (self->choices[i]))
      return i;
  return KB_INVITE_AUDIENCE;
}

static void
invite_update (KbInviteDialog *self)
{
  KbInviteChoice choice = invite_choice (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->division), choice == KB_INVITE_DIVISION);
  gtk_widget_set_sensitive (self->people_box, choice == KB_INVITE_NAMED);
  gtk_widget_set_sensitive (self->invite_button, !self->busy &&
                            (choice != KB_INVITE_NAMED || g_hash_table_size (self->checked) > 0));
}

static void
invite_show_error (KbInviteDialog *self,
                   const char     *message)
{
  gtk_label_set_label (self->message, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message), TRUE);
}

static void
divisions_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  KbInviteDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_INVITE_DIALOG (user_data);
  if (records == NULL)
    {
      invite_show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbDivision) d = g_list_model_get_item (records, i);
      gint64 id = kb_division_get_id (d);

      if (!kb_division_get_active (d))
        continue;
      g_ptr_array_add (names, g_strdup (kb_division_get_name (d)));
      g_array_append_val (self->division_ids, id);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (GTK_STRING_LIST (gtk_drop_down_get_model (self->division)), 0, 0,
                          (const char * const *) names->pdata);
  self->have_divisions = TRUE;
}

static void
person_toggled_cb (GtkCheckButton *check,
                   KbInviteDialog *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (check), "operator-id");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->checked, id);
  else
    g_hash_table_remove (self->checked, id);
  invite_update (self);
}

static void
people_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  KbInviteDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_INVITE_DIALOG (user_data);
  if (records == NULL)
    {
      invite_show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);
      GtkWidget *row, *check;
      gint64 *id;

      if (!kb_operator_get_active (op))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      {
        g_autofree char *title = g_strdup_printf ("%s  %s", kb_operator_get_staff_number (op),
                                                  kb_operator_get_name (op));
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), kb_operator_get_division_name (op));
      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      id = g_new (gint64, 1);
      *id = kb_operator_get_id (op);
      g_object_set_data_full (G_OBJECT (check), "operator-id", id, g_free);
      g_object_set_data_full (G_OBJECT (row), "staff", g_strdup (kb_operator_get_staff_number (op)),
                              g_free);
      g_object_set_data_full (G_OBJECT (row), "search",
                              g_strdup_printf ("%s %s %s %s", kb_operator_get_staff_number (op),
                                               kb_operator_get_name (op),
                                               kb_operator_get_kana (op) != NULL ? kb_operator_get_kana (op) : "",
                                               kb_operator_get_division_name (op)),
                              g_free);
      g_object_set_data (G_OBJECT (row), "check", check);
      g_signal_connect (check, "toggled", G_CALLBACK (person_toggled_cb), self);
      gtk_list_box_append (self->people, row);
    }
  self->have_people = TRUE;
}

static gboolean
people_filter (GtkListBoxRow *row,
               gpointer       user_data)
{
  KbInviteDialog *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  const char *hay = g_object_get_data (G_OBJECT (row), "search");
  g_autofree char *needle = NULL;
  g_autofree char *folded = NULL;

  if (text[0] == '\0' || hay == NULL)
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  folded = g_utf8_casefold (hay, -1);
  return strstr (folded, needle) != NULL;
}

typedef struct {
  gint64 training_id;
  KbInviteChoice choice;
  gint64 division_id;
  GArray *ids;
  guint n_invited;
  guint n_already;
} InviteJob;

static void
invite_job_free (gpointer data)
{
  InviteJob *job = data;

  g_clear_pointer (&job->ids, g_array_unref);
  g_free (job);
}

static gpointer
invite_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  InviteJob *job = data;
  guint *counts;
  gboolean ok;

  if (job->choice == KB_INVITE_NAMED)
    ok = kb_training_invite (db, job->training_id, (const gint64 *) job->ids->data, job->ids->len,
                             &job->n_invited, &job->n_already, error);
  else
    ok = kb_training_invite_audience (db, job->training_id,
                                      job->choice == KB_INVITE_DIVISION ? job->division_id : 0,
                                      &job->n_invited, &job->n_already, error);
  /* The job's data is freed when it ends: the counts go back on their own. */
  if (!ok)
    return NULL;
  counts = g_new (guint, 2);
  counts[0] = job->n_invited;
  counts[1] = job->n_already;
  return counts;
}

static void
invited_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint *counts = kb_store_run_finish (KB_STORE (source), result, &error);
  KbInviteDialog *self;
  GtkWindow *parent;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_INVITE_DIALOG (user_data);
  self->busy = FALSE;
  invite_update (self);
  if (counts == NULL)
    {
      invite_show_error (self, error->message);
      return;
    }
  g_free (self->done_message);
  if (counts[1] > 0)
    /* Translators: after inviting people to a training session */
    self->done_message = g_strdup_printf (_("%u invited; %u had been invited already"),
                                          counts[0], counts[1]);
  else
    self->done_message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person invited",
                                                       "%u people invited", counts[0]),
                                          counts[0]);
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  toast (parent, self->done_message);
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * kb_invite_dialog_invite:
 *
 * Invites as chosen; the dialog closes and the window says how many.
 */
void
kb_invite_dialog_invite (KbInviteDialog *self)
{
  InviteJob *job;
  guint division;

  if (self->busy)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  job = g_new0 (InviteJob, 1);
  job->training_id = kb_training_get_id (self->training);
  job->choice = invite_choice (self);
  division = gtk_drop_down_get_selected (self->division);
  if (job->choice == KB_INVITE_DIVISION)
    {
      if (division >= self->division_ids->len)
        {
          invite_job_free (job);
          invite_show_error (self, _("Choose a division."));
          return;
        }
      job->division_id = g_array_index (self->division_ids, gint64, division);
    }
  else if (job->choice == KB_INVITE_NAMED)
    {
      GHashTableIter iter;
      gpointer key;

      job->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_iter_init (&iter, self->checked);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_array_append_val (job->ids, *(gint64 *) key);
      if (job->ids->len == 0)
        {
          invite_job_free (job);
          invite_show_error (self, _("Tick the people to invite."));
          return;
        }
    }
  self->busy = TRUE;
  invite_update (self);
  kb_store_run_async (self->store, "attendance", invite_job, job, invite_job_free, g_free,
                      self->cancellable, invited_cb, self);
}

static void
invite_build (KbInviteDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *intro;
  g_autofree char *audience = NULL;
  g_autofree char *heading = NULL;

  gtk_window_set_default_size (GTK_WINDOW (self), 560, 680);
  form_window_build (ADW_WINDOW (self), _("Invite to the Session"), _("_Invite"),
                     &self->invite_button, &self->message, box);
  g_signal_connect_swapped (self->invite_button, "clicked", G_CALLBACK (kb_invite_dialog_invite),
                            self);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);

  heading = g_strdup (kb_training_get_title (self->training));
  intro = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_widget_add_css_class (intro, "heading");
  gtk_box_append (GTK_BOX (box), intro);

  /* Translators: the choice to invite everyone a session is for, e.g.
   * "Its audience: Operators" */
  audience = g_strdup_printf (_("Its audience: %s"),
                              kb_training_audience_get_label (kb_training_get_audience (self->training)));
  self->choices[KB_INVITE_AUDIENCE] = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (audience));
  /* The core invites a division's members of the session's audience;
   * a session for named people takes the whole division. */
  self->choices[KB_INVITE_DIVISION] =
    GTK_CHECK_BUTTON (gtk_check_button_new_with_label (
      kb_training_get_audience (self->training) == KB_AUDIENCE_NAMED
        ? _("Everyone in a division") : _("Its audience in one division")));
  self->choices[KB_INVITE_NAMED] =
    GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_("People by name")));
  for (guint i = 1; i < 3; i++)
    gtk_check_button_set_group (self->choices[i], self->choices[0]);
  gtk_check_button_set_active (self->choices[0], TRUE);
  /* A session for named people only has no audience to invite whole. */
  if (kb_training_get_audience (self->training) == KB_AUDIENCE_NAMED)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->choices[0]), FALSE);
      gtk_check_button_set_active (self->choices[KB_INVITE_NAMED], TRUE);
    }

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->choices[0]));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->choices[1]));
  self->division = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)),
                                                     NULL));
  gtk_widget_set_margin_start (GTK_WIDGET (self->division), 28);
  gtk_widget_set_halign (GTK_WIDGET (self->division), GTK_ALIGN_START);
  gtk_widget_set_size_request (GTK_WIDGET (self->division), 280, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->division), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Division"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->division));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->choices[2]));

  self->people_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->people_box, 28);
  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Staff number, name or division"), NULL);
  gtk_box_append (GTK_BOX (self->people_box), GTK_WIDGET (self->search));
  self->people = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->people, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->people), "boxed-list");
  gtk_list_box_set_filter_func (self->people, people_filter, self, NULL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->people));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->people_box), scrolled);
  gtk_widget_set_vexpand (self->people_box, TRUE);
  gtk_box_append (GTK_BOX (box), self->people_box);

  g_signal_connect_swapped (self->search, "search-changed",
                            G_CALLBACK (gtk_list_box_invalidate_filter), self->people);
  for (guint i = 0; i < 3; i++)
    g_signal_connect_swapped (self->choices[i], "toggled", G_CALLBACK (invite_update), self);
  invite_update (self);
}

static void
kb_invite_dialog_dispose (GObject *object)
{
  KbInviteDialog *self = KB_INVITE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->training);
  G_OBJECT_CLASS (kb_invite_dialog_parent_class)->dispose (object);
}

static void
kb_invite_dialog_finalize (GObject *object)
{
  KbInviteDialog *self = KB_INVITE_DIALOG (object);

  g_hash_table_unref (self->checked);
  g_array_unref (self->division_ids);
  g_free (self->done_message);
  G_OBJECT_CLASS (kb_invite_dialog_parent_class)->finalize (object);
}

static void
kb_invite_dialog_class_init (KbInviteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_invite_dialog_dispose;
  object_class->finalize = kb_invite_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_invite_dialog_init (KbInviteDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->checked = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->division_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

GtkWidget *
kb_invite_dialog_new (KbStore    *store,
                      KbStore    *reader,
                      KbTraining *training)
{
  KbInviteDialog *self = g_object_new (KB_TYPE_INVITE_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->training = g_object_ref (training);
  invite_build (self);
  kb_store_list_async (self->reader, "division", self->cancellable, divisions_cb, self);
  kb_store_list_async (self->reader, "operator", self->cancellable, people_cb, self);
  return GTK_WIDGET (self);
}

void
kb_invite_dialog_set_choice (KbInviteDialog *self,
                             KbInviteChoice  choice)
{
  g_return_if_fail (choice <= KB_INVITE_NAMED);
  gtk_check_button_set_active (self->choices[choice], TRUE);
}

gboolean
kb_invite_dialog_set_division (KbInviteDialog *self,
                               const char     *name)
{
  GListModel *model = gtk_drop_down_get_model (self->division);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name))
      {
        gtk_drop_down_set_selected (self->division, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
kb_invite_dialog_check (KbInviteDialog *self,
                        const char     *staff_number,
                        gboolean        checked)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->people)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "staff"), staff_number) == 0)
      {
        gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "check"), checked);
        return TRUE;
      }
  return FALSE;
}

void
kb_invite_dialog_set_search (KbInviteDialog *self,
                             const char     *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), text);
  gtk_list_box_invalidate_filter (self->people);
}

const char *
kb_invite_dialog_get_message (KbInviteDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message)) ? gtk_label_get_label (self->message)
                                                             : NULL;
}

gboolean
kb_invite_dialog_get_busy (KbInviteDialog *self)
{
  return self->busy;
}

gboolean
kb_invite_dialog_get_ready (KbInviteDialog *self)
{
  return self->have_divisions && self->have_people;
}

/* ========================================================================= */
/* Enforcement                                                               */
/* ========================================================================= */

struct _KbTrainingPolicyDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  GCancellable  *cancellable;

  GtkWidget     *save_button;
  GtkLabel      *message;
  GtkDropDown   *mode;
  GtkSpinButton *month;
  GtkSpinButton *day;
  GtkWidget     *grace_row;
  gboolean       busy;
  gboolean       ready;
};

G_DEFINE_FINAL_TYPE (KbTrainingPolicyDialog, kb_training_policy_dialog, ADW_TYPE_WINDOW)

static gpointer
get_policy_job (KbDb          *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  KbTrainingPolicy *policy = g_new0 (KbTrainingPolicy, 1);

  if (!kb_training_get_policy (db, policy, error))
    {
      g_free (policy);
      return NULL;
    }
  return policy;
}

static void
policy_show_error (KbTrainingPolicyDialog *self,
                   GError                 *error)
{
  const char *field = kb_field_error_get_field (error);

  if (g_strcmp0 (field, KB_FIELD_GRACE) == 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->grace_row), error->message);
      gtk_widget_add_css_class (self->grace_row, "error");
      return;
    }
  gtk_label_set_label (self->message, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->message), TRUE);
}

static void
got_policy_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KbTrainingPolicy *policy = kb_store_run_finish (KB_STORE (source), result, &error);
  KbTrainingPolicyDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_POLICY_DIALOG (user_data);
  if (policy == NULL)
    {
      policy_show_error (self, error);
      return;
    }
  kb_training_policy_dialog_set (self, policy->mode, policy->grace_month, policy->grace_day);
  g_free (policy);
  self->ready = TRUE;
}

static gpointer
set_policy_job (KbDb          *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return kb_training_set_policy (db, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
policy_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer done = kb_store_run_finish (KB_STORE (source), result, &error);
  KbTrainingPolicyDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_POLICY_DIALOG (user_data);
  self->busy = FALSE;
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (done == NULL)
    {
      policy_show_error (self, error);
      return;
    }
  toast (gtk_window_get_transient_for (GTK_WINDOW (self)),
         _("Saved and recorded in the journal"));
  gtk_window_destroy (GTK_WINDOW (self));
}

void
kb_training_policy_dialog_save (KbTrainingPolicyDialog *self)
{
  KbTrainingPolicy *policy;

  if (self->busy || !self->ready)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->grace_row), "");
  gtk_widget_remove_css_class (self->grace_row, "error");
  policy = g_new0 (KbTrainingPolicy, 1);
  policy->mode = gtk_drop_down_get_selected (self->mode);
  policy->grace_month = gtk_spin_button_get_value_as_int (self->month);
  policy->grace_day = gtk_spin_button_get_value_as_int (self->day);
  self->busy = TRUE;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  kb_store_run_async (self->store, "setting", set_policy_job, policy, g_free, NULL,
                      self->cancellable, policy_saved_cb, self);
}

static void
policy_build (KbTrainingPolicyDialog *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  const char *modes[] = { _("Off"), _("Warn at sign-in"), _("Refuse sign-in"), NULL };
  GtkWidget *grace = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_window_set_default_size (GTK_WINDOW (self), 560, 340);
  form_window_build (ADW_WINDOW (self), _("Training Enforcement"), _("_Save"),
                     &self->save_button, &self->message, page);
  g_signal_connect_swapped (self->save_button, "clicked",
                            G_CALLBACK (kb_training_policy_dialog_save), self);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("At Sign-In"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("Operators without first-use training, or without this fiscal year’s training after the "
      "grace date, are warned or refused when they sign in. The reason is shown to them."));
  self->mode = dropdown_new (modes);
  form_row (group, _("Enforcement"), GTK_WIDGET (self->mode));
  self->month = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 12, 1));
  self->day = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 31, 1));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->month), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Month"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->day), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Day"), -1);
  gtk_box_append (GTK_BOX (grace), GTK_WIDGET (self->month));
  gtk_box_append (GTK_BOX (grace), gtk_label_new ("/"));
  gtk_box_append (GTK_BOX (grace), GTK_WIDGET (self->day));
  self->grace_row = form_row (group, _("Grace date (month / day)"), grace);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_widget_set_sensitive (self->save_button, TRUE);
}

static void
kb_training_policy_dialog_dispose (GObject *object)
{
  KbTrainingPolicyDialog *self = KB_TRAINING_POLICY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (kb_training_policy_dialog_parent_class)->dispose (object);
}

static void
kb_training_policy_dialog_class_init (KbTrainingPolicyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_training_policy_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_training_policy_dialog_init (KbTrainingPolicyDialog *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kb_training_policy_dialog_new (KbStore *store)
{
  KbTrainingPolicyDialog *self = g_object_new (KB_TYPE_TRAINING_POLICY_DIALOG, NULL);

  self->store = g_object_ref (store);
  policy_build (self);
  kb_store_run_async (self->store, NULL, get_policy_job, NULL, NULL, g_free, self->cancellable,
                      got_policy_cb, self);
  return GTK_WIDGET (self);
}

void
kb_training_policy_dialog_set (KbTrainingPolicyDialog *self,
                               KbTrainingPolicyMode    mode,
                               int                     grace_month,
                               int                     grace_day)
{
  gtk_drop_down_set_selected (self->mode, mode);
  gtk_spin_button_set_value (self->month, grace_month);
  gtk_spin_button_set_value (self->day, grace_day);
}

const char *
kb_training_policy_dialog_get_error (KbTrainingPolicyDialog *self)
{
  if (gtk_widget_has_css_class (self->grace_row, "error"))
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (self->grace_row));
  if (gtk_widget_get_visible (GTK_WIDGET (self->message)))
    return gtk_label_get_label (self->message);
  return NULL;
}

gboolean
kb_training_policy_dialog_get_busy (KbTrainingPolicyDialog *self)
{
  return self->busy;
}

gboolean
kb_training_policy_dialog_get_ready (KbTrainingPolicyDialog *self)
{
  return self->ready;
}

/* ========================================================================= */
/* Cancelling                                                                */
/* ========================================================================= */

typedef struct {
  gint64 id;
  char *reason;
} CancelJob;

static void
cancel_job_free (gpointer data)
{
  CancelJob *job = data;

  g_free (job->reason);
  g_free (job);
}

static gpointer
cancel_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  CancelJob *job = data;

  return kb_training_cancel (db, job->id, job->reason, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
cancelled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWindow) parent = user_data;
  gpointer done = kb_store_run_finish (KB_STORE (source), result, &error);

  if (done == NULL)
    toast (parent, error->message);
  else
    toast (parent, _("Session cancelled and recorded in the journal"));
}

static void
cancel_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KbStore          *store)
{
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");
  KbTraining *training = g_object_get_data (G_OBJECT (dialog), "training");
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  CancelJob *job;

  if (!g_str_equal (response, "apply"))
    return;
  job = g_new0 (CancelJob, 1);
  job->id = kb_training_get_id (training);
  job->reason = g_strdup (gtk_editable_get_text (reason));
  kb_store_run_async (store, "training", cancel_job, job, cancel_job_free, NULL, NULL,
                      cancelled_cb, parent != NULL ? g_object_ref (parent) : NULL);
}

/**
 * kb_training_cancel_dialog_new:
 *
 * Asks for the reason a session is cancelled, then cancels it. The
 * window says how it went.
 *
 * Returns: (transfer none): the question, presented
 */
GtkWidget *
kb_training_cancel_dialog_new (GtkWindow  *parent,
                               KbStore    *store,
                               KbTraining *training)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* Translators: the session's title */
  body = g_strdup_printf (_("“%s” will be marked cancelled. Invitations and marks stay in the "
                            "register."), kb_training_get_title (training));
  dialog = adw_message_dialog_new (parent, _("Cancel the Session?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Keep"),
                                    "apply", _("Cancel _Session"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                      kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE));
  g_object_set_data_full (G_OBJECT (dialog), "training", g_object_ref (training), g_object_unref);
  g_signal_connect_data (dialog, "response", G_CALLBACK (cancel_response_cb),
                         g_object_ref (store), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
