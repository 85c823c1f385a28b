/* kb-journal-format.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Journal entries in words, for the history window and the journal page.
 */

#pragma once

#include <gio/gio.h>

#include "kb-journal.h"

G_BEGIN_DECLS

char       *kb_journal_format_kind     (const char     *kind);
char       *kb_journal_format_subtitle (KbJournalEntry *entry);
char       *kb_journal_format_time     (const char     *utc);
GPtrArray  *kb_journal_format_changes  (const char     *before,
                                        const char     *after,
                                        GListModel     *divisions);

G_END_DECLS
