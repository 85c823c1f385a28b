/* kb-usage-model.c
 *
 * Copyright 2026 The Kanribo developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list model over the usage register that never holds the whole table:
 * it knows how many rows the query selects and keeps a few pages of them,
 * read on demand from the reader connection. A row whose page has not
 * arrived is a placeholder; when the page comes the rows are replaced
 * (items-changed with the same count), so the list binds them again.
 * Sorting and filtering are the query's (ORDER BY, WHERE), not GTK's.
 *
 * It is its own selection model: GtkMultiSelection (GTK 4.8) asks for
 * every added item when the model changes, which on a million rows would
 * read every page. A selection is of the rows of one query, so a new
 * query (or a refresh) clears it.
 */

#include "config.h"

#include <gtk/gtk.h>

#include "kb-usage-model.h"

#define PAGE_SIZE 200
#define MAX_PAGES 24
/* Pages read at once, and pages waiting to be read (the newest wins):
 * scrolling fast through a million rows asks for many pages that are
 * gone from the screen before they could be read; they must not queue
 * up in front of an export or a new query. */
#define MAX_IN_FLIGHT 2
#define MAX_WANTED 6

struct _KbUsageModel {
  GObject parent_instance;

  KbStore       *reader;
  gint64         viewer_id;
  KbUsageFilter *filter;
  guint          generation;   /* bumped by every new query */
  gboolean       active;

  guint          n_items;
  GHashTable    *pages;        /* page index → GPtrArray of KbUsageEntry */
  GQueue         lru;          /* page indexes, most recent first */
  GHashTable    *pending;      /* page indexes being read */
  GQueue         wanted;       /* page indexes to read, newest first */
  guint          in_flight;    /* page reads of this generation */
  GtkBitset     *selected;
  GCancellable  *cancellable;

  gboolean       loading;
  KbUsageTotals  totals;
  gboolean       totals_valid;
  char          *error;
};

static void kb_usage_model_list_model_init (GListModelInterface *iface);
static void kb_usage_model_selection_model_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KbUsageModel, kb_usage_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kb_usage_model_list_model_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      kb_usage_model_selection_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_TOTALS_VALID,
  PROP_ERROR,
  N_PROPS
};

enum {
  LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* --- jobs on the reader ---------------------------------------------------- */

typedef struct {
  guint          generation;
  gint64         viewer_id;
  KbUsageFilter *filter;
  guint          page;
  gboolean       count;        /* the first page, with the count */
  gboolean       totals;       /* only the totals */

  gint64         n_rows;
  GPtrArray     *rows;
  KbUsageTotals  sums;
} Query;

static void
query_free (gpointer data)
{
  Query *query = data;

  kb_usage_filter_free (query->filter);
  g_clear_pointer (&query->rows, g_ptr_array_unref);
  g_free (query);
}

static Query *
query_new (KbUsageModel *self,
           guint         page)
{
  Query *query = g_new0 (Query, 1);

  query->generation = self->generation;
  query->viewer_id = self->viewer_id;
  query->filter = kb_usage_filter_copy (self->filter);
  query->page = page;
  return query;
}

static gpointer
query_job (KbDb          *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Query *in = data;
  Query *out = g_new0 (Query, 1);
  gint64 t0 = g_get_monotonic_time ();

  out->generation = in->generation;
  out->page = in->page;
  out->count = in->count;
  out->totals = in->totals;

  if (in->totals)
    {
      if (!kb_usage_totals (db, in->viewer_id, in->filter, &out->sums, error))
        goto failed;
      g_debug ("usage totals read in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
      return out;
    }
  if (in->count && (out->n_rows = kb_usage_count (db, in->viewer_id, in->filter, error)) < 0)
    goto failed;
  out->rows = kb_usage_fetch (db, in->viewer_id, in->filter, in->page * PAGE_SIZE, PAGE_SIZE,
                              error);
  if (out->rows == NULL)
    goto failed;
  g_debug ("usage page %u%s read in %.1f ms", in->page, in->count ? " with the count" : "",
           (g_get_monotonic_time () - t0) / 1000.0);
  return out;

failed:
  query_free (out);
  return NULL;
}

static void
set_loading (KbUsageModel *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (KbUsageModel *self,
           const char   *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
keep_page (KbUsageModel *self,
           guint         page,
           GPtrArray    *rows)
{
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), g_ptr_array_ref (rows));
  g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  while (g_queue_get_length (&self->lru) > MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
}

static void
drop_pages (KbUsageModel *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
}

/* Forgets every read asked for: a new query, or none. */
static void
forget_reads (KbUsageModel *self)
{
  g_hash_table_remove_all (self->pending);
  g_queue_clear (&self->wanted);
  self->in_flight = 0;
}

static void pump (KbUsageModel *self);

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Query *query = kb_store_run_finish (KB_STORE (source), result, &error);
  KbUsageModel *self;
  guint page;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KB_USAGE_MODEL (user_data);

  if (query == NULL)
    {
      set_error (self, error->message);
      set_loading (self, FALSE);
      return;
    }
  if (query->generation != self->generation || !self->active)
    {
      query_free (query);
      return;
    }

  if (query->totals)
    {
      self->totals = query->sums;
      self->totals_valid = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTALS_VALID]);
      query_free (query);
      return;
    }

  page = query->page;
  set_error (self, NULL);

  if (query->count)
    {
      guint old = self->n_items;
      gint64 t0 = g_get_monotonic_time ();

      drop_pages (self);
      gtk_bitset_remove_all (self->selected);
      set_loading (self, FALSE);
      /* Two steps, not one: given rows removed and added in one change,
       * GTK 4.8's list views look up every added item to reuse the
       * removed rows' widgets — a million get_item() calls. */
      self->n_items = 0;
      if (old > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
      self->n_items = (guint) MIN (query->n_rows, G_MAXUINT);
      keep_page (self, 0, query->rows);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_items);
      g_debug ("usage list changed from %u to %u rows in %.1f ms", old, self->n_items,
               (g_get_monotonic_time () - t0) / 1000.0);
      g_signal_emit (self, signals[LOADED], 0);
    }
  else
    {
      guint start = page * PAGE_SIZE;
      guint n = MIN (query->rows->len, self->n_items > start ? self->n_items - start : 0);

      keep_page (self, page, query->rows);
      if (n > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), start, n, n);
    }
  query_free (query);
}

typedef struct {
  KbUsageModel *self;     /* not a reference: cancelled when it goes */
  guint         generation;
  guint         page;
  gboolean      page_read;
} Call;

/* Every reply, of every kind, comes through here first: a page read of
 * the current query frees its slot whatever the outcome. */
static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree Call *call = user_data;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  KbUsageModel *self = call->self;

  /* Cancelled: the model may be gone; only the result is let go. */
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      query_done_cb (source, result, NULL);
      return;
    }
  if (call->generation == self->generation)
    {
      g_hash_table_remove (self->pending, GUINT_TO_POINTER (call->page));
      if (call->page_read)
        self->in_flight--;
    }
  query_done_cb (source, result, self);
  if (call->generation == self->generation)
    pump (self);
}

static void
run_query (KbUsageModel *self,
           Query        *query,
           gboolean      page_read)
{
  Call *call = g_new0 (Call, 1);

  call->self = self;
  call->generation = self->generation;
  call->page = query->page;
  call->page_read = page_read;
  kb_store_run_async (self->reader, NULL, query_job, query, query_free, query_free,
                      self->cancellable, call_done_cb, call);
}

static void
pump (KbUsageModel *self)
{
  while (self->in_flight < MAX_IN_FLIGHT && !g_queue_is_empty (&self->wanted))
    {
      guint page = GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted));

      if (g_hash_table_contains (self->pages, GUINT_TO_POINTER (page)) ||
          g_hash_table_contains (self->pending, GUINT_TO_POINTER (page)))
        continue;
      g_hash_table_add (self->pending, GUINT_TO_POINTER (page));
      self->in_flight++;
      run_query (self, query_new (self, page), TRUE);
    }
}

static void
request_page (KbUsageModel *self,
              guint         page)
{
  if (g_hash_table_contains (self->pending, GUINT_TO_POINTER (page)))
    return;
  g_queue_remove (&self->wanted, GUINT_TO_POINTER (page));
  g_queue_push_head (&self->wanted, GUINT_TO_POINTER (page));
  while (g_queue_get_length (&self->wanted) > MAX_WANTED)
    g_queue_pop_tail (&self->wanted);
  pump (self);
}

static void
start_query (KbUsageModel *self)
{
  Query *first, *sums;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  forget_reads (self);
  self->totals_valid = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTALS_VALID]);
  set_loading (self, TRUE);

  /* The rows first, then the sums: the list must not wait for a scan. */
  first = query_new (self, 0);
  first->count = TRUE;
  g_hash_table_add (self->pending, GUINT_TO_POINTER (0));
  run_query (self, first, FALSE);
  sums = query_new (self, 0);
  sums->totals = TRUE;
  run_query (self, sums, FALSE);
}

/* --- GListModel ------------------------------------------------------------ */

static GType
kb_usage_model_get_item_type (GListModel *model)
{
  return KB_TYPE_USAGE_ENTRY;
}

static guint
kb_usage_model_get_n_items (GListModel *model)
{
  return KB_USAGE_MODEL (model)->n_items;
}

static gpointer
kb_usage_model_get_item (GListModel *model,
                         guint       position)
{
  KbUsageModel *self;
  guint page;
  GPtrArray *rows;

  self = KB_USAGE_MODEL (model);
  page = position / PAGE_SIZE;

  if (position >= self->n_items)
    return NULL;

  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows != NULL && position % PAGE_SIZE < rows->len)
    {
      if (g_queue_peek_head (&self->lru) != GUINT_TO_POINTER (page))
        {
          g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
          g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
        }
      return g_object_ref (g_ptr_array_index (rows, position % PAGE_SIZE));
    }

  if (rows == NULL && self->active)
    request_page (self, page);
  return kb_usage_entry_new_placeholder ();
}

static void
kb_usage_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kb_usage_model_get_item_type;
  iface->get_n_items = kb_usage_model_get_n_items;
  iface->get_item = kb_usage_model_get_item;
}

/* --- GtkSelectionModel ----------------------------------------------------- */

static gboolean
kb_usage_model_is_selected (GtkSelectionModel *model,
                            guint              position)
{
  return gtk_bitset_contains (KB_USAGE_MODEL (model)->selected, position);
}

static GtkBitset *
kb_usage_model_get_selection_in_range (GtkSelectionModel *model,
                                       guint              position,
                                       guint              n_items)
{
  return gtk_bitset_ref (KB_USAGE_MODEL (model)->selected);
}

static gboolean
kb_usage_model_set_selection (GtkSelectionModel *model,
                              GtkBitset         *selected,
                              GtkBitset         *mask)
{
  KbUsageModel *self = KB_USAGE_MODEL (model);
  g_autoptr(GtkBitset) changes = gtk_bitset_copy (self->selected);
  g_autoptr(GtkBitset) kept = gtk_bitset_copy (self->selected);
  g_autoptr(GtkBitset) added = gtk_bitset_copy (selected);

  /* selected = (selected & ~mask) | (new & mask), within the rows */
  gtk_bitset_difference (kept, mask);
  gtk_bitset_intersect (added, mask);
  gtk_bitset_union (kept, added);
  if (self->n_items < G_MAXUINT)
    gtk_bitset_remove_range (kept, self->n_items, G_MAXUINT - self->n_items);
  gtk_bitset_difference (changes, kept);
  {
    g_autoptr(GtkBitset) grown = gtk_bitset_copy (kept);

    gtk_bitset_difference (grown, self->selected);
    gtk_bitset_union (changes, grown);
  }
  gtk_bitset_unref (self->selected);
  self->selected = g_steal_pointer (&kept);

  if (!gtk_bitset_is_empty (changes))
    {
      guint first = gtk_bitset_get_minimum (changes);
      guint last = gtk_bitset_get_maximum (changes);

      gtk_selection_model_selection_changed (model, first, last - first + 1);
    }
  return TRUE;
}

static void
kb_usage_model_selection_model_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = kb_usage_model_is_selected;
  iface->get_selection_in_range = kb_usage_model_get_selection_in_range;
  iface->set_selection = kb_usage_model_set_selection;
}

/* --- GObject --------------------------------------------------------------- */

static void
kb_usage_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KbUsageModel *self = KB_USAGE_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_TOTALS_VALID:
      g_value_set_boolean (value, self->totals_valid);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kb_usage_model_dispose (GObject *object)
{
  KbUsageModel *self = KB_USAGE_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->reader);
  G_OBJECT_CLASS (kb_usage_model_parent_class)->dispose (object);
}

static void
kb_usage_model_finalize (GObject *object)
{
  KbUsageModel *self = KB_USAGE_MODEL (object);

  drop_pages (self);
  gtk_bitset_unref (self->selected);
  g_hash_table_unref (self->pages);
  g_hash_table_unref (self->pending);
  kb_usage_filter_free (self->filter);
  g_free (self->error);
  G_OBJECT_CLASS (kb_usage_model_parent_class)->finalize (object);
}

static void
kb_usage_model_class_init (KbUsageModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = kb_usage_model_get_property;
  object_class->dispose = kb_usage_model_dispose;
  object_class->finalize = kb_usage_model_finalize;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TOTALS_VALID] =
    g_param_spec_boolean ("totals-valid", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbUsageModel::loaded:
   *
   * The count and the first page of a new query arrived and the model
   * changed to them.
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kb_usage_model_init (KbUsageModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->pending = g_hash_table_new (NULL, NULL);
  self->selected = gtk_bitset_new_empty ();
  self->filter = kb_usage_filter_new ();
  self->cancellable = g_cancellable_new ();
}

KbUsageModel *
kb_usage_model_new (KbStore *reader)
{
  KbUsageModel *self = g_object_new (KB_TYPE_USAGE_MODEL, NULL);

  self->reader = g_object_ref (reader);
  return self;
}

/**
 * kb_usage_model_set_query:
 * @viewer_id: the signed-in operator: what they may see is decided by the
 *   core from their roles
 *
 * Reads the count and the first page of the new query; the model keeps
 * its old rows until they arrive, then changes in one step.
 */
void
kb_usage_model_set_query (KbUsageModel        *self,
                          gint64               viewer_id,
                          const KbUsageFilter *filter)
{
  g_return_if_fail (KB_IS_USAGE_MODEL (self));

  if (self->active && self->viewer_id == viewer_id &&
      kb_usage_filter_equal (self->filter, filter))
    return;
  kb_usage_filter_free (self->filter);
  self->filter = kb_usage_filter_copy (filter);
  self->viewer_id = viewer_id;
  self->active = TRUE;
  start_query (self);
}

/**
 * kb_usage_model_refresh:
 *
 * Reads the same query again (the register changed).
 */
void
kb_usage_model_refresh (KbUsageModel *self)
{
  g_return_if_fail (KB_IS_USAGE_MODEL (self));

  if (self->active)
    start_query (self);
}

/**
 * kb_usage_model_clear:
 *
 * Forgets every row at once (the screen locked).
 */
void
kb_usage_model_clear (KbUsageModel *self)
{
  guint old = self->n_items;

  g_return_if_fail (KB_IS_USAGE_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->active = FALSE;
  self->viewer_id = 0;
  self->n_items = 0;
  drop_pages (self);
  forget_reads (self);
  gtk_bitset_remove_all (self->selected);
  self->totals_valid = FALSE;
  set_loading (self, FALSE);
  if (old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
}

const KbUsageFilter *kb_usage_model_get_filter  (KbUsageModel *self) { return self->filter; }
gint64               kb_usage_model_get_viewer  (KbUsageModel *self) { return self->viewer_id; }
gboolean             kb_usage_model_get_loading (KbUsageModel *self) { return self->loading; }
const char          *kb_usage_model_get_error   (KbUsageModel *self) { return self->error; }

const KbUsageTotals *
kb_usage_model_get_totals (KbUsageModel *self)
{
  return self->totals_valid ? &self->totals : NULL;
}
