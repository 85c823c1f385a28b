/* kb-form.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Errors at the field for the register forms: each form keeps its rows
 * (AdwActionRow) in a table by field name (KB_FIELD_*), and a message
 * label for errors that name no field.
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void        kb_form_clear_errors  (GHashTable   *rows,
                                   GtkLabel     *message);
void        kb_form_show_error    (GHashTable   *rows,
                                   GtkLabel     *message,
                                   const GError *error);
void        kb_form_show_error_at (GtkWidget    *row,
                                   GtkLabel     *message,
                                   const GError *error);
const char *kb_form_get_error     (GtkWidget    *row);

G_END_DECLS
