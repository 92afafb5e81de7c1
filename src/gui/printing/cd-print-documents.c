/* cd-print-documents.c: rendering one application's forms (libcd-forms, in its worker thread) for the
 * preview, and the print run followed by its record. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-application-store.h"
#include "cd-clerk-store.h"
#include "cd-print-documents.h"
#include "cd-print-preview.h"
#include "cd-print-operation.h"
#include "cd-print-set.h"
#include "cd-print-store.h"

#define SCHEMA_ID "org.certdesk.CertDesk"

void
cd_print_setup_load (CdPrintSetup *setup)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *mode = g_settings_get_string (settings, "print-copy-mode");

  setup->mode = g_str_equal (mode, "carbonless") ? CD_FORMS_COPY_CARBONLESS : CD_FORMS_COPY_PLAIN;
  setup->offset_x_mm = g_settings_get_double (settings, "carbonless-offset-x");
  setup->offset_y_mm = g_settings_get_double (settings, "carbonless-offset-y");
}

void
cd_print_setup_save_mode (CdFormsCopyMode mode)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_set_string (settings, "print-copy-mode", mode == CD_FORMS_COPY_CARBONLESS ? "carbonless" : "plain");
}

char *
cd_print_format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
}

const char *
cd_print_document_label (const char *name)
{
  return cd_forms_document_label (name);
}

typedef struct {
  CdApplication *app;
  CdProfile     *profile;
  GStrv          documents;
} RenderData;

static void
render_data_free (RenderData *d)
{
  g_clear_pointer (&d->app, cd_application_free);
  g_clear_pointer (&d->profile, cd_profile_unref);
  g_strfreev (d->documents);
  g_free (d);
}

static void
on_forms_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  RenderData *d = g_task_get_task_data (task);
  g_auto(CdFormsInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  GBytes *pdf = cd_forms_render_finish (result, &info, &error);

  if (!pdf)
    return g_task_return_error (task, g_steal_pointer (&error));
  g_strfreev (d->documents);
  d->documents = g_new0 (char *, info.documents->len + 1);
  for (guint i = 0; i < info.documents->len; i++)
    d->documents[i] = g_strdup (((CdFormsDocInfo *) info.documents->pdata[i])->name);
  g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

/* A receipt printed a second time is marked 补打 on the page. */
static gboolean
receipt_printed_before (CdContext *ctx, gint64 id)
{
  g_autoptr(GPtrArray) records = cd_print_store_list (ctx, id, NULL);

  for (guint i = 0; records && i < records->len; i++)
    if (g_strcmp0 (((CdPrintRecord *) records->pdata[i])->document, "receipt") == 0)
      return TRUE;
  return FALSE;
}

void
cd_print_documents_render_async (CdContext *ctx, gint64 id, const CdPrintSetup *setup, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdOutlet) outlet = NULL;
  g_autoptr(CdClerk) clerk = NULL;
  g_autofree char *accepted_by = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  g_auto(GStrv) documents = NULL;
  RenderData *d = g_new0 (RenderData, 1);
  CdFormsRequest req = { 0 };
  CdProfile *profile;

  g_task_set_source_tag (task, cd_print_documents_render_async);
  g_task_set_task_data (task, d, (GDestroyNotify) render_data_free);
  if (!cd_application_store_load (ctx, id, &d->app, &info, &error)
      || !(profile = cd_context_lookup_profile (ctx, d->app->profile, &error)))
    return g_task_return_error (task, g_steal_pointer (&error));
  d->profile = cd_profile_ref (profile);
  /* What this business needs, and the receipt at the one effective price (local prices included), as the
   * fee step took it: the same function certdesk-cli forms and the print record use. */
  if (!(documents = cd_print_set_documents (ctx, profile, d->app, &quote, &error)))
    return g_task_return_error (task, g_steal_pointer (&error));
  outlet = cd_clerk_store_get_outlet (ctx, NULL);
  /* The form names the clerk who accepted the application, whoever prints it; the signed-in one otherwise. */
  accepted_by = cd_print_store_dup_accepting_clerk (ctx, id, NULL);
  if (!accepted_by && cd_context_get_clerk_id (ctx) > 0)
    clerk = cd_clerk_store_lookup (ctx, cd_context_get_clerk_id (ctx), NULL);

  req.application = d->app;
  req.profile = d->profile;
  req.number = info->number;
  req.outlet = outlet ? outlet->name : NULL;
  req.clerk = accepted_by ? accepted_by : clerk ? clerk->name : NULL;
  req.copy_mode = setup->mode;
  req.offset_x_mm = setup->offset_x_mm;
  req.offset_y_mm = setup->offset_y_mm;
  req.data_dir = cd_context_get_data_dir (ctx);
  req.quote = quote;
  req.reprint = receipt_printed_before (ctx, id);
  /* The request is copied by the async variant: outlet, clerk and quote may go now. */
  cd_forms_render_async (&req, (const char *const *) documents, cancellable, on_forms_rendered_cb,
                         g_steal_pointer (&task));
}

PopplerDocument *
cd_print_documents_render_finish (GAsyncResult *result, GBytes **out_pdf, GStrv *out_documents, GError **error)
{
  RenderData *d;
  g_autoptr(GBytes) pdf = NULL;
  PopplerDocument *doc;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  if (!(pdf = g_task_propagate_pointer (G_TASK (result), error)))
    return NULL;
  if (!(doc = poppler_document_new_from_bytes (pdf, NULL, error)))
    return NULL;
  /* The preview renders its pages from these bytes in a worker thread, with a document of its own. */
  g_object_set_data_full (G_OBJECT (doc), CD_PRINT_PDF_BYTES_KEY, g_bytes_ref (pdf), (GDestroyNotify) g_bytes_unref);
  d = g_task_get_task_data (G_TASK (result));
  if (out_documents)
    *out_documents = g_strdupv (d->documents);
  if (out_pdf)
    *out_pdf = g_steal_pointer (&pdf);
  return doc;
}

static gboolean
reason_ok (const char *reason)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));

  return g_utf8_strlen (trimmed, -1) >= 2;
}

gboolean
cd_print_documents_print (GtkWindow *parent, CdContext *ctx, gint64 id, PopplerDocument *document,
                          const char *const *documents, const char *export_filename, const char *reprint_reason,
                          GError **error)
{
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdPrintOperation) op = NULL;
  g_autofree char *job = NULL;
  GtkPrintOperationResult res;
  gboolean reprint = FALSE;

  if (!cd_print_store_is_reprint (ctx, id, documents, &reprint, error))
    return FALSE;
  if (reprint && !reason_ok (reprint_reason))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("These documents were printed before: a reprint needs a reason of a few words"));
      return FALSE;
    }
  if (!cd_application_store_load (ctx, id, NULL, &info, error))
    return FALSE;
  job = g_strdup_printf (_("CertDesk %s"), info->number);
  op = cd_print_operation_new (document, job);
  if (export_filename)
    {
      gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (op), export_filename);
      res = gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);
    }
  else
    res = gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
  if (res == GTK_PRINT_OPERATION_RESULT_ERROR)
    return FALSE;
  if (res != GTK_PRINT_OPERATION_RESULT_APPLY || cd_print_operation_was_preview (op))
    return FALSE;
  return cd_print_store_record (ctx, id, documents, cd_print_operation_get_copies (op),
                                export_filename ? _("Print to File") : cd_print_operation_get_printer (op),
                                reprint_reason, error);
}
