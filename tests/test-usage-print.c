/* test-usage-print.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The printed monthly usage register, really printed: a month of entries
 * from a demo database exported to PDF through GtkPrintOperation, then the
 * file checked: a PDF, as many pages as the layout computed, A4 landscape.
 *
 * KANRIBO_PRINT_OUT=DIR keeps the PDFs there, to look at them.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kb-admin.h"
#include "kb-journal.h"
#include "kb-test-util.h"
#include "kb-usage-print.h"
#include "kb-usage.h"

typedef struct {
  KbTestFixture base;
  gint64 operator_id;      /* N1003, an operator of the 市町村課 */
  gint64 supervisor_id;    /* N1001, the 市町村課's supervisor */
  gint64 terminal_id;      /* JK-01 */
  int year, month;         /* last month */
} Fixture;

static gint64
lookup (KbDb       *db,
        const char *sql)
{
  gint64 id = kb_test_count (db, sql);

  g_assert_cmpint (id, >, 0);
  return id;
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last = g_date_time_add_months (now, -1);

  kb_test_fixture_setup (&fixture->base, data);
  fixture->base.db = kb_db_open (fixture->base.path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  kb_demo_seed (fixture->base.db, &error);
  g_assert_no_error (error);

  fixture->operator_id = lookup (fixture->base.db,
                                 "SELECT id FROM operators WHERE staff_number = 'N1003'");
  fixture->supervisor_id = lookup (fixture->base.db,
                                   "SELECT id FROM operators WHERE staff_number = 'N1001'");
  fixture->terminal_id = lookup (fixture->base.db, "SELECT id FROM terminals WHERE code = 'JK-01'");
  g_date_time_get_ymd (last, &fixture->year, &fixture->month, NULL);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  kb_test_fixture_teardown (&fixture->base, data);
}

static const char *long_remarks =
  "窓口での開示請求（代理人による請求）。委任状の原本を確認のうえ、本人確認情報の"
  "写しを交付した。請求者の住所が転居直後で一致しなかったため、住民票の写しでも確認。"
  " Checked against the power of attorney.";

/* @n manual entries from paper, two or three a day from the first, by the
 * operator on JK-01; the first @n_confirmed confirmed by the supervisor. */
static void
add_month (Fixture *fixture,
           guint    n,
           guint    n_confirmed)
{
  static const char * const times[][2] = {
    { "09:00", "09:40" }, { "10:05", "11:50" }, { "13:30", "15:00" },
  };
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  KbDb *db = fixture->base.db;
  g_autoptr(GError) error = NULL;
  KbUsageConfirmResult result = { 0 };
  gint64 tasks[] = {
    lookup (db, "SELECT id FROM tasks WHERE name = '本人確認情報の開示請求に関する事務'"),
    lookup (db, "SELECT id FROM tasks WHERE name = '旅券の発給に関する事務'"),
    lookup (db, "SELECT id FROM tasks WHERE name = '本人確認情報の利用状況の確認'"),
    lookup (db, "SELECT id FROM tasks WHERE name = '建設業の許可に関する事務'"),
  };

  kb_db_set_actor (db, fixture->operator_id, "JK-01");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *date = g_strdup_printf ("%04d-%02d-%02d", fixture->year, fixture->month,
                                               1 + (int) i / 3 % 28);
      g_autofree char *cases = g_strdup_printf ("%u", (i * 7) % 13);
      g_autofree char *remarks = NULL;
      KbUsageChange change = {
        .terminal_id = fixture->terminal_id,
        .operator_id = fixture->operator_id,
        .date = date,
        .start = times[i % 3][0],
        .end = times[i % 3][1],
        .task_id = tasks[i % G_N_ELEMENTS (tasks)],
        .cases = cases,
        .reason = "紙の管理簿から転記",
      };
      gint64 id;

      if (i % 5 == 1)
        change.remarks = long_remarks;
      else if (i % 5 == 3)
        change.remarks = remarks = g_strdup_printf ("窓口 %u 番", i);

      id = kb_usage_save (db, &change, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
      if (i < n_confirmed)
        g_array_append_val (ids, id);
    }

  kb_db_set_actor (db, fixture->supervisor_id, "JK-01");
  if (ids->len > 0)
    {
      kb_usage_confirm (db, (gint64 *) ids->data, ids->len, &result, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (result.n_confirmed, ==, ids->len);
    }
}

/* The print data for @terminal in @year-@month, read as the supervisor. */
static KbUsagePrintData *
fetch_month (Fixture    *fixture,
             const char *terminal,
             int         year,
             int         month)
{
  KbDb *db = fixture->base.db;
  KbUsagePrintData *data = kb_usage_print_data_new ();
  KbUsageFilter *filter = kb_usage_filter_new ();
  g_autoptr(GDateTime) first = g_date_time_new_local (year, month, 1, 0, 0, 0);
  g_autoptr(GDateTime) next = g_date_time_add_months (first, 1);
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };
  GPtrArray *entries;

  sql = g_strdup_printf ("SELECT id FROM terminals WHERE code = '%s'", terminal);
  filter->terminal_id = lookup (db, sql);
  filter->from = g_date_time_to_unix (first);
  filter->to = g_date_time_to_unix (next);
  filter->sort = KB_USAGE_SORT_START;
  filter->descending = FALSE;
  entries = kb_usage_fetch (db, fixture->supervisor_id, filter, 0, 10000, &error);
  kb_usage_filter_free (filter);
  g_assert_no_error (error);
  g_ptr_array_unref (data->entries);
  data->entries = entries;

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  data->journal_seq = report.head_seq;
  data->journal_hash = g_strdup (report.head_hash);
  kb_verify_report_clear (&report);

  data->terminal_code = g_strdup (terminal);
  g_free (sql);
  sql = g_strdup_printf ("SELECT name FROM terminals WHERE code = '%s'", terminal);
  data->terminal_name = kb_test_raw_text (kb_db_get_handle (db), sql);
  g_free (sql);
  sql = g_strdup_printf ("SELECT location FROM terminals WHERE code = '%s'", terminal);
  data->terminal_location = kb_test_raw_text (kb_db_get_handle (db), sql);
  data->office = g_strdup ("市町村課");
  data->year = year;
  data->month = month;
  data->action = GTK_PRINT_OPERATION_ACTION_EXPORT;
  return data;
}

static guint
count (const char *haystack,
       gsize       len,
       const char *needle)
{
  gsize n = strlen (needle);
  guint found = 0;

  /* A PDF has NUL bytes in its streams: no string functions. */
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      found++;
  return found;
}

/* Exports @data as @name.pdf and checks the file; returns the page count. */
static int
export (Fixture          *fixture,
        KbUsagePrintData *data,
        const char       *name)
{
  g_autofree char *file = g_strconcat (name, ".pdf", NULL);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *keep = g_getenv ("KANRIBO_PRINT_OUT");
  const char *box = NULL;
  GtkPrintOperationResult result;
  double width, height;
  gsize len;

  path = g_build_filename (keep != NULL ? keep : fixture->base.dir, file, NULL);
  data->export_filename = g_strdup (path);
  result = kb_usage_print_month_run (NULL, data, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_cmpint (data->n_pages, >=, 1);

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_true (len > 4 && memcmp (contents, "%PDF", 4) == 0);

  /* cairo writes page objects uncompressed: "/Type /Page" is one page,
   * "/Type /Pages" the page tree. */
  g_assert_cmpuint (count (contents, len, "/Type /Page") - count (contents, len, "/Type /Pages"),
                    ==, data->n_pages);

  for (gsize i = 0; box == NULL && i + 11 <= len; i++)
    if (memcmp (contents + i, "/MediaBox [", 11) == 0)
      box = contents + i;
  g_assert_nonnull (box);
  g_assert_cmpint (sscanf (box, "/MediaBox [ 0 0 %lf %lf ]", &width, &height), ==, 2);
  g_assert_cmpfloat_with_epsilon (width, 842, 1);
  g_assert_cmpfloat_with_epsilon (height, 595, 1);
  return data->n_pages;
}

static void
test_month (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(KbUsagePrintData) data = NULL;
  int n_pages;

  add_month (fixture, 60, 40);
  data = fetch_month (fixture, "JK-01", fixture->year, fixture->month);
  g_assert_cmpuint (data->entries->len, ==, 60);
  n_pages = export (fixture, data, "month");
  /* Sixty rows, a fifth of them wrapping to several lines: more than one
   * page, and no page with fewer than ten rows on it but the last. */
  g_assert_cmpint (n_pages, >, 1);
  g_assert_cmpint (n_pages, <, 7);
}

/* Era dates are longer; the page count may differ, the checks do not. */
static void
test_month_era (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(KbUsagePrintData) data = NULL;

  add_month (fixture, 60, 40);
  data = fetch_month (fixture, "JK-01", fixture->year, fixture->month);
  data->era_dates = TRUE;
  g_assert_cmpint (export (fixture, data, "month-era"), >, 1);
}

/* A month without entries is one page: the headings and the totals. */
static void
test_empty (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(KbUsagePrintData) data = fetch_month (fixture, "JK-01", fixture->year, fixture->month);

  g_assert_cmpuint (data->entries->len, ==, 0);
  g_assert_cmpint (export (fixture, data, "empty"), ==, 1);
}

/* A sitting closed without a business task, and one still open: the
 * current month, since sittings happen now. */
static void
test_purpose_missing (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(KbUsagePrintData) data = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  KbDb *db = fixture->base.db;
  guint statuses;

  kb_db_set_actor (db, fixture->operator_id, "JK-02");
  g_assert_cmpint (kb_usage_begin_sitting (db, "JK-02", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (kb_usage_end_sitting (db, fixture->operator_id, "JK-02", 0, "card-removed", &error));
  g_assert_no_error (error);
  kb_db_set_actor (db, fixture->supervisor_id, "JK-02");
  g_assert_cmpint (kb_usage_begin_sitting (db, "JK-02", &error), >, 0);
  g_assert_no_error (error);

  data = fetch_month (fixture, "JK-02", g_date_time_get_year (now), g_date_time_get_month (now));
  g_assert_cmpuint (data->entries->len, ==, 2);
  /* Both began in the same second: either may come first. */
  statuses = 1u << kb_usage_entry_get_status (g_ptr_array_index (data->entries, 0)) |
             1u << kb_usage_entry_get_status (g_ptr_array_index (data->entries, 1));
  g_assert_cmphex (statuses, ==, 1u << KB_USAGE_STATUS_PURPOSE_MISSING | 1u << KB_USAGE_STATUS_OPEN);
  data->era_dates = TRUE;
  g_assert_cmpint (export (fixture, data, "purpose-missing"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KANRIBO_LOCALEDIR");

  gtk_test_init (&argc, &argv, NULL);

  /* gtk_test_init() sets a fixed locale; the environment's (the tests run
   * in C.UTF-8) lets a developer look at the printout in Japanese. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add ("/usage-print/month", Fixture, NULL, setup, test_month, teardown);
  g_test_add ("/usage-print/month-era", Fixture, NULL, setup, test_month_era, teardown);
  g_test_add ("/usage-print/empty", Fixture, NULL, setup, test_empty, teardown);
  g_test_add ("/usage-print/purpose-missing", Fixture, NULL, setup, test_purpose_missing, teardown);

  return g_test_run ();
}
