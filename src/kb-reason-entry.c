/* kb-reason-entry.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Reason" entry of the confirmation dialogs whose change is recorded
 * in the journal with the reason given.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-reason-entry.h"

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "apply", text[0] != '\0');
}

/**
 * kb_reason_entry_new:
 * @dialog: a dialog that already has its "apply" response
 * @required: whether "apply" waits until a reason is typed
 *
 * Makes the entry and keeps it as the dialog's "reason" data; the caller
 * puts it in the dialog.
 *
 * Returns: (transfer floating): the entry
 */
GtkWidget *
kb_reason_entry_new (AdwMessageDialog *dialog,
                     gboolean          required)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason"), -1);
  g_object_set_data (G_OBJECT (dialog), "reason", entry);
  if (required)
    {
      adw_message_dialog_set_response_enabled (dialog, "apply", FALSE);
      g_signal_connect (entry, "changed", G_CALLBACK (reason_changed_cb), dialog);
    }
  return entry;
}
