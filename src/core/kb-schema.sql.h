/* kb-schema.sql.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema, one migration per version. A migration is never edited once
 * released: a change is a new version. The journal's verifier compares the
 * live schema with what these produce, so any table, index or trigger added,
 * altered or dropped behind the app's back is reported.
 */

#pragma once

static const char kb_schema_v1[] =
  "CREATE TABLE divisions ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
  ") STRICT;"

  "CREATE TABLE operators ("
  "  id INTEGER PRIMARY KEY,"
  "  staff_number TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  kana TEXT NOT NULL,"
  "  division_id INTEGER NOT NULL REFERENCES divisions (id),"
  "  roles INTEGER NOT NULL DEFAULT 0,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
  ") STRICT;"
  "CREATE INDEX operators_division ON operators (division_id);"

  "CREATE TABLE terminals ("
  "  id INTEGER PRIMARY KEY,"
  "  code TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  location TEXT NOT NULL,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
  ") STRICT;"

  "CREATE TABLE tasks ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
  ") STRICT;"

  "CREATE TABLE task_divisions ("
  "  task_id INTEGER NOT NULL REFERENCES tasks (id),"
  "  division_id INTEGER NOT NULL REFERENCES divisions (id),"
  "  PRIMARY KEY (task_id, division_id)"
  ") STRICT, WITHOUT ROWID;"

  /* actor has no foreign key on purpose: the journal must never be
   * constrained by, or cascade from, the registers it vouches for. */
  "CREATE TABLE journal ("
  "  seq INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  actor INTEGER,"
  "  terminal TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  entity TEXT,"
  "  entity_id INTEGER,"
  "  state TEXT,"
  "  detail TEXT,"
  "  prev_hash BLOB NOT NULL,"
  "  hash BLOB NOT NULL"
  ") STRICT;"
  "CREATE INDEX journal_entity ON journal (entity, entity_id);"

  "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal"
  " BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;"
  "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal"
  " BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;"
  "CREATE TRIGGER divisions_no_delete BEFORE DELETE ON divisions"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER operators_no_delete BEFORE DELETE ON operators"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER terminals_no_delete BEFORE DELETE ON terminals"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER tasks_no_delete BEFORE DELETE ON tasks"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;";

/* Version 2: sign-in. Settings (the password policy, the salt of card
 * identities), operators' password hashes with their failure counters,
 * and the card register. A card is identified by a salted digest of its
 * UID, never the UID itself. */
static const char kb_schema_v2[] =
  "CREATE TABLE settings ("
  "  id INTEGER PRIMARY KEY,"
  "  key TEXT NOT NULL UNIQUE,"
  "  value TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE credentials ("
  "  id INTEGER PRIMARY KEY REFERENCES operators (id),"
  "  hash TEXT NOT NULL,"
  "  must_change INTEGER NOT NULL DEFAULT 0 CHECK (must_change IN (0, 1)),"
  "  failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),"
  "  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
  "  changed_at TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE cards ("
  "  id INTEGER PRIMARY KEY,"
  "  operator_id INTEGER NOT NULL REFERENCES operators (id),"
  "  identity TEXT NOT NULL,"
  "  atr TEXT NOT NULL,"
  "  has_uid INTEGER NOT NULL CHECK (has_uid IN (0, 1)),"
  "  status TEXT NOT NULL DEFAULT 'issued'"
  "    CHECK (status IN ('issued', 'returned', 'lost', 'revoked')),"
  "  issued_at TEXT NOT NULL,"
  "  returned_at TEXT,"
  "  revoked_at TEXT"
  ") STRICT;"
  "CREATE UNIQUE INDEX cards_issued_identity ON cards (identity) WHERE status = 'issued';"
  "CREATE INDEX cards_operator ON cards (operator_id);"

  "CREATE TRIGGER settings_no_delete BEFORE DELETE ON settings"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER credentials_no_delete BEFORE DELETE ON credentials"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER cards_no_delete BEFORE DELETE ON cards"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;";

/* Version 3: the terminal usage register. One row per stretch of work on a
 * terminal: opened when a card session unlocks, closed when it locks, its
 * task and cases filled in by the operator, confirmed by a supervisor of
 * the division the operator belonged to then. Times are Unix seconds (UTC).
 * The remarks are indexed for full-text search (trigram: Japanese has no
 * spaces between words); the index is kept by kb-usage.c, not by triggers,
 * since trusted_schema is off and FTS5 may not be used from a trigger. */
static const char kb_schema_v3[] =
  "CREATE TABLE usage ("
  "  id INTEGER PRIMARY KEY,"
  "  terminal_id INTEGER NOT NULL REFERENCES terminals (id),"
  "  operator_id INTEGER NOT NULL REFERENCES operators (id),"
  "  division_id INTEGER NOT NULL REFERENCES divisions (id),"
  "  task_id INTEGER REFERENCES tasks (id),"
  "  cases INTEGER CHECK (cases IS NULL OR cases BETWEEN 0 AND 99999),"
  "  remarks TEXT NOT NULL DEFAULT '',"
  "  started_at INTEGER NOT NULL,"
  "  ended_at INTEGER CHECK (ended_at IS NULL OR ended_at >= started_at),"
  "  manual INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),"
  "  confirmed_by INTEGER REFERENCES operators (id),"
  "  confirmed_at INTEGER,"
  "  CHECK ((confirmed_by IS NULL) = (confirmed_at IS NULL))"
  ") STRICT;"
  "CREATE INDEX usage_started ON usage (started_at);"
  "CREATE INDEX usage_operator ON usage (operator_id, started_at);"
  "CREATE INDEX usage_division ON usage (division_id, started_at);"
  "CREATE INDEX usage_terminal ON usage (terminal_id, started_at);"
  "CREATE INDEX usage_task ON usage (task_id, started_at);"
  /* The open entries of a terminal, read at every lock and unlock. */
  "CREATE INDEX usage_open ON usage (terminal_id, operator_id) WHERE ended_at IS NULL;"
  "CREATE TRIGGER usage_no_delete BEFORE DELETE ON usage"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE VIRTUAL TABLE usage_text USING fts5 (remarks, tokenize = 'trigram');";

/* Version 4: the information-asset register, its backups and the
 * equipment-room entry log. Dates a person types (acquisition, expected
 * return, inventory) are ISO dates, 'YYYY-MM-DD'; moments are Unix seconds
 * (UTC). An asset's movements are rows of asset_events, never edits of
 * older ones; a disposal is requested by one person and decided by a
 * security officer who is someone else, which the table itself enforces. */
static const char kb_schema_v4[] =
  "CREATE TABLE backups ("
  "  id INTEGER PRIMARY KEY,"
  "  made_at INTEGER NOT NULL,"
  "  made_by INTEGER REFERENCES operators (id),"   /* NULL: the command line */
  "  path TEXT NOT NULL,"
  "  size INTEGER NOT NULL CHECK (size > 0),"
  "  digest TEXT NOT NULL,"                         /* SHA-256 of the file, hex */
  "  journal_seq INTEGER NOT NULL,"                 /* the journal head it holds */
  "  verified_at INTEGER,"
  "  verified_by INTEGER REFERENCES operators (id)"
  ") STRICT;"
  "CREATE INDEX backups_made ON backups (made_at);"
  "CREATE INDEX backups_digest ON backups (digest);"

  "CREATE TABLE assets ("
  "  id INTEGER PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('equipment', 'software', 'media', 'document')),"
  "  classification INTEGER NOT NULL CHECK (classification BETWEEN 1 AND 3),"
  "  location TEXT NOT NULL,"
  "  custodian_id INTEGER NOT NULL REFERENCES operators (id),"
  "  division_id INTEGER NOT NULL REFERENCES divisions (id),"
  "  acquired_on TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'in-use'"
  "    CHECK (status IN ('in-use', 'stored', 'lent', 'repair', 'disposed')),"
  "  holds_data INTEGER NOT NULL DEFAULT 0 CHECK (holds_data IN (0, 1)),"
  "  inventory_days INTEGER NOT NULL DEFAULT 365 CHECK (inventory_days BETWEEN 1 AND 3660),"
  "  checked_on TEXT,"
  "  borrower_id INTEGER REFERENCES operators (id),"
  "  due_on TEXT,"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  CHECK ((status = 'lent') = (borrower_id IS NOT NULL)),"
  "  CHECK ((borrower_id IS NULL) = (due_on IS NULL))"
  ") STRICT;"
  "CREATE INDEX assets_custodian ON assets (custodian_id);"
  "CREATE INDEX assets_division ON assets (division_id);"
  "CREATE INDEX assets_status ON assets (status);"

  "CREATE TABLE asset_events ("
  "  id INTEGER PRIMARY KEY,"
  "  asset_id INTEGER NOT NULL REFERENCES assets (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('register', 'amend', 'handover', 'lend', 'return',"
  "    'status', 'check', 'dispose-request', 'dispose-approve', 'dispose-reject')),"
  "  at INTEGER NOT NULL,"
  "  actor_id INTEGER REFERENCES operators (id),"
  "  from_operator_id INTEGER REFERENCES operators (id),"
  "  to_operator_id INTEGER REFERENCES operators (id),"
  "  from_status TEXT,"
  "  to_status TEXT,"
  "  due_on TEXT,"
  "  location TEXT,"
  "  condition TEXT CHECK (condition IS NULL OR condition IN ('good', 'damaged', 'missing')),"
  "  reason TEXT NOT NULL DEFAULT ''"
  ") STRICT;"
  "CREATE INDEX asset_events_asset ON asset_events (asset_id, at);"

  "CREATE TABLE disposals ("
  "  id INTEGER PRIMARY KEY,"
  "  asset_id INTEGER NOT NULL REFERENCES assets (id),"
  "  requested_by INTEGER NOT NULL REFERENCES operators (id),"
  "  requested_at INTEGER NOT NULL,"
  "  reason TEXT NOT NULL CHECK (reason <> ''),"
  "  method TEXT NOT NULL"
  "    CHECK (method IN ('shredding', 'degaussing', 'destruction', 'vendor')),"
  "  data TEXT NOT NULL CHECK (data IN ('none', 'backed-up', 'not-needed')),"
  "  backup_id INTEGER REFERENCES backups (id),"
  "  status TEXT NOT NULL DEFAULT 'requested'"
  "    CHECK (status IN ('requested', 'approved', 'rejected')),"
  "  decided_by INTEGER REFERENCES operators (id),"
  "  decided_at INTEGER,"
  "  CHECK ((data = 'backed-up') = (backup_id IS NOT NULL)),"
  "  CHECK ((status = 'requested') = (decided_by IS NULL)),"
  "  CHECK ((decided_by IS NULL) = (decided_at IS NULL)),"
  "  CHECK (decided_by IS NULL OR decided_by <> requested_by)"
  ") STRICT;"
  "CREATE UNIQUE INDEX disposals_pending ON disposals (asset_id) WHERE status = 'requested';"

  "CREATE TABLE room_entries ("
  "  id INTEGER PRIMARY KEY,"
  "  room TEXT NOT NULL,"
  "  operator_id INTEGER REFERENCES operators (id),"
  "  visitor_name TEXT,"
  "  visitor_org TEXT,"
  "  purpose TEXT NOT NULL CHECK (purpose <> ''),"
  "  entered_at INTEGER NOT NULL,"
  "  left_at INTEGER CHECK (left_at IS NULL OR left_at >= entered_at),"
  "  escort_id INTEGER REFERENCES operators (id),"
  "  key_label TEXT,"
  "  key_returned_at INTEGER CHECK (key_returned_at IS NULL OR key_returned_at >= entered_at),"
  "  recorded_by INTEGER REFERENCES operators (id),"
  "  CHECK ((operator_id IS NULL) <> (visitor_name IS NULL)),"
  "  CHECK ((visitor_name IS NULL) = (visitor_org IS NULL)),"
  "  CHECK (visitor_name IS NULL OR escort_id IS NOT NULL),"
  "  CHECK (escort_id IS NULL OR operator_id IS NULL OR escort_id <> operator_id),"
  "  CHECK (key_returned_at IS NULL OR key_label IS NOT NULL)"
  ") STRICT;"
  "CREATE INDEX room_entries_entered ON room_entries (entered_at);"
  "CREATE INDEX room_entries_inside ON room_entries (room) WHERE left_at IS NULL;"
  "CREATE INDEX room_entries_keys ON room_entries (room)"
  "  WHERE key_label IS NOT NULL AND key_returned_at IS NULL;"

  "CREATE TRIGGER backups_no_delete BEFORE DELETE ON backups"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER assets_no_delete BEFORE DELETE ON assets"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER asset_events_no_delete BEFORE DELETE ON asset_events"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER asset_events_no_update BEFORE UPDATE ON asset_events"
  " BEGIN SELECT RAISE (ABORT, 'asset events are never edited'); END;"
  "CREATE TRIGGER disposals_no_delete BEFORE DELETE ON disposals"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER room_entries_no_delete BEFORE DELETE ON room_entries"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;";

/* Version 5: training with attendance, and audits with their findings.
 * Sessions and audits are planned in local dates and times kept as Unix
 * seconds; the fiscal year a session counts for (April to March, named by
 * the year it starts in) is stored with it. Training policy (refuse or
 * warn, the grace date) lives in settings. Rows are never deleted: a
 * session is cancelled, an auditor or a link is withdrawn. */
static const char kb_schema_v5[] =
  "CREATE TABLE trainings ("
  "  id INTEGER PRIMARY KEY,"
  "  title TEXT NOT NULL CHECK (title <> ''),"
  "  kind TEXT NOT NULL CHECK (kind IN ('first-use', 'fiscal-year', 'ad-hoc')),"
  "  fiscal_year INTEGER NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2999),"
  "  starts_at INTEGER NOT NULL,"
  "  ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),"
  "  place TEXT NOT NULL,"
  "  trainer_id INTEGER NOT NULL REFERENCES operators (id),"
  "  audience TEXT NOT NULL CHECK (audience IN ('operators', 'administrators', 'named')),"
  "  materials TEXT NOT NULL DEFAULT '',"
  "  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled'))"
  ") STRICT;"
  "CREATE INDEX trainings_starts ON trainings (starts_at);"
  "CREATE INDEX trainings_year ON trainings (fiscal_year, kind);"

  "CREATE TABLE attendance ("
  "  id INTEGER PRIMARY KEY,"
  "  training_id INTEGER NOT NULL REFERENCES trainings (id),"
  "  operator_id INTEGER NOT NULL REFERENCES operators (id),"
  "  invited_at INTEGER NOT NULL,"
  "  invited_by INTEGER REFERENCES operators (id),"
  "  mark TEXT CHECK (mark IS NULL OR mark IN ('present', 'late', 'excused', 'absent')),"
  "  marked_at INTEGER,"
  "  marked_by INTEGER REFERENCES operators (id),"
  "  UNIQUE (training_id, operator_id),"
  "  CHECK ((mark IS NULL) = (marked_at IS NULL))"
  ") STRICT;"
  "CREATE INDEX attendance_operator ON attendance (operator_id, mark);"

  "CREATE TABLE audits ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('pre-use', 'internal', 'external')),"
  "  title TEXT NOT NULL CHECK (title <> ''),"
  "  scope TEXT NOT NULL,"
  "  period_from TEXT NOT NULL,"          /* the audited period, YYYY-MM-DD */
  "  period_to TEXT NOT NULL CHECK (period_to >= period_from),"
  "  planned_on TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'planned'"
  "    CHECK (status IN ('planned', 'in-progress', 'reported', 'closed')),"
  "  recurrence_months INTEGER NOT NULL DEFAULT 0 CHECK (recurrence_months BETWEEN 0 AND 60),"
  "  previous_id INTEGER REFERENCES audits (id),"  /* the audit whose closing planned this one */
  "  closed_at INTEGER,"
  "  closed_by INTEGER REFERENCES operators (id),"
  "  notes TEXT NOT NULL DEFAULT '',"
  "  CHECK ((status = 'closed') = (closed_at IS NOT NULL))"
  ") STRICT;"
  "CREATE INDEX audits_planned ON audits (planned_on);"
  "CREATE UNIQUE INDEX audits_next ON audits (previous_id) WHERE previous_id IS NOT NULL;"

  /* Staff auditors are operators; Council members and outside auditors
   * are named. */
  "CREATE TABLE audit_auditors ("
  "  id INTEGER PRIMARY KEY,"
  "  audit_id INTEGER NOT NULL REFERENCES audits (id),"
  "  operator_id INTEGER REFERENCES operators (id),"
  "  name TEXT,"
  "  organisation TEXT,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
  "  CHECK ((operator_id IS NULL) <> (name IS NULL))"
  ") STRICT;"
  "CREATE INDEX audit_auditors_audit ON audit_auditors (audit_id);"

  "CREATE TABLE findings ("
  "  id INTEGER PRIMARY KEY,"
  "  audit_id INTEGER NOT NULL REFERENCES audits (id),"
  "  severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),"
  "  description TEXT NOT NULL CHECK (description <> ''),"
  "  responsible_id INTEGER NOT NULL REFERENCES operators (id),"
  "  action TEXT NOT NULL DEFAULT '',"     /* the corrective action */
  "  due_on TEXT,"
  "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'accepted')),"
  "  evidence TEXT NOT NULL DEFAULT '',"
  "  resolved_at INTEGER,"
  "  resolved_by INTEGER REFERENCES operators (id),"
  "  CHECK ((status = 'open') = (resolved_at IS NULL)),"
  "  CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))"
  ") STRICT;"
  "CREATE INDEX findings_audit ON findings (audit_id);"

  /* What a finding concerns: a row of a register ('usage', 'asset', …). */
  "CREATE TABLE finding_links ("
  "  id INTEGER PRIMARY KEY,"
  "  finding_id INTEGER NOT NULL REFERENCES findings (id),"
  "  entity TEXT NOT NULL,"
  "  entity_id INTEGER NOT NULL,"
  "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
  ") STRICT;"
  "CREATE INDEX finding_links_finding ON finding_links (finding_id);"

  "CREATE TRIGGER trainings_no_delete BEFORE DELETE ON trainings"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER audits_no_delete BEFORE DELETE ON audits"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER audit_auditors_no_delete BEFORE DELETE ON audit_auditors"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER findings_no_delete BEFORE DELETE ON findings"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;"
  "CREATE TRIGGER finding_links_no_delete BEFORE DELETE ON finding_links"
  " BEGIN SELECT RAISE (ABORT, 'register rows are retired, never deleted'); END;";

static const char * const kb_schema_migrations[] = {
  NULL,          /* version 0: the empty file */
  kb_schema_v1,
  kb_schema_v2,
  kb_schema_v3,
  kb_schema_v4,
  kb_schema_v5,
};
