/* cd-seals-page-extract.c: the seals page's worker. It never touches a widget or the database: it reads the
 * form, extracts the samples (cd_seal_extract_file), decodes and scales the picture for display, and encodes
 * every sample as PNG, so the main thread only draws and stores. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cd-import.h"
#include "cd-seals-page-extract.h"
#include "cd-worker.h"


void
cd_seals_job_free (gpointer data)
{
  CdSealsJob *job = data;

  g_free (job->path);
  g_clear_object (&job->page);
  g_clear_pointer (&job->result, cd_seal_result_free);
  g_clear_object (&job->form);
  g_clear_pointer (&job->cells, g_ptr_array_unref);
  g_clear_pointer (&job->pngs, g_ptr_array_unref);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job);
}

static void
clear_bytes (gpointer data)
{
  if (data)
    g_bytes_unref (data);
}

static void
clear_object (gpointer data)
{
  if (data)
    g_object_unref (data);
}

/* ---- the worker ---- */

static gboolean
run_job (CdSealsJob *job, GCancellable *cancellable, GError **error)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(CdImportFile) picture = NULL;
  CdImportLimits limits;
  GdkPixbuf *full;
  int w, h;

  if (job->page)
    {
      g_autofree char *dpi = g_strdup_printf ("%d", (int) (job->dpi > 0 ? job->dpi : 300));
      int fd = g_file_open_tmp ("certdesk-form-XXXXXX.png", &tmp, error);

      if (fd < 0)
        return FALSE;
      close (fd);
      if (!gdk_pixbuf_save (job->page, tmp, "png", error, "x-dpi", dpi, "y-dpi", dpi, NULL))
        {
          g_unlink (tmp);
          return FALSE;
        }
      job->path = g_strdup (tmp);
    }
  job->result = cd_seal_extract_file (job->path, 0, 0, cancellable, error);
  if (job->result)
    {
      file = g_file_new_for_path (job->path);
      cd_import_limits_init (&limits);
      limits.only_page = 1;
      limits.pdf_dpi = CD_IMPORT_MIN_DPI;
      picture = cd_import_load_file (file, &limits, cancellable, error);
    }
  if (tmp)
    g_unlink (tmp);
  if (!job->result || !picture || picture->pages->len == 0)
    {
      if (error && !*error)
        g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT, _("The form has no page to show."));
      return FALSE;
    }
  job->bytes = g_bytes_ref (picture->bytes);
  full = ((CdImportPage *) picture->pages->pdata[0])->pixbuf;
  job->scale = MIN ((double) CD_SEALS_FORM_W / job->result->width, (double) CD_SEALS_FORM_H / job->result->height);
  w = MAX (1, (int) (job->result->width * job->scale));
  h = MAX (1, (int) (job->result->height * job->scale));
  job->form = gdk_pixbuf_scale_simple (full, w, h, GDK_INTERP_BILINEAR);

  job->cells = g_ptr_array_new_with_free_func (clear_object);
  job->pngs = g_ptr_array_new_with_free_func (clear_bytes);
  for (guint i = 0; i < job->result->cells->len; i++)
    {
      CdSealCell *c = job->result->cells->pdata[i];
      GdkPixbuf *cell = NULL;
      GBytes *png = NULL;

      if (c->has_ink && c->rgba && c->ink_bbox[2] > 0 && c->ink_bbox[3] > 0)
        {
          g_autofree char *data = NULL;
          gsize len = 0;

          cell = gdk_pixbuf_new_from_bytes (c->rgba, GDK_COLORSPACE_RGB, TRUE, 8, c->ink_bbox[2], c->ink_bbox[3],
                                            c->ink_bbox[2] * 4);
          if (!gdk_pixbuf_save_to_buffer (cell, &data, &len, "png", error, NULL))
            {
              g_object_unref (cell);
              return FALSE;
            }
          png = g_bytes_new_take (g_steal_pointer (&data), len);
        }
      g_ptr_array_add (job->cells, cell);
      g_ptr_array_add (job->pngs, png);
    }
  return TRUE;
}

void
cd_seals_job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  GError *error = NULL;

  if (!run_job (task_data, cancellable, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

const char *
cd_seals_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "unit_seal") == 0)
    return _("Unit seal");
  if (g_strcmp0 (kind, "legal_signature") == 0)
    return _("Legal representative's signature");
  if (g_strcmp0 (kind, "legal_seal") == 0)
    return _("Legal representative's name seal");
  if (g_strcmp0 (kind, "personal_seal") == 0)
    return _("Personal name seal");
  if (g_strcmp0 (kind, "personal_signature") == 0)
    return _("Personal signature");
  return kind;
}

char *
cd_seals_verdict_text (guint flags, gboolean has_ink)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();

  if (!has_ink || (flags & CD_SEAL_FLAG_EMPTY))
    g_ptr_array_add (words, _("empty"));
  if (flags & CD_SEAL_FLAG_CROSSES_BORDER)
    g_ptr_array_add (words, _("crosses the line"));
  if (flags & CD_SEAL_FLAG_FAINT)
    g_ptr_array_add (words, _("too faint"));
  if (flags & CD_SEAL_FLAG_OVERLAP)
    g_ptr_array_add (words, _("overlapping"));
  if (flags & CD_SEAL_FLAG_OFF_CENTER)
    g_ptr_array_add (words, _("off-centre"));
  if (words->len == 0)
    g_ptr_array_add (words, _("OK"));
  g_ptr_array_add (words, NULL);
  /* TRANSLATORS: the separator between a sample's defects, e.g. "crosses the line, too faint" */
  return g_strjoinv (_(", "), (char **) words->pdata);
}
