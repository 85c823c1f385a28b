/* kb-password.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Operators' passwords, hashed with Argon2id through libgcrypt 1.10's KDF
 * interface and stored in the PHC string format:
 *   $argon2id$v=19$m=65536,t=3,p=4$<salt>$<tag>   (unpadded base64)
 * Derived tags live in secure memory and are wiped after use.
 */

#include "config.h"

#include <string.h>

#include <gcrypt.h>
#include <glib/gi18n-lib.h>

#include "kb-crypto.h"
#include "kb-error.h"
#include "kb-password.h"

typedef struct {
  unsigned long memory_kib;
  unsigned long iterations;
  unsigned long parallelism;
  guint8 salt[64];
  gsize salt_len;
  guint8 tag[64];
  gsize tag_len;
} Params;

void
kb_password_wipe (char *password)
{
  if (password != NULL)
    explicit_bzero (password, strlen (password));
}

static gboolean
derive (const char   *password,
        const Params *p,
        guint8       *out,
        GError      **error)
{
  unsigned long param[4] = { p->tag_len, p->iterations, p->memory_kib, p->parallelism };
  gcry_kdf_hd_t hd = NULL;
  gcry_error_t err;

  err = gcry_kdf_open (&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, param, 4,
                       password, strlen (password), p->salt, p->salt_len,
                       NULL, 0, NULL, 0);
  if (err == 0)
    err = gcry_kdf_compute (hd, NULL);
  if (err == 0)
    err = gcry_kdf_final (hd, p->tag_len, out);
  if (hd != NULL)
    gcry_kdf_close (hd);

  if (err != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                   _("Cannot compute the password hash: %s"), gcry_strerror (err));
      return FALSE;
    }
  return TRUE;
}

static char *
b64 (const guint8 *data,
     gsize         len)
{
  char *text = g_base64_encode (data, len);
  char *eq = strchr (text, '=');

  if (eq != NULL)
    *eq = '\0';
  return text;
}

static gboolean
unb64 (const char *text,
       guint8     *out,
       gsize       max,
       gsize      *len)
{
  gsize n = strlen (text);
  g_autofree char *padded = NULL;
  g_autofree guchar *data = NULL;
  gsize data_len;

  if (n == 0 || n > 200)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return FALSE;

  padded = g_strnfill (n + (4 - n % 4) % 4, '=');
  memcpy (padded, text, n);
  data = g_base64_decode (padded, &data_len);
  if (data_len == 0 || data_len > max)
    return FALSE;
  memcpy (out, data, data_len);
  *len = data_len;
  return TRUE;
}

static gboolean
parse (const char *encoded,
       Params     *p)
{
  g_auto(GStrv) parts = NULL;
  unsigned long version;

  if (encoded == NULL)
    return FALSE;
  parts = g_strsplit (encoded, "$", -1);
  /* "", "argon2id", "v=19", "m=…,t=…,p=…", salt, tag */
  if (g_strv_length (parts) != 6 || parts[0][0] != '\0' ||
      g_strcmp0 (parts[1], "argon2id") != 0)
    return FALSE;
  if (sscanf (parts[2], "v=%lu", &version) != 1 || version != 19)
    return FALSE;
  /* Bounded so that a hash edited behind our back cannot make a sign-in
   * take minutes or exhaust memory: 1 GiB, 20 passes, 16 lanes at most. */
  {
    int consumed = 0;

    if (sscanf (parts[3], "m=%lu,t=%lu,p=%lu%n", &p->memory_kib, &p->iterations,
                &p->parallelism, &consumed) != 3 || parts[3][consumed] != '\0' ||
        p->memory_kib < 8 * p->parallelism || p->memory_kib > 1024 * 1024 ||
        p->iterations < 1 || p->iterations > 20 ||
        p->parallelism < 1 || p->parallelism > 16)
      return FALSE;
  }
  return unb64 (parts[4], p->salt, sizeof p->salt, &p->salt_len) && p->salt_len >= 8 &&
         unb64 (parts[5], p->tag, sizeof p->tag, &p->tag_len) && p->tag_len >= 16;
}

/**
 * kb_password_hash:
 * @password: the new password
 *
 * Returns: (transfer full) (nullable): the PHC-format Argon2id hash
 */
char *
kb_password_hash (const char  *password,
                  GError     **error)
{
  Params p = { KB_ARGON2_MEMORY_KIB, KB_ARGON2_ITERATIONS, KB_ARGON2_PARALLELISM };
  g_autofree char *salt = NULL;
  g_autofree char *tag = NULL;
  guint8 *secure;
  char *result;

  g_return_val_if_fail (password != NULL, NULL);

  if (!kb_crypto_init (error))
    return NULL;

  p.salt_len = KB_ARGON2_SALT_LEN;
  p.tag_len = KB_ARGON2_TAG_LEN;
  gcry_randomize (p.salt, p.salt_len, GCRY_STRONG_RANDOM);

  secure = gcry_malloc_secure (p.tag_len);
  if (secure == NULL || !derive (password, &p, secure, error))
    {
      if (secure == NULL)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED, _("Out of secure memory"));
      gcry_free (secure);
      return NULL;
    }

  salt = b64 (p.salt, p.salt_len);
  tag = b64 (secure, p.tag_len);
  gcry_free (secure);   /* libgcrypt wipes secure memory when freeing it */
  result = g_strdup_printf ("$argon2id$v=19$m=%lu,t=%lu,p=%lu$%s$%s",
                            p.memory_kib, p.iterations, p.parallelism, salt, tag);
  explicit_bzero (tag, strlen (tag));
  return result;
}

/**
 * kb_password_verify:
 * @password: what the operator typed
 * @encoded: the stored hash
 * @needs_rehash: (out) (optional): %TRUE when the stored parameters are
 *   weaker than today's, so the caller should store a fresh hash
 *
 * Returns: %TRUE when @password matches; %FALSE without an error when it
 *   does not, with an error when the stored hash is unreadable
 */
gboolean
kb_password_verify (const char  *password,
                    const char  *encoded,
                    gboolean    *needs_rehash,
                    GError     **error)
{
  Params p = { 0 };
  guint8 *secure;
  guint diff = 0;

  g_return_val_if_fail (password != NULL, FALSE);

  if (needs_rehash != NULL)
    *needs_rehash = FALSE;

  if (!kb_crypto_init (error))
    return FALSE;

  if (!parse (encoded, &p))
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CORRUPT,
                   _("The stored password hash is not readable"));
      return FALSE;
    }

  secure = gcry_malloc_secure (p.tag_len);
  if (secure == NULL || !derive (password, &p, secure, error))
    {
      if (secure == NULL)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED, _("Out of secure memory"));
      gcry_free (secure);
      return FALSE;
    }

  /* Constant time: look at every byte whatever the first difference. */
  for (gsize i = 0; i < p.tag_len; i++)
    diff |= secure[i] ^ p.tag[i];
  gcry_free (secure);
  explicit_bzero (p.tag, sizeof p.tag);

  if (needs_rehash != NULL)
    *needs_rehash = p.memory_kib < KB_ARGON2_MEMORY_KIB ||
                    p.iterations < KB_ARGON2_ITERATIONS ||
                    p.parallelism < KB_ARGON2_PARALLELISM ||
                    p.salt_len < KB_ARGON2_SALT_LEN ||
                    p.tag_len < KB_ARGON2_TAG_LEN;
  return diff == 0;
}
