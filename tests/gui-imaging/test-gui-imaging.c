/* test-gui-imaging.c: scans on the materials page and the seals page, driven through their widgets under
 * Xvfb: files, PDF, drag-and-drop URIs, delete/undo, the viewer, re-encode on confirmation, the SANE test
 * scanner, seal extraction with the best sample stored and Next following the page. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cd-keys.h"
#include "cd-materials-page.h"
#include "cd-sample-store.h"
#include "cd-scan-dialog.h"
#include "cd-scan-store.h"
#include "cd-scan-viewer.h"
#include "cd-seals-page.h"
#include "cd-seals-page-extract.h"
#include "cd-sealed-file.h"
#include "cd-wizard.h"
#include "imaging-test-util.h"

static char *work_dir;

static GtkWidget *
materials_window (CdContext *ctx, CdDraft *draft)
{
  GtkWidget *page = g_object_new (CD_TYPE_MATERIALS_PAGE, "context", ctx, NULL);

  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  return cd_test_window (page);
}

static CdScanStrip *
find_strip (GtkWidget *win, const char *code)
{
  g_autofree char *name = g_strdup_printf ("scans_%s", code);
  GtkWidget *strip = cd_test_find (win, name);

  g_assert_true (CD_IS_SCAN_STRIP (strip));
  return CD_SCAN_STRIP (strip);
}

static guint
count_scan_marks (CdDraft *draft, const char *code)
{
  CdMaterialMark *mark = g_hash_table_lookup (cd_draft_get_app (draft)->materials, code);
  guint n = 0;

  for (guint i = 0; mark && i < mark->scans->len; i++)
    n += g_str_has_prefix (mark->scans->pdata[i], "scan:");
  return n;
}

static gboolean
viewer_loaded (gpointer data)
{
  return cd_scan_viewer_get_picture (data) != NULL;
}

static void
test_attach_delete_undo (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdDraft) draft = imaging_test_draft (counter->ctx, "bj-gov");
  g_autofree char *code = imaging_test_scan_material (draft);
  g_autofree char *png = imaging_test_png (work_dir, "id-front.png", 900, 600);
  g_autofree char *pdf = imaging_test_pdf (work_dir, "licence.pdf");
  g_autofree char *png_uri = imaging_test_uri (png);
  g_autofree char *pdf_uri = imaging_test_uri (pdf);
  g_autoptr(GPtrArray) scans = NULL;
  g_autofree char *thumb_name = NULL;
  g_autofree char *delete_name = NULL;
  g_autofree char *undo_name = g_strdup_printf ("scan_undo_%s", code);
  gint64 app_id = cd_draft_get_id (draft);
  GtkWidget *win = materials_window (counter->ctx, draft);
  CdScanStrip *strip = find_strip (win, code);
  GtkWidget *thumb, *viewer;
  CdScanInfo *pdf_scan = NULL;

  /* A file, then a PDF "dropped" on the strip (the drop handler calls add_uris). */
  cd_scan_strip_add_uris (strip, (const char *const[]) { png_uri, NULL });
  imaging_test_wait_strip (strip, 1);
  cd_scan_strip_add_uris (strip, (const char *const[]) { pdf_uri, NULL });
  imaging_test_wait_strip (strip, 2);
  g_test_message ("status: %s", cd_scan_strip_get_status (strip));

  scans = cd_scan_store_list (counter->ctx, app_id, code, FALSE, NULL);
  g_assert_cmpuint (scans->len, ==, 2);
  g_assert_cmpstr (((CdScanInfo *) scans->pdata[0])->mime, ==, "image/png");
  pdf_scan = scans->pdata[1];
  g_assert_cmpstr (pdf_scan->mime, ==, "application/pdf");
  g_assert_cmpuint (pdf_scan->page, ==, 1);
  g_assert_cmpint (imaging_test_count (counter->ctx, "SELECT count(*) FROM scan WHERE application_id = ?1", app_id),
                   ==, 2);
  g_assert_cmpuint (count_scan_marks (draft, code), ==, 2);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "scan.add", app_id), ==, 2);

  /* Thumbnails decoded in workers show as pictures. */
  thumb_name = g_strdup_printf ("scan_thumb_%" G_GINT64_FORMAT, pdf_scan->id);
  thumb = cd_test_find_visible (win, thumb_name);
  g_assert_true (GTK_IS_BUTTON (thumb));
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (gtk_bin_get_child (GTK_BIN (thumb)))), ==,
                   GTK_IMAGE_PIXBUF);

  /* The viewer: full size, zoom, rotate. */
  gtk_button_clicked (GTK_BUTTON (thumb));
  viewer = imaging_test_toplevel ("scan_viewer", 5000);
  g_assert_nonnull (viewer);
  g_assert_true (cd_test_wait (viewer_loaded, viewer, 20000));
  g_assert_cmpint (gdk_pixbuf_get_width (cd_scan_viewer_get_picture (CD_SCAN_VIEWER (viewer))), >, 1000);
  {
    double zoom = cd_scan_viewer_get_zoom (CD_SCAN_VIEWER (viewer));
    cd_test_click (viewer, "viewer_zoom_in");
    g_assert_cmpfloat (cd_scan_viewer_get_zoom (CD_SCAN_VIEWER (viewer)), >, zoom);
    cd_test_click (viewer, "viewer_rotate_right");
    g_assert_cmpuint (cd_scan_viewer_get_rotation (CD_SCAN_VIEWER (viewer)), ==, 90);
    cd_test_click (viewer, "viewer_rotate_left");
    cd_test_click (viewer, "viewer_rotate_left");
    g_assert_cmpuint (cd_scan_viewer_get_rotation (CD_SCAN_VIEWER (viewer)), ==, 270);
  }
  gtk_widget_destroy (viewer);

  /* Delete, then undo. */
  delete_name = g_strdup_printf ("scan_delete_%" G_GINT64_FORMAT, pdf_scan->id);
  cd_test_click (win, delete_name);
  imaging_test_wait_strip (strip, 1);
  g_assert_cmpuint (count_scan_marks (draft, code), ==, 1);
  g_assert_cmpint (imaging_test_count (counter->ctx,
                                       "SELECT count(*) FROM scan WHERE application_id = ?1 AND deleted = 1", app_id),
                   ==, 1);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "scan.delete", app_id), ==, 1);
  cd_test_click (win, undo_name);
  imaging_test_wait_strip (strip, 2);
  g_assert_cmpuint (count_scan_marks (draft, code), ==, 2);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "scan.restore", app_id), ==, 1);

  /* The marks are saved with the application. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CdApplication) stored = NULL;
    CdMaterialMark *mark;

    g_assert_true (cd_draft_flush (draft, &error));
    g_assert_true (cd_application_store_load (counter->ctx, app_id, &stored, NULL, &error));
    g_assert_no_error (error);
    mark = g_hash_table_lookup (stored->materials, code);
    g_assert_nonnull (mark);
    g_assert_cmpuint (mark->scans->len, ==, 2);
  }

  /* A bad file gets its clear message and attaches nothing. */
  {
    g_autofree char *empty = g_build_filename (work_dir, "empty.jpg", NULL);
    g_autofree char *uri = imaging_test_uri (empty);

    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
    cd_scan_strip_add_uris (strip, (const char *const[]) { uri, NULL });
    imaging_test_wait_strip (strip, 2);
    g_test_message ("empty file: %s", cd_scan_strip_get_status (strip));
    g_assert_nonnull (strstr (cd_scan_strip_get_status (strip), "empty.jpg"));
  }
  gtk_widget_destroy (win);
}

static void
test_reencode_after_confirmation (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdDraft) draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  g_autofree char *code = imaging_test_scan_material (draft);
  g_autofree char *bmp = imaging_test_bmp (work_dir, "big-scan.bmp", 2480, 1754);
  g_autofree char *uri = imaging_test_uri (bmp);
  g_autoptr(GPtrArray) scans = NULL;
  GtkWidget *win = materials_window (counter->ctx, draft);
  CdScanStrip *strip = find_strip (win, code);
  GtkWidget *dialog;
  gint64 app_id = cd_draft_get_id (draft);

  /* Declined: nothing is stored. */
  cd_scan_strip_add_uris (strip, (const char *const[]) { uri, NULL });
  dialog = imaging_test_toplevel ("scan_reencode_dialog", 20000);
  g_assert_nonnull (dialog);
  g_test_message ("asked: %s", gtk_window_get_title (GTK_WINDOW (dialog)) ?: "");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  imaging_test_wait_strip (strip, 0);
  g_assert_cmpint (imaging_test_count (counter->ctx, "SELECT count(*) FROM scan WHERE application_id = ?1", app_id),
                   ==, 0);

  /* Confirmed: the re-encode is stored and fits the limit. */
  cd_scan_strip_add_uris (strip, (const char *const[]) { uri, NULL });
  dialog = imaging_test_toplevel ("scan_reencode_dialog", 20000);
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  imaging_test_wait_strip (strip, 1);
  scans = cd_scan_store_list (counter->ctx, app_id, code, FALSE, NULL);
  g_assert_cmpuint (scans->len, ==, 1);
  g_assert_cmpstr (((CdScanInfo *) scans->pdata[0])->mime, ==, "image/jpeg");
  g_assert_cmpint (((CdScanInfo *) scans->pdata[0])->bytes, <=, 1048576);
  g_assert_cmpuint (count_scan_marks (draft, code), ==, 1);
  gtk_widget_destroy (win);
}

static gboolean
dialog_has_devices (gpointer data)
{
  return cd_scan_dialog_get_n_devices (data) > 0;
}

static gboolean
dialog_idle (gpointer data)
{
  return !cd_scan_dialog_is_busy (data);
}

static void
test_sane_scan_into_material (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdDraft) draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  g_autofree char *code = imaging_test_scan_material (draft);
  g_autofree char *button = g_strdup_printf ("scan_scan_%s", code);
  g_autoptr(GPtrArray) scans = NULL;
  GtkWidget *win = materials_window (counter->ctx, draft);
  CdScanStrip *strip = find_strip (win, code);
  GtkWidget *dialog;

  cd_test_click (win, button);
  dialog = imaging_test_toplevel ("scan_dialog", 5000);
  g_assert_nonnull (dialog);
  g_assert_true (cd_test_wait (dialog_has_devices, dialog, 30000));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (dialog, "scan_dpi_combo")), "150");
  cd_test_click (dialog, "scan_preview_button");
  g_assert_true (cd_test_wait (dialog_idle, dialog, 30000));
  g_test_message ("after preview: %s", cd_test_label (dialog, "scan_status"));
  cd_test_click (dialog, "scan_start_button");
  imaging_test_wait_strip (strip, 1);
  scans = cd_scan_store_list (counter->ctx, cd_draft_get_id (draft), code, FALSE, NULL);
  g_assert_cmpuint (scans->len, ==, 1);
  g_assert_cmpstr (((CdScanInfo *) scans->pdata[0])->mime, ==, "image/jpeg");
  g_assert_cmpuint (count_scan_marks (draft, code), ==, 1);
  gtk_widget_destroy (win);
}

/* The thumbnail's "image-missing" icon: the strip shows "image-loading" (also an icon) until its worker is done,
 * and only then the tooltip saying why. */
static gboolean
thumb_is_missing (gpointer data)
{
  const char *name = NULL;

  if (gtk_image_get_storage_type (data) != GTK_IMAGE_ICON_NAME)
    return FALSE;
  gtk_image_get_icon_name (data, &name, NULL);
  return g_strcmp0 (name, "image-missing") == 0;
}

/* A scan object another counter sealed (copied here): the application's strip shows the scan as missing, and
 * says it cannot be read where the clerk points at it. */
static void
test_unreadable_scan (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdDraft) draft = imaging_test_draft (counter->ctx, "bj-gov");
  g_autofree char *code = imaging_test_scan_material (draft);
  g_autofree char *png = imaging_test_png (work_dir, "id-back.png", 640, 400);
  g_autofree char *png_uri = imaging_test_uri (png);
  g_autofree char *thumb_name = NULL;
  g_autofree char *object = NULL;
  g_autofree char *tip = NULL;
  g_autoptr(CdKeys) stranger = cd_keys_new_random (NULL);
  g_autoptr(GPtrArray) scans = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *win = materials_window (counter->ctx, draft);
  const CdScanInfo *info;
  GtkWidget *thumb;
  GtkImage *image;

  cd_scan_strip_add_uris (find_strip (win, code), (const char *const[]) { png_uri, NULL });
  imaging_test_wait_strip (find_strip (win, code), 1);
  scans = cd_scan_store_list (counter->ctx, cd_draft_get_id (draft), code, FALSE, NULL);
  g_assert_cmpuint (scans->len, ==, 1);
  info = scans->pdata[0];
  bytes = cd_scan_store_open (counter->ctx, info->sha256, &error);
  g_assert_no_error (error);
  object = cd_scan_store_object_path (counter->ctx, info->sha256);
  g_assert_true (cd_sealed_file_write (stranger, object, CD_SEALED_FILE_SCAN_AAD, g_bytes_get_data (bytes, NULL),
                                       g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
  gtk_widget_destroy (win);

  win = materials_window (counter->ctx, draft);
  thumb_name = g_strdup_printf ("scan_thumb_%" G_GINT64_FORMAT, info->id);
  thumb = cd_test_find_visible (win, thumb_name);
  g_assert_true (GTK_IS_BUTTON (thumb));
  image = GTK_IMAGE (gtk_bin_get_child (GTK_BIN (thumb)));
  g_assert_true (cd_test_wait (thumb_is_missing, image, 20000));
  tip = gtk_widget_get_tooltip_text (GTK_WIDGET (image));
  g_test_message ("tooltip: %s", tip);
  g_assert_nonnull (strstr (tip, "cannot be read"));
  g_assert_null (strstr (tip, cd_keys_get_id (stranger)));
  gtk_widget_destroy (win);
}

/* ---- seals ---- */

static void
fill_to_seals (GtkWidget *win, CdWizard *wizard)
{
  CdDraft *draft = cd_wizard_get_draft (wizard);
  CdApplication *app;
  CdChecklistOptions opts;
  g_autoptr(GPtrArray) list = NULL;

  cd_test_toggle (win, "profile_nmg-zfcg-sxca", TRUE);
  cd_test_click (win, "next_button");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (win, "role_combo")), "bidder");
  cd_test_set_text (win, "unit_name", "内蒙古某某建设有限公司");
  cd_test_set_text (win, "unit_uscc", "91150100MA0N2K3L4T");
  cd_test_set_text (win, "legal_name", "张法人");
  cd_test_set_text (win, "agent_name", "李经办");
  cd_test_set_text (win, "agent_id_number", "150102199003150023");
  cd_test_set_text (win, "agent_mobile", "13912345678");
  cd_test_click (win, "next_button");
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
  app = cd_draft_get_app (draft);
  opts = cd_application_checklist_options (app);
  list = cd_checklist_build (cd_draft_get_profile (draft), app->business, app->applicant_type, &opts, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      CdMaterialMark *mark = cd_application_get_material (app, m->code, TRUE);

      mark->original_seen = m->original;
      mark->copy = m->copy;
      mark->stamped = m->copy && m->stamped;
      if (m->scan)
        g_ptr_array_add (mark->scans, g_strdup ("scan-page-1.png"));   /* the scans test covers real ones */
    }
  cd_draft_changed (draft);
  cd_test_iterate ();
  cd_test_click (win, "next_button");
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "seals");
}

static CdSealsPageForm *
find_form (GtkWidget *win, const char *kind)
{
  g_autofree char *name = g_strdup_printf ("seal_form_%s", kind);
  GtkWidget *form = cd_test_find (win, name);

  g_assert_true (CD_IS_SEALS_PAGE_FORM (form));
  return CD_SEALS_PAGE_FORM (form);
}

static void
load_form (CdSealsPageForm *form, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  cd_seals_page_form_load_file (form, file);
  imaging_test_wait_form (form);
}

typedef struct {
  GtkWidget  *win;
  const char *name;
  const char *text;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *w = data;

  return g_strcmp0 (cd_test_label (w->win, w->name), w->text) == 0;
}

static gboolean
form_says_unreadable (gpointer data)
{
  return strstr (cd_seals_page_form_get_message (data), "cannot be read") != NULL;
}

static void
test_seals_best_sample (void)
{
  g_autoptr(CdTestCounter) counter = NULL;
  g_autofree char *p001 = imaging_test_seal_form ("p001.jpg");
  g_autofree char *p011 = imaging_test_seal_form ("p011.jpg");
  g_autofree char *p010 = imaging_test_seal_form ("p010.jpg");
  g_autoptr(CdSample) sample = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *win;
  CdWizard *wizard;
  CdDraft *draft;
  CdSealsPageForm *unit, *sig, *seal;
  gint64 app_id;
  const char *path;

  if (!p001 || !p011 || !p010)
    {
      g_test_skip ("the seal eval forms are not there");
      return;
    }
  counter = cd_test_counter_new ("wang");
  wizard = cd_wizard_new (counter->ctx);
  win = cd_test_window (GTK_WIDGET (wizard));
  fill_to_seals (win, wizard);
  draft = cd_wizard_get_draft (wizard);
  app_id = cd_draft_get_id (draft);
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_test_message ("reason: %s", cd_test_label (win, "reason_label"));

  unit = find_form (win, "unit_seal");
  sig = find_form (win, "legal_signature");
  seal = find_form (win, "legal_seal");

  /* p001: square name seals, each form in the slot of its kind */
  load_form (seal, p001);
  g_assert_cmpstr (cd_seals_page_form_get_message (seal), ==, "");
  g_assert_cmpuint (cd_seals_page_form_get_chosen (seal), ==, 3);
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_legal_seal_1"), ==, "1: off-centre");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_legal_seal_2"), ==, "2: empty");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_legal_seal_3"), ==, "3: OK");
  g_assert_false (cd_test_sensitive (win, "seal_sample_legal_seal_1"));
  /* The empty box is pictured as an empty box, not with the theme's broken-picture icon. */
  {
    GtkWidget *empty = gtk_bin_get_child (GTK_BIN (cd_test_find (win, "seal_sample_legal_seal_2")));

    g_assert_true (GTK_IS_IMAGE (empty));
    g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (empty)), ==, GTK_IMAGE_PIXBUF);
    g_assert_false (cd_test_sensitive (win, "seal_sample_legal_seal_2"));
  }
  g_assert_true (cd_sample_store_get (counter->ctx, app_id, "legal_seal", &sample, &error));
  g_assert_no_error (error);
  g_assert_nonnull (sample);
  g_assert_nonnull (strstr (sample->metadata, "\"index\":3"));
  path = g_hash_table_lookup (cd_draft_get_app (draft)->samples, "legal_seal");
  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  {
    /* the object on disk is sealed at rest (issue 17): read through the scan store */
    g_autoptr(GBytes) bytes = cd_scan_store_open (counter->ctx, sample->sha256, &error);
    g_autoptr(GInputStream) in = NULL;
    g_autoptr(GdkPixbuf) png = NULL;

    g_assert_no_error (error);
    in = g_memory_input_stream_new_from_bytes (bytes);
    png = gdk_pixbuf_new_from_stream (in, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (gdk_pixbuf_get_has_alpha (png));
    g_assert_cmpuint (gdk_pixbuf_get_pixels (png)[3], ==, 0);   /* the corner is transparent */
  }
  g_assert_false (cd_test_sensitive (win, "next_button"));

  /* The clerk prefers another acceptable sample (p011: signatures 1, 3 and 4 are OK). */
  load_form (sig, p011);
  g_assert_cmpstr (cd_seals_page_form_get_message (sig), ==, "");
  g_assert_cmpuint (cd_seals_page_form_get_chosen (sig), ==, 1);
  cd_test_toggle (win, "seal_sample_legal_signature_3", TRUE);
  g_assert_cmpuint (cd_seals_page_form_get_chosen (sig), ==, 3);
  g_clear_pointer (&sample, cd_sample_free);
  g_assert_true (cd_sample_store_get (counter->ctx, app_id, "legal_signature", &sample, NULL));
  g_assert_nonnull (strstr (sample->metadata, "\"index\":3"));
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "sample.set", app_id), ==, 3);

  /* p010: round unit seals */
  load_form (unit, p010);
  g_assert_cmpstr (cd_seals_page_form_get_message (unit), ==, "");
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 1);
  g_assert_cmpint (imaging_test_count (counter->ctx, "SELECT count(*) FROM sample WHERE application_id = ?1", app_id),
                   ==, 3);
  g_assert_true (cd_test_sensitive (win, "next_button"));
  g_assert_cmpstr (cd_test_label (win, "reason_label"), ==, "");
  cd_test_click (win, "next_button");
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");

  /* The next applicant of the same project: the same form widgets, emptied; nothing of the previous
   * applicant's samples shows, and the idle spinner stays hidden. */
  cd_wizard_start_new (wizard);
  cd_test_iterate ();
  fill_to_seals (win, wizard);
  cd_test_iterate ();
  g_assert_true (find_form (win, "unit_seal") == unit);
  g_assert_true (find_form (win, "legal_signature") == sig);
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 0);
  g_assert_cmpuint (cd_seals_page_form_get_chosen (sig), ==, 0);
  g_assert_cmpstr (cd_seals_page_form_get_message (unit), ==, "");
  g_assert_null (cd_test_find_visible (win, "seal_verdict_unit_seal_3"));
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "seal_spinner_unit_seal")));
  g_assert_cmpstr (cd_test_label (win, "seal_status_unit_seal"), ==, "Load or scan the stamped collection form.");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_nonnull (strstr (cd_test_label (win, "reason_label"), "Unit seal"));
  /* and the new application's choice is its own */
  load_form (unit, p010);
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 1);
  g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), !=, app_id);
  g_clear_pointer (&sample, cd_sample_free);
  g_assert_true (cd_sample_store_get (counter->ctx, cd_draft_get_id (cd_wizard_get_draft (wizard)), "unit_seal",
                                      &sample, NULL));

  /* The application shown again: its stored choice is read, opened and decoded in a worker, then shown. */
  cd_seals_page_form_set_draft (unit, cd_wizard_get_draft (wizard), TRUE);
  g_assert_true (cd_test_wait (label_is, &(LabelWait) { win, "seal_preview_unit_seal", "Chosen earlier and stored" },
                               10000));
  g_assert_cmpstr (cd_seals_page_form_get_message (unit), ==, "");
  /* The stored object replaced by one sealed on another counter: the page says it cannot be read, no key id. */
  {
    g_autoptr(CdKeys) stranger = cd_keys_new_random (NULL);
    g_autoptr(GBytes) png = cd_scan_store_open (counter->ctx, sample->sha256, &error);

    g_assert_no_error (error);
    path = g_hash_table_lookup (cd_draft_get_app (cd_wizard_get_draft (wizard))->samples, "unit_seal");
    g_assert_true (cd_sealed_file_write (stranger, path, CD_SEALED_FILE_SCAN_AAD, g_bytes_get_data (png, NULL),
                                         g_bytes_get_size (png), &error));
    g_assert_no_error (error);
    cd_seals_page_form_set_draft (unit, cd_wizard_get_draft (wizard), TRUE);
    g_assert_true (cd_test_wait (form_says_unreadable, unit, 10000));
    g_test_message ("message: %s", cd_seals_page_form_get_message (unit));
    g_assert_null (strstr (cd_seals_page_form_get_message (unit), cd_keys_get_id (stranger)));
    g_assert_cmpstr (cd_test_label (win, "seal_preview_unit_seal"), ==, "");
  }
  gtk_widget_destroy (win);
}

/* A form of another kind than the slot takes: a signature form, or name seals, in the unit-seal
 * slot.  The clerk is warned and nothing is stored on its own; a form of the right kind is taken. */
static void
test_seals_wrong_kind (void)
{
  g_autoptr(CdTestCounter) counter = NULL;
  g_autofree char *p011 = imaging_test_seal_form ("p011.jpg");
  g_autofree char *p001 = imaging_test_seal_form ("p001.jpg");
  g_autofree char *p010 = imaging_test_seal_form ("p010.jpg");
  g_autoptr(CdDraft) draft = NULL;
  GtkWidget *page, *win;
  CdSealsPageForm *unit;
  const char *message;

  if (!p011 || !p001 || !p010)
    {
      g_test_skip ("the seal eval forms are not there");
      return;
    }
  counter = cd_test_counter_new ("wang");
  draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  page = g_object_new (CD_TYPE_SEALS_PAGE, "context", counter->ctx, NULL);
  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  win = cd_test_window (page);
  unit = find_form (win, "unit_seal");

  load_form (unit, p011);
  message = cd_seals_page_form_get_message (unit);
  g_test_message ("message: %s", message);
  g_assert_nonnull (strstr (message, "handwritten signatures"));
  g_assert_nonnull (strstr (message, "Unit seal"));
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "seal_message_unit_seal")));
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 0);
  g_assert_false (g_hash_table_contains (cd_draft_get_app (draft)->samples, "unit_seal"));
  g_assert_cmpint (imaging_test_count (counter->ctx, "SELECT count(*) FROM sample WHERE application_id = ?1",
                                       cd_draft_get_id (draft)), ==, 0);
  g_assert_false (cd_wizard_page_get_complete (CD_WIZARD_PAGE (page)));
  /* the verdicts still show, and the clerk may overrule the warning by hand */
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_1"), ==, "1: OK");
  g_assert_true (cd_test_sensitive (win, "seal_sample_unit_seal_1"));

  load_form (unit, p001);
  message = cd_seals_page_form_get_message (unit);
  g_test_message ("message: %s", message);
  g_assert_nonnull (strstr (message, "square or oval name seals"));
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 0);

  load_form (unit, p010);
  g_assert_cmpstr (cd_seals_page_form_get_message (unit), ==, "");
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "seal_message_unit_seal")));
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 1);
  g_assert_true (g_hash_table_contains (cd_draft_get_app (draft)->samples, "unit_seal"));
  gtk_widget_destroy (win);
}

/* A JPEG whose pixels are stored turned a quarter (as a phone stores a photo) with an EXIF
 * orientation tag saying so: an APP1 segment with one IFD entry, put right after the SOI marker. */
static char *
sideways_jpeg (const char *form, guint16 orientation, GdkPixbufRotation stored)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) upright = gdk_pixbuf_new_from_file (form, &error);
  g_autoptr(GdkPixbuf) turned = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *path = g_build_filename (work_dir, "photo.jpg", NULL);
  gsize len = 0;
  static const guint8 exif_head[] = {
    0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,      /* big-endian TIFF, IFD at 8 */
    0x00, 0x01,                                          /* one entry */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,      /* Orientation, SHORT, 1 value */
  };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 value[8] = { orientation >> 8, orientation & 0xff, 0, 0, 0, 0, 0, 0 };   /* + next IFD = 0 */

  g_assert_no_error (error);
  turned = gdk_pixbuf_rotate_simple (upright, stored);
  g_assert_true (gdk_pixbuf_save_to_buffer (turned, &jpeg, &len, "jpeg", &error, "quality", "92",
                                            "x-dpi", "200", "y-dpi", "200", NULL));
  g_assert_no_error (error);
  g_byte_array_append (out, (const guint8 *) jpeg, 2);                  /* SOI */
  g_byte_array_append (out, exif_head, sizeof exif_head);
  g_byte_array_append (out, value, sizeof value);
  g_byte_array_append (out, (const guint8 *) jpeg + 2, len - 2);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* A phone photo stored sideways with its EXIF orientation: turned upright before the extraction, so
 * the boxes and samples are those of the upright form, and the photo itself is what is kept. */
static void
test_seals_photo_orientation (void)
{
  g_autoptr(CdTestCounter) counter = NULL;
  g_autofree char *p010 = imaging_test_seal_form ("p010.jpg");
  g_autofree char *photo = NULL;
  g_autoptr(CdDraft) draft = NULL;
  g_autoptr(CdSample) sample = NULL;
  GtkWidget *page, *win;
  CdSealsPageForm *unit;

  if (!p010)
    {
      g_test_skip ("the seal eval forms are not there");
      return;
    }
  /* stored turned a quarter anticlockwise: orientation 6 (turn clockwise to show) */
  photo = sideways_jpeg (p010, 6, GDK_PIXBUF_ROTATE_COUNTERCLOCKWISE);
  counter = cd_test_counter_new ("wang");
  draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  page = g_object_new (CD_TYPE_SEALS_PAGE, "context", counter->ctx, NULL);
  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  win = cd_test_window (page);
  unit = find_form (win, "unit_seal");

  load_form (unit, photo);
  g_test_message ("message: %s", cd_seals_page_form_get_message (unit));
  g_assert_cmpstr (cd_seals_page_form_get_message (unit), ==, "");
  g_assert_cmpstr (cd_test_label (win, "seal_status_unit_seal"), ==, "photo.jpg: 3 sample boxes");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_1"), ==, "1: OK");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_2"), ==, "2: too faint");
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 1);
  g_assert_true (cd_sample_store_get (counter->ctx, cd_draft_get_id (draft), "unit_seal", &sample, NULL));
  g_assert_nonnull (sample);
  gtk_widget_destroy (win);
}

static void
test_seals_no_ok_sample (void)
{
  g_autoptr(CdTestCounter) counter = NULL;
  g_autofree char *p008 = imaging_test_seal_form ("p008.jpg");
  g_autoptr(CdDraft) draft = NULL;
  GtkWidget *page, *win;
  CdSealsPageForm *unit;
  g_autofree char *reason = NULL;

  if (!p008)
    {
      g_test_skip ("the seal eval forms are not there");
      return;
    }
  counter = cd_test_counter_new ("wang");
  draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  page = g_object_new (CD_TYPE_SEALS_PAGE, "context", counter->ctx, NULL);
  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  win = cd_test_window (page);
  unit = find_form (win, "unit_seal");
  load_form (unit, p008);
  g_test_message ("message: %s", cd_seals_page_form_get_message (unit));
  g_assert_nonnull (strstr (cd_seals_page_form_get_message (unit), "No sample on this form is acceptable"));
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 0);
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_1"), ==, "1: crosses the line");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_3"), ==, "3: too faint");
  g_assert_false (cd_wizard_page_get_complete (CD_WIZARD_PAGE (page)));
  reason = cd_wizard_page_dup_reason (CD_WIZARD_PAGE (page));
  g_test_message ("reason: %s", reason);
  g_assert_nonnull (strstr (reason, "Unit seal"));
  g_assert_false (g_hash_table_contains (cd_draft_get_app (draft)->samples, "unit_seal"));
  g_assert_cmpint (imaging_test_count (counter->ctx, "SELECT count(*) FROM sample WHERE application_id = ?1",
                                       cd_draft_get_id (draft)), ==, 0);
  gtk_widget_destroy (win);
}

/* A HEIC photo from a phone: read through Debian's libheif loader for gdk-pixbuf (heif-gdk-pixbuf)
 * when it is installed; the photo is made here with libheif's heif-enc.  Skipped without them. */
static void
test_seals_heic (void)
{
  g_autoptr(CdTestCounter) counter = NULL;
  g_autofree char *p010 = imaging_test_seal_form ("p010.jpg");
  g_autofree char *heif_enc = g_find_program_in_path ("heif-enc");
  g_autofree char *png = g_build_filename (work_dir, "form-for-heic.png", NULL);
  g_autofree char *heic = g_build_filename (work_dir, "photo.heic", NULL);
  g_autoptr(GdkPixbuf) form = NULL;
  g_autoptr(CdDraft) draft = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page, *win;
  CdSealsPageForm *unit;
  int status = -1;

  if (!p010)
    {
      g_test_skip ("the seal eval forms are not there");
      return;
    }
  if (!cd_seals_heif_supported () || !heif_enc)
    {
      g_test_skip ("no HEIC loader for gdk-pixbuf (heif-gdk-pixbuf) or no heif-enc (libheif-examples)");
      return;
    }
  form = gdk_pixbuf_new_from_file (p010, &error);
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_save (form, png, "png", &error, NULL));
  {
    const char *argv[] = { heif_enc, "-q", "90", "-o", heic, png, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  counter = cd_test_counter_new ("wang");
  draft = imaging_test_draft (counter->ctx, "nmg-zfcg-sxca");
  page = g_object_new (CD_TYPE_SEALS_PAGE, "context", counter->ctx, NULL);
  cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), draft);
  win = cd_test_window (page);
  unit = find_form (win, "unit_seal");

  load_form (unit, heic);
  g_test_message ("message: %s", cd_seals_page_form_get_message (unit));
  g_assert_cmpstr (cd_seals_page_form_get_message (unit), ==, "");
  g_assert_cmpstr (cd_test_label (win, "seal_status_unit_seal"), ==, "photo.heic: 3 sample boxes");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_1"), ==, "1: OK");
  g_assert_cmpstr (cd_test_label (win, "seal_verdict_unit_seal_2"), ==, "2: too faint");
  g_assert_cmpuint (cd_seals_page_form_get_chosen (unit), ==, 1);
  gtk_widget_destroy (win);
}

int
main (int argc, char **argv)
{
  g_autofree char *sane_dir = NULL;
  g_autofree char *dll = NULL;
  int rc;

  cd_test_init (&argc, &argv, FALSE);
  work_dir = g_dir_make_tmp ("cd-gui-imaging-XXXXXX", NULL);
  /* SANE reads its configuration at every sane_init: only the `test` backend. */
  sane_dir = g_build_filename (work_dir, "sane", NULL);
  g_mkdir_with_parents (sane_dir, 0700);
  dll = g_build_filename (sane_dir, "dll.conf", NULL);
  g_assert_true (g_file_set_contents (dll, "test\n", -1, NULL));
  g_setenv ("SANE_CONFIG_DIR", sane_dir, TRUE);

  g_test_add_func ("/gui-imaging/materials/attach-delete-undo", test_attach_delete_undo);
  g_test_add_func ("/gui-imaging/materials/reencode", test_reencode_after_confirmation);
  g_test_add_func ("/gui-imaging/materials/sane", test_sane_scan_into_material);
  g_test_add_func ("/gui-imaging/materials/unreadable-scan", test_unreadable_scan);
  g_test_add_func ("/gui-imaging/seals/best-sample", test_seals_best_sample);
  g_test_add_func ("/gui-imaging/seals/no-ok-sample", test_seals_no_ok_sample);
  g_test_add_func ("/gui-imaging/seals/wrong-kind", test_seals_wrong_kind);
  g_test_add_func ("/gui-imaging/seals/photo-orientation", test_seals_photo_orientation);
  g_test_add_func ("/gui-imaging/seals/heic", test_seals_heic);
  rc = g_test_run ();
  g_free (work_dir);
  return rc;
}
