/* cd-seal-binary.c: the binary page: thresholded against the local paper, turned by the skew. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "cd-seal-private.h"
#include "cd-seal-boxes-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Pixels p, p + 1 ... of a 1 bpp row of @wpl words as one word, pixel p in the top bit (the
 * bits past the row's end are not pixels: the caller masks them). */
static inline l_uint32
bits_from (const l_uint32 *line, int wpl, int p)
{
  int k = p >> 5, s = p & 31;
  l_uint32 v = line[k] << s;

  if (s != 0 && k + 1 < wpl)
    v |= line[k + 1] >> (32 - s);
  return v;
}

/* pixRotateBySampling () of a 1 bpp page bringing in white, with the same arithmetic (float
 * sine and cosine, truncation toward zero), so the same pixels.  Hand-written because leptonica
 * spends most of it on line-pointer look-ups and a test of the colour brought in at every pixel,
 * and sets the bits one by one.  Here the source coordinates of a word of 32 pixels are computed
 * (four at a time in SSE2); at a small angle they run along one source row at a constant column
 * offset for tens of pixels, and each such stretch of the word is copied from the source row
 * as a block of bits.  Stretches that reach off the page take their pixels one by one. */
PIX *
cd_seal_rotate_binary (PIX *src, int xcen, int ycen, float angle)
{
  int w = pixGetWidth (src), h = pixGetHeight (src), wpl = pixGetWpl (src);
  PIX *dst;
  const l_uint32 *sdata = pixGetData (src);
  l_uint32 *ddata;
  float sina, cosa;

  if (fabsf (angle) < 0.001f)       /* leptonica's MIN_ANGLE_TO_ROTATE */
    return pixCopy (NULL, src);
  dst = pixCreateTemplate (src);
  ddata = pixGetData (dst);
  sina = sin (angle);
  cosa = cos (angle);
  for (int i = 0; i < h; i++)
    {
      int ydif = ycen - i;
      float ys = ydif * sina, yc = -ydif * cosa;
      l_uint32 *line = ddata + (gsize) i * wpl;

      for (int j0 = 0; j0 < w; j0 += 32)
        {
          l_uint32 word = 0;
          int xv[32], yv[32], n = MIN (32, w - j0), k = 0;

#ifdef __SSE2__
          /* the source coordinates of four pixels at once: the same float products and
           * differences, truncated as the (l_int32) casts do */
          for (; k + 4 <= n; k += 4)
            {
              __m128 xdif = _mm_cvtepi32_ps (_mm_setr_epi32 (xcen - j0 - k, xcen - j0 - k - 1,
                                                             xcen - j0 - k - 2, xcen - j0 - k - 3));
              __m128i xs = _mm_cvttps_epi32 (_mm_sub_ps (_mm_mul_ps (_mm_sub_ps (_mm_setzero_ps (), xdif), _mm_set1_ps (cosa)),
                                                          _mm_set1_ps (ys)));
              __m128i ysrc = _mm_cvttps_epi32 (_mm_add_ps (_mm_set1_ps (yc), _mm_mul_ps (xdif, _mm_set1_ps (sina))));

              _mm_storeu_si128 ((__m128i *) (xv + k), _mm_add_epi32 (xs, _mm_set1_epi32 (xcen)));
              _mm_storeu_si128 ((__m128i *) (yv + k), _mm_add_epi32 (ysrc, _mm_set1_epi32 (ycen)));
            }
#endif
          for (; k < n; k++)
            {
              int xdif = xcen - (j0 + k);

              xv[k] = xcen + (l_int32) (-xdif * cosa - ys);
              yv[k] = ycen + (l_int32) (yc + xdif * sina);
            }
          for (k = 0; k < n;)
            {
              int x = xv[k], y = yv[k], e = k + 1;

              /* the stretch k .. e - 1 reads pixels x .. x + e - 1 - k of source row y */
              while (e < n && yv[e] == y && xv[e] - e == x - k)
                e++;
              if (y >= 0 && y <= h - 1 && x >= 0 && x + (e - k) - 1 <= w - 1)
                {
                  l_uint32 keep = e - k == 32 ? 0xffffffffu : ~(0xffffffffu >> (e - k));

                  word |= (bits_from (sdata + (gsize) y * wpl, wpl, x) & keep) >> k;
                  k = e;
                  continue;
                }
              for (; k < e; k++)
                if (xv[k] >= 0 && xv[k] <= w - 1 && yv[k] >= 0 && yv[k] <= h - 1
                    && GET_DATA_BIT (sdata + (gsize) yv[k] * wpl, xv[k]))
                  word |= 0x80000000u >> k;
            }
          line[j0 >> 5] = word;
        }
    }
  return dst;
}

/* Dark against the paper around it: the threshold follows the paper's tone in blocks of about 6 mm
 * (the brightest of the block and its neighbours), so uneven light and a vignetted corner do not
 * turn into dark areas, and the desk around the sheet is measured against itself. */
PIX *
cd_seal_threshold_local (PIX *lo, double lo_ppmm, double level)
{
  int w = pixGetWidth (lo), h = pixGetHeight (lo), wpl = pixGetWpl (lo);
  int block = MAX (8, (int) lround (6.0 * lo_ppmm));
  int gw = (w + block - 1) / block, gh = (h + block - 1) / block;
  g_autofree guint8 *bmax = g_new0 (guint8, (gsize) gw * gh);
  g_autofree guint8 *thr = g_new (guint8, (gsize) gw * gh);
  PIX *bin = pixCreate (w, h, 1);
  const l_uint32 *data = pixGetData (lo);
  l_uint32 *bdata = pixGetData (bin);
  int bwpl = pixGetWpl (bin);

  /* a block at a time along the row: no division per pixel */
  for (int y = 0; y < h; y++)
    {
      const l_uint32 *line = data + (gsize) y * wpl;
      guint8 *bm = bmax + (gsize) (y / block) * gw;

      for (int gx = 0, x0 = 0; gx < gw; gx++, x0 += block)
        {
          guint8 m = bm[gx];

          for (int x = x0; x < MIN (w, x0 + block); x++)
            m = MAX (m, GET_DATA_BYTE (line, x));
          bm[gx] = m;
        }
    }
  for (int gy = 0; gy < gh; gy++)
    for (int gx = 0; gx < gw; gx++)
      {
        int m = 0;

        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            {
              int yy = CLAMP (gy + dy, 0, gh - 1), xx = CLAMP (gx + dx, 0, gw - 1);

              m = MAX (m, bmax[yy * gw + xx]);
            }
        thr[gy * gw + gx] = (guint8) (level * m);
      }
  for (int y = 0; y < h; y++)
    {
      const l_uint32 *line = data + (gsize) y * wpl;
      l_uint32 *bline = bdata + (gsize) y * bwpl;
      const guint8 *t = thr + (gsize) (y / block) * gw;

      for (int gx = 0, x0 = 0; gx < gw; gx++, x0 += block)
        for (int x = x0; x < MIN (w, x0 + block); x++)
          if (GET_DATA_BYTE (line, x) < t[gx])
            SET_DATA_BIT (bline, x);
    }
  return bin;
}
