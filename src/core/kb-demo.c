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
#include "kb-assets-private.h"
#include "kb-audit-private.h"
#include "kb-auth.h"
#include "kb-backup.h"
#include "kb-canon.h"
#include "kb-crypto.h"
#include "kb-password.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-training.h"

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

/* --- two years of terminal usage ------------------------------------------ */

/* Who sits at which terminal, and how often (relative weights): the
 * Municipalities Division's clerks at JK-01 and JK-02, the Health and
 * Welfare Policy Division's at JK-03, the Information Policy Division now
 * and then at the spare JK-04. Supervisors use the terminals less. The
 * other staff (the auditor N2003) never do. */
static const struct {
  const char *staff;
  int group;        /* the terminals' group, see demo_terminal_groups */
  int weight;
} demo_users[] = {
  { "N1001", 0, 1 },
  { "N1002", 0, 2 },
  { "N1003", 0, 6 },
  { "N1004", 0, 6 },
  { "N1005", 0, 5 },
  { "N2001", 2, 1 },
  { "N2002", 2, 4 },
  { "N3001", 1, 1 },
  { "N3002", 1, 6 },
  { "N3003", 1, 6 },
  { "N3004", 1, 4 },
};

/* The group of each of demo_terminals. */
static const int demo_terminal_groups[] = { 0, 0, 1, 2 };

/* Whoever shows the demo signs in as N1003 first: the reminder of
 * entries without a purpose must have something to show. */
#define DEMO_FORGETFUL_STAFF "N1003"

static const char * const demo_remarks[] = {
  "窓口対応",
  "電話照会あり",
  "旅券申請 %d件は翌日処理",
  "本人確認書類の不備あり、再来庁を依頼",
  "市町村からの照会に回答",
  "郵送請求分",
  "至急案件",
  "前日分の続き",
  "開示請求 %d件受付",
  "担当者不在のため一部保留",
  "システム応答遅延のため一時中断",
  "住所変更の経緯確認に時間を要した",
  "照会元への回答は翌日",
  "新任職員の操作指導を兼ねる",
};

static const char * const demo_manual_reasons[] = {
  "端末障害のため紙で記録",
  "ICカードリーダー故障のため紙で記録",
  "カードの読み取り不良のため紙で記録",
};

#define DEMO_DAY_START   (9 * 3600)    /* the office opens */
#define DEMO_DAY_END     (17 * 3600)
#define DEMO_LUNCH_START (12 * 3600)
#define DEMO_LUNCH_END   (13 * 3600)
#define DEMO_DAY         (24 * 3600)

typedef struct {
  gint64 id;
  gint64 division_id;
  int group;
  int weight;
  gboolean supervisor;
  gint64 free_at;                 /* seconds after 9:00 of the current day */
} DemoUser;

typedef struct {
  GDate date;
  gint64 nine;                    /* 9:00 that day, Unix time */
} DemoDay;

typedef struct {
  int terminal;                   /* index into demo_terminals */
  int user;                       /* index into demo_users */
  gint64 task_id;                 /* 0: purpose missing */
  int cases;                      /* -1: none */
  const char *remarks;            /* (nullable) */
  gint64 started_at;
  gint64 ended_at;
  gboolean manual;
  const char *reason;             /* manual entries */
  int confirmer;                  /* index into demo_users, -1 for none */
  gint64 confirmed_at;
  gboolean ends_sitting;
} DemoUsage;

typedef struct {
  GRand *rand;
  DemoUser users[G_N_ELEMENTS (demo_users)];
  gint64 terminal_ids[G_N_ELEMENTS (demo_terminals)];
  GHashTable *tasks;              /* division id → GArray of task ids */
  GArray *days;                   /* DemoDay: the office's working days */
  GArray *rows;                   /* DemoUsage */
  GStringChunk *strings;
  gint64 until;
} DemoUsageGen;

/* Japan's national holidays that fall on a fixed date or a fixed Monday,
 * and the equinoxes by the usual approximation (good for 1980–2099). */
static gboolean
is_national_holiday (const GDate *date)
{
  int y = g_date_get_year (date);
  int m = g_date_get_month (date);
  int d = g_date_get_day (date);
  gboolean monday = g_date_get_weekday (date) == G_DATE_MONDAY;
  int nth_week = (d - 1) / 7 + 1;
  int spring = (int) (20.8431 + 0.242194 * (y - 1980)) - (y - 1980) / 4;
  int autumn = (int) (23.2488 + 0.242194 * (y - 1980)) - (y - 1980) / 4;

  switch (m)
    {
    case 1:
      return d == 1 || (monday && nth_week == 2);
    case 2:
      return d == 11 || d == 23;
    case 3:
      return d == spring;
    case 4:
      return d == 29;
    case 5:
      return d >= 3 && d <= 5;
    case 7:
      return monday && nth_week == 3;
    case 8:
      return d == 11;
    case 9:
      return d == autumn || (monday && nth_week == 3);
    case 10:
      return monday && nth_week == 2;
    case 11:
      return d == 3 || d == 23;
    default:
      return FALSE;
    }
}

/* Weekends, national holidays, substitute holidays (the first weekday
 * after a holiday that fell on a Sunday) and the year-end closing,
 * 29 December to 3 January. */
static gboolean
is_office_day (const GDate *date)
{
  GDateWeekday weekday = g_date_get_weekday (date);
  int m = g_date_get_month (date);
  int d = g_date_get_day (date);
  GDate before = *date;

  if (weekday == G_DATE_SATURDAY || weekday == G_DATE_SUNDAY)
    return FALSE;
  if ((m == 12 && d >= 29) || (m == 1 && d <= 3))
    return FALSE;
  if (is_national_holiday (date))
    return FALSE;

  for (;;)
    {
      g_date_subtract_days (&before, 1);
      if (!is_national_holiday (&before))
        return TRUE;
      if (g_date_get_weekday (&before) == G_DATE_SUNDAY)
        return FALSE;
    }
}

static gboolean
demo_usage_lookup (KbDb         *db,
                   DemoUsageGen *gen,
                   GError      **error)
{
  sqlite3_stmt *stmt;

  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      DemoUser *user = &gen->users[i];

      stmt = kb_db_prepare (db, "SELECT id, division_id, roles FROM operators"
                                " WHERE staff_number = ?1 AND active = 1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, demo_users[i].staff, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          user->id = sqlite3_column_int64 (stmt, 0);
          user->division_id = sqlite3_column_int64 (stmt, 1);
          user->supervisor = (sqlite3_column_int (stmt, 2) & KB_ROLE_SUPERVISOR) != 0;
        }
      sqlite3_reset (stmt);
      user->group = demo_users[i].group;
      user->weight = demo_users[i].weight;
      if (user->id == 0)
        goto missing;

      if (!g_hash_table_contains (gen->tasks, &user->division_id))
        {
          GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

          stmt = kb_db_prepare (db, "SELECT d.task_id FROM task_divisions d"
                                    " JOIN tasks t ON t.id = d.task_id"
                                    " WHERE d.division_id = ?1 AND t.active = 1"
                                    " ORDER BY d.task_id", error);
          if (stmt == NULL)
            {
              g_array_unref (ids);
              return FALSE;
            }
          sqlite3_bind_int64 (stmt, 1, user->division_id);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            {
              gint64 id = sqlite3_column_int64 (stmt, 0);
              g_array_append_val (ids, id);
            }
          sqlite3_reset (stmt);
          g_hash_table_insert (gen->tasks, &user->division_id, ids);
          if (ids->len == 0)
            goto missing;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_terminals); i++)
    {
      stmt = kb_db_prepare (db, "SELECT id FROM terminals WHERE code = ?1 AND active = 1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, demo_terminals[i].code, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        gen->terminal_ids[i] = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (gen->terminal_ids[i] == 0)
        goto missing;
    }
  return TRUE;

missing:
  g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
               _("The demo office is incomplete; its terminal usage cannot be added"));
  return FALSE;
}

/* A user of @group free at @at, by weight; -1 if everyone is busy. */
static int
pick_user (DemoUsageGen *gen,
           int           group,
           gint64        at)
{
  int total = 0;
  int r;

  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    if (gen->users[i].group == group && gen->users[i].free_at <= at)
      total += gen->users[i].weight;
  if (total == 0)
    return -1;

  r = g_rand_int_range (gen->rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    if (gen->users[i].group == group && gen->users[i].free_at <= at)
      {
        if (r < gen->users[i].weight)
          return (int) i;
        r -= gen->users[i].weight;
      }
  g_return_val_if_reached (-1);
}

/* Mostly small numbers, now and then a busy morning. */
static int
pick_cases (GRand *rand)
{
  double u = g_rand_double (rand);

  return MIN (40, (int) (41 * u * u * u));
}

static const char *
pick_remarks (DemoUsageGen *gen)
{
  const char *remarks;

  if (g_rand_double (gen->rand) >= 0.1)
    return NULL;
  remarks = demo_remarks[g_rand_int_range (gen->rand, 0, G_N_ELEMENTS (demo_remarks))];
  if (strstr (remarks, "%d") != NULL)
    {
      g_autofree char *text = NULL;

      /* The format strings are ours, from the table above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      text = g_strdup_printf (remarks, g_rand_int_range (gen->rand, 2, 8));
#pragma GCC diagnostic pop
      return g_string_chunk_insert_const (gen->strings, text);
    }
  return remarks;
}

/* A supervisor of the same division, never the operator themself, usually
 * a working day or three later; the last fortnight is partly still open. */
static void
pick_confirmation (DemoUsageGen *gen,
                   int           user,
                   guint         day,
                   gint64        ended_at,
                   int          *confirmer,
                   gint64       *confirmed_at)
{
  int candidates[G_N_ELEMENTS (demo_users)];
  int n = 0;
  double r = g_rand_double (gen->rand);
  guint delay = r < 0.45 ? 1 : r < 0.75 ? 2 : r < 0.9 ? 3 : g_rand_int_range (gen->rand, 4, 9);
  gint64 at;

  *confirmer = -1;
  *confirmed_at = 0;
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    if (gen->users[i].supervisor && (int) i != user &&
        gen->users[i].division_id == gen->users[user].division_id)
      candidates[n++] = (int) i;

  if (n == 0 || day + delay >= gen->days->len)
    return;
  at = g_array_index (gen->days, DemoDay, day + delay).nine +
       g_rand_int_range (gen->rand, 0, DEMO_DAY_END - DEMO_DAY_START);
  if (at > gen->until)
    return;
  if (gen->until - ended_at < 14 * DEMO_DAY && g_rand_double (gen->rand) < 0.35)
    return;

  *confirmer = candidates[g_rand_int_range (gen->rand, 0, n)];
  *confirmed_at = at;
}

/* One sitting: @user at @terminal from @start for @duration seconds
 * (relative to 9:00 of @day), one to three tasks one after the other. */
static void
add_sitting (DemoUsageGen *gen,
             guint         day,
             int           terminal,
             int           user,
             gint64        start,
             gint64        duration,
             const char   *manual_reason)
{
  GArray *tasks = g_hash_table_lookup (gen->tasks, &gen->users[user].division_id);
  gint64 nine = g_array_index (gen->days, DemoDay, day).nine;
  gint64 bounds[4];
  gint64 task_ids[3];
  double r = g_rand_double (gen->rand);
  guint k = r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
  int confirmer;
  gint64 confirmed_at;

  k = MIN (k, tasks->len);
  bounds[0] = nine + start;
  bounds[k] = nine + start + duration;
  for (guint i = 1; i < k; i++)
    {
      gint64 part = duration / k;

      bounds[i] = bounds[0] + part * i + g_rand_int_range (gen->rand, -part / 4, part / 4 + 1);
    }
  /* Paper has minutes, a card session has seconds. */
  if (manual_reason != NULL)
    for (guint i = 0; i <= k; i++)
      bounds[i] -= (bounds[i] - nine) % 60;

  /* Different tasks: a change of task is what splits a sitting. */
  for (guint i = 0; i < k; i++)
    {
      gboolean again;

      do
        {
          task_ids[i] = g_array_index (tasks, gint64, g_rand_int_range (gen->rand, 0, tasks->len));
          again = FALSE;
          for (guint j = 0; j < i; j++)
            again |= task_ids[j] == task_ids[i];
        }
      while (again);
    }

  pick_confirmation (gen, user, day, bounds[k], &confirmer, &confirmed_at);

  for (guint i = 0; i < k; i++)
    {
      DemoUsage row = {
        .terminal = terminal,
        .user = user,
        .task_id = task_ids[i],
        .cases = pick_cases (gen->rand),
        .remarks = pick_remarks (gen),
        .started_at = bounds[i],
        .ended_at = bounds[i + 1],
        .manual = manual_reason != NULL,
        .reason = manual_reason,
        .confirmer = confirmer,
        .confirmed_at = confirmed_at,
        .ends_sitting = i == k - 1,
      };

      g_array_append_val (gen->rows, row);
    }
}

static void
add_day (DemoUsageGen *gen,
         guint         day)
{
  gint64 nine = g_array_index (gen->days, DemoDay, day).nine;
  gint64 free_at[G_N_ELEMENTS (demo_terminals)];
  gboolean open[G_N_ELEMENTS (demo_terminals)];
  const char *outage[G_N_ELEMENTS (demo_terminals)];
  int spare_sittings = 1 + (g_rand_double (gen->rand) < 0.3);

  for (guint t = 0; t < G_N_ELEMENTS (demo_terminals); t++)
    {
      gboolean spare = demo_terminal_groups[t] == 2;

      open[t] = !spare || g_rand_double (gen->rand) < 0.08;
      free_at[t] = g_rand_int_range (gen->rand, 0, spare ? 6 * 3600 : 40 * 60);
      /* Now and then the card reader is down for the day: paper it is. */
      outage[t] = g_rand_double (gen->rand) < 0.004 ? demo_manual_reasons[g_rand_int_range (gen->rand, 0, 2)]
                                                     : NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    gen->users[i].free_at = 0;

  /* Always the terminal that is free first, so that each operator's
   * sittings come in order and never overlap. */
  for (;;)
    {
      int t = -1;
      gint64 start, duration, end;
      double u;
      int user;

      for (guint i = 0; i < G_N_ELEMENTS (demo_terminals); i++)
        if (open[i] && (t < 0 || free_at[i] < free_at[t]))
          t = (int) i;
      if (t < 0)
        break;

      start = free_at[t] + g_rand_int_range (gen->rand, 0, 60);
      if (start >= DEMO_LUNCH_START - DEMO_DAY_START && start < DEMO_LUNCH_END - DEMO_DAY_START &&
          g_rand_double (gen->rand) < 0.85)
        start = DEMO_LUNCH_END - DEMO_DAY_START + g_rand_int_range (gen->rand, 0, 15 * 60);
      u = g_rand_double (gen->rand);
      duration = (gint64) ((10 + 80 * u * u) * 60) + g_rand_int_range (gen->rand, 0, 60);
      end = MIN (start + duration, DEMO_DAY_END - DEMO_DAY_START);
      if (end - start < 10 * 60 || nine + end > gen->until)
        {
          open[t] = FALSE;
          continue;
        }

      user = pick_user (gen, demo_terminal_groups[t], start);
      if (user < 0)
        {
          free_at[t] = start + 5 * 60;
          continue;
        }

      add_sitting (gen, day, t, user, start, end - start,
                   outage[t] != NULL ? outage[t]
                   : g_rand_double (gen->rand) < 0.003 ? demo_manual_reasons[2]
                   : NULL);
      gen->users[user].free_at = end;
      u = g_rand_double (gen->rand);
      free_at[t] = end + (gint64) ((2 + 70 * u * u) * 60);
      if (demo_terminal_groups[t] == 2 && --spare_sittings == 0)
        open[t] = FALSE;
    }
}

static int
compare_usage (gconstpointer a,
               gconstpointer b)
{
  const DemoUsage *x = a;
  const DemoUsage *y = b;

  if (x->started_at != y->started_at)
    return x->started_at < y->started_at ? -1 : 1;
  return x->terminal - y->terminal;
}

/* Three to five sittings of the last month that ended without a task
 * (the operator left before choosing one), one of them N1003's. */
static void
add_purpose_missing (DemoUsageGen *gen)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  int n_more = g_rand_int_range (gen->rand, 2, 5);
  int forgetful = -1;
  guint chosen = G_MAXUINT;

  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    if (g_str_equal (demo_users[i].staff, DEMO_FORGETFUL_STAFF))
      forgetful = (int) i;

  for (guint i = 0; i < gen->rows->len; i++)
    {
      DemoUsage *row = &g_array_index (gen->rows, DemoUsage, i);

      if (row->ended_at > gen->until - 30 * DEMO_DAY && !row->manual && row->ends_sitting)
        {
          if (row->user == forgetful)
            chosen = i;   /* the newest */
          else
            g_array_append_val (candidates, i);
        }
    }

  for (int n = 0; n <= n_more && (n == 0 || candidates->len > 0); n++)
    {
      DemoUsage *row;

      if (n > 0)
        {
          guint pick = g_rand_int_range (gen->rand, 0, candidates->len);

          chosen = g_array_index (candidates, guint, pick);
          g_array_remove_index_fast (candidates, pick);
        }
      if (chosen == G_MAXUINT)
        continue;
      row = &g_array_index (gen->rows, DemoUsage, chosen);
      row->task_id = 0;
      row->cases = -1;
      row->remarks = NULL;
      row->confirmer = -1;
      row->confirmed_at = 0;
    }
}

static gboolean
demo_usage_write (KbDb         *db,
                  DemoUsageGen *gen,
                  GError      **error)
{
  for (guint i = 0; i < gen->rows->len; i++)
    {
      const DemoUsage *row = &g_array_index (gen->rows, DemoUsage, i);
      const DemoUser *user = &gen->users[row->user];
      g_autofree char *detail = NULL;
      sqlite3_stmt *stmt;
      gint64 id;

      stmt = kb_db_prepare (db, "INSERT INTO usage (terminal_id, operator_id, division_id, task_id,"
                                " cases, remarks, started_at, ended_at, manual, confirmed_by,"
                                " confirmed_at)"
                                " VALUES (?1, ?2, ?3, nullif (?4, 0), ?5, ?6, ?7, ?8, ?9,"
                                " nullif (?10, 0), nullif (?11, 0))", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, gen->terminal_ids[row->terminal]);
      sqlite3_bind_int64 (stmt, 2, user->id);
      sqlite3_bind_int64 (stmt, 3, user->division_id);
      sqlite3_bind_int64 (stmt, 4, row->task_id);
      if (row->cases >= 0)
        sqlite3_bind_int (stmt, 5, row->cases);
      else
        sqlite3_bind_null (stmt, 5);
      sqlite3_bind_text (stmt, 6, row->remarks != NULL ? row->remarks : "", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, row->started_at);
      sqlite3_bind_int64 (stmt, 8, row->ended_at);
      sqlite3_bind_int (stmt, 9, row->manual);
      sqlite3_bind_int64 (stmt, 10, row->confirmer >= 0 ? gen->users[row->confirmer].id : 0);
      sqlite3_bind_int64 (stmt, 11, row->confirmed_at);
      if (!kb_db_step_done (db, stmt, error))
        return FALSE;
      id = sqlite3_last_insert_rowid (kb_db_get_handle (db));

      if (row->remarks != NULL)
        {
          stmt = kb_db_prepare (db, "INSERT INTO usage_text (rowid, remarks) VALUES (?1, ?2)",
                                error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, id);
          sqlite3_bind_text (stmt, 2, row->remarks, -1, SQLITE_STATIC);
          if (!kb_db_step_done (db, stmt, error))
            return FALSE;
        }

      if (row->manual)
        {
          g_autoptr(GString) buf = g_string_new (NULL);
          KbCanon canon;

          kb_canon_init (&canon, buf);
          kb_canon_add_string (&canon, "reason", row->reason);
          kb_canon_finish (&canon);
          detail = g_string_free (g_steal_pointer (&buf), FALSE);
        }

      /* One entry per row, written as by the operator at that terminal:
       * its state is the row's final state, which is what the verifier
       * compares. */
      kb_db_set_actor (db, user->id, demo_terminals[row->terminal].code);
      if (!kb_journal_record (db, row->manual ? "usage.manual" : "usage.open", "usage", id,
                              detail, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * kb_demo_seed_usage:
 * @until: the end of the demo's history, usually now
 *
 * Fills the usage register of the demo office (kb_demo_seed()) with two
 * years of believable use up to @until: working days only, sittings of
 * the usual clerks at their division's terminals, confirmations by their
 * supervisors, a few paper entries and, in the last month, a few entries
 * without a purpose. The same @until date gives the same entries. One
 * transaction; refused when the register already has entries.
 */
gboolean
kb_demo_seed_usage (KbDb       *db,
                    GDateTime  *until,
                    GError    **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *terminal = NULL;
  DemoUsageGen gen = { 0 };
  GDate day, last;
  gint64 actor;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int y, m, d;
  int n_rows;

  g_return_val_if_fail (until != NULL, FALSE);

  stmt = kb_db_prepare (db, "SELECT count (*) FROM usage", error);
  if (stmt == NULL)
    return FALSE;
  n_rows = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (n_rows != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The usage register already has entries; the demo’s are only added to "
                     "an empty register. Nothing was changed."));
      return FALSE;
    }

  gen.rand = g_rand_new_with_seed (20260401);
  gen.tasks = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                     (GDestroyNotify) g_array_unref);
  gen.days = g_array_new (FALSE, FALSE, sizeof (DemoDay));
  gen.rows = g_array_sized_new (FALSE, FALSE, sizeof (DemoUsage), 20000);
  gen.strings = g_string_chunk_new (1024);
  gen.until = g_date_time_to_unix (until);

  if (!demo_usage_lookup (db, &gen, error))
    goto out;

  /* The working days from two years back to a fortnight after @until
   * (confirmations are looked up a few working days ahead). */
  tz = g_date_time_get_timezone (until);
  g_time_zone_ref (tz);
  g_date_time_get_ymd (until, &y, &m, &d);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, d, m, y);
  last = day;
  g_date_add_days (&last, 14);
  g_date_subtract_years (&day, 2);
  for (; g_date_compare (&day, &last) <= 0; g_date_add_days (&day, 1))
    if (is_office_day (&day))
      {
        g_autoptr(GDateTime) nine =
          g_date_time_new (tz, g_date_get_year (&day), g_date_get_month (&day),
                           g_date_get_day (&day), DEMO_DAY_START / 3600, 0, 0);
        DemoDay work = { day, g_date_time_to_unix (nine) };

        g_array_append_val (gen.days, work);
      }

  for (guint i = 0; i < gen.days->len; i++)
    if (g_array_index (gen.days, DemoDay, i).nine <= gen.until)
      add_day (&gen, i);
  g_array_sort (gen.rows, compare_usage);
  add_purpose_missing (&gen);

  actor = kb_db_get_actor (db);
  terminal = g_strdup (kb_db_get_terminal (db));
  if (!kb_db_begin (db, error))
    goto out;
  if (!demo_usage_write (db, &gen, error))
    {
      kb_db_rollback (db);
      kb_db_set_actor (db, actor, terminal);
      goto out;
    }
  kb_db_set_actor (db, actor, terminal);
  ok = kb_db_commit (db, error);

out:
  g_rand_free (gen.rand);
  g_hash_table_unref (gen.tasks);
  g_array_unref (gen.days);
  g_array_unref (gen.rows);
  g_string_chunk_free (gen.strings);
  return ok;
}

/* --- the equipment-room log ------------------------------------------------- */

#define DEMO_ROOM_MAIN   "機器設置室 (本庁舎3階)"
#define DEMO_ROOM_SERVER "サーバー室 (西庁舎)"
#define DEMO_KEY_MAIN    "機器設置室 鍵1"
#define DEMO_KEY_SPARE   "機器設置室 鍵2"
#define DEMO_KEY_SERVER  "サーバー室 鍵A"

/* The staff of the Information Policy Division go in on their own. */
static const struct {
  const char *room;
  const char *key;
  const char *purpose;
  const char *staff;
  int minutes;
  int weight;
} demo_room_errands[] = {
  { DEMO_ROOM_MAIN, DEMO_KEY_MAIN, "住基ネット機器の日常点検", "N2001", 20, 6 },
  { DEMO_ROOM_MAIN, DEMO_KEY_MAIN, "バックアップ媒体の交換", "N2002", 15, 4 },
  { DEMO_ROOM_MAIN, DEMO_KEY_MAIN, "ファイアウォールのログ確認", "N2001", 40, 2 },
  { DEMO_ROOM_SERVER, DEMO_KEY_SERVER, "サーバーの稼働状況確認", "N2001", 30, 3 },
  { DEMO_ROOM_SERVER, DEMO_KEY_SERVER, "UPSの状態確認", "N2002", 10, 2 },
  { DEMO_ROOM_MAIN, DEMO_KEY_MAIN, "入退室・施錠状況の確認（内部監査）", "N1001", 30, 1 },
};

/* Vendors come escorted; the escort holds the key. */
static const struct {
  const char *room;
  const char *name;
  const char *org;
  const char *purpose;
  const char *escort;
  int minutes;
} demo_room_visits[] = {
  { DEMO_ROOM_MAIN, "佐藤 健一", "富士通Japan 保守担当", "CS端末・サーバーの定期保守", "N2001", 120 },
  { DEMO_ROOM_SERVER, "山口 亮", "NTT東日本 長野支店", "専用回線の切替試験", "N2001", 90 },
  { DEMO_ROOM_MAIN, "小池 真司", "長野電設工業", "空調設備の定期点検", "N2002", 60 },
  { DEMO_ROOM_SERVER, "佐藤 健一", "富士通Japan 保守担当", "UPSバッテリーの交換", "N2002", 150 },
};

typedef struct {
  const char *room;
  gint64 operator_id;
  const char *visitor_name;
  const char *visitor_org;
  const char *purpose;          /* in gen->strings or static */
  gint64 entered_at;
  gint64 left_at;               /* 0: still inside */
  gint64 escort_id;
  const char *key;              /* NULL: none */
  gint64 key_returned_at;       /* 0: still out */
} DemoStay;

static gint64
demo_staff_id (KbDb        *db,
               const char  *staff,
               GError     **error)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT id FROM operators"
                                          " WHERE staff_number = ?1 AND active = 1", error);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (id == 0 && (error == NULL || *error == NULL))
    g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                 _("The demo office is incomplete; its equipment-room log cannot be added"));
  return id;
}

static int
compare_stays (gconstpointer a,
               gconstpointer b)
{
  const DemoStay *x = a, *y = b;

  return (x->entered_at > y->entered_at) - (x->entered_at < y->entered_at);
}

static gint64
demo_local (GTimeZone   *tz,
            const GDate *day,
            int          minutes)
{
  g_autoptr(GDateTime) t = g_date_time_new (tz, g_date_get_year (day), g_date_get_month (day),
                                            g_date_get_day (day), minutes / 60, minutes % 60, 0);

  return g_date_time_to_unix (t);
}

/* One office day: an errand or two, now and then a vendor's visit. */
static void
demo_room_day (GArray        *stays,
               GRand         *rand,
               GTimeZone     *tz,
               const GDate   *day,
               const gint64  *errand_ids,
               const gint64  *visit_escort_ids,
               guint         *next_visit,
               gboolean       visit)
{
  int minute = 9 * 60 + g_rand_int_range (rand, 0, 90);
  int n_errands = g_rand_double (rand) < 0.45 ? 0 : g_rand_int_range (rand, 1, 3);
  int total_weight = 0;

  for (guint i = 0; i < G_N_ELEMENTS (demo_room_errands); i++)
    total_weight += demo_room_errands[i].weight;

  if (visit)
    {
      guint v = (*next_visit)++ % G_N_ELEMENTS (demo_room_visits);
      int length = demo_room_visits[v].minutes + g_rand_int_range (rand, -20, 21);
      int start = 10 * 60 + g_rand_int_range (rand, 0, 60);
      gint64 in = demo_local (tz, day, start);
      gint64 out = demo_local (tz, day, start + length);
      const char *key = g_str_equal (demo_room_visits[v].room, DEMO_ROOM_MAIN)
                        ? DEMO_KEY_MAIN : DEMO_KEY_SERVER;
      DemoStay escort = { demo_room_visits[v].room, visit_escort_ids[v], NULL, NULL,
                          "業者作業の立会い", in, out + 5 * 60, 0, key, out + 5 * 60 };
      DemoStay vendor = { demo_room_visits[v].room, 0, demo_room_visits[v].name,
                          demo_room_visits[v].org, demo_room_visits[v].purpose, in, out,
                          visit_escort_ids[v], NULL, 0 };

      g_array_append_val (stays, escort);
      g_array_append_val (stays, vendor);
      /* The errands of the day wait until the visit is over. */
      minute = MAX (minute, start + length + 20);
    }

  for (int n = 0; n < n_errands; n++)
    {
      int pick = g_rand_int_range (rand, 0, total_weight);
      guint e = 0;
      int length;
      DemoStay stay = { 0 };

      while (pick >= demo_room_errands[e].weight)
        pick -= demo_room_errands[e++].weight;
      length = MAX (5, demo_room_errands[e].minutes + g_rand_int_range (rand, -8, 15));
      if (minute + length > 17 * 60)
        break;
      stay.room = demo_room_errands[e].room;
      stay.operator_id = errand_ids[e];
      stay.purpose = demo_room_errands[e].purpose;
      stay.entered_at = demo_local (tz, day, minute);
      stay.left_at = demo_local (tz, day, minute + length);
      stay.key = demo_room_errands[e].key;
      stay.key_returned_at = stay.left_at;
      g_array_append_val (stays, stay);
      minute += length + g_rand_int_range (rand, 40, 150);
    }
}

static gboolean
demo_room_write (KbDb          *db,
                 GArray        *stays,
                 GError       **error)
{
  for (guint i = 0; i < stays->len; i++)
    {
      const DemoStay *s = &g_array_index (stays, DemoStay, i);
      sqlite3_stmt *stmt;
      gint64 id;

      stmt = kb_db_prepare (db, "INSERT INTO room_entries (room, operator_id, visitor_name,"
                                " visitor_org, purpose, entered_at, escort_id, key_label,"
                                " recorded_by)"
                                " VALUES (?1, nullif (?2, 0), ?3, ?4, ?5, ?6, nullif (?7, 0), ?8,"
                                " nullif (?9, 0))", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, s->room, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, s->operator_id);
      sqlite3_bind_text (stmt, 3, s->visitor_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, s->visitor_org, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, s->purpose, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, s->entered_at);
      sqlite3_bind_int64 (stmt, 7, s->escort_id);
      sqlite3_bind_text (stmt, 8, s->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 9, kb_db_get_actor (db));
      if (!kb_db_step_done (db, stmt, error))
        return FALSE;
      id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
      if (!kb_journal_record (db, "room.enter", "room", id, NULL, error))
        return FALSE;
      if (s->left_at == 0)
        continue;

      stmt = kb_db_prepare (db, "UPDATE room_entries SET left_at = ?2,"
                                " key_returned_at = nullif (?3, 0) WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, s->left_at);
      sqlite3_bind_int64 (stmt, 3, s->key_returned_at);
      if (!kb_db_step_done (db, stmt, error))
        return FALSE;
      if (s->key != NULL && s->key_returned_at == 0)
        {
          g_autoptr(GString) buf = g_string_new (NULL);
          g_autofree char *detail = NULL;
          KbCanon canon;

          kb_canon_init (&canon, buf);
          kb_canon_add_string (&canon, "key", "kept");
          kb_canon_finish (&canon);
          detail = g_string_free (g_steal_pointer (&buf), FALSE);
          if (!kb_journal_record (db, "room.leave", "room", id, detail, error))
            return FALSE;
        }
      else if (!kb_journal_record (db, "room.leave", "room", id, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * kb_demo_seed_room:
 * @now: the moment the demo is seeded
 *
 * Fills the equipment-room log of the demo office with three months up to
 * @now: the network administrator (N2001) and his clerk going in, the
 * security officer's inspections, vendors escorted by them. At @now one
 * person is still inside the server room, and a key taken out of the
 * equipment room on the last office day has not come back. All entries
 * are recorded by N2001. One transaction; refused when the log already
 * has entries.
 */
gboolean
kb_demo_seed_room (KbDb       *db,
                   GDateTime  *now,
                   GError    **error)
{
  g_autoptr(GArray) stays = g_array_new (FALSE, FALSE, sizeof (DemoStay));
  g_autofree char *terminal = NULL;
  GTimeZone *tz;
  GRand *rand;
  gint64 errand_ids[G_N_ELEMENTS (demo_room_errands)];
  gint64 escort_ids[G_N_ELEMENTS (demo_room_visits)];
  gint64 keeper, clerk, actor, until;
  guint next_visit = 0, since_visit = 0;
  GDate today, day, last;
  sqlite3_stmt *stmt;
  gboolean ok;
  int y, m, d, n_rows;

  g_return_val_if_fail (now != NULL, FALSE);

  stmt = kb_db_prepare (db, "SELECT count (*) FROM room_entries", error);
  if (stmt == NULL)
    return FALSE;
  n_rows = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (n_rows != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The equipment-room log already has entries; the demo’s are only added "
                     "to an empty log. Nothing was changed."));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_room_errands); i++)
    if ((errand_ids[i] = demo_staff_id (db, demo_room_errands[i].staff, error)) == 0)
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (demo_room_visits); i++)
    if ((escort_ids[i] = demo_staff_id (db, demo_room_visits[i].escort, error)) == 0)
      return FALSE;
  if ((keeper = demo_staff_id (db, "N2001", error)) == 0 ||
      (clerk = demo_staff_id (db, "N2002", error)) == 0)
    return FALSE;

  tz = g_date_time_get_timezone (now);
  until = g_date_time_to_unix (now);
  g_date_time_get_ymd (now, &y, &m, &d);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, d, m, y);

  /* The last office day before today: the key that stayed out. */
  last = today;
  do
    g_date_subtract_days (&last, 1);
  while (!is_office_day (&last));

  rand = g_rand_new_with_seed (20260701);
  day = today;
  g_date_subtract_months (&day, 3);
  for (; g_date_compare (&day, &last) < 0; g_date_add_days (&day, 1))
    if (is_office_day (&day))
      {
        /* A vendor about every two weeks. */
        gboolean visit = ++since_visit >= 8 && g_rand_double (rand) < 0.3;

        if (visit)
          since_visit = 0;
        demo_room_day (stays, rand, tz, &day, errand_ids, escort_ids, &next_visit, visit);
      }
  g_rand_free (rand);

  {
    DemoStay kept = { DEMO_ROOM_MAIN, clerk, NULL, NULL, "バックアップ媒体の持ち出し準備",
                      demo_local (tz, &last, 16 * 60 + 20), demo_local (tz, &last, 16 * 60 + 45),
                      0, DEMO_KEY_SPARE, 0 };
    DemoStay inside = { DEMO_ROOM_SERVER, keeper, NULL, NULL, "ファームウェア更新前の構成確認",
                        until - 40 * 60, 0, 0, DEMO_KEY_SERVER, 0 };

    /* The history ends the office day before the last one, so the spare
     * key and the server room are free for these two. */
    g_array_append_val (stays, kept);
    g_array_append_val (stays, inside);
  }
  g_array_sort (stays, compare_stays);

  actor = kb_db_get_actor (db);
  terminal = g_strdup (kb_db_get_terminal (db));
  if (!kb_db_begin (db, error))
    return FALSE;
  /* Written as the network administrator keeps the log. */
  kb_db_set_actor (db, keeper, terminal);
  ok = demo_room_write (db, stays, error);
  kb_db_set_actor (db, actor, terminal);
  if (!ok)
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return kb_db_commit (db, error);
}

/**
 * kb_demo_seed_backup:
 *
 * Sets the demo office's backup passphrase (%KB_DEMO_BACKUP_PASSPHRASE),
 * as N1001, the security officer, would. Refused if one is set already.
 */
gboolean
kb_demo_seed_backup (KbDb    *db,
                     GError **error)
{
  g_autofree char *terminal = g_strdup (kb_db_get_terminal (db));
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gint64 officer = 0;
  gboolean ok;

  stmt = kb_db_prepare (db, "SELECT id FROM operators WHERE staff_number = 'N1001'", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    officer = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (officer == 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("The demo office has no security officer N1001"));
      return FALSE;
    }

  kb_db_set_actor (db, officer, terminal);
  ok = kb_backup_set_passphrase (db, NULL, KB_DEMO_BACKUP_PASSPHRASE, error);
  kb_db_set_actor (db, actor, terminal);
  return ok;
}

/* --- the information-asset register ------------------------------------- */

typedef struct {
  const char *number;
  const char *name;
  KbAssetKind kind;
  int classification;
  const char *location;
  const char *custodian;
  int acquired;              /* days before now */
  KbAssetStatus status;
  gboolean holds_data;
  const char *inventory_days;
  const char *notes;
} DemoAsset;

#define SERVER_ROOM "本庁舎 地下1階 機器設置室"
#define OFFICE "本庁舎 3階 市町村課 執務室"

static const DemoAsset demo_assets[] = {
  { "CD-01", "住基ネット端末ソフトウェア インストール媒体", KB_ASSET_MEDIA, 2, SERVER_ROOM " 保管庫",
    "N2001", 1000, KB_ASSET_STORED, TRUE, NULL, "再インストール用。持出し時は貸出を記録" },
  { "CS-01", "コミュニケーションサーバ（CS）", KB_ASSET_EQUIPMENT, 3, SERVER_ROOM " ラック1",
    "N2001", 1000, KB_ASSET_IN_USE, TRUE, NULL, "保守契約：2027年3月31日まで" },
  { "DOC-01", "住基ネット端末 操作マニュアル（運用手順書）", KB_ASSET_DOCUMENT, 2, OFFICE " 書棚",
    "N1001", 1000, KB_ASSET_IN_USE, FALSE, NULL, "第3版" },
  { "DOC-02", "住基ネットセキュリティ規程 綴", KB_ASSET_DOCUMENT, 2, OFFICE " 書棚",
    "N1001", 1000, KB_ASSET_IN_USE, FALSE, NULL, "平成18年改正を含む" },
  { "DOC-03", "端末使用管理簿 綴（紙の管理簿、令和6年度まで）", KB_ASSET_DOCUMENT, 3,
    OFFICE " 施錠キャビネット", "N1002", 800, KB_ASSET_STORED, FALSE, NULL,
    "電子化前の記録。保存年限5年" },
  { "DOC-04", "緊急時対応計画書", KB_ASSET_DOCUMENT, 2, OFFICE " 書棚",
    "N1001", 380, KB_ASSET_IN_USE, FALSE, NULL, "障害時・不適正行為時の連絡体制を含む" },
  { "DOC-05", "保守委託契約書 綴", KB_ASSET_DOCUMENT, 2, "本庁舎 4階 情報政策課 書庫",
    "N2001", 600, KB_ASSET_IN_USE, FALSE, NULL, "第16条の5項目を契約書に明記" },
  { "DOC-06", "機器設置室 入退室管理簿 綴", KB_ASSET_DOCUMENT, 2, SERVER_ROOM " 入口",
    "N2001", 600, KB_ASSET_IN_USE, FALSE, NULL, "" },
  { "FP-01", "指紋認証装置（1号機・2号機用）", KB_ASSET_EQUIPMENT, 2, OFFICE,
    "N1001", 300, KB_ASSET_IN_USE, TRUE, NULL, "指紋テンプレートを内部に保持" },
  { "FW-01", "ファイアウォール", KB_ASSET_EQUIPMENT, 3, SERVER_ROOM " ラック1",
    "N2001", 700, KB_ASSET_IN_USE, TRUE, NULL, "通信ログを90日保持" },
  { "HDD-01", "旧CSサーバ用ハードディスク", KB_ASSET_MEDIA, 3, SERVER_ROOM " 耐火金庫",
    "N2001", 1800, KB_ASSET_STORED, TRUE, NULL, "CSサーバ更新時に取り外し" },
  { "JK-01", "住基ネット端末 1号機", KB_ASSET_EQUIPMENT, 3, OFFICE,
    "N1001", 1000, KB_ASSET_IN_USE, TRUE, NULL, "" },
  { "JK-02", "住基ネット端末 2号機", KB_ASSET_EQUIPMENT, 3, OFFICE,
    "N1001", 1000, KB_ASSET_IN_USE, TRUE, NULL, "" },
  { "JK-03", "住基ネット端末 3号機", KB_ASSET_EQUIPMENT, 3, "本庁舎 2階 健康福祉政策課",
    "N3001", 1000, KB_ASSET_IN_USE, TRUE, NULL, "" },
  { "JK-04", "住基ネット端末 4号機（予備）", KB_ASSET_EQUIPMENT, 3, SERVER_ROOM,
    "N2001", 1000, KB_ASSET_STORED, TRUE, NULL, "障害時の予備機" },
  { "LTO-01", "バックアップテープ（日次）", KB_ASSET_MEDIA, 3, SERVER_ROOM " 耐火金庫",
    "N2001", 500, KB_ASSET_IN_USE, TRUE, "90", "" },
  { "LTO-02", "バックアップテープ（週次）", KB_ASSET_MEDIA, 3, SERVER_ROOM " 耐火金庫",
    "N2001", 500, KB_ASSET_IN_USE, TRUE, "90", "" },
  { "LTO-03", "バックアップテープ（月次・遠隔地保管）", KB_ASSET_MEDIA, 3, "別棟 書庫 耐火金庫",
    "N2001", 500, KB_ASSET_STORED, TRUE, "90", "" },
  { "PR-01", "住基ネット専用プリンタ", KB_ASSET_EQUIPMENT, 2, OFFICE,
    "N1002", 350, KB_ASSET_IN_USE, FALSE, NULL, "" },
  { "RT-01", "ルータ（住基ネット専用回線）", KB_ASSET_EQUIPMENT, 2, SERVER_ROOM " ラック1",
    "N2001", 1000, KB_ASSET_IN_USE, FALSE, NULL, "" },
  { "SW-01", "住基ネット CSクライアントソフトウェア", KB_ASSET_SOFTWARE, 3, SERVER_ROOM,
    "N2001", 1000, KB_ASSET_IN_USE, FALSE, NULL, "端末4台分" },
  { "SW-02", "ウイルス対策ソフトウェア（端末用 5ライセンス）", KB_ASSET_SOFTWARE, 2, SERVER_ROOM,
    "N2001", 340, KB_ASSET_IN_USE, FALSE, NULL, "定義ファイルはCS経由で更新" },
  { "USB-00", "USBメモリ（旧式・暗号化なし）", KB_ASSET_MEDIA, 3, OFFICE " 施錠キャビネット",
    "N1001", 1500, KB_ASSET_STORED, TRUE, "180", "" },
  { "USB-01", "暗号化USBメモリ 1（データ移送用）", KB_ASSET_MEDIA, 3, OFFICE " 施錠キャビネット",
    "N1001", 400, KB_ASSET_STORED, TRUE, "180", "" },
  { "USB-02", "暗号化USBメモリ 2（データ移送用）", KB_ASSET_MEDIA, 3, OFFICE " 施錠キャビネット",
    "N1001", 400, KB_ASSET_STORED, TRUE, "180", "" },
};

typedef struct {
  KbDb *db;
  GDateTime *now;
  GHashTable *ids;       /* asset number → id */
} DemoAssets;

static gint64
demo_staff (KbDb       *db,
            const char *staff)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, "SELECT id FROM operators WHERE staff_number = ?1",
                                      NULL);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/* The register's clock at 10:00 (plus @minutes) @days before now, acting
 * as @staff. */
static void
demo_as (DemoAssets *self,
         const char *staff,
         int         days,
         int         minutes)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (self->now, -days);
  g_autoptr(GDateTime) at = g_date_time_new (g_date_time_get_timezone (self->now),
                                             g_date_time_get_year (day),
                                             g_date_time_get_month (day),
                                             g_date_time_get_day_of_month (day), 10, minutes, 0);

  kb_assets_set_clock (g_date_time_to_unix (at));
  kb_db_set_actor (self->db, demo_staff (self->db, staff), NULL);
}

static char *
demo_date (DemoAssets *self,
           int         days)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (self->now, -days);

  return g_date_time_format (day, "%Y-%m-%d");
}

static gint64
demo_id (DemoAssets *self,
         const char *number)
{
  return GPOINTER_TO_SIZE (g_hash_table_lookup (self->ids, number));
}

static gboolean
demo_check (DemoAssets  *self,
            int          days,
            const char  *number,
            const char  *seen_by,
            const char  *location,
            KbAssetCondition condition,
            const char  *notes,
            GError     **error)
{
  demo_as (self, "N2001", days, 30);
  return kb_assets_check (self->db, demo_id (self, number), demo_staff (self->db, seen_by),
                          location, condition, notes, error);
}

static gboolean
demo_assets_write (DemoAssets  *self,
                   GError     **error)
{
  static const struct {
    const char *number;
    const char *seen_by;
  } inventory[] = {
    { "CD-01", "N2002" }, { "CS-01", "N2002" }, { "DOC-01", "N1003" }, { "DOC-02", "N1003" },
    { "DOC-03", "N1004" }, { "DOC-05", "N2002" }, { "FW-01", "N2002" }, { "HDD-01", "N2002" },
    { "JK-01", "N1003" }, { "JK-02", "N1004" }, { "JK-03", "N3002" }, { "JK-04", "N2002" },
    { "RT-01", "N2002" }, { "SW-01", "N2002" },
  };
  KbDb *db = self->db;
  g_autofree char *due_soon = demo_date (self, 85);
  g_autofree char *due_last_week = demo_date (self, 7);

  /* Registered the day each was acquired: equipment, software and media
   * by the network administrator, documents by the security officer. */
  for (guint i = 0; i < G_N_ELEMENTS (demo_assets); i++)
    {
      const DemoAsset *a = &demo_assets[i];
      g_autofree char *acquired = demo_date (self, a->acquired);
      KbAssetChange change = {
        .number = a->number,
        .name = a->name,
        .kind = a->kind,
        .classification = a->classification,
        .location = a->location,
        .custodian_id = demo_staff (db, a->custodian),
        .acquired_on = acquired,
        .status = a->status,
        .holds_data = a->holds_data,
        .inventory_days = a->inventory_days,
        .notes = a->notes,
      };
      gint64 id;

      demo_as (self, a->kind == KB_ASSET_DOCUMENT ? "N1001" : "N2001", a->acquired, 0);
      id = kb_assets_save (db, &change, error);
      if (id == 0)
        return FALSE;
      g_hash_table_insert (self->ids, (gpointer) a->number, GSIZE_TO_POINTER (id));
    }

  /* Oldest first. */
  demo_as (self, "N1001", 400, 0);
  if (!kb_assets_hand_over (db, demo_id (self, "DOC-03"), demo_staff (db, "N1001"), NULL,
                            "年度替わりの担当替え（紙の管理簿は課長が保管）", error))
    return FALSE;
  demo_as (self, "N2001", 250, 0);
  if (!kb_assets_set_status (db, demo_id (self, "RT-01"), KB_ASSET_REPAIR,
                             "専用回線の断続障害。保守業者へ修理依頼", error))
    return FALSE;
  demo_as (self, "N2001", 240, 0);
  if (!kb_assets_return (db, demo_id (self, "RT-01"), NULL,
                         "電源ユニット交換、ファームウェア更新済み", error))
    return FALSE;

  /* The yearly inventory. */
  for (guint i = 0; i < G_N_ELEMENTS (inventory); i++)
    if (!demo_check (self, 200, inventory[i].number, inventory[i].seen_by, NULL,
                     KB_CONDITION_GOOD, NULL, error))
      return FALSE;
  if (!demo_check (self, 200, "DOC-06", "N2002", NULL, KB_CONDITION_DAMAGED,
                   "表紙が破損。綴じ直しを依頼", error))
    return FALSE;

  demo_as (self, "N1001", 150, 0);
  if (!kb_assets_hand_over (db, demo_id (self, "JK-02"), demo_staff (db, "N1002"), NULL,
                            "端末管理の分担見直し（2号機は松本補佐が管理）", error))
    return FALSE;

  /* An old USB stick without encryption, disposed of. */
  demo_as (self, "N2001", 110, 0);
  if (!kb_assets_request_disposal (db, demo_id (self, "USB-00"),
                                   "暗号化機能のない旧式媒体のため使用を終了",
                                   KB_DISPOSAL_DESTRUCTION, KB_DISPOSAL_DATA_NOT_NEEDED, 0, error))
    return FALSE;
  demo_as (self, "N1001", 105, 0);
  if (!kb_assets_decide_disposal (db, demo_id (self, "USB-00"), TRUE, NULL, error))
    return FALSE;

  if (!demo_check (self, 100, "LTO-03", "N2002", NULL, KB_CONDITION_GOOD, NULL, error) ||
      !demo_check (self, 100, "USB-01", "N1003", NULL, KB_CONDITION_GOOD, NULL, error) ||
      !demo_check (self, 100, "USB-02", "N1003", NULL, KB_CONDITION_GOOD, NULL, error))
    return FALSE;

  demo_as (self, "N1001", 90, 0);
  if (!kb_assets_lend (db, demo_id (self, "USB-01"), demo_staff (db, "N1004"), due_soon,
                       "市町村への転入通知データの持参", error))
    return FALSE;
  demo_as (self, "N1001", 86, 0);
  if (!kb_assets_return (db, demo_id (self, "USB-01"), NULL, "データ消去を確認", error))
    return FALSE;

  demo_as (self, "N1001", 60, 0);
  if (!kb_assets_hand_over (db, demo_id (self, "PR-01"), demo_staff (db, "N1004"), NULL,
                            "プリンタ管理担当の変更", error))
    return FALSE;
  if (!demo_check (self, 45, "LTO-01", "N2002", NULL, KB_CONDITION_GOOD, NULL, error) ||
      !demo_check (self, 30, "LTO-02", "N2002", NULL, KB_CONDITION_GOOD, NULL, error))
    return FALSE;

  /* Lent three weeks ago, due back last week, not back yet. */
  demo_as (self, "N1001", 20, 0);
  if (!kb_assets_lend (db, demo_id (self, "USB-02"), demo_staff (db, "N1003"), due_last_week,
                       "転出入届の照合データの移送", error))
    return FALSE;

  /* The old server disk, awaiting the security officer's approval. */
  demo_as (self, "N2001", 3, 0);
  return kb_assets_request_disposal (db, demo_id (self, "HDD-01"),
                                     "CSサーバ更新で不要となったため（データは新サーバへ移行済み）",
                                     KB_DISPOSAL_DEGAUSSING, KB_DISPOSAL_DATA_NOT_NEEDED, 0,
                                     error);
}

/**
 * kb_demo_seed_assets:
 * @now: the demo's "now"; the register's past is written relative to it
 *
 * The demo office's information-asset register: 25 assets (the Juki-Net
 * terminals, the CS server, the network equipment, software, backup tapes
 * and USB media, the binders), hand-overs, a repair, the yearly inventory
 * and later checks (two due, two overdue), a USB stick lent and overdue,
 * one disposal done and one requested by N2001 awaiting approval. Each
 * change is made by the person it says, through kb-assets.c, at the time
 * it says. All or nothing; refused when the register has assets.
 */
gboolean
kb_demo_seed_assets (KbDb       *db,
                     GDateTime  *now,
                     GError    **error)
{
  DemoAssets self = { db, now, NULL };
  g_autofree char *terminal = g_strdup (kb_db_get_terminal (db));
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gboolean ok;
  int n;

  stmt = kb_db_prepare (db, "SELECT count (*) FROM assets", error);
  if (stmt == NULL)
    return FALSE;
  n = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (n != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The information-asset register already has assets; the demo assets "
                     "are only added to an empty register. Nothing was changed."));
      return FALSE;
    }

  if (!kb_db_begin (db, error))
    return FALSE;
  self.ids = g_hash_table_new (g_str_hash, g_str_equal);
  ok = demo_assets_write (&self, error);
  g_hash_table_unref (self.ids);
  kb_assets_set_clock (0);
  kb_db_set_actor (db, actor, terminal);
  if (!ok)
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return kb_db_commit (db, error);
}

/* --- audits ----------------------------------------------------------------- */

typedef struct {
  KbDb *db;
  GDateTime *now;
  gint64 officer;        /* N1001 */
  gint64 admin;          /* N2001 */
  gint64 auditor;        /* N2003 */
} DemoAudits;

/* "YYYY-MM-DD" of @date. */
static char *
demo_day_text (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* Acts as @staff, with the audit register's clock at 10:00 (plus @hours)
 * of @date, never later than now. */
static void
demo_audit_as (DemoAudits  *self,
               gint64       staff,
               const GDate *date,
               int          hours)
{
  g_autoptr(GDateTime) at = g_date_time_new (g_date_time_get_timezone (self->now),
                                             g_date_get_year (date), g_date_get_month (date),
                                             g_date_get_day (date), 10, 0, 0);
  gint64 t = g_date_time_to_unix (at) + hours * 3600;

  kb_audit_set_clock (MIN (t, g_date_time_to_unix (self->now) - 60));
  kb_db_set_actor (self->db, staff, NULL);
}

static gint64
demo_audit_plan (DemoAudits           *self,
                 KbAuditKind           kind,
                 const char           *title,
                 const char           *scope,
                 const GDate          *from,
                 const GDate          *to,
                 const GDate          *planned,
                 int                   recurrence,
                 const KbAuditorSpec  *auditors,
                 guint                 n_auditors,
                 GError              **error)
{
  g_autofree char *from_text = demo_day_text (from);
  g_autofree char *to_text = demo_day_text (to);
  g_autofree char *planned_text = demo_day_text (planned);
  KbAuditChange change = {
    .kind = kind,
    .title = title,
    .scope = scope,
    .period_from = from_text,
    .period_to = to_text,
    .planned_on = planned_text,
    .recurrence_months = recurrence,
    .auditors = auditors,
    .n_auditors = n_auditors,
  };

  return kb_audit_save (self->db, &change, error);
}

static gint64
demo_finding (DemoAudits           *self,
              gint64                audit_id,
              KbSeverity            severity,
              const char           *description,
              gint64                responsible,
              const char           *action,
              const GDate          *due,
              const KbFindingLink  *links,
              guint                 n_links,
              GError              **error)
{
  g_autofree char *due_text = demo_day_text (due);
  KbFindingChange change = {
    .audit_id = audit_id,
    .severity = severity,
    .description = description,
    .responsible_id = responsible,
    .action = action,
    .due_on = due_text,
    .links = links,
    .n_links = n_links,
  };

  return kb_finding_save (self->db, &change, error);
}

/* The newest usage entry of N1003's without a purpose, and the USB stick
 * lent and overdue; 0 when that part of the demo is not there. */
static gint64
demo_lookup (KbDb       *db,
             const char *sql)
{
  sqlite3_stmt *stmt = kb_db_prepare (db, sql, NULL);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

static gboolean
demo_audits_write (DemoAudits  *self,
                   GError     **error)
{
  static const char internal_scope[] =
    "端末使用管理簿の記載と監督者の確認、ICカードとパスワードの管理、"
    "情報資産管理簿と媒体の貸出、機器設置室の入退室管理";
  KbDb *db = self->db;
  KbAuditorSpec council[] = {
    { 0, "長野 花子", "本人確認情報保護審議会" },
    { 0, "上田 一郎", "本人確認情報保護審議会" },
  };
  KbAuditorSpec staff[] = {
    { self->auditor, NULL, NULL },
    { self->admin, NULL, NULL },
  };
  KbAuditorSpec outside[] = {
    { 0, "上田 一郎", "本人確認情報保護審議会" },
    { 0, "佐藤 健", "信州情報セキュリティ監査株式会社" },
  };
  gint64 clerk = demo_staff (db, "N1003");
  gint64 supervisor = demo_staff (db, "N1002");
  gint64 admin_clerk = demo_staff (db, "N2002");
  gint64 usage_id, usb_id, id, next, finding, first;
  GDate today, half_from, half_to, prev_from, prev_to, from, to, planned, day;
  int y, m, d;

  g_date_time_get_ymd (self->now, &y, &m, &d);
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, d, m, y);

  /* The half of the fiscal year (April to September, October to March)
   * today is in, and the one before it. */
  g_date_clear (&half_from, 1);
  if (m >= 4 && m <= 9)
    g_date_set_dmy (&half_from, 1, G_DATE_APRIL, y);
  else
    g_date_set_dmy (&half_from, 1, G_DATE_OCTOBER, m >= 10 ? y : y - 1);
  half_to = half_from;
  kb_date_add_months_clamped (&half_to, 6);
  g_date_subtract_days (&half_to, 1);
  prev_from = half_from;
  kb_date_add_months_clamped (&prev_from, -6);
  prev_to = half_from;
  g_date_subtract_days (&prev_to, 1);

  /* Before use began, two years ago: the Protection Council's members. */
  planned = today;
  g_date_subtract_days (&planned, 2 * 365 + 20);
  to = planned;
  g_date_subtract_days (&to, 1);
  from = to;
  kb_date_add_months_clamped (&from, -1);
  demo_audit_as (self, self->officer, &planned, -24 * 30);
  id = demo_audit_plan (self, KB_AUDIT_PRE_USE, "住基ネット端末 利用開始前の事前監査",
                        "端末の設置場所と画面の向き、ICカード・パスワード・指紋認証による"
                        "アクセス管理、情報資産管理簿、機器設置室の入退室管理、"
                        "セキュリティ規程と緊急時対応計画の整備状況",
                        &from, &to, &planned, 0, council, G_N_ELEMENTS (council), error);
  if (id == 0)
    return FALSE;
  demo_audit_as (self, self->officer, &planned, 0);
  if (!kb_audit_advance (db, id, KB_AUDIT_IN_PROGRESS, NULL, error))
    return FALSE;
  day = planned;
  g_date_add_days (&day, 7);
  demo_audit_as (self, self->officer, &day, 0);
  if (!kb_audit_advance (db, id, KB_AUDIT_REPORTED, NULL, error))
    return FALSE;
  g_date_add_days (&day, 3);
  demo_audit_as (self, self->officer, &day, 0);
  if (!kb_audit_advance (db, id, KB_AUDIT_CLOSED, NULL, error))
    return FALSE;

  /* The internal audit of the previous half, every six months: two
   * findings, both corrected, so it closed and planned this half's. */
  planned = prev_to;
  g_date_add_days (&planned, 14);
  day = prev_from;
  g_date_add_days (&day, 30);
  demo_audit_as (self, self->officer, &day, 0);
  id = demo_audit_plan (self, KB_AUDIT_INTERNAL, "住基ネット 内部監査（半期）", internal_scope,
                        &prev_from, &prev_to, &planned, 6, staff, G_N_ELEMENTS (staff), error);
  if (id == 0)
    return FALSE;
  demo_audit_as (self, self->officer, &planned, 0);
  if (!kb_audit_advance (db, id, KB_AUDIT_IN_PROGRESS, NULL, error))
    return FALSE;
  day = planned;
  g_date_add_days (&day, 2);
  demo_audit_as (self, self->auditor, &day, 0);
  g_date_add_days (&day, 30);
  finding = demo_finding (self, id, KB_SEVERITY_MEDIUM,
                          "端末使用記録の監督者確認が、使用の都度ではなく月末にまとめて"
                          "行われている。",
                          supervisor, "使用の翌営業日までに確認する運用に改め、確認遅れを"
                          "月次で把握する。", &day, NULL, 0, error);
  if (finding == 0)
    return FALSE;
  first = finding;
  day = planned;
  g_date_add_days (&day, 2);
  demo_audit_as (self, self->auditor, &day, 1);
  g_date_add_days (&day, 30);
  finding = demo_finding (self, id, KB_SEVERITY_LOW,
                          "機器設置室の鍵の返却時刻が記録されていない日がある。",
                          admin_clerk, "鍵の返却を退室の記録と同時に行う。", &day, NULL, 0,
                          error);
  if (finding == 0)
    return FALSE;
  day = planned;
  g_date_add_days (&day, 10);
  demo_audit_as (self, self->officer, &day, 0);
  if (!kb_audit_advance (db, id, KB_AUDIT_REPORTED, NULL, error))
    return FALSE;
  g_date_add_days (&day, 8);
  demo_audit_as (self, admin_clerk, &day, 0);
  if (!kb_finding_close (db, finding, "入退室管理を電子化し、退室と同時に鍵の返却を記録。"
                         "鍵を持ち出したままの退室は一覧に残る。", error))
    return FALSE;
  g_date_add_days (&day, 2);
  demo_audit_as (self, supervisor, &day, 0);
  if (!kb_finding_close (db, first, "翌月分から翌営業日までに確認。確認待ちの一覧を毎週"
                         "点検している（確認遅れ 0件）。", error))
    return FALSE;
  g_date_add_days (&day, 5);
  demo_audit_as (self, self->officer, &day, 0);
  if (!kb_audit_advance (db, id, KB_AUDIT_CLOSED, &next, error))
    return FALSE;

  /* This half's, started early: the auditors look at the registers as
   * they are kept. N2001 audits the room log he keeps himself, which the
   * Audits page warns about. One finding is past its due date. */
  day = today;
  g_date_subtract_days (&day, 10);
  demo_audit_as (self, self->officer, &day, 0);
  if (!kb_audit_advance (db, next, KB_AUDIT_IN_PROGRESS, NULL, error))
    return FALSE;
  usage_id = demo_lookup (db, "SELECT u.id FROM usage u JOIN operators o ON o.id = u.operator_id"
                              " WHERE u.task_id IS NULL AND o.staff_number = 'N1003'"
                              " ORDER BY u.started_at DESC LIMIT 1");
  usb_id = demo_lookup (db, "SELECT id FROM assets WHERE number = 'USB-02' AND status = 'lent'");
  {
    KbFindingLink usage_link[] = { { "usage", usage_id } };
    KbFindingLink usb_link[] = { { "asset", usb_id } };

    g_date_add_days (&day, 2);
    demo_audit_as (self, self->auditor, &day, 0);
    day = today;
    g_date_subtract_days (&day, 3);
    if (demo_finding (self, next, KB_SEVERITY_HIGH,
                      "利用事務の記入がない端末使用記録があり、監督者の確認も済んでいない。"
                      "目的外利用でないことが記録から確かめられない。",
                      clerk, "利用事務を補記し、監督者の確認を受ける。", &day,
                      usage_link, usage_id != 0 ? 1 : 0, error) == 0)
      return FALSE;
    day = today;
    g_date_subtract_days (&day, 8);
    demo_audit_as (self, self->auditor, &day, 2);
    day = today;
    g_date_add_days (&day, 7);
    if (demo_finding (self, next, KB_SEVERITY_MEDIUM,
                      "貸出期限を過ぎた暗号化USBメモリが返却されていない。",
                      self->officer, "借受者に返却させ、データ消去を確認する。", &day,
                      usb_link, usb_id != 0 ? 1 : 0, error) == 0)
      return FALSE;
  }

  /* The external audit of the last fiscal year, next month. */
  g_date_clear (&from, 1);
  g_date_set_dmy (&from, 1, G_DATE_APRIL, m >= 4 ? y - 1 : y - 2);
  to = from;
  kb_date_add_months_clamped (&to, 12);
  g_date_subtract_days (&to, 1);
  planned = today;
  kb_date_add_months_clamped (&planned, 1);
  day = today;
  g_date_subtract_days (&day, 5);
  demo_audit_as (self, self->officer, &day, 0);
  return demo_audit_plan (self, KB_AUDIT_EXTERNAL, "住基ネット 外部監査",
                          "セキュリティ規程の遵守状況、内部監査の指摘事項と是正措置、"
                          "研修の実施状況、委託先の管理",
                          &from, &to, &planned, 12, outside, G_N_ELEMENTS (outside),
                          error) != 0;
}

/**
 * kb_demo_seed_audits:
 * @now: the demo's "now"
 *
 * The demo office's audits: the pre-use audit by two Protection Council
 * members two years ago (closed, no findings); the internal audit of the
 * previous half of the fiscal year by N2003 (auditor) and N2001 (network
 * administrator), closed with its two findings corrected, which planned
 * this half's; this half's in progress with two findings (a usage entry
 * without a purpose, past its due date; the overdue USB stick); and an
 * external audit planned next month. Each step is taken by the person it
 * says, through kb-audit.c. All or nothing; refused when there are audits.
 */
gboolean
kb_demo_seed_audits (KbDb       *db,
                     GDateTime  *now,
                     GError    **error)
{
  DemoAudits self = { db, now, 0, 0, 0 };
  g_autofree char *terminal = g_strdup (kb_db_get_terminal (db));
  gint64 actor = kb_db_get_actor (db);
  gboolean ok;
  int n;

  g_return_val_if_fail (now != NULL, FALSE);

  n = (int) demo_lookup (db, "SELECT count (*) FROM audits");
  if (n != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The audit register already has audits; the demo’s are only added to "
                     "an empty register. Nothing was changed."));
      return FALSE;
    }
  self.officer = demo_staff (db, "N1001");
  self.admin = demo_staff (db, "N2001");
  self.auditor = demo_staff (db, "N2003");
  if (self.officer == 0 || self.admin == 0 || self.auditor == 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                   _("The demo office is incomplete; its audits cannot be added"));
      return FALSE;
    }

  if (!kb_db_begin (db, error))
    return FALSE;
  ok = demo_audits_write (&self, error);
  kb_audit_set_clock (0);
  kb_db_set_actor (db, actor, terminal);
  if (!ok)
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return kb_db_commit (db, error);
}

/* --- training ------------------------------------------------------------- */

typedef struct {
  KbDb *db;
  GError **error;
} DemoTraining;

/* "YYYY-MM-DD HH:MM" of @day at @hour:@minute, local time. */
static char *
demo_training_time (GDateTime *day,
                    int        hour,
                    int        minute)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (day);
  g_autoptr(GDateTime) t = g_date_time_new_local (g_date_time_get_year (local),
                                                  g_date_time_get_month (local),
                                                  g_date_time_get_day_of_month (local),
                                                  hour, minute, 0);
  return g_date_time_format (t, "%Y-%m-%d %H:%M");
}

/* Schedules a session on @day, invites @staff a week before, and (when
 * @marks is not NULL) marks them ten minutes after it ends. */
static gboolean
demo_training_session (DemoTraining             *self,
                       const char               *title,
                       KbTrainingKind            kind,
                       KbTrainingAudience        audience,
                       GDateTime                *day,
                       int                       hour,
                       int                       hours,
                       const char               *place,
                       const char               *materials,
                       const char * const       *staff,
                       const KbAttendanceMark   *marks)
{
  g_autofree char *starts = demo_training_time (day, hour, 0);
  g_autofree char *ends = demo_training_time (day, hour + hours, 0);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  KbTrainingChange change = {
    .title = title, .kind = kind, .starts = starts, .ends = ends, .place = place,
    .trainer_id = demo_staff_id (self->db, "N1002", self->error), .audience = audience,
    .materials = materials,
  };
  g_autoptr(GDateTime) start_local = NULL;
  gint64 id, start;
  int y, m, d;

  if (change.trainer_id == 0)
    return FALSE;
  for (guint i = 0; staff[i] != NULL; i++)
    {
      gint64 op = demo_staff_id (self->db, staff[i], self->error);

      if (op == 0)
        return FALSE;
      g_array_append_val (ids, op);
    }

  g_date_time_get_ymd (day, &y, &m, &d);
  start_local = g_date_time_new_local (y, m, d, hour, 0, 0);
  start = g_date_time_to_unix (start_local);

  kb_training_set_clock (start - 7 * 24 * 3600);
  id = kb_training_save (self->db, &change, self->error);
  if (id == 0 ||
      !kb_training_invite (self->db, id, (const gint64 *) ids->data, ids->len, NULL, NULL,
                           self->error))
    return FALSE;
  if (marks == NULL)
    return TRUE;
  kb_training_set_clock (start + hours * 3600 + 600);
  return kb_training_mark (self->db, id, (const gint64 *) ids->data, marks, ids->len,
                           self->error);
}

static gboolean
demo_training_write (DemoTraining *self,
                     GDateTime    *now)
{
  static const char * const everyone[] = {
    "N1001", "N1003", "N1004", "N1005", "N2001", "N2002", "N2003", "N3001", "N3002",
    "N3003", "N3004", NULL
  };
  static const KbAttendanceMark everyone_present[] = {
    KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_PRESENT,
    KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_PRESENT,
    KB_MARK_PRESENT,
  };
  static const char * const first_room[] = { "N1003", "N1004", "N1005", "N2002", NULL };
  static const KbAttendanceMark first_marks[] = {
    KB_MARK_PRESENT, KB_MARK_LATE, KB_MARK_PRESENT, KB_MARK_ABSENT,
  };
  static const char * const second_room[] = { "N3002", "N3003", "N3004", NULL };
  static const KbAttendanceMark second_marks[] = {
    KB_MARK_PRESENT, KB_MARK_EXCUSED, KB_MARK_PRESENT,
  };
  static const char * const incident_room[] = { "N1003", "N1004", "N3002", "N2002", NULL };
  static const KbAttendanceMark incident_marks[] = {
    KB_MARK_PRESENT, KB_MARK_PRESENT, KB_MARK_LATE, KB_MARK_EXCUSED,
  };
  static const char * const makeup_room[] = { "N2002", "N3003", NULL };
  g_autoptr(GDateTime) back = g_date_time_add_days (now, -60);
  g_autoptr(GDateTime) first_use = NULL;
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) second = NULL;
  g_autoptr(GDateTime) incident = g_date_time_add_days (now, -40);
  g_autoptr(GDateTime) makeup = g_date_time_add_days (now, 7);
  g_autofree char *label = NULL;
  g_autofree char *first_title = NULL;
  g_autofree char *second_title = NULL;
  KbTrainingPolicy policy = { KB_TRAINING_POLICY_REFUSE, 6, 30 };
  gint64 officer;
  GDate date;
  int fy;

  /* The fiscal year whose spring training is over (two months back). */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (back), g_date_time_get_month (back),
                  g_date_time_get_year (back));
  fy = kb_fiscal_year_of (&date);
  label = kb_fiscal_year_label (fy, TRUE);
  first_use = g_date_time_new_local (fy - 3, 4, 10, 0, 0, 0);
  first = g_date_time_new_local (fy, 4, 15, 0, 0, 0);
  second = g_date_time_new_local (fy, 5, 20, 0, 0, 0);
  first_title = g_strdup_printf ("%s 住基ネット年度当初研修（第1回）", label);
  second_title = g_strdup_printf ("%s 住基ネット年度当初研修（第2回）", label);

  if (!demo_training_session (self, "住基ネット操作者研修（利用開始前）", KB_TRAINING_FIRST_USE,
                              KB_AUDIENCE_OPERATORS, first_use, 13, 3,
                              "本庁舎 3階 第1会議室",
                              "セキュリティ規程・操作手順書（共有フォルダ 研修/利用開始前）",
                              everyone, everyone_present) ||
      !demo_training_session (self, first_title, KB_TRAINING_FISCAL_YEAR,
                              KB_AUDIENCE_OPERATORS, first, 14, 2, "本庁舎 3階 第1会議室",
                              "年度当初研修資料（規程改正点、パスワード管理、目的外利用の禁止）",
                              first_room, first_marks) ||
      !demo_training_session (self, second_title, KB_TRAINING_FISCAL_YEAR,
                              KB_AUDIENCE_OPERATORS, second, 10, 2, "西庁舎 2階 研修室",
                              "年度当初研修資料（規程改正点、パスワード管理、目的外利用の禁止）",
                              second_room, second_marks) ||
      !demo_training_session (self, "不適正アクセス事案を受けた臨時研修", KB_TRAINING_AD_HOC,
                              KB_AUDIENCE_NAMED, incident, 15, 1, "本庁舎 3階 第2会議室",
                              "他県で発生した目的外照会の事例と再発防止策",
                              incident_room, incident_marks) ||
      !demo_training_session (self, "住基ネット年度当初研修（追加開催）",
                              KB_TRAINING_FISCAL_YEAR, KB_AUDIENCE_NAMED, makeup, 10, 2,
                              "本庁舎 3階 第1会議室", "年度当初研修資料（第1回・第2回と同じ）",
                              makeup_room, NULL))
    return FALSE;

  /* The security officer makes the training a condition of signing in. */
  if ((officer = demo_staff_id (self->db, "N1001", self->error)) == 0)
    return FALSE;
  kb_db_set_actor (self->db, officer, kb_db_get_terminal (self->db));
  return kb_training_set_policy (self->db, &policy, self->error);
}

/**
 * kb_demo_seed_training:
 * @now: the demo's "now"; the sessions are placed relative to it
 *
 * The demo office's training, given by N1002 (trainer): everyone's
 * first-use training three years ago; this fiscal year's training in April
 * and May in two sessions, which N2002 田中 (absent) and N3003 荻原
 * (excused) missed, so that after 30 June they are overdue; an ad-hoc
 * session after an incident; a make-up session next week, invitations
 * sent, nothing marked; and the policy "refuse", set by N1001. All or
 * nothing; refused when the register has sessions.
 */
gboolean
kb_demo_seed_training (KbDb       *db,
                       GDateTime  *now,
                       GError    **error)
{
  DemoTraining self = { db, error };
  g_autofree char *terminal = g_strdup (kb_db_get_terminal (db));
  gint64 actor = kb_db_get_actor (db);
  sqlite3_stmt *stmt;
  gint64 trainer;
  gboolean ok;
  int n;

  stmt = kb_db_prepare (db, "SELECT count (*) FROM trainings", error);
  if (stmt == NULL)
    return FALSE;
  n = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (n != 0)
    {
      g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED,
                   _("The training register already has sessions; the demo sessions are "
                     "only added to an empty register. Nothing was changed."));
      return FALSE;
    }

  if (!kb_db_begin (db, error))
    return FALSE;
  trainer = demo_staff_id (db, "N1002", error);
  if (trainer != 0)
    {
      kb_db_set_actor (db, trainer, terminal);
      ok = demo_training_write (&self, now);
    }
  else
    ok = FALSE;
  kb_training_set_clock (0);
  kb_db_set_actor (db, actor, terminal);
  if (!ok)
    {
      kb_db_rollback (db);
      return FALSE;
    }
  return kb_db_commit (db, error);
}
