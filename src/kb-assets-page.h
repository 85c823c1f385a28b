/* kb-assets-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-asset-dialogs.h"
#include "kb-assets.h"
#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_ASSETS_PAGE (kb_assets_page_get_type ())
G_DECLARE_FINAL_TYPE (KbAssetsPage, kb_assets_page, KB, ASSETS_PAGE, GtkBox)

GtkWidget     *kb_assets_page_new          (KbStore      *store,
                                            KbStore      *reader,
                                            KbSession    *session);
GListModel    *kb_assets_page_get_assets   (KbAssetsPage *self);
GtkColumnView *kb_assets_page_get_view     (KbAssetsPage *self);
gboolean       kb_assets_page_get_loading  (KbAssetsPage *self);
void           kb_assets_page_show         (KbAssetsPage *self,
                                            KbAssetShow   show);
void           kb_assets_page_set_search   (KbAssetsPage *self,
                                            const char   *text);
const char    *kb_assets_page_get_summary  (KbAssetsPage *self);
void           kb_assets_page_select       (KbAssetsPage *self,
                                            guint         position);
KbAsset       *kb_assets_page_get_selected (KbAssetsPage *self);
GListModel    *kb_assets_page_get_history  (KbAssetsPage *self);
GtkWidget     *kb_assets_page_open_form    (KbAssetsPage *self,
                                            KbAssetForm   form);
GtkWidget     *kb_assets_page_change_status (KbAssetsPage *self);
GtkWidget     *kb_assets_page_decide       (KbAssetsPage *self,
                                            gboolean      approve);
void           kb_assets_page_import_file  (KbAssetsPage *self,
                                            GFile        *file);
void           kb_assets_page_export_file  (KbAssetsPage *self,
                                            GFile        *file);
GtkWidget     *kb_assets_page_get_problems (KbAssetsPage *self);

G_END_DECLS
