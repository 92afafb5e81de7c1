/* test-seal-lines.c: the box-line masks of seal extraction give leptonica's pixels exactly. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <leptonica/allheaders.h>

#include "cd-seal-private.h"

/* What cd_seal_line_masks () replaces (cd-seal-boxes.c used to call it). */
static void
leptonica_masks (PIX *rot, int gap, int len, PIX **out_h, PIX **out_v)
{
  PIX *tmp = pixDilateBrick (NULL, rot, 1, 3);

  pixCloseSafeBrick (tmp, tmp, gap, 1);
  *out_h = pixOpenCompBrick (NULL, tmp, len, 1);
  pixDestroy (&tmp);
  tmp = pixDilateBrick (NULL, rot, 3, 1);
  pixCloseSafeBrick (tmp, tmp, 1, gap);
  *out_v = pixOpenCompBrick (NULL, tmp, 1, len);
  pixDestroy (&tmp);
}

/* Every word, the padding bits past the width included (connected components read whole words). */
static gboolean
same_words (PIX *a, PIX *b)
{
  return pixGetWidth (a) == pixGetWidth (b) && pixGetHeight (a) == pixGetHeight (b)
         && pixGetWpl (a) == pixGetWpl (b)
         && memcmp (pixGetData (a), pixGetData (b), (gsize) pixGetWpl (a) * pixGetHeight (a) * 4) == 0;
}

/* A page of noise, strokes and long broken lines, some touching the edges; garbage in the
 * padding bits on some pages (the masks must not read them). */
static PIX *
random_page (GRand *rand, int w, int h)
{
  PIX *pix = pixCreate (w, h, 1);
  l_uint32 *data = pixGetData (pix);
  int wpl = pixGetWpl (pix), density = g_rand_int_range (rand, 0, 30);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (g_rand_int_range (rand, 0, 100) < density)
        SET_DATA_BIT (data + (gsize) y * wpl, x);
  for (int k = 0; k < 20; k++)
    {
      int y = g_rand_int_range (rand, 0, h), x0 = g_rand_int_range (rand, -20, w), n = g_rand_int_range (rand, 1, 300);
      int x = g_rand_int_range (rand, 0, w), y0 = g_rand_int_range (rand, -20, h), m = g_rand_int_range (rand, 1, 300);

      for (int i = MAX (0, x0); i < MIN (w, x0 + n); i++)
        if (g_rand_int_range (rand, 0, 12) != 0)
          SET_DATA_BIT (data + (gsize) y * wpl, i);
      for (int i = MAX (0, y0); i < MIN (h, y0 + m); i++)
        if (g_rand_int_range (rand, 0, 12) != 0)
          SET_DATA_BIT (data + (gsize) i * wpl, x);
    }
  if ((w & 31) != 0 && g_rand_boolean (rand))
    for (int y = 0; y < h; y++)
      data[(gsize) y * wpl + wpl - 1] |= 0xffffffffu >> (w & 31);
  return pix;
}

static void
test_line_masks_match_leptonica (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260417);

  setMsgSeverity (L_SEVERITY_NONE);
  for (int t = 0; t < 120; t++)
    {
      /* small pages first: every line there reaches an edge */
      int w = g_rand_int_range (rand, 1, t < 40 ? 70 : 420);
      int h = g_rand_int_range (rand, 1, t < 40 ? 70 : 420);
      int gap = t % 5 == 0 ? 1 : g_rand_int_range (rand, 1, 15) | 1;
      int len = t % 7 == 0 ? g_rand_int_range (rand, 1, 5) : g_rand_int_range (rand, 8, 70);
      PIX *page = random_page (rand, w, h), *h1, *v1, *h2, *v2;

      leptonica_masks (page, gap, len, &h1, &v1);
      cd_seal_line_masks (page, gap, len, &h2, &v2);
      if (!same_words (h1, h2) || !same_words (v1, v2))
        g_test_message ("page %d×%d, gap %d, length %d: horizontal %s, vertical %s", w, h, gap, len,
                        same_words (h1, h2) ? "same" : "differs", same_words (v1, v2) ? "same" : "differs");
      g_assert_true (same_words (h1, h2));
      g_assert_true (same_words (v1, v2));
      pixDestroy (&h1);
      pixDestroy (&v1);
      pixDestroy (&h2);
      pixDestroy (&v2);
      pixDestroy (&page);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imaging/seal/line-masks", test_line_masks_match_leptonica);
  return g_test_run ();
}
