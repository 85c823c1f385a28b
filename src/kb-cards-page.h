/* kb-cards-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_CARDS_PAGE (kb_cards_page_get_type ())
G_DECLARE_FINAL_TYPE (KbCardsPage, kb_cards_page, KB, CARDS_PAGE, GtkWidget)

GtkWidget  *kb_cards_page_new       (KbStore     *store,
                                     KbSession   *session);
GListModel *kb_cards_page_get_model (KbCardsPage *self);

G_END_DECLS
