/* test-session.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * KbSession end to end, without a window: a KbStore on a fresh demo
 * database, a KbCardMonitor on a private pcscd with the vpcd virtual
 * reader, and fake cards with the demo operators' UIDs. The tests drive
 * the main context by hand and read the journal through a read-only
 * connection of their own, as an auditor would.
 *
 * pcscd polls the virtual reader about every 400 ms and a password check
 * (Argon2id) takes a few hundred milliseconds, so each test takes a second
 * or two.
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kb-admin.h"
#include "kb-auth.h"
#include "kb-canon.h"
#include "kb-card-monitor.h"
#include "kb-crypto.h"
#include "kb-db.h"
#include "kb-fake-card.h"
#include "kb-journal.h"
#include "kb-pcscd-harness.h"
#include "kb-session.h"
#include "kb-settings.h"
#include "kb-store.h"
#include "kb-training.h"

#define DEFAULT_PORT 35992      /* slot 1 is on 35993 */
#define TERMINAL "JK-01"
#define TIMEOUT_MS 10000
/* How long to wait for another pcscd (the UI tests') to go away. */
#define DEFAULT_BUSY_WAIT_S 120

static KbPcscdHarness *harness;
static char *skip_reason;
static char *harness_error;

/* --- the fixture ------------------------------------------------------------ */

typedef struct {
  char           *dir;
  char           *path;
  KbDb           *reader;        /* read-only, for the journal */
  KbStore        *store;
  KbCardMonitor  *monitor;
  KbSession      *session;
  GArray         *states;        /* every KbSessionState notified, in order */
  GPtrArray      *lock_reasons;  /* the "locked" signals */
  guint           n_unlocked;    /* the "unlocked" signals */
  guint           n_usage_changed; /* the "usage-changed" signals */
  const char     *terminal;      /* NULL: TERMINAL */
  GPtrArray      *fakes;
  gint64          mark;          /* the journal's head when the test began */
  gboolean        skipped;
} Fixture;

typedef gboolean (*Condition) (Fixture *f, gconstpointer data);

/* Runs the main context until @cond holds or @timeout_ms pass. */
static gboolean
wait_for (Fixture       *f,
          Condition      cond,
          gconstpointer  data,
          guint          timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!cond (f, data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* Runs the main context for @ms, whatever happens. */
static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
state_cb (KbSession  *session,
          GParamSpec *pspec,
          Fixture    *f)
{
  KbSessionState state = kb_session_get_state (session);

  g_array_append_val (f->states, state);
}

static void
locked_cb (KbSession  *session,
           const char *reason,
           Fixture    *f)
{
  /* The signal comes after the state changed: nothing is shown any more. */
  g_assert_cmpint (kb_session_get_state (session), !=, KB_SESSION_UNLOCKED);
  g_ptr_array_add (f->lock_reasons, g_strdup (reason));
}

static void
unlocked_cb (KbSession *session,
             Fixture   *f)
{
  g_assert_cmpint (kb_session_get_state (session), ==, KB_SESSION_UNLOCKED);
  f->n_unlocked++;
}

static void
usage_changed_cb (KbSession *session,
                  Fixture   *f)
{
  f->n_usage_changed++;
}

static gboolean
usage_changed (Fixture       *f,
               gconstpointer  data)
{
  return f->n_usage_changed >= GPOINTER_TO_UINT (data);
}

static gboolean
store_opened (Fixture       *f,
              gconstpointer  data)
{
  return *(const int *) data != 0;
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  int *opened = user_data;

  kb_store_open_finish (KB_STORE (source), result, &error);
  g_assert_no_error (error);
  *opened = 1;
}

static gboolean
in_state (Fixture       *f,
          gconstpointer  data)
{
  return (int) kb_session_get_state (f->session) == GPOINTER_TO_INT (data);
}

static void
wait_state (Fixture        *f,
            KbSessionState  state)
{
  if (!wait_for (f, in_state, GINT_TO_POINTER (state), TIMEOUT_MS))
    g_error ("session state %d (\"%s\"), expected %d",
             kb_session_get_state (f->session),
             kb_session_get_message (f->session) != NULL
             ? kb_session_get_message (f->session) : "", state);
}

/* Opens the database in a new store, with a new monitor and session, as the
 * application does when it starts. */
static void
start_session (Fixture *f)
{
  int opened = 0;

  f->store = kb_store_new (f->path);
  kb_store_open_async (f->store, FALSE, NULL, opened_cb, &opened);
  g_assert_true (wait_for (f, store_opened, &opened, TIMEOUT_MS));

  f->monitor = kb_card_monitor_new (TRUE);
  f->session = kb_session_new (f->store, f->monitor,
                               f->terminal != NULL ? f->terminal : TERMINAL);
  g_signal_connect (f->session, "notify::state", G_CALLBACK (state_cb), f);
  g_signal_connect (f->session, "usage-changed", G_CALLBACK (usage_changed_cb), f);
  g_signal_connect (f->session, "locked", G_CALLBACK (locked_cb), f);
  g_signal_connect (f->session, "unlocked", G_CALLBACK (unlocked_cb), f);
  kb_session_start (f->session);
  wait_state (f, KB_SESSION_INSERT_CARD);
}

/* Ends the session as the application does when it quits, and checks that
 * nothing holds on to it. */
static void
stop_session (Fixture *f)
{
  /* Cards still in are reported removed (and lock), then the store runs
   * what was queued, the journal included, and stops. */
  kb_card_monitor_stop (f->monitor);
  kb_store_close (f->store);
  /* Results and events already posted hold references until dispatched. */
  spin (50);

  g_assert_finalize_object (g_steal_pointer (&f->session));
  spin (20);
  g_assert_finalize_object (g_steal_pointer (&f->monitor));
  g_assert_finalize_object (g_steal_pointer (&f->store));
}

static gint64
journal_head (Fixture *f)
{
  sqlite3_stmt *stmt;
  gint64 head = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (f->reader),
                                       "SELECT coalesce (max (seq), 0) FROM journal", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    head = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return head;
}

/* Returns: whether a pcscd other than ours serves the one socket: while
 * ours is down (killed by a test), another one (the UI tests') may start. */
static gboolean
other_pcscd_running (void)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  gboolean served;
  int fd;

  if (kb_pcscd_harness_is_running (harness))
    return FALSE;
  g_strlcpy (address.sun_path, "/run/pcscd/pcscd.comm", sizeof address.sun_path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  served = connect (fd, (struct sockaddr *) &address, sizeof address) == 0;
  close (fd);
  return served;
}

/* Another pcscd (the UI tests') may serve the socket: wait for it to go,
 * never kill it. */
static gboolean
restart_harness (GError **error)
{
  const char *env = g_getenv ("KB_PCSCD_BUSY_WAIT");
  guint wait_s = env != NULL ? g_ascii_strtoull (env, NULL, 10) : DEFAULT_BUSY_WAIT_S;

  return kb_pcscd_harness_start_when_free (harness, wait_s, error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = NULL;

  f->states = g_array_new (FALSE, FALSE, sizeof (KbSessionState));
  f->lock_reasons = g_ptr_array_new_with_free_func (g_free);
  f->fakes = g_ptr_array_new_with_free_func ((GDestroyNotify) kb_fake_card_free);

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      f->skipped = TRUE;
      return;
    }
  if (harness_error != NULL)
    {
      g_test_fail_printf ("the private pcscd did not start: %s", harness_error);
      f->skipped = TRUE;
      return;
    }

  /* An earlier test may have killed it and failed before restarting. */
  if (!kb_pcscd_harness_is_running (harness))
    {
      restart_harness (&error);
      g_assert_no_error (error);
    }

  f->dir = g_dir_make_tmp ("kanribo-session-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kanribo.db", NULL);
  db = kb_db_open (f->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  kb_demo_seed (db, &error);
  g_assert_no_error (error);
  g_clear_pointer (&db, kb_db_close);

  f->reader = kb_db_open (f->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);

  start_session (f);
  g_array_set_size (f->states, 0);
  f->mark = journal_head (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->session != NULL)
    stop_session (f);

  /* Every lock and sign-in is written by now: the journal holds. */
  if (f->reader != NULL)
    {
      g_autoptr(GError) error = NULL;
      KbVerifyReport report = { 0 };

      g_assert_true (kb_journal_verify (f->reader, NULL, NULL, NULL, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpint (report.bad_seq, ==, 0);
      g_assert_null (report.bad_entity);
      g_assert_true (report.anchor_found);
      g_assert_cmpint (report.head_seq, ==, journal_head (f));
      kb_verify_report_clear (&report);
      g_clear_pointer (&f->reader, kb_db_close);
    }

  g_ptr_array_unref (f->fakes);
  g_ptr_array_unref (f->lock_reasons);
  g_array_unref (f->states);

  /* The next test starts with empty readers, as pcscd sees them. */
  if (!f->skipped && kb_pcscd_harness_is_running (harness))
    {
      g_assert_true (kb_pcscd_harness_wait_empty (harness, 0, TIMEOUT_MS));
      g_assert_true (kb_pcscd_harness_wait_empty (harness, 1, TIMEOUT_MS));
    }

  if (f->dir != NULL)
    remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* --- cards and operators ------------------------------------------------------ */

static KbFakeCard *
demo_card (Fixture    *f,
           const char *staff)
{
  guint8 uid[7];
  KbFakeCard *fake;

  kb_demo_card_uid (staff, uid);
  fake = kb_fake_card_new (kb_pcscd_harness_get_port (harness), uid, sizeof uid, NULL, 0);
  g_ptr_array_add (f->fakes, fake);
  return fake;
}

static void
insert (KbFakeCard *fake)
{
  g_autoptr(GError) error = NULL;

  kb_fake_card_insert (fake, &error);
  g_assert_no_error (error);
}

static void
assert_operator (Fixture    *f,
                 const char *staff)
{
  KbOperator *op = kb_session_get_operator (f->session);

  g_assert_nonnull (op);
  g_assert_cmpstr (kb_operator_get_staff_number (op), ==, staff);
}

/* Inserts @staff's card and waits for the password question. */
static KbFakeCard *
insert_for_password (Fixture    *f,
                     const char *staff)
{
  KbFakeCard *fake = demo_card (f, staff);

  insert (fake);
  wait_state (f, KB_SESSION_PASSWORD);
  assert_operator (f, staff);
  return fake;
}

static KbFakeCard *
sign_in (Fixture    *f,
         const char *staff)
{
  KbFakeCard *fake = insert_for_password (f, staff);

  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_VERIFYING);
  wait_state (f, KB_SESSION_UNLOCKED);
  assert_operator (f, staff);
  return fake;
}

static gboolean
was_in_state (Fixture        *f,
              KbSessionState  state)
{
  for (guint i = 0; i < f->states->len; i++)
    if (g_array_index (f->states, KbSessionState, i) == state)
      return TRUE;
  return FALSE;
}

static gint64
query_int (Fixture    *f,
           const char *sql,
           const char *arg)
{
  sqlite3_stmt *stmt;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (f->reader), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gint64
operator_id (Fixture    *f,
             const char *staff)
{
  gint64 id = query_int (f, "SELECT id FROM operators WHERE staff_number = ?1", staff);

  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
card_id (Fixture    *f,
         const char *staff)
{
  gint64 id = query_int (f, "SELECT c.id FROM cards c JOIN operators o ON o.id = c.operator_id"
                            " WHERE o.staff_number = ?1 ORDER BY c.id DESC LIMIT 1", staff);

  g_assert_cmpint (id, >, 0);
  return id;
}

/* --- the journal ---------------------------------------------------------------- */

typedef struct {
  gint64      seq;
  char       *kind;
  char       *entity;
  gint64      entity_id;
  GHashTable *detail;
  GPtrArray  *detail_keys;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->kind);
  g_free (entry->entity);
  g_clear_pointer (&entry->detail, g_hash_table_unref);
  g_clear_pointer (&entry->detail_keys, g_ptr_array_unref);
  g_free (entry);
}

/* Returns: the entries written since the test began, oldest first. */
static GPtrArray *
journal_since_mark (Fixture *f)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (f->reader),
                                       "SELECT seq, kind, entity, entity_id, detail FROM journal"
                                       " WHERE seq > ?1 ORDER BY seq", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, f->mark);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Entry *entry = g_new0 (Entry, 1);
      const char *detail = (const char *) sqlite3_column_text (stmt, 4);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->entity = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->entity_id = sqlite3_column_int64 (stmt, 3);
      if (detail != NULL)
        {
          entry->detail = kb_canon_parse (detail, &entry->detail_keys);
          g_assert_nonnull (entry->detail);
        }
      g_ptr_array_add (entries, entry);
    }
  sqlite3_finalize (stmt);
  return entries;
}

static guint
count_kind (GPtrArray  *entries,
            const char *kind)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    n += g_str_equal (((Entry *) g_ptr_array_index (entries, i))->kind, kind);
  return n;
}

static gboolean
journal_has_kind (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = journal_since_mark (f);

  return count_kind (entries, data) > 0;
}

static char *
describe_journal (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      g_string_append_printf (out, "[%" G_GINT64_FORMAT " %s]", entry->seq, entry->kind);
      for (guint k = 0; entry->detail_keys != NULL && k < entry->detail_keys->len; k++)
        {
          const char *key = g_ptr_array_index (entry->detail_keys, k);

          g_string_append_printf (out, " %s=%s", key,
                                  (const char *) g_hash_table_lookup (entry->detail, key));
        }
      g_string_append_c (out, ' ');
    }
  return g_string_free (out, FALSE);
}

/* Waits until an entry of @kind has been written since the test began, and
 * returns the entries. */
static GPtrArray *
wait_journal (Fixture    *f,
              const char *kind)
{
  if (!wait_for (f, journal_has_kind, kind, TIMEOUT_MS))
    {
      g_autoptr(GPtrArray) entries = journal_since_mark (f);
      g_autofree char *text = describe_journal (entries);

      g_error ("no \"%s\" in the journal within %u ms; since the test began: %s", kind,
               TIMEOUT_MS, text);
    }
  return journal_since_mark (f);
}

/* Returns: (transfer none): the only (or last) entry of @kind. */
static Entry *
find_entry (GPtrArray  *entries,
            const char *kind)
{
  for (guint i = entries->len; i > 0; i--)
    {
      Entry *entry = g_ptr_array_index (entries, i - 1);

      if (g_str_equal (entry->kind, kind))
        return entry;
    }
  g_error ("no \"%s\" in the journal", kind);
}

static const char *
detail (Entry      *entry,
        const char *key)
{
  g_assert_nonnull (entry->detail);
  return g_hash_table_lookup (entry->detail, key);
}

static void
assert_detail_keys (Entry      *entry,
                    const char *first_key,
                    ...) G_GNUC_NULL_TERMINATED;

/* The entry's detail has exactly these keys, in this order. */
static void
assert_detail_keys (Entry      *entry,
                    const char *first_key,
                    ...)
{
  va_list args;
  guint i = 0;

  g_assert_nonnull (entry->detail_keys);
  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, entry->detail_keys->len);
      g_assert_cmpstr (g_ptr_array_index (entry->detail_keys, i), ==, key);
    }
  va_end (args);
  g_assert_cmpuint (entry->detail_keys->len, ==, i);
}

/* --- tests ------------------------------------------------------------------- */

static void
test_insert_asks_password (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;

  if (f->skipped)
    return;

  insert_for_password (f, "N1003");
  g_assert_null (kb_session_get_field_error (f->session, KB_FIELD_PASSWORD));
  g_assert_null (kb_session_get_message (f->session));
  g_assert_true (kb_session_get_card_present (f->session));
  /* Looked up first; nothing shown of any register, nothing journaled. */
  g_assert_true (was_in_state (f, KB_SESSION_CHECKING_CARD));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));
  g_assert_false (kb_session_has_role (f->session, KB_ROLE_OPERATOR));
  entries = journal_since_mark (f);
  g_assert_cmpuint (entries->len, ==, 0);

  /* Another operator's card after this one: their name. */
  kb_fake_card_remove (g_ptr_array_index (f->fakes, 0));
  wait_state (f, KB_SESSION_INSERT_CARD);
  g_assert_null (kb_session_get_operator (f->session));
  insert_for_password (f, "N2001");
}

static void
test_unlock (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *card = NULL;
  Entry *entry;

  if (f->skipped)
    return;

  sign_in (f, "N1003");
  g_assert_cmpuint (f->n_unlocked, ==, 1);
  g_assert_cmpuint (f->lock_reasons->len, ==, 0);
  g_assert_true (kb_session_has_role (f->session, KB_ROLE_OPERATOR));
  g_assert_false (kb_session_has_role (f->session, KB_ROLE_SECURITY_OFFICER));

  /* The sign-in, then the usage entry it opens (queued after it). */
  g_assert_true (wait_for (f, usage_changed, GUINT_TO_POINTER (1), TIMEOUT_MS));
  entries = wait_journal (f, "session.unlock");
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((Entry *) g_ptr_array_index (entries, 1))->kind, ==, "usage.open");
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->kind, ==, "session.unlock");
  g_assert_cmpstr (entry->entity, ==, "credential");
  g_assert_cmpint (entry->entity_id, ==, operator_id (f, "N1003"));
  card = g_strdup_printf ("%" G_GINT64_FORMAT, card_id (f, "N1003"));
  assert_detail_keys (entry, "card", NULL);
  g_assert_cmpstr (detail (entry, "card"), ==, card);
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  const char *field_error;
  Entry *entry;

  if (f->skipped)
    return;

  insert_for_password (f, "N1003");
  kb_session_submit_password (f->session, "not-the-password-1");
  wait_state (f, KB_SESSION_PASSWORD);

  /* Asked again, the same operator, with the attempts left at the field. */
  assert_operator (f, "N1003");
  field_error = kb_session_get_field_error (f->session, KB_FIELD_PASSWORD);
  g_assert_nonnull (field_error);
  g_assert_nonnull (strstr (field_error, "4 attempts left"));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));
  g_assert_cmpuint (f->n_unlocked, ==, 0);

  entries = wait_journal (f, "signin.failed");
  g_assert_cmpuint (entries->len, ==, 1);
  entry = find_entry (entries, "signin.failed");
  g_assert_cmpstr (entry->entity, ==, "credential");
  g_assert_cmpint (entry->entity_id, ==, operator_id (f, "N1003"));
  assert_detail_keys (entry, "card", "failed", NULL);
  g_assert_cmpstr (detail (entry, "failed"), ==, "1");
  g_assert_cmpint (query_int (f, "SELECT failed_attempts FROM credentials c JOIN operators o"
                                 " ON o.id = c.id WHERE o.staff_number = ?1", "N1003"), ==, 1);

  /* The right one then unlocks, and the count starts again. */
  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  g_assert_null (kb_session_get_field_error (f->session, KB_FIELD_PASSWORD));
  wait_state (f, KB_SESSION_UNLOCKED);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = wait_journal (f, "session.unlock");
  g_assert_cmpint (query_int (f, "SELECT failed_attempts FROM credentials c JOIN operators o"
                                 " ON o.id = c.id WHERE o.staff_number = ?1", "N1003"), ==, 0);
}

/* Cards that may not sign in. */
typedef struct {
  const char    *staff;         /* NULL: a card nobody issued */
  const char    *card_status;   /* set through the database first, or NULL */
  gboolean       retire;        /* retire the operator first */
  KbCardVerdict  verdict;
  const char    *reason;        /* in the journal */
} RefusedCase;

static const RefusedCase refused_unknown = {
  NULL, NULL, FALSE, KB_CARD_VERDICT_UNKNOWN, "unknown-card"
};
static const RefusedCase refused_revoked = {
  "N1003", "revoked", FALSE, KB_CARD_VERDICT_REVOKED, "card-revoked"
};
static const RefusedCase refused_lost = {
  "N1004", "lost", FALSE, KB_CARD_VERDICT_LOST, "card-lost"
};
static const RefusedCase refused_retired = {
  "N3003", NULL, TRUE, KB_CARD_VERDICT_OPERATOR_RETIRED, "operator-retired"
};

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  const RefusedCase *tc = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *uid_hex = NULL;
  guint8 uid[7];
  gint64 expected_card = 0;
  KbFakeCard *fake;
  Entry *entry;

  if (f->skipped)
    return;

  if (tc->staff != NULL)
    {
      kb_demo_card_uid (tc->staff, uid);
      expected_card = card_id (f, tc->staff);
    }
  else
    {
      for (guint i = 0; i < sizeof uid; i++)
        uid[i] = g_random_int_range (0, 256);
    }

  /* A security officer's change, made elsewhere (the command line) while
   * this terminal runs: as "system", through a connection of its own. */
  if (tc->card_status != NULL || tc->retire)
    {
      g_autoptr(KbDb) db = kb_db_open (f->path, KB_DB_OPEN_DEFAULT, &error);

      g_assert_no_error (error);
      if (tc->card_status != NULL)
        kb_cards_set_status (db, expected_card, tc->card_status, "テストのため", &error);
      else
        kb_admin_set_active (db, "operator", operator_id (f, tc->staff), FALSE, "退職",
                             &error);
      g_assert_no_error (error);
      g_clear_pointer (&db, kb_db_close);
      f->mark = journal_head (f);
    }

  fake = kb_fake_card_new (kb_pcscd_harness_get_port (harness), uid, sizeof uid, NULL, 0);
  g_ptr_array_add (f->fakes, fake);
  insert (fake);
  wait_state (f, KB_SESSION_REFUSED);
  g_assert_cmpstr (kb_session_get_message (f->session), ==,
                   kb_card_verdict_message (tc->verdict));
  g_assert_null (kb_session_get_operator (f->session));

  /* Refused cards take no password. */
  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_REFUSED);

  entries = wait_journal (f, "card.refused");
  g_assert_cmpuint (entries->len, ==, 1);
  entry = find_entry (entries, "card.refused");
  if (expected_card != 0)
    {
      g_assert_cmpstr (entry->entity, ==, "card");
      g_assert_cmpint (entry->entity_id, ==, expected_card);
    }
  else
    {
      g_assert_null (entry->entity);
    }

  /* The reason and the start of the salted identity: never the UID, never
   * the whole identity. */
  assert_detail_keys (entry, "reason", "identity", NULL);
  g_assert_cmpstr (detail (entry, "reason"), ==, tc->reason);
  salt = kb_settings_get_card_salt (f->reader, &error);
  g_assert_no_error (error);
  identity = kb_card_identity_compute (g_bytes_get_data (salt, NULL), g_bytes_get_size (salt),
                                       TRUE, uid, sizeof uid);
  g_assert_cmpuint (strlen (detail (entry, "identity")), ==, 16);
  g_assert_true (g_str_has_prefix (identity, detail (entry, "identity")));
  uid_hex = kb_hex_encode (uid, sizeof uid);
  g_assert_null (strstr (detail (entry, "identity"), uid_hex));

  /* Taken out: back to waiting, nothing left over. */
  kb_fake_card_remove (fake);
  wait_state (f, KB_SESSION_INSERT_CARD);
  g_assert_null (kb_session_get_message (f->session));
  g_assert_false (was_in_state (f, KB_SESSION_PASSWORD));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));
}

/* The card is revoked while its holder is asked for the password: the
 * password check reads the card register again and refuses. */
static void
test_revoked_at_password (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(KbDb) db = NULL;
  g_autofree char *card = NULL;
  Entry *entry;

  if (f->skipped)
    return;

  insert_for_password (f, "N1003");
  db = kb_db_open (f->path, KB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  kb_cards_set_status (db, card_id (f, "N1003"), "revoked", "テストのため", &error);
  g_assert_no_error (error);
  g_clear_pointer (&db, kb_db_close);
  f->mark = journal_head (f);

  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  wait_state (f, KB_SESSION_REFUSED);
  g_assert_cmpstr (kb_session_get_message (f->session), ==,
                   kb_card_verdict_message (KB_CARD_VERDICT_REVOKED));
  g_assert_null (kb_session_get_operator (f->session));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));
  g_assert_cmpuint (f->n_unlocked, ==, 0);

  /* Refused, not a wrong password: nothing counted, no unlock written. */
  entries = wait_journal (f, "card.refused");
  g_assert_cmpuint (entries->len, ==, 1);
  entry = find_entry (entries, "card.refused");
  card = g_strdup_printf ("%" G_GINT64_FORMAT, card_id (f, "N1003"));
  g_assert_cmpstr (entry->entity, ==, "card");
  g_assert_cmpstr (detail (entry, "reason"), ==, "card-revoked");
  g_assert_cmpstr (detail (entry, "card"), ==, card);
  g_assert_cmpint (query_int (f, "SELECT failed_attempts FROM credentials c JOIN operators o"
                                 " ON o.id = c.id WHERE o.staff_number = ?1", "N1003"), ==, 0);

  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_REFUSED);
}

/* Sets the training policy as the security officer, through a connection
 * of the test's own. */
static void
set_training_policy (Fixture              *f,
                     KbTrainingPolicyMode  mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) db = kb_db_open (f->path, KB_DB_OPEN_DEFAULT, &error);
  KbTrainingPolicy policy = { mode, 6, 30 };

  g_assert_no_error (error);
  kb_db_set_actor (db, operator_id (f, "N1001"), "JK-01");
  kb_training_set_policy (db, &policy, &error);
  g_assert_no_error (error);
}

static void
test_training_refused (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  const char *message;
  const char *warning;
  KbFakeCard *fake;
  Entry *entry;
  gboolean refused_before_lock = FALSE;

  if (f->skipped)
    return;

  /* N1003 has no training at all: no first use, no fiscal year. */
  set_training_policy (f, KB_TRAINING_POLICY_REFUSE);
  f->mark = journal_head (f);

  fake = insert_for_password (f, "N1003");
  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  wait_state (f, KB_SESSION_REFUSED);
  message = kb_session_get_message (f->session);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "first use"));
  g_assert_nonnull (strstr (message, "ask a trainer or the security officer"));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));
  g_assert_cmpuint (f->n_unlocked, ==, 0);
  g_assert_null (kb_session_get_training_warning (f->session));
  g_assert_null (kb_session_get_field_error (f->session, KB_FIELD_PASSWORD));

  /* Journaled as the operator's, with what is missing; the session the
   * password opened is closed at once; not a wrong password. */
  entries = wait_journal (f, "session.lock");
  entry = find_entry (entries, "signin.training-refused");
  g_assert_cmpstr (entry->entity, ==, "operator");
  g_assert_cmpint (entry->entity_id, ==, operator_id (f, "N1003"));
  g_assert_cmpstr (detail (entry, "missing"), ==, "first-use,fiscal-year");
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      if (g_str_equal (e->kind, "signin.training-refused"))
        refused_before_lock = TRUE;
      if (g_str_equal (e->kind, "session.lock"))
        {
          g_assert_true (refused_before_lock);
          g_assert_cmpstr (detail (e, "reason"), ==, "training-refused");
        }
    }
  g_assert_cmpuint (count_kind (entries, "usage.open"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT failed_attempts FROM credentials c JOIN operators o"
                                 " ON o.id = c.id WHERE o.staff_number = ?1", "N1003"), ==, 0);

  /* Only warned: the same operator signs in, and the warning is there
   * until the session locks. */
  set_training_policy (f, KB_TRAINING_POLICY_WARN);
  kb_fake_card_remove (fake);
  wait_state (f, KB_SESSION_INSERT_CARD);
  insert (fake);
  wait_state (f, KB_SESSION_PASSWORD);
  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  wait_state (f, KB_SESSION_UNLOCKED);
  assert_operator (f, "N1003");
  warning = kb_session_get_training_warning (f->session);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "first use"));

  kb_session_lock (f->session, "manual");
  g_assert_null (kb_session_get_training_warning (f->session));
}

static void
test_lockout_survives_restart (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KbFakeCard *fake;
  Entry *entry;
  gint64 op;

  if (f->skipped)
    return;

  op = operator_id (f, "N1003");

  fake = insert_for_password (f, "N1003");
  for (int attempt = 1; attempt < KB_MAX_FAILED_ATTEMPTS; attempt++)
    {
      int left = KB_MAX_FAILED_ATTEMPTS - attempt;
      g_autofree char *wrong = g_strdup_printf ("not-the-password-%d", attempt);
      g_autofree char *says = g_strdup_printf (left == 1 ? "%d attempt left" : "%d attempts left",
                                               left);

      kb_session_submit_password (f->session, wrong);
      wait_state (f, KB_SESSION_PASSWORD);
      g_assert_nonnull (strstr (kb_session_get_field_error (f->session, KB_FIELD_PASSWORD),
                                says));
    }

  /* The fifth locks the account. */
  kb_session_submit_password (f->session, "not-the-password-5");
  wait_state (f, KB_SESSION_REFUSED);
  g_assert_cmpstr (kb_session_get_message (f->session), ==,
                   kb_card_verdict_message (KB_CARD_VERDICT_LOCKED_OUT));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));

  /* Even the right password is not asked for any more. */
  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_REFUSED);

  entries = wait_journal (f, "signin.locked-out");
  g_assert_cmpuint (count_kind (entries, "signin.failed"), ==, KB_MAX_FAILED_ATTEMPTS - 1);
  g_assert_cmpuint (count_kind (entries, "signin.locked-out"), ==, 1);
  g_assert_cmpuint (entries->len, ==, KB_MAX_FAILED_ATTEMPTS);
  entry = find_entry (entries, "signin.locked-out");
  g_assert_cmpint (entry->entity_id, ==, op);
  g_assert_cmpstr (detail (entry, "failed"), ==, "5");
  g_assert_cmpint (query_int (f, "SELECT locked FROM credentials c JOIN operators o"
                                 " ON o.id = c.id WHERE o.staff_number = ?1", "N1003"), ==, 1);

  /* Quit and start again: the count was committed, not kept in memory. */
  kb_fake_card_remove (fake);
  wait_state (f, KB_SESSION_INSERT_CARD);
  stop_session (f);
  start_session (f);
  g_array_set_size (f->states, 0);
  f->mark = journal_head (f);

  insert (fake);
  wait_state (f, KB_SESSION_REFUSED);
  g_assert_cmpstr (kb_session_get_message (f->session), ==,
                   kb_card_verdict_message (KB_CARD_VERDICT_LOCKED_OUT));
  g_assert_false (was_in_state (f, KB_SESSION_PASSWORD));

  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = wait_journal (f, "card.refused");
  entry = find_entry (entries, "card.refused");
  g_assert_cmpstr (detail (entry, "reason"), ==, "locked-out");
  g_assert_cmpstr (entry->entity, ==, "card");
  g_assert_cmpint (entry->entity_id, ==, card_id (f, "N1003"));
}

static gboolean
not_unlocked (Fixture       *f,
              gconstpointer  data)
{
  return kb_session_get_state (f->session) != KB_SESSION_UNLOCKED;
}

static void
test_service_lost (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KbFakeCard *fake;
  gint64 killed, left;
  Entry *entry;

  if (f->skipped)
    return;

  fake = sign_in (f, "N1003");
  g_array_set_size (f->states, 0);

  killed = g_get_monotonic_time ();
  kb_pcscd_harness_kill (harness);
  g_assert_true (wait_for (f, not_unlocked, NULL, TIMEOUT_MS));
  left = g_get_monotonic_time ();
  g_test_message ("pcscd killed: the session left UNLOCKED after %.1f ms",
                  (left - killed) / 1000.0);
  /* At once: pcscd's socket closes with it, nothing waits for a poll. */
  g_assert_cmpint (left - killed, <, 250 * G_TIME_SPAN_MILLISECOND);

  wait_state (f, KB_SESSION_NO_SERVICE);
  g_assert_nonnull (kb_session_get_message (f->session));
  g_assert_null (kb_session_get_operator (f->session));
  g_assert_cmpuint (f->lock_reasons->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->lock_reasons, 0), ==,
                   kb_session_get_lock_reason (f->session));

  entries = wait_journal (f, "session.lock");
  entry = find_entry (entries, "session.lock");
  g_assert_cmpstr (entry->entity, ==, "operator");
  g_assert_cmpint (entry->entity_id, ==, operator_id (f, "N1003"));
  assert_detail_keys (entry, "reason", NULL);
  g_assert_cmpstr (detail (entry, "reason"), ==, kb_session_get_lock_reason (f->session));

  /* The monitor reports the lost service already with the card's removal,
   * so the lock says why and the lock page goes straight to "no service". */
  g_assert_cmpstr (detail (entry, "reason"), ==, "service-lost");
  g_assert_cmpint (g_array_index (f->states, KbSessionState, 0), ==, KB_SESSION_NO_SERVICE);

  /* Still no service after a retry (every 500 ms): they fail quietly.
   * Kept short: while ours is down, another pcscd may take the socket, and
   * the session would rightly follow that one. */
  spin (600);
  if (other_pcscd_running ())
    {
      g_test_skip ("another pcscd took the socket while ours was down");
      return;
    }
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_NO_SERVICE);

  /* pcscd comes back: the session finds it by itself. */
  restart_harness (&error);
  g_assert_no_error (error);
  wait_state (f, KB_SESSION_INSERT_CARD);
  g_assert_null (kb_session_get_message (f->session));

  /* The card went with the driver; put it back in. */
  g_assert_false (kb_fake_card_is_inserted (fake));
  insert (fake);
  wait_state (f, KB_SESSION_PASSWORD);
  assert_operator (f, "N1003");
  g_assert_cmpuint (f->n_unlocked, ==, 1);
}

static void
test_swap (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KbFakeCard *card_a, *card_b;
  gint64 removed;
  Entry *entry;

  if (f->skipped)
    return;

  card_a = sign_in (f, "N1003");
  card_b = demo_card (f, "N1004");
  g_array_set_size (f->states, 0);

  /* Someone else's card within a few milliseconds of the first leaving. */
  kb_fake_card_remove (card_a);
  removed = kb_fake_card_get_removed_time (card_a);
  insert (card_b);
  g_assert_cmpint (g_get_monotonic_time () - removed, <, 50 * G_TIME_SPAN_MILLISECOND);

  g_assert_true (wait_for (f, not_unlocked, NULL, TIMEOUT_MS));
  wait_state (f, KB_SESSION_PASSWORD);
  assert_operator (f, "N1004");
  g_assert_cmpuint (f->lock_reasons->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->lock_reasons, 0), ==, "card-removed");
  g_assert_cmpstr (kb_session_get_lock_reason (f->session), ==, "card-removed");
  /* N1003's session is over: no role shows through. */
  g_assert_false (kb_session_has_role (f->session, KB_ROLE_OPERATOR));
  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));

  entries = wait_journal (f, "session.lock");
  entry = find_entry (entries, "session.lock");
  g_assert_cmpint (entry->entity_id, ==, operator_id (f, "N1003"));
  g_assert_cmpstr (detail (entry, "reason"), ==, "card-removed");
  g_assert_cmpuint (count_kind (entries, "session.unlock"), ==, 1);
  g_assert_cmpuint (count_kind (entries, "session.lock"), ==, 1);
}

/* A job that holds the store's thread until released, so that the
 * password check queued behind it finishes only after the card left. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean started;
  gboolean released;
} Gate;

static gpointer
gate_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->started = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  return GINT_TO_POINTER (TRUE);
}

static void
gate_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  kb_store_run_finish (KB_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
gate_release (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static void
test_late_password (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  Gate gate = { 0 };
  KbFakeCard *fake;
  Entry *unlock, *lock;
  gint64 op;

  if (f->skipped)
    return;

  op = operator_id (f, "N1003");

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);

  fake = insert_for_password (f, "N1003");
  kb_store_run_async (f->store, NULL, gate_job, &gate, NULL, NULL, NULL, gate_done_cb, NULL);
  g_mutex_lock (&gate.lock);
  while (!gate.started)
    g_cond_wait (&gate.cond, &gate.lock);
  g_mutex_unlock (&gate.lock);

  /* The right password, and the card out right after. */
  kb_session_submit_password (f->session, KB_DEMO_PASSWORD);
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_VERIFYING);
  kb_fake_card_remove (fake);
  wait_state (f, KB_SESSION_INSERT_CARD);
  g_assert_null (kb_session_get_operator (f->session));

  /* Now the check runs, and succeeds: too late. */
  gate_release (&gate);
  entries = wait_journal (f, "session.lock");
  spin (100);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = journal_since_mark (f);

  g_assert_false (was_in_state (f, KB_SESSION_UNLOCKED));
  g_assert_cmpuint (f->n_unlocked, ==, 0);
  g_assert_cmpint (kb_session_get_state (f->session), ==, KB_SESSION_INSERT_CARD);
  g_assert_null (kb_session_get_operator (f->session));

  /* The unlock that happened in the database is closed at once. */
  {
    g_autofree char *text = describe_journal (entries);

    g_test_message ("journal: %s", text);
  }
  g_assert_cmpuint (entries->len, ==, 2);
  unlock = g_ptr_array_index (entries, 0);
  lock = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (unlock->kind, ==, "session.unlock");
  g_assert_cmpint (unlock->entity_id, ==, op);
  g_assert_cmpstr (lock->kind, ==, "session.lock");
  g_assert_cmpint (lock->seq, ==, unlock->seq + 1);
  g_assert_cmpstr (lock->entity, ==, "operator");
  g_assert_cmpint (lock->entity_id, ==, op);
  g_assert_cmpstr (detail (lock, "reason"), ==, "card-removed");

  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

/* --- the usage register ------------------------------------------------------- */

static gint64
open_usage (Fixture    *f,
            const char *staff)
{
  return query_int (f, "SELECT count (*) FROM usage u JOIN operators o ON o.id = u.operator_id"
                       " JOIN terminals t ON t.id = u.terminal_id"
                       " WHERE o.staff_number = ?1 AND t.code = 'JK-01' AND u.ended_at IS NULL",
                    staff);
}

/* Unlocking at a registered terminal opens the operator's usage entry
 * there; the card leaving closes it, in the lock's transaction. */
static void
test_usage_sitting (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *sql = NULL;
  KbFakeCard *fake;
  Entry *open, *close, *lock;
  gint64 op, id;

  if (f->skipped)
    return;

  op = operator_id (f, "N1003");
  fake = sign_in (f, "N1003");
  g_assert_true (wait_for (f, usage_changed, GUINT_TO_POINTER (1), TIMEOUT_MS));
  g_assert_null (kb_session_get_usage_error (f->session));

  g_assert_cmpint (open_usage (f, "N1003"), ==, 1);
  id = query_int (f, "SELECT max (id) FROM usage", NULL);
  g_assert_cmpint (query_int (f, "SELECT operator_id FROM usage WHERE id = (SELECT max (id)"
                                 " FROM usage)", NULL), ==, op);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM usage", NULL), ==, 1);
  entries = journal_since_mark (f);
  g_assert_cmpuint (count_kind (entries, "usage.open"), ==, 1);
  open = find_entry (entries, "usage.open");
  g_assert_cmpstr (open->entity, ==, "usage");
  g_assert_cmpint (open->entity_id, ==, id);
  g_assert_cmpint (open->seq, >, find_entry (entries, "session.unlock")->seq);
  g_clear_pointer (&entries, g_ptr_array_unref);

  kb_fake_card_remove (fake);
  wait_state (f, KB_SESSION_INSERT_CARD);
  entries = wait_journal (f, "usage.close");
  close = find_entry (entries, "usage.close");
  g_assert_cmpint (close->entity_id, ==, id);
  assert_detail_keys (close, "reason", NULL);
  g_assert_cmpstr (detail (close, "reason"), ==, "card-removed");
  g_assert_cmpuint (count_kind (entries, "usage.close"), ==, 1);
  /* Closed as part of the lock, just before it is journaled. */
  lock = find_entry (entries, "session.lock");
  g_assert_cmpint (lock->seq, ==, close->seq + 1);

  g_assert_cmpint (open_usage (f, "N1003"), ==, 0);
  sql = g_strdup_printf ("SELECT count (*) FROM usage WHERE id = %" G_GINT64_FORMAT
                         " AND ended_at IS NOT NULL AND ended_at >= started_at", id);
  g_assert_cmpint (query_int (f, sql, NULL), ==, 1);
}

/* At a terminal the register does not know, the session works but says
 * why nothing is recorded, and nothing is. */
static void
test_usage_unregistered_terminal (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  KbFakeCard *fake;

  if (f->skipped)
    return;

  stop_session (f);
  f->terminal = "JK-99";
  f->n_usage_changed = 0;
  start_session (f);
  g_array_set_size (f->states, 0);
  f->mark = journal_head (f);

  fake = sign_in (f, "N1003");
  g_assert_true (wait_for (f, usage_changed, GUINT_TO_POINTER (1), TIMEOUT_MS));
  g_assert_nonnull (kb_session_get_usage_error (f->session));
  g_assert_nonnull (strstr (kb_session_get_usage_error (f->session), "JK-99"));
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM usage", NULL), ==, 0);

  kb_fake_card_remove (fake);
  wait_state (f, KB_SESSION_INSERT_CARD);
  entries = wait_journal (f, "session.lock");
  g_assert_cmpuint (count_kind (entries, "session.unlock"), ==, 1);
  g_assert_cmpuint (count_kind (entries, "usage.open"), ==, 0);
  g_assert_cmpuint (count_kind (entries, "usage.close"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM usage", NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  const char *port_env = g_getenv ("KB_SESSION_TEST_PORT");
  guint16 port = port_env != NULL ? (guint16) g_ascii_strtoull (port_env, NULL, 10) : DEFAULT_PORT;
  int status;

  g_test_init (&argc, &argv, NULL);

  harness = kb_pcscd_harness_new (port, &error);
  if (harness != NULL)
    restart_harness (&error);
  if (error != NULL && kb_pcscd_harness_error_is_skip (error))
    skip_reason = g_strdup_printf ("no private pcscd: %s", error->message);
  else if (error != NULL)
    harness_error = g_strdup (error->message);

  g_test_add ("/session/insert-asks-password", Fixture, NULL,
              fixture_setup, test_insert_asks_password, fixture_teardown);
  g_test_add ("/session/unlock", Fixture, NULL, fixture_setup, test_unlock, fixture_teardown);
  g_test_add ("/session/wrong-password", Fixture, NULL,
              fixture_setup, test_wrong_password, fixture_teardown);
  g_test_add ("/session/refused/unknown-card", Fixture, &refused_unknown,
              fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/session/refused/revoked-card", Fixture, &refused_revoked,
              fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/session/refused/lost-card", Fixture, &refused_lost,
              fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/session/refused/retired-operator", Fixture, &refused_retired,
              fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/session/revoked-at-password", Fixture, NULL,
              fixture_setup, test_revoked_at_password, fixture_teardown);
  g_test_add ("/session/training-refused", Fixture, NULL,
              fixture_setup, test_training_refused, fixture_teardown);
  g_test_add ("/session/lockout-survives-restart", Fixture, NULL,
              fixture_setup, test_lockout_survives_restart, fixture_teardown);
  g_test_add ("/session/service-lost", Fixture, NULL,
              fixture_setup, test_service_lost, fixture_teardown);
  g_test_add ("/session/swap", Fixture, NULL, fixture_setup, test_swap, fixture_teardown);
  g_test_add ("/session/late-password", Fixture, NULL,
              fixture_setup, test_late_password, fixture_teardown);
  g_test_add ("/session/usage/sitting", Fixture, NULL,
              fixture_setup, test_usage_sitting, fixture_teardown);
  g_test_add ("/session/usage/unregistered-terminal", Fixture, NULL,
              fixture_setup, test_usage_unregistered_terminal, fixture_teardown);

  status = g_test_run ();

  g_clear_pointer (&harness, kb_pcscd_harness_free);
  g_free (skip_reason);
  g_free (harness_error);

  return status;
}
