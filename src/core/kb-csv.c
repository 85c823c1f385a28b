/* kb-csv.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CSV for spreadsheets. Japanese Excel reads a CSV file as Shift_JIS
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

#include "kb-csv.h"

struct _KbCsvFile {
  int      fd;
  char    *path;
  char    *tmp_path;
  char    *dir;          /* for messages */
  GString *buf;
  gboolean done;
};

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

/**
 * kb_csv_append_text:
 * @text: (nullable): the cell; %NULL is empty
 *
 * A text field, quoted. Line breaks inside it are written as a bare LF,
 * as Excel itself writes a cell with Alt+Enter breaks; the row ends are
 * CRLF, so a reader never takes a break inside a remark for a new row.
 */
void
kb_csv_append_text (GString    *line,
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

/* A number, bare; a negative value is an empty cell. */
void
kb_csv_append_number (GString *line,
                      gint64   value)
{
  if (value >= 0)
    g_string_append_printf (line, "%" G_GINT64_FORMAT, value);
}

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

/**
 * kb_csv_file_new:
 * @path: the destination; an existing file is replaced only by
 *   kb_csv_file_finish()
 *
 * Creates the temporary file beside @path; its buffer already holds the
 * byte order mark.
 *
 * Returns: (transfer full) (nullable): the file being written
 */
KbCsvFile *
kb_csv_file_new (const char  *path,
                 GError     **error)
{
  KbCsvFile *self;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  int fd;

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
      return NULL;
    }

  self = g_new0 (KbCsvFile, 1);
  self->fd = fd;
  self->path = g_strdup (path);
  self->tmp_path = g_steal_pointer (&tmp_path);
  self->dir = g_steal_pointer (&dir);
  self->buf = g_string_sized_new (KB_CSV_FLUSH_SIZE + 4096);
  g_string_append (self->buf, "\xEF\xBB\xBF");
  return self;
}

/* Rows are appended here; kb_csv_file_flush() writes them out. */
GString *
kb_csv_file_get_buffer (KbCsvFile *self)
{
  return self->buf;
}

gboolean
kb_csv_file_flush (KbCsvFile  *self,
                   GError    **error)
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
 * kb_csv_file_finish:
 * @cancellable: (nullable): cancelled now, the caller no longer wants the
 *   file: it is not put in place
 *
 * Writes what is buffered, flushes the file to the disk and renames it
 * over the destination. On failure the temporary file is removed by
 * kb_csv_file_free(), and the destination is as it was.
 */
gboolean
kb_csv_file_finish (KbCsvFile     *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  int fd;

  if (!kb_csv_file_flush (self, error))
    return FALSE;
  /* Cancelled after the last row: the caller no longer wants the file. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (fsync (self->fd) != 0)
    {
      set_write_error (error, errno, self->dir);
      return FALSE;
    }
  fd = self->fd;
  self->fd = -1;
  if (close (fd) != 0)
    {
      set_write_error (error, errno, self->dir);
      return FALSE;
    }

  if (g_rename (self->tmp_path, self->path) != 0)
    {
      int errsv = errno;
      g_autofree char *name = g_filename_display_name (self->path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot replace “%s”: %s"), name, g_strerror (errsv));
      return FALSE;
    }
  self->done = TRUE;
  sync_dir (self->dir);
  return TRUE;
}

/* Closes the file; unless finished, removes it. */
void
kb_csv_file_free (KbCsvFile *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (!self->done)
    g_unlink (self->tmp_path);
  g_string_free (self->buf, TRUE);
  g_free (self->path);
  g_free (self->tmp_path);
  g_free (self->dir);
  g_free (self);
}
