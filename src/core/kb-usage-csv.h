/* kb-usage-csv.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The usage register as a CSV file that spreadsheets (Japanese Excel
 * first) open as it is.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-journal.h"
#include "kb-usage.h"

G_BEGIN_DECLS

gboolean kb_usage_export_csv (KbDb                *db,
                              gint64               viewer_id,
                              const KbUsageFilter *filter,
                              const char          *path,
                              gboolean             era_dates,
                              KbProgressFunc       progress,
                              gpointer             user_data,
                              GCancellable        *cancellable,
                              GError             **error);

G_END_DECLS
