/* kb-assets-test.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What test-assets.c and test-assets-csv.c share: the demo office with the
 * register's clock pinned to 2026-11-26 10:00 in Tokyo, its people by staff
 * number, a registration with defaults, snapshots and the journal check.
 */

#pragma once

#include "kb-admin.h"
#include "kb-assets-private.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-test-util.h"

#include <string.h>

#define TODAY "2026-11-26"

static inline gint64
test_clock (int y, int m, int d)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Tokyo");
  g_autoptr(GDateTime) t = g_date_time_new (tz, y, m, d, 10, 0, 0);

  return g_date_time_to_unix (t);
}

static inline void
setup_assets (KbTestFixture *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kb_test_fixture_setup (fixture, data);
  fixture->db = kb_db_open (fixture->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);
  kb_assets_set_clock (test_clock (2026, 11, 26));
}

static inline void
teardown_assets (KbTestFixture *fixture,
                 gconstpointer  data)
{
  kb_assets_set_clock (0);
  kb_test_fixture_teardown (fixture, data);
}

static inline gint64
lookup_id (KbDb       *db,
           const char *sql,
           const char *arg)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* N1001 北沢 security officer (市町村課), N2001 中村 network administrator
 * (情報政策課), N2003 清水 auditor, N1003 小林 and N2002 田中 clerks. */
static inline gint64
op (KbDb       *db,
    const char *staff)
{
  return lookup_id (db, "SELECT id FROM operators WHERE staff_number = ?1", staff);
}

static inline gint64
division_of (KbDb       *db,
             const char *staff)
{
  return lookup_id (db, "SELECT division_id FROM operators WHERE staff_number = ?1", staff);
}

static inline void
act (KbDb       *db,
     const char *staff)
{
  kb_db_set_actor (db, staff != NULL ? op (db, staff) : 0, "JK-01");
}

/* A valid registration by whoever acts, custodian @custodian. */
static inline gint64
register_asset (KbDb        *db,
                const char  *number,
                KbAssetKind  kind,
                const char  *custodian,
                gboolean     holds_data)
{
  g_autoptr(GError) error = NULL;
  KbAssetChange change = {
    .number = number,
    .name = "住基ネット端末",
    .kind = kind,
    .classification = 3,
    .location = "市町村課 執務室",
    .custodian_id = op (db, custodian),
    .acquired_on = "2025-04-01",
    .status = KB_ASSET_IN_USE,
    .holds_data = holds_data,
  };
  gint64 id = kb_assets_save (db, &change, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static inline KbAsset *
get_asset (KbDb       *db,
           gint64      id,
           const char *today)
{
  g_autoptr(GError) error = NULL;
  KbAsset *asset = kb_assets_get (db, id, today, &error);

  g_assert_no_error (error);
  g_assert_nonnull (asset);
  return asset;
}

/* The asset registers and the journal's length, to show a refusal wrote
 * nothing. */
static inline char *
assets_snapshot (KbDb *db)
{
  static const char * const queries[] = {
    "SELECT * FROM assets ORDER BY id",
    "SELECT * FROM asset_events ORDER BY id",
    "SELECT * FROM disposals ORDER BY id",
    "SELECT count (*), max (seq) FROM journal",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), queries[q], -1, &stmt, NULL),
                       ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s|", sqlite3_column_type (stmt, c) == SQLITE_NULL
                                                ? "NULL"
                                                : (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
      g_string_append (out, "--\n");
    }
  return g_string_free (out, FALSE);
}

static inline void
assert_journal_intact (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.bad_seq, ==, 0);
  g_assert_null (report.bad_entity);
  kb_verify_report_clear (&report);
}
