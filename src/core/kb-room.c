/* kb-room.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The equipment-room entry log (入退室管理). One row per stay in a room:
 * who (an operator, or a visitor with their organisation and an escort),
 * why, when they came in and went out, and the key they were given. The
 * rules that paper cannot keep are kept here: nobody is inside the same
 * room twice, a key is out to one person at a time, and nothing happens
 * in the future or before it began.
 */

#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-room.h"

/* --- KbRoomEntry ------------------------------------------------------------ */

struct _KbRoomEntry {
  GObject parent_instance;
  gint64 id;
  char *room;
  gint64 operator_id;
  char *person_name;
  char *organisation;
  char *purpose;
  gint64 entered_at;
  gint64 left_at;
  gint64 escort_id;
  char *escort_name;
  char *key_label;
  gint64 key_returned_at;
};

G_DEFINE_FINAL_TYPE (KbRoomEntry, kb_room_entry, G_TYPE_OBJECT)

static void
kb_room_entry_finalize (GObject *object)
{
  KbRoomEntry *self = KB_ROOM_ENTRY (object);

  g_free (self->room);
  g_free (self->person_name);
  g_free (self->organisation);
  g_free (self->purpose);
  g_free (self->escort_name);
  g_free (self->key_label);
  G_OBJECT_CLASS (kb_room_entry_parent_class)->finalize (object);
}

static void
kb_room_entry_class_init (KbRoomEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_room_entry_finalize;
}

static void
kb_room_entry_init (KbRoomEntry *self)
{
}

gint64      kb_room_entry_get_id              (KbRoomEntry *self) { return self->id; }
const char *kb_room_entry_get_room            (KbRoomEntry *self) { return self->room; }
gint64      kb_room_entry_get_operator_id     (KbRoomEntry *self) { return self->operator_id; }
const char *kb_room_entry_get_person_name     (KbRoomEntry *self) { return self->person_name; }
const char *kb_room_entry_get_organisation    (KbRoomEntry *self) { return self->organisation; }
gboolean    kb_room_entry_is_visitor          (KbRoomEntry *self) { return self->operator_id == 0; }
const char *kb_room_entry_get_purpose         (KbRoomEntry *self) { return self->purpose; }
gint64      kb_room_entry_get_entered_at      (KbRoomEntry *self) { return self->entered_at; }
gint64      kb_room_entry_get_left_at         (KbRoomEntry *self) { return self->left_at; }
gint64      kb_room_entry_get_escort_id       (KbRoomEntry *self) { return self->escort_id; }
const char *kb_room_entry_get_escort_name     (KbRoomEntry *self) { return self->escort_name; }
const char *kb_room_entry_get_key_label       (KbRoomEntry *self) { return self->key_label; }
gint64      kb_room_entry_get_key_returned_at (KbRoomEntry *self) { return self->key_returned_at; }

gboolean
kb_room_entry_get_inside (KbRoomEntry *self)
{
  g_return_val_if_fail (KB_IS_ROOM_ENTRY (self), FALSE);
  return self->left_at == 0;
}

gboolean
kb_room_entry_get_key_out (KbRoomEntry *self)
{
  g_return_val_if_fail (KB_IS_ROOM_ENTRY (self), FALSE);
  return self->key_label != NULL && self->key_returned_at == 0;
}

/* The columns every reading query selects, in this order. */
#define ENTRY_SELECT \
  "SELECT r.id, r.room, r.operator_id, coalesce (o.name, r.visitor_name)," \
  " coalesce (r.visitor_org, d.name), r.purpose, r.entered_at, r.left_at, r.escort_id," \
  " e.name, r.key_label, r.key_returned_at" \
  " FROM room_entries r" \
  " LEFT JOIN operators o ON o.id = r.operator_id" \
  " LEFT JOIN divisions d ON d.id = o.division_id" \
  " LEFT JOIN operators e ON e.id = r.escort_id"

static char *
dup_col (sqlite3_stmt *stmt,
         int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return g_strdup (text != NULL ? text : "");
}

static KbRoomEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  KbRoomEntry *self = g_object_new (KB_TYPE_ROOM_ENTRY, NULL);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->room = dup_col (stmt, 1);
  self->operator_id = sqlite3_column_int64 (stmt, 2);
  self->person_name = dup_col (stmt, 3);
  self->organisation = dup_col (stmt, 4);
  self->purpose = dup_col (stmt, 5);
  self->entered_at = sqlite3_column_int64 (stmt, 6);
  self->left_at = sqlite3_column_int64 (stmt, 7);
  self->escort_id = sqlite3_column_int64 (stmt, 8);
  self->escort_name = dup_col (stmt, 9);
  self->key_label = sqlite3_column_type (stmt, 10) == SQLITE_NULL ? NULL : dup_col (stmt, 10);
  self->key_returned_at = sqlite3_column_int64 (stmt, 11);
  return self;
}

/* --- who may do what ---------------------------------------------------------- */

/* The acting operator must hold one of @roles and be active; the system
 * (no one signed in: the command line, the demo) passes, as it does for
 * the other registers. */
static gboolean
require_roles (KbDb        *db,
               KbRoles      roles,
               const char  *refusal,
               GError     **error)
{
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gboolean ok;
  int rc;

  if (actor == 0)
    return TRUE;
  stmt = kb_db_prepare (db, "SELECT roles, active FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, actor);
  rc = sqlite3_step (stmt);
  ok = rc == SQLITE_ROW && (sqlite3_column_int (stmt, 0) & roles) != 0 &&
       sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      return FALSE;
    }
  if (!ok)
    g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED, refusal);
  return ok;
}

static gboolean
require_keeper (KbDb    *db,
                GError **error)
{
  return require_roles (db, KB_ROLES_ROOM_KEEPERS,
                        _("Only a security officer or the network administrator keeps the "
                          "equipment-room log"),
                        error);
}

static gboolean
require_reader (KbDb    *db,
                GError **error)
{
  return require_roles (db, KB_ROLES_ROOM_READERS,
                        _("Only the security officers, the network administrator and auditors "
                          "can read the equipment-room log"),
                        error);
}

/* --- reading ------------------------------------------------------------------ */

/**
 * kb_room_list:
 * @from: first second of the period (Unix time), 0 for no lower bound
 * @to: first second after it, 0 for no upper bound
 *
 * Every entry of someone still inside or of a key still out, whenever it
 * began, then the entries that began in the period. Inside or key out
 * first, newest first within each.
 *
 * Returns: (transfer full): a model of #KbRoomEntry, or %NULL with @error
 *   set (%KB_STORE_ERROR_REFUSED for those who may not read the log)
 */
GListModel *
kb_room_list (KbDb    *db,
              gint64   from,
              gint64   to,
              GError **error)
{
  g_autoptr(GListStore) entries = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!require_reader (db, error))
    return NULL;

  /* Three cheap sets (the two partial indexes, the time index) rather
   * than one OR that reads the whole table. */
  stmt = kb_db_prepare (db, ENTRY_SELECT
                            " WHERE r.id IN (SELECT id FROM room_entries WHERE left_at IS NULL"
                            "  UNION SELECT id FROM room_entries"
                            "   WHERE key_label IS NOT NULL AND key_returned_at IS NULL"
                            "  UNION SELECT id FROM room_entries"
                            "   WHERE entered_at >= ?1 AND entered_at < ?2)"
                            " ORDER BY (r.left_at IS NULL OR (r.key_label IS NOT NULL"
                            "   AND r.key_returned_at IS NULL)) DESC, r.entered_at DESC, r.id DESC",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to != 0 ? to : G_MAXINT64);

  entries = g_list_store_new (KB_TYPE_ROOM_ENTRY);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbRoomEntry) entry = entry_from_row (stmt);

      g_list_store_append (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the equipment-room log"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&entries));
}

/**
 * kb_room_names:
 *
 * Returns: (transfer full): the rooms named in the log, the most used
 *   first, or %NULL with @error set
 */
GStrv
kb_room_names (KbDb    *db,
               GError **error)
{
  g_autoptr(GStrvBuilder) names = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!require_reader (db, error))
    return NULL;
  stmt = kb_db_prepare (db, "SELECT room FROM room_entries GROUP BY room"
                            " ORDER BY count (*) DESC, max (entered_at) DESC, room", error);
  if (stmt == NULL)
    return NULL;
  names = g_strv_builder_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the equipment-room log"));
      return NULL;
    }
  return g_strv_builder_end (names);
}

/* --- times -------------------------------------------------------------------- */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* "HH:MM" today or "YYYY-MM-DD HH:MM" (also "/" between the parts of the
 * date, full-width digits from an input method), local time; NULL or
 * empty: @now. Never after @now. */
static gboolean
parse_time (const char  *field,
            const char  *text,
            gint64       now,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) t = NULL;
  g_autofree char *normal = NULL;
  int year, month, day, hour, minute;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      if (text == NULL)
        {
          *out = now;
          return TRUE;
        }
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("This is not valid text"));
      return FALSE;
    }
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_strstrip (normal);
  if (normal[0] == '\0')
    {
      *out = now;
      return TRUE;
    }

  regex = g_regex_new ("^(?:([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})[ T]+)?"
                       "([0-9]{1,2}):([0-9]{2})$", 0, 0, NULL);
  if (!g_regex_match (regex, normal, 0, &match))
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("Enter a time as HH:MM, or a date and time as YYYY-MM-DD HH:MM"));
      return FALSE;
    }

  local_now = g_date_time_new_from_unix_local (now);
  g_date_time_get_ymd (local_now, &year, &month, &day);
  {
    g_autofree char *y = g_match_info_fetch (match, 1);
    g_autofree char *mo = g_match_info_fetch (match, 2);
    g_autofree char *d = g_match_info_fetch (match, 3);
    g_autofree char *h = g_match_info_fetch (match, 4);
    g_autofree char *mi = g_match_info_fetch (match, 5);

    if (y != NULL && y[0] != '\0')
      {
        year = atoi (y);
        month = atoi (mo);
        day = atoi (d);
      }
    hour = atoi (h);
    minute = atoi (mi);
  }

  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31 ||
      !g_date_valid_dmy (day, month, year))
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("There is no such date"));
      return FALSE;
    }
  if (hour > 23 || minute > 59)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("There is no such time"));
      return FALSE;
    }
  t = g_date_time_new_local (year, month, day, hour, minute, 0);
  if (t == NULL)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("There is no such time"));
      return FALSE;
    }
  *out = g_date_time_to_unix (t);
  if (*out > now)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, _("This is in the future"));
      return FALSE;
    }
  return TRUE;
}

/* --- validation --------------------------------------------------------------- */

/* Text as kb_validate_text() checks it, folded with NFKC (full-width
 * letters and digits, U+3000) and with runs of spaces made one: the way
 * a name is compared with the names already in the log. */
static char *
validate_folded (const char  *field,
                 const char  *value,
                 guint        max_chars,
                 gboolean     required,
                 GError     **error)
{
  g_autofree char *text = kb_validate_text (field, value, max_chars, required, FALSE, error);
  g_autofree char *folded = NULL;
  GString *out;
  gboolean space = FALSE;

  if (text == NULL)
    return NULL;
  folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  out = g_string_new (NULL);
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_unichar (out, c);
        }
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  gboolean found;
  gboolean active;
  char *name;
} Person;

static gboolean
load_person (KbDb    *db,
             gint64   id,
             Person  *person,
             GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT name, active FROM operators WHERE id = ?1",
                                      error);
  int rc;

  memset (person, 0, sizeof *person);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      person->found = TRUE;
      person->name = dup_col (stmt, 0);
      person->active = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_active_operator (KbDb        *db,
                       gint64       id,
                       const char  *field,
                       const char  *message,
                       GError     **error)
{
  Person person;
  gboolean ok;

  if (!load_person (db, id, &person, error))
    return FALSE;
  ok = person.found && person.active;
  g_free (person.name);
  if (!ok)
    kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID, "%s", message);
  return ok;
}

/* Nobody is in the same room twice at once. The new stay runs from
 * @entered to now and on, so any stay of theirs there that ends after
 * @entered (or has not ended) is in the way. */
static gboolean
check_not_inside (KbDb        *db,
                  const char  *room,
                  gint64       operator_id,
                  const char  *visitor_name,
                  const char  *visitor_org,
                  const char  *name,
                  gint64       entered,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean clash;

  if (operator_id != 0)
    stmt = kb_db_prepare (db, "SELECT entered_at, left_at FROM room_entries"
                              " WHERE room = ?1 AND operator_id = ?2"
                              " AND coalesce (left_at, 9223372036854775807) > ?4"
                              " ORDER BY entered_at DESC LIMIT 1", error);
  else
    stmt = kb_db_prepare (db, "SELECT entered_at, left_at FROM room_entries"
                              " WHERE room = ?1 AND visitor_name = ?3 AND visitor_org = ?5"
                              " AND coalesce (left_at, 9223372036854775807) > ?4"
                              " ORDER BY entered_at DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, room, -1, SQLITE_TRANSIENT);
  if (operator_id != 0)
    sqlite3_bind_int64 (stmt, 2, operator_id);
  else
    {
      sqlite3_bind_text (stmt, 3, visitor_name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, visitor_org, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 4, entered);
  clash = sqlite3_step (stmt) == SQLITE_ROW;
  if (clash)
    {
      const char *field = operator_id != 0 ? KB_FIELD_PERSON : KB_FIELD_VISITOR_NAME;
      g_autofree char *from = format_time (sqlite3_column_int64 (stmt, 0));

      if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
        kb_set_field_error (error, field, KB_FIELD_ERROR_DUPLICATE,
                            _("%s is inside %s since %s"), name, room, from);
      else
        {
          g_autofree char *to = format_time (sqlite3_column_int64 (stmt, 1));

          kb_set_field_error (error, field, KB_FIELD_ERROR_DUPLICATE,
                              _("%s was inside %s from %s to %s"), name, room, from, to);
        }
    }
  sqlite3_reset (stmt);
  return !clash;
}

/* A key is out from the entry to its return; one person at a time. */
static gboolean
check_key_free (KbDb        *db,
                const char  *room,
                const char  *key,
                gint64       entered,
                GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT coalesce (o.name, r.visitor_name),"
                                          " r.entered_at, r.key_returned_at"
                                          " FROM room_entries r"
                                          " LEFT JOIN operators o ON o.id = r.operator_id"
                                          " WHERE r.room = ?1 AND r.key_label = ?2"
                                          " AND coalesce (r.key_returned_at,"
                                          "   9223372036854775807) > ?3"
                                          " ORDER BY r.entered_at DESC LIMIT 1", error);
  gboolean clash;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, entered);
  clash = sqlite3_step (stmt) == SQLITE_ROW;
  if (clash)
    {
      const char *who = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *from = format_time (sqlite3_column_int64 (stmt, 1));

      if (sqlite3_column_type (stmt, 2) == SQLITE_NULL)
        kb_set_field_error (error, KB_FIELD_KEY, KB_FIELD_ERROR_DUPLICATE,
                            _("Key “%s” is out to %s since %s"), key, who, from);
      else
        {
          g_autofree char *to = format_time (sqlite3_column_int64 (stmt, 2));

          kb_set_field_error (error, KB_FIELD_KEY, KB_FIELD_ERROR_DUPLICATE,
                              _("Key “%s” was out to %s from %s to %s"), key, who, from, to);
        }
    }
  sqlite3_reset (stmt);
  return !clash;
}

/* --- writing ------------------------------------------------------------------ */

static gboolean
commit_or_rollback (KbDb     *db,
                    gboolean  ok,
                    GError  **error)
{
  if (ok && kb_db_commit (db, error))
    return TRUE;
  kb_db_rollback (db);
  return FALSE;
}

/**
 * kb_room_enter:
 * @change: what the form says
 *
 * Records that someone went into a room. Every field is checked first, and
 * against the log inside the transaction; on any error nothing is written
 * and a %KB_FIELD_ERROR names the field.
 *
 * Returns: the new entry's id, or 0 with @error set
 */
gint64
kb_room_enter (KbDb                    *db,
               const KbRoomEntryChange *change,
               GError                 **error)
{
  g_autofree char *room = NULL;
  g_autofree char *visitor_name = NULL;
  g_autofree char *visitor_org = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *key = NULL;
  g_autofree char *person_name = NULL;
  gboolean visitor;
  gint64 entered, id = 0, actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (change != NULL, 0);

  if (!require_keeper (db, error))
    return 0;

  room = kb_validate_text (KB_FIELD_ROOM, change->room, KB_ROOM_MAX_ROOM, TRUE, FALSE, error);
  if (room == NULL)
    return 0;

  visitor_name = validate_folded (KB_FIELD_VISITOR_NAME, change->visitor_name, KB_MAX_NAME, FALSE,
                                  error);
  if (visitor_name == NULL)
    return 0;
  visitor_org = validate_folded (KB_FIELD_VISITOR_ORG, change->visitor_org, KB_ROOM_MAX_ORG, FALSE,
                                 error);
  if (visitor_org == NULL)
    return 0;
  visitor = visitor_name[0] != '\0';
  if (change->operator_id != 0 && (visitor || visitor_org[0] != '\0'))
    {
      kb_set_field_error (error, KB_FIELD_PERSON, KB_FIELD_ERROR_INVALID,
                          _("Choose an operator or enter a visitor, not both"));
      return 0;
    }
  if (change->operator_id == 0 && !visitor)
    {
      if (visitor_org[0] != '\0')
        kb_set_field_error (error, KB_FIELD_VISITOR_NAME, KB_FIELD_ERROR_EMPTY,
                            _("Enter the visitor’s name"));
      else
        kb_set_field_error (error, KB_FIELD_PERSON, KB_FIELD_ERROR_EMPTY,
                            _("Choose an operator, or enter a visitor’s name and organisation"));
      return 0;
    }
  if (visitor && visitor_org[0] == '\0')
    {
      kb_set_field_error (error, KB_FIELD_VISITOR_ORG, KB_FIELD_ERROR_EMPTY,
                          _("Enter the visitor’s organisation"));
      return 0;
    }

  purpose = kb_validate_text (KB_FIELD_PURPOSE, change->purpose, KB_ROOM_MAX_PURPOSE, TRUE, FALSE,
                              error);
  if (purpose == NULL)
    return 0;

  if (visitor && change->escort_id == 0)
    {
      kb_set_field_error (error, KB_FIELD_ESCORT, KB_FIELD_ERROR_EMPTY,
                          _("A visitor must be escorted by an operator"));
      return 0;
    }
  if (change->escort_id != 0 && change->escort_id == change->operator_id)
    {
      kb_set_field_error (error, KB_FIELD_ESCORT, KB_FIELD_ERROR_INVALID,
                          _("Nobody escorts themselves"));
      return 0;
    }

  key = validate_folded (KB_FIELD_KEY, change->key_label, KB_ROOM_MAX_KEY, FALSE, error);
  if (key == NULL)
    return 0;

  if (!parse_time (KB_FIELD_ENTERED, change->entered, now_seconds (), &entered, error))
    return 0;

  if (!kb_db_begin (db, error))
    return 0;

  ok = FALSE;
  if (!visitor)
    {
      Person person;

      if (!load_person (db, change->operator_id, &person, error))
        goto out;
      person_name = person.name;
      if (!person.found || !person.active)
        {
          kb_set_field_error (error, KB_FIELD_PERSON, KB_FIELD_ERROR_INVALID,
                              _("Choose an active operator"));
          goto out;
        }
    }
  else
    person_name = g_strdup (visitor_name);

  if (change->escort_id != 0 &&
      !check_active_operator (db, change->escort_id, KB_FIELD_ESCORT,
                              _("The escort must be an active operator"), error))
    goto out;
  if (!check_not_inside (db, room, change->operator_id, visitor_name, visitor_org, person_name,
                         entered, error))
    goto out;
  if (key[0] != '\0' && !check_key_free (db, room, key, entered, error))
    goto out;

  stmt = kb_db_prepare (db, "INSERT INTO room_entries (room, operator_id, visitor_name,"
                            " visitor_org, purpose, entered_at, escort_id, key_label, recorded_by)"
                            " VALUES (?1, nullif (?2, 0), nullif (?3, ''), nullif (?4, ''), ?5,"
                            " ?6, nullif (?7, 0), nullif (?8, ''), nullif (?9, 0))", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, change->operator_id);
  sqlite3_bind_text (stmt, 3, visitor_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, visitor_org, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, entered);
  sqlite3_bind_int64 (stmt, 7, change->escort_id);
  sqlite3_bind_text (stmt, 8, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 9, actor);
  if (!kb_db_step_done (db, stmt, error))
    goto out;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  ok = kb_journal_record (db, "room.enter", "room", id, NULL, error);

out:
  if (!commit_or_rollback (db, ok, error))
    return 0;
  return id;
}

typedef struct {
  gint64 entered_at;
  gint64 left_at;
  gboolean has_key;
  gint64 key_returned_at;
  char *name;
} Stay;

static gboolean
load_stay (KbDb    *db,
           gint64   id,
           Stay    *stay,
           GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT r.entered_at, r.left_at, r.key_label IS NOT NULL,"
                                          " r.key_returned_at, coalesce (o.name, r.visitor_name)"
                                          " FROM room_entries r"
                                          " LEFT JOIN operators o ON o.id = r.operator_id"
                                          " WHERE r.id = ?1", error);
  int rc;

  memset (stay, 0, sizeof *stay);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      stay->entered_at = sqlite3_column_int64 (stmt, 0);
      stay->left_at = sqlite3_column_int64 (stmt, 1);
      stay->has_key = sqlite3_column_int (stmt, 2) != 0;
      stay->key_returned_at = sqlite3_column_int64 (stmt, 3);
      stay->name = dup_col (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("There is no equipment-room entry %" PRId64), id);
  else if (rc != SQLITE_ROW)
    kb_db_set_error (db, error, _("Cannot read the equipment-room log"));
  return rc == SQLITE_ROW;
}

static char *
detail_key_kept (void)
{
  GString *buf = g_string_new (NULL);
  KbCanon canon;

  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, "key", "kept");
  kb_canon_finish (&canon);
  return g_string_free (buf, FALSE);
}

/**
 * kb_room_leave:
 * @entry_id: the stay that ends
 * @at: (nullable): when, as for kb_room_enter(); %NULL: now
 * @key_kept: whether the key (if one was issued) stays out
 *
 * Records that someone came out. Their key comes back with them unless
 * @key_kept; then kb_room_return_key() records it later.
 */
gboolean
kb_room_leave (KbDb        *db,
               gint64       entry_id,
               const char  *at,
               gboolean     key_kept,
               GError     **error)
{
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE, return_key;
  gint64 left;
  Stay stay;

  if (!require_keeper (db, error))
    return FALSE;
  if (!parse_time (KB_FIELD_LEFT, at, now_seconds (), &left, error))
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;
  if (!load_stay (db, entry_id, &stay, error))
    goto out;

  if (stay.left_at != 0)
    {
      g_autofree char *when = format_time (stay.left_at);

      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("%s already left at %s"), stay.name, when);
      goto out;
    }
  if (left < stay.entered_at)
    {
      g_autofree char *when = format_time (stay.entered_at);

      kb_set_field_error (error, KB_FIELD_LEFT, KB_FIELD_ERROR_INVALID,
                          _("%s entered at %s; leaving cannot be earlier"), stay.name, when);
      goto out;
    }

  return_key = stay.has_key && stay.key_returned_at == 0 && !key_kept;
  if (stay.has_key && stay.key_returned_at == 0 && key_kept)
    detail = detail_key_kept ();
  stmt = kb_db_prepare (db, "UPDATE room_entries SET left_at = ?2,"
                            " key_returned_at = CASE WHEN ?3 THEN ?2 ELSE key_returned_at END"
                            " WHERE id = ?1 AND left_at IS NULL", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  sqlite3_bind_int64 (stmt, 2, left);
  sqlite3_bind_int (stmt, 3, return_key);
  ok = kb_db_step_done (db, stmt, error) &&
       kb_journal_record (db, "room.leave", "room", entry_id, detail, error);

out:
  g_free (stay.name);
  return commit_or_rollback (db, ok, error);
}

/**
 * kb_room_return_key:
 * @entry_id: the stay the key was issued with
 * @at: (nullable): when, as for kb_room_enter(); %NULL: now
 *
 * Records that a key kept after leaving (or handed back before) came back.
 */
gboolean
kb_room_return_key (KbDb        *db,
                    gint64       entry_id,
                    const char  *at,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  gint64 returned;
  Stay stay;

  if (!require_keeper (db, error))
    return FALSE;
  if (!parse_time (KB_FIELD_RETURNED, at, now_seconds (), &returned, error))
    return FALSE;
  if (!kb_db_begin (db, error))
    return FALSE;
  if (!load_stay (db, entry_id, &stay, error))
    goto out;

  if (!stay.has_key)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("No key was issued to %s with this entry"), stay.name);
      goto out;
    }
  if (stay.key_returned_at != 0)
    {
      g_autofree char *when = format_time (stay.key_returned_at);

      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The key was already returned at %s"), when);
      goto out;
    }
  if (returned < stay.entered_at)
    {
      g_autofree char *when = format_time (stay.entered_at);

      kb_set_field_error (error, KB_FIELD_RETURNED, KB_FIELD_ERROR_INVALID,
                          _("The key was issued at %s; it cannot come back earlier"), when);
      goto out;
    }

  stmt = kb_db_prepare (db, "UPDATE room_entries SET key_returned_at = ?2"
                            " WHERE id = ?1 AND key_returned_at IS NULL", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  sqlite3_bind_int64 (stmt, 2, returned);
  ok = kb_db_step_done (db, stmt, error) &&
       kb_journal_record (db, "room.key-return", "room", entry_id, NULL, error);

out:
  g_free (stay.name);
  return commit_or_rollback (db, ok, error);
}
