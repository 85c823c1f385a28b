/* kb-auth.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sign-in: the card register, operators' passwords, lock-outs, and the
 * journal entries for every unlock, lock, refused card and failed password.
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"
#include "kb-records.h"
#include "kb-settings.h"

G_BEGIN_DECLS

#define KB_MAX_FAILED_ATTEMPTS 5
#define KB_FIELD_PASSWORD "password"

/**
 * KbCardVerdict:
 * What a card inserted at the lock screen means.
 */
typedef enum {
  KB_CARD_VERDICT_OK,
  KB_CARD_VERDICT_UNKNOWN,
  KB_CARD_VERDICT_REVOKED,
  KB_CARD_VERDICT_LOST,
  KB_CARD_VERDICT_RETURNED,
  KB_CARD_VERDICT_OPERATOR_RETIRED,
  KB_CARD_VERDICT_LOCKED_OUT,
  KB_CARD_VERDICT_NO_PASSWORD,
} KbCardVerdict;

typedef enum {
  KB_SIGNIN_OK,
  KB_SIGNIN_WRONG_PASSWORD,
  KB_SIGNIN_LOCKED_OUT,
} KbSigninResult;

typedef struct {
  KbCardVerdict verdict;
  KbOperator   *op;            /* owner, when the card is known */
  gint64        card_id;
  gboolean      must_change;
  int           attempts_left;
} KbCardCheck;

void           kb_card_check_free          (KbCardCheck   *check);
const char    *kb_card_verdict_message     (KbCardVerdict  verdict);

KbCardCheck   *kb_auth_check_card          (KbDb          *db,
                                            const char    *identity,
                                            GError       **error);
KbSigninResult kb_auth_sign_in             (KbDb          *db,
                                            gint64         operator_id,
                                            gint64         card_id,
                                            const char    *password,
                                            int           *attempts_left,
                                            gboolean      *must_change,
                                            GError       **error);
gboolean       kb_auth_journal_lock        (KbDb          *db,
                                            gint64         operator_id,
                                            const char    *reason,
                                            GError       **error);
gboolean       kb_auth_check_policy        (KbDb          *db,
                                            const char    *password,
                                            GError       **error);
gboolean       kb_auth_change_password     (KbDb          *db,
                                            gint64         operator_id,
                                            const char    *old_password,
                                            const char    *new_password,
                                            GError       **error);
gboolean       kb_auth_reset_password      (KbDb          *db,
                                            gint64         operator_id,
                                            const char    *temporary_password,
                                            const char    *reason,
                                            GError       **error);
gboolean       kb_auth_set_initial_password (KbDb         *db,
                                            gint64         operator_id,
                                            const char    *password,
                                            gboolean       must_change,
                                            GError       **error);
gboolean       kb_auth_set_password_hash   (KbDb          *db,
                                            gint64         operator_id,
                                            const char    *hash,
                                            gboolean       must_change,
                                            GError       **error);
gboolean       kb_auth_release_lockout     (KbDb          *db,
                                            gint64         operator_id,
                                            const char    *reason,
                                            GError       **error);
gboolean       kb_auth_needs_bootstrap     (KbDb          *db,
                                            GError       **error);
gint64         kb_auth_bootstrap           (KbDb          *db,
                                            const char    *division_name,
                                            KbOperator    *op,
                                            const char    *password,
                                            const char    *card_identity,
                                            const char    *card_atr,
                                            gboolean       card_has_uid,
                                            GError       **error);

/* The card register. */
#define KB_TYPE_CARD_RECORD (kb_card_record_get_type ())
G_DECLARE_FINAL_TYPE (KbCardRecord, kb_card_record, KB, CARD_RECORD, GObject)

gint64      kb_card_record_get_id            (KbCardRecord *self);
gint64      kb_card_record_get_operator_id   (KbCardRecord *self);
const char *kb_card_record_get_operator_name (KbCardRecord *self);
const char *kb_card_record_get_status        (KbCardRecord *self);
const char *kb_card_record_get_issued_at     (KbCardRecord *self);
const char *kb_card_record_get_returned_at   (KbCardRecord *self);
const char *kb_card_record_get_revoked_at    (KbCardRecord *self);
const char *kb_card_record_get_identity      (KbCardRecord *self);
gboolean    kb_card_record_get_has_uid       (KbCardRecord *self);

const char *kb_card_status_label  (const char  *status);
gint64      kb_cards_issue        (KbDb        *db,
                                   gint64       operator_id,
                                   const char  *identity,
                                   const char  *atr_hex,
                                   gboolean     has_uid,
                                   GError     **error);
gboolean    kb_cards_set_status   (KbDb        *db,
                                   gint64       card_id,
                                   const char  *status,
                                   const char  *reason,
                                   GError     **error);
gboolean    kb_cards_held_by      (KbDb        *db,
                                   gint64       operator_id,
                                   GError     **error);
GListModel *kb_cards_list         (KbDb        *db,
                                   GError     **error);

G_END_DECLS
