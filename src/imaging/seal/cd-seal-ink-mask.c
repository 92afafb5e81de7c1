/* cd-seal-ink-mask.c: the binary ink mask of a box: thresholds, bridging the box lines, the sample's
 * components and what is dropped (specks, line remnants, isolated blobs). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "cd-seal-private.h"
#include "cd-seal-ink-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define SEED_INSET_MM    0.5    /* ink that seeds a sample lies this far inside the line */
#define MIN_BLOB_MM2     0.25   /* smaller specks are dust or noise */
#define ISOLATED_MM2     1.5    /* blobs smaller than this ... */
#define ISOLATED_GAP_MM  2.0    /* ... and farther than this from a larger one are dropped */

/* Thresholds the mask's rectangle (mask->rx0 .. rx1, ry0 .. ry1) and clears the rest, border
 * included. */
void
cd_seal_threshold_amount (const float *a, CdSealMask *mask, float t)
{
  int w = mask->w, h = mask->h;
  guint8 *m = mask->m;
#ifdef __SSE2__
  const __m128 tv = _mm_set1_ps (t);
  const __m128i one = _mm_set1_epi8 (1);
#endif

  memset (m, 0, mask->stride);
  memset (m + mask_at (mask, -1, h), 0, mask->stride);
  for (int y = 0; y < h; y++)
    {
      const float *row = a + (gsize) y * w;
      guint8 *line = m + mask_at (mask, 0, y);
      int x = mask->rx0;

      if (y < mask->ry0 || y > mask->ry1 || mask->rx0 > mask->rx1)
        {
          memset (line - 1, 0, mask->stride);
          continue;
        }
      memset (line - 1, 0, mask->rx0 + 1);
      memset (line + mask->rx1 + 1, 0, w - mask->rx1);
#ifdef __SSE2__
      /* sixteen compares packed to sixteen bytes of 0 or 1 */
      for (; x + 16 <= mask->rx1 + 1; x += 16)
        {
          __m128i c0 = _mm_castps_si128 (_mm_cmpge_ps (_mm_loadu_ps (row + x), tv));
          __m128i c1 = _mm_castps_si128 (_mm_cmpge_ps (_mm_loadu_ps (row + x + 4), tv));
          __m128i c2 = _mm_castps_si128 (_mm_cmpge_ps (_mm_loadu_ps (row + x + 8), tv));
          __m128i c3 = _mm_castps_si128 (_mm_cmpge_ps (_mm_loadu_ps (row + x + 12), tv));
          __m128i b = _mm_packs_epi16 (_mm_packs_epi32 (c0, c1), _mm_packs_epi32 (c2, c3));

          _mm_storeu_si128 ((__m128i *) (line + x), _mm_and_si128 (b, one));
        }
#endif
      for (; x <= mask->rx1; x++)
        line[x] = row[x] >= t;
    }
}

/* lround () without the libm call (it showed in the profile); same result for the values here */
static inline int
round_int (double v)
{
  return v >= 0 ? (int) (v + 0.5) : -(int) (-v + 0.5);
}

/* Blue pen on a black or grey line's place: blue absorbs red well beyond blue (the line absorbs
 * both alike), a pen stroke over the line or in a dashed line's gap. */
static inline gboolean
is_blue_ink (const l_uint32 *data, int wpl, int x, int y, const float lpaper[3])
{
  l_uint32 p = data[(gsize) y * wpl + x];
  float od_r = lpaper[0] - logf (MAX (1, p >> 24)), od_b = lpaper[2] - logf (MAX (1, (p >> 8) & 0xff));

  return od_r >= 0.15f && od_r - od_b >= 0.35f * od_r;
}

/* The most print the template has across the line at (@x, @y): the whole line's width, from
 * inside to outside.  A box's own line may lie a pixel or two off the template's (keystone: the boxes
 * differ a little in size), so the pixel alone is not enough: there the template's line is beside it. */
static int
compare_floats (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* the k-th smallest of @v (reorders it) */
static float
select_kth (float *v, int n, int k)
{
  qsort (v, n, sizeof (float), compare_floats);
  return v[k];
}

static float
print_across (const float *print, int w, int h, int x, int y, double nx, double ny, double d, double band)
{
  float most = 0;

  for (double t = -band; t <= band + 1e-9; t += 1.0)
    {
      int px = round_int (x + nx * (t - d)), py = round_int (y + ny * (t - d));

      if (px >= 0 && py >= 0 && px < w && py < h)
        most = MAX (most, print[(gsize) py * w + px]);
    }
  return most;
}

/* Whether the template shows side @k of this box where the box has it: the median along the side of
 * the most print across the line against the median of the most density (print and whatever lies on
 * it) across it.  When the boxes differ in shape (keystone) the template loses a side; then what
 * lies on the line cannot be told from the line.  Only the side's part within the window is read;
 * where a stroke runs along most of that part, or a dashed line's gaps are longer than its dashes,
 * the side is not judged and the stroke on it is cleared as before. */
static gboolean
template_has_side (const float *print, const float *amount, int w, int h, const CdSealQuad *q,
                   const CdSealWindow *win, int k, double band)
{
  const double *a = q->corners[k], *b = q->corners[(k + 1) % 4];
  double len = hypot (b[0] - a[0], b[1] - a[1]);
  int n = 0, cap = (int) len + 1;
  g_autofree float *tp = g_new (float, cap);
  g_autofree float *own = g_new (float, cap);

  for (int s = 0; s < cap; s++)
    {
      double f = s / len, cx = a[0] + f * (b[0] - a[0]) - win->ox, cy = a[1] + f * (b[1] - a[1]) - win->oy;
      float most_p = 0, most_o = 0;
      gboolean seen = FALSE;

      for (double t = -band; t <= band + 1e-9; t += 1.0)
        {
          int px = round_int (cx + q->nx[k] * t), py = round_int (cy + q->ny[k] * t);

          if (px < 0 || py < 0 || px >= w || py >= h)
            continue;
          most_p = MAX (most_p, print[(gsize) py * w + px]);
          most_o = MAX (most_o, print[(gsize) py * w + px] + amount[(gsize) py * w + px]);
          seen = TRUE;
        }
      if (seen)
        {
          tp[n] = most_p;
          own[n] = most_o;
          n++;
        }
    }
  if (n < 8)
    return FALSE;
  return select_kth (tp, n, n / 2) >= 0.7f * select_kth (own, n, n / 2);
}

void
cd_seal_template_sides (const float *print, const float *amount, const CdSealQuad *q, const CdSealWindow *win,
                        gboolean out[4])
{
  for (int k = 0; k < 4; k++)
    out[k] = template_has_side (print, amount, win->w, win->h, q, win, k, q->half_width + 1.0);
}

/* Across the box line the ink may be hidden (red over black prints near-black): where ink lies on
 * both sides of the line, the line pixels between are ink too.  Black ink cannot be told from the
 * line at all, so for it the line is cleared first; blue ink (@blue_page set) is kept where it is
 * blue, so a stroke that runs along the line stays.  With the print template (@print, and @amount
 * the density less it, both of the window) a pen stroke along the line also stays where it adds more
 * than the print has anywhere across the line there: in a dashed line's gaps, over a pale grey line;
 * only on the sides the template shows (@print_sides, cd_seal_template_sides ()). */
void
cd_seal_bridge_lines (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, gboolean clear_line,
              PIX *blue_page, const double paper[3], const float *print, const gboolean *print_sides,
              const float *amount)
{
  const l_uint32 *bdata = blue_page ? pixGetData (blue_page) : NULL;
  int bwpl = blue_page ? pixGetWpl (blue_page) : 0;
  int bw = blue_page ? pixGetWidth (blue_page) : 0, bh = blue_page ? pixGetHeight (blue_page) : 0;
  float lpaper[3] = { 0, 0, 0 };
  int w = mask->w, h = mask->h;
  guint8 *m = mask->m;
  double band = q->half_width + 1.0, probe = q->half_width + 2.0;

  if (bdata != NULL)
    for (int c = 0; c < 3; c++)
      lpaper[c] = logf ((float) MAX (1.0, paper[c]));

  for (int k = 0; k < 4; k++)
    {
      const double *a = q->corners[k], *b = q->corners[(k + 1) % 4];
      int x0 = (int) floor (MIN (a[0], b[0]) - probe) - win->ox;
      int x1 = (int) ceil (MAX (a[0], b[0]) + probe) - win->ox;
      int y0 = (int) floor (MIN (a[1], b[1]) - probe) - win->oy;
      int y1 = (int) ceil (MAX (a[1], b[1]) + probe) - win->oy;
      double nx = q->nx[k], ny = q->ny[k];
      int n_set = 0;
      const float *side_print = print != NULL && clear_line && print_sides[k] ? print : NULL;

      /* only the mask's rectangle can hold ink (the probes may look beyond it: paper there) */
      for (int y = MAX (mask->ry0, y0); y <= MIN (mask->ry1, y1); y++)
        {
          int xa = MAX (mask->rx0, x0), xb = MIN (mask->rx1, x1);
          double rest = ny * (y + win->oy) - q->c[k];

          /* only the columns within the band (and 2 px more for rounding): the exact test
           * below still decides, but a side's bounding box is mostly far from its line */
          if (fabs (nx) > 1e-9)
            {
              double e0 = (-band - rest) / nx - win->ox, e1 = (band - rest) / nx - win->ox;
              double lo = floor (MIN (e0, e1)) - 2, hi = ceil (MAX (e0, e1)) + 2;

              if (lo > xb || hi < xa)
                continue;
              xa = MAX (xa, (int) lo);
              xb = MIN (xb, (int) hi);
            }
          else if (fabs (rest) > band + 1)
            continue;
          for (int x = xa; x <= xb; x++)
            {
              double d = cd_seal_quad_distance (q, k, x + win->ox, y + win->oy);
              gboolean inside = FALSE, outside = FALSE;

              if (fabs (d) > band)
                continue;
              if (clear_line && m[mask_at (mask, x, y)])
                {
                  int px = x + win->ox, py = y + win->oy;

                  gsize i = (gsize) y * w + x;

                  if ((side_print == NULL || amount[i] <= print_across (side_print, w, h, x, y, nx, ny, d, band))
                      && (bdata == NULL || px < 0 || py < 0 || px >= bw || py >= bh
                          || !is_blue_ink (bdata, bwpl, px, py, lpaper)))
                    m[mask_at (mask, x, y)] = 0;
                }
              for (double extra = 0; extra <= 1.0 && !(inside && outside); extra += 1.0)
                {
                  int ix = round_int (x + nx * (probe + extra - d));
                  int iy = round_int (y + ny * (probe + extra - d));
                  int ox = round_int (x - nx * (probe + extra + d));
                  int oy = round_int (y - ny * (probe + extra + d));

                  if (ix >= 0 && iy >= 0 && ix < w && iy < h && m[mask_at (mask, ix, iy)])
                    inside = TRUE;
                  if (ox >= 0 && oy >= 0 && ox < w && oy < h && m[mask_at (mask, ox, oy)])
                    outside = TRUE;
                }
              if (inside && outside)
                mask->stack[n_set++] = (int) mask_at (mask, x, y);
            }
        }
      /* set after the side is done: a bridged pixel must not count as ink for its neighbours */
      for (int i = 0; i < n_set; i++)
        m[mask->stack[i]] = 1;
    }
}

/* Eight paper pixels at once: the ink is sparse in its window. */
static inline gboolean
eight_clear (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v == 0;
}

/* 1 where the fill marked 2, else 0, eight pixels a word (the values are 0 to 3) */
static void
keep_marked (guint8 *m, gsize n)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize j = 0;

  for (; j + 8 <= n; j += 8)
    {
      guint64 v;

      memcpy (&v, m + j, sizeof v);
      v = (v >> 1) & ~v & ones;
      memcpy (m + j, &v, sizeof v);
    }
  for (; j < n; j++)
    m[j] = m[j] == 2;
}

/* Fills the 8-connected component of value 1 at @start with @mark, a row run at a time (runs
 * keep the branches predictable, where testing 8 neighbours a pixel does not), and appends its
 * runs (first and last index) to mask->runs.  Returns the number of pixels. */
static int
flood (CdSealMask *mask, int start, guint8 mark)
{
  int s = mask->stride, n_seeds = 0, area = 0;
  guint8 *m = mask->m;
  int *seeds = mask->stack;

  seeds[n_seeds++] = start;
  while (n_seeds > 0)
    {
      int idx = seeds[--n_seeds], l = idx, r = idx;

      if (m[idx] != 1)
        continue;
      /* the border is paper: the run stops there at the latest */
      while (m[l - 1] == 1)
        l--;
      while (m[r + 1] == 1)
        r++;
      memset (m + l, mark, r - l + 1);
      area += r - l + 1;
      mask->runs[mask->n_runs++] = l;
      mask->runs[mask->n_runs++] = r;
      /* one seed for each run touching this one (diagonals too) in the rows above and below */
      for (int j = l - s - 1; j <= r - s + 1; j++)
        if (m[j] == 1)
          {
            seeds[n_seeds++] = j;
            while (j <= r - s + 1 && m[j + 1] == 1)
              j++;
          }
      for (int j = l + s - 1; j <= r + s + 1; j++)
        if (m[j] == 1)
          {
            seeds[n_seeds++] = j;
            while (j <= r + s + 1 && m[j + 1] == 1)
              j++;
          }
    }
  return area;
}

/* Keeps the blobs of the mask that reach into the box (through the bridged line), less the
 * specks, and lists them (mask->comps).  Hand-written for leptonica's pixSeedfillBinary +
 * pixSelectByArea (8-connected): one flood fill from the seeds visits only the blobs kept, where
 * leptonica's fill sweeps the whole window several times and its area selection labels every
 * blob of the window.  The blobs kept are whole components of the result, so the list is also
 * what pixConnComp would find in it. */
void
cd_seal_select_sample (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, double ppmm)
{
  guint8 *m = mask->m;
  double inset = q->half_width + SEED_INSET_MM * ppmm;
  double min_area = MIN_BLOB_MM2 * ppmm * ppmm;

  mask->n_runs = 0;
  g_array_set_size (mask->comps, 0);
  if (mask->rx0 > mask->rx1 || mask->ry0 > mask->ry1)
    return;          /* nothing thresholded */
  for (int y = mask->ry0; y <= mask->ry1; y++)
    {
      int xa, xb;

      if (!cd_seal_inside_span (q, y + win->oy, inset, win->ox + mask->rx0, win->ox + mask->rx1, &xa, &xb))
        continue;
      for (int x = xa - win->ox, start = (int) mask_at (mask, x, y); x <= xb - win->ox; x++, start++)
        {
          int first = mask->n_runs, area;

          if (x + 8 <= xb - win->ox && eight_clear (m + start))
            {
              x += 7;
              start += 7;
              continue;
            }
          if (m[start] != 1)
            continue;
          area = flood (mask, start, 2);
          if (area < min_area)
            {
              /* a speck: visited, not kept */
              for (int i = first; i < mask->n_runs; i += 2)
                memset (m + mask->runs[i], 3, mask->runs[i + 1] - mask->runs[i] + 1);
              mask->n_runs = first;
            }
          else
            {
              int c[3] = { first, mask->n_runs, area };

              g_array_append_vals (mask->comps, c, 1);
            }
        }
    }
  /* the rectangle's rows: the others hold no ink */
  keep_marked (m + mask_at (mask, -1, mask->ry0), (gsize) mask->stride * (mask->ry1 - mask->ry0 + 1));
}

/* A speck on its own, away from the strokes, is dust, not a pen skip; specks with no stroke at all
 * (noise, JPEG's blocks, what a coloured line leaves beside it) are no sample.  Reads the
 * components cd_seal_select_sample () listed. */
void
cd_seal_drop_isolated (CdSealMask *mask, double ppmm)
{
  guint8 *m = mask->m;
  double big = ISOLATED_MM2 * ppmm * ppmm, reach = ISOLATED_GAP_MM * ppmm;
  guint n_comps = mask->comps->len;
  g_autofree int *geom = g_new (int, 4 * MAX (n_comps, 1));     /* x, y, w, h */
  const int *comps = (const int *) mask->comps->data;          /* first run, end, area */
  /* index / stride as a multiplication: exact for these sizes (stride < 2^16, index < 2^24) */
  guint64 recip = ((G_GUINT64_CONSTANT (1) << 40) + mask->stride - 1) / mask->stride;

  for (guint i = 0; i < n_comps; i++)
    {
      int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1;

      for (int k = comps[3 * i]; k < comps[3 * i + 1]; k += 2)
        {
          int l = mask->runs[k], y = (int) ((l * recip) >> 40), xl = l - y * mask->stride;

          x0 = MIN (x0, xl);
          x1 = MAX (x1, xl + mask->runs[k + 1] - l);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
      /* back from the padded frame */
      geom[4 * i] = x0 - 1;
      geom[4 * i + 1] = y0 - 1;
      geom[4 * i + 2] = x1 - x0 + 1;
      geom[4 * i + 3] = y1 - y0 + 1;
    }
  for (guint i = 0; i < n_comps; i++)
    {
      gboolean near = FALSE;

      if (comps[3 * i + 2] >= big)
        continue;
      for (guint j = 0; j < n_comps && !near; j++)
        {
          const int *gi = geom + 4 * i, *gj = geom + 4 * j;
          double gx, gy;

          if (comps[3 * j + 2] < big)
            continue;
          gx = MAX (0, MAX (gj[0] - (gi[0] + gi[2]), gi[0] - (gj[0] + gj[2])));
          gy = MAX (0, MAX (gj[1] - (gi[1] + gi[3]), gi[1] - (gj[1] + gj[3])));
          near = gx <= reach && gy <= reach;
        }
      if (!near)
        {
          for (int k = comps[3 * i]; k < comps[3 * i + 1]; k += 2)
            memset (m + mask->runs[k], 0, mask->runs[k + 1] - mask->runs[k] + 1);
          ((int *) mask->comps->data)[3 * i + 2] = 0;    /* gone from the runs too */
        }
    }
}

/* What is left of a box line after the line was taken away (a side fitted a little off, a line the
 * lens bent, JPEG's colour blocks beside a red line) is a long thin stripe along the side, apart
 * from the ink: a component at least 30 % of a side long, at most 1.2 mm thick across it, within
 * 3 mm of the line, is dropped.  Ink is never that: a stroke along the line belongs to a seal or
 * a signature that reaches away from it. */
void
cd_seal_drop_line_remnants (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, double ppmm)
{
  guint n_comps = mask->comps->len;
  int *comps = (int *) mask->comps->data;          /* first run, end, area */
  guint64 recip = ((G_GUINT64_CONSTANT (1) << 40) + mask->stride - 1) / mask->stride;
  double thin = 1.2 * ppmm, near = 3.0 * ppmm + q->half_width;

  for (guint i = 0; i < n_comps; i++)
    {
      double u0 = G_MAXDOUBLE, u1 = -G_MAXDOUBLE, v0 = G_MAXDOUBLE, v1 = -G_MAXDOUBLE;
      gboolean along_h, along_v;

      if (comps[3 * i + 2] == 0)
        continue;
      for (int k = comps[3 * i]; k < comps[3 * i + 1]; k += 2)
        {
          int l = mask->runs[k], y = (int) ((l * recip) >> 40), xl = l - y * mask->stride - 1;
          int py = y - 1 + win->oy;

          for (int e = 0; e < 2; e++)
            {
              int px = (e ? xl + mask->runs[k + 1] - l : xl) + win->ox;
              double u = (px - q->cx) * q->ux + (py - q->cy) * q->uy;
              double v = -(px - q->cx) * q->uy + (py - q->cy) * q->ux;

              u0 = MIN (u0, u);
              u1 = MAX (u1, u);
              v0 = MIN (v0, v);
              v1 = MAX (v1, v);
            }
        }
      /* along the top or bottom side, or along the left or right one */
      along_h = u1 - u0 >= 0.3 * q->width && v1 - v0 <= thin
                && (fabs (v0 + 0.5 * q->height) <= near || fabs (v1 - 0.5 * q->height) <= near);
      along_v = v1 - v0 >= 0.3 * q->height && u1 - u0 <= thin
                && (fabs (u0 + 0.5 * q->width) <= near || fabs (u1 - 0.5 * q->width) <= near);
      if (!along_h && !along_v)
        continue;
      for (int k = comps[3 * i]; k < comps[3 * i + 1]; k += 2)
        memset (mask->m + mask->runs[k], 0, mask->runs[k + 1] - mask->runs[k] + 1);
      comps[3 * i + 2] = 0;
    }
}

/* Narrows the mask's rectangle to its ink's bounding box and @margin pixels around it. */
void
cd_seal_restrict_to_ink (CdSealMask *mask, int margin)
{
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1, y, a, b;
  RunIter it;

  run_iter_init (&it, mask);
  while (run_iter_next (&it, &y, &a, &b))
    {
      x0 = MIN (x0, a);
      x1 = MAX (x1, b);
      y0 = MIN (y0, y);
      y1 = MAX (y1, y);
    }
  if (x1 < 0)
    {
      mask->rx0 = mask->ry0 = 0;
      mask->rx1 = mask->ry1 = -1;       /* no ink: none in the second pass either */
      return;
    }
  mask->rx0 = MAX (0, x0 - margin);
  mask->ry0 = MAX (0, y0 - margin);
  mask->rx1 = MIN (mask->w - 1, x1 + margin);
  mask->ry1 = MIN (mask->h - 1, y1 + margin);
}
