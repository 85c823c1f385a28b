/* kb-room-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-room.h"
#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

enum {
  KB_ROOM_PERIOD_THIS_MONTH,
  KB_ROOM_PERIOD_LAST_MONTH,
  KB_ROOM_PERIOD_THIS_FISCAL_YEAR,
};

#define KB_TYPE_ROOM_PAGE (kb_room_page_get_type ())
G_DECLARE_FINAL_TYPE (KbRoomPage, kb_room_page, KB, ROOM_PAGE, GtkBox)

GtkWidget  *kb_room_page_new            (KbStore    *store,
                                         KbStore    *reader,
                                         KbSession  *session);
void        kb_room_page_set_period     (KbRoomPage *self,
                                         guint       period);
GtkWidget  *kb_room_page_open_entry     (KbRoomPage *self);
GtkWidget  *kb_room_page_open_history   (KbRoomPage *self,
                                         guint       position);
GtkWidget  *kb_room_page_ask_leave      (KbRoomPage *self,
                                         guint       position);
void        kb_room_page_leave          (KbRoomPage *self,
                                         guint       position,
                                         gboolean    key_kept);
void        kb_room_page_return_key     (KbRoomPage *self,
                                         guint       position);
GListModel *kb_room_page_get_inside     (KbRoomPage *self);
GListModel *kb_room_page_get_keys_out   (KbRoomPage *self);
GListModel *kb_room_page_get_log        (KbRoomPage *self);
gboolean    kb_room_page_get_busy       (KbRoomPage *self);
gboolean    kb_room_page_get_refused    (KbRoomPage *self);

G_END_DECLS
