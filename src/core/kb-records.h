/* kb-records.h
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The administration registers' rows as immutable objects. They are built
 * on the database thread and handed to the UI, so they never change after
 * construction; an edit makes a new object.
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * KbRoles:
 * The roles of DOMAIN.md; an operator may hold several.
 */
typedef enum {
  KB_ROLE_NONE                          = 0,
  KB_ROLE_CHIEF_SECURITY_OFFICER        = 1 << 0,
  KB_ROLE_DEPUTY_CHIEF_SECURITY_OFFICER = 1 << 1,
  KB_ROLE_SECURITY_OFFICER              = 1 << 2,
  KB_ROLE_NETWORK_ADMINISTRATOR         = 1 << 3,
  KB_ROLE_SUPERVISOR                    = 1 << 4,
  KB_ROLE_OPERATOR                      = 1 << 5,
  KB_ROLE_TRAINER                       = 1 << 6,
  KB_ROLE_AUDITOR                       = 1 << 7,
} KbRoles;

#define KB_N_ROLES 8
#define KB_ROLES_ALL ((1 << KB_N_ROLES) - 1)
/* The security officers of the rules: the chief, the deputy, the officers. */
#define KB_ROLES_OFFICERS (KB_ROLE_CHIEF_SECURITY_OFFICER | \
                           KB_ROLE_DEPUTY_CHIEF_SECURITY_OFFICER | \
                           KB_ROLE_SECURITY_OFFICER)

const char *kb_role_get_label     (KbRoles role);
const char *kb_role_get_nick      (KbRoles role);
char       *kb_roles_to_string    (KbRoles roles);

#define KB_TYPE_DIVISION (kb_division_get_type ())
G_DECLARE_FINAL_TYPE (KbDivision, kb_division, KB, DIVISION, GObject)

KbDivision *kb_division_new         (gint64      id,
                                     const char *name,
                                     gboolean    active);
gint64      kb_division_get_id      (KbDivision *self);
const char *kb_division_get_name    (KbDivision *self);
gboolean    kb_division_get_active  (KbDivision *self);

#define KB_TYPE_OPERATOR (kb_operator_get_type ())
G_DECLARE_FINAL_TYPE (KbOperator, kb_operator, KB, OPERATOR, GObject)

KbOperator *kb_operator_new                (gint64      id,
                                            const char *staff_number,
                                            const char *name,
                                            const char *kana,
                                            gint64      division_id,
                                            const char *division_name,
                                            KbRoles     roles,
                                            gboolean    active);
gint64      kb_operator_get_id             (KbOperator *self);
const char *kb_operator_get_staff_number   (KbOperator *self);
const char *kb_operator_get_name           (KbOperator *self);
const char *kb_operator_get_kana           (KbOperator *self);
gint64      kb_operator_get_division_id    (KbOperator *self);
const char *kb_operator_get_division_name  (KbOperator *self);
KbRoles     kb_operator_get_roles          (KbOperator *self);
gboolean    kb_operator_get_active         (KbOperator *self);

#define KB_TYPE_TERMINAL (kb_terminal_get_type ())
G_DECLARE_FINAL_TYPE (KbTerminal, kb_terminal, KB, TERMINAL, GObject)

KbTerminal *kb_terminal_new           (gint64      id,
                                       const char *code,
                                       const char *name,
                                       const char *location,
                                       gboolean    active);
gint64      kb_terminal_get_id        (KbTerminal *self);
const char *kb_terminal_get_code      (KbTerminal *self);
const char *kb_terminal_get_name      (KbTerminal *self);
const char *kb_terminal_get_location  (KbTerminal *self);
gboolean    kb_terminal_get_active    (KbTerminal *self);

#define KB_TYPE_TASK (kb_task_get_type ())
G_DECLARE_FINAL_TYPE (KbTask, kb_task, KB, TASK, GObject)

KbTask       *kb_task_new                 (gint64        id,
                                           const char   *name,
                                           const char   *description,
                                           const gint64 *division_ids,
                                           guint         n_division_ids,
                                           const char   *division_names,
                                           gboolean      active);
gint64        kb_task_get_id              (KbTask       *self);
const char   *kb_task_get_name            (KbTask       *self);
const char   *kb_task_get_description     (KbTask       *self);
const gint64 *kb_task_get_division_ids    (KbTask       *self,
                                           guint        *n_ids);
gboolean      kb_task_has_division        (KbTask       *self,
                                           gint64        division_id);
const char   *kb_task_get_division_names  (KbTask       *self);
gboolean      kb_task_get_active          (KbTask       *self);

G_END_DECLS
