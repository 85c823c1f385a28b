/* kb-backup.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encrypted backups (データのバックアップ). File format, version 1; all
 * integers little-endian, and the whole header is GCM associated data:
 *
 *   offset  size
 *        0    16  magic "KANRIBO-BACKUP\n\0"
 *       16     4  format version (1)
 *       20     4  header length (92)
 *       24     4  Argon2id memory, KiB
 *       28     4  Argon2id passes
 *       32     4  Argon2id lanes
 *       36    16  Argon2id salt
 *       52    12  AES-256-GCM nonce
 *       64     4  schema version of the database inside
 *       68     8  made at, Unix seconds
 *       76     8  journal head (sequence number) inside
 *       84     8  plaintext length
 *       92     …  ciphertext: the SQLite database file
 *   92 + n    16  GCM tag
 *
 * The key is Argon2id (passphrase, salt), 32 bytes, in secure memory. The
 * tag is checked before anything trusts the plaintext; the plaintext is
 * only ever written to a private temporary folder.
 */

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <gcrypt.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kb-admin.h"
#include "kb-backup.h"
#include "kb-canon.h"
#include "kb-crypto.h"
#include "kb-db-private.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-password.h"
#include "kb-settings.h"

G_DEFINE_QUARK (kb-backup-error-quark, kb_backup_error)

#define SETTING_PASSPHRASE "backup-passphrase"

static const char magic[16] = "KANRIBO-BACKUP\n";   /* and its terminating NUL */

#define HEADER_LEN  92
#define SALT_LEN    16
#define NONCE_LEN   12
#define TAG_LEN     16
#define KEY_LEN     32
#define CHUNK       (1 << 20)
#define STEP_PAGES  4096

/* A backup small enough is copied into memory rather than a temporary
 * file; KB_BACKUP_MEMORY_LIMIT (bytes) overrides it for tests and
 * benchmarks. */
#define DEFAULT_MEMORY_LIMIT (G_GINT64_CONSTANT (1) << 30)

typedef struct {
  guint32 version;
  guint32 header_len;
  guint32 m_kib;
  guint32 t;
  guint32 p;
  guint8  salt[SALT_LEN];
  guint8  nonce[NONCE_LEN];
  guint32 schema;
  gint64  made_at;
  gint64  journal_seq;
  guint64 length;
} Header;

void
kb_backup_info_clear (KbBackupInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->digest, g_free);
  memset (info, 0, sizeof *info);
}

/* --- little helpers --------------------------------------------------------- */

static void
put32 (guint8  *p,
       guint32  v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static void
put64 (guint8  *p,
       guint64  v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
get64 (const guint8 *p)
{
  return (guint64) get32 (p) | (guint64) get32 (p + 4) << 32;
}

static void
header_encode (const Header *h,
               guint8        out[HEADER_LEN])
{
  memcpy (out, magic, 16);
  put32 (out + 16, h->version);
  put32 (out + 20, h->header_len);
  put32 (out + 24, h->m_kib);
  put32 (out + 28, h->t);
  put32 (out + 32, h->p);
  memcpy (out + 36, h->salt, SALT_LEN);
  memcpy (out + 52, h->nonce, NONCE_LEN);
  put32 (out + 64, h->schema);
  put64 (out + 68, (guint64) h->made_at);
  put64 (out + 76, (guint64) h->journal_seq);
  put64 (out + 84, h->length);
}

static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FULL,
                 _("%s “%s”: the disk is full"), what, path);
  else
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                 "%s “%s”: %s", what, path, g_strerror (saved_errno));
}

static gboolean
write_all (int          fd,
           const void  *data,
           gsize        len,
           const char  *path,
           GError     **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_io_error (error, errno, _("Cannot write"), path);
          return FALSE;
        }
      p += n;
      len -= n;
    }
  return TRUE;
}

/* Reads exactly @len bytes unless the file ends first; returns how many. */
static gssize
read_full (int          fd,
           void        *data,
           gsize        len,
           const char  *path,
           GError     **error)
{
  guint8 *p = data;
  gsize done = 0;

  while (done < len)
    {
      gssize n = read (fd, p + done, len - done);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_io_error (error, errno, _("Cannot read"), path);
          return -1;
        }
      if (n == 0)
        break;
      done += n;
    }
  return done;
}

static gboolean
fsync_dir (const char  *dir,
           GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      set_io_error (error, saved, _("Cannot save the folder"), dir);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Removes a private temporary folder and whatever SQLite left in it. */
static void
remove_dir (const char *dir)
{
  GDir *d;
  const char *name;

  if (dir == NULL)
    return;
  d = g_dir_open (dir, 0, NULL);
  if (d != NULL)
    {
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_unlink (path);
        }
      g_dir_close (d);
    }
  g_rmdir (dir);
}

static char *
file_path (GFile   *file,
           GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                 _("Backups are written to and read from local files only"));
  return path;
}

/* The acting operator must hold one of @roles; the command line (no actor)
 * passes, knowing the passphrase being its authority. */
static gboolean
require_roles (KbDb        *db,
               KbRoles      roles,
               const char  *message,
               GError     **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gboolean ok;

  if (actor == 0)
    return TRUE;
  stmt = kb_db_prepare (db, "SELECT roles, active FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor);
  ok = sqlite3_step (stmt) == SQLITE_ROW &&
       (sqlite3_column_int (stmt, 0) & roles) != 0 &&
       sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);
  if (!ok)
    g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED, message);
  return ok;
}

/* --- the key ---------------------------------------------------------------- */

typedef struct {
  const char   *passphrase;
  const Header *h;
  guint8       *key;       /* KEY_LEN bytes of secure memory */
  GError       *error;
} Derive;

static gpointer
derive_key (gpointer data)
{
  Derive *d = data;
  unsigned long param[4] = { KEY_LEN, d->h->t, d->h->m_kib, d->h->p };
  gcry_kdf_hd_t hd = NULL;
  gcry_error_t err;

  err = gcry_kdf_open (&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, param, 4,
                       d->passphrase, strlen (d->passphrase), d->h->salt, SALT_LEN,
                       NULL, 0, NULL, 0);
  if (err == 0)
    err = gcry_kdf_compute (hd, NULL);
  if (err == 0)
    err = gcry_kdf_final (hd, KEY_LEN, d->key);
  if (hd != NULL)
    gcry_kdf_close (hd);
  if (err != 0)
    g_set_error (&d->error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                 _("Cannot derive the backup key: %s"), gcry_strerror (err));
  return NULL;
}

/* The verifier check, on a thread of its own while the pages are copied. */
typedef struct {
  const char *passphrase;
  char       *verifier;
  gboolean    ok;
  GError     *error;
} Check;

static gpointer
check_thread (gpointer data)
{
  Check *c = data;

  c->ok = kb_password_verify (c->passphrase, c->verifier, NULL, &c->error);
  return NULL;
}

static gboolean
check_finish (GThread  **thread,
              Check     *c,
              GError   **error)
{
  if (*thread != NULL)
    g_thread_join (g_steal_pointer (thread));
  if (c->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&c->error));
      return FALSE;
    }
  if (!c->ok)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE,
                   _("The backup passphrase is wrong"));
      return FALSE;
    }
  return TRUE;
}

static guint8 *
key_new (GError **error)
{
  guint8 *key = gcry_malloc_secure (KEY_LEN);

  if (key == NULL)
    g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED, _("Out of secure memory"));
  return key;
}

static void
key_free (guint8 *key)
{
  if (key != NULL)
    {
      explicit_bzero (key, KEY_LEN);
      gcry_free (key);
    }
}

static gcry_cipher_hd_t
cipher_new (const guint8  *key,
            const Header  *h,
            const guint8   header[HEADER_LEN],
            GError       **error)
{
  gcry_cipher_hd_t hd = NULL;
  gcry_error_t err;

  err = gcry_cipher_open (&hd, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, GCRY_CIPHER_SECURE);
  if (err == 0)
    err = gcry_cipher_setkey (hd, key, KEY_LEN);
  if (err == 0)
    err = gcry_cipher_setiv (hd, h->nonce, NONCE_LEN);
  if (err == 0)
    err = gcry_cipher_authenticate (hd, header, HEADER_LEN);
  if (err != 0)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("Cannot set up AES-256-GCM: %s"), gcry_strerror (err));
      if (hd != NULL)
        gcry_cipher_close (hd);
      return NULL;
    }
  return hd;
}

/* --- the passphrase ----------------------------------------------------------- */

gboolean
kb_backup_has_passphrase (KbDb      *db,
                          gboolean  *has_passphrase,
                          GError   **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *verifier = kb_settings_get (db, SETTING_PASSPHRASE, &local);

  g_return_val_if_fail (has_passphrase != NULL, FALSE);

  *has_passphrase = FALSE;
  if (verifier == NULL && !g_error_matches (local, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  *has_passphrase = verifier != NULL && verifier[0] != '\0';
  return TRUE;
}

/* The stored verifier, or NO_PASSPHRASE when none is set (and
 * WRONG_PASSPHRASE when @passphrase is empty). */
static char *
read_verifier (KbDb        *db,
               const char  *passphrase,
               GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *verifier = kb_settings_get (db, SETTING_PASSPHRASE, &local);

  if (verifier == NULL || verifier[0] == '\0')
    {
      if (local != NULL && !g_error_matches (local, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_NO_PASSPHRASE,
                     _("No backup passphrase is set: a security officer sets it first"));
      return NULL;
    }
  if (passphrase == NULL || passphrase[0] == '\0')
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE,
                   _("Enter the backup passphrase"));
      return NULL;
    }
  return g_steal_pointer (&verifier);
}

/* Checks @passphrase against the stored verifier: NO_PASSPHRASE when none
 * is set, WRONG_PASSPHRASE when it does not match. */
static gboolean
check_passphrase (KbDb        *db,
                  const char  *passphrase,
                  GError     **error)
{
  g_autofree char *verifier = read_verifier (db, passphrase, error);

  if (verifier == NULL)
    return FALSE;
  if (!kb_password_verify (passphrase, verifier, NULL, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE,
                     _("The backup passphrase is wrong"));
      return FALSE;
    }
  return TRUE;
}

/**
 * kb_backup_set_passphrase:
 * @current: (nullable): the passphrase now set; needed to change it
 * @passphrase: the new one, at least %KB_BACKUP_MIN_PASSPHRASE characters
 *
 * Stores an Argon2id verifier of @passphrase in the settings, journaled as
 * "backup.passphrase". Only an officer (or the command line) sets it.
 */
gboolean
kb_backup_set_passphrase (KbDb        *db,
                          const char  *current,
                          const char  *passphrase,
                          GError     **error)
{
  g_autofree char *verifier = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  gboolean has = FALSE;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  KbCanon canon;

  g_return_val_if_fail (db != NULL, FALSE);

  if (!require_roles (db, KB_ROLES_OFFICERS,
                      _("Only a security officer can set the backup passphrase"), error))
    return FALSE;

  if (passphrase == NULL || !g_utf8_validate (passphrase, -1, NULL) ||
      g_utf8_strlen (passphrase, -1) < KB_BACKUP_MIN_PASSPHRASE)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The backup passphrase needs at least %d character",
                                "The backup passphrase needs at least %d characters",
                                KB_BACKUP_MIN_PASSPHRASE),
                   KB_BACKUP_MIN_PASSPHRASE);
      return FALSE;
    }
  for (const char *p = passphrase; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE,
                     _("The backup passphrase cannot contain control characters"));
        return FALSE;
      }

  if (!kb_backup_has_passphrase (db, &has, error))
    return FALSE;
  if (has)
    {
      if (current == NULL || current[0] == '\0')
        {
          g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE,
                       _("Enter the current backup passphrase to change it"));
          return FALSE;
        }
      if (!check_passphrase (db, current, error))
        return FALSE;
      if (strcmp (current, passphrase) == 0)
        {
          g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE,
                       _("The new backup passphrase is the same as the current one"));
          return FALSE;
        }
    }

  verifier = kb_password_hash (passphrase, error);
  if (verifier == NULL || !kb_db_begin (db, error))
    return FALSE;

  stmt = kb_db_prepare (db, "SELECT id FROM settings WHERE key = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, SETTING_PASSPHRASE, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = kb_db_prepare (db, id != 0 ? "UPDATE settings SET value = ?2 WHERE id = ?3"
                                    : "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, SETTING_PASSPHRASE, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, verifier, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  if (id == 0)
    id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  kb_canon_init (&canon, detail);
  kb_canon_add_string (&canon, "change", has ? "changed" : "set");
  kb_canon_finish (&canon);

  if (!kb_journal_record (db, "backup.passphrase", "setting", id, detail->str, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* --- making --------------------------------------------------------------------- */

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gint64
memory_limit (void)
{
  const char *env = g_getenv ("KB_BACKUP_MEMORY_LIMIT");
  gint64 limit = DEFAULT_MEMORY_LIMIT;
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);
  gint64 v;

  if (env != NULL && g_ascii_string_to_signed (env, 10, 0, G_MAXINT64, &v, NULL))
    return v;
  /* Never more than a quarter of the memory there is. */
  if (pages > 0 && page_size > 0)
    limit = MIN (limit, (gint64) pages * page_size / 4);
  return limit;
}

typedef struct {
  KbProgressFunc progress;
  gpointer       user_data;
  gint64         offset;   /* added to done */
  gint64         total;
} Progress;

static void
report (Progress *p,
        gint64    done)
{
  if (p->progress != NULL)
    p->progress (p->offset + done, p->total, p->user_data);
}

static int
sqlite_pragma_int (sqlite3    *handle,
                   const char *sql,
                   gint64     *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

static void
restore_mmap (sqlite3 *handle,
              gint64   size)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA mmap_size = %" PRId64, size);

  sqlite3_exec (handle, sql, NULL, NULL, NULL);
}

/* Copies the live database into @dest (a fresh connection) page by page,
 * inside the read transaction the caller holds on @src, so that the copy
 * is one consistent state however long it takes. */
static gboolean
copy_pages (sqlite3       *dest,
            sqlite3       *src,
            Progress      *progress,
            gint64         page_size,
            GCancellable  *cancellable,
            GError       **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (dest, "main", src, "main");
  int rc;

  if (backup == NULL)
    {
      kb_sqlite_set_error (dest, sqlite3_errcode (dest), error, _("Cannot copy the database"));
      return FALSE;
    }
  do
    {
      rc = sqlite3_backup_step (backup, STEP_PAGES);
      report (progress, (gint64) (sqlite3_backup_pagecount (backup) -
                                  sqlite3_backup_remaining (backup)) * page_size);
      if (rc == SQLITE_OK && g_cancellable_is_cancelled (cancellable))
        {
          sqlite3_backup_finish (backup);
          return !g_cancellable_set_error_if_cancelled (cancellable, error);
        }
    }
  while (rc == SQLITE_OK);

  if (rc != SQLITE_DONE)
    {
      sqlite3_backup_finish (backup);
      kb_sqlite_set_error (NULL, rc, error, _("Cannot copy the database"));
      return FALSE;
    }
  rc = sqlite3_backup_finish (backup);
  if (rc != SQLITE_OK)
    {
      kb_sqlite_set_error (dest, rc, error, _("Cannot copy the database"));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const guint8 *memory;     /* the plaintext in memory, or */
  int           fd;         /* read from this file */
  const char   *fd_path;
} Source;

/* SHA-256 of the file on a thread of its own, a chunk behind the
 * encryption: the two take about as long, and there are two cores. */
#define N_BUFFERS 4

typedef struct {
  const guint8 *data;   /* NULL: the end */
  gsize         len;
} Chunk;

typedef struct {
  gcry_md_hd_t  md;
  GAsyncQueue  *todo;
  GAsyncQueue  *done;
  GThread      *thread;
  Chunk         end;
} Hasher;

static gpointer
hasher_run (gpointer data)
{
  Hasher *hs = data;

  for (;;)
    {
      Chunk *c = g_async_queue_pop (hs->todo);

      if (c->data == NULL)
        break;
      gcry_md_write (hs->md, c->data, c->len);
      g_async_queue_push (hs->done, c);
    }
  return NULL;
}

static void
hasher_start (Hasher       *hs,
              gcry_md_hd_t  md)
{
  hs->md = md;
  hs->todo = g_async_queue_new ();
  hs->done = g_async_queue_new ();
  hs->thread = g_thread_new ("kb-backup-sha256", hasher_run, hs);
}

/* Waits until every chunk given is hashed. */
static void
hasher_stop (Hasher *hs)
{
  if (hs->thread == NULL)
    return;
  g_async_queue_push (hs->todo, &hs->end);
  g_thread_join (g_steal_pointer (&hs->thread));
  g_clear_pointer (&hs->todo, g_async_queue_unref);
  g_clear_pointer (&hs->done, g_async_queue_unref);
}

/* Encrypts the plaintext into a new file beside @dest_path, syncs it and
 * renames it over @dest_path. Nothing is left behind on failure. */
static gboolean
encrypt_to_file (const Source  *src,
                 const Header  *h,
                 const guint8  *key,
                 const char    *dest_path,
                 Progress      *progress,
                 GCancellable  *cancellable,
                 guint64       *size_out,
                 char         **digest_out,
                 GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (dest_path);
  g_autofree char *tmp = g_strconcat (dest_path, ".tmp-XXXXXX", NULL);
  g_autofree guint8 *in_buf = NULL;
  g_autofree guint8 *out_bufs = g_malloc ((gsize) CHUNK * N_BUFFERS);
  Chunk chunks[N_BUFFERS];
  Hasher hasher = { 0 };
  guint64 n_chunks = 0;
  guint8 header[HEADER_LEN];
  guint8 tag[TAG_LEN];
  gcry_cipher_hd_t cipher = NULL;
  gcry_md_hd_t md = NULL;
  guint64 done = 0;
  gint64 started = g_get_monotonic_time ();
  gcry_error_t err;
  int fd;

  header_encode (h, header);
  cipher = cipher_new (key, h, header, error);
  if (cipher == NULL)
    return FALSE;
  if (gcry_md_open (&md, GCRY_MD_SHA256, 0) != 0)
    {
      gcry_cipher_close (cipher);
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED, _("Cannot set up SHA-256"));
      return FALSE;
    }
  if (src->memory == NULL)
    in_buf = g_malloc (CHUNK);

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, errno, _("Cannot create"), tmp);
      gcry_cipher_close (cipher);
      gcry_md_close (md);
      return FALSE;
    }

  if (!write_all (fd, header, HEADER_LEN, tmp, error))
    goto failed;
  gcry_md_write (md, header, HEADER_LEN);
  hasher_start (&hasher, md);

  while (done < h->length)
    {
      gsize n = MIN ((guint64) CHUNK, h->length - done);
      guint k = n_chunks++ % N_BUFFERS;
      guint8 *out_buf = out_bufs + (gsize) k * CHUNK;
      const guint8 *in;

      /* The buffer is free again once its chunk of N_BUFFERS ago is hashed. */
      if (n_chunks > N_BUFFERS)
        g_async_queue_pop (hasher.done);

      if (src->memory != NULL)
        in = src->memory + done;
      else
        {
          gssize got = read_full (src->fd, in_buf, n, src->fd_path, error);

          if (got < 0)
            goto failed;
          if ((gsize) got != n)
            {
              g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                           _("The copy of the database ended early"));
              goto failed;
            }
          in = in_buf;
        }
      err = gcry_cipher_encrypt (cipher, out_buf, n, in, n);
      if (err != 0)
        {
          g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                       _("Cannot encrypt the backup: %s"), gcry_strerror (err));
          goto failed;
        }
      chunks[k].data = out_buf;
      chunks[k].len = n;
      g_async_queue_push (hasher.todo, &chunks[k]);
      if (!write_all (fd, out_buf, n, tmp, error))
        goto failed;
      done += n;
      report (progress, done);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;
    }

  hasher_stop (&hasher);
  err = gcry_cipher_gettag (cipher, tag, TAG_LEN);
  if (err != 0)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("Cannot encrypt the backup: %s"), gcry_strerror (err));
      goto failed;
    }
  gcry_md_write (md, tag, TAG_LEN);
  if (!write_all (fd, tag, TAG_LEN, tmp, error))
    goto failed;

  g_debug ("backup: encrypted and written in %.0f ms", ms_since (started));
  if (fsync (fd) != 0)
    {
      set_io_error (error, errno, _("Cannot write"), tmp);
      goto failed;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      set_io_error (error, errno, _("Cannot write"), tmp);
      goto failed;
    }
  fd = -1;
  if (g_rename (tmp, dest_path) != 0)
    {
      set_io_error (error, errno, _("Cannot write"), dest_path);
      goto failed;
    }
  if (!fsync_dir (dir, error))
    {
      /* It is in place, but may not survive a power cut: say so, and do
       * not leave a file that the register would not know. */
      g_unlink (dest_path);
      goto failed_closed;
    }

  *size_out = HEADER_LEN + h->length + TAG_LEN;
  *digest_out = kb_hex_encode (gcry_md_read (md, GCRY_MD_SHA256), KB_SHA256_LEN);
  gcry_cipher_close (cipher);
  gcry_md_close (md);
  return TRUE;

failed:
  hasher_stop (&hasher);
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
failed_closed:
  gcry_cipher_close (cipher);
  gcry_md_close (md);
  return FALSE;
}

static gboolean
record_backup (KbDb          *db,
               const Header  *h,
               const char    *path,
               guint64        size,
               const char    *digest,
               gint64        *id_out,
               GError       **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gint64 id;

  if (!kb_db_begin (db, error))
    return FALSE;
  stmt = kb_db_prepare (db,
                        "INSERT INTO backups (made_at, made_by, path, size, digest, journal_seq)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, h->made_at);
  if (actor > 0)
    sqlite3_bind_int64 (stmt, 2, actor);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_text (stmt, 3, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, (gint64) size);
  sqlite3_bind_text (stmt, 5, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, h->journal_seq);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  if (!kb_journal_record (db, "backup.make", "backup", id, NULL, error) ||
      !kb_db_commit (db, error))
    goto failed;
  *id_out = id;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* The database, or one of the files SQLite and the journal keep beside it. */
static gboolean
is_database_file (KbDb       *db,
                  const char *path)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal", "-anchor" };
  g_autofree char *db_path = g_canonicalize_filename (kb_db_get_path (db), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (db_path, suffixes[i], NULL);

      if (g_strcmp0 (name, path) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * kb_backup_make:
 * @db: the live database
 * @passphrase: the backup passphrase (checked against the verifier)
 * @dest: where to write the backup
 * @progress: (nullable): bytes copied and encrypted so far, of the total
 * @info: (out caller-allocates) (optional): what was written
 *
 * Returns: the id of the new row in the backups register; 0 when the
 *   database is read-only (the file is written but not recorded); -1 on
 *   error, with nothing left at @dest's place
 */
gint64
kb_backup_make (KbDb           *db,
                const char     *passphrase,
                GFile          *dest,
                KbProgressFunc  progress,
                gpointer        user_data,
                GCancellable   *cancellable,
                KbBackupInfo   *info,
                GError        **error)
{
  g_autofree char *dest_path = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *digest = NULL;
  sqlite3 *live = NULL;
  sqlite3 *copy = NULL;
  guint8 *key = NULL;
  GThread *thread = NULL;
  GThread *check_thread_handle = NULL;
  Check check = { 0 };
  Derive derive = { 0 };
  Header h = { 0 };
  gint64 mmap_before = 0;
  Progress prog = { progress, user_data, 0, 0 };
  gboolean in_read = FALSE;
  gboolean in_memory;
  gint64 page_size = 0, page_count = 0, schema = 0, head = 0;
  guint64 size = 0;
  gint64 id = -1;
  Source src = { NULL, -1, NULL };
  unsigned char *serialized = NULL;
  gboolean serialized_copy = FALSE;
  sqlite3_int64 serialized_len = 0;
  gint64 started = g_get_monotonic_time ();
  int rc;

  g_return_val_if_fail (db != NULL, -1);
  g_return_val_if_fail (G_IS_FILE (dest), -1);
  g_return_val_if_fail (info == NULL || info->digest == NULL, -1);

  if (kb_db_in_transaction (db))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("Cannot back up in the middle of a change"));
      return -1;
    }
  if (!require_roles (db, KB_ROLES_BACKUP_MAKERS,
                      _("Only a security officer or the network administrator can make "
                        "backups"), error))
    return -1;
  dest_path = file_path (dest, error);
  if (dest_path == NULL)
    return -1;
  if (is_database_file (db, dest_path))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("A backup cannot be written over the database itself"));
      return -1;
    }
  if (g_file_test (dest_path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("“%s” is a folder"), dest_path);
      return -1;
    }

  /* The verifier check and the key are two Argon2id runs of a quarter of
   * a second of one core each: they run on threads of their own while
   * the pages are copied (into memory; a copy through a file waits for the
   * check). Nothing is written or recorded before the check passed. */
  check.passphrase = passphrase;
  check.verifier = read_verifier (db, passphrase, error);
  if (check.verifier == NULL)
    return -1;
  h.version = KB_BACKUP_FORMAT_VERSION;
  h.header_len = HEADER_LEN;
  h.m_kib = KB_ARGON2_MEMORY_KIB;
  h.t = KB_ARGON2_ITERATIONS;
  h.p = KB_ARGON2_PARALLELISM;
  gcry_randomize (h.salt, SALT_LEN, GCRY_STRONG_RANDOM);
  gcry_create_nonce (h.nonce, NONCE_LEN);

  key = key_new (error);
  if (key == NULL)
    goto out;
  derive.passphrase = passphrase;
  derive.h = &h;
  derive.key = key;
  thread = g_thread_new ("kb-backup-key", derive_key, &derive);
  check_thread_handle = g_thread_new ("kb-backup-check", check_thread, &check);

  /* One read transaction over the whole copy: a consistent state, whatever
   * other connections write meanwhile (WAL lets them). */
  live = kb_db_get_handle (db);
  /* Reading the pages through a memory map spares a system call for each. */
  sqlite_pragma_int (live, "PRAGMA mmap_size", &mmap_before);
  sqlite3_exec (live, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
  if (sqlite3_exec (live, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot read the database"));
      goto out;
    }
  in_read = TRUE;
  if ((rc = sqlite_pragma_int (live, "SELECT ifnull (max (seq), 0) FROM journal", &head)) != SQLITE_OK ||
      (rc = sqlite_pragma_int (live, "PRAGMA user_version", &schema)) != SQLITE_OK ||
      (rc = sqlite_pragma_int (live, "PRAGMA page_size", &page_size)) != SQLITE_OK ||
      (rc = sqlite_pragma_int (live, "PRAGMA page_count", &page_count)) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot read the database"));
      goto out;
    }
  h.schema = schema;
  h.journal_seq = head;
  h.made_at = time (NULL);
  prog.total = 2 * page_size * page_count;

  in_memory = page_size * page_count <= memory_limit ();
  if (in_memory)
    {
      sqlite3_int64 limit = page_size * page_count + 16 * page_size;
      unsigned char *buf;

      /* An in-memory database over a buffer of the right size from the
       * start, so that it never grows by copying. */
      rc = sqlite3_open_v2 (":memory:", &copy,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            NULL);
      buf = rc == SQLITE_OK ? sqlite3_malloc64 (limit) : NULL;
      if (rc == SQLITE_OK && buf == NULL)
        rc = SQLITE_NOMEM;
      if (rc == SQLITE_OK)
        rc = sqlite3_deserialize (copy, "main", buf, 0, limit,
                                  SQLITE_DESERIALIZE_FREEONCLOSE |
                                  SQLITE_DESERIALIZE_RESIZEABLE);
      if (rc == SQLITE_OK)
        sqlite3_file_control (copy, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
    }
  else if (!check_finish (&check_thread_handle, &check, error))
    goto out;
  else
    {
      g_autofree char *dir = g_path_get_dirname (kb_db_get_path (db));
      int fd;

      /* Beside the live file, no more exposed than it is. */
      tmp_path = g_build_filename (dir, ".kanribo-backup-XXXXXX", NULL);
      fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          set_io_error (error, errno, _("Cannot create"), tmp_path);
          g_clear_pointer (&tmp_path, g_free);
          goto out;
        }
      close (fd);
      rc = sqlite3_open_v2 (tmp_path, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    }
  if (rc != SQLITE_OK)
    {
      kb_sqlite_set_error (copy, rc, error, _("Cannot create the copy of the database"));
      goto out;
    }
  /* A scratch copy: no journal, no syncing. */
  sqlite3_exec (copy, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL, NULL);

  if (!copy_pages (copy, live, &prog, page_size, cancellable, error))
    goto out;
  g_debug ("backup: %" PRId64 " pages copied %s at %.0f ms", page_count,
           in_memory ? "to memory" : "to a file", ms_since (started));
  sqlite3_exec (live, "COMMIT", NULL, NULL, NULL);
  in_read = FALSE;
  restore_mmap (live, mmap_before);

  if (!check_finish (&check_thread_handle, &check, error))
    goto out;
  g_thread_join (g_steal_pointer (&thread));
  g_debug ("backup: passphrase checked and key derived at %.0f ms", ms_since (started));
  if (derive.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&derive.error));
      goto out;
    }

  if (in_memory)
    {
      serialized = sqlite3_serialize (copy, "main", &serialized_len, SQLITE_SERIALIZE_NOCOPY);
      if (serialized == NULL)
        {
          serialized = sqlite3_serialize (copy, "main", &serialized_len, 0);
          serialized_copy = TRUE;
        }
      if (serialized == NULL)
        {
          g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                       _("Cannot copy the database: out of memory"));
          goto out;
        }
      src.memory = serialized;
      h.length = serialized_len;
    }
  else
    {
      GStatBuf st;

      sqlite3_close_v2 (copy);
      copy = NULL;
      src.fd = g_open (tmp_path, O_RDONLY | O_CLOEXEC, 0);
      if (src.fd < 0 || fstat (src.fd, &st) != 0)
        {
          set_io_error (error, errno, _("Cannot read"), tmp_path);
          goto out;
        }
      src.fd_path = tmp_path;
      h.length = st.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
      posix_fadvise (src.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }

  prog.offset = prog.total / 2;
  prog.total = prog.offset + h.length;
  if (!encrypt_to_file (&src, &h, key, dest_path, &prog, cancellable, &size, &digest, error))
    goto out;
  g_debug ("backup: encrypted, written and synced at %.0f ms", ms_since (started));

  id = 0;
  {
    g_autoptr(GError) local = NULL;

    if (!record_backup (db, &h, dest_path, size, digest, &id, &local))
      {
        if (!g_error_matches (local, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY))
          {
            /* Unrecorded, it would be a backup nobody knows of. */
            g_unlink (dest_path);
            g_propagate_error (error, g_steal_pointer (&local));
            id = -1;
            goto out;
          }
        id = 0;
      }
  }

  if (info != NULL)
    {
      info->format_version = h.version;
      info->schema_version = h.schema;
      info->made_at = h.made_at;
      info->journal_seq = h.journal_seq;
      info->size = size;
      info->digest = g_steal_pointer (&digest);
      info->n_entries = 0;
    }

out:
  if (thread != NULL)
    {
      g_thread_join (thread);
      g_clear_error (&derive.error);
    }
  if (check_thread_handle != NULL)
    g_thread_join (check_thread_handle);
  g_clear_error (&check.error);
  g_free (check.verifier);
  key_free (key);
  if (in_read)
    sqlite3_exec (live, "ROLLBACK", NULL, NULL, NULL);
  if (live != NULL)
    restore_mmap (live, mmap_before);
  if (serialized_copy)
    sqlite3_free (serialized);
  if (src.fd >= 0)
    close (src.fd);
  if (copy != NULL)
    sqlite3_close_v2 (copy);
  if (tmp_path != NULL)
    g_unlink (tmp_path);
  return id;
}

/* --- reading a backup ---------------------------------------------------------- */

static gboolean
parse_header (const guint8  *buf,
              gsize          len,
              guint64        file_size,
              const char    *path,
              Header        *h,
              GError       **error)
{
  if (len < sizeof magic)
    {
      if (len > 0 && memcmp (buf, magic, len) == 0)
        g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TRUNCATED,
                     _("“%s” is cut short: not even its header is complete"), path);
      else
        g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_NOT_A_BACKUP,
                     _("“%s” is not a Kanribo backup"), path);
      return FALSE;
    }
  if (memcmp (buf, magic, sizeof magic) != 0)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_NOT_A_BACKUP,
                   _("“%s” is not a Kanribo backup"), path);
      return FALSE;
    }
  if (len < 24)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TRUNCATED,
                   _("“%s” is cut short: not even its header is complete"), path);
      return FALSE;
    }
  h->version = get32 (buf + 16);
  h->header_len = get32 (buf + 20);
  if (h->version > KB_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TOO_NEW,
                   _("“%s” was made by a newer version of Kanribo (backup format %u; this "
                     "version reads format %d). Update Kanribo to restore it."),
                   path, h->version, KB_BACKUP_FORMAT_VERSION);
      return FALSE;
    }
  if (h->version == 0 || h->header_len != HEADER_LEN)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                   _("The header of “%s” is damaged"), path);
      return FALSE;
    }
  if (len < HEADER_LEN)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TRUNCATED,
                   _("“%s” is cut short: not even its header is complete"), path);
      return FALSE;
    }
  h->m_kib = get32 (buf + 24);
  h->t = get32 (buf + 28);
  h->p = get32 (buf + 32);
  memcpy (h->salt, buf + 36, SALT_LEN);
  memcpy (h->nonce, buf + 52, NONCE_LEN);
  h->schema = get32 (buf + 64);
  h->made_at = (gint64) get64 (buf + 68);
  h->journal_seq = (gint64) get64 (buf + 76);
  h->length = get64 (buf + 84);

  if (h->schema > KB_DB_SCHEMA_VERSION)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TOO_NEW,
                   _("“%s” holds a database of a newer version of Kanribo (schema %u; this "
                     "version knows up to %d). Update Kanribo to restore it."),
                   path, h->schema, KB_DB_SCHEMA_VERSION);
      return FALSE;
    }
  /* Bounded like stored password hashes, so that an edited header cannot
   * make opening it take minutes or exhaust memory. */
  if (h->schema < 1 || h->p < 1 || h->p > 16 || h->t < 1 || h->t > 20 ||
      h->m_kib < 8 * h->p || h->m_kib > 1024 * 1024 ||
      h->length > G_GUINT64_CONSTANT (1) << 40)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                   _("The header of “%s” is damaged"), path);
      return FALSE;
    }
  if (file_size < HEADER_LEN + h->length + TAG_LEN)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TRUNCATED,
                   _("“%s” is cut short: %" PRIu64 " of its %" PRIu64 " bytes are there"),
                   path, file_size, (guint64) (HEADER_LEN + h->length + TAG_LEN));
      return FALSE;
    }
  if (file_size > HEADER_LEN + h->length + TAG_LEN)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                   _("“%s” has bytes after its end: it was altered"), path);
      return FALSE;
    }
  return TRUE;
}

/* Decrypts @path into @out_path (a new private file), checking the tag,
 * and computes the SHA-256 of the whole backup file. */
static gboolean
decrypt_file (const char    *path,
              const char    *passphrase,
              const char    *out_path,
              Header        *h,
              char         **digest_out,
              guint64       *file_size,
              Progress      *progress,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree guint8 *buf = g_malloc (CHUNK);
  guint8 header[HEADER_LEN];
  guint8 tag[TAG_LEN];
  gcry_cipher_hd_t cipher = NULL;
  gcry_md_hd_t md = NULL;
  guint8 *key = NULL;
  Derive derive = { 0 };
  gboolean ok = FALSE;
  guint64 done = 0;
  GStatBuf st;
  gcry_error_t err;
  gssize n;
  int in = -1, out = -1;

  if (passphrase == NULL || passphrase[0] == '\0')
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE,
                   _("Enter the backup passphrase"));
      return FALSE;
    }

  in = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0 || fstat (in, &st) != 0)
    {
      set_io_error (error, errno, _("Cannot read"), path);
      goto out;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_NOT_A_BACKUP,
                   _("“%s” is not a Kanribo backup"), path);
      goto out;
    }
  *file_size = st.st_size;
  n = read_full (in, header, HEADER_LEN, path, error);
  if (n < 0 || !parse_header (header, n, st.st_size, path, h, error))
    goto out;
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (in, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  key = key_new (error);
  if (key == NULL)
    goto out;
  derive.passphrase = passphrase;
  derive.h = h;
  derive.key = key;
  derive_key (&derive);
  if (derive.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&derive.error));
      goto out;
    }
  cipher = cipher_new (key, h, header, error);
  key_free (g_steal_pointer (&key));
  if (cipher == NULL)
    goto out;
  if (gcry_md_open (&md, GCRY_MD_SHA256, 0) != 0)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED, _("Cannot set up SHA-256"));
      goto out;
    }
  gcry_md_write (md, header, HEADER_LEN);

  out = g_open (out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0)
    {
      set_io_error (error, errno, _("Cannot create"), out_path);
      goto out;
    }

  while (done < h->length)
    {
      gsize want = MIN ((guint64) CHUNK, h->length - done);

      n = read_full (in, buf, want, path, error);
      if (n < 0)
        goto out;
      if ((gsize) n != want)
        {
          g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TRUNCATED,
                       _("“%s” is cut short"), path);
          goto out;
        }
      gcry_md_write (md, buf, want);
      err = gcry_cipher_decrypt (cipher, buf, want, NULL, 0);
      if (err != 0)
        {
          g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                       _("Cannot decrypt “%s”: %s"), path, gcry_strerror (err));
          goto out;
        }
      /* The copy was taken from a database in WAL mode; as a lone file it
       * is read without one (header bytes 18 and 19: 1 is rollback mode). */
      if (done == 0 && want >= 20 && buf[18] == 2 && buf[19] == 2)
        buf[18] = buf[19] = 1;
      if (!write_all (out, buf, want, out_path, error))
        goto out;
      done += want;
      report (progress, done);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
    }

  n = read_full (in, tag, TAG_LEN, path, error);
  if (n < 0)
    goto out;
  if (n != TAG_LEN)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_TRUNCATED,
                   _("“%s” is cut short"), path);
      goto out;
    }
  gcry_md_write (md, tag, TAG_LEN);
  err = gcry_cipher_checktag (cipher, tag, TAG_LEN);
  if (gcry_err_code (err) == GPG_ERR_CHECKSUM)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE,
                   _("Cannot decrypt “%s”: wrong passphrase, or the file was altered"), path);
      goto out;
    }
  if (err != 0)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("Cannot decrypt “%s”: %s"), path, gcry_strerror (err));
      goto out;
    }
  if (close (out) != 0)
    {
      out = -1;
      set_io_error (error, errno, _("Cannot write"), out_path);
      goto out;
    }
  out = -1;

  *digest_out = kb_hex_encode (gcry_md_read (md, GCRY_MD_SHA256), KB_SHA256_LEN);
  ok = TRUE;

out:
  key_free (key);
  if (cipher != NULL)
    gcry_cipher_close (cipher);
  if (md != NULL)
    gcry_md_close (md);
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  if (!ok)
    g_unlink (out_path);
  return ok;
}

/* A private folder for the decrypted copy: in @near's folder if given
 * (a restore, on the live database's file system), else in
 * $XDG_RUNTIME_DIR if it has room, else the temporary folder. */
static char *
make_private_dir (const char  *near,
                  guint64      needed,
                  GError     **error)
{
  g_autofree char *base = NULL;
  char *tmpl;

  if (near != NULL)
    base = g_path_get_dirname (near);
  else
    {
      const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
      struct statvfs sv;

      if (runtime != NULL && g_file_test (runtime, G_FILE_TEST_IS_DIR) &&
          statvfs (runtime, &sv) == 0 &&
          (guint64) sv.f_bavail * sv.f_frsize > needed + needed / 4 + (16 << 20))
        base = g_strdup (runtime);
      else
        base = g_strdup (g_get_tmp_dir ());
    }

  tmpl = g_build_filename (base, ".kanribo-restore-XXXXXX", NULL);
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      set_io_error (error, errno, _("Cannot create"), tmpl);
      g_free (tmpl);
      return NULL;
    }
  return tmpl;
}

typedef struct {
  char    *dir;
  char    *path;
  KbDb    *db;
  Header   h;
  char    *digest;
  guint64  file_size;
  gint64   n_entries;
} Checked;

static void
checked_clear (Checked *c)
{
  g_clear_pointer (&c->db, kb_db_close);
  if (c->dir != NULL)
    remove_dir (c->dir);
  g_clear_pointer (&c->dir, g_free);
  g_clear_pointer (&c->path, g_free);
  g_clear_pointer (&c->digest, g_free);
}

typedef struct {
  Progress *outer;
  gint64    base;
  gint64    span;
} JournalProgress;

static void
journal_progress (gint64   done,
                  gint64   total,
                  gpointer user_data)
{
  JournalProgress *jp = user_data;

  if (total > 0)
    report (jp->outer, jp->base + jp->span * done / total);
}

/* Decrypts and checks @path into a private copy (kept open in @c): the
 * tag, then the database opens (migrated if older, when @writable),
 * PRAGMA integrity_check, and the whole journal. */
static gboolean
check_backup (const char    *path,
              const char    *passphrase,
              const char    *near,
              gboolean       writable,
              Progress      *progress,
              GCancellable  *cancellable,
              Checked       *c,
              GError       **error)
{
  g_autoptr(GError) local = NULL;
  KbVerifyReport vr = { 0 };
  JournalProgress jp;
  sqlite3_stmt *stmt = NULL;
  GStatBuf st;
  guint64 needed = 0;
  gint64 started = g_get_monotonic_time ();
  gboolean ok;
  int rc;

  if (g_stat (path, &st) != 0)
    {
      set_io_error (error, errno, _("Cannot read"), path);
      return FALSE;
    }
  needed = st.st_size;
  c->dir = make_private_dir (near, needed, error);
  if (c->dir == NULL)
    return FALSE;
  c->path = g_build_filename (c->dir, "backup.db", NULL);

  progress->total = 2 * (gint64) needed;
  if (!decrypt_file (path, passphrase, c->path, &c->h, &c->digest, &c->file_size,
                     progress, cancellable, error))
    return FALSE;

  g_debug ("backup check: decrypted at %.0f ms", ms_since (started));

  c->db = kb_db_open (c->path,
                      writable || c->h.schema < KB_DB_SCHEMA_VERSION ? KB_DB_OPEN_DEFAULT
                                                                     : KB_DB_OPEN_READ_ONLY,
                      &local);
  if (c->db == NULL)
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                   _("“%s” decrypts, but the database in it cannot be opened: %s"),
                   path, local->message);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (kb_db_get_handle (c->db), "PRAGMA integrity_check (1)", -1, &stmt,
                           NULL);
  ok = rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW &&
       g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  if (!ok)
    g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                 _("“%s” decrypts, but the database in it is damaged: %s"), path,
                 stmt != NULL && sqlite3_column_text (stmt, 0) != NULL
                   ? (const char *) sqlite3_column_text (stmt, 0)
                   : sqlite3_errmsg (kb_db_get_handle (c->db)));
  sqlite3_finalize (stmt);
  if (!ok)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_debug ("backup check: opened and integrity checked at %.0f ms", ms_since (started));
  jp.outer = progress;
  jp.base = needed;
  jp.span = needed;
  if (!kb_journal_verify (c->db, journal_progress, &jp, cancellable, &vr, &local))
    {
      kb_verify_report_clear (&vr);
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                   _("“%s” decrypts, but its journal does not verify: %s"),
                   path, local->message);
      return FALSE;
    }
  g_debug ("backup check: journal verified at %.0f ms", ms_since (started));
  c->n_entries = vr.n_entries;
  /* The header says which journal head was copied; a migration of an older
   * copy adds one entry after it. */
  if (vr.head_seq < c->h.journal_seq ||
      (c->h.schema == KB_DB_SCHEMA_VERSION && vr.head_seq != c->h.journal_seq))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_DAMAGED,
                   _("“%s” decrypts, but its journal ends at entry %" PRId64 ", not at %"
                     PRId64 " as its header says"),
                   path, vr.head_seq, c->h.journal_seq);
      kb_verify_report_clear (&vr);
      return FALSE;
    }
  kb_verify_report_clear (&vr);
  report (progress, progress->total);
  return TRUE;
}

static void
fill_info (KbBackupInfo  *info,
           Checked       *c)
{
  if (info == NULL)
    return;
  info->format_version = c->h.version;
  info->schema_version = c->h.schema;
  info->made_at = c->h.made_at;
  info->journal_seq = c->h.journal_seq;
  info->size = c->file_size;
  info->digest = g_strdup (c->digest);
  info->n_entries = c->n_entries;
}

/* Stamps the backups row with @digest verified, if there is one. */
static gboolean
stamp_verified (KbDb        *db,
                const char  *digest,
                GError     **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gint64 id = 0;

  if (!kb_db_begin (db, error))
    return FALSE;
  stmt = kb_db_prepare (db, "SELECT id FROM backups WHERE digest = ?1 ORDER BY id DESC LIMIT 1",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (id == 0)
    {
      kb_db_rollback (db);
      return TRUE;
    }

  stmt = kb_db_prepare (db, "UPDATE backups SET verified_at = ?2, verified_by = ?3 WHERE id = ?1",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, time (NULL));
  if (actor > 0)
    sqlite3_bind_int64 (stmt, 3, actor);
  else
    sqlite3_bind_null (stmt, 3);
  if (!kb_db_step_done (db, stmt, error) ||
      !kb_journal_record (db, "backup.verify", "backup", id, NULL, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/**
 * kb_backup_verify:
 * @db: (nullable): the live database, to stamp the register
 * @info: (out caller-allocates) (optional): what the backup holds
 *
 * Returns: %TRUE when @file would restore
 */
gboolean
kb_backup_verify (KbDb           *db,
                  GFile          *file,
                  const char     *passphrase,
                  KbProgressFunc  progress,
                  gpointer        user_data,
                  GCancellable   *cancellable,
                  KbBackupInfo   *info,
                  GError        **error)
{
  g_autofree char *path = NULL;
  Checked c = { 0 };
  Progress prog = { progress, user_data, 0, 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (info == NULL || info->digest == NULL, FALSE);

  if (!kb_crypto_init (error))
    return FALSE;
  path = file_path (file, error);
  if (path == NULL)
    return FALSE;
  if (db != NULL && kb_db_in_transaction (db))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("Cannot verify a backup in the middle of a change"));
      return FALSE;
    }

  if (!check_backup (path, passphrase, NULL, FALSE, &prog, cancellable, &c, error))
    goto out;

  if (db != NULL)
    {
      g_autoptr(GError) local = NULL;

      /* A read-only database is not stamped; the file is verified all the same. */
      if (!stamp_verified (db, c.digest, &local) &&
          !g_error_matches (local, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          goto out;
        }
    }
  fill_info (info, &c);
  ok = TRUE;

out:
  checked_clear (&c);
  return ok;
}

/* Copies the live database with the backup API to a new file @kept_path,
 * with its anchor beside it. */
static gboolean
keep_live (KbDb        *db,
           const char  *kept_path,
           GError     **error)
{
  g_autofree char *anchor = kb_db_get_anchor_path (db);
  g_autofree char *kept_anchor = g_strconcat (kept_path, "-anchor", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  sqlite3 *kept = NULL;
  sqlite3_backup *backup;
  int fd;
  int rc;

  fd = g_open (kept_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, errno, _("Cannot create"), kept_path);
      return FALSE;
    }
  close (fd);

  rc = sqlite3_open_v2 (kept_path, &kept, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (kept, "main", kb_db_get_handle (db), "main");
      if (backup == NULL)
        rc = sqlite3_errcode (kept);
      else
        {
          rc = sqlite3_backup_step (backup, -1);
          rc = sqlite3_backup_finish (backup) == SQLITE_OK && rc == SQLITE_DONE
               ? SQLITE_OK : (rc == SQLITE_DONE ? sqlite3_errcode (kept) : rc);
        }
    }
  if (rc != SQLITE_OK)
    {
      kb_sqlite_set_error (kept, rc, error, _("Cannot keep a copy of the database"));
      sqlite3_close_v2 (kept);
      g_unlink (kept_path);
      return FALSE;
    }
  sqlite3_close_v2 (kept);

  if (g_file_get_contents (anchor, &contents, &len, NULL) &&
      !g_file_set_contents_full (kept_anchor, contents, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    {
      g_unlink (kept_path);
      return FALSE;
    }
  return TRUE;
}

static char *
kept_name (KbDb *db)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *path = g_strdup_printf ("%s.before-restore-%s", kb_db_get_path (db), stamp);

  for (int i = 2; g_file_test (path, G_FILE_TEST_EXISTS); i++)
    {
      g_free (path);
      path = g_strdup_printf ("%s.before-restore-%s-%d", kb_db_get_path (db), stamp, i);
    }
  return path;
}

/**
 * kb_backup_restore:
 * @kept_path: (out) (optional) (transfer full): where the database as it
 *   was before is kept
 * @info: (out caller-allocates) (optional): what the backup held
 *
 * Returns: %TRUE when the live database now holds the backup
 */
gboolean
kb_backup_restore (KbDb           *db,
                   GFile          *file,
                   const char     *passphrase,
                   KbProgressFunc  progress,
                   gpointer        user_data,
                   GCancellable   *cancellable,
                   char          **kept_path,
                   KbBackupInfo   *info,
                   GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  sqlite3_backup *backup;
  Checked c = { 0 };
  Progress prog = { progress, user_data, 0, 0 };
  gboolean ok = FALSE;
  gint64 replaced_seq = 0;
  gint64 started = g_get_monotonic_time ();
  KbCanon canon;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (kept_path == NULL || *kept_path == NULL, FALSE);
  g_return_val_if_fail (info == NULL || info->digest == NULL, FALSE);

  if (kb_db_in_transaction (db))
    {
      g_set_error (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_FAILED,
                   _("Cannot restore in the middle of a change"));
      return FALSE;
    }
  if (db->read_only)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_READ_ONLY,
                   _("The database is open read-only"));
      return FALSE;
    }
  if (!require_roles (db, KB_ROLES_BACKUP_RESTORERS,
                      _("Only a security officer can restore a backup"), error))
    return FALSE;
  path = file_path (file, error);
  if (path == NULL)
    return FALSE;

  if (!check_backup (path, passphrase, kb_db_get_path (db), TRUE, &prog, cancellable, &c,
                     error))
    goto out;
  g_debug ("restore: decrypted and checked at %.0f ms", ms_since (started));
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  if (sqlite_pragma_int (db->handle, "SELECT ifnull (max (seq), 0) FROM journal",
                         &replaced_seq) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot read the journal"));
      goto out;
    }

  kept = kept_name (db);
  if (!keep_live (db, kept, error))
    goto out;
  g_debug ("restore: live database kept at %.0f ms", ms_since (started));

  /* The one step that changes the live database: all of its pages in one
   * write transaction, so readers see either the old or the new content. */
  backup = sqlite3_backup_init (db->handle, "main", kb_db_get_handle (c.db), "main");
  if (backup == NULL)
    {
      kb_db_set_error (db, error, _("Cannot restore the backup"));
      goto out;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      kb_sqlite_set_error (db->handle, rc, error, _("Cannot restore the backup"));
      goto out;
    }
  g_debug ("restore: pages copied over the live database at %.0f ms", ms_since (started));

  /* kb_db_begin reads the restored journal's head; the commit writes the
   * anchor after the new entry. */
  kb_canon_init (&canon, detail);
  kb_canon_add_string (&canon, "file", path);
  kb_canon_add_string (&canon, "digest", c.digest);
  kb_canon_add_int (&canon, "backup_seq", c.h.journal_seq);
  kb_canon_add_int (&canon, "made_at", c.h.made_at);
  kb_canon_add_int (&canon, "replaced_seq", replaced_seq);
  kb_canon_add_string (&canon, "kept", kept);
  kb_canon_finish (&canon);
  if (!kb_db_begin (db, error))
    goto out;
  if (!kb_journal_append (db, "backup.restore", NULL, 0, NULL, detail->str, error) ||
      !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      goto out;
    }

  g_debug ("restore: journaled at %.0f ms", ms_since (started));
  fill_info (info, &c);
  if (kept_path != NULL)
    *kept_path = g_steal_pointer (&kept);
  ok = TRUE;

out:
  checked_clear (&c);
  return ok;
}

/* --- the register ------------------------------------------------------------- */

struct _KbBackupRecord {
  GObject parent_instance;
  gint64 id;
  gint64 made_at;
  char *made_by_name;
  char *path;
  gint64 size;
  char *digest;
  gint64 journal_seq;
  gint64 verified_at;
  char *verifier_name;
};

G_DEFINE_FINAL_TYPE (KbBackupRecord, kb_backup_record, G_TYPE_OBJECT)

static void
kb_backup_record_finalize (GObject *object)
{
  KbBackupRecord *self = KB_BACKUP_RECORD (object);

  g_free (self->made_by_name);
  g_free (self->path);
  g_free (self->digest);
  g_free (self->verifier_name);
  G_OBJECT_CLASS (kb_backup_record_parent_class)->finalize (object);
}

static void
kb_backup_record_class_init (KbBackupRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_backup_record_finalize;
}

static void
kb_backup_record_init (KbBackupRecord *self)
{
}

gint64
kb_backup_record_get_id (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), 0);
  return self->id;
}

gint64
kb_backup_record_get_made_at (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), 0);
  return self->made_at;
}

const char *
kb_backup_record_get_made_by_name (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), NULL);
  return self->made_by_name;
}

const char *
kb_backup_record_get_path (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), NULL);
  return self->path;
}

gint64
kb_backup_record_get_size (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), 0);
  return self->size;
}

const char *
kb_backup_record_get_digest (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), NULL);
  return self->digest;
}

gint64
kb_backup_record_get_journal_seq (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), 0);
  return self->journal_seq;
}

gint64
kb_backup_record_get_verified_at (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), 0);
  return self->verified_at;
}

const char *
kb_backup_record_get_verifier_name (KbBackupRecord *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_RECORD (self), NULL);
  return self->verifier_name;
}

static char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static GListStore *
query_records (KbDb        *db,
               const char  *limit,
               GError     **error)
{
  g_autofree char *sql =
    g_strconcat ("SELECT b.id, b.made_at, m.name, b.path, b.size, b.digest, b.journal_seq,"
                 " b.verified_at, v.name"
                 " FROM backups b"
                 " LEFT JOIN operators m ON m.id = b.made_by"
                 " LEFT JOIN operators v ON v.id = b.verified_by"
                 " ORDER BY b.made_at DESC, b.id DESC", limit, NULL);
  g_autoptr(GListStore) store = g_list_store_new (KB_TYPE_BACKUP_RECORD);
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbBackupRecord) r = g_object_new (KB_TYPE_BACKUP_RECORD, NULL);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->made_at = sqlite3_column_int64 (stmt, 1);
      r->made_by_name = column_text (stmt, 2);
      r->path = column_text (stmt, 3);
      r->size = sqlite3_column_int64 (stmt, 4);
      r->digest = column_text (stmt, 5);
      r->journal_seq = sqlite3_column_int64 (stmt, 6);
      r->verified_at = sqlite3_column_int64 (stmt, 7);
      r->verifier_name = column_text (stmt, 8);
      g_list_store_append (store, r);
    }
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the backups register"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);
  return g_steal_pointer (&store);
}

/**
 * kb_backup_list:
 *
 * Returns: (transfer full) (nullable): #KbBackupRecord, newest first
 */
GListModel *
kb_backup_list (KbDb    *db,
                GError **error)
{
  return G_LIST_MODEL (query_records (db, "", error));
}

/**
 * kb_backup_last:
 *
 * Returns: (transfer full) (nullable): the newest backup, or %NULL
 */
KbBackupRecord *
kb_backup_last (KbDb    *db,
                GError **error)
{
  g_autoptr(GListStore) store = query_records (db, " LIMIT 1", error);

  if (store == NULL)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (store), 0);
}
