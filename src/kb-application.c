/* kb-application.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kb-admin.h"
#include "kb-application.h"
#include "kb-backup.h"
#include "kb-crypto.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-password.h"
#include "kb-window.h"

struct _KbApplication {
  AdwApplication parent_instance;

  char      *database;
  char      *terminal;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (KbApplication, kb_application, ADW_TYPE_APPLICATION)

/**
 * kb_default_database_path:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/kanribo/kanribo.db
 */
char *
kb_default_database_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "kanribo", "kanribo.db", NULL);
}

/* --- command line ------------------------------------------------------- */

typedef struct {
  gint64 start;
  gboolean shown;
  gboolean tty;
  int last_percent;
} CliProgress;

static void
cli_progress (gint64   done,
              gint64   total,
              gpointer user_data)
{
  CliProgress *p = user_data;
  int percent = total > 0 ? (int) (done * 100 / total) : 100;

  /* Only speak up when it takes more than a moment. */
  if (!p->shown && g_get_monotonic_time () - p->start < G_USEC_PER_SEC / 2)
    return;
  if (percent == p->last_percent || (!p->tty && percent / 10 == p->last_percent / 10))
    return;

  p->shown = TRUE;
  p->last_percent = percent;
  if (p->tty)
    g_printerr ("\r%s %3d %%", _("Verifying the journal…"), percent);
  else
    g_printerr ("%s %d %%\n", _("Verifying the journal…"), percent);
}

static int
run_verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  KbVerifyReport report = { 0 };
  CliProgress progress = { g_get_monotonic_time (), FALSE, isatty (STDERR_FILENO), -1 };
  gboolean ok;

  db = kb_db_open (path, KB_DB_OPEN_READ_ONLY, &error);
  if (db == NULL)
    {
      g_printerr ("%s: %s\n", _("Cannot verify"), error->message);
      return 2;
    }

  ok = kb_journal_verify (db, cli_progress, &progress, NULL, &report, &error);
  if (progress.shown && progress.tty)
    g_printerr ("\n");

  if (ok)
    {
      g_print (_("Journal intact: %" PRId64 " entries, %" PRId64
                 " register rows checked.\n"), report.n_entries, report.n_rows);
      g_print (_("Last entry: %" PRId64 ", hash %s\n"), report.head_seq,
               report.head_hash);
      if (!report.anchor_found)
        g_print ("%s\n", _("Note: no anchor file was found beside the database, so removal of "
                           "the newest entries could not be checked."));
      else if (report.anchor_seq < report.head_seq)
        g_print (_("Note: %" PRId64 " entries come after entry %" PRId64 ", the newest this "
                   "installation wrote; they were written by another installation or added "
                   "behind Kanribo’s back.\n"),
                 report.head_seq - report.anchor_seq, report.anchor_seq);
    }
  else if (g_error_matches (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED))
    {
      g_printerr (_("TAMPERED: %s\n"), error->message);
      if (report.bad_entity != NULL && report.bad_id > 0)
        {
          const KbRegister *reg = kb_register_lookup (report.bad_entity);

          g_printerr (_("Register row: %s %" PRId64 "\n"),
                      reg != NULL ? _(reg->label) : report.bad_entity, report.bad_id);
        }
      else if (report.bad_seq > 0)
        g_printerr (_("First bad journal entry: %" PRId64 "\n"), report.bad_seq);
    }
  else
    g_printerr ("%s: %s\n", _("Cannot verify"), error->message);

  kb_verify_report_clear (&report);
  return ok ? 0 : 1;
}

/* @sql: a constant "SELECT count (*) …" */
static gint64
count_rows (KbDb        *db,
            const char  *sql,
            GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, error);
  gint64 n = -1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    kb_db_set_error (db, error, _("Cannot read the demo office"));
  sqlite3_reset (stmt);
  return n;
}

static int
run_seed_demo (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autoptr(GDateTime) now = NULL;
  gint64 n_usage = 0;
  gint64 n_assets = 0;
  gint64 n_room = 0;

  db = kb_db_open (path, KB_DB_OPEN_CREATE, &error);
  if (db == NULL)
    {
      g_printerr ("%s: %s\n", _("Cannot open the database"), error->message);
      return 2;
    }

  /* The office and its two years of use, all or nothing. */
  now = g_date_time_new_now_local ();
  if (!kb_db_begin (db, &error) ||
      !kb_demo_seed (db, &error) ||
      !kb_demo_seed_usage (db, now, &error) ||
      !kb_demo_seed_assets (db, now, &error) ||
      !kb_demo_seed_room (db, now, &error) ||
      !kb_demo_seed_backup (db, &error) ||
      !kb_demo_seed_audits (db, now, &error) ||
      !kb_demo_seed_training (db, now, &error) ||
      (n_usage = count_rows (db, "SELECT count (*) FROM usage", &error)) < 0 ||
      (n_assets = count_rows (db, "SELECT count (*) FROM assets", &error)) < 0 ||
      (n_room = count_rows (db, "SELECT count (*) FROM room_entries", &error)) < 0 ||
      !kb_db_commit (db, &error))
    {
      kb_db_rollback (db);
      if (g_error_matches (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED))
        {
          g_print ("%s\n", error->message);
          return 0;
        }
      g_printerr ("%s: %s\n", _("Cannot add the demo office"), error->message);
      return 1;
    }

  g_print (_("Added the demo office to %s: 3 divisions, 12 operators, 4 terminals, the "
             "business tasks, %" PRId64 " terminal usage entries of the last two years, "
             "%" PRId64 " information assets and %" PRId64 " equipment-room entries. "
             "The backup passphrase is “%s”.\n"),
           path, n_usage, n_assets, n_room, KB_DEMO_BACKUP_PASSPHRASE);
  return 0;
}

/* --- backups on the command line ------------------------------------------ */

#define MAX_PASSPHRASE 1024

/* Reads a passphrase: from the terminal without echo when stdin is one,
 * else one line of stdin. Never from an argument or the environment.
 * Returns: (transfer full) (nullable): wipe with passphrase_free() */
static char *
read_passphrase (const char  *prompt,
                 GError     **error)
{
  char *buf = g_malloc0 (MAX_PASSPHRASE);
  gsize len;

  if (isatty (STDIN_FILENO))
    {
      struct termios saved, quiet;
      FILE *tty = fopen ("/dev/tty", "r+e");
      gboolean ok;

      if (tty == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Cannot ask for the backup passphrase: no terminal"));
          g_free (buf);
          return NULL;
        }
      fprintf (tty, "%s ", prompt);
      fflush (tty);
      tcgetattr (fileno (tty), &saved);
      quiet = saved;
      quiet.c_lflag &= ~(ECHO | ECHONL);
      quiet.c_lflag |= ICANON;
      tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
      ok = fgets (buf, MAX_PASSPHRASE, tty) != NULL;
      tcsetattr (fileno (tty), TCSAFLUSH, &saved);
      fprintf (tty, "\n");
      fclose (tty);
      if (!ok)
        buf[0] = '\0';
    }
  else if (fgets (buf, MAX_PASSPHRASE, stdin) == NULL)
    buf[0] = '\0';

  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  if (len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("No backup passphrase was given (it is read from the terminal or "
                     "from the first line of standard input)"));
      g_free (buf);
      return NULL;
    }
  if (!g_utf8_validate (buf, len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The backup passphrase is not valid UTF-8"));
      kb_password_wipe (buf);
      g_free (buf);
      return NULL;
    }
  return buf;
}

static void
passphrase_free (char *passphrase)
{
  kb_password_wipe (passphrase);
  g_free (passphrase);
}

typedef struct {
  const char *label;
  gint64 start;
  int last_percent;
} BackupProgress;

static void
backup_progress (gint64   done,
                 gint64   total,
                 gpointer user_data)
{
  BackupProgress *p = user_data;
  int percent = total > 0 ? (int) (done * 100 / total) : 100;

  if (percent == p->last_percent ||
      g_get_monotonic_time () - p->start < G_USEC_PER_SEC / 2)
    return;
  p->last_percent = percent;
  g_printerr ("\r%s %3d %%", p->label, MIN (percent, 100));
}

static KbDb *
open_for_backup (KbApplication *self,
                 const char    *path,
                 const char    *what)
{
  g_autoptr(GError) error = NULL;
  KbDb *db = kb_db_open (path, KB_DB_OPEN_DEFAULT, &error);

  if (db == NULL)
    g_printerr ("%s: %s\n", what, error->message);
  else
    kb_db_set_actor (db, 0, self->terminal);
  return db;
}

static void
print_info (const char         *first_line,
            const KbBackupInfo *info)
{
  g_autoptr(GDateTime) made = g_date_time_new_from_unix_local (info->made_at);
  g_autofree char *when = made != NULL ? g_date_time_format (made, "%Y-%m-%d %H:%M:%S") : NULL;

  g_print ("%s\n", first_line);
  g_print (_("Size %" PRIu64 " bytes, SHA-256 %s; made %s, journal up to entry %" PRId64 "\n"),
           info->size, info->digest, when != NULL ? when : "?", info->journal_seq);
}

typedef enum {
  BACKUP_MAKE,
  BACKUP_VERIFY,
  BACKUP_RESTORE,
} BackupAction;

static int
run_backup (KbApplication *self,
            BackupAction   action,
            const char    *database,
            const char    *target)
{
  static const char *labels[] = { N_("Backing up…"), N_("Verifying the backup…"),
                                  N_("Restoring…") };
  static const char *failures[] = { N_("Cannot back up"), N_("Cannot verify the backup"),
                                    N_("Cannot restore") };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (target);
  g_autofree char *passphrase = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *line = NULL;
  g_autofree char *path = g_file_get_path (file);
  BackupProgress progress = { _(labels[action]), g_get_monotonic_time (), -1 };
  gboolean tty = isatty (STDERR_FILENO);
  KbBackupInfo info = { 0 };
  gboolean ok = FALSE;

  /* A backup file can be verified where there is no database: it is then
   * verified, not stamped in a register. */
  if (action != BACKUP_VERIFY || g_file_test (database, G_FILE_TEST_EXISTS))
    {
      db = open_for_backup (self, database, _(failures[action]));
      if (db == NULL)
        return 1;
    }

  passphrase = read_passphrase (_("Backup passphrase:"), &error);
  if (passphrase != NULL)
    switch (action)
      {
      case BACKUP_MAKE:
        ok = kb_backup_make (db, passphrase, file, tty ? backup_progress : NULL, &progress,
                             NULL, &info, &error) >= 0;
        break;
      case BACKUP_VERIFY:
        ok = kb_backup_verify (db, file, passphrase, tty ? backup_progress : NULL, &progress,
                               NULL, &info, &error);
        break;
      case BACKUP_RESTORE:
        ok = kb_backup_restore (db, file, passphrase, tty ? backup_progress : NULL, &progress,
                                NULL, &kept, &info, &error);
        break;
      default:
        g_assert_not_reached ();
      }
  passphrase_free (g_steal_pointer (&passphrase));
  if (tty && progress.last_percent >= 0)
    g_printerr ("\n");

  if (!ok)
    {
      g_printerr ("%s: %s\n", _(failures[action]), error->message);
      return 1;
    }

  switch (action)
    {
    case BACKUP_MAKE:
      line = g_strdup_printf (_("Backed up %s to %s."), database, path);
      break;
    case BACKUP_VERIFY:
      line = g_strdup_printf (_("%s is a sound backup: it decrypts, the database in it is "
                                "intact and its journal verifies (%" PRId64 " entries)."),
                              path, info.n_entries);
      break;
    case BACKUP_RESTORE:
      line = g_strdup_printf (_("Restored %s from %s; the database as it was is kept as %s."),
                              database, path, kept);
      break;
    default:
      g_assert_not_reached ();
    }
  print_info (line, &info);
  kb_backup_info_clear (&info);
  return 0;
}

static int
run_set_backup_passphrase (KbApplication *self,
                           const char    *database)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  char *current = NULL;
  char *passphrase = NULL;
  char *again = NULL;
  gboolean has = FALSE;
  gboolean ok = FALSE;

  db = open_for_backup (self, database, _("Cannot set the backup passphrase"));
  if (db == NULL)
    return 1;
  if (!kb_backup_has_passphrase (db, &has, &error))
    goto out;
  if (has && (current = read_passphrase (_("Current backup passphrase:"), &error)) == NULL)
    goto out;
  if ((passphrase = read_passphrase (_("New backup passphrase:"), &error)) == NULL)
    goto out;
  if (isatty (STDIN_FILENO))
    {
      if ((again = read_passphrase (_("The new backup passphrase again:"), &error)) == NULL)
        goto out;
      if (strcmp (again, passphrase) != 0)
        {
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The two new passphrases differ"));
          goto out;
        }
    }
  ok = kb_backup_set_passphrase (db, current, passphrase, &error);

out:
  passphrase_free (current);
  passphrase_free (passphrase);
  passphrase_free (again);
  if (!ok)
    {
      g_printerr ("%s: %s\n", _("Cannot set the backup passphrase"), error->message);
      return 1;
    }
  g_print ("%s\n", has ? _("The backup passphrase is changed.")
                       : _("The backup passphrase is set."));
  return 0;
}

static int
kb_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  KbApplication *self = KB_APPLICATION (app);
  g_autofree char *database = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "database", "^&ay", NULL))
    {
      g_variant_dict_lookup (options, "database", "^ay", &database);
      kb_application_set_database (self, database);
    }

  g_variant_dict_lookup (options, "terminal", "s", &self->terminal);

  if (g_variant_dict_contains (options, "verify"))
    return run_verify (kb_application_get_database (self));

  if (g_variant_dict_contains (options, "seed-demo"))
    return run_seed_demo (kb_application_get_database (self));

  {
    static const struct { const char *option; BackupAction action; } backup_options[] = {
      { "backup", BACKUP_MAKE },
      { "verify-backup", BACKUP_VERIFY },
      { "restore", BACKUP_RESTORE },
    };
    const char *target = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (backup_options); i++)
      if (g_variant_dict_lookup (options, backup_options[i].option, "^&ay", &target))
        return run_backup (self, backup_options[i].action,
                           kb_application_get_database (self), target);
    if (g_variant_dict_contains (options, "set-backup-passphrase"))
      return run_set_backup_passphrase (self, kb_application_get_database (self));
  }

  return -1;
}

/* --- actions ------------------------------------------------------------ */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Closing the windows lets them save their size. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }
  g_application_quit (app);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Kanribo developers", NULL };
  GtkApplication *app = user_data;
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Kanribo"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Kanribo developers"),
                        "developers", developers,
                        "comments", _("The security registers of the Juki-Net terminals: "
                                      "card lock, terminal usage, information assets, "
                                      "training and audits, in a tamper-evident journal."),
                        "website", "https://github.com/kanribo/kanribo",
                        "issue-url", "https://github.com/kanribo/kanribo/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Kanribo developers",
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
};

static void
update_color_scheme (KbApplication *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  int scheme = g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (manager,
                                      scheme == 1 ? ADW_COLOR_SCHEME_FORCE_LIGHT
                                      : scheme == 2 ? ADW_COLOR_SCHEME_FORCE_DARK
                                      : ADW_COLOR_SCHEME_DEFAULT);
}

static void
kb_application_startup (GApplication *app)
{
  KbApplication *self = KB_APPLICATION (app);
  g_autoptr(GAction) scheme = NULL;
  static const char *quit_accels[] = { "<Primary>q", NULL };

  G_APPLICATION_CLASS (kb_application_parent_class)->startup (app);

  /* Only the graphical path needs settings; the command line works
   * without the schema being installed. */
  kb_application_get_settings (self);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  scheme = g_settings_create_action (self->settings, "color-scheme");
  g_action_map_add_action (G_ACTION_MAP (app), scheme);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (update_color_scheme), self, G_CONNECT_SWAPPED);
  update_color_scheme (self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  kb_window_set_accels (GTK_APPLICATION (app));
}

static void
kb_application_activate (GApplication *app)
{
  KbApplication *self = KB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (kb_window_new (self));
  gtk_window_present (window);
}

static void
kb_application_finalize (GObject *object)
{
  KbApplication *self = KB_APPLICATION (object);

  g_clear_object (&self->settings);
  g_free (self->database);
  g_free (self->terminal);

  G_OBJECT_CLASS (kb_application_parent_class)->finalize (object);
}

static void
kb_application_class_init (KbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = kb_application_finalize;
  app_class->handle_local_options = kb_application_handle_local_options;
  app_class->startup = kb_application_startup;
  app_class->activate = kb_application_activate;
}

static void
kb_application_init (KbApplication *self)
{
  static const GOptionEntry options[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Use this database file instead of the default one"), N_("FILE") },
    { "terminal", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Record use as this terminal (its code in the Terminals register) instead of the "
         "one set in Preferences"), N_("CODE") },
    { "verify", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Check the journal and every register against it, then exit"), NULL },
    { "seed-demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Fill an empty database with a demo office, then exit"), NULL },
    { "backup", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Write an encrypted backup of the database to FILE, then exit (the backup "
         "passphrase is read from the terminal or standard input)"), N_("FILE") },
    { "verify-backup", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Check that the backup FILE decrypts and restores, without touching the database, "
         "then exit"), N_("FILE") },
    { "restore", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Replace the database with the backup FILE, keeping the current one beside it, "
         "then exit"), N_("FILE") },
    { "set-backup-passphrase", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Set or change the backup passphrase (read from the terminal or standard input), "
         "then exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("The security registers of the Juki-Net terminals."));
}

KbApplication *
kb_application_new (void)
{
  return g_object_new (KB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/kanribo/Kanribo",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

/**
 * kb_application_get_database:
 *
 * Returns: the database file: the one given with --database, or the default
 */
const char *
kb_application_get_database (KbApplication *self)
{
  if (self->database == NULL)
    self->database = kb_default_database_path ();
  return self->database;
}

void
kb_application_set_database (KbApplication *self,
                             const char    *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

  g_free (self->database);
  self->database = g_file_get_path (file);
}

GSettings *
kb_application_get_settings (KbApplication *self)
{
  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);
  return self->settings;
}

/**
 * kb_application_get_terminal:
 *
 * Returns: (transfer full): this terminal's code: the one given with
 *   --terminal, else the terminal-code setting, else the host name
 */
char *
kb_application_get_terminal (KbApplication *self)
{
  g_autofree char *code = NULL;

  if (self->terminal != NULL && self->terminal[0] != '\0')
    return g_strdup (self->terminal);
  code = g_settings_get_string (kb_application_get_settings (self), "terminal-code");
  if (code[0] != '\0')
    return g_steal_pointer (&code);
  return g_strdup (g_get_host_name ());
}

void
kb_application_set_terminal (KbApplication *self,
                             const char    *code)
{
  g_free (self->terminal);
  self->terminal = g_strdup (code);
}
