/* kb-record-dialog.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The form for adding or amending a row of an administration register.
 * Problems are shown at the field they are about, as the user types where
 * that can be known locally, and after saving for what only the database
 * knows (a staff number already taken). Nothing is saved until every field
 * is acceptable.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-record-dialog.h"
#include "kb-records.h"
#include "kb-store-jobs.h"
#include "kb-window.h"

typedef struct {
  const char *key;
  const char *title;
  const char *hint;
  guint max;
  gboolean required;
} FieldDef;

typedef struct {
  const FieldDef *def;
  AdwActionRow *row;
  GtkEntry *entry;
  char *error;
} Field;

struct _KbRecordDialog {
  AdwWindow parent_instance;

  KbStore *store;
  char *entity;
  GObject *record;           /* NULL when adding */
  GCancellable *cancellable;
  GArray *fields;            /* Field */
  GArray *division_ids;      /* gint64, for the combo row or the checks */
  GPtrArray *checks;         /* GtkCheckButton: roles or divisions */
  AdwComboRow *division_row;
  char *division_error;
  GtkWidget *checks_error;
  char *checks_field;
  gboolean busy;

  AdwWindowTitle *window_title;
  GtkWidget *save_button;
  GtkSpinner *spinner;
  AdwToastOverlay *toast_overlay;
  AdwPreferencesPage *page;
};

G_DEFINE_FINAL_TYPE (KbRecordDialog, kb_record_dialog, ADW_TYPE_WINDOW)

static const FieldDef division_fields[] = {
  { KB_FIELD_NAME, N_("Name"), N_("The division’s name, for example 市町村課"), KB_MAX_NAME, TRUE },
  { NULL }
};

static const FieldDef operator_fields[] = {
  { KB_FIELD_STAFF_NUMBER, N_("Staff number"), N_("Letters, digits and hyphens"),
    KB_MAX_STAFF_NUMBER, TRUE },
  { KB_FIELD_NAME, N_("Name"), N_("Family name first, for example 山田 太郎"), KB_MAX_NAME, TRUE },
  { KB_FIELD_KANA, N_("Reading"), N_("In kana, for example ヤマダ タロウ"), KB_MAX_NAME, TRUE },
  { NULL }
};

static const FieldDef terminal_fields[] = {
  { KB_FIELD_CODE, N_("Terminal code"), N_("As labelled on the terminal, for example JK-01"),
    KB_MAX_CODE, TRUE },
  { KB_FIELD_NAME, N_("Name"), NULL, KB_MAX_NAME, TRUE },
  { KB_FIELD_LOCATION, N_("Location"), N_("Building, floor and room"), KB_MAX_LOCATION, TRUE },
  { NULL }
};

static const FieldDef task_fields[] = {
  { KB_FIELD_NAME, N_("Business task"), N_("As named in the approved list"), KB_MAX_NAME, TRUE },
  { KB_FIELD_DESCRIPTION, N_("Description"), N_("Optional"), KB_MAX_DESCRIPTION, FALSE },
  { NULL }
};

static const FieldDef reason_field = {
  KB_FIELD_REASON, N_("Reason for the change"), N_("Required; recorded in the journal"),
  KB_MAX_REASON, TRUE
};

static Field *
find_field (KbRecordDialog *self,
            const char     *key)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *f = &g_array_index (self->fields, Field, i);

      if (g_str_equal (f->def->key, key))
        return f;
    }
  return NULL;
}

static const char *
field_text (KbRecordDialog *self,
            const char     *key)
{
  Field *f = find_field (self, key);

  return f != NULL ? gtk_editable_get_text (GTK_EDITABLE (f->entry)) : NULL;
}

static void
show_field_error (KbRecordDialog *self,
                  Field          *f,
                  const char     *message)
{
  g_free (f->error);
  f->error = g_strdup (message);

  if (message != NULL)
    {
      adw_action_row_set_subtitle (f->row, message);
      gtk_widget_add_css_class (GTK_WIDGET (f->row), "kb-field-error");
      gtk_widget_add_css_class (GTK_WIDGET (f->entry), "error");
    }
  else
    {
      adw_action_row_set_subtitle (f->row, f->def->hint != NULL ? _(f->def->hint) : "");
      gtk_widget_remove_css_class (GTK_WIDGET (f->row), "kb-field-error");
      gtk_widget_remove_css_class (GTK_WIDGET (f->entry), "error");
    }
}

static void
show_division_error (KbRecordDialog *self,
                     const char     *message)
{
  if (self->division_row == NULL)
    return;
  g_free (self->division_error);
  self->division_error = g_strdup (message);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->division_row), message != NULL ? message : "");
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->division_row), "kb-field-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->division_row), "kb-field-error");
}

static void
show_checks_error (KbRecordDialog *self,
                   const char     *message)
{
  if (self->checks_error == NULL)
    return;
  gtk_label_set_label (GTK_LABEL (self->checks_error), message != NULL ? message : "");
  gtk_widget_set_visible (self->checks_error, message != NULL);
}

static void
entry_changed_cb (GtkEditable    *entry,
                  KbRecordDialog *self)
{
  Field *f = g_object_get_data (G_OBJECT (entry), "field");
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = NULL;

  /* Check as the user types what can be checked without the database;
   * an empty field is only reported on saving, not while typing. */
  ok = kb_validate_text (f->def->key, gtk_editable_get_text (entry), f->def->max, FALSE,
                         FALSE, &error);
  show_field_error (self, f, ok == NULL ? error->message : NULL);
}

static void
add_text_field (KbRecordDialog       *self,
                AdwPreferencesGroup  *group,
                const FieldDef       *def,
                const char           *value)
{
  Field f = { def, NULL, NULL, NULL };
  Field *stored;

  f.row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (f.row), _(def->title));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (f.row), FALSE);
  f.entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_valign (GTK_WIDGET (f.entry), GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (f.entry), 24);
  gtk_entry_set_activates_default (f.entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (f.entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(def->title), -1);
  gtk_widget_set_name (GTK_WIDGET (f.entry), def->key);
  if (value != NULL)
    gtk_editable_set_text (GTK_EDITABLE (f.entry), value);
  adw_action_row_add_suffix (f.row, GTK_WIDGET (f.entry));
  adw_action_row_set_activatable_widget (f.row, GTK_WIDGET (f.entry));
  adw_preferences_group_add (group, GTK_WIDGET (f.row));

  g_array_append_val (self->fields, f);
  stored = &g_array_index (self->fields, Field, self->fields->len - 1);
  show_field_error (self, stored, NULL);
}

static void
connect_fields (KbRecordDialog *self)
{
  /* After the array stops growing, so the pointers stay valid. */
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *f = &g_array_index (self->fields, Field, i);

      g_object_set_data (G_OBJECT (f->entry), "field", f);
      g_signal_connect (f->entry, "changed", G_CALLBACK (entry_changed_cb), self);
    }
}

static GtkWidget *
add_check_row (AdwPreferencesGroup *group,
               const char          *title,
               gboolean             active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_preferences_group_add (group, row);
  return check;
}

static void
checks_toggled_cb (KbRecordDialog *self)
{
  show_checks_error (self, NULL);
}

static AdwPreferencesGroup *
add_checks_group (KbRecordDialog *self,
                  const char     *title,
                  const char     *field)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, title);
  self->checks_error = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->checks_error, "error");
  gtk_widget_set_visible (self->checks_error, FALSE);
  adw_preferences_group_set_header_suffix (group, self->checks_error);
  self->checks_field = g_strdup (field);
  adw_preferences_page_add (self->page, group);
  return group;
}

static void
build_roles (KbRecordDialog *self,
             KbRoles         roles)
{
  AdwPreferencesGroup *group = add_checks_group (self, _("Roles"), KB_FIELD_ROLES);

  for (guint i = 0; i < KB_N_ROLES; i++)
    {
      KbRoles role = 1 << i;
      GtkWidget *check = add_check_row (group, kb_role_get_label (role), (roles & role) != 0);

      g_signal_connect_swapped (check, "toggled", G_CALLBACK (checks_toggled_cb), self);
      g_ptr_array_add (self->checks, check);
    }
}

static void
build_task_divisions (KbRecordDialog *self,
                      GListModel     *divisions,
                      KbTask         *task)
{
  AdwPreferencesGroup *group = add_checks_group (self, _("Approved for"), KB_FIELD_DIVISIONS);

  for (guint i = 0; i < g_list_model_get_n_items (divisions); i++)
    {
      g_autoptr(KbDivision) d = g_list_model_get_item (divisions, i);
      gint64 id = kb_division_get_id (d);
      gboolean checked = task != NULL && kb_task_has_division (task, id);
      GtkWidget *check;

      /* A retired division is offered only where it is already ticked. */
      if (!kb_division_get_active (d) && !checked)
        continue;
      check = add_check_row (group, kb_division_get_name (d), checked);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (checks_toggled_cb), self);
      g_ptr_array_add (self->checks, check);
      g_array_append_val (self->division_ids, id);
    }
}

static void
division_selected_cb (KbRecordDialog *self)
{
  show_division_error (self, NULL);
}

static void
build_division_combo (KbRecordDialog      *self,
                      AdwPreferencesGroup *group,
                      GListModel          *divisions,
                      KbOperator          *op)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < g_list_model_get_n_items (divisions); i++)
    {
      g_autoptr(KbDivision) d = g_list_model_get_item (divisions, i);
      gint64 id = kb_division_get_id (d);
      gboolean current = op != NULL && kb_operator_get_division_id (op) == id;

      if (!kb_division_get_active (d) && !current)
        continue;
      if (current)
        selected = self->division_ids->len;
      gtk_string_list_append (names, kb_division_get_name (d));
      g_array_append_val (self->division_ids, id);
    }

  self->division_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->division_row), _("Division"));
  adw_combo_row_set_model (self->division_row, G_LIST_MODEL (names));
  if (selected == GTK_INVALID_LIST_POSITION && self->division_ids->len > 0)
    selected = 0;
  adw_combo_row_set_selected (self->division_row, selected);
  g_signal_connect_swapped (self->division_row, "notify::selected",
                            G_CALLBACK (division_selected_cb), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->division_row));
}

static void
build_form (KbRecordDialog *self,
            GListModel     *divisions)
{
  AdwPreferencesGroup *details = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GObject *r = self->record;

  adw_preferences_page_add (self->page, details);

  if (g_str_equal (self->entity, "division"))
    {
      add_text_field (self, details, &division_fields[0],
                      r ? kb_division_get_name (KB_DIVISION (r)) : NULL);
    }
  else if (g_str_equal (self->entity, "operator"))
    {
      KbOperator *op = r ? KB_OPERATOR (r) : NULL;

      add_text_field (self, details, &operator_fields[0],
                      op ? kb_operator_get_staff_number (op) : NULL);
      add_text_field (self, details, &operator_fields[1], op ? kb_operator_get_name (op) : NULL);
      add_text_field (self, details, &operator_fields[2], op ? kb_operator_get_kana (op) : NULL);
      build_division_combo (self, details, divisions, op);
      build_roles (self, op ? kb_operator_get_roles (op) : KB_ROLE_OPERATOR);
    }
  else if (g_str_equal (self->entity, "terminal"))
    {
      KbTerminal *t = r ? KB_TERMINAL (r) : NULL;

      add_text_field (self, details, &terminal_fields[0], t ? kb_terminal_get_code (t) : NULL);
      add_text_field (self, details, &terminal_fields[1], t ? kb_terminal_get_name (t) : NULL);
      add_text_field (self, details, &terminal_fields[2],
                      t ? kb_terminal_get_location (t) : NULL);
    }
  else
    {
      KbTask *task = r ? KB_TASK (r) : NULL;

      add_text_field (self, details, &task_fields[0], task ? kb_task_get_name (task) : NULL);
      add_text_field (self, details, &task_fields[1],
                      task ? kb_task_get_description (task) : NULL);
      build_task_divisions (self, divisions, task);
    }

  if (r != NULL)
    {
      AdwPreferencesGroup *change = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

      adw_preferences_group_set_title (change, _("Amendment"));
      adw_preferences_group_set_description (change,
                                             _("The register keeps the previous values; "
                                               "this change is added to the row’s history."));
      adw_preferences_page_add (self->page, change);
      add_text_field (self, change, &reason_field, NULL);
    }

  connect_fields (self);
}

static GObject *
collect_record (KbRecordDialog *self)
{
  gint64 id = self->record != NULL ? kb_record_get_id (self->record) : 0;
  gboolean active = self->record != NULL ? kb_record_get_active (self->record) : TRUE;

  if (g_str_equal (self->entity, "division"))
    return G_OBJECT (kb_division_new (id, field_text (self, KB_FIELD_NAME), active));

  if (g_str_equal (self->entity, "operator"))
    {
      guint sel = adw_combo_row_get_selected (self->division_row);
      gint64 division_id = sel < self->division_ids->len
                           ? g_array_index (self->division_ids, gint64, sel) : 0;
      KbRoles roles = 0;

      for (guint i = 0; i < self->checks->len; i++)
        if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
          roles |= 1 << i;

      return G_OBJECT (kb_operator_new (id, field_text (self, KB_FIELD_STAFF_NUMBER),
                                        field_text (self, KB_FIELD_NAME),
                                        field_text (self, KB_FIELD_KANA),
                                        division_id, NULL, roles, active));
    }

  if (g_str_equal (self->entity, "terminal"))
    return G_OBJECT (kb_terminal_new (id, field_text (self, KB_FIELD_CODE),
                                      field_text (self, KB_FIELD_NAME),
                                      field_text (self, KB_FIELD_LOCATION), active));

  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

    for (guint i = 0; i < self->checks->len; i++)
      if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
        g_array_append_val (ids, g_array_index (self->division_ids, gint64, i));

    return G_OBJECT (kb_task_new (id, field_text (self, KB_FIELD_NAME),
                                  field_text (self, KB_FIELD_DESCRIPTION),
                                  (const gint64 *) (gpointer) ids->data, ids->len, NULL,
                                  active));
  }
}

static void
set_busy (KbRecordDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", !busy);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KbRecordDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  const char *field;

  if (kb_store_save_finish (KB_STORE (source), result, &error) > 0)
    {
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      set_busy (self, FALSE);
      if (KB_IS_WINDOW (parent))
        kb_window_toast (KB_WINDOW (parent), _("Saved and recorded in the journal"));
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  field = kb_field_error_get_field (error);
  if (field != NULL && find_field (self, field) != NULL)
    {
      Field *f = find_field (self, field);

      show_field_error (self, f, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (f->entry));
    }
  else if (g_strcmp0 (field, KB_FIELD_DIVISION) == 0)
    show_division_error (self, error->message);
  else if (field != NULL && g_strcmp0 (field, self->checks_field) == 0)
    show_checks_error (self, error->message);
  else
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

/**
 * kb_record_dialog_save:
 *
 * Validates and saves the form, as the Save button does.
 */
void
kb_record_dialog_save (KbRecordDialog *self)
{
  g_autoptr(GObject) record = NULL;
  const char *reason;

  g_return_if_fail (KB_IS_RECORD_DIALOG (self));

  if (self->busy)
    return;

  record = collect_record (self);
  reason = field_text (self, KB_FIELD_REASON);
  set_busy (self, TRUE);
  kb_store_save_async (self->store, record, reason, self->cancellable, saved_cb,
                       g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  kb_record_dialog_save (KB_RECORD_DIALOG (widget));
}

static void
kb_record_dialog_dispose (GObject *object)
{
  KbRecordDialog *self = KB_RECORD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_RECORD_DIALOG);

  G_OBJECT_CLASS (kb_record_dialog_parent_class)->dispose (object);
}

static void
kb_record_dialog_finalize (GObject *object)
{
  KbRecordDialog *self = KB_RECORD_DIALOG (object);

  for (guint i = 0; i < self->fields->len; i++)
    g_free (g_array_index (self->fields, Field, i).error);
  g_array_unref (self->fields);
  g_array_unref (self->division_ids);
  g_ptr_array_unref (self->checks);
  g_clear_object (&self->store);
  g_clear_object (&self->record);
  g_clear_object (&self->cancellable);
  g_free (self->entity);
  g_free (self->division_error);
  g_free (self->checks_field);

  G_OBJECT_CLASS (kb_record_dialog_parent_class)->finalize (object);
}

static void
kb_record_dialog_class_init (KbRecordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_record_dialog_dispose;
  object_class->finalize = kb_record_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-record-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KbRecordDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KbRecordDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, KbRecordDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbRecordDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbRecordDialog, page);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "form.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_record_dialog_init (KbRecordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  self->division_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->checks = g_ptr_array_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
}

static const char *
form_title (const char *entity,
            gboolean    adding)
{
  if (g_str_equal (entity, "division"))
    return adding ? _("New Division") : _("Edit Division");
  if (g_str_equal (entity, "operator"))
    return adding ? _("New Operator") : _("Edit Operator");
  if (g_str_equal (entity, "terminal"))
    return adding ? _("New Terminal") : _("Edit Terminal");
  return adding ? _("New Business Task") : _("Edit Business Task");
}

/**
 * kb_record_dialog_new:
 * @entity: the register
 * @record: (nullable): the row to amend, or %NULL to add one
 * @divisions: the divisions, for the operator and task forms
 */
GtkWidget *
kb_record_dialog_new (KbStore    *store,
                      const char *entity,
                      GObject    *record,
                      GListModel *divisions)
{
  KbRecordDialog *self = g_object_new (KB_TYPE_RECORD_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->entity = g_strdup (entity);
  self->record = record != NULL ? g_object_ref (record) : NULL;
  adw_window_title_set_title (self->window_title, form_title (entity, record == NULL));
  build_form (self, divisions);

  return GTK_WIDGET (self);
}

void
kb_record_dialog_set_text (KbRecordDialog *self,
                           const char     *field,
                           const char     *text)
{
  Field *f = find_field (self, field);

  g_return_if_fail (f != NULL);
  gtk_editable_set_text (GTK_EDITABLE (f->entry), text);
}

/**
 * kb_record_dialog_get_error:
 *
 * Returns: (nullable): the problem shown at @field, if any
 */
const char *
kb_record_dialog_get_error (KbRecordDialog *self,
                            const char     *field)
{
  Field *f = find_field (self, field);

  if (f != NULL)
    return f->error;
  if (g_str_equal (field, KB_FIELD_DIVISION))
    return self->division_error;
  if (g_strcmp0 (field, self->checks_field) == 0 && self->checks_error != NULL &&
      gtk_widget_get_visible (self->checks_error))
    return gtk_label_get_label (GTK_LABEL (self->checks_error));
  return NULL;
}

void
kb_record_dialog_set_choice (KbRecordDialog *self,
                             const char     *field,
                             guint           index,
                             gboolean        active)
{
  if (g_str_equal (field, KB_FIELD_DIVISION) && self->division_row != NULL)
    adw_combo_row_set_selected (self->division_row, index);
  else if (index < self->checks->len)
    gtk_check_button_set_active (g_ptr_array_index (self->checks, index), active);
}

gboolean
kb_record_dialog_get_busy (KbRecordDialog *self)
{
  return self->busy;
}
