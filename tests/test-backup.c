/* test-backup.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encrypted backups on the demo office: the passphrase's rules and who may
 * set it, make → verify → restore, the backups register, and every way a
 * backup file can be wrong (passphrase, a flipped byte in the header, the
 * ciphertext or the tag, truncation, a newer format or schema, not a
 * backup at all), each refused with its own error and the live database
 * left byte for byte as it was. A backup made while another connection
 * writes holds the state of its start.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-backup.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-settings.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#define PASSPHRASE "correct horse battery"
#define HEADER_LEN 92

typedef struct {
  char *dir;
  char *path;
  KbDb *db;
  char *out_dir;
  char *backup;      /* a backup made by setup_backup */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kb_test_fixture_setup ((KbTestFixture *) fixture, data);
  fixture->out_dir = g_build_filename (fixture->dir, "out", NULL);
  g_assert_cmpint (g_mkdir (fixture->out_dir, 0700), ==, 0);
  fixture->db = kb_db_open (fixture->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_clear_pointer (&fixture->out_dir, g_free);
  g_clear_pointer (&fixture->backup, g_free);
  kb_test_fixture_teardown ((KbTestFixture *) fixture, data);
}

static gint64
op (KbDb       *db,
    const char *staff)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM operators WHERE staff_number = '%s'",
                                          staff);
  gint64 id = kb_test_count (db, sql);

  g_assert_cmpint (id, >, 0);
  return id;
}

static void
act (KbDb       *db,
     const char *staff)
{
  kb_db_set_actor (db, staff != NULL ? op (db, staff) : 0, "JK-01");
}

static char *
last_kind (KbDb *db)
{
  sqlite3_stmt *stmt = NULL;
  char *kind = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db),
                                       "SELECT kind FROM journal ORDER BY seq DESC LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return kind;
}

static void
assert_journal_intact (KbDb     *db,
                       gboolean  anchor_at_head)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  kb_journal_verify (db, NULL, NULL, NULL, &report, &error);
  g_assert_no_error (error);
  if (anchor_at_head)
    {
      g_assert_true (report.anchor_found);
      g_assert_cmpint (report.anchor_seq, ==, report.head_seq);
    }
  kb_verify_report_clear (&report);
}

static void
set_passphrase (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  act (fixture->db, "N1001");
  kb_backup_set_passphrase (fixture->db, NULL, PASSPHRASE, &error);
  g_assert_no_error (error);
}

static GFile *
out_file (Fixture    *fixture,
          const char *name)
{
  g_autofree char *path = g_build_filename (fixture->out_dir, name, NULL);

  return g_file_new_for_path (path);
}

static gint64
make (Fixture      *fixture,
      const char   *name,
      KbBackupInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, name);
  gint64 id;

  id = kb_backup_make (fixture->db, PASSPHRASE, file, NULL, NULL, NULL, info, &error);
  g_assert_no_error (error);
  return id;
}

/* The refusal cases start from one backup, made once (each Argon2id run
 * is a quarter of a second) and copied. */
static char *template_dir;

static void
copy_file (const char *from_dir,
           const char *to_dir,
           const char *name)
{
  g_autofree char *from = g_build_filename (from_dir, name, NULL);
  g_autofree char *to = g_build_filename (to_dir, name, NULL);
  g_autoptr(GBytes) bytes = kb_test_read_file (from);

  kb_test_write_file (to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_chmod (to, 0600);
}

static void
setup_backup (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (template_dir == NULL)
    {
      Fixture t = { 0 };
      g_autofree char *wal = NULL;

      setup (&t, data);
      set_passphrase (&t);
      make (&t, "demo.kbbackup", NULL);
      g_clear_pointer (&t.db, kb_db_close);
      wal = g_strconcat (t.path, "-wal", NULL);
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
      template_dir = g_strdup (t.dir);
      g_free (t.path);
      g_free (t.out_dir);
    }

  kb_test_fixture_setup ((KbTestFixture *) fixture, data);
  fixture->out_dir = g_build_filename (fixture->dir, "out", NULL);
  g_assert_cmpint (g_mkdir (fixture->out_dir, 0700), ==, 0);
  copy_file (template_dir, fixture->dir, "kanribo.db");
  copy_file (template_dir, fixture->dir, "kanribo.db-anchor");
  copy_file (template_dir, fixture->dir, "out/demo.kbbackup");
  fixture->backup = g_build_filename (fixture->out_dir, "demo.kbbackup", NULL);
  fixture->db = kb_db_open (fixture->path, KB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
}

/* --- the passphrase -------------------------------------------------------- */

static void
test_passphrase_rules (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "x.kbbackup");
  g_autofree char *kind = NULL;
  gboolean has = TRUE;
  gint64 entries;

  kb_backup_has_passphrase (fixture->db, &has, &error);
  g_assert_no_error (error);
  g_assert_false (has);

  /* None set: nothing can be backed up. */
  act (fixture->db, "N1001");
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, file, NULL, NULL, NULL, NULL,
                                   &error), ==, -1);
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_NO_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (file, NULL));

  /* Only officers set it; the network administrator makes backups but
   * does not choose the passphrase. */
  entries = kb_test_journal_length (fixture->db);
  act (fixture->db, "N1003");
  g_assert_false (kb_backup_set_passphrase (fixture->db, NULL, PASSPHRASE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (fixture->db, "N2001");
  g_assert_false (kb_backup_set_passphrase (fixture->db, NULL, PASSPHRASE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  act (fixture->db, "N1001");
  g_assert_false (kb_backup_set_passphrase (fixture->db, NULL, "eleven char", &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (kb_backup_set_passphrase (fixture->db, NULL, "twelve\tchars!", &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE);
  g_clear_error (&error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, entries);

  /* Twelve characters, not bytes: 12 kanji pass, 11 do not. */
  g_assert_false (kb_backup_set_passphrase (fixture->db, NULL,
                                            "住民基本台帳ネットワー", &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (kb_backup_set_passphrase (fixture->db, NULL, "住民基本台帳ネットワーク",
                                           &error));
  g_assert_no_error (error);
  kb_backup_has_passphrase (fixture->db, &has, &error);
  g_assert_no_error (error);
  g_assert_true (has);
  kind = last_kind (fixture->db);
  g_assert_cmpstr (kind, ==, "backup.passphrase");
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, entries + 1);

  /* Changing it needs the current one. */
  g_assert_false (kb_backup_set_passphrase (fixture->db, NULL, PASSPHRASE, &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (kb_backup_set_passphrase (fixture->db, "not the current one", PASSPHRASE,
                                            &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (kb_backup_set_passphrase (fixture->db, "住民基本台帳ネットワーク",
                                            "住民基本台帳ネットワーク", &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE);
  g_clear_error (&error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, entries + 1);

  g_assert_true (kb_backup_set_passphrase (fixture->db, "住民基本台帳ネットワーク", PASSPHRASE,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, entries + 2);

  /* The old one no longer makes backups. */
  g_assert_cmpint (kb_backup_make (fixture->db, "住民基本台帳ネットワーク", file, NULL, NULL,
                                   NULL, NULL, &error), ==, -1);
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (file, NULL));

  /* The settings register is journaled, but as a digest of the verifier:
   * the journal keeps every old verifier forever, where anyone holding the
   * file could guess at them offline. */
  assert_journal_intact (fixture->db, TRUE);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (fixture->db),
                                         "SELECT count(*) FROM journal WHERE state LIKE '%argon2id%'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
}

static void
test_roles (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "clerk.kbbackup");
  g_autoptr(GFile) made = out_file (fixture, "admin.kbbackup");
  g_autoptr(KbBackupRecord) last = NULL;
  g_autofree char *listing = NULL;

  set_passphrase (fixture);

  /* A clerk and an auditor know no passphrase that counts. */
  act (fixture->db, "N1003");
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, file, NULL, NULL, NULL, NULL,
                                   &error), ==, -1);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (fixture->db, "N2003");
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, file, NULL, NULL, NULL, NULL,
                                   &error), ==, -1);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "");

  /* The network administrator makes backups, … */
  act (fixture->db, "N2001");
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, made, NULL, NULL, NULL, NULL,
                                   &error), >, 0);
  g_assert_no_error (error);
  last = kb_backup_last (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (last);
  g_assert_cmpstr (kb_backup_record_get_made_by_name (last), ==, "中村 隆之");

  /* … but only an officer restores one. */
  g_assert_false (kb_backup_restore (fixture->db, made, PASSPHRASE, NULL, NULL, NULL, NULL,
                                     NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
}

/* --- make, verify, restore --------------------------------------------------- */

static char *
setting (KbDb       *db,
         const char *key)
{
  return kb_settings_get (db, key, NULL);
}

static gboolean
contains (const char *haystack,
          gsize       len,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "demo.kbbackup");
  g_autoptr(GListModel) list = NULL;
  g_autoptr(KbBackupRecord) record = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *kept_anchor = NULL;
  g_autofree char *min_length = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(KbDb) old = NULL;
  KbBackupInfo info = { 0 };
  KbBackupInfo vinfo = { 0 };
  KbBackupInfo rinfo = { 0 };
  GStatBuf st;
  gint64 head, id;

  set_passphrase (fixture);
  list = kb_backup_list (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_clear_object (&list);
  g_assert_null (kb_backup_last (fixture->db, &error));
  g_assert_no_error (error);

  head = kb_test_journal_length (fixture->db);
  id = make (fixture, "demo.kbbackup", &info);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (info.format_version, ==, KB_BACKUP_FORMAT_VERSION);
  g_assert_cmpint (info.schema_version, ==, KB_DB_SCHEMA_VERSION);
  g_assert_cmpint (info.journal_seq, ==, head);
  g_assert_cmpuint (strlen (info.digest), ==, 64);
  g_assert_cmpint (g_stat (g_file_peek_path (file), &st), ==, 0);
  g_assert_cmpuint (st.st_size, ==, info.size);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* Only the backup: no temporary file left, beside it or the database. */
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "demo.kbbackup\n");
  g_clear_pointer (&listing, g_free);
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing, ==, "kanribo.db\nkanribo.db-anchor\nkanribo.db-shm\n"
                                "kanribo.db-wal\nout\n");
  g_clear_pointer (&listing, g_free);

  /* It is recorded, by whom, where, with its digest, and journaled. */
  kind = last_kind (fixture->db);
  g_assert_cmpstr (kind, ==, "backup.make");
  g_clear_pointer (&kind, g_free);
  record = kb_backup_last (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_backup_record_get_id (record), ==, id);
  g_assert_cmpstr (kb_backup_record_get_made_by_name (record), ==, "北沢 誠一");
  g_assert_cmpstr (kb_backup_record_get_path (record), ==, g_file_peek_path (file));
  g_assert_cmpint (kb_backup_record_get_size (record), ==, info.size);
  g_assert_cmpstr (kb_backup_record_get_digest (record), ==, info.digest);
  g_assert_cmpint (kb_backup_record_get_journal_seq (record), ==, head);
  g_assert_cmpint (kb_backup_record_get_verified_at (record), ==, 0);
  g_assert_null (kb_backup_record_get_verifier_name (record));
  g_clear_object (&record);

  /* The file holds no plaintext: the operators' names are not in it. */
  {
    g_autoptr(GBytes) bytes = kb_test_read_file (g_file_peek_path (file));
    gsize len;
    const char *contents = g_bytes_get_data (bytes, &len);

    g_assert_false (contains (contents, len, "SQLite format 3"));
    g_assert_false (contains (contents, len, "北沢"));
    g_assert_cmpmem (contents, 16, "KANRIBO-BACKUP\n\0", 16);
  }

  /* Verifying stamps the register, as the auditor who did it. */
  act (fixture->db, "N2003");
  kb_backup_verify (fixture->db, file, PASSPHRASE, NULL, NULL, NULL, &vinfo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vinfo.digest, ==, info.digest);
  g_assert_cmpint (vinfo.journal_seq, ==, head);
  g_assert_cmpint (vinfo.n_entries, ==, head);
  g_assert_cmpint (vinfo.made_at, ==, info.made_at);
  record = kb_backup_last (fixture->db, &error);
  g_assert_cmpint (kb_backup_record_get_verified_at (record), >, 0);
  g_assert_cmpstr (kb_backup_record_get_verifier_name (record), ==, "清水 大輔");
  g_clear_object (&record);
  kind = last_kind (fixture->db);
  g_assert_cmpstr (kind, ==, "backup.verify");
  g_clear_pointer (&kind, g_free);
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing, ==, "kanribo.db\nkanribo.db-anchor\nkanribo.db-shm\n"
                                "kanribo.db-wal\nout\n");
  g_clear_pointer (&listing, g_free);

  /* Later changes: a setting, a second backup. */
  act (fixture->db, "N1001");
  kb_settings_set (fixture->db, KB_SETTING_PASSWORD_MIN_LENGTH, "14", "stricter", &error);
  g_assert_no_error (error);
  g_assert_cmpint (make (fixture, "second.kbbackup", NULL), >, id);
  list = kb_backup_list (fixture->db, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  record = g_list_model_get_item (list, 0);
  g_assert_cmpint (kb_backup_record_get_id (record), >, id);   /* newest first */
  g_clear_object (&record);
  g_clear_object (&list);

  /* Restoring brings back the state of the first backup. */
  kb_backup_restore (fixture->db, file, PASSPHRASE, NULL, NULL, NULL, &kept, &rinfo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);
  g_assert_cmpstr (rinfo.digest, ==, info.digest);
  min_length = setting (fixture->db, KB_SETTING_PASSWORD_MIN_LENGTH);
  g_assert_cmpstr (min_length, ==, "10");
  g_clear_pointer (&min_length, g_free);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM backups"), ==, 0);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, head + 1);
  kind = last_kind (fixture->db);
  g_assert_cmpstr (kind, ==, "backup.restore");
  g_clear_pointer (&kind, g_free);
  detail = kb_test_raw_text (kb_db_get_handle (fixture->db),
                             "SELECT detail FROM journal ORDER BY seq DESC LIMIT 1");
  g_assert_nonnull (strstr (detail, info.digest));
  g_assert_nonnull (strstr (detail, kept));
  /* The journal verifies, the anchor follows the restored head, and the
   * database goes on working. */
  assert_journal_intact (fixture->db, TRUE);
  kb_settings_set (fixture->db, KB_SETTING_PASSWORD_MIN_LENGTH, "12", NULL, &error);
  g_assert_no_error (error);
  assert_journal_intact (fixture->db, TRUE);
  /* No temporary folder is left beside the database. */
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_nonnull (strstr (listing, "kanribo.db.before-restore-"));
  g_assert_null (strstr (listing, "restore-X"));
  g_assert_null (strstr (listing, ".kanribo-"));
  g_clear_pointer (&listing, g_free);

  /* The database as it was before is kept, with its anchor, and opens. */
  g_assert_true (g_str_has_prefix (kept, fixture->path));
  kept_anchor = g_strconcat (kept, "-anchor", NULL);
  g_assert_true (g_file_test (kept_anchor, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_stat (kept, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  old = kb_db_open (kept, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  min_length = setting (old, KB_SETTING_PASSWORD_MIN_LENGTH);
  g_assert_cmpstr (min_length, ==, "14");
  g_assert_cmpint (kb_test_count (old, "SELECT count (*) FROM backups"), ==, 2);
  assert_journal_intact (old, TRUE);

  kb_backup_info_clear (&info);
  kb_backup_info_clear (&vinfo);
  kb_backup_info_clear (&rinfo);
}

/* A backup made while another connection writes holds the state at its
 * start, and the writer is not held up. */
typedef struct {
  const char *path;
  gboolean written;
} Writer;

static void
write_meanwhile (gint64   done,
                 gint64   total,
                 gpointer user_data)
{
  Writer *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) other = NULL;

  if (w->written)
    return;
  w->written = TRUE;
  other = kb_db_open (w->path, KB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  kb_settings_set (other, KB_SETTING_PASSWORD_MAX_AGE, "90", "written during the backup",
                   &error);
  g_assert_no_error (error);
}

static void
test_online (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "online.kbbackup");
  g_autofree char *max_age = NULL;
  Writer w = { fixture->path, FALSE };
  KbBackupInfo info = { 0 };
  gint64 head;

  set_passphrase (fixture);
  head = kb_test_journal_length (fixture->db);
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, file, write_meanwhile, &w, NULL,
                                   &info, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (w.written);
  g_assert_cmpint (info.journal_seq, ==, head);
  /* The other connection's entry, then the backup's own. */
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, head + 2);
  max_age = kb_settings_get (fixture->db, KB_SETTING_PASSWORD_MAX_AGE, NULL);
  g_assert_cmpstr (max_age, ==, "90");
  g_clear_pointer (&max_age, g_free);
  assert_journal_intact (fixture->db, TRUE);

  kb_backup_restore (fixture->db, file, PASSPHRASE, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  max_age = kb_settings_get (fixture->db, KB_SETTING_PASSWORD_MAX_AGE, NULL);
  g_assert_cmpstr (max_age, ==, "0");
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, head + 1);
  assert_journal_intact (fixture->db, TRUE);
  kb_backup_info_clear (&info);
}

/* Cancelled half-way: nothing at the destination, nothing recorded, and a
 * cancelled restore leaves the live database as it was. */
static void
cancel_now (gint64   done,
            gint64   total,
            gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "cancelled.kbbackup");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *listing_after = NULL;
  gint64 entries;

  set_passphrase (fixture);
  entries = kb_test_journal_length (fixture->db);
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, file, cancel_now, cancellable,
                                   cancellable, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "");
  g_clear_pointer (&listing, g_free);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, entries);

  make (fixture, "cancelled.kbbackup", NULL);
  g_cancellable_reset (cancellable);
  before = kb_test_read_file (fixture->path);
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_false (kb_backup_restore (fixture->db, file, PASSPHRASE, cancel_now, cancellable,
                                     cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = kb_test_read_file (fixture->path);
  g_assert_true (g_bytes_equal (before, after));
  listing_after = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing_after, ==, listing);
}

/* A backup of a database whose journal does not verify (a row edited
 * behind Kanribo's back) decrypts, but is refused as damaged. */
static void
test_damaged_inside (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "tampered.kbbackup");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  sqlite3 *raw;

  set_passphrase (fixture);
  raw = kb_test_raw_open (fixture->path);
  kb_test_raw_exec (raw, "UPDATE settings SET value = '4' WHERE key = 'password-min-length'");
  sqlite3_close (raw);

  /* Making a backup does not judge what it copies. */
  make (fixture, "tampered.kbbackup", NULL);

  g_assert_false (kb_backup_verify (fixture->db, file, PASSPHRASE, NULL, NULL, NULL, NULL,
                                    &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "journal does not verify"));
  g_clear_error (&error);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM backups"
                                               " WHERE verified_at IS NOT NULL"), ==, 0);

  before = kb_test_read_file (fixture->path);
  g_assert_false (kb_backup_restore (fixture->db, file, PASSPHRASE, NULL, NULL, NULL, NULL,
                                     NULL, &error));
  g_assert_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED);
  after = kb_test_read_file (fixture->path);
  g_assert_true (g_bytes_equal (before, after));
}

/* Big databases go through a temporary file instead of memory. */
static void
test_through_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "file.kbbackup");
  g_autofree char *listing = NULL;
  KbBackupInfo info = { 0 };
  KbBackupInfo vinfo = { 0 };

  set_passphrase (fixture);
  g_setenv ("KB_BACKUP_MEMORY_LIMIT", "0", TRUE);
  g_assert_cmpint (kb_backup_make (fixture->db, PASSPHRASE, file, NULL, NULL, NULL, &info,
                                   &error), >, 0);
  g_unsetenv ("KB_BACKUP_MEMORY_LIMIT");
  g_assert_no_error (error);
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing, ==, "kanribo.db\nkanribo.db-anchor\nkanribo.db-shm\n"
                                "kanribo.db-wal\nout\n");
  kb_backup_verify (NULL, file, PASSPHRASE, NULL, NULL, NULL, &vinfo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vinfo.digest, ==, info.digest);
  kb_backup_info_clear (&info);
  kb_backup_info_clear (&vinfo);
}

/* A read-only database is backed up but not recorded. */
static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = out_file (fixture, "ro.kbbackup");
  g_autoptr(KbDb) ro = NULL;
  gint64 entries;

  set_passphrase (fixture);
  entries = kb_test_journal_length (fixture->db);
  g_clear_pointer (&fixture->db, kb_db_close);
  ro = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_backup_make (ro, PASSPHRASE, file, NULL, NULL, NULL, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (ro), ==, entries);
  kb_backup_verify (ro, file, PASSPHRASE, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kb_backup_restore (ro, file, PASSPHRASE, NULL, NULL, NULL, NULL, NULL,
                                     &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY);
}

/* --- refusals ------------------------------------------------------------------- */

typedef void (*Damage) (const char *path);

typedef struct {
  const char *name;
  Damage      damage;
  const char *passphrase;
  int         code;
  const char *says;
} Refusal;

static void
flip (const char *path,
      gint64      offset)
{
  g_autoptr(GBytes) bytes = kb_test_read_file (path);
  gsize len;
  guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);

  if (offset < 0)
    offset += len;
  g_assert_cmpint (offset, <, len);
  data[offset] ^= 0x01;
  kb_test_write_file (path, data, len);
  g_free (data);
}

static void
truncate_at (const char *path,
             gint64      len)
{
  g_autoptr(GBytes) bytes = kb_test_read_file (path);

  if (len < 0)
    len += g_bytes_get_size (bytes);
  g_assert_cmpint (len, <, g_bytes_get_size (bytes));
  kb_test_write_file (path, g_bytes_get_data (bytes, NULL), len);
}

static void
set_u32 (const char *path,
         gsize       offset,
         guint32     value)
{
  g_autoptr(GBytes) bytes = kb_test_read_file (path);
  gsize len;
  guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);

  for (int i = 0; i < 4; i++)
    data[offset + i] = (value >> (8 * i)) & 0xff;
  kb_test_write_file (path, data, len);
  g_free (data);
}

static void damage_none (const char *path) { }
static void damage_salt (const char *path) { flip (path, 40); }
static void damage_nonce (const char *path) { flip (path, 60); }
static void damage_made_at (const char *path) { flip (path, 68); }
static void damage_journal_seq (const char *path) { flip (path, 76); }
static void damage_argon_memory (const char *path) { flip (path, 25); }
static void damage_ciphertext (const char *path) { flip (path, HEADER_LEN + 5000); }
static void damage_last_page (const char *path) { flip (path, -17); }
static void damage_tag (const char *path) { flip (path, -1); }
static void damage_magic (const char *path) { flip (path, 3); }
static void cut_in_magic (const char *path) { truncate_at (path, 8); }
static void cut_in_header (const char *path) { truncate_at (path, 50); }
static void cut_in_ciphertext (const char *path) { truncate_at (path, HEADER_LEN + 4096); }
static void cut_in_tag (const char *path) { truncate_at (path, -1); }
static void cut_empty (const char *path) { truncate_at (path, 0); }
static void newer_format (const char *path) { set_u32 (path, 16, 2); }
static void newer_schema (const char *path) { set_u32 (path, 64, KB_DB_SCHEMA_VERSION + 1); }
static void huge_argon (const char *path) { set_u32 (path, 24, 0x7fffffff); }

static void
extra_byte (const char *path)
{
  g_autoptr(GBytes) bytes = kb_test_read_file (path);
  g_autoptr(GByteArray) more = g_byte_array_new ();

  g_byte_array_append (more, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_byte_array_append (more, (const guint8 *) "x", 1);
  kb_test_write_file (path, more->data, more->len);
}

/* The live database itself, copied: an SQLite file, not a backup. */
static void
database_file (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *db = g_build_filename (dir, "..", "kanribo.db", NULL);
  g_autoptr(GBytes) bytes = kb_test_read_file (db);

  kb_test_write_file (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

#define WRONG KB_BACKUP_ERROR_WRONG_PASSPHRASE
#define ALTERED "wrong passphrase, or the file was altered"

static const Refusal refusals[] = {
  { "wrong-passphrase", damage_none, "correct horse battery!", WRONG, ALTERED },
  { "header-salt", damage_salt, NULL, WRONG, ALTERED },
  { "header-nonce", damage_nonce, NULL, WRONG, ALTERED },
  { "header-made-at", damage_made_at, NULL, WRONG, ALTERED },
  { "header-journal-seq", damage_journal_seq, NULL, WRONG, ALTERED },
  { "header-argon-memory", damage_argon_memory, NULL, WRONG, ALTERED },
  { "header-argon-huge", huge_argon, NULL, KB_BACKUP_ERROR_DAMAGED, "header" },
  { "ciphertext", damage_ciphertext, NULL, WRONG, ALTERED },
  { "ciphertext-end", damage_last_page, NULL, WRONG, ALTERED },
  { "tag", damage_tag, NULL, WRONG, ALTERED },
  { "magic", damage_magic, NULL, KB_BACKUP_ERROR_NOT_A_BACKUP, "not a Kanribo backup" },
  { "database-file", database_file, NULL, KB_BACKUP_ERROR_NOT_A_BACKUP, "not a Kanribo backup" },
  { "empty", cut_empty, NULL, KB_BACKUP_ERROR_NOT_A_BACKUP, "not a Kanribo backup" },
  { "cut-in-magic", cut_in_magic, NULL, KB_BACKUP_ERROR_TRUNCATED, "cut short" },
  { "cut-in-header", cut_in_header, NULL, KB_BACKUP_ERROR_TRUNCATED, "cut short" },
  { "cut-in-ciphertext", cut_in_ciphertext, NULL, KB_BACKUP_ERROR_TRUNCATED, "cut short" },
  { "cut-in-tag", cut_in_tag, NULL, KB_BACKUP_ERROR_TRUNCATED, "cut short" },
  { "extra-byte", extra_byte, NULL, KB_BACKUP_ERROR_DAMAGED, "after its end" },
  { "newer-format", newer_format, NULL, KB_BACKUP_ERROR_TOO_NEW, "newer version" },
  { "newer-schema", newer_schema, NULL, KB_BACKUP_ERROR_TOO_NEW, "newer version" },
};

static GBytes *
live_state (Fixture *fixture)
{
  static const char *suffixes[] = { "", "-wal", "-anchor" };
  g_autoptr(GByteArray) all = g_byte_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (fixture->path, suffixes[i], NULL);
      g_autoptr(GBytes) bytes = kb_test_read_file (path);

      g_byte_array_append (all, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  const Refusal *r = data;
  const char *passphrase = r->passphrase != NULL ? r->passphrase : PASSPHRASE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->backup);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *listing_after = NULL;
  g_autofree char *kept = NULL;
  KbBackupInfo info = { 0 };

  r->damage (fixture->backup);
  before = live_state (fixture);
  listing = kb_test_dir_listing (fixture->dir);

  g_assert_false (kb_backup_verify (fixture->db, file, passphrase, NULL, NULL, NULL, &info,
                                    &error));
  g_test_message ("verify: %s", error->message);
  g_assert_error (error, KB_BACKUP_ERROR, r->code);
  g_assert_nonnull (strstr (error->message, r->says));
  g_assert_null (info.digest);
  g_clear_error (&error);

  act (fixture->db, "N1001");
  g_assert_false (kb_backup_restore (fixture->db, file, passphrase, NULL, NULL, NULL, &kept,
                                     &info, &error));
  g_test_message ("restore: %s", error->message);
  g_assert_error (error, KB_BACKUP_ERROR, r->code);
  g_assert_nonnull (strstr (error->message, r->says));
  g_assert_null (kept);
  g_assert_null (info.digest);

  /* Byte for byte as it was, and nothing left beside it. */
  after = live_state (fixture);
  g_assert_true (g_bytes_equal (before, after));
  listing_after = kb_test_dir_listing (fixture->dir);
  g_assert_cmpstr (listing_after, ==, listing);
  assert_journal_intact (fixture->db, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, setup_func, func, data) \
  g_test_add (path, Fixture, data, setup_func, func, teardown)

  ADD ("/backup/passphrase", setup, test_passphrase_rules, NULL);
  ADD ("/backup/roles", setup, test_roles, NULL);
  ADD ("/backup/round-trip", setup, test_round_trip, NULL);
  ADD ("/backup/online", setup, test_online, NULL);
  ADD ("/backup/through-file", setup, test_through_file, NULL);
  ADD ("/backup/cancelled", setup, test_cancelled, NULL);
  ADD ("/backup/damaged-inside", setup, test_damaged_inside, NULL);
  ADD ("/backup/read-only", setup, test_read_only, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *path = g_strdup_printf ("/backup/refused/%s", refusals[i].name);
      ADD (path, setup_backup, test_refused, &refusals[i]);
    }

  ret = g_test_run ();
  if (template_dir != NULL)
    kb_test_rm_rf (template_dir);
  g_free (template_dir);
  return ret;
}
