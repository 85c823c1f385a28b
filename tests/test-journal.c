/* test-journal.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The journal: that every kind of tampering someone with the sqlite3 shell
 * can do is found and named, that an intact journal verifies, the history
 * of a row, and the canonical payload the hashes are computed over.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

typedef KbTestFixture Fixture;

#define DEMO_ENTRIES KB_TEST_DEMO_ENTRIES
#define DEMO_ROWS KB_TEST_DEMO_ROWS

/* A PHC string that is not the demo's: what an attacker would put in place
 * of someone's password hash (Argon2id of another password). */
#define FOREIGN_HASH \
  "$argon2id$v=19$m=65536,t=3,p=4$a2Fucmliby1rYXQtc2FsdA" \
  "$3maEUnPrvx6VCQW4wqHSM5gDn7IXwHvQB2+F/yDGpic"

static KbDb *
open_ok (const char    *path,
         KbDbOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  KbDb *db = kb_db_open (path, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

/* The tampering cases below name journal entries by what they record
 * ("operator.create:3") and rows by their ids, and look the sequence
 * numbers up; what they rely on about the order is checked here. */
static void
assert_demo_layout (KbDb *db)
{
  g_autofree char *kinds =
    kb_test_raw_text (kb_db_get_handle (db),
                      "SELECT group_concat (kind || '×' || n, ' ') FROM"
                      " (SELECT kind, count (*) AS n FROM journal GROUP BY kind"
                      "  ORDER BY min (seq))");
  g_autofree char *tail =
    kb_test_raw_text (kb_db_get_handle (db),
                      "SELECT group_concat (e, ' ') FROM (SELECT kind || ':' || entity_id AS e"
                      " FROM journal ORDER BY seq DESC LIMIT 3)");

  g_assert_cmpint (kb_test_journal_length (db), ==, DEMO_ENTRIES);
  g_assert_cmpstr (kinds, ==,
                   "database.create×1 setting.create×4 division.create×3 operator.create×12"
                   " credential.create×12 card.issue×12 terminal.create×4 task.create×7");
  /* The journal ends with the newest tasks (the delete-last cases). */
  g_assert_cmpstr (tail, ==, "task.create:7 task.create:6 task.create:5");
  /* Each operator's password follows them (the swap case). */
  g_assert_cmpint (kb_test_seq (db, "credential.create:4"), ==,
                   kb_test_seq (db, "operator.create:4") + 1);
}

static void
seed_fixture (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);
  assert_demo_layout (fixture->db);
}

static void
assert_intact (KbDb   *db,
               gint64  n_entries,
               gint64  n_rows)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };
  g_autofree char *head = kb_test_raw_text (kb_db_get_handle (db),
                                            "SELECT lower (hex (hash)) FROM journal"
                                            " ORDER BY seq DESC LIMIT 1");
  gboolean ok;

  ok = kb_journal_verify (db, NULL, NULL, NULL, &report, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (report.n_entries, ==, n_entries);
  g_assert_cmpint (report.n_rows, ==, n_rows);
  g_assert_cmpint (report.head_seq, ==, n_entries);
  g_assert_cmpstr (report.head_hash, ==, head);
  g_assert_true (report.anchor_found);
  g_assert_cmpint (report.bad_seq, ==, 0);
  g_assert_null (report.bad_entity);
  kb_verify_report_clear (&report);
}

/* --- what an attacker with the sqlite3 shell can do ---------------------- */

/* The triggers that guard the journal and the registers, saved so that a
 * careful attacker can drop them, write, and put them back exactly as they
 * were (same SQL text, so the schema looks untouched). */
static GPtrArray *
drop_triggers (sqlite3 *raw)
{
  GPtrArray *saved = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  guint n_registers;

  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT name, sql FROM sqlite_schema"
                                            " WHERE type = 'trigger' ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (saved, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (saved, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  /* Two for the journal, one for each register table, and one more that
   * keeps asset events from being edited. */
  kb_registers (&n_registers);
  g_assert_cmpuint (saved->len, ==, 2 * (2 + n_registers + 1));

  for (guint i = 0; i < saved->len; i += 2)
    {
      g_autofree char *sql = g_strdup_printf ("DROP TRIGGER %s", (char *) saved->pdata[i]);
      kb_test_raw_exec (raw, sql);
    }

  return saved;
}

static void
restore_triggers (sqlite3   *raw,
                  GPtrArray *saved)
{
  for (guint i = 0; i < saved->len; i += 2)
    kb_test_raw_exec (raw, saved->pdata[i + 1]);
}

/* The SQL, forge_from, bad_seq and says are templates (kb_test_expand()):
 * {{:seq}} is the entry @target names, {{:last}} the newest entry, both
 * looked up in the seeded demo before anything is touched. */
typedef struct {
  const char *name;
  const char *target;       /* "operator.create:3", or NULL */
  /* Run on a second connection. With careful set, all triggers are dropped
   * first and put back afterwards, so only the data changes. */
  const char *sql;
  gboolean    careful;
  const char *forge_from;   /* then make the chain whole from this entry on */
  /* What the verifier must name. */
  const char *bad_seq;      /* NULL: none */
  const char *bad_entity;   /* NULL: a journal entry; "schema"; or a register */
  gint64      bad_id;
  const char *says;         /* in the message; by default "entry <bad_seq>" or the id */
} TamperCase;

static const TamperCase tamper_cases[] = {
  /* Journal entries. */
  { "entry/state", "operator.create:3",
    "UPDATE journal SET state = replace (state, '小林 健太', '小林 健二') WHERE seq = {{:seq}};"
    "UPDATE operators SET name = '小林 健二' WHERE id = 3;",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/at", "operator.create:1",
    "UPDATE journal SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/actor", "operator.create:6",
    "UPDATE journal SET actor = 1 WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/terminal", "division.create:2",
    "UPDATE journal SET terminal = 'JK-04' WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/kind", "terminal.create:4",
    "UPDATE journal SET kind = 'terminal.amend' WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/detail", "operator.create:8",
    "UPDATE journal SET detail = '{\"reason\":\"誤登録\"}' WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/entity-id", "operator.create:1",
    "UPDATE journal SET entity_id = 2 WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/prev-hash", "operator.create:2",
    "UPDATE journal SET prev_hash = zeroblob (32) WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/malformed-hash", "division.create:2",
    "UPDATE journal SET hash = x'00' WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  /* A password row and its journal entry edited to agree: the entry's hash
   * gives it away. */
  { "entry/credential-state", "credential.create:3",
    "UPDATE journal SET state = replace (state, '\"must_change\":0', '\"must_change\":1')"
    " WHERE seq = {{:seq}};"
    "UPDATE credentials SET must_change = 1 WHERE id = 3;",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/delete-first", "database.create",
    "DELETE FROM journal WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/delete-middle", "operator.create:8",
    "DELETE FROM journal WHERE seq = {{:seq}}",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/delete-middle-renumbered", "operator.create:8",
    /* Closing the gap does not help: the entry now there does not follow
     * the one before it. */
    "DELETE FROM journal WHERE seq = {{:seq}};"
    "UPDATE journal SET seq = seq - 1 WHERE seq > {{:seq}};",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/swap", "operator.create:4",
    "UPDATE journal SET seq = -1 WHERE seq = {{:seq}};"
    "UPDATE journal SET seq = {{:seq}} WHERE seq = {{:seq + 1}};"
    "UPDATE journal SET seq = {{:seq + 1}} WHERE seq = -1;",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/forged-append-bad-hash", NULL,
    "INSERT INTO operators (staff_number, name, kana, division_id, roles)"
    " VALUES ('N9999', '偽 太郎', 'ニセ タロウ', 1, 32);"
    "INSERT INTO journal SELECT {{:last + 1}}, at, NULL, terminal, 'operator.create', 'operator',"
    " 13, '{\"id\":13}', NULL, hash, randomblob (32) FROM journal WHERE seq = {{:last}};",
    FALSE, NULL, "{{:last + 1}}", NULL, 0 },
  /* The newest entries and their rows removed together: the chain is whole,
   * the registers agree, only the anchor file knows. */
  { "entry/delete-last-with-row", "task.create:7",
    "DELETE FROM journal WHERE seq = {{:seq}};"
    "DELETE FROM task_divisions WHERE task_id = 7;"
    "DELETE FROM tasks WHERE id = 7;",
    TRUE, NULL, "{{:seq}}", NULL, 0 },
  { "entry/delete-last-three-with-rows", "task.create:5",
    "DELETE FROM journal WHERE seq >= {{:seq}};"
    "DELETE FROM task_divisions WHERE task_id >= 5;"
    "DELETE FROM tasks WHERE id >= 5;",
    TRUE, NULL, "{{:seq}}", NULL, 0,
    "ends at entry {{:seq - 1}} but entry {{:last}} was written" },
  /* Rewriting history and recomputing the whole chain from there: the hash
   * is not keyed, so only the anchor (the head this installation wrote)
   * shows it, at the anchor's entry. */
  { "entry/rewrite-chain", "operator.create:1",
    "UPDATE journal SET state = replace (state, '北沢 誠一', '北村 誠一') WHERE seq = {{:seq}};"
    "UPDATE operators SET name = '北村 誠一' WHERE id = 1;",
    TRUE, "{{:seq}}", "{{:last}}", NULL, 0 },
  { "entry/rewrite-last", NULL,
    "UPDATE journal SET terminal = 'JK-02' WHERE seq = {{:last}}",
    TRUE, "{{:last}}", "{{:last}}", NULL, 0 },

  /* Register rows. */
  { "row/insert-operator", NULL,
    "INSERT INTO operators (staff_number, name, kana, division_id, roles)"
    " VALUES ('N9999', '偽 太郎', 'ニセ タロウ', 1, 32)",
    FALSE, NULL, NULL, "operator", 13 },
  { "row/insert-division", NULL,
    "INSERT INTO divisions (name) VALUES ('秘密課')",
    FALSE, NULL, NULL, "division", 4 },
  { "row/update-division", "division.create:1",
    "UPDATE divisions SET name = '市町村課（旧）' WHERE id = 1",
    FALSE, NULL, "{{:seq}}", "division", 1 },
  { "row/update-operator", "operator.create:4",
    "UPDATE operators SET roles = 255 WHERE id = 4",
    FALSE, NULL, "{{:seq}}", "operator", 4 },
  { "row/retire-operator", "operator.create:2",
    "UPDATE operators SET active = 0 WHERE id = 2",
    FALSE, NULL, "{{:seq}}", "operator", 2 },
  { "row/update-terminal", "terminal.create:3",
    "UPDATE terminals SET location = '職員の自宅' WHERE id = 3",
    FALSE, NULL, "{{:seq}}", "terminal", 3 },
  { "row/update-task", "task.create:5",
    "UPDATE tasks SET description = '' WHERE id = 5",
    FALSE, NULL, "{{:seq}}", "task", 5 },
  { "row/insert-task-division", "task.create:1",
    "INSERT INTO task_divisions (task_id, division_id) VALUES (1, 2)",
    FALSE, NULL, "{{:seq}}", "task", 1 },
  { "row/delete-task-division", "task.create:2",
    "DELETE FROM task_divisions WHERE task_id = 2 AND division_id = 2",
    FALSE, NULL, "{{:seq}}", "task", 2 },
  { "row/orphan-task-division", NULL,
    "INSERT INTO task_divisions (task_id, division_id) VALUES (99, 1)",
    FALSE, NULL, NULL, "task", 99 },
  { "row/delete-terminal", "terminal.create:2",
    "DELETE FROM terminals WHERE id = 2",
    TRUE, NULL, "{{:seq}}", "terminal", 2 },
  { "row/delete-operator", "operator.create:12",
    "DELETE FROM operators WHERE id = 12",
    TRUE, NULL, "{{:seq}}", "operator", 12 },
  { "row/delete-and-reinsert", NULL,
    /* Same values, new id: the old row is missing, the new one unjournaled. */
    "DELETE FROM divisions WHERE id = 3;"
    "INSERT INTO divisions (id, name) VALUES (10, '健康福祉政策課');",
    TRUE, NULL, NULL, "division", 10 },
  /* A weaker password policy (setting 2 is password-min-length). */
  { "row/update-setting", "setting.create:2",
    "UPDATE settings SET value = '4' WHERE key = 'password-min-length'",
    FALSE, NULL, "{{:seq}}", "setting", 2 },
  { "row/insert-setting", NULL,
    "INSERT INTO settings (key, value) VALUES ('password-check', 'off')",
    FALSE, NULL, NULL, "setting", KB_TEST_NEW_SETTINGS + 1 },
  /* The security officer's password hash replaced by one whose password the
   * attacker knows. The journal holds only a digest of the hash, and that
   * is enough. */
  { "row/update-credential-hash", "credential.create:1",
    "UPDATE credentials SET hash = '" FOREIGN_HASH "' WHERE id = 1",
    FALSE, NULL, "{{:seq}}", "credential", 1 },
  /* A password made to look new, so that it never expires. */
  { "row/update-credential-changed-at", "credential.create:2",
    "UPDATE credentials SET changed_at = '2099-01-01T00:00:00.000000Z' WHERE id = 2",
    FALSE, NULL, "{{:seq}}", "credential", 2 },
  /* Without a password the officer no longer counts, and the first start
   * would offer to create a new one. */
  { "row/delete-credential", "credential.create:1",
    "DELETE FROM credentials WHERE id = 1",
    TRUE, NULL, "{{:seq}}", "credential", 1 },
  { "row/update-card-status", "card.issue:4",
    "UPDATE cards SET status = 'lost', revoked_at = '2026-05-01T00:00:00.000000Z' WHERE id = 4",
    FALSE, NULL, "{{:seq}}", "card", 4 },
  /* An operator's card made to sign in as the security officer. */
  { "row/update-card-operator", "card.issue:3",
    "UPDATE cards SET operator_id = 1 WHERE id = 3",
    FALSE, NULL, "{{:seq}}", "card", 3 },
  { "row/insert-card", NULL,
    "INSERT INTO cards (operator_id, identity, atr, has_uid, issued_at)"
    " VALUES (1, '" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "',"
    " '3b8f8001804f0ca000000306030001000000006a', 1, '2026-05-01T00:00:00.000000Z')",
    FALSE, NULL, NULL, "card", KB_TEST_DEMO_OPERATORS + 1 },

  /* The schema. */
  { "schema/drop-journal-trigger", NULL,
    "DROP TRIGGER journal_no_update",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/drop-register-trigger", NULL,
    "DROP TRIGGER operators_no_delete",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/defused-trigger", NULL,
    "DROP TRIGGER journal_no_delete;"
    "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal WHEN 0"
    " BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;",
    FALSE, NULL, NULL, "schema", 0 },
  /* Without it, one card could be issued to two people. */
  { "schema/drop-card-index", NULL,
    "DROP INDEX cards_issued_identity",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/extra-table", NULL,
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/extra-index", NULL,
    "CREATE INDEX operators_name ON operators (name)",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/extra-view", NULL,
    "CREATE VIEW everyone AS SELECT * FROM operators",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/extra-trigger", NULL,
    "CREATE TRIGGER operators_log AFTER UPDATE ON operators BEGIN SELECT 1; END",
    FALSE, NULL, NULL, "schema", 0 },
  { "schema/add-column", NULL,
    "ALTER TABLE operators ADD COLUMN note TEXT",
    FALSE, NULL, NULL, "schema", 0 },
};

/* A case with its templates filled in. */
typedef struct {
  char   *sql;
  gint64  forge_from;
  gint64  bad_seq;
  char   *says;
} Tampering;

static void
assert_tampered (KbDb             *db,
                 const TamperCase *tc,
                 const Tampering  *t)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *needle = NULL;
  KbVerifyReport report = { 0 };
  gboolean ok;

  ok = kb_journal_verify (db, NULL, NULL, NULL, &report, &error);
  g_assert_false (ok);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED);
  g_test_message ("%s: %s", tc->name, error->message);

  g_assert_cmpint (report.bad_seq, ==, t->bad_seq);
  g_assert_cmpstr (report.bad_entity, ==, tc->bad_entity);
  g_assert_cmpint (report.bad_id, ==, tc->bad_id);

  /* The message says where, for the CLI and the UI to show. */
  if (t->says != NULL)
    needle = g_strdup (t->says);
  else if (tc->bad_entity == NULL)
    needle = g_strdup_printf ("entry %" G_GINT64_FORMAT, t->bad_seq);
  else if (g_str_equal (tc->bad_entity, "schema"))
    needle = g_strdup ("schema");
  else
    needle = g_strdup_printf ("%" G_GINT64_FORMAT, tc->bad_id);
  g_assert_nonnull (strstr (error->message, needle));

  kb_verify_report_clear (&report);
}

static void
test_tamper (gconstpointer data)
{
  const TamperCase *tc = data;
  g_autoptr(KbDb) fresh = NULL;
  g_autoptr(GPtrArray) triggers = NULL;
  Tampering t = { 0 };
  Fixture fixture;
  gint64 seq = 0;
  sqlite3 *raw;

  kb_test_fixture_setup (&fixture, NULL);
  seed_fixture (&fixture);
  assert_intact (fixture.db, DEMO_ENTRIES, DEMO_ROWS);

  /* The app stays open while someone else writes to the file. */
  raw = kb_test_raw_open (fixture.path);
  if (tc->target != NULL)
    seq = kb_test_raw_seq (raw, tc->target);
  t.sql = kb_test_expand (raw, tc->sql, seq);
  t.forge_from = kb_test_expand_int (raw, tc->forge_from, seq);
  t.bad_seq = kb_test_expand_int (raw, tc->bad_seq, seq);
  t.says = kb_test_expand (raw, tc->says, seq);
  g_test_message ("%s", t.sql);

  if (tc->careful)
    triggers = drop_triggers (raw);
  kb_test_raw_exec (raw, t.sql);
  if (t.forge_from > 0)
    kb_test_forge_chain (raw, t.forge_from);
  if (triggers != NULL)
    restore_triggers (raw, triggers);
  sqlite3_close (raw);

  /* Found by the running app... */
  assert_tampered (fixture.db, tc, &t);
  /* ...and by `kanribo --verify`, which opens the file read-only. */
  fresh = open_ok (fixture.path, KB_DB_OPEN_READ_ONLY);
  assert_tampered (fresh, tc, &t);

  g_free (t.sql);
  g_free (t.says);
  g_clear_pointer (&fresh, kb_db_close);
  kb_test_fixture_teardown (&fixture, NULL);
}

/* The forging code above must agree with the app, or the rewrite cases
 * would pass for the wrong reason. */
static void
test_forge_agrees (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) triggers = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *raw;

  seed_fixture (fixture);
  before = kb_test_raw_text (kb_db_get_handle (fixture->db),
                             "SELECT group_concat (hex (hash), '') FROM journal");

  raw = kb_test_raw_open (fixture->path);
  triggers = drop_triggers (raw);
  kb_test_raw_exec (raw, "UPDATE journal SET hash = zeroblob (32), prev_hash = zeroblob (32)");
  kb_test_forge_chain (raw, 1);
  restore_triggers (raw, triggers);
  sqlite3_close (raw);

  after = kb_test_raw_text (kb_db_get_handle (fixture->db),
                            "SELECT group_concat (hex (hash), '') FROM journal");
  g_assert_cmpstr (after, ==, before);
  assert_intact (fixture->db, DEMO_ENTRIES, DEMO_ROWS);
}

/* What the design cannot see, written down so that a change to it is
 * noticed: the hash is not keyed, so an attacker can append entries with a
 * correct hash; and without the anchor file, the newest entries can be
 * removed. Both verify as intact; the report says when the anchor was
 * missing. */
static void
test_limit_forged_append (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) triggers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  KbVerifyReport report = { 0 };
  sqlite3 *raw;

  seed_fixture (fixture);
  raw = kb_test_raw_open (fixture->path);
  triggers = drop_triggers (raw);
  sql = kb_test_expand (raw,
                        "INSERT INTO divisions (name) VALUES ('秘密課');"
                        "INSERT INTO journal SELECT {{:last + 1}}, at, NULL, terminal,"
                        " 'division.create', 'division', 4,"
                        " '{\"id\":4,\"name\":\"秘密課\",\"active\":1}', NULL,"
                        " zeroblob (32), zeroblob (32) FROM journal WHERE seq = {{:last}};", 0);
  kb_test_raw_exec (raw, sql);
  kb_test_forge_chain (raw, DEMO_ENTRIES + 1);
  restore_triggers (raw, triggers);
  sqlite3_close (raw);

  g_test_message ("An entry appended with a correct hash is not detected (the anchor is only "
                  "behind); a keyed hash or a signed anchor would be needed.");
  g_assert_true (kb_journal_verify (fixture->db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_entries, ==, DEMO_ENTRIES + 1);
  g_assert_true (report.anchor_found);
  kb_verify_report_clear (&report);
}

static void
test_limit_no_anchor (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) triggers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *sql = NULL;
  KbVerifyReport report = { 0 };
  sqlite3 *raw;

  seed_fixture (fixture);
  anchor = kb_db_get_anchor_path (fixture->db);
  g_assert_true (g_file_test (anchor, G_FILE_TEST_IS_REGULAR));

  raw = kb_test_raw_open (fixture->path);
  triggers = drop_triggers (raw);
  /* The last entry is task 7's (assert_demo_layout()). */
  sql = kb_test_expand (raw,
                        "DELETE FROM journal WHERE seq = {{:last}};"
                        "DELETE FROM task_divisions WHERE task_id = 7;"
                        "DELETE FROM tasks WHERE id = 7;", 0);
  kb_test_raw_exec (raw, sql);
  restore_triggers (raw, triggers);
  sqlite3_close (raw);
  g_assert_cmpint (g_unlink (anchor), ==, 0);

  g_assert_true (kb_journal_verify (fixture->db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_entries, ==, DEMO_ENTRIES - 1);
  g_assert_false (report.anchor_found);
  kb_verify_report_clear (&report);
}

/* --- an intact journal ---------------------------------------------------- */

static void
test_verify_demo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(KbDb) fresh = NULL;

  seed_fixture (fixture);
  assert_intact (fixture->db, DEMO_ENTRIES, DEMO_ROWS);

  fresh = open_ok (fixture->path, KB_DB_OPEN_READ_ONLY);
  assert_intact (fresh, DEMO_ENTRIES, DEMO_ROWS);
}

static void
test_verify_after_changes (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbOperator) op = NULL;
  g_autoptr(KbTask) task = NULL;
  g_autoptr(KbDivision) division = NULL;
  const gint64 divisions[] = { 3, 1 };
  gint64 id;
  KbDb *db;

  seed_fixture (fixture);
  db = fixture->db;
  kb_db_set_actor (db, 1, "JK-01");

  op = kb_operator_new (3, "N1003", "小林 健太", "コバヤシ ケンタ", 2, NULL,
                        KB_ROLE_OPERATOR | KB_ROLE_TRAINER, TRUE);
  g_assert_cmpint (kb_admin_save_operator (db, op, "研修担当を兼務", &error), ==, 3);
  g_assert_no_error (error);

  g_assert_true (kb_admin_set_active (db, "terminal", 4, FALSE, "予備機を撤去", &error));
  g_assert_no_error (error);
  g_assert_true (kb_admin_set_active (db, "terminal", 4, TRUE, "再設置", &error));
  g_assert_no_error (error);

  task = kb_task_new (5, "児童扶養手当の支給に関する事務", "受給資格の確認（現況届）", divisions,
                      G_N_ELEMENTS (divisions), NULL, TRUE);
  g_assert_cmpint (kb_admin_save_task (db, task, "所管課の追加", &error), ==, 5);
  g_assert_no_error (error);

  /* Empty a division, then retire it. */
  for (gint64 i = 9; i <= 12; i++)
    {
      g_assert_true (kb_admin_set_active (db, "operator", i, FALSE, "異動", &error));
      g_assert_no_error (error);
    }
  g_assert_true (kb_admin_set_active (db, "division", 3, FALSE, "組織改正", &error));
  g_assert_no_error (error);

  division = kb_division_new (0, "住民課", TRUE);
  id = kb_admin_save_division (db, division, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 4);

  assert_intact (db, DEMO_ENTRIES + 10, DEMO_ROWS + 1);
}

typedef struct {
  guint  n_calls;
  gint64 last_done;
  gint64 last_total;
  gboolean cancel_on_first;
  GCancellable *cancellable;
} ProgressLog;

static void
log_progress (gint64   done,
              gint64   total,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpint (done, <=, total);
  g_assert_cmpint (done, >, log->last_done);
  if (log->n_calls > 0)
    g_assert_cmpint (total, ==, log->last_total);
  log->n_calls++;
  log->last_done = done;
  log->last_total = total;
  if (log->cancel_on_first)
    g_cancellable_cancel (log->cancellable);
}

static void
append_many (KbDb  *db,
             guint  n)
{
  g_autoptr(GError) error = NULL;

  kb_db_begin (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      char detail[64];

      g_snprintf (detail, sizeof detail, "{\"n\":%u}", i);
      kb_journal_append (db, "test.bulk", NULL, 0, NULL, detail, &error);
      g_assert_no_error (error);
    }
  kb_db_commit (db, &error);
  g_assert_no_error (error);
}

static void
test_verify_progress (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ProgressLog log = { 0 };
  KbVerifyReport report = { 0 };
  const gint64 n = 40000;

  seed_fixture (fixture);
  append_many (fixture->db, n);

  g_assert_true (kb_journal_verify (fixture->db, log_progress, &log, NULL, &report, &error));
  g_assert_no_error (error);
  /* Now and then on the way, and once at the end with everything done. */
  g_assert_cmpuint (log.n_calls, >=, 3);
  g_assert_cmpint (log.last_done, ==, DEMO_ENTRIES + n);
  g_assert_cmpint (log.last_total, ==, DEMO_ENTRIES + n);
  g_assert_cmpint (report.n_entries, ==, DEMO_ENTRIES + n);
  kb_verify_report_clear (&report);
}

static void
test_verify_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { 0 };
  KbVerifyReport report = { 0 };

  seed_fixture (fixture);
  append_many (fixture->db, 40000);

  log.cancel_on_first = TRUE;
  log.cancellable = cancellable;
  g_assert_false (kb_journal_verify (fixture->db, log_progress, &log, cancellable, &report,
                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log.n_calls, ==, 1);
  kb_verify_report_clear (&report);
  g_clear_error (&error);

  /* The verifier's read transaction ended: the connection can write. */
  append_many (fixture->db, 1);
  assert_intact (fixture->db, DEMO_ENTRIES + 40001, DEMO_ROWS);
}

/* --- history -------------------------------------------------------------- */

static const char *
canon_value (const char *text,
             const char *key,
             GHashTable **keep)
{
  *keep = kb_canon_parse (text, NULL);
  g_assert_nonnull (*keep);
  return g_hash_table_lookup (*keep, key);
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  static const struct {
    const char *kind;
    const char *reason;
    const char *name;
    const char *active;
  } expected[] = {
    { "operator.create", NULL, "小林 健太", "1" },
    { "operator.amend", "結婚による改姓", "中島 健太", "1" },
    { "operator.retire", "退職\n（3月31日付）", "中島 健太", "0" },
    { "operator.reinstate", "再任用", "中島 健太", "1" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbOperator) op = NULL;
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GListModel) other = NULL;
  g_autoptr(GListModel) recent = NULL;
  g_autofree char *host_terminal = NULL;
  gint64 last_seq = 0;
  KbDb *db;

  seed_fixture (fixture);
  db = fixture->db;
  host_terminal = g_strdup (kb_db_get_terminal (db));

  kb_db_set_actor (db, 1, "JK-01");
  op = kb_operator_new (3, "N1003", "中島 健太", "ナカジマ ケンタ", 1, NULL, KB_ROLE_OPERATOR,
                        TRUE);
  g_assert_cmpint (kb_admin_save_operator (db, op, expected[1].reason, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_true (kb_admin_set_active (db, "operator", 3, FALSE, expected[2].reason, &error));
  g_assert_no_error (error);
  /* Another operator's change lands between: it is not in this history. */
  g_assert_true (kb_admin_set_active (db, "operator", 4, FALSE, "休職", &error));
  g_assert_no_error (error);
  g_assert_true (kb_admin_set_active (db, "operator", 3, TRUE, expected[3].reason, &error));
  g_assert_no_error (error);

  history = kb_journal_history (db, "operator", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, G_N_ELEMENTS (expected));
  g_assert_true (g_list_model_get_item_type (history) == KB_TYPE_JOURNAL_ENTRY);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(KbJournalEntry) entry = g_list_model_get_item (history, i);
      g_autoptr(GHashTable) state = NULL;
      g_autoptr(GHashTable) detail = NULL;
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *hash = NULL;
      g_autofree char *sql = NULL;

      g_test_message ("%" G_GINT64_FORMAT " %s", kb_journal_entry_get_seq (entry),
                      kb_journal_entry_get_kind (entry));
      g_assert_cmpint (kb_journal_entry_get_seq (entry), >, last_seq);
      last_seq = kb_journal_entry_get_seq (entry);
      g_assert_cmpstr (kb_journal_entry_get_kind (entry), ==, expected[i].kind);
      g_assert_cmpstr (kb_journal_entry_get_entity (entry), ==, "operator");
      g_assert_cmpint (kb_journal_entry_get_entity_id (entry), ==, 3);
      g_assert_cmpstr (canon_value (kb_journal_entry_get_state (entry), "name", &state), ==,
                       expected[i].name);
      g_assert_cmpstr (g_hash_table_lookup (state, "active"), ==, expected[i].active);

      if (expected[i].reason == NULL)
        g_assert_null (kb_journal_entry_get_detail (entry));
      else
        g_assert_cmpstr (canon_value (kb_journal_entry_get_detail (entry), "reason", &detail),
                         ==, expected[i].reason);

      /* The seeded entries are the system's; the later ones the officer's. */
      if (i == 0)
        {
          g_assert_cmpint (kb_journal_entry_get_actor_id (entry), ==, 0);
          g_assert_null (kb_journal_entry_get_actor_name (entry));
          g_assert_cmpstr (kb_journal_entry_get_terminal (entry), ==, host_terminal);
        }
      else
        {
          g_assert_cmpint (kb_journal_entry_get_actor_id (entry), ==, 1);
          g_assert_cmpstr (kb_journal_entry_get_actor_name (entry), ==, "北沢 誠一");
          g_assert_cmpstr (kb_journal_entry_get_terminal (entry), ==, "JK-01");
        }

      when = kb_journal_entry_get_time (entry);
      g_assert_nonnull (when);
      g_assert_cmpint (g_date_time_get_utc_offset (when), ==, 0);
      g_assert_cmpint (g_date_time_get_year (when), >=, 2024);

      sql = g_strdup_printf ("SELECT lower (hex (hash)) FROM journal WHERE seq = %" G_GINT64_FORMAT,
                             last_seq);
      hash = kb_test_raw_text (kb_db_get_handle (db), sql);
      g_assert_cmpstr (kb_journal_entry_get_hash (entry), ==, hash);
    }

  other = kb_journal_history (db, "operator", 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (other), ==, 2);

  recent = kb_journal_recent (db, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 3);
  {
    g_autoptr(KbJournalEntry) newest = g_list_model_get_item (recent, 0);
    g_autoptr(KbJournalEntry) oldest = g_list_model_get_item (recent, 2);

    g_assert_cmpint (kb_journal_entry_get_seq (newest), ==, DEMO_ENTRIES + 4);
    g_assert_cmpstr (kb_journal_entry_get_kind (newest), ==, "operator.reinstate");
    g_assert_cmpint (kb_journal_entry_get_seq (oldest), ==, DEMO_ENTRIES + 2);
  }

  assert_intact (db, DEMO_ENTRIES + 4, DEMO_ROWS);
}

/* --- the canonical payload ------------------------------------------------ */

static void
test_canon_row_stable (Fixture       *fixture,
                       gconstpointer  data)
{
  static const struct {
    const char *entity;
    gint64 id;
    const char *state;
  } expected[] = {
    { "division", 1, "{\"id\":1,\"name\":\"市町村課\",\"active\":1}" },
    { "operator", 6,
      "{\"id\":6,\"staff_number\":\"N2001\",\"name\":\"中村 隆之\",\"kana\":\"ナカムラ タカユキ\","
      "\"division_id\":2,\"roles\":24,\"active\":1}" },
    { "terminal", 4,
      "{\"id\":4,\"code\":\"JK-04\",\"name\":\"住基端末 4号機（予備）\","
      "\"location\":\"本庁舎 地下1階 機器設置室\",\"active\":1}" },
    { "task", 2,
      "{\"id\":2,\"name\":\"本人確認情報の利用状況の確認\","
      "\"description\":\"操作履歴・提供状況の確認\",\"active\":1,\"divisions\":\"1,2\"}" },
    { "setting", 2, "{\"id\":2,\"key\":\"password-min-length\",\"value\":\"10\"}" },
  };
  KbDb *db;

  seed_fixture (fixture);
  db = fixture->db;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *first = kb_journal_row_state (db, expected[i].entity, expected[i].id,
                                                     &error);
      g_autofree char *second = kb_journal_row_state (db, expected[i].entity, expected[i].id,
                                                      &error);
      g_autofree char *sql = g_strdup_printf ("SELECT state FROM journal WHERE entity = '%s'"
                                              " AND entity_id = %" G_GINT64_FORMAT,
                                              expected[i].entity, expected[i].id);
      g_autofree char *journaled = kb_test_raw_text (kb_db_get_handle (db), sql);

      g_assert_no_error (error);
      g_assert_cmpstr (first, ==, expected[i].state);
      g_assert_cmpstr (second, ==, first);
      g_assert_cmpstr (journaled, ==, first);
    }

  /* A password's state carries the SHA-256 of its hash, never the hash;
   * a card's, its salted identity. Their times and salts differ from run
   * to run, so the expected states are made from the rows. */
  {
    sqlite3 *handle = kb_db_get_handle (db);
    g_autofree char *hash = kb_test_raw_text (handle, "SELECT hash FROM credentials WHERE id = 6");
    g_autofree char *changed_at = kb_test_raw_text (handle,
                                                    "SELECT changed_at FROM credentials"
                                                    " WHERE id = 6");
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, hash, -1);
    g_autofree char *identity = kb_test_raw_text (handle, "SELECT identity FROM cards WHERE id = 6");
    g_autofree char *issued_at = kb_test_raw_text (handle,
                                                   "SELECT issued_at FROM cards WHERE id = 6");
    g_autofree char *credential = NULL;
    g_autofree char *card = NULL;
    g_autofree char *expected_credential =
      g_strdup_printf ("{\"id\":6,\"hash_digest\":\"%s\",\"must_change\":0,"
                       "\"failed_attempts\":0,\"locked\":0,\"changed_at\":\"%s\"}",
                       digest, changed_at);
    g_autofree char *expected_card =
      g_strdup_printf ("{\"id\":6,\"operator_id\":6,\"identity\":\"%s\","
                       "\"atr\":\"3b8f8001804f0ca000000306030001000000006a\",\"has_uid\":1,"
                       "\"status\":\"issued\",\"issued_at\":\"%s\",\"returned_at\":null,"
                       "\"revoked_at\":null}", identity, issued_at);
    g_autofree char *journaled_credential =
      kb_test_raw_text (handle, "SELECT state FROM journal WHERE entity = 'credential'"
                                " AND entity_id = 6");
    g_autofree char *journaled_card =
      kb_test_raw_text (handle, "SELECT state FROM journal WHERE entity = 'card'"
                                " AND entity_id = 6");
    g_autoptr(GError) error = NULL;

    g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
    g_assert_cmpuint (strlen (identity), ==, 64);
    credential = kb_journal_row_state (db, "credential", 6, &error);
    g_assert_no_error (error);
    card = kb_journal_row_state (db, "card", 6, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (credential, ==, expected_credential);
    g_assert_cmpstr (journaled_credential, ==, expected_credential);
    g_assert_null (strstr (journaled_credential, hash));
    g_assert_cmpstr (card, ==, expected_card);
    g_assert_cmpstr (journaled_card, ==, expected_card);
  }

  /* kb_canon_row() on the same statement row twice. */
  {
    const KbRegister *reg = kb_register_lookup ("task");
    g_autoptr(GString) a = g_string_new ("left over");
    g_autoptr(GString) b = g_string_new (NULL);
    sqlite3_stmt *stmt = NULL;

    g_assert_nonnull (reg);
    g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), reg->state_sql, -1, &stmt,
                                         NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    kb_canon_row (a, stmt);
    kb_canon_row (b, stmt);
    sqlite3_finalize (stmt);
    g_assert_cmpstr (a->str, ==, b->str);
    g_assert_cmpuint (a->len, ==, b->len);
    g_assert_true (g_str_has_prefix (a->str, "{\"id\":"));
  }

  g_assert_null (kb_register_lookup ("journal"));
}

static void
test_canon_row_types (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3 *mem = NULL;
  sqlite3_stmt *stmt = NULL;

  /* Values no register holds must still serialise one way only, so that
   * the verifier can report them. */
  g_assert_cmpint (sqlite3_open (":memory:", &mem), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (mem,
                                       "SELECT 1.5 AS f, x'00ff10' AS b, NULL AS n,"
                                       " -9223372036854775808 AS i, 'a\"b\\c' || char (10) AS t,"
                                       " '' AS e",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  kb_canon_row (out, stmt);
  sqlite3_finalize (stmt);
  sqlite3_close (mem);

  g_assert_cmpstr (out->str, ==,
                   "{\"f\":1.5,\"b\":\"x'00ff10'\",\"n\":null,\"i\":-9223372036854775808,"
                   "\"t\":\"a\\\"b\\\\c\\u000a\",\"e\":\"\"}");
}

static const char * const tricky_strings[] = {
  "plain",
  "",
  "say \"hello\"",
  "C:\\Users\\kanribo",
  "line one\nline two\n",
  "tab\there, bell\a, escape\x1b, delete\x7f",
  "住民基本台帳ネットワークシステム（住基ネット）",
  "ｶﾀｶﾅ and 〜～ and 𠮷野家",
  "\\u0041 is not an escape here",
  "\"\\\n\"",
  "ends with a backslash\\",
};

static void
test_canon_round_trip (gconstpointer data)
{
  const char *value = data;
  g_autoptr(GString) buf = g_string_new (NULL);
  g_autoptr(GString) again = g_string_new (NULL);
  g_autoptr(GHashTable) parsed = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  KbCanon canon;

  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, "value", value);
  kb_canon_add_string (&canon, "キー \"quoted\"", value);
  kb_canon_add_int (&canon, "min", G_MININT64);
  kb_canon_add_int (&canon, "max", G_MAXINT64);
  kb_canon_add_null (&canon, "none");
  kb_canon_add_string (&canon, "null-string", NULL);
  kb_canon_finish (&canon);
  g_test_message ("%s", buf->str);

  /* One line, valid UTF-8, no raw control characters. */
  g_assert_true (g_utf8_validate (buf->str, buf->len, NULL));
  for (gsize i = 0; i < buf->len; i++)
    g_assert_cmpint ((guchar) buf->str[i], >=, 0x20);

  parsed = kb_canon_parse (buf->str, &keys);
  g_assert_nonnull (parsed);
  g_assert_cmpuint (keys->len, ==, 6);
  g_assert_cmpstr (keys->pdata[0], ==, "value");
  g_assert_cmpstr (keys->pdata[1], ==, "キー \"quoted\"");
  g_assert_cmpstr (keys->pdata[5], ==, "null-string");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "value"), ==, value);
  g_assert_cmpstr (g_hash_table_lookup (parsed, "キー \"quoted\""), ==, value);
  g_assert_cmpstr (g_hash_table_lookup (parsed, "min"), ==, "-9223372036854775808");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "max"), ==, "9223372036854775807");
  g_assert_true (g_hash_table_contains (parsed, "none"));
  g_assert_null (g_hash_table_lookup (parsed, "none"));
  g_assert_null (g_hash_table_lookup (parsed, "null-string"));

  /* Writing the same values again gives the same bytes. */
  kb_canon_init (&canon, again);
  kb_canon_add_string (&canon, "value", g_hash_table_lookup (parsed, "value"));
  kb_canon_add_string (&canon, "キー \"quoted\"", value);
  kb_canon_add_int (&canon, "min", G_MININT64);
  kb_canon_add_int (&canon, "max", G_MAXINT64);
  kb_canon_add_null (&canon, "none");
  kb_canon_add_null (&canon, "null-string");
  kb_canon_finish (&canon);
  g_assert_cmpstr (again->str, ==, buf->str);
}

static void
test_canon_parse_rejects (void)
{
  static const char * const bad[] = {
    "",
    "[]",
    "{",
    "{\"a\"}",
    "{\"a\":}",
    "{\"a\" 1}",
    "{\"a\":1",
    "{\"a\":\"unterminated}",
    "{a:1}",
    "{\"a\":1;\"b\":2}",
    "{\"a\":true}",
  };

  g_assert_null (kb_canon_parse (NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GHashTable) parsed = kb_canon_parse (bad[i], NULL);

      g_test_message ("%s", bad[i]);
      g_assert_null (parsed);
    }

  {
    g_autoptr(GHashTable) empty = kb_canon_parse ("{}", NULL);

    g_assert_nonnull (empty);
    g_assert_cmpuint (g_hash_table_size (empty), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Messages in UTF-8 rather than question marks. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, kb_test_fixture_setup, func, kb_test_fixture_teardown)

  ADD ("/journal/verify/demo", test_verify_demo);
  ADD ("/journal/verify/after-changes", test_verify_after_changes);
  ADD ("/journal/verify/progress", test_verify_progress);
  ADD ("/journal/verify/cancel", test_verify_cancel);
  ADD ("/journal/history", test_history);
  ADD ("/journal/canon/row-stable", test_canon_row_stable);
  ADD ("/journal/tamper/forge-agrees", test_forge_agrees);
  ADD ("/journal/limit/forged-append", test_limit_forged_append);
  ADD ("/journal/limit/no-anchor", test_limit_no_anchor);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (tamper_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/journal/tamper/%s", tamper_cases[i].name);

      g_test_add_data_func (path, &tamper_cases[i], test_tamper);
    }

  g_test_add_func ("/journal/canon/row-types", test_canon_row_types);
  g_test_add_func ("/journal/canon/parse-rejects", test_canon_parse_rejects);
  for (guint i = 0; i < G_N_ELEMENTS (tricky_strings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/journal/canon/round-trip/%u", i);

      g_test_add_data_func (path, tricky_strings[i], test_canon_round_trip);
    }

  return g_test_run ();
}
