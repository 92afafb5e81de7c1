/* cd-forms-tounicode.c: the ToUnicode CMap of each embedded font, so that readers extract and search the text.
 *
 * Why we write it: libharu (2.3 and 2.4) gives a font with its UTF-8 encoder a "ToUnicode" stream that is
 * really an encoding CMap: it maps codes with `begincidrange`, an operator ISO 32000-1 §9.10.3 does not
 * allow in a ToUnicode CMap (only beginbfchar/beginbfrange). Poppler discards it with a warning on every
 * page, and its codes would be wrong anyway for the characters beyond the BMP, which our subsets draw with
 * private-use stand-ins (cd-forms-subset.c). libharu has no way to supply another, but the stream is an
 * ordinary libharu stream object until the document is saved: we empty it and write a correct CMap into it
 * when the font is loaded, before anything is drawn. No post-processing of the saved file is needed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-forms-private.h"

/* PDF allows at most 100 entries between a begin…/end… pair. */
#define BLOCK 100

typedef struct {
  guint16  code;
  gunichar c;
} Pair;

static int
compare_pairs (gconstpointer a, gconstpointer b)
{
  return (int) ((const Pair *) a)->code - (int) ((const Pair *) b)->code;
}

/* The destination string: UTF-16BE, a surrogate pair beyond the BMP. */
static void
append_utf16 (GString *s, gunichar c)
{
  if (c > 0xFFFF)
    g_string_append_printf (s, "<%04X%04X>", 0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
  else
    g_string_append_printf (s, "<%04X>", c);
}

typedef struct {
  guint16  lo, hi;
  gunichar c;
} Entry;

static void
write_blocks (GString *s, GArray *entries, const char *op)
{
  for (guint i = 0; i < entries->len; i += BLOCK)
    {
      guint n = MIN (BLOCK, entries->len - i);

      g_string_append_printf (s, "%u begin%s\n", n, op);
      for (guint j = i; j < i + n; j++)
        {
          const Entry *e = &g_array_index (entries, Entry, j);

          if (g_str_equal (op, "bfrange"))
            g_string_append_printf (s, "<%04X> <%04X> ", e->lo, e->hi);
          else
            g_string_append_printf (s, "<%04X> ", e->lo);
          append_utf16 (s, e->c);
          g_string_append_c (s, '\n');
        }
      g_string_append_printf (s, "end%s\n", op);
    }
}

/* @by_code: 16-bit code → the character it shows. A run of codes that show consecutive BMP characters
 * becomes one bfrange, as long as the codes share their first byte and the character's last byte does not
 * wrap (§9.10.3: only the last byte may vary within a range); everything else is a bfchar. */
char *
cd_forms_tounicode_cmap (GHashTable *by_code)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GArray) chars = g_array_new (FALSE, FALSE, sizeof (Entry));
  GString *s = g_string_new (NULL);
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, by_code);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      Pair p = { (guint16) GPOINTER_TO_UINT (key), GPOINTER_TO_UINT (value) };

      if (GPOINTER_TO_UINT (key) <= 0xFFFF && p.c != 0 && p.c <= 0x10FFFF && (p.c < 0xD800 || p.c > 0xDFFF))
        g_array_append_val (pairs, p);
    }
  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len;)
    {
      const Pair *a = &g_array_index (pairs, Pair, i);
      guint n = 1;

      while (i + n < pairs->len)
        {
          const Pair *b = &g_array_index (pairs, Pair, i + n);

          if (b->code != a->code + n || b->c != a->c + n || (b->code >> 8) != (a->code >> 8) || b->c > 0xFFFF
              || (b->c >> 8) != (a->c >> 8))
            break;
          n++;
        }
      {
        Entry e = { a->code, a->code + n - 1, a->c };
        g_array_append_val (n > 1 ? ranges : chars, e);
      }
      i += n;
    }

  g_string_append (s, "/CIDInit /ProcSet findresource begin\n"
                      "12 dict begin\n"
                      "begincmap\n"
                      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                      "/CMapName /Adobe-Identity-UCS def\n"
                      "/CMapType 2 def\n"
                      "1 begincodespacerange\n"
                      "<0000> <FFFF>\n"
                      "endcodespacerange\n");
  write_blocks (s, ranges, "bfrange");
  write_blocks (s, chars, "bfchar");
  g_string_append (s, "endcmap\n"
                      "CMapName currentdict /CMap defineresource pop\n"
                      "end\n"
                      "end\n");
  return g_string_free (s, FALSE);
}

gboolean
cd_forms_tounicode_set (HPDF_Doc pdf, HPDF_Font font, GHashTable *by_code)
{
  static const char *const encoding_keys[] = { "Type", "CMapName", "CIDSystemInfo", "WMode", NULL };
  g_autofree char *cmap = NULL;
  HPDF_Dict stream;

  /* libharu creates the stream in HPDF_GetFont (hpdf_font_cid.c, CreateCMap) and only compresses and
   * writes it when the document is saved. */
  stream = HPDF_Dict_GetItem (font, "ToUnicode", HPDF_OCLASS_DICT);
  if (!stream || !stream->stream || stream->stream->type != HPDF_STREAM_MEMORY)
    return FALSE;
  /* Its dictionary describes an encoding CMap (/Type /CMap, /CMapName /UTF-8 …); a ToUnicode stream
   * needs none of that, and /CIDSystemInfo Adobe-Identity-H would contradict the content. */
  for (guint i = 0; encoding_keys[i]; i++)
    HPDF_Dict_RemoveElement (stream, encoding_keys[i]);
  HPDF_MemStream_FreeData (stream->stream);
  cmap = cd_forms_tounicode_cmap (by_code);
  return HPDF_Stream_WriteStr (stream->stream, cmap) == HPDF_OK;
}
