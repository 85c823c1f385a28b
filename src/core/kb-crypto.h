/* kb-crypto.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KB_SHA256_LEN 32

gboolean kb_crypto_init   (GError      **error);
void     kb_sha256        (const void   *data,
                           gsize         len,
                           guint8        out[KB_SHA256_LEN]);
char    *kb_hex_encode    (const guint8 *data,
                           gsize         len);
char    *kb_card_identity_compute (const guint8 *salt,
                                   gsize         salt_len,
                                   gboolean      is_uid,
                                   const guint8 *data,
                                   gsize         len);

G_END_DECLS
