/* test-usage-csv.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage register's CSV export: the bytes Excel needs (BOM, CRLF,
 * quoting), read back with a strict RFC 4180 parser; formula injection;
 * who sees which rows; era dates; and that a cancelled or failed export
 * leaves no file behind and an existing one untouched.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-usage-csv.h"
#include "kb-usage.h"
#include "kb-test-util.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib/gstdio.h>

typedef struct {
  KbTestFixture base;
  char *out_dir;   /* the exports go here, alone */
  char *out;       /* out_dir/usage.csv */
} Fixture;

#define HEADER_COLUMNS 16

/* A filter for everything, oldest first, on the stack (kb-usage.h has
 * no autoptr cleanup for KbUsageFilter). */
#define FILTER_OLDEST_FIRST(name) \
  KbUsageFilter name##_storage = { .sort = KB_USAGE_SORT_START, .descending = FALSE }; \
  KbUsageFilter *name = &name##_storage

/* Column indexes. */
enum {
  COL_DATE, COL_START, COL_END, COL_MINUTES, COL_TERMINAL_CODE, COL_TERMINAL,
  COL_STAFF, COL_OPERATOR, COL_DIVISION, COL_TASK, COL_CASES, COL_REMARKS,
  COL_STATUS, COL_MANUAL, COL_CONFIRMED_BY, COL_CONFIRMED_AT,
};

#define REMARK_TRICKY "窓口で確認, \"至急\"\n二件目は郵送"

/* --- a strict RFC 4180 reader --------------------------------------------- */

typedef struct {
  GPtrArray *fields;   /* char * */
  GArray    *quoted;   /* gboolean per field */
} Row;

static void
row_free (Row *row)
{
  g_ptr_array_unref (row->fields);
  g_array_unref (row->quoted);
  g_free (row);
}

static Row *
row_new (void)
{
  Row *row = g_new0 (Row, 1);

  row->fields = g_ptr_array_new_with_free_func (g_free);
  row->quoted = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return row;
}

static const char *
row_get (Row  *row,
         guint i)
{
  g_assert_cmpuint (i, <, row->fields->len);
  return g_ptr_array_index (row->fields, i);
}

static gboolean
row_quoted (Row  *row,
            guint i)
{
  return g_array_index (row->quoted, gboolean, i);
}

/* Rows of @data (after a UTF-8 BOM, which must be there). Records end in
 * CRLF; a bare CR or LF outside quotes, a quote inside an unquoted field
 * or anything but a comma or CRLF after a closing quote fails the test. */
static GPtrArray *
parse_csv (const char *data,
           gsize       len)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  const char *p = data + 3;
  const char *end = data + len;

  g_assert_cmpuint (len, >=, 3);
  g_assert_cmpmem (data, 3, "\xEF\xBB\xBF", 3);

  while (p < end)
    {
      Row *row = row_new ();

      g_ptr_array_add (rows, row);
      for (;;)
        {
          GString *field = g_string_new (NULL);
          gboolean quoted = *p == '"';

          if (quoted)
            {
              p++;
              for (;;)
                {
                  g_assert_true (p < end);   /* an unterminated quote */
                  if (*p == '"' && p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p += 2;
                    }
                  else if (*p == '"')
                    {
                      p++;
                      break;
                    }
                  else
                    g_string_append_c (field, *p++);
                }
            }
          else
            {
              while (p < end && *p != ',' && *p != '\r')
                {
                  g_assert_cmpint (*p, !=, '\n');   /* a bare LF */
                  g_assert_cmpint (*p, !=, '"');
                  g_string_append_c (field, *p++);
                }
            }
          g_ptr_array_add (row->fields, g_string_free (field, FALSE));
          g_array_append_val (row->quoted, quoted);

          g_assert_true (p < end);   /* the last record ends in CRLF too */
          if (*p == ',')
            {
              p++;
              continue;
            }
          g_assert_cmpint (*p, ==, '\r');
          g_assert_true (p + 1 < end);
          g_assert_cmpint (p[1], ==, '\n');
          p += 2;
          break;
        }
    }
  return rows;
}

static GPtrArray *
read_csv (const char *path)
{
  g_autoptr(GBytes) bytes = kb_test_read_file (path);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_true (g_utf8_validate (data, len, NULL));
  return parse_csv (data, len);
}

/* The row whose @column is @value; there must be exactly one. */
static Row *
find_row (GPtrArray  *rows,
          guint       column,
          const char *value)
{
  Row *found = NULL;

  for (guint i = 1; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row_get (row, column), value) == 0)
        {
          g_assert_null (found);
          found = row;
        }
    }
  g_assert_nonnull (found);
  return found;
}

/* --- the register --------------------------------------------------------- */

static gint64
id_of (KbDb       *db,
       const char *sql_template,
       const char *key)
{
  g_autofree char *sql = g_strdup_printf (sql_template, key);
  gint64 id = kb_test_count (db, sql);

  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
operator_id (KbDb       *db,
             const char *staff)
{
  return id_of (db, "SELECT id FROM operators WHERE staff_number = '%s'", staff);
}

static gint64
terminal_id (KbDb       *db,
             const char *code)
{
  return id_of (db, "SELECT id FROM terminals WHERE code = '%s'", code);
}

static gint64
task_id (KbDb       *db,
         const char *name)
{
  return id_of (db, "SELECT id FROM tasks WHERE name = '%s'", name);
}

static void
act_as (KbDb       *db,
        const char *staff,
        const char *terminal)
{
  kb_db_set_actor (db, operator_id (db, staff), terminal);
}

/* A paper entry, recorded by @staff for themself. */
static gint64
manual (KbDb       *db,
        const char *staff,
        const char *terminal,
        const char *date,
        const char *start,
        const char *end,
        const char *task,
        const char *cases,
        const char *remarks)
{
  g_autoptr(GError) error = NULL;
  KbUsageChange change = {
    .id = 0,
    .terminal_id = terminal_id (db, terminal),
    .operator_id = operator_id (db, staff),
    .date = date,
    .start = start,
    .end = end,
    .task_id = task_id (db, task),
    .cases = cases,
    .remarks = remarks,
    .reason = "紙の管理簿から転記",
  };
  gint64 id;

  act_as (db, staff, terminal);
  id = kb_usage_save (db, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

#define TASK_DISCLOSURE "本人確認情報の開示請求に関する事務"
#define TASK_USE        "本人確認情報の利用状況の確認"
#define TASK_PENSION    "恩給・共済年金の支給に関する事務"

/* N1003 (市町村課, operator): five entries, one confirmed, one open.
 * N1004 (the same division): one. N3002 (健康福祉政策課): one. */
static void
populate (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbUsageConfirmResult result;
  gint64 confirmed, open;

  confirmed = manual (db, "N1003", "JK-01", "2026-01-15", "09:05", "10:35",
                      TASK_DISCLOSURE, "3", REMARK_TRICKY);
  manual (db, "N1003", "JK-01", "2019-05-01", "13:00", "13:30",
          TASK_DISCLOSURE, "1", "=HYPERLINK(\"http://example.com\",\"開く\")");
  manual (db, "N1003", "JK-01", "2019-04-30", "13:00", "14:00",
          TASK_USE, "0", "@SUM(A1:A9)");
  manual (db, "N1003", "JK-02", "2026-02-02", "08:30", "08:45",
          TASK_USE, "5", "-2件は取消");
  manual (db, "N1004", "JK-02", "2026-01-16", "10:00", "11:00",
          TASK_USE, "2", "+81 の番号で照会");
  manual (db, "N3002", "JK-03", "2026-01-17", "14:00", "15:20",
          TASK_PENSION, "4", "通常業務");

  act_as (db, "N1003", "JK-04");
  open = kb_usage_begin_sitting (db, "JK-04", &error);
  g_assert_no_error (error);
  g_assert_cmpint (open, >, 0);

  act_as (db, "N1002", "JK-01");
  kb_usage_confirm (db, &confirmed, 1, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 1);

  kb_db_set_actor (db, 0, NULL);
}

/* @n rows straight into the table (no journal: the export does not look),
 * one a minute from 2026-03-01 on JK-01, for N1003. */
static void
bulk_insert (KbDb *db,
             guint n)
{
  g_autofree char *sql = g_strdup_printf (
    "WITH RECURSIVE s (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < %u)"
    " INSERT INTO usage (terminal_id, operator_id, division_id, task_id, cases, remarks,"
    "                    started_at, ended_at, manual)"
    " SELECT %" G_GINT64_FORMAT ", o.id, o.division_id, %" G_GINT64_FORMAT ", i %% 50,"
    "        '一括 ' || i, 1772290800 + i * 60, 1772290800 + i * 60 + 50, 0"
    " FROM s, operators o WHERE o.staff_number = 'N1003'",
    n, terminal_id (db, "JK-01"), task_id (db, TASK_DISCLOSURE));

  kb_test_raw_exec (kb_db_get_handle (db), "BEGIN");
  kb_test_raw_exec (kb_db_get_handle (db), sql);
  kb_test_raw_exec (kb_db_get_handle (db), "COMMIT");
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kb_test_fixture_setup (&fixture->base, data);
  fixture->base.db = kb_db_open (fixture->base.path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  kb_demo_seed (fixture->base.db, &error);
  g_assert_no_error (error);
  populate (fixture->base.db);

  fixture->out_dir = g_build_filename (fixture->base.dir, "out", NULL);
  g_assert_cmpint (g_mkdir (fixture->out_dir, 0700), ==, 0);
  fixture->out = g_build_filename (fixture->out_dir, "usage.csv", NULL);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_clear_pointer (&fixture->out_dir, g_free);
  g_clear_pointer (&fixture->out, g_free);
  kb_test_fixture_teardown (&fixture->base, data);
}

static void
export_ok (Fixture             *fixture,
           gint64               viewer_id,
           const KbUsageFilter *filter,
           gboolean             era_dates)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = kb_usage_export_csv (fixture->base.db, viewer_id, filter, fixture->out, era_dates,
                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* --- tests ---------------------------------------------------------------- */

static void
test_bytes (Fixture       *fixture,
            gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *listing = NULL;
  const char *p;
  gsize len;
  gboolean in_quotes = FALSE;

  /* An existing file is replaced. */
  kb_test_write_file (fixture->out, "old", 3);
  export_ok (fixture, 0, filter, FALSE);

  bytes = kb_test_read_file (fixture->out);
  p = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (p, 3, "\xEF\xBB\xBF", 3);
  g_assert_true (g_utf8_validate (p, len, NULL));
  g_assert_cmpuint (len, >=, 5);
  g_assert_cmpmem (p + len - 2, 2, "\r\n", 2);

  /* Outside quotes, every LF follows a CR and every CR precedes an LF;
   * inside, a line break is a bare LF. */
  for (gsize i = 3; i < len; i++)
    {
      if (p[i] == '"')
        in_quotes = !in_quotes;
      else if (!in_quotes && p[i] == '\n')
        g_assert_true (i > 0 && p[i - 1] == '\r');
      else if (!in_quotes && p[i] == '\r')
        g_assert_true (i + 1 < len && p[i + 1] == '\n');
      else if (in_quotes)
        g_assert_cmpint (p[i], !=, '\r');
    }
  g_assert_false (in_quotes);

  /* Only the export, no temporary file. */
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "usage.csv\n");
}

static void
test_fields (Fixture       *fixture,
             gconstpointer  data)
{
  static const char *header[HEADER_COLUMNS] = {
    "Date", "Start", "End", "Minutes", "Terminal code", "Terminal", "Staff number",
    "Operator", "Division", "Business task", "Cases", "Remarks", "Status", "Manual",
    "Confirmed by", "Confirmed at",
  };
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  Row *row;

  export_ok (fixture, 0, filter, FALSE);
  rows = read_csv (fixture->out);

  g_assert_cmpuint (rows->len, ==, 1 + 7);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (((Row *) g_ptr_array_index (rows, i))->fields->len, ==, HEADER_COLUMNS);

  row = g_ptr_array_index (rows, 0);
  for (guint i = 0; i < HEADER_COLUMNS; i++)
    {
      g_assert_cmpstr (row_get (row, i), ==, header[i]);
      g_assert_true (row_quoted (row, i));
    }

  /* The filter's order: by start, oldest first. */
  g_assert_cmpstr (row_get (g_ptr_array_index (rows, 1), COL_DATE), ==, "2019-04-30");
  g_assert_cmpstr (row_get (g_ptr_array_index (rows, 7), COL_DATE), ==, today);

  /* A comma, a double quote and a line break come back as they were. */
  row = find_row (rows, COL_REMARKS, REMARK_TRICKY);
  g_assert_cmpstr (row_get (row, COL_DATE), ==, "2026-01-15");
  g_assert_cmpstr (row_get (row, COL_START), ==, "09:05");
  g_assert_cmpstr (row_get (row, COL_END), ==, "10:35");
  g_assert_cmpstr (row_get (row, COL_MINUTES), ==, "90");
  g_assert_false (row_quoted (row, COL_MINUTES));
  g_assert_cmpstr (row_get (row, COL_TERMINAL_CODE), ==, "JK-01");
  g_assert_cmpstr (row_get (row, COL_TERMINAL), ==, "住基端末 1号機");
  g_assert_cmpstr (row_get (row, COL_STAFF), ==, "N1003");
  g_assert_cmpstr (row_get (row, COL_OPERATOR), ==, "小林 健太");
  g_assert_cmpstr (row_get (row, COL_DIVISION), ==, "市町村課");
  g_assert_cmpstr (row_get (row, COL_TASK), ==, TASK_DISCLOSURE);
  g_assert_cmpstr (row_get (row, COL_CASES), ==, "3");
  g_assert_false (row_quoted (row, COL_CASES));
  g_assert_cmpstr (row_get (row, COL_STATUS), ==, "Confirmed");
  g_assert_cmpstr (row_get (row, COL_MANUAL), ==, "Yes");
  g_assert_cmpstr (row_get (row, COL_CONFIRMED_BY), ==, "松本 由美子");
  g_assert_true (g_str_has_prefix (row_get (row, COL_CONFIRMED_AT), today));
  g_assert_cmpuint (strlen (row_get (row, COL_CONFIRMED_AT)), ==, strlen ("2026-11-26 09:05"));
  for (guint i = 0; i < HEADER_COLUMNS; i++)
    if (i != COL_MINUTES && i != COL_CASES)
      g_assert_true (row_quoted (row, i));

  row = find_row (rows, COL_DATE, "2026-02-02");
  g_assert_cmpstr (row_get (row, COL_CASES), ==, "5");
  g_assert_cmpstr (row_get (row, COL_STATUS), ==, "Unconfirmed");
  g_assert_cmpstr (row_get (row, COL_CONFIRMED_BY), ==, "");
  g_assert_cmpstr (row_get (row, COL_CONFIRMED_AT), ==, "");

  /* The open sitting: no end, no minutes, not manual. */
  row = find_row (rows, COL_TERMINAL_CODE, "JK-04");
  g_assert_cmpstr (row_get (row, COL_DATE), ==, today);
  g_assert_cmpstr (row_get (row, COL_END), ==, "");
  g_assert_cmpstr (row_get (row, COL_MINUTES), ==, "");
  g_assert_cmpstr (row_get (row, COL_STATUS), ==, "In use");
  g_assert_cmpstr (row_get (row, COL_MANUAL), ==, "");
  g_assert_cmpstr (row_get (row, COL_TASK), ==, "");
  /* No case count yet: an empty number. */
  g_assert_cmpstr (row_get (row, COL_CASES), ==, "");
  g_assert_false (row_quoted (row, COL_CASES));
}

static void
test_formula (Fixture       *fixture,
              gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GPtrArray) rows = NULL;

  export_ok (fixture, 0, filter, FALSE);
  rows = read_csv (fixture->out);

  find_row (rows, COL_REMARKS, "'=HYPERLINK(\"http://example.com\",\"開く\")");
  find_row (rows, COL_REMARKS, "'@SUM(A1:A9)");
  find_row (rows, COL_REMARKS, "'-2件は取消");
  find_row (rows, COL_REMARKS, "'+81 の番号で照会");
  /* A minus sign further in is harmless. */
  find_row (rows, COL_REMARKS, "通常業務");
  find_row (rows, COL_TERMINAL_CODE, "JK-03");
}

static void
check_staff (Fixture    *fixture,
             gint64      viewer_id,
             const KbUsageFilter *filter,
             const char *expected)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) staff = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  export_ok (fixture, viewer_id, filter, FALSE);
  rows = read_csv (fixture->out);
  for (guint i = 1; i < rows->len; i++)
    g_string_append_printf (staff, "%s%s", i > 1 ? " " : "",
                            row_get (g_ptr_array_index (rows, i), COL_STAFF));
  g_assert_cmpstr (staff->str, ==, expected);
  g_assert_cmpint (rows->len - 1, ==, kb_usage_count (fixture->base.db, viewer_id, filter, &error));
  g_assert_no_error (error);
}

static void
test_visibility (Fixture       *fixture,
                 gconstpointer  data)
{
  KbDb *db = fixture->base.db;
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GDateTime) from = g_date_time_new_local (2026, 1, 16, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_new_local (2026, 2, 1, 0, 0, 0);

  /* Oldest first: 2019-04-30, 2019-05-01, 01-15, 01-16, 01-17, 02-02, today. */
  check_staff (fixture, 0, filter, "N1003 N1003 N1003 N1004 N3002 N1003 N1003");
  /* A clerk sees their own rows, a supervisor their division's, a
   * security officer everyone's. */
  check_staff (fixture, operator_id (db, "N1003"), filter, "N1003 N1003 N1003 N1003 N1003");
  check_staff (fixture, operator_id (db, "N1002"), filter, "N1003 N1003 N1003 N1004 N1003 N1003");
  check_staff (fixture, operator_id (db, "N1001"), filter,
               "N1003 N1003 N1003 N1004 N3002 N1003 N1003");

  /* The filter, within what the viewer may see. */
  filter->from = g_date_time_to_unix (from);
  filter->to = g_date_time_to_unix (to);
  check_staff (fixture, 0, filter, "N1004 N3002");
  check_staff (fixture, operator_id (db, "N1003"), filter, "");

  filter->from = filter->to = 0;
  filter->show = KB_USAGE_SHOW_CONFIRMED;
  check_staff (fixture, operator_id (db, "N1003"), filter, "N1003");

  filter->show = KB_USAGE_SHOW_ALL;
  filter->operator_id = operator_id (db, "N1004");
  check_staff (fixture, operator_id (db, "N1001"), filter, "N1004");
  check_staff (fixture, operator_id (db, "N1003"), filter, "");

  /* The filter's order. */
  filter->operator_id = 0;
  filter->descending = TRUE;
  check_staff (fixture, operator_id (db, "N1002"), filter, "N1003 N1003 N1004 N1003 N1003 N1003");
}

static void
test_era (Fixture       *fixture,
          gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GPtrArray) rows = NULL;
  Row *row;

  export_ok (fixture, 0, filter, TRUE);
  rows = read_csv (fixture->out);

  row = find_row (rows, COL_REMARKS, REMARK_TRICKY);
  g_assert_cmpstr (row_get (row, COL_DATE), ==, "令和8年1月15日");
  g_assert_true (row_quoted (row, COL_DATE));
  /* Only the Date column. */
  g_assert_true (g_str_has_prefix (row_get (row, COL_CONFIRMED_AT), "2026-"));
  row = find_row (rows, COL_REMARKS, "'@SUM(A1:A9)");
  g_assert_cmpstr (row_get (row, COL_DATE), ==, "平成31年4月30日");
  /* An era's first year is 元年. */
  row = find_row (rows, COL_DATE, "令和元年5月1日");
  g_assert_cmpstr (row_get (row, COL_START), ==, "13:00");
  find_row (rows, COL_DATE, "令和8年2月2日");
}

/* --- cancellation and failures ------------------------------------------- */

typedef struct {
  GCancellable *cancellable;
  gint64 cancel_at;      /* cancel when done reaches this */
  GArray *calls;         /* gint64 pairs: done, total */
} Progress;

static void
on_progress (gint64   done,
             gint64   total,
             gpointer user_data)
{
  Progress *progress = user_data;

  g_array_append_val (progress->calls, done);
  g_array_append_val (progress->calls, total);
  if (progress->cancellable != NULL && done >= progress->cancel_at)
    g_cancellable_cancel (progress->cancellable);
}

static void
check_cancel (Fixture  *fixture,
              gboolean  existing,
              gint64    cancel_at)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  Progress progress = { cancellable, cancel_at, calls };
  gboolean ok;

  if (existing)
    kb_test_write_file (fixture->out, "previous export\r\n", 17);

  ok = kb_usage_export_csv (fixture->base.db, 0, filter, fixture->out, FALSE,
                            on_progress, &progress, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);

  listing = kb_test_dir_listing (fixture->out_dir);
  if (existing)
    {
      g_autoptr(GBytes) bytes = kb_test_read_file (fixture->out);
      gsize len;
      const char *text = g_bytes_get_data (bytes, &len);

      g_assert_cmpstr (listing, ==, "usage.csv\n");
      g_assert_cmpmem (text, len, "previous export\r\n", 17);
    }
  else
    g_assert_cmpstr (listing, ==, "");
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  /* Before the first row. */
  check_cancel (fixture, FALSE, 0);
  check_cancel (fixture, TRUE, 0);

  /* In the middle of a long export. */
  bulk_insert (fixture->base.db, 2500);
  check_cancel (fixture, TRUE, 1000);
  check_cancel (fixture, TRUE, 2000);
}

static void
test_cancel_before (Fixture       *fixture,
                    gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (kb_usage_export_csv (fixture->base.db, 0, filter, fixture->out, FALSE,
                                       NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "");
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  Progress progress = { NULL, 0, calls };
  const gint64 total = 7 + 2500;
  const gint64 expected[] = { 0, total, 1000, total, 2000, total, total, total };

  bulk_insert (fixture->base.db, 2500);
  g_assert_true (kb_usage_export_csv (fixture->base.db, 0, filter, fixture->out, FALSE,
                                      on_progress, &progress, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (calls->data, calls->len * sizeof (gint64), expected, sizeof expected);

  rows = read_csv (fixture->out);
  g_assert_cmpuint (rows->len, ==, 1 + total);
}

static void
test_missing_dir (Fixture       *fixture,
                  gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->out_dir, "no-such-folder", NULL);
  g_autofree char *path = g_build_filename (missing, "usage.csv", NULL);
  g_autofree char *listing = NULL;

  g_assert_false (kb_usage_export_csv (fixture->base.db, 0, filter, path, FALSE,
                                       NULL, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "");
}

static void
test_not_a_file (Fixture       *fixture,
                 gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  /* The destination is a folder: the rename fails, nothing is left. */
  g_assert_cmpint (g_mkdir (fixture->out, 0700), ==, 0);
  g_assert_false (kb_usage_export_csv (fixture->base.db, 0, filter, fixture->out, FALSE,
                                       NULL, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "usage.csv\n");
  g_assert_true (g_file_test (fixture->out, G_FILE_TEST_IS_DIR));
}

/* A write that fails half way. A full disk cannot be had cheaply without
 * mounting a small file system; a file size limit fails write() the same
 * way, with EFBIG instead of ENOSPC. */
static void
test_write_fails (Fixture       *fixture,
                  gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autoptr(GBytes) bytes = NULL;
  struct rlimit saved, small;
  void (*saved_handler) (int);
  gboolean ok;
  gsize len;

  bulk_insert (fixture->base.db, 2000);
  kb_test_write_file (fixture->out, "previous export\r\n", 17);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 8192;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  ok = kb_usage_export_csv (fixture->base.db, 0, filter, fixture->out, FALSE,
                            NULL, NULL, NULL, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, saved_handler);

  g_assert_false (ok);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);   /* EFBIG */
  g_assert_nonnull (strstr (error->message, fixture->out_dir));
  listing = kb_test_dir_listing (fixture->out_dir);
  g_assert_cmpstr (listing, ==, "usage.csv\n");
  bytes = kb_test_read_file (fixture->out);
  g_assert_cmpmem (g_bytes_get_data (bytes, &len), len, "previous export\r\n", 17);
}

/* How long a large export takes; `-m perf` only. */
static void
test_perf (Fixture       *fixture,
           gconstpointer  data)
{
  FILTER_OLDEST_FIRST (filter);
  g_autoptr(GTimer) timer = NULL;
  const guint n = 100000;

  if (!g_test_perf ())
    {
      g_test_skip ("Only with -m perf");
      return;
    }
  bulk_insert (fixture->base.db, n);
  timer = g_timer_new ();
  export_ok (fixture, 0, filter, TRUE);
  g_test_minimized_result (g_timer_elapsed (timer, NULL),
                           "exported %u rows in %.2f s", n, g_timer_elapsed (timer, NULL));
}

int
main (int   argc,
      char *argv[])
{
  /* The times in the file are local; these tests expect Japan's. */
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tzset ();
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)

  ADD ("/usage-csv/bytes", test_bytes);
  ADD ("/usage-csv/fields", test_fields);
  ADD ("/usage-csv/formula", test_formula);
  ADD ("/usage-csv/visibility", test_visibility);
  ADD ("/usage-csv/era", test_era);
  ADD ("/usage-csv/progress", test_progress);
  ADD ("/usage-csv/cancel", test_cancel);
  ADD ("/usage-csv/cancel-before", test_cancel_before);
  ADD ("/usage-csv/missing-dir", test_missing_dir);
  ADD ("/usage-csv/not-a-file", test_not_a_file);
  ADD ("/usage-csv/write-fails", test_write_fails);
  ADD ("/usage-csv/perf", test_perf);

#undef ADD

  return g_test_run ();
}
