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
#include "kb-assets-page.h"
#include "kb-audit-dialogs.h"
#include "kb-audit-page.h"
#include "kb-auth.h"
#include "kb-backup-dialogs.h"
#include "kb-backup-page.h"
#include "kb-calendar-page.h"
#include "kb-fake-card.h"
#include "kb-history-window.h"
#include "kb-journal-page.h"
#include "kb-lock-page.h"
#include "kb-pcscd-harness.h"
#include "kb-record-dialog.h"
#include "kb-room-dialog.h"
#include "kb-room-page.h"
#include "kb-session.h"
#include "kb-sitting-page.h"
#include "kb-training-dialogs.h"
#include "kb-training-page.h"
#include "kb-usage-dialog.h"
#include "kb-usage-page.h"
#include "kb-window.h"

/* The UI tests sign in for real: a private pcscd with the virtual reader,
 * and our fake card with a demo operator's UID. */
#define UI_TEST_PORT 0x8C91

static KbPcscdHarness *harness;

typedef struct {
  char *dir;
  char *path;
  KbApplication *app;
  KbWindow *window;
  KbFakeCard *card;
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

typedef struct {
  KbWindow *window;
  KbSessionState state;
} StateWait;

static gboolean
session_in_state (gpointer data)
{
  StateWait *w = data;
  KbSession *session = kb_window_get_session (w->window);

  return session != NULL && kb_session_get_state (session) == w->state;
}

static void
wait_state (KbWindow       *window,
            KbSessionState  state)
{
  StateWait w = { window, state };

  if (!wait_for (session_in_state, &w))
    g_error ("session state %d, expected %d",
             kb_window_get_session (window) != NULL
             ? (int) kb_session_get_state (kb_window_get_session (window)) : -1, state);
}

static KbFakeCard *
demo_card (const char *staff)
{
  guint8 uid[7];

  kb_demo_card_uid (staff, uid);
  return kb_fake_card_new (UI_TEST_PORT, uid, sizeof uid, NULL, 0);
}

static void
insert (Fixture    *f,
        const char *staff)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&f->card, kb_fake_card_free);
  f->card = demo_card (staff);
  g_assert_true (kb_fake_card_insert (f->card, &error));
  g_assert_no_error (error);
}

static GtkWidget *
lock_page (KbWindow *window)
{
  GtkWidget *w = GTK_WIDGET (window);

  /* The lock page is the only KbLockPage in the window. */
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;)
    {
      if (KB_IS_LOCK_PAGE (child))
        return child;
      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
            {
              child = gtk_widget_get_parent (child);
              if (child == w)
                return NULL;
            }
          if (child != NULL)
            child = gtk_widget_get_next_sibling (child);
        }
    }
  return NULL;
}

static void
sign_in (Fixture    *f,
         const char *staff)
{
  insert (f, staff);
  wait_state (f->window, KB_SESSION_PASSWORD);
  kb_lock_page_set_password (KB_LOCK_PAGE (lock_page (f->window)), KB_DEMO_PASSWORD);
  wait_state (f->window, KB_SESSION_UNLOCKED);
}

static void
remove_card (Fixture *f)
{
  kb_fake_card_remove (f->card);
}

/* A window on a fresh demo office (kb_demo_seed only: no usage yet), at
 * @terminal if not %NULL, waiting for a card. */
static void
open_window (Fixture    *f,
             const char *terminal)
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

  /* The previous test's card may still be in pcscd's view until its
   * next poll of the reader (400 ms with vpcd). */
  g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, 2000));

  f->app = kb_application_new ();
  kb_application_set_database (f->app, f->path);
  if (terminal != NULL)
    kb_application_set_terminal (f->app, terminal);
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
  wait_state (f->window, KB_SESSION_INSERT_CARD);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  open_window (f, NULL);

  /* The security officer of the demo office. */
  sign_in (f, "N1001");
  g_assert_true (wait_for (window_ready, f));
  /* The window opens on the sitting page; these tests use the registers. */
  kb_window_show_page (f->window, "operator");
}

/* At the demo terminal JK-01, nobody signed in yet. */
static void
usage_setup (Fixture       *f,
             gconstpointer  data)
{
  open_window (f, "JK-01");
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
  g_clear_pointer (&f->card, kb_fake_card_free);
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

static gboolean
window_has_session (gpointer data)
{
  return kb_window_get_session (KB_WINDOW (data)) != NULL;
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
  /* Let it open its database before the teardown destroys it: a window
   * destroyed while its store opens crashes in store_opened_cb
   * (kb_application_get_terminal of a window without an application). */
  g_assert_true (wait_for (window_has_session, f->window));
}

static const char *
main_page (KbWindow *window)
{
  GtkWidget *stack = gtk_widget_get_ancestor (kb_window_get_page_widget (window, "operator"),
                                              GTK_TYPE_STACK);

  /* page_stack's ancestor stack is the window's main stack. */
  stack = gtk_widget_get_ancestor (gtk_widget_get_parent (stack), GTK_TYPE_STACK);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
test_removal_locks (Fixture       *f,
                    gconstpointer  data)
{
  g_assert_cmpstr (main_page (f->window), ==, "main");
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  /* The registers are gone from the screen in the same main-loop turn. */
  g_assert_cmpstr (main_page (f->window), ==, "lock");
  g_assert_cmpstr (kb_session_get_lock_reason (kb_window_get_session (f->window)), ==,
                   "card-removed");
}

static void
test_dialog_kept_for_owner (Fixture       *f,
                            gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "operator");
  KbRecordDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-record", NULL));
  dialog = KB_RECORD_DIALOG (kb_admin_page_get_dialog (KB_ADMIN_PAGE (page)));
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  kb_record_dialog_set_text (dialog, KB_FIELD_NAME, "半田 一郎");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* Removal while a dialog is open: locked, and the dialog hidden. */
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (main_page (f->window), ==, "lock");

  /* The same operator gets the half-filled form back. */
  sign_in (f, "N1001");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (kb_record_dialog_get_error (dialog, KB_FIELD_NAME));

  /* Someone else never sees it. */
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  sign_in (f, "N2001");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (dialog);
  g_assert_null (kb_admin_page_get_dialog (KB_ADMIN_PAGE (page)));
}

static void
test_swap_asks_new_operator (Fixture       *f,
                             gconstpointer  data)
{
  KbSession *session = kb_window_get_session (f->window);

  /* Another card within a few milliseconds of the first leaving. */
  remove_card (f);
  insert (f, "N1003");
  wait_state (f->window, KB_SESSION_PASSWORD);
  g_assert_cmpstr (main_page (f->window), ==, "lock");
  g_assert_cmpstr (kb_operator_get_staff_number (kb_session_get_operator (session)), ==,
                   "N1003");
}

static void
test_idle_lock (Fixture       *f,
                gconstpointer  data)
{
  KbSession *session = kb_window_get_session (f->window);

  kb_session_set_idle_seconds (session, 1);
  kb_session_activity (session);
  wait_state (f->window, KB_SESSION_PASSWORD);
  g_assert_cmpstr (kb_session_get_lock_reason (session), ==, "idle");
  g_assert_cmpstr (main_page (f->window), ==, "lock");

  /* The card is still in: the same operator's password unlocks. */
  kb_session_set_idle_seconds (session, 300);
  kb_lock_page_set_password (KB_LOCK_PAGE (lock_page (f->window)), KB_DEMO_PASSWORD);
  wait_state (f->window, KB_SESSION_UNLOCKED);
  g_assert_cmpstr (kb_operator_get_staff_number (kb_session_get_operator (session)), ==, "N1001");
}

static void
test_clerk_reads_only (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "operator");
  guint n = g_list_model_get_n_items (gtk_window_get_toplevels ());

  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  sign_in (f, "N1003");   /* an operator, not a security officer */

  g_assert_false (kb_admin_page_can_change (KB_ADMIN_PAGE (page)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-record", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n);
}

static KbOperator *
find_operator (KbWindow   *window,
               const char *staff)
{
  GListModel *model = kb_admin_page_get_model (KB_ADMIN_PAGE (kb_window_get_page_widget (window,
                                                                                      "operator")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (model, i);

      if (g_str_equal (kb_operator_get_staff_number (op), staff))
        return g_steal_pointer (&op);
    }
  return NULL;
}

static void
test_issue_card (Fixture       *f,
                 gconstpointer  data)
{
  KbSession *session = kb_window_get_session (f->window);
  g_autoptr(KbOperator) clerk = find_operator (f->window, "N1003");
  g_autoptr(GError) error = NULL;
  g_autoptr(KbFakeCard) new_card = NULL;
  static const guint8 uid[] = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

  g_assert_nonnull (clerk);

  /* N1003 handed their card back, so they can be issued a new one. */
  {
    g_autoptr(KbDb) db = kb_db_open (f->path, KB_DB_OPEN_DEFAULT, &error);
    g_autoptr(GListModel) cards = NULL;

    g_assert_no_error (error);
    cards = kb_cards_list (db, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
      {
        g_autoptr(KbCardRecord) r = g_list_model_get_item (cards, i);

        if (kb_card_record_get_operator_id (r) == kb_operator_get_id (clerk))
          g_assert_true (kb_cards_set_status (db, kb_card_record_get_id (r), "returned",
                                              "Card worn out", &error));
      }
    g_assert_no_error (error);
  }

  /* The officer starts issuing: the registers are hidden at once. */
  kb_session_issue_card (session, clerk);
  g_assert_cmpint (kb_session_get_state (session), ==, KB_SESSION_ISSUE_CARD);
  g_assert_cmpstr (main_page (f->window), ==, "lock");

  /* Their own card comes out and the new one goes in. */
  remove_card (f);
  new_card = kb_fake_card_new (UI_TEST_PORT, uid, sizeof uid, NULL, 0);
  g_usleep (50 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (kb_session_get_state (session), ==, KB_SESSION_ISSUE_CARD);
  g_assert_true (kb_fake_card_insert (new_card, &error));
  g_assert_no_error (error);
  wait_state (f->window, KB_SESSION_CARD_ISSUED);

  /* Out, and in again: now it is N1003's card. */
  kb_fake_card_remove (new_card);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  g_assert_true (kb_fake_card_insert (new_card, &error));
  wait_state (f->window, KB_SESSION_PASSWORD);
  g_assert_cmpstr (kb_operator_get_staff_number (kb_session_get_operator (session)), ==,
                   "N1003");
  kb_fake_card_remove (new_card);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
}

static void
test_forced_change (Fixture       *f,
                    gconstpointer  data)
{
  KbSession *session = kb_window_get_session (f->window);
  g_autoptr(KbOperator) clerk = find_operator (f->window, "N1003");
  g_autoptr(GError) error = NULL;
  KbLockPage *page = KB_LOCK_PAGE (lock_page (f->window));

  /* The officer gives N1003 a temporary password. */
  {
    g_autoptr(KbDb) db = kb_db_open (f->path, KB_DB_OPEN_DEFAULT, &error);

    g_assert_no_error (error);
    g_assert_true (kb_auth_reset_password (db, kb_operator_get_id (clerk), "Temporary-2026",
                                           "Forgot the password", &error));
    g_assert_no_error (error);
  }

  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  insert (f, "N1003");
  wait_state (f->window, KB_SESSION_PASSWORD);
  kb_lock_page_set_password (page, "Temporary-2026");
  wait_state (f->window, KB_SESSION_CHANGE_PASSWORD);
  g_assert_cmpstr (main_page (f->window), ==, "lock");

  /* A mismatch and a too-short password are refused at the form. */
  kb_lock_page_change_password (page, "Temporary-2026", "Kobayashi-2026", "Kobayashi-2027");
  g_assert_nonnull (kb_lock_page_get_error (page));
  g_assert_cmpint (kb_session_get_state (session), ==, KB_SESSION_CHANGE_PASSWORD);
  kb_lock_page_change_password (page, "Temporary-2026", "short", "short");
  wait_state (f->window, KB_SESSION_CHANGE_PASSWORD);
  g_assert_nonnull (kb_session_get_field_error (session, "password"));

  kb_lock_page_change_password (page, "Temporary-2026", "Kobayashi-2026", "Kobayashi-2026");
  wait_state (f->window, KB_SESSION_UNLOCKED);
  g_assert_cmpstr (main_page (f->window), ==, "main");
}

static void
test_first_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kanribo-ui-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  g_autoptr(KbApplication) app = kb_application_new ();
  Fixture f = { dir, path, app, NULL, NULL };
  KbLockPage *page;

  g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, 2000));
  kb_application_set_database (app, path);
  g_application_set_application_id (G_APPLICATION (app), APP_ID ".TestFirstStart");
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  f.window = kb_window_new (app);
  gtk_window_present (GTK_WINDOW (f.window));
  wait_state (f.window, KB_SESSION_BOOTSTRAP);
  page = KB_LOCK_PAGE (lock_page (f.window));

  /* Without a card, nothing is created. */
  kb_lock_page_bootstrap (page, "市町村課", "S0001", "北沢 誠一", "キタザワ セイイチ",
                          "Kitazawa-2026", "Kitazawa-2026");
  wait_state (f.window, KB_SESSION_BOOTSTRAP);
  g_assert_nonnull (kb_session_get_field_error (kb_window_get_session (f.window), "card"));

  insert (&f, "S0001");
  g_assert_true (wait_for ((Condition) kb_session_get_card_present,
                           kb_window_get_session (f.window)));
  kb_lock_page_bootstrap (page, "市町村課", "S0001", "北沢 誠一", "キタザワ セイイチ",
                          "Kitazawa-2026", "Kitazawa-2026");
  /* Then the new officer signs in like anyone else, with that card. */
  {
    StateWait w = { f.window, KB_SESSION_PASSWORD };

    if (!wait_for (session_in_state, &w))
      g_error ("first start failed: %s", kb_lock_page_get_error (page));
  }
  kb_lock_page_set_password (page, "Kitazawa-2026");
  wait_state (f.window, KB_SESSION_UNLOCKED);
  g_assert_true (kb_session_has_role (kb_window_get_session (f.window),
                                      KB_ROLE_SECURITY_OFFICER));

  gtk_window_destroy (GTK_WINDOW (f.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&f.card, kb_fake_card_free);
  remove_tree (dir);
}

/* --- the terminal usage register ------------------------------------------ */

/* The tests read the database as a second process would: a read-only
 * connection beside the window's. */
static KbDb *
open_db_read_only (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  KbDb *db = kb_db_open (f->path, KB_DB_OPEN_READ_ONLY | KB_DB_OPEN_TRUSTED, &error);

  g_assert_no_error (error);
  return db;
}

static gint64
query_int (KbDb       *db,
           const char *sql,
           const char *arg)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
staff_id (KbDb       *db,
          const char *staff)
{
  gint64 id = query_int (db, "SELECT id FROM operators WHERE staff_number = ?1", staff);

  g_assert_cmpint (id, >, 0);
  return id;
}

typedef struct {
  gint64 id;
  gint64 task_id;
  int cases;             /* -1 for none */
  char remarks[64];
  gboolean closed;
  gint64 confirmed_by;   /* 0 for nobody */
} UsageRow;

/* One operator's entries at one terminal, oldest first. */
static GArray *
usage_rows (KbDb       *db,
            const char *staff,
            const char *terminal)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (UsageRow));
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db),
                                       "SELECT u.id, coalesce (u.task_id, 0),"
                                       " coalesce (u.cases, -1), u.remarks,"
                                       " u.ended_at IS NOT NULL, coalesce (u.confirmed_by, 0)"
                                       " FROM usage u"
                                       " JOIN operators o ON o.id = u.operator_id"
                                       " JOIN terminals t ON t.id = u.terminal_id"
                                       " WHERE o.staff_number = ?1 AND t.code = ?2"
                                       " ORDER BY u.id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, terminal, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      UsageRow row = { 0 };

      row.id = sqlite3_column_int64 (stmt, 0);
      row.task_id = sqlite3_column_int64 (stmt, 1);
      row.cases = sqlite3_column_int (stmt, 2);
      g_strlcpy (row.remarks, (const char *) sqlite3_column_text (stmt, 3), sizeof row.remarks);
      row.closed = sqlite3_column_int (stmt, 4);
      row.confirmed_by = sqlite3_column_int64 (stmt, 5);
      g_array_append_val (rows, row);
    }
  sqlite3_finalize (stmt);
  return rows;
}

typedef struct {
  KbDb *db;
  const char *staff;
  guint n_closed;
  gint64 confirmed_by;
} RowsWait;

/* The lock journals the end of the sitting on the store's thread, after
 * the window has locked: wait for it in the file. */
static gboolean
rows_settled (gpointer data)
{
  RowsWait *w = data;
  g_autoptr(GArray) rows = usage_rows (w->db, w->staff, "JK-01");

  if (rows->len != w->n_closed)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!g_array_index (rows, UsageRow, i).closed ||
        g_array_index (rows, UsageRow, i).confirmed_by != w->confirmed_by)
      return FALSE;
  return TRUE;
}

typedef struct {
  KbSittingPage *page;
  gint64 operator_id;
  gint64 not_id;        /* an entry it must have moved on from, or 0 */
  gint64 task_id;       /* the task it must show recorded, or 0 */
} SittingWait;

static gboolean
sitting_ready (gpointer data)
{
  SittingWait *w = data;
  KbUsageEntry *open = kb_sitting_page_get_open (w->page);

  return open != NULL && !kb_sitting_page_get_busy (w->page) &&
         kb_usage_entry_get_operator_id (open) == w->operator_id &&
         kb_usage_entry_get_id (open) != w->not_id &&
         kb_usage_entry_get_task_id (open) == w->task_id;
}

static KbUsageEntry *
wait_sitting (KbSittingPage *page,
              gint64         operator_id,
              gint64         not_id,
              gint64         task_id)
{
  SittingWait w = { page, operator_id, not_id, task_id };

  if (!wait_for (sitting_ready, &w))
    g_error ("the sitting page shows no open entry of operator %" G_GINT64_FORMAT
             " (task %" G_GINT64_FORMAT ")", operator_id, task_id);
  return kb_sitting_page_get_open (page);
}

typedef struct {
  KbUsageModel *model;
  gint64 viewer;
  KbUsageShow show;
  guint n_loaded;
} ModelWait;

static void
model_loaded_cb (KbUsageModel *model,
                 ModelWait    *w)
{
  w->n_loaded++;
}

/* Loaded for this viewer and status, and no newer query on its way. */
static gboolean
model_ready (gpointer data)
{
  ModelWait *w = data;
  const KbUsageFilter *filter = kb_usage_model_get_filter (w->model);

  return w->n_loaded > 0 && !kb_usage_model_get_loading (w->model) &&
         kb_usage_model_get_viewer (w->model) == w->viewer && filter->show == w->show;
}

static gboolean
model_idle (gpointer data)
{
  return !kb_usage_model_get_loading (KB_USAGE_MODEL (data));
}

static void
wait_model (ModelWait *w)
{
  if (!wait_for (model_ready, w))
    g_error ("the usage page did not load for viewer %" G_GINT64_FORMAT, w->viewer);
}

static GtkWidget *
find_css_class (GtkWidget  *widget,
                const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_css_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The issue's "done when": a clerk records two tasks of one sitting, the
 * supervisor confirms them from the usage page. */
static void
test_usage_sitting_confirm (Fixture       *f,
                            gconstpointer  data)
{
  KbSittingPage *sitting = KB_SITTING_PAGE (kb_window_get_page_widget (f->window, "sitting"));
  KbUsagePage *usage = KB_USAGE_PAGE (kb_window_get_page_widget (f->window, "usage"));
  KbUsageModel *model = kb_usage_page_get_model (usage);
  g_autoptr(KbDb) db = open_db_read_only (f);
  gint64 clerk = staff_id (db, "N1003");
  gint64 supervisor = staff_id (db, "N1002");
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) tasks = kb_usage_approved_tasks (db, clerk, &error);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(KbTask) task1 = NULL;
  g_autoptr(KbTask) task2 = NULL;
  KbUsageEntry *open;
  gint64 first, second, own;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), >=, 2);
  task1 = g_list_model_get_item (tasks, 0);
  task2 = g_list_model_get_item (tasks, 1);

  /* Signing in at JK-01 opens the clerk's entry. */
  sign_in (f, "N1003");
  kb_window_show_page (f->window, "sitting");
  open = wait_sitting (sitting, clerk, 0, 0);
  first = kb_usage_entry_get_id (open);
  g_assert_cmpstr (kb_usage_entry_get_terminal_code (open), ==, "JK-01");
  g_assert_cmpint (kb_usage_entry_get_ended_at (open), ==, 0);

  /* The first task, then another: the first entry ends, a new one opens. */
  kb_sitting_page_record (sitting, 1, "5", "転入届の入力", TRUE);
  g_assert_true (kb_sitting_page_get_busy (sitting));
  open = wait_sitting (sitting, clerk, first, 0);
  second = kb_usage_entry_get_id (open);
  kb_sitting_page_record (sitting, 2, "2", "", FALSE);
  wait_sitting (sitting, clerk, first, kb_task_get_id (task2));
  g_assert_cmpint (kb_usage_entry_get_id (kb_sitting_page_get_open (sitting)), ==, second);

  /* The card out: locked, and the sitting's second entry ends. */
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  {
    RowsWait w = { db, "N1003", 2, 0 };

    g_assert_true (wait_for (rows_settled, &w));
  }
  rows = usage_rows (db, "N1003", "JK-01");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (g_array_index (rows, UsageRow, 0).id, ==, first);
  g_assert_cmpint (g_array_index (rows, UsageRow, 0).task_id, ==, kb_task_get_id (task1));
  g_assert_cmpint (g_array_index (rows, UsageRow, 0).cases, ==, 5);
  g_assert_cmpstr (g_array_index (rows, UsageRow, 0).remarks, ==, "転入届の入力");
  g_assert_cmpint (g_array_index (rows, UsageRow, 1).id, ==, second);
  g_assert_cmpint (g_array_index (rows, UsageRow, 1).task_id, ==, kb_task_get_id (task2));
  g_assert_cmpint (g_array_index (rows, UsageRow, 1).cases, ==, 2);
  g_clear_pointer (&rows, g_array_unref);

  /* The supervisor signs in at the same terminal and records a task of
   * her own, so that her selection holds an entry she may not confirm. */
  sign_in (f, "N1002");
  kb_window_show_page (f->window, "sitting");
  open = wait_sitting (sitting, supervisor, 0, 0);
  own = kb_usage_entry_get_id (open);
  kb_sitting_page_record (sitting, 1, "1", "", TRUE);
  wait_sitting (sitting, supervisor, own, 0);

  /* The usage page, unconfirmed entries: the clerk's two and her own. */
  {
    ModelWait w = { model, supervisor, KB_USAGE_SHOW_UNCONFIRMED, 0 };
    gulong handler = g_signal_connect (model, "loaded", G_CALLBACK (model_loaded_cb), &w);

    kb_window_show_page (f->window, "usage");
    kb_usage_page_show (usage, KB_USAGE_SHOW_UNCONFIRMED);
    wait_model (&w);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

    gtk_selection_model_select_all (gtk_column_view_get_model (kb_usage_page_get_view (usage)));
    w.n_loaded = 0;
    kb_usage_page_confirm_selected (usage);
    {
      RowsWait r = { db, "N1003", 2, supervisor };

      g_assert_true (wait_for (rows_settled, &r));
    }
    /* The page reads the register again: only her own entry is left. */
    wait_model (&w);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
    g_signal_handler_disconnect (model, handler);
  }
  rows = usage_rows (db, "N1002", "JK-01");
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (g_array_index (rows, UsageRow, 0).id, ==, own);
  g_assert_true (g_array_index (rows, UsageRow, 0).closed);
  g_assert_cmpint (g_array_index (rows, UsageRow, 0).task_id, !=, 0);
  g_assert_cmpint (g_array_index (rows, UsageRow, 0).confirmed_by, ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM usage WHERE confirmed_by IS NOT NULL",
                              NULL), ==, 2);

  /* Locked: nothing of her view stays in the page's model. */
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  {
    RowsWait w = { db, "N1002", 2, 0 };

    g_assert_true (wait_for (rows_settled, &w));
  }
  g_assert_true (wait_for (model_idle, model));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (kb_usage_model_get_viewer (model), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
}

static GHashTable *
model_staff (KbUsageModel *model)
{
  GHashTable *staff = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(KbUsageEntry) e = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_true (kb_usage_entry_is_loaded (e));
      g_hash_table_add (staff, g_strdup (kb_usage_entry_get_staff_number (e)));
    }
  return staff;
}

/* A clerk sees only their own entries; the auditor sees everyone's. */
static void
test_usage_visibility (Fixture       *f,
                       gconstpointer  data)
{
  KbSittingPage *sitting = KB_SITTING_PAGE (kb_window_get_page_widget (f->window, "sitting"));
  KbUsagePage *usage = KB_USAGE_PAGE (kb_window_get_page_widget (f->window, "usage"));
  KbUsageModel *model = kb_usage_page_get_model (usage);
  g_autoptr(KbDb) db = open_db_read_only (f);
  ModelWait w = { model, 0, KB_USAGE_SHOW_ALL, 0 };
  gulong handler = g_signal_connect (model, "loaded", G_CALLBACK (model_loaded_cb), &w);

  /* Someone else of the division used the terminal first. */
  sign_in (f, "N1002");
  wait_sitting (sitting, staff_id (db, "N1002"), 0, 0);
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);

  sign_in (f, "N1003");
  wait_sitting (sitting, staff_id (db, "N1003"), 0, 0);
  w.viewer = staff_id (db, "N1003");
  w.n_loaded = 0;
  kb_window_show_page (f->window, "usage");
  wait_model (&w);
  {
    g_autoptr(GHashTable) staff = model_staff (model);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >=, 1);
    g_assert_cmpuint (g_hash_table_size (staff), ==, 1);
    g_assert_true (g_hash_table_contains (staff, "N1003"));
  }
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);

  /* The auditor never used a terminal and sees both. */
  w.viewer = staff_id (db, "N2003");
  w.n_loaded = 0;
  sign_in (f, "N2003");
  kb_window_show_page (f->window, "usage");
  wait_model (&w);
  {
    g_autoptr(GHashTable) staff = model_staff (model);

    g_assert_true (g_hash_table_contains (staff, "N1002"));
    g_assert_true (g_hash_table_contains (staff, "N1003"));
  }
  g_signal_handler_disconnect (model, handler);
}

static gboolean
usage_dialog_idle (gpointer data)
{
  return !kb_usage_dialog_get_busy (KB_USAGE_DIALOG (data));
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The paper form: errors at the field, nothing written until it is right. */
static void
test_usage_bad_input (Fixture       *f,
                      gconstpointer  data)
{
  KbUsagePage *usage = KB_USAGE_PAGE (kb_window_get_page_widget (f->window, "usage"));
  g_autoptr(KbDb) db = open_db_read_only (f);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *date = g_date_time_format (yesterday, "%Y-%m-%d");
  const char *count_sql = "SELECT count (*) FROM usage";
  KbUsageDialog *dialog;
  gint64 rows, journal;

  sign_in (f, "N1003");
  wait_sitting (KB_SITTING_PAGE (kb_window_get_page_widget (f->window, "sitting")),
                staff_id (db, "N1003"), 0, 0);
  rows = query_int (db, count_sql, NULL);
  journal = count_journal (f->path);
  kb_window_show_page (f->window, "usage");
  dialog = KB_USAGE_DIALOG (kb_usage_page_open_manual (usage));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (wait_for ((Condition) kb_usage_dialog_get_ready, dialog));

  kb_usage_dialog_set_field (dialog, KB_FIELD_DATE, date);
  kb_usage_dialog_set_field (dialog, KB_FIELD_START, "09:00");
  kb_usage_dialog_set_field (dialog, KB_FIELD_END, "09:30");
  kb_usage_dialog_set_task (dialog, 1);
  kb_usage_dialog_set_field (dialog, KB_FIELD_CASES, "-3");
  kb_usage_dialog_set_field (dialog, KB_FIELD_REASON, "Kanribo was not yet in use");
  kb_usage_dialog_save (dialog);
  g_assert_true (kb_usage_dialog_get_busy (dialog));
  g_assert_true (wait_for (usage_dialog_idle, dialog));
  g_assert_nonnull (kb_usage_dialog_get_error (dialog, KB_FIELD_CASES));
  g_assert_null (kb_usage_dialog_get_error (dialog, KB_FIELD_END));
  g_assert_cmpint (query_int (db, count_sql, NULL), ==, rows);

  /* The end before the start. */
  kb_usage_dialog_set_field (dialog, KB_FIELD_CASES, "3");
  kb_usage_dialog_set_field (dialog, KB_FIELD_START, "10:00");
  kb_usage_dialog_set_field (dialog, KB_FIELD_END, "09:00");
  kb_usage_dialog_save (dialog);
  g_assert_true (wait_for (usage_dialog_idle, dialog));
  g_assert_nonnull (kb_usage_dialog_get_error (dialog, KB_FIELD_END));
  g_assert_null (kb_usage_dialog_get_error (dialog, KB_FIELD_CASES));
  g_assert_cmpint (query_int (db, count_sql, NULL), ==, rows);
  g_assert_cmpint (count_journal (f->path), ==, journal);

  /* Corrected, it is recorded and the form closes. */
  kb_usage_dialog_set_field (dialog, KB_FIELD_END, "10:45");
  kb_usage_dialog_save (dialog);
  g_assert_true (wait_for (pointer_cleared, &dialog));
  g_assert_cmpint (query_int (db, count_sql, NULL), ==, rows + 1);
  g_assert_cmpint (query_int (db, "SELECT cases FROM usage WHERE manual = 1", NULL), ==, 3);
}

/* A sitting ended without a task is listed at the next sign-in. */
static void
test_usage_purpose_missing (Fixture       *f,
                            gconstpointer  data)
{
  KbSittingPage *sitting = KB_SITTING_PAGE (kb_window_get_page_widget (f->window, "sitting"));
  g_autoptr(KbDb) db = open_db_read_only (f);
  gint64 clerk = staff_id (db, "N1003");
  KbUsageEntry *open, *missing;
  GPtrArray *list;
  gint64 first;

  sign_in (f, "N1003");
  kb_window_show_page (f->window, "sitting");
  open = wait_sitting (sitting, clerk, 0, 0);
  first = kb_usage_entry_get_id (open);
  list = kb_sitting_page_get_missing (sitting);
  g_assert_true (list == NULL || list->len == 0);
  g_assert_null (find_css_class (GTK_WIDGET (sitting), "purpose-missing"));

  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  sign_in (f, "N1003");
  open = wait_sitting (sitting, clerk, first, 0);

  list = kb_sitting_page_get_missing (sitting);
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 1);
  missing = g_ptr_array_index (list, 0);
  g_assert_cmpint (kb_usage_entry_get_id (missing), ==, first);
  g_assert_cmpint (kb_usage_entry_get_task_id (missing), ==, 0);
  g_assert_cmpint (kb_usage_entry_get_ended_at (missing), !=, 0);
  g_assert_cmpint (kb_usage_entry_get_status (missing), ==, KB_USAGE_STATUS_PURPOSE_MISSING);
  g_assert_nonnull (find_css_class (GTK_WIDGET (sitting), "purpose-missing"));
}

/* --- the information-asset register ---------------------------------------- */

static gboolean
assets_idle (gpointer data)
{
  return !kb_assets_page_get_loading (KB_ASSETS_PAGE (data));
}

static gboolean
asset_dialog_idle (gpointer data)
{
  return !kb_asset_dialog_get_busy (KB_ASSET_DIALOG (data));
}

static guint
asset_position (KbAssetsPage *page,
                const char   *number)
{
  GListModel *assets = kb_assets_page_get_assets (page);

  for (guint i = 0; i < g_list_model_get_n_items (assets); i++)
    {
      g_autoptr(KbAsset) asset = g_list_model_get_item (assets, i);

      if (g_str_equal (kb_asset_get_number (asset), number))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

typedef struct {
  KbAssetsPage *page;
  const char   *number;
} AssetWait;

static gboolean
asset_listed (gpointer data)
{
  AssetWait *w = data;

  return !kb_assets_page_get_loading (w->page) &&
         asset_position (w->page, w->number) != GTK_INVALID_LIST_POSITION;
}

static gboolean
history_has_handover (gpointer data)
{
  KbAssetsPage *page = data;
  GListModel *history = kb_assets_page_get_history (page);

  for (guint i = 0; history != NULL && i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(KbAssetEvent) event = g_list_model_get_item (history, i);

      if (g_str_equal (kb_asset_event_get_kind (event), "handover"))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  const char *path;
  char       *contents;
} CsvWait;

static gboolean
csv_written (gpointer data)
{
  CsvWait *w = data;

  g_clear_pointer (&w->contents, g_free);
  return g_file_get_contents (w->path, &w->contents, NULL, NULL) &&
         strstr (w->contents, "JK-TEST-001") != NULL;
}

/* Registered through the form (a wrong date is shown at its field and
 * nothing is written), handed over (the reason is required), and the
 * hand-over is a line of the asset's history. */
static void
test_asset_register_hand_over (Fixture       *f,
                               gconstpointer  data)
{
  KbAssetsPage *page = KB_ASSETS_PAGE (kb_window_get_page_widget (f->window, "asset"));
  g_autoptr(KbDb) db = open_db_read_only (f);
  const char *count_sql = "SELECT count (*) FROM assets";
  const char *custodian_sql = "SELECT custodian_id FROM assets WHERE number = ?1";
  AssetWait listed = { page, "JK-TEST-001" };
  KbAssetDialog *dialog;
  gint64 rows, journal;
  guint position;

  kb_window_show_page (f->window, "asset");
  g_assert_true (wait_for (assets_idle, page));
  rows = query_int (db, count_sql, NULL);
  journal = count_journal (f->path);

  dialog = KB_ASSET_DIALOG (kb_assets_page_open_form (page, KB_ASSET_FORM_REGISTER));
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (wait_for ((Condition) kb_asset_dialog_get_ready, dialog));
  kb_asset_dialog_set_field (dialog, KB_FIELD_NUMBER, "JK-TEST-001");
  kb_asset_dialog_set_field (dialog, KB_FIELD_NAME, "暗号化USBメモリ (試験)");
  g_assert_true (kb_asset_dialog_set_choice (dialog, KB_FIELD_KIND, "Storage"));
  kb_asset_dialog_set_field (dialog, KB_FIELD_HOLDS_DATA, "yes");
  kb_asset_dialog_set_field (dialog, KB_FIELD_LOCATION, "金庫");
  kb_asset_dialog_set_field (dialog, KB_FIELD_ACQUIRED, "2026-13-45");
  g_assert_true (kb_asset_dialog_set_choice (dialog, KB_ASSET_CHOICE_PERSON, "N1001"));
  kb_asset_dialog_save (dialog);
  g_assert_true (kb_asset_dialog_get_busy (dialog));
  g_assert_true (wait_for (asset_dialog_idle, dialog));
  g_assert_nonnull (kb_asset_dialog_get_error (dialog, KB_FIELD_ACQUIRED));
  g_assert_null (kb_asset_dialog_get_error (dialog, KB_FIELD_NUMBER));
  g_assert_cmpint (query_int (db, count_sql, NULL), ==, rows);
  g_assert_cmpint (count_journal (f->path), ==, journal);

  /* What was typed is still there: correcting the date is enough. */
  kb_asset_dialog_set_field (dialog, KB_FIELD_ACQUIRED, "2026-04-01");
  kb_asset_dialog_save (dialog);
  g_assert_true (wait_for (pointer_cleared, &dialog));
  g_assert_cmpint (query_int (db, count_sql, NULL), ==, rows + 1);
  g_assert_cmpint (query_int (db, custodian_sql, "JK-TEST-001"), ==, staff_id (db, "N1001"));
  g_assert_cmpint (query_int (db, "SELECT holds_data FROM assets WHERE number = ?1", "JK-TEST-001"),
                   ==, 1);

  /* The list reloads by itself; select the new asset. */
  g_assert_true (wait_for (asset_listed, &listed));
  position = asset_position (page, "JK-TEST-001");
  kb_assets_page_select (page, position);
  g_assert_true (wait_for (assets_idle, page));
  g_assert_nonnull (kb_assets_page_get_selected (page));
  g_assert_cmpstr (kb_asset_get_number (kb_assets_page_get_selected (page)), ==, "JK-TEST-001");
  g_assert_false (history_has_handover (page));

  /* A hand-over without a reason is refused at the reason. */
  dialog = KB_ASSET_DIALOG (kb_assets_page_open_form (page, KB_ASSET_FORM_HAND_OVER));
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (wait_for ((Condition) kb_asset_dialog_get_ready, dialog));
  g_assert_true (kb_asset_dialog_set_choice (dialog, KB_ASSET_CHOICE_PERSON, "N2001"));
  journal = count_journal (f->path);
  kb_asset_dialog_save (dialog);
  g_assert_true (wait_for (asset_dialog_idle, dialog));
  g_assert_nonnull (kb_asset_dialog_get_error (dialog, KB_FIELD_REASON));
  g_assert_cmpint (count_journal (f->path), ==, journal);
  g_assert_cmpint (query_int (db, custodian_sql, "JK-TEST-001"), ==, staff_id (db, "N1001"));

  kb_asset_dialog_set_field (dialog, KB_FIELD_REASON, "担当替え");
  kb_asset_dialog_save (dialog);
  g_assert_true (wait_for (pointer_cleared, &dialog));
  g_assert_cmpint (query_int (db, custodian_sql, "JK-TEST-001"), ==, staff_id (db, "N2001"));

  /* The page reloads the selected asset: the hand-over is in its history. */
  g_assert_true (wait_for (history_has_handover, page));
  g_assert_cmpstr (kb_asset_get_custodian_name (kb_assets_page_get_selected (page)), ==,
                   "中村 隆之");

  /* The search narrows the list, and the export writes what is shown. */
  kb_assets_page_set_search (page, "JK-TEST");
  g_assert_true (wait_for (assets_idle, page));
  g_assert_cmpuint (g_list_model_get_n_items (kb_assets_page_get_assets (page)), ==, 1);
  {
    g_autofree char *path = g_build_filename (f->dir, "assets.csv", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    CsvWait w = { path, NULL };

    kb_assets_page_export_file (page, file);
    g_assert_true (wait_for (csv_written, &w));
    g_assert_nonnull (strstr (w.contents, "JK-TEST-001"));
    g_assert_nonnull (strstr (w.contents, "N2001"));
    g_free (w.contents);
  }
}

/* --- training ---------------------------------------------------------------- */

static gboolean
training_idle (gpointer data)
{
  return !kb_training_page_get_busy (KB_TRAINING_PAGE (data));
}

typedef struct {
  KbTrainingPage *page;
  guint n;
} TrainingWait;

static gboolean
training_has_sessions (gpointer data)
{
  TrainingWait *w = data;

  return !kb_training_page_get_busy (w->page) &&
         g_list_model_get_n_items (kb_training_page_get_sessions (w->page)) == w->n;
}

static gboolean
training_has_attendees (gpointer data)
{
  TrainingWait *w = data;

  return !kb_training_page_get_busy (w->page) &&
         g_list_model_get_n_items (kb_training_page_get_attendees (w->page)) == w->n &&
         gtk_list_box_get_row_at_index (kb_training_page_get_sheet (w->page), w->n - 1) != NULL;
}

static gboolean
training_saved (gpointer data)
{
  return !kb_training_page_get_busy (KB_TRAINING_PAGE (data)) &&
         kb_training_page_get_n_unsaved (KB_TRAINING_PAGE (data)) == 0;
}

static gboolean
pointer_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Presses @keyval on the attendance sheet, as the keyboard does. */
static void
sheet_press (KbTrainingPage *page,
             guint           keyval)
{
  GtkWidget *sheet = GTK_WIDGET (kb_training_page_get_sheet (page));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (sheet);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  g_assert_true (handled);
}

/* Activates the widget's own shortcut for @keyval with @mods. */
static void
page_shortcut (GtkWidget       *widget,
               guint            keyval,
               GdkModifierType  mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)) && !found; j++)
        {
          g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (sc);
          GtkShortcutTrigger *want = gtk_keyval_trigger_new (keyval, mods);

          if (gtk_shortcut_trigger_equal (trigger, want))
            found = gtk_shortcut_action_activate (gtk_shortcut_get_action (sc), 0, widget,
                                                  gtk_shortcut_get_arguments (sc));
          g_object_unref (want);
        }
    }
  g_assert_true (found);
}

static const KbTrainingStatus *
status_of (KbTrainingPage *page,
           const char     *staff)
{
  for (guint i = 0; i < kb_training_page_get_n_status (page); i++)
    {
      const KbTrainingStatus *s = kb_training_page_get_status (page, i);

      if (g_str_equal (s->staff_number, staff))
        return s;
    }
  g_error ("%s is not in the training status list", staff);
  return NULL;
}

/* A trainer schedules this fiscal year's training through the form,
 * invites a division, marks the room with the keyboard and saves once:
 * the status says who has been trained this year. */
static void
test_training_fiscal_year (Fixture       *f,
                           gconstpointer  data)
{
  KbTrainingPage *page = KB_TRAINING_PAGE (kb_window_get_page_widget (f->window, "training"));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  static const KbAttendanceMark expected[] = {
    KB_MARK_PRESENT, KB_MARK_LATE, KB_MARK_ABSENT, KB_MARK_EXCUSED, KB_MARK_PRESENT,
  };
  TrainingWait w = { page, 0 };
  KbTrainingDialog *dialog;
  KbInviteDialog *invite;
  g_autoptr(KbDb) db = NULL;
  GtkListBoxRow *row;

  /* The trainer of the demo office. */
  sign_in (f, "N1002");
  kb_window_show_page (f->window, "training");
  g_assert_true (wait_for (training_idle, page));
  g_assert_cmpstr (kb_training_page_get_view (page), ==, "sessions");
  g_assert_true (wait_for (training_has_sessions, &w));

  dialog = KB_TRAINING_DIALOG (kb_training_page_open_schedule (page));
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (wait_for ((Condition) kb_training_dialog_get_ready, dialog));
  /* Nothing typed: the title says so, and the dialog stays. */
  kb_training_dialog_save (dialog);
  while (kb_training_dialog_get_busy (dialog))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (kb_training_dialog_get_error (dialog, KB_FIELD_TITLE));

  /* Started already, so that it can be marked at once. */
  g_assert_true (kb_training_dialog_set_field (dialog, KB_FIELD_TITLE, "住基ネット年度当初研修"));
  g_assert_true (kb_training_dialog_set_field (dialog, "kind", "fiscal-year"));
  g_assert_true (kb_training_dialog_set_field (dialog, "date", today));
  g_assert_true (kb_training_dialog_set_field (dialog, "start", "00:00"));
  g_assert_true (kb_training_dialog_set_field (dialog, "end", "00:30"));
  g_assert_true (kb_training_dialog_set_field (dialog, KB_FIELD_PLACE, "本庁舎 3階 第1会議室"));
  g_assert_true (kb_training_dialog_set_field (dialog, KB_FIELD_TRAINER, "N1002"));
  /* Named people: a division's invitation takes all its members. */
  g_assert_true (kb_training_dialog_set_field (dialog, KB_FIELD_AUDIENCE, "named"));
  kb_training_dialog_save (dialog);
  g_assert_true (wait_for (pointer_gone, &dialog));
  w.n = 1;
  g_assert_true (wait_for (training_has_sessions, &w));
  kb_training_page_select (page, 0);

  /* Invite a division: 市町村課 has five active members. */
  invite = KB_INVITE_DIALOG (kb_training_page_open_invite (page));
  g_assert_nonnull (invite);
  g_object_add_weak_pointer (G_OBJECT (invite), (gpointer *) &invite);
  g_assert_true (wait_for ((Condition) kb_invite_dialog_get_ready, invite));
  kb_invite_dialog_set_choice (invite, KB_INVITE_DIVISION);
  g_assert_true (kb_invite_dialog_set_division (invite, "市町村課"));
  kb_invite_dialog_invite (invite);
  g_assert_true (wait_for (pointer_gone, &invite));
  w.n = 5;
  if (!wait_for (training_has_attendees, &w))
    g_error ("the sheet has %u people, expected 5 (%s)",
             g_list_model_get_n_items (kb_training_page_get_attendees (page)),
             kb_training_page_get_error (page));

  /* The keyboard: P, L, A, E each mark the focused row and move on. */
  row = gtk_list_box_get_row_at_index (kb_training_page_get_sheet (page), 0);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  sheet_press (page, GDK_KEY_p);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (
    kb_training_page_get_sheet (page), 1))));
  sheet_press (page, GDK_KEY_L);
  sheet_press (page, GDK_KEY_a);
  sheet_press (page, GDK_KEY_e);
  g_assert_cmpuint (kb_training_page_get_n_unsaved (page), ==, 4);
  /* The last one by the button; nothing is saved yet. */
  kb_training_page_mark_unmarked_present (page);
  g_assert_cmpuint (kb_training_page_get_n_unsaved (page), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (kb_training_page_get_shown_mark (page, i), ==, expected[i]);
  db = open_db_read_only (f);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM attendance WHERE mark IS NOT NULL", NULL),
                   ==, 0);

  /* One save (Ctrl+S), one transaction, one journal entry per mark. */
  page_shortcut (GTK_WIDGET (page), GDK_KEY_s, GDK_CONTROL_MASK);
  g_assert_true (wait_for (training_saved, page));
  g_assert_null (kb_training_page_get_error (page));
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(KbAttendee) a = g_list_model_get_item (kb_training_page_get_attendees (page), i);

      g_assert_cmpint (kb_attendee_get_mark (a), ==, expected[i]);
    }
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM attendance WHERE mark IS NOT NULL", NULL),
                   ==, 5);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM journal WHERE kind = ?1",
                              "attendance.mark"), ==, 5);

  /* The status: present and late count, absent and excused do not. */
  kb_training_page_show (page, "status");
  g_assert_true (wait_for (training_idle, page));
  g_assert_true (status_of (page, "N1001")->this_year_done);
  g_assert_true (status_of (page, "N1002")->this_year_done);
  g_assert_false (status_of (page, "N1003")->this_year_done);
  g_assert_false (status_of (page, "N1004")->this_year_done);
  g_assert_true (status_of (page, "N1004")->invited_this_year);
  g_assert_true (status_of (page, "N1005")->this_year_done);
  g_assert_false (status_of (page, "N2001")->invited_this_year);
}

/* --- the equipment-room log ------------------------------------------------ */

static gboolean
room_page_idle (gpointer data)
{
  return !kb_room_page_get_busy (KB_ROOM_PAGE (data));
}

static gboolean
room_dialog_idle (gpointer data)
{
  return !kb_room_dialog_get_busy (KB_ROOM_DIALOG (data));
}

typedef struct {
  KbRoomPage *page;
  guint n_inside;
  guint n_keys_out;
  guint n_log;
} RoomWait;

static gboolean
room_shows (gpointer data)
{
  RoomWait *w = data;

  return !kb_room_page_get_busy (w->page) &&
         g_list_model_get_n_items (kb_room_page_get_inside (w->page)) == w->n_inside &&
         g_list_model_get_n_items (kb_room_page_get_keys_out (w->page)) == w->n_keys_out &&
         g_list_model_get_n_items (kb_room_page_get_log (w->page)) == w->n_log;
}

static void
wait_room (KbRoomPage *page,
           guint       n_inside,
           guint       n_keys_out,
           guint       n_log)
{
  RoomWait w = { page, n_inside, n_keys_out, n_log };

  if (!wait_for (room_shows, &w))
    g_error ("the room page shows %u inside, %u keys out, %u in the log; expected %u, %u, %u",
             g_list_model_get_n_items (kb_room_page_get_inside (page)),
             g_list_model_get_n_items (kb_room_page_get_keys_out (page)),
             g_list_model_get_n_items (kb_room_page_get_log (page)), n_inside, n_keys_out, n_log);
}

/* The network administrator lets a vendor in through the form (an error
 * at the field first), sees them under Inside Now, records the exit with
 * the key kept, then the key's return. The auditor reads without buttons;
 * a clerk is told who keeps the log. */
static void
test_room_visitor (Fixture       *f,
                   gconstpointer  data)
{
  KbRoomPage *page = KB_ROOM_PAGE (kb_window_get_page_widget (f->window, "room"));
  g_autoptr(KbDb) db = NULL;
  g_autoptr(KbRoomEntry) entry = NULL;
  KbRoomDialog *dialog;
  gint64 journal;

  sign_in (f, "N2001");
  kb_window_show_page (f->window, "room");
  g_assert_true (wait_for (room_page_idle, page));
  g_assert_false (kb_room_page_get_refused (page));
  wait_room (page, 0, 0, 0);

  dialog = KB_ROOM_DIALOG (kb_room_page_open_entry (page));
  g_assert_nonnull (dialog);
  g_assert_true (wait_for ((Condition) kb_room_dialog_get_ready, dialog));
  g_assert_true (kb_room_dialog_set_field (dialog, KB_FIELD_ROOM, "サーバー室 (西庁舎)"));
  g_assert_true (kb_room_dialog_set_field (dialog, "visitor", "yes"));
  g_assert_true (kb_room_dialog_set_field (dialog, KB_FIELD_VISITOR_NAME, "山口 亮"));
  g_assert_true (kb_room_dialog_set_field (dialog, KB_FIELD_PURPOSE, "専用回線の切替試験"));
  g_assert_true (kb_room_dialog_set_field (dialog, KB_FIELD_KEY, "サーバー室 鍵A"));

  /* No organisation: refused at that field, nothing written. */
  journal = count_journal (f->path);
  kb_room_dialog_save (dialog);
  g_assert_true (kb_room_dialog_get_busy (dialog));
  g_assert_true (wait_for (room_dialog_idle, dialog));
  g_assert_nonnull (kb_room_dialog_get_error (dialog, KB_FIELD_VISITOR_ORG));
  g_assert_null (kb_room_dialog_get_error (dialog, KB_FIELD_ESCORT));
  g_assert_cmpint (count_journal (f->path), ==, journal);

  g_assert_true (kb_room_dialog_set_field (dialog, KB_FIELD_VISITOR_ORG, "NTT東日本 長野支店"));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  kb_room_dialog_save (KB_ROOM_DIALOG (dialog));
  g_assert_true (wait_for (pointer_cleared, &dialog));

  /* Inside now, escorted by whoever let them in, with the key. */
  wait_room (page, 1, 0, 1);
  entry = g_list_model_get_item (kb_room_page_get_inside (page), 0);
  db = open_db_read_only (f);
  g_assert_true (kb_room_entry_is_visitor (entry));
  g_assert_cmpstr (kb_room_entry_get_person_name (entry), ==, "山口 亮");
  g_assert_cmpstr (kb_room_entry_get_organisation (entry), ==, "NTT東日本 長野支店");
  g_assert_cmpint (kb_room_entry_get_escort_id (entry), ==, staff_id (db, "N2001"));
  g_assert_true (kb_room_entry_get_key_out (entry));

  /* Out, keeping the key; then the key comes back. */
  kb_room_page_leave (page, 0, TRUE);
  wait_room (page, 0, 1, 1);
  kb_room_page_return_key (page, 0);
  wait_room (page, 0, 0, 1);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM journal WHERE entity = ?1"
                                  " AND kind IN ('room.enter', 'room.leave', 'room.key-return')",
                              "room"), ==, 3);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM room_entries WHERE left_at IS NOT NULL"
                                  " AND key_returned_at >= left_at AND visitor_org = ?1",
                              "NTT東日本 長野支店"), ==, 1);
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  g_assert_cmpuint (g_list_model_get_n_items (kb_room_page_get_log (page)), ==, 0);

  /* The auditor reads it, and cannot record. */
  sign_in (f, "N2003");
  kb_window_show_page (f->window, "room");
  wait_room (page, 0, 0, 1);
  g_assert_false (kb_room_page_get_refused (page));
  g_assert_null (kb_room_page_open_entry (page));
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);

  /* A clerk is told who keeps it. */
  sign_in (f, "N1003");
  kb_window_show_page (f->window, "room");
  g_assert_true (wait_for (room_page_idle, page));
  g_assert_true (kb_room_page_get_refused (page));
  g_assert_cmpuint (g_list_model_get_n_items (kb_room_page_get_log (page)), ==, 0);
}

/* --- backups ----------------------------------------------------------------- */

#define UI_BACKUP_PASSPHRASE "kanribo-ui-backup"

static gboolean
backup_idle (gpointer data)
{
  return !kb_backup_page_get_busy (KB_BACKUP_PAGE (data));
}

static gboolean
backup_first_verified (gpointer data)
{
  GListModel *model = kb_backup_page_get_model (KB_BACKUP_PAGE (data));
  g_autoptr(KbBackupRecord) r = NULL;

  if (g_list_model_get_n_items (model) == 0)
    return FALSE;
  r = g_list_model_get_item (model, 0);
  return kb_backup_record_get_verified_at (r) > 0;
}

static gint64
backup_count_sql (const char *path,
                  const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = kb_db_open (path, KB_DB_OPEN_READ_ONLY, &error);
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gboolean
backup_none (gpointer data)
{
  return g_list_model_get_n_items (kb_backup_page_get_model (KB_BACKUP_PAGE (data))) == 0;
}

static gboolean
backup_listed (gpointer data)
{
  return g_list_model_get_n_items (kb_backup_page_get_model (KB_BACKUP_PAGE (data))) == 1;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
session_not_unlocked (gpointer data)
{
  KbSession *session = kb_window_get_session (KB_WINDOW (data));

  return kb_session_get_state (session) != KB_SESSION_UNLOCKED;
}

/* The newest message dialog over @window whose heading is @heading. */
static GtkWidget *
find_dialog (KbWindow   *window,
             const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) == 0)
        return GTK_WIDGET (w);
    }
  return NULL;
}

static void
close_dialogs (KbWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i - 1);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window))
        {
          gtk_window_set_focus (w, NULL);
          gtk_window_destroy (w);
        }
    }
}

static void
flip_byte (const char *path,
           goffset     at)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpuint (len, >, at);
  contents[at] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, len, &error));
}

/* The security officer sets the passphrase through its dialog, makes a
 * backup, sees it listed, verifies it (and an altered copy), and restores
 * it: the window locks for everyone to sign in again. */
static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "backup");
  g_autofree char *path = g_build_filename (f->dir, "office.kbbackup", NULL);
  g_autofree char *altered_path = g_build_filename (f->dir, "altered.kbbackup", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) altered = g_file_new_for_path (altered_path);
  g_autoptr(KbBackupRecord) r = NULL;
  g_autofree char *kept = g_strconcat (f->path, ".before-restore-", NULL);
  GtkWidget *dialog, *button;
  gboolean found_kept = FALSE;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  kb_window_show_page (f->window, "backup");
  g_assert_nonnull (page);

  /* No passphrase yet: nothing is written. */
  kb_backup_page_back_up_to (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (kb_backup_page_get_result (KB_BACKUP_PAGE (page)));
  close_dialogs (f->window);

  /* The passphrase dialog refuses a mismatch at the field. */
  dialog = kb_backup_page_open_set_passphrase (KB_BACKUP_PAGE (page));
  kb_backup_dialog_set_text (dialog, "new", UI_BACKUP_PASSPHRASE);
  kb_backup_dialog_set_text (dialog, "repeat", UI_BACKUP_PASSPHRASE "x");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply"));
  kb_backup_dialog_set_text (dialog, "repeat", UI_BACKUP_PASSPHRASE);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply"));
  button = find_button (dialog, "_Set Passphrase");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_for (backup_idle, page));
  g_assert_cmpstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), ==,
                   "The backup passphrase was set");

  /* A backup, listed. */
  kb_backup_page_back_up_to (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (wait_for (backup_listed, page));
  r = g_list_model_get_item (kb_backup_page_get_model (KB_BACKUP_PAGE (page)), 0);
  g_assert_cmpstr (kb_backup_record_get_path (r), ==, path);
  g_assert_cmpstr (kb_backup_record_get_made_by_name (r), !=, NULL);
  g_assert_cmpint (kb_backup_record_get_verified_at (r), ==, 0);
  {
    g_autofree char *toast = g_strdup_printf ("%.12s", kb_backup_record_get_digest (r));

    g_assert_nonnull (strstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), toast));
  }

  /* Verified: restorable, and stamped in the register. */
  kb_backup_page_verify_file (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  g_assert_cmpstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), ==, "restorable");
  g_assert_nonnull (find_dialog (f->window, "The Backup Can Be Restored"));
  g_assert_true (wait_for (backup_first_verified, page));
  close_dialogs (f->window);

  /* An altered copy and a wrong passphrase are refused. */
  g_assert_true (g_file_copy (file, altered, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
  flip_byte (altered_path, kb_backup_record_get_size (r) / 2);
  kb_backup_page_verify_file (KB_BACKUP_PAGE (page), altered, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  g_assert_cmpstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), !=, "restorable");
  g_assert_nonnull (find_dialog (f->window, "The Backup Cannot Be Restored"));
  close_dialogs (f->window);
  kb_backup_page_verify_file (KB_BACKUP_PAGE (page), file, "not the passphrase");
  g_assert_true (wait_for (backup_idle, page));
  g_assert_cmpstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), !=, "restorable");
  close_dialogs (f->window);

  /* Restore: verified, confirmed, done; the old database is kept and the
   * window locks. */
  kb_backup_page_restore_from (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  dialog = find_dialog (f->window, "Replace the Whole Database?");
  g_assert_nonnull (dialog);
  button = find_button (dialog, "_Replace Database");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_for (backup_idle, page));
  g_assert_true (wait_for (session_not_unlocked, f->window));
  g_assert_nonnull (strstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), kept));
  g_assert_null (find_dialog (f->window, "Database Restored"));
  /* The card still in is checked against the restored database, then the
   * officer's password; the news of the restore is theirs. */
  wait_state (f->window, KB_SESSION_PASSWORD);
  kb_lock_page_set_password (KB_LOCK_PAGE (lock_page (f->window)), KB_DEMO_PASSWORD);
  wait_state (f->window, KB_SESSION_UNLOCKED);
  g_assert_nonnull (find_dialog (f->window, "Database Restored"));
  /* The live file holds the backup now, and says so in its journal; the
   * backup's own register row was written after its copy was taken. */
  g_assert_cmpint (backup_count_sql (f->path, "SELECT count (*) FROM journal"
                                              " WHERE kind = 'backup.restore'"), ==, 1);
  g_assert_cmpint (backup_count_sql (f->path, "SELECT count (*) FROM backups"), ==, 0);
  g_assert_true (wait_for (backup_none, page));
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "kanribo.db.before-restore-") &&
        !g_str_has_suffix (name, "-anchor"))
      found_kept = TRUE;
  g_assert_true (found_kept);
}

/* An auditor reads the register but cannot back up, not even through
 * the page's own code; a clerk sees only who keeps the backups. */
static void
test_backup_roles (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "backup");
  g_autofree char *path = g_build_filename (f->dir, "auditor.kbbackup", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *dialog;

  kb_window_show_page (f->window, "backup");
  g_assert_cmpstr (kb_backup_page_get_view (KB_BACKUP_PAGE (page)), ==, "backups");
  /* With a passphrase set, only the role can stop the auditor. */
  dialog = kb_backup_page_open_set_passphrase (KB_BACKUP_PAGE (page));
  kb_backup_dialog_set_text (dialog, "new", UI_BACKUP_PASSPHRASE);
  kb_backup_dialog_set_text (dialog, "repeat", UI_BACKUP_PASSPHRASE);
  g_signal_emit_by_name (find_button (dialog, "_Set Passphrase"), "clicked");
  g_assert_true (wait_for (backup_idle, page));
  g_assert_cmpstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), ==,
                   "The backup passphrase was set");

  remove_card (f);
  g_assert_true (wait_for (session_not_unlocked, f->window));
  g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, 2000));
  sign_in (f, "N2003");
  g_assert_cmpstr (kb_backup_page_get_view (KB_BACKUP_PAGE (page)), ==, "backups");
  kb_backup_page_back_up_to (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), "Only"));
  g_assert_cmpuint (g_list_model_get_n_items (kb_backup_page_get_model (KB_BACKUP_PAGE (page))),
                    ==, 0);
  close_dialogs (f->window);

  remove_card (f);
  g_assert_true (wait_for (session_not_unlocked, f->window));
  g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, 2000));
  sign_in (f, "N1003");
  g_assert_cmpstr (kb_backup_page_get_view (KB_BACKUP_PAGE (page)), ==, "denied");
}

/* A verification that ends after the window locked: its verdict waits
 * for the same officer, never over the lock page, and the progress dialog
 * the lock hid does not come back. */
static void
test_backup_locked_midway (Fixture       *f,
                           gconstpointer  data)
{
  GtkWidget *page = kb_window_get_page_widget (f->window, "backup");
  g_autofree char *path = g_build_filename (f->dir, "midway.kbbackup", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *dialog;

  kb_window_show_page (f->window, "backup");
  dialog = kb_backup_page_open_set_passphrase (KB_BACKUP_PAGE (page));
  kb_backup_dialog_set_text (dialog, "new", UI_BACKUP_PASSPHRASE);
  kb_backup_dialog_set_text (dialog, "repeat", UI_BACKUP_PASSPHRASE);
  g_signal_emit_by_name (find_button (dialog, "_Set Passphrase"), "clicked");
  g_assert_true (wait_for (backup_idle, page));
  kb_backup_page_back_up_to (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (wait_for (backup_idle, page));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  kb_backup_page_verify_file (KB_BACKUP_PAGE (page), file, UI_BACKUP_PASSPHRASE);
  g_assert_true (kb_backup_page_get_busy (KB_BACKUP_PAGE (page)));
  kb_session_lock (kb_window_get_session (f->window), "test");
  g_assert_true (wait_for (backup_idle, page));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (kb_backup_page_get_result (KB_BACKUP_PAGE (page)), ==, "restorable");
  g_assert_null (find_dialog (f->window, "The Backup Can Be Restored"));
  g_assert_null (find_dialog (f->window, "Verifying the Backup"));

  /* The card still in is checked again; the same officer's password. */
  wait_state (f->window, KB_SESSION_PASSWORD);
  kb_lock_page_set_password (KB_LOCK_PAGE (lock_page (f->window)), KB_DEMO_PASSWORD);
  wait_state (f->window, KB_SESSION_UNLOCKED);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_nonnull (find_dialog (f->window, "The Backup Can Be Restored"));
  g_assert_null (find_dialog (f->window, "Verifying the Backup"));
}

static gboolean
selected_disposal_pending (gpointer data)
{
  KbAsset *asset = kb_assets_page_get_selected (KB_ASSETS_PAGE (data));

  return !kb_assets_page_get_loading (KB_ASSETS_PAGE (data)) && asset != NULL &&
         kb_asset_get_disposal_pending (asset);
}

static gboolean
selected_gone (gpointer data)
{
  return !kb_assets_page_get_loading (KB_ASSETS_PAGE (data)) &&
         kb_assets_page_get_selected (KB_ASSETS_PAGE (data)) == NULL &&
         asset_position (KB_ASSETS_PAGE (data), "JK-TEST-002") == GTK_INVALID_LIST_POSITION;
}

static gboolean
selected_disposed (gpointer data)
{
  KbAsset *asset = kb_assets_page_get_selected (KB_ASSETS_PAGE (data));

  return asset != NULL && kb_asset_get_status (asset) == KB_ASSET_DISPOSED;
}

/* Selects @number once it is listed, and waits for its details. */
static void
select_asset (KbAssetsPage *page,
              const char   *number)
{
  AssetWait listed = { page, number };

  g_assert_true (wait_for (asset_listed, &listed));
  kb_assets_page_select (page, asset_position (page, number));
  g_assert_true (wait_for (assets_idle, page));
  g_assert_nonnull (kb_assets_page_get_selected (page));
  g_assert_cmpstr (kb_asset_get_number (kb_assets_page_get_selected (page)), ==, number);
}

/* The network administrator registers a storage medium and asks for its
 * disposal; they cannot approve their own request; the security officer
 * approves it, and the medium is disposed. */
static void
test_asset_disposal_decision (Fixture       *f,
                              gconstpointer  data)
{
  KbAssetsPage *page = KB_ASSETS_PAGE (kb_window_get_page_widget (f->window, "asset"));
  g_autoptr(KbDb) db = open_db_read_only (f);
  const char *status_sql = "SELECT status FROM assets WHERE number = ?1";
  KbAssetDialog *dialog;
  GtkWidget *decision;

  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  sign_in (f, "N2001");
  kb_window_show_page (f->window, "asset");
  g_assert_true (wait_for (assets_idle, page));

  dialog = KB_ASSET_DIALOG (kb_assets_page_open_form (page, KB_ASSET_FORM_REGISTER));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (wait_for ((Condition) kb_asset_dialog_get_ready, dialog));
  kb_asset_dialog_set_field (dialog, KB_FIELD_NUMBER, "JK-TEST-002");
  kb_asset_dialog_set_field (dialog, KB_FIELD_NAME, "LTOテープ");
  g_assert_true (kb_asset_dialog_set_choice (dialog, KB_FIELD_KIND, "Storage"));
  kb_asset_dialog_set_field (dialog, KB_FIELD_HOLDS_DATA, "yes");
  kb_asset_dialog_set_field (dialog, KB_FIELD_LOCATION, "サーバー室");
  kb_asset_dialog_set_field (dialog, KB_FIELD_ACQUIRED, "2022-05-01");
  kb_asset_dialog_save (dialog);
  g_assert_true (wait_for (pointer_cleared, &dialog));
  select_asset (page, "JK-TEST-002");

  /* The data of a medium must be accounted for: without a choice the form
   * refuses, with "not needed" it is requested. */
  dialog = KB_ASSET_DIALOG (kb_assets_page_open_form (page, KB_ASSET_FORM_DISPOSE));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (wait_for ((Condition) kb_asset_dialog_get_ready, dialog));
  kb_asset_dialog_set_field (dialog, KB_FIELD_REASON, "保存期間満了");
  kb_asset_dialog_save (dialog);
  g_assert_true (wait_for (asset_dialog_idle, dialog));
  g_assert_nonnull (kb_asset_dialog_get_error (dialog, KB_FIELD_DATA));
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM disposals", NULL), ==, 0);
  kb_asset_dialog_set_field (dialog, KB_FIELD_DATA, "not-needed");
  kb_asset_dialog_save (dialog);
  g_assert_true (wait_for (pointer_cleared, &dialog));
  g_assert_true (wait_for (selected_disposal_pending, page));
  g_assert_null (kb_assets_page_decide (page, TRUE));

  /* The security officer. */
  remove_card (f);
  wait_state (f->window, KB_SESSION_INSERT_CARD);
  sign_in (f, "N1001");
  g_assert_null (kb_assets_page_get_selected (page));
  select_asset (page, "JK-TEST-002");
  decision = kb_assets_page_decide (page, TRUE);
  g_assert_nonnull (decision);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (decision), "apply");
  /* Disposed, it leaves the current assets; all of them show it. */
  g_assert_true (wait_for (selected_gone, page));
  kb_assets_page_show (page, KB_ASSET_SHOW_ALL);
  select_asset (page, "JK-TEST-002");
  g_assert_true (selected_disposed (page));
  {
    g_autoptr(KbDb) check = open_db_read_only (f);
    sqlite3_stmt *stmt;

    g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (check), status_sql, -1, &stmt, NULL),
                     ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, "JK-TEST-002", -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "disposed");
    sqlite3_finalize (stmt);
  }
  /* Nothing more can be done with it. */
  g_assert_null (kb_assets_page_decide (page, TRUE));
}

/* --- audits ---------------------------------------------------------------- */

static gboolean
audit_page_idle (gpointer data)
{
  return !kb_audit_page_get_busy (KB_AUDIT_PAGE (data));
}

typedef struct {
  KbAuditPage *page;
  guint n_audits;
  KbAuditStatus status;
  guint n_findings;
  guint n_open;
} AuditWait;

/* The page shows @n_audits, the selected one in @status with @n_findings
 * of which @n_open are open. */
static gboolean
audit_page_shows (gpointer data)
{
  AuditWait *w = data;
  KbAudit *a = kb_audit_page_get_selected (w->page);
  GListModel *findings = kb_audit_page_get_findings (w->page);
  guint open = 0;

  if (kb_audit_page_get_busy (w->page) || a == NULL ||
      g_list_model_get_n_items (kb_audit_page_get_audits (w->page)) != w->n_audits ||
      kb_audit_get_status (a) != w->status ||
      g_list_model_get_n_items (findings) != w->n_findings)
    return FALSE;
  for (guint i = 0; i < w->n_findings; i++)
    {
      g_autoptr(KbFinding) f = g_list_model_get_item (findings, i);

      open += kb_finding_get_status (f) == KB_FINDING_OPEN;
    }
  return open == w->n_open;
}

static void
wait_audit (KbAuditPage   *page,
            guint          n_audits,
            KbAuditStatus  status,
            guint          n_findings,
            guint          n_open)
{
  AuditWait w = { page, n_audits, status, n_findings, n_open };

  if (!wait_for (audit_page_shows, &w))
    g_error ("the audit page shows %u audits, the selected one %d with %u findings; expected "
             "%u, %d, %u (%u open)",
             g_list_model_get_n_items (kb_audit_page_get_audits (page)),
             kb_audit_page_get_selected (page) != NULL
             ? (int) kb_audit_get_status (kb_audit_page_get_selected (page)) : -1,
             g_list_model_get_n_items (kb_audit_page_get_findings (page)), n_audits, status,
             n_findings, n_open);
}

static gboolean
calendar_idle (gpointer data)
{
  return !kb_calendar_page_get_busy (KB_CALENDAR_PAGE (data));
}

static gboolean
finding_dialog_idle (gpointer data)
{
  return !kb_finding_dialog_get_busy (KB_FINDING_DIALOG (data));
}

static gboolean
audit_dialog_idle (gpointer data)
{
  return !kb_audit_dialog_get_busy (KB_AUDIT_DIALOG (data));
}

/* The visible message dialog headed @heading, or NULL. */
static AdwMessageDialog *
message_dialog (const char *heading)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
      return l->data;
  return NULL;
}

static gboolean
refusal_shown (gpointer data)
{
  return message_dialog (data) != NULL;
}

static void
record_finding (KbAuditPage *page,
                const char  *severity,
                const char  *description)
{
  KbFindingDialog *dialog = KB_FINDING_DIALOG (kb_audit_page_open_finding (page));

  g_assert_nonnull (dialog);
  g_assert_true (wait_for ((Condition) kb_finding_dialog_get_ready, dialog));
  g_assert_true (kb_finding_dialog_set_field (dialog, KB_FIELD_SEVERITY, severity));
  g_assert_true (kb_finding_dialog_set_field (dialog, KB_FIELD_DESCRIPTION, description));
  g_assert_true (kb_finding_dialog_set_field (dialog, KB_FIELD_RESPONSIBLE, "N1003"));
  g_assert_true (kb_finding_dialog_set_field (dialog, KB_FIELD_ACTION, "記録を補い監督者が確認する"));
  g_assert_true (kb_finding_dialog_set_field (dialog, KB_FIELD_DUE, "2099-12-25"));

  /* A link to a row that does not exist is refused at the field. */
  kb_finding_dialog_add_link (dialog, "usage #999999");
  g_assert_true (wait_for (finding_dialog_idle, dialog));
  g_assert_nonnull (kb_finding_dialog_get_error (dialog, KB_FIELD_LINKS));
  g_assert_cmpuint (kb_finding_dialog_get_n_links (dialog), ==, 0);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  kb_finding_dialog_save (dialog);
  g_assert_true (wait_for (pointer_cleared, &dialog));
}

/* The issue's "done when": a security officer plans an internal audit
 * every six months (an error at the field first), starts it, records two
 * findings, cannot close it while they are open, closes them with
 * evidence, closes the audit, and sees the next one planned. */
static void
test_audit_cycle (Fixture       *f,
                  gconstpointer  data)
{
  KbAuditPage *page = KB_AUDIT_PAGE (kb_window_get_page_widget (f->window, "audit"));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autoptr(KbDb) db = NULL;
  KbAuditDialog *plan;
  GtkWidget *dialog;
  AdwMessageDialog *refusal;
  gint64 journal, first_id;
  KbCalendarPage *calendar;
  GDate next;
  char next_day[16];

  kb_window_show_page (f->window, "audit");
  kb_audit_page_set_show_all (page, TRUE);
  g_assert_true (wait_for (audit_page_idle, page));
  g_assert_false (kb_audit_page_get_refused (page));
  g_assert_cmpuint (g_list_model_get_n_items (kb_audit_page_get_audits (page)), ==, 0);

  plan = KB_AUDIT_DIALOG (kb_audit_page_open_plan (page));
  g_assert_nonnull (plan);
  g_assert_true (wait_for ((Condition) kb_audit_dialog_get_ready, plan));
  g_assert_true (kb_audit_dialog_set_field (plan, "kind", "internal"));
  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_SCOPE, "端末使用管理簿、情報資産管理簿"));
  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_PERIOD_FROM, "2026-04-01"));
  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_PERIOD_TO, "2026-09-30"));
  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_PLANNED, today));
  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_RECURRENCE, "6"));
  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_AUDITORS, "N2003"));

  /* No title: refused at that field, nothing written. */
  journal = count_journal (f->path);
  kb_audit_dialog_save (plan);
  g_assert_true (wait_for (audit_dialog_idle, plan));
  g_assert_nonnull (kb_audit_dialog_get_error (plan, KB_FIELD_TITLE));
  g_assert_null (kb_audit_dialog_get_error (plan, KB_FIELD_AUDITORS));
  g_assert_cmpint (count_journal (f->path), ==, journal);

  g_assert_true (kb_audit_dialog_set_field (plan, KB_FIELD_TITLE, "住基ネット 内部監査（上期）"));
  g_object_add_weak_pointer (G_OBJECT (plan), (gpointer *) &plan);
  kb_audit_dialog_save (plan);
  g_assert_true (wait_for (pointer_cleared, &plan));

  /* Planned, and selected. */
  wait_audit (page, 1, KB_AUDIT_PLANNED, 0, 0);
  first_id = kb_audit_get_id (kb_audit_page_get_selected (page));
  g_assert_cmpint (kb_audit_get_recurrence_months (kb_audit_page_get_selected (page)), ==, 6);
  g_assert_null (kb_audit_page_open_finding (page));   /* not before it starts */

  kb_audit_page_advance (page, KB_AUDIT_IN_PROGRESS);
  wait_audit (page, 1, KB_AUDIT_IN_PROGRESS, 0, 0);
  record_finding (page, "high", "監督者の確認がない端末使用記録がある");
  wait_audit (page, 1, KB_AUDIT_IN_PROGRESS, 1, 1);
  record_finding (page, "low", "研修資料の版が古い");
  wait_audit (page, 1, KB_AUDIT_IN_PROGRESS, 2, 2);
  kb_audit_page_advance (page, KB_AUDIT_REPORTED);
  wait_audit (page, 1, KB_AUDIT_REPORTED, 2, 2);

  /* Not while findings are open: the refusal is shown, nothing changes. */
  dialog = kb_audit_page_advance (page, KB_AUDIT_CLOSED);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_assert_true (wait_for (refusal_shown, (gpointer) "The Audit Stays Open"));
  refusal = message_dialog ("The Audit Stays Open");
  gtk_window_destroy (GTK_WINDOW (refusal));
  wait_audit (page, 1, KB_AUDIT_REPORTED, 2, 2);

  /* Each finding closed with its evidence. */
  for (guint i = 0; i < 2; i++)
    {
      GListModel *findings = kb_audit_page_get_findings (page);
      GtkEditable *evidence;
      guint open = 0;

      while (open < g_list_model_get_n_items (findings))
        {
          g_autoptr(KbFinding) finding = g_list_model_get_item (findings, open);

          if (kb_finding_get_status (finding) == KB_FINDING_OPEN)
            break;
          /* Nothing to close on a closed one. */
          g_assert_null (kb_audit_page_finding_action (page, open, "close"));
          open++;
        }
      dialog = kb_audit_page_finding_action (page, open, "close");
      g_assert_nonnull (dialog);
      g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                               "apply"));
      evidence = g_object_get_data (G_OBJECT (dialog), "reason");
      gtk_editable_set_text (evidence, "是正報告書（令和8年12月）で確認");
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
      wait_audit (page, 1, KB_AUDIT_REPORTED, 2, 1 - i);
    }

  /* Closed; the next one planned six months on, and selected. */
  dialog = kb_audit_page_advance (page, KB_AUDIT_CLOSED);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  wait_audit (page, 2, KB_AUDIT_PLANNED, 0, 0);
  g_assert_cmpint (kb_audit_get_id (kb_audit_page_get_selected (page)), !=, first_id);
  g_date_clear (&next, 1);
  g_date_set_parse (&next, today);
  kb_date_add_months_clamped (&next, 6);
  g_date_strftime (next_day, sizeof next_day, "%Y-%m-%d", &next);
  g_assert_cmpstr (kb_audit_get_planned_on (kb_audit_page_get_selected (page)), ==, next_day);
  g_assert_cmpint (kb_audit_get_recurrence_months (kb_audit_page_get_selected (page)), ==, 6);

  db = open_db_read_only (f);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM journal WHERE kind = ?1", "audit.plan"),
                   ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM journal WHERE kind = ?1", "audit.close"),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM journal WHERE kind = ?1",
                              "finding.record"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM journal WHERE kind = ?1",
                              "finding.close"), ==, 2);

  /* The calendar of this month holds the audit closed today. */
  kb_window_show_page (f->window, "calendar");
  calendar = KB_CALENDAR_PAGE (kb_window_get_page_widget (f->window, "calendar"));
  kb_calendar_page_shift (calendar, 0);
  g_assert_true (wait_for (calendar_idle, calendar));
  g_assert_cmpuint (kb_calendar_page_get_n_items (calendar), >=, 1);
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
  /* GTK 4.8's cursor blink warns about a focus-out it missed when a
   * focused entry's window goes away under a test's hand-driven main loop;
   * a blinking cursor is nothing these tests look at. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  {
    g_autoptr(GError) error = NULL;

    harness = kb_pcscd_harness_new (UI_TEST_PORT, &error);
    if (harness == NULL || !kb_pcscd_harness_start (harness, &error))
      {
        if (kb_pcscd_harness_error_is_skip (error) && g_getenv ("KANRIBO_REQUIRE_CARD") == NULL)
          {
            g_print ("1..0 # SKIP %s\n", error->message);
            return 0;
          }
        g_printerr ("Cannot start pcscd: %s\n", error->message);
        return 1;
      }
  }

  g_test_add ("/ui/navigate", Fixture, NULL, fixture_setup, test_navigate, fixture_teardown);
  g_test_add ("/ui/operator-form", Fixture, NULL, fixture_setup, test_operator_form,
              fixture_teardown);
  g_test_add ("/ui/history", Fixture, NULL, fixture_setup, test_history, fixture_teardown);
  g_test_add ("/ui/verify", Fixture, NULL, fixture_setup, test_verify, fixture_teardown);
  g_test_add ("/ui/window-size", Fixture, NULL, fixture_setup, test_window_size,
              fixture_teardown);

  g_test_add ("/ui/lock/removal", Fixture, NULL, fixture_setup, test_removal_locks,
              fixture_teardown);
  g_test_add ("/ui/lock/dialog-kept-for-owner", Fixture, NULL, fixture_setup,
              test_dialog_kept_for_owner, fixture_teardown);
  g_test_add ("/ui/lock/swap", Fixture, NULL, fixture_setup, test_swap_asks_new_operator,
              fixture_teardown);
  g_test_add ("/ui/lock/idle", Fixture, NULL, fixture_setup, test_idle_lock, fixture_teardown);
  g_test_add ("/ui/lock/clerk-reads-only", Fixture, NULL, fixture_setup, test_clerk_reads_only,
              fixture_teardown);
  g_test_add ("/ui/lock/issue-card", Fixture, NULL, fixture_setup, test_issue_card,
              fixture_teardown);
  g_test_add ("/ui/lock/forced-change", Fixture, NULL, fixture_setup, test_forced_change,
              fixture_teardown);
  g_test_add_func ("/ui/first-start", test_first_start);
  g_test_add ("/ui/backup/make-verify-restore", Fixture, NULL, fixture_setup, test_backup,
              fixture_teardown);
  g_test_add ("/ui/backup/roles", Fixture, NULL, fixture_setup, test_backup_roles,
              fixture_teardown);
  g_test_add ("/ui/backup/locked-midway", Fixture, NULL, fixture_setup,
              test_backup_locked_midway, fixture_teardown);

  g_test_add ("/ui/usage/sitting-two-tasks-confirm", Fixture, NULL, usage_setup,
              test_usage_sitting_confirm, fixture_teardown);
  g_test_add ("/ui/usage/visibility", Fixture, NULL, usage_setup, test_usage_visibility,
              fixture_teardown);
  g_test_add ("/ui/usage/bad-input", Fixture, NULL, usage_setup, test_usage_bad_input,
              fixture_teardown);
  g_test_add ("/ui/usage/purpose-missing", Fixture, NULL, usage_setup,
              test_usage_purpose_missing, fixture_teardown);
  g_test_add ("/ui/asset/register-hand-over", Fixture, NULL, fixture_setup,
              test_asset_register_hand_over, fixture_teardown);
  g_test_add ("/ui/asset/disposal-decision", Fixture, NULL, fixture_setup,
              test_asset_disposal_decision, fixture_teardown);

  g_test_add ("/ui/room/visitor", Fixture, NULL, usage_setup, test_room_visitor,
              fixture_teardown);
  g_test_add ("/ui/training/fiscal-year", Fixture, NULL, usage_setup,
              test_training_fiscal_year, fixture_teardown);
  g_test_add ("/ui/audit/plan-findings-close-next", Fixture, NULL, fixture_setup,
              test_audit_cycle, fixture_teardown);

  {
    int status = g_test_run ();

    kb_pcscd_harness_free (harness);
    return status;
  }
}
