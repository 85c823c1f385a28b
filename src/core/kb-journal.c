/* kb-journal.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tamper-evident journal. Each entry's hash is SHA-256 over the previous
 * entry's hash and a length-prefixed encoding of all of its own fields, so
 * changing, removing, inserting or reordering any entry breaks the chain
 * from there on. Register rows are checked against the state the journal
 * last recorded for them, so an edit to a register table shows up too.
 */

#include "config.h"

#include <inttypes.h>

#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>

#include "kb-canon.h"
#include "kb-db-private.h"
#include "kb-error.h"
#include "kb-journal.h"

static const KbRegister registers[] = {
  { "division", "divisions", N_("divisions"),
    "SELECT t.id, t.name, t.active FROM divisions t" },
  { "operator", "operators", N_("operators"),
    "SELECT t.id, t.staff_number, t.name, t.kana, t.division_id, t.roles, t.active"
    " FROM operators t" },
  { "terminal", "terminals", N_("terminals"),
    "SELECT t.id, t.code, t.name, t.location, t.active FROM terminals t" },
  /* A task's approved divisions are part of its state, so a row slipped
   * into or out of task_divisions changes the task. */
  { "task", "tasks", N_("business tasks"),
    "SELECT t.id, t.name, t.description, t.active,"
    " (SELECT group_concat (division_id, ',') FROM"
    "   (SELECT d.division_id FROM task_divisions d WHERE d.task_id = t.id"
    "    ORDER BY d.division_id)) AS divisions"
    " FROM tasks t" },
  /* The backup passphrase's verifier is journaled as a digest: the
   * journal keeps every old one forever, open to offline guessing. */
  { "setting", "settings", N_("settings"),
    "SELECT t.id, t.key,"
    " CASE WHEN t.key = 'backup-passphrase' THEN kb_digest (t.value) ELSE t.value END AS value"
    " FROM settings t" },
  /* The password hash itself stays out of the journal, which keeps
   * everything forever; its digest is enough to notice a swapped hash. */
  { "credential", "credentials", N_("passwords"),
    "SELECT t.id, kb_digest (t.hash) AS hash_digest, t.must_change, t.failed_attempts,"
    " t.locked, t.changed_at FROM credentials t" },
  { "card", "cards", N_("IC cards"),
    "SELECT t.id, t.operator_id, t.identity, t.atr, t.has_uid, t.status, t.issued_at,"
    " t.returned_at, t.revoked_at FROM cards t" },
  { "usage", "usage", N_("terminal usage"),
    "SELECT t.id, t.terminal_id, t.operator_id, t.division_id, t.task_id, t.cases,"
    " t.remarks, t.started_at, t.ended_at, t.manual, t.confirmed_by, t.confirmed_at"
    " FROM usage t" },
  { "backup", "backups", N_("backups"),
    "SELECT t.id, t.made_at, t.made_by, t.path, t.size, t.digest, t.journal_seq,"
    " t.verified_at, t.verified_by FROM backups t" },
  { "asset", "assets", N_("information assets"),
    "SELECT t.id, t.number, t.name, t.kind, t.classification, t.location, t.custodian_id,"
    " t.division_id, t.acquired_on, t.status, t.holds_data, t.inventory_days, t.checked_on,"
    " t.borrower_id, t.due_on, t.notes FROM assets t" },
  { "asset-event", "asset_events", N_("asset events"),
    "SELECT t.id, t.asset_id, t.kind, t.at, t.actor_id, t.from_operator_id, t.to_operator_id,"
    " t.from_status, t.to_status, t.due_on, t.location, t.condition, t.reason"
    " FROM asset_events t" },
  { "disposal", "disposals", N_("disposals"),
    "SELECT t.id, t.asset_id, t.requested_by, t.requested_at, t.reason, t.method, t.data,"
    " t.backup_id, t.status, t.decided_by, t.decided_at FROM disposals t" },
  { "room", "room_entries", N_("equipment-room entries"),
    "SELECT t.id, t.room, t.operator_id, t.visitor_name, t.visitor_org, t.purpose,"
    " t.entered_at, t.left_at, t.escort_id, t.key_label, t.key_returned_at, t.recorded_by"
    " FROM room_entries t" },
  { "training", "trainings", N_("training sessions"),
    "SELECT t.id, t.title, t.kind, t.fiscal_year, t.starts_at, t.ends_at, t.place,"
    " t.trainer_id, t.audience, t.materials, t.status FROM trainings t" },
  { "attendance", "attendance", N_("attendance"),
    "SELECT t.id, t.training_id, t.operator_id, t.invited_at, t.invited_by, t.mark,"
    " t.marked_at, t.marked_by FROM attendance t" },
  { "audit", "audits", N_("audits"),
    "SELECT t.id, t.kind, t.title, t.scope, t.period_from, t.period_to, t.planned_on,"
    " t.status, t.recurrence_months, t.previous_id, t.closed_at, t.closed_by, t.notes"
    " FROM audits t" },
  { "auditor", "audit_auditors", N_("auditors"),
    "SELECT t.id, t.audit_id, t.operator_id, t.name, t.organisation, t.active"
    " FROM audit_auditors t" },
  { "finding", "findings", N_("audit findings"),
    "SELECT t.id, t.audit_id, t.severity, t.description, t.responsible_id, t.action,"
    " t.due_on, t.status, t.evidence, t.resolved_at, t.resolved_by FROM findings t" },
  { "finding-link", "finding_links", N_("finding links"),
    "SELECT t.id, t.finding_id, t.entity, t.entity_id, t.active FROM finding_links t" },
};

const KbRegister *
kb_registers (guint *n_registers)
{
  *n_registers = G_N_ELEMENTS (registers);
  return registers;
}

const KbRegister *
kb_register_lookup (const char *entity)
{
  for (guint i = 0; i < G_N_ELEMENTS (registers); i++)
    if (g_strcmp0 (registers[i].entity, entity) == 0)
      return &registers[i];
  return NULL;
}

static int
register_index (const char *entity)
{
  for (guint i = 0; i < G_N_ELEMENTS (registers); i++)
    if (g_strcmp0 (registers[i].entity, entity) == 0)
      return (int) i;
  return -1;
}

/* --- hashing ------------------------------------------------------------ */

static void
hash_text (gcry_md_hd_t  md,
           const char   *text,
           gsize         len)
{
  guint8 header[5];

  if (text == NULL)
    {
      gcry_md_putc (md, 'n');
      return;
    }
  header[0] = 's';
  header[1] = (len >> 24) & 0xff;
  header[2] = (len >> 16) & 0xff;
  header[3] = (len >> 8) & 0xff;
  header[4] = len & 0xff;
  gcry_md_write (md, header, sizeof header);
  gcry_md_write (md, text, len);
}

static void
hash_int (gcry_md_hd_t md,
          gboolean     is_null,
          gint64       value)
{
  guint8 buf[9];
  guint64 v = (guint64) value;

  if (is_null)
    {
      gcry_md_putc (md, 'n');
      return;
    }
  buf[0] = 'i';
  for (int i = 0; i < 8; i++)
    buf[1 + i] = (v >> (56 - 8 * i)) & 0xff;
  gcry_md_write (md, buf, sizeof buf);
}

typedef struct {
  gint64      seq;
  const char *at;
  gboolean    has_actor;
  gint64      actor;
  const char *terminal;
  const char *kind;
  const char *entity;
  gboolean    has_entity_id;
  gint64      entity_id;
  const char *state;
  gsize       state_len;
  const char *detail;
  gsize       detail_len;
  const guint8 *prev_hash;
} EntryFields;

static void
compute_hash (gcry_md_hd_t       md,
              const EntryFields *e,
              guint8             out[KB_SHA256_LEN])
{
  static const char domain[] = "kanribo-journal-1";

  gcry_md_reset (md);
  gcry_md_write (md, domain, sizeof domain);
  gcry_md_write (md, e->prev_hash, KB_SHA256_LEN);
  hash_int (md, FALSE, e->seq);
  hash_text (md, e->at, strlen (e->at));
  hash_int (md, !e->has_actor, e->actor);
  hash_text (md, e->terminal, strlen (e->terminal));
  hash_text (md, e->kind, strlen (e->kind));
  hash_text (md, e->entity, e->entity != NULL ? strlen (e->entity) : 0);
  hash_int (md, !e->has_entity_id, e->entity_id);
  hash_text (md, e->state, e->state_len);
  hash_text (md, e->detail, e->detail_len);
  memcpy (out, gcry_md_read (md, GCRY_MD_SHA256), KB_SHA256_LEN);
}

/**
 * kb_utc_now:
 * @buf: (out caller-allocates): 32 bytes
 *
 * The current time in UTC as the registers store it,
 * "2026-11-26T11:12:57.123456Z".
 */
void
kb_utc_now (char buf[32])
{
  gint64 now = g_get_real_time ();
  time_t secs = (time_t) (now / G_USEC_PER_SEC);
  struct tm tm;

  gmtime_r (&secs, &tm);
  g_snprintf (buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
              tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (now % G_USEC_PER_SEC));
}

/**
 * kb_journal_append:
 * @db: a connection inside a write transaction
 * @kind: what happened, "operator.create"
 * @entity: (nullable): the register concerned
 * @entity_id: its row, when @entity is set
 * @state: (nullable): the row's canonical state after the change
 * @detail: (nullable): a canonical object with more (a reason, a count)
 *
 * Appends one entry, chained to the previous one, acting as the connection's
 * current actor and terminal. Must run in the transaction that makes the
 * change it records, so that both or neither are kept.
 */
gboolean
kb_journal_append (KbDb        *db,
                   const char  *kind,
                   const char  *entity,
                   gint64       entity_id,
                   const char  *state,
                   const char  *detail,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  EntryFields e = { 0 };
  guint8 hash[KB_SHA256_LEN];
  char at[32];

  g_return_val_if_fail (db->in_transaction, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  kb_utc_now (at);
  e.seq = db->head_seq + 1;
  e.at = at;
  e.has_actor = db->actor > 0;
  e.actor = db->actor;
  e.terminal = db->terminal;
  e.kind = kind;
  e.entity = entity;
  e.has_entity_id = entity != NULL;
  e.entity_id = entity != NULL ? entity_id : 0;
  e.state = state;
  e.state_len = state != NULL ? strlen (state) : 0;
  e.detail = detail;
  e.detail_len = detail != NULL ? strlen (detail) : 0;
  e.prev_hash = db->head_hash;
  compute_hash (db->md, &e, hash);

  stmt = kb_db_prepare (db,
                        "INSERT INTO journal (seq, at, actor, terminal, kind, entity,"
                        " entity_id, state, detail, prev_hash, hash)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, e.seq);
  sqlite3_bind_text (stmt, 2, at, -1, SQLITE_TRANSIENT);
  if (e.has_actor)
    sqlite3_bind_int64 (stmt, 3, e.actor);
  sqlite3_bind_text (stmt, 4, e.terminal, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, kind, -1, SQLITE_STATIC);
  if (entity != NULL)
    {
      sqlite3_bind_text (stmt, 6, entity, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, entity_id);
    }
  if (state != NULL)
    sqlite3_bind_text (stmt, 8, state, e.state_len, SQLITE_STATIC);
  if (detail != NULL)
    sqlite3_bind_text (stmt, 9, detail, e.detail_len, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 10, db->head_hash, KB_SHA256_LEN, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 11, hash, KB_SHA256_LEN, SQLITE_STATIC);

  if (!kb_db_step_done (db, stmt, error))
    return FALSE;

  db->head_seq = e.seq;
  memcpy (db->head_hash, hash, KB_SHA256_LEN);

  return TRUE;
}

/**
 * kb_journal_row_state:
 *
 * Returns: (transfer full) (nullable): the canonical state of the row
 *   @entity_id of the register @entity as it is now
 */
char *
kb_journal_row_state (KbDb        *db,
                      const char  *entity,
                      gint64       entity_id,
                      GError     **error)
{
  const KbRegister *reg = kb_register_lookup (entity);
  g_autofree char *sql = NULL;
  GString *state;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (reg != NULL, NULL);

  sql = g_strconcat (reg->state_sql, " WHERE t.id = ?1", NULL);
  stmt = kb_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, entity_id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_NOT_FOUND,
                     _("There is no %s with id %" PRId64), entity, entity_id);
      else
        kb_db_set_error (db, error, _("Cannot read the changed row"));
      sqlite3_reset (stmt);
      return NULL;
    }

  state = g_string_sized_new (256);
  kb_canon_row (state, stmt);
  sqlite3_reset (stmt);

  return g_string_free (state, FALSE);
}

/**
 * kb_journal_record:
 *
 * Reads the row @entity_id of the register @entity as it is now, inside the
 * current transaction, and journals its canonical state.
 */
gboolean
kb_journal_record (KbDb        *db,
                   const char  *kind,
                   const char  *entity,
                   gint64       entity_id,
                   const char  *detail,
                   GError     **error)
{
  g_autofree char *state = kb_journal_row_state (db, entity, entity_id, error);

  if (state == NULL)
    return FALSE;

  return kb_journal_append (db, kind, entity, entity_id, state, detail, error);
}

/* --- verifying ---------------------------------------------------------- */

/* What the journal says each register row should be: an open-addressed
 * table keyed by (register, id), holding the last entry's sequence number
 * and a digest of the state it recorded. */
typedef struct {
  gint64 key;      /* 0 = empty slot */
  gint64 seq;
  guint8 digest[16];
  gboolean seen;
} Expect;

typedef struct {
  Expect *slots;
  gsize   mask;
  gsize   used;
} ExpectTable;

static guint64
mix64 (guint64 x)
{
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return x;
}

static void
expect_table_init (ExpectTable *t,
                   gsize        capacity)
{
  gsize size = 64;

  while (size < capacity * 2)
    size <<= 1;
  t->slots = g_new0 (Expect, size);
  t->mask = size - 1;
  t->used = 0;
}

static Expect *
expect_table_find (ExpectTable *t,
                   gint64       key,
                   gboolean     insert);

static void
expect_table_grow (ExpectTable *t)
{
  Expect *old = t->slots;
  gsize old_size = t->mask + 1;

  t->slots = g_new0 (Expect, old_size * 2);
  t->mask = old_size * 2 - 1;
  t->used = 0;
  for (gsize i = 0; i < old_size; i++)
    if (old[i].key != 0)
      *expect_table_find (t, old[i].key, TRUE) = old[i];
  g_free (old);
}

static Expect *
expect_table_find (ExpectTable *t,
                   gint64       key,
                   gboolean     insert)
{
  gsize i;

  if (insert && (t->used + 1) * 2 > t->mask + 1)
    expect_table_grow (t);

  for (i = mix64 ((guint64) key) & t->mask; t->slots[i].key != 0; i = (i + 1) & t->mask)
    if (t->slots[i].key == key)
      return &t->slots[i];

  if (!insert)
    return NULL;
  t->slots[i].key = key;
  t->used++;
  return &t->slots[i];
}

static gint64
expect_key (int    reg,
            gint64 id)
{
  /* Row ids are positive and far below 2^56. */
  return ((gint64) (reg + 1) << 56) | (id & G_GINT64_CONSTANT (0x00ffffffffffffff));
}

void
kb_verify_report_clear (KbVerifyReport *report)
{
  g_clear_pointer (&report->head_hash, g_free);
  g_clear_pointer (&report->bad_entity, g_free);
  memset (report, 0, sizeof *report);
}

static gboolean
tampered_entry (KbVerifyReport  *report,
                GError         **error,
                gint64           seq,
                const char      *format,
                ...) G_GNUC_PRINTF (4, 5);

static gboolean
tampered_entry (KbVerifyReport  *report,
                GError         **error,
                gint64           seq,
                const char      *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  report->bad_seq = seq;
  g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED, message);
  return FALSE;
}

static gboolean
tampered_row (KbVerifyReport  *report,
              GError         **error,
              const char      *entity,
              gint64           id,
              gint64           seq,
              const char      *message)
{
  report->bad_entity = g_strdup (entity);
  report->bad_id = id;
  report->bad_seq = seq;
  g_set_error_literal (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED, message);
  return FALSE;
}

static char *
schema_listing (sqlite3 *handle)
{
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (handle,
                          "SELECT type, name, tbl_name, ifnull (sql, '') FROM sqlite_schema"
                          " ORDER BY type, name", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (out, "%s %s %s %s\n",
                                sqlite3_column_text (stmt, 0),
                                sqlite3_column_text (stmt, 1),
                                sqlite3_column_text (stmt, 2),
                                sqlite3_column_text (stmt, 3));
    }
  sqlite3_finalize (stmt);

  return g_string_free (out, FALSE);
}

static gboolean
name_in_listing (char       **lines,
                 const char  *type,
                 const char  *name)
{
  g_autofree char *prefix = g_strdup_printf ("%s %s ", type, name);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return TRUE;
  return FALSE;
}

/* The live schema must be exactly what the migrations produce: a dropped
 * trigger, an extra table or an altered column is tampering too. */
static gboolean
verify_schema (KbDb            *db,
               KbVerifyReport  *report,
               GError         **error)
{
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  sqlite3 *mem = NULL;
  gboolean ok;

  if (sqlite3_open_v2 (":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK ||
      !kb_db_apply_schema (mem, 0, KB_DB_SCHEMA_VERSION, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_FAILED,
                     _("Cannot build the reference schema"));
      sqlite3_close_v2 (mem);
      return FALSE;
    }
  expected = schema_listing (mem);
  sqlite3_close_v2 (mem);
  actual = schema_listing (db->handle);

  ok = g_strcmp0 (expected, actual) == 0;
  if (!ok)
    {
      g_auto(GStrv) exp_lines = g_strsplit (expected, "\n", -1);
      g_auto(GStrv) act_lines = g_strsplit (actual, "\n", -1);
      g_auto(GStrv) words = NULL;
      const char *first = NULL;
      gboolean extra = FALSE;

      for (guint i = 0; first == NULL && act_lines[i] != NULL; i++)
        if (!g_strv_contains ((const char * const *) exp_lines, act_lines[i]))
          {
            first = act_lines[i];
            extra = TRUE;
          }
      for (guint i = 0; first == NULL && exp_lines[i] != NULL; i++)
        if (!g_strv_contains ((const char * const *) act_lines, exp_lines[i]))
          first = exp_lines[i];

      /* "type name tbl_name sql": name the object, not its whole SQL. */
      words = g_strsplit (first != NULL ? first : "? ?", " ", 3);
      report->bad_entity = g_strdup ("schema");
      if (extra && name_in_listing (exp_lines, words[0], words[1]))
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED,
                     _("The database schema was changed behind Kanribo’s back: %s “%s” was "
                       "altered"), words[0], words[1]);
      else if (extra)
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED,
                     _("The database schema was changed behind Kanribo’s back: %s “%s” was "
                       "added"), words[0], words[1]);
      else
        g_set_error (error, KB_STORE_ERROR, KB_STORE_ERROR_TAMPERED,
                     _("The database schema was changed behind Kanribo’s back: %s “%s” is "
                       "missing"), words[0], words[1]);
    }

  return ok;
}

static gboolean
verify_anchor (KbDb            *db,
               KbVerifyReport  *report,
               const guint8    *hash_at_anchor,
               gint64           anchor_seq,
               GError         **error)
{
  if (anchor_seq > report->head_seq)
    return tampered_entry (report, error, report->head_seq + 1,
                           _("The journal ends at entry %" PRId64 " but entry %"
                             PRId64 " was written: entries were removed from its end"),
                           report->head_seq, anchor_seq);
  if (hash_at_anchor == NULL)
    return TRUE;

  return TRUE;
}

static gboolean
read_anchor (KbDb    *db,
             gint64  *seq,
             guint8   hash[KB_SHA256_LEN])
{
  g_autofree char *path = kb_db_get_anchor_path (db);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", 3);
  if (g_strv_length (lines) < 2 || g_strcmp0 (lines[0], "kanribo-anchor 1") != 0)
    return FALSE;
  fields = g_strsplit (lines[1], " ", 2);
  if (g_strv_length (fields) != 2 || strlen (fields[1]) != KB_SHA256_LEN * 2 ||
      !g_ascii_string_to_signed (fields[0], 10, 0, G_MAXINT64, seq, NULL))
    return FALSE;
  for (int i = 0; i < KB_SHA256_LEN; i++)
    hash[i] = (g_ascii_xdigit_value (fields[1][2 * i]) << 4) |
              g_ascii_xdigit_value (fields[1][2 * i + 1]);
  return TRUE;
}

static gboolean
verify_registers (KbDb            *db,
                  ExpectTable     *expect,
                  KbVerifyReport  *report,
                  GError         **error)
{
  g_autoptr(GString) state = g_string_sized_new (256);
  sqlite3_stmt *stmt;

  for (guint r = 0; r < G_N_ELEMENTS (registers); r++)
    {
      g_autofree char *sql = g_strconcat (registers[r].state_sql, " ORDER BY t.id", NULL);
      int rc;

      if (sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          kb_db_set_error (db, error, _("Cannot read a register"));
          return FALSE;
        }

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          Expect *e = expect_table_find (expect, expect_key (r, id), FALSE);
          guint8 digest[KB_SHA256_LEN];

          report->n_rows++;
          if (e == NULL)
            {
              g_autofree char *msg =
                g_strdup_printf (_("Row %" PRId64 " of the %s register has no journal "
                                   "entry: it was inserted behind Kanribo’s back"),
                                 id, _(registers[r].label));
              sqlite3_finalize (stmt);
              return tampered_row (report, error, registers[r].entity, id, 0, msg);
            }

          kb_canon_row (state, stmt);
          kb_sha256 (state->str, state->len, digest);
          e->seen = TRUE;
          if (memcmp (digest, e->digest, sizeof e->digest) != 0)
            {
              g_autofree char *msg =
                g_strdup_printf (_("Row %" PRId64 " of the %s register differs from "
                                   "journal entry %" PRId64 ": it was edited behind "
                                   "Kanribo’s back"),
                                 id, _(registers[r].label), e->seq);
              sqlite3_finalize (stmt);
              return tampered_row (report, error, registers[r].entity, id, e->seq, msg);
            }
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          kb_db_set_error (db, error, _("Cannot read a register"));
          return FALSE;
        }
    }

  for (gsize i = 0; i <= expect->mask; i++)
    {
      Expect *e = &expect->slots[i];

      if (e->key != 0 && !e->seen)
        {
          int r = (int) ((guint64) e->key >> 56) - 1;
          gint64 id = e->key & G_GINT64_CONSTANT (0x00ffffffffffffff);
          g_autofree char *msg =
            g_strdup_printf (_("Row %" PRId64 " of the %s register, recorded by journal "
                               "entry %" PRId64 ", is missing: it was deleted behind "
                               "Kanribo’s back"),
                             id, _(registers[r].label), e->seq);

          return tampered_row (report, error, registers[r].entity, id, e->seq, msg);
        }
    }

  /* Links whose task is gone would not show in any task's state. */
  if (sqlite3_prepare_v2 (db->handle,
                          "SELECT task_id FROM task_divisions"
                          " WHERE task_id NOT IN (SELECT id FROM tasks)"
                          " OR division_id NOT IN (SELECT id FROM divisions) LIMIT 1",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_autofree char *msg =
            g_strdup_printf (_("The task_divisions table links task %" PRId64
                               " to a task or division that does not exist"), id);
          sqlite3_finalize (stmt);
          return tampered_row (report, error, "task", id, 0, msg);
        }
      sqlite3_finalize (stmt);
    }

  return TRUE;
}

/**
 * kb_journal_verify:
 * @db: a connection (read-only is enough)
 * @progress: (nullable): called now and then with entries done and total
 * @report: (out caller-allocates): what was checked or found
 *
 * Recomputes the hash chain from the first entry, checks the schema, checks
 * every register row against the state the journal last recorded for it,
 * and checks the journal against its anchor file.
 *
 * Returns: %TRUE when everything is intact; otherwise %FALSE with a
 *   %KB_STORE_ERROR_TAMPERED error naming the first bad entry or row
 */
gboolean
kb_journal_verify (KbDb           *db,
                   KbProgressFunc  progress,
                   gpointer        user_data,
                   GCancellable   *cancellable,
                   KbVerifyReport *report,
                   GError        **error)
{
  ExpectTable expect = { 0 };
  g_autoptr(GString) state_buf = g_string_sized_new (256);
  guint8 prev[KB_SHA256_LEN] = { 0 };
  guint8 anchor_hash[KB_SHA256_LEN];
  gint64 anchor_seq = 0;
  gboolean has_anchor;
  gboolean anchor_matched = FALSE;
  gcry_md_hd_t md = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 total = 0;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (report != NULL, FALSE);
  memset (report, 0, sizeof *report);

  if (!kb_db_exec (db, "BEGIN", error))
    return FALSE;

  if (!verify_schema (db, report, error))
    goto out;

  if (sqlite3_prepare_v2 (db->handle, "SELECT ifnull (max (seq), 0) FROM journal", -1,
                          &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    total = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  expect_table_init (&expect, 1024);
  has_anchor = read_anchor (db, &anchor_seq, anchor_hash);
  report->anchor_found = has_anchor;
  report->anchor_seq = has_anchor ? anchor_seq : 0;
  gcry_md_open (&md, GCRY_MD_SHA256, 0);

  if (sqlite3_prepare_v2 (db->handle,
                          "SELECT seq, at, actor, terminal, kind, entity, entity_id, state,"
                          " detail, prev_hash, hash FROM journal ORDER BY seq",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      kb_db_set_error (db, error, _("Cannot read the journal"));
      goto out;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EntryFields e = { 0 };
      guint8 hash[KB_SHA256_LEN];
      gint64 expected_seq = report->n_entries + 1;

      e.seq = sqlite3_column_int64 (stmt, 0);
      e.at = (const char *) sqlite3_column_text (stmt, 1);
      e.has_actor = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
      e.actor = sqlite3_column_int64 (stmt, 2);
      e.terminal = (const char *) sqlite3_column_text (stmt, 3);
      e.kind = (const char *) sqlite3_column_text (stmt, 4);
      e.entity = (const char *) sqlite3_column_text (stmt, 5);
      e.has_entity_id = sqlite3_column_type (stmt, 6) != SQLITE_NULL;
      e.entity_id = sqlite3_column_int64 (stmt, 6);
      e.state = (const char *) sqlite3_column_text (stmt, 7);
      e.state_len = sqlite3_column_bytes (stmt, 7);
      e.detail = (const char *) sqlite3_column_text (stmt, 8);
      e.detail_len = sqlite3_column_bytes (stmt, 8);
      e.prev_hash = prev;

      if (e.seq != expected_seq)
        {
          if (e.seq > expected_seq)
            tampered_entry (report, error, expected_seq,
                            _("Journal entry %" PRId64 " is missing (the journal jumps "
                              "from %" PRId64 " to %" PRId64 ")"),
                            expected_seq, expected_seq - 1, e.seq);
          else
            tampered_entry (report, error, e.seq,
                            _("Journal entry %" PRId64 " is out of order"), e.seq);
          goto out;
        }

      if (e.at == NULL || e.terminal == NULL || e.kind == NULL ||
          sqlite3_column_bytes (stmt, 9) != KB_SHA256_LEN ||
          sqlite3_column_bytes (stmt, 10) != KB_SHA256_LEN)
        {
          tampered_entry (report, error, e.seq,
                          _("Journal entry %" PRId64 " is malformed"), e.seq);
          goto out;
        }

      if (memcmp (sqlite3_column_blob (stmt, 9), prev, KB_SHA256_LEN) != 0)
        {
          tampered_entry (report, error, e.seq,
                          _("Journal entry %" PRId64 " does not follow entry %"
                            PRId64 ": the chain is broken there"),
                          e.seq, e.seq - 1);
          goto out;
        }

      compute_hash (md, &e, hash);
      if (memcmp (sqlite3_column_blob (stmt, 10), hash, KB_SHA256_LEN) != 0)
        {
          tampered_entry (report, error, e.seq,
                          _("Journal entry %" PRId64 " was altered: its hash does not "
                            "match its contents"), e.seq);
          goto out;
        }

      if (e.entity != NULL && e.state != NULL)
        {
          int r = register_index (e.entity);
          guint8 digest[KB_SHA256_LEN];
          Expect *slot;

          if (r < 0 || !e.has_entity_id || e.entity_id <= 0)
            {
              tampered_entry (report, error, e.seq,
                              _("Journal entry %" PRId64 " names an unknown register "
                                "row"), e.seq);
              goto out;
            }
          kb_sha256 (e.state, e.state_len, digest);
          slot = expect_table_find (&expect, expect_key (r, e.entity_id), TRUE);
          slot->seq = e.seq;
          memcpy (slot->digest, digest, sizeof slot->digest);
        }

      if (has_anchor && e.seq == anchor_seq)
        {
          if (memcmp (hash, anchor_hash, KB_SHA256_LEN) != 0)
            {
              tampered_entry (report, error, e.seq,
                              _("Journal entry %" PRId64 " differs from the one "
                                "this installation wrote: the journal was rewritten"), e.seq);
              goto out;
            }
          anchor_matched = TRUE;
        }

      memcpy (prev, hash, KB_SHA256_LEN);
      report->n_entries++;

      if ((report->n_entries & 0x3fff) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto out;
          if (progress != NULL)
            progress (report->n_entries, total, user_data);
        }
    }

  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the journal"));
      goto out;
    }

  report->head_seq = report->n_entries;
  report->head_hash = kb_hex_encode (prev, KB_SHA256_LEN);
  if (progress != NULL && (report->n_entries & 0x3fff) != 0)
    progress (report->n_entries, total, user_data);

  if (has_anchor && !anchor_matched && !verify_anchor (db, report, NULL, anchor_seq, error))
    goto out;

  ok = verify_registers (db, &expect, report, error);

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (md != NULL)
    gcry_md_close (md);
  g_free (expect.slots);
  kb_db_exec (db, "COMMIT", NULL);
  return ok;
}

/* --- reading ------------------------------------------------------------ */

struct _KbJournalEntry {
  GObject parent_instance;

  gint64 seq;
  char *at;
  gint64 actor_id;
  char *actor_name;
  char *terminal;
  char *kind;
  char *entity;
  gint64 entity_id;
  char *state;
  char *detail;
  char *hash;
  char *subject;
};

G_DEFINE_FINAL_TYPE (KbJournalEntry, kb_journal_entry, G_TYPE_OBJECT)

static void
kb_journal_entry_finalize (GObject *object)
{
  KbJournalEntry *self = KB_JOURNAL_ENTRY (object);

  g_free (self->at);
  g_free (self->actor_name);
  g_free (self->terminal);
  g_free (self->kind);
  g_free (self->entity);
  g_free (self->state);
  g_free (self->detail);
  g_free (self->hash);
  g_free (self->subject);

  G_OBJECT_CLASS (kb_journal_entry_parent_class)->finalize (object);
}

static void
kb_journal_entry_class_init (KbJournalEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_journal_entry_finalize;
}

static void
kb_journal_entry_init (KbJournalEntry *self)
{
}

gint64 kb_journal_entry_get_seq (KbJournalEntry *self) { return self->seq; }
const char *kb_journal_entry_get_at (KbJournalEntry *self) { return self->at; }
gint64 kb_journal_entry_get_actor_id (KbJournalEntry *self) { return self->actor_id; }
const char *kb_journal_entry_get_actor_name (KbJournalEntry *self) { return self->actor_name; }
const char *kb_journal_entry_get_terminal (KbJournalEntry *self) { return self->terminal; }
const char *kb_journal_entry_get_kind (KbJournalEntry *self) { return self->kind; }
const char *kb_journal_entry_get_entity (KbJournalEntry *self) { return self->entity; }
gint64 kb_journal_entry_get_entity_id (KbJournalEntry *self) { return self->entity_id; }
const char *kb_journal_entry_get_state (KbJournalEntry *self) { return self->state; }
const char *kb_journal_entry_get_detail (KbJournalEntry *self) { return self->detail; }
const char *kb_journal_entry_get_hash (KbJournalEntry *self) { return self->hash; }
const char *kb_journal_entry_get_subject (KbJournalEntry *self) { return self->subject; }

/**
 * kb_journal_entry_get_time:
 *
 * Returns: (transfer full) (nullable): when the entry was written, in UTC
 */
GDateTime *
kb_journal_entry_get_time (KbJournalEntry *self)
{
  return g_date_time_new_from_iso8601 (self->at, NULL);
}

/* The subject is the person an entry is about, when it is about one: an
 * operator, their password or their card. */
#define ENTRY_COLUMNS \
  "SELECT j.seq, j.at, ifnull (j.actor, 0), o.name, j.terminal, j.kind, j.entity," \
  " ifnull (j.entity_id, 0), j.state, j.detail, hex (j.hash)," \
  " CASE WHEN j.entity IN ('operator', 'credential')" \
  "   THEN (SELECT name FROM operators WHERE id = j.entity_id)" \
  "   WHEN j.entity = 'card' THEN (SELECT p.name FROM cards c JOIN operators p" \
  "     ON p.id = c.operator_id WHERE c.id = j.entity_id) END" \
  " FROM journal j LEFT JOIN operators o ON o.id = j.actor "

static GListModel *
collect_entries (KbDb         *db,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  g_autoptr(GListStore) store = g_list_store_new (KB_TYPE_JOURNAL_ENTRY);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KbJournalEntry) entry = g_object_new (KB_TYPE_JOURNAL_ENTRY, NULL);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->at = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->actor_id = sqlite3_column_int64 (stmt, 2);
      entry->actor_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->terminal = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      entry->entity = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      entry->entity_id = sqlite3_column_int64 (stmt, 7);
      entry->state = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      entry->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
      entry->hash = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 10), -1);
      entry->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
      g_list_store_append (store, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      kb_db_set_error (db, error, _("Cannot read the journal"));
      return NULL;
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * kb_journal_history:
 *
 * Returns: (transfer full) (nullable): the entries about one register row,
 *   oldest first, as #KbJournalEntry items
 */
GListModel *
kb_journal_history (KbDb        *db,
                    const char  *entity,
                    gint64       entity_id,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = kb_db_prepare (db, ENTRY_COLUMNS
                        "WHERE j.entity = ?1 AND j.entity_id = ?2 ORDER BY j.seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, entity_id);

  return collect_entries (db, stmt, error);
}

/**
 * kb_journal_recent:
 *
 * Returns: (transfer full) (nullable): the newest @limit entries, newest first
 */
GListModel *
kb_journal_recent (KbDb     *db,
                   guint     limit,
                   GError  **error)
{
  sqlite3_stmt *stmt;

  stmt = kb_db_prepare (db, ENTRY_COLUMNS "ORDER BY j.seq DESC LIMIT ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, limit);

  return collect_entries (db, stmt, error);
}
