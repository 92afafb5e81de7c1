/* cd-seal-ink-measure.c: what the ink mask of a box measures (extent, touching, contrast, colour) and
 * its alpha. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"
#include "cd-seal-ink-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define EMPTY_MM2        2.0    /* less ink than this: the box is empty */

double
cd_seal_median_amount (const CdSealMask *mask, const float *a)
{
  guint32 hist[1024] = { 0 };
  RunIter it;
  int y, x0, x1;

  run_iter_init (&it, mask);
  while (run_iter_next (&it, &y, &x0, &x1))
    {
      const float *ar = a + (gsize) y * mask->w;

      for (int x = x0; x <= x1; x++)
        hist[CLAMP ((int) (ar[x] * 256), 0, 1023)]++;
    }
  return (cd_seal_hist_median (hist, 1024) + 0.5) / 256.0;
}

/* The bin below which @q of the histogram's count lies. */
static int
hist_quantile (const guint32 *hist, int n_bins, double q)
{
  guint64 total = 0, acc = 0;

  for (int i = 0; i < n_bins; i++)
    total += hist[i];
  for (int i = 0; i < n_bins; i++)
    {
      acc += hist[i];
      if (acc >= q * total && total > 0)
        return i;
    }
  return n_bins - 1;
}

void
cd_seal_measure (PIX *page, const CdSealMask *mask, const float *a, const CdSealQuad *q, const CdSealWindow *win,
         double ppmm, CdSealInk ink, const double paper[3], const float *lbg, double med,
         CdSealBoxInk *out)
{
  int w = mask->w;
  int pw = pixGetWidth (page), ph = pixGetHeight (page), pwpl = pixGetWpl (page);
  const l_uint32 *pdata = pixGetData (page);
  int bx0 = G_MAXINT, by0 = G_MAXINT, bx1 = -1, by1 = -1;
  double u0 = G_MAXDOUBLE, u1 = -G_MAXDOUBLE, v0 = G_MAXDOUBLE, v1 = -G_MAXDOUBLE;
  double beyond = -MAX (0.45 * ppmm, q->half_width + 1.5);
  double band = q->half_width + 1.0;
  double touch = q->half_width + CD_SEAL_TOUCH_MM * ppmm;
  /* ink a millimetre and more off the lines: a box whose only "ink" hugs its lines (what is left of
   * a red line, its blur and JPEG's chroma beside it) is empty */
  double interior = q->half_width + 1.0 * ppmm;
  guint interior_area = 0;
  double sum[3] = { 0 }, n_sum = 0;
  guint32 chist[256] = { 0 };
  guint8 contrast_bin[256];
  double min_d = G_MAXDOUBLE;
  guint area = 0;
  RunIter it;
  int y, x0, x1;

  /* red and blue ink: the contrast's histogram bin for each value of the absorbing channel, the
   * same sum as per pixel but without a division each */
  if (ink != CD_SEAL_INK_BLACK)
    for (int v = 0; v < 256; v++)
      {
        double contrast = 1.0 - v / (ink == CD_SEAL_INK_RED ? paper[1] : paper[0]);

        contrast_bin[v] = (guint8) CLAMP ((int) (contrast * 255 + 0.5), 0, 255);
      }
  out->beyond_px = 0;
  out->touch_px = 0;
  out->ppmm = ppmm;
  run_iter_init (&it, mask);
  while (run_iter_next (&it, &y, &x0, &x1))
    {
      int py = y + win->oy, pa, pb;
      double ky[4], lb = G_MAXDOUBLE;
      gboolean clear;

      /* the part of the run on the page */
      x0 = MAX (x0, -win->ox);
      x1 = MIN (x1, pw - 1 - win->ox);
      if (py < 0 || py >= ph || x0 > x1)
        continue;
      pa = x0 + win->ox;
      pb = x1 + win->ox;
      area += x1 - x0 + 1;
      bx0 = MIN (bx0, pa);
      bx1 = MAX (bx1, pb);
      by0 = MIN (by0, py);
      by1 = MAX (by1, py);
      /* u, v and the four distances are linear along the row, and their floating-point values
       * monotonic in x: their extremes over the run are at its ends, the same numbers the
       * per-pixel loop would have met */
      for (int e = 0; e < 2; e++)
        {
          int px = e ? pb : pa;
          double u = (px - q->cx) * q->ux + (py - q->cy) * q->uy;
          double v = -(px - q->cx) * q->uy + (py - q->cy) * q->ux;

          u0 = MIN (u0, u);
          u1 = MAX (u1, u);
          v0 = MIN (v0, v);
          v1 = MAX (v1, v);
        }
      for (int k = 0; k < 4; k++)
        {
          ky[k] = q->ny[k] * py;
          lb = MIN (lb, MIN (q->nx[k] * pa + ky[k] - q->c[k], q->nx[k] * pb + ky[k] - q->c[k]));
        }
      min_d = MIN (min_d, lb);
      /* well inside the box: no pixel of the run is beyond a line or on one */
      clear = lb >= beyond && lb > band && lb >= touch && lb > interior;
      if (clear)
        interior_area += x1 - x0 + 1;

      for (int x = x0; x <= x1; x++)
        {
          int px = x + win->ox, r, g, b;

          if (!clear)
            {
              double d = G_MAXDOUBLE;

              for (int k = 0; k < 4; k++)
                d = MIN (d, q->nx[k] * px + ky[k] - q->c[k]);
              if (d < beyond)
                out->beyond_px++;
              if (d < touch)
                out->touch_px++;
              if (d > interior)
                interior_area++;
              if (fabs (d) <= band)
                continue;        /* on the line: its colour is the line's */
            }
          cd_seal_get_rgb (pdata, pwpl, px, py, &r, &g, &b);
          if (ink == CD_SEAL_INK_BLACK)
            {
              double contrast = 1.0 - cd_seal_tone_of (ink, r, g, b) / exp (lbg[(gsize) y * w + x]);

              chist[CLAMP ((int) (contrast * 255 + 0.5), 0, 255)]++;
            }
          else
            chist[contrast_bin[ink == CD_SEAL_INK_RED ? g : r]]++;
          if (a[(gsize) y * w + x] >= med)
            {
              sum[0] += r;
              sum[1] += g;
              sum[2] += b;
              n_sum++;
            }
        }
    }
  out->min_dist_mm = min_d == G_MAXDOUBLE ? G_MAXDOUBLE : min_d / ppmm;
  out->area = area;
  out->empty = area < EMPTY_MM2 * ppmm * ppmm || interior_area < EMPTY_MM2 * ppmm * ppmm;
  if (area == 0)
    return;
  out->bx = bx0;
  out->by = by0;
  out->bw = bx1 - bx0 + 1;
  out->bh = by1 - by0 + 1;
  if (out->empty)
    return;
  out->contrast = cd_seal_hist_median (chist, 256) / 255.0;
  out->core_contrast = hist_quantile (chist, 256, 0.8) / 255.0;
  out->off_x = 0.5 * (u0 + u1) / q->width;
  out->off_y = 0.5 * (v0 + v1) / q->height;
  out->size_w_mm = (u1 - u0 + 1) / ppmm;
  out->size_h_mm = (v1 - v0 + 1) / ppmm;
  for (int c = 0; c < 3; c++)
    out->rgb[c] = n_sum > 0 ? (guint8) (sum[c] / n_sum + 0.5) : 0;
}

/* Alpha of the ink crop: full where the ink is as dense as its median, soft towards the edge, and
 * exactly 0 off the mask (the contract counts any alpha as ink). */
void
cd_seal_make_alpha (const CdSealMask *mask, const float *a, double med, CdSealBoxInk *out, const CdSealWindow *win)
{
  RunIter it;
  int y, x0, x1;

  out->alpha = g_new0 (guint8, (gsize) out->bw * out->bh);
  /* the ink pixels run by run (the crop's other pixels stay 0), less any part off the page */
  run_iter_init (&it, mask);
  while (run_iter_next (&it, &y, &x0, &x1))
    {
      int cy = y + win->oy - out->by;
      guint8 *row = out->alpha + (gsize) cy * out->bw;

      if (cy < 0 || cy >= out->bh)
        continue;
      x0 = MAX (x0, out->bx - win->ox);
      x1 = MIN (x1, out->bx + out->bw - 1 - win->ox);
      for (int x = x0; x <= x1; x++)
        {
          double v = a[(gsize) y * win->w + x] / med;

          row[x + win->ox - out->bx] = (guint8) CLAMP ((int) (v * 255), 96, 255);
        }
    }
}
