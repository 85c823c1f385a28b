/* kb-store.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One thread owns the SQLite connection; everything else talks to it by
 * queueing jobs. Results come back as GTasks in the caller's main context,
 * so the UI never waits on the disk.
 */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "kb-error.h"
#include "kb-store.h"

struct _KbStore {
  GObject parent_instance;

  char         *path;
  GThread      *thread;
  GAsyncQueue  *jobs;
  GMainContext *context;   /* where "changed" is emitted */
  gboolean      reader;    /* a second, read-only connection */

  /* Owned by the worker thread once it runs. */
  KbDb         *db;
};

G_DEFINE_FINAL_TYPE (KbStore, kb_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  JOB_RUN,
  JOB_OPEN,
  JOB_SET_ACTOR,
  JOB_QUIT,
} JobType;

typedef struct {
  JobType         type;
  GTask          *task;
  KbStoreFunc     func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
  char           *changes;
  gboolean        create;
  gint64          actor;
  char           *terminal;
} Job;

static gboolean
unref_task (gpointer task)
{
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
job_free (Job *job)
{
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  /* The worker must not drop the last reference to a task: it may hold the
   * last reference to the store, and finalising the store joins this very
   * thread. The task is let go in the caller's context instead. */
  if (job->task != NULL)
    {
      GMainContext *context = g_task_get_context (job->task);

      g_main_context_invoke (context, unref_task, g_steal_pointer (&job->task));
    }
  g_free (job->changes);
  g_free (job->terminal);
  g_free (job);
}

typedef struct {
  KbStore *store;
  char *entity;
} ChangedData;

static gboolean
emit_changed (gpointer user_data)
{
  ChangedData *cd = user_data;

  g_signal_emit (cd->store, signals[CHANGED], 0, cd->entity);
  g_object_unref (cd->store);
  g_free (cd->entity);
  g_free (cd);
  return G_SOURCE_REMOVE;
}

static gpointer
worker (gpointer user_data)
{
  KbStore *self = user_data;

  /* The window comes first: hashing a password takes a core for a quarter
   * of a second, and the main loop must not miss frames meanwhile. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 5) != 0)
    g_debug ("Could not lower the store thread's priority: %s", g_strerror (errno));

  for (;;)
    {
      Job *job = g_async_queue_pop (self->jobs);
      GCancellable *cancellable = job->task ? g_task_get_cancellable (job->task) : NULL;
      g_autoptr(GError) error = NULL;
      gpointer result;

      switch (job->type)
        {
        case JOB_QUIT:
          job_free (job);
          g_clear_pointer (&self->db, kb_db_close);
          return NULL;

        case JOB_SET_ACTOR:
          if (self->db != NULL)
            kb_db_set_actor (self->db, job->actor, job->terminal);
          break;

        case JOB_OPEN:
          g_clear_pointer (&self->db, kb_db_close);
          self->db = kb_db_open (self->path,
                                 self->reader ? KB_DB_OPEN_READ_ONLY | KB_DB_OPEN_TRUSTED
                                 : job->create ? KB_DB_OPEN_CREATE : KB_DB_OPEN_DEFAULT,
                                 &error);
          if (self->db != NULL)
            g_task_return_boolean (job->task, TRUE);
          else
            g_task_return_error (job->task, g_steal_pointer (&error));
          break;

        case JOB_RUN:
          if (g_task_return_error_if_cancelled (job->task))
            break;
          if (self->db == NULL)
            {
              g_task_return_new_error (job->task, KB_STORE_ERROR, KB_STORE_ERROR_CLOSED,
                                       _("The database is not open"));
              break;
            }
          result = job->func (self->db, job->data, cancellable, &error);
          if (result == NULL)
            {
              if (error == NULL)
                g_set_error (&error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED, _("Unknown error"));
              g_task_return_error (job->task, g_steal_pointer (&error));
              break;
            }
          if (job->changes != NULL)
            {
              ChangedData *cd = g_new0 (ChangedData, 1);

              GSource *source = g_idle_source_new ();

              cd->store = g_object_ref (self);
              cd->entity = g_strdup (job->changes);
              /* An idle source, not g_main_context_invoke(): invoke runs the
               * callback right here, on this thread, whenever nobody owns
               * the context at that moment. */
              g_source_set_priority (source, G_PRIORITY_DEFAULT);
              g_source_set_callback (source, emit_changed, cd, NULL);
              g_source_attach (source, self->context);
              g_source_unref (source);
            }
          g_task_return_pointer (job->task, result, job->result_free);
          break;

        default:
          g_assert_not_reached ();
        }

      job_free (job);
    }
}

static void
kb_store_dispose (GObject *object)
{
  kb_store_close (KB_STORE (object));

  G_OBJECT_CLASS (kb_store_parent_class)->dispose (object);
}

static void
kb_store_finalize (GObject *object)
{
  KbStore *self = KB_STORE (object);

  g_async_queue_unref (self->jobs);
  g_main_context_unref (self->context);
  g_free (self->path);

  G_OBJECT_CLASS (kb_store_parent_class)->finalize (object);
}

static void
kb_store_class_init (KbStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kb_store_dispose;
  object_class->finalize = kb_store_finalize;

  /**
   * KbStore::changed:
   * @entity: the register that changed ("operator")
   *
   * Emitted in the main context after a job that changes @entity succeeded.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kb_store_init (KbStore *self)
{
  self->jobs = g_async_queue_new ();
  self->context = g_main_context_ref_thread_default ();
}

/**
 * kb_store_new:
 * @path: the database file
 *
 * Returns: (transfer full): a store; nothing is opened until
 *   kb_store_open_async()
 */
KbStore *
kb_store_new (const char *path)
{
  KbStore *self = g_object_new (KB_TYPE_STORE, NULL);

  self->path = g_strdup (path);
  return self;
}

/**
 * kb_store_new_reader:
 * @path: a database file that a #KbStore of this process has opened
 *
 * A second connection, read-only, on its own thread: long reads (the
 * usage register's pages and totals, exports) run there, so that they
 * never hold up the writes of the card session. SQLite's WAL lets it read
 * while the other connection writes. The file is not inspected again.
 */
KbStore *
kb_store_new_reader (const char *path)
{
  KbStore *self = kb_store_new (path);

  self->reader = TRUE;
  return self;
}

const char *
kb_store_get_path (KbStore *self)
{
  return self->path;
}

static void
push (KbStore *self,
      Job     *job)
{
  if (self->thread == NULL)
    self->thread = g_thread_new ("kb-store", worker, self);
  g_async_queue_push (self->jobs, job);
}

/**
 * kb_store_set_actor:
 * @operator_id: the signed-in operator, or 0 for "system"
 * @terminal: (nullable): this terminal's code
 *
 * Sets who later journal entries are written as. Queued like any job, so
 * it applies to the jobs queued after it.
 */
void
kb_store_set_actor (KbStore    *self,
                    gint64      operator_id,
                    const char *terminal)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (KB_IS_STORE (self));

  job->type = JOB_SET_ACTOR;
  job->actor = operator_id;
  job->terminal = g_strdup (terminal);
  push (self, job);
}

void
kb_store_open_async (KbStore             *self,
                     gboolean             create,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (KB_IS_STORE (self));

  job->type = JOB_OPEN;
  job->create = create;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, kb_store_open_async);
  push (self, job);
}

gboolean
kb_store_open_finish (KbStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kb_store_run_async:
 * @changes: (nullable): the register the job changes, for #KbStore::changed
 * @func: the job, run on the store's thread
 * @data: (transfer full): its data, freed with @data_free on any thread
 * @result_free: frees the result if nobody takes it
 *
 * Queues @func; @callback runs in the caller's main context.
 */
void
kb_store_run_async (KbStore             *self,
                    const char          *changes,
                    KbStoreFunc          func,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (KB_IS_STORE (self));
  g_return_if_fail (func != NULL);

  job->type = JOB_RUN;
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  job->changes = g_strdup (changes);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, kb_store_run_async);
  push (self, job);
}

/**
 * kb_store_run_finish:
 *
 * Returns: (transfer full) (nullable): the job's result
 */
gpointer
kb_store_run_finish (KbStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kb_store_close:
 *
 * Finishes the queued jobs, closes the connection and stops the thread.
 * Blocks until then; called when the application shuts down.
 */
void
kb_store_close (KbStore *self)
{
  Job *job;

  if (self->thread == NULL)
    return;

  job = g_new0 (Job, 1);
  job->type = JOB_QUIT;
  g_async_queue_push (self->jobs, job);
  g_thread_join (g_steal_pointer (&self->thread));
}
