/* kb-csv.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing CSV files for spreadsheets, shared by the registers' exports:
 * the cell conventions and the file that appears only when complete.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Bytes gathered before they go to the file. */
#define KB_CSV_FLUSH_SIZE (64 * 1024)

void        kb_csv_append_text    (GString       *line,
                                   const char    *text);
void        kb_csv_append_number  (GString       *line,
                                   gint64         value);

typedef struct _KbCsvFile KbCsvFile;

KbCsvFile  *kb_csv_file_new       (const char    *path,
                                   GError       **error);
GString    *kb_csv_file_get_buffer (KbCsvFile    *self);
gboolean    kb_csv_file_flush     (KbCsvFile     *self,
                                   GError       **error);
gboolean    kb_csv_file_finish    (KbCsvFile     *self,
                                   GCancellable  *cancellable,
                                   GError       **error);
void        kb_csv_file_free      (KbCsvFile     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbCsvFile, kb_csv_file_free)

G_END_DECLS
