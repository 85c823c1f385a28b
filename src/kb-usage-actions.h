/* kb-usage-actions.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-store.h"
#include "kb-usage.h"

G_BEGIN_DECLS

void kb_usage_export_run          (GtkWindow           *parent,
                                   KbStore             *reader,
                                   gint64               viewer_id,
                                   const KbUsageFilter *filter);
void kb_usage_export_to           (GtkWindow           *parent,
                                   KbStore             *reader,
                                   gint64               viewer_id,
                                   const KbUsageFilter *filter,
                                   const char          *path);
void kb_usage_print_run           (GtkWindow           *parent,
                                   KbStore             *reader,
                                   gint64               viewer_id,
                                   gint64               terminal_id);
void kb_usage_print_fetch_and_run (GtkWindow           *parent,
                                   KbStore             *reader,
                                   gint64               viewer_id,
                                   gint64               terminal_id,
                                   int                  year,
                                   int                  month,
                                   const char          *export_filename);

G_END_DECLS
