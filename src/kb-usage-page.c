/* kb-usage-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The terminal usage register (端末使用管理簿) as a table: filters above,
 * totals and actions below. The rows come from KbUsageModel, which pages
 * them from SQLite on the reader connection; which rows a person may see
 * at all is decided by the core from their roles.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-error.h"
#include "kb-history-window.h"
#include "kb-label-cell.h"
#include "kb-usage-dialog.h"
#include "kb-usage-actions.h"
#include "kb-usage-jobs.h"
#include "kb-usage-page.h"
#include "kb-store-jobs.h"

enum {
  PERIOD_THIS_MONTH,
  PERIOD_LAST_MONTH,
  PERIOD_LAST_3_MONTHS,
  PERIOD_THIS_FISCAL_YEAR,
  PERIOD_LAST_FISCAL_YEAR,
  PERIOD_ALL,
  PERIOD_CUSTOM,
};

/* A drop-down of "All …" and the rows of one register, with their ids. */
typedef struct {
  GtkDropDown   *dropdown;
  GtkStringList *names;
  GArray        *ids;
  const char    *entity;
} Choice;

struct _KbUsagePage {
  GtkBox parent_instance;

  KbStore           *store;
  KbStore           *reader;
  KbSession         *session;
  KbUsageModel      *model;
  GtkColumnView     *column_view;
  GCancellable      *cancellable;

  GtkDropDown       *period;
  GtkEntry          *from_entry;
  GtkEntry          *to_entry;
  Choice             terminal;
  Choice             operator;
  Choice             division;
  Choice             task;
  GtkDropDown       *status;
  GtkSearchEntry    *search;

  GtkLabel          *totals;
  GtkSpinner        *spinner;
  GtkLabel          *error_label;
  GtkWidget         *confirm_button;
  GtkWidget         *manual_button;
  GtkColumnViewColumn *division_column;

  gint64             viewer_id;
  gboolean           stale;
  gboolean           filling;     /* setting the date entries from a preset */
  KbUsageSort        sort;
  gboolean           descending;
};

G_DEFINE_FINAL_TYPE (KbUsagePage, kb_usage_page, GTK_TYPE_BOX)

/* --- formatting ------------------------------------------------------------ */

char *
kb_usage_format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  /* Translators: a date in the usage register, strftime format:
   * "%Y-%m-%d (%a)" gives 2026-11-26 (Thu) */
  return g_date_time_format (t, _("%Y-%m-%d (%a)"));
}

char *
kb_usage_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  return g_date_time_format (t, "%H:%M");
}

static char *
cell_date (KbUsageEntry *e)
{
  return kb_usage_entry_is_loaded (e) ? kb_usage_format_date (kb_usage_entry_get_started_at (e))
                                      : g_strdup ("");
}

static char *
cell_start (KbUsageEntry *e)
{
  return kb_usage_entry_is_loaded (e) ? kb_usage_format_time (kb_usage_entry_get_started_at (e))
                                      : g_strdup ("");
}

static char *
cell_end (KbUsageEntry *e)
{
  if (!kb_usage_entry_is_loaded (e))
    return g_strdup ("");
  if (kb_usage_entry_get_ended_at (e) == 0)
    return g_strdup (_("now"));
  return kb_usage_format_time (kb_usage_entry_get_ended_at (e));
}

static char *
cell_terminal (KbUsageEntry *e)
{
  return g_strdup (kb_usage_entry_is_loaded (e) ? kb_usage_entry_get_terminal_code (e) : "");
}

static char *
cell_operator (KbUsageEntry *e)
{
  return g_strdup (kb_usage_entry_is_loaded (e) ? kb_usage_entry_get_operator_name (e) : "");
}

static char *
cell_division (KbUsageEntry *e)
{
  return g_strdup (kb_usage_entry_is_loaded (e) ? kb_usage_entry_get_division_name (e) : "");
}

static char *
cell_task (KbUsageEntry *e)
{
  if (!kb_usage_entry_is_loaded (e))
    return g_strdup ("");
  if (kb_usage_entry_get_task_id (e) == 0)
    return g_strdup (kb_usage_entry_get_ended_at (e) == 0 ? "" : _("(purpose missing)"));
  return g_strdup (kb_usage_entry_get_task_name (e));
}

static char *
cell_cases (KbUsageEntry *e)
{
  if (!kb_usage_entry_is_loaded (e) || kb_usage_entry_get_cases (e) < 0)
    return g_strdup ("");
  return g_strdup_printf ("%d", kb_usage_entry_get_cases (e));
}

static char *
cell_remarks (KbUsageEntry *e)
{
  g_autofree char *flat = NULL;

  if (!kb_usage_entry_is_loaded (e))
    return g_strdup ("");
  flat = g_strdup (kb_usage_entry_get_remarks (e));
  g_strdelimit (flat, "\n", ' ');
  if (kb_usage_entry_get_manual (e))
    /* Translators: marks an entry written from the paper register */
    return g_strdup_printf (_("[paper] %s"), flat);
  return g_steal_pointer (&flat);
}

static char *
cell_status (KbUsageEntry *e)
{
  if (!kb_usage_entry_is_loaded (e))
    return g_strdup ("");
  return g_strdup (kb_usage_status_get_label (kb_usage_entry_get_status (e)));
}

static char *
cell_confirmed (KbUsageEntry *e)
{
  g_autofree char *date = NULL;

  if (!kb_usage_entry_is_loaded (e) || kb_usage_entry_get_confirmed_by (e) == 0)
    return g_strdup ("");
  date = kb_usage_format_date (kb_usage_entry_get_confirmed_at (e));
  return g_strdup_printf ("%s  %s", kb_usage_entry_get_confirmer_name (e), date);
}

static gboolean
cell_active (KbUsageEntry *e)
{
  KbUsageStatus status;

  if (!kb_usage_entry_is_loaded (e))
    return TRUE;
  status = kb_usage_entry_get_status (e);
  return status != KB_USAGE_STATUS_CONFIRMED;
}

/* --- sorting --------------------------------------------------------------- */

/* GTK 4.8 has no API to ask a column view which column it sorts by
 * (gtk_column_view_sorter_get_primary_sort_column() is 4.10). Each
 * sortable column gets a probe sorter that remembers being asked first;
 * comparing two items through the column view's sorter then tells the
 * primary column (the first probe asked) and its order (the sign). */
#define KB_TYPE_PROBE_SORTER (kb_probe_sorter_get_type ())
G_DECLARE_FINAL_TYPE (KbProbeSorter, kb_probe_sorter, KB, PROBE_SORTER, GtkSorter)

struct _KbProbeSorter {
  GtkSorter parent_instance;
  KbUsageSort key;
};

G_DEFINE_FINAL_TYPE (KbProbeSorter, kb_probe_sorter, GTK_TYPE_SORTER)

static int probe_hit = -1;

static GtkOrdering
kb_probe_sorter_compare (GtkSorter *sorter,
                         gpointer   a,
                         gpointer   b)
{
  if (probe_hit < 0)
    probe_hit = KB_PROBE_SORTER (sorter)->key;
  return GTK_ORDERING_SMALLER;
}

static void
kb_probe_sorter_class_init (KbProbeSorterClass *klass)
{
  GTK_SORTER_CLASS (klass)->compare = kb_probe_sorter_compare;
}

static void
kb_probe_sorter_init (KbProbeSorter *self)
{
}

static GtkSorter *
probe_sorter_new (KbUsageSort key)
{
  KbProbeSorter *sorter = g_object_new (KB_TYPE_PROBE_SORTER, NULL);

  sorter->key = key;
  return GTK_SORTER (sorter);
}

/* --- the query ------------------------------------------------------------- */

static gint64
choice_id (Choice *choice)
{
  guint i = gtk_drop_down_get_selected (choice->dropdown);

  if (choice->ids == NULL || i == GTK_INVALID_LIST_POSITION || i >= choice->ids->len)
    return 0;
  return g_array_index (choice->ids, gint64, i);
}

static GDateTime *
month_start (GDateTime *t,
             int        months)
{
  g_autoptr(GDateTime) first = g_date_time_new_local (g_date_time_get_year (t),
                                                      g_date_time_get_month (t), 1, 0, 0, 0);

  return g_date_time_add_months (first, months);
}

static GDateTime *
fiscal_year_start (GDateTime *t,
                   int        years)
{
  int year = g_date_time_get_year (t) - (g_date_time_get_month (t) < 4 ? 1 : 0);

  return g_date_time_new_local (year + years, 4, 1, 0, 0, 0);
}

static void
period_bounds (guint    period,
               gint64  *from,
               gint64  *to)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;

  switch (period)
    {
    case PERIOD_THIS_MONTH:
      a = month_start (now, 0);
      b = month_start (now, 1);
      break;
    case PERIOD_LAST_MONTH:
      a = month_start (now, -1);
      b = month_start (now, 0);
      break;
    case PERIOD_LAST_3_MONTHS:
      a = month_start (now, -2);
      b = month_start (now, 1);
      break;
    case PERIOD_THIS_FISCAL_YEAR:
      a = fiscal_year_start (now, 0);
      b = fiscal_year_start (now, 1);
      break;
    case PERIOD_LAST_FISCAL_YEAR:
      a = fiscal_year_start (now, -1);
      b = fiscal_year_start (now, 0);
      break;
    default:
      break;
    }
  *from = a != NULL ? g_date_time_to_unix (a) : 0;
  *to = b != NULL ? g_date_time_to_unix (b) : 0;
}

static void
fill_date_entries (KbUsagePage *self,
                   gint64       from,
                   gint64       to)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (from != 0)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (from);
      a = g_date_time_format (t, "%Y-%m-%d");
    }
  if (to != 0)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (to - 1);
      b = g_date_time_format (t, "%Y-%m-%d");
    }
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), a != NULL ? a : "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), b != NULL ? b : "");
  self->filling = FALSE;
}

/* A custom range from the two entries; an entry that is not a date is
 * marked and the list keeps its previous query. */
static gboolean
custom_bounds (KbUsagePage *self,
               gint64      *from,
               gint64      *to)
{
  GtkEntry *entries[] = { self->from_entry, self->to_entry };
  gint64 *bounds[] = { from, to };
  gboolean ok = TRUE;

  for (guint i = 0; i < 2; i++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entries[i]));
      g_autoptr(GDateTime) day = NULL;
      g_autoptr(GError) error = NULL;

      *bounds[i] = 0;
      gtk_widget_remove_css_class (GTK_WIDGET (entries[i]), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (entries[i]), NULL);
      if (text[0] == '\0')
        continue;
      if (!kb_usage_parse_date (KB_FIELD_DATE, text, &day, &error))
        {
          gtk_widget_add_css_class (GTK_WIDGET (entries[i]), "error");
          gtk_widget_set_tooltip_text (GTK_WIDGET (entries[i]), error->message);
          ok = FALSE;
          continue;
        }
      *bounds[i] = g_date_time_to_unix (day) + (i == 1 ? 86400 : 0);
    }
  return ok;
}

static void
apply_filter (KbUsagePage *self)
{
  g_autoptr(KbUsageFilter) filter = NULL;
  guint period;

  if (self->viewer_id == 0)
    return;

  filter = kb_usage_filter_new ();
  period = gtk_drop_down_get_selected (self->period);
  if (period == PERIOD_CUSTOM)
    {
      if (!custom_bounds (self, &filter->from, &filter->to))
        return;
    }
  else
    {
      period_bounds (period, &filter->from, &filter->to);
      fill_date_entries (self, filter->from, filter->to);
    }
  filter->terminal_id = choice_id (&self->terminal);
  filter->operator_id = choice_id (&self->operator);
  filter->division_id = choice_id (&self->division);
  filter->task_id = choice_id (&self->task);
  filter->show = gtk_drop_down_get_selected (self->status);
  filter->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search)));
  filter->sort = self->sort;
  filter->descending = self->descending;

  kb_usage_model_set_query (self->model, self->viewer_id, filter);
}

static void
sorter_changed_cb (KbUsagePage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(KbUsageEntry) a = kb_usage_entry_new_placeholder ();
  g_autoptr(KbUsageEntry) b = kb_usage_entry_new_placeholder ();
  GtkOrdering order;

  probe_hit = -1;
  order = gtk_sorter_compare (sorter, a, b);
  if (probe_hit < 0)
    {
      self->sort = KB_USAGE_SORT_START;
      self->descending = TRUE;
    }
  else
    {
      self->sort = probe_hit;
      self->descending = order == GTK_ORDERING_LARGER;
    }
  probe_hit = -1;
  apply_filter (self);
}

static void
filter_changed_cb (KbUsagePage *self)
{
  apply_filter (self);
}

static void
date_entry_activate_cb (KbUsagePage *self)
{
  if (gtk_drop_down_get_selected (self->period) != PERIOD_CUSTOM)
    gtk_drop_down_set_selected (self->period, PERIOD_CUSTOM);   /* applies */
  else
    apply_filter (self);
}

static void
date_entry_changed_cb (KbUsagePage *self)
{
  if (!self->filling)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->from_entry), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->to_entry), "error");
    }
}

/* --- totals and state ------------------------------------------------------ */

static void
update_totals (KbUsagePage *self)
{
  const KbUsageTotals *t = kb_usage_model_get_totals (self->model);
  g_autoptr(GString) text = g_string_new (NULL);

  if (t == NULL)
    {
      gtk_label_set_label (self->totals, "");
      return;
    }

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " entry",
                                             "%'" PRId64 " entries", t->n_entries),
                          t->n_entries);
  g_string_append (text, " · ");
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " case",
                                             "%'" PRId64 " cases", t->n_cases),
                          t->n_cases);
  g_string_append (text, " · ");
  g_string_append_printf (text, _("%'" PRId64 " h %02d min in use"),
                          t->seconds / 3600, (int) (t->seconds % 3600 / 60));
  if (t->n_unconfirmed > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%'" PRId64 " unconfirmed"), t->n_unconfirmed);
    }
  if (t->n_purpose_missing > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%'" PRId64 " without purpose"),
                              t->n_purpose_missing);
    }
  if (t->n_manual > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%'" PRId64 " from paper"), t->n_manual);
    }
  gtk_label_set_label (self->totals, text->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals), text->str);
}

static void
model_notify_cb (KbUsagePage *self)
{
  const char *error = kb_usage_model_get_error (self->model);

  gtk_spinner_set_spinning (self->spinner, kb_usage_model_get_loading (self->model));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_label_set_label (self->error_label, error != NULL ? error : "");
  update_totals (self);
}

/* --- choices --------------------------------------------------------------- */

static void
choice_clear (Choice     *choice,
              const char *all)
{
  const char *none[] = { all, NULL };

  g_clear_pointer (&choice->ids, g_array_unref);
  choice->ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_array_set_size (choice->ids, 1);
  gtk_string_list_splice (choice->names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (choice->names)), none);
  gtk_drop_down_set_selected (choice->dropdown, 0);
}

static char *
record_name (GObject *record)
{
  if (KB_IS_TERMINAL (record))
    return g_strdup_printf ("%s %s", kb_terminal_get_code (KB_TERMINAL (record)),
                            kb_terminal_get_name (KB_TERMINAL (record)));
  if (KB_IS_OPERATOR (record))
    return g_strdup (kb_operator_get_name (KB_OPERATOR (record)));
  if (KB_IS_DIVISION (record))
    return g_strdup (kb_division_get_name (KB_DIVISION (record)));
  if (KB_IS_TASK (record))
    return g_strdup (kb_task_get_name (KB_TASK (record)));
  return g_strdup ("");
}

typedef struct {
  KbUsagePage *page;
  Choice      *choice;
} ChoiceLoad;

static void
choice_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree ChoiceLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = kb_store_list_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) names = NULL;

  if (records == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Cannot list %s: %s", load->choice->entity, error->message);
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(GObject) record = g_list_model_get_item (records, i);
      gint64 id = kb_record_get_id (record);

      g_array_append_val (load->choice->ids, id);
      g_ptr_array_add (names, record_name (record));
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (load->choice->names, 1, 0, (const char * const *) names->pdata);
}

static void
choice_load (KbUsagePage *self,
             Choice      *choice)
{
  ChoiceLoad *load = g_new0 (ChoiceLoad, 1);

  load->page = self;
  load->choice = choice;
  kb_store_list_async (self->reader, choice->entity, self->cancellable, choice_loaded_cb, load);
}

static GtkDropDown *
choice_init (Choice     *choice,
             const char *entity,
             const char *all,
             const char *tooltip)
{
  choice->entity = entity;
  choice->names = gtk_string_list_new (NULL);
  /* The drop-down takes a reference of its own: the page keeps one to
   * fill the list. */
  choice->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (choice->names)),
                                                       NULL));
  gtk_drop_down_set_enable_search (choice->dropdown, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (choice->dropdown), tooltip);
  {
    GtkExpression *expr = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
    gtk_drop_down_set_expression (choice->dropdown, expr);
    gtk_expression_unref (expr);
  }
  choice_clear (choice, all);
  return choice->dropdown;
}

/* --- the session ----------------------------------------------------------- */

static gboolean
viewer_sees_all (KbSession *session)
{
  return kb_session_has_role (session, KB_ROLES_OFFICERS | KB_ROLE_AUDITOR);
}

static void
session_changed_cb (KbUsagePage *self)
{
  KbOperator *op = kb_session_get_operator (self->session);
  gboolean unlocked = kb_session_get_state (self->session) == KB_SESSION_UNLOCKED;
  gint64 viewer = unlocked && op != NULL ? kb_operator_get_id (op) : 0;

  if (viewer == self->viewer_id)
    return;
  kb_usage_page_load (self, viewer, kb_session_has_role (self->session, KB_ROLE_SUPERVISOR),
                      viewer_sees_all (self->session));
}

/**
 * kb_usage_page_load:
 * @viewer_id: who looks, 0 for nobody (locked)
 * @supervisor: whether they may confirm
 * @all: whether they see every division
 *
 * Forgets what was shown and loads the register for @viewer_id; the core
 * decides which rows that is from the viewer's roles. The page calls it
 * when the session changes hands; benchmarks call it directly.
 */
void
kb_usage_page_load (KbUsagePage *self,
                    gint64       viewer,
                    gboolean     supervisor,
                    gboolean     all)
{
  /* Locked, or someone else: nothing of the last person's view stays.
   * Resetting the filters below must not query for the last person. */
  self->viewer_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  kb_usage_model_clear (self->model);
  choice_clear (&self->terminal, _("All terminals"));
  choice_clear (&self->operator, _("All operators"));
  choice_clear (&self->division, _("All divisions"));
  choice_clear (&self->task, _("All business tasks"));
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  gtk_drop_down_set_selected (self->status, KB_USAGE_SHOW_ALL);
  self->viewer_id = viewer;
  if (viewer == 0)
    return;
  gtk_widget_set_visible (self->confirm_button, supervisor);
  gtk_widget_set_visible (GTK_WIDGET (self->operator.dropdown), supervisor || all);
  gtk_widget_set_visible (GTK_WIDGET (self->division.dropdown), all);
  gtk_column_view_column_set_visible (self->division_column, all);

  choice_load (self, &self->terminal);
  if (supervisor || all)
    choice_load (self, &self->operator);
  if (all)
    choice_load (self, &self->division);
  choice_load (self, &self->task);
  gtk_drop_down_set_selected (self->period, PERIOD_THIS_MONTH);
  apply_filter (self);
}

static void
store_changed_cb (KbUsagePage *self,
                  const char  *entity)
{
  if (g_strcmp0 (entity, "usage") != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    kb_usage_model_refresh (self->model);
  else
    self->stale = TRUE;
}

static void
kb_usage_page_map (GtkWidget *widget)
{
  KbUsagePage *self = KB_USAGE_PAGE (widget);

  GTK_WIDGET_CLASS (kb_usage_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      kb_usage_model_refresh (self->model);
    }
}

/* --- actions --------------------------------------------------------------- */

static GtkWindow *
page_window (KbUsagePage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
toast (KbUsagePage *self,
       const char  *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
confirmed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KbUsagePage) self = user_data;
  g_autoptr(GError) error = NULL;
  KbUsageConfirmResult r;
  g_autoptr(GString) message = g_string_new (NULL);
  guint skipped;

  if (!kb_store_usage_confirm_finish (KB_STORE (source), result, &r, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE, "Confirmed %u entry",
                                                "Confirmed %u entries", r.n_confirmed),
                          r.n_confirmed);
  skipped = r.n_own + r.n_not_supervised + r.n_not_ready + r.n_already;
  if (r.n_own > 0)
    g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE,
                                                  "; %u is your own (another supervisor confirms it)",
                                                  "; %u are your own (another supervisor confirms them)",
                                                  r.n_own), r.n_own);
  if (r.n_not_ready > 0)
    g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE,
                                                  "; %u is still open or has no purpose",
                                                  "; %u are still open or have no purpose",
                                                  r.n_not_ready), r.n_not_ready);
  if (r.n_not_supervised > 0)
    g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE,
                                                  "; %u belongs to another division",
                                                  "; %u belong to another division",
                                                  r.n_not_supervised), r.n_not_supervised);
  if (r.n_already > 0)
    g_string_append_printf (message, g_dngettext (GETTEXT_PACKAGE,
                                                  "; %u was confirmed before",
                                                  "; %u were confirmed before",
                                                  r.n_already), r.n_already);
  (void) skipped;
  toast (self, message->str);
}

/**
 * kb_usage_page_confirm_selected:
 *
 * Confirms the selected rows that have been read (a selection of rows
 * never scrolled to is not guessed at).
 */
void
kb_usage_page_confirm_selected (KbUsagePage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->model));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      {
        g_autoptr(KbUsageEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->model), position);

        if (entry != NULL && kb_usage_entry_is_loaded (entry))
          {
            gint64 id = kb_usage_entry_get_id (entry);
            g_array_append_val (ids, id);
          }
      }
    while (gtk_bitset_iter_next (&iter, &position) && ids->len < 10000);

  if (ids->len == 0)
    {
      toast (self, _("Select the entries to confirm"));
      return;
    }
  kb_store_usage_confirm_async (self->store, ids, NULL, confirmed_cb, g_object_ref (self));
}

static void
confirm_clicked_cb (KbUsagePage *self)
{
  kb_usage_page_confirm_selected (self);
}

/**
 * kb_usage_page_open_entry:
 * @position: a row of the list
 *
 * Opens the entry shown at @position, if its row has been read.
 *
 * Returns: (transfer none) (nullable): the entry's dialog
 */
GtkWidget *
kb_usage_page_open_entry (KbUsagePage *self,
                          guint        position)
{
  g_autoptr(KbUsageEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  GtkWidget *dialog;

  if (entry == NULL || !kb_usage_entry_is_loaded (entry))
    return NULL;
  dialog = kb_usage_dialog_new (self->store, self->reader, self->session, entry);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
row_activated_cb (KbUsagePage *self,
                  guint        position)
{
  kb_usage_page_open_entry (self, position);
}

/**
 * kb_usage_page_open_manual:
 *
 * Opens the form for an entry from the paper register ("From Paper…").
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
kb_usage_page_open_manual (KbUsagePage *self)
{
  GtkWidget *dialog = kb_usage_dialog_new (self->store, self->reader, self->session, NULL);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
manual_clicked_cb (KbUsagePage *self)
{
  kb_usage_page_open_manual (self);
}

static void
export_clicked_cb (KbUsagePage *self)
{
  kb_usage_export_run (page_window (self), self->reader, self->viewer_id,
                       kb_usage_model_get_filter (self->model));
}

static void
print_clicked_cb (KbUsagePage *self)
{
  kb_usage_print_run (page_window (self), self->reader, self->viewer_id,
                      choice_id (&self->terminal));
}

/* --- construction ---------------------------------------------------------- */

static const struct {
  const char *title;
  KbCellText text;
  int sort;              /* KbUsageSort, or -1 */
  int width;             /* fixed width in pixels, -1 to share the rest */
} columns[] = {
  { N_("Date"), (KbCellText) cell_date, KB_USAGE_SORT_START, 150 },
  { N_("Start"), (KbCellText) cell_start, -1, 62 },
  { N_("End"), (KbCellText) cell_end, -1, 62 },
  { N_("Terminal"), (KbCellText) cell_terminal, KB_USAGE_SORT_TERMINAL, 72 },
  { N_("Operator"), (KbCellText) cell_operator, KB_USAGE_SORT_OPERATOR, 112 },
  { N_("Division"), (KbCellText) cell_division, KB_USAGE_SORT_DIVISION, 112 },
  { N_("Business Task"), (KbCellText) cell_task, KB_USAGE_SORT_TASK, -1 },
  { N_("Cases"), (KbCellText) cell_cases, KB_USAGE_SORT_CASES, 58 },
  { N_("Remarks"), (KbCellText) cell_remarks, -1, -1 },
  { N_("Status"), (KbCellText) cell_status, -1, 120 },
  { N_("Confirmed By"), (KbCellText) cell_confirmed, KB_USAGE_SORT_CONFIRMED, 160 },
};

static GtkWidget *
button_new (const char *label,
            const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
build (KbUsagePage *self)
{
  GtkWidget *filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *filters2 = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *bar = gtk_action_bar_new ();
  GtkWidget *export_button, *print_button;
  const char *periods[] = {
    _("This month"), _("Last month"), _("Last 3 months"), _("This fiscal year"),
    _("Last fiscal year"), _("All dates"), _("Dates below"), NULL
  };
  const char *statuses[] = {
    _("Any status"), _("In use"), _("Purpose missing"), _("Unconfirmed"), _("Confirmed"),
    _("From paper"), NULL
  };
  GtkColumnViewColumn *first = NULL;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);

  /* Filters, in two rows so that they fit a 1024-pixel screen. */
  gtk_widget_add_css_class (filters, "toolbar");
  gtk_widget_add_css_class (filters2, "toolbar");
  self->period = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (periods));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->period), _("Period"));
  self->from_entry = GTK_ENTRY (gtk_entry_new ());
  self->to_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->from_entry, _("From (2026-04-01)"));
  gtk_entry_set_placeholder_text (self->to_entry, _("To (2027-03-31)"));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->from_entry), 11);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->to_entry), 11);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->from_entry), _("First day (press Enter to apply)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->to_entry), _("Last day (press Enter to apply)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->from_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("First day"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->to_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Last day"), -1);
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->period));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->from_entry));
  gtk_box_append (GTK_BOX (filters), gtk_label_new ("–"));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->to_entry));

  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Search remarks"), NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->search), TRUE);
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->search));

  self->status = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (statuses));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status), _("Status"));
  gtk_box_append (GTK_BOX (filters2), GTK_WIDGET (choice_init (&self->terminal, "terminal",
                                                               _("All terminals"), _("Terminal"))));
  gtk_box_append (GTK_BOX (filters2), GTK_WIDGET (choice_init (&self->operator, "operator",
                                                               _("All operators"), _("Operator"))));
  gtk_box_append (GTK_BOX (filters2), GTK_WIDGET (choice_init (&self->division, "division",
                                                               _("All divisions"), _("Division"))));
  gtk_box_append (GTK_BOX (filters2), GTK_WIDGET (choice_init (&self->task, "task",
                                                               _("All business tasks"),
                                                               _("Business task"))));
  gtk_widget_set_hexpand (GTK_WIDGET (self->task.dropdown), TRUE);
  gtk_box_append (GTK_BOX (filters2), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (self), filters);
  gtk_box_append (GTK_BOX (self), filters2);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->error_label));

  /* The table. */
  /* The model is its own (multiple) selection; the view takes a reference. */
  self->column_view =
    GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->model))));
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory =
        kb_label_cell_factory_new (columns[i].text, (KbCellActive) cell_active);
      GtkColumnViewColumn *column = gtk_column_view_column_new (_(columns[i].title), factory);

      gtk_column_view_column_set_resizable (column, TRUE);
      /* Fixed widths: a paged model cannot measure rows it has not read,
       * and the columns must not jump as pages arrive. */
      if (columns[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, columns[i].width);
      else
        {
          gtk_column_view_column_set_fixed_width (column, 150);
          gtk_column_view_column_set_expand (column, TRUE);
        }
      if (columns[i].sort >= 0)
        {
          g_autoptr(GtkSorter) sorter = probe_sorter_new (columns[i].sort);

          gtk_column_view_column_set_sorter (column, sorter);   /* takes a reference */
        }
      gtk_column_view_append_column (self->column_view, column);
      if (i == 0)
        first = column;
      if (columns[i].sort == KB_USAGE_SORT_DIVISION)
        self->division_column = column;
      g_object_unref (column);
    }
  gtk_column_view_sort_by_column (self->column_view, first, GTK_SORT_DESCENDING);
  self->sort = KB_USAGE_SORT_START;
  self->descending = TRUE;
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (row_activated_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);

  /* Totals and actions. */
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  self->totals = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->totals, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (self->totals, 0);
  gtk_action_bar_pack_start (GTK_ACTION_BAR (bar), GTK_WIDGET (self->spinner));
  gtk_action_bar_pack_start (GTK_ACTION_BAR (bar), GTK_WIDGET (self->totals));

  self->confirm_button = button_new (_("_Confirm"), _("Confirm the selected entries as supervisor"));
  gtk_widget_add_css_class (self->confirm_button, "suggested-action");
  self->manual_button = button_new (_("From _Paper…"), _("Record an entry from the paper register"));
  export_button = button_new (_("_Export…"), _("Save the entries shown as a CSV file for Excel"));
  print_button = button_new (_("_Print Month…"), _("Print one terminal’s monthly register"));
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), self->confirm_button);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), print_button);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), export_button);
  gtk_action_bar_pack_end (GTK_ACTION_BAR (bar), self->manual_button);
  gtk_box_append (GTK_BOX (self), bar);

  g_signal_connect_swapped (self->confirm_button, "clicked", G_CALLBACK (confirm_clicked_cb), self);
  g_signal_connect_swapped (self->manual_button, "clicked", G_CALLBACK (manual_clicked_cb), self);
  g_signal_connect_swapped (export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect_swapped (print_button, "clicked", G_CALLBACK (print_clicked_cb), self);

  g_signal_connect_swapped (self->period, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->status, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->terminal.dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->operator.dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->division.dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->task.dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->from_entry, "activate", G_CALLBACK (date_entry_activate_cb), self);
  g_signal_connect_swapped (self->to_entry, "activate", G_CALLBACK (date_entry_activate_cb), self);
  g_signal_connect_swapped (self->from_entry, "changed", G_CALLBACK (date_entry_changed_cb), self);
  g_signal_connect_swapped (self->to_entry, "changed", G_CALLBACK (date_entry_changed_cb), self);

  g_signal_connect_object (self->model, "notify", G_CALLBACK (model_notify_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
kb_usage_page_dispose (GObject *object)
{
  KbUsagePage *self = KB_USAGE_PAGE (object);

  /* Removing the columns as the view goes changes its sorter, after the
   * filter widgets are gone: no query from a page being destroyed. */
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_func (gtk_column_view_get_sorter (self->column_view),
                                          sorter_changed_cb, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (kb_usage_page_parent_class)->dispose (object);
}

static void
kb_usage_page_finalize (GObject *object)
{
  KbUsagePage *self = KB_USAGE_PAGE (object);
  Choice *choices[] = { &self->terminal, &self->operator, &self->division, &self->task };

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      g_clear_pointer (&choices[i]->ids, g_array_unref);
      g_clear_object (&choices[i]->names);
    }
  G_OBJECT_CLASS (kb_usage_page_parent_class)->finalize (object);
}

static void
kb_usage_page_class_init (KbUsagePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_usage_page_dispose;
  object_class->finalize = kb_usage_page_finalize;
  widget_class->map = kb_usage_page_map;
}

static void
kb_usage_page_init (KbUsagePage *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kb_usage_page_new (KbStore   *store,
                   KbStore   *reader,
                   KbSession *session)
{
  KbUsagePage *self = g_object_new (KB_TYPE_USAGE_PAGE, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = session != NULL ? g_object_ref (session) : NULL;
  self->model = kb_usage_model_new (reader);
  build (self);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* Without a session (benchmarks) the caller loads a viewer itself. */
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                               G_CONNECT_SWAPPED);
      session_changed_cb (self);
    }
  return GTK_WIDGET (self);
}

KbUsageModel *
kb_usage_page_get_model (KbUsagePage *self)
{
  return self->model;
}

GtkColumnView *
kb_usage_page_get_view (KbUsagePage *self)
{
  return self->column_view;
}

/**
 * kb_usage_page_show:
 *
 * Shows the entries of one status (the sitting page's "to confirm").
 */
void
kb_usage_page_show (KbUsagePage *self,
                    KbUsageShow  show)
{
  gtk_drop_down_set_selected (self->status, show);
}

void
kb_usage_page_set_period (KbUsagePage *self,
                          guint        period)
{
  gtk_drop_down_set_selected (self->period, period);
}

void
kb_usage_page_set_search (KbUsagePage *self,
                          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), text);
  apply_filter (self);
}
