/* kb-db.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kb-db-private.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-settings.h"
#include "kb-schema.sql.h"

G_STATIC_ASSERT (G_N_ELEMENTS (kb_schema_migrations) == KB_DB_SCHEMA_VERSION + 1);

#define BUSY_TIMEOUT_MS 5000

void
kb_sqlite_set_error (sqlite3     *handle,
                     int          rc,
                     GError     **error,
                     const char  *what)
{
  const char *msg = handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc);
  int code;

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      code = KB_STORE_ERROR_NOT_A_DATABASE;
      break;
    case SQLITE_CORRUPT:
      code = KB_STORE_ERROR_CORRUPT;
      break;
    case SQLITE_FULL:
      code = KB_STORE_ERROR_FULL;
      msg = _("the disk is full");
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      code = KB_STORE_ERROR_READ_ONLY;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = KB_STORE_ERROR_BUSY;
      break;
    default:
      code = KB_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, KB_STORE_ERROR, code, "%s: %s", what, msg);
}

void
kb_db_set_error (KbDb        *db,
                 GError     **error,
                 const char  *what)
{
  kb_sqlite_set_error (db->handle, sqlite3_extended_errcode (db->handle), error, what);
}

const char *
kb_db_migration_sql (int version)
{
  g_return_val_if_fail (version > 0 && version <= KB_DB_SCHEMA_VERSION, NULL);
  return kb_schema_migrations[version];
}

/**
 * kb_db_apply_schema:
 *
 * Runs the migrations from @from_version to @to_version on @handle, inside
 * whatever transaction the caller holds. Also used by the verifier on an
 * in-memory database to learn what the schema should look like.
 */
gboolean
kb_db_apply_schema (sqlite3  *handle,
                    int       from_version,
                    int       to_version,
                    GError  **error)
{
  for (int v = from_version + 1; v <= to_version; v++)
    {
      g_autofree char *pragma = NULL;
      char *errmsg = NULL;

      if (sqlite3_exec (handle, kb_schema_migrations[v], NULL, NULL, &errmsg) != SQLITE_OK)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                       _("Could not upgrade the database to version %d: %s"), v, errmsg);
          sqlite3_free (errmsg);
          return FALSE;
        }

      pragma = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                                v, KB_DB_APPLICATION_ID);
      if (sqlite3_exec (handle, pragma, NULL, NULL, NULL) != SQLITE_OK)
        {
          kb_sqlite_set_error (handle, sqlite3_errcode (handle), error,
                               _("Could not record the schema version"));
          return FALSE;
        }
    }

  return TRUE;
}

static int
pragma_int (sqlite3    *handle,
            const char *sql,
            int        *rc_out)
{
  sqlite3_stmt *stmt = NULL;
  int value = 0;
  int rc;

  rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  *rc_out = rc;

  return value;
}

/* Looks at an existing file without writing to it: the header, then a
 * read-only connection for the application id, the version and a quick
 * integrity check. Anything wrong is reported and the file stays as it was. */
static gboolean
inspect_existing (const char  *path,
                  gboolean    *is_empty,
                  GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  g_autofree char *uri = NULL;
  sqlite3 *handle = NULL;
  char header[100];
  GStatBuf st;
  gssize n;
  int fd;
  int rc;
  int app_id, version, n_objects;

  *is_empty = FALSE;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot read “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is not a regular file"), path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      /* An empty file becomes our database: make it private like a new one. */
      *is_empty = TRUE;
      if ((st.st_mode & 0777) != 0600)
        g_chmod (path, 0600);
      return TRUE;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot read “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  n = read (fd, header, sizeof header);
  close (fd);
  if (n < (gssize) sizeof header || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is not a Kanribo database: it is not an SQLite file"), path);
      return FALSE;
    }

  /* A read-only connection to a WAL-mode file creates its -wal and -shm
   * files and cannot remove them when it closes, so even a refused file
   * would be left with company. Without a -wal file every committed page is
   * in the main file, which can then be read as immutable: nothing is
   * created. (Bytes 18 and 19 of the header are 2 in WAL mode.) */
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *escaped = g_uri_escape_string (path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH,
                                                    FALSE);
    gboolean immutable = header[18] == 2 && !g_file_test (wal, G_FILE_TEST_EXISTS);

    uri = g_strconcat ("file:", escaped, immutable ? "?mode=ro&immutable=1" : "?mode=ro", NULL);
  }
  rc = sqlite3_open_v2 (uri, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                        NULL);
  if (rc != SQLITE_OK)
    {
      kb_sqlite_set_error (handle, rc, error, _("Cannot open the database"));
      sqlite3_close_v2 (handle);
      return FALSE;
    }
  sqlite3_busy_timeout (handle, BUSY_TIMEOUT_MS);

  n_objects = pragma_int (handle, "SELECT count(*) FROM sqlite_schema", &rc);
  if (rc == SQLITE_OK)
    app_id = pragma_int (handle, "PRAGMA application_id", &rc);
  if (rc == SQLITE_OK)
    version = pragma_int (handle, "PRAGMA user_version", &rc);
  if (rc != SQLITE_OK)
    goto sqlite_failed;

  if (n_objects > 0 && app_id != KB_DB_APPLICATION_ID)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FOREIGN,
                   _("“%s” is an SQLite database of another application, not of Kanribo"),
                   path);
      sqlite3_close_v2 (handle);
      return FALSE;
    }
  if (version > KB_DB_SCHEMA_VERSION)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TOO_NEW,
                   _("“%s” was written by a newer version of Kanribo (schema %d; this version "
                     "knows up to %d). Update Kanribo to open it."),
                   path, version, KB_DB_SCHEMA_VERSION);
      sqlite3_close_v2 (handle);
      return FALSE;
    }

  {
    sqlite3_stmt *stmt = NULL;

    rc = sqlite3_prepare_v2 (handle, "PRAGMA quick_check", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        const char *result = (const char *) sqlite3_column_text (stmt, 0);

        if (g_strcmp0 (result, "ok") != 0)
          {
            g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                         _("“%s” is damaged (%s). Restore it from a backup."), path,
                         result != NULL ? result : "?");
            sqlite3_finalize (stmt);
            sqlite3_close_v2 (handle);
            return FALSE;
          }
        rc = SQLITE_OK;
      }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_OK)
      goto sqlite_failed;
  }

  *is_empty = n_objects == 0;
  sqlite3_close_v2 (handle);
  return TRUE;

sqlite_failed:
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    {
      g_set_error (error, KB_STORE_ERROR,
                   (rc & 0xff) == SQLITE_CORRUPT ? KB_STORE_ERROR_CORRUPT
                                                 : KB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is damaged or not a database (%s). Restore it from a backup."),
                   path, sqlite3_errstr (rc));
    }
  else
    kb_sqlite_set_error (handle, rc, error, _("Cannot read the database"));
  sqlite3_close_v2 (handle);
  return FALSE;
}

static gboolean
create_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  return TRUE;
}

/* kb_digest (text): hex SHA-256, for register states that must not carry
 * a secret (a password hash) yet must change when it changes. */
static void
digest_function (sqlite3_context *context,
                 int              argc,
                 sqlite3_value  **argv)
{
  guint8 digest[KB_SHA256_LEN];
  g_autofree char *hex = NULL;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  kb_sha256 (sqlite3_value_blob (argv[0]), sqlite3_value_bytes (argv[0]), digest);
  hex = kb_hex_encode (digest, KB_SHA256_LEN);
  sqlite3_result_text (context, hex, -1, SQLITE_TRANSIENT);
}

static gboolean
configure_connection (KbDb    *db,
                      GError **error)
{
  const char *pragmas =
    "PRAGMA foreign_keys = ON;"
    "PRAGMA trusted_schema = OFF;"
    "PRAGMA synchronous = FULL;";

  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_create_function (db->handle, "kb_digest", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                           NULL, digest_function, NULL, NULL);

  if (!kb_db_exec (db, pragmas, error))
    return FALSE;

  if (!db->read_only)
    {
      sqlite3_stmt *stmt = kb_db_prepare (db, "PRAGMA journal_mode = WAL", error);

      if (stmt == NULL)
        return FALSE;
      if (sqlite3_step (stmt) != SQLITE_ROW ||
          g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                       _("Cannot switch the database to write-ahead logging"));
          sqlite3_reset (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }

  return TRUE;
}

static gboolean
migrate (KbDb    *db,
         GError **error)
{
  int version;
  int rc;

  if (!kb_db_begin (db, error))
    return FALSE;

  /* Read again under the write lock: another process may have migrated. */
  version = pragma_int (db->handle, "PRAGMA user_version", &rc);
  if (rc != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot read the schema version"));
      kb_db_rollback (db);
      return FALSE;
    }

  if (version == KB_DB_SCHEMA_VERSION)
    {
      kb_db_rollback (db);
      return TRUE;
    }
  if (version > KB_DB_SCHEMA_VERSION)
    {
      kb_db_rollback (db);
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TOO_NEW,
                   _("The database was written by a newer version of Kanribo"));
      return FALSE;
    }

  if (!kb_db_apply_schema (db->handle, version, KB_DB_SCHEMA_VERSION, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }

  {
    g_autofree char *detail = g_strdup_printf ("{\"from\":%d,\"to\":%d}",
                                               version, KB_DB_SCHEMA_VERSION);

    if (!kb_db_load_head (db, error) ||
        !kb_journal_append (db, version == 0 ? "database.create" : "database.upgrade",
                            NULL, 0, NULL, detail, error) ||
        (version < 2 && !kb_settings_init_defaults (db, error)))
      {
        kb_db_rollback (db);
        return FALSE;
      }
  }

  return kb_db_commit (db, error);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/**
 * kb_db_open:
 * @path: the database file
 * @flags: whether to create a missing file, or to open read-only
 * @error: return location for a #GError
 *
 * Opens a Kanribo database, creating it (folder 0700, file 0600) when asked,
 * and brings its schema up to date. A file that is not a database, is damaged,
 * belongs to another application or was written by a newer Kanribo is refused
 * before anything is written to it.
 *
 * Returns: (transfer full) (nullable): the connection
 */
KbDb *
kb_db_open (const char     *path,
            KbDbOpenFlags   flags,
            GError        **error)
{
  g_autoptr(KbDb) db = NULL;
  gboolean is_empty = FALSE;
  gboolean exists;
  int open_flags;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!kb_crypto_init (error))
    return NULL;

  exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!exists)
    {
      if (!(flags & KB_DB_OPEN_CREATE) || (flags & KB_DB_OPEN_READ_ONLY))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                       _("The database “%s” does not exist"), path);
          return NULL;
        }
      if (!create_file (path, error))
        return NULL;
      is_empty = TRUE;
    }
  else if (!(flags & KB_DB_OPEN_TRUSTED) && !inspect_existing (path, &is_empty, error))
    return NULL;

  if (is_empty && (flags & KB_DB_OPEN_READ_ONLY))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_A_DATABASE,
                   _("The database “%s” is empty"), path);
      return NULL;
    }

  db = g_new0 (KbDb, 1);
  db->path = g_strdup (path);
  db->read_only = (flags & KB_DB_OPEN_READ_ONLY) != 0;
  db->terminal = g_strdup (g_get_host_name ());
  db->saved_heads = g_array_new (FALSE, FALSE, sizeof (SavedHead));
  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  if (gcry_md_open (&db->md, GCRY_MD_SHA256, 0) != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                   _("Cannot set up SHA-256"));
      return NULL;
    }

  open_flags = SQLITE_OPEN_NOMUTEX |
               (db->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  rc = sqlite3_open_v2 (path, &db->handle, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      kb_sqlite_set_error (db->handle, rc, error, _("Cannot open the database"));
      return NULL;
    }

  if (!configure_connection (db, error))
    return NULL;

  if (!db->read_only && !migrate (db, error))
    return NULL;

  if (db->read_only)
    {
      int version = pragma_int (db->handle, "PRAGMA user_version", &rc);

      if (rc != SQLITE_OK || version != KB_DB_SCHEMA_VERSION)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TOO_NEW,
                       _("The database has schema version %d; open it once with this "
                         "version of Kanribo to upgrade it"), version);
          return NULL;
        }
    }

  return g_steal_pointer (&db);
}

void
kb_db_close (KbDb *db)
{
  if (db == NULL)
    return;

  if (db->in_transaction)
    kb_db_rollback (db);

  g_clear_pointer (&db->statements, g_hash_table_unref);
  g_clear_pointer (&db->saved_heads, g_array_unref);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  if (db->md != NULL)
    gcry_md_close (db->md);
  g_free (db->terminal);
  g_free (db->path);
  g_free (db);
}

const char *
kb_db_get_path (KbDb *db)
{
  return db->path;
}

sqlite3 *
kb_db_get_handle (KbDb *db)
{
  return db->handle;
}

/**
 * kb_db_get_anchor_path:
 *
 * The journal's anchor lives beside the database: the sequence number and
 * hash of the last entry this installation committed. Deleting the newest
 * entries of the journal together with their rows cannot be seen from inside
 * the file; the anchor makes it visible.
 *
 * Returns: (transfer full): the anchor file's path
 */
char *
kb_db_get_anchor_path (KbDb *db)
{
  return g_strconcat (db->path, "-anchor", NULL);
}

void
kb_db_set_actor (KbDb       *db,
                 gint64      operator_id,
                 const char *terminal)
{
  db->actor = operator_id;
  if (terminal != NULL && terminal[0] != '\0')
    {
      g_free (db->terminal);
      db->terminal = g_strdup (terminal);
    }
}

gint64
kb_db_get_actor (KbDb *db)
{
  return db->actor;
}

const char *
kb_db_get_terminal (KbDb *db)
{
  return db->terminal;
}

/**
 * kb_db_prepare:
 *
 * Returns: (transfer none) (nullable): a cached statement, reset and with
 *   its bindings cleared
 */
sqlite3_stmt *
kb_db_prepare (KbDb        *db,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
                          &stmt, NULL) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot prepare a query"));
      return NULL;
    }

  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
kb_db_exec (KbDb        *db,
            const char  *sql,
            GError     **error)
{
  if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Database error"));
      return FALSE;
    }
  return TRUE;
}

/* Steps a statement that returns no rows and resets it. */
gboolean
kb_db_step_done (KbDb          *db,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      kb_db_set_error (db, error, _("Cannot write to the database"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
kb_db_load_head (KbDb    *db,
                 GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = kb_db_prepare (db, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      db->head_seq = sqlite3_column_int64 (stmt, 0);
      if (sqlite3_column_bytes (stmt, 1) != KB_SHA256_LEN)
        {
          sqlite3_reset (stmt);
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED,
                       _("The last journal entry (%" PRId64 ") has a malformed hash"),
                       db->head_seq);
          return FALSE;
        }
      memcpy (db->head_hash, sqlite3_column_blob (stmt, 1), KB_SHA256_LEN);
    }
  else if (rc == SQLITE_DONE)
    {
      db->head_seq = 0;
      memset (db->head_hash, 0, KB_SHA256_LEN);
    }
  else
    {
      kb_db_set_error (db, error, _("Cannot read the journal"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  db->committed_seq = db->head_seq;

  return TRUE;
}

/**
 * kb_db_begin:
 *
 * Starts a write transaction (BEGIN IMMEDIATE, so that a busy database is
 * noticed here and not half-way through) and reads the journal's head, which
 * another process may have moved. Inside a transaction it starts a savepoint
 * instead, so that several changes can be made all or nothing.
 */
gboolean
kb_db_begin (KbDb    *db,
             GError **error)
{
  if (db->read_only)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY,
                   _("The database is open read-only"));
      return FALSE;
    }

  if (db->in_transaction)
    {
      SavedHead saved;

      if (!kb_db_exec (db, "SAVEPOINT kb", error))
        return FALSE;
      saved.seq = db->head_seq;
      memcpy (saved.hash, db->head_hash, KB_SHA256_LEN);
      g_array_append_val (db->saved_heads, saved);
      db->depth++;
      return TRUE;
    }

  if (!kb_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  db->in_transaction = TRUE;
  db->depth = 0;

  /* The journal table does not exist yet while the first migration runs. */
  if (sqlite3_table_column_metadata (db->handle, NULL, "journal", "seq",
                                     NULL, NULL, NULL, NULL, NULL) == SQLITE_OK &&
      !kb_db_load_head (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

static void
write_anchor (KbDb *db)
{
  g_autofree char *path = kb_db_get_anchor_path (db);
  g_autofree char *hex = kb_hex_encode (db->head_hash, KB_SHA256_LEN);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  contents = g_strdup_printf ("kanribo-anchor 1\n%" PRId64 " %s\n", db->head_seq, hex);
  /* The commit has happened; a failure here only weakens the check for a
   * truncated journal, and --verify will say the anchor is behind. */
  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    g_message ("Could not update the journal anchor: %s", error->message);
}

gboolean
kb_db_commit (KbDb    *db,
              GError **error)
{
  g_return_val_if_fail (db->in_transaction, FALSE);

  if (db->depth > 0)
    {
      if (!kb_db_exec (db, "RELEASE kb", error))
        {
          kb_db_rollback (db);
          return FALSE;
        }
      g_array_set_size (db->saved_heads, db->saved_heads->len - 1);
      db->depth--;
      return TRUE;
    }

  if (sqlite3_exec (db->handle, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot save the change"));
      kb_db_rollback (db);
      return FALSE;
    }
  db->in_transaction = FALSE;

  if (db->head_seq != db->committed_seq)
    {
      db->committed_seq = db->head_seq;
      write_anchor (db);
    }

  return TRUE;
}

void
kb_db_rollback (KbDb *db)
{
  if (!db->in_transaction)
    return;

  if (db->depth > 0)
    {
      SavedHead *saved = &g_array_index (db->saved_heads, SavedHead, db->saved_heads->len - 1);

      sqlite3_exec (db->handle, "ROLLBACK TO kb; RELEASE kb", NULL, NULL, NULL);
      db->head_seq = saved->seq;
      memcpy (db->head_hash, saved->hash, KB_SHA256_LEN);
      g_array_set_size (db->saved_heads, db->saved_heads->len - 1);
      db->depth--;
      return;
    }

  /* After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled
   * back; ROLLBACK then fails harmlessly. */
  if (sqlite3_get_autocommit (db->handle) == 0)
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  db->in_transaction = FALSE;
  db->head_seq = db->committed_seq;
}

gboolean
kb_db_in_transaction (KbDb *db)
{
  return db->in_transaction;
}
