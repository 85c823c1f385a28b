/* test-ui.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real window under Xvfb: navigation, the operator form's
 * validation, a row's history and verifying the journal.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kb-admin.h"
#include "kb-admin-page.h"
#include "kb-application.h"
#include "kb-history-window.h"
#include "kb-journal-page.h"
#include "kb-record-dialog.h"
#include "kb-window.h"

typedef struct {
  char *dir;
  char *path;
  KbApplication *app;
  KbWindow *window;
} Fixture;

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_for (Condition cond,
          gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gint64
count_journal (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = kb_db_open (path, KB_DB_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), "SELECT count (*) FROM journal",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gboolean
window_ready (gpointer data)
{
  Fixture *f = data;
  GtkWidget *page = kb_window_get_page_widget (f->window, "operator");

  return page != NULL &&
         g_list_model_get_n_items (kb_admin_page_get_model (KB_ADMIN_PAGE (page))) > 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;

  f->dir = g_dir_make_tmp ("kanribo-ui-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kanribo.db", NULL);
  db = kb_db_open (f->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (kb_demo_seed (db, &error));
  g_assert_no_error (error);
  g_clear_pointer (&db, kb_db_close);

  f->app = kb_application_new ();
  kb_application_set_database (f->app, f->path);
  {
    /* GtkApplication keeps its D-Bus objects exported for the life of the
     * process, so each test's application gets its own id. */
    static guint n_apps = 0;
    g_autofree char *id = g_strdup_printf ("%s.Test%u", APP_ID, ++n_apps);

    g_application_set_application_id (G_APPLICATION (f->app), id);
  }
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);

  f->window = kb_window_new (f->app);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (wait_for (window_ready, f));
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->app);
  remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

typedef struct {
  GtkWidget *page;
  guint n;
} PageCount;

static gboolean
page_has_rows (gpointer data)
{
  PageCount *pc = data;

  return g_list_model_get_n_items (kb_admin_page_get_model (KB_ADMIN_PAGE (pc->page))) == pc->n;
}

static void
test_navigate (Fixture       *f,
               gconstpointer  data)
{
  static const struct {
    const char *page;
    guint rows;
  } pages[] = {
    { "division", 3 },
    { "terminal", 4 },
    { "task", 7 },
    { "operator", 12 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      PageCount pc;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s",
                                                 pages[i].page));
      g_assert_cmpstr (kb_window_get_page (f->window), ==, pages[i].page);
      pc.page = kb_window_get_page_widget (f->window, pages[i].page);
      pc.n = pages[i].rows;
      g_assert_true (wait_for (page_has_rows, &pc));
      g_assert_true (wait_for ((Condition) gtk_widget_get_mapped, pc.page));
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s",
                                             "journal"));
  g_assert_cmpstr (kb_window_get_page (f->window), ==, "journal");
  /* The add action only makes sense on a register: nothing opens here. */
  {
    guint n = g_list_model_get_n_items (gtk_window_get_toplevels ());

    gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-record", NULL);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n);
  }
}

static gboolean
dialog_idle (gpointer data)
{
  return !kb_record_dialog_get_busy (KB_RECORD_DIALOG (data));
}

static gboolean
dialog_gone (gpointer data)
{
  return kb_admin_page_get_dialog (KB_ADMIN_PAGE (data)) == NULL;
}

static void
test_operator_form (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "operator");
  KbRecordDialog *dialog;
  gint64 before = count_journal (f->path);
  PageCount pc = { page, 13 };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-record", NULL));
  dialog = KB_RECORD_DIALOG (kb_admin_page_get_dialog (KB_ADMIN_PAGE (page)));
  g_assert_nonnull (dialog);

  /* Empty: reported at the field on saving, nothing saved. */
  kb_record_dialog_save (dialog);
  g_assert_true (wait_for (dialog_idle, dialog));
  g_assert_nonnull (kb_record_dialog_get_error (dialog, KB_FIELD_STAFF_NUMBER));
  g_assert_cmpint (count_journal (f->path), ==, before);

  /* A duplicate staff number is only known to the database. */
  kb_record_dialog_set_text (dialog, KB_FIELD_STAFF_NUMBER, "N1001");
  kb_record_dialog_set_text (dialog, KB_FIELD_NAME, "山田 太郎");
  kb_record_dialog_set_text (dialog, KB_FIELD_KANA, "ヤマダ タロウ");
  g_assert_null (kb_record_dialog_get_error (dialog, KB_FIELD_STAFF_NUMBER));
  kb_record_dialog_save (dialog);
  g_assert_true (wait_for (dialog_idle, dialog));
  g_assert_nonnull (kb_record_dialog_get_error (dialog, KB_FIELD_STAFF_NUMBER));
  g_assert_null (kb_record_dialog_get_error (dialog, KB_FIELD_NAME));
  g_assert_cmpint (count_journal (f->path), ==, before);

  /* Control characters and over-long text are caught while typing. */
  kb_record_dialog_set_text (dialog, KB_FIELD_NAME, "山田\x01太郎");
  g_assert_nonnull (kb_record_dialog_get_error (dialog, KB_FIELD_NAME));
  kb_record_dialog_set_text (dialog, KB_FIELD_NAME,
                             "山田山田山田山田山田山田山田山田山田山田山田山田山田山田山田"
                             "山田山田山田山田山田山田山田山田山田山田山田山田山田山田山田山");
  g_assert_nonnull (kb_record_dialog_get_error (dialog, KB_FIELD_NAME));
  kb_record_dialog_set_text (dialog, KB_FIELD_NAME, "山田 太郎");
  g_assert_null (kb_record_dialog_get_error (dialog, KB_FIELD_NAME));

  /* Kanji in the reading is refused by the database layer. */
  kb_record_dialog_set_text (dialog, KB_FIELD_STAFF_NUMBER, "N9001");
  kb_record_dialog_set_text (dialog, KB_FIELD_KANA, "山田");
  kb_record_dialog_save (dialog);
  g_assert_true (wait_for (dialog_idle, dialog));
  g_assert_nonnull (kb_record_dialog_get_error (dialog, KB_FIELD_KANA));
  g_assert_cmpint (count_journal (f->path), ==, before);

  /* No role at all. */
  kb_record_dialog_set_text (dialog, KB_FIELD_KANA, "ヤマダ タロウ");
  kb_record_dialog_set_choice (dialog, KB_FIELD_ROLES, 5, FALSE);
  kb_record_dialog_save (dialog);
  g_assert_true (wait_for (dialog_idle, dialog));
  g_assert_nonnull (kb_record_dialog_get_error (dialog, KB_FIELD_ROLES));
  g_assert_cmpint (count_journal (f->path), ==, before);

  /* Corrected, it saves, closes and the list shows the new operator. */
  kb_record_dialog_set_choice (dialog, KB_FIELD_ROLES, 5, TRUE);
  kb_record_dialog_save (dialog);
  g_assert_true (wait_for (dialog_gone, page));
  g_assert_true (wait_for (page_has_rows, &pc));
  g_assert_cmpint (count_journal (f->path), ==, before + 1);
}

static gboolean
history_loaded (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (KB_IS_HISTORY_WINDOW (w) && kb_history_window_get_n_entries (KB_HISTORY_WINDOW (w)) > 0)
        {
          *(KbHistoryWindow **) data = KB_HISTORY_WINDOW (w);
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "operator");
  KbHistoryWindow *history = NULL;

  /* Nothing selected: nothing to show. */
  gtk_widget_activate_action (page, "page.history", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (history_loaded (&history));
  g_assert_true (kb_admin_page_select (KB_ADMIN_PAGE (page), 0));
  g_assert_true (gtk_widget_activate_action (page, "page.history", NULL));
  g_assert_true (wait_for (history_loaded, &history));
  g_assert_cmpuint (kb_history_window_get_n_entries (history), ==, 1);
  gtk_window_destroy (GTK_WINDOW (history));
}

static gboolean
verified (gpointer data)
{
  return kb_journal_page_get_result (KB_JOURNAL_PAGE (data)) != NULL;
}

static void
test_verify (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "journal");

  kb_window_show_page (f->window, "journal");
  kb_journal_page_verify (KB_JOURNAL_PAGE (page));
  g_assert_true (wait_for (verified, page));
  g_assert_true (g_str_has_prefix (kb_journal_page_get_result (KB_JOURNAL_PAGE (page)),
                                   "Intact"));
}

static void
test_window_size (Fixture       *f,
                  gconstpointer  data)
{
  GSettings *settings = kb_application_get_settings (f->app);

  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 650);
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);

  /* A new window opens at the remembered size. */
  f->window = kb_window_new (f->app);
  {
    int w, h;

    gtk_window_get_default_size (GTK_WINDOW (f->window), &w, &h);
    g_assert_cmpint (w, ==, 900);
    g_assert_cmpint (h, ==, 650);
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Without a display (a Flatpak build, say) the UI tests are skipped;
   * kanribo-dev test runs them under Xvfb and requires them. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL &&
      g_getenv ("KANRIBO_REQUIRE_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/navigate", Fixture, NULL, fixture_setup, test_navigate, fixture_teardown);
  g_test_add ("/ui/operator-form", Fixture, NULL, fixture_setup, test_operator_form,
              fixture_teardown);
  g_test_add ("/ui/history", Fixture, NULL, fixture_setup, test_history, fixture_teardown);
  g_test_add ("/ui/verify", Fixture, NULL, fixture_setup, test_verify, fixture_teardown);
  g_test_add ("/ui/window-size", Fixture, NULL, fixture_setup, test_window_size,
              fixture_teardown);

  return g_test_run ();
}
