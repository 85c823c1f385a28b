/* kb-assets-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The information-asset register (情報資産管理簿): what is due (inventory
 * checks, loans, disposals awaiting a decision), the list with its
 * filters, and beside it the selected asset's facts, what may be done
 * with it, and its whole history. Kept by the security officers and the
 * network administrator; auditors read it; everyone else is told who
 * keeps it.
 *
 * The register is small (hundreds of rows), so the list is read whole
 * into a GListStore on each change; reads go to the reader store.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "kb-asset-dialogs.h"
#include "kb-asset-jobs.h"
#include "kb-assets-page.h"
#include "kb-label-cell.h"
#include "kb-window.h"

struct _KbAssetsPage {
  GtkBox parent_instance;

  KbStore        *store;
  KbStore        *reader;
  KbSession      *session;
  GCancellable   *cancellable;       /* the viewer's: cancelled when they go */
  GCancellable   *list_cancellable;
  GCancellable   *details_cancellable;
  gint64          viewer_id;
  gboolean        keeper;
  gboolean        stale;
  gboolean        list_loading;
  gboolean        details_loading;

  GtkStack       *stack;
  GtkWidget      *summary_label;
  GtkWidget      *summary_buttons[4];
  char           *summary;

  GtkDropDown    *show;
  GtkDropDown    *kind;
  GtkSearchEntry *search;
  GtkWidget      *error_label;
  GtkWidget      *keeper_buttons;

  GListStore         *assets;
  GtkSingleSelection *selection;
  GtkColumnView      *column_view;
  gint64              selected_id;
  gboolean            reloading;

  GtkWidget      *details_stack;
  GtkWidget      *info_box;
  GtkWidget      *actions_box;
  GtkWidget      *facts_box;
  GtkWidget      *decision_row;
  GtkWidget      *history_box;
  KbAssetDetails *details;

  GtkWidget      *problems;          /* the last import's problems dialog */
};

G_DEFINE_FINAL_TYPE (KbAssetsPage, kb_assets_page, GTK_TYPE_BOX)

static void load_details (KbAssetsPage *self);

/* --- cells ----------------------------------------------------------------- */

static gboolean
cell_active (KbAsset *asset)
{
  return kb_asset_get_status (asset) != KB_ASSET_DISPOSED;
}

static char *
cell_number (KbAsset *a)
{
  return g_strdup (kb_asset_get_number (a));
}

static char *
cell_name (KbAsset *a)
{
  return g_strdup (kb_asset_get_name (a));
}

static char *
cell_kind (KbAsset *a)
{
  return g_strdup (kb_asset_kind_get_label (kb_asset_get_kind (a)));
}

/* The level alone: the heading says what it is, the details say it in full. */
static char *
cell_classification (KbAsset *a)
{
  return g_strdup_printf ("%d", kb_asset_get_classification (a));
}

static char *
cell_custodian (KbAsset *a)
{
  return g_strdup (kb_asset_get_custodian_name (a));
}

static char *
cell_location (KbAsset *a)
{
  return g_strdup (kb_asset_get_location (a));
}

static char *
status_text (KbAsset *a)
{
  KbAssetStatus status = kb_asset_get_status (a);
  const char *due = kb_asset_get_due_on (a);

  if (status == KB_ASSET_LENT)
    return g_strdup_printf (_("Lent to %s until %s"),
                            kb_asset_get_borrower_name (a) != NULL ? kb_asset_get_borrower_name (a) : "?",
                            due != NULL ? due : "?");
  if (kb_asset_get_disposal_pending (a))
    return g_strdup_printf (_("%s, disposal requested"), kb_asset_status_get_label (status));
  return g_strdup (kb_asset_status_get_label (status));
}

static const char *
status_style (KbAsset *a)
{
  if (kb_asset_get_status (a) == KB_ASSET_LENT && kb_asset_get_return_overdue (a))
    return "error";
  if (kb_asset_get_disposal_pending (a))
    return "warning";
  return NULL;
}

static char *
check_text (KbAsset *a)
{
  const char *next = kb_asset_get_next_check_on (a);

  if (kb_asset_get_status (a) == KB_ASSET_DISPOSED || next == NULL)
    return g_strdup ("—");
  switch (kb_asset_get_inventory_state (a))
    {
    case KB_INVENTORY_OVERDUE:
      /* Translators: the next inventory check, past its date */
      return g_strdup_printf (_("%s (overdue)"), next);
    case KB_INVENTORY_DUE:
      /* Translators: the next inventory check, within 30 days */
      return g_strdup_printf (_("%s (due)"), next);
    default:
      return g_strdup (next);
    }
}

static const char *
check_style (KbAsset *a)
{
  if (kb_asset_get_status (a) == KB_ASSET_DISPOSED)
    return NULL;
  switch (kb_asset_get_inventory_state (a))
    {
    case KB_INVENTORY_OVERDUE:
      return "error";
    case KB_INVENTORY_DUE:
      return "warning";
    default:
      return NULL;
    }
}

/* A cell whose text may be in a state colour; as kb-label-cell.c, the
 * tooltip is asked for on hover, never set in bind. */
typedef const char *(*CellStyle) (KbAsset *asset);

typedef struct {
  KbCellText text;
  CellStyle  style;
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
  KbAsset *asset = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = cell->text (asset);
  const char *style = cell->style (asset);

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "dim-label");
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  if (!cell_active (asset))
    gtk_widget_add_css_class (label, "dim-label");
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

/* --- loading --------------------------------------------------------------- */

static void
get_filter (KbAssetsPage  *self,
            KbAssetFilter *filter)
{
  guint kind = gtk_drop_down_get_selected (self->kind);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));

  filter->show = (KbAssetShow) gtk_drop_down_get_selected (self->show);
  filter->kind = kind == 0 || kind == GTK_INVALID_LIST_POSITION ? -1 : (int) kind - 1;
  filter->custodian_id = 0;
  filter->division_id = 0;
  filter->text = text[0] != '\0' ? text : NULL;
}

static void
update_summary (KbAssetsPage        *self,
                const KbAssetCounts *c)
{
  /* The core counts the overdue among the due. */
  guint values[4] = { c->n_inventory_overdue,
                      c->n_inventory_due - MIN (c->n_inventory_due, c->n_inventory_overdue),
                      c->n_return_overdue, c->n_disposal_pending };
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *head = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u asset",
                                                        "%u assets", c->n_current),
                                           c->n_current);

  gtk_label_set_label (GTK_LABEL (self->summary_label), head);
  g_string_append (summary, head);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = NULL;

      switch (i)
        {
        case 0:
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u check overdue",
                                               "%u checks overdue", values[i]), values[i]);
          break;
        case 1:
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u check due soon",
                                               "%u checks due soon", values[i]), values[i]);
          break;
        case 2:
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u loan overdue",
                                               "%u loans overdue", values[i]), values[i]);
          break;
        default:
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u disposal to decide",
                                               "%u disposals to decide", values[i]),
                                  values[i]);
          break;
        }
      gtk_label_set_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (self->summary_buttons[i]))),
                           text);
      gtk_widget_set_visible (self->summary_buttons[i], values[i] > 0);
      if (values[i] > 0)
        g_string_append_printf (summary, "; %s", text);
    }
  g_free (self->summary);
  self->summary = g_string_free (g_steal_pointer (&summary), FALSE);
}

static guint
position_of (KbAssetsPage *self,
             gint64        id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->assets));

  for (guint i = 0; id != 0 && i < n; i++)
    {
      g_autoptr(KbAsset) asset = g_list_model_get_item (G_LIST_MODEL (self->assets), i);

      if (kb_asset_get_id (asset) == id)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KbAssetListing *listing = kb_store_assets_list_finish (KB_STORE (source), result, &error);
  KbAssetsPage *self;
  guint n, position;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSETS_PAGE (user_data);
  self->list_loading = FALSE;
  if (listing == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
      return;
    }
  gtk_widget_set_visible (self->error_label, FALSE);

  n = g_list_model_get_n_items (listing->assets);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (listing->assets, i));
  self->reloading = TRUE;
  g_list_store_splice (self->assets, 0, g_list_model_get_n_items (G_LIST_MODEL (self->assets)),
                       items->pdata, items->len);
  g_ptr_array_foreach (items, (GFunc) (void (*) (void)) g_object_unref, NULL);
  position = position_of (self, self->selected_id);
  gtk_single_selection_set_selected (self->selection, position);
  self->reloading = FALSE;
  if (position == GTK_INVALID_LIST_POSITION)
    self->selected_id = 0;
  load_details (self);
  update_summary (self, &listing->counts);
  kb_asset_listing_free (listing);
}

static void
reload (KbAssetsPage *self)
{
  KbAssetFilter filter = KB_ASSET_FILTER_INIT;

  if (self->viewer_id == 0)
    return;
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  get_filter (self, &filter);
  self->list_loading = TRUE;
  kb_store_assets_list_async (self->reader, &filter, self->list_cancellable, listed_cb, self);
}

static void
filter_changed_cb (KbAssetsPage *self)
{
  reload (self);
}

/* --- details --------------------------------------------------------------- */

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (unix_time);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M") : g_strdup ("");
}

/* One line of the facts: a dim heading and the value beside it. */
static void
add_fact (GtkWidget  *grid,
          const char *title,
          const char *value,
          const char *style)
{
  int row = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (grid), "rows"));
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *label = gtk_label_new (value != NULL && value[0] != '\0' ? value : "—");

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_yalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "dim-label");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_grid_attach (GTK_GRID (grid), heading, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), label, 1, row, 1, 1);
  g_object_set_data (G_OBJECT (grid), "rows", GINT_TO_POINTER (row + 1));
}

static gboolean
is_security_officer (KbAssetsPage *self)
{
  return self->session != NULL && kb_session_has_role (self->session, KB_ROLE_SECURITY_OFFICER);
}

/* A security officer decides on a disposal someone else requested. */
static gboolean
can_decide (KbAssetsPage *self)
{
  KbAsset *a = self->details != NULL ? self->details->asset : NULL;
  KbDisposal *d = self->details != NULL ? self->details->disposal : NULL;

  return a != NULL && kb_asset_get_status (a) != KB_ASSET_DISPOSED && self->keeper &&
         kb_asset_get_disposal_pending (a) && d != NULL && is_security_officer (self) &&
         d->requested_by != self->viewer_id;
}

static void
update_actions (KbAssetsPage *self)
{
  KbAsset *a = self->details != NULL ? self->details->asset : NULL;
  KbAssetStatus status = a != NULL ? kb_asset_get_status (a) : KB_ASSET_DISPOSED;
  gboolean live = a != NULL && status != KB_ASSET_DISPOSED && self->keeper;
  gboolean pending = a != NULL && kb_asset_get_disposal_pending (a);
  gboolean decider = can_decide (self);
  GtkWidget *w = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (w, "asset.register", self->keeper);
  gtk_widget_action_set_enabled (w, "asset.import", self->keeper);
  gtk_widget_action_set_enabled (w, "asset.export", self->viewer_id != 0);
  gtk_widget_action_set_enabled (w, "asset.edit", live);
  gtk_widget_action_set_enabled (w, "asset.hand-over", live && status != KB_ASSET_LENT);
  gtk_widget_action_set_enabled (w, "asset.lend",
                                 live && (status == KB_ASSET_IN_USE || status == KB_ASSET_STORED));
  gtk_widget_action_set_enabled (w, "asset.return",
                                 live && (status == KB_ASSET_LENT || status == KB_ASSET_REPAIR));
  gtk_widget_action_set_enabled (w, "asset.status", live && status != KB_ASSET_LENT);
  gtk_widget_action_set_enabled (w, "asset.check", live);
  gtk_widget_action_set_enabled (w, "asset.dispose", live && !pending && status != KB_ASSET_LENT);
  gtk_widget_action_set_enabled (w, "asset.approve", live && decider);
  gtk_widget_action_set_enabled (w, "asset.reject", live && decider);
  gtk_widget_set_visible (self->actions_box, self->keeper && a != NULL);
  gtk_widget_set_visible (self->decision_row, decider);
  gtk_widget_set_visible (self->keeper_buttons, self->keeper);
}

static void
show_details (KbAssetsPage *self)
{
  KbAssetDetails *d = self->details;
  KbAsset *a;
  GtkWidget *title, *subtitle, *facts, *history;
  g_autofree char *heading = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *custodian = NULL;
  g_autofree char *status = NULL;
  g_autofree char *check = NULL;
  g_autofree char *every = NULL;
  guint n;

  clear_box (self->info_box);
  clear_box (self->facts_box);
  clear_box (self->history_box);
  update_actions (self);
  if (d == NULL)
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->details_stack), "empty");
      return;
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->details_stack), "details");
  a = d->asset;

  heading = g_strdup_printf ("%s  %s", kb_asset_get_number (a), kb_asset_get_name (a));
  title = gtk_label_new (heading);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_selectable (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "title-3");
  gtk_box_append (GTK_BOX (self->info_box), title);
  sub = g_strdup_printf ("%s · %s", kb_asset_kind_get_label (kb_asset_get_kind (a)),
                         kb_asset_classification_get_label (kb_asset_get_classification (a)));
  subtitle = gtk_label_new (sub);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (self->info_box), subtitle);

  facts = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (facts), 12);
  gtk_grid_set_row_spacing (GTK_GRID (facts), 6);
  custodian = g_strdup_printf ("%s (%s)", kb_asset_get_custodian_name (a),
                               kb_asset_get_division_name (a));
  status = status_text (a);
  add_fact (facts, _("Custodian"), custodian, NULL);
  add_fact (facts, _("Location"), kb_asset_get_location (a), NULL);
  add_fact (facts, _("Status"), status, status_style (a));
  add_fact (facts, _("Acquired"), kb_asset_get_acquired_on (a), NULL);
  add_fact (facts, _("Holds data"), kb_asset_get_holds_data (a) ? _("Yes") : _("No"), NULL);
  check = check_text (a);
  add_fact (facts, _("Next inventory check"), check, check_style (a));
  every = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every %d day; last %s",
                                        "Every %d days; last %s", kb_asset_get_inventory_days (a)),
                           kb_asset_get_inventory_days (a),
                           kb_asset_get_checked_on (a) != NULL ? kb_asset_get_checked_on (a)
                                                               : _("never"));
  add_fact (facts, _("Inventory checks"), every, NULL);
  if (kb_asset_get_notes (a) != NULL && kb_asset_get_notes (a)[0] != '\0')
    add_fact (facts, _("Notes"), kb_asset_get_notes (a), NULL);
  if (d->disposal != NULL)
    {
      g_autofree char *when = format_time (d->disposal->requested_at);
      g_autofree char *text = NULL;

      /* Translators: a disposal request: who, when, why, method, what of the data */
      text = g_strdup_printf (_("Requested by %s on %s: %s (%s; %s)"),
                              d->disposal->requester_name, when, d->disposal->reason,
                              kb_disposal_method_get_label (d->disposal->method),
                              kb_disposal_data_get_label (d->disposal->data));
      if (g_strcmp0 (d->disposal->status, "requested") != 0 && d->disposal->decider_name != NULL)
        {
          g_autofree char *decided = format_time (d->disposal->decided_at);
          g_autofree char *line = g_strdup_printf (g_str_equal (d->disposal->status, "approved")
                                                   ? _("%s. Approved by %s on %s")
                                                   : _("%s. Rejected by %s on %s"),
                                                   text, d->disposal->decider_name, decided);

          g_free (text);
          text = g_steal_pointer (&line);
        }
      add_fact (facts, _("Disposal"), text,
                g_strcmp0 (d->disposal->status, "requested") == 0 ? "warning" : NULL);
    }
  gtk_box_append (GTK_BOX (self->facts_box), facts);

  history = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (history), _("History"));
  n = g_list_model_get_n_items (d->history);
  /* Newest first: what happened last is what one looks for. */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(KbAssetEvent) event = g_list_model_get_item (d->history, i - 1);
      g_autofree char *what = kb_asset_event_describe (event);
      g_autofree char *when = format_time (kb_asset_event_get_at (event));
      const char *who = kb_asset_event_get_actor_name (event);
      const char *reason = kb_asset_event_get_reason (event);
      g_autofree char *line = NULL;
      g_autofree char *what_escaped = g_markup_escape_text (what, -1);
      g_autofree char *line_escaped = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (reason != NULL && reason[0] != '\0')
        line = g_strdup_printf ("%s · %s — %s", when, who != NULL ? who : _("system"), reason);
      else
        line = g_strdup_printf ("%s · %s", when, who != NULL ? who : _("system"));
      line_escaped = g_markup_escape_text (line, -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what_escaped);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), line_escaped);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (history), row);
    }
  if (n == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (history), _("Nothing recorded yet"));
  gtk_box_append (GTK_BOX (self->history_box), history);
}

static void
details_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KbAssetDetails *details = kb_store_asset_details_finish (KB_STORE (source), result, &error);
  KbAssetsPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSETS_PAGE (user_data);
  self->details_loading = FALSE;
  g_clear_pointer (&self->details, kb_asset_details_free);
  if (details == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
    }
  self->details = details;
  show_details (self);
}

static void
load_details (KbAssetsPage *self)
{
  g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);
  self->details_loading = FALSE;
  if (self->selected_id == 0 || self->viewer_id == 0)
    {
      g_clear_pointer (&self->details, kb_asset_details_free);
      show_details (self);
      return;
    }
  self->details_cancellable = g_cancellable_new ();
  self->details_loading = TRUE;
  kb_store_asset_details_async (self->reader, self->selected_id, self->details_cancellable,
                                details_cb, self);
}

static void
selection_changed_cb (KbAssetsPage *self)
{
  KbAsset *asset;

  if (self->reloading)
    return;
  asset = gtk_single_selection_get_selected_item (self->selection);
  self->selected_id = asset != NULL ? kb_asset_get_id (asset) : 0;
  load_details (self);
}

/* --- the session ----------------------------------------------------------- */

static void
session_changed_cb (KbAssetsPage *self)
{
  KbOperator *op = self->session != NULL ? kb_session_get_operator (self->session) : NULL;
  gboolean unlocked = self->session != NULL &&
                      kb_session_get_state (self->session) == KB_SESSION_UNLOCKED;
  gint64 viewer = unlocked && op != NULL ? kb_operator_get_id (op) : 0;
  gboolean reader = viewer != 0 && kb_session_has_role (self->session, KB_ROLES_ASSET_READERS);

  if (viewer == self->viewer_id)
    return;

  /* Nothing of the last person's view stays. */
  self->viewer_id = 0;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->details_cancellable);
  self->list_loading = FALSE;
  self->details_loading = FALSE;
  self->selected_id = 0;
  g_clear_pointer (&self->details, kb_asset_details_free);
  self->reloading = TRUE;
  g_list_store_remove_all (self->assets);
  self->reloading = FALSE;
  show_details (self);
  gtk_drop_down_set_selected (self->show, KB_ASSET_SHOW_CURRENT);
  gtk_drop_down_set_selected (self->kind, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");

  gtk_stack_set_visible_child_name (self->stack, reader ? "register" : "refused");
  if (!reader)
    {
      self->keeper = FALSE;
      update_actions (self);
      return;
    }
  self->viewer_id = viewer;
  self->keeper = kb_session_has_role (self->session, KB_ROLES_ASSET_KEEPERS);
  update_actions (self);
  reload (self);
}

static void
store_changed_cb (KbAssetsPage *self,
                  const char   *entity)
{
  if (g_strcmp0 (entity, "asset") != 0 && g_strcmp0 (entity, "backup") != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
kb_assets_page_map (GtkWidget *widget)
{
  KbAssetsPage *self = KB_ASSETS_PAGE (widget);

  GTK_WIDGET_CLASS (kb_assets_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      reload (self);
    }
}

/* --- actions --------------------------------------------------------------- */

static GtkWindow *
page_window (KbAssetsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (KbAssetsPage *self,
       const char   *message)
{
  GtkWindow *window = page_window (self);

  if (window != NULL && KB_IS_WINDOW (window))
    kb_window_toast (KB_WINDOW (window), message);
}

static void
track (KbAssetsPage *self,
       GtkWidget    *dialog)
{
  GtkWindow *window = page_window (self);

  if (window != NULL && KB_IS_WINDOW (window))
    kb_window_track_activity (KB_WINDOW (window), dialog);
}

/**
 * kb_assets_page_open_form:
 * @form: which form; all but %KB_ASSET_FORM_REGISTER concern the
 *   selected asset
 *
 * Returns: (transfer none) (nullable): the form, presented
 */
GtkWidget *
kb_assets_page_open_form (KbAssetsPage *self,
                          KbAssetForm   form)
{
  KbAsset *asset = self->details != NULL ? self->details->asset : NULL;
  GtkWidget *dialog;

  if (!self->keeper || (form != KB_ASSET_FORM_REGISTER && asset == NULL))
    return NULL;
  dialog = kb_asset_dialog_new (self->store, self->reader, self->session, form,
                                form == KB_ASSET_FORM_REGISTER ? NULL : asset);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), page_window (self));
  track (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

GtkWidget *
kb_assets_page_change_status (KbAssetsPage *self)
{
  GtkWidget *dialog;

  if (!self->keeper || self->details == NULL)
    return NULL;
  dialog = kb_asset_status_dialog_new (page_window (self), self->store, self->details->asset);
  track (self, dialog);
  return dialog;
}

GtkWidget *
kb_assets_page_decide (KbAssetsPage *self,
                       gboolean      approve)
{
  GtkWidget *dialog;

  if (!can_decide (self))
    return NULL;
  dialog = kb_asset_decision_dialog_new (page_window (self), self->store, self->details->asset,
                                         self->details->disposal, approve);
  track (self, dialog);
  return dialog;
}

static void
form_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KbAssetsPage *self = KB_ASSETS_PAGE (widget);
  static const struct {
    const char *name;
    KbAssetForm form;
  } forms[] = {
    { "asset.register", KB_ASSET_FORM_REGISTER },
    { "asset.edit", KB_ASSET_FORM_EDIT },
    { "asset.hand-over", KB_ASSET_FORM_HAND_OVER },
    { "asset.lend", KB_ASSET_FORM_LEND },
    { "asset.return", KB_ASSET_FORM_RETURN },
    { "asset.check", KB_ASSET_FORM_CHECK },
    { "asset.dispose", KB_ASSET_FORM_DISPOSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_str_equal (action_name, forms[i].name))
      kb_assets_page_open_form (self, forms[i].form);
}

static void
status_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  kb_assets_page_change_status (KB_ASSETS_PAGE (widget));
}

static void
decide_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  kb_assets_page_decide (KB_ASSETS_PAGE (widget), g_str_equal (action_name, "asset.approve"));
}

/* CSV import and export. */

static void
error_dialog (KbAssetsPage *self,
              const char   *heading,
              const char   *message)
{
  GtkWidget *dialog = adw_message_dialog_new (page_window (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
problems_destroyed_cb (KbAssetsPage *self)
{
  self->problems = NULL;
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbAssetImport) import = kb_store_assets_import_finish (KB_STORE (source), result, &error);
  KbAssetsPage *self;
  g_autofree char *name = NULL;

  if (import == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSETS_PAGE (user_data);
  name = g_object_get_data (G_OBJECT (self), "import-name") != NULL
         ? g_strdup (g_object_get_data (G_OBJECT (self), "import-name")) : g_strdup ("");
  if (import == NULL)
    {
      error_dialog (self, _("The List Was Not Imported"), error->message);
      return;
    }
  if (import->error != NULL)
    {
      if (import->problems != NULL && import->problems->len > 0)
        {
          self->problems = kb_asset_import_problems_new (page_window (self), name, import->problems);
          g_signal_connect_object (self->problems, "destroy", G_CALLBACK (problems_destroyed_cb),
                                   self, G_CONNECT_SWAPPED);
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("%s. Nothing was imported."),
                                                      import->error->message);

          error_dialog (self, _("The List Was Not Imported"), message);
        }
      return;
    }
  {
    g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Imported %u asset",
                                                             "Imported %u assets",
                                                             import->n_imported),
                                                import->n_imported);

    toast (self, message);
  }
}

/**
 * kb_assets_page_import_file:
 *
 * Imports @file (all or nothing); the problems of a refused file are
 * listed in a dialog.
 */
void
kb_assets_page_import_file (KbAssetsPage *self,
                            GFile        *file)
{
  g_object_set_data_full (G_OBJECT (self), "import-name", g_file_get_basename (file), g_free);
  kb_store_assets_import_async (self->store, file, self->cancellable, imported_cb, self);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KbAssetsPage *self;

  if (kb_store_assets_export_finish (KB_STORE (source), result, &error))
    {
      self = KB_ASSETS_PAGE (user_data);
      toast (self, _("Exported the assets shown"));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_ASSETS_PAGE (user_data);
  error_dialog (self, _("The List Was Not Exported"), error->message);
}

void
kb_assets_page_export_file (KbAssetsPage *self,
                            GFile        *file)
{
  KbAssetFilter filter = KB_ASSET_FILTER_INIT;

  get_filter (self, &filter);
  kb_store_assets_export_async (self->reader, &filter, file, self->cancellable, exported_cb, self);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     KbAssetsPage    *self)
{
  g_autoptr(GFile) file = NULL;
  gboolean saving = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) ==
                    GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file == NULL)
    return;
  if (saving)
    kb_assets_page_export_file (self, file);
  else
    kb_assets_page_import_file (self, file);
}

static void
csv_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  KbAssetsPage *self = KB_ASSETS_PAGE (widget);
  gboolean saving = g_str_equal (action_name, "asset.export");
  GtkFileChooserNative *chooser;
  GtkFileFilter *csv = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (saving ? _("Export the Information-Asset Register")
                                                : _("Import a List of Assets"),
                                         page_window (self),
                                         saving ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         saving ? _("_Export") : _("_Import"), _("_Cancel"));
  if (saving)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *day = g_date_time_format (now, "%Y%m%d");
      /* Translators: the suggested name of an exported file, without .csv */
      g_autofree char *name = g_strdup_printf ("%s-%s.csv", _("information-assets"), day);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  gtk_file_filter_set_name (csv, _("CSV files (Excel)"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  g_object_unref (csv);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- construction ---------------------------------------------------------- */

static void
summary_clicked_cb (GtkButton    *button,
                    KbAssetsPage *self)
{
  KbAssetShow show = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "show"));

  gtk_drop_down_set_selected (self->show, show);
}

static const struct {
  const char *title;
  KbCellText text;
  CellStyle style;
  int width;
} columns[] = {
  { N_("Number"), (KbCellText) cell_number, NULL, 100 },
  { N_("Name"), (KbCellText) cell_name, NULL, -1 },
  { N_("Kind"), (KbCellText) cell_kind, NULL, 104 },
  { N_("Confidentiality"), (KbCellText) cell_classification, NULL, 110 },
  { N_("Custodian"), (KbCellText) cell_custodian, NULL, 90 },
  { N_("Location"), (KbCellText) cell_location, NULL, 104 },
  { N_("Status"), (KbCellText) status_text, status_style, 220 },
  { N_("Next Check"), (KbCellText) check_text, check_style, 175 },
};

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (style != NULL)
    gtk_widget_add_css_class (button, style);
  return button;
}

static void
build (KbAssetsPage *self)
{
  GtkWidget *register_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *refused = adw_status_page_new ();
  GtkWidget *summary = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  GtkWidget *lower = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *history_scrolled = gtk_scrolled_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *side = gtk_scrolled_window_new ();
  GtkWidget *side_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *button, *button_row = NULL;
  const char *shows[] = { _("Current"), _("All"), _("Inventory due"), _("Lent"),
                          _("Disposal pending"), _("Disposed"), NULL };
  const char *kinds[6];
  const KbAssetShow summary_shows[] = { KB_ASSET_SHOW_INVENTORY_DUE, KB_ASSET_SHOW_INVENTORY_DUE,
                                        KB_ASSET_SHOW_LENT, KB_ASSET_SHOW_DISPOSAL_PENDING };
  const char *summary_styles[] = { "error", "warning", "error", "warning" };
  const char *summary_tips[] = { N_("Inventory checks past their date: show these assets"),
                                 N_("Inventory checks due within 30 days: show these assets"),
                                 N_("Loans past their return date: show the assets lent"),
                                 N_("Disposal requests awaiting a security officer’s decision") };
  struct {
    const char *label;
    const char *action;
    const char *style;
  } actions[] = {
    { _("_Edit…"), "asset.edit", NULL },
    { _("_Hand Over…"), "asset.hand-over", NULL },
    { _("_Lend…"), "asset.lend", NULL },
    { _("Re_turn…"), "asset.return", NULL },
    { _("Change _Status…"), "asset.status", NULL },
    { _("Inventory _Check…"), "asset.check", NULL },
    { _("Request _Disposal…"), "asset.dispose", NULL },
    { _("_Approve Disposal"), "asset.approve", "suggested-action" },
    { _("Re_ject…"), "asset.reject", NULL },
  };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->stack));

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (refused), "drive-harddisk-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (refused), _("Information-Asset Register"));
  adw_status_page_set_description (ADW_STATUS_PAGE (refused),
    _("The security officers and the network administrator keep this register; "
      "auditors may read it. Ask them about an asset in your care."));
  gtk_stack_add_named (self->stack, refused, "refused");
  gtk_stack_add_named (self->stack, register_box, "register");

  /* What is due, each a shortcut to its rows. */
  /* Labels that ellipsize (their tooltips say it in full), so that a
   * narrow window does not fold the sidebar away. */
  gtk_widget_add_css_class (summary, "toolbar");
  self->summary_label = gtk_label_new (NULL);
  gtk_widget_set_margin_start (self->summary_label, 6);
  gtk_widget_set_tooltip_text (self->summary_label, _("Assets not disposed of"));
  gtk_widget_set_halign (self->summary_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (summary), self->summary_label);
  for (guint i = 0; i < G_N_ELEMENTS (self->summary_buttons); i++)
    {
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      self->summary_buttons[i] = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (self->summary_buttons[i]), label);
      gtk_widget_add_css_class (self->summary_buttons[i], "flat");
      gtk_widget_add_css_class (self->summary_buttons[i], summary_styles[i]);
          gtk_widget_set_tooltip_text (self->summary_buttons[i], _(summary_tips[i]));
      g_object_set_data (G_OBJECT (self->summary_buttons[i]), "show",
                         GINT_TO_POINTER (summary_shows[i]));
      g_signal_connect (self->summary_buttons[i], "clicked", G_CALLBACK (summary_clicked_cb), self);
      gtk_box_append (GTK_BOX (summary), self->summary_buttons[i]);
      gtk_widget_set_visible (self->summary_buttons[i], FALSE);
    }
  gtk_box_append (GTK_BOX (register_box), summary);

  /* Filters and the register's own actions. */
  gtk_widget_add_css_class (filters, "toolbar");
  self->show = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (shows));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->show), _("Show"));
  kinds[0] = _("All kinds");
  for (guint i = 0; i < 4; i++)
    kinds[i + 1] = kb_asset_kind_get_label (i);
  kinds[5] = NULL;
  self->kind = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (kinds));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind), _("Kind"));
  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Search number, name, location, notes"), NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->search), TRUE);
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->show));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->kind));
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->search));
  self->keeper_buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = action_button (_("_Import CSV…"), "asset.import", NULL);
  gtk_widget_set_tooltip_text (button, _("Import an existing list of assets (all or nothing)"));
  gtk_box_append (GTK_BOX (self->keeper_buttons), button);
  button = action_button (_("_Register Asset…"), "asset.register", "suggested-action");
  gtk_box_append (GTK_BOX (self->keeper_buttons), button);
  button = action_button (_("E_xport CSV…"), "asset.export", NULL);
  gtk_widget_set_tooltip_text (button, _("Save the assets shown as a CSV file for Excel"));
  gtk_box_append (GTK_BOX (filters), button);
  gtk_box_append (GTK_BOX (filters), self->keeper_buttons);
  gtk_box_append (GTK_BOX (register_box), filters);

  self->error_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (register_box), self->error_label);

  /* The table. */
  self->assets = g_list_store_new (KB_TYPE_ASSET);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->assets)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = columns[i].style != NULL
                                    ? styled_factory_new (columns[i].text, columns[i].style)
                                    : kb_label_cell_factory_new (columns[i].text,
                                                                 (KbCellActive) cell_active);
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
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->column_view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, -1, 160);
  gtk_paned_set_start_child (GTK_PANED (paned), scrolled);
  gtk_paned_set_resize_start_child (GTK_PANED (paned), TRUE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);

  /* The selected asset. */
  self->details_stack = gtk_stack_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "drive-harddisk-symbolic");
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Select an asset to see its facts and its history"));
  gtk_widget_add_css_class (empty, "compact");
  gtk_stack_add_named (GTK_STACK (self->details_stack), empty, "empty");
  gtk_widget_set_margin_start (side_box, 12);
  gtk_widget_set_margin_end (side_box, 12);
  gtk_widget_set_margin_top (side_box, 12);
  gtk_widget_set_margin_bottom (side_box, 12);
  self->info_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  /* Three rows of buttons: custody, the asset's state, the decision. */
  self->actions_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (self->actions_box, 6);
  gtk_widget_set_margin_bottom (self->actions_box, 6);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      if (i == 0 || i == 4 || i == 7)
        {
          button_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          gtk_box_append (GTK_BOX (self->actions_box), button_row);
        }
      gtk_box_append (GTK_BOX (button_row),
                      action_button (actions[i].label, actions[i].action, actions[i].style));
    }
  self->decision_row = button_row;
  self->history_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->history_box, 12);
  gtk_widget_set_margin_end (self->history_box, 12);
  gtk_widget_set_margin_top (self->history_box, 12);
  gtk_widget_set_margin_bottom (self->history_box, 12);
  self->facts_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (side_box), self->info_box);
  gtk_box_append (GTK_BOX (side_box), self->actions_box);
  gtk_box_append (GTK_BOX (side_box), self->facts_box);
  /* Facts and actions on the left, the history beside them. */
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (side), side_box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (side), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (history_scrolled), self->history_box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (history_scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_hexpand (history_scrolled, TRUE);
  /* Not homogeneous: the buttons' width must not be asked of the history too. */
  gtk_widget_set_size_request (side, 560, -1);
  gtk_widget_set_hexpand (side, FALSE);
  gtk_box_append (GTK_BOX (lower), side);
  gtk_box_append (GTK_BOX (lower), history_scrolled);
  gtk_stack_add_named (GTK_STACK (self->details_stack), lower, "details");
  gtk_widget_set_size_request (self->details_stack, -1, 220);
  gtk_paned_set_end_child (GTK_PANED (paned), self->details_stack);
  gtk_paned_set_resize_end_child (GTK_PANED (paned), TRUE);
  gtk_paned_set_position (GTK_PANED (paned), 260);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (register_box), paned);

  g_signal_connect_swapped (self->show, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->kind, "notify::selected", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (filter_changed_cb), self);
  gtk_stack_set_visible_child_name (self->stack, "refused");
}

static void
kb_assets_page_dispose (GObject *object)
{
  KbAssetsPage *self = KB_ASSETS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->details_cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  g_clear_object (&self->selection);
  g_clear_object (&self->assets);
  g_clear_pointer (&self->details, kb_asset_details_free);
  G_OBJECT_CLASS (kb_assets_page_parent_class)->dispose (object);
}

static void
kb_assets_page_finalize (GObject *object)
{
  KbAssetsPage *self = KB_ASSETS_PAGE (object);

  g_free (self->summary);
  G_OBJECT_CLASS (kb_assets_page_parent_class)->finalize (object);
}

static void
kb_assets_page_class_init (KbAssetsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const char *forms[] = { "asset.register", "asset.edit", "asset.hand-over", "asset.lend",
                          "asset.return", "asset.check", "asset.dispose" };

  object_class->dispose = kb_assets_page_dispose;
  object_class->finalize = kb_assets_page_finalize;
  widget_class->map = kb_assets_page_map;
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    gtk_widget_class_install_action (widget_class, forms[i], NULL, form_action);
  gtk_widget_class_install_action (widget_class, "asset.status", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "asset.approve", NULL, decide_action);
  gtk_widget_class_install_action (widget_class, "asset.reject", NULL, decide_action);
  gtk_widget_class_install_action (widget_class, "asset.import", NULL, csv_action);
  gtk_widget_class_install_action (widget_class, "asset.export", NULL, csv_action);
}

static void
kb_assets_page_init (KbAssetsPage *self)
{
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
kb_assets_page_new (KbStore   *store,
                    KbStore   *reader,
                    KbSession *session)
{
  KbAssetsPage *self = g_object_new (KB_TYPE_ASSETS_PAGE, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = session != NULL ? g_object_ref (session) : NULL;
  build (self);
  update_actions (self);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                               G_CONNECT_SWAPPED);
      session_changed_cb (self);
    }
  return GTK_WIDGET (self);
}

GListModel *
kb_assets_page_get_assets (KbAssetsPage *self)
{
  return G_LIST_MODEL (self->assets);
}

GtkColumnView *
kb_assets_page_get_view (KbAssetsPage *self)
{
  return self->column_view;
}

/**
 * kb_assets_page_get_loading:
 *
 * Returns: whether a read of the list or of the selected asset is on its way
 */
gboolean
kb_assets_page_get_loading (KbAssetsPage *self)
{
  return self->list_loading || self->details_loading;
}

void
kb_assets_page_show (KbAssetsPage *self,
                     KbAssetShow   show)
{
  gtk_drop_down_set_selected (self->show, show);
}

void
kb_assets_page_set_search (KbAssetsPage *self,
                           const char   *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), text);
  reload (self);
}

const char *
kb_assets_page_get_summary (KbAssetsPage *self)
{
  return self->summary;
}

void
kb_assets_page_select (KbAssetsPage *self,
                       guint         position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

/**
 * kb_assets_page_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected asset as last read
 *   with its details
 */
KbAsset *
kb_assets_page_get_selected (KbAssetsPage *self)
{
  return self->details != NULL ? self->details->asset : NULL;
}

/**
 * kb_assets_page_get_history:
 *
 * Returns: (transfer none) (nullable): the selected asset's history
 */
GListModel *
kb_assets_page_get_history (KbAssetsPage *self)
{
  return self->details != NULL ? self->details->history : NULL;
}

/**
 * kb_assets_page_get_problems:
 *
 * Returns: (transfer none) (nullable): the open dialog of a refused import
 */
GtkWidget *
kb_assets_page_get_problems (KbAssetsPage *self)
{
  return self->problems;
}
