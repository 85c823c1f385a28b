/* test-audit.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audits on the demo office: month arithmetic for recurrence (month ends,
 * leap years), the plan's validation field by field, who may plan, record,
 * close and accept, the status machine (one step forwards at a time),
 * closing refused while a finding is open, the next audit of a recurrent
 * one planned exactly once with the right dates, findings only while an
 * audit is in progress or reported, links to register rows, the
 * self-audit warnings, overdue, the demo's audits, and a journal that
 * verifies after all of it.
 *
 * Runs in Asia/Tokyo.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-audit-private.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-room.h"
#include "kb-test-util.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef KbTestFixture Fixture;

#define RLO "\xe2\x80\xae"

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
op (KbDb       *db,
    const char *staff)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db),
                                       "SELECT id FROM operators WHERE staff_number = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
act (KbDb       *db,
     const char *staff)
{
  kb_db_set_actor (db, staff != NULL ? op (db, staff) : 0, "JK-04");
}

static void
assert_verified (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_null (report.bad_entity);
  kb_verify_report_clear (&report);
}

static gint64
count (KbDb       *db,
       const char *sql)
{
  return kb_test_count (db, sql);
}

/* "YYYY-MM-DD", @days from today (local). */
static char *
day (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) t = g_date_time_add_days (now, days);

  return g_date_time_format (t, "%Y-%m-%d");
}

/* An internal audit planned by the security officer N1001 with the
 * auditor N2003 and the network administrator N2001. */
static gint64
plan_full (KbDb        *db,
           KbAuditKind  kind,
           const char  *from,
           const char  *to,
           const char  *planned,
           int          recurrence)
{
  g_autoptr(GError) error = NULL;
  KbAuditorSpec auditors[] = {
    { op (db, "N2003"), NULL, NULL },
    { op (db, "N2001"), NULL, NULL },
    { 0, "長野 花子", "本人確認情報保護審議会" },
  };
  KbAuditChange change = {
    .kind = kind,
    .title = "内部監査",
    .scope = "端末使用管理簿、情報資産管理簿、入退室管理",
    .period_from = from,
    .period_to = to,
    .planned_on = planned,
    .recurrence_months = recurrence,
    .auditors = auditors,
    .n_auditors = G_N_ELEMENTS (auditors),
  };
  gint64 id;

  act (db, "N1001");
  id = kb_audit_save (db, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
plan (KbDb *db)
{
  g_autofree char *from = day (-60);
  g_autofree char *to = day (-1);
  g_autofree char *planned = day (5);

  return plan_full (db, KB_AUDIT_INTERNAL, from, to, planned, 0);
}

static void
advance (KbDb          *db,
         gint64         id,
         KbAuditStatus  to)
{
  g_autoptr(GError) error = NULL;

  act (db, "N1001");
  g_assert_true (kb_audit_advance (db, id, to, NULL, &error));
  g_assert_no_error (error);
}

static gint64
record (KbDb                *db,
        gint64               audit_id,
        const char          *responsible,
        const char          *due,
        const KbFindingLink *links,
        guint                n_links)
{
  g_autoptr(GError) error = NULL;
  KbFindingChange change = {
    .audit_id = audit_id,
    .severity = KB_SEVERITY_MEDIUM,
    .description = "確認者印のない使用記録がある",
    .responsible_id = op (db, responsible),
    .action = "監督者が確認する",
    .due_on = due,
    .links = links,
    .n_links = n_links,
  };
  gint64 id;

  act (db, "N2003");
  id = kb_finding_save (db, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static KbAudit *
get (KbDb       *db,
     gint64      id,
     const char *today)
{
  g_autoptr(GError) error = NULL;
  KbAudit *audit;

  act (db, "N1001");
  audit = kb_audit_get (db, id, today, &error);
  g_assert_no_error (error);
  g_assert_nonnull (audit);
  return audit;
}

static KbFinding *
get_finding (KbDb       *db,
             gint64      audit_id,
             gint64      finding_id,
             const char *today)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;

  act (db, "N1001");
  list = kb_finding_list (db, audit_id, today, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(KbFinding) finding = g_list_model_get_item (list, i);

      if (kb_finding_get_id (finding) == finding_id)
        return g_steal_pointer (&finding);
    }
  g_assert_not_reached ();
}

/* --- month arithmetic ------------------------------------------------------------ */

typedef struct {
  const char *from;
  int months;
  const char *to;
} MonthCase;

static const MonthCase month_cases[] = {
  { "2026-01-31", 1, "2026-02-28" },
  { "2027-08-31", 6, "2028-02-29" },
  { "2028-02-29", 12, "2029-02-28" },
  { "2028-02-29", 48, "2032-02-29" },
  { "2026-03-31", -1, "2026-02-28" },
  { "2024-03-31", -1, "2024-02-29" },
  { "2026-01-15", -1, "2025-12-15" },
  { "2026-05-31", -15, "2025-02-28" },
  { "2026-12-31", 2, "2027-02-28" },
  { "2026-10-31", 6, "2027-04-30" },
  { "2026-11-30", 0, "2026-11-30" },
  { "2026-07-31", 60, "2031-07-31" },
  { "2026-01-01", -24, "2024-01-01" },
};

static void
test_months (gconstpointer data)
{
  const MonthCase *c = data;
  GDate date;
  int y, m, d;
  char out[16];

  g_assert_cmpint (sscanf (c->from, "%d-%d-%d", &y, &m, &d), ==, 3);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  kb_date_add_months_clamped (&date, c->months);
  g_snprintf (out, sizeof out, "%04d-%02d-%02d", g_date_get_year (&date),
              g_date_get_month (&date), g_date_get_day (&date));
  g_assert_cmpstr (out, ==, c->to);
}

/* --- validation --------------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *field;
  KbFieldError code;
} BadPlan;

static const BadPlan bad_plans[] = {
  { "no-title", "title", KB_FIELD_ERROR_EMPTY },
  { "title-control", "title", KB_FIELD_ERROR_CONTROL_CHARS },
  { "no-scope", KB_FIELD_SCOPE, KB_FIELD_ERROR_EMPTY },
  { "scope-too-long", KB_FIELD_SCOPE, KB_FIELD_ERROR_TOO_LONG },
  { "from-not-a-date", KB_FIELD_PERIOD_FROM, KB_FIELD_ERROR_INVALID },
  { "from-no-such-day", KB_FIELD_PERIOD_FROM, KB_FIELD_ERROR_INVALID },
  { "no-to", KB_FIELD_PERIOD_TO, KB_FIELD_ERROR_EMPTY },
  { "to-before-from", KB_FIELD_PERIOD_TO, KB_FIELD_ERROR_INVALID },
  { "planned-feb-29", KB_FIELD_PLANNED, KB_FIELD_ERROR_INVALID },
  { "recurrence-61", KB_FIELD_RECURRENCE, KB_FIELD_ERROR_INVALID },
  { "recurrence-negative", KB_FIELD_RECURRENCE, KB_FIELD_ERROR_INVALID },
  { "no-auditors", KB_FIELD_AUDITORS, KB_FIELD_ERROR_EMPTY },
  { "inactive-auditor", KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID },
  { "unknown-auditor", KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID },
  { "named-no-organisation", KB_FIELD_AUDITORS, KB_FIELD_ERROR_EMPTY },
  { "named-no-name", KB_FIELD_AUDITORS, KB_FIELD_ERROR_EMPTY },
  { "staff-and-name", KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID },
  { "same-staff-twice", KB_FIELD_AUDITORS, KB_FIELD_ERROR_DUPLICATE },
  { "same-named-twice", KB_FIELD_AUDITORS, KB_FIELD_ERROR_DUPLICATE },
  { "pre-use-staff-only", KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID },
  { "bad-kind", "kind", KB_FIELD_ERROR_INVALID },
  { "amend-no-reason", "reason", KB_FIELD_ERROR_EMPTY },
};

static void
test_bad_plan (Fixture       *fixture,
               gconstpointer  data)
{
  const BadPlan *bad = data;
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_scope = g_strnfill (KB_AUDIT_MAX_SCOPE + 1, 'x');
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbAuditorSpec auditors[3] = {
    { op (fixture->db, "N2003"), NULL, NULL },
    { 0, "長野 花子", "本人確認情報保護審議会" },
    { 0 },
  };
  KbAuditChange change = {
    .kind = KB_AUDIT_INTERNAL,
    .title = "内部監査",
    .scope = "端末使用管理簿",
    .period_from = "2026-04-01",
    .period_to = "2026-09-30",
    .planned_on = "2026-10-15",
    .recurrence_months = 6,
    .auditors = auditors,
    .n_auditors = 2,
  };
  gint64 entries, id;

  if (g_str_equal (bad->name, "amend-no-reason"))
    change.id = plan (db);
  else if (g_str_equal (bad->name, "no-title"))
    change.title = "  ";
  else if (g_str_equal (bad->name, "title-control"))
    change.title = "内部監査" RLO "査監";
  else if (g_str_equal (bad->name, "no-scope"))
    change.scope = "";
  else if (g_str_equal (bad->name, "scope-too-long"))
    change.scope = long_scope;
  else if (g_str_equal (bad->name, "from-not-a-date"))
    change.period_from = "来月";
  else if (g_str_equal (bad->name, "from-no-such-day"))
    change.period_from = "2026-02-30";
  else if (g_str_equal (bad->name, "no-to"))
    change.period_to = NULL;
  else if (g_str_equal (bad->name, "to-before-from"))
    change.period_to = "2026-03-31";
  else if (g_str_equal (bad->name, "planned-feb-29"))
    change.planned_on = "2027-02-29";
  else if (g_str_equal (bad->name, "recurrence-61"))
    change.recurrence_months = 61;
  else if (g_str_equal (bad->name, "recurrence-negative"))
    change.recurrence_months = -6;
  else if (g_str_equal (bad->name, "no-auditors"))
    change.n_auditors = 0;
  else if (g_str_equal (bad->name, "inactive-auditor"))
    {
      act (db, NULL);
      g_assert_true (kb_admin_set_active (db, "operator", op (db, "N3004"), FALSE, "異動", &error));
      g_assert_no_error (error);
      auditors[0].operator_id = op (db, "N3004");
    }
  else if (g_str_equal (bad->name, "unknown-auditor"))
    auditors[0].operator_id = 999999;
  else if (g_str_equal (bad->name, "named-no-organisation"))
    auditors[1].organisation = " ";
  else if (g_str_equal (bad->name, "named-no-name"))
    auditors[1].name = NULL;
  else if (g_str_equal (bad->name, "staff-and-name"))
    auditors[0].name = "清水 大輔";
  else if (g_str_equal (bad->name, "same-staff-twice"))
    {
      auditors[2] = auditors[0];
      change.n_auditors = 3;
    }
  else if (g_str_equal (bad->name, "same-named-twice"))
    {
      auditors[2] = auditors[1];
      change.n_auditors = 3;
    }
  else if (g_str_equal (bad->name, "pre-use-staff-only"))
    {
      change.kind = KB_AUDIT_PRE_USE;
      change.n_auditors = 1;
    }
  else if (g_str_equal (bad->name, "bad-kind"))
    change.kind = 7;
  else
    g_assert_not_reached ();

  act (db, "N1001");
  before = kb_test_register_snapshot (db);
  entries = kb_test_journal_length (db);
  id = kb_audit_save (db, &change, &error);
  g_assert_cmpint (id, ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, (int) bad->code);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, bad->field);
  after = kb_test_register_snapshot (db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
  assert_verified (db);
}

/* The same plan with full-width digits and slashes is fine, and kept
 * as YYYY-MM-DD; a pre-use audit with a Council member is too. */
static void
test_good_plan (Fixture       *fixture,
                gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAudit) audit = NULL;
  KbAuditorSpec auditors[] = {
    { 0, "長野 花子", "本人確認情報保護審議会" },
    { 0, "上田 一郎", "本人確認情報保護審議会" },
  };
  KbAuditChange change = {
    .kind = KB_AUDIT_PRE_USE,
    .title = "事前監査",
    .scope = "端末の設置状況\nアクセス管理",
    .period_from = "２０２６/４/１",
    .period_to = "2026-04-30",
    .planned_on = "2026/5/7",
    .auditors = auditors,
    .n_auditors = G_N_ELEMENTS (auditors),
  };
  gint64 id;

  act (db, "N1001");
  id = kb_audit_save (db, &change, &error);
  g_assert_no_error (error);
  audit = get (db, id, "2026-05-01");
  g_assert_cmpstr (kb_audit_get_period_from (audit), ==, "2026-04-01");
  g_assert_cmpstr (kb_audit_get_planned_on (audit), ==, "2026-05-07");
  g_assert_cmpint (kb_audit_get_kind (audit), ==, KB_AUDIT_PRE_USE);
  g_assert_cmpint (kb_audit_get_status (audit), ==, KB_AUDIT_PLANNED);
  g_assert_cmpstr (kb_audit_get_auditor_names (audit), ==,
                   "長野 花子 (本人確認情報保護審議会), 上田 一郎 (本人確認情報保護審議会)");
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'audit.plan'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'auditor.add'"), ==, 2);

  /* Amending with a reason replaces the auditors: the one left out is
   * withdrawn, not deleted. */
  change.id = id;
  change.n_auditors = 1;
  change.reason = "上田委員の日程調整がつかないため";
  g_assert_cmpint (kb_audit_save (db, &change, &error), ==, id);
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audit_auditors WHERE active = 0"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'auditor.withdraw'"),
                   ==, 1);
  /* The audit row itself did not change: no audit.amend. */
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'audit.amend'"), ==, 0);
  change.planned_on = "2026-05-08";
  g_assert_cmpint (kb_audit_save (db, &change, &error), ==, id);
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'audit.amend'"
                              " AND json_extract (detail, '$.reason') <> ''"), ==, 1);
  assert_verified (db);
}

/* --- roles ------------------------------------------------------------------------------ */

static void
test_roles (Fixture       *fixture,
            gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autofree char *from = day (-60);
  g_autofree char *to = day (-1);
  KbAuditorSpec auditors[] = { { op (db, "N2003"), NULL, NULL } };
  KbAuditChange change = {
    .kind = KB_AUDIT_INTERNAL, .title = "内部監査", .scope = "全般",
    .period_from = from, .period_to = to, .planned_on = to,
    .auditors = auditors, .n_auditors = 1,
  };
  KbFindingChange finding = {
    .severity = KB_SEVERITY_LOW, .description = "記載漏れ",
    .responsible_id = op (db, "N1003"),
  };
  const char * const not_planners[] = { "N1003", "N2003", "N2001", "N1002" };
  gint64 id, f;

  /* Only security officers plan and move audits on. */
  for (guint i = 0; i < G_N_ELEMENTS (not_planners); i++)
    {
      act (db, not_planners[i]);
      g_assert_cmpint (kb_audit_save (db, &change, &error), ==, 0);
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
    }
  act (db, "N1001");
  id = kb_audit_save (db, &change, &error);
  g_assert_no_error (error);
  act (db, "N2003");
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_IN_PROGRESS, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  advance (db, id, KB_AUDIT_IN_PROGRESS);

  /* Findings: the audit's auditor and officers; not a clerk, and not the
   * network administrator, who is a recorder but not this audit's. */
  finding.audit_id = id;
  act (db, "N1003");
  g_assert_cmpint (kb_finding_save (db, &finding, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N2001");
  g_assert_cmpint (kb_finding_save (db, &finding, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N1001");
  g_assert_cmpint (kb_finding_save (db, &finding, &error), >, 0);
  g_assert_no_error (error);
  act (db, "N2003");
  f = kb_finding_save (db, &finding, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f, >, 0);

  /* Closing: the responsible person may; another clerk may not. */
  act (db, "N1004");
  g_assert_false (kb_finding_close (db, f, "補記した", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N1003");
  g_assert_true (kb_finding_close (db, f, "利用事務を補記し、監督者の確認を受けた", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "SELECT count (*) FROM findings f JOIN operators o"
                              " ON o.id = f.resolved_by WHERE o.staff_number = 'N1003'"
                              " AND f.status = 'closed'"), ==, 1);

  /* Accepting: officers only, not even the auditor. */
  f = record (db, id, "N1003", NULL, NULL, 0);
  act (db, "N2003");
  g_assert_false (kb_finding_accept (db, f, "軽微", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N1003");
  g_assert_false (kb_finding_accept (db, f, "軽微", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N1001");
  g_assert_true (kb_finding_accept (db, f, "運用上の影響がなく、次期更新で対応", &error));
  g_assert_no_error (error);

  /* Reading: a supervisor reads the register; a clerk sees only the
   * audits with a finding they are responsible for. */
  act (db, "N1002");
  list = kb_audit_list (db, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&list);
  act (db, "N1004");
  list = kb_audit_list (db, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_clear_object (&list);
  act (db, "N1003");
  list = kb_finding_list (db, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  g_clear_object (&list);
  act (db, "N1004");
  list = kb_finding_list (db, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_clear_object (&list);

  /* Nobody signed in cannot resolve: the row names who did. */
  f = record (db, id, "N1003", NULL, NULL, 0);
  act (db, NULL);
  g_assert_false (kb_finding_close (db, f, "補記した", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_verified (db);
}

/* --- the status machine ------------------------------------------------------------------ */

static void
test_status (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  gint64 id = plan (db), entries;

  act (db, "N1001");
  entries = kb_test_journal_length (db);
  /* No skipping. */
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_REPORTED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_PLANNED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);

  advance (db, id, KB_AUDIT_IN_PROGRESS);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "Reported"));
  g_clear_error (&error);
  /* No going back. */
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_PLANNED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_IN_PROGRESS, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  advance (db, id, KB_AUDIT_REPORTED);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_IN_PROGRESS, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  advance (db, id, KB_AUDIT_CLOSED);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_audit_advance (db, 99999, KB_AUDIT_IN_PROGRESS, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE entity = 'audit'"
                              " AND kind IN ('audit.start', 'audit.report', 'audit.close')"), ==, 3);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits WHERE status = 'closed'"
                              " AND closed_at IS NOT NULL AND closed_by IS NOT NULL"), ==, 1);

  /* A closed audit's plan does not change. */
  {
    KbAuditorSpec auditors[] = { { op (db, "N2003"), NULL, NULL } };
    KbAuditChange change = {
      .id = id, .kind = KB_AUDIT_INTERNAL, .title = "内部監査（改）", .scope = "全般",
      .period_from = "2026-01-01", .period_to = "2026-03-31", .planned_on = "2026-04-10",
      .auditors = auditors, .n_auditors = 1, .reason = "誤記",
    };

    g_assert_cmpint (kb_audit_save (db, &change, &error), ==, 0);
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
  }
  assert_verified (db);
}

/* --- closure ----------------------------------------------------------------------------- */

static void
test_closure (Fixture       *fixture,
              gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAudit) audit = NULL;
  gint64 id = plan (db), a, b, entries;
  KbFindingChange change = { 0 };

  /* Findings only while in progress or reported. */
  change.audit_id = id;
  change.severity = KB_SEVERITY_HIGH;
  change.description = "記載漏れ";
  change.responsible_id = op (db, "N1003");
  act (db, "N2003");
  g_assert_cmpint (kb_finding_save (db, &change, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  advance (db, id, KB_AUDIT_IN_PROGRESS);
  a = record (db, id, "N1003", NULL, NULL, 0);
  b = record (db, id, "N1004", NULL, NULL, 0);
  advance (db, id, KB_AUDIT_REPORTED);

  act (db, "N1001");
  entries = kb_test_journal_length (db);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "2 findings are still open: "));
  g_clear_error (&error);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);

  /* Closing needs evidence. */
  act (db, "N1003");
  g_assert_false (kb_finding_close (db, a, " \n ", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_EVIDENCE);
  g_clear_error (&error);
  g_assert_true (kb_finding_close (db, a, "補記し、監督者の確認を受けた（11月20日）", &error));
  g_assert_no_error (error);
  g_assert_false (kb_finding_close (db, a, "もう一度", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  act (db, "N1001");
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "1 finding is still open: "));
  g_clear_error (&error);

  /* Accepting needs a reason. */
  g_assert_false (kb_finding_accept (db, b, "", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_true (kb_finding_accept (db, b, "端末更新時に解消される", &error));
  g_assert_no_error (error);

  /* A reopened finding keeps the audit open again. */
  g_assert_false (kb_finding_reopen (db, a, "", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_true (kb_finding_reopen (db, a, "確認印が別の日付のものだった", &error));
  g_assert_no_error (error);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N1003");
  g_assert_true (kb_finding_close (db, a, "改めて確認を受けた", &error));
  g_assert_no_error (error);

  advance (db, id, KB_AUDIT_CLOSED);
  audit = get (db, id, NULL);
  g_assert_cmpint (kb_audit_get_status (audit), ==, KB_AUDIT_CLOSED);
  g_assert_cmpuint (kb_audit_get_n_findings (audit), ==, 2);
  g_assert_cmpuint (kb_audit_get_n_open_findings (audit), ==, 0);
  g_assert_cmpint (kb_audit_get_closed_at (audit), >, 0);
  /* Non-recurrent: nothing planned after it. */
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits"), ==, 1);

  /* After closing, findings neither change nor are added. */
  act (db, "N1001");
  g_assert_false (kb_finding_reopen (db, b, "再検討", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N2003");
  g_assert_cmpint (kb_finding_save (db, &change, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'finding.close'"), ==, 2);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'finding.accept'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'finding.reopen'"), ==, 1);
  assert_verified (db);
}

/* --- recurrence -------------------------------------------------------------------------- */

static void
close_audit (KbDb   *db,
             gint64  id,
             gint64 *next)
{
  g_autoptr(GError) error = NULL;

  advance (db, id, KB_AUDIT_IN_PROGRESS);
  advance (db, id, KB_AUDIT_REPORTED);
  act (db, "N1001");
  g_assert_true (kb_audit_advance (db, id, KB_AUDIT_CLOSED, next, &error));
  g_assert_no_error (error);
}

static void
test_recurrence (Fixture       *fixture,
                 gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAudit) next = NULL;
  g_autoptr(KbAudit) third = NULL;
  gint64 id, next_id = -1, third_id = -1, once, none = -1, entries;

  /* Every six months, the audit planned on the 31st of August. */
  id = plan_full (db, KB_AUDIT_INTERNAL, "2027-03-01", "2027-08-31", "2027-08-31", 6);

  /* A staff auditor who left before the next one is not carried over. */
  act (db, NULL);
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N2001"), FALSE, "退職", &error));
  g_assert_no_error (error);

  entries = kb_test_journal_length (db);
  close_audit (db, id, &next_id);
  g_assert_cmpint (next_id, >, id);
  next = get (db, next_id, "2027-09-01");
  g_assert_cmpint (kb_audit_get_kind (next), ==, KB_AUDIT_INTERNAL);
  g_assert_cmpstr (kb_audit_get_title (next), ==, "内部監査");
  g_assert_cmpstr (kb_audit_get_scope (next), ==, "端末使用管理簿、情報資産管理簿、入退室管理");
  g_assert_cmpstr (kb_audit_get_planned_on (next), ==, "2028-02-29");
  g_assert_cmpstr (kb_audit_get_period_from (next), ==, "2027-09-01");
  g_assert_cmpstr (kb_audit_get_period_to (next), ==, "2028-02-29");
  g_assert_cmpint (kb_audit_get_recurrence_months (next), ==, 6);
  g_assert_cmpint (kb_audit_get_previous_id (next), ==, id);
  g_assert_cmpint (kb_audit_get_status (next), ==, KB_AUDIT_PLANNED);
  g_assert_cmpstr (kb_audit_get_auditor_names (next), ==,
                   "清水 大輔, 長野 花子 (本人確認情報保護審議会)");
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits"), ==, 2);
  /* start, report, close; plan; two auditors. */
  g_assert_cmpint (kb_test_journal_length (db) - entries, ==, 3 + 1 + 2);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'audit.plan'"
                              " AND json_extract (detail, '$.previous') = 1"), ==, 1);

  /* The schema allows one next audit per audit. */
  {
    sqlite3 *raw = kb_test_raw_open (fixture->path);
    g_autofree char *sql = g_strdup_printf ("INSERT INTO audits (kind, title, scope, period_from,"
                                            " period_to, planned_on, previous_id) VALUES"
                                            " ('internal', 'x', 'x', '2027-09-01', '2027-09-02',"
                                            " '2027-09-03', %" G_GINT64_FORMAT ")", id);

    g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
    sqlite3_close (raw);
  }

  act (db, NULL);
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N2001"), TRUE, "再任用", &error));
  g_assert_no_error (error);

  /* Monthly, from a month's end: the periods follow the calendar, the
   * planned day is clamped. */
  once = plan_full (db, KB_AUDIT_EXTERNAL, "2026-01-01", "2026-01-31", "2026-01-31", 1);
  close_audit (db, once, &third_id);
  third = get (db, third_id, NULL);
  g_assert_cmpstr (kb_audit_get_planned_on (third), ==, "2026-02-28");
  g_assert_cmpstr (kb_audit_get_period_from (third), ==, "2026-02-01");
  g_assert_cmpstr (kb_audit_get_period_to (third), ==, "2026-02-28");
  g_assert_cmpint (kb_audit_get_kind (third), ==, KB_AUDIT_EXTERNAL);
  g_clear_object (&next);
  close_audit (db, third_id, &next_id);
  next = get (db, next_id, NULL);
  g_assert_cmpstr (kb_audit_get_period_from (next), ==, "2026-03-01");
  g_assert_cmpstr (kb_audit_get_period_to (next), ==, "2026-03-31");
  g_assert_cmpstr (kb_audit_get_planned_on (next), ==, "2026-03-28");

  /* Once: nothing follows. */
  {
    g_autofree char *from = day (-30);
    g_autofree char *to = day (-1);

    once = plan_full (db, KB_AUDIT_INTERNAL, from, to, to, 0);
  }
  close_audit (db, once, &none);
  g_assert_cmpint (none, ==, 0);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits WHERE previous_id IS NOT NULL"), ==, 3);
  assert_verified (db);
}

/* Closing and planning the next audit are one transaction: when the
 * next cannot be planned (here a row slipped in behind the app's back
 * already claims to follow it), the audit stays reported and nothing is
 * journaled. */
static void
test_recurrence_atomic (Fixture       *fixture,
                        gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAudit) audit = NULL;
  g_autofree char *sql = NULL;
  gint64 id, f, entries, next = -1;
  sqlite3 *raw;

  id = plan_full (db, KB_AUDIT_INTERNAL, "2026-04-01", "2026-09-30", "2026-10-15", 6);
  advance (db, id, KB_AUDIT_IN_PROGRESS);
  advance (db, id, KB_AUDIT_REPORTED);
  /* A reported audit still takes findings. */
  f = record (db, id, "N1003", NULL, NULL, 0);
  act (db, "N1001");
  g_assert_true (kb_finding_accept (db, f, "軽微", &error));
  g_assert_no_error (error);
  raw = kb_test_raw_open (fixture->path);
  sql = g_strdup_printf ("INSERT INTO audits (kind, title, scope, period_from, period_to,"
                         " planned_on, previous_id) VALUES ('internal', 'x', 'x', '2026-10-01',"
                         " '2027-03-31', '2027-04-15', %" G_GINT64_FORMAT ")", id);
  kb_test_raw_exec (raw, sql);
  sqlite3_close (raw);

  act (db, "N1001");
  entries = kb_test_journal_length (db);
  g_assert_false (kb_audit_advance (db, id, KB_AUDIT_CLOSED, &next, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (next, ==, 0);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
  audit = get (db, id, NULL);
  g_assert_cmpint (kb_audit_get_status (audit), ==, KB_AUDIT_REPORTED);
  g_assert_cmpint (kb_audit_get_closed_at (audit), ==, 0);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits"), ==, 2);
}

/* --- links ---------------------------------------------------------------------------------- */

static gint64
room_entry (KbDb       *db,
            const char *staff)
{
  g_autoptr(GError) error = NULL;
  KbRoomEntryChange change = { "機器設置室", op (db, staff), NULL, NULL, "日常点検", NULL, 0, NULL };
  gint64 id;

  act (db, "N2001");
  id = kb_room_enter (db, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

typedef struct {
  const char *name;
  KbFieldError code;
} BadLink;

static const BadLink bad_links[] = {
  { "unknown-register", KB_FIELD_ERROR_INVALID },
  { "no-such-row", KB_FIELD_ERROR_INVALID },
  { "twice", KB_FIELD_ERROR_DUPLICATE },
  { "the-finding-itself", KB_FIELD_ERROR_INVALID },
  { "a-password", KB_FIELD_ERROR_INVALID },
};

static void
test_bad_link (Fixture       *fixture,
               gconstpointer  data)
{
  const BadLink *bad = data;
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 id = plan (db), room, entries, f;
  KbFindingLink links[2];
  KbFindingChange change = { 0 };

  advance (db, id, KB_AUDIT_IN_PROGRESS);
  room = room_entry (db, "N2002");
  f = record (db, id, "N1003", NULL, NULL, 0);
  links[0] = (KbFindingLink) { "room", room };
  links[1] = links[0];
  if (g_str_equal (bad->name, "unknown-register"))
    links[1] = (KbFindingLink) { "rooms", room };
  else if (g_str_equal (bad->name, "no-such-row"))
    links[1] = (KbFindingLink) { "usage", 424242 };
  else if (g_str_equal (bad->name, "the-finding-itself"))
    links[1] = (KbFindingLink) { "finding", f };
  else if (g_str_equal (bad->name, "a-password"))
    links[1] = (KbFindingLink) { "credential", 1 };

  change.audit_id = id;
  change.severity = KB_SEVERITY_LOW;
  change.description = "鍵の返却時刻の記録漏れ";
  change.responsible_id = op (db, "N2002");
  change.links = links;
  change.n_links = 2;
  act (db, "N2003");
  before = kb_test_register_snapshot (db);
  entries = kb_test_journal_length (db);
  g_assert_cmpint (kb_finding_save (db, &change, &error), ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, (int) bad->code);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_LINKS);
  after = kb_test_register_snapshot (db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
  assert_verified (db);
}

static void
test_links (Fixture       *fixture,
            gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbFinding) finding = NULL;
  g_autofree char *text = NULL;
  g_autofree char *today = day (0);
  g_autofree char *expected = NULL;
  gint64 id = plan (db), room, f;
  gint64 clerk = op (db, "N1003");
  KbFindingLink links[] = { { "room", 0 }, { "operator", clerk } };
  KbFindingChange change = { 0 };
  GArray *got;

  advance (db, id, KB_AUDIT_IN_PROGRESS);
  room = room_entry (db, "N2002");
  links[0].entity_id = room;
  f = record (db, id, "N2002", NULL, links, G_N_ELEMENTS (links));
  finding = get_finding (db, id, f, NULL);
  got = kb_finding_get_links (finding);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpstr (g_array_index (got, KbFindingLink, 0).entity, ==, "room");
  g_assert_cmpint (g_array_index (got, KbFindingLink, 0).entity_id, ==, room);

  text = kb_finding_link_describe (db, &g_array_index (got, KbFindingLink, 0));
  expected = g_strdup_printf ("Equipment-room entry %s 田中 美穂", today);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);
  text = kb_finding_link_describe (db, &g_array_index (got, KbFindingLink, 1));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("operators #%" G_GINT64_FORMAT, clerk);
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  /* Amending replaces the links: the one left out is withdrawn. */
  change.id = f;
  change.audit_id = id;
  change.severity = KB_SEVERITY_HIGH;
  change.description = "鍵の返却時刻の記録漏れ（再発）";
  change.responsible_id = op (db, "N2002");
  change.links = links;
  change.n_links = 1;
  act (db, "N2003");
  g_assert_cmpint (kb_finding_save (db, &change, &error), ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);
  change.reason = "再発を確認";
  g_assert_cmpint (kb_finding_save (db, &change, &error), ==, f);
  g_assert_no_error (error);
  g_clear_object (&finding);
  finding = get_finding (db, id, f, NULL);
  g_assert_cmpuint (kb_finding_get_links (finding)->len, ==, 1);
  g_assert_cmpint (kb_finding_get_severity (finding), ==, KB_SEVERITY_HIGH);
  g_assert_cmpint (count (db, "SELECT count (*) FROM finding_links WHERE active = 0"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'finding-link.withdraw'"),
                   ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'finding.amend'"), ==, 1);
  assert_verified (db);
}

/* --- self-audit ------------------------------------------------------------------------------ */

static void
test_self_audit (Fixture       *fixture,
                 gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *from = day (-30);
  g_autofree char *to = day (1);
  gint64 id, past, room;

  id = plan_full (db, KB_AUDIT_INTERNAL, from, to, to, 0);
  past = plan_full (db, KB_AUDIT_INTERNAL, "2020-04-01", "2020-09-30", "2020-10-15", 0);

  act (db, "N2003");
  lines = kb_audit_self_audit_warnings (db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* The network administrator keeps the room log, and audits it. */
  room = room_entry (db, "N2002");
  act (db, "N2001");
  g_assert_true (kb_room_leave (db, room, NULL, FALSE, &error));
  g_assert_no_error (error);
  advance (db, id, KB_AUDIT_IN_PROGRESS);
  /* The auditor's own findings are not audited work. */
  record (db, id, "N1003", NULL, NULL, 0);

  act (db, "N2003");
  lines = kb_audit_self_audit_warnings (db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==,
                   "中村 隆之 made 2 changes to the registers in the audited period "
                   "(equipment-room entries 2): they would be auditing their own work");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Someone responsible for a finding who is also an auditor. */
  record (db, id, "N2003", NULL, NULL, 0);
  lines = kb_audit_self_audit_warnings (db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 1), "清水 大輔 is responsible for the finding"));
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Another period: nothing he did. Periods are local days: one that
   * ended yesterday does not hold what he did today, whatever the hour
   * in UTC. */
  lines = kb_audit_self_audit_warnings (db, past, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);
  {
    g_autofree char *yesterday = day (-1);
    g_autofree char *today = day (0);
    gint64 before = plan_full (db, KB_AUDIT_INTERNAL, from, yesterday, yesterday, 0);
    gint64 just_today = plan_full (db, KB_AUDIT_INTERNAL, today, today, today, 0);

    act (db, "N2003");
    lines = kb_audit_self_audit_warnings (db, before, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (lines->len, ==, 0);
    g_clear_pointer (&lines, g_ptr_array_unref);
    lines = kb_audit_self_audit_warnings (db, just_today, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (lines->len, ==, 1);
    g_clear_pointer (&lines, g_ptr_array_unref);
  }

  /* A clerk cannot ask. */
  act (db, "N1003");
  lines = kb_audit_self_audit_warnings (db, id, &error);
  g_assert_null (lines);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_verified (db);
}

/* --- overdue ----------------------------------------------------------------------------------- */

static void
test_overdue (Fixture       *fixture,
              gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAudit) audit = NULL;
  g_autoptr(KbFinding) finding = NULL;
  g_autoptr(GListModel) list = NULL;
  gint64 id, f, later;

  id = plan_full (db, KB_AUDIT_INTERNAL, "2026-04-01", "2026-09-30", "2026-10-15", 6);
  audit = get (db, id, "2026-10-15");
  g_assert_false (kb_audit_get_overdue (audit));
  g_clear_object (&audit);
  audit = get (db, id, "2026-10-16");
  g_assert_true (kb_audit_get_overdue (audit));
  g_clear_object (&audit);

  advance (db, id, KB_AUDIT_IN_PROGRESS);
  audit = get (db, id, "2026-10-16");
  g_assert_false (kb_audit_get_overdue (audit));
  g_clear_object (&audit);

  f = record (db, id, "N1003", "2026-11-30", NULL, 0);
  record (db, id, "N1004", NULL, NULL, 0);
  finding = get_finding (db, id, f, "2026-11-30");
  g_assert_false (kb_finding_get_overdue (finding));
  g_assert_cmpstr (kb_finding_get_due_on (finding), ==, "2026-11-30");
  g_clear_object (&finding);
  finding = get_finding (db, id, f, "2026-12-01");
  g_assert_true (kb_finding_get_overdue (finding));
  g_clear_object (&finding);
  audit = get (db, id, "2026-12-01");
  g_assert_true (kb_audit_get_overdue (audit));
  g_assert_cmpuint (kb_audit_get_n_open_findings (audit), ==, 2);
  g_clear_object (&audit);

  act (db, "N1003");
  g_assert_true (kb_finding_close (db, f, "対応済み", &error));
  g_assert_no_error (error);
  finding = get_finding (db, id, f, "2026-12-01");
  g_assert_false (kb_finding_get_overdue (finding));
  g_assert_cmpint (kb_finding_get_status (finding), ==, KB_FINDING_CLOSED);
  g_assert_cmpstr (kb_finding_get_evidence (finding), ==, "対応済み");
  g_assert_cmpstr (kb_finding_get_resolver_name (finding), ==, "小林 健太");
  g_assert_cmpint (kb_finding_get_resolved_at (finding), >, 0);
  g_clear_object (&finding);
  audit = get (db, id, "2026-12-01");
  g_assert_false (kb_audit_get_overdue (audit));
  g_clear_object (&audit);

  /* The list: by planned date, the latest first, in a range. */
  later = plan_full (db, KB_AUDIT_EXTERNAL, "2026-04-01", "2027-03-31", "2027-05-10", 0);
  act (db, "N1001");
  list = kb_audit_list (db, NULL, NULL, "2026-12-01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  audit = g_list_model_get_item (list, 0);
  g_assert_cmpint (kb_audit_get_id (audit), ==, later);
  g_clear_object (&audit);
  g_clear_object (&list);
  list = kb_audit_list (db, "2026-10-01", "2026-10-16", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&list);
  list = kb_audit_list (db, "2026-10-16", "2027-05-10", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  assert_verified (db);
}

/* --- the demo ------------------------------------------------------------------------------------ */

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GListModel) audits = NULL;
  g_autoptr(GListModel) findings = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *today = day (0);
  KbAudit *current = NULL;
  guint n_closed = 0, n_overdue_findings = 0;
  gboolean usage_link = FALSE, asset_link = FALSE;

  g_assert_true (kb_demo_seed_usage (db, now, &error));
  g_assert_no_error (error);
  g_assert_true (kb_demo_seed_assets (db, now, &error));
  g_assert_no_error (error);
  g_assert_true (kb_demo_seed_room (db, now, &error));
  g_assert_no_error (error);
  g_assert_true (kb_demo_seed_audits (db, now, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (db, "SELECT count (*) FROM audits"), ==, 4);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits WHERE kind = 'pre-use'"
                              " AND status = 'closed'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audit_auditors x JOIN audits a"
                              " ON a.id = x.audit_id WHERE a.kind = 'pre-use'"
                              " AND x.organisation = '本人確認情報保護審議会'"), ==, 2);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits WHERE kind = 'internal'"
                              " AND status = 'closed' AND recurrence_months = 6"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits a JOIN audits p ON p.id = a.previous_id"
                              " WHERE a.status = 'in-progress' AND p.status = 'closed'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits WHERE kind = 'external'"
                              " AND status = 'planned'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM findings WHERE status = 'closed'"), ==, 2);
  g_assert_cmpint (count (db, "SELECT count (*) FROM findings WHERE status = 'open'"), ==, 2);
  /* The pre-use audit closed two years ago. */
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits WHERE kind = 'pre-use'"
                              " AND closed_at < strftime ('%s', 'now', '-700 days')"), ==, 1);

  act (db, "N1001");
  audits = kb_audit_list (db, NULL, NULL, today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (audits), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(KbAudit) audit = g_list_model_get_item (audits, i);

      n_closed += kb_audit_get_status (audit) == KB_AUDIT_CLOSED;
      if (kb_audit_get_status (audit) == KB_AUDIT_IN_PROGRESS)
        current = audit;
      if (kb_audit_get_kind (audit) == KB_AUDIT_EXTERNAL)
        {
          g_assert_cmpstr (kb_audit_get_planned_on (audit), >, today);
          g_assert_false (kb_audit_get_overdue (audit));
        }
    }
  g_assert_cmpuint (n_closed, ==, 2);
  g_assert_nonnull (current);
  g_assert_true (kb_audit_get_overdue (current));
  g_assert_cmpstr (kb_audit_get_auditor_names (current), ==, "清水 大輔, 中村 隆之");
  g_assert_cmpstr (kb_audit_get_period_from (current), <=, today);
  g_assert_cmpstr (kb_audit_get_period_to (current), >=, today);

  findings = kb_finding_list (db, kb_audit_get_id (current), today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (findings), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KbFinding) finding = g_list_model_get_item (findings, i);
      GArray *links = kb_finding_get_links (finding);
      g_autofree char *text = NULL;

      n_overdue_findings += kb_finding_get_overdue (finding);
      g_assert_cmpuint (links->len, ==, 1);
      text = kb_finding_link_describe (db, &g_array_index (links, KbFindingLink, 0));
      if (g_str_equal (g_array_index (links, KbFindingLink, 0).entity, "usage"))
        {
          usage_link = TRUE;
          g_assert_true (g_str_has_prefix (text, "Usage entry "));
          g_assert_true (g_str_has_suffix (text, " 小林 健太"));
          g_assert_true (kb_finding_get_overdue (finding));
        }
      else
        {
          asset_link = TRUE;
          g_assert_true (g_str_has_prefix (text, "Asset USB-02 "));
        }
    }
  g_assert_true (usage_link && asset_link);
  g_assert_cmpuint (n_overdue_findings, ==, 1);

  /* N2001 audits the room log and assets he keeps. */
  lines = kb_audit_self_audit_warnings (db, kb_audit_get_id (current), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 1);
  g_test_message ("%s", (const char *) g_ptr_array_index (lines, 0));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, 0), "中村 隆之 made "));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 0), "equipment-room entries"));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 0), "information assets"));
  /* An asset's event is the same change as the asset's, counted once. */
  g_assert_null (strstr (g_ptr_array_index (lines, 0), "asset events"));

  /* Only into an empty register. */
  g_assert_false (kb_demo_seed_audits (db, now, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpint (count (db, "SELECT count (*) FROM audits"), ==, 4);
  assert_verified (db);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tzset ();
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (month_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/audit/months/%s%+d", month_cases[i].from,
                                               month_cases[i].months);

      g_test_add_data_func (path, &month_cases[i], test_months);
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup_demo, func, kb_test_fixture_teardown)

  ADD ("/audit/good-plan", test_good_plan);
  ADD ("/audit/roles", test_roles);
  ADD ("/audit/status", test_status);
  ADD ("/audit/closure", test_closure);
  ADD ("/audit/recurrence", test_recurrence);
  ADD ("/audit/recurrence-atomic", test_recurrence_atomic);
  ADD ("/audit/links", test_links);
  ADD ("/audit/self-audit", test_self_audit);
  ADD ("/audit/overdue", test_overdue);
  ADD ("/audit/demo", test_demo);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (bad_plans); i++)
    {
      g_autofree char *path = g_strdup_printf ("/audit/bad-plan/%s", bad_plans[i].name);

      g_test_add (path, Fixture, &bad_plans[i], setup_demo, test_bad_plan,
                  kb_test_fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_links); i++)
    {
      g_autofree char *path = g_strdup_printf ("/audit/bad-link/%s", bad_links[i].name);

      g_test_add (path, Fixture, &bad_links[i], setup_demo, test_bad_link,
                  kb_test_fixture_teardown);
    }

  return g_test_run ();
}
