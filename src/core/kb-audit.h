/* kb-audit.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audits (監査): the pre-use audit by Protection Council members, internal
 * audits by the security officer and the network administrator, external
 * audits; their findings (指摘事項) with corrective actions (是正措置),
 * and recurrence, so that closing one audit plans the next.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"

G_BEGIN_DECLS

#define KB_FIELD_SCOPE        "scope"
#define KB_FIELD_PERIOD_FROM  "period-from"
#define KB_FIELD_PERIOD_TO    "period-to"
#define KB_FIELD_PLANNED      "planned"
#define KB_FIELD_RECURRENCE   "recurrence"
#define KB_FIELD_AUDITORS     "auditors"
#define KB_FIELD_SEVERITY     "severity"
#define KB_FIELD_RESPONSIBLE  "responsible"
#define KB_FIELD_ACTION       "action"
#define KB_FIELD_EVIDENCE     "evidence"
#define KB_FIELD_LINKS        "links"

#define KB_AUDIT_MAX_SCOPE     400
#define KB_AUDIT_MAX_TEXT      2000

/* Security officers plan audits; auditors (and officers) record findings;
 * everyone responsible for a finding may record its corrective action. */
#define KB_ROLES_AUDIT_PLANNERS  KB_ROLES_OFFICERS
#define KB_ROLES_AUDIT_RECORDERS (KB_ROLES_OFFICERS | KB_ROLE_AUDITOR | KB_ROLE_NETWORK_ADMINISTRATOR)
#define KB_ROLES_AUDIT_READERS   (KB_ROLES_AUDIT_RECORDERS | KB_ROLE_SUPERVISOR)

typedef enum {
  KB_AUDIT_PRE_USE,     /* 事前監査, by Protection Council members */
  KB_AUDIT_INTERNAL,    /* 内部監査 */
  KB_AUDIT_EXTERNAL,    /* 外部監査 */
} KbAuditKind;

typedef enum {
  KB_AUDIT_PLANNED,
  KB_AUDIT_IN_PROGRESS,
  KB_AUDIT_REPORTED,
  KB_AUDIT_CLOSED,
} KbAuditStatus;

typedef enum {
  KB_SEVERITY_LOW,
  KB_SEVERITY_MEDIUM,
  KB_SEVERITY_HIGH,
} KbSeverity;

typedef enum {
  KB_FINDING_OPEN,
  KB_FINDING_CLOSED,      /* corrective action done, with evidence */
  KB_FINDING_ACCEPTED,    /* accepted as it is by a security officer */
} KbFindingStatus;

const char *kb_audit_kind_to_string        (KbAuditKind     kind);
const char *kb_audit_kind_get_label        (KbAuditKind     kind);
const char *kb_audit_status_get_label      (KbAuditStatus   status);
const char *kb_severity_get_label          (KbSeverity      severity);
const char *kb_finding_status_get_label    (KbFindingStatus status);

/* @date plus @months, the day clamped to the month's end (01-31 + 1 →
 * 02-28/29). Pure arithmetic, for recurrence. */
void        kb_date_add_months_clamped     (GDate          *date,
                                            int             months);

#define KB_TYPE_AUDIT (kb_audit_get_type ())
G_DECLARE_FINAL_TYPE (KbAudit, kb_audit, KB, AUDIT, GObject)

gint64         kb_audit_get_id                (KbAudit *self);
KbAuditKind    kb_audit_get_kind              (KbAudit *self);
const char    *kb_audit_get_title             (KbAudit *self);
const char    *kb_audit_get_scope             (KbAudit *self);
const char    *kb_audit_get_period_from       (KbAudit *self);  /* YYYY-MM-DD */
const char    *kb_audit_get_period_to         (KbAudit *self);
const char    *kb_audit_get_planned_on        (KbAudit *self);
KbAuditStatus  kb_audit_get_status            (KbAudit *self);
int            kb_audit_get_recurrence_months (KbAudit *self);  /* 0: once */
gint64         kb_audit_get_previous_id       (KbAudit *self);
gint64         kb_audit_get_closed_at         (KbAudit *self);
const char    *kb_audit_get_notes             (KbAudit *self);
/* "北沢 誠一, 長野 花子 (本人確認情報保護審議会)" */
const char    *kb_audit_get_auditor_names     (KbAudit *self);
guint          kb_audit_get_n_findings        (KbAudit *self);
guint          kb_audit_get_n_open_findings   (KbAudit *self);
/* Planned in the past and not yet started, or a finding past its due date. */
gboolean       kb_audit_get_overdue           (KbAudit *self);

/* An auditor: a staff member (operator_id) or a named outsider. */
typedef struct {
  gint64      operator_id;
  const char *name;
  const char *organisation;
} KbAuditorSpec;

/* Strings as typed, validated here. id 0 plans an audit ("audit.plan");
 * otherwise amends its plan (reason required, "audit.amend"); auditors
 * given replace the active ones (withdrawn rows stay). At least one
 * auditor. A pre-use audit needs at least one named (Council) auditor. */
typedef struct {
  gint64               id;
  KbAuditKind          kind;
  const char          *title;
  const char          *scope;
  const char          *period_from;
  const char          *period_to;
  const char          *planned_on;
  int                  recurrence_months;
  const KbAuditorSpec *auditors;
  guint                n_auditors;
  const char          *notes;
  const char          *reason;
} KbAuditChange;

gint64      kb_audit_save             (KbDb                 *db,
                                       const KbAuditChange  *change,
                                       GError              **error);

/* Nobody audits work they performed: the staff auditors who, in the
 * audited period, appear as actors in the journal of the registers in
 * scope (usage, assets, room log…). Translated warning lines, empty if
 * none. Advisory: saving is not refused. */
GPtrArray  *kb_audit_self_audit_warnings (KbDb       *db,
                                       gint64        audit_id,
                                       GError      **error);

/* planned → in-progress → reported → closed. Closing needs every finding
 * closed or accepted; it then plans the next audit if recurrent (same
 * kind, scope and auditors; planned_on + recurrence months; the period
 * following this one), returned in @next_id. Journal "audit.start",
 * "audit.report", "audit.close", and "audit.plan" for the next one. */
gboolean    kb_audit_advance          (KbDb        *db,
                                       gint64       audit_id,
                                       KbAuditStatus to,
                                       gint64      *next_id,
                                       GError     **error);

/* Audits planned within [from, to) (YYYY-MM-DD; NULL unbounded). */
GListModel *kb_audit_list             (KbDb        *db,
                                       const char  *from,
                                       const char  *to,
                                       const char  *today,
                                       GError     **error);
KbAudit    *kb_audit_get              (KbDb        *db,
                                       gint64       id,
                                       const char  *today,
                                       GError     **error);

/* --- findings ---------------------------------------------------------------- */

typedef struct {
  const char *entity;     /* "usage", "asset", "room", "card", … (a journal register) */
  gint64      entity_id;
} KbFindingLink;

#define KB_TYPE_FINDING (kb_finding_get_type ())
G_DECLARE_FINAL_TYPE (KbFinding, kb_finding, KB, FINDING, GObject)

gint64           kb_finding_get_id               (KbFinding *self);
gint64           kb_finding_get_audit_id         (KbFinding *self);
KbSeverity       kb_finding_get_severity         (KbFinding *self);
const char      *kb_finding_get_description      (KbFinding *self);
gint64           kb_finding_get_responsible_id   (KbFinding *self);
const char      *kb_finding_get_responsible_name (KbFinding *self);
const char      *kb_finding_get_action           (KbFinding *self);
const char      *kb_finding_get_due_on           (KbFinding *self);   /* nullable */
KbFindingStatus  kb_finding_get_status           (KbFinding *self);
const char      *kb_finding_get_evidence         (KbFinding *self);
gint64           kb_finding_get_resolved_at      (KbFinding *self);
const char      *kb_finding_get_resolver_name    (KbFinding *self);
gboolean         kb_finding_get_overdue          (KbFinding *self);
/* (element-type KbFindingLink) of the active links; strings owned. */
GArray          *kb_finding_get_links            (KbFinding *self);
/* "Usage entry 2026-11-20 JK-01 小林 健太", "Asset USB-02 …" */
char            *kb_finding_link_describe        (KbDb           *db,
                                                  const KbFindingLink *link);

/* Records a finding (only while the audit is in progress or reported;
 * "finding.record") or amends one (reason; "finding.amend"). Each link
 * must name an existing row of a journal register. */
typedef struct {
  gint64               id;
  gint64               audit_id;
  KbSeverity           severity;
  const char          *description;
  gint64               responsible_id;
  const char          *action;
  const char          *due_on;        /* YYYY-MM-DD, nullable */
  const KbFindingLink *links;
  guint                n_links;
  const char          *reason;
} KbFindingChange;

gint64      kb_finding_save           (KbDb                  *db,
                                       const KbFindingChange *change,
                                       GError               **error);
/* Closes with evidence notes (required): the responsible person, an
 * officer or an auditor of the audit ("finding.close"). */
gboolean    kb_finding_close          (KbDb        *db,
                                       gint64       finding_id,
                                       const char  *evidence,
                                       GError     **error);
/* A security officer accepts it as it is, with a reason ("finding.accept"). */
gboolean    kb_finding_accept         (KbDb        *db,
                                       gint64       finding_id,
                                       const char  *reason,
                                       GError     **error);
/* Reopens a closed or accepted finding of an audit not yet closed. */
gboolean    kb_finding_reopen         (KbDb        *db,
                                       gint64       finding_id,
                                       const char  *reason,
                                       GError     **error);

GListModel *kb_finding_list           (KbDb        *db,
                                       gint64       audit_id,
                                       const char  *today,
                                       GError     **error);

G_END_DECLS
