/* cd-seal-ink.c: separating the ink (red seal, blue or black pen) in each sample box from paper and print. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"

#define MARGIN_MM        15.0   /* ink beyond the line: typically 1–7 mm, seen up to 14 */
#define SEED_INSET_MM    0.5    /* ink that seeds a sample lies this far inside the line */
#define MIN_BLOB_MM2     0.25   /* smaller specks are dust or noise */
#define EMPTY_MM2        2.0    /* less ink than this: the box is empty */
#define ISOLATED_MM2     1.5    /* blobs smaller than this ... */
#define ISOLATED_GAP_MM  2.0    /* ... and farther than this from a larger one are dropped */
#define T0_COLOUR        0.06   /* first-pass ink threshold, optical density */
#define T0_BLACK         0.07

/* The window of each box.  Without @rois: the box and a wide margin.  With them: where the first
 * (reduced) pass saw ink.  Black and blue ink need the same window, relative to each box's top-left
 * corner, in every box, so that the boxes' pixels line up for the print template. */
static gboolean
compute_windows (const CdSealQuad *quads, guint n, double ppmm, const CdSealRoi *rois, gboolean same,
                 CdSealWindow *out)
{
  double u0 = G_MAXDOUBLE, v0 = G_MAXDOUBLE, u1 = -G_MAXDOUBLE, v1 = -G_MAXDOUBLE;
  double margin = MARGIN_MM * ppmm;
  gboolean any = FALSE;

  for (guint i = 0; i < n; i++)
    {
      double tlx = round (quads[i].corners[0][0]), tly = round (quads[i].corners[0][1]);

      if (rois != NULL)
        {
          if (rois[i].skip)
            continue;
          u0 = MIN (u0, rois[i].u0);
          u1 = MAX (u1, rois[i].u1);
          v0 = MIN (v0, rois[i].v0);
          v1 = MAX (v1, rois[i].v1);
        }
      else
        for (int k = 0; k < 4; k++)
          {
            u0 = MIN (u0, quads[i].corners[k][0] - tlx - margin);
            u1 = MAX (u1, quads[i].corners[k][0] - tlx + margin);
            v0 = MIN (v0, quads[i].corners[k][1] - tly - margin);
            v1 = MAX (v1, quads[i].corners[k][1] - tly + margin);
          }
      any = TRUE;
    }
  if (!any)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      double a0 = u0, a1 = u1, b0 = v0, b1 = v1;

      if (!same && rois != NULL && !rois[i].skip)
        {
          a0 = rois[i].u0;
          a1 = rois[i].u1;
          b0 = rois[i].v0;
          b1 = rois[i].v1;
        }
      out[i].ox = (int) round (quads[i].corners[0][0]) + (int) floor (a0);
      out[i].oy = (int) round (quads[i].corners[0][1]) + (int) floor (b0);
      out[i].w = (int) ceil (a1 - a0) + 1;
      out[i].h = (int) ceil (b1 - b0) + 1;
    }
  return TRUE;
}

static PIX *
threshold_amount (const float *a, int w, int h, float t)
{
  PIX *bin = pixCreate (w, h, 1);
  l_uint32 *data = pixGetData (bin);
  int wpl = pixGetWpl (bin);

  for (int y = 0; y < h; y++)
    {
      const float *row = a + (gsize) y * w;
      l_uint32 *line = data + (gsize) y * wpl;

      for (int x = 0; x < w; x++)
        if (row[x] >= t)
          SET_DATA_BIT (line, x);
    }
  return bin;
}

/* Across the box line the ink may be hidden (red over black prints near-black): where ink lies on
 * both sides of the line, the line pixels between are ink too.  Black ink cannot be told from the
 * line at all, so for it the line is cleared first. */
static void
bridge_lines (PIX *bin, const CdSealQuad *q, const CdSealWindow *win, gboolean clear_line)
{
  int w = pixGetWidth (bin), h = pixGetHeight (bin), wpl = pixGetWpl (bin);
  l_uint32 *data = pixGetData (bin);
  double band = q->half_width + 1.0, probe = q->half_width + 2.0;

  for (int k = 0; k < 4; k++)
    {
      const double *a = q->corners[k], *b = q->corners[(k + 1) % 4];
      int x0 = (int) floor (MIN (a[0], b[0]) - probe) - win->ox;
      int x1 = (int) ceil (MAX (a[0], b[0]) + probe) - win->ox;
      int y0 = (int) floor (MIN (a[1], b[1]) - probe) - win->oy;
      int y1 = (int) ceil (MAX (a[1], b[1]) + probe) - win->oy;
      double nx = q->nx[k], ny = q->ny[k];
      g_autoptr(GArray) set = g_array_new (FALSE, FALSE, sizeof (int));

      for (int y = MAX (0, y0); y <= MIN (h - 1, y1); y++)
        for (int x = MAX (0, x0); x <= MIN (w - 1, x1); x++)
          {
            double d = cd_seal_quad_distance (q, k, x + win->ox, y + win->oy);
            gboolean inside = FALSE, outside = FALSE;

            if (fabs (d) > band)
              continue;
            if (clear_line)
              CLEAR_DATA_BIT (data + (gsize) y * wpl, x);
            for (double extra = 0; extra <= 1.0 && !(inside && outside); extra += 1.0)
              {
                int ix = (int) lround (x + nx * (probe + extra - d));
                int iy = (int) lround (y + ny * (probe + extra - d));
                int ox = (int) lround (x - nx * (probe + extra + d));
                int oy = (int) lround (y - ny * (probe + extra + d));

                if (ix >= 0 && iy >= 0 && ix < w && iy < h && GET_DATA_BIT (data + (gsize) iy * wpl, ix))
                  inside = TRUE;
                if (ox >= 0 && oy >= 0 && ox < w && oy < h && GET_DATA_BIT (data + (gsize) oy * wpl, ox))
                  outside = TRUE;
              }
            if (inside && outside)
              {
                int idx = y * w + x;
                g_array_append_val (set, idx);
              }
          }
      for (guint i = 0; i < set->len; i++)
        {
          int idx = g_array_index (set, int, i);
          SET_DATA_BIT (data + (gsize) (idx / w) * wpl, idx % w);
        }
    }
}

/* Keeps the blobs of @bin that reach into the box (through the bridged line), less the specks. */
static PIX *
select_sample (PIX *bin, const CdSealQuad *q, const CdSealWindow *win, double ppmm)
{
  int w = pixGetWidth (bin), h = pixGetHeight (bin), wpl = pixGetWpl (bin);
  double inset = q->half_width + SEED_INSET_MM * ppmm;
  g_autoptr(CdSealPix) seed = pixCreate (w, h, 1);
  g_autoptr(CdSealPix) filled = NULL;
  l_uint32 *sdata = pixGetData (seed);
  const l_uint32 *bdata = pixGetData (bin);
  l_int32 changed = 0;

  for (int y = 0; y < h; y++)
    {
      const l_uint32 *line = bdata + (gsize) y * wpl;

      for (int x = 0; x < w; x++)
        {
          if (line[x >> 5] == 0)
            {
              x |= 31;          /* skip an empty word */
              continue;
            }
          if (GET_DATA_BIT (line, x) && cd_seal_inside_distance (q, x + win->ox, y + win->oy) >= inset)
            SET_DATA_BIT (sdata + (gsize) y * wpl, x);
        }
    }
  /* filling first leaves only the blobs touching the box to count (the window has many more) */
  filled = pixSeedfillBinary (NULL, seed, bin, 8);
  return pixSelectByArea (filled, (float) (MIN_BLOB_MM2 * ppmm * ppmm), 8, L_SELECT_IF_GTE, &changed);
}

typedef PIXA CdSealPixa;
static void
pixa_unref (PIXA *pixa)
{
  if (pixa != NULL)
    pixaDestroy (&pixa);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSealPixa, pixa_unref)

/* A speck on its own, away from the strokes, is dust, not a pen skip. */
static void
drop_isolated (PIX *mask, double ppmm)
{
  g_autoptr(CdSealPixa) pixa = NULL;
  g_autoptr(CdSealBoxa) boxa = pixConnComp (mask, &pixa, 8);
  int n = boxa ? boxaGetCount (boxa) : 0;
  g_autofree l_int32 *area = g_new0 (l_int32, MAX (n, 1));
  g_autofree l_int32 *geom = g_new0 (l_int32, 4 * MAX (n, 1));
  double big = ISOLATED_MM2 * ppmm * ppmm, reach = ISOLATED_GAP_MM * ppmm;
  gboolean any_big = FALSE;

  for (int i = 0; i < n; i++)
    {
      PIX *comp = pixaGetPix (pixa, i, L_CLONE);

      pixCountPixels (comp, &area[i], NULL);
      pixDestroy (&comp);
      boxaGetBoxGeometry (boxa, i, &geom[4 * i], &geom[4 * i + 1], &geom[4 * i + 2], &geom[4 * i + 3]);
      any_big |= area[i] >= big;
    }
  if (!any_big)
    return;
  for (int i = 0; i < n; i++)
    {
      gboolean near = FALSE;

      if (area[i] >= big)
        continue;
      for (int j = 0; j < n && !near; j++)
        {
          double gx, gy;

          if (area[j] < big)
            continue;
          gx = MAX (0, MAX (geom[4 * j] - (geom[4 * i] + geom[4 * i + 2]), geom[4 * i] - (geom[4 * j] + geom[4 * j + 2])));
          gy = MAX (0, MAX (geom[4 * j + 1] - (geom[4 * i + 1] + geom[4 * i + 3]),
                            geom[4 * i + 1] - (geom[4 * j + 1] + geom[4 * j + 3])));
          near = gx <= reach && gy <= reach;
        }
      if (!near)
        {
          PIX *comp = pixaGetPix (pixa, i, L_CLONE);

          pixRasterop (mask, geom[4 * i], geom[4 * i + 1], geom[4 * i + 2], geom[4 * i + 3],
                       PIX_NOT (PIX_SRC) & PIX_DST, comp, 0, 0);
          pixDestroy (&comp);
        }
    }
}

static double
median_amount (PIX *mask, const float *a)
{
  int w = pixGetWidth (mask), h = pixGetHeight (mask), wpl = pixGetWpl (mask);
  const l_uint32 *data = pixGetData (mask);
  guint32 hist[1024] = { 0 };

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (GET_DATA_BIT (data + (gsize) y * wpl, x))
        hist[CLAMP ((int) (a[(gsize) y * w + x] * 256), 0, 1023)]++;
  return (cd_seal_hist_median (hist, 1024) + 0.5) / 256.0;
}

static void
measure (PIX *page, PIX *mask, const float *a, const CdSealQuad *q, const CdSealWindow *win,
         double ppmm, CdSealInk ink, const double paper[3], const float *lbg, double med,
         CdSealBoxInk *out)
{
  int w = pixGetWidth (mask), h = pixGetHeight (mask), wpl = pixGetWpl (mask);
  int pw = pixGetWidth (page), ph = pixGetHeight (page), pwpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (mask), *pdata = pixGetData (page);
  int bx0 = G_MAXINT, by0 = G_MAXINT, bx1 = -1, by1 = -1;
  double u0 = G_MAXDOUBLE, u1 = -G_MAXDOUBLE, v0 = G_MAXDOUBLE, v1 = -G_MAXDOUBLE;
  double beyond = -MAX (0.45 * ppmm, q->half_width + 1.5);
  double band = q->half_width + 1.0;
  double sum[3] = { 0 }, n_sum = 0;
  guint32 chist[256] = { 0 };
  guint area = 0;

  out->min_dist_mm = G_MAXDOUBLE;
  out->beyond_px = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int px = x + win->ox, py = y + win->oy, r, g, b;
        double d, u, v, contrast;

        if (!GET_DATA_BIT (data + (gsize) y * wpl, x) || px < 0 || py < 0 || px >= pw || py >= ph)
          continue;
        area++;
        bx0 = MIN (bx0, px);
        bx1 = MAX (bx1, px);
        by0 = MIN (by0, py);
        by1 = MAX (by1, py);
        u = (px - q->cx) * q->ux + (py - q->cy) * q->uy;
        v = -(px - q->cx) * q->uy + (py - q->cy) * q->ux;
        u0 = MIN (u0, u);
        u1 = MAX (u1, u);
        v0 = MIN (v0, v);
        v1 = MAX (v1, v);
        d = G_MAXDOUBLE;
        for (int k = 0; k < 4; k++)
          d = MIN (d, cd_seal_quad_distance (q, k, px, py));
        out->min_dist_mm = MIN (out->min_dist_mm, d / ppmm);
        if (d < beyond)
          out->beyond_px++;
        if (fabs (d) <= band)
          continue;        /* on the line: its colour is the line's */

        cd_seal_get_rgb (pdata, pwpl, px, py, &r, &g, &b);
        switch (ink)
          {
          case CD_SEAL_INK_RED:
            contrast = 1.0 - g / paper[1];
            break;
          case CD_SEAL_INK_BLUE:
            contrast = 1.0 - r / paper[0];
            break;
          case CD_SEAL_INK_BLACK:
          default:
            contrast = 1.0 - cd_seal_tone_of (ink, r, g, b) / exp (lbg[(gsize) y * w + x]);
            break;
          }
        chist[CLAMP ((int) (contrast * 255 + 0.5), 0, 255)]++;
        if (a[(gsize) y * w + x] >= med)
          {
            sum[0] += r;
            sum[1] += g;
            sum[2] += b;
            n_sum++;
          }
      }
  out->area = area;
  out->empty = area < EMPTY_MM2 * ppmm * ppmm;
  if (area == 0)
    return;
  out->bx = bx0;
  out->by = by0;
  out->bw = bx1 - bx0 + 1;
  out->bh = by1 - by0 + 1;
  if (out->empty)
    return;
  out->contrast = cd_seal_hist_median (chist, 256) / 255.0;
  out->off_x = 0.5 * (u0 + u1) / q->width;
  out->off_y = 0.5 * (v0 + v1) / q->height;
  out->size_w_mm = (u1 - u0 + 1) / ppmm;
  out->size_h_mm = (v1 - v0 + 1) / ppmm;
  for (int c = 0; c < 3; c++)
    out->rgb[c] = n_sum > 0 ? (guint8) (sum[c] / n_sum + 0.5) : 0;
}

/* Alpha of the ink crop: full where the ink is as dense as its median, soft towards the edge, and
 * exactly 0 off the mask (the contract counts any alpha as ink). */
static void
make_alpha (PIX *mask, const float *a, double med, CdSealBoxInk *out, const CdSealWindow *win)
{
  int wpl = pixGetWpl (mask);
  const l_uint32 *data = pixGetData (mask);

  out->alpha = g_new0 (guint8, (gsize) out->bw * out->bh);
  for (int y = 0; y < out->bh; y++)
    for (int x = 0; x < out->bw; x++)
      {
        int mx = out->bx + x - win->ox, my = out->by + y - win->oy;
        double v;

        if (!GET_DATA_BIT (data + (gsize) my * wpl, mx))
          continue;
        v = a[(gsize) my * win->w + mx] / med;
        out->alpha[(gsize) y * out->bw + x] = (guint8) CLAMP ((int) (v * 255), 96, 255);
      }
}

void
cd_seal_extract_ink (PIX *page, double ppmm, const CdSealQuad *quads, guint n_quads, CdSealInk ink,
                     const CdSealRoi *rois, CdSealBoxInk *out)
{
  g_autofree CdSealWindow *wins = g_new (CdSealWindow, n_quads);
  g_autofree float **od = g_new0 (float *, n_quads);
  g_autofree float **lbg = g_new0 (float *, n_quads);
  g_autofree float *template = NULL;
  gboolean neutral = ink != CD_SEAL_INK_RED;
  gsize canvas;

  cd_seal_init_luts ();
  memset (out, 0, n_quads * sizeof *out);
  if (!compute_windows (quads, n_quads, ppmm, rois, neutral, wins))
    {
      for (guint i = 0; i < n_quads; i++)
        out[i].empty = TRUE;
      return;
    }
  canvas = (gsize) wins[0].w * wins[0].h;

  if (neutral)
    {
      /* Printed matter (lines, captions, placeholder text) is the same in every box: the least
       * density any box shows at a place, give or take a pixel, is print, not ink.  Blue pen is
       * too close to grey for a colour difference to find it when faint (the chroma of a 4:2:0
       * JPEG is noisy), so blue is read like black, in the red channel it absorbs. */
      g_autofree float *dil = g_new (float, canvas);

      template = g_new (float, canvas);
      for (gsize j = 0; j < canvas; j++)
        template[j] = G_MAXFLOAT;
      for (guint i = 0; i < n_quads; i++)
        {
          lbg[i] = cd_seal_background_tone (page, &wins[i], ppmm, ink);
          od[i] = cd_seal_tone_density (page, &wins[i], lbg[i], ink);
          cd_seal_max3x3 (od[i], dil, wins[i].w, wins[i].h);
          for (gsize j = 0; j < canvas; j++)
            template[j] = MIN (template[j], dil[j]);
        }
      if (n_quads < 2)
        memset (template, 0, canvas * sizeof (float));
      for (guint i = 0; i < n_quads; i++)
        for (gsize j = 0; j < canvas; j++)
          od[i][j] -= MAX (0.0f, template[j]);
    }

  for (guint i = 0; i < n_quads; i++)
    {
      const CdSealQuad *q = &quads[i];
      const CdSealWindow *win = &wins[i];
      CdSealBoxInk *res = &out[i];
      double paper[3];
      g_autofree float *a = NULL;
      g_autoptr(CdSealPix) bin = NULL;
      g_autoptr(CdSealPix) mask = NULL;
      float t0 = ink == CD_SEAL_INK_RED ? T0_COLOUR : T0_BLACK;
      double med, t1;

      if (rois != NULL && rois[i].skip)
        {
          res->empty = TRUE;
          continue;
        }
      res->x0 = win->ox;
      res->y0 = win->oy;
      res->w = win->w;
      res->h = win->h;
      cd_seal_box_paper (page, q, ppmm, paper);
      if (neutral)
        a = g_steal_pointer (&od[i]);
      else
        a = cd_seal_red_amount (page, win, paper);

      /* Two passes: the first finds the ink, its median density sets the edge of the second
       * (the ink covers a pixel from half its typical density on). */
      bin = threshold_amount (a, win->w, win->h, t0);
      bridge_lines (bin, q, win, neutral);
      mask = select_sample (bin, q, win, ppmm);
      med = median_amount (mask, a);
      t1 = MAX (t0, 0.5 * med);
      g_clear_pointer (&bin, cd_seal_pix_unref);
      g_clear_pointer (&mask, cd_seal_pix_unref);
      bin = threshold_amount (a, win->w, win->h, (float) t1);
      bridge_lines (bin, q, win, neutral);
      mask = select_sample (bin, q, win, ppmm);
      drop_isolated (mask, ppmm);
      med = MAX (t1, median_amount (mask, a));

      measure (page, mask, a, q, win, ppmm, ink, paper, lbg[i], med, res);
      if (!res->empty)
        make_alpha (mask, a, med, res, win);
    }
  for (guint i = 0; i < n_quads; i++)
    {
      g_free (od[i]);
      g_free (lbg[i]);
    }
}

void
cd_seal_box_ink_clear (CdSealBoxInk *ink)
{
  g_clear_pointer (&ink->alpha, g_free);
}
