/* kb-training.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training (研修): sessions, invitations and attendance, each operator's
 * training status derived from attendance, and its enforcement at sign-in.
 * The rules require training before first use, at the start of every
 * fiscal year (年度当初; the fiscal year runs 1 April to 31 March and is
 * named by the year it starts in: FY2026 = 2026-04-01 … 2027-03-31) and
 * whenever needed.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"

G_BEGIN_DECLS

#define KB_FIELD_TITLE      "title"
#define KB_FIELD_TRAINER    "trainer"
#define KB_FIELD_AUDIENCE   "audience"
#define KB_FIELD_PLACE      "place"
#define KB_FIELD_MATERIALS  "materials"
#define KB_FIELD_STARTS     "starts"
#define KB_FIELD_ENDS       "ends"
#define KB_FIELD_GRACE      "grace"

#define KB_TRAINING_MAX_TITLE      100
#define KB_TRAINING_MAX_MATERIALS  1000
#define KB_TRAINING_REMINDER_DAYS  14

/* Trainers schedule and mark; security officers too. Everyone may read
 * their own status; supervisors their division's; officers, trainers and
 * auditors everyone's. */
#define KB_ROLES_TRAINING_KEEPERS (KB_ROLES_OFFICERS | KB_ROLE_TRAINER)

/* --- fiscal years (pure arithmetic, no database) ------------------------ */

/* The fiscal year @date falls in: 2027-03-31 → 2026, 2027-04-01 → 2027. */
int       kb_fiscal_year_of      (const GDate *date);
/* First and last day of fiscal year @fy (caller-allocated GDates). */
void      kb_fiscal_year_bounds  (int          fy,
                                  GDate       *first,
                                  GDate       *last);
/* The day after which fiscal year @fy's training is enforced: @grace_month
 * / @grace_day of the calendar year the fiscal year starts in, clamped to
 * the month's last day (e.g. 02-29 in a common year → 02-28 of the
 * following calendar year when the month is before April). */
void      kb_fiscal_year_grace   (int          fy,
                                  int          grace_month,
                                  int          grace_day,
                                  GDate       *grace);
/* "FY2026" / "2026年度" (or "令和8年度" with @era). */
char     *kb_fiscal_year_label   (int          fy,
                                  gboolean     era);

/* "Now" for invitations and marks (Unix seconds; 0: the real clock). For
 * the demo office and tests; set it back to 0 afterwards. */
void      kb_training_set_clock  (gint64       now);

/* --- sessions ------------------------------------------------------------- */

typedef enum {
  KB_TRAINING_FIRST_USE,
  KB_TRAINING_FISCAL_YEAR,
  KB_TRAINING_AD_HOC,
} KbTrainingKind;

typedef enum {
  KB_AUDIENCE_OPERATORS,       /* everyone with the operator role */
  KB_AUDIENCE_ADMINISTRATORS,  /* officers, network administrator, supervisors */
  KB_AUDIENCE_NAMED,           /* only the people invited */
} KbTrainingAudience;

typedef enum {
  KB_SESSION_PLANNED,
  KB_SESSION_HELD,
  KB_SESSION_CANCELLED,
} KbSessionStatus;

typedef enum {
  KB_MARK_NONE = 0,            /* invited, not marked yet */
  KB_MARK_PRESENT,
  KB_MARK_LATE,
  KB_MARK_EXCUSED,
  KB_MARK_ABSENT,
} KbAttendanceMark;

const char *kb_training_kind_to_string      (KbTrainingKind      kind);
const char *kb_training_kind_get_label      (KbTrainingKind      kind);
const char *kb_training_audience_get_label  (KbTrainingAudience  audience);
const char *kb_session_status_get_label     (KbSessionStatus     status);
const char *kb_attendance_mark_to_string    (KbAttendanceMark    mark);
const char *kb_attendance_mark_get_label    (KbAttendanceMark    mark);
/* Present and late count as attended. */
gboolean    kb_attendance_mark_counts       (KbAttendanceMark    mark);

#define KB_TYPE_TRAINING (kb_training_get_type ())
G_DECLARE_FINAL_TYPE (KbTraining, kb_training, KB, TRAINING, GObject)

gint64              kb_training_get_id            (KbTraining *self);
const char         *kb_training_get_title         (KbTraining *self);
KbTrainingKind      kb_training_get_kind          (KbTraining *self);
int                 kb_training_get_fiscal_year   (KbTraining *self);
gint64              kb_training_get_starts_at     (KbTraining *self);
gint64              kb_training_get_ends_at       (KbTraining *self);
const char         *kb_training_get_place         (KbTraining *self);
gint64              kb_training_get_trainer_id    (KbTraining *self);
const char         *kb_training_get_trainer_name  (KbTraining *self);
KbTrainingAudience  kb_training_get_audience      (KbTraining *self);
const char         *kb_training_get_materials     (KbTraining *self);
KbSessionStatus     kb_training_get_status        (KbTraining *self);
guint               kb_training_get_n_invited     (KbTraining *self);
guint               kb_training_get_n_attended    (KbTraining *self);  /* present + late */
guint               kb_training_get_n_unmarked    (KbTraining *self);

/* Strings as typed; validated here (KB_FIELD_ERROR names the field).
 * @starts/@ends: "YYYY-MM-DD HH:MM" local time. id 0 schedules a session
 * (journal "training.schedule"); otherwise amends it (reason required;
 * "training.amend"). The fiscal year is the one @starts falls in. */
typedef struct {
  gint64              id;
  const char         *title;
  KbTrainingKind      kind;
  const char         *starts;
  const char         *ends;
  const char         *place;
  gint64              trainer_id;    /* an active operator with the trainer role */
  KbTrainingAudience  audience;
  const char         *materials;
  const char         *reason;
} KbTrainingChange;

gint64      kb_training_save          (KbDb                   *db,
                                       const KbTrainingChange *change,
                                       GError                **error);
gboolean    kb_training_cancel        (KbDb        *db,
                                       gint64       training_id,
                                       const char  *reason,
                                       GError     **error);

/* Sessions overlapping [from, to) (Unix seconds; 0 = unbounded), by start. */
GListModel *kb_training_list          (KbDb        *db,
                                       gint64       from,
                                       gint64       to,
                                       GError     **error);
KbTraining *kb_training_get           (KbDb        *db,
                                       gint64       id,
                                       GError     **error);

/* --- invitations and attendance ------------------------------------------ */

/* Invites active operators; those already invited are skipped and counted.
 * Journal "attendance.invite", one entry per person. */
gboolean    kb_training_invite        (KbDb          *db,
                                       gint64         training_id,
                                       const gint64  *operator_ids,
                                       guint          n_operators,
                                       guint         *n_invited,
                                       guint         *n_already,
                                       GError       **error);
/* Everyone the session's audience names (active operators with the
 * operator role, or the administrators), or a division's active members
 * (@division_id != 0). */
gboolean    kb_training_invite_audience (KbDb        *db,
                                       gint64         training_id,
                                       gint64         division_id,
                                       guint         *n_invited,
                                       guint         *n_already,
                                       GError       **error);

#define KB_TYPE_ATTENDEE (kb_attendee_get_type ())
G_DECLARE_FINAL_TYPE (KbAttendee, kb_attendee, KB, ATTENDEE, GObject)

gint64            kb_attendee_get_id             (KbAttendee *self);
gint64            kb_attendee_get_operator_id    (KbAttendee *self);
const char       *kb_attendee_get_staff_number   (KbAttendee *self);
const char       *kb_attendee_get_name           (KbAttendee *self);
const char       *kb_attendee_get_division_name  (KbAttendee *self);
KbAttendanceMark  kb_attendee_get_mark           (KbAttendee *self);
gint64            kb_attendee_get_marked_at      (KbAttendee *self);

/* By division, then staff number. */
GListModel *kb_training_attendees     (KbDb        *db,
                                       gint64       training_id,
                                       GError     **error);

/* Marks many at once (a whole room): @marks[i] for @operator_ids[i].
 * Only for a session that has started and is not cancelled; only invited
 * people; KB_MARK_NONE is refused. A mark can be changed (the journal
 * keeps the earlier one). The session becomes 'held' once anyone is
 * marked present or late. Journal "attendance.mark". */
gboolean    kb_training_mark          (KbDb                   *db,
                                       gint64                  training_id,
                                       const gint64           *operator_ids,
                                       const KbAttendanceMark *marks,
                                       guint                   n,
                                       GError                **error);

/* --- status and enforcement ----------------------------------------------- */

typedef enum {
  KB_TRAINING_POLICY_OFF,
  KB_TRAINING_POLICY_WARN,     /* the default: an upgrade locks nobody out */
  KB_TRAINING_POLICY_REFUSE,
} KbTrainingPolicyMode;

typedef struct {
  KbTrainingPolicyMode mode;
  int                  grace_month;   /* default 6 */
  int                  grace_day;     /* default 30 */
} KbTrainingPolicy;

gboolean    kb_training_get_policy    (KbDb             *db,
                                       KbTrainingPolicy *policy,
                                       GError          **error);
/* Security officers only; journaled as setting changes. */
gboolean    kb_training_set_policy    (KbDb                   *db,
                                       const KbTrainingPolicy *policy,
                                       GError                **error);

typedef struct {
  gint64   operator_id;
  char    *staff_number;
  char    *name;
  gint64   division_id;
  char    *division_name;
  KbRoles  roles;
  gboolean first_use_done;       /* attended a first-use session, ever */
  gint64   first_use_at;
  gboolean this_year_done;       /* attended a fiscal-year session of @fy */
  gint64   this_year_at;
  gboolean invited_this_year;    /* invited to a fiscal-year session of @fy */
  gboolean overdue;              /* missing first-use, or this year's after the grace date */
} KbTrainingStatus;

void        kb_training_status_free   (KbTrainingStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbTrainingStatus, kb_training_status_free)

/* @today: 'YYYY-MM-DD' local (NULL: now). Of one operator, or (element-type
 * KbTrainingStatus, free func set) of every active operator of a division
 * (0: all), by division then staff number; @only_overdue filters. */
KbTrainingStatus *kb_training_status_of   (KbDb        *db,
                                           gint64       operator_id,
                                           const char  *today,
                                           GError     **error);
GPtrArray        *kb_training_status_list (KbDb        *db,
                                           gint64       division_id,
                                           gboolean     only_overdue,
                                           const char  *today,
                                           GError     **error);

/* The sign-in check, called by the session after the password is right
 * and before it unlocks. Applies to people with the operator role.
 * Returns FALSE with KB_STORE_ERROR_REFUSED and a message giving the
 * reason when the policy refuses (journal "signin.training-refused" as
 * the operator); returns TRUE and sets @warning (transfer full, nullable)
 * when it only warns or the grace date has not passed yet. */
gboolean    kb_training_check_sign_in (KbDb        *db,
                                       gint64       operator_id,
                                       const char  *today,
                                       char       **warning,
                                       GError     **error);

/* For trainers' and security officers' sign-in: sessions in the next
 * KB_TRAINING_REMINDER_DAYS days, and how many active operators are not
 * yet invited to this fiscal year's training. */
typedef struct {
  GPtrArray *upcoming;           /* KbTraining */
  guint      n_not_invited;
  guint      n_overdue;
} KbTrainingReminders;

void        kb_training_reminders_clear (KbTrainingReminders *reminders);
gboolean    kb_training_reminders     (KbDb                *db,
                                       const char          *today,
                                       KbTrainingReminders *reminders,
                                       GError             **error);

G_END_DECLS
