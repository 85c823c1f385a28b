/* kb-crypto.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gcrypt.h>

#include "kb-crypto.h"
#include "kb-error.h"

/* The oldest libgcrypt we support; Debian 12 ships 1.10.1, which is the
 * first with Argon2 through gcry_kdf_open(). */
#define KB_GCRYPT_MIN_VERSION "1.10.1"

/**
 * kb_crypto_init:
 * @error: return location for a #GError
 *
 * Initialises libgcrypt once, before any other thread can use it: checks the
 * version, sets up secure memory for secrets and declares initialisation
 * finished. Safe to call more than once.
 *
 * Returns: %TRUE on success
 */
gboolean
kb_crypto_init (GError **error)
{
  static gsize initialised = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&initialised))
    {
      if (gcry_check_version (KB_GCRYPT_MIN_VERSION) != NULL)
        {
          /* Secure memory is for passwords and keys (later steps); 64 KiB is
           * plenty for them and fits the default RLIMIT_MEMLOCK. */
          gcry_control (GCRYCTL_SUSPEND_SECMEM_WARN);
          gcry_control (GCRYCTL_INIT_SECMEM, 65536, 0);
          gcry_control (GCRYCTL_RESUME_SECMEM_WARN);
          gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
          ok = TRUE;
        }
      g_once_init_leave (&initialised, 1);
    }

  if (!ok)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                   _("libgcrypt %s or newer is required, but %s is installed"),
                   KB_GCRYPT_MIN_VERSION, gcry_check_version (NULL));
      return FALSE;
    }

  return TRUE;
}

void
kb_sha256 (const void *data,
           gsize       len,
           guint8      out[KB_SHA256_LEN])
{
  gcry_md_hash_buffer (GCRY_MD_SHA256, out, data, len);
}

char *
kb_hex_encode (const guint8 *data,
               gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[len * 2] = '\0';

  return out;
}

/**
 * kb_card_identity_compute:
 * @salt: (array length=salt_len): this installation's salt
 * @is_uid: whether @data is the card's UID (or else its ATR)
 * @data: (array length=len): the UID or ATR
 *
 * The only form of a card's identity that is stored: SHA-256 over the
 * salt, then "uid:" and the UID, or "atr:" and the ATR.
 *
 * Returns: (transfer full): 64 lower-case hex digits
 */
char *
kb_card_identity_compute (const guint8 *salt,
                          gsize         salt_len,
                          gboolean      is_uid,
                          const guint8 *data,
                          gsize         len)
{
  gcry_md_hd_t md = NULL;
  char *hex;

  if (gcry_md_open (&md, GCRY_MD_SHA256, 0) != 0)
    g_error ("SHA-256 is not available");
  if (salt != NULL)
    gcry_md_write (md, salt, salt_len);
  gcry_md_write (md, is_uid ? "uid:" : "atr:", 4);
  gcry_md_write (md, data, len);
  hex = kb_hex_encode (gcry_md_read (md, GCRY_MD_SHA256), KB_SHA256_LEN);
  /* Closing wipes the context, which held the UID. */
  gcry_md_close (md);
  return hex;
}
