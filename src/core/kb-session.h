/* kb-session.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kb-card-monitor.h"
#include "kb-records.h"
#include "kb-store.h"

G_BEGIN_DECLS

/**
 * KbSessionState:
 * @KB_SESSION_STARTING: the database or the card service is starting
 * @KB_SESSION_NO_SERVICE: pcscd is not running (see the message)
 * @KB_SESSION_NO_READER: no card reader (see the message)
 * @KB_SESSION_INSERT_CARD: waiting for a card
 * @KB_SESSION_CHECKING_CARD: looking the inserted card up
 * @KB_SESSION_REFUSED: the card may not sign in (see the message)
 * @KB_SESSION_PASSWORD: the card's operator is asked for their password
 * @KB_SESSION_VERIFYING: checking the password
 * @KB_SESSION_CHANGE_PASSWORD: the password must be changed first
 * @KB_SESSION_BOOTSTRAP: a new database: create the first security officer
 * @KB_SESSION_ISSUE_CARD: a security officer is issuing a card: waiting for it
 * @KB_SESSION_CARD_ISSUED: the card was issued (or refused): remove it
 * @KB_SESSION_UNLOCKED: signed in; the registers are shown
 *
 * Every state but %KB_SESSION_UNLOCKED shows nothing of any register.
 */
typedef enum {
  KB_SESSION_STARTING,
  KB_SESSION_NO_SERVICE,
  KB_SESSION_NO_READER,
  KB_SESSION_INSERT_CARD,
  KB_SESSION_CHECKING_CARD,
  KB_SESSION_REFUSED,
  KB_SESSION_PASSWORD,
  KB_SESSION_VERIFYING,
  KB_SESSION_CHANGE_PASSWORD,
  KB_SESSION_BOOTSTRAP,
  KB_SESSION_ISSUE_CARD,
  KB_SESSION_CARD_ISSUED,
  KB_SESSION_UNLOCKED,
} KbSessionState;

#define KB_TYPE_SESSION (kb_session_get_type ())
G_DECLARE_FINAL_TYPE (KbSession, kb_session, KB, SESSION, GObject)

KbSession      *kb_session_new                (KbStore        *store,
                                               KbCardMonitor  *monitor,
                                               const char     *terminal);
void            kb_session_start              (KbSession      *self);
KbSessionState  kb_session_get_state          (KbSession      *self);
const char     *kb_session_get_message        (KbSession      *self);
KbOperator     *kb_session_get_operator       (KbSession      *self);
gboolean        kb_session_has_role           (KbSession      *self,
                                               KbRoles         roles);
const char     *kb_session_get_lock_reason    (KbSession      *self);
gint64          kb_session_get_locked_time    (KbSession      *self);

void            kb_session_submit_password    (KbSession      *self,
                                               const char     *password);
void            kb_session_change_password    (KbSession      *self,
                                               const char     *old_password,
                                               const char     *new_password);
void            kb_session_lock               (KbSession      *self,
                                               const char     *reason);
void            kb_session_activity           (KbSession      *self);
void            kb_session_set_idle_seconds   (KbSession      *self,
                                               guint           seconds);
void            kb_session_bootstrap          (KbSession      *self,
                                               const char     *division_name,
                                               KbOperator     *op,
                                               const char     *password);
void            kb_session_issue_card         (KbSession      *self,
                                               KbOperator     *op);
void            kb_session_cancel_issue       (KbSession      *self);
gboolean        kb_session_get_card_present   (KbSession      *self);
const char     *kb_session_get_usage_error    (KbSession      *self);
const char     *kb_session_get_training_warning (KbSession    *self);
const char     *kb_session_get_terminal       (KbSession      *self);
const char     *kb_session_get_field_error    (KbSession      *self,
                                               const char     *field);

G_END_DECLS
