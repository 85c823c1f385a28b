/* kb-room-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The equipment-room entry log (入退室管理) as a page: who is inside now
 * and which keys have not come back at the top, each with the button
 * that closes it, then the log of a period. The keepers (the security
 * officers and the network administrator) record; auditors read; anyone
 * else is told who keeps it.
 *
 * The log is read through the main store, not the reader: the core
 * checks the signed-in operator's roles on reading, and only the main
 * store knows who that is. A period of this log is a few hundred rows.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-error.h"
#include "kb-history-window.h"
#include "kb-label-cell.h"
#include "kb-room-dialog.h"
#include "kb-room-page.h"
#include "kb-store-jobs.h"

struct _KbRoomPage {
  GtkBox parent_instance;

  KbStore        *store;
  KbStore        *reader;
  KbSession      *session;
  GCancellable   *cancellable;   /* the viewer's: cancelled when they go */
  GCancellable   *load;          /* the newest read */

  GtkStack       *stack;
  AdwStatusPage  *refused;
  GtkWidget      *record_button;
  GtkListBox     *inside_list;
  GtkListBox     *keys_list;
  GtkDropDown    *period;
  GtkLabel       *count;
  GtkLabel       *error_label;
  GtkColumnView  *column_view;

  GListStore     *inside;        /* KbRoomEntry */
  GListStore     *keys_out;
  GListStore     *log;
  GStrv           rooms;

  gint64          viewer;
  gboolean        keeper;
  gboolean        stale;
  gboolean        loading;       /* the newest read has not arrived */
  guint           pending;       /* changes not finished */
};

G_DEFINE_FINAL_TYPE (KbRoomPage, kb_room_page, GTK_TYPE_BOX)

/* --- formatting ------------------------------------------------------------ */

static gboolean
same_day (gint64 a,
          gint64 b)
{
  g_autoptr(GDateTime) x = g_date_time_new_from_unix_local (a);
  g_autoptr(GDateTime) y = g_date_time_new_from_unix_local (b);

  return g_date_time_get_year (x) == g_date_time_get_year (y) &&
         g_date_time_get_day_of_year (x) == g_date_time_get_day_of_year (y);
}

/* "14:40" today, "2026-11-25 16:40" another day. */
static char *
format_moment (gint64 t)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t);

  if (same_day (t, g_get_real_time () / G_USEC_PER_SEC))
    return g_date_time_format (local, "%H:%M");
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t);

  return g_date_time_format (local, "%H:%M");
}

static char *
cell_date (KbRoomEntry *e)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (kb_room_entry_get_entered_at (e));

  /* Translators: a date in the equipment-room log, strftime format:
   * "%Y-%m-%d (%a)" gives 2026-11-26 (Thu) */
  return g_date_time_format (t, _("%Y-%m-%d (%a)"));
}

/* "09:12–09:40"; "09:12–" while inside; "16:20–11-27 09:05" overnight. */
static char *
cell_in_out (KbRoomEntry *e)
{
  gint64 entered = kb_room_entry_get_entered_at (e);
  gint64 left = kb_room_entry_get_left_at (e);
  g_autofree char *in = format_time (entered);
  g_autofree char *out = NULL;

  if (left == 0)
    return g_strdup_printf ("%s–", in);
  if (same_day (left, entered))
    out = format_time (left);
  else
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (left);

      out = g_date_time_format (t, "%m-%d %H:%M");
    }
  return g_strdup_printf ("%s–%s", in, out);
}

static char *
cell_room (KbRoomEntry *e)
{
  return g_strdup (kb_room_entry_get_room (e));
}

static char *
cell_person (KbRoomEntry *e)
{
  return g_strdup (kb_room_entry_get_person_name (e));
}

static char *
cell_organisation (KbRoomEntry *e)
{
  return g_strdup (kb_room_entry_get_organisation (e));
}

static char *
cell_purpose (KbRoomEntry *e)
{
  return g_strdup (kb_room_entry_get_purpose (e));
}

static char *
cell_escort (KbRoomEntry *e)
{
  return g_strdup (kb_room_entry_get_escort_id (e) != 0 ? kb_room_entry_get_escort_name (e) : "");
}

static char *
cell_key (KbRoomEntry *e)
{
  const char *key = kb_room_entry_get_key_label (e);
  gint64 back = kb_room_entry_get_key_returned_at (e);
  g_autofree char *when = NULL;

  /* A key still out is on the lists above the log. */
  if (key == NULL)
    return g_strdup ("");
  if (back == 0 || back == kb_room_entry_get_left_at (e))
    return g_strdup (key);
  when = same_day (back, kb_room_entry_get_entered_at (e)) ? format_time (back)
                                                           : format_moment (back);
  /* Translators: a key that came back at another time than its holder */
  return g_strdup_printf (_("%s (back %s)"), key, when);
}

static gboolean
cell_active (KbRoomEntry *e)
{
  return TRUE;
}

/* --- reading --------------------------------------------------------------- */

typedef struct {
  gint64 from;
  gint64 to;
} ListJob;

typedef struct {
  GListModel *entries;
  GStrv rooms;
} Listed;

static void
listed_free (gpointer data)
{
  Listed *listed = data;

  g_clear_object (&listed->entries);
  g_strfreev (listed->rooms);
  g_free (listed);
}

static gpointer
list_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  ListJob *job = data;
  g_autoptr(GListModel) entries = kb_room_list (db, job->from, job->to, error);
  GStrv rooms;
  Listed *listed;

  if (entries == NULL)
    return NULL;
  rooms = kb_room_names (db, error);
  if (rooms == NULL)
    return NULL;
  listed = g_new0 (Listed, 1);
  listed->entries = g_steal_pointer (&entries);
  listed->rooms = rooms;
  return listed;
}

/* The period's first second and the first after it, local time. */
static void
period_bounds (guint   period,
               gint64 *from,
               gint64 *to)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int y = g_date_time_get_year (now);
  int m = g_date_time_get_month (now);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  switch (period)
    {
    case KB_ROOM_PERIOD_LAST_MONTH:
      end = g_date_time_new_local (y, m, 1, 0, 0, 0);
      start = g_date_time_add_months (end, -1);
      break;
    case KB_ROOM_PERIOD_THIS_FISCAL_YEAR:
      /* The Japanese fiscal year runs from 1 April. */
      start = g_date_time_new_local (m >= 4 ? y : y - 1, 4, 1, 0, 0, 0);
      end = g_date_time_add_years (start, 1);
      break;
    case KB_ROOM_PERIOD_THIS_MONTH:
    default:
      start = g_date_time_new_local (y, m, 1, 0, 0, 0);
      end = g_date_time_add_months (start, 1);
      break;
    }
  *from = g_date_time_to_unix (start);
  *to = g_date_time_to_unix (end);
}

static void
show_error (KbRoomPage *self,
            GError     *error)
{
  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Listed *listed = kb_store_run_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) inside = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) log = g_ptr_array_new ();
  g_autofree char *count = NULL;
  KbRoomPage *self;
  gint64 from, to;
  guint n;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ROOM_PAGE (user_data);
  self->loading = FALSE;
  if (listed == NULL)
    {
      show_error (self, error);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  /* Inside now; keys out after their holder left (a key still with
   * someone inside shows on their row); the period's stays. The arrays
   * borrow from listed->entries. */
  period_bounds (gtk_drop_down_get_selected (self->period), &from, &to);
  n = g_list_model_get_n_items (listed->entries);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KbRoomEntry) e = g_list_model_get_item (listed->entries, i);
      gint64 entered = kb_room_entry_get_entered_at (e);

      if (kb_room_entry_get_inside (e))
        g_ptr_array_add (inside, e);
      else if (kb_room_entry_get_key_out (e))
        g_ptr_array_add (keys, e);
      if (entered >= from && entered < to)
        g_ptr_array_add (log, e);
    }
  g_list_store_splice (self->inside, 0, g_list_model_get_n_items (G_LIST_MODEL (self->inside)),
                       inside->pdata, inside->len);
  g_list_store_splice (self->keys_out, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->keys_out)),
                       keys->pdata, keys->len);
  g_list_store_splice (self->log, 0, g_list_model_get_n_items (G_LIST_MODEL (self->log)),
                       log->pdata, log->len);

  g_strfreev (self->rooms);
  self->rooms = g_steal_pointer (&listed->rooms);
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", log->len),
                           log->len);
  gtk_label_set_label (self->count, count);
  listed_free (listed);
}

static void
reload (KbRoomPage *self)
{
  ListJob *job;

  if (self->viewer == 0 || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "log") != 0)
    return;
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  self->load = g_cancellable_new ();
  job = g_new0 (ListJob, 1);
  period_bounds (gtk_drop_down_get_selected (self->period), &job->from, &job->to);
  self->loading = TRUE;
  kb_store_run_async (self->store, NULL, list_job, job, g_free, listed_free, self->load,
                      listed_cb, self);
}

/* --- writing --------------------------------------------------------------- */

typedef struct {
  gint64 id;
  gboolean leave;
  gboolean key_kept;
} ChangeJob;

static gpointer
change_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ChangeJob *job = data;
  gboolean ok = job->leave ? kb_room_leave (db, job->id, NULL, job->key_kept, error)
                           : kb_room_return_key (db, job->id, NULL, error);

  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gpointer done = kb_store_run_finish (KB_STORE (source), result, &error);
  KbRoomPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ROOM_PAGE (user_data);
  self->pending--;
  if (done == NULL)
    show_error (self, error);
  /* KbStore::changed reloads the page. */
}

static void
run_change (KbRoomPage  *self,
            KbRoomEntry *entry,
            gboolean     leave,
            gboolean     key_kept)
{
  ChangeJob *job = g_new0 (ChangeJob, 1);

  job->id = kb_room_entry_get_id (entry);
  job->leave = leave;
  job->key_kept = key_kept;
  self->pending++;
  kb_store_run_async (self->store, "room", change_job, job, g_free, NULL, self->cancellable,
                      changed_cb, self);
}

/**
 * kb_room_page_leave:
 * @position: the row of Inside Now
 * @key_kept: whether they keep the key for now
 *
 * Records, without asking, that someone came out now.
 */
void
kb_room_page_leave (KbRoomPage *self,
                    guint       position,
                    gboolean    key_kept)
{
  g_autoptr(KbRoomEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->inside), position);

  if (entry != NULL && self->keeper)
    run_change (self, entry, TRUE, key_kept);
}

/**
 * kb_room_page_return_key:
 * @position: the row of Keys Not Returned
 *
 * Records, without asking, that a key came back now.
 */
void
kb_room_page_return_key (KbRoomPage *self,
                         guint       position)
{
  g_autoptr(KbRoomEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->keys_out), position);

  if (entry != NULL && self->keeper)
    run_change (self, entry, FALSE, FALSE);
}

static GtkWindow *
page_window (KbRoomPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
leave_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   KbRoomPage       *self)
{
  KbRoomEntry *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  GtkCheckButton *keep = g_object_get_data (G_OBJECT (dialog), "keep");

  if (!g_str_equal (response, "record") || !self->keeper)
    return;
  run_change (self, entry, !g_object_get_data (G_OBJECT (dialog), "key-only"),
              keep != NULL && gtk_check_button_get_active (keep));
}

static GtkWidget *
ask (KbRoomPage  *self,
     KbRoomEntry *entry,
     gboolean     key_only)
{
  g_autofree char *now = format_time (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (key_only)
    {
      heading = g_strdup (_("Key Returned?"));
      body = g_strdup_printf (_("Records that %s returned the key “%s” now, at %s."),
                              kb_room_entry_get_person_name (entry),
                              kb_room_entry_get_key_label (entry), now);
    }
  else
    {
      heading = g_strdup (_("Left the Room?"));
      body = g_strdup_printf (_("Records that %s left %s now, at %s."),
                              kb_room_entry_get_person_name (entry),
                              kb_room_entry_get_room (entry), now);
    }
  dialog = adw_message_dialog_new (page_window (self), heading, body);
  if (!key_only && kb_room_entry_get_key_out (entry))
    {
      g_autofree char *label = g_strdup_printf (_("Keeps the key “%s” for now"),
                                                kb_room_entry_get_key_label (entry));
      GtkWidget *keep = gtk_check_button_new_with_label (label);

      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), keep);
      g_object_set_data (G_OBJECT (dialog), "keep", keep);
    }
  g_object_set_data_full (G_OBJECT (dialog), "entry", g_object_ref (entry), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "key-only", GINT_TO_POINTER (key_only));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "record", key_only ? _("_Record Return") : _("_Record Exit"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "record",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "record");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (leave_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/**
 * kb_room_page_ask_leave:
 * @position: the row of Inside Now
 *
 * What the row's "Left" button does: asks, offering to keep the key.
 *
 * Returns: (transfer none) (nullable): the question
 */
GtkWidget *
kb_room_page_ask_leave (KbRoomPage *self,
                        guint       position)
{
  g_autoptr(KbRoomEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->inside), position);

  if (entry == NULL || !self->keeper)
    return NULL;
  return ask (self, entry, FALSE);
}

static void
left_clicked_cb (GtkButton  *button,
                 KbRoomPage *self)
{
  ask (self, g_object_get_data (G_OBJECT (button), "entry"), FALSE);
}

static void
returned_clicked_cb (GtkButton  *button,
                     KbRoomPage *self)
{
  ask (self, g_object_get_data (G_OBJECT (button), "entry"), TRUE);
}

/**
 * kb_room_page_open_entry:
 *
 * Opens the form for an entry ("Record Entry…").
 *
 * Returns: (transfer none) (nullable): the dialog; %NULL for those who do
 *   not keep the log
 */
GtkWidget *
kb_room_page_open_entry (KbRoomPage *self)
{
  GtkWidget *dialog;

  if (!self->keeper)
    return NULL;
  dialog = kb_room_dialog_new (self->store, self->reader, self->session,
                               (const char * const *) self->rooms);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
record_clicked_cb (KbRoomPage *self)
{
  kb_room_page_open_entry (self);
}

/**
 * kb_room_page_open_history:
 * @position: the row of the log
 *
 * Shows the journal's history of one entry (a row activated).
 *
 * Returns: (transfer none) (nullable): the history window
 */
GtkWidget *
kb_room_page_open_history (KbRoomPage *self,
                           guint       position)
{
  g_autoptr(KbRoomEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->log), position);
  g_autofree char *title = NULL;
  GtkWidget *window;

  if (entry == NULL)
    return NULL;
  /* Translators: the title of one equipment-room entry's history */
  title = g_strdup_printf (_("Room Entry: %s, %s"), kb_room_entry_get_person_name (entry),
                           kb_room_entry_get_room (entry));
  window = kb_history_window_new (self->store, "room", kb_room_entry_get_id (entry), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), page_window (self));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
row_activated_cb (KbRoomPage *self,
                  guint       position)
{
  kb_room_page_open_history (self, position);
}

/* --- rows ------------------------------------------------------------------ */

static GtkWidget *
row_new (KbRoomPage  *self,
         KbRoomEntry *e,
         const char  *title,
         const char  *subtitle,
         const char  *button_label,
         const char  *tooltip,
         GCallback    clicked)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  if (self->keeper)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tooltip);
      g_object_set_data_full (G_OBJECT (button), "entry", g_object_ref (e), g_object_unref);
      g_signal_connect_object (button, "clicked", clicked, self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static GtkWidget *
inside_row_new (gpointer item,
                gpointer user_data)
{
  KbRoomPage *self = user_data;
  KbRoomEntry *e = item;
  g_autofree char *since = format_moment (kb_room_entry_get_entered_at (e));
  g_autofree char *title = g_strdup_printf ("%s  ·  %s", kb_room_entry_get_person_name (e),
                                            kb_room_entry_get_organisation (e));
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GtkWidget *row;

  /* Translators: the room, since when, and the purpose of someone inside */
  g_string_append_printf (subtitle, _("%s, since %s: %s"), kb_room_entry_get_room (e), since,
                          kb_room_entry_get_purpose (e));
  g_string_append_c (subtitle, '\n');
  if (kb_room_entry_get_escort_id (e) != 0)
    {
      g_string_append_printf (subtitle, _("Escort: %s"), kb_room_entry_get_escort_name (e));
      g_string_append (subtitle, "  ·  ");
    }
  if (kb_room_entry_get_key_out (e))
    g_string_append_printf (subtitle, _("Key: %s"), kb_room_entry_get_key_label (e));
  else
    g_string_append (subtitle, _("No key"));
  row = row_new (self, e, title, subtitle->str, _("_Left"), _("Record that they came out"),
                 G_CALLBACK (left_clicked_cb));
  /* Inside since another day: more likely an exit nobody recorded. */
  if (!same_day (kb_room_entry_get_entered_at (e), g_get_real_time () / G_USEC_PER_SEC))
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "warning");
      gtk_widget_set_tooltip_text (icon, _("Inside since another day: was the exit recorded?"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Inside since another day"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

static GtkWidget *
key_row_new (gpointer item,
             gpointer user_data)
{
  KbRoomPage *self = user_data;
  KbRoomEntry *e = item;
  g_autofree char *since = format_moment (kb_room_entry_get_entered_at (e));
  g_autofree char *left = format_moment (kb_room_entry_get_left_at (e));
  g_autofree char *subtitle = NULL;

  /* Translators: who holds a key, from which room, issued when, and when
   * they came out of the room */
  subtitle = g_strdup_printf (_("%s (%s)\n%s, issued %s, left the room %s"),
                              kb_room_entry_get_person_name (e),
                              kb_room_entry_get_organisation (e), kb_room_entry_get_room (e),
                              since, left);
  return row_new (self, e, kb_room_entry_get_key_label (e), subtitle, _("_Returned"),
                  _("Record that the key came back"), G_CALLBACK (returned_clicked_cb));
}

/* --- who looks ------------------------------------------------------------- */

static void
keepers_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;
  KbRoomPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || records == NULL)
    return;
  self = KB_ROOM_PAGE (user_data);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbOperator) op = g_list_model_get_item (records, i);

      if (!kb_operator_get_active (op) ||
          (kb_operator_get_roles (op) & KB_ROLES_ROOM_KEEPERS) == 0)
        continue;
      if (names->len > 0)
        g_string_append (names, _(", "));
      g_string_append (names, kb_operator_get_name (op));
    }
  if (names->len == 0)
    return;
  text = g_strdup_printf (_("The security officers and the network administrator keep the "
                            "equipment-room log, and auditors read it. Ask %s."), names->str);
  adw_status_page_set_description (self->refused, text);
}

static void
session_changed_cb (KbRoomPage *self)
{
  KbOperator *op = kb_session_get_operator (self->session);
  gboolean unlocked = kb_session_get_state (self->session) == KB_SESSION_UNLOCKED;
  gint64 viewer = unlocked && op != NULL ? kb_operator_get_id (op) : 0;
  gboolean reader;

  if (viewer == self->viewer)
    return;

  /* Nothing of the last person's view stays. */
  self->viewer = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->load);
  self->loading = FALSE;
  self->pending = 0;
  g_list_store_remove_all (self->inside);
  g_list_store_remove_all (self->keys_out);
  g_list_store_remove_all (self->log);
  g_clear_pointer (&self->rooms, g_strfreev);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_label_set_label (self->count, "");
  self->keeper = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "refused");
  if (viewer == 0)
    return;

  self->viewer = viewer;
  self->keeper = kb_session_has_role (self->session, KB_ROLES_ROOM_KEEPERS);
  reader = kb_session_has_role (self->session, KB_ROLES_ROOM_READERS);
  gtk_widget_set_visible (self->record_button, self->keeper);
  if (!reader)
    {
      kb_store_list_async (self->reader, "operator", self->cancellable, keepers_cb, self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "log");
  /* The rows are built again: their buttons depend on who looks. */
  gtk_list_box_bind_model (self->inside_list, G_LIST_MODEL (self->inside), inside_row_new, self,
                           NULL);
  gtk_list_box_bind_model (self->keys_list, G_LIST_MODEL (self->keys_out), key_row_new, self,
                           NULL);
  reload (self);
}

static void
store_changed_cb (KbRoomPage *self,
                  const char *entity)
{
  /* The log shows operators' names and divisions as they are now. */
  if (g_strcmp0 (entity, "room") != 0 && g_strcmp0 (entity, "operator") != 0 &&
      g_strcmp0 (entity, "division") != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
kb_room_page_map (GtkWidget *widget)
{
  KbRoomPage *self = KB_ROOM_PAGE (widget);

  GTK_WIDGET_CLASS (kb_room_page_parent_class)->map (widget);
  /* Times are shown as "today" or a date: a page left open overnight
   * reads again too. */
  if (self->stale || self->viewer != 0)
    {
      self->stale = FALSE;
      reload (self);
    }
}

/* --- construction ---------------------------------------------------------- */

static const struct {
  const char *title;
  KbCellText text;
  int width;             /* fixed width in pixels, -1 to share the rest */
} columns[] = {
  { N_("Date"), (KbCellText) cell_date, 140 },
  { N_("In–Out"), (KbCellText) cell_in_out, 116 },
  { N_("Room"), (KbCellText) cell_room, 172 },
  { N_("Person"), (KbCellText) cell_person, 90 },
  { N_("Organisation"), (KbCellText) cell_organisation, 110 },
  { N_("Purpose"), (KbCellText) cell_purpose, -1 },
  { N_("Escort"), (KbCellText) cell_escort, 84 },
  { N_("Key"), (KbCellText) cell_key, 120 },
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

static GtkListBox *
boxed_list_new (const char *empty)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_list_box_new ());
  GtkWidget *placeholder = gtk_label_new (empty);

  gtk_widget_add_css_class (GTK_WIDGET (list), "boxed-list");
  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (list, placeholder);
  return list;
}

static void
build (KbRoomPage *self)
{
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *log_head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *keys_head = heading_new (_("Keys Not Returned"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *frame = gtk_frame_new (NULL);
  const char *periods[] = { _("This month"), _("Last month"), _("This fiscal year"), NULL };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  /* For those who neither keep nor read it. */
  self->refused = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->refused, "system-lock-screen-symbolic");
  adw_status_page_set_title (self->refused, _("Equipment-Room Entry Log"));
  adw_status_page_set_description (self->refused,
    _("The security officers and the network administrator keep the equipment-room log, "
      "and auditors read it."));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->refused), "refused");

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1200);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 900);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_stack_add_named (self->stack, clamp, "log");

  /* Inside now, and the entry button. */
  self->record_button = gtk_button_new_with_mnemonic (_("_Record Entry…"));
  gtk_widget_add_css_class (self->record_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->record_button,
                               _("Record that someone went into an equipment room"));
  g_signal_connect_swapped (self->record_button, "clicked", G_CALLBACK (record_clicked_cb), self);
  gtk_box_append (GTK_BOX (top), heading_new (_("Inside Now")));
  gtk_box_append (GTK_BOX (top), self->record_button);
  gtk_box_append (GTK_BOX (box), top);
  self->inside_list = boxed_list_new (_("Nobody is inside."));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->inside_list));

  gtk_widget_set_margin_top (keys_head, 12);
  gtk_box_append (GTK_BOX (box), keys_head);
  self->keys_list = boxed_list_new (_("Every key issued has come back."));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->keys_list));

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  /* The log of a period. */
  gtk_widget_set_margin_top (log_head, 12);
  self->period = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (periods));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->period), _("Period"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->period), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Period"), -1);
  self->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "dim-label");
  gtk_box_append (GTK_BOX (log_head), heading_new (_("Entries and Exits")));
  gtk_box_append (GTK_BOX (log_head), GTK_WIDGET (self->count));
  gtk_box_append (GTK_BOX (log_head), GTK_WIDGET (self->period));
  gtk_box_append (GTK_BOX (box), log_head);

  self->column_view =
    GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (
      gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->log))))));
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory =
        kb_label_cell_factory_new (columns[i].text, (KbCellActive) cell_active);
      GtkColumnViewColumn *column = gtk_column_view_column_new (_(columns[i].title), factory);

      gtk_column_view_column_set_resizable (column, TRUE);
      if (columns[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, columns[i].width);
      else
        {
          gtk_column_view_column_set_fixed_width (column, 120);
          gtk_column_view_column_set_expand (column, TRUE);
        }
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  gtk_widget_set_vexpand (frame, TRUE);
  gtk_widget_set_size_request (frame, -1, 200);
  gtk_box_append (GTK_BOX (box), frame);

  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (row_activated_cb), self);
  g_signal_connect_swapped (self->period, "notify::selected", G_CALLBACK (reload), self);
}

static void
kb_room_page_dispose (GObject *object)
{
  KbRoomPage *self = KB_ROOM_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  if (self->inside_list != NULL)
    {
      gtk_list_box_bind_model (self->inside_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->keys_list, NULL, NULL, NULL, NULL);
      self->inside_list = NULL;
      self->keys_list = NULL;
    }
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_room_page_parent_class)->dispose (object);
}

static void
kb_room_page_finalize (GObject *object)
{
  KbRoomPage *self = KB_ROOM_PAGE (object);

  g_clear_object (&self->inside);
  g_clear_object (&self->keys_out);
  g_clear_object (&self->log);
  g_strfreev (self->rooms);
  G_OBJECT_CLASS (kb_room_page_parent_class)->finalize (object);
}

static void
kb_room_page_class_init (KbRoomPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_room_page_dispose;
  object_class->finalize = kb_room_page_finalize;
  widget_class->map = kb_room_page_map;
}

static void
kb_room_page_init (KbRoomPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->inside = g_list_store_new (KB_TYPE_ROOM_ENTRY);
  self->keys_out = g_list_store_new (KB_TYPE_ROOM_ENTRY);
  self->log = g_list_store_new (KB_TYPE_ROOM_ENTRY);
}

GtkWidget *
kb_room_page_new (KbStore   *store,
                  KbStore   *reader,
                  KbSession *session)
{
  KbRoomPage *self = g_object_new (KB_TYPE_ROOM_PAGE, NULL);

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

void
kb_room_page_set_period (KbRoomPage *self,
                         guint       period)
{
  gtk_drop_down_set_selected (self->period, period);
}

/**
 * kb_room_page_get_inside:
 *
 * Returns: (transfer none): the entries of Inside Now
 */
GListModel *
kb_room_page_get_inside (KbRoomPage *self)
{
  return G_LIST_MODEL (self->inside);
}

/**
 * kb_room_page_get_keys_out:
 *
 * Returns: (transfer none): the entries of Keys Not Returned
 */
GListModel *
kb_room_page_get_keys_out (KbRoomPage *self)
{
  return G_LIST_MODEL (self->keys_out);
}

/**
 * kb_room_page_get_log:
 *
 * Returns: (transfer none): the entries of the period, as the table shows them
 */
GListModel *
kb_room_page_get_log (KbRoomPage *self)
{
  return G_LIST_MODEL (self->log);
}

/**
 * kb_room_page_get_busy:
 *
 * Returns: whether a read or a change has not finished
 */
gboolean
kb_room_page_get_busy (KbRoomPage *self)
{
  return self->loading || self->pending > 0;
}

gboolean
kb_room_page_get_refused (KbRoomPage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "refused") == 0;
}
