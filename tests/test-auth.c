/* test-auth.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in: Argon2id password hashes, the password policy, wrong
 * passwords and lock-outs, cards at the lock screen, the card register and
 * the first start. Every change must leave the journal intact, and the
 * journal must never hold a password or a password hash.
 *
 * Argon2id with the real parameters takes about a quarter of a second per
 * hash or check, so these tests use them sparingly: about fifty in all.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-auth.h"
#include "kb-canon.h"
#include "kb-crypto.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-password.h"
#include "kb-settings.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>

#include <gcrypt.h>

typedef KbTestFixture Fixture;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbCardCheck, kb_card_check_free)

/* The passwords these tests use; none of them may ever reach the journal. */
#define WRONG_PASSWORD   "kanribo-demO"
#define TEMP_PASSWORD    "Temporary-2026"
#define NEW_PASSWORD     "新しい-Password-7"
#define OFFICER_PASSWORD "Officer-Passw0rd"
#define ROUND_PASSWORD   "correct horse battery staple 7"

/* A known answer, computed once with the Argon2 reference implementation
 * (Debian's argon2 0~20171227, the `argon2` command):
 *   printf '%s' '管理簿のパスワード-2026' |
 *     argon2 kanribo-kat-salt -id -t 3 -k 65536 -p 4 -l 32 -e
 * These are today's parameters, so kb_password_hash() would write the same
 * string given this salt. */
#define KAT_PASSWORD "管理簿のパスワード-2026"
#define KAT_SALT "a2Fucmliby1rYXQtc2FsdA"    /* "kanribo-kat-salt" */
#define KAT_HASH \
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$3maEUnPrvx6VCQW4wqHSM5gDn7IXwHvQB2+F/yDGpic"

/* The demo password with weaker parameters (m=8192), the same way. */
#define WEAK_DEMO_HASH \
  "$argon2id$v=19$m=8192,t=3,p=4$" KAT_SALT "$H5kGL421VSSFxFpijtlOz30BHOFbSf9iwNLkyKcIoEE"

static const char * const secrets[] = {
  KB_DEMO_PASSWORD, WRONG_PASSWORD, TEMP_PASSWORD, NEW_PASSWORD, OFFICER_PASSWORD,
  ROUND_PASSWORD, KAT_PASSWORD,
};

/* The demo's ATR, for cards of our own. */
#define ATR "3b8f8001804f0ca000000306030001000000006a"

/* Demo operators by id: 1 the security officer, 2 a supervisor, 3–5 clerks
 * of the same division, 6 the network administrator, 8 an auditor. The
 * demo issues card n to operator n. */
#define OFFICER 1
#define SUPERVISOR 2
#define CLERK 3

/* --- helpers -------------------------------------------------------------- */

static KbDb *
open_ok (const char    *path,
         KbDbOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  KbDb *db = kb_db_open (path, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static void
setup_new (Fixture       *fixture,
           gconstpointer  data)
{
  kb_test_fixture_setup (fixture, data);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
}

static void
setup_demo (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  setup_new (fixture, data);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, KB_TEST_DEMO_ENTRIES);
}

/* The identity of a card whose UID is made from @label the way the demo
 * makes its cards': demo_identity (db, "N1003") is the demo card of N1003,
 * any other label a card no one has. */
static char *
card_identity (KbDb       *db,
               const char *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = kb_settings_get_card_salt (db, &error);
  guint8 uid[7];

  g_assert_no_error (error);
  kb_demo_card_uid (label, uid);
  return kb_card_identity_compute (g_bytes_get_data (salt, NULL), g_bytes_get_size (salt), TRUE,
                                   uid, sizeof uid);
}

static KbCardCheck *
check_card (KbDb       *db,
            const char *identity)
{
  g_autoptr(GError) error = NULL;
  KbCardCheck *check = kb_auth_check_card (db, identity, &error);

  g_assert_no_error (error);
  g_assert_nonnull (check);
  return check;
}

static KbCardCheck *
check_demo_card (KbDb       *db,
                 const char *staff_number)
{
  g_autofree char *identity = card_identity (db, staff_number);

  return check_card (db, identity);
}

static KbSigninResult
sign_in (KbDb       *db,
         gint64      operator_id,
         gint64      card_id,
         const char *password,
         int        *attempts_left,
         gboolean   *must_change)
{
  g_autoptr(GError) error = NULL;
  KbSigninResult result;

  result = kb_auth_sign_in (db, operator_id, card_id, password, attempts_left, must_change,
                            &error);
  g_assert_no_error (error);
  return result;
}

static gint64
query_int (KbDb       *db,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static gint64
query_int (KbDb       *db,
           const char *format,
           ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return kb_test_count (db, sql);
}

static char *
query_text (KbDb       *db,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static char *
query_text (KbDb       *db,
            const char *format,
            ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return kb_test_raw_text (kb_db_get_handle (db), sql);
}

static gint64
credential_int (KbDb       *db,
                gint64      id,
                const char *column)
{
  return query_int (db, "SELECT %s FROM credentials WHERE id = %" G_GINT64_FORMAT, column, id);
}

static gint64
journal_head (KbDb *db)
{
  return kb_test_count (db, "SELECT ifnull (max (seq), 0) FROM journal");
}

/* The kinds of the entries after @seq, in order. */
static char *
kinds_since (KbDb   *db,
             gint64  seq)
{
  return query_text (db, "SELECT ifnull (group_concat (kind, ' '), '') FROM"
                         " (SELECT kind FROM journal WHERE seq > %" G_GINT64_FORMAT
                         "  ORDER BY seq)", seq);
}

/* A field of the newest entry ("kind", "entity", …) or of its detail or
 * state ("detail.reason", "state.locked"). */
static char *
last_entry (KbDb       *db,
            const char *field)
{
  const char *dot = strchr (field, '.');
  g_autofree char *column = dot != NULL ? g_strndup (field, dot - field) : g_strdup (field);
  g_autofree char *text = query_text (db, "SELECT ifnull (%s, 'NULL') FROM journal"
                                          " ORDER BY seq DESC LIMIT 1", column);
  g_autoptr(GHashTable) parsed = NULL;

  if (dot == NULL)
    return g_steal_pointer (&text);
  parsed = kb_canon_parse (text, NULL);
  g_assert_nonnull (parsed);
  g_assert_true (g_hash_table_contains (parsed, dot + 1));
  return g_strdup (g_hash_table_lookup (parsed, dot + 1));
}

#define assert_last(db, field, expected) \
  G_STMT_START { \
    g_autofree char *_value = last_entry ((db), (field)); \
    g_assert_cmpstr (_value, ==, (expected)); \
  } G_STMT_END

/* Changes a password row the way only time would (an old change date, a
 * lock-out from another day), journaled like any change so that the
 * journal stays intact. */
static void
adjust_credential (KbDb       *db,
                   gint64      id,
                   const char *assignments)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("UPDATE credentials SET %s WHERE id = %" G_GINT64_FORMAT,
                                          assignments, id);

  kb_db_begin (db, &error);
  g_assert_no_error (error);
  kb_test_raw_exec (kb_db_get_handle (db), sql);
  g_assert_cmpint (sqlite3_changes (kb_db_get_handle (db)), ==, 1);
  kb_journal_record (db, "test.adjust", "credential", id, NULL, &error);
  g_assert_no_error (error);
  kb_db_commit (db, &error);
  g_assert_no_error (error);
}

/* The journal is intact, and holds no password and no password hash: not
 * the PHC strings, not their salts or tags, not any password used here. */
static void
assert_journal_clean (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };
  g_autofree char *all = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n_hashes = 0;

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report.anchor_found);
  kb_verify_report_clear (&report);

  all = kb_test_raw_text (kb_db_get_handle (db),
                          "SELECT group_concat (ifnull (kind, '') || ' ' || ifnull (entity, '')"
                          " || ' ' || terminal || ' ' || ifnull (state, '') || ' '"
                          " || ifnull (detail, ''), char (10)) FROM journal");
  g_assert_null (strstr (all, "$argon2"));
  g_assert_null (strstr (all, "argon2id"));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_test_message ("looking for “%s” in the journal", secrets[i]);
      g_assert_null (strstr (all, secrets[i]));
    }

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), "SELECT hash FROM credentials",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_auto(GStrv) parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), "$", -1);

      g_assert_cmpuint (g_strv_length (parts), ==, 6);
      g_assert_null (strstr (all, parts[4]));
      g_assert_null (strstr (all, parts[5]));
      n_hashes++;
    }
  sqlite3_finalize (stmt);
  g_test_message ("%u password hashes, none of them in the journal", n_hashes);
}

static void
assert_unchanged (KbDb       *db,
                  const char *before)
{
  g_autofree char *after = kb_test_register_snapshot (db);

  g_assert_false (kb_db_in_transaction (db));
  g_assert_cmpstr (after, ==, before);
}

/* --- Argon2id -------------------------------------------------------------- */

static void
test_password_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *again = NULL;
  g_autofree char *padded_salt = NULL;
  g_autofree guchar *salt = NULL;
  g_autofree char *padded_tag = NULL;
  g_autofree guchar *tag = NULL;
  g_auto(GStrv) parts = NULL;
  gboolean needs_rehash = TRUE;
  gsize len;

  hash = kb_password_hash (ROUND_PASSWORD, &error);
  g_assert_no_error (error);
  g_test_message ("%s", hash);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=65536,t=3,p=4$"));

  /* PHC: unpadded base64 of a 16-byte salt and a 32-byte tag. */
  parts = g_strsplit (hash, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 6);
  g_assert_null (strchr (parts[4], '='));
  g_assert_null (strchr (parts[5], '='));
  g_assert_cmpuint (strlen (parts[4]), ==, 22);
  g_assert_cmpuint (strlen (parts[5]), ==, 43);
  padded_salt = g_strconcat (parts[4], "==", NULL);
  salt = g_base64_decode (padded_salt, &len);
  g_assert_cmpuint (len, ==, KB_ARGON2_SALT_LEN);
  padded_tag = g_strconcat (parts[5], "=", NULL);
  tag = g_base64_decode (padded_tag, &len);
  g_assert_cmpuint (len, ==, KB_ARGON2_TAG_LEN);

  g_assert_true (kb_password_verify (ROUND_PASSWORD, hash, &needs_rehash, &error));
  g_assert_no_error (error);
  g_assert_false (needs_rehash);

  /* A wrong password is an answer, not an error. */
  g_assert_false (kb_password_verify ("correct horse battery staple 8", hash, &needs_rehash,
                                      &error));
  g_assert_no_error (error);

  /* A fresh salt each time. */
  again = kb_password_hash (ROUND_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, !=, hash);
  g_assert_true (g_str_has_prefix (again, "$argon2id$v=19$m=65536,t=3,p=4$"));
}

static void
test_password_known_answer (void)
{
  g_autoptr(GError) error = NULL;
  gboolean needs_rehash = TRUE;

  g_assert_true (kb_password_verify (KAT_PASSWORD, KAT_HASH, &needs_rehash, &error));
  g_assert_no_error (error);
  g_assert_false (needs_rehash);

  g_assert_false (kb_password_verify ("管理簿のパスワード-2025", KAT_HASH, NULL, &error));
  g_assert_no_error (error);
}

/* RFC 9106 §5.3. Its vector uses a secret and associated data, which
 * kb_password_*() do not take, so it is checked against libgcrypt's KDF
 * directly, with the same calls kb-password.c makes: the library the
 * hashes depend on computes the standard function. */
static void
test_password_rfc9106 (void)
{
  static const guint8 expected[32] = {
    0x0d, 0x64, 0x0d, 0xf5, 0x8d, 0x78, 0x76, 0x6c, 0x08, 0xc0, 0x37, 0xa3, 0x4a, 0x8b, 0x53, 0xc9,
    0xd0, 0x1e, 0xf0, 0x45, 0x2d, 0x75, 0xb6, 0x5e, 0xb5, 0x25, 0x20, 0xe9, 0x6b, 0x01, 0xe6, 0x59,
  };
  unsigned long param[4] = { 32, 3, 32, 4 };   /* tag length, t, m (KiB), p */
  guint8 password[32], salt[16], secret[8], ad[12], tag[32];
  gcry_kdf_hd_t hd = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kb_crypto_init (&error));
  g_assert_no_error (error);
  memset (password, 0x01, sizeof password);
  memset (salt, 0x02, sizeof salt);
  memset (secret, 0x03, sizeof secret);
  memset (ad, 0x04, sizeof ad);

  g_assert_cmpint (gcry_kdf_open (&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, param, 4,
                                  password, sizeof password, salt, sizeof salt,
                                  secret, sizeof secret, ad, sizeof ad), ==, 0);
  g_assert_cmpint (gcry_kdf_compute (hd, NULL), ==, 0);
  g_assert_cmpint (gcry_kdf_final (hd, sizeof tag, tag), ==, 0);
  gcry_kdf_close (hd);

  g_assert_cmpmem (tag, sizeof tag, expected, sizeof expected);
}

typedef struct {
  const char *name;
  const char *hash;
  gboolean    needs_rehash;
} StoredHash;

/* KAT_PASSWORD under other parameters, from the reference implementation
 * as KAT_HASH is (argon2 <salt> -id -t T -k M -p P -l L -e). Weaker in any
 * one respect means re-hashing at the next sign-in; stronger does not. */
static const StoredHash stored_hashes[] = {
  { "memory", "$argon2id$v=19$m=8192,t=3,p=4$" KAT_SALT
    "$ElaPi/B1lAEltXNPyjsZgHtJC9dw7ulI4TSib5J1RMI", TRUE },
  { "iterations", "$argon2id$v=19$m=65536,t=2,p=4$" KAT_SALT
    "$i4M2Y8fmLiD8Hy6ujbATyHT8vIdPEHU/f8qr0rrG8bU", TRUE },
  { "parallelism", "$argon2id$v=19$m=65536,t=3,p=1$" KAT_SALT
    "$3pA35kUzYhj0qBiPQH2yA3GECwqdBoxxy+cQUCcgS6U", TRUE },
  /* Salt "kanribo!": 8 bytes. */
  { "salt-length", "$argon2id$v=19$m=65536,t=3,p=4$a2FucmlibyE"
    "$fpoSbn+NxhXMVQn5BjgmZ1U0bLaAqkFxKUUG1X+NJJE", TRUE },
  { "tag-length", "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$V5wUfnLPqAb9SS7byOuREg", TRUE },
  { "stronger", "$argon2id$v=19$m=65536,t=4,p=4$" KAT_SALT
    "$RosVRHOi3gsNaqlHyepsa/dDHcBrbypvNAdE+slxIpo", FALSE },
};

static void
test_password_needs_rehash (gconstpointer data)
{
  const StoredHash *sh = data;
  g_autoptr(GError) error = NULL;
  gboolean needs_rehash = !sh->needs_rehash;

  g_assert_true (kb_password_verify (KAT_PASSWORD, sh->hash, &needs_rehash, &error));
  g_assert_no_error (error);
  g_assert_cmpint (needs_rehash, ==, sh->needs_rehash);
}

#define KAT_TAG "3maEUnPrvx6VCQW4wqHSM5gDn7IXwHvQB2+F/yDGpic"

static const char * const malformed_hashes[] = {
  "",
  "$",
  "$$$$$",
  "argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG "$",
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT,
  "$argon2i$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2d$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$scrypt$ln=16,r=8,p=1$" KAT_SALT "$" KAT_TAG,
  "$2b$12$abcdefghijklmnopqrstuuIyl8gMHSEOvQwAAMJrXRiU6rMPeYLLW",
  "$argon2id$v=16$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$t=3,m=65536,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=lots,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=4,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=-1,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=99999999999999999999999,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=4194305,t=3,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=0,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=101,p=4$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=0$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=65$" KAT_SALT "$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=4$$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$",
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "==$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG "=",
  "$argon2id$v=19$m=65536,t=3,p=4$a2Fucmli-by1rYXQ_c2FsdA$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG " ",
  /* A salt of 5 bytes, a tag of 15, a tag of 66. */
  "$argon2id$v=19$m=65536,t=3,p=4$a2FucmI$" KAT_TAG,
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$V5wUfnLPqAb9SS7byOuR",
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6",
  "$argon2id$v=19$m=65536,t=3,p=4$" KAT_SALT "$" KAT_TAG "\n",
};

static void
test_password_malformed (void)
{
  g_autoptr(GString) long_salt = g_string_new ("$argon2id$v=19$m=65536,t=3,p=4$");

  for (guint i = 0; i < G_N_ELEMENTS (malformed_hashes) + 2; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean needs_rehash = TRUE;
      const char *hash;

      if (i < G_N_ELEMENTS (malformed_hashes))
        hash = malformed_hashes[i];
      else if (i == G_N_ELEMENTS (malformed_hashes))
        hash = NULL;
      else
        {
          for (int n = 0; n < 1000; n++)
            g_string_append (long_salt, "QUJD");
          g_string_append (long_salt, "$" KAT_TAG);
          hash = long_salt->str;
        }

      g_test_message ("“%.80s”", hash != NULL ? hash : "(null)");
      g_assert_false (kb_password_verify (KAT_PASSWORD, hash, &needs_rehash, &error));
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT);
      g_assert_false (needs_rehash);
    }

  /* Readable, but not a valid Argon2 setting (fewer than 8 KiB per lane):
   * refused by libgcrypt, reported, not a crash and not a match. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (kb_password_verify (KAT_PASSWORD,
                                        "$argon2id$v=19$m=8,t=1,p=4$" KAT_SALT "$" KAT_TAG,
                                        NULL, &error));
    g_test_message ("m=8,p=4: %s", error != NULL ? error->message : "no error");
  }
}

static void
test_password_wipe (void)
{
  char buf[] = "kanribo-secret";

  kb_password_wipe (buf);
  for (gsize i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0);
  kb_password_wipe (NULL);
}

/* --- the policy ------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *password;
  int         code;   /* -1: accepted */
} PolicyCase;

#define OK -1

/* Under the default policy: 10 characters, 2 kinds of them. */
static const PolicyCase policy_cases[] = {
  { "ok/lower-and-digits", "kanribo2026", OK },
  { "ok/lower-and-upper", "KanriboDemo", OK },
  { "ok/space-is-other", "kanribo demo", OK },
  /* Japanese characters are neither cased letters nor digits: "other". */
  { "ok/japanese-and-digit", "にほんごのぱすわーど1", OK },
  { "ok/japanese-and-latin", "管理簿のpassword", OK },
  { "ok/full-width", "Ｋａｎｒｉｂｏ２０２６", OK },
  /* Characters, not bytes: 10 characters, 20 bytes. */
  { "ok/ten-characters", "パスワード12345", OK },
  { "ok/128-characters",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", OK },
  { "short/empty", "", KB_FIELD_ERROR_INVALID },
  { "short/nine", "kanribo20", KB_FIELD_ERROR_INVALID },
  /* 7 characters, 13 bytes. */
  { "short/bytes-are-not-characters", "パスワ1234", KB_FIELD_ERROR_INVALID },
  { "one-kind/lower", "kanribodemo", KB_FIELD_ERROR_INVALID },
  { "one-kind/digits", "2026040112", KB_FIELD_ERROR_INVALID },
  { "one-kind/japanese", "にほんごのぱすわーどです", KB_FIELD_ERROR_INVALID },
  { "one-kind/full-width-digits", "１２３４５６７８９０", KB_FIELD_ERROR_INVALID },
  { "one-kind/japanese-and-punctuation", "日本語のパスワード、です。", KB_FIELD_ERROR_INVALID },
  { "control/tab", "kanribo\t2026", KB_FIELD_ERROR_CONTROL_CHARS },
  { "control/newline", "kanribo2026\n", KB_FIELD_ERROR_CONTROL_CHARS },
  { "control/escape", "kanribo\x1b" "2026", KB_FIELD_ERROR_CONTROL_CHARS },
  { "control/delete", "kanribo\x7f" "2026", KB_FIELD_ERROR_CONTROL_CHARS },
  { "control/c1", "kanribo\xc2\x85" "2026", KB_FIELD_ERROR_CONTROL_CHARS },
  { "too-long",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa12", KB_FIELD_ERROR_TOO_LONG },
  { "invalid-utf8", "kanribo\xff" "2026", KB_FIELD_ERROR_INVALID },
};

static void
test_policy (Fixture       *fixture,
             gconstpointer  data)
{
  const PolicyCase *pc = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = kb_auth_check_policy (fixture->db, pc->password, &error);
  if (pc->code == OK)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, KB_FIELD_ERROR, pc->code);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_PASSWORD);
  g_test_message ("%s", error->message);
}

static void
test_policy_settings (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct {
    KbPasswordPolicy policy;
    const char *field;
  } invalid[] = {
    { { 7, 2, 0 }, KB_SETTING_PASSWORD_MIN_LENGTH },
    { { 129, 2, 0 }, KB_SETTING_PASSWORD_MIN_LENGTH },
    { { 10, 0, 0 }, KB_SETTING_PASSWORD_MIN_CLASSES },
    { { 10, 5, 0 }, KB_SETTING_PASSWORD_MIN_CLASSES },
    { { 10, 2, -1 }, KB_SETTING_PASSWORD_MAX_AGE },
    { { 10, 2, 3651 }, KB_SETTING_PASSWORD_MAX_AGE },
  };
  const KbPasswordPolicy stricter = { 12, 3, 90 };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = kb_test_register_snapshot (fixture->db);
  KbPasswordPolicy policy;
  gint64 head;

  kb_settings_get_policy (fixture->db, &policy);
  g_assert_cmpint (policy.min_length, ==, 10);
  g_assert_cmpint (policy.min_classes, ==, 2);
  g_assert_cmpint (policy.max_age_days, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_assert_false (kb_settings_set_policy (fixture->db, &invalid[i].policy, "変更", &error));
      g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
      g_assert_cmpstr (kb_field_error_get_field (error), ==, invalid[i].field);
      g_clear_error (&error);
      assert_unchanged (fixture->db, before);
    }

  /* Only a security officer sets the policy. */
  kb_db_set_actor (fixture->db, CLERK, "JK-01");
  g_assert_false (kb_settings_set_policy (fixture->db, &stricter, "弱くしたい", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_settings_set (fixture->db, KB_SETTING_PASSWORD_MIN_LENGTH, "1", NULL,
                                   &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_unchanged (fixture->db, before);

  kb_db_set_actor (fixture->db, OFFICER, "JK-01");
  head = journal_head (fixture->db);
  g_assert_true (kb_settings_set_policy (fixture->db, &stricter, "監査指摘による強化", &error));
  g_assert_no_error (error);
  {
    g_autofree char *kinds = kinds_since (fixture->db, head);
    g_assert_cmpstr (kinds, ==, "setting.amend setting.amend setting.amend");
  }
  assert_last (fixture->db, "detail.reason", "監査指摘による強化");
  assert_last (fixture->db, "actor", "1");

  kb_settings_get_policy (fixture->db, &policy);
  g_assert_cmpint (policy.min_length, ==, 12);
  g_assert_cmpint (policy.min_classes, ==, 3);
  g_assert_cmpint (policy.max_age_days, ==, 90);

  g_assert_false (kb_auth_check_policy (fixture->db, "kanribo20266", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kb_auth_check_policy (fixture->db, "Kanribo-26", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kb_auth_check_policy (fixture->db, "Kanribo-2026", &error));
  g_assert_no_error (error);

  assert_journal_clean (fixture->db);
}

/* --- signing in ------------------------------------------------------------ */

static void
test_sign_in_resets_counter (Fixture       *fixture,
                             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbCardCheck) check = NULL;
  g_autoptr(KbCardCheck) again = NULL;
  int left = -1;
  gboolean must_change = TRUE;
  gint64 head = journal_head (db);

  /* A good card is not journaled: only what happens next is. */
  check = check_demo_card (db, "N1003");
  g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
  g_assert_cmpint (kb_operator_get_id (check->op), ==, CLERK);
  g_assert_cmpint (check->card_id, ==, CLERK);
  g_assert_cmpint (check->attempts_left, ==, KB_MAX_FAILED_ATTEMPTS);
  g_assert_false (check->must_change);
  g_assert_cmpint (journal_head (db), ==, head);

  g_assert_cmpint (sign_in (db, CLERK, check->card_id, WRONG_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_WRONG_PASSWORD);
  g_assert_cmpint (left, ==, KB_MAX_FAILED_ATTEMPTS - 1);
  g_assert_cmpint (credential_int (db, CLERK, "failed_attempts"), ==, 1);
  /* The counter and its entry in one: the entry's state has the count. */
  assert_last (db, "kind", "signin.failed");
  assert_last (db, "entity", "credential");
  assert_last (db, "entity_id", "3");
  assert_last (db, "detail.card", "3");
  assert_last (db, "detail.failed", "1");
  assert_last (db, "state.failed_attempts", "1");

  again = check_demo_card (db, "N1003");
  g_assert_cmpint (again->attempts_left, ==, KB_MAX_FAILED_ATTEMPTS - 1);

  g_assert_cmpint (sign_in (db, CLERK, check->card_id, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  g_assert_false (must_change);
  g_assert_cmpint (credential_int (db, CLERK, "failed_attempts"), ==, 0);
  assert_last (db, "kind", "session.unlock");
  assert_last (db, "detail.card", "3");
  assert_last (db, "state.failed_attempts", "0");

  /* Locking is journaled too, with the reason. */
  g_assert_true (kb_auth_journal_lock (db, CLERK, "idle", &error));
  g_assert_no_error (error);
  assert_last (db, "kind", "session.lock");
  assert_last (db, "entity", "operator");
  assert_last (db, "entity_id", "3");
  assert_last (db, "detail.reason", "idle");

  {
    g_autofree char *kinds = kinds_since (db, head);
    g_assert_cmpstr (kinds, ==, "signin.failed session.unlock session.lock");
  }
  assert_journal_clean (db);
}

static void
test_sign_in_four_then_right (Fixture       *fixture,
                              gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autofree char *kinds = NULL;
  int left = -1;
  gboolean must_change = TRUE;
  gint64 head = journal_head (db);

  for (int i = 1; i < KB_MAX_FAILED_ATTEMPTS; i++)
    {
      g_autofree char *count = g_strdup_printf ("%d", i);

      g_assert_cmpint (sign_in (db, CLERK, CLERK, WRONG_PASSWORD, &left, &must_change), ==,
                       KB_SIGNIN_WRONG_PASSWORD);
      g_assert_cmpint (left, ==, KB_MAX_FAILED_ATTEMPTS - i);
      assert_last (db, "detail.failed", count);
    }
  g_assert_cmpint (credential_int (db, CLERK, "failed_attempts"), ==, 4);
  g_assert_cmpint (credential_int (db, CLERK, "locked"), ==, 0);

  g_assert_cmpint (sign_in (db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  g_assert_cmpint (credential_int (db, CLERK, "failed_attempts"), ==, 0);

  kinds = kinds_since (db, head);
  g_assert_cmpstr (kinds, ==,
                   "signin.failed signin.failed signin.failed signin.failed session.unlock");
  assert_journal_clean (db);
}

static void
test_lockout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  int left = -1;
  gboolean must_change = TRUE;
  gint64 head = journal_head (fixture->db);
  gint64 seq;

  for (int i = 1; i <= KB_MAX_FAILED_ATTEMPTS; i++)
    {
      KbSigninResult result = sign_in (fixture->db, CLERK, CLERK, WRONG_PASSWORD, &left,
                                       &must_change);

      if (i < KB_MAX_FAILED_ATTEMPTS)
        g_assert_cmpint (result, ==, KB_SIGNIN_WRONG_PASSWORD);
      else
        g_assert_cmpint (result, ==, KB_SIGNIN_LOCKED_OUT);
    }
  g_assert_cmpint (left, ==, 0);
  {
    g_autofree char *kinds = kinds_since (fixture->db, head);
    g_assert_cmpstr (kinds, ==, "signin.failed signin.failed signin.failed signin.failed"
                                " signin.locked-out");
  }
  assert_last (fixture->db, "state.locked", "1");
  assert_last (fixture->db, "state.failed_attempts", "5");

  /* Committed: it survives closing and opening the database again. */
  g_clear_pointer (&fixture->db, kb_db_close);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_DEFAULT);
  g_assert_cmpint (credential_int (fixture->db, CLERK, "locked"), ==, 1);
  g_assert_cmpint (credential_int (fixture->db, CLERK, "failed_attempts"), ==, 5);

  {
    g_autoptr(KbCardCheck) check = check_demo_card (fixture->db, "N1003");

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_LOCKED_OUT);
    g_assert_cmpint (kb_operator_get_id (check->op), ==, CLERK);
    assert_last (fixture->db, "kind", "card.refused");
    assert_last (fixture->db, "detail.reason", "locked-out");
  }

  /* Even the right password does nothing now, and is not journaled. */
  seq = journal_head (fixture->db);
  g_assert_cmpint (sign_in (fixture->db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change),
                   ==, KB_SIGNIN_LOCKED_OUT);
  g_assert_cmpint (journal_head (fixture->db), ==, seq);

  /* Released only by a security officer, with a reason. */
  before = kb_test_register_snapshot (fixture->db);
  kb_db_set_actor (fixture->db, SUPERVISOR, "JK-01");
  g_assert_false (kb_auth_release_lockout (fixture->db, CLERK, "上司の確認", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  kb_db_set_actor (fixture->db, CLERK, "JK-01");
  g_assert_false (kb_auth_release_lockout (fixture->db, CLERK, "自分で", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  kb_db_set_actor (fixture->db, OFFICER, "JK-01");
  g_assert_false (kb_auth_release_lockout (fixture->db, CLERK, " ", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);
  assert_unchanged (fixture->db, before);

  g_assert_true (kb_auth_release_lockout (fixture->db, CLERK, "本人確認の上で解除", &error));
  g_assert_no_error (error);
  assert_last (fixture->db, "kind", "credential.release");
  assert_last (fixture->db, "actor", "1");
  assert_last (fixture->db, "detail.reason", "本人確認の上で解除");
  assert_last (fixture->db, "state.locked", "0");
  g_assert_cmpint (credential_int (fixture->db, CLERK, "failed_attempts"), ==, 0);

  /* Not locked any more: nothing to release. */
  g_assert_false (kb_auth_release_lockout (fixture->db, CLERK, "念のため", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  /* Back at the lock screen, the system acts. */
  kb_db_set_actor (fixture->db, 0, "JK-01");
  {
    g_autoptr(KbCardCheck) check = check_demo_card (fixture->db, "N1003");

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
    g_assert_cmpint (check->attempts_left, ==, KB_MAX_FAILED_ATTEMPTS);
  }
  g_assert_cmpint (sign_in (fixture->db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change),
                   ==, KB_SIGNIN_OK);
  assert_journal_clean (fixture->db);
}

static void
test_reset_password (Fixture       *fixture,
                     gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  int left = -1;
  gboolean must_change = FALSE;

  /* A lock-out from earlier. */
  adjust_credential (db, CLERK, "locked = 1, failed_attempts = 5");
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");
    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_LOCKED_OUT);
  }

  /* What is refused changes nothing (and hashes nothing). */
  before = kb_test_register_snapshot (db);
  kb_db_set_actor (db, SUPERVISOR, "JK-01");
  g_assert_false (kb_auth_reset_password (db, CLERK, TEMP_PASSWORD, "失念", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_auth_set_initial_password (db, CLERK, TEMP_PASSWORD, FALSE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_auth_set_password_hash (db, CLERK, WEAK_DEMO_HASH, FALSE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  kb_db_set_actor (db, OFFICER, "JK-01");
  g_assert_false (kb_auth_reset_password (db, OFFICER, TEMP_PASSWORD, "失念", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_auth_reset_password (db, CLERK, TEMP_PASSWORD, NULL, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_false (kb_auth_reset_password (db, CLERK, "temp", "失念", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_PASSWORD);
  g_clear_error (&error);
  assert_unchanged (db, before);

  /* The reset: a temporary password, to be changed; the lock-out goes. */
  g_assert_true (kb_auth_reset_password (db, CLERK, TEMP_PASSWORD, "パスワード失念", &error));
  g_assert_no_error (error);
  assert_last (db, "kind", "credential.reset");
  assert_last (db, "actor", "1");
  assert_last (db, "detail.reason", "パスワード失念");
  assert_last (db, "state.must_change", "1");
  assert_last (db, "state.locked", "0");
  assert_last (db, "state.failed_attempts", "0");

  kb_db_set_actor (db, 0, "JK-01");
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
    g_assert_true (check->must_change);
  }
  g_assert_cmpint (sign_in (db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_WRONG_PASSWORD);
  g_assert_cmpint (sign_in (db, CLERK, CLERK, TEMP_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  g_assert_true (must_change);

  /* The change: the old password proves who it is. */
  kb_db_set_actor (db, CLERK, "JK-01");
  g_free (before);
  before = kb_test_register_snapshot (db);
  g_assert_false (kb_auth_change_password (db, CLERK, WRONG_PASSWORD, NEW_PASSWORD, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, "old-password");
  g_clear_error (&error);
  g_assert_false (kb_auth_change_password (db, CLERK, TEMP_PASSWORD, TEMP_PASSWORD, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_PASSWORD);
  g_clear_error (&error);
  g_assert_false (kb_auth_change_password (db, CLERK, TEMP_PASSWORD, "short", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_PASSWORD);
  g_clear_error (&error);
  assert_unchanged (db, before);

  g_assert_true (kb_auth_change_password (db, CLERK, TEMP_PASSWORD, NEW_PASSWORD, &error));
  g_assert_no_error (error);
  assert_last (db, "kind", "credential.change");
  assert_last (db, "state.must_change", "0");

  kb_db_set_actor (db, 0, "JK-01");
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");
    g_assert_false (check->must_change);
  }
  g_assert_cmpint (sign_in (db, CLERK, CLERK, NEW_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  g_assert_false (must_change);
  assert_journal_clean (db);
}

static void
test_expiry (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  const KbPasswordPolicy expiring = { 10, 2, 90 };
  const KbPasswordPolicy never = { 10, 2, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) recent = g_date_time_add_days (now, -10);
  g_autofree char *recent_text = g_date_time_format_iso8601 (recent);
  g_autofree char *recent_sql = g_strdup_printf ("changed_at = '%s'", recent_text);
  int left = -1;
  gboolean must_change = FALSE;

  g_assert_true (kb_settings_set_policy (db, &expiring, "90日ごとに変更", &error));
  g_assert_no_error (error);
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");
    g_assert_false (check->must_change);
  }

  /* Changed long ago: to be changed before going on. */
  adjust_credential (db, CLERK, "changed_at = '2020-01-01T00:00:00.000000Z'");
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
    g_assert_true (check->must_change);
  }
  g_assert_cmpint (sign_in (db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  g_assert_true (must_change);

  /* Ten days old: fine for 90 days. */
  adjust_credential (db, CLERK, recent_sql);
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");
    g_assert_false (check->must_change);
  }

  /* Without a maximum age nothing expires. */
  adjust_credential (db, CLERK, "changed_at = '2020-01-01T00:00:00.000000Z'");
  g_assert_true (kb_settings_set_policy (db, &never, "期限なしに戻す", &error));
  g_assert_no_error (error);
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");
    g_assert_false (check->must_change);
  }
  assert_journal_clean (db);
}

static void
test_rehash (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *digest = NULL;
  int left = -1;
  gboolean must_change = TRUE;

  /* A password hashed with the weaker parameters of an older version. */
  g_assert_true (kb_auth_set_password_hash (db, CLERK, WEAK_DEMO_HASH, FALSE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sign_in (db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  hash = query_text (db, "SELECT hash FROM credentials WHERE id = %d", CLERK);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=65536,t=3,p=4$"));
  g_assert_null (strstr (hash, KAT_SALT));
  /* The new hash is journaled, as its digest. */
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, hash, -1);
  assert_last (db, "kind", "session.unlock");
  assert_last (db, "state.hash_digest", digest);

  g_assert_cmpint (sign_in (db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  assert_journal_clean (db);
}

/* The card was checked when it went in; by the time the password comes
 * (after an idle lock, perhaps hours later) it may have been revoked, or
 * its holder retired. */
static void
test_sign_in_card_changed (Fixture       *fixture,
                           gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  int left = -1;
  gboolean must_change = TRUE;
  KbSigninResult result;

  /* Revoked meanwhile. */
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N1003");
    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
  }
  kb_db_set_actor (db, OFFICER, "JK-01");
  g_assert_true (kb_cards_set_status (db, CLERK, "revoked", "盗難届", &error));
  g_assert_no_error (error);
  kb_db_set_actor (db, 0, "JK-01");

  result = kb_auth_sign_in (db, CLERK, CLERK, KB_DEMO_PASSWORD, &left, &must_change, &error);
  g_assert_cmpint (result, ==, KB_SIGNIN_LOCKED_OUT);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpint (credential_int (db, CLERK, "failed_attempts"), ==, 0);
  assert_last (db, "kind", "card.refused");
  assert_last (db, "entity", "card");
  assert_last (db, "entity_id", "3");
  assert_last (db, "detail.reason", "card-revoked");

  /* Someone else's card. */
  result = kb_auth_sign_in (db, 4, 5, KB_DEMO_PASSWORD, &left, &must_change, &error);
  g_assert_cmpint (result, ==, KB_SIGNIN_LOCKED_OUT);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_last (db, "detail.reason", "unknown-card");

  /* The holder retired meanwhile. */
  kb_db_set_actor (db, OFFICER, "JK-01");
  g_assert_true (kb_admin_set_active (db, "operator", 4, FALSE, "退職", &error));
  g_assert_no_error (error);
  kb_db_set_actor (db, 0, "JK-01");
  result = kb_auth_sign_in (db, 4, 4, KB_DEMO_PASSWORD, &left, &must_change, &error);
  g_assert_cmpint (result, ==, KB_SIGNIN_LOCKED_OUT);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_last (db, "detail.reason", "operator-retired");
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM journal WHERE kind = 'session.unlock'"),
                   ==, 0);

  assert_journal_clean (db);
}

/* --- cards at the lock screen ---------------------------------------------- */

static void
test_card_verdicts (Fixture       *fixture,
                    gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *unknown = card_identity (db, "spare-card-1");
  g_autofree char *prefix = g_strndup (unknown, 16);
  g_autofree char *journal = NULL;
  static const struct {
    const char *staff;
    const char *status;
    KbCardVerdict verdict;
    const char *nick;
  } statuses[] = {
    { "N1004", "revoked", KB_CARD_VERDICT_REVOKED, "card-revoked" },
    { "N1005", "lost", KB_CARD_VERDICT_LOST, "card-lost" },
    { "N2002", "returned", KB_CARD_VERDICT_RETURNED, "card-returned" },
  };

  /* Unknown: journaled with the start of its identity, never the whole. */
  {
    g_autoptr(KbCardCheck) check = check_card (db, unknown);

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_UNKNOWN);
    g_assert_null (check->op);
    g_assert_cmpint (check->card_id, ==, 0);
    assert_last (db, "kind", "card.refused");
    assert_last (db, "entity", "NULL");
    assert_last (db, "entity_id", "NULL");
    assert_last (db, "detail.reason", "unknown-card");
    assert_last (db, "detail.identity", prefix);
  }
  journal = kb_test_raw_text (kb_db_get_handle (db),
                              "SELECT group_concat (ifnull (state, '') || ifnull (detail, ''))"
                              " FROM journal");
  {
    g_autofree char *longer = g_strndup (unknown, 17);
    guint8 uid[7];
    g_autofree char *uid_hex = NULL;

    g_assert_null (strstr (journal, unknown));
    g_assert_null (strstr (journal, longer));
    /* Nor, of course, the card's UID. */
    kb_demo_card_uid ("spare-card-1", uid);
    uid_hex = kb_hex_encode (uid, sizeof uid);
    g_assert_null (strstr (journal, uid_hex));
  }

  kb_db_set_actor (db, OFFICER, "JK-01");
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(KbCardCheck) before = check_demo_card (db, statuses[i].staff);
      g_autoptr(KbCardCheck) check = NULL;
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, before->card_id);

      g_assert_cmpint (before->verdict, ==, KB_CARD_VERDICT_OK);
      g_assert_true (kb_cards_set_status (db, before->card_id, statuses[i].status, "届出",
                                          &error));
      g_assert_no_error (error);

      check = check_demo_card (db, statuses[i].staff);
      g_assert_cmpint (check->verdict, ==, statuses[i].verdict);
      g_assert_cmpint (check->card_id, ==, before->card_id);
      assert_last (db, "kind", "card.refused");
      assert_last (db, "entity", "card");
      assert_last (db, "entity_id", id);
      assert_last (db, "detail.reason", statuses[i].nick);
    }

  /* The card is fine, its holder retired. */
  g_assert_true (kb_admin_set_active (db, "operator", 9, FALSE, "退職", &error));
  g_assert_no_error (error);
  {
    g_autoptr(KbCardCheck) check = check_demo_card (db, "N3001");

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OPERATOR_RETIRED);
    g_assert_cmpint (kb_operator_get_id (check->op), ==, 9);
    assert_last (db, "detail.reason", "operator-retired");
  }

  /* A new operator with a card and no password yet. */
  {
    g_autoptr(KbOperator) op = kb_operator_new (0, "N1006", "上田 花子", "ウエダ ハナコ", 1,
                                                NULL, KB_ROLE_OPERATOR, TRUE);
    g_autofree char *identity = card_identity (db, "spare-card-2");
    g_autoptr(KbCardCheck) check = NULL;
    gint64 id = kb_admin_save_operator (db, op, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (kb_cards_issue (db, id, identity, ATR, TRUE, &error), >, 0);
    g_assert_no_error (error);
    check = check_card (db, identity);
    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_NO_PASSWORD);
    g_assert_cmpint (kb_operator_get_id (check->op), ==, id);
    assert_last (db, "detail.reason", "no-password");
  }

  /* Something to tell the person at the lock screen, for each refusal. */
  g_assert_cmpstr (kb_card_verdict_message (KB_CARD_VERDICT_OK), ==, "");
  for (KbCardVerdict v = KB_CARD_VERDICT_UNKNOWN; v <= KB_CARD_VERDICT_NO_PASSWORD; v++)
    g_assert_cmpuint (strlen (kb_card_verdict_message (v)), >, 10);

  assert_journal_clean (db);
}

/* --- the card register ----------------------------------------------------- */

/* @says: part of the message, to tell the refusals apart */
static void
assert_issue_refused (KbDb       *db,
                      gint64      operator_id,
                      const char *identity,
                      int         code,
                      const char *says)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = kb_test_register_snapshot (db);

  g_assert_cmpint (kb_cards_issue (db, operator_id, identity, ATR, TRUE, &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, says));
  assert_unchanged (db, before);
}

static gint64
issue (KbDb       *db,
       gint64      operator_id,
       const char *identity)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kb_cards_issue (db, operator_id, identity, ATR, TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
set_status (KbDb       *db,
            gint64      card_id,
            const char *status)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kb_cards_set_status (db, card_id, status, "届出", &error));
  g_assert_no_error (error);
}

static void
test_issue_rules (Fixture       *fixture,
                  gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) cards = NULL;
  g_autofree char *spare = card_identity (db, "spare-card-1");
  g_autofree char *n1003 = card_identity (db, "N1003");
  g_autofree char *n1004 = card_identity (db, "N1004");
  g_autofree char *n1005 = card_identity (db, "N1005");
  g_autofree char *kinds = NULL;
  g_autofree char *before = NULL;
  gint64 head;
  gint64 id;

  /* Only a security officer issues cards. */
  kb_db_set_actor (db, SUPERVISOR, "JK-01");
  assert_issue_refused (db, 13, spare, KB_STORE_ERROR_REFUSED, "security officer");
  before = kb_test_register_snapshot (db);
  g_assert_false (kb_cards_set_status (db, CLERK, "returned", "退職", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_unchanged (db, before);

  kb_db_set_actor (db, OFFICER, "JK-01");
  head = journal_head (db);

  /* One issued card per operator; a card issued to someone is not issued
   * again; no card for someone who is not there. */
  assert_issue_refused (db, CLERK, spare, KB_STORE_ERROR_REFUSED, "already holds a card");
  assert_issue_refused (db, 4, n1003, KB_STORE_ERROR_REFUSED, "already issued to 小林 健太");
  assert_issue_refused (db, 99, spare, KB_STORE_ERROR_NOT_FOUND, "99");

  /* A returned card may be issued again, to its holder or anyone. */
  set_status (db, CLERK, "returned");
  id = issue (db, CLERK, n1003);
  g_assert_cmpint (id, ==, KB_TEST_DEMO_OPERATORS + 1);
  {
    g_autoptr(KbCardCheck) check = check_card (db, n1003);

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
    g_assert_cmpint (check->card_id, ==, id);
  }

  /* A lost card never again; its holder gets another. */
  set_status (db, 4, "lost");
  assert_issue_refused (db, 4, n1004, KB_STORE_ERROR_REFUSED, "lost or revoked");
  assert_issue_refused (db, 6, n1004, KB_STORE_ERROR_REFUSED, "lost or revoked");
  issue (db, 4, spare);

  /* A revoked card never again. */
  set_status (db, 5, "revoked");
  assert_issue_refused (db, 5, n1005, KB_STORE_ERROR_REFUSED, "lost or revoked");

  /* No card for a retired operator. */
  set_status (db, 12, "returned");
  g_assert_true (kb_admin_set_active (db, "operator", 12, FALSE, "退職", &error));
  g_assert_no_error (error);
  {
    g_autofree char *other = card_identity (db, "spare-card-2");
    assert_issue_refused (db, 12, other, KB_STORE_ERROR_REFUSED, "retired");
  }

  kinds = kinds_since (db, head);
  g_assert_cmpstr (kinds, ==,
                   "card.return card.issue card.lose card.issue card.revoke card.return"
                   " operator.retire");
  /* The dates say when. */
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM cards WHERE id = 3"
                                  " AND returned_at IS NOT NULL AND revoked_at IS NULL"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM cards WHERE id IN (4, 5)"
                                  " AND revoked_at IS NOT NULL"), ==, 2);

  /* The register: issued cards first. */
  cards = kb_cards_list (db, &error);
  g_assert_no_error (error);
  g_assert_true (g_list_model_get_item_type (cards) == KB_TYPE_CARD_RECORD);
  g_assert_cmpuint (g_list_model_get_n_items (cards), ==, KB_TEST_DEMO_OPERATORS + 2);
  for (guint i = 0; i < g_list_model_get_n_items (cards); i++)
    {
      g_autoptr(KbCardRecord) card = g_list_model_get_item (cards, i);
      gboolean issued = g_str_equal (kb_card_record_get_status (card), "issued");

      /* 12 demo cards, less 4 taken back, plus 2 new ones. */
      g_assert_cmpint (issued, ==, i < KB_TEST_DEMO_OPERATORS - 2);
      g_assert_cmpuint (strlen (kb_card_record_get_identity (card)), ==, 64);
      g_assert_nonnull (kb_card_record_get_operator_name (card));
      g_assert_true (kb_card_record_get_has_uid (card));
      if (kb_card_record_get_id (card) == 3)
        {
          g_assert_cmpstr (kb_card_record_get_status (card), ==, "returned");
          g_assert_nonnull (kb_card_record_get_returned_at (card));
          g_assert_null (kb_card_record_get_revoked_at (card));
          g_assert_cmpint (kb_card_record_get_operator_id (card), ==, CLERK);
        }
    }
  g_assert_finalize_object (g_steal_pointer (&cards));

  assert_journal_clean (db);
}

typedef struct {
  const char *name;
  const char *path[2];   /* statuses the card goes through first */
  const char *to;
  gboolean    allowed;
} Transition;

static const Transition transitions[] = {
  { "issued-returned", { NULL }, "returned", TRUE },
  { "issued-lost", { NULL }, "lost", TRUE },
  { "issued-revoked", { NULL }, "revoked", TRUE },
  { "returned-revoked", { "returned" }, "revoked", TRUE },
  { "lost-revoked", { "lost" }, "revoked", TRUE },
  { "returned-returned", { "returned" }, "returned", FALSE },
  { "returned-lost", { "returned" }, "lost", FALSE },
  { "lost-returned", { "lost" }, "returned", FALSE },
  { "lost-lost", { "lost" }, "lost", FALSE },
  { "revoked-returned", { "revoked" }, "returned", FALSE },
  { "revoked-lost", { "revoked" }, "lost", FALSE },
  { "revoked-revoked", { "revoked" }, "revoked", FALSE },
  { "lost-revoked-returned", { "lost", "revoked" }, "returned", FALSE },
};

static void
test_transition (Fixture       *fixture,
                 gconstpointer  data)
{
  const Transition *t = data;
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *status = NULL;

  kb_db_set_actor (db, OFFICER, "JK-01");
  for (guint i = 0; i < G_N_ELEMENTS (t->path) && t->path[i] != NULL; i++)
    set_status (db, CLERK, t->path[i]);

  before = kb_test_register_snapshot (db);
  if (t->allowed)
    {
      g_autofree char *kind = NULL;

      set_status (db, CLERK, t->to);
      status = query_text (db, "SELECT status FROM cards WHERE id = %d", CLERK);
      g_assert_cmpstr (status, ==, t->to);
      kind = last_entry (db, "kind");
      g_assert_true (g_str_has_prefix (kind, "card."));
      assert_last (db, "detail.reason", "届出");
    }
  else
    {
      g_assert_false (kb_cards_set_status (db, CLERK, t->to, "届出", &error));
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      assert_unchanged (db, before);
    }
  assert_journal_clean (db);
}

static void
test_status_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = kb_test_register_snapshot (db);

  kb_db_set_actor (db, OFFICER, "JK-01");
  g_assert_false (kb_cards_set_status (db, 99, "lost", "届出", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kb_cards_set_status (db, CLERK, "lost", "", &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_REASON);
  g_clear_error (&error);
  assert_unchanged (db, before);
}

/* --- the first start ------------------------------------------------------- */

static KbOperator *
officer_new (const char *staff_number,
             const char *kana)
{
  return kb_operator_new (0, staff_number, "北沢 誠一", kana, 0, NULL, KB_ROLE_SUPERVISOR, TRUE);
}

static void
test_bootstrap (Fixture       *fixture,
                gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbOperator) op = officer_new ("N1001", "キタザワ セイイチ");
  g_autoptr(KbOperator) second = officer_new ("N1002", "キタザワ セイイチ");
  g_autoptr(KbOperator) officer = NULL;
  g_autofree char *identity = card_identity (db, "officer-card");
  g_autofree char *other = card_identity (db, "second-card");
  gint64 card_id;
  g_autofree char *before = kb_test_register_snapshot (db);
  g_autofree char *kinds = NULL;
  int left = -1;
  gboolean must_change = TRUE;
  gint64 head = journal_head (db);
  gint64 id;

  g_assert_true (kb_auth_needs_bootstrap (db, &error));
  g_assert_no_error (error);

  /* Refused before anything is written. */
  g_assert_cmpint (kb_auth_bootstrap (db, "市町村課", op, "short", identity, ATR, TRUE, &error),
                   ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_PASSWORD);
  g_clear_error (&error);
  g_assert_cmpint (kb_auth_bootstrap (db, " ", op, OFFICER_PASSWORD, identity, ATR, TRUE, &error),
                   ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_EMPTY);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_DIVISION);
  g_clear_error (&error);
  assert_unchanged (db, before);

  id = kb_auth_bootstrap (db, "市町村課", op, OFFICER_PASSWORD, identity, ATR, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_false (kb_auth_needs_bootstrap (db, &error));
  g_assert_no_error (error);
  kinds = kinds_since (db, head);
  g_assert_cmpstr (kinds, ==, "division.create operator.create credential.create card.issue");

  /* A security officer, whatever else they were given. */
  {
    g_autoptr(KbCardCheck) check = check_card (db, identity);

    g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
    g_assert_false (check->must_change);
    officer = g_object_ref (check->op);
    card_id = check->card_id;
  }
  g_assert_cmpint (kb_operator_get_id (officer), ==, id);
  g_assert_cmpint (kb_operator_get_roles (officer), ==,
                   KB_ROLE_SECURITY_OFFICER | KB_ROLE_SUPERVISOR);
  g_assert_cmpstr (kb_operator_get_division_name (officer), ==, "市町村課");
  g_assert_cmpint (sign_in (db, id, card_id, OFFICER_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);

  /* Only once. */
  g_free (before);
  before = kb_test_register_snapshot (db);
  g_assert_cmpint (kb_auth_bootstrap (db, "情報政策課", second, OFFICER_PASSWORD, other, ATR, TRUE,
                                      &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_unchanged (db, before);

  assert_journal_clean (db);
}

/* Whatever fails, nothing of the first start stays behind. */
static void
test_bootstrap_rollback (Fixture       *fixture,
                         gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbOperator) bad_kana = officer_new ("N1001", "北沢");
  g_autoptr(KbOperator) op = officer_new ("N1001", "キタザワ セイイチ");
  g_autoptr(KbDivision) division = kb_division_new (0, "情報政策課", TRUE);
  g_autoptr(KbOperator) clerk = NULL;
  g_autofree char *shared = card_identity (db, "shared-card");
  gint64 clerk_id;
  g_autofree char *before = kb_test_register_snapshot (db);
  g_autofree char *anchor_path = kb_db_get_anchor_path (db);
  g_autofree char *anchor_before = NULL;
  g_autofree char *anchor_after = NULL;
  gint64 division_id;

  /* The officer's record is refused after the division was made. */
  g_assert_cmpint (kb_auth_bootstrap (db, "市町村課", bad_kana, OFFICER_PASSWORD, shared, ATR,
                                      TRUE, &error), ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_KANA);
  g_clear_error (&error);
  assert_unchanged (db, before);

  /* The card is refused after the officer and their password were made:
   * someone else already holds it. */
  division_id = kb_admin_save_division (db, division, NULL, &error);
  g_assert_no_error (error);
  clerk = kb_operator_new (0, "N2002", "田中 美穂", "タナカ ミホ", division_id, NULL,
                           KB_ROLE_OPERATOR, TRUE);
  clerk_id = kb_admin_save_operator (db, clerk, NULL, &error);
  g_assert_no_error (error);
  issue (db, clerk_id, shared);
  g_assert_true (kb_auth_needs_bootstrap (db, &error));

  g_free (before);
  before = kb_test_register_snapshot (db);
  g_file_get_contents (anchor_path, &anchor_before, NULL, NULL);
  g_assert_cmpint (kb_auth_bootstrap (db, "市町村課", op, OFFICER_PASSWORD, shared, ATR, TRUE,
                                      &error), ==, 0);
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  assert_unchanged (db, before);
  g_file_get_contents (anchor_path, &anchor_after, NULL, NULL);
  g_assert_cmpstr (anchor_after, ==, anchor_before);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM credentials"), ==, 0);
  g_assert_true (kb_auth_needs_bootstrap (db, &error));
  g_assert_no_error (error);

  assert_journal_clean (db);
}

/* A security officer already in the register (from before version 2, say)
 * with no password yet is taken, not duplicated. */
static void
test_bootstrap_existing_officer (Fixture       *fixture,
                                 gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDivision) division = kb_division_new (0, "市町村課", TRUE);
  g_autoptr(KbOperator) officer = NULL;
  g_autoptr(KbOperator) clerk = NULL;
  g_autoptr(KbOperator) as_clerk = officer_new ("N1003", "コバヤシ ケンタ");
  g_autoptr(KbOperator) as_officer = officer_new ("N1001", "キタザワ セイイチ");
  g_autofree char *identity = card_identity (db, "officer-card");
  g_autofree char *before = NULL;
  gint64 division_id, officer_id;

  division_id = kb_admin_save_division (db, division, NULL, &error);
  g_assert_no_error (error);
  officer = kb_operator_new (0, "N1001", "北沢 誠一", "キタザワ セイイチ", division_id, NULL,
                             KB_ROLE_SECURITY_OFFICER, TRUE);
  officer_id = kb_admin_save_operator (db, officer, NULL, &error);
  g_assert_no_error (error);
  clerk = kb_operator_new (0, "N1003", "小林 健太", "コバヤシ ケンタ", division_id, NULL,
                           KB_ROLE_OPERATOR, TRUE);
  kb_admin_save_operator (db, clerk, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kb_auth_needs_bootstrap (db, &error));

  /* A clerk's staff number is not taken over. */
  before = kb_test_register_snapshot (db);
  g_assert_cmpint (kb_auth_bootstrap (db, "市町村課", as_clerk, OFFICER_PASSWORD, identity, ATR,
                                      TRUE, &error), ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_DUPLICATE);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_STAFF_NUMBER);
  g_clear_error (&error);
  assert_unchanged (db, before);

  g_assert_cmpint (kb_auth_bootstrap (db, "市町村課", as_officer, OFFICER_PASSWORD, identity, ATR,
                                      TRUE, &error), ==, officer_id);
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM operators"), ==, 2);
  g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM divisions"), ==, 1);
  g_assert_false (kb_auth_needs_bootstrap (db, &error));
  g_assert_no_error (error);
  assert_journal_clean (db);
}

/* --- the demo office ------------------------------------------------------- */

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  static const char * const staff[] = {
    "N1001", "N1002", "N1003", "N1004", "N1005", "N2001", "N2002", "N2003",
    "N3001", "N3002", "N3003", "N3004",
  };
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = NULL;
  int left = -1;
  gboolean must_change = TRUE;
  gint64 head = journal_head (db);

  g_assert_false (kb_auth_needs_bootstrap (db, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (G_N_ELEMENTS (staff), ==, KB_TEST_DEMO_OPERATORS);
  for (guint i = 0; i < G_N_ELEMENTS (staff); i++)
    {
      g_autoptr(KbCardCheck) check = check_demo_card (db, staff[i]);

      g_assert_cmpint (check->verdict, ==, KB_CARD_VERDICT_OK);
      g_assert_cmpstr (kb_operator_get_staff_number (check->op), ==, staff[i]);
      g_assert_false (check->must_change);
    }
  g_assert_cmpint (journal_head (db), ==, head);

  /* The register and the journal hold salted digests, never a UID. */
  journal = kb_test_raw_text (kb_db_get_handle (db),
                              "SELECT group_concat (ifnull (state, '') || ifnull (detail, ''))"
                              " FROM journal");
  for (guint i = 0; i < G_N_ELEMENTS (staff); i++)
    {
      guint8 uid[7];
      g_autofree char *uid_hex = NULL;

      kb_demo_card_uid (staff[i], uid);
      uid_hex = kb_hex_encode (uid, sizeof uid);
      g_assert_null (strstr (journal, uid_hex));
      g_assert_cmpint (query_int (db, "SELECT count (*) FROM cards WHERE identity LIKE '%%%s%%'",
                                  uid_hex), ==, 0);
    }

  g_assert_cmpint (sign_in (db, OFFICER, OFFICER, KB_DEMO_PASSWORD, &left, &must_change), ==,
                   KB_SIGNIN_OK);
  g_assert_false (must_change);
  assert_journal_clean (db);
}

int
main (int   argc,
      char *argv[])
{
  /* Messages in UTF-8 rather than question marks. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, NULL, setup, func, kb_test_fixture_teardown)

  g_test_add_func ("/auth/password/round-trip", test_password_round_trip);
  g_test_add_func ("/auth/password/known-answer", test_password_known_answer);
  g_test_add_func ("/auth/password/rfc9106", test_password_rfc9106);
  g_test_add_func ("/auth/password/malformed", test_password_malformed);
  g_test_add_func ("/auth/password/wipe", test_password_wipe);
  for (guint i = 0; i < G_N_ELEMENTS (stored_hashes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/auth/password/needs-rehash/%s",
                                               stored_hashes[i].name);
      g_test_add_data_func (path, &stored_hashes[i], test_password_needs_rehash);
    }

  for (guint i = 0; i < G_N_ELEMENTS (policy_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/auth/policy/%s", policy_cases[i].name);
      g_test_add (path, Fixture, &policy_cases[i], setup_new, test_policy,
                  kb_test_fixture_teardown);
    }
  ADD ("/auth/policy/settings", setup_demo, test_policy_settings);

  ADD ("/auth/sign-in/resets-counter", setup_demo, test_sign_in_resets_counter);
  ADD ("/auth/sign-in/four-then-right", setup_demo, test_sign_in_four_then_right);
  ADD ("/auth/sign-in/lockout", setup_demo, test_lockout);
  ADD ("/auth/sign-in/reset-password", setup_demo, test_reset_password);
  ADD ("/auth/sign-in/expiry", setup_demo, test_expiry);
  ADD ("/auth/sign-in/rehash", setup_demo, test_rehash);
  ADD ("/auth/sign-in/card-changed", setup_demo, test_sign_in_card_changed);

  ADD ("/auth/card/verdicts", setup_demo, test_card_verdicts);
  ADD ("/auth/cards/issue-rules", setup_demo, test_issue_rules);
  ADD ("/auth/cards/status-refused", setup_demo, test_status_refused);
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/auth/cards/status/%s", transitions[i].name);
      g_test_add (path, Fixture, &transitions[i], setup_demo, test_transition,
                  kb_test_fixture_teardown);
    }

  ADD ("/auth/bootstrap/first", setup_new, test_bootstrap);
  ADD ("/auth/bootstrap/rollback", setup_new, test_bootstrap_rollback);
  ADD ("/auth/bootstrap/existing-officer", setup_new, test_bootstrap_existing_officer);
  ADD ("/auth/demo", setup_demo, test_demo);

#undef ADD

  return g_test_run ();
}
