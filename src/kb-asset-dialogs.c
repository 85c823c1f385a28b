/* kb-asset-dialogs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The forms of the information-asset register: registering and amending
 * an asset, handing it over, lending it, its return, an inventory check
 * and a disposal request; and the small confirmations (a change of
 * status, the decision on a disposal) as message dialogs with a reason.
 * A form keeps what was typed when the register refuses it, and says why
 * at the field concerned.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-asset-dialogs.h"
#include "kb-asset-jobs.h"
#include "kb-backup.h"
#include "kb-error.h"
#include "kb-form.h"
#include "kb-reason-entry.h"
#include "kb-store-jobs.h"
#include "kb-window.h"

struct _KbAssetDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  KbAssetForm    form;
  KbAsset       *asset;           /* NULL when registering */
  GCancellable  *cancellable;

  GtkWidget     *save_button;
  GtkLabel      *message;
  GHashTable    *rows;            /* field → AdwActionRow */
  GHashTable    *entries;         /* field → GtkEditable */
  GHashTable    *choices;         /* field → GtkDropDown */

  GtkDropDown   *person;
  GArray        *person_ids;
  GtkDropDown   *division;
  GArray        *division_ids;
  GtkDropDown   *backup;
  GArray        *backup_ids;
  GtkSwitch     *holds_data;
  GtkCheckButton *backed_up;
  GtkCheckButton *not_needed;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (KbAssetDialog, kb_asset_dialog, ADW_TYPE_WINDOW)

/* --- rows ------------------------------------------------------------------ */

static GtkWidget *
add_row (KbAssetDialog *self,
         GtkWidget     *group,
         const char    *field,
         const char    *title,
         GtkWidget     *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (suffix != NULL)
    {
      gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
      if (GTK_IS_ENTRY (suffix) || GTK_IS_DROP_DOWN (suffix) || GTK_IS_SWITCH (suffix))
        {
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
          gtk_accessible_update_property (GTK_ACCESSIBLE (suffix),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
        }
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (field != NULL)
    g_hash_table_insert (self->rows, g_strdup (field), row);
  return row;
}

static void
add_info (KbAssetDialog *self,
          GtkWidget     *group,
          const char    *title,
          const char    *value)
{
  GtkWidget *label = gtk_label_new (value != NULL && value[0] != '\0' ? value : "—");

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_hexpand (label, TRUE);
  if (value != NULL)
    gtk_widget_set_tooltip_text (label, value);
  add_row (self, group, NULL, title, label);
}

static GtkWidget *
add_entry (KbAssetDialog *self,
           GtkWidget     *group,
           const char    *field,
           const char    *title,
           const char    *text,
           const char    *placeholder,
           int            width,
           int            max_length)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  if (max_length > 0)
    gtk_entry_set_max_length (GTK_ENTRY (entry), max_length);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  g_hash_table_insert (self->entries, g_strdup (field), entry);
  add_row (self, group, field, title, entry);
  return entry;
}

static GtkDropDown *
dropdown_new (const char * const *strings)
{
  GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (strings)),
                                                            NULL));
  GtkExpression *expr = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

  gtk_drop_down_set_expression (dropdown, expr);
  gtk_expression_unref (expr);
  gtk_widget_set_size_request (GTK_WIDGET (dropdown), 260, -1);
  return dropdown;
}

static GtkDropDown *
add_choice (KbAssetDialog      *self,
            GtkWidget          *group,
            const char         *field,
            const char         *title,
            const char * const *strings,
            guint               selected)
{
  GtkDropDown *dropdown = dropdown_new (strings);

  if (strings != NULL)
    gtk_drop_down_set_selected (dropdown, selected);
  g_hash_table_insert (self->choices, g_strdup (field), dropdown);
  add_row (self, group, field, title, GTK_WIDGET (dropdown));
  return dropdown;
}

static const char *
text_of (KbAssetDialog *self,
         const char    *field)
{
  GtkEditable *entry = g_hash_table_lookup (self->entries, field);

  return entry != NULL ? gtk_editable_get_text (entry) : NULL;
}

static guint
choice_of (KbAssetDialog *self,
           const char    *field)
{
  GtkDropDown *dropdown = g_hash_table_lookup (self->choices, field);

  return dropdown != NULL ? gtk_drop_down_get_selected (dropdown) : 0;
}

static gint64
selected_id (GtkDropDown *dropdown,
             GArray      *ids)
{
  guint i;

  if (dropdown == NULL || ids == NULL)
    return 0;
  i = gtk_drop_down_get_selected (dropdown);
  if (i == GTK_INVALID_LIST_POSITION || i >= ids->len)
    return 0;
  return g_array_index (ids, gint64, i);
}

static void
fill_dropdown (GtkDropDown  *dropdown,
               GArray      **ids_out,
               GPtrArray    *names,
               GArray       *ids,
               gint64        selected)
{
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (dropdown));
  guint position = 0;

  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char * const *) names->pdata);
  g_clear_pointer (ids_out, g_array_unref);
  *ids_out = g_array_ref (ids);
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == selected)
      position = i;
  gtk_drop_down_set_selected (dropdown, position);
}

static void
clear_errors (KbAssetDialog *self)
{
  kb_form_clear_errors (self->rows, self->message);
}

static void
show_error (KbAssetDialog *self,
            GError        *error)
{
  kb_form_show_error (self->rows, self->message, error);
}

/* --- choices from the register -------------------------------------------- */

static gint64
my_id (KbSession *session)
{
  KbOperator *me = session != NULL ? kb_session_get_operator (session) : NULL;

  return me != NULL ? kb_operator_get_id (me) : 0;
}

static void
operators_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  KbAssetDialog *self;
  gint64 selected = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSET_DIALOG (user_data);
  if (records == NULL)
    {
      show_error (self, error);
      return;
    }

  switch (self->form)
    {
    case KB_ASSET_FORM_REGISTER:
    case KB_ASSET_FORM_CHECK:
      selected = my_id (self->session);
      break;
    default:
      /* Nobody is chosen for a hand-over or a loan until someone is. */
      g_ptr_array_add (names, g_strdup (_("Choose a person…")));
      g_array_set_size (ids, 1);
      break;
    }
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);
      gint64 id = kb_operator_get_id (op);

      if (!kb_operator_get_active (op))
        continue;
      g_ptr_array_add (names, g_strdup_printf ("%s %s (%s)", kb_operator_get_staff_number (op),
                                               kb_operator_get_name (op),
                                               kb_operator_get_division_name (op)));
      g_array_append_val (ids, id);
    }
  fill_dropdown (self->person, &self->person_ids, names, ids, selected);
}

static void
divisions_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  KbAssetDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSET_DIALOG (user_data);
  if (records == NULL)
    {
      show_error (self, error);
      return;
    }

  g_ptr_array_add (names, g_strdup (_("The custodian’s division")));
  g_array_set_size (ids, 1);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbDivision) division = g_list_model_get_item (records, i);
      gint64 id = kb_division_get_id (division);

      if (!kb_division_get_active (division) &&
          (self->asset == NULL || kb_asset_get_division_id (self->asset) != id))
        continue;
      g_ptr_array_add (names, g_strdup (kb_division_get_name (division)));
      g_array_append_val (ids, id);
    }
  fill_dropdown (self->division, &self->division_ids, names, ids,
                 self->asset != NULL ? kb_asset_get_division_id (self->asset) : 0);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static void
data_toggled_cb (KbAssetDialog *self)
{
  if (self->backup != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->backup),
                              gtk_check_button_get_active (self->backed_up));
}

static void
backups_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) backups = kb_store_backups_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  KbAssetDialog *self;
  GtkWidget *row;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSET_DIALOG (user_data);
  if (backups == NULL)
    {
      show_error (self, error);
      g_clear_error (&error);
    }

  /* Only a backup proven restorable may stand for the data. */
  for (guint i = 0; backups != NULL && i < g_list_model_get_n_items (backups); i++)
    {
      g_autoptr(KbBackupRecord) backup = g_list_model_get_item (backups, i);
      gint64 id = kb_backup_record_get_id (backup);
      g_autofree char *made = NULL;

      if (kb_backup_record_get_verified_at (backup) == 0)
        continue;
      made = format_time (kb_backup_record_get_made_at (backup));
      /* Translators: a verified backup in a list, by when it was made */
      g_ptr_array_add (names, g_strdup_printf (_("Backup of %s"), made));
      g_array_append_val (ids, id);
    }
  fill_dropdown (self->backup, &self->backup_ids, names, ids, 0);
  row = g_hash_table_lookup (self->rows, KB_FIELD_BACKUP);
  if (ids->len == 0)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->backed_up), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->backup), FALSE);
      if (row != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     _("No verified backup is in the register yet"));
      /* "Not needed" is not chosen for the requester: they must say so. */
    }
  data_toggled_cb (self);
}

/* --- saving ---------------------------------------------------------------- */

static void
set_busy (KbAssetDialog *self,
          gboolean       busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->save_button, !busy);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = kb_store_asset_action_finish (KB_STORE (source), result, &error);
  KbAssetDialog *self;
  GtkWindow *parent;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSET_DIALOG (user_data);
  set_busy (self, FALSE);
  if (id == 0)
    {
      show_error (self, error);
      return;
    }
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent != NULL && KB_IS_WINDOW (parent))
    kb_window_toast (KB_WINDOW (parent), _("Saved and recorded in the journal"));
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * kb_asset_dialog_save:
 *
 * Sends the form to the store; on success the dialog closes, on an error
 * the field concerned says what is wrong and everything typed stays.
 */
void
kb_asset_dialog_save (KbAssetDialog *self)
{
  KbAssetAction a = { 0 };
  gint64 asset_id = self->asset != NULL ? kb_asset_get_id (self->asset) : 0;

  g_return_if_fail (KB_IS_ASSET_DIALOG (self));

  if (self->busy)
    return;
  clear_errors (self);

  a.asset_id = asset_id;
  switch (self->form)
    {
    case KB_ASSET_FORM_REGISTER:
    case KB_ASSET_FORM_EDIT:
      a.kind = KB_ASSET_ACTION_SAVE;
      a.change.id = asset_id;
      a.change.number = text_of (self, KB_FIELD_NUMBER);
      a.change.name = text_of (self, KB_FIELD_NAME);
      a.change.kind = (KbAssetKind) choice_of (self, KB_FIELD_KIND);
      a.change.classification = (int) choice_of (self, KB_FIELD_CLASSIFICATION) + 1;
      a.change.location = text_of (self, KB_FIELD_LOCATION);
      a.change.custodian_id = self->asset != NULL ? kb_asset_get_custodian_id (self->asset)
                                                  : selected_id (self->person, self->person_ids);
      a.change.division_id = selected_id (self->division, self->division_ids);
      a.change.acquired_on = text_of (self, KB_FIELD_ACQUIRED);
      a.change.status = choice_of (self, KB_FIELD_STATUS) == 1 ? KB_ASSET_STORED : KB_ASSET_IN_USE;
      a.change.holds_data = gtk_switch_get_active (self->holds_data);
      a.change.inventory_days = text_of (self, KB_FIELD_INVENTORY_DAYS);
      a.change.notes = text_of (self, KB_FIELD_NOTES);
      a.change.reason = text_of (self, KB_FIELD_REASON);
      break;
    case KB_ASSET_FORM_HAND_OVER:
      a.kind = KB_ASSET_ACTION_HAND_OVER;
      a.person_id = selected_id (self->person, self->person_ids);
      a.location = text_of (self, KB_FIELD_LOCATION);
      a.reason = text_of (self, KB_FIELD_REASON);
      break;
    case KB_ASSET_FORM_LEND:
      a.kind = KB_ASSET_ACTION_LEND;
      a.person_id = selected_id (self->person, self->person_ids);
      a.due_on = text_of (self, KB_FIELD_DUE);
      a.reason = text_of (self, KB_FIELD_REASON);
      break;
    case KB_ASSET_FORM_RETURN:
      a.kind = KB_ASSET_ACTION_RETURN;
      a.location = text_of (self, KB_FIELD_LOCATION);
      a.notes = text_of (self, KB_FIELD_NOTES);
      break;
    case KB_ASSET_FORM_CHECK:
      a.kind = KB_ASSET_ACTION_CHECK;
      a.person_id = selected_id (self->person, self->person_ids);
      a.location = text_of (self, KB_FIELD_LOCATION);
      a.condition = (KbAssetCondition) choice_of (self, KB_FIELD_CONDITION);
      a.notes = text_of (self, KB_FIELD_NOTES);
      break;
    case KB_ASSET_FORM_DISPOSE:
      a.kind = KB_ASSET_ACTION_REQUEST_DISPOSAL;
      a.reason = text_of (self, KB_FIELD_REASON);
      a.method = (KbDisposalMethod) choice_of (self, KB_FIELD_METHOD);
      if (!kb_asset_get_holds_data (self->asset))
        a.data = KB_DISPOSAL_DATA_NONE;
      else if (gtk_check_button_get_active (self->backed_up))
        {
          a.data = KB_DISPOSAL_DATA_BACKED_UP;
          a.backup_id = selected_id (self->backup, self->backup_ids);
        }
      else if (gtk_check_button_get_active (self->not_needed))
        a.data = KB_DISPOSAL_DATA_NOT_NEEDED;
      else
        {
          /* Neither chosen: the register would take "none" for an asset
           * that holds data, so the form refuses it first. */
          g_autoptr(GError) error = NULL;

          kb_set_field_error (&error, KB_FIELD_DATA, KB_FIELD_ERROR_EMPTY,
                              _("Say what becomes of the data it holds"));
          show_error (self, error);
          return;
        }
      break;
    default:
      g_return_if_reached ();
    }

  set_busy (self, TRUE);
  kb_store_asset_action_async (self->store, &a, self->cancellable, saved_cb, self);
}

/* --- construction ---------------------------------------------------------- */

static char *
asset_status_text (KbAsset *asset)
{
  if (kb_asset_get_status (asset) == KB_ASSET_LENT)
    return g_strdup_printf (_("Lent to %s until %s"),
                            kb_asset_get_borrower_name (asset) != NULL ? kb_asset_get_borrower_name (asset) : "",
                            kb_asset_get_due_on (asset) != NULL ? kb_asset_get_due_on (asset) : "");
  return g_strdup (kb_asset_status_get_label (kb_asset_get_status (asset)));
}

static char *
today_plus (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

static GtkWidget *
group_new (GtkWidget  *page,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

static void
build_facts (KbAssetDialog *self,
             GtkWidget     *page)
{
  KbAsset *a = self->asset;
  GtkWidget *facts = group_new (page, NULL, NULL);
  g_autofree char *title = g_strdup_printf ("%s  %s", kb_asset_get_number (a), kb_asset_get_name (a));
  g_autofree char *custodian = g_strdup_printf ("%s (%s)", kb_asset_get_custodian_name (a),
                                                kb_asset_get_division_name (a));
  g_autofree char *status = asset_status_text (a);

  add_info (self, facts, _("Asset"), title);
  add_info (self, facts, _("Custodian"), custodian);
  add_info (self, facts, _("Location"), kb_asset_get_location (a));
  add_info (self, facts, _("Status"), status);
}

static void
build_asset_form (KbAssetDialog *self,
                  GtkWidget     *page)
{
  KbAsset *a = self->asset;
  GtkWidget *what = group_new (page, _("The Asset"), NULL);
  GtkWidget *custody = group_new (page, _("Custody"), NULL);
  GtkWidget *row;
  const char *kinds[5], *classes[4];
  const char *statuses[] = { kb_asset_status_get_label (KB_ASSET_IN_USE),
                             kb_asset_status_get_label (KB_ASSET_STORED), NULL };
  g_autofree char *days = a != NULL ? g_strdup_printf ("%d", kb_asset_get_inventory_days (a)) : NULL;
  g_autofree char *today = today_plus (0);
  g_autofree char *default_days = g_strdup_printf ("%d", KB_ASSET_DEFAULT_INVENTORY_DAYS);

  for (guint i = 0; i < 4; i++)
    kinds[i] = kb_asset_kind_get_label (i);
  kinds[4] = NULL;
  for (guint i = 0; i < 3; i++)
    classes[i] = kb_asset_classification_get_label (i + 1);
  classes[3] = NULL;

  add_entry (self, what, KB_FIELD_NUMBER, _("Asset number"), a != NULL ? kb_asset_get_number (a) : NULL,
             "JK-PC-001", 16, KB_ASSET_MAX_NUMBER);
  add_entry (self, what, KB_FIELD_NAME, _("Name"), a != NULL ? kb_asset_get_name (a) : NULL,
             NULL, 28, KB_ASSET_MAX_NAME);
  add_choice (self, what, KB_FIELD_KIND, _("Kind"), kinds, a != NULL ? kb_asset_get_kind (a) : 0);
  add_choice (self, what, KB_FIELD_CLASSIFICATION, _("Classification"), classes,
              a != NULL ? kb_asset_get_classification (a) - 1 : 1);
  self->holds_data = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (self->holds_data, a != NULL && kb_asset_get_holds_data (a));
  row = add_row (self, what, KB_FIELD_HOLDS_DATA, _("Holds data"), GTK_WIDGET (self->holds_data));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Storage that may hold identity-confirmation information"));
  add_entry (self, what, KB_FIELD_ACQUIRED, _("Acquired"), a != NULL ? kb_asset_get_acquired_on (a) : NULL,
             today, 12, 10);

  if (a == NULL)
    {
      self->person = add_choice (self, custody, KB_FIELD_CUSTODIAN, _("Custodian"), NULL, 0);
      kb_store_list_async (self->reader, "operator", self->cancellable, operators_cb, self);
    }
  else
    {
      g_autofree char *custodian = g_strdup (kb_asset_get_custodian_name (a));

      add_info (self, custody, _("Custodian"), custodian);
    }
  self->division = add_choice (self, custody, KB_FIELD_DIVISION, _("Division"), NULL, 0);
  kb_store_list_async (self->reader, "division", self->cancellable, divisions_cb, self);
  add_entry (self, custody, KB_FIELD_LOCATION, _("Location"), a != NULL ? kb_asset_get_location (a) : NULL,
             NULL, 28, 0);
  if (a == NULL)
    add_choice (self, custody, KB_FIELD_STATUS, _("Status"), statuses, 0);
  add_entry (self, custody, KB_FIELD_INVENTORY_DAYS, _("Inventory check every (days)"), days,
             default_days, 6, 5);
  add_entry (self, custody, KB_FIELD_NOTES, _("Notes"), a != NULL ? kb_asset_get_notes (a) : NULL,
             NULL, 28, KB_ASSET_MAX_NOTES);
  if (a != NULL)
    {
      add_entry (self, custody, KB_FIELD_REASON, _("Reason for the correction"), NULL, NULL, 28, 0);
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (custody),
        _("A correction is kept beside the earlier facts in the journal, with its reason. "
          "The custodian changes by a hand-over, the status by its own actions."));
    }
}

static void
build_disposal_form (KbAssetDialog *self,
                     GtkWidget     *page)
{
  GtkWidget *group = group_new (page, _("Disposal Request"),
                                _("A security officer other than you approves or rejects it. "
                                  "Until then the asset stays in the register as it is."));
  const char *methods[5];
  GtkWidget *row;

  for (guint i = 0; i < 4; i++)
    methods[i] = kb_disposal_method_get_label (i);
  methods[4] = NULL;
  add_entry (self, group, KB_FIELD_REASON, _("Reason"), NULL, NULL, 28, 0);
  add_choice (self, group, KB_FIELD_METHOD, _("Method"), methods,
              kb_asset_get_kind (self->asset) == KB_ASSET_MEDIA ? KB_DISPOSAL_DEGAUSSING
                                                                : KB_DISPOSAL_SHREDDING);
  if (!kb_asset_get_holds_data (self->asset))
    return;

  group = group_new (page, _("Its Data"),
                     _("This asset holds data. Say where it is kept before the asset goes."));
  self->backed_up = GTK_CHECK_BUTTON (gtk_check_button_new ());
  self->not_needed = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_group (self->not_needed, self->backed_up);
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("A verified backup holds its data"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (self->backed_up));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->backed_up));
  self->backup = dropdown_new (NULL);
  gtk_widget_set_size_request (GTK_WIDGET (self->backup), 220, -1);
  gtk_widget_set_valign (GTK_WIDGET (self->backup), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->backup), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Backup"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->backup));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_hash_table_insert (self->rows, g_strdup (KB_FIELD_BACKUP), row);
  g_hash_table_insert (self->rows, g_strdup (KB_FIELD_DATA), row);
  g_hash_table_insert (self->choices, g_strdup (KB_FIELD_BACKUP), self->backup);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The data is not needed"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("It is erased with the asset and cannot be recovered"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (self->not_needed));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->not_needed));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_signal_connect_swapped (self->backed_up, "toggled", G_CALLBACK (data_toggled_cb), self);
  data_toggled_cb (self);
  kb_store_backups_async (self->reader, self->cancellable, backups_cb, self);
}

static void
build (KbAssetDialog *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  KbAsset *a = self->asset;
  const char *title = NULL, *button = _("_Save");
  int height = 680;

  switch (self->form)
    {
    case KB_ASSET_FORM_REGISTER:
      title = _("Register an Asset");
      button = _("_Register");
      height = 760;
      break;
    case KB_ASSET_FORM_EDIT:
      title = _("Correct an Asset");
      height = 760;
      break;
    case KB_ASSET_FORM_HAND_OVER:
      title = _("Hand Over an Asset");
      button = _("_Hand Over");
      break;
    case KB_ASSET_FORM_LEND:
      title = _("Lend an Asset");
      button = _("_Lend");
      break;
    case KB_ASSET_FORM_RETURN:
      title = _("Return of an Asset");
      button = _("_Record Return");
      height = 600;
      break;
    case KB_ASSET_FORM_CHECK:
      title = _("Inventory Check");
      button = _("_Record Check");
      break;
    case KB_ASSET_FORM_DISPOSE:
      title = _("Request Disposal");
      button = _("_Request");
      height = 760;
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 620, height);
  gtk_window_set_title (GTK_WINDOW (self), title);

  self->save_button = gtk_button_new_with_mnemonic (button);
  gtk_widget_add_css_class (self->save_button, self->form == KB_ASSET_FORM_DISPOSE
                                               ? "destructive-action" : "suggested-action");
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (toolbar), header);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (kb_asset_dialog_save), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (self->message), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->message), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->message), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->message));

  if (a != NULL && self->form != KB_ASSET_FORM_EDIT)
    build_facts (self, page);

  switch (self->form)
    {
    case KB_ASSET_FORM_REGISTER:
    case KB_ASSET_FORM_EDIT:
      build_asset_form (self, page);
      break;
    case KB_ASSET_FORM_HAND_OVER:
      {
        GtkWidget *group = group_new (page, _("Hand-over"),
                                      _("The new custodian keeps the asset from now on. "
                                        "The hand-over and its reason go into the asset’s history."));

        self->person = add_choice (self, group, KB_FIELD_CUSTODIAN, _("New custodian"), NULL, 0);
        add_entry (self, group, KB_FIELD_LOCATION, _("New location"), NULL,
                   kb_asset_get_location (a), 28, 0);
        add_entry (self, group, KB_FIELD_REASON, _("Reason"), NULL, NULL, 28, 0);
        kb_store_list_async (self->reader, "operator", self->cancellable, operators_cb, self);
      }
      break;
    case KB_ASSET_FORM_LEND:
      {
        GtkWidget *group = group_new (page, _("Loan"), _("The custodian stays responsible for it."));
        g_autofree char *due = today_plus (14);

        self->person = add_choice (self, group, KB_FIELD_BORROWER, _("Borrower"), NULL, 0);
        add_entry (self, group, KB_FIELD_DUE, _("Due back"), NULL, due, 12, 10);
        add_entry (self, group, KB_FIELD_REASON, _("Reason"), NULL, NULL, 28, 0);
        kb_store_list_async (self->reader, "operator", self->cancellable, operators_cb, self);
      }
      break;
    case KB_ASSET_FORM_RETURN:
      {
        GtkWidget *group = group_new (page, _("Return"), NULL);

        add_entry (self, group, KB_FIELD_LOCATION, _("Kept at"), kb_asset_get_location (a),
                   NULL, 28, 0);
        add_entry (self, group, KB_FIELD_NOTES, _("Notes"), NULL, NULL, 28, KB_ASSET_MAX_NOTES);
      }
      break;
    case KB_ASSET_FORM_CHECK:
      {
        GtkWidget *group = group_new (page, _("What Was Seen"),
                                      _("Record the asset as found. A missing asset is recorded as "
                                        "missing and its status is kept until it is cleared up."));
        const char *conditions[4];

        for (guint i = 0; i < 3; i++)
          conditions[i] = kb_asset_condition_get_label (i);
        conditions[3] = NULL;
        self->person = add_choice (self, group, KB_FIELD_SEEN_BY, _("Seen by"), NULL, 0);
        add_entry (self, group, KB_FIELD_LOCATION, _("Found at"), kb_asset_get_location (a),
                   NULL, 28, 0);
        add_choice (self, group, KB_FIELD_CONDITION, _("Condition"), conditions, 0);
        add_entry (self, group, KB_FIELD_NOTES, _("Notes"), NULL, NULL, 28, KB_ASSET_MAX_NOTES);
        kb_store_list_async (self->reader, "operator", self->cancellable, operators_cb, self);
      }
      break;
    case KB_ASSET_FORM_DISPOSE:
      build_disposal_form (self, page);
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
}

static void
kb_asset_dialog_dispose (GObject *object)
{
  KbAssetDialog *self = KB_ASSET_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  g_clear_object (&self->asset);
  G_OBJECT_CLASS (kb_asset_dialog_parent_class)->dispose (object);
}

static void
kb_asset_dialog_finalize (GObject *object)
{
  KbAssetDialog *self = KB_ASSET_DIALOG (object);

  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->entries);
  g_hash_table_unref (self->choices);
  g_clear_pointer (&self->person_ids, g_array_unref);
  g_clear_pointer (&self->division_ids, g_array_unref);
  g_clear_pointer (&self->backup_ids, g_array_unref);
  G_OBJECT_CLASS (kb_asset_dialog_parent_class)->finalize (object);
}

static void
kb_asset_dialog_class_init (KbAssetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_asset_dialog_dispose;
  object_class->finalize = kb_asset_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_asset_dialog_init (KbAssetDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * kb_asset_dialog_new:
 * @form: which form
 * @asset: (nullable): the asset it concerns; %NULL only to register one
 */
GtkWidget *
kb_asset_dialog_new (KbStore     *store,
                     KbStore     *reader,
                     KbSession   *session,
                     KbAssetForm  form,
                     KbAsset     *asset)
{
  KbAssetDialog *self;

  g_return_val_if_fail (KB_IS_STORE (store), NULL);
  g_return_val_if_fail (KB_IS_STORE (reader), NULL);
  g_return_val_if_fail ((form == KB_ASSET_FORM_REGISTER) == (asset == NULL), NULL);

  self = g_object_new (KB_TYPE_ASSET_DIALOG, NULL);
  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = session != NULL ? g_object_ref (session) : NULL;
  self->form = form;
  self->asset = asset != NULL ? g_object_ref (asset) : NULL;
  build (self);
  return GTK_WIDGET (self);
}

KbAssetForm
kb_asset_dialog_get_form (KbAssetDialog *self)
{
  return self->form;
}

void
kb_asset_dialog_set_field (KbAssetDialog *self,
                           const char    *field,
                           const char    *text)
{
  GtkEditable *entry = g_hash_table_lookup (self->entries, field);

  if (entry != NULL)
    gtk_editable_set_text (entry, text);
  else if (g_str_equal (field, KB_FIELD_HOLDS_DATA) && self->holds_data != NULL)
    gtk_switch_set_active (self->holds_data, g_str_equal (text, "yes") || g_str_equal (text, "1"));
  else if (g_str_equal (field, KB_FIELD_DATA) && self->backed_up != NULL)
    gtk_check_button_set_active (g_str_equal (text, "backup") ? self->backed_up : self->not_needed,
                                 TRUE);
}

/**
 * kb_asset_dialog_set_choice:
 * @field: a drop-down's field (%KB_ASSET_CHOICE_PERSON for the person)
 * @text: part of the choice's label, e.g. a staff number
 *
 * Returns: whether a choice matched
 */
gboolean
kb_asset_dialog_set_choice (KbAssetDialog *self,
                            const char    *field,
                            const char    *text)
{
  GtkDropDown *dropdown = g_str_equal (field, KB_ASSET_CHOICE_PERSON)
                          ? self->person : g_hash_table_lookup (self->choices, field);
  GListModel *model;

  if (dropdown == NULL)
    return FALSE;
  model = gtk_drop_down_get_model (dropdown);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const char *s = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

      if (s != NULL && strstr (s, text) != NULL)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
kb_asset_dialog_get_error (KbAssetDialog *self,
                           const char    *field)
{
  return kb_form_get_error (g_hash_table_lookup (self->rows, field));
}

const char *
kb_asset_dialog_get_message (KbAssetDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->message)))
    return NULL;
  return gtk_label_get_label (self->message);
}

gboolean
kb_asset_dialog_get_busy (KbAssetDialog *self)
{
  return self->busy;
}

/**
 * kb_asset_dialog_get_ready:
 *
 * Returns: whether the choices the form reads from the register have
 *   arrived
 */
gboolean
kb_asset_dialog_get_ready (KbAssetDialog *self)
{
  if (self->person != NULL && self->person_ids == NULL)
    return FALSE;
  if (self->division != NULL && self->division_ids == NULL)
    return FALSE;
  if (self->backup != NULL && self->backup_ids == NULL)
    return FALSE;
  return TRUE;
}

/* --- confirmations --------------------------------------------------------- */

static void
confirmation_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (kb_store_asset_action_finish (KB_STORE (source), result, &error) != 0)
    {
      if (KB_IS_WINDOW (parent))
        kb_window_toast (KB_WINDOW (parent), _("Saved and recorded in the journal"));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || parent == NULL ||
      !gtk_widget_get_realized (GTK_WIDGET (parent)))
    return;
  dialog = adw_message_dialog_new (parent, _("The Change Was Not Saved"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirmation_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          KbStore          *store)
{
  KbAssetAction *a = g_object_get_data (G_OBJECT (dialog), "action");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");
  GtkDropDown *status = g_object_get_data (G_OBJECT (dialog), "status");
  GArray *statuses = g_object_get_data (G_OBJECT (dialog), "statuses");
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (!g_str_equal (response, "apply"))
    return;
  a->reason = reason != NULL ? gtk_editable_get_text (reason) : NULL;
  if (status != NULL)
    a->status = g_array_index (statuses, KbAssetStatus, gtk_drop_down_get_selected (status));
  kb_store_asset_action_async (store, a, NULL, confirmation_done_cb,
                               parent != NULL ? g_object_ref (parent) : NULL);
}

static GtkWidget *
confirmation_new (GtkWindow     *parent,
                  KbStore       *store,
                  const char    *heading,
                  const char    *body,
                  const char    *apply,
                  gboolean       destructive,
                  KbAssetAction *action)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", apply,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                          : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "action", action, g_free);
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirmation_response_cb),
                         g_object_ref (store), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  return dialog;
}

/**
 * kb_asset_status_dialog_new:
 *
 * In use, stored, out for repair: the asset's status changes between
 * these, with a reason.
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWidget *
kb_asset_status_dialog_new (GtkWindow *parent,
                            KbStore   *store,
                            KbAsset   *asset)
{
  KbAssetAction *a = g_new0 (KbAssetAction, 1);
  KbAssetStatus all[] = { KB_ASSET_IN_USE, KB_ASSET_STORED, KB_ASSET_REPAIR };
  GArray *statuses = g_array_new (FALSE, FALSE, sizeof (KbAssetStatus));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *heading = g_strdup_printf (_("Change the Status of %s?"), kb_asset_get_number (asset));
  g_autofree char *body = g_strdup_printf (_("“%s” is now %s. The change and its reason go into "
                                             "the asset’s history."),
                                           kb_asset_get_name (asset),
                                           kb_asset_status_get_label (kb_asset_get_status (asset)));
  GtkWidget *dialog, *box, *dropdown;

  a->kind = KB_ASSET_ACTION_SET_STATUS;
  a->asset_id = kb_asset_get_id (asset);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (all[i] != kb_asset_get_status (asset))
      {
        g_array_append_val (statuses, all[i]);
        g_ptr_array_add (labels, (gpointer) kb_asset_status_get_label (all[i]));
      }
  g_ptr_array_add (labels, NULL);

  dialog = confirmation_new (parent, store, heading, body, _("_Change Status"), FALSE, a);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  dropdown = GTK_WIDGET (dropdown_new ((const char * const *) labels->pdata));
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New status"), -1);
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (GTK_BOX (box), kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "status", dropdown);
  g_object_set_data_full (G_OBJECT (dialog), "statuses", statuses, (GDestroyNotify) g_array_unref);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/**
 * kb_asset_decision_dialog_new:
 * @approve: approval (the reason is optional) or rejection (required)
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWidget *
kb_asset_decision_dialog_new (GtkWindow  *parent,
                              KbStore    *store,
                              KbAsset    *asset,
                              KbDisposal *disposal,
                              gboolean    approve)
{
  KbAssetAction *a = g_new0 (KbAssetAction, 1);
  g_autofree char *heading = NULL;
  g_autofree char *when = disposal != NULL ? format_time (disposal->requested_at) : g_strdup ("");
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  a->kind = KB_ASSET_ACTION_DECIDE_DISPOSAL;
  a->asset_id = kb_asset_get_id (asset);
  a->approve = approve;
  heading = g_strdup_printf (approve ? _("Approve the Disposal of %s?") : _("Reject the Disposal of %s?"),
                             kb_asset_get_number (asset));
  g_string_append_printf (body, "%s\n\n", kb_asset_get_name (asset));
  if (disposal != NULL)
    {
      g_string_append_printf (body, _("Requested by %s on %s: %s"),
                              disposal->requester_name, when, disposal->reason);
      g_string_append_c (body, '\n');
      g_string_append_printf (body, _("Method: %s"), kb_disposal_method_get_label (disposal->method));
      g_string_append_c (body, '\n');
      g_string_append_printf (body, _("Data: %s"), kb_disposal_data_get_label (disposal->data));
      g_string_append (body, "\n\n");
    }
  g_string_append (body, approve ? _("Once approved, the asset is recorded as disposed. "
                                     "This cannot be undone.")
                                 : _("The asset stays in the register as it is. The reason is "
                                     "recorded."));
  dialog = confirmation_new (parent, store, heading, body->str,
                             approve ? _("_Approve Disposal") : _("_Reject"), approve, a);
  if (!approve)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                        kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/**
 * kb_asset_import_problems_new:
 * @problems: (element-type KbImportProblem)
 *
 * Returns: (transfer none): the dialog, presented
 */
GtkWidget *
kb_asset_import_problems_new (GtkWindow  *parent,
                              const char *file_name,
                              GPtrArray  *problems)
{
  guint n = problems != NULL ? problems->len : 0;
  g_autofree char *body = NULL;
  GtkWidget *dialog, *scrolled, *list;

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s has %u problem. Nothing was imported: correct the file "
                                       "and import it again.",
                                       "%s has %u problems. Nothing was imported: correct the file "
                                       "and import it again.", n),
                          file_name, n);
  dialog = adw_message_dialog_new (parent, _("The List Was Not Imported"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < n; i++)
    {
      KbImportProblem *p = g_ptr_array_index (problems, i);
      g_autofree char *text = p->column != NULL
                              /* Translators: a problem of an imported file: line, column heading, message */
                              ? g_strdup_printf (_("Line %u, %s: %s"), p->line, p->column, p->message)
                              : g_strdup_printf (_("Line %u: %s"), p->line, p->message);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_list_box_append (GTK_LIST_BOX (list), label);
    }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_size_request (scrolled, 420, -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
