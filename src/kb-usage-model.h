/* kb-usage-model.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kb-store.h"
#include "kb-usage.h"

G_BEGIN_DECLS

#define KB_TYPE_USAGE_MODEL (kb_usage_model_get_type ())
G_DECLARE_FINAL_TYPE (KbUsageModel, kb_usage_model, KB, USAGE_MODEL, GObject)

KbUsageModel        *kb_usage_model_new         (KbStore             *reader);
void                 kb_usage_model_set_query   (KbUsageModel        *self,
                                                 gint64               viewer_id,
                                                 const KbUsageFilter *filter);
void                 kb_usage_model_refresh     (KbUsageModel        *self);
void                 kb_usage_model_clear       (KbUsageModel        *self);
const KbUsageFilter *kb_usage_model_get_filter  (KbUsageModel        *self);
gint64               kb_usage_model_get_viewer  (KbUsageModel        *self);
gboolean             kb_usage_model_get_loading (KbUsageModel        *self);
const KbUsageTotals *kb_usage_model_get_totals  (KbUsageModel        *self);
const char          *kb_usage_model_get_error   (KbUsageModel        *self);

G_END_DECLS
