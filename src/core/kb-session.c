/* kb-session.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who is signed in, and when that ends. The session listens to the card
 * monitor and locks the instant the card leaves, the card service or the
 * reader goes away, or the operator has been idle too long. Only the state
 * %KB_SESSION_UNLOCKED lets the window show a register. Sign-in and lock
 * events are journaled through the store.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-auth.h"
#include "kb-crypto.h"
#include "kb-error.h"
#include "kb-password.h"
#include "kb-session.h"
#include "kb-settings.h"
#include "kb-training.h"
#include "kb-usage.h"

struct _KbSession {
  GObject parent_instance;

  KbStore        *store;
  KbCardMonitor  *monitor;
  char           *terminal;
  GBytes         *salt;
  gboolean        loaded;
  gboolean        needs_bootstrap;

  KbSessionState  state;
  char           *message;
  GHashTable     *field_errors;

  KbOperator     *op;            /* the owner of the card in the reader */
  gint64          card_id;
  guint64         card_serial;   /* the insertion the current attempt is for */
  char           *lock_reason;
  char           *usage_error;   /* why this session has no usage entry */
  char           *training_warning; /* set at unlock, cleared at lock */
  gint64          locked_time;
  GCancellable   *cancellable;   /* cancelled when the card leaves */
  GCancellable   *life;          /* cancelled when the session goes */

  guint           idle_seconds;
  gint64          last_activity;
  guint           idle_source;

  KbOperator     *issue_for;     /* card being issued, and by whom */
  gint64          issuer;
  gint64          issue_deadline;
};

G_DEFINE_FINAL_TYPE (KbSession, kb_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  LOCKED,
  UNLOCKED,
  USAGE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define ISSUE_TIMEOUT_SECONDS 120

static void check_inserted_card (KbSession *self);

/* --- state ---------------------------------------------------------------- */

static void
set_state (KbSession      *self,
           KbSessionState  state,
           const char     *message)
{
  gboolean changed = self->state != state || g_strcmp0 (self->message, message) != 0;

  g_free (self->message);
  self->message = g_strdup (message);
  self->state = state;
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_field_error (KbSession  *self,
                 const char *field,
                 const char *message)
{
  if (message != NULL)
    g_hash_table_insert (self->field_errors, g_strdup (field), g_strdup (message));
  else
    g_hash_table_remove (self->field_errors, field);
}

/* The state to show when no one is signed in and nothing is pending. */
static void
show_waiting (KbSession *self)
{
  KbCardState card = kb_card_monitor_get_state (self->monitor);
  const char *message = kb_card_monitor_get_message (self->monitor);

  g_hash_table_remove_all (self->field_errors);

  if (!self->loaded)
    set_state (self, KB_SESSION_STARTING, NULL);
  else if (self->needs_bootstrap)
    set_state (self, KB_SESSION_BOOTSTRAP, NULL);
  else if (card == KB_CARD_STATE_NO_SERVICE || card == KB_CARD_STATE_ERROR)
    set_state (self, KB_SESSION_NO_SERVICE, message);
  else if (card == KB_CARD_STATE_NO_READER)
    set_state (self, KB_SESSION_NO_READER, message);
  else if (card == KB_CARD_STATE_STARTING)
    set_state (self, KB_SESSION_STARTING, NULL);
  else if (card == KB_CARD_STATE_PRESENT && kb_card_monitor_get_card (self->monitor) != NULL)
    check_inserted_card (self);
  else
    set_state (self, KB_SESSION_INSERT_CARD, NULL);
}

/* --- store jobs ------------------------------------------------------------ */

typedef struct {
  gint64 operator_id;
  gint64 card_id;
  gint64 actor;
  char *text;
  char *password;
  char *new_password;
  char *atr;
  gboolean has_uid;
  KbOperator *op;
  guint64 serial;
  KbSigninResult result;
  int attempts_left;
  gboolean must_change;
  char *warning;
} Job;

static void
wipe (char *secret)
{
  if (secret != NULL)
    {
      kb_password_wipe (secret);
      g_free (secret);
    }
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->text);
  wipe (job->password);
  wipe (job->new_password);
  g_free (job->atr);
  g_free (job->warning);
  g_clear_object (&job->op);
  g_free (job);
}

static Job *
job_new (KbSession *self)
{
  Job *job = g_new0 (Job, 1);

  job->serial = self->card_serial;
  return job;
}

typedef struct {
  GBytes *salt;
  gboolean needs_bootstrap;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_pointer (&loaded->salt, g_bytes_unref);
  g_free (loaded);
}

static gpointer
load_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GError) usage_error = NULL;
  GBytes *salt = kb_settings_get_card_salt (db, error);
  Loaded *loaded;

  if (salt == NULL)
    return NULL;
  /* Entries left open by a crash or a power cut end at their operator's
   * last journaled act. */
  if (kb_usage_close_abandoned (db, data, &usage_error) == (guint) -1)
    g_message ("Could not close abandoned usage entries: %s", usage_error->message);
  loaded = g_new0 (Loaded, 1);
  loaded->salt = salt;
  loaded->needs_bootstrap = kb_auth_needs_bootstrap (db, NULL);
  return loaded;
}

static gpointer
lock_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Job *job = data;
  gint64 previous = kb_db_get_actor (db);
  gboolean ok;

  /* The usage entry ends with the session, in the same transaction, as
   * the operator's own act. */
  if (!kb_db_begin (db, error))
    return NULL;
  kb_db_set_actor (db, job->operator_id, NULL);
  ok = kb_usage_end_sitting (db, job->operator_id, kb_db_get_terminal (db), 0, job->text, error) &&
       kb_auth_journal_lock (db, job->operator_id, job->text, error);
  kb_db_set_actor (db, previous, NULL);
  if (!ok || !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static gpointer
begin_sitting_job (KbDb          *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gint64 id = kb_usage_begin_sitting (db, kb_db_get_terminal (db), error);

  return id != 0 ? g_memdup2 (&id, sizeof id) : NULL;
}

static void
sitting_begun_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbSession) self = user_data;
  g_autofree gint64 *id = kb_store_run_finish (KB_STORE (source), result, &error);

  g_free (self->usage_error);
  self->usage_error = id == NULL ? g_strdup (error->message) : NULL;
  if (id == NULL)
    g_message ("No usage entry for this session: %s", error->message);
  g_signal_emit (self, signals[USAGE_CHANGED], 0);
}

static void
journaled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The lock itself has happened; a journal that cannot be written is
   * reported, it does not keep anything open. */
  if (kb_store_run_finish (KB_STORE (source), result, &error) == NULL)
    g_message ("Could not journal a lock: %s", error->message);
}

static void
journal_lock (KbSession  *self,
              gint64      operator_id,
              const char *reason)
{
  Job *job = job_new (self);

  job->operator_id = operator_id;
  job->text = g_strdup (reason);
  kb_store_run_async (self->store, "usage", lock_job, job, job_free, NULL, NULL,
                      journaled_cb, NULL);
}

/* --- locking --------------------------------------------------------------- */

static void
stop_idle (KbSession *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
}

static void
do_lock (KbSession  *self,
         const char *reason)
{
  g_autoptr(KbOperator) op = NULL;

  if (self->state != KB_SESSION_UNLOCKED)
    return;

  op = g_object_ref (self->op);
  g_clear_pointer (&self->training_warning, g_free);
  self->locked_time = g_get_monotonic_time ();
  g_free (self->lock_reason);
  self->lock_reason = g_strdup (reason);
  stop_idle (self);

  /* Queued before anything the next person does, so that jobs the
   * operator started still run as them, and nothing after. */
  kb_store_set_actor (self->store, 0, self->terminal);
  journal_lock (self, kb_operator_get_id (op), reason);

  /* Idle or asked for, with the card still in: the same operator unlocks
   * with their password. Otherwise the card is gone. */
  if ((g_str_equal (reason, "idle") || g_str_equal (reason, "manual")) &&
      kb_card_monitor_get_state (self->monitor) == KB_CARD_STATE_PRESENT)
    set_state (self, KB_SESSION_PASSWORD, NULL);
  else
    {
      g_clear_object (&self->op);
      self->card_id = 0;
      show_waiting (self);
    }

  g_signal_emit (self, signals[LOCKED], 0, reason);
}

/**
 * kb_session_lock:
 * @reason: "manual", "idle", …
 *
 * Locks now. With the card still in the reader, the same operator's
 * password unlocks again.
 */
void
kb_session_lock (KbSession  *self,
                 const char *reason)
{
  g_return_if_fail (KB_IS_SESSION (self));
  do_lock (self, reason);
}

static gboolean
idle_tick (gpointer user_data)
{
  KbSession *self = user_data;

  if (self->state == KB_SESSION_UNLOCKED && self->idle_seconds > 0 &&
      g_get_monotonic_time () - self->last_activity >= (gint64) self->idle_seconds * G_USEC_PER_SEC)
    {
      self->idle_source = 0;
      do_lock (self, "idle");
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
unlock (KbSession *self)
{
  self->last_activity = g_get_monotonic_time ();
  kb_store_set_actor (self->store, kb_operator_get_id (self->op), self->terminal);
  g_hash_table_remove_all (self->field_errors);
  /* Queued after the actor: the entry is the operator's. */
  kb_store_run_async (self->store, "usage", begin_sitting_job, NULL, NULL, g_free, NULL,
                      sitting_begun_cb, g_object_ref (self));
  set_state (self, KB_SESSION_UNLOCKED, NULL);
  stop_idle (self);
  self->idle_source = g_timeout_add_seconds (1, idle_tick, self);
  g_signal_emit (self, signals[UNLOCKED], 0);
}

/* --- the card -------------------------------------------------------------- */

static gpointer
check_job (KbDb          *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Job *job = data;

  return kb_auth_check_card (db, job->text, error);
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KbCardCheck *check = kb_store_run_finish (KB_STORE (source), result, &error);
  KbSession *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = KB_SESSION (user_data);
  if (self->state != KB_SESSION_CHECKING_CARD)
    {
      kb_card_check_free (check);
      return;
    }

  if (check == NULL)
    {
      set_state (self, KB_SESSION_REFUSED, error->message);
      return;
    }

  if (check->verdict != KB_CARD_VERDICT_OK)
    set_state (self, KB_SESSION_REFUSED, kb_card_verdict_message (check->verdict));
  else
    {
      g_set_object (&self->op, check->op);
      self->card_id = check->card_id;
      set_state (self, KB_SESSION_PASSWORD, NULL);
    }
  kb_card_check_free (check);
}

static char *
card_identity (KbSession *self,
               KbCard    *card)
{
  return kb_card_get_identity (card, g_bytes_get_data (self->salt, NULL),
                               g_bytes_get_size (self->salt));
}

static char *
card_atr_hex (KbCard *card)
{
  GBytes *atr = kb_card_get_atr (card);
  gsize len = 0;
  const guint8 *data = atr != NULL ? g_bytes_get_data (atr, &len) : NULL;

  return kb_hex_encode (data, len);
}

static void
check_inserted_card (KbSession *self)
{
  KbCard *card = kb_card_monitor_get_card (self->monitor);
  Job *job;

  if (card == NULL || !self->loaded)
    return;

  job = job_new (self);
  job->text = card_identity (self, card);
  g_clear_object (&self->op);
  set_state (self, KB_SESSION_CHECKING_CARD, NULL);
  kb_store_run_async (self->store, NULL, check_job, job, job_free,
                      (GDestroyNotify) kb_card_check_free, self->cancellable, checked_cb, self);
}

static gpointer
issue_job (KbDb          *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Job *job = data;
  gint64 previous = kb_db_get_actor (db);
  gint64 id;

  /* Issued by the security officer who started it, though the screen is
   * locked while the new card is in the reader. */
  kb_db_set_actor (db, job->actor, NULL);
  id = kb_cards_issue (db, job->operator_id, job->text, job->atr, job->has_uid, error);
  kb_db_set_actor (db, previous, NULL);

  return id > 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer ok = kb_store_run_finish (KB_STORE (source), result, &error);
  KbSession *self;
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SESSION (user_data);

  if (ok != NULL)
    message = g_strdup_printf (_("The card was issued to %s. Remove it, then insert your own "
                                 "card to go on."), kb_operator_get_name (self->issue_for));
  else
    message = g_strdup_printf (_("The card was not issued: %s"), error->message);
  g_clear_object (&self->issue_for);
  set_state (self, KB_SESSION_CARD_ISSUED, message);
}

static void
card_inserted_cb (KbSession     *self,
                  KbCard        *card,
                  KbCardMonitor *monitor)
{
  self->card_serial = kb_card_get_serial (card);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->state == KB_SESSION_UNLOCKED)
    {
      /* A second card while signed in: someone else is at the reader. */
      do_lock (self, "card-swapped");
    }

  if (!self->loaded || self->state == KB_SESSION_BOOTSTRAP)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      return;
    }

  if (self->state == KB_SESSION_ISSUE_CARD && self->issue_for != NULL &&
      g_get_monotonic_time () > self->issue_deadline)
    {
      /* Too late: whoever is at the reader now signs in like anyone. */
      g_clear_object (&self->issue_for);
    }

  if (self->state == KB_SESSION_ISSUE_CARD && self->issue_for != NULL)
    {
      Job *job = job_new (self);

      job->operator_id = kb_operator_get_id (self->issue_for);
      job->actor = self->issuer;
      job->text = card_identity (self, card);
      job->atr = card_atr_hex (card);
      job->has_uid = kb_card_has_uid (card);
      set_state (self, KB_SESSION_CHECKING_CARD, NULL);
      kb_store_run_async (self->store, "card", issue_job, job, job_free, NULL,
                          self->cancellable, issued_cb, self);
      return;
    }

  check_inserted_card (self);
}

static void
card_removed_cb (KbSession     *self,
                 KbCard        *card,
                 gint64         seen_time,
                 KbCardMonitor *monitor)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->state == KB_SESSION_UNLOCKED)
    {
      do_lock (self, kb_card_monitor_get_state (monitor) == KB_CARD_STATE_NO_SERVICE
                     ? "service-lost"
                     : kb_card_monitor_get_state (monitor) == KB_CARD_STATE_NO_READER
                     ? "reader-lost" : "card-removed");
      return;
    }

  g_clear_object (&self->op);
  self->card_id = 0;

  /* Issuing: the officer takes their own card out to put the new one in. */
  if (self->state == KB_SESSION_ISSUE_CARD && self->issue_for != NULL)
    return;
  if (self->state == KB_SESSION_BOOTSTRAP)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      return;
    }

  g_clear_object (&self->issue_for);
  show_waiting (self);
}

static void
monitor_state_cb (KbSession     *self,
                  KbCardMonitor *monitor)
{
  KbCardState card = kb_card_monitor_get_state (monitor);

  /* Fail closed: without a trustworthy card service nobody stays in. */
  if (card != KB_CARD_STATE_PRESENT && self->state == KB_SESSION_UNLOCKED)
    do_lock (self, card == KB_CARD_STATE_NO_SERVICE || card == KB_CARD_STATE_ERROR
                   ? "service-lost"
                   : card == KB_CARD_STATE_NO_READER ? "reader-lost" : "card-removed");

  switch (self->state)
    {
    case KB_SESSION_STARTING:
    case KB_SESSION_NO_SERVICE:
    case KB_SESSION_NO_READER:
    case KB_SESSION_INSERT_CARD:
      show_waiting (self);
      break;
    case KB_SESSION_ISSUE_CARD:
      if (card == KB_CARD_STATE_NO_SERVICE || card == KB_CARD_STATE_NO_READER ||
          card == KB_CARD_STATE_ERROR)
        {
          g_clear_object (&self->issue_for);
          show_waiting (self);
        }
      break;
    case KB_SESSION_BOOTSTRAP:
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      break;
    default:
      if (card != KB_CARD_STATE_PRESENT)
        {
          g_clear_object (&self->op);
          show_waiting (self);
        }
      break;
    }
}

/* --- passwords ------------------------------------------------------------- */

static gpointer
sign_in_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Job *job = data;
  Job *outcome = g_new0 (Job, 1);

  outcome->operator_id = job->operator_id;
  outcome->serial = job->serial;
  outcome->result = kb_auth_sign_in (db, job->operator_id, job->card_id, job->password,
                                     &outcome->attempts_left, &outcome->must_change, error);
  /* The right password, then the training the policy requires: a refusal
   * is journaled (and the session just opened closed again) and reaches
   * the lock page as a refused card does, not as a wrong password. */
  if (outcome->result == KB_SIGNIN_OK && (error == NULL || *error == NULL) &&
      !kb_training_check_sign_in (db, job->operator_id, NULL, &outcome->warning, error))
    {
      g_autoptr(GError) lock_error = NULL;

      if (!kb_auth_journal_lock (db, job->operator_id, "training-refused", &lock_error))
        g_message ("Could not journal a lock: %s", lock_error->message);
      if (error != NULL && !g_error_matches (*error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED))
        {
          /* Fail closed: a policy that cannot be read refuses too. */
          g_autofree char *message = g_strdup ((*error)->message);

          g_clear_error (error);
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       _("Your training status cannot be checked: %s"), message);
        }
    }
  if (error != NULL && *error != NULL)
    {
      job_free (outcome);
      return NULL;
    }
  return outcome;
}

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbSession) self = user_data;
  Job *job = kb_store_run_finish (KB_STORE (source), result, &error);

  if (job == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->state == KB_SESSION_VERIFYING &&
          g_error_matches (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED))
        {
          /* The card was revoked, or its operator retired, since it was
           * checked: refused as at insertion, not asked for again. */
          g_clear_object (&self->op);
          self->card_id = 0;
          set_state (self, KB_SESSION_REFUSED, error->message);
          return;
        }
      if (self->state == KB_SESSION_VERIFYING)
        {
          set_field_error (self, KB_FIELD_PASSWORD, error->message);
          set_state (self, KB_SESSION_PASSWORD, NULL);
        }
      return;
    }

  if (job->serial != self->card_serial || self->state != KB_SESSION_VERIFYING)
    {
      /* The card left while the password was checked: if it unlocked, that
       * session ended at once, and the journal says so. */
      if (job->result == KB_SIGNIN_OK)
        journal_lock (self, job->operator_id, "card-removed");
      job_free (job);
      return;
    }

  switch (job->result)
    {
    case KB_SIGNIN_OK:
      g_free (self->training_warning);
      self->training_warning = g_steal_pointer (&job->warning);
      if (job->must_change)
        set_state (self, KB_SESSION_CHANGE_PASSWORD, NULL);
      else
        unlock (self);
      break;
    case KB_SIGNIN_WRONG_PASSWORD:
      {
        g_autofree char *message =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Wrong password. %d attempt left before the account "
                                        "is locked.",
                                        "Wrong password. %d attempts left before the account "
                                        "is locked.", job->attempts_left),
                           job->attempts_left);

        set_field_error (self, KB_FIELD_PASSWORD, message);
        set_state (self, KB_SESSION_PASSWORD, NULL);
      }
      break;
    case KB_SIGNIN_LOCKED_OUT:
    default:
      set_state (self, KB_SESSION_REFUSED, kb_card_verdict_message (KB_CARD_VERDICT_LOCKED_OUT));
      break;
    }
  job_free (job);
}

/**
 * kb_session_submit_password:
 *
 * Checks @password for the operator whose card is in the reader, off the
 * main thread (Argon2id takes a few hundred milliseconds). The session's
 * state says how it went.
 */
void
kb_session_submit_password (KbSession  *self,
                            const char *password)
{
  Job *job;

  g_return_if_fail (KB_IS_SESSION (self));

  if (self->state != KB_SESSION_PASSWORD || self->op == NULL)
    return;

  job = job_new (self);
  job->operator_id = kb_operator_get_id (self->op);
  job->card_id = self->card_id;
  job->password = g_strdup (password);
  set_field_error (self, KB_FIELD_PASSWORD, NULL);
  set_state (self, KB_SESSION_VERIFYING, NULL);
  /* Not cancellable: an unlock that happened must be seen, to be closed. */
  kb_store_run_async (self->store, "credential", sign_in_job, job, job_free, job_free, NULL,
                      signed_in_cb, g_object_ref (self));
}

static gpointer
change_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Job *job = data;

  return kb_auth_change_password (db, job->operator_id, job->password, job->new_password, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer ok = kb_store_run_finish (KB_STORE (source), result, &error);
  KbSession *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SESSION (user_data);
  if (self->state != KB_SESSION_VERIFYING)
    return;

  if (ok != NULL)
    {
      unlock (self);
      return;
    }

  set_field_error (self, kb_field_error_get_field (error) != NULL
                         ? kb_field_error_get_field (error) : KB_FIELD_PASSWORD,
                   error->message);
  set_state (self, KB_SESSION_CHANGE_PASSWORD, NULL);
}

/**
 * kb_session_change_password:
 *
 * In %KB_SESSION_CHANGE_PASSWORD: sets the new password and unlocks.
 */
void
kb_session_change_password (KbSession  *self,
                            const char *old_password,
                            const char *new_password)
{
  Job *job;

  g_return_if_fail (KB_IS_SESSION (self));

  if (self->state != KB_SESSION_CHANGE_PASSWORD || self->op == NULL)
    return;

  job = job_new (self);
  job->operator_id = kb_operator_get_id (self->op);
  job->password = g_strdup (old_password);
  job->new_password = g_strdup (new_password);
  g_hash_table_remove_all (self->field_errors);
  set_state (self, KB_SESSION_VERIFYING, NULL);
  kb_store_run_async (self->store, "credential", change_job, job, job_free, NULL,
                      self->cancellable, changed_cb, self);
}

/* --- the first start -------------------------------------------------------- */

static gpointer
bootstrap_job (KbDb          *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Job *job = data;

  return kb_auth_bootstrap (db, job->text, job->op, job->password, job->new_password,
                            job->atr, job->has_uid, error) > 0
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
bootstrapped_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer ok = kb_store_run_finish (KB_STORE (source), result, &error);
  KbSession *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SESSION (user_data);

  if (ok == NULL)
    {
      const char *field = kb_field_error_get_field (error);

      set_field_error (self, field != NULL ? field : "card", error->message);
      set_state (self, KB_SESSION_BOOTSTRAP, NULL);
      return;
    }

  /* The officer now signs in like anyone else, with the card just issued. */
  self->needs_bootstrap = FALSE;
  show_waiting (self);
}

/**
 * kb_session_bootstrap:
 * @op: the first security officer's staff number, name and reading
 *
 * In %KB_SESSION_BOOTSTRAP, with the officer's card in the reader: creates
 * the officer, their password and their card.
 */
void
kb_session_bootstrap (KbSession  *self,
                      const char *division_name,
                      KbOperator *op,
                      const char *password)
{
  KbCard *card = kb_card_monitor_get_card (self->monitor);
  Job *job;

  g_return_if_fail (KB_IS_SESSION (self));

  if (self->state != KB_SESSION_BOOTSTRAP)
    return;

  g_hash_table_remove_all (self->field_errors);
  if (card == NULL)
    {
      set_field_error (self, "card", _("Insert the security officer’s card first"));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      return;
    }

  job = job_new (self);
  job->text = g_strdup (division_name);
  job->op = g_object_ref (op);
  job->password = g_strdup (password);
  job->new_password = card_identity (self, card);   /* the card's identity */
  job->atr = card_atr_hex (card);
  job->has_uid = kb_card_has_uid (card);
  set_state (self, KB_SESSION_VERIFYING, NULL);
  kb_store_run_async (self->store, "operator", bootstrap_job, job, job_free, NULL,
                      self->life, bootstrapped_cb, self);
}

/* --- issuing cards ----------------------------------------------------------- */

/**
 * kb_session_issue_card:
 * @op: who gets the card
 *
 * A signed-in security officer issues a card: the screen locks, asks for
 * the new card, issues it as the officer, and asks for it to be removed.
 * The officer then signs in again with their own card.
 */
void
kb_session_issue_card (KbSession  *self,
                       KbOperator *op)
{
  g_return_if_fail (KB_IS_SESSION (self));

  if (self->state != KB_SESSION_UNLOCKED ||
      !kb_session_has_role (self, KB_ROLE_SECURITY_OFFICER))
    return;

  g_set_object (&self->issue_for, op);
  self->issuer = kb_operator_get_id (self->op);
  self->issue_deadline = g_get_monotonic_time () + ISSUE_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  do_lock (self, "issuing-card");
  /* do_lock() cleared the operator; wait for the officer's card to leave. */
  set_state (self, KB_SESSION_ISSUE_CARD, NULL);
}

void
kb_session_cancel_issue (KbSession *self)
{
  g_return_if_fail (KB_IS_SESSION (self));

  if (self->state != KB_SESSION_ISSUE_CARD && self->state != KB_SESSION_CARD_ISSUED)
    return;
  g_clear_object (&self->issue_for);
  show_waiting (self);
}

/* --- starting ------------------------------------------------------------- */

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Loaded *loaded = kb_store_run_finish (KB_STORE (source), result, &error);
  KbSession *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_SESSION (user_data);

  if (loaded == NULL)
    {
      set_state (self, KB_SESSION_NO_SERVICE, error->message);
      return;
    }

  self->salt = g_steal_pointer (&loaded->salt);
  self->needs_bootstrap = loaded->needs_bootstrap;
  loaded_free (loaded);
  self->loaded = TRUE;
  show_waiting (self);
}

/**
 * kb_session_start:
 *
 * Reads what sign-in needs from the database and starts watching the
 * reader. Call once the store is open.
 */
void
kb_session_start (KbSession *self)
{
  g_return_if_fail (KB_IS_SESSION (self));

  kb_store_run_async (self->store, NULL, load_job, g_strdup (self->terminal), g_free, loaded_free,
                      self->life, loaded_cb, self);
  kb_card_monitor_start (self->monitor);
}

/* --- GObject ----------------------------------------------------------------- */

static void
kb_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KbSession *self = KB_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kb_session_dispose (GObject *object)
{
  KbSession *self = KB_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->life);
  stop_idle (self);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      kb_card_monitor_stop (self->monitor);
    }
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->op);
  g_clear_object (&self->issue_for);

  G_OBJECT_CLASS (kb_session_parent_class)->dispose (object);
}

static void
kb_session_finalize (GObject *object)
{
  KbSession *self = KB_SESSION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->life);
  g_clear_pointer (&self->salt, g_bytes_unref);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  g_free (self->terminal);
  g_free (self->message);
  g_free (self->usage_error);
  g_free (self->training_warning);
  g_free (self->lock_reason);

  G_OBJECT_CLASS (kb_session_parent_class)->finalize (object);
}

static void
kb_session_class_init (KbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = kb_session_get_property;
  object_class->dispose = kb_session_dispose;
  object_class->finalize = kb_session_finalize;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, KB_SESSION_STARTING, KB_SESSION_UNLOCKED,
                      KB_SESSION_STARTING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbSession::locked:
   * @reason: why
   *
   * Emitted when a signed-in session ends, after the state has changed.
   */
  signals[LOCKED] = g_signal_new ("locked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KbSession::usage-changed:
   *
   * The session's usage entry was opened (or could not be: see
   * kb_session_get_usage_error()).
   */
  signals[USAGE_CHANGED] = g_signal_new ("usage-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
kb_session_init (KbSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->life = g_cancellable_new ();
  self->field_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->idle_seconds = 5 * 60;
}

/**
 * kb_session_new:
 * @terminal: (nullable): this terminal's code, for the journal
 *
 * Returns: (transfer full): a session; call kb_session_start()
 */
KbSession *
kb_session_new (KbStore       *store,
                KbCardMonitor *monitor,
                const char    *terminal)
{
  KbSession *self = g_object_new (KB_TYPE_SESSION, NULL);

  self->store = g_object_ref (store);
  self->monitor = g_object_ref (monitor);
  self->terminal = g_strdup (terminal);
  g_signal_connect_object (monitor, "card-inserted", G_CALLBACK (card_inserted_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "card-removed", G_CALLBACK (card_removed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "state-changed", G_CALLBACK (monitor_state_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

KbSessionState
kb_session_get_state (KbSession *self)
{
  g_return_val_if_fail (KB_IS_SESSION (self), KB_SESSION_STARTING);
  return self->state;
}

/**
 * kb_session_get_message:
 *
 * Returns: (nullable): what to tell the person at the lock screen
 */
const char *
kb_session_get_message (KbSession *self)
{
  return self->message;
}

/**
 * kb_session_get_operator:
 *
 * Returns: (transfer none) (nullable): the signed-in operator, or the one
 *   asked for a password
 */
KbOperator *
kb_session_get_operator (KbSession *self)
{
  return self->op;
}

gboolean
kb_session_has_role (KbSession *self,
                     KbRoles    roles)
{
  return self->state == KB_SESSION_UNLOCKED && self->op != NULL &&
         (kb_operator_get_roles (self->op) & roles) != 0;
}

/**
 * kb_session_get_lock_reason:
 *
 * Returns: (nullable): why the last session ended
 */
const char *
kb_session_get_lock_reason (KbSession *self)
{
  return self->lock_reason;
}

gint64
kb_session_get_locked_time (KbSession *self)
{
  return self->locked_time;
}

void
kb_session_activity (KbSession *self)
{
  self->last_activity = g_get_monotonic_time ();
}

/**
 * kb_session_set_idle_seconds:
 * @seconds: idle time before locking; 0 never locks for idleness
 */
void
kb_session_set_idle_seconds (KbSession *self,
                             guint      seconds)
{
  self->idle_seconds = seconds;
}

/**
 * kb_session_get_field_error:
 *
 * Returns: (nullable): the problem with @field ("password",
 *   "old-password", "staff-number", "card", …) in the current form
 */
const char *
kb_session_get_field_error (KbSession  *self,
                            const char *field)
{
  return g_hash_table_lookup (self->field_errors, field);
}

/**
 * kb_session_get_card_present:
 *
 * Returns: whether a card is in the reader (for the first-start form)
 */
gboolean
kb_session_get_card_present (KbSession *self)
{
  return kb_card_monitor_get_state (self->monitor) == KB_CARD_STATE_PRESENT &&
         kb_card_monitor_get_card (self->monitor) != NULL;
}

/**
 * kb_session_get_usage_error:
 *
 * Returns: (nullable): why the current session records no usage (this
 *   computer is not a registered terminal), or %NULL
 */
const char *
kb_session_get_usage_error (KbSession *self)
{
  g_return_val_if_fail (KB_IS_SESSION (self), NULL);
  return self->usage_error;
}

/**
 * kb_session_get_training_warning:
 *
 * Returns: (nullable): what the training check at sign-in warned the
 *   signed-in operator of (their training is missing or soon due), or
 *   %NULL; set at unlock, cleared at lock
 */
const char *
kb_session_get_training_warning (KbSession *self)
{
  g_return_val_if_fail (KB_IS_SESSION (self), NULL);
  return self->training_warning;
}

/**
 * kb_session_get_terminal:
 *
 * Returns: this terminal's code, as recorded in the journal
 */
const char *
kb_session_get_terminal (KbSession *self)
{
  g_return_val_if_fail (KB_IS_SESSION (self), NULL);
  return self->terminal;
}
