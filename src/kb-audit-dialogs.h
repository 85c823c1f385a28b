/* kb-audit-dialogs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-audit.h"
#include "kb-session.h"
#include "kb-store.h"
#include "kb-training.h"   /* KB_FIELD_TITLE, which the audit form shares */

G_BEGIN_DECLS

#define KB_TYPE_AUDIT_DIALOG (kb_audit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbAuditDialog, kb_audit_dialog, KB, AUDIT_DIALOG, AdwWindow)

GtkWidget  *kb_audit_dialog_new          (KbStore        *store,
                                          KbStore        *reader,
                                          KbSession      *session);
void        kb_audit_dialog_save         (KbAuditDialog  *self);
gboolean    kb_audit_dialog_set_field    (KbAuditDialog  *self,
                                          const char     *field,
                                          const char     *text);
const char *kb_audit_dialog_get_error    (KbAuditDialog  *self,
                                          const char     *field);
gboolean    kb_audit_dialog_get_busy     (KbAuditDialog  *self);
gboolean    kb_audit_dialog_get_ready    (KbAuditDialog  *self);
gint64      kb_audit_dialog_get_saved_id (KbAuditDialog  *self);

#define KB_TYPE_FINDING_DIALOG (kb_finding_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbFindingDialog, kb_finding_dialog, KB, FINDING_DIALOG, AdwWindow)

GtkWidget  *kb_finding_dialog_new        (KbStore         *store,
                                          KbStore         *reader,
                                          KbSession       *session,
                                          gint64           audit_id);
void        kb_finding_dialog_save       (KbFindingDialog *self);
gboolean    kb_finding_dialog_set_field  (KbFindingDialog *self,
                                          const char      *field,
                                          const char      *text);
void        kb_finding_dialog_add_link   (KbFindingDialog *self,
                                          const char      *text);
guint       kb_finding_dialog_get_n_links (KbFindingDialog *self);
const char *kb_finding_dialog_get_error  (KbFindingDialog *self,
                                          const char      *field);
gboolean    kb_finding_dialog_get_busy   (KbFindingDialog *self);
gboolean    kb_finding_dialog_get_ready  (KbFindingDialog *self);

G_END_DECLS
