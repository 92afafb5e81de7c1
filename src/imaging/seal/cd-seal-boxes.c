/* cd-seal-boxes.c: finding the sample boxes of a collection form (not table cells, not the footer). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "cd-seal-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MIN_SIDE_MM      15.0
/* On the green page red seal ink is as dark as red print: its straight parts are kept out by
 * length.  Square name seals are 16–22 mm, the chord of a round seal's ring that stays within a
 * line's width about 14 mm; sample boxes are 28 mm and more. */
#define RED_MIN_SIDE_MM  25.0
#define RED_LINE_MIN_MM  24.0
#define MAX_SIDE_MM      150.0
#define MIN_AREA_MM2     500.0
#define LINE_MIN_MM      12.0     /* shortest run kept as a box side */
#define DASH_GAP_MM      2.0      /* dashed lines: gaps bridged before the opening */
#define SEARCH_MM        1.2      /* full-resolution search around the coarse line */

typedef struct {
  double a0, a1;        /* extent along the segment (x for horizontal, y for vertical) */
  double pos;           /* perpendicular position */
} Segment;

typedef struct {
  double x0, y0, x1, y1; /* deskewed low-resolution frame */
  gboolean dropped;
} Rect;

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

static GArray *
collect_segments (PIX *lines, gboolean horizontal, double lo_ppmm)
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

static GArray *
find_rectangles (GArray *hsegs, GArray *vsegs, double lo_ppmm, double min_side_mm)
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
static GArray *
pick_sample_boxes (GArray *rects, double lo_ppmm, guint expected)
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

typedef struct {
  double s, p, width;
} LineSample;

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
median_of (double *v, guint n)
{
  if (n == 0)
    return 0;
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The tone box lines are read in: max(R, G, B) for black and grey print (red seal ink over the
 * line fades there), green for red print (which absorbs it). */
static inline int
line_tone (const l_uint32 *data, int wpl, int x, int y, gboolean green)
{
  l_uint32 p = data[(gsize) y * wpl + x];
  int r = p >> 24, g = (p >> 16) & 0xff, b = (p >> 8) & 0xff;

  return green ? g : MAX (r, MAX (g, b));
}

/* Fits the printed line near the segment a→b at full resolution: p = c0 + c1 * s, where s runs along
 * the line (x for a horizontal side, y for a vertical one).  Returns FALSE when too little is seen.
 * The paper is the brightest tone across the line at each sample (the light is uneven on a phone
 * photo).  @redness gets, per sample, the line's density in red over its density in green at its
 * darkest point: about 1 for black or grey print, near 0 for red. */
static gboolean
fit_side (PIX *page, double ppmm, gboolean green, const double a[2], const double b[2],
          gboolean horizontal, double *out_c0, double *out_c1, double *out_width, GArray *redness)
{
  int w = pixGetWidth (page), h = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  double sa = horizontal ? a[0] : a[1], sb = horizontal ? b[0] : b[1];
  double pa = horizontal ? a[1] : a[0], pb = horizontal ? b[1] : b[0];
  int search = (int) ceil (SEARCH_MM * ppmm);
  double step = MAX (1.0, 0.5 * ppmm);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (LineSample));
  g_autofree double *tmp = NULL;
  double c0, c1, med_width;
  guint n_kept;

  if (sb < sa)
    {
      double t;
      t = sa, sa = sb, sb = t;
      t = pa, pa = pb, pb = t;
    }
  for (double s = sa + 0.06 * (sb - sa); s <= sb - 0.06 * (sb - sa); s += step)
    {
      double pred = pa + (pb - pa) * (s - sa) / MAX (1e-9, sb - sa);
      int si = (int) lround (s), p0 = (int) lround (pred) - search, p1 = (int) lround (pred) + search;
      int best = -1, best_d = 0, lo, hi, paper = 0, paper_at = 0;
      double sum = 0, sum_p = 0, half;
      LineSample ls;

      if (si < 0 || si >= (horizontal ? w : h) || p0 < 0 || p1 >= (horizontal ? h : w))
        continue;
      for (int p = p0; p <= p1; p++)
        {
          int t = horizontal ? line_tone (data, wpl, si, p, green) : line_tone (data, wpl, p, si, green);

          if (t > paper)
            {
              paper = t;
              paper_at = p;
            }
        }
      for (int p = p0; p <= p1; p++)
        {
          int d = paper - (horizontal ? line_tone (data, wpl, si, p, green) : line_tone (data, wpl, p, si, green));

          if (d > best_d)
            {
              best_d = d;
              best = p;
            }
        }
      if (best < 0 || best_d < 0.25 * paper)
        continue;          /* a gap of a dashed line */
      half = best_d / 2.0;
      lo = hi = best;
      while (lo > p0 && paper - (horizontal ? line_tone (data, wpl, si, lo - 1, green)
                                            : line_tone (data, wpl, lo - 1, si, green)) > half)
        lo--;
      while (hi < p1 && paper - (horizontal ? line_tone (data, wpl, si, hi + 1, green)
                                            : line_tone (data, wpl, hi + 1, si, green)) > half)
        hi++;
      for (int p = lo; p <= hi; p++)
        {
          double d = paper - (horizontal ? line_tone (data, wpl, si, p, green) : line_tone (data, wpl, p, si, green));

          sum += d;
          sum_p += d * p;
        }
      ls.s = s;
      ls.p = sum_p / MAX (1e-9, sum);
      ls.width = hi - lo + 1;
      g_array_append_val (samples, ls);
      if (redness != NULL)
        {
          int lr, lg, lb, pr, pg, pb2;
          double od_r, od_g;

          cd_seal_get_rgb (data, wpl, horizontal ? si : best, horizontal ? best : si, &lr, &lg, &lb);
          cd_seal_get_rgb (data, wpl, horizontal ? si : paper_at, horizontal ? paper_at : si, &pr, &pg, &pb2);
          od_r = log (MAX (1, pr)) - log (MAX (1, lr));
          od_g = log (MAX (1, pg)) - log (MAX (1, lg));
          if (od_g > 0.15)
            {
              double ratio = od_r / od_g;

              g_array_append_val (redness, ratio);
            }
        }
    }
  if (samples->len < 5)
    return FALSE;

  /* Samples where ink or a caption meets the line are wider or off the line: drop them. */
  tmp = g_new (double, samples->len);
  for (guint i = 0; i < samples->len; i++)
    tmp[i] = g_array_index (samples, LineSample, i).width;
  med_width = median_of (tmp, samples->len);

  c1 = (pb - pa) / MAX (1e-9, sb - sa);
  c0 = pa - c1 * sa;
  for (int iter = 0; iter < 4; iter++)
    {
      double sw = 0, ss = 0, sp = 0, sss = 0, ssp = 0, limit, mad;
      guint n = 0;

      for (guint i = 0; i < samples->len; i++)
        {
          const LineSample *ls = &g_array_index (samples, LineSample, i);
          tmp[n++] = fabs (ls->p - (c0 + c1 * ls->s));
        }
      mad = median_of (tmp, n);
      limit = iter == 0 ? search : MAX (0.8, 3.0 * 1.4826 * mad);
      n_kept = 0;
      for (guint i = 0; i < samples->len; i++)
        {
          const LineSample *ls = &g_array_index (samples, LineSample, i);

          if (fabs (ls->p - (c0 + c1 * ls->s)) > limit || ls->width > 1.8 * med_width + 1)
            continue;
          sw += 1;
          ss += ls->s;
          sp += ls->p;
          sss += ls->s * ls->s;
          ssp += ls->s * ls->p;
          n_kept++;
        }
      if (n_kept < 5)
        return FALSE;
      {
        double den = sw * sss - ss * ss;

        if (fabs (den) < 1e-9)
          return FALSE;
        c1 = (sw * ssp - ss * sp) / den;
        c0 = (sp - c1 * ss) / sw;
      }
    }
  *out_c0 = c0;
  *out_c1 = c1;
  *out_width = med_width;
  return TRUE;
}

static void
intersect (const CdSealQuad *q, int s1, int s2, double out[2])
{
  double det = q->nx[s1] * q->ny[s2] - q->ny[s1] * q->nx[s2];

  out[0] = (q->c[s1] * q->ny[s2] - q->ny[s1] * q->c[s2]) / det;
  out[1] = (q->nx[s1] * q->c[s2] - q->c[s1] * q->nx[s2]) / det;
}

/* Sets side k of @q from p = c0 + c1 * s, with the normal pointing into the box. */
static void
set_side (CdSealQuad *q, int k, double c0, double c1)
{
  double norm = sqrt (1 + c1 * c1);
  gboolean horizontal = k == CD_SEAL_TOP || k == CD_SEAL_BOTTOM;
  double sign = (k == CD_SEAL_TOP || k == CD_SEAL_LEFT) ? 1.0 : -1.0;

  /* horizontal: -c1*x + y = c0; vertical: x - c1*y = c0 */
  q->nx[k] = sign * (horizontal ? -c1 : 1.0) / norm;
  q->ny[k] = sign * (horizontal ? 1.0 : -c1) / norm;
  q->c[k] = sign * c0 / norm;
}

static void
refine_quad (PIX *page, double ppmm, gboolean green, double corners[4][2], CdSealQuad *q, GArray *redness)
{
  double widths[4];
  guint n_widths = 0;

  for (int k = 0; k < 4; k++)
    {
      const double *a = corners[k], *b = corners[(k + 1) % 4];
      gboolean horizontal = k == CD_SEAL_TOP || k == CD_SEAL_BOTTOM;
      double c0, c1, width;

      if (fit_side (page, ppmm, green, a, b, horizontal, &c0, &c1, &width, redness))
        widths[n_widths++] = width;
      else
        {
          /* keep the coarse line */
          double sa = horizontal ? a[0] : a[1], sb = horizontal ? b[0] : b[1];
          double pa = horizontal ? a[1] : a[0], pb = horizontal ? b[1] : b[0];

          c1 = (pb - pa) / (fabs (sb - sa) < 1e-9 ? 1e-9 : sb - sa);
          c0 = pa - c1 * sa;
        }
      set_side (q, k, c0, c1);
    }
  q->half_width = n_widths ? 0.5 * median_of (widths, n_widths) : 0.15 * ppmm;

  intersect (q, CD_SEAL_TOP, CD_SEAL_LEFT, q->corners[0]);
  intersect (q, CD_SEAL_TOP, CD_SEAL_RIGHT, q->corners[1]);
  intersect (q, CD_SEAL_BOTTOM, CD_SEAL_RIGHT, q->corners[2]);
  intersect (q, CD_SEAL_BOTTOM, CD_SEAL_LEFT, q->corners[3]);
  q->cx = q->cy = 0;
  for (int i = 0; i < 4; i++)
    {
      q->cx += q->corners[i][0] / 4;
      q->cy += q->corners[i][1] / 4;
    }
  q->ux = (q->corners[1][0] - q->corners[0][0]) + (q->corners[2][0] - q->corners[3][0]);
  q->uy = (q->corners[1][1] - q->corners[0][1]) + (q->corners[2][1] - q->corners[3][1]);
  q->width = 0.5 * hypot (q->ux, q->uy);
  q->ux /= 2 * q->width;
  q->uy /= 2 * q->width;
  q->height = 0.5 * (hypot (q->corners[3][0] - q->corners[0][0], q->corners[3][1] - q->corners[0][1])
                     + hypot (q->corners[2][0] - q->corners[1][0], q->corners[2][1] - q->corners[1][1]));
}

static int
compare_reading_order (gconstpointer a, gconstpointer b)
{
  const CdSealQuad *qa = a, *qb = b;
  double row = 0.5 * MIN (qa->height, qb->height);

  if (fabs (qa->cy - qb->cy) > row)
    return qa->cy < qb->cy ? -1 : 1;
  return qa->cx < qb->cx ? -1 : qa->cx > qb->cx;
}

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
static PIX *
rotate_binary (PIX *src, int xcen, int ycen, float angle)
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
static PIX *
threshold_local (PIX *lo, double lo_ppmm, double level)
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

  bin = threshold_local (lo, lo_ppmm, level);
  if (isnan (*theta))
    {
      if (pixFindSkewSweepAndSearch (bin, &angle, &conf, 2, 1, 4.0, 0.5, 0.02) != 0 || fabs (angle) > 4.0)
        angle = 0;
      *theta = angle * M_PI / 180.0;
    }
  rot = rotate_binary (bin, pixGetWidth (bin) / 2, pixGetHeight (bin) / 2, (float) *theta);

  /* Long straight runs only: box sides and table rules, never text, seals or signatures. */
  cd_seal_line_masks (rot, gap, line_len, &hlines, &vlines);

  hsegs = collect_segments (hlines, TRUE, lo_ppmm);
  vsegs = collect_segments (vlines, FALSE, lo_ppmm);
  rects = find_rectangles (hsegs, vsegs, lo_ppmm, min_side_mm);
  return pick_sample_boxes (rects, lo_ppmm, expected);
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
      refine_quad (page, ppmm, green, corners, &q, redness);
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
  return median_of ((double *) redness->data, redness->len) < 0.75;
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
