/* kb-db-private.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gcrypt.h>

#include "kb-crypto.h"
#include "kb-db.h"

typedef struct {
  gint64 seq;
  guint8 hash[KB_SHA256_LEN];
} SavedHead;

struct _KbDb {
  sqlite3    *handle;
  char       *path;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  gboolean    read_only;
  gboolean    in_transaction;
  guint       depth;        /* nested kb_db_begin() calls, as savepoints */
  GArray     *saved_heads;  /* SavedHead per savepoint */

  gint64      actor;        /* operators.id, 0 for "system" */
  char       *terminal;

  /* The journal's head, read at BEGIN and advanced by each append. */
  gint64      head_seq;
  guint8      head_hash[KB_SHA256_LEN];
  gint64      committed_seq;
  gcry_md_hd_t md;
};

gboolean kb_db_load_head (KbDb    *db,
                          GError **error);
