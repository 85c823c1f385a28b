/* kb-room-dialog.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recording an entry into the equipment room: which room, who (an
 * operator, or a visitor with their organisation), why, escorted by whom,
 * the key given, and when. The core checks every field; an error is shown
 * at the field it names, and nothing is written until all are right.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-admin.h"
#include "kb-error.h"
#include "kb-form.h"
#include "kb-room-dialog.h"
#include "kb-store-jobs.h"

struct _KbRoomDialog {
  AdwWindow parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  GCancellable  *cancellable;
  GStrv          rooms;         /* the rooms named before, most used first */

  GtkWidget     *save_button;
  GtkLabel      *message;
  GHashTable    *rows;          /* field name → AdwActionRow */

  GtkDropDown   *room;          /* the known rooms, then "Other room" */
  GtkWidget     *room_name_row;
  GtkEntry      *room_name;
  GtkSwitch     *visitor;
  GtkWidget     *person_row;
  GtkDropDown   *person;
  GtkWidget     *visitor_name_row;
  GtkEntry      *visitor_name;
  GtkWidget     *visitor_org_row;
  GtkEntry      *visitor_org;
  GtkDropDown   *escort;
  GArray        *operator_ids;  /* the person drop-down's */
  GArray        *escort_ids;    /* the escort drop-down's: 0 first, for none */
  GPtrArray     *staff_numbers; /* beside operator_ids */
  GtkEntry      *purpose;
  GtkEntry      *key;
  GtkEntry      *entered;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (KbRoomDialog, kb_room_dialog, ADW_TYPE_WINDOW)

/* --- rows ------------------------------------------------------------------ */

static GtkWidget *
add_row (KbRoomDialog *self,
         GtkWidget    *group,
         const char   *field,
         const char   *title,
         GtkWidget    *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names and organisations are shown as typed, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
  gtk_accessible_update_property (GTK_ACCESSIBLE (suffix), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (field != NULL)
    g_hash_table_insert (self->rows, g_strdup (field), row);
  return row;
}

static GtkEntry *
entry_new (const char *text,
           const char *placeholder,
           int         width,
           int         max_length)
{
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (entry, placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  /* As wide as the drop-downs, so that the column of fields lines up. */
  gtk_widget_set_size_request (GTK_WIDGET (entry), 260, -1);
  gtk_entry_set_max_length (entry, max_length);
  gtk_entry_set_activates_default (entry, TRUE);
  return entry;
}

static GtkDropDown *
dropdown_new (void)
{
  GtkDropDown *dropdown =
    GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)), NULL));
  GtkExpression *expr = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

  gtk_drop_down_set_expression (dropdown, expr);
  gtk_drop_down_set_enable_search (dropdown, TRUE);
  gtk_expression_unref (expr);
  gtk_widget_set_size_request (GTK_WIDGET (dropdown), 260, -1);
  return dropdown;
}

static gboolean
other_room (KbRoomDialog *self)
{
  return gtk_drop_down_get_selected (self->room) >= g_strv_length (self->rooms);
}

/* The row that shows an error about @field, as the form stands. */
static GtkWidget *
error_row (KbRoomDialog *self,
           const char   *field)
{
  if (g_str_equal (field, KB_FIELD_ROOM) && other_room (self))
    return self->room_name_row;
  if (g_str_equal (field, KB_FIELD_PERSON) && gtk_switch_get_active (self->visitor))
    return self->visitor_name_row;
  return g_hash_table_lookup (self->rows, field);
}

static void
clear_errors (KbRoomDialog *self)
{
  kb_form_clear_errors (self->rows, self->message);
}

static void
show_error (KbRoomDialog *self,
            GError       *error)
{
  const char *field = kb_field_error_get_field (error);

  kb_form_show_error_at (field != NULL ? error_row (self, field) : NULL, self->message, error);
}

static void
update_person (KbRoomDialog *self)
{
  gboolean visitor = gtk_switch_get_active (self->visitor);
  KbOperator *me = kb_session_get_operator (self->session);
  GtkStringList *escorts = GTK_STRING_LIST (gtk_drop_down_get_model (self->escort));

  gtk_widget_set_visible (self->person_row, !visitor);
  gtk_widget_set_visible (self->visitor_name_row, visitor);
  gtk_widget_set_visible (self->visitor_org_row, visitor);
  /* The first escort choice reads as what it means for each. */
  if (g_list_model_get_n_items (G_LIST_MODEL (escorts)) > 0)
    {
      const char *none[] = { visitor ? _("Choose an escort…") : _("None"), NULL };
      guint selected = gtk_drop_down_get_selected (self->escort);

      gtk_string_list_splice (escorts, 0, 1, none);
      gtk_drop_down_set_selected (self->escort, selected);
    }
  /* A visitor is usually escorted by whoever lets them in. */
  if (visitor && gtk_drop_down_get_selected (self->escort) == 0 && me != NULL &&
      self->escort_ids != NULL)
    for (guint i = 1; i < self->escort_ids->len; i++)
      if (g_array_index (self->escort_ids, gint64, i) == kb_operator_get_id (me))
        gtk_drop_down_set_selected (self->escort, i);
}

static void
update_room (KbRoomDialog *self)
{
  gtk_widget_set_visible (self->room_name_row, other_room (self));
}

/* --- choices --------------------------------------------------------------- */

static gint64
selected_id (GtkDropDown *dropdown,
             GArray      *ids)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (ids == NULL || i == GTK_INVALID_LIST_POSITION || i >= ids->len)
    return 0;
  return g_array_index (ids, gint64, i);
}

static void
operators_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  KbRoomDialog *self;
  KbOperator *me;
  guint mine = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ROOM_DIALOG (user_data);
  if (records == NULL)
    {
      show_error (self, error);
      return;
    }
  me = kb_session_get_operator (self->session);

  self->operator_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->escort_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->staff_numbers = g_ptr_array_new_with_free_func (g_free);
  g_array_set_size (self->escort_ids, 1);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);
      gint64 id = kb_operator_get_id (op);

      if (!kb_operator_get_active (op))
        continue;
      if (me != NULL && id == kb_operator_get_id (me))
        mine = self->operator_ids->len;
      g_ptr_array_add (names, g_strdup_printf ("%s %s", kb_operator_get_staff_number (op),
                                               kb_operator_get_name (op)));
      g_ptr_array_add (self->staff_numbers, g_strdup (kb_operator_get_staff_number (op)));
      g_array_append_val (self->operator_ids, id);
      g_array_append_val (self->escort_ids, id);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (GTK_STRING_LIST (gtk_drop_down_get_model (self->person)), 0, 0,
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->person, mine);

  {
    const char *none[] = { "", NULL };
    GtkStringList *escorts = GTK_STRING_LIST (gtk_drop_down_get_model (self->escort));

    gtk_string_list_splice (escorts, 0, 0, none);
    gtk_string_list_splice (escorts, 1, 0, (const char * const *) names->pdata);
    gtk_drop_down_set_selected (self->escort, 0);
  }
  update_person (self);
}

/* --- saving ---------------------------------------------------------------- */

typedef struct {
  KbRoomEntryChange change;
  char *room;
  char *visitor_name;
  char *visitor_org;
  char *purpose;
  char *entered;
  char *key_label;
} EnterJob;

static void
enter_job_free (gpointer data)
{
  EnterJob *job = data;

  g_free (job->room);
  g_free (job->visitor_name);
  g_free (job->visitor_org);
  g_free (job->purpose);
  g_free (job->entered);
  g_free (job->key_label);
  g_free (job);
}

static gpointer
enter_job (KbDb          *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  EnterJob *job = data;
  gint64 id = kb_room_enter (db, &job->change, error);

  return id != 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
set_busy (KbRoomDialog *self,
          gboolean      busy)
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
  gpointer done = kb_store_run_finish (KB_STORE (source), result, &error);
  KbRoomDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ROOM_DIALOG (user_data);
  set_busy (self, FALSE);
  if (done == NULL)
    {
      show_error (self, error);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static const char *
text_of (GtkEntry *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

/**
 * kb_room_dialog_save:
 *
 * Sends the form to the store; on success the dialog closes, on an error
 * the field concerned says what is wrong.
 */
void
kb_room_dialog_save (KbRoomDialog *self)
{
  EnterJob *job;
  gboolean visitor;

  if (self->busy)
    return;
  clear_errors (self);

  visitor = gtk_switch_get_active (self->visitor);
  job = g_new0 (EnterJob, 1);
  if (other_room (self))
    job->room = g_strdup (text_of (self->room_name));
  else
    job->room = g_strdup (self->rooms[gtk_drop_down_get_selected (self->room)]);
  if (visitor)
    {
      job->visitor_name = g_strdup (text_of (self->visitor_name));
      job->visitor_org = g_strdup (text_of (self->visitor_org));
    }
  else
    job->change.operator_id = selected_id (self->person, self->operator_ids);
  job->purpose = g_strdup (text_of (self->purpose));
  job->entered = g_strdup (text_of (self->entered));
  job->key_label = g_strdup (text_of (self->key));
  job->change.escort_id = selected_id (self->escort, self->escort_ids);
  job->change.room = job->room;
  job->change.visitor_name = job->visitor_name;
  job->change.visitor_org = job->visitor_org;
  job->change.purpose = job->purpose;
  job->change.entered = job->entered;
  job->change.key_label = job->key_label;

  set_busy (self, TRUE);
  kb_store_run_async (self->store, "room", enter_job, job, enter_job_free, NULL,
                      self->cancellable, saved_cb, self);
}

/* --- construction ---------------------------------------------------------- */

static void
build (KbRoomDialog *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *who = adw_preferences_group_new ();
  GtkWidget *why = adw_preferences_group_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *hhmm = g_date_time_format (now, "%H:%M");
  g_autoptr(GPtrArray) rooms = g_ptr_array_new ();
  GtkWidget *row;

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 720);
  gtk_window_set_title (GTK_WINDOW (self), _("Entry to the Equipment Room"));

  self->save_button = gtk_button_new_with_mnemonic (_("_Record"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (toolbar), header);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (kb_room_dialog_save), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (self->message), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->message));

  /* Where and who. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (who), _("Who Goes In"));
  for (guint i = 0; self->rooms[i] != NULL; i++)
    g_ptr_array_add (rooms, self->rooms[i]);
  g_ptr_array_add (rooms, (gpointer) _("Other room…"));
  g_ptr_array_add (rooms, NULL);
  self->room = GTK_DROP_DOWN (gtk_drop_down_new_from_strings ((const char * const *) rooms->pdata));
  gtk_widget_set_size_request (GTK_WIDGET (self->room), 260, -1);
  add_row (self, who, KB_FIELD_ROOM, _("Room"), GTK_WIDGET (self->room));
  self->room_name = entry_new (NULL, _("Name and building"), 8, KB_ROOM_MAX_ROOM);
  /* Not KB_FIELD_ROOM: error_row() sends room errors here when it shows. */
  self->room_name_row = add_row (self, who, "room-name", _("Room name"),
                                 GTK_WIDGET (self->room_name));

  self->visitor = GTK_SWITCH (gtk_switch_new ());
  row = add_row (self, who, NULL, _("Visitor"), GTK_WIDGET (self->visitor));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Someone who is not an operator, such as "
                                                       "a maintenance engineer"));
  /* This row's subtitle is a hint, not an error: it is not in self->rows. */

  self->person = dropdown_new ();
  self->person_row = add_row (self, who, KB_FIELD_PERSON, _("Operator"),
                              GTK_WIDGET (self->person));
  self->visitor_name = entry_new (NULL, NULL, 8, KB_MAX_NAME);
  self->visitor_name_row = add_row (self, who, KB_FIELD_VISITOR_NAME, _("Visitor’s name"),
                                    GTK_WIDGET (self->visitor_name));
  self->visitor_org = entry_new (NULL, _("Company and section"), 8, KB_ROOM_MAX_ORG);
  self->visitor_org_row = add_row (self, who, KB_FIELD_VISITOR_ORG, _("Organisation"),
                                   GTK_WIDGET (self->visitor_org));
  self->escort = dropdown_new ();
  add_row (self, who, KB_FIELD_ESCORT, _("Escort"), GTK_WIDGET (self->escort));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (who));

  /* Why, the key, and when. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (why), _("Purpose and Key"));
  self->purpose = entry_new (NULL, NULL, 8, KB_ROOM_MAX_PURPOSE);
  add_row (self, why, KB_FIELD_PURPOSE, _("Purpose"), GTK_WIDGET (self->purpose));
  self->key = entry_new (NULL, _("None"), 8, KB_ROOM_MAX_KEY);
  add_row (self, why, KB_FIELD_KEY, _("Key issued"), GTK_WIDGET (self->key));
  /* What the core parses, not a translated format. */
  self->entered = entry_new (hhmm, "09:30", 8, 16);
  row = add_row (self, why, KB_FIELD_ENTERED, _("Time in"), GTK_WIDGET (self->entered));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (why),
    _("The time is today’s unless a date is given (2026-11-25 16:40). Keepers record the exit "
      "from the log’s Inside Now list."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (why));

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);
  adw_window_set_content (ADW_WINDOW (self), toolbar);

  g_signal_connect_swapped (self->visitor, "notify::active", G_CALLBACK (update_person), self);
  g_signal_connect_swapped (self->room, "notify::selected", G_CALLBACK (update_room), self);
  update_room (self);
  update_person (self);
}

static void
kb_room_dialog_dispose (GObject *object)
{
  KbRoomDialog *self = KB_ROOM_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_room_dialog_parent_class)->dispose (object);
}

static void
kb_room_dialog_finalize (GObject *object)
{
  KbRoomDialog *self = KB_ROOM_DIALOG (object);

  g_hash_table_unref (self->rows);
  g_strfreev (self->rooms);
  g_clear_pointer (&self->operator_ids, g_array_unref);
  g_clear_pointer (&self->escort_ids, g_array_unref);
  g_clear_pointer (&self->staff_numbers, g_ptr_array_unref);
  G_OBJECT_CLASS (kb_room_dialog_parent_class)->finalize (object);
}

static void
kb_room_dialog_class_init (KbRoomDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_room_dialog_dispose;
  object_class->finalize = kb_room_dialog_finalize;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kb_room_dialog_init (KbRoomDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * kb_room_dialog_new:
 * @reader: where the operators are read from
 * @rooms: (nullable): the rooms named before, most used first
 */
GtkWidget *
kb_room_dialog_new (KbStore            *store,
                    KbStore            *reader,
                    KbSession          *session,
                    const char * const *rooms)
{
  KbRoomDialog *self = g_object_new (KB_TYPE_ROOM_DIALOG, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  self->rooms = rooms != NULL ? g_strdupv ((char **) rooms) : g_new0 (char *, 1);
  build (self);
  kb_store_list_async (self->reader, "operator", self->cancellable, operators_cb, self);
  return GTK_WIDGET (self);
}

static gboolean
select_staff (KbRoomDialog *self,
              GtkDropDown  *dropdown,
              guint         offset,
              const char   *staff)
{
  for (guint i = 0; self->staff_numbers != NULL && i < self->staff_numbers->len; i++)
    if (g_str_equal (g_ptr_array_index (self->staff_numbers, i), staff))
      {
        gtk_drop_down_set_selected (dropdown, i + offset);
        return TRUE;
      }
  return FALSE;
}

/**
 * kb_room_dialog_set_field:
 * @field: a KB_FIELD_… name: the text fields as typed; "room" picks a
 *   known room or types another; "person" and "escort" take a staff
 *   number ("" for no escort); "visitor" is "yes" or "no"
 *
 * Fills the form as a person would (tests, screenshots).
 *
 * Returns: whether @field is one of the form's
 */
gboolean
kb_room_dialog_set_field (KbRoomDialog *self,
                          const char   *field,
                          const char   *text)
{
  struct { const char *field; GtkEntry *entry; } entries[] = {
    { KB_FIELD_VISITOR_NAME, self->visitor_name }, { KB_FIELD_VISITOR_ORG, self->visitor_org },
    { KB_FIELD_PURPOSE, self->purpose }, { KB_FIELD_KEY, self->key },
    { KB_FIELD_ENTERED, self->entered },
  };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_str_equal (field, entries[i].field))
      {
        gtk_editable_set_text (GTK_EDITABLE (entries[i].entry), text);
        return TRUE;
      }
  if (g_str_equal (field, "visitor"))
    {
      gtk_switch_set_active (self->visitor, g_str_equal (text, "yes"));
      return TRUE;
    }
  if (g_str_equal (field, KB_FIELD_ROOM))
    {
      guint n = g_strv_length (self->rooms);

      for (guint i = 0; i < n; i++)
        if (g_str_equal (self->rooms[i], text))
          {
            gtk_drop_down_set_selected (self->room, i);
            return TRUE;
          }
      gtk_drop_down_set_selected (self->room, n);
      gtk_editable_set_text (GTK_EDITABLE (self->room_name), text);
      return TRUE;
    }
  if (g_str_equal (field, KB_FIELD_PERSON))
    return select_staff (self, self->person, 0, text);
  if (g_str_equal (field, KB_FIELD_ESCORT))
    {
      if (text[0] == '\0')
        {
          gtk_drop_down_set_selected (self->escort, 0);
          return TRUE;
        }
      return select_staff (self, self->escort, 1, text);
    }
  return FALSE;
}

const char *
kb_room_dialog_get_error (KbRoomDialog *self,
                          const char   *field)
{
  return kb_form_get_error (error_row (self, field));
}

gboolean
kb_room_dialog_get_busy (KbRoomDialog *self)
{
  return self->busy;
}

/**
 * kb_room_dialog_get_ready:
 *
 * Returns: whether the operators have arrived for the drop-downs
 */
gboolean
kb_room_dialog_get_ready (KbRoomDialog *self)
{
  return self->operator_ids != NULL;
}
