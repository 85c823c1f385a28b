/* kb-calendar-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_CALENDAR_PAGE (kb_calendar_page_get_type ())
G_DECLARE_FINAL_TYPE (KbCalendarPage, kb_calendar_page, KB, CALENDAR_PAGE, GtkBox)

GtkWidget  *kb_calendar_page_new        (KbStore        *store,
                                         KbStore        *reader,
                                         KbSession      *session);
void        kb_calendar_page_set_month  (KbCalendarPage *self,
                                         int             year,
                                         int             month);
void        kb_calendar_page_shift      (KbCalendarPage *self,
                                         int             months);
guint       kb_calendar_page_get_n_items (KbCalendarPage *self);
gboolean    kb_calendar_page_get_busy   (KbCalendarPage *self);

G_END_DECLS
