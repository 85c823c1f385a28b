/* kb-db.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The schema version this build knows; PRAGMA user_version. */
#define KB_DB_SCHEMA_VERSION 5
/* PRAGMA application_id: "KBRB", so that a foreign SQLite file is refused. */
#define KB_DB_APPLICATION_ID 0x4b425242

typedef struct _KbDb KbDb;

typedef enum {
  KB_DB_OPEN_DEFAULT   = 0,
  KB_DB_OPEN_CREATE    = 1 << 0,
  KB_DB_OPEN_READ_ONLY = 1 << 1,
  KB_DB_OPEN_TRUSTED   = 1 << 2,   /* already inspected by this process */
} KbDbOpenFlags;

/* A KbDb is a single SQLite connection. It is not thread-safe: one thread
 * owns it (KbStore's worker in the app, the main thread in the CLI and in
 * tests). */
KbDb         *kb_db_open               (const char     *path,
                                        KbDbOpenFlags   flags,
                                        GError        **error);
void          kb_db_close              (KbDb           *db);
const char   *kb_db_get_path           (KbDb           *db);
sqlite3      *kb_db_get_handle         (KbDb           *db);
char         *kb_db_get_anchor_path    (KbDb           *db);

void          kb_db_set_actor          (KbDb           *db,
                                        gint64          operator_id,
                                        const char     *terminal);
gint64        kb_db_get_actor          (KbDb           *db);
const char   *kb_db_get_terminal       (KbDb           *db);

gboolean      kb_db_begin              (KbDb           *db,
                                        GError        **error);
gboolean      kb_db_commit             (KbDb           *db,
                                        GError        **error);
void          kb_db_rollback           (KbDb           *db);
gboolean      kb_db_in_transaction     (KbDb           *db);

sqlite3_stmt *kb_db_prepare            (KbDb           *db,
                                        const char     *sql,
                                        GError        **error);
gboolean      kb_db_exec               (KbDb           *db,
                                        const char     *sql,
                                        GError        **error);
gboolean      kb_db_step_done          (KbDb           *db,
                                        sqlite3_stmt   *stmt,
                                        GError        **error);
void          kb_db_set_error          (KbDb           *db,
                                        GError        **error,
                                        const char     *what);
void          kb_sqlite_set_error      (sqlite3        *handle,
                                        int             rc,
                                        GError        **error,
                                        const char     *what);

const char   *kb_db_migration_sql      (int             version);
gboolean      kb_db_apply_schema       (sqlite3        *handle,
                                        int             from_version,
                                        int             to_version,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbDb, kb_db_close)

G_END_DECLS
