/* cd-seal-lines.c: the long straight runs of the deskewed binary page that box finding reads. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-seal-private.h"

/* Box finding keeps the box sides and table rules of the reduced page:
 *
 *   hlines = pixOpenCompBrick (pixCloseSafeBrick (pixDilateBrick (rot, 1, 3), gap, 1), len, 1)
 *   vlines = pixOpenCompBrick (pixCloseSafeBrick (pixDilateBrick (rot, 3, 1), 1, gap), 1, len)
 *
 * leptonica does every step as one full-page rasterop per element of its structuring element,
 * about fifty passes over the page for each direction.  This file gives the same pixels with
 * leptonica's own structuring elements (selectComposableSels (), a brick for the closing), in
 * fewer and cheaper passes:
 *
 *   - along a line, a structuring element of n hits at a constant spacing is an AND (erosion)
 *     or OR (dilation) over n shifted copies, made by doubling: log2 (n) + 1 shifts, not n;
 *   - the horizontal steps run a row at a time (all of them while the row is in the cache), the
 *     vertical ones on whole rows of words, with no bit shifting at all;
 *   - the page is surrounded by enough paper (zeros) that no step needs a bounds test, and it is
 *     cleared again after every step where leptonica clips to the page (asymmetric boundary
 *     conditions: paper outside for erosion and dilation alike).
 *
 * Each leptonica call is followed step by step, including the clipping between the two parts of
 * a composite opening, so the result is the same bit for bit (tests/imaging/test-seal-lines.c
 * compares both). */

/* The hits of a one-line structuring element: offsets a, a + stride, ... a + (n - 1) stride from
 * its origin. */
typedef struct {
  int a, n, stride;
} Progression;

static gboolean
sel_progression (SEL *sel, gboolean horizontal, Progression *out)
{
  l_int32 sy = 0, sx = 0, cy = 0, cx = 0;
  int len, origin, first = 0, prev = 0, n = 0, stride = 1;

  selGetParameters (sel, &sy, &sx, &cy, &cx);
  if ((horizontal ? sy : sx) != 1)
    return FALSE;
  len = horizontal ? sx : sy;
  origin = horizontal ? cx : cy;
  for (int k = 0; k < len; k++)
    {
      l_int32 type = SEL_DONT_CARE;

      selGetElement (sel, horizontal ? 0 : k, horizontal ? k : 0, &type);
      if (type == SEL_DONT_CARE)
        continue;
      if (type != SEL_HIT)
        return FALSE;
      if (n == 0)
        first = k;
      else if (n == 1)
        stride = k - prev;
      else if (k - prev != stride)
        return FALSE;
      prev = k;
      n++;
    }
  if (n == 0)
    return FALSE;
  out->a = first - origin;
  out->n = n;
  out->stride = stride;
  return TRUE;
}

/* Erosion reads s(x + o) for every hit o; dilation s(x - o): the mirrored progression. */
static Progression
mirrored (Progression p)
{
  return (Progression) { -p.a - (p.n - 1) * p.stride, p.n, p.stride };
}

/* The composite opening's elements, or FALSE when they are not what this file handles. */
static gboolean
composite_sels (int size, int direction, Progression *p1, Progression *p2)
{
  SEL *sel1 = NULL, *sel2 = NULL;
  gboolean ok;

  if (selectComposableSels (size, direction, &sel1, &sel2) != 0 || sel1 == NULL || sel2 == NULL)
    ok = FALSE;
  else
    ok = sel_progression (sel1, direction == L_HORIZ, p1) && sel_progression (sel2, direction == L_HORIZ, p2);
  if (sel1 != NULL)
    selDestroy (&sel1);
  if (sel2 != NULL)
    selDestroy (&sel2);
  return ok;
}

/* ---- along rows: one row of nw words, the page's pixels from bit pad on ---- */

/* dst(x) = src(x + k), paper beyond the row's words. */
static void
row_shift (const l_uint32 *src, l_uint32 *dst, int nw, int k)
{
  int q = k >= 0 ? k / 32 : -((-k + 31) / 32), s = k - 32 * q;
  /* words i whose sources src[i + q] and src[i + q + 1] both exist: no tests there */
  int i0 = CLAMP (-q, 0, nw), i1 = CLAMP (nw - 1 - q, i0, nw);

  for (int i = 0; i < i0; i++)
    dst[i] = i + q + 1 == 0 && s != 0 ? src[0] >> (32 - s) : 0;
  if (s == 0)
    memcpy (dst + i0, src + i0 + q, (i1 - i0) * sizeof (l_uint32));
  else
    for (int i = i0; i < i1; i++)
      dst[i] = (src[i + q] << s) | (src[i + q + 1] >> (32 - s));
  for (int i = i1; i < nw; i++)
    dst[i] = i + q >= 0 && i + q < nw ? src[i + q] << s : 0;
}

/* Paper outside the page's w pixels from bit @pad (a multiple of 32). */
static void
row_clip (l_uint32 *row, int nw, int pad, int w)
{
  int first = pad / 32, last = (pad + w - 1) / 32;

  memset (row, 0, first * sizeof (l_uint32));
  if ((w & 31) != 0)
    row[last] &= ~(0xffffffffu >> (w & 31));
  memset (row + last + 1, 0, (nw - last - 1) * sizeof (l_uint32));
}

/* ---- across rows: a plane of rows of wpl words, the page's rows from row pad on ---- */

/* plane(y) = AND (or OR) of plane(y + p.a + i p.stride), i < p.n, rows beyond the plane paper.
 * In place: doubled upwards (row y + step is read before it is written), then moved by a rows. */
static void
plane_window (l_uint32 *plane, int rows, int wpl, Progression p, gboolean and)
{
  gsize n_words = (gsize) rows * wpl;
  int m = 1;

  while (m < p.n)
    {
      int step = 2 * m <= p.n ? m : p.n - m;
      gsize d = MIN ((gsize) step * p.stride * wpl, n_words);

      if (and)
        {
          for (gsize i = 0; i + d < n_words; i++)
            plane[i] &= plane[i + d];
          memset (plane + n_words - d, 0, d * sizeof (l_uint32));
        }
      else
        for (gsize i = 0; i + d < n_words; i++)
          plane[i] |= plane[i + d];
      m = 2 * m <= p.n ? 2 * m : p.n;
    }
  /* plane(y) = plane(y + a) */
  if (p.a > 0)
    {
      gsize d = MIN ((gsize) p.a * wpl, n_words);

      memmove (plane, plane + d, (n_words - d) * sizeof (l_uint32));
      memset (plane + n_words - d, 0, d * sizeof (l_uint32));
    }
  else if (p.a < 0)
    {
      gsize d = MIN ((gsize) -p.a * wpl, n_words);

      memmove (plane + d, plane, (n_words - d) * sizeof (l_uint32));
      memset (plane, 0, d * sizeof (l_uint32));
    }
}

static void
plane_clip (l_uint32 *plane, int rows, int wpl, int pad, int h)
{
  memset (plane, 0, (gsize) pad * wpl * sizeof (l_uint32));
  memset (plane + (gsize) (pad + h) * wpl, 0, (gsize) (rows - pad - h) * wpl * sizeof (l_uint32));
}

/* The row y of @src with its pad bits cleared, or paper off the page. */
static void
load_row (PIX *src, int y, l_uint32 *dst)
{
  int w = pixGetWidth (src), wpl = pixGetWpl (src);

  if (y < 0 || y >= pixGetHeight (src))
    {
      memset (dst, 0, wpl * sizeof (l_uint32));
      return;
    }
  memcpy (dst, pixGetData (src) + (gsize) y * wpl, wpl * sizeof (l_uint32));
  if ((w & 31) != 0)
    dst[wpl - 1] &= ~(0xffffffffu >> (w & 31));
}

/* A run of page pixels, first and last (inclusive). */
typedef struct {
  int s, e;
} Run;

/* The first x' >= x below w whose pixel is @on, else w. */
static inline int
next_pixel (const l_uint32 *row, int x, int w, gboolean on)
{
  while (x < w)
    {
      int i = x >> 5;
      l_uint32 v = (on ? row[i] : ~row[i]) & (0xffffffffu >> (x & 31));

      if (v != 0)
        return MIN (w, (i << 5) + __builtin_clz (v));
      x = (i + 1) << 5;
    }
  return w;
}

/* Sets pixels s .. e (within the row). */
static inline void
set_pixels (l_uint32 *row, int s, int e)
{
  int i0 = s >> 5, i1 = e >> 5;
  /* the bits of pixels from s on in its word, and up to e in its word */
  l_uint32 m0 = 0xffffffffu >> (s & 31), m1 = ~(0x7fffffffu >> (e & 31));
  if (i0 == i1)
    {
      row[i0] |= m0 & m1;
      return;
    }
  row[i0] |= m0;
  for (int i = i0 + 1; i < i1; i++)
    row[i] = 0xffffffffu;
  row[i1] |= m1;
}

/* The runs grown by [d0, d1] (run [s, e] to [s + d0, e + d1]), kept within [lo, hi] when @clip,
 * merged where they meet; in place, returns the count.  Sorted runs stay sorted. */
static int
grow_runs (Run *runs, int n, int d0, int d1, gboolean clip, int lo, int hi)
{
  int m = 0;

  for (int k = 0; k < n; k++)
    {
      int s = runs[k].s + d0, e = runs[k].e + d1;

      if (clip)
        {
          s = MAX (s, lo);
          e = MIN (e, hi);
        }
      if (s > e)
        continue;
      if (m > 0 && s <= runs[m - 1].e + 1)
        runs[m - 1].e = MAX (runs[m - 1].e, e);
      else
        runs[m++] = (Run) { s, e };
    }
  return m;
}

/* Along rows the steps work on the runs of each row rather than on its bits: a row of the
 * reduced page has few of them, and each step moves their ends.  Dilation by offsets [o0, o1]
 * grows a run [s, e] to [s + o0, e + o1]; erosion by a brick of offsets [a, a + L - 1] (paper outside)
 * keeps [s - a, e - a - L + 1] of a run at least L long; the composite opening's erosion by the
 * brick and then the comb is the erosion by their sum, one brick of f1 × f2 (the brick holds its
 * own origin: the first erosion is paper outside the page anyway), but its two dilations are
 * clipped to the page in between, and are made that way. */
static PIX *
horizontal_lines (PIX *rot, int gap, int len, Progression brick, Progression p1, Progression p2)
{
  int w = pixGetWidth (rot), h = pixGetHeight (rot), wpl = pixGetWpl (rot);
  PIX *out = pixCreateTemplate (rot);
  g_autofree l_uint32 *rows = g_new0 (l_uint32, 4 * (gsize) wpl);
  /* a run needs a pixel and a gap: at most w / 2 + 1; the comb's copies are painted directly */
  g_autofree Run *runs = g_new (Run, w / 2 + 2);
  l_uint32 *r0 = rows, *r1 = rows + wpl, *r2 = rows + 2 * wpl, *row = rows + 3 * wpl;
  int erode_a = p1.a + p2.a, erode_len = p1.n * p2.n;

  for (int y = 0; y < h; y++)
    {
      l_uint32 *dst = pixGetData (out) + (gsize) y * wpl;
      int n = 0;

      /* pixDilateBrick (1, 3): the row and its neighbours above and below */
      load_row (rot, y - 1, r0);
      load_row (rot, y, r1);
      load_row (rot, y + 1, r2);
      for (int i = 0; i < wpl; i++)
        row[i] = r0[i] | r1[i] | r2[i];
      for (int x = next_pixel (row, 0, w, TRUE); x < w; x = next_pixel (row, x, w, TRUE))
        {
          int e = next_pixel (row, x, w, FALSE);

          runs[n++] = (Run) { x, e - 1 };
          x = e;
        }
      /* pixCloseSafeBrick (gap, 1): paper around the page, clipped at the end only */
      if (gap > 1)
        {
          n = grow_runs (runs, n, brick.a, brick.a + brick.n - 1, FALSE, 0, 0);
          n = grow_runs (runs, n, -brick.a, -(brick.a + brick.n - 1), TRUE, 0, w - 1);
        }
      /* pixOpenCompBrick (len, 1) */
      if (len > 1)
        {
          int m = 0;

          for (int k = 0; k < n; k++)
            if (runs[k].e - runs[k].s + 1 >= erode_len)
              runs[m++] = runs[k];
          n = grow_runs (runs, m, -erode_a, -(erode_a + erode_len - 1), TRUE, 0, w - 1);
          n = grow_runs (runs, n, p1.a, p1.a + p1.n - 1, TRUE, 0, w - 1);
          /* the comb: its tines' copies of each run, clipped, painted */
          for (int k = 0; k < n; k++)
            for (int t = 0; t < p2.n; t++)
              {
                int s = MAX (0, runs[k].s + p2.a + t * p2.stride);
                int e = MIN (w - 1, runs[k].e + p2.a + t * p2.stride);

                if (s <= e)
                  set_pixels (dst, s, e);
              }
        }
      else
        for (int k = 0; k < n; k++)
          set_pixels (dst, runs[k].s, runs[k].e);
    }
  return out;
}

static PIX *
vertical_lines (PIX *rot, int gap, int len, Progression brick, Progression p1, Progression p2)
{
  int w = pixGetWidth (rot), h = pixGetHeight (rot), wpl = pixGetWpl (rot);
  int pad = len + gap + 1, rows = h + 2 * pad, nw = wpl + 2;
  PIX *out = pixCreateTemplate (rot);
  g_autofree l_uint32 *plane = g_new0 (l_uint32, (gsize) rows * wpl);
  g_autofree l_uint32 *rowbuf = g_new0 (l_uint32, 3 * (gsize) nw);
  l_uint32 *row = rowbuf, *tmp = rowbuf + nw, *acc = rowbuf + 2 * nw;

  /* pixDilateBrick (3, 1): each row with its pixels one to the left and right (the row has a
   * word of paper on either side) */
  for (int y = 0; y < h; y++)
    {
      memset (row, 0, nw * sizeof (l_uint32));
      load_row (rot, y, row + 1);
      memcpy (acc, row, nw * sizeof (l_uint32));
      row_shift (row, tmp, nw, 1);
      for (int i = 0; i < nw; i++)
        acc[i] |= tmp[i];
      row_shift (row, tmp, nw, -1);
      for (int i = 0; i < nw; i++)
        acc[i] |= tmp[i];
      row_clip (acc, nw, 32, w);
      memcpy (plane + (gsize) (pad + y) * wpl, acc + 1, wpl * sizeof (l_uint32));
    }
  if (gap > 1)
    {
      plane_window (plane, rows, wpl, mirrored (brick), FALSE);
      plane_window (plane, rows, wpl, brick, TRUE);
      plane_clip (plane, rows, wpl, pad, h);
    }
  if (len > 1)
    {
      plane_window (plane, rows, wpl, p1, TRUE);
      plane_clip (plane, rows, wpl, pad, h);
      plane_window (plane, rows, wpl, p2, TRUE);
      plane_clip (plane, rows, wpl, pad, h);
      plane_window (plane, rows, wpl, mirrored (p1), FALSE);
      plane_clip (plane, rows, wpl, pad, h);
      plane_window (plane, rows, wpl, mirrored (p2), FALSE);
      plane_clip (plane, rows, wpl, pad, h);
    }
  memcpy (pixGetData (out), plane + (gsize) pad * wpl, (gsize) h * wpl * sizeof (l_uint32));
  return out;
}

void
cd_seal_line_masks (PIX *rot, int gap, int len, PIX **out_h, PIX **out_v)
{
  /* one hit at the origin: what a size of 1 means (then unused) */
  Progression hb = { 0, 1, 1 }, vb = hb, h1 = hb, h2 = hb, v1 = hb, v2 = hb;
  gboolean ok = gap >= 1 && len >= 1 && pixGetDepth (rot) == 1;

  if (ok && gap > 1)
    {
      SEL *sh = selCreateBrick (1, gap, 0, gap / 2, SEL_HIT), *sv = selCreateBrick (gap, 1, gap / 2, 0, SEL_HIT);

      ok = sel_progression (sh, TRUE, &hb) && sel_progression (sv, FALSE, &vb);
      selDestroy (&sh);
      selDestroy (&sv);
    }
  if (ok && len > 1)
    ok = composite_sels (len, L_HORIZ, &h1, &h2) && composite_sels (len, L_VERT, &v1, &v2)
         && h1.stride == 1 && h2.stride == h1.n;    /* a brick and its comb: one brick together */
  if (!ok)
    {
      /* not a case this file was written for: leptonica itself */
      PIX *tmp = pixDilateBrick (NULL, rot, 1, 3);

      pixCloseSafeBrick (tmp, tmp, gap, 1);
      *out_h = pixOpenCompBrick (NULL, tmp, len, 1);
      pixDestroy (&tmp);
      tmp = pixDilateBrick (NULL, rot, 3, 1);
      pixCloseSafeBrick (tmp, tmp, 1, gap);
      *out_v = pixOpenCompBrick (NULL, tmp, 1, len);
      pixDestroy (&tmp);
      return;
    }
  *out_h = horizontal_lines (rot, gap, len, hb, h1, h2);
  *out_v = vertical_lines (rot, gap, len, vb, v1, v2);
}
