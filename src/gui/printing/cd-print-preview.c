/* cd-print-preview.c: thumbnails and the page view are rendered by poppler in a worker thread (a document
 * of its own, opened from the same PDF bytes: poppler documents are not for two threads at once, and the
 * print operation uses the main thread's), so a long set or a high zoom never stalls a frame. The page view
 * caches one rendered surface for the current page and zoom and shows a blank sheet until it arrives. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-print-operation.h"
#include "cd-print-preview.h"
#include "cd-worker.h"

#define THUMB_WIDTH 96
#define ZOOM_MIN    0.25
#define ZOOM_MAX    4.0
#define PAGE_MARGIN 16

struct _CdPrintPreview {
  GtkBox           parent_instance;

  GtkListBox      *thumb_list;
  GtkStack        *view_stack;
  GtkLabel        *message_label;
  GtkScrolledWindow *page_scroller;
  GtkDrawingArea  *page_area;
  GtkLabel        *page_label;
  GtkLabel        *zoom_label;
  GtkToggleButton *fit_button;

  PopplerDocument *document;
  int              page;
  double           zoom;        /* the zoom in use */
  gboolean         fit_width;
  cairo_surface_t *cache;       /* current page at cache_zoom */
  int              cache_page;
  double           cache_zoom;
  guint            thumb_idle;  /* main-thread fallback for a document without its bytes */
  int              next_thumb;
  GCancellable    *cancellable; /* the document's worker jobs */
  gboolean         thumbs_pending;
  gboolean         page_pending;
  int              pending_page;
  double           pending_zoom;
};

G_DEFINE_FINAL_TYPE (CdPrintPreview, cd_print_preview, GTK_TYPE_BOX)

static gboolean
page_size (CdPrintPreview *self, int n, double *w, double *h)
{
  g_autoptr(CdPopplerPage) page = NULL;

  if (!self->document || !(page = poppler_document_get_page (self->document, n)))
    return FALSE;
  poppler_page_get_size (page, w, h);
  return *w > 0 && *h > 0;
}

static cairo_surface_t *
render_page (PopplerDocument *doc, int n, double scale)
{
  g_autoptr(CdPopplerPage) page = poppler_document_get_page (doc, n);
  cairo_surface_t *surface;
  cairo_t *cr;
  double w, h;

  if (!page)
    return NULL;
  poppler_page_get_size (page, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, MAX (1, (int) (w * scale)), MAX (1, (int) (h * scale)));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  return surface;
}

/* ---- the worker ---- */

typedef struct {
  GBytes *pdf;
  int     page;    /* -1: every page's thumbnail */
  double  scale;   /* the page's, or the thumbnail width for thumbnails */
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_bytes_unref (job->pdf);
  g_free (job);
}

static void
surfaces_free (GPtrArray *surfaces)
{
  g_ptr_array_unref (surfaces);
}

static void
render_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  RenderJob *job = task_data;
  g_autoptr(CdPopplerDocument) doc = NULL;
  GError *error = NULL;
  GPtrArray *surfaces;
  int n;

  if (!(doc = poppler_document_new_from_bytes (job->pdf, NULL, &error)))
    return g_task_return_error (task, error);
  n = poppler_document_get_n_pages (doc);
  surfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  for (int i = job->page < 0 ? 0 : job->page; i < (job->page < 0 ? n : job->page + 1); i++)
    {
      g_autoptr(CdPopplerPage) page = poppler_document_get_page (doc, i);
      double w = 0, h = 0;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (page)
        poppler_page_get_size (page, &w, &h);
      g_ptr_array_add (surfaces, w > 0 ? render_page (doc, i, job->page < 0 ? job->scale / w : job->scale) : NULL);
    }
  if (g_task_return_error_if_cancelled (task))
    g_ptr_array_unref (surfaces);
  else
    g_task_return_pointer (task, surfaces, (GDestroyNotify) surfaces_free);
}

static void
start_job (CdPrintPreview *self, int page, double scale, GAsyncReadyCallback done)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, done, NULL);
  RenderJob *job = g_new0 (RenderJob, 1);

  job->pdf = g_bytes_ref (g_object_get_data (G_OBJECT (self->document), CD_PRINT_PDF_BYTES_KEY));
  job->page = page;
  job->scale = scale;
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_set_source_tag (task, start_job);
  g_task_run_in_thread (task, render_thread);
}

static void
on_thumbs_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) surfaces = g_task_propagate_pointer (G_TASK (result), &error);
  CdPrintPreview *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another document, or the preview is gone */
  self = CD_PRINT_PREVIEW (source);
  self->thumbs_pending = FALSE;
  if (!surfaces)
    {
      g_warning ("Rendering the page thumbnails failed: %s", error->message);
      return;
    }
  for (guint i = 0; i < surfaces->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->thumb_list, (int) i);
      GtkWidget *image = row ? g_object_get_data (G_OBJECT (row), "image") : NULL;

      if (image && surfaces->pdata[i])
        {
          gtk_image_set_from_surface (GTK_IMAGE (image), surfaces->pdata[i]);
          gtk_widget_set_size_request (image, -1, -1);
        }
    }
}

static void
on_page_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) surfaces = g_task_propagate_pointer (G_TASK (result), &error);
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  CdPrintPreview *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CD_PRINT_PREVIEW (source);
  self->page_pending = FALSE;
  if (surfaces && surfaces->len == 1 && surfaces->pdata[0])
    {
      g_clear_pointer (&self->cache, cairo_surface_destroy);
      self->cache = cairo_surface_reference (surfaces->pdata[0]);
      self->cache_page = job->page;
      self->cache_zoom = job->scale;
    }
  else if (error)
    g_warning ("Rendering page %d failed: %s", job->page + 1, error->message);
  gtk_widget_queue_draw (GTK_WIDGET (self->page_area));   /* draws it, or asks for the page now wanted */
}

static gboolean
has_bytes (CdPrintPreview *self)
{
  return self->document && g_object_get_data (G_OBJECT (self->document), CD_PRINT_PDF_BYTES_KEY) != NULL;
}

static void
update_labels (CdPrintPreview *self)
{
  int n = self->document ? poppler_document_get_n_pages (self->document) : 0;
  g_autofree char *page = n ? g_strdup_printf (_("Page %d of %d"), self->page + 1, n) : g_strdup ("");
  g_autofree char *zoom = g_strdup_printf ("%.0f %%", self->zoom * 100);

  gtk_label_set_text (self->page_label, page);
  gtk_label_set_text (self->zoom_label, zoom);
}

static void
update_page_size (CdPrintPreview *self)
{
  double w = 0, h = 0;

  if (self->fit_width && page_size (self, self->page, &w, &h))
    {
      int avail = gtk_widget_get_allocated_width (GTK_WIDGET (self->page_scroller)) - 2 * PAGE_MARGIN;
      if (avail > 50)
        self->zoom = CLAMP (avail / w, ZOOM_MIN, ZOOM_MAX);
    }
  /* Fitting the width asks for no width at all: the sheet takes the view's width whatever it was before. */
  if (page_size (self, self->page, &w, &h))
    gtk_widget_set_size_request (GTK_WIDGET (self->page_area),
                                 self->fit_width ? -1 : (int) (w * self->zoom) + 2 * PAGE_MARGIN,
                                 (int) (h * self->zoom) + 2 * PAGE_MARGIN);
  else
    gtk_widget_set_size_request (GTK_WIDGET (self->page_area), -1, -1);
  update_labels (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->page_area));
}

static GtkWidget *
thumb_row_new (int n)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *image = gtk_image_new ();
  g_autofree char *text = g_strdup_printf ("%d", n + 1);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *row = gtk_list_box_row_new ();
  g_autofree char *name = g_strdup_printf ("thumb_%d", n);

  gtk_widget_set_size_request (image, THUMB_WIDTH, (int) (THUMB_WIDTH * 1.414));
  gtk_style_context_add_class (gtk_widget_get_style_context (image), "cd-thumbnail");
  gtk_box_pack_start (GTK_BOX (box), image, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), label, FALSE, FALSE, 0);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_container_add (GTK_CONTAINER (row), box);
  gtk_widget_set_name (row, name);
  g_object_set_data (G_OBJECT (row), "image", image);
  gtk_widget_show_all (row);
  return row;
}

static gboolean
render_next_thumb_cb (gpointer data)
{
  CdPrintPreview *self = data;
  GtkListBoxRow *row;
  cairo_surface_t *surface;
  double w, h;

  if (!self->document || !(row = gtk_list_box_get_row_at_index (self->thumb_list, self->next_thumb))
      || !page_size (self, self->next_thumb, &w, &h))
    {
      self->thumb_idle = 0;
      return G_SOURCE_REMOVE;
    }
  if ((surface = render_page (self->document, self->next_thumb, THUMB_WIDTH / w)))
    {
      GtkWidget *image = g_object_get_data (G_OBJECT (row), "image");
      gtk_image_set_from_surface (GTK_IMAGE (image), surface);
      gtk_widget_set_size_request (image, -1, -1);
      cairo_surface_destroy (surface);
    }
  self->next_thumb++;
  return G_SOURCE_CONTINUE;
}

/* callbacks */

static gboolean
on_page_draw_cb (CdPrintPreview *self, cairo_t *cr)
{
  int aw = gtk_widget_get_allocated_width (GTK_WIDGET (self->page_area));
  double w, h, x;

  if (!page_size (self, self->page, &w, &h))
    return FALSE;
  if (self->fit_width && aw > 2 * PAGE_MARGIN + 50
      && self->zoom != CLAMP ((aw - 2 * PAGE_MARGIN) / w, ZOOM_MIN, ZOOM_MAX))
    {
      self->zoom = CLAMP ((aw - 2 * PAGE_MARGIN) / w, ZOOM_MIN, ZOOM_MAX);
      update_labels (self);
    }
  if (!self->cache || self->cache_page != self->page || self->cache_zoom != self->zoom)
    {
      if (!has_bytes (self))
        {
          g_clear_pointer (&self->cache, cairo_surface_destroy);
          self->cache = render_page (self->document, self->page, self->zoom);
          self->cache_page = self->page;
          self->cache_zoom = self->zoom;
        }
      else if (!self->page_pending)
        {
          /* one job at a time: when it comes back, the draw it queues asks for what is wanted then */
          self->page_pending = TRUE;
          start_job (self, self->page, self->zoom, on_page_rendered_cb);
        }
    }
  x = MAX (PAGE_MARGIN, (aw - w * self->zoom) / 2);
  cairo_set_source_rgb (cr, 0.82, 0.83, 0.85);
  cairo_paint (cr);
  /* A sheet on a grey desk, with a soft edge. */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_rectangle (cr, x + 2, PAGE_MARGIN + 2, (int) (w * self->zoom), (int) (h * self->zoom));
  cairo_fill (cr);
  if (self->cache && self->cache_page == self->page && self->cache_zoom == self->zoom)
    cairo_set_source_surface (cr, self->cache, (int) x, PAGE_MARGIN);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);   /* a blank sheet until the page arrives */
  if (self->cache && self->cache_page == self->page && self->cache_zoom == self->zoom)
    cairo_paint (cr);
  else
    {
      cairo_rectangle (cr, (int) x, PAGE_MARGIN, (int) (w * self->zoom), (int) (h * self->zoom));
      cairo_fill (cr);
    }
  return TRUE;
}

static void
on_scroller_size_allocate_cb (CdPrintPreview *self)
{
  double before = self->zoom;

  if (!self->fit_width)
    return;
  update_page_size (self);
  if (before != self->zoom)
    gtk_widget_queue_resize (GTK_WIDGET (self->page_area));
}

static void
on_thumb_selected_cb (CdPrintPreview *self, GtkListBoxRow *row)
{
  if (row && gtk_list_box_row_get_index (row) != self->page)
    cd_print_preview_set_page (self, gtk_list_box_row_get_index (row));
}

static void
on_zoom_in_cb (CdPrintPreview *self)
{
  cd_print_preview_set_zoom (self, MIN (ZOOM_MAX, self->zoom * 1.25));
}

static void
on_zoom_out_cb (CdPrintPreview *self)
{
  cd_print_preview_set_zoom (self, MAX (ZOOM_MIN, self->zoom / 1.25));
}

static void
on_fit_toggled_cb (CdPrintPreview *self)
{
  if (gtk_toggle_button_get_active (self->fit_button) != self->fit_width)
    cd_print_preview_set_zoom (self, gtk_toggle_button_get_active (self->fit_button) ? 0 : self->zoom);
}

static gboolean
on_page_scroll_cb (CdPrintPreview *self, GdkEventScroll *event)
{
  double dx, dy;

  if (!(event->state & GDK_CONTROL_MASK))
    return GDK_EVENT_PROPAGATE;
  if (event->direction == GDK_SCROLL_UP || (gdk_event_get_scroll_deltas ((GdkEvent *) event, &dx, &dy) && dy < 0))
    on_zoom_in_cb (self);
  else
    on_zoom_out_cb (self);
  return GDK_EVENT_STOP;
}

/* vfuncs */

static void
cd_print_preview_dispose (GObject *object)
{
  CdPrintPreview *self = CD_PRINT_PREVIEW (object);

  g_clear_handle_id (&self->thumb_idle, g_source_remove);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->document);
  G_OBJECT_CLASS (cd_print_preview_parent_class)->dispose (object);
}

static void
cd_print_preview_class_init (CdPrintPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cd_print_preview_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-print-preview.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdPrintPreview, name)
  BIND (thumb_list); BIND (view_stack); BIND (message_label); BIND (page_scroller); BIND (page_area);
  BIND (page_label); BIND (zoom_label); BIND (fit_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_page_draw_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_scroller_size_allocate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_thumb_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_out_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_fit_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_page_scroll_cb);
}

static void
cd_print_preview_init (CdPrintPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->zoom = 1.0;
  self->fit_width = TRUE;
  self->cache_page = -1;
  self->cancellable = g_cancellable_new ();
  gtk_widget_add_events (GTK_WIDGET (self->page_area), GDK_SCROLL_MASK | GDK_SMOOTH_SCROLL_MASK);
  update_labels (self);
}

/* public API */

CdPrintPreview *
cd_print_preview_new (void)
{
  return g_object_new (CD_TYPE_PRINT_PREVIEW, NULL);
}

void
cd_print_preview_set_message (CdPrintPreview *self, const char *message)
{
  g_return_if_fail (CD_IS_PRINT_PREVIEW (self));
  gtk_label_set_text (self->message_label, message ? message : "");
  if (!self->document)
    gtk_stack_set_visible_child_name (self->view_stack, "message");
}

void
cd_print_preview_set_document (CdPrintPreview *self, PopplerDocument *document)
{
  int n;

  g_return_if_fail (CD_IS_PRINT_PREVIEW (self));
  g_clear_handle_id (&self->thumb_idle, g_source_remove);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->thumbs_pending = self->page_pending = FALSE;
  g_set_object (&self->document, document);
  cd_gui_container_clear (GTK_CONTAINER (self->thumb_list));
  self->page = 0;
  self->next_thumb = 0;
  n = document ? poppler_document_get_n_pages (document) : 0;
  for (int i = 0; i < n; i++)
    gtk_list_box_insert (self->thumb_list, thumb_row_new (i), -1);
  if (n)
    {
      gtk_list_box_select_row (self->thumb_list, gtk_list_box_get_row_at_index (self->thumb_list, 0));
      if (has_bytes (self))
        {
          self->thumbs_pending = TRUE;
          start_job (self, -1, THUMB_WIDTH, on_thumbs_rendered_cb);
        }
      else
        self->thumb_idle = g_idle_add_full (G_PRIORITY_LOW, render_next_thumb_cb, self, NULL);
      gtk_stack_set_visible_child_name (self->view_stack, "page");
    }
  else
    gtk_stack_set_visible_child_name (self->view_stack, "message");
  update_page_size (self);
}

PopplerDocument *
cd_print_preview_get_document (CdPrintPreview *self)
{
  g_return_val_if_fail (CD_IS_PRINT_PREVIEW (self), NULL);
  return self->document;
}

void
cd_print_preview_set_page (CdPrintPreview *self, int page)
{
  GtkListBoxRow *row;

  g_return_if_fail (CD_IS_PRINT_PREVIEW (self));
  if (!self->document || page < 0 || page >= poppler_document_get_n_pages (self->document))
    return;
  self->page = page;
  row = gtk_list_box_get_row_at_index (self->thumb_list, page);
  if (row && gtk_list_box_get_selected_row (self->thumb_list) != row)
    gtk_list_box_select_row (self->thumb_list, row);
  update_page_size (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->page_scroller), 0);
}

int
cd_print_preview_get_page (CdPrintPreview *self)
{
  g_return_val_if_fail (CD_IS_PRINT_PREVIEW (self), 0);
  return self->page;
}

void
cd_print_preview_set_zoom (CdPrintPreview *self, double zoom)
{
  g_return_if_fail (CD_IS_PRINT_PREVIEW (self));
  self->fit_width = zoom <= 0;
  if (!self->fit_width)
    self->zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  if (gtk_toggle_button_get_active (self->fit_button) != self->fit_width)
    gtk_toggle_button_set_active (self->fit_button, self->fit_width);
  update_page_size (self);
}

double
cd_print_preview_get_zoom (CdPrintPreview *self)
{
  g_return_val_if_fail (CD_IS_PRINT_PREVIEW (self), 1.0);
  return self->zoom;
}

gboolean
cd_print_preview_is_rendering (CdPrintPreview *self)
{
  g_return_val_if_fail (CD_IS_PRINT_PREVIEW (self), FALSE);
  if (!self->document)
    return FALSE;
  return self->thumbs_pending || self->page_pending || self->thumb_idle != 0
         || (gtk_widget_get_mapped (GTK_WIDGET (self->page_area))
             && (!self->cache || self->cache_page != self->page || self->cache_zoom != self->zoom));
}
