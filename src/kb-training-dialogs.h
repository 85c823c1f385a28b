/* kb-training-dialogs.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"
#include "kb-training.h"

G_BEGIN_DECLS

/* Scheduling a session. */
#define KB_TYPE_TRAINING_DIALOG (kb_training_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbTrainingDialog, kb_training_dialog, KB, TRAINING_DIALOG, AdwWindow)

GtkWidget  *kb_training_dialog_new         (KbStore          *store,
                                            KbStore          *reader,
                                            KbSession        *session);
void        kb_training_dialog_save        (KbTrainingDialog *self);
gboolean    kb_training_dialog_set_field   (KbTrainingDialog *self,
                                            const char       *field,
                                            const char       *text);
const char *kb_training_dialog_get_error   (KbTrainingDialog *self,
                                            const char       *field);
gboolean    kb_training_dialog_get_busy    (KbTrainingDialog *self);
gboolean    kb_training_dialog_get_ready   (KbTrainingDialog *self);

/* Inviting people to a session. */
typedef enum {
  KB_INVITE_AUDIENCE,
  KB_INVITE_DIVISION,
  KB_INVITE_NAMED,
} KbInviteChoice;

#define KB_TYPE_INVITE_DIALOG (kb_invite_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbInviteDialog, kb_invite_dialog, KB, INVITE_DIALOG, AdwWindow)

GtkWidget  *kb_invite_dialog_new           (KbStore        *store,
                                            KbStore        *reader,
                                            KbTraining     *training);
void        kb_invite_dialog_set_choice    (KbInviteDialog *self,
                                            KbInviteChoice  choice);
gboolean    kb_invite_dialog_set_division  (KbInviteDialog *self,
                                            const char     *name);
gboolean    kb_invite_dialog_check         (KbInviteDialog *self,
                                            const char     *staff_number,
                                            gboolean        checked);
void        kb_invite_dialog_set_search    (KbInviteDialog *self,
                                            const char     *text);
void        kb_invite_dialog_invite        (KbInviteDialog *self);
const char *kb_invite_dialog_get_message   (KbInviteDialog *self);
gboolean    kb_invite_dialog_get_busy      (KbInviteDialog *self);
gboolean    kb_invite_dialog_get_ready     (KbInviteDialog *self);

/* The enforcement of training at sign-in (security officers). */
#define KB_TYPE_TRAINING_POLICY_DIALOG (kb_training_policy_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KbTrainingPolicyDialog, kb_training_policy_dialog, KB,
                      TRAINING_POLICY_DIALOG, AdwWindow)

GtkWidget  *kb_training_policy_dialog_new  (KbStore                *store);
void        kb_training_policy_dialog_set  (KbTrainingPolicyDialog *self,
                                            KbTrainingPolicyMode    mode,
                                            int                     grace_month,
                                            int                     grace_day);
void        kb_training_policy_dialog_save (KbTrainingPolicyDialog *self);
const char *kb_training_policy_dialog_get_error (KbTrainingPolicyDialog *self);
gboolean    kb_training_policy_dialog_get_busy  (KbTrainingPolicyDialog *self);
gboolean    kb_training_policy_dialog_get_ready (KbTrainingPolicyDialog *self);

/* Cancelling a session, with a reason. */
GtkWidget  *kb_training_cancel_dialog_new  (GtkWindow  *parent,
                                            KbStore    *store,
                                            KbTraining *training);

G_END_DECLS
