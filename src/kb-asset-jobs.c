/* kb-asset-jobs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each job copies what it needs before it is queued and never touches a
 * widget: it runs on the store's thread, with the store's connection.
 */

#include "config.h"

#include "kb-asset-jobs.h"
#include "kb-backup.h"

/* --- changes --------------------------------------------------------------- */

typedef struct {
  KbAssetAction action;
  GPtrArray    *strings;        /* owns every string of action */
} ActionJob;

static const char *
keep (ActionJob  *job,
      const char *s)
{
  char *copy;

  if (s == NULL)
    return NULL;
  copy = g_strdup (s);
  g_ptr_array_add (job->strings, copy);
  return copy;
}

static void
action_job_free (gpointer data)
{
  ActionJob *job = data;

  g_ptr_array_unref (job->strings);
  g_free (job);
}

static gpointer
action_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  KbAssetAction *a = &((ActionJob *) data)->action;
  gboolean ok = FALSE;

  switch (a->kind)
    {
    case KB_ASSET_ACTION_SAVE:
      {
        gint64 id = kb_assets_save (db, &a->change, error);

        return id != 0 ? g_memdup2 (&id, sizeof id) : NULL;
      }
    case KB_ASSET_ACTION_HAND_OVER:
      ok = kb_assets_hand_over (db, a->asset_id, a->person_id, a->location, a->reason, error);
      break;
    case KB_ASSET_ACTION_LEND:
      ok = kb_assets_lend (db, a->asset_id, a->person_id, a->due_on, a->reason, error);
      break;
    case KB_ASSET_ACTION_RETURN:
      ok = kb_assets_return (db, a->asset_id, a->location, a->notes, error);
      break;
    case KB_ASSET_ACTION_SET_STATUS:
      ok = kb_assets_set_status (db, a->asset_id, a->status, a->reason, error);
      break;
    case KB_ASSET_ACTION_CHECK:
      ok = kb_assets_check (db, a->asset_id, a->person_id, a->location, a->condition, a->notes,
                            error);
      break;
    case KB_ASSET_ACTION_REQUEST_DISPOSAL:
      ok = kb_assets_request_disposal (db, a->asset_id, a->reason, a->method, a->data,
                                       a->backup_id, error);
      break;
    case KB_ASSET_ACTION_DECIDE_DISPOSAL:
      ok = kb_assets_decide_disposal (db, a->asset_id, a->approve, a->reason, error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    return NULL;
  {
    gint64 one = 1;

    return g_memdup2 (&one, sizeof one);
  }
}

void
kb_store_asset_action_async (KbStore             *store,
                             const KbAssetAction *action,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  ActionJob *job = g_new0 (ActionJob, 1);
  KbAssetChange *c = &job->action.change;

  g_return_if_fail (KB_IS_STORE (store));
  g_return_if_fail (action != NULL);

  job->strings = g_ptr_array_new_with_free_func (g_free);
  job->action = *action;
  c->number = keep (job, c->number);
  c->name = keep (job, c->name);
  c->location = keep (job, c->location);
  c->acquired_on = keep (job, c->acquired_on);
  c->inventory_days = keep (job, c->inventory_days);
  c->notes = keep (job, c->notes);
  c->reason = keep (job, c->reason);
  job->action.location = keep (job, action->location);
  job->action.due_on = keep (job, action->due_on);
  job->action.notes = keep (job, action->notes);
  job->action.reason = keep (job, action->reason);
  kb_store_run_async (store, "asset", action_job, job, action_job_free, g_free,
                      cancellable, callback, user_data);
}

gint64
kb_store_asset_action_finish (KbStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autofree gint64 *id = kb_store_run_finish (store, result, error);

  return id != NULL ? *id : 0;
}

/* --- reads ----------------------------------------------------------------- */

typedef struct {
  KbAssetFilter filter;
  char         *text;
  gint64        id;
  GFile        *file;
} ReadJob;

static void
read_job_free (gpointer data)
{
  ReadJob *job = data;

  g_free (job->text);
  g_clear_object (&job->file);
  g_free (job);
}

static ReadJob *
read_job_new (const KbAssetFilter *filter)
{
  ReadJob *job = g_new0 (ReadJob, 1);
  KbAssetFilter init = KB_ASSET_FILTER_INIT;

  job->filter = filter != NULL ? *filter : init;
  job->text = g_strdup (job->filter.text);
  job->filter.text = job->text;
  return job;
}

void
kb_asset_listing_free (KbAssetListing *listing)
{
  g_clear_object (&listing->assets);
  g_free (listing);
}

static gpointer
list_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  ReadJob *job = data;
  g_autoptr(GListModel) assets = kb_assets_list (db, &job->filter, NULL, error);
  KbAssetListing *listing;

  if (assets == NULL)
    return NULL;
  listing = g_new0 (KbAssetListing, 1);
  if (!kb_assets_counts (db, NULL, &listing->counts, error))
    {
      g_free (listing);
      return NULL;
    }
  listing->assets = g_steal_pointer (&assets);
  return listing;
}

void
kb_store_assets_list_async (KbStore             *reader,
                            const KbAssetFilter *filter,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  kb_store_run_async (reader, NULL, list_job, read_job_new (filter), read_job_free,
                      (GDestroyNotify) kb_asset_listing_free, cancellable, callback, user_data);
}

KbAssetListing *
kb_store_assets_list_finish (KbStore       *reader,
                             GAsyncResult  *result,
                             GError       **error)
{
  return kb_store_run_finish (reader, result, error);
}

void
kb_asset_details_free (KbAssetDetails *details)
{
  g_clear_object (&details->asset);
  g_clear_object (&details->history);
  g_clear_pointer (&details->disposal, kb_disposal_free);
  g_free (details);
}

static gpointer
details_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  ReadJob *job = data;
  g_autoptr(KbAsset) asset = kb_assets_get (db, job->id, NULL, error);
  g_autoptr(GListModel) history = NULL;
  g_autoptr(GError) local_error = NULL;
  KbDisposal *disposal;
  KbAssetDetails *details;

  if (asset == NULL)
    return NULL;
  history = kb_assets_history (db, job->id, error);
  if (history == NULL)
    return NULL;
  disposal = kb_assets_get_disposal (db, job->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  details = g_new0 (KbAssetDetails, 1);
  details->asset = g_steal_pointer (&asset);
  details->history = g_steal_pointer (&history);
  details->disposal = disposal;
  return details;
}

void
kb_store_asset_details_async (KbStore             *reader,
                              gint64               asset_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ReadJob *job = read_job_new (NULL);

  job->id = asset_id;
  kb_store_run_async (reader, NULL, details_job, job, read_job_free,
                      (GDestroyNotify) kb_asset_details_free, cancellable, callback, user_data);
}

KbAssetDetails *
kb_store_asset_details_finish (KbStore       *reader,
                               GAsyncResult  *result,
                               GError       **error)
{
  return kb_store_run_finish (reader, result, error);
}

static gpointer
backups_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  return kb_backup_list (db, error);
}

void
kb_store_backups_async (KbStore             *reader,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  kb_store_run_async (reader, NULL, backups_job, NULL, NULL, g_object_unref,
                      cancellable, callback, user_data);
}

GListModel *
kb_store_backups_finish (KbStore       *reader,
                         GAsyncResult  *result,
                         GError       **error)
{
  return kb_store_run_finish (reader, result, error);
}

/* --- CSV ------------------------------------------------------------------- */

static gpointer
export_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ReadJob *job = data;

  if (!kb_assets_export_csv (db, &job->filter, job->file, cancellable, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

void
kb_store_assets_export_async (KbStore             *reader,
                              const KbAssetFilter *filter,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ReadJob *job = read_job_new (filter);

  job->file = g_object_ref (file);
  kb_store_run_async (reader, NULL, export_job, job, read_job_free, NULL,
                      cancellable, callback, user_data);
}

gboolean
kb_store_assets_export_finish (KbStore       *reader,
                               GAsyncResult  *result,
                               GError       **error)
{
  return kb_store_run_finish (reader, result, error) != NULL;
}

void
kb_asset_import_free (KbAssetImport *import)
{
  g_clear_pointer (&import->problems, g_ptr_array_unref);
  g_clear_error (&import->error);
  g_free (import);
}

static gpointer
import_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ReadJob *job = data;
  KbAssetImport *import = g_new0 (KbAssetImport, 1);

  /* The problems come back beside the error, so the job always succeeds. */
  if (!kb_assets_import_csv (db, job->file, &import->n_imported, &import->problems,
                             cancellable, &import->error) &&
      import->error == NULL)
    g_set_error_literal (&import->error, G_IO_ERROR, G_IO_ERROR_FAILED, "import failed");
  return import;
}

void
kb_store_assets_import_async (KbStore             *store,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ReadJob *job = read_job_new (NULL);

  job->file = g_object_ref (file);
  kb_store_run_async (store, "asset", import_job, job, read_job_free,
                      (GDestroyNotify) kb_asset_import_free, cancellable, callback, user_data);
}

KbAssetImport *
kb_store_assets_import_finish (KbStore       *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  return kb_store_run_finish (store, result, error);
}
