/* kb-admin.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"

/* --- validation ----------------------------------------------------------- */

/* g_strstrip() knows only ASCII white space, but a Japanese input method
 * types U+3000 IDEOGRAPHIC SPACE: a field of such spaces must count as
 * empty, and one at the end must not make two names differ. */
static void
strip_unicode_space (char *text)
{
  char *start = text;
  char *end;

  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  memmove (text, start, end - start);
  text[end - start] = '\0';
}

/**
 * kb_validate_text:
 * @field: the field name for the error
 * @value: (nullable): what the user typed
 * @max_chars: the longest acceptable value, in characters
 * @required: whether an empty value is an error
 * @multiline: whether line breaks are allowed
 *
 * Checks and normalises one text field: valid UTF-8, trimmed, NFC, no
 * control or invisible formatting characters (a right-to-left override in a
 * register is a way to make evidence read differently from what it says),
 * not too long.
 *
 * Returns: (transfer full) (nullable): the normalised text
 */
char *
kb_validate_text (const char  *field,
                  const char  *value,
                  guint        max_chars,
                  gboolean     required,
                  gboolean     multiline,
                  GError     **error)
{
  g_autofree char *normal = NULL;
  glong n_chars;

  if (value == NULL)
    value = "";

  if (!g_utf8_validate (value, -1, NULL))
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("This is not valid text"));
      return NULL;
    }

  normal = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  strip_unicode_space (normal);

  if (required && normal[0] == '\0')
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_EMPTY, _("This field is required"));
      return NULL;
    }

  for (const char *p = normal; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (multiline && c == '\n')
        continue;
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          c == 0x2028 || c == 0x2029)
        {
          kb_set_field_error (error, field, KB_FIELD_ERROR_CONTROL_CHARS,
                              _("Remove the control or invisible characters (U+%04X)"), c);
          return NULL;
        }
    }

  n_chars = g_utf8_strlen (normal, -1);
  if (n_chars > (glong) max_chars)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_TOO_LONG,
                          _("At most %u characters (this has %ld)"), max_chars, n_chars);
      return NULL;
    }

  return g_steal_pointer (&normal);
}

/* Staff numbers and terminal codes: letters, digits and hyphens. Full-width
 * digits typed with a Japanese input method are folded to ASCII first. */
static char *
validate_code (const char  *field,
               const char  *value,
               guint        max_chars,
               GError     **error)
{
  g_autofree char *text = kb_validate_text (field, value, max_chars, TRUE, FALSE, error);
  g_autofree char *folded = NULL;

  if (text == NULL)
    return NULL;

  folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  for (const char *p = folded; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      {
        kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                            _("Use only letters, digits, “-” and “_”"));
        return NULL;
      }

  return g_steal_pointer (&folded);
}

static gboolean
is_kana (gunichar c)
{
  return (c >= 0x3041 && c <= 0x3096) ||   /* hiragana */
         (c >= 0x30a1 && c <= 0x30fa) ||   /* katakana */
         c == 0x30fc || c == 0x30fb ||     /* ー ・ */
         c == 0x309d || c == 0x309e || c == 0x30fd || c == 0x30fe ||  /* ゝゞヽヾ */
         c == ' ' || c == 0x3000;
}

static char *
validate_kana (const char  *value,
               GError     **error)
{
  g_autofree char *text = kb_validate_text (KB_FIELD_KANA, value, KB_MAX_NAME, TRUE, FALSE, error);
  g_autofree char *folded = NULL;

  if (text == NULL)
    return NULL;

  /* NFKC turns half-width katakana into the ordinary full-width form. */
  folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_kana (g_utf8_get_char (p)))
      {
        kb_set_field_error (error, KB_FIELD_KANA, KB_FIELD_ERROR_INVALID,
                            _("Write the reading in kana (katakana or hiragana)"));
        return NULL;
      }

  return g_steal_pointer (&folded);
}

static char *
validate_reason (gint64       id,
                 const char  *reason,
                 GError     **error)
{
  /* A new row needs no reason; every later change does. */
  return kb_validate_text (KB_FIELD_REASON, reason, KB_MAX_REASON, id != 0, TRUE, error);
}

static char *
reason_detail (const char *reason)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  KbCanon canon;

  if (reason == NULL || reason[0] == '\0')
    return NULL;

  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, "reason", reason);
  kb_canon_finish (&canon);
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

/* --- the write path ------------------------------------------------------- */

static gboolean
exists_other (KbDb        *db,
              const char  *sql,
              const char  *value,
              gint64       id,
              gboolean    *exists,
              GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the database"));
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
check_unique (KbDb        *db,
              const char  *table,
              const char  *column,
              const char  *field,
              const char  *value,
              gint64       id,
              const char  *message,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE %s = ?1 AND id != ?2",
                                          table, column);
  gboolean exists = FALSE;

  if (!exists_other (db, sql, value, id, &exists, error))
    return FALSE;
  if (exists)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_DUPLICATE, message, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_division (KbDb        *db,
                const char  *field,
                gint64       division_id,
                GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT active FROM divisions WHERE id = ?1", error);
  int rc;
  gboolean active;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, division_id);
  rc = sqlite3_step (stmt);
  active = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("Choose a division"));
      return FALSE;
    }
  if (!active)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("This division is retired"));
      return FALSE;
    }
  return TRUE;
}

/* Journals the row as it now is and commits; an amendment that changed
 * nothing is rolled back instead, leaving no entry. */
static gint64
finish_change (KbDb        *db,
               const char  *entity,
               gint64       id,
               gboolean     created,
               const char  *before,
               const char  *reason,
               GError     **error)
{
  g_autofree char *kind = g_strconcat (entity, created ? ".create" : ".amend", NULL);
  g_autofree char *detail = reason_detail (reason);
  g_autofree char *after = kb_journal_row_state (db, entity, id, error);

  if (after == NULL)
    goto failed;

  if (before != NULL && strcmp (before, after) == 0)
    {
      kb_db_rollback (db);
      return id;
    }

  if (!kb_journal_append (db, kind, entity, id, after, detail, error) ||
      !kb_db_commit (db, error))
    goto failed;

  return id;

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_admin_require_role:
 * @roles: any of these will do
 *
 * Checks that the acting operator holds one of @roles and is active. The
 * "system" actor (no one signed in: the command line, the first start)
 * passes.
 */
gboolean
kb_admin_require_role (KbDb     *db,
                       KbRoles   roles,
                       GError  **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gboolean ok;

  if (actor == 0)
    return TRUE;

  stmt = kb_db_prepare (db, "SELECT roles, active FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor);
  ok = sqlite3_step (stmt) == SQLITE_ROW &&
       (sqlite3_column_int (stmt, 0) & roles) != 0 &&
       sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);

  if (!ok)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                 _("Only a security officer can change this"));
  return ok;
}

/* Starts the change of an existing row: begins, and reads its state so that
 * an amendment of nothing can be told apart. */
static gboolean
begin_change (KbDb        *db,
              const char  *entity,
              gint64       id,
              char       **before,
              GError     **error)
{
  *before = NULL;
  if (!kb_admin_require_role (db, KB_ROLE_SECURITY_OFFICER, error))
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;
  if (id != 0 && (*before = kb_journal_row_state (db, entity, id, error)) == NULL)
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_write (KbDb         *db,
            sqlite3_stmt *stmt,
            gint64       *id,
            GError      **error)
{
  if (!kb_db_step_done (db, stmt, error))
    return FALSE;
  if (*id == 0)
    *id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  return TRUE;
}

/**
 * kb_admin_save_division:
 * @division: the values; id 0 creates a division
 * @reason: (nullable): why, required when amending
 *
 * Returns: the division's id, or 0 with @error set
 */
gint64
kb_admin_save_division (KbDb        *db,
                        KbDivision  *division,
                        const char  *reason,
                        GError     **error)
{
  gint64 id = kb_division_get_id (division);
  g_autofree char *name = NULL;
  g_autofree char *why = NULL;
  g_autofree char *before = NULL;
  sqlite3_stmt *stmt;

  if ((name = kb_validate_text (KB_FIELD_NAME, kb_division_get_name (division), KB_MAX_NAME,
                                TRUE, FALSE, error)) == NULL ||
      (why = validate_reason (id, reason, error)) == NULL)
    return 0;

  if (!begin_change (db, "division", id, &before, error))
    return 0;

  if (!check_unique (db, "divisions", "name", KB_FIELD_NAME, name, id,
                     _("There is already a division called “%s”"), error))
    goto failed;

  stmt = kb_db_prepare (db, id == 0 ? "INSERT INTO divisions (name) VALUES (?1)"
                                    : "UPDATE divisions SET name = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!step_write (db, stmt, &id, error))
    goto failed;

  return finish_change (db, "division", id, before == NULL, before, why, error);

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_admin_save_operator:
 * @op: the values; id 0 registers a new operator
 * @reason: (nullable): why, required when amending
 *
 * Returns: the operator's id, or 0 with @error set (a %KB_FIELD_ERROR for
 *   a value the user must correct)
 */
gint64
kb_admin_save_operator (KbDb        *db,
                        KbOperator  *op,
                        const char  *reason,
                        GError     **error)
{
  gint64 id = kb_operator_get_id (op);
  g_autofree char *staff = NULL;
  g_autofree char *name = NULL;
  g_autofree char *kana = NULL;
  g_autofree char *why = NULL;
  g_autofree char *before = NULL;
  KbRoles r = kb_operator_get_roles (op);
  sqlite3_stmt *stmt;

  if ((staff = validate_code (KB_FIELD_STAFF_NUMBER, kb_operator_get_staff_number (op),
                              KB_MAX_STAFF_NUMBER, error)) == NULL ||
      (name = kb_validate_text (KB_FIELD_NAME, kb_operator_get_name (op), KB_MAX_NAME,
                                TRUE, FALSE, error)) == NULL ||
      (kana = validate_kana (kb_operator_get_kana (op), error)) == NULL)
    return 0;

  if (r == KB_ROLE_NONE || (r & ~KB_ROLES_ALL) != 0)
    {
      kb_set_field_error (error, KB_FIELD_ROLES, KB_FIELD_ERROR_EMPTY,
                          _("Give the operator at least one role"));
      return 0;
    }

  if ((why = validate_reason (id, reason, error)) == NULL)
    return 0;

  if (!begin_change (db, "operator", id, &before, error))
    return 0;

  if (!check_unique (db, "operators", "staff_number", KB_FIELD_STAFF_NUMBER, staff, id,
                     _("Staff number %s is already registered"), error) ||
      !check_division (db, KB_FIELD_DIVISION, kb_operator_get_division_id (op), error))
    goto failed;

  stmt = kb_db_prepare (db,
                        id == 0
                        ? "INSERT INTO operators (staff_number, name, kana, division_id, roles)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)"
                        : "UPDATE operators SET staff_number = ?1, name = ?2, kana = ?3,"
                          " division_id = ?4, roles = ?5 WHERE id = ?6",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kana, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, kb_operator_get_division_id (op));
  sqlite3_bind_int (stmt, 5, r);
  sqlite3_bind_int64 (stmt, 6, id);
  if (!step_write (db, stmt, &id, error))
    goto failed;

  return finish_change (db, "operator", id, before == NULL, before, why, error);

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_admin_save_terminal:
 * @terminal: the values; id 0 registers a new terminal
 * @reason: (nullable): why, required when amending
 *
 * Returns: the terminal's id, or 0 with @error set
 */
gint64
kb_admin_save_terminal (KbDb        *db,
                        KbTerminal  *terminal,
                        const char  *reason,
                        GError     **error)
{
  gint64 id = kb_terminal_get_id (terminal);
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *why = NULL;
  g_autofree char *before = NULL;
  sqlite3_stmt *stmt;

  if ((code = validate_code (KB_FIELD_CODE, kb_terminal_get_code (terminal), KB_MAX_CODE,
                             error)) == NULL ||
      (name = kb_validate_text (KB_FIELD_NAME, kb_terminal_get_name (terminal), KB_MAX_NAME,
                                TRUE, FALSE, error)) == NULL ||
      (location = kb_validate_text (KB_FIELD_LOCATION, kb_terminal_get_location (terminal),
                                    KB_MAX_LOCATION, TRUE, FALSE, error)) == NULL ||
      (why = validate_reason (id, reason, error)) == NULL)
    return 0;

  if (!begin_change (db, "terminal", id, &before, error))
    return 0;

  if (!check_unique (db, "terminals", "code", KB_FIELD_CODE, code, id,
                     _("Terminal %s is already registered"), error))
    goto failed;

  stmt = kb_db_prepare (db,
                        id == 0
                        ? "INSERT INTO terminals (code, name, location) VALUES (?1, ?2, ?3)"
                        : "UPDATE terminals SET code = ?1, name = ?2, location = ?3 WHERE id = ?4",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, location, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, id);
  if (!step_write (db, stmt, &id, error))
    goto failed;

  return finish_change (db, "terminal", id, before == NULL, before, why, error);

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_admin_save_task:
 * @task: the values, with the divisions it is approved for; id 0 adds a task
 * @reason: (nullable): why, required when amending
 *
 * Returns: the task's id, or 0 with @error set
 */
gint64
kb_admin_save_task (KbDb        *db,
                    KbTask      *task,
                    const char  *reason,
                    GError     **error)
{
  gint64 id = kb_task_get_id (task);
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *why = NULL;
  g_autofree char *before = NULL;
  const gint64 *divisions;
  guint n_divisions;
  sqlite3_stmt *stmt;

  divisions = kb_task_get_division_ids (task, &n_divisions);

  if ((name = kb_validate_text (KB_FIELD_NAME, kb_task_get_name (task), KB_MAX_NAME,
                                TRUE, FALSE, error)) == NULL ||
      (description = kb_validate_text (KB_FIELD_DESCRIPTION, kb_task_get_description (task),
                                       KB_MAX_DESCRIPTION, FALSE, TRUE, error)) == NULL)
    return 0;

  if (n_divisions == 0)
    {
      kb_set_field_error (error, KB_FIELD_DIVISIONS, KB_FIELD_ERROR_EMPTY,
                          _("Approve the task for at least one division"));
      return 0;
    }

  if ((why = validate_reason (id, reason, error)) == NULL)
    return 0;

  if (!begin_change (db, "task", id, &before, error))
    return 0;

  if (!check_unique (db, "tasks", "name", KB_FIELD_NAME, name, id,
                     _("There is already a business task called “%s”"), error))
    goto failed;
  for (guint i = 0; i < n_divisions; i++)
    if (!check_division (db, KB_FIELD_DIVISIONS, divisions[i], error))
      goto failed;

  stmt = kb_db_prepare (db,
                        id == 0
                        ? "INSERT INTO tasks (name, description) VALUES (?1, ?2)"
                        : "UPDATE tasks SET name = ?1, description = ?2 WHERE id = ?3",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!step_write (db, stmt, &id, error))
    goto failed;

  stmt = kb_db_prepare (db, "DELETE FROM task_divisions WHERE task_id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;

  stmt = kb_db_prepare (db, "INSERT OR IGNORE INTO task_divisions (task_id, division_id)"
                            " VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto failed;
  for (guint i = 0; i < n_divisions; i++)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, divisions[i]);
      if (!kb_db_step_done (db, stmt, error))
        goto failed;
    }

  return finish_change (db, "task", id, before == NULL, before, why, error);

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_admin_set_active:
 * @entity: "division", "operator", "terminal" or "task"
 * @active: %FALSE retires the row, %TRUE reinstates it
 * @reason: why; required
 *
 * Rows are never deleted: a retired row stays in its register, marked.
 */
gboolean
kb_admin_set_active (KbDb        *db,
                     const char  *entity,
                     gint64       id,
                     gboolean     active,
                     const char  *reason,
                     GError     **error)
{
  const KbRegister *reg = kb_register_lookup (entity);
  g_autofree char *why = NULL;
  g_autofree char *before = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (reg != NULL, FALSE);
  g_return_val_if_fail (id > 0, FALSE);

  if ((why = kb_validate_text (KB_FIELD_REASON, reason, KB_MAX_REASON, TRUE, TRUE,
                               error)) == NULL)
    return FALSE;

  if (!begin_change (db, entity, id, &before, error))
    return FALSE;

  if (!active && g_str_equal (entity, "division"))
    {
      stmt = kb_db_prepare (db, "SELECT count (*) FROM operators"
                                " WHERE division_id = ?1 AND active = 1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0)
        {
          int n = sqlite3_column_int (stmt, 0);

          sqlite3_reset (stmt);
          g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The division still has %d active operator; move or "
                                    "retire them first",
                                    "The division still has %d active operators; move or "
                                    "retire them first", n), n);
          goto failed;
        }
      sqlite3_reset (stmt);
    }

  sql = g_strdup_printf ("UPDATE %s SET active = ?1 WHERE id = ?2", reg->table);
  stmt = kb_db_prepare (db, sql, error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int (stmt, 1, active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!kb_db_step_done (db, stmt, error))
    goto failed;

  {
    g_autofree char *after = kb_journal_row_state (db, entity, id, error);

    if (after == NULL)
      goto failed;
    if (strcmp (before, after) == 0)
      {
        /* Already in that state: nothing to record. */
        kb_db_rollback (db);
        return TRUE;
      }
    kind = g_strconcat (entity, active ? ".reinstate" : ".retire", NULL);
    detail = reason_detail (why);
    if (!kb_journal_append (db, kind, entity, id, after, detail, error) ||
        !kb_db_commit (db, error))
      goto failed;
  }

  return TRUE;

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* --- reading -------------------------------------------------------------- */

static const char *
col_text (sqlite3_stmt *stmt,
          int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return text != NULL ? text : "";
}

typedef gpointer (*RowFunc) (sqlite3_stmt *stmt);

static GListModel *
list_rows (KbDb        *db,
           GType        type,
           const char  *sql,
           RowFunc      make,
           GError     **error)
{
  g_autoptr(GListStore) store = g_list_store_new (type);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, make (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the database"));
      return NULL;
    }

  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return G_LIST_MODEL (g_steal_pointer (&store));
}

static gpointer
make_division (sqlite3_stmt *stmt)
{
  return kb_division_new (sqlite3_column_int64 (stmt, 0), col_text (stmt, 1),
                          sqlite3_column_int (stmt, 2));
}

static gpointer
make_operator (sqlite3_stmt *stmt)
{
  return kb_operator_new (sqlite3_column_int64 (stmt, 0), col_text (stmt, 1),
                          col_text (stmt, 2), col_text (stmt, 3),
                          sqlite3_column_int64 (stmt, 4), col_text (stmt, 5),
                          sqlite3_column_int (stmt, 6), sqlite3_column_int (stmt, 7));
}

static gpointer
make_terminal (sqlite3_stmt *stmt)
{
  return kb_terminal_new (sqlite3_column_int64 (stmt, 0), col_text (stmt, 1),
                          col_text (stmt, 2), col_text (stmt, 3),
                          sqlite3_column_int (stmt, 4));
}

static gpointer
make_task (sqlite3_stmt *stmt)
{
  g_auto(GStrv) ids = g_strsplit (col_text (stmt, 4), ",", -1);
  g_autoptr(GArray) div_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(GStrv) names = g_strsplit (col_text (stmt, 5), "\x1f", -1);
  /* Translators: separates division names in a list */
  g_autofree char *joined = g_strjoinv (_(", "), names);

  for (guint i = 0; ids[i] != NULL; i++)
    if (ids[i][0] != '\0')
      {
        gint64 v = g_ascii_strtoll (ids[i], NULL, 10);
        g_array_append_val (div_ids, v);
      }

  return kb_task_new (sqlite3_column_int64 (stmt, 0), col_text (stmt, 1),
                      col_text (stmt, 2), (const gint64 *) (gpointer) div_ids->data,
                      div_ids->len, joined, sqlite3_column_int (stmt, 3));
}

/**
 * kb_admin_list_divisions:
 *
 * Returns: (transfer full) (nullable): all divisions as #KbDivision, active first
 */
GListModel *
kb_admin_list_divisions (KbDb    *db,
                         GError **error)
{
  return list_rows (db, KB_TYPE_DIVISION,
                    "SELECT id, name, active FROM divisions ORDER BY active DESC, id",
                    make_division, error);
}

/**
 * kb_admin_list_operators:
 *
 * Returns: (transfer full) (nullable): all operators as #KbOperator, active
 *   first, in kana order
 */
GListModel *
kb_admin_list_operators (KbDb    *db,
                         GError **error)
{
  return list_rows (db, KB_TYPE_OPERATOR,
                    "SELECT o.id, o.staff_number, o.name, o.kana, o.division_id, d.name,"
                    " o.roles, o.active FROM operators o JOIN divisions d ON d.id = o.division_id"
                    " ORDER BY o.active DESC, o.kana, o.id",
                    make_operator, error);
}

/**
 * kb_admin_list_terminals:
 *
 * Returns: (transfer full) (nullable): all terminals as #KbTerminal
 */
GListModel *
kb_admin_list_terminals (KbDb    *db,
                         GError **error)
{
  return list_rows (db, KB_TYPE_TERMINAL,
                    "SELECT id, code, name, location, active FROM terminals"
                    " ORDER BY active DESC, code",
                    make_terminal, error);
}

/**
 * kb_admin_list_tasks:
 *
 * Returns: (transfer full) (nullable): all business tasks as #KbTask
 */
GListModel *
kb_admin_list_tasks (KbDb    *db,
                     GError **error)
{
  return list_rows (db, KB_TYPE_TASK,
                    "SELECT t.id, t.name, t.description, t.active,"
                    " (SELECT group_concat (division_id, ',') FROM"
                    "   (SELECT division_id FROM task_divisions WHERE task_id = t.id"
                    "    ORDER BY division_id)),"
                    " (SELECT group_concat (name, char (31)) FROM"
                    "   (SELECT d.name FROM task_divisions td JOIN divisions d"
                    "    ON d.id = td.division_id WHERE td.task_id = t.id ORDER BY d.id))"
                    " FROM tasks t ORDER BY t.active DESC, t.id",
                    make_task, error);
}
