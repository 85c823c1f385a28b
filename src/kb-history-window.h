/* kb-history-window.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_HISTORY_WINDOW (kb_history_window_get_type ())
G_DECLARE_FINAL_TYPE (KbHistoryWindow, kb_history_window, KB, HISTORY_WINDOW, AdwWindow)

GtkWidget *kb_history_window_new       (KbStore         *store,
                                        const char      *entity,
                                        gint64           id,
                                        const char      *title);
guint      kb_history_window_get_n_entries (KbHistoryWindow *self);

G_END_DECLS
