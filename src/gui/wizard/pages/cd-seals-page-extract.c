/* cd-seals-page-extract.c: the seals page's worker. It never touches a widget or the database: it reads the
 * form, extracts the samples (cd_seal_extract_file), decodes and scales the picture for display, and encodes
 * every sample as PNG, so the main thread only draws and stores. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
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
  g_clear_pointer (&job->original, g_bytes_unref);
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

/* ---- photos ---- */

/* HEIC / HEIF: an ISO media file whose first box is "ftyp" with an image brand. */
static gboolean
is_heif (const guint8 *head, gsize n)
{
  static const char *const brands[] = { "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", NULL };

  if (n < 12 || memcmp (head + 4, "ftyp", 4) != 0)
    return FALSE;
  for (const char *const *b = brands; *b; b++)
    if (memcmp (head + 8, *b, 4) == 0)
      return TRUE;
  return FALSE;
}

/* gdk-pixbuf reads HEIC only with Debian's libheif loader (heif-gdk-pixbuf) installed. */
gboolean
cd_seals_heif_supported (void)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  /* the loader's name is "heif/avif" in Debian 12; its MIME types say what it reads */
  for (GSList *l = formats; l; l = l->next)
    {
      g_auto(GStrv) types = gdk_pixbuf_format_get_mime_types (l->data);

      if (types && (g_strv_contains ((const char *const *) types, "image/heic")
                    || g_strv_contains ((const char *const *) types, "image/heif")))
        return TRUE;
    }
  return FALSE;
}

/* A phone photo of the form (JPEG with an EXIF orientation, or HEIC) is decoded by gdk-pixbuf and
 * turned upright before the extraction, which reads the pixels as they are stored: job->page is set
 * (and written to a temporary PNG like a scanned page), job->bytes keeps the original file.  A JPEG
 * stored upright, or a PNG, goes to the extraction as it is. */
static gboolean
load_photo (CdSealsJob *job, GError **error)
{
  g_autofree char *base = g_path_get_basename (job->path);
  g_autoptr(GFile) file = g_file_new_for_path (job->path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GdkPixbuf) raw = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 head[16] = { 0 };
  gsize n = 0;
  gboolean heif, jpeg;
  const char *orientation, *dpi;

  in = g_file_read (file, NULL, NULL);
  if (!in || !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n, NULL, NULL))
    return TRUE;        /* the extraction reports what is wrong with the file */
  g_input_stream_close (G_INPUT_STREAM (in), NULL, NULL);
  heif = is_heif (head, n);
  jpeg = n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff;
  if (!heif && !jpeg)
    return TRUE;
  if (heif && !cd_seals_heif_supported ())
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_NOT_IMAGE,
                   _("“%s” is a HEIC photo, which this computer cannot read. Install the package "
                     "heif-gdk-pixbuf, or save the photo as JPEG and load that."), base);
      return FALSE;
    }
  raw = gdk_pixbuf_new_from_file (job->path, NULL);
  if (!raw)
    {
      if (!heif)
        return TRUE;
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                   _("“%s” is a damaged HEIC photo that cannot be decoded. Take or export it again."), base);
      return FALSE;
    }
  orientation = gdk_pixbuf_get_option (raw, "orientation");
  if (!heif && (!orientation || g_str_equal (orientation, "1")))
    return TRUE;        /* upright already */
  bytes = g_file_load_bytes (file, NULL, NULL, NULL);
  job->page = gdk_pixbuf_apply_embedded_orientation (raw);
  dpi = gdk_pixbuf_get_option (raw, "x-dpi");
  /* the file's resolution, else the forms' A4 width */
  job->dpi = dpi ? g_ascii_strtod (dpi, NULL) : 0;
  if (job->dpi < 50 || job->dpi > 2400)
    job->dpi = gdk_pixbuf_get_width (job->page) / 210.0 * 25.4;
  job->original = g_steal_pointer (&bytes);
  g_clear_pointer (&job->path, g_free);
  return TRUE;
}

/* ---- the worker ---- */

static gboolean
run_job (CdSealsJob *job, GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) page_png = NULL;
  g_autoptr(CdImportFile) picture = NULL;
  CdImportLimits limits;
  GdkPixbuf *full;
  int w, h;

  if (job->path && !job->page && !load_photo (job, error))
    return FALSE;
  cd_import_limits_init (&limits);
  limits.only_page = 1;
  limits.pdf_dpi = CD_IMPORT_MIN_DPI;
  if (job->page)
    {
      /* A scanned page or a photo turned upright is encoded in memory, never to a temporary file: the form
       * carries the applicant's seals and signature, and nothing of it is written to disk in clear. */
      g_autofree char *dpi = g_strdup_printf ("%d", (int) (job->dpi > 0 ? job->dpi : 300));
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!gdk_pixbuf_save_to_buffer (job->page, &data, &len, "png", error, "x-dpi", dpi, "y-dpi", dpi, NULL))
        return FALSE;
      page_png = g_bytes_new_take (g_steal_pointer (&data), len);
      job->result = cd_seal_extract_bytes (_("the scanned form"), page_png, 0, 0, cancellable, error);
      if (job->result)
        picture = cd_import_load_bytes ("form.png", page_png, &limits, cancellable, error);
    }
  else
    {
      job->result = cd_seal_extract_file (job->path, 0, 0, cancellable, error);
      if (job->result)
        {
          g_autoptr(GFile) file = g_file_new_for_path (job->path);

          picture = cd_import_load_file (file, &limits, cancellable, error);
        }
    }
  if (!job->result || !picture || picture->pages->len == 0)
    {
      if (error && !*error)
        g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT, _("The form has no page to show."));
      return FALSE;
    }
  /* a photo turned upright is kept as it came from the phone */
  job->bytes = g_bytes_ref (job->original ? job->original : picture->bytes);
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

CdSealShape
cd_seals_kind_shape (const char *kind)
{
  if (g_strcmp0 (kind, "unit_seal") == 0)
    return CD_SEAL_SHAPE_ROUND_SEAL;
  if (g_strcmp0 (kind, "legal_seal") == 0 || g_strcmp0 (kind, "personal_seal") == 0)
    return CD_SEAL_SHAPE_NAME_SEAL;
  if (g_strcmp0 (kind, "legal_signature") == 0 || g_strcmp0 (kind, "personal_signature") == 0)
    return CD_SEAL_SHAPE_SIGNATURE;
  return CD_SEAL_SHAPE_NONE;
}

static const char *
shape_words (CdSealShape shape)
{
  switch (shape)
    {
    case CD_SEAL_SHAPE_ROUND_SEAL:
      return _("round unit seals");
    case CD_SEAL_SHAPE_NAME_SEAL:
      return _("square or oval name seals");
    case CD_SEAL_SHAPE_SIGNATURE:
      return _("handwritten signatures");
    case CD_SEAL_SHAPE_NONE:
    default:
      return NULL;
    }
}

char *
cd_seals_kind_mismatch_text (const char *kind, CdSealShape found)
{
  CdSealShape wanted = cd_seals_kind_shape (kind);

  if (wanted == CD_SEAL_SHAPE_NONE || found == CD_SEAL_SHAPE_NONE || found == wanted)
    return NULL;
  /* TRANSLATORS: the first %s is what the samples look like ("handwritten signatures"), the second
   * the slot ("Unit seal") */
  return g_strdup_printf (_("The samples on this form look like %s, but this slot is for: %s. Load the right "
                            "form; choose a sample by hand only if this form is right after all."),
                          shape_words (found), cd_seals_kind_label (kind));
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
