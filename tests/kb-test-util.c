/* kb-test-util.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-test-util.h"

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
