/* kb-backup.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encrypted backups of the whole database (データのバックアップ). The
 * database is copied online with SQLite's backup API and written as one
 * file: a versioned header (bound to the ciphertext as associated data),
 * the Argon2id salt and parameters, the AES-256-GCM nonce, the ciphertext
 * and the tag. The key comes from the backup passphrase the security
 * officer sets; the database keeps only an Argon2id verifier of it.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-journal.h"

G_BEGIN_DECLS

#define KB_BACKUP_ERROR (kb_backup_error_quark ())

typedef enum {
  KB_BACKUP_ERROR_FAILED,
  KB_BACKUP_ERROR_NO_PASSPHRASE,     /* none set yet */
  KB_BACKUP_ERROR_WRONG_PASSPHRASE,  /* or the file was altered: GCM cannot tell */
  KB_BACKUP_ERROR_NOT_A_BACKUP,      /* no Kanribo backup header */
  KB_BACKUP_ERROR_TRUNCATED,
  KB_BACKUP_ERROR_TOO_NEW,           /* a newer file format or schema */
  KB_BACKUP_ERROR_DAMAGED,           /* decrypted, but the database or journal fails */
  KB_BACKUP_ERROR_WEAK_PASSPHRASE,
} KbBackupError;

GQuark kb_backup_error_quark (void);

#define KB_BACKUP_FORMAT_VERSION  1
#define KB_BACKUP_MIN_PASSPHRASE  12       /* characters */
#define KB_BACKUP_SUFFIX          ".kbbackup"

#define KB_ROLES_BACKUP_MAKERS   (KB_ROLES_OFFICERS | KB_ROLE_NETWORK_ADMINISTRATOR)
#define KB_ROLES_BACKUP_RESTORERS KB_ROLES_OFFICERS

/* The passphrase: set or changed by a security officer (the current one
 * is needed to change it). Stored as an Argon2id verifier in settings. */
gboolean  kb_backup_has_passphrase  (KbDb        *db,
                                     gboolean    *has_passphrase,
                                     GError     **error);
gboolean  kb_backup_set_passphrase  (KbDb        *db,
                                     const char  *current,     /* NULL when none is set */
                                     const char  *passphrase,
                                     GError     **error);

/* What a backup file says of itself, read from the header alone. */
typedef struct {
  guint   format_version;
  int     schema_version;
  gint64  made_at;          /* Unix seconds */
  gint64  journal_seq;      /* the journal head it holds */
  guint64 size;             /* of the file */
  char   *digest;           /* SHA-256 of the whole file, hex */
  gint64  n_entries;        /* journal entries verified (verify/restore only) */
} KbBackupInfo;

void      kb_backup_info_clear      (KbBackupInfo *info);

/* Makes a backup of @db at @dest: the passphrase must match the verifier.
 * Written to a temporary file beside @dest, fsynced and renamed into
 * place; on any error nothing is left behind. Records the backup in the
 * register ('backup.make' in the journal) unless the database is read-only.
 * Runs on the caller's thread; @progress gets (done, total) bytes. */
gint64    kb_backup_make            (KbDb           *db,
                                     const char     *passphrase,
                                     GFile          *dest,
                                     KbProgressFunc  progress,
                                     gpointer        user_data,
                                     GCancellable   *cancellable,
                                     KbBackupInfo   *info,        /* out, nullable */
                                     GError        **error);

/* Proves @file restorable: decrypts it into a private temporary file,
 * checks the tag, PRAGMA integrity_check and the whole journal, and
 * removes the copy. Touches nothing of @db except, if @db is not NULL and
 * the file is in its register, stamping it verified ('backup.verify'). */
gboolean  kb_backup_verify          (KbDb           *db,           /* nullable */
                                     GFile          *file,
                                     const char     *passphrase,
                                     KbProgressFunc  progress,
                                     gpointer        user_data,
                                     GCancellable   *cancellable,
                                     KbBackupInfo   *info,
                                     GError        **error);

/* Restores @file over the live database of @db: first as kb_backup_verify,
 * then the live database is copied to @kept_path (its name returned), and
 * the backup's pages are copied over the live one in one SQLite write
 * transaction (the backup API). The anchor follows the restored journal,
 * and 'backup.restore' is journaled in the restored database. On any error
 * the live database is as it was. */
gboolean  kb_backup_restore         (KbDb           *db,
                                     GFile          *file,
                                     const char     *passphrase,
                                     KbProgressFunc  progress,
                                     gpointer        user_data,
                                     GCancellable   *cancellable,
                                     char          **kept_path,
                                     KbBackupInfo   *info,
                                     GError        **error);

/* The register of backups, newest first. */
#define KB_TYPE_BACKUP_RECORD (kb_backup_record_get_type ())
G_DECLARE_FINAL_TYPE (KbBackupRecord, kb_backup_record, KB, BACKUP_RECORD, GObject)

gint64       kb_backup_record_get_id            (KbBackupRecord *self);
gint64       kb_backup_record_get_made_at       (KbBackupRecord *self);
const char  *kb_backup_record_get_made_by_name  (KbBackupRecord *self);  /* NULL: command line */
const char  *kb_backup_record_get_path          (KbBackupRecord *self);
gint64       kb_backup_record_get_size          (KbBackupRecord *self);
const char  *kb_backup_record_get_digest        (KbBackupRecord *self);
gint64       kb_backup_record_get_journal_seq   (KbBackupRecord *self);
gint64       kb_backup_record_get_verified_at   (KbBackupRecord *self);  /* 0: never */
const char  *kb_backup_record_get_verifier_name (KbBackupRecord *self);

GListModel  *kb_backup_list             (KbDb        *db,
                                         GError     **error);
/* The newest backup, or NULL (and no error) if none was ever made. */
KbBackupRecord *kb_backup_last          (KbDb        *db,
                                         GError     **error);

G_END_DECLS
