/* kb-demo.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A believable demo office: the prefecture's Municipalities Division (the
 * security officer's), the Information Policy Division (the network
 * administrator's) and one business division, with the usual clerks.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kb-admin.h"
#include "kb-auth.h"
#include "kb-crypto.h"
#include "kb-password.h"
#include "kb-error.h"
#include "kb-journal.h"

static const char * const demo_divisions[] = {
  "市町村課",
  "情報政策課",
  "健康福祉政策課",
};

static const struct {
  const char *staff;
  const char *name;
  const char *kana;
  int division;      /* index into demo_divisions */
  KbRoles roles;
} demo_operators[] = {
  { "N1001", "北沢 誠一", "キタザワ セイイチ", 0, KB_ROLE_SECURITY_OFFICER | KB_ROLE_SUPERVISOR },
  { "N1002", "松本 由美子", "マツモト ユミコ", 0, KB_ROLE_SUPERVISOR | KB_ROLE_TRAINER },
  { "N1003", "小林 健太", "コバヤシ ケンタ", 0, KB_ROLE_OPERATOR },
  { "N1004", "宮澤 さくら", "ミヤザワ サクラ", 0, KB_ROLE_OPERATOR },
  { "N1005", "丸山 翔", "マルヤマ ショウ", 0, KB_ROLE_OPERATOR | KB_ROLE_TRAINER },
  { "N2001", "中村 隆之", "ナカムラ タカユキ", 1, KB_ROLE_NETWORK_ADMINISTRATOR | KB_ROLE_SUPERVISOR },
  { "N2002", "田中 美穂", "タナカ ミホ", 1, KB_ROLE_OPERATOR },
  { "N2003", "清水 大輔", "シミズ ダイスケ", 1, KB_ROLE_AUDITOR },
  { "N3001", "小松 直樹", "コマツ ナオキ", 2, KB_ROLE_SUPERVISOR },
  { "N3002", "滝沢 恵", "タキザワ メグミ", 2, KB_ROLE_OPERATOR },
  { "N3003", "荻原 拓也", "オギワラ タクヤ", 2, KB_ROLE_OPERATOR },
  { "N3004", "柳沢 千尋", "ヤナギサワ チヒロ", 2, KB_ROLE_OPERATOR | KB_ROLE_AUDITOR },
};

static const struct {
  const char *code;
  const char *name;
  const char *location;
} demo_terminals[] = {
  { "JK-01", "住基端末 1号機", "本庁舎 3階 市町村課 執務室" },
  { "JK-02", "住基端末 2号機", "本庁舎 3階 市町村課 執務室" },
  { "JK-03", "住基端末 3号機", "本庁舎 2階 健康福祉政策課" },
  { "JK-04", "住基端末 4号機（予備）", "本庁舎 地下1階 機器設置室" },
};

static const struct {
  const char *name;
  const char *description;
  guint divisions;   /* bit per demo_divisions index */
} demo_tasks[] = {
  { "本人確認情報の開示請求に関する事務", "住民基本台帳法第30条の32に基づく開示", 0x1 },
  { "本人確認情報の利用状況の確認", "操作履歴・提供状況の確認", 0x3 },
  { "恩給・共済年金の支給に関する事務", "受給権者の生存確認", 0x4 },
  { "旅券の発給に関する事務", "申請者の本人確認", 0x1 },
  { "児童扶養手当の支給に関する事務", "受給資格の確認", 0x4 },
  { "身体障害者手帳の交付に関する事務", "住所・氏名の確認", 0x4 },
  { "建設業の許可に関する事務", "役員の住所確認", 0x1 },
};

/* The demo's ATR: a contactless card as PC/SC part 3 reports it. */
static const char demo_atr[] = "3b8f8001804f0ca000000306030001000000006a";

void
kb_demo_card_uid (const char *staff_number,
                  guint8      uid[7])
{
  g_autofree char *text = g_strconcat ("kanribo-demo-card:", staff_number, NULL);
  guint8 digest[KB_SHA256_LEN];

  kb_sha256 (text, strlen (text), digest);
  memcpy (uid, digest, 7);
}

/* Argon2id takes a few hundred milliseconds; every demo operator has the
 * same password, so one hash per process serves them all. */
static const char *
demo_password_hash (GError **error)
{
  static char *hash = NULL;

  if (hash == NULL)
    hash = kb_password_hash (KB_DEMO_PASSWORD, error);
  return hash;
}

/**
 * kb_demo_seed:
 *
 * Fills an empty database with the demo office, in one transaction.
 * Refuses, changing nothing, when the database already has registers.
 */
gboolean
kb_demo_seed (KbDb    *db,
              GError **error)
{
  gint64 division_ids[G_N_ELEMENTS (demo_divisions)];
  g_autoptr(GBytes) salt = NULL;
  sqlite3_stmt *stmt;
  int n_rows;

  stmt = kb_db_prepare (db, "SELECT (SELECT count (*) FROM divisions)"
                            " + (SELECT count (*) FROM operators)"
                            " + (SELECT count (*) FROM terminals)"
                            " + (SELECT count (*) FROM tasks)", error);
  if (stmt == NULL)
    return FALSE;
  n_rows = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (n_rows != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The database already has registers; the demo office is only added "
                     "to an empty database. Nothing was changed."));
      return FALSE;
    }

  /* Each save below is journaled as if typed in by the security officer;
   * the outer transaction makes the whole demo all or nothing. */
  if ((salt = kb_settings_get_card_salt (db, error)) == NULL)
    return FALSE;

  if (!kb_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (demo_divisions); i++)
    {
      g_autoptr(KbDivision) d = kb_division_new (0, demo_divisions[i], TRUE);

      if ((division_ids[i] = kb_admin_save_division (db, d, NULL, error)) == 0)
        goto failed;
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_operators); i++)
    {
      g_autoptr(KbOperator) op =
        kb_operator_new (0, demo_operators[i].staff, demo_operators[i].name,
                         demo_operators[i].kana, division_ids[demo_operators[i].division],
                         NULL, demo_operators[i].roles, TRUE);

      gint64 id;
      guint8 uid[7];
      g_autofree char *identity = NULL;
      const char *hash;

      if ((id = kb_admin_save_operator (db, op, NULL, error)) == 0 ||
          (hash = demo_password_hash (error)) == NULL ||
          !kb_auth_set_password_hash (db, id, hash, FALSE, error))
        goto failed;

      kb_demo_card_uid (demo_operators[i].staff, uid);
      identity = kb_card_identity_compute (g_bytes_get_data (salt, NULL), g_bytes_get_size (salt),
                                           TRUE, uid, sizeof uid);
      if (kb_cards_issue (db, id, identity, demo_atr, TRUE, error) == 0)
        goto failed;
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_terminals); i++)
    {
      g_autoptr(KbTerminal) t = kb_terminal_new (0, demo_terminals[i].code,
                                                 demo_terminals[i].name,
                                                 demo_terminals[i].location, TRUE);

      if (kb_admin_save_terminal (db, t, NULL, error) == 0)
        goto failed;
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_tasks); i++)
    {
      g_autoptr(KbTask) task = NULL;
      gint64 ids[G_N_ELEMENTS (demo_divisions)];
      guint n = 0;

      for (guint d = 0; d < G_N_ELEMENTS (demo_divisions); d++)
        if (demo_tasks[i].divisions & (1u << d))
          ids[n++] = division_ids[d];

      task = kb_task_new (0, demo_tasks[i].name, demo_tasks[i].description, ids, n, NULL, TRUE);
      if (kb_admin_save_task (db, task, NULL, error) == 0)
        goto failed;
    }

  return kb_db_commit (db, error);

failed:
  kb_db_rollback (db);
  return FALSE;
}
