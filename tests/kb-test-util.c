/* kb-test-util.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-test-util.h"

#include <string.h>

#include <glib/gstdio.h>

void
kb_test_fixture_setup (KbTestFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kanribo-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "kanribo.db", NULL);
  fixture->db = NULL;
}

void
kb_test_fixture_teardown (KbTestFixture *fixture,
                          gconstpointer  data)
{
  g_clear_pointer (&fixture->db, kb_db_close);
  kb_test_rm_rf (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

void
kb_test_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      /* A test may have made the folder unreadable on purpose. */
      g_chmod (path, 0700);
      if (dir == NULL)
        dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          kb_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * kb_test_dir_listing:
 *
 * Returns: (transfer full): the names in @dir, sorted, one per line
 */
char *
kb_test_dir_listing (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) names->pdata[i]);

  return g_string_free (out, FALSE);
}

GBytes *
kb_test_read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

void
kb_test_write_file (const char *path,
                    const void *data,
                    gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

/* A connection of our own, outside KbDb: no pragmas, no checks, foreign
 * keys off, as the sqlite3 shell would open it. */
sqlite3 *
kb_test_raw_open (const char *path)
{
  sqlite3 *handle = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    g_test_message ("Cannot open %s: %s", path, sqlite3_errstr (rc));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_busy_timeout (handle, 5000);
  return handle;
}

void
kb_test_raw_exec (sqlite3    *handle,
                  const char *sql)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (handle, sql, NULL, NULL, &errmsg);

  if (rc != SQLITE_OK)
    g_test_message ("SQL failed: %s\n%s", errmsg, sql);
  sqlite3_free (errmsg);
  g_assert_cmpint (rc, ==, SQLITE_OK);
}

gint64
kb_test_raw_count (sqlite3    *handle,
                   const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;
  int rc;

  rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_test_message ("Cannot prepare %s: %s", sql, sqlite3_errmsg (handle));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/**
 * kb_test_raw_text:
 *
 * Returns: (transfer full) (nullable): the first column of the first row
 */
char *
kb_test_raw_text (sqlite3    *handle,
                  const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;
  int rc;

  rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    g_test_message ("Cannot prepare %s: %s", sql, sqlite3_errmsg (handle));
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

gint64
kb_test_count (KbDb       *db,
               const char *sql)
{
  return kb_test_raw_count (kb_db_get_handle (db), sql);
}

gint64
kb_test_journal_length (KbDb *db)
{
  return kb_test_count (db, "SELECT count (*) FROM journal");
}

/**
 * kb_test_register_snapshot:
 *
 * Returns: (transfer full): the row counts and every row of every register
 *   table and the journal's length, as one string that can be compared
 *   before and after an operation that must change nothing
 */
char *
kb_test_register_snapshot (KbDb *db)
{
  static const char * const queries[] = {
    "SELECT * FROM divisions ORDER BY 1",
    "SELECT * FROM operators ORDER BY 1",
    "SELECT * FROM terminals ORDER BY 1",
    "SELECT * FROM tasks ORDER BY 1",
    "SELECT * FROM task_divisions ORDER BY 1, 2",
    "SELECT * FROM settings ORDER BY 1",
    "SELECT * FROM credentials ORDER BY 1",
    "SELECT * FROM cards ORDER BY 1",
    "SELECT count (*), max (seq) FROM journal",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;
      guint n = 0;

      g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), queries[q], -1, &stmt, NULL),
                       ==, SQLITE_OK);
      g_string_append_printf (out, "%s\n", queries[q]);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s|", sqlite3_column_type (stmt, c) == SQLITE_NULL
                                                ? "NULL"
                                                : (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
          n++;
        }
      sqlite3_finalize (stmt);
      g_string_append_printf (out, "(%u rows)\n", n);
    }

  return g_string_free (out, FALSE);
}

/* --- journal entries by name ---------------------------------------------- */

/**
 * kb_test_raw_seq:
 * @entry: a journal entry by kind and register row, "operator.create:3", or
 *   by kind alone for entries about no row, "database.create"
 *
 * Looks the entry up, so that tests name entries by what they are rather
 * than by where the current layout happens to put them.
 *
 * Returns: the sequence number of the newest such entry
 */
gint64
kb_test_raw_seq (sqlite3    *handle,
                 const char *entry)
{
  g_auto(GStrv) parts = g_strsplit (entry, ":", 2);
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  gint64 seq = 0;

  if (parts[1] != NULL)
    g_assert_true (g_ascii_string_to_signed (parts[1], 10, 1, G_MAXINT64, &id, NULL));

  g_assert_cmpint (sqlite3_prepare_v2 (handle,
                                       "SELECT max (seq) FROM journal WHERE kind = ?1"
                                       " AND ifnull (entity_id, 0) = ?2", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, parts[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (seq == 0)
    g_test_message ("No journal entry %s", entry);
  g_assert_cmpint (seq, >, 0);
  return seq;
}

gint64
kb_test_seq (KbDb       *db,
             const char *entry)
{
  return kb_test_raw_seq (kb_db_get_handle (db), entry);
}

/**
 * kb_test_expand:
 * @template: text with SQL expressions in double braces, "seq = {{:seq + 1}}"
 * @seq: the value of `:seq` in them
 *
 * Replaces each `{{expression}}` with its value, computed on @handle, where
 * `:seq` is @seq and `:last` the journal's newest entry. Tests that tamper
 * with the journal say which entries they touch this way, before touching.
 *
 * Returns: (transfer full) (nullable): the text, %NULL for a %NULL @template
 */
char *
kb_test_expand (sqlite3    *handle,
                const char *template,
                gint64      seq)
{
  GString *out;
  const char *p;
  gint64 last;

  if (template == NULL)
    return NULL;

  last = kb_test_raw_count (handle, "SELECT ifnull (max (seq), 0) FROM journal");
  out = g_string_new (NULL);
  p = template;
  while (*p != '\0')
    {
      const char *open = strstr (p, "{{");
      const char *close;
      g_autofree char *sql = NULL;
      sqlite3_stmt *stmt = NULL;
      int index;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      close = strstr (open + 2, "}}");
      g_assert_nonnull (close);
      g_string_append_len (out, p, open - p);

      sql = g_strdup_printf ("SELECT (%.*s)", (int) (close - open - 2), open + 2);
      if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
        g_test_message ("Cannot prepare %s: %s", sql, sqlite3_errmsg (handle));
      g_assert_nonnull (stmt);
      if ((index = sqlite3_bind_parameter_index (stmt, ":seq")) > 0)
        sqlite3_bind_int64 (stmt, index, seq);
      if ((index = sqlite3_bind_parameter_index (stmt, ":last")) > 0)
        sqlite3_bind_int64 (stmt, index, last);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_type (stmt, 0), !=, SQLITE_NULL);
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);

      p = close + 2;
    }

  return g_string_free (out, FALSE);
}

/**
 * kb_test_expand_int:
 *
 * kb_test_expand() for a template that is one number.
 *
 * Returns: the number, 0 for a %NULL @template
 */
gint64
kb_test_expand_int (sqlite3    *handle,
                    const char *template,
                    gint64      seq)
{
  g_autofree char *text = kb_test_expand (handle, template, seq);
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  if (text == NULL)
    return 0;
  g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, &error);
  g_assert_no_error (error);
  return value;
}

/* --- the chain's hash, written again ---------------------------------------- */

/* The chain's hash, written again from its description in kb-journal.c
 * with GLib's SHA-256 rather than libgcrypt: if the two disagree, the
 * format has changed and old journals would no longer verify. */
static void
put_text (GChecksum    *c,
          sqlite3_stmt *stmt,
          int           col)
{
  const guchar *text = sqlite3_column_text (stmt, col);
  gsize len = sqlite3_column_bytes (stmt, col);
  guchar header[5] = { 's', (len >> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff,
                       len & 0xff };

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    {
      g_checksum_update (c, (const guchar *) "n", 1);
      return;
    }
  g_checksum_update (c, header, sizeof header);
  g_checksum_update (c, text, len);
}

static void
put_int (GChecksum    *c,
         sqlite3_stmt *stmt,
         int           col)
{
  guint64 v = (guint64) sqlite3_column_int64 (stmt, col);
  guchar buf[9];

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    {
      g_checksum_update (c, (const guchar *) "n", 1);
      return;
    }
  buf[0] = 'i';
  for (int i = 0; i < 8; i++)
    buf[1 + i] = (v >> (56 - 8 * i)) & 0xff;
  g_checksum_update (c, buf, sizeof buf);
}

/* Computes the hash of the entry @stmt is on (columns seq, at, actor,
 * terminal, kind, entity, entity_id, state, detail) after @prev. */
static void
entry_hash (sqlite3_stmt *stmt,
            const guint8  prev[32],
            guint8        out[32])
{
  static const char domain[] = "kanribo-journal-1";
  g_autoptr(GChecksum) c = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_checksum_update (c, (const guchar *) domain, sizeof domain);
  g_checksum_update (c, prev, 32);
  put_int (c, stmt, 0);
  put_text (c, stmt, 1);
  put_int (c, stmt, 2);
  put_text (c, stmt, 3);
  put_text (c, stmt, 4);
  put_text (c, stmt, 5);
  put_int (c, stmt, 6);
  put_text (c, stmt, 7);
  put_text (c, stmt, 8);
  g_checksum_get_digest (c, out, &len);
  g_assert_cmpuint (len, ==, 32);
}

/**
 * kb_test_forge_chain:
 *
 * Rewrites prev_hash and hash of every entry from @from_seq on, so that the
 * chain is whole again: what an attacker who read kb-journal.c would do.
 * The journal's triggers must be out of the way.
 */
void
kb_test_forge_chain (sqlite3 *raw,
                     gint64   from_seq)
{
  sqlite3_stmt *select = NULL;
  sqlite3_stmt *update = NULL;
  guint8 prev[32] = { 0 };

  if (from_seq > 1)
    {
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (raw, "SELECT hash FROM journal WHERE seq = ?1", -1, &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, from_seq - 1);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, 32);
      memcpy (prev, sqlite3_column_blob (stmt, 0), 32);
      sqlite3_finalize (stmt);
    }

  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                       "SELECT seq, at, actor, terminal, kind, entity, entity_id,"
                                       " state, detail FROM journal WHERE seq >= ?1 ORDER BY seq",
                                       -1, &select, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                       "UPDATE journal SET prev_hash = ?1, hash = ?2"
                                       " WHERE seq = ?3", -1, &update, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (select, 1, from_seq);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      guint8 hash[32];

      entry_hash (select, prev, hash);
      sqlite3_bind_blob (update, 1, prev, 32, SQLITE_TRANSIENT);
      sqlite3_bind_blob (update, 2, hash, 32, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (update, 3, sqlite3_column_int64 (select, 0));
      g_assert_cmpint (sqlite3_step (update), ==, SQLITE_DONE);
      sqlite3_reset (update);
      memcpy (prev, hash, 32);
    }
  sqlite3_finalize (select);
  sqlite3_finalize (update);
}
