/* kb-label-cell.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table cell of text, for the registers' column views: left-aligned,
 * ellipsized with the whole text as tooltip, dimmed for inactive rows.
 *
 * The tooltip is asked for when the pointer rests on the cell, not set at
 * each bind: gtk_widget_set_tooltip_text() queries the pointer position
 * (a round trip to the X server, under a server grab), and a column view
 * binds a few thousand cells whenever its rows change.
 */

#include "config.h"

#include "kb-label-cell.h"

typedef struct {
  KbCellText text;
  KbCellActive active;
} Cell;

static gboolean
query_tooltip_cb (GtkLabel   *label,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  const char *text = gtk_label_get_label (label);

  /* Only a cell too narrow for its text needs one. */
  if (text[0] == '\0' || !pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* A GtkLabel, not a GtkInscription: inscriptions take their height
   * from the Latin font and clip Japanese glyphs. */
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  Cell *cell = user_data;
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = cell->text (item);

  gtk_label_set_label (GTK_LABEL (label), text);
  if (cell->active (item))
    gtk_widget_remove_css_class (label, "dim-label");
  else
    gtk_widget_add_css_class (label, "dim-label");
}

/**
 * kb_label_cell_factory_new:
 * @text: the cell's text for an item
 * @active: whether an item is shown normally (else dimmed)
 *
 * Returns: (transfer full): a factory for one column
 */
GtkListItemFactory *
kb_label_cell_factory_new (KbCellText   text,
                           KbCellActive active)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  Cell *cell = g_new0 (Cell, 1);

  cell->text = text;
  cell->active = active;
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect_data (factory, "bind", G_CALLBACK (bind_cell), cell,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  return factory;
}
