/* kb-bench-figures.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "kb-bench-figures.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static gint64
percentile (const gint64 *sorted,
            guint         n,
            double        p)
{
  guint rank = (guint) (p / 100.0 * n + 0.999999);

  return sorted[CLAMP (rank, 1, n) - 1];
}

/**
 * kb_figures:
 * @values: (array length=n): durations in microseconds; n > 0
 *
 * Returns: their median, 95th and 99th percentiles (nearest rank) and maximum
 */
KbFigures
kb_figures (const gint64 *values,
            guint         n)
{
  g_autofree gint64 *sorted = g_memdup2 (values, n * sizeof (gint64));
  KbFigures f;

  qsort (sorted, n, sizeof (gint64), compare_gint64);
  f.median = percentile (sorted, n, 50);
  f.p95 = percentile (sorted, n, 95);
  f.p99 = percentile (sorted, n, 99);
  f.max = sorted[n - 1];
  return f;
}

void
kb_figures_print (const char *what,
                  KbFigures   f)
{
  g_print ("  %-38s median %7.1f  p95 %7.1f  p99 %7.1f  max %7.1f ms\n", what,
           f.median / 1000.0, f.p95 / 1000.0, f.p99 / 1000.0, f.max / 1000.0);
}
