/* cd-import.c: checks a file (size, magic, header) before any decoder sees it, then decodes with limits. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <poppler.h>

#include "cd-decoder-log.h"
#include "cd-import.h"
#include "cd-import-fit.h"
#include "cd-worker.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

typedef struct {
  GFile          *file;
  CdImportLimits  limits;
  char          **upload_types;
  gint64          upload_max_bytes;
} ImportJob;

typedef struct {
  guint32  width;
  guint32  height;
  gboolean mismatch;
} SizeCheck;

static void
import_page_free (gpointer data)
{
  CdImportPage *page = data;

  g_clear_object (&page->pixbuf);
  g_free (page);
}

static void
import_job_free (gpointer data)
{
  ImportJob *job = data;

  g_clear_object (&job->file);
  g_strfreev (job->upload_types);
  g_free (job);
}

static CdImportFile *
import_file_new (const char *name, CdImportType type, GBytes *bytes)
{
  CdImportFile *file = g_new0 (CdImportFile, 1);

  file->name = g_strdup (name);
  file->type = type;
  file->bytes = g_bytes_ref (bytes);
  file->pages = g_ptr_array_new_with_free_func (import_page_free);
  file->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_import_candidate_free);
  return file;
}

static void
add_page (CdImportFile *file, guint index, GdkPixbuf *pixbuf, double dpi)
{
  CdImportPage *page = g_new0 (CdImportPage, 1);

  page->page = index;
  page->pixbuf = pixbuf;
  page->dpi = dpi;
  g_ptr_array_add (file->pages, page);
}

static gboolean
check_pixels (const char *name, guint64 width, guint64 height, const CdImportLimits *limits, GError **error)
{
  if (width * height > limits->max_pixels)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TOO_MANY_PIXELS,
                   _("“%s” is %llu × %llu pixels (%.0f megapixels); at most %.0f "
                     "megapixels can be imported. Scan it again at 300 dpi or less."),
                   name, (unsigned long long) width, (unsigned long long) height, (double) (width * height) / 1e6, (double) limits->max_pixels / 1e6);
      return FALSE;
    }
  return TRUE;
}

/* The decoder must see the size the header promised; anything else means the header reader and the
 * decoder disagree, and the limit checked above would not hold. */
static void
on_size_prepared_cb (GdkPixbufLoader *loader, int width, int height, SizeCheck *check)
{
  if ((guint32) width != check->width || (guint32) height != check->height)
    {
      check->mismatch = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

static GdkPixbuf *
decode_image (const char *name, GBytes *bytes, const CdImportHeader *header, GCancellable *cancellable,
              GError **error)
{
  static const gsize chunk = 256 * 1024;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local = NULL;
  SizeCheck check = { header->width, header->height, FALSE };
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GdkPixbuf *pixbuf;
  gboolean ok = TRUE;

  loader = gdk_pixbuf_loader_new_with_type (cd_import_type_to_code (header->type), &local);
  if (!loader)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
                   _("“%s”: this computer cannot decode %s images (%s)."), name,
                   cd_import_type_to_label (header->type), local->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared_cb), &check);
  for (gsize off = 0; ok && off < len && !check.mismatch; off += chunk)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return NULL;
        }
      ok = gdk_pixbuf_loader_write (loader, data + off, MIN (chunk, len - off), &local);
    }
  if (!gdk_pixbuf_loader_close (loader, ok ? &local : NULL) || !ok || check.mismatch)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
                   _("“%s” is a damaged %s image that cannot be decoded (%s). Scan or export it again."), name,
                   cd_import_type_to_label (header->type),
                   check.mismatch ? _("its size does not match its header") : local ? local->message : "?");
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!pixbuf)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
                   _("“%s” is a damaged %s image that cannot be decoded. Scan or export it again."), name,
                   cd_import_type_to_label (header->type));
      return NULL;
    }
  return gdk_pixbuf_apply_embedded_orientation (pixbuf);
}

/* Cairo's ARGB32 is premultiplied and native-endian; pages are rendered on white, so alpha is dropped. */
static GdkPixbuf *
pixbuf_from_surface (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int sstride = cairo_image_surface_get_stride (surface);
  const guint8 *src = cairo_image_surface_get_data (surface);
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  int dstride;
  guint8 *dst;

  if (!pixbuf)
    return NULL;
  dstride = gdk_pixbuf_get_rowstride (pixbuf);
  dst = gdk_pixbuf_get_pixels (pixbuf);
  for (int y = 0; y < h; y++)
    {
      const guint32 *s = (const guint32 *) (src + (gsize) y * sstride);
      guint8 *d = dst + (gsize) y * dstride;

      for (int x = 0; x < w; x++)
        {
          d[3 * x] = (s[x] >> 16) & 0xFF;
          d[3 * x + 1] = (s[x] >> 8) & 0xFF;
          d[3 * x + 2] = s[x] & 0xFF;
        }
    }
  return pixbuf;
}

static gboolean
check_page_size (const char *name, int number, double wpt, double hpt, const CdImportLimits *limits,
                 GError **error)
{
  if (MAX (wpt, hpt) / 72.0 * 25.4 > limits->max_page_mm)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_PAGE_TOO_LARGE,
                   _("“%s”: page %d measures %.0f × %.0f mm; pages up to %.0f mm on the longest side can be "
                     "imported. Scan the paper document instead."),
                   name, number, wpt / 72.0 * 25.4, hpt / 72.0 * 25.4, limits->max_page_mm);
      return FALSE;
    }
  return TRUE;
}

static gboolean
render_pdf (CdImportFile *file, const CdImportLimits *limits, GCancellable *cancellable, GError **error)
{
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(GError) local = NULL;
  double doc_dpi;
  int n;

  doc = poppler_document_new_from_bytes (file->bytes, NULL, &local);
  if (!doc)
    {
      if (g_error_matches (local, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_ENCRYPTED,
                     _("“%s” is a password-protected PDF. Save it without a password, or print and scan it."),
                     file->name);
      else
        g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
                     _("“%s” is a damaged PDF that cannot be opened (%s). Export or scan it again."), file->name,
                     local->message);
      return FALSE;
    }
  n = poppler_document_get_n_pages (doc);
  if (limits->only_page > (guint) MAX (n, 0))
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT, _("“%s” has no page %u."), file->name,
                   limits->only_page);
      return FALSE;
    }
  if (n <= 0)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
                   _("“%s” is a PDF without pages. Export or scan it again."), file->name);
      return FALSE;
    }
  if ((guint) n > limits->max_pdf_pages)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TOO_MANY_PAGES,
                   _("“%s” has %d pages; at most %u pages can be imported from one PDF. Split it, or import only "
                     "the pages this material needs."),
                   file->name, n, limits->max_pdf_pages);
      return FALSE;
    }
  /* Every rendered page is held in memory: many pages are rendered at a lower resolution, never below
   * CD_IMPORT_MIN_DPI, so that together they stay within max_total_pixels. */
  doc_dpi = limits->pdf_dpi;
  if (!limits->only_page)
    {
      double square_inches = 0;

      for (int i = 0; i < n; i++)
        {
          g_autoptr(PopplerPage) page = poppler_document_get_page (doc, i);
          double wpt = 0, hpt = 0;

          if (page)
            poppler_page_get_size (page, &wpt, &hpt);
          if (!check_page_size (file->name, i + 1, wpt, hpt, limits, error))
            return FALSE;
          if (wpt > 1 && hpt > 1)
            square_inches += wpt / 72.0 * hpt / 72.0;
        }
      if (square_inches * doc_dpi * doc_dpi > limits->max_total_pixels)
        doc_dpi = MAX (CD_IMPORT_MIN_DPI, floor (sqrt (limits->max_total_pixels / square_inches)));
      if (square_inches * doc_dpi * doc_dpi > limits->max_total_pixels)
        {
          g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TOO_MANY_PIXELS,
                       _("“%s” has too many large pages to import at once (%.0f megapixels at %.0f dpi; at most %.0f). "
                         "Split it, or import only the pages this material needs."),
                       file->name, square_inches * doc_dpi * doc_dpi / 1e6, doc_dpi,
                       (double) limits->max_total_pixels / 1e6);
          return FALSE;
        }
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr(PopplerPage) page = NULL;
      g_autoptr(cairo_surface_t) surface = NULL;
      g_autoptr(cairo_t) cr = NULL;
      GdkPixbuf *pixbuf;
      double wpt = 0, hpt = 0, dpi = doc_dpi, wpx, hpx;

      if (limits->only_page && (guint) i + 1 != limits->only_page)
        continue;                                   /* only the page asked for is rendered */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if ((page = poppler_document_get_page (doc, i)))
        poppler_page_get_size (page, &wpt, &hpt);
      if (!page || !(wpt > 1 && hpt > 1))
        {
          g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
                       _("“%s”: page %d is damaged and cannot be shown. Export or scan it again."), file->name, i + 1);
          return FALSE;
        }
      if (!check_page_size (file->name, i + 1, wpt, hpt, limits, error))
        return FALSE;
      /* A large page is rendered at a lower resolution to stay within the pixel limit. */
      while (dpi > CD_IMPORT_MIN_DPI && ceil (wpt / 72.0 * dpi) * ceil (hpt / 72.0 * dpi) > limits->max_pixels)
        dpi = MAX (CD_IMPORT_MIN_DPI, dpi - 25);
      wpx = ceil (wpt / 72.0 * dpi);
      hpx = ceil (hpt / 72.0 * dpi);
      if (!check_pixels (file->name, (guint64) wpx, (guint64) hpx, limits, error))
        return FALSE;
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) wpx, (int) hpx);
      if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
        {
          g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TOO_MANY_PIXELS,
                       _("“%s”: page %d is too large to render in memory."), file->name, i + 1);
          return FALSE;
        }
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, dpi / 72.0, dpi / 72.0);
      poppler_page_render_for_printing (page, cr);
      cairo_surface_flush (surface);
      if (!(pixbuf = pixbuf_from_surface (surface)))
        {
          g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TOO_MANY_PIXELS,
                       _("“%s”: page %d is too large to render in memory."), file->name, i + 1);
          return FALSE;
        }
      add_page (file, i + 1, pixbuf, dpi);
    }
  return TRUE;
}

static void
import_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  ImportJob *job = task_data;
  g_autoptr(CdImportFile) file = NULL;
  GError *error = NULL;

  if (!(file = cd_import_load_file (job->file, &job->limits, cancellable, &error)))
    return g_task_return_error (task, error);
  if (job->upload_types
      && !cd_import_file_fit (file, (const char *const *) job->upload_types, job->upload_max_bytes, cancellable,
                              &error))
    return g_task_return_error (task, error);
  g_task_return_pointer (task, g_steal_pointer (&file), (GDestroyNotify) cd_import_file_free);
}

void
cd_import_limits_init (CdImportLimits *limits)
{
  limits->max_file_bytes = CD_IMPORT_MAX_FILE_BYTES;
  limits->max_pixels = CD_IMPORT_MAX_PIXELS;
  limits->max_total_pixels = CD_IMPORT_MAX_TOTAL_PIXELS;
  limits->max_pdf_pages = CD_IMPORT_MAX_PDF_PAGES;
  limits->max_page_mm = CD_IMPORT_MAX_PAGE_MM;
  limits->pdf_dpi = CD_IMPORT_PDF_DPI;
  limits->only_page = 0;
}

void
cd_import_file_free (CdImportFile *file)
{
  if (!file)
    return;
  g_free (file->name);
  g_bytes_unref (file->bytes);
  g_ptr_array_unref (file->pages);
  g_ptr_array_unref (file->candidates);
  g_free (file);
}

CdImportFile *
cd_import_load_bytes (const char *name, GBytes *bytes, const CdImportLimits *limits, GCancellable *cancellable,
                      GError **error)
{
  CdImportLimits defaults;
  CdImportHeader header;
  g_autoptr(CdImportFile) file = NULL;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  if (!limits)
    {
      cd_import_limits_init (&defaults);
      limits = &defaults;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len > limits->max_file_bytes)
    {
      g_autofree char *size = cd_import_format_size (len);
      g_autofree char *max = cd_import_format_size (limits->max_file_bytes);

      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_FILE_TOO_LARGE,
                   _("“%s” is %s; files up to %s can be imported. Scan it again at 300 dpi or less."), name, size,
                   max);
      return NULL;
    }
  if (!cd_import_read_header (name, data, len, &header, error))
    return NULL;
  file = import_file_new (name, header.type, bytes);
  if (header.type == CD_IMPORT_TYPE_PDF)
    {
      CdDecoderLog decoder_log;
      gboolean ok;

      /* poppler prints its complaints about a damaged PDF on stderr: into the debug log (the error says it) */
      cd_decoder_log_begin (&decoder_log);
      ok = render_pdf (file, limits, cancellable, error);
      cd_decoder_log_end (&decoder_log, "Poppler");
      if (!ok)
        return NULL;
    }
  else
    {
      GdkPixbuf *pixbuf;

      /* gdk-pixbuf's loaders keep libpng's and libjpeg's messages to themselves (its GError says it) */
      if (!check_pixels (name, header.width, header.height, limits, error)
          || !(pixbuf = decode_image (name, bytes, &header, cancellable, error)))
        return NULL;
      add_page (file, 0, pixbuf, header.dpi);
    }
  return g_steal_pointer (&file);
}

CdImportFile *
cd_import_load_file (GFile *file, const CdImportLimits *limits, GCancellable *cancellable, GError **error)
{
  CdImportLimits defaults;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *name = NULL;
  const char *display;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!limits)
    {
      cd_import_limits_init (&defaults);
      limits = &defaults;
    }
  name = g_file_get_basename (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME, G_FILE_QUERY_INFO_NONE, cancellable, &local);
  if (!info)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_READ, _("“%s” cannot be read: %s"), name,
                   local->message);
      return NULL;
    }
  display = g_file_info_get_display_name (info);
  if (display)
    {
      g_free (name);
      name = g_strdup (display);
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_READ, _("“%s” is not a regular file."), name);
      return NULL;
    }
  if ((guint64) g_file_info_get_size (info) > limits->max_file_bytes)
    {
      g_autofree char *size = cd_import_format_size (g_file_info_get_size (info));
      g_autofree char *max = cd_import_format_size (limits->max_file_bytes);

      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_FILE_TOO_LARGE,
                   _("“%s” is %s; files up to %s can be imported. Scan it again at 300 dpi or less."), name, size,
                   max);
      return NULL;
    }
  if (!(bytes = g_file_load_bytes (file, cancellable, NULL, &local)))
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_READ, _("“%s” cannot be read: %s"), name,
                   local->message);
      return NULL;
    }
  return cd_import_load_bytes (name, bytes, limits, cancellable, error);
}

void
cd_import_file_async (GFile *file, const CdImportLimits *limits, const char *const *upload_types,
                      gint64 upload_max_bytes, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportJob *job;

  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (ImportJob, 1);
  job->file = g_object_ref (file);
  if (limits)
    job->limits = *limits;
  else
    cd_import_limits_init (&job->limits);
  job->upload_types = g_strdupv ((char **) upload_types);
  job->upload_max_bytes = upload_max_bytes;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cd_import_file_async);
  g_task_set_task_data (task, job, import_job_free);
  g_task_run_in_thread (task, import_thread);
}

CdImportFile *
cd_import_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cd_import_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
