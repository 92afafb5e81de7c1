/* cd-forms-subset.c: a TrueType subset holding only the characters a PDF prints, for libharu to embed.
 *
 * Why: libharu 2.3 "subsets" a TrueType font by blanking unused glyphs but still embeds every glyph's
 * metrics, location and name (for WenQuanYi Zen Hei: ~800 KB before compression), and builds a width
 * array over all of Unicode. Saving a PDF cost ~120 ms. Given a font that holds only the few hundred
 * glyphs a set of forms uses, libharu's own embedding is small and fast. The forms are drawn twice: a
 * first pass records the characters (with the metrics read here, identical to libharu's), the second
 * draws with the subset. Anything unexpected in the font makes cd_forms_ttf_subset() fail, and the
 * caller embeds the original font instead. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-forms-private.h"

struct _CdFormsTtf {
  GMappedFile  *file;
  const guint8 *data;
  gsize         len;
  gsize         dir;          /* offset of the table directory of the face */
  guint16       n_tables;
  const guint8 *head, *hhea, *maxp, *hmtx, *loca, *glyf, *cmap4;
  gsize         head_len, hhea_len, maxp_len, hmtx_len, loca_len, glyf_len, cmap4_len;
  guint16       upem;
  guint16       n_hmetrics;
  guint16       n_glyphs;
  gboolean      long_loca;
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

static void
set16 (guint8 *p, guint16 v)
{
  p[0] = v >> 8;
  p[1] = v & 0xFF;
}

static const guint8 *
find_table (CdFormsTtf *f, const char *tag, gsize *out_len)
{
  for (guint i = 0; i < f->n_tables; i++)
    {
      const guint8 *e = f->data + f->dir + 12 + 16 * i;
      guint32 off = u32 (e + 8), len = u32 (e + 12);

      if (memcmp (e, tag, 4) != 0)
        continue;
      if (off > f->len || len > f->len - off)
        return NULL;
      *out_len = len;
      return f->data + off;
    }
  return NULL;
}

static gboolean
fail (GError **error, const char *path, const char *what)
{
  g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT, _("The font %s cannot be subset: %s"), path, what);
  return FALSE;
}

/* The Unicode BMP subtable (platform 3, encoding 1, format 4): the one libharu reads too. */
static gboolean
find_cmap4 (CdFormsTtf *f, const guint8 *cmap, gsize len)
{
  if (len < 4)
    return FALSE;
  for (guint i = 0, n = u16 (cmap + 2); i < n && 4 + 8 * (i + 1) <= len; i++)
    {
      const guint8 *e = cmap + 4 + 8 * i;
      guint32 off = u32 (e + 4);

      if (u16 (e) == 3 && u16 (e + 2) == 1 && off + 4 <= len && u16 (cmap + off) == 4)
        {
          f->cmap4 = cmap + off;
          f->cmap4_len = MIN (u16 (cmap + off + 2), len - off);
          return f->cmap4_len >= 14;
        }
    }
  return FALSE;
}

CdFormsTtf *
cd_forms_ttf_open (const char *path, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CdFormsTtf) f = g_new0 (CdFormsTtf, 1);
  const guint8 *cmap;
  gsize cmap_len;

  f->file = g_mapped_file_new (path, FALSE, &local_error);
  if (!f->file)
    {
      fail (error, path, local_error->message);
      return NULL;
    }
  f->data = (const guint8 *) g_mapped_file_get_contents (f->file);
  f->len = g_mapped_file_get_length (f->file);
  if (f->len < 12)
    return fail (error, path, "too short"), NULL;
  /* A collection: its first face, as libharu is asked for index 0. */
  if (memcmp (f->data, "ttcf", 4) == 0)
    {
      if (f->len < 16 || u32 (f->data + 8) == 0)
        return fail (error, path, "empty collection"), NULL;
      f->dir = u32 (f->data + 12);
    }
  if (f->dir + 12 > f->len || (u32 (f->data + f->dir) != 0x00010000 && memcmp (f->data + f->dir, "true", 4) != 0))
    return fail (error, path, "not TrueType outlines"), NULL;
  f->n_tables = u16 (f->data + f->dir + 4);
  if (f->dir + 12 + 16 * (gsize) f->n_tables > f->len)
    return fail (error, path, "truncated table directory"), NULL;

  if (!(f->head = find_table (f, "head", &f->head_len)) || f->head_len < 54
      || !(f->hhea = find_table (f, "hhea", &f->hhea_len)) || f->hhea_len < 36
      || !(f->maxp = find_table (f, "maxp", &f->maxp_len)) || f->maxp_len < 6
      || !(f->hmtx = find_table (f, "hmtx", &f->hmtx_len))
      || !(f->loca = find_table (f, "loca", &f->loca_len))
      || !(f->glyf = find_table (f, "glyf", &f->glyf_len))
      || !(cmap = find_table (f, "cmap", &cmap_len)) || !find_cmap4 (f, cmap, cmap_len))
    return fail (error, path, "a required table is missing"), NULL;
  f->upem = u16 (f->head + 18);
  f->long_loca = u16 (f->head + 50) == 1;
  f->n_glyphs = u16 (f->maxp + 4);
  f->n_hmetrics = u16 (f->hhea + 34);
  if (f->upem == 0 || f->n_hmetrics == 0 || f->n_hmetrics > f->n_glyphs || f->hmtx_len < 4u * f->n_hmetrics
      || f->loca_len < (f->long_loca ? 4u : 2u) * (f->n_glyphs + 1u))
    return fail (error, path, "inconsistent metrics"), NULL;
  return g_steal_pointer (&f);
}

void
cd_forms_ttf_free (CdFormsTtf *f)
{
  if (!f)
    return;
  g_clear_pointer (&f->file, g_mapped_file_unref);
  g_free (f);
}

static guint16
glyph_for (const CdFormsTtf *f, gunichar c)
{
  const guint8 *t = f->cmap4;
  guint segs = u16 (t + 6) / 2;
  const guint8 *ends = t + 14, *starts = ends + 2 * segs + 2, *deltas = starts + 2 * segs, *ranges = deltas + 2 * segs;

  if (c > 0xFFFF || (gsize) (ranges + 2 * segs - t) > f->cmap4_len)
    return 0;
  {
    guint lo = 0, hi = segs;
    guint16 start, ro;
    const guint8 *g;

    /* the first segment that ends at or after @c */
    while (lo < hi)
      {
        guint mid = (lo + hi) / 2;

        if (u16 (ends + 2 * mid) < c)
          lo = mid + 1;
        else
          hi = mid;
      }
    if (lo == segs)
      return 0;
    start = u16 (starts + 2 * lo);
    ro = u16 (ranges + 2 * lo);
    if (c < start)
      return 0;
    if (ro == 0)
      return (guint16) (c + u16 (deltas + 2 * lo));
    g = ranges + 2 * lo + ro + 2 * (c - start);
    if ((gsize) (g + 2 - t) > f->cmap4_len || u16 (g) == 0)
      return 0;
    return (guint16) (u16 (g) + u16 (deltas + 2 * lo));
  }
}

static guint
advance_of (const CdFormsTtf *f, guint16 gid)
{
  guint i = MIN (gid, f->n_hmetrics - 1u);

  return u16 (f->hmtx + 4 * i);
}

/* The advance in 1/1000 em, computed as libharu computes it, so that both passes break lines alike. */
guint
cd_forms_ttf_advance (const CdFormsTtf *f, gunichar c)
{
  guint16 gid = glyph_for (f, c);

  if (gid >= f->n_glyphs)
    gid = 0;
  return advance_of (f, gid) * 1000 / f->upem;
}

static gboolean
glyph_span (const CdFormsTtf *f, guint16 gid, guint32 *off, guint32 *len)
{
  guint32 a, b;

  if (gid >= f->n_glyphs)
    return FALSE;
  a = f->long_loca ? u32 (f->loca + 4 * gid) : 2u * u16 (f->loca + 2 * gid);
  b = f->long_loca ? u32 (f->loca + 4 * (gid + 1)) : 2u * u16 (f->loca + 2 * (gid + 1));
  if (b < a || b > f->glyf_len)
    return FALSE;
  *off = a;
  *len = b - a;
  return TRUE;
}

/* Calls @fn on every component reference (the offset of its glyph index) of a composite glyph. */
static gboolean
walk_components (const guint8 *g, guint32 len, gboolean (*fn) (gsize at, guint16 gid, gpointer), gpointer data)
{
  gsize p = 10;
  guint16 flags;

  if (len < 10 || (gint16) u16 (g) >= 0)
    return TRUE;
  do
    {
      if (p + 4 > len)
        return FALSE;
      flags = u16 (g + p);
      if (!fn (p + 2, u16 (g + p + 2), data))
        return FALSE;
      p += 4 + ((flags & 0x0001) ? 4 : 2);
      if (flags & 0x0008)
        p += 2;
      else if (flags & 0x0040)
        p += 4;
      else if (flags & 0x0080)
        p += 8;
    }
  while (flags & 0x0020);
  return p <= len;
}

typedef struct {
  const CdFormsTtf *f;
  GHashTable       *map;     /* old gid → new gid + 1 */
  GArray           *order;   /* guint16 old gids in new order */
  guint             depth;
} Collect;

static gboolean add_glyph (Collect *c, guint16 gid);

static gboolean
on_component_cb (gsize at, guint16 gid, gpointer data)
{
  return add_glyph (data, gid);
}

static gboolean
add_glyph (Collect *c, guint16 gid)
{
  guint32 off, len;
  gboolean ok;

  if (g_hash_table_contains (c->map, GUINT_TO_POINTER (gid)))
    return TRUE;
  if (!glyph_span (c->f, gid, &off, &len) || c->depth > 8)
    return FALSE;
  g_hash_table_insert (c->map, GUINT_TO_POINTER (gid), GUINT_TO_POINTER (c->order->len + 1));
  g_array_append_val (c->order, gid);
  c->depth++;
  ok = walk_components (c->f->glyf + off, len, on_component_cb, c);
  c->depth--;
  return ok;
}

typedef struct {
  guint8     *g;
  GHashTable *map;
} Remap;

static gboolean
on_remap_cb (gsize at, guint16 gid, gpointer data)
{
  Remap *r = data;

  set16 (r->g + at, GPOINTER_TO_UINT (g_hash_table_lookup (r->map, GUINT_TO_POINTER (gid))) - 1);
  return TRUE;
}

typedef struct {
  gunichar code;
  guint16  gid;
} CharGlyph;

static int
compare_codes (gconstpointer a, gconstpointer b)
{
  return (int) ((const CharGlyph *) a)->code - (int) ((const CharGlyph *) b)->code;
}

/* cmap with one format-4 subtable: one segment per character, and the closing 0xFFFF segment. */
static void
write_cmap (GByteArray *t, GArray *chars)
{
  guint segs = chars->len + 1, entry = 0;
  guint16 search = 2;

  while (search * 2 <= segs * 2)
    {
      search *= 2;
      entry++;
    }
  put16 (t, 0);
  put16 (t, 1);
  put16 (t, 3);
  put16 (t, 1);
  put32 (t, 12);
  put16 (t, 4);
  put16 (t, 16 + 8 * segs);
  put16 (t, 0);
  put16 (t, 2 * segs);
  put16 (t, search);
  put16 (t, entry);
  put16 (t, 2 * segs - search);
  for (guint i = 0; i < chars->len; i++)
    put16 (t, g_array_index (chars, CharGlyph, i).code);
  put16 (t, 0xFFFF);
  put16 (t, 0);
  for (guint i = 0; i < chars->len; i++)
    put16 (t, g_array_index (chars, CharGlyph, i).code);
  put16 (t, 0xFFFF);
  for (guint i = 0; i < chars->len; i++)
    {
      const CharGlyph *cg = &g_array_index (chars, CharGlyph, i);
      put16 (t, (guint16) (cg->gid - cg->code));
    }
  put16 (t, 1);
  for (guint i = 0; i < segs; i++)
    put16 (t, 0);
}

typedef struct {
  char        tag[5];
  GByteArray *data;
} Table;

static void
add_table (GArray *tables, const char *tag, GByteArray *data)
{
  Table t = { { 0 }, data };

  if (data == NULL)
    return;
  memcpy (t.tag, tag, 4);
  g_array_append_val (tables, t);
}

static guint32
checksum (const guint8 *p, gsize len)
{
  guint32 sum = 0;

  for (gsize i = 0; i < len; i += 4)
    {
      guint8 w[4] = { 0 };
      memcpy (w, p + i, MIN (4, len - i));
      sum += u32 (w);
    }
  return sum;
}

static GByteArray *
copy_table (CdFormsTtf *f, const char *tag)
{
  gsize len;
  const guint8 *p = find_table (f, tag, &len);
  GByteArray *b;

  if (!p)
    return NULL;
  b = g_byte_array_sized_new (len);
  g_byte_array_append (b, p, len);
  return b;
}

GBytes *
cd_forms_ttf_subset (CdFormsTtf *f, GHashTable *chars, GError **error)
{
  static const char *const kept[] = { "OS/2", "cvt ", "fpgm", "name", "prep", NULL };
  g_autoptr(GHashTable) map = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (CharGlyph));
  g_autoptr(GArray) tables = g_array_new (FALSE, TRUE, sizeof (Table));
  Collect col = { f, map, order, 0 };
  GByteArray *glyf, *loca, *hmtx, *cmap, *head, *hhea, *maxp, *post;
  GByteArray *out;
  GHashTableIter it;
  gpointer key;
  guint16 n;

  if (!add_glyph (&col, 0))
    return fail (error, "(subset)", ".notdef is broken"), NULL;
  g_hash_table_iter_init (&it, chars);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      CharGlyph cg = { GPOINTER_TO_UINT (key), glyph_for (f, GPOINTER_TO_UINT (key)) };

      if (cg.code > 0xFFFE || cg.gid == 0 || cg.gid >= f->n_glyphs)
        continue;
      if (!add_glyph (&col, cg.gid))
        return fail (error, "(subset)", "a glyph is out of bounds"), NULL;
      g_array_append_val (codes, cg);
    }
  g_array_sort (codes, compare_codes);
  for (guint i = 0; i < codes->len; i++)
    {
      CharGlyph *cg = &g_array_index (codes, CharGlyph, i);
      cg->gid = GPOINTER_TO_UINT (g_hash_table_lookup (map, GUINT_TO_POINTER (cg->gid))) - 1;
    }
  n = order->len;

  glyf = g_byte_array_new ();
  loca = g_byte_array_new ();
  hmtx = g_byte_array_new ();
  for (guint i = 0; i < n; i++)
    {
      guint16 old = g_array_index (order, guint16, i);
      guint32 off, len;
      guint li = MIN (old, f->n_hmetrics - 1u);
      gint16 lsb = old < f->n_hmetrics ? (gint16) u16 (f->hmtx + 4 * old + 2)
                   : (4u * f->n_hmetrics + 2u * (old - f->n_hmetrics) + 2 <= f->hmtx_len
                        ? (gint16) u16 (f->hmtx + 4 * f->n_hmetrics + 2 * (old - f->n_hmetrics)) : 0);

      glyph_span (f, old, &off, &len);
      put32 (loca, glyf->len);
      if (len)
        {
          Remap r;
          guint start = glyf->len;

          g_byte_array_append (glyf, f->glyf + off, len);
          r.g = glyf->data + start;
          r.map = map;
          walk_components (r.g, len, on_remap_cb, &r);
          while (glyf->len % 4)
            g_byte_array_append (glyf, (const guint8 *) "\0", 1);
        }
      put16 (hmtx, u16 (f->hmtx + 4 * li));
      put16 (hmtx, (guint16) lsb);
    }
  put32 (loca, glyf->len);

  cmap = g_byte_array_new ();
  write_cmap (cmap, codes);
  head = copy_table (f, "head");
  set16 (head->data + 50, 1);                 /* long loca offsets */
  memset (head->data + 8, 0, 4);              /* checkSumAdjustment, set below */
  hhea = copy_table (f, "hhea");
  set16 (hhea->data + 34, n);
  maxp = copy_table (f, "maxp");
  set16 (maxp->data + 4, n);
  post = g_byte_array_new ();                 /* version 3: no glyph names */
  put32 (post, 0x00030000);
  {
    gsize plen;
    const guint8 *p = find_table (f, "post", &plen);
    g_byte_array_append (post, p && plen >= 32 ? p + 4 : (const guint8 *) "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                                                                         "\0\0\0\0\0\0\0\0\0\0\0\0", 28);
  }

  for (guint i = 0; kept[i]; i++)
    add_table (tables, kept[i], copy_table (f, kept[i]));
  add_table (tables, "cmap", cmap);
  add_table (tables, "glyf", glyf);
  add_table (tables, "head", head);
  add_table (tables, "hhea", hhea);
  add_table (tables, "hmtx", hmtx);
  add_table (tables, "loca", loca);
  add_table (tables, "maxp", maxp);
  add_table (tables, "post", post);

  {
    guint nt = tables->len, es = 0;
    guint16 sr = 1;
    guint32 offset, head_at = 0;

    /* the directory is sorted by tag */
    for (guint i = 0; i < nt; i++)
      for (guint j = i + 1; j < nt; j++)
        if (memcmp (g_array_index (tables, Table, j).tag, g_array_index (tables, Table, i).tag, 4) < 0)
          {
            Table tmp = g_array_index (tables, Table, i);
            g_array_index (tables, Table, i) = g_array_index (tables, Table, j);
            g_array_index (tables, Table, j) = tmp;
          }
    while (sr * 2 <= nt)
      {
        sr *= 2;
        es++;
      }
    out = g_byte_array_new ();
    put32 (out, 0x00010000);
    put16 (out, nt);
    put16 (out, sr * 16);
    put16 (out, es);
    put16 (out, nt * 16 - sr * 16);
    offset = 12 + 16 * nt;
    for (guint i = 0; i < nt; i++)
      {
        Table *t = &g_array_index (tables, Table, i);

        g_byte_array_append (out, (const guint8 *) t->tag, 4);
        put32 (out, checksum (t->data->data, t->data->len));
        put32 (out, offset);
        put32 (out, t->data->len);
        if (g_str_equal (t->tag, "head"))
          head_at = offset;
        offset += (t->data->len + 3) & ~3u;
      }
    for (guint i = 0; i < nt; i++)
      {
        Table *t = &g_array_index (tables, Table, i);

        g_byte_array_append (out, t->data->data, t->data->len);
        while (out->len % 4)
          g_byte_array_append (out, (const guint8 *) "\0", 1);
        g_byte_array_unref (t->data);
      }
    {
      guint32 adj = 0xB1B0AFBA - checksum (out->data, out->len);
      guint8 *p = out->data + head_at + 8;
      p[0] = adj >> 24;
      p[1] = (adj >> 16) & 0xFF;
      p[2] = (adj >> 8) & 0xFF;
      p[3] = adj & 0xFF;
    }
  }
  return g_byte_array_free_to_bytes (out);
}
