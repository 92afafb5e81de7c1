/* cd-seal-ink.c: separating the ink (red seal, blue or black pen) in each sample box from paper and print. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* The binary masks below are one byte a pixel, not leptonica's 1 bpp PIX: every step reads or
 * writes single pixels at computed places (probes across the line, seeds inside the box, the ink
 * pixels one by one), where a byte is a load and a bit is a load, a shift and a mask.  A border
 * of one paper pixel all round lets the flood fill look at the neighbouring rows and columns
 * without bounds tests.
 * The windows are small (a box and its margin), so the memory costs nothing. */
typedef struct {
  int      w, h;
  int      stride;             /* w + 2 */
  guint8  *m;                  /* (w + 2) * (h + 2): 0 = paper, 1 = ink, others while labelling */
  int     *stack;              /* the flood fill's seeds (pixel indices) */
  int     *runs;               /* first and last index of each run filled */
  int      n_runs;
  GArray  *comps;              /* of int[3]: first run, end of its runs, area */
  int      rx0, ry0, rx1, ry1; /* the rectangle thresholded; paper outside */
} CdSealMask;

static inline gsize
mask_at (const CdSealMask *mask, int x, int y)
{
  return (gsize) (y + 1) * mask->stride + x + 1;
}

/* Thresholds the mask's rectangle (mask->rx0 .. rx1, ry0 .. ry1) and clears the rest, border
 * included. */
static void
threshold_amount (const float *a, CdSealMask *mask, float t)
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

/* Across the box line the ink may be hidden (red over black prints near-black): where ink lies on
 * both sides of the line, the line pixels between are ink too.  Black ink cannot be told from the
 * line at all, so for it the line is cleared first; blue ink (@blue_page set) is kept where it is
 * blue, so a stroke that runs along the line stays. */
static void
bridge_lines (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, gboolean clear_line,
              PIX *blue_page, const double paper[3])
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

                  if (bdata == NULL || px < 0 || py < 0 || px >= bw || py >= bh
                      || !is_blue_ink (bdata, bwpl, px, py, lpaper))
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
static void
select_sample (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, double ppmm)
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
 * components select_sample () listed. */
static void
drop_isolated (CdSealMask *mask, double ppmm)
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
static void
drop_line_remnants (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, double ppmm)
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

/* The runs of the mask's components, in window coordinates: row @y, columns @x0..@x1.  The
 * steps after the selection read the ink pixels this way rather than scanning the window. */
typedef struct {
  const CdSealMask *mask;
  guint64 recip;
  guint comp;
  int run;
} RunIter;

static void
run_iter_init (RunIter *it, const CdSealMask *mask)
{
  it->mask = mask;
  /* index / stride as a multiplication: exact for these sizes (stride < 2^16, index < 2^24) */
  it->recip = ((G_GUINT64_CONSTANT (1) << 40) + mask->stride - 1) / mask->stride;
  it->comp = 0;
  it->run = -1;
}

static gboolean
run_iter_next (RunIter *it, int *y, int *x0, int *x1)
{
  const int *comps = (const int *) it->mask->comps->data;
  int l;

  while (it->comp < it->mask->comps->len)
    {
      const int *c = comps + 3 * it->comp;

      if (it->run < 0)
        it->run = c[0];
      if (c[2] > 0 && it->run < c[1])
        {
          l = it->mask->runs[it->run];
          *y = (int) ((l * it->recip) >> 40);
          *x0 = l - *y * it->mask->stride - 1;
          *x1 = *x0 + it->mask->runs[it->run + 1] - l;
          *y -= 1;
          it->run += 2;
          return TRUE;
        }
      it->comp++;
      it->run = -1;
    }
  return FALSE;
}

static double
median_amount (const CdSealMask *mask, const float *a)
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

static void
measure (PIX *page, const CdSealMask *mask, const float *a, const CdSealQuad *q, const CdSealWindow *win,
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
make_alpha (const CdSealMask *mask, const float *a, double med, CdSealBoxInk *out, const CdSealWindow *win)
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

/* Narrows the mask's rectangle to its ink's bounding box and @margin pixels around it. */
static void
restrict_to_ink (CdSealMask *mask, int margin)
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

/* The k-th smallest of v[0 .. n - 1] (v is reordered): Hoare's selection, no full sort. */
static float
select_kth (float *v, int n, int k)
{
  int lo = 0, hi = n - 1;

  while (lo < hi)
    {
      float pivot = v[(lo + hi) / 2];
      int i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              float t = v[i];

              v[i++] = v[j];
              v[j--] = t;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
  return v[k];
}

#define PROFILE_STEP 0.5        /* px between the profile's samples across the line */

/* ln(v) of an 8-bit value, 0 read as 0.5 (as the density maps read it) */
static float ln8[256];

static inline float
ln_red_lut (guint v)
{
  return ln8[v];
}

/* Red box lines and red seal ink are the same red: the line's own share of the red amount is
 * taken away, so that what remains on and beside the line is ink alone.  A printed line looks
 * the same all along (its width, its colour, the blur and JPEG's halved chroma beside it), so its
 * profile across the line is the median, at each distance from the line's centre, over the whole
 * side: a seal covers a part of a side, never most of it.  Densities add (ink over the line is the
 * line's density plus the ink's), so the subtraction leaves the ink that lies on the line. */
static void
subtract_red_lines (PIX *page, const CdSealQuad *q, const CdSealWindow *win, const double paper[3], double ppmm,
                    float *a)
{
  int pw = pixGetWidth (page), ph = pixGetHeight (page), wpl = pixGetWpl (page);
  const l_uint32 *data = pixGetData (page);
  float offset = (float) (log (paper[1]) - log (paper[0]));
  /* JPEG keeps colour at half resolution in blocks: a red line's red rings a millimetre and more
   * to either side of it */
  double band = q->half_width + MAX (4.0, 1.5 * ppmm);
  int nb = (int) ceil (2 * band / PROFILE_STEP) + 1;
  g_autofree float *sub = g_new0 (float, (gsize) win->w * win->h);
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      for (int v = 0; v < 256; v++)
        ln8[v] = logf (v == 0 ? 0.5f : (float) v);
      g_once_init_leave (&once, 1);
    }

  for (int k = 0; k < 4; k++)
    {
      const double *c0 = q->corners[k], *c1 = q->corners[(k + 1) % 4];
      double len = hypot (c1[0] - c0[0], c1[1] - c0[1]), tx = (c1[0] - c0[0]) / len, ty = (c1[1] - c0[1]) / len;
      int x0 = (int) floor (MIN (c0[0], c1[0]) - band - 1), x1 = (int) ceil (MAX (c0[0], c1[0]) + band + 1);
      int y0 = (int) floor (MIN (c0[1], c1[1]) - band - 1), y1 = (int) ceil (MAX (c0[1], c1[1]) + band + 1);
      g_autoptr(GPtrArray) bins = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
      g_autofree float *profile = g_new0 (float, nb);

      for (int j = 0; j < nb; j++)
        g_ptr_array_add (bins, g_array_new (FALSE, FALSE, sizeof (float)));
      /* the profile, along the side away from its corners (the other sides cross there) */
      for (int y = MAX (0, y0); y <= MIN (ph - 1, y1); y++)
        for (int x = MAX (0, x0); x <= MIN (pw - 1, x1); x++)
          {
            double d = cd_seal_quad_distance (q, k, x, y), t = (x - c0[0]) * tx + (y - c0[1]) * ty;
            l_uint32 p;
            float v;
            int j;

            if (fabs (d) > band || t < band + 2 || t > len - band - 2)
              continue;
            p = data[(gsize) y * wpl + x];
            v = offset - ln_red_lut ((p >> 16) & 0xff) + ln_red_lut (p >> 24);
            j = (int) lround ((d + band) / PROFILE_STEP);
            g_array_append_val (g_ptr_array_index (bins, CLAMP (j, 0, nb - 1)), v);
          }
      for (int j = 0; j < nb; j++)
        {
          GArray *bin = g_ptr_array_index (bins, j);

          if (bin->len == 0)
            continue;
          profile[j] = MAX (0.0f, select_kth ((float *) bin->data, bin->len, bin->len / 2));
        }
      /* a side fitted a fraction of a pixel off the printed line, or a line a little curved by the
       * lens, leaves a thin stripe of it: the profile is widened by a pixel either way */
      {
        g_autofree float *wide = g_memdup2 (profile, nb * sizeof (float));
        int reach = (int) lround (1.0 / PROFILE_STEP);

        for (int j = 0; j < nb; j++)
          for (int o = -reach; o <= reach; o++)
            if (j + o >= 0 && j + o < nb)
              profile[j] = MAX (profile[j], wide[j + o]);
      }
      /* the line's share, the whole side long, in the window; the larger of two sides where they cross */
      for (int y = MAX (win->oy, y0); y <= MIN (win->oy + win->h - 1, y1); y++)
        for (int x = MAX (win->ox, x0); x <= MIN (win->ox + win->w - 1, x1); x++)
          {
            double d = cd_seal_quad_distance (q, k, x, y), t = (x - c0[0]) * tx + (y - c0[1]) * ty;
            double fj;
            int j;
            float v;
            gsize idx;

            if (fabs (d) > band || t < -band || t > len + band)
              continue;
            fj = (d + band) / PROFILE_STEP;
            j = CLAMP ((int) floor (fj), 0, nb - 2);
            v = profile[j] + (float) (fj - j) * (profile[j + 1] - profile[j]);
            idx = (gsize) (y - win->oy) * win->w + (x - win->ox);
            sub[idx] = MAX (sub[idx], v);
          }
    }
  for (gsize i = 0; i < (gsize) win->w * win->h; i++)
    a[i] -= sub[i];
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
            subtract_red_lines (page, q, win, paper, ppmm, a);
        }

      /* Two passes: the first finds the ink, its median density sets the edge of the second
       * (the ink covers a pixel from half its typical density on). */
      mask.rx0 = mask.ry0 = 0;
      mask.rx1 = win->w - 1;
      mask.ry1 = win->h - 1;
      threshold_amount (a, &mask, t0);
      bridge_lines (&mask, q, win, clear_line, ink == CD_SEAL_INK_BLUE ? page : NULL, paper);
      select_sample (&mask, q, win, ppmm);
      med = median_amount (&mask, a);
      t1 = MAX (t0, 0.5 * med);
      /* The second pass's ink lies within the first's (a higher threshold keeps parts of the
       * same blobs, and fewer of them): it is made in the first's bounding box, widened by what
       * the line bridging looks at, instead of the whole window.  The same mask results. */
      restrict_to_ink (&mask, (int) ceil (2 * q->half_width + 6));
      threshold_amount (a, &mask, (float) t1);
      bridge_lines (&mask, q, win, clear_line, ink == CD_SEAL_INK_BLUE ? page : NULL, paper);
      select_sample (&mask, q, win, ppmm);
      /* (black and blue ink: the print template took the lines away, and a pen stroke may run
       * along a line) */
      if (red_lines && !neutral)
        drop_line_remnants (&mask, q, win, ppmm);
      drop_isolated (&mask, ppmm);
      med = MAX (t1, median_amount (&mask, a));

      measure (page, &mask, a, q, win, ppmm, ink, paper, lbg[i], med, res);
      if (!res->empty)
        make_alpha (&mask, a, med, res, win);
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
