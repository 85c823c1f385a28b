/* kb-assets-private.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What kb-assets.c shares with the CSV import and export and the demo
 * office: the clock, the field parsers, the event writer. Not for the UI.
 */

#pragma once

#include "kb-assets.h"

G_BEGIN_DECLS

/* One asset_events row to write; NULL/0 fields are NULL. */
typedef struct {
  const char *kind;            /* asset_events.kind, also the journal's verb */
  gint64      from_operator;
  gint64      to_operator;
  const char *from_status;
  const char *to_status;
  const char *due_on;
  const char *location;
  const char *condition;
  const char *reason;
} KbAssetEventRow;

typedef gboolean (*KbAssetFunc) (KbAsset  *asset,
                                 gpointer  user_data,
                                 GError  **error);

void      kb_assets_set_clock            (gint64        now);
gint64    kb_assets_now                  (void);
char     *kb_assets_today                (void);

gboolean  kb_assets_require_keeper       (KbDb         *db,
                                          GError      **error);
gboolean  kb_assets_parse_date           (const char   *field,
                                          const char   *text,
                                          char        **out,
                                          GError      **error);
gboolean  kb_assets_parse_acquired       (const char   *text,
                                          const char   *today,
                                          char        **out,
                                          GError      **error);
gboolean  kb_assets_parse_inventory_days (const char   *text,
                                          int          *days,
                                          GError      **error);
char     *kb_assets_validate_number      (const char   *text,
                                          GError      **error);
gboolean  kb_assets_check_kind           (int           kind,
                                          GError      **error);
gboolean  kb_assets_check_classification (int           classification,
                                          GError      **error);
gboolean  kb_assets_record_event         (KbDb                  *db,
                                          const char            *verb,
                                          gint64                 asset_id,
                                          const KbAssetEventRow *event,
                                          gint64                 disposal_id,
                                          GError               **error);
gboolean  kb_assets_foreach              (KbDb                *db,
                                          const KbAssetFilter *filter,
                                          const char          *today,
                                          KbAssetFunc          func,
                                          gpointer             user_data,
                                          GError             **error);

G_END_DECLS
