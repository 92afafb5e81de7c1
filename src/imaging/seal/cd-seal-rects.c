/* cd-seal-rects.c: from long straight runs to rectangles, and the family of sample boxes among them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "cd-seal-private.h"
#include "cd-seal-boxes-private.h"

#define MAX_SIDE_MM      150.0
#define MIN_AREA_MM2     500.0

typedef struct {
  double a0, a1;        /* extent along the segment (x for horizontal, y for vertical) */
  double pos;           /* perpendicular position */
} Segment;

/* The row (or column) of a component with most pixels: the line itself when a stroke touches it. */
static double
densest_line (PIX *lines, BOX *b, gboolean horizontal)
{
  l_int32 bx, by, bw, bh;
  int best = 0, best_count = -1;
  l_uint32 *data = pixGetData (lines);
  int wpl = pixGetWpl (lines);

  boxGetGeometry (b, &bx, &by, &bw, &bh);
  if ((horizontal ? bh : bw) <= 6)
    return horizontal ? by + (bh - 1) / 2.0 : bx + (bw - 1) / 2.0;
  for (int i = 0; i < (horizontal ? bh : bw); i++)
    {
      int count = 0;

      for (int j = 0; j < (horizontal ? bw : bh); j++)
        {
          int x = horizontal ? bx + j : bx + i;
          int y = horizontal ? by + i : by + j;

          count += GET_DATA_BIT (data + (gsize) y * wpl, x);
        }
      if (count > best_count)
        {
          best_count = count;
          best = i;
        }
    }
  return (horizontal ? by : bx) + best;
}

static int
compare_segments (gconstpointer a, gconstpointer b)
{
  const Segment *sa = a, *sb = b;

  if (fabs (sa->pos - sb->pos) > 0.5)
    return sa->pos < sb->pos ? -1 : 1;
  return sa->a0 < sb->a0 ? -1 : sa->a0 > sb->a0;
}

GArray *
cd_seal_collect_segments (PIX *lines, gboolean horizontal, double lo_ppmm)
{
  g_autoptr(CdSealBoxa) boxa = pixConnCompBB (lines, 8);
  GArray *segs = g_array_new (FALSE, FALSE, sizeof (Segment));
  int n = boxa ? boxaGetCount (boxa) : 0;
  double join_gap = 3.0 * lo_ppmm;

  for (int i = 0; i < n; i++)
    {
      BOX *b = boxaGetBox (boxa, i, L_CLONE);
      l_int32 bx, by, bw, bh;
      Segment s;

      boxGetGeometry (b, &bx, &by, &bw, &bh);
      s.a0 = horizontal ? bx : by;
      s.a1 = horizontal ? bx + bw - 1 : by + bh - 1;
      s.pos = densest_line (lines, b, horizontal);
      boxDestroy (&b);
      g_array_append_val (segs, s);
    }

  /* A faint or interrupted line comes out in pieces: join collinear pieces. */
  g_array_sort (segs, compare_segments);
  for (guint i = 0; i < segs->len; i++)
    {
      Segment *a = &g_array_index (segs, Segment, i);

      for (guint j = i + 1; j < segs->len; j++)
        {
          Segment *b = &g_array_index (segs, Segment, j);

          if (fabs (b->pos - a->pos) > 2.0)
            continue;
          if (b->a0 <= a->a1 + join_gap && b->a1 >= a->a0 - join_gap)
            {
              a->a0 = MIN (a->a0, b->a0);
              a->a1 = MAX (a->a1, b->a1);
              g_array_remove_index (segs, j);
              j = i;      /* the grown segment may now reach others */
            }
        }
    }
  return segs;
}

static gboolean
spans (const Segment *s, double from, double to, double tol)
{
  return s->a0 <= from + tol && s->a1 >= to - tol;
}

static gboolean
inside (const Rect *b, const Rect *a, double tol)
{
  return b != a && b->x0 >= a->x0 - tol && b->x1 <= a->x1 + tol && b->y0 >= a->y0 - tol && b->y1 <= a->y1 + tol
         && !(fabs (b->x0 - a->x0) < tol && fabs (b->x1 - a->x1) < tol && fabs (b->y0 - a->y0) < tol
              && fabs (b->y1 - a->y1) < tol);
}

/* A frame holds boxes side by side: two rectangles apart from each other.  A box holds one seal,
 * or two impressions that overlap. */
static gboolean
contains_disjoint_pair (GArray *rects, const Rect *a, double tol)
{
  for (guint i = 0; i < rects->len; i++)
    {
      const Rect *b = &g_array_index (rects, Rect, i);

      if (!inside (b, a, tol))
        continue;
      for (guint j = i + 1; j < rects->len; j++)
        {
          const Rect *c = &g_array_index (rects, Rect, j);

          if (inside (c, a, tol) && (c->x0 >= b->x1 || b->x0 >= c->x1 || c->y0 >= b->y1 || b->y0 >= c->y1))
            return TRUE;
        }
    }
  return FALSE;
}

GArray *
cd_seal_find_rectangles (GArray *hsegs, GArray *vsegs, double lo_ppmm, double min_side_mm)
{
  GArray *rects = g_array_new (FALSE, FALSE, sizeof (Rect));
  double tol = 2.0 * lo_ppmm, inner = 3.0 * lo_ppmm;
  double min_side = min_side_mm * lo_ppmm, max_side = MAX_SIDE_MM * lo_ppmm;

  for (guint i = 0; i < vsegs->len; i++)
    for (guint j = 0; j < vsegs->len; j++)
      {
        const Segment *l = &g_array_index (vsegs, Segment, i);
        const Segment *r = &g_array_index (vsegs, Segment, j);
        double ya = MAX (l->a0, r->a0), yb = MIN (l->a1, r->a1);
        const Segment *top = NULL, *bottom = NULL;
        gboolean split = FALSE;
        Rect rect;

        if (r->pos - l->pos < min_side || r->pos - l->pos > max_side || yb - ya < min_side)
          continue;
        for (guint k = 0; k < hsegs->len; k++)
          {
            const Segment *h = &g_array_index (hsegs, Segment, k);

            if (h->pos < ya - tol || h->pos > yb + tol || !spans (h, l->pos, r->pos, tol))
              continue;
            if (top == NULL || h->pos < top->pos)
              top = h;
            if (bottom == NULL || h->pos > bottom->pos)
              bottom = h;
          }
        if (top == NULL || bottom->pos - top->pos < min_side || bottom->pos - top->pos > max_side)
          continue;
        if (!spans (l, top->pos, bottom->pos, tol) || !spans (r, top->pos, bottom->pos, tol))
          continue;

        /* A line across the whole rectangle makes it a table or a group of boxes, not one box. */
        for (guint k = 0; k < hsegs->len && !split; k++)
          {
            const Segment *h = &g_array_index (hsegs, Segment, k);

            split = h->pos > top->pos + inner && h->pos < bottom->pos - inner
                    && spans (h, l->pos, r->pos, tol);
          }
        for (guint k = 0; k < vsegs->len && !split; k++)
          {
            const Segment *v = &g_array_index (vsegs, Segment, k);

            split = v->pos > l->pos + inner && v->pos < r->pos - inner
                    && spans (v, top->pos, bottom->pos, tol);
          }
        if (split)
          continue;

        rect = (Rect) { l->pos, top->pos, r->pos, bottom->pos, FALSE };
        g_array_append_val (rects, rect);
      }

  /* Drop duplicates, frames around other rectangles (a page border around the boxes) and what a
   * box holds (the border of a square seal stamped in it). */
  for (guint i = 0; i < rects->len; i++)
    for (guint j = 0; j < rects->len; j++)
      {
        Rect *a = &g_array_index (rects, Rect, i);
        Rect *b = &g_array_index (rects, Rect, j);

        if (i == j || a->dropped || b->dropped)
          continue;
        if (b->x0 >= a->x0 - tol && b->x1 <= a->x1 + tol && b->y0 >= a->y0 - tol && b->y1 <= a->y1 + tol)
          {
            /* b inside a: the same box twice, a inside a frame, or b stamped in box a */
            if (fabs (b->x0 - a->x0) < tol && fabs (b->x1 - a->x1) < tol
                && fabs (b->y0 - a->y0) < tol && fabs (b->y1 - a->y1) < tol)
              b->dropped = i < j;
            else if ((b->x1 - b->x0) * (b->y1 - b->y0) < 0.4 * (a->x1 - a->x0) * (a->y1 - a->y0)
                     && !contains_disjoint_pair (rects, a, tol))
              b->dropped = TRUE;
            else
              a->dropped = TRUE;
          }
      }
  return rects;
}

/* The biggest family of rectangles of one size: the sample boxes are all drawn alike. */
GArray *
cd_seal_pick_sample_boxes (GArray *rects, double lo_ppmm, guint expected)
{
  GArray *best = g_array_new (FALSE, FALSE, sizeof (Rect));
  double best_score = -1;

  for (guint i = 0; i < rects->len; i++)
    {
      const Rect *a = &g_array_index (rects, Rect, i);
      double aw = a->x1 - a->x0, ah = a->y1 - a->y0;
      g_autoptr(GArray) family = g_array_new (FALSE, FALSE, sizeof (Rect));
      double score;

      if (a->dropped || aw * ah < MIN_AREA_MM2 * lo_ppmm * lo_ppmm)
        continue;
      for (guint j = 0; j < rects->len; j++)
        {
          const Rect *b = &g_array_index (rects, Rect, j);
          double bw = b->x1 - b->x0, bh = b->y1 - b->y0;

          if (!b->dropped && fabs (bw - aw) <= 0.08 * aw && fabs (bh - ah) <= 0.08 * ah)
            g_array_append_val (family, *b);
        }
      score = family->len + (expected != 0 && family->len == expected ? 100 : 0)
              + (family->len >= 2 && family->len <= 4 ? 10 : 0) + aw * ah * 1e-9;
      if (score > best_score)
        {
          best_score = score;
          g_array_set_size (best, 0);
          g_array_append_vals (best, family->data, family->len);
        }
    }
  return best;
}
