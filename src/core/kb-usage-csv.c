/* kb-usage-csv.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage register as CSV. Japanese Excel reads a CSV file as Shift_JIS
 * unless it starts with a UTF-8 byte order mark, and expects CRLF line
 * ends; so the file has both. Fields follow RFC 4180: text in double
 * quotes with quotes doubled, numbers bare.
 *
 * The file is written beside its destination under a temporary name,
 * flushed to the disk, then renamed over the destination: whoever opens
 * the destination sees the old file or the whole new one, never half.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kb-era.h"
#include "kb-usage-csv.h"

/* Rows between two progress reports. */
#define PROGRESS_EVERY 1000
/* Bytes gathered before they go to the file. */
#define FLUSH_SIZE (64 * 1024)

typedef struct {
  int             fd;
  const char     *dir;        /* for messages */
  GString        *buf;
  gboolean        era_dates;
  KbProgressFunc  progress;
  gpointer        user_data;
  GCancellable   *cancellable;
  gint64          done;
  gint64          total;
} Export;

/* An error about writing into @dir, from errno @errsv. A full disk is
 * said plainly, with where, because it is the one the user can fix. */
static void
set_write_error (GError     **error,
                 int          errsv,
                 const char  *dir)
{
  g_autofree char *where = g_filename_display_name (dir);

  if (errsv == ENOSPC || errsv == EDQUOT)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                 _("The disk is full: there is no room for the export in “%s”"), where);
  else
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                 _("Cannot write the export in “%s”: %s"), where, g_strerror (errsv));
}

static gboolean
flush (Export  *self,
       GError **error)
{
  gsize written = 0;

  while (written < self->buf->len)
    {
      gssize n = write (self->fd, self->buf->str + written, self->buf->len - written);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          set_write_error (error, errsv, self->dir);
          return FALSE;
        }
      written += n;
    }
  g_string_truncate (self->buf, 0);
  return TRUE;
}

/* Spreadsheets run a cell that starts with = + - or @ as a formula (and
 * some strip a leading tab or carriage return first), so a remark such as
 * =HYPERLINK("http://…") would become a live link or worse in whoever
 * opens the export: CSV injection. A leading apostrophe makes the cell
 * text. Excel shows the apostrophe of a CSV cell, which is the price of
 * not running what an operator typed. */
static gboolean
needs_escape (const char *text)
{
  return text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL;
}

/* A text field, quoted. Line breaks inside it are written as a bare LF,
 * as Excel itself writes a cell with Alt+Enter breaks; the row ends are
 * CRLF, so a reader never takes a break inside a remark for a new row. */
static void
append_text (GString    *line,
             const char *text)
{
  if (text == NULL)
    text = "";

  g_string_append_c (line, '"');
  if (needs_escape (text))
    g_string_append_c (line, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (line, "\"\"");
      else if (*p == '\r')
        {
          if (p[1] != '\n')
            g_string_append_c (line, '\n');
        }
      else
        g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static void
append_number (GString *line,
               gint64   value)
{
  if (value >= 0)
    g_string_append_printf (line, "%" G_GINT64_FORMAT, value);
}

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
      append_text (line, columns[i]);
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

  append_text (line, date);
  g_string_append_c (line, ',');
  append_text (line, start_time);
  g_string_append_c (line, ',');
  append_text (line, end_time);
  g_string_append_c (line, ',');
  /* Whole minutes between the clock times shown, so that End − Start
   * equals Minutes in the spreadsheet too. */
  append_number (line, ended_at != 0 ? ended_at / 60 - started_at / 60 : -1);
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_terminal_code (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_terminal_name (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_staff_number (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_operator_name (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_division_name (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_task_name (entry));
  g_string_append_c (line, ',');
  append_number (line, kb_usage_entry_get_cases (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_remarks (entry));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_status_get_label (kb_usage_entry_get_status (entry)));
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_manual (entry) ? _("Yes") : "");
  g_string_append_c (line, ',');
  append_text (line, kb_usage_entry_get_confirmer_name (entry));
  g_string_append_c (line, ',');
  append_text (line, confirmed);
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
  if (self->buf->len >= FLUSH_SIZE && !flush (self, error))
    return FALSE;
  if (self->progress != NULL && self->done % PROGRESS_EVERY == 0)
    self->progress (self->done, MAX (self->total, self->done), self->user_data);
  return TRUE;
}

/* After the rename, the folder's entry is made durable too. The file is
 * complete either way, so a failure here is not reported. */
static void
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
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
  g_autoptr(GString) buf = g_string_sized_new (FLUSH_SIZE + 4096);
  g_autofree char *dir = NULL;
  g_autofree char *tmp_path = NULL;
  Export self = { 0 };
  gint64 total;
  int fd;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);
  g_return_val_if_fail (path != NULL && path[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  total = kb_usage_count (db, viewer_id, filter, error);
  if (total < 0)
    return FALSE;

  dir = g_path_get_dirname (path);
  tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_autofree char *where = g_filename_display_name (dir);

      if (errsv == ENOENT || errsv == ENOTDIR)
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                     _("The folder “%s” does not exist"), where);
      else if (errsv == ENOSPC || errsv == EDQUOT)
        set_write_error (error, errsv, dir);
      else
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                     _("Cannot create a file in the folder “%s”: %s"), where,
                     g_strerror (errsv));
      return FALSE;
    }

  self.fd = fd;
  self.dir = dir;
  self.buf = buf;
  self.era_dates = era_dates;
  self.progress = progress;
  self.user_data = user_data;
  self.cancellable = cancellable;
  self.total = total;

  g_string_append (buf, "\xEF\xBB\xBF");
  append_header (buf);
  if (progress != NULL)
    progress (0, total, user_data);

  if (!kb_usage_foreach (db, viewer_id, filter, write_entry, &self, cancellable, error) ||
      !flush (&self, error))
    goto fail;

  /* Cancelled after the last row: the caller no longer wants the file. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (fsync (fd) != 0)
    {
      set_write_error (error, errno, dir);
      goto fail;
    }
  fd = -1;
  if (close (self.fd) != 0)
    {
      set_write_error (error, errno, dir);
      goto fail;
    }

  if (g_rename (tmp_path, path) != 0)
    {
      int errsv = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot replace “%s”: %s"), name, g_strerror (errsv));
      goto fail;
    }
  sync_dir (dir);

  if (progress != NULL)
    progress (self.done, MAX (total, self.done), user_data);
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  return FALSE;
}
