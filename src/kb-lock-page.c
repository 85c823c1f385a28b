/* kb-lock-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window shows whenever no one is signed in: what to do next
 * (insert the card, type the password, fix the reader) and nothing of any
 * register.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-auth.h"
#include "kb-lock-page.h"

struct _KbLockPage {
  GtkWidget parent_instance;

  KbSession *session;

  GtkStack *icon_stack;
  GtkImage *icon;
  GtkSpinner *spinner;
  GtkLabel *title;
  GtkLabel *description;
  GtkStack *form_stack;
  GtkWidget *password_entry;
  GtkLabel *password_error;
  GtkWidget *sign_in_button;
  AdwPasswordEntryRow *old_password;
  AdwPasswordEntryRow *new_password;
  AdwPasswordEntryRow *confirm_password;
  GtkLabel *change_error;
  AdwEntryRow *boot_division;
  AdwEntryRow *boot_staff;
  AdwEntryRow *boot_name;
  AdwEntryRow *boot_kana;
  AdwPasswordEntryRow *boot_password;
  AdwPasswordEntryRow *boot_confirm;
  AdwActionRow *boot_card;
  GtkLabel *boot_error;
};

G_DEFINE_FINAL_TYPE (KbLockPage, kb_lock_page, GTK_TYPE_WIDGET)

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
clear_secret (GtkEditable *editable)
{
  gtk_editable_set_text (editable, "");
}

static void
show (KbLockPage *self,
      const char *icon,
      const char *title,
      const char *description,
      const char *form)
{
  if (icon != NULL)
    {
      gtk_image_set_from_icon_name (self->icon, icon);
      gtk_stack_set_visible_child_name (self->icon_stack, "icon");
      gtk_spinner_set_spinning (self->spinner, FALSE);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->icon_stack, "spinner");
      gtk_spinner_set_spinning (self->spinner, TRUE);
    }
  gtk_label_set_label (self->title, title);
  gtk_label_set_label (self->description, description != NULL ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description), description != NULL);
  gtk_stack_set_visible_child_name (self->form_stack, form);
}

static char *
lock_note (KbSession *session)
{
  const char *reason = kb_session_get_lock_reason (session);

  if (reason == NULL)
    return NULL;
  if (g_str_equal (reason, "idle"))
    return g_strdup (_("Locked after a period without use."));
  if (g_str_equal (reason, "card-removed") || g_str_equal (reason, "card-swapped"))
    return g_strdup (_("Locked when the card left the reader."));
  if (g_str_equal (reason, "service-lost") || g_str_equal (reason, "reader-lost"))
    return g_strdup (_("Locked because the card reader stopped answering."));
  if (g_str_equal (reason, "restored"))
    return g_strdup (_("Locked after the database was restored from a backup."));
  return NULL;
}

static void
update (KbLockPage *self)
{
  KbSession *s = self->session;
  KbOperator *op = kb_session_get_operator (s);
  const char *message = kb_session_get_message (s);
  g_autofree char *note = NULL;
  g_autofree char *text = NULL;

  switch (kb_session_get_state (s))
    {
    case KB_SESSION_STARTING:
      show (self, NULL, _("Starting…"), NULL, "none");
      break;

    case KB_SESSION_NO_SERVICE:
      show (self, "dialog-warning-symbolic", _("The Card Service Is Not Available"),
            message != NULL ? message : _("The smart card service (pcscd) is not running."),
            "none");
      break;

    case KB_SESSION_NO_READER:
      show (self, "dialog-warning-symbolic", _("No Card Reader"),
            message != NULL ? message : _("Connect the IC card reader."), "none");
      break;

    case KB_SESSION_INSERT_CARD:
      note = lock_note (s);
      text = g_strconcat (_("Kanribo is locked. Insert your own IC card into the reader to "
                            "sign in."), note != NULL ? "\n\n" : "", note, NULL);
      show (self, "auth-smartcard-symbolic", _("Insert Your IC Card"), text, "none");
      break;

    case KB_SESSION_CHECKING_CARD:
      show (self, NULL, _("Reading the Card…"), NULL, "none");
      break;

    case KB_SESSION_REFUSED:
      text = g_strconcat (message != NULL ? message : "", "\n\n", _("Remove the card."), NULL);
      show (self, "action-unavailable-symbolic", _("This Card Cannot Sign In"), text, "none");
      break;

    case KB_SESSION_PASSWORD:
    case KB_SESSION_VERIFYING:
      if (gtk_stack_get_visible_child_name (self->form_stack) != NULL &&
          g_str_equal (gtk_stack_get_visible_child_name (self->form_stack), "change"))
        {
          /* Verifying a password change. */
          show (self, NULL, op != NULL ? kb_operator_get_name (op) : "",
                _("Saving the new password…"), "change");
          break;
        }
      if (g_strcmp0 (kb_session_get_lock_reason (s), "idle") == 0)
        note = g_strdup (_("Locked after a period without use. Enter your password to go on."));
      else if (g_strcmp0 (kb_session_get_lock_reason (s), "restored") == 0)
        note = g_strdup (_("The database was restored from a backup. Enter your password to "
                           "sign in to the restored registers."));
      else
        note = g_strdup (_("Enter your password."));
      show (self, kb_session_get_state (s) == KB_SESSION_VERIFYING ? NULL
                                                                    : "avatar-default-symbolic",
            op != NULL ? kb_operator_get_name (op) : "", note, "password");
      show_error (self->password_error, kb_session_get_field_error (s, KB_FIELD_PASSWORD));
      gtk_widget_set_sensitive (self->password_entry,
                                kb_session_get_state (s) == KB_SESSION_PASSWORD);
      gtk_widget_set_sensitive (self->sign_in_button,
                                kb_session_get_state (s) == KB_SESSION_PASSWORD);
      if (kb_session_get_state (s) == KB_SESSION_PASSWORD)
        {
          clear_secret (GTK_EDITABLE (self->password_entry));
          gtk_widget_grab_focus (self->password_entry);
        }
      break;

    case KB_SESSION_CHANGE_PASSWORD:
      show (self, "dialog-password-symbolic", op != NULL ? kb_operator_get_name (op) : "",
            _("Your password must be changed before you go on."), "change");
      show_error (self->change_error,
                  kb_session_get_field_error (s, KB_FIELD_PASSWORD) != NULL
                  ? kb_session_get_field_error (s, KB_FIELD_PASSWORD)
                  : kb_session_get_field_error (s, "old-password"));
      gtk_widget_grab_focus (GTK_WIDGET (self->old_password));
      break;

    case KB_SESSION_BOOTSTRAP:
      show (self, "security-high-symbolic", _("Welcome to Kanribo"),
            _("This database has no one who can sign in yet. Register the security officer "
              "who will administer operators and cards, with their own IC card."),
            "bootstrap");
      adw_action_row_set_subtitle (self->boot_card,
                                   kb_session_get_card_present (s)
                                   ? _("The card in the reader will be issued to the officer")
                                   : _("Insert the officer’s own card into the reader"));
      {
        const char *field_error = NULL;
        const char *fields[] = { "division", "staff-number", "name", "kana", "password",
                                 "roles", "card", NULL };

        for (guint i = 0; fields[i] != NULL && field_error == NULL; i++)
          field_error = kb_session_get_field_error (s, fields[i]);
        show_error (self->boot_error, field_error);
      }
      break;

    case KB_SESSION_ISSUE_CARD:
      show (self, "auth-smartcard-symbolic", _("Insert the New Card"),
            _("Remove your own card and insert the card to issue. Registers stay hidden "
              "meanwhile."), "issue");
      break;

    case KB_SESSION_CARD_ISSUED:
      show (self, "emblem-ok-symbolic", _("Remove the Card"), message, "none");
      break;

    case KB_SESSION_UNLOCKED:
    default:
      show (self, "changes-allow-symbolic", "", NULL, "none");
      break;
    }
}

static void
sign_in_cb (KbLockPage *self)
{
  g_autofree char *password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_entry)));

  if (password[0] == '\0')
    return;
  clear_secret (GTK_EDITABLE (self->password_entry));
  kb_session_submit_password (self->session, password);
  explicit_bzero (password, strlen (password));
}

static void
change_cb (KbLockPage *self)
{
  const char *new_password = gtk_editable_get_text (GTK_EDITABLE (self->new_password));

  if (g_strcmp0 (new_password, gtk_editable_get_text (GTK_EDITABLE (self->confirm_password))) != 0)
    {
      show_error (self->change_error, _("The two new passwords differ"));
      return;
    }
  kb_session_change_password (self->session,
                              gtk_editable_get_text (GTK_EDITABLE (self->old_password)),
                              new_password);
  clear_secret (GTK_EDITABLE (self->old_password));
  clear_secret (GTK_EDITABLE (self->new_password));
  clear_secret (GTK_EDITABLE (self->confirm_password));
}

static void
bootstrap_cb (KbLockPage *self)
{
  g_autoptr(KbOperator) op = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->boot_password));

  if (g_strcmp0 (password, gtk_editable_get_text (GTK_EDITABLE (self->boot_confirm))) != 0)
    {
      show_error (self->boot_error, _("The two passwords differ"));
      return;
    }

  op = kb_operator_new (0, gtk_editable_get_text (GTK_EDITABLE (self->boot_staff)),
                        gtk_editable_get_text (GTK_EDITABLE (self->boot_name)),
                        gtk_editable_get_text (GTK_EDITABLE (self->boot_kana)),
                        0, NULL, KB_ROLE_SECURITY_OFFICER, TRUE);
  kb_session_bootstrap (self->session,
                        gtk_editable_get_text (GTK_EDITABLE (self->boot_division)), op, password);
}

static void
cancel_issue_cb (KbLockPage *self)
{
  kb_session_cancel_issue (self->session);
}

static void
kb_lock_page_dispose (GObject *object)
{
  KbLockPage *self = KB_LOCK_PAGE (object);
  GtkWidget *child;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_LOCK_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kb_lock_page_parent_class)->dispose (object);
}

static void
kb_lock_page_class_init (KbLockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_lock_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, icon);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, title);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, description);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, form_stack);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, password_error);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, old_password);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, new_password);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, confirm_password);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, change_error);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_division);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_staff);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_name);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_kana);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_password);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_confirm);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_card);
  gtk_widget_class_bind_template_child (widget_class, KbLockPage, boot_error);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, change_cb);
  gtk_widget_class_bind_template_callback (widget_class, bootstrap_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_issue_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kb_lock_page_init (KbLockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kb_lock_page_new (KbSession *session)
{
  KbLockPage *self = g_object_new (KB_TYPE_LOCK_PAGE, NULL);

  self->session = g_object_ref (session);
  g_signal_connect_swapped (session, "notify::state", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

const char *
kb_lock_page_get_title (KbLockPage *self)
{
  return gtk_label_get_label (self->title);
}

/**
 * kb_lock_page_set_password:
 *
 * Types @password and signs in, as a person would (for tests and tools).
 */
void
kb_lock_page_set_password (KbLockPage *self,
                           const char *password)
{
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), password);
  sign_in_cb (self);
}

/**
 * kb_lock_page_change_password:
 *
 * Fills in the forced password change and submits it, as a person would.
 */
void
kb_lock_page_change_password (KbLockPage *self,
                              const char *old_password,
                              const char *new_password,
                              const char *again)
{
  gtk_editable_set_text (GTK_EDITABLE (self->old_password), old_password);
  gtk_editable_set_text (GTK_EDITABLE (self->new_password), new_password);
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_password), again);
  change_cb (self);
}

/**
 * kb_lock_page_bootstrap:
 *
 * Fills in the first-start form and submits it, as a person would.
 */
void
kb_lock_page_bootstrap (KbLockPage *self,
                        const char *division,
                        const char *staff_number,
                        const char *name,
                        const char *kana,
                        const char *password,
                        const char *again)
{
  gtk_editable_set_text (GTK_EDITABLE (self->boot_division), division);
  gtk_editable_set_text (GTK_EDITABLE (self->boot_staff), staff_number);
  gtk_editable_set_text (GTK_EDITABLE (self->boot_name), name);
  gtk_editable_set_text (GTK_EDITABLE (self->boot_kana), kana);
  gtk_editable_set_text (GTK_EDITABLE (self->boot_password), password);
  gtk_editable_set_text (GTK_EDITABLE (self->boot_confirm), again);
  bootstrap_cb (self);
}

/**
 * kb_lock_page_get_error:
 *
 * Returns: (nullable): the problem shown under the form, if any
 */
const char *
kb_lock_page_get_error (KbLockPage *self)
{
  GtkLabel *labels[] = { self->password_error, self->change_error, self->boot_error };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (gtk_widget_get_visible (GTK_WIDGET (labels[i])))
      return gtk_label_get_label (labels[i]);
  return NULL;
}
