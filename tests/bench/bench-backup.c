/* bench-backup.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Encrypted backups of a database with a million usage entries: making
 * one (kb_backup_make: the passphrase checked, the SQLite backup API,
 * AES-256-GCM, SHA-256, fsync and rename), verifying one (decrypting,
 * PRAGMA integrity_check, the whole journal) and restoring one onto a
 * copy of the database; beside a plain `sqlite3 DB ".backup OUT"` of the
 * same file in the same run. Median of 3 runs; time and throughput, and
 * the ratio of the encrypted backup to the plain one (target: 1.5×).
 *
 * `bench-backup [DB]`: DB (or KB_BENCH_BACKUP_DB) is copied, never
 * changed; without one, kb-usage-gen (KB_USAGE_GEN) makes one with
 * KB_BENCH_BACKUP_ROWS entries (a million by default) in a temporary
 * folder. KB_BENCH_STRICT=1 fails on a missed target.
 */

#include "config.h"

#include "kb-backup.h"
#include "kb-error.h"
#include "kb-test-util.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#define DEFAULT_ROWS 1000000
#define RUNS 3
#define TARGET 1.5
#define PASSPHRASE "benchmark backup passphrase"

static void
die_on_error (GError     *error,
              const char *what)
{
  if (error != NULL)
    {
      g_printerr ("bench-backup: %s: %s\n", what, error->message);
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

static double
median (double *runs)
{
  qsort (runs, RUNS, sizeof (double), compare_double);
  return runs[RUNS / 2];
}

static char *
generate (const char *dir)
{
  const char *gen = g_getenv ("KB_USAGE_GEN");
  const char *rows = g_getenv ("KB_BENCH_BACKUP_ROWS");
  g_autofree char *n = g_strdup_printf ("%d", DEFAULT_ROWS);
  char *path = g_build_filename (dir, "live.db", NULL);
  const char *argv[] = { gen, path, rows != NULL ? rows : n, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (gen == NULL)
    {
      g_printerr ("bench-backup: give a database, or set KB_USAGE_GEN to kb-usage-gen\n");
      exit (2);
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    die_on_error (error, "kb-usage-gen");
  return path;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dest = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (src, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  die_on_error (error, "copying the database");
}

static void
remove_db (const char *path)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-anchor", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
      g_unlink (p);
    }
}

/* Drops what a kept copy and its anchor left. */
static void
remove_kept (const char *kept)
{
  g_autofree char *anchor = NULL;

  if (kept == NULL)
    return;
  anchor = g_strconcat (kept, "-anchor", NULL);
  g_unlink (kept);
  g_unlink (anchor);
}

static double
file_mb (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size / 1e6 : 0;
}

static void
sync_all (void)
{
  /* Each run starts with nothing dirty in the page cache: the fsync of
   * one run should not be paid by the next. */
  sync ();
}

/* `sqlite3 DB ".backup OUT"`: the wall time of the whole process. */
static double
plain_backup (const char *shell,
              const char *db,
              const char *out)
{
  g_autofree char *cmd = g_strdup_printf (".backup '%s'", out);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double ms;

  g_unlink (out);
  sync_all ();
  start = g_get_monotonic_time ();
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, shell, "-batch", db, cmd, NULL);
  die_on_error (error, "running sqlite3");
  g_subprocess_wait_check (process, NULL, &error);
  die_on_error (error, "sqlite3 .backup");
  ms = ms_since (start);
  return ms;
}

typedef struct {
  gint64 start;
  double copied_ms;   /* when the page copy was done */
} Phases;

static void
make_progress (gint64   done,
               gint64   total,
               gpointer user_data)
{
  Phases *p = user_data;

  /* The first half of the total is the page copy (kb_backup_make). */
  if (p->copied_ms == 0 && done >= total / 2 && total > 0)
    p->copied_ms = ms_since (p->start);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *source = NULL;
  g_autofree char *live = NULL;
  g_autofree char *plain_out = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GFile) backup_file = NULL;
  g_autoptr(KbDb) db = NULL;
  const char *shell;
  g_autofree char *shell_path = NULL;
  double plain_ms[RUNS], make_ms[RUNS], copy_ms[RUNS], verify_ms[RUNS], restore_ms[RUNS];
  double plain, made, copied, verified, restored, mb, ratio;
  gboolean has = FALSE;
  gint64 rows;

  setlocale (LC_ALL, "");
  shell = g_getenv ("KB_SQLITE3") != NULL ? g_getenv ("KB_SQLITE3") : "sqlite3";
  shell_path = g_find_program_in_path (shell);

  dir = g_dir_make_tmp ("kanribo-bench-backup-XXXXXX", &error);
  die_on_error (error, "making a temporary folder");
  live = g_build_filename (dir, "live.db", NULL);
  if (argc > 1)
    source = g_strdup (argv[1]);
  else if (g_getenv ("KB_BENCH_BACKUP_DB") != NULL)
    source = g_strdup (g_getenv ("KB_BENCH_BACKUP_DB"));
  if (source != NULL)
    {
      g_autofree char *wal = g_strconcat (source, "-wal", NULL);

      if (file_mb (wal) > 0)
        {
          g_printerr ("bench-backup: %s has a write-ahead log; close what has it open\n", source);
          return 2;
        }
      copy_file (source, live);
    }
  else
    g_free (generate (dir));

  db = kb_db_open (live, KB_DB_OPEN_DEFAULT, &error);
  die_on_error (error, "kb_db_open");
  kb_backup_has_passphrase (db, &has, &error);
  die_on_error (error, "reading the passphrase");
  if (has)
    {
      g_printerr ("bench-backup: the database has a backup passphrase already\n");
      return 2;
    }
  kb_backup_set_passphrase (db, NULL, PASSPHRASE, &error);
  die_on_error (error, "setting the passphrase");
  /* Everything in the main file, for the shell as for us. */
  kb_db_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", &error);
  die_on_error (error, "checkpoint");
  rows = kb_test_count (db, "SELECT count (*) FROM usage");
  mb = file_mb (live);

  printf ("bench-backup: %s\n", source != NULL ? source : live);
  printf ("%-30s %9" G_GINT64_FORMAT " usage entries, %.1f MB\n", "database", rows, mb);
  printf ("%-30s %10s %10s %8s   median of %d runs\n", "", "ms", "MB/s", "× plain", RUNS);

  plain_out = g_build_filename (dir, "plain.db", NULL);
  backup = g_build_filename (dir, "live" KB_BACKUP_SUFFIX, NULL);
  backup_file = g_file_new_for_path (backup);
  target = g_build_filename (dir, "target.db", NULL);

  /* Plain and encrypted runs alternate, so that both meet the machine in
   * the same moods. */
  for (guint i = 0; i < RUNS; i++)
    {
      Phases phases = { 0 };
      KbBackupInfo info = { 0 };

      if (shell_path != NULL)
        plain_ms[i] = plain_backup (shell_path, live, plain_out);

      g_unlink (backup);
      sync_all ();
      phases.start = g_get_monotonic_time ();
      kb_backup_make (db, PASSPHRASE, backup_file, make_progress, &phases, NULL, &info, &error);
      die_on_error (error, "kb_backup_make");
      make_ms[i] = ms_since (phases.start);
      copy_ms[i] = phases.copied_ms;
      kb_backup_info_clear (&info);
    }
  g_unlink (plain_out);

  for (guint i = 0; i < RUNS; i++)
    {
      KbBackupInfo info = { 0 };
      gint64 start;

      sync_all ();
      start = g_get_monotonic_time ();
      kb_backup_verify (NULL, backup_file, PASSPHRASE, NULL, NULL, NULL, &info, &error);
      die_on_error (error, "kb_backup_verify");
      verify_ms[i] = ms_since (start);
      kb_backup_info_clear (&info);
    }

  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(KbDb) copy = NULL;
      g_autofree char *kept = NULL;
      KbBackupInfo info = { 0 };
      gint64 start;

      remove_db (target);
      copy_file (live, target);
      copy = kb_db_open (target, KB_DB_OPEN_DEFAULT, &error);
      die_on_error (error, "kb_db_open (target)");
      sync_all ();
      start = g_get_monotonic_time ();
      kb_backup_restore (copy, backup_file, PASSPHRASE, NULL, NULL, NULL, &kept, &info, &error);
      die_on_error (error, "kb_backup_restore");
      restore_ms[i] = ms_since (start);
      kb_backup_info_clear (&info);
      g_clear_pointer (&copy, kb_db_close);
      remove_kept (kept);
    }
  remove_db (target);

  made = median (make_ms);
  copied = median (copy_ms);
  verified = median (verify_ms);
  restored = median (restore_ms);
  if (shell_path != NULL)
    {
      plain = median (plain_ms);
      ratio = made / plain;
      printf ("%-30s %10.0f %10.1f %8s\n", "sqlite3 .backup (plain)", plain, mb / plain * 1000,
              "1.00");
    }
  else
    {
      plain = 0;
      ratio = 0;
      printf ("%-30s  skipped: no %s program\n", "sqlite3 .backup (plain)", shell);
    }
  printf ("%-30s %10.0f %10.1f %8.2f   (copy of the pages done at %.0f ms)\n",
          "kb_backup_make (encrypted)", made, mb / made * 1000, ratio, copied);
  printf ("%-30s %10.0f %10.1f %8.2f\n", "kb_backup_verify", verified, mb / verified * 1000,
          plain > 0 ? verified / plain : 0);
  printf ("%-30s %10.0f %10.1f %8.2f\n", "kb_backup_restore (onto a copy)", restored,
          mb / restored * 1000, plain > 0 ? restored / plain : 0);
  printf ("%-30s %.1f MB\n", "backup file", file_mb (backup));

  g_clear_pointer (&db, kb_db_close);
  kb_test_rm_rf (dir);

  if (plain > 0)
    {
      gboolean met = ratio <= TARGET;

      printf ("target: encrypted backup within %.1f× of the plain one: %s (%.2f×)\n", TARGET,
              met ? "met" : "MISSED", ratio);
      if (!met && g_strcmp0 (g_getenv ("KB_BENCH_STRICT"), "1") == 0)
        return 1;
    }
  return 0;
}
