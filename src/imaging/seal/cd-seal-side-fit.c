/* cd-seal-side-fit.c: each side of a box fitted at full resolution; the line width and colour. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "cd-seal-private.h"
#include "cd-seal-boxes-private.h"

#define SEARCH_MM        1.2      /* full-resolution search around the coarse line */

typedef struct {
  double s, p, width;
} LineSample;

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

double
cd_seal_median_of (double *v, guint n)
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
  med_width = cd_seal_median_of (tmp, samples->len);

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
      mad = cd_seal_median_of (tmp, n);
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

void
cd_seal_refine_quad (PIX *page, double ppmm, gboolean green, double corners[4][2], CdSealQuad *q, GArray *redness)
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
  q->half_width = n_widths ? 0.5 * cd_seal_median_of (widths, n_widths) : 0.15 * ppmm;

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
