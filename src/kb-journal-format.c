/* kb-journal-format.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-canon.h"
#include "kb-journal-format.h"
#include "kb-records.h"

static const struct {
  const char *key;
  const char *label;
} entities[] = {
  { "division", N_("Division") },
  { "operator", N_("Operator") },
  { "terminal", N_("Terminal") },
  { "task", N_("Business task") },
  { "database", N_("Database") },
};

static const struct {
  const char *key;
  const char *label;
} actions[] = {
  { "create", N_("created") },
  { "amend", N_("amended") },
  { "retire", N_("retired") },
  { "reinstate", N_("reinstated") },
  { "upgrade", N_("upgraded") },
};

static const struct {
  const char *column;
  const char *label;
} columns[] = {
  { "staff_number", N_("Staff number") },
  { "name", N_("Name") },
  { "kana", N_("Reading") },
  { "division_id", N_("Division") },
  { "roles", N_("Roles") },
  { "code", N_("Terminal code") },
  { "location", N_("Location") },
  { "description", N_("Description") },
  { "divisions", N_("Approved for") },
  { "active", N_("Status") },
};

/**
 * kb_journal_format_kind:
 *
 * Returns: (transfer full): "Operator amended" for "operator.amend"; an
 *   unknown kind is shown as it is
 */
char *
kb_journal_format_kind (const char *kind)
{
  g_auto(GStrv) parts = g_strsplit (kind, ".", 2);
  const char *entity = NULL;
  const char *action = NULL;

  if (g_strv_length (parts) != 2)
    return g_strdup (kind);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (entities[i].key, parts[0]))
      entity = _(entities[i].label);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].key, parts[1]))
      action = _(actions[i].label);

  if (entity == NULL || action == NULL)
    return g_strdup (kind);

  /* Translators: a journal event, e.g. "Operator amended" */
  return g_strdup_printf (C_("journal event", "%s %s"), entity, action);
}

/**
 * kb_journal_format_time:
 * @utc: an ISO 8601 time in UTC, as the journal stores it
 *
 * Returns: (transfer full): the local time, to the second
 */
char *
kb_journal_format_time (const char *utc)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (utc, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (dt == NULL)
    return g_strdup (utc);
  local = g_date_time_to_local (dt);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/**
 * kb_journal_format_subtitle:
 *
 * Returns: (transfer full): when, who, where and which entry
 */
char *
kb_journal_format_subtitle (KbJournalEntry *entry)
{
  g_autofree char *when = kb_journal_format_time (kb_journal_entry_get_at (entry));
  const char *who = kb_journal_entry_get_actor_name (entry);

  /* Translators: time · who · terminal · journal entry number */
  return g_strdup_printf (_("%s · %s · %s · entry %" PRId64), when,
                          who != NULL ? who : _("system"), kb_journal_entry_get_terminal (entry),
                          kb_journal_entry_get_seq (entry));
}

static char *
division_name (GListModel *divisions,
               const char *id_text)
{
  gint64 id = g_ascii_strtoll (id_text, NULL, 10);

  for (guint i = 0; divisions != NULL && i < g_list_model_get_n_items (divisions); i++)
    {
      g_autoptr(KbDivision) d = g_list_model_get_item (divisions, i);

      if (kb_division_get_id (d) == id)
        return g_strdup (kb_division_get_name (d));
    }
  return g_strdup_printf ("#%s", id_text);
}

static char *
format_value (const char *column,
              const char *value,
              GListModel *divisions)
{
  if (value == NULL)
    return g_strdup ("—");
  if (g_str_equal (column, "active"))
    return g_strdup (g_str_equal (value, "1") ? _("Active") : _("Retired"));
  if (g_str_equal (column, "roles"))
    return kb_roles_to_string ((KbRoles) g_ascii_strtoll (value, NULL, 10));
  if (g_str_equal (column, "division_id"))
    return division_name (divisions, value);
  if (g_str_equal (column, "divisions"))
    {
      g_auto(GStrv) ids = g_strsplit (value, ",", -1);
      GString *out = g_string_new (NULL);

      for (guint i = 0; ids[i] != NULL; i++)
        {
          g_autofree char *name = division_name (divisions, ids[i]);

          if (i > 0)
            g_string_append (out, _(", "));
          g_string_append (out, name);
        }
      return g_string_free (out, FALSE);
    }
  if (value[0] == '\0')
    return g_strdup ("—");
  return g_strdup (value);
}

/**
 * kb_journal_format_changes:
 * @before: (nullable): the row's previous canonical state
 * @after: the state this entry recorded
 * @divisions: (nullable): to show division names instead of ids
 *
 * Returns: (transfer full) (element-type utf8): lines such as
 *   "Name: 山田 → 山田 太郎"; every field when @before is %NULL
 */
GPtrArray *
kb_journal_format_changes (const char *before,
                           const char *after,
                           GListModel *divisions)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) old_values = before != NULL ? kb_canon_parse (before, NULL) : NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GHashTable) new_values = kb_canon_parse (after, &keys);

  if (new_values == NULL)
    return lines;

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      const char *label = NULL;
      const char *new_value = g_hash_table_lookup (new_values, key);
      g_autofree char *shown_new = NULL;

      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        if (g_str_equal (columns[c].column, key))
          label = _(columns[c].label);
      if (label == NULL)
        continue;

      shown_new = format_value (key, new_value, divisions);
      if (old_values == NULL)
        {
          /* Translators: a field of a register row and its value */
          g_ptr_array_add (lines, g_strdup_printf (C_("field value", "%s: %s"), label, shown_new));
          continue;
        }
      if (g_strcmp0 (g_hash_table_lookup (old_values, key), new_value) != 0)
        {
          g_autofree char *shown_old = format_value (key, g_hash_table_lookup (old_values, key),
                                                     divisions);

          /* Translators: a field, its old value and its new value */
          g_ptr_array_add (lines, g_strdup_printf (C_("field change", "%s: %s → %s"), label,
                                                   shown_old, shown_new));
        }
    }

  return lines;
}
