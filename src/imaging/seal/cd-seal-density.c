/* cd-seal-density.c: paper colour, ink colour and the per-pixel ink density maps the segmentation reads. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"

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

void
cd_seal_paper_color (PIX *page, double out_rgb[3])
{
  guint32 hist[3][256] = { { 0 } };
  int w = pixGetWidth (page), h = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);

  for (int y = 0; y < h; y += 7)
    for (int x = 0; x < w; x += 7)
      {
        int r, g, b;

        cd_seal_get_rgb (data, wpl, x, y, &r, &g, &b);
        hist[0][r]++;
        hist[1][g]++;
        hist[2][b]++;
      }
  for (int c = 0; c < 3; c++)
    out_rgb[c] = cd_seal_hist_median (hist[c], 256);
}

double
cd_seal_inside_distance (const CdSealQuad *q, double x, double y)
{
  double d = G_MAXDOUBLE;

  for (int k = 0; k < 4; k++)
    d = MIN (d, cd_seal_quad_distance (q, k, x, y));
  return d;
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
    for (int x = x0; x <= x1; x += 3)
      {
        int r, g, b;

        if (cd_seal_inside_distance (q, x, y) < inset)
          continue;
        cd_seal_get_rgb (data, wpl, x, y, &r, &g, &b);
        hist[0][r]++;
        hist[1][g]++;
        hist[2][b]++;
      }
  for (int c = 0; c < 3; c++)
    out[c] = MAX (1, cd_seal_hist_median (hist[c], 256));
}

CdSealInk
cd_seal_classify_ink (PIX *page, double ppmm, const CdSealQuad *quads, guint n_quads)
{
  int wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  guint64 n_red = 0, n_blue = 0;
  double px_mm2 = 4.0 / (ppmm * ppmm);    /* every other pixel in x and y */

  cd_seal_init_luts ();
  for (guint i = 0; i < n_quads; i++)
    {
      const CdSealQuad *q = &quads[i];
      double paper[3], lp[3], inset = q->half_width + 0.5 * ppmm;
      int x0 = MAX (0, (int) (q->cx - q->width / 2));
      int x1 = MIN (pixGetWidth (page) - 1, (int) (q->cx + q->width / 2));
      int y0 = MAX (0, (int) (q->cy - q->height / 2));
      int y1 = MIN (pixGetHeight (page) - 1, (int) (q->cy + q->height / 2));

      cd_seal_box_paper (page, q, ppmm, paper);
      for (int c = 0; c < 3; c++)
        lp[c] = log (paper[c]);
      for (int y = y0; y <= y1; y += 2)
        for (int x = x0; x <= x1; x += 2)
          {
            int r, g, b;
            double od_r, od_g, od_b;

            if (cd_seal_inside_distance (q, x, y) < inset)
              continue;
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
  float *bg = g_new (float, (gsize) win->w * win->h);
  float fallback = 0;
  guint n_fallback = 0;

  for (int gy = 0; gy < gh; gy++)
    for (int gx = 0; gx < gw; gx++)
      {
        guint n = 0;

        memset (hist, 0, 766 * sizeof (guint32));
        for (int y = gy * block; y < MIN (win->h, (gy + 1) * block); y += 2)
          for (int x = gx * block; x < MIN (win->w, (gx + 1) * block); x += 2)
            {
              int px = win->ox + x, py = win->oy + y, r, g, b;

              if (px < 0 || py < 0 || px >= pw || py >= ph)
                continue;
              cd_seal_get_rgb (data, wpl, px, py, &r, &g, &b);
              hist[cd_seal_tone_of (ink, r, g, b)]++;
              n++;
            }
        /* the 60th percentile: paper even where the block is partly print or ink */
        if (n > 0)
          {
            guint64 acc = 0;
            int v = 0;

            for (v = 0; v < 766; v++)
              {
                acc += hist[v];
                if (acc * 10 >= (guint64) n * 6)
                  break;
              }
            grid[gy * gw + gx] = v;
            fallback += v;
            n_fallback++;
          }
        else
          grid[gy * gw + gx] = -1;
      }
  fallback = n_fallback ? fallback / n_fallback : 3 * 250;
  for (int i = 0; i < gw * gh; i++)
    grid[i] = logf (MAX (1.0f, grid[i] < 0 ? fallback : grid[i]));

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
            {
              float tx = CLAMP ((x + 0.5f) / block - 0.5f - gx, 0.0f, 1.0f);

              row[x] = left + (right - left) * tx;
            }
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
  float *od = g_memdup2 (lbg, (gsize) win->w * win->h * sizeof (float));

  for (int y = 0; y < win->h; y++)
    {
      int py = win->oy + y;
      float *row = od + (gsize) y * win->w;

      for (int x = 0; x < win->w; x++)
        {
          int px = win->ox + x, r, g, b;

          if (py < 0 || py >= ph || px < 0 || px >= pw)
            {
              row[x] = 0;
              continue;
            }
          cd_seal_get_rgb (data, wpl, px, py, &r, &g, &b);
          row[x] = row[x] - ln_sum_lut[cd_seal_tone_of (ink, r, g, b)];
        }
    }
  return od;
}

/* 3×3 maximum: the template tolerates a pixel of misregistration between boxes. */
void
cd_seal_max3x3 (const float *src, float *dst, int w, int h)
{
  g_autofree float *tmp = g_new (float, (gsize) w * h);

  for (int y = 0; y < h; y++)
    {
      const float *s = src + (gsize) y * w;
      float *t = tmp + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          float m = s[x];

          if (x > 0 && s[x - 1] > m)
            m = s[x - 1];
          if (x + 1 < w && s[x + 1] > m)
            m = s[x + 1];
          t[x] = m;
        }
    }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float m = tmp[(gsize) y * w + x];

        if (y > 0 && tmp[(gsize) (y - 1) * w + x] > m)
          m = tmp[(gsize) (y - 1) * w + x];
        if (y + 1 < h && tmp[(gsize) (y + 1) * w + x] > m)
          m = tmp[(gsize) (y + 1) * w + x];
        dst[(gsize) y * w + x] = m;
      }
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
      int py = win->oy + y;
      float *row = a + (gsize) y * win->w;

      for (int x = 0; x < win->w; x++)
        {
          int px = win->ox + x, r, g, b;

          if (py < 0 || py >= ph || px < 0 || px >= pw)
            {
              row[x] = 0;
              continue;
            }
          cd_seal_get_rgb (data, wpl, px, py, &r, &g, &b);
          row[x] = offset - ln_lut[g] + ln_lut[r];       /* od_g - od_r */
        }
    }
  return a;
}

