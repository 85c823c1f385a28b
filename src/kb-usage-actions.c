/* kb-usage-actions.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the usage register page does with its rows beyond showing them:
 * export them as CSV (on the reader thread, with a progress bar and
 * Cancel) and print one terminal's month.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-application.h"
#include "kb-store-jobs.h"
#include "kb-usage-actions.h"
#include "kb-usage-csv.h"
#include "kb-usage-print.h"
#include "kb-window.h"

static gboolean
era_dates (void)
{
  GApplication *app = g_application_get_default ();

  if (!KB_IS_APPLICATION (app))
    return FALSE;
  return g_settings_get_boolean (kb_application_get_settings (KB_APPLICATION (app)), "era-dates");
}

static void
show_message (GtkWindow  *parent,
              const char *heading,
              const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- CSV --------------------------------------------------------------------- */

typedef struct {
  gatomicrefcount  ref;
  GtkWindow       *parent;
  GtkWidget       *dialog;
  GtkProgressBar  *bar;
  GCancellable    *cancellable;
  guint            timeout;
  gint64           viewer_id;
  KbUsageFilter   *filter;
  char            *path;
  gboolean         era;
  gint             done;      /* written by the reader thread */
  gint             total;
} Export;

static Export *
export_ref (Export *export)
{
  g_atomic_ref_count_inc (&export->ref);
  return export;
}

static void
export_unref (gpointer data)
{
  Export *export = data;

  if (!g_atomic_ref_count_dec (&export->ref))
    return;
  g_clear_object (&export->parent);
  g_clear_object (&export->cancellable);
  kb_usage_filter_free (export->filter);
  g_free (export->path);
  g_free (export);
}

static void
export_progress (gint64   done,
                 gint64   total,
                 gpointer user_data)
{
  Export *export = user_data;

  g_atomic_int_set (&export->total, (gint) MIN (total, G_MAXINT));
  g_atomic_int_set (&export->done, (gint) MIN (done, G_MAXINT));
}

static gboolean
export_tick (gpointer user_data)
{
  Export *export = user_data;
  gint64 total = g_atomic_int_get (&export->total);
  gint64 done = g_atomic_int_get (&export->done);
  g_autofree char *text = NULL;

  if (total > 0)
    {
      gtk_progress_bar_set_fraction (export->bar, (double) done / total);
      text = g_strdup_printf (_("%'" PRId64 " of %'" PRId64 " entries"),
                              done, total);
      gtk_progress_bar_set_text (export->bar, text);
    }
  else
    gtk_progress_bar_pulse (export->bar);
  return G_SOURCE_CONTINUE;
}

static gpointer
export_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  Export *export = data;

  if (!kb_usage_export_csv (db, export->viewer_id, export->filter, export->path, export->era,
                            export_progress, export, export->cancellable, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = kb_store_run_finish (KB_STORE (source), result, &error) != NULL;
  g_autofree char *body = NULL;

  g_clear_handle_id (&export->timeout, g_source_remove);
  if (export->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (export->dialog));

  if (ok)
    {
      gint64 done = g_atomic_int_get (&export->done);
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Saved %'" PRId64 " entry to %s",
                                           "Saved %'" PRId64 " entries to %s", done),
                              done, export->path);
      if (KB_IS_WINDOW (export->parent))
        kb_window_toast (KB_WINDOW (export->parent), body);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_message (export->parent, _("Could Not Export"), error->message);
  export_unref (export);
}

static void
export_response_cb (Export     *export,
                    const char *response)
{
  /* The only response is Cancel; the dialog closes when the job ends. */
  g_cancellable_cancel (export->cancellable);
}

static gboolean
refuse_close (GtkWindow *window)
{
  return TRUE;
}

static void
export_start (Export  *export,
              KbStore *reader)
{
  GtkWidget *bar = gtk_progress_bar_new ();

  export->dialog = adw_message_dialog_new (export->parent, _("Exporting"), export->path);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (export->dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (export->dialog), "cancel");
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (export->dialog), bar);
  export->bar = GTK_PROGRESS_BAR (bar);
  g_object_add_weak_pointer (G_OBJECT (export->dialog), (gpointer *) &export->dialog);
  g_signal_connect_swapped (export->dialog, "response", G_CALLBACK (export_response_cb), export);
  /* Keep the dialog until the job ends: a response must not close it. */
  g_signal_connect (export->dialog, "close-request", G_CALLBACK (refuse_close), NULL);
  gtk_window_present (GTK_WINDOW (export->dialog));

  export->timeout = g_timeout_add (100, export_tick, export);
  kb_store_run_async (reader, NULL, export_job, export_ref (export), export_unref, NULL, NULL,
                      export_done_cb, export);
}

typedef struct {
  Export  *export;
  KbStore *reader;
} Choose;

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  Choose *choose = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      choose->export->path = g_file_get_path (file);
      if (choose->export->path != NULL)
        export_start (choose->export, choose->reader);
      else
        export_unref (choose->export);
    }
  else
    export_unref (choose->export);
  g_object_unref (choose->reader);
  g_free (choose);
  g_object_unref (chooser);
}

/**
 * kb_usage_export_run:
 * @filter: the rows to write: what the page shows
 *
 * Asks where to save, then writes the CSV file on @reader's thread with
 * a progress dialog that can cancel. A file is only ever replaced whole.
 */
void
kb_usage_export_run (GtkWindow           *parent,
                     KbStore             *reader,
                     gint64               viewer_id,
                     const KbUsageFilter *filter)
{
  GtkFileChooserNative *chooser;
  Export *export = g_new0 (Export, 1);
  Choose *choose = g_new0 (Choose, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  /* Translators: the suggested name of an exported file, without .csv */
  g_autofree char *name = g_strdup_printf ("%s-%s.csv", _("terminal-usage"), day);
  GtkFileFilter *csv = gtk_file_filter_new ();

  g_atomic_ref_count_init (&export->ref);
  export->parent = parent != NULL ? g_object_ref (parent) : NULL;
  export->cancellable = g_cancellable_new ();
  export->viewer_id = viewer_id;
  export->filter = kb_usage_filter_copy (filter);
  export->era = era_dates ();

  chooser = gtk_file_chooser_native_new (_("Export the Usage Register"), parent,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_filter_set_name (csv, _("CSV files (Excel)"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  g_object_unref (csv);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  choose->export = export;
  choose->reader = g_object_ref (reader);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), choose);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * kb_usage_export_to:
 *
 * As kb_usage_export_run(), to @path without asking (tests, screenshots).
 */
void
kb_usage_export_to (GtkWindow           *parent,
                    KbStore             *reader,
                    gint64               viewer_id,
                    const KbUsageFilter *filter,
                    const char          *path)
{
  Export *export = g_new0 (Export, 1);

  g_atomic_ref_count_init (&export->ref);
  export->parent = parent != NULL ? g_object_ref (parent) : NULL;
  export->cancellable = g_cancellable_new ();
  export->viewer_id = viewer_id;
  export->filter = kb_usage_filter_copy (filter);
  export->era = era_dates ();
  export->path = g_strdup (path);
  export_start (export, reader);
}

/* --- printing ------------------------------------------------------------- */

typedef struct {
  GtkWindow        *parent;
  gint64            viewer_id;
  gint64            terminal_id;
  int               year;
  int               month;
  char             *export_filename;
  KbUsagePrintData *data;
} Print;

static void
print_free (gpointer data)
{
  Print *print = data;

  g_clear_object (&print->parent);
  g_free (print->export_filename);
  g_clear_pointer (&print->data, kb_usage_print_data_free);
  g_free (print);
}

static gpointer
print_job (KbDb          *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Print *print = data;
  g_autoptr(KbUsageFilter) filter = kb_usage_filter_new ();
  g_autoptr(GDateTime) from = g_date_time_new_local (print->year, print->month, 1, 0, 0, 0);
  g_autoptr(GDateTime) to = g_date_time_add_months (from, 1);
  KbUsagePrintData *out = kb_usage_print_data_new ();
  sqlite3_stmt *stmt;

  filter->terminal_id = print->terminal_id;
  filter->from = g_date_time_to_unix (from);
  filter->to = g_date_time_to_unix (to);
  filter->sort = KB_USAGE_SORT_START;
  filter->descending = FALSE;
  out->year = print->year;
  out->month = print->month;

  stmt = kb_db_prepare (db, "SELECT code, name, location FROM terminals WHERE id = ?1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, print->terminal_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      out->terminal_code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      out->terminal_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      out->terminal_location = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (out->terminal_code == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Choose a terminal"));
      goto failed;
    }

  /* A month of one terminal is at most a few hundred rows. */
  out->entries = kb_usage_fetch (db, print->viewer_id, filter, 0, 20000, error);
  if (out->entries == NULL)
    goto failed;

  /* The journal's head when the rows were read, printed on every page. */
  stmt = kb_db_prepare (db, "SELECT seq, lower (hex (hash)) FROM journal ORDER BY seq DESC LIMIT 1",
                        error);
  if (stmt == NULL)
    goto failed;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      out->journal_seq = sqlite3_column_int64 (stmt, 0);
      out->journal_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  return out;

failed:
  kb_usage_print_data_free (out);
  return NULL;
}

static void
print_fetched_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Print *print = user_data;
  g_autoptr(GError) error = NULL;
  KbUsagePrintData *data = kb_store_run_finish (KB_STORE (source), result, &error);

  if (data == NULL)
    {
      show_message (print->parent, _("Could Not Print"), error->message);
      print_free (print);
      return;
    }
  data->era_dates = era_dates ();
  if (print->export_filename != NULL)
    {
      data->action = GTK_PRINT_OPERATION_ACTION_EXPORT;
      data->export_filename = g_strdup (print->export_filename);
    }
  print->data = data;
  kb_usage_print_month (print->parent, data);
  print_free (print);
}

/**
 * kb_usage_print_fetch_and_run:
 * @export_filename: (nullable): write this PDF instead of asking
 *
 * Reads @terminal_id's month and prints it.
 */
void
kb_usage_print_fetch_and_run (GtkWindow  *parent,
                              KbStore    *reader,
                              gint64      viewer_id,
                              gint64      terminal_id,
                              int         year,
                              int         month,
                              const char *export_filename)
{
  Print *print = g_new0 (Print, 1);
  Print *job = g_new0 (Print, 1);

  print->parent = parent != NULL ? g_object_ref (parent) : NULL;
  print->export_filename = g_strdup (export_filename);
  job->viewer_id = viewer_id;
  job->terminal_id = terminal_id;
  job->year = year;
  job->month = month;
  kb_store_run_async (reader, NULL, print_job, job, print_free,
                      (GDestroyNotify) kb_usage_print_data_free, NULL, print_fetched_cb, print);
}

typedef struct {
  GtkWindow   *parent;
  KbStore     *reader;
  gint64       viewer_id;
  GtkDropDown *terminal;
  GArray      *terminal_ids;
  GtkDropDown *month;
  gint64       preselect;
} Ask;

static void
ask_free (Ask *ask)
{
  g_clear_object (&ask->parent);
  g_clear_object (&ask->reader);
  g_clear_pointer (&ask->terminal_ids, g_array_unref);
  g_free (ask);
}

static void
ask_terminals_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GtkWidget *dialog = user_data;
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "ask");
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  GtkStringList *names = GTK_STRING_LIST (gtk_drop_down_get_model (ask->terminal));
  guint selected = 0;

  if (records == NULL)
    {
      g_object_unref (dialog);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(KbTerminal) t = g_list_model_get_item (records, i);
      g_autofree char *name = g_strdup_printf ("%s %s", kb_terminal_get_code (t),
                                               kb_terminal_get_name (t));
      gint64 id = kb_terminal_get_id (t);

      if (id == ask->preselect)
        selected = ask->terminal_ids->len;
      g_array_append_val (ask->terminal_ids, id);
      gtk_string_list_append (names, name);
    }
  gtk_drop_down_set_selected (ask->terminal, selected);
  g_object_unref (dialog);
}

static void
ask_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 Ask              *ask)
{
  guint t = gtk_drop_down_get_selected (ask->terminal);
  guint m = gtk_drop_down_get_selected (ask->month);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) first = NULL;
  g_autoptr(GDateTime) month = NULL;

  if (!g_str_equal (response, "print") || t == GTK_INVALID_LIST_POSITION ||
      t >= ask->terminal_ids->len)
    return;
  first = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1, 0, 0, 0);
  month = g_date_time_add_months (first, -(int) m);
  kb_usage_print_fetch_and_run (ask->parent, ask->reader, ask->viewer_id,
                                g_array_index (ask->terminal_ids, gint64, t),
                                g_date_time_get_year (month), g_date_time_get_month (month), NULL);
}

/**
 * kb_usage_print_run:
 * @terminal_id: the terminal to offer first, or 0
 *
 * Asks which terminal and month, then prints.
 */
void
kb_usage_print_run (GtkWindow *parent,
                    KbStore   *reader,
                    gint64     viewer_id,
                    gint64     terminal_id)
{
  Ask *ask = g_new0 (Ask, 1);
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkStringList *months = gtk_string_list_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) first = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now), 1, 0, 0, 0);

  ask->parent = parent != NULL ? g_object_ref (parent) : NULL;
  ask->reader = g_object_ref (reader);
  ask->viewer_id = viewer_id;
  ask->preselect = terminal_id;
  ask->terminal_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ask->terminal = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (gtk_string_list_new (NULL)), NULL));
  for (int i = 0; i < 36; i++)
    {
      g_autoptr(GDateTime) m = g_date_time_add_months (first, -i);
      /* Translators: a month in the print dialog, strftime format */
      g_autofree char *label = g_date_time_format (m, _("%B %Y"));

      gtk_string_list_append (months, label);
    }
  ask->month = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (months), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (ask->terminal), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Terminal"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (ask->month), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Month"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ask->terminal));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (ask->month));

  dialog = adw_message_dialog_new (parent, _("Print the Monthly Register"),
                                   _("The register of one terminal for one month, on A4 "
                                     "landscape, as on the paper form."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "print", _("_Print…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "print",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "print");
  g_object_set_data_full (G_OBJECT (dialog), "ask", ask, (GDestroyNotify) ask_free);
  g_signal_connect (dialog, "response", G_CALLBACK (ask_response_cb), ask);
  kb_store_list_async (reader, "terminal", NULL, ask_terminals_cb, g_object_ref (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}
