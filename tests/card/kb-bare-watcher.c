/* kb-bare-watcher.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <winscard.h>

#include "kb-bare-watcher.h"

#define MAX_EVENTS 4096

struct _KbBareWatcher {
  char            *reader;
  pthread_t        thread;
  pthread_mutex_t  lock;
  SCARDCONTEXT     context;
  int              stopping;
  int              failed;
  int              finished;
  unsigned         insertions;
  unsigned         removals;
  gint64           removal_times[MAX_EVENTS];
};

static gint64
monotonic_us (void)
{
  struct timespec now;

  /* The same clock as g_get_monotonic_time(). */
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (gint64) now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static void *
bare_watch (void *data)
{
  KbBareWatcher *bare = data;
  SCARD_READERSTATE state;
  int present = 0;

  memset (&state, 0, sizeof state);
  state.szReader = bare->reader;
  state.dwCurrentState = SCARD_STATE_UNAWARE;

  for (;;)
    {
      LONG rv = SCardGetStatusChange (bare->context, INFINITE, &state, 1);
      gint64 now = monotonic_us ();
      DWORD event = state.dwEventState & ~SCARD_STATE_CHANGED;
      int now_present = (event & SCARD_STATE_PRESENT) != 0;
      unsigned counter = (event >> 16) & 0xFFFF;
      unsigned old_counter = (state.dwCurrentState >> 16) & 0xFFFF;

      pthread_mutex_lock (&bare->lock);
      if (bare->stopping || (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT))
        {
          bare->failed = !bare->stopping;
          pthread_mutex_unlock (&bare->lock);
          break;
        }
      if (rv == SCARD_S_SUCCESS)
        {
          /* A removal is a present card gone, or replaced meanwhile. */
          if (present && (!now_present || counter != old_counter))
            {
              if (bare->removals < MAX_EVENTS)
                bare->removal_times[bare->removals] = now;
              bare->removals++;
              present = 0;
            }
          if (!present && now_present)
            {
              bare->insertions++;
              present = 1;
            }
          state.dwCurrentState = event;
        }
      pthread_mutex_unlock (&bare->lock);
    }

  pthread_mutex_lock (&bare->lock);
  bare->finished = 1;
  pthread_mutex_unlock (&bare->lock);

  return NULL;
}

/**
 * kb_bare_watcher_start:
 * @reader: the reader to watch
 *
 * Returns: (transfer full) (nullable): a running watcher, or %NULL when
 *   pcscd cannot be reached
 */
KbBareWatcher *
kb_bare_watcher_start (const char *reader)
{
  KbBareWatcher *bare = calloc (1, sizeof *bare);

  bare->reader = strdup (reader);
  pthread_mutex_init (&bare->lock, NULL);
  if (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &bare->context) != SCARD_S_SUCCESS)
    {
      pthread_mutex_destroy (&bare->lock);
      free (bare->reader);
      free (bare);
      return NULL;
    }
  pthread_create (&bare->thread, NULL, bare_watch, bare);

  return bare;
}

void
kb_bare_watcher_get_counts (KbBareWatcher *bare,
                            guint         *insertions,
                            guint         *removals)
{
  pthread_mutex_lock (&bare->lock);
  *insertions = bare->insertions;
  *removals = bare->removals;
  pthread_mutex_unlock (&bare->lock);
}

/* Returns: when the watcher saw removal number @index (from 0), or 0. */
gint64
kb_bare_watcher_get_removal_time (KbBareWatcher *bare,
                                  guint          index)
{
  gint64 time = 0;

  pthread_mutex_lock (&bare->lock);
  if (index < bare->removals && index < MAX_EVENTS)
    time = bare->removal_times[index];
  pthread_mutex_unlock (&bare->lock);

  return time;
}

/* Returns: whether pcscd ended the watch (it went away). */
gboolean
kb_bare_watcher_failed (KbBareWatcher *bare)
{
  int failed;

  pthread_mutex_lock (&bare->lock);
  failed = bare->failed;
  pthread_mutex_unlock (&bare->lock);

  return failed;
}

/* Stops the thread, joins it and frees the watcher. */
void
kb_bare_watcher_stop (KbBareWatcher *bare)
{
  if (bare == NULL)
    return;

  pthread_mutex_lock (&bare->lock);
  bare->stopping = 1;
  pthread_mutex_unlock (&bare->lock);
  /* Cancel until it is out: a cancel that comes before the thread is
   * back in SCardGetStatusChange() has nothing to cancel. */
  for (;;)
    {
      struct timespec pause = { 0, 20 * 1000 * 1000 };
      int finished;

      SCardCancel (bare->context);
      nanosleep (&pause, NULL);
      pthread_mutex_lock (&bare->lock);
      finished = bare->finished;
      pthread_mutex_unlock (&bare->lock);
      if (finished)
        break;
    }
  pthread_join (bare->thread, NULL);
  SCardReleaseContext (bare->context);
  pthread_mutex_destroy (&bare->lock);
  free (bare->reader);
  free (bare);
}
