/* kb-store-jobs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-auth.h"
#include "kb-password.h"
#include "kb-settings.h"
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
progress_call_free (gpointer data)
{
  ProgressCall *pc = data;

  g_object_unref (pc->progress_data);
  g_free (pc);
}

static void
forward_progress (gint64   done,
                  gint64   total,
                  gpointer user_data)
{
  VerifyData *vd = user_data;
  ProgressCall *pc = g_new0 (ProgressCall, 1);
  GSource *source = g_idle_source_new ();

  pc->progress = vd->progress;
  pc->progress_data = g_object_ref (vd->progress_data);
  pc->done = done;
  pc->total = total;

  /* Not g_main_context_invoke(): it may run the callback on this thread. */
  g_source_set_callback (source, deliver_progress, pc, progress_call_free);
  g_source_attach (source, vd->context);
  g_source_unref (source);
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
 * @progress: (nullable): called in the caller's main context as it goes
 * @progress_data: (type GObject): a #GObject, kept alive while progress
 *   calls are pending
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

/* --- sign-in administration ------------------------------------------------ */

typedef struct {
  gint64 id;
  char *a;
  char *b;
  char *reason;
  KbPasswordPolicy policy;
} AuthData;

static void
auth_data_free (gpointer data)
{
  AuthData *ad = data;

  if (ad->a != NULL)
    kb_password_wipe (ad->a);
  if (ad->b != NULL)
    kb_password_wipe (ad->b);
  g_free (ad->a);
  g_free (ad->b);
  g_free (ad->reason);
  g_free (ad);
}

static AuthData *
auth_data_new (gint64      id,
               const char *a,
               const char *b,
               const char *reason)
{
  AuthData *ad = g_new0 (AuthData, 1);

  ad->id = id;
  ad->a = g_strdup (a);
  ad->b = g_strdup (b);
  ad->reason = g_strdup (reason);
  return ad;
}

static gpointer
reset_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  AuthData *ad = data;

  return kb_auth_reset_password (db, ad->id, ad->a, ad->reason, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
release_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  AuthData *ad = data;

  return kb_auth_release_lockout (db, ad->id, ad->reason, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
change_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  AuthData *ad = data;

  return kb_auth_change_password (db, ad->id, ad->a, ad->b, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
card_status_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  AuthData *ad = data;

  return kb_cards_set_status (db, ad->id, ad->a, ad->reason, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
set_policy_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  AuthData *ad = data;

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return NULL;
  return kb_settings_set_policy (db, &ad->policy, ad->reason, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
cards_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  return kb_cards_list (db, error);
}

static gpointer
policy_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  KbPasswordPolicy *policy = g_new0 (KbPasswordPolicy, 1);

  kb_settings_get_policy (db, policy);
  return policy;
}

void
kb_store_reset_password_async (KbStore *store, gint64 operator_id, const char *temporary_password,
                               const char *reason, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  kb_store_run_async (store, "credential", reset_job,
                      auth_data_new (operator_id, temporary_password, NULL, reason),
                      auth_data_free, NULL, cancellable, callback, user_data);
}

void
kb_store_release_lockout_async (KbStore *store, gint64 operator_id, const char *reason,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  kb_store_run_async (store, "credential", release_job,
                      auth_data_new (operator_id, NULL, NULL, reason),
                      auth_data_free, NULL, cancellable, callback, user_data);
}

void
kb_store_change_password_async (KbStore *store, gint64 operator_id, const char *old_password,
                                const char *new_password, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  kb_store_run_async (store, "credential", change_job,
                      auth_data_new (operator_id, old_password, new_password, NULL),
                      auth_data_free, NULL, cancellable, callback, user_data);
}

void
kb_store_card_status_async (KbStore *store, gint64 card_id, const char *status,
                            const char *reason, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  kb_store_run_async (store, "card", card_status_job,
                      auth_data_new (card_id, status, NULL, reason),
                      auth_data_free, NULL, cancellable, callback, user_data);
}

void
kb_store_set_policy_async (KbStore *store, int min_length, int min_classes, int max_age_days,
                           const char *reason, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  AuthData *ad = auth_data_new (0, NULL, NULL, reason);

  ad->policy.min_length = min_length;
  ad->policy.min_classes = min_classes;
  ad->policy.max_age_days = max_age_days;
  kb_store_run_async (store, "setting", set_policy_job, ad, auth_data_free, NULL,
                      cancellable, callback, user_data);
}

gboolean
kb_store_auth_finish (KbStore       *store,
                      GAsyncResult  *result,
                      GError       **error)
{
  return kb_store_run_finish (store, result, error) != NULL;
}

void
kb_store_cards_async (KbStore *store, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  kb_store_run_async (store, NULL, cards_job, NULL, NULL, g_object_unref,
                      cancellable, callback, user_data);
}

void
kb_store_policy_async (KbStore *store, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  kb_store_run_async (store, NULL, policy_job, NULL, NULL, g_free,
                      cancellable, callback, user_data);
}

static gpointer
holds_card_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  AuthData *ad = data;
  g_autoptr(GError) local_error = NULL;
  gboolean holds = kb_cards_held_by (db, ad->id, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return GINT_TO_POINTER (holds ? 1 : 2);
}

void
kb_store_holds_card_async (KbStore *store, gint64 operator_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  kb_store_run_async (store, NULL, holds_card_job, auth_data_new (operator_id, NULL, NULL, NULL),
                      auth_data_free, NULL, cancellable, callback, user_data);
}
