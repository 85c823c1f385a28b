/* kb-label-cell.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The text of one cell for @item; freed by the caller. */
typedef char     *(*KbCellText)   (gpointer item);
/* Whether @item is shown dimmed (retired, returned). */
typedef gboolean  (*KbCellActive) (gpointer item);

GtkListItemFactory *kb_label_cell_factory_new (KbCellText   text,
                                               KbCellActive active);

G_END_DECLS
