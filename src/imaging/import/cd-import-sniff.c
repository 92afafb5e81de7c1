/* cd-import-sniff.c: magic bytes and image headers, read by hand with bounds checks on every field.
 *
 * Why by hand: the pixel limit has to be enforced before any decoder allocates, and gdk-pixbuf's loaders
 * allocate as soon as they know the size. These readers only touch header fields and chunk/segment
 * lengths, so they are short and are what the fuzz target hammers first. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cd-import-sniff.h"

G_DEFINE_QUARK (cd-import-error-quark, cd_import_error)

static const struct {
  CdImportType type;
  const char  *code;
  const char  *mime;
  const char  *label;
} types[] = {
  { CD_IMPORT_TYPE_JPEG, "jpeg", "image/jpeg", "JPEG" },
  { CD_IMPORT_TYPE_PNG, "png", "image/png", "PNG" },
  { CD_IMPORT_TYPE_BMP, "bmp", "image/bmp", "BMP" },
  { CD_IMPORT_TYPE_TIFF, "tiff", "image/tiff", "TIFF" },
  { CD_IMPORT_TYPE_PDF, "pdf", "application/pdf", "PDF" },
};

static const struct {
  const char  *ext;
  CdImportType type;
} extensions[] = {
  { "jpg", CD_IMPORT_TYPE_JPEG }, { "jpeg", CD_IMPORT_TYPE_JPEG }, { "jpe", CD_IMPORT_TYPE_JPEG },
  { "jfif", CD_IMPORT_TYPE_JPEG }, { "png", CD_IMPORT_TYPE_PNG }, { "bmp", CD_IMPORT_TYPE_BMP },
  { "dib", CD_IMPORT_TYPE_BMP }, { "tif", CD_IMPORT_TYPE_TIFF }, { "tiff", CD_IMPORT_TYPE_TIFF },
  { "pdf", CD_IMPORT_TYPE_PDF },
};

static guint16
be16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[1] << 8 | p[0]);
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0];
}

static gboolean
fail_truncated (const char *name, CdImportType type, GError **error)
{
  g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TRUNCATED,
               _("“%s” is an incomplete %s image: the file ends before the picture does (an interrupted "
                 "copy or download?). Scan or copy it again."),
               name, cd_import_type_to_label (type));
  return FALSE;
}

static gboolean
fail_corrupt (const char *name, CdImportType type, const char *what, GError **error)
{
  g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CORRUPT,
               _("“%s” is not a valid %s image (%s). Scan or export it again."),
               name, cd_import_type_to_label (type), what);
  return FALSE;
}

/* Segments up to the first SOF give the size; after SOS the entropy-coded data must reach an EOI marker,
 * or the file was cut off (libjpeg would only warn and pad the picture with grey). */
static gboolean
read_jpeg (const char *name, const guint8 *d, gsize len, CdImportHeader *h, GError **error)
{
  gsize pos = 2;
  gboolean have_size = FALSE;

  while (TRUE)
    {
      guint8 marker;
      gsize seglen;

      if (pos >= len)
        return fail_truncated (name, CD_IMPORT_TYPE_JPEG, error);
      if (d[pos] != 0xFF)
        return fail_corrupt (name, CD_IMPORT_TYPE_JPEG, _("a segment does not start with a marker"), error);
      while (pos < len && d[pos] == 0xFF)
        pos++;
      if (pos >= len)
        return fail_truncated (name, CD_IMPORT_TYPE_JPEG, error);
      marker = d[pos++];
      if (marker == 0xD9)
        return have_size ? fail_truncated (name, CD_IMPORT_TYPE_JPEG, error)
                         : fail_corrupt (name, CD_IMPORT_TYPE_JPEG, _("no image data"), error);
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
        continue;                                   /* markers without a length */
      if (pos + 2 > len)
        return fail_truncated (name, CD_IMPORT_TYPE_JPEG, error);
      seglen = be16 (d + pos);
      if (seglen < 2)
        return fail_corrupt (name, CD_IMPORT_TYPE_JPEG, _("a segment has an impossible length"), error);
      if (pos + seglen > len)
        return fail_truncated (name, CD_IMPORT_TYPE_JPEG, error);

      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC && !have_size)
        {
          if (seglen < 8)
            return fail_corrupt (name, CD_IMPORT_TYPE_JPEG, _("the frame header is too short"), error);
          h->height = be16 (d + pos + 3);
          h->width = be16 (d + pos + 5);
          if (h->width == 0 || h->height == 0)
            return fail_corrupt (name, CD_IMPORT_TYPE_JPEG, _("the picture has no size"), error);
          have_size = TRUE;
        }
      else if (marker == 0xE0 && seglen >= 16 && memcmp (d + pos + 2, "JFIF\0", 5) == 0)
        {
          guint8 units = d[pos + 9];
          guint16 xd = be16 (d + pos + 10);

          if (units == 1)
            h->dpi = xd;
          else if (units == 2)
            h->dpi = xd * 2.54;
        }
      else if (marker == 0xDA)
        {
          gsize i;

          if (!have_size)
            return fail_corrupt (name, CD_IMPORT_TYPE_JPEG, _("image data comes before the frame header"), error);
          for (i = pos + seglen; i + 1 < len; i++)
            if (d[i] == 0xFF && d[i + 1] == 0xD9)
              return TRUE;
          return fail_truncated (name, CD_IMPORT_TYPE_JPEG, error);
        }
      pos += seglen;
    }
}

/* IHDR gives the size, pHYs the resolution; the chunk chain must reach IEND. */
static gboolean
read_png (const char *name, const guint8 *d, gsize len, CdImportHeader *h, GError **error)
{
  gsize pos = 8;
  gboolean first = TRUE;

  while (TRUE)
    {
      guint32 clen;
      const guint8 *type;

      if (pos + 12 > len)
        return fail_truncated (name, CD_IMPORT_TYPE_PNG, error);
      clen = be32 (d + pos);
      type = d + pos + 4;
      if (clen > 0x7FFFFFFF)
        return fail_corrupt (name, CD_IMPORT_TYPE_PNG, _("a chunk has an impossible length"), error);
      if ((gsize) clen + 12 > len - pos)
        return fail_truncated (name, CD_IMPORT_TYPE_PNG, error);
      if (first)
        {
          if (memcmp (type, "IHDR", 4) != 0 || clen != 13)
            return fail_corrupt (name, CD_IMPORT_TYPE_PNG, _("the header chunk is missing"), error);
          h->width = be32 (d + pos + 8);
          h->height = be32 (d + pos + 12);
          if (h->width == 0 || h->height == 0 || h->width > 0x7FFFFFFF || h->height > 0x7FFFFFFF)
            return fail_corrupt (name, CD_IMPORT_TYPE_PNG, _("the picture has an impossible size"), error);
          first = FALSE;
        }
      else if (memcmp (type, "pHYs", 4) == 0 && clen == 9 && d[pos + 16] == 1)
        h->dpi = be32 (d + pos + 8) * 0.0254;
      else if (memcmp (type, "IEND", 4) == 0)
        return TRUE;
      pos += (gsize) clen + 12;
    }
}

static gboolean
read_bmp (const char *name, const guint8 *d, gsize len, CdImportHeader *h, GError **error)
{
  guint32 offset, dib, compression = 0;
  guint16 bpp;
  gint64 w, hh;

  if (len < 26)
    return fail_truncated (name, CD_IMPORT_TYPE_BMP, error);
  offset = le32 (d + 10);
  dib = le32 (d + 14);
  if (dib == 12)
    {
      w = le16 (d + 18);
      hh = le16 (d + 20);
      bpp = le16 (d + 24);
    }
  else if (dib >= 40 && dib <= 124)
    {
      if (len < 14 + 40)
        return fail_truncated (name, CD_IMPORT_TYPE_BMP, error);
      w = (gint32) le32 (d + 18);
      hh = (gint32) le32 (d + 22);
      bpp = le16 (d + 28);
      compression = le32 (d + 30);
      if (le32 (d + 38) > 0)
        h->dpi = le32 (d + 38) * 0.0254;
    }
  else
    return fail_corrupt (name, CD_IMPORT_TYPE_BMP, _("unknown header version"), error);
  if (hh < 0)
    hh = -hh;                                       /* top-down rows */
  if (w <= 0 || hh <= 0 || w > G_MAXINT32 || hh > G_MAXINT32)
    return fail_corrupt (name, CD_IMPORT_TYPE_BMP, _("the picture has an impossible size"), error);
  h->width = (guint32) w;
  h->height = (guint32) hh;
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
    return fail_corrupt (name, CD_IMPORT_TYPE_BMP, _("unsupported colour depth"), error);
  if (offset >= len)
    return fail_truncated (name, CD_IMPORT_TYPE_BMP, error);
  /* Uncompressed rows have a known size: the pixel array must all be there. */
  if (compression == 0 || compression == 3)
    {
      guint64 row = (((guint64) w * bpp + 31) / 32) * 4;

      if (row * (guint64) hh > len - offset)
        return fail_truncated (name, CD_IMPORT_TYPE_BMP, error);
    }
  return TRUE;
}

static guint32
tiff_u (const guint8 *p, gboolean le, guint16 type)
{
  if (type == 3)
    return le ? le16 (p) : be16 (p);
  return le ? le32 (p) : be32 (p);
}

/* The first IFD gives the size and resolution; the first page is what gdk-pixbuf decodes. */
static gboolean
read_tiff (const char *name, const guint8 *d, gsize len, CdImportHeader *h, GError **error)
{
  gboolean le = d[0] == 'I';
  guint32 ifd;
  guint16 n, unit = 2;
  double xres = 0;

  if (len < 8)
    return fail_truncated (name, CD_IMPORT_TYPE_TIFF, error);
  ifd = le ? le32 (d + 4) : be32 (d + 4);
  if (ifd < 8 || (gsize) ifd + 2 > len)
    return fail_truncated (name, CD_IMPORT_TYPE_TIFF, error);
  n = le ? le16 (d + ifd) : be16 (d + ifd);
  if ((gsize) ifd + 2 + (gsize) n * 12 > len)
    return fail_truncated (name, CD_IMPORT_TYPE_TIFF, error);
  for (guint i = 0; i < n; i++)
    {
      const guint8 *e = d + ifd + 2 + i * 12;
      guint16 tag = le ? le16 (e) : be16 (e);
      guint16 type = le ? le16 (e + 2) : be16 (e + 2);

      if ((tag == 256 || tag == 257) && (type == 3 || type == 4))
        {
          guint32 v = tiff_u (e + 8, le, type);

          if (tag == 256)
            h->width = v;
          else
            h->height = v;
        }
      else if (tag == 296 && type == 3)
        unit = tiff_u (e + 8, le, type);
      else if (tag == 282 && type == 5)
        {
          guint32 off = tiff_u (e + 8, le, 4);

          if ((gsize) off + 8 <= len)
            {
              guint32 num = tiff_u (d + off, le, 4), den = tiff_u (d + off + 4, le, 4);

              if (den > 0)
                xres = (double) num / den;
            }
        }
    }
  if (h->width == 0 || h->height == 0)
    return fail_corrupt (name, CD_IMPORT_TYPE_TIFF, _("the picture has no size"), error);
  if (unit == 2)
    h->dpi = xres;
  else if (unit == 3)
    h->dpi = xres * 2.54;
  return TRUE;
}

CdImportType
cd_import_sniff (const guint8 *d, gsize len)
{
  if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
    return CD_IMPORT_TYPE_JPEG;
  if (len >= 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return CD_IMPORT_TYPE_PNG;
  if (len >= 2 && d[0] == 'B' && d[1] == 'M')
    return CD_IMPORT_TYPE_BMP;
  if (len >= 4 && (memcmp (d, "II*\0", 4) == 0 || memcmp (d, "MM\0*", 4) == 0))
    return CD_IMPORT_TYPE_TIFF;
  /* PDF readers accept the header anywhere in the first kilobyte. */
  for (gsize i = 0; i + 5 <= len && i < 1024; i++)
    if (memcmp (d + i, "%PDF-", 5) == 0)
      return CD_IMPORT_TYPE_PDF;
  return CD_IMPORT_TYPE_UNKNOWN;
}

CdImportType
cd_import_type_from_name (const char *name)
{
  const char *dot = name ? strrchr (name, '.') : NULL;

  if (!dot || strchr (dot, '/'))
    return CD_IMPORT_TYPE_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, extensions[i].ext) == 0)
      return extensions[i].type;
  return CD_IMPORT_TYPE_UNKNOWN;
}

const char *
cd_import_type_to_code (CdImportType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (types[i].type == type)
      return types[i].code;
  return NULL;
}

CdImportType
cd_import_type_from_code (const char *code)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (types[i].code, code) == 0)
      return types[i].type;
  return CD_IMPORT_TYPE_UNKNOWN;
}

const char *
cd_import_type_to_mime (CdImportType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (types[i].type == type)
      return types[i].mime;
  return "application/octet-stream";
}

CdImportType
cd_import_type_from_mime (const char *mime)
{
  for (guint i = 0; mime && i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (types[i].mime, mime) == 0)
      return types[i].type;
  return CD_IMPORT_TYPE_UNKNOWN;
}

const char *
cd_import_type_to_label (CdImportType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (types[i].type == type)
      return types[i].label;
  return _("unknown");
}

char *
cd_import_format_size (guint64 bytes)
{
  if (bytes < 1024)
    return g_strdup_printf (_("%u bytes"), (guint) bytes);
  if (bytes < 1024 * 1024)
    return g_strdup_printf (_("%.0f KB"), bytes / 1024.0);
  return g_strdup_printf (_("%.1f MB"), bytes / (1024.0 * 1024.0));
}

gboolean
cd_import_read_header (const char *name, const guint8 *data, gsize len, CdImportHeader *out_header,
                       GError **error)
{
  CdImportHeader h = { 0 };
  CdImportType claimed = cd_import_type_from_name (name);

  g_return_val_if_fail (name != NULL, FALSE);

  if (len == 0)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_EMPTY,
                   _("“%s” is empty (0 bytes). Scan or copy the document again."), name);
      return FALSE;
    }
  h.type = cd_import_sniff (data, len);
  if (h.type == CD_IMPORT_TYPE_UNKNOWN)
    {
      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_UNKNOWN_TYPE,
                   _("“%s” is not a JPEG, PNG, BMP, TIFF or PDF file. Scan the document, or save it in one of "
                     "these formats."), name);
      return FALSE;
    }
  if (claimed != CD_IMPORT_TYPE_UNKNOWN && claimed != h.type)
    {
      const char *dot = strrchr (name, '.');

      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_WRONG_EXTENSION,
                   _("“%s” is named like a %s file (%s) but is a %s file. Rename it to .%s or choose the "
                     "right file."),
                   name, cd_import_type_to_label (claimed), dot, cd_import_type_to_label (h.type),
                   h.type == CD_IMPORT_TYPE_JPEG ? "jpg" : cd_import_type_to_code (h.type));
      return FALSE;
    }
  switch (h.type)
    {
    case CD_IMPORT_TYPE_JPEG:
      if (!read_jpeg (name, data, len, &h, error))
        return FALSE;
      break;
    case CD_IMPORT_TYPE_PNG:
      if (!read_png (name, data, len, &h, error))
        return FALSE;
      break;
    case CD_IMPORT_TYPE_BMP:
      if (!read_bmp (name, data, len, &h, error))
        return FALSE;
      break;
    case CD_IMPORT_TYPE_TIFF:
      if (!read_tiff (name, data, len, &h, error))
        return FALSE;
      break;
    case CD_IMPORT_TYPE_PDF:
    case CD_IMPORT_TYPE_UNKNOWN:
    default:
      break;
    }
  if (h.dpi < 0 || h.dpi > 10000)
    h.dpi = 0;
  *out_header = h;
  return TRUE;
}
