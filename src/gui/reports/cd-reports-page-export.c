/* cd-reports-page-export.c: the reports page's exports. The CSV is written at once; the PDF is rendered in a
 * thread from a copy of the report, written to a temporary file beside the target, and on the main thread the
 * export is audited and the file renamed into place, so a cancelled or failed export leaves no file and no
 * audit row. Destroying the page cancels it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cd-forms.h"
#include "cd-gui-util.h"
#include "cd-reports-page-private.h"
#include "cd-worker.h"

typedef struct {
  CdReportQuery  query;
  char          *report_json;
  char          *outlet;
  char          *path;
  char          *tmp_path;     /* removed unless renamed into place */
  char          *sha256;       /* of the PDF written, for the export's audit row */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  if (job->tmp_path)
    g_unlink (job->tmp_path);
  g_free (job->tmp_path);
  g_free (job->sha256);
  g_free (job->query.from);
  g_free (job->query.to);
  g_free (job->report_json);
  g_free (job->outlet);
  g_free (job->path);
  g_free (job);
}

static gboolean
write_all (int fd, const guint8 *data, gsize len, const char *path, GError **error)
{
  for (gsize done = 0; done < len;)
    {
      gssize n = write (fd, data + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Could not write %s: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

static void
export_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  ExportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = json_from_string (job->report_json, &error);
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *dir = g_path_get_dirname (job->path);
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *tmpl = NULL;
  const guint8 *data;
  gsize len;
  int fd;

  if (!report)
    return g_task_return_error (task, g_steal_pointer (&error));
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!(pdf = cd_forms_render_report (report, job->outlet, NULL, &error)))
    return g_task_return_error (task, g_steal_pointer (&error));
  if (g_task_return_error_if_cancelled (task))
    return;
  tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  if ((fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0644)) < 0)
    {
      int saved = errno;
      return g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved),
                                      _("Could not write into the folder %s: %s"), dir, g_strerror (saved));
    }
  job->tmp_path = g_steal_pointer (&tmpl);
  data = g_bytes_get_data (pdf, &len);
  if (!write_all (fd, data, len, job->path, &error) || fsync (fd) != 0 || close (fd) != 0)
    {
      if (!error)
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), _("Could not write %s: %s"), job->path,
                     g_strerror (errno));
      return g_task_return_error (task, g_steal_pointer (&error));
    }
  job->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  g_task_return_boolean (task, TRUE);
}

/* Main thread: audit, then the file takes its name; the page shows the outcome unless it is going away. */
/* The confirmation names the whole file: it wraps rather than being cut off, the folder in its tooltip. */
static void
show_saved (CdReportsPage *self, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text = g_strdup_printf (_("Saved %s"), base);

  gtk_label_set_text (self->export_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->export_label), path);
}

static void
on_pdf_rendered_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) outer = data;
  CdReportsPage *self = CD_REPORTS_PAGE (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  gint64 rows = -1;

  if (g_task_propagate_boolean (G_TASK (result), &error)
      && (rows = cd_report_count_applications (self->ctx, &job->query, &error)) >= 0
      && cd_report_audit_export_data (self->ctx, &job->query, "pdf", rows, job->sha256, &error)
      && g_rename (job->tmp_path, job->path) != 0)
    {
      int saved = errno;
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Could not write %s: %s"), job->path,
                   g_strerror (saved));
    }
  if (!error)
    g_clear_pointer (&job->tmp_path, g_free);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled: the page may be disposed already; its widgets are not touched. */
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  g_clear_object (&self->export_cancellable);
  gtk_spinner_stop (self->export_spinner);
  if (error)
    {
      g_autofree char *text = g_strdup_printf (_("The PDF was not exported: %s"), cd_gui_error_text (error));
      cd_gui_show_error (self->error_label, text);
      gtk_label_set_text (self->export_label, "");
      g_task_return_error (outer, g_steal_pointer (&error));
    }
  else
    {
      cd_gui_show_error (self->error_label, NULL);
      show_saved (self, job->path);
      g_task_return_boolean (outer, TRUE);
    }
  cd_reports_page_update_signoff (self);
}

static void
on_pdf_exported_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  /* The page has shown the outcome (on_pdf_rendered_cb). */
  g_task_propagate_boolean (G_TASK (result), NULL);
}

/* callbacks */

static void
export_as (CdReportsPage *self, const char *format)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autoptr(GtkFileChooserNative) chooser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("report-%s.%s", gtk_entry_get_text (self->from_entry), format);

  chooser = gtk_file_chooser_native_new (_("Export the report"), GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (gtk_native_dialog_run (GTK_NATIVE_DIALOG (chooser)) == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
      if (g_str_equal (format, "pdf"))
        cd_reports_page_export_pdf_async (self, path, on_pdf_exported_cb, NULL);
      else if (!cd_reports_page_export (self, format, path, &error))
        cd_gui_show_error (self->error_label, cd_gui_error_text (error));
      else
        {
          cd_gui_show_error (self->error_label, NULL);
          show_saved (self, path);
        }
    }
}

static void
on_csv_clicked_cb (CdReportsPage *self)
{
  export_as (self, "csv");
}

static void
on_pdf_clicked_cb (CdReportsPage *self)
{
  export_as (self, "pdf");
}

void
cd_reports_page_export_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_csv_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pdf_clicked_cb);
}

/* public API */

gboolean
cd_reports_page_export (CdReportsPage *self, const char *format, const char *path, GError **error)
{
  CdReportQuery q = { 0 };
  g_autofree char *text = NULL;
  gboolean ok;

  g_return_val_if_fail (self->report != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (format, "csv") == 0, FALSE);
  cd_reports_page_read_query (self, &q);
  ok = (text = cd_report_export_csv (self->ctx, &q, error)) && g_file_set_contents (path, text, -1, error);
  g_free (q.from);
  g_free (q.to);
  return ok;
}

void
cd_reports_page_export_pdf_async (CdReportsPage *self, const char *path, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (CD_IS_REPORTS_PAGE (self));
  g_return_if_fail (path != NULL);
  outer = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (outer, cd_reports_page_export_pdf_async);
  if (!self->report)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No report is shown yet to export"));
      return;
    }
  if (self->export_cancellable)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("A PDF export is still being written; wait for it to finish"));
      return;
    }
  job = g_new0 (ExportJob, 1);
  cd_reports_page_read_query (self, &job->query);
  job->report_json = json_to_string (self->report, FALSE);   /* the thread gets its own copy */
  /* The heading names the outlet chosen (in the head office's mode, any but 全部网点). */
  if (job->query.outlet_id > 0
      || (self->central && g_strcmp0 (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->outlet_combo)),
                                      CD_REPORTS_ALL_OUTLETS) != 0))
    job->outlet = gtk_combo_box_text_get_active_text (self->outlet_combo);
  job->path = g_strdup (path);
  self->export_cancellable = g_cancellable_new ();
  gtk_spinner_start (self->export_spinner);
  gtk_label_set_text (self->export_label, _("Writing the PDF…"));
  cd_reports_page_update_signoff (self);
  task = g_task_new (self, self->export_cancellable, on_pdf_rendered_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, export_thread);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

gboolean
cd_reports_page_export_pdf_finish (CdReportsPage *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
