/* kb-reason-entry.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *kb_reason_entry_new (AdwMessageDialog *dialog,
                                gboolean          required);

G_END_DECLS
