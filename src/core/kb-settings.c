/* kb-settings.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gcrypt.h>
#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-crypto.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-settings.h"

/**
 * kb_settings_get:
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with
 *   %KB_STORE_ERROR_NOT_FOUND when the key is not set
 */
char *
kb_settings_get (KbDb        *db,
                 const char  *key,
                 GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT value FROM settings WHERE key = ?1", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("The setting “%s” is missing"), key);
  else
    kb_db_set_error (db, error, _("Cannot read the settings"));
  sqlite3_reset (stmt);

  return value;
}

int
kb_settings_get_int (KbDb       *db,
                     const char *key,
                     int         fallback)
{
  g_autofree char *value = kb_settings_get (db, key, NULL);
  gint64 v;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &v, NULL))
    return fallback;
  return (int) v;
}

/**
 * kb_settings_set:
 * @reason: (nullable): why; recorded in the journal
 *
 * Sets @key, journaled; inside a transaction of the caller's, or its own.
 * Only a security officer (or the system) changes settings.
 */
gboolean
kb_settings_set (KbDb        *db,
                 const char  *key,
                 const char  *value,
                 const char  *reason,
                 GError     **error)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gboolean exists;
  KbCanon canon;

  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error) ||
      !kb_db_begin (db, error))
    return FALSE;

  stmt = kb_db_prepare (db, "SELECT id FROM settings WHERE key = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  if (exists)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = kb_db_prepare (db, exists ? "UPDATE settings SET value = ?2 WHERE id = ?3"
                                   : "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;
  if (!exists)
    id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  kb_canon_init (&canon, detail);
  if (reason != NULL)
    kb_canon_add_string (&canon, "reason", reason);
  kb_canon_finish (&canon);

  if (!kb_journal_record (db, exists ? "setting.amend" : "setting.create", "setting", id,
                          reason != NULL ? detail->str : NULL, error) ||
      !kb_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/**
 * kb_settings_init_defaults:
 *
 * Sets what a new database needs: a random salt for card identities and
 * the default password policy. Runs inside the migration's transaction.
 */
gboolean
kb_settings_init_defaults (KbDb    *db,
                           GError **error)
{
  guint8 salt[16];
  g_autofree char *hex = NULL;

  gcry_randomize (salt, sizeof salt, GCRY_STRONG_RANDOM);
  hex = kb_hex_encode (salt, sizeof salt);

  return kb_settings_set (db, KB_SETTING_CARD_SALT, hex, NULL, error) &&
         kb_settings_set (db, KB_SETTING_PASSWORD_MIN_LENGTH, "10", NULL, error) &&
         kb_settings_set (db, KB_SETTING_PASSWORD_MIN_CLASSES, "2", NULL, error) &&
         kb_settings_set (db, KB_SETTING_PASSWORD_MAX_AGE, "0", NULL, error);
}

/**
 * kb_settings_get_card_salt:
 *
 * Returns: (transfer full) (nullable): the salt that card identities are
 *   digested with
 */
GBytes *
kb_settings_get_card_salt (KbDb    *db,
                           GError **error)
{
  g_autofree char *hex = kb_settings_get (db, KB_SETTING_CARD_SALT, error);
  gsize len;
  guint8 *bytes;

  if (hex == NULL)
    return NULL;
  len = strlen (hex);
  if (len < 32 || len % 2 != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                   _("The card salt in the settings is malformed"));
      return NULL;
    }
  bytes = g_malloc (len / 2);
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        {
          g_free (bytes);
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                       _("The card salt in the settings is malformed"));
          return NULL;
        }
      bytes[i] = (hi << 4) | lo;
    }
  return g_bytes_new_take (bytes, len / 2);
}

void
kb_settings_get_policy (KbDb             *db,
                        KbPasswordPolicy *policy)
{
  policy->min_length = kb_settings_get_int (db, KB_SETTING_PASSWORD_MIN_LENGTH, 10);
  policy->min_classes = kb_settings_get_int (db, KB_SETTING_PASSWORD_MIN_CLASSES, 2);
  policy->max_age_days = kb_settings_get_int (db, KB_SETTING_PASSWORD_MAX_AGE, 0);
}

/**
 * kb_settings_set_policy:
 *
 * Sets the password policy in one transaction. Lengths below 8 or above
 * 128, or more than 4 character classes, are refused.
 */
gboolean
kb_settings_set_policy (KbDb                   *db,
                        const KbPasswordPolicy *policy,
                        const char             *reason,
                        GError                **error)
{
  char buf[3][16];

  if (policy->min_length < 8 || policy->min_length > 128)
    {
      kb_set_field_error (error, KB_SETTING_PASSWORD_MIN_LENGTH, KB_FIELD_ERROR_INVALID,
                          _("Choose a length from 8 to 128 characters"));
      return FALSE;
    }
  if (policy->min_classes < 1 || policy->min_classes > 4)
    {
      kb_set_field_error (error, KB_SETTING_PASSWORD_MIN_CLASSES, KB_FIELD_ERROR_INVALID,
                          _("Choose from 1 to 4 kinds of characters"));
      return FALSE;
    }
  if (policy->max_age_days < 0 || policy->max_age_days > 3650)
    {
      kb_set_field_error (error, KB_SETTING_PASSWORD_MAX_AGE, KB_FIELD_ERROR_INVALID,
                          _("Choose from 0 (never) to 3650 days"));
      return FALSE;
    }

  g_snprintf (buf[0], sizeof buf[0], "%d", policy->min_length);
  g_snprintf (buf[1], sizeof buf[1], "%d", policy->min_classes);
  g_snprintf (buf[2], sizeof buf[2], "%d", policy->max_age_days);

  if (!kb_db_begin (db, error))
    return FALSE;
  if (!kb_settings_set (db, KB_SETTING_PASSWORD_MIN_LENGTH, buf[0], reason, error) ||
      !kb_settings_set (db, KB_SETTING_PASSWORD_MIN_CLASSES, buf[1], reason, error) ||
      !kb_settings_set (db, KB_SETTING_PASSWORD_MAX_AGE, buf[2], reason, error) ||
      !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}
