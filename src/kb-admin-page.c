/* kb-admin-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One administration register as a sortable, searchable table with its
 * actions: add, edit, retire or reinstate, and the row's history.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-admin-page.h"
#include "kb-history-window.h"
#include "kb-label-cell.h"
#include "kb-reason-entry.h"
#include "kb-record-dialog.h"
#include "kb-records.h"
#include "kb-store-jobs.h"
#include "kb-window.h"

typedef char *(*TextFunc) (GObject *item);

typedef struct {
  const char *title;
  TextFunc    text;
  gboolean    expand;
} Column;

struct _KbAdminPage {
  GtkWidget parent_instance;

  KbStore            *store;
  KbSession          *session;
  char               *entity;
  GCancellable       *cancellable;
  GListStore         *items;       /* what the store last listed */
  GListModel         *divisions;   /* for the operator and task forms */
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char               *query;
  gboolean            search_mode;
  GtkWidget          *dialog;

  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkCheckButton     *show_retired;
  GtkStack           *view_stack;
  GtkColumnView      *column_view;
  AdwStatusPage      *empty_page;
  GtkWidget          *retire_button;
  GtkWidget          *more_button;
  GtkLabel           *count_label;
};

G_DEFINE_FINAL_TYPE (KbAdminPage, kb_admin_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SEARCH_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- the columns of each register ---------------------------------------- */

static char *
status_text (GObject *item)
{
  return g_strdup (kb_record_get_active (item) ? _("Active") : _("Retired"));
}

static char *op_staff (GObject *o) { return g_strdup (kb_operator_get_staff_number (KB_OPERATOR (o))); }
static char *op_name (GObject *o) { return g_strdup (kb_operator_get_name (KB_OPERATOR (o))); }
static char *op_kana (GObject *o) { return g_strdup (kb_operator_get_kana (KB_OPERATOR (o))); }
static char *op_division (GObject *o) { return g_strdup (kb_operator_get_division_name (KB_OPERATOR (o))); }
static char *op_roles (GObject *o) { return kb_roles_to_string (kb_operator_get_roles (KB_OPERATOR (o))); }
static char *div_name (GObject *o) { return g_strdup (kb_division_get_name (KB_DIVISION (o))); }
static char *term_code (GObject *o) { return g_strdup (kb_terminal_get_code (KB_TERMINAL (o))); }
static char *term_name (GObject *o) { return g_strdup (kb_terminal_get_name (KB_TERMINAL (o))); }
static char *term_location (GObject *o) { return g_strdup (kb_terminal_get_location (KB_TERMINAL (o))); }
static char *task_name (GObject *o) { return g_strdup (kb_task_get_name (KB_TASK (o))); }
static char *task_divisions (GObject *o) { return g_strdup (kb_task_get_division_names (KB_TASK (o))); }
static char *task_description (GObject *o) { return g_strdup (kb_task_get_description (KB_TASK (o))); }

static const Column operator_columns[] = {
  { N_("Staff No."), op_staff, FALSE },
  { N_("Name"), op_name, TRUE },
  { N_("Reading"), op_kana, TRUE },
  { N_("Division"), op_division, TRUE },
  { N_("Roles"), op_roles, TRUE },
  { N_("Status"), status_text, FALSE },
  { NULL }
};

static const Column division_columns[] = {
  { N_("Name"), div_name, TRUE },
  { N_("Status"), status_text, FALSE },
  { NULL }
};

static const Column terminal_columns[] = {
  { N_("Code"), term_code, FALSE },
  { N_("Name"), term_name, TRUE },
  { N_("Location"), term_location, TRUE },
  { N_("Status"), status_text, FALSE },
  { NULL }
};

static const Column task_columns[] = {
  { N_("Business Task"), task_name, TRUE },
  { N_("Approved For"), task_divisions, TRUE },
  { N_("Description"), task_description, TRUE },
  { N_("Status"), status_text, FALSE },
  { NULL }
};

static const struct {
  const char *entity;
  const Column *columns;
  const char *empty_title;
  const char *empty_description;
} registers[] = {
  { "operator", operator_columns, N_("No Operators Yet"),
    N_("Register the clerks and officers who use the Juki-Net terminals with the + button.") },
  { "division", division_columns, N_("No Divisions Yet"),
    N_("Add the divisions (課) that use the Juki-Net terminals with the + button.") },
  { "terminal", terminal_columns, N_("No Terminals Yet"),
    N_("Register the Juki-Net terminals with the + button.") },
  { "task", task_columns, N_("No Business Tasks Yet"),
    N_("Add the approved business tasks (利用事務) with the + button.") },
};

static guint
register_index (const char *entity)
{
  for (guint i = 0; i < G_N_ELEMENTS (registers); i++)
    if (g_str_equal (registers[i].entity, entity))
      return i;
  g_return_val_if_reached (0);
}

static char *
record_title (GObject *item)
{
  if (KB_IS_OPERATOR (item))
    return op_name (item);
  if (KB_IS_DIVISION (item))
    return div_name (item);
  if (KB_IS_TERMINAL (item))
    return g_strdup_printf ("%s %s", kb_terminal_get_code (KB_TERMINAL (item)),
                            kb_terminal_get_name (KB_TERMINAL (item)));
  return task_name (item);
}

/**
 * kb_search_fold:
 *
 * Folds text for searching: compatibility forms (full-width letters and
 * digits, half-width kana), case, and hiragana to katakana, so that
 * "やまだ" finds "ヤマダ".
 *
 * Returns: (transfer full): the folded text
 */
char *
kb_search_fold (const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (nfkc, -1);
  GString *out = g_string_sized_new (strlen (folded));

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x3041 && c <= 0x3096)
        c += 0x60;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* --- list ---------------------------------------------------------------- */

static const Column *
columns (KbAdminPage *self)
{
  return registers[register_index (self->entity)].columns;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  KbAdminPage *self = user_data;
  g_autoptr(GString) haystack = NULL;
  g_autofree char *folded = NULL;

  if (!kb_record_get_active (item) && !gtk_check_button_get_active (self->show_retired))
    return FALSE;
  if (self->query == NULL || self->query[0] == '\0')
    return TRUE;

  haystack = g_string_new (NULL);
  for (const Column *c = columns (self); c->title != NULL; c++)
    {
      g_autofree char *text = c->text (item);

      g_string_append (haystack, text);
      g_string_append_c (haystack, '\n');
    }
  folded = kb_search_fold (haystack->str);
  return strstr (folded, self->query) != NULL;
}

static void
update_state (KbAdminPage *self)
{
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint n_all = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  GObject *selected = gtk_single_selection_get_selected_item (self->selection);
  const typeof (registers[0]) *reg = &registers[register_index (self->entity)];
  g_autofree char *count = NULL;

  if (n_shown > 0)
    gtk_stack_set_visible_child_name (self->view_stack, "list");
  else
    {
      if (n_all == 0)
        {
          adw_status_page_set_title (self->empty_page, _(reg->empty_title));
          adw_status_page_set_description (self->empty_page, _(reg->empty_description));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Results"));
          adw_status_page_set_description (self->empty_page,
                                           _("Try another search, or show retired rows."));
        }
      gtk_stack_set_visible_child_name (self->view_stack, "empty");
    }

  /* Translators: the number of rows shown of all rows in a register */
  count = g_strdup_printf (_("%u of %u"), n_shown, n_all);
  gtk_label_set_label (self->count_label, count);

  /* Only security officers change the registers; everyone may read them
   * and their history. The core refuses the others too. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.edit",
                                 selected != NULL && kb_admin_page_can_change (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.history", selected != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.retire",
                                 selected != NULL && kb_admin_page_can_change (self));
  gtk_widget_set_visible (self->more_button, g_str_equal (self->entity, "operator") &&
                                             kb_admin_page_can_change (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.issue-card",
                                 selected != NULL && kb_record_get_active (selected) &&
                                 kb_admin_page_can_change (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.reset-password",
                                 selected != NULL && kb_record_get_active (selected) &&
                                 kb_admin_page_can_change (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.release-lockout",
                                 selected != NULL && kb_admin_page_can_change (self));
  gtk_button_set_label (GTK_BUTTON (self->retire_button),
                        selected != NULL && !kb_record_get_active (selected)
                        ? _("_Reinstate…") : _("_Retire…"));
}

static void
search_changed_cb (KbAdminPage *self)
{
  g_free (self->query);
  self->query = kb_search_fold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_state (self);
}

static void
stop_search_cb (KbAdminPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_object_set (self, "search-mode", FALSE, NULL);
}

static void
list_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  KbAdminPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) items = NULL;
  gint64 selected_id = 0;
  GObject *selected;
  guint n;

  if (model == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), KB_TYPE_WINDOW);

          if (window != NULL)
            kb_window_toast (KB_WINDOW (window), error->message);
        }
      return;
    }

  /* Keep the selection on the same row across a reload. */
  selected = gtk_single_selection_get_selected_item (self->selection);
  if (selected != NULL)
    selected_id = kb_record_get_id (selected);

  n = g_list_model_get_n_items (model);
  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);

  if (selected_id != 0)
    {
      GListModel *shown = G_LIST_MODEL (self->selection);

      for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (shown, i);

          if (kb_record_get_id (item) == selected_id)
            {
              gtk_single_selection_set_selected (self->selection, i);
              break;
            }
        }
    }

  update_state (self);
}

static void
divisions_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  KbAdminPage *self = user_data;
  g_autoptr(GListModel) model = kb_store_list_finish (KB_STORE (source), result, NULL);

  if (model != NULL)
    g_set_object (&self->divisions, model);
}

static void
reload (KbAdminPage *self)
{
  kb_store_list_async (self->store, self->entity, self->cancellable, list_loaded_cb, self);
  if (g_str_equal (self->entity, "operator") || g_str_equal (self->entity, "task"))
    kb_store_list_async (self->store, "division", self->cancellable, divisions_loaded_cb, self);
}

static void
store_changed_cb (KbAdminPage *self,
                  const char  *entity)
{
  /* Operators and tasks show division names. */
  if (g_str_equal (entity, self->entity) || g_str_equal (entity, "division"))
    reload (self);
}

/* --- columns -------------------------------------------------------------- */

static int
compare_column (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const Column *column = user_data;
  g_autofree char *ta = column->text (G_OBJECT (a));
  g_autofree char *tb = column->text (G_OBJECT (b));

  return g_utf8_collate (ta, tb);
}

static void
build_columns (KbAdminPage *self)
{
  GtkSorter *sorter;
  GtkSortListModel *sorted;

  for (const Column *c = columns (self); c->title != NULL; c++)
    {
      GtkListItemFactory *factory =
        kb_label_cell_factory_new ((KbCellText) c->text, (KbCellActive) kb_record_get_active);
      GtkColumnViewColumn *column;

      column = gtk_column_view_column_new (_(c->title), factory);
      gtk_column_view_column_set_expand (column, c->expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_sorter (column,
                                         GTK_SORTER (gtk_custom_sorter_new (compare_column,
                                                                            (gpointer) c,
                                                                            NULL)));
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->items)),
                                              GTK_FILTER (g_object_ref (self->filter)));
  sorter = gtk_column_view_get_sorter (self->column_view);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                    g_object_ref (sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (update_state), self);
  g_signal_connect_swapped (self->selection, "items-changed",
                            G_CALLBACK (update_state), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
}

/* --- actions -------------------------------------------------------------- */

static GObject *
selected_record (KbAdminPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
dialog_destroyed_cb (KbAdminPage *self)
{
  self->dialog = NULL;
}

static void
open_dialog (KbAdminPage *self,
             GObject     *record)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = kb_record_dialog_new (self->store, self->entity, record, self->divisions);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  if (KB_IS_WINDOW (root))
    kb_window_track_activity (KB_WINDOW (root), dialog);
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * kb_admin_page_add:
 *
 * Opens the form for a new row of this register.
 */
void
kb_admin_page_add (KbAdminPage *self)
{
  g_return_if_fail (KB_IS_ADMIN_PAGE (self));
  if (kb_admin_page_can_change (self))
    open_dialog (self, NULL);
}

static void
row_activated_cb (KbAdminPage *self,
                  guint        position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item != NULL && kb_admin_page_can_change (self))
    open_dialog (self, item);
  else if (item != NULL)
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self), "page.history", NULL);
    }
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KbAdminPage *self = KB_ADMIN_PAGE (widget);
  GObject *record = selected_record (self);

  if (record != NULL)
    open_dialog (self, record);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KbAdminPage *self = KB_ADMIN_PAGE (widget);
  GObject *record = selected_record (self);
  g_autofree char *title = NULL;
  GtkWidget *window;

  if (record == NULL)
    return;

  title = record_title (record);
  window = kb_history_window_new (self->store, self->entity, kb_record_get_id (record), title);
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (window));
}

static void
set_active_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_widget_get_ancestor (page, KB_TYPE_WINDOW);

  if (!kb_store_set_active_finish (KB_STORE (source), result, &error))
    {
      if (window != NULL)
        {
          GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window),
                                                      _("The Change Was Not Saved"),
                                                      error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      return;
    }

  if (window != NULL)
    kb_window_toast (KB_WINDOW (window), _("Saved and recorded in the journal"));
}

static void
retire_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KbAdminPage      *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "reason");
  GObject *record = g_object_get_data (G_OBJECT (dialog), "record");

  if (!g_str_equal (response, "apply"))
    return;

  kb_store_set_active_async (self->store, self->entity, kb_record_get_id (record),
                             !kb_record_get_active (record), gtk_editable_get_text (entry),
                             self->cancellable, set_active_cb, g_object_ref (self));
}

static void
retire_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KbAdminPage *self = KB_ADMIN_PAGE (widget);
  GObject *record = selected_record (self);
  g_autofree char *title = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;
  gboolean retiring;

  if (record == NULL)
    return;

  retiring = kb_record_get_active (record);
  title = record_title (record);
  heading = g_strdup_printf (retiring ? _("Retire “%s”?") : _("Reinstate “%s”?"), title);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   retiring
                                   ? _("A retired row stays in the register, marked as retired, "
                                       "and can be reinstated. The reason is recorded in the "
                                       "journal.")
                                   : _("The row becomes active again. The reason is recorded "
                                       "in the journal."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", retiring ? _("_Retire") : _("_Reinstate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              retiring ? ADW_RESPONSE_DESTRUCTIVE
                                                       : ADW_RESPONSE_SUGGESTED);
  entry = kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "record", g_object_ref (record), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (retire_response_cb), self, 0);
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- cards and passwords (operators page) --------------------------------- */

static void
holds_card_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer holds = kb_store_run_finish (KB_STORE (source), result, &error);
  KbAdminPage *self;
  KbOperator *op;
  GtkWidget *window;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ADMIN_PAGE (user_data);
  op = g_object_get_data (G_OBJECT (self), "issue-for");
  window = gtk_widget_get_ancestor (GTK_WIDGET (self), KB_TYPE_WINDOW);
  if (op == NULL || window == NULL)
    return;

  if (holds == GINT_TO_POINTER (2))
    kb_session_issue_card (self->session, op);
  else
    {
      g_autofree char *body = NULL;
      GtkWidget *dialog;

      body = holds != NULL
             ? g_strdup_printf (_("%s already holds a card. Mark it returned, lost or revoked "
                                  "on the IC Cards page first."), kb_operator_get_name (op))
             : g_strdup (error->message);
      dialog = adw_message_dialog_new (GTK_WINDOW (window), _("No Card Can Be Issued"), body);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  g_object_set_data (G_OBJECT (self), "issue-for", NULL);
}

static void
issue_card_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KbAdminPage *self = KB_ADMIN_PAGE (widget);
  GObject *record = selected_record (self);

  if (record == NULL || !KB_IS_OPERATOR (record))
    return;

  /* Say so now, not after the officer has swapped cards. */
  g_object_set_data_full (G_OBJECT (self), "issue-for", g_object_ref (record), g_object_unref);
  kb_store_holds_card_async (self->store, kb_record_get_id (record), self->cancellable,
                             holds_card_cb, self);
}

static void
auth_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_widget_get_ancestor (page, KB_TYPE_WINDOW);
  gboolean ok = kb_store_auth_finish (KB_STORE (source), result, &error);

  if (window == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ok)
    kb_window_toast (KB_WINDOW (window), _("Saved and recorded in the journal"));
  else
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window),
                                                  _("The Change Was Not Saved"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
credential_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        KbAdminPage      *self)
{
  GObject *record = g_object_get_data (G_OBJECT (dialog), "record");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");

  if (!g_str_equal (response, "apply"))
    return;

  if (password != NULL)
    {
      kb_store_reset_password_async (self->store, kb_record_get_id (record),
                                     gtk_editable_get_text (password),
                                     gtk_editable_get_text (reason), self->cancellable,
                                     auth_done_cb, g_object_ref (self));
      gtk_editable_set_text (password, "");
    }
  else
    kb_store_release_lockout_async (self->store, kb_record_get_id (record),
                                    gtk_editable_get_text (reason), self->cancellable,
                                    auth_done_cb, g_object_ref (self));
}

static void
credential_dialog (KbAdminPage *self,
                   gboolean     reset)
{
  GObject *record = selected_record (self);
  g_autofree char *title = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog, *box, *password = NULL;

  if (record == NULL)
    return;

  title = record_title (record);
  heading = g_strdup_printf (reset ? _("Reset the Password of %s?")
                                   : _("Release the Lock-out of %s?"), title);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   reset
                                   ? _("Give the operator a temporary password in person. They "
                                       "must change it when they next sign in.")
                                   : _("The operator may try their password again. Check first "
                                       "that it was them who mistyped it."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  if (reset)
    {
      password = gtk_password_entry_new ();
      gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (password), TRUE);
      g_object_set (password, "placeholder-text", _("Temporary password"), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (password), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Temporary password"), -1);
      gtk_box_append (GTK_BOX (box), password);
    }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", reset ? _("_Reset Password") : _("_Release"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  gtk_box_append (GTK_BOX (box), kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "record", g_object_ref (record), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "password", password);
  g_signal_connect_object (dialog, "response", G_CALLBACK (credential_response_cb), self, 0);
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reset_password_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  credential_dialog (KB_ADMIN_PAGE (widget), TRUE);
}

static void
release_lockout_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  credential_dialog (KB_ADMIN_PAGE (widget), FALSE);
}

static void
session_changed_cb (KbAdminPage *self)
{
  update_state (self);
}

/* --- GObject -------------------------------------------------------------- */

static void
kb_admin_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KbAdminPage *self = KB_ADMIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, self->search_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kb_admin_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KbAdminPage *self = KB_ADMIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SEARCH_MODE:
      if (self->search_mode != g_value_get_boolean (value))
        {
          self->search_mode = g_value_get_boolean (value);
          if (self->search_mode)
            gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kb_admin_page_dispose (GObject *object)
{
  KbAdminPage *self = KB_ADMIN_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_ADMIN_PAGE);
  /* The template's top-level box has no id, so it is not among the
   * template children disposed above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->items);
  g_clear_object (&self->divisions);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (kb_admin_page_parent_class)->dispose (object);
}

static void
kb_admin_page_finalize (GObject *object)
{
  KbAdminPage *self = KB_ADMIN_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->entity);
  g_free (self->query);

  G_OBJECT_CLASS (kb_admin_page_parent_class)->finalize (object);
}

static void
kb_admin_page_class_init (KbAdminPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kb_admin_page_get_property;
  object_class->set_property = kb_admin_page_set_property;
  object_class->dispose = kb_admin_page_dispose;
  object_class->finalize = kb_admin_page_finalize;

  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-admin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, show_retired);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, retire_button);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, more_button);
  gtk_widget_class_bind_template_child (widget_class, KbAdminPage, count_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "page.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "page.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "page.retire", NULL, retire_action);
  gtk_widget_class_install_action (widget_class, "page.issue-card", NULL, issue_card_action);
  gtk_widget_class_install_action (widget_class, "page.reset-password", NULL,
                                   reset_password_action);
  gtk_widget_class_install_action (widget_class, "page.release-lockout", NULL,
                                   release_lockout_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "page.history", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "page.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK,
                                       "page.retire", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kb_admin_page_init (KbAdminPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->items = g_list_store_new (G_TYPE_OBJECT);
  self->divisions = G_LIST_MODEL (g_list_store_new (KB_TYPE_DIVISION));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}

GtkWidget *
kb_admin_page_new (KbStore    *store,
                   KbSession  *session,
                   const char *entity)
{
  KbAdminPage *self = g_object_new (KB_TYPE_ADMIN_PAGE, NULL);

  self->store = g_object_ref (store);
  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  self->entity = g_strdup (entity);
  build_columns (self);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
  reload (self);
  update_state (self);

  return GTK_WIDGET (self);
}

const char *
kb_admin_page_get_entity (KbAdminPage *self)
{
  return self->entity;
}

/**
 * kb_admin_page_get_model:
 *
 * Returns: (transfer none): the rows as shown (filtered and sorted)
 */
GListModel *
kb_admin_page_get_model (KbAdminPage *self)
{
  return G_LIST_MODEL (self->selection);
}

/**
 * kb_admin_page_get_dialog:
 *
 * Returns: (transfer none) (nullable): the form or dialog this page has open
 */
GtkWidget *
kb_admin_page_get_dialog (KbAdminPage *self)
{
  return self->dialog;
}

gboolean
kb_admin_page_select (KbAdminPage *self,
                      guint        position)
{
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  return TRUE;
}

/**
 * kb_admin_page_can_change:
 *
 * Returns: whether the signed-in operator may change this register
 */
gboolean
kb_admin_page_can_change (KbAdminPage *self)
{
  return self->session != NULL && kb_session_has_role (self->session, KB_ROLE_SECURITY_OFFICER);
}
