/* test-admin.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The administration registers: what is refused (and that a refusal saves
 * nothing), what is normalised, the journal entries each change writes,
 * the demo office, and the asynchronous store the UI talks to.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-canon.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-store-jobs.h"
#include "kb-store.h"
#include "kb-test-util.h"

#include <locale.h>
#include <string.h>

typedef KbTestFixture Fixture;

#define DEMO_ENTRIES KB_TEST_DEMO_ENTRIES

static KbDb *
open_ok (const char    *path,
         KbDbOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  KbDb *db = kb_db_open (path, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static void
seed (KbDb *db)
{
  g_autoptr(GError) error = NULL;

  kb_demo_seed (db, &error);
  g_assert_no_error (error);
}

static void
setup_empty (Fixture       *fixture,
             gconstpointer  data)
{
  kb_test_fixture_setup (fixture, data);
  fixture->db = open_ok (fixture->path, KB_DB_OPEN_CREATE);
}

static void
setup_demo (Fixture       *fixture,
            gconstpointer  data)
{
  setup_empty (fixture, data);
  seed (fixture->db);
}

static void
assert_intact (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  kb_verify_report_clear (&report);
}

static char *
read_anchor (KbDb *db)
{
  g_autofree char *path = kb_db_get_anchor_path (db);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* --- what is refused ------------------------------------------------------ */

/* 61 characters, each of them three bytes in UTF-8. */
#define JA_61 \
  "住民基本台帳ネットワークシステム端末の管理責任者の所属する課の名称が長すぎる場合の" \
  "試験用文字列として使う六十一文字の名前例"
/* 17 characters, one over KB_MAX_STAFF_NUMBER. */
#define STAFF_17 "N1234567890123456"
#define RLO "\xe2\x80\xae"

/* The demo office plus a retired division, id 4. */
#define RETIRED_DIVISION 4

typedef enum {
  DO_DIVISION,
  DO_OPERATOR,
  DO_TERMINAL,
  DO_TASK,
  DO_RETIRE,
  DO_SEED,
} Action;

typedef struct {
  const char *name;
  Action      action;
  gint64      id;
  /* division, task: name; operator: staff number; terminal: code;
   * retire: the register */
  const char *a;
  /* operator, terminal: name; task: description */
  const char *b;
  /* operator: kana; terminal: location */
  const char *c;
  gint64      division;  /* operator: its division; task: its one division, 0 for none */
  KbRoles     roles;
  const char *reason;
  /* What must be reported: a field error, or a store error (field NULL). */
  const char *field;
  int         code;
  /* Who tries: 0 for the system, else a demo operator. */
  gint64      actor;
} InvalidCase;

#define OP KB_ROLE_OPERATOR

static const InvalidCase invalid_cases[] = {
  /* Divisions. */
  { "division/empty-name", DO_DIVISION, 0, "", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_EMPTY },
  { "division/blank-name", DO_DIVISION, 0, " \t ", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_EMPTY },
  { "division/ideographic-blank-name", DO_DIVISION, 0, "\xe3\x80\x80\xe3\x80\x80", NULL, NULL,
    0, 0, NULL, KB_FIELD_NAME, KB_FIELD_ERROR_EMPTY },
  { "division/too-long", DO_DIVISION, 0, JA_61, NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_TOO_LONG },
  { "division/tab", DO_DIVISION, 0, "市町\t村課", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_CONTROL_CHARS },
  { "division/control", DO_DIVISION, 0, "市町\x01村課", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_CONTROL_CHARS },
  { "division/newline", DO_DIVISION, 0, "市町\n村課", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_CONTROL_CHARS },
  { "division/right-to-left-override", DO_DIVISION, 0, "市町村" RLO "課務総", NULL, NULL,
    0, 0, NULL, KB_FIELD_NAME, KB_FIELD_ERROR_CONTROL_CHARS },
  { "division/invalid-utf8", DO_DIVISION, 0, "市町\xff\xfe村課", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_INVALID },
  { "division/duplicate", DO_DIVISION, 0, "市町村課", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_DUPLICATE },
  { "division/duplicate-with-spaces", DO_DIVISION, 0, "  情報政策課 ", NULL, NULL, 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_DUPLICATE },
  { "division/rename-to-duplicate", DO_DIVISION, 2, "市町村課", NULL, NULL, 0, 0, "統合",
    KB_FIELD_NAME, KB_FIELD_ERROR_DUPLICATE },
  { "division/amend-without-reason", DO_DIVISION, 1, "市町村振興課", NULL, NULL, 0, 0, NULL,
    KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },
  { "division/amend-blank-reason", DO_DIVISION, 1, "市町村振興課", NULL, NULL, 0, 0, " \n ",
    KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },
  { "division/amend-reason-rlo", DO_DIVISION, 1, "市町村振興課", NULL, NULL, 0, 0,
    "組織" RLO "改正", KB_FIELD_REASON, KB_FIELD_ERROR_CONTROL_CHARS },
  { "division/amend-missing", DO_DIVISION, 99, "幻の課", NULL, NULL, 0, 0, "改称",
    NULL, KB_STORE_ERROR_NOT_FOUND },

  /* Operators. */
  { "operator/empty-staff-number", DO_OPERATOR, 0, "", "松本 次郎", "マツモト ジロウ", 1, OP,
    NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_EMPTY },
  { "operator/duplicate-staff-number", DO_OPERATOR, 0, "N1001", "松本 次郎", "マツモト ジロウ",
    1, OP, NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_DUPLICATE },
  /* Typed with a Japanese input method: folded to N1001 first. */
  { "operator/duplicate-full-width", DO_OPERATOR, 0, "Ｎ１００１", "松本 次郎",
    "マツモト ジロウ", 1, OP, NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_DUPLICATE },
  { "operator/staff-number-too-long", DO_OPERATOR, 0, STAFF_17, "松本 次郎", "マツモト ジロウ",
    1, OP, NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_TOO_LONG },
  { "operator/staff-number-punctuation", DO_OPERATOR, 0, "N1001;", "松本 次郎",
    "マツモト ジロウ", 1, OP, NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_INVALID },
  { "operator/staff-number-inner-space", DO_OPERATOR, 0, "N 1009", "松本 次郎",
    "マツモト ジロウ", 1, OP, NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_INVALID },
  { "operator/staff-number-kanji", DO_OPERATOR, 0, "職員一", "松本 次郎", "マツモト ジロウ",
    1, OP, NULL, KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_INVALID },
  { "operator/empty-name", DO_OPERATOR, 0, "N1009", "", "マツモト ジロウ", 1, OP, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_EMPTY },
  { "operator/name-too-long", DO_OPERATOR, 0, "N1009", JA_61, "マツモト ジロウ", 1, OP, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_TOO_LONG },
  { "operator/name-tab", DO_OPERATOR, 0, "N1009", "松本\t次郎", "マツモト ジロウ", 1, OP, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_CONTROL_CHARS },
  { "operator/name-right-to-left-override", DO_OPERATOR, 0, "N1009", "松本 " RLO "郎次",
    "マツモト ジロウ", 1, OP, NULL, KB_FIELD_NAME, KB_FIELD_ERROR_CONTROL_CHARS },
  { "operator/kana-kanji", DO_OPERATOR, 0, "N1009", "松本 次郎", "松本 次郎", 1, OP, NULL,
    KB_FIELD_KANA, KB_FIELD_ERROR_INVALID },
  { "operator/kana-latin", DO_OPERATOR, 0, "N1009", "松本 次郎", "Matsumoto Jiro", 1, OP, NULL,
    KB_FIELD_KANA, KB_FIELD_ERROR_INVALID },
  { "operator/kana-empty", DO_OPERATOR, 0, "N1009", "松本 次郎", "", 1, OP, NULL,
    KB_FIELD_KANA, KB_FIELD_ERROR_EMPTY },
  { "operator/kana-control", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト\x01ジロウ", 1, OP,
    NULL, KB_FIELD_KANA, KB_FIELD_ERROR_CONTROL_CHARS },
  { "operator/no-roles", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト ジロウ", 1, 0, NULL,
    KB_FIELD_ROLES, KB_FIELD_ERROR_EMPTY },
  { "operator/unknown-role", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト ジロウ", 1,
    OP | (1 << 12), NULL, KB_FIELD_ROLES, KB_FIELD_ERROR_EMPTY },
  { "operator/unknown-division", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト ジロウ", 99,
    OP, NULL, KB_FIELD_DIVISION, KB_FIELD_ERROR_INVALID },
  { "operator/no-division", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト ジロウ", 0, OP,
    NULL, KB_FIELD_DIVISION, KB_FIELD_ERROR_INVALID },
  { "operator/retired-division", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト ジロウ",
    RETIRED_DIVISION, OP, NULL, KB_FIELD_DIVISION, KB_FIELD_ERROR_INVALID },
  { "operator/move-to-retired-division", DO_OPERATOR, 3, "N1003", "小林 健太",
    "コバヤシ ケンタ", RETIRED_DIVISION, OP, "異動", KB_FIELD_DIVISION,
    KB_FIELD_ERROR_INVALID },
  { "operator/amend-without-reason", DO_OPERATOR, 3, "N1003", "小林 健太", "コバヤシ ケンタ",
    2, OP, NULL, KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },
  { "operator/amend-to-duplicate", DO_OPERATOR, 3, "N1004", "小林 健太", "コバヤシ ケンタ",
    1, OP, "番号訂正", KB_FIELD_STAFF_NUMBER, KB_FIELD_ERROR_DUPLICATE },

  /* Terminals. */
  { "terminal/empty-code", DO_TERMINAL, 0, "", "住基端末 5号機", "本庁舎 3階", 0, 0, NULL,
    KB_FIELD_CODE, KB_FIELD_ERROR_EMPTY },
  { "terminal/duplicate-code", DO_TERMINAL, 0, "JK-01", "住基端末 5号機", "本庁舎 3階", 0, 0,
    NULL, KB_FIELD_CODE, KB_FIELD_ERROR_DUPLICATE },
  { "terminal/duplicate-code-full-width", DO_TERMINAL, 0, "ＪＫ－０２", "住基端末 5号機",
    "本庁舎 3階", 0, 0, NULL, KB_FIELD_CODE, KB_FIELD_ERROR_DUPLICATE },
  { "terminal/code-slash", DO_TERMINAL, 0, "JK/05", "住基端末 5号機", "本庁舎 3階", 0, 0, NULL,
    KB_FIELD_CODE, KB_FIELD_ERROR_INVALID },
  { "terminal/empty-name", DO_TERMINAL, 0, "JK-05", "", "本庁舎 3階", 0, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_EMPTY },
  { "terminal/empty-location", DO_TERMINAL, 0, "JK-05", "住基端末 5号機", "", 0, 0, NULL,
    KB_FIELD_LOCATION, KB_FIELD_ERROR_EMPTY },
  { "terminal/location-too-long", DO_TERMINAL, 0, "JK-05", "住基端末 5号機",
    JA_61 JA_61, 0, 0, NULL, KB_FIELD_LOCATION, KB_FIELD_ERROR_TOO_LONG },
  { "terminal/location-right-to-left-override", DO_TERMINAL, 0, "JK-05", "住基端末 5号機",
    "本庁舎 " RLO "階3", 0, 0, NULL, KB_FIELD_LOCATION, KB_FIELD_ERROR_CONTROL_CHARS },
  { "terminal/amend-without-reason", DO_TERMINAL, 1, "JK-01", "住基端末 1号機",
    "本庁舎 4階", 0, 0, NULL, KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },

  /* Business tasks. */
  { "task/empty-name", DO_TASK, 0, "", "説明", NULL, 1, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_EMPTY },
  { "task/duplicate-name", DO_TASK, 0, "旅券の発給に関する事務", "説明", NULL, 1, 0, NULL,
    KB_FIELD_NAME, KB_FIELD_ERROR_DUPLICATE },
  { "task/no-divisions", DO_TASK, 0, "税務に関する事務", "説明", NULL, 0, 0, NULL,
    KB_FIELD_DIVISIONS, KB_FIELD_ERROR_EMPTY },
  { "task/unknown-division", DO_TASK, 0, "税務に関する事務", "説明", NULL, 99, 0, NULL,
    KB_FIELD_DIVISIONS, KB_FIELD_ERROR_INVALID },
  { "task/retired-division", DO_TASK, 0, "税務に関する事務", "説明", NULL, RETIRED_DIVISION, 0,
    NULL, KB_FIELD_DIVISIONS, KB_FIELD_ERROR_INVALID },
  { "task/description-right-to-left-override", DO_TASK, 0, "税務に関する事務",
    "課税" RLO "情報", NULL, 1, 0, NULL, KB_FIELD_DESCRIPTION, KB_FIELD_ERROR_CONTROL_CHARS },
  { "task/description-too-long", DO_TASK, 0, "税務に関する事務",
    JA_61 JA_61 JA_61 JA_61 JA_61 JA_61 JA_61, NULL, 1, 0, NULL,
    KB_FIELD_DESCRIPTION, KB_FIELD_ERROR_TOO_LONG },
  { "task/amend-without-reason", DO_TASK, 4, "旅券の発給に関する事務", "申請者の本人確認",
    NULL, 2, 0, NULL, KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },

  /* Retiring and reinstating. */
  { "retire/without-reason", DO_RETIRE, 2, "terminal", NULL, NULL, 0, 0, NULL,
    KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },
  { "retire/blank-reason", DO_RETIRE, 2, "operator", NULL, NULL, 0, 0, "\xe3\x80\x80",
    KB_FIELD_REASON, KB_FIELD_ERROR_EMPTY },
  { "retire/missing", DO_RETIRE, 99, "operator", NULL, NULL, 0, 0, "退職",
    NULL, KB_STORE_ERROR_NOT_FOUND },
  { "retire/division-with-operators", DO_RETIRE, 2, "division", NULL, NULL, 0, 0, "組織改正",
    NULL, KB_STORE_ERROR_REFUSED },

  /* Only a security officer changes the registers; the demo's operator 3
   * is a clerk, 2 a supervisor, 6 the network administrator, 8 an auditor. */
  { "division/not-security-officer", DO_DIVISION, 0, "住民課", NULL, NULL, 0, 0, NULL,
    NULL, KB_STORE_ERROR_REFUSED, 3 },
  { "operator/not-security-officer", DO_OPERATOR, 0, "N1009", "松本 次郎", "マツモト ジロウ",
    1, OP, NULL, NULL, KB_STORE_ERROR_REFUSED, 2 },
  { "operator/raise-own-roles", DO_OPERATOR, 6, "N2001", "中村 隆之", "ナカムラ タカユキ", 2,
    KB_ROLES_ALL, "権限の追加", NULL, KB_STORE_ERROR_REFUSED, 6 },
  { "terminal/not-security-officer", DO_TERMINAL, 0, "JK-05", "住基端末 5号機", "本庁舎 3階",
    0, 0, NULL, NULL, KB_STORE_ERROR_REFUSED, 8 },
  { "task/not-security-officer", DO_TASK, 0, "税務に関する事務", "説明", NULL, 1, 0, NULL,
    NULL, KB_STORE_ERROR_REFUSED, 3 },
  { "retire/not-security-officer", DO_RETIRE, 2, "terminal", NULL, NULL, 0, 0, "廃止",
    NULL, KB_STORE_ERROR_REFUSED, 6 },
  /* An actor that is not an operator at all. */
  { "retire/unknown-actor", DO_RETIRE, 2, "terminal", NULL, NULL, 0, 0, "廃止",
    NULL, KB_STORE_ERROR_REFUSED, 99 },

  /* The demo office goes into an empty database only. */
  { "seed/not-empty", DO_SEED, 0, NULL, NULL, NULL, 0, 0, NULL,
    NULL, KB_STORE_ERROR_REFUSED },
};

static gboolean
run_case (KbDb              *db,
          const InvalidCase *ic,
          GError           **error)
{
  switch (ic->action)
    {
    case DO_DIVISION:
      {
        g_autoptr(KbDivision) d = kb_division_new (ic->id, ic->a, TRUE);
        return kb_admin_save_division (db, d, ic->reason, error) != 0;
      }
    case DO_OPERATOR:
      {
        g_autoptr(KbOperator) op = kb_operator_new (ic->id, ic->a, ic->b, ic->c, ic->division,
                                                    NULL, ic->roles, TRUE);
        return kb_admin_save_operator (db, op, ic->reason, error) != 0;
      }
    case DO_TERMINAL:
      {
        g_autoptr(KbTerminal) t = kb_terminal_new (ic->id, ic->a, ic->b, ic->c, TRUE);
        return kb_admin_save_terminal (db, t, ic->reason, error) != 0;
      }
    case DO_TASK:
      {
        g_autoptr(KbTask) t = kb_task_new (ic->id, ic->a, ic->b, &ic->division,
                                           ic->division != 0 ? 1 : 0, NULL, TRUE);
        return kb_admin_save_task (db, t, ic->reason, error) != 0;
      }
    case DO_RETIRE:
      return kb_admin_set_active (db, ic->a, ic->id, FALSE, ic->reason, error);
    case DO_SEED:
      return kb_demo_seed (db, error);
    default:
      g_assert_not_reached ();
    }
}

static void
test_invalid (gconstpointer data)
{
  const InvalidCase *ic = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDivision) retired = kb_division_new (0, "旧 住民課", TRUE);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *anchor_before = NULL;
  g_autofree char *anchor_after = NULL;
  Fixture fixture;

  setup_demo (&fixture, NULL);
  g_assert_cmpint (kb_admin_save_division (fixture.db, retired, NULL, &error), ==,
                   RETIRED_DIVISION);
  g_assert_true (kb_admin_set_active (fixture.db, "division", RETIRED_DIVISION, FALSE, "統合",
                                      &error));
  g_assert_no_error (error);

  before = kb_test_register_snapshot (fixture.db);
  anchor_before = read_anchor (fixture.db);

  kb_db_set_actor (fixture.db, ic->actor, NULL);
  g_assert_false (run_case (fixture.db, ic, &error));
  g_assert_nonnull (error);
  g_test_message ("%s: %s", ic->name, error->message);
  if (ic->field != NULL)
    {
      g_assert_error (error, KB_FIELD_ERROR, ic->code);
      g_assert_cmpstr (kb_field_error_get_field (error), ==, ic->field);
    }
  else
    {
      g_assert_error (error, KB_STORE_ERROR, ic->code);
      g_assert_null (kb_field_error_get_field (error));
    }

  /* Nothing saved, nothing journaled, and no transaction left open. */
  g_assert_false (kb_db_in_transaction (fixture.db));
  after = kb_test_register_snapshot (fixture.db);
  g_assert_cmpstr (after, ==, before);
  anchor_after = read_anchor (fixture.db);
  g_assert_cmpstr (anchor_after, ==, anchor_before);
  assert_intact (fixture.db);

  kb_test_fixture_teardown (&fixture, NULL);
}

/* --- what is normalised --------------------------------------------------- */

static char *
query_text (KbDb       *db,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static char *
query_text (KbDb       *db,
            const char *format,
            ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);

  return kb_test_raw_text (kb_db_get_handle (db), sql);
}

static void
test_fold_staff_number (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbOperator) op = kb_operator_new (0, " Ｎ９００１ ", "新人　一郎　",
                                              "　ｼﾝｼﾞﾝ　ｲﾁﾛｳ", 1, NULL,
                                              KB_ROLE_OPERATOR, TRUE);
  g_autofree char *staff = NULL;
  g_autofree char *kana = NULL;
  g_autofree char *name = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GHashTable) parsed = NULL;
  gint64 id;

  id = kb_admin_save_operator (fixture->db, op, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 13);

  /* Full-width digits and letters become ASCII; half-width katakana the
   * ordinary full-width form; ideographic spaces at the ends go, the one
   * inside a name stays. What is stored is what is journaled. */
  staff = query_text (fixture->db, "SELECT staff_number FROM operators WHERE id = 13");
  kana = query_text (fixture->db, "SELECT kana FROM operators WHERE id = 13");
  name = query_text (fixture->db, "SELECT name FROM operators WHERE id = 13");
  g_assert_cmpstr (staff, ==, "N9001");
  g_assert_cmpstr (kana, ==, "シンジン イチロウ");
  g_assert_cmpstr (name, ==, "新人　一郎");

  state = query_text (fixture->db, "SELECT state FROM journal ORDER BY seq DESC LIMIT 1");
  parsed = kb_canon_parse (state, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpstr (g_hash_table_lookup (parsed, "staff_number"), ==, "N9001");
  g_assert_cmpstr (g_hash_table_lookup (parsed, "kana"), ==, "シンジン イチロウ");
  assert_intact (fixture->db);
}

static void
test_fold_terminal_code (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbTerminal) t = kb_terminal_new (0, "ＪＫ－０５", "住基端末 5号機", "本庁舎 3階",
                                             TRUE);
  g_autofree char *code = NULL;

  g_assert_cmpint (kb_admin_save_terminal (fixture->db, t, NULL, &error), ==, 5);
  g_assert_no_error (error);
  code = query_text (fixture->db, "SELECT code FROM terminals WHERE id = 5");
  g_assert_cmpstr (code, ==, "JK-05");
}

static void
test_text_limits (Fixture       *fixture,
                  gconstpointer  data)
{
  /* 60 characters is the limit, counted after NFC: 60 ガ written as カ plus
   * the combining voiced mark are 120 code points, and fit. */
  g_autoptr(GString) decomposed = g_string_new (NULL);
  g_autoptr(GString) composed = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDivision) d = NULL;
  g_autoptr(KbTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  const gint64 divisions[] = { 1 };

  for (int i = 0; i < 60; i++)
    {
      g_string_append (decomposed, "\xe3\x82\xab\xe3\x82\x99");
      g_string_append (composed, "ガ");
    }
  d = kb_division_new (0, decomposed->str, TRUE);
  g_assert_cmpint (kb_admin_save_division (fixture->db, d, NULL, &error), ==, 4);
  g_assert_no_error (error);
  name = query_text (fixture->db, "SELECT name FROM divisions WHERE id = 4");
  g_assert_cmpstr (name, ==, composed->str);

  /* Descriptions may have several lines. */
  task = kb_task_new (0, "税務に関する事務", "課税情報の確認\n（固定資産税）", divisions, 1,
                      NULL, TRUE);
  g_assert_cmpint (kb_admin_save_task (fixture->db, task, NULL, &error), ==, 8);
  g_assert_no_error (error);
  description = query_text (fixture->db, "SELECT description FROM tasks WHERE id = 8");
  g_assert_cmpstr (description, ==, "課税情報の確認\n（固定資産税）");
  assert_intact (fixture->db);
}

/* --- what each change journals -------------------------------------------- */

static char *
history_kinds (KbDb       *db,
               const char *entity,
               gint64      id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = kb_journal_history (db, entity, id, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(KbJournalEntry) entry = g_list_model_get_item (history, i);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", kb_journal_entry_get_kind (entry));
    }
  return g_string_free (out, FALSE);
}

static gint64
save_record (KbDb       *db,
             GObject    *record,
             const char *reason)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (KB_IS_DIVISION (record))
    id = kb_admin_save_division (db, KB_DIVISION (record), reason, &error);
  else if (KB_IS_OPERATOR (record))
    id = kb_admin_save_operator (db, KB_OPERATOR (record), reason, &error);
  else if (KB_IS_TERMINAL (record))
    id = kb_admin_save_terminal (db, KB_TERMINAL (record), reason, &error);
  else if (KB_IS_TASK (record))
    id = kb_admin_save_task (db, KB_TASK (record), reason, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static GObject *
make_record (const char *entity,
             gint64      id,
             int         version)
{
  const gint64 divisions[] = { 1, 2 };

  if (g_str_equal (entity, "division"))
    return G_OBJECT (kb_division_new (id, version == 0 ? "住民課" : "住民窓口課", TRUE));
  if (g_str_equal (entity, "operator"))
    return G_OBJECT (kb_operator_new (id, "N4001", version == 0 ? "上田 花子" : "佐藤 花子",
                                      version == 0 ? "ウエダ ハナコ" : "サトウ ハナコ", 2, NULL,
                                      KB_ROLE_OPERATOR, TRUE));
  if (g_str_equal (entity, "terminal"))
    return G_OBJECT (kb_terminal_new (id, "JK-05", "住基端末 5号機",
                                      version == 0 ? "本庁舎 3階" : "北庁舎 1階", TRUE));
  if (g_str_equal (entity, "task"))
    return G_OBJECT (kb_task_new (id, "税務に関する事務", "課税情報の確認", divisions,
                                  version == 0 ? 1 : 2, NULL, TRUE));
  g_assert_not_reached ();
}

static gboolean
record_active (KbDb       *db,
               const char *entity,
               gint64      id)
{
  const KbRegister *reg = kb_register_lookup (entity);
  g_autofree char *sql = g_strdup_printf ("SELECT active FROM %s WHERE id = %" G_GINT64_FORMAT,
                                          reg->table, id);

  return kb_test_count (db, sql) != 0;
}

static void
test_lifecycle (gconstpointer data)
{
  const char *entity = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) created = make_record (entity, 0, 0);
  g_autoptr(GObject) amended = NULL;
  g_autofree char *kinds = NULL;
  g_autofree char *expected = NULL;
  Fixture fixture;
  gint64 length;
  gint64 id;
  KbDb *db;

  setup_demo (&fixture, NULL);
  db = fixture.db;

  id = save_record (db, created, NULL);
  g_assert_cmpstr (kb_record_get_entity (created), ==, entity);
  amended = make_record (entity, id, 1);
  g_assert_cmpint (save_record (db, amended, "記載事項の変更"), ==, id);

  g_assert_true (kb_admin_set_active (db, entity, id, FALSE, "廃止", &error));
  g_assert_no_error (error);
  g_assert_false (record_active (db, entity, id));
  /* Retiring what is retired changes nothing and records nothing. */
  length = kb_test_journal_length (db);
  g_assert_true (kb_admin_set_active (db, entity, id, FALSE, "廃止", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kb_test_journal_length (db), ==, length);

  g_assert_true (kb_admin_set_active (db, entity, id, TRUE, "再開", &error));
  g_assert_no_error (error);
  g_assert_true (record_active (db, entity, id));

  kinds = history_kinds (db, entity, id);
  expected = g_strdup_printf ("%s.create %s.amend %s.retire %s.reinstate",
                              entity, entity, entity, entity);
  g_assert_cmpstr (kinds, ==, expected);
  g_assert_cmpint (kb_test_journal_length (db), ==, DEMO_ENTRIES + 4);
  assert_intact (db);

  kb_test_fixture_teardown (&fixture, NULL);
}

static void
test_amend_without_change (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  /* The same values; the name with spaces that validation trims. */
  g_autoptr(KbOperator) same = kb_operator_new (1, "N1001", "  北沢 誠一  ", "キタザワ セイイチ",
                                                1, NULL,
                                                KB_ROLE_SECURITY_OFFICER | KB_ROLE_SUPERVISOR,
                                                TRUE);
  g_autoptr(KbTask) same_task = NULL;
  g_autoptr(KbDivision) same_division = kb_division_new (2, "情報政策課", TRUE);
  const gint64 divisions[] = { 2, 1, 2 };
  g_autofree char *before = kb_test_register_snapshot (fixture->db);
  g_autofree char *anchor_before = read_anchor (fixture->db);
  g_autofree char *after = NULL;
  g_autofree char *anchor_after = NULL;

  g_assert_cmpint (kb_admin_save_operator (fixture->db, same, "確認のみ", &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (kb_admin_save_division (fixture->db, same_division, "確認のみ", &error), ==,
                   2);
  g_assert_no_error (error);
  /* Task 2's divisions, in another order and with a repeat. */
  same_task = kb_task_new (2, "本人確認情報の利用状況の確認", "操作履歴・提供状況の確認",
                           divisions, G_N_ELEMENTS (divisions), NULL, TRUE);
  g_assert_cmpint (kb_admin_save_task (fixture->db, same_task, "確認のみ", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_true (kb_admin_set_active (fixture->db, "terminal", 1, TRUE, "確認のみ", &error));
  g_assert_no_error (error);

  g_assert_false (kb_db_in_transaction (fixture->db));
  after = kb_test_register_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
  anchor_after = read_anchor (fixture->db);
  g_assert_cmpstr (anchor_after, ==, anchor_before);
}

static void
test_retire_division (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = kb_test_register_snapshot (fixture->db);
  g_autofree char *after = NULL;

  /* 情報政策課 has three operators. */
  g_assert_false (kb_admin_set_active (fixture->db, "division", 2, FALSE, "組織改正", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "3"));
  g_clear_error (&error);
  after = kb_test_register_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);

  /* Retired operators do not hold it back; one active operator does. */
  for (gint64 id = 6; id <= 7; id++)
    {
      g_assert_true (kb_admin_set_active (fixture->db, "operator", id, FALSE, "異動", &error));
      g_assert_no_error (error);
    }
  g_assert_false (kb_admin_set_active (fixture->db, "division", 2, FALSE, "組織改正", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  g_assert_true (kb_admin_set_active (fixture->db, "operator", 8, FALSE, "異動", &error));
  g_assert_no_error (error);
  g_assert_true (kb_admin_set_active (fixture->db, "division", 2, FALSE, "組織改正", &error));
  g_assert_no_error (error);
  g_assert_false (record_active (fixture->db, "division", 2));
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, DEMO_ENTRIES + 4);
  assert_intact (fixture->db);
}

/* --- the demo office ------------------------------------------------------ */

static void
test_demo_seed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) divisions = NULL;
  g_autoptr(GListModel) operators = NULL;
  g_autoptr(GListModel) terminals = NULL;
  g_autoptr(GListModel) tasks = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, KB_TEST_NEW_ENTRIES);
  seed (fixture->db);

  divisions = kb_admin_list_divisions (fixture->db, &error);
  operators = kb_admin_list_operators (fixture->db, &error);
  terminals = kb_admin_list_terminals (fixture->db, &error);
  tasks = kb_admin_list_tasks (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (divisions), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (operators), ==, 12);
  g_assert_cmpuint (g_list_model_get_n_items (terminals), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 7);
  /* Every operator has a password and a card, issued to them. */
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM credentials c"
                                               " JOIN operators o ON o.id = c.id"), ==, 12);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (DISTINCT operator_id) FROM cards"
                                               " WHERE status = 'issued'"), ==, 12);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, DEMO_ENTRIES);
  assert_intact (fixture->db);

  /* A second time: refused, nothing changed. */
  before = kb_test_register_snapshot (fixture->db);
  g_assert_false (kb_demo_seed (fixture->db, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  after = kb_test_register_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
}

static void
test_demo_seed_partial (Fixture       *fixture,
                        gconstpointer  data)
{
  /* One terminal is enough to make the database not empty. */
  g_autoptr(GError) error = NULL;
  g_autoptr(KbTerminal) t = kb_terminal_new (0, "JK-01", "住基端末 1号機", "本庁舎 3階", TRUE);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (kb_admin_save_terminal (fixture->db, t, NULL, &error), ==, 1);
  before = kb_test_register_snapshot (fixture->db);
  g_assert_false (kb_demo_seed (fixture->db, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  after = kb_test_register_snapshot (fixture->db);
  g_assert_cmpstr (after, ==, before);
}

static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) operators = NULL;
  g_autoptr(GListModel) tasks = NULL;
  g_autoptr(KbOperator) first = NULL;
  g_autoptr(KbOperator) last = NULL;
  g_autoptr(KbTask) task = NULL;
  const gint64 *ids;
  guint n_ids;

  g_assert_true (kb_admin_set_active (fixture->db, "operator", 1, FALSE, "退職", &error));
  g_assert_no_error (error);

  /* Active first, in kana order; the retired one last. */
  operators = kb_admin_list_operators (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (operators), ==, 12);
  g_assert_true (g_list_model_get_item_type (operators) == KB_TYPE_OPERATOR);
  first = g_list_model_get_item (operators, 0);
  last = g_list_model_get_item (operators, 11);
  g_assert_cmpstr (kb_operator_get_kana (first), ==, "オギワラ タクヤ");
  g_assert_cmpstr (kb_operator_get_division_name (first), ==, "健康福祉政策課");
  g_assert_cmpint (kb_operator_get_id (last), ==, 1);
  g_assert_false (kb_operator_get_active (last));
  g_assert_false (kb_record_get_active (G_OBJECT (last)));
  g_assert_cmpint (kb_record_get_id (G_OBJECT (last)), ==, 1);

  tasks = kb_admin_list_tasks (fixture->db, &error);
  g_assert_no_error (error);
  task = g_list_model_get_item (tasks, 1);
  ids = kb_task_get_division_ids (task, &n_ids);
  g_assert_cmpuint (n_ids, ==, 2);
  g_assert_cmpint (ids[0], ==, 1);
  g_assert_cmpint (ids[1], ==, 2);
  g_assert_true (kb_task_has_division (task, 2));
  g_assert_false (kb_task_has_division (task, 3));
  g_assert_cmpstr (kb_task_get_division_names (task), ==, "市町村課, 情報政策課");
}

/* --- the asynchronous store ----------------------------------------------- */

typedef struct {
  GMainContext *context;
  GAsyncResult *result;
  GPtrArray    *changes;
  guint         n_progress;
  gint64        last_done;
  gint64        last_total;
} StoreTest;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  StoreTest *st = user_data;

  g_assert_null (st->result);
  /* Completed in the context that started the call. */
  g_assert_true (g_main_context_is_owner (st->context));
  st->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (StoreTest *st)
{
  while (st->result == NULL)
    g_main_context_iteration (st->context, TRUE);
  /* Let the "changed" emissions queued before the result through. */
  while (g_main_context_iteration (st->context, FALSE))
    ;
  return st->result;
}

static void
on_changed (KbStore    *store,
            const char *entity,
            gpointer    user_data)
{
  StoreTest *st = user_data;

  g_assert_true (g_main_context_is_owner (st->context));
  g_ptr_array_add (st->changes, g_strdup (entity));
}

/* @user_data: the GObject kb_store_verify_async() keeps alive while
 * progress calls are pending; it carries the StoreTest. */
static void
on_progress (gint64   done,
             gint64   total,
             gpointer user_data)
{
  StoreTest *st = g_object_get_data (G_OBJECT (user_data), "store-test");

  g_assert_true (g_main_context_is_owner (st->context));
  g_assert_cmpint (done, <=, total);
  st->n_progress++;
  st->last_done = done;
  st->last_total = total;
}

static void
test_store (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StoreTest st = { 0 };
  KbStore *store;

  st.context = g_main_context_new ();
  st.changes = g_ptr_array_new_with_free_func (g_free);
  g_main_context_push_thread_default (st.context);

  store = kb_store_new (fixture->path);
  g_assert_cmpstr (kb_store_get_path (store), ==, fixture->path);
  g_signal_connect (store, "changed", G_CALLBACK (on_changed), &st);

  /* A job before the database is open fails cleanly. */
  kb_store_list_async (store, "division", NULL, on_done, &st);
  {
    g_autoptr(GListModel) model = kb_store_list_finish (store, wait_result (&st), &error);

    g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_CLOSED);
    g_assert_null (model);
    g_clear_error (&error);
    g_clear_object (&st.result);
  }

  kb_store_open_async (store, TRUE, NULL, on_done, &st);
  g_assert_true (kb_store_open_finish (store, wait_result (&st), &error));
  g_assert_no_error (error);
  g_clear_object (&st.result);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));

  kb_store_set_actor (store, 0, "JK-01");

  /* Saving a division: its id back, and "changed" for the divisions. */
  {
    g_autoptr(KbDivision) d = kb_division_new (0, "市町村課", TRUE);

    kb_store_save_async (store, G_OBJECT (d), NULL, NULL, on_done, &st);
    g_assert_cmpint (kb_store_save_finish (store, wait_result (&st), &error), ==, 1);
    g_assert_no_error (error);
    g_clear_object (&st.result);
    g_assert_cmpuint (st.changes->len, ==, 1);
    g_assert_cmpstr (st.changes->pdata[0], ==, "division");
  }

  /* A field error survives the trip between threads, field and all, and
   * nothing is announced as changed. */
  {
    g_autoptr(KbOperator) op = kb_operator_new (0, "N1001", "北沢 誠一", "北沢", 1, NULL,
                                                KB_ROLE_SECURITY_OFFICER, TRUE);

    kb_store_save_async (store, G_OBJECT (op), NULL, NULL, on_done, &st);
    g_assert_cmpint (kb_store_save_finish (store, wait_result (&st), &error), ==, 0);
    g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
    g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_KANA);
    g_clear_error (&error);
    g_clear_object (&st.result);
    g_assert_cmpuint (st.changes->len, ==, 1);
  }

  {
    g_autoptr(KbOperator) op = kb_operator_new (0, "N1001", "北沢 誠一", "キタザワ セイイチ", 1,
                                                NULL, KB_ROLE_SECURITY_OFFICER, TRUE);

    kb_store_save_async (store, G_OBJECT (op), NULL, NULL, on_done, &st);
    g_assert_cmpint (kb_store_save_finish (store, wait_result (&st), &error), ==, 1);
    g_assert_no_error (error);
    g_clear_object (&st.result);
    g_assert_cmpuint (st.changes->len, ==, 2);
    g_assert_cmpstr (st.changes->pdata[1], ==, "operator");
  }

  kb_store_set_active_async (store, "operator", 1, FALSE, "退職", NULL, on_done, &st);
  g_assert_true (kb_store_set_active_finish (store, wait_result (&st), &error));
  g_assert_no_error (error);
  g_clear_object (&st.result);
  g_assert_cmpuint (st.changes->len, ==, 3);

  {
    g_autoptr(GListModel) model = NULL;
    g_autoptr(KbOperator) op = NULL;

    kb_store_list_async (store, "operator", NULL, on_done, &st);
    model = kb_store_list_finish (store, wait_result (&st), &error);
    g_assert_no_error (error);
    g_clear_object (&st.result);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
    op = g_list_model_get_item (model, 0);
    g_assert_cmpstr (kb_operator_get_division_name (op), ==, "市町村課");
    g_assert_false (kb_operator_get_active (op));
    /* Reading announces nothing. */
    g_assert_cmpuint (st.changes->len, ==, 3);
    g_assert_finalize_object (g_steal_pointer (&model));
    g_assert_finalize_object (g_steal_pointer (&op));
  }

  {
    g_autoptr(GListModel) history = NULL;
    g_autoptr(KbJournalEntry) entry = NULL;

    kb_store_history_async (store, "operator", 1, NULL, on_done, &st);
    history = kb_store_history_finish (store, wait_result (&st), &error);
    g_assert_no_error (error);
    g_clear_object (&st.result);
    g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
    entry = g_list_model_get_item (history, 1);
    g_assert_cmpstr (kb_journal_entry_get_kind (entry), ==, "operator.retire");
    g_assert_cmpstr (kb_journal_entry_get_terminal (entry), ==, "JK-01");
  }

  {
    g_autoptr(GListModel) recent = NULL;

    kb_store_recent_async (store, 2, NULL, on_done, &st);
    recent = kb_store_history_finish (store, wait_result (&st), &error);
    g_assert_no_error (error);
    g_clear_object (&st.result);
    g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 2);
  }

  {
    g_autoptr(GObject) progress_owner = g_object_new (G_TYPE_OBJECT, NULL);
    KbVerifyReport *report;

    g_object_set_data (progress_owner, "store-test", &st);
    kb_store_verify_async (store, on_progress, progress_owner, NULL, on_done, &st);
    report = kb_store_verify_finish (store, wait_result (&st), &error);
    g_assert_no_error (error);
    g_assert_nonnull (report);
    g_clear_object (&st.result);
    g_assert_cmpint (report->n_entries, ==, KB_TEST_NEW_ENTRIES + 3);
    g_assert_cmpint (report->n_rows, ==, KB_TEST_NEW_SETTINGS + 2);
    g_assert_cmpuint (st.n_progress, >=, 1);
    g_assert_cmpint (st.last_done, ==, KB_TEST_NEW_ENTRIES + 3);
    g_assert_cmpint (st.last_total, ==, KB_TEST_NEW_ENTRIES + 3);
    kb_verify_report_free (report);
  }

  /* A cancelled job is not run. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(KbTerminal) t = kb_terminal_new (0, "JK-01", "住基端末 1号機", "本庁舎 3階", TRUE);

    g_cancellable_cancel (cancellable);
    kb_store_save_async (store, G_OBJECT (t), NULL, cancellable, on_done, &st);
    g_assert_cmpint (kb_store_save_finish (store, wait_result (&st), &error), ==, 0);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_clear_object (&st.result);
    g_assert_cmpuint (st.changes->len, ==, 3);
  }

  /* Closing finishes the queue and releases the file; then the store goes
   * away with the last reference. */
  kb_store_close (store);
  while (g_main_context_iteration (st.context, FALSE))
    ;
  g_assert_finalize_object (store);

  {
    g_autoptr(KbDb) db = open_ok (fixture->path, KB_DB_OPEN_READ_ONLY);

    g_assert_cmpint (kb_test_journal_length (db), ==, KB_TEST_NEW_ENTRIES + 3);
    g_assert_cmpint (kb_test_count (db, "SELECT count (*) FROM terminals"), ==, 0);
    assert_intact (db);
  }

  g_main_context_pop_thread_default (st.context);
  g_main_context_unref (st.context);
  g_ptr_array_unref (st.changes);
}

static void
test_store_open_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StoreTest st = { 0 };
  KbStore *store;

  st.context = g_main_context_new ();
  g_main_context_push_thread_default (st.context);

  {
    static const char text[] = "not a database, but long enough to have a header of one "
                               "hundred bytes, which SQLite files always have.";

    kb_test_write_file (fixture->path, text, sizeof text - 1);
  }
  store = kb_store_new (fixture->path);
  kb_store_open_async (store, TRUE, NULL, on_done, &st);
  g_assert_false (kb_store_open_finish (store, wait_result (&st), &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_A_DATABASE);
  g_clear_object (&st.result);

  /* Not opening the file does not stop the store from shutting down. */
  kb_store_close (store);
  while (g_main_context_iteration (st.context, FALSE))
    ;
  g_assert_finalize_object (store);

  g_main_context_pop_thread_default (st.context);
  g_main_context_unref (st.context);
}

/* Whoever drops the last reference to the store, it must be finalised in
 * the thread that owns it, never on its own worker thread (which would then
 * have to join itself). Here the caller lets go of the store in a job's
 * callback while the worker still holds the job: the worker's data_free is
 * held back until then. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean release;
  gboolean called_back;
  GThread *freed_in;
} LastRef;

static gpointer
nothing_job (KbDb          *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  return GINT_TO_POINTER (TRUE);
}

static void
held_back_free (gpointer data)
{
  LastRef *lr = data;

  g_mutex_lock (&lr->lock);
  while (!lr->release)
    g_cond_wait (&lr->cond, &lr->lock);
  g_mutex_unlock (&lr->lock);
}

static void
on_last_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LastRef *lr = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (kb_store_run_finish (KB_STORE (source), result, &error));
  g_assert_no_error (error);
  lr->called_back = TRUE;
  /* The caller's own reference goes here; the task still has one. */
  g_object_unref (source);
}

static void
on_store_finalized (gpointer  data,
                    GObject  *where_the_object_was)
{
  LastRef *lr = data;

  g_mutex_lock (&lr->lock);
  lr->freed_in = g_thread_self ();
  g_cond_broadcast (&lr->cond);
  g_mutex_unlock (&lr->lock);
}

static void
test_store_last_reference (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StoreTest st = { 0 };
  LastRef lr = { 0 };
  KbStore *store;
  gint64 deadline;

  st.context = g_main_context_new ();
  g_main_context_push_thread_default (st.context);
  g_mutex_init (&lr.lock);
  g_cond_init (&lr.cond);

  store = kb_store_new (fixture->path);
  kb_store_open_async (store, TRUE, NULL, on_done, &st);
  g_assert_true (kb_store_open_finish (store, wait_result (&st), &error));
  g_assert_no_error (error);
  g_clear_object (&st.result);
  g_object_weak_ref (G_OBJECT (store), on_store_finalized, &lr);

  kb_store_run_async (store, NULL, nothing_job, &lr, held_back_free, NULL, NULL, on_last_done,
                      &lr);
  store = NULL;
  while (!lr.called_back)
    g_main_context_iteration (st.context, TRUE);

  /* Now let the worker drop its reference to the finished job. */
  g_mutex_lock (&lr.lock);
  lr.release = TRUE;
  g_cond_broadcast (&lr.cond);
  g_mutex_unlock (&lr.lock);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (TRUE)
    {
      gboolean done;

      g_mutex_lock (&lr.lock);
      done = lr.freed_in != NULL;
      g_mutex_unlock (&lr.lock);
      if (done)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (st.context, FALSE);
      g_usleep (1000);
    }
  g_assert_true (lr.freed_in == g_thread_self ());

  g_main_context_pop_thread_default (st.context);
  g_main_context_unref (st.context);
  g_mutex_clear (&lr.lock);
  g_cond_clear (&lr.cond);
}

static const char * const entities[] = { "division", "operator", "terminal", "task" };

int
main (int   argc,
      char *argv[])
{
  /* Messages in UTF-8 rather than question marks. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, setup, func) \
  g_test_add (path, Fixture, NULL, setup, func, kb_test_fixture_teardown)

  ADD ("/admin/fold/staff-number", setup_demo, test_fold_staff_number);
  ADD ("/admin/fold/terminal-code", setup_demo, test_fold_terminal_code);
  ADD ("/admin/text-limits", setup_demo, test_text_limits);
  ADD ("/admin/amend-without-change", setup_demo, test_amend_without_change);
  ADD ("/admin/retire-division", setup_demo, test_retire_division);
  ADD ("/admin/demo-seed", setup_empty, test_demo_seed);
  ADD ("/admin/demo-seed-partial", setup_empty, test_demo_seed_partial);
  ADD ("/admin/lists", setup_demo, test_lists);
  ADD ("/admin/store", kb_test_fixture_setup, test_store);
  ADD ("/admin/store-open-refused", kb_test_fixture_setup, test_store_open_refused);
  ADD ("/admin/store-last-reference", kb_test_fixture_setup, test_store_last_reference);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autofree char *path = g_strdup_printf ("/admin/lifecycle/%s", entities[i]);

      g_test_add_data_func (path, entities[i], test_lifecycle);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/admin/invalid/%s", invalid_cases[i].name);

      g_test_add_data_func (path, &invalid_cases[i], test_invalid);
    }

  return g_test_run ();
}
