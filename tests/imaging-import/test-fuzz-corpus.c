/* test-fuzz-corpus.c: runs the libFuzzer entry point (fuzz-import.c) over malformed files generated here
 * (truncations, bit flips, lying headers), so every build exercises it, gcc included.
 * `test-fuzz-corpus --write-corpus DIR` writes the same files as a seed corpus for the real fuzzer. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-import-test-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static GPtrArray *
make_corpus (void)
{
  GPtrArray *corpus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *bases[] = {
    cd_test_image ("jpeg", 64, 48), cd_test_image ("png", 64, 48), cd_test_image ("bmp", 64, 48),
    cd_test_image ("tiff", 64, 48), cd_test_pdf (2, 200, 300),
  };
  guint32 seed = 2026;

  for (guint b = 0; b < G_N_ELEMENTS (bases); b++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (bases[b], &len);

      for (guint v = 0; v < 80; v++)
        {
          g_autofree guint8 *copy = g_malloc (len + 1);
          gsize n = len;

          copy[0] = (guint8) (b + v);                 /* the name the fuzz target gives the file */
          memcpy (copy + 1, data, len);
          if (v < 24)
            n = v < 16 ? v : len * (v - 15) / 9;     /* truncations: inside the header, then further on */
          else
            for (guint k = 0; k < 1 + v % 4; k++)
              {
                gsize at;

                seed = seed * 1103515245 + 12345;
                /* Most flips land in the first 64 bytes, where the headers are. */
                at = (v % 2 ? (seed >> 8) % MIN (len, 64) : (seed >> 8) % len);
                copy[1 + at] ^= (guint8) (1 << ((seed >> 4) % 8));
                if (v % 7 == 0)
                  copy[1 + at] = 0xFF;
              }
          g_ptr_array_add (corpus, g_bytes_new (copy, n + 1));
        }
      g_bytes_unref (bases[b]);
    }
  {
    /* Headers that lie about sizes and offsets. */
    static const guint8 bmp_huge[] = { 0, 'B', 'M', 0x40, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0,
                                       0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 1, 0, 24, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const guint8 tiff_far[] = { 3, 'I', 'I', '*', 0, 0xFF, 0xFF, 0xFF, 0xFF };
    static const guint8 tiff_loop[] = { 3, 'M', 'M', 0, '*', 0, 0, 0, 8, 0xFF, 0xFF };
    static const guint8 png_len[] = { 1, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0xFF, 0xFF, 0xFF, 0xFF,
                                      'I', 'H', 'D', 'R' };
    static const guint8 jpeg_zero[] = { 0, 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 8, 0, 0, 0, 0, 1, 1, 0x11, 0,
                                        0xFF, 0xDA, 0, 2, 0xFF, 0xD9 };
    static const guint8 jpeg_seg[] = { 0, 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0xFF, 0xD9 };
    static const guint8 pdf_hdr[] = { 4, '%', 'P', 'D', 'F', '-', '1', '.', '7', '\n', '%', '%', 'E', 'O', 'F' };

    g_ptr_array_add (corpus, g_bytes_new_static (bmp_huge, sizeof bmp_huge));
    g_ptr_array_add (corpus, g_bytes_new_static (tiff_far, sizeof tiff_far));
    g_ptr_array_add (corpus, g_bytes_new_static (tiff_loop, sizeof tiff_loop));
    g_ptr_array_add (corpus, g_bytes_new_static (png_len, sizeof png_len));
    g_ptr_array_add (corpus, g_bytes_new_static (jpeg_zero, sizeof jpeg_zero));
    g_ptr_array_add (corpus, g_bytes_new_static (jpeg_seg, sizeof jpeg_seg));
    g_ptr_array_add (corpus, g_bytes_new_static (pdf_hdr, sizeof pdf_hdr));
    g_ptr_array_add (corpus, g_bytes_new_static ("", 0));
    g_ptr_array_add (corpus, g_bytes_new_static ("\x01", 1));
  }
  {
    GBytes *huge = cd_test_png_claiming (30000, 30000);
    GByteArray *a = g_byte_array_new ();

    g_byte_array_append (a, (const guint8 *) "\x01", 1);
    g_byte_array_append (a, g_bytes_get_data (huge, NULL), g_bytes_get_size (huge));
    g_ptr_array_add (corpus, g_byte_array_free_to_bytes (a));
    g_bytes_unref (huge);
  }
  return corpus;
}

static void
test_corpus (void)
{
  g_autoptr(GPtrArray) corpus = make_corpus ();

  for (guint i = 0; i < corpus->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (corpus->pdata[i], &len);

      g_assert_cmpint (LLVMFuzzerTestOneInput (data, len), ==, 0);
    }
  g_test_message ("%u malformed files ran through the importer", corpus->len);
}

int
main (int argc, char **argv)
{
  if (argc == 3 && g_strcmp0 (argv[1], "--write-corpus") == 0)
    {
      g_autoptr(GPtrArray) corpus = make_corpus ();

      g_mkdir_with_parents (argv[2], 0700);
      for (guint i = 0; i < corpus->len; i++)
        {
          g_autofree char *name = g_strdup_printf ("seed-%04u", i);
          g_free (cd_test_write_file (argv[2], name, corpus->pdata[i]));
        }
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/fuzz-corpus", test_corpus);
  return g_test_run ();
}
