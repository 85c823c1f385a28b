/* bench-usage-ui.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage register page on a million entries, as a person meets it:
 * opening the page until its first frame with rows is drawn, a filter
 * change until the list is redrawn, frame times while scrolling, a CSV
 * export of every row, and the resident memory. Beside each, the sqlite3
 * shell runs the same SQL on the same file in the same run.
 *
 * Needs a display (xvfb-run) and the sqlite3 program. KB_BENCH_USAGE_DB
 * names an existing database (made with kb-usage-gen); otherwise one of
 * KB_BENCH_USAGE_ROWS rows (default 1,000,000) is generated first.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kb-store.h"
#include "kb-usage-csv.h"
#include "kb-usage-page.h"

typedef struct {
  gint64 start;
  gint64 loaded;
  gint64 painted;
  gboolean waiting;
  GArray *frames;        /* frame intervals, µs */
  gint64 last_frame;
} Timing;

static Timing timing;

static void
spin_until (gboolean *flag,
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
}

static gboolean painted_flag;

static void
after_paint_cb (GdkFrameClock *clock)
{
  gint64 now = g_get_monotonic_time ();

  if (timing.frames != NULL && timing.last_frame != 0)
    {
      gint64 d = now - timing.last_frame;
      g_array_append_val (timing.frames, d);
    }
  timing.last_frame = now;
  if (timing.waiting && timing.loaded != 0)
    {
      timing.painted = now;
      timing.waiting = FALSE;
      painted_flag = TRUE;
    }
}

static void
loaded_cb (KbUsageModel *model,
           GtkWidget    *page)
{
  timing.loaded = g_get_monotonic_time ();
  /* The rows changed: the next paint is the one that shows them. */
  gtk_widget_queue_draw (page);
}

static void
start_timing (void)
{
  timing.start = g_get_monotonic_time ();
  timing.loaded = timing.painted = 0;
  timing.waiting = TRUE;
  painted_flag = FALSE;
}

/* Runs @sql with the sqlite3 shell, its output to @output (or nowhere);
 * returns wall milliseconds, process start included (a few ms). */
static double
shell_ms (const char *db,
          const char *sql,
          const char *output)
{
  g_autofree char *quoted_db = g_shell_quote (db);
  g_autofree char *quoted_sql = g_shell_quote (sql);
  g_autofree char *quoted_out = g_shell_quote (output != NULL ? output : "/dev/null");
  g_autofree char *line = g_strdup_printf ("sqlite3 -readonly %s %s %s > %s",
                                           output != NULL ? "-csv -header" : "",
                                           quoted_db, quoted_sql, quoted_out);
  char *argv[] = { "sh", "-c", line, NULL };
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                     &error))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
cmp_i64 (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static double
pct (GArray *values,
     double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint i;

  if (sorted->len == 0)
    return 0;
  g_array_sort (sorted, cmp_i64);
  i = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, i) / 1000.0;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

static gint64
month_start (int offset)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) first = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now), 1, 0, 0, 0);
  g_autoptr(GDateTime) m = g_date_time_add_months (first, offset);

  return g_date_time_to_unix (m);
}

static gboolean export_done;

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (kb_store_run_finish (KB_STORE (source), result, &error) == NULL)
    g_error ("export: %s", error->message);
  export_done = TRUE;
}

static gpointer
export_job (KbDb         *db,
            gpointer      data,
            GCancellable *cancellable,
            GError      **error)
{
  g_autoptr(KbUsageFilter) filter = kb_usage_filter_new ();

  return kb_usage_export_csv (db, 0, filter, data, FALSE, NULL, NULL, cancellable, error)
         ? GINT_TO_POINTER (1) : NULL;
}

static gint64
staff_id (const char *db,
          const char *staff)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL);
  sqlite3_prepare_v2 (handle, "SELECT id FROM operators WHERE staff_number = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return id;
}

int
main (int   argc,
      char *argv[])
{
  const char *db_path = g_getenv ("KB_BENCH_USAGE_DB");
  g_autofree char *tmpdir = NULL;
  g_autofree char *generated = NULL;
  g_autoptr(KbStore) store = NULL;
  g_autoptr(KbStore) reader = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *page;
  KbUsageModel *model;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adj;
  gint64 officer, clerk;
  double open_ms, paint_ms;
  g_autofree char *sql = NULL;

  gtk_init ();
  adw_init ();

  if (db_path == NULL)
    {
      const char *rows = g_getenv ("KB_BENCH_USAGE_ROWS");
      const char *gen = g_getenv ("KB_USAGE_GEN");
      g_autofree char *cmd = NULL;
      int status;

      tmpdir = g_dir_make_tmp ("kb-bench-ui-XXXXXX", &error);
      g_assert_no_error (error);
      generated = g_build_filename (tmpdir, "usage.db", NULL);
      cmd = g_strdup_printf ("%s %s %s", gen != NULL ? gen : "kb-usage-gen", generated,
                             rows != NULL ? rows : "1000000");
      g_print ("# generating: %s\n", cmd);
      if (!g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error) || status != 0)
        g_error ("generator failed: %s", error != NULL ? error->message : "exit status");
      db_path = generated;
    }

  officer = staff_id (db_path, "N1001");
  clerk = staff_id (db_path, "N1003");

  /* As the window does: the store (inspects the file), then the reader. */
  {
    gint64 t0 = g_get_monotonic_time ();

    store = kb_store_new (db_path);
    kb_store_open_async (store, FALSE, NULL, NULL, NULL);
    reader = kb_store_new_reader (db_path);
    kb_store_open_async (reader, FALSE, NULL, NULL, NULL);
    g_print ("# stores queued in %.1f ms\n", (g_get_monotonic_time () - t0) / 1000.0);
  }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  spin_ms (1500);   /* both connections open, the window mapped */

  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);

  /* 1. Opening the page, as a security officer (sees every row). */
  start_timing ();
  page = kb_usage_page_new (store, reader, NULL);
  model = kb_usage_page_get_model (KB_USAGE_PAGE (page));
  g_signal_connect (model, "loaded", G_CALLBACK (loaded_cb), page);
  gtk_window_set_child (GTK_WINDOW (window), page);
  kb_usage_page_load (KB_USAGE_PAGE (page), officer, TRUE, TRUE);
  spin_until (&painted_flag, 10000);
  open_ms = (timing.loaded - timing.start) / 1000.0;
  paint_ms = (timing.painted - timing.start) / 1000.0;
  g_print ("open page (this month, %u rows): rows in %.1f ms, first frame with rows %.1f ms "
           "(target 300)\n", g_list_model_get_n_items (G_LIST_MODEL (model)), open_ms, paint_ms);
  sql = g_strdup_printf ("SELECT count (*) FROM usage u WHERE u.started_at >= %" G_GINT64_FORMAT
                         " AND u.started_at < %" G_GINT64_FORMAT ";"
                         "SELECT u.id, t.code, o.name, k.name, u.cases, u.remarks FROM usage u"
                         " JOIN terminals t ON t.id = u.terminal_id JOIN operators o ON o.id = u.operator_id"
                         " LEFT JOIN tasks k ON k.id = u.task_id WHERE u.started_at >= %" G_GINT64_FORMAT
                         " AND u.started_at < %" G_GINT64_FORMAT
                         " ORDER BY u.started_at DESC, u.id DESC LIMIT 200;",
                         month_start (0), month_start (1), month_start (0), month_start (1));
  g_print ("  baseline sqlite3 shell, same count + first page: %.1f ms\n", shell_ms (db_path, sql, NULL));
  spin_ms (800);   /* the totals */
  g_print ("resident memory with the page open: %.1f MiB\n", rss_kib () / 1024.0);

  /* 2. Filter changes. */
  {
    static const struct {
      const char *what;
      int show;
      const char *text;
      int period;
    } changes[] = {
      { "status: unconfirmed", 3, NULL, -1 },
      { "status: any, all dates", 0, NULL, 5 },
      { "remarks search (3 characters), all dates", 0, "窓口対", -1 },
      { "back to this month", 0, "", 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
      {
        start_timing ();
        if (changes[i].text != NULL)
          kb_usage_page_set_search (KB_USAGE_PAGE (page), changes[i].text);
        if (changes[i].period >= 0)
          kb_usage_page_set_period (KB_USAGE_PAGE (page), changes[i].period);
        kb_usage_page_show (KB_USAGE_PAGE (page), changes[i].show);
        spin_until (&painted_flag, 10000);
        g_print ("filter change (%s, %u rows): redrawn in %.1f ms (target 100)\n",
                 changes[i].what, g_list_model_get_n_items (G_LIST_MODEL (model)),
                 (timing.painted - timing.start) / 1000.0);
        spin_ms (600);
      }
    g_print ("  baseline sqlite3 shell, count of all rows + first page: %.1f ms\n",
             shell_ms (db_path, "SELECT count (*) FROM usage; SELECT u.id FROM usage u"
                                " ORDER BY u.started_at DESC, u.id DESC LIMIT 200;", NULL));
  }

  /* 3. Scrolling all dates: steady wheel-like steps, then long jumps. */
  kb_usage_page_set_period (KB_USAGE_PAGE (page), 5);
  spin_ms (1500);
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (kb_usage_page_get_view (KB_USAGE_PAGE (page))),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adj = gtk_scrolled_window_get_vadjustment (scrolled);
  timing.frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  timing.last_frame = 0;
  for (int step = 0; step < 60; step++)
    {
      double value = gtk_adjustment_get_value (adj);
      double upper = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

      /* 50 small steps (three rows), then 10 jumps far down the list. */
      if (step < 50)
        gtk_adjustment_set_value (adj, value + 72);
      else
        gtk_adjustment_set_value (adj, upper * (step - 49) / 11.0);
      spin_ms (16);
    }
  g_print ("scrolling (%u frames): frame interval median %.1f ms, p95 %.1f ms, max %.1f ms "
           "(target p95 16 ms)\n", timing.frames->len, pct (timing.frames, 0.5),
           pct (timing.frames, 0.95), pct (timing.frames, 1.0));
  g_print ("resident memory after scrolling: %.1f MiB (target 150)\n", rss_kib () / 1024.0);
  g_array_unref (timing.frames);
  timing.frames = NULL;

  /* 4. CSV of every row. */
  {
    g_autofree char *dir = g_dir_make_tmp ("kb-bench-csv-XXXXXX", NULL);
    g_autofree char *csv = g_build_filename (dir, "all.csv", NULL);
    g_autofree char *shell_csv = g_build_filename (dir, "shell.csv", NULL);
    gint64 t0 = g_get_monotonic_time ();
    GStatBuf st;

    export_done = FALSE;
    kb_store_run_async (reader, NULL, export_job, g_strdup (csv), g_free, NULL, NULL,
                        export_done_cb, NULL);
    spin_until (&export_done, 600000);
    g_stat (csv, &st);
    g_print ("CSV export of every row: %.2f s, %.0f MB (target 5 s)\n",
             (g_get_monotonic_time () - t0) / 1e6, st.st_size / 1e6);
    g_print ("  baseline sqlite3 shell, same rows and joins to CSV: %.2f s\n",
             shell_ms (db_path, "SELECT date (u.started_at, 'unixepoch', 'localtime'),"
                                " time (u.started_at, 'unixepoch', 'localtime'),"
                                " time (u.ended_at, 'unixepoch', 'localtime'), t.code, t.name,"
                                " o.staff_number, o.name, d.name, k.name, u.cases, u.remarks,"
                                " u.confirmed_by, c.name, u.confirmed_at FROM usage u"
                                " JOIN terminals t ON t.id = u.terminal_id"
                                " JOIN operators o ON o.id = u.operator_id"
                                " JOIN divisions d ON d.id = u.division_id"
                                " LEFT JOIN tasks k ON k.id = u.task_id"
                                " LEFT JOIN operators c ON c.id = u.confirmed_by"
                                " ORDER BY u.started_at DESC, u.id DESC;", shell_csv) / 1000.0);
    g_unlink (csv);
    g_unlink (shell_csv);
    g_rmdir (dir);
  }

  /* 5. A clerk's view of the same file: the core narrows the query. */
  start_timing ();
  kb_usage_page_load (KB_USAGE_PAGE (page), 0, FALSE, FALSE);
  start_timing ();
  kb_usage_page_load (KB_USAGE_PAGE (page), clerk, FALSE, FALSE);
  spin_until (&painted_flag, 10000);
  g_print ("open page as a clerk (own rows this month, %u rows): first frame %.1f ms\n",
           g_list_model_get_n_items (G_LIST_MODEL (model)), (timing.painted - timing.start) / 1000.0);

  gtk_window_destroy (GTK_WINDOW (window));
  kb_store_close (reader);
  kb_store_close (store);
  if (generated != NULL)
    {
      g_autofree char *wal = g_strconcat (generated, "-wal", NULL);
      g_autofree char *shm = g_strconcat (generated, "-shm", NULL);
      g_autofree char *anchor = g_strconcat (generated, "-anchor", NULL);

      g_unlink (generated);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (anchor);
      g_rmdir (tmpdir);
    }
  return 0;
}
