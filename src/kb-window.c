/* kb-window.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kb-admin-page.h"
#include "kb-assets-page.h"
#include "kb-audit-page.h"
#include "kb-backup-page.h"
#include "kb-calendar-page.h"
#include "kb-auth.h"
#include "kb-card-monitor.h"
#include "kb-cards-page.h"
#include "kb-journal-page.h"
#include "kb-lock-page.h"
#include "kb-reason-entry.h"
#include "kb-room-page.h"
#include "kb-session.h"
#include "kb-sitting-page.h"
#include "kb-store-jobs.h"
#include "kb-training-page.h"
#include "kb-usage-page.h"
#include "kb-window.h"

struct _KbWindow {
  AdwApplicationWindow parent_instance;

  KbStore         *store;
  KbSession       *session;
  GCancellable    *cancellable;
  GSettings       *settings;
  GPtrArray       *stashed;       /* dialogs hidden while locked */
  gint64           stash_owner;   /* the operator they belong to */

  AdwToastOverlay *toast_overlay;
  GtkStack        *main_stack;
  AdwStatusPage   *error_page;
  AdwBin          *lock_bin;
  GtkSpinner      *loading_spinner;
  GtkMenuButton   *menu_button;
  AdwWindowTitle  *sidebar_title;
  AdwLeaflet      *leaflet;
  GtkWidget       *sidebar;
  GtkWidget       *content;
  GtkListBox      *sidebar_list;
  AdwWindowTitle  *content_title;
  GtkWidget       *add_button;
  GtkToggleButton *search_button;
  GtkStack        *page_stack;
  KbStore         *reader;
  char            *terminal;      /* this terminal's code */

  GBinding        *search_binding;   /* owned by the page and the button */
};

G_DEFINE_FINAL_TYPE (KbWindow, kb_window, ADW_TYPE_APPLICATION_WINDOW)

/* The pages that work; later registers add theirs here. */
static const struct {
  const char *name;
  const char *title;
  const char *icon;
} pages[] = {
  { "sitting", N_("This Sitting"), "document-edit-symbolic" },
  { "usage", N_("Terminal Usage"), "x-office-spreadsheet-symbolic" },
  { "asset", N_("Information Assets"), "drive-harddisk-symbolic" },
  { "room", N_("Equipment Room"), "system-lock-screen-symbolic" },
  { "training", N_("Training"), "x-office-presentation-symbolic" },
  { "audit", N_("Audits"), "edit-find-symbolic" },
  { "calendar", N_("Calendar"), "x-office-calendar-symbolic" },
  { "operator", N_("Operators"), "system-users-symbolic" },
  { "division", N_("Divisions"), "network-workgroup-symbolic" },
  { "terminal", N_("Terminals"), "computer-symbolic" },
  { "task", N_("Business Tasks"), "view-list-bullet-symbolic" },
  { "card", N_("IC Cards"), "auth-smartcard-symbolic" },
  { "journal", N_("Journal"), "security-high-symbolic" },
  { "backup", N_("Backups"), "document-save-symbolic" },
};

static GtkWidget *
visible_page (KbWindow *self)
{
  return gtk_stack_get_visible_child (self->page_stack);
}

static void
update_header (KbWindow *self)
{
  GtkWidget *page = visible_page (self);
  gboolean is_admin = KB_IS_ADMIN_PAGE (page);
  gboolean can_change = is_admin && kb_admin_page_can_change (KB_ADMIN_PAGE (page));
  const char *name = gtk_stack_get_visible_child_name (self->page_stack);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i].name, name) == 0)
      adw_window_title_set_title (self->content_title, _(pages[i].title));

  gtk_widget_set_visible (self->add_button, can_change);
  gtk_widget_set_visible (GTK_WIDGET (self->search_button), is_admin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-record", can_change);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", is_admin);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.password-policy",
                                 self->session != NULL &&
                                 kb_session_has_role (self->session, KB_ROLE_SECURITY_OFFICER));

  /* One toggle drives the search bar of whichever page is shown. */
  if (self->search_binding != NULL)
    g_binding_unbind (g_steal_pointer (&self->search_binding));
  if (is_admin)
    self->search_binding = g_object_bind_property (page, "search-mode",
                                                   self->search_button, "active",
                                                   G_BINDING_BIDIRECTIONAL |
                                                   G_BINDING_SYNC_CREATE);
}

static void
page_changed_cb (KbWindow *self)
{
  update_header (self);
}

static void
sidebar_row_activated_cb (KbWindow      *self,
                          GtkListBoxRow *row)
{
  const char *name = g_object_get_data (G_OBJECT (row), "page");

  gtk_stack_set_visible_child_name (self->page_stack, name);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (KbWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkWidget *
sidebar_row_new (const char *name,
                 const char *title,
                 const char *icon)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "page", g_strdup (name), g_free);

  return row;
}

static GtkWidget *
section_header_new (const char *title)
{
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 6);
  return label;
}

static void
sidebar_header_func (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  const char *name = g_object_get_data (G_OBJECT (row), "page");

  if (before == NULL)
    gtk_list_box_row_set_header (row, section_header_new (_("Registers")));
  else if (g_str_equal (name, "operator"))
    gtk_list_box_row_set_header (row, section_header_new (_("Administration")));
  else if (g_str_equal (name, "journal"))
    gtk_list_box_row_set_header (row, section_header_new (_("Evidence")));
  else
    gtk_list_box_row_set_header (row, NULL);
}

static void
build_pages (KbWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page;

      if (g_str_equal (pages[i].name, "journal"))
        page = kb_journal_page_new (self->store);
      else if (g_str_equal (pages[i].name, "backup"))
        page = kb_backup_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "sitting"))
        page = kb_sitting_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "usage"))
        page = kb_usage_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "room"))
        page = kb_room_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "training"))
        page = kb_training_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "asset"))
        page = kb_assets_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "audit"))
        page = kb_audit_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "calendar"))
        page = kb_calendar_page_new (self->store, self->reader, self->session);
      else if (g_str_equal (pages[i].name, "card"))
        page = kb_cards_page_new (self->store, self->session);
      else
        page = kb_admin_page_new (self->store, self->session, pages[i].name);

      gtk_stack_add_named (self->page_stack, page, pages[i].name);
      gtk_list_box_append (self->sidebar_list,
                           sidebar_row_new (pages[i].name, _(pages[i].title), pages[i].icon));
    }
  gtk_list_box_set_header_func (self->sidebar_list, sidebar_header_func, NULL, NULL);
  gtk_list_box_select_row (self->sidebar_list, gtk_list_box_get_row_at_index (self->sidebar_list, 0));
  gtk_stack_set_visible_child_name (self->page_stack, pages[0].name);
  update_header (self);
}

/* --- locking ------------------------------------------------------------- */

static void
session_state_cb (KbWindow *self)
{
  KbSessionState state = kb_session_get_state (self->session);

  if (gtk_stack_get_visible_child (self->page_stack) != NULL)
    update_header (self);

  if (state == KB_SESSION_UNLOCKED)
    {
      KbOperator *op = kb_session_get_operator (self->session);

      adw_window_title_set_subtitle (self->sidebar_title, kb_operator_get_name (op));
      /* Drop the focus first: a focused password entry that is unmapped
       * makes GTK 4.8 complain about a missing focus-out. */
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_stack_set_visible_child_name (self->main_stack, "main");
      gtk_widget_grab_focus (GTK_WIDGET (self->sidebar_list));
    }
  else
    {
      /* Nothing of any register stays on screen, not even for a frame of
       * transition, and no menu stays open. */
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_stack_set_transition_type (self->main_stack, GTK_STACK_TRANSITION_TYPE_NONE);
      gtk_stack_set_visible_child_name (self->main_stack, "lock");
      gtk_stack_set_transition_type (self->main_stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
      gtk_menu_button_popdown (self->menu_button);
      adw_window_title_set_subtitle (self->sidebar_title, NULL);
    }
}

static void
session_locked_cb (KbWindow   *self,
                   const char *reason)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  /* Half-filled forms and open dialogs are hidden, not lost: they come
   * back for the same operator (stash_owner, set at unlock), and are
   * destroyed for anyone else. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (w) == GTK_WINDOW (self) &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        {
          gtk_widget_set_visible (GTK_WIDGET (w), FALSE);
          g_ptr_array_add (self->stashed, g_object_ref (w));
        }
    }
}

static void
session_unlocked_cb (KbWindow *self)
{
  gint64 who = kb_operator_get_id (kb_session_get_operator (self->session));

  for (guint i = 0; i < self->stashed->len; i++)
    {
      GtkWindow *w = g_ptr_array_index (self->stashed, i);

      if (who == self->stash_owner)
        gtk_window_present (w);
      else
        gtk_window_destroy (w);
    }
  g_ptr_array_set_size (self->stashed, 0);
  self->stash_owner = who;
}

static void
activity_cb (KbWindow *self)
{
  if (self->session != NULL)
    kb_session_activity (self->session);
}

static gboolean
key_activity_cb (KbWindow *self)
{
  activity_cb (self);
  return GDK_EVENT_PROPAGATE;
}

/**
 * kb_window_track_activity:
 * @window: a window of ours (the main window, a dialog)
 *
 * Counts keys, clicks and pointer movement in @window as use, for the
 * idle lock.
 */
void
kb_window_track_activity (KbWindow  *self,
                          GtkWidget *window)
{
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (key_activity_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "motion", G_CALLBACK (activity_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (click, "pressed", G_CALLBACK (activity_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (window, key);
  gtk_widget_add_controller (window, motion);
  gtk_widget_add_controller (window, GTK_EVENT_CONTROLLER (click));
}

static void
idle_setting_cb (KbWindow *self)
{
  if (self->session != NULL)
    kb_session_set_idle_seconds (self->session,
                                 g_settings_get_uint (self->settings, "idle-lock-minutes") * 60);
}

static void
start_session (KbWindow *self)
{
  g_autoptr(KbCardMonitor) monitor = kb_card_monitor_new (KB_ACCEPT_VIRTUAL_READER);

  /* The code read when the store was opened: by now the window may have
   * been closed and have no application to ask. */
  self->session = kb_session_new (self->store, monitor, self->terminal);
  idle_setting_cb (self);
  g_signal_connect_object (self->settings, "changed::idle-lock-minutes",
                           G_CALLBACK (idle_setting_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (session_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "locked", G_CALLBACK (session_locked_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "unlocked", G_CALLBACK (session_unlocked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_bin_set_child (self->lock_bin, kb_lock_page_new (self->session));
  kb_session_start (self->session);
}

static void
reader_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Its jobs report the same error to the pages that asked. */
  if (!kb_store_open_finish (KB_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Cannot open the reader connection: %s", error->message);
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A hidden spinner still asks for a frame 60 times a second. */
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);

  if (!kb_store_open_finish (KB_STORE (source), result, &error))
    {
      g_autofree char *text = g_markup_printf_escaped ("%s\n\n<small>%s</small>",
                                                       error->message,
                                                       kb_store_get_path (self->store));

      adw_status_page_set_description (self->error_page, text);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      return;
    }

  /* The second, read-only connection for the usage register's long
   * reads; queued first, so its jobs wait for it. */
  self->reader = kb_store_new_reader (kb_store_get_path (self->store));
  kb_store_open_async (self->reader, FALSE, self->cancellable, reader_opened_cb, NULL);
  start_session (self);
  build_pages (self);
  session_state_cb (self);
}

static void
open_store (KbWindow      *self,
            KbApplication *app)
{
  const char *path = kb_application_get_database (app);
  g_autofree char *default_path = kb_default_database_path ();
  g_autofree char *terminal = kb_application_get_terminal (app);

  g_free (self->terminal);
  self->terminal = g_strdup (terminal);
  /* The default folder is ours: keep it private even if it already existed. */
  if (g_strcmp0 (path, default_path) == 0)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) == 0)
        g_chmod (dir, 0700);
    }

  self->store = kb_store_new (path);
  kb_store_open_async (self->store, TRUE, self->cancellable, store_opened_cb,
                       g_object_ref (self));
  kb_store_set_actor (self->store, 0, terminal);
}

static gboolean
kb_window_close_request (GtkWindow *window)
{
  KbWindow *self = KB_WINDOW (window);
  int width, height;

  /* Closing ends the session like a lock does, and the journal says so
   * (the store finishes queued writes before it closes). */
  if (self->session != NULL && kb_session_get_state (self->session) == KB_SESSION_UNLOCKED)
    kb_session_lock (self->session, "closed");

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (kb_window_parent_class)->close_request (window);
}

static void
new_record_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KbWindow *self = KB_WINDOW (widget);
  GtkWidget *page = visible_page (self);

  if (KB_IS_ADMIN_PAGE (page))
    kb_admin_page_add (KB_ADMIN_PAGE (page));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KbWindow *self = KB_WINDOW (widget);
  GtkWidget *page = visible_page (self);

  if (KB_IS_ADMIN_PAGE (page))
    g_object_set (page, "search-mode", TRUE, NULL);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  kb_window_show_page (KB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KbWindow *self = KB_WINDOW (widget);

  if (self->session != NULL)
    kb_session_lock (self->session, "manual");
}

/* --- own password and the policy ------------------------------------------ */

static void
password_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (kb_store_auth_finish (KB_STORE (source), result, &error))
    kb_window_toast (self, _("Saved and recorded in the journal"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("The Change Was Not Saved"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static GtkWidget *
labelled_password (GtkBox     *box,
                   const char *label)
{
  GtkWidget *entry = gtk_password_entry_new ();

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  g_object_set (entry, "placeholder-text", label, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  gtk_box_append (box, entry);
  return entry;
}

static void
change_password_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             KbWindow         *self)
{
  GtkEditable *old_entry = g_object_get_data (G_OBJECT (dialog), "old");
  GtkEditable *new_entry = g_object_get_data (G_OBJECT (dialog), "new");
  GtkEditable *again = g_object_get_data (G_OBJECT (dialog), "again");
  KbOperator *op = kb_session_get_operator (self->session);

  if (!g_str_equal (response, "apply") || op == NULL)
    return;

  if (g_strcmp0 (gtk_editable_get_text (new_entry), gtk_editable_get_text (again)) != 0)
    kb_window_toast (self, _("The two new passwords differ; nothing was changed"));
  else
    kb_store_change_password_async (self->store, kb_operator_get_id (op),
                                    gtk_editable_get_text (old_entry),
                                    gtk_editable_get_text (new_entry), self->cancellable,
                                    password_done_cb, g_object_ref (self));
  gtk_editable_set_text (old_entry, "");
  gtk_editable_set_text (new_entry, "");
  gtk_editable_set_text (again, "");
}

static void
change_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KbWindow *self = KB_WINDOW (widget);
  GtkWidget *dialog, *box;

  if (self->session == NULL || kb_session_get_state (self->session) != KB_SESSION_UNLOCKED)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Change Your Password"),
                                   _("Your new password must follow the office’s password "
                                     "policy."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_object_set_data (G_OBJECT (dialog), "old", labelled_password (GTK_BOX (box),
                                                                  _("Current password")));
  g_object_set_data (G_OBJECT (dialog), "new", labelled_password (GTK_BOX (box),
                                                                  _("New password")));
  g_object_set_data (G_OBJECT (dialog), "again", labelled_password (GTK_BOX (box),
                                                                    _("New password again")));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", _("_Change Password"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (change_password_response_cb), self, 0);
  kb_window_track_activity (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
policy_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KbWindow         *self)
{
  GtkSpinButton *length = g_object_get_data (G_OBJECT (dialog), "length");
  GtkSpinButton *classes = g_object_get_data (G_OBJECT (dialog), "classes");
  GtkSpinButton *age = g_object_get_data (G_OBJECT (dialog), "age");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");

  if (!g_str_equal (response, "apply"))
    return;
  kb_store_set_policy_async (self->store, gtk_spin_button_get_value_as_int (length),
                             gtk_spin_button_get_value_as_int (classes),
                             gtk_spin_button_get_value_as_int (age),
                             gtk_editable_get_text (reason), self->cancellable,
                             password_done_cb, g_object_ref (self));
}

static GtkWidget *
policy_row (GtkBox     *box,
            const char *label,
            int         min,
            int         max,
            int         value)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_label_new (label);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row), spin);
  gtk_box_append (box, row);
  return spin;
}

static void
policy_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KbWindow) self = user_data;
  g_autofree KbPasswordPolicy *policy = kb_store_run_finish (KB_STORE (source), result, NULL);
  GtkWidget *dialog, *box;

  if (policy == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Password Policy"),
                                   _("Applies to every new password. Operators keep their "
                                     "current passwords until they change them."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_object_set_data (G_OBJECT (dialog), "length",
                     policy_row (GTK_BOX (box), _("Minimum length"), 8, 128, policy->min_length));
  g_object_set_data (G_OBJECT (dialog), "classes",
                     policy_row (GTK_BOX (box), _("Kinds of characters to mix"), 1, 4,
                                 policy->min_classes));
  g_object_set_data (G_OBJECT (dialog), "age",
                     policy_row (GTK_BOX (box), _("Days before a password expires (0: never)"),
                                 0, 3650, policy->max_age_days));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", _("_Save"), NULL);
  gtk_box_append (GTK_BOX (box), kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), FALSE));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (policy_response_cb), self, 0);
  kb_window_track_activity (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
password_policy_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KbWindow *self = KB_WINDOW (widget);

  if (self->session != NULL && kb_session_has_role (self->session, KB_ROLE_SECURITY_OFFICER))
    kb_store_policy_async (self->store, self->cancellable, policy_loaded_cb, g_object_ref (self));
}

static void
kb_window_dispose (GObject *object)
{
  KbWindow *self = KB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->stashed != NULL)
    {
      for (guint i = 0; i < self->stashed->len; i++)
        gtk_window_destroy (g_ptr_array_index (self->stashed, i));
      g_clear_pointer (&self->stashed, g_ptr_array_unref);
    }
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_WINDOW);

  G_OBJECT_CLASS (kb_window_parent_class)->dispose (object);
}

static void
kb_window_finalize (GObject *object)
{
  KbWindow *self = KB_WINDOW (object);

  /* Pages hold the store too; by now they are gone, and closing waits for
   * queued writes to finish. */
  if (self->store != NULL)
    kb_store_close (self->store);
  g_clear_object (&self->store);
  if (self->reader != NULL)
    kb_store_close (self->reader);
  g_clear_object (&self->reader);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_free (self->terminal);

  G_OBJECT_CLASS (kb_window_parent_class)->finalize (object);
}

static void
kb_window_class_init (KbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kb_window_dispose;
  object_class->finalize = kb_window_finalize;
  window_class->close_request = kb_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, lock_bin);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, content);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, KbWindow, page_stack);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.new-record", NULL, new_record_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.change-password", NULL,
                                   change_password_action);
  gtk_widget_class_install_action (widget_class, "win.password-policy", NULL,
                                   password_policy_action);
}

static void
kb_window_init (KbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->stashed = g_ptr_array_new_with_free_func (g_object_unref);
  kb_window_track_activity (self, GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-record", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
}

/**
 * kb_window_set_accels:
 *
 * The window's keyboard shortcuts, set once for the application; the
 * shortcuts window (ui/help-overlay.ui) lists them.
 */
void
kb_window_set_accels (GtkApplication *app)
{
  static const char *new_accels[] = { "<Primary>n", NULL };
  static const char *search_accels[] = { "<Primary>f", NULL };
  static const char *lock_accels[] = { "<Primary>l", NULL };
  static const char *page_accels[][2] = {
    { "<Alt>1", NULL }, { "<Alt>2", NULL }, { "<Alt>3", NULL }, { "<Alt>4", NULL },
    { "<Alt>5", NULL }, { "<Alt>6", NULL }, { "<Alt>7", NULL }, { "<Alt>8", NULL },
    { "<Alt>9", NULL }, { "<Alt>0", NULL },
  };

  gtk_application_set_accels_for_action (app, "win.new-record", new_accels);
  gtk_application_set_accels_for_action (app, "win.search", search_accels);
  gtk_application_set_accels_for_action (app, "win.lock", lock_accels);
  for (guint i = 0; i < G_N_ELEMENTS (pages) && i < G_N_ELEMENTS (page_accels); i++)
    {
      g_autofree char *detailed = g_strdup_printf ("win.show-page('%s')", pages[i].name);

      gtk_application_set_accels_for_action (app, detailed, page_accels[i]);
    }
}

KbWindow *
kb_window_new (KbApplication *app)
{
  KbWindow *self = g_object_new (KB_TYPE_WINDOW, "application", app, NULL);
  GSettings *settings = kb_application_get_settings (app);

  self->settings = g_object_ref (settings);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  open_store (self, app);
  return self;
}

KbStore *
kb_window_get_store (KbWindow *self)
{
  return self->store;
}

/**
 * kb_window_get_reader:
 *
 * Returns: (transfer none) (nullable): the read-only connection
 */
KbStore *
kb_window_get_reader (KbWindow *self)
{
  return self->reader;
}

void
kb_window_show_page (KbWindow   *self,
                     const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_str_equal (pages[i].name, name))
      {
        gtk_stack_set_visible_child_name (self->page_stack, name);
        gtk_list_box_select_row (self->sidebar_list,
                                 gtk_list_box_get_row_at_index (self->sidebar_list, i));
        /* Folded (a narrow window), show the page rather than the list. */
        adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
        return;
      }
}

const char *
kb_window_get_page (KbWindow *self)
{
  return gtk_stack_get_visible_child_name (self->page_stack);
}

GtkWidget *
kb_window_get_page_widget (KbWindow   *self,
                           const char *name)
{
  return gtk_stack_get_child_by_name (self->page_stack, name);
}

void
kb_window_toast (KbWindow   *self,
                 const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/**
 * kb_window_get_session:
 *
 * Returns: (transfer none) (nullable): who is signed in here
 */
KbSession *
kb_window_get_session (KbWindow *self)
{
  return self->session;
}
