/* cd-seal-boxes.c: finding the sample boxes of a collection form (not table cells, not the footer):
 * the neutral page, then the green one, and the boxes back on the page. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "cd-seal-private.h"
#include "cd-seal-boxes-private.h"

#define MIN_SIDE_MM      15.0
/* On the green page red seal ink is as dark as red print: its straight parts are kept out by
 * length.  Square name seals are 16–22 mm, the chord of a round seal's ring that stays within a
 * line's width about 14 mm; sample boxes are 28 mm and more. */
#define RED_MIN_SIDE_MM  25.0
#define RED_LINE_MIN_MM  24.0
#define LINE_MIN_MM      12.0     /* shortest run kept as a box side */
#define DASH_GAP_MM      2.0      /* dashed lines: gaps bridged before the opening */

static int
compare_reading_order (gconstpointer a, gconstpointer b)
{
  const CdSealQuad *qa = a, *qb = b;
  double row = 0.5 * MIN (qa->height, qb->height);

  if (fabs (qa->cy - qb->cy) > row)
    return qa->cy < qb->cy ? -1 : 1;
  return qa->cx < qb->cx ? -1 : qa->cx > qb->cx;
}

/* The sample boxes of one reduced page (neutral or green), in its deskewed frame.  @theta: the
 * page's skew, measured here when NAN (the same sheet on both pages: measured once). */
static GArray *
find_rects (PIX *lo, double lo_ppmm, double level, double line_mm, double min_side_mm, guint expected,
            double *theta)
{
  g_autoptr(CdSealPix) bin = NULL;
  g_autoptr(CdSealPix) rot = NULL;
  g_autoptr(CdSealPix) hlines = NULL;
  g_autoptr(CdSealPix) vlines = NULL;
  g_autoptr(GArray) hsegs = NULL;
  g_autoptr(GArray) vsegs = NULL;
  g_autoptr(GArray) rects = NULL;
  l_float32 angle = 0, conf = 0;
  int line_len = (int) lround (line_mm * lo_ppmm);
  int gap = (int) lround (DASH_GAP_MM * lo_ppmm) | 1;

  bin = cd_seal_threshold_local (lo, lo_ppmm, level);
  if (isnan (*theta))
    {
      if (pixFindSkewSweepAndSearch (bin, &angle, &conf, 2, 1, 4.0, 0.5, 0.02) != 0 || fabs (angle) > 4.0)
        angle = 0;
      *theta = angle * M_PI / 180.0;
    }
  rot = cd_seal_rotate_binary (bin, pixGetWidth (bin) / 2, pixGetHeight (bin) / 2, (float) *theta);

  /* Long straight runs only: box sides and table rules, never text, seals or signatures. */
  cd_seal_line_masks (rot, gap, line_len, &hlines, &vlines);

  hsegs = cd_seal_collect_segments (hlines, TRUE, lo_ppmm);
  vsegs = cd_seal_collect_segments (vlines, FALSE, lo_ppmm);
  rects = cd_seal_find_rectangles (hsegs, vsegs, lo_ppmm, min_side_mm);
  return cd_seal_pick_sample_boxes (rects, lo_ppmm, expected);
}

/* The boxes back on the page (undo the deskew rotation, then the reduction), each side fitted at
 * full resolution; @redness collects the line colour's samples. */
static GArray *
boxes_to_quads (PIX *page, PIX *lo, int r, double ppmm, GArray *boxes, double theta, gboolean green,
                GArray *redness)
{
  double cosa = cos (theta), sina = sin (theta);
  double lcx = pixGetWidth (lo) / 2, lcy = pixGetHeight (lo) / 2;
  GArray *quads = g_array_new (FALSE, TRUE, sizeof (CdSealQuad));

  for (guint i = 0; i < boxes->len; i++)
    {
      const Rect *rect = &g_array_index (boxes, Rect, i);
      double lo_pts[4][2] = { { rect->x0, rect->y0 }, { rect->x1, rect->y0 },
                              { rect->x1, rect->y1 }, { rect->x0, rect->y1 } };
      double corners[4][2];
      CdSealQuad q = { 0 };

      for (int k = 0; k < 4; k++)
        {
          double dx = lo_pts[k][0] - lcx, dy = lo_pts[k][1] - lcy;
          double sx = lcx + dx * cosa + dy * sina, sy = lcy - dx * sina + dy * cosa;

          corners[k][0] = sx * r + 0.5 * (r - 1);
          corners[k][1] = sy * r + 0.5 * (r - 1);
        }
      cd_seal_refine_quad (page, ppmm, green, corners, &q, redness);
      g_array_append_val (quads, q);
    }
  g_array_sort (quads, compare_reading_order);
  return quads;
}

/* Box lines are red when their density in red is well below their density in green: black and grey
 * print about 1, red print 0.1–0.3, a thin red line after JPEG's halved chroma up to about 0.55. */
static gboolean
lines_are_red (GArray *redness)
{
  if (redness->len < 20)
    return FALSE;
  return cd_seal_median_of ((double *) redness->data, redness->len) < 0.75;
}

GArray *
cd_seal_find_boxes (PIX *page, PIX *lo, int r, double ppmm, guint expected,
                    gboolean *out_red_lines, GError **error)
{
  double lo_ppmm = ppmm / r, theta = NAN;
  g_autoptr(GArray) boxes = NULL;
  g_autoptr(GArray) redness = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *quads = NULL;

  *out_red_lines = FALSE;
  /* Black and grey lines first, on the page where red ink fades. */
  boxes = find_rects (lo, lo_ppmm, 0.78, LINE_MIN_MM, MIN_SIDE_MM, expected, &theta);
  if (boxes->len > 0)
    {
      quads = boxes_to_quads (page, lo, r, ppmm, boxes, theta, FALSE, redness);
      *out_red_lines = lines_are_red (redness);
    }
  /* A form has three or four sample boxes: fewer (or fewer than the caller expects), or lines
   * printed in red (found only where they are dark enough), and the green page is read, where red
   * print is as dark as black. */
  if (boxes->len < 3 || (expected > 0 && boxes->len < expected) || *out_red_lines)
    {
      g_autoptr(CdSealPix) lo_green = cd_seal_reduce_green (page, r);
      /* a thin red line after blur and JPEG is paler in green than black print is: a higher level */
      g_autoptr(GArray) red_boxes = find_rects (lo_green, lo_ppmm, 0.86, RED_LINE_MIN_MM, RED_MIN_SIDE_MM,
                                                expected, &theta);

      if (red_boxes->len >= MAX (boxes->len, 1))
        {
          g_array_set_size (redness, 0);
          g_clear_pointer (&quads, g_array_unref);
          quads = boxes_to_quads (page, lo_green, r, ppmm, red_boxes, theta, TRUE, redness);
          *out_red_lines = lines_are_red (redness);
          if (!*out_red_lines)
            {
              /* black lines after all (a faint form): fitted in their usual tone */
              g_array_set_size (redness, 0);
              g_clear_pointer (&quads, g_array_unref);
              quads = boxes_to_quads (page, lo_green, r, ppmm, red_boxes, theta, FALSE, redness);
            }
        }
    }
  if (quads == NULL || quads->len == 0)
    {
      g_clear_pointer (&quads, g_array_unref);
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_NO_BOXES,
                   _("No sample boxes were found on the form"));
      return NULL;
    }
  return quads;
}
