/* test-import.c: the importer's checks and decoding, the profile's upload rules and the re-encode. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-import-fit.h"
#include "cd-import.h"
#include "cd-import-test-util.h"
#include "cd-profile.h"

typedef struct {
  const char   *name;
  GBytes     *(*make) (void);
  int           code;
  const char   *message;   /* a part of the clerk's message */
} BadCase;

static GBytes *make_empty (void) { return g_bytes_new_static ("", 0); }

static GBytes *
make_truncated_jpeg (void)
{
  g_autoptr(GBytes) full = cd_test_image ("jpeg", 400, 300);
  return cd_test_truncate (full, g_bytes_get_size (full) * 6 / 10);
}

static GBytes *
make_truncated_png (void)
{
  g_autoptr(GBytes) full = cd_test_image ("png", 400, 300);
  return cd_test_truncate (full, g_bytes_get_size (full) / 2);
}

static GBytes *
make_truncated_bmp (void)
{
  g_autoptr(GBytes) full = cd_test_image ("bmp", 400, 300);
  return cd_test_truncate (full, g_bytes_get_size (full) / 2);
}

static GBytes *make_huge_png (void) { return cd_test_png_claiming (30000, 30000); }
static GBytes *make_png (void) { return cd_test_image ("png", 64, 48); }
static GBytes *make_pdf_1000 (void) { return cd_test_pdf (1000, 595, 842); }
static GBytes *make_pdf_a3_50 (void) { return cd_test_pdf (50, 842, 1191); }
static GBytes *make_pdf_poster (void) { return cd_test_pdf (1, 595 * 8, 842 * 8); }
static GBytes *make_text (void) { return g_bytes_new_static ("name,uscc\n", 10); }
static GBytes *make_bad_pdf (void) { return g_bytes_new_static ("%PDF-1.4\n1 0 obj garbage\n", 25); }

static GBytes *
make_jpeg_no_frame (void)
{
  static const guint8 d[] = { 0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x00, 0xFF, 0xD9 };
  return g_bytes_new_static (d, sizeof d);
}

static const BadCase bad_cases[] = {
  { "empty.jpg", make_empty, CD_IMPORT_ERROR_EMPTY, "“empty.jpg” is empty (0 bytes)" },
  { "cut.jpg", make_truncated_jpeg, CD_IMPORT_ERROR_TRUNCATED, "“cut.jpg” is an incomplete JPEG image" },
  { "cut.png", make_truncated_png, CD_IMPORT_ERROR_TRUNCATED, "“cut.png” is an incomplete PNG image" },
  { "cut.bmp", make_truncated_bmp, CD_IMPORT_ERROR_TRUNCATED, "“cut.bmp” is an incomplete BMP image" },
  { "huge.png", make_huge_png, CD_IMPORT_ERROR_TOO_MANY_PIXELS,
    "“huge.png” is 30000 × 30000 pixels (900 megapixels); at most 50 megapixels can be imported" },
  { "book.pdf", make_pdf_1000, CD_IMPORT_ERROR_TOO_MANY_PAGES,
    "“book.pdf” has 1000 pages; at most 50 pages can be imported from one PDF" },
  { "plans.pdf", make_pdf_a3_50, CD_IMPORT_ERROR_TOO_MANY_PIXELS,
    "“plans.pdf” has too many large pages to import at once (218 megapixels at 150 dpi; at most 120)" },
  { "poster.pdf", make_pdf_poster, CD_IMPORT_ERROR_PAGE_TOO_LARGE, "“poster.pdf”: page 1 measures 1679 × 2376 mm" },
  { "licence.jpg", make_png, CD_IMPORT_ERROR_WRONG_EXTENSION,
    "“licence.jpg” is named like a JPEG file (.jpg) but is a PNG file. Rename it to .png" },
  { "id.pdf", make_png, CD_IMPORT_ERROR_WRONG_EXTENSION, "named like a PDF file (.pdf) but is a PNG file" },
  { "list.csv", make_text, CD_IMPORT_ERROR_UNKNOWN_TYPE, "“list.csv” is not a JPEG, PNG, BMP, TIFF or PDF file" },
  { "broken.pdf", make_bad_pdf, CD_IMPORT_ERROR_CORRUPT, "“broken.pdf” is a damaged PDF" },
  { "odd.jpg", make_jpeg_no_frame, CD_IMPORT_ERROR_CORRUPT, "“odd.jpg” is not a valid JPEG image" },
};

static void
test_bad_file (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GBytes) bytes = c->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes (c->name, bytes, NULL, NULL, &error);

  g_assert_null (file);
  g_assert_error (error, CD_IMPORT_ERROR, c->code);
  if (!strstr (error->message, c->message))
    g_error ("message “%s” lacks “%s”", error->message, c->message);
}

/* The same through a file on disk; the size limit is checked before the file is read. */
static void
test_bad_file_on_disk (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cd-import-XXXXXX", NULL);
  g_autoptr(GBytes) png = cd_test_image ("png", 300, 200);
  g_autofree char *path = cd_test_write_file (dir, "scan.png", png);
  g_autofree char *empty = cd_test_write_file (dir, "blank.jpg", g_bytes_new_static ("", 0));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) efile = g_file_new_for_path (empty);
  g_autoptr(GFile) missing = g_file_new_build_filename (dir, "missing.jpg", NULL);
  g_autoptr(GError) error = NULL;
  CdImportLimits limits;
  CdImportFile *f;

  cd_import_limits_init (&limits);
  limits.max_file_bytes = 1000;
  f = cd_import_load_file (file, &limits, NULL, &error);
  g_assert_null (f);
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_FILE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "“scan.png” is "));
  g_assert_nonnull (strstr (error->message, "files up to 1000 bytes can be imported"));
  g_clear_error (&error);

  f = cd_import_load_file (efile, NULL, NULL, &error);
  g_assert_null (f);
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_EMPTY);
  g_clear_error (&error);

  f = cd_import_load_file (missing, NULL, NULL, &error);
  g_assert_null (f);
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "“missing.jpg” cannot be read"));
  g_clear_error (&error);

  f = cd_import_load_file (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (((CdImportPage *) f->pages->pdata[0])->pixbuf), ==, 300);
  cd_import_file_free (f);

  g_unlink (path);
  g_unlink (empty);
  g_rmdir (dir);
}

static void
test_good_images (void)
{
  const char *types[] = { "jpeg", "png", "bmp", "tiff" };
  const CdImportType expect[] = { CD_IMPORT_TYPE_JPEG, CD_IMPORT_TYPE_PNG, CD_IMPORT_TYPE_BMP, CD_IMPORT_TYPE_TIFF };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GBytes) bytes = cd_test_image (types[i], 321, 123);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("scan.%s", types[i]);
      g_autoptr(CdImportFile) file = cd_import_load_bytes (name, bytes, NULL, NULL, &error);
      CdImportPage *page;

      g_assert_no_error (error);
      g_assert_cmpint (file->type, ==, expect[i]);
      g_assert_cmpuint (file->pages->len, ==, 1);
      page = file->pages->pdata[0];
      g_assert_cmpuint (page->page, ==, 0);
      g_assert_cmpint (gdk_pixbuf_get_width (page->pixbuf), ==, 321);
      g_assert_cmpint (gdk_pixbuf_get_height (page->pixbuf), ==, 123);
      if (expect[i] == CD_IMPORT_TYPE_JPEG)
        g_assert_cmpfloat_with_epsilon (page->dpi, 300, 0.5);
    }
}

static void
test_no_extension (void)
{
  g_autoptr(GBytes) bytes = cd_test_image ("png", 20, 20);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("scanner-output", bytes, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (file->type, ==, CD_IMPORT_TYPE_PNG);
}

static void
test_pdf_pages (void)
{
  g_autoptr(GBytes) bytes = cd_test_pdf (2, 595.276, 841.89);   /* A4 */
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("licence.PDF", bytes, NULL, NULL, &error);
  CdImportPage *p2;

  g_assert_no_error (error);
  g_assert_cmpint (file->type, ==, CD_IMPORT_TYPE_PDF);
  g_assert_cmpuint (file->pages->len, ==, 2);
  p2 = file->pages->pdata[1];
  g_assert_cmpuint (p2->page, ==, 2);
  g_assert_cmpfloat (p2->dpi, ==, CD_IMPORT_PDF_DPI);
  g_assert_cmpint (gdk_pixbuf_get_width (p2->pixbuf), ==, 1654);
  g_assert_cmpint (gdk_pixbuf_get_height (p2->pixbuf), ==, 2339);
}

/* 35 A4 pages do not fit in memory at 200 dpi: all are rendered at the same lower resolution. */
static void
test_pdf_many_pages (void)
{
  g_autoptr(GBytes) bytes = cd_test_pdf (35, 595.276, 841.89);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("bundle.pdf", bytes, NULL, NULL, &error);
  CdImportPage *last;

  g_assert_no_error (error);
  g_assert_cmpuint (file->pages->len, ==, 35);
  last = file->pages->pdata[34];
  g_assert_cmpfloat (last->dpi, <, CD_IMPORT_PDF_DPI);
  g_assert_cmpfloat (last->dpi, >=, CD_IMPORT_MIN_DPI);
  g_assert_cmpfloat (((CdImportPage *) file->pages->pdata[0])->dpi, ==, last->dpi);
}

static CdProfile *
load_profile (const char *id)
{
  const char *datadir = g_getenv ("CERTDESK_DATADIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  CdProfile *profile;

  g_assert_nonnull (datadir);
  path = g_strdup_printf ("%s/profiles/%s.json", datadir, id);
  profile = cd_profile_load_file (path, &error);
  g_assert_no_error (error);
  return profile;
}

static void
test_upload_rules (void)
{
  g_autoptr(CdProfile) nmg = load_profile ("nmg-zfcg-sxca");
  const char *const *types = (const char *const *) nmg->upload_types;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (nmg->upload_max_bytes, ==, 1048576);
  g_assert_true (cd_import_check_upload ("a.jpg", CD_IMPORT_TYPE_JPEG, 1048576, types, nmg->upload_max_bytes, NULL));
  g_assert_false (cd_import_check_upload ("a.jpg", CD_IMPORT_TYPE_JPEG, 1048577, types, nmg->upload_max_bytes,
                                          &error));
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_OVER_LIMIT);
  g_assert_cmpstr (error->message, ==, "“a.jpg” is 1.0 MB; this project accepts scans up to 1.0 MB.");
  g_clear_error (&error);
  g_assert_false (cd_import_check_upload ("a.tif", CD_IMPORT_TYPE_TIFF, 1000, types, nmg->upload_max_bytes, &error));
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_TYPE_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "“a.tif” is a TIFF file; this project accepts JPEG, PNG"));
}

/* A 300-dpi A4 BMP (25 MB) is over 1 MB: the fit offers a JPEG that is within it and not below 150 dpi. */
static void
test_reencode_fits (void)
{
  g_autoptr(CdProfile) nmg = load_profile ("nmg-zfcg-sxca");
  g_autoptr(GBytes) bmp = cd_test_image ("bmp", 2480, 3508);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("licence.bmp", bmp, NULL, NULL, &error);
  CdImportCandidate *c;

  g_assert_no_error (error);
  g_assert_true (cd_import_file_fit (file, (const char *const *) nmg->upload_types, nmg->upload_max_bytes, NULL,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file->candidates->len, ==, 1);
  c = file->candidates->pdata[0];
  g_assert_true (c->reencoded);
  g_assert_cmpint (c->type, ==, CD_IMPORT_TYPE_JPEG);
  g_assert_cmpuint (g_bytes_get_size (c->bytes), <=, 1048576);
  g_assert_cmpuint (MAX (c->width, c->height), >=, 1754);       /* 150 dpi on A4 */
  g_assert_nonnull (strstr (c->note, "“licence.bmp” is "));
  g_assert_nonnull (strstr (c->note, "Re-encoded as JPEG"));
  g_test_message ("%s", c->note);
}

static void
test_original_fits (void)
{
  g_autoptr(CdProfile) nmg = load_profile ("nmg-zfcg-sxca");
  g_autoptr(GBytes) jpeg = cd_test_image ("jpeg", 600, 400);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("id-front.jpg", jpeg, NULL, NULL, &error);
  CdImportCandidate *c;

  g_assert_true (cd_import_file_fit (file, (const char *const *) nmg->upload_types, nmg->upload_max_bytes, NULL,
                                     &error));
  c = file->candidates->pdata[0];
  g_assert_false (c->reencoded);
  g_assert_null (c->note);
  g_assert_true (g_bytes_equal (c->bytes, jpeg));
}

/* The profile takes no PDF: every page becomes a JPEG; one that takes PDFs keeps the document. */
static void
test_pdf_against_profiles (void)
{
  g_autoptr(CdProfile) nmg = load_profile ("nmg-zfcg-sxca");
  g_autoptr(GBytes) pdf = cd_test_pdf (2, 595.276, 841.89);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("licence.pdf", pdf, NULL, NULL, &error);
  const char *const pdf_ok[] = { "jpeg", "pdf", NULL };

  g_assert_true (cd_import_file_fit (file, (const char *const *) nmg->upload_types, nmg->upload_max_bytes, NULL,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file->candidates->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      CdImportCandidate *c = file->candidates->pdata[i];

      g_assert_true (c->reencoded);
      g_assert_cmpint (c->type, ==, CD_IMPORT_TYPE_JPEG);
      g_assert_cmpuint (c->page, ==, i + 1);
      g_assert_nonnull (strstr (c->note, "“licence.pdf” is a PDF file; this project accepts JPEG"));
    }

  g_assert_true (cd_import_file_fit (file, pdf_ok, 2097152, NULL, &error));
  g_assert_cmpuint (file->candidates->len, ==, 2);
  g_assert_false (((CdImportCandidate *) file->candidates->pdata[1])->reencoded);
  g_assert_true (g_bytes_equal (((CdImportCandidate *) file->candidates->pdata[1])->bytes, pdf));
}

static void
test_cannot_fit (void)
{
  g_autoptr(GdkPixbuf) pixbuf = cd_test_make_pixbuf (2480, 3508);
  const char *const jpeg_only[] = { "jpeg", NULL };
  const char *const tiff_only[] = { "tiff", NULL };
  g_autoptr(GError) error = NULL;
  CdImportCandidate *c;

  c = cd_import_reencode_to_fit ("licence.png", pixbuf, 300, 0, jpeg_only, 20000, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CANNOT_FIT);
  g_assert_nonnull (strstr (error->message, "“licence.png” cannot be made smaller than 20 KB without going below "
                                            "150 dpi"));
  g_clear_error (&error);
  c = cd_import_reencode_to_fit ("licence.png", pixbuf, 300, 0, tiff_only, 2000000, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, CD_IMPORT_ERROR, CD_IMPORT_ERROR_CANNOT_FIT);
  g_assert_nonnull (strstr (error->message, "this project accepts only TIFF"));
}

typedef struct {
  gboolean done;
  GError  *error;
} AsyncResult;

static void
on_import_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;
  CdImportFile *file = cd_import_file_finish (result, &r->error);

  if (file)
    {
      g_assert_cmpuint (file->candidates->len, ==, 1);
      cd_import_file_free (file);
    }
  r->done = TRUE;
}

static void
test_async_and_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cd-import-XXXXXX", NULL);
  g_autoptr(GBytes) png = cd_test_image ("png", 800, 600);
  g_autofree char *path = cd_test_write_file (dir, "scan.png", png);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char *const types[] = { "jpeg", "png", NULL };
  AsyncResult r = { 0 };

  cd_import_file_async (file, NULL, types, 1048576, NULL, on_import_done_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);

  r.done = FALSE;
  g_cancellable_cancel (cancellable);
  cd_import_file_async (file, NULL, types, 1048576, cancellable, on_import_done_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/import/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_file);
    }
  g_test_add_func ("/import/bad/on-disk", test_bad_file_on_disk);
  g_test_add_func ("/import/good/images", test_good_images);
  g_test_add_func ("/import/good/no-extension", test_no_extension);
  g_test_add_func ("/import/good/pdf-pages", test_pdf_pages);
  g_test_add_func ("/import/good/pdf-many-pages", test_pdf_many_pages);
  g_test_add_func ("/import/upload/rules", test_upload_rules);
  g_test_add_func ("/import/upload/original-fits", test_original_fits);
  g_test_add_func ("/import/upload/reencode-fits", test_reencode_fits);
  g_test_add_func ("/import/upload/pdf-profiles", test_pdf_against_profiles);
  g_test_add_func ("/import/upload/cannot-fit", test_cannot_fit);
  g_test_add_func ("/import/async", test_async_and_cancel);
  return g_test_run ();
}
