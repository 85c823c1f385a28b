/* kb-admin.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The administration registers: divisions, operators, terminals and the
 * approved business tasks. Every change is validated, made and journaled in
 * one transaction; a failure leaves the database as it was.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"

G_BEGIN_DECLS

/* Field names used in KB_FIELD_ERROR errors. */
#define KB_FIELD_NAME          "name"
#define KB_FIELD_STAFF_NUMBER  "staff-number"
#define KB_FIELD_KANA          "kana"
#define KB_FIELD_DIVISION      "division"
#define KB_FIELD_ROLES         "roles"
#define KB_FIELD_CODE          "code"
#define KB_FIELD_LOCATION      "location"
#define KB_FIELD_DESCRIPTION   "description"
#define KB_FIELD_DIVISIONS     "divisions"
#define KB_FIELD_REASON        "reason"

/* Limits, in characters. */
#define KB_MAX_NAME         60
#define KB_MAX_STAFF_NUMBER 16
#define KB_MAX_CODE         16
#define KB_MAX_LOCATION     100
#define KB_MAX_DESCRIPTION  400
#define KB_MAX_REASON       400

char       *kb_validate_text         (const char   *field,
                                      const char   *value,
                                      guint         max_chars,
                                      gboolean      required,
                                      gboolean      multiline,
                                      GError      **error);

gint64      kb_admin_save_division   (KbDb         *db,
                                      KbDivision   *division,
                                      const char   *reason,
                                      GError      **error);
gint64      kb_admin_save_operator   (KbDb         *db,
                                      KbOperator   *op,
                                      const char   *reason,
                                      GError      **error);
gint64      kb_admin_save_terminal   (KbDb         *db,
                                      KbTerminal   *terminal,
                                      const char   *reason,
                                      GError      **error);
gint64      kb_admin_save_task       (KbDb         *db,
                                      KbTask       *task,
                                      const char   *reason,
                                      GError      **error);
gboolean    kb_admin_set_active      (KbDb         *db,
                                      const char   *entity,
                                      gint64        id,
                                      gboolean      active,
                                      const char   *reason,
                                      GError      **error);

GListModel *kb_admin_list_divisions  (KbDb         *db,
                                      GError      **error);
GListModel *kb_admin_list_operators  (KbDb         *db,
                                      GError      **error);
GListModel *kb_admin_list_terminals  (KbDb         *db,
                                      GError      **error);
GListModel *kb_admin_list_tasks      (KbDb         *db,
                                      GError      **error);

gboolean    kb_admin_require_role    (KbDb         *db,
                                      KbRoles       roles,
                                      GError      **error);

/* The demo office's password, and the UID of each demo operator's card:
 * the first 7 bytes of SHA-256 ("kanribo-demo-card:" + staff number). */
#define KB_DEMO_PASSWORD "kanribo-demo"

gboolean    kb_demo_seed             (KbDb         *db,
                                      GError      **error);
gboolean    kb_demo_seed_usage       (KbDb         *db,
                                      GDateTime    *until,
                                      GError      **error);
gboolean    kb_demo_seed_assets      (KbDb         *db,
                                      GDateTime    *now,
                                      GError      **error);
gboolean    kb_demo_seed_room        (KbDb         *db,
                                      GDateTime    *now,
                                      GError      **error);
/* The demo office's backup passphrase, set by N1001 (security officer). */
#define KB_DEMO_BACKUP_PASSPHRASE "kanribo-demo-backup"
gboolean    kb_demo_seed_backup      (KbDb         *db,
                                      GError      **error);
gboolean    kb_demo_seed_audits      (KbDb         *db,
                                      GDateTime    *now,
                                      GError      **error);
gboolean    kb_demo_seed_training    (KbDb         *db,
                                      GDateTime    *now,
                                      GError      **error);
void        kb_demo_card_uid         (const char   *staff_number,
                                      guint8        uid[7]);

G_END_DECLS
