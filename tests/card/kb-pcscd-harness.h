/* kb-pcscd-harness.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private pcscd for the card tests: `pcscd -f -c DIR`, where DIR holds one
 * vpcd reader ("Virtual PCD") on a port of the test's choosing. pcscd 1.9.9
 * always serves /run/pcscd/pcscd.comm, so only one can run at a time: the
 * harness refuses to start when another pcscd serves it.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _KbPcscdHarness KbPcscdHarness;

KbPcscdHarness *kb_pcscd_harness_new          (guint16          port,
                                               GError         **error);
gboolean        kb_pcscd_harness_start        (KbPcscdHarness  *harness,
                                               GError         **error);
gboolean        kb_pcscd_harness_start_when_free (KbPcscdHarness *harness,
                                                  guint           wait_s,
                                                  GError        **error);
void            kb_pcscd_harness_stop         (KbPcscdHarness  *harness);
void            kb_pcscd_harness_kill         (KbPcscdHarness  *harness);
gboolean        kb_pcscd_harness_restart      (KbPcscdHarness  *harness,
                                               GError         **error);
gboolean        kb_pcscd_harness_is_running   (KbPcscdHarness  *harness);
gboolean        kb_pcscd_harness_wait_empty   (KbPcscdHarness  *harness,
                                               guint            slot,
                                               guint            timeout_ms);
guint16         kb_pcscd_harness_get_port     (KbPcscdHarness  *harness);
const char     *kb_pcscd_harness_get_reader   (KbPcscdHarness  *harness,
                                               guint            slot);
const char     *kb_pcscd_harness_get_log_path (KbPcscdHarness  *harness);
void            kb_pcscd_harness_free         (KbPcscdHarness  *harness);

gboolean        kb_pcscd_harness_error_is_skip (const GError   *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbPcscdHarness, kb_pcscd_harness_free)

G_END_DECLS
