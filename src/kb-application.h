/* kb-application.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-store.h"

G_BEGIN_DECLS

#define KB_TYPE_APPLICATION (kb_application_get_type ())
G_DECLARE_FINAL_TYPE (KbApplication, kb_application, KB, APPLICATION, AdwApplication)

KbApplication *kb_application_new              (void);
const char    *kb_application_get_database     (KbApplication *self);
void           kb_application_set_database     (KbApplication *self,
                                                const char    *path);
GSettings     *kb_application_get_settings     (KbApplication *self);
char          *kb_application_get_terminal     (KbApplication *self);
void           kb_application_set_terminal     (KbApplication *self,
                                                const char    *code);
char          *kb_default_database_path        (void);

G_END_DECLS
