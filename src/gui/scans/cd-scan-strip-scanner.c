/* cd-scan-strip-scanner.c: a scanner page added to the strip: scanned in the scan dialog, fitted to the
 * profile's upload rules in a worker, then stored. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-import-fit.h"
#include "cd-scan-dialog.h"
#include "cd-scan-store.h"
#include "cd-scan-strip-private.h"
#include "cd-worker.h"

typedef struct {
  GdkPixbuf *pixbuf;
  double     dpi;
  char     **types;
  gint64     max_bytes;
  guint      n;
} FitJob;

static void
fit_job_free (gpointer data)
{
  FitJob *job = data;

  g_clear_object (&job->pixbuf);
  g_strfreev (job->types);
  g_free (job);
}

static void
fit_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  FitJob *job = task_data;
  g_autofree char *name = g_strdup_printf ("scan-%u.jpg", job->n);
  GError *error = NULL;
  CdImportCandidate *c = cd_import_reencode_to_fit (name, job->pixbuf, job->dpi, 0,
                                                    (const char *const *) job->types, job->max_bytes,
                                                    cancellable, &error);
  if (!c)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, c, (GDestroyNotify) cd_import_candidate_free);
}

static void
on_scan_fitted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanStrip) self = user_data;
  g_autoptr(CdImportCandidate) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *msg = NULL;
  gint64 app_id, id = 0;
  gboolean existing = FALSE;

  c = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  cd_scan_strip_set_busy (self, FALSE);
  if (!c)
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  if ((app_id = cd_scan_strip_ensure_application_id (self)) == 0)
    return;
  name = g_strdup_printf ("scan-%u.%s", self->n_scans + 1, c->type == CD_IMPORT_TYPE_PNG ? "png" : "jpg");
  if (!cd_scan_store_add (cd_scan_strip_get_ctx (self), app_id, self->code, c->bytes, cd_import_type_to_mime (c->type),
                          name, 0, NULL, &id, &existing, &error))
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  msg = g_strdup_printf (_("Scan attached (%u × %u)."), c->width, c->height);
  cd_scan_strip_show_status (self, FALSE, msg);
  cd_scan_strip_after_store_change (self);
}

static void
on_scan_dialog_response_cb (CdScanDialog *dialog, int response, CdScanStrip *self)
{
  CdProfile *profile = cd_draft_get_profile (self->draft);
  double dpi = 0;
  GdkPixbuf *page = response == GTK_RESPONSE_ACCEPT ? cd_scan_dialog_get_page (dialog, &dpi) : NULL;

  if (page && profile)
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_scan_fitted_cb, g_object_ref (self));
      FitJob *job = g_new0 (FitJob, 1);

      job->pixbuf = g_object_ref (page);
      job->dpi = dpi;
      job->types = g_strdupv (profile->upload_types);
      job->max_bytes = profile->upload_max_bytes;
      job->n = self->n_scans + 1;
      g_task_set_source_tag (task, on_scan_dialog_response_cb);
      g_task_set_task_data (task, job, fit_job_free);
      cd_scan_strip_set_busy (self, TRUE);
      cd_scan_strip_show_status (self, FALSE, _("Preparing the scan…"));
      g_task_run_in_thread (task, fit_thread);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_scan_clicked_cb (CdScanStrip *self)
{
  GtkWidget *dialog = cd_scan_dialog_new (cd_scan_strip_get_window (self));

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_scan_dialog_response_cb), self, 0);
  gtk_widget_show (dialog);
}

void
cd_scan_strip_scanner_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_scan_clicked_cb);
}
