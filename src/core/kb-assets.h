/* kb-assets.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register (情報資産管理簿): equipment, software,
 * storage media and documents, each with a custodian, and every movement
 * of one (hand-over, lending, return, repair, inventory check, disposal)
 * as an event of its own. Kept by the security officers and the network
 * administrator; auditors and the chief officers read it.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"

G_BEGIN_DECLS

/* Field names for KB_FIELD_ERROR (see kb-admin.h for name, location,
 * division, reason). */
#define KB_FIELD_NUMBER          "number"
#define KB_FIELD_KIND            "kind"
#define KB_FIELD_CLASSIFICATION  "classification"
#define KB_FIELD_CUSTODIAN       "custodian"
#define KB_FIELD_ACQUIRED        "acquired"
#define KB_FIELD_STATUS          "status"
#define KB_FIELD_HOLDS_DATA      "holds-data"
#define KB_FIELD_INVENTORY_DAYS  "inventory-days"
#define KB_FIELD_NOTES           "notes"
#define KB_FIELD_BORROWER        "borrower"
#define KB_FIELD_DUE             "due"
#define KB_FIELD_CONDITION       "condition"
#define KB_FIELD_METHOD          "method"
#define KB_FIELD_DATA            "data"
#define KB_FIELD_BACKUP          "backup"
#define KB_FIELD_SEEN_BY         "seen-by"

#define KB_ASSET_MAX_NUMBER  32
#define KB_ASSET_MAX_NOTES   1000
#define KB_ASSET_MAX_NAME    100
#define KB_ASSET_DEFAULT_INVENTORY_DAYS 365
#define KB_ASSET_DUE_SOON_DAYS 30       /* "due" this many days ahead */

/* Who keeps the register, and who may read it. */
#define KB_ROLES_ASSET_KEEPERS  (KB_ROLES_OFFICERS | KB_ROLE_NETWORK_ADMINISTRATOR)
#define KB_ROLES_ASSET_READERS  (KB_ROLES_ASSET_KEEPERS | KB_ROLE_AUDITOR)

typedef enum {
  KB_ASSET_EQUIPMENT,
  KB_ASSET_SOFTWARE,
  KB_ASSET_MEDIA,
  KB_ASSET_DOCUMENT,
} KbAssetKind;

typedef enum {
  KB_ASSET_IN_USE,
  KB_ASSET_STORED,
  KB_ASSET_LENT,
  KB_ASSET_REPAIR,
  KB_ASSET_DISPOSED,
} KbAssetStatus;

typedef enum {
  KB_CONDITION_GOOD,
  KB_CONDITION_DAMAGED,
  KB_CONDITION_MISSING,
} KbAssetCondition;

typedef enum {
  KB_DISPOSAL_SHREDDING,
  KB_DISPOSAL_DEGAUSSING,
  KB_DISPOSAL_DESTRUCTION,
  KB_DISPOSAL_VENDOR,          /* returned to the vendor */
} KbDisposalMethod;

typedef enum {
  KB_DISPOSAL_DATA_NONE,       /* the asset never held data */
  KB_DISPOSAL_DATA_BACKED_UP,  /* a verified backup holds it (backup_id) */
  KB_DISPOSAL_DATA_NOT_NEEDED,
} KbDisposalData;

typedef enum {
  KB_INVENTORY_OK,
  KB_INVENTORY_DUE,            /* within KB_ASSET_DUE_SOON_DAYS */
  KB_INVENTORY_OVERDUE,
} KbInventoryState;

/* The database's words ('in-use', 'media', …) and the labels shown. */
const char    *kb_asset_kind_to_string       (KbAssetKind       kind);
gboolean       kb_asset_kind_from_string     (const char       *s,
                                              KbAssetKind      *kind);
const char    *kb_asset_kind_get_label       (KbAssetKind       kind);
const char    *kb_asset_status_to_string     (KbAssetStatus     status);
gboolean       kb_asset_status_from_string   (const char       *s,
                                              KbAssetStatus    *status);
const char    *kb_asset_status_get_label     (KbAssetStatus     status);
const char    *kb_asset_classification_get_label (int           classification);
const char    *kb_asset_condition_to_string  (KbAssetCondition  condition);
const char    *kb_asset_condition_get_label  (KbAssetCondition  condition);
gboolean       kb_asset_condition_from_string (const char      *s,
                                               KbAssetCondition *condition);
const char    *kb_disposal_method_to_string  (KbDisposalMethod  method);
const char    *kb_disposal_method_get_label  (KbDisposalMethod  method);
gboolean       kb_disposal_method_from_string (const char      *s,
                                               KbDisposalMethod *method);
const char    *kb_disposal_data_get_label    (KbDisposalData    data);

#define KB_TYPE_ASSET (kb_asset_get_type ())
G_DECLARE_FINAL_TYPE (KbAsset, kb_asset, KB, ASSET, GObject)

gint64            kb_asset_get_id               (KbAsset *self);
const char       *kb_asset_get_number           (KbAsset *self);
const char       *kb_asset_get_name             (KbAsset *self);
KbAssetKind       kb_asset_get_kind             (KbAsset *self);
int               kb_asset_get_classification   (KbAsset *self);   /* 1–3 (機密性) */
const char       *kb_asset_get_location         (KbAsset *self);
gint64            kb_asset_get_custodian_id     (KbAsset *self);
const char       *kb_asset_get_custodian_name   (KbAsset *self);
const char       *kb_asset_get_custodian_staff_number (KbAsset *self);
gint64            kb_asset_get_division_id      (KbAsset *self);
const char       *kb_asset_get_division_name    (KbAsset *self);
const char       *kb_asset_get_acquired_on      (KbAsset *self);   /* YYYY-MM-DD */
KbAssetStatus     kb_asset_get_status           (KbAsset *self);
gboolean          kb_asset_get_holds_data       (KbAsset *self);
int               kb_asset_get_inventory_days   (KbAsset *self);
const char       *kb_asset_get_checked_on       (KbAsset *self);   /* nullable */
const char       *kb_asset_get_next_check_on    (KbAsset *self);   /* checked (or acquired) + interval */
KbInventoryState  kb_asset_get_inventory_state  (KbAsset *self);   /* as of when it was read */
gint64            kb_asset_get_borrower_id      (KbAsset *self);   /* 0 unless lent */
const char       *kb_asset_get_borrower_name    (KbAsset *self);
const char       *kb_asset_get_due_on          (KbAsset *self);    /* nullable */
gboolean          kb_asset_get_return_overdue   (KbAsset *self);
const char       *kb_asset_get_notes            (KbAsset *self);
gboolean          kb_asset_get_disposal_pending (KbAsset *self);   /* a request awaits a decision */

/* The list's filter; NULL/0 fields match everything. */
typedef enum {
  KB_ASSET_SHOW_CURRENT = 0,    /* every asset not disposed */
  KB_ASSET_SHOW_ALL,
  KB_ASSET_SHOW_INVENTORY_DUE,  /* due or overdue for a check */
  KB_ASSET_SHOW_LENT,
  KB_ASSET_SHOW_DISPOSAL_PENDING,
  KB_ASSET_SHOW_DISPOSED,
} KbAssetShow;

typedef struct {
  KbAssetShow  show;
  int          kind;          /* -1: any, else a KbAssetKind */
  gint64       custodian_id;
  gint64       division_id;
  const char  *text;          /* number, name, location or notes contain it */
} KbAssetFilter;

#define KB_ASSET_FILTER_INIT { KB_ASSET_SHOW_CURRENT, -1, 0, 0, NULL }

/* (element-type KbAsset), ordered by number. @today is 'YYYY-MM-DD' in
 * local time (the inventory state is computed against it); NULL: now. */
GListModel   *kb_assets_list            (KbDb                *db,
                                         const KbAssetFilter *filter,
                                         const char          *today,
                                         GError             **error);
KbAsset      *kb_assets_get             (KbDb                *db,
                                         gint64               id,
                                         const char          *today,
                                         GError             **error);

/* n_inventory_due counts what KB_ASSET_SHOW_INVENTORY_DUE lists (due soon
 * or overdue), n_inventory_overdue those of them already overdue; likewise
 * n_lent and n_return_overdue. */
typedef struct {
  guint n_current;
  guint n_inventory_due;
  guint n_inventory_overdue;
  guint n_lent;
  guint n_return_overdue;
  guint n_disposal_pending;
} KbAssetCounts;

gboolean      kb_assets_counts          (KbDb                *db,
                                         const char          *today,
                                         KbAssetCounts       *counts,
                                         GError             **error);

/* Registration and correction of an asset's facts. Strings are as typed
 * (validated and trimmed here; errors are KB_FIELD_ERROR naming the field).
 * id 0 registers a new asset (status 'in-use' unless given, event
 * 'register'); otherwise it amends one (event 'amend', reason required;
 * the custodian and the status are not changed this way). A disposed asset
 * cannot be amended. */
typedef struct {
  gint64       id;
  const char  *number;
  const char  *name;
  KbAssetKind  kind;
  int          classification;
  const char  *location;
  gint64       custodian_id;
  gint64       division_id;      /* 0: the custodian's division */
  const char  *acquired_on;      /* YYYY-MM-DD */
  KbAssetStatus status;          /* registration only: in-use or stored */
  gboolean     holds_data;
  const char  *inventory_days;   /* as typed; NULL or "" → default */
  const char  *notes;
  const char  *reason;           /* required to amend */
} KbAssetChange;

gint64        kb_assets_save            (KbDb                *db,
                                         const KbAssetChange *change,
                                         GError             **error);

/* Custody. Each writes an asset_events row and journals it. */
gboolean      kb_assets_hand_over       (KbDb        *db,
                                         gint64       asset_id,
                                         gint64       new_custodian_id,
                                         const char  *location,      /* NULL/"": unchanged */
                                         const char  *reason,        /* required */
                                         GError     **error);
gboolean      kb_assets_lend            (KbDb        *db,
                                         gint64       asset_id,
                                         gint64       borrower_id,   /* not the custodian */
                                         const char  *due_on,        /* YYYY-MM-DD, not before today */
                                         const char  *reason,        /* required */
                                         GError     **error);
gboolean      kb_assets_return          (KbDb        *db,
                                         gint64       asset_id,      /* lent or out for repair */
                                         const char  *location,
                                         const char  *notes,
                                         GError     **error);
/* in-use ↔ stored ↔ repair; not to or from lent or disposed. */
gboolean      kb_assets_set_status      (KbDb         *db,
                                         gint64        asset_id,
                                         KbAssetStatus status,
                                         const char   *reason,       /* required */
                                         GError      **error);
/* An inventory check: @seen_by saw it at @location in @condition. Sets
 * checked_on to today. 'missing' is recorded, the status is kept. */
gboolean      kb_assets_check           (KbDb             *db,
                                         gint64            asset_id,
                                         gint64            seen_by,
                                         const char       *location,
                                         KbAssetCondition  condition,
                                         const char       *notes,
                                         GError          **error);

/* Disposal: requested by a keeper, decided by a security officer who is
 * not the requester (signed in: the decision is the db's actor). An asset
 * that holds data must say what became of it: backed up (a backup in the
 * register that was verified) or not needed. Approval sets 'disposed'. */
gboolean      kb_assets_request_disposal (KbDb            *db,
                                         gint64            asset_id,
                                         const char       *reason,
                                         KbDisposalMethod  method,
                                         KbDisposalData    data,
                                         gint64            backup_id,
                                         GError          **error);
gboolean      kb_assets_decide_disposal (KbDb        *db,
                                         gint64       asset_id,
                                         gboolean     approve,
                                         const char  *reason,        /* required to reject */
                                         GError     **error);

typedef struct {
  gint64            id;
  gint64            requested_by;
  char             *requester_name;
  gint64            requested_at;
  char             *reason;
  KbDisposalMethod  method;
  KbDisposalData    data;
  gint64            backup_id;
  char             *status;          /* 'requested', 'approved', 'rejected' */
  gint64            decided_by;
  char             *decider_name;
  gint64            decided_at;
} KbDisposal;

void          kb_disposal_free          (KbDisposal *disposal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbDisposal, kb_disposal_free)

/* The newest disposal request of an asset, or NULL (no error) if none. */
KbDisposal   *kb_assets_get_disposal    (KbDb        *db,
                                         gint64       asset_id,
                                         GError     **error);

/* One row of an asset's history, oldest first. */
#define KB_TYPE_ASSET_EVENT (kb_asset_event_get_type ())
G_DECLARE_FINAL_TYPE (KbAssetEvent, kb_asset_event, KB, ASSET_EVENT, GObject)

gint64       kb_asset_event_get_id          (KbAssetEvent *self);
const char  *kb_asset_event_get_kind        (KbAssetEvent *self);  /* 'handover', … */
gint64       kb_asset_event_get_at          (KbAssetEvent *self);
const char  *kb_asset_event_get_actor_name  (KbAssetEvent *self);
const char  *kb_asset_event_get_from_name   (KbAssetEvent *self);
const char  *kb_asset_event_get_to_name     (KbAssetEvent *self);
const char  *kb_asset_event_get_from_status (KbAssetEvent *self);
const char  *kb_asset_event_get_to_status   (KbAssetEvent *self);
const char  *kb_asset_event_get_due_on      (KbAssetEvent *self);
const char  *kb_asset_event_get_location    (KbAssetEvent *self);
const char  *kb_asset_event_get_condition   (KbAssetEvent *self);
const char  *kb_asset_event_get_reason      (KbAssetEvent *self);
/* Disposal events: the request's method ('shredding', …); else NULL. */
const char  *kb_asset_event_get_method      (KbAssetEvent *self);
/* One translated line saying what happened ("Handed over from A to B"). */
char        *kb_asset_event_describe        (KbAssetEvent *self);

GListModel   *kb_assets_history         (KbDb        *db,
                                         gint64       asset_id,
                                         GError     **error);

/* CSV, as in the usage register (BOM, CRLF, quoted, formula-safe). The
 * headings are those the import reads (plus the custodian's name and the
 * inventory dates, which it skips), so an export imports again. */
gboolean      kb_assets_export_csv      (KbDb                *db,
                                         const KbAssetFilter *filter,
                                         GFile               *file,
                                         GCancellable        *cancellable,
                                         GError             **error);

/* Import of an existing list. The header row names the columns (English
 * or Japanese headings, any order): number, name, kind, classification,
 * location, custodian (staff number), division (name; default the
 * custodian's), acquired, status, holds data, inventory days, notes.
 * All or nothing: if any line is wrong nothing is imported, and @problems
 * gets every problem found (line, column, message), and the error says
 * how many (KB_FIELD_ERROR_INVALID; KB_STORE_ERROR_REFUSED for a reader).
 * @problems is NULL after a successful import. */
typedef struct {
  guint  line;       /* 1-based line of the file */
  char  *column;     /* the heading as written, or NULL for the whole line */
  char  *message;
} KbImportProblem;

void          kb_import_problem_free    (KbImportProblem *problem);

gboolean      kb_assets_import_csv      (KbDb        *db,
                                         GFile       *file,
                                         guint       *n_imported,
                                         GPtrArray  **problems,   /* (element-type KbImportProblem) */
                                         GCancellable *cancellable,
                                         GError     **error);

G_END_DECLS
