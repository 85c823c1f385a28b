/* kb-usage.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal usage register. A card session writes the who, where and
 * when; the operator adds what only they know (the task, the count); a
 * supervisor of their division confirms. Every change is a journal entry,
 * so an entry's history is the journal's history of its row.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-usage.h"

const char *
kb_usage_status_get_label (KbUsageStatus status)
{
  switch (status)
    {
    case KB_USAGE_STATUS_OPEN:
      return _("In use");
    case KB_USAGE_STATUS_PURPOSE_MISSING:
      return _("Purpose missing");
    case KB_USAGE_STATUS_UNCONFIRMED:
      return _("Unconfirmed");
    case KB_USAGE_STATUS_CONFIRMED:
      return _("Confirmed");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* --- KbUsageEntry ---------------------------------------------------------- */

struct _KbUsageEntry {
  GObject parent_instance;
  gboolean loaded;
  gint64 id;
  gint64 terminal_id;
  char *terminal_code;
  char *terminal_name;
  gint64 operator_id;
  char *staff_number;
  char *operator_name;
  gint64 division_id;
  char *division_name;
  gint64 task_id;
  char *task_name;
  int cases;
  char *remarks;
  gint64 started_at;
  gint64 ended_at;
  gboolean manual;
  gint64 confirmed_by;
  char *confirmer_name;
  gint64 confirmed_at;
};

G_DEFINE_FINAL_TYPE (KbUsageEntry, kb_usage_entry, G_TYPE_OBJECT)

static void
kb_usage_entry_finalize (GObject *object)
{
  KbUsageEntry *self = KB_USAGE_ENTRY (object);

  g_free (self->terminal_code);
  g_free (self->terminal_name);
  g_free (self->staff_number);
  g_free (self->operator_name);
  g_free (self->division_name);
  g_free (self->task_name);
  g_free (self->remarks);
  g_free (self->confirmer_name);
  G_OBJECT_CLASS (kb_usage_entry_parent_class)->finalize (object);
}

static void
kb_usage_entry_class_init (KbUsageEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_usage_entry_finalize;
}

static void
kb_usage_entry_init (KbUsageEntry *self)
{
  self->cases = -1;
}

/**
 * kb_usage_entry_new_placeholder:
 *
 * An entry that stands for a row not read yet: every field empty.
 */
KbUsageEntry *
kb_usage_entry_new_placeholder (void)
{
  return g_object_new (KB_TYPE_USAGE_ENTRY, NULL);
}

gboolean      kb_usage_entry_is_loaded         (KbUsageEntry *self) { return self->loaded; }
gint64        kb_usage_entry_get_id            (KbUsageEntry *self) { return self->id; }
gint64        kb_usage_entry_get_terminal_id   (KbUsageEntry *self) { return self->terminal_id; }
const char   *kb_usage_entry_get_terminal_code (KbUsageEntry *self) { return self->terminal_code; }
const char   *kb_usage_entry_get_terminal_name (KbUsageEntry *self) { return self->terminal_name; }
gint64        kb_usage_entry_get_operator_id   (KbUsageEntry *self) { return self->operator_id; }
const char   *kb_usage_entry_get_staff_number  (KbUsageEntry *self) { return self->staff_number; }
const char   *kb_usage_entry_get_operator_name (KbUsageEntry *self) { return self->operator_name; }
gint64        kb_usage_entry_get_division_id   (KbUsageEntry *self) { return self->division_id; }
const char   *kb_usage_entry_get_division_name (KbUsageEntry *self) { return self->division_name; }
gint64        kb_usage_entry_get_task_id       (KbUsageEntry *self) { return self->task_id; }
const char   *kb_usage_entry_get_task_name     (KbUsageEntry *self) { return self->task_name; }
int           kb_usage_entry_get_cases         (KbUsageEntry *self) { return self->cases; }
const char   *kb_usage_entry_get_remarks       (KbUsageEntry *self) { return self->remarks; }
gint64        kb_usage_entry_get_started_at    (KbUsageEntry *self) { return self->started_at; }
gint64        kb_usage_entry_get_ended_at      (KbUsageEntry *self) { return self->ended_at; }
gboolean      kb_usage_entry_get_manual        (KbUsageEntry *self) { return self->manual; }
gint64        kb_usage_entry_get_confirmed_by  (KbUsageEntry *self) { return self->confirmed_by; }
const char   *kb_usage_entry_get_confirmer_name (KbUsageEntry *self) { return self->confirmer_name; }
gint64        kb_usage_entry_get_confirmed_at  (KbUsageEntry *self) { return self->confirmed_at; }

KbUsageStatus
kb_usage_entry_get_status (KbUsageEntry *self)
{
  g_return_val_if_fail (KB_IS_USAGE_ENTRY (self), KB_USAGE_STATUS_OPEN);

  if (self->ended_at == 0)
    return KB_USAGE_STATUS_OPEN;
  if (self->confirmed_by != 0)
    return KB_USAGE_STATUS_CONFIRMED;
  if (self->task_id == 0)
    return KB_USAGE_STATUS_PURPOSE_MISSING;
  return KB_USAGE_STATUS_UNCONFIRMED;
}

/* The columns every reading query selects, in this order. */
#define ENTRY_COLUMNS \
  "u.id, u.terminal_id, t.code, t.name, u.operator_id, o.staff_number, o.name," \
  " u.division_id, d.name, u.task_id, k.name, u.cases, u.remarks, u.started_at," \
  " u.ended_at, u.manual, u.confirmed_by, c.name, u.confirmed_at"
#define ENTRY_JOINS \
  " FROM usage u" \
  " JOIN terminals t ON t.id = u.terminal_id" \
  " JOIN operators o ON o.id = u.operator_id" \
  " JOIN divisions d ON d.id = u.division_id" \
  " LEFT JOIN tasks k ON k.id = u.task_id" \
  " LEFT JOIN operators c ON c.id = u.confirmed_by"

static char *
dup_col (sqlite3_stmt *stmt,
         int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return g_strdup (text != NULL ? text : "");
}

static KbUsageEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  KbUsageEntry *self = g_object_new (KB_TYPE_USAGE_ENTRY, NULL);

  self->loaded = TRUE;
  self->id = sqlite3_column_int64 (stmt, 0);
  self->terminal_id = sqlite3_column_int64 (stmt, 1);
  self->terminal_code = dup_col (stmt, 2);
  self->terminal_name = dup_col (stmt, 3);
  self->operator_id = sqlite3_column_int64 (stmt, 4);
  self->staff_number = dup_col (stmt, 5);
  self->operator_name = dup_col (stmt, 6);
  self->division_id = sqlite3_column_int64 (stmt, 7);
  self->division_name = dup_col (stmt, 8);
  self->task_id = sqlite3_column_int64 (stmt, 9);
  self->task_name = dup_col (stmt, 10);
  self->cases = sqlite3_column_type (stmt, 11) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 11);
  self->remarks = dup_col (stmt, 12);
  self->started_at = sqlite3_column_int64 (stmt, 13);
  self->ended_at = sqlite3_column_int64 (stmt, 14);
  self->manual = sqlite3_column_int (stmt, 15) != 0;
  self->confirmed_by = sqlite3_column_int64 (stmt, 16);
  self->confirmer_name = dup_col (stmt, 17);
  self->confirmed_at = sqlite3_column_int64 (stmt, 18);
  return self;
}

/* --- filters --------------------------------------------------------------- */

KbUsageFilter *
kb_usage_filter_new (void)
{
  KbUsageFilter *filter = g_new0 (KbUsageFilter, 1);

  filter->sort = KB_USAGE_SORT_START;
  filter->descending = TRUE;
  return filter;
}

KbUsageFilter *
kb_usage_filter_copy (const KbUsageFilter *filter)
{
  KbUsageFilter *copy = g_memdup2 (filter, sizeof *filter);

  copy->text = g_strdup (filter->text);
  return copy;
}

void
kb_usage_filter_free (KbUsageFilter *filter)
{
  if (filter == NULL)
    return;
  g_free (filter->text);
  g_free (filter);
}

gboolean
kb_usage_filter_equal (const KbUsageFilter *a,
                       const KbUsageFilter *b)
{
  return a->from == b->from && a->to == b->to && a->terminal_id == b->terminal_id &&
         a->operator_id == b->operator_id && a->division_id == b->division_id &&
         a->task_id == b->task_id && a->show == b->show && a->sort == b->sort &&
         a->descending == b->descending &&
         g_strcmp0 (a->text != NULL ? a->text : "", b->text != NULL ? b->text : "") == 0;
}

/* Who may read what: security officers (and the chief and deputy) and
 * auditors everything, supervisors their division's entries and their own,
 * everyone else their own. The viewer's roles are read from the database,
 * never taken from the caller. */
static gboolean
append_scope (KbDb        *db,
              GString     *where,
              gint64       viewer_id,
              GError     **error)
{
  sqlite3_stmt *stmt;
  KbRoles roles;
  gint64 division_id;
  gboolean active;
  int rc;

  if (viewer_id == 0)   /* the system: the command line, benchmarks */
    return TRUE;

  stmt = kb_db_prepare (db, "SELECT roles, division_id, active FROM operators WHERE id = ?1",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, viewer_id);
  rc = sqlite3_step (stmt);
  roles = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  division_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
  active = rc == SQLITE_ROW && sqlite3_column_int (stmt, 2) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      return FALSE;
    }

  if (!active)
    g_string_append (where, " AND 0");
  else if (roles & (KB_ROLES_OFFICERS | KB_ROLE_AUDITOR))
    ;
  else if (roles & KB_ROLE_SUPERVISOR)
    g_string_append_printf (where, " AND (u.division_id = %" PRId64 " OR u.operator_id = %" PRId64 ")",
                            division_id, viewer_id);
  else
    g_string_append_printf (where, " AND u.operator_id = %" PRId64, viewer_id);
  return TRUE;
}

/* The words of a search, each a condition. Three characters or more go
 * to the trigram index; shorter ones (a two-kanji word is common) are
 * looked for directly. */
static GPtrArray *
search_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *normal = NULL;
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return words;

  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (normal == NULL)
    return words;
  /* U+3000 becomes an ASCII space under NFKC. */
  parts = g_strsplit_set (normal, " \t\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (words, g_strdup (parts[i]));
  return words;
}

static char *
fts_phrase (const char *word)
{
  g_autoptr(GString) phrase = g_string_new ("\"");

  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (phrase, '"');
      g_string_append_c (phrase, *p);
    }
  g_string_append_c (phrase, '"');
  return g_string_free (g_steal_pointer (&phrase), FALSE);
}

/* Builds " WHERE …" for @filter and @viewer_id; @params receives the text
 * parameters, bound as ?1, ?2, … in order. Numbers are written into the
 * SQL (they are integers, nothing to escape). */
static gboolean
build_where (KbDb                *db,
             gint64               viewer_id,
             const KbUsageFilter *filter,
             GString             *sql,
             GPtrArray           *params,
             GError             **error)
{
  g_autoptr(GString) where = g_string_new (" WHERE 1");
  g_autoptr(GPtrArray) words = NULL;

  if (!append_scope (db, where, viewer_id, error))
    return FALSE;

  if (filter->from != 0)
    g_string_append_printf (where, " AND u.started_at >= %" PRId64, filter->from);
  if (filter->to != 0)
    g_string_append_printf (where, " AND u.started_at < %" PRId64, filter->to);
  if (filter->terminal_id != 0)
    g_string_append_printf (where, " AND u.terminal_id = %" PRId64, filter->terminal_id);
  if (filter->operator_id != 0)
    g_string_append_printf (where, " AND u.operator_id = %" PRId64, filter->operator_id);
  if (filter->division_id != 0)
    g_string_append_printf (where, " AND u.division_id = %" PRId64, filter->division_id);
  if (filter->task_id != 0)
    g_string_append_printf (where, " AND u.task_id = %" PRId64, filter->task_id);

  switch (filter->show)
    {
    case KB_USAGE_SHOW_OPEN:
      g_string_append (where, " AND u.ended_at IS NULL");
      break;
    case KB_USAGE_SHOW_PURPOSE_MISSING:
      g_string_append (where, " AND u.ended_at IS NOT NULL AND u.task_id IS NULL"
                              " AND u.confirmed_by IS NULL");
      break;
    case KB_USAGE_SHOW_UNCONFIRMED:
      g_string_append (where, " AND u.ended_at IS NOT NULL AND u.task_id IS NOT NULL"
                              " AND u.confirmed_by IS NULL");
      break;
    case KB_USAGE_SHOW_CONFIRMED:
      g_string_append (where, " AND u.confirmed_by IS NOT NULL");
      break;
    case KB_USAGE_SHOW_MANUAL:
      g_string_append (where, " AND u.manual = 1");
      break;
    case KB_USAGE_SHOW_ALL:
    default:
      break;
    }

  words = search_words (filter->text);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);

      if (g_utf8_strlen (word, -1) >= 3)
        {
          g_string_append_printf (where, " AND u.id IN (SELECT rowid FROM usage_text"
                                         " WHERE usage_text MATCH ?%u)", params->len + 1);
          g_ptr_array_add (params, fts_phrase (word));
        }
      else
        {
          g_string_append_printf (where, " AND instr (lower (u.remarks), lower (?%u)) > 0",
                                  params->len + 1);
          g_ptr_array_add (params, g_strdup (word));
        }
    }

  g_string_append (sql, where->str);
  return TRUE;
}

static void
append_order (GString             *sql,
              const KbUsageFilter *filter)
{
  const char *dir = filter->descending ? "DESC" : "ASC";
  const char *key;

  switch (filter->sort)
    {
    case KB_USAGE_SORT_TERMINAL:
      key = "t.code";
      break;
    case KB_USAGE_SORT_OPERATOR:
      key = "o.kana";
      break;
    case KB_USAGE_SORT_DIVISION:
      key = "d.name";
      break;
    case KB_USAGE_SORT_TASK:
      key = "k.name";
      break;
    case KB_USAGE_SORT_CASES:
      key = "u.cases";
      break;
    case KB_USAGE_SORT_CONFIRMED:
      key = "u.confirmed_at";
      break;
    case KB_USAGE_SORT_START:
    default:
      key = NULL;
      break;
    }

  if (key != NULL)
    g_string_append_printf (sql, " ORDER BY %s %s, u.started_at %s, u.id %s", key, dir, dir, dir);
  else
    g_string_append_printf (sql, " ORDER BY u.started_at %s, u.id %s", dir, dir);
}

/* The join the order needs, for a query on usage alone. */
static const char *
order_join (const KbUsageFilter *filter)
{
  switch (filter->sort)
    {
    case KB_USAGE_SORT_TERMINAL:
      return " JOIN terminals t ON t.id = u.terminal_id";
    case KB_USAGE_SORT_OPERATOR:
      return " JOIN operators o ON o.id = u.operator_id";
    case KB_USAGE_SORT_DIVISION:
      return " JOIN divisions d ON d.id = u.division_id";
    case KB_USAGE_SORT_TASK:
      return " LEFT JOIN tasks k ON k.id = u.task_id";
    case KB_USAGE_SORT_START:
    case KB_USAGE_SORT_CASES:
    case KB_USAGE_SORT_CONFIRMED:
    default:
      return "";
    }
}

/* Prepares a one-off statement (filters make too many shapes to cache). */
static sqlite3_stmt *
prepare_with (KbDb       *db,
              const char *sql,
              GPtrArray  *params,
              GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (kb_db_get_handle (db), sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      return NULL;
    }
  for (guint i = 0; params != NULL && i < params->len; i++)
    sqlite3_bind_text (stmt, i + 1, g_ptr_array_index (params, i), -1, SQLITE_TRANSIENT);
  return stmt;
}

/**
 * kb_usage_count:
 * @viewer_id: the signed-in operator, 0 for the system
 *
 * Returns: how many entries @filter selects among those @viewer_id may
 *   see, or -1 with @error set
 */
gint64
kb_usage_count (KbDb                *db,
                gint64               viewer_id,
                const KbUsageFilter *filter,
                GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT count (*) FROM usage u");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gint64 count = -1;

  if (!build_where (db, viewer_id, filter, sql, params, error))
    return -1;
  stmt = prepare_with (db, sql->str, params, error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    kb_db_set_error (db, error, _("Cannot read the usage register"));
  sqlite3_finalize (stmt);
  return count;
}

/**
 * kb_usage_totals:
 *
 * Sums over the entries @filter selects: entries, cases, how many in each
 * state, time in use.
 */
gboolean
kb_usage_totals (KbDb                *db,
                 gint64               viewer_id,
                 const KbUsageFilter *filter,
                 KbUsageTotals       *totals,
                 GError             **error)
{
  g_autoptr(GString) sql = g_string_new (
    "SELECT count (*), total (u.cases),"
    " total (u.ended_at IS NULL),"
    " total (u.ended_at IS NOT NULL AND u.task_id IS NULL AND u.confirmed_by IS NULL),"
    " total (u.ended_at IS NOT NULL AND u.task_id IS NOT NULL AND u.confirmed_by IS NULL),"
    " total (u.confirmed_by IS NOT NULL),"
    " total (u.manual),"
    " total (u.ended_at - u.started_at)"
    " FROM usage u");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  memset (totals, 0, sizeof *totals);
  if (!build_where (db, viewer_id, filter, sql, params, error))
    return FALSE;
  stmt = prepare_with (db, sql->str, params, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      totals->n_entries = sqlite3_column_int64 (stmt, 0);
      totals->n_cases = sqlite3_column_int64 (stmt, 1);
      totals->n_open = sqlite3_column_int64 (stmt, 2);
      totals->n_purpose_missing = sqlite3_column_int64 (stmt, 3);
      totals->n_unconfirmed = sqlite3_column_int64 (stmt, 4);
      totals->n_confirmed = sqlite3_column_int64 (stmt, 5);
      totals->n_manual = sqlite3_column_int64 (stmt, 6);
      totals->seconds = sqlite3_column_int64 (stmt, 7);
      ok = TRUE;
    }
  else
    kb_db_set_error (db, error, _("Cannot read the usage register"));
  sqlite3_finalize (stmt);
  return ok;
}

static sqlite3_stmt *
prepare_select (KbDb                *db,
                gint64               viewer_id,
                const KbUsageFilter *filter,
                const char          *tail,
                GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " ENTRY_COLUMNS ENTRY_JOINS);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);

  if (!build_where (db, viewer_id, filter, sql, params, error))
    return NULL;
  append_order (sql, filter);
  if (tail != NULL)
    g_string_append (sql, tail);
  return prepare_with (db, sql->str, params, error);
}

/**
 * kb_usage_fetch:
 * @offset: rows to skip, in the filter's order
 * @limit: rows to return at most
 *
 * Returns: (transfer full) (element-type KbUsageEntry): one page, or %NULL
 *   with @error set
 */
GPtrArray *
kb_usage_fetch (KbDb                *db,
                gint64               viewer_id,
                const KbUsageFilter *filter,
                guint                offset,
                guint                limit,
                GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new ("SELECT " ENTRY_COLUMNS ENTRY_JOINS
                                         " WHERE u.id IN (SELECT u.id FROM usage u");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  /* The page is chosen on usage alone (and the table its order needs),
   * the names are joined for its rows only: joining them for every row
   * skipped made a page 500,000 rows down take a quarter of a second
   * (bench-usage). The foreign keys make the joins drop no row. */
  g_string_append (sql, order_join (filter));
  if (!build_where (db, viewer_id, filter, sql, params, error))
    return NULL;
  append_order (sql, filter);
  g_string_append_printf (sql, " LIMIT %u OFFSET %u)", limit, offset);
  append_order (sql, filter);
  stmt = prepare_with (db, sql->str, params, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, entry_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * kb_usage_foreach:
 * @func: called for every entry, in order; returning %FALSE stops
 *
 * Walks every entry @filter selects without holding them all (for
 * exports). Stops with %G_IO_ERROR_CANCELLED when @cancellable is.
 */
gboolean
kb_usage_foreach (KbDb                *db,
                  gint64               viewer_id,
                  const KbUsageFilter *filter,
                  KbUsageFunc          func,
                  gpointer             user_data,
                  GCancellable        *cancellable,
                  GError             **error)
{
  sqlite3_stmt *stmt = prepare_select (db, viewer_id, filter, NULL, error);
  guint n = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbUsageEntry) entry = entry_from_row (stmt);

      if ((++n % 1024) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      if (!func (entry, user_data, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
select_rows (KbDb       *db,
             const char *where_and_order,
             gint64      a,
             const char *b,
             GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = g_strconcat ("SELECT " ENTRY_COLUMNS ENTRY_JOINS " ",
                                      where_and_order, NULL);
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, a);
  if (b != NULL)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, entry_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * kb_usage_get:
 *
 * Returns: (transfer full): entry @id, if @viewer_id may see it
 */
KbUsageEntry *
kb_usage_get (KbDb    *db,
              gint64   viewer_id,
              gint64   id,
              GError **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " ENTRY_COLUMNS ENTRY_JOINS);
  KbUsageEntry *entry = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_string_append (sql, " WHERE 1");
  if (!append_scope (db, sql, viewer_id, error))
    return NULL;
  g_string_append_printf (sql, " AND u.id = %" PRId64, id);
  stmt = prepare_with (db, sql->str, NULL, error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = entry_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("There is no usage entry %" PRId64 " that you may see"), id);
  else
    kb_db_set_error (db, error, _("Cannot read the usage register"));
  sqlite3_finalize (stmt);
  return entry;
}

/**
 * kb_usage_purpose_missing:
 *
 * Returns: (transfer full) (element-type KbUsageEntry): @operator_id's
 *   closed entries that have no business task, oldest first
 */
GPtrArray *
kb_usage_purpose_missing (KbDb    *db,
                          gint64   operator_id,
                          GError **error)
{
  return select_rows (db, "WHERE u.operator_id = ?1 AND u.ended_at IS NOT NULL"
                          " AND u.task_id IS NULL AND u.confirmed_by IS NULL"
                          " ORDER BY u.started_at, u.id",
                      operator_id, NULL, error);
}

/* Whether entry @id was closed by kb_usage_next_task(): 1 yes, 0 no,
 * -1 with @error set. */
static int
closed_for_next_task (KbDb    *db,
                      gint64   id,
                      GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT json_extract (detail, '$.reason') = 'next-task'"
                                          " FROM journal WHERE entity = 'usage' AND entity_id = ?1"
                                          " AND kind = 'usage.close' ORDER BY seq DESC LIMIT 1",
                                      error);
  int rc, found = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      return -1;
    }
  return found;
}

/**
 * kb_usage_sitting:
 *
 * Returns: (transfer full) (element-type KbUsageEntry): the entries of
 *   @operator_id's current sitting at this terminal (the open one and
 *   those that ended with a change of task), oldest first
 */
GPtrArray *
kb_usage_sitting (KbDb        *db,
                  gint64       operator_id,
                  const char  *terminal_code,
                  GError     **error)
{
  /* A sitting is the open entry and the run of entries before it that
   * each ended exactly when the next began (a change of task). */
  g_autoptr(GPtrArray) all = select_rows (db,
    "WHERE u.operator_id = ?1 AND t.code = ?2 AND u.manual = 0"
    " AND u.started_at >= coalesce ((SELECT max (started_at) FROM usage x"
    "   WHERE x.operator_id = ?1 AND x.ended_at IS NULL), 0) - 86400"
    " ORDER BY u.started_at, u.id",
    operator_id, terminal_code, error);
  GPtrArray *sitting;
  gint64 next_start = -1;
  guint first;

  if (all == NULL)
    return NULL;

  sitting = g_ptr_array_new_with_free_func (g_object_unref);
  if (all->len == 0)
    return sitting;
  if (kb_usage_entry_get_ended_at (g_ptr_array_index (all, all->len - 1)) != 0)
    return sitting;   /* no open entry: no sitting */

  first = all->len - 1;
  next_start = kb_usage_entry_get_started_at (g_ptr_array_index (all, first));
  while (first > 0)
    {
      KbUsageEntry *prev = g_ptr_array_index (all, first - 1);
      int next_task;

      if (kb_usage_entry_get_ended_at (prev) != next_start)
        break;
      /* Ending in the second the next began is not enough: a lock and an
       * unlock within a second, or an entry closed as "not-closed" by this
       * sitting's start, end another sitting there. */
      next_task = closed_for_next_task (db, kb_usage_entry_get_id (prev), error);
      if (next_task < 0)
        {
          g_ptr_array_unref (sitting);
          return NULL;
        }
      if (!next_task)
        break;
      first--;
      next_start = kb_usage_entry_get_started_at (prev);
    }
  for (guint i = first; i < all->len; i++)
    g_ptr_array_add (sitting, g_object_ref (g_ptr_array_index (all, i)));
  return sitting;
}

/**
 * kb_usage_approved_tasks:
 *
 * Returns: (transfer full) (nullable): the active business tasks approved
 *   for @operator_id's division, as #KbTask
 */
GListModel *
kb_usage_approved_tasks (KbDb    *db,
                         gint64   operator_id,
                         GError **error)
{
  g_autoptr(GListModel) tasks = kb_admin_list_tasks (db, error);
  GListStore *approved;
  sqlite3_stmt *stmt;
  gint64 division_id = 0;

  if (tasks == NULL)
    return NULL;
  stmt = kb_db_prepare (db, "SELECT division_id FROM operators WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    division_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  approved = g_list_store_new (KB_TYPE_TASK);
  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(KbTask) task = g_list_model_get_item (tasks, i);

      if (kb_task_get_active (task) && kb_task_has_division (task, division_id))
        g_list_store_append (approved, task);
    }
  return G_LIST_MODEL (approved);
}

/* --- writing --------------------------------------------------------------- */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
detail_reason (const char *key,
               const char *value)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  KbCanon canon;

  if (value == NULL || value[0] == '\0')
    return NULL;
  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, key, value);
  kb_canon_finish (&canon);
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

static gboolean
journal (KbDb        *db,
         const char  *kind,
         gint64       id,
         const char  *why,
         GError     **error)
{
  g_autofree char *detail = detail_reason ("reason", why);

  return kb_journal_record (db, kind, "usage", id, detail, error);
}

static gboolean
set_text_index (KbDb        *db,
                gint64       id,
                const char  *remarks,
                gboolean     replace,
                GError     **error)
{
  sqlite3_stmt *stmt;

  if (replace)
    {
      stmt = kb_db_prepare (db, "DELETE FROM usage_text WHERE rowid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!kb_db_step_done (db, stmt, error))
        return FALSE;
    }
  if (remarks == NULL || remarks[0] == '\0')
    return TRUE;
  stmt = kb_db_prepare (db, "INSERT INTO usage_text (rowid, remarks) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, remarks, -1, SQLITE_TRANSIENT);
  return kb_db_step_done (db, stmt, error);
}

typedef struct {
  gboolean found;
  KbRoles roles;
  gint64 division_id;
  gboolean active;
} Person;

static gboolean
load_person (KbDb    *db,
             gint64   id,
             Person  *person,
             GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT roles, division_id, active FROM operators"
                                          " WHERE id = ?1", error);
  int rc;

  memset (person, 0, sizeof *person);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      person->found = TRUE;
      person->roles = sqlite3_column_int (stmt, 0);
      person->division_id = sqlite3_column_int64 (stmt, 1);
      person->active = sqlite3_column_int (stmt, 2) != 0;
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
require_actor (KbDb    *db,
               Person  *actor,
               GError **error)
{
  if (kb_db_get_actor (db) == 0 || !load_person (db, kb_db_get_actor (db), actor, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                     _("Sign in with your card to write in the usage register"));
      return FALSE;
    }
  if (!actor->found || !actor->active)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("Your operator record is retired"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_officer (KbRoles roles)
{
  return (roles & KB_ROLES_OFFICERS) != 0;
}

/* @active_only: FALSE to find a retired terminal too, so that what was
 * opened there before it was retired can still be closed. */
static gint64
terminal_by_code (KbDb        *db,
                  const char  *code,
                  gboolean     active_only,
                  GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT id FROM terminals WHERE code = ?1"
                                          " AND (active = 1 OR ?2 = 0)", error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, code != NULL ? code : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, active_only);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the terminal register"));
      return -1;
    }
  if (id == 0)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("This computer’s terminal code “%s” is not an active terminal in the "
                   "Terminals register, so its use cannot be recorded. A security officer "
                   "must register it, or set the right code in Preferences."),
                 code != NULL ? code : "");
  return id;
}

static gint64
insert_open (KbDb    *db,
             gint64   terminal_id,
             gint64   operator_id,
             gint64   division_id,
             gint64   started_at,
             GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "INSERT INTO usage (terminal_id, operator_id, division_id,"
                                          " started_at) VALUES (?1, ?2, ?3, ?4)", error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, terminal_id);
  sqlite3_bind_int64 (stmt, 2, operator_id);
  sqlite3_bind_int64 (stmt, 3, division_id);
  sqlite3_bind_int64 (stmt, 4, started_at);
  if (!kb_db_step_done (db, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (kb_db_get_handle (db));
}

static gboolean
close_entry (KbDb        *db,
             gint64       id,
             gint64       ended_at,
             const char  *why,
             GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "UPDATE usage SET ended_at = max (started_at, ?2)"
                                          " WHERE id = ?1 AND ended_at IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, ended_at);
  if (!kb_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (kb_db_get_handle (db)) == 0)
    return TRUE;
  return journal (db, "usage.close", id, why, error);
}

static GArray *
open_entries (KbDb        *db,
              gint64       operator_id,
              gint64       terminal_id,
              GError     **error)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = kb_db_prepare (db, "SELECT id FROM usage WHERE ended_at IS NULL AND terminal_id = ?2"
                            " AND (?1 = 0 OR operator_id = ?1) ORDER BY id",
                        error);
  if (stmt == NULL)
    {
      g_array_unref (ids);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, operator_id);
  sqlite3_bind_int64 (stmt, 2, terminal_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      g_array_unref (ids);
      return NULL;
    }
  return ids;
}

/**
 * kb_usage_begin_sitting:
 * @terminal_code: this terminal's code
 *
 * Opens a usage entry for the signed-in operator (the connection's actor)
 * at this terminal, starting now. An entry of theirs still open here (the
 * journal of a lock was lost) is closed first.
 *
 * Returns: the new entry's id, or 0 with @error set
 *   (%KB_STORE_ERROR_NOT_FOUND: the terminal is not registered)
 */
gint64
kb_usage_begin_sitting (KbDb        *db,
                        const char  *terminal_code,
                        GError     **error)
{
  Person actor;
  gint64 terminal_id;
  gint64 id;
  g_autoptr(GArray) stale = NULL;
  gint64 now = now_seconds ();

  if (!require_actor (db, &actor, error))
    return 0;
  if (!kb_db_begin (db, error))
    return 0;
  terminal_id = terminal_by_code (db, terminal_code, TRUE, error);
  if (terminal_id <= 0)
    goto failed;

  stale = open_entries (db, kb_db_get_actor (db), terminal_id, error);
  if (stale == NULL)
    goto failed;
  for (guint i = 0; i < stale->len; i++)
    if (!close_entry (db, g_array_index (stale, gint64, i), now, "not-closed", error))
      goto failed;

  id = insert_open (db, terminal_id, kb_db_get_actor (db), actor.division_id, now, error);
  if (id == 0 || !journal (db, "usage.open", id, NULL, error) || !kb_db_commit (db, error))
    goto failed;
  return id;

failed:
  kb_db_rollback (db);
  return 0;
}

/**
 * kb_usage_end_sitting:
 * @ended_at: Unix time, or 0 for now
 * @why: (nullable): the lock's reason, for the journal
 *
 * Closes @operator_id's open entries at this terminal. Nothing open is
 * not an error.
 */
gboolean
kb_usage_end_sitting (KbDb        *db,
                      gint64       operator_id,
                      const char  *terminal_code,
                      gint64       ended_at,
                      const char  *why,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) open = NULL;
  gint64 terminal_id;

  if (!kb_db_begin (db, error))
    return FALSE;
  terminal_id = terminal_by_code (db, terminal_code, FALSE, &local_error);
  if (terminal_id == 0)
    {
      /* Not a registered terminal: nothing was opened here. */
      kb_db_rollback (db);
      return TRUE;
    }
  if (terminal_id < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  open = open_entries (db, operator_id, terminal_id, error);
  if (open == NULL)
    goto failed;
  for (guint i = 0; i < open->len; i++)
    if (!close_entry (db, g_array_index (open, gint64, i),
                      ended_at != 0 ? ended_at : now_seconds (), why, error))
      goto failed;
  return kb_db_commit (db, error);

failed:
  kb_db_rollback (db);
  return FALSE;
}

/* The last moment @operator_id is known to have been active: their newest
 * journal entry, or @fallback. */
static gint64
last_seen (KbDb   *db,
           gint64  operator_id,
           gint64  fallback)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT at FROM journal WHERE actor = ?1"
                                          " ORDER BY seq DESC LIMIT 1", NULL);
  gint64 seen = fallback;

  if (stmt == NULL)
    return fallback;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) at =
        g_date_time_new_from_iso8601 ((const char *) sqlite3_column_text (stmt, 0), NULL);

      if (at != NULL)
        seen = MAX (fallback, g_date_time_to_unix (at));
    }
  sqlite3_reset (stmt);
  return seen;
}

/**
 * kb_usage_close_abandoned:
 *
 * At start-up: closes the entries still open at this terminal (the app
 * or the computer stopped without locking), each at its operator's last
 * journaled act, and says so in the journal.
 *
 * Returns: how many were closed; (guint) -1 with @error set
 */
guint
kb_usage_close_abandoned (KbDb        *db,
                          const char  *terminal_code,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) open = NULL;
  gint64 terminal_id;

  if (!kb_db_begin (db, error))
    return (guint) -1;
  terminal_id = terminal_by_code (db, terminal_code, FALSE, &local_error);
  if (terminal_id == 0)
    {
      kb_db_rollback (db);
      return 0;
    }
  if (terminal_id < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  open = open_entries (db, 0, terminal_id, error);
  if (open == NULL)
    goto failed;
  for (guint i = 0; i < open->len; i++)
    {
      gint64 id = g_array_index (open, gint64, i);
      sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT operator_id, started_at FROM usage"
                                              " WHERE id = ?1", error);
      gint64 operator_id = 0, started_at = 0;

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          operator_id = sqlite3_column_int64 (stmt, 0);
          started_at = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (!close_entry (db, id, last_seen (db, operator_id, started_at), "abandoned", error))
        goto failed;
    }
  if (!kb_db_commit (db, error))
    goto failed;
  return open->len;

failed:
  kb_db_rollback (db);
  return (guint) -1;
}

typedef struct {
  gboolean found;
  gint64 terminal_id;
  gint64 operator_id;
  gint64 division_id;
  gint64 task_id;
  int cases;
  char *remarks;
  gint64 started_at;
  gint64 ended_at;
  gboolean manual;
  gint64 confirmed_by;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->remarks);
  memset (row, 0, sizeof *row);
}

static gboolean
load_row (KbDb    *db,
          gint64   id,
          Row     *row,
          GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT terminal_id, operator_id, division_id, task_id,"
                                          " cases, remarks, started_at, ended_at, manual,"
                                          " confirmed_by FROM usage WHERE id = ?1", error);
  int rc;

  memset (row, 0, sizeof *row);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->found = TRUE;
      row->terminal_id = sqlite3_column_int64 (stmt, 0);
      row->operator_id = sqlite3_column_int64 (stmt, 1);
      row->division_id = sqlite3_column_int64 (stmt, 2);
      row->task_id = sqlite3_column_int64 (stmt, 3);
      row->cases = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 4);
      row->remarks = dup_col (stmt, 5);
      row->started_at = sqlite3_column_int64 (stmt, 6);
      row->ended_at = sqlite3_column_int64 (stmt, 7);
      row->manual = sqlite3_column_int (stmt, 8) != 0;
      row->confirmed_by = sqlite3_column_int64 (stmt, 9);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the usage register"));
      return FALSE;
    }
  if (!row->found)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("There is no usage entry %" PRId64), id);
      return FALSE;
    }
  return TRUE;
}

/**
 * kb_usage_next_task:
 * @entry_id: the signed-in operator's open entry
 *
 * Several tasks in one sitting are several entries: ends @entry_id now and
 * opens the next one at the same terminal. The entry that ends must have
 * its task.
 *
 * Returns: the new entry's id, or 0 with @error set
 */
gint64
kb_usage_next_task (KbDb    *db,
                    gint64   entry_id,
                    GError **error)
{
  Person actor;
  Row row = { 0 };
  gint64 id = 0;
  gint64 now = now_seconds ();

  if (!require_actor (db, &actor, error))
    return 0;
  if (!kb_db_begin (db, error))
    return 0;
  if (!load_row (db, entry_id, &row, error))
    goto out;
  if (row.operator_id != kb_db_get_actor (db) || row.ended_at != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("Only the open entry of your own sitting can be followed by another task"));
      goto out;
    }
  if (row.task_id == 0)
    {
      kb_set_field_error (error, KB_FIELD_TASK, KB_FIELD_ERROR_EMPTY,
                          _("Choose the business task of this part first"));
      goto out;
    }
  if (!close_entry (db, entry_id, now, "next-task", error))
    goto out;
  id = insert_open (db, row.terminal_id, row.operator_id, row.division_id, now, error);
  if (id == 0 || !journal (db, "usage.open", id, NULL, error) || !kb_db_commit (db, error))
    id = 0;

out:
  if (id == 0)
    kb_db_rollback (db);
  row_clear (&row);
  return id;
}

/* --- parsing --------------------------------------------------------------- */

static char *
fold (const char *text)
{
  g_autofree char *normal = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  return g_strstrip (g_steal_pointer (&normal));
}

/**
 * kb_usage_parse_cases:
 * @cases: (out): the count, -1 for none
 *
 * Full-width digits, as a Japanese input method types them, count.
 */
gboolean
kb_usage_parse_cases (const char  *text,
                      int         *cases,
                      GError     **error)
{
  g_autofree char *folded = fold (text != NULL ? text : "");
  guint64 value = 0;
  const char *p;

  *cases = -1;
  if (folded == NULL)
    {
      kb_set_field_error (error, KB_FIELD_CASES, KB_FIELD_ERROR_INVALID,
                          _("This is not valid text"));
      return FALSE;
    }
  if (folded[0] == '\0')
    return TRUE;

  p = folded;
  if (*p == '-' || g_str_has_prefix (p, "\xe2\x88\x92"))  /* U+2212 MINUS SIGN */
    {
      kb_set_field_error (error, KB_FIELD_CASES, KB_FIELD_ERROR_INVALID,
                          _("The number of cases cannot be negative"));
      return FALSE;
    }
  if (*p == '+')
    p++;
  /* A digit first: "," alone is not zero. */
  if (!g_ascii_isdigit (*p))
    goto not_a_number;
  for (; *p != '\0'; p++)
    {
      if (*p == ',')
        continue;
      if (!g_ascii_isdigit (*p))
        goto not_a_number;
      value = value * 10 + (*p - '0');
      if (value > KB_USAGE_MAX_CASES)
        {
          kb_set_field_error (error, KB_FIELD_CASES, KB_FIELD_ERROR_INVALID,
                              _("At most %d cases can be recorded in one entry"),
                              KB_USAGE_MAX_CASES);
          return FALSE;
        }
    }
  *cases = (int) value;
  return TRUE;

not_a_number:
  kb_set_field_error (error, KB_FIELD_CASES, KB_FIELD_ERROR_INVALID,
                      _("Enter the number of cases as a whole number, such as 12"));
  return FALSE;
}

/**
 * kb_usage_parse_date:
 * @date: (out): local midnight of that day
 *
 * "2026-11-26" or "2026/11/26", full-width digits allowed.
 */
gboolean
kb_usage_parse_date (const char  *field,
                     const char  *text,
                     GDateTime  **date,
                     GError     **error)
{
  g_autofree char *folded = fold (text != NULL ? text : "");
  int y, m, d;
  char sep1, sep2, extra;

  *date = NULL;
  if (folded == NULL || folded[0] == '\0')
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_EMPTY, _("Enter a date such as 2026-11-26"));
      return FALSE;
    }
  if (sscanf (folded, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &extra) != 5 ||
      sep1 != sep2 || (sep1 != '-' && sep1 != '/') || !g_date_valid_dmy (d, m, y) || y < 2000)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("“%s” is not a date: write it as 2026-11-26"), folded);
      return FALSE;
    }
  *date = g_date_time_new_local (y, m, d, 0, 0, 0);
  return *date != NULL;
}

/**
 * kb_usage_parse_time:
 * @minutes: (out): minutes after midnight
 *
 * "9:30" or "09:30" (24-hour clock).
 */
gboolean
kb_usage_parse_time (const char  *field,
                     const char  *text,
                     int         *minutes,
                     GError     **error)
{
  g_autofree char *folded = fold (text != NULL ? text : "");
  int h, m;
  char extra;

  *minutes = 0;
  if (folded == NULL || folded[0] == '\0')
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_EMPTY, _("Enter a time such as 09:30"));
      return FALSE;
    }
  if (sscanf (folded, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("“%s” is not a time: write it as 09:30"), folded);
      return FALSE;
    }
  *minutes = h * 60 + m;
  return TRUE;
}

/* --- saving ---------------------------------------------------------------- */

static gboolean
check_task (KbDb        *db,
            gint64       task_id,
            gint64       division_id,
            GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT t.active, (SELECT count (*) FROM task_divisions x"
                                          " WHERE x.task_id = t.id AND x.division_id = ?2),"
                                          " (SELECT name FROM divisions WHERE id = ?2)"
                                          " FROM tasks t WHERE t.id = ?1", error);
  gboolean found, active = FALSE, approved = FALSE;
  g_autofree char *division = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, task_id);
  sqlite3_bind_int64 (stmt, 2, division_id);
  rc = sqlite3_step (stmt);
  found = rc == SQLITE_ROW;
  if (found)
    {
      active = sqlite3_column_int (stmt, 0) != 0;
      approved = sqlite3_column_int (stmt, 1) != 0;
      division = dup_col (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (!found)
    kb_set_field_error (error, KB_FIELD_TASK, KB_FIELD_ERROR_INVALID, _("Choose a business task"));
  else if (!active)
    kb_set_field_error (error, KB_FIELD_TASK, KB_FIELD_ERROR_INVALID,
                        _("This business task is retired"));
  else if (!approved)
    kb_set_field_error (error, KB_FIELD_TASK, KB_FIELD_ERROR_INVALID,
                        _("This business task is not approved for %s"), division);
  return found && active && approved;
}

/* The manual entry's period from its date and times, in local time. */
static gboolean
parse_period (const KbUsageChange *change,
              gint64              *started_at,
              gint64              *ended_at,
              GError             **error)
{
  g_autoptr(GDateTime) day = NULL;
  int start = 0, end = 0;

  if (!kb_usage_parse_date (KB_FIELD_DATE, change->date, &day, error) ||
      !kb_usage_parse_time (KB_FIELD_START, change->start, &start, error) ||
      !kb_usage_parse_time (KB_FIELD_END, change->end, &end, error))
    return FALSE;

  *started_at = g_date_time_to_unix (day) + start * 60;
  *ended_at = g_date_time_to_unix (day) + end * 60;
  if (end <= start)
    {
      kb_set_field_error (error, KB_FIELD_END, KB_FIELD_ERROR_INVALID,
                          _("The end must be after the start"));
      return FALSE;
    }
  if (*ended_at > now_seconds ())
    {
      kb_set_field_error (error, KB_FIELD_END, KB_FIELD_ERROR_INVALID,
                          _("This is in the future"));
      return FALSE;
    }
  return TRUE;
}

/* One person at a terminal at a time: a manual entry must not overlap
 * another entry of the same terminal. */
static gboolean
check_overlap (KbDb        *db,
               gint64       id,
               gint64       terminal_id,
               gint64       started_at,
               gint64       ended_at,
               GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT o.name, u.started_at, coalesce (u.ended_at, ?5)"
                                          " FROM usage u JOIN operators o ON o.id = u.operator_id"
                                          " WHERE u.terminal_id = ?1 AND u.id != ?2"
                                          " AND u.started_at < ?4 AND coalesce (u.ended_at, ?5) > ?3"
                                          " LIMIT 1", error);
  gboolean overlaps;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, terminal_id);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, started_at);
  sqlite3_bind_int64 (stmt, 4, ended_at);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  overlaps = sqlite3_step (stmt) == SQLITE_ROW;
  if (overlaps)
    {
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 1));
      g_autoptr(GDateTime) to = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 2));
      g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d %H:%M");
      g_autofree char *to_text = g_date_time_format (to, "%H:%M");

      kb_set_field_error (error, KB_FIELD_START, KB_FIELD_ERROR_INVALID,
                          _("The terminal was in use by %s from %s to %s"),
                          (const char *) sqlite3_column_text (stmt, 0), from_text, to_text);
    }
  sqlite3_reset (stmt);
  return !overlaps;
}

/**
 * kb_usage_needs_reason:
 *
 * Whether changing @entry_id now is an amendment (a reason is needed):
 * anything but the signed-in operator's own open entry.
 */
gboolean
kb_usage_needs_reason (KbDb      *db,
                       gint64     entry_id,
                       gboolean  *needs_reason,
                       GError   **error)
{
  Row row = { 0 };

  *needs_reason = TRUE;
  if (entry_id == 0)
    return TRUE;
  if (!load_row (db, entry_id, &row, error))
    return FALSE;
  *needs_reason = !(row.ended_at == 0 && row.operator_id == kb_db_get_actor (db));
  row_clear (&row);
  return TRUE;
}

static gint64
save_manual (KbDb                *db,
             const KbUsageChange *change,
             Person              *actor,
             int                  cases,
             const char          *remarks,
             const char          *reason,
             GError             **error)
{
  Person subject;
  gint64 started_at, ended_at, id;
  sqlite3_stmt *stmt;

  if (change->terminal_id == 0)
    {
      kb_set_field_error (error, KB_FIELD_TERMINAL, KB_FIELD_ERROR_EMPTY, _("Choose a terminal"));
      return 0;
    }
  if (change->operator_id == 0)
    {
      kb_set_field_error (error, KB_FIELD_OPERATOR, KB_FIELD_ERROR_EMPTY, _("Choose an operator"));
      return 0;
    }
  if (!load_person (db, change->operator_id, &subject, error))
    return 0;
  if (!subject.found || !subject.active)
    {
      kb_set_field_error (error, KB_FIELD_OPERATOR, KB_FIELD_ERROR_INVALID,
                          _("Choose an active operator"));
      return 0;
    }
  /* Operators write their own backlog; supervisors their division's;
   * security officers anyone's. */
  if (change->operator_id != kb_db_get_actor (db) && !is_officer (actor->roles) &&
      !((actor->roles & KB_ROLE_SUPERVISOR) && actor->division_id == subject.division_id))
    {
      kb_set_field_error (error, KB_FIELD_OPERATOR, KB_FIELD_ERROR_INVALID,
                          _("You can record paper entries only for yourself or, as a "
                            "supervisor, for your division"));
      return 0;
    }
  {
    sqlite3_stmt *t = kb_db_prepare (db, "SELECT 1 FROM terminals WHERE id = ?1 AND active = 1",
                                     error);
    gboolean ok;

    if (t == NULL)
      return 0;
    sqlite3_bind_int64 (t, 1, change->terminal_id);
    ok = sqlite3_step (t) == SQLITE_ROW;
    sqlite3_reset (t);
    if (!ok)
      {
        kb_set_field_error (error, KB_FIELD_TERMINAL, KB_FIELD_ERROR_INVALID,
                            _("Choose an active terminal"));
        return 0;
      }
  }
  if (!parse_period (change, &started_at, &ended_at, error) ||
      !check_overlap (db, 0, change->terminal_id, started_at, ended_at, error))
    return 0;
  if (change->task_id == 0)
    {
      kb_set_field_error (error, KB_FIELD_TASK, KB_FIELD_ERROR_EMPTY,
                          _("Choose the business task"));
      return 0;
    }
  if (!check_task (db, change->task_id, subject.division_id, error))
    return 0;
  if (cases < 0)
    {
      kb_set_field_error (error, KB_FIELD_CASES, KB_FIELD_ERROR_EMPTY,
                          _("Enter the number of cases (0 if none)"));
      return 0;
    }

  stmt = kb_db_prepare (db, "INSERT INTO usage (terminal_id, operator_id, division_id, task_id,"
                            " cases, remarks, started_at, ended_at, manual)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, change->terminal_id);
  sqlite3_bind_int64 (stmt, 2, change->operator_id);
  sqlite3_bind_int64 (stmt, 3, subject.division_id);
  sqlite3_bind_int64 (stmt, 4, change->task_id);
  sqlite3_bind_int (stmt, 5, cases);
  sqlite3_bind_text (stmt, 6, remarks, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, started_at);
  sqlite3_bind_int64 (stmt, 8, ended_at);
  if (!kb_db_step_done (db, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  if (!set_text_index (db, id, remarks, FALSE, error) ||
      !journal (db, "usage.manual", id, reason, error))
    return 0;
  return id;
}

static gint64
save_existing (KbDb                *db,
               const KbUsageChange *change,
               Person              *actor,
               int                  cases,
               const char          *remarks,
               const char          *reason,
               gboolean            *unchanged,
               GError             **error)
{
  Row row = { 0 };
  gint64 id = 0;
  gint64 started_at, ended_at;
  gboolean amend;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3_stmt *stmt;

  if (!load_row (db, change->id, &row, error))
    return 0;

  if (row.operator_id != kb_db_get_actor (db) && !is_officer (actor->roles))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("Only the operator who made an entry, or a security officer, can "
                     "correct it"));
      goto out;
    }
  amend = !(row.ended_at == 0 && row.operator_id == kb_db_get_actor (db));
  if (amend && (reason == NULL || reason[0] == '\0'))
    {
      kb_set_field_error (error, KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY,
                          _("Say why this entry is corrected"));
      goto out;
    }

  started_at = row.started_at;
  ended_at = row.ended_at;
  if (change->date != NULL)
    {
      if (!row.manual)
        {
          kb_set_field_error (error, KB_FIELD_START, KB_FIELD_ERROR_INVALID,
                              _("The times of a card session are evidence and cannot be "
                                "changed"));
          goto out;
        }
      if (!parse_period (change, &started_at, &ended_at, error) ||
          !check_overlap (db, change->id, row.terminal_id, started_at, ended_at, error))
        goto out;
    }

  if (change->task_id != 0 && !check_task (db, change->task_id, row.division_id, error))
    goto out;
  if (change->task_id == 0 && row.task_id != 0)
    {
      kb_set_field_error (error, KB_FIELD_TASK, KB_FIELD_ERROR_EMPTY,
                          _("Choose the business task"));
      goto out;
    }
  if (change->task_id != 0 && cases < 0 && row.ended_at != 0)
    {
      kb_set_field_error (error, KB_FIELD_CASES, KB_FIELD_ERROR_EMPTY,
                          _("Enter the number of cases (0 if none)"));
      goto out;
    }

  before = kb_journal_row_state (db, "usage", change->id, error);
  if (before == NULL)
    goto out;

  /* A changed entry is no longer what its supervisor confirmed. */
  stmt = kb_db_prepare (db, "UPDATE usage SET task_id = nullif (?2, 0), cases = ?3, remarks = ?4,"
                            " started_at = ?5, ended_at = nullif (?6, 0),"
                            " confirmed_by = CASE WHEN task_id IS nullif (?2, 0) AND cases IS ?3"
                            "   AND remarks = ?4 AND started_at = ?5 AND ended_at IS nullif (?6, 0)"
                            "   THEN confirmed_by END,"
                            " confirmed_at = CASE WHEN task_id IS nullif (?2, 0) AND cases IS ?3"
                            "   AND remarks = ?4 AND started_at = ?5 AND ended_at IS nullif (?6, 0)"
                            "   THEN confirmed_at END"
                            " WHERE id = ?1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, change->id);
  sqlite3_bind_int64 (stmt, 2, change->task_id);
  if (cases >= 0)
    sqlite3_bind_int (stmt, 3, cases);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, remarks, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, started_at);
  sqlite3_bind_int64 (stmt, 6, ended_at);
  if (!kb_db_step_done (db, stmt, error))
    goto out;

  after = kb_journal_row_state (db, "usage", change->id, error);
  if (after == NULL)
    goto out;
  if (strcmp (before, after) == 0)
    {
      *unchanged = TRUE;
      id = change->id;
      goto out;
    }
  if ((g_strcmp0 (row.remarks, remarks) != 0 &&
       !set_text_index (db, change->id, remarks, TRUE, error)) ||
      !journal (db, amend ? "usage.amend" : "usage.record", change->id, reason, error))
    goto out;
  id = change->id;

out:
  row_clear (&row);
  return id;
}

/**
 * kb_usage_save:
 *
 * Records a manual entry (@change->id 0), or the task, cases and remarks
 * of an entry. The signed-in operator fills in their open entry freely;
 * any other change is an amendment and needs a reason, and an amended
 * entry needs confirming again. Every field is checked first: on any
 * error nothing is saved, and a %KB_FIELD_ERROR names the field.
 *
 * Returns: the entry's id, or 0 with @error set
 */
gint64
kb_usage_save (KbDb                *db,
               const KbUsageChange *change,
               GError             **error)
{
  Person actor;
  g_autofree char *remarks = NULL;
  g_autofree char *reason = NULL;
  gboolean unchanged = FALSE;
  int cases;
  gint64 id;

  if (!require_actor (db, &actor, error))
    return 0;
  remarks = kb_validate_text (KB_FIELD_REMARKS, change->remarks, KB_USAGE_MAX_REMARKS, FALSE,
                              TRUE, error);
  if (remarks == NULL)
    return 0;
  reason = kb_validate_text (KB_FIELD_REASON, change->reason, KB_MAX_REASON, change->id == 0,
                             TRUE, error);
  if (reason == NULL)
    return 0;
  if (!kb_usage_parse_cases (change->cases, &cases, error))
    return 0;

  if (!kb_db_begin (db, error))
    return 0;
  if (change->id == 0)
    id = save_manual (db, change, &actor, cases, remarks, reason, error);
  else
    id = save_existing (db, change, &actor, cases, remarks, reason, &unchanged, error);

  if (id == 0 || unchanged)
    {
      kb_db_rollback (db);
      return id;
    }
  if (!kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return 0;
    }
  return id;
}

/**
 * kb_usage_confirm:
 * @ids: the entries to confirm
 * @result: (out): what was confirmed, and why the rest was not
 *
 * Confirms, as the signed-in supervisor, the entries of their division's
 * operators that are closed and have a task. Their own entries, other
 * divisions', open or purpose-missing and already confirmed entries are
 * skipped and counted. One transaction, one journal entry per entry.
 */
gboolean
kb_usage_confirm (KbDb                 *db,
                  const gint64         *ids,
                  guint                 n_ids,
                  KbUsageConfirmResult *result,
                  GError              **error)
{
  Person actor;
  gint64 me = kb_db_get_actor (db);
  gint64 now = now_seconds ();
  sqlite3_stmt *stmt;

  memset (result, 0, sizeof *result);
  if (!require_actor (db, &actor, error))
    return FALSE;
  if (!(actor.roles & KB_ROLE_SUPERVISOR))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("Only a supervisor can confirm usage entries"));
      return FALSE;
    }
  if (!kb_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      Row row = { 0 };

      if (!load_row (db, ids[i], &row, error))
        goto failed;
      if (row.operator_id == me)
        result->n_own++;
      else if (row.division_id != actor.division_id)
        result->n_not_supervised++;
      else if (row.confirmed_by != 0)
        result->n_already++;
      else if (row.ended_at == 0 || row.task_id == 0)
        result->n_not_ready++;
      else
        {
          stmt = kb_db_prepare (db, "UPDATE usage SET confirmed_by = ?2, confirmed_at = ?3"
                                    " WHERE id = ?1 AND confirmed_by IS NULL", error);
          if (stmt == NULL)
            {
              row_clear (&row);
              goto failed;
            }
          sqlite3_bind_int64 (stmt, 1, ids[i]);
          sqlite3_bind_int64 (stmt, 2, me);
          sqlite3_bind_int64 (stmt, 3, MAX (now, row.ended_at));
          if (!kb_db_step_done (db, stmt, error) ||
              !journal (db, "usage.confirm", ids[i], NULL, error))
            {
              row_clear (&row);
              goto failed;
            }
          result->n_confirmed++;
        }
      row_clear (&row);
    }
  return kb_db_commit (db, error);

failed:
  kb_db_rollback (db);
  memset (result, 0, sizeof *result);
  return FALSE;
}
