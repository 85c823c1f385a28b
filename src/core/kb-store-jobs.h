/* kb-store-jobs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The asynchronous face of the registers: each call queues a job on the
 * store's thread and completes in the caller's main context.
 */

#pragma once

#include "kb-journal.h"
#include "kb-store.h"

G_BEGIN_DECLS

void        kb_store_list_async        (KbStore             *store,
                                        const char          *entity,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GListModel *kb_store_list_finish       (KbStore             *store,
                                        GAsyncResult        *result,
                                        GError             **error);

void        kb_store_save_async        (KbStore             *store,
                                        GObject             *record,
                                        const char          *reason,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gint64      kb_store_save_finish       (KbStore             *store,
                                        GAsyncResult        *result,
                                        GError             **error);

void        kb_store_set_active_async  (KbStore             *store,
                                        const char          *entity,
                                        gint64               id,
                                        gboolean             active,
                                        const char          *reason,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    kb_store_set_active_finish (KbStore             *store,
                                        GAsyncResult        *result,
                                        GError             **error);

void        kb_store_history_async     (KbStore             *store,
                                        const char          *entity,
                                        gint64               id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GListModel *kb_store_history_finish    (KbStore             *store,
                                        GAsyncResult        *result,
                                        GError             **error);

void        kb_store_recent_async      (KbStore             *store,
                                        guint                limit,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);

void        kb_store_verify_async      (KbStore             *store,
                                        KbProgressFunc       progress,
                                        gpointer             progress_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
KbVerifyReport *kb_store_verify_finish (KbStore             *store,
                                        GAsyncResult        *result,
                                        GError             **error);
void        kb_verify_report_free      (KbVerifyReport      *report);

const char *kb_record_get_entity       (GObject             *record);
gint64      kb_record_get_id           (GObject             *record);
gboolean    kb_record_get_active       (GObject             *record);

G_END_DECLS
