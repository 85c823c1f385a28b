/* kb-card-monitor.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Watches the PC/SC readers for the operator's IC card. One thread owns its
 * own SCARDCONTEXT and blocks in SCardGetStatusChange(); what it sees goes to
 * the main context as events, in order. Everything that is not "a card was
 * identified and is still there" counts as "no card": the monitor fails
 * closed and keeps retrying until the service and the reader come back.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <winscard.h>

#include "kb-card-monitor.h"
#include "kb-crypto.h"

/* The pseudo-reader whose state changes when readers come and go. */
#define PNP_NOTIFICATION "\\\\?PnP?\\Notification"
#define VIRTUAL_READER_PREFIX "Virtual PCD"
#define RETRY_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)
/* How often stop() repeats SCardCancel() while waiting for the thread. */
#define CANCEL_INTERVAL_US (20 * G_TIME_SPAN_MILLISECOND)

/* ------------------------------------------------------------------------ */
/* KbCard                                                                   */
/* ------------------------------------------------------------------------ */

struct _KbCard {
  GObject parent_instance;

  char    *reader;
  GBytes  *atr;
  GBytes  *uid;        /* (nullable); its buffer is wiped when freed */
  guint64  serial;
  gint64   seen_time;
};

G_DEFINE_FINAL_TYPE (KbCard, kb_card, G_TYPE_OBJECT)

/* A buffer that remembers its length so that it can be wiped on free. */
typedef struct {
  gsize  len;
  guint8 data[];
} WipedBuffer;

static void
wiped_buffer_free (gpointer data)
{
  WipedBuffer *buffer = data;

  explicit_bzero (buffer->data, buffer->len);
  g_free (buffer);
}

static GBytes *
wiped_bytes_new (const guint8 *data,
                 gsize         len)
{
  WipedBuffer *buffer = g_malloc (sizeof (WipedBuffer) + len);

  buffer->len = len;
  memcpy (buffer->data, data, len);
  return g_bytes_new_with_free_func (buffer->data, len, wiped_buffer_free, buffer);
}

static void
kb_card_finalize (GObject *object)
{
  KbCard *self = KB_CARD (object);

  g_free (self->reader);
  g_clear_pointer (&self->atr, g_bytes_unref);
  g_clear_pointer (&self->uid, g_bytes_unref);

  G_OBJECT_CLASS (kb_card_parent_class)->finalize (object);
}

static void
kb_card_class_init (KbCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kb_card_finalize;
}

static void
kb_card_init (KbCard *self)
{
}

static KbCard *
kb_card_new (const char   *reader,
             const guint8 *atr,
             gsize         atr_len,
             const guint8 *uid,
             gsize         uid_len,
             guint64       serial,
             gint64        seen_time)
{
  KbCard *self = g_object_new (KB_TYPE_CARD, NULL);

  self->reader = g_strdup (reader);
  self->atr = g_bytes_new (atr, atr_len);
  if (uid != NULL && uid_len > 0)
    self->uid = wiped_bytes_new (uid, uid_len);
  self->serial = serial;
  self->seen_time = seen_time;

  return self;
}

/**
 * kb_card_get_reader:
 *
 * Returns: (transfer none): the name of the reader the card is in
 */
const char *
kb_card_get_reader (KbCard *self)
{
  g_return_val_if_fail (KB_IS_CARD (self), NULL);

  return self->reader;
}

/**
 * kb_card_get_atr:
 *
 * Returns: (transfer none): the card's Answer To Reset
 */
GBytes *
kb_card_get_atr (KbCard *self)
{
  g_return_val_if_fail (KB_IS_CARD (self), NULL);

  return self->atr;
}

/**
 * kb_card_get_uid:
 *
 * The raw UID is personal data: never store or log it, store
 * kb_card_get_identity() instead. Its buffer is wiped when the last
 * reference to it goes, normally with the card.
 *
 * Returns: (transfer none) (nullable): the UID the reader reported for the
 *   card (PC/SC part 3 GET DATA), or %NULL when the card or reader refused
 */
GBytes *
kb_card_get_uid (KbCard *self)
{
  g_return_val_if_fail (KB_IS_CARD (self), NULL);

  return self->uid;
}

/**
 * kb_card_has_uid:
 *
 * Returns: %TRUE when the card has a UID; %FALSE when it is known by its
 *   ATR only, which many cards of one kind share
 */
gboolean
kb_card_has_uid (KbCard *self)
{
  g_return_val_if_fail (KB_IS_CARD (self), FALSE);

  return self->uid != NULL;
}

/**
 * kb_card_get_serial:
 *
 * Returns: a number that increases with every insertion the monitor saw, so
 *   the same card taken out and put back gets a new one
 */
guint64
kb_card_get_serial (KbCard *self)
{
  g_return_val_if_fail (KB_IS_CARD (self), 0);

  return self->serial;
}

/**
 * kb_card_get_seen_time:
 *
 * Returns: the g_get_monotonic_time() at which the monitor's thread saw the
 *   insertion
 */
gint64
kb_card_get_seen_time (KbCard *self)
{
  g_return_val_if_fail (KB_IS_CARD (self), 0);

  return self->seen_time;
}

/**
 * kb_card_get_identity:
 * @salt: (array length=salt_len) (nullable): this installation's salt
 * @salt_len: the length of @salt
 *
 * The only form of the card's identity that may be stored: SHA-256 over
 * @salt, then "uid:" and the UID, or "atr:" and the ATR when the card has no
 * UID.
 *
 * Returns: (transfer full): 64 lowercase hex digits
 */
char *
kb_card_get_identity (KbCard       *self,
                      const guint8 *salt,
                      gsize         salt_len)
{
  g_autoptr(GError) error = NULL;
  GBytes *id;

  g_return_val_if_fail (KB_IS_CARD (self), NULL);
  g_return_val_if_fail (salt != NULL || salt_len == 0, NULL);

  if (!kb_crypto_init (&error))
    {
      g_critical ("%s", error->message);
      return NULL;
    }

  id = self->uid != NULL ? self->uid : self->atr;
  return kb_card_identity_compute (salt, salt_len, self->uid != NULL,
                                   g_bytes_get_data (id, NULL), g_bytes_get_size (id));
}

/* ------------------------------------------------------------------------ */
/* KbCardMonitor                                                            */
/* ------------------------------------------------------------------------ */

typedef enum {
  EVENT_REMOVED,
  EVENT_INSERTED,
  EVENT_STATE,
} EventType;

typedef struct {
  EventType    type;
  guint        generation;
  KbCard      *card;
  gint64       seen_time;
  KbCardState  state;
  char        *message;
  gboolean     lost;      /* a removal: the card went with the service */
} Event;

struct _KbCardMonitor {
  GObject parent_instance;

  gboolean      accept_virtual;

  /* The main-context side: only touched where start() was called. */
  GMainContext *context;
  GThread      *thread;
  KbCardState   state;
  char         *message;
  gboolean      state_pending;  /* changed by a removal, not yet announced */
  GPtrArray    *cards;       /* present cards, oldest insertion first */

  /* Shared with the thread, under @lock. */
  GMutex        lock;
  GCond         cond;
  gboolean      stopping;
  gboolean      thread_done;
  gboolean      have_hcontext;
  SCARDCONTEXT  hcontext;
  guint         generation;  /* events of an earlier run are dropped */
  GQueue        events;

  /* Only touched by the thread (runs are joined one after the other). */
  guint64       serial;
};

G_DEFINE_FINAL_TYPE (KbCardMonitor, kb_card_monitor, G_TYPE_OBJECT)

enum {
  CARD_REMOVED,
  CARD_INSERTED,
  STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
event_free (Event *event)
{
  g_clear_object (&event->card);
  g_free (event->message);
  g_free (event);
}

static void
dispatch_event (KbCardMonitor *self,
                Event         *event)
{
  switch (event->type)
    {
    case EVENT_REMOVED:
      /* A card we never announced (dropped by stop()) is not announced
       * as removed either. */
      if (!g_ptr_array_remove (self->cards, event->card))
        break;
      /* A card that went with the service: kb_card_monitor_get_state()
       * says so already in card-removed, so that a handler can tell it
       * from a card taken out. state-changed still comes after. */
      if (event->lost &&
          (self->state != event->state || g_strcmp0 (self->message, event->message) != 0))
        {
          self->state = event->state;
          g_free (self->message);
          self->message = g_strdup (event->message);
          self->state_pending = TRUE;
        }
      g_signal_emit (self, signals[CARD_REMOVED], 0, event->card, event->seen_time);
      break;

    case EVENT_INSERTED:
      g_ptr_array_add (self->cards, g_object_ref (event->card));
      g_signal_emit (self, signals[CARD_INSERTED], 0, event->card);
      break;

    case EVENT_STATE:
      if (!self->state_pending &&
          self->state == event->state && g_strcmp0 (self->message, event->message) == 0)
        break;
      self->state_pending = FALSE;
      self->state = event->state;
      g_free (self->message);
      self->message = g_strdup (event->message);
      g_signal_emit (self, signals[STATE_CHANGED], 0);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
drain_events (gpointer user_data)
{
  KbCardMonitor *self = user_data;

  for (;;)
    {
      Event *event;

      g_mutex_lock (&self->lock);
      event = g_queue_pop_head (&self->events);
      g_mutex_unlock (&self->lock);

      if (event == NULL)
        break;

      /* A handler may have stopped the monitor meanwhile. */
      if (event->generation == self->generation && self->thread != NULL)
        dispatch_event (self, event);
      event_free (event);
    }

  return G_SOURCE_REMOVE;
}

/* Called on the thread. Events are queued and drained in order by whichever
 * invocation runs first, so signals keep the order in which they were
 * posted. */
static void
post_event (KbCardMonitor *self,
            Event         *event)
{
  g_mutex_lock (&self->lock);
  event->generation = self->generation;
  g_queue_push_tail (&self->events, event);
  g_mutex_unlock (&self->lock);

  g_main_context_invoke_full (self->context, G_PRIORITY_HIGH, drain_events,
                              g_object_ref (self), g_object_unref);
}

/* The thread's own view of one reader. */
typedef struct {
  char     *name;
  DWORD     current;        /* the last event state, fed back as current state */
  KbCard   *card;           /* the identified card, or NULL */
  guint     card_counter;   /* pcscd's event counter when it was identified */
  DWORD     failed_state;   /* the state in which identification failed */
  char     *error;          /* why it failed, or NULL */
  SCARDHANDLE handle;       /* kept open while the card is in */
  gboolean  connected;
} Reader;

/* The identified card stays connected (shared) until it leaves: pcscd then
 * keeps it powered and watched, and a card swapped between two of pcscd's
 * polls still moves the event counter. Disconnected, an idle card is
 * powered down and pcscd can miss a quick swap (seen with vpcd). */
static void
reader_disconnect (Reader *reader)
{
  if (reader->connected)
    SCardDisconnect (reader->handle, SCARD_LEAVE_CARD);
  reader->connected = FALSE;
}

static void
reader_free (Reader *reader)
{
  reader_disconnect (reader);
  g_free (reader->name);
  g_clear_object (&reader->card);
  g_free (reader->error);
  g_free (reader);
}

/* The thread's state. */
typedef struct {
  KbCardMonitor *self;
  gboolean       accept_virtual;
  GPtrArray     *readers;
  guint          ignored_readers;
  gboolean       posted_once;
  KbCardState    posted_state;
  char          *posted_message;
} Watch;

static gboolean
thread_is_stopping (KbCardMonitor *self)
{
  gboolean stopping;

  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);

  return stopping;
}

static void
post_state (Watch       *watch,
            KbCardState  state,
            const char  *message)
{
  Event *event;

  if (watch->posted_once && watch->posted_state == state
      && g_strcmp0 (watch->posted_message, message) == 0)
    return;

  watch->posted_once = TRUE;
  watch->posted_state = state;
  g_free (watch->posted_message);
  watch->posted_message = g_strdup (message);

  event = g_new0 (Event, 1);
  event->type = EVENT_STATE;
  event->state = state;
  event->message = g_strdup (message);
  post_event (watch->self, event);
}

static void
post_card (Watch     *watch,
           EventType  type,
           KbCard    *card,
           gint64     seen_time)
{
  Event *event = g_new0 (Event, 1);

  event->type = type;
  event->card = g_object_ref (card);
  event->seen_time = seen_time;
  post_event (watch->self, event);
}

static void
reader_drop_card (Watch  *watch,
                  Reader *reader,
                  gint64  seen_time)
{
  reader_disconnect (reader);
  if (reader->card == NULL)
    return;

  post_card (watch, EVENT_REMOVED, reader->card, seen_time);
  g_clear_object (&reader->card);
}

/* Something went wrong with the service or the readers as a whole: every
 * card we knew of is reported removed and forgotten. */
static void
fail (Watch       *watch,
      KbCardState  state,
      const char  *message)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < watch->readers->len; i++)
    {
      Reader *reader = g_ptr_array_index (watch->readers, i);

      reader_disconnect (reader);
      if (reader->card != NULL)
        {
          Event *event = g_new0 (Event, 1);

          event->type = EVENT_REMOVED;
          event->card = g_steal_pointer (&reader->card);
          event->seen_time = now;
          event->lost = TRUE;
          event->state = state;
          event->message = g_strdup (message);
          post_event (watch->self, event);
        }
    }
  g_ptr_array_set_size (watch->readers, 0);

  post_state (watch, state, message);
}

/* Waits RETRY_INTERVAL_US unless stop() comes first.
 * Returns: %TRUE when stopping. */
static gboolean
wait_retry (KbCardMonitor *self)
{
  gint64 end = g_get_monotonic_time () + RETRY_INTERVAL_US;
  gboolean stopping;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    {
      if (!g_cond_wait_until (&self->cond, &self->lock, end))
        break;
    }
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);

  return stopping;
}

static gboolean
is_service_error (LONG rv)
{
  switch (rv)
    {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
    case SCARD_F_COMM_ERROR:
    case SCARD_E_INVALID_HANDLE:   /* the context died with the service */
    case SCARD_E_NO_ACCESS:        /* a stale socket left by a killed pcscd */
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_reader_error (LONG rv)
{
  return rv == SCARD_E_UNKNOWN_READER
         || rv == SCARD_E_READER_UNAVAILABLE
         || rv == SCARD_E_NO_READERS_AVAILABLE;
}

/* Turns an error that ended the watch into a state. */
static void
fail_with (Watch *watch,
           LONG   rv)
{
  g_autofree char *message = NULL;

  if (is_service_error (rv))
    {
      fail (watch, KB_CARD_STATE_NO_SERVICE,
            _("The smart card service (pcscd) is not running."));
    }
  else if (is_reader_error (rv))
    {
      fail (watch, KB_CARD_STATE_NO_READER, _("The card reader was disconnected."));
    }
  else
    {
      /* Translators: %s is pcsc-lite's own (English) description of the error. */
      message = g_strdup_printf (_("The smart card service reported an error: %s"),
                                 pcsc_stringify_error (rv));
      fail (watch, KB_CARD_STATE_ERROR, message);
    }
}

static LONG
list_readers (Watch         *watch,
              SCARDCONTEXT   hcontext,
              GPtrArray    **names_out)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  LPSTR readers = NULL;
  DWORD len = SCARD_AUTOALLOCATE;
  LONG rv;

  watch->ignored_readers = 0;

  rv = SCardListReaders (hcontext, NULL, (LPSTR) &readers, &len);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    {
      *names_out = g_steal_pointer (&names);
      return SCARD_S_SUCCESS;
    }
  if (rv != SCARD_S_SUCCESS)
    return rv;

  for (const char *name = readers; name < readers + len && *name != '\0';
       name += strlen (name) + 1)
    {
      /* The virtual reader listens on the network: anyone who can reach
       * its port can "insert" any card. Only for tests and the demo. */
      if (!watch->accept_virtual && g_str_has_prefix (name, VIRTUAL_READER_PREFIX))
        {
          watch->ignored_readers++;
          continue;
        }
      g_ptr_array_add (names, g_strdup (name));
    }

  SCardFreeMemory (hcontext, readers);
  *names_out = g_steal_pointer (&names);
  return SCARD_S_SUCCESS;
}

static gboolean
names_contain (GPtrArray  *names,
               const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* Brings the thread's reader list in line with the service's: a reader that
 * went away takes its card with it. */
static void
sync_readers (Watch     *watch,
              GPtrArray *names)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = watch->readers->len; i > 0; i--)
    {
      Reader *reader = g_ptr_array_index (watch->readers, i - 1);

      if (!names_contain (names, reader->name))
        {
          reader_drop_card (watch, reader, now);
          g_ptr_array_remove_index (watch->readers, i - 1);
        }
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      gboolean known = FALSE;

      for (guint j = 0; j < watch->readers->len && !known; j++)
        known = strcmp (((Reader *) g_ptr_array_index (watch->readers, j))->name, name) == 0;

      if (!known)
        {
          Reader *reader = g_new0 (Reader, 1);

          reader->name = g_strdup (name);
          reader->current = SCARD_STATE_UNAWARE;
          g_ptr_array_add (watch->readers, reader);
        }
    }
}

static gboolean
card_is_gone (LONG rv)
{
  return rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD;
}

static void
reader_set_error (Reader     *reader,
                  const char *message)
{
  g_free (reader->error);
  reader->error = g_strdup (message);
  reader->failed_state = reader->current;
}

/* Connects to the card, reads its ATR and asks the reader for its UID.
 * Returns: an error that ends the watch (the service went away), or
 * SCARD_S_SUCCESS; reader->card or reader->error tell what happened. */
static LONG
identify (Watch        *watch,
          Reader       *reader,
          SCARDCONTEXT  hcontext,
          gint64        seen_time)
{
  static const BYTE get_uid[] = { 0xFF, 0xCA, 0x00, 0x00, 0x00 };
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr;
  BYTE response[258];
  DWORD response_len = sizeof response;
  const SCARD_IO_REQUEST *pci;
  const guint8 *uid = NULL;
  gsize uid_len = 0;
  SCARDHANDLE card;
  DWORD protocol, state;
  char name[MAX_READERNAME];
  DWORD name_len = sizeof name;
  LONG rv;

  rv = SCardConnect (hcontext, reader->name, SCARD_SHARE_SHARED,
                     SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
  if (card_is_gone (rv))
    return SCARD_S_SUCCESS;   /* the next state change says so */
  if (is_service_error (rv))
    return rv;
  if (rv != SCARD_S_SUCCESS)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is pcsc-lite's own (English) description of the error. */
      message = g_strdup_printf (_("The card in the reader could not be read (%s). "
                                   "Take it out and insert it again."),
                                 pcsc_stringify_error (rv));
      reader_set_error (reader, message);
      return SCARD_S_SUCCESS;
    }

  rv = SCardStatus (card, name, &name_len, &state, &protocol, atr, &atr_len);
  if (rv != SCARD_S_SUCCESS || atr_len == 0)
    {
      SCardDisconnect (card, SCARD_LEAVE_CARD);
      if (is_service_error (rv))
        return rv;
      if (!card_is_gone (rv))
        reader_set_error (reader, _("The card in the reader could not be read. "
                                    "Take it out and insert it again."));
      return SCARD_S_SUCCESS;
    }

  for (guint attempt = 0; ; attempt++)
    {
      pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
      response_len = sizeof response;
      rv = SCardTransmit (card, pci, get_uid, sizeof get_uid, NULL, response, &response_len);

      /* Another application reset the card under us: once more, rather
       * than announce a card with a UID as one without. */
      if (rv != SCARD_W_RESET_CARD || attempt > 0
          || SCardReconnect (card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                             SCARD_LEAVE_CARD, &protocol) != SCARD_S_SUCCESS)
        break;
    }

  if (rv == SCARD_S_SUCCESS && response_len > 2
      && response[response_len - 2] == 0x90 && response[response_len - 1] == 0x00)
    {
      uid = response;
      uid_len = response_len - 2;
    }
  /* Anything else (6A 81 "not supported", 6D 00, 6E 00, 68 00, 6A 82, or a
   * transmission error) leaves the card known by its ATR only. A card that
   * went away meanwhile is not announced at all. */

  if (is_service_error (rv))
    {
      SCardDisconnect (card, SCARD_LEAVE_CARD);
      explicit_bzero (response, sizeof response);
      return rv;
    }

  /* Success without even a status word: the card is not there any more
   * although the reader has not noticed yet (a virtual card whose
   * connection is closed answers so until pcscd's next poll). */
  if (rv == SCARD_S_SUCCESS && response_len < 2)
    {
      SCardDisconnect (card, SCARD_LEAVE_CARD);
      reader_set_error (reader, _("The card in the reader could not be read. "
                                  "Take it out and insert it again."));
      return SCARD_S_SUCCESS;
    }

  if (card_is_gone (rv))
    SCardDisconnect (card, SCARD_LEAVE_CARD);
  else
    {
      reader_disconnect (reader);
      reader->handle = card;
      reader->connected = TRUE;
      reader->card = kb_card_new (reader->name, atr, atr_len, uid, uid_len,
                                  ++watch->self->serial, seen_time);
      reader->card_counter = (reader->current >> 16) & 0xFFFF;
      g_clear_pointer (&reader->error, g_free);
      reader->failed_state = 0;
    }

  explicit_bzero (response, sizeof response);
  return SCARD_S_SUCCESS;
}

static gboolean
state_has_card (DWORD state)
{
  return (state & SCARD_STATE_PRESENT) != 0
         && (state & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_MUTE)) == 0;
}

/* One round after SCardGetStatusChange() returned: removals first, then
 * insertions, then the overall state, so that the signals come in that
 * order. */
static LONG
process_round (Watch             *watch,
               SCARDCONTEXT       hcontext,
               SCARD_READERSTATE *states)
{
  gint64 now = g_get_monotonic_time ();
  KbCardState overall;
  const char *message = NULL;
  gboolean any_card = FALSE, all_unavailable = TRUE;
  LONG rv;

  for (guint i = 0; i < watch->readers->len; i++)
    {
      Reader *reader = g_ptr_array_index (watch->readers, i);
      DWORD event = states[i].dwEventState & ~SCARD_STATE_CHANGED;
      guint counter = (event >> 16) & 0xFFFF;

      /* The event counter (upper 16 bits) changes with every insertion and
       * removal pcscd saw, so a card swapped while this thread was busy is
       * still a removal and an insertion, even though the reader was
       * "present" both times we looked. */
      if (reader->card != NULL && (!state_has_card (event) || counter != reader->card_counter))
        reader_drop_card (watch, reader, now);

      if (!(event & SCARD_STATE_PRESENT))
        {
          g_clear_pointer (&reader->error, g_free);
          reader->failed_state = 0;
        }

      reader->current = event;
    }

  for (guint i = 0; i < watch->readers->len; i++)
    {
      Reader *reader = g_ptr_array_index (watch->readers, i);

      if (reader->card != NULL || !(reader->current & SCARD_STATE_PRESENT))
        continue;

      if (reader->current & SCARD_STATE_MUTE)
        {
          reader_set_error (reader, _("The card in the reader does not respond. "
                                      "Take it out and insert it again."));
          continue;
        }

      /* Try again only once something changed since the last failure. */
      if (reader->error != NULL && reader->failed_state == reader->current)
        continue;

      rv = identify (watch, reader, hcontext, now);
      if (rv != SCARD_S_SUCCESS)
        return rv;
      if (reader->card != NULL)
        post_card (watch, EVENT_INSERTED, reader->card, now);
    }

  for (guint i = 0; i < watch->readers->len; i++)
    {
      Reader *reader = g_ptr_array_index (watch->readers, i);

      any_card |= reader->card != NULL;
      if (message == NULL)
        message = reader->error;
      if (!(reader->current & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)))
        all_unavailable = FALSE;
    }

  if (any_card)
    {
      overall = KB_CARD_STATE_PRESENT;
      message = NULL;
    }
  else if (message != NULL)
    {
      overall = KB_CARD_STATE_ERROR;
    }
  else if (all_unavailable)
    {
      overall = KB_CARD_STATE_NO_READER;
      message = _("The card reader is not available.");
    }
  else
    {
      overall = KB_CARD_STATE_ABSENT;
    }

  post_state (watch, overall, message);
  return SCARD_S_SUCCESS;
}

/* Runs SCardGetStatusChange() with the context published, so that stop()
 * can cancel it. */
static LONG
wait_for_change (KbCardMonitor     *self,
                 SCARDCONTEXT       hcontext,
                 DWORD              timeout,
                 SCARD_READERSTATE *states,
                 DWORD              n_states)
{
  if (thread_is_stopping (self))
    return SCARD_E_CANCELLED;

  return SCardGetStatusChange (hcontext, timeout, states, n_states);
}

/* Watches the readers until something ends it.
 * Returns: the error that did. */
static LONG
watch_readers (Watch        *watch,
               SCARDCONTEXT  hcontext)
{
  KbCardMonitor *self = watch->self;

  for (;;)
    {
      g_autoptr(GPtrArray) names = NULL;
      g_autofree SCARD_READERSTATE *states = NULL;
      guint n;
      LONG rv;

      if (thread_is_stopping (self))
        return SCARD_E_CANCELLED;

      rv = list_readers (watch, hcontext, &names);
      if (rv != SCARD_S_SUCCESS)
        return rv;
      sync_readers (watch, names);

      if (watch->readers->len == 0)
        {
          SCARD_READERSTATE pnp = { .szReader = PNP_NOTIFICATION };

          if (watch->ignored_readers > 0)
            post_state (watch, KB_CARD_STATE_NO_READER,
                        _("Only a virtual card reader is connected, and this build "
                          "does not accept virtual readers."));
          else
            post_state (watch, KB_CARD_STATE_NO_READER, _("No card reader is connected."));

          /* pcsc-lite 1.9.9 counts the readers when SCardGetStatusChange()
           * starts, so a reader attached just before that is never
           * reported: wait for the notification, but look again every
           * RETRY_INTERVAL_US anyway. */
          rv = wait_for_change (self, hcontext, RETRY_INTERVAL_US / 1000, &pnp, 1);
          if (rv == SCARD_E_CANCELLED && thread_is_stopping (self))
            return rv;
          if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT && rv != SCARD_E_CANCELLED)
            return rv;
          continue;
        }

      n = watch->readers->len;
      states = g_new0 (SCARD_READERSTATE, n + 1);
      for (guint i = 0; i < n; i++)
        {
          Reader *reader = g_ptr_array_index (watch->readers, i);

          states[i].szReader = reader->name;
          states[i].dwCurrentState = reader->current;
        }
      states[n].szReader = PNP_NOTIFICATION;
      states[n].dwCurrentState = SCARD_STATE_UNAWARE;

      rv = wait_for_change (self, hcontext, INFINITE, states, n + 1);
      if (rv == SCARD_E_CANCELLED)
        {
          if (thread_is_stopping (self))
            return rv;
          continue;
        }
      if (rv == SCARD_E_TIMEOUT)
        continue;
      if (rv != SCARD_S_SUCCESS)
        return rv;

      rv = process_round (watch, hcontext, states);
      if (rv != SCARD_S_SUCCESS)
        return rv;

      /* A reader came or went: list them again before waiting. The list
       * is read on every round anyway; this is only why we woke up. */
    }
}

static gpointer
monitor_thread (gpointer data)
{
  KbCardMonitor *self = data;
  GMainContext *own_context = g_main_context_new ();
  Watch watch = { 0 };

  /* g_main_context_invoke_full() runs the function at once, on the calling
   * thread, when the target context is the caller's thread-default one and
   * nobody owns it at the moment. With its own thread-default context this
   * thread can never be taken for the main context's: every event is
   * queued and dispatched where start() was called. */
  g_main_context_push_thread_default (own_context);

  watch.self = self;
  watch.accept_virtual = self->accept_virtual;
  watch.readers = g_ptr_array_new_with_free_func ((GDestroyNotify) reader_free);

  while (!thread_is_stopping (self))
    {
      SCARDCONTEXT hcontext;
      LONG rv;

      rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &hcontext);
      if (rv != SCARD_S_SUCCESS)
        {
          fail (&watch, KB_CARD_STATE_NO_SERVICE,
                _("The smart card service (pcscd) is not running."));
          if (wait_retry (self))
            break;
          continue;
        }

      g_mutex_lock (&self->lock);
      self->hcontext = hcontext;
      self->have_hcontext = TRUE;
      g_mutex_unlock (&self->lock);

      rv = watch_readers (&watch, hcontext);

      /* stop() cancels under the lock, so once this is unpublished no
       * SCardCancel() can reach a released context. */
      g_mutex_lock (&self->lock);
      self->have_hcontext = FALSE;
      g_mutex_unlock (&self->lock);
      SCardReleaseContext (hcontext);

      if (thread_is_stopping (self))
        break;

      fail_with (&watch, rv);
      if (wait_retry (self))
        break;
    }

  /* stop() reports the cards still present; nothing more is posted. */
  g_ptr_array_unref (watch.readers);
  g_free (watch.posted_message);
  g_main_context_pop_thread_default (own_context);
  g_main_context_unref (own_context);

  g_mutex_lock (&self->lock);
  self->thread_done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  return NULL;
}

/* Ends the thread and forgets what it queued. Returns once it is joined. */
static void
stop_thread (KbCardMonitor *self)
{
  if (self->thread == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  while (!self->thread_done)
    {
      /* Cancelling is repeated: an SCardCancel() that arrives just before
       * the thread enters SCardGetStatusChange() has nothing to cancel. */
      if (self->have_hcontext)
        SCardCancel (self->hcontext);
      g_cond_wait_until (&self->cond, &self->lock,
                         g_get_monotonic_time () + CANCEL_INTERVAL_US);
    }
  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  self->generation++;
  self->stopping = FALSE;
  self->thread_done = FALSE;
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&self->thread, g_thread_join);
}

static void
kb_card_monitor_dispose (GObject *object)
{
  KbCardMonitor *self = KB_CARD_MONITOR (object);

  stop_thread (self);
  g_ptr_array_set_size (self->cards, 0);

  G_OBJECT_CLASS (kb_card_monitor_parent_class)->dispose (object);
}

static void
kb_card_monitor_finalize (GObject *object)
{
  KbCardMonitor *self = KB_CARD_MONITOR (object);

  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_ptr_array_unref (self->cards);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->message);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (kb_card_monitor_parent_class)->finalize (object);
}

static void
kb_card_monitor_class_init (KbCardMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kb_card_monitor_dispose;
  object_class->finalize = kb_card_monitor_finalize;

  /**
   * KbCardMonitor::card-removed:
   * @card: the card that went away
   * @seen_time: the g_get_monotonic_time() at which the monitor's thread
   *   saw it go
   *
   * Emitted when a card is taken out, and also when the service or the
   * reader goes away (or stop() is called) with a card in it. Always
   * before the "card-inserted" of a card that replaced it.
   */
  signals[CARD_REMOVED] = g_signal_new ("card-removed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, KB_TYPE_CARD, G_TYPE_INT64);

  /**
   * KbCardMonitor::card-inserted:
   * @card: the card, identified
   *
   * Emitted when a card was put in and identified.
   */
  signals[CARD_INSERTED] = g_signal_new ("card-inserted", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, KB_TYPE_CARD);

  /**
   * KbCardMonitor::state-changed:
   *
   * Emitted after kb_card_monitor_get_state() or
   * kb_card_monitor_get_message() changed; after the card signals of the
   * same change.
   */
  signals[STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
kb_card_monitor_init (KbCardMonitor *self)
{
  self->state = KB_CARD_STATE_STARTING;
  self->cards = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->events);
}

/**
 * kb_card_monitor_new:
 * @accept_virtual: whether readers named "Virtual PCD…" (the vsmartcard
 *   driver, which takes cards from the network) count; for tests and the
 *   demo only
 *
 * Returns: (transfer full): a monitor; it watches nothing until
 *   kb_card_monitor_start()
 */
KbCardMonitor *
kb_card_monitor_new (gboolean accept_virtual)
{
  KbCardMonitor *self = g_object_new (KB_TYPE_CARD_MONITOR, NULL);

  self->accept_virtual = !!accept_virtual;
  /* Identities are hashed with libgcrypt, which must be initialised before
   * any thread uses it. */
  kb_crypto_init (NULL);

  return self;
}

/**
 * kb_card_monitor_start:
 *
 * Starts watching on a thread of the monitor's own. The signals are emitted
 * in the thread-default main context of the caller, which must also be the
 * one that calls the other functions. Does nothing if already started.
 */
void
kb_card_monitor_start (KbCardMonitor *self)
{
  g_return_if_fail (KB_IS_CARD_MONITOR (self));

  if (self->thread != NULL)
    return;

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_new ("kb-card-monitor", monitor_thread, self);
}

/**
 * kb_card_monitor_stop:
 *
 * Stops watching: wakes the thread (SCardCancel) and joins it, which takes
 * milliseconds unless a card is in the middle of answering. Cards still
 * present are reported removed and the state goes back to
 * %KB_CARD_STATE_STARTING, before this returns. Does nothing if not
 * started.
 */
void
kb_card_monitor_stop (KbCardMonitor *self)
{
  g_autoptr(GPtrArray) cards = NULL;
  gint64 now;

  g_return_if_fail (KB_IS_CARD_MONITOR (self));

  if (self->thread == NULL)
    return;

  stop_thread (self);
  now = g_get_monotonic_time ();

  g_object_ref (self);
  cards = g_steal_pointer (&self->cards);
  self->cards = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < cards->len; i++)
    g_signal_emit (self, signals[CARD_REMOVED], 0, g_ptr_array_index (cards, i), now);

  self->state_pending = FALSE;
  if (self->state != KB_CARD_STATE_STARTING || self->message != NULL)
    {
      self->state = KB_CARD_STATE_STARTING;
      g_clear_pointer (&self->message, g_free);
      g_signal_emit (self, signals[STATE_CHANGED], 0);
    }
  g_object_unref (self);
}

/**
 * kb_card_monitor_get_state:
 *
 * Returns: what the monitor knows, as of the last signal emitted
 */
KbCardState
kb_card_monitor_get_state (KbCardMonitor *self)
{
  g_return_val_if_fail (KB_IS_CARD_MONITOR (self), KB_CARD_STATE_ERROR);

  return self->state;
}

/**
 * kb_card_monitor_get_message:
 *
 * Returns: (transfer none) (nullable): what is wrong, translated, for the
 *   lock page; %NULL while starting, and when a reader is there and either
 *   empty or holding a card
 */
const char *
kb_card_monitor_get_message (KbCardMonitor *self)
{
  g_return_val_if_fail (KB_IS_CARD_MONITOR (self), NULL);

  return self->message;
}

/**
 * kb_card_monitor_get_card:
 *
 * With several readers, the card inserted first among those present.
 *
 * Returns: (transfer none) (nullable): the card in the reader, or %NULL
 */
KbCard *
kb_card_monitor_get_card (KbCardMonitor *self)
{
  g_return_val_if_fail (KB_IS_CARD_MONITOR (self), NULL);

  return self->cards->len > 0 ? g_ptr_array_index (self->cards, 0) : NULL;
}
