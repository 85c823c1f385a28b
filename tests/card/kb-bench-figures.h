/* kb-bench-figures.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Percentiles of a series of durations, for the card benchmarks.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 median, p95, p99, max;
} KbFigures;

KbFigures kb_figures       (const gint64 *values,
                            guint         n);
void      kb_figures_print (const char   *what,
                            KbFigures     f);

G_END_DECLS
