/* kb-training-page.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kb-session.h"
#include "kb-store.h"
#include "kb-training.h"

G_BEGIN_DECLS

#define KB_TYPE_TRAINING_PAGE (kb_training_page_get_type ())
G_DECLARE_FINAL_TYPE (KbTrainingPage, kb_training_page, KB, TRAINING_PAGE, GtkBox)

GtkWidget  *kb_training_page_new               (KbStore        *store,
                                                KbStore        *reader,
                                                KbSession      *session);
void        kb_training_page_show              (KbTrainingPage *self,
                                                const char     *view);
void        kb_training_page_select            (KbTrainingPage *self,
                                                guint           position);
GtkWidget  *kb_training_page_open_schedule     (KbTrainingPage *self);
GtkWidget  *kb_training_page_open_invite       (KbTrainingPage *self);
GtkWidget  *kb_training_page_open_cancel       (KbTrainingPage *self);
GtkWidget  *kb_training_page_open_policy       (KbTrainingPage *self);
gboolean    kb_training_page_set_mark          (KbTrainingPage *self,
                                                guint           row,
                                                KbAttendanceMark mark);
void        kb_training_page_mark_unmarked_present (KbTrainingPage *self);
void        kb_training_page_save_attendance   (KbTrainingPage *self);
void        kb_training_page_set_division      (KbTrainingPage *self,
                                                gint64          division_id);
void        kb_training_page_set_overdue_only  (KbTrainingPage *self,
                                                gboolean        only);
GListModel *kb_training_page_get_sessions      (KbTrainingPage *self);
GListModel *kb_training_page_get_attendees     (KbTrainingPage *self);
GtkListBox *kb_training_page_get_sheet         (KbTrainingPage *self);
KbAttendanceMark kb_training_page_get_shown_mark (KbTrainingPage *self,
                                                guint           row);
guint       kb_training_page_get_n_unsaved     (KbTrainingPage *self);
guint       kb_training_page_get_n_status      (KbTrainingPage *self);
const KbTrainingStatus *kb_training_page_get_status (KbTrainingPage *self,
                                                guint           position);
const char *kb_training_page_get_error         (KbTrainingPage *self);
gboolean    kb_training_page_get_busy          (KbTrainingPage *self);
const char *kb_training_page_get_view          (KbTrainingPage *self);

G_END_DECLS
