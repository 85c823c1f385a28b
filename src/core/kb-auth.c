/* kb-auth.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on the store's thread. Password hashing takes a few
 * hundred milliseconds; it is done outside any write transaction, and the
 * failure counter is then changed and journaled in one transaction, so it
 * survives a crash or a restart.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-auth.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-password.h"

/* --- helpers -------------------------------------------------------------- */

static char *
detail_new (const char *key,
            const char *value,
            ...) G_GNUC_NULL_TERMINATED;

/* A canonical object of string pairs, NULL-terminated. */
static char *
detail_new (const char *key,
            const char *value,
            ...)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  KbCanon canon;
  va_list args;

  kb_canon_init (&canon, buf);
  va_start (args, value);
  while (key != NULL)
    {
      kb_canon_add_string (&canon, key, value);
      key = va_arg (args, const char *);
      if (key != NULL)
        value = va_arg (args, const char *);
    }
  va_end (args);
  kb_canon_finish (&canon);

  return g_string_free (g_steal_pointer (&buf), FALSE);
}

/* Appends one entry in a transaction of its own (or the caller's). */
static gboolean
journal_event (KbDb        *db,
               const char  *kind,
               const char  *entity,
               gint64       id,
               gboolean     with_state,
               const char  *detail,
               GError     **error)
{
  gboolean ok;

  if (!kb_db_begin (db, error))
    return FALSE;
  if (with_state)
    ok = kb_journal_record (db, kind, entity, id, detail, error);
  else
    ok = kb_journal_append (db, kind, entity, id, NULL, detail, error);
  if (!ok || !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static KbOperator *
load_operator (KbDb    *db,
               gint64   id,
               GError **error)
{
  sqlite3_stmt *stmt;
  KbOperator *op = NULL;
  int rc;

  stmt = kb_db_prepare (db,
                        "SELECT o.id, o.staff_number, o.name, o.kana, o.division_id, d.name,"
                        " o.roles, o.active FROM operators o"
                        " JOIN divisions d ON d.id = o.division_id WHERE o.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    op = kb_operator_new (sqlite3_column_int64 (stmt, 0),
                          (const char *) sqlite3_column_text (stmt, 1),
                          (const char *) sqlite3_column_text (stmt, 2),
                          (const char *) sqlite3_column_text (stmt, 3),
                          sqlite3_column_int64 (stmt, 4),
                          (const char *) sqlite3_column_text (stmt, 5),
                          sqlite3_column_int (stmt, 6), sqlite3_column_int (stmt, 7));
  else if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("There is no operator with id %" PRId64), id);
  else
    kb_db_set_error (db, error, _("Cannot read the operators"));
  sqlite3_reset (stmt);

  return op;
}

typedef struct {
  gboolean exists;
  char *hash;
  gboolean must_change;
  int failed;
  gboolean locked;
  char *changed_at;
} Credential;

static void
credential_clear (Credential *c)
{
  if (c->hash != NULL)
    explicit_bzero (c->hash, strlen (c->hash));
  g_clear_pointer (&c->hash, g_free);
  g_clear_pointer (&c->changed_at, g_free);
}

static gboolean
load_credential (KbDb        *db,
                 gint64       operator_id,
                 Credential  *c,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  memset (c, 0, sizeof *c);
  stmt = kb_db_prepare (db, "SELECT hash, must_change, failed_attempts, locked, changed_at"
                            " FROM credentials WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      c->exists = TRUE;
      c->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->must_change = sqlite3_column_int (stmt, 1);
      c->failed = sqlite3_column_int (stmt, 2);
      c->locked = sqlite3_column_int (stmt, 3);
      c->changed_at = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the passwords"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
expired (KbDb        *db,
         const char  *changed_at)
{
  KbPasswordPolicy policy;
  g_autoptr(GDateTime) changed = NULL;
  g_autoptr(GDateTime) now = NULL;

  kb_settings_get_policy (db, &policy);
  if (policy.max_age_days <= 0 || changed_at == NULL)
    return FALSE;
  changed = g_date_time_new_from_iso8601 (changed_at, NULL);
  now = g_date_time_new_now_utc ();
  return changed != NULL &&
         g_date_time_difference (now, changed) > (GTimeSpan) policy.max_age_days * G_TIME_SPAN_DAY;
}

/* --- cards at the lock screen -------------------------------------------- */

void
kb_card_check_free (KbCardCheck *check)
{
  if (check == NULL)
    return;
  g_clear_object (&check->op);
  g_free (check);
}

/**
 * kb_card_verdict_message:
 *
 * Returns: what to tell the person at the lock screen
 */
const char *
kb_card_verdict_message (KbCardVerdict verdict)
{
  switch (verdict)
    {
    case KB_CARD_VERDICT_OK:
      return "";
    case KB_CARD_VERDICT_UNKNOWN:
      return _("This card is not registered. Ask the security officer to issue it to you.");
    case KB_CARD_VERDICT_REVOKED:
      return _("This card has been revoked and can no longer be used.");
    case KB_CARD_VERDICT_LOST:
      return _("This card was reported lost and can no longer be used. Hand it to the "
               "security officer.");
    case KB_CARD_VERDICT_RETURNED:
      return _("This card was returned and is not issued to anyone.");
    case KB_CARD_VERDICT_OPERATOR_RETIRED:
      return _("The operator this card was issued to is retired.");
    case KB_CARD_VERDICT_LOCKED_OUT:
      return _("This account is locked after too many wrong passwords. A security officer "
               "must release it.");
    case KB_CARD_VERDICT_NO_PASSWORD:
      return _("No password has been set for this operator. Ask the security officer to "
               "set one.");
    default:
      g_return_val_if_reached ("");
    }
}

static const char *
verdict_nick (KbCardVerdict verdict)
{
  static const char *nicks[] = {
    "ok", "unknown-card", "card-revoked", "card-lost", "card-returned", "operator-retired",
    "locked-out", "no-password",
  };

  return nicks[verdict];
}

/**
 * kb_auth_check_card:
 * @identity: the card's salted identity (kb_card_get_identity())
 *
 * Finds who the card belongs to and whether they may sign in. A refused
 * card is journaled with the reason and the start of its identity.
 *
 * Returns: (transfer full) (nullable): the verdict
 */
KbCardCheck *
kb_auth_check_card (KbDb        *db,
                    const char  *identity,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  KbCardCheck *check = g_new0 (KbCardCheck, 1);
  Credential cred = { 0 };
  sqlite3_stmt *stmt;
  g_autofree char *status = NULL;
  gint64 operator_id = 0;
  int rc;

  stmt = kb_db_prepare (db,
                        "SELECT id, status, operator_id FROM cards WHERE identity = ?1"
                        " ORDER BY status = 'issued' DESC, id DESC LIMIT 1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      check->card_id = sqlite3_column_int64 (stmt, 0);
      status = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      operator_id = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the card register"));
      goto failed;
    }

  if (status == NULL)
    check->verdict = KB_CARD_VERDICT_UNKNOWN;
  else if (g_str_equal (status, "revoked"))
    check->verdict = KB_CARD_VERDICT_REVOKED;
  else if (g_str_equal (status, "lost"))
    check->verdict = KB_CARD_VERDICT_LOST;
  else if (g_str_equal (status, "returned"))
    check->verdict = KB_CARD_VERDICT_RETURNED;
  else
    {
      if ((check->op = load_operator (db, operator_id, error)) == NULL ||
          !load_credential (db, operator_id, &cred, error))
        goto failed;

      if (!kb_operator_get_active (check->op))
        check->verdict = KB_CARD_VERDICT_OPERATOR_RETIRED;
      else if (!cred.exists)
        check->verdict = KB_CARD_VERDICT_NO_PASSWORD;
      else if (cred.locked)
        check->verdict = KB_CARD_VERDICT_LOCKED_OUT;
      else
        {
          check->verdict = KB_CARD_VERDICT_OK;
          check->must_change = cred.must_change || expired (db, cred.changed_at);
          check->attempts_left = MAX (KB_MAX_FAILED_ATTEMPTS - cred.failed, 1);
        }
      credential_clear (&cred);
    }

  if (check->verdict != KB_CARD_VERDICT_OK)
    {
      g_autofree char *prefix = g_strndup (identity, 16);
      g_autofree char *detail = detail_new ("reason", verdict_nick (check->verdict),
                                            "identity", prefix, NULL);

      if (!journal_event (db, "card.refused", check->card_id != 0 ? "card" : NULL,
                          check->card_id, FALSE, detail, &local_error))
        {
          /* Refusing does not depend on the journal; report, still refuse. */
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto failed;
        }
    }

  return check;

failed:
  kb_card_check_free (check);
  return NULL;
}

/* What @card_id means for @operator_id now, under the write lock: the card
 * may have been revoked, or its holder retired, since it was checked at the
 * lock screen (after an idle lock that check is as old as the session).
 * Returns -1 on a read error. */
static int
recheck_card (KbDb        *db,
              gint64       operator_id,
              gint64       card_id,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int verdict = KB_CARD_VERDICT_UNKNOWN;
  int rc;

  stmt = kb_db_prepare (db,
                        "SELECT c.status, c.operator_id, o.active FROM cards c"
                        " JOIN operators o ON o.id = c.operator_id WHERE c.id = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, card_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *status = (const char *) sqlite3_column_text (stmt, 0);

      if (sqlite3_column_int64 (stmt, 1) != operator_id)
        verdict = KB_CARD_VERDICT_UNKNOWN;
      else if (g_str_equal (status, "revoked"))
        verdict = KB_CARD_VERDICT_REVOKED;
      else if (g_str_equal (status, "lost"))
        verdict = KB_CARD_VERDICT_LOST;
      else if (g_str_equal (status, "returned"))
        verdict = KB_CARD_VERDICT_RETURNED;
      else if (sqlite3_column_int (stmt, 2) == 0)
        verdict = KB_CARD_VERDICT_OPERATOR_RETIRED;
      else
        verdict = KB_CARD_VERDICT_OK;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the card register"));
      return -1;
    }
  return verdict;
}

/**
 * kb_auth_sign_in:
 * @card_id: the card in the reader, from kb_auth_check_card()
 * @attempts_left: (out): after a wrong password
 * @must_change: (out): the password must be changed before going on
 *
 * Checks the password of the operator whose card is in the reader. A wrong
 * password counts towards the lock-out; the fifth locks the account until
 * a security officer releases it. Each outcome is journaled. A card that is
 * no longer issued to the operator, or an operator retired meanwhile, is
 * refused (journaled as "card.refused", not counted): the result is then
 * %KB_SIGNIN_LOCKED_OUT with a %KB_STORE_ERROR_REFUSED error.
 */
KbSigninResult
kb_auth_sign_in (KbDb        *db,
                 gint64       operator_id,
                 gint64       card_id,
                 const char  *password,
                 int         *attempts_left,
                 gboolean    *must_change,
                 GError     **error)
{
  Credential cred = { 0 };
  g_autofree char *card = g_strdup_printf ("%" G_GINT64_FORMAT, card_id);
  g_autofree char *detail = NULL;
  g_autofree char *rehash = NULL;
  gboolean needs_rehash = FALSE;
  gboolean ok;
  sqlite3_stmt *stmt;
  KbSigninResult result;
  int verdict;

  *attempts_left = 0;
  *must_change = FALSE;

  if (!load_credential (db, operator_id, &cred, error))
    return KB_SIGNIN_WRONG_PASSWORD;
  if (!cred.exists || cred.locked)
    {
      credential_clear (&cred);
      return KB_SIGNIN_LOCKED_OUT;
    }

  ok = kb_password_verify (password, cred.hash, &needs_rehash, error);
  credential_clear (&cred);
  if (!ok && error != NULL && *error != NULL)
    return KB_SIGNIN_WRONG_PASSWORD;
  if (ok && needs_rehash)
    rehash = kb_password_hash (password, NULL);

  if (!kb_db_begin (db, error))
    return KB_SIGNIN_WRONG_PASSWORD;

  /* Read again under the write lock: another terminal may have counted. */
  if (!load_credential (db, operator_id, &cred, error))
    goto failed;

  if ((verdict = recheck_card (db, operator_id, card_id, error)) < 0)
    goto failed;
  if (verdict != KB_CARD_VERDICT_OK)
    {
      detail = detail_new ("reason", verdict_nick (verdict), "card", card, NULL);
      if (!kb_journal_append (db, "card.refused", card_id > 0 ? "card" : NULL, MAX (card_id, 0),
                              NULL, detail, error) ||
          !kb_db_commit (db, error))
        goto failed;
      credential_clear (&cred);
      g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                           kb_card_verdict_message (verdict));
      return KB_SIGNIN_LOCKED_OUT;
    }

  if (ok && !cred.locked)
    {
      gint64 previous = kb_db_get_actor (db);
      gboolean journaled;

      stmt = kb_db_prepare (db, rehash != NULL
                                ? "UPDATE credentials SET failed_attempts = 0, hash = ?2 WHERE id = ?1"
                                : "UPDATE credentials SET failed_attempts = 0 WHERE id = ?1",
                            error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, operator_id);
      if (rehash != NULL)
        sqlite3_bind_text (stmt, 2, rehash, -1, SQLITE_TRANSIENT);
      if (!kb_db_step_done (db, stmt, error))
        goto failed;
      detail = detail_new ("card", card, NULL);

      /* Signing in is the operator's own act: it is journaled as theirs. */
      kb_db_set_actor (db, operator_id, NULL);
      journaled = kb_journal_record (db, "session.unlock", "credential", operator_id, detail,
                                     error);
      kb_db_set_actor (db, previous, NULL);
      if (!journaled)
        goto failed;
      *must_change = cred.must_change || expired (db, cred.changed_at);
      result = KB_SIGNIN_OK;
    }
  else
    {
      int failed = cred.locked ? cred.failed : cred.failed + 1;
      gboolean lock = cred.locked || failed >= KB_MAX_FAILED_ATTEMPTS;
      g_autofree char *count = g_strdup_printf ("%d", failed);

      stmt = kb_db_prepare (db, "UPDATE credentials SET failed_attempts = ?2, locked = ?3"
                                " WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, operator_id);
      sqlite3_bind_int (stmt, 2, failed);
      sqlite3_bind_int (stmt, 3, lock);
      if (!kb_db_step_done (db, stmt, error))
        goto failed;
      detail = detail_new ("card", card, "failed", count, NULL);
      if (!kb_journal_record (db, lock ? "signin.locked-out" : "signin.failed", "credential",
                              operator_id, detail, error))
        goto failed;
      *attempts_left = lock ? 0 : KB_MAX_FAILED_ATTEMPTS - failed;
      result = lock ? KB_SIGNIN_LOCKED_OUT : KB_SIGNIN_WRONG_PASSWORD;
    }
  credential_clear (&cred);

  if (!kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      /* Not recorded means not signed in. */
      return KB_SIGNIN_WRONG_PASSWORD;
    }
  return result;

failed:
  credential_clear (&cred);
  kb_db_rollback (db);
  return KB_SIGNIN_WRONG_PASSWORD;
}

/**
 * kb_auth_journal_lock:
 * @reason: "card-removed", "card-swapped", "idle", "service-lost", …
 *
 * Journals that the session of @operator_id was locked.
 */
gboolean
kb_auth_journal_lock (KbDb        *db,
                      gint64       operator_id,
                      const char  *reason,
                      GError     **error)
{
  g_autofree char *detail = detail_new ("reason", reason, NULL);
  gint64 previous = kb_db_get_actor (db);
  gboolean ok;

  /* The session that ended was the operator's. */
  kb_db_set_actor (db, operator_id, NULL);
  ok = journal_event (db, "session.lock", "operator", operator_id, FALSE, detail, error);
  kb_db_set_actor (db, previous, NULL);
  return ok;
}

/* --- passwords ------------------------------------------------------------- */

/**
 * kb_auth_check_policy:
 *
 * Checks a new password against the office's policy; a %KB_FIELD_ERROR on
 * %KB_FIELD_PASSWORD says what is missing.
 */
gboolean
kb_auth_check_policy (KbDb        *db,
                      const char  *password,
                      GError     **error)
{
  KbPasswordPolicy policy;
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE;
  glong n_chars;
  int classes;

  kb_settings_get_policy (db, &policy);

  if (password == NULL || !g_utf8_validate (password, -1, NULL))
    {
      kb_set_field_error (error, KB_FIELD_PASSWORD, KB_FIELD_ERROR_INVALID,
                          _("This is not valid text"));
      return FALSE;
    }
  n_chars = g_utf8_strlen (password, -1);
  if (n_chars < policy.min_length)
    {
      kb_set_field_error (error, KB_FIELD_PASSWORD, KB_FIELD_ERROR_INVALID,
                          _("Use at least %d characters"), policy.min_length);
      return FALSE;
    }
  if (n_chars > 128)
    {
      kb_set_field_error (error, KB_FIELD_PASSWORD, KB_FIELD_ERROR_TOO_LONG,
                          _("Use at most 128 characters"));
      return FALSE;
    }

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        {
          kb_set_field_error (error, KB_FIELD_PASSWORD, KB_FIELD_ERROR_CONTROL_CHARS,
                              _("Remove the control characters"));
          return FALSE;
        }
      if (g_unichar_islower (c))
        lower = TRUE;
      else if (g_unichar_isupper (c))
        upper = TRUE;
      else if (g_unichar_isdigit (c))
        digit = TRUE;
      else
        other = TRUE;
    }

  classes = lower + upper + digit + other;
  if (classes < policy.min_classes)
    {
      kb_set_field_error (error, KB_FIELD_PASSWORD, KB_FIELD_ERROR_INVALID,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Mix at least %d kind of characters (lower-case, "
                                       "upper-case, digits, others)",
                                       "Mix at least %d kinds of characters (lower-case, "
                                       "upper-case, digits, others)", policy.min_classes),
                          policy.min_classes);
      return FALSE;
    }

  return TRUE;
}

static gboolean
store_hash (KbDb        *db,
            gint64       operator_id,
            const char  *hash,
            gboolean     must_change,
            const char  *kind,
            const char  *detail,
            GError     **error)
{
  Credential cred = { 0 };
  sqlite3_stmt *stmt;
  char now[32];

  kb_utc_now (now);
  if (!kb_db_begin (db, error))
    return FALSE;
  if (!load_credential (db, operator_id, &cred, error))
    goto failed;
  stmt = kb_db_prepare (db, cred.exists
                            ? "UPDATE credentials SET hash = ?2, must_change = ?3,"
                              " failed_attempts = 0, locked = 0, changed_at = ?4 WHERE id = ?1"
                            : "INSERT INTO credentials (id, hash, must_change, changed_at)"
                              " VALUES (?1, ?2, ?3, ?4)", error);
  credential_clear (&cred);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, must_change);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error) ||
      !kb_journal_record (db, kind, "credential", operator_id, detail, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

static gboolean
store_password (KbDb        *db,
                gint64       operator_id,
                const char  *password,
                gboolean     must_change,
                const char  *kind,
                const char  *detail,
                GError     **error)
{
  g_autofree char *hash = kb_password_hash (password, error);
  gboolean ok;

  if (hash == NULL)
    return FALSE;
  ok = store_hash (db, operator_id, hash, must_change, kind, detail, error);
  explicit_bzero (hash, strlen (hash));
  return ok;
}

/**
 * kb_auth_set_password_hash:
 * @hash: an Argon2id hash from kb_password_hash()
 *
 * Sets a password already hashed (the demo office shares one). Only a
 * security officer (or the system) sets someone's password.
 */
gboolean
kb_auth_set_password_hash (KbDb        *db,
                           gint64       operator_id,
                           const char  *hash,
                           gboolean     must_change,
                           GError     **error)
{
  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return FALSE;
  return store_hash (db, operator_id, hash, must_change, "credential.create", NULL, error);
}

/**
 * kb_auth_change_password:
 *
 * An operator changes their own password, proving the old one.
 */
gboolean
kb_auth_change_password (KbDb        *db,
                         gint64       operator_id,
                         const char  *old_password,
                         const char  *new_password,
                         GError     **error)
{
  Credential cred = { 0 };
  gboolean ok;

  if (!load_credential (db, operator_id, &cred, error))
    return FALSE;
  if (!cred.exists)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("No password has been set for this operator"));
      return FALSE;
    }
  ok = kb_password_verify (old_password, cred.hash, NULL, error);
  credential_clear (&cred);
  if (!ok)
    {
      if (error == NULL || *error == NULL)
        kb_set_field_error (error, "old-password", KB_FIELD_ERROR_INVALID,
                            _("This is not your current password"));
      return FALSE;
    }
  if (g_strcmp0 (old_password, new_password) == 0)
    {
      kb_set_field_error (error, KB_FIELD_PASSWORD, KB_FIELD_ERROR_INVALID,
                          _("Choose a password different from the current one"));
      return FALSE;
    }
  if (!kb_auth_check_policy (db, new_password, error))
    return FALSE;

  return store_password (db, operator_id, new_password, FALSE, "credential.change", NULL, error);
}

/**
 * kb_auth_reset_password:
 *
 * A security officer gives an operator a temporary password, which must be
 * changed at the next sign-in. Also releases a lock-out.
 */
gboolean
kb_auth_reset_password (KbDb        *db,
                        gint64       operator_id,
                        const char  *temporary_password,
                        const char  *reason,
                        GError     **error)
{
  g_autofree char *why = NULL;
  g_autofree char *detail = NULL;

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return FALSE;
  if (operator_id == kb_db_get_actor (db))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("Change your own password with “Change Password”, not a reset"));
      return FALSE;
    }
  if ((why = kb_validate_text ("reason", reason, 400, TRUE, TRUE, error)) == NULL ||
      !kb_auth_check_policy (db, temporary_password, error))
    return FALSE;

  detail = detail_new ("reason", why, NULL);
  return store_password (db, operator_id, temporary_password, TRUE, "credential.reset",
                         detail, error);
}

/**
 * kb_auth_set_initial_password:
 *
 * Sets a password where there is none (the first start, the demo office).
 * Only a security officer (or the system) sets someone's password.
 */
gboolean
kb_auth_set_initial_password (KbDb        *db,
                              gint64       operator_id,
                              const char  *password,
                              gboolean     must_change,
                              GError     **error)
{
  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return FALSE;
  return store_password (db, operator_id, password, must_change, "credential.create", NULL,
                         error);
}

/**
 * kb_auth_release_lockout:
 *
 * A security officer releases an account locked by wrong passwords.
 */
gboolean
kb_auth_release_lockout (KbDb        *db,
                         gint64       operator_id,
                         const char  *reason,
                         GError     **error)
{
  g_autofree char *why = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error) ||
      (why = kb_validate_text ("reason", reason, 400, TRUE, TRUE, error)) == NULL)
    return FALSE;

  if (!kb_db_begin (db, error))
    return FALSE;
  stmt = kb_db_prepare (db, "UPDATE credentials SET locked = 0, failed_attempts = 0"
                            " WHERE id = ?1 AND locked = 1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  if (sqlite3_changes (kb_db_get_handle (db)) == 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This account is not locked"));
      goto failed;
    }
  detail = detail_new ("reason", why, NULL);
  if (!kb_journal_record (db, "credential.release", "credential", operator_id, detail, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/**
 * kb_auth_needs_bootstrap:
 *
 * Returns: %TRUE when no active security officer can sign in (a new
 *   database): the first start then creates one
 */
gboolean
kb_auth_needs_bootstrap (KbDb    *db,
                         GError **error)
{
  sqlite3_stmt *stmt;
  gboolean needs;

  stmt = kb_db_prepare (db,
                        "SELECT count (*) FROM operators o"
                        " JOIN credentials c ON c.id = o.id"
                        " JOIN cards k ON k.operator_id = o.id AND k.status = 'issued'"
                        " WHERE o.active = 1 AND (o.roles & ?1) != 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, KB_ROLE_SECURITY_OFFICER);
  needs = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 0;
  sqlite3_reset (stmt);
  return needs;
}

static gint64
find_id (KbDb       *db,
         const char *sql,
         const char *value)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, NULL);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/**
 * kb_auth_bootstrap:
 * @division_name: the security officer's division, created if missing
 * @op: the first security officer; an existing security officer with the
 *   same staff number and no password yet is taken instead of a new row
 *
 * The first start: one transaction creates the security officer, their
 * password and their card. Refused once someone can sign in.
 *
 * Returns: the operator's id, or 0 with @error set
 */
gint64
kb_auth_bootstrap (KbDb        *db,
                   const char  *division_name,
                   KbOperator  *op,
                   const char  *password,
                   const char  *card_identity,
                   const char  *card_atr,
                   gboolean     card_has_uid,
                   GError     **error)
{
  g_autoptr(KbOperator) officer = NULL;
  g_autofree char *name = NULL;
  gint64 division_id, operator_id;

  if ((name = kb_validate_text ("division", division_name, 60, TRUE, FALSE, error)) == NULL ||
      !kb_auth_check_policy (db, password, error))
    return 0;

  if (!kb_db_begin (db, error))
    return 0;

  if (!kb_auth_needs_bootstrap (db, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                     _("A security officer can already sign in; the first start is over"));
      goto failed;
    }

  division_id = find_id (db, "SELECT id FROM divisions WHERE name = ?1", name);
  if (division_id == 0)
    {
      g_autoptr(KbDivision) d = kb_division_new (0, name, TRUE);

      if ((division_id = kb_admin_save_division (db, d, NULL, error)) == 0)
        goto failed;
    }

  operator_id = find_id (db, "SELECT id FROM operators WHERE staff_number = ?1",
                         kb_operator_get_staff_number (op));
  if (operator_id != 0)
    {
      Credential cred = { 0 };
      g_autoptr(KbOperator) existing = load_operator (db, operator_id, error);

      if (existing == NULL || !load_credential (db, operator_id, &cred, error))
        goto failed;
      credential_clear (&cred);
      if (!(kb_operator_get_roles (existing) & KB_ROLE_SECURITY_OFFICER) ||
          !kb_operator_get_active (existing) || cred.exists)
        {
          kb_set_field_error (error, "staff-number", KB_FIELD_ERROR_DUPLICATE,
                              _("Staff number %s is already registered"),
                              kb_operator_get_staff_number (op));
          goto failed;
        }
    }
  else
    {
      officer = kb_operator_new (0, kb_operator_get_staff_number (op),
                                 kb_operator_get_name (op), kb_operator_get_kana (op),
                                 division_id, NULL,
                                 kb_operator_get_roles (op) | KB_ROLE_SECURITY_OFFICER, TRUE);
      if ((operator_id = kb_admin_save_operator (db, officer, NULL, error)) == 0)
        goto failed;
    }

  if (!kb_auth_set_initial_password (db, operator_id, password, FALSE, error) ||
      kb_cards_issue (db, operator_id, card_identity, card_atr, card_has_uid, error) == 0 ||
      !kb_db_commit (db, error))
    goto failed;

  return operator_id;

failed:
  kb_db_rollback (db);
  return 0;
}

/* --- the card register ----------------------------------------------------- */

struct _KbCardRecord {
  GObject parent_instance;
  gint64 id;
  gint64 operator_id;
  char *operator_name;
  char *identity;
  gboolean has_uid;
  char *status;
  char *issued_at;
  char *returned_at;
  char *revoked_at;
};

G_DEFINE_FINAL_TYPE (KbCardRecord, kb_card_record, G_TYPE_OBJECT)

static void
kb_card_record_finalize (GObject *object)
{
  KbCardRecord *self = KB_CARD_RECORD (object);

  g_free (self->operator_name);
  g_free (self->identity);
  g_free (self->status);
  g_free (self->issued_at);
  g_free (self->returned_at);
  g_free (self->revoked_at);
  G_OBJECT_CLASS (kb_card_record_parent_class)->finalize (object);
}

static void
kb_card_record_class_init (KbCardRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_card_record_finalize;
}

static void
kb_card_record_init (KbCardRecord *self)
{
}

gint64 kb_card_record_get_id (KbCardRecord *self) { return self->id; }
gint64 kb_card_record_get_operator_id (KbCardRecord *self) { return self->operator_id; }
const char *kb_card_record_get_operator_name (KbCardRecord *self) { return self->operator_name; }
const char *kb_card_record_get_status (KbCardRecord *self) { return self->status; }
const char *kb_card_record_get_issued_at (KbCardRecord *self) { return self->issued_at; }
const char *kb_card_record_get_returned_at (KbCardRecord *self) { return self->returned_at; }
const char *kb_card_record_get_revoked_at (KbCardRecord *self) { return self->revoked_at; }
const char *kb_card_record_get_identity (KbCardRecord *self) { return self->identity; }
gboolean kb_card_record_get_has_uid (KbCardRecord *self) { return self->has_uid; }

/**
 * kb_card_status_label:
 * @status: "issued", "returned", "lost" or "revoked"
 *
 * Returns: the status in words
 */
const char *
kb_card_status_label (const char *status)
{
  if (g_strcmp0 (status, "issued") == 0)
    return C_("card status", "Issued");
  if (g_strcmp0 (status, "returned") == 0)
    return C_("card status", "Returned");
  if (g_strcmp0 (status, "lost") == 0)
    return C_("card status", "Lost");
  if (g_strcmp0 (status, "revoked") == 0)
    return C_("card status", "Revoked");
  return status;
}

/**
 * kb_cards_issue:
 * @identity: the card's salted identity
 * @atr_hex: its ATR, in hex
 *
 * Issues a card to an operator. A card that was reported lost or revoked
 * is never issued again; a card issued to someone is not issued twice; an
 * operator holds one issued card at a time.
 *
 * Returns: the card's id, or 0 with @error set
 */
gint64
kb_cards_issue (KbDb        *db,
                gint64       operator_id,
                const char  *identity,
                const char  *atr_hex,
                gboolean     has_uid,
                GError     **error)
{
  g_autoptr(KbOperator) op = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  char now[32];
  int rc;

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return 0;
  if (!kb_db_begin (db, error))
    return 0;

  if ((op = load_operator (db, operator_id, error)) == NULL)
    goto failed;
  if (!kb_operator_get_active (op))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("%s is retired; cards are issued to active operators only"),
                   kb_operator_get_name (op));
      goto failed;
    }

  stmt = kb_db_prepare (db,
                        "SELECT c.status, o.name FROM cards c JOIN operators o"
                        " ON o.id = c.operator_id WHERE c.identity = ?1"
                        " AND c.status IN ('issued', 'lost', 'revoked') LIMIT 1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *status = (const char *) sqlite3_column_text (stmt, 0);

      if (g_str_equal (status, "issued"))
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                     _("This card is already issued to %s"), sqlite3_column_text (stmt, 1));
      else
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                     _("This card was reported lost or revoked and cannot be issued again"));
      sqlite3_reset (stmt);
      goto failed;
    }
  sqlite3_reset (stmt);

  stmt = kb_db_prepare (db, "SELECT 1 FROM cards WHERE operator_id = ?1 AND status = 'issued'",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("%s already holds a card; mark it returned, lost or revoked first"),
                   kb_operator_get_name (op));
      goto failed;
    }

  kb_utc_now (now);
  stmt = kb_db_prepare (db, "INSERT INTO cards (operator_id, identity, atr, has_uid, issued_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  sqlite3_bind_text (stmt, 2, identity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, atr_hex, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, has_uid);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  if (!kb_journal_record (db, "card.issue", "card", id, NULL, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return id;

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_cards_set_status:
 * @status: "returned", "lost" or "revoked"
 * @reason: why; required
 *
 * A card goes from issued to returned, lost or revoked, and a returned or
 * lost card may still be revoked. Revoked is final.
 */
gboolean
kb_cards_set_status (KbDb        *db,
                     gint64       card_id,
                     const char  *status,
                     const char  *reason,
                     GError     **error)
{
  g_autofree char *why = NULL;
  g_autofree char *current = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *kind = NULL;
  sqlite3_stmt *stmt;
  gboolean allowed;
  char now[32];
  int rc;

  g_return_val_if_fail (g_strv_contains ((const char * const[]) { "returned", "lost", "revoked",
                                                                   NULL }, status), FALSE);

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error) ||
      (why = kb_validate_text ("reason", reason, 400, TRUE, TRUE, error)) == NULL)
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;

  stmt = kb_db_prepare (db, "SELECT status FROM cards WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, card_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    current = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (current == NULL)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND, _("There is no such card"));
      goto failed;
    }

  allowed = g_str_equal (current, "issued") ||
            (g_str_equal (status, "revoked") && !g_str_equal (current, "revoked"));
  if (!allowed)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("This card cannot change from “%s” to “%s”"),
                   kb_card_status_label (current), kb_card_status_label (status));
      goto failed;
    }

  kb_utc_now (now);
  stmt = kb_db_prepare (db, g_str_equal (status, "returned")
                            ? "UPDATE cards SET status = ?2, returned_at = ?3 WHERE id = ?1"
                            : "UPDATE cards SET status = ?2, revoked_at = ?3 WHERE id = ?1",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, card_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;

  kind = g_strconcat ("card.", g_str_equal (status, "returned") ? "return"
                               : g_str_equal (status, "lost") ? "lose" : "revoke", NULL);
  detail = detail_new ("reason", why, NULL);
  if (!kb_journal_record (db, kind, "card", card_id, detail, error) ||
      !kb_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/**
 * kb_cards_held_by:
 *
 * Returns: whether @operator_id holds an issued card; %FALSE with @error
 *   set when the register cannot be read
 */
gboolean
kb_cards_held_by (KbDb     *db,
                  gint64    operator_id,
                  GError  **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT 1 FROM cards WHERE operator_id = ?1"
                                          " AND status = 'issued'", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kb_db_set_error (db, error, _("Cannot read the card register"));
  return rc == SQLITE_ROW;
}

/**
 * kb_cards_list:
 *
 * Returns: (transfer full) (nullable): the card register as
 *   #KbCardRecord, issued cards first, newest first
 */
GListModel *
kb_cards_list (KbDb    *db,
               GError **error)
{
  g_autoptr(GListStore) store = g_list_store_new (KB_TYPE_CARD_RECORD);
  sqlite3_stmt *stmt;
  int rc;

  stmt = kb_db_prepare (db,
                        "SELECT c.id, c.operator_id, o.name, c.identity, c.has_uid, c.status,"
                        " c.issued_at, c.returned_at, c.revoked_at FROM cards c"
                        " JOIN operators o ON o.id = c.operator_id"
                        " ORDER BY c.status = 'issued' DESC, c.issued_at DESC", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbCardRecord) r = g_object_new (KB_TYPE_CARD_RECORD, NULL);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->operator_id = sqlite3_column_int64 (stmt, 1);
      r->operator_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      r->identity = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      r->has_uid = sqlite3_column_int (stmt, 4);
      r->status = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      r->issued_at = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      r->returned_at = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      r->revoked_at = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      g_list_store_append (store, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the card register"));
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}
