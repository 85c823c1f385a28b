/* kb-audit-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-audit.h"
#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_AUDIT_PAGE (kb_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (KbAuditPage, kb_audit_page, KB, AUDIT_PAGE, GtkBox)

GtkWidget  *kb_audit_page_new              (KbStore       *store,
                                            KbStore       *reader,
                                            KbSession     *session);
void        kb_audit_page_set_show_all     (KbAuditPage   *self,
                                            gboolean       all);
void        kb_audit_page_select           (KbAuditPage   *self,
                                            guint          position);
void        kb_audit_page_select_id        (KbAuditPage   *self,
                                            gint64         audit_id);
GtkWidget  *kb_audit_page_open_plan        (KbAuditPage   *self);
GtkWidget  *kb_audit_page_open_finding     (KbAuditPage   *self);
GtkWidget  *kb_audit_page_advance          (KbAuditPage   *self,
                                            KbAuditStatus  to);
GtkWidget  *kb_audit_page_finding_action   (KbAuditPage   *self,
                                            guint          position,
                                            const char    *action);
void        kb_audit_page_open_registers   (KbAuditPage   *self);
GListModel *kb_audit_page_get_audits       (KbAuditPage   *self);
GListModel *kb_audit_page_get_findings     (KbAuditPage   *self);
KbAudit    *kb_audit_page_get_selected     (KbAuditPage   *self);
guint       kb_audit_page_get_n_warnings   (KbAuditPage   *self);
gboolean    kb_audit_page_get_busy         (KbAuditPage   *self);
gboolean    kb_audit_page_get_refused      (KbAuditPage   *self);

G_END_DECLS
