/* kb-usage-dialog.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One usage entry: its facts (who, where, when: from the card session,
 * not editable), what the operator adds (task, cases, remarks) and, for a
 * correction, why. Also the form for an entry from the paper register.
 * Errors are shown at the field they concern; nothing is saved until
 * every field is right.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-form.h"
#include "kb-history-window.h"
#include "kb-store-jobs.h"
#include "kb-usage-dialog.h"
#include "kb-usage-jobs.h"
#include "kb-usage-page.h"

struct _KbUsageDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  KbUsageEntry  *entry;         /* NULL: a new entry from paper */
  GCancellable  *cancellable;

  GtkWidget     *save_button;
  GtkLabel      *message;
  GHashTable    *rows;          /* field name → AdwActionRow */

  GtkDropDown   *terminal;
  GArray        *terminal_ids;
  GtkDropDown   *operator;
  GArray        *operator_ids;
  GtkEntry      *date;
  GtkEntry      *start;
  GtkEntry      *end;
  GtkDropDown   *task;
  GArray        *task_ids;
  GtkEntry      *cases;
  GtkEntry      *remarks;
  GtkEntry      *reason;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (KbUsageDialog, kb_usage_dialog, ADW_TYPE_WINDOW)

/* --- rows ------------------------------------------------------------------ */

static GtkWidget *
add_row (KbUsageDialog *self,
         GtkWidget     *group,
         const char    *field,
         const char    *title,
         GtkWidget     *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (suffix != NULL)
    {
      gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
      if (GTK_IS_ENTRY (suffix) || GTK_IS_DROP_DOWN (suffix))
        {
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
          gtk_accessible_update_property (GTK_ACCESSIBLE (suffix),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
        }
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (field != NULL)
    g_hash_table_insert (self->rows, g_strdup (field), row);
  return row;
}

static GtkWidget *
add_info (KbUsageDialog *self,
          GtkWidget     *group,
          const char    *title,
          const char    *value)
{
  GtkWidget *label = gtk_label_new (value);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_tooltip_text (label, value);
  return add_row (self, group, NULL, title, label);
}

static GtkEntry *
entry_new (const char *text,
           const char *placeholder,
           int         width)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (entry, placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  gtk_entry_set_activates_default (entry, TRUE);
  return entry;
}

static void
clear_errors (KbUsageDialog *self)
{
  kb_form_clear_errors (self->rows, self->message);
}

static void
show_error (KbUsageDialog *self,
            GError        *error)
{
  kb_form_show_error (self->rows, self->message, error);
}

/* --- choices --------------------------------------------------------------- */

static GtkDropDown *
dropdown_new (void)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)),
                                                            NULL));
  GtkExpression *expr = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

  gtk_drop_down_set_expression (dropdown, expr);
  gtk_drop_down_set_enable_search (dropdown, TRUE);
  gtk_expression_unref (expr);
  gtk_widget_set_size_request (GTK_WIDGET (dropdown), 260, -1);
  return dropdown;
}

static gint64
selected_id (GtkDropDown *dropdown,
             GArray      *ids)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (ids == NULL || i == GTK_INVALID_LIST_POSITION || i >= ids->len)
    return 0;
  return g_array_index (ids, gint64, i);
}

/* Fills @dropdown with @names (and @ids), keeping @selected_id selected. */
static void
fill_dropdown (GtkDropDown  *dropdown,
               GArray      **ids_out,
               GPtrArray    *names,
               GArray       *ids,
               gint64        selected)
{
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));
  guint position = 0;

  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char * const *) names->pdata);
  g_clear_pointer (ids_out, g_array_unref);
  *ids_out = g_array_ref (ids);
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == selected)
      position = i;
  gtk_drop_down_set_selected (dropdown, position);
}

static void
tasks_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) tasks = kb_store_usage_tasks_finish (KB_STORE (source), result, &error);
  KbUsageDialog *self;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  gint64 current;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_USAGE_DIALOG (user_data);
  if (tasks == NULL)
    {
      show_error (self, error);
      return;
    }

  current = self->entry != NULL ? kb_usage_entry_get_task_id (self->entry) : 0;
  g_ptr_array_add (names, g_strdup (_("Choose a business task…")));
  g_array_set_size (ids, 1);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(KbTask) task = g_list_model_get_item (tasks, i);
      gint64 id = kb_task_get_id (task);

      g_ptr_array_add (names, g_strdup (kb_task_get_name (task)));
      g_array_append_val (ids, id);
    }
  /* A task since retired or withdrawn stays visible on its entry. */
  if (current != 0 && self->entry != NULL)
    {
      gboolean listed = FALSE;

      for (guint i = 0; i < ids->len; i++)
        listed |= g_array_index (ids, gint64, i) == current;
      if (!listed)
        {
          g_ptr_array_add (names, g_strdup (kb_usage_entry_get_task_name (self->entry)));
          g_array_append_val (ids, current);
        }
    }
  fill_dropdown (self->task, &self->task_ids, names, ids, current);
}

static void
load_tasks (KbUsageDialog *self)
{
  gint64 operator_id = self->entry != NULL ? kb_usage_entry_get_operator_id (self->entry)
                                           : selected_id (self->operator, self->operator_ids);

  if (operator_id != 0)
    kb_store_usage_tasks_async (self->reader, operator_id, self->cancellable, tasks_cb, self);
}

typedef struct {
  KbUsageDialog *self;
  gboolean terminals;
} ListLoad;

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree ListLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  KbUsageDialog *self;
  KbOperator *me;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = load->self;
  if (records == NULL)
    {
      show_error (self, error);
      return;
    }
  me = kb_session_get_operator (self->session);

  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(GObject) record = g_list_model_get_item (records, i);
      gint64 id = kb_record_get_id (record);

      if (!kb_record_get_active (record))
        continue;
      if (load->terminals)
        g_ptr_array_add (names, g_strdup_printf ("%s %s",
                                                 kb_terminal_get_code (KB_TERMINAL (record)),
                                                 kb_terminal_get_name (KB_TERMINAL (record))));
      else
        {
          KbOperator *op = KB_OPERATOR (record);

          /* Clerks write their own backlog, supervisors their division's. */
          if (me != NULL && kb_operator_get_id (op) != kb_operator_get_id (me) &&
              !kb_session_has_role (self->session, KB_ROLES_OFFICERS) &&
              !(kb_session_has_role (self->session, KB_ROLE_SUPERVISOR) &&
                kb_operator_get_division_id (op) == kb_operator_get_division_id (me)))
            continue;
          g_ptr_array_add (names, g_strdup_printf ("%s %s", kb_operator_get_staff_number (op),
                                                   kb_operator_get_name (op)));
        }
      g_array_append_val (ids, id);
    }

  if (load->terminals)
    fill_dropdown (self->terminal, &self->terminal_ids, names, ids, 0);
  else
    {
      fill_dropdown (self->operator, &self->operator_ids, names, ids,
                     me != NULL ? kb_operator_get_id (me) : 0);
      load_tasks (self);
    }
}

static void
load_list (KbUsageDialog *self,
           const char    *entity)
{
  ListLoad *load = g_new0 (ListLoad, 1);

  load->self = self;
  load->terminals = g_str_equal (entity, "terminal");
  kb_store_list_async (self->reader, entity, self->cancellable, list_cb, load);
}

/* --- saving ---------------------------------------------------------------- */

static void
set_busy (KbUsageDialog *self,
          gboolean       busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->save_button, !busy);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kb_store_usage_save_finish (KB_STORE (source), result, &error);
  KbUsageDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_USAGE_DIALOG (user_data);
  set_busy (self, FALSE);
  if (id == 0)
    {
      show_error (self, error);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static const char *
text_of (GtkEntry *entry)
{
  return entry != NULL ? gtk_editable_get_text (GTK_EDITABLE (entry)) : NULL;
}

/**
 * kb_usage_dialog_save:
 *
 * Sends the form to the store; on success the dialog closes, on an error
 * the field concerned says what is wrong.
 */
void
kb_usage_dialog_save (KbUsageDialog *self)
{
  KbUsageChange change = { 0 };
  gboolean manual = self->entry == NULL || kb_usage_entry_get_manual (self->entry);

  if (self->busy)
    return;
  clear_errors (self);

  change.id = self->entry != NULL ? kb_usage_entry_get_id (self->entry) : 0;
  if (self->entry == NULL)
    {
      change.terminal_id = selected_id (self->terminal, self->terminal_ids);
      change.operator_id = selected_id (self->operator, self->operator_ids);
    }
  if (manual)
    {
      change.date = text_of (self->date);
      change.start = text_of (self->start);
      change.end = text_of (self->end);
    }
  change.task_id = selected_id (self->task, self->task_ids);
  change.cases = text_of (self->cases);
  change.remarks = text_of (self->remarks);
  change.reason = text_of (self->reason);

  set_busy (self, TRUE);
  kb_store_usage_save_async (self->store, &change, self->cancellable, saved_cb, self);
}

static void
history_clicked_cb (KbUsageDialog *self)
{
  g_autofree char *title = g_strdup_printf (_("Usage entry %" PRId64),
                                            kb_usage_entry_get_id (self->entry));
  GtkWidget *window = kb_history_window_new (self->store, "usage",
                                             kb_usage_entry_get_id (self->entry), title);

  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (window));
}

/* --- construction ---------------------------------------------------------- */

static gboolean
can_edit (KbUsageDialog *self)
{
  KbOperator *me = kb_session_get_operator (self->session);

  if (me == NULL)
    return FALSE;
  if (self->entry == NULL)
    return TRUE;
  return kb_usage_entry_get_operator_id (self->entry) == kb_operator_get_id (me) ||
         kb_session_has_role (self->session, KB_ROLES_OFFICERS);
}

static gboolean
needs_reason (KbUsageDialog *self)
{
  KbOperator *me = kb_session_get_operator (self->session);

  if (self->entry == NULL)
    return TRUE;
  return kb_usage_entry_get_ended_at (self->entry) != 0 || me == NULL ||
         kb_usage_entry_get_operator_id (self->entry) != kb_operator_get_id (me);
}

static void
build (KbUsageDialog *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *facts = adw_preferences_group_new ();
  GtkWidget *work = adw_preferences_group_new ();
  gboolean editable = can_edit (self);
  gboolean manual = self->entry == NULL || kb_usage_entry_get_manual (self->entry);
  KbUsageEntry *e = self->entry;

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 720);
  gtk_window_set_title (GTK_WINDOW (self), e == NULL ? _("Entry from the Paper Register")
                                                     : _("Usage Entry"));

  self->save_button = gtk_button_new_with_mnemonic (e == NULL ? _("_Record") : _("_Save"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  gtk_widget_set_visible (self->save_button, editable);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (toolbar), header);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (kb_usage_dialog_save), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (self->message), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->message));

  /* Who, where, when. */
  if (e == NULL)
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (facts),
        _("Copy an entry from the paper register kept while Kanribo was not in use. "
          "It is marked as written from paper."));
      self->terminal = dropdown_new ();
      self->operator = dropdown_new ();
      add_row (self, facts, KB_FIELD_TERMINAL, _("Terminal"), GTK_WIDGET (self->terminal));
      add_row (self, facts, KB_FIELD_OPERATOR, _("Operator"), GTK_WIDGET (self->operator));
      load_list (self, "terminal");
      load_list (self, "operator");
      g_signal_connect_swapped (self->operator, "notify::selected", G_CALLBACK (load_tasks), self);
    }
  else
    {
      g_autofree char *terminal = g_strdup_printf ("%s %s", kb_usage_entry_get_terminal_code (e),
                                                   kb_usage_entry_get_terminal_name (e));
      g_autofree char *who = g_strdup_printf ("%s %s (%s)", kb_usage_entry_get_staff_number (e),
                                              kb_usage_entry_get_operator_name (e),
                                              kb_usage_entry_get_division_name (e));
      g_autofree char *status = g_strdup (kb_usage_status_get_label (kb_usage_entry_get_status (e)));

      add_info (self, facts, _("Terminal"), terminal);
      add_info (self, facts, _("Operator"), who);
      if (!manual)
        {
          g_autofree char *date = kb_usage_format_date (kb_usage_entry_get_started_at (e));
          g_autofree char *from = kb_usage_format_time (kb_usage_entry_get_started_at (e));
          g_autofree char *to = kb_usage_entry_get_ended_at (e) != 0
                                ? kb_usage_format_time (kb_usage_entry_get_ended_at (e))
                                : g_strdup (_("now"));
          g_autofree char *when = g_strdup_printf ("%s  %s–%s", date, from, to);

          add_info (self, facts, _("Used"), when);
        }
      if (kb_usage_entry_get_manual (e))
        {
          g_free (status);
          status = g_strdup_printf (_("%s, written from paper"),
                                    kb_usage_status_get_label (kb_usage_entry_get_status (e)));
        }
      add_info (self, facts, _("Status"), status);
      if (kb_usage_entry_get_confirmed_by (e) != 0)
        {
          g_autofree char *date = kb_usage_format_date (kb_usage_entry_get_confirmed_at (e));
          g_autofree char *by = g_strdup_printf ("%s  %s", kb_usage_entry_get_confirmer_name (e), date);

          add_info (self, facts, _("Confirmed by"), by);
        }
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (facts));

  /* What the operator adds. */
  if (manual)
    {
      /* What the date field parses, not the translated display format. */
      g_autoptr(GDateTime) day = e != NULL ? g_date_time_new_from_unix_local (kb_usage_entry_get_started_at (e))
                                           : NULL;
      g_autofree char *date = day != NULL ? g_date_time_format (day, "%Y-%m-%d") : NULL;
      g_autofree char *from = e != NULL ? kb_usage_format_time (kb_usage_entry_get_started_at (e)) : NULL;
      g_autofree char *to = e != NULL ? kb_usage_format_time (kb_usage_entry_get_ended_at (e)) : NULL;

      self->date = entry_new (date, "2026-11-26", 12);
      self->start = entry_new (from, "09:30", 6);
      self->end = entry_new (to, "10:15", 6);
      add_row (self, work, KB_FIELD_DATE, _("Date"), GTK_WIDGET (self->date));
      add_row (self, work, KB_FIELD_START, _("Start"), GTK_WIDGET (self->start));
      add_row (self, work, KB_FIELD_END, _("End"), GTK_WIDGET (self->end));
    }
  self->task = dropdown_new ();
  add_row (self, work, KB_FIELD_TASK, _("Business task"), GTK_WIDGET (self->task));
  {
    g_autofree char *cases = e != NULL && kb_usage_entry_get_cases (e) >= 0
                             ? g_strdup_printf ("%d", kb_usage_entry_get_cases (e)) : NULL;

    self->cases = entry_new (cases, "0", 6);
    gtk_entry_set_input_purpose (self->cases, GTK_INPUT_PURPOSE_DIGITS);
    add_row (self, work, KB_FIELD_CASES, _("Cases or searches"), GTK_WIDGET (self->cases));
  }
  self->remarks = entry_new (e != NULL ? kb_usage_entry_get_remarks (e) : NULL, NULL, 28);
  gtk_entry_set_max_length (self->remarks, KB_USAGE_MAX_REMARKS);
  add_row (self, work, KB_FIELD_REMARKS, _("Remarks"), GTK_WIDGET (self->remarks));
  if (needs_reason (self))
    {
      self->reason = entry_new (NULL, NULL, 28);
      add_row (self, work, KB_FIELD_REASON, e == NULL ? _("Why from paper") : _("Reason for the correction"),
               GTK_WIDGET (self->reason));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (work),
        e == NULL ? NULL
                  : _("A correction is kept beside the original in the journal, with its reason. "
                      "A confirmed entry needs confirming again."));
    }
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (work), _("Recorded Work"));
  if (e != NULL)
    {
      GtkWidget *history = gtk_button_new_with_mnemonic (_("_History"));

      gtk_widget_add_css_class (history, "flat");
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (work), history);
      g_signal_connect_swapped (history, "clicked", G_CALLBACK (history_clicked_cb), self);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (work));
  gtk_widget_set_sensitive (work, editable);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);
  adw_window_set_content (ADW_WINDOW (self), toolbar);

  if (e != NULL)
    load_tasks (self);
}

static void
kb_usage_dialog_dispose (GObject *object)
{
  KbUsageDialog *self = KB_USAGE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  g_clear_object (&self->entry);
  G_OBJECT_CLASS (kb_usage_dialog_parent_class)->dispose (object);
}

static void
kb_usage_dialog_finalize (GObject *object)
{
  KbUsageDialog *self = KB_USAGE_DIALOG (object);

  g_hash_table_unref (self->rows);
  g_clear_pointer (&self->terminal_ids, g_array_unref);
  g_clear_pointer (&self->operator_ids, g_array_unref);
  g_clear_pointer (&self->task_ids, g_array_unref);
  G_OBJECT_CLASS (kb_usage_dialog_parent_class)->finalize (object);
}

static void
kb_usage_dialog_class_init (KbUsageDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_usage_dialog_dispose;
  object_class->finalize = kb_usage_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_usage_dialog_init (KbUsageDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * kb_usage_dialog_new:
 * @entry: (nullable): the entry to show and correct; %NULL for a new
 *   entry from the paper register
 */
GtkWidget *
kb_usage_dialog_new (KbStore      *store,
                     KbStore      *reader,
                     KbSession    *session,
                     KbUsageEntry *entry)
{
  KbUsageDialog *self = g_object_new (KB_TYPE_USAGE_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  self->entry = entry != NULL ? g_object_ref (entry) : NULL;
  build (self);
  return GTK_WIDGET (self);
}

void
kb_usage_dialog_set_field (KbUsageDialog *self,
                           const char    *field,
                           const char    *text)
{
  GtkEntry *entries[] = { self->date, self->start, self->end, self->cases, self->remarks,
                          self->reason };
  const char *names[] = { KB_FIELD_DATE, KB_FIELD_START, KB_FIELD_END, KB_FIELD_CASES,
                          KB_FIELD_REMARKS, KB_FIELD_REASON };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (field, names[i]) && entries[i] != NULL)
      gtk_editable_set_text (GTK_EDITABLE (entries[i]), text);
}

void
kb_usage_dialog_set_task (KbUsageDialog *self,
                          guint          position)
{
  gtk_drop_down_set_selected (self->task, position);
}

const char *
kb_usage_dialog_get_error (KbUsageDialog *self,
                           const char    *field)
{
  return kb_form_get_error (g_hash_table_lookup (self->rows, field));
}

gboolean
kb_usage_dialog_get_busy (KbUsageDialog *self)
{
  return self->busy;
}

/**
 * kb_usage_dialog_get_ready:
 *
 * Returns: whether the choices the form needs (terminals and operators
 *   for an entry from paper, and the business tasks) have arrived
 */
gboolean
kb_usage_dialog_get_ready (KbUsageDialog *self)
{
  if (self->task_ids == NULL)
    return FALSE;
  return self->entry != NULL || (self->terminal_ids != NULL && self->operator_ids != NULL);
}
