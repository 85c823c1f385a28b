/* kb-history-window.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The journal entries behind one register row: what changed, who changed
 * it, where, when and why.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-canon.h"
#include "kb-history-window.h"
#include "kb-journal-format.h"
#include "kb-store-jobs.h"

struct _KbHistoryWindow {
  AdwWindow parent_instance;

  KbStore *store;
  GCancellable *cancellable;
  GListModel *divisions;
  guint n_entries;

  AdwWindowTitle *window_title;
  GtkStack *stack;
  AdwPreferencesGroup *group;
  AdwStatusPage *error_page;
};

G_DEFINE_FINAL_TYPE (KbHistoryWindow, kb_history_window, ADW_TYPE_WINDOW)

static void
add_detail_row (AdwExpanderRow *expander,
                const char     *text,
                gboolean        monospace)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (monospace)
    gtk_widget_add_css_class (row, "monospace");
  adw_expander_row_add_row (expander, row);
}

static void
show_entries (KbHistoryWindow *self,
              GListModel      *entries)
{
  const char *previous = NULL;

  self->n_entries = g_list_model_get_n_items (entries);
  for (guint i = 0; i < self->n_entries; i++)
    {
      g_autoptr(KbJournalEntry) entry = g_list_model_get_item (entries, i);
      g_autofree char *title = kb_journal_format_kind (kb_journal_entry_get_kind (entry));
      g_autofree char *subtitle = kb_journal_format_subtitle (entry);
      g_autoptr(GPtrArray) changes = NULL;
      g_autoptr(GHashTable) detail = NULL;
      GtkWidget *row = adw_expander_row_new ();
      g_autofree char *hash_line = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

      detail = kb_canon_parse (kb_journal_entry_get_detail (entry), NULL);
      if (detail != NULL && g_hash_table_lookup (detail, "reason") != NULL)
        {
          g_autofree char *reason = g_strdup_printf (_("Reason: %s"),
                                                     (char *) g_hash_table_lookup (detail,
                                                                                   "reason"));
          add_detail_row (ADW_EXPANDER_ROW (row), reason, FALSE);
        }

      if (kb_journal_entry_get_state (entry) != NULL)
        {
          changes = kb_journal_format_changes (previous, kb_journal_entry_get_state (entry),
                                               self->divisions);
          for (guint c = 0; c < changes->len; c++)
            add_detail_row (ADW_EXPANDER_ROW (row), g_ptr_array_index (changes, c), FALSE);
          previous = kb_journal_entry_get_state (entry);
        }

      hash_line = g_strdup_printf (_("Hash: %s"), kb_journal_entry_get_hash (entry));
      add_detail_row (ADW_EXPANDER_ROW (row), hash_line, TRUE);

      /* The newest change is the one people usually come for. */
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), i + 1 == self->n_entries);
      adw_preferences_group_add (self->group, row);
    }
}

static void
history_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KbHistoryWindow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) entries = kb_store_history_finish (KB_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = KB_HISTORY_WINDOW (user_data);
  if (entries == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  show_entries (self, entries);
  gtk_stack_set_visible_child_name (self->stack, "entries");
}

static void
divisions_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GListModel *divisions = kb_store_list_finish (KB_STORE (source), result, &error);
  KbHistoryWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Without division names the history still shows their numbers. */
  self = KB_HISTORY_WINDOW (user_data);
  self->divisions = divisions;
}

static void
kb_history_window_dispose (GObject *object)
{
  KbHistoryWindow *self = KB_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_HISTORY_WINDOW);

  G_OBJECT_CLASS (kb_history_window_parent_class)->dispose (object);
}

static void
kb_history_window_finalize (GObject *object)
{
  KbHistoryWindow *self = KB_HISTORY_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->divisions);

  G_OBJECT_CLASS (kb_history_window_parent_class)->finalize (object);
}

static void
kb_history_window_class_init (KbHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_history_window_dispose;
  object_class->finalize = kb_history_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KbHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, KbHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KbHistoryWindow, group);
  gtk_widget_class_bind_template_child (widget_class, KbHistoryWindow, error_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_history_window_init (KbHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * kb_history_window_new:
 * @title: the row's name, shown as the subtitle
 */
GtkWidget *
kb_history_window_new (KbStore    *store,
                       const char *entity,
                       gint64      id,
                       const char *title)
{
  KbHistoryWindow *self = g_object_new (KB_TYPE_HISTORY_WINDOW, NULL);

  self->store = g_object_ref (store);
  adw_window_title_set_subtitle (self->window_title, title);
  /* Queued first, so the names are there when the entries arrive. */
  kb_store_list_async (store, "division", self->cancellable, divisions_loaded_cb, self);
  kb_store_history_async (store, entity, id, self->cancellable, history_loaded_cb, self);

  return GTK_WIDGET (self);
}

guint
kb_history_window_get_n_entries (KbHistoryWindow *self)
{
  return self->n_entries;
}
