/* kb-error.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KB_STORE_ERROR (kb_store_error_quark ())
#define KB_FIELD_ERROR (kb_field_error_quark ())

/**
 * KbStoreError:
 * Errors about the database file and its contents as a whole.
 */
typedef enum {
  KB_STORE_ERROR_FAILED,
  KB_STORE_ERROR_NOT_A_DATABASE,
  KB_STORE_ERROR_CORRUPT,
  KB_STORE_ERROR_TOO_NEW,
  KB_STORE_ERROR_FOREIGN,
  KB_STORE_ERROR_READ_ONLY,
  KB_STORE_ERROR_FULL,
  KB_STORE_ERROR_BUSY,
  KB_STORE_ERROR_NOT_FOUND,
  KB_STORE_ERROR_REFUSED,
  KB_STORE_ERROR_TAMPERED,
  KB_STORE_ERROR_CLOSED,
} KbStoreError;

/**
 * KbFieldError:
 * A value the user typed is not acceptable. The error names the field
 * (kb_field_error_get_field()) so that the form can show it in place.
 */
typedef enum {
  KB_FIELD_ERROR_EMPTY,
  KB_FIELD_ERROR_TOO_LONG,
  KB_FIELD_ERROR_CONTROL_CHARS,
  KB_FIELD_ERROR_DUPLICATE,
  KB_FIELD_ERROR_INVALID,
} KbFieldError;

GQuark      kb_store_error_quark     (void);
GQuark      kb_field_error_quark     (void);

void        kb_set_field_error       (GError     **error,
                                      const char  *field,
                                      KbFieldError code,
                                      const char  *format,
                                      ...) G_GNUC_PRINTF (4, 5);
const char *kb_field_error_get_field (const GError *error);

G_END_DECLS
