/* bench-usage.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the usage register page costs on a big register: with the core API
 * on a read-only connection, the count and the first 100 rows (the first
 * frame), the same under filters (one operator, one month, a word of the
 * remarks), a page half a million rows down (a deep scroll) and the totals.
 * Beside each, the same SQL run by the `sqlite3` shell in the same run:
 * its own timer (".timer on", the statement alone) and the wall time of
 * the whole process.
 *
 * `bench-usage [DB]`: without DB (or KB_BENCH_USAGE_DB) it generates one
 * with kb-usage-gen (KB_USAGE_GEN, KB_BENCH_USAGE_ROWS rows, a million by
 * default) in a temporary folder and deletes it afterwards.
 *
 * The SQL below copies the shape kb-usage.c builds (ENTRY_COLUMNS,
 * ENTRY_JOINS, build_where, append_order); keep the two in sync.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-test-util.h"
#include "kb-usage.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#define DEFAULT_ROWS 1000000
#define RUNS 5
#define SLOW_MS 100.0

#define SQL_COLUMNS \
  "u.id, u.terminal_id, t.code, t.name, u.operator_id, o.staff_number, o.name," \
  " u.division_id, d.name, u.task_id, k.name, u.cases, u.remarks, u.started_at," \
  " u.ended_at, u.manual, u.confirmed_by, c.name, u.confirmed_at"
#define SQL_JOINS \
  " FROM usage u" \
  " JOIN terminals t ON t.id = u.terminal_id" \
  " JOIN operators o ON o.id = u.operator_id" \
  " JOIN divisions d ON d.id = u.division_id" \
  " LEFT JOIN tasks k ON k.id = u.task_id" \
  " LEFT JOIN operators c ON c.id = u.confirmed_by"
#define SQL_ORDER " ORDER BY u.started_at DESC, u.id DESC"
/* kb_usage_fetch(): the page is chosen on usage alone, then joined. */
#define SQL_PAGE(where, offset) \
  "SELECT " SQL_COLUMNS SQL_JOINS " WHERE u.id IN (SELECT u.id FROM usage u" where SQL_ORDER \
  " LIMIT 100 OFFSET " offset ")" SQL_ORDER ";"
#define SQL_TOTALS \
  "SELECT count (*), total (u.cases)," \
  " total (u.ended_at IS NULL)," \
  " total (u.ended_at IS NOT NULL AND u.task_id IS NULL AND u.confirmed_by IS NULL)," \
  " total (u.ended_at IS NOT NULL AND u.task_id IS NOT NULL AND u.confirmed_by IS NULL)," \
  " total (u.confirmed_by IS NOT NULL)," \
  " total (u.manual)," \
  " total (u.ended_at - u.started_at)" \
  " FROM usage u"

/* A word of three characters: the trigram index answers it. */
#define SEARCH_WORD "窓口対"

static const char *sqlite3_shell;

static void
die_on_error (GError     *error,
              const char *what)
{
  if (error != NULL)
    {
      g_printerr ("bench-usage: %s: %s\n", what, error->message);
      exit (2);
    }
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct {
  double first;    /* the first run: caches as cold as this run has them */
  double median;
} Figure;

static Figure
figure_of (double *runs)
{
  Figure f = { runs[0], 0 };

  qsort (runs, RUNS, sizeof (double), compare_double);
  f.median = runs[RUNS / 2];
  return f;
}

/* --- the sqlite3 shell ----------------------------------------------------- */

/* Runs @sql in the shell, read-only, with its timer on (it times the
 * lines it reads on its standard input); sums the "Run Time: real" lines
 * into @statement_ms. Returns the wall time of the whole process. */
static double
shell_run (const char *path,
           const char *sql,
           double     *statement_ms,
           char      **first_line)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strconcat (".timer on\n", sql, "\n", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 start = g_get_monotonic_time ();
  double wall;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              sqlite3_shell, "-readonly", "-batch", path, NULL);
  die_on_error (error, "running sqlite3");
  if (!g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error))
    die_on_error (error, "sqlite3");
  wall = ms_since (start);
  if (!g_subprocess_get_successful (process) || (err != NULL && err[0] != '\0'))
    {
      g_printerr ("bench-usage: sqlite3 failed on %s\n%s\n", sql, err);
      exit (2);
    }

  *statement_ms = 0;
  lines = g_strsplit (out, "\n", -1);
  if (first_line != NULL)
    *first_line = g_strdup (lines[0]);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Run Time: real "))
      *statement_ms += g_ascii_strtod (lines[i] + strlen ("Run Time: real "), NULL) * 1000;
  return wall;
}

typedef struct {
  Figure statement;
  Figure process;
} ShellFigures;

static ShellFigures
shell_figures (const char *path,
               const char *sql,
               char      **first_line)
{
  double statement[RUNS], process[RUNS];
  ShellFigures f;

  for (guint i = 0; i < RUNS; i++)
    process[i] = shell_run (path, sql, &statement[i], i == 0 ? first_line : NULL);
  f.statement = figure_of (statement);
  f.process = figure_of (process);
  return f;
}

/* --- the core -------------------------------------------------------------- */

typedef struct {
  KbDb *db;
  const KbUsageFilter *filter;
  guint offset;
  gboolean count;
  gboolean totals;
  gint64 n;          /* the count, or the rows fetched */
} Query;

static double
core_run (Query *q)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (q->totals)
    {
      KbUsageTotals totals;

      if (!kb_usage_totals (q->db, 0, q->filter, &totals, &error))
        die_on_error (error, "kb_usage_totals");
      q->n = totals.n_entries;
    }
  else
    {
      g_autoptr(GPtrArray) rows = NULL;

      if (q->count && (q->n = kb_usage_count (q->db, 0, q->filter, &error)) < 0)
        die_on_error (error, "kb_usage_count");
      rows = kb_usage_fetch (q->db, 0, q->filter, q->offset, 100, &error);
      die_on_error (error, "kb_usage_fetch");
      if (!q->count)
        q->n = rows->len;
    }
  return ms_since (start);
}

static void
report (const char *label,
        Query      *q,
        const char *path,
        const char *sql)
{
  double runs[RUNS];
  g_autofree char *shell_n = NULL;
  Figure core;
  ShellFigures shell;

  for (guint i = 0; i < RUNS; i++)
    runs[i] = core_run (q);
  core = figure_of (runs);
  shell = shell_figures (path, sql, &shell_n);

  printf ("%-34s %9" G_GINT64_FORMAT "  core %8.2f ms (first %8.2f)   sqlite3 %8.2f ms"
          " (process %8.2f)%s\n",
          label, q->n, core.median, core.first, shell.statement.median,
          shell.process.median, core.median > SLOW_MS ? "  SLOW" : "");
  fflush (stdout);
}

static void
report_shell (const char *label,
              const char *path,
              const char *sql)
{
  ShellFigures shell = shell_figures (path, sql, NULL);

  printf ("%-34s %9s  %29s   sqlite3 %8.2f ms (process %8.2f)\n",
          label, "", "", shell.statement.median, shell.process.median);
  fflush (stdout);
}

static double
file_mb (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size / 1e6 : 0.0;
}

static gint64
lookup (KbDb       *db,
        const char *sql)
{
  return kb_test_count (db, sql);
}

/* --- generating ------------------------------------------------------------ */

static char *
generate (const char *dir)
{
  const char *gen = g_getenv ("KB_USAGE_GEN");
  const char *rows = g_getenv ("KB_BENCH_USAGE_ROWS");
  g_autofree char *n = g_strdup_printf ("%d", DEFAULT_ROWS);
  char *path = g_build_filename (dir, "usage.db", NULL);
  const char *argv[] = { gen, path, rows != NULL ? rows : n, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (gen == NULL)
    {
      g_printerr ("bench-usage: give a database, or set KB_USAGE_GEN to kb-usage-gen\n");
      exit (2);
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    die_on_error (error, "kb-usage-gen");
  return path;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *where = NULL;
  guint offset;
  KbUsageFilter *all = kb_usage_filter_new ();
  KbUsageFilter *operator = kb_usage_filter_new ();
  KbUsageFilter *month = kb_usage_filter_new ();
  KbUsageFilter *text = kb_usage_filter_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *wal = NULL;
  double open_ms[RUNS];
  double shell_ms, shell_wall;
  Figure open_figure;
  gint64 total;

  setlocale (LC_ALL, "");
  sqlite3_shell = g_getenv ("KB_SQLITE3") != NULL ? g_getenv ("KB_SQLITE3") : "sqlite3";

  if (argc > 1)
    path = g_strdup (argv[1]);
  else if (g_getenv ("KB_BENCH_USAGE_DB") != NULL)
    path = g_strdup (g_getenv ("KB_BENCH_USAGE_DB"));
  else
    {
      dir = g_dir_make_tmp ("kanribo-bench-usage-XXXXXX", &error);
      die_on_error (error, "making a temporary folder");
      path = generate (dir);
    }

  /* Opening inspects the file and runs PRAGMA quick_check: what the app
   * pays at every start. */
  for (guint i = 0; i < RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();

      db = kb_db_open (path, KB_DB_OPEN_READ_ONLY, &error);
      die_on_error (error, "kb_db_open");
      open_ms[i] = ms_since (start);
      if (i + 1 < RUNS)
        g_clear_pointer (&db, kb_db_close);
    }
  open_figure = figure_of (open_ms);
  shell_wall = shell_run (path, "PRAGMA quick_check", &shell_ms, NULL);

  total = lookup (db, "SELECT count (*) FROM usage");
  printf ("bench-usage: %s\n", path);
  wal = g_strconcat (path, "-wal", NULL);
  printf ("%-34s %9" G_GINT64_FORMAT " rows, %.1f MB (+ WAL %.1f MB)\n", "database", total,
          file_mb (path), file_mb (wal));
  printf ("%-34s %9s  core %8.2f ms (first %8.2f)   sqlite3 %8.2f ms (process %8.2f)"
          "  [PRAGMA quick_check]\n",
          "kb_db_open (read-only)", "", open_figure.median, open_figure.first, shell_ms,
          shell_wall);
  {
    double base_ms;
    double base_wall = shell_run (path, "SELECT 1", &base_ms, NULL);

    printf ("%-34s %9s  %41s (process %8.2f)\n", "sqlite3 start-up (SELECT 1)", "", "",
            base_wall);
  }

  operator->operator_id = lookup (db, "SELECT id FROM operators WHERE staff_number = 'N1003'");
  from = g_date_time_new_local (g_date_time_get_year (now) - 1, g_date_time_get_month (now), 1,
                                0, 0, 0);
  to = g_date_time_add_months (from, 1);
  month->from = g_date_time_to_unix (from);
  month->to = g_date_time_to_unix (to);
  text->text = g_strdup (SEARCH_WORD);

  printf ("%-34s %9s  %s\n", "", "rows", "median of 5 runs (first run)");

  report ("count + first 100", &(Query) { db, all, 0, TRUE },
          path, "SELECT count (*) FROM usage u WHERE 1;" SQL_PAGE (" WHERE 1", "0"));

  where = g_strdup_printf (" WHERE 1 AND u.operator_id = %" G_GINT64_FORMAT, operator->operator_id);
  sql = g_strdup_printf ("SELECT count (*) FROM usage u%s;" SQL_PAGE ("%s", "0"), where, where);
  report ("  one operator (N1003)", &(Query) { db, operator, 0, TRUE }, path, sql);
  g_clear_pointer (&sql, g_free);
  g_clear_pointer (&where, g_free);

  where = g_strdup_printf (" WHERE 1 AND u.started_at >= %" G_GINT64_FORMAT
                           " AND u.started_at < %" G_GINT64_FORMAT, month->from, month->to);
  sql = g_strdup_printf ("SELECT count (*) FROM usage u%s;" SQL_PAGE ("%s", "0"), where, where);
  report ("  one month", &(Query) { db, month, 0, TRUE }, path, sql);
  g_clear_pointer (&sql, g_free);
  g_clear_pointer (&where, g_free);

  where = g_strdup (" WHERE 1 AND u.id IN (SELECT rowid FROM usage_text"
                    " WHERE usage_text MATCH '\"" SEARCH_WORD "\"')");
  sql = g_strdup_printf ("SELECT count (*) FROM usage u%s;" SQL_PAGE ("%s", "0"), where, where);
  report ("  a word of the remarks", &(Query) { db, text, 0, TRUE }, path, sql);
  g_clear_pointer (&sql, g_free);
  g_clear_pointer (&where, g_free);

  offset = MIN (500000u, (guint) total / 2);
  sql = g_strdup_printf (SQL_PAGE (" WHERE 1", "%u"), offset);
  report ("100 rows at offset 500,000", &(Query) { db, all, offset }, path, sql);
  g_clear_pointer (&sql, g_free);
  /* What it was before kb_usage_fetch() chose the page on usage alone. */
  sql = g_strdup_printf ("SELECT " SQL_COLUMNS SQL_JOINS " WHERE 1" SQL_ORDER
                         " LIMIT 100 OFFSET %u;", offset);
  report_shell ("  joined for every row skipped", path, sql);
  g_clear_pointer (&sql, g_free);

  report ("totals, all rows", &(Query) { db, all, 0, FALSE, TRUE }, path,
          SQL_TOTALS " WHERE 1;");

  kb_usage_filter_free (all);
  kb_usage_filter_free (operator);
  kb_usage_filter_free (month);
  kb_usage_filter_free (text);
  g_clear_pointer (&db, kb_db_close);
  if (dir != NULL)
    kb_test_rm_rf (dir);
  return 0;
}
