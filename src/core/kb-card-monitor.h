/* kb-card-monitor.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * KbCardState:
 * @KB_CARD_STATE_STARTING: the monitor has not looked yet (or was stopped)
 * @KB_CARD_STATE_NO_SERVICE: the PC/SC service (pcscd) is not running
 * @KB_CARD_STATE_NO_READER: no usable card reader is attached
 * @KB_CARD_STATE_ABSENT: a reader is attached and empty
 * @KB_CARD_STATE_PRESENT: a card is in a reader and was identified
 * @KB_CARD_STATE_ERROR: anything else went wrong; see
 *   kb_card_monitor_get_message()
 *
 * What the monitor knows. Only %KB_CARD_STATE_PRESENT means a card is there;
 * every other state is "no card".
 */
typedef enum {
  KB_CARD_STATE_STARTING,
  KB_CARD_STATE_NO_SERVICE,
  KB_CARD_STATE_NO_READER,
  KB_CARD_STATE_ABSENT,
  KB_CARD_STATE_PRESENT,
  KB_CARD_STATE_ERROR,
} KbCardState;

#define KB_TYPE_CARD (kb_card_get_type ())
G_DECLARE_FINAL_TYPE (KbCard, kb_card, KB, CARD, GObject)

const char *kb_card_get_reader    (KbCard       *self);
GBytes     *kb_card_get_atr       (KbCard       *self);
GBytes     *kb_card_get_uid       (KbCard       *self);
gboolean    kb_card_has_uid       (KbCard       *self);
guint64     kb_card_get_serial    (KbCard       *self);
gint64      kb_card_get_seen_time (KbCard       *self);
char       *kb_card_get_identity  (KbCard       *self,
                                   const guint8 *salt,
                                   gsize         salt_len);

#define KB_TYPE_CARD_MONITOR (kb_card_monitor_get_type ())
G_DECLARE_FINAL_TYPE (KbCardMonitor, kb_card_monitor, KB, CARD_MONITOR, GObject)

KbCardMonitor *kb_card_monitor_new         (gboolean       accept_virtual);
void           kb_card_monitor_start       (KbCardMonitor *self);
void           kb_card_monitor_stop        (KbCardMonitor *self);
KbCardState    kb_card_monitor_get_state   (KbCardMonitor *self);
const char    *kb_card_monitor_get_message (KbCardMonitor *self);
KbCard        *kb_card_monitor_get_card    (KbCardMonitor *self);

G_END_DECLS
