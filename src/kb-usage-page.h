/* kb-usage-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"
#include "kb-usage-model.h"

G_BEGIN_DECLS

#define KB_TYPE_USAGE_PAGE (kb_usage_page_get_type ())
G_DECLARE_FINAL_TYPE (KbUsagePage, kb_usage_page, KB, USAGE_PAGE, GtkBox)

GtkWidget     *kb_usage_page_new         (KbStore     *store,
                                          KbStore     *reader,
                                          KbSession   *session);
KbUsageModel  *kb_usage_page_get_model   (KbUsagePage *self);
GtkColumnView *kb_usage_page_get_view    (KbUsagePage *self);
void           kb_usage_page_load        (KbUsagePage *self,
                                          gint64       viewer_id,
                                          gboolean     supervisor,
                                          gboolean     all);
void           kb_usage_page_show        (KbUsagePage *self,
                                          KbUsageShow  show);
void           kb_usage_page_set_period  (KbUsagePage *self,
                                          guint        period);
void           kb_usage_page_set_search  (KbUsagePage *self,
                                          const char  *text);
void           kb_usage_page_confirm_selected (KbUsagePage *self);
GtkWidget     *kb_usage_page_open_manual (KbUsagePage *self);
GtkWidget     *kb_usage_page_open_entry  (KbUsagePage *self,
                                          guint        position);

char          *kb_usage_format_date      (gint64       unix_time);
char          *kb_usage_format_time      (gint64       unix_time);

G_END_DECLS
