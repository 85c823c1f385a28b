/* test-room.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The equipment-room entry log on the demo office: operators and escorted
 * visitors going in and out, keys issued, kept and returned, the rules
 * (nobody inside twice, one key to one person, nothing in the future or
 * before it began), who may keep and read the log, the order it is listed
 * in, that a refusal writes nothing, the demo's three months, and that
 * the journal holds the log as evidence.
 *
 * Runs in Asia/Tokyo: times are typed in local time.
 */

#include "config.h"

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-journal.h"
#include "kb-room.h"
#include "kb-test-util.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef KbTestFixture Fixture;

#define ROOM   "機器設置室 (本庁舎3階)"
#define SERVER "サーバー室 (西庁舎)"
#define RLO "\xe2\x80\xae"

static void
setup_demo (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kb_test_fixture_setup (fixture, data);
  fixture->db = kb_db_open (fixture->path, KB_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
  kb_demo_seed (fixture->db, &error);
  g_assert_no_error (error);
}

/* The demo's people: N1001 security officer, N2001 network administrator
 * (both keep the log), N2002 a clerk of the network administrator's
 * division, N2003 an auditor (reads it), N1003 a clerk (neither). */
static gint64
op (KbDb       *db,
    const char *staff)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db),
                                       "SELECT id FROM operators WHERE staff_number = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, staff, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
act (KbDb       *db,
     const char *staff)
{
  kb_db_set_actor (db, staff != NULL ? op (db, staff) : 0, "JK-04");
}

/* "YYYY-MM-DD HH:MM", local time, @minutes from now. */
static char *
at (int minutes)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) t = g_date_time_add_minutes (now, minutes);

  return g_date_time_format (t, "%Y-%m-%d %H:%M");
}

/* The same, as Unix time (to the minute, as typed). */
static gint64
at_unix (int minutes)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) t = g_date_time_add_minutes (now, minutes);
  g_autoptr(GDateTime) m = g_date_time_new_local (g_date_time_get_year (t),
                                                  g_date_time_get_month (t),
                                                  g_date_time_get_day_of_month (t),
                                                  g_date_time_get_hour (t),
                                                  g_date_time_get_minute (t), 0);

  return g_date_time_to_unix (m);
}

/* The Unix time of "YYYY-MM-DD HH:MM" as at() writes it. */
static gint64
unix_of (const char *text)
{
  g_autoptr(GDateTime) t = NULL;
  int y, mo, d, h, mi;

  g_assert_cmpint (sscanf (text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi), ==, 5);
  t = g_date_time_new_local (y, mo, d, h, mi, 0);
  return g_date_time_to_unix (t);
}

static gint64
enter (KbDb                    *db,
       const KbRoomEntryChange *change)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kb_room_enter (db, change, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
enter_operator (KbDb       *db,
                const char *room,
                const char *staff,
                const char *key,
                const char *entered)
{
  KbRoomEntryChange c = { room, op (db, staff), NULL, NULL, "日常点検", entered, 0, key };

  return enter (db, &c);
}

static gint64
enter_visitor (KbDb       *db,
               const char *room,
               const char *name,
               const char *org,
               const char *escort,
               const char *entered)
{
  KbRoomEntryChange c = { room, 0, name, org, "CS端末の定期保守", entered, op (db, escort), NULL };

  return enter (db, &c);
}

/* Every row of the log and the journal's length: equal before and after
 * an operation that must write nothing. */
static char *
room_snapshot (KbDb *db)
{
  static const char * const queries[] = {
    "SELECT * FROM room_entries ORDER BY id",
    "SELECT count (*), max (seq) FROM journal",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (kb_db_get_handle (db), queries[q], -1, &stmt, NULL),
                       ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s|", sqlite3_column_type (stmt, c) == SQLITE_NULL
                                                ? "NULL"
                                                : (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }
  return g_string_free (out, FALSE);
}

/* @change is refused with a KB_FIELD_ERROR on @field, and nothing is written. */
static void
assert_enter_refused (KbDb                    *db,
                      const KbRoomEntryChange *change,
                      const char              *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = room_snapshot (db);
  g_autofree char *after = NULL;

  g_assert_cmpint (kb_room_enter (db, change, &error), ==, 0);
  g_assert_error (error, KB_FIELD_ERROR, error->code);
  g_test_message ("%s: %s", field, error->message);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, field);
  after = room_snapshot (db);
  g_assert_cmpstr (before, ==, after);
}

static KbRoomEntry *
get (KbDb   *db,
     gint64  id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) all = kb_room_list (db, 0, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(KbRoomEntry) e = g_list_model_get_item (all, i);

      if (kb_room_entry_get_id (e) == id)
        return g_steal_pointer (&e);
    }
  g_assert_not_reached ();
  return NULL;
}

static void
assert_intact (KbDb *db)
{
  g_autoptr(GError) error = NULL;
  KbVerifyReport report = { 0 };

  g_assert_true (kb_journal_verify (db, NULL, NULL, NULL, &report, &error));
  g_assert_no_error (error);
  g_assert_null (report.bad_entity);
  kb_verify_report_clear (&report);
}

static gint64
journal_count (KbDb       *db,
               const char *kind,
               gint64      id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM journal WHERE kind = '%s'"
                                          " AND entity = 'room' AND entity_id = %" G_GINT64_FORMAT,
                                          kind, id);
  return kb_test_count (db, sql);
}

/* --- recording ------------------------------------------------------------------ */

static void
test_enter_leave (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbRoomEntry) inside = NULL;
  g_autoptr(KbRoomEntry) out = NULL;
  g_autofree char *in_at = at (-30);
  gint64 id, before = kb_test_journal_length (fixture->db);
  gint64 left_before, left_after;
  KbRoomEntryChange c = { "  " ROOM "  ", op (fixture->db, "N2002"), NULL, "",
                          "バックアップ媒体の交換", in_at, 0, "機器設置室 鍵1" };

  act (fixture->db, "N2001");
  id = enter (fixture->db, &c);
  g_assert_cmpint (kb_test_journal_length (fixture->db), ==, before + 1);
  g_assert_cmpint (journal_count (fixture->db, "room.enter", id), ==, 1);

  inside = get (fixture->db, id);
  g_assert_cmpstr (kb_room_entry_get_room (inside), ==, ROOM);   /* trimmed */
  g_assert_cmpint (kb_room_entry_get_operator_id (inside), ==, op (fixture->db, "N2002"));
  g_assert_cmpstr (kb_room_entry_get_person_name (inside), ==, "田中 美穂");
  g_assert_cmpstr (kb_room_entry_get_organisation (inside), ==, "情報政策課");  /* her division */
  g_assert_false (kb_room_entry_is_visitor (inside));
  g_assert_cmpstr (kb_room_entry_get_purpose (inside), ==, "バックアップ媒体の交換");
  g_assert_cmpint (kb_room_entry_get_entered_at (inside), ==, unix_of (in_at));
  g_assert_cmpint (kb_room_entry_get_left_at (inside), ==, 0);
  g_assert_true (kb_room_entry_get_inside (inside));
  g_assert_true (kb_room_entry_get_key_out (inside));
  g_assert_cmpstr (kb_room_entry_get_key_label (inside), ==, "機器設置室 鍵1");
  g_assert_cmpint (kb_room_entry_get_escort_id (inside), ==, 0);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT recorded_by FROM room_entries"), ==,
                   op (fixture->db, "N2001"));

  left_before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
  g_assert_no_error (error);
  left_after = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (journal_count (fixture->db, "room.leave", id), ==, 1);

  out = get (fixture->db, id);
  g_assert_cmpint (kb_room_entry_get_left_at (out), >=, left_before);
  g_assert_cmpint (kb_room_entry_get_left_at (out), <=, left_after);
  /* The key came back with her. */
  g_assert_cmpint (kb_room_entry_get_key_returned_at (out), ==, kb_room_entry_get_left_at (out));
  g_assert_false (kb_room_entry_get_inside (out));
  g_assert_false (kb_room_entry_get_key_out (out));

  /* Gone once, not twice. */
  g_assert_false (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kb_room_leave (fixture->db, id + 100, NULL, FALSE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Back in later: a new stay. */
  c.entered = NULL;
  g_assert_cmpint (enter (fixture->db, &c), >, id);
  assert_intact (fixture->db);
}

static void
test_visitor (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbRoomEntry) e = NULL;
  g_autofree char *in_at = at (-90);
  KbRoomEntryChange c = { ROOM, 0, "佐藤　健一", "富士通Ｊａｐａｎ　保守担当", "CS端末の定期保守",
                          in_at, 0, NULL };
  g_autoptr(KbDb) reopened = NULL;
  gint64 id;

  act (fixture->db, "N2001");

  /* A visitor needs an escort, who is an active operator. */
  assert_enter_refused (fixture->db, &c, KB_FIELD_ESCORT);
  c.escort_id = 999999;
  assert_enter_refused (fixture->db, &c, KB_FIELD_ESCORT);
  c.escort_id = op (fixture->db, "N2002");
  act (fixture->db, "N1001");
  g_assert_true (kb_admin_set_active (fixture->db, "operator", c.escort_id, FALSE, "退職", &error));
  g_assert_no_error (error);
  act (fixture->db, "N2001");
  assert_enter_refused (fixture->db, &c, KB_FIELD_ESCORT);
  c.escort_id = op (fixture->db, "N2001");

  /* And an organisation. */
  c.visitor_org = " ";
  assert_enter_refused (fixture->db, &c, KB_FIELD_VISITOR_ORG);
  c.visitor_org = "富士通Ｊａｐａｎ　保守担当";

  id = enter (fixture->db, &c);
  e = get (fixture->db, id);
  g_assert_true (kb_room_entry_is_visitor (e));
  g_assert_cmpint (kb_room_entry_get_operator_id (e), ==, 0);
  /* Folded: full-width letters and the ideographic space. */
  g_assert_cmpstr (kb_room_entry_get_person_name (e), ==, "佐藤 健一");
  g_assert_cmpstr (kb_room_entry_get_organisation (e), ==, "富士通Japan 保守担当");
  g_assert_cmpint (kb_room_entry_get_escort_id (e), ==, op (fixture->db, "N2001"));
  g_assert_cmpstr (kb_room_entry_get_escort_name (e), ==, "中村 隆之");
  g_assert_null (kb_room_entry_get_key_label (e));
  g_assert_false (kb_room_entry_get_key_out (e));
  g_assert_true (kb_room_entry_get_inside (e));

  /* No key was given: none can be returned. */
  g_assert_false (kb_room_return_key (fixture->db, id, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  g_assert_true (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&e);
  e = get (fixture->db, id);
  g_assert_false (kb_room_entry_get_inside (e));
  g_assert_cmpint (kb_room_entry_get_key_returned_at (e), ==, 0);
  assert_intact (fixture->db);
}

static void
test_person (Fixture       *fixture,
             gconstpointer  data)
{
  KbRoomEntryChange c = { ROOM, 0, NULL, NULL, "点検", NULL, 0, NULL };

  act (fixture->db, "N2001");
  /* Nobody. */
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  c.visitor_name = "   ";
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  /* An organisation without a name. */
  c.visitor_org = "NTT東日本";
  assert_enter_refused (fixture->db, &c, KB_FIELD_VISITOR_NAME);
  /* Both an operator and a visitor. */
  c.operator_id = op (fixture->db, "N2002");
  c.visitor_name = "山口 亮";
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  c.visitor_name = NULL;
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  c.visitor_org = NULL;
  /* An operator who escorts themselves. */
  c.escort_id = c.operator_id;
  assert_enter_refused (fixture->db, &c, KB_FIELD_ESCORT);
  /* An operator who does not exist, or is retired. */
  c.escort_id = 0;
  c.operator_id = 999999;
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  {
    g_autoptr(GError) error = NULL;

    c.operator_id = op (fixture->db, "N1004");
    act (fixture->db, "N1001");
    kb_admin_set_active (fixture->db, "operator", c.operator_id, FALSE, "異動", &error);
    g_assert_no_error (error);
    act (fixture->db, "N2001");
    assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  }
  /* An operator with an escort: allowed (a clerk new to the room). */
  c.operator_id = op (fixture->db, "N1003");
  c.escort_id = op (fixture->db, "N2001");
  enter (fixture->db, &c);
}

static void
test_inside_twice (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *t60 = at (-60);
  g_autofree char *t50 = at (-50);
  g_autofree char *t40 = at (-40);
  g_autofree char *t30 = at (-30);
  g_autofree char *t20 = at (-20);
  KbRoomEntryChange c = { ROOM, op (fixture->db, "N2002"), NULL, NULL, "点検", t40, 0, NULL };
  KbRoomEntryChange v = { ROOM, 0, "山口 亮", "NTT東日本", "回線試験", t40,
                          op (fixture->db, "N2001"), NULL };
  gint64 first, visitor;

  act (fixture->db, "N1001");
  first = enter (fixture->db, &c);

  /* Inside already, whenever the second entry claims to start. */
  c.entered = NULL;
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  c.entered = t60;
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  /* Another room is another matter. */
  c.room = SERVER;
  c.entered = NULL;
  enter (fixture->db, &c);
  c.room = ROOM;

  visitor = enter (fixture->db, &v);
  /* The same visitor, however typed. */
  v.visitor_name = "山口　亮";
  v.visitor_org = "ＮＴＴ東日本 ";
  v.entered = NULL;
  assert_enter_refused (fixture->db, &v, KB_FIELD_VISITOR_NAME);
  /* Same name, another organisation: another person. */
  v.visitor_org = "NTT西日本";
  enter (fixture->db, &v);

  /* Out at -30: in again at -20, but not at -35 (still inside then). */
  g_assert_true (kb_room_leave (fixture->db, first, t30, FALSE, &error));
  g_assert_no_error (error);
  c.entered = t50;
  assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
  c.entered = t20;
  enter (fixture->db, &c);

  g_assert_true (kb_room_leave (fixture->db, visitor, NULL, FALSE, &error));
  g_assert_no_error (error);
  v.visitor_org = "NTT東日本";
  enter (fixture->db, &v);
  assert_intact (fixture->db);
}

static void
test_keys (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbRoomEntry) e = NULL;
  g_autofree char *t90 = at (-90);
  g_autofree char *t80 = at (-80);
  g_autofree char *t60 = at (-60);
  g_autofree char *t50 = at (-50);
  g_autofree char *t40 = at (-40);
  g_autofree char *t10 = at (-10);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbRoomEntryChange c = { ROOM, op (fixture->db, "N2002"), NULL, NULL, "点検", t60, 0, "鍵1" };
  gint64 kept;

  act (fixture->db, "N2001");
  kept = enter (fixture->db, &c);

  /* The key is hers until it comes back. */
  c.operator_id = op (fixture->db, "N1001");
  c.entered = NULL;
  c.key_label = "鍵１";   /* full-width: the same key */
  assert_enter_refused (fixture->db, &c, KB_FIELD_KEY);
  /* Taken before she had it, and not back by then either. */
  c.entered = t90;
  assert_enter_refused (fixture->db, &c, KB_FIELD_KEY);
  /* Another key, or the same label in another room: fine. */
  c.key_label = "鍵2";
  c.entered = NULL;
  enter (fixture->db, &c);
  c.room = SERVER;
  c.key_label = "鍵1";
  enter (fixture->db, &c);
  c.room = ROOM;

  /* She leaves and keeps it. */
  g_assert_true (kb_room_leave (fixture->db, kept, t50, TRUE, &error));
  g_assert_no_error (error);
  e = get (fixture->db, kept);
  g_assert_false (kb_room_entry_get_inside (e));
  g_assert_true (kb_room_entry_get_key_out (e));
  g_clear_object (&e);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM journal WHERE kind ="
                                               " 'room.leave' AND detail = '{\"key\":\"kept\"}'"),
                   ==, 1);
  c.operator_id = op (fixture->db, "N2001");
  c.entered = NULL;
  c.key_label = "鍵1";
  assert_enter_refused (fixture->db, &c, KB_FIELD_KEY);

  /* Not back before it went out, nor in the future. */
  before = room_snapshot (fixture->db);
  g_assert_false (kb_room_return_key (fixture->db, kept, t80, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_RETURNED);
  g_clear_error (&error);
  {
    g_autofree char *future = at (24 * 60);

    g_assert_false (kb_room_return_key (fixture->db, kept, future, &error));
    g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
    g_clear_error (&error);
  }
  after = room_snapshot (fixture->db);
  g_assert_cmpstr (before, ==, after);

  g_assert_true (kb_room_return_key (fixture->db, kept, t40, &error));
  g_assert_no_error (error);
  g_assert_cmpint (journal_count (fixture->db, "room.key-return", kept), ==, 1);
  e = get (fixture->db, kept);
  g_assert_false (kb_room_entry_get_key_out (e));
  g_assert_cmpint (kb_room_entry_get_key_returned_at (e), ==, unix_of (t40));
  g_assert_false (kb_room_return_key (fixture->db, kept, NULL, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  /* Back at -40: free from then on, not at -45. */
  c.entered = t50;
  assert_enter_refused (fixture->db, &c, KB_FIELD_KEY);
  c.entered = t10;
  enter (fixture->db, &c);
  assert_intact (fixture->db);
}

static void
test_times (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *hhmm = g_date_time_format (now, "%H:%M");
  g_autofree char *full_width = NULL;
  g_autofree char *slashes = g_date_time_format (now, "%Y/%m/%d %H:%M");
  g_autofree char *tomorrow = at (24 * 60);
  g_autofree char *t30 = at (-30);
  g_autofree char *t31 = at (-31);
  g_autoptr(KbRoomEntry) e = NULL;
  KbRoomEntryChange c = { ROOM, op (fixture->db, "N2002"), NULL, NULL, "点検", hhmm, 0, NULL };
  gint64 this_minute = g_date_time_to_unix (now) - g_date_time_get_second (now);
  gint64 id;

  act (fixture->db, "N2001");
  /* "HH:MM" is today; this minute is not the future. */
  id = enter (fixture->db, &c);
  e = get (fixture->db, id);
  g_assert_cmpint (kb_room_entry_get_entered_at (e), ==, this_minute);
  g_assert_true (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
  g_assert_no_error (error);

  /* Full-width digits from an input method, and slashes in the date. */
  c.operator_id = op (fixture->db, "N1001");
  {
    GString *fw = g_string_new (NULL);

    for (const char *p = hhmm; *p != '\0'; p++)
      g_string_append_unichar (fw, g_ascii_isdigit (*p) ? (gunichar) (0xFF10 + (*p - '0'))
                                                        : (gunichar) *p);
    full_width = g_string_free (fw, FALSE);
  }
  c.entered = full_width;
  id = enter (fixture->db, &c);
  g_clear_object (&e);
  e = get (fixture->db, id);
  g_assert_cmpint (kb_room_entry_get_entered_at (e), ==, this_minute);
  c.operator_id = op (fixture->db, "N2001");
  c.entered = slashes;
  enter (fixture->db, &c);

  /* Never in the future. */
  c.operator_id = op (fixture->db, "N1002");
  c.entered = tomorrow;
  assert_enter_refused (fixture->db, &c, KB_FIELD_ENTERED);

  /* Leaving not before entering. */
  c.entered = t30;
  id = enter (fixture->db, &c);
  g_assert_false (kb_room_leave (fixture->db, id, t31, FALSE, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_LEFT);
  g_clear_error (&error);
  g_assert_false (kb_room_leave (fixture->db, id, tomorrow, FALSE, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_assert_cmpstr (kb_field_error_get_field (error), ==, KB_FIELD_LEFT);
  g_clear_error (&error);
  g_assert_false (kb_room_leave (fixture->db, id, "25:00", FALSE, &error));
  g_assert_error (error, KB_FIELD_ERROR, KB_FIELD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kb_room_leave (fixture->db, id, t30, FALSE, &error));   /* in and out */
  g_assert_no_error (error);
}

typedef struct {
  const char *name;
  const char *text;
} BadTime;

static const BadTime bad_times[] = {
  { "letters", "noon" },
  { "no-minutes", "10" },
  { "one-digit-minutes", "10:5" },
  { "seconds", "10:05:00" },
  { "hour-24", "24:00" },
  { "minute-60", "10:60" },
  { "no-such-day", "2026-02-30 10:00" },
  { "month-13", "2026-13-01 10:00" },
  { "date-only", "2026-11-01" },
  { "two-digit-year", "26-11-01 10:00" },
  { "trailing", "10:00 am" },
  { "rlo", RLO "10:00" },
};

static void
test_bad_time (Fixture       *fixture,
               gconstpointer  data)
{
  const BadTime *bad = data;
  KbRoomEntryChange c = { ROOM, 0, NULL, NULL, "点検", bad->text, 0, NULL };

  c.operator_id = op (fixture->db, "N2002");
  act (fixture->db, "N2001");
  assert_enter_refused (fixture->db, &c, KB_FIELD_ENTERED);
}

static void
test_bad_data (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *long_room = g_strnfill (KB_ROOM_MAX_ROOM + 1, 'x');
  g_autofree char *long_purpose = g_strnfill (KB_ROOM_MAX_PURPOSE + 1, 'x');
  g_autofree char *long_key = g_strnfill (KB_ROOM_MAX_KEY + 1, 'x');
  g_autofree char *long_org = g_strnfill (KB_ROOM_MAX_ORG + 1, 'x');
  g_autofree char *max_room = g_strnfill (KB_ROOM_MAX_ROOM, 'x');
  KbRoomEntryChange c = { ROOM, op (fixture->db, "N2002"), NULL, NULL, "点検", NULL, 0, NULL };
  KbRoomEntryChange v = { ROOM, 0, "山口 亮", long_org, "回線試験", NULL,
                          op (fixture->db, "N2001"), NULL };

  act (fixture->db, "N2001");
  c.room = "";
  assert_enter_refused (fixture->db, &c, KB_FIELD_ROOM);
  c.room = NULL;
  assert_enter_refused (fixture->db, &c, KB_FIELD_ROOM);
  c.room = long_room;
  assert_enter_refused (fixture->db, &c, KB_FIELD_ROOM);
  c.room = "機器" RLO "室";
  assert_enter_refused (fixture->db, &c, KB_FIELD_ROOM);
  c.room = ROOM;
  c.purpose = " ";
  assert_enter_refused (fixture->db, &c, KB_FIELD_PURPOSE);
  c.purpose = long_purpose;
  assert_enter_refused (fixture->db, &c, KB_FIELD_PURPOSE);
  c.purpose = "点検\n二行目";
  assert_enter_refused (fixture->db, &c, KB_FIELD_PURPOSE);
  c.purpose = "点検";
  c.key_label = long_key;
  assert_enter_refused (fixture->db, &c, KB_FIELD_KEY);
  assert_enter_refused (fixture->db, &v, KB_FIELD_VISITOR_ORG);

  c.key_label = "";   /* no key */
  c.room = max_room;
  {
    g_autoptr(KbRoomEntry) e = get (fixture->db, enter (fixture->db, &c));

    g_assert_null (kb_room_entry_get_key_label (e));
    g_assert_cmpstr (kb_room_entry_get_room (e), ==, max_room);
  }
}

/* --- who may do what ------------------------------------------------------------ */

static void
test_roles (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KbRoomEntryChange c = { ROOM, op (fixture->db, "N2002"), NULL, NULL, "点検", NULL, 0, "鍵1" };
  gint64 id;

  /* The security officer keeps it too. */
  act (fixture->db, "N1001");
  id = enter (fixture->db, &c);

  before = room_snapshot (fixture->db);
  /* A clerk, a supervisor of a business division, and the auditor: no
   * writing. */
  for (guint i = 0; i < 3; i++)
    {
      const char *staff = (const char *[]) { "N1003", "N3001", "N2003" }[i];

      act (fixture->db, staff);
      c.operator_id = op (fixture->db, "N1001");
      g_assert_cmpint (kb_room_enter (fixture->db, &c, &error), ==, 0);
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
      g_assert_false (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
      g_assert_false (kb_room_return_key (fixture->db, id, NULL, &error));
      g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
      g_clear_error (&error);
    }
  after = room_snapshot (fixture->db);
  g_assert_cmpstr (before, ==, after);

  /* The auditor reads it; the clerk does not. */
  act (fixture->db, "N2003");
  list = kb_room_list (fixture->db, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  names = kb_room_names (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (names[0], ==, ROOM);
  g_clear_object (&list);
  g_clear_pointer (&names, g_strfreev);

  act (fixture->db, "N1003");
  g_assert_null (kb_room_list (fixture->db, 0, 0, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_null (kb_room_names (fixture->db, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);

  /* A keeper who retires keeps nothing. */
  act (fixture->db, "N1001");
  g_assert_true (kb_admin_set_active (fixture->db, "operator", op (fixture->db, "N2001"), FALSE,
                                      "異動", &error));
  g_assert_no_error (error);
  act (fixture->db, "N2001");
  g_assert_false (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_null (kb_room_list (fixture->db, 0, 0, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
}

/* --- reading -------------------------------------------------------------------- */

static void
test_list_order (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *d10 = at (-10 * 24 * 60);
  g_autofree char *d9 = at (-9 * 24 * 60);
  g_autofree char *d5 = at (-5 * 24 * 60);
  g_autofree char *d4 = at (-4 * 24 * 60);
  g_autofree char *d3 = at (-3 * 24 * 60);
  g_autofree char *d2 = at (-2 * 24 * 60);
  g_autofree char *h3 = at (-180);
  gint64 old_inside, old_key, old_done, mid_done, recent_done, new_inside;
  gint64 expected_all[6], expected_period[5];

  act (fixture->db, "N2001");
  /* Ten days ago, still inside (forgotten on paper: the log shows it). */
  old_inside = enter_operator (fixture->db, SERVER, "N1001", NULL, d10);
  /* Nine days ago, left, key kept. */
  old_key = enter_operator (fixture->db, ROOM, "N2002", "鍵2", d9);
  g_assert_true (kb_room_leave (fixture->db, old_key, d9, TRUE, &error));
  g_assert_no_error (error);
  /* Nine days ago, done. */
  old_done = enter_visitor (fixture->db, ROOM, "佐藤 健一", "富士通Japan", "N2001", d9);
  g_assert_true (kb_room_leave (fixture->db, old_done, d9, FALSE, &error));
  /* Five and three days ago, done. */
  mid_done = enter_operator (fixture->db, ROOM, "N2001", "鍵1", d5);
  g_assert_true (kb_room_leave (fixture->db, mid_done, d4, FALSE, &error));
  recent_done = enter_operator (fixture->db, SERVER, "N2002", NULL, d3);
  g_assert_true (kb_room_leave (fixture->db, recent_done, d2, FALSE, &error));
  /* Inside now. */
  new_inside = enter_operator (fixture->db, ROOM, "N2001", "鍵1", h3);
  g_assert_no_error (error);

  /* All of it: inside or key out first, newest first within each. */
  list = kb_room_list (fixture->db, 0, 0, &error);
  g_assert_no_error (error);
  expected_all[0] = new_inside;
  expected_all[1] = old_key;
  expected_all[2] = old_inside;
  expected_all[3] = recent_done;
  expected_all[4] = mid_done;
  expected_all[5] = old_done;
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, G_N_ELEMENTS (expected_all));
  for (guint i = 0; i < G_N_ELEMENTS (expected_all); i++)
    {
      g_autoptr(KbRoomEntry) e = g_list_model_get_item (list, i);

      g_assert_cmpint (kb_room_entry_get_id (e), ==, expected_all[i]);
    }
  g_clear_object (&list);

  /* The last week: the open ones whenever they began, then the week's. */
  list = kb_room_list (fixture->db, at_unix (-7 * 24 * 60), at_unix (1), &error);
  g_assert_no_error (error);
  expected_period[0] = new_inside;
  expected_period[1] = old_key;
  expected_period[2] = old_inside;
  expected_period[3] = recent_done;
  expected_period[4] = mid_done;
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, G_N_ELEMENTS (expected_period));
  for (guint i = 0; i < G_N_ELEMENTS (expected_period); i++)
    {
      g_autoptr(KbRoomEntry) e = g_list_model_get_item (list, i);

      g_assert_cmpint (kb_room_entry_get_id (e), ==, expected_period[i]);
    }
  g_clear_object (&list);

  /* A period that ends before three days ago: no recent_done. */
  list = kb_room_list (fixture->db, at_unix (-7 * 24 * 60), at_unix (-4 * 24 * 60), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);
  g_clear_object (&list);

  /* The rooms, the most used first. */
  names = kb_room_names (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, ROOM);
  g_assert_cmpstr (names[1], ==, SERVER);
  assert_intact (fixture->db);
}

/* --- the demo and the evidence -------------------------------------------------- */

static void
test_demo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GListModel) list = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 n, n_inside = 0, n_keys_after_leaving = 0, n_visitors = 0;

  g_assert_true (kb_demo_seed_room (fixture->db, now, &error));
  g_assert_no_error (error);

  n = kb_test_count (fixture->db, "SELECT count (*) FROM room_entries");
  g_test_message ("%" G_GINT64_FORMAT " demo entries", n);
  g_assert_cmpint (n, >, 50);
  g_assert_cmpint (kb_test_count (fixture->db,
                                  "SELECT count (*) FROM room_entries WHERE recorded_by ="
                                  " (SELECT id FROM operators WHERE staff_number = 'N2001')"),
                   ==, n);
  /* About three months, none of it in the future. */
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT min (entered_at) FROM room_entries"), >=,
                   g_date_time_to_unix (now) - 93 * 86400);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT max (max (entered_at), max (left_at))"
                                               " FROM room_entries"),
                   <=, g_date_time_to_unix (now));

  act (fixture->db, "N2001");
  list = kb_room_list (fixture->db, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(KbRoomEntry) e = g_list_model_get_item (list, i);

      n_inside += kb_room_entry_get_inside (e);
      n_keys_after_leaving += !kb_room_entry_get_inside (e) && kb_room_entry_get_key_out (e);
      if (kb_room_entry_is_visitor (e))
        {
          n_visitors++;
          g_assert_cmpint (kb_room_entry_get_escort_id (e), !=, 0);
          g_assert_cmpstr (kb_room_entry_get_organisation (e), !=, "");
        }
      /* The open ones first. */
      if (i < 2)
        g_assert_true (kb_room_entry_get_inside (e) || kb_room_entry_get_key_out (e));
    }
  g_assert_cmpint (n_inside, ==, 1);
  g_assert_cmpint (n_keys_after_leaving, ==, 1);
  g_assert_cmpint (n_visitors, >=, 3);
  g_assert_cmpint (kb_test_count (fixture->db, "SELECT count (*) FROM room_entries"
                                               " WHERE visitor_org = '富士通Japan 保守担当'"), >, 0);

  names = kb_room_names (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, ROOM);
  g_assert_cmpstr (names[1], ==, SERVER);

  /* The demo keeps its own rules: the person inside cannot come in again,
   * the key still out cannot be taken. */
  {
    g_autoptr(GListModel) open = kb_room_list (fixture->db, 1, 2, &error);

    for (guint i = 0; i < g_list_model_get_n_items (open); i++)
      {
        g_autoptr(KbRoomEntry) e = g_list_model_get_item (open, i);
        KbRoomEntryChange c = { kb_room_entry_get_room (e), kb_room_entry_get_operator_id (e),
                                NULL, NULL, "点検", NULL, 0, NULL };

        if (kb_room_entry_get_inside (e))
          assert_enter_refused (fixture->db, &c, KB_FIELD_PERSON);
        c.operator_id = op (fixture->db, "N1001");
        c.key_label = kb_room_entry_get_key_label (e);
        assert_enter_refused (fixture->db, &c, KB_FIELD_KEY);
      }
  }
  assert_intact (fixture->db);

  /* Only into an empty log. */
  before = room_snapshot (fixture->db);
  g_assert_false (kb_demo_seed_room (fixture->db, now, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
  after = room_snapshot (fixture->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_evidence (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbDb) fresh = NULL;
  g_autofree char *t30 = at (-30);
  g_autofree char *sql = NULL;
  KbVerifyReport report = { 0 };
  gint64 id, leave_seq;
  sqlite3 *raw;

  act (fixture->db, "N2001");
  id = enter_visitor (fixture->db, ROOM, "小池 真司", "長野電設工業", "N2002", t30);
  g_assert_true (kb_room_leave (fixture->db, id, NULL, FALSE, &error));
  g_assert_no_error (error);
  assert_intact (fixture->db);
  leave_seq = kb_test_count (fixture->db, "SELECT max (seq) FROM journal WHERE kind = 'room.leave'");

  /* A minute taken off the stay behind the app's back. */
  raw = kb_test_raw_open (fixture->path);
  sql = g_strdup_printf ("UPDATE room_entries SET left_at = left_at - 60"
                         " WHERE id = %" G_GINT64_FORMAT, id);
  kb_test_raw_exec (raw, sql);
  sqlite3_close (raw);

  fresh = kb_db_open (fixture->path, KB_DB_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_false (kb_journal_verify (fresh, NULL, NULL, NULL, &report, &error));
  g_assert_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED);
  g_assert_cmpstr (report.bad_entity, ==, "room");
  g_assert_cmpint (report.bad_id, ==, id);
  g_assert_cmpint (report.bad_seq, ==, leave_seq);
  kb_verify_report_clear (&report);
  g_clear_error (&error);

  /* And a row cannot be deleted at all. */
  raw = kb_test_raw_open (fixture->path);
  g_assert_cmpint (sqlite3_exec (raw, "DELETE FROM room_entries", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  sqlite3_close (raw);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tzset ();
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup_demo, func, kb_test_fixture_teardown)

  ADD ("/room/enter-leave", test_enter_leave);
  ADD ("/room/visitor", test_visitor);
  ADD ("/room/person", test_person);
  ADD ("/room/inside-twice", test_inside_twice);
  ADD ("/room/keys", test_keys);
  ADD ("/room/times", test_times);
  ADD ("/room/bad-data", test_bad_data);
  ADD ("/room/roles", test_roles);
  ADD ("/room/list-order", test_list_order);
  ADD ("/room/demo", test_demo);
  ADD ("/room/evidence", test_evidence);

#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (bad_times); i++)
    {
      g_autofree char *path = g_strdup_printf ("/room/bad-time/%s", bad_times[i].name);

      g_test_add (path, Fixture, &bad_times[i], setup_demo, test_bad_time,
                  kb_test_fixture_teardown);
    }

  return g_test_run ();
}
