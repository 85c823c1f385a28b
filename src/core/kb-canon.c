/* kb-canon.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kb-canon.h"

void
kb_canon_init (KbCanon *canon,
               GString *buffer)
{
  canon->str = buffer;
  canon->first = TRUE;
  g_string_truncate (buffer, 0);
  g_string_append_c (buffer, '{');
}

static void
append_escaped (GString    *str,
                const char *text,
                gsize       len)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (str, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];

      if (c == '"' || c == '\\')
        {
          g_string_append_c (str, '\\');
          g_string_append_c (str, (char) c);
        }
      else if (c < 0x20 || c == 0x7f)
        {
          g_string_append (str, "\\u00");
          g_string_append_c (str, hex[c >> 4]);
          g_string_append_c (str, hex[c & 0xf]);
        }
      else
        g_string_append_c (str, (char) c);
    }
  g_string_append_c (str, '"');
}

static void
add_key (KbCanon    *canon,
         const char *key)
{
  if (!canon->first)
    g_string_append_c (canon->str, ',');
  canon->first = FALSE;
  append_escaped (canon->str, key, strlen (key));
  g_string_append_c (canon->str, ':');
}

void
kb_canon_add_string (KbCanon    *canon,
                     const char *key,
                     const char *value)
{
  if (value == NULL)
    {
      kb_canon_add_null (canon, key);
      return;
    }
  add_key (canon, key);
  append_escaped (canon->str, value, strlen (value));
}

void
kb_canon_add_int (KbCanon    *canon,
                  const char *key,
                  gint64      value)
{
  add_key (canon, key);
  g_string_append_printf (canon->str, "%" G_GINT64_FORMAT, value);
}

void
kb_canon_add_null (KbCanon    *canon,
                   const char *key)
{
  add_key (canon, key);
  g_string_append (canon->str, "null");
}

void
kb_canon_finish (KbCanon *canon)
{
  g_string_append_c (canon->str, '}');
}

/**
 * kb_canon_row:
 * @buffer: where to write
 * @stmt: a statement positioned on a row
 *
 * Writes the current row as a canonical object, keyed by column name in
 * column order. Used both when a change is journaled and when the verifier
 * compares the tables with the journal, so the two always agree on bytes.
 */
void
kb_canon_row (GString      *buffer,
              sqlite3_stmt *stmt)
{
  KbCanon canon;
  int n = sqlite3_column_count (stmt);

  kb_canon_init (&canon, buffer);
  for (int i = 0; i < n; i++)
    {
      const char *name = sqlite3_column_name (stmt, i);

      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_INTEGER:
          kb_canon_add_int (&canon, name, sqlite3_column_int64 (stmt, i));
          break;
        case SQLITE_NULL:
          kb_canon_add_null (&canon, name);
          break;
        case SQLITE_FLOAT:
          {
            char num[G_ASCII_DTOSTR_BUF_SIZE];

            add_key (&canon, name);
            g_string_append (buffer, g_ascii_dtostr (num, sizeof num,
                                                     sqlite3_column_double (stmt, i)));
          }
          break;
        case SQLITE_BLOB:
          {
            /* No register stores blobs; one that appears was put there
             * behind the app's back, so it must still serialise
             * deterministically to be reported. */
            const guint8 *data = sqlite3_column_blob (stmt, i);
            int len = sqlite3_column_bytes (stmt, i);

            add_key (&canon, name);
            g_string_append (buffer, "\"x'");
            for (int j = 0; j < len; j++)
              g_string_append_printf (buffer, "%02x", data[j]);
            g_string_append (buffer, "'\"");
          }
          break;
        case SQLITE_TEXT:
        default:
          add_key (&canon, name);
          append_escaped (buffer, (const char *) sqlite3_column_text (stmt, i),
                          sqlite3_column_bytes (stmt, i));
          break;
        }
    }
  kb_canon_finish (&canon);
}

static const char *
parse_string (const char *p,
              GString    *out)
{
  g_assert (*p == '"');
  p++;
  while (*p != '\0' && *p != '"')
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          if (*p == 'u' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]) &&
              g_ascii_isxdigit (p[3]) && g_ascii_isxdigit (p[4]))
            {
              gunichar c = (g_ascii_xdigit_value (p[1]) << 12) |
                           (g_ascii_xdigit_value (p[2]) << 8) |
                           (g_ascii_xdigit_value (p[3]) << 4) |
                           g_ascii_xdigit_value (p[4]);
              g_string_append_unichar (out, c);
              p += 5;
              continue;
            }
          g_string_append_c (out, *p == 'n' ? '\n' : *p);
          p++;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }
  return *p == '"' ? p + 1 : NULL;
}

/**
 * kb_canon_parse:
 * @text: a canonical object
 * @keys_out: (out) (optional) (transfer full): the keys in order
 *
 * Returns: (transfer full) (nullable): key → value (NULL for null), or
 *   %NULL when @text is not a canonical object
 */
GHashTable *
kb_canon_parse (const char *text,
                GPtrArray **keys_out)
{
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GString) buf = g_string_new (NULL);
  const char *p = text;

  if (p == NULL || *p != '{')
    return NULL;

  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  keys = g_ptr_array_new_with_free_func (g_free);
  p++;
  while (*p != '}')
    {
      g_autofree char *key = NULL;
      char *value = NULL;

      if (*p != '"')
        return NULL;
      g_string_truncate (buf, 0);
      if ((p = parse_string (p, buf)) == NULL || *p != ':')
        return NULL;
      key = g_strdup (buf->str);
      p++;

      if (*p == '"')
        {
          g_string_truncate (buf, 0);
          if ((p = parse_string (p, buf)) == NULL)
            return NULL;
          value = g_strdup (buf->str);
        }
      else if (strncmp (p, "null", 4) == 0)
        p += 4;
      else
        {
          const char *start = p;

          while (*p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E' ||
                 g_ascii_isdigit (*p))
            p++;
          if (p == start)
            return NULL;
          value = g_strndup (start, p - start);
        }

      g_ptr_array_add (keys, g_strdup (key));
      g_hash_table_insert (values, g_steal_pointer (&key), value);

      if (*p == ',')
        p++;
      else if (*p != '}')
        return NULL;
    }

  if (keys_out != NULL)
    *keys_out = g_steal_pointer (&keys);
  return g_steal_pointer (&values);
}
