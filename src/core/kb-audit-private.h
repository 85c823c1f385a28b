/* kb-audit-private.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What kb-audit.c shares with the demo office and the tests: the clock
 * that closing times and resolutions are stamped with. Not for the UI.
 */

#pragma once

#include "kb-audit.h"

G_BEGIN_DECLS

/* Unix seconds the audit register takes as "now" (closed_at, resolved_at),
 * or 0 for the real clock. Set it only on the thread that owns the
 * connection, and set it back. */
void      kb_audit_set_clock      (gint64 now);

G_END_DECLS
