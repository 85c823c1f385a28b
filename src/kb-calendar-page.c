/* kb-calendar-page.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A month of training sessions (研修) and audits (監査): six weeks of
 * days, each a box with its number and a few labels, coloured by kind;
 * what is overdue (an audit not begun or with findings past due, a
 * session past with attendance unmarked) in the error colour. Clicking
 * an item shows its page. The week starts on the locale's first day
 * (Sunday for Japanese office calendars) unless the translation says
 * otherwise.
 *
 * Each part is read as the signed-in operator may: someone who may not
 * read audits sees the sessions only, and the other way round.
 */

#include "config.h"

#include <string.h>
#ifdef __GLIBC__
#include <langinfo.h>
#endif

#include <glib/gi18n.h>

#include "kb-audit.h"
#include "kb-audit-page.h"
#include "kb-calendar-page.h"
#include "kb-error.h"
#include "kb-training.h"
#include "kb-training-page.h"
#include "kb-window.h"

#define N_WEEKS 6
#define N_SHOWN 3    /* items a day shows before "+2 more" */

typedef struct {
  GtkWidget *cell;
  GtkWidget *number;
  GtkWidget *items;
} Day;

typedef struct {
  gboolean audit;
  gint64 id;
  guint32 julian;
  gint64 starts_at;
  char *text;
  gboolean overdue;
} Item;

struct _KbCalendarPage {
  GtkBox parent_instance;

  KbStore       *store;
  KbStore       *reader;
  KbSession     *session;
  GCancellable  *cancellable;
  GCancellable  *load;

  GtkLabel      *title;
  GtkLabel      *error_label;
  GtkWidget     *headers[7];
  Day            days[N_WEEKS * 7];

  int            year;
  int            month;
  int            week_start;   /* 0 Sunday … 6 Saturday */
  GDate          first;        /* the grid's first day */
  GPtrArray     *items;        /* Item */
  gint64         viewer;
  gboolean       loading;
  gboolean       stale;
};

G_DEFINE_FINAL_TYPE (KbCalendarPage, kb_calendar_page, GTK_TYPE_BOX)

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->text);
  g_free (item);
}

/* 0 for Sunday-first, 1 for Monday-first: the translation's word first
 * ("calendar:week_start:0"), else the locale's (as GtkCalendar does). */
static int
week_start (void)
{
  /* Translators: "calendar:week_start:0" for calendars whose weeks start
   * on Sunday (Japanese: 0), "calendar:week_start:1" for Monday. Leave it
   * untranslated to follow the locale. */
  const char *word = _("calendar:week_start:locale");

  if (g_str_has_prefix (word, "calendar:week_start:") && g_ascii_isdigit (word[20]))
    return (word[20] - '0') % 7;
#ifdef __GLIBC__
  {
    union { unsigned int word; char *string; } info;
    int first_weekday, week_1stday = 0;
    guint week_origin;

    info.string = nl_langinfo (_NL_TIME_FIRST_WEEKDAY);
    first_weekday = info.string[0];
    info.string = nl_langinfo (_NL_TIME_WEEK_1STDAY);
    week_origin = info.word;
    if (week_origin == 19971201)   /* a Monday */
      week_1stday = 1;
    return (week_1stday + first_weekday - 1 + 7) % 7;
  }
#else
  return 1;
#endif
}

static const char *
weekday_label (int weekday)   /* 0 Sunday */
{
  switch (weekday)
    {
    case 0: return C_("weekday", "Sun");
    case 1: return C_("weekday", "Mon");
    case 2: return C_("weekday", "Tue");
    case 3: return C_("weekday", "Wed");
    case 4: return C_("weekday", "Thu");
    case 5: return C_("weekday", "Fri");
    default: return C_("weekday", "Sat");
    }
}

/* --- reading --------------------------------------------------------------- */

typedef struct {
  gint64 from;
  gint64 to;
  char *from_day;
  char *to_day;
  char *today;
  gint64 now;
} ReadJob;

static void
read_job_free (gpointer data)
{
  ReadJob *job = data;

  g_free (job->from_day);
  g_free (job->to_day);
  g_free (job->today);
  g_free (job);
}

static guint32
julian_of (const char *ymd)
{
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_parse (&d, ymd);
  return g_date_valid (&d) ? g_date_get_julian (&d) : 0;
}

static gboolean
refused (GError *error)
{
  return g_error_matches (error, KB_STORE_ERROR, KB_STORE_ERROR_REFUSED);
}

static gpointer
read_job (KbDb          *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  ReadJob *job = data;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (item_free);
  g_autoptr(GListModel) sessions = NULL;
  g_autoptr(GListModel) audits = NULL;
  g_autoptr(GError) local = NULL;

  sessions = kb_training_list (db, job->from, job->to, &local);
  if (sessions == NULL && !refused (local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  g_clear_error (&local);
  for (guint i = 0; sessions != NULL && i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(KbTraining) t = g_list_model_get_item (sessions, i);
      g_autoptr(GDateTime) starts = g_date_time_new_from_unix_local (kb_training_get_starts_at (t));
      g_autofree char *hhmm = g_date_time_format (starts, "%H:%M");
      Item *item = g_new0 (Item, 1);
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_dmy (&d, g_date_time_get_day_of_month (starts),
                      g_date_time_get_month (starts), g_date_time_get_year (starts));
      item->id = kb_training_get_id (t);
      item->julian = g_date_get_julian (&d);
      item->starts_at = kb_training_get_starts_at (t);
      item->text = g_strdup_printf ("%s %s", hhmm, kb_training_get_title (t));
      item->overdue = kb_training_get_status (t) != KB_SESSION_CANCELLED &&
                      kb_training_get_ends_at (t) < job->now &&
                      kb_training_get_n_unmarked (t) > 0;
      if (kb_training_get_status (t) == KB_SESSION_CANCELLED)
        {
          char *struck = g_strdup_printf (_("%s (cancelled)"), item->text);

          g_free (item->text);
          item->text = struck;
        }
      g_ptr_array_add (items, item);
    }

  audits = kb_audit_list (db, job->from_day, job->to_day, job->today, &local);
  if (audits == NULL && !refused (local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  for (guint i = 0; audits != NULL && i < g_list_model_get_n_items (audits); i++)
    {
      g_autoptr(KbAudit) a = g_list_model_get_item (audits, i);
      Item *item = g_new0 (Item, 1);

      item->audit = TRUE;
      item->id = kb_audit_get_id (a);
      item->julian = julian_of (kb_audit_get_planned_on (a));
      item->text = g_strdup (kb_audit_get_title (a));
      item->overdue = kb_audit_get_overdue (a);
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

static void
item_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 KbCalendarPage  *self)
{
  GtkWidget *label = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  gboolean audit = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "audit"));
  gint64 id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (label), "id"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!KB_IS_WINDOW (root))
    return;
  if (audit)
    {
      GtkWidget *page = kb_window_get_page_widget (KB_WINDOW (root), "audit");

      kb_window_show_page (KB_WINDOW (root), "audit");
      if (KB_IS_AUDIT_PAGE (page))
        kb_audit_page_select_id (KB_AUDIT_PAGE (page), id);
    }
  else
    {
      GtkWidget *page = kb_window_get_page_widget (KB_WINDOW (root), "training");

      kb_window_show_page (KB_WINDOW (root), "training");
      if (KB_IS_TRAINING_PAGE (page))
        {
          GListModel *sessions = kb_training_page_get_sessions (KB_TRAINING_PAGE (page));

          kb_training_page_show (KB_TRAINING_PAGE (page), "sessions");
          /* The session, if the page lists it (it may show another year). */
          for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
            {
              g_autoptr(KbTraining) t = g_list_model_get_item (sessions, i);

              if (kb_training_get_id (t) == id)
                {
                  kb_training_page_select (KB_TRAINING_PAGE (page), i);
                  break;
                }
            }
        }
    }
}

static GtkWidget *
item_label_new (KbCalendarPage *self,
                Item           *item)
{
  GtkWidget *label = gtk_label_new (item->text);
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, item->overdue ? "error" : item->audit ? "success" : "accent");
  gtk_widget_set_cursor_from_name (label, "pointer");
  g_object_set_data (G_OBJECT (label), "audit", GINT_TO_POINTER (item->audit));
  g_object_set_data (G_OBJECT (label), "id", GSIZE_TO_POINTER ((gsize) item->id));
  g_signal_connect (click, "pressed", G_CALLBACK (item_pressed_cb), self);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (click));
  return label;
}

static void
clear_items (KbCalendarPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->days); i++)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (self->days[i].items)) != NULL)
        gtk_box_remove (GTK_BOX (self->days[i].items), child);
    }
}

static void
place_items (KbCalendarPage *self)
{
  guint32 first = g_date_get_julian (&self->first);
  guint counts[N_WEEKS * 7] = { 0, };

  clear_items (self);
  for (guint i = 0; self->items != NULL && i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);
      guint day;

      if (item->julian < first || item->julian >= first + G_N_ELEMENTS (self->days))
        continue;
      day = item->julian - first;
      counts[day]++;
      if (counts[day] <= N_SHOWN)
        gtk_box_append (GTK_BOX (self->days[day].items), item_label_new (self, item));
    }
  for (guint day = 0; day < G_N_ELEMENTS (self->days); day++)
    if (counts[day] > N_SHOWN)
      {
        g_autofree char *more = g_strdup_printf (_("+%u more"), counts[day] - N_SHOWN);
        GtkWidget *label = gtk_label_new (more);

        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_widget_add_css_class (label, "caption");
        gtk_widget_add_css_class (label, "dim-label");
        gtk_box_append (GTK_BOX (self->days[day].items), label);
      }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = kb_store_run_finish (KB_STORE (source), result, &error);
  KbCalendarPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_CALENDAR_PAGE (user_data);
  self->loading = FALSE;
  if (items == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = items;
  place_items (self);
}

/* --- the grid -------------------------------------------------------------- */

static void
lay_out (KbCalendarPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) month = g_date_time_new_local (self->year, self->month, 1, 0, 0, 0);
  g_autofree char *title = NULL;
  GDate today;
  int offset;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  /* Translators: the calendar's month, strftime format; Japanese "%Y年%-m月" */
  title = g_date_time_format (month, _("%B %Y"));
  gtk_label_set_label (self->title, title);

  g_date_clear (&self->first, 1);
  g_date_set_dmy (&self->first, 1, self->month, self->year);
  /* GDate: Monday 1 … Sunday 7; ours: Sunday 0 … Saturday 6. */
  offset = ((g_date_get_weekday (&self->first) % 7) - self->week_start + 7) % 7;
  g_date_subtract_days (&self->first, offset);

  for (guint i = 0; i < G_N_ELEMENTS (self->days); i++)
    {
      Day *day = &self->days[i];
      GDate d = self->first;
      int weekday;
      char number[8];

      g_date_add_days (&d, i);
      weekday = g_date_get_weekday (&d) % 7;
      g_snprintf (number, sizeof number, "%d", g_date_get_day (&d));
      gtk_label_set_label (GTK_LABEL (day->number), number);
      gtk_widget_set_opacity (day->cell, g_date_get_month (&d) == (GDateMonth) self->month
                                         ? 1.0 : 0.45);
      if (weekday == 0 || weekday == 6)
        gtk_widget_add_css_class (day->number, "dim-label");
      else
        gtk_widget_remove_css_class (day->number, "dim-label");
      if (g_date_compare (&d, &today) == 0)
        {
          gtk_widget_add_css_class (day->cell, "view");
          gtk_widget_add_css_class (day->number, "accent");
          gtk_widget_add_css_class (day->number, "heading");
        }
      else
        {
          gtk_widget_remove_css_class (day->cell, "view");
          gtk_widget_remove_css_class (day->number, "accent");
          gtk_widget_remove_css_class (day->number, "heading");
        }
    }
}

static void
reload (KbCalendarPage *self)
{
  ReadJob *job;
  GDate end;
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;

  lay_out (self);
  if (self->viewer == 0)
    return;
  end = self->first;
  g_date_add_days (&end, G_N_ELEMENTS (self->days));
  a = g_date_time_new_local (g_date_get_year (&self->first), g_date_get_month (&self->first),
                             g_date_get_day (&self->first), 0, 0, 0);
  b = g_date_time_new_local (g_date_get_year (&end), g_date_get_month (&end),
                             g_date_get_day (&end), 0, 0, 0);
  job = g_new0 (ReadJob, 1);
  job->from = g_date_time_to_unix (a);
  job->to = g_date_time_to_unix (b);
  job->from_day = g_date_time_format (a, "%Y-%m-%d");
  job->to_day = g_date_time_format (b, "%Y-%m-%d");
  job->now = g_get_real_time () / G_USEC_PER_SEC;
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();

    job->today = g_date_time_format (now, "%Y-%m-%d");
  }
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  self->load = g_cancellable_new ();
  self->loading = TRUE;
  kb_store_run_async (self->store, NULL, read_job, job, read_job_free,
                      (GDestroyNotify) g_ptr_array_unref, self->load, read_cb, self);
}

void
kb_calendar_page_set_month (KbCalendarPage *self,
                            int             year,
                            int             month)
{
  g_return_if_fail (KB_IS_CALENDAR_PAGE (self));
  g_return_if_fail (month >= 1 && month <= 12);

  self->year = year;
  self->month = month;
  clear_items (self);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  reload (self);
}

/**
 * kb_calendar_page_shift:
 * @months: how many months on (negative: back); 0 goes to this month
 */
void
kb_calendar_page_shift (KbCalendarPage *self,
                        int             months)
{
  int index;

  if (months == 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      kb_calendar_page_set_month (self, g_date_time_get_year (now), g_date_time_get_month (now));
      return;
    }
  index = self->year * 12 + (self->month - 1) + months;
  kb_calendar_page_set_month (self, index / 12, index % 12 + 1);
}

static void
previous_clicked_cb (KbCalendarPage *self)
{
  kb_calendar_page_shift (self, -1);
}

static void
next_clicked_cb (KbCalendarPage *self)
{
  kb_calendar_page_shift (self, 1);
}

static void
today_clicked_cb (KbCalendarPage *self)
{
  kb_calendar_page_shift (self, 0);
}

/* --- who looks ------------------------------------------------------------- */

static void
session_changed_cb (KbCalendarPage *self)
{
  KbOperator *op = kb_session_get_operator (self->session);
  gboolean unlocked = kb_session_get_state (self->session) == KB_SESSION_UNLOCKED;
  gint64 viewer = unlocked && op != NULL ? kb_operator_get_id (op) : 0;

  if (viewer == self->viewer)
    return;
  self->viewer = 0;
  g_cancellable_cancel (self->load);
  self->loading = FALSE;
  clear_items (self);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  if (viewer == 0)
    return;
  self->viewer = viewer;
  kb_calendar_page_shift (self, 0);
}

static void
store_changed_cb (KbCalendarPage *self,
                  const char     *entity)
{
  if (g_strcmp0 (entity, "audit") != 0 && g_strcmp0 (entity, "finding") != 0 &&
      g_strcmp0 (entity, "training") != 0 && g_strcmp0 (entity, "attendance") != 0)
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->stale = TRUE;
}

static void
kb_calendar_page_map (GtkWidget *widget)
{
  KbCalendarPage *self = KB_CALENDAR_PAGE (widget);

  GTK_WIDGET_CLASS (kb_calendar_page_parent_class)->map (widget);
  /* Today and what is overdue move with the clock. */
  if (self->stale || self->viewer != 0)
    {
      self->stale = FALSE;
      reload (self);
    }
}

/* --- construction ---------------------------------------------------------- */

static void
build (KbCalendarPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *previous = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *next = gtk_button_new_from_icon_name ("go-next-symbolic");
  GtkWidget *today = gtk_button_new_with_mnemonic (_("_Today"));
  GtkWidget *legend = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  struct { const char *text; const char *style; } keys[] = {
    { _("Training session"), "accent" }, { _("Audit"), "success" }, { _("Overdue"), "error" },
  };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_vexpand (box, TRUE);
  gtk_box_append (GTK_BOX (self), box);

  gtk_widget_set_tooltip_text (previous, _("Previous month"));
  gtk_widget_set_tooltip_text (next, _("Next month"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (previous), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Previous month"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (next), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Next month"), -1);
  g_signal_connect_swapped (previous, "clicked", G_CALLBACK (previous_clicked_cb), self);
  g_signal_connect_swapped (next, "clicked", G_CALLBACK (next_clicked_cb), self);
  g_signal_connect_swapped (today, "clicked", G_CALLBACK (today_clicked_cb), self);
  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "title-3");
  gtk_label_set_xalign (self->title, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->title));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *key = gtk_label_new (keys[i].text);

      gtk_widget_add_css_class (key, "caption");
      gtk_widget_add_css_class (key, keys[i].style);
      gtk_box_append (GTK_BOX (legend), key);
    }
  gtk_widget_set_margin_end (legend, 12);
  gtk_box_append (GTK_BOX (top), legend);
  gtk_box_append (GTK_BOX (top), previous);
  gtk_box_append (GTK_BOX (top), today);
  gtk_box_append (GTK_BOX (top), next);
  gtk_box_append (GTK_BOX (box), top);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  gtk_grid_set_row_homogeneous (GTK_GRID (grid), FALSE);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_vexpand (grid, TRUE);
  for (int c = 0; c < 7; c++)
    {
      int weekday = (c + self->week_start) % 7;

      self->headers[c] = gtk_label_new (weekday_label (weekday));
      gtk_widget_add_css_class (self->headers[c], "heading");
      if (weekday == 0 || weekday == 6)
        gtk_widget_add_css_class (self->headers[c], "dim-label");
      gtk_grid_attach (GTK_GRID (grid), self->headers[c], c, 0, 1, 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->days); i++)
    {
      Day *day = &self->days[i];

      day->cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_widget_add_css_class (day->cell, "card");
      gtk_widget_set_vexpand (day->cell, TRUE);
      gtk_widget_set_size_request (day->cell, 60, 64);
      day->number = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (day->number), 0);
      gtk_widget_set_margin_start (day->number, 6);
      gtk_widget_set_margin_top (day->number, 4);
      day->items = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
      gtk_widget_set_margin_start (day->items, 6);
      gtk_widget_set_margin_end (day->items, 4);
      gtk_widget_set_margin_bottom (day->items, 4);
      gtk_box_append (GTK_BOX (day->cell), day->number);
      gtk_box_append (GTK_BOX (day->cell), day->items);
      gtk_grid_attach (GTK_GRID (grid), day->cell, i % 7, 1 + i / 7, 1, 1);
    }
  gtk_box_append (GTK_BOX (box), grid);
}

static void
kb_calendar_page_dispose (GObject *object)
{
  KbCalendarPage *self = KB_CALENDAR_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  g_clear_object (&self->store);
  g_clear_object (&self->reader);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (kb_calendar_page_parent_class)->dispose (object);
}

static void
kb_calendar_page_finalize (GObject *object)
{
  KbCalendarPage *self = KB_CALENDAR_PAGE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  G_OBJECT_CLASS (kb_calendar_page_parent_class)->finalize (object);
}

static void
kb_calendar_page_class_init (KbCalendarPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kb_calendar_page_dispose;
  object_class->finalize = kb_calendar_page_finalize;
  widget_class->map = kb_calendar_page_map;
}

static void
kb_calendar_page_init (KbCalendarPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->cancellable = g_cancellable_new ();
  self->week_start = week_start ();
  self->year = g_date_time_get_year (now);
  self->month = g_date_time_get_month (now);
}

GtkWidget *
kb_calendar_page_new (KbStore   *store,
                      KbStore   *reader,
                      KbSession *session)
{
  KbCalendarPage *self = g_object_new (KB_TYPE_CALENDAR_PAGE, NULL);

  self->store = g_object_ref (store);
  self->reader = g_object_ref (reader);
  self->session = g_object_ref (session);
  build (self);
  lay_out (self);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  session_changed_cb (self);
  return GTK_WIDGET (self);
}

/**
 * kb_calendar_page_get_n_items:
 *
 * Returns: how many sessions and audits the six weeks shown hold
 */
guint
kb_calendar_page_get_n_items (KbCalendarPage *self)
{
  return self->items != NULL ? self->items->len : 0;
}

gboolean
kb_calendar_page_get_busy (KbCalendarPage *self)
{
  return self->loading;
}
