/* kb-cards-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The operator card register: which card was issued to whom and when, and
 * when it was returned, reported lost or revoked. Cards are issued from the
 * Operators page, where the person is chosen.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kb-auth.h"
#include "kb-cards-page.h"
#include "kb-journal-format.h"
#include "kb-label-cell.h"
#include "kb-reason-entry.h"
#include "kb-store-jobs.h"
#include "kb-window.h"

struct _KbCardsPage {
  GtkWidget parent_instance;

  KbStore *store;
  KbSession *session;
  GCancellable *cancellable;
  GListStore *items;
  GtkSingleSelection *selection;

  GtkStack *view_stack;
  GtkColumnView *column_view;
  GtkLabel *count_label;
};

G_DEFINE_FINAL_TYPE (KbCardsPage, kb_cards_page, GTK_TYPE_WIDGET)

typedef char *(*CardText) (KbCardRecord *r);

static char *
status_label (KbCardRecord *r)
{
  return g_strdup (kb_card_status_label (kb_card_record_get_status (r)));
}

static char *
time_or_dash (const char *utc)
{
  return utc != NULL ? kb_journal_format_time (utc) : g_strdup ("—");
}

static char *col_operator (KbCardRecord *r) { return g_strdup (kb_card_record_get_operator_name (r)); }
static char *col_issued (KbCardRecord *r) { return time_or_dash (kb_card_record_get_issued_at (r)); }
static char *col_returned (KbCardRecord *r) { return time_or_dash (kb_card_record_get_returned_at (r)); }
static char *col_revoked (KbCardRecord *r) { return time_or_dash (kb_card_record_get_revoked_at (r)); }

static char *
col_identity (KbCardRecord *r)
{
  /* Enough to tell cards apart on screen; the full digest is in the journal. */
  return g_strdup_printf ("%.12s%s", kb_card_record_get_identity (r),
                          kb_card_record_get_has_uid (r) ? "" : _(" (ATR only)"));
}

static const struct {
  const char *title;
  CardText text;
  gboolean expand;
} columns[] = {
  { N_("Operator"), col_operator, TRUE },
  { N_("Status"), status_label, FALSE },
  { N_("Issued"), col_issued, TRUE },
  { N_("Returned"), col_returned, TRUE },
  { N_("Lost or Revoked"), col_revoked, TRUE },
  { N_("Card"), col_identity, TRUE },
};

static gboolean
card_issued (KbCardRecord *r)
{
  return g_str_equal (kb_card_record_get_status (r), "issued");
}

static void
update_state (KbCardsPage *self)
{
  KbCardRecord *selected = gtk_single_selection_get_selected_item (self->selection);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  gboolean officer = kb_session_has_role (self->session, KB_ROLE_SECURITY_OFFICER);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u card", "%u cards",
                                                         n), n);

  gtk_stack_set_visible_child_name (self->view_stack, n > 0 ? "list" : "empty");
  gtk_label_set_label (self->count_label, count);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cards.status",
                                 officer && selected != NULL &&
                                 !g_str_equal (kb_card_record_get_status (selected), "revoked"));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) model = kb_store_list_finish (KB_STORE (source), result, &error);
  KbCardsPage *self;
  g_autoptr(GPtrArray) items = NULL;

  if (model == NULL)
    return;
  self = KB_CARDS_PAGE (user_data);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  update_state (self);
}

static void
reload (KbCardsPage *self)
{
  kb_store_cards_async (self->store, self->cancellable, loaded_cb, self);
}

static void
store_changed_cb (KbCardsPage *self,
                  const char  *entity)
{
  if (g_str_equal (entity, "card") || g_str_equal (entity, "operator"))
    reload (self);
}

static void
status_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWidget) page = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_widget_get_ancestor (page, KB_TYPE_WINDOW);

  if (kb_store_auth_finish (KB_STORE (source), result, &error))
    {
      if (window != NULL)
        kb_window_toast (KB_WINDOW (window), _("Saved and recorded in the journal"));
    }
  else if (window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    kb_window_toast (KB_WINDOW (window), error->message);
}

static void
status_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KbCardsPage      *self)
{
  KbCardRecord *r = g_object_get_data (G_OBJECT (dialog), "card");
  const char *status = g_object_get_data (G_OBJECT (dialog), "status");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");

  if (g_str_equal (response, "apply"))
    kb_store_card_status_async (self->store, kb_card_record_get_id (r), status,
                                gtk_editable_get_text (reason), self->cancellable,
                                status_done_cb, g_object_ref (self));
}

static void
status_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KbCardsPage *self = KB_CARDS_PAGE (widget);
  KbCardRecord *r = gtk_single_selection_get_selected_item (self->selection);
  const char *status = g_variant_get_string (parameter, NULL);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (r == NULL)
    return;

  heading = g_strdup_printf (g_str_equal (status, "returned") ? _("Mark the Card of %s Returned?")
                             : g_str_equal (status, "lost") ? _("Report the Card of %s Lost?")
                             : _("Revoke the Card of %s?"),
                             kb_card_record_get_operator_name (r));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   g_str_equal (status, "returned")
                                   ? _("The card no longer signs in. It can be issued again.")
                                   : _("The card never signs in again and is never issued "
                                       "again."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              g_str_equal (status, "returned")
                                              ? ADW_RESPONSE_SUGGESTED
                                              : ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                      kb_reason_entry_new (ADW_MESSAGE_DIALOG (dialog), TRUE));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "card", g_object_ref (r), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "status", g_strdup (status), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (status_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
kb_cards_page_dispose (GObject *object)
{
  KbCardsPage *self = KB_CARDS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KB_TYPE_CARDS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  g_clear_object (&self->store);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (kb_cards_page_parent_class)->dispose (object);
}

static void
kb_cards_page_finalize (GObject *object)
{
  KbCardsPage *self = KB_CARDS_PAGE (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kb_cards_page_parent_class)->finalize (object);
}

static void
kb_cards_page_class_init (KbCardsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_cards_page_dispose;
  object_class->finalize = kb_cards_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kb-cards-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbCardsPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KbCardsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, KbCardsPage, count_label);
  gtk_widget_class_install_action (widget_class, "cards.status", "s", status_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kb_cards_page_init (KbCardsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->items = g_list_store_new (KB_TYPE_CARD_RECORD);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (update_state), self);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = kb_label_cell_factory_new ((KbCellText) columns[i].text,
                                                               (KbCellActive) card_issued);
      GtkColumnViewColumn *column;

      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
}

GtkWidget *
kb_cards_page_new (KbStore   *store,
                   KbSession *session)
{
  KbCardsPage *self = g_object_new (KB_TYPE_CARDS_PAGE, NULL);

  self->store = g_object_ref (store);
  self->session = g_object_ref (session);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  reload (self);
  update_state (self);
  return GTK_WIDGET (self);
}

GListModel *
kb_cards_page_get_model (KbCardsPage *self)
{
  return G_LIST_MODEL (self->selection);
}
