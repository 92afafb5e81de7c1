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

static void
draw_box (PIX *pix, int x0, int y0, int w, int h, int line)
{
  static const guint8 black[3] = { 30, 30, 30 };

  for (int y = y0 - line / 2; y < y0 + h + line / 2 + 1; y++)
    for (int x = x0 - line / 2; x < x0 + w + line / 2 + 1; x++)
      {
        gboolean on = abs (y - y0) <= line / 2 || abs (y - (y0 + h)) <= line / 2
                      || abs (x - x0) <= line / 2 || abs (x - (x0 + w)) <= line / 2;
        if (on)
          blend (pix, x, y, black, 1.0);
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

/* A 2×2 form at 200 dpi: boxes 70 × 60 mm, a title rule and a footer line that are not boxes. */
static char *
draw_form (Fixture *fx, const char *name, const BoxInk inks[4])
{
  g_autofree char *path = g_build_filename (fx->dir, name, NULL);
  PIX *pix = pixCreate (1654, 1300, 32);
  int bw = (int) (70 * PPMM), bh = (int) (60 * PPMM);
  int xs[2] = { 180, 180 + bw + (int) (12 * PPMM) }, ys[2] = { 180, 180 + bh + (int) (15 * PPMM) };
  static const guint8 grey[3] = { 90, 90, 90 };

  pixSetAllArbitrary (pix, 0xf8f8f400);
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

      draw_box (pix, x0, y0, bw, bh, 3);
      if (inks[i].shape != INK_NONE)
        draw_ink (pix, x0 + bw / 2.0, y0 + bh / 2.0, &inks[i]);
    }
  g_assert_cmpint (pixWrite (path, pix, IFF_PNG), ==, 0);
  pixDestroy (&pix);
  return g_steal_pointer (&path);
}

static const CdSealCell *
cell (const CdSealResult *result, guint i)
{
  g_assert_cmpuint (i, <, result->cells->len);
  return g_ptr_array_index (result->cells, i);
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
  g_assert_cmpint (cell (result, 0)->flags, ==, 0);
  g_assert_true (cell (result, 0)->has_ink);
  /* the ring is 40 mm across: 315 px at 200 dpi */
  g_assert_cmpint (ABS (cell (result, 0)->ink_bbox[2] - 316), <=, 4);
  g_assert_cmpint (cell (result, 1)->flags, ==, CD_SEAL_FLAG_CROSSES_BORDER);
  g_assert_cmpint (cell (result, 2)->flags, ==, CD_SEAL_FLAG_OFF_CENTER);
  g_assert_cmpint (cell (result, 3)->flags, ==, CD_SEAL_FLAG_EMPTY);
  g_assert_cmpint (cell (result, 3)->kind, ==, CD_SEAL_KIND_EMPTY);
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
  g_test_add ("/imaging/seal/faint-signature", Fixture, NULL, fixture_set_up, test_faint_and_signature,
              fixture_tear_down);
  g_test_add ("/imaging/seal/no-boxes", Fixture, NULL, fixture_set_up, test_no_boxes, fixture_tear_down);
  g_test_add ("/imaging/seal/bad-files", Fixture, NULL, fixture_set_up, test_bad_files, fixture_tear_down);
  g_test_add ("/imaging/seal/truncated", Fixture, NULL, fixture_set_up, test_truncated, fixture_tear_down);
  g_test_add ("/imaging/seal/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  return g_test_run ();
}
