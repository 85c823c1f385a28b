/* kb-room-dialog.h
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

#define KB_TYPE_ROOM_DIALOG (kb_room_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbRoomDialog, kb_room_dialog, KB, ROOM_DIALOG, AdwWindow)

GtkWidget  *kb_room_dialog_new         (KbStore            *store,
                                        KbStore            *reader,
                                        KbSession          *session,
                                        const char * const *rooms);
void        kb_room_dialog_save        (KbRoomDialog       *self);
gboolean    kb_room_dialog_set_field   (KbRoomDialog       *self,
                                        const char         *field,
                                        const char         *text);
const char *kb_room_dialog_get_error   (KbRoomDialog       *self,
                                        const char         *field);
gboolean    kb_room_dialog_get_busy    (KbRoomDialog       *self);
gboolean    kb_room_dialog_get_ready   (KbRoomDialog       *self);

G_END_DECLS
