/* cd-forms-subset.c: a TrueType font's coverage and metrics, and a subset of it (HarfBuzz) for libharu to embed.
 *
 * Why a subset: libharu 2.3 "subsets" a TrueType font by blanking unused glyphs but still embeds every
 * glyph's metrics, location and name (for WenQuanYi Zen Hei: ~800 KB before compression). Given a font that
 * holds only the few hundred glyphs a set of forms uses, libharu's own embedding is small and fast. The
 * forms are drawn twice: a first pass records the characters (with the metrics read here, identical to
 * libharu's), the second draws with the subsets.
 *
 * Why our own cmap in the subset: libharu 2.3 (and 2.4) reads only the Unicode BMP cmap (platform 3,
 * encoding 1, format 4), and its UTF-8 encoder turns every character above U+FFFF into a space. So the text
 * is not drawn with the characters' code points but with 16-bit *codes* the subset assigns: code =
 * CODE_BASE + the character's glyph id in the subset, mapped by a one-segment format-4 cmap written here
 * in place of HarfBuzz's. A character beyond the BMP (CJK Extension B and later: 𠮷 U+20BB7) is then
 * drawn like any other; the ToUnicode CMap (cd-forms-tounicode.c) tells readers the real characters. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <hb-subset.h>
#include <hb.h>
#include <string.h>

#include "cd-forms-private.h"

/* The first code of a subset: codes follow the subset's glyph ids (code = CODE_BASE + glyph id), clear of
 * the C0 controls a C string of codes would otherwise hold. */
#define CODE_BASE 0x0100

struct _CdFormsTtf {
  char      *path;
  hb_blob_t *blob;
  hb_face_t *face;
  hb_font_t *font;
  guint      upem;
  guint      n_glyphs;
};

static guint16
u16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static guint32
u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
put16 (GByteArray *b, guint16 v)
{
  guint8 x[2] = { v >> 8, v & 0xFF };
  g_byte_array_append (b, x, 2);
}

static void
put32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF };
  g_byte_array_append (b, x, 4);
}

static gboolean
fail (GError **error, const char *path, const char *what)
{
  g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT, _("The font %s cannot be used: %s"), path, what);
  return FALSE;
}

/* HarfBuzz reads a damaged file without complaint (a table cut off is simply empty), and libharu needs
 * TrueType outlines: so the table directory of the first face is checked here, before either sees it. */
static gboolean
check_directory (const guint8 *data, gsize len, const char *path, GError **error)
{
  static const char *const required[] = { "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", NULL };
  gsize dir = 0;
  guint n_tables;

  if (len < 12)
    return fail (error, path, _("the file is too short to be a font"));
  /* a collection: its first face, as libharu is asked for index 0 */
  if (memcmp (data, "ttcf", 4) == 0)
    {
      if (len < 16 || u32 (data + 8) == 0)
        return fail (error, path, _("the font collection is empty"));
      dir = u32 (data + 12);
    }
  if (dir > len - 12 || (u32 (data + dir) != 0x00010000 && memcmp (data + dir, "true", 4) != 0))
    return fail (error, path, _("it has no TrueType outlines (a TrueType .ttf or .ttc is expected)"));
  n_tables = u16 (data + dir + 4);
  if (dir + 12 + 16 * (gsize) n_tables > len)
    return fail (error, path, _("its table directory is cut off"));
  for (guint r = 0; required[r]; r++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < n_tables && !found; i++)
        {
          const guint8 *e = data + dir + 12 + 16 * i;
          guint32 off = u32 (e + 8), tlen = u32 (e + 12);

          if (memcmp (e, required[r], 4) != 0)
            continue;
          if (off > len || tlen > len - off)
            return fail (error, path, _("a table reaches beyond the end of the file (the file is damaged)"));
          found = TRUE;
        }
      if (!found)
        {
          g_autofree char *what = g_strdup_printf (_("its “%s” table is missing"), required[r]);
          return fail (error, path, what);
        }
    }
  return TRUE;
}

CdFormsTtf *
cd_forms_ttf_open (const char *path, GError **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  CdFormsTtf *f;
  hb_codepoint_t gid;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (!mapped)
    {
      fail (error, path, local_error->message);
      return NULL;
    }
  if (!check_directory ((const guint8 *) g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                        path, error))
    return NULL;

  f = g_atomic_rc_box_new0 (CdFormsTtf);
  f->path = g_strdup (path);
  /* HarfBuzz maps the file itself; the GMappedFile above only served the check. */
  f->blob = hb_blob_create_from_file_or_fail (path);
  f->face = f->blob ? hb_face_create (f->blob, 0) : NULL;
  f->font = f->face ? hb_font_create (f->face) : NULL;
  if (f->font)
    {
      f->upem = hb_face_get_upem (f->face);
      f->n_glyphs = hb_face_get_glyph_count (f->face);
    }
  /* A usable face maps Unicode: a CJK font has “中” and almost every font a space; one of our subsets
   * maps its codes from CODE_BASE + 1. */
  if (!f->font || f->upem == 0 || f->n_glyphs == 0
      || !(hb_font_get_nominal_glyph (f->font, ' ', &gid) || hb_font_get_nominal_glyph (f->font, 0x4E2D, &gid)
           || hb_font_get_nominal_glyph (f->font, CODE_BASE + 1, &gid)))
    {
      fail (error, path, _("it has no glyphs or no Unicode character map"));
      cd_forms_ttf_free (f);
      return NULL;
    }
  return f;
}

static void
ttf_clear (CdFormsTtf *f)
{
  g_clear_pointer (&f->font, hb_font_destroy);
  g_clear_pointer (&f->face, hb_face_destroy);
  g_clear_pointer (&f->blob, hb_blob_destroy);
  g_clear_pointer (&f->path, g_free);
}

CdFormsTtf *
cd_forms_ttf_ref (CdFormsTtf *f)
{
  return g_atomic_rc_box_acquire (f);
}

void
cd_forms_ttf_free (CdFormsTtf *f)
{
  if (f)
    g_atomic_rc_box_release_full (f, (GDestroyNotify) ttf_clear);
}

const char *
cd_forms_ttf_path (const CdFormsTtf *f)
{
  return f->path;
}

gboolean
cd_forms_ttf_has (const CdFormsTtf *f, gunichar c)
{
  hb_codepoint_t gid = 0;

  return hb_font_get_nominal_glyph (f->font, c, &gid) && gid != 0 && gid < f->n_glyphs;
}

/* The advance in 1/1000 em, computed as libharu computes it (integer division), so that both passes
 * break lines alike. A character the font lacks measures as .notdef. */
guint
cd_forms_ttf_advance (const CdFormsTtf *f, gunichar c)
{
  hb_codepoint_t gid = 0;

  if (!hb_font_get_nominal_glyph (f->font, c, &gid) || gid >= f->n_glyphs)
    gid = 0;
  return (guint) hb_font_get_glyph_h_advance (f->font, gid) * 1000 / f->upem;
}

/* A cmap with one Unicode BMP subtable (3, 1, format 4), the one libharu reads, mapping the codes
 * CODE_BASE + 1 … CODE_BASE + @n_glyphs - 1 to glyphs 1 … @n_glyphs - 1: one segment and the closing
 * 0xFFFF one. libharu looks up all 65,536 codes in it segment by segment when it loads a font, so a
 * segment per character (as a cmap of the characters' own code points needs) cost it ~20 ms a font. */
static hb_blob_t *
write_cmap (guint n_glyphs)
{
  g_autoptr(GByteArray) t = g_byte_array_new ();
  guint8 *data;
  gsize len;

  put16 (t, 0);                               /* version */
  put16 (t, 1);                               /* one subtable … */
  put16 (t, 3);                               /* … Windows … */
  put16 (t, 1);                               /* … Unicode BMP */
  put32 (t, 12);
  put16 (t, 4);                               /* format */
  put16 (t, 16 + 8 * 2);                      /* length */
  put16 (t, 0);                               /* language */
  put16 (t, 2 * 2);                           /* segCountX2 */
  put16 (t, 4);                               /* searchRange */
  put16 (t, 1);                               /* entrySelector */
  put16 (t, 0);                               /* rangeShift */
  put16 (t, CODE_BASE + n_glyphs - 1);        /* endCode */
  put16 (t, 0xFFFF);
  put16 (t, 0);                               /* reservedPad */
  put16 (t, CODE_BASE + 1);                   /* startCode */
  put16 (t, 0xFFFF);
  put16 (t, (guint16) (0x10000 - CODE_BASE)); /* idDelta: code - CODE_BASE */
  put16 (t, 1);
  put16 (t, 0);                               /* idRangeOffset */
  put16 (t, 0);
  len = t->len;
  data = g_byte_array_free (g_steal_pointer (&t), FALSE);
  return hb_blob_create ((const char *) data, len, HB_MEMORY_MODE_READONLY, data, g_free);
}

GBytes *
cd_forms_ttf_subset (CdFormsTtf *f, GHashTable *chars, GError **error)
{
  /* Tables libharu never embeds (it writes its 13 TrueType tables): dropping them spares HarfBuzz the
   * work, and the layout tables would pull their substitutes (vertical forms, ligatures) into the subset. */
  static const char *const dropped[] = {
    "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "morx", "mort", "kerx", "kern", "vhea", "vmtx", "VORG",
    "EBDT", "EBLC", "EBSC", "CBDT", "CBLC", "sbix", "SVG ", "COLR", "CPAL", "DSIG", "hdmx", "LTSH", "VDMX",
    "gasp", "PCLT", "STAT", "meta", NULL
  };
  hb_subset_input_t *input;
  hb_set_t *unicodes, *drop;
  hb_face_t *sub, *builder;
  hb_font_t *sub_font;
  hb_blob_t *blob, *cmap;
  unsigned int n_tags, offset = 0, n_glyphs;
  hb_tag_t tags[64];
  GHashTableIter it;
  gpointer key;
  const char *data;
  guint len;
  GBytes *bytes;

  input = hb_subset_input_create_or_fail ();
  if (!input)
    return fail (error, f->path, _("out of memory")), NULL;
  unicodes = hb_subset_input_unicode_set (input);
  g_hash_table_iter_init (&it, chars);
  while (g_hash_table_iter_next (&it, &key, NULL))
    hb_set_add (unicodes, GPOINTER_TO_UINT (key));
  drop = hb_subset_input_set (input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (guint i = 0; dropped[i]; i++)
    hb_set_add (drop, hb_tag_from_string (dropped[i], 4));
  /* Hinting serves screens at small sizes; poppler and printers render unhinted. */
  hb_subset_input_set_flags (input, HB_SUBSET_FLAGS_NO_HINTING);
  sub = hb_subset_or_fail (f->face, input);
  hb_subset_input_destroy (input);
  if (!sub)
    return fail (error, f->path, _("HarfBuzz could not cut it down to the characters printed")), NULL;

  /* The subset's glyph of each character, and the code the PDF draws it with. */
  sub_font = hb_font_create (sub);
  n_glyphs = hb_face_get_glyph_count (sub);
  g_hash_table_iter_init (&it, chars);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      hb_codepoint_t gid = 0;

      if (!hb_font_get_nominal_glyph (sub_font, GPOINTER_TO_UINT (key), &gid) || gid == 0 || gid >= n_glyphs)
        gid = 0;
      g_hash_table_iter_replace (&it, GUINT_TO_POINTER (gid ? CODE_BASE + gid : 0));
    }
  hb_font_destroy (sub_font);
  if (n_glyphs < 2 || CODE_BASE + n_glyphs > 0xD800)
    {
      hb_face_destroy (sub);
      return fail (error, f->path, _("HarfBuzz could not cut it down to the characters printed")), NULL;
    }

  /* The subset's tables, with our cmap instead of HarfBuzz's. hb_subset_or_fail() gives a face builder,
   * which lists no tables: the font it writes is read back first. */
  blob = hb_face_reference_blob (sub);
  hb_face_destroy (sub);
  sub = hb_face_create (blob, 0);
  hb_blob_destroy (blob);
  builder = hb_face_builder_create ();
  do
    {
      n_tags = G_N_ELEMENTS (tags);
      hb_face_get_table_tags (sub, offset, &n_tags, tags);
      for (guint i = 0; i < n_tags; i++)
        {
          hb_blob_t *t;

          if (tags[i] == HB_TAG ('c', 'm', 'a', 'p'))
            continue;
          t = hb_face_reference_table (sub, tags[i]);
          hb_face_builder_add_table (builder, tags[i], t);
          hb_blob_destroy (t);
        }
      offset += n_tags;
    }
  while (n_tags == G_N_ELEMENTS (tags));
  cmap = write_cmap (n_glyphs);
  hb_face_builder_add_table (builder, HB_TAG ('c', 'm', 'a', 'p'), cmap);
  hb_blob_destroy (cmap);
  blob = hb_face_reference_blob (builder);
  hb_face_destroy (builder);
  hb_face_destroy (sub);

  data = hb_blob_get_data (blob, &len);
  if (len == 0)
    {
      hb_blob_destroy (blob);
      return fail (error, f->path, _("HarfBuzz could not write the cut-down font")), NULL;
    }
  bytes = g_bytes_new_with_free_func (data, len, (GDestroyNotify) hb_blob_destroy, blob);
  return bytes;
}
