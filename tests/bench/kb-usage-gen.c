/* kb-usage-gen.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A big usage register for benchmarks: `kb-usage-gen DB N` creates the
 * database DB, adds the demo office and N usage entries over the ten
 * years before now, each journaled as the app would (one entry per row,
 * by its operator at its terminal), so that `kanribo --verify` passes.
 * Working days only, 9:00 to 17:00; about one entry in ten has remarks.
 * The same N gives the same rows on the same day (a fixed seed).
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-journal.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define BATCH 10000
#define YEARS 10

typedef struct {
  gint64 id;
  gint64 division_id;
  gboolean supervisor;
} Operator;

typedef struct {
  GArray *operators;      /* Operator */
  GArray *terminal_ids;   /* gint64 */
  GPtrArray *codes;       /* the terminals' codes, as terminal_ids */
  GHashTable *tasks;      /* division id → GArray of task ids */
} Office;

static const char * const remarks[] = {
  "窓口対応",
  "電話照会あり",
  "旅券申請 %d件は翌日処理",
  "本人確認書類の不備あり、再来庁を依頼",
  "市町村からの照会に回答",
  "郵送請求分 %d件",
  "至急案件",
  "前日分の続き",
  "開示請求 %d件受付",
  "担当者不在のため一部保留",
  "システム応答遅延のため一時中断",
  "住所変更の経緯確認に時間を要した",
  "照会元への回答は翌日",
  "新任職員の操作指導を兼ねる",
};

static void
die (GError     *error,
     const char *what)
{
  g_printerr ("kb-usage-gen: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
load_office (KbDb   *db,
             Office *office)
{
  sqlite3 *handle = kb_db_get_handle (db);
  sqlite3_stmt *stmt = NULL;

  office->operators = g_array_new (FALSE, FALSE, sizeof (Operator));
  office->terminal_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  office->codes = g_ptr_array_new_with_free_func (g_free);
  office->tasks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) g_array_unref);

  sqlite3_prepare_v2 (handle, "SELECT id, division_id, roles FROM operators ORDER BY id", -1,
                      &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Operator op = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
        (sqlite3_column_int (stmt, 2) & KB_ROLE_SUPERVISOR) != 0,
      };

      g_array_append_val (office->operators, op);
    }
  sqlite3_finalize (stmt);

  sqlite3_prepare_v2 (handle, "SELECT id, code FROM terminals ORDER BY id", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (office->terminal_ids, id);
      g_ptr_array_add (office->codes, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  sqlite3_prepare_v2 (handle, "SELECT division_id, task_id FROM task_divisions"
                              " ORDER BY division_id, task_id", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 division_id = sqlite3_column_int64 (stmt, 0);
      gint64 task_id = sqlite3_column_int64 (stmt, 1);
      GArray *ids = g_hash_table_lookup (office->tasks, &division_id);

      if (ids == NULL)
        {
          ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (office->tasks, g_memdup2 (&division_id, sizeof division_id), ids);
        }
      g_array_append_val (ids, task_id);
    }
  sqlite3_finalize (stmt);

  if (office->operators->len == 0 || office->terminal_ids->len == 0)
    die (NULL, "the demo office is missing");
}

/* A confirmer for @op: another supervisor of the same division, or 0. */
static gint64
pick_confirmer (Office         *office,
                const Operator *op,
                GRand          *rand)
{
  gint64 candidates[64];
  guint n = 0;

  for (guint i = 0; i < office->operators->len && n < G_N_ELEMENTS (candidates); i++)
    {
      const Operator *o = &g_array_index (office->operators, Operator, i);

      if (o->supervisor && o->id != op->id && o->division_id == op->division_id)
        candidates[n++] = o->id;
    }
  return n == 0 ? 0 : candidates[g_rand_int_range (rand, 0, n)];
}

/* The 9:00 of every weekday in the ten years up to today, oldest first. */
static GArray *
working_days (void)
{
  GArray *days = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) day = NULL;
  int y, m, d;

  g_date_time_get_ymd (now, &y, &m, &d);
  day = g_date_time_new_local (y - YEARS, m, d, 9, 0, 0);
  while (g_date_time_compare (day, now) < 0)
    {
      GDateTime *next;

      if (g_date_time_get_day_of_week (day) <= 5)
        {
          gint64 nine = g_date_time_to_unix (day);
          g_array_append_val (days, nine);
        }
      next = g_date_time_add_days (day, 1);
      g_date_time_unref (day);
      day = next;
    }
  return days;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GArray) days = NULL;
  Office office = { 0 };
  gint64 n, now, start, done = 0;
  gint64 per_day_slot;
  sqlite3_stmt *insert, *text;
  double secs;

  setlocale (LC_ALL, "");
  if (argc != 3 || !g_ascii_string_to_signed (argv[2], 10, 1, G_MAXINT32, &n, NULL))
    {
      g_printerr ("Usage: kb-usage-gen DB N\n"
                  "Creates the database DB with the demo office and N usage entries.\n");
      return 2;
    }
  if (g_file_test (argv[1], G_FILE_TEST_EXISTS))
    {
      g_printerr ("kb-usage-gen: %s exists; give a new file\n", argv[1]);
      return 2;
    }

  db = kb_db_open (argv[1], KB_DB_OPEN_CREATE, &error);
  if (db == NULL)
    die (error, "opening the database");
  if (!kb_demo_seed (db, &error))
    die (error, "adding the demo office");
  load_office (db, &office);

  /* Row i goes to working day i × days / n, the day's rows spread evenly
   * over 9:00–17:00 (one to a slot; a sitting is shorter than its slot,
   * so one terminal is never used twice at once… nearly: several rows a
   * slot share it only when there are more rows than minutes). */
  days = working_days ();
  now = g_get_real_time () / G_USEC_PER_SEC;
  per_day_slot = MAX (1, (n + days->len - 1) / days->len);

  start = g_get_monotonic_time ();
  while (done < n)
    {
      if (!kb_db_begin (db, &error))
        die (error, "beginning a transaction");
      insert = kb_db_prepare (db, "INSERT INTO usage (terminal_id, operator_id, division_id,"
                                  " task_id, cases, remarks, started_at, ended_at, manual,"
                                  " confirmed_by, confirmed_at)"
                                  " VALUES (?1, ?2, ?3, nullif (?4, 0), ?5, ?6, ?7, ?8, ?9,"
                                  " nullif (?10, 0), nullif (?11, 0))", &error);
      if (insert == NULL)
        die (error, "preparing");

      for (gint64 end = MIN (n, done + BATCH); done < end; done++)
        {
          guint day = (guint) (done * days->len / n);
          gint64 first_of_day = ((gint64) day * n + days->len - 1) / days->len;
          gint64 slot = done - first_of_day;
          gint64 slot_len = (8 * 3600) / per_day_slot;
          gint64 started_at = g_array_index (days, gint64, day) + slot * slot_len +
                              g_rand_int_range (rand, 0, MAX (1, slot_len / 4));
          gint64 duration = MIN (slot_len / 2 + 1, g_rand_int_range (rand, 10 * 60, 90 * 60));
          gint64 ended_at = MIN (started_at + duration, now);
          const Operator *op = &g_array_index (office.operators, Operator,
                                               g_rand_int_range (rand, 0, office.operators->len));
          GArray *tasks = g_hash_table_lookup (office.tasks, &op->division_id);
          guint terminal = g_rand_int_range (rand, 0, office.terminal_ids->len);
          gboolean manual = g_rand_double (rand) < 0.005;
          gboolean purpose_missing = !manual && g_rand_double (rand) < 0.002;
          gint64 task_id = 0;
          gint64 confirmer = 0, confirmed_at = 0;
          double u = g_rand_double (rand);
          g_autofree char *remark = NULL;
          g_autofree char *detail = NULL;
          gint64 id;

          if (started_at > now)
            started_at = now;
          if (ended_at < started_at)
            ended_at = started_at;
          if (tasks != NULL && !purpose_missing)
            task_id = g_array_index (tasks, gint64, g_rand_int_range (rand, 0, tasks->len));
          if (task_id != 0 && (now - ended_at > 14 * 86400 || g_rand_double (rand) < 0.5))
            {
              confirmer = pick_confirmer (&office, op, rand);
              confirmed_at = confirmer != 0 ? MIN (now, ended_at + g_rand_int_range (rand, 3600,
                                                                                    3 * 86400))
                                            : 0;
            }
          if (g_rand_double (rand) < 0.1)
            {
              const char *format = remarks[g_rand_int_range (rand, 0, G_N_ELEMENTS (remarks))];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
              remark = g_strdup_printf (format, g_rand_int_range (rand, 2, 9));
#pragma GCC diagnostic pop
            }

          sqlite3_bind_int64 (insert, 1, g_array_index (office.terminal_ids, gint64, terminal));
          sqlite3_bind_int64 (insert, 2, op->id);
          sqlite3_bind_int64 (insert, 3, op->division_id);
          sqlite3_bind_int64 (insert, 4, task_id);
          if (task_id != 0)
            sqlite3_bind_int (insert, 5, MIN (40, (int) (41 * u * u * u)));
          else
            sqlite3_bind_null (insert, 5);
          sqlite3_bind_text (insert, 6, remark != NULL ? remark : "", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (insert, 7, started_at);
          sqlite3_bind_int64 (insert, 8, ended_at);
          sqlite3_bind_int (insert, 9, manual);
          sqlite3_bind_int64 (insert, 10, confirmer);
          sqlite3_bind_int64 (insert, 11, confirmed_at);
          if (!kb_db_step_done (db, insert, &error))
            die (error, "inserting");
          id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

          if (remark != NULL)
            {
              text = kb_db_prepare (db, "INSERT INTO usage_text (rowid, remarks) VALUES (?1, ?2)",
                                    &error);
              if (text == NULL)
                die (error, "preparing");
              sqlite3_bind_int64 (text, 1, id);
              sqlite3_bind_text (text, 2, remark, -1, SQLITE_STATIC);
              if (!kb_db_step_done (db, text, &error))
                die (error, "indexing the remarks");
            }

          if (manual)
            detail = g_strdup ("{\"reason\":\"端末障害のため紙で記録\"}");
          kb_db_set_actor (db, op->id, g_ptr_array_index (office.codes, terminal));
          if (!kb_journal_record (db, manual ? "usage.manual" : "usage.open", "usage", id,
                                  detail, &error))
            die (error, "journaling");
        }

      kb_db_set_actor (db, 0, NULL);
      if (!kb_db_commit (db, &error))
        die (error, "committing");
      if (isatty (fileno (stderr)))
        g_printerr ("\r%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT, done, n);
    }
  if (isatty (fileno (stderr)))
    g_printerr ("\n");
  secs = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  printf ("kb-usage-gen: %" G_GINT64_FORMAT " usage entries in %.1f s = %.0f rows/s (%s)\n",
          n, secs, n / secs, argv[1]);

  g_array_unref (office.operators);
  g_array_unref (office.terminal_ids);
  g_ptr_array_unref (office.codes);
  g_hash_table_unref (office.tasks);
  return 0;
}
