/* cd-seal-ink.c: separating the ink (red seal, blue or black pen) in each sample box from paper and print:
 * the windows and the two passes over each box. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"
#include "cd-seal-ink-private.h"

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
  double margin = CD_SEAL_MARGIN_MM * ppmm;
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

void
cd_seal_extract_ink (PIX *page, double ppmm, const CdSealQuad *quads, guint n_quads, CdSealInk ink,
                     gboolean red_lines, const CdSealRoi *rois, CdSealBoxInk *out)
{
  g_autofree CdSealWindow *wins = g_new (CdSealWindow, n_quads);
  g_autofree float **od = g_new0 (float *, n_quads);
  g_autofree float **lbg = g_new0 (float *, n_quads);
  g_autofree float *template = NULL;
  gboolean neutral = ink != CD_SEAL_INK_RED;
  CdSealMask mask = { 0 };
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
          cd_seal_min_into (template, dil, canvas);
        }
      if (n_quads < 2)
        memset (template, 0, canvas * sizeof (float));
      for (guint i = 0; i < n_quads; i++)
        cd_seal_subtract_print (od[i], template, canvas);
    }

  /* one mask and one stack for every box (the windows differ in size only for red ink) */
  canvas = 0;
  for (guint i = 0; i < n_quads; i++)
    canvas = MAX (canvas, (gsize) (wins[i].w + 2) * (wins[i].h + 2));
  mask.m = g_malloc (canvas);
  /* a filled run pushes at most one seed per run of the rows next to it: fewer than 4 a pixel */
  mask.stack = g_new (int, 4 * canvas + 16);
  mask.runs = g_new (int, canvas + 2);
  mask.comps = g_array_new (FALSE, FALSE, 3 * sizeof (int));

  for (guint i = 0; i < n_quads; i++)
    {
      const CdSealQuad *q = &quads[i];
      const CdSealWindow *win = &wins[i];
      CdSealBoxInk *res = &out[i];
      double paper[3];
      g_autofree float *a = NULL;
      float t0 = ink == CD_SEAL_INK_RED ? T0_COLOUR : T0_BLACK;
      gboolean clear_line;
      double med, t1;
      const float *print = NULL;
      gboolean print_sides[4] = { FALSE, FALSE, FALSE, FALSE };

      if (rois != NULL && rois[i].skip)
        {
          res->empty = TRUE;
          continue;
        }
      /* Black ink cannot be told from a black line, nor red ink from a red one: the line is
       * cleared, and bridged where ink lies on both sides of it. */
      clear_line = neutral || red_lines;
      res->x0 = win->ox;
      res->y0 = win->oy;
      res->w = win->w;
      res->h = win->h;
      mask.w = win->w;
      mask.h = win->h;
      mask.stride = win->w + 2;
      cd_seal_box_paper (page, q, ppmm, paper);
      if (neutral)
        a = g_steal_pointer (&od[i]);
      else
        {
          a = cd_seal_red_amount (page, win, paper);
          if (red_lines)
            cd_seal_subtract_red_lines (page, q, win, paper, ppmm, a);
        }

      /* the print template's sides, where a pen stroke along a line can be told from it (both passes) */
      if (neutral && n_quads >= 2)
        {
          print = template;
          cd_seal_template_sides (template, a, q, win, print_sides);
        }

      /* Two passes: the first finds the ink, its median density sets the edge of the second
       * (the ink covers a pixel from half its typical density on). */
      mask.rx0 = mask.ry0 = 0;
      mask.rx1 = win->w - 1;
      mask.ry1 = win->h - 1;
      cd_seal_threshold_amount (a, &mask, t0);
      cd_seal_bridge_lines (&mask, q, win, clear_line, ink == CD_SEAL_INK_BLUE ? page : NULL, paper,
                            print, print_sides, a);
      cd_seal_select_sample (&mask, q, win, ppmm);
      med = cd_seal_median_amount (&mask, a);
      t1 = MAX (t0, 0.5 * med);
      /* The second pass's ink lies within the first's (a higher threshold keeps parts of the
       * same blobs, and fewer of them): it is made in the first's bounding box, widened by what
       * the line bridging looks at, instead of the whole window.  The same mask results. */
      cd_seal_restrict_to_ink (&mask, (int) ceil (2 * q->half_width + 6));
      cd_seal_threshold_amount (a, &mask, (float) t1);
      cd_seal_bridge_lines (&mask, q, win, clear_line, ink == CD_SEAL_INK_BLUE ? page : NULL, paper,
                            print, print_sides, a);
      cd_seal_select_sample (&mask, q, win, ppmm);
      /* (black and blue ink: the print template took the lines away, and a pen stroke may run
       * along a line) */
      if (red_lines && !neutral)
        cd_seal_drop_line_remnants (&mask, q, win, ppmm);
      cd_seal_drop_isolated (&mask, ppmm);
      med = MAX (t1, cd_seal_median_amount (&mask, a));

      cd_seal_measure (page, &mask, a, q, win, ppmm, ink, paper, lbg[i], med, res);
      if (!res->empty)
        cd_seal_make_alpha (&mask, a, med, res, win);
    }
  for (guint i = 0; i < n_quads; i++)
    {
      g_free (od[i]);
      g_free (lbg[i]);
    }
  g_free (mask.m);
  g_free (mask.stack);
  g_free (mask.runs);
  g_array_unref (mask.comps);
}

void
cd_seal_box_ink_clear (CdSealBoxInk *ink)
{
  g_clear_pointer (&ink->alpha, g_free);
}
