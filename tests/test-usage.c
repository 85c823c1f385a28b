/* test-usage.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal usage register on the demo office: entries opened and
 * closed by card sessions, purposes filled in later, amendments and their
 * reasons, a supervisor's confirmation, who sees what, the filters and the
 * full-text search, paper entries, what is refused (and that a refusal
 * writes nothing), and that the journal holds the register as evidence.
 *
 * Runs in Asia/Tokyo: paper entries are written in local time.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-usage.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>
#include <time.h>

typedef KbTestFixture Fixture;

/* A name of our own, whether or not kb-usage.h defines the cleanup. */
typedef KbUsageFilter Filter;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Filter, kb_usage_filter_free)

#define RLO "\xe2\x80\xae"

/* Business tasks of the demo office, by the divisions they are approved for. */
#define TASK_PASSPORT   "旅券の発給に関する事務"              /* 市町村課 */
#define TASK_DISCLOSURE "本人確認情報の開示請求に関する事務"  /* 市町村課 */
#define TASK_USE_CHECK  "本人確認情報の利用状況の確認"        /* 市町村課, 情報政策課 */
#define TASK_PENSION    "恩給・共済年金の支給に関する事務"    /* 健康福祉政策課 */

/* --- the demo office ---------------------------------------------------------- */

static void
setup_demo (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kb_test_fixture_setup (fixture, data);
  fixture->db = kb_db_open (fixture->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);
}

static gint64
lookup (KbDb       *db,
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
  if (id == 0)
    g_test_message ("Not in the demo office: %s", arg);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The demo's people by staff number. N1001 is a security officer and the
 * supervisor of 市町村課, N1002 its other supervisor, N1003 and N1004
 * clerks there; N2001 supervises 情報政策課, N2002 is a clerk there and
 * N2003 an auditor; N3001 supervises 健康福祉政策課, N3002 is a clerk. */
static gint64
op (KbDb       *db,
    const char *staff)
{
  return lookup (db, "SELECT id FROM operators WHERE staff_number = ?1", staff);
}

static gint64
division_of (KbDb       *db,
             const char *staff)
{
  return lookup (db, "SELECT division_id FROM operators WHERE staff_number = ?1", staff);
}

static gint64
terminal (KbDb       *db,
          const char *code)
{
  return lookup (db, "SELECT id FROM terminals WHERE code = ?1", code);
}

static gint64
task (KbDb       *db,
      const char *name)
{
  return lookup (db, "SELECT id FROM tasks WHERE name = ?1", name);
}

static void
act (KbDb       *db,
     const char *staff)
{
  kb_db_set_actor (db, op (db, staff), "JK-01");
}

static gint64
usage_rows (KbDb *db)
{
  return kb_test_count (db, "SELECT count (*) FROM usage");
}

/* Every usage row and its text index, and the journal's length: equal
 * before and after an operation that must write nothing. */
static char *
usage_snapshot (KbDb *db)
{
  static const char * const queries[] = {
    "SELECT * FROM usage ORDER BY id",
    "SELECT rowid, remarks FROM usage_text ORDER BY rowid",
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

/* The newest journal entry about usage row @id, as "kind actor terminal"
 * and its reason. */
static char *
last_entry (KbDb   *db,
            gint64  id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT kind || ' ' || ifnull (actor, 0) || ' '"
                                          " || ifnull (terminal, '-') FROM journal"
                                          " WHERE entity = 'usage' AND entity_id = %"
                                          G_GINT64_FORMAT " ORDER BY seq DESC LIMIT 1", id);

  return kb_test_raw_text (kb_db_get_handle (db), sql);
}

static char *
last_reason (KbDb   *db,
             gint64  id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT ifnull (json_extract (detail, '$.reason'),"
                                          " '(none)') FROM journal"
                                          " WHERE entity = 'usage' AND entity_id = %"
                                          G_GINT64_FORMAT " ORDER BY seq DESC LIMIT 1", id);

  return kb_test_raw_text (kb_db_get_handle (db), sql);
}

static void
assert_last_entry (KbDb       *db,
                   gint64      id,
                   const char *kind,
                   const char *staff,
                   const char *reason)
{
  g_autofree char *expected = g_strdup_printf ("%s %" G_GINT64_FORMAT " JK-01", kind,
                                               op (db, staff));
  g_autofree char *entry = last_entry (db, id);
  g_autofree char *why = last_reason (db, id);

  g_assert_cmpstr (entry, ==, expected);
  g_assert_cmpstr (why, ==, reason != NULL ? reason : "(none)");
}

static KbUsageEntry *
get (KbDb   *db,
     gint64  id)
{
  g_autoptr(GError) error = NULL;
  KbUsageEntry *entry = kb_usage_get (db, 0, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_true (kb_usage_entry_is_loaded (entry));
  g_assert_cmpint (kb_usage_entry_get_id (entry), ==, id);
  return entry;
}

static gint64
begin (KbDb       *db,
       const char *staff,
       const char *code)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  kb_db_set_actor (db, op (db, staff), code);
  id = kb_usage_begin_sitting (db, code, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
end (KbDb       *db,
     const char *staff,
     const char *code,
     const char *why)
{
  g_autoptr(GError) error = NULL;

  kb_db_set_actor (db, op (db, staff), code);
  g_assert_true (kb_usage_end_sitting (db, op (db, staff), code, 0, why, &error));
  g_assert_no_error (error);
}

static gint64
save (KbDb                *db,
      const KbUsageChange *change)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kb_usage_save (db, change, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_false (kb_db_in_transaction (db));
  return id;
}

/* Saves @change and expects a KB_FIELD_ERROR at @field and nothing written. */
static void
save_refused_at (KbDb                *db,
                 const KbUsageChange *change,
                 const char          *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = usage_snapshot (db);
  g_autofree char *after = NULL;
  gint64 journal = kb_test_journal_length (db);
  gint64 rows = usage_rows (db);

  g_assert_cmpint (kb_usage_save (db, change, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == KB_FIELD_ERROR);
  g_test_message ("refused at %s: %s", kb_field_error_get_field (error), error->message);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, field);
  g_assert_false (kb_db_in_transaction (db));
  g_assert_cmpint (kb_test_journal_length (db), ==, journal);
  g_assert_cmpint (usage_rows (db), ==, rows);
  after = usage_snapshot (db);
  g_assert_cmpstr (after, ==, before);
}

/* Saves @change and expects a KB_STORE_ERROR @code and nothing written. */
static void
save_refused (KbDb                *db,
              const KbUsageChange *change,
              int                  code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = usage_snapshot (db);
  g_autofree char *after = NULL;

  g_assert_cmpint (kb_usage_save (db, change, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, code);
  g_assert_false (kb_db_in_transaction (db));
  after = usage_snapshot (db);
  g_assert_cmpstr (after, ==, before);
}

/* A paper entry of @staff's, recorded by the actor. */
static gint64
manual (KbDb       *db,
        const char *staff,
        const char *code,
        const char *date,
        const char *start,
        const char *stop,
        const char *task_name,
        const char *cases,
        const char *remarks)
{
  KbUsageChange change = {
    .terminal_id = terminal (db, code),
    .operator_id = op (db, staff),
    .date = date,
    .start = start,
    .end = stop,
    .task_id = task (db, task_name),
    .cases = cases,
    .remarks = remarks,
    .reason = "紙の記録簿から転記",
  };

  return save (db, &change);
}

static gint64
local_time (int y,
            int m,
            int d,
            int h,
            int min)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (y, m, d, h, min, 0);

  return g_date_time_to_unix (t);
}

static void
assert_ids (GPtrArray    *entries,
            const gint64 *ids,
            guint         n_ids)
{
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, n_ids);
  for (guint i = 0; i < n_ids; i++)
    g_assert_cmpint (kb_usage_entry_get_id (g_ptr_array_index (entries, i)), ==, ids[i]);
}

/* The ids @filter selects for @viewer_id, in the filter's order, checked
 * against kb_usage_count(). */
static GPtrArray *
fetch_all (KbDb                *db,
           gint64               viewer_id,
           const KbUsageFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = kb_usage_fetch (db, viewer_id, filter, 0, 1000, &error);
  gint64 count;

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  count = kb_usage_count (db, viewer_id, filter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, entries->len);
  return entries;
}

#define ASSERT_FETCH(db, viewer, filter, ...) \
  G_STMT_START { \
    const gint64 expected_[] = { __VA_ARGS__ }; \
    g_autoptr(GPtrArray) got_ = fetch_all ((db), (viewer), (filter)); \
    assert_ids (got_, expected_, G_N_ELEMENTS (expected_)); \
  } G_STMT_END

static void
assert_count (KbDb                *db,
              gint64               viewer_id,
              const KbUsageFilter *filter,
              gint64               expected)
{
  g_autoptr(GPtrArray) entries = fetch_all (db, viewer_id, filter);

  g_assert_cmpint (entries->len, ==, expected);
}

static void
assert_intact (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.bad_seq, ==, 0);
  g_assert_null (report.bad_entity);
  kb_verify_report_clear (&report);
}

/* --- recording ------------------------------------------------------------------ */

static void
test_begin_end (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbUsageEntry) open = NULL;
  g_autoptr(KbUsageEntry) closed = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id, journal;

  id = begin (fixture->db, "N1003", "JK-01");
  open = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_status (open), ==, KB_USAGE_STATUS_OPEN);
  g_assert_cmpint (kb_usage_entry_get_operator_id (open), ==, op (fixture->db, "N1003"));
  g_assert_cmpstr (kb_usage_entry_get_staff_number (open), ==, "N1003");
  g_assert_cmpint (kb_usage_entry_get_terminal_id (open), ==, terminal (fixture->db, "JK-01"));
  g_assert_cmpstr (kb_usage_entry_get_terminal_code (open), ==, "JK-01");
  g_assert_cmpint (kb_usage_entry_get_division_id (open), ==, division_of (fixture->db, "N1003"));
  g_assert_cmpint (kb_usage_entry_get_task_id (open), ==, 0);
  g_assert_cmpint (kb_usage_entry_get_cases (open), ==, -1);
  g_assert_cmpint (kb_usage_entry_get_started_at (open), >=, before);
  g_assert_cmpint (kb_usage_entry_get_started_at (open), <=, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (kb_usage_entry_get_ended_at (open), ==, 0);
  g_assert_false (kb_usage_entry_get_manual (open));
  assert_last_entry (fixture->db, id, "usage.open", "N1003", NULL);

  end (fixture->db, "N1003", "JK-01", "manual");
  closed = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_ended_at (closed), >=, kb_usage_entry_get_started_at (closed));
  g_assert_cmpint (kb_usage_entry_get_ended_at (closed), <=, g_get_real_time () / G_USEC_PER_SEC);
  /* Nobody said what it was for. */
  g_assert_cmpint (kb_usage_entry_get_status (closed), ==, KB_USAGE_STATUS_PURPOSE_MISSING);
  assert_last_entry (fixture->db, id, "usage.close", "N1003", "manual");

  /* Nothing open any more: ending again writes nothing. */
  journal = kb_test_journal_length (fixture->db);
  g_assert_true (kb_usage_end_sitting (fixture->db, op (fixture->db, "N1003"), "JK-01", 0,
                                       "manual", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);
  g_assert_false (kb_db_in_transaction (fixture->db));

  /* A given end time is kept. */
  id = begin (fixture->db, "N1004", "JK-02");
  kb_db_set_actor (fixture->db, op (fixture->db, "N1004"), "JK-02");
  g_assert_true (kb_usage_end_sitting (fixture->db, op (fixture->db, "N1004"), "JK-02",
                                       before + 3600, "idle", &error));
  g_assert_no_error (error);
  g_clear_object (&closed);
  closed = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_ended_at (closed), ==, before + 3600);
  g_assert_cmpint (usage_rows (fixture->db), ==, 2);
}

static void
test_next_task (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sitting = NULL;
  g_autoptr(KbUsageEntry) first = NULL;
  g_autoptr(KbUsageEntry) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbUsageChange fill = { 0 };
  gint64 id, next, third;

  id = begin (fixture->db, "N1003", "JK-01");

  /* Not before this part has its task. */
  before = usage_snapshot (fixture->db);
  g_assert_cmpint (kb_usage_next_task (fixture->db, id, &error), ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_TASK);
  g_assert_false (kb_db_in_transaction (fixture->db));
  after = usage_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);

  /* The operator fills in their open entry. */
  fill.id = id;
  fill.task_id = task (fixture->db, TASK_PASSPORT);
  fill.cases = "3";
  g_assert_cmpint (save (fixture->db, &fill), ==, id);
  assert_last_entry (fixture->db, id, "usage.record", "N1003", NULL);

  next = kb_usage_next_task (fixture->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (next, >, id);
  first = get (fixture->db, id);
  second = get (fixture->db, next);
  g_assert_cmpint (kb_usage_entry_get_ended_at (first), !=, 0);
  g_assert_cmpint (kb_usage_entry_get_started_at (second), ==,
                   kb_usage_entry_get_ended_at (first));
  g_assert_cmpint (kb_usage_entry_get_status (first), ==, KB_USAGE_STATUS_UNCONFIRMED);
  g_assert_cmpint (kb_usage_entry_get_status (second), ==, KB_USAGE_STATUS_OPEN);
  g_assert_cmpint (kb_usage_entry_get_task_id (second), ==, 0);
  g_assert_cmpint (kb_usage_entry_get_terminal_id (second), ==,
                   kb_usage_entry_get_terminal_id (first));
  assert_last_entry (fixture->db, id, "usage.close", "N1003", "next-task");
  assert_last_entry (fixture->db, next, "usage.open", "N1003", NULL);

  /* Another's open entry, or a closed one, is not followed. */
  g_assert_cmpint (kb_usage_next_task (fixture->db, id, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (fixture->db, "N1004");
  g_assert_cmpint (kb_usage_next_task (fixture->db, next, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (fixture->db, "N1003");

  /* The sitting is both parts, oldest first. */
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1003"), "JK-01", &error);
  g_assert_no_error (error);
  assert_ids (sitting, (gint64[]) { id, next }, 2);
  g_clear_pointer (&sitting, g_ptr_array_unref);

  /* Three parts. */
  fill.id = next;
  fill.task_id = task (fixture->db, TASK_DISCLOSURE);
  fill.cases = "1";
  save (fixture->db, &fill);
  third = kb_usage_next_task (fixture->db, next, &error);
  g_assert_no_error (error);
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1003"), "JK-01", &error);
  g_assert_no_error (error);
  assert_ids (sitting, (gint64[]) { id, next, third }, 3);
  g_clear_pointer (&sitting, g_ptr_array_unref);

  /* Someone else's, or another terminal's, sitting is not this one. */
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1004"), "JK-01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sitting->len, ==, 0);
  g_clear_pointer (&sitting, g_ptr_array_unref);
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1003"), "JK-02", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sitting->len, ==, 0);
  g_clear_pointer (&sitting, g_ptr_array_unref);

  /* Once locked, there is no sitting. */
  end (fixture->db, "N1003", "JK-01", "card-removed");
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1003"), "JK-01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sitting->len, ==, 0);
}

/* A new sitting does not take in the one before, even when it begins in
 * the second the last one ended (a quick lock and unlock), nor an entry a
 * lost lock left open. */
static void
test_sitting_boundaries (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sitting = NULL;
  g_autoptr(KbUsageEntry) stale = NULL;
  KbUsageChange fill = { 0 };
  gint64 a, b, c;

  a = begin (fixture->db, "N1003", "JK-01");
  fill.id = a;
  fill.task_id = task (fixture->db, TASK_PASSPORT);
  fill.cases = "2";
  save (fixture->db, &fill);
  end (fixture->db, "N1003", "JK-01", "manual");

  b = begin (fixture->db, "N1003", "JK-01");
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1003"), "JK-01", &error);
  g_assert_no_error (error);
  assert_ids (sitting, (gint64[]) { b }, 1);
  g_clear_pointer (&sitting, g_ptr_array_unref);

  /* The lock of sitting b was never journaled: the next unlock closes it. */
  c = begin (fixture->db, "N1003", "JK-01");
  stale = get (fixture->db, b);
  g_assert_cmpint (kb_usage_entry_get_ended_at (stale), !=, 0);
  assert_last_entry (fixture->db, b, "usage.close", "N1003", "not-closed");
  sitting = kb_usage_sitting (fixture->db, op (fixture->db, "N1003"), "JK-01", &error);
  g_assert_no_error (error);
  assert_ids (sitting, (gint64[]) { c }, 1);
}

static void
test_close_abandoned (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbUsageEntry) closed = NULL;
  g_autoptr(KbUsageEntry) other = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *reason = NULL;
  gint64 here, there, journal;

  here = begin (fixture->db, "N1003", "JK-01");
  there = begin (fixture->db, "N1004", "JK-02");

  /* The app starts again at JK-01, nobody signed in. */
  kb_db_set_actor (fixture->db, 0, "JK-01");
  g_assert_cmpuint (kb_usage_close_abandoned (fixture->db, "JK-01", &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (kb_db_in_transaction (fixture->db));
  closed = get (fixture->db, here);
  g_assert_cmpint (kb_usage_entry_get_ended_at (closed), >=,
                   kb_usage_entry_get_started_at (closed));
  g_assert_cmpint (kb_usage_entry_get_status (closed), ==, KB_USAGE_STATUS_PURPOSE_MISSING);
  entry = last_entry (fixture->db, here);
  g_assert_cmpstr (entry, ==, "usage.close 0 JK-01");
  reason = last_reason (fixture->db, here);
  g_assert_cmpstr (reason, ==, "abandoned");

  /* Another terminal's are its own business. */
  other = get (fixture->db, there);
  g_assert_cmpint (kb_usage_entry_get_status (other), ==, KB_USAGE_STATUS_OPEN);

  /* Nothing more to close; an unregistered code is not an error. */
  journal = kb_test_journal_length (fixture->db);
  g_assert_cmpuint (kb_usage_close_abandoned (fixture->db, "JK-01", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (kb_usage_close_abandoned (fixture->db, "JK-99", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);
}

static void
test_unregistered_terminal (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = usage_snapshot (fixture->db);
  g_autofree char *after = NULL;
  gint64 journal = kb_test_journal_length (fixture->db);

  kb_db_set_actor (fixture->db, op (fixture->db, "N1003"), "JK-99");
  g_assert_cmpint (kb_usage_begin_sitting (fixture->db, "JK-99", &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_assert_false (kb_db_in_transaction (fixture->db));
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);
  g_assert_cmpint (usage_rows (fixture->db), ==, 0);
  after = usage_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);

  /* Locking there is not an error either: nothing was opened. */
  g_assert_true (kb_usage_end_sitting (fixture->db, op (fixture->db, "N1003"), "JK-99", 0,
                                       "manual", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);

  /* Nor can anyone not signed in open an entry. */
  kb_db_set_actor (fixture->db, 0, "JK-01");
  g_assert_cmpint (kb_usage_begin_sitting (fixture->db, "JK-01", &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_cmpint (usage_rows (fixture->db), ==, 0);
}

/* A terminal retired while someone works at it: their lock, or the next
 * start, still closes the entry; no new one opens there. */
static void
test_retired_terminal (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbUsageEntry) entry = NULL;
  g_autofree char *why = NULL;
  gint64 id, abandoned, journal;

  id = begin (fixture->db, "N1003", "JK-04");
  abandoned = begin (fixture->db, "N1004", "JK-04");
  act (fixture->db, "N1001");
  g_assert_true (kb_admin_set_active (fixture->db, "terminal", terminal (fixture->db, "JK-04"),
                                      FALSE, "機器更新", &error));
  g_assert_no_error (error);

  end (fixture->db, "N1003", "JK-04", "card-removed");
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_PURPOSE_MISSING);
  why = last_reason (fixture->db, id);
  g_assert_cmpstr (why, ==, "card-removed");
  g_clear_object (&entry);

  kb_db_set_actor (fixture->db, 0, "JK-04");
  g_assert_cmpuint (kb_usage_close_abandoned (fixture->db, "JK-04", &error), ==, 1);
  g_assert_no_error (error);
  entry = get (fixture->db, abandoned);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_PURPOSE_MISSING);

  journal = kb_test_journal_length (fixture->db);
  kb_db_set_actor (fixture->db, op (fixture->db, "N1003"), "JK-04");
  g_assert_cmpint (kb_usage_begin_sitting (fixture->db, "JK-04", &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);
  g_assert_cmpint (usage_rows (fixture->db), ==, 2);
}

/* --- purpose missing --------------------------------------------------------------- */

static void
test_purpose_missing (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(Filter) filter = kb_usage_filter_new ();
  g_autoptr(KbUsageEntry) entry = NULL;
  KbUsageChange fill = { 0 };
  gboolean needs_reason = FALSE;
  gint64 id, other;

  id = begin (fixture->db, "N1003", "JK-01");
  end (fixture->db, "N1003", "JK-01", "card-removed");
  other = begin (fixture->db, "N1004", "JK-02");

  missing = kb_usage_purpose_missing (fixture->db, op (fixture->db, "N1003"), &error);
  g_assert_no_error (error);
  assert_ids (missing, (gint64[]) { id }, 1);
  g_clear_pointer (&missing, g_ptr_array_unref);
  /* An open entry is not missing anything yet. */
  missing = kb_usage_purpose_missing (fixture->db, op (fixture->db, "N1004"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_pointer (&missing, g_ptr_array_unref);

  filter->show = KB_USAGE_SHOW_PURPOSE_MISSING;
  ASSERT_FETCH (fixture->db, 0, filter, id);
  filter->show = KB_USAGE_SHOW_OPEN;
  ASSERT_FETCH (fixture->db, 0, filter, other);
  filter->show = KB_USAGE_SHOW_UNCONFIRMED;
  assert_count (fixture->db, 0, filter, 0);

  /* Filling it in now is an amendment. */
  act (fixture->db, "N1003");
  g_assert_true (kb_usage_needs_reason (fixture->db, id, &needs_reason, &error));
  g_assert_no_error (error);
  g_assert_true (needs_reason);
  fill.id = id;
  fill.task_id = task (fixture->db, TASK_PASSPORT);
  fill.cases = "4";
  save_refused_at (fixture->db, &fill, KB_FIELD_REASON);
  fill.reason = "   ";
  save_refused_at (fixture->db, &fill, KB_FIELD_REASON);
  /* A closed entry with a task needs its count too. */
  fill.reason = "記入漏れ";
  fill.cases = "";
  save_refused_at (fixture->db, &fill, KB_FIELD_CASES);
  fill.cases = "4";
  g_assert_cmpint (save (fixture->db, &fill), ==, id);
  assert_last_entry (fixture->db, id, "usage.amend", "N1003", "記入漏れ");

  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_UNCONFIRMED);
  g_assert_cmpint (kb_usage_entry_get_cases (entry), ==, 4);
  g_assert_cmpstr (kb_usage_entry_get_task_name (entry), ==, TASK_PASSPORT);
  missing = kb_usage_purpose_missing (fixture->db, op (fixture->db, "N1003"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 0);
  filter->show = KB_USAGE_SHOW_PURPOSE_MISSING;
  assert_count (fixture->db, 0, filter, 0);
  filter->show = KB_USAGE_SHOW_UNCONFIRMED;
  ASSERT_FETCH (fixture->db, 0, filter, id);
}

/* --- amendments ----------------------------------------------------------------- */

static void
test_amend (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbUsageEntry) entry = NULL;
  KbUsageConfirmResult result;
  KbUsageChange change = { 0 };
  gboolean needs_reason = TRUE;
  gint64 id, journal;

  id = begin (fixture->db, "N1003", "JK-01");

  /* The operator's own open entry: no reason needed. */
  g_assert_true (kb_usage_needs_reason (fixture->db, id, &needs_reason, &error));
  g_assert_no_error (error);
  g_assert_false (needs_reason);
  change.id = id;
  change.task_id = task (fixture->db, TASK_PASSPORT);
  change.cases = "１２";
  change.remarks = "窓口での本人確認";
  g_assert_cmpint (save (fixture->db, &change), ==, id);
  assert_last_entry (fixture->db, id, "usage.record", "N1003", NULL);
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_cases (entry), ==, 12);
  g_assert_cmpstr (kb_usage_entry_get_remarks (entry), ==, "窓口での本人確認");
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_OPEN);
  g_clear_object (&entry);

  /* Closed, it is evidence: a change needs a reason. */
  end (fixture->db, "N1003", "JK-01", "manual");
  act (fixture->db, "N1003");
  change.cases = "13";
  save_refused_at (fixture->db, &change, KB_FIELD_REASON);
  change.reason = "件数の数え違い";
  g_assert_cmpint (save (fixture->db, &change), ==, id);
  assert_last_entry (fixture->db, id, "usage.amend", "N1003", "件数の数え違い");
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_cases (entry), ==, 13);
  g_clear_object (&entry);

  /* Confirmed, then amended: no longer what was confirmed. */
  act (fixture->db, "N1002");
  g_assert_true (kb_usage_confirm (fixture->db, &id, 1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 1);
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_CONFIRMED);
  g_clear_object (&entry);

  /* The same values again change nothing and journal nothing, confirmed
   * or not. */
  act (fixture->db, "N1003");
  journal = kb_test_journal_length (fixture->db);
  change.reason = "念のため再保存";
  g_assert_cmpint (save (fixture->db, &change), ==, id);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_CONFIRMED);
  g_assert_cmpint (kb_usage_entry_get_confirmed_by (entry), ==, op (fixture->db, "N1002"));
  g_clear_object (&entry);

  change.remarks = "窓口での本人確認（二名分）";
  change.reason = "備考の追記";
  g_assert_cmpint (save (fixture->db, &change), ==, id);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal + 1);
  assert_last_entry (fixture->db, id, "usage.amend", "N1003", "備考の追記");
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_UNCONFIRMED);
  g_assert_cmpint (kb_usage_entry_get_confirmed_by (entry), ==, 0);
  g_assert_cmpint (kb_usage_entry_get_confirmed_at (entry), ==, 0);
  g_clear_object (&entry);

  /* Another clerk may not touch it, reason or not; a supervisor confirms,
   * they do not correct. */
  change.cases = "99";
  change.reason = "代理で訂正";
  act (fixture->db, "N1004");
  save_refused (fixture->db, &change, KB_STORE_ERROR_REFUSED);
  act (fixture->db, "N1002");
  save_refused (fixture->db, &change, KB_STORE_ERROR_REFUSED);

  /* A security officer may, with a reason, and is journaled as the actor. */
  act (fixture->db, "N1001");
  change.reason = NULL;
  save_refused_at (fixture->db, &change, KB_FIELD_REASON);
  change.reason = "監査指摘による訂正";
  g_assert_cmpint (save (fixture->db, &change), ==, id);
  assert_last_entry (fixture->db, id, "usage.amend", "N1001", "監査指摘による訂正");
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_cases (entry), ==, 99);
  g_assert_cmpint (kb_usage_entry_get_operator_id (entry), ==, op (fixture->db, "N1003"));
  g_clear_object (&entry);

  /* The times of a card session are evidence. */
  act (fixture->db, "N1003");
  change.date = "2025-04-01";
  change.start = "09:00";
  change.end = "10:00";
  change.reason = "時刻の訂正";
  save_refused_at (fixture->db, &change, KB_FIELD_START);

  /* The task cannot be taken away again. */
  change.date = change.start = change.end = NULL;
  change.task_id = 0;
  save_refused_at (fixture->db, &change, KB_FIELD_TASK);

  /* Nor made one the division is not approved for. */
  change.task_id = task (fixture->db, TASK_PENSION);
  save_refused_at (fixture->db, &change, KB_FIELD_TASK);

  assert_intact (fixture->db);
}

/* --- confirmation --------------------------------------------------------------- */

static void
test_confirm (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbUsageEntry) entry = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbUsageConfirmResult result;
  gint64 ready, own, other_division, missing, open, journal;
  gint64 ids[5];

  act (fixture->db, "N1003");
  ready = manual (fixture->db, "N1003", "JK-01", "2025-04-01", "09:00", "10:00", TASK_PASSPORT,
                  "5", NULL);
  act (fixture->db, "N1002");
  own = manual (fixture->db, "N1002", "JK-02", "2025-04-01", "09:00", "10:00", TASK_PASSPORT,
                "1", NULL);
  act (fixture->db, "N2002");
  other_division = manual (fixture->db, "N2002", "JK-03", "2025-04-01", "09:00", "10:00",
                           TASK_USE_CHECK, "1", NULL);
  missing = begin (fixture->db, "N1004", "JK-01");
  end (fixture->db, "N1004", "JK-01", "card-removed");
  open = begin (fixture->db, "N1004", "JK-04");

  ids[0] = ready;
  ids[1] = own;
  ids[2] = other_division;
  ids[3] = missing;
  ids[4] = open;

  /* Not a supervisor: refused, nothing changes. */
  act (fixture->db, "N1004");
  before = usage_snapshot (fixture->db);
  memset (&result, 0xff, sizeof result);
  g_assert_false (kb_usage_confirm (fixture->db, ids, G_N_ELEMENTS (ids), &result, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_cmpuint (result.n_confirmed, ==, 0);
  g_assert_false (kb_db_in_transaction (fixture->db));
  after = usage_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);
  g_clear_pointer (&after, g_free);

  /* Nor an auditor. */
  act (fixture->db, "N2003");
  g_assert_false (kb_usage_confirm (fixture->db, ids, G_N_ELEMENTS (ids), &result, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  after = usage_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);

  act (fixture->db, "N1002");
  journal = kb_test_journal_length (fixture->db);
  g_assert_true (kb_usage_confirm (fixture->db, ids, G_N_ELEMENTS (ids), &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 1);
  g_assert_cmpuint (result.n_own, ==, 1);
  g_assert_cmpuint (result.n_not_supervised, ==, 1);
  g_assert_cmpuint (result.n_not_ready, ==, 2);
  g_assert_cmpuint (result.n_already, ==, 0);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal + 1);
  assert_last_entry (fixture->db, ready, "usage.confirm", "N1002", NULL);

  entry = get (fixture->db, ready);
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_CONFIRMED);
  g_assert_cmpint (kb_usage_entry_get_confirmed_by (entry), ==, op (fixture->db, "N1002"));
  g_assert_cmpstr (kb_usage_entry_get_confirmer_name (entry), ==, "松本 由美子");
  g_assert_cmpint (kb_usage_entry_get_confirmed_at (entry), >=, kb_usage_entry_get_ended_at (entry));
  g_assert_cmpint (kb_usage_entry_get_confirmed_at (entry), <=, g_get_real_time () / G_USEC_PER_SEC);
  g_clear_object (&entry);
  for (guint i = 1; i < G_N_ELEMENTS (ids); i++)
    {
      entry = get (fixture->db, ids[i]);
      g_assert_cmpint (kb_usage_entry_get_confirmed_by (entry), ==, 0);
      g_assert_cmpint (kb_usage_entry_get_status (entry), !=, KB_USAGE_STATUS_CONFIRMED);
      g_clear_object (&entry);
    }

  /* Twice is once. */
  journal = kb_test_journal_length (fixture->db);
  g_assert_true (kb_usage_confirm (fixture->db, &ready, 1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 0);
  g_assert_cmpuint (result.n_already, ==, 1);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, journal);

  /* The other supervisor of the division confirms N1002's own entry;
   * another division's supervisor does not. */
  act (fixture->db, "N2001");
  g_assert_true (kb_usage_confirm (fixture->db, &own, 1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 0);
  g_assert_cmpuint (result.n_not_supervised, ==, 1);
  act (fixture->db, "N1001");
  g_assert_true (kb_usage_confirm (fixture->db, &own, 1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 1);
  assert_last_entry (fixture->db, own, "usage.confirm", "N1001", NULL);

  assert_intact (fixture->db);
}

/* --- who sees what -------------------------------------------------------------- */

static void
test_visibility (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Filter) filter = kb_usage_filter_new ();
  g_autoptr(KbUsageEntry) entry = NULL;
  gint64 clerk, clerk_b, supervisor, other, third;

  filter->sort = KB_USAGE_SORT_START;
  filter->descending = FALSE;

  act (fixture->db, "N1003");
  clerk = manual (fixture->db, "N1003", "JK-01", "2025-04-01", "09:00", "10:00", TASK_PASSPORT,
                  "1", NULL);
  act (fixture->db, "N1004");
  clerk_b = manual (fixture->db, "N1004", "JK-01", "2025-04-02", "09:00", "10:00",
                    TASK_PASSPORT, "1", NULL);
  act (fixture->db, "N1002");
  supervisor = manual (fixture->db, "N1002", "JK-01", "2025-04-03", "09:00", "10:00",
                       TASK_PASSPORT, "1", NULL);
  act (fixture->db, "N2002");
  other = manual (fixture->db, "N2002", "JK-02", "2025-04-04", "09:00", "10:00", TASK_USE_CHECK,
                  "1", NULL);
  act (fixture->db, "N3002");
  third = manual (fixture->db, "N3002", "JK-03", "2025-04-05", "09:00", "10:00", TASK_PENSION,
                  "1", NULL);

  /* A clerk: their own. */
  ASSERT_FETCH (fixture->db, op (fixture->db, "N1003"), filter, clerk);
  ASSERT_FETCH (fixture->db, op (fixture->db, "N2002"), filter, other);
  /* A supervisor: their division's. */
  ASSERT_FETCH (fixture->db, op (fixture->db, "N1002"), filter, clerk, clerk_b, supervisor);
  ASSERT_FETCH (fixture->db, op (fixture->db, "N2001"), filter, other);
  ASSERT_FETCH (fixture->db, op (fixture->db, "N3001"), filter, third);
  /* Security officer, auditors, the system: everything. */
  ASSERT_FETCH (fixture->db, op (fixture->db, "N1001"), filter,
                clerk, clerk_b, supervisor, other, third);
  ASSERT_FETCH (fixture->db, op (fixture->db, "N2003"), filter,
                clerk, clerk_b, supervisor, other, third);
  ASSERT_FETCH (fixture->db, op (fixture->db, "N3004"), filter,
                clerk, clerk_b, supervisor, other, third);
  ASSERT_FETCH (fixture->db, 0, filter, clerk, clerk_b, supervisor, other, third);
  /* Someone who is not an operator: nothing. */
  assert_count (fixture->db, 999, filter, 0);

  /* A filter cannot widen it. */
  filter->operator_id = op (fixture->db, "N2002");
  assert_count (fixture->db, op (fixture->db, "N1003"), filter, 0);
  filter->operator_id = 0;

  /* Nor can asking for one entry. */
  g_assert_null (kb_usage_get (fixture->db, op (fixture->db, "N1003"), clerk_b, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (kb_usage_get (fixture->db, op (fixture->db, "N2001"), clerk, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  entry = kb_usage_get (fixture->db, op (fixture->db, "N1002"), clerk, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_usage_entry_get_id (entry), ==, clerk);
  g_clear_object (&entry);
  entry = kb_usage_get (fixture->db, op (fixture->db, "N2003"), third, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_usage_entry_get_id (entry), ==, third);
}

/* --- filters and search --------------------------------------------------------- */

typedef struct {
  gint64 a, b, c, d, e;   /* paper entries, 1 to 5 April 2025 */
  gint64 card;            /* a card session of N1003's, today */
} Office;

static void
fill_office (KbDb   *db,
             Office *o)
{
  g_autoptr(GError) error = NULL;
  KbUsageConfirmResult result;

  act (db, "N1003");
  o->a = manual (db, "N1003", "JK-01", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "5",
                 "転入届の確認");
  act (db, "N1004");
  o->b = manual (db, "N1004", "JK-02", "2025-04-02", "09:00", "10:00", TASK_DISCLOSURE, "12",
                 "住所変更の照会");
  act (db, "N3002");
  o->c = manual (db, "N3002", "JK-03", "2025-04-03", "13:00", "14:00", TASK_PENSION, "0",
                 "生存確認 三件");
  act (db, "N1003");
  o->d = manual (db, "N1003", "JK-01", "2025-04-04", "15:00", "16:00", TASK_DISCLOSURE, "30",
                 NULL);
  act (db, "N2002");
  o->e = manual (db, "N2002", "JK-02", "2025-04-05", "10:00", "11:00", TASK_USE_CHECK, "7",
                 "Ｏｐｅｒａｔｉｏｎ log");
  o->card = begin (db, "N1003", "JK-04");
  end (db, "N1003", "JK-04", "manual");

  act (db, "N1002");
  g_assert_true (kb_usage_confirm (db, &o->b, 1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_confirmed, ==, 1);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Filter) filter = kb_usage_filter_new ();
  g_autoptr(Filter) copy = NULL;
  g_autoptr(GError) error = NULL;
  KbUsageTotals totals;
  Office o;

  fill_office (fixture->db, &o);
  filter->descending = FALSE;

  /* Newest first unless asked. */
  {
    g_autoptr(Filter) fresh = kb_usage_filter_new ();

    ASSERT_FETCH (fixture->db, 0, fresh, o.card, o.e, o.d, o.c, o.b, o.a);
  }
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.b, o.c, o.d, o.e, o.card);

  /* 2 and 3 April, local time: the upper bound is excluded. */
  filter->from = local_time (2025, 4, 2, 0, 0);
  filter->to = local_time (2025, 4, 4, 0, 0);
  g_assert_cmpint (filter->from, ==, 1743519600);   /* 2025-04-01T15:00:00Z */
  ASSERT_FETCH (fixture->db, 0, filter, o.b, o.c);
  filter->to = local_time (2025, 4, 4, 15, 0);
  ASSERT_FETCH (fixture->db, 0, filter, o.b, o.c);
  filter->to = local_time (2025, 4, 4, 15, 1);
  ASSERT_FETCH (fixture->db, 0, filter, o.b, o.c, o.d);
  filter->from = filter->to = 0;

  filter->terminal_id = terminal (fixture->db, "JK-01");
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.d);
  filter->terminal_id = 0;

  filter->operator_id = op (fixture->db, "N1003");
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.d, o.card);
  filter->operator_id = 0;

  filter->division_id = division_of (fixture->db, "N3002");
  ASSERT_FETCH (fixture->db, 0, filter, o.c);
  filter->division_id = division_of (fixture->db, "N1003");
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.b, o.d, o.card);
  filter->division_id = 0;

  filter->task_id = task (fixture->db, TASK_DISCLOSURE);
  ASSERT_FETCH (fixture->db, 0, filter, o.b, o.d);
  filter->task_id = 0;

  /* Filters combine. */
  filter->operator_id = op (fixture->db, "N1003");
  filter->task_id = task (fixture->db, TASK_DISCLOSURE);
  ASSERT_FETCH (fixture->db, 0, filter, o.d);
  filter->operator_id = filter->task_id = 0;

  filter->show = KB_USAGE_SHOW_MANUAL;
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.b, o.c, o.d, o.e);
  filter->show = KB_USAGE_SHOW_CONFIRMED;
  ASSERT_FETCH (fixture->db, 0, filter, o.b);
  filter->show = KB_USAGE_SHOW_UNCONFIRMED;
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.c, o.d, o.e);
  filter->show = KB_USAGE_SHOW_PURPOSE_MISSING;
  ASSERT_FETCH (fixture->db, 0, filter, o.card);
  filter->show = KB_USAGE_SHOW_OPEN;
  assert_count (fixture->db, 0, filter, 0);

  /* By cases, both ways (the card session has none: left out here). */
  filter->show = KB_USAGE_SHOW_MANUAL;
  filter->sort = KB_USAGE_SORT_CASES;
  filter->descending = FALSE;
  ASSERT_FETCH (fixture->db, 0, filter, o.c, o.a, o.e, o.b, o.d);
  filter->descending = TRUE;
  ASSERT_FETCH (fixture->db, 0, filter, o.d, o.b, o.e, o.a, o.c);

  /* The filters are values. */
  copy = kb_usage_filter_copy (filter);
  g_assert_true (kb_usage_filter_equal (filter, copy));
  copy->descending = FALSE;
  g_assert_false (kb_usage_filter_equal (filter, copy));

  /* The totals of the paper entries. */
  g_assert_true (kb_usage_totals (fixture->db, 0, filter, &totals, &error));
  g_assert_no_error (error);
  g_assert_cmpint (totals.n_entries, ==, 5);
  g_assert_cmpint (totals.n_cases, ==, 5 + 12 + 0 + 30 + 7);
  g_assert_cmpint (totals.n_manual, ==, 5);
  g_assert_cmpint (totals.n_confirmed, ==, 1);
  g_assert_cmpint (totals.n_unconfirmed, ==, 4);
  g_assert_cmpint (totals.n_open, ==, 0);
  g_assert_cmpint (totals.seconds, ==, 5 * 3600);
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(Filter) filter = kb_usage_filter_new ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  /* Eleven paper entries, three of them starting at the same time (at
   * different terminals), so that the order must break ties. */
  act (fixture->db, "N1001");
  for (int day = 1; day <= 8; day++)
    {
      g_autofree char *date = g_strdup_printf ("2025-05-%02d", day);

      manual (fixture->db, "N1003", "JK-01", date, "09:00", "10:00", TASK_PASSPORT, "1", NULL);
    }
  manual (fixture->db, "N1004", "JK-02", "2025-05-04", "09:00", "10:00", TASK_PASSPORT, "1",
          NULL);
  manual (fixture->db, "N2002", "JK-03", "2025-05-04", "09:00", "10:00", TASK_USE_CHECK, "1",
          NULL);
  manual (fixture->db, "N3002", "JK-04", "2025-05-04", "09:00", "10:00", TASK_PENSION, "1",
          NULL);

  all = fetch_all (fixture->db, 0, filter);
  g_assert_cmpuint (all->len, ==, 11);

  for (guint offset = 0; offset < 12; offset += 4)
    {
      g_autoptr(GPtrArray) page = kb_usage_fetch (fixture->db, 0, filter, offset, 4, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->len, ==, MIN (4, 11 - offset));
      for (guint i = 0; i < page->len; i++)
        {
          gint64 id = kb_usage_entry_get_id (g_ptr_array_index (page, i));

          /* Page after page is the whole list, in order, each row once. */
          g_assert_cmpint (id, ==, kb_usage_entry_get_id (g_ptr_array_index (all, offset + i)));
          g_assert_false (g_hash_table_contains (seen, &id));
          g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
          n++;
        }
    }
  g_assert_cmpuint (n, ==, 11);

  {
    g_autoptr(GPtrArray) beyond = kb_usage_fetch (fixture->db, 0, filter, 11, 4, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (beyond->len, ==, 0);
  }
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(Filter) filter = kb_usage_filter_new ();
  KbUsageChange change = { 0 };
  Office o;

  fill_office (fixture->db, &o);
  filter->descending = FALSE;

  /* Three characters or more: the trigram index. */
  filter->text = g_strdup ("転入届");
  ASSERT_FETCH (fixture->db, 0, filter, o.a);
  g_free (filter->text);
  filter->text = g_strdup ("変更の照会");
  ASSERT_FETCH (fixture->db, 0, filter, o.b);
  /* Two characters: a two-kanji word. */
  g_free (filter->text);
  filter->text = g_strdup ("確認");
  ASSERT_FETCH (fixture->db, 0, filter, o.a, o.c);
  g_free (filter->text);
  filter->text = g_strdup ("照会");
  ASSERT_FETCH (fixture->db, 0, filter, o.b);
  /* Every word must be there; an ideographic space separates them. */
  g_free (filter->text);
  filter->text = g_strdup ("確認\xe3\x80\x80転入");
  ASSERT_FETCH (fixture->db, 0, filter, o.a);
  g_free (filter->text);
  filter->text = g_strdup ("確認 照会");
  assert_count (fixture->db, 0, filter, 0);
  /* Not there at all. */
  g_free (filter->text);
  filter->text = g_strdup ("転出届");
  assert_count (fixture->db, 0, filter, 0);
  /* A quote is a character to find, not syntax. */
  g_free (filter->text);
  filter->text = g_strdup ("\"確認\" OR");
  assert_count (fixture->db, 0, filter, 0);
  /* Blank is no search. */
  g_free (filter->text);
  filter->text = g_strdup (" \xe3\x80\x80 ");
  assert_count (fixture->db, 0, filter, 6);
  /* Search and the viewer's scope together. */
  g_free (filter->text);
  filter->text = g_strdup ("確認");
  ASSERT_FETCH (fixture->db, op (fixture->db, "N1003"), filter, o.a);

  /* After an amendment the old words are gone and the new ones found. */
  act (fixture->db, "N1003");
  change.id = o.a;
  change.task_id = task (fixture->db, TASK_PASSPORT);
  change.cases = "5";
  change.remarks = "転居届の処理";
  change.reason = "備考の誤り";
  save (fixture->db, &change);
  g_free (filter->text);
  filter->text = g_strdup ("転入届");
  assert_count (fixture->db, 0, filter, 0);
  g_free (filter->text);
  filter->text = g_strdup ("転居届");
  ASSERT_FETCH (fixture->db, 0, filter, o.a);
  g_free (filter->text);
  filter->text = g_strdup ("確認");
  ASSERT_FETCH (fixture->db, 0, filter, o.c);

  /* Emptied remarks are found by nothing. */
  change.remarks = "";
  change.reason = "備考の削除";
  save (fixture->db, &change);
  g_free (filter->text);
  filter->text = g_strdup ("転居届");
  assert_count (fixture->db, 0, filter, 0);

  assert_intact (fixture->db);
}

/* --- paper entries ------------------------------------------------------------- */

static void
test_manual (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(KbUsageEntry) entry = NULL;
  KbUsageChange change = {
    .terminal_id = terminal (fixture->db, "JK-01"),
    .operator_id = op (fixture->db, "N1003"),
    .date = "2025-04-01",
    .start = "9:30",
    .end = "11:05",
    .task_id = task (fixture->db, TASK_PASSPORT),
    .cases = "8",
    .remarks = "停電中の紙記録",
  };
  gint64 id;

  /* A reason is required. */
  act (fixture->db, "N1003");
  save_refused_at (fixture->db, &change, KB_FIELD_REASON);
  change.reason = "停電のため紙で記録";
  id = save (fixture->db, &change);
  entry = get (fixture->db, id);
  g_assert_true (kb_usage_entry_get_manual (entry));
  g_assert_cmpint (kb_usage_entry_get_status (entry), ==, KB_USAGE_STATUS_UNCONFIRMED);
  /* 09:30 in Tokyo is 00:30 UTC. */
  g_assert_cmpint (kb_usage_entry_get_started_at (entry), ==, 1743467400);
  g_assert_cmpint (kb_usage_entry_get_ended_at (entry), ==, 1743467400 + 95 * 60);
  g_assert_cmpint (kb_usage_entry_get_cases (entry), ==, 8);
  g_assert_cmpint (kb_usage_entry_get_division_id (entry), ==, division_of (fixture->db, "N1003"));
  assert_last_entry (fixture->db, id, "usage.manual", "N1003", "停電のため紙で記録");
  g_clear_object (&entry);

  /* One person at a terminal at a time. */
  act (fixture->db, "N1004");
  change.operator_id = op (fixture->db, "N1004");
  change.start = "10:00";
  change.end = "12:00";
  save_refused_at (fixture->db, &change, KB_FIELD_START);
  change.start = "08:00";
  change.end = "09:31";
  save_refused_at (fixture->db, &change, KB_FIELD_START);
  change.start = "09:00";
  change.end = "12:00";
  save_refused_at (fixture->db, &change, KB_FIELD_START);
  /* Right after it, or at another terminal, is fine. */
  change.start = "11:05";
  change.end = "12:00";
  save (fixture->db, &change);
  change.terminal_id = terminal (fixture->db, "JK-02");
  change.start = "09:30";
  change.end = "11:05";
  save (fixture->db, &change);

  /* A clerk records only their own. */
  act (fixture->db, "N1004");
  change.operator_id = op (fixture->db, "N1003");
  change.terminal_id = terminal (fixture->db, "JK-03");
  save_refused_at (fixture->db, &change, KB_FIELD_OPERATOR);
  /* A supervisor their division's... */
  act (fixture->db, "N1002");
  id = save (fixture->db, &change);
  assert_last_entry (fixture->db, id, "usage.manual", "N1002", "停電のため紙で記録");
  entry = get (fixture->db, id);
  g_assert_cmpint (kb_usage_entry_get_operator_id (entry), ==, op (fixture->db, "N1003"));
  /* ...and no other. */
  change.operator_id = op (fixture->db, "N2002");
  change.task_id = task (fixture->db, TASK_USE_CHECK);
  change.start = "15:00";
  change.end = "16:00";
  save_refused_at (fixture->db, &change, KB_FIELD_OPERATOR);
  act (fixture->db, "N2001");
  save (fixture->db, &change);

  /* A paper entry's times can be corrected, with a reason, and still may
   * not overlap. */
  {
    KbUsageChange fix = change;
    g_autoptr(KbUsageEntry) fixed = NULL;

    fix.id = id;
    fix.terminal_id = fix.operator_id = 0;
    fix.task_id = task (fixture->db, TASK_PASSPORT);
    fix.date = "2025-04-01";
    fix.start = "13:00";
    fix.end = "14:00";
    fix.reason = "時刻の転記誤り";
    act (fixture->db, "N1003");
    g_assert_cmpint (save (fixture->db, &fix), ==, id);
    assert_last_entry (fixture->db, id, "usage.amend", "N1003", "時刻の転記誤り");
    fixed = get (fixture->db, id);
    g_assert_cmpint (kb_usage_entry_get_started_at (fixed), ==, local_time (2025, 4, 1, 13, 0));
    g_assert_cmpint (kb_usage_entry_get_ended_at (fixed), ==, local_time (2025, 4, 1, 14, 0));
    /* N2002 was at JK-03 from 15:00. */
    fix.end = "15:30";
    save_refused_at (fixture->db, &fix, KB_FIELD_START);
  }

  assert_intact (fixture->db);
}

/* --- what is refused --------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *date;       /* NULL: tomorrow */
  const char *start;
  const char *end;
  const char *task;
  const char *cases;
  const char *remarks;
  const char *field;      /* NULL: accepted */
  int         cases_saved;
} InvalidCase;

/* Remarks of that many characters, made by the test. */
#define REMARKS_501 "#501"
#define REMARKS_500 "#500"

static const InvalidCase invalid_cases[] = {
  { "cases/negative", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "-1", NULL, KB_FIELD_CASES },
  { "cases/minus-sign", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "\xe2\x88\x92" "1", NULL,
    KB_FIELD_CASES },
  { "cases/letters", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "abc", NULL, KB_FIELD_CASES },
  { "cases/too-many", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "100000", NULL,
    KB_FIELD_CASES },
  { "cases/fraction", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1.5", NULL, KB_FIELD_CASES },
  { "cases/comma-only", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, ",", NULL, KB_FIELD_CASES },
  { "cases/thousands", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1,234", NULL, NULL, 1234 },
  { "cases/sign-only", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "+", NULL, KB_FIELD_CASES },
  { "cases/missing", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "", NULL, KB_FIELD_CASES },
  { "cases/full-width", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "１２", NULL, NULL, 12 },
  { "cases/most", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "99999", NULL, NULL, 99999 },
  { "cases/zero", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, " 0 ", NULL, NULL, 0 },
  { "end/before-start", "2025-04-01", "10:00", "09:00", TASK_PASSPORT, "1", NULL, KB_FIELD_END },
  { "end/at-start", "2025-04-01", "10:00", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_END },
  { "end/future", NULL, "09:00", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_END },
  { "date/february-30", "2026-02-30", "09:00", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_DATE },
  { "date/empty", "", "09:00", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_DATE },
  { "date/words", "yesterday", "09:00", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_DATE },
  { "date/trailing", "2025-04-01x", "09:00", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_DATE },
  { "date/full-width", "２０２５／０４／０１", "09:00", "10:00", TASK_PASSPORT, "1", NULL, NULL,
    1 },
  { "start/25-00", "2025-04-01", "25:00", "26:00", TASK_PASSPORT, "1", NULL, KB_FIELD_START },
  { "start/minutes", "2025-04-01", "09:60", "10:00", TASK_PASSPORT, "1", NULL, KB_FIELD_START },
  { "end/25-00", "2025-04-01", "09:00", "25:00", TASK_PASSPORT, "1", NULL, KB_FIELD_END },
  { "end/empty", "2025-04-01", "09:00", "", TASK_PASSPORT, "1", NULL, KB_FIELD_END },
  { "task/not-approved", "2025-04-01", "09:00", "10:00", TASK_PENSION, "1", NULL, KB_FIELD_TASK },
  { "task/none", "2025-04-01", "09:00", "10:00", NULL, "1", NULL, KB_FIELD_TASK },
  { "remarks/right-to-left-override", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1",
    "本人" RLO "確認", KB_FIELD_REMARKS },
  { "remarks/control", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1", "本人\x01確認",
    KB_FIELD_REMARKS },
  { "remarks/too-long", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1", REMARKS_501,
    KB_FIELD_REMARKS },
  { "remarks/longest", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1", REMARKS_500,
    NULL, 1 },
  { "remarks/lines", "2025-04-01", "09:00", "10:00", TASK_PASSPORT, "1", "一行目\n二行目",
    NULL, 1 },
};

static void
test_invalid (gconstpointer data)
{
  const InvalidCase *ic = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autoptr(GString) remarks = g_string_new (NULL);
  Fixture fixture;
  KbUsageChange change = { 0 };

  setup_demo (&fixture, NULL);

  act (fixture.db, "N1003");
  change.terminal_id = terminal (fixture.db, "JK-01");
  change.operator_id = op (fixture.db, "N1003");
  change.date = ic->date != NULL ? ic->date : tomorrow_text;
  change.start = ic->start;
  change.end = ic->end;
  change.task_id = ic->task != NULL ? task (fixture.db, ic->task) : 0;
  change.cases = ic->cases;
  change.remarks = ic->remarks;
  if (ic->remarks != NULL && ic->remarks[0] == '#')
    {
      guint64 n = g_ascii_strtoull (ic->remarks + 1, NULL, 10);

      g_string_truncate (remarks, 0);
      for (guint64 i = 0; i < n; i++)
        g_string_append (remarks, "記");
      g_assert_cmpint (g_utf8_strlen (remarks->str, -1), ==, n);
      change.remarks = remarks->str;
    }
  change.reason = "紙の記録簿から転記";

  if (ic->field != NULL)
    {
      save_refused_at (fixture.db, &change, ic->field);
      g_assert_cmpint (usage_rows (fixture.db), ==, 0);
    }
  else
    {
      g_autoptr(KbUsageEntry) entry = NULL;
      gint64 id = save (fixture.db, &change);

      entry = get (fixture.db, id);
      g_assert_cmpint (kb_usage_entry_get_cases (entry), ==, ic->cases_saved);
      g_assert_cmpint (kb_usage_entry_get_started_at (entry), ==,
                       local_time (2025, 4, 1, 9, 0));
      g_assert_cmpint (usage_rows (fixture.db), ==, 1);
    }

  kb_test_fixture_teardown (&fixture, NULL);
}

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) date = NULL;
  int value;

  g_assert_true (kb_usage_parse_cases ("1,234", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 1234);
  g_assert_true (kb_usage_parse_cases (NULL, &value, &error));
  g_assert_cmpint (value, ==, -1);
  g_assert_false (kb_usage_parse_cases ("99999999999999999999999", &value, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpint (value, ==, -1);
  g_clear_error (&error);

  g_assert_true (kb_usage_parse_time ("x", "９:０５", &value, &error));
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 9 * 60 + 5);
  g_assert_false (kb_usage_parse_time ("x", "-1:00", &value, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, "x");
  g_clear_error (&error);

  g_assert_true (kb_usage_parse_date ("x", "2024-02-29", &date, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_to_unix (date), ==, 1709132400);   /* 2024-02-28T15:00:00Z */
  g_clear_pointer (&date, g_date_time_unref);
  g_assert_false (kb_usage_parse_date ("x", "2025-02-29", &date, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_null (date);
  g_clear_error (&error);
  g_assert_false (kb_usage_parse_date ("x", "2025-04/01", &date, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_null (date);
}

/* --- evidence ------------------------------------------------------------------- */

static void
test_evidence (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) fresh = NULL;
  KbVerifyReport report = { 0 };
  KbUsageChange change = { 0 };
  g_autofree char *sql = NULL;
  g_autofree char *confirmed = NULL;
  Office o;
  gint64 next;
  sqlite3 *raw;

  /* Everything at once: sessions, next task, paper, confirmations,
   * amendments, an abandoned entry. */
  fill_office (fixture->db, &o);
  next = begin (fixture->db, "N1004", "JK-01");
  change.id = next;
  change.task_id = task (fixture->db, TASK_PASSPORT);
  change.cases = "2";
  change.remarks = "午前の窓口";
  save (fixture->db, &change);
  next = kb_usage_next_task (fixture->db, next, &error);
  g_assert_no_error (error);
  end (fixture->db, "N1004", "JK-01", "idle");
  begin (fixture->db, "N1003", "JK-02");
  kb_db_set_actor (fixture->db, 0, "JK-02");
  g_assert_cmpuint (kb_usage_close_abandoned (fixture->db, "JK-02", &error), ==, 1);
  act (fixture->db, "N1003");
  change.id = o.a;
  change.task_id = task (fixture->db, TASK_PASSPORT);
  change.cases = "6";
  change.remarks = NULL;
  change.reason = "件数の訂正";
  save (fixture->db, &change);
  assert_intact (fixture->db);

  /* The cases of an entry changed behind the app's back. */
  raw = kb_test_raw_open (fixture->path);
  confirmed = g_strdup_printf ("usage.confirm:%" G_GINT64_FORMAT, o.b);
  sql = g_strdup_printf ("UPDATE usage SET cases = 50 WHERE id = %" G_GINT64_FORMAT, o.b);
  kb_test_raw_exec (raw, sql);
  sqlite3_close (raw);

  g_assert_false (kb_journal_verify (fixture->db, NULL, NULL, NULL, &report, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (report.bad_entity, ==, "usage");
  g_assert_cmpint (report.bad_id, ==, o.b);
  /* The entry whose state the row no longer matches: its confirmation. */
  g_assert_cmpint (report.bad_seq, ==, kb_test_seq (fixture->db, confirmed));
  kb_verify_report_clear (&report);
  g_clear_error (&error);

  /* And by `kanribo --verify`. */
  fresh = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_false (kb_journal_verify (fresh, NULL, NULL, NULL, &report, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED);
  g_assert_cmpstr (report.bad_entity, ==, "usage");
  g_assert_cmpint (report.bad_id, ==, o.b);
  kb_verify_report_clear (&report);
  g_clear_pointer (&fresh, kb_db_close);
}

int
main (int   argc,
      char *argv[])
{
  /* Paper entries are in local time: the tests know which. */
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tzset ();
  /* Messages in UTF-8 rather than question marks. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup_demo, func, kb_test_fixture_teardown)

  ADD ("/usage/record/begin-end", test_begin_end);
  ADD ("/usage/record/next-task", test_next_task);
  ADD ("/usage/record/sitting-boundaries", test_sitting_boundaries);
  ADD ("/usage/record/close-abandoned", test_close_abandoned);
  ADD ("/usage/record/unregistered-terminal", test_unregistered_terminal);
  ADD ("/usage/record/retired-terminal", test_retired_terminal);
  ADD ("/usage/purpose-missing", test_purpose_missing);
  ADD ("/usage/amend", test_amend);
  ADD ("/usage/confirm", test_confirm);
  ADD ("/usage/visibility", test_visibility);
  ADD ("/usage/filters", test_filters);
  ADD ("/usage/paging", test_paging);
  ADD ("/usage/search", test_search);
  ADD ("/usage/manual", test_manual);
  ADD ("/usage/evidence", test_evidence);

#undef ADD

  g_test_add_func ("/usage/parse", test_parse);

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/usage/invalid/%s", invalid_cases[i].name);

      g_test_add_data_func (path, &invalid_cases[i], test_invalid);
    }

  return g_test_run ();
}
