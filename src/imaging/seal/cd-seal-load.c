/* cd-seal-load.c: reading a scanned form (PNG, JPEG or a PDF page) with size and pixel limits. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <poppler.h>

#include "cd-decoder-log.h"
#include "cd-seal-private.h"

/* cairo and poppler-glib (Debian 12) ship no GLib cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

typedef enum {
  FORMAT_UNKNOWN,
  FORMAT_PNG,
  FORMAT_JPEG,
  FORMAT_PDF,
} FileFormat;

static FileFormat
sniff_format (const guint8 *data, gsize size)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (size >= 8 && memcmp (data, png_magic, 8) == 0)
    return FORMAT_PNG;
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return FORMAT_JPEG;
  if (size >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return FORMAT_PDF;
  return FORMAT_UNKNOWN;
}

/* A complete JPEG ends with the EOI marker (some writers append a few bytes after it). */
static gboolean
has_jpeg_end (const guint8 *data, gsize size)
{
  gsize from = size > 4096 ? size - 4096 : 0;

  for (gsize i = size - 1; i > from; i--)
    if (data[i - 1] == 0xff && data[i] == 0xd9)
      return TRUE;
  return FALSE;
}

static void
silence_leptonica (void)
{
  static gsize once = 0;

  /* leptonica prints its own errors on stderr; the caller reports one clear message instead. */
  if (g_once_init_enter (&once))
    {
      setMsgSeverity (L_SEVERITY_NONE);
      g_once_init_leave (&once, 1);
    }
}

static GBytes *
read_file_limited (const char *path, GError **error)
{
  GStatBuf st;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_IO,
                   _("Cannot open “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_IO,
                   _("“%s” is not a regular file"), path);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_EMPTY_FILE,
                   _("“%s” is empty (0 bytes)"), path);
      return NULL;
    }
  if ((guint64) st.st_size > CD_SEAL_MAX_FILE_BYTES)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_TOO_LARGE,
                   _("“%s” is too large (%llu MB; the limit is %d MB)"), path,
                   (unsigned long long) st.st_size / (1024 * 1024), CD_SEAL_MAX_FILE_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_IO,
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_EMPTY_FILE,
                   _("“%s” is empty (0 bytes)"), path);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static gboolean
check_pixels (const char *path, gint64 width, gint64 height, GError **error)
{
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                   _("“%s” is damaged: the image has no size"), path);
      return FALSE;
    }
  if (width * height > CD_SEAL_MAX_PIXELS)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_TOO_LARGE,
                   _("“%s” is too large (%lld × %lld pixels; the limit is %d megapixels)"),
                   path, (long long) width, (long long) height, CD_SEAL_MAX_PIXELS / 1000000);
      return FALSE;
    }
  return TRUE;
}

static PIX *
decode_raster (const char *path, GBytes *bytes, FileFormat format, GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  l_int32 w = 0, h = 0, bps = 0, spp = 0, iscmap = 0, fmt = 0;
  g_autoptr(CdSealPix) pix = NULL;

  silence_leptonica ();
  if (pixReadHeaderMem (data, size, &fmt, &w, &h, &bps, &spp, &iscmap) != 0)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                   _("“%s” is damaged: its image header cannot be read"), path);
      return NULL;
    }
  if (!check_pixels (path, w, h, error))
    return NULL;

  if (format == FORMAT_JPEG && !has_jpeg_end (data, size))
    {
      /* caught here, before libjpeg prints its own warning about it on stderr */
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                   _("“%s” is truncated (the JPEG data has no end)"), path);
      return NULL;
    }
  if (format == FORMAT_JPEG)
    {
      l_int32 nwarn = 0;

      /* hint 0 = fail on bad data: a truncated scan must not pass as a half-grey page. */
      pix = pixReadMemJpeg (data, size, 0, 1, &nwarn, 0);
      if (pix != NULL && nwarn > 0)
        g_clear_pointer (&pix, cd_seal_pix_unref);
    }
  else
    pix = pixReadMemPng (data, size);

  if (pix == NULL)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                   _("“%s” is damaged or truncated and cannot be decoded"), path);
      return NULL;
    }
  if (pixGetDepth (pix) != 32)
    {
      PIX *rgb = pixConvertTo32 (pix);

      if (rgb == NULL)
        {
          g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                       _("“%s” uses an unsupported pixel format"), path);
          return NULL;
        }
      g_clear_pointer (&pix, cd_seal_pix_unref);
      pix = rgb;
    }
  return g_steal_pointer (&pix);
}

static PIX *
render_pdf_page (const char *path, GBytes *bytes, guint page_no, double dpi, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autoptr(cairo_surface_t) surface = NULL;
  g_autoptr(cairo_t) cr = NULL;
  g_autoptr(CdSealPix) pix = NULL;
  double pw = 0, ph = 0, scale = dpi / 72.0;
  gint64 w, h;
  const guint8 *src;
  int stride;

  doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);
  if (doc == NULL)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT,
                   _("“%s” is not a readable PDF: %s"), path, local_error->message);
      return NULL;
    }
  if ((int) page_no >= poppler_document_get_n_pages (doc))
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_PAGE,
                   _("“%s” has %d page(s); page %u does not exist"), path,
                   poppler_document_get_n_pages (doc), page_no + 1);
      return NULL;
    }
  page = poppler_document_get_page (doc, page_no);
  poppler_page_get_size (page, &pw, &ph);
  w = (gint64) (pw * scale + 0.5);
  h = (gint64) (ph * scale + 0.5);
  if (!check_pixels (path, w, h, error))
    return NULL;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_TOO_LARGE,
                   _("Not enough memory to render page %u of “%s”"), page_no + 1, path);
      return NULL;
    }
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_surface_flush (surface);

  pix = pixCreate ((int) w, (int) h, 32);
  pixSetResolution (pix, (int) dpi, (int) dpi);
  src = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (gint64 y = 0; y < h; y++)
    {
      const guint32 *s = (const guint32 *) (src + y * stride);
      l_uint32 *d = pixGetData (pix) + y * pixGetWpl (pix);

      /* cairo: 0x00RRGGBB words; leptonica: 0xRRGGBB00 */
      for (gint64 x = 0; x < w; x++)
        d[x] = (l_uint32) (s[x] << 8);
    }
  return g_steal_pointer (&pix);
}

static PIX *
load_bytes (const char *path, GBytes *bytes, guint page, GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  FileFormat format = sniff_format (data, size);
  CdDecoderLog decoder_log;
  PIX *pix;

  /* libpng and libjpeg (through leptonica) and poppler print their complaints about a damaged file on
   * stderr; they go to the debug log, and the error set here says once what is wrong. */
  switch (format)
    {
    case FORMAT_PNG:
    case FORMAT_JPEG:
      cd_decoder_log_begin (&decoder_log);
      pix = decode_raster (path, bytes, format, error);
      cd_decoder_log_end (&decoder_log, format == FORMAT_PNG ? "libpng" : "libjpeg");
      return pix;
    case FORMAT_PDF:
      cd_decoder_log_begin (&decoder_log);
      pix = render_pdf_page (path, bytes, page, CD_SEAL_PDF_DPI, error);
      cd_decoder_log_end (&decoder_log, "Poppler");
      return pix;
    case FORMAT_UNKNOWN:
    default:
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_NOT_IMAGE,
                   _("“%s” is not a PNG or JPEG image or a PDF document"), path);
      return NULL;
    }
}

/* Decoding alone, the floor the benchmark compares extraction with. */
PIX *
cd_seal_decode_file (const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = read_file_limited (path, error);

  if (bytes == NULL)
    return NULL;
  return load_bytes (path, bytes, 0, error);
}

/* @name names the content in messages (a file's path, or what the bytes are). */
PIX *
cd_seal_load_page_bytes (const char *name, GBytes *bytes, guint page, double *out_ppmm, GError **error)
{
  g_autoptr(CdSealPix) pix = NULL;
  l_int32 xres = 0, yres = 0;
  double width_ppmm;
  gsize size = g_bytes_get_size (bytes);

  if (size == 0)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_EMPTY_FILE, _("“%s” is empty (0 bytes)"), name);
      return NULL;
    }
  if (size > CD_SEAL_MAX_FILE_BYTES)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_TOO_LARGE, _("“%s” is too large (%llu MB; the limit is %d MB)"),
                   name, (unsigned long long) size / (1024 * 1024), CD_SEAL_MAX_FILE_BYTES / (1024 * 1024));
      return NULL;
    }
  pix = load_bytes (name, bytes, page, error);
  if (pix == NULL)
    return NULL;

  /* The forms are A4 wide; trust the file's resolution when it agrees roughly with that. */
  width_ppmm = pixGetWidth (pix) / 210.0;
  pixGetResolution (pix, &xres, &yres);
  if (xres >= 50 && xres <= 2400)
    {
      double meta = xres / 25.4;

      *out_ppmm = (meta > width_ppmm * 0.6 && meta < width_ppmm * 1.6) ? meta : width_ppmm;
    }
  else
    *out_ppmm = width_ppmm;
  return g_steal_pointer (&pix);
}

PIX *
cd_seal_load_page (const char *path, guint page, double *out_ppmm, GError **error)
{
  g_autoptr(GBytes) bytes = read_file_limited (path, error);

  if (bytes == NULL)
    return NULL;
  return cd_seal_load_page_bytes (path, bytes, page, out_ppmm, error);
}
