/* kb-audit.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audits (監査) and their findings (指摘事項). An audit is planned by a
 * security officer with its auditors, goes planned → in progress →
 * reported → closed one step at a time, and closes only when every
 * finding is closed (with evidence) or accepted by an officer; closing a
 * recurrent audit plans the next one in the same transaction. Nobody
 * should audit their own work: the staff auditors who changed the audited
 * registers in the audited period are named in a warning.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-assets.h"
#include "kb-audit-private.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-training.h"

#define AUDIT_MAX_TITLE 200
#define AUDIT_MAX_ORG   100

static gint64 fixed_now;

void
kb_audit_set_clock (gint64 now)
{
  fixed_now = now;
}

static gint64
now_seconds (void)
{
  return fixed_now != 0 ? fixed_now : g_get_real_time () / G_USEC_PER_SEC;
}

/* Today's local date, "YYYY-MM-DD", by the register's clock. */
static char *
local_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_seconds ());

  return g_date_time_format (now, "%Y-%m-%d");
}

/* --- names -------------------------------------------------------------------- */

static const char * const kind_strings[] = { "pre-use", "internal", "external" };
static const char * const status_strings[] = { "planned", "in-progress", "reported", "closed" };
static const char * const severity_strings[] = { "low", "medium", "high" };
static const char * const finding_strings[] = { "open", "closed", "accepted" };

static int
lookup_string (const char * const *strings,
               guint               n,
               const char         *value)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (strings[i], value) == 0)
      return (int) i;
  return 0;
}

const char *
kb_audit_kind_to_string (KbAuditKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), NULL);
  return kind_strings[kind];
}

const char *
kb_audit_kind_get_label (KbAuditKind kind)
{
  switch (kind)
    {
    case KB_AUDIT_PRE_USE:
      return _("Pre-use audit");
    case KB_AUDIT_INTERNAL:
      return _("Internal audit");
    case KB_AUDIT_EXTERNAL:
      return _("External audit");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_audit_status_get_label (KbAuditStatus status)
{
  switch (status)
    {
    case KB_AUDIT_PLANNED:
      return _("Planned");
    case KB_AUDIT_IN_PROGRESS:
      return _("In progress");
    case KB_AUDIT_REPORTED:
      return _("Reported");
    case KB_AUDIT_CLOSED:
      return _("Closed");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_severity_get_label (KbSeverity severity)
{
  switch (severity)
    {
    case KB_SEVERITY_LOW:
      return C_("severity", "Low");
    case KB_SEVERITY_MEDIUM:
      return C_("severity", "Medium");
    case KB_SEVERITY_HIGH:
      return C_("severity", "High");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_finding_status_get_label (KbFindingStatus status)
{
  switch (status)
    {
    case KB_FINDING_OPEN:
      return C_("finding", "Open");
    case KB_FINDING_CLOSED:
      return C_("finding", "Closed");
    case KB_FINDING_ACCEPTED:
      return C_("finding", "Accepted");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* --- dates -------------------------------------------------------------------- */

/**
 * kb_date_add_months_clamped:
 * @date: a valid date, changed in place
 * @months: how many months to add (may be negative)
 *
 * Adds months keeping the day of the month, or the month's last day when
 * the month is shorter: 2026-01-31 + 1 is 2026-02-28, 2028-02-29 + 12 is
 * 2029-02-28.
 */
void
kb_date_add_months_clamped (GDate *date,
                            int    months)
{
  gint64 total;
  int year, month, day, last;

  g_return_if_fail (date != NULL && g_date_valid (date));

  total = (gint64) g_date_get_year (date) * 12 + (g_date_get_month (date) - 1) + months;
  year = (int) (total >= 0 ? total / 12 : -((-total + 11) / 12));
  month = (int) (total - (gint64) year * 12) + 1;
  g_return_if_fail (year >= 1 && year <= 9999);
  day = g_date_get_day (date);
  last = g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year);
  g_date_set_dmy (date, MIN (day, last), (GDateMonth) month, (GDateYear) year);
}

static gboolean
date_from_text (const char *text,
                GDate      *date)
{
  int y, m, d;

  g_date_clear (date, 1);
  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

static char *
date_to_text (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* A date as typed: "YYYY-MM-DD" (or with "/", full-width digits folded),
 * a real one. Empty is an error if @required, else *out is NULL. */
static gboolean
parse_date (const char  *field,
            const char  *text,
            gboolean     required,
            char       **out,
            GError     **error)
{
  g_autofree char *valid = kb_validate_text (field, text, 20, required, FALSE, error);
  g_autofree char *folded = NULL;
  int y, m, d, n = 0;

  *out = NULL;
  if (valid == NULL)
    return FALSE;
  if (valid[0] == '\0')
    return TRUE;
  folded = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  g_strdelimit (folded, "/", '-');
  if (sscanf (folded, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || folded[n] != '\0' ||
      strlen (folded) < 8)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("Enter a date as YYYY-MM-DD"));
      return FALSE;
    }
  if (y < 1900 || y > 2999 || !g_date_valid_dmy (d, m, y))
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("There is no such date"));
      return FALSE;
    }
  *out = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return TRUE;
}

/* --- who may do what ---------------------------------------------------------- */

/* The acting operator's roles; the system (no one signed in: the command
 * line, the demo) holds them all, as for the other registers. */
static gboolean
actor_roles (KbDb     *db,
             KbRoles  *roles,
             GError  **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  int rc;

  *roles = KB_ROLE_NONE;
  if (actor == 0)
    {
      *roles = KB_ROLES_ALL;
      return TRUE;
    }
  stmt = kb_db_prepare (db, "SELECT roles, active FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 1) != 0)
    *roles = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_roles (KbDb        *db,
               KbRoles      wanted,
               const char  *refusal,
               GError     **error)
{
  KbRoles roles;

  if (!actor_roles (db, &roles, error))
    return FALSE;
  if ((roles & wanted) == 0)
    {
      g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED, refusal);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_planner (KbDb    *db,
                 GError **error)
{
  return require_roles (db, KB_ROLES_AUDIT_PLANNERS,
                        _("Only a security officer plans audits and moves them on"), error);
}

/* Whether the acting operator is one of the audit's active staff auditors. */
static gboolean
actor_is_auditor (KbDb     *db,
                  gint64    audit_id,
                  gboolean *is_auditor,
                  GError  **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT 1 FROM audit_auditors WHERE audit_id = ?1"
                                          " AND operator_id = ?2 AND active = 1", error);
  int rc;

  *is_auditor = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  sqlite3_bind_int64 (stmt, 2, kb_db_get_actor (db));
  rc = sqlite3_step (stmt);
  *is_auditor = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit_or_rollback (KbDb     *db,
                    gboolean  ok,
                    GError  **error)
{
  if (ok && kb_db_commit (db, error))
    return TRUE;
  kb_db_rollback (db);
  return FALSE;
}

static char *
detail_string (const char *key,
               const char *value)
{
  g_autoptr(GString) buf = NULL;
  KbCanon canon;

  if (value == NULL || value[0] == '\0')
    return NULL;
  buf = g_string_new (NULL);
  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, key, value);
  kb_canon_finish (&canon);
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

static char *
dup_col (sqlite3_stmt *stmt,
         int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return g_strdup (text != NULL ? text : "");
}

/* --- KbAudit ------------------------------------------------------------------ */

struct _KbAudit {
  GObject parent_instance;
  gint64 id;
  KbAuditKind kind;
  char *title;
  char *scope;
  char *period_from;
  char *period_to;
  char *planned_on;
  KbAuditStatus status;
  int recurrence_months;
  gint64 previous_id;
  gint64 closed_at;
  char *notes;
  char *auditor_names;
  guint n_findings;
  guint n_open_findings;
  gboolean overdue;
};

G_DEFINE_FINAL_TYPE (KbAudit, kb_audit, G_TYPE_OBJECT)

static void
kb_audit_finalize (GObject *object)
{
  KbAudit *self = KB_AUDIT (object);

  g_free (self->title);
  g_free (self->scope);
  g_free (self->period_from);
  g_free (self->period_to);
  g_free (self->planned_on);
  g_free (self->notes);
  g_free (self->auditor_names);
  G_OBJECT_CLASS (kb_audit_parent_class)->finalize (object);
}

static void
kb_audit_class_init (KbAuditClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_audit_finalize;
}

static void
kb_audit_init (KbAudit *self)
{
}

gint64         kb_audit_get_id                (KbAudit *self) { return self->id; }
KbAuditKind    kb_audit_get_kind              (KbAudit *self) { return self->kind; }
const char    *kb_audit_get_title             (KbAudit *self) { return self->title; }
const char    *kb_audit_get_scope             (KbAudit *self) { return self->scope; }
const char    *kb_audit_get_period_from       (KbAudit *self) { return self->period_from; }
const char    *kb_audit_get_period_to         (KbAudit *self) { return self->period_to; }
const char    *kb_audit_get_planned_on        (KbAudit *self) { return self->planned_on; }
KbAuditStatus  kb_audit_get_status            (KbAudit *self) { return self->status; }
int            kb_audit_get_recurrence_months (KbAudit *self) { return self->recurrence_months; }
gint64         kb_audit_get_previous_id       (KbAudit *self) { return self->previous_id; }
gint64         kb_audit_get_closed_at         (KbAudit *self) { return self->closed_at; }
const char    *kb_audit_get_notes             (KbAudit *self) { return self->notes; }
const char    *kb_audit_get_auditor_names     (KbAudit *self) { return self->auditor_names; }
guint          kb_audit_get_n_findings        (KbAudit *self) { return self->n_findings; }
guint          kb_audit_get_n_open_findings   (KbAudit *self) { return self->n_open_findings; }
gboolean       kb_audit_get_overdue           (KbAudit *self) { return self->overdue; }

/* The columns every audit query selects, in this order; ?1 is today.
 * Named auditors show their organisation. */
#define AUDIT_SELECT \
  "SELECT a.id, a.kind, a.title, a.scope, a.period_from, a.period_to, a.planned_on," \
  " a.status, a.recurrence_months, a.previous_id, a.closed_at, a.notes," \
  " (SELECT group_concat (n, ', ') FROM (SELECT coalesce (o.name, x.name ||" \
  "    CASE WHEN coalesce (x.organisation, '') <> '' THEN ' (' || x.organisation || ')'" \
  "    ELSE '' END) AS n FROM audit_auditors x" \
  "    LEFT JOIN operators o ON o.id = x.operator_id" \
  "    WHERE x.audit_id = a.id AND x.active = 1 ORDER BY x.id))," \
  " (SELECT count (*) FROM findings f WHERE f.audit_id = a.id)," \
  " (SELECT count (*) FROM findings f WHERE f.audit_id = a.id AND f.status = 'open')," \
  " (a.status = 'planned' AND a.planned_on < ?1) OR EXISTS (SELECT 1 FROM findings f" \
  "    WHERE f.audit_id = a.id AND f.status = 'open' AND f.due_on < ?1)" \
  " FROM audits a"

static KbAudit *
audit_from_row (sqlite3_stmt *stmt)
{
  KbAudit *self = g_object_new (KB_TYPE_AUDIT, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->kind = lookup_string (kind_strings, G_N_ELEMENTS (kind_strings),
                              (const char *) sqlite3_column_text (stmt, 1));
  self->title = dup_col (stmt, 2);
  self->scope = dup_col (stmt, 3);
  self->period_from = dup_col (stmt, 4);
  self->period_to = dup_col (stmt, 5);
  self->planned_on = dup_col (stmt, 6);
  self->status = lookup_string (status_strings, G_N_ELEMENTS (status_strings),
                                (const char *) sqlite3_column_text (stmt, 7));
  self->recurrence_months = sqlite3_column_int (stmt, 8);
  self->previous_id = sqlite3_column_int64 (stmt, 9);
  self->closed_at = sqlite3_column_int64 (stmt, 10);
  self->notes = dup_col (stmt, 11);
  self->auditor_names = dup_col (stmt, 12);
  self->n_findings = sqlite3_column_int (stmt, 13);
  self->n_open_findings = sqlite3_column_int (stmt, 14);
  self->overdue = sqlite3_column_int (stmt, 15) != 0;
  return self;
}

static gboolean
require_reader (KbDb     *db,
                gboolean *all,
                GError  **error)
{
  KbRoles roles;

  if (!actor_roles (db, &roles, error))
    return FALSE;
  /* Someone responsible for a finding sees that finding and its audit,
   * so that they can record its corrective action. */
  *all = (roles & KB_ROLES_AUDIT_READERS) != 0;
  return TRUE;
}

/**
 * kb_audit_list:
 * @from: (nullable): first planned date, "YYYY-MM-DD"
 * @to: (nullable): the day after the last
 * @today: (nullable): the date overdue is reckoned against; %NULL: today
 *
 * Audits planned in the range, the latest planned first. Readers
 * (%KB_ROLES_AUDIT_READERS) see every audit; anyone else only the audits
 * with a finding they are responsible for.
 *
 * Returns: (transfer full): a model of #KbAudit, or %NULL with @error set
 */
GListModel *
kb_audit_list (KbDb        *db,
               const char  *from,
               const char  *to,
               const char  *today,
               GError     **error)
{
  g_autoptr(GListStore) audits = NULL;
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;
  gboolean all;
  int rc;

  if (!require_reader (db, &all, error))
    return NULL;
  if (today == NULL)
    today = now = local_today ();

  stmt = kb_db_prepare (db, AUDIT_SELECT
                            " WHERE (?2 IS NULL OR a.planned_on >= ?2)"
                            " AND (?3 IS NULL OR a.planned_on < ?3)"
                            " AND (?4 OR EXISTS (SELECT 1 FROM findings f"
                            "   WHERE f.audit_id = a.id AND f.responsible_id = ?5))"
                            " ORDER BY a.planned_on DESC, a.id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  if (from != NULL)
    sqlite3_bind_text (stmt, 2, from, -1, SQLITE_TRANSIENT);
  if (to != NULL)
    sqlite3_bind_text (stmt, 3, to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, all);
  sqlite3_bind_int64 (stmt, 5, kb_db_get_actor (db));

  audits = g_list_store_new (KB_TYPE_AUDIT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbAudit) audit = audit_from_row (stmt);

      g_list_store_append (audits, audit);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&audits));
}

static KbAudit *
load_audit (KbDb        *db,
            gint64       id,
            const char  *today,
            GError     **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;
  KbAudit *audit = NULL;
  int rc;

  if (today == NULL)
    today = now = local_today ();
  stmt = kb_db_prepare (db, AUDIT_SELECT " WHERE a.id = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    audit = audit_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("There is no audit %" PRId64), id);
  else if (rc != SQLITE_ROW)
    kb_db_set_error (db, error, _("Cannot read the audit register"));
  return audit;
}

/**
 * kb_audit_get:
 * @today: (nullable): as for kb_audit_list()
 *
 * Returns: (transfer full): the audit, or %NULL with @error set
 */
KbAudit *
kb_audit_get (KbDb        *db,
              gint64       id,
              const char  *today,
              GError     **error)
{
  gboolean all;

  if (!require_reader (db, &all, error))
    return NULL;
  if (!all)
    {
      sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT 1 FROM findings WHERE audit_id = ?1"
                                              " AND responsible_id = ?2", error);
      gboolean mine;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, kb_db_get_actor (db));
      mine = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (!mine)
        {
          g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                               _("Only the security officers, the network administrator, "
                                 "auditors and supervisors can read the audit register"));
          return NULL;
        }
    }
  return load_audit (db, id, today, error);
}

/* --- planning ------------------------------------------------------------------ */

typedef struct {
  gint64 operator_id;
  char *name;          /* named auditors */
  char *organisation;
} Auditor;

static void
auditor_clear (Auditor *a)
{
  g_free (a->name);
  g_free (a->organisation);
}

static gboolean
auditor_same (const Auditor *a,
              gint64         operator_id,
              const char    *name,
              const char    *organisation)
{
  if (a->operator_id != 0 || operator_id != 0)
    return a->operator_id == operator_id;
  return g_strcmp0 (a->name, name) == 0 && g_strcmp0 (a->organisation, organisation) == 0;
}

/* Validates the auditors as given (not yet against the operator register). */
static GArray *
validate_auditors (const KbAuditChange  *change,
                   GError              **error)
{
  g_autoptr(GArray) auditors = g_array_new (FALSE, TRUE, sizeof (Auditor));
  gboolean named = FALSE;

  g_array_set_clear_func (auditors, (GDestroyNotify) auditor_clear);
  if (change->n_auditors == 0 || change->auditors == NULL)
    {
      kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_EMPTY,
                          _("Name at least one auditor"));
      return NULL;
    }

  for (guint i = 0; i < change->n_auditors; i++)
    {
      const KbAuditorSpec *spec = &change->auditors[i];
      Auditor a = { spec->operator_id, NULL, NULL };

      if (spec->operator_id < 0)
        {
          kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID,
                              _("Choose an auditor from the operators"));
          return NULL;
        }
      if (spec->operator_id == 0)
        {
          g_autofree char *name = kb_validate_text (KB_FIELD_AUDITORS, spec->name, KB_MAX_NAME,
                                                    FALSE, FALSE, error);
          g_autofree char *org = NULL;

          if (name == NULL)
            return NULL;
          if (name[0] == '\0')
            {
              kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_EMPTY,
                                  _("Choose a staff auditor or enter the auditor’s name"));
              return NULL;
            }
          org = kb_validate_text (KB_FIELD_AUDITORS, spec->organisation, AUDIT_MAX_ORG, FALSE,
                                  FALSE, error);
          if (org == NULL)
            return NULL;
          if (org[0] == '\0')
            {
              kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_EMPTY,
                                  _("Enter the organisation of %s (for Council members, "
                                    "本人確認情報保護審議会)"), name);
              return NULL;
            }
          a.name = g_steal_pointer (&name);
          a.organisation = g_steal_pointer (&org);
          named = TRUE;
        }
      else if ((spec->name != NULL && spec->name[0] != '\0') ||
               (spec->organisation != NULL && spec->organisation[0] != '\0'))
        {
          kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID,
                              _("An auditor is either one of the staff or named, not both"));
          return NULL;
        }

      for (guint j = 0; j < auditors->len; j++)
        if (auditor_same (&g_array_index (auditors, Auditor, j), a.operator_id, a.name,
                          a.organisation))
          {
            if (a.operator_id == 0)
              kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_DUPLICATE,
                                  _("%s (%s) is named twice"), a.name, a.organisation);
            else
              kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_DUPLICATE,
                                  _("The same operator is named twice as an auditor"));
            auditor_clear (&a);
            return NULL;
          }
      g_array_append_val (auditors, a);
    }

  if (change->kind == KB_AUDIT_PRE_USE && !named)
    {
      kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID,
                          _("A pre-use audit is made by members of the Protection Council: "
                            "name at least one"));
      return NULL;
    }
  return g_steal_pointer (&auditors);
}

static gboolean
check_staff_auditors (KbDb     *db,
                      GArray   *auditors,
                      GError  **error)
{
  for (guint i = 0; i < auditors->len; i++)
    {
      Auditor *a = &g_array_index (auditors, Auditor, i);
      sqlite3_stmt *stmt;
      gboolean ok;

      if (a->operator_id == 0)
        continue;
      stmt = kb_db_prepare (db, "SELECT active FROM operators WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, a->operator_id);
      ok = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
      sqlite3_reset (stmt);
      if (!ok)
        {
          kb_set_field_error (error, KB_FIELD_AUDITORS, KB_FIELD_ERROR_INVALID,
                              _("A staff auditor must be an active operator"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
insert_auditor (KbDb         *db,
                gint64        audit_id,
                gint64        operator_id,
                const char   *name,
                const char   *organisation,
                GError      **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "INSERT INTO audit_auditors (audit_id, operator_id,"
                                          " name, organisation) VALUES (?1, nullif (?2, 0), ?3, ?4)",
                                      error);
  gint64 id;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  sqlite3_bind_int64 (stmt, 2, operator_id);
  if (operator_id == 0)
    {
      sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, organisation, -1, SQLITE_TRANSIENT);
    }
  if (!kb_db_step_done (db, stmt, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  return kb_journal_record (db, "auditor.add", "auditor", id, NULL, error);
}

/* Makes the audit's active auditors @wanted: withdraws the others, adds
 * the new. *changed says whether anything was written. */
static gboolean
replace_auditors (KbDb     *db,
                  gint64    audit_id,
                  GArray   *wanted,
                  gboolean *changed,
                  GError  **error)
{
  g_autoptr(GArray) present = g_array_new (FALSE, TRUE, sizeof (Auditor));
  g_autoptr(GArray) present_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (present, (GDestroyNotify) auditor_clear);
  stmt = kb_db_prepare (db, "SELECT id, coalesce (operator_id, 0), name, organisation"
                            " FROM audit_auditors WHERE audit_id = ?1 AND active = 1 ORDER BY id",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      Auditor a = { sqlite3_column_int64 (stmt, 1), NULL, NULL };

      if (a.operator_id == 0)
        {
          a.name = dup_col (stmt, 2);
          a.organisation = dup_col (stmt, 3);
        }
      g_array_append_val (present, a);
      g_array_append_val (present_ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return FALSE;
    }

  for (guint i = 0; i < present->len; i++)
    {
      Auditor *p = &g_array_index (present, Auditor, i);
      gboolean keep = FALSE;

      for (guint j = 0; j < wanted->len && !keep; j++)
        {
          Auditor *w = &g_array_index (wanted, Auditor, j);

          keep = auditor_same (p, w->operator_id, w->name, w->organisation);
        }
      if (keep)
        continue;
      stmt = kb_db_prepare (db, "UPDATE audit_auditors SET active = 0 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (present_ids, gint64, i));
      if (!kb_db_step_done (db, stmt, error) ||
          !kb_journal_record (db, "auditor.withdraw", "auditor",
                              g_array_index (present_ids, gint64, i), NULL, error))
        return FALSE;
      *changed = TRUE;
    }

  for (guint j = 0; j < wanted->len; j++)
    {
      Auditor *w = &g_array_index (wanted, Auditor, j);
      gboolean there = FALSE;

      for (guint i = 0; i < present->len && !there; i++)
        there = auditor_same (&g_array_index (present, Auditor, i), w->operator_id, w->name,
                              w->organisation);
      if (there)
        continue;
      if (!insert_auditor (db, audit_id, w->operator_id, w->name, w->organisation, error))
        return FALSE;
      *changed = TRUE;
    }
  return TRUE;
}

/**
 * kb_audit_save:
 * @change: the plan as typed
 *
 * Plans an audit (@change->id 0, "audit.plan") or amends the plan of one
 * not yet closed (a reason is required, "audit.amend"). Every field is
 * checked first; on any error nothing is written and a %KB_FIELD_ERROR
 * names the field. Auditors given replace the active ones; withdrawn
 * rows stay ("auditor.withdraw"), new ones are added ("auditor.add").
 *
 * Returns: the audit's id, or 0 with @error set
 */
gint64
kb_audit_save (KbDb                 *db,
               const KbAuditChange  *change,
               GError              **error)
{
  g_autofree char *title = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *period_from = NULL;
  g_autofree char *period_to = NULL;
  g_autofree char *planned_on = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GArray) auditors = NULL;
  gint64 id;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE, changed = FALSE;

  g_return_val_if_fail (change != NULL, 0);

  if (!require_planner (db, error))
    return 0;

  if ((guint) change->kind >= G_N_ELEMENTS (kind_strings))
    {
      kb_set_field_error (error, KB_FIELD_KIND, KB_FIELD_ERROR_INVALID,
                          _("Choose the kind of audit"));
      return 0;
    }
  if ((title = kb_validate_text (KB_FIELD_TITLE, change->title, AUDIT_MAX_TITLE, TRUE, FALSE,
                                 error)) == NULL ||
      (scope = kb_validate_text (KB_FIELD_SCOPE, change->scope, KB_AUDIT_MAX_SCOPE, TRUE, TRUE,
                                 error)) == NULL ||
      !parse_date (KB_FIELD_PERIOD_FROM, change->period_from, TRUE, &period_from, error) ||
      !parse_date (KB_FIELD_PERIOD_TO, change->period_to, TRUE, &period_to, error))
    return 0;
  if (strcmp (period_to, period_from) < 0)
    {
      kb_set_field_error (error, KB_FIELD_PERIOD_TO, KB_FIELD_ERROR_INVALID,
                          _("The audited period ends before it begins (%s)"), period_from);
      return 0;
    }
  if (!parse_date (KB_FIELD_PLANNED, change->planned_on, TRUE, &planned_on, error))
    return 0;
  if (change->recurrence_months < 0 || change->recurrence_months > 60)
    {
      kb_set_field_error (error, KB_FIELD_RECURRENCE, KB_FIELD_ERROR_INVALID,
                          _("Repeat every 1 to 60 months, or 0 for once"));
      return 0;
    }
  if ((auditors = validate_auditors (change, error)) == NULL ||
      (notes = kb_validate_text (KB_FIELD_NOTES, change->notes, KB_AUDIT_MAX_TEXT, FALSE, TRUE,
                                 error)) == NULL ||
      (reason = kb_validate_text (KB_FIELD_REASON, change->reason, KB_MAX_REASON,
                                  change->id != 0, TRUE, error)) == NULL)
    return 0;

  if (!kb_db_begin (db, error))
    return 0;
  id = change->id;
  if (!check_staff_auditors (db, auditors, error))
    goto out;

  if (id != 0)
    {
      g_autoptr(KbAudit) audit = load_audit (db, id, NULL, error);

      if (audit == NULL)
        goto out;
      if (audit->status == KB_AUDIT_CLOSED)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("“%s” is closed; its plan cannot change"), audit->title);
          goto out;
        }
      if ((before = kb_journal_row_state (db, "audit", id, error)) == NULL)
        goto out;
      stmt = kb_db_prepare (db, "UPDATE audits SET kind = ?2, title = ?3, scope = ?4,"
                                " period_from = ?5, period_to = ?6, planned_on = ?7,"
                                " recurrence_months = ?8, notes = ?9 WHERE id = ?1", error);
    }
  else
    stmt = kb_db_prepare (db, "INSERT INTO audits (kind, title, scope, period_from, period_to,"
                              " planned_on, recurrence_months, notes)"
                              " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, kind_strings[change->kind], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, scope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, period_from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, period_to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, planned_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 8, change->recurrence_months);
  sqlite3_bind_text (stmt, 9, notes, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    goto out;
  if (id == 0)
    id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  else if ((after = kb_journal_row_state (db, "audit", id, error)) == NULL)
    goto out;

  if (before == NULL || g_strcmp0 (before, after) != 0)
    {
      detail = detail_string ("reason", reason);
      if (!kb_journal_record (db, before == NULL ? "audit.plan" : "audit.amend", "audit", id,
                              detail, error))
        goto out;
      changed = TRUE;
    }
  if (!replace_auditors (db, id, auditors, &changed, error))
    goto out;
  ok = TRUE;

out:
  if (!commit_or_rollback (db, ok, error))
    return 0;
  return id;
}

/* --- self-audit ---------------------------------------------------------------- */

/* Registers whose changes are not the audited work: the audit register
 * itself, training, and one's own password. */
static gboolean
audited_entity (const char *entity)
{
  static const char * const skip[] = {
    "audit", "auditor", "finding", "finding-link", "attendance", "training", "credential",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skip); i++)
    if (g_str_equal (entity, skip[i]))
      return FALSE;
  return TRUE;
}

static void
free_string (gpointer string)
{
  g_string_free (string, TRUE);
}

/* The local midnight that begins @date, in UTC as the journal writes its
 * times ("2026-09-30T15:00:00"; a prefix of the journal's own text, so
 * that text comparison orders them). */
static char *
utc_midnight (const GDate *date)
{
  g_autoptr(GDateTime) local = g_date_time_new_local (g_date_get_year (date),
                                                      g_date_get_month (date),
                                                      g_date_get_day (date), 0, 0, 0);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (local);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
}

/**
 * kb_audit_self_audit_warnings:
 * @audit_id: the audit
 *
 * Nobody audits work they performed. For each active staff auditor: the
 * changes to the audited registers the journal shows them making in the
 * audited period (its days from local midnight to midnight), by
 * register; and each finding whose responsible person is one of the
 * auditors. Advisory: nothing is refused.
 *
 * Returns: (transfer full) (element-type utf8): translated lines, empty
 *   when nobody audits their own work; %NULL with @error set
 */
GPtrArray *
kb_audit_self_audit_warnings (KbDb     *db,
                              gint64    audit_id,
                              GError  **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(KbAudit) audit = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GPtrArray) parts_array = NULL;
  g_autofree gint64 *totals = NULL;
  GString **parts;
  sqlite3_stmt *stmt;
  GDate start, end;
  int rc;

  if (!require_roles (db, KB_ROLES_AUDIT_READERS,
                      _("Only the security officers, the network administrator, auditors and "
                        "supervisors can read the audit register"), error))
    return NULL;
  if ((audit = load_audit (db, audit_id, NULL, error)) == NULL)
    return NULL;
  if (!date_from_text (audit->period_from, &start) || !date_from_text (audit->period_to, &end))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                   _("Audit %" PRId64 " has no valid period"), audit_id);
      return NULL;
    }
  g_date_add_days (&end, 1);
  since = utc_midnight (&start);
  until = utc_midnight (&end);

  stmt = kb_db_prepare (db, "SELECT x.operator_id, o.name FROM audit_auditors x"
                            " JOIN operators o ON o.id = x.operator_id"
                            " WHERE x.audit_id = ?1 AND x.active = 1 ORDER BY x.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (names, dup_col (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return NULL;
    }
  parts_array = g_ptr_array_new_with_free_func (free_string);
  totals = g_new0 (gint64, ids->len + 1);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (parts_array, g_string_new (NULL));
  parts = (GString **) parts_array->pdata;

  /* One pass over the journal for all the auditors: it has no index on
   * its times, and may hold millions of entries. */
  stmt = kb_db_prepare (db, "SELECT actor, entity, count (*) AS n FROM journal"
                            " WHERE at >= ?2 AND at < ?3 AND entity IS NOT NULL"
                            " AND actor IN (SELECT operator_id FROM audit_auditors"
                            "   WHERE audit_id = ?1 AND active = 1)"
                            " GROUP BY actor, entity ORDER BY actor, n DESC, entity", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  sqlite3_bind_text (stmt, 2, since, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, until, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *entity = (const char *) sqlite3_column_text (stmt, 1);
      const KbRegister *reg = kb_register_lookup (entity);
      gint64 actor = sqlite3_column_int64 (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 2);

      /* An asset's event and disposal rows are journaled with the asset
       * itself: one change, counted once, as the asset's. */
      if (reg == NULL || !audited_entity (entity) ||
          g_str_equal (entity, "asset-event") || g_str_equal (entity, "disposal"))
        continue;
      for (guint i = 0; i < ids->len; i++)
        if (g_array_index (ids, gint64, i) == actor)
          {
            if (parts[i]->len > 0)
              g_string_append (parts[i], _(", "));
            /* TRANSLATORS: a register and how many changes to it, "terminal usage 30" */
            g_string_append_printf (parts[i], _("%s %" PRId64), _(reg->label), n);
            totals[i] += n;
          }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the journal"));
      return NULL;
    }
  for (guint i = 0; i < ids->len; i++)
    if (totals[i] > 0)
      g_ptr_array_add (lines,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%s made %" PRId64 " change to the "
                                                     "registers in the audited period (%s): "
                                                     "they would be auditing their own work",
                                                     "%s made %" PRId64 " changes to the "
                                                     "registers in the audited period (%s): "
                                                     "they would be auditing their own work",
                                                     (gulong) totals[i]),
                                        (const char *) g_ptr_array_index (names, i), totals[i],
                                        parts[i]->str));

  stmt = kb_db_prepare (db, "SELECT o.name, f.description FROM findings f"
                            " JOIN audit_auditors x ON x.audit_id = f.audit_id"
                            "  AND x.operator_id = f.responsible_id AND x.active = 1"
                            " JOIN operators o ON o.id = f.responsible_id"
                            " WHERE f.audit_id = ?1 AND f.status = 'open' ORDER BY f.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *description = dup_col (stmt, 1);
      g_autofree char *shortened = NULL;

      if (g_utf8_strlen (description, -1) > 40)
        {
          g_autofree char *head = g_utf8_substring (description, 0, 40);

          shortened = g_strconcat (head, "…", NULL);
        }
      g_ptr_array_add (lines,
                       g_strdup_printf (_("%s is responsible for the finding “%s” and is also "
                                          "one of the auditors: they would be checking their "
                                          "own correction"),
                                        (const char *) sqlite3_column_text (stmt, 0),
                                        shortened != NULL ? shortened : description));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return NULL;
    }
  return g_steal_pointer (&lines);
}

/* --- moving on ------------------------------------------------------------------ */

/* "2 findings are still open: a, b, …" */
static char *
describe_open_findings (KbDb     *db,
                        gint64    audit_id,
                        guint    *n_open,
                        GError  **error)
{
  g_autoptr(GString) list = g_string_new (NULL);
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT description FROM findings"
                                          " WHERE audit_id = ?1 AND status = 'open' ORDER BY id",
                                      error);
  int rc;

  *n_open = 0;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);

      if (++(*n_open) > 3)
        continue;
      if (list->len > 0)
        g_string_append (list, _(", "));
      if (g_utf8_strlen (text, -1) > 30)
        {
          g_autofree char *head = g_utf8_substring (text, 0, 30);

          g_string_append_printf (list, "“%s…”", head);
        }
      else
        g_string_append_printf (list, "“%s”", text);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return NULL;
    }
  if (*n_open > 3)
    g_string_append (list, _(", …"));
  return g_string_free (g_steal_pointer (&list), FALSE);
}

/* Plans the audit that follows @audit (just closed): same kind, title,
 * scope, recurrence and active auditors (staff only if still active), the
 * planned date @recurrence months on, the period right after this one. */
static gint64
plan_next (KbDb     *db,
           KbAudit  *audit,
           GError  **error)
{
  g_autofree char *planned = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GArray) auditors = g_array_new (FALSE, TRUE, sizeof (Auditor));
  g_autoptr(GString) buf = g_string_new (NULL);
  g_autofree char *detail = NULL;
  KbCanon canon;
  sqlite3_stmt *stmt;
  GDate date;
  gint64 id;
  int rc;

  g_array_set_clear_func (auditors, (GDestroyNotify) auditor_clear);
  if (!date_from_text (audit->planned_on, &date))
    goto bad_dates;
  kb_date_add_months_clamped (&date, audit->recurrence_months);
  planned = date_to_text (&date);
  if (!date_from_text (audit->period_to, &date))
    goto bad_dates;
  g_date_add_days (&date, 1);
  from = date_to_text (&date);
  kb_date_add_months_clamped (&date, audit->recurrence_months);
  g_date_subtract_days (&date, 1);
  to = date_to_text (&date);

  stmt = kb_db_prepare (db, "INSERT INTO audits (kind, title, scope, period_from, period_to,"
                            " planned_on, recurrence_months, previous_id)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, kind_strings[audit->kind], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, audit->title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, audit->scope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, planned, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 7, audit->recurrence_months);
  sqlite3_bind_int64 (stmt, 8, audit->id);
  if (!kb_db_step_done (db, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  kb_canon_init (&canon, buf);
  kb_canon_add_int (&canon, "previous", audit->id);
  kb_canon_finish (&canon);
  detail = g_string_free (g_steal_pointer (&buf), FALSE);
  if (!kb_journal_record (db, "audit.plan", "audit", id, detail, error))
    return 0;

  stmt = kb_db_prepare (db, "SELECT coalesce (x.operator_id, 0), x.name, x.organisation"
                            " FROM audit_auditors x LEFT JOIN operators o ON o.id = x.operator_id"
                            " WHERE x.audit_id = ?1 AND x.active = 1"
                            " AND (x.operator_id IS NULL OR o.active = 1) ORDER BY x.id", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, audit->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Auditor a = { sqlite3_column_int64 (stmt, 0), NULL, NULL };

      if (a.operator_id == 0)
        {
          a.name = dup_col (stmt, 1);
          a.organisation = dup_col (stmt, 2);
        }
      g_array_append_val (auditors, a);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return 0;
    }
  for (guint i = 0; i < auditors->len; i++)
    {
      Auditor *a = &g_array_index (auditors, Auditor, i);

      if (!insert_auditor (db, id, a->operator_id, a->name, a->organisation, error))
        return 0;
    }
  return id;

bad_dates:
  g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
               _("Audit %" PRId64 " has no valid dates; the next one cannot be planned"),
               audit->id);
  return 0;
}

/**
 * kb_audit_advance:
 * @to: the next status: exactly one step on from the present one
 * @next_id: (out) (optional): the audit planned by closing a recurrent one
 *
 * Starts, reports or closes an audit ("audit.start", "audit.report",
 * "audit.close"). Closing is refused while a finding is open, and plans
 * the next audit of a recurrent one in the same transaction.
 */
gboolean
kb_audit_advance (KbDb          *db,
                  gint64         audit_id,
                  KbAuditStatus  to,
                  gint64        *next_id,
                  GError       **error)
{
  static const char * const verbs[] = { NULL, "audit.start", "audit.report", "audit.close" };
  g_autoptr(KbAudit) audit = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  gint64 next = 0;

  if (next_id != NULL)
    *next_id = 0;
  if (!require_planner (db, error))
    return FALSE;
  if ((guint) to >= G_N_ELEMENTS (status_strings))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED, _("There is no such status"));
      return FALSE;
    }
  if (!kb_db_begin (db, error))
    return FALSE;
  if ((audit = load_audit (db, audit_id, NULL, error)) == NULL)
    goto out;

  if (audit->status == KB_AUDIT_CLOSED)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("“%s” is already closed"), audit->title);
      goto out;
    }
  if (to <= audit->status)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("“%s” is at “%s”; an audit does not go back to “%s”"), audit->title,
                   kb_audit_status_get_label (audit->status), kb_audit_status_get_label (to));
      goto out;
    }
  if (to != audit->status + 1)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("“%s” is at “%s”; its next step is “%s”"), audit->title,
                   kb_audit_status_get_label (audit->status),
                   kb_audit_status_get_label (audit->status + 1));
      goto out;
    }

  if (to == KB_AUDIT_CLOSED)
    {
      g_autofree char *open = NULL;
      guint n_open;

      if ((open = describe_open_findings (db, audit_id, &n_open, error)) == NULL)
        goto out;
      if (n_open > 0)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "%u finding is still open: %s. An audit closes when every "
                                    "finding is closed or accepted by a security officer.",
                                    "%u findings are still open: %s. An audit closes when every "
                                    "finding is closed or accepted by a security officer.",
                                    n_open),
                       n_open, open);
          goto out;
        }
    }

  stmt = kb_db_prepare (db, "UPDATE audits SET status = ?2,"
                            " closed_at = CASE WHEN ?2 = 'closed' THEN ?3 END,"
                            " closed_by = CASE WHEN ?2 = 'closed' THEN nullif (?4, 0) END"
                            " WHERE id = ?1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, audit_id);
  sqlite3_bind_text (stmt, 2, status_strings[to], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  sqlite3_bind_int64 (stmt, 4, kb_db_get_actor (db));
  if (!kb_db_step_done (db, stmt, error) ||
      !kb_journal_record (db, verbs[to], "audit", audit_id, NULL, error))
    goto out;

  if (to == KB_AUDIT_CLOSED && audit->recurrence_months > 0 &&
      (next = plan_next (db, audit, error)) == 0)
    goto out;
  ok = TRUE;

out:
  if (!commit_or_rollback (db, ok, error))
    return FALSE;
  if (next_id != NULL)
    *next_id = next;
  return TRUE;
}

/* --- KbFinding ------------------------------------------------------------------ */

struct _KbFinding {
  GObject parent_instance;
  gint64 id;
  gint64 audit_id;
  KbSeverity severity;
  char *description;
  gint64 responsible_id;
  char *responsible_name;
  char *action;
  char *due_on;
  KbFindingStatus status;
  char *evidence;
  gint64 resolved_at;
  char *resolver_name;
  gboolean overdue;
  GArray *links;
};

G_DEFINE_FINAL_TYPE (KbFinding, kb_finding, G_TYPE_OBJECT)

static void
link_clear (KbFindingLink *link)
{
  g_free ((char *) link->entity);
}

static void
kb_finding_finalize (GObject *object)
{
  KbFinding *self = KB_FINDING (object);

  g_free (self->description);
  g_free (self->responsible_name);
  g_free (self->action);
  g_free (self->due_on);
  g_free (self->evidence);
  g_free (self->resolver_name);
  g_clear_pointer (&self->links, g_array_unref);
  G_OBJECT_CLASS (kb_finding_parent_class)->finalize (object);
}

static void
kb_finding_class_init (KbFindingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_finding_finalize;
}

static void
kb_finding_init (KbFinding *self)
{
  self->links = g_array_new (FALSE, TRUE, sizeof (KbFindingLink));
  g_array_set_clear_func (self->links, (GDestroyNotify) link_clear);
}

gint64           kb_finding_get_id               (KbFinding *self) { return self->id; }
gint64           kb_finding_get_audit_id         (KbFinding *self) { return self->audit_id; }
KbSeverity       kb_finding_get_severity         (KbFinding *self) { return self->severity; }
const char      *kb_finding_get_description      (KbFinding *self) { return self->description; }
gint64           kb_finding_get_responsible_id   (KbFinding *self) { return self->responsible_id; }
const char      *kb_finding_get_responsible_name (KbFinding *self) { return self->responsible_name; }
const char      *kb_finding_get_action           (KbFinding *self) { return self->action; }
const char      *kb_finding_get_due_on           (KbFinding *self) { return self->due_on; }
KbFindingStatus  kb_finding_get_status           (KbFinding *self) { return self->status; }
const char      *kb_finding_get_evidence         (KbFinding *self) { return self->evidence; }
gint64           kb_finding_get_resolved_at      (KbFinding *self) { return self->resolved_at; }
const char      *kb_finding_get_resolver_name    (KbFinding *self) { return self->resolver_name; }
gboolean         kb_finding_get_overdue          (KbFinding *self) { return self->overdue; }

/**
 * kb_finding_get_links:
 *
 * Returns: (transfer none) (element-type KbFindingLink): the active links
 */
GArray *
kb_finding_get_links (KbFinding *self)
{
  g_return_val_if_fail (KB_IS_FINDING (self), NULL);
  return self->links;
}

#define FINDING_SELECT \
  "SELECT f.id, f.audit_id, f.severity, f.description, f.responsible_id, o.name, f.action," \
  " f.due_on, f.status, f.evidence, f.resolved_at, r.name," \
  " f.status = 'open' AND f.due_on < ?1" \
  " FROM findings f" \
  " JOIN operators o ON o.id = f.responsible_id" \
  " LEFT JOIN operators r ON r.id = f.resolved_by"

static KbFinding *
finding_from_row (sqlite3_stmt *stmt)
{
  KbFinding *self = g_object_new (KB_TYPE_FINDING, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->audit_id = sqlite3_column_int64 (stmt, 1);
  self->severity = lookup_string (severity_strings, G_N_ELEMENTS (severity_strings),
                                  (const char *) sqlite3_column_text (stmt, 2));
  self->description = dup_col (stmt, 3);
  self->responsible_id = sqlite3_column_int64 (stmt, 4);
  self->responsible_name = dup_col (stmt, 5);
  self->action = dup_col (stmt, 6);
  self->due_on = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? NULL : dup_col (stmt, 7);
  self->status = lookup_string (finding_strings, G_N_ELEMENTS (finding_strings),
                                (const char *) sqlite3_column_text (stmt, 8));
  self->evidence = dup_col (stmt, 9);
  self->resolved_at = sqlite3_column_int64 (stmt, 10);
  self->resolver_name = sqlite3_column_type (stmt, 11) == SQLITE_NULL ? NULL : dup_col (stmt, 11);
  self->overdue = sqlite3_column_int (stmt, 12) != 0;
  return self;
}

static gboolean
load_links (KbDb       *db,
            KbFinding  *finding,
            GError    **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT entity, entity_id FROM finding_links"
                                          " WHERE finding_id = ?1 AND active = 1 ORDER BY id",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, finding->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KbFindingLink link = { dup_col (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (finding->links, link);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return FALSE;
    }
  return TRUE;
}

/**
 * kb_finding_list:
 * @audit_id: the audit
 * @today: (nullable): the date overdue is reckoned against; %NULL: today
 *
 * The audit's findings: open ones first, the most severe first. Readers
 * see them all; anyone else only those they are responsible for.
 *
 * Returns: (transfer full): a model of #KbFinding, or %NULL with @error set
 */
GListModel *
kb_finding_list (KbDb        *db,
                 gint64       audit_id,
                 const char  *today,
                 GError     **error)
{
  g_autoptr(GListStore) findings = NULL;
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;
  gboolean all;
  int rc;

  if (!require_reader (db, &all, error))
    return NULL;
  if (today == NULL)
    today = now = local_today ();

  stmt = kb_db_prepare (db, FINDING_SELECT
                            " WHERE f.audit_id = ?2 AND (?3 OR f.responsible_id = ?4)"
                            " ORDER BY f.status <> 'open',"
                            " CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,"
                            " f.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, audit_id);
  sqlite3_bind_int (stmt, 3, all);
  sqlite3_bind_int64 (stmt, 4, kb_db_get_actor (db));

  findings = g_list_store_new (KB_TYPE_FINDING);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbFinding) finding = finding_from_row (stmt);

      g_list_store_append (findings, finding);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return NULL;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (findings)); i++)
    {
      g_autoptr(KbFinding) finding = g_list_model_get_item (G_LIST_MODEL (findings), i);

      if (!load_links (db, finding, error))
        return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&findings));
}

static KbFinding *
load_finding (KbDb     *db,
              gint64    id,
              GError  **error)
{
  g_autofree char *today = local_today ();
  sqlite3_stmt *stmt = kb_db_prepare (db, FINDING_SELECT " WHERE f.id = ?2", error);
  KbFinding *finding = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    finding = finding_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("There is no audit finding %" PRId64), id);
  else if (rc != SQLITE_ROW)
    kb_db_set_error (db, error, _("Cannot read the audit register"));
  if (finding != NULL && !load_links (db, finding, error))
    g_clear_object (&finding);
  return finding;
}

/* --- links ----------------------------------------------------------------------- */

static char *
format_day (gint64 t)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t);

  return g_date_time_format (local, "%Y-%m-%d");
}

/**
 * kb_finding_link_describe:
 * @link: a link of a finding
 *
 * A short line for people: "Usage entry 2026-11-20 JK-01 小林 健太",
 * "Asset USB-02 暗号化USBメモリ 2", "Equipment-room entry 2026-11-02 中村
 * 隆之", or the register's name and the row's number.
 *
 * Returns: (transfer full): the line
 */
char *
kb_finding_link_describe (KbDb                *db,
                          const KbFindingLink *link)
{
  const KbRegister *reg;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_return_val_if_fail (link != NULL, NULL);

  reg = kb_register_lookup (link->entity);
  if (reg == NULL)
    return g_strdup_printf (_("%s #%" PRId64), link->entity, link->entity_id);

  if (g_str_equal (link->entity, "usage"))
    stmt = kb_db_prepare (db, "SELECT u.started_at, t.code, o.name FROM usage u"
                              " JOIN terminals t ON t.id = u.terminal_id"
                              " JOIN operators o ON o.id = u.operator_id WHERE u.id = ?1", NULL);
  else if (g_str_equal (link->entity, "asset"))
    stmt = kb_db_prepare (db, "SELECT number, name FROM assets WHERE id = ?1", NULL);
  else if (g_str_equal (link->entity, "room"))
    stmt = kb_db_prepare (db, "SELECT r.entered_at, coalesce (o.name, r.visitor_name)"
                              " FROM room_entries r LEFT JOIN operators o ON o.id = r.operator_id"
                              " WHERE r.id = ?1", NULL);

  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, link->entity_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          if (g_str_equal (link->entity, "usage"))
            {
              g_autofree char *day = format_day (sqlite3_column_int64 (stmt, 0));

              text = g_strdup_printf (_("Usage entry %s %s %s"), day,
                                      (const char *) sqlite3_column_text (stmt, 1),
                                      (const char *) sqlite3_column_text (stmt, 2));
            }
          else if (g_str_equal (link->entity, "asset"))
            text = g_strdup_printf (_("Asset %s %s"),
                                    (const char *) sqlite3_column_text (stmt, 0),
                                    (const char *) sqlite3_column_text (stmt, 1));
          else
            {
              g_autofree char *day = format_day (sqlite3_column_int64 (stmt, 0));

              text = g_strdup_printf (_("Equipment-room entry %s %s"), day,
                                      (const char *) sqlite3_column_text (stmt, 1));
            }
        }
      sqlite3_reset (stmt);
    }
  if (text == NULL)
    /* TRANSLATORS: a register's name and a row's number, "IC cards #4" */
    text = g_strdup_printf (_("%s #%" PRId64), _(reg->label), link->entity_id);
  return text;
}

/* What a finding can concern: any register row but the audit register's
 * own and passwords. */
static gboolean
linkable_entity (const char *entity)
{
  static const char * const skip[] = {
    "audit", "auditor", "finding", "finding-link", "credential",
  };

  for (guint i = 0; i < G_N_ELEMENTS (skip); i++)
    if (g_str_equal (entity, skip[i]))
      return FALSE;
  return TRUE;
}

/* Checks the links as given: each names a register and one of its rows,
 * once. */
static gboolean
check_links (KbDb                  *db,
             const KbFindingChange *change,
             GError               **error)
{
  for (guint i = 0; i < change->n_links; i++)
    {
      const KbFindingLink *link = &change->links[i];
      const KbRegister *reg = kb_register_lookup (link->entity);
      g_autofree char *sql = NULL;
      sqlite3_stmt *stmt;
      gboolean found;

      if (reg == NULL || !linkable_entity (link->entity))
        {
          kb_set_field_error (error, KB_FIELD_LINKS, KB_FIELD_ERROR_INVALID,
                              _("“%s” is not a register a finding can concern"),
                              link->entity != NULL ? link->entity : "");
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (change->links[j].entity, link->entity) &&
            change->links[j].entity_id == link->entity_id)
          {
            kb_set_field_error (error, KB_FIELD_LINKS, KB_FIELD_ERROR_DUPLICATE,
                                _("%s #%" PRId64 " is linked twice"), _(reg->label),
                                link->entity_id);
            return FALSE;
          }
      /* The table's name comes from the register list, not from the caller. */
      sql = g_strconcat ("SELECT 1 FROM ", reg->table, " WHERE id = ?1", NULL);
      stmt = kb_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, link->entity_id);
      found = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_reset (stmt);
      if (!found)
        {
          kb_set_field_error (error, KB_FIELD_LINKS, KB_FIELD_ERROR_INVALID,
                              _("There is no row %" PRId64 " in the register of %s"),
                              link->entity_id, _(reg->label));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
replace_links (KbDb                  *db,
               gint64                 finding_id,
               const KbFindingChange *change,
               gboolean              *changed,
               GError               **error)
{
  g_autoptr(GArray) present = g_array_new (FALSE, TRUE, sizeof (KbFindingLink));
  g_autoptr(GArray) present_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_array_set_clear_func (present, (GDestroyNotify) link_clear);
  stmt = kb_db_prepare (db, "SELECT id, entity, entity_id FROM finding_links"
                            " WHERE finding_id = ?1 AND active = 1 ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, finding_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      KbFindingLink link = { dup_col (stmt, 1), sqlite3_column_int64 (stmt, 2) };

      g_array_append_val (present, link);
      g_array_append_val (present_ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the audit register"));
      return FALSE;
    }

  for (guint i = 0; i < present->len; i++)
    {
      KbFindingLink *p = &g_array_index (present, KbFindingLink, i);
      gint64 link_id = g_array_index (present_ids, gint64, i);
      gboolean keep = FALSE;

      for (guint j = 0; j < change->n_links && !keep; j++)
        keep = g_str_equal (p->entity, change->links[j].entity) &&
               p->entity_id == change->links[j].entity_id;
      if (keep)
        continue;
      stmt = kb_db_prepare (db, "UPDATE finding_links SET active = 0 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, link_id);
      if (!kb_db_step_done (db, stmt, error) ||
          !kb_journal_record (db, "finding-link.withdraw", "finding-link", link_id, NULL, error))
        return FALSE;
      *changed = TRUE;
    }

  for (guint j = 0; j < change->n_links; j++)
    {
      gboolean there = FALSE;
      gint64 link_id;

      for (guint i = 0; i < present->len && !there; i++)
        there = g_str_equal (g_array_index (present, KbFindingLink, i).entity,
                             change->links[j].entity) &&
                g_array_index (present, KbFindingLink, i).entity_id == change->links[j].entity_id;
      if (there)
        continue;
      stmt = kb_db_prepare (db, "INSERT INTO finding_links (finding_id, entity, entity_id)"
                                " VALUES (?1, ?2, ?3)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, finding_id);
      sqlite3_bind_text (stmt, 2, change->links[j].entity, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, change->links[j].entity_id);
      if (!kb_db_step_done (db, stmt, error))
        return FALSE;
      link_id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
      if (!kb_journal_record (db, "finding-link.add", "finding-link", link_id, NULL, error))
        return FALSE;
      *changed = TRUE;
    }
  return TRUE;
}

/* --- findings ---------------------------------------------------------------------- */

/**
 * kb_finding_save:
 * @change: the finding as typed
 *
 * Records a finding ("finding.record") or amends one (a reason is
 * required, "finding.amend") while its audit is in progress or reported.
 * Recorders (%KB_ROLES_AUDIT_RECORDERS) who are not security officers
 * must be one of the audit's auditors. Links given replace the active
 * ones ("finding-link.add", "finding-link.withdraw").
 *
 * Returns: the finding's id, or 0 with @error set
 */
gint64
kb_finding_save (KbDb                   *db,
                 const KbFindingChange  *change,
                 GError                **error)
{
  g_autofree char *description = NULL;
  g_autofree char *action = NULL;
  g_autofree char *due_on = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(KbAudit) audit = NULL;
  gint64 id = change != NULL ? change->id : 0, audit_id;
  KbRoles roles;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE, changed = FALSE;

  g_return_val_if_fail (change != NULL, 0);
  g_return_val_if_fail (change->n_links == 0 || change->links != NULL, 0);

  if (!require_roles (db, KB_ROLES_AUDIT_RECORDERS,
                      _("Only auditors and security officers record audit findings"), error) ||
      !actor_roles (db, &roles, error))
    return 0;

  if ((guint) change->severity >= G_N_ELEMENTS (severity_strings))
    {
      kb_set_field_error (error, KB_FIELD_SEVERITY, KB_FIELD_ERROR_INVALID,
                          _("Choose how severe the finding is"));
      return 0;
    }
  if ((description = kb_validate_text (KB_FIELD_DESCRIPTION, change->description,
                                       KB_AUDIT_MAX_TEXT, TRUE, TRUE, error)) == NULL)
    return 0;
  if (change->responsible_id <= 0)
    {
      kb_set_field_error (error, KB_FIELD_RESPONSIBLE, KB_FIELD_ERROR_EMPTY,
                          _("Choose who is responsible for the corrective action"));
      return 0;
    }
  if ((action = kb_validate_text (KB_FIELD_ACTION, change->action, KB_AUDIT_MAX_TEXT, FALSE, TRUE,
                                  error)) == NULL ||
      !parse_date (KB_FIELD_DUE, change->due_on, FALSE, &due_on, error) ||
      (reason = kb_validate_text (KB_FIELD_REASON, change->reason, KB_MAX_REASON, id != 0, TRUE,
                                  error)) == NULL)
    return 0;

  if (!kb_db_begin (db, error))
    return 0;

  audit_id = change->audit_id;
  if (id != 0)
    {
      g_autoptr(KbFinding) finding = load_finding (db, id, error);

      if (finding == NULL)
        goto out;
      if (audit_id != 0 && audit_id != finding->audit_id)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("A finding stays with the audit it was recorded in"));
          goto out;
        }
      audit_id = finding->audit_id;
    }
  if ((audit = load_audit (db, audit_id, NULL, error)) == NULL)
    goto out;
  if (audit->status != KB_AUDIT_IN_PROGRESS && audit->status != KB_AUDIT_REPORTED)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("“%s” is at “%s”: findings are recorded while an audit is in progress or "
                     "reported"), audit->title, kb_audit_status_get_label (audit->status));
      goto out;
    }
  if ((roles & KB_ROLES_OFFICERS) == 0)
    {
      gboolean is_auditor;

      if (!actor_is_auditor (db, audit_id, &is_auditor, error))
        goto out;
      if (!is_auditor)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("Only the auditors of “%s” and security officers record its findings"),
                       audit->title);
          goto out;
        }
    }

  stmt = kb_db_prepare (db, "SELECT active FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, change->responsible_id);
  ok = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (!ok)
    {
      kb_set_field_error (error, KB_FIELD_RESPONSIBLE, KB_FIELD_ERROR_INVALID,
                          _("The person responsible must be an active operator"));
      goto out;
    }
  ok = FALSE;
  if (!check_links (db, change, error))
    goto out;

  if (id != 0)
    {
      if ((before = kb_journal_row_state (db, "finding", id, error)) == NULL)
        goto out;
      stmt = kb_db_prepare (db, "UPDATE findings SET severity = ?2, description = ?3,"
                                " responsible_id = ?4, action = ?5, due_on = ?6 WHERE id = ?1",
                            error);
    }
  else
    stmt = kb_db_prepare (db, "INSERT INTO findings (audit_id, severity, description,"
                              " responsible_id, action, due_on) VALUES (?7, ?2, ?3, ?4, ?5, ?6)",
                          error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, severity_strings[change->severity], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, change->responsible_id);
  sqlite3_bind_text (stmt, 5, action, -1, SQLITE_TRANSIENT);
  if (due_on != NULL)
    sqlite3_bind_text (stmt, 6, due_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, audit_id);
  if (!kb_db_step_done (db, stmt, error))
    goto out;
  if (id == 0)
    id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  else if ((after = kb_journal_row_state (db, "finding", id, error)) == NULL)
    goto out;

  if (before == NULL || g_strcmp0 (before, after) != 0)
    {
      detail = detail_string ("reason", reason);
      if (!kb_journal_record (db, before == NULL ? "finding.record" : "finding.amend",
                              "finding", id, detail, error))
        goto out;
      changed = TRUE;
    }
  ok = replace_links (db, id, change, &changed, error);

out:
  if (!commit_or_rollback (db, ok, error))
    return 0;
  return id;
}

/* Loads a finding to resolve or reopen, inside the transaction, with its
 * audit; refuses when the audit is closed. */
static KbFinding *
begin_resolution (KbDb     *db,
                  gint64    finding_id,
                  KbAudit **audit_out,
                  GError  **error)
{
  g_autoptr(KbFinding) finding = NULL;
  g_autoptr(KbAudit) audit = NULL;

  if ((finding = load_finding (db, finding_id, error)) == NULL ||
      (audit = load_audit (db, finding->audit_id, NULL, error)) == NULL)
    return NULL;
  if (audit->status == KB_AUDIT_CLOSED)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("“%s” is closed; its findings no longer change"), audit->title);
      return NULL;
    }
  *audit_out = g_steal_pointer (&audit);
  return g_steal_pointer (&finding);
}

static gboolean
resolve (KbDb             *db,
         gint64            finding_id,
         KbFindingStatus   to,
         const char       *text,
         GError          **error)
{
  g_autoptr(KbFinding) finding = NULL;
  g_autoptr(KbAudit) audit = NULL;
  g_autofree char *detail = NULL;
  gint64 actor = kb_db_get_actor (db);
  KbRoles roles;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  if (!actor_roles (db, &roles, error))
    return FALSE;
  if (to == KB_FINDING_ACCEPTED && (roles & KB_ROLES_OFFICERS) == 0)
    {
      g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                           _("Only a security officer accepts a finding as it is"));
      return FALSE;
    }
  /* The row says who resolved it: someone must be signed in. */
  if (actor == 0)
    {
      g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                           _("Sign in to resolve a finding: the register records who did"));
      return FALSE;
    }

  if (!kb_db_begin (db, error))
    return FALSE;
  if ((finding = begin_resolution (db, finding_id, &audit, error)) == NULL)
    goto out;
  if (finding->status != KB_FINDING_OPEN)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This finding is already %s"),
                   kb_finding_status_get_label (finding->status));
      goto out;
    }
  if (to == KB_FINDING_CLOSED && (roles & KB_ROLES_OFFICERS) == 0 &&
      finding->responsible_id != actor)
    {
      gboolean is_auditor;

      if (!actor_is_auditor (db, audit->id, &is_auditor, error))
        goto out;
      if (!is_auditor)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("Only %s (responsible for it), the auditors and security officers "
                         "close this finding"), finding->responsible_name);
          goto out;
        }
    }

  stmt = kb_db_prepare (db, "UPDATE findings SET status = ?2, evidence = ?3, resolved_at = ?4,"
                            " resolved_by = ?5 WHERE id = ?1 AND status = 'open'", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, finding_id);
  sqlite3_bind_text (stmt, 2, finding_strings[to], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  sqlite3_bind_int64 (stmt, 5, actor);
  if (to == KB_FINDING_ACCEPTED)
    detail = detail_string ("reason", text);
  ok = kb_db_step_done (db, stmt, error) &&
       kb_journal_record (db, to == KB_FINDING_CLOSED ? "finding.close" : "finding.accept",
                          "finding", finding_id, detail, error);

out:
  return commit_or_rollback (db, ok, error);
}

/**
 * kb_finding_close:
 * @evidence: what was done and how it can be checked (required)
 *
 * Closes an open finding of an audit not yet closed ("finding.close"):
 * by the person responsible for it, an auditor of the audit or a
 * security officer.
 */
gboolean
kb_finding_close (KbDb        *db,
                  gint64       finding_id,
                  const char  *evidence,
                  GError     **error)
{
  g_autofree char *text = kb_validate_text (KB_FIELD_EVIDENCE, evidence, KB_AUDIT_MAX_TEXT, TRUE,
                                            TRUE, error);

  if (text == NULL)
    return FALSE;
  return resolve (db, finding_id, KB_FINDING_CLOSED, text, error);
}

/**
 * kb_finding_accept:
 * @reason: why it is accepted as it is (required)
 *
 * A security officer accepts an open finding as it is ("finding.accept");
 * the reason is kept as the finding's evidence notes.
 */
gboolean
kb_finding_accept (KbDb        *db,
                   gint64       finding_id,
                   const char  *reason,
                   GError     **error)
{
  g_autofree char *text = kb_validate_text (KB_FIELD_REASON, reason, KB_MAX_REASON, TRUE, TRUE,
                                            error);

  if (text == NULL)
    return FALSE;
  return resolve (db, finding_id, KB_FINDING_ACCEPTED, text, error);
}

/**
 * kb_finding_reopen:
 * @reason: why (required)
 *
 * Reopens a closed or accepted finding of an audit not yet closed
 * ("finding.reopen"): security officers and the audit's auditors. The
 * evidence notes stay until the finding is resolved again.
 */
gboolean
kb_finding_reopen (KbDb        *db,
                   gint64       finding_id,
                   const char  *reason,
                   GError     **error)
{
  g_autofree char *text = kb_validate_text (KB_FIELD_REASON, reason, KB_MAX_REASON, TRUE, TRUE,
                                            error);
  g_autofree char *detail = NULL;
  g_autoptr(KbFinding) finding = NULL;
  g_autoptr(KbAudit) audit = NULL;
  KbRoles roles;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  if (text == NULL)
    return FALSE;
  if (!require_roles (db, KB_ROLES_AUDIT_RECORDERS,
                      _("Only auditors and security officers reopen audit findings"), error) ||
      !actor_roles (db, &roles, error))
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;
  if ((finding = begin_resolution (db, finding_id, &audit, error)) == NULL)
    goto out;
  if (finding->status == KB_FINDING_OPEN)
    {
      g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                           _("This finding is open already"));
      goto out;
    }
  if ((roles & KB_ROLES_OFFICERS) == 0)
    {
      gboolean is_auditor;

      if (!actor_is_auditor (db, audit->id, &is_auditor, error))
        goto out;
      if (!is_auditor)
        {
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("Only the auditors of “%s” and security officers reopen its findings"),
                       audit->title);
          goto out;
        }
    }
  stmt = kb_db_prepare (db, "UPDATE findings SET status = 'open', resolved_at = NULL,"
                            " resolved_by = NULL WHERE id = ?1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, finding_id);
  detail = detail_string ("reason", text);
  ok = kb_db_step_done (db, stmt, error) &&
       kb_journal_record (db, "finding.reopen", "finding", finding_id, detail, error);

out:
  return commit_or_rollback (db, ok, error);
}
