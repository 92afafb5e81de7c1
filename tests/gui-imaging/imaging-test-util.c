/* imaging-test-util.c: fixtures for the imaging GUI tests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <cairo-pdf.h>

#include "cd-store.h"
#include "imaging-test-util.h"

char *
imaging_test_png (const char *dir, const char *name, int w, int h)
{
  g_autoptr(GdkPixbuf) pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  guchar *px = gdk_pixbuf_get_pixels (pb);
  int rs = gdk_pixbuf_get_rowstride (pb);
  char *path = g_build_filename (dir, name, NULL);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guchar *p = px + y * rs + x * 3;
        p[0] = 255 - (x * 90 / w);
        p[1] = 255 - (y * 90 / h);
        p[2] = ((x / 40 + y / 40) % 2) ? 230 : 180;
      }
  g_assert_true (gdk_pixbuf_save (pb, path, "png", NULL, NULL));
  return path;
}

char *
imaging_test_pdf (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *s = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (s);

  cairo_set_source_rgb (cr, 0.2, 0.2, 0.6);
  cairo_rectangle (cr, 60, 60, 475, 120);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, 60, 260);
  cairo_set_font_size (cr, 28);
  cairo_show_text (cr, "Business licence (test)");
  cairo_destroy (cr);
  cairo_surface_finish (s);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  return path;
}

static void
put32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };
  g_byte_array_append (a, b, 4);
}

static void
put16 (GByteArray *a, guint16 v)
{
  guint8 b[2] = { v & 0xff, (v >> 8) & 0xff };
  g_byte_array_append (a, b, 2);
}

char *
imaging_test_bmp (const char *dir, const char *name, int w, int h)
{
  g_autoptr(GByteArray) a = g_byte_array_new ();
  int row = (w * 3 + 3) & ~3;
  g_autofree guint8 *line = g_malloc0 (row);
  char *path = g_build_filename (dir, name, NULL);

  g_byte_array_append (a, (const guint8 *) "BM", 2);
  put32 (a, 54 + row * h);
  put32 (a, 0);
  put32 (a, 54);
  put32 (a, 40);
  put32 (a, w);
  put32 (a, h);
  put16 (a, 1);
  put16 (a, 24);
  put32 (a, 0);
  put32 (a, row * h);
  put32 (a, 11811);   /* 300 dpi */
  put32 (a, 11811);
  put32 (a, 0);
  put32 (a, 0);
  for (int y = 0; y < h; y++)
    {
      for (int x = 0; x < w; x++)
        {
          line[x * 3] = 200 + (x * 55 / w);
          line[x * 3 + 1] = 220 - (y * 40 / h);
          line[x * 3 + 2] = ((x / 60 + y / 60) % 2) ? 250 : 235;
        }
      g_byte_array_append (a, line, row);
    }
  g_assert_true (g_file_set_contents (path, (const char *) a->data, a->len, NULL));
  return path;
}

char *
imaging_test_uri (const char *path)
{
  return g_filename_to_uri (path, NULL, NULL);
}

CdDraft *
imaging_test_draft (CdContext *ctx, const char *profile)
{
  CdDraft *draft = cd_draft_new (ctx);
  CdApplication *app = cd_application_new ();
  g_autoptr(GError) error = NULL;

  app->profile = g_strdup (profile);
  app->business = CD_BUSINESS_NEW;
  app->applicant_type = CD_APPLICANT_ENTERPRISE;
  cd_draft_replace_app (draft, app);
  cd_draft_changed (draft);
  g_assert_true (cd_draft_flush (draft, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cd_draft_get_id (draft), >, 0);
  return draft;
}

char *
imaging_test_scan_material (CdDraft *draft)
{
  CdApplication *app = cd_draft_get_app (draft);
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (cd_draft_get_profile (draft), app->business, app->applicant_type,
                                                  &opts, NULL);

  g_assert_nonnull (list);
  for (guint i = 0; i < list->len; i++)
    if (((CdMaterial *) list->pdata[i])->scan)
      return g_strdup (((CdMaterial *) list->pdata[i])->code);
  g_assert_not_reached ();
}

typedef struct {
  CdScanStrip *strip;
  guint        n;
} StripWait;

static gboolean
strip_ready (gpointer data)
{
  StripWait *w = data;

  return !cd_scan_strip_is_busy (w->strip) && cd_scan_strip_get_n_scans (w->strip) == w->n;
}

void
imaging_test_wait_strip (CdScanStrip *strip, guint n_scans)
{
  StripWait w = { strip, n_scans };

  if (!cd_test_wait (strip_ready, &w, 20000))
    g_error ("strip: %u scans (want %u), busy %d, status “%s”", cd_scan_strip_get_n_scans (strip), n_scans,
             cd_scan_strip_is_busy (strip), cd_scan_strip_get_status (strip));
}

static gboolean
form_idle (gpointer data)
{
  return !cd_seals_page_form_is_busy (data);
}

void
imaging_test_wait_form (CdSealsPageForm *form)
{
  g_assert_true (cd_test_wait (form_idle, form, 30000));
  cd_test_iterate ();
}

typedef struct {
  const char *name;
  GtkWidget  *found;
} TopWait;

static gboolean
find_top (gpointer data)
{
  TopWait *w = data;
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (gtk_widget_get_visible (l->data) && g_str_equal (gtk_widget_get_name (l->data), w->name))
      w->found = l->data;
  return w->found != NULL;
}

GtkWidget *
imaging_test_toplevel (const char *name, guint timeout_ms)
{
  TopWait w = { name, NULL };

  cd_test_wait (find_top, &w, timeout_ms);
  return w.found;
}

gint64
imaging_test_count (CdContext *ctx, const char *sql, gint64 app_id)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (store, sql, &stmt, NULL));
  sqlite3_bind_int64 (stmt, 1, app_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

char *
imaging_test_seal_form (const char *name)
{
  const char *dir = g_getenv ("CD_SEAL_EVAL_DIR");
  g_autofree char *path = dir ? g_build_filename (dir, "public", "forms", name, NULL) : NULL;

  if (!path || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&path);
}
