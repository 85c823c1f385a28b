/* kb-journal-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_JOURNAL_PAGE (kb_journal_page_get_type ())
G_DECLARE_FINAL_TYPE (KbJournalPage, kb_journal_page, KB, JOURNAL_PAGE, GtkWidget)

GtkWidget  *kb_journal_page_new        (KbStore       *store);
void        kb_journal_page_verify     (KbJournalPage *self);
const char *kb_journal_page_get_result (KbJournalPage *self);

G_END_DECLS
