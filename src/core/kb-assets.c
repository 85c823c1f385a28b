/* kb-assets.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register (情報資産管理簿). An asset's row says
 * where it is and who answers for it now; every movement is a row of
 * asset_events, written with the change in one transaction, and the
 * asset row, the event and (for disposals) the disposal row are each
 * journaled with the same kind ("asset.handover"), so the journal shows
 * one action as what it did to each register.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-assets.h"
#include "kb-assets-private.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"

/* --- words and labels --------------------------------------------------- */

static const char * const kind_words[] = { "equipment", "software", "media", "document" };
static const char * const status_words[] = { "in-use", "stored", "lent", "repair", "disposed" };
static const char * const condition_words[] = { "good", "damaged", "missing" };
static const char * const method_words[] = { "shredding", "degaussing", "destruction", "vendor" };
static const char * const data_words[] = { "none", "backed-up", "not-needed" };

static gboolean
word_lookup (const char * const *words,
             guint               n_words,
             const char         *s,
             int                *value)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < n_words; i++)
    if (g_str_equal (words[i], s))
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

const char *
kb_asset_kind_to_string (KbAssetKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_words), NULL);
  return kind_words[kind];
}

gboolean
kb_asset_kind_from_string (const char  *s,
                           KbAssetKind *kind)
{
  int value;

  if (!word_lookup (kind_words, G_N_ELEMENTS (kind_words), s, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}

const char *
kb_asset_kind_get_label (KbAssetKind kind)
{
  switch (kind)
    {
    case KB_ASSET_EQUIPMENT:
      return _("Equipment");
    case KB_ASSET_SOFTWARE:
      return _("Software");
    case KB_ASSET_MEDIA:
      return _("Storage media");
    case KB_ASSET_DOCUMENT:
      return _("Document");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_asset_status_to_string (KbAssetStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_words), NULL);
  return status_words[status];
}

gboolean
kb_asset_status_from_string (const char    *s,
                             KbAssetStatus *status)
{
  int value;

  if (!word_lookup (status_words, G_N_ELEMENTS (status_words), s, &value))
    return FALSE;
  *status = value;
  return TRUE;
}

const char *
kb_asset_status_get_label (KbAssetStatus status)
{
  switch (status)
    {
    case KB_ASSET_IN_USE:
      return _("In use");
    case KB_ASSET_STORED:
      return _("Stored");
    case KB_ASSET_LENT:
      return _("Lent");
    case KB_ASSET_REPAIR:
      return _("Out for repair");
    case KB_ASSET_DISPOSED:
      return _("Disposed");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* 機密性1–3 of the rules; 3 is the most sensitive. */
const char *
kb_asset_classification_get_label (int classification)
{
  switch (classification)
    {
    case 1:
      return _("Confidentiality 1");
    case 2:
      return _("Confidentiality 2");
    case 3:
      return _("Confidentiality 3 (highest)");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_asset_condition_to_string (KbAssetCondition condition)
{
  g_return_val_if_fail ((guint) condition < G_N_ELEMENTS (condition_words), NULL);
  return condition_words[condition];
}

gboolean
kb_asset_condition_from_string (const char       *s,
                                KbAssetCondition *condition)
{
  int value;

  if (!word_lookup (condition_words, G_N_ELEMENTS (condition_words), s, &value))
    return FALSE;
  *condition = value;
  return TRUE;
}

const char *
kb_asset_condition_get_label (KbAssetCondition condition)
{
  switch (condition)
    {
    case KB_CONDITION_GOOD:
      return _("Good");
    case KB_CONDITION_DAMAGED:
      return _("Damaged");
    case KB_CONDITION_MISSING:
      return _("Missing");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_disposal_method_to_string (KbDisposalMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (method_words), NULL);
  return method_words[method];
}

gboolean
kb_disposal_method_from_string (const char       *s,
                                KbDisposalMethod *method)
{
  int value;

  if (!word_lookup (method_words, G_N_ELEMENTS (method_words), s, &value))
    return FALSE;
  *method = value;
  return TRUE;
}

const char *
kb_disposal_method_get_label (KbDisposalMethod method)
{
  switch (method)
    {
    case KB_DISPOSAL_SHREDDING:
      return _("Shredding");
    case KB_DISPOSAL_DEGAUSSING:
      return _("Degaussing");
    case KB_DISPOSAL_DESTRUCTION:
      return _("Physical destruction");
    case KB_DISPOSAL_VENDOR:
      return _("Returned to the vendor");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
kb_disposal_data_get_label (KbDisposalData data)
{
  switch (data)
    {
    case KB_DISPOSAL_DATA_NONE:
      return _("Held no data");
    case KB_DISPOSAL_DATA_BACKED_UP:
      return _("Backed up");
    case KB_DISPOSAL_DATA_NOT_NEEDED:
      return _("Data not needed");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* --- the clock ------------------------------------------------------------ */

/* The demo office writes its past through the same functions as everyone
 * else; tests pin "today". 0: the real clock. */
static gint64 fixed_now;

/**
 * kb_assets_set_clock:
 * @now: Unix seconds the register takes as "now", or 0 for the real clock
 *
 * For the demo office (which records last month's hand-overs) and tests.
 * Not thread-safe: set it only on the thread that owns the connection,
 * and set it back.
 */
void
kb_assets_set_clock (gint64 now)
{
  fixed_now = now;
}

gint64
kb_assets_now (void)
{
  return fixed_now != 0 ? fixed_now : g_get_real_time () / G_USEC_PER_SEC;
}

/* Today in local time, 'YYYY-MM-DD'. */
char *
kb_assets_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (kb_assets_now ());

  return g_date_time_format (now, "%Y-%m-%d");
}

static char *
add_days (const char *iso,
          int         days)
{
  GDate date;
  int y, m, d;

  if (sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return g_strdup (iso);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  g_date_add_days (&date, days);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

/* --- KbAsset ------------------------------------------------------------- */

struct _KbAsset {
  GObject parent_instance;
  gint64 id;
  char *number;
  char *name;
  KbAssetKind kind;
  int classification;
  char *location;
  gint64 custodian_id;
  char *custodian_name;
  char *custodian_staff_number;
  gint64 division_id;
  char *division_name;
  char *acquired_on;
  KbAssetStatus status;
  gboolean holds_data;
  int inventory_days;
  char *checked_on;
  char *next_check_on;
  KbInventoryState inventory_state;
  gint64 borrower_id;
  char *borrower_name;
  char *due_on;
  gboolean return_overdue;
  char *notes;
  gboolean disposal_pending;
};

G_DEFINE_FINAL_TYPE (KbAsset, kb_asset, G_TYPE_OBJECT)

static void
kb_asset_finalize (GObject *object)
{
  KbAsset *self = KB_ASSET (object);

  g_free (self->number);
  g_free (self->name);
  g_free (self->location);
  g_free (self->custodian_name);
  g_free (self->custodian_staff_number);
  g_free (self->division_name);
  g_free (self->acquired_on);
  g_free (self->checked_on);
  g_free (self->next_check_on);
  g_free (self->borrower_name);
  g_free (self->due_on);
  g_free (self->notes);
  G_OBJECT_CLASS (kb_asset_parent_class)->finalize (object);
}

static void
kb_asset_class_init (KbAssetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_asset_finalize;
}

static void
kb_asset_init (KbAsset *self)
{
}

gint64           kb_asset_get_id               (KbAsset *self) { return self->id; }
const char      *kb_asset_get_number           (KbAsset *self) { return self->number; }
const char      *kb_asset_get_name             (KbAsset *self) { return self->name; }
KbAssetKind      kb_asset_get_kind             (KbAsset *self) { return self->kind; }
int              kb_asset_get_classification   (KbAsset *self) { return self->classification; }
const char      *kb_asset_get_location         (KbAsset *self) { return self->location; }
gint64           kb_asset_get_custodian_id     (KbAsset *self) { return self->custodian_id; }
const char      *kb_asset_get_custodian_name   (KbAsset *self) { return self->custodian_name; }
const char      *kb_asset_get_custodian_staff_number (KbAsset *self) { return self->custodian_staff_number; }
gint64           kb_asset_get_division_id      (KbAsset *self) { return self->division_id; }
const char      *kb_asset_get_division_name    (KbAsset *self) { return self->division_name; }
const char      *kb_asset_get_acquired_on      (KbAsset *self) { return self->acquired_on; }
KbAssetStatus    kb_asset_get_status           (KbAsset *self) { return self->status; }
gboolean         kb_asset_get_holds_data       (KbAsset *self) { return self->holds_data; }
int              kb_asset_get_inventory_days   (KbAsset *self) { return self->inventory_days; }
const char      *kb_asset_get_checked_on       (KbAsset *self) { return self->checked_on; }
const char      *kb_asset_get_next_check_on    (KbAsset *self) { return self->next_check_on; }
KbInventoryState kb_asset_get_inventory_state  (KbAsset *self) { return self->inventory_state; }
gint64           kb_asset_get_borrower_id      (KbAsset *self) { return self->borrower_id; }
const char      *kb_asset_get_borrower_name    (KbAsset *self) { return self->borrower_name; }
const char      *kb_asset_get_due_on           (KbAsset *self) { return self->due_on; }
gboolean         kb_asset_get_return_overdue   (KbAsset *self) { return self->return_overdue; }
const char      *kb_asset_get_notes            (KbAsset *self) { return self->notes; }
gboolean         kb_asset_get_disposal_pending (KbAsset *self) { return self->disposal_pending; }

/* When the next inventory check is due: the last check (or the day it was
 * acquired) plus the interval, in days, as SQLite counts them. */
#define NEXT_CHECK "date (coalesce (a.checked_on, a.acquired_on), '+' || a.inventory_days || ' days')"
#define PENDING "EXISTS (SELECT 1 FROM disposals p WHERE p.asset_id = a.id AND p.status = 'requested')"

/* The columns every reading query selects, in this order. */
#define ASSET_COLUMNS \
  "a.id, a.number, a.name, a.kind, a.classification, a.location, a.custodian_id, c.name," \
  " a.division_id, d.name, a.acquired_on, a.status, a.holds_data, a.inventory_days," \
  " a.checked_on, " NEXT_CHECK ", a.borrower_id, b.name, a.due_on, a.notes, " PENDING ", c.staff_number"
#define ASSET_JOINS \
  " FROM assets a" \
  " JOIN operators c ON c.id = a.custodian_id" \
  " JOIN divisions d ON d.id = a.division_id" \
  " LEFT JOIN operators b ON b.id = a.borrower_id"

static char *
dup_col (sqlite3_stmt *stmt,
         int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return g_strdup (text != NULL ? text : "");
}

static char *
dup_col_nullable (sqlite3_stmt *stmt,
                  int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static KbAsset *
asset_from_row (sqlite3_stmt *stmt,
                const char   *today,
                const char   *soon)
{
  KbAsset *self = g_object_new (KB_TYPE_ASSET, NULL);
  const char *kind = (const char *) sqlite3_column_text (stmt, 3);
  const char *status = (const char *) sqlite3_column_text (stmt, 11);

  self->id = sqlite3_column_int64 (stmt, 0);
  self->number = dup_col (stmt, 1);
  self->name = dup_col (stmt, 2);
  if (!kb_asset_kind_from_string (kind, &self->kind))
    self->kind = KB_ASSET_EQUIPMENT;
  self->classification = sqlite3_column_int (stmt, 4);
  self->location = dup_col (stmt, 5);
  self->custodian_id = sqlite3_column_int64 (stmt, 6);
  self->custodian_name = dup_col (stmt, 7);
  self->division_id = sqlite3_column_int64 (stmt, 8);
  self->division_name = dup_col (stmt, 9);
  self->acquired_on = dup_col (stmt, 10);
  if (!kb_asset_status_from_string (status, &self->status))
    self->status = KB_ASSET_IN_USE;
  self->holds_data = sqlite3_column_int (stmt, 12) != 0;
  self->inventory_days = sqlite3_column_int (stmt, 13);
  self->checked_on = dup_col_nullable (stmt, 14);
  self->next_check_on = dup_col (stmt, 15);
  self->borrower_id = sqlite3_column_int64 (stmt, 16);
  self->borrower_name = dup_col_nullable (stmt, 17);
  self->due_on = dup_col_nullable (stmt, 18);
  self->notes = dup_col (stmt, 19);
  self->disposal_pending = sqlite3_column_int (stmt, 20) != 0;
  self->custodian_staff_number = dup_col (stmt, 21);

  if (self->status == KB_ASSET_DISPOSED)
    self->inventory_state = KB_INVENTORY_OK;
  else if (strcmp (self->next_check_on, today) < 0)
    self->inventory_state = KB_INVENTORY_OVERDUE;
  else if (strcmp (self->next_check_on, soon) <= 0)
    self->inventory_state = KB_INVENTORY_DUE;
  else
    self->inventory_state = KB_INVENTORY_OK;
  self->return_overdue = self->status == KB_ASSET_LENT && self->due_on != NULL &&
                         strcmp (self->due_on, today) < 0;
  return self;
}

/* --- who may --------------------------------------------------------------- */

typedef struct {
  gboolean found;
  char *name;
  char *staff_number;
  KbRoles roles;
  gint64 division_id;
  gboolean active;
} Person;

static void
person_clear (Person *person)
{
  g_clear_pointer (&person->name, g_free);
  g_clear_pointer (&person->staff_number, g_free);
}

static gboolean
load_person (KbDb    *db,
             gint64   id,
             Person  *person,
             GError **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT roles, division_id, active, name, staff_number"
                                          " FROM operators WHERE id = ?1", error);
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
      person->name = dup_col (stmt, 3);
      person->staff_number = dup_col (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the operator register"));
      return FALSE;
    }
  return TRUE;
}

/* The acting operator must hold one of @roles and be active. The system
 * (no one signed in: the command line) passes, as in kb-admin.c. */
static gboolean
require_role (KbDb        *db,
              KbRoles      roles,
              const char  *refusal,
              GError     **error)
{
  Person actor;
  gboolean ok;

  if (kb_db_get_actor (db) == 0)
    return TRUE;
  if (!load_person (db, kb_db_get_actor (db), &actor, error))
    return FALSE;
  ok = actor.found && actor.active && (actor.roles & roles) != 0;
  person_clear (&actor);
  if (!ok)
    g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED, refusal);
  return ok;
}

gboolean
kb_assets_require_keeper (KbDb    *db,
                          GError **error)
{
  return require_role (db, KB_ROLES_ASSET_KEEPERS,
                       _("Only a security officer or the network administrator can change "
                         "the information-asset register"), error);
}

static gboolean
require_reader (KbDb    *db,
                GError **error)
{
  return require_role (db, KB_ROLES_ASSET_READERS,
                       _("Only security officers, the network administrator and auditors can "
                         "read the information-asset register"), error);
}

/* An active operator for @field (custodian, borrower, who saw it). */
static gboolean
require_operator (KbDb        *db,
                  const char  *field,
                  gint64       id,
                  Person      *person,
                  GError     **error)
{
  if (id <= 0)
    {
      memset (person, 0, sizeof *person);
      kb_set_field_error (error, field, KB_FIELD_ERROR_EMPTY, _("Choose an operator"));
      return FALSE;
    }
  if (!load_person (db, id, person, error))
    return FALSE;
  if (!person->found || !person->active)
    {
      person_clear (person);
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("Choose an operator who is in the register and not retired"));
      return FALSE;
    }
  return TRUE;
}

/* --- validation ----------------------------------------------------------- */

static char *
fold (const char *text)
{
  g_autofree char *normal = NULL;

  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    return NULL;
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  return g_strstrip (g_steal_pointer (&normal));
}

/**
 * kb_assets_parse_date:
 * @out: (out): the date as 'YYYY-MM-DD'
 *
 * "2026-11-26" or "2026/11/26" (full-width digits fold); a real day.
 */
gboolean
kb_assets_parse_date (const char  *field,
                      const char  *text,
                      char       **out,
                      GError     **error)
{
  g_autofree char *folded = fold (text);
  int y, m, d, n = 0;
  char sep1, sep2;

  *out = NULL;
  if (folded == NULL || folded[0] == '\0')
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_EMPTY, _("Enter a date such as 2026-11-26"));
      return FALSE;
    }
  if (sscanf (folded, "%4d%c%2d%c%2d%n", &y, &sep1, &m, &sep2, &d, &n) != 5 ||
      folded[n] != '\0' || strlen (folded) < 8 || sep1 != sep2 || (sep1 != '-' && sep1 != '/') ||
      !g_ascii_isdigit (folded[0]) || y < 1900 || !g_date_valid_dmy (d, m, y))
    {
      kb_set_field_error (error, field, KB_FIELD_ERROR_INVALID,
                          _("“%s” is not a date: write it as 2026-11-26"), folded);
      return FALSE;
    }
  *out = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return TRUE;
}

gboolean
kb_assets_parse_acquired (const char  *text,
                          const char  *today,
                          char       **out,
                          GError     **error)
{
  if (!kb_assets_parse_date (KB_FIELD_ACQUIRED, text, out, error))
    return FALSE;
  if (strcmp (*out, today) > 0)
    {
      kb_set_field_error (error, KB_FIELD_ACQUIRED, KB_FIELD_ERROR_INVALID,
                          _("The acquisition date %s is in the future"), *out);
      g_clear_pointer (out, g_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
kb_assets_parse_inventory_days (const char  *text,
                                int         *days,
                                GError     **error)
{
  g_autofree char *folded = fold (text);
  gint64 value = 0;

  *days = KB_ASSET_DEFAULT_INVENTORY_DAYS;
  if (folded == NULL)
    {
      kb_set_field_error (error, KB_FIELD_INVENTORY_DAYS, KB_FIELD_ERROR_INVALID,
                          _("This is not valid text"));
      return FALSE;
    }
  if (folded[0] == '\0')
    return TRUE;
  for (const char *p = folded; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || value > 100000)
        {
          kb_set_field_error (error, KB_FIELD_INVENTORY_DAYS, KB_FIELD_ERROR_INVALID,
                              _("Enter the inventory interval in days, from 1 to 3660"));
          return FALSE;
        }
      value = value * 10 + (*p - '0');
    }
  if (value < 1 || value > 3660)
    {
      kb_set_field_error (error, KB_FIELD_INVENTORY_DAYS, KB_FIELD_ERROR_INVALID,
                          _("Enter the inventory interval in days, from 1 to 3660"));
      return FALSE;
    }
  *days = (int) value;
  return TRUE;
}

char *
kb_assets_validate_number (const char  *text,
                           GError     **error)
{
  return kb_validate_text (KB_FIELD_NUMBER, text, KB_ASSET_MAX_NUMBER, TRUE, FALSE, error);
}

gboolean
kb_assets_check_classification (int      classification,
                                GError **error)
{
  if (classification < 1 || classification > 3)
    {
      kb_set_field_error (error, KB_FIELD_CLASSIFICATION, KB_FIELD_ERROR_INVALID,
                          _("The classification is 1, 2 or 3 (3 is the most confidential)"));
      return FALSE;
    }
  return TRUE;
}

/* Whether @number is taken by an asset other than @except_id. */
static gboolean
number_taken (KbDb        *db,
              const char  *number,
              gint64       except_id,
              gboolean    *taken,
              GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT id FROM assets WHERE number = ?1 AND id <> ?2",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, except_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the information-asset register"));
      return FALSE;
    }
  *taken = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
check_division (KbDb    *db,
                gint64   division_id,
                GError **error)
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
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the division register"));
      return FALSE;
    }
  if (!active)
    {
      kb_set_field_error (error, KB_FIELD_DIVISION, KB_FIELD_ERROR_INVALID,
                          _("Choose a division that is in the register and not retired"));
      return FALSE;
    }
  return TRUE;
}

static char *
validate_reason (const char  *reason,
                 gboolean     required,
                 GError     **error)
{
  return kb_validate_text (KB_FIELD_REASON, reason, KB_MAX_REASON, required, TRUE, error);
}

/* --- reading --------------------------------------------------------------- */

static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* Parameters: ?1 today, ?2 the end of the "due soon" window, ?3 the text
 * pattern, ?4 kind, ?5 custodian, ?6 division. The SQL text varies only by
 * which filters are set, so the statement cache stays small. */
static void
append_where (GString             *sql,
              const KbAssetFilter *filter)
{
  g_string_append (sql, " WHERE 1");
  switch (filter->show)
    {
    case KB_ASSET_SHOW_CURRENT:
      g_string_append (sql, " AND a.status <> 'disposed'");
      break;
    case KB_ASSET_SHOW_INVENTORY_DUE:
      g_string_append (sql, " AND a.status <> 'disposed' AND " NEXT_CHECK " <= ?2");
      break;
    case KB_ASSET_SHOW_LENT:
      g_string_append (sql, " AND a.status = 'lent'");
      break;
    case KB_ASSET_SHOW_DISPOSAL_PENDING:
      g_string_append (sql, " AND " PENDING);
      break;
    case KB_ASSET_SHOW_DISPOSED:
      g_string_append (sql, " AND a.status = 'disposed'");
      break;
    case KB_ASSET_SHOW_ALL:
    default:
      break;
    }
  if (filter->kind >= 0)
    g_string_append (sql, " AND a.kind = ?4");
  if (filter->custodian_id != 0)
    g_string_append (sql, " AND a.custodian_id = ?5");
  if (filter->division_id != 0)
    g_string_append (sql, " AND a.division_id = ?6");
  if (filter->text != NULL && filter->text[0] != '\0')
    g_string_append (sql, " AND (a.number LIKE ?3 ESCAPE '\\' OR a.name LIKE ?3 ESCAPE '\\'"
                          " OR a.location LIKE ?3 ESCAPE '\\' OR a.notes LIKE ?3 ESCAPE '\\')");
}

static void
bind_filter (sqlite3_stmt        *stmt,
             const KbAssetFilter *filter,
             const char          *today,
             const char          *soon)
{
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, soon, -1, SQLITE_TRANSIENT);
  if (filter->text != NULL && filter->text[0] != '\0')
    {
      g_autofree char *folded = g_utf8_normalize (filter->text, -1, G_NORMALIZE_NFC);
      g_autofree char *pattern = like_pattern (folded != NULL ? g_strstrip (folded) : "");

      sqlite3_bind_text (stmt, 3, pattern, -1, SQLITE_TRANSIENT);
    }
  if (filter->kind >= 0 && (guint) filter->kind < G_N_ELEMENTS (kind_words))
    sqlite3_bind_text (stmt, 4, kind_words[filter->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, filter->custodian_id);
  sqlite3_bind_int64 (stmt, 6, filter->division_id);
}

/**
 * kb_assets_foreach:
 * @func: called for each asset, in number order; returning %FALSE (with
 *   an error) stops
 *
 * The list without a model, for the CSV export. Checks the reader role.
 */
gboolean
kb_assets_foreach (KbDb                *db,
                   const KbAssetFilter *filter,
                   const char          *today,
                   KbAssetFunc          func,
                   gpointer             user_data,
                   GError             **error)
{
  static const KbAssetFilter all = KB_ASSET_FILTER_INIT;
  g_autoptr(GString) sql = g_string_new ("SELECT " ASSET_COLUMNS ASSET_JOINS);
  g_autofree char *today_buf = NULL;
  g_autofree char *soon = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  if (filter == NULL)
    filter = &all;
  if (!require_reader (db, error))
    return FALSE;
  if (today == NULL)
    today = today_buf = kb_assets_today ();
  soon = add_days (today, KB_ASSET_DUE_SOON_DAYS);

  append_where (sql, filter);
  g_string_append (sql, " ORDER BY a.number");
  stmt = kb_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  bind_filter (stmt, filter, today, soon);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbAsset) asset = asset_from_row (stmt, today, soon);

      if (!func (asset, user_data, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the information-asset register"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_to_store (KbAsset   *asset,
              gpointer   user_data,
              GError   **error)
{
  g_list_store_append (user_data, asset);
  return TRUE;
}

/**
 * kb_assets_list:
 *
 * Returns: (transfer full) (nullable): the assets @filter selects
 */
GListModel *
kb_assets_list (KbDb                *db,
                const KbAssetFilter *filter,
                const char          *today,
                GError             **error)
{
  g_autoptr(GListStore) store = g_list_store_new (KB_TYPE_ASSET);

  if (!kb_assets_foreach (db, filter, today, add_to_store, store, error))
    return NULL;
  return G_LIST_MODEL (g_steal_pointer (&store));
}

static KbAsset *
load_asset (KbDb        *db,
            gint64       id,
            const char  *today,
            GError     **error)
{
  g_autofree char *today_buf = NULL;
  g_autofree char *soon = NULL;
  sqlite3_stmt *stmt;
  KbAsset *asset = NULL;
  int rc;

  if (today == NULL)
    today = today_buf = kb_assets_today ();
  soon = add_days (today, KB_ASSET_DUE_SOON_DAYS);

  stmt = kb_db_prepare (db, "SELECT " ASSET_COLUMNS ASSET_JOINS " WHERE a.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    asset = asset_from_row (stmt, today, soon);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("There is no asset with id %" PRId64), id);
  else if (rc != SQLITE_ROW)
    kb_db_set_error (db, error, _("Cannot read the information-asset register"));
  return asset;
}

/**
 * kb_assets_get:
 *
 * Returns: (transfer full) (nullable): the asset, or %NULL with
 *   %KB_STORE_ERROR_NOT_FOUND
 */
KbAsset *
kb_assets_get (KbDb        *db,
               gint64       id,
               const char  *today,
               GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);

  if (!require_reader (db, error))
    return NULL;
  return load_asset (db, id, today, error);
}

/**
 * kb_assets_counts:
 *
 * The figures of the page's banner, in one query.
 */
gboolean
kb_assets_counts (KbDb          *db,
                  const char    *today,
                  KbAssetCounts *counts,
                  GError       **error)
{
  g_autofree char *today_buf = NULL;
  g_autofree char *soon = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  if (!require_reader (db, error))
    return FALSE;
  if (today == NULL)
    today = today_buf = kb_assets_today ();
  soon = add_days (today, KB_ASSET_DUE_SOON_DAYS);

  stmt = kb_db_prepare (db,
                        "SELECT coalesce (sum (a.status <> 'disposed'), 0),"
                        " coalesce (sum (a.status <> 'disposed' AND " NEXT_CHECK " <= ?2), 0),"
                        " coalesce (sum (a.status <> 'disposed' AND " NEXT_CHECK " < ?1), 0),"
                        " coalesce (sum (a.status = 'lent'), 0),"
                        " coalesce (sum (a.status = 'lent' AND a.due_on < ?1), 0),"
                        " (SELECT count (*) FROM disposals WHERE status = 'requested')"
                        " FROM assets a", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, soon, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      counts->n_current = sqlite3_column_int (stmt, 0);
      counts->n_inventory_due = sqlite3_column_int (stmt, 1);
      counts->n_inventory_overdue = sqlite3_column_int (stmt, 2);
      counts->n_lent = sqlite3_column_int (stmt, 3);
      counts->n_return_overdue = sqlite3_column_int (stmt, 4);
      counts->n_disposal_pending = sqlite3_column_int (stmt, 5);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      kb_db_set_error (db, error, _("Cannot read the information-asset register"));
      return FALSE;
    }
  return TRUE;
}

/* --- writing --------------------------------------------------------------- */

typedef KbAssetEventRow Event;

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           i,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

static void
bind_id_or_null (sqlite3_stmt *stmt,
                 int           i,
                 gint64        id)
{
  if (id != 0)
    sqlite3_bind_int64 (stmt, i, id);
  else
    sqlite3_bind_null (stmt, i);
}

static gint64
insert_event (KbDb         *db,
              gint64        asset_id,
              const Event  *event,
              gint64        at,
              GError      **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "INSERT INTO asset_events (asset_id, kind, at, actor_id,"
                                          " from_operator_id, to_operator_id, from_status,"
                                          " to_status, due_on, location, condition, reason)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                                          " ?12)", error);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_text (stmt, 2, event->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, at);
  bind_id_or_null (stmt, 4, kb_db_get_actor (db));
  bind_id_or_null (stmt, 5, event->from_operator);
  bind_id_or_null (stmt, 6, event->to_operator);
  bind_text_or_null (stmt, 7, event->from_status);
  bind_text_or_null (stmt, 8, event->to_status);
  bind_text_or_null (stmt, 9, event->due_on);
  bind_text_or_null (stmt, 10, event->location);
  bind_text_or_null (stmt, 11, event->condition);
  sqlite3_bind_text (stmt, 12, event->reason != NULL ? event->reason : "", -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (kb_db_get_handle (db));
}

static char *
detail_reason (const char *reason)
{
  g_autoptr(GString) buf = NULL;
  KbCanon canon;

  if (reason == NULL || reason[0] == '\0')
    return NULL;
  buf = g_string_new (NULL);
  kb_canon_init (&canon, buf);
  kb_canon_add_string (&canon, "reason", reason);
  kb_canon_finish (&canon);
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

/* Records @event and journals the asset row, the event and the disposal
 * row (if any) under "asset.<verb>". */
gboolean
kb_assets_record_event (KbDb         *db,
                        const char   *verb,
                        gint64        asset_id,
                        const Event  *event,
                        gint64        disposal_id,
                        GError      **error)
{
  g_autofree char *kind = g_strconcat ("asset.", verb, NULL);
  g_autofree char *detail = detail_reason (event->reason);
  gint64 event_id = insert_event (db, asset_id, event, kb_assets_now (), error);

  return event_id != 0 &&
         kb_journal_record (db, kind, "asset", asset_id, detail, error) &&
         kb_journal_record (db, kind, "asset-event", event_id, detail, error) &&
         (disposal_id == 0 || kb_journal_record (db, kind, "disposal", disposal_id, detail, error));
}

static gboolean
refuse_disposed (KbAsset  *asset,
                 GError  **error)
{
  if (asset->status != KB_ASSET_DISPOSED)
    return FALSE;
  g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
               _("%s has been disposed of: its record can no longer change"), asset->number);
  return TRUE;
}

/* Role, transaction, the asset as it is, and the one rule for all:
 * nothing changes after disposal. */
static KbAsset *
begin_write (KbDb    *db,
             gint64   asset_id,
             GError **error)
{
  KbAsset *asset;

  if (!kb_assets_require_keeper (db, error))
    return NULL;
  if (!kb_db_begin (db, error))
    return NULL;
  asset = load_asset (db, asset_id, NULL, error);
  if (asset == NULL || refuse_disposed (asset, error))
    {
      g_clear_object (&asset);
      kb_db_rollback (db);
    }
  return asset;
}

static gboolean
finish_write (KbDb         *db,
              const char   *verb,
              gint64        asset_id,
              const Event  *event,
              gint64        disposal_id,
              GError      **error)
{
  if (!kb_assets_record_event (db, verb, asset_id, event, disposal_id, error) ||
      !kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
fail_write (KbDb *db)
{
  kb_db_rollback (db);
  return FALSE;
}

/* The validated facts of a registration or amendment. */
typedef struct {
  char *number;
  char *name;
  char *location;
  char *acquired_on;
  char *notes;
  char *reason;
  int inventory_days;
} Facts;

static void
facts_clear (Facts *facts)
{
  g_free (facts->number);
  g_free (facts->name);
  g_free (facts->location);
  g_free (facts->acquired_on);
  g_free (facts->notes);
  g_free (facts->reason);
}

static gboolean
validate_facts (const KbAssetChange *change,
                const char          *today,
                Facts               *facts,
                GError             **error)
{
  memset (facts, 0, sizeof *facts);
  return (facts->number = kb_assets_validate_number (change->number, error)) != NULL &&
         (facts->name = kb_validate_text (KB_FIELD_NAME, change->name, KB_ASSET_MAX_NAME, TRUE,
                                          FALSE, error)) != NULL &&
         kb_assets_check_kind (change->kind, error) &&
         kb_assets_check_classification (change->classification, error) &&
         (facts->location = kb_validate_text (KB_FIELD_LOCATION, change->location,
                                              KB_MAX_LOCATION, TRUE, FALSE, error)) != NULL &&
         kb_assets_parse_acquired (change->acquired_on, today, &facts->acquired_on, error) &&
         kb_assets_parse_inventory_days (change->inventory_days, &facts->inventory_days, error) &&
         (facts->notes = kb_validate_text (KB_FIELD_NOTES, change->notes, KB_ASSET_MAX_NOTES,
                                           FALSE, TRUE, error)) != NULL &&
         (facts->reason = validate_reason (change->reason, change->id != 0, error)) != NULL;
}

gboolean
kb_assets_check_kind (int      kind,
                      GError **error)
{
  if (kind < 0 || (guint) kind >= G_N_ELEMENTS (kind_words))
    {
      kb_set_field_error (error, KB_FIELD_KIND, KB_FIELD_ERROR_INVALID,
                          _("Choose equipment, software, storage media or a document"));
      return FALSE;
    }
  return TRUE;
}

static gint64
register_asset (KbDb                *db,
                const KbAssetChange *change,
                const Facts         *facts,
                GError             **error)
{
  Person custodian;
  gint64 division_id = change->division_id;
  gboolean taken;
  sqlite3_stmt *stmt;
  gint64 id;
  Event event = { 0 };

  if (change->status != KB_ASSET_IN_USE && change->status != KB_ASSET_STORED)
    {
      kb_set_field_error (error, KB_FIELD_STATUS, KB_FIELD_ERROR_INVALID,
                          _("A new asset is either in use or stored"));
      return 0;
    }
  if (!kb_assets_require_keeper (db, error))
    return 0;
  if (!kb_db_begin (db, error))
    return 0;
  if (!number_taken (db, facts->number, 0, &taken, error))
    return fail_write (db);
  if (taken)
    {
      kb_set_field_error (error, KB_FIELD_NUMBER, KB_FIELD_ERROR_DUPLICATE,
                          _("The asset number %s is already registered"), facts->number);
      return fail_write (db);
    }
  if (!require_operator (db, KB_FIELD_CUSTODIAN, change->custodian_id, &custodian, error))
    return fail_write (db);
  if (division_id == 0)
    division_id = custodian.division_id;
  person_clear (&custodian);
  if (!check_division (db, division_id, error))
    return fail_write (db);

  stmt = kb_db_prepare (db, "INSERT INTO assets (number, name, kind, classification, location,"
                            " custodian_id, division_id, acquired_on, status, holds_data,"
                            " inventory_days, notes)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_text (stmt, 1, facts->number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, facts->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind_words[change->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, change->classification);
  sqlite3_bind_text (stmt, 5, facts->location, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, change->custodian_id);
  sqlite3_bind_int64 (stmt, 7, division_id);
  sqlite3_bind_text (stmt, 8, facts->acquired_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, status_words[change->status], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 10, change->holds_data ? 1 : 0);
  sqlite3_bind_int (stmt, 11, facts->inventory_days);
  sqlite3_bind_text (stmt, 12, facts->notes, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  event.kind = "register";
  event.to_operator = change->custodian_id;
  event.to_status = status_words[change->status];
  event.location = facts->location;
  event.reason = facts->reason;
  if (!finish_write (db, "register", id, &event, 0, error))
    return 0;
  return id;
}

static gint64
amend_asset (KbDb                *db,
             const KbAssetChange *change,
             const Facts         *facts,
             GError             **error)
{
  g_autoptr(KbAsset) asset = NULL;
  gint64 division_id;
  gboolean taken;
  sqlite3_stmt *stmt;
  Event event = { 0 };

  asset = begin_write (db, change->id, error);
  if (asset == NULL)
    return 0;
  division_id = change->division_id != 0 ? change->division_id : asset->division_id;
  if (!number_taken (db, facts->number, change->id, &taken, error))
    return fail_write (db);
  if (taken)
    {
      kb_set_field_error (error, KB_FIELD_NUMBER, KB_FIELD_ERROR_DUPLICATE,
                          _("The asset number %s is already registered"), facts->number);
      return fail_write (db);
    }
  if (division_id != asset->division_id && !check_division (db, division_id, error))
    return fail_write (db);

  if (g_str_equal (facts->number, asset->number) && g_str_equal (facts->name, asset->name) &&
      change->kind == asset->kind && change->classification == asset->classification &&
      g_str_equal (facts->location, asset->location) && division_id == asset->division_id &&
      g_str_equal (facts->acquired_on, asset->acquired_on) &&
      !change->holds_data == !asset->holds_data &&
      facts->inventory_days == asset->inventory_days && g_str_equal (facts->notes, asset->notes))
    {
      /* Nothing to amend: nothing is written. */
      kb_db_rollback (db);
      return change->id;
    }

  stmt = kb_db_prepare (db, "UPDATE assets SET number = ?2, name = ?3, kind = ?4,"
                            " classification = ?5, location = ?6, division_id = ?7,"
                            " acquired_on = ?8, holds_data = ?9, inventory_days = ?10,"
                            " notes = ?11 WHERE id = ?1", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, change->id);
  sqlite3_bind_text (stmt, 2, facts->number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, facts->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, kind_words[change->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, change->classification);
  sqlite3_bind_text (stmt, 6, facts->location, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, division_id);
  sqlite3_bind_text (stmt, 8, facts->acquired_on, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 9, change->holds_data ? 1 : 0);
  sqlite3_bind_int (stmt, 10, facts->inventory_days);
  sqlite3_bind_text (stmt, 11, facts->notes, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.kind = "amend";
  if (!g_str_equal (facts->location, asset->location))
    event.location = facts->location;
  event.reason = facts->reason;
  if (!finish_write (db, "amend", change->id, &event, 0, error))
    return 0;
  return change->id;
}

/**
 * kb_assets_save:
 *
 * Returns: the asset's id, or 0 with @error set
 */
gint64
kb_assets_save (KbDb                *db,
                const KbAssetChange *change,
                GError             **error)
{
  g_autofree char *today = kb_assets_today ();
  Facts facts;
  gint64 id;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (change != NULL, 0);

  /* Who asks comes first: a reader is refused, not told what to fix. */
  if (!kb_assets_require_keeper (db, error))
    return 0;
  if (!validate_facts (change, today, &facts, error))
    {
      facts_clear (&facts);
      return 0;
    }
  if (change->id == 0)
    id = register_asset (db, change, &facts, error);
  else
    id = amend_asset (db, change, &facts, error);
  facts_clear (&facts);
  return id;
}

/* --- custody --------------------------------------------------------------- */

static gboolean
refuse (KbDb        *db,
        GError     **error,
        const char  *message)
{
  g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED, message);
  return fail_write (db);
}

/* A new location as typed: NULL when the field was left empty. */
static gboolean
validate_new_location (const char  *text,
                       char       **location,
                       GError     **error)
{
  *location = kb_validate_text (KB_FIELD_LOCATION, text, KB_MAX_LOCATION, FALSE, FALSE, error);
  if (*location == NULL)
    return FALSE;
  if ((*location)[0] == '\0')
    g_clear_pointer (location, g_free);
  return TRUE;
}

gboolean
kb_assets_hand_over (KbDb        *db,
                     gint64       asset_id,
                     gint64       new_custodian_id,
                     const char  *location,
                     const char  *reason,
                     GError     **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *why = NULL;
  g_autofree char *where = NULL;
  Person custodian;
  sqlite3_stmt *stmt;
  gint64 division_id;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!kb_assets_require_keeper (db, error))
    return FALSE;
  if ((why = validate_reason (reason, TRUE, error)) == NULL ||
      !validate_new_location (location, &where, error))
    return FALSE;
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;
  if (asset->status == KB_ASSET_LENT)
    return refuse (db, error, _("The asset is lent: it must be returned before it is handed over"));
  if (asset->disposal_pending)
    return refuse (db, error, _("A disposal of this asset awaits a decision: it cannot be "
                                "handed over now"));
  if (!require_operator (db, KB_FIELD_CUSTODIAN, new_custodian_id, &custodian, error))
    return fail_write (db);
  division_id = custodian.division_id;
  person_clear (&custodian);
  if (new_custodian_id == asset->custodian_id)
    {
      kb_set_field_error (error, KB_FIELD_CUSTODIAN, KB_FIELD_ERROR_INVALID,
                          _("%s is already the custodian: choose who takes the asset over"),
                          asset->custodian_name);
      return fail_write (db);
    }
  if (where != NULL && g_str_equal (where, asset->location))
    g_clear_pointer (&where, g_free);

  /* The asset goes to the new custodian's division with them. */
  stmt = kb_db_prepare (db, "UPDATE assets SET custodian_id = ?2, division_id = ?3,"
                            " location = coalesce (?4, location) WHERE id = ?1", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_int64 (stmt, 2, new_custodian_id);
  sqlite3_bind_int64 (stmt, 3, division_id);
  bind_text_or_null (stmt, 4, where);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.kind = "handover";
  event.from_operator = asset->custodian_id;
  event.to_operator = new_custodian_id;
  event.location = where;
  event.reason = why;
  return finish_write (db, "handover", asset_id, &event, 0, error);
}

gboolean
kb_assets_lend (KbDb        *db,
                gint64       asset_id,
                gint64       borrower_id,
                const char  *due_on,
                const char  *reason,
                GError     **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *why = NULL;
  g_autofree char *due = NULL;
  g_autofree char *today = kb_assets_today ();
  Person borrower;
  sqlite3_stmt *stmt;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!kb_assets_require_keeper (db, error))
    return FALSE;
  if (!kb_assets_parse_date (KB_FIELD_DUE, due_on, &due, error))
    return FALSE;
  if (strcmp (due, today) < 0)
    {
      kb_set_field_error (error, KB_FIELD_DUE, KB_FIELD_ERROR_INVALID,
                          _("The return date %s has already passed"), due);
      return FALSE;
    }
  if ((why = validate_reason (reason, TRUE, error)) == NULL)
    return FALSE;
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;
  if (asset->status != KB_ASSET_IN_USE && asset->status != KB_ASSET_STORED)
    return refuse (db, error, asset->status == KB_ASSET_LENT
                              ? _("The asset is already lent")
                              : _("Only an asset in use or stored can be lent"));
  if (asset->disposal_pending)
    return refuse (db, error, _("A disposal of this asset awaits a decision: it cannot be "
                                "lent now"));
  if (!require_operator (db, KB_FIELD_BORROWER, borrower_id, &borrower, error))
    return fail_write (db);
  person_clear (&borrower);
  if (borrower_id == asset->custodian_id)
    {
      kb_set_field_error (error, KB_FIELD_BORROWER, KB_FIELD_ERROR_INVALID,
                          _("The custodian cannot borrow their own asset"));
      return fail_write (db);
    }

  stmt = kb_db_prepare (db, "UPDATE assets SET status = 'lent', borrower_id = ?2, due_on = ?3"
                            " WHERE id = ?1", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_int64 (stmt, 2, borrower_id);
  sqlite3_bind_text (stmt, 3, due, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.kind = "lend";
  event.from_operator = asset->custodian_id;
  event.to_operator = borrower_id;
  event.from_status = status_words[asset->status];
  event.to_status = "lent";
  event.due_on = due;
  event.reason = why;
  return finish_write (db, "lend", asset_id, &event, 0, error);
}

/* The status an asset had before it was lent: the newest lend event's. */
static gboolean
status_before_lending (KbDb          *db,
                       gint64         asset_id,
                       KbAssetStatus *status,
                       GError       **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT from_status FROM asset_events"
                                          " WHERE asset_id = ?1 AND kind = 'lend'"
                                          " ORDER BY id DESC LIMIT 1", error);
  int rc;

  *status = KB_ASSET_IN_USE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, asset_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW &&
      (!kb_asset_status_from_string ((const char *) sqlite3_column_text (stmt, 0), status) ||
       (*status != KB_ASSET_IN_USE && *status != KB_ASSET_STORED)))
    *status = KB_ASSET_IN_USE;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the asset's history"));
      return FALSE;
    }
  return TRUE;
}

gboolean
kb_assets_return (KbDb        *db,
                  gint64       asset_id,
                  const char  *location,
                  const char  *notes,
                  GError     **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *where = NULL;
  g_autofree char *why = NULL;
  KbAssetStatus back = KB_ASSET_IN_USE;
  sqlite3_stmt *stmt;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!kb_assets_require_keeper (db, error))
    return FALSE;
  if (!validate_new_location (location, &where, error) ||
      (why = kb_validate_text (KB_FIELD_NOTES, notes, KB_MAX_REASON, FALSE, TRUE, error)) == NULL)
    return FALSE;
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;
  if (asset->status == KB_ASSET_LENT)
    {
      if (!status_before_lending (db, asset_id, &back, error))
        return fail_write (db);
    }
  else if (asset->status != KB_ASSET_REPAIR)
    return refuse (db, error, _("Only a lent asset or one out for repair can be returned"));
  if (where != NULL && g_str_equal (where, asset->location))
    g_clear_pointer (&where, g_free);

  stmt = kb_db_prepare (db, "UPDATE assets SET status = ?2, borrower_id = NULL, due_on = NULL,"
                            " location = coalesce (?3, location) WHERE id = ?1", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_text (stmt, 2, status_words[back], -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 3, where);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.kind = "return";
  event.from_operator = asset->borrower_id;
  event.to_operator = asset->custodian_id;
  event.from_status = status_words[asset->status];
  event.to_status = status_words[back];
  event.location = where;
  event.reason = why;
  return finish_write (db, "return", asset_id, &event, 0, error);
}

gboolean
kb_assets_set_status (KbDb          *db,
                      gint64         asset_id,
                      KbAssetStatus  status,
                      const char    *reason,
                      GError       **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *why = NULL;
  sqlite3_stmt *stmt;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!kb_assets_require_keeper (db, error))
    return FALSE;
  if (status != KB_ASSET_IN_USE && status != KB_ASSET_STORED && status != KB_ASSET_REPAIR)
    {
      kb_set_field_error (error, KB_FIELD_STATUS, KB_FIELD_ERROR_INVALID,
                          status == KB_ASSET_LENT
                          ? _("Lend the asset to someone instead")
                          : status == KB_ASSET_DISPOSED
                          ? _("Request its disposal instead: a security officer decides it")
                          : _("Choose in use, stored or out for repair"));
      return FALSE;
    }
  if ((why = validate_reason (reason, TRUE, error)) == NULL)
    return FALSE;
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;
  if (asset->status == KB_ASSET_LENT)
    return refuse (db, error, _("The asset is lent: record its return first"));
  if (asset->status == status)
    {
      kb_set_field_error (error, KB_FIELD_STATUS, KB_FIELD_ERROR_INVALID,
                          _("The asset is already “%s”"), kb_asset_status_get_label (status));
      return fail_write (db);
    }

  stmt = kb_db_prepare (db, "UPDATE assets SET status = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_text (stmt, 2, status_words[status], -1, SQLITE_STATIC);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.kind = "status";
  event.from_status = status_words[asset->status];
  event.to_status = status_words[status];
  event.reason = why;
  return finish_write (db, "status", asset_id, &event, 0, error);
}

gboolean
kb_assets_check (KbDb              *db,
                 gint64             asset_id,
                 gint64             seen_by,
                 const char        *location,
                 KbAssetCondition   condition,
                 const char        *notes,
                 GError           **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *where = NULL;
  g_autofree char *why = NULL;
  g_autofree char *today = kb_assets_today ();
  Person seer;
  sqlite3_stmt *stmt;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!kb_assets_require_keeper (db, error))
    return FALSE;
  if ((guint) condition >= G_N_ELEMENTS (condition_words))
    {
      kb_set_field_error (error, KB_FIELD_CONDITION, KB_FIELD_ERROR_INVALID,
                          _("Choose good, damaged or missing"));
      return FALSE;
    }
  if (!validate_new_location (location, &where, error) ||
      (why = kb_validate_text (KB_FIELD_NOTES, notes, KB_MAX_REASON, FALSE, TRUE, error)) == NULL)
    return FALSE;
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;
  if (!require_operator (db, KB_FIELD_SEEN_BY, seen_by, &seer, error))
    return fail_write (db);
  person_clear (&seer);
  /* Missing: where it should have been; the location stays. */
  if (where == NULL || condition == KB_CONDITION_MISSING)
    {
      g_free (where);
      where = g_strdup (asset->location);
    }

  stmt = kb_db_prepare (db, "UPDATE assets SET checked_on = ?2, location = ?3 WHERE id = ?1",
                        error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, where, -1, SQLITE_TRANSIENT);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.kind = "check";
  event.to_operator = seen_by;
  event.location = where;
  event.condition = condition_words[condition];
  event.reason = why;
  return finish_write (db, "check", asset_id, &event, 0, error);
}

/* --- disposal -------------------------------------------------------------- */

/* A person must sign a disposal: the system cannot request or decide. */
static gboolean
require_person (KbDb     *db,
                KbRoles   roles,
                const char *refusal,
                GError  **error)
{
  if (kb_db_get_actor (db) == 0)
    {
      g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                           _("Sign in with your card: a disposal is signed by a person"));
      return FALSE;
    }
  return require_role (db, roles, refusal, error);
}

static gboolean
check_backup (KbDb    *db,
              gint64   backup_id,
              GError **error)
{
  sqlite3_stmt *stmt;
  int rc;
  gboolean verified;

  if (backup_id <= 0)
    {
      kb_set_field_error (error, KB_FIELD_BACKUP, KB_FIELD_ERROR_EMPTY,
                          _("Choose the backup that holds the asset's data"));
      return FALSE;
    }
  stmt = kb_db_prepare (db, "SELECT verified_at IS NOT NULL FROM backups WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, backup_id);
  rc = sqlite3_step (stmt);
  verified = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      kb_set_field_error (error, KB_FIELD_BACKUP, KB_FIELD_ERROR_INVALID,
                          _("There is no such backup in the register"));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      kb_db_set_error (db, error, _("Cannot read the backup register"));
      return FALSE;
    }
  if (!verified)
    {
      kb_set_field_error (error, KB_FIELD_BACKUP, KB_FIELD_ERROR_INVALID,
                          _("This backup was never verified: verify it before the asset that "
                            "held the data is disposed of"));
      return FALSE;
    }
  return TRUE;
}

gboolean
kb_assets_request_disposal (KbDb             *db,
                            gint64            asset_id,
                            const char       *reason,
                            KbDisposalMethod  method,
                            KbDisposalData    data,
                            gint64            backup_id,
                            GError          **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *why = NULL;
  sqlite3_stmt *stmt;
  gint64 disposal_id;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!require_person (db, KB_ROLES_ASSET_KEEPERS,
                       _("Only a security officer or the network administrator can request a "
                         "disposal"), error))
    return FALSE;
  if ((why = validate_reason (reason, TRUE, error)) == NULL)
    return FALSE;
  if ((guint) method >= G_N_ELEMENTS (method_words))
    {
      kb_set_field_error (error, KB_FIELD_METHOD, KB_FIELD_ERROR_INVALID,
                          _("Choose how the asset is to be disposed of"));
      return FALSE;
    }
  if ((guint) data >= G_N_ELEMENTS (data_words))
    {
      kb_set_field_error (error, KB_FIELD_DATA, KB_FIELD_ERROR_INVALID,
                          _("Say what becomes of the asset's data"));
      return FALSE;
    }
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;
  if (asset->disposal_pending)
    return refuse (db, error, _("A disposal of this asset already awaits a decision"));
  if (asset->status == KB_ASSET_LENT)
    return refuse (db, error, _("The asset is lent: record its return before its disposal"));
  if (asset->holds_data && data == KB_DISPOSAL_DATA_NONE)
    {
      kb_set_field_error (error, KB_FIELD_DATA, KB_FIELD_ERROR_INVALID,
                          _("This asset holds data: say whether a verified backup keeps it or "
                            "it is not needed"));
      return fail_write (db);
    }
  if (!asset->holds_data && data != KB_DISPOSAL_DATA_NONE)
    {
      kb_set_field_error (error, KB_FIELD_DATA, KB_FIELD_ERROR_INVALID,
                          _("This asset holds no data (amend it first if it does)"));
      return fail_write (db);
    }
  if (data == KB_DISPOSAL_DATA_BACKED_UP && !check_backup (db, backup_id, error))
    return fail_write (db);

  stmt = kb_db_prepare (db, "INSERT INTO disposals (asset_id, requested_by, requested_at, reason,"
                            " method, data, backup_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  sqlite3_bind_int64 (stmt, 2, kb_db_get_actor (db));
  sqlite3_bind_int64 (stmt, 3, kb_assets_now ());
  sqlite3_bind_text (stmt, 4, why, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, method_words[method], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, data_words[data], -1, SQLITE_STATIC);
  bind_id_or_null (stmt, 7, data == KB_DISPOSAL_DATA_BACKED_UP ? backup_id : 0);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);
  disposal_id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  event.kind = "dispose-request";
  event.from_status = status_words[asset->status];
  event.reason = why;
  return finish_write (db, "dispose-request", asset_id, &event, disposal_id, error);
}

gboolean
kb_assets_decide_disposal (KbDb        *db,
                           gint64       asset_id,
                           gboolean     approve,
                           const char  *reason,
                           GError     **error)
{
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *why = NULL;
  sqlite3_stmt *stmt;
  gint64 disposal_id = 0, requested_by = 0;
  gint64 now = kb_assets_now ();
  int rc;
  Event event = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);

  if (!require_person (db, KB_ROLES_OFFICERS,
                       _("Only a security officer can decide a disposal"), error))
    return FALSE;
  if ((why = validate_reason (reason, !approve, error)) == NULL)
    return FALSE;
  asset = begin_write (db, asset_id, error);
  if (asset == NULL)
    return FALSE;

  stmt = kb_db_prepare (db, "SELECT id, requested_by FROM disposals"
                            " WHERE asset_id = ?1 AND status = 'requested'", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, asset_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      disposal_id = sqlite3_column_int64 (stmt, 0);
      requested_by = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the disposal requests"));
      return fail_write (db);
    }
  if (disposal_id == 0)
    return refuse (db, error, _("No disposal of this asset awaits a decision"));
  if (requested_by == kb_db_get_actor (db))
    return refuse (db, error, _("The request must be decided by another security officer"));

  stmt = kb_db_prepare (db, "UPDATE disposals SET status = ?2, decided_by = ?3, decided_at = ?4"
                            " WHERE id = ?1", error);
  if (stmt == NULL)
    return fail_write (db);
  sqlite3_bind_int64 (stmt, 1, disposal_id);
  sqlite3_bind_text (stmt, 2, approve ? "approved" : "rejected", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, kb_db_get_actor (db));
  sqlite3_bind_int64 (stmt, 4, now);
  if (!kb_db_step_done (db, stmt, error))
    return fail_write (db);

  event.from_status = status_words[asset->status];
  event.reason = why;
  if (approve)
    {
      stmt = kb_db_prepare (db, "UPDATE assets SET status = 'disposed', borrower_id = NULL,"
                                " due_on = NULL WHERE id = ?1", error);
      if (stmt == NULL)
        return fail_write (db);
      sqlite3_bind_int64 (stmt, 1, asset_id);
      if (!kb_db_step_done (db, stmt, error))
        return fail_write (db);
      event.kind = "dispose-approve";
      event.to_status = "disposed";
    }
  else
    event.kind = "dispose-reject";

  return finish_write (db, event.kind, asset_id, &event, disposal_id, error);
}

void
kb_disposal_free (KbDisposal *disposal)
{
  if (disposal == NULL)
    return;
  g_free (disposal->requester_name);
  g_free (disposal->reason);
  g_free (disposal->status);
  g_free (disposal->decider_name);
  g_free (disposal);
}

KbDisposal *
kb_assets_get_disposal (KbDb    *db,
                        gint64   asset_id,
                        GError **error)
{
  sqlite3_stmt *stmt;
  KbDisposal *disposal = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!require_reader (db, error))
    return NULL;
  stmt = kb_db_prepare (db, "SELECT p.id, p.requested_by, r.name, p.requested_at, p.reason,"
                            " p.method, p.data, p.backup_id, p.status, p.decided_by, d.name,"
                            " p.decided_at FROM disposals p"
                            " JOIN operators r ON r.id = p.requested_by"
                            " LEFT JOIN operators d ON d.id = p.decided_by"
                            " WHERE p.asset_id = ?1 ORDER BY p.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, asset_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      int value;

      disposal = g_new0 (KbDisposal, 1);
      disposal->id = sqlite3_column_int64 (stmt, 0);
      disposal->requested_by = sqlite3_column_int64 (stmt, 1);
      disposal->requester_name = dup_col (stmt, 2);
      disposal->requested_at = sqlite3_column_int64 (stmt, 3);
      disposal->reason = dup_col (stmt, 4);
      if (word_lookup (method_words, G_N_ELEMENTS (method_words),
                       (const char *) sqlite3_column_text (stmt, 5), &value))
        disposal->method = value;
      if (word_lookup (data_words, G_N_ELEMENTS (data_words),
                       (const char *) sqlite3_column_text (stmt, 6), &value))
        disposal->data = value;
      disposal->backup_id = sqlite3_column_int64 (stmt, 7);
      disposal->status = dup_col (stmt, 8);
      disposal->decided_by = sqlite3_column_int64 (stmt, 9);
      disposal->decider_name = dup_col_nullable (stmt, 10);
      disposal->decided_at = sqlite3_column_int64 (stmt, 11);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kb_db_set_error (db, error, _("Cannot read the disposal requests"));
  return disposal;
}

/* --- history --------------------------------------------------------------- */

struct _KbAssetEvent {
  GObject parent_instance;
  gint64 id;
  char *kind;
  gint64 at;
  char *actor_name;
  char *from_name;
  char *to_name;
  char *from_status;
  char *to_status;
  char *due_on;
  char *location;
  char *condition;
  char *reason;
  char *method;
};

G_DEFINE_FINAL_TYPE (KbAssetEvent, kb_asset_event, G_TYPE_OBJECT)

static void
kb_asset_event_finalize (GObject *object)
{
  KbAssetEvent *self = KB_ASSET_EVENT (object);

  g_free (self->kind);
  g_free (self->actor_name);
  g_free (self->from_name);
  g_free (self->to_name);
  g_free (self->from_status);
  g_free (self->to_status);
  g_free (self->due_on);
  g_free (self->location);
  g_free (self->condition);
  g_free (self->reason);
  g_free (self->method);
  G_OBJECT_CLASS (kb_asset_event_parent_class)->finalize (object);
}

static void
kb_asset_event_class_init (KbAssetEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_asset_event_finalize;
}

static void
kb_asset_event_init (KbAssetEvent *self)
{
}

gint64       kb_asset_event_get_id          (KbAssetEvent *self) { return self->id; }
const char  *kb_asset_event_get_kind        (KbAssetEvent *self) { return self->kind; }
gint64       kb_asset_event_get_at          (KbAssetEvent *self) { return self->at; }
const char  *kb_asset_event_get_actor_name  (KbAssetEvent *self) { return self->actor_name; }
const char  *kb_asset_event_get_from_name   (KbAssetEvent *self) { return self->from_name; }
const char  *kb_asset_event_get_to_name     (KbAssetEvent *self) { return self->to_name; }
const char  *kb_asset_event_get_from_status (KbAssetEvent *self) { return self->from_status; }
const char  *kb_asset_event_get_to_status   (KbAssetEvent *self) { return self->to_status; }
const char  *kb_asset_event_get_due_on      (KbAssetEvent *self) { return self->due_on; }
const char  *kb_asset_event_get_location    (KbAssetEvent *self) { return self->location; }
const char  *kb_asset_event_get_condition   (KbAssetEvent *self) { return self->condition; }
const char  *kb_asset_event_get_reason      (KbAssetEvent *self) { return self->reason; }
const char  *kb_asset_event_get_method      (KbAssetEvent *self) { return self->method; }

static const char *
status_label (const char *word)
{
  KbAssetStatus status;

  if (!kb_asset_status_from_string (word, &status))
    return word != NULL ? word : "";
  return kb_asset_status_get_label (status);
}

static const char *
or_someone (const char *name)
{
  return name != NULL && name[0] != '\0' ? name : _("the system");
}

/**
 * kb_asset_event_describe:
 *
 * Returns: (transfer full): one line saying what happened
 */
char *
kb_asset_event_describe (KbAssetEvent *self)
{
  const char *kind;
  const char *reason;

  g_return_val_if_fail (KB_IS_ASSET_EVENT (self), NULL);

  kind = self->kind;
  reason = self->reason != NULL ? self->reason : "";

  if (g_str_equal (kind, "register"))
    return g_strdup_printf (_("Registered as “%s”, custodian %s"),
                            status_label (self->to_status), or_someone (self->to_name));
  if (g_str_equal (kind, "amend"))
    return reason[0] != '\0' ? g_strdup_printf (_("Facts amended: %s"), reason)
                             : g_strdup (_("Facts amended"));
  if (g_str_equal (kind, "handover"))
    return g_strdup_printf (_("Handed over from %s to %s"), or_someone (self->from_name),
                            or_someone (self->to_name));
  if (g_str_equal (kind, "lend"))
    return g_strdup_printf (_("Lent to %s until %s"), or_someone (self->to_name),
                            self->due_on != NULL ? self->due_on : "");
  if (g_str_equal (kind, "return"))
    {
      if (g_strcmp0 (self->from_status, "repair") == 0)
        return g_strdup_printf (_("Back from repair, %s"),
                                status_label (self->to_status));
      return g_strdup_printf (_("Returned by %s, %s"), or_someone (self->from_name),
                              status_label (self->to_status));
    }
  if (g_str_equal (kind, "status"))
    return g_strdup_printf (_("Status changed from “%s” to “%s”"),
                            status_label (self->from_status), status_label (self->to_status));
  if (g_str_equal (kind, "check"))
    {
      KbAssetCondition condition = KB_CONDITION_GOOD;
      g_autofree char *word = NULL;

      kb_asset_condition_from_string (self->condition, &condition);
      word = g_utf8_strdown (kb_asset_condition_get_label (condition), -1);
      return g_strdup_printf (_("Inventory check: seen by %s at %s, %s"),
                              or_someone (self->to_name),
                              self->location != NULL ? self->location : "", word);
    }
  if (g_str_equal (kind, "dispose-request"))
    {
      KbDisposalMethod method = KB_DISPOSAL_SHREDDING;
      g_autofree char *word = NULL;

      if (!kb_disposal_method_from_string (self->method, &method))
        return g_strdup (_("Disposal requested"));
      word = g_utf8_strdown (kb_disposal_method_get_label (method), -1);
      return g_strdup_printf (_("Disposal requested (%s)"), word);
    }
  if (g_str_equal (kind, "dispose-approve"))
    return g_strdup (_("Disposal approved: the asset is disposed of"));
  if (g_str_equal (kind, "dispose-reject"))
    return g_strdup_printf (_("Disposal rejected: %s"), reason);
  return g_strdup (kind);
}

/**
 * kb_assets_history:
 *
 * Returns: (transfer full) (nullable): (element-type KbAssetEvent) the
 *   asset's events, oldest first
 */
GListModel *
kb_assets_history (KbDb    *db,
                   gint64   asset_id,
                   GError **error)
{
  g_autoptr(GListStore) store = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  if (!require_reader (db, error))
    return NULL;
  /* A disposal event's method is its request's. Each request writes one
   * disposal row and one 'dispose-request' event together, so the n-th
   * request event of an asset goes with its n-th disposal row, and a
   * decision with the request before it. */
  stmt = kb_db_prepare (db, "SELECT e.id, e.kind, e.at, a.name, f.name, t.name, e.from_status,"
                            " e.to_status, e.due_on, e.location, e.condition, e.reason,"
                            " CASE WHEN e.kind LIKE 'dispose-%' THEN"
                            "  (SELECT m.method FROM (SELECT p.method,"
                            "    row_number () OVER (ORDER BY p.id) AS n"
                            "    FROM disposals p WHERE p.asset_id = ?1) m"
                            "   WHERE m.n = (SELECT count (*) FROM asset_events r"
                            "    WHERE r.asset_id = ?1 AND r.kind = 'dispose-request'"
                            "    AND r.id <= e.id)) END"
                            " FROM asset_events e"
                            " LEFT JOIN operators a ON a.id = e.actor_id"
                            " LEFT JOIN operators f ON f.id = e.from_operator_id"
                            " LEFT JOIN operators t ON t.id = e.to_operator_id"
                            " WHERE e.asset_id = ?1 ORDER BY e.at, e.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, asset_id);

  store = g_list_store_new (KB_TYPE_ASSET_EVENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbAssetEvent) event = g_object_new (KB_TYPE_ASSET_EVENT, NULL);

      event->id = sqlite3_column_int64 (stmt, 0);
      event->kind = dup_col (stmt, 1);
      event->at = sqlite3_column_int64 (stmt, 2);
      event->actor_name = dup_col_nullable (stmt, 3);
      event->from_name = dup_col_nullable (stmt, 4);
      event->to_name = dup_col_nullable (stmt, 5);
      event->from_status = dup_col_nullable (stmt, 6);
      event->to_status = dup_col_nullable (stmt, 7);
      event->due_on = dup_col_nullable (stmt, 8);
      event->location = dup_col_nullable (stmt, 9);
      event->condition = dup_col_nullable (stmt, 10);
      event->reason = dup_col (stmt, 11);
      event->method = dup_col_nullable (stmt, 12);
      g_list_store_append (store, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the asset's history"));
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}
