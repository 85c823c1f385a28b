/* kb-canon.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The canonical payload: a flat JSON object whose keys come in a fixed order
 * and whose values are written one way only (integers in decimal, text with
 * a fixed set of escapes), so that the same row always gives the same bytes.
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct {
  GString *str;
  gboolean first;
} KbCanon;

void   kb_canon_init        (KbCanon    *canon,
                             GString    *buffer);
void   kb_canon_add_string  (KbCanon    *canon,
                             const char *key,
                             const char *value);
void   kb_canon_add_int     (KbCanon    *canon,
                             const char *key,
                             gint64      value);
void   kb_canon_add_null    (KbCanon    *canon,
                             const char *key);
void   kb_canon_finish      (KbCanon    *canon);
void   kb_canon_row         (GString      *buffer,
                             sqlite3_stmt *stmt);

/* Reading a canonical object back (for showing history). Values are
 * returned as display text: strings unescaped, numbers as written, null as
 * NULL. */
GHashTable *kb_canon_parse  (const char *text,
                             GPtrArray **keys_out);

G_END_DECLS
