/* cd-seal-ink-private.h: what the ink files share: the one-byte-a-pixel mask of a box and the steps over it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-seal-private.h"

G_BEGIN_DECLS

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

/* The runs of the mask's components, in window coordinates: row @y, columns @x0..@x1.  The
 * steps after the selection read the ink pixels this way rather than scanning the window. */
typedef struct {
  const CdSealMask *mask;
  guint64 recip;
  guint comp;
  int run;
} RunIter;

static inline void
run_iter_init (RunIter *it, const CdSealMask *mask)
{
  it->mask = mask;
  /* index / stride as a multiplication: exact for these sizes (stride < 2^16, index < 2^24) */
  it->recip = ((G_GUINT64_CONSTANT (1) << 40) + mask->stride - 1) / mask->stride;
  it->comp = 0;
  it->run = -1;
}

static inline gboolean
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

/* cd-seal-ink-mask.c */
void cd_seal_threshold_amount (const float *a, CdSealMask *mask, float t);
void cd_seal_bridge_lines (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, gboolean clear_line, PIX *blue_page, const double paper[3],
                           const float *print, const gboolean *print_sides, const float *amount);
void cd_seal_template_sides (const float *print, const float *amount, const CdSealQuad *q, const CdSealWindow *win,
                             gboolean out[4]);
void cd_seal_select_sample (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, double ppmm);
void cd_seal_drop_isolated (CdSealMask *mask, double ppmm);
void cd_seal_drop_line_remnants (CdSealMask *mask, const CdSealQuad *q, const CdSealWindow *win, double ppmm);
void cd_seal_restrict_to_ink (CdSealMask *mask, int margin);

/* cd-seal-ink-measure.c */
double cd_seal_median_amount (const CdSealMask *mask, const float *a);
void cd_seal_measure (PIX *page, const CdSealMask *mask, const float *a, const CdSealQuad *q, const CdSealWindow *win, double ppmm, CdSealInk ink, const double paper[3], const float *lbg, double med, CdSealBoxInk *out);
void cd_seal_make_alpha (const CdSealMask *mask, const float *a, double med, CdSealBoxInk *out, const CdSealWindow *win);

/* cd-seal-red-lines.c */
void cd_seal_subtract_red_lines (PIX *page, const CdSealQuad *q, const CdSealWindow *win, const double paper[3], double ppmm, float *a);

G_END_DECLS
