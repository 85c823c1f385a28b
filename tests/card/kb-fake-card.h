/* kb-fake-card.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A virtual contactless card that speaks the vsmartcard vpcd protocol to
 * the virtual reader driver on 127.0.0.1: connecting is inserting the card,
 * closing the socket is taking it out.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A: a MIFARE
 * Classic 1K as a PC/SC part 3 contactless reader reports it. */
extern const guint8 kb_fake_card_default_atr[20];

typedef struct _KbFakeCard KbFakeCard;

KbFakeCard *kb_fake_card_new              (guint16        port,
                                           const guint8  *uid,
                                           gsize          uid_len,
                                           const guint8  *atr,
                                           gsize          atr_len);
void        kb_fake_card_set_refuse_uid   (KbFakeCard    *card,
                                           gboolean       refuse);
void        kb_fake_card_set_uid_delay    (KbFakeCard    *card,
                                           guint          delay_ms);
gboolean    kb_fake_card_insert           (KbFakeCard    *card,
                                           GError       **error);
void        kb_fake_card_remove           (KbFakeCard    *card);
gboolean    kb_fake_card_is_inserted      (KbFakeCard    *card);
gint64      kb_fake_card_get_removed_time (KbFakeCard    *card);
guint       kb_fake_card_get_uid_requests (KbFakeCard    *card);
guint       kb_fake_card_get_atr_requests (KbFakeCard    *card);
void        kb_fake_card_free             (KbFakeCard    *card);

gboolean    kb_fake_card_parse_hex        (const char    *hex,
                                           GByteArray   **out,
                                           GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbFakeCard, kb_fake_card_free)

G_END_DECLS
