/* bench-card.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long after a card is taken out does the application hear of it?
 * For each removal of a fake card from the virtual reader, two clocks stop:
 *
 *  - the monitor: KbCardMonitor::card-removed dispatched in the main context;
 *  - a bare watcher: a plain pthread with its own SCARDCONTEXT in a
 *    SCardGetStatusChange() loop, no GLib, timestamping what it sees.
 *
 * Both wait on the same pcscd, whose polling of the reader dominates both
 * figures; the difference is what the monitor adds (target: at most 20 ms
 * at p99). KB_BENCH_REMOVALS (50) sets the number of removals, and
 * KB_BENCH_STRICT=1 makes a missed target fail.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb-bare-watcher.h"
#include "kb-card-monitor.h"
#include "kb-bench-figures.h"
#include "kb-fake-card.h"
#include "kb-pcscd-harness.h"

#define DEFAULT_PORT 35994
#define DEFAULT_REMOVALS 50
#define TARGET_US (20 * G_TIME_SPAN_MILLISECOND)
#define TIMEOUT_US (5 * G_TIME_SPAN_SECOND)
#define MAX_EVENTS 4096

/* ---- The monitor, in the main context ----------------------------------- */

typedef struct {
  guint  insertions;
  guint  removals;
  gint64 removal_dispatch[MAX_EVENTS];
  gint64 removal_seen[MAX_EVENTS];
} Seen;

static void
on_inserted (KbCardMonitor *monitor,
             KbCard        *card,
             Seen          *seen)
{
  seen->insertions++;
}

static void
on_removed (KbCardMonitor *monitor,
            KbCard        *card,
            gint64         seen_time,
            Seen          *seen)
{
  gint64 now = g_get_monotonic_time ();

  if (seen->removals < MAX_EVENTS)
    {
      seen->removal_dispatch[seen->removals] = now;
      seen->removal_seen[seen->removals] = seen_time;
    }
  seen->removals++;
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until both have seen @insertions and @removals. */
static gboolean
wait_both (Seen          *seen,
           KbBareWatcher *bare,
           guint          insertions,
           guint          removals)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  guint wake = g_timeout_add (1, wake_up, NULL);
  gboolean done = FALSE;

  while (!done && g_get_monotonic_time () < deadline)
    {
      guint bare_in, bare_out;

      g_main_context_iteration (NULL, TRUE);
      kb_bare_watcher_get_counts (bare, &bare_in, &bare_out);
      done = seen->insertions >= insertions && seen->removals >= removals
             && bare_in >= insertions && bare_out >= removals;
    }

  g_source_remove (wake);
  return done;
}

/* ---- KbFigures ------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  static const guint8 uid[] = { 0x04, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbPcscdHarness) harness = NULL;
  g_autoptr(KbFakeCard) fake = NULL;
  g_autoptr(KbCardMonitor) monitor = NULL;
  g_autofree gint64 *bare_latency = NULL;
  g_autofree gint64 *monitor_latency = NULL;
  g_autofree gint64 *thread_latency = NULL;
  g_autofree gint64 *difference = NULL;
  const char *env;
  guint16 port = DEFAULT_PORT;
  guint n = DEFAULT_REMOVALS;
  Seen seen = { 0 };
  KbBareWatcher *bare;
  KbFigures bare_f, monitor_f, thread_f, difference_f;
  gint64 p99_difference;
  gboolean strict = g_strcmp0 (g_getenv ("KB_BENCH_STRICT"), "1") == 0;

  if ((env = g_getenv ("KB_BENCH_REMOVALS")) != NULL)
    n = CLAMP (g_ascii_strtoull (env, NULL, 10), 1, MAX_EVENTS);
  if ((env = g_getenv ("KB_BENCH_PORT")) != NULL)
    port = g_ascii_strtoull (env, NULL, 10);

  harness = kb_pcscd_harness_new (port, &error);
  if (harness != NULL)
    kb_pcscd_harness_start (harness, &error);
  if (error != NULL)
    {
      g_print ("card-removal: no private pcscd: %s\n", error->message);
      /* 77: skipped, for meson. */
      return kb_pcscd_harness_error_is_skip (error) ? 77 : 1;
    }

  bare = kb_bare_watcher_start (kb_pcscd_harness_get_reader (harness, 0));
  if (bare == NULL)
    {
      g_print ("card-removal: cannot reach the private pcscd\n");
      return 1;
    }

  monitor = kb_card_monitor_new (TRUE);
  g_signal_connect (monitor, "card-inserted", G_CALLBACK (on_inserted), &seen);
  g_signal_connect (monitor, "card-removed", G_CALLBACK (on_removed), &seen);
  kb_card_monitor_start (monitor);

  fake = kb_fake_card_new (port, uid, sizeof uid, NULL, 0);
  bare_latency = g_new0 (gint64, n);
  monitor_latency = g_new0 (gint64, n);
  thread_latency = g_new0 (gint64, n);
  difference = g_new0 (gint64, n);

  g_print ("card-removal: %u removals from the vpcd virtual reader (pcscd %s)\n", n,
           kb_pcscd_harness_get_log_path (harness));

  for (guint i = 0; i < n; i++)
    {
      gint64 removed;

      if (!kb_fake_card_insert (fake, &error))
        {
          g_print ("card-removal: %s\n", error->message);
          return 1;
        }
      if (!wait_both (&seen, bare, i + 1, i))
        {
          g_print ("card-removal: insertion %u not seen within 5 s\n", i + 1);
          return 1;
        }

      /* Take it out at a random point of pcscd's polling period. */
      g_usleep (g_random_int_range (20, 450) * G_TIME_SPAN_MILLISECOND);
      kb_fake_card_remove (fake);
      removed = kb_fake_card_get_removed_time (fake);

      if (!wait_both (&seen, bare, i + 1, i + 1))
        {
          g_print ("card-removal: removal %u not seen within 5 s\n", i + 1);
          return 1;
        }

      bare_latency[i] = kb_bare_watcher_get_removal_time (bare, i) - removed;
      monitor_latency[i] = seen.removal_dispatch[i] - removed;
      thread_latency[i] = seen.removal_seen[i] - removed;
      difference[i] = monitor_latency[i] - bare_latency[i];
    }

  kb_card_monitor_stop (monitor);

  kb_bare_watcher_stop (bare);

  bare_f = kb_figures (bare_latency, n);
  monitor_f = kb_figures (monitor_latency, n);
  thread_f = kb_figures (thread_latency, n);
  difference_f = kb_figures (difference, n);
  p99_difference = monitor_f.p99 - bare_f.p99;

  g_print ("card-removal: time from kb_fake_card_remove() to\n");
  kb_figures_print ("bare watcher saw it", bare_f);
  kb_figures_print ("monitor's thread saw it", thread_f);
  kb_figures_print ("card-removed dispatched", monitor_f);
  kb_figures_print ("monitor minus bare, per removal", difference_f);
  g_print ("  difference at p99: %.2f ms (target: at most %.0f ms): %s\n",
           p99_difference / 1000.0, TARGET_US / 1000.0,
           p99_difference <= TARGET_US && difference_f.p99 <= TARGET_US ? "met" : "MISSED");

  if (strict && (p99_difference > TARGET_US || difference_f.p99 > TARGET_US))
    return 1;
  return 0;
}
