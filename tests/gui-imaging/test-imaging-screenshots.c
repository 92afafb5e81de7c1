/* test-imaging-screenshots.c: the materials page with thumbnails and the seals page, in Simplified Chinese at
 * 1366×768, saved to CD_SCREENSHOT_DIR (imaging-materials.png, imaging-seals.png). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-materials-page.h"
#include "cd-seals-page.h"
#include "imaging-test-util.h"

static char *work_dir;

static void
test_materials_with_thumbnails (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdDraft) draft = imaging_test_draft (counter->ctx, "bj-gov");
  g_autofree char *code = imaging_test_scan_material (draft);
  g_autofree char *front = imaging_test_png (work_dir, "身份证正面.png", 856, 540);
  g_autofree char *back = imaging_test_png (work_dir, "身份证反面.png", 860, 544);
  g_autofree char *pdf = imaging_test_pdf (work_dir, "营业执照.pdf");
  g_autofree char *u1 = imaging_test_uri (front);
  g_autofree char *u2 = imaging_test_uri (back);
  g_autofree char *u3 = imaging_test_uri (pdf);
  g_autofree char *name = g_strdup_printf ("scans_%s", code);
  GtkWidget *page = g_object_new (CD_TYPE_MATERIALS_PAGE, "context", counter->ctx, NULL);
  GtkWidget *win;
  CdScanStrip *strip;

  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  win = cd_test_window (page);
  strip = CD_SCAN_STRIP (cd_test_find (win, name));
  cd_scan_strip_add_uris (strip, (const char *const[]) { u1, NULL });
  imaging_test_wait_strip (strip, 1);
  cd_scan_strip_add_uris (strip, (const char *const[]) { u2, NULL });
  imaging_test_wait_strip (strip, 2);
  cd_scan_strip_add_uris (strip, (const char *const[]) { u3, NULL });
  imaging_test_wait_strip (strip, 3);
  cd_test_wait_ms (200);
  cd_test_screenshot (win, "imaging-materials");
  gtk_widget_destroy (win);
}

static void
test_seals_page (void)
{
  g_autoptr(CdTestCounter) counter = NULL;
  g_autoptr(CdDraft) draft = NULL;
  g_autofree char *p001 = imaging_test_seal_form ("p001.jpg");
  g_autofree char *p008 = imaging_test_seal_form ("p008.jpg");
  GtkWidget *page, *win;

  if (!p001 || !p008)
    {
      g_test_skip ("the seal eval forms are not there");
      return;
    }
  counter = cd_test_counter_new ("wang");
  draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  page = g_object_new (CD_TYPE_SEALS_PAGE, "context", counter->ctx, NULL);
  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  win = cd_test_window (page);
  {
    g_autoptr(GFile) f1 = g_file_new_for_path (p001);
    g_autoptr(GFile) f2 = g_file_new_for_path (p008);
    CdSealsPageForm *unit = CD_SEALS_PAGE_FORM (cd_test_find (win, "seal_form_unit_seal"));
    CdSealsPageForm *sig = CD_SEALS_PAGE_FORM (cd_test_find (win, "seal_form_legal_signature"));

    cd_seals_page_form_load_file (unit, f1);
    cd_seals_page_form_load_file (sig, f2);
    imaging_test_wait_form (unit);
    imaging_test_wait_form (sig);
  }
  cd_test_wait_ms (200);
  cd_test_screenshot (win, "imaging-seals");
  gtk_widget_destroy (win);
}

int
main (int argc, char **argv)
{
  int rc;

  cd_test_init (&argc, &argv, TRUE);
  work_dir = g_dir_make_tmp ("cd-gui-imaging-shot-XXXXXX", NULL);
  g_test_add_func ("/gui-imaging/screenshots/materials", test_materials_with_thumbnails);
  g_test_add_func ("/gui-imaging/screenshots/seals", test_seals_page);
  rc = g_test_run ();
  g_free (work_dir);
  return rc;
}
