/* kb-asset-dialogs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-assets.h"
#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

typedef enum {
  KB_ASSET_FORM_REGISTER,
  KB_ASSET_FORM_EDIT,
  KB_ASSET_FORM_HAND_OVER,
  KB_ASSET_FORM_LEND,
  KB_ASSET_FORM_RETURN,
  KB_ASSET_FORM_CHECK,
  KB_ASSET_FORM_DISPOSE,
} KbAssetForm;

/* Choices that are not typed, for kb_asset_dialog_set_choice(). */
#define KB_ASSET_CHOICE_PERSON  "person"     /* custodian, new custodian, borrower, seen by */

#define KB_TYPE_ASSET_DIALOG (kb_asset_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbAssetDialog, kb_asset_dialog, KB, ASSET_DIALOG, AdwWindow)

GtkWidget  *kb_asset_dialog_new        (KbStore       *store,
                                        KbStore       *reader,
                                        KbSession     *session,
                                        KbAssetForm    form,
                                        KbAsset       *asset);
KbAssetForm kb_asset_dialog_get_form   (KbAssetDialog *self);
void        kb_asset_dialog_save       (KbAssetDialog *self);
void        kb_asset_dialog_set_field  (KbAssetDialog *self,
                                        const char    *field,
                                        const char    *text);
gboolean    kb_asset_dialog_set_choice (KbAssetDialog *self,
                                        const char    *field,
                                        const char    *text);
const char *kb_asset_dialog_get_error  (KbAssetDialog *self,
                                        const char    *field);
const char *kb_asset_dialog_get_message (KbAssetDialog *self);
gboolean    kb_asset_dialog_get_busy   (KbAssetDialog *self);
gboolean    kb_asset_dialog_get_ready  (KbAssetDialog *self);

/* The small confirmations, as message dialogs with a reason. */
GtkWidget  *kb_asset_status_dialog_new   (GtkWindow  *parent,
                                          KbStore    *store,
                                          KbAsset    *asset);
GtkWidget  *kb_asset_decision_dialog_new (GtkWindow  *parent,
                                          KbStore    *store,
                                          KbAsset    *asset,
                                          KbDisposal *disposal,
                                          gboolean    approve);

/* Every problem of a refused import, in a scrollable list. */
GtkWidget  *kb_asset_import_problems_new (GtkWindow  *parent,
                                          const char *file_name,
                                          GPtrArray  *problems);

G_END_DECLS
