/* test-gui-print.c: the print step, CdPrintOperation's PDF export, reprints and the print queue, driven
 * through the widgets under Xvfb, in Simplified Chinese (screenshots at 1366×768). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gtk/gtkunixprint.h>

#include <string.h>
#include <glib/gstdio.h>

#include "cd-application-store.h"
#include "cd-checklist.h"
#include "cd-main-window.h"
#include "cd-price-store.h"
#include "cd-print-documents.h"
#include "cd-print-operation.h"
#include "cd-print-page.h"
#include "cd-print-preview.h"
#include "cd-print-queue-page.h"
#include "cd-print-reason-dialog.h"
#include "cd-print-set.h"
#include "cd-print-store.h"
#include "cd-scan-strip.h"
#include "cd-test-util.h"
#include "cd-wizard-page.h"
#include "cd-wizard.h"

#define UNIT_NAME "内蒙古草原建设工程有限公司"

static gint64
count (CdContext *ctx, const char *sql, gint64 id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (ctx), sql, &stmt, &error));
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static CdApplicationInfo *
info_of (CdContext *ctx, gint64 id)
{
  CdApplicationInfo *info = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_application_store_load (ctx, id, NULL, &info, &error));
  return info;
}

static gint64
paid_application (CdContext *ctx, const char *unit_name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                            "app-nmg-new.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_load_file (path, &error);
  gint64 id = 0;

  g_assert_no_error (error);
  if (unit_name)
    {
      g_free (app->unit->name);
      app->unit->name = g_strdup (unit_name);
    }
  g_assert_true (cd_application_store_create (ctx, app, TRUE, &id, &error));
  g_assert_true (cd_application_store_check (ctx, id, &error));
  g_assert_true (cd_application_store_pay (ctx, id, CD_PAYMENT_WECHAT, 30000, 30000, FALSE, &error));
  g_assert_no_error (error);
  return id;
}

static char *
pdf_text (const char *path)
{
  g_autofree char *prog = g_find_program_in_path ("pdftotext");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!prog)
    return NULL;
  g_assert_true (g_spawn_sync (NULL, (char *[]) { prog, "-layout", (char *) path, "-", NULL }, NULL,
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static int
pdf_pages (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdPopplerDocument) doc = poppler_document_new_from_file (uri, NULL, &error);

  g_assert_no_error (error);
  return poppler_document_get_n_pages (doc);
}

static void
on_rendered_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
print_page_ready (gpointer page)
{
  return cd_print_page_is_ready (page);
}

/* Every row's text of @view's column @view_column (model column @model_column) is shown whole: laid out with the
 * view's font as its renderer lays it out (wrapped at its wrap width, if any), it fits the cell's area. */
static void
assert_column_whole (GtkWidget *view, int view_column, int model_column)
{
  GtkTreeModel *m = gtk_tree_view_get_model (GTK_TREE_VIEW (view));
  GtkTreeViewColumn *column = gtk_tree_view_get_column (GTK_TREE_VIEW (view), view_column);
  g_autoptr(GList) cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (column));
  GtkTreeIter it;

  g_assert_true (gtk_tree_model_get_iter_first (m, &it));
  do
    {
      g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (m, &it);
      g_autoptr(PangoLayout) layout = NULL;
      g_autofree char *text = NULL;
      int wrap_width, xpad, ypad, w, h;
      GdkRectangle area;

      gtk_tree_model_get (m, &it, model_column, &text, -1);
      g_assert_nonnull (text);
      g_object_get (cells->data, "wrap-width", &wrap_width, "xpad", &xpad, "ypad", &ypad, NULL);
      layout = gtk_widget_create_pango_layout (view, text);
      if (wrap_width > 0)
        {
          pango_layout_set_width (layout, wrap_width * PANGO_SCALE);
          pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
        }
      pango_layout_get_pixel_size (layout, &w, &h);
      gtk_tree_view_get_cell_area (GTK_TREE_VIEW (view), path, column, &area);
      if (w + 2 * xpad > area.width || h + 2 * ypad > area.height)
        g_error ("“%s” (%d×%d px) is cut off in its cell of %d×%d px", text, w, h, area.width, area.height);
    }
  while (gtk_tree_model_iter_next (m, &it));
}

static gboolean
queue_ready (gpointer page)
{
  return cd_print_queue_page_is_ready (page);
}

static CdPrintReasonDialog *
find_reason_dialog (void)
{
  return (CdPrintReasonDialog *) cd_test_find_toplevel (CD_TYPE_PRINT_REASON_DIALOG, NULL);
}

static gboolean
reason_dialog_shown (gpointer data)
{
  return find_reason_dialog () != NULL;
}

static char *
temp_pdf (const char *name)
{
  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

/* CdPrintOperation with GTK_PRINT_OPERATION_ACTION_EXPORT: the exported PDF holds the filled values. */
static void
test_export_pdf (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CdPopplerDocument) doc = NULL;
  g_autoptr(CdPrintOperation) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autofree char *out = temp_pdf ("certdesk-print-export.pdf");
  g_autofree char *text = NULL;
  g_auto(GStrv) documents = NULL;
  CdPrintSetup setup = { CD_FORMS_COPY_PLAIN, 0, 0 };
  gint64 id = paid_application (counter->ctx, NULL);
  GtkPrintOperationResult res;

  info = info_of (counter->ctx, id);
  cd_print_documents_render_async (counter->ctx, id, &setup, NULL, on_rendered_cb, &result);
  g_assert_true (cd_test_wait (is_set, &result, 20000));
  doc = cd_print_documents_render_finish (result, NULL, &documents, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);
  g_assert_cmpuint (g_strv_length (documents), >=, 2);
  g_assert_cmpstr (documents[0], ==, "application");

  g_unlink (out);
  op = cd_print_operation_new (doc, "test");
  gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (op), out);
  res = gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (pdf_pages (out), ==, poppler_document_get_n_pages (doc));

  if (!(text = pdf_text (out)))
    {
      g_test_skip ("pdftotext is not installed");
      return;
    }
  for (const char *const *v = (const char *const[]) { UNIT_NAME, info->number, "91150100MA0N4X2B2D", "李晓红",
                                                     "王建国", "第一联", "第三联", "呼和浩特受理点", "王受理", NULL }; *v; v++)
    if (!strstr (text, *v))
      g_error ("the exported PDF lacks “%s”", *v);
  g_unlink (out);
}

static void
test_print_page_prints_and_reprints (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autofree char *out = temp_pdf ("certdesk-print-page.pdf");
  g_autofree char *text = NULL;
  CdProfile *profile = cd_context_lookup_profile (counter->ctx, "nmg-zfcg-sxca", NULL);
  guint n_docs = g_strv_length (profile->documents);
  gint64 id = paid_application (counter->ctx, NULL);
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  GtkWidget *page = cd_wizard_get_page (wizard, "print");
  CdPrintReasonDialog *dialog;

  g_assert_true (CD_IS_PRINT_PAGE (page));
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_no_error (error);
  /* The fixture has no seal samples (the seals step belongs to the imaging module): show the print step
   * directly, as the wizard does when it enters it. */
  g_assert_true (GTK_IS_STACK (gtk_widget_get_parent (page)));
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (page)), page);
  cd_wizard_page_enter (CD_WIZARD_PAGE (page));
  g_assert_true (cd_test_wait (print_page_ready, page, 20000));
  g_assert_false (cd_wizard_page_get_complete (CD_WIZARD_PAGE (page)));
  cd_test_iterate ();
  cd_test_wait_ms (300);
  cd_test_screenshot (win, "print-page");

  /* Carbonless paper: one pass with the calibration offset from GSettings, remembered for this workstation. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
    GtkWidget *combo = cd_test_find (win, "copy_mode_combo");
    int plain_pages = poppler_document_get_n_pages (cd_print_preview_get_document (
                        CD_PRINT_PREVIEW (cd_test_find (win, "print_preview"))));
    g_autofree char *mode = NULL;

    g_settings_set_double (settings, "carbonless-offset-x", 1.5);
    g_assert_false (gtk_widget_get_visible (cd_test_find (win, "offset_label")));
    g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), "carbonless"));
    g_assert_true (cd_test_wait (print_page_ready, page, 20000));
    mode = g_settings_get_string (settings, "print-copy-mode");
    g_assert_cmpstr (mode, ==, "carbonless");
    g_assert_true (gtk_widget_get_visible (cd_test_find (win, "offset_label")));
    g_assert_nonnull (strstr (cd_test_label (win, "offset_label"), "+1.5"));
    /* the three copies of the application form become one pass */
    g_assert_cmpint (poppler_document_get_n_pages (cd_print_preview_get_document (
                       CD_PRINT_PREVIEW (cd_test_find (win, "print_preview")))), ==, plain_pages - 2);
    cd_test_screenshot (win, "print-page-carbonless");
    g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), "plain"));
    g_assert_true (cd_test_wait (print_page_ready, page, 20000));
  }

  /* the clerk can zoom the preview */
  cd_test_click (win, "zoom_in");
  cd_test_click (win, "zoom_fit");

  g_unlink (out);
  cd_print_page_set_export_filename (CD_PRINT_PAGE (page), out);
  g_assert_true (cd_test_sensitive (win, "print_button"));
  cd_test_click (win, "print_button");
  cd_test_iterate ();
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  info = info_of (counter->ctx, id);
  g_assert_cmpint (info->state, ==, CD_STATE_PRINTED);
  g_assert_cmpint (count (counter->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1"
                                        " AND reprint_reason IS NULL AND clerk_id IS NOT NULL", id), ==, n_docs);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "print", id), ==, 1);
  g_assert_cmpint (count (counter->ctx, "SELECT count(*) FROM audit_log WHERE action = 'application.state'"
                                        " AND entity_id = ?1 AND detail LIKE '%\"to\":\"printed\"%'", id), ==, 1);
  g_assert_true (cd_wizard_page_get_complete (CD_WIZARD_PAGE (page)));
  if ((text = pdf_text (out)))
    {
      g_assert_nonnull (strstr (text, UNIT_NAME));
      g_assert_null (strstr (text, "补打"));
    }
  /* the documents are made again after a print: the picture is of them, not of the blank page meanwhile */
  g_assert_true (cd_test_wait (print_page_ready, page, 20000));
  cd_test_iterate ();
  cd_test_wait_ms (300);
  cd_test_screenshot (win, "print-page-printed");

  /* A reprint asks for a reason: cancelled, nothing is recorded; the core refuses one without a reason. The
   * documents are made again after a print: the reprinted receipt is marked 补打. */
  g_assert_true (cd_test_wait (print_page_ready, page, 20000));
  cd_test_click (win, "print_button");
  g_assert_true (cd_test_wait (reason_dialog_shown, NULL, 5000));
  dialog = find_reason_dialog ();
  g_assert_false (cd_test_sensitive (GTK_WIDGET (dialog), "reprint_ok"));
  cd_test_screenshot (GTK_WIDGET (dialog), "print-reprint-reason");
  cd_test_click (GTK_WIDGET (dialog), "reprint_cancel");
  cd_test_iterate ();
  g_assert_null (find_reason_dialog ());
  g_assert_cmpint (count (counter->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1", id), ==, n_docs);
  g_assert_false (cd_print_store_record (counter->ctx, id, NULL, 1, "Office", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "reprint", id), ==, 0);

  /* with a reason the reprint is printed, recorded and audited */
  cd_test_click (win, "print_button");
  g_assert_true (cd_test_wait (reason_dialog_shown, NULL, 5000));
  dialog = find_reason_dialog ();
  cd_test_set_text (GTK_WIDGET (dialog), "reprint_reason_entry", "卡纸，重新打印");
  g_assert_true (cd_test_sensitive (GTK_WIDGET (dialog), "reprint_ok"));
  g_unlink (out);
  cd_test_click (GTK_WIDGET (dialog), "reprint_ok");
  cd_test_iterate ();
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (count (counter->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1"
                                        " AND reprint_reason = '卡纸，重新打印'", id), ==, n_docs);
  {
    g_autofree char *again = pdf_text (out);
    if (again)
      g_assert_nonnull (strstr (again, "补打"));
  }
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "reprint", id), ==, 1);
  g_unlink (out);
  gtk_widget_destroy (win);
}

static void
test_queue (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) printer = NULL;
  g_autofree char *out = temp_pdf ("certdesk-print-queue.pdf");
  gint64 first = paid_application (counter->ctx, NULL);
  gint64 second = paid_application (counter->ctx, "呼和浩特市某某科技发展有限责任公司");
  gint64 done = paid_application (counter->ctx, "包头市某某商贸有限公司");
  CdMainWindow *main;
  GtkWidget *win, *queue_page, *view;
  GtkTreeModel *model;

  g_assert_true (cd_print_store_record (counter->ctx, done, NULL, 1, "Office", NULL, &error));
  g_assert_true (cd_clerk_store_add (counter->ctx, "liu", "刘打印", CD_ROLE_PRINTER, CD_TEST_PASSWORD, NULL, &error));
  g_assert_true (cd_clerk_store_logout (counter->ctx, &error));
  g_assert_true (cd_clerk_store_login (counter->ctx, "liu", CD_TEST_PASSWORD, &printer, &error));
  g_assert_no_error (error);

  main = cd_main_window_new (NULL, counter->ctx, printer);
  win = cd_test_window (GTK_WIDGET (main));
  g_assert_cmpstr (cd_main_window_get_section (main), ==, "print");
  queue_page = cd_test_find (win, "queue_view");
  while (queue_page && !CD_IS_PRINT_QUEUE_PAGE (queue_page))
    queue_page = gtk_widget_get_parent (queue_page);
  g_assert_nonnull (queue_page);
  view = cd_test_find (win, "queue_view");
  model = gtk_tree_view_get_model (GTK_TREE_VIEW (view));
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, 3);
  g_assert_nonnull (strstr (cd_test_label (win, "queue_count"), "2"));

  g_assert_true (cd_print_queue_page_select (CD_PRINT_QUEUE_PAGE (queue_page), second));
  g_assert_true (cd_test_wait (queue_ready, queue_page, 20000));
  cd_test_iterate ();
  cd_test_wait_ms (300);
  g_assert_true (cd_test_sensitive (win, "queue_print"));
  g_assert_false (cd_test_sensitive (win, "queue_reprint"));
  cd_test_screenshot (win, "print-queue");
  /* the applicants' names read whole at 1366×768 (they ended in … beside the preview) */
  assert_column_whole (view, 1, 2);

  cd_print_queue_page_set_export_filename (CD_PRINT_QUEUE_PAGE (queue_page), out);
  cd_test_click (win, "queue_print");
  cd_test_iterate ();
  {
    g_autoptr(CdApplicationInfo) info = info_of (counter->ctx, second);
    g_assert_cmpint (info->state, ==, CD_STATE_PRINTED);
  }
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "print", second), ==, 1);
  /* still listed, now for a reprint */
  g_assert_cmpint (gtk_tree_model_iter_n_children (model, NULL), ==, 3);
  /* rendered again for a reprint (its receipt marked 补打) */
  g_assert_true (cd_test_wait (queue_ready, queue_page, 20000));
  g_assert_false (cd_test_sensitive (win, "queue_print"));
  g_assert_true (cd_test_sensitive (win, "queue_reprint"));
  {
    CdPrintReasonDialog *dialog;

    cd_test_click (win, "queue_reprint");
    g_assert_true (cd_test_wait (reason_dialog_shown, NULL, 5000));
    dialog = find_reason_dialog ();
    cd_test_set_text (GTK_WIDGET (dialog), "reprint_reason_entry", "用户遗失");
    cd_test_click (GTK_WIDGET (dialog), "reprint_ok");
    cd_test_iterate ();
  }
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "reprint", second), ==, 1);
  g_assert_cmpint (count (counter->ctx, "SELECT count(*) FROM application WHERE id = ?1 AND state = 'paid'", first), ==, 1);
  g_unlink (out);
  gtk_widget_destroy (win);
}

/* ---- the print dialog, as the clerk uses it ---- */

static gboolean
find_file_printer_cb (GtkPrinter *printer, gpointer data)
{
  /* the file backend's "Print to File": virtual, and it takes PDF */
  if (gtk_printer_is_virtual (printer) && gtk_printer_accepts_pdf (printer) && *(char **) data == NULL)
    *(char **) data = g_strdup (gtk_printer_get_name (printer));
  return FALSE;
}

typedef struct {
  char    *printer;
  char    *uri;
  gboolean settings_given;
  gboolean answered;
} DialogAnswer;

static GtkPrintUnixDialog *
find_print_dialog (void)
{
  return (GtkPrintUnixDialog *) cd_test_find_toplevel (GTK_TYPE_PRINT_UNIX_DIALOG, NULL);
}

/* Runs inside the print operation's own loop: picks "Print to File" with two copies, then Print. */
static gboolean
answer_print_dialog_cb (gpointer data)
{
  DialogAnswer *a = data;
  GtkPrintUnixDialog *dialog = find_print_dialog ();
  GtkPrinter *selected;

  if (!dialog)
    return G_SOURCE_CONTINUE;
  if (!a->settings_given)
    {
      g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();

      gtk_print_settings_set_printer (settings, a->printer);
      gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_URI, a->uri);
      gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_FILE_FORMAT, "pdf");
      gtk_print_settings_set_n_copies (settings, 2);
      gtk_print_unix_dialog_set_settings (dialog, settings);
      a->settings_given = TRUE;
      return G_SOURCE_CONTINUE;
    }
  selected = gtk_print_unix_dialog_get_selected_printer (dialog);
  if (!selected || g_strcmp0 (gtk_printer_get_name (selected), a->printer) != 0)
    return G_SOURCE_CONTINUE;   /* the printers are still being listed */
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  a->answered = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
file_written (gpointer path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && st.st_size > 1000;
}

/* The interactive path: the print button opens GTK's print dialog; the clerk picks a printer and copies;
 * what was printed is recorded with that printer and those copies. */
static void
test_print_dialog (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autofree char *out = temp_pdf ("certdesk-print-dialog.pdf");
  g_autofree char *text = NULL;
  DialogAnswer answer = { NULL, NULL, FALSE, FALSE };
  CdProfile *profile = cd_context_lookup_profile (counter->ctx, "nmg-zfcg-sxca", NULL);
  guint n_docs = g_strv_length (profile->documents);
  gint64 id = paid_application (counter->ctx, NULL);
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  GtkWidget *page = cd_wizard_get_page (wizard, "print");
  guint source;

  /* Only the file backend: CUPS would look for a system bus and printers this machine does not have. */
  g_object_set (gtk_settings_get_default (), "gtk-print-backends", "file", NULL);
  gtk_enumerate_printers (find_file_printer_cb, &answer.printer, NULL, TRUE);
  if (!answer.printer)
    {
      g_test_skip ("GTK's file print backend is not installed");
      gtk_widget_destroy (win);
      return;
    }
  answer.uri = g_filename_to_uri (out, NULL, NULL);
  g_unlink (out);
  g_assert_true (cd_wizard_open (wizard, id, &error));
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (page)), page);
  cd_wizard_page_enter (CD_WIZARD_PAGE (page));
  g_assert_true (cd_test_wait (print_page_ready, page, 20000));

  source = g_timeout_add (50, answer_print_dialog_cb, &answer);
  cd_test_click (win, "print_button");   /* returns when the dialog is answered and the job sent */
  g_assert_true (answer.answered);
  g_assert_true (cd_test_wait (file_written, out, 20000));
  if (!answer.answered)
    g_source_remove (source);

  info = info_of (counter->ctx, id);
  g_assert_cmpint (info->state, ==, CD_STATE_PRINTED);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM print_record WHERE application_id = ?1"
                                            " AND copies = 2 AND printer = '%s'", answer.printer);
    g_assert_cmpint (count (counter->ctx, sql, id), ==, n_docs);
  }
  if ((text = pdf_text (out)))
    g_assert_nonnull (strstr (text, UNIT_NAME));
  g_unlink (out);
  g_free (answer.printer);
  g_free (answer.uri);
  gtk_widget_destroy (win);
}

/* ---- local prices: the one effective price on the receipt (issue 13) ---- */

/* Every material of the checklist handed in, as the materials step records it (signed documents excepted:
 * they are scanned after printing). */
static void
hand_in_materials (CdContext *ctx, CdApplication *app)
{
  CdProfile *profile = cd_context_lookup_profile (ctx, app->profile, NULL);
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, NULL);

  for (guint i = 0; i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      CdMaterialMark *mark = cd_application_get_material (app, m->code, TRUE);

      mark->original_seen = m->original;
      mark->copy = m->copy;
      mark->stamped = m->stamped;
      if (m->scan && !cd_print_set_is_signed_material (profile, m))
        g_ptr_array_add (mark->scans, g_strdup_printf ("%s.jpg", m->code));
    }
}

static gint64
paid_from_json (CdContext *ctx, const char *json, gint64 *out_fee)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_from_data (json, -1, &error);
  g_autoptr(CdFeeQuote) quote = NULL;
  CdFeeRequest fr;
  CdProfile *profile;
  gint64 id = 0;

  g_assert_no_error (error);
  profile = cd_context_lookup_profile (ctx, app->profile, &error);
  g_assert_no_error (error);
  hand_in_materials (ctx, app);
  /* the certificate a replacement names, as the burn recorded it (the pre-flight at payment looks it up) */
  if (app->existing_serial)
    g_assert_true (cd_store_exec (cd_context_get_store (ctx),
                                  "INSERT OR IGNORE INTO certificate (serial, issuer, subject, not_before, not_after,"
                                  " state, pem, day, at) VALUES ('5A1B2C3D4E5F', 'local', 'CN=x', '2020-01-01T00:00:00Z',"
                                  " '2099-01-01T00:00:00Z', 'issued', 'pem', '2020-01-01', 'x')", NULL));
  fr = cd_application_fee_request (app);
  /* the fee step's quote: local prices included */
  quote = cd_price_store_quote (ctx, profile, app->business, app->applicant_type, &fr, &error);
  g_assert_no_error (error);
  cd_application_store_create (ctx, app, TRUE, &id, &error);
  g_assert_no_error (error);
  cd_application_store_check (ctx, id, &error);
  g_assert_no_error (error);
  cd_application_store_pay (ctx, id, cd_profile_accepts_payment (profile, CD_PAYMENT_CASH) ? CD_PAYMENT_CASH
                                                                                          : CD_PAYMENT_WECHAT,
                            quote->total_fen, quote->total_fen, FALSE, &error);
  g_assert_no_error (error);
  *out_fee = quote->total_fen;
  return id;
}

static const char ggzy_new[] =
  "{\"profile\": \"xj-ggzy\", \"business\": \"new\", \"applicant_type\": \"enterprise\","
  " \"years\": 2,"
  " \"unit\": {\"name\": \"新疆天山交易服务有限公司\", \"uscc\": \"914403001922038216\"},"
  " \"legal_person\": {\"name\": \"阿依古丽\"},"
  " \"agent\": {\"name\": \"马强\", \"id_number\": \"150102199003071237\", \"mobile\": \"13999990000\"}}";

static const char sxca_replace[] =
  "{\"profile\": \"nmg-zfcg-sxca\", \"business\": \"replace\", \"applicant_type\": \"enterprise\","
  " \"party_role\": \"bidder\", \"keys\": {\"main\": 1, \"secondary\": 0},"
  " \"unit\": {\"name\": \"内蒙古草原建设工程有限公司\", \"uscc\": \"91150100MA0N4X2B2D\"},"
  " \"legal_person\": {\"name\": \"王建国\", \"id_type\": \"resident_id\", \"id_number\": \"150102199003071237\","
  "   \"mobile\": \"13904710001\"},"
  " \"agent\": {\"name\": \"李晓红\", \"id_type\": \"resident_id\", \"id_number\": \"11010519491231002X\","
  "   \"mobile\": \"13804710002\"},"
  " \"samples\": {\"unit_seal\": \"a.png\", \"legal_signature\": \"b.png\", \"legal_seal\": \"c.png\"},"
  " \"existing_certificate\": {\"serial\": \"5A1B2C3D4E5F\"}}";

/* The certificate the replacement refers to: issued last June to the same unit, as the burn records one. */
static void
add_existing_certificate (CdContext *ctx, const char *serial)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                            "app-nmg-new.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) owner = cd_application_load_file (path, &error);
  g_autofree char *sql = NULL;
  gint64 owner_id = 0;

  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (ctx, owner, FALSE, &owner_id, &error));
  sql = g_strdup_printf ("INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after,"
                         " state, pem, day, at) VALUES ('%s', %" G_GINT64_FORMAT ", 'local', 'CN=x',"
                         " '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z', 'issued', 'pem', '2026-06-01',"
                         " '2026-06-01T00:00:00Z')", serial, owner_id);
  g_assert_true (cd_store_exec (cd_context_get_store (ctx), sql, &error));
  g_assert_no_error (error);
}

/* Prints @id from the wizard's print step to @out; the window (to destroy) and its print page. */
static GtkWidget *
print_from_wizard (CdContext *ctx, gint64 id, const char *out, const char *screenshot, GtkWidget **out_page)
{
  g_autoptr(GError) error = NULL;
  CdWizard *wizard = cd_wizard_new (ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  GtkWidget *page = cd_wizard_get_page (wizard, "print");
  CdPrintPreview *preview;

  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_no_error (error);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (page)), page);
  cd_wizard_page_enter (CD_WIZARD_PAGE (page));
  g_assert_true (cd_test_wait (print_page_ready, page, 20000));
  /* the documents were made: no error in the status line, and never an internal code on it */
  g_assert_cmpstr (cd_test_label (win, "print_status"), ==, "");
  preview = CD_PRINT_PREVIEW (cd_test_find (win, "print_preview"));
  g_assert_nonnull (cd_print_preview_get_document (preview));
  cd_test_iterate ();
  cd_test_wait_ms (300);
  cd_test_screenshot (win, screenshot);
  g_unlink (out);
  cd_print_page_set_export_filename (CD_PRINT_PAGE (page), out);
  cd_test_click (win, "print_button");
  cd_test_iterate ();
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  *out_page = page;
  return win;
}

static gboolean
strip_settled (gpointer strip)
{
  return !cd_scan_strip_is_busy (strip) && cd_scan_strip_get_n_scans (strip) > 0;
}

static void
test_local_prices (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = temp_pdf ("certdesk-print-local-prices.pdf");
  CdPriceOverride ggzy_cert = { "new", "standard", "cert", 0, 18000 };
  CdPriceOverride sxca_repl = { "replace", "standard", "replace", 0, 5000 };
  gint64 fee = 0, id;

  /* xj-ggzy ships no prices at all, 陕西CA none for 补办: the supervisor sets them (Settings → Prices). */
  g_assert_true (cd_price_store_set (counter->ctx, "xj-ggzy", &ggzy_cert, &error));
  g_assert_true (cd_price_store_set (counter->ctx, "nmg-zfcg-sxca", &sxca_repl, &error));
  g_assert_no_error (error);
  add_existing_certificate (counter->ctx, "5A1B2C3D4E5F");

  struct {
    const char *json;
    const char *screenshot;
    gint64      fee;
    const char *item;
    const char *amount;
    const char *const *docs;
    const char *signed_form;
  } cases[] = {
    { ggzy_new, "print-local-price-ggzy", 36000, "数字证书服务费", "360.00",
      (const char *const[]) { "application", "responsibility", "agreement", "power-of-attorney", "receipt", NULL },
      NULL },
    /* every seal sample already captured: no blank collection forms */
    { sxca_replace, "print-local-price-sxca-replace", 5000, "补办费", "50.00",
      (const char *const[]) { "application", "agreement", "power-of-attorney", "receipt", "pin-slip", NULL },
      "机构数字证书申请表" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(CdApplicationInfo) info = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GString) printed = g_string_new (NULL);
      g_autofree char *expected = g_strjoinv (",", (char **) cases[c].docs);

      id = paid_from_json (counter->ctx, cases[c].json, &fee);
      g_assert_cmpint (fee, ==, cases[c].fee);
      GtkWidget *page = NULL;
      GtkWidget *win = print_from_wizard (counter->ctx, id, out, cases[c].screenshot, &page);

      info = info_of (counter->ctx, id);
      g_assert_cmpint (info->state, ==, CD_STATE_PRINTED);
      records = cd_print_store_list (counter->ctx, id, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < records->len; i++)
        g_string_append_printf (printed, "%s%s", i ? "," : "", ((CdPrintRecord *) records->pdata[i])->document);
      g_assert_cmpstr (printed->str, ==, expected);
      if ((text = pdf_text (out)))
        {
          g_assert_nonnull (strstr (text, cases[c].item));
          g_assert_nonnull (strstr (text, cases[c].amount));
          g_assert_null (strstr (text, "补打"));
        }
      g_unlink (out);

      /* The signed application form is scanned here, after printing, and the burn needs it (陕西CA); a
       * profile whose checklist has no signed form continues at once (xj-ggzy). */
      if (cases[c].signed_form)
        {
          g_autofree char *scan = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "forms", "approved",
                                                    "nmg-application-1.png", NULL);
          g_autofree char *uri = g_filename_to_uri (scan, NULL, NULL);
          GtkWidget *strip = cd_test_find (page, "scans_application_form");
          g_autofree char *reason = cd_wizard_page_dup_reason (CD_WIZARD_PAGE (page));

          g_assert_false (cd_wizard_page_get_complete (CD_WIZARD_PAGE (page)));
          g_assert_nonnull (strstr (reason, cases[c].signed_form));
          g_assert_false (cd_print_store_signed_scanned (counter->ctx, id, &error));
          g_assert_nonnull (strstr (error->message, cases[c].signed_form));
          g_clear_error (&error);
          g_assert_nonnull (strip);
          g_assert_true (gtk_widget_is_drawable (strip));
          g_assert_true (cd_test_wait (print_page_ready, page, 20000));
          cd_test_iterate ();
          cd_test_wait_ms (300);
          cd_test_screenshot (win, "print-signed-scan");
          cd_scan_strip_add_uris (CD_SCAN_STRIP (strip), (const char *const[]) { uri, NULL });
          g_assert_true (cd_test_wait (strip_settled, strip, 20000));
          cd_test_iterate ();
        }
      g_assert_true (cd_print_store_signed_scanned (counter->ctx, id, &error));
      g_assert_no_error (error);
      g_assert_true (cd_wizard_page_get_complete (CD_WIZARD_PAGE (page)));
      gtk_widget_destroy (win);
    }
}

/* The printer's queue renders with the same effective price: xj-ggzy at the supervisor's price, printed and
 * reprinted from the queue, the reprinted receipt marked 补打. */
static void
test_queue_local_price (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) printer = NULL;
  g_autofree char *out = temp_pdf ("certdesk-print-queue-local.pdf");
  g_autofree char *text = NULL;
  CdPriceOverride ggzy_cert = { "new", "standard", "cert", 0, 18000 };
  CdMainWindow *main;
  GtkWidget *win, *queue_page;
  gint64 fee = 0, id;

  g_assert_true (cd_price_store_set (counter->ctx, "xj-ggzy", &ggzy_cert, &error));
  g_assert_no_error (error);
  id = paid_from_json (counter->ctx, ggzy_new, &fee);
  g_assert_true (cd_clerk_store_add (counter->ctx, "liu", "刘打印", CD_ROLE_PRINTER, CD_TEST_PASSWORD, NULL, &error));
  g_assert_true (cd_clerk_store_logout (counter->ctx, &error));
  g_assert_true (cd_clerk_store_login (counter->ctx, "liu", CD_TEST_PASSWORD, &printer, &error));
  g_assert_no_error (error);

  main = cd_main_window_new (NULL, counter->ctx, printer);
  win = cd_test_window (GTK_WIDGET (main));
  queue_page = cd_test_find (win, "queue_view");
  while (queue_page && !CD_IS_PRINT_QUEUE_PAGE (queue_page))
    queue_page = gtk_widget_get_parent (queue_page);
  g_assert_true (cd_print_queue_page_select (CD_PRINT_QUEUE_PAGE (queue_page), id));
  g_assert_true (cd_test_wait (queue_ready, queue_page, 20000));
  g_assert_cmpstr (cd_test_label (win, "queue_status"), ==, "");
  g_assert_true (cd_test_sensitive (win, "queue_print"));
  cd_test_iterate ();
  cd_test_wait_ms (300);
  cd_test_screenshot (win, "print-queue-local-price");

  g_unlink (out);
  cd_print_queue_page_set_export_filename (CD_PRINT_QUEUE_PAGE (queue_page), out);
  cd_test_click (win, "queue_print");
  cd_test_iterate ();
  {
    g_autoptr(CdApplicationInfo) info = info_of (counter->ctx, id);
    g_assert_cmpint (info->state, ==, CD_STATE_PRINTED);
  }
  if ((text = pdf_text (out)))
    {
      g_assert_nonnull (strstr (text, "数字证书服务费"));
      g_assert_nonnull (strstr (text, "360.00"));
      g_assert_null (strstr (text, "补打"));
      g_clear_pointer (&text, g_free);
    }
  g_assert_true (cd_test_wait (queue_ready, queue_page, 20000));
  g_unlink (out);
  {
    CdPrintReasonDialog *dialog;

    cd_test_click (win, "queue_reprint");
    g_assert_true (cd_test_wait (reason_dialog_shown, NULL, 5000));
    dialog = find_reason_dialog ();
    cd_test_set_text (GTK_WIDGET (dialog), "reprint_reason_entry", "收费凭证遗失");
    cd_test_click (GTK_WIDGET (dialog), "reprint_ok");
    cd_test_iterate ();
  }
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
  if ((text = pdf_text (out)))
    g_assert_nonnull (strstr (text, "补打"));
  g_unlink (out);
  gtk_widget_destroy (win);
}

int
main (int argc, char **argv)
{
  cd_test_init (&argc, &argv, TRUE);
  g_test_add_func ("/gui-print/export-pdf", test_export_pdf);
  g_test_add_func ("/gui-print/print-page", test_print_page_prints_and_reprints);
  g_test_add_func ("/gui-print/queue", test_queue);
  g_test_add_func ("/gui-print/print-dialog", test_print_dialog);
  g_test_add_func ("/gui-print/local-prices", test_local_prices);
  g_test_add_func ("/gui-print/queue-local-price", test_queue_local_price);
  return g_test_run ();
}
