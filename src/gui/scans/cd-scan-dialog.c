/* cd-scan-dialog.c: one page from a SANE scanner. Every SANE call runs on CdScanner's own thread; the
 * preview is scaled in a worker, so nothing here decodes or blocks the main loop. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-scan-dialog.h"
#include "cd-scanner.h"
#include "cd-worker.h"

#define PREVIEW_W 360
#define PREVIEW_H 480

struct _CdScanDialog {
  GtkDialog        parent_instance;

  CdScanner       *scanner;
  GCancellable    *cancellable;
  GdkPixbuf       *page;
  double           dpi;
  int              n_devices;
  gboolean         busy;

  GtkComboBoxText *device_combo;
  GtkButton       *refresh_button;
  GtkComboBoxText *dpi_combo;
  GtkComboBoxText *mode_combo;
  GtkButton       *preview_button;
  GtkButton       *scan_button;
  GtkProgressBar  *progress;
  GtkLabel        *status_label;
  GtkImage        *preview_image;
};

G_DEFINE_FINAL_TYPE (CdScanDialog, cd_scan_dialog, GTK_TYPE_DIALOG)

static void
set_busy (CdScanDialog *self, gboolean busy)
{
  gboolean ready = !busy && self->n_devices > 0;

  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->preview_button), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scan_button), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_combo), !busy);
  if (!busy)
    gtk_progress_bar_set_fraction (self->progress, 0);
}

static void
read_settings (CdScanDialog *self, CdScanSettings *settings, gboolean preview)
{
  const char *dpi = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->dpi_combo));
  const char *mode = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->mode_combo));

  settings->dpi = preview ? 0 : (dpi ? (guint) g_ascii_strtoull (dpi, NULL, 10) : 300);
  settings->mode = g_strcmp0 (mode, "gray") == 0 ? CD_SCAN_MODE_GRAY : CD_SCAN_MODE_COLOR;
  settings->preview = preview;
}

/* callbacks */

static void
on_devices_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanDialog) self = user_data;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  devices = cd_scanner_list_devices_finish (CD_SCANNER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->scanner)
    return;
  gtk_combo_box_text_remove_all (self->device_combo);
  self->n_devices = devices ? (int) devices->len : 0;
  for (guint i = 0; devices && i < devices->len; i++)
    {
      CdScanDevice *d = devices->pdata[i];
      g_autofree char *label = g_strdup_printf ("%s %s (%s)", d->vendor ? d->vendor : "", d->model ? d->model : "",
                                                d->name);
      gtk_combo_box_text_append (self->device_combo, d->name, label);
    }
  if (self->n_devices > 0)
    {
      gtk_combo_box_set_active (GTK_COMBO_BOX (self->device_combo), 0);
      gtk_label_set_text (self->status_label, _("Put the document on the glass, then Preview or Scan."));
    }
  else
    gtk_label_set_text (self->status_label,
                        error ? error->message
                              : _("No scanner found. Check that it is switched on and connected, then look again."));
  set_busy (self, FALSE);
}

static void
list_devices (CdScanDialog *self)
{
  self->n_devices = -1;
  set_busy (self, TRUE);
  gtk_label_set_text (self->status_label, _("Looking for scanners…"));
  cd_scanner_list_devices_async (self->scanner, self->cancellable, on_devices_cb, g_object_ref (self));
}

static void
on_progress_cb (double fraction, gpointer user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(CdScanDialog) self = g_weak_ref_get (ref);

  if (self)
    gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0, 1));
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
scale_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  GdkPixbuf *page = task_data;
  int w = gdk_pixbuf_get_width (page), h = gdk_pixbuf_get_height (page);
  double s = MIN (1.0, MIN ((double) PREVIEW_W / w, (double) PREVIEW_H / h));

  g_task_return_pointer (task, gdk_pixbuf_scale_simple (page, MAX (1, (int) (w * s)), MAX (1, (int) (h * s)),
                                                        GDK_INTERP_BILINEAR), g_object_unref);
}

static void
on_preview_scaled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanDialog) self = user_data;
  g_autoptr(GdkPixbuf) small = g_task_propagate_pointer (G_TASK (result), NULL);

  if (small && self->scanner)
    gtk_image_set_from_pixbuf (self->preview_image, small);
}

static void
show_preview (CdScanDialog *self, GdkPixbuf *page)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_preview_scaled_cb, g_object_ref (self));

  g_task_set_source_tag (task, show_preview);
  g_task_set_task_data (task, g_object_ref (page), g_object_unref);
  g_task_run_in_thread (task, scale_thread);
}

static void
scanned (GObject *source, GAsyncResult *result, CdScanDialog *self, gboolean preview)
{
  g_autoptr(GdkPixbuf) page = NULL;
  g_autoptr(GError) error = NULL;
  double dpi = 0;

  page = cd_scanner_scan_finish (CD_SCANNER (source), result, &dpi, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->scanner)
    return;
  set_busy (self, FALSE);
  if (!page)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  show_preview (self, page);
  if (preview)
    {
      gtk_label_set_text (self->status_label, _("Preview ready. Adjust the document if needed, then Scan."));
      return;
    }
  g_set_object (&self->page, page);
  self->dpi = dpi;
  gtk_label_set_text (self->status_label, _("Scanned."));
  gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_ACCEPT);
}

static void
on_previewed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanDialog) self = user_data;

  scanned (source, result, self, TRUE);
}

static void
on_scanned_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanDialog) self = user_data;

  scanned (source, result, self, FALSE);
}

static void
start_scan (CdScanDialog *self, gboolean preview)
{
  const char *device = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->device_combo));
  CdScanSettings settings;
  GWeakRef *ref;

  if (!device || self->busy)
    return;
  read_settings (self, &settings, preview);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  set_busy (self, TRUE);
  gtk_label_set_text (self->status_label, preview ? _("Previewing…") : _("Scanning…"));
  cd_scanner_scan_async (self->scanner, device, &settings, on_progress_cb, ref, weak_ref_free, self->cancellable,
                         preview ? on_previewed_cb : on_scanned_cb, g_object_ref (self));
}

static void
on_preview_clicked_cb (CdScanDialog *self)
{
  start_scan (self, TRUE);
}

static void
on_scan_clicked_cb (CdScanDialog *self)
{
  start_scan (self, FALSE);
}

static void
on_refresh_clicked_cb (CdScanDialog *self)
{
  list_devices (self);
}

static void
on_close_clicked_cb (CdScanDialog *self)
{
  gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_CANCEL);
}

static void
on_response_cb (CdScanDialog *self, int response)
{
  /* Closing while the scanner works stops it (sane_cancel through the cancellable). */
  if (response != GTK_RESPONSE_ACCEPT && self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

/* class */

static void
cd_scan_dialog_dispose (GObject *object)
{
  CdScanDialog *self = CD_SCAN_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scanner);
  g_clear_object (&self->page);
  G_OBJECT_CLASS (cd_scan_dialog_parent_class)->dispose (object);
}

static void
cd_scan_dialog_class_init (CdScanDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cd_scan_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-scan-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, device_combo);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, dpi_combo);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, mode_combo);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, preview_button);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, scan_button);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, CdScanDialog, preview_image);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_response_cb);
}

static void
cd_scan_dialog_init (CdScanDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->scanner = cd_scanner_new ();
  list_devices (self);
}

GtkWidget *
cd_scan_dialog_new (GtkWindow *parent)
{
  return g_object_new (CD_TYPE_SCAN_DIALOG, "transient-for", parent, "destroy-with-parent", TRUE,
                       "use-header-bar", FALSE, NULL);
}

GdkPixbuf *
cd_scan_dialog_get_page (CdScanDialog *self, double *out_dpi)
{
  g_return_val_if_fail (CD_IS_SCAN_DIALOG (self), NULL);
  if (out_dpi)
    *out_dpi = self->dpi;
  return self->page;
}

int
cd_scan_dialog_get_n_devices (CdScanDialog *self)
{
  g_return_val_if_fail (CD_IS_SCAN_DIALOG (self), -1);
  return self->n_devices;
}

gboolean
cd_scan_dialog_is_busy (CdScanDialog *self)
{
  g_return_val_if_fail (CD_IS_SCAN_DIALOG (self), FALSE);
  return self->busy;
}
