/* kb-bare-watcher.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The benchmarks' yardstick: a plain pthread with its own SCARDCONTEXT in a
 * SCardGetStatusChange() loop, no GLib main loop and nothing else, which
 * timestamps the insertions and removals it sees on one reader. Whatever
 * the application takes beyond it is the application's own.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KbBareWatcher KbBareWatcher;

KbBareWatcher *kb_bare_watcher_start            (const char    *reader);
void           kb_bare_watcher_get_counts       (KbBareWatcher *watcher,
                                                 guint         *insertions,
                                                 guint         *removals);
gint64         kb_bare_watcher_get_removal_time (KbBareWatcher *watcher,
                                                 guint          index);
gboolean       kb_bare_watcher_failed           (KbBareWatcher *watcher);
void           kb_bare_watcher_stop             (KbBareWatcher *watcher);

G_END_DECLS
