/* cd-seal-density.c: paper colour, ink colour and the per-pixel ink density maps the segmentation reads. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BLOCK_MM         5.0    /* background grid for black and blue ink */

/* ln(v) for 8-bit values, with 0 read as 0.5 so a saturated pixel stays finite. */
static float ln_lut[256];
static float ln_sum_lut[766];   /* ln(r + g + b) */

void
cd_seal_init_luts (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      for (int v = 0; v < 256; v++)
        ln_lut[v] = logf (v == 0 ? 0.5f : (float) v);
      for (int v = 0; v < 766; v++)
        ln_sum_lut[v] = logf (v == 0 ? 0.5f : (float) v);
      g_once_init_leave (&once, 1);
    }
}

int
cd_seal_hist_median (const guint32 *hist, int n_bins)
{
  guint64 total = 0, acc = 0;

  for (int i = 0; i < n_bins; i++)
    total += hist[i];
  for (int i = 0; i < n_bins; i++)
    {
      acc += hist[i];
      if (2 * acc >= total && total > 0)
        return i;
    }
  return n_bins - 1;
}

/* The paper colour is the per-channel median of every 7th pixel of every 7th row.  The rows are
 * sampled by the one pass over the page (cd_seal_reduce_dark ()) while it holds them. */
void
cd_seal_paper_sample_row (const l_uint32 *line, int w, guint32 hist[3][256])
{
  for (int x = 0; x < w; x += 7)
    {
      l_uint32 p = line[x];

      hist[0][p >> 24]++;
      hist[1][(p >> 16) & 0xff]++;
      hist[2][(p >> 8) & 0xff]++;
    }
}

void
cd_seal_paper_color (guint32 hist[3][256], double out_rgb[3])
{
  for (int c = 0; c < 3; c++)
    out_rgb[c] = cd_seal_hist_median (hist[c], 256);
}

/* The pixels of row @y in [x_min, x_max] at least @inset inside the box: one interval (the box is
 * convex), found from the four lines and then checked against the per-pixel test at its ends, so
 * the caller gets exactly the pixels cd_seal_inside_distance () >= @inset would pick, without
 * testing each of them.  FALSE when there are none. */
gboolean
cd_seal_inside_span (const CdSealQuad *q, int y, double inset, int x_min, int x_max,
                     int *out_xa, int *out_xb)
{
  double lo = x_min, hi = x_max;
  int xa, xb;

  for (int k = 0; k < 4; k++)
    {
      double rest = q->ny[k] * y - q->c[k];      /* nx * x + rest >= inset */

      if (q->nx[k] > 1e-12)
        lo = MAX (lo, (inset - rest) / q->nx[k]);
      else if (q->nx[k] < -1e-12)
        hi = MIN (hi, (inset - rest) / q->nx[k]);
      else if (rest < inset)
        return FALSE;
    }
  if (lo > hi + 2)
    return FALSE;
  xa = (int) CLAMP (ceil (lo) - 1, x_min, x_max);
  xb = (int) CLAMP (floor (hi) + 1, x_min, x_max);
  while (xa <= xb && cd_seal_inside_distance (q, xa, y) < inset)
    xa++;
  while (xa > x_min && cd_seal_inside_distance (q, xa - 1, y) >= inset)
    xa--;
  while (xb >= xa && cd_seal_inside_distance (q, xb, y) < inset)
    xb--;
  while (xb < x_max && xb >= xa && cd_seal_inside_distance (q, xb + 1, y) >= inset)
    xb++;
  if (xa > xb)
    return FALSE;
  *out_xa = xa;
  *out_xb = xb;
  return TRUE;
}

/* Per-channel median of the paper inside a box (ink covers far less than half of it). */
void
cd_seal_box_paper (PIX *page, const CdSealQuad *q, double ppmm, double out[3])
{
  guint32 hist[3][256] = { { 0 } };
  int w = pixGetWidth (page), h = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  double inset = q->half_width + 1.0 * ppmm;
  int x0 = MAX (0, (int) (q->cx - q->width / 2)), x1 = MIN (w - 1, (int) (q->cx + q->width / 2));
  int y0 = MAX (0, (int) (q->cy - q->height / 2)), y1 = MIN (h - 1, (int) (q->cy + q->height / 2));

  for (int y = y0; y <= y1; y += 3)
    {
      int xa, xb;

      /* every third pixel of the box's inner part, from its row's span */
      if (!cd_seal_inside_span (q, y, inset, x0, x1, &xa, &xb))
        continue;
      for (int x = x0 + (xa - x0 + 2) / 3 * 3; x <= xb; x += 3)
        {
          int r, g, b;

          cd_seal_get_rgb (data, wpl, x, y, &r, &g, &b);
          hist[0][r]++;
          hist[1][g]++;
          hist[2][b]++;
        }
    }
  for (int c = 0; c < 3; c++)
    out[c] = MAX (1, cd_seal_hist_median (hist[c], 256));
}

CdSealInk
cd_seal_classify_ink (PIX *page, double ppmm, const CdSealQuad *quads, guint n_quads, gboolean red_lines)
{
  int wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  guint64 n_red = 0, n_blue = 0;
  double px_mm2 = 4.0 / (ppmm * ppmm);    /* every other pixel in x and y */

  cd_seal_init_luts ();
  for (guint i = 0; i < n_quads; i++)
    {
      const CdSealQuad *q = &quads[i];
      /* red lines bleed red into the paper beside them (blur, JPEG's halved chroma): kept further off */
      double paper[3], lp[3], inset = q->half_width + (red_lines ? 1.2 : 0.5) * ppmm;
      int x0 = MAX (0, (int) (q->cx - q->width / 2));
      int x1 = MIN (pixGetWidth (page) - 1, (int) (q->cx + q->width / 2));
      int y0 = MAX (0, (int) (q->cy - q->height / 2));
      int y1 = MIN (pixGetHeight (page) - 1, (int) (q->cy + q->height / 2));

      cd_seal_box_paper (page, q, ppmm, paper);
      for (int c = 0; c < 3; c++)
        lp[c] = log (paper[c]);
      for (int y = y0; y <= y1; y += 2)
        {
          int xa, xb;

          if (!cd_seal_inside_span (q, y, inset, x0, x1, &xa, &xb))
            continue;
          for (int x = x0 + (xa - x0 + 1) / 2 * 2; x <= xb; x += 2)
            {
              int r, g, b;
              double od_r, od_g, od_b;

              cd_seal_get_rgb (data, wpl, x, y, &r, &g, &b);
              od_r = lp[0] - ln_lut[r];
              od_g = lp[1] - ln_lut[g];
              od_b = lp[2] - ln_lut[b];
              /* ratios, not differences: dense black pen is slightly blue but nowhere near blue ink */
              if (od_g >= 0.1 && od_g - od_r >= 0.45 * od_g)
                n_red++;
              else if (od_r >= 0.1 && od_r - od_b >= 0.3 * od_r && od_g >= od_b)
                n_blue++;
            }
        }
    }
  if (n_red * px_mm2 >= 4.0 && n_red >= n_blue)
    return CD_SEAL_INK_RED;
  if (n_blue * px_mm2 >= 4.0)
    return CD_SEAL_INK_BLUE;
  return CD_SEAL_INK_BLACK;
}

/* ln of the paper's tone on a coarse grid, interpolated: a shadow at the page edge must not look
 * like ink. */
float *
cd_seal_background_tone (PIX *page, const CdSealWindow *win, double ppmm, CdSealInk ink)
{
  int pw = pixGetWidth (page), ph = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  int block = MAX (8, (int) (BLOCK_MM * ppmm));
  int gw = (win->w + block - 1) / block, gh = (win->h + block - 1) / block;
  g_autofree float *grid = g_new0 (float, gw * gh);
  g_autofree guint32 *hist = g_new (guint32, 766);
  g_autofree float *tx = g_new (float, win->w);
  float *bg = g_new (float, (gsize) win->w * win->h);
  float fallback = 0;
  guint n_fallback = 0;

  memset (hist, 0, 766 * sizeof (guint32));
  for (int gy = 0; gy < gh; gy++)
    for (int gx = 0; gx < gw; gx++)
      {
        guint n = 0;
        int lo = 765, hi = 0;
        /* every other pixel of the block that lies on the page: the bounds once a block, not
         * tested at each pixel (the first sample keeps the block's parity) */
        int y0 = gy * block, y1 = MIN (MIN (win->h, (gy + 1) * block), ph - win->oy);
        int x0 = gx * block, x1 = MIN (MIN (win->w, (gx + 1) * block), pw - win->ox);

        if (y0 < -win->oy)
          y0 += (-win->oy - y0 + 1) / 2 * 2;
        if (x0 < -win->ox)
          x0 += (-win->ox - x0 + 1) / 2 * 2;
        for (int y = y0; y < y1; y += 2)
          {
            const l_uint32 *line = data + (gsize) (win->oy + y) * wpl + win->ox;

            for (int x = x0; x < x1; x += 2)
              {
                l_uint32 p = line[x];
                int t = cd_seal_tone_of (ink, p >> 24, (p >> 16) & 0xff, (p >> 8) & 0xff);

                hist[t]++;
                lo = MIN (lo, t);
                hi = MAX (hi, t);
                n++;
              }
          }
        /* the 60th percentile: paper even where the block is partly print or ink.  Walked down
         * from the brightest tone (paper is near the top), the same smallest v with
         * count(<= v) >= 0.6 n as a walk up from 0 finds */
        if (n > 0)
          {
            guint64 acc = n;
            int v = hi;

            while (v > lo && (acc - hist[v]) * 10 >= (guint64) n * 6)
              acc -= hist[v--];
            grid[gy * gw + gx] = v;
            fallback += v;
            n_fallback++;
            memset (hist + lo, 0, (hi - lo + 1) * sizeof (guint32));   /* only the bins used */
          }
        else
          grid[gy * gw + gx] = -1;
      }
  fallback = n_fallback ? fallback / n_fallback : 3 * 250;
  for (int i = 0; i < gw * gh; i++)
    grid[i] = logf (MAX (1.0f, grid[i] < 0 ? fallback : grid[i]));

  /* the horizontal weight of each column, the same in every row: computed once, not a division
   * per pixel */
  for (int gx = 0; gx < gw; gx++)
    {
      int xa = gx == 0 ? 0 : (int) ((gx + 0.5f) * block), xb = MIN (win->w, (int) ((gx + 1.5f) * block));

      if (gx == gw - 1)
        xb = win->w;
      for (int x = xa; x < xb; x++)
        tx[x] = CLAMP ((x + 0.5f) / block - 0.5f - gx, 0.0f, 1.0f);
    }

  /* bilinear in the logarithm: no logarithm per pixel */
  for (int y = 0; y < win->h; y++)
    {
      float fy = CLAMP ((y + 0.5f) / block - 0.5f, 0, gh - 1);
      int y0 = (int) fy, y1 = MIN (gh - 1, y0 + 1);
      float ty = fy - y0;
      float *row = bg + (gsize) y * win->w;

      for (int gx = 0; gx < gw; gx++)
        {
          int x1g = MIN (gw - 1, gx + 1);
          float left = grid[y0 * gw + gx] * (1 - ty) + grid[y1 * gw + gx] * ty;
          float right = grid[y0 * gw + x1g] * (1 - ty) + grid[y1 * gw + x1g] * ty;
          int xa = gx == 0 ? 0 : (int) ((gx + 0.5f) * block), xb = MIN (win->w, (int) ((gx + 1.5f) * block));

          if (gx == gw - 1)
            xb = win->w;
          for (int x = xa; x < xb; x++)
            row[x] = left + (right - left) * tx[x];
        }
    }
  return bg;
}

/* Optical density of ink and print: ln(background / pixel) of the tone, 0 outside the page. */
float *
cd_seal_tone_density (PIX *page, const CdSealWindow *win, const float *lbg, CdSealInk ink)
{
  int pw = pixGetWidth (page), ph = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  float *od = g_new (float, (gsize) win->w * win->h);

  for (int y = 0; y < win->h; y++)
    {
      int py = win->oy + y;
      float *row = od + (gsize) y * win->w;
      const float *bg = lbg + (gsize) y * win->w;
      int xa = CLAMP (-win->ox, 0, win->w), xb = CLAMP (pw - win->ox, xa, win->w);
      const l_uint32 *line;

      /* off the page: 0; the page's part of the row without a test per pixel */
      if (py < 0 || py >= ph)
        {
          memset (row, 0, win->w * sizeof (float));
          continue;
        }
      line = data + (gsize) py * wpl;
      memset (row, 0, xa * sizeof (float));
      memset (row + xb, 0, (win->w - xb) * sizeof (float));
      for (int x = xa; x < xb; x++)
        {
          l_uint32 p = line[win->ox + x];

          row[x] = bg[x] - ln_sum_lut[cd_seal_tone_of (ink, p >> 24, (p >> 16) & 0xff, (p >> 8) & 0xff)];
        }
    }
  return od;
}

/* 3×3 maximum: the template tolerates a pixel of misregistration between boxes.  The maximum of
 * the three rows first, into one row's buffer, then of three columns of it (the same maximum as
 * columns first: no full-size scratch plane, whose fresh pages cost more than the arithmetic).
 * Four floats at a time in SSE2 inside the rows (a window of every box goes through it); the
 * edges one by one. */
void
cd_seal_max3x3 (const float *src, float *dst, int w, int h)
{
  g_autofree float *v = g_new (float, w);

  for (int y = 0; y < h; y++)
    {
      /* at the top and bottom edge a row stands in for the missing one: the same maximum */
      const float *up = src + (gsize) MAX (0, y - 1) * w, *mid = src + (gsize) y * w;
      const float *down = src + (gsize) MIN (h - 1, y + 1) * w;
      float *d = dst + (gsize) y * w;
      int x = 0;

#ifdef __SSE2__
      for (; x + 4 <= w; x += 4)
        _mm_storeu_ps (v + x, _mm_max_ps (_mm_max_ps (_mm_loadu_ps (up + x), _mm_loadu_ps (mid + x)),
                                          _mm_loadu_ps (down + x)));
#endif
      for (; x < w; x++)
        v[x] = MAX (MAX (up[x], mid[x]), down[x]);
      if (w == 1)
        {
          d[0] = v[0];
          continue;
        }
      d[0] = MAX (v[0], v[1]);
      d[w - 1] = MAX (v[w - 1], v[w - 2]);
      x = 1;
#ifdef __SSE2__
      for (; x + 4 <= w - 1; x += 4)
        _mm_storeu_ps (d + x, _mm_max_ps (_mm_max_ps (_mm_loadu_ps (v + x - 1), _mm_loadu_ps (v + x)),
                                          _mm_loadu_ps (v + x + 1)));
#endif
      for (; x < w - 1; x++)
        d[x] = MAX (MAX (v[x - 1], v[x]), v[x + 1]);
    }
}

/* The print template of black and blue ink runs over whole windows: SSE2, four floats at a
 * time, the same values as MIN () and MAX (). */
void
cd_seal_min_into (float *dst, const float *src, gsize n)
{
  gsize j = 0;

#ifdef __SSE2__
  for (; j + 4 <= n; j += 4)
    _mm_storeu_ps (dst + j, _mm_min_ps (_mm_loadu_ps (dst + j), _mm_loadu_ps (src + j)));
#endif
  for (; j < n; j++)
    dst[j] = MIN (dst[j], src[j]);
}

void
cd_seal_subtract_print (float *od, const float *template, gsize n)
{
  gsize j = 0;

#ifdef __SSE2__
  for (; j + 4 <= n; j += 4)
    _mm_storeu_ps (od + j, _mm_sub_ps (_mm_loadu_ps (od + j), _mm_max_ps (_mm_setzero_ps (), _mm_loadu_ps (template + j))));
#endif
  for (; j < n; j++)
    od[j] -= MAX (0.0f, template[j]);
}

/* Ink amount for red ink: the density it adds in green beyond red.  Neutral print (lines,
 * captions, grey placeholder text, shadow) adds the same density to every channel and cancels;
 * red ink is saturated enough for this to stay well above the noise even when faint. */
float *
cd_seal_red_amount (PIX *page, const CdSealWindow *win, const double paper[3])
{
  int pw = pixGetWidth (page), ph = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  float *a = g_new (float, (gsize) win->w * win->h);
  float offset = (float) (log (paper[1]) - log (paper[0]));

  for (int y = 0; y < win->h; y++)
    {
      int py = win->oy + y, xa = CLAMP (-win->ox, 0, win->w), xb = CLAMP (pw - win->ox, xa, win->w);
      float *row = a + (gsize) y * win->w;
      const l_uint32 *line;

      /* off the page: no ink; the page's part of the row without a test per pixel */
      if (py < 0 || py >= ph)
        {
          memset (row, 0, win->w * sizeof (float));
          continue;
        }
      line = data + (gsize) py * wpl;
      memset (row, 0, xa * sizeof (float));
      memset (row + xb, 0, (win->w - xb) * sizeof (float));
      for (int x = xa; x < xb; x++)
        {
          l_uint32 p = line[win->ox + x];

          row[x] = offset - ln_lut[(p >> 16) & 0xff] + ln_lut[p >> 24];       /* od_g - od_r */
        }
    }
  return a;
}

