/* kb-settings.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Settings that belong to the office, not to one terminal: kept in the
 * database and journaled like a register. (Per-terminal preferences, such
 * as the window size or the idle time, are in GSettings.)
 */

#pragma once

#include <glib.h>

#include "kb-db.h"

G_BEGIN_DECLS

#define KB_SETTING_CARD_SALT           "card-salt"
#define KB_SETTING_PASSWORD_MIN_LENGTH "password-min-length"
#define KB_SETTING_PASSWORD_MIN_CLASSES "password-min-classes"
#define KB_SETTING_PASSWORD_MAX_AGE    "password-max-age-days"

typedef struct {
  int min_length;    /* characters */
  int min_classes;   /* of: lower-case, upper-case, digits, other */
  int max_age_days;  /* 0: passwords do not expire */
} KbPasswordPolicy;

char     *kb_settings_get            (KbDb              *db,
                                      const char        *key,
                                      GError           **error);
int       kb_settings_get_int        (KbDb              *db,
                                      const char        *key,
                                      int                fallback);
gboolean  kb_settings_set            (KbDb              *db,
                                      const char        *key,
                                      const char        *value,
                                      const char        *reason,
                                      GError           **error);
gboolean  kb_settings_init_defaults  (KbDb              *db,
                                      GError           **error);
GBytes   *kb_settings_get_card_salt  (KbDb              *db,
                                      GError           **error);
void      kb_settings_get_policy     (KbDb              *db,
                                      KbPasswordPolicy  *policy);
gboolean  kb_settings_set_policy     (KbDb              *db,
                                      const KbPasswordPolicy *policy,
                                      const char        *reason,
                                      GError           **error);

G_END_DECLS
