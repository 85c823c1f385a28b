/* kb-assets-csv.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register as CSV: exported for spreadsheets by
 * kb-csv.c's conventions, and an existing list (the paper register typed
 * into Excel, as offices have it) imported all or nothing. An import
 * reads the whole file and reports every problem of every line before
 * it writes anything, because a list fixed one error at a time is a list
 * nobody finishes.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-assets-private.h"
#include "kb-csv.h"
#include "kb-error.h"

/* The columns. The first twelve are imported; the last three are written
 * for people and skipped by the import. */
typedef enum {
  COL_NUMBER,
  COL_NAME,
  COL_KIND,
  COL_CLASSIFICATION,
  COL_LOCATION,
  COL_CUSTODIAN,
  COL_DIVISION,
  COL_ACQUIRED,
  COL_STATUS,
  COL_HOLDS_DATA,
  COL_INVENTORY_DAYS,
  COL_NOTES,
  COL_CUSTODIAN_NAME,
  COL_CHECKED,
  COL_NEXT_CHECK,
  N_COLUMNS
} Column;

static const struct {
  const char *heading;     /* English, NC_() in the context HEADING */
  const char *ja;          /* the Japanese heading, whatever the locale */
  gboolean    required;
  gboolean    imported;
} columns[N_COLUMNS] = {
  { NC_("asset CSV heading", "Number"), "資産番号", TRUE, TRUE },
  { NC_("asset CSV heading", "Name"), "名称", TRUE, TRUE },
  { NC_("asset CSV heading", "Kind"), "種別", TRUE, TRUE },
  { NC_("asset CSV heading", "Classification"), "機密性", TRUE, TRUE },
  { NC_("asset CSV heading", "Location"), "設置場所", TRUE, TRUE },
  { NC_("asset CSV heading", "Custodian"), "管理者", TRUE, TRUE },
  { NC_("asset CSV heading", "Division"), "所属", FALSE, TRUE },
  { NC_("asset CSV heading", "Acquired"), "取得日", TRUE, TRUE },
  { NC_("asset CSV heading", "Status"), "状態", FALSE, TRUE },
  { NC_("asset CSV heading", "Holds data"), "データ有無", FALSE, TRUE },
  { NC_("asset CSV heading", "Inventory days"), "棚卸間隔", FALSE, TRUE },
  { NC_("asset CSV heading", "Notes"), "備考", FALSE, TRUE },
  { NC_("asset CSV heading", "Custodian name"), "管理者氏名", FALSE, FALSE },
  { NC_("asset CSV heading", "Last check"), "最終棚卸日", FALSE, FALSE },
  { NC_("asset CSV heading", "Next check"), "次回棚卸日", FALSE, FALSE },
};

/* The headings have a context of their own: the export's Japanese
 * headings are the ones the import reads (資産番号, not the UI's 番号). */
#define HEADING "asset CSV heading"
#define heading_label(i) g_dpgettext2 (GETTEXT_PACKAGE, HEADING, columns[i].heading)

/* The Japanese words of the kinds and statuses, accepted in any locale. */
static const char * const kind_ja[] = { "機器", "ソフトウェア", "記録媒体", "文書" };
static const char * const status_ja[] = { "使用中", "保管中", "貸出中", "修理中", "廃棄済" };

/* --- export ------------------------------------------------------------- */

typedef struct {
  KbCsvFile    *file;
  GString      *buf;
  GCancellable *cancellable;
} Export;

static gboolean
write_asset (KbAsset  *asset,
             gpointer  user_data,
             GError  **error)
{
  Export *self = user_data;
  GString *line = self->buf;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  kb_csv_append_text (line, kb_asset_get_number (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_name (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_kind_get_label (kb_asset_get_kind (asset)));
  g_string_append_c (line, ',');
  kb_csv_append_number (line, kb_asset_get_classification (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_location (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_custodian_staff_number (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_division_name (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_acquired_on (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_status_get_label (kb_asset_get_status (asset)));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_holds_data (asset) ? _("Yes") : _("No"));
  g_string_append_c (line, ',');
  kb_csv_append_number (line, kb_asset_get_inventory_days (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_notes (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_custodian_name (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_checked_on (asset));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_asset_get_status (asset) == KB_ASSET_DISPOSED
                            ? NULL : kb_asset_get_next_check_on (asset));
  g_string_append (line, "\r\n");

  if (line->len >= KB_CSV_FLUSH_SIZE && !kb_csv_file_flush (self->file, error))
    return FALSE;
  return TRUE;
}

/**
 * kb_assets_export_csv:
 * @filter: (nullable): which assets; %NULL: the current ones
 * @file: the file to write; an existing one is replaced only once the
 *   new one is complete
 * @cancellable: (nullable): stops the export; @file is then as it was
 *
 * Writes the assets @filter selects, in number order, as CSV for
 * spreadsheets (kb-csv.c). Readers of the register may export it.
 */
gboolean
kb_assets_export_csv (KbDb                *db,
                      const KbAssetFilter *filter,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(KbCsvFile) out = NULL;
  g_autofree char *path = NULL;
  Export self = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The export can only be saved in a local folder"));
      return FALSE;
    }
  out = kb_csv_file_new (path, error);
  if (out == NULL)
    return FALSE;

  self.file = out;
  self.buf = kb_csv_file_get_buffer (out);
  self.cancellable = cancellable;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (i > 0)
        g_string_append_c (self.buf, ',');
      kb_csv_append_text (self.buf, heading_label (i));
    }
  g_string_append (self.buf, "\r\n");

  /* On failure, freeing @out removes the temporary file. */
  return kb_assets_foreach (db, filter, NULL, write_asset, &self, error) &&
         kb_csv_file_finish (out, cancellable, error);
}

/* --- reading CSV ----------------------------------------------------------- */

void
kb_import_problem_free (KbImportProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->column);
  g_free (problem->message);
  g_free (problem);
}

static void
add_problem (GPtrArray  *problems,
             guint       line,
             const char *column,
             const char *message)
{
  KbImportProblem *problem = g_new0 (KbImportProblem, 1);

  problem->line = line;
  problem->column = g_strdup (column);
  problem->message = g_strdup (message);
  g_ptr_array_add (problems, problem);
}

typedef struct {
  guint      line;     /* where the record starts */
  GPtrArray *fields;   /* char * */
} Record;

static void
record_free (Record *record)
{
  g_ptr_array_unref (record->fields);
  g_free (record);
}

static gboolean
record_is_empty (Record *record)
{
  for (guint i = 0; i < record->fields->len; i++)
    {
      const char *field = g_ptr_array_index (record->fields, i);

      for (const char *p = field; *p != '\0'; p++)
        if (!g_ascii_isspace (*p))
          return FALSE;
    }
  return TRUE;
}

/* Splits @text (UTF-8, no BOM) into records, RFC 4180 with LF or CRLF
 * row ends; a line break inside quotes is kept as LF. A malformed record
 * is reported and left out. */
static GPtrArray *
parse_csv (const char *text,
           gsize       len,
           GPtrArray  *problems)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
  gsize pos = 0;
  guint line = 1;

  while (pos < len)
    {
      Record *record = g_new0 (Record, 1);
      gboolean bad = FALSE;

      record->line = line;
      record->fields = g_ptr_array_new_with_free_func (g_free);

      for (;;)
        {
          GString *field = g_string_new (NULL);

          if (pos < len && text[pos] == '"')
            {
              gboolean closed = FALSE;

              pos++;
              while (pos < len)
                {
                  char c = text[pos];

                  if (c == '"')
                    {
                      if (pos + 1 < len && text[pos + 1] == '"')
                        {
                          g_string_append_c (field, '"');
                          pos += 2;
                          continue;
                        }
                      pos++;
                      closed = TRUE;
                      break;
                    }
                  if (c == '\r' && pos + 1 < len && text[pos + 1] == '\n')
                    {
                      g_string_append_c (field, '\n');
                      pos += 2;
                      line++;
                      continue;
                    }
                  if (c == '\n')
                    line++;
                  g_string_append_c (field, c);
                  pos++;
                }
              if (!closed)
                {
                  add_problem (problems, record->line, NULL,
                               _("A quoted field starts here and is never closed"));
                  g_string_free (field, TRUE);
                  record_free (record);
                  return records;
                }
              if (pos < len && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n')
                {
                  add_problem (problems, line, NULL,
                               _("Text follows the closing quote of a field: a quote inside "
                                 "a field must be doubled"));
                  bad = TRUE;
                }
            }
          else
            {
              while (pos < len && text[pos] != ',' && text[pos] != '\r' && text[pos] != '\n')
                {
                  if (text[pos] == '"' && !bad)
                    {
                      add_problem (problems, line, NULL,
                                   _("A quote inside a field that does not start with one: "
                                     "put the field in quotes and double the quote"));
                      bad = TRUE;
                    }
                  g_string_append_c (field, text[pos]);
                  pos++;
                }
            }
          g_ptr_array_add (record->fields, g_string_free (field, FALSE));

          if (bad)
            {
              /* Skip to the end of the line. */
              while (pos < len && text[pos] != '\n')
                pos++;
            }
          if (pos < len && text[pos] == ',' && !bad)
            {
              pos++;
              continue;
            }
          if (pos < len && text[pos] == '\r')
            pos++;
          if (pos < len && text[pos] == '\n')
            pos++;
          line++;
          break;
        }

      /* Spreadsheets save rows of empty cells (",,,,") below a list. */
      if (bad || record_is_empty (record))
        record_free (record);
      else
        g_ptr_array_add (records, record);
    }
  return records;
}

/* --- the values ------------------------------------------------------------ */

static char *
fold (const char *text)
{
  char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);

  return g_strstrip (normal);
}

static char *
fold_lower (const char *text)
{
  g_autofree char *folded = fold (text);

  return g_utf8_strdown (folded, -1);
}

/* Our export writes a leading apostrophe before a cell a spreadsheet
 * would run as a formula; it is not part of the value. */
static const char *
unguard (const char *cell)
{
  if (cell[0] == '\'' && cell[1] != '\0' && strchr ("=+-@\t\r", cell[1]) != NULL)
    return cell + 1;
  return cell;
}

static gboolean
matches (const char *folded_lower,
         const char *word)
{
  g_autofree char *w = fold_lower (word);

  return g_str_equal (folded_lower, w);
}

static int
find_heading (const char *heading)
{
  g_autofree char *h = fold_lower (heading);

  for (guint i = 0; i < N_COLUMNS; i++)
    if (matches (h, columns[i].heading) || matches (h, heading_label (i)) ||
        matches (h, columns[i].ja))
      return (int) i;
  /* The short English words of the list. */
  if (g_str_equal (h, "acquired on") || g_str_equal (h, "acquisition date"))
    return COL_ACQUIRED;
  if (g_str_equal (h, "asset number"))
    return COL_NUMBER;
  return -1;
}

static gboolean
parse_kind (const char  *text,
            KbAssetKind *kind)
{
  g_autofree char *t = fold_lower (text);

  for (guint i = 0; i < G_N_ELEMENTS (kind_ja); i++)
    if (matches (t, kb_asset_kind_to_string (i)) || matches (t, kind_ja[i]) ||
        matches (t, kb_asset_kind_get_label (i)))
      {
        *kind = i;
        return TRUE;
      }
  /* The English labels whatever the locale. */
  if (g_str_equal (t, "equipment"))
    *kind = KB_ASSET_EQUIPMENT;
  else if (g_str_equal (t, "software"))
    *kind = KB_ASSET_SOFTWARE;
  else if (g_str_equal (t, "storage media") || g_str_equal (t, "medium"))
    *kind = KB_ASSET_MEDIA;
  else if (g_str_equal (t, "document") || g_str_equal (t, "documents"))
    *kind = KB_ASSET_DOCUMENT;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_status (const char    *text,
              KbAssetStatus *status)
{
  static const char * const english[] = { "in use", "stored", "lent", "out for repair",
                                          "disposed" };
  g_autofree char *t = fold_lower (text);

  for (guint i = 0; i < G_N_ELEMENTS (status_ja); i++)
    if (matches (t, kb_asset_status_to_string (i)) || matches (t, status_ja[i]) ||
        matches (t, english[i]) || matches (t, kb_asset_status_get_label (i)))
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_yes_no (const char *text,
              gboolean   *value)
{
  static const char * const yes[] = { "yes", "y", "true", "1", "はい", "有", "あり", "有り",
                                      "○", "◯", "〇" };
  static const char * const no[] = { "no", "n", "false", "0", "いいえ", "無", "なし", "無し",
                                     "×", "-", "" };
  g_autofree char *t = fold_lower (text);

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (matches (t, yes[i]))
      {
        *value = TRUE;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (matches (t, no[i]))
      {
        *value = FALSE;
        return TRUE;
      }
  if (matches (t, _("Yes")) || matches (t, _("No")))
    {
      *value = matches (t, _("Yes"));
      return TRUE;
    }
  return FALSE;
}

/* "3", "機密性3", "Confidentiality 3 (highest)", "機密性３（最高）". */
static gboolean
parse_classification (const char *text,
                      int        *value)
{
  g_autofree char *t = fold_lower (text);
  const char *p = t;

  for (int i = 1; i <= 3; i++)
    if (matches (t, kb_asset_classification_get_label (i)))
      {
        *value = i;
        return TRUE;
      }
  if (g_str_has_prefix (p, "機密性"))
    p += strlen ("機密性");
  else if (g_str_has_prefix (p, "confidentiality"))
    p += strlen ("confidentiality");
  while (*p == ' ')
    p++;
  if (*p < '1' || *p > '3')
    return FALSE;
  *value = *p - '0';
  p++;
  while (*p == ' ')
    p++;
  return *p == '\0' || (*p == '(' && p[strlen (p) - 1] == ')');
}

typedef struct {
  gint64 id;
  gint64 division_id;
  gboolean active;
} Staff;

typedef struct {
  char *number;
  char *name;
  KbAssetKind kind;
  int classification;
  char *location;
  gint64 custodian_id;
  gint64 division_id;
  char *acquired_on;
  KbAssetStatus status;
  gboolean holds_data;
  int inventory_days;
  char *notes;
} Row;

static void
row_free (Row *row)
{
  g_free (row->number);
  g_free (row->name);
  g_free (row->location);
  g_free (row->acquired_on);
  g_free (row->notes);
  g_free (row);
}

typedef struct {
  KbDb        *db;
  GPtrArray   *problems;
  GHashTable  *staff;       /* folded staff number → Staff */
  GHashTable  *divisions;   /* name → id (active only) */
  GHashTable  *numbers;     /* registered numbers */
  GHashTable  *seen;        /* number → line in this file */
  char        *today;
  int          map[N_COLUMNS];   /* column → index in the record, or -1 */
  GPtrArray   *headings;    /* the headings as written */
} Import;

static gboolean
load_lookups (Import  *self,
              GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = kb_db_prepare (self->db, "SELECT id, staff_number, division_id, active FROM operators",
                        error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Staff *staff = g_new0 (Staff, 1);
      g_autofree char *folded = fold ((const char *) sqlite3_column_text (stmt, 1));

      staff->id = sqlite3_column_int64 (stmt, 0);
      staff->division_id = sqlite3_column_int64 (stmt, 2);
      staff->active = sqlite3_column_int (stmt, 3) != 0;
      g_hash_table_insert (self->staff, g_ascii_strup (folded, -1), staff);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    goto failed;

  stmt = kb_db_prepare (self->db, "SELECT id, name FROM divisions WHERE active = 1", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (self->divisions, fold ((const char *) sqlite3_column_text (stmt, 1)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    goto failed;

  stmt = kb_db_prepare (self->db, "SELECT number FROM assets", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (self->numbers, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    goto failed;
  return TRUE;

failed:
  kb_db_set_error (self->db, error, _("Cannot read the registers"));
  return FALSE;
}

static const char *
cell (Import *self,
      Record *record,
      Column  column)
{
  int i = self->map[column];

  if (i < 0)
    return "";
  return unguard (g_ptr_array_index (record->fields, i));
}

static const char *
heading (Import *self,
         Column  column)
{
  int i = self->map[column];

  return i >= 0 ? g_ptr_array_index (self->headings, i) : heading_label (column);
}

/* A field error as a problem of @column on @line. */
static void
add_field_problem (Import  *self,
                   guint    line,
                   Column   column,
                   GError  *error)
{
  add_problem (self->problems, line, heading (self, column), error->message);
}

static void
check_header (Import *self,
              Record *header)
{
  self->headings = g_ptr_array_ref (header->fields);
  for (guint i = 0; i < N_COLUMNS; i++)
    self->map[i] = -1;

  for (guint i = 0; i < header->fields->len; i++)
    {
      const char *text = g_ptr_array_index (header->fields, i);
      int column = find_heading (text);

      if (column < 0)
        add_problem (self->problems, header->line, text,
                     _("Unknown heading: the columns are number, name, kind, classification, "
                       "location, custodian, division, acquired, status, holds data, inventory "
                       "days and notes"));
      else if (self->map[column] >= 0)
        add_problem (self->problems, header->line, text, _("This column appears twice"));
      else
        self->map[column] = (int) i;
    }
  for (guint i = 0; i < N_COLUMNS; i++)
    if (columns[i].required && self->map[i] < 0)
      {
        g_autofree char *message =
          g_strdup_printf (_("The required column “%s” (%s) is missing"),
                           heading_label (i), columns[i].ja);

        add_problem (self->problems, header->line, heading_label (i), message);
      }
}

static Row *
check_row (Import *self,
           Record *record)
{
  g_autoptr(GError) error = NULL;
  Row *row;
  guint n_before = self->problems->len;
  guint line = record->line;
  const char *text;
  Staff *staff = NULL;

  if (record->fields->len != self->headings->len)
    {
      g_autofree char *message =
        g_strdup_printf (ngettext ("This line has %u field, the heading row has %u",
                                   "This line has %u fields, the heading row has %u",
                                   record->fields->len),
                         record->fields->len, self->headings->len);

      add_problem (self->problems, line, NULL, message);
      return NULL;
    }

  row = g_new0 (Row, 1);

  /* Number: unique in the register and in the file. */
  if (self->map[COL_NUMBER] >= 0)
    {
      row->number = kb_assets_validate_number (cell (self, record, COL_NUMBER), &error);
      if (row->number == NULL)
        add_field_problem (self, line, COL_NUMBER, error);
      else if (g_hash_table_contains (self->numbers, row->number))
        {
          g_autofree char *message =
            g_strdup_printf (_("The asset number %s is already registered"), row->number);

          add_problem (self->problems, line, heading (self, COL_NUMBER), message);
        }
      else if (g_hash_table_contains (self->seen, row->number))
        {
          g_autofree char *message =
            g_strdup_printf (_("The asset number %s is also on line %u"), row->number,
                             GPOINTER_TO_UINT (g_hash_table_lookup (self->seen, row->number)));

          add_problem (self->problems, line, heading (self, COL_NUMBER), message);
        }
      else
        g_hash_table_insert (self->seen, g_strdup (row->number), GUINT_TO_POINTER (line));
      g_clear_error (&error);
    }

  if (self->map[COL_NAME] >= 0 &&
      (row->name = kb_validate_text (KB_FIELD_NAME, cell (self, record, COL_NAME),
                                     KB_ASSET_MAX_NAME, TRUE, FALSE, &error)) == NULL)
    add_field_problem (self, line, COL_NAME, error);
  g_clear_error (&error);

  text = cell (self, record, COL_KIND);
  if (self->map[COL_KIND] >= 0 && !parse_kind (text, &row->kind))
    {
      g_autofree char *message = NULL;

      if (text[0] == '\0')
        message = g_strdup (_("The kind is required: equipment, software, storage media or "
                              "document"));
      else
        message = g_strdup_printf (_("Unknown kind “%s”: write equipment, software, storage "
                                     "media or document"), text);
      add_problem (self->problems, line, heading (self, COL_KIND), message);
    }

  text = cell (self, record, COL_CLASSIFICATION);
  if (self->map[COL_CLASSIFICATION] >= 0 && !parse_classification (text, &row->classification))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a classification: write 1, 2 or 3 (3 is the most "
                           "confidential)"), text);

      add_problem (self->problems, line, heading (self, COL_CLASSIFICATION), message);
    }

  if (self->map[COL_LOCATION] >= 0 &&
      (row->location = kb_validate_text (KB_FIELD_LOCATION, cell (self, record, COL_LOCATION),
                                         KB_MAX_LOCATION, TRUE, FALSE, &error)) == NULL)
    add_field_problem (self, line, COL_LOCATION, error);
  g_clear_error (&error);

  text = cell (self, record, COL_CUSTODIAN);
  if (self->map[COL_CUSTODIAN] >= 0)
    {
      g_autofree char *folded = fold (text);
      g_autofree char *key = g_ascii_strup (folded, -1);

      staff = g_hash_table_lookup (self->staff, key);
      if (key[0] == '\0')
        add_problem (self->problems, line, heading (self, COL_CUSTODIAN),
                     _("The custodian's staff number is required"));
      else if (staff == NULL || !staff->active)
        {
          g_autofree char *message =
            g_strdup_printf (staff == NULL
                             ? _("No operator has the staff number %s")
                             : _("The operator %s is retired and cannot be a custodian"),
                             folded);

          add_problem (self->problems, line, heading (self, COL_CUSTODIAN), message);
          staff = NULL;
        }
      else
        {
          row->custodian_id = staff->id;
          row->division_id = staff->division_id;
        }
    }

  text = cell (self, record, COL_DIVISION);
  if (text[0] != '\0')
    {
      g_autofree char *folded = fold (text);
      gint64 *id = g_hash_table_lookup (self->divisions, folded);

      if (id == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("There is no division “%s” in the register"), folded);

          add_problem (self->problems, line, heading (self, COL_DIVISION), message);
        }
      else
        row->division_id = *id;
    }

  if (self->map[COL_ACQUIRED] >= 0 &&
      !kb_assets_parse_acquired (cell (self, record, COL_ACQUIRED), self->today,
                                 &row->acquired_on, &error))
    add_field_problem (self, line, COL_ACQUIRED, error);
  g_clear_error (&error);

  text = cell (self, record, COL_STATUS);
  row->status = KB_ASSET_IN_USE;
  if (text[0] != '\0')
    {
      if (!parse_status (text, &row->status))
        {
          g_autofree char *message =
            g_strdup_printf (_("Unknown status “%s”: write in use, stored or out for repair"),
                             text);

          add_problem (self->problems, line, heading (self, COL_STATUS), message);
        }
      else if (row->status == KB_ASSET_LENT)
        add_problem (self->problems, line, heading (self, COL_STATUS),
                     _("A lent asset cannot be imported: import it as in use or stored, then "
                       "record the loan"));
      else if (row->status == KB_ASSET_DISPOSED)
        add_problem (self->problems, line, heading (self, COL_STATUS),
                     _("Disposed assets are not imported: a disposal is decided in the "
                       "register"));
    }

  text = cell (self, record, COL_HOLDS_DATA);
  if (!parse_yes_no (text, &row->holds_data))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not yes or no"), text);

      add_problem (self->problems, line, heading (self, COL_HOLDS_DATA), message);
    }

  if (!kb_assets_parse_inventory_days (cell (self, record, COL_INVENTORY_DAYS),
                                       &row->inventory_days, &error))
    add_field_problem (self, line, COL_INVENTORY_DAYS, error);
  g_clear_error (&error);

  if ((row->notes = kb_validate_text (KB_FIELD_NOTES, cell (self, record, COL_NOTES),
                                      KB_ASSET_MAX_NOTES, FALSE, TRUE, &error)) == NULL)
    add_field_problem (self, line, COL_NOTES, error);
  g_clear_error (&error);

  if (self->problems->len != n_before)
    {
      row_free (row);
      return NULL;
    }
  return row;
}

static gint64
insert_row (KbDb        *db,
            const Row   *row,
            const char  *reason,
            GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  KbAssetEventRow event = { 0 };

  stmt = kb_db_prepare (db, "INSERT INTO assets (number, name, kind, classification, location,"
                            " custodian_id, division_id, acquired_on, status, holds_data,"
                            " inventory_days, notes)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, row->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kb_asset_kind_to_string (row->kind), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, row->classification);
  sqlite3_bind_text (stmt, 5, row->location, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, row->custodian_id);
  sqlite3_bind_int64 (stmt, 7, row->division_id);
  sqlite3_bind_text (stmt, 8, row->acquired_on, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, kb_asset_status_to_string (row->status), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 10, row->holds_data ? 1 : 0);
  sqlite3_bind_int (stmt, 11, row->inventory_days);
  sqlite3_bind_text (stmt, 12, row->notes, -1, SQLITE_STATIC);
  if (!kb_db_step_done (db, stmt, error))
    return 0;
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

  event.kind = "register";
  event.to_operator = row->custodian_id;
  event.to_status = kb_asset_status_to_string (row->status);
  event.location = row->location;
  event.reason = reason;
  if (!kb_assets_record_event (db, "import", id, &event, 0, error))
    return 0;
  return id;
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const KbImportProblem *x = *(KbImportProblem * const *) a;
  const KbImportProblem *y = *(KbImportProblem * const *) b;

  return x->line < y->line ? -1 : x->line > y->line;
}

/* The line of the first byte that is not UTF-8. */
static guint
line_of (const char *text,
         const char *end)
{
  guint line = 1;

  for (const char *p = text; p < end; p++)
    if (*p == '\n')
      line++;
  return line;
}

/**
 * kb_assets_import_csv:
 * @n_imported: (out) (optional): how many assets were registered
 * @problems: (out) (optional) (transfer full) (element-type KbImportProblem):
 *   every problem found, when the import is refused for them
 *
 * Reads the whole file, checks every line and, only if nothing is wrong,
 * registers every asset in one transaction, each with a 'register' event
 * ("Imported from FILE") journaled as "asset.import".
 */
gboolean
kb_assets_import_csv (KbDb          *db,
                      GFile         *file,
                      guint         *n_imported,
                      GPtrArray    **problems,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) kb_import_problem_free);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *reason = NULL;
  const char *text, *end;
  gsize len;
  Import self = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_imported != NULL)
    *n_imported = 0;
  if (problems != NULL)
    *problems = NULL;

  if (!kb_assets_require_keeper (db, error))
    return FALSE;
  if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return FALSE;
  basename = g_file_get_basename (file);
  if (basename == NULL)
    basename = g_file_get_uri (file);

  text = contents;
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    {
      text += 3;
      len -= 3;
    }

  if (!g_utf8_validate_len (text, len, &end))
    {
      g_autofree char *message = NULL;

      if (memchr (text, '\0', len) != NULL && end < text + len && *end == '\0')
        message = g_strdup (_("This file holds binary data, not CSV text"));
      else
        message = g_strdup (_("This line is not UTF-8 text: save the file as “CSV UTF-8”"));
      add_problem (found, line_of (text, end), NULL, message);
      goto refused;
    }

  self.db = db;
  self.problems = found;
  self.staff = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.divisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self.numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.today = kb_assets_today ();

  records = parse_csv (text, len, found);
  if (records->len == 0)
    {
      if (found->len == 0)
        add_problem (found, 1, NULL, _("The file is empty: the first line names the columns"));
      goto check_done;
    }
  if (!load_lookups (&self, error))
    goto out;

  check_header (&self, g_ptr_array_index (records, 0));
  if (records->len == 1 && found->len == 0)
    add_problem (found, 2, NULL, _("There are no assets below the heading row"));
  for (guint i = 1; i < records->len; i++)
    {
      Row *row = check_row (&self, g_ptr_array_index (records, i));

      if (row != NULL)
        g_ptr_array_add (rows, row);
      if (i % 500 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
    }

check_done:
  if (found->len > 0)
    goto refused;

  reason = g_strdup_printf (_("Imported from %s"), basename);
  if (!kb_db_begin (db, error))
    goto out;
  for (guint i = 0; i < rows->len; i++)
    {
      if ((i % 500 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error)) ||
          insert_row (db, g_ptr_array_index (rows, i), reason, error) == 0)
        {
          kb_db_rollback (db);
          goto out;
        }
    }
  if (!kb_db_commit (db, error))
    {
      kb_db_rollback (db);
      goto out;
    }
  if (n_imported != NULL)
    *n_imported = rows->len;
  ok = TRUE;
  goto out;

refused:
  /* Problems in line order; the header's first. */
  g_ptr_array_sort (found, compare_problems);
  kb_set_field_error (error, "file", KB_FIELD_ERROR_INVALID,
                      ngettext ("%u problem in %s", "%u problems in %s", found->len),
                      found->len, basename);
  if (problems != NULL)
    *problems = g_steal_pointer (&found);

out:
  g_clear_pointer (&self.staff, g_hash_table_unref);
  g_clear_pointer (&self.divisions, g_hash_table_unref);
  g_clear_pointer (&self.numbers, g_hash_table_unref);
  g_clear_pointer (&self.seen, g_hash_table_unref);
  g_clear_pointer (&self.headings, g_ptr_array_unref);
  g_free (self.today);
  return ok;
}
