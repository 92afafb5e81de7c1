/* cd-seal-reduce.c: the reduced page (about 100 dpi) that box finding and the first ink pass read. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNELS 1
#endif

/* The reduced page has about this many pixels per millimetre. */
#define LO_PPMM 4.0

#ifdef HAVE_AVX2_KERNELS
/* The two passes below read every pixel of the page (or of the boxes) once and do a few
 * operations on it: that arithmetic, not the memory, is what they cost.  Where the processor has
 * AVX2 (asked once at run time; most x86-64 machines since 2013) they take 32 bytes a step
 * instead of 16; the same values. */
static gboolean
have_avx2 (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      __builtin_cpu_init ();
      g_once_init_leave (&once, __builtin_cpu_supports ("avx2") ? 2 : 1);
    }
  return once == 2;
}

/* cols[x] for x < the returned column (a multiple of 32): the darkest max(R, G, B) of page
 * column x over the block's r rows.  The byte minimum is taken over the rows before max(R, G, B)
 * is moved out of byte 1: a minimum of bytes is the minimum of each byte. */
__attribute__ ((target ("avx2"))) static int
dark_columns_avx2 (const l_uint32 *s0, int swpl, int r, int fw, guint8 *cols)
{
  const __m256i low = _mm256_set1_epi32 (0xff);
  /* packs and packus work within 128-bit halves: this puts the 4-pixel groups back in order */
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 2, 6, 3, 7);
  int x = 0;

  for (; x + 32 <= fw; x += 32)
    {
      __m256i mn[4], v[4];

      for (int k = 0; k < 4; k++)
        mn[k] = _mm256_set1_epi8 ((char) 0xff);
      for (int dy = 0; dy < r; dy++)
        {
          const l_uint32 *row = s0 + (gsize) dy * swpl + x;

          for (int k = 0; k < 4; k++)
            {
              __m256i p = _mm256_loadu_si256 ((const __m256i *) (row + 8 * k));
              __m256i m1 = _mm256_max_epu8 (p, _mm256_srli_epi32 (p, 8));

              mn[k] = _mm256_min_epu8 (mn[k], _mm256_max_epu8 (m1, _mm256_srli_epi32 (m1, 16)));
            }
        }
      for (int k = 0; k < 4; k++)
        v[k] = _mm256_and_si256 (_mm256_srli_epi32 (mn[k], 8), low);
      _mm256_storeu_si256 ((__m256i *) (cols + x),
                           _mm256_permutevar8x32_epi32 (_mm256_packus_epi16 (_mm256_packs_epi32 (v[0], v[1]),
                                                                             _mm256_packs_epi32 (v[2], v[3])),
                                                        order));
    }
  return x;
}

/* sums[4x .. 4x + 3] for x < the returned column (a multiple of 4): the four bytes of page column
 * x summed over the block's r rows, widened to 16 bits. */
__attribute__ ((target ("avx2"))) static int
mean_columns_avx2 (const l_uint32 *s0, int swpl, int r, int cols, guint16 *sums)
{
  int x = 0;

  for (; x + 8 <= cols; x += 8)
    {
      __m256i a = _mm256_setzero_si256 (), b = _mm256_setzero_si256 ();

      for (int dy = 0; dy < r; dy++)
        {
          const l_uint32 *row = s0 + (gsize) dy * swpl + x;

          a = _mm256_add_epi16 (a, _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) row)));
          b = _mm256_add_epi16 (b, _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (row + 4))));
        }
      _mm256_storeu_si256 ((__m256i *) (sums + 4 * x), a);
      _mm256_storeu_si256 ((__m256i *) (sums + 4 * x + 16), b);
    }
  return x;
}
#endif

int
cd_seal_reduction_for (double ppmm)
{
  int r = MAX (1, (int) lround (ppmm / LO_PPMM));

  /* 150 dpi (a phone photo, a cheap scanner): a third, 2 px/mm, rather than read at full size.  Box
   * lines stay (the darkest pixel of a block), runs and boxes are millimetres long, and every side
   * is fitted at full resolution after; what box finding costs is fixed per page, and a 150-dpi
   * page decodes four times faster than a 300-dpi one. */
  if (r == 1 && ppmm >= 5.0)
    r = 3;
  return r;
}

/* The darkest max(R, G, B) of each r×r block, over the whole page: thin box lines stay dark, red
 * ink fades into the paper.  Box finding reads it.  leptonica would take two full-resolution
 * passes and an 8 bpp copy of the page (pixConvertRGBToGrayMinMax + pixScaleGrayMinMax); the
 * page is the largest thing we touch, so this is the one pass over all of it, and it also
 * samples the paper colour's rows (@paper_hist).
 *
 * Sixteen pixels a step in SSE2 (every x86-64 has it), on the bytes as they lie in the word
 * 0xRRGGBBXX, the r rows of a block folded in registers: two shifted byte maxima leave
 * max(R, G, B) in byte 1, packed into one byte a column, with a byte minimum over the rows.
 * Then a sliding minimum over r columns, read at every r-th column.  Other targets, and the last
 * columns, take the scalar loops, which give the same values. */
PIX *
cd_seal_reduce_dark (PIX *page, int r, guint32 paper_hist[3][256])
{
  int w = pixGetWidth (page), h = pixGetHeight (page);
  int lw = w / r, lh = h / r, fw = lw * r;
  PIX *dark = pixCreate (lw, lh, 8);
  const l_uint32 *sdata = pixGetData (page);
  l_uint32 *ddata = pixGetData (dark);
  int swpl = pixGetWpl (page), dwpl = pixGetWpl (dark);
  /* cols[x]: the darkest max(R, G, B) of column x over the block's rows; then, in place, the
   * darkest of columns x .. x + r - 1.  Padded with 255 for the reads past the last column. */
  g_autofree guint8 *cols = g_malloc (fw + r + 32);
#ifdef HAVE_AVX2_KERNELS
  gboolean avx2 = have_avx2 ();
#endif
#ifdef __SSE2__
  const __m128i low = _mm_set1_epi32 (0xff);
#endif

  memset (cols + fw, 0xff, r + 32);
  for (int ly = 0; ly < lh; ly++)
    {
      const l_uint32 *s0 = sdata + (gsize) ly * r * swpl;
      l_uint32 *dline = ddata + (gsize) ly * dwpl;
      int x = 0;

#ifdef HAVE_AVX2_KERNELS
      if (avx2)
        x = dark_columns_avx2 (s0, swpl, r, fw, cols);
#endif
#ifdef __SSE2__
      for (; x + 16 <= fw; x += 16)
        {
          __m128i mn = _mm_set1_epi8 ((char) 0xff);

          for (int dy = 0; dy < r; dy++)
            {
              const l_uint32 *row = s0 + (gsize) dy * swpl + x;
              __m128i v[4];

              for (int k = 0; k < 4; k++)
                {
                  __m128i p = _mm_loadu_si128 ((const __m128i *) (row + 4 * k));
                  __m128i m1 = _mm_max_epu8 (p, _mm_srli_epi32 (p, 8));

                  v[k] = _mm_and_si128 (_mm_srli_epi32 (_mm_max_epu8 (m1, _mm_srli_epi32 (m1, 16)), 8), low);
                }
              mn = _mm_min_epu8 (mn, _mm_packus_epi16 (_mm_packs_epi32 (v[0], v[1]), _mm_packs_epi32 (v[2], v[3])));
            }
          _mm_storeu_si128 ((__m128i *) (cols + x), mn);
        }
#endif
      for (; x < fw; x++)
        {
          guint32 m = 255;

          for (int dy = 0; dy < r; dy++)
            {
              guint32 p = s0[(gsize) dy * swpl + x], rr = p >> 24, gg = (p >> 16) & 0xff, bb = (p >> 8) & 0xff;

              m = MIN (m, MAX (rr, MAX (gg, bb)));
            }
          cols[x] = m;
        }
      x = 0;
#ifdef __SSE2__
      for (; x + 16 <= fw; x += 16)
        {
          __m128i mn = _mm_loadu_si128 ((const __m128i *) (cols + x));

          for (int k = 1; k < r; k++)
            mn = _mm_min_epu8 (mn, _mm_loadu_si128 ((const __m128i *) (cols + x + k)));
          _mm_storeu_si128 ((__m128i *) (cols + x), mn);
        }
#endif
      for (; x < fw; x++)
        for (int k = 1; k < r; k++)
          cols[x] = MIN (cols[x], cols[x + k]);
      for (int lx = 0; lx < lw; lx++)
        SET_DATA_BYTE (dline, lx, cols[lx * r]);
      /* the paper colour's sample rows, while they are in the cache */
      for (int y = ly * r; y < ly * r + r; y++)
        if (y % 7 == 0)
          cd_seal_paper_sample_row (sdata + (gsize) y * swpl, w, paper_hist);
    }
  for (int y = lh * r; y < h; y++)
    if (y % 7 == 0)
      cd_seal_paper_sample_row (sdata + (gsize) y * swpl, w, paper_hist);
  return dark;
}

/* The darkest green of each r×r block: red print (box lines printed in red) is as dark there as
 * black print.  Box finding reads it only when the neutral page shows too few boxes or red lines,
 * so it is a pass of its own rather than a cost on every form's one pass.  Sixteen pixels a step in
 * SSE2: the byte minimum over the block's rows keeps the green's in byte 2; then a sliding
 * minimum over r columns, read at every r-th column. */
PIX *
cd_seal_reduce_green (PIX *page, int r)
{
  int w = pixGetWidth (page), h = pixGetHeight (page);
  int lw = w / r, lh = h / r, fw = lw * r;
  PIX *green = pixCreate (lw, lh, 8);
  const l_uint32 *sdata = pixGetData (page);
  l_uint32 *gdata = pixGetData (green);
  int swpl = pixGetWpl (page), gwpl = pixGetWpl (green);
  g_autofree guint8 *cols = g_malloc (fw + r + 32);
#ifdef __SSE2__
  const __m128i low = _mm_set1_epi32 (0xff);
#endif

  memset (cols + fw, 0xff, r + 32);
  for (int ly = 0; ly < lh; ly++)
    {
      const l_uint32 *s0 = sdata + (gsize) ly * r * swpl;
      l_uint32 *gline = gdata + (gsize) ly * gwpl;
      int x = 0;

#ifdef __SSE2__
      for (; x + 16 <= fw; x += 16)
        {
          __m128i mg[4];

          for (int k = 0; k < 4; k++)
            mg[k] = _mm_set1_epi8 ((char) 0xff);
          for (int dy = 0; dy < r; dy++)
            {
              const l_uint32 *row = s0 + (gsize) dy * swpl + x;

              for (int k = 0; k < 4; k++)
                mg[k] = _mm_min_epu8 (mg[k], _mm_loadu_si128 ((const __m128i *) (row + 4 * k)));
            }
          for (int k = 0; k < 4; k++)
            mg[k] = _mm_and_si128 (_mm_srli_epi32 (mg[k], 16), low);
          _mm_storeu_si128 ((__m128i *) (cols + x),
                            _mm_packus_epi16 (_mm_packs_epi32 (mg[0], mg[1]), _mm_packs_epi32 (mg[2], mg[3])));
        }
#endif
      for (; x < fw; x++)
        {
          guint32 m = 255;

          for (int dy = 0; dy < r; dy++)
            m = MIN (m, (s0[(gsize) dy * swpl + x] >> 16) & 0xff);
          cols[x] = m;
        }
      x = 0;
#ifdef __SSE2__
      for (; x + 16 <= fw; x += 16)
        {
          __m128i mn = _mm_loadu_si128 ((const __m128i *) (cols + x));

          for (int k = 1; k < r; k++)
            mn = _mm_min_epu8 (mn, _mm_loadu_si128 ((const __m128i *) (cols + x + k)));
          _mm_storeu_si128 ((__m128i *) (cols + x), mn);
        }
#endif
      for (; x < fw; x++)
        for (int k = 1; k < r; k++)
          cols[x] = MIN (cols[x], cols[x + k]);
      for (int lx = 0; lx < lw; lx++)
        SET_DATA_BYTE (gline, lx, cols[lx * r]);
    }
  return green;
}

/* The mean colour of each r×r block of one row of blocks (faint ink stands out of the noise),
 * which only the first ink pass and the ink classification read: @n_blocks blocks from the page
 * pixel @s0 on, into @rline.  The channels widened to 16 bits are summed per column (at most
 * r × 255), the r rows folded in registers; then the r columns of each block (r × r × 255 fits
 * 16 bits up to r = 15); × 1/n in 16.16 fixed point, since a division per pixel costs more than
 * the whole block.  @sums holds 4 × (n_blocks × r + 8) values. */
static void
mean_block_row (const l_uint32 *s0, int swpl, int r, int n_blocks, guint16 *sums, l_uint32 *rline,
                gboolean avx2)
{
  int n = r * r, cols = n_blocks * r, x = 0, lx = 0;
  guint32 recip = (65536 + n / 2) / n;
#ifdef __SSE2__
  const __m128i zero = _mm_setzero_si128 ();
  const __m128i recip_v = _mm_set1_epi16 ((short) recip);
  const __m128i rgb_mask = _mm_set1_epi32 ((int) 0xffffff00);
#endif

#ifdef HAVE_AVX2_KERNELS
  if (avx2)
    x = mean_columns_avx2 (s0, swpl, r, cols, sums);
#else
  (void) avx2;
#endif
#ifdef __SSE2__
  for (; x + 4 <= cols; x += 4)
    {
      __m128i lo = zero, hi = zero;

      for (int dy = 0; dy < r; dy++)
        {
          __m128i p = _mm_loadu_si128 ((const __m128i *) (s0 + (gsize) dy * swpl + x));

          lo = _mm_add_epi16 (lo, _mm_unpacklo_epi8 (p, zero));
          hi = _mm_add_epi16 (hi, _mm_unpackhi_epi8 (p, zero));
        }
      _mm_storeu_si128 ((__m128i *) (sums + 4 * x), lo);
      _mm_storeu_si128 ((__m128i *) (sums + 4 * x + 8), hi);
    }
#endif
  for (; x < cols; x++)
    {
      sums[4 * x + 1] = sums[4 * x + 2] = sums[4 * x + 3] = 0;
      for (int dy = 0; dy < r; dy++)
        {
          guint32 p = s0[(gsize) dy * swpl + x];

          sums[4 * x + 1] += (p >> 8) & 0xff;
          sums[4 * x + 2] += (p >> 16) & 0xff;
          sums[4 * x + 3] += p >> 24;
        }
    }
#ifdef __SSE2__
  /* Two blocks a vector, each block's r column sums added as they are (no sliding sum over
   * every column), then the rounded 16.16 product from its high and low halves: the high
   * half, + 1 when the low half is >= 0x8000, the same value as the 32-bit sum below. */
  if (r <= 15 && recip < 65536)
    for (; lx + 2 <= n_blocks; lx += 2)
      {
        const guint16 *ba = sums + 4 * (gsize) lx * r, *bb = ba + 4 * r;
        __m128i acc = _mm_setzero_si128 (), hi, lo, px;

        for (int k = 0; k < r; k++)
          acc = _mm_add_epi16 (acc, _mm_unpacklo_epi64 (_mm_loadl_epi64 ((const __m128i *) (ba + 4 * k)),
                                                        _mm_loadl_epi64 ((const __m128i *) (bb + 4 * k))));
        hi = _mm_mulhi_epu16 (acc, recip_v);
        lo = _mm_mullo_epi16 (acc, recip_v);
        hi = _mm_sub_epi16 (hi, _mm_srai_epi16 (lo, 15));
        /* bytes X, B, G, R of the two blocks; the unused X byte cleared */
        px = _mm_and_si128 (_mm_packus_epi16 (hi, hi), rgb_mask);
        _mm_storel_epi64 ((__m128i *) (rline + lx), px);
      }
#endif
  for (; lx < n_blocks; lx++)
    {
      const guint16 *b = sums + 4 * (gsize) lx * r;
      guint32 sb = 0, sg = 0, sr = 0, rr, gg, bb;

      for (int k = 0; k < r; k++)
        {
          sb += b[4 * k + 1];
          sg += b[4 * k + 2];
          sr += b[4 * k + 3];
        }
      rr = (sr * recip + 0x8000) >> 16;
      gg = (sg * recip + 0x8000) >> 16;
      bb = (sb * recip + 0x8000) >> 16;
      rline[lx] = (rr << 24) | (gg << 16) | (bb << 8);
    }
}

/* The mean page, in the boxes and CD_SEAL_MARGIN_MM around them alone, left 0 elsewhere
 * (leptonica's pixScaleAreaMap would average the whole page). */
PIX *
cd_seal_reduce_mean (PIX *page, int r, double lo_ppmm, const CdSealQuad *lo_quads, guint n_quads)
{
  int w = pixGetWidth (page), h = pixGetHeight (page);
  int lw = w / r, lh = h / r;
  PIX *rgb = pixCreate (lw, lh, 32);
  const l_uint32 *sdata = pixGetData (page);
  l_uint32 *rdata = pixGetData (rgb);
  int swpl = pixGetWpl (page), rwpl = pixGetWpl (rgb);
  double u0 = G_MAXDOUBLE, v0 = G_MAXDOUBLE, u1 = -G_MAXDOUBLE, v1 = -G_MAXDOUBLE;
  double rx0 = G_MAXDOUBLE, ry0 = G_MAXDOUBLE, rx1 = -G_MAXDOUBLE, ry1 = -G_MAXDOUBLE, margin;
  int lx0, lx1, ly0, ly1, cols;
  g_autofree guint16 *sums = NULL;
#ifdef HAVE_AVX2_KERNELS
  gboolean avx2 = have_avx2 ();
#else
  gboolean avx2 = FALSE;
#endif

  if (n_quads == 0)
    return rgb;
  /* the region every ink window of the reduced page lies in: each box's top-left corner plus the
   * extent of any box (black ink uses one window shape for all), the margin, and 3 px for the
   * windows' rounding */
  for (guint i = 0; i < n_quads; i++)
    {
      double tlx = round (lo_quads[i].corners[0][0]), tly = round (lo_quads[i].corners[0][1]);

      for (int k = 0; k < 4; k++)
        {
          u0 = MIN (u0, lo_quads[i].corners[k][0] - tlx);
          u1 = MAX (u1, lo_quads[i].corners[k][0] - tlx);
          v0 = MIN (v0, lo_quads[i].corners[k][1] - tly);
          v1 = MAX (v1, lo_quads[i].corners[k][1] - tly);
        }
    }
  margin = CD_SEAL_MARGIN_MM * lo_ppmm + 3;
  for (guint i = 0; i < n_quads; i++)
    {
      double tlx = round (lo_quads[i].corners[0][0]), tly = round (lo_quads[i].corners[0][1]);

      rx0 = MIN (rx0, tlx + u0 - margin);
      rx1 = MAX (rx1, tlx + u1 + margin);
      ry0 = MIN (ry0, tly + v0 - margin);
      ry1 = MAX (ry1, tly + v1 + margin);
    }
  lx0 = (int) CLAMP (floor (rx0), 0, lw);
  lx1 = (int) CLAMP (ceil (rx1) + 1, lx0, lw);
  ly0 = (int) CLAMP (floor (ry0), 0, lh);
  ly1 = (int) CLAMP (ceil (ry1) + 1, ly0, lh);
  cols = (lx1 - lx0) * r;
  /* the column sums of one row of blocks, 4 channels each (+ 4 columns for the vector stores) */
  sums = g_new0 (guint16, 4 * ((gsize) cols + 8));

  for (int ly = ly0; ly < ly1; ly++)
    mean_block_row (sdata + (gsize) ly * r * swpl + (gsize) lx0 * r, swpl, r, lx1 - lx0, sums,
                    rdata + (gsize) ly * rwpl + lx0, avx2);
  return rgb;
}

/* The same box on the reduced page: a full-resolution pixel x lies at (x - (r - 1) / 2) / r. */
void
cd_seal_quad_scale_down (const CdSealQuad *quad, int r, CdSealQuad *out)
{
  double k = 0.5 * (r - 1);

  *out = *quad;
  for (int s = 0; s < 4; s++)
    out->c[s] = (quad->c[s] - quad->nx[s] * k - quad->ny[s] * k) / r;
  for (int i = 0; i < 4; i++)
    {
      out->corners[i][0] = (quad->corners[i][0] - k) / r;
      out->corners[i][1] = (quad->corners[i][1] - k) / r;
    }
  out->cx = (quad->cx - k) / r;
  out->cy = (quad->cy - k) / r;
  out->width = quad->width / r;
  out->height = quad->height / r;
  out->half_width = quad->half_width / r;
}
