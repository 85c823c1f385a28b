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

/* Sign-in administration (Step 2). Each completes with
 * kb_store_auth_finish(), which returns TRUE or FALSE with @error set. */

void        kb_store_reset_password_async   (KbStore             *store,
                                             gint64               operator_id,
                                             const char          *temporary_password,
                                             const char          *reason,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void        kb_store_release_lockout_async  (KbStore             *store,
                                             gint64               operator_id,
                                             const char          *reason,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void        kb_store_change_password_async  (KbStore             *store,
                                             gint64               operator_id,
                                             const char          *old_password,
                                             const char          *new_password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void        kb_store_card_status_async      (KbStore             *store,
                                             gint64               card_id,
                                             const char          *status,
                                             const char          *reason,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void        kb_store_set_policy_async       (KbStore             *store,
                                             int                  min_length,
                                             int                  min_classes,
                                             int                  max_age_days,
                                             const char          *reason,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    kb_store_auth_finish            (KbStore             *store,
                                             GAsyncResult        *result,
                                             GError             **error);

void        kb_store_cards_async            (KbStore             *store,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void        kb_store_policy_async           (KbStore             *store,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void        kb_store_holds_card_async       (KbStore             *store,
                                             gint64               operator_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* kb_store_holds_card_async: finish with kb_store_run_finish(): a gboolean
 * in a pointer, GINT_TO_POINTER (1) holds, GINT_TO_POINTER (2) does not.
 * kb_store_cards_async: finish with kb_store_list_finish();
 * kb_store_policy_async: finish with kb_store_run_finish(), a KbPasswordPolicy to g_free(). */

G_END_DECLS
