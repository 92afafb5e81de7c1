/* cd-import-fit.c: upload rules of the profile, and re-encoding a scan until it fits them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "cd-import-fit.h"

/* 0.0254 m per inch: A4 is 297 mm on its long side. */
#define A4_LONG_INCHES (297.0 / 25.4)

static const int qualities_full[] = { 90, 80, 70, 60 };
static const int qualities_scaled[] = { 85, 75, 65 };

static gboolean
type_allowed (const char *const *types, CdImportType type)
{
  const char *code = cd_import_type_to_code (type);

  for (guint i = 0; types && types[i]; i++)
    if (code && g_ascii_strcasecmp (types[i], code) == 0)
      return TRUE;
  return FALSE;
}

static char *
allowed_labels (const char *const *types)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; types && types[i]; i++)
    {
      if (s->len)
        g_string_append (s, ", ");
      g_string_append (s, cd_import_type_to_label (cd_import_type_from_code (types[i])));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static GdkPixbuf *
flatten (GdkPixbuf *pixbuf)
{
  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    return g_object_ref (pixbuf);
  return gdk_pixbuf_composite_color_simple (pixbuf, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                                            GDK_INTERP_NEAREST, 255, 8, 0xFFFFFFFF, 0xFFFFFFFF);
}

static GBytes *
encode (GdkPixbuf *pixbuf, CdImportType type, int quality, double dpi, GError **error)
{
  g_autofree char *buffer = NULL;
  g_autofree char *q = g_strdup_printf ("%d", quality);
  g_autofree char *d = g_strdup_printf ("%d", (int) lround (dpi));
  gsize len = 0;
  gboolean ok;

  if (type == CD_IMPORT_TYPE_JPEG)
    ok = dpi > 0 ? gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", error, "quality", q, "x-dpi", d,
                                              "y-dpi", d, NULL)
                 : gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", error, "quality", q, NULL);
  else
    ok = dpi > 0 ? gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", error, "compression", "9", "x-dpi", d,
                                              "y-dpi", d, NULL)
                 : gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", error, "compression", "9", NULL);
  if (!ok)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buffer), len);
}

void
cd_import_candidate_free (CdImportCandidate *candidate)
{
  if (!candidate)
    return;
  g_clear_pointer (&candidate->bytes, g_bytes_unref);
  g_free (candidate->note);
  g_free (candidate);
}

gboolean
cd_import_check_upload (const char *name, CdImportType type, guint64 bytes, const char *const *upload_types,
                        gint64 upload_max_bytes, GError **error)
{
  if (!type_allowed (upload_types, type))
    {
      g_autofree char *allowed = allowed_labels (upload_types);

      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TYPE_NOT_ALLOWED,
                   _("“%s” is a %s file; this project accepts %s."), name, cd_import_type_to_label (type), allowed);
      return FALSE;
    }
  if (upload_max_bytes > 0 && bytes > (guint64) upload_max_bytes)
    {
      g_autofree char *size = cd_import_format_size (bytes);
      g_autofree char *max = cd_import_format_size (upload_max_bytes);

      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_OVER_LIMIT,
                   _("“%s” is %s; this project accepts scans up to %s."), name, size, max);
      return FALSE;
    }
  return TRUE;
}

CdImportCandidate *
cd_import_reencode_to_fit (const char *name, GdkPixbuf *pixbuf, double dpi, guint page,
                           const char *const *upload_types, gint64 upload_max_bytes, GCancellable *cancellable,
                           GError **error)
{
  g_autoptr(GdkPixbuf) flat = NULL;
  g_autofree char *max = cd_import_format_size (upload_max_bytes);
  CdImportType out;
  int w, h;
  double eff_dpi, min_scale;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);

  if (type_allowed (upload_types, CD_IMPORT_TYPE_JPEG))
    out = CD_IMPORT_TYPE_JPEG;
  else if (type_allowed (upload_types, CD_IMPORT_TYPE_PNG))
    out = CD_IMPORT_TYPE_PNG;
  else
    {
      g_autofree char *allowed = allowed_labels (upload_types);

      g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CANNOT_FIT,
                   _("“%s” cannot be converted automatically: this project accepts only %s."), name, allowed);
      return NULL;
    }
  flat = flatten (pixbuf);
  w = gdk_pixbuf_get_width (flat);
  h = gdk_pixbuf_get_height (flat);
  /* Unknown resolution: assume the picture spans an A4 page, the largest material on any checklist. */
  eff_dpi = dpi > 0 ? dpi : MAX (w, h) / A4_LONG_INCHES;
  min_scale = MIN (1.0, CD_IMPORT_MIN_DPI / eff_dpi);

  for (double scale = 1.0;; scale = MAX (min_scale, scale * 0.85))
    {
      g_autoptr(GdkPixbuf) scaled = NULL;
      const int *qs = scale == 1.0 ? qualities_full : qualities_scaled;
      guint nq = scale == 1.0 ? G_N_ELEMENTS (qualities_full) : G_N_ELEMENTS (qualities_scaled);
      int sw = MAX (1, (int) lround (w * scale)), sh = MAX (1, (int) lround (h * scale));

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      scaled = scale == 1.0 ? g_object_ref (flat) : gdk_pixbuf_scale_simple (flat, sw, sh, GDK_INTERP_BILINEAR);
      if (!scaled)
        break;
      if (out == CD_IMPORT_TYPE_PNG)
        nq = 1;
      for (guint i = 0; i < nq; i++)
        {
          g_autoptr(GBytes) bytes = encode (scaled, out, qs[i], dpi > 0 ? dpi * scale : 0, error);
          CdImportCandidate *c;
          g_autofree char *size = NULL;

          if (!bytes)
            return NULL;
          if ((gint64) g_bytes_get_size (bytes) > upload_max_bytes)
            continue;
          size = cd_import_format_size (g_bytes_get_size (bytes));
          c = g_new0 (CdImportCandidate, 1);
          c->page = page;
          c->type = out;
          c->bytes = g_steal_pointer (&bytes);
          c->reencoded = TRUE;
          c->width = sw;
          c->height = sh;
          if (out == CD_IMPORT_TYPE_JPEG)
            c->note = g_strdup_printf (_("Re-encoded as JPEG (quality %d, %d × %d pixels, about %.0f dpi): %s, "
                                         "within the %s limit"), qs[i], sw, sh, eff_dpi * scale, size, max);
          else
            c->note = g_strdup_printf (_("Re-encoded as PNG (%d × %d pixels, about %.0f dpi): %s, within the %s "
                                         "limit"), sw, sh, eff_dpi * scale, size, max);
          return c;
        }
      if (scale <= min_scale)
        break;
    }
  g_set_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CANNOT_FIT,
               _("“%s” cannot be made smaller than %s without going below %.0f dpi. Scan it again in grey at "
                 "%.0f dpi, or scan fewer pages into one file."),
               name, max, CD_IMPORT_MIN_DPI, CD_IMPORT_MIN_DPI);
  return NULL;
}

gboolean
cd_import_file_fit (CdImportFile *file, const char *const *upload_types, gint64 upload_max_bytes,
                    GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_import_candidate_free);
  g_autoptr(GError) why = NULL;

  g_return_val_if_fail (file != NULL, FALSE);

  if (cd_import_check_upload (file->name, file->type, g_bytes_get_size (file->bytes), upload_types,
                              upload_max_bytes, &why))
    {
      for (guint i = 0; i < file->pages->len; i++)
        {
          CdImportPage *page = g_ptr_array_index (file->pages, i);
          CdImportCandidate *c = g_new0 (CdImportCandidate, 1);

          c->page = page->page;
          c->type = file->type;
          c->bytes = g_bytes_ref (file->bytes);
          c->width = gdk_pixbuf_get_width (page->pixbuf);
          c->height = gdk_pixbuf_get_height (page->pixbuf);
          g_ptr_array_add (out, c);
        }
    }
  else
    {
      for (guint i = 0; i < file->pages->len; i++)
        {
          CdImportPage *page = g_ptr_array_index (file->pages, i);
          g_autofree char *label = page->page ? g_strdup_printf (_("%s, page %u"), file->name, page->page)
                                              : g_strdup (file->name);
          GError *local = NULL;
          CdImportCandidate *c = cd_import_reencode_to_fit (label, page->pixbuf, page->dpi, page->page,
                                                            upload_types, upload_max_bytes, cancellable, &local);
          char *note;

          if (!c)
            {
              if (g_error_matches (local, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CANNOT_FIT))
                g_prefix_error (&local, "%s ", why->message);
              g_propagate_error (error, local);
              return FALSE;
            }
          note = g_strdup_printf ("%s %s", why->message, c->note);
          g_free (c->note);
          c->note = note;
          g_ptr_array_add (out, c);
        }
    }
  g_ptr_array_set_size (file->candidates, 0);
  g_ptr_array_extend_and_steal (file->candidates, g_steal_pointer (&out));
  return TRUE;
}
