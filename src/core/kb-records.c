/* kb-records.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kb-records.h"

static const struct {
  KbRoles role;
  const char *nick;
  const char *label;
} roles[] = {
  { KB_ROLE_CHIEF_SECURITY_OFFICER, "chief-security-officer", N_("Chief security officer") },
  { KB_ROLE_DEPUTY_CHIEF_SECURITY_OFFICER, "deputy-chief-security-officer",
    N_("Deputy chief security officer") },
  { KB_ROLE_SECURITY_OFFICER, "security-officer", N_("Security officer") },
  { KB_ROLE_NETWORK_ADMINISTRATOR, "network-administrator", N_("Network administrator") },
  { KB_ROLE_SUPERVISOR, "supervisor", N_("Supervisor") },
  { KB_ROLE_OPERATOR, "operator", N_("Operator") },
  { KB_ROLE_TRAINER, "trainer", N_("Trainer") },
  { KB_ROLE_AUDITOR, "auditor", N_("Auditor") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (roles) == KB_N_ROLES);

const char *
kb_role_get_label (KbRoles role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i].role == role)
      return _(roles[i].label);
  return NULL;
}

const char *
kb_role_get_nick (KbRoles role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i].role == role)
      return roles[i].nick;
  return NULL;
}

/**
 * kb_roles_to_string:
 *
 * Returns: (transfer full): the roles' labels, comma-separated, in the
 *   order of the regulation
 */
char *
kb_roles_to_string (KbRoles r)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (r & roles[i].role)
      {
        if (out->len > 0)
          /* Translators: separates role names in a list */
          g_string_append (out, _(", "));
        g_string_append (out, _(roles[i].label));
      }

  return g_string_free (out, FALSE);
}

/* --- KbDivision ----------------------------------------------------------- */

struct _KbDivision {
  GObject parent_instance;
  gint64 id;
  char *name;
  gboolean active;
};

G_DEFINE_FINAL_TYPE (KbDivision, kb_division, G_TYPE_OBJECT)

static void
kb_division_finalize (GObject *object)
{
  KbDivision *self = KB_DIVISION (object);

  g_free (self->name);
  G_OBJECT_CLASS (kb_division_parent_class)->finalize (object);
}

static void
kb_division_class_init (KbDivisionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_division_finalize;
}

static void
kb_division_init (KbDivision *self)
{
}

KbDivision *
kb_division_new (gint64      id,
                 const char *name,
                 gboolean    active)
{
  KbDivision *self = g_object_new (KB_TYPE_DIVISION, NULL);

  self->id = id;
  self->name = g_strdup (name);
  self->active = active;
  return self;
}

gint64 kb_division_get_id (KbDivision *self) { return self->id; }
const char *kb_division_get_name (KbDivision *self) { return self->name; }
gboolean kb_division_get_active (KbDivision *self) { return self->active; }

/* --- KbOperator ----------------------------------------------------------- */

struct _KbOperator {
  GObject parent_instance;
  gint64 id;
  char *staff_number;
  char *name;
  char *kana;
  gint64 division_id;
  char *division_name;
  KbRoles roles;
  gboolean active;
};

G_DEFINE_FINAL_TYPE (KbOperator, kb_operator, G_TYPE_OBJECT)

static void
kb_operator_finalize (GObject *object)
{
  KbOperator *self = KB_OPERATOR (object);

  g_free (self->staff_number);
  g_free (self->name);
  g_free (self->kana);
  g_free (self->division_name);
  G_OBJECT_CLASS (kb_operator_parent_class)->finalize (object);
}

static void
kb_operator_class_init (KbOperatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_operator_finalize;
}

static void
kb_operator_init (KbOperator *self)
{
}

KbOperator *
kb_operator_new (gint64      id,
                 const char *staff_number,
                 const char *name,
                 const char *kana,
                 gint64      division_id,
                 const char *division_name,
                 KbRoles     r,
                 gboolean    active)
{
  KbOperator *self = g_object_new (KB_TYPE_OPERATOR, NULL);

  self->id = id;
  self->staff_number = g_strdup (staff_number);
  self->name = g_strdup (name);
  self->kana = g_strdup (kana);
  self->division_id = division_id;
  self->division_name = g_strdup (division_name);
  self->roles = r;
  self->active = active;
  return self;
}

gint64 kb_operator_get_id (KbOperator *self) { return self->id; }
const char *kb_operator_get_staff_number (KbOperator *self) { return self->staff_number; }
const char *kb_operator_get_name (KbOperator *self) { return self->name; }
const char *kb_operator_get_kana (KbOperator *self) { return self->kana; }
gint64 kb_operator_get_division_id (KbOperator *self) { return self->division_id; }
const char *kb_operator_get_division_name (KbOperator *self) { return self->division_name; }
KbRoles kb_operator_get_roles (KbOperator *self) { return self->roles; }
gboolean kb_operator_get_active (KbOperator *self) { return self->active; }

/* --- KbTerminal ----------------------------------------------------------- */

struct _KbTerminal {
  GObject parent_instance;
  gint64 id;
  char *code;
  char *name;
  char *location;
  gboolean active;
};

G_DEFINE_FINAL_TYPE (KbTerminal, kb_terminal, G_TYPE_OBJECT)

static void
kb_terminal_finalize (GObject *object)
{
  KbTerminal *self = KB_TERMINAL (object);

  g_free (self->code);
  g_free (self->name);
  g_free (self->location);
  G_OBJECT_CLASS (kb_terminal_parent_class)->finalize (object);
}

static void
kb_terminal_class_init (KbTerminalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_terminal_finalize;
}

static void
kb_terminal_init (KbTerminal *self)
{
}

KbTerminal *
kb_terminal_new (gint64      id,
                 const char *code,
                 const char *name,
                 const char *location,
                 gboolean    active)
{
  KbTerminal *self = g_object_new (KB_TYPE_TERMINAL, NULL);

  self->id = id;
  self->code = g_strdup (code);
  self->name = g_strdup (name);
  self->location = g_strdup (location);
  self->active = active;
  return self;
}

gint64 kb_terminal_get_id (KbTerminal *self) { return self->id; }
const char *kb_terminal_get_code (KbTerminal *self) { return self->code; }
const char *kb_terminal_get_name (KbTerminal *self) { return self->name; }
const char *kb_terminal_get_location (KbTerminal *self) { return self->location; }
gboolean kb_terminal_get_active (KbTerminal *self) { return self->active; }

/* --- KbTask --------------------------------------------------------------- */

struct _KbTask {
  GObject parent_instance;
  gint64 id;
  char *name;
  char *description;
  GArray *division_ids;
  char *division_names;
  gboolean active;
};

G_DEFINE_FINAL_TYPE (KbTask, kb_task, G_TYPE_OBJECT)

static void
kb_task_finalize (GObject *object)
{
  KbTask *self = KB_TASK (object);

  g_free (self->name);
  g_free (self->description);
  g_array_unref (self->division_ids);
  g_free (self->division_names);
  G_OBJECT_CLASS (kb_task_parent_class)->finalize (object);
}

static void
kb_task_class_init (KbTaskClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_task_finalize;
}

static void
kb_task_init (KbTask *self)
{
  self->division_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

KbTask *
kb_task_new (gint64        id,
             const char   *name,
             const char   *description,
             const gint64 *division_ids,
             guint         n_division_ids,
             const char   *division_names,
             gboolean      active)
{
  KbTask *self = g_object_new (KB_TYPE_TASK, NULL);

  self->id = id;
  self->name = g_strdup (name);
  self->description = g_strdup (description != NULL ? description : "");
  g_array_append_vals (self->division_ids, division_ids, n_division_ids);
  self->division_names = g_strdup (division_names != NULL ? division_names : "");
  self->active = active;
  return self;
}

gint64 kb_task_get_id (KbTask *self) { return self->id; }
const char *kb_task_get_name (KbTask *self) { return self->name; }
const char *kb_task_get_description (KbTask *self) { return self->description; }
const char *kb_task_get_division_names (KbTask *self) { return self->division_names; }
gboolean kb_task_get_active (KbTask *self) { return self->active; }

const gint64 *
kb_task_get_division_ids (KbTask *self,
                          guint  *n_ids)
{
  *n_ids = self->division_ids->len;
  return (const gint64 *) (gpointer) self->division_ids->data;
}

gboolean
kb_task_has_division (KbTask *self,
                      gint64  division_id)
{
  for (guint i = 0; i < self->division_ids->len; i++)
    if (g_array_index (self->division_ids, gint64, i) == division_id)
      return TRUE;
  return FALSE;
}
