/* kb-backup-dialogs.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialogs of the Backups page: passphrases, progress, the verdict on
 * a backup file and the confirmation of a restore. They hold no state of
 * the page; the page connects to their responses.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-backup-dialogs.h"
#include "kb-password.h"

/* --- words ------------------------------------------------------------------ */

char *
kb_backup_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

char *
kb_backup_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d") : g_strdup ("—");
}

/**
 * kb_backup_describe_error:
 *
 * Returns: (transfer full): why a backup file was refused, in words an
 *   officer can act on
 */
char *
kb_backup_describe_error (const GError *error)
{
  if (error->domain != KB_BACKUP_ERROR)
    return g_strdup (error->message);

  switch ((KbBackupError) error->code)
    {
    case KB_BACKUP_ERROR_WRONG_PASSPHRASE:
      return g_strdup (_("The passphrase is wrong, or the file was altered after it was made: "
                         "the encryption cannot tell these apart. Nothing in it was used."));
    case KB_BACKUP_ERROR_TRUNCATED:
      return g_strdup (_("The file is truncated: it ends before the backup does. It may have "
                         "been copied only in part."));
    case KB_BACKUP_ERROR_NOT_A_BACKUP:
      return g_strdup (_("This file is not a Kanribo backup."));
    case KB_BACKUP_ERROR_TOO_NEW:
      return g_strdup (_("The backup was made by a newer version of Kanribo. Update Kanribo "
                         "to read it."));
    case KB_BACKUP_ERROR_DAMAGED:
      return g_strdup_printf (_("The file decrypts, but the database in it fails its checks: %s"),
                              error->message);
    case KB_BACKUP_ERROR_NO_PASSPHRASE:
      return g_strdup (_("No backup passphrase is set yet. A security officer sets it on the "
                         "Backups page."));
    case KB_BACKUP_ERROR_WEAK_PASSPHRASE:
    case KB_BACKUP_ERROR_FAILED:
    default:
      return g_strdup (error->message);
    }
}

/**
 * kb_backup_message:
 *
 * A message with a Close button, for the caller to present.
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
kb_backup_message (GtkWindow  *parent,
                   const char *heading,
                   const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  return dialog;
}

/* --- progress ------------------------------------------------------------- */

static gboolean
refuse_close (GtkWindow *window)
{
  return TRUE;
}

/**
 * kb_backup_progress_dialog_new:
 *
 * A dialog with a progress bar and Cancel. Cancel emits ::response
 * ("cancel") but does not close it: whoever runs the job destroys it when
 * the job has ended.
 */
GtkWidget *
kb_backup_progress_dialog_new (GtkWindow  *parent,
                               const char *heading,
                               const char *path)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, path);
  GtkWidget *bar = gtk_progress_bar_new ();

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), _("Starting…"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), bar);
  g_object_set_data (G_OBJECT (dialog), "bar", bar);
  g_signal_connect (dialog, "close-request", G_CALLBACK (refuse_close), NULL);
  return dialog;
}

void
kb_backup_progress_dialog_set (GtkWidget *dialog,
                               gint64     done,
                               gint64     total)
{
  GtkProgressBar *bar = g_object_get_data (G_OBJECT (dialog), "bar");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *text = NULL;

  if (total <= 0)
    {
      gtk_progress_bar_pulse (bar);
      return;
    }
  a = g_format_size (done);
  b = g_format_size (total);
  /* Translators: bytes done of all, e.g. "12.3 MB of 45.6 MB" */
  text = g_strdup_printf (_("%s of %s"), a, b);
  gtk_progress_bar_set_fraction (bar, CLAMP ((double) done / total, 0.0, 1.0));
  gtk_progress_bar_set_text (bar, text);
}

/* --- passphrase fields ------------------------------------------------------ */

static void
wipe_free (gpointer text)
{
  kb_password_wipe (text);
  g_free (text);
}

/* An AdwMessageDialog closes before it emits ::response, and closing
 * empties its password entries: what was typed is taken here, to be
 * collected by the response handler (or wiped with the dialog). */
static gboolean
closing_cb (GtkWindow *dialog)
{
  GPtrArray *fields = g_object_get_data (G_OBJECT (dialog), "fields");

  /* GTK 4.8 complains when a focused password entry is unmapped without
   * a focus-out (HACKING.md); the focus goes first. */
  gtk_window_set_focus (dialog, NULL);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const char *name = g_ptr_array_index (fields, i);
      g_autofree char *entry_key = g_strconcat ("entry-", name, NULL);
      g_autofree char *text_key = g_strconcat ("text-", name, NULL);
      GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), entry_key);

      g_object_set_data_full (G_OBJECT (dialog), text_key,
                              g_strdup (gtk_editable_get_text (entry)), wipe_free);
      gtk_editable_set_text (entry, "");
    }
  return FALSE;
}

static GtkWidget *
field_new (GtkWidget  *dialog,
           GtkBox     *box,
           const char *name,
           const char *label,
           const char *hint)
{
  GtkWidget *entry = gtk_password_entry_new ();
  GtkWidget *note = gtk_label_new (hint);
  g_autofree char *entry_key = g_strconcat ("entry-", name, NULL);
  g_autofree char *note_key = g_strconcat ("note-", name, NULL);
  GPtrArray *fields;

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  g_object_set (entry, "placeholder-text", label, "activates-default", TRUE, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  gtk_box_append (box, entry);

  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_margin_start (note, 6);
  gtk_widget_set_visible (note, hint != NULL);
  g_object_set_data (G_OBJECT (note), "hint", (gpointer) hint);
  gtk_box_append (box, note);

  /* Referenced: the dialog lets go of its children when it closes. */
  g_object_set_data_full (G_OBJECT (dialog), entry_key, g_object_ref (entry), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), note_key, g_object_ref (note), g_object_unref);
  fields = g_object_get_data (G_OBJECT (dialog), "fields");
  if (fields == NULL)
    {
      fields = g_ptr_array_new_with_free_func (g_free);
      g_object_set_data_full (G_OBJECT (dialog), "fields", fields,
                              (GDestroyNotify) g_ptr_array_unref);
      g_signal_connect (dialog, "close-request", G_CALLBACK (closing_cb), NULL);
    }
  g_ptr_array_add (fields, g_strdup (name));
  return entry;
}

static GtkWidget *
field_entry (GtkWidget  *dialog,
             const char *name)
{
  g_autofree char *key = g_strconcat ("entry-", name, NULL);

  return g_object_get_data (G_OBJECT (dialog), key);
}

/* Shows @text under the field, as an error; NULL goes back to the hint. */
static void
field_set_error (GtkWidget  *dialog,
                 const char *name,
                 const char *text)
{
  g_autofree char *key = g_strconcat ("note-", name, NULL);
  GtkWidget *note = g_object_get_data (G_OBJECT (dialog), key);
  GtkWidget *entry = field_entry (dialog, name);
  const char *hint;

  if (note == NULL)
    return;
  hint = g_object_get_data (G_OBJECT (note), "hint");
  if (text != NULL)
    {
      gtk_label_set_label (GTK_LABEL (note), text);
      gtk_widget_remove_css_class (note, "dim-label");
      gtk_widget_add_css_class (note, "error");
      gtk_widget_add_css_class (entry, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_label_set_label (GTK_LABEL (note), hint != NULL ? hint : "");
      gtk_widget_add_css_class (note, "dim-label");
      gtk_widget_remove_css_class (note, "error");
      gtk_widget_remove_css_class (entry, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
  gtk_widget_set_visible (note, text != NULL || hint != NULL);
}

static char *
field_take (GtkWidget  *dialog,
            const char *name)
{
  GtkWidget *entry = field_entry (dialog, name);
  g_autofree char *text_key = g_strconcat ("text-", name, NULL);
  char *text;

  if (entry == NULL)
    return NULL;
  /* Taken when the dialog closed. */
  text = g_object_steal_data (G_OBJECT (dialog), text_key);
  if (text != NULL)
    return text;
  text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  /* GtkPasswordEntry keeps its text in non-pageable memory; emptying it
   * leaves the copy above as the only one. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  return text;
}

/**
 * kb_backup_dialog_set_text:
 * @field: "passphrase" in the passphrase dialog; "current", "new" or
 *   "repeat" in the dialog that sets it
 *
 * Types into a passphrase dialog (tests, screenshots).
 */
void
kb_backup_dialog_set_text (GtkWidget  *dialog,
                           const char *field,
                           const char *text)
{
  GtkWidget *entry = field_entry (dialog, field);

  if (entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* --- the passphrase of one file --------------------------------------------- */

static void
passphrase_changed_cb (GtkEditable *entry,
                       GtkWidget   *dialog)
{
  field_set_error (dialog, "passphrase", NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply",
                                           gtk_editable_get_text (entry)[0] != '\0');
}

/**
 * kb_backup_passphrase_dialog_new:
 * @what: "make", "verify" or "restore"
 *
 * Asks for the passphrase to write or read @file with. Its "apply"
 * response is enabled once something is typed.
 */
GtkWidget *
kb_backup_passphrase_dialog_new (GtkWindow  *parent,
                                 const char *what,
                                 GFile      *file)
{
  g_autofree char *name = g_file_get_basename (file);
  gboolean make = g_str_equal (what, "make");
  GtkWidget *dialog, *box, *entry;

  if (make)
    dialog = adw_message_dialog_new (parent, _("Encrypt the Backup"), NULL);
  else
    dialog = adw_message_dialog_new (parent, _("Passphrase of the Backup"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  make ? _("Type the backup passphrase. “%s” can only be "
                                           "restored with it.")
                                  : _("Type the passphrase “%s” was made with."),
                                  name);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = field_new (dialog, GTK_BOX (box), "passphrase", _("Backup passphrase"), NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply",
                                    make ? _("_Back Up")
                                    : g_str_equal (what, "verify") ? _("_Verify")
                                    : _("_Continue"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (passphrase_changed_cb), dialog);
  gtk_window_set_focus (GTK_WINDOW (dialog), entry);
  return dialog;
}

void
kb_backup_passphrase_dialog_set_error (GtkWidget  *dialog,
                                       const char *text)
{
  field_set_error (dialog, "passphrase", text);
}

/**
 * kb_backup_passphrase_dialog_take:
 *
 * Returns: (transfer full): what was typed, emptying the field; wipe it
 *   with kb_password_wipe() after use
 */
char *
kb_backup_passphrase_dialog_take (GtkWidget *dialog)
{
  return field_take (dialog, "passphrase");
}

/* --- setting the passphrase --------------------------------------------------- */

static void
validate (GtkWidget *dialog)
{
  GtkWidget *current = field_entry (dialog, "current");
  const char *new = gtk_editable_get_text (GTK_EDITABLE (field_entry (dialog, "new")));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (field_entry (dialog, "repeat")));
  glong length = g_utf8_strlen (new, -1);
  gboolean ok = TRUE;

  if (current != NULL && gtk_editable_get_text (GTK_EDITABLE (current))[0] == '\0')
    ok = FALSE;

  if (new[0] != '\0' && length < KB_BACKUP_MIN_PASSPHRASE)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Too short: %ld more character needed",
                                                            "Too short: %ld more characters needed",
                                                            KB_BACKUP_MIN_PASSPHRASE - length),
                                               KB_BACKUP_MIN_PASSPHRASE - length);

      field_set_error (dialog, "new", text);
      ok = FALSE;
    }
  else
    {
      field_set_error (dialog, "new", NULL);
      ok = ok && new[0] != '\0';
    }

  if (repeat[0] != '\0' && g_strcmp0 (new, repeat) != 0)
    {
      field_set_error (dialog, "repeat", _("The two passphrases differ"));
      ok = FALSE;
    }
  else
    {
      field_set_error (dialog, "repeat", NULL);
      ok = ok && repeat[0] != '\0';
    }

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", ok);
}

static void
current_changed_cb (GtkEditable *entry,
                    GtkWidget   *dialog)
{
  field_set_error (dialog, "current", NULL);
  validate (dialog);
}

/**
 * kb_backup_set_passphrase_dialog_new:
 * @has_current: whether a passphrase is set (then it is asked for)
 *
 * Asks for a new backup passphrase twice. Its "apply" response is enabled
 * only when both agree and are long enough; what is wrong is shown under
 * the field as it is typed.
 */
GtkWidget *
kb_backup_set_passphrase_dialog_new (GtkWindow *parent,
                                     gboolean   has_current)
{
  g_autofree char *hint = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "At least %d character",
                                                        "At least %d characters",
                                                        KB_BACKUP_MIN_PASSPHRASE),
                                           KB_BACKUP_MIN_PASSPHRASE);
  GtkWidget *dialog, *box, *entry;

  dialog = adw_message_dialog_new (parent,
                                   has_current ? _("Change the Backup Passphrase")
                                   : _("Set the Backup Passphrase"),
                                   _("Backups are encrypted with this passphrase, and only "
                                     "restored with it. Write it down and keep it sealed, "
                                     "apart from the backup media. Backups made before keep "
                                     "their old passphrase."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  if (has_current)
    {
      entry = field_new (dialog, GTK_BOX (box), "current", _("Current passphrase"), NULL);
      g_signal_connect (entry, "changed", G_CALLBACK (current_changed_cb), dialog);
    }
  /* The hint lives as long as the dialog: the note points at it. */
  g_object_set_data_full (G_OBJECT (dialog), "hint", g_strdup (hint), g_free);
  entry = field_new (dialog, GTK_BOX (box), "new", _("New passphrase"),
                     g_object_get_data (G_OBJECT (dialog), "hint"));
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (validate), dialog);
  entry = field_new (dialog, GTK_BOX (box), "repeat", _("New passphrase again"), NULL);
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (validate), dialog);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply",
                                    has_current ? _("_Change Passphrase") : _("_Set Passphrase"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_focus (GTK_WINDOW (dialog), field_entry (dialog, has_current ? "current" : "new"));
  return dialog;
}

/**
 * kb_backup_set_passphrase_dialog_set_error:
 * @field: "current" or "new"
 */
void
kb_backup_set_passphrase_dialog_set_error (GtkWidget  *dialog,
                                           const char *field,
                                           const char *text)
{
  field_set_error (dialog, field, text);
  if (field_entry (dialog, field) != NULL)
    gtk_window_set_focus (GTK_WINDOW (dialog), field_entry (dialog, field));
}

/**
 * kb_backup_set_passphrase_dialog_take:
 * @current: (out) (nullable): the current passphrase, %NULL if none was asked
 * @passphrase: (out): the new one; %NULL if the two differ
 *
 * Empties the fields. Wipe both with kb_password_wipe() after use.
 */
void
kb_backup_set_passphrase_dialog_take (GtkWidget  *dialog,
                                      char      **current,
                                      char      **passphrase)
{
  char *new = field_take (dialog, "new");
  char *repeat = field_take (dialog, "repeat");

  *current = field_take (dialog, "current");
  *passphrase = NULL;
  if (new != NULL && repeat != NULL && g_str_equal (new, repeat) && new[0] != '\0')
    *passphrase = g_steal_pointer (&new);
  kb_password_wipe (new);
  kb_password_wipe (repeat);
  g_free (new);
  g_free (repeat);
}

/* --- verdicts ------------------------------------------------------------------ */

static char *
digest_groups (const char *digest)
{
  GString *s = g_string_new (NULL);

  /* Four groups of sixteen wrap at a space, not in the middle of a word. */
  for (gsize i = 0; digest != NULL && digest[i] != '\0'; i++)
    {
      if (i > 0 && i % 16 == 0)
        g_string_append_c (s, ' ');
      g_string_append_c (s, digest[i]);
    }
  return g_string_free (s, FALSE);
}

static char *
describe_info (const KbBackupInfo *info)
{
  g_autofree char *made = kb_backup_format_time (info->made_at);
  g_autofree char *size = g_format_size (info->size);
  g_autofree char *digest = digest_groups (info->digest);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, _("Made at %s"), made);
  g_string_append_c (s, '\n');
  if (info->n_entries > 0)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                            "%" PRId64 " journal entry, all verified",
                                            "%" PRId64 " journal entries, all verified",
                                            info->n_entries),
                            info->n_entries);
  else
    g_string_append_printf (s, _("Journal up to entry %" PRId64), info->journal_seq);
  g_string_append_c (s, '\n');
  g_string_append_printf (s, _("Database schema version %d, file format %u"),
                          info->schema_version, info->format_version);
  g_string_append_c (s, '\n');
  g_string_append_printf (s, _("%s, SHA-256 %s"), size, digest);
  return g_string_free (s, FALSE);
}

/**
 * kb_backup_result_dialog_new:
 * @info: (nullable): what the file holds, when it can be restored
 * @error: (nullable): why it cannot, when @info is %NULL
 *
 * The verdict of a verification. After a wrong passphrase it offers
 * "retry" besides "close".
 */
GtkWidget *
kb_backup_result_dialog_new (GtkWindow          *parent,
                             GFile              *file,
                             const KbBackupInfo *info,
                             const GError       *error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (info != NULL)
    {
      text = describe_info (info);
      body = g_strdup_printf ("%s\n\n%s", text, path);
      dialog = adw_message_dialog_new (parent, _("The Backup Can Be Restored"), body);
    }
  else
    {
      text = kb_backup_describe_error (error);
      body = g_strdup_printf ("%s\n\n%s", text, path);
      dialog = adw_message_dialog_new (parent, _("The Backup Cannot Be Restored"), body);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (g_error_matches (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE))
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "retry",
                                     _("_Try Another Passphrase"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  return dialog;
}

/**
 * kb_backup_restore_dialog_new:
 * @info: what the verified backup holds
 * @database_path: the live database
 *
 * The confirmation of a restore; its "restore" response goes ahead.
 */
GtkWidget *
kb_backup_restore_dialog_new (GtkWindow          *parent,
                              GFile              *file,
                              const KbBackupInfo *info,
                              const char         *database_path)
{
  g_autofree char *made = kb_backup_format_time (info->made_at);
  g_autofree char *folder = g_path_get_dirname (database_path);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("Every register of this database is replaced by the backup “%s”, "
                            "made at %s, with its journal up to entry %" PRId64 ". Whatever "
                            "was recorded after that moment is no longer in the registers."
                            "\n\nThe current database is not deleted: it is kept as a copy in "
                            "%s, and the copy’s name is shown when the restore is done. "
                            "Everyone signs in again afterwards."),
                          name, made, info->journal_seq, folder);
  dialog = adw_message_dialog_new (parent, _("Replace the Whole Database?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "restore", _("_Replace Database"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}
