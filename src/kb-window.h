/* kb-window.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-application.h"
#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_WINDOW (kb_window_get_type ())
G_DECLARE_FINAL_TYPE (KbWindow, kb_window, KB, WINDOW, AdwApplicationWindow)

KbWindow   *kb_window_new            (KbApplication *app);
KbStore    *kb_window_get_reader     (KbWindow      *self);
KbStore    *kb_window_get_store      (KbWindow      *self);
void        kb_window_show_page      (KbWindow      *self,
                                      const char    *name);
const char *kb_window_get_page       (KbWindow      *self);
GtkWidget  *kb_window_get_page_widget (KbWindow     *self,
                                      const char    *name);
void        kb_window_toast          (KbWindow      *self,
                                      const char    *message);
void        kb_window_set_accels     (GtkApplication *app);
KbSession  *kb_window_get_session    (KbWindow      *self);
void        kb_window_track_activity (KbWindow      *self,
                                      GtkWidget     *window);

G_END_DECLS
