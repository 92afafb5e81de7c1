/* cd-scan-viewer.c: a stored scan at full size. The picture is read, hash-checked and decoded by the scan
 * store in a worker; zoom and rotation are cairo transforms of one image surface, so they cost no decode. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-scan-viewer.h"

#define ZOOM_STEP 1.25
#define ZOOM_MIN  0.05
#define ZOOM_MAX  8.0

struct _CdScanViewer {
  GtkWindow        parent_instance;

  GCancellable    *cancellable;
  GdkPixbuf       *picture;
  cairo_surface_t *surface;
  double           zoom;        /* 0 until the picture is shown: fit it then */
  guint            rotation;    /* 0, 90, 180, 270 (clockwise) */

  GtkHeaderBar      *header;
  GtkLabel          *zoom_label;
  GtkStack          *stack;
  GtkLabel          *error_label;
  GtkScrolledWindow *scroller;
  GtkDrawingArea    *area;
};

G_DEFINE_FINAL_TYPE (CdScanViewer, cd_scan_viewer, GTK_TYPE_WINDOW)

static void
rotated_size (CdScanViewer *self, int *w, int *h)
{
  int pw = gdk_pixbuf_get_width (self->picture), ph = gdk_pixbuf_get_height (self->picture);

  *w = self->rotation % 180 ? ph : pw;
  *h = self->rotation % 180 ? pw : ph;
}

static void
apply_zoom (CdScanViewer *self, double zoom)
{
  g_autofree char *text = NULL;
  int w, h;

  if (!self->picture)
    return;
  self->zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  rotated_size (self, &w, &h);
  gtk_widget_set_size_request (GTK_WIDGET (self->area), MAX (1, (int) (w * self->zoom)),
                               MAX (1, (int) (h * self->zoom)));
  text = g_strdup_printf ("%.0f%%", self->zoom * 100);
  gtk_label_set_text (self->zoom_label, text);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static double
fit_zoom (CdScanViewer *self)
{
  int w, h, aw, ah;

  rotated_size (self, &w, &h);
  aw = gtk_widget_get_allocated_width (GTK_WIDGET (self->scroller));
  ah = gtk_widget_get_allocated_height (GTK_WIDGET (self->scroller));
  if (aw <= 1 || ah <= 1)
    {
      gtk_window_get_size (GTK_WINDOW (self), &aw, &ah);
      ah -= 50;
    }
  return MIN (1.0, MIN ((double) (aw - 4) / w, (double) (ah - 4) / h));
}

/* callbacks */

static gboolean
on_area_draw_cb (CdScanViewer *self, cairo_t *cr)
{
  int w, h;

  if (!self->surface)
    return FALSE;
  rotated_size (self, &w, &h);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, w / 2.0, h / 2.0);
  cairo_rotate (cr, self->rotation * G_PI / 180.0);
  cairo_translate (cr, -gdk_pixbuf_get_width (self->picture) / 2.0, -gdk_pixbuf_get_height (self->picture) / 2.0);
  cairo_set_source_surface (cr, self->surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), self->zoom < 1 ? CAIRO_FILTER_GOOD : CAIRO_FILTER_FAST);
  cairo_paint (cr);
  return FALSE;
}

static void
on_zoom_in_cb (CdScanViewer *self)
{
  apply_zoom (self, self->zoom * ZOOM_STEP);
}

static void
on_zoom_out_cb (CdScanViewer *self)
{
  apply_zoom (self, self->zoom / ZOOM_STEP);
}

static void
on_zoom_fit_cb (CdScanViewer *self)
{
  if (self->picture)
    apply_zoom (self, fit_zoom (self));
}

static void
on_rotate_left_cb (CdScanViewer *self)
{
  self->rotation = (self->rotation + 270) % 360;
  apply_zoom (self, self->zoom);
}

static void
on_rotate_right_cb (CdScanViewer *self)
{
  self->rotation = (self->rotation + 90) % 360;
  apply_zoom (self, self->zoom);
}

static void
on_picture_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf = cd_scan_store_load_picture_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->cancellable)
    {
      g_clear_object (&pixbuf);
      return;
    }
  if (!pixbuf)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  self->picture = pixbuf;
  self->surface = gdk_cairo_surface_create_from_pixbuf (pixbuf, 1, NULL);
  gtk_stack_set_visible_child_name (self->stack, "picture");
  apply_zoom (self, fit_zoom (self));
}

/* class */

static void
cd_scan_viewer_dispose (GObject *object)
{
  CdScanViewer *self = CD_SCAN_VIEWER (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_object (&self->picture);
  G_OBJECT_CLASS (cd_scan_viewer_parent_class)->dispose (object);
}

static void
cd_scan_viewer_class_init (CdScanViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cd_scan_viewer_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-scan-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, CdScanViewer, header);
  gtk_widget_class_bind_template_child (widget_class, CdScanViewer, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, CdScanViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, CdScanViewer, error_label);
  gtk_widget_class_bind_template_child (widget_class, CdScanViewer, scroller);
  gtk_widget_class_bind_template_child (widget_class, CdScanViewer, area);
  gtk_widget_class_bind_template_callback (widget_class, on_area_draw_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_out_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zoom_fit_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rotate_left_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rotate_right_cb);
}

static void
cd_scan_viewer_init (CdScanViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->zoom = 1.0;
}

GtkWidget *
cd_scan_viewer_new (GtkWindow *parent, CdContext *ctx, const CdScanInfo *info)
{
  CdScanViewer *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (CD_TYPE_SCAN_VIEWER, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  title = info->page ? g_strdup_printf (_("%s, page %u"), info->original_name ? info->original_name : "", info->page)
                     : g_strdup (info->original_name ? info->original_name : _("Scan"));
  gtk_header_bar_set_title (self->header, title);
  cd_scan_store_load_picture_async (ctx, info, self->cancellable, on_picture_loaded_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}

GdkPixbuf *
cd_scan_viewer_get_picture (CdScanViewer *self)
{
  g_return_val_if_fail (CD_IS_SCAN_VIEWER (self), NULL);
  return self->picture;
}

double
cd_scan_viewer_get_zoom (CdScanViewer *self)
{
  g_return_val_if_fail (CD_IS_SCAN_VIEWER (self), 0);
  return self->zoom;
}

guint
cd_scan_viewer_get_rotation (CdScanViewer *self)
{
  g_return_val_if_fail (CD_IS_SCAN_VIEWER (self), 0);
  return self->rotation;
}
