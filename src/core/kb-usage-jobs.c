/* kb-usage-jobs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-usage-jobs.h"

typedef struct {
  gint64         id;
  char          *text;
  KbUsageChange  change;
  GArray        *ids;
} UsageData;

static void
usage_data_free (gpointer data)
{
  UsageData *ud = data;

  g_free (ud->text);
  g_free ((char *) ud->change.date);
  g_free ((char *) ud->change.start);
  g_free ((char *) ud->change.end);
  g_free ((char *) ud->change.cases);
  g_free ((char *) ud->change.remarks);
  g_free ((char *) ud->change.reason);
  g_clear_pointer (&ud->ids, g_array_unref);
  g_free (ud);
}

void
kb_usage_sitting_free (KbUsageSitting *sitting)
{
  if (sitting == NULL)
    return;
  g_clear_pointer (&sitting->sitting, g_ptr_array_unref);
  g_clear_pointer (&sitting->missing, g_ptr_array_unref);
  g_clear_object (&sitting->tasks);
  g_free (sitting);
}

static gpointer
sitting_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  UsageData *ud = data;
  KbUsageSitting *sitting = g_new0 (KbUsageSitting, 1);

  sitting->sitting = kb_usage_sitting (db, ud->id, ud->text, error);
  if (sitting->sitting != NULL)
    sitting->missing = kb_usage_purpose_missing (db, ud->id, error);
  if (sitting->missing != NULL)
    sitting->tasks = kb_usage_approved_tasks (db, ud->id, error);
  if (sitting->tasks == NULL)
    {
      kb_usage_sitting_free (sitting);
      return NULL;
    }
  return sitting;
}

/**
 * kb_store_usage_sitting_async:
 *
 * Reads what @operator_id's sitting page shows.
 */
void
kb_store_usage_sitting_async (KbStore             *store,
                              gint64               operator_id,
                              const char          *terminal_code,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  UsageData *ud = g_new0 (UsageData, 1);

  ud->id = operator_id;
  ud->text = g_strdup (terminal_code);
  kb_store_run_async (store, NULL, sitting_job, ud, usage_data_free,
                      (GDestroyNotify) kb_usage_sitting_free, cancellable, callback, user_data);
}

KbUsageSitting *
kb_store_usage_sitting_finish (KbStore       *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  return kb_store_run_finish (store, result, error);
}

static gpointer
save_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  UsageData *ud = data;
  gint64 id = kb_usage_save (db, &ud->change, error);

  return id > 0 ? g_memdup2 (&id, sizeof id) : NULL;
}

/**
 * kb_store_usage_save_async:
 *
 * kb_usage_save() as the signed-in operator; @change is copied.
 */
void
kb_store_usage_save_async (KbStore             *store,
                           const KbUsageChange *change,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  UsageData *ud = g_new0 (UsageData, 1);

  ud->change = *change;
  ud->change.date = g_strdup (change->date);
  ud->change.start = g_strdup (change->start);
  ud->change.end = g_strdup (change->end);
  ud->change.cases = g_strdup (change->cases);
  ud->change.remarks = g_strdup (change->remarks);
  ud->change.reason = g_strdup (change->reason);
  kb_store_run_async (store, "usage", save_job, ud, usage_data_free, g_free, cancellable,
                      callback, user_data);
}

static gpointer
next_task_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  UsageData *ud = data;
  gint64 id = kb_usage_next_task (db, ud->id, error);

  return id > 0 ? g_memdup2 (&id, sizeof id) : NULL;
}

void
kb_store_usage_next_task_async (KbStore             *store,
                                gint64               entry_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  UsageData *ud = g_new0 (UsageData, 1);

  ud->id = entry_id;
  kb_store_run_async (store, "usage", next_task_job, ud, usage_data_free, g_free, cancellable,
                      callback, user_data);
}

/**
 * kb_store_usage_save_finish:
 *
 * Returns: the entry's id, or 0 with @error set
 */
gint64
kb_store_usage_save_finish (KbStore       *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autofree gint64 *id = kb_store_run_finish (store, result, error);

  return id != NULL ? *id : 0;
}

static gpointer
confirm_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  UsageData *ud = data;
  KbUsageConfirmResult *result = g_new0 (KbUsageConfirmResult, 1);

  if (!kb_usage_confirm (db, (const gint64 *) ud->ids->data, ud->ids->len, result, error))
    {
      g_free (result);
      return NULL;
    }
  return result;
}

/**
 * kb_store_usage_confirm_async:
 * @ids: (element-type gint64): the entries
 */
void
kb_store_usage_confirm_async (KbStore             *store,
                              GArray              *ids,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  UsageData *ud = g_new0 (UsageData, 1);

  ud->ids = g_array_ref (ids);
  kb_store_run_async (store, "usage", confirm_job, ud, usage_data_free, g_free, cancellable,
                      callback, user_data);
}

gboolean
kb_store_usage_confirm_finish (KbStore               *store,
                               GAsyncResult          *result,
                               KbUsageConfirmResult  *confirmed,
                               GError               **error)
{
  g_autofree KbUsageConfirmResult *r = kb_store_run_finish (store, result, error);

  if (r == NULL)
    return FALSE;
  *confirmed = *r;
  return TRUE;
}

static gpointer
tasks_job (KbDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  UsageData *ud = data;

  return kb_usage_approved_tasks (db, ud->id, error);
}

void
kb_store_usage_tasks_async (KbStore             *store,
                            gint64               operator_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  UsageData *ud = g_new0 (UsageData, 1);

  ud->id = operator_id;
  kb_store_run_async (store, NULL, tasks_job, ud, usage_data_free, g_object_unref, cancellable,
                      callback, user_data);
}

GListModel *
kb_store_usage_tasks_finish (KbStore       *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  return kb_store_run_finish (store, result, error);
}
