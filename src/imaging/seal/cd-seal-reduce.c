/* cd-seal-reduce.c: the reduced page (about 100 dpi) that box finding and the first ink pass read. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>

#include "cd-seal-private.h"

/* The reduced page has about this many pixels per millimetre. */
#define LO_PPMM 4.0

int
cd_seal_reduction_for (double ppmm)
{
  return MAX (1, (int) lround (ppmm / LO_PPMM));
}

/* One pass over the full page makes both reduced pages: the darkest max(R, G, B) of each r×r
 * block (thin box lines stay dark, red ink fades into the paper) and the mean colour (faint ink
 * stands out of the noise).  leptonica would take three full-resolution passes and an 8 bpp copy
 * of the page (pixConvertRGBToGrayMinMax + pixScaleGrayMinMax, pixScaleAreaMap); the page is the
 * largest thing we touch, so one pass is what keeps extraction close to the decoding time. */
/* Four pixels at a time (GCC and clang vector extensions): the loop runs over every pixel of the
 * page, and plain C leaves it several times slower than decoding the JPEG. */
typedef gint32 CdSealV4 __attribute__ ((vector_size (16)));   /* signed: cheaper compares */

static inline CdSealV4
v4_max (CdSealV4 a, CdSealV4 b)
{
  CdSealV4 m = (CdSealV4) (a > b);

  return (a & m) | (b & ~m);
}

static inline CdSealV4
v4_min (CdSealV4 a, CdSealV4 b)
{
  CdSealV4 m = (CdSealV4) (a < b);

  return (a & m) | (b & ~m);
}

void
cd_seal_reduce (PIX *page, int r, PIX **out_dark, PIX **out_rgb)
{
  int w = pixGetWidth (page), h = pixGetHeight (page);
  int lw = w / r, lh = h / r, n = r * r, fw = lw * r, nv = (fw + 3) / 4;
  guint32 recip = (65536 + n / 2) / n;
  PIX *dark = pixCreate (lw, lh, 8);
  PIX *rgb = pixCreate (lw, lh, 32);
  const l_uint32 *sdata = pixGetData (page);
  l_uint32 *ddata = pixGetData (dark), *rdata = pixGetData (rgb);
  int swpl = pixGetWpl (page), dwpl = pixGetWpl (dark), rwpl = pixGetWpl (rgb);
  /* column-wise accumulators over the r rows of a block */
  g_autofree CdSealV4 *mins = g_malloc (sizeof (CdSealV4) * nv);
  g_autofree CdSealV4 *sum_rb = g_malloc (sizeof (CdSealV4) * nv);
  g_autofree CdSealV4 *sum_g = g_malloc (sizeof (CdSealV4) * nv);
  const CdSealV4 byte = { 255, 255, 255, 255 }, zero = { 0, 0, 0, 0 };

  for (int ly = 0; ly < lh; ly++)
    {
      for (int v = 0; v < nv; v++)
        {
          mins[v] = byte;
          sum_rb[v] = zero;
          sum_g[v] = zero;
        }
      for (int dy = 0; dy < r; dy++)
        {
          const l_uint32 *s = sdata + (gsize) (ly * r + dy) * swpl;

          /* the page's rows hold at least fw pixels and are padded to 32 bits; the last partial
           * vector reads at most 3 pixels of the row's own width (fw <= w) or is done singly */
          for (int v = 0; v < nv; v++)
            {
              CdSealV4 p, rr, gg, bb, mx;

              if (4 * v + 4 <= w)
                memcpy (&p, s + 4 * v, sizeof p);
              else
                {
                  p = zero;
                  for (int k = 0; k < 4 && 4 * v + k < fw; k++)
                    p[k] = (gint32) s[4 * v + k];
                }
              rr = (p >> 24) & byte;
              gg = (p >> 16) & byte;
              bb = (p >> 8) & byte;
              mx = v4_max (rr, v4_max (gg, bb));
              mins[v] = v4_min (mins[v], mx);
              /* red and blue side by side in one word: at most 9 × 255 each */
              sum_rb[v] += (rr << 16) | bb;
              sum_g[v] += gg;
            }
        }
      for (int lx = 0; lx < lw; lx++)
        {
          const guint32 *m32 = (const guint32 *) mins, *rb32 = (const guint32 *) sum_rb;
          const guint32 *g32 = (const guint32 *) sum_g;
          guint32 m = 255, srb = 0, sg = 0, rr, gg, bb;

          for (int dx = 0; dx < r; dx++)
            {
              int x = lx * r + dx;

              m = m32[x] < m ? m32[x] : m;
              srb += rb32[x];
              sg += g32[x];
            }
          /* × 1/n in 16.16 fixed point: a division per pixel costs more than the whole block */
          rr = ((srb >> 16) * recip + 0x8000) >> 16;
          gg = (sg * recip + 0x8000) >> 16;
          bb = ((srb & 0xffff) * recip + 0x8000) >> 16;
          SET_DATA_BYTE (ddata + (gsize) ly * dwpl, lx, m);
          rdata[(gsize) ly * rwpl + lx] = (rr << 24) | (gg << 16) | (bb << 8);
        }
    }
  *out_dark = dark;
  *out_rgb = rgb;
}

/* The same box on the reduced page: a full-resolution pixel x lies at (x - (r - 1) / 2) / r. */
void
cd_seal_quad_scale_down (const CdSealQuad *quad, int r, CdSealQuad *out)
{
  double k = 0.5 * (r - 1);

  *out = *quad;
  for (int s = 0; s < 4; s++)
    out->c[s] = (quad->c[s] - quad->nx[s] * k - quad->ny[s] * k) / r;
  for (int i = 0; i < 4; i++)
    {
      out->corners[i][0] = (quad->corners[i][0] - k) / r;
      out->corners[i][1] = (quad->corners[i][1] - k) / r;
    }
  out->cx = (quad->cx - k) / r;
  out->cy = (quad->cy - k) / r;
  out->width = quad->width / r;
  out->height = quad->height / r;
  out->half_width = quad->half_width / r;
}
