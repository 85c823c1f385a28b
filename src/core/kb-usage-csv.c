/* kb-usage-csv.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage register as CSV, written by kb-csv.c's conventions (a byte
 * order mark and CRLF for Japanese Excel, RFC 4180 quoting, formula-safe
 * cells, a file that appears only when complete).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kb-csv.h"
#include "kb-era.h"
#include "kb-usage-csv.h"

/* Rows between two progress reports. */
#define PROGRESS_EVERY 1000
typedef struct {
  KbCsvFile      *file;
  GString        *buf;
  gboolean        era_dates;
  KbProgressFunc  progress;
  gpointer        user_data;
  GCancellable   *cancellable;
  gint64          done;
  gint64          total;
} Export;

static char *
format_date (Export    *self,
             GDateTime *time)
{
  if (self->era_dates)
    return kb_era_format_date (time);
  return g_date_time_format (time, "%Y-%m-%d");
}

static gboolean
same_day (GDateTime *a,
          GDateTime *b)
{
  return g_date_time_get_year (a) == g_date_time_get_year (b) &&
         g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

static void
append_header (GString *line)
{
  const char *columns[] = {
    _("Date"), _("Start"), _("End"), _("Minutes"), _("Terminal code"), _("Terminal"),
    _("Staff number"), _("Operator"), _("Division"), _("Business task"), _("Cases"),
    _("Remarks"), _("Status"), _("Manual"), _("Confirmed by"), _("Confirmed at"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      kb_csv_append_text (line, columns[i]);
    }
  g_string_append (line, "\r\n");
}

static void
append_entry (Export       *self,
              KbUsageEntry *entry)
{
  GString *line = self->buf;
  gint64 started_at = kb_usage_entry_get_started_at (entry);
  gint64 ended_at = kb_usage_entry_get_ended_at (entry);
  gint64 confirmed_at = kb_usage_entry_get_confirmed_at (entry);
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (started_at);
  g_autofree char *date = format_date (self, start);
  g_autofree char *start_time = g_date_time_format (start, "%H:%M");
  g_autofree char *end_time = NULL;
  g_autofree char *confirmed = NULL;

  if (ended_at != 0)
    {
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (ended_at);

      /* A sitting past midnight says on which day it ended. */
      if (same_day (start, end))
        end_time = g_date_time_format (end, "%H:%M");
      else
        {
          g_autofree char *end_date = format_date (self, end);
          g_autofree char *clock = g_date_time_format (end, "%H:%M");

          end_time = g_strconcat (end_date, " ", clock, NULL);
        }
    }
  if (confirmed_at != 0)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (confirmed_at);

      confirmed = g_date_time_format (at, "%Y-%m-%d %H:%M");
    }

  kb_csv_append_text (line, date);
  g_string_append_c (line, ',');
  kb_csv_append_text (line, start_time);
  g_string_append_c (line, ',');
  kb_csv_append_text (line, end_time);
  g_string_append_c (line, ',');
  /* Whole minutes between the clock times shown, so that End − Start
   * equals Minutes in the spreadsheet too. */
  kb_csv_append_number (line, ended_at != 0 ? ended_at / 60 - started_at / 60 : -1);
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_terminal_code (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_terminal_name (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_staff_number (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_operator_name (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_division_name (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_task_name (entry));
  g_string_append_c (line, ',');
  kb_csv_append_number (line, kb_usage_entry_get_cases (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_remarks (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_status_get_label (kb_usage_entry_get_status (entry)));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_manual (entry) ? _("Yes") : "");
  g_string_append_c (line, ',');
  kb_csv_append_text (line, kb_usage_entry_get_confirmer_name (entry));
  g_string_append_c (line, ',');
  kb_csv_append_text (line, confirmed);
  g_string_append (line, "\r\n");
}

static gboolean
write_entry (KbUsageEntry *entry,
             gpointer      user_data,
             GError      **error)
{
  Export *self = user_data;

  /* kb_usage_foreach looks only every thousand rows. */
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;

  append_entry (self, entry);
  self->done++;
  if (self->buf->len >= KB_CSV_FLUSH_SIZE && !kb_csv_file_flush (self->file, error))
    return FALSE;
  if (self->progress != NULL && self->done % PROGRESS_EVERY == 0)
    self->progress (self->done, MAX (self->total, self->done), self->user_data);
  return TRUE;
}

/**
 * kb_usage_export_csv:
 * @db: the connection (the store's thread)
 * @viewer_id: the signed-in operator, whose roles decide which entries
 *   are written; 0 for the system
 * @filter: which entries, in which order
 * @path: the file to write; an existing file is replaced only once the
 *   new one is complete
 * @era_dates: write the Date column in the Japanese era ("令和8年11月26日")
 * @progress: (nullable) (scope call): called with rows written and the
 *   total, at the start, every thousand rows and at the end
 * @user_data: for @progress
 * @cancellable: (nullable): stops the export; @path is then left as it was
 *
 * Writes the entries @filter selects as CSV for spreadsheets: UTF-8 with
 * a byte order mark, CRLF row ends, a header row, times in local time.
 * Text cells that a spreadsheet would run as a formula get a leading
 * apostrophe.
 *
 * On any error, and on cancellation (%G_IO_ERROR_CANCELLED), no new file
 * is left behind and an existing file at @path is untouched. Errors about
 * the file are in %G_FILE_ERROR and name the folder (a full disk says so).
 *
 * Returns: %TRUE when @path holds the complete export
 */
gboolean
kb_usage_export_csv (KbDb                *db,
                     gint64               viewer_id,
                     const KbUsageFilter *filter,
                     const char          *path,
                     gboolean             era_dates,
                     KbProgressFunc       progress,
                     gpointer             user_data,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(KbCsvFile) file = NULL;
  Export self = { 0 };
  gint64 total;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);
  g_return_val_if_fail (path != NULL && path[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  total = kb_usage_count (db, viewer_id, filter, error);
  if (total < 0)
    return FALSE;

  file = kb_csv_file_new (path, error);
  if (file == NULL)
    return FALSE;

  self.file = file;
  self.buf = kb_csv_file_get_buffer (file);
  self.era_dates = era_dates;
  self.progress = progress;
  self.user_data = user_data;
  self.cancellable = cancellable;
  self.total = total;

  append_header (self.buf);
  if (progress != NULL)
    progress (0, total, user_data);

  /* On failure, freeing the file removes it; @path is as it was. */
  if (!kb_usage_foreach (db, viewer_id, filter, write_entry, &self, cancellable, error) ||
      !kb_csv_file_finish (file, cancellable, error))
    return FALSE;

  if (progress != NULL)
    progress (self.done, MAX (total, self.done), user_data);
  return TRUE;
}
