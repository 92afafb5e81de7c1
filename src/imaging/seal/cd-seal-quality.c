/* cd-seal-quality.c: judging each sample (flags, score), choosing the best, and the paper colour. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>

#include "cd-seal-private.h"

/* The acceptance rules of the collection form (README of the seal evaluation). */
/* Faint is the ink's peak opacity (0.16–0.30 against 0.72–0.95).  The strokes' cores keep it; their
 * edges, a larger share of a thin pen stroke the more the scan blurs or the lower its dpi, do not.  So
 * the contrast at the 80th percentile of the ink pixels is read, not the median: on the public forms
 * and their blurred, rescaled and unevenly lit variants faint samples reach 0.25 there and the others
 * start at 0.45 (the median: 0.22 against 0.32, a blurred ballpoint signature). */
#define FAINT_CONTRAST       0.33   /* core ink contrast below this: faint */
#define OFF_CENTER_FRACTION  0.08   /* of the box width (x) or height (y) */
#define CROSS_MIN_PX         3      /* ink pixels beyond a line centre by > 0.45 mm */
#define TOUCH_MIN_MM2        0.1    /* ink on or right next to the line (CD_SEAL_TOUCH_MM) */
#define ROUND_SEAL_MIN_MM    31.0   /* round unit seals 38–42 mm, square personal seals 16–24 mm */
#define ROUND_SEAL_MAX_MM    44.5
#define SQUARE_SEAL_MAX_MM   26.5

static gboolean
looks_double (const CdSealBoxInk *s, gboolean round, double single)
{
  double ext = MAX (s->size_w_mm, s->size_h_mm);
  double diff = fabs (s->size_w_mm - s->size_h_mm);

  /* One impression is as wide as it is tall (a disc, or a square turned a little);
   * two impressions side by side are longer one way or larger than any single seal. */
  if (diff > MAX (2.0, 0.06 * ext))
    return TRUE;
  if (ext > (round ? ROUND_SEAL_MAX_MM : SQUARE_SEAL_MAX_MM))
    return TRUE;
  return single > 0 && ext > 1.15 * single;
}

static double
score_sample (const CdSealBoxInk *s, CdSealFlags flags)
{
  double offset = MAX (fabs (s->off_x), fabs (s->off_y));
  double score;

  if (flags & CD_SEAL_FLAG_EMPTY)
    return 0.0;
  /* ok samples score 0.6..1 (denser and better centred is better); any defect caps it below 0.6 */
  score = 0.6 + 0.25 * MIN (1.0, s->contrast / 0.6) + 0.15 * (1.0 - MIN (1.0, offset / OFF_CENTER_FRACTION));
  if (flags & CD_SEAL_FLAG_CROSSES_BORDER)
    score *= 0.35;
  if (flags & CD_SEAL_FLAG_OVERLAP)
    score *= 0.3;
  if (flags & CD_SEAL_FLAG_FAINT)
    score *= 0.45;
  if (flags & CD_SEAL_FLAG_OFF_CENTER)
    score *= 0.55;
  return CLAMP (score, 0.0, 1.0);
}

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

/* Round unit seal or square/oval name seal: the same seal is stamped in every box of a form, so the
 * form's samples decide together, by the size of one impression.  The narrower extent of each
 * sample is no larger than one impression (two overlapping impressions are longer one way, not
 * both), and the median over the samples is not misled by one faint, patchy impression. */
static CdSealShape
seal_shape (const CdSealBoxInk *inks, guint n)
{
  g_autofree double *sizes = g_new (double, MAX (n, 1));
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (!inks[i].empty)
      sizes[m++] = MIN (inks[i].size_w_mm, inks[i].size_h_mm);
  if (m == 0)
    return CD_SEAL_SHAPE_NONE;
  qsort (sizes, m, sizeof (double), compare_doubles);
  return sizes[m / 2] >= ROUND_SEAL_MIN_MM ? CD_SEAL_SHAPE_ROUND_SEAL : CD_SEAL_SHAPE_NAME_SEAL;
}

void
cd_seal_judge_cells (CdSealResult *result, const CdSealBoxInk *inks, CdSealInk ink)
{
  CdSealShape shape = ink == CD_SEAL_INK_RED ? seal_shape (inks, result->cells->len) : CD_SEAL_SHAPE_SIGNATURE;
  guint n = result->cells->len;
  double smallest = G_MAXDOUBLE, single = G_MAXDOUBLE, best_score = -1;
  gboolean round;

  /* The same seal is used in every box: the smallest clean impression tells its size and shape. */
  for (guint i = 0; i < n; i++)
    {
      const CdSealBoxInk *s = &inks[i];
      double ext = MAX (s->size_w_mm, s->size_h_mm);

      if (s->empty)
        continue;
      smallest = MIN (smallest, ext);
      if (fabs (s->size_w_mm - s->size_h_mm) <= MAX (2.0, 0.06 * ext))
        single = MIN (single, ext);
    }
  round = smallest != G_MAXDOUBLE && smallest >= ROUND_SEAL_MIN_MM;
  if (single == G_MAXDOUBLE)
    single = 0;

  result->best = 0;
  for (guint i = 0; i < n; i++)
    {
      CdSealCell *cell = g_ptr_array_index (result->cells, i);
      const CdSealBoxInk *s = &inks[i];
      CdSealFlags flags = 0;

      if (s->empty)
        {
          cell->kind = CD_SEAL_KIND_EMPTY;
          cell->shape = CD_SEAL_SHAPE_NONE;
          cell->flags = CD_SEAL_FLAG_EMPTY;
          cell->score = 0.0;
          continue;
        }
      cell->kind = ink == CD_SEAL_INK_RED ? CD_SEAL_KIND_SEAL : CD_SEAL_KIND_SIGNATURE;
      cell->shape = shape;
      /* crossing, or touching the line: a few pixels' worth of ink there, not one noisy pixel */
      if (s->beyond_px >= CROSS_MIN_PX || s->touch_px >= MAX (4.0, TOUCH_MIN_MM2 * s->ppmm * s->ppmm))
        flags |= CD_SEAL_FLAG_CROSSES_BORDER;
      else if (fabs (s->off_x) > OFF_CENTER_FRACTION || fabs (s->off_y) > OFF_CENTER_FRACTION)
        flags |= CD_SEAL_FLAG_OFF_CENTER;
      if (s->core_contrast < FAINT_CONTRAST)
        flags |= CD_SEAL_FLAG_FAINT;
      /* a faint impression's outline is too ragged to tell two impressions by (and the acceptance
       * rules never see a faint double one: the faint sample is refused first) */
      if (ink == CD_SEAL_INK_RED && !(flags & CD_SEAL_FLAG_FAINT) && looks_double (s, round, single))
        flags |= CD_SEAL_FLAG_OVERLAP;
      cell->flags = flags;
      cell->score = score_sample (s, flags);
      if (flags == 0 && cell->score > best_score)
        {
          best_score = cell->score;
          result->best = cell->index;
        }
    }
}

gboolean
cd_seal_paper_is_background (const double rgb[3])
{
  double lum = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  double spread = MAX (rgb[0], MAX (rgb[1], rgb[2])) - MIN (rgb[0], MIN (rgb[1], rgb[2]));

  /* white, off-white and slightly yellowish paper: luminance ≥ 240, spread ≤ 19;
   * grey: luminance ≤ ~207; coloured (kraft, pink, light blue, green): spread ≥ 28 */
  return lum < 224.0 || spread >= 24.0;
}
