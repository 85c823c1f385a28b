/* kb-store.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"

G_BEGIN_DECLS

#define KB_TYPE_STORE (kb_store_get_type ())
G_DECLARE_FINAL_TYPE (KbStore, kb_store, KB, STORE, GObject)

/**
 * KbStoreFunc:
 * @db: the connection, owned by the store's thread
 * @data: the job's data, copied before the job was queued
 *
 * A job run on the store's thread. It must not touch widgets.
 *
 * Returns: (nullable): a result, or %NULL with @error set on failure; jobs
 *   with nothing to return give GINT_TO_POINTER (TRUE)
 */
typedef gpointer (*KbStoreFunc) (KbDb          *db,
                                 gpointer       data,
                                 GCancellable  *cancellable,
                                 GError       **error);

KbStore    *kb_store_new          (const char          *path);
KbStore    *kb_store_new_reader   (const char          *path);
const char *kb_store_get_path     (KbStore             *self);
void        kb_store_set_actor    (KbStore             *self,
                                   gint64               operator_id,
                                   const char          *terminal);

void        kb_store_open_async   (KbStore             *self,
                                   gboolean             create,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean    kb_store_open_finish  (KbStore             *self,
                                   GAsyncResult        *result,
                                   GError             **error);

void        kb_store_run_async    (KbStore             *self,
                                   const char          *changes,
                                   KbStoreFunc          func,
                                   gpointer             data,
                                   GDestroyNotify       data_free,
                                   GDestroyNotify       result_free,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gpointer    kb_store_run_finish   (KbStore             *self,
                                   GAsyncResult        *result,
                                   GError             **error);

void        kb_store_close        (KbStore             *self);

G_END_DECLS
