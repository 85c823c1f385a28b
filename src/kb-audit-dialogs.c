/* kb-audit-dialogs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The forms of the audit register: planning an audit (its kind, scope,
 * the period it looks at, when, how often, and who audits: staff ticked
 * from the operators, Council members and outsiders by name), and
 * recording a finding with the register rows it concerns. The core
 * checks every field; an error is shown at the field it names, and
 * nothing is written until all are right.
 */

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-assets.h"
#include "kb-audit-dialogs.h"
#include "kb-error.h"
#include "kb-form.h"
#include "kb-store-jobs.h"
#include "kb-training.h"
#include "kb-usage.h"

/* --- shared ---------------------------------------------------------------- */

static GtkWidget *
form_row_new (GtkWidget  *group,
              GHashTable *rows,
              const char *field,
              const char *title,
              GtkWidget  *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names and descriptions are shown as typed, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (suffix != NULL)
    {
      gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
      gtk_accessible_update_property (GTK_ACCESSIBLE (suffix), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      title, -1);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (field != NULL)
    g_hash_table_insert (rows, g_strdup (field), row);
  return row;
}

static GtkEntry *
form_entry_new (const char *text,
                const char *placeholder,
                int         max_length)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (entry, placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 8);
  gtk_widget_set_size_request (GTK_WIDGET (entry), 280, -1);
  if (max_length > 0)
    gtk_entry_set_max_length (entry, max_length);
  gtk_entry_set_activates_default (entry, TRUE);
  return entry;
}

static GtkDropDown *
form_dropdown_new (const char * const *strings)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (strings));

  gtk_widget_set_size_request (GTK_WIDGET (dropdown), 280, -1);
  return dropdown;
}

/* A dialog's frame: header bar with Cancel and the action, the message
 * line, and a preferences page. Returns the page. */
static GtkWidget *
form_frame_new (AdwWindow   *window,
                const char  *title,
                const char  *action,
                GtkWidget  **save_button,
                GtkLabel   **message)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();

  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 760);
  gtk_window_set_title (GTK_WINDOW (window), title);

  *save_button = gtk_button_new_with_mnemonic (action);
  gtk_widget_add_css_class (*save_button, "suggested-action");
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), *save_button);
  gtk_box_append (GTK_BOX (toolbar), header);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  gtk_window_set_default_widget (GTK_WINDOW (window), *save_button);

  *message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (*message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (*message), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (*message), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (*message), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (*message), 12);
  gtk_widget_set_visible (GTK_WIDGET (*message), FALSE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (*message));

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);
  adw_window_set_content (window, toolbar);
  return page;
}

/* ============================================================================
 * Planning an audit
 * ========================================================================= */

static const int recurrences[] = { 0, 3, 6, 12 };

typedef struct {
  GtkWidget *row;
  GtkEntry  *name;
  GtkEntry  *organisation;
} Outsider;

struct _KbAuditDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  GCancellable  *cancellable;

  GtkWidget     *save_button;
  GtkLabel      *message;
  GHashTable    *rows;            /* field name → AdwActionRow */

  GtkDropDown   *kind;
  GtkEntry      *title;
  GtkEntry      *scope;
  GtkEntry      *period_from;
  GtkEntry      *period_to;
  GtkEntry      *planned;
  GtkDropDown   *recurrence;
  GtkEntry      *notes;
  GtkWidget     *staff_group;
  GtkWidget     *outside_group;
  GPtrArray     *staff;           /* GtkCheckButton, with "operator-id" and "staff" data */
  GPtrArray     *outsiders;       /* Outsider */
  gboolean       ready;
  gboolean       busy;
  gint64         saved_id;
};

G_DEFINE_FINAL_TYPE (KbAuditDialog, kb_audit_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint audit_signals[N_SIGNALS];

static void
audit_set_busy (KbAuditDialog *self,
                gboolean       busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->save_button, !busy);
}

static void
outsider_remove_cb (GtkButton     *button,
                    KbAuditDialog *self)
{
  for (guint i = 0; i < self->outsiders->len; i++)
    {
      Outsider *o = g_ptr_array_index (self->outsiders, i);

      if (gtk_widget_is_ancestor (GTK_WIDGET (button), o->row))
        {
          adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->outside_group), o->row);
          g_ptr_array_remove_index (self->outsiders, i);
          return;
        }
    }
}

static Outsider *
add_outsider (KbAuditDialog *self)
{
  Outsider *o = g_new0 (Outsider, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  o->row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (o->row), _("Auditor"));
  o->name = form_entry_new (NULL, _("Name"), KB_MAX_NAME);
  o->organisation = form_entry_new (NULL, _("Organisation"), 100);
  gtk_widget_set_size_request (GTK_WIDGET (o->name), 150, -1);
  gtk_widget_set_size_request (GTK_WIDGET (o->organisation), 200, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (o->name), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Auditor’s name"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (o->organisation),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Organisation"), -1);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this auditor"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (o->name));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (o->organisation));
  gtk_box_append (GTK_BOX (box), remove);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (o->row), box);
  g_signal_connect (remove, "clicked", G_CALLBACK (outsider_remove_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->outside_group), o->row);
  g_ptr_array_add (self->outsiders, o);
  return o;
}

static void
add_outsider_clicked_cb (KbAuditDialog *self)
{
  Outsider *o = add_outsider (self);

  gtk_widget_grab_focus (GTK_WIDGET (o->name));
}

static void
audit_operators_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  KbAuditDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_AUDIT_DIALOG (user_data);
  if (records == NULL)
    {
      kb_form_show_error (self->rows, self->message, error);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);
      GtkWidget *row;
      GtkWidget *check;
      g_autofree char *subtitle = NULL;

      if (!kb_operator_get_active (op))
        continue;
      check = gtk_check_button_new ();
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kb_operator_get_name (op));
      subtitle = g_strdup_printf ("%s · %s", kb_operator_get_staff_number (op),
                                  kb_operator_get_division_name (op));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      kb_operator_get_name (op), -1);
      g_object_set_data (G_OBJECT (check), "operator-id",
                         GSIZE_TO_POINTER ((gsize) kb_operator_get_id (op)));
      g_object_set_data_full (G_OBJECT (check), "staff",
                              g_strdup (kb_operator_get_staff_number (op)), g_free);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->staff_group), row);
      g_ptr_array_add (self->staff, check);
    }
  self->ready = TRUE;
}

typedef struct {
  KbAuditChange change;
  char *title, *scope, *from, *to, *planned, *notes;
  GArray *auditors;      /* KbAuditorSpec, strings owned */
} PlanJob;

static void
plan_job_free (gpointer data)
{
  PlanJob *job = data;

  g_free (job->title);
  g_free (job->scope);
  g_free (job->from);
  g_free (job->to);
  g_free (job->planned);
  g_free (job->notes);
  for (guint i = 0; i < job->auditors->len; i++)
    {
      KbAuditorSpec *a = &g_array_index (job->auditors, KbAuditorSpec, i);

      g_free ((char *) a->name);
      g_free ((char *) a->organisation);
    }
  g_array_unref (job->auditors);
  g_free (job);
}

static gpointer
plan_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  PlanJob *job = data;
  gint64 id = kb_audit_save (db, &job->change, error);

  return id > 0 ? g_memdup2 (&id, sizeof id) : NULL;
}

static void
planned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *id = kb_store_run_finish (KB_STORE (source), result, &error);
  KbAuditDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_AUDIT_DIALOG (user_data);
  audit_set_busy (self, FALSE);
  if (id == NULL)
    {
      kb_form_show_error (self->rows, self->message, error);
      return;
    }
  self->saved_id = *id;
  g_signal_emit (self, audit_signals[SIGNAL_SAVED], 0, *id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static char *
entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

void
kb_audit_dialog_save (KbAuditDialog *self)
{
  PlanJob *job;

  g_return_if_fail (KB_IS_AUDIT_DIALOG (self));

  if (self->busy || !self->ready)
    return;
  kb_form_clear_errors (self->rows, self->message);
  job = g_new0 (PlanJob, 1);
  job->title = entry_text (self->title);
  job->scope = entry_text (self->scope);
  job->from = entry_text (self->period_from);
  job->to = entry_text (self->period_to);
  job->planned = entry_text (self->planned);
  job->notes = entry_text (self->notes);
  job->auditors = g_array_new (FALSE, TRUE, sizeof (KbAuditorSpec));
  for (guint i = 0; i < self->staff->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->staff, i);
      KbAuditorSpec spec = { 0, };

      if (!gtk_check_button_get_active (check))
        continue;
      spec.operator_id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (check),
                                                                       "operator-id"));
      g_array_append_val (job->auditors, spec);
    }
  for (guint i = 0; i < self->outsiders->len; i++)
    {
      Outsider *o = g_ptr_array_index (self->outsiders, i);
      KbAuditorSpec spec = { 0, };
      char *name = entry_text (o->name);
      char *org = entry_text (o->organisation);

      /* An empty row is a row nobody filled in, not an auditor. */
      if (name[0] == '\0' && org[0] == '\0')
        {
          g_free (name);
          g_free (org);
          continue;
        }
      spec.name = name;
      spec.organisation = org;
      g_array_append_val (job->auditors, spec);
    }
  job->change.id = 0;
  job->change.kind = gtk_drop_down_get_selected (self->kind);
  job->change.title = job->title;
  job->change.scope = job->scope;
  job->change.period_from = job->from;
  job->change.period_to = job->to;
  job->change.planned_on = job->planned;
  job->change.recurrence_months = recurrences[MIN (gtk_drop_down_get_selected (self->recurrence),
                                                   G_N_ELEMENTS (recurrences) - 1)];
  job->change.auditors = (const KbAuditorSpec *) job->auditors->data;
  job->change.n_auditors = job->auditors->len;
  job->change.notes = job->notes;

  audit_set_busy (self, TRUE);
  kb_store_run_async (self->store, "audit", plan_job, job, plan_job_free, g_free,
                      self->cancellable, planned_cb, self);
}

static void
hint_row (GtkWidget  *row,
          const char *hint)
{
  g_object_set_data_full (G_OBJECT (row), "hint", g_strdup (hint), g_free);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hint);
}

static void
audit_build (KbAuditDialog *self)
{
  GtkWidget *page;
  GtkWidget *what = adw_preferences_group_new ();
  GtkWidget *when = adw_preferences_group_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *rest = adw_preferences_group_new ();
  GtkWidget *row;
  const char *kinds[] = { kb_audit_kind_get_label (KB_AUDIT_PRE_USE),
                          kb_audit_kind_get_label (KB_AUDIT_INTERNAL),
                          kb_audit_kind_get_label (KB_AUDIT_EXTERNAL), NULL };
  const char *repeats[] = { _("Once"), _("Every 3 months"), _("Every 6 months"),
                            _("Every 12 months"), NULL };

  page = form_frame_new (ADW_WINDOW (self), _("Plan an Audit"), _("_Plan"), &self->save_button,
                         &self->message);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (kb_audit_dialog_save), self);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (what), _("What Is Audited"));
  self->kind = form_dropdown_new (kinds);
  gtk_drop_down_set_selected (self->kind, KB_AUDIT_INTERNAL);
  form_row_new (what, self->rows, KB_FIELD_KIND, _("Kind"), GTK_WIDGET (self->kind));
  self->title = form_entry_new (NULL, _("Internal audit, first half"), 100);
  form_row_new (what, self->rows, KB_FIELD_TITLE, _("Title"), GTK_WIDGET (self->title));
  self->scope = form_entry_new (NULL, _("Registers and duties audited"),
                                KB_AUDIT_MAX_SCOPE);
  form_row_new (what, self->rows, KB_FIELD_SCOPE, _("Scope"), GTK_WIDGET (self->scope));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (what));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (when), _("Period and Date"));
  /* What the core parses, not a translated format. */
  self->period_from = form_entry_new (NULL, "2026-04-01", 10);
  form_row_new (when, self->rows, KB_FIELD_PERIOD_FROM, _("Audited from"),
                GTK_WIDGET (self->period_from));
  self->period_to = form_entry_new (NULL, "2026-09-30", 10);
  form_row_new (when, self->rows, KB_FIELD_PERIOD_TO, _("Audited to"),
                GTK_WIDGET (self->period_to));
  self->planned = form_entry_new (NULL, "2026-11-30", 10);
  form_row_new (when, self->rows, KB_FIELD_PLANNED, _("Planned for"),
                GTK_WIDGET (self->planned));
  self->recurrence = form_dropdown_new (repeats);
  row = form_row_new (when, self->rows, KB_FIELD_RECURRENCE, _("Recurrence"),
                      GTK_WIDGET (self->recurrence));
  hint_row (row, _("When it closes, the next one is planned this much later"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (when));

  /* Staff: ticked from the active operators, which arrive later. */
  self->staff_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->staff_group), _("Staff Auditors"));
  row = form_row_new (self->staff_group, self->rows, KB_FIELD_AUDITORS, _("Who audits"), NULL);
  hint_row (row, _("Tick the staff who audit; nobody should audit work they did themselves"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->staff_group));

  self->outside_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->outside_group),
                                   _("Council Members and Outside Auditors"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->outside_group),
    _("A pre-use audit needs at least one member of the Protection Council."));
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, _("Add an auditor by name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add an auditor by name"), -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->outside_group), add);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_outsider_clicked_cb), self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (self->outside_group));

  self->notes = form_entry_new (NULL, NULL, KB_AUDIT_MAX_TEXT);
  form_row_new (rest, self->rows, KB_FIELD_NOTES, _("Notes"), GTK_WIDGET (self->notes));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (rest));
}

static void
kb_audit_dialog_dispose (GObject *object)
{
  KbAuditDialog *self = KB_AUDIT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_audit_dialog_parent_class)->dispose (object);
}

static void
kb_audit_dialog_finalize (GObject *object)
{
  KbAuditDialog *self = KB_AUDIT_DIALOG (object);

  g_hash_table_unref (self->rows);
  g_ptr_array_unref (self->staff);
  g_ptr_array_unref (self->outsiders);
  G_OBJECT_CLASS (kb_audit_dialog_parent_class)->finalize (object);
}

static void
kb_audit_dialog_class_init (KbAuditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_audit_dialog_dispose;
  object_class->finalize = kb_audit_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * KbAuditDialog::saved:
   * @id: the audit planned
   */
  audit_signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
kb_audit_dialog_init (KbAuditDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->staff = g_ptr_array_new ();
  self->outsiders = g_ptr_array_new_with_free_func (g_free);
}

/**
 * kb_audit_dialog_new:
 * @reader: where the operators are read from
 *
 * The form that plans an audit.
 */
GtkWidget *
kb_audit_dialog_new (KbStore   *store,
                     KbStore   *reader,
                     KbSession *session)
{
  KbAuditDialog *self = g_object_new (KB_TYPE_AUDIT_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  audit_build (self);
  kb_store_list_async (self->reader, "operator", self->cancellable, audit_operators_cb, self);
  return GTK_WIDGET (self);
}

/**
 * kb_audit_dialog_set_field:
 * @field: a KB_FIELD_… name typed as text; "kind" takes "pre-use",
 *   "internal" or "external"; "recurrence" takes 0, 3, 6 or 12;
 *   "auditors" ticks the staff numbers of a comma-separated list;
 *   "outsider" adds "name/organisation"
 *
 * Fills the form as a person would (tests, screenshots).
 *
 * Returns: whether @field is one of the form's
 */
gboolean
kb_audit_dialog_set_field (KbAuditDialog *self,
                           const char    *field,
                           const char    *text)
{
  struct { const char *field; GtkEntry *entry; } entries[] = {
    { KB_FIELD_TITLE, self->title }, { KB_FIELD_SCOPE, self->scope },
    { KB_FIELD_PERIOD_FROM, self->period_from }, { KB_FIELD_PERIOD_TO, self->period_to },
    { KB_FIELD_PLANNED, self->planned }, { "notes", self->notes },
  };

  g_return_val_if_fail (KB_IS_AUDIT_DIALOG (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_str_equal (field, entries[i].field))
      {
        gtk_editable_set_text (GTK_EDITABLE (entries[i].entry), text);
        return TRUE;
      }
  if (g_str_equal (field, "kind"))
    {
      for (guint k = KB_AUDIT_PRE_USE; k <= KB_AUDIT_EXTERNAL; k++)
        if (g_str_equal (text, kb_audit_kind_to_string (k)))
          {
            gtk_drop_down_set_selected (self->kind, k);
            return TRUE;
          }
      return FALSE;
    }
  if (g_str_equal (field, KB_FIELD_RECURRENCE))
    {
      for (guint i = 0; i < G_N_ELEMENTS (recurrences); i++)
        if (recurrences[i] == atoi (text))
          {
            gtk_drop_down_set_selected (self->recurrence, i);
            return TRUE;
          }
      return FALSE;
    }
  if (g_str_equal (field, KB_FIELD_AUDITORS))
    {
      g_auto(GStrv) staff = g_strsplit (text, ",", -1);

      for (guint i = 0; i < self->staff->len; i++)
        {
          GtkCheckButton *check = g_ptr_array_index (self->staff, i);
          const char *number = g_object_get_data (G_OBJECT (check), "staff");

          gtk_check_button_set_active (check, g_strv_contains ((const char * const *) staff,
                                                               number));
        }
      return TRUE;
    }
  if (g_str_equal (field, "outsider"))
    {
      g_auto(GStrv) parts = g_strsplit (text, "/", 2);
      Outsider *o = add_outsider (self);

      gtk_editable_set_text (GTK_EDITABLE (o->name), parts[0] != NULL ? parts[0] : "");
      gtk_editable_set_text (GTK_EDITABLE (o->organisation),
                             parts[0] != NULL && parts[1] != NULL ? parts[1] : "");
      return TRUE;
    }
  return FALSE;
}

const char *
kb_audit_dialog_get_error (KbAuditDialog *self,
                           const char    *field)
{
  return kb_form_get_error (g_hash_table_lookup (self->rows, field));
}

gboolean
kb_audit_dialog_get_busy (KbAuditDialog *self)
{
  return self->busy;
}

/**
 * kb_audit_dialog_get_ready:
 *
 * Returns: whether the operators have arrived for the check list
 */
gboolean
kb_audit_dialog_get_ready (KbAuditDialog *self)
{
  return self->ready;
}

gint64
kb_audit_dialog_get_saved_id (KbAuditDialog *self)
{
  return self->saved_id;
}

/* ============================================================================
 * Recording a finding
 * ========================================================================= */

/* A register row found for a link: what it is and how it reads. */
typedef struct {
  char   *entity;
  gint64  id;
  char   *description;
} Found;

static void
found_free (gpointer data)
{
  Found *f = data;

  g_free (f->entity);
  g_free (f->description);
  g_free (f);
}

/* What is asked for when a link is typed or searched. */
typedef struct {
  char   *text;
  gint64  viewer;
} LinkQuery;

static void
link_query_free (gpointer data)
{
  LinkQuery *q = data;

  g_free (q->text);
  g_free (q);
}

/* Whether the row is there (and the viewer may read it). Rows of the
 * other registers are checked by the core when the finding is saved. */
static gboolean
row_exists (KbDb       *db,
            const char *entity,
            gint64      id,
            gint64      viewer)
{
  if (g_str_equal (entity, "usage"))
    {
      g_autoptr(KbUsageEntry) entry = kb_usage_get (db, viewer, id, NULL);

      return entry != NULL;
    }
  if (g_str_equal (entity, "asset"))
    {
      g_autoptr(KbAsset) asset = kb_assets_get (db, id, NULL, NULL);

      return asset != NULL;
    }
  return TRUE;
}

static Found *
found_new (KbDb       *db,
           const char *entity,
           gint64      id,
           gint64      viewer)
{
  KbFindingLink link = { entity, id };
  char *description;
  Found *f;

  if (!row_exists (db, entity, id, viewer))
    return NULL;
  description = kb_finding_link_describe (db, &link);
  if (description == NULL)
    return NULL;
  f = g_new0 (Found, 1);
  f->entity = g_strdup (entity);
  f->id = id;
  f->description = description;
  return f;
}

/* "123", "#123" → 123; anything else 0. */
static gint64
parse_id (const char *s)
{
  char *end = NULL;
  gint64 v;

  if (*s == '#')
    s++;
  if (!g_ascii_isdigit (*s))
    return 0;
  v = g_ascii_strtoll (s, &end, 10);
  return *end == '\0' && v > 0 ? v : 0;
}

static gint64
asset_by_number (KbDb       *db,
                 const char *number,
                 GError    **error)
{
  KbAssetFilter filter = KB_ASSET_FILTER_INIT;
  g_autoptr(GListModel) assets = NULL;

  filter.show = KB_ASSET_SHOW_ALL;
  filter.text = number;
  assets = kb_assets_list (db, &filter, NULL, error);
  if (assets == NULL)
    return -1;
  for (guint i = 0; i < g_list_model_get_n_items (assets); i++)
    {
      g_autoptr(KbAsset) a = g_list_model_get_item (assets, i);

      if (g_ascii_strcasecmp (kb_asset_get_number (a), number) == 0)
        return kb_asset_get_id (a);
    }
  return 0;
}

/* "usage #123", "asset DOC-04", "asset #7", "room #5": one link, or an
 * error naming what was not found. */
static gpointer
resolve_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  LinkQuery *q = data;
  g_autofree char *text = g_strstrip (g_strdup (q->text));
  g_auto(GStrv) words = g_strsplit_set (text, " \t", 2);
  g_autofree char *entity = NULL;
  const char *what;
  gint64 id;
  Found *f;

  if (g_strv_length (words) != 2)
    {
      kb_set_field_error (error, KB_FIELD_LINKS, KB_FIELD_ERROR_INVALID,
                          _("Type a register and a row, such as “usage #123” or “asset DOC-04”."));
      return NULL;
    }
  entity = g_ascii_strdown (words[0], -1);
  what = g_strstrip (words[1]);
  id = parse_id (what);
  if (g_str_equal (entity, "asset") && id == 0)
    {
      id = asset_by_number (db, what, error);
      if (id < 0)
        return NULL;
    }
  if (id == 0)
    {
      kb_set_field_error (error, KB_FIELD_LINKS, KB_FIELD_ERROR_INVALID,
                          _("“%s” names no row: give its number, such as “usage #123”."), text);
      return NULL;
    }
  f = found_new (db, entity, id, q->viewer);
  if (f == NULL)
    kb_set_field_error (error, KB_FIELD_LINKS, KB_FIELD_ERROR_INVALID,
                        _("There is no “%s” in the registers."), text);
  return f;
}

/* The picker: assets whose number or name contains the text, and the
 * usage entry of that number. */
static gpointer
search_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  LinkQuery *q = data;
  const char *text = q->text;
  GPtrArray *found = g_ptr_array_new_with_free_func (found_free);
  KbAssetFilter filter = KB_ASSET_FILTER_INIT;
  g_autoptr(GListModel) assets = NULL;
  gint64 id = parse_id (text);

  if (id > 0)
    {
      Found *f = found_new (db, "usage", id, q->viewer);

      if (f != NULL)
        g_ptr_array_add (found, f);
    }
  filter.show = KB_ASSET_SHOW_ALL;
  filter.text = text;
  assets = kb_assets_list (db, &filter, NULL, NULL);
  for (guint i = 0; assets != NULL && i < g_list_model_get_n_items (assets) && found->len < 8; i++)
    {
      g_autoptr(KbAsset) a = g_list_model_get_item (assets, i);
      Found *f = found_new (db, "asset", kb_asset_get_id (a), q->viewer);

      if (f != NULL)
        g_ptr_array_add (found, f);
    }
  return found;
}

struct _KbFindingDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  GCancellable  *cancellable;
  GCancellable  *searching;
  gint64         audit_id;

  GtkWidget     *save_button;
  GtkLabel      *message;
  GHashTable    *rows;

  GtkDropDown   *severity;
  GtkEntry      *description;
  GtkDropDown   *responsible;
  GArray        *responsible_ids;    /* beside the drop-down: 0 first, for nobody chosen */
  GPtrArray     *staff_numbers;
  GtkEntry      *action;
  GtkEntry      *due;
  GtkEntry      *link_entry;
  GtkWidget     *links_group;
  GtkListBox    *matches;
  GPtrArray     *links;              /* Found */
  GPtrArray     *link_rows;          /* beside links */
  guint          resolving;
  gboolean       ready;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (KbFindingDialog, kb_finding_dialog, ADW_TYPE_WINDOW)

static guint finding_signals[N_SIGNALS];

static LinkQuery *
link_query_new (KbFindingDialog *self,
                const char      *text)
{
  LinkQuery *q = g_new0 (LinkQuery, 1);
  KbOperator *op = kb_session_get_operator (self->session);

  q->text = g_strdup (text);
  q->viewer = op != NULL ? kb_operator_get_id (op) : 0;
  return q;
}

static void
link_remove_cb (GtkButton       *button,
                KbFindingDialog *self)
{
  for (guint i = 0; i < self->link_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->link_rows, i);

      if (gtk_widget_is_ancestor (GTK_WIDGET (button), row))
        {
          adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self->links_group), row);
          g_ptr_array_remove_index (self->link_rows, i);
          g_ptr_array_remove_index (self->links, i);
          return;
        }
    }
}

static void
take_link (KbFindingDialog *self,
           Found           *f)
{
  GtkWidget *row;
  GtkWidget *remove;

  for (guint i = 0; i < self->links->len; i++)
    {
      Found *l = g_ptr_array_index (self->links, i);

      if (l->id == f->id && g_str_equal (l->entity, f->entity))
        {
          found_free (f);
          return;
        }
    }
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), f->description);
  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove this link"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove this link"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  g_signal_connect (remove, "clicked", G_CALLBACK (link_remove_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->links_group), row);
  g_ptr_array_add (self->links, f);
  g_ptr_array_add (self->link_rows, row);
}

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Found *f = kb_store_run_finish (KB_STORE (source), result, &error);
  KbFindingDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_FINDING_DIALOG (user_data);
  self->resolving--;
  if (f == NULL)
    {
      kb_form_show_error (self->rows, self->message, error);
      return;
    }
  take_link (self, f);
  gtk_editable_set_text (GTK_EDITABLE (self->link_entry), "");
}

/**
 * kb_finding_dialog_add_link:
 * @text: "usage #123", "asset DOC-04" (an asset number), "asset #7"
 *
 * Looks the row up and adds it to the links, or shows why not at the field.
 */
void
kb_finding_dialog_add_link (KbFindingDialog *self,
                            const char      *text)
{
  g_return_if_fail (KB_IS_FINDING_DIALOG (self));

  kb_form_clear_errors (self->rows, self->message);
  self->resolving++;
  kb_store_run_async (self->store, NULL, resolve_job, link_query_new (self, text),
                      link_query_free, found_free, self->cancellable, resolved_cb, self);
}

static void
link_activate_cb (KbFindingDialog *self)
{
  g_autofree char *text = entry_text (self->link_entry);

  if (text[0] != '\0')
    kb_finding_dialog_add_link (self, text);
}

static void
match_activated_cb (KbFindingDialog *self,
                    GtkListBoxRow   *row)
{
  Found *f = g_object_get_data (G_OBJECT (row), "found");
  Found *copy;

  if (f == NULL)
    return;
  copy = g_new0 (Found, 1);
  copy->entity = g_strdup (f->entity);
  copy->id = f->id;
  copy->description = g_strdup (f->description);
  take_link (self, copy);
}

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = kb_store_run_finish (KB_STORE (source), result, &error);
  KbFindingDialog *self;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_FINDING_DIALOG (user_data);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->matches))) != NULL)
    gtk_list_box_remove (self->matches, child);
  while (found != NULL && found->len > 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("list-add-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     ((Found *) g_ptr_array_index (found, 0))->description);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "found",
                              g_ptr_array_steal_index (found, 0), found_free);
      gtk_list_box_append (self->matches, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->matches),
                          gtk_widget_get_first_child (GTK_WIDGET (self->matches)) != NULL);
}

static void
link_changed_cb (KbFindingDialog *self)
{
  g_autofree char *text = entry_text (self->link_entry);
  const char *needle = text;

  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  /* "asset DOC" and "usage 12" search for what follows the register. */
  if (g_str_has_prefix (needle, "asset ") || g_str_has_prefix (needle, "usage "))
    needle += 6;
  while (*needle == ' ')
    needle++;
  if (strlen (needle) < 2 && parse_id (needle) == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->matches), FALSE);
      return;
    }
  self->searching = g_cancellable_new ();
  kb_store_run_async (self->store, NULL, search_job, link_query_new (self, needle),
                      link_query_free, (GDestroyNotify) g_ptr_array_unref, self->searching,
                      searched_cb, self);
}

static void
finding_operators_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  KbFindingDialog *self;
  GtkStringList *names;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_FINDING_DIALOG (user_data);
  if (records == NULL)
    {
      kb_form_show_error (self->rows, self->message, error);
      return;
    }
  names = GTK_STRING_LIST (gtk_drop_down_get_model (self->responsible));
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);
      gint64 id;
      g_autofree char *label = NULL;

      if (!kb_operator_get_active (op))
        continue;
      id = kb_operator_get_id (op);
      label = g_strdup_printf ("%s (%s)", kb_operator_get_name (op),
                               kb_operator_get_staff_number (op));
      gtk_string_list_append (names, label);
      g_array_append_val (self->responsible_ids, id);
      g_ptr_array_add (self->staff_numbers, g_strdup (kb_operator_get_staff_number (op)));
    }
  self->ready = TRUE;
}

typedef struct {
  KbFindingChange change;
  char *description, *action, *due;
  GArray *links;     /* KbFindingLink, entity strings owned */
} FindingJob;

static void
finding_job_free (gpointer data)
{
  FindingJob *job = data;

  g_free (job->description);
  g_free (job->action);
  g_free (job->due);
  for (guint i = 0; i < job->links->len; i++)
    g_free ((char *) g_array_index (job->links, KbFindingLink, i).entity);
  g_array_unref (job->links);
  g_free (job);
}

static gpointer
finding_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  FindingJob *job = data;
  gint64 id = kb_finding_save (db, &job->change, error);

  return id > 0 ? g_memdup2 (&id, sizeof id) : NULL;
}

static void
finding_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *id = kb_store_run_finish (KB_STORE (source), result, &error);
  KbFindingDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_FINDING_DIALOG (user_data);
  self->busy = FALSE;
  gtk_widget_set_sensitive (self->save_button, TRUE);
  if (id == NULL)
    {
      kb_form_show_error (self->rows, self->message, error);
      return;
    }
  g_signal_emit (self, finding_signals[SIGNAL_SAVED], 0, *id);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
kb_finding_dialog_save (KbFindingDialog *self)
{
  FindingJob *job;
  guint responsible;

  g_return_if_fail (KB_IS_FINDING_DIALOG (self));

  if (self->busy || !self->ready || self->resolving > 0)
    return;
  kb_form_clear_errors (self->rows, self->message);
  job = g_new0 (FindingJob, 1);
  job->description = entry_text (self->description);
  job->action = entry_text (self->action);
  job->due = entry_text (self->due);
  job->links = g_array_new (FALSE, TRUE, sizeof (KbFindingLink));
  for (guint i = 0; i < self->links->len; i++)
    {
      Found *f = g_ptr_array_index (self->links, i);
      KbFindingLink link = { g_strdup (f->entity), f->id };

      g_array_append_val (job->links, link);
    }
  responsible = gtk_drop_down_get_selected (self->responsible);
  job->change.audit_id = self->audit_id;
  job->change.severity = gtk_drop_down_get_selected (self->severity);
  job->change.description = job->description;
  job->change.responsible_id = responsible < self->responsible_ids->len
                               ? g_array_index (self->responsible_ids, gint64, responsible) : 0;
  job->change.action = job->action;
  job->change.due_on = job->due[0] != '\0' ? job->due : NULL;
  job->change.links = (const KbFindingLink *) job->links->data;
  job->change.n_links = job->links->len;

  self->busy = TRUE;
  gtk_widget_set_sensitive (self->save_button, FALSE);
  kb_store_run_async (self->store, "finding", finding_job, job, finding_job_free, g_free,
                      self->cancellable, finding_saved_cb, self);
}

static void
finding_build (KbFindingDialog *self)
{
  GtkWidget *page;
  GtkWidget *what = adw_preferences_group_new ();
  GtkWidget *fix = adw_preferences_group_new ();
  GtkWidget *row;
  GtkWidget *search_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add"));
  const char *severities[] = { kb_severity_get_label (KB_SEVERITY_LOW),
                               kb_severity_get_label (KB_SEVERITY_MEDIUM),
                               kb_severity_get_label (KB_SEVERITY_HIGH), NULL };
  const char *nobody[] = { _("Choose…"), NULL };

  page = form_frame_new (ADW_WINDOW (self), _("Record a Finding"), _("_Record"),
                         &self->save_button, &self->message);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (kb_finding_dialog_save),
                            self);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (what), _("Finding"));
  self->severity = form_dropdown_new (severities);
  gtk_drop_down_set_selected (self->severity, KB_SEVERITY_MEDIUM);
  form_row_new (what, self->rows, KB_FIELD_SEVERITY, _("Severity"), GTK_WIDGET (self->severity));
  self->description = form_entry_new (NULL, NULL, KB_AUDIT_MAX_TEXT);
  form_row_new (what, self->rows, KB_FIELD_DESCRIPTION, _("Description"),
                GTK_WIDGET (self->description));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (what));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (fix), _("Corrective Action"));
  self->responsible = form_dropdown_new (nobody);
  gtk_drop_down_set_enable_search (self->responsible, TRUE);
  gtk_drop_down_set_expression (self->responsible,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL,
                                                             "string"));
  form_row_new (fix, self->rows, KB_FIELD_RESPONSIBLE, _("Responsible"),
                GTK_WIDGET (self->responsible));
  self->action = form_entry_new (NULL, NULL, KB_AUDIT_MAX_TEXT);
  form_row_new (fix, self->rows, KB_FIELD_ACTION, _("Action"), GTK_WIDGET (self->action));
  self->due = form_entry_new (NULL, "2026-12-25", 10);
  form_row_new (fix, self->rows, KB_FIELD_DUE, _("Due by"), GTK_WIDGET (self->due));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (fix));

  /* The rows it concerns: typed, or picked from what the search finds. */
  self->links_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->links_group),
                                   _("Register Entries and Assets"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->links_group),
    _("Type “usage #123” or “asset DOC-04”, or part of an asset’s number or name to pick it."));
  self->link_entry = form_entry_new (NULL, _("usage #123, asset DOC-04"), 120);
  gtk_entry_set_activates_default (self->link_entry, FALSE);
  gtk_box_append (GTK_BOX (search_box), GTK_WIDGET (self->link_entry));
  row = form_row_new (self->links_group, self->rows, KB_FIELD_LINKS, _("Link"), search_box);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), NULL);
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), add);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (link_activate_cb), self);
  g_signal_connect_swapped (self->link_entry, "activate", G_CALLBACK (link_activate_cb), self);
  g_signal_connect_swapped (self->link_entry, "changed", G_CALLBACK (link_changed_cb), self);

  self->matches = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->matches), "boxed-list");
  gtk_list_box_set_selection_mode (self->matches, GTK_SELECTION_NONE);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->matches), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->matches), FALSE);
  g_signal_connect_swapped (self->matches, "row-activated", G_CALLBACK (match_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->links_group),
                             GTK_WIDGET (self->matches));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (self->links_group));
}

static void
kb_finding_dialog_dispose (GObject *object)
{
  KbFindingDialog *self = KB_FINDING_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->searching);
  g_clear_object (&self->searching);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_finding_dialog_parent_class)->dispose (object);
}

static void
kb_finding_dialog_finalize (GObject *object)
{
  KbFindingDialog *self = KB_FINDING_DIALOG (object);

  g_hash_table_unref (self->rows);
  g_array_unref (self->responsible_ids);
  g_ptr_array_unref (self->staff_numbers);
  g_ptr_array_unref (self->links);
  g_ptr_array_unref (self->link_rows);
  G_OBJECT_CLASS (kb_finding_dialog_parent_class)->finalize (object);
}

static void
kb_finding_dialog_class_init (KbFindingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_finding_dialog_dispose;
  object_class->finalize = kb_finding_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * KbFindingDialog::saved:
   * @id: the finding recorded
   */
  finding_signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
kb_finding_dialog_init (KbFindingDialog *self)
{
  gint64 none = 0;

  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->responsible_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_append_val (self->responsible_ids, none);
  self->staff_numbers = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->staff_numbers, g_strdup (""));
  self->links = g_ptr_array_new_with_free_func (found_free);
  self->link_rows = g_ptr_array_new ();
}

/**
 * kb_finding_dialog_new:
 * @reader: where the operators and the linked rows are read from
 * @audit_id: the audit the finding belongs to
 *
 * The form that records a finding.
 */
GtkWidget *
kb_finding_dialog_new (KbStore   *store,
                       KbStore   *reader,
                       KbSession *session,
                       gint64     audit_id)
{
  KbFindingDialog *self = g_object_new (KB_TYPE_FINDING_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  self->audit_id = audit_id;
  finding_build (self);
  kb_store_list_async (self->reader, "operator", self->cancellable, finding_operators_cb, self);
  return GTK_WIDGET (self);
}

/**
 * kb_finding_dialog_set_field:
 * @field: "severity" (low, medium, high), "description", "responsible"
 *   (a staff number), "action", "due", "link" (as typed into Link)
 *
 * Fills the form as a person would (tests, screenshots).
 *
 * Returns: whether @field is one of the form's
 */
gboolean
kb_finding_dialog_set_field (KbFindingDialog *self,
                             const char      *field,
                             const char      *text)
{
  static const char * const severities[] = { "low", "medium", "high", NULL };

  g_return_val_if_fail (KB_IS_FINDING_DIALOG (self), FALSE);

  if (g_str_equal (field, "description"))
    gtk_editable_set_text (GTK_EDITABLE (self->description), text);
  else if (g_str_equal (field, KB_FIELD_ACTION))
    gtk_editable_set_text (GTK_EDITABLE (self->action), text);
  else if (g_str_equal (field, "due"))
    gtk_editable_set_text (GTK_EDITABLE (self->due), text);
  else if (g_str_equal (field, "link"))
    kb_finding_dialog_add_link (self, text);
  else if (g_str_equal (field, KB_FIELD_SEVERITY))
    {
      for (guint i = 0; severities[i] != NULL; i++)
        if (g_str_equal (text, severities[i]))
          {
            gtk_drop_down_set_selected (self->severity, i);
            return TRUE;
          }
      return FALSE;
    }
  else if (g_str_equal (field, KB_FIELD_RESPONSIBLE))
    {
      for (guint i = 1; i < self->staff_numbers->len; i++)
        if (g_str_equal (g_ptr_array_index (self->staff_numbers, i), text))
          {
            gtk_drop_down_set_selected (self->responsible, i);
            return TRUE;
          }
      return FALSE;
    }
  else
    return FALSE;
  return TRUE;
}

guint
kb_finding_dialog_get_n_links (KbFindingDialog *self)
{
  return self->links->len;
}

const char *
kb_finding_dialog_get_error (KbFindingDialog *self,
                             const char      *field)
{
  return kb_form_get_error (g_hash_table_lookup (self->rows, field));
}

gboolean
kb_finding_dialog_get_busy (KbFindingDialog *self)
{
  return self->busy || self->resolving > 0;
}

gboolean
kb_finding_dialog_get_ready (KbFindingDialog *self)
{
  return self->ready;
}
