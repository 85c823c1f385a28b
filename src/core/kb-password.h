/* kb-password.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Argon2id parameters for new hashes. They are stored with each hash, so
 * raising them later re-hashes at the next sign-in. */
#define KB_ARGON2_MEMORY_KIB 65536
#define KB_ARGON2_ITERATIONS 3
#define KB_ARGON2_PARALLELISM 4
#define KB_ARGON2_SALT_LEN 16
#define KB_ARGON2_TAG_LEN 32

char     *kb_password_hash   (const char  *password,
                              GError     **error);
gboolean  kb_password_verify (const char  *password,
                              const char  *encoded,
                              gboolean    *needs_rehash,
                              GError     **error);
void      kb_password_wipe   (char        *password);

G_END_DECLS
