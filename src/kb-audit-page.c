/* kb-audit-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audits (監査) as a page: the plan of audits at the top, then the one
 * selected: its facts, the warnings about auditors who would audit
 * their own work, the buttons that move it on, and its findings
 * (指摘事項) with their corrective actions. Security officers plan;
 * auditors, officers and the network administrator record findings;
 * supervisors read; anyone else is told who keeps it.
 *
 * Audits are read through the main store: the core checks the signed-in
 * operator's roles, and only the main store knows who that is. An
 * office holds a few audits a year, each with a handful of findings.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "kb-audit-dialogs.h"
#include "kb-audit-page.h"
#include "kb-error.h"
#include "kb-label-cell.h"
#include "kb-reason-entry.h"
#include "kb-store-jobs.h"
#include "kb-usage-page.h"
#include "kb-window.h"

/* The usage page's periods (kb-usage-page.c), in its drop-down's order. */
enum {
  USAGE_THIS_MONTH,
  USAGE_LAST_MONTH,
  USAGE_LAST_3_MONTHS,
  USAGE_THIS_FISCAL_YEAR,
  USAGE_LAST_FISCAL_YEAR,
  USAGE_ALL,
};

struct _KbAuditPage {
  GtkBox parent_instance;

  KbStore            *store;
  KbStore            *reader;
  KbSession          *session;
  GCancellable       *cancellable;   /* the viewer's: cancelled when they go */
  GCancellable       *load;          /* the newest read of the list */
  GCancellable       *load_detail;   /* the newest read of the selected audit */

  GtkStack           *stack;
  AdwStatusPage      *refused;
  GtkWidget          *plan_button;
  GtkDropDown        *filter;
  GtkColumnView      *audit_view;
  GtkLabel           *error_label;

  GtkWidget          *detail;
  GtkLabel           *detail_title;
  GtkLabel           *detail_facts;
  GtkLabel           *detail_scope;
  GtkLabel           *detail_overdue;
  GtkWidget          *warning_box;
  GtkLabel           *warning_label;
  GtkWidget          *start_button;
  GtkWidget          *report_button;
  GtkWidget          *close_button;
  GtkWidget          *registers_button;
  GtkWidget          *record_button;
  GtkColumnView      *finding_view;
  GtkLabel           *finding_detail;
  GtkWidget          *finding_close;
  GtkWidget          *finding_accept;
  GtkWidget          *finding_reopen;

  GListStore         *audits;        /* KbAudit */
  GtkSingleSelection *audit_selection;
  GListStore         *findings;      /* KbFinding */
  GtkSingleSelection *finding_selection;
  GHashTable         *link_text;     /* finding id → described links */
  GPtrArray          *warnings;

  gint64              viewer;
  gint64              selected_id;   /* kept across reloads */
  gint64              want_id;       /* to select once listed (planned, next, calendar) */
  gboolean            planner;
  gboolean            recorder;
  gboolean            officer;
  gboolean            stale;
  gboolean            loading;
  gboolean            loading_detail;
  gboolean            filling;       /* the list is being replaced */
  guint               pending;
};

G_DEFINE_FINAL_TYPE (KbAuditPage, kb_audit_page, GTK_TYPE_BOX)

static void reload (KbAuditPage *self);
static void reload_detail (KbAuditPage *self);

static char *
today_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* --- cells ----------------------------------------------------------------- */

typedef const char *(*CellStyle) (gpointer item);

typedef struct {
  KbCellText text;
  CellStyle style;
} StyledCell;

static gboolean
query_tooltip_cb (GtkLabel   *label,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  const char *text = gtk_label_get_label (label);

  if (text[0] == '\0' || !pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
styled_setup (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  gtk_list_item_set_child (list_item, label);
}

static void
styled_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  StyledCell *cell = user_data;
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = cell->text (item);
  const char *style = cell->style (item);

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "dim-label");
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
}

static GtkListItemFactory *
styled_factory_new (KbCellText text,
                    CellStyle  style)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  StyledCell *cell = g_new0 (StyledCell, 1);

  cell->text = text;
  cell->style = style;
  g_signal_connect (factory, "setup", G_CALLBACK (styled_setup), NULL);
  g_signal_connect_data (factory, "bind", G_CALLBACK (styled_bind), cell,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  return factory;
}

static gboolean
audit_active (KbAudit *a)
{
  return kb_audit_get_status (a) != KB_AUDIT_CLOSED;
}

static const char *
audit_style (KbAudit *a)
{
  if (kb_audit_get_overdue (a))
    return "error";
  return audit_active (a) ? NULL : "dim-label";
}

static char *
audit_kind (KbAudit *a)
{
  return g_strdup (kb_audit_kind_get_label (kb_audit_get_kind (a)));
}

static char *
audit_title (KbAudit *a)
{
  return g_strdup (kb_audit_get_title (a));
}

static char *
audit_planned (KbAudit *a)
{
  return g_strdup (kb_audit_get_planned_on (a));
}

static char *
audit_period (KbAudit *a)
{
  return g_strdup_printf ("%s – %s", kb_audit_get_period_from (a), kb_audit_get_period_to (a));
}

static char *
audit_auditors (KbAudit *a)
{
  return g_strdup (kb_audit_get_auditor_names (a));
}

static char *
audit_status (KbAudit *a)
{
  if (kb_audit_get_overdue (a))
    /* Translators: an audit's status and that it is overdue */
    return g_strdup_printf (_("%s, overdue"), kb_audit_status_get_label (kb_audit_get_status (a)));
  return g_strdup (kb_audit_status_get_label (kb_audit_get_status (a)));
}

static char *
audit_open (KbAudit *a)
{
  return g_strdup_printf ("%u/%u", kb_audit_get_n_open_findings (a), kb_audit_get_n_findings (a));
}

static const char *
finding_style (KbFinding *f)
{
  if (kb_finding_get_status (f) != KB_FINDING_OPEN)
    return "dim-label";
  if (kb_finding_get_overdue (f))
    return "error";
  return NULL;
}

static const char *
severity_style (KbFinding *f)
{
  if (kb_finding_get_status (f) != KB_FINDING_OPEN)
    return "dim-label";
  return kb_finding_get_severity (f) == KB_SEVERITY_HIGH ? "error" : NULL;
}

static gboolean
finding_active (KbFinding *f)
{
  return kb_finding_get_status (f) == KB_FINDING_OPEN;
}

static char *
finding_severity (KbFinding *f)
{
  return g_strdup (kb_severity_get_label (kb_finding_get_severity (f)));
}

static char *
finding_description (KbFinding *f)
{
  return g_strdup (kb_finding_get_description (f));
}

static char *
finding_responsible (KbFinding *f)
{
  return g_strdup (kb_finding_get_responsible_name (f));
}

static char *
finding_due (KbFinding *f)
{
  return g_strdup (kb_finding_get_due_on (f) != NULL ? kb_finding_get_due_on (f) : "");
}

static char *
finding_status (KbFinding *f)
{
  if (kb_finding_get_status (f) == KB_FINDING_OPEN && kb_finding_get_overdue (f))
    return g_strdup (_("Open, overdue"));
  return g_strdup (kb_finding_status_get_label (kb_finding_get_status (f)));
}

/* --- reading the list ------------------------------------------------------ */

typedef struct {
  char *from;
  char *to;
  char *today;
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  g_free (job->from);
  g_free (job->to);
  g_free (job->today);
  g_free (job);
}

static gpointer
list_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  ListJob *job = data;

  return kb_audit_list (db, job->from, job->to, job->today, error);
}

static void
show_error (KbAuditPage *self,
            GError      *error)
{
  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static gboolean
show_all (KbAuditPage *self)
{
  return gtk_drop_down_get_selected (self->filter) == 1;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) audits = kb_store_run_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  KbAuditPage *self;
  guint selected = GTK_INVALID_LIST_POSITION;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_AUDIT_PAGE (user_data);
  self->loading = FALSE;
  if (audits == NULL)
    {
      show_error (self, error);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (self->want_id != 0)
    self->selected_id = self->want_id;
  for (guint i = 0; i < g_list_model_get_n_items (audits); i++)
    {
      KbAudit *a = g_list_model_get_item (audits, i);

      if (kb_audit_get_id (a) == self->selected_id)
        selected = i;
      g_ptr_array_add (items, a);
    }
  /* An audit asked for that this year's list does not hold (the next
   * one, planned after the fiscal year): the whole plan then. */
  if (selected == GTK_INVALID_LIST_POSITION && self->want_id != 0 && !show_all (self))
    {
      gtk_drop_down_set_selected (self->filter, 1);   /* reloads */
      return;
    }
  self->want_id = 0;
  self->filling = TRUE;
  g_list_store_splice (self->audits, 0, g_list_model_get_n_items (G_LIST_MODEL (self->audits)),
                       items->pdata, items->len);
  gtk_single_selection_set_selected (self->audit_selection, selected);
  self->filling = FALSE;
  reload_detail (self);
}

static void
reload (KbAuditPage *self)
{
  ListJob *job;

  if (self->viewer == 0 || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "audits") != 0)
    return;
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  self->load = g_cancellable_new ();
  job = g_new0 (ListJob, 1);
  job->today = today_string ();
  if (!show_all (self))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      int y = g_date_time_get_year (now) - (g_date_time_get_month (now) < 4 ? 1 : 0);

      /* The fiscal year runs from 1 April. */
      job->from = g_strdup_printf ("%04d-04-01", y);
      job->to = g_strdup_printf ("%04d-04-01", y + 1);
    }
  self->loading = TRUE;
  kb_store_run_async (self->store, NULL, list_job, job, list_job_free, g_object_unref, self->load,
                      listed_cb, self);
}

/* --- the selected audit ---------------------------------------------------- */

typedef struct {
  gint64 id;
  char *today;
} DetailJob;

typedef struct {
  GListModel *findings;
  GPtrArray *warnings;
  GHashTable *link_text;
} Detail;

static void
detail_job_free (gpointer data)
{
  DetailJob *job = data;

  g_free (job->today);
  g_free (job);
}

static void
detail_free (gpointer data)
{
  Detail *d = data;

  g_clear_object (&d->findings);
  g_clear_pointer (&d->warnings, g_ptr_array_unref);
  g_clear_pointer (&d->link_text, g_hash_table_unref);
  g_free (d);
}

static gpointer
detail_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  DetailJob *job = data;
  Detail *d = g_new0 (Detail, 1);

  d->findings = kb_finding_list (db, job->id, job->today, error);
  if (d->findings == NULL)
    {
      detail_free (d);
      return NULL;
    }
  d->warnings = kb_audit_self_audit_warnings (db, job->id, error);
  if (d->warnings == NULL)
    {
      detail_free (d);
      return NULL;
    }
  d->link_text = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < g_list_model_get_n_items (d->findings); i++)
    {
      g_autoptr(KbFinding) f = g_list_model_get_item (d->findings, i);
      GArray *links = kb_finding_get_links (f);   /* (transfer none) */
      GString *text = g_string_new (NULL);
      gint64 *key = g_new (gint64, 1);

      for (guint j = 0; links != NULL && j < links->len; j++)
        {
          g_autofree char *line = kb_finding_link_describe (db, &g_array_index (links,
                                                                                KbFindingLink,
                                                                                j));

          if (line == NULL)
            continue;
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, line);
        }
      *key = kb_finding_get_id (f);
      g_hash_table_insert (d->link_text, key, g_string_free (text, FALSE));
    }
  return d;
}

static KbFinding *
selected_finding (KbAuditPage *self)
{
  return gtk_single_selection_get_selected_item (self->finding_selection);
}

static void
update_finding_buttons (KbAuditPage *self)
{
  KbFinding *f = selected_finding (self);
  KbAudit *a = kb_audit_page_get_selected (self);
  gboolean open_audit = a != NULL && kb_audit_get_status (a) != KB_AUDIT_CLOSED;
  KbFindingStatus status = f != NULL ? kb_finding_get_status (f) : KB_FINDING_OPEN;
  GString *text = g_string_new (NULL);

  gtk_widget_set_visible (self->finding_close, self->recorder);
  gtk_widget_set_visible (self->finding_accept, self->officer);
  gtk_widget_set_visible (self->finding_reopen, self->recorder);
  gtk_widget_set_sensitive (self->finding_close, f != NULL && open_audit &&
                            status == KB_FINDING_OPEN);
  gtk_widget_set_sensitive (self->finding_accept, f != NULL && open_audit &&
                            status == KB_FINDING_OPEN);
  gtk_widget_set_sensitive (self->finding_reopen, f != NULL && open_audit &&
                            status != KB_FINDING_OPEN);

  if (f != NULL)
    {
      gint64 id = kb_finding_get_id (f);
      const char *links = self->link_text != NULL ? g_hash_table_lookup (self->link_text, &id)
                                                  : NULL;

      g_string_append_printf (text, _("Corrective action: %s"), kb_finding_get_action (f));
      if (links != NULL && links[0] != '\0')
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text, _("Concerns:\n%s"), links);
        }
      if (status != KB_FINDING_OPEN)
        {
          g_string_append_c (text, '\n');
          /* Translators: how a finding was closed or accepted, and by whom */
          g_string_append_printf (text, _("%s by %s: %s"), kb_finding_status_get_label (status),
                                  kb_finding_get_resolver_name (f) != NULL
                                  ? kb_finding_get_resolver_name (f) : "",
                                  kb_finding_get_evidence (f) != NULL
                                  ? kb_finding_get_evidence (f) : "");
        }
    }
  gtk_label_set_label (self->finding_detail, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->finding_detail), text->len > 0);
  g_string_free (text, TRUE);
}

static void
update_detail (KbAuditPage *self)
{
  KbAudit *a = kb_audit_page_get_selected (self);
  g_autofree char *facts = NULL;
  g_autofree char *recurrence = NULL;
  KbAuditStatus status;

  gtk_widget_set_visible (self->detail, a != NULL);
  if (a == NULL)
    return;
  status = kb_audit_get_status (a);
  if (kb_audit_get_recurrence_months (a) > 0)
    recurrence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every %d month",
                                               "every %d months",
                                               kb_audit_get_recurrence_months (a)),
                                  kb_audit_get_recurrence_months (a));
  else
    recurrence = g_strdup (_("once"));
  /* Translators: kind, status; the period audited; when planned, how often; who audits */
  facts = g_strdup_printf (_("%s · %s\nPeriod audited: %s – %s\nPlanned for %s, %s\nAuditors: %s"),
                           kb_audit_kind_get_label (kb_audit_get_kind (a)),
                           kb_audit_status_get_label (status), kb_audit_get_period_from (a),
                           kb_audit_get_period_to (a), kb_audit_get_planned_on (a), recurrence,
                           kb_audit_get_auditor_names (a));
  gtk_label_set_label (self->detail_title, kb_audit_get_title (a));
  gtk_label_set_label (self->detail_facts, facts);
  gtk_label_set_label (self->detail_scope, kb_audit_get_scope (a) != NULL ? kb_audit_get_scope (a) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_scope),
                          kb_audit_get_scope (a) != NULL && kb_audit_get_scope (a)[0] != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->detail_overdue), kb_audit_get_overdue (a));

  gtk_widget_set_visible (self->start_button, self->planner && status == KB_AUDIT_PLANNED);
  gtk_widget_set_visible (self->report_button, self->recorder && status == KB_AUDIT_IN_PROGRESS);
  gtk_widget_set_visible (self->close_button, self->planner && status == KB_AUDIT_REPORTED);
  gtk_widget_set_visible (self->record_button, self->recorder &&
                          (status == KB_AUDIT_IN_PROGRESS || status == KB_AUDIT_REPORTED));

  if (self->warnings != NULL && self->warnings->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (self->warnings, NULL);
      joined = g_strjoinv ("\n", (char **) self->warnings->pdata);
      g_ptr_array_remove_index (self->warnings, self->warnings->len - 1);
      gtk_label_set_label (self->warning_label, joined);
      gtk_widget_set_visible (self->warning_box, TRUE);
    }
  else
    gtk_widget_set_visible (self->warning_box, FALSE);
  update_finding_buttons (self);
}

static void
detailed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Detail *d = kb_store_run_finish (KB_STORE (source), result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  KbAuditPage *self;
  gint64 finding_id = 0;
  guint selected = GTK_INVALID_LIST_POSITION;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_AUDIT_PAGE (user_data);
  self->loading_detail = FALSE;
  if (d == NULL)
    {
      show_error (self, error);
      return;
    }
  if (selected_finding (self) != NULL)
    finding_id = kb_finding_get_id (selected_finding (self));
  for (guint i = 0; i < g_list_model_get_n_items (d->findings); i++)
    {
      KbFinding *f = g_list_model_get_item (d->findings, i);

      if (kb_finding_get_id (f) == finding_id)
        selected = i;
      g_ptr_array_add (items, f);
    }
  g_clear_pointer (&self->link_text, g_hash_table_unref);
  self->link_text = g_steal_pointer (&d->link_text);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  self->warnings = g_steal_pointer (&d->warnings);
  g_list_store_splice (self->findings, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->findings)),
                       items->pdata, items->len);
  gtk_single_selection_set_selected (self->finding_selection, selected);
  detail_free (d);
  update_detail (self);
}

static void
reload_detail (KbAuditPage *self)
{
  KbAudit *a = kb_audit_page_get_selected (self);
  DetailJob *job;

  g_cancellable_cancel (self->load_detail);
  g_clear_object (&self->load_detail);
  if (a == NULL)
    {
      g_list_store_remove_all (self->findings);
      g_clear_pointer (&self->warnings, g_ptr_array_unref);
      self->loading_detail = FALSE;
      update_detail (self);
      return;
    }
  /* The facts at once, the findings and warnings when they come. */
  update_detail (self);
  self->load_detail = g_cancellable_new ();
  job = g_new0 (DetailJob, 1);
  job->id = kb_audit_get_id (a);
  job->today = today_string ();
  self->loading_detail = TRUE;
  kb_store_run_async (self->store, NULL, detail_job, job, detail_job_free, detail_free,
                      self->load_detail, detailed_cb, self);
}

static void
audit_selected_cb (KbAuditPage *self)
{
  KbAudit *a;

  if (self->filling)
    return;
  a = kb_audit_page_get_selected (self);
  self->selected_id = a != NULL ? kb_audit_get_id (a) : 0;
  g_list_store_remove_all (self->findings);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  reload_detail (self);
}

/* --- changes --------------------------------------------------------------- */

static GtkWindow *
page_window (KbAuditPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
tell (KbAuditPage *self,
      const char  *heading,
      const char  *body)
{
  GtkWidget *dialog = adw_message_dialog_new (page_window (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef enum {
  CHANGE_ADVANCE,
  CHANGE_FINDING_CLOSE,
  CHANGE_FINDING_ACCEPT,
  CHANGE_FINDING_REOPEN,
} ChangeKind;

typedef struct {
  ChangeKind kind;
  gint64 id;
  KbAuditStatus to;
  char *text;
} ChangeJob;

/* What a change left: the next audit, when a close planned one. */
typedef struct {
  gint64 next_id;
  KbAuditKind next_kind;
  char *next_planned;
} Changed;

/* The callback's: which change it was, to word a refusal. */
typedef struct {
  KbAuditPage *self;
  ChangeKind kind;
  KbAuditStatus to;
} Call;

static void
change_job_free (gpointer data)
{
  ChangeJob *job = data;

  g_free (job->text);
  g_free (job);
}

static void
changed_free (gpointer data)
{
  Changed *c = data;

  g_free (c->next_planned);
  g_free (c);
}

static gpointer
change_job (KbDb          *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  ChangeJob *job = data;
  Changed *c = g_new0 (Changed, 1);
  gboolean ok = FALSE;

  switch (job->kind)
    {
    case CHANGE_ADVANCE:
      ok = kb_audit_advance (db, job->id, job->to, &c->next_id, error);
      if (ok && c->next_id > 0)
        {
          g_autoptr(KbAudit) next = kb_audit_get (db, c->next_id, NULL, NULL);

          if (next != NULL)
            {
              c->next_kind = kb_audit_get_kind (next);
              c->next_planned = g_strdup (kb_audit_get_planned_on (next));
            }
        }
      break;
    case CHANGE_FINDING_CLOSE:
      ok = kb_finding_close (db, job->id, job->text, error);
      break;
    case CHANGE_FINDING_ACCEPT:
      ok = kb_finding_accept (db, job->id, job->text, error);
      break;
    case CHANGE_FINDING_REOPEN:
      ok = kb_finding_reopen (db, job->id, job->text, error);
      break;
    }
  if (!ok)
    {
      changed_free (c);
      return NULL;
    }
  return c;
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree Call *call = user_data;
  Changed *c = kb_store_run_finish (KB_STORE (source), result, &error);
  KbAuditPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = call->self;
  self->pending--;
  if (c == NULL)
    {
      if (call->kind == CHANGE_ADVANCE && call->to == KB_AUDIT_CLOSED)
        tell (self, _("The Audit Stays Open"), error->message);
      else
        tell (self, _("Not Recorded"), error->message);
      return;
    }
  if (c->next_id > 0)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      g_autofree char *message = NULL;

      const char *when = c->next_planned != NULL ? c->next_planned : "";

      switch (c->next_kind)
        {
        case KB_AUDIT_PRE_USE:
          message = g_strdup_printf (_("Next pre-use audit planned for %s"), when);
          break;
        case KB_AUDIT_EXTERNAL:
          message = g_strdup_printf (_("Next external audit planned for %s"), when);
          break;
        case KB_AUDIT_INTERNAL:
        default:
          message = g_strdup_printf (_("Next internal audit planned for %s"), when);
          break;
        }
      if (KB_IS_WINDOW (root))
        kb_window_toast (KB_WINDOW (root), message);
      self->want_id = c->next_id;
    }
  changed_free (c);
  /* KbStore::changed reloads the page. */
}

static void
run_change (KbAuditPage  *self,
            ChangeKind    kind,
            gint64        id,
            KbAuditStatus to,
            const char   *text)
{
  ChangeJob *job = g_new0 (ChangeJob, 1);
  Call *call = g_new0 (Call, 1);

  job->kind = kind;
  job->id = id;
  job->to = to;
  job->text = g_strdup (text);
  call->self = self;
  call->kind = kind;
  call->to = to;
  self->pending++;
  kb_store_run_async (self->store, kind == CHANGE_ADVANCE ? "audit" : "finding", change_job, job,
                      change_job_free, changed_free, self->cancellable, changed_cb, call);
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   KbAuditPage      *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "audit-id"));

  if (g_str_equal (response, "apply") && self->planner)
    run_change (self, CHANGE_ADVANCE, id, KB_AUDIT_CLOSED, NULL);
}

/**
 * kb_audit_page_advance:
 * @to: the status the selected audit moves to
 *
 * Starts or reports the selected audit at once; closing asks first.
 *
 * Returns: (transfer none) (nullable): the confirmation, when closing
 */
GtkWidget *
kb_audit_page_advance (KbAuditPage   *self,
                       KbAuditStatus  to)
{
  KbAudit *a = kb_audit_page_get_selected (self);
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  g_return_val_if_fail (KB_IS_AUDIT_PAGE (self), NULL);

  if (a == NULL || !self->recorder)
    return NULL;
  if (to != KB_AUDIT_CLOSED)
    {
      run_change (self, CHANGE_ADVANCE, kb_audit_get_id (a), to, NULL);
      return NULL;
    }
  if (kb_audit_get_recurrence_months (a) > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Every finding must be closed or accepted. The next "
                                         "audit is then planned %d month later.",
                                         "Every finding must be closed or accepted. The next "
                                         "audit is then planned %d months later.",
                                         kb_audit_get_recurrence_months (a)),
                            kb_audit_get_recurrence_months (a));
  else
    body = g_strdup (_("Every finding must be closed or accepted."));
  dialog = adw_message_dialog_new (page_window (self), _("Close This Audit?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", _("C_lose Audit"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "audit-id", GSIZE_TO_POINTER (kb_audit_get_id (a)));
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
finding_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     KbAuditPage      *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "reason");
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "finding-id"));
  ChangeKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind"));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (g_str_equal (response, "apply") && self->recorder)
    run_change (self, kind, id, 0, text);
}

/**
 * kb_audit_page_finding_action:
 * @position: the row of the findings
 * @action: "close" (with evidence), "accept" or "reopen" (with a reason)
 *
 * Returns: (transfer none) (nullable): the dialog that asks for the text
 */
GtkWidget *
kb_audit_page_finding_action (KbAuditPage *self,
                              guint        position,
                              const char  *action)
{
  g_autoptr(KbFinding) f = g_list_model_get_item (G_LIST_MODEL (self->findings), position);
  GtkWidget *dialog;
  GtkWidget *entry;
  ChangeKind kind;
  const char *heading, *body, *button, *placeholder;

  g_return_val_if_fail (KB_IS_AUDIT_PAGE (self), NULL);

  if (f == NULL || !self->recorder ||
      (kb_finding_get_status (f) == KB_FINDING_OPEN) == g_str_equal (action, "reopen"))
    return NULL;
  if (g_str_equal (action, "close"))
    {
      kind = CHANGE_FINDING_CLOSE;
      heading = _("Close This Finding?");
      body = _("Say what shows that the corrective action is done: a document, a check, "
               "a date.");
      button = _("C_lose Finding");
      placeholder = _("Evidence");
    }
  else if (g_str_equal (action, "accept") && self->officer)
    {
      kind = CHANGE_FINDING_ACCEPT;
      heading = _("Accept This Finding as It Is?");
      body = _("The finding stays without corrective action, for the reason given. Only a "
               "security officer may accept a finding.");
      button = _("_Accept");
      placeholder = _("Reason");
    }
  else if (g_str_equal (action, "reopen"))
    {
      kind = CHANGE_FINDING_REOPEN;
      heading = _("Reopen This Finding?");
      body = _("The finding is open again until it is closed or accepted.");
      button = _("_Reopen");
      placeholder = _("Reason");
    }
  else
    return NULL;

  dialog = adw_message_dialog_new (page_window (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", button, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  entry = kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  placeholder, -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "finding-id", GSIZE_TO_POINTER (kb_finding_get_id (f)));
  g_object_set_data (G_OBJECT (dialog), "kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (dialog, "response", G_CALLBACK (finding_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
finding_button_cb (GtkButton   *button,
                   KbAuditPage *self)
{
  guint position = gtk_single_selection_get_selected (self->finding_selection);

  if (position != GTK_INVALID_LIST_POSITION)
    kb_audit_page_finding_action (self, position, g_object_get_data (G_OBJECT (button), "action"));
}

static void
dialog_saved_cb (KbAuditPage *self,
                 gint64       id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (KB_IS_WINDOW (root))
    kb_window_toast (KB_WINDOW (root), _("Saved and recorded in the journal"));
}

static void
audit_saved_cb (GtkWidget   *dialog,
                gint64       id,
                KbAuditPage *self)
{
  self->want_id = id;
  dialog_saved_cb (self, id);
}

/**
 * kb_audit_page_open_plan:
 *
 * Returns: (transfer none) (nullable): the form that plans an audit
 */
GtkWidget *
kb_audit_page_open_plan (KbAuditPage *self)
{
  GtkWidget *dialog;

  g_return_val_if_fail (KB_IS_AUDIT_PAGE (self), NULL);

  if (!self->planner)
    return NULL;
  dialog = kb_audit_dialog_new (self->store, self->reader, self->session);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (audit_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/**
 * kb_audit_page_open_finding:
 *
 * Returns: (transfer none) (nullable): the form that records a finding
 *   of the selected audit
 */
GtkWidget *
kb_audit_page_open_finding (KbAuditPage *self)
{
  KbAudit *a = kb_audit_page_get_selected (self);
  GtkWidget *dialog;

  g_return_val_if_fail (KB_IS_AUDIT_PAGE (self), NULL);

  /* Findings are recorded while the audit is under way or reported. */
  if (a == NULL || !self->recorder ||
      (kb_audit_get_status (a) != KB_AUDIT_IN_PROGRESS &&
       kb_audit_get_status (a) != KB_AUDIT_REPORTED))
    return NULL;
  dialog = kb_finding_dialog_new (self->store, self->reader, self->session, kb_audit_get_id (a));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (dialog_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* The smallest of the usage page's periods that holds the whole audited
 * period; the usage page has no way yet to be given two dates. */
static guint
usage_period_for (const char *from,
                  const char *to)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int y = g_date_time_get_year (now);
  int m = g_date_time_get_month (now);
  int fy = m < 4 ? y - 1 : y;
  g_autofree char *month = g_strdup_printf ("%04d-%02d-01", y, m);
  g_autofree char *last_month = g_strdup_printf ("%04d-%02d-01", m == 1 ? y - 1 : y,
                                                 m == 1 ? 12 : m - 1);
  g_autofree char *three = g_strdup_printf ("%04d-%02d-01", m <= 2 ? y - 1 : y,
                                            m <= 2 ? m + 10 : m - 2);
  g_autofree char *fy_start = g_strdup_printf ("%04d-04-01", fy);
  g_autofree char *last_fy_start = g_strdup_printf ("%04d-04-01", fy - 1);
  g_autofree char *last_fy_end = g_strdup_printf ("%04d-03-31", fy);

  if (strcmp (from, month) >= 0)
    return USAGE_THIS_MONTH;
  if (strcmp (from, last_month) >= 0 && strcmp (to, month) < 0)
    return USAGE_LAST_MONTH;
  if (strcmp (from, three) >= 0)
    return USAGE_LAST_3_MONTHS;
  if (strcmp (from, fy_start) >= 0)
    return USAGE_THIS_FISCAL_YEAR;
  if (strcmp (from, last_fy_start) >= 0 && strcmp (to, last_fy_end) <= 0)
    return USAGE_LAST_FISCAL_YEAR;
  return USAGE_ALL;
}

/**
 * kb_audit_page_open_registers:
 *
 * Shows the terminal usage register over the selected audit's period
 * (the smallest of its periods that holds it), where auditors read,
 * export and print.
 */
void
kb_audit_page_open_registers (KbAuditPage *self)
{
  KbAudit *a = kb_audit_page_get_selected (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *usage;

  if (a == NULL || !KB_IS_WINDOW (root))
    return;
  usage = kb_window_get_page_widget (KB_WINDOW (root), "usage");
  if (KB_IS_USAGE_PAGE (usage))
    kb_usage_page_set_period (KB_USAGE_PAGE (usage),
                              usage_period_for (kb_audit_get_period_from (a),
                                                kb_audit_get_period_to (a)));
  kb_window_show_page (KB_WINDOW (root), "usage");
}

static void
start_clicked_cb (KbAuditPage *self)
{
  kb_audit_page_advance (self, KB_AUDIT_IN_PROGRESS);
}

static void
report_clicked_cb (KbAuditPage *self)
{
  kb_audit_page_advance (self, KB_AUDIT_REPORTED);
}

static void
close_clicked_cb (KbAuditPage *self)
{
  kb_audit_page_advance (self, KB_AUDIT_CLOSED);
}

/* --- who looks ------------------------------------------------------------- */

static void
session_changed_cb (KbAuditPage *self)
{
  KbOperator *op = kb_session_get_operator (self->session);
  gboolean unlocked = kb_session_get_state (self->session) == KB_SESSION_UNLOCKED;
  gint64 viewer = unlocked && op != NULL ? kb_operator_get_id (op) : 0;

  if (viewer == self->viewer)
    return;

  /* Nothing of the last person's view stays. */
  self->viewer = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->load);
  g_cancellable_cancel (self->load_detail);
  self->loading = FALSE;
  self->loading_detail = FALSE;
  self->pending = 0;
  self->selected_id = 0;
  self->want_id = 0;
  self->filling = TRUE;
  g_list_store_remove_all (self->audits);
  self->filling = FALSE;
  g_list_store_remove_all (self->findings);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->link_text, g_hash_table_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (self->detail, FALSE);
  self->planner = self->recorder = self->officer = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "refused");
  if (viewer == 0)
    return;

  self->viewer = viewer;
  self->planner = kb_session_has_role (self->session, KB_ROLES_AUDIT_PLANNERS);
  self->recorder = kb_session_has_role (self->session, KB_ROLES_AUDIT_RECORDERS);
  self->officer = kb_session_has_role (self->session, KB_ROLES_OFFICERS);
  gtk_widget_set_visible (self->plan_button, self->planner);
  if (!kb_session_has_role (self->session, KB_ROLES_AUDIT_READERS))
    return;
  gtk_stack_set_visible_child_name (self->stack, "audits");
  reload (self);
}

static void
store_changed_cb (KbAuditPage *self,
                  const char  *entity)
{
  /* Auditors' names and the findings' responsible people as they are now. */
  if (g_strcmp0 (entity, "audit") != 0 && g_strcmp0 (entity, "finding") != 0 &&
      g_strcmp0 (entity, "operator") != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
kb_audit_page_map (GtkWidget *widget)
{
  KbAuditPage *self = KB_AUDIT_PAGE (widget);

  GTK_WIDGET_CLASS (kb_audit_page_parent_class)->map (widget);
  /* Overdue is reckoned against today: a page left open overnight reads again. */
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
  int width;
} audit_columns[] = {
  { N_("Kind"), (KbCellText) audit_kind, 104 },
  { N_("Title"), (KbCellText) audit_title, -1 },
  { N_("Planned"), (KbCellText) audit_planned, 100 },
  { N_("Period"), (KbCellText) audit_period, 196 },
  { N_("Auditors"), (KbCellText) audit_auditors, 120 },
  { N_("Status"), (KbCellText) audit_status, 124 },
  /* Translators: open findings / all findings */
  { N_("Open"), (KbCellText) audit_open, 58 },
};

static const struct {
  const char *title;
  KbCellText text;
  CellStyle style;
  int width;
} finding_columns[] = {
  { N_("Severity"), (KbCellText) finding_severity, (CellStyle) severity_style, 80 },
  { N_("Description"), (KbCellText) finding_description, NULL, -1 },
  { N_("Responsible"), (KbCellText) finding_responsible, NULL, 110 },
  { N_("Due"), (KbCellText) finding_due, (CellStyle) finding_style, 104 },
  { N_("Status"), (KbCellText) finding_status, (CellStyle) finding_style, 120 },
};

static void
add_column (GtkColumnView      *view,
            const char         *title,
            GtkListItemFactory *factory,
            int                 width)
{
  GtkColumnViewColumn *column = gtk_column_view_column_new (title, factory);

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
framed (GtkWidget *view,
        int        height)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  gtk_widget_set_size_request (frame, -1, height);
  return frame;
}

static GtkWidget *
heading_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_hexpand (label, TRUE);
  return label;
}

static GtkLabel *
text_label_new (void)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_xalign (label, 0);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_selectable (label, TRUE);
  return label;
}

static GtkWidget *
button_new (const char *mnemonic,
            const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
build (KbAuditPage *self)
{
  GtkWidget *scrolled_page = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *findings_head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *finding_buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *warning_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  const char *filters[] = { _("This fiscal year"), _("All"), NULL };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  self->refused = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->refused, "edit-find-symbolic");
  adw_status_page_set_title (self->refused, _("Audits"));
  adw_status_page_set_description (self->refused,
    _("The security officers plan audits; auditors, the officers and the network "
      "administrator record findings, and supervisors read them."));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->refused), "refused");

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled_page), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled_page), box);
  gtk_stack_add_named (self->stack, scrolled_page, "audits");

  /* The plan. */
  self->filter = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (filters));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter), _("Which audits"));
  self->plan_button = button_new (_("_Plan Audit…"), _("Plan an audit"));
  gtk_widget_add_css_class (self->plan_button, "suggested-action");
  g_signal_connect_swapped (self->plan_button, "clicked", G_CALLBACK (kb_audit_page_open_plan),
                            self);
  gtk_box_append (GTK_BOX (top), heading_new (_("Audit Plan")));
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->filter));
  gtk_box_append (GTK_BOX (top), self->plan_button);
  gtk_box_append (GTK_BOX (box), top);

  self->audit_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->audits)));
  gtk_single_selection_set_autoselect (self->audit_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->audit_selection, TRUE);
  self->audit_view = GTK_COLUMN_VIEW (gtk_column_view_new (
    GTK_SELECTION_MODEL (g_object_ref (self->audit_selection))));
  gtk_column_view_set_show_column_separators (self->audit_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->audit_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (audit_columns); i++)
    add_column (self->audit_view, _(audit_columns[i].title),
                styled_factory_new (audit_columns[i].text, (CellStyle) audit_style),
                audit_columns[i].width);
  gtk_box_append (GTK_BOX (box), framed (GTK_WIDGET (self->audit_view), 170));

  self->error_label = text_label_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  /* The selected audit. */
  self->detail = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (self->detail, 12);
  self->detail_title = text_label_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_title), "title-4");
  gtk_box_append (GTK_BOX (self->detail), GTK_WIDGET (self->detail_title));
  self->detail_facts = text_label_new ();
  gtk_box_append (GTK_BOX (self->detail), GTK_WIDGET (self->detail_facts));
  self->detail_scope = text_label_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_scope), "dim-label");
  gtk_box_append (GTK_BOX (self->detail), GTK_WIDGET (self->detail_scope));
  self->detail_overdue = text_label_new ();
  gtk_label_set_label (self->detail_overdue,
                       _("Overdue: not started by its planned date, or a finding is past its "
                         "due date."));
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_overdue), "error");
  gtk_box_append (GTK_BOX (self->detail), GTK_WIDGET (self->detail_overdue));

  self->warning_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->warning_box, "card");
  gtk_widget_add_css_class (self->warning_box, "warning");
  gtk_widget_add_css_class (warning_icon, "warning");
  gtk_widget_set_valign (warning_icon, GTK_ALIGN_START);
  gtk_widget_set_margin_start (warning_icon, 12);
  gtk_widget_set_margin_top (warning_icon, 12);
  gtk_box_append (GTK_BOX (self->warning_box), warning_icon);
  self->warning_label = text_label_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->warning_label), "warning");
  gtk_widget_set_margin_top (GTK_WIDGET (self->warning_label), 10);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->warning_label), 10);
  gtk_widget_set_margin_end (GTK_WIDGET (self->warning_label), 12);
  gtk_widget_set_hexpand (GTK_WIDGET (self->warning_label), TRUE);
  gtk_box_append (GTK_BOX (self->warning_box), GTK_WIDGET (self->warning_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Auditors who would audit their own work"), -1);
  gtk_widget_set_visible (self->warning_box, FALSE);
  gtk_box_append (GTK_BOX (self->detail), self->warning_box);

  self->start_button = button_new (_("_Start"), _("The audit has begun"));
  self->report_button = button_new (_("_Report"), _("The auditors have reported"));
  self->close_button = button_new (_("_Close…"),
                                   _("Close the audit once every finding is closed or accepted"));
  self->registers_button = button_new (_("Open the Registers for This _Period"),
                                       _("The terminal usage register over the audited period, "
                                         "to read, export and print"));
  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect_swapped (self->report_button, "clicked", G_CALLBACK (report_clicked_cb), self);
  g_signal_connect_swapped (self->close_button, "clicked", G_CALLBACK (close_clicked_cb), self);
  g_signal_connect_swapped (self->registers_button, "clicked",
                            G_CALLBACK (kb_audit_page_open_registers), self);
  gtk_box_append (GTK_BOX (buttons), self->start_button);
  gtk_box_append (GTK_BOX (buttons), self->report_button);
  gtk_box_append (GTK_BOX (buttons), self->close_button);
  gtk_widget_set_hexpand (self->registers_button, TRUE);
  gtk_widget_set_halign (self->registers_button, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), self->registers_button);
  gtk_box_append (GTK_BOX (self->detail), buttons);

  /* Its findings. */
  gtk_widget_set_margin_top (findings_head, 12);
  self->record_button = button_new (_("Record _Finding…"), _("Record a finding of this audit"));
  gtk_widget_add_css_class (self->record_button, "suggested-action");
  g_signal_connect_swapped (self->record_button, "clicked",
                            G_CALLBACK (kb_audit_page_open_finding), self);
  gtk_box_append (GTK_BOX (findings_head), heading_new (_("Findings")));
  self->finding_close = button_new (_("Close Finding…"),
                                    _("The corrective action is done: record the evidence"));
  self->finding_accept = button_new (_("Accept…"), _("Accept the finding as it is"));
  self->finding_reopen = button_new (_("Reopen…"), _("Open the finding again"));
  g_object_set_data (G_OBJECT (self->finding_close), "action", (gpointer) "close");
  g_object_set_data (G_OBJECT (self->finding_accept), "action", (gpointer) "accept");
  g_object_set_data (G_OBJECT (self->finding_reopen), "action", (gpointer) "reopen");
  g_signal_connect (self->finding_close, "clicked", G_CALLBACK (finding_button_cb), self);
  g_signal_connect (self->finding_accept, "clicked", G_CALLBACK (finding_button_cb), self);
  g_signal_connect (self->finding_reopen, "clicked", G_CALLBACK (finding_button_cb), self);
  gtk_box_append (GTK_BOX (finding_buttons), self->finding_close);
  gtk_box_append (GTK_BOX (finding_buttons), self->finding_accept);
  gtk_box_append (GTK_BOX (finding_buttons), self->finding_reopen);
  gtk_box_append (GTK_BOX (findings_head), finding_buttons);
  gtk_box_append (GTK_BOX (findings_head), self->record_button);
  gtk_box_append (GTK_BOX (self->detail), findings_head);

  self->finding_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->findings)));
  gtk_single_selection_set_autoselect (self->finding_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->finding_selection, TRUE);
  self->finding_view = GTK_COLUMN_VIEW (gtk_column_view_new (
    GTK_SELECTION_MODEL (g_object_ref (self->finding_selection))));
  gtk_column_view_set_show_column_separators (self->finding_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->finding_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (finding_columns); i++)
    add_column (self->finding_view, _(finding_columns[i].title),
                finding_columns[i].style != NULL
                ? styled_factory_new (finding_columns[i].text, finding_columns[i].style)
                : kb_label_cell_factory_new (finding_columns[i].text,
                                             (KbCellActive) finding_active),
                finding_columns[i].width);
  gtk_box_append (GTK_BOX (self->detail), framed (GTK_WIDGET (self->finding_view), 130));
  self->finding_detail = text_label_new ();
  gtk_box_append (GTK_BOX (self->detail), GTK_WIDGET (self->finding_detail));
  gtk_widget_set_visible (self->detail, FALSE);
  gtk_box_append (GTK_BOX (box), self->detail);

  g_signal_connect_swapped (self->audit_selection, "notify::selected",
                            G_CALLBACK (audit_selected_cb), self);
  g_signal_connect_swapped (self->finding_selection, "notify::selected",
                            G_CALLBACK (update_finding_buttons), self);
  g_signal_connect_swapped (self->filter, "notify::selected", G_CALLBACK (reload), self);
}

static void
kb_audit_page_dispose (GObject *object)
{
  KbAuditPage *self = KB_AUDIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  g_cancellable_cancel (self->load_detail);
  g_clear_object (&self->load_detail);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_audit_page_parent_class)->dispose (object);
}

static void
kb_audit_page_finalize (GObject *object)
{
  KbAuditPage *self = KB_AUDIT_PAGE (object);

  g_clear_object (&self->audit_selection);
  g_clear_object (&self->finding_selection);
  g_clear_object (&self->audits);
  g_clear_object (&self->findings);
  g_clear_pointer (&self->link_text, g_hash_table_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  G_OBJECT_CLASS (kb_audit_page_parent_class)->finalize (object);
}

static void
kb_audit_page_class_init (KbAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_audit_page_dispose;
  object_class->finalize = kb_audit_page_finalize;
  widget_class->map = kb_audit_page_map;
}

static void
kb_audit_page_init (KbAuditPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->audits = g_list_store_new (KB_TYPE_AUDIT);
  self->findings = g_list_store_new (KB_TYPE_FINDING);
}

GtkWidget *
kb_audit_page_new (KbStore   *store,
                   KbStore   *reader,
                   KbSession *session)
{
  KbAuditPage *self = g_object_new (KB_TYPE_AUDIT_PAGE, NULL);

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
kb_audit_page_set_show_all (KbAuditPage *self,
                            gboolean     all)
{
  gtk_drop_down_set_selected (self->filter, all ? 1 : 0);
}

void
kb_audit_page_select (KbAuditPage *self,
                      guint        position)
{
  gtk_single_selection_set_selected (self->audit_selection, position);
}

/**
 * kb_audit_page_select_id:
 *
 * Selects the audit @audit_id, now if it is listed, else once it is read
 * (the whole plan is shown if this fiscal year's does not hold it).
 */
void
kb_audit_page_select_id (KbAuditPage *self,
                         gint64       audit_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->audits));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KbAudit) a = g_list_model_get_item (G_LIST_MODEL (self->audits), i);

      if (kb_audit_get_id (a) == audit_id)
        {
          gtk_single_selection_set_selected (self->audit_selection, i);
          return;
        }
    }
  self->want_id = audit_id;
  reload (self);
}

/**
 * kb_audit_page_get_audits:
 *
 * Returns: (transfer none): the audits listed
 */
GListModel *
kb_audit_page_get_audits (KbAuditPage *self)
{
  return G_LIST_MODEL (self->audits);
}

/**
 * kb_audit_page_get_findings:
 *
 * Returns: (transfer none): the findings of the selected audit
 */
GListModel *
kb_audit_page_get_findings (KbAuditPage *self)
{
  return G_LIST_MODEL (self->findings);
}

/**
 * kb_audit_page_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected audit
 */
KbAudit *
kb_audit_page_get_selected (KbAuditPage *self)
{
  return gtk_single_selection_get_selected_item (self->audit_selection);
}

guint
kb_audit_page_get_n_warnings (KbAuditPage *self)
{
  return self->warnings != NULL ? self->warnings->len : 0;
}

gboolean
kb_audit_page_get_busy (KbAuditPage *self)
{
  return self->loading || self->loading_detail || self->pending > 0;
}

gboolean
kb_audit_page_get_refused (KbAuditPage *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "refused") == 0;
}
