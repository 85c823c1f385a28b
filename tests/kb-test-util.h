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

/* What a new database's journal holds: "database.create", then the default
 * settings (kb_settings_init_defaults()). */
#define KB_TEST_NEW_SETTINGS 4
#define KB_TEST_NEW_ENTRIES (1 + KB_TEST_NEW_SETTINGS)

/* kb_demo_seed() on a new database journals three divisions; twelve
 * operators, each followed by their password and their card; four
 * terminals; seven business tasks. Each of those is one register row. */
#define KB_TEST_DEMO_OPERATORS 12
#define KB_TEST_DEMO_ENTRIES (KB_TEST_NEW_ENTRIES + 3 + 3 * KB_TEST_DEMO_OPERATORS + 4 + 7)
#define KB_TEST_DEMO_ROWS (KB_TEST_NEW_SETTINGS + 3 + 3 * KB_TEST_DEMO_OPERATORS + 4 + 7)

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

gint64   kb_test_raw_seq           (sqlite3       *handle,
                                    const char    *entry);
gint64   kb_test_seq               (KbDb          *db,
                                    const char    *entry);
char    *kb_test_expand            (sqlite3       *handle,
                                    const char    *template,
                                    gint64         seq);
gint64   kb_test_expand_int        (sqlite3       *handle,
                                    const char    *template,
                                    gint64         seq);

void     kb_test_forge_chain       (sqlite3       *handle,
                                    gint64         from_seq);

G_END_DECLS
