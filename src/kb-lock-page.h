/* kb-lock-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"

G_BEGIN_DECLS

#define KB_TYPE_LOCK_PAGE (kb_lock_page_get_type ())
G_DECLARE_FINAL_TYPE (KbLockPage, kb_lock_page, KB, LOCK_PAGE, GtkWidget)

GtkWidget  *kb_lock_page_new       (KbSession  *session);
const char *kb_lock_page_get_title (KbLockPage *self);
void        kb_lock_page_set_password (KbLockPage *self,
                                       const char *password);
void        kb_lock_page_change_password (KbLockPage *self,
                                          const char *old_password,
                                          const char *new_password,
                                          const char *again);
void        kb_lock_page_bootstrap    (KbLockPage *self,
                                       const char *division,
                                       const char *staff_number,
                                       const char *name,
                                       const char *kana,
                                       const char *password,
                                       const char *again);
const char *kb_lock_page_get_error    (KbLockPage *self);

G_END_DECLS
