/* test-seal-extract.c: seal extraction on forms drawn here (ok, crossing, off-centre, faint, empty)
 * and on broken files. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <leptonica/allheaders.h>

#include "cd-seal-extract.h"

#define DPI   200
#define PPMM  (DPI / 25.4)

typedef struct {
  char *dir;
} Fixture;

typedef enum {
  INK_NONE,
  INK_RED_RING,          /* a round seal: ring and a filled centre */
  INK_BLUE_STROKES,      /* a signature: a few slanted strokes */
  INK_RED_SQUARE,        /* a square name seal, 20 mm: its border and two strokes */
  INK_RED_PATCHY_RING,   /* a round seal stamped with little ink: holes everywhere */
  INK_SHOW_THROUGH,      /* grey text showing through from the back of the sheet: not ink */
  INK_BLACK_STROKES,     /* a signature in black pen */
  INK_BLACK_ALONG_LINE,  /* the same, with a stroke down to the bottom line and 16 mm along it */
} InkShape;

typedef struct {
  InkShape shape;
  double   dx_mm, dy_mm;  /* offset of the ink from the box centre */
  double   opacity;       /* 0..1 */
} BoxInk;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("cd-seal-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fx->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
}

static void
blend (PIX *pix, int x, int y, const guint8 rgb[3], double opacity)
{
  l_int32 r, g, b;

  if (x < 0 || y < 0 || x >= pixGetWidth (pix) || y >= pixGetHeight (pix))
    return;
  pixGetRGBPixel (pix, x, y, &r, &g, &b);
  /* multiplicative, like ink on paper */
  r = (int) (r * (1 - opacity * (1 - rgb[0] / 255.0)));
  g = (int) (g * (1 - opacity * (1 - rgb[1] / 255.0)));
  b = (int) (b * (1 - opacity * (1 - rgb[2] / 255.0)));
  pixSetRGBPixel (pix, x, y, r, g, b);
}

static const guint8 black_line[3] = { 30, 30, 30 };
static const guint8 red_line[3] = { 200, 40, 62 };

/* @dash: dashes this long, with gaps of half that (0: a solid line) */
static void
draw_box (PIX *pix, int x0, int y0, int w, int h, int line, const guint8 colour[3], int dash)
{
  int period = dash + dash / 2;

  for (int y = y0 - line / 2; y < y0 + h + line / 2 + 1; y++)
    for (int x = x0 - line / 2; x < x0 + w + line / 2 + 1; x++)
      {
        gboolean hor = abs (y - y0) <= line / 2 || abs (y - (y0 + h)) <= line / 2;
        gboolean ver = abs (x - x0) <= line / 2 || abs (x - (x0 + w)) <= line / 2;
        gboolean on = (hor && (dash == 0 || (x - x0) % period < dash))
                      || (ver && (dash == 0 || (y - y0) % period < dash));
        if (on)
          blend (pix, x, y, colour, 1.0);
      }
}

static void
draw_ink (PIX *pix, double cx, double cy, const BoxInk *ink)
{
  static const guint8 red[3] = { 190, 30, 40 };
  static const guint8 blue[3] = { 25, 45, 130 };
  double r_out = 20 * PPMM, r_in = 18.8 * PPMM, r_dot = 6 * PPMM;

  cx += ink->dx_mm * PPMM;
  cy += ink->dy_mm * PPMM;
  if (ink->shape == INK_RED_RING)
    {
      for (int y = (int) (cy - r_out) - 1; y <= (int) (cy + r_out) + 1; y++)
        for (int x = (int) (cx - r_out) - 1; x <= (int) (cx + r_out) + 1; x++)
          {
            double d = hypot (x - cx, y - cy);

            if ((d <= r_out && d >= r_in) || d <= r_dot)
              blend (pix, x, y, red, ink->opacity);
          }
    }
  else if (ink->shape == INK_RED_PATCHY_RING)
    {
      /* too little ink: the ring and dot with a hole in every third pixel, in a pattern */
      for (int y = (int) (cy - r_out) - 1; y <= (int) (cy + r_out) + 1; y++)
        for (int x = (int) (cx - r_out) - 1; x <= (int) (cx + r_out) + 1; x++)
          {
            double d = hypot (x - cx, y - cy);

            if (((d <= r_out && d >= r_in) || d <= r_dot) && (x * 7 + y * 13) % 3 != 0)
              blend (pix, x, y, red, ink->opacity);
          }
    }
  else if (ink->shape == INK_RED_SQUARE)
    {
      double half = 10 * PPMM, border = 1.5 * PPMM;

      for (int y = (int) (cy - half); y <= (int) (cy + half); y++)
        for (int x = (int) (cx - half); x <= (int) (cx + half); x++)
          {
            gboolean edge = fabs (x - cx) >= half - border || fabs (y - cy) >= half - border;
            gboolean bars = fabs (fabs (x - cx) - 4 * PPMM) <= 0.8 * PPMM && fabs (y - cy) <= 6 * PPMM;

            if (edge || bars)
              blend (pix, x, y, red, ink->opacity);
          }
    }
  else if (ink->shape == INK_SHOW_THROUGH)
    {
      static const guint8 grey[3] = { 70, 70, 70 };

      /* lines of mirrored text from the back: blocks of grey strokes, light */
      for (int row = -2; row <= 2; row++)
        for (int y = (int) (cy + row * 8 * PPMM); y < (int) (cy + row * 8 * PPMM + 3 * PPMM); y++)
          for (int x = (int) (cx - 28 * PPMM); x <= (int) (cx + 28 * PPMM); x++)
            if (((int) ((x - cx) / (0.7 * PPMM)) + (int) ((y - cy) / (0.9 * PPMM))) % 3 == 0)
              blend (pix, x, y, grey, ink->opacity);
    }
  else if (ink->shape == INK_BLACK_STROKES || ink->shape == INK_BLACK_ALONG_LINE)
    {
      static const guint8 black[3] = { 20, 20, 35 };

      for (int y = (int) (cy - 4 * PPMM); y <= (int) (cy + 31 * PPMM); y++)
        for (int x = (int) (cx - 16 * PPMM); x <= (int) (cx + 16 * PPMM); x++)
          {
            gboolean on = FALSE;

            for (int st = 0; st < 5 && y <= cy + 4 * PPMM; st++)
              on |= fabs (x - (cx + (st - 2) * 6 * PPMM + 0.3 * (y - cy))) <= 0.3 * PPMM;
            if (ink->shape == INK_BLACK_ALONG_LINE)
              {
                /* down from the strokes to the bottom line (30 mm below the centre), then along it: a
                 * 0.7 mm stroke over the line's centre and its inner half (not its outer side, where
                 * the line would be bridged) */
                on |= fabs (x - (cx - 10 * PPMM)) <= 0.3 * PPMM && y >= cy;
                on |= y - (cy + 30 * PPMM) >= -0.6 * PPMM && y - (cy + 30 * PPMM) <= 0.1 * PPMM
                      && x >= cx - 10 * PPMM && x <= cx + 6 * PPMM;
              }
            if (on)
              blend (pix, x, y, black, ink->opacity);
          }
    }
  else if (ink->shape == INK_BLUE_STROKES)
    {
      /* five slanted strokes, 0.6 mm wide, 8 mm tall, across 30 mm; each pixel inked once */
      for (int y = (int) (cy - 4 * PPMM); y <= (int) (cy + 4 * PPMM); y++)
        for (int x = (int) (cx - 16 * PPMM); x <= (int) (cx + 16 * PPMM); x++)
          for (int st = 0; st < 5; st++)
            {
              double line_x = cx + (st - 2) * 6 * PPMM + 0.3 * (y - cy);

              if (fabs (x - line_x) <= 0.3 * PPMM)
                {
                  blend (pix, x, y, blue, ink->opacity);
                  break;
                }
            }
    }
}

/* How the form is printed and captured. */
typedef struct {
  const guint8 *line;        /* box line colour */
  guint32       paper;       /* 0xRRGGBB00 */
  double        light_min;   /* light falls from 1 at the right edge to this at the left (1: even) */
  int           desk_px;     /* a dark desk this wide along the left edge (0: none) */
  double        rotate_deg;  /* the sheet turned on the scanner or in the photo */
  int           dash_px;     /* dashed box lines: dashes this long, gaps half that (0: solid) */
} FormStyle;

static const FormStyle plain = { black_line, 0xf8f8f400, 1.0, 0, 0 };

/* A 2×2 form at 200 dpi: boxes 70 × 60 mm, a title rule and a footer line that are not boxes. */
static char *
draw_styled_form (Fixture *fx, const char *name, const BoxInk inks[4], const FormStyle *style)
{
  g_autofree char *path = g_build_filename (fx->dir, name, NULL);
  PIX *pix = pixCreate (1654, 1300, 32);
  int bw = (int) (70 * PPMM), bh = (int) (60 * PPMM);
  int xs[2] = { 180, 180 + bw + (int) (12 * PPMM) }, ys[2] = { 180, 180 + bh + (int) (15 * PPMM) };
  static const guint8 grey[3] = { 90, 90, 90 };

  pixSetAllArbitrary (pix, style->paper);
  pixSetResolution (pix, DPI, DPI);
  for (int x = 150; x < 1500; x++)
    for (int t = 0; t < 2; t++)
      {
        blend (pix, x, 120 + t, grey, 1.0);         /* a rule under the title */
        blend (pix, x, 1240 + t, grey, 1.0);        /* the footer line */
      }
  for (int i = 0; i < 4; i++)
    {
      int x0 = xs[i % 2], y0 = ys[i / 2];

      draw_box (pix, x0, y0, bw, bh, 3, style->line, style->dash_px);
      if (inks[i].shape != INK_NONE)
        draw_ink (pix, x0 + bw / 2.0, y0 + bh / 2.0, &inks[i]);
    }
  if (style->rotate_deg != 0)
    {
      PIX *turned = pixRotate (pix, style->rotate_deg * M_PI / 180, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);

      pixDestroy (&pix);
      pix = turned;
      pixSetResolution (pix, DPI, DPI);
    }
  if (style->light_min < 1.0 || style->desk_px > 0)
    for (int y = 0; y < pixGetHeight (pix); y++)
      for (int x = 0; x < pixGetWidth (pix); x++)
        {
          double light = style->light_min + (1.0 - style->light_min) * x / (pixGetWidth (pix) - 1.0);
          l_int32 r, g, b;

          pixGetRGBPixel (pix, x, y, &r, &g, &b);
          if (x < style->desk_px)
            r = 70, g = 58, b = 45;
          pixSetRGBPixel (pix, x, y, (int) (r * light), (int) (g * light), (int) (b * light));
        }
  g_assert_cmpint (pixWrite (path, pix, IFF_PNG), ==, 0);
  pixDestroy (&pix);
  return g_steal_pointer (&path);
}

static char *
draw_form (Fixture *fx, const char *name, const BoxInk inks[4])
{
  return draw_styled_form (fx, name, inks, &plain);
}

static const CdSealCell *
cell (const CdSealResult *result, guint i)
{
  g_assert_cmpuint (i, <, result->cells->len);
  return g_ptr_array_index (result->cells, i);
}

/* A form held only in memory (a scanned page, a scan decrypted from the store) gives what its file gives;
 * an empty buffer is refused by name. */
static void
test_from_memory (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_RED_RING, 0, 0, 0.85 }, { INK_BLUE_STROKES, 0, 0, 0.9 }, { INK_RED_SQUARE, 0, 0, 0.85 }, { INK_NONE, 0, 0, 0 },
  };
  g_autofree char *path = draw_form (fx, "memory.png", inks);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(CdSealResult) from_file = cd_seal_extract_file (path, 0, 0, NULL, &error);
  g_autoptr(CdSealResult) from_memory = NULL;
  g_autoptr(CdSealResult) none = NULL;
  gchar *contents = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new_take (contents, len);
  from_memory = cd_seal_extract_bytes ("the scanned form", bytes, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_memory->cells->len, ==, from_file->cells->len);
  for (guint i = 0; i < from_file->cells->len; i++)
    {
      g_assert_cmpint (cell (from_memory, i)->kind, ==, cell (from_file, i)->kind);
      g_assert_cmpint (cell (from_memory, i)->shape, ==, cell (from_file, i)->shape);
      g_assert_cmpint (cell (from_memory, i)->flags, ==, cell (from_file, i)->flags);
      g_assert_cmpmem (cell (from_memory, i)->ink_bbox, sizeof cell (from_file, i)->ink_bbox,
                       cell (from_file, i)->ink_bbox, sizeof cell (from_file, i)->ink_bbox);
    }
  none = cd_seal_extract_bytes ("the scanned form", empty, 0, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_EMPTY_FILE);
  g_assert_nonnull (strstr (error->message, "the scanned form"));
}

static void
test_seal_flags (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_RED_RING, 0, 0, 0.85 },          /* ok */
    { INK_RED_RING, 17, 0, 0.85 },         /* 2 mm over the right line */
    { INK_RED_RING, -10, 0, 0.85 },        /* 14 % left of the centre */
    { INK_NONE, 0, 0, 0 },
  };
  g_autofree char *path = draw_form (fx, "seals.png", inks);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (path, 0, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_false (result->background);

  g_assert_cmpint (cell (result, 0)->kind, ==, CD_SEAL_KIND_SEAL);
  g_assert_cmpint (cell (result, 0)->shape, ==, CD_SEAL_SHAPE_ROUND_SEAL);
  g_assert_cmpint (cell (result, 0)->flags, ==, 0);
  g_assert_true (cell (result, 0)->has_ink);
  /* the ring is 40 mm across: 315 px at 200 dpi */
  g_assert_cmpint (ABS (cell (result, 0)->ink_bbox[2] - 316), <=, 4);
  g_assert_cmpint (cell (result, 1)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_OFF_CENTER);
  g_assert_cmpint (cell (result, 3)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->kind, ==, CD_SEAL_KIND_EMPTY);
  g_assert_cmpint (cell (result, 3)->shape, ==, CD_SEAL_SHAPE_NONE);
  g_assert_cmpuint (result->best, ==, 1);
  g_assert_cmpfloat (cell (result, 0)->score, >, cell (result, 1)->score);
  g_assert_cmpfloat (cell (result, 0)->score, >, cell (result, 2)->score);

  /* the crop: transparent background, opaque ink */
  {
    const CdSealCell *c = cell (result, 0);
    const guint8 *px = g_bytes_get_data (c->rgba, NULL);
    int w = c->ink_bbox[2], h = c->ink_bbox[3];

    g_assert_cmpuint (px[3], ==, 0);                                  /* corner: outside the ring */
    g_assert_cmpuint (px[4 * ((h / 2) * w + w / 2) + 3], >, 200);     /* centre dot */
  }
}

static void
test_faint_and_signature (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_BLUE_STROKES, 0, 0, 0.2 },       /* faint */
    { INK_BLUE_STROKES, 0, 0, 0.9 },       /* ok */
    { INK_NONE, 0, 0, 0 },
    { INK_BLUE_STROKES, 0, -13, 0.9 },     /* 22 % above the centre */
  };
  g_autofree char *path = draw_form (fx, "signatures.png", inks);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (path, 0, 0, NULL, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *cell_png = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_cmpint (cell (result, 0)->kind, ==, CD_SEAL_KIND_SIGNATURE);
  g_assert_cmpint (cell (result, 0)->shape, ==, CD_SEAL_SHAPE_SIGNATURE);
  g_assert_cmpint (cell (result, 0)->flags, ==, CD_SEAL_FLAG_FAINT);
  g_assert_cmpint (cell (result, 1)->flags, ==, 0);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->flags, ==, CD_SEAL_FLAG_OFF_CENTER);
  g_assert_cmpuint (result->best, ==, 2);

  g_assert_true (cd_seal_result_write_cells (result, fx->dir, &error));
  g_assert_no_error (error);
  cell_png = g_build_filename (fx->dir, "cell-2.png", NULL);
  g_assert_true (g_file_test (cell_png, G_FILE_TEST_IS_REGULAR));
  node = cd_seal_result_to_json (result);
  json = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (json, "\"best\":2"));
  g_assert_nonnull (strstr (json, "\"faint\""));
  g_assert_nonnull (strstr (json, "cell-2.png"));
}

/* A black pen stroke that runs along a dashed box line: the line is cleared (black ink cannot be told
 * from it), but in the line's gaps, where no box has print, the stroke is ink and stays. */
static void
test_stroke_along_line (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_BLACK_ALONG_LINE, 0, 0, 0.9 },   /* down to the bottom line and along it */
    { INK_BLACK_STROKES, 0, 0, 0.9 },      /* ok */
    { INK_NONE, 0, 0, 0 },
    { INK_BLACK_STROKES, 0, 0, 0.9 },      /* ok */
  };
  const FormStyle style = { black_line, 0xf8f8f400, 1.0, 0, 0, (int) (3 * PPMM) };
  int dash = (int) (3 * PPMM), period = dash + dash / 2;
  g_autofree char *path = draw_styled_form (fx, "along-line.png", inks, &style);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (path, 0, 0, NULL, &error);
  const CdSealCell *c;
  const guint8 *rgba;
  int line_y, gaps = 0, inked = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_cmpint (cell (result, 0)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpint (cell (result, 1)->flags, ==, 0);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->flags, ==, 0);
  /* the bottom line's centre row, the stroke on it from 10 mm left of the box centre to 6 mm right */
  c = cell (result, 0);
  line_y = (int) lround (c->box[1] + c->box[3]);
  g_assert_true (c->has_ink);
  g_assert_cmpint (c->ink_bbox[1] + c->ink_bbox[3] - 1, >=, line_y);
  rgba = g_bytes_get_data (c->rgba, NULL);
  for (int x = (int) (c->box[0] + c->box[2] / 2 - 8 * PPMM); x < (int) (c->box[0] + c->box[2] / 2 + 4 * PPMM); x++)
    {
      int dx = x - (int) lround (c->box[0]);
      /* inside a gap, two pixels clear of the dashes' ends */
      gboolean gap = dx % period >= dash + 2 && dx % period < period - 2;

      if (!gap)
        continue;
      gaps++;
      if (x >= c->ink_bbox[0] && x < c->ink_bbox[0] + c->ink_bbox[2] && line_y >= c->ink_bbox[1]
          && line_y < c->ink_bbox[1] + c->ink_bbox[3]
          && rgba[4 * ((gsize) (line_y - c->ink_bbox[1]) * c->ink_bbox[2] + (x - c->ink_bbox[0])) + 3] > 0)
        inked++;
    }
  g_assert_cmpint (gaps, >, 15);
  g_assert_cmpint (inked, >=, gaps * 9 / 10);
}

/* Box lines printed in red, as some CAs print them: red seal ink is the same red, so the boxes are
 * told from the seals by their long straight thin lines, and the line's own red is not ink. */
static void
test_red_lines (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_RED_RING, 0, 0, 0.85 },          /* ok */
    { INK_RED_RING, 17, 0, 0.85 },         /* 2 mm over the right line */
    { INK_NONE, 0, 0, 0 },                 /* empty: only its red lines */
    { INK_RED_RING, 0, 1, 0.85 },          /* ok */
  };
  const FormStyle style = { red_line, 0xf8f8f400, 1.0, 0, 0 };
  g_autofree char *path = draw_styled_form (fx, "red-lines.png", inks, &style);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (path, 0, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (result->cells->len, ==, 4);
  /* the box through the line centres: 70 mm = 551 px wide */
  g_assert_cmpfloat (fabs (cell (result, 0)->box[2] - 70 * PPMM), <, 4);
  g_assert_cmpint (cell (result, 0)->flags, ==, 0);
  g_assert_cmpint (cell (result, 1)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->flags, ==, 0);
  /* the ring alone, not the box around it: 40 mm = 315 px */
  g_assert_cmpint (ABS (cell (result, 0)->ink_bbox[2] - 316), <=, 4);
  g_assert_cmpint (cell (result, 0)->shape, ==, CD_SEAL_SHAPE_ROUND_SEAL);
  g_assert_cmpint (cell (result, 2)->shape, ==, CD_SEAL_SHAPE_NONE);
  g_assert_cmpint (cd_seal_result_shape (result), ==, CD_SEAL_SHAPE_ROUND_SEAL);
}

/* Ink that only touches the line crosses it (压线); ink 1.6 mm clear of the line does not, it is
 * off-centre. */
static void
test_touching (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_RED_RING, 15.1, 0, 0.85 },       /* the ring's edge reaches the right line's centre */
    { INK_RED_RING, 13.2, 0, 0.85 },       /* 1.6 mm clear of the line's inner edge */
    { INK_BLUE_STROKES, 0, 0, 0 },         /* (nothing: opacity 0) */
    { INK_RED_RING, 0, -9.9, 0.85 },       /* touches the top line from below */
  };
  g_autofree char *path = draw_form (fx, "touch.png", inks);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (path, 0, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_cmpint (cell (result, 0)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpint (cell (result, 1)->flags, ==, CD_SEAL_FLAG_OFF_CENTER);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpuint (result->best, ==, 0);
}

/* A square name seal is a name seal, a ring a round seal, pen strokes a signature. */
static void
test_shapes (Fixture *fx, gconstpointer data)
{
  const BoxInk squares[4] = {
    { INK_RED_SQUARE, 0, 0, 0.85 }, { INK_RED_SQUARE, 0, 0, 0.85 }, { INK_NONE, 0, 0, 0 },
    { INK_RED_SQUARE, 0, 0, 0.85 },
  };
  const BoxInk pen[4] = {
    { INK_BLUE_STROKES, 0, 0, 0.9 }, { INK_BLUE_STROKES, 0, 0, 0.9 }, { INK_BLUE_STROKES, 0, 0, 0.9 },
    { INK_NONE, 0, 0, 0 },
  };
  g_autofree char *square_path = draw_form (fx, "squares.png", squares);
  g_autofree char *pen_path = draw_form (fx, "pen.png", pen);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) square = cd_seal_extract_file (square_path, 0, 0, NULL, &error);
  g_autoptr(CdSealResult) signature = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (square->cells->len, ==, 4);
  /* the square seal's border is no box: the four boxes, each with its seal */
  g_assert_cmpint (cell (square, 0)->flags, ==, 0);
  g_assert_cmpint (cell (square, 0)->kind, ==, CD_SEAL_KIND_SEAL);
  g_assert_cmpint (cell (square, 0)->shape, ==, CD_SEAL_SHAPE_NAME_SEAL);
  g_assert_cmpint (cell (square, 2)->shape, ==, CD_SEAL_SHAPE_NONE);
  g_assert_cmpint (cd_seal_result_shape (square), ==, CD_SEAL_SHAPE_NAME_SEAL);
  node = cd_seal_result_to_json (square);
  json = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (json, "\"shape\":\"name_seal\""));

  signature = cd_seal_extract_file (pen_path, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cell (signature, 0)->shape, ==, CD_SEAL_SHAPE_SIGNATURE);
  g_assert_cmpint (cd_seal_result_shape (signature), ==, CD_SEAL_SHAPE_SIGNATURE);
}

/* A phone photo: the sheet turned 2.5°, light falling to 78 % across it, the desk along one edge.
 * The boxes are found, the desk is no box, and white paper stays white (no background flag). */
static void
test_photo_light (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_RED_RING, 0, 0, 0.85 }, { INK_RED_RING, 17, 0, 0.85 }, { INK_RED_RING, -10, 0, 0.85 },
    { INK_NONE, 0, 0, 0 },
  };
  const FormStyle photo = { black_line, 0xf8f8f400, 0.78, 40, 2.5 };
  const FormStyle grey = { black_line, 0xc8c8c600, 1.0, 0, 0 };
  g_autofree char *photo_path = draw_styled_form (fx, "photo.png", inks, &photo);
  g_autofree char *grey_path = draw_styled_form (fx, "grey.png", inks, &grey);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (photo_path, 0, 0, NULL, &error);
  g_autoptr(CdSealResult) grey_result = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_false (result->background);
  g_assert_cmpint (cell (result, 0)->flags, ==, 0);
  g_assert_cmpint (cell (result, 1)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_OFF_CENTER);
  g_assert_cmpint (cell (result, 3)->flags, ==, CD_SEAL_FLAG_EMPTY);

  grey_result = cd_seal_extract_file (grey_path, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (grey_result->background);
}

/* A seal stamped with little ink (faint, full of holes) is a faint sample; grey text showing
 * through from the back of the sheet is no sample at all. */
static void
test_faint_show_through (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = {
    { INK_RED_RING, 0, 0, 0.85 },
    { INK_RED_PATCHY_RING, 0, 0, 0.24 },
    { INK_SHOW_THROUGH, 0, 0, 0.15 },
    { INK_RED_RING, 0, 0, 0.85 },
  };
  g_autofree char *path = draw_form (fx, "patchy.png", inks);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = cd_seal_extract_file (path, 0, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_cmpint (cell (result, 0)->flags, ==, 0);
  g_assert_cmpint (cell (result, 1)->flags, ==, CD_SEAL_FLAG_FAINT);
  /* the faint ring keeps its outline: 40 mm across */
  g_assert_cmpint (ABS (cell (result, 1)->ink_bbox[2] - 316), <=, 6);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->flags, ==, 0);
}

static void
test_no_boxes (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "blank.png", NULL);
  PIX *pix = pixCreate (800, 600, 32);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) result = NULL;

  pixSetAllArbitrary (pix, 0xffffff00);
  pixWrite (path, pix, IFF_PNG);
  pixDestroy (&pix);
  result = cd_seal_extract_file (path, 0, 0, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_NO_BOXES);
}

typedef struct {
  const char *name;
  const guint8 *bytes;
  gsize size;
  int code;
} BadFile;

static void
test_bad_files (Fixture *fx, gconstpointer data)
{
  static const guint8 text[] = "this is not an image\n";
  static const guint8 png_head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                     0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10, 8, 2, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 8, 'I', 'D', 'A', 'T', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const guint8 jpeg_junk[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1 };
  const BadFile cases[] = {
    { "empty.png", (const guint8 *) "", 0, CD_SEAL_ERROR_EMPTY_FILE },
    { "text.png", text, sizeof text - 1, CD_SEAL_ERROR_NOT_IMAGE },
    { "huge.png", png_head, sizeof png_head, CD_SEAL_ERROR_TOO_LARGE },      /* 10000 × 10000 */
    { "junk.jpg", jpeg_junk, sizeof jpeg_junk, CD_SEAL_ERROR_CORRUPT },
  };
  g_autofree char *missing = g_build_filename (fx->dir, "missing.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSealResult) none = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (fx->dir, cases[i].name, NULL);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(CdSealResult) result = NULL;

      g_assert_true (g_file_set_contents (path, (const char *) cases[i].bytes, cases[i].size, NULL));
      result = cd_seal_extract_file (path, 0, 0, NULL, &case_error);
      g_assert_null (result);
      g_assert_error (case_error, CD_SEAL_ERROR, cases[i].code);
    }

  none = cd_seal_extract_file (missing, 0, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_IO);
}

static void
test_truncated (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = { { INK_RED_RING, 0, 0, 0.85 } };
  g_autofree char *png = draw_form (fx, "whole.png", inks);
  g_autofree char *jpg = g_build_filename (fx->dir, "whole.jpg", NULL);
  const char *files[] = { png, jpg };
  PIX *pix = pixRead (png);

  g_assert_cmpint (pixWrite (jpg, pix, IFF_JFIF_JPEG), ==, 0);
  pixDestroy (&pix);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *contents = NULL;
      g_autofree char *cut = g_strconcat (files[i], ".cut", NULL);
      gsize len = 0;
      g_autoptr(GError) error = NULL;
      g_autoptr(CdSealResult) result = NULL;

      g_assert_true (g_file_get_contents (files[i], &contents, &len, NULL));
      g_assert_true (g_file_set_contents (cut, contents, len / 2, NULL));
      result = cd_seal_extract_file (cut, 0, 0, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_CORRUPT);
      g_unlink (cut);
    }
}

static void
on_extracted_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CdSealResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cd_seal_extract_file_finish (res, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *fx, gconstpointer data)
{
  const BoxInk inks[4] = { { INK_RED_RING, 0, 0, 0.85 }, { INK_RED_RING, 0, 0, 0.85 } };
  g_autofree char *path = draw_form (fx, "async.png", inks);
  g_autoptr(CdSealResult) result = NULL;

  cd_seal_extract_file_async (path, 0, 0, NULL, on_extracted_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (result->cells->len, ==, 4);
  g_assert_cmpint (cell (result, 1)->kind, ==, CD_SEAL_KIND_SEAL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/imaging/seal/flags", Fixture, NULL, fixture_set_up, test_seal_flags, fixture_tear_down);
  g_test_add ("/imaging/seal/from-memory", Fixture, NULL, fixture_set_up, test_from_memory, fixture_tear_down);
  g_test_add ("/imaging/seal/faint-signature", Fixture, NULL, fixture_set_up, test_faint_and_signature,
              fixture_tear_down);
  g_test_add ("/imaging/seal/stroke-along-line", Fixture, NULL, fixture_set_up, test_stroke_along_line,
              fixture_tear_down);
  g_test_add ("/imaging/seal/red-lines", Fixture, NULL, fixture_set_up, test_red_lines, fixture_tear_down);
  g_test_add ("/imaging/seal/touching", Fixture, NULL, fixture_set_up, test_touching, fixture_tear_down);
  g_test_add ("/imaging/seal/shapes", Fixture, NULL, fixture_set_up, test_shapes, fixture_tear_down);
  g_test_add ("/imaging/seal/photo-light", Fixture, NULL, fixture_set_up, test_photo_light, fixture_tear_down);
  g_test_add ("/imaging/seal/faint-show-through", Fixture, NULL, fixture_set_up, test_faint_show_through,
              fixture_tear_down);
  g_test_add ("/imaging/seal/no-boxes", Fixture, NULL, fixture_set_up, test_no_boxes, fixture_tear_down);
  g_test_add ("/imaging/seal/bad-files", Fixture, NULL, fixture_set_up, test_bad_files, fixture_tear_down);
  g_test_add ("/imaging/seal/truncated", Fixture, NULL, fixture_set_up, test_truncated, fixture_tear_down);
  g_test_add ("/imaging/seal/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  return g_test_run ();
}
