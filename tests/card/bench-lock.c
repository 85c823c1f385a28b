/* bench-lock.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long after the card is taken out is the lock page on screen? The
 * real window, signed in with a fake card on a private pcscd; for each
 * removal, two clocks stop:
 *
 *  - the window: the first frame painted (GdkFrameClock::after-paint) after
 *    the main stack switched to the lock page;
 *  - a bare watcher: a plain pthread with its own SCARDCONTEXT in a
 *    SCardGetStatusChange() loop, no GLib, on the same pcscd.
 *
 * pcscd's polling of the reader dominates both; the difference is what
 * Kanribo adds (target: at most 20 ms at p99). Between removals the card
 * goes back in and the password is typed again, which measures the
 * password check (submit to unlocked) and the longest the main loop stalls
 * meanwhile (a 1 ms timer; target: never more than one frame, 16.7 ms).
 *
 * Needs a display: run it under `xvfb-run -a dbus-run-session --`. Without
 * one it is skipped (77), unless KANRIBO_REQUIRE_DISPLAY is set.
 * KB_BENCH_REMOVALS (50) sets the number of removals, KB_BENCH_PORT the
 * vpcd port, KB_BENCH_VERBOSE=1 prints each removal, and KB_BENCH_STRICT=1
 * makes a missed target fail.
 */

#include "config.h"

#include <stdlib.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "kb-admin.h"
#include "kb-application.h"
#include "kb-bare-watcher.h"
#include "kb-bench-figures.h"
#include "kb-fake-card.h"
#include "kb-lock-page.h"
#include "kb-pcscd-harness.h"
#include "kb-session.h"
#include "kb-window.h"

#define DEFAULT_PORT 35996     /* slot 1 is on 35997 */
#define DEFAULT_REMOVALS 50
#define MAX_REMOVALS 1000
#define TARGET_US (20 * G_TIME_SPAN_MILLISECOND)
#define FRAME_US 16667
#define TIMEOUT_US (10 * G_TIME_SPAN_SECOND)
#define BUSY_WAIT_S 120
#define STAFF "N1001"

typedef enum {
  PHASE_IDLE,
  PHASE_LOCKING,     /* the stack switched: until the lock page's frame */
  PHASE_CHECK,       /* the password is being checked */
  PHASE_UNLOCKING,   /* the result is in: until the registers' first frame */
  N_PHASES
} Phase;

typedef struct {
  KbWindow      *window;
  KbSession     *session;
  GtkWidget     *lock_page;
  GtkStack      *main_stack;
  KbBareWatcher *bare;

  /* The removal being measured. */
  gboolean       armed;
  gint64         switch_time;    /* the main stack switched to "lock" */
  gint64         paint_time;     /* the first frame painted after that */

  /* The main loop, ticked every millisecond. */
  Phase          phase;
  gint64         last_tick;
  gint64         max_gap[N_PHASES];  /* the longest gap between ticks, by phase */
  gint64         unlocked_time;
  gint64         unlock_paint_time;
} Bench;

/* ---- The main loop ------------------------------------------------------ */

static gboolean
tick_cb (gpointer user_data)
{
  Bench *b = user_data;
  gint64 now = g_get_monotonic_time ();

  if (b->last_tick != 0)
    b->max_gap[b->phase] = MAX (b->max_gap[b->phase], now - b->last_tick);
  b->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 now = g_get_monotonic_time ();

  if (b->armed && b->switch_time != 0 && b->paint_time == 0 && now >= b->switch_time)
    b->paint_time = now;
  if (b->phase == PHASE_UNLOCKING && b->unlock_paint_time == 0 && now >= b->unlocked_time)
    b->unlock_paint_time = now;
}

static void
stack_cb (GtkStack   *stack,
          GParamSpec *pspec,
          Bench      *b)
{
  if (b->armed && b->switch_time == 0 &&
      g_strcmp0 (gtk_stack_get_visible_child_name (stack), "lock") == 0)
    {
      b->switch_time = g_get_monotonic_time ();
      b->phase = PHASE_LOCKING;
    }
}

static void
session_state_cb (KbSession  *session,
                  GParamSpec *pspec,
                  Bench      *b)
{
  if (b->phase == PHASE_CHECK && kb_session_get_state (session) != KB_SESSION_VERIFYING)
    {
      b->unlocked_time = g_get_monotonic_time ();
      b->phase = PHASE_UNLOCKING;
    }
}

typedef gboolean (*Condition) (Bench *b, gconstpointer data);

/* Runs the main context (blocking; the 1 ms tick wakes it) until @cond.
 * The conditions wait for the tick after the frame they look for, so that
 * the gap that frame made is counted. */
static gboolean
wait_until (Bench         *b,
            Condition      cond,
            gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;

  while (!cond (b, data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
in_state (Bench         *b,
          gconstpointer  data)
{
  b->session = kb_window_get_session (b->window);
  return b->session != NULL && (int) kb_session_get_state (b->session) == GPOINTER_TO_INT (data);
}

static gboolean
wait_state (Bench          *b,
            KbSessionState  state)
{
  if (wait_until (b, in_state, GINT_TO_POINTER (state)))
    return TRUE;
  g_print ("lock-latency: session state %d (\"%s\"), expected %d\n",
           b->session != NULL ? (int) kb_session_get_state (b->session) : -1,
           b->session != NULL && kb_session_get_message (b->session) != NULL
           ? kb_session_get_message (b->session) : "", state);
  return FALSE;
}

static gboolean
lock_painted (Bench         *b,
              gconstpointer  data)
{
  guint insertions, removals;

  kb_bare_watcher_get_counts (b->bare, &insertions, &removals);
  return b->paint_time != 0 && b->last_tick > b->paint_time &&
         removals >= GPOINTER_TO_UINT (data);
}

static gboolean
unlock_painted (Bench         *b,
                gconstpointer  data)
{
  return b->unlock_paint_time != 0 && b->last_tick > b->unlock_paint_time;
}

/* ---- The window --------------------------------------------------------- */

static GtkWidget *
find_lock_page (GtkWidget *widget)
{
  if (KB_IS_LOCK_PAGE (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_lock_page (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Types the password on the lock page and waits for the registers' first
 * frame. Returns: the time from submitting to unlocked, or -1. */
static gint64
sign_in (Bench *b)
{
  gint64 submitted;

  b->max_gap[PHASE_CHECK] = 0;
  b->max_gap[PHASE_UNLOCKING] = 0;
  b->unlocked_time = 0;
  b->unlock_paint_time = 0;
  b->phase = PHASE_CHECK;
  submitted = g_get_monotonic_time ();
  b->last_tick = submitted;
  kb_lock_page_set_password (KB_LOCK_PAGE (b->lock_page), KB_DEMO_PASSWORD);

  if (!wait_state (b, KB_SESSION_UNLOCKED) || !wait_until (b, unlock_painted, NULL))
    return -1;
  b->phase = PHASE_IDLE;
  return b->unlocked_time - submitted;
}

/* ---- KbFigures ------------------------------------------------------------ */

/* ---- Setting up ------------------------------------------------------------ */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static int
run (Bench      *b,
     KbFakeCard *fake,
     guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *bare_latency = g_new0 (gint64, n);
  g_autofree gint64 *switch_latency = g_new0 (gint64, n);
  g_autofree gint64 *frame_latency = g_new0 (gint64, n);
  g_autofree gint64 *difference = g_new0 (gint64, n);
  g_autofree gint64 *lock_stall = g_new0 (gint64, n);
  g_autofree gint64 *check = g_new0 (gint64, n + 1);
  g_autofree gint64 *check_stall = g_new0 (gint64, n + 1);
  g_autofree gint64 *unlock_stall = g_new0 (gint64, n + 1);
  KbFigures bare_f, switch_f, frame_f, difference_f, lock_stall_f;
  KbFigures check_f, check_stall_f, unlock_stall_f;
  gboolean verbose = g_getenv ("KB_BENCH_VERBOSE") != NULL;
  gint64 p99_difference;
  gboolean met;
  guint n_checks = 0;

  /* The first sign-in (the registers load behind it). */
  if (!kb_fake_card_insert (fake, &error) || !wait_state (b, KB_SESSION_PASSWORD))
    {
      g_print ("lock-latency: the card was not taken: %s\n",
               error != NULL ? error->message : "timed out");
      return 1;
    }
  check[n_checks] = sign_in (b);
  if (check[n_checks] < 0)
    return 1;
  check_stall[n_checks] = b->max_gap[PHASE_CHECK];
  unlock_stall[n_checks] = b->max_gap[PHASE_UNLOCKING];
  n_checks++;
  spin (500);

  for (guint i = 0; i < n; i++)
    {
      gint64 removed;

      /* Take it out at a random point of pcscd's polling period. */
      spin (g_random_int_range (20, 450));
      b->armed = TRUE;
      b->switch_time = 0;
      b->paint_time = 0;
      b->max_gap[PHASE_LOCKING] = 0;
      kb_fake_card_remove (fake);
      removed = kb_fake_card_get_removed_time (fake);

      if (!wait_until (b, lock_painted, GUINT_TO_POINTER (i + 1)))
        {
          g_print ("lock-latency: removal %u: no lock frame within %d s\n", i + 1,
                   (int) (TIMEOUT_US / G_USEC_PER_SEC));
          return 1;
        }
      b->armed = FALSE;
      b->phase = PHASE_IDLE;
      if (kb_session_get_state (b->session) == KB_SESSION_UNLOCKED ||
          g_strcmp0 (gtk_stack_get_visible_child_name (b->main_stack), "lock") != 0)
        {
          g_print ("lock-latency: removal %u: painted, but not locked\n", i + 1);
          return 1;
        }

      bare_latency[i] = kb_bare_watcher_get_removal_time (b->bare, i) - removed;
      switch_latency[i] = b->switch_time - removed;
      frame_latency[i] = b->paint_time - removed;
      difference[i] = frame_latency[i] - bare_latency[i];
      lock_stall[i] = b->max_gap[PHASE_LOCKING];
      if (verbose)
        g_print ("  removal %2u: bare %6.1f  switch %6.1f  frame %6.1f  stall %6.1f ms\n", i + 1,
                 bare_latency[i] / 1000.0, switch_latency[i] / 1000.0, frame_latency[i] / 1000.0,
                 lock_stall[i] / 1000.0);

      /* Back in, and the password again. */
      if (!kb_fake_card_insert (fake, &error) || !wait_state (b, KB_SESSION_PASSWORD))
        {
          g_print ("lock-latency: the card was not taken back: %s\n",
                   error != NULL ? error->message : "timed out");
          return 1;
        }
      check[n_checks] = sign_in (b);
      if (check[n_checks] < 0)
        return 1;
      check_stall[n_checks] = b->max_gap[PHASE_CHECK];
      unlock_stall[n_checks] = b->max_gap[PHASE_UNLOCKING];
      n_checks++;
    }

  bare_f = kb_figures (bare_latency, n);
  switch_f = kb_figures (switch_latency, n);
  frame_f = kb_figures (frame_latency, n);
  difference_f = kb_figures (difference, n);
  lock_stall_f = kb_figures (lock_stall, n);
  check_f = kb_figures (check, n_checks);
  check_stall_f = kb_figures (check_stall, n_checks);
  unlock_stall_f = kb_figures (unlock_stall, n_checks);
  p99_difference = frame_f.p99 - bare_f.p99;

  g_print ("lock-latency: %u removals, time from kb_fake_card_remove() to\n", n);
  kb_figures_print ("bare watcher saw it", bare_f);
  kb_figures_print ("main stack switched to the lock page", switch_f);
  kb_figures_print ("lock page's first frame painted", frame_f);
  kb_figures_print ("lock frame minus bare, per removal", difference_f);
  /* Two readings of "adds at most 20 ms at the 99th percentile": the
   * difference of the two p99s, and (stricter) the p99 of the per-removal
   * differences. Both are printed; "met" needs both. */
  g_print ("  p99 of the lock frame minus p99 of the bare watcher: %.2f ms; "
           "p99 of the per-removal differences: %.2f ms (target: at most %.0f ms): %s\n",
           p99_difference / 1000.0, difference_f.p99 / 1000.0, TARGET_US / 1000.0,
           p99_difference <= TARGET_US && difference_f.p99 <= TARGET_US ? "met" : "MISSED");
  met = p99_difference <= TARGET_US && difference_f.p99 <= TARGET_US;
  kb_figures_print ("longest stall, switch to lock frame", lock_stall_f);

  g_print ("lock-latency: %u sign-ins with the password typed on the lock page\n", n_checks);
  kb_figures_print ("password check, submit to unlocked", check_f);
  kb_figures_print ("longest main-loop stall in a check", check_stall_f);
  g_print ("  longest stall during any check: %.1f ms (target: at most one frame, %.1f ms): %s\n",
           check_stall_f.max / 1000.0, FRAME_US / 1000.0,
           check_stall_f.max <= FRAME_US ? "met" : "MISSED");
  met = met && check_stall_f.max <= FRAME_US;
  kb_figures_print ("longest stall, result to first frame", unlock_stall_f);

  return met || g_strcmp0 (g_getenv ("KB_BENCH_STRICT"), "1") != 0 ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbPcscdHarness) harness = NULL;
  g_autoptr(KbFakeCard) fake = NULL;
  g_autoptr(KbApplication) app = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *app_id = NULL;
  Bench b = { 0 };
  guint8 uid[7];
  const char *env;
  guint16 port = DEFAULT_PORT;
  guint n = DEFAULT_REMOVALS;
  guint tick;
  int status;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("lock-latency: no display; run it under xvfb-run -a dbus-run-session --\n");
      /* 77: skipped, for meson. */
      return g_getenv ("KANRIBO_REQUIRE_DISPLAY") != NULL ? 1 : 77;
    }

  if ((env = g_getenv ("KB_BENCH_REMOVALS")) != NULL)
    n = CLAMP (g_ascii_strtoull (env, NULL, 10), 1, MAX_REMOVALS);
  if ((env = g_getenv ("KB_BENCH_PORT")) != NULL)
    port = g_ascii_strtoull (env, NULL, 10);

  adw_init ();
  /* GTK 4.8's cursor blink warns about a focus-out it missed when the
   * focused password entry is unmapped by the unlock. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* The UI tests may be running their own pcscd: wait for it to go, never
   * kill it. */
  harness = kb_pcscd_harness_new (port, &error);
  if (harness != NULL)
    kb_pcscd_harness_start_when_free (harness, BUSY_WAIT_S, &error);
  if (error != NULL)
    {
      g_print ("lock-latency: no private pcscd: %s\n", error->message);
      return kb_pcscd_harness_error_is_skip (error) ? 77 : 1;
    }

  b.bare = kb_bare_watcher_start (kb_pcscd_harness_get_reader (harness, 0));
  if (b.bare == NULL)
    {
      g_print ("lock-latency: cannot reach the private pcscd\n");
      return 1;
    }

  /* The demo office, in a database of our own. */
  dir = g_dir_make_tmp ("kanribo-bench-XXXXXX", &error);
  if (dir != NULL)
    {
      path = g_build_filename (dir, "kanribo.db", NULL);
      db = kb_db_open (path, KB_DB_OPEN_CREATE, &error);
    }
  if (db == NULL || !kb_demo_seed (db, &error))
    {
      g_print ("lock-latency: cannot create the demo database: %s\n", error->message);
      return 1;
    }
  g_clear_pointer (&db, kb_db_close);

  app = kb_application_new ();
  kb_application_set_database (app, path);
  app_id = g_strdup_printf ("%s.BenchLock", APP_ID);
  g_application_set_application_id (G_APPLICATION (app), app_id);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_print ("lock-latency: %s\n", error->message);
      return 1;
    }

  tick = g_timeout_add (1, tick_cb, &b);
  b.window = kb_window_new (app);
  gtk_window_present (GTK_WINDOW (b.window));
  if (!wait_state (&b, KB_SESSION_INSERT_CARD))
    return 1;
  b.lock_page = find_lock_page (GTK_WIDGET (b.window));
  g_assert (b.lock_page != NULL);
  b.main_stack = GTK_STACK (gtk_widget_get_ancestor (b.lock_page, GTK_TYPE_STACK));
  g_assert (gtk_stack_get_child_by_name (b.main_stack, "lock") != NULL);
  g_signal_connect (b.main_stack, "notify::visible-child-name", G_CALLBACK (stack_cb), &b);
  g_signal_connect (b.session, "notify::state", G_CALLBACK (session_state_cb), &b);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (b.window)), "after-paint",
                    G_CALLBACK (after_paint_cb), &b);

  kb_demo_card_uid (STAFF, uid);
  fake = kb_fake_card_new (port, uid, sizeof uid, NULL, 0);
  g_print ("lock-latency: the window under %s, pcscd %s\n",
           g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : g_getenv ("WAYLAND_DISPLAY"),
           kb_pcscd_harness_get_log_path (harness));

  status = run (&b, fake, n);

  kb_fake_card_remove (fake);
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (GTK_WIDGET (b.window)), &b);
  gtk_window_destroy (GTK_WINDOW (b.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_source_remove (tick);
  kb_bare_watcher_stop (b.bare);
  g_clear_object (&app);
  remove_tree (dir);

  return status;
}
