/* kb-sitting-page.h
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

#define KB_TYPE_SITTING_PAGE (kb_sitting_page_get_type ())
G_DECLARE_FINAL_TYPE (KbSittingPage, kb_sitting_page, KB, SITTING_PAGE, AdwBin)

GtkWidget    *kb_sitting_page_new      (KbStore       *store,
                                        KbStore       *reader,
                                        KbSession     *session);
void          kb_sitting_page_record   (KbSittingPage *self,
                                        guint          task_position,
                                        const char    *cases,
                                        const char    *remarks,
                                        gboolean       then_next);
KbUsageEntry *kb_sitting_page_get_open (KbSittingPage *self);
gboolean      kb_sitting_page_get_busy (KbSittingPage *self);
GPtrArray    *kb_sitting_page_get_missing (KbSittingPage *self);

G_END_DECLS
