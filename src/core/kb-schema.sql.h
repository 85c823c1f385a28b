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

static const char * const kb_schema_migrations[] = {
  NULL,          /* version 0: the empty file */
  kb_schema_v1,
  kb_schema_v2,
  kb_schema_v3,
};
