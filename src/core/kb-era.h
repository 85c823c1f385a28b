/* kb-era.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dates in the Japanese era (和暦), as the paper registers write them:
 * 令和8年11月26日, and 令和元年 for an era's first year.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *kb_era_format_date  (GDateTime *date);
char *kb_era_format_month (int        year,
                           int        month);

G_END_DECLS
