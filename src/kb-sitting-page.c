/* kb-sitting-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a clerk fills in while at the terminal: the card session already
 * wrote who, where and since when; the clerk adds the business task, the
 * number of cases and remarks, and starts another entry when the task
 * changes. Earlier sittings left without a purpose are listed here until
 * filled in, and supervisors see what waits for their confirmation.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-sitting-page.h"
#include "kb-usage-dialog.h"
#include "kb-usage-jobs.h"
#include "kb-usage-page.h"
#include "kb-window.h"

struct _KbSittingPage {
  AdwBin parent_instance;

  KbStore        *store;
  KbStore        *reader;
  KbSession      *session;
  GCancellable   *cancellable;

  GtkWidget      *page;          /* AdwPreferencesPage, rebuilt on each load */
  KbUsageSitting *sitting;
  KbUsageEntry   *open;          /* the entry being recorded */
  GArray         *task_ids;

  GtkDropDown    *task;
  GtkEntry       *cases;
  GtkEntry       *remarks;
  GtkWidget      *task_row;
  GtkWidget      *cases_row;
  GtkWidget      *remarks_row;
  GtkWidget      *save_button;
  GtkWidget      *next_button;
  gint64          n_to_confirm;
  gint64          n_missing_division;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (KbSittingPage, kb_sitting_page, ADW_TYPE_BIN)

static void reload (KbSittingPage *self);

static void
toast (KbSittingPage *self,
       const char    *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static GtkWidget *
row_with (const char *title,
          GtkWidget  *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
  gtk_accessible_update_property (GTK_ACCESSIBLE (suffix), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return row;
}

static char *
entry_summary (KbUsageEntry *e)
{
  g_autofree char *date = kb_usage_format_date (kb_usage_entry_get_started_at (e));
  g_autofree char *from = kb_usage_format_time (kb_usage_entry_get_started_at (e));
  g_autofree char *to = kb_usage_entry_get_ended_at (e) != 0
                        ? kb_usage_format_time (kb_usage_entry_get_ended_at (e)) : g_strdup (_("now"));

  return g_strdup_printf ("%s  %s–%s  %s", date, from, to, kb_usage_entry_get_terminal_code (e));
}

static void
open_dialog (KbSittingPage *self,
             KbUsageEntry  *entry)
{
  GtkWidget *dialog = kb_usage_dialog_new (self->store, self->reader, self->session, entry);

  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
entry_row_activated_cb (AdwActionRow  *row,
                        KbSittingPage *self)
{
  open_dialog (self, g_object_get_data (G_OBJECT (row), "entry"));
}

static GtkWidget *
entry_row_new (KbSittingPage *self,
               KbUsageEntry  *e)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = entry_summary (e);
  g_autofree char *subtitle = NULL;

  if (kb_usage_entry_get_task_id (e) != 0)
    subtitle = kb_usage_entry_get_cases (e) >= 0
               ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d case", "%s · %d cases",
                                               kb_usage_entry_get_cases (e)),
                                  kb_usage_entry_get_task_name (e), kb_usage_entry_get_cases (e))
               : g_strdup (kb_usage_entry_get_task_name (e));
  else
    subtitle = g_strdup (_("No business task recorded"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "entry", g_object_ref (e), g_object_unref);
  g_signal_connect (row, "activated", G_CALLBACK (entry_row_activated_cb), self);
  return row;
}

/* --- recording ------------------------------------------------------------- */

static void
clear_errors (KbSittingPage *self)
{
  GtkWidget *rows[] = { self->task_row, self->cases_row, self->remarks_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (rows[i]), "");
      gtk_widget_remove_css_class (rows[i], "error");
    }
}

static void
show_error (KbSittingPage *self,
            GError        *error)
{
  const char *field = kb_field_error_get_field (error);
  GtkWidget *row = g_strcmp0 (field, KB_FIELD_TASK) == 0 ? self->task_row
                 : g_strcmp0 (field, KB_FIELD_CASES) == 0 ? self->cases_row
                 : g_strcmp0 (field, KB_FIELD_REMARKS) == 0 ? self->remarks_row : NULL;

  if (row != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_add_css_class (row, "error");
    }
  else
    toast (self, error->message);
}

static void
set_busy (KbSittingPage *self,
          gboolean       busy)
{
  self->busy = busy;
  if (self->save_button != NULL)
    gtk_widget_set_sensitive (self->save_button, !busy);
  if (self->next_button != NULL)
    gtk_widget_set_sensitive (self->next_button, !busy);
}

static void
next_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kb_store_usage_save_finish (KB_STORE (source), result, &error);
  KbSittingPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SITTING_PAGE (user_data);
  set_busy (self, FALSE);
  if (id == 0)
    show_error (self, error);
  else
    toast (self, _("Started the next task"));
}

typedef struct {
  KbSittingPage *self;
  gboolean then_next;
  gint64 entry_id;
} SaveCall;

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree SaveCall *call = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = kb_store_usage_save_finish (KB_STORE (source), result, &error);
  KbSittingPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  if (id == 0)
    {
      set_busy (self, FALSE);
      show_error (self, error);
      return;
    }
  if (call->then_next)
    {
      kb_store_usage_next_task_async (self->store, call->entry_id, self->cancellable,
                                      next_done_cb, self);
      return;
    }
  set_busy (self, FALSE);
  toast (self, _("Recorded"));
}

static void
save (KbSittingPage *self,
      gboolean       then_next)
{
  KbUsageChange change = { 0 };
  guint i;
  SaveCall *call;

  if (self->open == NULL || self->busy)
    return;
  clear_errors (self);
  i = gtk_drop_down_get_selected (self->task);
  change.id = kb_usage_entry_get_id (self->open);
  change.task_id = i != GTK_INVALID_LIST_POSITION && i < self->task_ids->len
                   ? g_array_index (self->task_ids, gint64, i) : 0;
  change.cases = gtk_editable_get_text (GTK_EDITABLE (self->cases));
  change.remarks = gtk_editable_get_text (GTK_EDITABLE (self->remarks));
  if (then_next && change.task_id == 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->task_row),
                                   _("Choose the business task of this part first"));
      gtk_widget_add_css_class (self->task_row, "error");
      return;
    }

  call = g_new0 (SaveCall, 1);
  call->self = self;
  call->then_next = then_next;
  call->entry_id = change.id;
  set_busy (self, TRUE);
  kb_store_usage_save_async (self->store, &change, self->cancellable, saved_cb, call);
}

static void
save_clicked_cb (KbSittingPage *self)
{
  save (self, FALSE);
}

static void
next_clicked_cb (KbSittingPage *self)
{
  save (self, TRUE);
}

static void
review_clicked_cb (KbSittingPage *self,
                   GtkButton     *button)
{
  KbWindow *window = KB_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  KbUsageShow show = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "show"));
  GtkWidget *page = kb_window_get_page_widget (window, "usage");

  kb_window_show_page (window, "usage");
  kb_usage_page_show (KB_USAGE_PAGE (page), show);
}

/* --- building -------------------------------------------------------------- */

static GtkWidget *
open_entry_group (KbSittingPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkStringList *names = gtk_string_list_new (NULL);
  KbUsageEntry *e = self->open;
  g_autofree char *since = kb_usage_format_time (kb_usage_entry_get_started_at (e));
  g_autofree char *title = g_strdup_printf (_("In Use Since %s"), since);
  guint selected = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("What is this terminal used for? Record the business task and the number of cases "
      "or searches before you take your card out. When you change to another task, "
      "start another entry."));

  g_clear_pointer (&self->task_ids, g_array_unref);
  self->task_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_set_size (self->task_ids, 1);
  gtk_string_list_append (names, _("Choose a business task…"));
  for (guint i = 0; i < g_list_model_get_n_items (self->sitting->tasks); i++)
    {
      g_autoptr(KbTask) task = g_list_model_get_item (self->sitting->tasks, i);
      gint64 id = kb_task_get_id (task);

      if (id == kb_usage_entry_get_task_id (e))
        selected = self->task_ids->len;
      g_array_append_val (self->task_ids, id);
      gtk_string_list_append (names, kb_task_get_name (task));
    }
  self->task = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (names), NULL));
  gtk_drop_down_set_selected (self->task, selected);
  gtk_widget_set_size_request (GTK_WIDGET (self->task), 300, -1);
  self->task_row = row_with (_("Business task"), GTK_WIDGET (self->task));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->task_row);

  self->cases = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_width_chars (GTK_EDITABLE (self->cases), 6);
  gtk_entry_set_input_purpose (self->cases, GTK_INPUT_PURPOSE_DIGITS);
  gtk_entry_set_placeholder_text (self->cases, "0");
  if (kb_usage_entry_get_cases (e) >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", kb_usage_entry_get_cases (e));
      gtk_editable_set_text (GTK_EDITABLE (self->cases), text);
    }
  self->cases_row = row_with (_("Cases or searches"), GTK_WIDGET (self->cases));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->cases_row);

  self->remarks = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_width_chars (GTK_EDITABLE (self->remarks), 30);
  gtk_entry_set_max_length (self->remarks, KB_USAGE_MAX_REMARKS);
  gtk_editable_set_text (GTK_EDITABLE (self->remarks), kb_usage_entry_get_remarks (e));
  self->remarks_row = row_with (_("Remarks"), GTK_WIDGET (self->remarks));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->remarks_row);
  g_signal_connect_swapped (self->cases, "activate", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (self->remarks, "activate", G_CALLBACK (save_clicked_cb), self);

  self->save_button = gtk_button_new_with_mnemonic (_("_Record"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  self->next_button = gtk_button_new_with_mnemonic (_("Start _Another Task"));
  gtk_widget_set_tooltip_text (self->next_button,
                               _("Record this task, end its entry now and start a new one"));
  gtk_box_append (GTK_BOX (buttons), self->next_button);
  gtk_box_append (GTK_BOX (buttons), self->save_button);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), buttons);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (self->next_button, "clicked", G_CALLBACK (next_clicked_cb), self);
  return group;
}

static GtkWidget *
review_row (KbSittingPage *self,
            const char    *title,
            KbUsageShow    show)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Review"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "show", GINT_TO_POINTER (show));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (review_clicked_cb), self);
  return row;
}

static void
rebuild (KbSittingPage *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  const char *usage_error = kb_session_get_usage_error (self->session);
  KbOperator *me = kb_session_get_operator (self->session);
  /* What is typed in the open entry survives a rebuild (another change
   * to the register, the supervisor's counts arriving). */
  gint64 typed_id = self->open != NULL && self->task != NULL ? kb_usage_entry_get_id (self->open) : 0;
  guint typed_position = typed_id != 0 ? gtk_drop_down_get_selected (self->task) : 0;
  gint64 typed_task = typed_id != 0 && typed_position < self->task_ids->len
                      ? g_array_index (self->task_ids, gint64, typed_position) : 0;
  g_autofree char *typed_cases = typed_id != 0 ? g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cases))) : NULL;
  g_autofree char *typed_remarks = typed_id != 0 ? g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->remarks))) : NULL;

  self->save_button = self->next_button = NULL;
  self->task = NULL;
  self->cases = self->remarks = NULL;
  g_clear_object (&self->open);

  if (me != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Signed in as %s"), kb_operator_get_name (me));

      adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), title);
    }

  if (usage_error != NULL)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *label = gtk_label_new (usage_error);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Use Is Not Recorded"));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "error");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }

  if (self->sitting != NULL && self->sitting->missing->len > 0)
    {
      GtkWidget *group = adw_preferences_group_new ();
      g_autofree char *title =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Earlier Entry Has No Purpose",
                                      "%u Earlier Entries Have No Purpose",
                                      self->sitting->missing->len),
                         self->sitting->missing->len);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
        _("These sittings ended without a business task. Fill each one in with the reason "
          "it was late; your supervisor sees them until you do."));
      for (guint i = 0; i < self->sitting->missing->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   entry_row_new (self, g_ptr_array_index (self->sitting->missing, i)));
      gtk_widget_add_css_class (group, "purpose-missing");
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }

  if (self->sitting != NULL && self->sitting->sitting->len > 0)
    {
      GPtrArray *entries = self->sitting->sitting;
      KbUsageEntry *last = g_ptr_array_index (entries, entries->len - 1);

      self->open = g_object_ref (last);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                                ADW_PREFERENCES_GROUP (open_entry_group (self)));
      if (typed_id == kb_usage_entry_get_id (last))
        {
          for (guint i = 0; i < self->task_ids->len; i++)
            if (g_array_index (self->task_ids, gint64, i) == typed_task)
              gtk_drop_down_set_selected (self->task, i);
          gtk_editable_set_text (GTK_EDITABLE (self->cases), typed_cases);
          gtk_editable_set_text (GTK_EDITABLE (self->remarks), typed_remarks);
        }
      if (entries->len > 1)
        {
          GtkWidget *group = adw_preferences_group_new ();

          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Earlier in This Sitting"));
          for (guint i = entries->len - 1; i-- > 0;)
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                       entry_row_new (self, g_ptr_array_index (entries, i)));
          adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
        }
    }
  else if (usage_error == NULL && self->sitting != NULL)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *label = gtk_label_new (_("No usage entry is open for this sitting yet."));

      gtk_widget_add_css_class (label, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }

  if (kb_session_has_role (self->session, KB_ROLE_SUPERVISOR) &&
      (self->n_to_confirm > 0 || self->n_missing_division > 0))
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("For You as Supervisor"));
      if (self->n_to_confirm > 0)
        {
          g_autofree char *text =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%'" PRId64 " entry of your division awaits confirmation",
                                          "%'" PRId64 " entries of your division await confirmation",
                                          self->n_to_confirm), self->n_to_confirm);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     review_row (self, text, KB_USAGE_SHOW_UNCONFIRMED));
        }
      if (self->n_missing_division > 0)
        {
          g_autofree char *text =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%'" PRId64 " entry of your division has no purpose",
                                          "%'" PRId64 " entries of your division have no purpose",
                                          self->n_missing_division), self->n_missing_division);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     review_row (self, text, KB_USAGE_SHOW_PURPOSE_MISSING));
        }
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    }

  adw_bin_set_child (ADW_BIN (self), page);
  self->page = page;
}

/* --- loading --------------------------------------------------------------- */

typedef struct {
  gint64 viewer_id;
  gint64 division_id;
  gint64 to_confirm;
  gint64 missing;
} Pending;

static gpointer
pending_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Pending *in = data;
  Pending *out = g_memdup2 (in, sizeof *in);
  g_autoptr(KbUsageFilter) filter = kb_usage_filter_new ();

  filter->division_id = in->division_id;
  filter->show = KB_USAGE_SHOW_UNCONFIRMED;
  out->to_confirm = kb_usage_count (db, in->viewer_id, filter, error);
  filter->show = KB_USAGE_SHOW_PURPOSE_MISSING;
  if (out->to_confirm >= 0)
    out->missing = kb_usage_count (db, in->viewer_id, filter, error);
  if (out->to_confirm < 0 || out->missing < 0)
    {
      g_free (out);
      return NULL;
    }
  return out;
}

static void
pending_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree Pending *pending = kb_store_run_finish (KB_STORE (source), result, &error);
  KbSittingPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SITTING_PAGE (user_data);
  if (pending == NULL)
    return;
  self->n_to_confirm = pending->to_confirm;
  self->n_missing_division = pending->missing;
  rebuild (self);
}

static void
sitting_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KbUsageSitting *sitting = kb_store_usage_sitting_finish (KB_STORE (source), result, &error);
  KbSittingPage *self;
  KbOperator *me;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SITTING_PAGE (user_data);
  if (sitting == NULL)
    {
      toast (self, error->message);
      return;
    }
  kb_usage_sitting_free (self->sitting);
  self->sitting = sitting;
  rebuild (self);

  me = kb_session_get_operator (self->session);
  if (me != NULL && kb_session_has_role (self->session, KB_ROLE_SUPERVISOR))
    {
      Pending *pending = g_new0 (Pending, 1);

      pending->viewer_id = kb_operator_get_id (me);
      pending->division_id = kb_operator_get_division_id (me);
      kb_store_run_async (self->reader, NULL, pending_job, pending, g_free, g_free,
                          self->cancellable, pending_cb, self);
    }
}

static void
reload (KbSittingPage *self)
{
  KbOperator *me = kb_session_get_operator (self->session);

  if (me == NULL || kb_session_get_state (self->session) != KB_SESSION_UNLOCKED)
    return;
  kb_store_usage_sitting_async (self->reader, kb_operator_get_id (me),
                                kb_session_get_terminal (self->session), self->cancellable,
                                sitting_cb, self);
}

static void
session_changed_cb (KbSittingPage *self)
{
  if (kb_session_get_state (self->session) == KB_SESSION_UNLOCKED)
    return;   /* the entry is opened after unlocking: "usage-changed" */

  /* Locked: forget the last person's sitting. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->sitting, kb_usage_sitting_free);
  self->n_to_confirm = self->n_missing_division = 0;
  self->busy = FALSE;
  rebuild (self);
}

static void
store_changed_cb (KbSittingPage *self,
                  const char    *entity)
{
  if (g_strcmp0 (entity, "usage") == 0 || g_strcmp0 (entity, "task") == 0)
    reload (self);
}

static void
kb_sitting_page_dispose (GObject *object)
{
  KbSittingPage *self = KB_SITTING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  g_clear_object (&self->open);
  g_clear_pointer (&self->sitting, kb_usage_sitting_free);
  g_clear_pointer (&self->task_ids, g_array_unref);
  G_OBJECT_CLASS (kb_sitting_page_parent_class)->dispose (object);
}

static void
kb_sitting_page_class_init (KbSittingPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kb_sitting_page_dispose;
}

static void
kb_sitting_page_init (KbSittingPage *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kb_sitting_page_new (KbStore   *store,
                     KbStore   *reader,
                     KbSession *session)
{
  KbSittingPage *self = g_object_new (KB_TYPE_SITTING_PAGE, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "usage-changed", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  rebuild (self);
  reload (self);
  return GTK_WIDGET (self);
}

/* For tests and screenshots: fill in the open entry and record it. */
void
kb_sitting_page_record (KbSittingPage *self,
                        guint          task_position,
                        const char    *cases,
                        const char    *remarks,
                        gboolean       then_next)
{
  if (self->open == NULL)
    return;
  gtk_drop_down_set_selected (self->task, task_position);
  gtk_editable_set_text (GTK_EDITABLE (self->cases), cases);
  gtk_editable_set_text (GTK_EDITABLE (self->remarks), remarks);
  save (self, then_next);
}

KbUsageEntry *
kb_sitting_page_get_open (KbSittingPage *self)
{
  return self->open;
}

gboolean
kb_sitting_page_get_busy (KbSittingPage *self)
{
  return self->busy;
}

/**
 * kb_sitting_page_get_missing:
 *
 * Returns: (transfer none) (element-type KbUsageEntry) (nullable): the
 *   signed-in operator's earlier entries without a purpose, as listed
 */
GPtrArray *
kb_sitting_page_get_missing (KbSittingPage *self)
{
  return self->sitting != NULL ? self->sitting->missing : NULL;
}
