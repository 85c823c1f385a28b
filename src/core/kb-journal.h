/* kb-journal.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kb-db.h"

G_BEGIN_DECLS

/**
 * KbRegister:
 * @entity: the name journal entries use ("operator")
 * @table: the SQL table
 * @label: the register's name for people, untranslated (N_())
 * @state_sql: a SELECT giving the row's whole state, aliased `t`; the
 *   journal stores its canonical form, the verifier recomputes it
 */
typedef struct {
  const char *entity;
  const char *table;
  const char *label;
  const char *state_sql;
} KbRegister;

const KbRegister *kb_register_lookup   (const char *entity);
const KbRegister *kb_registers         (guint      *n_registers);

void      kb_utc_now                   (char         buf[32]);

gboolean  kb_journal_append            (KbDb        *db,
                                        const char  *kind,
                                        const char  *entity,
                                        gint64       entity_id,
                                        const char  *state,
                                        const char  *detail,
                                        GError     **error);
char     *kb_journal_row_state         (KbDb        *db,
                                        const char  *entity,
                                        gint64       entity_id,
                                        GError     **error);
gboolean  kb_journal_record            (KbDb        *db,
                                        const char  *kind,
                                        const char  *entity,
                                        gint64       entity_id,
                                        const char  *detail,
                                        GError     **error);

typedef void (*KbProgressFunc) (gint64   done,
                                gint64   total,
                                gpointer user_data);

/**
 * KbVerifyReport:
 * What kb_journal_verify() found. On failure @bad_seq names the first bad
 * journal entry, or @bad_entity and @bad_id the register row that disagrees
 * with the journal.
 */
typedef struct {
  gint64  n_entries;
  gint64  n_rows;
  gint64  head_seq;
  char   *head_hash;      /* hex */
  gboolean anchor_found;
  gint64  anchor_seq;     /* the newest entry this installation wrote */
  gint64  bad_seq;
  char   *bad_entity;
  gint64  bad_id;
} KbVerifyReport;

void      kb_verify_report_clear       (KbVerifyReport *report);

gboolean  kb_journal_verify            (KbDb           *db,
                                        KbProgressFunc  progress,
                                        gpointer        user_data,
                                        GCancellable   *cancellable,
                                        KbVerifyReport *report,
                                        GError        **error);

#define KB_TYPE_JOURNAL_ENTRY (kb_journal_entry_get_type ())
G_DECLARE_FINAL_TYPE (KbJournalEntry, kb_journal_entry, KB, JOURNAL_ENTRY, GObject)

gint64      kb_journal_entry_get_seq        (KbJournalEntry *self);
GDateTime  *kb_journal_entry_get_time       (KbJournalEntry *self);
const char *kb_journal_entry_get_at         (KbJournalEntry *self);
gint64      kb_journal_entry_get_actor_id   (KbJournalEntry *self);
const char *kb_journal_entry_get_actor_name (KbJournalEntry *self);
const char *kb_journal_entry_get_terminal   (KbJournalEntry *self);
const char *kb_journal_entry_get_kind       (KbJournalEntry *self);
const char *kb_journal_entry_get_entity     (KbJournalEntry *self);
gint64      kb_journal_entry_get_entity_id  (KbJournalEntry *self);
const char *kb_journal_entry_get_state      (KbJournalEntry *self);
const char *kb_journal_entry_get_detail     (KbJournalEntry *self);
const char *kb_journal_entry_get_hash       (KbJournalEntry *self);
const char *kb_journal_entry_get_subject    (KbJournalEntry *self);

GListModel *kb_journal_history         (KbDb        *db,
                                        const char  *entity,
                                        gint64       entity_id,
                                        GError     **error);
GListModel *kb_journal_recent          (KbDb        *db,
                                        guint        limit,
                                        GError     **error);

G_END_DECLS
