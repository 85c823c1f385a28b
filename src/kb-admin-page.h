/* kb-admin-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_ADMIN_PAGE (kb_admin_page_get_type ())
G_DECLARE_FINAL_TYPE (KbAdminPage, kb_admin_page, KB, ADMIN_PAGE, GtkWidget)

GtkWidget  *kb_admin_page_new          (KbStore     *store,
                                        KbSession   *session,
                                        const char  *entity);
gboolean    kb_admin_page_can_change   (KbAdminPage *self);
const char *kb_admin_page_get_entity   (KbAdminPage *self);
GListModel *kb_admin_page_get_model    (KbAdminPage *self);
void        kb_admin_page_add          (KbAdminPage *self);
GtkWidget  *kb_admin_page_get_dialog   (KbAdminPage *self);
gboolean    kb_admin_page_select       (KbAdminPage *self,
                                        guint        position);

char       *kb_search_fold             (const char  *text);

G_END_DECLS
