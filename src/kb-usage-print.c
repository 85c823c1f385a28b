/* kb-usage-print.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page follows the paper form: a heading with the terminal and the
 * month, then a ruled table, one row per sitting, with the supervisor's
 * seal box last. Rows grow with their text, so the pages are laid out in
 * begin-print, when the print context can measure text; draw-page only
 * draws what was measured.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "kb-era.h"
#include "kb-usage-print.h"

/* A font with Japanese in it first: "sans" alone may pick one without. */
#define FONT_FAMILY "Noto Sans CJK JP, sans"
#define BODY_SIZE    9.0
#define SMALL_SIZE   7.0
#define TITLE_SIZE  16.0
#define MONTH_SIZE  12.0

#define PAD_X         3.0
#define PAD_Y         2.5
#define MIN_ROW      20.0   /* a ruled line of the paper form */
#define HEAD_GAP      8.0   /* between the page heading and the table */
#define FOOTER_GAP    6.0
#define THIN_LINE     0.4
#define THICK_LINE    1.0

typedef enum {
  COL_DATE,
  COL_START,
  COL_END,
  COL_OPERATOR,
  COL_TASK,
  COL_CASES,
  COL_REMARKS,
  COL_CONFIRMED,
  N_COLUMNS
} Column;

/* Widths are shares of the printable width; on A4 landscape with our
 * margins one share is about one point. */
static const struct {
  const char *title;
  double share;
  PangoAlignment align;
} columns[N_COLUMNS] = {
  [COL_DATE] = { N_("Date"), 106, PANGO_ALIGN_LEFT },
  [COL_START] = { N_("Start"), 34, PANGO_ALIGN_CENTER },
  [COL_END] = { N_("End"), 34, PANGO_ALIGN_CENTER },
  [COL_OPERATOR] = { N_("Operator"), 80, PANGO_ALIGN_LEFT },
  [COL_TASK] = { N_("Business task"), 172, PANGO_ALIGN_LEFT },
  [COL_CASES] = { N_("Cases"), 36, PANGO_ALIGN_RIGHT },
  [COL_REMARKS] = { N_("Remarks"), 210, PANGO_ALIGN_LEFT },
  [COL_CONFIRMED] = { N_("Confirmed by"), 92, PANGO_ALIGN_CENTER },
};

typedef struct {
  char *cells[N_COLUMNS];
  char *small[N_COLUMNS];      /* (nullable): after the cell's text, smaller */
  guint italic;                /* a bit per column */
  gboolean total;              /* the first cell spans up to COL_TASK */
  double height;
} Row;

typedef struct {
  KbUsagePrintData *data;
  GPtrArray *rows;             /* Row */
  GArray *page_first;          /* int: each page's first row, then rows->len */
  double x[N_COLUMNS + 1];
  double heading_height;
  double thead_height;
  double footer_height;
  double cell_top;             /* from a row's top to its text's */
  char *title;
  char *month;
  char *printed_at;
} Printer;

static void
row_free (Row *row)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_free (row->cells[i]);
      g_free (row->small[i]);
    }
  g_free (row);
}

static Row *
row_new (void)
{
  return g_new0 (Row, 1);
}

/* @main, followed by @small in smaller type: on the same line if both
 * fit, else on a line of its own (see cell_layout()). */
static void
row_set (Row        *row,
         Column      col,
         const char *main,
         const char *small)
{
  g_free (row->cells[col]);
  g_free (row->small[col]);
  row->cells[col] = g_strdup (main != NULL ? main : "");
  row->small[col] = small != NULL && *small != '\0' ? g_strdup (small) : NULL;
}

static void
printer_free (Printer *self)
{
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->page_first, g_array_unref);
  g_free (self->title);
  g_free (self->month);
  g_free (self->printed_at);
  g_free (self);
}

static char *
format_date (KbUsagePrintData *data,
             GDateTime        *date)
{
  if (data->era_dates)
    return kb_era_format_date (date);
  return g_date_time_format (date, "%Y-%m-%d");
}

static char *
format_month (KbUsagePrintData *data)
{
  g_autoptr(GDateTime) first = NULL;

  if (data->era_dates)
    return kb_era_format_month (data->year, data->month);

  first = g_date_time_new_local (data->year, data->month, 1, 0, 0, 0);
  if (first == NULL)
    return g_strdup_printf ("%04d-%02d", data->year, data->month);
  /* Translators: a month in the Western calendar, for g_date_time_format();
   * in Japanese "%Y年%-m月". */
  return g_date_time_format (first, _("%B %Y"));
}

static Row *
row_for_entry (KbUsagePrintData *data,
               KbUsageEntry     *entry)
{
  Row *row = row_new ();
  g_autoptr(GDateTime) started = g_date_time_new_from_unix_local (kb_usage_entry_get_started_at (entry));
  g_autofree char *date = format_date (data, started);
  g_autofree char *start = g_date_time_format (started, "%H:%M");
  gint64 ended_at = kb_usage_entry_get_ended_at (entry);
  gint64 confirmed_at = kb_usage_entry_get_confirmed_at (entry);
  const char *task = kb_usage_entry_get_task_name (entry);
  int cases = kb_usage_entry_get_cases (entry);

  /* Translators: marks a usage entry copied from the paper register. */
  row_set (row, COL_DATE, date, kb_usage_entry_get_manual (entry) ? _("(paper)") : NULL);
  row_set (row, COL_START, start, NULL);

  if (ended_at != 0)
    {
      g_autoptr(GDateTime) ended = g_date_time_new_from_unix_local (ended_at);
      g_autofree char *end = g_date_time_format (ended, "%H:%M");
      g_autofree char *end_date = NULL;

      /* A sitting past midnight: say on which day it ended. */
      if (g_date_time_get_day_of_year (ended) != g_date_time_get_day_of_year (started) ||
          g_date_time_get_year (ended) != g_date_time_get_year (started))
        end_date = format_date (data, ended);
      row_set (row, COL_END, end, end_date);
    }
  else
    {
      /* Translators: the end of a sitting that is still going on. */
      row_set (row, COL_END, _("In use"), NULL);
      row->italic |= 1u << COL_END;
    }

  row_set (row, COL_OPERATOR, kb_usage_entry_get_operator_name (entry),
           kb_usage_entry_get_staff_number (entry));

  if (kb_usage_entry_get_status (entry) == KB_USAGE_STATUS_PURPOSE_MISSING ||
      task == NULL || *task == '\0')
    {
      row_set (row, COL_TASK, ended_at != 0 ? _("Purpose missing") : "", NULL);
      row->italic |= 1u << COL_TASK;
    }
  else
    row_set (row, COL_TASK, task, NULL);

  if (cases >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", cases);

      row_set (row, COL_CASES, text, NULL);
    }
  else
    row_set (row, COL_CASES, "", NULL);

  row_set (row, COL_REMARKS, kb_usage_entry_get_remarks (entry), NULL);

  if (kb_usage_entry_get_confirmed_by (entry) != 0)
    {
      g_autoptr(GDateTime) confirmed = g_date_time_new_from_unix_local (confirmed_at);
      g_autofree char *when = format_date (data, confirmed);

      row_set (row, COL_CONFIRMED, kb_usage_entry_get_confirmer_name (entry), when);
    }
  else
    row_set (row, COL_CONFIRMED, "", NULL);

  return row;
}

static Row *
row_for_totals (KbUsagePrintData *data)
{
  Row *row = row_new ();
  g_autofree char *entries = NULL;
  g_autofree char *cases = NULL;
  gint64 n_cases = 0;

  for (guint i = 0; i < data->entries->len; i++)
    n_cases += MAX (0, kb_usage_entry_get_cases (g_ptr_array_index (data->entries, i)));

  entries = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Total: %u entry", "Total: %u entries",
                                          data->entries->len),
                             data->entries->len);
  cases = g_strdup_printf ("%" G_GINT64_FORMAT, n_cases);
  row->total = TRUE;
  for (guint i = 0; i < N_COLUMNS; i++)
    row_set (row, i, "", NULL);
  row_set (row, COL_DATE, entries, NULL);
  row_set (row, COL_CASES, cases, NULL);
  return row;
}

static PangoLayout *
create_layout (GtkPrintContext *context,
               double           size,
               gboolean         bold,
               const char      *text)
{
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* The column a cell starts in is @col; a totals row's first cell spans
 * the columns up to the business task. */
static Column
cell_last_column (const Row *row,
                  Column     col)
{
  return row->total && col == COL_DATE ? COL_TASK : col;
}

static PangoLayout *
cell_layout (Printer         *self,
             GtkPrintContext *context,
             const Row       *row,
             Column           col)
{
  Column last = cell_last_column (row, col);
  double width = self->x[last + 1] - self->x[col] - 2 * PAD_X;
  PangoLayout *layout = create_layout (context, BODY_SIZE, row->total, row->cells[col]);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, row->total && col == COL_DATE ? PANGO_ALIGN_RIGHT
                                                                    : columns[col].align);
  if (row->italic & (1u << col))
    pango_attr_list_insert (attrs, pango_attr_style_new (PANGO_STYLE_ITALIC));

  if (row->small[col] != NULL)
    {
      /* Japanese breaks between any two characters: rather than let a
       * date break in the middle, the small text goes on a line of its
       * own unless the whole cell fits on one. */
      gsize main_len = strlen (row->cells[col]);
      g_autofree char *one_line = g_strconcat (row->cells[col], " ", row->small[col], NULL);
      PangoAttribute *attr = pango_attr_size_new ((int) (SMALL_SIZE * PANGO_SCALE));

      attr->start_index = main_len + 1;
      pango_attr_list_insert (attrs, attr);
      pango_layout_set_attributes (layout, attrs);
      pango_layout_set_text (layout, one_line, -1);
      if (pango_layout_get_line_count (layout) > 1)
        {
          one_line[main_len] = '\n';
          pango_layout_set_text (layout, one_line, -1);
        }
      return layout;
    }

  pango_layout_set_attributes (layout, attrs);
  return layout;
}

static gboolean
skip_cell (const Row *row,
           Column     col)
{
  return row->total && col > COL_DATE && col <= COL_TASK;
}

static double
measure_row (Printer         *self,
             GtkPrintContext *context,
             Row             *row)
{
  double height = 0;

  for (Column col = 0; col < N_COLUMNS; col++)
    {
      g_autoptr(PangoLayout) layout = NULL;

      if (skip_cell (row, col))
        continue;
      layout = cell_layout (self, context, row, col);
      height = MAX (height, layout_height (layout));
    }
  return MAX (MIN_ROW, height + 2 * self->cell_top);
}

static double
measure_heading (Printer         *self,
                 GtkPrintContext *context)
{
  g_autoptr(PangoLayout) title = create_layout (context, TITLE_SIZE, TRUE, self->title);
  g_autoptr(PangoLayout) info = create_layout (context, BODY_SIZE, FALSE, "国\n国");

  return layout_height (title) + 4 + layout_height (info) + HEAD_GAP;
}

static void
begin_print (GtkPrintOperation *operation,
             GtkPrintContext   *context,
             Printer           *self)
{
  KbUsagePrintData *data = self->data;
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  double shares = 0, x = 0, body, y;
  g_autoptr(PangoLayout) footer = NULL;

  for (guint i = 0; i < N_COLUMNS; i++)
    shares += columns[i].share;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      self->x[i] = x;
      x += width * columns[i].share / shares;
    }
  self->x[N_COLUMNS] = width;

  g_ptr_array_set_size (self->rows, 0);
  for (guint i = 0; i < data->entries->len; i++)
    g_ptr_array_add (self->rows, row_for_entry (data, g_ptr_array_index (data->entries, i)));
  g_ptr_array_add (self->rows, row_for_totals (data));

  /* One line of text sits in the middle of a ruled line of the form;
   * every cell of a taller row starts at that same height, so that a row
   * reads along one line. */
  {
    g_autoptr(PangoLayout) line = create_layout (context, BODY_SIZE, FALSE, "国");

    self->cell_top = MAX (PAD_Y, (MIN_ROW - layout_height (line)) / 2);
  }

  self->heading_height = measure_heading (self, context);
  self->thead_height = 0;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(PangoLayout) layout = create_layout (context, BODY_SIZE, TRUE, _(columns[i].title));

      pango_layout_set_width (layout, (int) ((self->x[i + 1] - self->x[i] - 2 * PAD_X) * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      self->thead_height = MAX (self->thead_height, layout_height (layout) + 2 * PAD_Y);
    }
  self->thead_height = MAX (self->thead_height, MIN_ROW);
  footer = create_layout (context, SMALL_SIZE, FALSE, "0");
  self->footer_height = layout_height (footer) + FOOTER_GAP;

  /* Fill each page with as many whole rows as fit under the repeated
   * column headings. A row taller than a whole page (it cannot be, with
   * the remarks' length limit) gets a page of its own and is clipped. */
  body = height - self->heading_height - self->thead_height - self->footer_height;
  g_array_set_size (self->page_first, 0);
  y = 0;
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      row->height = measure_row (self, context, row);
      if (i == 0 || (y + row->height > body && y > 0))
        {
          int first = i;

          g_array_append_val (self->page_first, first);
          y = 0;
        }
      y += row->height;
    }
  {
    int end = self->rows->len;

    g_array_append_val (self->page_first, end);
  }

  data->n_pages = self->page_first->len - 1;
  gtk_print_operation_set_n_pages (operation, data->n_pages);
}

static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_heading (Printer         *self,
              GtkPrintContext *context,
              cairo_t         *cr)
{
  KbUsagePrintData *data = self->data;
  double width = gtk_print_context_get_width (context);
  g_autoptr(PangoLayout) title = create_layout (context, TITLE_SIZE, TRUE, self->title);
  g_autoptr(PangoLayout) month = create_layout (context, MONTH_SIZE, TRUE, self->month);
  g_autoptr(PangoLayout) left = NULL;
  g_autoptr(PangoLayout) right = NULL;
  g_autoptr(GString) terminal = g_string_new (NULL);
  g_autoptr(GString) office = g_string_new (NULL);
  double title_height = layout_height (title);
  int w;

  pango_layout_get_size (title, &w, NULL);
  show_layout (cr, title, (width - (double) w / PANGO_SCALE) / 2, 0);

  /* The month sits at the right of the title, on its baseline. */
  pango_layout_get_size (month, &w, NULL);
  show_layout (cr, month, width - (double) w / PANGO_SCALE,
               (double) (pango_layout_get_baseline (title) - pango_layout_get_baseline (month)) / PANGO_SCALE);

  /* Translators: on the printed register, before the terminal's code and name. */
  g_string_append_printf (terminal, _("Terminal: %s"), data->terminal_code);
  if (data->terminal_name != NULL && *data->terminal_name != '\0')
    g_string_append_printf (terminal, "　%s", data->terminal_name);
  g_string_append_c (terminal, '\n');
  if (data->terminal_location != NULL && *data->terminal_location != '\0')
    /* Translators: on the printed register, where the terminal stands. */
    g_string_append_printf (terminal, _("Location: %s"), data->terminal_location);
  left = create_layout (context, BODY_SIZE, FALSE, terminal->str);
  pango_layout_set_width (left, (int) (width * 0.6 * PANGO_SCALE));
  pango_layout_set_ellipsize (left, PANGO_ELLIPSIZE_END);
  show_layout (cr, left, 0, title_height + 4);

  if (data->office != NULL && *data->office != '\0')
    /* Translators: on the printed register, the office or division keeping it. */
    g_string_append_printf (office, _("Office: %s"), data->office);
  right = create_layout (context, BODY_SIZE, FALSE, office->str);
  pango_layout_set_width (right, (int) (width * 0.38 * PANGO_SCALE));
  pango_layout_set_alignment (right, PANGO_ALIGN_RIGHT);
  show_layout (cr, right, width * 0.62, title_height + 4);
}

static void
draw_cell (Printer         *self,
           GtkPrintContext *context,
           cairo_t         *cr,
           const Row       *row,
           Column           col,
           double           y)
{
  g_autoptr(PangoLayout) layout = cell_layout (self, context, row, col);
  Column last = cell_last_column (row, col);
  double top = y + self->cell_top;

  cairo_save (cr);
  cairo_rectangle (cr, self->x[col], y, self->x[last + 1] - self->x[col], row->height);
  cairo_clip (cr);
  show_layout (cr, layout, self->x[col] + PAD_X, top);
  cairo_restore (cr);
}

static void
draw_page (GtkPrintOperation *operation,
           GtkPrintContext   *context,
           int                page_nr,
           Printer           *self)
{
  KbUsagePrintData *data = self->data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  int first = g_array_index (self->page_first, int, page_nr);
  int end = g_array_index (self->page_first, int, page_nr + 1);
  double top = self->heading_height;
  double y;
  g_autofree char *page_text = NULL;
  g_autoptr(PangoLayout) page = NULL;
  g_autoptr(PangoLayout) journal = NULL;
  g_autoptr(PangoLayout) printed = NULL;
  int w;

  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_heading (self, context, cr);

  /* The column headings, shaded as on the form. */
  cairo_rectangle (cr, 0, top, width, self->thead_height);
  cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(PangoLayout) layout = create_layout (context, BODY_SIZE, TRUE, _(columns[i].title));

      pango_layout_set_width (layout, (int) ((self->x[i + 1] - self->x[i] - 2 * PAD_X) * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      show_layout (cr, layout, self->x[i] + PAD_X,
                   top + (self->thead_height - layout_height (layout)) / 2);
    }

  y = top + self->thead_height;
  cairo_set_line_width (cr, THIN_LINE);
  for (int i = first; i < end; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      if (row->total)
        {
          /* A double rule above the totals, as under a column of sums. */
          cairo_set_line_width (cr, THIN_LINE);
          cairo_move_to (cr, 0, y + 1.5);
          cairo_line_to (cr, width, y + 1.5);
          cairo_stroke (cr);
        }
      for (Column col = 0; col < N_COLUMNS; col++)
        if (!skip_cell (row, col))
          draw_cell (self, context, cr, row, col, y);

      y += row->height;
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, width, y);
      cairo_stroke (cr);
    }

  /* Column rules, then the frame. The totals row spans the first columns. */
  for (guint i = 1; i < N_COLUMNS; i++)
    {
      double bottom = y;
      Row *last_row = g_ptr_array_index (self->rows, end - 1);

      if (last_row->total && i <= COL_TASK)
        bottom -= last_row->height;
      cairo_move_to (cr, self->x[i], top);
      cairo_line_to (cr, self->x[i], bottom);
      cairo_stroke (cr);
    }
  cairo_set_line_width (cr, THICK_LINE);
  cairo_rectangle (cr, 0, top, width, y - top);
  cairo_move_to (cr, 0, top + self->thead_height);
  cairo_line_to (cr, width, top + self->thead_height);
  cairo_stroke (cr);

  /* The footer: which journal state this printout shows, the page, and
   * when it was printed. */
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  if (data->journal_hash != NULL && *data->journal_hash != '\0')
    {
      g_autofree char *text = NULL;

      /* Translators: in the footer of a printed register: the newest journal
       * entry's number and the start of its hash, for comparing a printout
       * with the journal later. */
      text = g_strdup_printf (_("Journal %" PRId64 " · %.16s…"),
                              (int64_t) data->journal_seq, data->journal_hash);
      journal = create_layout (context, SMALL_SIZE, FALSE, text);
      show_layout (cr, journal, 0, height - self->footer_height + FOOTER_GAP);
    }

  /* Translators: the footer of a printed page. */
  page_text = g_strdup_printf (_("Page %d of %d"), page_nr + 1, data->n_pages);
  page = create_layout (context, SMALL_SIZE, FALSE, page_text);
  pango_layout_get_size (page, &w, NULL);
  show_layout (cr, page, (width - (double) w / PANGO_SCALE) / 2,
               height - self->footer_height + FOOTER_GAP);

  printed = create_layout (context, SMALL_SIZE, FALSE, self->printed_at);
  pango_layout_get_size (printed, &w, NULL);
  show_layout (cr, printed, width - (double) w / PANGO_SCALE,
               height - self->footer_height + FOOTER_GAP);
}

/**
 * kb_usage_print_data_new:
 *
 * Returns: (transfer full): empty print data: no entries, Western dates,
 *   the print dialog
 */
KbUsagePrintData *
kb_usage_print_data_new (void)
{
  KbUsagePrintData *data = g_new0 (KbUsagePrintData, 1);

  data->entries = g_ptr_array_new_with_free_func (g_object_unref);
  data->action = GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG;
  return data;
}

void
kb_usage_print_data_free (KbUsagePrintData *data)
{
  if (data == NULL)
    return;

  g_free (data->terminal_code);
  g_free (data->terminal_name);
  g_free (data->terminal_location);
  g_free (data->office);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_free (data->journal_hash);
  g_free (data->export_filename);
  g_free (data);
}

static GtkPageSetup *
a4_landscape (void)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size (setup, a4);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
  gtk_page_setup_set_top_margin (setup, 10, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, 10, GTK_UNIT_MM);
  gtk_page_setup_set_left_margin (setup, 12, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, 12, GTK_UNIT_MM);
  return setup;
}

/**
 * kb_usage_print_month_run:
 * @parent: (nullable): the window the print dialog belongs to
 * @data: what to print; @data->n_pages is set
 * @error: the print system's error
 *
 * Prints, or with %GTK_PRINT_OPERATION_ACTION_EXPORT writes a PDF, and
 * returns when done. kb_usage_print_month() is the same, with the error
 * shown to the user.
 *
 * Returns: what gtk_print_operation_run() returned
 */
GtkPrintOperationResult
kb_usage_print_month_run (GtkWindow         *parent,
                          KbUsagePrintData  *data,
                          GError           **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = NULL;
  g_autofree char *job = NULL;
  Printer *self;
  GtkPrintOperationResult result;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (data != NULL, GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (data->terminal_code != NULL, GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (data->month >= 1 && data->month <= 12, GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (data->action != GTK_PRINT_OPERATION_ACTION_EXPORT ||
                        data->export_filename != NULL, GTK_PRINT_OPERATION_RESULT_ERROR);

  self = g_new0 (Printer, 1);
  self->data = data;
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  self->page_first = g_array_new (FALSE, FALSE, sizeof (int));
  self->title = g_strdup (_("Terminal usage register"));
  self->month = format_month (data);
  now_text = format_date (data, now);
  /* Translators: in the footer of a printed register; %s is a date, then the time. */
  self->printed_at = g_strdup_printf (_("Printed %s %02d:%02d"), now_text,
                                      g_date_time_get_hour (now), g_date_time_get_minute (now));
  data->n_pages = 0;

  operation = gtk_print_operation_new ();
  setup = a4_landscape ();
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  job = g_strdup_printf ("%s %s %04d-%02d", self->title, data->terminal_code,
                         data->year, data->month);
  gtk_print_operation_set_job_name (operation, job);
  if (data->export_filename != NULL)
    gtk_print_operation_set_export_filename (operation, data->export_filename);

  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page), self);

  result = gtk_print_operation_run (operation, data->action, parent, error);

  /* The operation may outlive this call if someone kept a reference. */
  g_signal_handlers_disconnect_by_data (operation, self);
  printer_free (self);
  return result;
}

/**
 * kb_usage_print_month:
 * @parent: (nullable): the window the dialogs belong to
 * @data: what to print
 *
 * Prints the monthly register. An error from the print system is shown
 * in a dialog over @parent.
 */
void
kb_usage_print_month (GtkWindow        *parent,
                      KbUsagePrintData *data)
{
  g_autoptr(GError) error = NULL;

  if (kb_usage_print_month_run (parent, data, &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      GtkWidget *dialog = adw_message_dialog_new (parent, _("Could Not Print"),
                                                  error != NULL ? error->message
                                                                : _("The print system failed."));

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}
