/* kb-usage-dialog.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"
#include "kb-usage.h"

G_BEGIN_DECLS

#define KB_TYPE_USAGE_DIALOG (kb_usage_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbUsageDialog, kb_usage_dialog, KB, USAGE_DIALOG, AdwWindow)

GtkWidget  *kb_usage_dialog_new       (KbStore       *store,
                                       KbStore       *reader,
                                       KbSession     *session,
                                       KbUsageEntry  *entry);
void        kb_usage_dialog_save      (KbUsageDialog *self);
void        kb_usage_dialog_set_field (KbUsageDialog *self,
                                       const char    *field,
                                       const char    *text);
void        kb_usage_dialog_set_task  (KbUsageDialog *self,
                                       guint          position);
const char *kb_usage_dialog_get_error (KbUsageDialog *self,
                                       const char    *field);
gboolean    kb_usage_dialog_get_busy  (KbUsageDialog *self);
gboolean    kb_usage_dialog_get_ready (KbUsageDialog *self);

G_END_DECLS
