/* kb-usage.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal usage register (端末使用管理簿): who used which terminal,
 * when, for which approved business task, how many cases, and which
 * supervisor confirmed it.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"

G_BEGIN_DECLS

/* Field names used in KB_FIELD_ERROR errors. */
#define KB_FIELD_TERMINAL  "terminal"
#define KB_FIELD_OPERATOR  "operator"
#define KB_FIELD_TASK      "task"
#define KB_FIELD_CASES     "cases"
#define KB_FIELD_REMARKS   "remarks"
#define KB_FIELD_DATE      "date"
#define KB_FIELD_START     "start"
#define KB_FIELD_END       "end"

#define KB_USAGE_MAX_CASES    99999
#define KB_USAGE_MAX_REMARKS  500

typedef enum {
  KB_USAGE_STATUS_OPEN,             /* the sitting is still going on */
  KB_USAGE_STATUS_PURPOSE_MISSING,  /* closed without a business task */
  KB_USAGE_STATUS_UNCONFIRMED,
  KB_USAGE_STATUS_CONFIRMED,
} KbUsageStatus;

const char *kb_usage_status_get_label (KbUsageStatus status);

/* --- one entry --------------------------------------------------------- */

#define KB_TYPE_USAGE_ENTRY (kb_usage_entry_get_type ())
G_DECLARE_FINAL_TYPE (KbUsageEntry, kb_usage_entry, KB, USAGE_ENTRY, GObject)

KbUsageEntry  *kb_usage_entry_new_placeholder   (void);
gboolean       kb_usage_entry_is_loaded         (KbUsageEntry *self);
gint64         kb_usage_entry_get_id            (KbUsageEntry *self);
gint64         kb_usage_entry_get_terminal_id   (KbUsageEntry *self);
const char    *kb_usage_entry_get_terminal_code (KbUsageEntry *self);
const char    *kb_usage_entry_get_terminal_name (KbUsageEntry *self);
gint64         kb_usage_entry_get_operator_id   (KbUsageEntry *self);
const char    *kb_usage_entry_get_staff_number  (KbUsageEntry *self);
const char    *kb_usage_entry_get_operator_name (KbUsageEntry *self);
gint64         kb_usage_entry_get_division_id   (KbUsageEntry *self);
const char    *kb_usage_entry_get_division_name (KbUsageEntry *self);
gint64         kb_usage_entry_get_task_id       (KbUsageEntry *self);
const char    *kb_usage_entry_get_task_name     (KbUsageEntry *self);
int            kb_usage_entry_get_cases         (KbUsageEntry *self);
const char    *kb_usage_entry_get_remarks       (KbUsageEntry *self);
gint64         kb_usage_entry_get_started_at    (KbUsageEntry *self);
gint64         kb_usage_entry_get_ended_at      (KbUsageEntry *self);
gboolean       kb_usage_entry_get_manual        (KbUsageEntry *self);
gint64         kb_usage_entry_get_confirmed_by  (KbUsageEntry *self);
const char    *kb_usage_entry_get_confirmer_name (KbUsageEntry *self);
gint64         kb_usage_entry_get_confirmed_at  (KbUsageEntry *self);
KbUsageStatus  kb_usage_entry_get_status        (KbUsageEntry *self);

/* --- reading ------------------------------------------------------------ */

typedef enum {
  KB_USAGE_SHOW_ALL = 0,
  KB_USAGE_SHOW_OPEN,
  KB_USAGE_SHOW_PURPOSE_MISSING,
  KB_USAGE_SHOW_UNCONFIRMED,
  KB_USAGE_SHOW_CONFIRMED,
  KB_USAGE_SHOW_MANUAL,
} KbUsageShow;

typedef enum {
  KB_USAGE_SORT_START = 0,
  KB_USAGE_SORT_TERMINAL,
  KB_USAGE_SORT_OPERATOR,
  KB_USAGE_SORT_DIVISION,
  KB_USAGE_SORT_TASK,
  KB_USAGE_SORT_CASES,
  KB_USAGE_SORT_CONFIRMED,
} KbUsageSort;

/**
 * KbUsageFilter:
 * @from: first second included (Unix time), 0 for no lower bound
 * @to: first second excluded, 0 for no upper bound
 * @text: (nullable): words to find in the remarks
 *
 * Ids of 0 mean "any". Which rows a viewer may see at all is decided
 * by the viewer's roles, not by the filter.
 */
typedef struct {
  gint64       from;
  gint64       to;
  gint64       terminal_id;
  gint64       operator_id;
  gint64       division_id;
  gint64       task_id;
  KbUsageShow  show;
  char        *text;
  KbUsageSort  sort;
  gboolean     descending;
} KbUsageFilter;

KbUsageFilter *kb_usage_filter_new   (void);
KbUsageFilter *kb_usage_filter_copy  (const KbUsageFilter *filter);
void           kb_usage_filter_free  (KbUsageFilter       *filter);
gboolean       kb_usage_filter_equal (const KbUsageFilter *a,
                                      const KbUsageFilter *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbUsageFilter, kb_usage_filter_free)

typedef struct {
  gint64 n_entries;
  gint64 n_cases;
  gint64 n_open;
  gint64 n_purpose_missing;
  gint64 n_unconfirmed;
  gint64 n_confirmed;
  gint64 n_manual;
  gint64 seconds;        /* the closed entries' total duration */
} KbUsageTotals;

gint64         kb_usage_count        (KbDb                *db,
                                      gint64               viewer_id,
                                      const KbUsageFilter *filter,
                                      GError             **error);
gboolean       kb_usage_totals       (KbDb                *db,
                                      gint64               viewer_id,
                                      const KbUsageFilter *filter,
                                      KbUsageTotals       *totals,
                                      GError             **error);
GPtrArray     *kb_usage_fetch        (KbDb                *db,
                                      gint64               viewer_id,
                                      const KbUsageFilter *filter,
                                      guint                offset,
                                      guint                limit,
                                      GError             **error);

typedef gboolean (*KbUsageFunc) (KbUsageEntry *entry,
                                 gpointer      user_data,
                                 GError      **error);

gboolean       kb_usage_foreach      (KbDb                *db,
                                      gint64               viewer_id,
                                      const KbUsageFilter *filter,
                                      KbUsageFunc          func,
                                      gpointer             user_data,
                                      GCancellable        *cancellable,
                                      GError             **error);
KbUsageEntry  *kb_usage_get          (KbDb                *db,
                                      gint64               viewer_id,
                                      gint64               id,
                                      GError             **error);
GPtrArray     *kb_usage_purpose_missing (KbDb             *db,
                                      gint64               operator_id,
                                      GError             **error);
GPtrArray     *kb_usage_sitting      (KbDb                *db,
                                      gint64               operator_id,
                                      const char          *terminal_code,
                                      GError             **error);
GListModel    *kb_usage_approved_tasks (KbDb              *db,
                                      gint64               operator_id,
                                      GError             **error);

/* --- writing (the store thread, as the signed-in operator) ------------- */

gint64         kb_usage_begin_sitting (KbDb               *db,
                                      const char          *terminal_code,
                                      GError             **error);
gboolean       kb_usage_end_sitting  (KbDb                *db,
                                      gint64               operator_id,
                                      const char          *terminal_code,
                                      gint64               ended_at,
                                      const char          *why,
                                      GError             **error);
guint          kb_usage_close_abandoned (KbDb             *db,
                                      const char          *terminal_code,
                                      GError             **error);
gint64         kb_usage_next_task    (KbDb                *db,
                                      gint64               entry_id,
                                      GError             **error);

/**
 * KbUsageChange:
 * @id: the entry; 0 records a manual entry from paper
 * @terminal_id: manual entries only
 * @operator_id: manual entries only
 * @date: manual entries only, "2026-11-26" (local time)
 * @start: manual entries only, "09:30"
 * @end: manual entries only, "11:05"
 * @task_id: 0 for none
 * @cases: as typed; "" for none
 * @remarks: (nullable)
 * @reason: (nullable): required for manual entries and amendments
 *
 * What a form sends; the core checks every field.
 */
typedef struct {
  gint64      id;
  gint64      terminal_id;
  gint64      operator_id;
  const char *date;
  const char *start;
  const char *end;
  gint64      task_id;
  const char *cases;
  const char *remarks;
  const char *reason;
} KbUsageChange;

gint64         kb_usage_save         (KbDb                *db,
                                      const KbUsageChange *change,
                                      GError             **error);
gboolean       kb_usage_needs_reason (KbDb                *db,
                                      gint64               entry_id,
                                      gboolean            *needs_reason,
                                      GError             **error);

typedef struct {
  guint n_confirmed;
  guint n_own;            /* skipped: the supervisor's own entries */
  guint n_not_supervised; /* skipped: another division, or not a supervisor */
  guint n_not_ready;      /* skipped: still open, or no purpose */
  guint n_already;        /* skipped: confirmed before */
} KbUsageConfirmResult;

gboolean       kb_usage_confirm      (KbDb                *db,
                                      const gint64        *ids,
                                      guint                n_ids,
                                      KbUsageConfirmResult *result,
                                      GError             **error);

/* --- parsing ------------------------------------------------------------ */

gboolean       kb_usage_parse_cases  (const char          *text,
                                      int                 *cases,
                                      GError             **error);
gboolean       kb_usage_parse_date   (const char          *field,
                                      const char          *text,
                                      GDateTime          **date,
                                      GError             **error);
gboolean       kb_usage_parse_time   (const char          *field,
                                      const char          *text,
                                      int                 *minutes,
                                      GError             **error);

G_END_DECLS
