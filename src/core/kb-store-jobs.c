/* kb-store-jobs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-store-jobs.h"

/**
 * kb_record_get_entity:
 *
 * Returns: the register a record object belongs to ("operator")
 */
const char *
kb_record_get_entity (GObject *record)
{
  if (KB_IS_DIVISION (record))
    return "division";
  if (KB_IS_OPERATOR (record))
    return "operator";
  if (KB_IS_TERMINAL (record))
    return "terminal";
  if (KB_IS_TASK (record))
    return "task";
  g_return_val_if_reached (NULL);
}

gint64
kb_record_get_id (GObject *record)
{
  if (KB_IS_DIVISION (record))
    return kb_division_get_id (KB_DIVISION (record));
  if (KB_IS_OPERATOR (record))
    return kb_operator_get_id (KB_OPERATOR (record));
  if (KB_IS_TERMINAL (record))
    return kb_terminal_get_id (KB_TERMINAL (record));
  if (KB_IS_TASK (record))
    return kb_task_get_id (KB_TASK (record));
  g_return_val_if_reached (0);
}

gboolean
kb_record_get_active (GObject *record)
{
  if (KB_IS_DIVISION (record))
    return kb_division_get_active (KB_DIVISION (record));
  if (KB_IS_OPERATOR (record))
    return kb_operator_get_active (KB_OPERATOR (record));
  if (KB_IS_TERMINAL (record))
    return kb_terminal_get_active (KB_TERMINAL (record));
  if (KB_IS_TASK (record))
    return kb_task_get_active (KB_TASK (record));
  g_return_val_if_reached (FALSE);
}

/* --- list --------------------------------------------------------------- */

static gpointer
list_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  const char *entity = data;

  if (g_str_equal (entity, "division"))
    return kb_admin_list_divisions (db, error);
  if (g_str_equal (entity, "operator"))
    return kb_admin_list_operators (db, error);
  if (g_str_equal (entity, "terminal"))
    return kb_admin_list_terminals (db, error);
  if (g_str_equal (entity, "task"))
    return kb_admin_list_tasks (db, error);
  g_return_val_if_reached (NULL);
}

void
kb_store_list_async (KbStore             *store,
                     const char          *entity,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  kb_store_run_async (store, NULL, list_job, g_strdup (entity), g_free, g_object_unref,
                      cancellable, callback, user_data);
}

/**
 * kb_store_list_finish:
 *
 * Returns: (transfer full) (nullable): the register's rows
 */
GListModel *
kb_store_list_finish (KbStore       *store,
                      GAsyncResult  *result,
                      GError       **error)
{
  return kb_store_run_finish (store, result, error);
}

/* --- save --------------------------------------------------------------- */

typedef struct {
  GObject *record;
  char *reason;
} SaveData;

static void
save_data_free (gpointer data)
{
  SaveData *sd = data;

  g_object_unref (sd->record);
  g_free (sd->reason);
  g_free (sd);
}

static gpointer
save_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  SaveData *sd = data;
  gint64 id = 0;

  if (KB_IS_DIVISION (sd->record))
    id = kb_admin_save_division (db, KB_DIVISION (sd->record), sd->reason, error);
  else if (KB_IS_OPERATOR (sd->record))
    id = kb_admin_save_operator (db, KB_OPERATOR (sd->record), sd->reason, error);
  else if (KB_IS_TERMINAL (sd->record))
    id = kb_admin_save_terminal (db, KB_TERMINAL (sd->record), sd->reason, error);
  else if (KB_IS_TASK (sd->record))
    id = kb_admin_save_task (db, KB_TASK (sd->record), sd->reason, error);

  return id > 0 ? g_memdup2 (&id, sizeof id) : NULL;
}

/**
 * kb_store_save_async:
 * @record: a #KbDivision, #KbOperator, #KbTerminal or #KbTask; id 0 adds one
 * @reason: (nullable): why, required when amending
 */
void
kb_store_save_async (KbStore             *store,
                     GObject             *record,
                     const char          *reason,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  SaveData *sd = g_new0 (SaveData, 1);

  sd->record = g_object_ref (record);
  sd->reason = g_strdup (reason);
  kb_store_run_async (store, kb_record_get_entity (record), save_job, sd, save_data_free,
                      g_free, cancellable, callback, user_data);
}

/**
 * kb_store_save_finish:
 *
 * Returns: the record's id, or 0 with @error set
 */
gint64
kb_store_save_finish (KbStore       *store,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_autofree gint64 *id = kb_store_run_finish (store, result, error);

  return id != NULL ? *id : 0;
}

/* --- retire / reinstate ------------------------------------------------- */

typedef struct {
  char *entity;
  gint64 id;
  gboolean active;
  char *reason;
} ActiveData;

static void
active_data_free (gpointer data)
{
  ActiveData *ad = data;

  g_free (ad->entity);
  g_free (ad->reason);
  g_free (ad);
}

static gpointer
active_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ActiveData *ad = data;

  return kb_admin_set_active (db, ad->entity, ad->id, ad->active, ad->reason, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

void
kb_store_set_active_async (KbStore             *store,
                           const char          *entity,
                           gint64               id,
                           gboolean             active,
                           const char          *reason,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  ActiveData *ad = g_new0 (ActiveData, 1);

  ad->entity = g_strdup (entity);
  ad->id = id;
  ad->active = active;
  ad->reason = g_strdup (reason);
  kb_store_run_async (store, entity, active_job, ad, active_data_free, NULL,
                      cancellable, callback, user_data);
}

gboolean
kb_store_set_active_finish (KbStore       *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  return kb_store_run_finish (store, result, error) != NULL;
}

/* --- history ------------------------------------------------------------ */

typedef struct {
  char *entity;
  gint64 id;
  guint limit;
} HistoryData;

static void
history_data_free (gpointer data)
{
  HistoryData *hd = data;

  g_free (hd->entity);
  g_free (hd);
}

static gpointer
history_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  HistoryData *hd = data;

  if (hd->entity == NULL)
    return kb_journal_recent (db, hd->limit, error);
  return kb_journal_history (db, hd->entity, hd->id, error);
}

void
kb_store_history_async (KbStore             *store,
                        const char          *entity,
                        gint64               id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  HistoryData *hd = g_new0 (HistoryData, 1);

  hd->entity = g_strdup (entity);
  hd->id = id;
  kb_store_run_async (store, NULL, history_job, hd, history_data_free, g_object_unref,
                      cancellable, callback, user_data);
}

/**
 * kb_store_recent_async:
 *
 * Lists the newest @limit journal entries; finish with
 * kb_store_history_finish().
 */
void
kb_store_recent_async (KbStore             *store,
                       guint                limit,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  HistoryData *hd = g_new0 (HistoryData, 1);

  hd->limit = limit;
  kb_store_run_async (store, NULL, history_job, hd, history_data_free, g_object_unref,
                      cancellable, callback, user_data);
}

/**
 * kb_store_history_finish:
 *
 * Returns: (transfer full) (nullable): #KbJournalEntry items
 */
GListModel *
kb_store_history_finish (KbStore       *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  return kb_store_run_finish (store, result, error);
}

/* --- verify ------------------------------------------------------------- */

typedef struct {
  KbProgressFunc progress;
  gpointer progress_data;
  GMainContext *context;
} VerifyData;

typedef struct {
  KbProgressFunc progress;
  gpointer progress_data;
  gint64 done;
  gint64 total;
} ProgressCall;

static gboolean
deliver_progress (gpointer data)
{
  ProgressCall *pc = data;

  pc->progress (pc->done, pc->total, pc->progress_data);
  return G_SOURCE_REMOVE;
}

static void
forward_progress (gint64   done,
                  gint64   total,
                  gpointer user_data)
{
  VerifyData *vd = user_data;
  ProgressCall *pc = g_new0 (ProgressCall, 1);

  pc->progress = vd->progress;
  pc->progress_data = vd->progress_data;
  pc->done = done;
  pc->total = total;
  g_main_context_invoke_full (vd->context, G_PRIORITY_DEFAULT, deliver_progress, pc, g_free);
}

static void
verify_data_free (gpointer data)
{
  VerifyData *vd = data;

  g_main_context_unref (vd->context);
  g_free (vd);
}

void
kb_verify_report_free (KbVerifyReport *report)
{
  if (report == NULL)
    return;
  kb_verify_report_clear (report);
  g_free (report);
}

static gpointer
verify_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  VerifyData *vd = data;
  KbVerifyReport *report = g_new0 (KbVerifyReport, 1);

  if (!kb_journal_verify (db, vd->progress != NULL ? forward_progress : NULL, vd,
                          cancellable, report, error))
    {
      kb_verify_report_free (report);
      return NULL;
    }
  return report;
}

/**
 * kb_store_verify_async:
 * @progress: (nullable): called in the caller's main context as it goes;
 *   @progress_data must outlive the call (cancel before dropping it)
 */
void
kb_store_verify_async (KbStore             *store,
                       KbProgressFunc       progress,
                       gpointer             progress_data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  VerifyData *vd = g_new0 (VerifyData, 1);

  vd->progress = progress;
  vd->progress_data = progress_data;
  vd->context = g_main_context_ref_thread_default ();
  kb_store_run_async (store, NULL, verify_job, vd, verify_data_free,
                      (GDestroyNotify) kb_verify_report_free, cancellable, callback, user_data);
}

/**
 * kb_store_verify_finish:
 *
 * Returns: (transfer full) (nullable): the report when the journal is
 *   intact; %NULL with a %KB_STORE_ERROR_TAMPERED error when it is not
 */
KbVerifyReport *
kb_store_verify_finish (KbStore       *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  return kb_store_run_finish (store, result, error);
}
