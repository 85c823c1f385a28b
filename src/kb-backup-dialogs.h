/* kb-backup-dialogs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-backup.h"

G_BEGIN_DECLS

char      *kb_backup_format_time                      (gint64        unix_time);
char      *kb_backup_format_date                      (gint64        unix_time);
char      *kb_backup_describe_error                   (const GError *error);

GtkWidget *kb_backup_message                          (GtkWindow    *parent,
                                                       const char   *heading,
                                                       const char   *body);

GtkWidget *kb_backup_progress_dialog_new              (GtkWindow    *parent,
                                                       const char   *heading,
                                                       const char   *path);
void       kb_backup_progress_dialog_set              (GtkWidget    *dialog,
                                                       gint64        done,
                                                       gint64        total);

GtkWidget *kb_backup_passphrase_dialog_new            (GtkWindow    *parent,
                                                       const char   *what,
                                                       GFile        *file);
void       kb_backup_passphrase_dialog_set_error      (GtkWidget    *dialog,
                                                       const char   *text);
char      *kb_backup_passphrase_dialog_take           (GtkWidget    *dialog);

GtkWidget *kb_backup_set_passphrase_dialog_new        (GtkWindow    *parent,
                                                       gboolean      has_current);
void       kb_backup_set_passphrase_dialog_set_error  (GtkWidget    *dialog,
                                                       const char   *field,
                                                       const char   *text);
void       kb_backup_set_passphrase_dialog_take       (GtkWidget    *dialog,
                                                       char        **current,
                                                       char        **passphrase);

void       kb_backup_dialog_set_text                  (GtkWidget    *dialog,
                                                       const char   *field,
                                                       const char   *text);

GtkWidget *kb_backup_result_dialog_new                (GtkWindow    *parent,
                                                       GFile        *file,
                                                       const KbBackupInfo *info,
                                                       const GError *error);
GtkWidget *kb_backup_restore_dialog_new               (GtkWindow    *parent,
                                                       GFile        *file,
                                                       const KbBackupInfo *info,
                                                       const char   *database_path);

G_END_DECLS
