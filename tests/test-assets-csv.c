/* test-assets-csv.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register as CSV: the export's bytes and its
 * round trip through the import; a good list with Japanese headings;
 * bad lists refused whole, with every problem named by line and column;
 * broken quoting, a byte order mark or none, a file that is not UTF-8;
 * and the time 5,000 rows take.
 *
 * Runs in Asia/Tokyo with the register's clock at 2026-11-26 10:00.
 */

#include "config.h"

#include "kb-assets-test.h"

#include <locale.h>

#include <glib/gstdio.h>

typedef KbTestFixture Fixture;

static char *
write_csv (Fixture    *fixture,
           const char *name,
           const char *text)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  kb_test_write_file (path, text, strlen (text));
  return path;
}

static gint64
n_assets (KbDb *db)
{
  return kb_test_count (db, "SELECT count (*) FROM assets");
}

static gboolean
import_path (KbDb        *db,
             const char  *path,
             guint       *n,
             GPtrArray  **problems,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return kb_assets_import_csv (db, file, n, problems, NULL, error);
}

/* The problems as "line|column|message" lines. */
static char *
problems_text (GPtrArray *problems)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      KbImportProblem *p = g_ptr_array_index (problems, i);

      g_string_append_printf (out, "%u|%s|%s\n", p->line, p->column ? p->column : "-",
                              p->message);
    }
  return g_string_free (out, FALSE);
}

static void
assert_problem (GPtrArray  *problems,
                guint       line,
                const char *column,
                const char *message_part)
{
  for (guint i = 0; i < problems->len; i++)
    {
      KbImportProblem *p = g_ptr_array_index (problems, i);

      if (p->line == line && g_strcmp0 (p->column, column) == 0 &&
          strstr (p->message, message_part) != NULL)
        return;
    }
  {
    g_autofree char *all = problems_text (problems);

    g_error ("No problem %u|%s|…%s… among:\n%s", line, column ? column : "-", message_part, all);
  }
}

/* A refused import: the error counts the problems, nothing is written. */
static GPtrArray *
import_refused (KbDb       *db,
                const char *path,
                guint       n_expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = assets_snapshot (db);
  g_autofree char *after = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *said = NULL;
  g_autofree char *all = NULL;
  GPtrArray *problems = NULL;
  guint n = 99;

  g_assert_false (import_path (db, path, &n, &problems, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpuint (n, ==, 0);
  g_assert_nonnull (problems);
  all = problems_text (problems);
  g_test_message ("%s\n%s", error->message, all);
  g_assert_cmpuint (problems->len, ==, n_expected);
  said = g_strdup_printf (n_expected == 1 ? "%u problem in %s" : "%u problems in %s",
                          n_expected, base);
  g_assert_cmpstr (error->message, ==, said);
  after = assets_snapshot (db);
  g_assert_cmpstr (after, ==, before);
  return problems;
}

/* --- export ----------------------------------------------------------------------- */

static void
test_export_round_trip (Fixture       *fixture,
                        gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GListModel) before = NULL;
  g_autoptr(GListModel) after = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "assets.csv", NULL);
  g_autofree char *copy = g_build_filename (fixture->dir, "copy.db", NULL);
  g_autofree char *listing = NULL;
  KbAssetFilter all = KB_ASSET_FILTER_INIT;
  g_autoptr(KbDb) other = NULL;
  const char *text;
  gsize len;
  guint n = 0;
  KbAssetChange change = {
    .number = "-01", .name = "=HYPERLINK(\"http://x\")", .kind = KB_ASSET_DOCUMENT,
    .classification = 2, .location = "書庫, 棚 \"A\"", .custodian_id = op (db, "N2001"),
    .division_id = division_of (db, "N1001"), .acquired_on = "2019-10-01",
    .status = KB_ASSET_STORED, .inventory_days = "730",
    .notes = "一行目\n二行目, \"引用\"",
  };

  act (db, "N2001");
  g_assert_cmpint (kb_assets_save (db, &change, &error), >, 0);
  g_assert_no_error (error);
  register_asset (db, "JK-01", KB_ASSET_EQUIPMENT, "N1001", TRUE);
  register_asset (db, "LTO-01", KB_ASSET_MEDIA, "N2001", TRUE);

  out = g_file_new_for_path (path);
  all.show = KB_ASSET_SHOW_ALL;
  g_assert_true (kb_assets_export_csv (db, &all, out, NULL, &error));
  g_assert_no_error (error);
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_null (strstr (listing, "assets.csv."));   /* no temporary file left */

  bytes = kb_test_read_file (path);
  text = g_bytes_get_data (bytes, &len);
  g_assert_true (len > 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0);
  g_assert_true (g_str_has_prefix (text + 3, "\"Number\",\"Name\",\"Kind\",\"Classification\","
                                             "\"Location\",\"Custodian\",\"Division\","
                                             "\"Acquired\",\"Status\",\"Holds data\","
                                             "\"Inventory days\",\"Notes\",\"Custodian name\","
                                             "\"Last check\",\"Next check\"\r\n"));
  /* Formula-like cells are text; quotes doubled; a break in a cell is LF. */
  g_assert_nonnull (strstr (text, "\"'-01\",\"'=HYPERLINK(\"\"http://x\"\")\",\"Document\",2,"
                                  "\"書庫, 棚 \"\"A\"\"\",\"N2001\",\"市町村課\",\"2019-10-01\","
                                  "\"Stored\",\"No\",730,\"一行目\n二行目, \"\"引用\"\"\","
                                  "\"中村 隆之\",\"\",\"2021-09-30\"\r\n"));
  g_assert_nonnull (strstr (text, "\"JK-01\",\"住基ネット端末\",\"Equipment\",3,"));
  g_assert_true (g_str_has_suffix (text, "\r\n"));

  /* Into another office's register: the same assets. */
  other = kb_db_open (copy, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (kb_demo_seed (other, &error));
  act (other, "N1001");
  g_assert_true (import_path (other, path, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);

  before = kb_assets_list (db, &all, NULL, &error);
  after = kb_assets_list (other, &all, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (after), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(KbAsset) a = g_list_model_get_item (before, i);
      g_autoptr(KbAsset) b = g_list_model_get_item (after, i);

      g_assert_cmpstr (kb_asset_get_number (a), ==, kb_asset_get_number (b));
      g_assert_cmpstr (kb_asset_get_name (a), ==, kb_asset_get_name (b));
      g_assert_cmpint (kb_asset_get_kind (a), ==, kb_asset_get_kind (b));
      g_assert_cmpint (kb_asset_get_classification (a), ==, kb_asset_get_classification (b));
      g_assert_cmpstr (kb_asset_get_location (a), ==, kb_asset_get_location (b));
      g_assert_cmpstr (kb_asset_get_custodian_staff_number (a), ==,
                       kb_asset_get_custodian_staff_number (b));
      g_assert_cmpstr (kb_asset_get_division_name (a), ==, kb_asset_get_division_name (b));
      g_assert_cmpstr (kb_asset_get_acquired_on (a), ==, kb_asset_get_acquired_on (b));
      g_assert_cmpint (kb_asset_get_status (a), ==, kb_asset_get_status (b));
      g_assert_cmpint (kb_asset_get_holds_data (a), ==, kb_asset_get_holds_data (b));
      g_assert_cmpint (kb_asset_get_inventory_days (a), ==, kb_asset_get_inventory_days (b));
      g_assert_cmpstr (kb_asset_get_notes (a), ==, kb_asset_get_notes (b));
    }
  assert_journal_intact (other);

  /* Importing the same file again: every number is taken. */
  {
    g_autoptr(GPtrArray) problems = import_refused (other, path, 3);

    assert_problem (problems, 2, "Number", "already registered");
  }
}

static void
test_export_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = write_csv (fixture, "assets.csv", "old");
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *listing = NULL;

  act (db, "N2001");
  register_asset (db, "JK-01", KB_ASSET_EQUIPMENT, "N1001", TRUE);
  g_cancellable_cancel (cancellable);
  g_assert_false (kb_assets_export_csv (db, NULL, out, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A clerk may not export. */
  act (db, "N1003");
  g_assert_false (kb_assets_export_csv (db, NULL, out, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);

  bytes = kb_test_read_file (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "old", 3);
  listing = kb_test_dir_listing (fixture->dir);
  g_assert_null (strstr (listing, "assets.csv."));
}

/* --- import ---------------------------------------------------------------------- */

#define GOOD_JA \
  "備考,資産番号,名称,種別,機密性,設置場所,管理者,取得日,状態,データ有無,棚卸間隔\n" \
  "保守契約あり,JK-01,住基ネット端末 1号機,機器,機密性3,市町村課 執務室,N1001,2024/04/01,使用中,有,365\n" \
  ",CS-01,CSサーバ,機器,３,サーバ室,n2001,2020-04-01,使用中,有,\n" \
  "\"手順書第3版\n改訂待ち\",DOC-01,運用手順書,文書,2,書庫,N2001,2019-10-01,保管中,無,730\n" \
  ",SW-01,住基ネットクライアント,ソフトウェア,Confidentiality 3 (highest),サーバ室,N2001,2021-04-01,in-use,,\n" \
  ",USB-01,USBメモリ,記録媒体,機密性２（最高）,保管庫,N2001,2025-04-01,修理中,はい,90\n"

static void
test_import_good (Fixture       *fixture,
                  gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = write_csv (fixture, "台帳.csv", GOOD_JA);
  g_autoptr(KbAsset) jk = NULL;
  g_autoptr(KbAsset) doc = NULL;
  g_autoptr(KbAsset) usb = NULL;
  guint n = 0;

  act (db, "N2001");
  g_assert_true (import_path (db, path, &n, &problems, &error));
  g_assert_no_error (error);
  g_assert_null (problems);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (n_assets (db), ==, 5);

  jk = get_asset (db, lookup_id (db, "SELECT id FROM assets WHERE number = ?1", "JK-01"), NULL);
  g_assert_cmpstr (kb_asset_get_name (jk), ==, "住基ネット端末 1号機");
  g_assert_cmpint (kb_asset_get_kind (jk), ==, KB_ASSET_EQUIPMENT);
  g_assert_cmpint (kb_asset_get_classification (jk), ==, 3);
  g_assert_cmpstr (kb_asset_get_acquired_on (jk), ==, "2024-04-01");
  g_assert_cmpstr (kb_asset_get_division_name (jk), ==, "市町村課");
  g_assert_true (kb_asset_get_holds_data (jk));
  g_assert_cmpstr (kb_asset_get_notes (jk), ==, "保守契約あり");
  doc = get_asset (db, lookup_id (db, "SELECT id FROM assets WHERE number = ?1", "DOC-01"), NULL);
  g_assert_cmpstr (kb_asset_get_notes (doc), ==, "手順書第3版\n改訂待ち");
  g_assert_cmpint (kb_asset_get_status (doc), ==, KB_ASSET_STORED);
  g_assert_false (kb_asset_get_holds_data (doc));
  g_assert_cmpint (kb_asset_get_inventory_days (doc), ==, 730);
  usb = get_asset (db, lookup_id (db, "SELECT id FROM assets WHERE number = ?1", "USB-01"), NULL);
  g_assert_cmpint (kb_asset_get_status (usb), ==, KB_ASSET_REPAIR);
  g_assert_cmpint (kb_asset_get_classification (usb), ==, 2);
  g_assert_cmpint (kb_asset_get_kind (usb), ==, KB_ASSET_MEDIA);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM assets WHERE number = 'CS-01'"
                                      " AND inventory_days = 365 AND custodian_id ="
                                      " (SELECT id FROM operators WHERE staff_number = 'N2001')"),
                   ==, 1);

  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM asset_events WHERE kind = 'register'"
                                      " AND reason = 'Imported from 台帳.csv'"), ==, 5);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM journal WHERE kind = 'asset.import'"),
                   ==, 10);
  assert_journal_intact (db);
}

static void
test_import_bom_crlf (Fixture       *fixture,
                      gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *crlf = NULL;
  g_autofree char *with_bom = NULL;
  g_autofree char *bom_path = NULL;
  g_autofree char *plain_path = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  /* The same list with CRLF row ends (a break inside quotes stays LF in
   * the value) and a byte order mark. */
  lines = g_strsplit (GOOD_JA, "\n", -1);
  crlf = g_strjoinv ("\r\n", lines);
  with_bom = g_strconcat ("\xEF\xBB\xBF", crlf, NULL);
  bom_path = write_csv (fixture, "bom.csv", with_bom);
  plain_path = write_csv (fixture, "plain.csv",
                          "number,name,kind,classification,location,custodian,acquired\n"
                          "X-1,プリンタ,equipment,1,市町村課,N1001,2023-04-01\n"
                          ",,,,,,\n"
                          "\n"
                          ",,,,,,");

  act (db, "N1001");
  g_assert_true (import_path (db, bom_path, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM assets WHERE number = 'DOC-01'"
                                      " AND notes = '手順書第3版' || char (10) || '改訂待ち'"),
                   ==, 1);
  g_assert_true (import_path (db, plain_path, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (n_assets (db), ==, 6);
  assert_journal_intact (db);
}

static void
test_import_problems (Fixture       *fixture,
                      gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = NULL;

  act (db, "N1001");
  register_asset (db, "OLD-1", KB_ASSET_EQUIPMENT, "N1001", TRUE);
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N3003"), FALSE, "退職", &error));
  g_assert_no_error (error);

  path = write_csv (fixture, "bad.csv",
    "資産番号,名称,種別,機密性,設置場所,管理者,取得日,状態,所属\n"
    /* 2 */ "A-1,端末,機器,3,執務室,N1001,2026-02-30,使用中,\n"
    /* 3 */ "A-2,端末,椅子,3,執務室,N9999,2026-01-01,使用中,\n"
    /* 4 */ "A-1,端末,機器,3,執務室,N1001,2026-01-01,使用中,\n"
    /* 5 */ "OLD-1,端末,機器,3,執務室,N1001,2026-01-01,使用中,\n"
    /* 6 */ "A-3,端末,機器,3,執務室,N1001\n"
    /* 7 */ "A-4,,機器,3,執務室,N1001,2026-01-01,,\n"
    /* 8 */ "A-5,端末,機器,5,執務室,N3003,2027-01-01,廃棄済,総務課\n"
    /* 9 */ "A-6,端末,文書,1,書庫,N1002,2026-01-01,貸出中,市町村課\n"
    /* 10 */ "A-7,端末,文書,1,,N1002,2026/1/5,保管中,市町村課\n");

  problems = import_refused (db, path, 14);
  assert_problem (problems, 2, "取得日", "is not a date");
  assert_problem (problems, 3, "種別", "Unknown kind “椅子”");
  assert_problem (problems, 3, "管理者", "No operator has the staff number N9999");
  assert_problem (problems, 4, "資産番号", "also on line 2");
  assert_problem (problems, 5, "資産番号", "already registered");
  assert_problem (problems, 6, NULL, "6 fields, the heading row has 9");
  assert_problem (problems, 7, "名称", "required");
  assert_problem (problems, 8, "機密性", "not a classification");
  assert_problem (problems, 8, "管理者", "retired");
  assert_problem (problems, 8, "取得日", "in the future");
  assert_problem (problems, 8, "状態", "Disposed assets are not imported");
  assert_problem (problems, 8, "所属", "no division “総務課”");
  assert_problem (problems, 9, "状態", "lent asset cannot be imported");
  assert_problem (problems, 10, "設置場所", "required");
  /* In line order. */
  for (guint i = 1; i < problems->len; i++)
    g_assert_cmpuint (((KbImportProblem *) g_ptr_array_index (problems, i - 1))->line, <=,
                      ((KbImportProblem *) g_ptr_array_index (problems, i))->line);
  assert_journal_intact (db);
}

static void
test_import_headings (Fixture       *fixture,
                      gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) dup = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dup_path = NULL;

  act (db, "N2001");
  path = write_csv (fixture, "headings.csv",
                    "Number,Name,Colour,Location,Custodian,Acquired,Kind\n"
                    "A-1,端末,白,執務室,N1001,2026-01-01,機器\n");
  problems = import_refused (db, path, 2);
  assert_problem (problems, 1, "Colour", "Unknown heading");
  assert_problem (problems, 1, "Classification", "required column “Classification” (機密性)");

  dup_path = write_csv (fixture, "dup.csv",
                        "資産番号,名称,種別,機密性,設置場所,管理者,取得日,Number\n"
                        "A-1,端末,機器,3,執務室,N1001,2026-01-01,A-1\n");
  dup = import_refused (db, dup_path, 1);
  assert_problem (dup, 1, "Number", "appears twice");
}

static void
test_import_quoting (Fixture       *fixture,
                     gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GPtrArray) unclosed = NULL;
  g_autoptr(GPtrArray) stray = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) header_only = NULL;
  g_autofree char *unclosed_path = NULL;
  g_autofree char *stray_path = NULL;
  g_autofree char *empty_path = NULL;
  g_autofree char *header_path = NULL;

  act (db, "N2001");
  unclosed_path = write_csv (fixture, "unclosed.csv",
                             "number,name,kind,classification,location,custodian,acquired\n"
                             "A-1,端末,機器,3,執務室,N1001,2026-01-01\n"
                             "A-2,\"端末,機器,3,執務室,N1001,2026-01-01\n"
                             "A-3,端末,機器,3,執務室,N1001,2026-01-01\n");
  unclosed = import_refused (db, unclosed_path, 1);
  assert_problem (unclosed, 3, NULL, "never closed");

  stray_path = write_csv (fixture, "stray.csv",
                          "number,name,kind,classification,location,custodian,acquired\n"
                          "A-1,端末 \"1号機\",機器,3,執務室,N1001,2026-01-01\n"
                          "A-2,\"端末\" 2号機,機器,3,執務室,N1001,2026-01-01\n"
                          "A-3,端末,機器,3,執務室,N1001,2026-01-01\n"
                          "A-4,端末,機器,3,執務室,N1001,2026-13-01\n");
  stray = import_refused (db, stray_path, 3);
  assert_problem (stray, 2, NULL, "does not start with one");
  assert_problem (stray, 3, NULL, "closing quote");
  assert_problem (stray, 5, "acquired", "is not a date");

  empty_path = write_csv (fixture, "empty.csv", "");
  empty = import_refused (db, empty_path, 1);
  assert_problem (empty, 1, NULL, "empty");

  header_path = write_csv (fixture, "header.csv",
                           "number,name,kind,classification,location,custodian,acquired\r\n\r\n");
  header_only = import_refused (db, header_path, 1);
  assert_problem (header_only, 2, NULL, "no assets");
}

static void
test_import_not_utf8 (Fixture       *fixture,
                      gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) binary = NULL;
  g_autofree char *path = NULL;
  g_autofree char *bin_path = NULL;

  act (db, "N2001");
  /* 端末 in Shift_JIS on line 3, as Excel saves "CSV (comma delimited)". */
  path = write_csv (fixture, "sjis.csv",
                    "number,name,kind,classification,location,custodian,acquired\r\n"
                    "A-1,PC,equipment,3,room,N1001,2026-01-01\r\n"
                    "A-2,\x92\x5b\x96\x96,equipment,3,room,N1001,2026-01-01\r\n");
  problems = import_refused (db, path, 1);
  assert_problem (problems, 3, NULL, "not UTF-8");

  bin_path = g_build_filename (fixture->dir, "photo.csv", NULL);
  kb_test_write_file (bin_path, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  binary = import_refused (db, bin_path, 1);
  assert_problem (binary, 1, NULL, "not UTF-8");
}

static void
test_import_roles (Fixture       *fixture,
                   gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = write_csv (fixture, "a.csv", GOOD_JA);

  act (db, "N2003");
  g_assert_false (import_path (db, path, NULL, &problems, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_null (problems);
  g_assert_cmpint (n_assets (db), ==, 0);
}

/* 5,000 rows: read, checked and written with their events and journal
 * entries in one transaction. */
static void
test_import_5000 (Fixture       *fixture,
                  gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("\xEF\xBB\xBF資産番号,名称,種別,機密性,設置場所,管理者,"
                                         "取得日,状態,データ有無,棚卸間隔,備考\r\n");
  g_autofree char *path = g_build_filename (fixture->dir, "big.csv", NULL);
  static const char * const staff[] = { "N1001", "N2001", "N1003", "N2002", "N3002" };
  static const char * const kinds[] = { "機器", "ソフトウェア", "記録媒体", "文書" };
  g_autoptr(GListModel) list = NULL;
  KbAssetFilter all = KB_ASSET_FILTER_INIT;
  KbAssetCounts counts;
  double seconds, list_seconds;
  guint n = 0;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (csv, "A-%05u,資産 %u,%s,%u,庁舎%u階,%s,20%02u-%02u-%02u,%s,%s,%u,"
                                 "\"備考, %u\"\r\n",
                            i, i, kinds[i % 4], 1 + i % 3, 1 + i % 9, staff[i % 5], 10 + i % 16,
                            1 + i % 12, 1 + i % 28, i % 7 == 0 ? "保管中" : "使用中",
                            i % 2 ? "有" : "無", 30 + i % 700, i);
  kb_test_write_file (path, csv->str, csv->len);

  act (db, "N2001");
  g_test_timer_start ();
  g_assert_true (import_path (db, path, &n, NULL, &error));
  seconds = g_test_timer_elapsed ();
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5000);
  g_assert_cmpint (n_assets (db), ==, 5000);

  g_test_timer_start ();
  list = kb_assets_list (db, &all, NULL, &error);
  g_assert_true (kb_assets_counts (db, NULL, &counts, &error));
  list_seconds = g_test_timer_elapsed ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 5000);
  g_assert_cmpuint (counts.n_current, ==, 5000);

  g_test_message ("5000 rows: import %.3f s, list and counts %.3f s", seconds, list_seconds);
  g_test_minimized_result (seconds, "import of 5000 assets: %.3f s", seconds);
  /* Well under a few seconds, even on a busy machine. */
  g_assert_cmpfloat (seconds, <, 5.0);
  g_assert_cmpfloat (list_seconds, <, 1.0);
  assert_journal_intact (db);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/assets-csv/" path, Fixture, NULL, setup_assets, func, teardown_assets)
  ADD ("export-round-trip", test_export_round_trip);
  ADD ("export-cancelled", test_export_cancelled);
  ADD ("import-good", test_import_good);
  ADD ("import-bom-crlf", test_import_bom_crlf);
  ADD ("import-problems", test_import_problems);
  ADD ("import-headings", test_import_headings);
  ADD ("import-quoting", test_import_quoting);
  ADD ("import-not-utf8", test_import_not_utf8);
  ADD ("import-roles", test_import_roles);
  ADD ("import-5000", test_import_5000);
#undef ADD

  return g_test_run ();
}
