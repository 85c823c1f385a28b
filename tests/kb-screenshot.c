/* kb-screenshot.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A developer tool, not installed: opens the real window on a database,
 * goes to a page, optionally opens a form, the history or runs a
 * verification, then saves a screenshot of the X screen with ImageMagick's
 * `import`. Run it under xvfb-run; see HACKING.md.
 */

#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-admin-page.h"
#include "kb-application.h"
#include "kb-assets-page.h"
#include "kb-audit-dialogs.h"
#include "kb-audit-page.h"
#include "kb-backup-dialogs.h"
#include "kb-backup-page.h"
#include "kb-fake-card.h"
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
#include "kb-usage-actions.h"
#include "kb-usage-page.h"
#include "kb-window.h"

#define SCREENSHOT_PORT 0x8C95

static GtkWidget *
find_lock_page (GtkWidget *widget)
{
  if (KB_IS_LOCK_PAGE (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_lock_page (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Training: --show sessions, status or overdue; --select a session;
 * --fill "marks=PLEA" types marks on its sheet (not saved); --open
 * training-new (--fill field=text;…, saved only with save=yes),
 * training-invite (--fill choice=audience|division|named;division=NAME;
 * check=N1003,N1004;search=TEXT, invited only with save=yes),
 * training-policy or training-cancel. */
static void
training_page_shot (KbWindow   *window,
                    const char *show,
                    int         select,
                    char      **open,
                    char      **fill)
{
  KbTrainingPage *training = KB_TRAINING_PAGE (kb_window_get_page_widget (window, "training"));
  g_auto(GStrv) pairs = *fill != NULL ? g_strsplit (*fill, ";", -1) : g_new0 (char *, 1);
  gboolean save = FALSE;
  GtkWidget *dialog = NULL;

  /* Signing in takes a moment (the password's Argon2id). */
  for (int i = 0; i < 100 && (kb_training_page_get_busy (training) ||
                              g_strcmp0 (kb_training_page_get_view (training), "own") == 0); i++)
    spin (100);
  spin (300);
  if (show != NULL)
    {
      kb_training_page_show (training, g_str_equal (show, "sessions") ? "sessions" : "status");
      kb_training_page_set_overdue_only (training, g_str_equal (show, "overdue"));
    }
  if (select >= 0)
    kb_training_page_select (training, select);
  spin (300);
  for (int i = 0; i < 50 && kb_training_page_get_busy (training); i++)
    spin (100);

  if (g_strcmp0 (*open, "training-new") == 0)
    dialog = kb_training_page_open_schedule (training);
  else if (g_strcmp0 (*open, "training-invite") == 0)
    dialog = kb_training_page_open_invite (training);
  else if (g_strcmp0 (*open, "training-policy") == 0)
    dialog = kb_training_page_open_policy (training);
  else if (g_strcmp0 (*open, "training-cancel") == 0)
    kb_training_page_open_cancel (training);
  spin (1000);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

      if (g_strv_length (kv) != 2)
        continue;
      if (g_str_equal (kv[0], "save"))
        save = g_str_equal (kv[1], "yes");
      else if (g_str_equal (kv[0], "marks") && dialog == NULL)
        for (guint r = 0; kv[1][r] != '\0'; r++)
          {
            const char *m = strchr ("PLEA", kv[1][r]);

            if (m != NULL)
              kb_training_page_set_mark (training, r, (KbAttendanceMark) (m - "PLEA" + 1));
          }
      else if (KB_IS_TRAINING_DIALOG (dialog))
        kb_training_dialog_set_field (KB_TRAINING_DIALOG (dialog), kv[0], kv[1]);
      else if (KB_IS_INVITE_DIALOG (dialog) && g_str_equal (kv[0], "choice"))
        kb_invite_dialog_set_choice (KB_INVITE_DIALOG (dialog),
                                     g_str_equal (kv[1], "named") ? KB_INVITE_NAMED :
                                     g_str_equal (kv[1], "division") ? KB_INVITE_DIVISION
                                                                     : KB_INVITE_AUDIENCE);
      else if (KB_IS_INVITE_DIALOG (dialog) && g_str_equal (kv[0], "division"))
        kb_invite_dialog_set_division (KB_INVITE_DIALOG (dialog), kv[1]);
      else if (KB_IS_INVITE_DIALOG (dialog) && g_str_equal (kv[0], "search"))
        kb_invite_dialog_set_search (KB_INVITE_DIALOG (dialog), kv[1]);
      else if (KB_IS_INVITE_DIALOG (dialog) && g_str_equal (kv[0], "check"))
        {
          g_auto(GStrv) staff = g_strsplit (kv[1], ",", -1);

          for (guint s = 0; staff[s] != NULL; s++)
            kb_invite_dialog_check (KB_INVITE_DIALOG (dialog), staff[s], TRUE);
        }
    }
  if (save && KB_IS_TRAINING_DIALOG (dialog))
    kb_training_dialog_save (KB_TRAINING_DIALOG (dialog));
  else if (save && KB_IS_INVITE_DIALOG (dialog))
    kb_invite_dialog_invite (KB_INVITE_DIALOG (dialog));
  spin (1200);
  g_clear_pointer (fill, g_free);
  g_clear_pointer (open, g_free);
}

/* The asset register: --select, then one of the --open values asset-new,
 * asset-edit, asset-handover, asset-lend, asset-return, asset-check,
 * asset-dispose, asset-status, asset-approve, asset-reject, asset-import
 * (with --import-file); --fill types into the form and saves it, unless
 * it says save=no. */
static void
asset_page_shot (KbWindow   *window,
                 const char *show,
                 int         select,
                 char      **open,
                 char      **fill,
                 const char *import_file)
{
  KbAssetsPage *assets = KB_ASSETS_PAGE (kb_window_get_page_widget (window, "asset"));
  static const char * const shows[] = { "current", "all", "inventory-due", "lent",
                                        "disposal-pending", "disposed", NULL };
  static const struct {
    const char *name;
    KbAssetForm form;
  } forms[] = {
    { "asset-new", KB_ASSET_FORM_REGISTER }, { "asset-edit", KB_ASSET_FORM_EDIT },
    { "asset-handover", KB_ASSET_FORM_HAND_OVER }, { "asset-lend", KB_ASSET_FORM_LEND },
    { "asset-return", KB_ASSET_FORM_RETURN }, { "asset-check", KB_ASSET_FORM_CHECK },
    { "asset-dispose", KB_ASSET_FORM_DISPOSE },
  };
  GtkWidget *dialog = NULL;
  gboolean save = TRUE;

  spin (800);
  for (guint i = 0; show != NULL && shows[i] != NULL; i++)
    if (g_str_equal (show, shows[i]))
      kb_assets_page_show (assets, i);
  spin (800);
  if (select >= 0)
    kb_assets_page_select (assets, select);
  spin (800);
  if (*open == NULL || !g_str_has_prefix (*open, "asset-"))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_str_equal (*open, forms[i].name))
      dialog = kb_assets_page_open_form (assets, forms[i].form);
  if (g_str_equal (*open, "asset-status"))
    kb_assets_page_change_status (assets);
  else if (g_str_equal (*open, "asset-approve") || g_str_equal (*open, "asset-reject"))
    kb_assets_page_decide (assets, g_str_equal (*open, "asset-approve"));
  else if (g_str_equal (*open, "asset-import") && import_file != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (import_file);

      kb_assets_page_import_file (assets, file);
    }
  spin (1500);
  if (dialog != NULL && *fill != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (*fill, ";", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

          if (g_strv_length (kv) != 2)
            continue;
          if (g_str_equal (kv[0], "save"))
            save = !g_str_equal (kv[1], "no");
          else if (!kb_asset_dialog_set_choice (KB_ASSET_DIALOG (dialog), kv[0], kv[1]))
            kb_asset_dialog_set_field (KB_ASSET_DIALOG (dialog), kv[0], kv[1]);
        }
      if (save)
        kb_asset_dialog_save (KB_ASSET_DIALOG (dialog));
      spin (1500);
    }
  g_clear_pointer (fill, g_free);
  g_clear_pointer (open, g_free);
}

static void
wait_unlocked (KbWindow *window)
{
  for (int i = 0; i < 100 && (kb_window_get_session (window) == NULL ||
                              kb_session_get_state (kb_window_get_session (window)) !=
                              KB_SESSION_UNLOCKED); i++)
    spin (100);
}

/* The audits: --show=all lists every audit (else this fiscal year's),
 * --select, then --open audit-new, finding-new (of the selected audit)
 * or audit-close (reporting it first if it is in progress, then
 * answering the confirmation: the refusal while findings are open);
 * --fill types into the form ("link=usage #12" adds a link) and saves
 * it, unless it says save=no. */
static void
audit_page_shot (KbWindow   *window,
                 const char *show,
                 int         select,
                 char      **open,
                 char      **fill)
{
  KbAuditPage *audits = KB_AUDIT_PAGE (kb_window_get_page_widget (window, "audit"));
  GtkWidget *dialog = NULL;
  gboolean save = TRUE;

  wait_unlocked (window);
  spin (300);
  if (g_strcmp0 (show, "all") == 0)
    kb_audit_page_set_show_all (audits, TRUE);
  for (int i = 0; i < 100 && kb_audit_page_get_busy (audits); i++)
    spin (100);
  if (select >= 0)
    kb_audit_page_select (audits, select);
  spin (300);
  for (int i = 0; i < 100 && kb_audit_page_get_busy (audits); i++)
    spin (100);
  spin (500);
  if (*open == NULL)
    return;
  if (g_str_equal (*open, "audit-new"))
    dialog = kb_audit_page_open_plan (audits);
  else if (g_str_equal (*open, "finding-new"))
    dialog = kb_audit_page_open_finding (audits);
  else if (g_str_equal (*open, "audit-close") && kb_audit_page_get_selected (audits) != NULL)
    {
      GtkWidget *confirm;

      if (kb_audit_get_status (kb_audit_page_get_selected (audits)) == KB_AUDIT_IN_PROGRESS)
        {
          kb_audit_page_advance (audits, KB_AUDIT_REPORTED);
          spin (300);
          for (int i = 0; i < 100 && kb_audit_page_get_busy (audits); i++)
            spin (100);
          spin (500);
        }
      confirm = kb_audit_page_advance (audits, KB_AUDIT_CLOSED);
      if (confirm != NULL)
        adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "apply");
      spin (300);
      for (int i = 0; i < 100 && kb_audit_page_get_busy (audits); i++)
        spin (100);
    }
  for (int i = 0; i < 50 && dialog != NULL &&
                  !(KB_IS_AUDIT_DIALOG (dialog) ? kb_audit_dialog_get_ready (KB_AUDIT_DIALOG (dialog))
                                                : kb_finding_dialog_get_ready (KB_FINDING_DIALOG (dialog)));
       i++)
    spin (100);
  if (dialog != NULL && *fill != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (*fill, ";", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

          if (g_strv_length (kv) != 2)
            continue;
          if (g_str_equal (kv[0], "save"))
            save = !g_str_equal (kv[1], "no");
          else if (KB_IS_AUDIT_DIALOG (dialog))
            kb_audit_dialog_set_field (KB_AUDIT_DIALOG (dialog), kv[0], kv[1]);
          else
            kb_finding_dialog_set_field (KB_FINDING_DIALOG (dialog), kv[0], kv[1]);
        }
      for (int i = 0; i < 50 && KB_IS_FINDING_DIALOG (dialog) &&
                      kb_finding_dialog_get_busy (KB_FINDING_DIALOG (dialog)); i++)
        spin (100);
      if (save && KB_IS_AUDIT_DIALOG (dialog))
        kb_audit_dialog_save (KB_AUDIT_DIALOG (dialog));
      else if (save)
        kb_finding_dialog_save (KB_FINDING_DIALOG (dialog));
    }
  spin (1500);
  g_clear_pointer (fill, g_free);
  g_clear_pointer (open, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *database = NULL;
  g_autofree char *page = NULL;
  g_autofree char *open = NULL;
  g_autofree char *out = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *card = NULL;
  g_autofree char *password = NULL;
  g_autofree char *terminal = NULL;
  g_autofree char *record = NULL;
  g_autofree char *show = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *import_file = NULL;
  g_autofree char *passphrase = NULL;
  g_autofree char *backup_to = NULL;
  g_autofree char *verify_backup = NULL;
  g_autofree char *restore_from = NULL;
  gboolean remove_card = FALSE;
  gboolean confirm = FALSE;
  g_autoptr(KbPcscdHarness) harness = NULL;
  g_autoptr(KbFakeCard) fake = NULL;
  gboolean no_pcscd = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(KbApplication) app = NULL;
  int select = -1;
  int width = 1100, height = 720;
  gboolean dark = FALSE;
  const char *localedir = g_getenv ("KANRIBO_LOCALEDIR");
  KbWindow *window;
  GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "Database", "FILE" },
    { "page", 0, 0, G_OPTION_ARG_STRING, &page, "Page to show", "NAME" },
    { "select", 0, 0, G_OPTION_ARG_INT, &select, "Row to select", "N" },
    { "open", 0, 0, G_OPTION_ARG_STRING, &open, "new, edit, history, retire, verify or search", "WHAT" },
    { "fill", 0, 0, G_OPTION_ARG_STRING, &fill, "field=text;… to type into the form, then save", "SPEC" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Window width", "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Window height", "PX" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Dark style", NULL },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "PNG to write", "FILE" },
    { "card", 0, 0, G_OPTION_ARG_STRING, &card, "Insert this demo operator's card", "STAFF" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Sign in with this password", "TEXT" },
    { "no-pcscd", 0, 0, G_OPTION_ARG_NONE, &no_pcscd, "Do not start a private pcscd", NULL },
    { "terminal", 0, 0, G_OPTION_ARG_STRING, &terminal, "This terminal's code", "CODE" },
    { "record", 0, 0, G_OPTION_ARG_STRING, &record,
      "On the sitting page: task,cases,remarks[;task,cases,remarks…], each a task of its own", "SPEC" },
    { "show", 0, 0, G_OPTION_ARG_STRING, &show,
      "On the usage page: all, unconfirmed, confirmed, purpose-missing, manual", "STATUS" },
    { "confirm", 0, 0, G_OPTION_ARG_NONE, &confirm, "On the usage page: select all and confirm; with --restore-from: restore", NULL },
    { "export-csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, "Export the usage page's rows", "FILE" },
    { "passphrase", 0, 0, G_OPTION_ARG_STRING, &passphrase, "Backup passphrase (backup page)", "TEXT" },
    { "backup-to", 0, 0, G_OPTION_ARG_FILENAME, &backup_to, "Back up to this file (backup page)", "FILE" },
    { "verify-backup", 0, 0, G_OPTION_ARG_FILENAME, &verify_backup, "Verify this backup file (backup page)", "FILE" },
    { "restore-from", 0, 0, G_OPTION_ARG_FILENAME, &restore_from,
      "Verify this backup, then show the restore confirmation (backup page)", "FILE" },
    { "print-pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Print this month of the terminal as PDF", "FILE" },
    { "import-file", 0, 0, G_OPTION_ARG_FILENAME, &import_file, "With --open=asset-import: the CSV", "FILE" },
    { "remove-card", 0, 0, G_OPTION_ARG_NONE, &remove_card, "Take the card out after the screenshot", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || database == NULL || out == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--database and --out are required");
      return 2;
    }

  gtk_init ();
  adw_init ();
  if (dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);

  app = kb_application_new ();
  kb_application_set_database (app, database);
  if (terminal != NULL)
    kb_application_set_terminal (app, terminal);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (!no_pcscd)
    {
      harness = kb_pcscd_harness_new (SCREENSHOT_PORT, &error);
      if (harness == NULL || !kb_pcscd_harness_start (harness, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  window = kb_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  spin (1500);

  if (card != NULL)
    {
      guint8 uid[7];

      kb_demo_card_uid (card, uid);
      fake = kb_fake_card_new (SCREENSHOT_PORT, uid, sizeof uid, NULL, 0);
      if (!kb_fake_card_insert (fake, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      spin (1500);
      if (password != NULL)
        {
          kb_lock_page_set_password (KB_LOCK_PAGE (find_lock_page (GTK_WIDGET (window))),
                                     password);
          spin (1500);
        }
    }

  if (record != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (record, ";", -1);
      KbSittingPage *sitting = KB_SITTING_PAGE (kb_window_get_page_widget (window, "sitting"));

      kb_window_show_page (window, "sitting");
      spin (500);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_auto(GStrv) f = g_strsplit (parts[i], ",", 3);

          if (g_strv_length (f) < 3)
            continue;
          kb_sitting_page_record (sitting, atoi (f[0]), f[1], f[2], parts[i + 1] != NULL);
          spin (1200);
        }
    }

  if (page != NULL)
    kb_window_show_page (window, page);
  spin (500);

  if (page != NULL && g_str_equal (page, "backup"))
    {
      KbBackupPage *backup = KB_BACKUP_PAGE (kb_window_get_page_widget (window, "backup"));
      const char *phrase = passphrase != NULL ? passphrase : KB_DEMO_BACKUP_PASSPHRASE;
      g_autoptr(GFile) file = NULL;

      /* Each step waits for the one before (signing in first: the page
       * refuses work for nobody); the file chooser is skipped. */
      for (int i = 0; i < 100 && (kb_window_get_session (window) == NULL ||
                                  kb_session_get_state (kb_window_get_session (window)) !=
                                  KB_SESSION_UNLOCKED); i++)
        spin (100);
      if (backup_to != NULL)
        {
          file = g_file_new_for_commandline_arg (backup_to);
          kb_backup_page_back_up_to (backup, file, phrase);
        }
      else if (verify_backup != NULL || restore_from != NULL)
        {
          file = g_file_new_for_commandline_arg (verify_backup != NULL ? verify_backup : restore_from);
          if (verify_backup != NULL)
            kb_backup_page_verify_file (backup, file, phrase);
          else
            kb_backup_page_restore_from (backup, file, phrase);
        }
      for (int i = 0; i < 600 && kb_backup_page_get_busy (backup); i++)
        spin (100);
      spin (800);
      /* --confirm answers the restore confirmation: the picture is then
       * what follows a restore. */
      if (restore_from != NULL && confirm)
        {
          g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

          for (GList *l = toplevels; l != NULL; l = l->next)
            if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
              adw_message_dialog_response (ADW_MESSAGE_DIALOG (l->data), "restore");
          spin (300);
          for (int i = 0; i < 600 && kb_backup_page_get_busy (backup); i++)
            spin (100);
          spin (1500);
        }
      if (g_strcmp0 (open, "backup-passphrase") == 0)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autofree char *stamp = g_date_time_format (now, "kanribo-%Y%m%d-%H%M.kbbackup");
          g_autoptr(GFile) suggested = g_file_new_build_filename (g_get_home_dir (), "Documents",
                                                                  stamp, NULL);
          GtkWidget *dialog = kb_backup_page_ask_passphrase (backup, "make", suggested);

          if (fill != NULL)
            kb_backup_dialog_set_text (dialog, "passphrase", fill);
        }
      else if (g_strcmp0 (open, "backup-set-passphrase") == 0)
        {
          GtkWidget *dialog = kb_backup_page_open_set_passphrase (backup);
          g_auto(GStrv) pairs = g_strsplit (fill != NULL ? fill : "", ";", -1);

          for (guint i = 0; pairs[i] != NULL; i++)
            {
              g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

              if (g_strv_length (kv) == 2)
                kb_backup_dialog_set_text (dialog, kv[0], kv[1]);
            }
          /* Then saved, as forms are, unless what was typed is refused
           * at the field. */
          if (fill != NULL &&
              adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply"))
            {
              adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
              gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
              gtk_window_destroy (GTK_WINDOW (dialog));
              for (int i = 0; i < 100 && kb_backup_page_get_busy (backup); i++)
                spin (100);
            }
        }
      if (open != NULL && g_str_has_prefix (open, "backup-"))
        {
          spin (1200);
          g_clear_pointer (&fill, g_free);
          g_clear_pointer (&open, g_free);
        }
    }

  if (page != NULL && g_str_equal (page, "usage"))
    {
      KbUsagePage *usage = KB_USAGE_PAGE (kb_window_get_page_widget (window, "usage"));
      static const char * const shows[] = { "all", "open", "purpose-missing", "unconfirmed",
                                            "confirmed", "manual", NULL };

      for (guint i = 0; show != NULL && shows[i] != NULL; i++)
        if (g_str_equal (show, shows[i]))
          kb_usage_page_show (usage, i);
      spin (800);
      if (confirm)
        {
          GtkSelectionModel *selection =
            gtk_column_view_get_model (kb_usage_page_get_view (usage));

          gtk_selection_model_select_all (selection);
          kb_usage_page_confirm_selected (usage);
          spin (1500);
        }
      if (open != NULL && g_str_has_prefix (open, "usage-"))
        {
          GtkWidget *dialog = NULL;

          if (g_str_equal (open, "usage-entry"))
            dialog = kb_usage_page_open_entry (usage, 0);
          else if (g_str_equal (open, "usage-manual"))
            dialog = kb_usage_page_open_manual (usage);
          else if (g_str_equal (open, "usage-print"))
            kb_usage_print_run (GTK_WINDOW (window), kb_window_get_reader (window),
                                kb_usage_model_get_viewer (kb_usage_page_get_model (usage)), 0);
          spin (1200);
          if (dialog != NULL && fill != NULL)
            {
              g_auto(GStrv) pairs = g_strsplit (fill, ";", -1);

              for (guint i = 0; pairs[i] != NULL; i++)
                {
                  g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

                  if (g_strv_length (kv) != 2)
                    continue;
                  if (g_str_equal (kv[0], "task"))
                    kb_usage_dialog_set_task (KB_USAGE_DIALOG (dialog), atoi (kv[1]));
                  else
                    kb_usage_dialog_set_field (KB_USAGE_DIALOG (dialog), kv[0], kv[1]);
                }
              kb_usage_dialog_save (KB_USAGE_DIALOG (dialog));
              spin (1200);
            }
          g_clear_pointer (&fill, g_free);
          g_clear_pointer (&open, g_free);
        }
      if (csv != NULL)
        {
          KbUsageModel *model = kb_usage_page_get_model (usage);

          kb_usage_export_to (GTK_WINDOW (window), kb_window_get_reader (window),
                              kb_usage_model_get_viewer (model), kb_usage_model_get_filter (model),
                              csv);
          spin (1500);
        }
      if (pdf != NULL)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          KbUsageModel *model = kb_usage_page_get_model (usage);

          kb_usage_print_fetch_and_run (GTK_WINDOW (window), kb_window_get_reader (window),
                                        kb_usage_model_get_viewer (model), 1,
                                        g_date_time_get_year (now), g_date_time_get_month (now),
                                        pdf);
          spin (2500);
        }
    }

  /* The equipment-room log: --show this-month, last-month or fiscal-year;
   * --open room-entry (with --fill field=text;…, saved unless save=no),
   * room-leave (the first person inside) or room-history (of --select). */
  if (page != NULL && g_str_equal (page, "room"))
    {
      KbRoomPage *room = KB_ROOM_PAGE (kb_window_get_page_widget (window, "room"));
      static const char * const periods[] = { "this-month", "last-month", "fiscal-year", NULL };
      GtkWidget *dialog = NULL;

      for (guint i = 0; show != NULL && periods[i] != NULL; i++)
        if (g_str_equal (show, periods[i]))
          kb_room_page_set_period (room, i);
      spin (1000);
      if (g_strcmp0 (open, "room-entry") == 0)
        dialog = kb_room_page_open_entry (room);
      else if (g_strcmp0 (open, "room-leave") == 0)
        kb_room_page_ask_leave (room, 0);
      else if (g_strcmp0 (open, "room-history") == 0)
        kb_room_page_open_history (room, MAX (select, 0));
      spin (1200);
      if (dialog != NULL && fill != NULL)
        {
          g_auto(GStrv) pairs = g_strsplit (fill, ";", -1);
          gboolean save = TRUE;

          for (guint i = 0; pairs[i] != NULL; i++)
            {
              g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

              if (g_strv_length (kv) != 2)
                continue;
              if (g_str_equal (kv[0], "save"))
                save = !g_str_equal (kv[1], "no");
              else
                kb_room_dialog_set_field (KB_ROOM_DIALOG (dialog), kv[0], kv[1]);
            }
          if (save)
            kb_room_dialog_save (KB_ROOM_DIALOG (dialog));
          spin (1500);
        }
      if (open != NULL && g_str_has_prefix (open, "room-"))
        {
          g_clear_pointer (&fill, g_free);
          g_clear_pointer (&open, g_free);
        }
    }

  if (page != NULL && g_str_equal (page, "asset"))
    asset_page_shot (window, show, select, &open, &fill, import_file);

  if (page != NULL && g_str_equal (page, "audit"))
    audit_page_shot (window, show, select, &open, &fill);
  if (page != NULL && g_str_equal (page, "training"))
    {
      training_page_shot (window, show, select, &open, &fill);
      select = -1;
    }

  if (select >= 0 && page != NULL &&
      KB_IS_ADMIN_PAGE (kb_window_get_page_widget (window, page)))
    kb_admin_page_select (KB_ADMIN_PAGE (kb_window_get_page_widget (window, page)), select);
  spin (200);

  if (g_strcmp0 (open, "new") == 0)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.new-record", NULL);
  else if (g_strcmp0 (open, "search") == 0)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  else if (g_strcmp0 (open, "verify") == 0)
    kb_journal_page_verify (KB_JOURNAL_PAGE (kb_window_get_page_widget (window, "journal")));
  else if (open != NULL && page != NULL)
    {
      g_autofree char *action = g_strconcat ("page.", open, NULL);

      gtk_widget_activate_action (kb_window_get_page_widget (window, page), action, NULL);
    }
  spin (800);

  if (fill != NULL && page != NULL)
    {
      GtkWidget *dialog = kb_admin_page_get_dialog (KB_ADMIN_PAGE (kb_window_get_page_widget (window, page)));
      g_auto(GStrv) pairs = g_strsplit (fill, ";", -1);

      for (guint i = 0; dialog != NULL && pairs[i] != NULL; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

          if (g_strv_length (kv) == 2)
            kb_record_dialog_set_text (KB_RECORD_DIALOG (dialog), kv[0], kv[1]);
        }
      if (dialog != NULL)
        kb_record_dialog_save (KB_RECORD_DIALOG (dialog));
      spin (800);
    }

  {
    g_autofree char *cmd = g_strdup_printf ("import -window root '%s'", out);

    if (!g_spawn_command_line_sync (cmd, NULL, NULL, NULL, &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
  }

  if (remove_card && fake != NULL)
    {
      kb_fake_card_remove (fake);
      spin (2500);
    }

  return 0;
}
