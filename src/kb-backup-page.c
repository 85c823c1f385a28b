/* kb-backup-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Backups (データのバックアップ): the state of the last one, making,
 * verifying and restoring encrypted backup files, the backup passphrase,
 * and the register of the backups made. Every step that reads or writes a
 * file runs on the store's thread; the dialogs of each step live in
 * kb-backup-dialogs.c.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-application.h"
#include "kb-backup.h"
#include "kb-backup-dialogs.h"
#include "kb-backup-page.h"
#include "kb-label-cell.h"
#include "kb-password.h"
#include "kb-window.h"

#define SECONDS_PER_DAY 86400

typedef enum {
  OP_MAKE,
  OP_VERIFY,
  OP_CHECK_RESTORE,    /* the verification before the confirmation */
  OP_RESTORE,
  OP_SET_PASSPHRASE,
} OpKind;

/* One backup, verification, restore or passphrase change. Shared with the
 * store's thread, so it holds no widget and is freed on either thread;
 * the page keeps the widgets of the running one. */
typedef struct {
  gatomicrefcount  ref;
  OpKind           kind;
  GFile           *file;
  char            *passphrase;    /* wiped when freed */
  char            *current;       /* the passphrase being replaced, wiped */
  GCancellable    *cancellable;
  GMutex           lock;
  gint64           done;          /* bytes, written by the store's thread */
  gint64           total;
  KbBackupInfo     info;          /* filled by the job */
  char            *kept_path;
  gint64           owner;         /* the operator who started it */
} Op;

struct _KbBackupPage {
  GtkWidget parent_instance;

  KbStore      *store;
  KbStore      *reader;
  KbSession    *session;
  GSettings    *settings;         /* nullable: no KbApplication */
  GCancellable *cancellable;      /* loads */
  GListStore   *items;
  gboolean      has_passphrase;
  gboolean      disposed;

  Op           *op;               /* the running operation */
  GtkWidget    *progress;         /* its dialog */
  guint         tick;
  char         *result;           /* what the last operation said */
  GPtrArray    *pending;          /* dialogs for an operator not signed in */
  char         *last_folder;      /* where the last backup was saved */

  GtkStack      *role_stack;
  GtkStack      *view_stack;
  GtkColumnView *column_view;
  GtkLabel      *count_label;
  AdwActionRow  *last_row;
  GtkImage      *last_icon;
  AdwActionRow  *age_row;
  GtkImage      *age_icon;
  AdwActionRow  *passphrase_row;
  GtkWidget     *make_button;
  GtkWidget     *verify_button;
  GtkWidget     *passphrase_button;
  GtkWidget     *restore_button;
};

G_DEFINE_FINAL_TYPE (KbBackupPage, kb_backup_page, GTK_TYPE_WIDGET)

static void start_op (KbBackupPage *self, OpKind kind, GFile *file, char *passphrase,
                      char *current);
static void reload (KbBackupPage *self);
static void update_state (KbBackupPage *self);
static gint64 signed_in (KbBackupPage *self);

/* --- operations ------------------------------------------------------------ */

static Op *
op_new (OpKind  kind,
        GFile  *file,
        char   *passphrase,
        char   *current)
{
  Op *op = g_new0 (Op, 1);

  g_atomic_ref_count_init (&op->ref);
  op->kind = kind;
  op->file = file != NULL ? g_object_ref (file) : NULL;
  op->passphrase = passphrase;
  op->current = current;
  op->cancellable = g_cancellable_new ();
  g_mutex_init (&op->lock);
  return op;
}

static Op *
op_ref (Op *op)
{
  g_atomic_ref_count_inc (&op->ref);
  return op;
}

static void
op_unref (gpointer data)
{
  Op *op = data;

  if (!g_atomic_ref_count_dec (&op->ref))
    return;
  kb_password_wipe (op->passphrase);
  kb_password_wipe (op->current);
  g_free (op->passphrase);
  g_free (op->current);
  g_clear_object (&op->file);
  g_clear_object (&op->cancellable);
  g_mutex_clear (&op->lock);
  kb_backup_info_clear (&op->info);
  g_free (op->kept_path);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_unref)

static void
op_progress (gint64   done,
             gint64   total,
             gpointer user_data)
{
  Op *op = user_data;

  g_mutex_lock (&op->lock);
  op->done = done;
  op->total = total;
  g_mutex_unlock (&op->lock);
}

static gpointer
op_job (KbDb          *db,
        gpointer       data,
        GCancellable  *cancellable,
        GError       **error)
{
  Op *op = data;
  GError *local = NULL;

  switch (op->kind)
    {
    case OP_MAKE:
      kb_backup_make (db, op->passphrase, op->file, op_progress, op, op->cancellable,
                      &op->info, &local);
      break;
    case OP_VERIFY:
    case OP_CHECK_RESTORE:
      kb_backup_verify (db, op->file, op->passphrase, op_progress, op, op->cancellable,
                        &op->info, &local);
      break;
    case OP_RESTORE:
      kb_backup_restore (db, op->file, op->passphrase, op_progress, op, op->cancellable,
                         &op->kept_path, &op->info, &local);
      break;
    case OP_SET_PASSPHRASE:
      kb_backup_set_passphrase (db, op->current, op->passphrase, &local);
      break;
    default:
      g_assert_not_reached ();
    }

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static gboolean
progress_tick (gpointer user_data)
{
  KbBackupPage *self = user_data;
  gint64 done, total;

  if (self->op == NULL || self->progress == NULL)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&self->op->lock);
  done = self->op->done;
  total = self->op->total;
  g_mutex_unlock (&self->op->lock);
  kb_backup_progress_dialog_set (self->progress, done, total);
  return G_SOURCE_CONTINUE;
}

static void
set_result (KbBackupPage *self,
            const char   *result)
{
  g_free (self->result);
  self->result = g_strdup (result);
}

static void
toast (KbBackupPage *self,
       gint64        owner,
       const char   *message)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), KB_TYPE_WINDOW);

  set_result (self, message);
  /* A toast would show over the lock page. */
  if (window != NULL && owner != 0 && signed_in (self) == owner)
    kb_window_toast (KB_WINDOW (window), message);
}

static GtkWindow *
parent_window (KbBackupPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
track (KbBackupPage *self,
       GtkWidget    *dialog)
{
  GtkWindow *window = parent_window (self);

  if (KB_IS_WINDOW (window))
    kb_window_track_activity (KB_WINDOW (window), dialog);
}

/* Who is signed in now; 0 when nobody is. */
static gint64
signed_in (KbBackupPage *self)
{
  KbOperator *op;

  if (self->session == NULL || kb_session_get_state (self->session) != KB_SESSION_UNLOCKED)
    return 0;
  op = kb_session_get_operator (self->session);
  return op != NULL ? kb_operator_get_id (op) : 0;
}

/* Shows @dialog to @owner: now if they are signed in, else when they
 * next sign in; never over the lock page and never to someone else. A
 * job can end after the window locked (idle, card removed). */
static void
show_dialog (KbBackupPage *self,
             gint64        owner,
             GtkWidget    *dialog)
{
  track (self, dialog);
  if (owner != 0 && signed_in (self) == owner)
    {
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (self->pending == NULL)
    {
      gtk_window_destroy (GTK_WINDOW (dialog));
      return;
    }
  g_object_set_data (G_OBJECT (dialog), "kb-owner", GSIZE_TO_POINTER ((gsize) owner));
  g_ptr_array_add (self->pending, dialog);
}

static void
show_pending (KbBackupPage *self)
{
  gint64 who = signed_in (self);

  if (who == 0 || self->pending == NULL)
    return;
  for (guint i = 0; i < self->pending->len; i++)
    {
      GtkWidget *dialog = g_ptr_array_index (self->pending, i);

      if ((gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "kb-owner")) == who)
        gtk_window_present (GTK_WINDOW (dialog));
      else
        gtk_window_destroy (GTK_WINDOW (dialog));
    }
  g_ptr_array_set_size (self->pending, 0);
}

static GtkWidget *ask_passphrase (KbBackupPage *self, gint64 owner, const char *what,
                                  GFile *file);
static GtkWidget *open_set_passphrase (KbBackupPage *self, gint64 owner);

/* After a restore every register is new: each page reloads what it shows,
 * and nobody stays signed in against the database that was replaced. */
static void
after_restore (KbBackupPage *self)
{
  static const char * const entities[] = {
    "division", "operator", "terminal", "task", "card", "usage", "setting",
    "asset", "disposal", "room", "backup", NULL,
  };

  for (guint i = 0; entities[i] != NULL; i++)
    g_signal_emit_by_name (self->store, "changed", entities[i]);
  if (self->session != NULL && kb_session_get_state (self->session) == KB_SESSION_UNLOCKED)
    kb_session_lock (self->session, "restored");
}

static void
passphrase_again (KbBackupPage *self,
                  Op           *op,
                  const char   *error_text)
{
  GtkWidget *dialog;

  dialog = ask_passphrase (self, op->owner,
                           op->kind == OP_MAKE ? "make"
                           : op->kind == OP_VERIFY ? "verify" : "restore",
                           op->file);
  kb_backup_passphrase_dialog_set_error (dialog, error_text);
}

static void
restore_confirmed_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      KbBackupPage     *self)
{
  Op *checked = g_object_get_data (G_OBJECT (dialog), "op");

  if (!g_str_equal (response, "restore") || checked == NULL || self->op != NULL)
    return;
  start_op (self, OP_RESTORE, checked->file, g_strdup (checked->passphrase), NULL);
}

static void
result_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KbBackupPage     *self)
{
  GFile *file = g_object_get_data (G_OBJECT (dialog), "file");
  OpKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind"));

  if (g_str_equal (response, "retry") && !self->disposed)
    ask_passphrase (self, signed_in (self), kind == OP_VERIFY ? "verify" : "restore", file);
}

static void
present_result (KbBackupPage       *self,
                Op                 *op,
                const KbBackupInfo *info,
                const GError       *error)
{
  GtkWidget *dialog = kb_backup_result_dialog_new (parent_window (self), op->file, info, error);

  set_result (self, info != NULL ? "restorable" : error->message);
  g_object_set_data_full (G_OBJECT (dialog), "file", g_object_ref (op->file), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "kind", GINT_TO_POINTER (op->kind));
  g_signal_connect_object (dialog, "response", G_CALLBACK (result_response_cb), self, 0);
  show_dialog (self, op->owner, dialog);
}

static void
op_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KbBackupPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Op) op = g_steal_pointer (&self->op);
  gboolean ok = kb_store_run_finish (KB_STORE (source), result, &error) != NULL;
  GtkWindow *parent;

  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->progress != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->progress)));
  if (self->disposed || op == NULL)
    return;
  parent = parent_window (self);
  update_state (self);

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      toast (self, op->owner, op->kind == OP_MAKE ? _("The backup was cancelled; no file was left behind")
                   : op->kind == OP_RESTORE ? _("The restore was cancelled; nothing was changed")
                   : _("Cancelled"));
      reload (self);
      return;
    }

  switch (op->kind)
    {
    case OP_MAKE:
      if (ok)
        {
          g_autofree char *size = g_format_size (op->info.size);
          g_autofree char *text = NULL;
          g_autoptr(GFile) folder = g_file_get_parent (op->file);

          /* Translators: a toast; the backup's size and the first 12 hex
           * digits of its SHA-256 digest */
          text = g_strdup_printf (_("Backup saved: %s, SHA-256 %.12s…"), size,
                                  op->info.digest != NULL ? op->info.digest : "");
          g_free (self->last_folder);
          self->last_folder = folder != NULL ? g_file_get_path (folder) : NULL;
          toast (self, op->owner, text);
        }
      else if (g_error_matches (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE))
        passphrase_again (self, op,
                          _("This is not the backup passphrase. Nothing was written."));
      else
        {
          set_result (self, error->message);
          show_dialog (self, op->owner,
                       kb_backup_message (parent, _("Could Not Back Up"), error->message));
        }
      break;

    case OP_VERIFY:
      present_result (self, op, ok ? &op->info : NULL, error);
      break;

    case OP_CHECK_RESTORE:
      if (ok)
        {
          GtkWidget *dialog = kb_backup_restore_dialog_new (parent, op->file, &op->info,
                                                            kb_store_get_path (self->store));

          set_result (self, "restorable");
          g_object_set_data_full (G_OBJECT (dialog), "op", op_ref (op), op_unref);
          g_signal_connect_object (dialog, "response", G_CALLBACK (restore_confirmed_cb), self, 0);
          show_dialog (self, op->owner, dialog);
        }
      else
        present_result (self, op, NULL, error);
      break;

    case OP_RESTORE:
      if (ok)
        {
          g_autofree char *made = kb_backup_format_time (op->info.made_at);
          g_autofree char *body = NULL;

          body = g_strdup_printf (_("The registers are now those of the backup made at %s. "
                                    "The database as it was before the restore is kept at "
                                    "%s.\n\nEveryone signs in again."),
                                  made, op->kept_path != NULL ? op->kept_path : "—");
          set_result (self, body);
          /* Shown before the lock hides it: the window gives it back to
           * whoever signs in first if that is the same officer. */
          show_dialog (self, op->owner, kb_backup_message (parent, _("Database Restored"), body));
          after_restore (self);
        }
      else
        {
          set_result (self, error->message);
          show_dialog (self, op->owner,
                       kb_backup_message (parent, _("The Database Was Not Restored"),
                                          error->message));
        }
      break;

    case OP_SET_PASSPHRASE:
      if (ok)
        toast (self, op->owner, op->current != NULL ? _("The backup passphrase was changed")
                                         : _("The backup passphrase was set"));
      else if (g_error_matches (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WRONG_PASSPHRASE))
        {
          GtkWidget *dialog = open_set_passphrase (self, op->owner);

          kb_backup_set_passphrase_dialog_set_error (dialog, "current",
                                                     _("This is not the current passphrase"));
        }
      else if (g_error_matches (error, KB_BACKUP_ERROR, KB_BACKUP_ERROR_WEAK_PASSPHRASE))
        {
          GtkWidget *dialog = open_set_passphrase (self, op->owner);

          kb_backup_set_passphrase_dialog_set_error (dialog, "new", error->message);
        }
      else
        {
          set_result (self, error->message);
          show_dialog (self, op->owner,
                       kb_backup_message (parent, _("The Passphrase Was Not Saved"),
                                          error->message));
        }
      break;

    default:
      g_assert_not_reached ();
    }
  reload (self);
}

static void
progress_response_cb (KbBackupPage *self,
                      const char   *response)
{
  /* The only response is Cancel; the dialog stays until the job ends. */
  if (self->op != NULL)
    g_cancellable_cancel (self->op->cancellable);
}

/* Takes @passphrase and @current (and wipes them when done). */
static void
start_op (KbBackupPage *self,
          OpKind        kind,
          GFile        *file,
          char         *passphrase,
          char         *current)
{
  static const char *headings[] = {
    N_("Backing Up"), N_("Verifying the Backup"), N_("Verifying the Backup"),
    N_("Restoring"), NULL,
  };

  KbRoles roles = kind == OP_MAKE || kind == OP_VERIFY ? KB_ROLES_BACKUP_MAKERS
                  : KB_ROLES_BACKUP_RESTORERS;
  gint64 owner = signed_in (self);

  /* Only for whoever is signed in with the role: a job queued while the
   * window is locked would run as nobody, which the core takes for the
   * command line. */
  if (self->op != NULL || owner == 0 || !kb_session_has_role (self->session, roles))
    {
      kb_password_wipe (passphrase);
      kb_password_wipe (current);
      g_free (passphrase);
      g_free (current);
      if (self->op == NULL)
        set_result (self, _("Only a signed-in security officer or network administrator can "
                            "do this"));
      return;
    }

  self->op = op_new (kind, file, passphrase, current);
  self->op->owner = owner;
  set_result (self, NULL);
  update_state (self);
  if (headings[kind] != NULL)
    {
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      self->progress = kb_backup_progress_dialog_new (parent_window (self), _(headings[kind]),
                                                      path);
      g_signal_connect_object (self->progress, "response", G_CALLBACK (progress_response_cb),
                               self, G_CONNECT_SWAPPED);
      track (self, self->progress);
      gtk_window_present (GTK_WINDOW (self->progress));
      self->tick = g_timeout_add (100, progress_tick, self);
    }
  kb_store_run_async (self->store, "backup", op_job, op_ref (self->op), op_unref, NULL,
                      self->op->cancellable, op_done_cb, g_object_ref (self));
}

/* --- file choosers --------------------------------------------------------- */

static GFile *
default_folder (KbBackupPage *self)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (self->last_folder != NULL && g_file_test (self->last_folder, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (self->last_folder);

  /* The folder of the newest backup in the register: where this office
   * keeps them, remembered across runs without a setting. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0)
    {
      g_autoptr(KbBackupRecord) r = g_list_model_get_item (G_LIST_MODEL (self->items), 0);
      g_autofree char *dir = g_path_get_dirname (kb_backup_record_get_path (r));

      if (g_path_is_absolute (dir) && g_file_test (dir, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path (dir);
    }
  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (documents);
  return g_file_new_for_path (g_get_home_dir ());
}

static void
add_filters (GtkFileChooser *chooser)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Kanribo backups"));
  gtk_file_filter_add_suffix (filter, KB_BACKUP_SUFFIX + 1);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     KbBackupPage    *self)
{
  const char *what = g_object_get_data (G_OBJECT (chooser), "what");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && g_str_equal (what, "make"))
    {
      g_autofree char *path = g_file_get_path (file);

      /* A backup always carries the suffix, so that it is found again. */
      if (path != NULL && !g_str_has_suffix (path, KB_BACKUP_SUFFIX))
        {
          g_autofree char *with = g_strconcat (path, KB_BACKUP_SUFFIX, NULL);

          g_object_unref (file);
          file = g_file_new_for_path (with);
        }
    }
  if (file != NULL && !self->disposed)
    kb_backup_page_ask_passphrase (self, what, file);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (KbBackupPage *self,
             const char   *what)
{
  gboolean save = g_str_equal (what, "make");
  GtkFileChooserNative *chooser;
  g_autoptr(GFile) folder = default_folder (self);

  chooser = gtk_file_chooser_native_new (save ? _("Save the Backup")
                                         : g_str_equal (what, "verify") ? _("Verify a Backup File")
                                         : _("Restore from a Backup"),
                                         parent_window (self),
                                         save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                         : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         save ? _("_Save") : _("_Open"), _("_Cancel"));
  add_filters (GTK_FILE_CHOOSER (chooser));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  if (save)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
      g_autofree char *name = g_strdup_printf ("kanribo-%s%s", stamp, KB_BACKUP_SUFFIX);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "what", g_strdup (what), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- passphrase dialogs ---------------------------------------------------- */

static void
passphrase_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        KbBackupPage     *self)
{
  GFile *file = g_object_get_data (G_OBJECT (dialog), "file");
  const char *what = g_object_get_data (G_OBJECT (dialog), "what");
  char *passphrase = kb_backup_passphrase_dialog_take (GTK_WIDGET (dialog));

  if (!g_str_equal (response, "apply") || passphrase == NULL || passphrase[0] == '\0')
    {
      kb_password_wipe (passphrase);
      g_free (passphrase);
      return;
    }
  if (g_str_equal (what, "make"))
    start_op (self, OP_MAKE, file, passphrase, NULL);
  else if (g_str_equal (what, "verify"))
    start_op (self, OP_VERIFY, file, passphrase, NULL);
  else
    start_op (self, OP_CHECK_RESTORE, file, passphrase, NULL);
}

/**
 * kb_backup_page_ask_passphrase:
 * @what: "make", "verify" or "restore"
 * @file: the backup to write or read
 *
 * Asks for the passphrase of @file, then goes on as after the file
 * chooser.
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
kb_backup_page_ask_passphrase (KbBackupPage *self,
                               const char   *what,
                               GFile        *file)
{
  g_return_val_if_fail (KB_IS_BACKUP_PAGE (self), NULL);
  return ask_passphrase (self, signed_in (self), what, file);
}

static GtkWidget *
ask_passphrase (KbBackupPage *self,
                gint64        owner,
                const char   *what,
                GFile        *file)
{
  GtkWidget *dialog = kb_backup_passphrase_dialog_new (parent_window (self), what, file);

  g_object_set_data_full (G_OBJECT (dialog), "file", g_object_ref (file), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "what", g_strdup (what), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (passphrase_response_cb), self, 0);
  show_dialog (self, owner, dialog);
  return dialog;
}

static void
set_passphrase_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            KbBackupPage     *self)
{
  char *current = NULL;
  char *passphrase = NULL;

  kb_backup_set_passphrase_dialog_take (GTK_WIDGET (dialog), &current, &passphrase);
  if (!g_str_equal (response, "apply") || passphrase == NULL)
    {
      kb_password_wipe (current);
      kb_password_wipe (passphrase);
      g_free (current);
      g_free (passphrase);
      return;
    }
  start_op (self, OP_SET_PASSPHRASE, NULL, passphrase, current);
}

/**
 * kb_backup_page_open_set_passphrase:
 *
 * Returns: (transfer none): the dialog that sets or changes the backup
 *   passphrase
 */
GtkWidget *
kb_backup_page_open_set_passphrase (KbBackupPage *self)
{
  g_return_val_if_fail (KB_IS_BACKUP_PAGE (self), NULL);
  return open_set_passphrase (self, signed_in (self));
}

static GtkWidget *
open_set_passphrase (KbBackupPage *self,
                     gint64        owner)
{
  GtkWidget *dialog = kb_backup_set_passphrase_dialog_new (parent_window (self),
                                                           self->has_passphrase);

  g_signal_connect_object (dialog, "response", G_CALLBACK (set_passphrase_response_cb), self, 0);
  show_dialog (self, owner, dialog);
  return dialog;
}

/* --- actions --------------------------------------------------------------- */

static void
make_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  choose_file (KB_BACKUP_PAGE (widget), "make");
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (KB_BACKUP_PAGE (widget), "verify");
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KbBackupPage *self = KB_BACKUP_PAGE (widget);

  if (self->session != NULL && kb_session_has_role (self->session, KB_ROLES_BACKUP_RESTORERS))
    choose_file (self, "restore");
}

static void
passphrase_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KbBackupPage *self = KB_BACKUP_PAGE (widget);

  if (self->session != NULL && kb_session_has_role (self->session, KB_ROLES_BACKUP_RESTORERS))
    kb_backup_page_open_set_passphrase (self);
}

/**
 * kb_backup_page_back_up_to:
 *
 * Makes a backup at @file without asking (tests, screenshots).
 */
void
kb_backup_page_back_up_to (KbBackupPage *self,
                           GFile        *file,
                           const char   *passphrase)
{
  g_return_if_fail (KB_IS_BACKUP_PAGE (self));
  start_op (self, OP_MAKE, file, g_strdup (passphrase), NULL);
}

void
kb_backup_page_verify_file (KbBackupPage *self,
                            GFile        *file,
                            const char   *passphrase)
{
  g_return_if_fail (KB_IS_BACKUP_PAGE (self));
  start_op (self, OP_VERIFY, file, g_strdup (passphrase), NULL);
}

/**
 * kb_backup_page_restore_from:
 *
 * Verifies @file, then asks for the confirmation of a restore, as after
 * the file chooser and the passphrase.
 */
void
kb_backup_page_restore_from (KbBackupPage *self,
                             GFile        *file,
                             const char   *passphrase)
{
  g_return_if_fail (KB_IS_BACKUP_PAGE (self));
  start_op (self, OP_CHECK_RESTORE, file, g_strdup (passphrase), NULL);
}

/* --- the state and the register -------------------------------------------- */

static guint
max_age_days (KbBackupPage *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self->settings == NULL)
    return 7;
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (schema == NULL || !g_settings_schema_has_key (schema, "backup-max-age-days"))
    return 7;
  return g_settings_get_uint (self->settings, "backup-max-age-days");
}

static void
set_icon_style (GtkImage   *icon,
                const char *icon_name,
                const char *style)
{
  gtk_image_set_from_icon_name (icon, icon_name);
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (icon), style);
}

static void
update_state (KbBackupPage *self)
{
  gboolean readers = self->session != NULL &&
                     kb_session_has_role (self->session,
                                          KB_ROLES_BACKUP_MAKERS | KB_ROLE_AUDITOR);
  gboolean makers = self->session != NULL &&
                    kb_session_has_role (self->session, KB_ROLES_BACKUP_MAKERS);
  gboolean officers = self->session != NULL &&
                      kb_session_has_role (self->session, KB_ROLES_BACKUP_RESTORERS);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autoptr(KbBackupRecord) last = n > 0 ? g_list_model_get_item (G_LIST_MODEL (self->items), 0)
                                         : NULL;
  guint days = max_age_days (self);
  g_autofree char *count = NULL;
  gboolean busy = self->op != NULL;

  if (self->disposed)
    return;

  gtk_stack_set_visible_child_name (self->role_stack, readers ? "backups" : "denied");
  gtk_stack_set_visible_child_name (self->view_stack, n > 0 ? "list" : "empty");
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u backup", "%u backups", n), n);
  gtk_label_set_label (self->count_label, count);

  gtk_widget_set_visible (self->make_button, makers);
  gtk_widget_set_visible (self->verify_button, makers);
  gtk_widget_set_visible (self->restore_button, officers);
  gtk_widget_set_visible (self->passphrase_button, officers);
  gtk_button_set_label (GTK_BUTTON (self->passphrase_button),
                        self->has_passphrase ? _("Change _Passphrase…") : _("Set _Passphrase…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.make",
                                 makers && self->has_passphrase && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.verify", makers && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.restore", officers && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.passphrase", officers && !busy);

  if (last != NULL)
    {
      g_autofree char *made = kb_backup_format_time (kb_backup_record_get_made_at (last));
      g_autofree char *size = g_format_size (kb_backup_record_get_size (last));
      g_autofree char *verified = NULL;
      g_autofree char *title = NULL;
      const char *by = kb_backup_record_get_made_by_name (last);
      gint64 age = g_get_real_time () / G_USEC_PER_SEC - kb_backup_record_get_made_at (last);

      if (kb_backup_record_get_verified_at (last) > 0)
        {
          g_autofree char *when = kb_backup_format_date (kb_backup_record_get_verified_at (last));

          /* Translators: the end of "Last backup: …, verified 2026-11-27" */
          verified = g_strdup_printf (_("verified %s"), when);
        }
      else
        verified = g_strdup (_("not verified"));

      /* Translators: time, who made it, its size, "verified <date>" or "not verified" */
      title = g_strdup_printf (_("Last backup: %s, by %s, %s, %s"), made,
                               by != NULL ? by : _("the command line"), size, verified);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_row), title);
      adw_action_row_set_subtitle (self->last_row, kb_backup_record_get_path (last));
      set_icon_style (self->last_icon, "document-save-symbolic", NULL);

      if (age > (gint64) days * SECONDS_PER_DAY)
        {
          g_autofree char *text = NULL;
          guint old = (guint) MIN (age / SECONDS_PER_DAY, G_MAXUINT);

          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "The last backup is %u day old; this office "
                                               "backs up at least every %u days",
                                               "The last backup is %u days old; this office "
                                               "backs up at least every %u days", old),
                                  old, days);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->age_row), text);
          set_icon_style (self->age_icon, "dialog-warning-symbolic", "warning");
          gtk_widget_set_visible (GTK_WIDGET (self->age_row), TRUE);
        }
      else
        gtk_widget_set_visible (GTK_WIDGET (self->age_row), FALSE);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_row),
                                     _("No backup has been made"));
      adw_action_row_set_subtitle (self->last_row,
                                   _("Without a backup, a damaged disk loses every register. "
                                     "Back up the database now."));
      set_icon_style (self->last_icon, "dialog-error-symbolic", "error");
      gtk_widget_set_visible (GTK_WIDGET (self->age_row), FALSE);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), !self->has_passphrase);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->passphrase_row),
                                 officers ? _("Set a backup passphrase before the first backup")
                                 : _("No backup passphrase is set: a security officer sets "
                                     "one before the first backup"));
  adw_action_row_set_subtitle (self->passphrase_row,
                               officers ? _("Backups are encrypted with it. Keep it sealed apart "
                                            "from the backup media.")
                               : "");
}

typedef struct {
  GListModel *list;
  gboolean has_passphrase;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_object (&loaded->list);
  g_free (loaded);
}

static gpointer
load_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Loaded *loaded = g_new0 (Loaded, 1);

  loaded->list = kb_backup_list (db, error);
  if (loaded->list == NULL ||
      !kb_backup_has_passphrase (db, &loaded->has_passphrase, error))
    {
      loaded_free (loaded);
      return NULL;
    }
  return loaded;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Loaded *loaded = kb_store_run_finish (KB_STORE (source), result, &error);
  KbBackupPage *self;
  g_autoptr(GPtrArray) items = NULL;

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Cannot read the backup register: %s", error->message);
      return;
    }
  self = KB_BACKUP_PAGE (user_data);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (loaded->list); i++)
    g_ptr_array_add (items, g_list_model_get_item (loaded->list, i));
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  self->has_passphrase = loaded->has_passphrase;
  loaded_free (loaded);
  update_state (self);
}

static void
reload (KbBackupPage *self)
{
  if (self->session != NULL &&
      !kb_session_has_role (self->session, KB_ROLES_BACKUP_MAKERS | KB_ROLE_AUDITOR))
    return;
  kb_store_run_async (self->reader, NULL, load_job, NULL, NULL, loaded_free, self->cancellable,
                      loaded_cb, self);
}

static void
store_changed_cb (KbBackupPage *self,
                  const char   *entity)
{
  if (g_strcmp0 (entity, "backup") == 0)
    reload (self);
}

static void
session_changed_cb (KbBackupPage *self)
{
  if (self->disposed)
    return;
  if (kb_session_get_state (self->session) == KB_SESSION_UNLOCKED)
    {
      reload (self);
      show_pending (self);
    }
  else
    {
      /* Locked: forget what the last person saw. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      g_list_store_remove_all (self->items);
    }
  update_state (self);
}

/* --- columns --------------------------------------------------------------- */

static gboolean always_active (gpointer item) { return TRUE; }

static char *
col_made (KbBackupRecord *r)
{
  return kb_backup_format_time (kb_backup_record_get_made_at (r));
}

static char *
col_by (KbBackupRecord *r)
{
  const char *by = kb_backup_record_get_made_by_name (r);

  return g_strdup (by != NULL ? by : _("command line"));
}

static char *
col_size (KbBackupRecord *r)
{
  return g_format_size (kb_backup_record_get_size (r));
}

static char *
col_digest (KbBackupRecord *r)
{
  return g_strdup_printf ("%.12s", kb_backup_record_get_digest (r));
}

static char *
col_verified (KbBackupRecord *r)
{
  g_autofree char *when = NULL;
  const char *who = kb_backup_record_get_verifier_name (r);

  if (kb_backup_record_get_verified_at (r) <= 0)
    return g_strdup (_("not verified"));
  when = kb_backup_format_time (kb_backup_record_get_verified_at (r));
  if (who == NULL)
    return g_steal_pointer (&when);
  /* Translators: when a backup was verified, and by whom */
  return g_strdup_printf (_("%s by %s"), when, who);
}

static char *
col_path (KbBackupRecord *r)
{
  return g_strdup (kb_backup_record_get_path (r));
}

static const struct {
  const char *title;
  KbCellText text;
  gboolean expand;
  gboolean middle;    /* ellipsized in the middle: a path's ends matter */
} columns[] = {
  { N_("Made At"), (KbCellText) col_made, FALSE, FALSE },
  { N_("By"), (KbCellText) col_by, FALSE, FALSE },
  { N_("File"), (KbCellText) col_path, TRUE, TRUE },
  { N_("Size"), (KbCellText) col_size, FALSE, FALSE },
  { N_("SHA-256"), (KbCellText) col_digest, FALSE, FALSE },
  { N_("Verified"), (KbCellText) col_verified, TRUE, FALSE },
};

static void
middle_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 GtkListItemFactory       *inner)
{
  GtkWidget *label;

  /* The label cell's own setup, then the ellipsis moved to the middle. */
  g_signal_emit_by_name (inner, "setup", item);
  label = gtk_list_item_get_child (item);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
}

static void
middle_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                GtkListItemFactory       *inner)
{
  g_signal_emit_by_name (inner, "bind", item);
}

static GtkListItemFactory *
cell_factory_new (KbCellText text,
                  gboolean   middle)
{
  GtkListItemFactory *inner = kb_label_cell_factory_new (text, always_active);
  GtkListItemFactory *outer;

  if (!middle)
    return inner;
  outer = gtk_signal_list_item_factory_new ();
  g_signal_connect_data (outer, "setup", G_CALLBACK (middle_setup_cb), g_object_ref (inner),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect_data (outer, "bind", G_CALLBACK (middle_bind_cb), inner,
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  return outer;
}

/* --- GObject --------------------------------------------------------------- */

static void
kb_backup_page_dispose (GObject *object)
{
  KbBackupPage *self = KB_BACKUP_PAGE (object);
  GtkWidget *child;

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->op != NULL)
    g_cancellable_cancel (self->op->cancellable);
  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->progress != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->progress)));
  if (self->pending != NULL)
    {
      for (guint i = 0; i < self->pending->len; i++)
        gtk_window_destroy (g_ptr_array_index (self->pending, i));
      g_clear_pointer (&self->pending, g_ptr_array_unref);
    }
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_BACKUP_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->items);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kb_backup_page_parent_class)->dispose (object);
}

static void
kb_backup_page_finalize (GObject *object)
{
  KbBackupPage *self = KB_BACKUP_PAGE (object);

  g_clear_pointer (&self->op, op_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_free (self->result);
  g_free (self->last_folder);

  G_OBJECT_CLASS (kb_backup_page_parent_class)->finalize (object);
}

static void
kb_backup_page_class_init (KbBackupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_backup_page_dispose;
  object_class->finalize = kb_backup_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-backup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, role_stack);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, last_row);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, last_icon);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, age_row);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, age_icon);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, make_button);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, verify_button);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, passphrase_button);
  gtk_widget_class_bind_template_child (widget_class, KbBackupPage, restore_button);
  gtk_widget_class_install_action (widget_class, "backup.make", NULL, make_action);
  gtk_widget_class_install_action (widget_class, "backup.verify", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "backup.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "backup.passphrase", NULL, passphrase_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kb_backup_page_init (KbBackupPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  GApplication *app = g_application_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->pending = g_ptr_array_new ();
  self->items = g_list_store_new (KB_TYPE_BACKUP_RECORD);
  if (KB_IS_APPLICATION (app))
    self->settings = g_object_ref (kb_application_get_settings (KB_APPLICATION (app)));

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = cell_factory_new (columns[i].text, columns[i].middle);
      GtkColumnViewColumn *column = gtk_column_view_column_new (_(columns[i].title), factory);

      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
kb_backup_page_new (KbStore   *store,
                    KbStore   *reader,
                    KbSession *session)
{
  KbBackupPage *self = g_object_new (KB_TYPE_BACKUP_PAGE, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = session != NULL ? g_object_ref (session) : NULL;
  g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::backup-max-age-days",
                             G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  if (session != NULL)
    g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                             G_CONNECT_SWAPPED);
  reload (self);
  update_state (self);
  return GTK_WIDGET (self);
}

/**
 * kb_backup_page_get_model:
 *
 * Returns: (transfer none): the register as shown, #KbBackupRecord items
 */
GListModel *
kb_backup_page_get_model (KbBackupPage *self)
{
  return G_LIST_MODEL (self->items);
}

gboolean
kb_backup_page_get_busy (KbBackupPage *self)
{
  return self->op != NULL;
}

/**
 * kb_backup_page_get_result:
 *
 * Returns: (nullable): what the last operation said: its toast, its
 *   error, or "restorable" after a verification that passed
 */
const char *
kb_backup_page_get_result (KbBackupPage *self)
{
  return self->result;
}

/**
 * kb_backup_page_get_view:
 *
 * Returns: "backups" when the signed-in operator may see them, else
 *   "denied"
 */
const char *
kb_backup_page_get_view (KbBackupPage *self)
{
  return gtk_stack_get_visible_child_name (self->role_stack);
}
