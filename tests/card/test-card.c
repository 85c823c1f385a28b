/* test-card.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KbCardMonitor against the real pcscd, with the vpcd virtual reader and
 * our own fake cards. One private pcscd serves the whole binary; it is
 * started before the tests run, and the tests skip when it cannot be (no
 * pcscd or driver installed, or another pcscd in the way).
 *
 * pcscd polls the virtual reader about every 400 ms, so every insertion
 * and removal takes up to half a second to be seen.
 */

#include "config.h"

#include <string.h>

#include "kb-card-monitor.h"
#include "kb-fake-card.h"
#include "kb-pcscd-harness.h"

#define DEFAULT_PORT 35990      /* slot 1 is on 35991 */
#define EVENT_TIMEOUT_MS 5000

static KbPcscdHarness *harness;
static GThread *main_thread;
static char *skip_reason;
static char *harness_error;

static const guint8 uid_a[] = { 0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6 };
static const guint8 uid_b[] = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
static const guint8 uid_c[] = { 0xDE, 0xAD, 0xBE, 0xEF };
static const guint8 salt_1[] = "kanribo test salt 1";
static const guint8 salt_2[] = "kanribo test salt 2";

typedef struct {
  char         type;     /* 'R'emoved, 'I'nserted, 'S'tate */
  KbCard      *card;
  gint64       seen_time;
  gint64       dispatch_time;
  KbCardState  state;
  char        *message;
} Recorded;

typedef struct {
  KbCardMonitor *monitor;
  GPtrArray     *events;
  GPtrArray     *fakes;
  gboolean       skipped;
} Fixture;

static void
recorded_free (Recorded *recorded)
{
  g_clear_object (&recorded->card);
  g_free (recorded->message);
  g_free (recorded);
}

static void
on_card_removed (KbCardMonitor *monitor,
                 KbCard        *card,
                 gint64         seen_time,
                 Fixture       *fixture)
{
  Recorded *recorded = g_new0 (Recorded, 1);

  /* Never on the monitor's thread, whatever the main thread is doing. */
  g_assert_true (g_thread_self () == main_thread);
  recorded->type = 'R';
  recorded->card = g_object_ref (card);
  recorded->seen_time = seen_time;
  recorded->dispatch_time = g_get_monotonic_time ();
  g_ptr_array_add (fixture->events, recorded);
}

static void
on_card_inserted (KbCardMonitor *monitor,
                  KbCard        *card,
                  Fixture       *fixture)
{
  Recorded *recorded = g_new0 (Recorded, 1);

  /* Never on the monitor's thread, whatever the main thread is doing. */
  g_assert_true (g_thread_self () == main_thread);
  recorded->type = 'I';
  recorded->card = g_object_ref (card);
  recorded->seen_time = kb_card_get_seen_time (card);
  recorded->dispatch_time = g_get_monotonic_time ();
  g_ptr_array_add (fixture->events, recorded);
}

static void
on_state_changed (KbCardMonitor *monitor,
                  Fixture       *fixture)
{
  Recorded *recorded = g_new0 (Recorded, 1);

  /* Never on the monitor's thread, whatever the main thread is doing. */
  g_assert_true (g_thread_self () == main_thread);
  recorded->type = 'S';
  recorded->state = kb_card_monitor_get_state (monitor);
  recorded->message = g_strdup (kb_card_monitor_get_message (monitor));
  recorded->dispatch_time = g_get_monotonic_time ();
  g_ptr_array_add (fixture->events, recorded);
}

static gboolean
wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Predicate) (Fixture *fixture, gconstpointer data);

/* Runs the main context until @predicate holds or @timeout_ms pass.
 * Returns: whether it holds. */
static gboolean
wait_until (Fixture       *fixture,
            Predicate      predicate,
            gconstpointer  data,
            guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  guint wake = g_timeout_add (5, wake_up, NULL);
  gboolean holds;

  while (!(holds = predicate (fixture, data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);
  return holds;
}

/* Runs the main context for @ms, whatever happens. */
static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  guint wake = g_timeout_add (5, wake_up, NULL);

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);
}

static gboolean
has_state (Fixture       *fixture,
           gconstpointer  data)
{
  return (int) kb_card_monitor_get_state (fixture->monitor) == GPOINTER_TO_INT (data);
}

static guint
count_type (Fixture *fixture,
            char     type)
{
  guint n = 0;

  for (guint i = 0; i < fixture->events->len; i++)
    n += ((Recorded *) g_ptr_array_index (fixture->events, i))->type == type;
  return n;
}

typedef struct {
  char  type;
  guint count;
} TypeCount;

static gboolean
has_type_count (Fixture       *fixture,
                gconstpointer  data)
{
  const TypeCount *want = data;

  return count_type (fixture, want->type) >= want->count;
}

static char *
describe_events (Fixture *fixture)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < fixture->events->len; i++)
    {
      Recorded *recorded = g_ptr_array_index (fixture->events, i);

      if (recorded->type == 'S')
        {
          g_string_append_printf (out, "[state %d \"%s\"] ", recorded->state,
                                  recorded->message ? recorded->message : "");
        }
      else
        {
          GBytes *uid = kb_card_get_uid (recorded->card);
          g_autofree char *hex = NULL;

          hex = uid ? g_strdup_printf ("uid %02x..", *(const guint8 *) g_bytes_get_data (uid, NULL))
                    : g_strdup ("no uid");
          g_string_append_printf (out, "[%s %s, %s] ",
                                  recorded->type == 'I' ? "inserted" : "removed",
                                  kb_card_get_reader (recorded->card), hex);
        }
    }

  return g_string_free (out, FALSE);
}

/* Waits for the @count-th event of @type overall and returns it. */
static Recorded *
wait_for_type (Fixture *fixture,
               char     type,
               guint    count)
{
  TypeCount want = { type, count };
  guint seen = 0;

  if (!wait_until (fixture, has_type_count, &want, EVENT_TIMEOUT_MS))
    {
      g_autofree char *events = describe_events (fixture);

      g_error ("no %u-th '%c' event within %u ms; events: %s", count, type,
               EVENT_TIMEOUT_MS, events);
    }

  for (guint i = 0; i < fixture->events->len; i++)
    {
      Recorded *recorded = g_ptr_array_index (fixture->events, i);

      if (recorded->type == type && ++seen == count)
        return recorded;
    }
  g_assert_not_reached ();
}

static void
assert_state_within (Fixture     *fixture,
                     KbCardState  state,
                     guint        timeout_ms)
{
  if (!wait_until (fixture, has_state, GINT_TO_POINTER (state), timeout_ms))
    g_error ("state %d, message \"%s\", expected %d",
             kb_card_monitor_get_state (fixture->monitor),
             kb_card_monitor_get_message (fixture->monitor), state);
}

static gboolean
bytes_equal_data (GBytes       *bytes,
                  const guint8 *data,
                  gsize         len)
{
  gsize have_len;
  const guint8 *have;

  if (bytes == NULL)
    return FALSE;
  have = g_bytes_get_data (bytes, &have_len);
  return have_len == len && memcmp (have, data, len) == 0;
}

static KbFakeCard *
add_fake (Fixture      *fixture,
          guint         slot,
          const guint8 *uid,
          gsize         uid_len)
{
  KbFakeCard *fake = kb_fake_card_new (kb_pcscd_harness_get_port (harness) + slot,
                                       uid, uid_len, NULL, 0);

  g_ptr_array_add (fixture->fakes, fake);
  return fake;
}

static void
insert (KbFakeCard *fake)
{
  g_autoptr(GError) error = NULL;

  kb_fake_card_insert (fake, &error);
  g_assert_no_error (error);
}

static gboolean
skip_without_pcscd (Fixture *fixture)
{
  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return TRUE;
    }
  if (harness_error != NULL)
    {
      g_test_fail_printf ("the private pcscd did not start: %s", harness_error);
      return TRUE;
    }
  return FALSE;
}

static void
fixture_setup_full (Fixture  *fixture,
                    gboolean  accept_virtual)
{
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify) recorded_free);
  fixture->fakes = g_ptr_array_new_with_free_func ((GDestroyNotify) kb_fake_card_free);

  fixture->skipped = skip_without_pcscd (fixture);
  if (fixture->skipped)
    return;

  /* An earlier test may have killed it and failed before restarting. */
  if (!kb_pcscd_harness_is_running (harness))
    {
      g_autoptr(GError) error = NULL;

      kb_pcscd_harness_restart (harness, &error);
      g_assert_no_error (error);
    }

  fixture->monitor = kb_card_monitor_new (accept_virtual);
  g_signal_connect (fixture->monitor, "card-removed", G_CALLBACK (on_card_removed), fixture);
  g_signal_connect (fixture->monitor, "card-inserted", G_CALLBACK (on_card_inserted), fixture);
  g_signal_connect (fixture->monitor, "state-changed", G_CALLBACK (on_state_changed), fixture);
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_STARTING);
  kb_card_monitor_start (fixture->monitor);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture_setup_full (fixture, TRUE);
  if (fixture->skipped)
    return;
  assert_state_within (fixture, KB_CARD_STATE_ABSENT, EVENT_TIMEOUT_MS);
  /* The tests count events from here. */
  g_assert_cmpuint (count_type (fixture, 'I'), ==, 0);
  g_ptr_array_set_size (fixture->events, 0);
}

static void
fixture_setup_no_virtual (Fixture       *fixture,
                          gconstpointer  data)
{
  fixture_setup_full (fixture, FALSE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->monitor != NULL)
    {
      kb_card_monitor_stop (fixture->monitor);
      /* Events posted before stop() hold references until dispatched. */
      spin (20);
      g_assert_finalize_object (fixture->monitor);
    }
  g_ptr_array_unref (fixture->fakes);
  g_ptr_array_unref (fixture->events);

  /* The next test starts with empty readers, as pcscd sees them. */
  if (!fixture->skipped && kb_pcscd_harness_is_running (harness))
    {
      g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, EVENT_TIMEOUT_MS));
      g_assert_true (kb_pcscd_harness_wait_empty (harness, 1, EVENT_TIMEOUT_MS));
    }
}

static char *
expected_identity (const guint8 *salt,
                   gsize         salt_len,
                   const char   *prefix,
                   GBytes       *id)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len;
  const guint8 *data = g_bytes_get_data (id, &len);

  g_checksum_update (checksum, salt, salt_len);
  g_checksum_update (checksum, (const guchar *) prefix, strlen (prefix));
  g_checksum_update (checksum, data, len);
  return g_strdup (g_checksum_get_string (checksum));
}

static void
test_insert (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *id_1 = NULL;
  g_autofree char *id_1_again = NULL;
  g_autofree char *id_2 = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *uid_hex = NULL;
  g_autoptr(GBytes) uid_bytes = g_bytes_new_static (uid_a, sizeof uid_a);
  g_autoptr(GBytes) atr_bytes = g_bytes_new_static (kb_fake_card_default_atr,
                                                    sizeof kb_fake_card_default_atr);
  KbFakeCard *fake;
  Recorded *inserted, *state;
  KbCard *card;
  guint64 first_serial;

  if (fixture->skipped)
    return;

  fake = add_fake (fixture, 0, uid_a, sizeof uid_a);
  insert (fake);
  inserted = wait_for_type (fixture, 'I', 1);
  card = inserted->card;

  g_assert_cmpstr (kb_card_get_reader (card), ==, kb_pcscd_harness_get_reader (harness, 0));
  g_assert_true (kb_card_has_uid (card));
  g_assert_true (g_bytes_equal (kb_card_get_uid (card), uid_bytes));
  g_assert_true (g_bytes_equal (kb_card_get_atr (card), atr_bytes));
  g_assert_cmpuint (kb_card_get_serial (card), >, 0);
  g_assert_cmpint (kb_card_get_seen_time (card), <=, inserted->dispatch_time);
  g_assert_cmpuint (kb_fake_card_get_uid_requests (fake), ==, 1);

  /* card-inserted comes before the state-changed of the same change. */
  state = wait_for_type (fixture, 'S', 1);
  g_assert_cmpint (state->state, ==, KB_CARD_STATE_PRESENT);
  g_assert_null (state->message);
  g_assert_true (g_ptr_array_find (fixture->events, inserted, NULL));
  g_assert_cmpint (inserted->dispatch_time, <=, state->dispatch_time);
  g_assert_true (kb_card_monitor_get_card (fixture->monitor) == card);
  g_assert_null (kb_card_monitor_get_message (fixture->monitor));

  /* The identity: stable, salted, and never the UID itself. */
  id_1 = kb_card_get_identity (card, salt_1, sizeof salt_1);
  id_1_again = kb_card_get_identity (card, salt_1, sizeof salt_1);
  id_2 = kb_card_get_identity (card, salt_2, sizeof salt_2);
  expected = expected_identity (salt_1, sizeof salt_1, "uid:", uid_bytes);
  uid_hex = g_strdup ("04a1b2c3d4e5f6");

  g_assert_cmpuint (strlen (id_1), ==, 64);
  g_assert_cmpstr (id_1, ==, expected);
  g_assert_cmpstr (id_1, ==, id_1_again);
  g_assert_cmpstr (id_1, !=, id_2);
  g_assert_null (strstr (id_1, uid_hex));
  g_assert_null (strstr (id_2, uid_hex));

  /* The same card again: same identity, a later serial. */
  first_serial = kb_card_get_serial (card);
  kb_fake_card_remove (fake);
  wait_for_type (fixture, 'R', 1);
  insert (fake);
  card = wait_for_type (fixture, 'I', 2)->card;
  g_clear_pointer (&id_1_again, g_free);
  id_1_again = kb_card_get_identity (card, salt_1, sizeof salt_1);
  g_assert_cmpstr (id_1, ==, id_1_again);
  g_assert_cmpuint (kb_card_get_serial (card), >, first_serial);
}

static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  KbFakeCard *fake;
  Recorded *inserted, *removed, *last;

  if (fixture->skipped)
    return;

  fake = add_fake (fixture, 0, uid_a, sizeof uid_a);
  insert (fake);
  inserted = wait_for_type (fixture, 'I', 1);
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);

  kb_fake_card_remove (fake);
  removed = wait_for_type (fixture, 'R', 1);
  g_assert_true (removed->card == inserted->card);
  g_assert_cmpint (removed->seen_time, >=, kb_fake_card_get_removed_time (fake));
  g_assert_cmpint (removed->seen_time, <=, removed->dispatch_time);
  g_test_message ("removal seen by the monitor's thread after %.1f ms, dispatched after %.1f ms",
                  (removed->seen_time - kb_fake_card_get_removed_time (fake)) / 1000.0,
                  (removed->dispatch_time - kb_fake_card_get_removed_time (fake)) / 1000.0);

  assert_state_within (fixture, KB_CARD_STATE_ABSENT, EVENT_TIMEOUT_MS);
  g_assert_null (kb_card_monitor_get_card (fixture->monitor));
  g_assert_null (kb_card_monitor_get_message (fixture->monitor));

  /* The removal came before the state change. */
  last = g_ptr_array_index (fixture->events, fixture->events->len - 1);
  g_assert_cmpint (last->type, ==, 'S');
  g_assert_cmpint (last->state, ==, KB_CARD_STATE_ABSENT);
  g_assert_true (g_ptr_array_index (fixture->events, fixture->events->len - 2) == removed);
}

/* Returns the events of types R and I, in order, as a string such as
 * "IRI", and checks that every R is about the card of the I before it. */
static char *
card_events (Fixture *fixture)
{
  GString *out = g_string_new (NULL);
  KbCard *present = NULL;

  for (guint i = 0; i < fixture->events->len; i++)
    {
      Recorded *recorded = g_ptr_array_index (fixture->events, i);

      if (recorded->type == 'I')
        {
          g_assert_null (present);
          present = recorded->card;
        }
      else if (recorded->type == 'R')
        {
          g_assert_true (recorded->card == present);
          present = NULL;
        }
      else
        continue;
      g_string_append_c (out, recorded->type);
    }

  return g_string_free (out, FALSE);
}

/* Each swap comes right after the monitor identified the card, within
 * 50 ms. (With the vpcd driver, pcscd itself misses a swap made within one
 * poll once it has powered the idle card down; see test_swap_while_busy.) */
static void
test_swap (Fixture       *fixture,
           gconstpointer  data)
{
  KbFakeCard *fake_a, *fake_b;
  guint inserted = 0;
  g_autofree char *sequence = NULL;

  if (fixture->skipped)
    return;

  fake_a = add_fake (fixture, 0, uid_a, sizeof uid_a);
  fake_b = add_fake (fixture, 0, uid_b, sizeof uid_b);

  insert (fake_a);
  wait_for_type (fixture, 'I', ++inserted);

  for (guint round = 0; round < 4; round++)
    {
      KbFakeCard *out = round % 2 == 0 ? fake_a : fake_b;
      KbFakeCard *in = round % 2 == 0 ? fake_b : fake_a;
      const guint8 *in_uid = round % 2 == 0 ? uid_b : uid_a;
      gint64 removed;
      Recorded *recorded;

      kb_fake_card_remove (out);
      removed = kb_fake_card_get_removed_time (out);
      g_usleep (g_random_int_range (0, 40) * G_TIME_SPAN_MILLISECOND);
      insert (in);
      g_assert_cmpint (g_get_monotonic_time () - removed, <, 50 * G_TIME_SPAN_MILLISECOND);

      recorded = wait_for_type (fixture, 'I', ++inserted);
      g_assert_true (bytes_equal_data (kb_card_get_uid (recorded->card), in_uid, 7));
    }

  sequence = card_events (fixture);
  g_assert_cmpstr (sequence, ==, "IRIRIRIRI");
}

/* A quick swap some time after the card was last used: disconnected, an
 * idle card would be powered down by pcscd after about 0.4 s, and a swap
 * within one poll after that left the event counter unchanged (seen with
 * vpcd: 16 of 37 offsets missed). The monitor keeps the card connected,
 * so every offset must show removal + insertion. */
static void
test_swap_after_idle (Fixture       *fixture,
                      gconstpointer  data)
{
  static const guint offsets_ms[] = { 300, 450, 550, 650, 750, 900 };
  KbFakeCard *fake_a, *fake_b;
  guint inserted = 0;

  if (fixture->skipped)
    return;

  fake_a = add_fake (fixture, 0, uid_a, sizeof uid_a);
  fake_b = add_fake (fixture, 0, uid_b, sizeof uid_b);

  insert (fake_a);
  wait_for_type (fixture, 'I', ++inserted);

  for (guint round = 0; round < G_N_ELEMENTS (offsets_ms); round++)
    {
      KbFakeCard *out = round % 2 == 0 ? fake_a : fake_b;
      KbFakeCard *in = round % 2 == 0 ? fake_b : fake_a;
      const guint8 *in_uid = round % 2 == 0 ? uid_b : uid_a;
      Recorded *recorded;

      g_usleep (offsets_ms[round] * G_TIME_SPAN_MILLISECOND);
      kb_fake_card_remove (out);
      insert (in);

      recorded = wait_for_type (fixture, 'I', ++inserted);
      g_assert_true (bytes_equal_data (kb_card_get_uid (recorded->card), in_uid, 7));
    }
}

/* The swap happens while the monitor's thread is busy elsewhere (a card in
 * the second slot takes 3 s to give its UID), so when the thread looks
 * again the first slot is "present" as before: only pcscd's event counter
 * tells that the card in it changed. */
static void
test_swap_while_busy (Fixture       *fixture,
                      gconstpointer  data)
{
  KbFakeCard *fake_a, *fake_b, *fake_slow;
  g_autofree char *sequence = NULL;
  Recorded *recorded;
  guint before;
  gint64 deadline;

  if (fixture->skipped)
    return;

  fake_a = add_fake (fixture, 0, uid_a, sizeof uid_a);
  fake_b = add_fake (fixture, 0, uid_b, sizeof uid_b);
  fake_slow = add_fake (fixture, 1, uid_c, sizeof uid_c);
  kb_fake_card_set_uid_delay (fake_slow, 3000);

  insert (fake_a);
  wait_for_type (fixture, 'I', 1);
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);
  spin (20);

  insert (fake_slow);
  deadline = g_get_monotonic_time () + EVENT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  while (kb_fake_card_get_uid_requests (fake_slow) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_TIME_SPAN_MILLISECOND);
    }

  /* The thread now waits for the slow card. Swap A for B. pcscd must see
   * the reader empty in between: with the vpcd driver, a swap within one
   * poll goes unseen by pcscd itself (no event, same counter) when it
   * comes while pcscd has powered the idle card down, about 0.4 to 0.8 s
   * after its last use, which is where we are now. */
  before = fixture->events->len;
  kb_fake_card_remove (fake_a);
  g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, EVENT_TIMEOUT_MS));
  insert (fake_b);

  /* pcscd has seen B once it asks B for its ATR. */
  while (kb_fake_card_get_atr_requests (fake_b) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_TIME_SPAN_MILLISECOND);
    }
  spin (100);
  g_assert_cmpuint (kb_fake_card_get_uid_requests (fake_b), ==, 0);
  g_assert_cmpuint (fixture->events->len, ==, before);

  /* Then the slow card answers and the thread catches up. */
  wait_for_type (fixture, 'I', 3);
  recorded = wait_for_type (fixture, 'R', 1);
  g_assert_true (bytes_equal_data (kb_card_get_uid (recorded->card), uid_a, sizeof uid_a));

  for (guint i = 0; i < fixture->events->len; i++)
    {
      recorded = g_ptr_array_index (fixture->events, i);
      if (recorded->type == 'I')
        g_test_message ("inserted %s", kb_card_get_reader (recorded->card));
    }

  /* In order: A in, C in (slow), A out, B in. */
  {
    guint n_inserted = 0;
    gboolean removed_a = FALSE;

    for (guint i = 0; i < fixture->events->len; i++)
      {
        recorded = g_ptr_array_index (fixture->events, i);
        if (recorded->type == 'R')
          {
            g_assert_true (bytes_equal_data (kb_card_get_uid (recorded->card), uid_a, 7));
            g_assert_cmpuint (n_inserted, ==, 2);
            removed_a = TRUE;
          }
        else if (recorded->type == 'I')
          {
            n_inserted++;
            if (n_inserted == 2)
              g_assert_true (bytes_equal_data (kb_card_get_uid (recorded->card), uid_c, 4));
            if (n_inserted == 3)
              {
                g_assert_true (removed_a);
                g_assert_true (bytes_equal_data (kb_card_get_uid (recorded->card), uid_b, 7));
              }
          }
      }
    g_assert_cmpuint (n_inserted, ==, 3);
  }

  /* The slot-0 card is B now; the first card still present is C. */
  g_assert_true (bytes_equal_data (kb_card_get_uid (kb_card_monitor_get_card (fixture->monitor)),
                                   uid_c, sizeof uid_c));
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_PRESENT);
}

static void
test_refuse_uid (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *identity = NULL;
  g_autofree char *expected = NULL;
  KbFakeCard *fake;
  KbCard *card;

  if (fixture->skipped)
    return;

  fake = add_fake (fixture, 0, uid_a, sizeof uid_a);
  kb_fake_card_set_refuse_uid (fake, TRUE);
  insert (fake);
  card = wait_for_type (fixture, 'I', 1)->card;

  g_assert_cmpuint (kb_fake_card_get_uid_requests (fake), ==, 1);
  g_assert_false (kb_card_has_uid (card));
  g_assert_null (kb_card_get_uid (card));
  g_assert_true (bytes_equal_data (kb_card_get_atr (card), kb_fake_card_default_atr,
                                   sizeof kb_fake_card_default_atr));

  identity = kb_card_get_identity (card, salt_1, sizeof salt_1);
  expected = expected_identity (salt_1, sizeof salt_1, "atr:", kb_card_get_atr (card));
  g_assert_cmpstr (identity, ==, expected);
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);
}

static void
test_service_killed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KbFakeCard *fake;
  Recorded *inserted, *removed;
  gint64 killed, start;

  if (fixture->skipped)
    return;

  fake = add_fake (fixture, 0, uid_a, sizeof uid_a);
  insert (fake);
  inserted = wait_for_type (fixture, 'I', 1);
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);

  killed = g_get_monotonic_time ();
  kb_pcscd_harness_kill (harness);

  removed = wait_for_type (fixture, 'R', 1);
  g_assert_true (removed->card == inserted->card);
  g_assert_cmpint (removed->seen_time, >=, killed);
  assert_state_within (fixture, KB_CARD_STATE_NO_SERVICE, EVENT_TIMEOUT_MS);
  g_assert_nonnull (kb_card_monitor_get_message (fixture->monitor));
  g_assert_null (kb_card_monitor_get_card (fixture->monitor));
  g_test_message ("pcscd killed: card-removed after %.1f ms, message \"%s\"",
                  (removed->dispatch_time - killed) / 1000.0,
                  kb_card_monitor_get_message (fixture->monitor));

  /* The driver went with pcscd, and the card with the driver. */
  g_assert_false (kb_fake_card_is_inserted (fake));

  /* Still no service a while later: the retries fail quietly. */
  spin (1200);
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_NO_SERVICE);
  g_assert_cmpuint (count_type (fixture, 'I'), ==, 1);

  /* stop() is prompt while retrying, too; and the monitor starts again. */
  start = g_get_monotonic_time ();
  kb_card_monitor_stop (fixture->monitor);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_TIME_SPAN_SECOND);
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_STARTING);
  kb_card_monitor_start (fixture->monitor);
  assert_state_within (fixture, KB_CARD_STATE_NO_SERVICE, EVENT_TIMEOUT_MS);

  /* pcscd comes back: the monitor finds it by itself. */
  kb_pcscd_harness_start (harness, &error);
  g_assert_no_error (error);
  assert_state_within (fixture, KB_CARD_STATE_ABSENT, EVENT_TIMEOUT_MS);
  g_assert_null (kb_card_monitor_get_message (fixture->monitor));

  insert (fake);
  inserted = wait_for_type (fixture, 'I', 2);
  g_assert_true (bytes_equal_data (kb_card_get_uid (inserted->card), uid_a, sizeof uid_a));
  g_assert_cmpuint (kb_card_get_serial (inserted->card), >, kb_card_get_serial (removed->card));
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);
}

static void
test_service_stopped (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KbFakeCard *fake;

  if (fixture->skipped)
    return;

  fake = add_fake (fixture, 0, uid_b, sizeof uid_b);
  insert (fake);
  wait_for_type (fixture, 'I', 1);

  /* A clean shutdown (SIGTERM) removes the reader first, then the service. */
  kb_pcscd_harness_stop (harness);
  wait_for_type (fixture, 'R', 1);
  assert_state_within (fixture, KB_CARD_STATE_NO_SERVICE, EVENT_TIMEOUT_MS);
  g_assert_nonnull (kb_card_monitor_get_message (fixture->monitor));

  kb_pcscd_harness_start (harness, &error);
  g_assert_no_error (error);
  assert_state_within (fixture, KB_CARD_STATE_ABSENT, EVENT_TIMEOUT_MS);
}

static void
test_virtual_ignored (Fixture       *fixture,
                      gconstpointer  data)
{
  KbFakeCard *fake;

  if (fixture->skipped)
    return;

  assert_state_within (fixture, KB_CARD_STATE_NO_READER, EVENT_TIMEOUT_MS);
  g_assert_nonnull (kb_card_monitor_get_message (fixture->monitor));

  fake = add_fake (fixture, 0, uid_a, sizeof uid_a);
  insert (fake);
  while (kb_fake_card_get_atr_requests (fake) < 3)
    spin (50);
  spin (300);

  g_assert_cmpuint (count_type (fixture, 'I'), ==, 0);
  g_assert_cmpuint (kb_fake_card_get_uid_requests (fake), ==, 0);
  g_assert_null (kb_card_monitor_get_card (fixture->monitor));
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_NO_READER);
}

static void
test_stop_prompt (Fixture       *fixture,
                  gconstpointer  data)
{
  KbFakeCard *fake;
  KbCard *card;
  Recorded *removed;
  gint64 start, elapsed;

  if (fixture->skipped)
    return;

  /* Blocked in SCardGetStatusChange (INFINITE) with an empty reader. */
  spin (200);
  start = g_get_monotonic_time ();
  kb_card_monitor_stop (fixture->monitor);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("stop() while blocked took %.1f ms", elapsed / 1000.0);
  g_assert_cmpint (elapsed, <, G_TIME_SPAN_SECOND);
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_STARTING);

  /* Again with a card in: stop() reports it removed before returning. */
  kb_card_monitor_start (fixture->monitor);
  fake = add_fake (fixture, 0, uid_a, sizeof uid_a);
  insert (fake);
  card = wait_for_type (fixture, 'I', 1)->card;
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);
  spin (200);

  start = g_get_monotonic_time ();
  kb_card_monitor_stop (fixture->monitor);
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpint (elapsed, <, G_TIME_SPAN_SECOND);
  g_assert_cmpuint (count_type (fixture, 'R'), ==, 1);
  removed = wait_for_type (fixture, 'R', 1);
  g_assert_true (removed->card == card);
  g_assert_null (kb_card_monitor_get_card (fixture->monitor));
  g_assert_cmpint (kb_card_monitor_get_state (fixture->monitor), ==, KB_CARD_STATE_STARTING);

  /* Nothing from the stopped thread trickles in afterwards. */
  spin (100);
  g_assert_cmpuint (count_type (fixture, 'I'), ==, 1);
  g_assert_cmpuint (count_type (fixture, 'R'), ==, 1);

  /* Dropping the last reference to a running monitor stops it too. */
  kb_card_monitor_start (fixture->monitor);
  assert_state_within (fixture, KB_CARD_STATE_PRESENT, EVENT_TIMEOUT_MS);
  spin (200);
  {
    KbCardMonitor *monitor = g_steal_pointer (&fixture->monitor);

    g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *) &monitor);
    start = g_get_monotonic_time ();
    g_object_unref (monitor);
    g_assert_cmpint (g_get_monotonic_time () - start, <, G_TIME_SPAN_SECOND);
    g_assert_null (monitor);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *port_env = g_getenv ("KB_CARD_TEST_PORT");
  guint16 port = port_env != NULL ? (guint16) g_ascii_strtoull (port_env, NULL, 10) : DEFAULT_PORT;
  int status;

  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  harness = kb_pcscd_harness_new (port, &error);
  if (harness != NULL)
    kb_pcscd_harness_start (harness, &error);
  if (error != NULL && kb_pcscd_harness_error_is_skip (error))
    skip_reason = g_strdup_printf ("no private pcscd: %s", error->message);
  else if (error != NULL)
    harness_error = g_strdup (error->message);

  g_test_add ("/card/insert", Fixture, NULL, fixture_setup, test_insert, fixture_teardown);
  g_test_add ("/card/remove", Fixture, NULL, fixture_setup, test_remove, fixture_teardown);
  g_test_add ("/card/swap", Fixture, NULL, fixture_setup, test_swap, fixture_teardown);
  g_test_add ("/card/swap-after-idle", Fixture, NULL, fixture_setup, test_swap_after_idle,
              fixture_teardown);
  g_test_add ("/card/swap-while-busy", Fixture, NULL,
              fixture_setup, test_swap_while_busy, fixture_teardown);
  g_test_add ("/card/refuse-uid", Fixture, NULL, fixture_setup, test_refuse_uid, fixture_teardown);
  g_test_add ("/card/service-killed", Fixture, NULL,
              fixture_setup, test_service_killed, fixture_teardown);
  g_test_add ("/card/service-stopped", Fixture, NULL,
              fixture_setup, test_service_stopped, fixture_teardown);
  g_test_add ("/card/virtual-ignored", Fixture, NULL,
              fixture_setup_no_virtual, test_virtual_ignored, fixture_teardown);
  g_test_add ("/card/stop-prompt", Fixture, NULL, fixture_setup, test_stop_prompt, fixture_teardown);

  status = g_test_run ();

  g_clear_pointer (&harness, kb_pcscd_harness_free);
  g_free (skip_reason);
  g_free (harness_error);

  return status;
}
