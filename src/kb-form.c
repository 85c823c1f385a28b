/* kb-form.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kb-error.h"
#include "kb-form.h"

#define ERROR_KEY "kb-form-error"

/**
 * kb_form_clear_errors:
 * @rows: (element-type utf8 AdwActionRow): the form's rows by field
 * @message: the form's line for errors that name no field
 *
 * Takes every error away; a row's hint (object data "hint") comes back.
 */
void
kb_form_clear_errors (GHashTable *rows,
                      GtkLabel   *message)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      const char *hint = g_object_get_data (G_OBJECT (row), "hint");

      if (g_object_get_data (G_OBJECT (row), ERROR_KEY) == NULL)
        continue;
      g_object_set_data (G_OBJECT (row), ERROR_KEY, NULL);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hint != NULL ? hint : "");
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (row), "kb-field-error");
    }
  gtk_widget_set_visible (GTK_WIDGET (message), FALSE);
}

/**
 * kb_form_show_error_at:
 * @row: (nullable): where the error belongs, or %NULL for the message line
 *
 * The subtitle is markup, so the message (which may quote what was typed)
 * is escaped; kb_form_get_error() gives it back as it was.
 */
void
kb_form_show_error_at (GtkWidget    *row,
                       GtkLabel     *message,
                       const GError *error)
{
  if (row != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      g_object_set_data_full (G_OBJECT (row), ERROR_KEY, g_strdup (error->message), g_free);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      gtk_widget_add_css_class (row, "error");
      gtk_widget_add_css_class (row, "kb-field-error");
      gtk_widget_grab_focus (row);
    }
  else
    {
      gtk_label_set_label (message, error->message);
      gtk_widget_set_visible (GTK_WIDGET (message), TRUE);
    }
}

/* Shows @error at the row of the field it names, else on the message line. */
void
kb_form_show_error (GHashTable   *rows,
                    GtkLabel     *message,
                    const GError *error)
{
  const char *field = kb_field_error_get_field (error);

  kb_form_show_error_at (field != NULL ? g_hash_table_lookup (rows, field) : NULL,
                         message, error);
}

/* Returns: (nullable): the error shown at @row, as the core wrote it */
const char *
kb_form_get_error (GtkWidget *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), ERROR_KEY) : NULL;
}
