/* test-assets.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register on the demo office: registration and
 * each field's validation, who may write and read, hand-over, lending,
 * return and status rules (each refusal, and that it wrote nothing), the
 * inventory arithmetic (month ends, leap day), disposal (requester and
 * approver, the data rule, the verified backup, one pending request, a
 * disposed asset frozen), the history and its descriptions, the list's
 * filters, and the journal intact after all of it.
 *
 * Runs in Asia/Tokyo with the register's clock at 2026-11-26 10:00.
 */

#include "config.h"

#include "kb-assets-test.h"

#include <locale.h>

typedef KbTestFixture Fixture;

#define RLO "\xe2\x80\xae"

static void
assert_refused (KbDb       *db,
                const char *before,
                GError     *error,
                const char *message_part)
{
  g_autofree char *after = assets_snapshot (db);

  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
  g_assert_cmpstr (after, ==, before);
}

static void
assert_field (KbDb       *db,
              const char *before,
              GError     *error,
              const char *field)
{
  g_autofree char *after = assets_snapshot (db);

  g_assert_nonnull (error);
  g_assert_true (error->domain == KB_FIELD_ERROR);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, field);
  g_assert_cmpstr (after, ==, before);
}

static gint64
count (KbDb       *db,
       const char *sql)
{
  return kb_test_count (db, sql);
}

/* --- registration ------------------------------------------------------------- */

static void
test_register (Fixture       *fixture,
               gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAsset) asset = NULL;
  KbAssetChange change = {
    .number = "  JK-01 ",
    .name = "住基ネット端末 JK-01",
    .kind = KB_ASSET_EQUIPMENT,
    .classification = 3,
    .location = "市町村課 執務室",
    .custodian_id = op (db, "N1001"),
    .acquired_on = "２０２４/０４/０１",
    .status = KB_ASSET_STORED,
    .holds_data = TRUE,
    .inventory_days = "１８０",
    .notes = "富士通製\n保守契約あり",
  };
  gint64 id;

  act (db, "N2001");
  id = kb_assets_save (db, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  asset = get_asset (db, id, NULL);
  g_assert_cmpstr (kb_asset_get_number (asset), ==, "JK-01");
  g_assert_cmpstr (kb_asset_get_name (asset), ==, "住基ネット端末 JK-01");
  g_assert_cmpint (kb_asset_get_kind (asset), ==, KB_ASSET_EQUIPMENT);
  g_assert_cmpint (kb_asset_get_classification (asset), ==, 3);
  g_assert_cmpstr (kb_asset_get_custodian_name (asset), ==, "北沢 誠一");
  g_assert_cmpstr (kb_asset_get_custodian_staff_number (asset), ==, "N1001");
  /* The division is the custodian's unless given. */
  g_assert_cmpint (kb_asset_get_division_id (asset), ==, division_of (db, "N1001"));
  g_assert_cmpstr (kb_asset_get_division_name (asset), ==, "市町村課");
  g_assert_cmpstr (kb_asset_get_acquired_on (asset), ==, "2024-04-01");
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_STORED);
  g_assert_true (kb_asset_get_holds_data (asset));
  g_assert_cmpint (kb_asset_get_inventory_days (asset), ==, 180);
  g_assert_null (kb_asset_get_checked_on (asset));
  g_assert_cmpstr (kb_asset_get_notes (asset), ==, "富士通製\n保守契約あり");
  g_assert_cmpint (kb_asset_get_borrower_id (asset), ==, 0);
  g_assert_false (kb_asset_get_disposal_pending (asset));

  g_assert_cmpint (count (db, "SELECT count (*) FROM asset_events WHERE kind = 'register'"
                              " AND to_status = 'stored'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'asset.register'"
                              " AND entity IN ('asset', 'asset-event')"), ==, 2);

  /* Default interval; a division of one's own choosing. */
  change.number = "JK-02";
  change.inventory_days = NULL;
  change.division_id = division_of (db, "N2001");
  change.status = KB_ASSET_IN_USE;
  id = kb_assets_save (db, &change, &error);
  g_assert_no_error (error);
  g_clear_object (&asset);
  asset = get_asset (db, id, NULL);
  g_assert_cmpint (kb_asset_get_inventory_days (asset), ==, KB_ASSET_DEFAULT_INVENTORY_DAYS);
  g_assert_cmpstr (kb_asset_get_division_name (asset), ==, "情報政策課");

  /* Amending needs a reason; the custodian does not change this way. */
  change.id = id;
  change.name = "住基ネット端末 JK-02（予備）";
  change.custodian_id = op (db, "N1003");
  change.reason = NULL;
  {
    g_autofree char *before = assets_snapshot (db);

    g_assert_cmpint (kb_assets_save (db, &change, &error), ==, 0);
    assert_field (db, before, error, KB_FIELD_REASON);
    g_clear_error (&error);
  }
  change.reason = "名称の誤記";
  g_assert_cmpint (kb_assets_save (db, &change, &error), ==, id);
  g_assert_no_error (error);
  g_clear_object (&asset);
  asset = get_asset (db, id, NULL);
  g_assert_cmpstr (kb_asset_get_name (asset), ==, "住基ネット端末 JK-02（予備）");
  g_assert_cmpstr (kb_asset_get_custodian_name (asset), ==, "北沢 誠一");
  g_assert_cmpint (count (db, "SELECT count (*) FROM asset_events WHERE kind = 'amend'"
                              " AND reason = '名称の誤記'"), ==, 1);

  /* An amendment of nothing writes nothing. */
  {
    g_autofree char *before = assets_snapshot (db);
    g_autofree char *after = NULL;

    g_assert_cmpint (kb_assets_save (db, &change, &error), ==, id);
    g_assert_no_error (error);
    after = assets_snapshot (db);
    g_assert_cmpstr (after, ==, before);
  }
  assert_journal_intact (db);
}

typedef struct {
  const char *what;
  const char *field;
  void (*apply) (KbDb *db, KbAssetChange *change);
} BadCase;

static void bad_number_empty (KbDb *db, KbAssetChange *c) { c->number = "  "; }
static void bad_number_long (KbDb *db, KbAssetChange *c) { c->number = "123456789012345678901234567890123"; }
static void bad_number_control (KbDb *db, KbAssetChange *c) { c->number = "JK\t01"; }
static void bad_number_rlo (KbDb *db, KbAssetChange *c) { c->number = "JK" RLO "10"; }
static void bad_number_taken (KbDb *db, KbAssetChange *c) { c->number = "TAKEN-1"; }
static void bad_name_empty (KbDb *db, KbAssetChange *c) { c->name = ""; }
static void bad_name_newline (KbDb *db, KbAssetChange *c) { c->name = "端末\n二台目"; }
static void bad_kind (KbDb *db, KbAssetChange *c) { c->kind = 7; }
static void bad_class_0 (KbDb *db, KbAssetChange *c) { c->classification = 0; }
static void bad_class_4 (KbDb *db, KbAssetChange *c) { c->classification = 4; }
static void bad_location (KbDb *db, KbAssetChange *c) { c->location = NULL; }
static void bad_custodian_none (KbDb *db, KbAssetChange *c) { c->custodian_id = 0; }
static void bad_custodian_unknown (KbDb *db, KbAssetChange *c) { c->custodian_id = 99999; }
static void bad_custodian_retired (KbDb *db, KbAssetChange *c) { c->custodian_id = op (db, "N3003"); }
static void bad_division (KbDb *db, KbAssetChange *c) { c->division_id = 99999; }
static void bad_acquired_empty (KbDb *db, KbAssetChange *c) { c->acquired_on = ""; }
static void bad_acquired_feb30 (KbDb *db, KbAssetChange *c) { c->acquired_on = "2026-02-30"; }
static void bad_acquired_feb29 (KbDb *db, KbAssetChange *c) { c->acquired_on = "2025-02-29"; }
static void bad_acquired_month (KbDb *db, KbAssetChange *c) { c->acquired_on = "2026-13-01"; }
static void bad_acquired_words (KbDb *db, KbAssetChange *c) { c->acquired_on = "昨年度"; }
static void bad_acquired_mixed (KbDb *db, KbAssetChange *c) { c->acquired_on = "2026-04/01"; }
static void bad_acquired_future (KbDb *db, KbAssetChange *c) { c->acquired_on = "2026-11-27"; }
static void bad_status_lent (KbDb *db, KbAssetChange *c) { c->status = KB_ASSET_LENT; }
static void bad_status_disposed (KbDb *db, KbAssetChange *c) { c->status = KB_ASSET_DISPOSED; }
static void bad_days_zero (KbDb *db, KbAssetChange *c) { c->inventory_days = "0"; }
static void bad_days_big (KbDb *db, KbAssetChange *c) { c->inventory_days = "3661"; }
static void bad_days_text (KbDb *db, KbAssetChange *c) { c->inventory_days = "毎年"; }
static void bad_days_negative (KbDb *db, KbAssetChange *c) { c->inventory_days = "-30"; }
static void bad_notes (KbDb *db, KbAssetChange *c) { c->notes = "ok\x07"; }

static const BadCase bad_cases[] = {
  { "number-empty", KB_FIELD_NUMBER, bad_number_empty },
  { "number-long", KB_FIELD_NUMBER, bad_number_long },
  { "number-control", KB_FIELD_NUMBER, bad_number_control },
  { "number-rlo", KB_FIELD_NUMBER, bad_number_rlo },
  { "number-taken", KB_FIELD_NUMBER, bad_number_taken },
  { "name-empty", KB_FIELD_NAME, bad_name_empty },
  { "name-newline", KB_FIELD_NAME, bad_name_newline },
  { "kind", KB_FIELD_KIND, bad_kind },
  { "classification-0", KB_FIELD_CLASSIFICATION, bad_class_0 },
  { "classification-4", KB_FIELD_CLASSIFICATION, bad_class_4 },
  { "location", KB_FIELD_LOCATION, bad_location },
  { "custodian-none", KB_FIELD_CUSTODIAN, bad_custodian_none },
  { "custodian-unknown", KB_FIELD_CUSTODIAN, bad_custodian_unknown },
  { "custodian-retired", KB_FIELD_CUSTODIAN, bad_custodian_retired },
  { "division", KB_FIELD_DIVISION, bad_division },
  { "acquired-empty", KB_FIELD_ACQUIRED, bad_acquired_empty },
  { "acquired-feb30", KB_FIELD_ACQUIRED, bad_acquired_feb30 },
  { "acquired-feb29", KB_FIELD_ACQUIRED, bad_acquired_feb29 },
  { "acquired-month", KB_FIELD_ACQUIRED, bad_acquired_month },
  { "acquired-words", KB_FIELD_ACQUIRED, bad_acquired_words },
  { "acquired-mixed", KB_FIELD_ACQUIRED, bad_acquired_mixed },
  { "acquired-future", KB_FIELD_ACQUIRED, bad_acquired_future },
  { "status-lent", KB_FIELD_STATUS, bad_status_lent },
  { "status-disposed", KB_FIELD_STATUS, bad_status_disposed },
  { "days-zero", KB_FIELD_INVENTORY_DAYS, bad_days_zero },
  { "days-big", KB_FIELD_INVENTORY_DAYS, bad_days_big },
  { "days-text", KB_FIELD_INVENTORY_DAYS, bad_days_text },
  { "days-negative", KB_FIELD_INVENTORY_DAYS, bad_days_negative },
  { "notes", KB_FIELD_NOTES, bad_notes },
};

static void
test_register_invalid (Fixture       *fixture,
                       gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;

  act (db, "N1001");
  register_asset (db, "TAKEN-1", KB_ASSET_EQUIPMENT, "N1001", FALSE);
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N3003"), FALSE, "退職", &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *before = assets_snapshot (db);
      KbAssetChange change = {
        .number = "NEW-1",
        .name = "文書",
        .kind = KB_ASSET_DOCUMENT,
        .classification = 2,
        .location = "書庫",
        .custodian_id = op (db, "N1001"),
        .acquired_on = "2026-11-26",   /* today is not the future */
        .status = KB_ASSET_IN_USE,
      };

      g_test_message ("case %s", bad_cases[i].what);
      bad_cases[i].apply (db, &change);
      g_assert_cmpint (kb_assets_save (db, &change, &error), ==, 0);
      g_test_message ("  %s", error->message);
      assert_field (db, before, error, bad_cases[i].field);
      g_clear_error (&error);
    }

  /* 2024 was a leap year. */
  {
    KbAssetChange change = {
      .number = "LEAP", .name = "文書", .kind = KB_ASSET_DOCUMENT, .classification = 1,
      .location = "書庫", .custodian_id = op (db, "N1001"), .acquired_on = "2024-02-29",
    };

    g_assert_cmpint (kb_assets_save (db, &change, &error), >, 0);
    g_assert_no_error (error);
  }
  assert_journal_intact (db);
}

/* --- who may ---------------------------------------------------------------------- */

static void
test_roles (Fixture       *fixture,
            gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  g_autofree char *before = NULL;
  KbAssetCounts counts;
  gint64 id;
  KbAssetChange change = {
    .number = "X-1", .name = "x", .kind = KB_ASSET_SOFTWARE, .classification = 1,
    .location = "x", .custodian_id = op (db, "N1001"), .acquired_on = "2026-01-01",
  };

  act (db, "N1001");
  id = register_asset (db, "A-1", KB_ASSET_EQUIPMENT, "N1003", TRUE);
  before = assets_snapshot (db);

  /* A clerk (even the custodian) neither writes nor reads. */
  act (db, "N1003");
  g_assert_cmpint (kb_assets_save (db, &change, &error), ==, 0);
  assert_refused (db, before, error, "network administrator");
  g_clear_error (&error);
  g_assert_false (kb_assets_set_status (db, id, KB_ASSET_STORED, "倉庫へ", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  g_assert_false (kb_assets_check (db, id, op (db, "N1003"), NULL, KB_CONDITION_GOOD, NULL, &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  list = kb_assets_list (db, NULL, NULL, &error);
  g_assert_null (list);
  assert_refused (db, before, error, "read");
  g_clear_error (&error);
  g_assert_null (kb_assets_history (db, id, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_assets_counts (db, NULL, &counts, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  /* A supervisor (N1002) is no keeper either. */
  act (db, "N1002");
  g_assert_false (kb_assets_hand_over (db, id, op (db, "N1004"), NULL, "異動", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);

  /* The auditor reads, and only reads. */
  act (db, "N2003");
  list = kb_assets_list (db, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  g_clear_object (&list);
  g_assert_true (kb_assets_counts (db, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.n_current, ==, 1);
  g_assert_false (kb_assets_lend (db, id, op (db, "N2003"), "2026-12-01", "監査", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  /* Refused before being told what to fix. */
  {
    KbAssetChange empty = { 0 };

    g_assert_cmpint (kb_assets_save (db, &empty, &error), ==, 0);
    assert_refused (db, before, error, NULL);
    g_clear_error (&error);
  }
  g_assert_false (kb_assets_hand_over (db, id, 0, NULL, "", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  g_assert_false (kb_assets_decide_disposal (db, id, FALSE, "", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);

  /* The network administrator keeps it. */
  act (db, "N2001");
  g_assert_true (kb_assets_set_status (db, id, KB_ASSET_STORED, "倉庫へ", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "SELECT actor_id FROM asset_events WHERE kind = 'status'"), ==,
                   op (db, "N2001"));
  assert_journal_intact (db);
}

/* --- custody ------------------------------------------------------------------------ */

static void
test_hand_over (Fixture       *fixture,
                gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *before = NULL;
  gint64 id;

  act (db, "N1001");
  id = register_asset (db, "JK-01", KB_ASSET_EQUIPMENT, "N1001", TRUE);
  g_assert_true (kb_admin_set_active (db, "operator", op (db, "N3003"), FALSE, "退職", &error));
  g_assert_no_error (error);
  before = assets_snapshot (db);

  g_assert_false (kb_assets_hand_over (db, id, op (db, "N1001"), NULL, "引継ぎ", &error));
  assert_field (db, before, error, KB_FIELD_CUSTODIAN);
  g_clear_error (&error);
  g_assert_false (kb_assets_hand_over (db, id, op (db, "N3003"), NULL, "引継ぎ", &error));
  assert_field (db, before, error, KB_FIELD_CUSTODIAN);
  g_clear_error (&error);
  g_assert_false (kb_assets_hand_over (db, id, 0, NULL, "引継ぎ", &error));
  assert_field (db, before, error, KB_FIELD_CUSTODIAN);
  g_clear_error (&error);
  g_assert_false (kb_assets_hand_over (db, id, op (db, "N2001"), NULL, " ", &error));
  assert_field (db, before, error, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_false (kb_assets_hand_over (db, id, op (db, "N2001"), "a\x01", "引継ぎ", &error));
  assert_field (db, before, error, KB_FIELD_LOCATION);
  g_clear_error (&error);
  g_assert_false (kb_assets_hand_over (db, 99999, op (db, "N2001"), NULL, "引継ぎ", &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (kb_assets_hand_over (db, id, op (db, "N2001"), "情報政策課 サーバ室",
                                      "人事異動による引継ぎ", &error));
  g_assert_no_error (error);
  asset = get_asset (db, id, NULL);
  g_assert_cmpint (kb_asset_get_custodian_id (asset), ==, op (db, "N2001"));
  g_assert_cmpint (kb_asset_get_division_id (asset), ==, division_of (db, "N2001"));
  g_assert_cmpstr (kb_asset_get_location (asset), ==, "情報政策課 サーバ室");
  g_assert_cmpint (count (db, "SELECT count (*) FROM asset_events WHERE kind = 'handover'"
                              " AND reason = '人事異動による引継ぎ'"), ==, 1);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'asset.handover'"),
                   ==, 2);

  /* Without a location, it stays where it is. */
  g_assert_true (kb_assets_hand_over (db, id, op (db, "N1001"), "", "戻し", &error));
  g_assert_no_error (error);
  g_clear_object (&asset);
  asset = get_asset (db, id, NULL);
  g_assert_cmpstr (kb_asset_get_location (asset), ==, "情報政策課 サーバ室");
  g_assert_cmpint (kb_asset_get_division_id (asset), ==, division_of (db, "N1001"));

  /* Not while lent. */
  g_assert_true (kb_assets_lend (db, id, op (db, "N1003"), "2026-12-10", "窓口応援", &error));
  g_assert_no_error (error);
  g_clear_pointer (&before, g_free);
  before = assets_snapshot (db);
  g_assert_false (kb_assets_hand_over (db, id, op (db, "N2001"), NULL, "引継ぎ", &error));
  assert_refused (db, before, error, "lent");
  g_clear_error (&error);
  assert_journal_intact (db);
}

static void
test_lend_return (Fixture       *fixture,
                  gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAsset) asset = NULL;
  g_autofree char *before = NULL;
  gint64 id, tape;

  act (db, "N2001");
  id = register_asset (db, "USB-01", KB_ASSET_MEDIA, "N2001", TRUE);
  tape = register_asset (db, "LTO-01", KB_ASSET_MEDIA, "N2001", TRUE);
  before = assets_snapshot (db);

  g_assert_false (kb_assets_lend (db, id, op (db, "N2001"), "2026-12-10", "貸出", &error));
  assert_field (db, before, error, KB_FIELD_BORROWER);
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, id, 0, "2026-12-10", "貸出", &error));
  assert_field (db, before, error, KB_FIELD_BORROWER);
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, id, op (db, "N1003"), "2026-11-25", "貸出", &error));
  assert_field (db, before, error, KB_FIELD_DUE);
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, id, op (db, "N1003"), "2026-11-31", "貸出", &error));
  assert_field (db, before, error, KB_FIELD_DUE);
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, id, op (db, "N1003"), NULL, "貸出", &error));
  assert_field (db, before, error, KB_FIELD_DUE);
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, id, op (db, "N1003"), "2026-12-10", "", &error));
  assert_field (db, before, error, KB_FIELD_REASON);
  g_clear_error (&error);
  /* Nothing to return. */
  g_assert_false (kb_assets_return (db, id, NULL, NULL, &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);

  /* Stored, lent today until today, returned: stored again. */
  g_assert_true (kb_assets_set_status (db, id, KB_ASSET_STORED, "保管庫へ", &error));
  g_assert_no_error (error);
  g_assert_true (kb_assets_lend (db, id, op (db, "N1003"), TODAY, "転入届の照合", &error));
  g_assert_no_error (error);
  asset = get_asset (db, id, NULL);
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_LENT);
  g_assert_cmpstr (kb_asset_get_borrower_name (asset), ==, "小林 健太");
  g_assert_cmpstr (kb_asset_get_due_on (asset), ==, TODAY);
  g_assert_false (kb_asset_get_return_overdue (asset));
  g_clear_object (&asset);
  asset = get_asset (db, id, "2026-11-27");
  g_assert_true (kb_asset_get_return_overdue (asset));
  g_clear_object (&asset);

  /* While lent: no second loan, no status change, no disposal. */
  g_clear_pointer (&before, g_free);
  before = assets_snapshot (db);
  g_assert_false (kb_assets_lend (db, id, op (db, "N1004"), "2026-12-10", "貸出", &error));
  assert_refused (db, before, error, "already lent");
  g_clear_error (&error);
  g_assert_false (kb_assets_set_status (db, id, KB_ASSET_IN_USE, "戻す", &error));
  assert_refused (db, before, error, "return");
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, id, "不要", KB_DISPOSAL_DESTRUCTION,
                                              KB_DISPOSAL_DATA_NOT_NEEDED, 0, &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);

  g_assert_true (kb_assets_return (db, id, "情報政策課 保管庫", "異常なし", &error));
  g_assert_no_error (error);
  asset = get_asset (db, id, NULL);
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_STORED);
  g_assert_cmpint (kb_asset_get_borrower_id (asset), ==, 0);
  g_assert_null (kb_asset_get_due_on (asset));
  g_assert_cmpstr (kb_asset_get_location (asset), ==, "情報政策課 保管庫");
  g_clear_object (&asset);

  /* In use, lent, returned: in use. */
  g_assert_true (kb_assets_lend (db, tape, op (db, "N1001"), "2027-01-10", "復元試験", &error));
  g_assert_no_error (error);
  g_assert_true (kb_assets_return (db, tape, NULL, NULL, &error));
  g_assert_no_error (error);
  asset = get_asset (db, tape, NULL);
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_IN_USE);
  g_clear_object (&asset);

  /* Out for repair: not lent; its return puts it in use. */
  g_assert_true (kb_assets_set_status (db, tape, KB_ASSET_REPAIR, "読取エラー", &error));
  g_assert_no_error (error);
  g_clear_pointer (&before, g_free);
  before = assets_snapshot (db);
  g_assert_false (kb_assets_lend (db, tape, op (db, "N1003"), "2026-12-10", "貸出", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  g_assert_true (kb_assets_return (db, tape, NULL, "修理完了", &error));
  g_assert_no_error (error);
  asset = get_asset (db, tape, NULL);
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_IN_USE);
  assert_journal_intact (db);
}

static void
test_status (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  static const KbAssetStatus path[] = { KB_ASSET_STORED, KB_ASSET_REPAIR, KB_ASSET_IN_USE,
                                        KB_ASSET_REPAIR, KB_ASSET_STORED, KB_ASSET_IN_USE };
  gint64 id;

  act (db, "N1001");
  id = register_asset (db, "PR-01", KB_ASSET_EQUIPMENT, "N1001", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (path); i++)
    {
      g_autoptr(KbAsset) asset = NULL;

      g_assert_true (kb_assets_set_status (db, id, path[i], "移動", &error));
      g_assert_no_error (error);
      asset = get_asset (db, id, NULL);
      g_assert_cmpint (kb_asset_get_status (asset), ==, path[i]);
    }

  before = assets_snapshot (db);
  g_assert_false (kb_assets_set_status (db, id, KB_ASSET_LENT, "貸出", &error));
  assert_field (db, before, error, KB_FIELD_STATUS);
  g_clear_error (&error);
  g_assert_false (kb_assets_set_status (db, id, KB_ASSET_DISPOSED, "廃棄", &error));
  assert_field (db, before, error, KB_FIELD_STATUS);
  g_clear_error (&error);
  g_assert_false (kb_assets_set_status (db, id, KB_ASSET_IN_USE, "同じ", &error));
  assert_field (db, before, error, KB_FIELD_STATUS);
  g_clear_error (&error);
  g_assert_false (kb_assets_set_status (db, id, KB_ASSET_STORED, NULL, &error));
  assert_field (db, before, error, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_cmpint (count (db, "SELECT count (*) FROM asset_events WHERE kind = 'status'"), ==,
                   G_N_ELEMENTS (path));
  assert_journal_intact (db);
}

/* A failure in the middle of a change (the event cannot be written)
 * leaves nothing behind: not the asset's new custodian, not a journal
 * entry. */
static void
test_atomic (Fixture       *fixture,
             gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 id;

  act (db, "N1001");
  id = register_asset (db, "JK-01", KB_ASSET_EQUIPMENT, "N1001", TRUE);
  before = assets_snapshot (db);

  g_assert_true (kb_db_exec (db, "CREATE TEMP TRIGGER boom BEFORE INSERT ON asset_events"
                                 " BEGIN SELECT RAISE (ABORT, 'disk on fire'); END", &error));
  g_assert_no_error (error);
  g_assert_false (kb_assets_hand_over (db, id, op (db, "N2001"), "サーバ室", "引継ぎ", &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (kb_assets_check (db, id, op (db, "N1003"), "別室", KB_CONDITION_GOOD, NULL,
                                   &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (kb_db_in_transaction (db));
  after = assets_snapshot (db);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (kb_db_exec (db, "DROP TRIGGER temp.boom", &error));
  g_assert_no_error (error);

  g_assert_true (kb_assets_hand_over (db, id, op (db, "N2001"), "サーバ室", "引継ぎ", &error));
  g_assert_no_error (error);
  assert_journal_intact (db);
}

/* --- inventory ----------------------------------------------------------------------- */

typedef struct {
  const char *acquired;
  const char *days;
  const char *today;
  const char *next;
  KbInventoryState state;
} InventoryCase;

static const InventoryCase inventory_cases[] = {
  /* A year after a leap day is 28 February. */
  { "2024-02-29", "365", "2025-01-28", "2025-02-28", KB_INVENTORY_OK },
  { "2024-02-29", "365", "2025-01-29", "2025-02-28", KB_INVENTORY_DUE },
  { "2024-02-29", "365", "2025-02-28", "2025-02-28", KB_INVENTORY_DUE },
  { "2024-02-29", "365", "2025-03-01", "2025-02-28", KB_INVENTORY_OVERDUE },
  /* Days, not months: 31 January plus 30 days is 2 March (1 March in a
   * leap year). */
  { "2025-01-31", "30", "2025-01-31", "2025-03-02", KB_INVENTORY_DUE },
  { "2024-01-31", "30", "2024-03-02", "2024-03-01", KB_INVENTORY_OVERDUE },
  { "2024-01-31", "30", "2024-01-30", "2024-03-01", KB_INVENTORY_OK },
  /* Across the year's end. */
  { "2025-12-31", "1", "2026-01-01", "2026-01-01", KB_INVENTORY_DUE },
  { "2025-12-31", "1", "2026-01-02", "2026-01-01", KB_INVENTORY_OVERDUE },
  { "2016-02-29", "3660", "2025-01-01", "2026-03-08", KB_INVENTORY_OK },
};

static void
test_inventory_dates (Fixture       *fixture,
                      gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;

  act (db, "N2001");
  for (guint i = 0; i < G_N_ELEMENTS (inventory_cases); i++)
    {
      const InventoryCase *c = &inventory_cases[i];
      g_autofree char *number = g_strdup_printf ("INV-%02u", i);
      g_autoptr(KbAsset) asset = NULL;
      KbAssetChange change = {
        .number = number, .name = "記録媒体", .kind = KB_ASSET_MEDIA, .classification = 3,
        .location = "保管庫", .custodian_id = op (db, "N2001"), .acquired_on = c->acquired,
        .inventory_days = c->days,
      };
      gint64 id = kb_assets_save (db, &change, &error);

      g_assert_no_error (error);
      asset = get_asset (db, id, c->today);
      g_test_message ("%s + %s days, today %s", c->acquired, c->days, c->today);
      g_assert_cmpstr (kb_asset_get_next_check_on (asset), ==, c->next);
      g_assert_cmpint (kb_asset_get_inventory_state (asset), ==, c->state);
    }
}

static void
test_inventory_check (Fixture       *fixture,
                      gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAsset) asset = NULL;
  g_autoptr(GListModel) due = NULL;
  g_autofree char *before = NULL;
  KbAssetFilter filter = KB_ASSET_FILTER_INIT;
  KbAssetCounts counts;
  gint64 old, fresh, soon;
  KbAssetChange change = {
    .number = "OLD", .name = "運用手順書", .kind = KB_ASSET_DOCUMENT, .classification = 2,
    .location = "書庫", .custodian_id = op (db, "N1001"), .acquired_on = "2020-04-01",
  };

  act (db, "N1001");
  old = kb_assets_save (db, &change, &error);     /* overdue since 2021 */
  g_assert_no_error (error);
  change.number = "SOON";
  change.acquired_on = "2025-12-10";              /* due 2026-12-10 */
  soon = kb_assets_save (db, &change, &error);
  g_assert_no_error (error);
  change.number = "FRESH";
  change.acquired_on = "2026-06-01";
  fresh = kb_assets_save (db, &change, &error);
  g_assert_no_error (error);

  g_assert_true (kb_assets_counts (db, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.n_current, ==, 3);
  g_assert_cmpuint (counts.n_inventory_due, ==, 2);
  g_assert_cmpuint (counts.n_inventory_overdue, ==, 1);
  filter.show = KB_ASSET_SHOW_INVENTORY_DUE;
  due = kb_assets_list (db, &filter, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (due), ==, 2);

  before = assets_snapshot (db);
  g_assert_false (kb_assets_check (db, old, 0, NULL, KB_CONDITION_GOOD, NULL, &error));
  assert_field (db, before, error, KB_FIELD_SEEN_BY);
  g_clear_error (&error);
  g_assert_false (kb_assets_check (db, old, op (db, "N1003"), NULL, 5, NULL, &error));
  assert_field (db, before, error, KB_FIELD_CONDITION);
  g_clear_error (&error);

  /* Seen elsewhere: the location follows. */
  g_assert_true (kb_assets_check (db, old, op (db, "N1003"), "市町村課 キャビネット",
                                  KB_CONDITION_DAMAGED, "表紙破損", &error));
  g_assert_no_error (error);
  asset = get_asset (db, old, NULL);
  g_assert_cmpstr (kb_asset_get_checked_on (asset), ==, TODAY);
  g_assert_cmpstr (kb_asset_get_next_check_on (asset), ==, "2027-11-26");
  g_assert_cmpint (kb_asset_get_inventory_state (asset), ==, KB_INVENTORY_OK);
  g_assert_cmpstr (kb_asset_get_location (asset), ==, "市町村課 キャビネット");
  g_clear_object (&asset);

  /* Missing: recorded where it should have been; status and place kept. */
  g_assert_true (kb_assets_check (db, soon, op (db, "N1003"), "どこか", KB_CONDITION_MISSING,
                                  "所在不明", &error));
  g_assert_no_error (error);
  asset = get_asset (db, soon, NULL);
  g_assert_cmpstr (kb_asset_get_location (asset), ==, "書庫");
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_IN_USE);
  g_clear_object (&asset);

  /* The day moves on: a check made later. */
  kb_assets_set_clock (test_clock (2027, 2, 28));
  g_assert_true (kb_assets_check (db, fresh, op (db, "N1004"), NULL, KB_CONDITION_GOOD, NULL,
                                  &error));
  g_assert_no_error (error);
  asset = get_asset (db, fresh, NULL);
  g_assert_cmpstr (kb_asset_get_checked_on (asset), ==, "2027-02-28");
  g_assert_cmpstr (kb_asset_get_next_check_on (asset), ==, "2028-02-28");
  g_assert_cmpstr (kb_asset_get_location (asset), ==, "書庫");
  g_clear_object (&asset);

  g_assert_true (kb_assets_counts (db, "2026-11-26", &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.n_inventory_due, ==, 0);
  g_assert_cmpint (count (db, "SELECT count (*) FROM asset_events WHERE kind = 'check'"), ==, 3);
  g_assert_cmpint (count (db, "SELECT count (*) FROM asset_events WHERE kind = 'check'"
                              " AND condition = 'missing' AND location = '書庫'"), ==, 1);
  assert_journal_intact (db);
}

/* --- disposal ------------------------------------------------------------------------ */

static gint64
add_backup (KbDb     *db,
            gboolean  verified)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  g_autofree char *sql = g_strdup_printf ("INSERT INTO backups (made_at, made_by, path, size,"
                                          " digest, journal_seq, verified_at, verified_by)"
                                          " VALUES (1764000000, %" G_GINT64_FORMAT ","
                                          " '/srv/backup/kanribo.kbk', 4096, 'ab', 1, %s, %s)",
                                          op (db, "N2001"),
                                          verified ? "1764000100" : "NULL",
                                          verified ? "(SELECT id FROM operators"
                                                     " WHERE staff_number = 'N1001')" : "NULL");

  g_assert_true (kb_db_begin (db, &error));
  g_assert_true (kb_db_exec (db, sql, &error));
  id = sqlite3_last_insert_rowid (kb_db_get_handle (db));
  g_assert_true (kb_journal_record (db, "backup.make", "backup", id, NULL, &error));
  g_assert_true (kb_db_commit (db, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_disposal (Fixture       *fixture,
               gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAsset) asset = NULL;
  g_autoptr(KbDisposal) disposal = NULL;
  g_autofree char *before = NULL;
  gint64 hdd, binder, unverified, verified;

  act (db, "N2001");
  hdd = register_asset (db, "HDD-01", KB_ASSET_MEDIA, "N2001", TRUE);
  binder = register_asset (db, "DOC-01", KB_ASSET_DOCUMENT, "N2001", FALSE);
  unverified = add_backup (db, FALSE);
  verified = add_backup (db, TRUE);
  before = assets_snapshot (db);

  /* The data rule. */
  g_assert_false (kb_assets_request_disposal (db, hdd, "老朽化", KB_DISPOSAL_DEGAUSSING,
                                              KB_DISPOSAL_DATA_NONE, 0, &error));
  assert_field (db, before, error, KB_FIELD_DATA);
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, hdd, "老朽化", KB_DISPOSAL_DEGAUSSING,
                                              KB_DISPOSAL_DATA_BACKED_UP, 0, &error));
  assert_field (db, before, error, KB_FIELD_BACKUP);
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, hdd, "老朽化", KB_DISPOSAL_DEGAUSSING,
                                              KB_DISPOSAL_DATA_BACKED_UP, 99999, &error));
  assert_field (db, before, error, KB_FIELD_BACKUP);
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, hdd, "老朽化", KB_DISPOSAL_DEGAUSSING,
                                              KB_DISPOSAL_DATA_BACKED_UP, unverified, &error));
  assert_field (db, before, error, KB_FIELD_BACKUP);
  g_assert_nonnull (strstr (error->message, "never verified"));
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, binder, "改訂", KB_DISPOSAL_SHREDDING,
                                              KB_DISPOSAL_DATA_NOT_NEEDED, 0, &error));
  assert_field (db, before, error, KB_FIELD_DATA);
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, binder, "", KB_DISPOSAL_SHREDDING,
                                              KB_DISPOSAL_DATA_NONE, 0, &error));
  assert_field (db, before, error, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, binder, "改訂", 9, KB_DISPOSAL_DATA_NONE, 0,
                                              &error));
  assert_field (db, before, error, KB_FIELD_METHOD);
  g_clear_error (&error);
  /* Nobody signed in: a disposal is signed by a person. */
  act (db, NULL);
  g_assert_false (kb_assets_request_disposal (db, binder, "改訂", KB_DISPOSAL_SHREDDING,
                                              KB_DISPOSAL_DATA_NONE, 0, &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  act (db, "N2003");
  g_assert_false (kb_assets_request_disposal (db, binder, "改訂", KB_DISPOSAL_SHREDDING,
                                              KB_DISPOSAL_DATA_NONE, 0, &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);

  /* Requested by the network administrator. */
  act (db, "N2001");
  g_assert_true (kb_assets_request_disposal (db, hdd, "老朽化のため更新", KB_DISPOSAL_DEGAUSSING,
                                             KB_DISPOSAL_DATA_BACKED_UP, verified, &error));
  g_assert_no_error (error);
  g_assert_true (kb_assets_request_disposal (db, binder, "規程改訂により旧版廃棄",
                                             KB_DISPOSAL_SHREDDING, KB_DISPOSAL_DATA_NONE, 0,
                                             &error));
  g_assert_no_error (error);
  asset = get_asset (db, hdd, NULL);
  g_assert_true (kb_asset_get_disposal_pending (asset));
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_IN_USE);
  g_clear_object (&asset);
  g_assert_cmpint (count (db, "SELECT count (*) FROM journal WHERE kind = 'asset.dispose-request'"
                              " AND entity = 'disposal'"), ==, 2);

  /* One pending request; no hand-over or loan while it waits. */
  g_clear_pointer (&before, g_free);
  before = assets_snapshot (db);
  g_assert_false (kb_assets_request_disposal (db, hdd, "再度", KB_DISPOSAL_DESTRUCTION,
                                              KB_DISPOSAL_DATA_NOT_NEEDED, 0, &error));
  assert_refused (db, before, error, "already awaits");
  g_clear_error (&error);
  g_assert_false (kb_assets_hand_over (db, hdd, op (db, "N1001"), NULL, "引継ぎ", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, hdd, op (db, "N1001"), "2026-12-01", "貸出", &error));
  assert_refused (db, before, error, NULL);
  g_clear_error (&error);

  /* The network administrator requests but does not decide. */
  g_assert_false (kb_assets_decide_disposal (db, hdd, TRUE, NULL, &error));
  assert_refused (db, before, error, "security officer");
  g_clear_error (&error);

  /* A security officer's own request goes to another officer. */
  act (db, "N1001");
  {
    gint64 own = register_asset (db, "DOC-02", KB_ASSET_DOCUMENT, "N1001", FALSE);

    g_assert_true (kb_assets_request_disposal (db, own, "旧版", KB_DISPOSAL_SHREDDING,
                                               KB_DISPOSAL_DATA_NONE, 0, &error));
    g_assert_no_error (error);
    g_clear_pointer (&before, g_free);
    before = assets_snapshot (db);
    g_assert_false (kb_assets_decide_disposal (db, own, TRUE, NULL, &error));
    assert_refused (db, before, error, "The request must be decided by another security officer");
    g_clear_error (&error);
  }

  /* Rejection needs a reason, and leaves the asset as it was. */
  g_assert_false (kb_assets_decide_disposal (db, binder, FALSE, "  ", &error));
  assert_field (db, before, error, KB_FIELD_REASON);
  g_clear_error (&error);
  g_assert_true (kb_assets_decide_disposal (db, binder, FALSE, "保存年限が未到来", &error));
  g_assert_no_error (error);
  asset = get_asset (db, binder, NULL);
  g_assert_false (kb_asset_get_disposal_pending (asset));
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_IN_USE);
  g_clear_object (&asset);
  disposal = kb_assets_get_disposal (db, binder, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (disposal->status, ==, "rejected");
  g_assert_cmpstr (disposal->decider_name, ==, "北沢 誠一");
  g_assert_cmpstr (disposal->requester_name, ==, "中村 隆之");
  g_clear_pointer (&disposal, kb_disposal_free);
  g_assert_false (kb_assets_decide_disposal (db, binder, TRUE, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  /* Approval: disposed, still in the register. */
  g_assert_true (kb_assets_decide_disposal (db, hdd, TRUE, NULL, &error));
  g_assert_no_error (error);
  asset = get_asset (db, hdd, NULL);
  g_assert_cmpint (kb_asset_get_status (asset), ==, KB_ASSET_DISPOSED);
  g_assert_false (kb_asset_get_disposal_pending (asset));
  g_assert_cmpint (kb_asset_get_inventory_state (asset), ==, KB_INVENTORY_OK);
  g_clear_object (&asset);
  disposal = kb_assets_get_disposal (db, hdd, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (disposal->status, ==, "approved");
  g_assert_cmpint (disposal->method, ==, KB_DISPOSAL_DEGAUSSING);
  g_assert_cmpint (disposal->data, ==, KB_DISPOSAL_DATA_BACKED_UP);
  g_assert_cmpint (disposal->backup_id, ==, verified);
  g_assert_cmpint (disposal->decided_by, ==, op (db, "N1001"));

  /* Frozen. */
  g_clear_pointer (&before, g_free);
  before = assets_snapshot (db);
  {
    KbAssetChange change = {
      .id = hdd, .number = "HDD-01", .name = "x", .kind = KB_ASSET_MEDIA, .classification = 3,
      .location = "x", .custodian_id = op (db, "N2001"), .acquired_on = "2025-04-01",
      .reason = "訂正",
    };

    g_assert_cmpint (kb_assets_save (db, &change, &error), ==, 0);
    assert_refused (db, before, error, "disposed");
    g_clear_error (&error);
  }
  g_assert_false (kb_assets_hand_over (db, hdd, op (db, "N1001"), NULL, "引継ぎ", &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);
  g_assert_false (kb_assets_lend (db, hdd, op (db, "N1003"), "2026-12-01", "貸出", &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);
  g_assert_false (kb_assets_set_status (db, hdd, KB_ASSET_STORED, "保管", &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);
  g_assert_false (kb_assets_return (db, hdd, NULL, NULL, &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);
  g_assert_false (kb_assets_check (db, hdd, op (db, "N1003"), NULL, KB_CONDITION_GOOD, NULL,
                                   &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);
  g_assert_false (kb_assets_request_disposal (db, hdd, "再度", KB_DISPOSAL_DESTRUCTION,
                                              KB_DISPOSAL_DATA_NOT_NEEDED, 0, &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);
  g_assert_false (kb_assets_decide_disposal (db, hdd, TRUE, NULL, &error));
  assert_refused (db, before, error, "disposed");
  g_clear_error (&error);

  /* The table itself will not take a decision by the requester. */
  g_assert_cmpint (sqlite3_exec (kb_db_get_handle (db),
                                 "UPDATE disposals SET decided_by = requested_by"
                                 " WHERE status = 'approved'", NULL, NULL, NULL) & 0xff,
                   ==, SQLITE_CONSTRAINT);
  assert_journal_intact (db);
}

/* --- history and list ---------------------------------------------------------------- */

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) history = NULL;
  static const char * const expected[] = {
    "register:Registered as “In use”, custodian 北沢 誠一",
    "handover:Handed over from 北沢 誠一 to 中村 隆之",
    "lend:Lent to 清水 大輔 until 2026-12-10",
    "return:Returned by 清水 大輔, In use",
    "status:Status changed from “In use” to “Out for repair”",
    "return:Back from repair, In use",
    "check:Inventory check: seen by 小林 健太 at サーバ室, good",
    "amend:Facts amended: 型番の訂正",
    "dispose-request:Disposal requested (shredding)",
    "dispose-reject:Disposal rejected: まだ使える",
    "dispose-request:Disposal requested (physical destruction)",
    "dispose-approve:Disposal approved: the asset is disposed of",
  };
  KbAssetChange change = {
    .number = "JK-01", .name = "端末", .kind = KB_ASSET_EQUIPMENT, .classification = 3,
    .location = "サーバ室", .custodian_id = op (db, "N1001"), .acquired_on = "2025-04-01",
    .holds_data = FALSE,
  };
  gint64 id;
  gint64 last_at = 0;

  act (db, "N1001");
  id = kb_assets_save (db, &change, &error);
  g_assert_no_error (error);
  kb_assets_set_clock (test_clock (2026, 11, 26) + 60);
  g_assert_true (kb_assets_hand_over (db, id, op (db, "N2001"), NULL, "異動", &error));
  act (db, "N2001");
  g_assert_true (kb_assets_lend (db, id, op (db, "N2003"), "2026-12-10", "監査", &error));
  g_assert_true (kb_assets_return (db, id, NULL, NULL, &error));
  g_assert_true (kb_assets_set_status (db, id, KB_ASSET_REPAIR, "故障", &error));
  g_assert_true (kb_assets_return (db, id, NULL, "修理済", &error));
  g_assert_true (kb_assets_check (db, id, op (db, "N1003"), NULL, KB_CONDITION_GOOD, NULL,
                                  &error));
  change.id = id;
  change.name = "端末 ESPRIMO";
  change.reason = "型番の訂正";
  g_assert_cmpint (kb_assets_save (db, &change, &error), ==, id);
  g_assert_true (kb_assets_request_disposal (db, id, "更新", KB_DISPOSAL_SHREDDING,
                                             KB_DISPOSAL_DATA_NONE, 0, &error));
  act (db, "N1001");
  g_assert_true (kb_assets_decide_disposal (db, id, FALSE, "まだ使える", &error));
  /* In the same second as the rejection: each request keeps its method. */
  act (db, "N2001");
  g_assert_true (kb_assets_request_disposal (db, id, "更新", KB_DISPOSAL_DESTRUCTION,
                                             KB_DISPOSAL_DATA_NONE, 0, &error));
  kb_assets_set_clock (test_clock (2026, 11, 27));
  act (db, "N1001");
  g_assert_true (kb_assets_decide_disposal (db, id, TRUE, NULL, &error));
  g_assert_no_error (error);

  act (db, "N2003");   /* the auditor reads it */
  history = kb_assets_history (db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(KbAssetEvent) event = g_list_model_get_item (history, i);
      g_autofree char *text = kb_asset_event_describe (event);
      g_autofree char *line = g_strconcat (kb_asset_event_get_kind (event), ":", text, NULL);

      g_assert_cmpstr (line, ==, expected[i]);
      g_assert_cmpint (kb_asset_event_get_at (event), >=, last_at);
      last_at = kb_asset_event_get_at (event);
    }
  {
    g_autoptr(KbAssetEvent) first = g_list_model_get_item (history, 0);
    g_autoptr(KbAssetEvent) lend = g_list_model_get_item (history, 2);
    g_autoptr(KbAssetEvent) last = g_list_model_get_item (history, G_N_ELEMENTS (expected) - 1);

    g_assert_cmpstr (kb_asset_event_get_actor_name (first), ==, "北沢 誠一");
    g_assert_cmpstr (kb_asset_event_get_actor_name (lend), ==, "中村 隆之");
    g_assert_cmpstr (kb_asset_event_get_from_status (lend), ==, "in-use");
    g_assert_cmpstr (kb_asset_event_get_reason (lend), ==, "監査");
    g_assert_cmpstr (kb_asset_event_get_to_status (last), ==, "disposed");
    g_assert_cmpint (kb_asset_event_get_at (last), ==, test_clock (2026, 11, 27));
  }
  assert_journal_intact (db);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  KbDb *db = fixture->db;
  g_autoptr(GError) error = NULL;
  KbAssetFilter filter = KB_ASSET_FILTER_INIT;
  struct {
    KbAssetShow show;
    int kind;
    const char *custodian;
    const char *division;
    const char *text;
    const char *numbers;
  } cases[] = {
    { KB_ASSET_SHOW_CURRENT, -1, NULL, NULL, NULL, "A-1 B-2 C-3 D-4 E_5" },
    { KB_ASSET_SHOW_ALL, -1, NULL, NULL, NULL, "A-1 B-2 C-3 D-4 E_5 Z-9" },
    { KB_ASSET_SHOW_DISPOSED, -1, NULL, NULL, NULL, "Z-9" },
    { KB_ASSET_SHOW_LENT, -1, NULL, NULL, NULL, "B-2" },
    { KB_ASSET_SHOW_DISPOSAL_PENDING, -1, NULL, NULL, NULL, "C-3" },
    { KB_ASSET_SHOW_ALL, KB_ASSET_MEDIA, NULL, NULL, NULL, "B-2 Z-9" },
    { KB_ASSET_SHOW_CURRENT, -1, "N2001", NULL, NULL, "C-3 D-4" },
    { KB_ASSET_SHOW_CURRENT, -1, NULL, "N2001", NULL, "C-3 D-4" },
    { KB_ASSET_SHOW_CURRENT, -1, NULL, NULL, "金庫", "B-2" },
    { KB_ASSET_SHOW_CURRENT, -1, NULL, NULL, "保守", "D-4" },
    { KB_ASSET_SHOW_CURRENT, -1, NULL, NULL, "c-3", "C-3" },
    /* LIKE's wildcards are literal. */
    { KB_ASSET_SHOW_CURRENT, -1, NULL, NULL, "_", "E_5" },
    { KB_ASSET_SHOW_CURRENT, -1, NULL, NULL, "%", "" },
    { KB_ASSET_SHOW_CURRENT, KB_ASSET_DOCUMENT, "N2001", NULL, "ルーター", "" },
  };
  gint64 a, b, c, d, e, z;

  act (db, "N1001");
  /* Registered out of order; listed by number. */
  e = register_asset (db, "E_5", KB_ASSET_DOCUMENT, "N1001", FALSE);
  d = register_asset (db, "D-4", KB_ASSET_EQUIPMENT, "N2001", TRUE);
  a = register_asset (db, "A-1", KB_ASSET_EQUIPMENT, "N1001", TRUE);
  b = register_asset (db, "B-2", KB_ASSET_MEDIA, "N1001", TRUE);
  c = register_asset (db, "C-3", KB_ASSET_SOFTWARE, "N2001", FALSE);
  z = register_asset (db, "Z-9", KB_ASSET_MEDIA, "N1001", FALSE);
  (void) a;
  (void) e;
  {
    KbAssetChange change = {
      .id = d, .number = "D-4", .name = "ルーター", .kind = KB_ASSET_EQUIPMENT,
      .classification = 3, .location = "サーバ室", .custodian_id = op (db, "N2001"),
      .acquired_on = "2025-04-01", .holds_data = TRUE, .notes = "保守契約 2027年3月まで",
      .reason = "備考",
    };

    g_assert_cmpint (kb_assets_save (db, &change, &error), ==, d);
  }
  g_assert_true (kb_assets_hand_over (db, b, op (db, "N1004"), "金庫", "保管替え", &error));
  g_assert_true (kb_assets_lend (db, b, op (db, "N1003"), "2026-12-01", "照合", &error));
  act (db, "N2001");
  g_assert_true (kb_assets_request_disposal (db, c, "ライセンス終了", KB_DISPOSAL_VENDOR,
                                             KB_DISPOSAL_DATA_NONE, 0, &error));
  g_assert_true (kb_assets_request_disposal (db, z, "破損", KB_DISPOSAL_DESTRUCTION,
                                             KB_DISPOSAL_DATA_NONE, 0, &error));
  act (db, "N1001");
  g_assert_true (kb_assets_decide_disposal (db, z, TRUE, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GListModel) list = NULL;
      g_autoptr(GString) numbers = g_string_new (NULL);

      filter.show = cases[i].show;
      filter.kind = cases[i].kind;
      filter.custodian_id = cases[i].custodian != NULL ? op (db, cases[i].custodian) : 0;
      filter.division_id = cases[i].division != NULL ? division_of (db, cases[i].division) : 0;
      filter.text = cases[i].text;
      list = kb_assets_list (db, &filter, NULL, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        {
          g_autoptr(KbAsset) asset = g_list_model_get_item (list, j);

          g_string_append_printf (numbers, "%s%s", j > 0 ? " " : "", kb_asset_get_number (asset));
          if (g_str_equal (kb_asset_get_number (asset), "C-3"))
            g_assert_true (kb_asset_get_disposal_pending (asset));
          if (g_str_equal (kb_asset_get_number (asset), "B-2"))
            g_assert_cmpstr (kb_asset_get_borrower_name (asset), ==, "小林 健太");
        }
      g_test_message ("case %u: %s", i, numbers->str);
      g_assert_cmpstr (numbers->str, ==, cases[i].numbers);
    }

  {
    KbAssetCounts counts;

    g_assert_true (kb_assets_counts (db, "2026-12-02", &counts, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (counts.n_current, ==, 5);
    g_assert_cmpuint (counts.n_lent, ==, 1);
    g_assert_cmpuint (counts.n_return_overdue, ==, 1);
    g_assert_cmpuint (counts.n_disposal_pending, ==, 1);
  }
  assert_journal_intact (db);
}

static void
test_labels (void)
{
  KbAssetKind kind;
  KbAssetStatus status;

  g_assert_cmpstr (kb_asset_classification_get_label (3), ==, "Confidentiality 3 (highest)");
  g_assert_cmpstr (kb_asset_status_get_label (KB_ASSET_REPAIR), ==, "Out for repair");
  g_assert_cmpstr (kb_asset_kind_get_label (KB_ASSET_MEDIA), ==, "Storage media");
  for (int i = 0; i <= KB_ASSET_DOCUMENT; i++)
    {
      g_assert_true (kb_asset_kind_from_string (kb_asset_kind_to_string (i), &kind));
      g_assert_cmpint (kind, ==, i);
    }
  for (int i = 0; i <= KB_ASSET_DISPOSED; i++)
    {
      g_assert_true (kb_asset_status_from_string (kb_asset_status_to_string (i), &status));
      g_assert_cmpint (status, ==, i);
    }
  g_assert_false (kb_asset_kind_from_string ("Equipment", &kind));
  g_assert_false (kb_asset_status_from_string (NULL, &status));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assets/labels", test_labels);
#define ADD(path, func) \
  g_test_add ("/assets/" path, Fixture, NULL, setup_assets, func, teardown_assets)
  ADD ("register", test_register);
  ADD ("register-invalid", test_register_invalid);
  ADD ("roles", test_roles);
  ADD ("hand-over", test_hand_over);
  ADD ("lend-return", test_lend_return);
  ADD ("status", test_status);
  ADD ("atomic", test_atomic);
  ADD ("inventory-dates", test_inventory_dates);
  ADD ("inventory-check", test_inventory_check);
  ADD ("disposal", test_disposal);
  ADD ("history", test_history);
  ADD ("list", test_list);
#undef ADD

  return g_test_run ();
}
