/* test-cli.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real `kanribo` binary on the command line (KANRIBO_BIN): --version,
 * --seed-demo and --verify, without a display and without the GSettings
 * schema, as they run on a server or from cron.
 */

#include "config.h"

#include "kb-journal.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

typedef KbTestFixture Fixture;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static gboolean
have_binary (void)
{
  if (g_getenv ("KANRIBO_BIN") == NULL)
    {
      g_test_skip ("KANRIBO_BIN is not set");
      return FALSE;
    }
  return TRUE;
}

/* Runs kanribo with @args and no display: nothing on the command line may
 * need one, nor the GSettings schema. */
static void
run_kanribo (Run                *run,
             const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("KANRIBO_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_SOCKET");
  g_subprocess_launcher_unsetenv (launcher, "GSETTINGS_SCHEMA_DIR");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);

  g_test_message ("kanribo %s → %d\nstdout: %s\nstderr: %s",
                  args[0], g_subprocess_get_status (process), run->out, run->err);
  /* It ended on its own: no crash, no fatal warning. */
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

static void
run_with_database (Run        *run,
                   const char *path,
                   const char *option)
{
  g_autofree char *database = g_strconcat ("--database=", path, NULL);
  const char *args[] = { database, option, NULL };

  run_kanribo (run, args);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    g_test_message ("looking for “%s”", (needle)); \
    g_assert_nonnull (strstr ((haystack), (needle))); \
  } G_STMT_END

static void
seed (Fixture *fixture)
{
  g_auto(Run) run = { 0 };

  run_with_database (&run, fixture->path, "--seed-demo");
  g_assert_cmpint (run.status, ==, 0);
}

static KbDb *
open_read_only (const char *path)
{
  g_autoptr(GError) error = NULL;
  KbDb *db = kb_db_open (path, KB_DB_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  return db;
}

/* The demo's audits: each audit planned (the one its predecessor's
 * closing planned too) and moved on step by step, each auditor added,
 * each finding recorded and resolved, each link added. */
static gint64
demo_audit_entries (KbDb *db)
{
  return kb_test_count (db, "SELECT count (*) + sum (CASE status WHEN 'planned' THEN 0"
                            " WHEN 'in-progress' THEN 1 WHEN 'reported' THEN 2 ELSE 3 END)"
                            " FROM audits") +
         kb_test_count (db, "SELECT count (*) FROM audit_auditors") +
         kb_test_count (db, "SELECT count (*) + count (resolved_at) FROM findings") +
         kb_test_count (db, "SELECT count (*) FROM finding_links");
}

static gint64
demo_audit_rows (KbDb *db)
{
  return kb_test_count (db, "SELECT (SELECT count (*) FROM audits) +"
                            " (SELECT count (*) FROM audit_auditors) +"
                            " (SELECT count (*) FROM findings) +"
                            " (SELECT count (*) FROM finding_links)");
}

/* --seed-demo adds the usage register's two years to what kb_demo_seed()
 * journals: one journal entry per usage entry; the equipment room's
 * entries (one when someone enters, one when they leave); and the backup
 * passphrase. */
static gint64
demo_entries (KbDb *db)
{
  return KB_TEST_DEMO_ENTRIES + demo_audit_entries (db) +
         kb_test_count (db, "SELECT count (*) FROM usage") +
         kb_test_count (db, "SELECT count (*) FROM room_entries") +
         kb_test_count (db, "SELECT count (*) FROM room_entries WHERE left_at IS NOT NULL") +
         /* Each asset event journals the asset and itself; a disposal's, its row too. */
         2 * kb_test_count (db, "SELECT count (*) FROM asset_events") +
         kb_test_count (db, "SELECT count (*) FROM asset_events WHERE kind LIKE 'dispose-%'") +
         1 +
         /* Training: each session scheduled, each invitation, each mark,
          * each session becoming held, and the policy (one setting). */
         kb_test_count (db, "SELECT count (*) FROM trainings") +
         kb_test_count (db, "SELECT count (*) FROM attendance") +
         kb_test_count (db, "SELECT count (*) FROM attendance WHERE mark IS NOT NULL") +
         kb_test_count (db, "SELECT count (*) FROM trainings WHERE status = 'held'") + 1;
}

/* --- cases ---------------------------------------------------------------- */

static void
test_version (Fixture       *fixture,
              gconstpointer  data)
{
  static const char * const args[] = { "--version", NULL };
  g_auto(Run) run = { 0 };

  if (!have_binary ())
    return;

  run_kanribo (&run, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, PACKAGE_NAME " " PACKAGE_VERSION "\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_seed_demo (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(KbDb) db = NULL;
  g_autofree char *path = NULL;

  if (!have_binary ())
    return;

  /* A new file in a folder that does not exist yet. */
  path = g_build_filename (fixture->dir, "office", "kanribo.db", NULL);
  run_with_database (&run, path, "--seed-demo");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, path);
  assert_contains (run.out, "3 divisions, 12 operators, 4 terminals");

  db = open_read_only (path);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM divisions"), ==, 3);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM operators"), ==, 12);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM terminals"), ==, 4);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM tasks"), ==, 7);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM audits"), ==, 4);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM credentials"), ==,
                   KB_TEST_DEMO_OPERATORS);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM cards WHERE status = 'issued'"), ==,
                   KB_TEST_DEMO_OPERATORS);
  g_assert_cmpint (kb_test_journal_length (db), ==, demo_entries (db));
}

/* Two years of believable use: enough rows for the register page to page
 * through, entries without a purpose for the sign-in reminder, and the
 * rules the app keeps (no one confirms their own entry, a supervisor
 * confirms only their division's, nothing left open). */
static void
test_seed_demo_usage (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(KbDb) db = NULL;
  g_autofree char *intact = NULL;

  if (!have_binary ())
    return;

  seed (fixture);
  db = open_read_only (fixture->path);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage"), >, 5000);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage WHERE ended_at IS NULL"), ==, 0);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage"
                                      " WHERE task_id IS NULL AND confirmed_by IS NULL"), >=, 3);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage u"
                                      " JOIN operators o ON o.id = u.operator_id"
                                      " WHERE u.task_id IS NULL AND o.staff_number = 'N1003'"), >=, 1);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage"
                                      " WHERE confirmed_by = operator_id"), ==, 0);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage u"
                                      " JOIN operators c ON c.id = u.confirmed_by"
                                      " WHERE c.division_id != u.division_id"
                                      " OR (c.roles & 16) = 0"
                                      " OR u.confirmed_at < u.ended_at"), ==, 0);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage WHERE manual = 1"), >, 0);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage WHERE remarks != ''"), ==,
                   kb_test_count (db, "SELECT count (*) FROM usage_text"));
  /* One person at a terminal at a time. */
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM usage a JOIN usage b"
                                      " ON b.terminal_id = a.terminal_id AND b.id > a.id"
                                      " AND b.started_at < a.ended_at"
                                      " AND a.started_at < b.ended_at"), ==, 0);
  intact = g_strdup_printf ("Journal intact: %" G_GINT64_FORMAT " entries", demo_entries (db));
  g_clear_pointer (&db, kb_db_close);

  run_with_database (&run, fixture->path, "--verify");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, intact);
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_seed_demo_again (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(KbDb) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (!have_binary ())
    return;

  seed (fixture);
  db = open_read_only (fixture->path);
  before = kb_test_register_snapshot (db);
  g_clear_pointer (&db, kb_db_close);

  /* Not an error for a script that runs it twice, but it says so. */
  run_with_database (&run, fixture->path, "--seed-demo");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "Nothing was changed");

  db = open_read_only (fixture->path);
  after = kb_test_register_snapshot (db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (kb_test_journal_length (db), ==, demo_entries (db));
}

static void
test_verify_intact (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(KbDb) db = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *intact = NULL;
  g_autofree char *last = NULL;
  gint64 n_usage, n_entries;

  if (!have_binary ())
    return;

  seed (fixture);
  db = open_read_only (fixture->path);
  hash = kb_test_raw_text (kb_db_get_handle (db),
                           "SELECT lower (hex (hash)) FROM journal ORDER BY seq DESC LIMIT 1");
  /* Register rows: the office, its usage and room entries, its assets,
   * their events and disposals, and the backup passphrase among the
   * settings. */
  n_usage = demo_audit_rows (db) + kb_test_count (db, "SELECT count (*) FROM usage") +
            kb_test_count (db, "SELECT count (*) FROM room_entries") +
            kb_test_count (db, "SELECT (SELECT count (*) FROM assets) +"
                               " (SELECT count (*) FROM asset_events) +"
                               " (SELECT count (*) FROM disposals)") + 1 +
            kb_test_count (db, "SELECT (SELECT count (*) FROM trainings) +"
                               " (SELECT count (*) FROM attendance)") + 1;
  n_entries = demo_entries (db);
  g_clear_pointer (&db, kb_db_close);

  run_with_database (&run, fixture->path, "--verify");
  g_assert_cmpint (run.status, ==, 0);
  intact = g_strdup_printf ("Journal intact: %" G_GINT64_FORMAT " entries, %" G_GINT64_FORMAT
                            " register rows checked.", n_entries, KB_TEST_DEMO_ROWS + n_usage);
  assert_contains (run.out, intact);
  last = g_strdup_printf ("Last entry: %" G_GINT64_FORMAT ", hash %s\n", n_entries, hash);
  assert_contains (run.out, last);
  g_assert_null (strstr (run.out, "no anchor"));
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_verify_without_anchor (Fixture       *fixture,
                            gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *anchor = g_strconcat (fixture->path, "-anchor", NULL);

  if (!have_binary ())
    return;

  seed (fixture);
  g_assert_true (g_file_test (anchor, G_FILE_TEST_IS_REGULAR));
  g_remove (anchor);

  run_with_database (&run, fixture->path, "--verify");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "no anchor file");
}

/* The SQL and the expected line are templates (kb_test_expand()): {{:seq}}
 * is the journal entry @target names, {{:last}} the newest entry. */
typedef struct {
  const char *name;
  const char *target;
  const char *sql;
  const char *says;   /* a regular expression for a line of stderr */
} CliTamper;

static const CliTamper cli_tampers[] = {
  { "entry", "operator.create:5",
    "DROP TRIGGER journal_no_update;"
    "UPDATE journal SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = {{:seq}};"
    "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal"
    " BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;",
    "^First bad journal entry: {{:seq}}$" },
  { "row", NULL,
    "UPDATE operators SET roles = 255 WHERE id = 4",
    "^Register row: .*operator.* 4$" },
  { "password", NULL,
    "UPDATE credentials SET must_change = 1 WHERE id = 2",
    "^Register row: .*password.* 2$" },
  { "card", NULL,
    "UPDATE cards SET status = 'revoked' WHERE id = 7",
    "^Register row: .*card.* 7$" },
  /* The newest entry, with its row: the demo's last usage entry. */
  { "truncated", NULL,
    "DROP TRIGGER journal_no_delete;"
    "DROP TRIGGER usage_no_delete;"
    "DELETE FROM usage_text WHERE rowid = {{(SELECT entity_id FROM journal WHERE seq = :last)}};"
    "DELETE FROM usage WHERE id = {{(SELECT entity_id FROM journal WHERE seq = :last)}};"
    "DELETE FROM journal WHERE seq = {{:last}};"
    "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal"
    " BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;"
    "CREATE TRIGGER usage_no_delete BEFORE DELETE ON usage"
    " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;",
    "^First bad journal entry: {{:last}}$" },
  { "schema", NULL,
    "CREATE TABLE notes (body TEXT)",
    "schema" },
};

static void
test_verify_tampered (Fixture       *fixture,
                      gconstpointer  data)
{
  const CliTamper *ct = data;
  g_auto(Run) run = { 0 };
  g_autofree char *sql = NULL;
  g_autofree char *says = NULL;
  gint64 seq = 0;
  sqlite3 *raw;

  if (!have_binary ())
    return;

  seed (fixture);
  raw = kb_test_raw_open (fixture->path);
  if (ct->target != NULL)
    seq = kb_test_raw_seq (raw, ct->target);
  sql = kb_test_expand (raw, ct->sql, seq);
  says = kb_test_expand (raw, ct->says, seq);
  kb_test_raw_exec (raw, sql);
  sqlite3_close (raw);

  run_with_database (&run, fixture->path, "--verify");
  g_assert_cmpint (run.status, !=, 0);
  assert_contains (run.err, "TAMPERED");
  g_test_message ("looking for /%s/", says);
  g_assert_true (g_regex_match_simple (says, run.err, G_REGEX_MULTILINE, 0));
  g_assert_null (strstr (run.out, "intact"));
}

typedef void (*PrepareFunc) (const char *path);

typedef struct {
  const char  *name;
  PrepareFunc  prepare;   /* NULL: no file at all */
  const char  *says;
} CliRefuse;

static void
prepare_text (const char *path)
{
  static const char text[] = "date,terminal,operator\n2026-04-01,JK-01,N1003\n";

  kb_test_write_file (path, text, sizeof text - 1);
}

static void
prepare_foreign (const char *path)
{
  sqlite3 *raw = kb_test_raw_open (path);

  kb_test_raw_exec (raw, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');");
  sqlite3_close (raw);
}

static const CliRefuse cli_refusals[] = {
  { "not-a-database", prepare_text, "is not a Kanribo database" },
  { "foreign", prepare_foreign, "another application" },
  { "missing", NULL, "does not exist" },
};

static void
test_verify_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  const CliRefuse *cr = data;
  g_auto(Run) run = { 0 };
  g_autoptr(GBytes) before = NULL;
  g_autofree char *listing_before = NULL;
  g_autofree char *listing_after = NULL;

  if (!have_binary ())
    return;

  if (cr->prepare != NULL)
    {
      cr->prepare (fixture->path);
      before = kb_test_read_file (fixture->path);
    }
  listing_before = kb_test_dir_listing (fixture->dir);

  run_with_database (&run, fixture->path, "--verify");
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  assert_contains (run.err, "Cannot verify");
  assert_contains (run.err, fixture->path);
  assert_contains (run.err, cr->says);

  /* Verifying never creates or changes a file. */
  listing_after = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing_after, ==, listing_before);
  if (before != NULL)
    {
      g_autoptr(GBytes) after = kb_test_read_file (fixture->path);
      g_assert_true (g_bytes_equal (before, after));
    }
}

/* --- backups ---------------------------------------------------------------- */

#define DEMO_BACKUP_PASSPHRASE "kanribo-demo-backup"

/* Runs kanribo with @input on its standard input (not a terminal). */
static void
run_with_input (Run                *run,
                const char * const *args,
                const char         *input)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("KANRIBO_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "GSETTINGS_SCHEMA_DIR");
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_test_message ("kanribo %s %s → %d\nstdout: %s\nstderr: %s", args[0], args[1],
                  g_subprocess_get_status (process), run->out, run->err);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

static void
run_backup_option (Run        *run,
                   const char *database,
                   const char *option,
                   const char *file,
                   const char *input)
{
  g_autofree char *db_arg = g_strconcat ("--database=", database, NULL);
  g_autofree char *arg = g_strconcat (option, "=", file, NULL);
  const char *args[] = { db_arg, arg, NULL };

  run_with_input (run, args, input);
}

static GBytes *
live_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GByteArray) all = g_byte_array_new ();
  g_autoptr(GBytes) main_bytes = kb_test_read_file (path);

  g_byte_array_append (all, g_bytes_get_data (main_bytes, NULL), g_bytes_get_size (main_bytes));
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GBytes) wal_bytes = kb_test_read_file (wal);
      g_byte_array_append (all, g_bytes_get_data (wal_bytes, NULL), g_bytes_get_size (wal_bytes));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

static void
test_backup_round_trip (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "office.kbbackup", NULL);
  g_autoptr(KbDb) db = NULL;
  g_autofree char *listing = NULL;
  gint64 entries;

  if (!have_binary ())
    return;
  seed (fixture);
  db = open_read_only (fixture->path);
  entries = kb_test_journal_length (db);
  g_clear_pointer (&db, kb_db_close);

  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--backup", file, DEMO_BACKUP_PASSPHRASE "\n");
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, file);
    assert_contains (run.out, "SHA-256 ");
    g_assert_cmpstr (run.err, ==, "");
    g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  }
  db = open_read_only (fixture->path);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM backups WHERE made_by IS NULL"),
                   ==, 1);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 1);
  g_clear_pointer (&db, kb_db_close);

  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--verify-backup", file, DEMO_BACKUP_PASSPHRASE "\n");
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "sound backup");
    g_assert_cmpstr (run.err, ==, "");
  }
  db = open_read_only (fixture->path);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM backups"
                                      " WHERE verified_at IS NOT NULL"), ==, 1);
  g_clear_pointer (&db, kb_db_close);

  /* Elsewhere, without a database, it is verified all the same. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *nowhere = g_build_filename (fixture->dir, "elsewhere", "kanribo.db", NULL);
    g_autofree char *elsewhere = g_path_get_dirname (nowhere);

    run_backup_option (&run, nowhere, "--verify-backup", file, DEMO_BACKUP_PASSPHRASE "\n");
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "sound backup");
    g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));
  }

  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--restore", file, DEMO_BACKUP_PASSPHRASE "\n");
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "before-restore-");
    g_assert_cmpstr (run.err, ==, "");
  }
  db = open_read_only (fixture->path);
  /* The state of the backup, then its restoration. */
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM backups"), ==, 0);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 1);
  g_clear_pointer (&db, kb_db_close);
  listing = kb_test_dir_listing (fixture->dir);
  assert_contains (listing, "kanribo.db.before-restore-");

  {
    g_auto(Run) run = { 0 };

    run_with_database (&run, fixture->path, "--verify");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.out, "Note:"));
  }
}

static void
test_backup_wrong_passphrase (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "office.kbbackup", NULL);
  g_autofree char *other = g_build_filename (fixture->dir, "other.kbbackup", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  if (!have_binary ())
    return;
  seed (fixture);

  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--backup", other, "not the passphrase\n");
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.err, "Cannot back up");
    assert_contains (run.err, "passphrase is wrong");
    g_assert_cmpstr (run.out, ==, "");
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--backup", file, DEMO_BACKUP_PASSPHRASE "\n");
    g_assert_cmpint (run.status, ==, 0);
  }

  before = live_files (fixture->path);
  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--verify-backup", file, "not the passphrase\n");
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.err, "wrong passphrase, or the file was altered");
  }
  {
    g_auto(Run) run = { 0 };

    run_backup_option (&run, fixture->path, "--restore", file, "not the passphrase\n");
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.err, "Cannot restore");
    assert_contains (run.err, "wrong passphrase, or the file was altered");
  }
  after = live_files (fixture->path);
  g_assert_true (g_bytes_equal (before, after));
}

/* The passphrase is never taken from the command line: not as an option,
 * not as an argument. */
static void
test_backup_passphrase_argument (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "office.kbbackup", NULL);
  g_autofree char *db_arg = NULL;
  g_autofree char *backup_arg = NULL;

  if (!have_binary ())
    return;
  seed (fixture);
  db_arg = g_strconcat ("--database=", fixture->path, NULL);
  backup_arg = g_strconcat ("--backup=", file, NULL);

  {
    const char *args[] = { db_arg, backup_arg, "--passphrase=" DEMO_BACKUP_PASSPHRASE, NULL };
    g_auto(Run) run = { 0 };

    run_with_input (&run, args, "");
    g_assert_cmpint (run.status, !=, 0);
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  }
  {
    const char *args[] = { db_arg, backup_arg, DEMO_BACKUP_PASSPHRASE, NULL };
    g_auto(Run) run = { 0 };

    run_with_input (&run, args, "");
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.err, "No backup passphrase was given");
    g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  }
}

static void
test_set_backup_passphrase (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autofree char *db_arg = g_strconcat ("--database=", fixture->path, NULL);
  const char *args[] = { db_arg, "--set-backup-passphrase", NULL };

  if (!have_binary ())
    return;
  db = kb_db_open (fixture->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&db, kb_db_close);

  {
    g_auto(Run) run = { 0 };

    run_with_input (&run, args, "too short\n");
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.err, "at least 12 characters");
  }
  {
    g_auto(Run) run = { 0 };

    run_with_input (&run, args, "the first passphrase\n");
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "is set");
  }
  /* Changing it: the current one first, then the new one. */
  {
    g_auto(Run) run = { 0 };

    run_with_input (&run, args, "not the first one\nthe second passphrase\n");
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.err, "wrong");
  }
  {
    g_auto(Run) run = { 0 };

    run_with_input (&run, args, "the first passphrase\nthe second passphrase\n");
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "is changed");
  }
  db = open_read_only (fixture->path);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM journal"
                                      " WHERE kind = 'backup.passphrase'"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  /* Messages in UTF-8 rather than question marks. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, kb_test_fixture_setup, func, kb_test_fixture_teardown)

  ADD ("/cli/version", test_version, NULL);
  ADD ("/cli/seed-demo", test_seed_demo, NULL);
  ADD ("/cli/seed-demo-again", test_seed_demo_again, NULL);
  ADD ("/cli/seed-demo/usage", test_seed_demo_usage, NULL);
  ADD ("/cli/verify/intact", test_verify_intact, NULL);
  ADD ("/cli/verify/without-anchor", test_verify_without_anchor, NULL);
  ADD ("/cli/backup/round-trip", test_backup_round_trip, NULL);
  ADD ("/cli/backup/wrong-passphrase", test_backup_wrong_passphrase, NULL);
  ADD ("/cli/backup/passphrase-argument", test_backup_passphrase_argument, NULL);
  ADD ("/cli/backup/set-passphrase", test_set_backup_passphrase, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cli_tampers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/verify/tampered/%s", cli_tampers[i].name);
      ADD (path, test_verify_tampered, &cli_tampers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (cli_refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/verify/refused/%s", cli_refusals[i].name);
      ADD (path, test_verify_refused, &cli_refusals[i]);
    }

#undef ADD

  return g_test_run ();
}
