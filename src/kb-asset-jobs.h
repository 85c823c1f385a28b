/* kb-asset-jobs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register's jobs on a store's thread: reads go to
 * the reader store, changes to the main store (announced as "asset").
 */

#pragma once

#include <gio/gio.h>

#include "kb-assets.h"
#include "kb-store.h"

G_BEGIN_DECLS

typedef enum {
  KB_ASSET_ACTION_SAVE,
  KB_ASSET_ACTION_HAND_OVER,
  KB_ASSET_ACTION_LEND,
  KB_ASSET_ACTION_RETURN,
  KB_ASSET_ACTION_SET_STATUS,
  KB_ASSET_ACTION_CHECK,
  KB_ASSET_ACTION_REQUEST_DISPOSAL,
  KB_ASSET_ACTION_DECIDE_DISPOSAL,
} KbAssetActionKind;

/* One change to the register, as typed; the strings are the caller's and
 * are copied when the job is queued. */
typedef struct {
  KbAssetActionKind kind;
  KbAssetChange     change;       /* SAVE */
  gint64            asset_id;     /* every other kind */
  gint64            person_id;    /* new custodian, borrower, seen by */
  const char       *location;
  const char       *due_on;
  const char       *notes;
  const char       *reason;
  KbAssetStatus     status;
  KbAssetCondition  condition;
  KbDisposalMethod  method;
  KbDisposalData    data;
  gint64            backup_id;
  gboolean          approve;
} KbAssetAction;

/* Completes with the asset's id (SAVE) or 1; 0 and an error on failure. */
void          kb_store_asset_action_async  (KbStore             *store,
                                            const KbAssetAction *action,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gint64        kb_store_asset_action_finish (KbStore             *store,
                                            GAsyncResult        *result,
                                            GError             **error);

/* What the page shows at once: the list for a filter and the counts. */
typedef struct {
  GListModel    *assets;      /* (element-type KbAsset) */
  KbAssetCounts  counts;
} KbAssetListing;

void          kb_asset_listing_free         (KbAssetListing *listing);

void            kb_store_assets_list_async  (KbStore             *reader,
                                             const KbAssetFilter *filter,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
KbAssetListing *kb_store_assets_list_finish (KbStore             *reader,
                                             GAsyncResult        *result,
                                             GError             **error);

/* One asset as it is now, its history and its newest disposal request. */
typedef struct {
  KbAsset     *asset;
  GListModel  *history;       /* (element-type KbAssetEvent) */
  KbDisposal  *disposal;      /* nullable */
} KbAssetDetails;

void            kb_asset_details_free         (KbAssetDetails *details);

void            kb_store_asset_details_async  (KbStore             *reader,
                                               gint64               asset_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
KbAssetDetails *kb_store_asset_details_finish (KbStore             *reader,
                                               GAsyncResult        *result,
                                               GError             **error);

/* The backups register (element-type KbBackupRecord). */
void          kb_store_backups_async       (KbStore             *reader,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GListModel   *kb_store_backups_finish      (KbStore             *reader,
                                            GAsyncResult        *result,
                                            GError             **error);

void          kb_store_assets_export_async  (KbStore             *reader,
                                             const KbAssetFilter *filter,
                                             GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean      kb_store_assets_export_finish (KbStore             *reader,
                                             GAsyncResult        *result,
                                             GError             **error);

/* An import's outcome: either n_imported rows, or an error and (for a
 * file with wrong lines) every problem found; nothing imported then. */
typedef struct {
  guint      n_imported;
  GPtrArray *problems;        /* (element-type KbImportProblem) (nullable) */
  GError    *error;
} KbAssetImport;

void           kb_asset_import_free          (KbAssetImport *import);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbAssetImport, kb_asset_import_free)

void           kb_store_assets_import_async  (KbStore             *store,
                                              GFile               *file,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* Never NULL but on cancellation. */
KbAssetImport *kb_store_assets_import_finish (KbStore             *store,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
