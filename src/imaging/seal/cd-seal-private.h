/* cd-seal-private.h: what the seal-extraction files share: the decoded page, box geometry, ink per box. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <leptonica/allheaders.h>

#include "cd-seal-extract.h"

G_BEGIN_DECLS

/* leptonica has no GLib cleanups; define them once here (style.md). */
static inline void
cd_seal_pix_unref (PIX *pix)
{
  if (pix != NULL)
    pixDestroy (&pix);
}

static inline void
cd_seal_boxa_unref (BOXA *boxa)
{
  if (boxa != NULL)
    boxaDestroy (&boxa);
}

typedef PIX CdSealPix;
typedef BOXA CdSealBoxa;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSealPix, cd_seal_pix_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSealBoxa, cd_seal_boxa_unref)

/* Sides of a box, clockwise from the top. */
enum { CD_SEAL_TOP, CD_SEAL_RIGHT, CD_SEAL_BOTTOM, CD_SEAL_LEFT };

/* A sample box found on the page, in full-resolution pixels.  Side k is the line
 * nx*x + ny*y = c through the centre of the printed line; (nx, ny) is the unit normal
 * pointing into the box, so nx*x + ny*y - c is the signed distance (inside > 0). */
typedef struct {
  double nx[4], ny[4], c[4];
  double half_width;           /* half the printed line width, px */
  double corners[4][2];        /* TL, TR, BR, BL */
  double cx, cy;               /* centre */
  double ux, uy;               /* unit vector along the top side (box frame x axis) */
  double width, height;        /* size in the box frame, between line centres */
} CdSealQuad;

/* Ink this close to a box line's inner edge touches the line (压线): samples that do not touch keep
 * 1.5 mm and more, those that touch reach onto the line. */
#define CD_SEAL_TOUCH_MM 0.7

/* Ink is looked for this far around each box (beyond the line: typically 1–7 mm, seen up to 14). */
#define CD_SEAL_MARGIN_MM 15.0

/* The ink colour of a form (one kind of ink per form). */
typedef enum {
  CD_SEAL_INK_RED,
  CD_SEAL_INK_BLUE,
  CD_SEAL_INK_BLACK,
} CdSealInk;

/* The ink found in one box. */
typedef struct {
  int      x0, y0, w, h;       /* extraction window, image pixels */
  guint8  *alpha;              /* w*h; > 0 where there is ink */
  guint8   rgb[3];             /* the ink colour */
  gboolean empty;
  int      bx, by, bw, bh;     /* ink bbox, image pixels (when not empty) */
  guint    area;               /* ink pixels */
  double   contrast;           /* median contrast 1 - I/paper in the absorbing channel */
  double   core_contrast;      /* the same, the 80th percentile: the strokes' cores (see FAINT_CONTRAST) */
  double   min_dist_mm;        /* most negative signed distance of ink to a line centre, mm */
  guint    beyond_px;          /* ink pixels beyond a line centre by more than 0.4 mm */
  double   ppmm;               /* of the page measured */
  guint    touch_px;           /* ink pixels on the line or within CD_SEAL_TOUCH_MM of its inner edge */
  double   off_x, off_y;       /* centre offset of the ink bbox, box-frame fractions */
  double   size_w_mm, size_h_mm; /* ink extent in the box frame, mm */
} CdSealBoxInk;

/* A window of the page, in page pixels (it may reach past the page's edges). */
typedef struct {
  int ox, oy;
  int w, h;
} CdSealWindow;

/* Where a box's ink lies, relative to the rounded top-left corner of the box; skip = no ink. */
typedef struct {
  double   u0, v0, u1, v1;
  gboolean skip;
} CdSealRoi;

static inline void
cd_seal_get_rgb (const l_uint32 *data, int wpl, int x, int y, int *r, int *g, int *b)
{
  l_uint32 p = data[(gsize) y * wpl + x];

  *r = p >> 24;
  *g = (p >> 16) & 0xff;
  *b = (p >> 8) & 0xff;
}

/* The value the density of black or blue ink is read from: r+g+b for black, 3r for blue (blue
 * pen absorbs red most).  Both fit the same 0..765 logarithm table. */
static inline int
cd_seal_tone_of (CdSealInk ink, int r, int g, int b)
{
  return ink == CD_SEAL_INK_BLUE ? 3 * r : r + g + b;
}

/* Signed distance of (x, y) to side @side's line centre, inside > 0.  Inline: it runs per pixel. */
static inline double
cd_seal_quad_distance (const CdSealQuad *quad, int side, double x, double y)
{
  return quad->nx[side] * x + quad->ny[side] * y - quad->c[side];
}

/* The smallest distance of (x, y) to the four sides' line centres (inside > 0). */
static inline double
cd_seal_inside_distance (const CdSealQuad *q, double x, double y)
{
  double d = G_MAXDOUBLE;

  for (int k = 0; k < 4; k++)
    d = MIN (d, cd_seal_quad_distance (q, k, x, y));
  return d;
}

/* cd-seal-load.c */
PIX       *cd_seal_load_page          (const char   *path,
                                       guint         page,
                                       double       *out_ppmm,
                                       GError      **error);
PIX       *cd_seal_load_page_bytes    (const char   *name,
                                       GBytes       *bytes,
                                       guint         page,
                                       double       *out_ppmm,
                                       GError      **error);
PIX       *cd_seal_decode_file        (const char   *path,
                                       GError      **error);

/* cd-seal-reduce.c */
int        cd_seal_reduction_for      (double        ppmm);
PIX       *cd_seal_reduce_dark        (PIX          *page,
                                       int           r,
                                       guint32       paper_hist[3][256]);
PIX       *cd_seal_reduce_green       (PIX          *page,
                                       int           r);
PIX       *cd_seal_reduce_mean        (PIX          *page,
                                       int           r,
                                       double        lo_ppmm,
                                       const CdSealQuad *lo_quads,
                                       guint         n_quads);
void       cd_seal_quad_scale_down    (const CdSealQuad *quad,
                                       int           r,
                                       CdSealQuad   *out);

/* cd-seal-boxes.c */
GArray    *cd_seal_find_boxes         (PIX          *page,
                                       PIX          *lo_dark,
                                       int           r,
                                       double        ppmm,
                                       guint         expected,
                                       gboolean     *out_red_lines,
                                       GError      **error);

/* cd-seal-lines.c: the box sides and rules of the deskewed binary page, horizontal and vertical */
void       cd_seal_line_masks         (PIX          *rot,
                                       int           gap,
                                       int           len,
                                       PIX         **out_h,
                                       PIX         **out_v);

/* cd-seal-density.c */
void       cd_seal_init_luts          (void);
int        cd_seal_hist_median        (const guint32 *hist,
                                       int           n_bins);
gboolean   cd_seal_inside_span        (const CdSealQuad *quad,
                                       int           y,
                                       double        inset,
                                       int           x_min,
                                       int           x_max,
                                       int          *out_xa,
                                       int          *out_xb);
void       cd_seal_paper_sample_row   (const l_uint32 *line,
                                       int           w,
                                       guint32       hist[3][256]);
void       cd_seal_paper_color        (guint32       hist[3][256],
                                       double        out_rgb[3]);
void       cd_seal_box_paper          (PIX          *page,
                                       const CdSealQuad *quad,
                                       double        ppmm,
                                       double        out[3]);
CdSealInk  cd_seal_classify_ink       (PIX          *page,
                                       double        ppmm,
                                       const CdSealQuad *quads,
                                       guint         n_quads,
                                       gboolean      red_lines);
float     *cd_seal_background_tone    (PIX          *page,
                                       const CdSealWindow *win,
                                       double        ppmm,
                                       CdSealInk     ink);
float     *cd_seal_tone_density       (PIX          *page,
                                       const CdSealWindow *win,
                                       const float  *lbg,
                                       CdSealInk     ink);
float     *cd_seal_red_amount         (PIX          *page,
                                       const CdSealWindow *win,
                                       const double  paper[3]);
void       cd_seal_min_into           (float        *dst,
                                       const float  *src,
                                       gsize         n);
void       cd_seal_subtract_print     (float        *od,
                                       const float  *template,
                                       gsize         n);
void       cd_seal_max3x3             (const float  *src,
                                       float        *dst,
                                       int           w,
                                       int           h);

/* cd-seal-ink.c: @rois NULL = search a wide margin around every box */
void       cd_seal_extract_ink        (PIX          *page,
                                       double        ppmm,
                                       const CdSealQuad *quads,
                                       guint         n_quads,
                                       CdSealInk     ink,
                                       gboolean      red_lines,
                                       const CdSealRoi *rois,
                                       CdSealBoxInk *out);
void       cd_seal_box_ink_clear      (CdSealBoxInk *ink);

/* cd-seal-quality.c */
void       cd_seal_judge_cells        (CdSealResult *result,
                                       const CdSealBoxInk *inks,
                                       CdSealInk     ink);
gboolean   cd_seal_paper_is_background (const double rgb[3]);

G_END_DECLS
