/* kb-journal-format.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "kb-canon.h"
#include "kb-journal-format.h"
#include "kb-records.h"

/* Every kind of journal entry, in words. */
static const struct {
  const char *kind;
  const char *label;
} kinds[] = {
  { "database.create", N_("Database created") },
  { "database.upgrade", N_("Database upgraded") },
  { "division.create", N_("Division created") },
  { "division.amend", N_("Division amended") },
  { "division.retire", N_("Division retired") },
  { "division.reinstate", N_("Division reinstated") },
  { "operator.create", N_("Operator created") },
  { "operator.amend", N_("Operator amended") },
  { "operator.retire", N_("Operator retired") },
  { "operator.reinstate", N_("Operator reinstated") },
  { "terminal.create", N_("Terminal created") },
  { "terminal.amend", N_("Terminal amended") },
  { "terminal.retire", N_("Terminal retired") },
  { "terminal.reinstate", N_("Terminal reinstated") },
  { "task.create", N_("Business task created") },
  { "task.amend", N_("Business task amended") },
  { "task.retire", N_("Business task retired") },
  { "task.reinstate", N_("Business task reinstated") },
  { "setting.create", N_("Setting created") },
  { "setting.amend", N_("Setting changed") },
  { "credential.create", N_("Password set") },
  { "credential.change", N_("Password changed") },
  { "credential.reset", N_("Password reset by a security officer") },
  { "credential.release", N_("Lock-out released") },
  { "card.issue", N_("IC card issued") },
  { "card.return", N_("IC card returned") },
  { "card.lose", N_("IC card reported lost") },
  { "card.revoke", N_("IC card revoked") },
  { "card.refused", N_("Card refused at sign-in") },
  { "session.unlock", N_("Signed in") },
  { "session.lock", N_("Locked") },
  { "signin.failed", N_("Wrong password") },
  { "signin.locked-out", N_("Account locked after wrong passwords") },
  { "usage.open", N_("Terminal use began") },
  { "usage.close", N_("Terminal use ended") },
  { "usage.record", N_("Usage recorded") },
  { "usage.amend", N_("Usage entry corrected") },
  { "usage.manual", N_("Paper usage entry added") },
  { "usage.confirm", N_("Usage confirmed by a supervisor") },
  { "asset.register", N_("Asset registered") },
  { "asset.import", N_("Asset imported") },
  { "asset.amend", N_("Asset amended") },
  { "asset.handover", N_("Asset handed over") },
  { "asset.lend", N_("Asset lent") },
  { "asset.return", N_("Asset returned") },
  { "asset.status", N_("Asset status changed") },
  { "asset.check", N_("Inventory check") },
  { "asset.dispose-request", N_("Disposal requested") },
  { "asset.dispose-approve", N_("Disposal approved") },
  { "asset.dispose-reject", N_("Disposal rejected") },
  { "backup.passphrase", N_("Backup passphrase set") },
  { "backup.make", N_("Backup made") },
  { "backup.verify", N_("Backup verified") },
  { "backup.restore", N_("Database restored from a backup") },
  { "room.enter", N_("Equipment room entered") },
  { "room.leave", N_("Equipment room left") },
  { "room.key-return", N_("Room key returned") },
  { "training.schedule", N_("Training session scheduled") },
  { "training.amend", N_("Training session amended") },
  { "training.cancel", N_("Training session cancelled") },
  { "training.status", N_("Training session status changed") },
  { "attendance.invite", N_("Invited to a training session") },
  { "attendance.mark", N_("Attendance marked") },
  { "signin.training-refused", N_("Sign-in refused: training missing") },
  { "audit.plan", N_("Audit planned") },
  { "audit.amend", N_("Audit plan amended") },
  { "audit.start", N_("Audit started") },
  { "audit.report", N_("Audit reported") },
  { "audit.close", N_("Audit closed") },
  { "auditor.add", N_("Auditor added") },
  { "auditor.withdraw", N_("Auditor withdrawn") },
  { "finding.record", N_("Audit finding recorded") },
  { "finding.amend", N_("Audit finding amended") },
  { "finding.close", N_("Audit finding closed") },
  { "finding.accept", N_("Audit finding accepted") },
  { "finding.reopen", N_("Audit finding reopened") },
  { "finding-link.add", N_("Finding linked to a register entry") },
  { "finding-link.withdraw", N_("Finding link withdrawn") },
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
  { "status", N_("Status") },
  { "must_change", N_("Must change password") },
  { "failed_attempts", N_("Wrong passwords in a row") },
  { "locked", N_("Locked out") },
  { "key", N_("Setting") },
  { "value", N_("Value") },
  { "terminal_id", N_("Terminal") },
  { "operator_id", N_("Operator") },
  { "task_id", N_("Business task") },
  { "cases", N_("Cases") },
  { "remarks", N_("Remarks") },
  { "started_at", N_("Start") },
  { "ended_at", N_("End") },
  { "manual", N_("Paper entry") },
  { "confirmed_by", N_("Confirmed by") },
  { "confirmed_at", N_("Confirmed at") },
  { "number", N_("Asset number") },
  { "kind", N_("Kind") },
  { "classification", N_("Classification") },
  { "custodian_id", N_("Custodian") },
  { "acquired_on", N_("Acquired") },
  { "holds_data", N_("Holds data") },
  { "inventory_days", N_("Inventory interval (days)") },
  { "checked_on", N_("Last inventory check") },
  { "borrower_id", N_("Lent to") },
  { "due_on", N_("Due back") },
  { "notes", N_("Notes") },
  { "reason", N_("Reason") },
  { "method", N_("Disposal method") },
  { "requested_by", N_("Requested by") },
  { "decided_by", N_("Decided by") },
  { "room", N_("Room") },
  { "visitor_name", N_("Visitor") },
  { "visitor_org", N_("Organisation") },
  { "purpose", N_("Purpose") },
  { "entered_at", N_("Entered") },
  { "left_at", N_("Left") },
  { "escort_id", N_("Escort") },
  { "key_label", N_("Key") },
  { "key_returned_at", N_("Key returned") },
  { "path", N_("File") },
  { "size", N_("Size") },
  { "digest", N_("SHA-256") },
  { "made_at", N_("Made at") },
  { "verified_at", N_("Verified at") },
  { "title", N_("Title") },
  { "fiscal_year", N_("Fiscal year") },
  { "starts_at", N_("Starts") },
  { "ends_at", N_("Ends") },
  { "place", N_("Place") },
  { "trainer_id", N_("Trainer") },
  { "audience", N_("Audience") },
  { "materials", N_("Materials") },
  { "training_id", N_("Training session") },
  { "invited_at", N_("Invited at") },
  { "invited_by", N_("Invited by") },
  { "mark", N_("Attendance") },
  { "marked_at", N_("Marked at") },
  { "marked_by", N_("Marked by") },
  { "scope", N_("Scope") },
  { "period_from", N_("Audited from") },
  { "period_to", N_("Audited to") },
  { "planned_on", N_("Planned for") },
  { "recurrence_months", N_("Recurs every (months)") },
  { "previous_id", N_("Follows audit") },
  { "closed_at", N_("Closed at") },
  { "closed_by", N_("Closed by") },
  { "audit_id", N_("Audit") },
  { "severity", N_("Severity") },
  { "responsible_id", N_("Responsible") },
  { "action", N_("Corrective action") },
  { "evidence", N_("Evidence") },
  { "resolved_at", N_("Resolved at") },
  { "resolved_by", N_("Resolved by") },
  { "finding_id", N_("Finding") },
  { "entity", N_("Register") },
  { "entity_id", N_("Entry") },
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
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].kind, kind))
      return g_strdup (_(kinds[i].label));
  return g_strdup (kind);
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
  /* The newer registers keep moments as Unix seconds. */
  if (g_str_has_suffix (column, "_at") && value[0] != '\0' &&
      strspn (value, "0123456789") == strlen (value))
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (g_ascii_strtoll (value, NULL, 10));
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

      if (local != NULL)
        return g_date_time_format (local, "%Y-%m-%d %H:%M");
    }
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
