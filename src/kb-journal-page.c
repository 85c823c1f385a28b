/* kb-journal-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The journal: verify its integrity, with progress, and read its newest
 * entries.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal-format.h"
#include "kb-journal-page.h"
#include "kb-store-jobs.h"

#define N_RECENT 100

struct _KbJournalPage {
  GtkWidget parent_instance;

  KbStore *store;
  GCancellable *cancellable;
  GCancellable *verify_cancellable;
  gboolean verifying;
  gboolean stale;        /* the store changed while the page was hidden */
  char *result;

  AdwActionRow *verify_row;
  GtkImage *verify_icon;
  GtkWidget *verify_button;
  GtkProgressBar *progress_bar;
  GtkListBox *recent_list;
};

G_DEFINE_FINAL_TYPE (KbJournalPage, kb_journal_page, GTK_TYPE_WIDGET)

static void
recent_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) entries = kb_store_history_finish (KB_STORE (source), result, &error);
  KbJournalPage *self;
  GtkWidget *child;

  if (entries == NULL)
    return;

  self = KB_JOURNAL_PAGE (user_data);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(KbJournalEntry) entry = g_list_model_get_item (entries, i);
      g_autofree char *kind = kb_journal_format_kind (kb_journal_entry_get_kind (entry));
      g_autofree char *subtitle = kb_journal_format_subtitle (entry);
      g_autoptr(GHashTable) state = kb_canon_parse (kb_journal_entry_get_state (entry), NULL);
      const char *name = state != NULL ? g_hash_table_lookup (state, "name") : NULL;
      g_autofree char *title = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (name == NULL)
        name = kb_journal_entry_get_subject (entry);

      /* Translators: a journal event and the row it is about */
      title = name != NULL ? g_strdup_printf (C_("journal row", "%s: %s"), kind, name)
                           : g_strdup (kind);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->recent_list, row);
    }
}

static void
reload (KbJournalPage *self)
{
  kb_store_recent_async (self->store, N_RECENT, self->cancellable, recent_loaded_cb, self);
}

static void
verify_progress_cb (gint64   done,
                    gint64   total,
                    gpointer user_data)
{
  KbJournalPage *self = user_data;
  g_autofree char *text = NULL;

  if (self->verify_cancellable == NULL || g_cancellable_is_cancelled (self->verify_cancellable) ||
      !self->verifying)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 1.0);
  text = g_strdup_printf (_("%" PRId64 " of %" PRId64 " entries"), done, total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KbJournalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KbVerifyReport *report = kb_store_verify_finish (KB_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->verifying = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_sensitive (self->verify_button, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_icon), "error");
  g_free (self->result);

  if (report != NULL)
    {
      self->result = g_strdup_printf (_("Intact: %" PRId64 " entries and %"
                                        PRId64 " register rows checked"),
                                      report->n_entries, report->n_rows);
      gtk_image_set_from_icon_name (self->verify_icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_icon), "success");
      kb_verify_report_free (report);
    }
  else
    {
      self->result = g_strdup (error->message);
      gtk_image_set_from_icon_name (self->verify_icon, "dialog-warning-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_icon), "error");
    }
  adw_action_row_set_subtitle (self->verify_row, self->result);
}

/**
 * kb_journal_page_verify:
 *
 * Verifies the journal on the store's thread, showing progress.
 */
void
kb_journal_page_verify (KbJournalPage *self)
{
  g_return_if_fail (KB_IS_JOURNAL_PAGE (self));

  g_clear_object (&self->verify_cancellable);
  self->verify_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->verify_button, FALSE);
  adw_action_row_set_subtitle (self->verify_row, _("Verifying…"));
  self->verifying = TRUE;
  /* The page stays alive until the result arrives; progress calls that
   * come after it are dropped by the cancellable check. */
  kb_store_verify_async (self->store, verify_progress_cb, self, self->verify_cancellable,
                         verified_cb, g_object_ref (self));
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  kb_journal_page_verify (KB_JOURNAL_PAGE (widget));
}

static void
store_changed_cb (KbJournalPage *self)
{
  /* Rebuilding a hundred rows takes a frame or more; a hidden page waits
   * until it is shown, so that locking, say, is never slowed by it. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
kb_journal_page_map (GtkWidget *widget)
{
  KbJournalPage *self = KB_JOURNAL_PAGE (widget);

  GTK_WIDGET_CLASS (kb_journal_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      reload (self);
    }
}

static void
kb_journal_page_dispose (GObject *object)
{
  KbJournalPage *self = KB_JOURNAL_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->verify_cancellable != NULL)
    g_cancellable_cancel (self->verify_cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_JOURNAL_PAGE);
  /* The template's top-level box has no id, so it is not among the
   * template children disposed above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kb_journal_page_parent_class)->dispose (object);
}

static void
kb_journal_page_finalize (GObject *object)
{
  KbJournalPage *self = KB_JOURNAL_PAGE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->verify_cancellable);
  g_free (self->result);

  G_OBJECT_CLASS (kb_journal_page_parent_class)->finalize (object);
}

static void
kb_journal_page_class_init (KbJournalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_journal_page_dispose;
  object_class->finalize = kb_journal_page_finalize;
  widget_class->map = kb_journal_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-journal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbJournalPage, verify_row);
  gtk_widget_class_bind_template_child (widget_class, KbJournalPage, verify_icon);
  gtk_widget_class_bind_template_child (widget_class, KbJournalPage, verify_button);
  gtk_widget_class_bind_template_child (widget_class, KbJournalPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KbJournalPage, recent_list);
  gtk_widget_class_install_action (widget_class, "journal.verify", NULL, verify_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kb_journal_page_init (KbJournalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kb_journal_page_new (KbStore *store)
{
  KbJournalPage *self = g_object_new (KB_TYPE_JOURNAL_PAGE, NULL);

  self->store = g_object_ref (store);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
  self->stale = TRUE;
  return GTK_WIDGET (self);
}

/**
 * kb_journal_page_get_result:
 *
 * Returns: (nullable): what the last verification found
 */
const char *
kb_journal_page_get_result (KbJournalPage *self)
{
  return self->result;
}
