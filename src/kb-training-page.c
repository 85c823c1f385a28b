/* kb-training-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training (研修) as a page. Trainers and security officers keep it:
 * they schedule sessions, invite people, and mark a whole room's
 * attendance from the keyboard. Auditors read everything, supervisors
 * their division's status; everyone else sees their own status only.
 *
 * Two views: Sessions (a fiscal year's sessions, and the selected one's
 * attendance sheet) and Status (every operator's first-use and this
 * fiscal year's training, overdue in the error colour). Reminders for the
 * keepers sit above both.
 *
 * Marks typed on the sheet are collected and saved together, in one
 * kb_training_mark() (one transaction). Until then each changed row says
 * "Not saved", and the marks of each session are kept while another
 * session is looked at.
 *
 * What depends on who looks (status, reminders, attendees) is read
 * through the main store, which knows the signed-in operator; the list of
 * sessions through the reader.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-error.h"
#include "kb-label-cell.h"
#include "kb-store-jobs.h"
#include "kb-training-dialogs.h"
#include "kb-training-page.h"
#include "kb-window.h"

#define KB_ROLES_TRAINING_READERS (KB_ROLES_TRAINING_KEEPERS | KB_ROLE_AUDITOR | KB_ROLE_SUPERVISOR)

/* --- a status row as a list item --------------------------------------------- */

#define KB_TYPE_STATUS_ITEM (kb_status_item_get_type ())
G_DECLARE_FINAL_TYPE (KbStatusItem, kb_status_item, KB, STATUS_ITEM, GObject)

struct _KbStatusItem {
  GObject parent_instance;
  KbTrainingStatus *status;
};

G_DEFINE_FINAL_TYPE (KbStatusItem, kb_status_item, G_TYPE_OBJECT)

static void
kb_status_item_finalize (GObject *object)
{
  g_clear_pointer (&KB_STATUS_ITEM (object)->status, kb_training_status_free);
  G_OBJECT_CLASS (kb_status_item_parent_class)->finalize (object);
}

static void
kb_status_item_class_init (KbStatusItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kb_status_item_finalize;
}

static void
kb_status_item_init (KbStatusItem *self)
{
}

/* --- the page -------------------------------------------------------------- */

struct _KbTrainingPage {
  GtkBox parent_instance;

  KbStore        *store;
  KbStore        *reader;
  KbSession      *session;
  GCancellable   *cancellable;   /* the viewer's: cancelled when they go */
  GCancellable   *load;          /* the newest read of the sessions */
  GCancellable   *load_sheet;
  GCancellable   *load_status;

  GtkStack       *stack;         /* "refused" (own status) or "main" */
  AdwStatusPage  *own;
  GtkWidget      *reminders;
  GtkWidget      *remind_upcoming;
  GtkWidget      *remind_invite;
  GtkWidget      *remind_overdue;
  GtkWidget      *warning;       /* the sign-in warning, for whoever got one */
  AdwViewStack   *views;
  GtkLabel       *error_label;

  /* Sessions. */
  GtkDropDown    *fiscal_year;
  int             first_fy;      /* the drop-down's first year */
  GtkLabel       *count;
  GtkWidget      *schedule_button;
  GtkWidget      *cancel_button;
  GtkWidget      *policy_button;
  GtkColumnView  *sessions_view;
  GtkSingleSelection *selection; /* the column view's */
  GListStore     *sessions;      /* KbTraining, newest first */
  gint64          selected_id;

  GtkLabel       *detail_title;
  GtkLabel       *detail;
  GtkWidget      *sheet_box;
  GtkWidget      *invite_button;
  GtkWidget      *all_present_button;
  GtkWidget      *save_button;
  GtkLabel       *unsaved_label;
  GtkLabel       *sheet_hint;
  GtkListBox     *sheet;
  GListStore     *attendees;     /* KbAttendee */
  GHashTable     *pending;       /* training id → (operator id → mark) */
  gint64          sheet_training;

  /* Status. */
  GtkDropDown    *division;
  GArray         *division_ids;  /* beside the drop-down: 0 first, for all */
  GtkSwitch      *overdue_only;
  GtkLabel       *status_count;
  GtkColumnView  *status_view;
  GListStore     *statuses;      /* KbStatusItem */
  GtkColumnViewColumn *fy_column;

  KbTrainingReminders reminder_data;
  gint64          viewer;
  gboolean        keeper;
  gboolean        officer;
  gboolean        supervisor_only;
  gboolean        stale;
  guint           loading;       /* LOADING_…: the newest reads not arrived */
  guint           pending_jobs;  /* changes not finished */
};

G_DEFINE_FINAL_TYPE (KbTrainingPage, kb_training_page, GTK_TYPE_BOX)

/* A read replaced by a newer one is cancelled and never reports: one flag
 * per kind of read, not a count. */
enum {
  LOADING_SESSIONS = 1 << 0,
  LOADING_SHEET    = 1 << 1,
  LOADING_STATUS   = 1 << 2,
  LOADING_OWN      = 1 << 3,
};

static const char * const mark_keys = "plea";

/* --- formatting ------------------------------------------------------------ */

static char *
format_day (gint64 t)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t);

  return g_date_time_format (local, "%Y-%m-%d");
}

static char *
format_when (KbTraining *t)
{
  g_autoptr(GDateTime) s = g_date_time_new_from_unix_local (kb_training_get_starts_at (t));
  g_autoptr(GDateTime) e = g_date_time_new_from_unix_local (kb_training_get_ends_at (t));
  /* Translators: a training session's date, strftime format: "%Y-%m-%d (%a)"
   * gives 2026-04-10 (Fri) */
  g_autofree char *day = g_date_time_format (s, _("%Y-%m-%d (%a)"));
  g_autofree char *from = g_date_time_format (s, "%H:%M");
  g_autofree char *to = g_date_time_format (e, "%H:%M");

  return g_strdup_printf ("%s %s–%s", day, from, to);
}

/* Without the weekday: the column stays narrow enough for the title. */
static char *
cell_when (KbTraining *t)
{
  g_autoptr(GDateTime) s = g_date_time_new_from_unix_local (kb_training_get_starts_at (t));
  g_autoptr(GDateTime) e = g_date_time_new_from_unix_local (kb_training_get_ends_at (t));
  g_autofree char *from = g_date_time_format (s, "%Y-%m-%d %H:%M");
  g_autofree char *to = g_date_time_format (e, "%H:%M");

  return g_strdup_printf ("%s–%s", from, to);
}

static char *
cell_title (KbTraining *t)
{
  return g_strdup (kb_training_get_title (t));
}

static char *
cell_kind (KbTraining *t)
{
  return g_strdup (kb_training_kind_get_label (kb_training_get_kind (t)));
}

static char *
cell_place (KbTraining *t)
{
  return g_strdup (kb_training_get_place (t));
}

static char *
cell_trainer (KbTraining *t)
{
  return g_strdup (kb_training_get_trainer_name (t));
}

static char *
cell_counts (KbTraining *t)
{
  /* Translators: how many attended of how many invited, in the sessions list */
  return g_strdup_printf (_("%u / %u"), kb_training_get_n_attended (t),
                          kb_training_get_n_invited (t));
}

static char *
cell_status (KbTraining *t)
{
  return g_strdup (kb_session_status_get_label (kb_training_get_status (t)));
}

static gboolean
cell_training_active (KbTraining *t)
{
  return kb_training_get_status (t) != KB_SESSION_CANCELLED;
}

static char *
cell_staff (KbStatusItem *item)
{
  return g_strdup (item->status->staff_number);
}

static char *
cell_name (KbStatusItem *item)
{
  return g_strdup (item->status->name);
}

static char *
cell_division (KbStatusItem *item)
{
  return g_strdup (item->status->division_name);
}

static char *
done_text (gboolean done,
           gint64   at)
{
  g_autofree char *day = NULL;

  if (!done)
    return g_strdup ("✗");
  day = at != 0 ? format_day (at) : g_strdup ("");
  return g_strdup_printf ("✓ %s", day);
}

static char *
cell_first_use (KbStatusItem *item)
{
  return done_text (item->status->first_use_done, item->status->first_use_at);
}

static char *
cell_this_year (KbStatusItem *item)
{
  g_autofree char *text = done_text (item->status->this_year_done, item->status->this_year_at);

  if (!item->status->this_year_done && item->status->invited_this_year)
    /* Translators: not trained this fiscal year, but invited to a session */
    return g_strdup_printf (_("%s (invited)"), text);
  return g_steal_pointer (&text);
}

static char *
cell_overdue (KbStatusItem *item)
{
  return g_strdup (item->status->overdue ? _("Overdue") : "");
}

static gboolean
cell_status_active (KbStatusItem *item)
{
  return TRUE;
}

/* Overdue rows in the error colour: after the label cell's own bind. */
static void
overdue_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  KbStatusItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);

  if (item != NULL && item->status->overdue)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

/* --- errors and busy ------------------------------------------------------- */

static void
show_error (KbTrainingPage *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static GtkWindow *
page_window (KbTrainingPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
page_toast (KbTrainingPage *self,
            const char     *message)
{
  GtkWindow *window = page_window (self);

  if (KB_IS_WINDOW (window))
    kb_window_toast (KB_WINDOW (window), message);
}

static int
current_fy (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  return kb_fiscal_year_of (&date);
}

static int
selected_fy (KbTrainingPage *self)
{
  return self->first_fy + (int) gtk_drop_down_get_selected (self->fiscal_year);
}

/* --- the attendance sheet ---------------------------------------------------- */

static GHashTable *
pending_of (KbTrainingPage *self,
            gint64          training_id,
            gboolean        create)
{
  GHashTable *marks = g_hash_table_lookup (self->pending, &training_id);

  if (marks == NULL && create)
    {
      gint64 *key = g_new (gint64, 1);

      *key = training_id;
      marks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      g_hash_table_insert (self->pending, key, marks);
    }
  return marks;
}

static KbTraining *
selected_training (KbTrainingPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static gboolean
can_mark (KbTrainingPage *self)
{
  KbTraining *t = selected_training (self);

  return self->keeper && t != NULL && kb_training_get_status (t) != KB_SESSION_CANCELLED &&
         kb_training_get_starts_at (t) <= g_get_real_time () / G_USEC_PER_SEC;
}

static KbAttendanceMark
shown_mark (KbTrainingPage *self,
            KbAttendee     *a)
{
  GHashTable *marks = pending_of (self, self->sheet_training, FALSE);
  gint64 id = kb_attendee_get_operator_id (a);
  gpointer mark;

  if (marks != NULL && g_hash_table_lookup_extended (marks, &id, NULL, &mark))
    return GPOINTER_TO_INT (mark);
  return kb_attendee_get_mark (a);
}

static void
update_unsaved (KbTrainingPage *self)
{
  guint n = kb_training_page_get_n_unsaved (self);

  if (n > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u mark not saved",
                                                            "%u marks not saved", n), n);

      gtk_label_set_label (self->unsaved_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->unsaved_label), n > 0);
  gtk_widget_set_sensitive (self->save_button, n > 0 && self->pending_jobs == 0);
}

static void
update_row (KbTrainingPage *self,
            GtkWidget      *row)
{
  KbAttendee *a = g_object_get_data (G_OBJECT (row), "attendee");
  GtkToggleButton **buttons = g_object_get_data (G_OBJECT (row), "buttons");
  GtkWidget *unsaved = g_object_get_data (G_OBJECT (row), "unsaved");
  KbAttendanceMark mark = shown_mark (self, a);

  g_object_set_data (G_OBJECT (row), "updating", GINT_TO_POINTER (TRUE));
  for (guint i = 0; i < 4; i++)
    {
      gboolean on = mark == (KbAttendanceMark) (i + 1);

      gtk_toggle_button_set_active (buttons[i], on);
      /* A flat toggle's checked state is too faint to read a room by. */
      if (on)
        {
          gtk_widget_remove_css_class (GTK_WIDGET (buttons[i]), "flat");
          gtk_widget_add_css_class (GTK_WIDGET (buttons[i]), i == 3 ? "destructive-action"
                                                                    : "suggested-action");
        }
      else
        {
          gtk_widget_add_css_class (GTK_WIDGET (buttons[i]), "flat");
          gtk_widget_remove_css_class (GTK_WIDGET (buttons[i]), "suggested-action");
          gtk_widget_remove_css_class (GTK_WIDGET (buttons[i]), "destructive-action");
        }
    }
  g_object_set_data (G_OBJECT (row), "updating", NULL);
  gtk_widget_set_visible (unsaved, mark != kb_attendee_get_mark (a));
}

static void
set_row_mark (KbTrainingPage   *self,
              GtkWidget        *row,
              KbAttendanceMark  mark)
{
  KbAttendee *a = g_object_get_data (G_OBJECT (row), "attendee");
  GHashTable *marks = pending_of (self, self->sheet_training, TRUE);
  gint64 id = kb_attendee_get_operator_id (a);

  if (mark == kb_attendee_get_mark (a) || mark == KB_MARK_NONE)
    g_hash_table_remove (marks, &id);
  else
    {
      gint64 *key = g_new (gint64, 1);

      *key = id;
      g_hash_table_insert (marks, key, GINT_TO_POINTER (mark));
    }
  update_row (self, row);
  update_unsaved (self);
}

static void
mark_toggled_cb (GtkToggleButton *button,
                 KbTrainingPage  *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "row");
  KbAttendanceMark mark = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "mark"));

  if (g_object_get_data (G_OBJECT (row), "updating") != NULL)
    return;
  if (gtk_toggle_button_get_active (button))
    set_row_mark (self, row, mark);
  else
    /* Toggling the shown mark off goes back to what is saved. */
    set_row_mark (self, row, kb_attendee_get_mark (g_object_get_data (G_OBJECT (row), "attendee")));
}

static GtkWidget *
sheet_row_new (gpointer item,
               gpointer user_data)
{
  KbTrainingPage *self = user_data;
  KbAttendee *a = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *staff = gtk_label_new (kb_attendee_get_staff_number (a));
  GtkWidget *name = gtk_label_new (kb_attendee_get_name (a));
  GtkWidget *division = gtk_label_new (kb_attendee_get_division_name (a));
  GtkWidget *unsaved = gtk_label_new (_("Not saved"));
  GtkWidget *marks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkToggleButton **buttons = g_new0 (GtkToggleButton *, 4);
  g_autofree char *label = g_strdup_printf ("%s %s", kb_attendee_get_staff_number (a),
                                            kb_attendee_get_name (a));
  /* Translators: the buttons of the attendance sheet; the letter in
   * brackets is the key that sets the mark, which stays P, L, E, A */
  const char *titles[] = { _("Present (P)"), _("Late (L)"), _("Excused (E)"), _("Absent (A)") };

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (staff), 0);
  gtk_widget_set_size_request (staff, 70, -1);
  gtk_widget_add_css_class (staff, "numeric");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_size_request (name, 120, -1);
  gtk_label_set_xalign (GTK_LABEL (division), 0);
  gtk_label_set_ellipsize (GTK_LABEL (division), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (division, TRUE);
  gtk_widget_add_css_class (division, "dim-label");
  gtk_widget_add_css_class (unsaved, "accent");
  gtk_widget_add_css_class (unsaved, "caption-heading");
  gtk_box_append (GTK_BOX (box), staff);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), division);
  gtk_box_append (GTK_BOX (box), unsaved);

  gtk_widget_add_css_class (marks, "linked");
  gtk_widget_set_valign (marks, GTK_ALIGN_CENTER);
  for (guint i = 0; i < 4; i++)
    {
      GtkWidget *b = gtk_toggle_button_new_with_label (kb_attendance_mark_get_label (i + 1));

      /* The row takes the focus, and P, L, E, A: a whole room is marked
       * with one hand, without tabbing through four buttons a row. */
      gtk_widget_set_focusable (b, FALSE);
      gtk_widget_set_tooltip_text (b, titles[i]);
      gtk_widget_set_sensitive (b, can_mark (self));
      gtk_widget_add_css_class (b, "flat");
      g_object_set_data (G_OBJECT (b), "row", row);
      g_object_set_data (G_OBJECT (b), "mark", GINT_TO_POINTER (i + 1));
      g_signal_connect (b, "toggled", G_CALLBACK (mark_toggled_cb), self);
      gtk_box_append (GTK_BOX (marks), b);
      buttons[i] = GTK_TOGGLE_BUTTON (b);
    }
  gtk_box_append (GTK_BOX (box), marks);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (row), "attendee", g_object_ref (a), g_object_unref);
  g_object_set_data_full (G_OBJECT (row), "buttons", buttons, g_free);
  g_object_set_data (G_OBJECT (row), "unsaved", unsaved);
  update_row (self, row);
  return row;
}

static GtkWidget *
focused_row (KbTrainingPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW) : NULL;

  if (row == NULL || gtk_widget_get_parent (row) != GTK_WIDGET (self->sheet))
    return NULL;
  return row;
}

static gboolean
sheet_key_cb (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              KbTrainingPage        *self)
{
  GtkWidget *row;
  const char *key;
  KbAttendanceMark mark;
  int index;
  GtkListBoxRow *next;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0 || !can_mark (self))
    return FALSE;
  row = focused_row (self);
  if (row == NULL)
    return FALSE;
  keyval = gdk_keyval_to_lower (keyval);
  if (keyval == GDK_KEY_BackSpace || keyval == GDK_KEY_Delete)
    {
      /* Back to what is saved. */
      set_row_mark (self, row, KB_MARK_NONE);
      return TRUE;
    }
  if (keyval > 0x7f || keyval == 0 || (key = strchr (mark_keys, (int) keyval)) == NULL)
    return FALSE;
  mark = (KbAttendanceMark) (key - mark_keys + 1);
  set_row_mark (self, row, mark);
  index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  next = gtk_list_box_get_row_at_index (self->sheet, index + 1);
  if (next != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (next));
  return TRUE;
}

static void
update_detail (KbTrainingPage *self)
{
  KbTraining *t = selected_training (self);
  g_autofree char *when = NULL;
  g_autofree char *fy = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean cancelled;

  gtk_widget_set_visible (self->sheet_box, t != NULL);
  gtk_widget_set_sensitive (self->cancel_button, t != NULL &&
                            kb_training_get_status (t) == KB_SESSION_PLANNED);
  if (t == NULL)
    return;
  cancelled = kb_training_get_status (t) == KB_SESSION_CANCELLED;
  when = format_when (t);
  fy = kb_fiscal_year_label (kb_training_get_fiscal_year (t), FALSE);
  gtk_label_set_label (self->detail_title, kb_training_get_title (t));
  /* Translators: a session's details: kind, fiscal year, status; when
   * and where; the trainer and the audience */
  g_string_append_printf (text, _("%s, %s, %s"), kb_training_kind_get_label (kb_training_get_kind (t)),
                          fy, kb_session_status_get_label (kb_training_get_status (t)));
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("%s at %s"), when, kb_training_get_place (t));
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Trainer: %s  ·  Audience: %s"), kb_training_get_trainer_name (t),
                          kb_training_audience_get_label (kb_training_get_audience (t)));
  if (kb_training_get_materials (t) != NULL && kb_training_get_materials (t)[0] != '\0')
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Materials: %s"), kb_training_get_materials (t));
    }
  gtk_label_set_label (self->detail, text->str);

  gtk_widget_set_visible (self->invite_button, self->keeper);
  gtk_widget_set_sensitive (self->invite_button, !cancelled);
  gtk_widget_set_visible (self->all_present_button, self->keeper);
  gtk_widget_set_visible (self->save_button, self->keeper);
  gtk_widget_set_sensitive (self->all_present_button, can_mark (self));
  if (!self->keeper)
    gtk_label_set_label (self->sheet_hint, "");
  else if (cancelled)
    gtk_label_set_label (self->sheet_hint, _("The session was cancelled."));
  else if (!can_mark (self))
    gtk_label_set_label (self->sheet_hint,
                         _("Attendance can be marked once the session has started."));
  else
    gtk_label_set_label (self->sheet_hint,
                         _("Up and Down move between people; P, L, E or A marks present, late, "
                           "excused or absent and moves on; Backspace undoes a mark not saved; "
                           "Ctrl+S saves."));
  gtk_widget_set_visible (GTK_WIDGET (self->sheet_hint),
                          gtk_label_get_label (self->sheet_hint)[0] != '\0');
}

static gpointer
attendees_job (KbDb          *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  return kb_training_attendees (db, *(gint64 *) data, error);
}

static void
attendees_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) attendees = kb_store_run_finish (KB_STORE (source), result, &error);
  KbTrainingPage *self;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTable *marks;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_PAGE (user_data);
  self->loading &= ~LOADING_SHEET;
  if (attendees == NULL)
    {
      show_error (self, error->message);
      return;
    }
  marks = pending_of (self, self->sheet_training, FALSE);
  for (guint i = 0; i < g_list_model_get_n_items (attendees); i++)
    {
      KbAttendee *a = g_list_model_get_item (attendees, i);
      gint64 id = kb_attendee_get_operator_id (a);
      gpointer mark;

      /* A typed mark the register now holds is saved. */
      if (marks != NULL && g_hash_table_lookup_extended (marks, &id, NULL, &mark) &&
          GPOINTER_TO_INT (mark) == (int) kb_attendee_get_mark (a))
        g_hash_table_remove (marks, &id);
      g_ptr_array_add (items, a);
    }
  g_list_store_splice (self->attendees, 0, g_list_model_get_n_items (G_LIST_MODEL (self->attendees)),
                       items->pdata, items->len);
  update_unsaved (self);
}

static void
reload_sheet (KbTrainingPage *self)
{
  KbTraining *t = selected_training (self);
  gint64 *id;

  g_cancellable_cancel (self->load_sheet);
  g_clear_object (&self->load_sheet);
  if (t == NULL || self->viewer == 0)
    {
      self->sheet_training = 0;
      self->loading &= ~LOADING_SHEET;
      g_list_store_remove_all (self->attendees);
      update_unsaved (self);
      return;
    }
  if (kb_training_get_id (t) != self->sheet_training)
    {
      self->sheet_training = kb_training_get_id (t);
      g_list_store_remove_all (self->attendees);
    }
  self->load_sheet = g_cancellable_new ();
  id = g_new (gint64, 1);
  *id = self->sheet_training;
  self->loading |= LOADING_SHEET;
  kb_store_run_async (self->store, NULL, attendees_job, id, g_free, g_object_unref,
                      self->load_sheet, attendees_cb, self);
}

static void
selection_changed_cb (KbTrainingPage *self)
{
  KbTraining *t = selected_training (self);

  self->selected_id = t != NULL ? kb_training_get_id (t) : 0;
  update_detail (self);
  reload_sheet (self);
}

/* --- reading the sessions ---------------------------------------------------- */

typedef struct {
  gint64 from;
  gint64 to;
} ListJob;

static gpointer
sessions_job (KbDb          *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  ListJob *job = data;

  return kb_training_list (db, job->from, job->to, error);
}

static void
sessions_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) list = kb_store_run_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *count = NULL;
  KbTrainingPage *self;
  guint n, select = GTK_INVALID_LIST_POSITION;
  gint64 keep;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_PAGE (user_data);
  self->loading &= ~LOADING_SESSIONS;
  if (list == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  /* Newest first. */
  n = g_list_model_get_n_items (list);
  for (guint i = n; i > 0; i--)
    g_ptr_array_add (items, g_list_model_get_item (list, i - 1));
  keep = self->selected_id;
  for (guint i = 0; i < items->len; i++)
    if (kb_training_get_id (g_ptr_array_index (items, i)) == keep)
      select = i;
  g_list_store_splice (self->sessions, 0, g_list_model_get_n_items (G_LIST_MODEL (self->sessions)),
                       items->pdata, items->len);
  if (select == GTK_INVALID_LIST_POSITION && items->len > 0)
    select = 0;
  gtk_single_selection_set_selected (self->selection, select);
  /* The same session is a new object: its counts may have changed. */
  selection_changed_cb (self);

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session", "%u sessions", n), n);
  gtk_label_set_label (self->count, count);
}

static void
reload_sessions (KbTrainingPage *self)
{
  ListJob *job;
  GDate first, last;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  if (self->viewer == 0 || gtk_drop_down_get_selected (self->fiscal_year) == GTK_INVALID_LIST_POSITION)
    return;
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  self->load = g_cancellable_new ();
  kb_fiscal_year_bounds (selected_fy (self), &first, &last);
  start = g_date_time_new_local (g_date_get_year (&first), g_date_get_month (&first),
                                 g_date_get_day (&first), 0, 0, 0);
  end = g_date_time_new_local (g_date_get_year (&last), g_date_get_month (&last),
                               g_date_get_day (&last), 0, 0, 0);
  job = g_new0 (ListJob, 1);
  job->from = g_date_time_to_unix (start);
  job->to = g_date_time_to_unix (end) + 24 * 60 * 60;
  self->loading |= LOADING_SESSIONS;
  kb_store_run_async (self->reader, NULL, sessions_job, job, g_free, g_object_unref, self->load,
                      sessions_cb, self);
}

/* --- reading the status ------------------------------------------------------ */

typedef struct {
  gint64 division_id;
  gboolean only_overdue;
  KbTrainingReminders reminders;
  gboolean with_reminders;
  GPtrArray *statuses;
} StatusJob;

static void
status_job_free (gpointer data)
{
  StatusJob *job = data;

  kb_training_reminders_clear (&job->reminders);
  g_clear_pointer (&job->statuses, g_ptr_array_unref);
  g_free (job);
}

/* The job's data is freed when it ends: the result is a copy of its own. */
static gpointer
status_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  StatusJob *job = data;
  g_autoptr(GPtrArray) statuses = NULL;
  StatusJob *result;

  statuses = kb_training_status_list (db, job->division_id, job->only_overdue, NULL, error);
  if (statuses == NULL)
    return NULL;
  result = g_new0 (StatusJob, 1);
  result->with_reminders = job->with_reminders;
  result->statuses = g_steal_pointer (&statuses);
  if (job->with_reminders && !kb_training_reminders (db, NULL, &result->reminders, error))
    {
      status_job_free (result);
      return NULL;
    }
  return result;
}

static void
set_reminder (GtkWidget  *button,
              guint       n,
              const char *text)
{
  gtk_button_set_label (GTK_BUTTON (button), text);
  gtk_widget_set_visible (button, n > 0);
}

static void
update_reminders (KbTrainingPage *self)
{
  KbTrainingReminders *r = &self->reminder_data;
  guint upcoming = r->upcoming != NULL ? r->upcoming->len : 0;
  g_autofree char *fy = kb_fiscal_year_label (current_fy (), FALSE);
  g_autofree char *a = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u session in the next two weeks",
                                                     "%u sessions in the next two weeks", upcoming),
                                        upcoming);
  /* Translators: the second %s is a fiscal year, "FY2026" */
  g_autofree char *b = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u operator not invited to %s training",
                                                     "%u operators not invited to %s training",
                                                     r->n_not_invited),
                                        r->n_not_invited, fy);
  g_autofree char *c = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u overdue", "%u overdue",
                                                     r->n_overdue), r->n_overdue);

  set_reminder (self->remind_upcoming, upcoming, a);
  set_reminder (self->remind_invite, r->n_not_invited, b);
  set_reminder (self->remind_overdue, r->n_overdue, c);
  gtk_widget_set_visible (self->reminders, self->keeper &&
                          (upcoming > 0 || r->n_not_invited > 0 || r->n_overdue > 0));
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  StatusJob *job = kb_store_run_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *count = NULL;
  KbTrainingPage *self;
  guint overdue = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_PAGE (user_data);
  self->loading &= ~LOADING_STATUS;
  if (job == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  for (guint i = 0; i < job->statuses->len; i++)
    {
      KbStatusItem *item = g_object_new (KB_TYPE_STATUS_ITEM, NULL);

      /* Taken from the array, which frees what is left in it. */
      item->status = g_steal_pointer (&job->statuses->pdata[i]);
      overdue += item->status->overdue;
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->statuses, 0, g_list_model_get_n_items (G_LIST_MODEL (self->statuses)),
                       items->pdata, items->len);
  /* Translators: people in the training status list, and how many of them are overdue */
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person, %u overdue",
                                        "%u people, %u overdue", items->len), items->len, overdue);
  gtk_label_set_label (self->status_count, count);
  if (job->with_reminders)
    {
      kb_training_reminders_clear (&self->reminder_data);
      self->reminder_data = job->reminders;
      memset (&job->reminders, 0, sizeof job->reminders);
      update_reminders (self);
    }
  status_job_free (job);
}

static void
reload_status (KbTrainingPage *self)
{
  StatusJob *job;
  guint division = gtk_drop_down_get_selected (self->division);

  if (self->viewer == 0 || gtk_stack_get_visible_child_name (self->stack) == NULL ||
      !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    return;
  g_cancellable_cancel (self->load_status);
  g_clear_object (&self->load_status);
  self->load_status = g_cancellable_new ();
  job = g_new0 (StatusJob, 1);
  if (division != GTK_INVALID_LIST_POSITION && division < self->division_ids->len)
    job->division_id = g_array_index (self->division_ids, gint64, division);
  else if (self->supervisor_only)
    {
      KbOperator *me = kb_session_get_operator (self->session);

      job->division_id = me != NULL ? kb_operator_get_division_id (me) : 0;
    }
  job->only_overdue = gtk_switch_get_active (self->overdue_only);
  job->with_reminders = self->keeper;
  self->loading |= LOADING_STATUS;
  kb_store_run_async (self->store, NULL, status_job, job, status_job_free, status_job_free,
                      self->load_status, status_cb, self);
}

static void
reload (KbTrainingPage *self)
{
  reload_sessions (self);
  reload_status (self);
}

/* --- one's own status -------------------------------------------------------- */

static gpointer
own_job (KbDb          *db,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  return kb_training_status_of (db, *(gint64 *) data, NULL, error);
}

static void
own_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbTrainingStatus) status = kb_store_run_finish (KB_STORE (source), result, &error);
  g_autofree char *fy = kb_fiscal_year_label (current_fy (), FALSE);
  g_autofree char *first = NULL;
  g_autofree char *year = NULL;
  g_autofree char *text = NULL;
  const char *warning;
  KbTrainingPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_PAGE (user_data);
  self->loading &= ~LOADING_OWN;
  if (status == NULL)
    {
      adw_status_page_set_description (self->own, error->message);
      return;
    }
  if (status->first_use_done)
    {
      g_autofree char *day = format_day (status->first_use_at);

      first = g_strdup_printf (_("First-use training: done on %s"), day);
    }
  else
    first = g_strdup (_("First-use training: not yet"));
  if (status->this_year_done)
    {
      g_autofree char *day = format_day (status->this_year_at);

      /* Translators: %s is a fiscal year, "FY2026" */
      year = g_strdup_printf (_("%s training: done on %s"), fy, day);
    }
  else
    year = g_strdup_printf (status->invited_this_year ? _("%s training: not yet (you are invited)")
                                                      : _("%s training: not yet"), fy);
  warning = kb_session_get_training_warning (self->session);
  text = g_strdup_printf ("%s\n%s%s%s", first, year,
                          status->overdue ? "\n\n" : "",
                          status->overdue ? (warning != NULL && warning[0] != '\0'
                                               ? warning
                                               : _("Your training is overdue: ask a trainer."))
                                          : "");
  adw_status_page_set_description (self->own, text);
  adw_status_page_set_icon_name (self->own, status->overdue ? "dialog-warning-symbolic"
                                                            : "emblem-ok-symbolic");
}

/* --- writing ----------------------------------------------------------------- */

typedef struct {
  gint64 training_id;
  GArray *ids;
  GArray *marks;
} MarkJob;

static void
mark_job_free (gpointer data)
{
  MarkJob *job = data;

  g_array_unref (job->ids);
  g_array_unref (job->marks);
  g_free (job);
}

static gpointer
mark_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  MarkJob *job = data;

  if (!kb_training_mark (db, job->training_id, (const gint64 *) job->ids->data,
                         (const KbAttendanceMark *) job->marks->data, job->ids->len, error))
    return NULL;
  return GUINT_TO_POINTER (job->ids->len);
}

static void
marked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint n = GPOINTER_TO_UINT (kb_store_run_finish (KB_STORE (source), result, &error));
  KbTrainingPage *self;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_TRAINING_PAGE (user_data);
  self->pending_jobs--;
  update_unsaved (self);
  if (n == 0)
    {
      /* The marks stay on the sheet, not saved. */
      show_error (self, error->message);
      return;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u mark saved and recorded in the journal",
                                       "%u marks saved and recorded in the journal", n), n);
  page_toast (self, text);
  /* KbStore::changed reloads the sheet. */
}

/**
 * kb_training_page_save_attendance:
 *
 * Saves every mark typed on the selected session's sheet, in one change.
 */
void
kb_training_page_save_attendance (KbTrainingPage *self)
{
  GHashTable *marks = pending_of (self, self->sheet_training, FALSE);
  GHashTableIter iter;
  gpointer key, value;
  MarkJob *job;

  if (!self->keeper || marks == NULL || g_hash_table_size (marks) == 0 || self->pending_jobs > 0)
    return;
  show_error (self, NULL);
  job = g_new0 (MarkJob, 1);
  job->training_id = self->sheet_training;
  job->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  job->marks = g_array_new (FALSE, FALSE, sizeof (KbAttendanceMark));
  g_hash_table_iter_init (&iter, marks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KbAttendanceMark mark = GPOINTER_TO_INT (value);

      g_array_append_val (job->ids, *(gint64 *) key);
      g_array_append_val (job->marks, mark);
    }
  self->pending_jobs++;
  update_unsaved (self);
  kb_store_run_async (self->store, "attendance", mark_job, job, mark_job_free, NULL,
                      self->cancellable, marked_cb, self);
}

/**
 * kb_training_page_mark_unmarked_present:
 *
 * Marks everyone on the sheet who has no mark yet (saved or typed) as
 * present; nothing is saved until Save Attendance.
 */
void
kb_training_page_mark_unmarked_present (KbTrainingPage *self)
{
  if (!can_mark (self))
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sheet)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      KbAttendee *a;

      if (!GTK_IS_LIST_BOX_ROW (row) || (a = g_object_get_data (G_OBJECT (row), "attendee")) == NULL)
        continue;
      if (shown_mark (self, a) == KB_MARK_NONE)
        set_row_mark (self, row, KB_MARK_PRESENT);
    }
}

/* --- opening dialogs --------------------------------------------------------- */

static GtkWidget *
present (KbTrainingPage *self,
         GtkWidget      *dialog)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

GtkWidget *
kb_training_page_open_schedule (KbTrainingPage *self)
{
  if (!self->keeper)
    return NULL;
  return present (self, kb_training_dialog_new (self->store, self->reader, self->session));
}

GtkWidget *
kb_training_page_open_invite (KbTrainingPage *self)
{
  KbTraining *t = selected_training (self);

  if (!self->keeper || t == NULL || kb_training_get_status (t) == KB_SESSION_CANCELLED)
    return NULL;
  return present (self, kb_invite_dialog_new (self->store, self->reader, t));
}

GtkWidget *
kb_training_page_open_cancel (KbTrainingPage *self)
{
  KbTraining *t = selected_training (self);

  if (!self->keeper || t == NULL || kb_training_get_status (t) != KB_SESSION_PLANNED)
    return NULL;
  return kb_training_cancel_dialog_new (page_window (self), self->store, t);
}

GtkWidget *
kb_training_page_open_policy (KbTrainingPage *self)
{
  if (!self->officer)
    return NULL;
  return present (self, kb_training_policy_dialog_new (self->store));
}

static void
schedule_clicked_cb (KbTrainingPage *self)
{
  kb_training_page_open_schedule (self);
}

static void
invite_clicked_cb (KbTrainingPage *self)
{
  kb_training_page_open_invite (self);
}

static void
cancel_clicked_cb (KbTrainingPage *self)
{
  kb_training_page_open_cancel (self);
}

static void
policy_clicked_cb (KbTrainingPage *self)
{
  kb_training_page_open_policy (self);
}

/* The reminders take one to what they are about. */
static void
upcoming_clicked_cb (KbTrainingPage *self)
{
  KbTraining *first;

  kb_training_page_show (self, "sessions");
  if (self->reminder_data.upcoming == NULL || self->reminder_data.upcoming->len == 0)
    return;
  first = g_ptr_array_index (self->reminder_data.upcoming, 0);
  self->selected_id = kb_training_get_id (first);
  if (kb_training_get_fiscal_year (first) != selected_fy (self))
    gtk_drop_down_set_selected (self->fiscal_year, kb_training_get_fiscal_year (first) - self->first_fy);
  else
    reload_sessions (self);
}

static void
not_invited_clicked_cb (KbTrainingPage *self)
{
  kb_training_page_show (self, "status");
  gtk_switch_set_active (self->overdue_only, FALSE);
}

static void
overdue_clicked_cb (KbTrainingPage *self)
{
  kb_training_page_show (self, "status");
  gtk_switch_set_active (self->overdue_only, TRUE);
}

/* --- who looks --------------------------------------------------------------- */

static void
divisions_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  KbTrainingPage *self;
  GtkStringList *model;
  gint64 zero = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || records == NULL)
    return;
  self = KB_TRAINING_PAGE (user_data);
  g_array_set_size (self->division_ids, 0);
  g_array_append_val (self->division_ids, zero);
  g_ptr_array_add (names, g_strdup (_("All divisions")));
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbDivision) d = g_list_model_get_item (records, i);
      gint64 id = kb_division_get_id (d);

      if (!kb_division_get_active (d))
        continue;
      g_ptr_array_add (names, g_strdup (kb_division_get_name (d)));
      g_array_append_val (self->division_ids, id);
    }
  g_ptr_array_add (names, NULL);
  model = GTK_STRING_LIST (gtk_drop_down_get_model (self->division));
  g_signal_handlers_block_by_func (self->division, reload_status, self);
  gtk_string_list_splice (model, 0, g_list_model_get_n_items (G_LIST_MODEL (model)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->division, 0);
  if (self->supervisor_only)
    {
      KbOperator *me = kb_session_get_operator (self->session);

      for (guint i = 0; me != NULL && i < self->division_ids->len; i++)
        if (g_array_index (self->division_ids, gint64, i) == kb_operator_get_division_id (me))
          gtk_drop_down_set_selected (self->division, i);
    }
  g_signal_handlers_unblock_by_func (self->division, reload_status, self);
  reload_status (self);
}

static void
clear_view (KbTrainingPage *self)
{
  self->viewer = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->load);
  g_cancellable_cancel (self->load_sheet);
  g_cancellable_cancel (self->load_status);
  self->loading = 0;
  self->pending_jobs = 0;
  self->selected_id = 0;
  self->sheet_training = 0;
  g_hash_table_remove_all (self->pending);
  g_list_store_remove_all (self->sessions);
  g_list_store_remove_all (self->attendees);
  g_list_store_remove_all (self->statuses);
  kb_training_reminders_clear (&self->reminder_data);
  memset (&self->reminder_data, 0, sizeof self->reminder_data);
  show_error (self, NULL);
  gtk_label_set_label (self->count, "");
  gtk_label_set_label (self->status_count, "");
  gtk_widget_set_visible (self->reminders, FALSE);
  gtk_widget_set_visible (self->warning, FALSE);
  adw_status_page_set_description (self->own, NULL);
  self->keeper = self->officer = self->supervisor_only = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "refused");
}

static void
session_changed_cb (KbTrainingPage *self)
{
  KbOperator *op = kb_session_get_operator (self->session);
  gboolean unlocked = kb_session_get_state (self->session) == KB_SESSION_UNLOCKED;
  gint64 viewer = unlocked && op != NULL ? kb_operator_get_id (op) : 0;
  const char *warning;
  gint64 *id;

  if (viewer == self->viewer)
    return;
  /* Nothing of the last person's view stays, typed marks included. */
  clear_view (self);
  if (viewer == 0)
    return;

  self->viewer = viewer;
  /* Set at unlock when the policy only warns: said once as a toast, and
   * kept on the page. */
  warning = kb_session_get_training_warning (self->session);
  if (warning != NULL && warning[0] != '\0')
    {
      gtk_label_set_label (GTK_LABEL (self->warning), warning);
      gtk_widget_set_visible (self->warning, TRUE);
      page_toast (self, warning);
    }
  self->keeper = kb_session_has_role (self->session, KB_ROLES_TRAINING_KEEPERS);
  self->officer = kb_session_has_role (self->session, KB_ROLES_OFFICERS);
  self->supervisor_only = !kb_session_has_role (self->session,
                                                KB_ROLES_TRAINING_KEEPERS | KB_ROLE_AUDITOR);
  gtk_widget_set_visible (self->schedule_button, self->keeper);
  gtk_widget_set_visible (self->cancel_button, self->keeper);
  gtk_widget_set_visible (self->policy_button, self->officer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->division), !self->supervisor_only);

  if (!kb_session_has_role (self->session, KB_ROLES_TRAINING_READERS))
    {
      /* Everyone else: their own status only. */
      id = g_new (gint64, 1);
      *id = viewer;
      self->loading |= LOADING_OWN;
      kb_store_run_async (self->store, NULL, own_job, id, g_free,
                          (GDestroyNotify) kb_training_status_free, self->cancellable, own_cb,
                          self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "main");
  gtk_drop_down_set_selected (self->fiscal_year, current_fy () - self->first_fy);
  kb_store_list_async (self->reader, "division", self->cancellable, divisions_cb, self);
  reload (self);
}

static void
store_changed_cb (KbTrainingPage *self,
                  const char     *entity)
{
  if (g_strcmp0 (entity, "training") != 0 && g_strcmp0 (entity, "attendance") != 0 &&
      g_strcmp0 (entity, "operator") != 0 && g_strcmp0 (entity, "division") != 0 &&
      g_strcmp0 (entity, "setting") != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
kb_training_page_map (GtkWidget *widget)
{
  KbTrainingPage *self = KB_TRAINING_PAGE (widget);

  GTK_WIDGET_CLASS (kb_training_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      reload (self);
    }
}

/* --- construction ------------------------------------------------------------ */

static const struct {
  const char *title;
  KbCellText text;
  int width;
} session_columns[] = {
  { N_("Date and Time"), (KbCellText) cell_when, 186 },
  { N_("Title"), (KbCellText) cell_title, -1 },
  { N_("Kind"), (KbCellText) cell_kind, 118 },
  { N_("Place"), (KbCellText) cell_place, 110 },
  { N_("Trainer"), (KbCellText) cell_trainer, 84 },
  { N_("Attended"), (KbCellText) cell_counts, 80 },
  { N_("Status"), (KbCellText) cell_status, 76 },
};

static const struct {
  const char *title;
  KbCellText text;
  int width;
} status_columns[] = {
  { N_("Staff No."), (KbCellText) cell_staff, 90 },
  { N_("Name"), (KbCellText) cell_name, 120 },
  { N_("Division"), (KbCellText) cell_division, -1 },
  { N_("First Use"), (KbCellText) cell_first_use, 130 },
  { N_("This Fiscal Year"), (KbCellText) cell_this_year, 170 },
  { N_("Overdue"), (KbCellText) cell_overdue, 90 },
};

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_hexpand (label, TRUE);
  return label;
}

static GtkWidget *
framed (GtkWidget *child,
        int        height)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  gtk_widget_set_size_request (frame, -1, height);
  return frame;
}

static void
add_column (GtkColumnView *view,
            const char    *title,
            KbCellText     text,
            KbCellActive   active,
            int            width,
            gboolean       overdue)
{
  GtkListItemFactory *factory = kb_label_cell_factory_new (text, active);
  GtkColumnViewColumn *column;

  if (overdue)
    g_signal_connect_after (factory, "bind", G_CALLBACK (overdue_bind_cb), NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width);
  else
    {
      gtk_column_view_column_set_fixed_width (column, 120);
      gtk_column_view_column_set_expand (column, TRUE);
    }
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
}

static GtkWidget *
reminder_button_new (KbTrainingPage *self,
                     GCallback       clicked)
{
  GtkWidget *button = gtk_button_new_with_label ("");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "accent");
  g_signal_connect_swapped (button, "clicked", clicked, self);
  gtk_box_append (GTK_BOX (self->reminders), button);
  return button;
}

static GtkWidget *
build_sessions (KbTrainingPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *sheet_head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *detail_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *sheet_scrolled;
  GtkStringList *years = gtk_string_list_new (NULL);
  GtkEventController *keys;
  int fy = current_fy ();

  /* Three years back, one ahead. */
  self->first_fy = fy - 3;
  for (int y = self->first_fy; y <= fy + 1; y++)
    {
      g_autofree char *label = kb_fiscal_year_label (y, FALSE);

      gtk_string_list_append (years, label);
    }
  self->fiscal_year = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (years), NULL));
  gtk_drop_down_set_selected (self->fiscal_year, fy - self->first_fy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->fiscal_year), _("Fiscal year"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fiscal_year),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Fiscal year"), -1);
  self->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "dim-label");
  self->schedule_button = gtk_button_new_with_mnemonic (_("_Schedule Session…"));
  gtk_widget_add_css_class (self->schedule_button, "suggested-action");
  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel Session…"));
  self->policy_button = gtk_button_new_with_mnemonic (_("_Enforcement…"));
  gtk_widget_set_tooltip_text (self->policy_button,
                               _("Whether sign-in warns or refuses operators whose training is "
                                 "overdue"));
  gtk_box_append (GTK_BOX (head), GTK_WIDGET (self->fiscal_year));
  gtk_box_append (GTK_BOX (head), GTK_WIDGET (self->count));
  gtk_widget_set_hexpand (GTK_WIDGET (self->count), TRUE);
  gtk_label_set_xalign (self->count, 0);
  gtk_box_append (GTK_BOX (head), self->policy_button);
  gtk_box_append (GTK_BOX (head), self->cancel_button);
  gtk_box_append (GTK_BOX (head), self->schedule_button);
  gtk_box_append (GTK_BOX (box), head);

  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sessions)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  self->sessions_view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (self->selection)));
  gtk_column_view_set_show_column_separators (self->sessions_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->sessions_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (session_columns); i++)
    add_column (self->sessions_view, _(session_columns[i].title), session_columns[i].text,
                (KbCellActive) cell_training_active, session_columns[i].width, FALSE);
  gtk_box_append (GTK_BOX (box), framed (GTK_WIDGET (self->sessions_view), 150));

  /* The selected session. */
  self->sheet_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (self->sheet_box, 6);
  self->detail_title = GTK_LABEL (heading_new (NULL));
  gtk_label_set_wrap (self->detail_title, TRUE);
  self->detail = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->detail, 0);
  gtk_label_set_wrap (self->detail, TRUE);
  gtk_label_set_selectable (self->detail, TRUE);
  gtk_box_append (GTK_BOX (detail_box), GTK_WIDGET (self->detail_title));
  gtk_box_append (GTK_BOX (detail_box), GTK_WIDGET (self->detail));
  gtk_widget_set_hexpand (detail_box, TRUE);

  self->invite_button = gtk_button_new_with_mnemonic (_("_Invite…"));
  self->all_present_button = gtk_button_new_with_mnemonic (_("Everyone Unmarked _Present"));
  gtk_widget_set_tooltip_text (self->all_present_button,
                               _("Mark everyone without a mark as present (not saved yet)"));
  self->save_button = gtk_button_new_with_mnemonic (_("Save _Attendance"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  self->unsaved_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->unsaved_label), "accent");
  gtk_widget_add_css_class (GTK_WIDGET (self->unsaved_label), "heading");
  /* The details, the sheet's hint, then its buttons. */
  gtk_box_append (GTK_BOX (self->sheet_box), detail_box);
  self->sheet_hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->sheet_hint, 0);
  gtk_label_set_wrap (self->sheet_hint, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->sheet_hint), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->sheet_hint), "caption");
  gtk_box_append (GTK_BOX (self->sheet_box), GTK_WIDGET (self->sheet_hint));
  gtk_widget_set_hexpand (GTK_WIDGET (self->unsaved_label), TRUE);
  gtk_label_set_xalign (self->unsaved_label, 0);
  gtk_box_append (GTK_BOX (sheet_head), GTK_WIDGET (self->unsaved_label));
  gtk_box_append (GTK_BOX (sheet_head), self->invite_button);
  gtk_box_append (GTK_BOX (sheet_head), self->all_present_button);
  gtk_box_append (GTK_BOX (sheet_head), self->save_button);
  gtk_box_append (GTK_BOX (self->sheet_box), sheet_head);

  self->sheet = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->sheet, GTK_SELECTION_NONE);
  {
    GtkWidget *placeholder = gtk_label_new (_("Nobody is invited yet."));

    gtk_widget_add_css_class (placeholder, "dim-label");
    gtk_widget_set_margin_top (placeholder, 12);
    gtk_widget_set_margin_bottom (placeholder, 12);
    gtk_list_box_set_placeholder (self->sheet, placeholder);
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sheet), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Attendance sheet"), -1);
  gtk_list_box_bind_model (self->sheet, G_LIST_MODEL (self->attendees), sheet_row_new, self, NULL);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (sheet_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->sheet), keys);
  sheet_scrolled = framed (GTK_WIDGET (self->sheet), 160);
  gtk_widget_set_vexpand (sheet_scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->sheet_box), sheet_scrolled);
  gtk_widget_set_vexpand (self->sheet_box, TRUE);
  gtk_box_append (GTK_BOX (box), self->sheet_box);

  g_signal_connect_swapped (self->fiscal_year, "notify::selected", G_CALLBACK (reload_sessions),
                            self);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb),
                            self);
  g_signal_connect_swapped (self->schedule_button, "clicked", G_CALLBACK (schedule_clicked_cb), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  g_signal_connect_swapped (self->policy_button, "clicked", G_CALLBACK (policy_clicked_cb), self);
  g_signal_connect_swapped (self->invite_button, "clicked", G_CALLBACK (invite_clicked_cb), self);
  g_signal_connect_swapped (self->all_present_button, "clicked",
                            G_CALLBACK (kb_training_page_mark_unmarked_present), self);
  g_signal_connect_swapped (self->save_button, "clicked",
                            G_CALLBACK (kb_training_page_save_attendance), self);
  gtk_widget_set_visible (self->sheet_box, FALSE);
  return box;
}

static GtkWidget *
build_status (KbTrainingPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *overdue_label = gtk_label_new (_("Overdue only"));
  GtkWidget *frame;

  self->division = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)),
                                                     NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->division), _("Division"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->division), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Division"), -1);
  self->overdue_only = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->overdue_only), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->overdue_only),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Overdue only"), -1);
  self->status_count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_count), "dim-label");
  gtk_label_set_xalign (self->status_count, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status_count), TRUE);
  gtk_box_append (GTK_BOX (head), GTK_WIDGET (self->division));
  gtk_box_append (GTK_BOX (head), GTK_WIDGET (self->status_count));
  gtk_box_append (GTK_BOX (head), overdue_label);
  gtk_box_append (GTK_BOX (head), GTK_WIDGET (self->overdue_only));
  gtk_box_append (GTK_BOX (box), head);

  self->status_view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (
    gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->statuses))))));
  gtk_column_view_set_show_column_separators (self->status_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (status_columns); i++)
    add_column (self->status_view, _(status_columns[i].title), status_columns[i].text,
                (KbCellActive) cell_status_active, status_columns[i].width, TRUE);
  frame = framed (GTK_WIDGET (self->status_view), 200);
  gtk_widget_set_vexpand (frame, TRUE);
  gtk_box_append (GTK_BOX (box), frame);

  g_signal_connect_swapped (self->division, "notify::selected", G_CALLBACK (reload_status), self);
  g_signal_connect_swapped (self->overdue_only, "notify::active", G_CALLBACK (reload_status), self);
  return box;
}

static void
build (KbTrainingPage *self)
{
  GtkWidget *main_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *switcher_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *switcher = adw_view_switcher_new ();
  AdwViewStackPage *page;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  /* Everyone who does not read the register: their own status. */
  self->own = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->own, "x-office-presentation-symbolic");
  adw_status_page_set_title (self->own, _("Your Training"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->own), "refused");

  gtk_widget_set_margin_start (main_box, 12);
  gtk_widget_set_margin_end (main_box, 12);
  gtk_widget_set_margin_top (main_box, 6);
  gtk_widget_set_margin_bottom (main_box, 12);
  gtk_stack_add_named (self->stack, main_box, "main");

  self->warning = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->warning), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->warning), 0);
  gtk_widget_add_css_class (self->warning, "warning");
  gtk_widget_set_visible (self->warning, FALSE);
  gtk_box_append (GTK_BOX (main_box), self->warning);

  /* Reminders and the switcher on one line. */
  self->views = ADW_VIEW_STACK (adw_view_stack_new ());
  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), self->views);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  gtk_box_append (GTK_BOX (switcher_bar), switcher);
  self->reminders = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_halign (self->reminders, GTK_ALIGN_END);
  gtk_widget_set_hexpand (self->reminders, TRUE);
  gtk_widget_set_valign (self->reminders, GTK_ALIGN_CENTER);
  self->remind_upcoming = reminder_button_new (self, G_CALLBACK (upcoming_clicked_cb));
  self->remind_invite = reminder_button_new (self, G_CALLBACK (not_invited_clicked_cb));
  self->remind_overdue = reminder_button_new (self, G_CALLBACK (overdue_clicked_cb));
  gtk_widget_remove_css_class (self->remind_overdue, "accent");
  gtk_widget_add_css_class (self->remind_overdue, "error");
  gtk_box_append (GTK_BOX (switcher_bar), self->reminders);
  gtk_box_append (GTK_BOX (main_box), switcher_bar);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (main_box), GTK_WIDGET (self->error_label));

  page = adw_view_stack_add_titled (self->views, build_sessions (self), "sessions", _("Sessions"));
  adw_view_stack_page_set_icon_name (page, "x-office-calendar-symbolic");
  page = adw_view_stack_add_titled (self->views, build_status (self), "status", _("Status"));
  adw_view_stack_page_set_icon_name (page, "emblem-ok-symbolic");
  gtk_widget_set_vexpand (GTK_WIDGET (self->views), TRUE);
  gtk_box_append (GTK_BOX (main_box), GTK_WIDGET (self->views));
}

static void
kb_training_page_dispose (GObject *object)
{
  KbTrainingPage *self = KB_TRAINING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  g_cancellable_cancel (self->load_sheet);
  g_clear_object (&self->load_sheet);
  g_cancellable_cancel (self->load_status);
  g_clear_object (&self->load_status);
  if (self->sheet != NULL)
    {
      gtk_list_box_bind_model (self->sheet, NULL, NULL, NULL, NULL);
      self->sheet = NULL;
    }
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_training_page_parent_class)->dispose (object);
}

static void
kb_training_page_finalize (GObject *object)
{
  KbTrainingPage *self = KB_TRAINING_PAGE (object);

  g_clear_object (&self->sessions);
  g_clear_object (&self->attendees);
  g_clear_object (&self->statuses);
  g_hash_table_unref (self->pending);
  g_array_unref (self->division_ids);
  kb_training_reminders_clear (&self->reminder_data);
  G_OBJECT_CLASS (kb_training_page_parent_class)->finalize (object);
}

/* Ctrl+S saves the sheet, as it saves a form. */
static gboolean
save_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  KbTrainingPage *self = KB_TRAINING_PAGE (widget);

  if (kb_training_page_get_n_unsaved (self) == 0 || self->pending_jobs > 0)
    return FALSE;
  kb_training_page_save_attendance (self);
  return TRUE;
}

static void
kb_training_page_class_init (KbTrainingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_training_page_dispose;
  object_class->finalize = kb_training_page_finalize;
  widget_class->map = kb_training_page_map;
  gtk_widget_class_add_binding (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, save_shortcut_cb,
                                NULL);
}

static void
kb_training_page_init (KbTrainingPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->sessions = g_list_store_new (KB_TYPE_TRAINING);
  self->attendees = g_list_store_new (KB_TYPE_ATTENDEE);
  self->statuses = g_list_store_new (KB_TYPE_STATUS_ITEM);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  self->division_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

GtkWidget *
kb_training_page_new (KbStore   *store,
                      KbStore   *reader,
                      KbSession *session)
{
  KbTrainingPage *self = g_object_new (KB_TYPE_TRAINING_PAGE, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  build (self);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  session_changed_cb (self);
  return GTK_WIDGET (self);
}

/* --- for tests and screenshots ------------------------------------------------ */

void
kb_training_page_show (KbTrainingPage *self,
                       const char     *view)
{
  adw_view_stack_set_visible_child_name (self->views, view);
}

const char *
kb_training_page_get_view (KbTrainingPage *self)
{
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    return "own";
  return adw_view_stack_get_visible_child_name (self->views);
}

void
kb_training_page_select (KbTrainingPage *self,
                         guint           position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

/**
 * kb_training_page_set_mark:
 * @row: the row of the attendance sheet
 *
 * Types a mark on the sheet, as a click does (not saved).
 */
gboolean
kb_training_page_set_mark (KbTrainingPage   *self,
                           guint             row,
                           KbAttendanceMark  mark)
{
  GtkListBoxRow *r = gtk_list_box_get_row_at_index (self->sheet, row);

  if (r == NULL || !can_mark (self))
    return FALSE;
  set_row_mark (self, GTK_WIDGET (r), mark);
  return TRUE;
}

void
kb_training_page_set_division (KbTrainingPage *self,
                               gint64          division_id)
{
  for (guint i = 0; i < self->division_ids->len; i++)
    if (g_array_index (self->division_ids, gint64, i) == division_id)
      gtk_drop_down_set_selected (self->division, i);
}

void
kb_training_page_set_overdue_only (KbTrainingPage *self,
                                   gboolean        only)
{
  gtk_switch_set_active (self->overdue_only, only);
}

GListModel *
kb_training_page_get_sessions (KbTrainingPage *self)
{
  return G_LIST_MODEL (self->sessions);
}

GListModel *
kb_training_page_get_attendees (KbTrainingPage *self)
{
  return G_LIST_MODEL (self->attendees);
}

GtkListBox *
kb_training_page_get_sheet (KbTrainingPage *self)
{
  return self->sheet;
}

KbAttendanceMark
kb_training_page_get_shown_mark (KbTrainingPage *self,
                                 guint           row)
{
  g_autoptr(KbAttendee) a = g_list_model_get_item (G_LIST_MODEL (self->attendees), row);

  return a != NULL ? shown_mark (self, a) : KB_MARK_NONE;
}

guint
kb_training_page_get_n_unsaved (KbTrainingPage *self)
{
  GHashTable *marks = pending_of (self, self->sheet_training, FALSE);

  return marks != NULL ? g_hash_table_size (marks) : 0;
}

guint
kb_training_page_get_n_status (KbTrainingPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->statuses));
}

const KbTrainingStatus *
kb_training_page_get_status (KbTrainingPage *self,
                             guint           position)
{
  g_autoptr(KbStatusItem) item = g_list_model_get_item (G_LIST_MODEL (self->statuses), position);

  /* The list store keeps the item. */
  return item != NULL ? item->status : NULL;
}

const char *
kb_training_page_get_error (KbTrainingPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
           ? gtk_label_get_label (self->error_label) : NULL;
}

gboolean
kb_training_page_get_busy (KbTrainingPage *self)
{
  return self->loading > 0 || self->pending_jobs > 0;
}
