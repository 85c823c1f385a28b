/* bench-journal.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How much the tamper-evident journal costs, against plain SQLite doing the
 * same writes and reads on the same schema in the same run:
 *
 *   [a]  kb_journal_append(), journal-only entries (entity NULL, so no
 *        register row is needed), against [b] plain INSERTs of the same
 *        rows with precomputed hashes;
 *   [c]  kb_journal_verify() over those entries, against reading every row
 *        (SELECT … ORDER BY seq) and against reading + one SHA-256 per row;
 *   [d]  full register writes (INSERT INTO terminals + kb_journal_record()),
 *        against plain INSERTs into both tables, then [e] verifying them.
 *
 * Run with `meson test -C build --benchmark -v journal`. KB_BENCH_ENTRIES
 * and KB_BENCH_ROWS shrink the run; KB_BENCH_STRICT=1 makes a missed target
 * an exit status of 1.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-test-util.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gcrypt.h>
#include <glib/gstdio.h>

#define BATCH 10000
#define DEFAULT_ENTRIES 1000000
#define DEFAULT_ROWS 100000
#define TARGET_RATIO 0.5
#define TARGET_VERIFY_S 2.0

static gboolean all_targets_met = TRUE;

static void
die_on_error (GError     *error,
              const char *what)
{
  if (error != NULL)
    {
      g_printerr ("bench-journal: %s: %s\n", what, error->message);
      exit (2);
    }
}

static void
die_on_sqlite (sqlite3    *handle,
               int         rc,
               const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      g_printerr ("bench-journal: %s: %s\n", what, sqlite3_errmsg (handle));
      exit (2);
    }
}

static gint64
env_count (const char *name,
           gint64      fallback)
{
  const char *value = g_getenv (name);
  gint64 n;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, BATCH, G_MAXINT32, &n, NULL))
    return fallback;
  return n - n % BATCH;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static char *
thousands (double value)
{
  g_autofree char *digits = g_strdup_printf ("%.0f", value);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static void
report_rate (const char *label,
             gint64      n,
             double      secs)
{
  g_autofree char *count = thousands (n);
  g_autofree char *rate = thousands (n / secs);

  printf ("%-58s %11s in %7.3f s = %11s /s\n", label, count, secs, rate);
  fflush (stdout);
}

static const char *
verdict (gboolean met)
{
  if (!met)
    all_targets_met = FALSE;
  return met ? "MET" : "MISSED";
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

/* A realistic canonical state of about 150 bytes: an operator as the
 * registers write it (with the division's name), with a different id and
 * staff number on each row. */
static gsize
make_state (char   *buf,
            gsize   size,
            gint64  i)
{
  return g_snprintf (buf, size,
                     "{\"id\":%" G_GINT64_FORMAT ",\"staff_number\":\"N%07" G_GINT64_FORMAT "\","
                     "\"name\":\"北沢 誠一\",\"kana\":\"キタザワ セイイチ\",\"division_id\":%d,"
                     "\"division\":\"市町村課\",\"roles\":%d,\"active\":1}",
                     i, i, (int) (i % 3) + 1, 1 << (i % 8));
}

static KbDb *
create_db (const char *dir,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  KbDb *db = kb_db_open (path, KB_DB_OPEN_CREATE, &error);

  die_on_error (error, "opening a database");
  return db;
}

/* What a new database already holds (its creation and default settings,
 * as many as the schema version makes), so that the plain baselines number
 * their entries after them and the verifier's counts can be checked. */
static void
new_db_counts (KbDb   *db,
               gint64 *entries,
               gint64 *rows)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  if (!kb_journal_verify (db, NULL, NULL, NULL, &report, &error))
    die_on_error (error, "verifying a new database");
  *entries = report.n_entries;
  *rows = report.n_rows;
  kb_verify_report_clear (&report);
}

/* --- [a] and [b]: journal-only appends ------------------------------------ */

static double
bench_append (KbDb   *db,
              gint64  n)
{
  g_autoptr(GError) error = NULL;
  char state[256];
  gint64 start = g_get_monotonic_time ();

  for (gint64 done = 0; done < n; done += BATCH)
    {
      kb_db_begin (db, &error);
      die_on_error (error, "kb_db_begin");
      for (gint64 i = done; i < done + BATCH; i++)
        {
          make_state (state, sizeof state, i + 1);
          kb_journal_append (db, "bench.note", NULL, 0, state, NULL, &error);
          die_on_error (error, "kb_journal_append");
        }
      kb_db_commit (db, &error);
      die_on_error (error, "kb_db_commit");
    }

  return seconds_since (start);
}

/* The same rows as bench_append() writes, through a plain prepared INSERT
 * into the journal table of another real Kanribo database (same schema,
 * indices, triggers and pragmas), with hashes computed beforehand. */
static double
bench_plain_insert (KbDb   *db,
                    gint64  n)
{
  sqlite3 *handle = kb_db_get_handle (db);
  g_autofree guint8 *hashes = g_malloc ((n + 1) * 32);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  const char *at = "2026-04-01T09:00:00.000000Z";
  const char *terminal = g_get_host_name ();
  sqlite3_stmt *stmt = NULL;
  char state[256];
  gint64 first = kb_test_journal_length (db) + 1;
  gint64 start;

  for (gint64 i = 0; i < (n + 1) * 32 / 4; i++)
    ((guint32 *) (gpointer) hashes)[i] = g_rand_int (rand);

  die_on_sqlite (handle, sqlite3_prepare_v3 (handle,
                                             "INSERT INTO journal (seq, at, actor, terminal, kind,"
                                             " entity, entity_id, state, detail, prev_hash, hash)"
                                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                             " ?10, ?11)",
                                             -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL),
                 "prepare");

  start = g_get_monotonic_time ();
  for (gint64 done = 0; done < n; done += BATCH)
    {
      die_on_sqlite (handle, sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin");
      for (gint64 i = done; i < done + BATCH; i++)
        {
          gsize len = make_state (state, sizeof state, i + 1);

          sqlite3_bind_int64 (stmt, 1, first + i);
          sqlite3_bind_text (stmt, 2, at, -1, SQLITE_STATIC);
          sqlite3_bind_null (stmt, 3);
          sqlite3_bind_text (stmt, 4, terminal, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, "bench.note", -1, SQLITE_STATIC);
          sqlite3_bind_null (stmt, 6);
          sqlite3_bind_null (stmt, 7);
          sqlite3_bind_text (stmt, 8, state, len, SQLITE_STATIC);
          sqlite3_bind_null (stmt, 9);
          sqlite3_bind_blob (stmt, 10, hashes + i * 32, 32, SQLITE_STATIC);
          sqlite3_bind_blob (stmt, 11, hashes + (i + 1) * 32, 32, SQLITE_STATIC);
          die_on_sqlite (handle, sqlite3_step (stmt), "insert");
          sqlite3_reset (stmt);
        }
      die_on_sqlite (handle, sqlite3_exec (handle, "COMMIT", NULL, NULL, NULL), "commit");
    }
  sqlite3_finalize (stmt);

  return seconds_since (start);
}

/* --- [c]: reading it all back ---------------------------------------------- */

typedef struct {
  guint  calls;
  gint64 last_done;
  gint64 last_total;
} Progress;

static void
on_progress (gint64   done,
             gint64   total,
             gpointer user_data)
{
  Progress *p = user_data;

  if (done > total || done < p->last_done)
    {
      g_printerr ("bench-journal: progress went wrong: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                  "\n", done, total);
      exit (2);
    }
  p->calls++;
  p->last_done = done;
  p->last_total = total;
}

static double
bench_verify (KbDb       *db,
              gint64      expected_entries,
              gint64      expected_rows,
              const char *label)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };
  Progress progress = { 0 };
  gint64 start = g_get_monotonic_time ();
  double secs;

  if (!kb_journal_verify (db, on_progress, &progress, NULL, &report, &error))
    die_on_error (error, "kb_journal_verify");
  secs = seconds_since (start);

  if (report.n_entries != expected_entries || report.n_rows != expected_rows ||
      progress.last_done != progress.last_total || progress.last_done != expected_entries)
    {
      g_printerr ("bench-journal: verify saw %" G_GINT64_FORMAT " entries and %" G_GINT64_FORMAT
                  " rows, expected %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT "\n",
                  report.n_entries, report.n_rows, expected_entries, expected_rows);
      exit (2);
    }
  report_rate (label, report.n_entries, secs);
  printf ("%-58s %11u calls, last %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "\n",
          "     progress callback", progress.calls, progress.last_done, progress.last_total);
  kb_verify_report_clear (&report);

  return secs;
}

/* Reads every column of every journal row in order, as the verifier does,
 * optionally hashing each row once; the floor for [c]. */
static double
bench_scan (KbDb     *db,
            gboolean  hash,
            gint64   *n_out)
{
  sqlite3 *handle = kb_db_get_handle (db);
  sqlite3_stmt *stmt = NULL;
  gcry_md_hd_t md = NULL;
  guint64 checksum = 0;
  gint64 n = 0;
  gint64 start = g_get_monotonic_time ();
  int rc;

  gcry_md_open (&md, GCRY_MD_SHA256, 0);
  die_on_sqlite (handle, sqlite3_prepare_v2 (handle, "SELECT * FROM journal ORDER BY seq", -1,
                                             &stmt, NULL), "prepare");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (hash)
        gcry_md_reset (md);
      for (int c = 0; c < 11; c++)
        {
          const void *data = c == 9 || c == 10 ? sqlite3_column_blob (stmt, c)
                                               : (const void *) sqlite3_column_text (stmt, c);
          int len = sqlite3_column_bytes (stmt, c);

          if (hash && data != NULL)
            gcry_md_write (md, data, len);
          checksum += len;
        }
      if (hash)
        checksum += gcry_md_read (md, GCRY_MD_SHA256)[0];
      n++;
    }
  die_on_sqlite (handle, rc, "scan");
  sqlite3_finalize (stmt);
  gcry_md_close (md);

  /* Keep the compiler from dropping the reads. */
  if (checksum == 42)
    printf ("\n");
  *n_out = n;
  return seconds_since (start);
}

/* --- [d] and [e]: register rows and their journal entries ------------------ */

static double
bench_register_writes (KbDb   *db,
                       gint64  n)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (gint64 done = 0; done < n; done += BATCH)
    {
      kb_db_begin (db, &error);
      die_on_error (error, "kb_db_begin");
      for (gint64 i = done; i < done + BATCH; i++)
        {
          sqlite3_stmt *stmt = kb_db_prepare (db, "INSERT INTO terminals (code, name, location)"
                                                  " VALUES (?1, ?2, ?3)", &error);
          char code[32];

          die_on_error (error, "prepare");
          g_snprintf (code, sizeof code, "T%07" G_GINT64_FORMAT, i + 1);
          sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, "住基端末", -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, "本庁舎 3階 市町村課 執務室", -1, SQLITE_STATIC);
          kb_db_step_done (db, stmt, &error);
          die_on_error (error, "insert");
          kb_journal_record (db, "terminal.create", "terminal",
                             sqlite3_last_insert_rowid (kb_db_get_handle (db)), NULL, &error);
          die_on_error (error, "kb_journal_record");
        }
      kb_db_commit (db, &error);
      die_on_error (error, "kb_db_commit");
    }

  return seconds_since (start);
}

static double
bench_register_plain (KbDb   *db,
                      gint64  n)
{
  sqlite3 *handle = kb_db_get_handle (db);
  g_autofree guint8 *hashes = g_malloc ((n + 1) * 32);
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  const char *at = "2026-04-01T09:00:00.000000Z";
  const char *terminal = g_get_host_name ();
  sqlite3_stmt *row = NULL;
  sqlite3_stmt *entry = NULL;
  gint64 first = kb_test_journal_length (db) + 1;
  gint64 start;

  for (gint64 i = 0; i < (n + 1) * 32 / 4; i++)
    ((guint32 *) (gpointer) hashes)[i] = g_rand_int (rand);

  die_on_sqlite (handle, sqlite3_prepare_v2 (handle, "INSERT INTO terminals (code, name, location)"
                                                     " VALUES (?1, ?2, ?3)", -1, &row, NULL),
                 "prepare");
  die_on_sqlite (handle, sqlite3_prepare_v2 (handle,
                                             "INSERT INTO journal (seq, at, actor, terminal, kind,"
                                             " entity, entity_id, state, detail, prev_hash, hash)"
                                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                             " ?10, ?11)",
                                             -1, &entry, NULL), "prepare");

  start = g_get_monotonic_time ();
  for (gint64 done = 0; done < n; done += BATCH)
    {
      die_on_sqlite (handle, sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin");
      for (gint64 i = done; i < done + BATCH; i++)
        {
          char code[32];
          char state[256];
          gint64 id;
          gsize len;

          g_snprintf (code, sizeof code, "T%07" G_GINT64_FORMAT, i + 1);
          sqlite3_bind_text (row, 1, code, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (row, 2, "住基端末", -1, SQLITE_STATIC);
          sqlite3_bind_text (row, 3, "本庁舎 3階 市町村課 執務室", -1, SQLITE_STATIC);
          die_on_sqlite (handle, sqlite3_step (row), "insert");
          sqlite3_reset (row);
          id = sqlite3_last_insert_rowid (handle);

          len = g_snprintf (state, sizeof state,
                            "{\"id\":%" G_GINT64_FORMAT ",\"code\":\"%s\",\"name\":\"住基端末\","
                            "\"location\":\"本庁舎 3階 市町村課 執務室\",\"active\":1}", id, code);
          sqlite3_bind_int64 (entry, 1, first + i);
          sqlite3_bind_text (entry, 2, at, -1, SQLITE_STATIC);
          sqlite3_bind_null (entry, 3);
          sqlite3_bind_text (entry, 4, terminal, -1, SQLITE_STATIC);
          sqlite3_bind_text (entry, 5, "terminal.create", -1, SQLITE_STATIC);
          sqlite3_bind_text (entry, 6, "terminal", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (entry, 7, id);
          sqlite3_bind_text (entry, 8, state, len, SQLITE_TRANSIENT);
          sqlite3_bind_null (entry, 9);
          sqlite3_bind_blob (entry, 10, hashes + i * 32, 32, SQLITE_STATIC);
          sqlite3_bind_blob (entry, 11, hashes + (i + 1) * 32, 32, SQLITE_STATIC);
          die_on_sqlite (handle, sqlite3_step (entry), "insert");
          sqlite3_reset (entry);
        }
      die_on_sqlite (handle, sqlite3_exec (handle, "COMMIT", NULL, NULL, NULL), "commit");
    }
  sqlite3_finalize (row);
  sqlite3_finalize (entry);

  return seconds_since (start);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gint64 n = env_count ("KB_BENCH_ENTRIES", DEFAULT_ENTRIES);
  gint64 rows = env_count ("KB_BENCH_ROWS", DEFAULT_ROWS);
  gboolean strict = g_strcmp0 (g_getenv ("KB_BENCH_STRICT"), "1") == 0;
  gboolean keep = g_strcmp0 (g_getenv ("KB_BENCH_KEEP"), "1") == 0;
  double t_append, t_plain, t_verify, t_scan, t_scan_hash, t_reg, t_reg_plain, t_reg_verify;
  double ratio, reg_ratio;
  gint64 scanned;
  gint64 base_entries, base_rows;
  char state[256];
  KbDb *journal_db, *plain_db, *reg_db, *reg_plain_db;

  setlocale (LC_ALL, "");
  dir = g_dir_make_tmp ("kanribo-bench-XXXXXX", &error);
  die_on_error (error, "making a temporary folder");

  printf ("Kanribo journal benchmark\n");
  printf ("  folder:        %s (a real file system, synchronous=FULL, WAL)\n", dir);
  printf ("  SQLite %s, libgcrypt %s, GLib %u.%u.%u\n", sqlite3_libversion (),
          gcry_check_version (NULL), glib_major_version, glib_minor_version, glib_micro_version);
  printf ("  entries:       %" G_GINT64_FORMAT " in transactions of %d\n", n, BATCH);
  printf ("  state:         %" G_GSIZE_FORMAT "–%" G_GSIZE_FORMAT " bytes of canonical JSON "
          "(an operator row)\n", make_state (state, sizeof state, 1),
          make_state (state, sizeof state, n));
  printf ("  [a]–[c] use journal-only entries: entity NULL, so no register row is needed;\n"
          "  [d]–[e] write real register rows (terminals) with their journal entries.\n\n");
  fflush (stdout);

  journal_db = create_db (dir, "journal.db");
  plain_db = create_db (dir, "plain.db");
  new_db_counts (journal_db, &base_entries, &base_rows);

  /* The baseline first, so that neither run has the page cache of the
   * other to itself. */
  t_plain = bench_plain_insert (plain_db, n);
  report_rate ("[b] baseline: plain INSERT INTO journal (precomputed hash)", n, t_plain);
  t_append = bench_append (journal_db, n);
  report_rate ("[a] kb_journal_append (SHA-256 chain, anchor per commit)", n, t_append);
  ratio = t_plain / t_append;
  printf ("%-58s %11.2f×  (target ≥ %.2f×: %s)\n", "[a/b] append throughput relative to plain",
          ratio, TARGET_RATIO, verdict (ratio >= TARGET_RATIO));
  printf ("%-58s %8.1f MB and %.1f MB\n", "     file sizes (journal.db, plain.db)",
          file_size (kb_db_get_path (journal_db)) / 1e6,
          file_size (kb_db_get_path (plain_db)) / 1e6);
  printf ("\n");
  fflush (stdout);
  kb_db_close (plain_db);

  t_scan = bench_scan (journal_db, FALSE, &scanned);
  report_rate ("[c0] baseline: SELECT * FROM journal ORDER BY seq", scanned, t_scan);
  t_scan_hash = bench_scan (journal_db, TRUE, &scanned);
  report_rate ("[c1] baseline: the same + one SHA-256 per row", scanned, t_scan_hash);
  t_verify = bench_verify (journal_db, base_entries + n, base_rows,
                           "[c] kb_journal_verify (journal-only entries)");
  printf ("%-58s %11.3f s  (target < %.2f s: %s)\n", "[c] verify time",
          t_verify, TARGET_VERIFY_S * n / DEFAULT_ENTRIES,
          verdict (t_verify < TARGET_VERIFY_S * n / DEFAULT_ENTRIES));
  printf ("%-58s %11.2f×\n", "[c/c0] verify time relative to reading the rows",
          t_verify / t_scan);
  printf ("\n");
  fflush (stdout);
  kb_db_close (journal_db);

  reg_db = create_db (dir, "registers.db");
  reg_plain_db = create_db (dir, "registers-plain.db");
  t_reg_plain = bench_register_plain (reg_plain_db, rows);
  report_rate ("[d0] baseline: INSERT terminals + INSERT journal", rows, t_reg_plain);
  t_reg = bench_register_writes (reg_db, rows);
  report_rate ("[d] INSERT terminals + kb_journal_record", rows, t_reg);
  reg_ratio = t_reg_plain / t_reg;
  printf ("%-58s %11.2f×  (target ≥ %.2f×: %s)\n", "[d/d0] register writes relative to plain",
          reg_ratio, TARGET_RATIO, verdict (reg_ratio >= TARGET_RATIO));
  t_reg_verify = bench_verify (reg_db, base_entries + rows, base_rows + rows,
                               "[e] kb_journal_verify (entries + register rows)");
  printf ("\n");
  kb_db_close (reg_plain_db);
  kb_db_close (reg_db);

  {
    g_autofree char *append_rate = thousands (n / t_append);
    g_autofree char *plain_rate = thousands (n / t_plain);
    g_autofree char *reg_rate = thousands (rows / t_reg);
    g_autofree char *reg_plain_rate = thousands (rows / t_reg_plain);
    gboolean verify_met = t_verify < TARGET_VERIFY_S * n / DEFAULT_ENTRIES;

    printf ("Summary\n");
    printf ("  append:    %s entries/s journaled vs %s/s plain: %.2f× (target ≥ %.2f×) %s\n",
            append_rate, plain_rate, ratio, TARGET_RATIO,
            ratio >= TARGET_RATIO ? "MET" : "MISSED");
    printf ("  verify:    %" G_GINT64_FORMAT " entries in %.3f s (target < %.2f s) %s;"
            " reading them alone %.3f s, reading + hashing %.3f s\n",
            base_entries + n, t_verify, TARGET_VERIFY_S * n / DEFAULT_ENTRIES,
            verify_met ? "MET" : "MISSED", t_scan, t_scan_hash);
    printf ("  registers: %s rows/s journaled vs %s/s plain: %.2f× %s;"
            " verify of %" G_GINT64_FORMAT " entries + rows %.3f s\n",
            reg_rate, reg_plain_rate, reg_ratio, reg_ratio >= TARGET_RATIO ? "MET" : "MISSED",
            rows, t_reg_verify);
  }
  printf ("  all targets %s\n", all_targets_met ? "met" : "NOT met");

  if (keep)
    printf ("  databases kept in %s\n", dir);
  else
    kb_test_rm_rf (dir);

  return strict && !all_targets_met ? 1 : 0;
}
