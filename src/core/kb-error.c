/* kb-error.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-error.h"

G_DEFINE_QUARK (kb-store-error-quark, kb_store_error)

/* Field errors carry the name of the field they are about, so that a form
 * can put the message under the right entry without parsing text. */
typedef struct {
  char *field;
} KbFieldErrorPrivate;

static void
kb_field_error_private_init (KbFieldErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
kb_field_error_private_copy (const KbFieldErrorPrivate *src,
                             KbFieldErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
}

static void
kb_field_error_private_clear (KbFieldErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (KbFieldError, kb_field_error)

void
kb_set_field_error (GError     **error,
                    const char  *field,
                    KbFieldError code,
                    const char  *format,
                    ...)
{
  g_autofree char *message = NULL;
  KbFieldErrorPrivate *priv;
  GError *local;
  va_list args;

  g_return_if_fail (field != NULL);

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  local = g_error_new_literal (KB_FIELD_ERROR, code, message);
  priv = kb_field_error_get_private (local);
  priv->field = g_strdup (field);
  g_propagate_error (error, local);
}

/**
 * kb_field_error_get_field:
 * @error: a #GError
 *
 * Returns: (nullable): the field a %KB_FIELD_ERROR is about, or %NULL when
 *   @error is of another domain.
 */
const char *
kb_field_error_get_field (const GError *error)
{
  KbFieldErrorPrivate *priv;

  if (error == NULL || error->domain != KB_FIELD_ERROR)
    return NULL;

  priv = kb_field_error_get_private (error);
  return priv != NULL ? priv->field : NULL;
}
