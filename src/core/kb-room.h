/* kb-room.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The equipment-room entry log (入退室管理): who went into a room where
 * Juki-Net equipment stands, why, escorted by whom, when they came out,
 * and the key they were given and gave back.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"

G_BEGIN_DECLS

#define KB_FIELD_ROOM          "room"
#define KB_FIELD_PERSON        "person"
#define KB_FIELD_VISITOR_NAME  "visitor-name"
#define KB_FIELD_VISITOR_ORG   "visitor-org"
#define KB_FIELD_PURPOSE       "purpose"
#define KB_FIELD_ENTERED       "entered"
#define KB_FIELD_LEFT          "left"
#define KB_FIELD_ESCORT        "escort"
#define KB_FIELD_KEY           "key"
#define KB_FIELD_RETURNED      "returned"   /* the time a key came back */

/* Limits, in characters. A visitor's name is as long as an operator's
 * (KB_MAX_NAME); an organisation as long as a location. */
#define KB_ROOM_MAX_ROOM    60
#define KB_ROOM_MAX_PURPOSE 200
#define KB_ROOM_MAX_ORG     100
#define KB_ROOM_MAX_KEY     40

/* Who keeps the log, and who may read it. */
#define KB_ROLES_ROOM_KEEPERS  (KB_ROLES_OFFICERS | KB_ROLE_NETWORK_ADMINISTRATOR)
#define KB_ROLES_ROOM_READERS  (KB_ROLES_ROOM_KEEPERS | KB_ROLE_AUDITOR)

#define KB_TYPE_ROOM_ENTRY (kb_room_entry_get_type ())
G_DECLARE_FINAL_TYPE (KbRoomEntry, kb_room_entry, KB, ROOM_ENTRY, GObject)

gint64      kb_room_entry_get_id              (KbRoomEntry *self);
const char *kb_room_entry_get_room            (KbRoomEntry *self);
gint64      kb_room_entry_get_operator_id     (KbRoomEntry *self);  /* 0: a visitor */
/* The operator's name, or the visitor's. */
const char *kb_room_entry_get_person_name     (KbRoomEntry *self);
const char *kb_room_entry_get_organisation    (KbRoomEntry *self);  /* visitor's, or the operator's division */
gboolean    kb_room_entry_is_visitor          (KbRoomEntry *self);
const char *kb_room_entry_get_purpose         (KbRoomEntry *self);
gint64      kb_room_entry_get_entered_at      (KbRoomEntry *self);
gint64      kb_room_entry_get_left_at         (KbRoomEntry *self);  /* 0: still inside */
gint64      kb_room_entry_get_escort_id       (KbRoomEntry *self);
const char *kb_room_entry_get_escort_name     (KbRoomEntry *self);
const char *kb_room_entry_get_key_label       (KbRoomEntry *self);  /* NULL: no key */
gint64      kb_room_entry_get_key_returned_at (KbRoomEntry *self);
gboolean    kb_room_entry_get_inside          (KbRoomEntry *self);
gboolean    kb_room_entry_get_key_out         (KbRoomEntry *self);

/* Strings as typed, validated here (KB_FIELD_ERROR names the field).
 * Exactly one of @operator_id and @visitor_name; a visitor needs an
 * organisation and an escort (an operator, not the person); nobody can be
 * inside the same room twice; a key can be out to one person at a time.
 * @entered: "HH:MM" today or "YYYY-MM-DD HH:MM" (local time); NULL: now,
 * and never in the future.
 *
 * Keepers (KB_ROLES_ROOM_KEEPERS) write, readers (KB_ROLES_ROOM_READERS)
 * read; anyone else is refused with KB_STORE_ERROR_REFUSED. Visitors are
 * the same person when their name and organisation are (compared after
 * NFKC, so full-width letters and U+3000 do not make a second person).
 * Key labels are a room's own: "鍵1" of two rooms are two keys. Each
 * change is journaled ("room.enter", "room.leave", "room.key-return",
 * entity "room") in the transaction that makes it. */
typedef struct {
  const char *room;
  gint64      operator_id;
  const char *visitor_name;
  const char *visitor_org;
  const char *purpose;
  const char *entered;
  gint64      escort_id;
  const char *key_label;      /* NULL or "": no key issued */
} KbRoomEntryChange;

gint64      kb_room_enter        (KbDb                    *db,
                                  const KbRoomEntryChange *change,
                                  GError                 **error);
/* @at as for @entered; NULL: now. Leaving also returns the key unless
 * @key_kept (it is then returned later with kb_room_return_key). */
gboolean    kb_room_leave        (KbDb        *db,
                                  gint64       entry_id,
                                  const char  *at,
                                  gboolean     key_kept,
                                  GError     **error);
gboolean    kb_room_return_key   (KbDb        *db,
                                  gint64       entry_id,
                                  const char  *at,
                                  GError     **error);

/* People still inside and keys still out come first, then the rest of the
 * period newest first. @from/@to are Unix seconds (0: unbounded). */
GListModel *kb_room_list         (KbDb        *db,
                                  gint64       from,
                                  gint64       to,
                                  GError     **error);
/* The rooms named before, for the entry form's suggestions. */
GStrv       kb_room_names        (KbDb        *db,
                                  GError     **error);

G_END_DECLS
