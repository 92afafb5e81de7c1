/* cd-seal-boxes-private.h: what the box-finding files share. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-seal-private.h"

G_BEGIN_DECLS

typedef struct {
  double x0, y0, x1, y1; /* deskewed low-resolution frame */
  gboolean dropped;
} Rect;

/* cd-seal-rects.c */
GArray * cd_seal_collect_segments (PIX *lines, gboolean horizontal, double lo_ppmm);
GArray * cd_seal_find_rectangles (GArray *hsegs, GArray *vsegs, double lo_ppmm, double min_side_mm);
GArray * cd_seal_pick_sample_boxes (GArray *rects, double lo_ppmm, guint expected);

/* cd-seal-side-fit.c */
void cd_seal_refine_quad (PIX *page, double ppmm, gboolean green, double corners[4][2], CdSealQuad *q, GArray *redness);
double cd_seal_median_of (double *v, guint n);

/* cd-seal-binary.c */
PIX * cd_seal_rotate_binary (PIX *src, int xcen, int ycen, float angle);
PIX * cd_seal_threshold_local (PIX *lo, double lo_ppmm, double level);

G_END_DECLS
