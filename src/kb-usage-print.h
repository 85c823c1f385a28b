/* kb-usage-print.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The printed monthly terminal usage register: one terminal, one month,
 * laid out like the paper form (A4 landscape, a ruled table, the
 * supervisor's seal column).
 */

#pragma once

#include <gtk/gtk.h>

#include "kb-usage.h"

G_BEGIN_DECLS

/**
 * KbUsagePrintData:
 * @terminal_code: "JK-01"
 * @terminal_name: (nullable): "住基端末 1号機"
 * @terminal_location: (nullable): where the terminal stands
 * @office: (nullable): the office or division the register belongs to
 * @year: the Western year of the month printed
 * @month: 1 to 12
 * @entries: #KbUsageEntry, already fetched, in start order
 * @era_dates: write dates in the Japanese era
 * @journal_seq: the journal's newest sequence number when the entries
 *   were read, printed on every page so that an auditor can compare a
 *   printout with the live journal later
 * @journal_hash: (nullable): that entry's hash, hex
 * @action: %GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG to ask, or
 *   %GTK_PRINT_OPERATION_ACTION_EXPORT to write @export_filename (PDF)
 *   without a dialog
 * @export_filename: (nullable): for %GTK_PRINT_OPERATION_ACTION_EXPORT
 * @n_pages: set by the print functions: how many pages were laid out
 *
 * Every string and @entries belong to the data and are freed with it.
 */
typedef struct {
  char                    *terminal_code;
  char                    *terminal_name;
  char                    *terminal_location;
  char                    *office;
  int                      year;
  int                      month;
  GPtrArray               *entries;
  gboolean                 era_dates;
  gint64                   journal_seq;
  char                    *journal_hash;
  GtkPrintOperationAction  action;
  char                    *export_filename;
  int                      n_pages;
} KbUsagePrintData;

KbUsagePrintData        *kb_usage_print_data_new  (void);
void                     kb_usage_print_data_free (KbUsagePrintData  *data);

GtkPrintOperationResult  kb_usage_print_month_run (GtkWindow         *parent,
                                                   KbUsagePrintData  *data,
                                                   GError           **error);
void                     kb_usage_print_month     (GtkWindow         *parent,
                                                   KbUsagePrintData  *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbUsagePrintData, kb_usage_print_data_free)

G_END_DECLS
