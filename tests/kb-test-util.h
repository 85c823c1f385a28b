/* kb-test-util.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the core tests: temporary folders, raw SQLite access
 * (the way someone with the sqlite3 shell would reach the file) and
 * snapshots of files, to show that a refused operation wrote nothing.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "kb-db.h"

G_BEGIN_DECLS

/* A fresh temporary folder with a database path inside it. */
typedef struct {
  char *dir;
  char *path;
  KbDb *db;
} KbTestFixture;

void     kb_test_fixture_setup     (KbTestFixture *fixture,
                                    gconstpointer  data);
void     kb_test_fixture_teardown  (KbTestFixture *fixture,
                                    gconstpointer  data);

void     kb_test_rm_rf             (const char    *path);
char    *kb_test_dir_listing       (const char    *dir);
GBytes  *kb_test_read_file         (const char    *path);
void     kb_test_write_file        (const char    *path,
                                    const void    *data,
                                    gsize          len);

sqlite3 *kb_test_raw_open          (const char    *path);
void     kb_test_raw_exec          (sqlite3       *handle,
                                    const char    *sql);
gint64   kb_test_raw_count         (sqlite3       *handle,
                                    const char    *sql);
char    *kb_test_raw_text          (sqlite3       *handle,
                                    const char    *sql);

gint64   kb_test_count             (KbDb          *db,
                                    const char    *sql);
gint64   kb_test_journal_length    (KbDb          *db);
char    *kb_test_register_snapshot (KbDb          *db);

G_END_DECLS
