/* kb-training.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training sessions, invitations and attendance, each operator's status
 * derived from attendance, and the check at sign-in. Every row change is
 * journaled in the same transaction; a refused change changes nothing.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-era.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-settings.h"
#include "kb-training.h"

#define SETTING_POLICY "training-policy"
#define SETTING_GRACE  "training-grace"

/* Longest session accepted: a training day. */
#define MAX_SESSION_SECONDS (24 * 60 * 60)

static gint64 fixed_now;

/**
 * kb_training_set_clock:
 * @now: Unix seconds taken as "now", or 0 for the real clock
 *
 * For the demo office (which records last spring's sessions) and tests.
 * Not thread-safe: set it only on the thread that owns the connection,
 * and set it back.
 */
void
kb_training_set_clock (gint64 now)
{
  fixed_now = now;
}

static gint64
training_now (void)
{
  return fixed_now != 0 ? fixed_now : g_get_real_time () / G_USEC_PER_SEC;
}

/* --- fiscal years ----------------------------------------------------------- */

int
kb_fiscal_year_of (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  return g_date_get_month (date) >= G_DATE_APRIL ? g_date_get_year (date)
                                                 : g_date_get_year (date) - 1;
}

void
kb_fiscal_year_bounds (int    fy,
                       GDate *first,
                       GDate *last)
{
  if (first != NULL)
    {
      g_date_clear (first, 1);
      g_date_set_dmy (first, 1, G_DATE_APRIL, fy);
    }
  if (last != NULL)
    {
      g_date_clear (last, 1);
      g_date_set_dmy (last, 31, G_DATE_MARCH, fy + 1);
    }
}

void
kb_fiscal_year_grace (int    fy,
                      int    grace_month,
                      int    grace_day,
                      GDate *grace)
{
  int year;
  int last_day;

  g_return_if_fail (grace != NULL);
  g_return_if_fail (grace_month >= 1 && grace_month <= 12);

  year = grace_month >= 4 ? fy : fy + 1;
  last_day = g_date_get_days_in_month (grace_month, year);
  grace_day = CLAMP (grace_day, 1, last_day);
  g_date_clear (grace, 1);
  g_date_set_dmy (grace, grace_day, grace_month, year);
}

/**
 * kb_fiscal_year_label:
 * @era: write the year in the Japanese era ("令和8年度")
 *
 * Returns: (transfer full): "FY2026" (translated: "2026年度"), or the era form
 */
char *
kb_fiscal_year_label (int      fy,
                      gboolean era)
{
  if (era)
    {
      /* A fiscal year is written in the era of its May: 2019's (which began
       * a month before Reiwa) is 令和元年度, as the government writes it. */
      g_autofree char *month = kb_era_format_month (fy, 5);
      gsize len = strlen (month);

      if (len > strlen ("5月") && g_str_has_suffix (month, "5月"))
        {
          month[len - strlen ("5月")] = '\0';
          /* "令和8年" + "度" */
          return g_strconcat (month, "度", NULL);
        }
    }
  /* TRANSLATORS: a fiscal year (April to March) named by the year it starts in */
  return g_strdup_printf (_("FY%d"), fy);
}

/* --- enumerations ----------------------------------------------------------- */

static const char * const kind_strings[] = { "first-use", "fiscal-year", "ad-hoc" };
static const char * const audience_strings[] = { "operators", "administrators", "named" };
static const char * const status_strings[] = { "planned", "held", "cancelled" };
static const char * const mark_strings[] = { NULL, "present", "late", "excused", "absent" };

static int
lookup (const char * const *strings,
        guint               n,
        const char         *value,
        int                 fallback)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (strings[i], value) == 0)
      return (int) i;
  return fallback;
}

const char *
kb_training_kind_to_string (KbTrainingKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), NULL);
  return kind_strings[kind];
}

const char *
kb_training_kind_get_label (KbTrainingKind kind)
{
  switch (kind)
    {
    case KB_TRAINING_FIRST_USE:
      return _("Before first use");
    case KB_TRAINING_FISCAL_YEAR:
      return _("Fiscal-year start");
    case KB_TRAINING_AD_HOC:
      return _("Ad hoc");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_training_audience_get_label (KbTrainingAudience audience)
{
  switch (audience)
    {
    case KB_AUDIENCE_OPERATORS:
      return _("Operators");
    case KB_AUDIENCE_ADMINISTRATORS:
      return _("Administrators");
    case KB_AUDIENCE_NAMED:
      return _("Named people");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_session_status_get_label (KbSessionStatus status)
{
  switch (status)
    {
    case KB_SESSION_PLANNED:
      return _("Planned");
    case KB_SESSION_HELD:
      return _("Held");
    case KB_SESSION_CANCELLED:
      return C_("training session", "Cancelled");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_attendance_mark_to_string (KbAttendanceMark mark)
{
  g_return_val_if_fail ((guint) mark < G_N_ELEMENTS (mark_strings), NULL);
  return mark_strings[mark];
}

const char *
kb_attendance_mark_get_label (KbAttendanceMark mark)
{
  switch (mark)
    {
    case KB_MARK_NONE:
      return _("Not marked");
    case KB_MARK_PRESENT:
      return _("Present");
    case KB_MARK_LATE:
      return _("Late");
    case KB_MARK_EXCUSED:
      return _("Excused");
    case KB_MARK_ABSENT:
      return _("Absent");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
kb_attendance_mark_counts (KbAttendanceMark mark)
{
  return mark == KB_MARK_PRESENT || mark == KB_MARK_LATE;
}

/* --- KbTraining --------------------------------------------------------------- */

struct _KbTraining {
  GObject parent_instance;
  gint64 id;
  char *title;
  KbTrainingKind kind;
  int fiscal_year;
  gint64 starts_at;
  gint64 ends_at;
  char *place;
  gint64 trainer_id;
  char *trainer_name;
  KbTrainingAudience audience;
  char *materials;
  KbSessionStatus status;
  guint n_invited;
  guint n_attended;
  guint n_unmarked;
};

G_DEFINE_FINAL_TYPE (KbTraining, kb_training, G_TYPE_OBJECT)

static void
kb_training_finalize (GObject *object)
{
  KbTraining *self = KB_TRAINING (object);

  g_free (self->title);
  g_free (self->place);
  g_free (self->trainer_name);
  g_free (self->materials);
  G_OBJECT_CLASS (kb_training_parent_class)->finalize (object);
}

static void
kb_training_class_init (KbTrainingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_training_finalize;
}

static void
kb_training_init (KbTraining *self)
{
}

gint64             kb_training_get_id           (KbTraining *self) { return self->id; }
const char        *kb_training_get_title        (KbTraining *self) { return self->title; }
KbTrainingKind     kb_training_get_kind         (KbTraining *self) { return self->kind; }
int                kb_training_get_fiscal_year  (KbTraining *self) { return self->fiscal_year; }
gint64             kb_training_get_starts_at    (KbTraining *self) { return self->starts_at; }
gint64             kb_training_get_ends_at      (KbTraining *self) { return self->ends_at; }
const char        *kb_training_get_place        (KbTraining *self) { return self->place; }
gint64             kb_training_get_trainer_id   (KbTraining *self) { return self->trainer_id; }
const char        *kb_training_get_trainer_name (KbTraining *self) { return self->trainer_name; }
KbTrainingAudience kb_training_get_audience     (KbTraining *self) { return self->audience; }
const char        *kb_training_get_materials    (KbTraining *self) { return self->materials; }
KbSessionStatus    kb_training_get_status       (KbTraining *self) { return self->status; }
guint              kb_training_get_n_invited    (KbTraining *self) { return self->n_invited; }
guint              kb_training_get_n_attended   (KbTraining *self) { return self->n_attended; }
guint              kb_training_get_n_unmarked   (KbTraining *self) { return self->n_unmarked; }

#define TRAINING_COLUMNS \
  "t.id, t.title, t.kind, t.fiscal_year, t.starts_at, t.ends_at, t.place, t.trainer_id," \
  " o.name, t.audience, t.materials, t.status," \
  " (SELECT count (*) FROM attendance a WHERE a.training_id = t.id)," \
  " (SELECT count (*) FROM attendance a WHERE a.training_id = t.id" \
  "   AND a.mark IN ('present', 'late'))," \
  " (SELECT count (*) FROM attendance a WHERE a.training_id = t.id AND a.mark IS NULL)" \
  " FROM trainings t JOIN operators o ON o.id = t.trainer_id"

static char *
dup_col (sqlite3_stmt *stmt,
         int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return g_strdup (text != NULL ? text : "");
}

static KbTraining *
training_from_row (sqlite3_stmt *stmt)
{
  KbTraining *self = g_object_new (KB_TYPE_TRAINING, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->title = dup_col (stmt, 1);
  self->kind = lookup (kind_strings, G_N_ELEMENTS (kind_strings),
                       (const char *) sqlite3_column_text (stmt, 2), KB_TRAINING_AD_HOC);
  self->fiscal_year = sqlite3_column_int (stmt, 3);
  self->starts_at = sqlite3_column_int64 (stmt, 4);
  self->ends_at = sqlite3_column_int64 (stmt, 5);
  self->place = dup_col (stmt, 6);
  self->trainer_id = sqlite3_column_int64 (stmt, 7);
  self->trainer_name = dup_col (stmt, 8);
  self->audience = lookup (audience_strings, G_N_ELEMENTS (audience_strings),
                           (const char *) sqlite3_column_text (stmt, 9), KB_AUDIENCE_NAMED);
  self->materials = dup_col (stmt, 10);
  self->status = lookup (status_strings, G_N_ELEMENTS (status_strings),
                         (const char *) sqlite3_column_text (stmt, 11), KB_SESSION_PLANNED);
  self->n_invited = sqlite3_column_int (stmt, 12);
  self->n_attended = sqlite3_column_int (stmt, 13);
  self->n_unmarked = sqlite3_column_int (stmt, 14);
  return self;
}

/**
 * kb_training_list:
 *
 * Returns: (transfer full) (nullable): a #GListModel of #KbTraining
 */
GListModel *
kb_training_list (KbDb    *db,
                  gint64   from,
                  gint64   to,
                  GError **error)
{
  g_autoptr(GListStore) store = g_list_store_new (KB_TYPE_TRAINING);
  sqlite3_stmt *stmt;
  int rc;

  stmt = kb_db_prepare (db, "SELECT " TRAINING_COLUMNS
                            " WHERE (?1 = 0 OR t.ends_at > ?1) AND (?2 = 0 OR t.starts_at < ?2)"
                            " ORDER BY t.starts_at, t.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbTraining) training = training_from_row (stmt);
      g_list_store_append (store, training);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the training sessions"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * kb_training_get:
 *
 * Returns: (transfer full) (nullable): the session, or %NULL with
 *   %KB_STORE_ERROR_NOT_FOUND
 */
KbTraining *
kb_training_get (KbDb    *db,
                 gint64   id,
                 GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT " TRAINING_COLUMNS " WHERE t.id = ?1", error);
  KbTraining *training = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    training = training_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("Training session %" PRId64 " does not exist"), id);
  else
    kb_db_set_error (db, error, _("Cannot read the training sessions"));
  sqlite3_reset (stmt);
  return training;
}

/* --- helpers -------------------------------------------------------------- */

/* The acting operator's roles; the system (the command line, the demo)
 * may do everything. */
static gboolean
require_keeper (KbDb    *db,
                GError **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gboolean ok;

  if (actor == 0)
    return TRUE;
  stmt = kb_db_prepare (db, "SELECT roles, active FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor);
  ok = sqlite3_step (stmt) == SQLITE_ROW &&
       (sqlite3_column_int (stmt, 0) & KB_ROLES_TRAINING_KEEPERS) != 0 &&
       sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);
  if (!ok)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                 _("Only a trainer or a security officer can do this"));
  return ok;
}

static char *
reason_detail (const char *key,
               const char *value)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  KbCanon canon;

  if (value == NULL || value[0] == '\0')
    return NULL;
  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, key, value);
  kb_canon_finish (&canon);
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

/* "YYYY-MM-DD HH:MM" in local time → Unix seconds; 0 when malformed. */
static gint64
parse_local_minute (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, mo, d, h, mi;
  char tail;

  if (text == NULL)
    return 0;
  while (g_ascii_isspace (*text))
    text++;
  if (sscanf (text, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5)
    return 0;
  if (!g_date_valid_dmy (d, mo, y) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      y < 2000 || y > 2998)
    return 0;
  dt = g_date_time_new_local (y, mo, d, h, mi, 0);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

/* @today 'YYYY-MM-DD', or the local date of the clock. */
static gboolean
parse_today (const char  *today,
             GDate       *date,
             GError     **error)
{
  int y, m, d;
  char tail;

  g_date_clear (date, 1);
  if (today == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (training_now ());

      g_date_time_get_ymd (now, &y, &m, &d);
      g_date_set_dmy (date, d, m, y);
      return TRUE;
    }
  if (sscanf (today, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                   _("“%s” is not a date (YYYY-MM-DD)"), today);
      return FALSE;
    }
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

/* Local midnight at the start of @date, Unix seconds. */
static gint64
date_start (const GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (date),
                                                   g_date_get_month (date),
                                                   g_date_get_day (date), 0, 0, 0);
  return g_date_time_to_unix (dt);
}

static gboolean
valid_trainer (KbDb     *db,
               gint64    trainer_id,
               gboolean *valid,
               GError  **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT roles, active FROM operators WHERE id = ?1",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, trainer_id);
  rc = sqlite3_step (stmt);
  *valid = rc == SQLITE_ROW && sqlite3_column_int (stmt, 1) != 0 &&
           (sqlite3_column_int (stmt, 0) & (KB_ROLE_TRAINER | KB_ROLES_OFFICERS)) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      return FALSE;
    }
  return TRUE;
}

/* The session's status and start, or FALSE with NOT_FOUND. */
static gboolean
load_session (KbDb            *db,
              gint64           training_id,
              KbSessionStatus *status,
              gint64          *starts_at,
              KbTrainingKind  *kind,
              KbTrainingAudience *audience,
              GError         **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT status, starts_at, kind, audience"
                                          " FROM trainings WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, training_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *status = lookup (status_strings, G_N_ELEMENTS (status_strings),
                        (const char *) sqlite3_column_text (stmt, 0), KB_SESSION_CANCELLED);
      if (starts_at != NULL)
        *starts_at = sqlite3_column_int64 (stmt, 1);
      if (kind != NULL)
        *kind = lookup (kind_strings, G_N_ELEMENTS (kind_strings),
                        (const char *) sqlite3_column_text (stmt, 2), KB_TRAINING_AD_HOC);
      if (audience != NULL)
        *audience = lookup (audience_strings, G_N_ELEMENTS (audience_strings),
                            (const char *) sqlite3_column_text (stmt, 3), KB_AUDIENCE_NAMED);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("Training session %" PRId64 " does not exist"), training_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      kb_db_set_error (db, error, _("Cannot read the training sessions"));
      return FALSE;
    }
  return TRUE;
}

/* --- scheduling ------------------------------------------------------------ */

/**
 * kb_training_save:
 *
 * Schedules (id 0) or amends a session after validating every field.
 *
 * Returns: the session's id, or 0 with an error (nothing changed)
 */
gint64
kb_training_save (KbDb                   *db,
                  const KbTrainingChange *change,
                  GError                **error)
{
  g_autofree char *title = NULL;
  g_autofree char *place = NULL;
  g_autofree char *materials = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GDateTime) start_dt = NULL;
  sqlite3_stmt *stmt;
  gint64 starts, ends, id;
  gboolean trainer_ok;
  KbSessionStatus status;
  GDate start_date;
  int y, m, d;

  g_return_val_if_fail (change != NULL, 0);

  if (!require_keeper (db, error))
    return 0;

  if ((title = kb_validate_text (KB_FIELD_TITLE, change->title, KB_TRAINING_MAX_TITLE,
                                 TRUE, FALSE, error)) == NULL)
    return 0;
  if ((guint) change->kind >= G_N_ELEMENTS (kind_strings))
    {
      kb_set_field_error (error, "kind", KB_FIELD_ERROR_INVALID,
                          _("Choose the kind of training"));
      return 0;
    }
  if (change->starts == NULL || change->starts[0] == '\0')
    {
      kb_set_field_error (error, KB_FIELD_STARTS, KB_FIELD_ERROR_EMPTY,
                          _("This field is required"));
      return 0;
    }
  if ((starts = parse_local_minute (change->starts)) == 0)
    {
      kb_set_field_error (error, KB_FIELD_STARTS, KB_FIELD_ERROR_INVALID,
                          _("Write the start as YYYY-MM-DD HH:MM"));
      return 0;
    }
  if (change->ends == NULL || change->ends[0] == '\0')
    {
      kb_set_field_error (error, KB_FIELD_ENDS, KB_FIELD_ERROR_EMPTY,
                          _("This field is required"));
      return 0;
    }
  if ((ends = parse_local_minute (change->ends)) == 0)
    {
      kb_set_field_error (error, KB_FIELD_ENDS, KB_FIELD_ERROR_INVALID,
                          _("Write the end as YYYY-MM-DD HH:MM"));
      return 0;
    }
  if (ends <= starts)
    {
      kb_set_field_error (error, KB_FIELD_ENDS, KB_FIELD_ERROR_INVALID,
                          _("The session must end after it starts"));
      return 0;
    }
  if (ends - starts > MAX_SESSION_SECONDS)
    {
      kb_set_field_error (error, KB_FIELD_ENDS, KB_FIELD_ERROR_INVALID,
                          _("A session lasts at most 24 hours; schedule each day on its own"));
      return 0;
    }
  if ((place = kb_validate_text (KB_FIELD_PLACE, change->place, KB_MAX_LOCATION,
                                 TRUE, FALSE, error)) == NULL)
    return 0;
  if ((guint) change->audience >= G_N_ELEMENTS (audience_strings))
    {
      kb_set_field_error (error, KB_FIELD_AUDIENCE, KB_FIELD_ERROR_INVALID,
                          _("Choose who the session is for"));
      return 0;
    }
  if ((materials = kb_validate_text (KB_FIELD_MATERIALS, change->materials,
                                     KB_TRAINING_MAX_MATERIALS, FALSE, TRUE, error)) == NULL)
    return 0;
  if ((reason = kb_validate_text (KB_FIELD_REASON, change->reason, KB_MAX_REASON,
                                  change->id != 0, TRUE, error)) == NULL)
    return 0;
  if (!valid_trainer (db, change->trainer_id, &trainer_ok, error))
    return 0;
  if (!trainer_ok)
    {
      kb_set_field_error (error, KB_FIELD_TRAINER, KB_FIELD_ERROR_INVALID,
                          _("The trainer must be an active operator with the trainer role "
                            "(or a security officer)"));
      return 0;
    }

  start_dt = g_date_time_new_from_unix_local (starts);
  g_date_time_get_ymd (start_dt, &y, &m, &d);
  g_date_clear (&start_date, 1);
  g_date_set_dmy (&start_date, d, m, y);

  if (!kb_db_begin (db, error))
    return 0;

  if (change->id != 0)
    {
      if (!load_session (db, change->id, &status, NULL, NULL, NULL, error))
        goto failed;
      if (status == KB_SESSION_CANCELLED)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("This session was cancelled; schedule a new one instead"));
          goto failed;
        }
      if ((before = kb_journal_row_state (db, "training", change->id, error)) == NULL)
        goto failed;
      stmt = kb_db_prepare (db, "UPDATE trainings SET title = ?2, kind = ?3, fiscal_year = ?4,"
                                " starts_at = ?5, ends_at = ?6, place = ?7, trainer_id = ?8,"
                                " audience = ?9, materials = ?10 WHERE id = ?1", error);
    }
  else
    stmt = kb_db_prepare (db, "INSERT INTO trainings (title, kind, fiscal_year, starts_at,"
                              " ends_at, place, trainer_id, audience, materials)"
                              " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, change->id);
  sqlite3_bind_text (stmt, 2, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind_strings[change->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, kb_fiscal_year_of (&start_date));
  sqlite3_bind_int64 (stmt, 5, starts);
  sqlite3_bind_int64 (stmt, 6, ends);
  sqlite3_bind_text (stmt, 7, place, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, change->trainer_id);
  sqlite3_bind_text (stmt, 9, audience_strings[change->audience], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, materials, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  id = change->id != 0 ? change->id : sqlite3_last_insert_rowid (kb_db_get_handle (db));

  if (before != NULL)
    {
      if ((after = kb_journal_row_state (db, "training", id, error)) == NULL)
        goto failed;
      if (g_str_equal (before, after))
        {
          /* Nothing changed: nothing to journal. */
          kb_db_rollback (db);
          return id;
        }
    }

  detail = reason_detail ("reason", reason);
  if (!kb_journal_record (db, change->id != 0 ? "training.amend" : "training.schedule",
                          "training", id, detail, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return id;

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_training_cancel:
 *
 * Cancels a session that nobody has attended yet; the reason is required
 * and journaled ("training.cancel"). A cancelled session cannot be marked.
 */
gboolean
kb_training_cancel (KbDb        *db,
                    gint64       training_id,
                    const char  *reason,
                    GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  KbSessionStatus status;
  sqlite3_stmt *stmt;

  if (!require_keeper (db, error))
    return FALSE;
  if ((text = kb_validate_text (KB_FIELD_REASON, reason, KB_MAX_REASON, TRUE, TRUE,
                                error)) == NULL)
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;
  if (!load_session (db, training_id, &status, NULL, NULL, NULL, error))
    goto failed;
  if (status == KB_SESSION_CANCELLED)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This session is already cancelled"));
      goto failed;
    }
  if (status == KB_SESSION_HELD)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This session was held (someone attended it); it cannot be cancelled"));
      goto failed;
    }
  stmt = kb_db_prepare (db, "UPDATE trainings SET status = 'cancelled' WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, training_id);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  detail = reason_detail ("reason", text);
  if (!kb_journal_record (db, "training.cancel", "training", training_id, detail, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* --- invitations ---------------------------------------------------------- */

static gboolean
invite_ids (KbDb          *db,
            gint64         training_id,
            GArray        *ids,
            guint         *n_invited,
            guint         *n_already,
            GError       **error)
{
  KbSessionStatus status;
  sqlite3_stmt *stmt;
  guint invited = 0, already = 0;
  gint64 actor = kb_db_get_actor (db);
  gint64 now = training_now ();

  if (!load_session (db, training_id, &status, NULL, NULL, NULL, error))
    return FALSE;
  if (status == KB_SESSION_CANCELLED)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This session was cancelled; nobody can be invited to it"));
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 op = g_array_index (ids, gint64, i);
      gboolean active, exists;
      int rc;

      stmt = kb_db_prepare (db, "SELECT o.active, (SELECT count (*) FROM attendance a"
                                " WHERE a.training_id = ?2 AND a.operator_id = o.id)"
                                " FROM operators o WHERE o.id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, op);
      sqlite3_bind_int64 (stmt, 2, training_id);
      rc = sqlite3_step (stmt);
      active = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
      exists = rc == SQLITE_ROW && sqlite3_column_int (stmt, 1) != 0;
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          kb_db_set_error (db, error, _("Cannot read the operator register"));
          return FALSE;
        }
      if (!active)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("Operator %" PRId64 " is not an active operator; nobody was invited"),
                       op);
          return FALSE;
        }
      if (exists)
        {
          already++;
          continue;
        }

      stmt = kb_db_prepare (db, "INSERT INTO attendance (training_id, operator_id, invited_at,"
                                " invited_by) VALUES (?1, ?2, ?3, ?4)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, training_id);
      sqlite3_bind_int64 (stmt, 2, op);
      sqlite3_bind_int64 (stmt, 3, now);
      if (actor != 0)
        sqlite3_bind_int64 (stmt, 4, actor);
      else
        sqlite3_bind_null (stmt, 4);
      if (!kb_db_step_done (db, stmt, error) ||
          !kb_journal_record (db, "attendance.invite", "attendance",
                              sqlite3_last_insert_rowid (kb_db_get_handle (db)), NULL, error))
        return FALSE;
      invited++;
    }

  if (n_invited != NULL)
    *n_invited = invited;
  if (n_already != NULL)
    *n_already = already;
  return TRUE;
}

gboolean
kb_training_invite (KbDb          *db,
                    gint64         training_id,
                    const gint64  *operator_ids,
                    guint          n_operators,
                    guint         *n_invited,
                    guint         *n_already,
                    GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (operator_ids != NULL || n_operators == 0, FALSE);

  if (!require_keeper (db, error))
    return FALSE;
  for (guint i = 0; i < n_operators; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < ids->len && !seen; j++)
        seen = g_array_index (ids, gint64, j) == operator_ids[i];
      if (!seen)
        g_array_append_val (ids, operator_ids[i]);
    }
  if (!kb_db_begin (db, error))
    return FALSE;
  if (!invite_ids (db, training_id, ids, n_invited, n_already, error) ||
      !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/**
 * kb_training_invite_audience:
 * @division_id: 0 for the whole office
 *
 * Invites the active people the session's audience names: operators
 * (everyone with the operator role) or administrators (officers, the
 * network administrator, supervisors), limited to @division_id when it
 * is not 0. A session for named people invites a division's active
 * members; without a division it has nobody to invite.
 */
gboolean
kb_training_invite_audience (KbDb    *db,
                             gint64   training_id,
                             gint64   division_id,
                             guint   *n_invited,
                             guint   *n_already,
                             GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  KbTrainingAudience audience;
  KbSessionStatus status;
  sqlite3_stmt *stmt;
  int roles;
  int rc;

  if (!require_keeper (db, error))
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;
  if (!load_session (db, training_id, &status, NULL, NULL, &audience, error))
    goto failed;

  switch (audience)
    {
    case KB_AUDIENCE_OPERATORS:
      roles = KB_ROLE_OPERATOR;
      break;
    case KB_AUDIENCE_ADMINISTRATORS:
      roles = KB_ROLES_OFFICERS | KB_ROLE_NETWORK_ADMINISTRATOR | KB_ROLE_SUPERVISOR;
      break;
    case KB_AUDIENCE_NAMED:
    default:
      if (division_id == 0)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("This session is for named people: choose whom to invite, "
                         "or a division"));
          goto failed;
        }
      roles = KB_ROLES_ALL;
      break;
    }

  stmt = kb_db_prepare (db, "SELECT id FROM operators WHERE active = 1 AND (roles & ?1) != 0"
                            " AND (?2 = 0 OR division_id = ?2) ORDER BY division_id, staff_number",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int (stmt, 1, roles);
  sqlite3_bind_int64 (stmt, 2, division_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      goto failed;
    }

  if (!invite_ids (db, training_id, ids, n_invited, n_already, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* --- KbAttendee ----------------------------------------------------------- */

struct _KbAttendee {
  GObject parent_instance;
  gint64 id;
  gint64 operator_id;
  char *staff_number;
  char *name;
  char *division_name;
  KbAttendanceMark mark;
  gint64 marked_at;
};

G_DEFINE_FINAL_TYPE (KbAttendee, kb_attendee, G_TYPE_OBJECT)

static void
kb_attendee_finalize (GObject *object)
{
  KbAttendee *self = KB_ATTENDEE (object);

  g_free (self->staff_number);
  g_free (self->name);
  g_free (self->division_name);
  G_OBJECT_CLASS (kb_attendee_parent_class)->finalize (object);
}

static void
kb_attendee_class_init (KbAttendeeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_attendee_finalize;
}

static void
kb_attendee_init (KbAttendee *self)
{
}

gint64           kb_attendee_get_id            (KbAttendee *self) { return self->id; }
gint64           kb_attendee_get_operator_id   (KbAttendee *self) { return self->operator_id; }
const char      *kb_attendee_get_staff_number  (KbAttendee *self) { return self->staff_number; }
const char      *kb_attendee_get_name          (KbAttendee *self) { return self->name; }
const char      *kb_attendee_get_division_name (KbAttendee *self) { return self->division_name; }
KbAttendanceMark kb_attendee_get_mark          (KbAttendee *self) { return self->mark; }
gint64           kb_attendee_get_marked_at     (KbAttendee *self) { return self->marked_at; }

/**
 * kb_training_attendees:
 *
 * Returns: (transfer full) (nullable): a #GListModel of #KbAttendee
 */
GListModel *
kb_training_attendees (KbDb    *db,
                       gint64   training_id,
                       GError **error)
{
  g_autoptr(GListStore) store = g_list_store_new (KB_TYPE_ATTENDEE);
  sqlite3_stmt *stmt;
  int rc;

  stmt = kb_db_prepare (db, "SELECT a.id, a.operator_id, o.staff_number, o.name, d.name,"
                            " a.mark, a.marked_at"
                            " FROM attendance a JOIN operators o ON o.id = a.operator_id"
                            " JOIN divisions d ON d.id = o.division_id"
                            " WHERE a.training_id = ?1 ORDER BY o.division_id, o.staff_number",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, training_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbAttendee) a = g_object_new (KB_TYPE_ATTENDEE, NULL);

      a->id = sqlite3_column_int64 (stmt, 0);
      a->operator_id = sqlite3_column_int64 (stmt, 1);
      a->staff_number = dup_col (stmt, 2);
      a->name = dup_col (stmt, 3);
      a->division_name = dup_col (stmt, 4);
      a->mark = lookup (mark_strings, G_N_ELEMENTS (mark_strings),
                        (const char *) sqlite3_column_text (stmt, 5), KB_MARK_NONE);
      a->marked_at = sqlite3_column_int64 (stmt, 6);
      g_list_store_append (store, a);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the attendance"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* --- marking -------------------------------------------------------------- */

/* 'held' while anyone attended, 'planned' otherwise; journaled when it
 * changes. */
static gboolean
update_held (KbDb    *db,
             gint64   training_id,
             GError **error)
{
  sqlite3_stmt *stmt;
  int changed;

  stmt = kb_db_prepare (db, "UPDATE trainings SET status ="
                            " CASE WHEN EXISTS (SELECT 1 FROM attendance a"
                            "   WHERE a.training_id = trainings.id AND a.mark IN ('present', 'late'))"
                            " THEN 'held' ELSE 'planned' END"
                            " WHERE id = ?1 AND status <> 'cancelled' AND status <>"
                            " CASE WHEN EXISTS (SELECT 1 FROM attendance a"
                            "   WHERE a.training_id = trainings.id AND a.mark IN ('present', 'late'))"
                            " THEN 'held' ELSE 'planned' END", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, training_id);
  if (!kb_db_step_done (db, stmt, error))
    return FALSE;
  changed = sqlite3_changes (kb_db_get_handle (db));
  if (changed > 0)
    return kb_journal_record (db, "training.status", "training", training_id, NULL, error);
  return TRUE;
}

gboolean
kb_training_mark (KbDb                   *db,
                  gint64                  training_id,
                  const gint64           *operator_ids,
                  const KbAttendanceMark *marks,
                  guint                   n,
                  GError                **error)
{
  KbSessionStatus status;
  gint64 starts_at;
  gint64 now = training_now ();
  gint64 actor = kb_db_get_actor (db);

  g_return_val_if_fail ((operator_ids != NULL && marks != NULL) || n == 0, FALSE);

  if (!require_keeper (db, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (marks[i] == KB_MARK_NONE || (guint) marks[i] >= G_N_ELEMENTS (mark_strings))
      {
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                     _("Choose present, late, excused or absent for everyone marked"));
        return FALSE;
      }

  if (!kb_db_begin (db, error))
    return FALSE;
  if (!load_session (db, training_id, &status, &starts_at, NULL, NULL, error))
    goto failed;
  if (status == KB_SESSION_CANCELLED)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This session was cancelled; attendance cannot be marked"));
      goto failed;
    }
  if (starts_at > now)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This session has not started yet; attendance is marked once it has"));
      goto failed;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *previous = NULL;
      g_autofree char *staff = NULL;
      g_autofree char *detail = NULL;
      sqlite3_stmt *stmt;
      gint64 attendance_id = 0;
      int rc;

      stmt = kb_db_prepare (db, "SELECT a.id, a.mark, o.staff_number FROM operators o"
                                " LEFT JOIN attendance a ON a.operator_id = o.id"
                                "  AND a.training_id = ?1 WHERE o.id = ?2", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, training_id);
      sqlite3_bind_int64 (stmt, 2, operator_ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          attendance_id = sqlite3_column_int64 (stmt, 0);
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            previous = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          staff = dup_col (stmt, 2);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          kb_db_set_error (db, error, _("Cannot read the attendance"));
          goto failed;
        }
      if (attendance_id == 0)
        {
          if (staff != NULL)
            g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                         _("%s was not invited to this session; invite them first. "
                           "Nobody was marked."), staff);
          else
            g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                         _("Operator %" PRId64 " does not exist. Nobody was marked."),
                         operator_ids[i]);
          goto failed;
        }
      if (g_strcmp0 (previous, mark_strings[marks[i]]) == 0)
        continue;

      stmt = kb_db_prepare (db, "UPDATE attendance SET mark = ?2, marked_at = ?3, marked_by = ?4"
                                " WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, attendance_id);
      sqlite3_bind_text (stmt, 2, mark_strings[marks[i]], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now);
      if (actor != 0)
        sqlite3_bind_int64 (stmt, 4, actor);
      else
        sqlite3_bind_null (stmt, 4);
      if (!kb_db_step_done (db, stmt, error))
        goto failed;
      detail = reason_detail ("previous", previous);
      if (!kb_journal_record (db, "attendance.mark", "attendance", attendance_id, detail, error))
        goto failed;
    }

  if (!update_held (db, training_id, error) || !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* --- policy --------------------------------------------------------------- */

static const char * const policy_strings[] = { "off", "warn", "refuse" };

gboolean
kb_training_get_policy (KbDb             *db,
                        KbTrainingPolicy *policy,
                        GError          **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *grace = NULL;
  int month, day;
  char tail;

  policy->mode = KB_TRAINING_POLICY_WARN;
  policy->grace_month = 6;
  policy->grace_day = 30;

  mode = kb_settings_get (db, SETTING_POLICY, &local);
  if (mode == NULL && !g_error_matches (local, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_error (&local);
  if (mode != NULL)
    {
      int m = lookup (policy_strings, G_N_ELEMENTS (policy_strings), mode, -1);

      if (m < 0)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                       _("The training policy in the settings is malformed"));
          return FALSE;
        }
      policy->mode = m;
    }

  grace = kb_settings_get (db, SETTING_GRACE, &local);
  if (grace == NULL && !g_error_matches (local, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (grace != NULL)
    {
      if (sscanf (grace, "%2d-%2d%c", &month, &day, &tail) != 2 ||
          !g_date_valid_dmy (day, month, 2000))
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                       _("The training grace date in the settings is malformed"));
          return FALSE;
        }
      policy->grace_month = month;
      policy->grace_day = day;
    }
  return TRUE;
}

/* Sets @key when its value (or, when unset, its default) differs. */
static gboolean
set_if_changed (KbDb        *db,
                const char  *key,
                const char  *value,
                const char  *fallback,
                GError     **error)
{
  g_autofree char *current = kb_settings_get (db, key, NULL);

  if (g_strcmp0 (current != NULL ? current : fallback, value) == 0)
    return TRUE;
  return kb_settings_set (db, key, value, NULL, error);
}

gboolean
kb_training_set_policy (KbDb                   *db,
                        const KbTrainingPolicy *policy,
                        GError                **error)
{
  g_autofree char *grace = NULL;

  g_return_val_if_fail (policy != NULL, FALSE);

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return FALSE;
  if ((guint) policy->mode >= G_N_ELEMENTS (policy_strings))
    {
      kb_set_field_error (error, "policy", KB_FIELD_ERROR_INVALID,
                          _("Choose off, warn or refuse"));
      return FALSE;
    }
  /* 2000 is a leap year: 29 February is a valid grace date. */
  if (!g_date_valid_dmy (policy->grace_day, policy->grace_month, 2000))
    {
      kb_set_field_error (error, KB_FIELD_GRACE, KB_FIELD_ERROR_INVALID,
                          _("This is not a day of the year"));
      return FALSE;
    }
  grace = g_strdup_printf ("%02d-%02d", policy->grace_month, policy->grace_day);

  if (!kb_db_begin (db, error))
    return FALSE;
  if (!set_if_changed (db, SETTING_POLICY, policy_strings[policy->mode], "warn", error) ||
      !set_if_changed (db, SETTING_GRACE, grace, "06-30", error) ||
      !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* --- status --------------------------------------------------------------- */

void
kb_training_status_free (KbTrainingStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->staff_number);
  g_free (status->name);
  g_free (status->division_name);
  g_free (status);
}

#define STATUS_SQL \
  "SELECT o.id, o.staff_number, o.name, o.division_id, d.name, o.roles," \
  " (SELECT min (t.starts_at) FROM attendance a JOIN trainings t ON t.id = a.training_id" \
  "   WHERE a.operator_id = o.id AND a.mark IN ('present', 'late')" \
  "   AND t.kind = 'first-use' AND t.status <> 'cancelled')," \
  " (SELECT min (t.starts_at) FROM attendance a JOIN trainings t ON t.id = a.training_id" \
  "   WHERE a.operator_id = o.id AND a.mark IN ('present', 'late')" \
  "   AND t.kind = 'fiscal-year' AND t.fiscal_year = ?1 AND t.status <> 'cancelled')," \
  " EXISTS (SELECT 1 FROM attendance a JOIN trainings t ON t.id = a.training_id" \
  "   WHERE a.operator_id = o.id AND t.kind = 'fiscal-year' AND t.fiscal_year = ?1" \
  "   AND t.status <> 'cancelled')" \
  " FROM operators o JOIN divisions d ON d.id = o.division_id"

/* Everyone's status in one query; @operator_id limits it to one person
 * (active or not), @division_id to a division's active members. */
static GPtrArray *
read_status (KbDb        *db,
             gint64       operator_id,
             gint64       division_id,
             gboolean     only_overdue,
             const char  *today,
             GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kb_training_status_free);
  KbTrainingPolicy policy;
  sqlite3_stmt *stmt;
  GDate date, grace;
  int fy, rc;
  gboolean past_grace;

  if (!parse_today (today, &date, error))
    return NULL;
  /* The grace date is needed for "overdue", whatever the policy. */
  if (!kb_training_get_policy (db, &policy, error))
    return NULL;
  fy = kb_fiscal_year_of (&date);
  kb_fiscal_year_grace (fy, policy.grace_month, policy.grace_day, &grace);
  past_grace = g_date_compare (&date, &grace) > 0;

  stmt = kb_db_prepare (db, STATUS_SQL
                            " WHERE (?2 <> 0 AND o.id = ?2)"
                            "  OR (?2 = 0 AND o.active = 1 AND (?3 = 0 OR o.division_id = ?3))"
                            " ORDER BY o.division_id, o.staff_number", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, fy);
  sqlite3_bind_int64 (stmt, 2, operator_id);
  sqlite3_bind_int64 (stmt, 3, division_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KbTrainingStatus *s = g_new0 (KbTrainingStatus, 1);

      s->operator_id = sqlite3_column_int64 (stmt, 0);
      s->staff_number = dup_col (stmt, 1);
      s->name = dup_col (stmt, 2);
      s->division_id = sqlite3_column_int64 (stmt, 3);
      s->division_name = dup_col (stmt, 4);
      s->roles = sqlite3_column_int (stmt, 5);
      s->first_use_done = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
      s->first_use_at = sqlite3_column_int64 (stmt, 6);
      s->this_year_done = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
      s->this_year_at = sqlite3_column_int64 (stmt, 7);
      s->invited_this_year = sqlite3_column_int (stmt, 8) != 0;
      s->overdue = (s->roles & KB_ROLE_OPERATOR) != 0 &&
                   (!s->first_use_done || (!s->this_year_done && past_grace));
      if (only_overdue && !s->overdue)
        kb_training_status_free (s);
      else
        g_ptr_array_add (list, s);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the training status"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* Who may read whose status: officers, trainers and auditors everyone's,
 * supervisors their division's, everyone their own. Returns the division
 * the viewer is limited to (0: none), or -1 for "only themselves". */
static gboolean
status_scope (KbDb    *db,
              gint64  *limit_division,
              gboolean *only_self,
              GError **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  KbRoles roles = 0;
  int rc;

  *limit_division = 0;
  *only_self = FALSE;
  if (actor == 0)
    return TRUE;
  stmt = kb_db_prepare (db, "SELECT roles, division_id, active FROM operators WHERE id = ?1",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 2) != 0)
    {
      roles = sqlite3_column_int (stmt, 0);
      *limit_division = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (roles == 0 && rc != SQLITE_ROW)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("Only a signed-in operator can read training status"));
      return FALSE;
    }
  if (roles & (KB_ROLES_OFFICERS | KB_ROLE_TRAINER | KB_ROLE_AUDITOR))
    *limit_division = 0;
  else if (!(roles & KB_ROLE_SUPERVISOR))
    *only_self = TRUE;
  return TRUE;
}

/**
 * kb_training_status_of:
 *
 * Returns: (transfer full) (nullable): the operator's status
 */
KbTrainingStatus *
kb_training_status_of (KbDb        *db,
                       gint64       operator_id,
                       const char  *today,
                       GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  gint64 limit;
  gboolean only_self;
  KbTrainingStatus *status;

  if (!status_scope (db, &limit, &only_self, error))
    return NULL;
  if (only_self && operator_id != kb_db_get_actor (db))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("You can read only your own training status"));
      return NULL;
    }
  list = read_status (db, operator_id, 0, FALSE, today, error);
  if (list == NULL)
    return NULL;
  if (list->len == 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("Operator %" PRId64 " does not exist"), operator_id);
      return NULL;
    }
  status = g_ptr_array_steal_index (list, 0);
  if (limit != 0 && !only_self && status->division_id != limit &&
      operator_id != kb_db_get_actor (db))
    {
      kb_training_status_free (status);
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("You can read the training status of your own division only"));
      return NULL;
    }
  return status;
}

/**
 * kb_training_status_list:
 *
 * Returns: (transfer full) (element-type KbTrainingStatus) (nullable):
 *   the statuses
 */
GPtrArray *
kb_training_status_list (KbDb        *db,
                         gint64       division_id,
                         gboolean     only_overdue,
                         const char  *today,
                         GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  gint64 limit;
  gboolean only_self;

  if (!status_scope (db, &limit, &only_self, error))
    return NULL;
  if (only_self)
    {
      g_autoptr(GPtrArray) own = read_status (db, kb_db_get_actor (db), 0, only_overdue,
                                              today, error);
      return g_steal_pointer (&own);
    }
  if (limit != 0)
    {
      if (division_id != 0 && division_id != limit)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("You can read the training status of your own division only"));
          return NULL;
        }
      division_id = limit;
    }
  list = read_status (db, 0, division_id, only_overdue, today, error);
  return g_steal_pointer (&list);
}

/* --- sign-in ---------------------------------------------------------------- */

/* "1 July" (or "7月1日"). */
static char *
format_day (const GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (date),
                                                   g_date_get_month (date),
                                                   g_date_get_day (date), 12, 0, 0);
  /* TRANSLATORS: a day of the year in g_date_time_format(), e.g. "1 July" */
  return g_date_time_format (dt, _("%-d %B"));
}

static gboolean
journal_refusal (KbDb        *db,
                 gint64       operator_id,
                 const char  *missing,
                 int          fy,
                 GError     **error)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  gint64 previous = kb_db_get_actor (db);
  g_autofree char *terminal = g_strdup (kb_db_get_terminal (db));
  KbCanon canon;
  gboolean ok;

  kb_canon_init (&canon, detail);
  kb_canon_add_int (&canon, "fiscal-year", fy);
  kb_canon_add_string (&canon, "missing", missing);
  kb_canon_finish (&canon);

  if (!kb_db_begin (db, error))
    return FALSE;
  /* Refused at sign-in is the operator's own attempt, as a wrong password is. */
  kb_db_set_actor (db, operator_id, terminal);
  ok = kb_journal_record (db, "signin.training-refused", "operator", operator_id, detail->str,
                          error);
  kb_db_set_actor (db, previous, terminal);
  if (!ok || !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
kb_training_check_sign_in (KbDb        *db,
                           gint64       operator_id,
                           const char  *today,
                           char       **warning,
                           GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *label = NULL;
  g_autofree char *deadline = NULL;
  KbTrainingStatus *status;
  KbTrainingPolicy policy;
  GDate date, grace;
  int fy;

  if (warning != NULL)
    *warning = NULL;

  if (!kb_training_get_policy (db, &policy, error))
    return FALSE;
  if (policy.mode == KB_TRAINING_POLICY_OFF)
    return TRUE;

  if (!parse_today (today, &date, error))
    return FALSE;
  list = read_status (db, operator_id, 0, FALSE, today, error);
  if (list == NULL)
    return FALSE;
  if (list->len == 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("Operator %" PRId64 " does not exist"), operator_id);
      return FALSE;
    }
  status = g_ptr_array_index (list, 0);
  if (!(status->roles & KB_ROLE_OPERATOR))
    return TRUE;

  fy = kb_fiscal_year_of (&date);
  label = kb_fiscal_year_label (fy, FALSE);
  kb_fiscal_year_grace (fy, policy.grace_month, policy.grace_day, &grace);
  g_date_add_days (&grace, 1);
  deadline = format_day (&grace);

  if (!status->overdue)
    {
      if (!status->this_year_done && warning != NULL)
        {
          if (policy.mode == KB_TRAINING_POLICY_REFUSE)
            *warning = g_strdup_printf (_("Your %s training is not recorded yet; from %s you "
                                          "will not be able to sign in."), label, deadline);
          else
            *warning = g_strdup_printf (_("Your %s training is not recorded yet; it is due "
                                          "before %s."), label, deadline);
        }
      return TRUE;
    }

  if (policy.mode == KB_TRAINING_POLICY_WARN)
    {
      if (warning != NULL)
        {
          if (!status->first_use_done)
            *warning = g_strdup (_("Your training before first use is not recorded. "
                                   "Ask a trainer or the security officer."));
          else
            *warning = g_strdup_printf (_("Your %s training is not recorded and is overdue. "
                                          "Ask a trainer or the security officer."), label);
        }
      return TRUE;
    }

  if (!journal_refusal (db, operator_id,
                        !status->first_use_done && !status->this_year_done
                        ? "first-use,fiscal-year"
                        : !status->first_use_done ? "first-use" : "fiscal-year",
                        fy, error))
    return FALSE;

  if (!status->first_use_done)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                 _("You cannot sign in: your training before first use is not recorded. "
                   "To attend it, ask a trainer or the security officer."));
  else
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                 _("You cannot sign in: your %s training is not recorded and the grace "
                   "period ended on %s. To attend it, ask a trainer or the security officer."),
                 label, deadline);
  return FALSE;
}

/* --- reminders -------------------------------------------------------------- */

void
kb_training_reminders_clear (KbTrainingReminders *reminders)
{
  g_clear_pointer (&reminders->upcoming, g_ptr_array_unref);
  reminders->n_not_invited = 0;
  reminders->n_overdue = 0;
}

gboolean
kb_training_reminders (KbDb                *db,
                       const char          *today,
                       KbTrainingReminders *reminders,
                       GError             **error)
{
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GListModel) sessions = NULL;
  GDate date, until;
  gint64 from, to;

  memset (reminders, 0, sizeof *reminders);
  if (!require_keeper (db, error))
    return FALSE;
  if (!parse_today (today, &date, error))
    return FALSE;

  /* From the start of today (a session this morning still needs its
   * marks) to the end of the reminder period. */
  from = today != NULL ? date_start (&date) : training_now ();
  until = date;
  g_date_add_days (&until, KB_TRAINING_REMINDER_DAYS + 1);
  to = date_start (&until);

  sessions = kb_training_list (db, from, to, error);
  if (sessions == NULL)
    return FALSE;
  statuses = read_status (db, 0, 0, FALSE, today, error);
  if (statuses == NULL)
    return FALSE;

  reminders->upcoming = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(KbTraining) t = g_list_model_get_item (sessions, i);

      if (t->status != KB_SESSION_CANCELLED && t->starts_at >= from)
        g_ptr_array_add (reminders->upcoming, g_object_ref (t));
    }
  for (guint i = 0; i < statuses->len; i++)
    {
      KbTrainingStatus *s = g_ptr_array_index (statuses, i);

      if (!(s->roles & KB_ROLE_OPERATOR))
        continue;
      if (!s->invited_this_year)
        reminders->n_not_invited++;
      if (s->overdue)
        reminders->n_overdue++;
    }
  return TRUE;
}
