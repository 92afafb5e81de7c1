/* cd-seals-page-form-stored.c: the sample chosen earlier for this application, read from the scan store (opened
 * when sealed at rest) and decoded in a worker, then shown in the previews. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-seals-page-form-private.h"
#include "cd-sealed-scans.h"
#include "cd-store.h"
#include "cd-worker.h"

typedef struct {
  CdKeys *keys;
  char   *path;
} StoredJob;

static void
stored_job_free (gpointer data)
{
  StoredJob *job = data;

  g_clear_pointer (&job->keys, cd_keys_unref);
  g_free (job->path);
  g_free (job);
}

/* Worker: the stored sample read (opened when it is sealed at rest, cd-sealed-scans.h) and decoded; no widget,
 * no database. */
static void
stored_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StoredJob *job = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) in = NULL;
  GdkPixbuf *pixbuf;
  GError *error = NULL;

  cd_worker_yield_to_ui ();
  /* a seal image is small: anything much larger is not one */
  if (!(bytes = cd_sealed_scans_read (job->keys, job->path, 16 * 1024 * 1024, _("seal image"), &error)))
    return g_task_return_error (task, error);
  in = g_memory_input_stream_new_from_bytes (bytes);
  if (!(pixbuf = gdk_pixbuf_new_from_stream (in, cancellable, &error)))
    return g_task_return_error (task, error);
  g_task_return_pointer (task, pixbuf, g_object_unref);
}

static void
on_stored_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CdSealsPageForm *self = CD_SEALS_PAGE_FORM (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  /* cancelled: another application is shown since; a form loaded since shows its own samples */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->draft || self->result)
    return;
  if (pixbuf)
    {
      cd_seals_page_form_show_preview (self, pixbuf, _("Chosen earlier and stored"));
      return;
    }
  /* key ids and file names are no use to the clerk: what to do is */
  if (error->domain == CD_KEYS_ERROR)
    message = g_strdup (_("The sample chosen earlier cannot be read: it was encrypted on another counter, or it is "
                          "damaged. Load the form again to choose a sample."));
  else
    message = g_strdup_printf (_("The sample chosen earlier cannot be read: %s"), error->message);
  cd_seals_page_form_set_message (self, message);
}

void
cd_seals_page_form_load_stored (CdSealsPageForm *self, const char *path)
{
  CdKeys *keys = cd_store_get_keys (cd_context_get_store (cd_draft_get_context (self->draft)));
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_stored_loaded_cb, NULL);
  StoredJob *job = g_new0 (StoredJob, 1);

  job->keys = keys ? cd_keys_ref (keys) : NULL;
  job->path = g_strdup (path);
  g_task_set_source_tag (task, cd_seals_page_form_load_stored);
  g_task_set_task_data (task, job, stored_job_free);
  g_task_run_in_thread (task, stored_thread);
}
