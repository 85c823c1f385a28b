/* kb-usage-jobs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage register's work for the store thread, as async calls.
 */

#pragma once

#include "kb-store.h"
#include "kb-usage.h"

G_BEGIN_DECLS

/* What the sitting page shows: the current sitting's entries, earlier
 * entries without a purpose, the tasks the operator may choose. */
typedef struct {
  GPtrArray  *sitting;   /* KbUsageEntry */
  GPtrArray  *missing;   /* KbUsageEntry */
  GListModel *tasks;     /* KbTask */
} KbUsageSitting;

void            kb_usage_sitting_free         (KbUsageSitting       *sitting);

void            kb_store_usage_sitting_async  (KbStore              *store,
                                               gint64                operator_id,
                                               const char           *terminal_code,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
KbUsageSitting *kb_store_usage_sitting_finish (KbStore              *store,
                                               GAsyncResult         *result,
                                               GError              **error);

void            kb_store_usage_save_async     (KbStore              *store,
                                               const KbUsageChange  *change,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
void            kb_store_usage_next_task_async (KbStore             *store,
                                               gint64                entry_id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gint64          kb_store_usage_save_finish    (KbStore              *store,
                                               GAsyncResult         *result,
                                               GError              **error);

void            kb_store_usage_confirm_async  (KbStore              *store,
                                               GArray               *ids,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        kb_store_usage_confirm_finish (KbStore              *store,
                                               GAsyncResult         *result,
                                               KbUsageConfirmResult *confirmed,
                                               GError              **error);

void            kb_store_usage_tasks_async    (KbStore              *store,
                                               gint64                operator_id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GListModel     *kb_store_usage_tasks_finish   (KbStore              *store,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
