/* test-db.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection: creating a database, the pragmas, the schema version,
 * refusing files that are not ours (without writing a byte to them), the
 * journal's triggers and nested transactions.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

typedef KbTestFixture Fixture;

static const char * const side_files[] = { "-wal", "-shm", "-journal", "-anchor" };

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

static void
make_kanribo_db (const char *path,
                 gboolean    seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = open_ok (path, KB_DB_OPEN_CREATE);

  if (seed)
    {
      kb_demo_seed (db, &error);
      g_assert_no_error (error);
    }
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static gboolean
side_file_exists (const char *path,
                  const char *suffix)
{
  g_autofree char *side = g_strconcat (path, suffix, NULL);
  return g_file_test (side, G_FILE_TEST_EXISTS);
}

/* --- creating ------------------------------------------------------------ */

static void
test_create_permissions (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *parent = g_build_filename (fixture->dir, "office", NULL);
  g_autofree char *folder = g_build_filename (parent, "kanribo", NULL);
  g_autofree char *path = g_build_filename (folder, "kanribo.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *anchor = NULL;
  g_autofree char *expected_anchor = g_strconcat (path, "-anchor", NULL);
  mode_t old_umask;

  /* A lax umask must not make the register readable by others. */
  old_umask = umask (022);
  fixture->db = open_ok (path, KB_DB_OPEN_CREATE);
  umask (old_umask);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (file_mode (folder), ==, 0700);
  g_assert_cmpuint (file_mode (parent), ==, 0700);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  /* SQLite gives the write-ahead log the database's own mode. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);

  anchor = kb_db_get_anchor_path (fixture->db);
  g_assert_cmpstr (anchor, ==, expected_anchor);
  g_assert_true (g_file_test (anchor, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (file_mode (anchor), ==, 0600);
}

static void
test_create_existing_folder (Fixture       *fixture,
                             gconstpointer  data)
{
  /* A folder that is already there is the user's; its mode is left alone. */
  g_assert_cmpint (g_chmod (fixture->dir, 0750), ==, 0);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
  g_assert_cmpuint (file_mode (fixture->dir), ==, 0750);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
}

static void
test_create_empty_file (Fixture       *fixture,
                        gconstpointer  data)
{
  /* An empty file (touch kanribo.db) becomes a database when creating is
   * allowed, and is refused when only reading. */
  g_autoptr(GError) error = NULL;
  KbDb *db;

  kb_test_write_file (fixture->path, "", 0);
  db = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_A_DATABASE);
  g_assert_null (db);
  g_assert_false (side_file_exists (fixture->path, "-wal"));

  fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, KB_TEST_NEW_ENTRIES);
}

static gint64
pragma (KbDb       *db,
        const char *name)
{
  g_autofree char *sql = g_strconcat ("PRAGMA ", name, NULL);
  return kb_test_count (db, sql);
}

static void
assert_pragmas (KbDb *db)
{
  g_autofree char *mode = kb_test_raw_text (kb_db_get_handle (db), "PRAGMA journal_mode");

  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (pragma (db, "foreign_keys"), ==, 1);
  g_assert_cmpint (pragma (db, "synchronous"), ==, 2);
  g_assert_cmpint (pragma (db, "trusted_schema"), ==, 0);
  g_assert_cmpint (pragma (db, "user_version"), ==, KB_DB_SCHEMA_VERSION);
  g_assert_cmpint (pragma (db, "application_id"), ==, KB_DB_APPLICATION_ID);
}

static void
test_pragmas (Fixture       *fixture,
              gconstpointer  data)
{
  KbDb *db = open_ok (fixture->path, KB_DB_OPEN_CREATE);

  assert_pragmas (db);
  kb_db_close (db);

  /* The same on a plain re-open and on a read-only connection. */
  db = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);
  assert_pragmas (db);
  kb_db_close (db);

  db = open_ok (fixture->path, KB_DB_OPEN_READ_ONLY);
  assert_pragmas (db);
  kb_db_close (db);

  /* The version pragmas are in the file, not just on the connection. */
  {
    sqlite3 *raw = kb_test_raw_open (fixture->path);

    g_assert_cmpint (kb_test_raw_count (raw, "PRAGMA user_version"), ==, KB_DB_SCHEMA_VERSION);
    g_assert_cmpint (kb_test_raw_count (raw, "PRAGMA application_id"), ==, 0x4b425242);
    sqlite3_close (raw);
  }
}

static void
test_reopen_idempotent (Fixture       *fixture,
                        gconstpointer  data)
{
  static const KbDbOpenFlags reopen[] = {
    KB_DB_OPEN_CREATE, KB_DB_OPEN_DEFAULT, KB_DB_OPEN_CREATE, KB_DB_OPEN_READ_ONLY,
  };
  g_autoptr(GBytes) before = NULL;
  g_autofree char *anchor_before = NULL;
  g_autofree char *anchor_path = g_strconcat (fixture->path, "-anchor", NULL);
  g_autofree char *kind = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *expected_detail = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *expected_anchor = NULL;
  KbDb *db;

  db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
  kb_db_close (db);
  before = kb_test_read_file (fixture->path);
  g_file_get_contents (anchor_path, &anchor_before, NULL, NULL);
  g_assert_nonnull (anchor_before);

  for (guint i = 0; i < G_N_ELEMENTS (reopen); i++)
    {
      g_autoptr(GBytes) after = NULL;
      g_autofree char *anchor_after = NULL;

      db = open_ok (fixture->path, reopen[i]);
      g_assert_cmpint (kb_test_journal_length (db), ==, KB_TEST_NEW_ENTRIES);
      kb_db_close (db);

      /* Opening an up-to-date database writes nothing at all. */
      after = kb_test_read_file (fixture->path);
      g_assert_true (g_bytes_equal (before, after));
      g_file_get_contents (anchor_path, &anchor_after, NULL, NULL);
      g_assert_cmpstr (anchor_after, ==, anchor_before);
    }

  fixture->db = open_ok (fixture->path, KB_DB_OPEN_READ_ONLY);
  kind = kb_test_raw_text (kb_db_get_handle (fixture->db), "SELECT kind FROM journal WHERE seq = 1");
  detail = kb_test_raw_text (kb_db_get_handle (fixture->db),
                             "SELECT detail FROM journal WHERE seq = 1");
  g_assert_cmpstr (kind, ==, "database.create");
  expected_detail = g_strdup_printf ("{\"from\":0,\"to\":%d}", KB_DB_SCHEMA_VERSION);
  g_assert_cmpstr (detail, ==, expected_detail);

  /* Then the default settings, one entry each, in the same transaction. */
  settings = kb_test_raw_text (kb_db_get_handle (fixture->db),
                               "SELECT group_concat (e, ' ') FROM"
                               " (SELECT seq || ':' || kind || ':' || s.key AS e"
                               "  FROM journal j JOIN settings s ON s.id = j.entity_id"
                               "  WHERE j.entity = 'setting' ORDER BY seq)");
  g_assert_cmpstr (settings, ==,
                   "2:setting.create:card-salt 3:setting.create:password-min-length"
                   " 4:setting.create:password-min-classes 5:setting.create:password-max-age-days");

  /* The anchor names the newest entry. */
  hash = kb_test_raw_text (kb_db_get_handle (fixture->db),
                           "SELECT lower (hex (hash)) FROM journal ORDER BY seq DESC LIMIT 1");
  expected_anchor = g_strdup_printf ("kanribo-anchor 1\n%d %s\n", KB_TEST_NEW_ENTRIES, hash);
  g_assert_cmpstr (anchor_before, ==, expected_anchor);
}

static void
test_unusual_path (Fixture       *fixture,
                   gconstpointer  data)
{
  /* SQLite is handed this path as a URI: characters that mean something
   * there must still name the same file. */
  g_autofree char *path = g_build_filename (fixture->dir, "管理 簿?#%25&mode=rw.db", NULL);
  g_autofree char *foreign = g_build_filename (fixture->dir, "他の アプリ?#.db", NULL);
  g_autofree char *listing = NULL;
  g_autofree char *listing_after = NULL;
  g_autoptr(GError) error = NULL;
  KbDb *db;
  sqlite3 *raw;

  db = open_ok (path, KB_DB_OPEN_CREATE);
  kb_db_close (db);
  db = open_ok (path, KB_DB_OPEN_DEFAULT);
  g_assert_cmpint (kb_test_journal_length (db), ==, KB_TEST_NEW_ENTRIES);
  kb_db_close (db);
  fixture->db = open_ok (path, KB_DB_OPEN_READ_ONLY);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, KB_TEST_NEW_ENTRIES);

  raw = kb_test_raw_open (foreign);
  kb_test_raw_exec (raw, "PRAGMA journal_mode = WAL; CREATE TABLE t (x);");
  sqlite3_close (raw);
  listing = kb_test_dir_listing (fixture->dir);
  db = kb_db_open (foreign, KB_DB_OPEN_CREATE, &error);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FOREIGN);
  g_assert_null (db);
  listing_after = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing_after, ==, listing);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GBytes) bytes = kb_test_read_file (from);

  kb_test_write_file (to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_reopen_after_crash (Fixture       *fixture,
                         gconstpointer  data)
{
  /* A copy taken while the app runs looks like the file after a power cut:
   * the newest commits are only in the -wal file. Opening it must replay
   * them, not read the main file alone. */
  g_autofree char *crash_dir = g_build_filename (fixture->dir, "crash", NULL);
  g_autofree char *crash = g_build_filename (crash_dir, "kanribo.db", NULL);
  g_autofree char *main_only = g_build_filename (fixture->dir, "main-only.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) copy = NULL;
  KbVerifyReport report = { 0 };
  const char * const suffixes[] = { "", "-wal", "-anchor" };
  sqlite3 *raw;

  make_kanribo_db (fixture->path, FALSE);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);
  g_assert_cmpint (sqlite3_wal_autocheckpoint (kb_db_get_handle (fixture->db), 0), ==,
                   SQLITE_OK);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir (crash_dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (fixture->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (crash, suffixes[i], NULL);

      copy_file (from, to);
    }

  /* The premise: the demo office is not in the main file yet. */
  copy_file (fixture->path, main_only);
  raw = kb_test_raw_open (main_only);
  g_assert_cmpint (kb_test_raw_count (raw, "SELECT count (*) FROM sqlite_schema"
                                           " WHERE name = 'operators'"), ==, 1);
  g_assert_cmpint (kb_test_raw_count (raw, "SELECT count (*) FROM operators"), ==, 0);
  sqlite3_close (raw);

  copy = open_ok (crash, KB_DB_OPEN_DEFAULT);
  g_assert_cmpint (kb_test_journal_length (copy), ==, KB_TEST_DEMO_ENTRIES);
  g_assert_true (kb_journal_verify (copy, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report.anchor_found);
  kb_verify_report_clear (&report);
}

/* --- upgrading ------------------------------------------------------------ */

/* Journals register row @id of @entity as entry @seq, hashes left for
 * kb_test_forge_chain(). */
static void
journal_row_v1 (sqlite3    *raw,
                gint64      seq,
                const char *kind,
                const char *entity,
                gint64      id)
{
  const KbRegister *reg = kb_register_lookup (entity);
  g_autofree char *sql = g_strconcat (reg->state_sql, " WHERE t.id = ?1", NULL);
  g_autoptr(GString) state = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  kb_canon_row (state, stmt);
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                       "INSERT INTO journal (seq, at, terminal, kind, entity,"
                                       " entity_id, state, prev_hash, hash) VALUES (?1,"
                                       " '2026-04-01T09:00:00.000000Z', 'JK-01', ?2, ?3, ?4, ?5,"
                                       " zeroblob (32), zeroblob (32))", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, entity, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, id);
  sqlite3_bind_text (stmt, 5, state->str, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* A database as Kanribo with schema version 1 left it: a division and a
 * security officer, journaled, and no anchor file. */
static void
make_v1_db (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *trigger = NULL;
  sqlite3 *raw = kb_test_raw_open (path);

  kb_test_raw_exec (raw, "PRAGMA journal_mode = WAL; BEGIN");
  g_assert_true (kb_db_apply_schema (raw, 0, 1, &error));
  g_assert_no_error (error);
  kb_test_raw_exec (raw,
                    "INSERT INTO divisions (name) VALUES ('市町村課');"
                    "INSERT INTO operators (staff_number, name, kana, division_id, roles)"
                    " VALUES ('N1001', '北沢 誠一', 'キタザワ セイイチ', 1, 4);"
                    "INSERT INTO journal (seq, at, terminal, kind, detail, prev_hash, hash)"
                    " VALUES (1, '2026-04-01T09:00:00.000000Z', 'JK-01', 'database.create',"
                    " '{\"from\":0,\"to\":1}', zeroblob (32), zeroblob (32));");
  journal_row_v1 (raw, 2, "division.create", "division", 1);
  journal_row_v1 (raw, 3, "operator.create", "operator", 1);

  /* Hash the chain with the append-only trigger out of the way, then put
   * it back word for word. */
  trigger = kb_test_raw_text (raw, "SELECT sql FROM sqlite_schema"
                                   " WHERE name = 'journal_no_update'");
  kb_test_raw_exec (raw, "DROP TRIGGER journal_no_update");
  kb_test_forge_chain (raw, 1);
  kb_test_raw_exec (raw, trigger);
  kb_test_raw_exec (raw, "COMMIT");
  sqlite3_close (raw);
}

static void
test_upgrade_from_v1 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autofree char *kinds = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *expected_detail = NULL;
  KbVerifyReport report = { 0 };
  KbDb *db;

  make_v1_db (fixture->path);
  before = kb_test_read_file (fixture->path);

  /* Read-only, it is not upgraded, and not opened. */
  db = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TOO_NEW);
  g_assert_null (db);
  g_clear_error (&error);
  {
    g_autoptr(GBytes) after = kb_test_read_file (fixture->path);
    g_assert_true (g_bytes_equal (before, after));
  }

  /* Opened for writing, it is brought to the current version in one go:
   * the upgrade, then the settings that version 2 added. */
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);
  g_assert_cmpint (pragma (fixture->db, "user_version"), ==, KB_DB_SCHEMA_VERSION);
  kinds = kb_test_raw_text (kb_db_get_handle (fixture->db),
                            "SELECT group_concat (e, ' ') FROM"
                            " (SELECT seq || ':' || kind AS e FROM journal ORDER BY seq)");
  g_assert_cmpstr (kinds, ==,
                   "1:database.create 2:division.create 3:operator.create 4:database.upgrade"
                   " 5:setting.create 6:setting.create 7:setting.create 8:setting.create");
  detail = kb_test_raw_text (kb_db_get_handle (fixture->db),
                             "SELECT detail FROM journal WHERE kind = 'database.upgrade'");
  expected_detail = g_strdup_printf ("{\"from\":1,\"to\":%d}", KB_DB_SCHEMA_VERSION);
  g_assert_cmpstr (detail, ==, expected_detail);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM settings"), ==,
                   KB_TEST_NEW_SETTINGS);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM operators"), ==, 1);

  g_assert_true (kb_journal_verify (fixture->db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_entries, ==, 3 + 1 + KB_TEST_NEW_SETTINGS);
  g_assert_cmpint (report.n_rows, ==, 2 + KB_TEST_NEW_SETTINGS);
  g_assert_true (report.anchor_found);
  g_assert_cmpint (report.anchor_seq, ==, report.head_seq);
  kb_verify_report_clear (&report);

  /* Once is enough. */
  g_clear_pointer (&fixture->db, kb_db_close);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, 3 + 1 + KB_TEST_NEW_SETTINGS);
}

/* --- refusing files that are not ours ------------------------------------ */

typedef void (*PrepareFunc) (const char *path);

typedef struct {
  const char   *name;
  PrepareFunc   prepare;
  KbStoreError  code;
  KbStoreError  alt_code;   /* also acceptable: SQLite decides which */
} RefuseCase;

static void
write_random (const char *path,
              gsize       len)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint8 *buf = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
  kb_test_write_file (path, buf, len);
}

static void
prepare_small_garbage (const char *path)
{
  write_random (path, 37);
}

static void
prepare_large_garbage (const char *path)
{
  write_random (path, 3 * 4096);
}

static void
prepare_text (const char *path)
{
  static const char text[] =
    "端末使用管理簿\n"
    "date,terminal,operator,start,end\n"
    "2026-04-01,JK-01,N1003,09:00,09:40\n"
    "This is a CSV export someone saved under the database's name.\n"
    "It is long enough to have the 100 bytes of an SQLite header.\n";

  kb_test_write_file (path, text, sizeof text - 1);
}

static void
prepare_fake_header (const char *path)
{
  /* The right magic, then nonsense: only SQLite itself can tell. */
  g_autofree guint8 *buf = g_malloc0 (4096);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (gsize i = 16; i < 4096; i++)
    buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
  memcpy (buf, "SQLite format 3", 16);
  kb_test_write_file (path, buf, 4096);
}

static void
prepare_foreign (const char *path)
{
  sqlite3 *raw = kb_test_raw_open (path);

  kb_test_raw_exec (raw,
                    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                    "INSERT INTO notes (body) VALUES ('buy milk'), ('call the vendor');"
                    /* Even a table called journal does not make it ours. */
                    "CREATE TABLE journal (seq INTEGER PRIMARY KEY, at TEXT);");
  sqlite3_close (raw);
}

static void
prepare_foreign_wal (const char *path)
{
  sqlite3 *raw = kb_test_raw_open (path);

  kb_test_raw_exec (raw,
                    "PRAGMA journal_mode = WAL;"
                    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);"
                    "INSERT INTO settings VALUES ('theme', 'dark');");
  sqlite3_close (raw);
}

static void
prepare_too_new (const char *path)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", KB_DB_SCHEMA_VERSION + 1);
  sqlite3 *raw;

  make_kanribo_db (path, FALSE);
  raw = kb_test_raw_open (path);
  kb_test_raw_exec (raw, sql);
  sqlite3_close (raw);
}

static void
prepare_corrupt_page (const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *buf = NULL;
  gsize len;

  make_kanribo_db (path, TRUE);
  bytes = kb_test_read_file (path);
  buf = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  /* The page size is at offset 16, big-endian. */
  {
    gsize page = (buf[16] << 8) | buf[17];

    g_assert_cmpuint (page, ==, 4096);
    g_assert_cmpuint (len, >=, 4 * page);
    /* Page 2 is the divisions table's root. */
    memset (buf + page, 0xa5, page);
  }
  kb_test_write_file (path, buf, len);
}

static void
prepare_truncated (const char *path)
{
  g_autoptr(GBytes) bytes = NULL;

  make_kanribo_db (path, TRUE);
  bytes = kb_test_read_file (path);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 3 * 4096);
  /* Cut in the middle of a page, as a copy that ran out of space would. */
  kb_test_write_file (path, g_bytes_get_data (bytes, NULL), 2 * 4096 + 1000);
}

static const RefuseCase refuse_cases[] = {
  { "small-garbage", prepare_small_garbage,
    KB_STORE_ERROR_NOT_A_DATABASE, KB_STORE_ERROR_NOT_A_DATABASE },
  { "large-garbage", prepare_large_garbage,
    KB_STORE_ERROR_NOT_A_DATABASE, KB_STORE_ERROR_NOT_A_DATABASE },
  { "text", prepare_text,
    KB_STORE_ERROR_NOT_A_DATABASE, KB_STORE_ERROR_NOT_A_DATABASE },
  { "fake-header", prepare_fake_header,
    KB_STORE_ERROR_NOT_A_DATABASE, KB_STORE_ERROR_CORRUPT },
  { "foreign", prepare_foreign,
    KB_STORE_ERROR_FOREIGN, KB_STORE_ERROR_FOREIGN },
  { "foreign-wal", prepare_foreign_wal,
    KB_STORE_ERROR_FOREIGN, KB_STORE_ERROR_FOREIGN },
  { "too-new", prepare_too_new,
    KB_STORE_ERROR_TOO_NEW, KB_STORE_ERROR_TOO_NEW },
  { "corrupt-page", prepare_corrupt_page,
    KB_STORE_ERROR_CORRUPT, KB_STORE_ERROR_NOT_A_DATABASE },
  { "truncated", prepare_truncated,
    KB_STORE_ERROR_CORRUPT, KB_STORE_ERROR_NOT_A_DATABASE },
};

static void
test_refuse (Fixture       *fixture,
             gconstpointer  data)
{
  static const KbDbOpenFlags flags[] = {
    KB_DB_OPEN_CREATE, KB_DB_OPEN_DEFAULT, KB_DB_OPEN_READ_ONLY,
  };
  const RefuseCase *rc = data;
  g_autoptr(GBytes) before = NULL;
  g_autofree char *listing_before = NULL;
  gboolean had_side[G_N_ELEMENTS (side_files)];

  rc->prepare (fixture->path);
  before = kb_test_read_file (fixture->path);
  listing_before = kb_test_dir_listing (fixture->dir);
  for (guint s = 0; s < G_N_ELEMENTS (side_files); s++)
    had_side[s] = side_file_exists (fixture->path, side_files[s]);
  /* None of the prepared files is left open in WAL mode. */
  g_assert_false (had_side[0]);

  for (guint f = 0; f < G_N_ELEMENTS (flags); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) after = NULL;
      g_autofree char *listing_after = NULL;
      KbDb *db;

      g_test_message ("%s, open flags %d", rc->name, flags[f]);
      db = kb_db_open (fixture->path, flags[f], &error);
      g_assert_null (db);
      g_assert_nonnull (error);
      g_test_message ("refused: %s", error->message);
      g_assert_cmpstr (g_quark_to_string (error->domain), ==,
                       g_quark_to_string (KB_STORE_ERROR));
      if (error->code != (int) rc->alt_code)
        g_assert_cmpint (error->code, ==, rc->code);
      /* The message names the file, so that the user knows which one. */
      g_assert_nonnull (strstr (error->message, fixture->path));

      /* Not a byte written, no side file left behind. */
      after = kb_test_read_file (fixture->path);
      g_assert_true (g_bytes_equal (before, after));
      for (guint s = 0; s < G_N_ELEMENTS (side_files); s++)
        {
          g_test_message ("side file %s", side_files[s]);
          g_assert_cmpint (side_file_exists (fixture->path, side_files[s]), ==, had_side[s]);
        }
      listing_after = kb_test_dir_listing (fixture->dir);
      g_assert_cmpstr (listing_after, ==, listing_before);
    }
}

static void
test_refuse_folder (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KbDb *db;

  g_assert_cmpint (g_mkdir (fixture->path, 0700), ==, 0);
  db = kb_db_open (fixture->path, KB_DB_OPEN_CREATE, &error);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_A_DATABASE);
  g_assert_null (db);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));
}

static void
test_missing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  KbDb *db;

  db = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_null (db);
  g_clear_error (&error);

  /* Read-only wins over create: nothing is made. */
  db = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY | KB_DB_OPEN_CREATE, &error);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_null (db);
  g_clear_error (&error);

  db = kb_db_open (fixture->path, KB_DB_OPEN_DEFAULT, &error);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_null (db);

  listing = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing, ==, "");
}

static void
test_read_only_refuses_writes (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDivision) division = kb_division_new (0, "市町村課", TRUE);

  make_kanribo_db (fixture->path, FALSE);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_READ_ONLY);

  g_assert_false (kb_db_begin (fixture->db, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_cmpint (kb_admin_save_division (fixture->db, division, NULL, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM divisions"), ==, 0);
}

/* --- the journal's triggers ---------------------------------------------- */

static void
assert_refused (sqlite3    *handle,
                const char *sql,
                const char *message)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (handle, sql, NULL, NULL, &errmsg);

  g_test_message ("%s → %s", sql, errmsg);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (errmsg);
  g_assert_nonnull (strstr (errmsg, message));
  sqlite3_free (errmsg);
}

static void
test_triggers (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *delete_last = NULL;
  sqlite3 *raw;

  make_kanribo_db (fixture->path, TRUE);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);
  before = kb_test_register_snapshot (fixture->db);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, KB_TEST_DEMO_ENTRIES);
  delete_last = kb_test_expand (kb_db_get_handle (fixture->db),
                                "DELETE FROM journal WHERE seq = {{:last}}", 0);

  /* Through the app's own connection... */
  assert_refused (kb_db_get_handle (fixture->db),
                  "UPDATE journal SET kind = 'database.upgrade' WHERE seq = 1", "append-only");
  assert_refused (kb_db_get_handle (fixture->db), delete_last, "append-only");
  assert_refused (kb_db_get_handle (fixture->db), "DELETE FROM journal", "append-only");

  /* ...and through a second one, as the sqlite3 shell would. */
  raw = kb_test_raw_open (fixture->path);
  assert_refused (raw, "UPDATE journal SET state = NULL", "append-only");
  assert_refused (raw, "DELETE FROM journal WHERE seq > 20", "append-only");
  assert_refused (raw, "DELETE FROM divisions WHERE id = 3", "never deleted");
  assert_refused (raw, "DELETE FROM operators WHERE id = 1", "never deleted");
  assert_refused (raw, "DELETE FROM terminals", "never deleted");
  assert_refused (raw, "DELETE FROM tasks WHERE id = 7", "never deleted");
  assert_refused (raw, "DELETE FROM settings WHERE key = 'card-salt'", "never deleted");
  assert_refused (raw, "DELETE FROM credentials WHERE id = 1", "never deleted");
  assert_refused (raw, "DELETE FROM cards", "never deleted");
  sqlite3_close (raw);

  after = kb_test_register_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
  {
    g_autofree char *kind = kb_test_raw_text (kb_db_get_handle (fixture->db),
                                              "SELECT kind FROM journal WHERE seq = 1");
    g_assert_cmpstr (kind, ==, "database.create");
  }
}

/* --- transactions -------------------------------------------------------- */

static void
append (KbDb       *db,
        const char *kind)
{
  g_autoptr(GError) error = NULL;

  kb_journal_append (db, kind, NULL, 0, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
begin (KbDb *db)
{
  g_autoptr(GError) error = NULL;

  kb_db_begin (db, &error);
  g_assert_no_error (error);
}

static void
commit (KbDb *db)
{
  g_autoptr(GError) error = NULL;

  kb_db_commit (db, &error);
  g_assert_no_error (error);
}

/* The entries after those of a new database, numbered from there. */
static char *
journal_kinds (KbDb *db)
{
  g_autofree char *sql =
    g_strdup_printf ("SELECT group_concat (e, ' ') FROM (SELECT (seq - %d) || ':' || kind AS e"
                     " FROM journal WHERE seq > %d ORDER BY seq)",
                     KB_TEST_NEW_ENTRIES, KB_TEST_NEW_ENTRIES);

  return kb_test_raw_text (kb_db_get_handle (db), sql);
}

/* Verifies a journal of a new database's entries and @n_added more. */
static void
assert_verifies (KbDb   *db,
                 gint64  n_added)
{
  const gint64 n_entries = KB_TEST_NEW_ENTRIES + n_added;
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };
  g_autofree char *head = kb_test_raw_text (kb_db_get_handle (db),
                                            "SELECT lower (hex (hash)) FROM journal"
                                            " ORDER BY seq DESC LIMIT 1");
  g_autofree char *anchor_path = kb_db_get_anchor_path (db);
  g_autofree char *anchor = NULL;
  g_autofree char *expected_anchor = NULL;

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.n_entries, ==, n_entries);
  g_assert_cmpint (report.head_seq, ==, n_entries);
  g_assert_cmpstr (report.head_hash, ==, head);
  g_assert_true (report.anchor_found);
  kb_verify_report_clear (&report);

  /* The anchor follows the committed head. */
  g_file_get_contents (anchor_path, &anchor, NULL, NULL);
  expected_anchor = g_strdup_printf ("kanribo-anchor 1\n%" G_GINT64_FORMAT " %s\n",
                                     n_entries, head);
  g_assert_cmpstr (anchor, ==, expected_anchor);
}

static void
test_nested_rollback (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *kinds = NULL;
  KbDb *db;

  db = fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);

  begin (db);
  append (db, "test.outer-1");
  begin (db);
  append (db, "test.inner");
  begin (db);
  append (db, "test.innermost");
  commit (db);
  kb_db_rollback (db);
  g_assert_true (kb_db_in_transaction (db));
  append (db, "test.outer-2");
  commit (db);
  g_assert_false (kb_db_in_transaction (db));

  kinds = journal_kinds (db);
  g_assert_cmpstr (kinds, ==, "1:test.outer-1 2:test.outer-2");
  assert_verifies (db, 2);
}

static void
test_nested_commit (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *kinds = NULL;
  KbDb *db;

  db = fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);

  begin (db);
  begin (db);
  append (db, "test.inner");
  commit (db);
  g_assert_true (kb_db_in_transaction (db));
  append (db, "test.outer");
  commit (db);

  kinds = journal_kinds (db);
  g_assert_cmpstr (kinds, ==, "1:test.inner 2:test.outer");
  assert_verifies (db, 2);
}

static void
test_outer_rollback (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *kinds = NULL;
  KbDb *db;

  db = fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);

  /* An inner commit is not durable until the outer one. */
  begin (db);
  begin (db);
  append (db, "test.lost-inner");
  commit (db);
  append (db, "test.lost-outer");
  kb_db_rollback (db);
  g_assert_false (kb_db_in_transaction (db));
  assert_verifies (db, 0);

  /* The head is back where it was: the next entry chains onto the last
   * one the new database had. */
  begin (db);
  append (db, "test.kept");
  commit (db);

  kinds = journal_kinds (db);
  g_assert_cmpstr (kinds, ==, "1:test.kept");
  assert_verifies (db, 1);
}

static void
test_commit_sees_other_writer (Fixture       *fixture,
                               gconstpointer  data)
{
  /* Two connections (two windows, or the app and the CLI) take turns: each
   * transaction starts from the head the other one left. */
  KbDb *a = fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
  g_autoptr(KbDb) b = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);

  begin (a);
  append (a, "test.a-1");
  commit (a);
  begin (b);
  append (b, "test.b-1");
  commit (b);
  begin (a);
  append (a, "test.a-2");
  commit (a);

  assert_verifies (a, 3);
  assert_verifies (b, 3);
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

  ADD ("/db/create/permissions", test_create_permissions);
  ADD ("/db/create/existing-folder", test_create_existing_folder);
  ADD ("/db/create/empty-file", test_create_empty_file);
  ADD ("/db/pragmas", test_pragmas);
  ADD ("/db/reopen-idempotent", test_reopen_idempotent);
  ADD ("/db/reopen-after-crash", test_reopen_after_crash);
  ADD ("/db/unusual-path", test_unusual_path);
  ADD ("/db/upgrade-from-v1", test_upgrade_from_v1);
  ADD ("/db/refuse/folder", test_refuse_folder);
  ADD ("/db/missing", test_missing);
  ADD ("/db/read-only", test_read_only_refuses_writes);
  ADD ("/db/triggers", test_triggers);
  ADD ("/db/transaction/nested-rollback", test_nested_rollback);
  ADD ("/db/transaction/nested-commit", test_nested_commit);
  ADD ("/db/transaction/outer-rollback", test_outer_rollback);
  ADD ("/db/transaction/two-connections", test_commit_sees_other_writer);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (refuse_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/db/refuse/%s", refuse_cases[i].name);

      g_test_add (path, Fixture, &refuse_cases[i], kb_test_fixture_setup, test_refuse,
                  kb_test_fixture_teardown);
    }

  return g_test_run ();
}
