/* kb-record-dialog.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_RECORD_DIALOG (kb_record_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbRecordDialog, kb_record_dialog, KB, RECORD_DIALOG, AdwWindow)

GtkWidget  *kb_record_dialog_new             (KbStore        *store,
                                              const char     *entity,
                                              GObject        *record,
                                              GListModel     *divisions);
void        kb_record_dialog_set_text        (KbRecordDialog *self,
                                              const char     *field,
                                              const char     *text);
const char *kb_record_dialog_get_error       (KbRecordDialog *self,
                                              const char     *field);
void        kb_record_dialog_set_choice      (KbRecordDialog *self,
                                              const char     *field,
                                              guint           index,
                                              gboolean        active);
void        kb_record_dialog_save            (KbRecordDialog *self);
gboolean    kb_record_dialog_get_busy        (KbRecordDialog *self);

G_END_DECLS
