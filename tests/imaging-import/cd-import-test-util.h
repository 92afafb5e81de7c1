/* cd-import-test-util.h: good and broken scan files drawn by the tests themselves (no binary fixtures). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

/* A page-like picture: white paper, black "text" bars and a red disc, with some noise so JPEG has work. */
static inline GdkPixbuf *
cd_test_make_pixbuf (int width, int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *px = gdk_pixbuf_get_pixels (pixbuf);
  guint32 seed = 12345;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = px + (gsize) y * stride + 3 * x;
        int dx = x - width * 2 / 3, dy = y - height * 2 / 3, r = MIN (width, height) / 6;
        gboolean bar = (y / 12) % 3 == 0 && x > width / 10 && x < width * 9 / 10 && (x / 7) % 5 != 0;

        seed = seed * 1103515245 + 12345;
        if (dx * dx + dy * dy < r * r && dx * dx + dy * dy > (r - 6) * (r - 6))
          p[0] = 220, p[1] = 30, p[2] = 40;
        else if (bar)
          p[0] = p[1] = p[2] = 20;
        else
          p[0] = p[1] = p[2] = 235 + (seed >> 24) % 20;
      }
  return pixbuf;
}

static inline GBytes *
cd_test_encode (GdkPixbuf *pixbuf, const char *type)
{
  char *buffer = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (strcmp (type, "jpeg") == 0)
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, "quality", "95", "x-dpi", "300", "y-dpi",
                               "300", NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
}

static inline GBytes *
cd_test_image (const char *type, int width, int height)
{
  g_autoptr(GdkPixbuf) pixbuf = cd_test_make_pixbuf (width, height);

  return cd_test_encode (pixbuf, type);
}

static cairo_status_t
cd_test_write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A PDF of @pages pages of @w_pt × @h_pt points, each with its number written on it. */
static inline GBytes *
cd_test_pdf (int pages, double w_pt, double h_pt)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (cd_test_write_cb, out, w_pt, h_pt);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < pages; i++)
    {
      char text[32];

      g_snprintf (text, sizeof text, "page %d", i + 1);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, 72, 72);
      cairo_set_font_size (cr, 24);
      cairo_show_text (cr, text);
      cairo_rectangle (cr, 72, 100, w_pt / 3, 20);
      cairo_fill (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static inline guint32
cd_test_crc32 (const guint8 *data, gsize len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
    }
  return crc ^ 0xFFFFFFFF;
}

static inline void
cd_test_put_be32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (a, b, 4);
}

static inline void
cd_test_png_chunk (GByteArray *a, const char *type, const guint8 *data, guint32 len)
{
  guint start;

  cd_test_put_be32 (a, len);
  start = a->len;
  g_byte_array_append (a, (const guint8 *) type, 4);
  if (len)
    g_byte_array_append (a, data, len);
  cd_test_put_be32 (a, cd_test_crc32 (a->data + start, len + 4));
}

/* A well-formed PNG whose header claims @w × @h pixels (the pixel data is a stub: it must never be read). */
static inline GBytes *
cd_test_png_claiming (guint32 w, guint32 h)
{
  GByteArray *a = g_byte_array_new ();
  guint8 ihdr[13] = { w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 2, 0, 0, 0 };
  static const guint8 idat[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

  g_byte_array_append (a, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  cd_test_png_chunk (a, "IHDR", ihdr, 13);
  cd_test_png_chunk (a, "IDAT", idat, sizeof idat);
  cd_test_png_chunk (a, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (a);
}

static inline GBytes *
cd_test_truncate (GBytes *bytes, gsize keep)
{
  return g_bytes_new_from_bytes (bytes, 0, MIN (keep, g_bytes_get_size (bytes)));
}

static inline char *
cd_test_write_file (const char *dir, const char *name, GBytes *bytes)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}
