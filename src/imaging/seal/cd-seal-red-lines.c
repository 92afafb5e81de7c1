/* cd-seal-red-lines.c: taking a red box line's own share out of the red amount around it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"
#include "cd-seal-ink-private.h"

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
void
cd_seal_subtract_red_lines (PIX *page, const CdSealQuad *q, const CdSealWindow *win, const double paper[3], double ppmm,
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
