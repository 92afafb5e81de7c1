/* cd-seal-extract.c: the seal-extraction pipeline, its result, JSON and cell images, sync and async. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "cd-seal-private.h"
#include "cd-worker.h"

/* Full resolution looks this far around the ink the reduced page showed. */
#define ROI_MARGIN_MM 3.0

G_DEFINE_QUARK (cd-seal-error-quark, cd_seal_error)

typedef struct {
  char  *path;
  guint  page;
  guint  expected;
} ExtractJob;

static void
extract_job_free (ExtractJob *job)
{
  g_free (job->path);
  g_free (job);
}

static void
cell_free (CdSealCell *cell)
{
  g_clear_pointer (&cell->rgba, g_bytes_unref);
  g_free (cell->image_path);
  g_free (cell);
}

void
cd_seal_result_free (CdSealResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->cells, g_ptr_array_unref);
  g_free (result);
}

const char *
cd_seal_flag_to_string (CdSealFlags flag)
{
  switch (flag)
    {
    case CD_SEAL_FLAG_CROSSES_BORDER:
      return "crosses_border";
    case CD_SEAL_FLAG_FAINT:
      return "faint";
    case CD_SEAL_FLAG_OVERLAP:
      return "overlap";
    case CD_SEAL_FLAG_EMPTY:
      return "empty";
    case CD_SEAL_FLAG_OFF_CENTER:
      return "off_center";
    default:
      return NULL;
    }
}

const char *
cd_seal_kind_to_string (CdSealKind kind)
{
  switch (kind)
    {
    case CD_SEAL_KIND_SEAL:
      return "seal";
    case CD_SEAL_KIND_SIGNATURE:
      return "signature";
    case CD_SEAL_KIND_EMPTY:
    default:
      return "empty";
    }
}

const char *
cd_seal_shape_to_string (CdSealShape shape)
{
  switch (shape)
    {
    case CD_SEAL_SHAPE_ROUND_SEAL:
      return "round_seal";
    case CD_SEAL_SHAPE_NAME_SEAL:
      return "name_seal";
    case CD_SEAL_SHAPE_SIGNATURE:
      return "signature";
    case CD_SEAL_SHAPE_NONE:
    default:
      return "none";
    }
}

CdSealShape
cd_seal_result_shape (const CdSealResult *result)
{
  guint count[CD_SEAL_SHAPE_SIGNATURE + 1] = { 0 };
  CdSealShape best = CD_SEAL_SHAPE_NONE;

  g_return_val_if_fail (result != NULL, CD_SEAL_SHAPE_NONE);

  for (guint i = 0; i < result->cells->len; i++)
    {
      const CdSealCell *cell = g_ptr_array_index (result->cells, i);

      if (cell->shape != CD_SEAL_SHAPE_NONE)
        count[cell->shape]++;
    }
  for (CdSealShape s = CD_SEAL_SHAPE_ROUND_SEAL; s <= CD_SEAL_SHAPE_SIGNATURE; s++)
    if (count[s] > count[best])
      best = s;
  return best;
}

static GBytes *
cell_rgba (const CdSealBoxInk *ink)
{
  gsize n = (gsize) ink->bw * ink->bh;
  guint8 *px = g_malloc (n * 4);

  guint8 colour[4] = { ink->rgb[0], ink->rgb[1], ink->rgb[2], 0 };
  guint32 rgb0;

  memcpy (&rgb0, colour, sizeof rgb0);
  for (gsize i = 0; i < n; i++)
    {
      guint8 a = ink->alpha[i];
      guint8 p[4];
      guint32 word = a ? rgb0 : 0;

      /* fully transparent pixels carry no colour: a clean edge in any viewer (one word a pixel) */
      memcpy (p, &word, sizeof p);
      p[3] = a;
      memcpy (px + 4 * i, p, sizeof p);
    }
  return g_bytes_new_take (px, n * 4);
}

static CdSealResult *
extract_page (PIX *page, double ppmm, guint expected, GCancellable *cancellable, GError **error)
{
  g_autoptr(CdSealResult) result = g_new0 (CdSealResult, 1);
  g_autoptr(GArray) quads = NULL;
  g_autofree CdSealBoxInk *inks = NULL;
  g_autofree CdSealQuad *lo_quads = NULL;
  g_autofree CdSealRoi *rois = NULL;
  g_autoptr(CdSealPix) lo_dark = NULL;
  gboolean red_lines = FALSE;
  g_autoptr(CdSealPix) lo_rgb = NULL;
  guint32 paper_hist[3][256] = { { 0 } };
  CdSealInk ink;
  int r;

  result->cells = g_ptr_array_new_with_free_func ((GDestroyNotify) cell_free);
  result->width = pixGetWidth (page);
  result->height = pixGetHeight (page);
  result->dpi = ppmm * 25.4;

  r = cd_seal_reduction_for (ppmm);
  lo_dark = cd_seal_reduce_dark (page, r, paper_hist);
  cd_seal_paper_color (paper_hist, result->paper_rgb);
  result->background = cd_seal_paper_is_background (result->paper_rgb);
  quads = cd_seal_find_boxes (page, lo_dark, r, ppmm, expected, &red_lines, error);
  if (quads == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* First pass on the reduced page: which ink, and roughly where it lies in each box (with the
   * ink that crosses the line, however far).  Full resolution is then spent on that alone, and
   * the reduced colour page is only made around the boxes. */
  lo_quads = g_new (CdSealQuad, quads->len);
  for (guint i = 0; i < quads->len; i++)
    cd_seal_quad_scale_down (&g_array_index (quads, CdSealQuad, i), r, &lo_quads[i]);
  lo_rgb = cd_seal_reduce_mean (page, r, ppmm / r, lo_quads, quads->len);
  /* The paper's colour where it is best lit: light on a phone photo only darkens (a gradient,
   * vignetting, a shadow), and the desk around the sheet is not paper.  The boxes lie on the sheet;
   * the brightest box paper is the paper's own colour.  (The whole page's median stays when no
   * box shows paper.) */
  {
    double best_lum = -1;

    for (guint i = 0; i < quads->len; i++)
      {
        double rgb[3], lum;

        cd_seal_box_paper (lo_rgb, &lo_quads[i], ppmm / r, rgb);
        lum = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        if (lum > best_lum && lum > 1.5)
          {
            best_lum = lum;
            memcpy (result->paper_rgb, rgb, sizeof rgb);
          }
      }
    result->background = cd_seal_paper_is_background (result->paper_rgb);
  }
  ink = cd_seal_classify_ink (lo_rgb, ppmm / r, lo_quads, quads->len, red_lines);
  inks = g_new0 (CdSealBoxInk, quads->len);
  cd_seal_extract_ink (lo_rgb, ppmm / r, lo_quads, quads->len, ink, red_lines, NULL, inks);
  rois = g_new0 (CdSealRoi, quads->len);
  for (guint i = 0; i < quads->len; i++)
    {
      const CdSealQuad *q = &g_array_index (quads, CdSealQuad, i);
      double margin = ROI_MARGIN_MM * ppmm;

      rois[i].skip = inks[i].area == 0;
      rois[i].u0 = inks[i].bx * r - margin - round (q->corners[0][0]);
      rois[i].v0 = inks[i].by * r - margin - round (q->corners[0][1]);
      rois[i].u1 = (inks[i].bx + inks[i].bw) * r + margin - round (q->corners[0][0]);
      rois[i].v1 = (inks[i].by + inks[i].bh) * r + margin - round (q->corners[0][1]);
      cd_seal_box_ink_clear (&inks[i]);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  cd_seal_extract_ink (page, ppmm, (const CdSealQuad *) quads->data, quads->len, ink, red_lines, rois, inks);

  for (guint i = 0; i < quads->len; i++)
    {
      const CdSealQuad *q = &g_array_index (quads, CdSealQuad, i);
      CdSealCell *cell = g_new0 (CdSealCell, 1);
      double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

      for (int k = 0; k < 4; k++)
        {
          x0 = MIN (x0, q->corners[k][0]);
          x1 = MAX (x1, q->corners[k][0]);
          y0 = MIN (y0, q->corners[k][1]);
          y1 = MAX (y1, q->corners[k][1]);
        }
      cell->index = i + 1;
      /* pixel centres are at +0.5 in the contract's continuous coordinates */
      cell->box[0] = x0 + 0.5;
      cell->box[1] = y0 + 0.5;
      cell->box[2] = x1 - x0;
      cell->box[3] = y1 - y0;
      cell->has_ink = !inks[i].empty;
      if (cell->has_ink)
        {
          cell->ink_bbox[0] = inks[i].bx;
          cell->ink_bbox[1] = inks[i].by;
          cell->ink_bbox[2] = inks[i].bw;
          cell->ink_bbox[3] = inks[i].bh;
          cell->rgba = cell_rgba (&inks[i]);
        }
      g_ptr_array_add (result->cells, cell);
    }
  cd_seal_judge_cells (result, inks, ink);
  for (guint i = 0; i < quads->len; i++)
    cd_seal_box_ink_clear (&inks[i]);
  return g_steal_pointer (&result);
}

CdSealResult *
cd_seal_extract_file (const char *path, guint page, guint expected_samples, GCancellable *cancellable,
                      GError **error)
{
  g_autoptr(CdSealPix) pix = NULL;
  double ppmm = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pix = cd_seal_load_page (path, page, &ppmm, error);
  if (pix == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return extract_page (pix, ppmm, expected_samples, cancellable, error);
}

CdSealResult *
cd_seal_extract_bytes (const char *name, GBytes *bytes, guint page, guint expected_samples, GCancellable *cancellable,
                       GError **error)
{
  g_autoptr(CdSealPix) pix = NULL;
  double ppmm = 0;

  g_return_val_if_fail (name != NULL && bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pix = cd_seal_load_page_bytes (name, bytes, page, &ppmm, error);
  if (pix == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return extract_page (pix, ppmm, expected_samples, cancellable, error);
}

gboolean
cd_seal_decode_only (const char *path, GError **error)
{
  g_autoptr(CdSealPix) pix = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  pix = cd_seal_decode_file (path, error);
  return pix != NULL;
}

static void
extract_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  ExtractJob *job = task_data;
  g_autoptr(GError) error = NULL;
  CdSealResult *result;

  result = cd_seal_extract_file (job->path, job->page, job->expected, cancellable, &error);
  if (result == NULL)
    return g_task_return_error (task, g_steal_pointer (&error));
  g_task_return_pointer (task, result, (GDestroyNotify) cd_seal_result_free);
}

void
cd_seal_extract_file_async (const char *path, guint page, guint expected_samples, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  ExtractJob *job;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cd_seal_extract_file_async);
  job = g_new0 (ExtractJob, 1);
  job->path = g_strdup (path);
  job->page = page;
  job->expected = expected_samples;
  g_task_set_task_data (task, job, (GDestroyNotify) extract_job_free);
  g_task_run_in_thread (task, extract_thread);
}

CdSealResult *
cd_seal_extract_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cd_seal_extract_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
write_png (const char *path, GBytes *rgba, int w, int h, GError **error)
{
  g_autoptr(CdSealPix) pix = pixCreate (w, h, 32);
  const guint8 *px = g_bytes_get_data (rgba, NULL);
  l_uint8 *png = NULL;
  size_t png_size = 0;
  gboolean ok;

  pixSetSpp (pix, 4);
  for (int y = 0; y < h; y++)
    {
      l_uint32 *line = pixGetData (pix) + (gsize) y * pixGetWpl (pix);

      for (int x = 0; x < w; x++)
        {
          const guint8 *p = px + 4 * ((gsize) y * w + x);
          line[x] = ((l_uint32) p[0] << 24) | ((l_uint32) p[1] << 16) | ((l_uint32) p[2] << 8) | p[3];
        }
    }
  if (pixWriteMemPng (&png, &png_size, pix, 0.0) != 0 || png == NULL)
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_IO, _("Cannot encode the sample image “%s”"), path);
      return FALSE;
    }
  ok = g_file_set_contents (path, (const char *) png, png_size, error);
  lept_free (png);
  return ok;
}

gboolean
cd_seal_result_write_cells (CdSealResult *result, const char *dir, GError **error)
{
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CD_SEAL_ERROR, CD_SEAL_ERROR_IO, _("The output folder “%s” does not exist"), dir);
      return FALSE;
    }
  for (guint i = 0; i < result->cells->len; i++)
    {
      CdSealCell *cell = g_ptr_array_index (result->cells, i);
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (!cell->has_ink || cell->rgba == NULL)
        continue;
      name = g_strdup_printf ("cell-%u.png", cell->index);
      path = g_build_filename (dir, name, NULL);
      if (!write_png (path, cell->rgba, cell->ink_bbox[2], cell->ink_bbox[3], error))
        return FALSE;
      g_free (cell->image_path);
      cell->image_path = g_steal_pointer (&path);
    }
  return TRUE;
}

static void
add_rounded (JsonBuilder *b, double v)
{
  json_builder_add_double_value (b, round (v * 10.0) / 10.0);
}

JsonNode *
cd_seal_result_to_json (const CdSealResult *result)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (result != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cells");
  json_builder_begin_array (b);
  for (guint i = 0; i < result->cells->len; i++)
    {
      const CdSealCell *cell = g_ptr_array_index (result->cells, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, cell->index);
      json_builder_set_member_name (b, "box");
      json_builder_begin_array (b);
      for (int k = 0; k < 4; k++)
        add_rounded (b, cell->box[k]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "ink_bbox");
      if (cell->has_ink)
        {
          json_builder_begin_array (b);
          for (int k = 0; k < 4; k++)
            json_builder_add_int_value (b, cell->ink_bbox[k]);
          json_builder_end_array (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, cd_seal_kind_to_string (cell->kind));
      json_builder_set_member_name (b, "shape");
      json_builder_add_string_value (b, cd_seal_shape_to_string (cell->shape));
      json_builder_set_member_name (b, "quality");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, round (cell->score * 1000.0) / 1000.0);
      json_builder_set_member_name (b, "flags");
      json_builder_begin_array (b);
      for (CdSealFlags f = CD_SEAL_FLAG_CROSSES_BORDER; f <= CD_SEAL_FLAG_OFF_CENTER; f <<= 1)
        if (cell->flags & f)
          json_builder_add_string_value (b, cd_seal_flag_to_string (f));
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "image");
      if (cell->image_path != NULL)
        json_builder_add_string_value (b, cell->image_path);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "best");
  if (result->best > 0)
    json_builder_add_int_value (b, result->best);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  if (result->background)
    json_builder_add_string_value (b, "background");
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
