/* kb-backup-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_BACKUP_PAGE (kb_backup_page_get_type ())
G_DECLARE_FINAL_TYPE (KbBackupPage, kb_backup_page, KB, BACKUP_PAGE, GtkWidget)

GtkWidget  *kb_backup_page_new               (KbStore      *store,
                                              KbStore      *reader,
                                              KbSession    *session);
GListModel *kb_backup_page_get_model         (KbBackupPage *self);
gboolean    kb_backup_page_get_busy          (KbBackupPage *self);
const char *kb_backup_page_get_result        (KbBackupPage *self);
const char *kb_backup_page_get_view          (KbBackupPage *self);

/* The steps after the file chooser, for tests and screenshots. */
GtkWidget  *kb_backup_page_ask_passphrase    (KbBackupPage *self,
                                              const char   *what,
                                              GFile        *file);
void        kb_backup_page_back_up_to        (KbBackupPage *self,
                                              GFile        *file,
                                              const char   *passphrase);
void        kb_backup_page_verify_file       (KbBackupPage *self,
                                              GFile        *file,
                                              const char   *passphrase);
void        kb_backup_page_restore_from      (KbBackupPage *self,
                                              GFile        *file,
                                              const char   *passphrase);
GtkWidget  *kb_backup_page_open_set_passphrase (KbBackupPage *self);

G_END_DECLS
