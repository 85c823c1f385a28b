/* test-training.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training on the demo office: fiscal-year arithmetic (March and April,
 * leap years, the grace date), scheduling and its validation, who may
 * keep the register, invitations, the attendance rules, each operator's
 * status derived from attendance, the lists of who is overdue, the
 * policy and its enforcement at sign-in with its journal entries, and
 * the reminders. Every test ends with the journal verified.
 *
 * Runs in Asia/Tokyo: times are typed in local time.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-training.h"
#include "kb-test-util.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef KbTestFixture Fixture;

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

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  kb_training_set_clock (0);
  if (fixture->db != NULL)
    assert_verified (fixture->db);
  kb_test_fixture_teardown (fixture, data);
}

static gint64
op (KbDb       *db,
    const char *staff)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM operators WHERE staff_number = '%s'",
                                          staff);
  gint64 id = kb_test_count (db, sql);

  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
division_of (KbDb       *db,
             const char *staff)
{
  g_autofree char *sql = g_strdup_printf ("SELECT division_id FROM operators"
                                          " WHERE staff_number = '%s'", staff);
  return kb_test_count (db, sql);
}

static void
act (KbDb       *db,
     const char *staff)
{
  kb_db_set_actor (db, staff != NULL ? op (db, staff) : 0, "JK-01");
}

static gint64
unix_of (const char *text)
{
  g_autoptr(GDateTime) t = NULL;
  int y, mo, d, h, mi;

  g_assert_cmpint (sscanf (text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi), ==, 5);
  t = g_date_time_new_local (y, mo, d, h, mi, 0);
  return g_date_time_to_unix (t);
}

static gint64
journal_count (KbDb       *db,
               const char *kind)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal WHERE kind = '%s'",
                                          kind);
  return kb_test_count (db, sql);
}

static gint64
schedule (KbDb           *db,
          const char     *title,
          KbTrainingKind  kind,
          const char     *starts,
          const char     *ends,
          KbTrainingAudience audience)
{
  g_autoptr(GError) error = NULL;
  KbTrainingChange change = {
    .title = title, .kind = kind, .starts = starts, .ends = ends,
    .place = "本庁舎 3階 会議室", .trainer_id = op (db, "N1002"), .audience = audience,
    .materials = "研修資料 v1",
  };
  gint64 id = kb_training_save (db, &change, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
invite (KbDb       *db,
        gint64      training_id,
        const char *staff)
{
  g_autoptr(GError) error = NULL;
  gint64 id = op (db, staff);
  guint n_invited = 0, n_already = 0;

  g_assert_true (kb_training_invite (db, training_id, &id, 1, &n_invited, &n_already, &error));
  g_assert_no_error (error);
}

static void
mark (KbDb             *db,
      gint64            training_id,
      const char       *staff,
      KbAttendanceMark  m)
{
  g_autoptr(GError) error = NULL;
  gint64 id = op (db, staff);

  g_assert_true (kb_training_mark (db, training_id, &id, &m, 1, &error));
  g_assert_no_error (error);
}

/* A session held on @date ("YYYY-MM-DD"), @staff invited and marked. */
static gint64
held (KbDb             *db,
      KbTrainingKind    kind,
      const char       *date,
      const char       *staff,
      KbAttendanceMark  m)
{
  g_autofree char *starts = g_strdup_printf ("%s 10:00", date);
  g_autofree char *ends = g_strdup_printf ("%s 12:00", date);
  gint64 id = schedule (db, "研修", kind, starts, ends, KB_AUDIENCE_NAMED);

  invite (db, id, staff);
  kb_training_set_clock (unix_of (ends));
  mark (db, id, staff, m);
  kb_training_set_clock (0);
  return id;
}

static void
set_policy (KbDb                 *db,
            KbTrainingPolicyMode  mode,
            int                   month,
            int                   day)
{
  g_autoptr(GError) error = NULL;
  KbTrainingPolicy policy = { mode, month, day };

  g_assert_true (kb_training_set_policy (db, &policy, &error));
  g_assert_no_error (error);
}

/* --- fiscal years ---------------------------------------------------------- */

static int
fy_of (int y,
       int m,
       int d)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return kb_fiscal_year_of (&date);
}

static void
assert_date (const GDate *date,
             int          y,
             int          m,
             int          d)
{
  g_assert_cmpint (g_date_get_year (date), ==, y);
  g_assert_cmpint (g_date_get_month (date), ==, m);
  g_assert_cmpint (g_date_get_day (date), ==, d);
}

static void
test_fiscal_year (void)
{
  GDate first, last, grace;
  char *label;

  g_assert_cmpint (fy_of (2027, 3, 31), ==, 2026);
  g_assert_cmpint (fy_of (2027, 4, 1), ==, 2027);
  g_assert_cmpint (fy_of (2026, 1, 1), ==, 2025);
  g_assert_cmpint (fy_of (2026, 12, 31), ==, 2026);
  g_assert_cmpint (fy_of (2028, 2, 29), ==, 2027);   /* a leap day */
  g_assert_cmpint (fy_of (2028, 3, 31), ==, 2027);
  g_assert_cmpint (fy_of (2028, 4, 1), ==, 2028);

  kb_fiscal_year_bounds (2026, &first, &last);
  assert_date (&first, 2026, 4, 1);
  assert_date (&last, 2027, 3, 31);
  kb_fiscal_year_bounds (2027, &first, &last);
  assert_date (&last, 2028, 3, 31);

  /* The default grace date, in the fiscal year's own calendar year. */
  kb_fiscal_year_grace (2026, 6, 30, &grace);
  assert_date (&grace, 2026, 6, 30);
  /* A month before April is in the next calendar year. */
  kb_fiscal_year_grace (2026, 1, 31, &grace);
  assert_date (&grace, 2027, 1, 31);
  kb_fiscal_year_grace (2026, 3, 31, &grace);
  assert_date (&grace, 2027, 3, 31);
  /* 29 February: kept in a leap year, the 28th otherwise. */
  kb_fiscal_year_grace (2027, 2, 29, &grace);
  assert_date (&grace, 2028, 2, 29);
  kb_fiscal_year_grace (2026, 2, 29, &grace);
  assert_date (&grace, 2027, 2, 28);
  /* 31 in a 30-day month is its last day. */
  kb_fiscal_year_grace (2026, 9, 31, &grace);
  assert_date (&grace, 2026, 9, 30);

  label = kb_fiscal_year_label (2026, FALSE);
  g_assert_cmpstr (label, ==, "FY2026");
  g_free (label);
  label = kb_fiscal_year_label (2026, TRUE);
  g_assert_cmpstr (label, ==, "令和8年度");
  g_free (label);
  /* Reiwa began on 1 May 2019: that fiscal year is its first. */
  label = kb_fiscal_year_label (2019, TRUE);
  g_assert_cmpstr (label, ==, "令和元年度");
  g_free (label);
  label = kb_fiscal_year_label (2018, TRUE);
  g_assert_cmpstr (label, ==, "平成30年度");
  g_free (label);
}

/* --- scheduling ------------------------------------------------------------ */

static void
test_schedule (Fixture       *fixture,
               gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbTraining) t = NULL;
  g_autoptr(GListModel) list = NULL;
  gint64 march, april;

  act (db, "N1002");
  march = schedule (db, "年度末研修", KB_TRAINING_FISCAL_YEAR, "2027-03-31 22:00",
                    "2027-03-31 23:30", KB_AUDIENCE_OPERATORS);
  april = schedule (db, "年度当初研修", KB_TRAINING_FISCAL_YEAR, "2027-04-01 09:00",
                    "2027-04-01 11:00", KB_AUDIENCE_OPERATORS);
  g_assert_cmpint (journal_count (db, "training.schedule"), ==, 2);

  t = kb_training_get (db, march, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_training_get_fiscal_year (t), ==, 2026);
  g_assert_cmpstr (kb_training_get_title (t), ==, "年度末研修");
  g_assert_cmpint (kb_training_get_kind (t), ==, KB_TRAINING_FISCAL_YEAR);
  g_assert_cmpint (kb_training_get_starts_at (t), ==, unix_of ("2027-03-31 22:00"));
  g_assert_cmpint (kb_training_get_ends_at (t), ==, unix_of ("2027-03-31 23:30"));
  g_assert_cmpstr (kb_training_get_place (t), ==, "本庁舎 3階 会議室");
  g_assert_cmpint (kb_training_get_trainer_id (t), ==, op (db, "N1002"));
  g_assert_cmpstr (kb_training_get_trainer_name (t), ==, "松本 由美子");
  g_assert_cmpint (kb_training_get_audience (t), ==, KB_AUDIENCE_OPERATORS);
  g_assert_cmpstr (kb_training_get_materials (t), ==, "研修資料 v1");
  g_assert_cmpint (kb_training_get_status (t), ==, KB_SESSION_PLANNED);
  g_assert_cmpuint (kb_training_get_n_invited (t), ==, 0);
  g_clear_object (&t);

  t = kb_training_get (db, april, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_training_get_fiscal_year (t), ==, 2027);
  g_clear_object (&t);

  /* Overlapping a range; by start. */
  list = kb_training_list (db, unix_of ("2027-03-31 23:00"), unix_of ("2027-04-01 10:00"),
                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  g_clear_object (&list);
  list = kb_training_list (db, unix_of ("2027-04-01 00:00"), 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&list);

  t = kb_training_get (db, 9999, &error);
  g_assert_null (t);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
}

typedef struct {
  const char *name;
  const char *title;
  const char *starts;
  const char *ends;
  const char *place;
  const char *materials;
  const char *trainer;
  const char *field;
} BadCase;

static const BadCase bad_cases[] = {
  { "title-empty", "", NULL, NULL, NULL, NULL, NULL, KB_FIELD_TITLE },
  { "title-control", "研修\x07", NULL, NULL, NULL, NULL, NULL, KB_FIELD_TITLE },
  { "title-long", "TOO-LONG", NULL, NULL, NULL, NULL, NULL, KB_FIELD_TITLE },
  { "starts-empty", NULL, "", NULL, NULL, NULL, NULL, KB_FIELD_STARTS },
  { "starts-bad", NULL, "2027-02-30 10:00", NULL, NULL, NULL, NULL, KB_FIELD_STARTS },
  { "starts-words", NULL, "tomorrow", NULL, NULL, NULL, NULL, KB_FIELD_STARTS },
  { "ends-empty", NULL, NULL, "", NULL, NULL, NULL, KB_FIELD_ENDS },
  { "ends-before", NULL, NULL, "2027-05-10 09:00", NULL, NULL, NULL, KB_FIELD_ENDS },
  { "ends-same", NULL, NULL, "2027-05-10 10:00", NULL, NULL, NULL, KB_FIELD_ENDS },
  { "ends-two-days", NULL, NULL, "2027-05-12 10:00", NULL, NULL, NULL, KB_FIELD_ENDS },
  { "ends-bad", NULL, NULL, "2027-05-10 25:00", NULL, NULL, NULL, KB_FIELD_ENDS },
  { "place-empty", NULL, NULL, NULL, " ", NULL, NULL, KB_FIELD_PLACE },
  { "place-rlo", NULL, NULL, NULL, "会議室\xe2\x80\xae", NULL, NULL, KB_FIELD_PLACE },
  { "materials-long", NULL, NULL, NULL, NULL, "TOO-LONG", NULL, KB_FIELD_MATERIALS },
  { "trainer-operator", NULL, NULL, NULL, NULL, NULL, "N1003", KB_FIELD_TRAINER },
  { "trainer-auditor", NULL, NULL, NULL, NULL, NULL, "N2003", KB_FIELD_TRAINER },
  { "trainer-nobody", NULL, NULL, NULL, NULL, NULL, "", KB_FIELD_TRAINER },
};

static void
test_bad_field (Fixture       *fixture,
                gconstpointer  data)
{
  const BadCase *c = data;
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_title = g_strnfill (KB_TRAINING_MAX_TITLE + 1, 'x');
  g_autofree char *long_materials = g_strnfill (KB_TRAINING_MAX_MATERIALS + 1, 'x');
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbTrainingChange change = {
    .title = "年度当初研修", .kind = KB_TRAINING_FISCAL_YEAR,
    .starts = "2027-05-10 10:00", .ends = "2027-05-10 12:00",
    .place = "会議室", .trainer_id = op (db, "N1002"), .audience = KB_AUDIENCE_OPERATORS,
    .materials = "",
  };

  if (c->title != NULL)
    change.title = g_str_equal (c->title, "TOO-LONG") ? long_title : c->title;
  if (c->starts != NULL)
    change.starts = c->starts;
  if (c->ends != NULL)
    change.ends = c->ends;
  if (c->place != NULL)
    change.place = c->place;
  if (c->materials != NULL)
    change.materials = g_str_equal (c->materials, "TOO-LONG") ? long_materials : c->materials;
  if (c->trainer != NULL)
    change.trainer_id = c->trainer[0] != '\0' ? op (db, c->trainer) : 4242;

  act (db, "N1002");
  before = kb_test_register_snapshot (db);
  g_assert_cmpint (kb_training_save (db, &change, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_true (error->domain == KB_FIELD_ERROR);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, c->field);
  after = kb_test_register_snapshot (db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM trainings"), ==, 0);
}

static void
test_amend_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbTraining) t = NULL;
  gint64 id, entries;
  KbTrainingChange change = {
    .title = "年度当初研修", .kind = KB_TRAINING_FISCAL_YEAR,
    .starts = "2027-05-10 10:00", .ends = "2027-05-10 12:00",
    .place = "会議室", .trainer_id = op (db, "N1002"), .audience = KB_AUDIENCE_OPERATORS,
    .materials = "",
  };

  act (db, "N1002");
  id = kb_training_save (db, &change, &error);
  g_assert_no_error (error);

  /* An amendment needs a reason. */
  change.id = id;
  change.place = "大会議室";
  g_assert_cmpint (kb_training_save (db, &change, &error), ==, 0);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);

  change.reason = "会議室の変更";
  g_assert_cmpint (kb_training_save (db, &change, &error), ==, id);
  g_assert_no_error (error);
  g_assert_cmpint (journal_count (db, "training.amend"), ==, 1);
  t = kb_training_get (db, id, &error);
  g_assert_cmpstr (kb_training_get_place (t), ==, "大会議室");
  g_clear_object (&t);

  /* Nothing changed: nothing journaled. */
  entries = kb_test_journal_length (db);
  g_assert_cmpint (kb_training_save (db, &change, &error), ==, id);
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);

  /* Cancelling needs a reason; then the session cannot be amended,
   * cancelled again, invited to or marked. */
  g_assert_false (kb_training_cancel (db, id, "  ", &error));
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_true (kb_training_cancel (db, id, "講師の急病", &error));
  g_assert_no_error (error);
  g_assert_cmpint (journal_count (db, "training.cancel"), ==, 1);
  t = kb_training_get (db, id, &error);
  g_assert_cmpint (kb_training_get_status (t), ==, KB_SESSION_CANCELLED);
  g_clear_object (&t);

  entries = kb_test_journal_length (db);
  change.reason = "再開";
  g_assert_cmpint (kb_training_save (db, &change, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_training_cancel (db, id, "二重", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  {
    gint64 who = op (db, "N1003");
    KbAttendanceMark m = KB_MARK_PRESENT;

    g_assert_false (kb_training_invite (db, id, &who, 1, NULL, NULL, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
    kb_training_set_clock (unix_of ("2027-05-10 11:00"));
    g_assert_false (kb_training_mark (db, id, &who, &m, 1, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
  }
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);

  /* A session someone attended cannot be cancelled. */
  id = held (db, KB_TRAINING_AD_HOC, "2026-05-01", "N1003", KB_MARK_PRESENT);
  g_assert_false (kb_training_cancel (db, id, "誤り", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
}

static void
test_roles (Fixture       *fixture,
            gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbTrainingChange change = {
    .title = "年度当初研修", .kind = KB_TRAINING_FISCAL_YEAR,
    .starts = "2027-05-10 10:00", .ends = "2027-05-10 12:00",
    .place = "会議室", .trainer_id = op (db, "N1002"), .audience = KB_AUDIENCE_OPERATORS,
  };
  static const char * const refused[] = { "N1003", "N2001", "N2003", "N3001" };
  static const char * const allowed[] = { "N1001", "N1002", "N1005" };
  KbTrainingPolicy policy = { KB_TRAINING_POLICY_REFUSE, 6, 30 };
  KbTrainingReminders reminders;
  gint64 id;

  before = kb_test_register_snapshot (db);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      act (db, refused[i]);
      g_assert_cmpint (kb_training_save (db, &change, &error), ==, 0);
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
      g_assert_false (kb_training_reminders (db, NULL, &reminders, &error));
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
    }
  /* Only a security officer sets the policy; a trainer does not. */
  act (db, "N1002");
  g_assert_false (kb_training_set_policy (db, &policy, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  after = kb_test_register_snapshot (db);
  g_assert_cmpstr (before, ==, after);

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      act (db, allowed[i]);
      g_assert_cmpint (kb_training_save (db, &change, &error), >, 0);
      g_assert_no_error (error);
    }

  /* The trainer: a security officer may give a session, N1005 (an
   * operator and trainer) too; a retired trainer may not. */
  act (db, "N1001");
  change.trainer_id = op (db, "N1001");
  g_assert_cmpint (kb_training_save (db, &change, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N1005"), FALSE, "退職", &error));
  g_assert_no_error (error);
  change.trainer_id = op (db, "N1005");
  g_assert_cmpint (kb_training_save (db, &change, &error), ==, 0);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_TRAINER);
  g_clear_error (&error);

  /* A clerk cannot invite or mark. */
  act (db, "N1002");
  id = schedule (db, "研修", KB_TRAINING_AD_HOC, "2026-05-01 10:00", "2026-05-01 11:00",
                 KB_AUDIENCE_NAMED);
  act (db, "N1003");
  {
    gint64 who = op (db, "N1003");
    KbAttendanceMark m = KB_MARK_PRESENT;

    g_assert_false (kb_training_invite (db, id, &who, 1, NULL, NULL, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_false (kb_training_invite_audience (db, id, 0, NULL, NULL, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_false (kb_training_mark (db, id, &who, &m, 1, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_false (kb_training_cancel (db, id, "理由", &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
  }
}

/* --- invitations ------------------------------------------------------------- */

static void
test_invite (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) attendees = NULL;
  g_autoptr(KbTraining) t = NULL;
  gint64 ops, admins, named;
  guint n_invited = 99, n_already = 99;
  gint64 entries;

  act (db, "N1002");
  ops = schedule (db, "年度当初研修", KB_TRAINING_FISCAL_YEAR, "2027-05-10 10:00",
                  "2027-05-10 12:00", KB_AUDIENCE_OPERATORS);

  /* One division first: the operators of 健康福祉政策課 (N3002, N3003, N3004). */
  g_assert_true (kb_training_invite_audience (db, ops, division_of (db, "N3001"), &n_invited,
                                              &n_already, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_invited, ==, 3);
  g_assert_cmpuint (n_already, ==, 0);

  /* Then everyone: the seven with the operator role, three already in. */
  g_assert_true (kb_training_invite_audience (db, ops, 0, &n_invited, &n_already, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_invited, ==, 4);
  g_assert_cmpuint (n_already, ==, 3);
  g_assert_cmpint (journal_count (db, "attendance.invite"), ==, 7);

  attendees = kb_training_attendees (db, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (attendees), ==, 7);
  {
    g_autoptr(KbAttendee) first = g_list_model_get_item (attendees, 0);
    g_autoptr(KbAttendee) last = g_list_model_get_item (attendees, 6);

    /* By division, then staff number. */
    g_assert_cmpstr (kb_attendee_get_staff_number (first), ==, "N1003");
    g_assert_cmpstr (kb_attendee_get_name (first), ==, "小林 健太");
    g_assert_cmpstr (kb_attendee_get_division_name (first), ==, "市町村課");
    g_assert_cmpint (kb_attendee_get_mark (first), ==, KB_MARK_NONE);
    g_assert_cmpint (kb_attendee_get_marked_at (first), ==, 0);
    g_assert_cmpstr (kb_attendee_get_staff_number (last), ==, "N3004");
  }
  t = kb_training_get (db, ops, &error);
  g_assert_cmpuint (kb_training_get_n_invited (t), ==, 7);
  g_assert_cmpuint (kb_training_get_n_unmarked (t), ==, 7);
  g_assert_cmpuint (kb_training_get_n_attended (t), ==, 0);
  g_clear_object (&t);

  /* Administrators: officers, the network administrator, supervisors. */
  admins = schedule (db, "管理者研修", KB_TRAINING_FISCAL_YEAR, "2027-05-11 10:00",
                     "2027-05-11 12:00", KB_AUDIENCE_ADMINISTRATORS);
  g_assert_true (kb_training_invite_audience (db, admins, 0, &n_invited, &n_already, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_invited, ==, 4);   /* N1001, N1002, N2001, N3001 */

  /* Named people: by hand (a duplicate counts once), or a whole division. */
  named = schedule (db, "臨時研修", KB_TRAINING_AD_HOC, "2027-05-12 10:00",
                    "2027-05-12 12:00", KB_AUDIENCE_NAMED);
  entries = kb_test_journal_length (db);
  g_assert_false (kb_training_invite_audience (db, named, 0, NULL, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  {
    gint64 ids[] = { op (db, "N1003"), op (db, "N2003"), op (db, "N1003") };

    g_assert_true (kb_training_invite (db, named, ids, G_N_ELEMENTS (ids), &n_invited,
                                       &n_already, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_invited, ==, 2);
    g_assert_cmpuint (n_already, ==, 0);
  }
  g_assert_true (kb_training_invite_audience (db, named, division_of (db, "N2001"), &n_invited,
                                              &n_already, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_invited, ==, 2);   /* N2001, N2002; N2003 already */
  g_assert_cmpuint (n_already, ==, 1);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 4);

  /* A retired operator, or nobody: refused, and nobody else invited. */
  act (db, "N1001");
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N3002"), FALSE, "異動", &error));
  g_assert_no_error (error);
  act (db, "N1002");
  entries = kb_test_journal_length (db);
  {
    gint64 ids[] = { op (db, "N1004"), op (db, "N3002") };
    gint64 nobody = 4242;

    g_assert_false (kb_training_invite (db, named, ids, 2, NULL, NULL, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_false (kb_training_invite (db, named, &nobody, 1, NULL, NULL, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
    g_assert_false (kb_training_invite (db, 4242, ids, 1, NULL, NULL, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
}

/* --- marking ---------------------------------------------------------------- */

static void
test_mark (Fixture       *fixture,
           gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbTraining) t = NULL;
  gint64 id, entries, att;
  gint64 room[3];
  KbAttendanceMark marks[3] = { KB_MARK_PRESENT, KB_MARK_LATE, KB_MARK_ABSENT };

  act (db, "N1002");
  id = schedule (db, "年度当初研修", KB_TRAINING_FISCAL_YEAR, "2027-05-10 10:00",
                 "2027-05-10 12:00", KB_AUDIENCE_OPERATORS);
  room[0] = op (db, "N1003");
  room[1] = op (db, "N1004");
  room[2] = op (db, "N2002");
  g_assert_true (kb_training_invite (db, id, room, 3, NULL, NULL, &error));
  g_assert_no_error (error);
  entries = kb_test_journal_length (db);

  /* Not started yet. */
  kb_training_set_clock (unix_of ("2027-05-10 09:59"));
  g_assert_false (kb_training_mark (db, id, room, marks, 3, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  /* From its start on. Someone not invited spoils the whole room. */
  kb_training_set_clock (unix_of ("2027-05-10 10:00"));
  {
    gint64 with_stranger[] = { room[0], op (db, "N3003") };
    KbAttendanceMark two[] = { KB_MARK_PRESENT, KB_MARK_PRESENT };

    g_assert_false (kb_training_mark (db, id, with_stranger, two, 2, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "N3003"));
    g_clear_error (&error);
  }
  {
    KbAttendanceMark none[] = { KB_MARK_PRESENT, KB_MARK_NONE, KB_MARK_ABSENT };

    g_assert_false (kb_training_mark (db, id, room, none, 3, &error));
    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
    g_clear_error (&error);
  }
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM attendance WHERE mark IS NOT NULL"),
                   ==, 0);

  /* The whole room at once: three marks, and the session is held. */
  kb_training_set_clock (unix_of ("2027-05-10 12:05"));
  g_assert_true (kb_training_mark (db, id, room, marks, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (journal_count (db, "attendance.mark"), ==, 3);
  g_assert_cmpint (journal_count (db, "training.status"), ==, 1);
  t = kb_training_get (db, id, &error);
  g_assert_cmpint (kb_training_get_status (t), ==, KB_SESSION_HELD);
  g_assert_cmpuint (kb_training_get_n_attended (t), ==, 2);
  g_assert_cmpuint (kb_training_get_n_unmarked (t), ==, 0);
  g_clear_object (&t);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM attendance"
                                      " WHERE marked_at IS NOT NULL AND marked_by IS NOT NULL"),
                   ==, 3);

  /* The same marks again: nothing new. A changed mark: a new entry that
   * names the earlier one. */
  entries = kb_test_journal_length (db);
  g_assert_true (kb_training_mark (db, id, room, marks, 3, &error));
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
  mark (db, id, "N2002", KB_MARK_EXCUSED);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 1);
  att = kb_test_count (db, "SELECT a.id FROM attendance a JOIN operators o ON o.id = a.operator_id"
                           " WHERE o.staff_number = 'N2002'");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal WHERE kind ="
                                            " 'attendance.mark' AND entity = 'attendance'"
                                            " AND entity_id = %" G_GINT64_FORMAT
                                            " AND detail LIKE '%%\"previous\":\"absent\"%%'", att);
    g_assert_cmpint (kb_test_count (db, sql), ==, 1);
  }
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM attendance WHERE mark = 'excused'"),
                   ==, 1);

  /* Corrected so that nobody attended: planned again, journaled. */
  {
    KbAttendanceMark absent[] = { KB_MARK_ABSENT, KB_MARK_ABSENT };

    g_assert_true (kb_training_mark (db, id, room, absent, 2, &error));
    g_assert_no_error (error);
  }
  t = kb_training_get (db, id, &error);
  g_assert_cmpint (kb_training_get_status (t), ==, KB_SESSION_PLANNED);
  g_assert_cmpint (journal_count (db, "training.status"), ==, 2);
}

/* --- status ---------------------------------------------------------------- */

static KbTrainingStatus *
status_of (KbDb       *db,
           const char *staff,
           const char *today)
{
  g_autoptr(GError) error = NULL;
  KbTrainingStatus *s = kb_training_status_of (db, op (db, staff), today, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static void
test_status (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  KbTrainingStatus *s;
  gint64 cancelled;

  act (db, "N1002");
  /* N1003: first use, and FY2026 present. N1004: late to both.
   * N2002: first use; excused at FY2026. N3002: absent at first use;
   * FY2025's training only. N3003: FY2026 at an ad-hoc session only.
   * N3004: in a session that was later cancelled… */
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N1003", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FISCAL_YEAR, "2026-04-20", "N1003", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N1004", KB_MARK_LATE);
  held (db, KB_TRAINING_FISCAL_YEAR, "2027-03-31", "N1004", KB_MARK_LATE);
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N2002", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FISCAL_YEAR, "2026-04-20", "N2002", KB_MARK_EXCUSED);
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N3002", KB_MARK_ABSENT);
  held (db, KB_TRAINING_FISCAL_YEAR, "2026-03-31", "N3002", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N3003", KB_MARK_PRESENT);
  held (db, KB_TRAINING_AD_HOC, "2026-05-01", "N3003", KB_MARK_PRESENT);
  /* …never marked, since it could not be. */
  cancelled = schedule (db, "研修", KB_TRAINING_FIRST_USE, "2026-05-01 10:00",
                        "2026-05-01 12:00", KB_AUDIENCE_NAMED);
  invite (db, cancelled, "N3004");
  g_assert_true (kb_training_cancel (db, cancelled, "中止", &error));
  g_assert_no_error (error);

  s = status_of (db, "N1003", "2026-11-26");
  g_assert_true (s->first_use_done);
  g_assert_cmpint (s->first_use_at, ==, unix_of ("2024-04-05 10:00"));
  g_assert_true (s->this_year_done);
  g_assert_cmpint (s->this_year_at, ==, unix_of ("2026-04-20 10:00"));
  g_assert_true (s->invited_this_year);
  g_assert_false (s->overdue);
  g_assert_cmpstr (s->staff_number, ==, "N1003");
  g_assert_cmpstr (s->division_name, ==, "市町村課");
  kb_training_status_free (s);

  /* Late counts, on the last day of the fiscal year too. */
  s = status_of (db, "N1004", "2027-03-31");
  g_assert_true (s->first_use_done);
  g_assert_true (s->this_year_done);
  g_assert_false (s->overdue);
  kb_training_status_free (s);
  /* The next day is another fiscal year. */
  s = status_of (db, "N1004", "2027-04-01");
  g_assert_false (s->this_year_done);
  g_assert_false (s->invited_this_year);
  g_assert_false (s->overdue);   /* within the grace period */
  kb_training_status_free (s);

  /* Excused does not count: overdue after 30 June, not on it. */
  s = status_of (db, "N2002", "2026-06-30");
  g_assert_false (s->this_year_done);
  g_assert_true (s->invited_this_year);
  g_assert_false (s->overdue);
  kb_training_status_free (s);
  s = status_of (db, "N2002", "2026-07-01");
  g_assert_true (s->overdue);
  kb_training_status_free (s);

  /* Absent does not count; the previous fiscal year's training does not. */
  s = status_of (db, "N3002", "2026-04-02");
  g_assert_false (s->first_use_done);
  g_assert_false (s->this_year_done);
  g_assert_true (s->overdue);
  kb_training_status_free (s);
  s = status_of (db, "N3002", "2026-03-31");
  g_assert_true (s->this_year_done);
  kb_training_status_free (s);

  /* An ad-hoc session is not the fiscal year's. */
  s = status_of (db, "N3003", "2026-07-01");
  g_assert_true (s->first_use_done);
  g_assert_false (s->this_year_done);
  g_assert_true (s->overdue);
  kb_training_status_free (s);

  /* A cancelled session counts for nothing. */
  s = status_of (db, "N3004", "2026-04-10");
  g_assert_false (s->first_use_done);
  g_assert_true (s->overdue);
  kb_training_status_free (s);

  /* Without the operator role, nobody is overdue. */
  s = status_of (db, "N2003", "2026-11-26");
  g_assert_false (s->first_use_done);
  g_assert_false (s->overdue);
  kb_training_status_free (s);

  /* A date that is not one. */
  g_assert_null (kb_training_status_of (db, op (db, "N1003"), "2026-02-30", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (kb_training_status_of (db, 4242, "2026-11-26", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
}

static gboolean
has_staff (GPtrArray  *list,
           const char *staff)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((KbTrainingStatus *) g_ptr_array_index (list, i))->staff_number, staff))
      return TRUE;
  return FALSE;
}

static void
test_overdue_list (Fixture       *fixture,
                   gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) overdue = NULL;
  g_autoptr(GPtrArray) div3 = NULL;
  static const char * const trained[] = { "N1003", "N1004", "N1005", "N3002" };

  act (db, "N1002");
  for (guint i = 0; i < G_N_ELEMENTS (trained); i++)
    {
      held (db, KB_TRAINING_FIRST_USE, "2024-04-05", trained[i], KB_MARK_PRESENT);
      held (db, KB_TRAINING_FISCAL_YEAR, "2026-04-20", trained[i], KB_MARK_PRESENT);
    }
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N3003", KB_MARK_PRESENT);

  all = kb_training_status_list (db, 0, FALSE, "2026-11-26", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 12);
  /* By division, then staff number. */
  g_assert_cmpstr (((KbTrainingStatus *) all->pdata[0])->staff_number, ==, "N1001");
  g_assert_cmpstr (((KbTrainingStatus *) all->pdata[11])->staff_number, ==, "N3004");

  /* Overdue: N2002 (nothing), N3003 (no FY2026), N3004 (nothing). */
  overdue = kb_training_status_list (db, 0, TRUE, "2026-11-26", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (overdue->len, ==, 3);
  g_assert_true (has_staff (overdue, "N2002"));
  g_assert_true (has_staff (overdue, "N3003"));
  g_assert_true (has_staff (overdue, "N3004"));
  g_clear_pointer (&overdue, g_ptr_array_unref);

  div3 = kb_training_status_list (db, division_of (db, "N3001"), TRUE, "2026-11-26", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (div3->len, ==, 2);
  g_assert_false (has_staff (div3, "N2002"));

  /* Before the grace date only a missing first use is overdue. */
  overdue = kb_training_status_list (db, 0, TRUE, "2026-05-01", &error);
  g_assert_cmpuint (overdue->len, ==, 2);
  g_assert_false (has_staff (overdue, "N3003"));
  g_clear_pointer (&overdue, g_ptr_array_unref);

  /* Who may read: a supervisor their division; a clerk only themselves;
   * an auditor everyone. */
  act (db, "N3001");
  overdue = kb_training_status_list (db, 0, TRUE, "2026-11-26", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (overdue->len, ==, 2);
  g_clear_pointer (&overdue, g_ptr_array_unref);
  g_assert_null (kb_training_status_list (db, division_of (db, "N1001"), FALSE, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N3003");
  overdue = kb_training_status_list (db, 0, FALSE, "2026-11-26", &error);
  g_assert_cmpuint (overdue->len, ==, 1);
  g_assert_true (has_staff (overdue, "N3003"));
  g_clear_pointer (&overdue, g_ptr_array_unref);
  g_assert_null (kb_training_status_of (db, op (db, "N3004"), NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  act (db, "N2003");
  overdue = kb_training_status_list (db, 0, TRUE, "2026-11-26", &error);
  g_assert_cmpuint (overdue->len, ==, 3);
}

/* --- policy and enforcement -------------------------------------------------- */

static void
test_policy (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  KbTrainingPolicy policy = { 0 };
  KbTrainingPolicy bad = { KB_TRAINING_POLICY_REFUSE, 2, 30 };
  gint64 entries;

  /* Absent: warn, 30 June. */
  g_assert_true (kb_training_get_policy (db, &policy, &error));
  g_assert_cmpint (policy.mode, ==, KB_TRAINING_POLICY_WARN);
  g_assert_cmpint (policy.grace_month, ==, 6);
  g_assert_cmpint (policy.grace_day, ==, 30);

  act (db, "N1001");
  entries = kb_test_journal_length (db);
  g_assert_false (kb_training_set_policy (db, &bad, &error));
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_GRACE);
  g_clear_error (&error);
  bad.grace_month = 13;
  bad.grace_day = 1;
  g_assert_false (kb_training_set_policy (db, &bad, &error));
  g_clear_error (&error);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);

  /* Setting the default changes nothing; each change is a setting entry. */
  set_policy (db, KB_TRAINING_POLICY_WARN, 6, 30);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries);
  set_policy (db, KB_TRAINING_POLICY_REFUSE, 6, 30);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 1);
  set_policy (db, KB_TRAINING_POLICY_REFUSE, 2, 29);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 2);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM journal WHERE entity = 'setting'"
                                      " AND state LIKE '%training-grace%02-29%'"), ==, 1);
  g_assert_true (kb_training_get_policy (db, &policy, &error));
  g_assert_cmpint (policy.mode, ==, KB_TRAINING_POLICY_REFUSE);
  g_assert_cmpint (policy.grace_month, ==, 2);
  g_assert_cmpint (policy.grace_day, ==, 29);

  /* A malformed setting fails closed. */
  {
    sqlite3 *raw = kb_test_raw_open (fixture->path);

    kb_test_raw_exec (raw, "UPDATE settings SET value = 'maybe' WHERE key = 'training-policy'");
    sqlite3_close (raw);
  }
  g_assert_false (kb_training_get_policy (db, &policy, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (kb_training_check_sign_in (db, op (db, "N1003"), "2026-11-26", NULL, &error));
  g_assert_nonnull (error);
  /* Put back, so that the journal verifies. */
  {
    sqlite3 *raw = kb_test_raw_open (fixture->path);

    kb_test_raw_exec (raw, "UPDATE settings SET value = 'refuse' WHERE key = 'training-policy'");
    sqlite3_close (raw);
  }
}

typedef struct {
  const char          *name;
  KbTrainingPolicyMode mode;
  const char          *today;
  const char          *staff;
  gboolean             allowed;
  const char          *warning;   /* a part of it, or NULL for none */
  const char          *missing;   /* of the refusal's journal entry */
} EnforceCase;

/* N1003 has everything; N1004 first use only; N3003 nothing; N2003 is no
 * operator. */
static const EnforceCase enforce_cases[] = {
  { "off/after/nothing", KB_TRAINING_POLICY_OFF, "2026-11-26", "N3003", TRUE, NULL, NULL },
  { "warn/after/trained", KB_TRAINING_POLICY_WARN, "2026-11-26", "N1003", TRUE, NULL, NULL },
  { "warn/before/year", KB_TRAINING_POLICY_WARN, "2026-06-30", "N1004", TRUE, "FY2026", NULL },
  { "warn/after/year", KB_TRAINING_POLICY_WARN, "2026-07-01", "N1004", TRUE, "overdue", NULL },
  { "warn/before/first-use", KB_TRAINING_POLICY_WARN, "2026-04-01", "N3003", TRUE,
    "first use", NULL },
  { "refuse/after/trained", KB_TRAINING_POLICY_REFUSE, "2026-11-26", "N1003", TRUE, NULL, NULL },
  { "refuse/before/year", KB_TRAINING_POLICY_REFUSE, "2026-06-30", "N1004", TRUE, "1 July",
    NULL },
  { "refuse/after/year", KB_TRAINING_POLICY_REFUSE, "2026-07-01", "N1004", FALSE, NULL,
    "fiscal-year" },
  { "refuse/before/first-use", KB_TRAINING_POLICY_REFUSE, "2026-04-01", "N3003", FALSE, NULL,
    "first-use,fiscal-year" },
  { "refuse/after/not-operator", KB_TRAINING_POLICY_REFUSE, "2026-11-26", "N2003", TRUE, NULL,
    NULL },
  { "refuse/march/year", KB_TRAINING_POLICY_REFUSE, "2027-03-31", "N1004", FALSE, NULL,
    "fiscal-year" },
  { "refuse/april/new-year", KB_TRAINING_POLICY_REFUSE, "2027-04-01", "N1003", TRUE, "FY2027",
    NULL },
};

static void
test_enforce (Fixture       *fixture,
              gconstpointer  data)
{
  const EnforceCase *c = data;
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  gint64 entries, who = op (db, c->staff);
  gboolean ok;

  act (db, "N1002");
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N1003", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FISCAL_YEAR, "2026-04-20", "N1003", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N1004", KB_MARK_PRESENT);
  act (db, "N1001");
  set_policy (db, c->mode, 6, 30);

  /* The sign-in runs as nobody yet, as the session's job does. */
  act (db, NULL);
  entries = kb_test_journal_length (db);
  ok = kb_training_check_sign_in (db, who, c->today, &warning, &error);

  if (c->allowed)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpint (kb_test_journal_length (db), ==, entries);
      if (c->warning == NULL)
        g_assert_null (warning);
      else
        {
          g_assert_nonnull (warning);
          g_assert_nonnull (strstr (warning, c->warning));
        }
      return;
    }

  g_assert_false (ok);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "ask a trainer or the security officer"));
  g_assert_null (warning);
  g_assert_cmpint (kb_test_journal_length (db), ==, entries + 1);
  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT count (*) FROM journal WHERE kind = 'signin.training-refused'"
      " AND entity = 'operator' AND entity_id = %" G_GINT64_FORMAT
      " AND actor = %" G_GINT64_FORMAT " AND detail LIKE '%%\"missing\":\"%s\"%%'",
      who, who, c->missing);
    g_assert_cmpint (kb_test_count (db, sql), ==, 1);
  }
  /* The actor is put back. */
  g_assert_cmpint (kb_db_get_actor (db), ==, 0);
}

/* --- reminders ----------------------------------------------------------------- */

static void
test_reminders (Fixture       *fixture,
                gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  KbTrainingReminders r;
  gint64 soon, cancelled;

  act (db, "N1002");
  held (db, KB_TRAINING_FIRST_USE, "2024-04-05", "N1003", KB_MARK_PRESENT);
  held (db, KB_TRAINING_FISCAL_YEAR, "2026-04-20", "N1003", KB_MARK_PRESENT);
  soon = schedule (db, "追加研修", KB_TRAINING_FISCAL_YEAR, "2026-12-03 10:00",
                   "2026-12-03 12:00", KB_AUDIENCE_NAMED);
  invite (db, soon, "N2002");
  schedule (db, "遠い研修", KB_TRAINING_AD_HOC, "2026-12-24 10:00", "2026-12-24 12:00",
            KB_AUDIENCE_NAMED);
  cancelled = schedule (db, "中止研修", KB_TRAINING_AD_HOC, "2026-11-30 10:00",
                        "2026-11-30 12:00", KB_AUDIENCE_NAMED);
  g_assert_true (kb_training_cancel (db, cancelled, "会場の都合", &error));
  g_assert_no_error (error);

  act (db, "N1001");
  g_assert_true (kb_training_reminders (db, "2026-11-26", &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.upcoming->len, ==, 1);
  g_assert_cmpint (kb_training_get_id (g_ptr_array_index (r.upcoming, 0)), ==, soon);
  /* Seven operators; N1003 and N2002 invited to FY2026's training. */
  g_assert_cmpuint (r.n_not_invited, ==, 5);
  /* Everyone but N1003 lacks the first use. */
  g_assert_cmpuint (r.n_overdue, ==, 6);
  kb_training_reminders_clear (&r);
  g_assert_null (r.upcoming);

  /* Fourteen days ahead, the Christmas session comes into view. */
  act (db, "N1002");
  g_assert_true (kb_training_reminders (db, "2026-12-10", &r, &error));
  g_assert_cmpuint (r.upcoming->len, ==, 1);
  g_assert_cmpint (kb_training_get_starts_at (g_ptr_array_index (r.upcoming, 0)), ==,
                   unix_of ("2026-12-24 10:00"));
  kb_training_reminders_clear (&r);
}

/* --- the demo ------------------------------------------------------------------ */

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 11, 26, 9, 0, 0);
  g_autofree char *warning = NULL;
  static const char * const allowed[] = { "N1001", "N1002", "N1003", "N2001", "N3001",
                                          "N1004", "N3002" };
  static const char * const refused[] = { "N2002", "N3003" };
  KbTrainingReminders r;

  g_assert_true (kb_demo_seed_training (db, now, &error));
  g_assert_no_error (error);
  assert_verified (db);

  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM trainings WHERE status = 'held'"),
                   ==, 4);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM attendance WHERE mark IS NULL"),
                   ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_assert_true (kb_training_check_sign_in (db, op (db, allowed[i]), "2026-11-26",
                                                &warning, &error));
      g_assert_no_error (error);
      g_assert_null (warning);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (kb_training_check_sign_in (db, op (db, refused[i]), "2026-11-26",
                                                 &warning, &error));
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
    }

  act (db, "N1002");
  g_assert_true (kb_training_reminders (db, "2026-11-26", &r, &error));
  g_assert_cmpuint (r.upcoming->len, ==, 1);
  g_assert_cmpuint (r.n_overdue, ==, 2);
  kb_training_reminders_clear (&r);

  /* Only into an empty register. */
  act (db, NULL);
  g_assert_false (kb_demo_seed_training (db, now, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tzset ();
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup_demo, func, teardown)

  g_test_add_func ("/training/fiscal-year", test_fiscal_year);
  ADD ("/training/schedule", test_schedule);
  ADD ("/training/amend-cancel", test_amend_cancel);
  ADD ("/training/roles", test_roles);
  ADD ("/training/invite", test_invite);
  ADD ("/training/mark", test_mark);
  ADD ("/training/status", test_status);
  ADD ("/training/overdue-list", test_overdue_list);
  ADD ("/training/policy", test_policy);
  ADD ("/training/reminders", test_reminders);
  ADD ("/training/demo", test_demo);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/training/bad-field/%s", bad_cases[i].name);

      g_test_add (path, Fixture, &bad_cases[i], setup_demo, test_bad_field, teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (enforce_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/training/enforce/%s", enforce_cases[i].name);

      g_test_add (path, Fixture, &enforce_cases[i], setup_demo, test_enforce, teardown);
    }

  return g_test_run ();
}
