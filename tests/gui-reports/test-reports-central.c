/* test-reports-central.c: the head office's reports page under Xvfb against a real PostgreSQL 15
 * (tests/central/cd-test-pg.c): two counters with a day of work each join and sync; the page in the head
 * office's mode (certdesk --head-office URL) reads the central database off the main thread, its figures in
 * total are the two counters' own reports summed, the outlet combo (全部受理点 and each outlet) shows one
 * outlet's from the report already read, the central database out of reach is a sentence; a screenshot in
 * Chinese at 1366×768. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-central.h"
#include "cd-reports-page.h"
#include "cd-store-crypt.h"
#include "cd-test-pg.h"
#include "cd-test-util.h"
#include "central-counters.h"

static CdTestPg *server;

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_loaded_cb (CdReportsPage *page, gboolean *flag)
{
  *flag = TRUE;
}

/* The value shown beside @item in the figures list, or NULL. */
static char *
figure_value (GtkWidget *root, const char *item)
{
  GtkTreeModel *m = gtk_tree_view_get_model (GTK_TREE_VIEW (cd_test_find (root, "report_figures")));
  GtkTreeIter it;

  if (!gtk_tree_model_get_iter_first (m, &it))
    return NULL;
  do
    {
      g_autofree char *name = NULL;
      char *value = NULL;

      gtk_tree_model_get (m, &it, 1, &name, 2, &value, -1);
      if (g_strcmp0 (name, item) == 0)
        return value;
      g_free (value);
    }
  while (gtk_tree_model_iter_next (m, &it));
  return NULL;
}

/* Every line of the Figure column fits its column: measured with the view's own font, the cell's padding on
 * both sides, against the width the column was given. */
static void
assert_figures_whole (GtkWidget *view)
{
  GtkTreeModel *m = gtk_tree_view_get_model (GTK_TREE_VIEW (view));
  GtkTreeViewColumn *column = gtk_tree_view_get_column (GTK_TREE_VIEW (view), 1);
  int column_width = gtk_tree_view_column_get_width (column);
  GtkTreeIter it;
  guint voids = 0;

  g_assert_true (gtk_tree_model_get_iter_first (m, &it));
  do
    {
      g_autofree char *name = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      int w = 0;

      gtk_tree_model_get (m, &it, 1, &name, -1);
      if (!name)
        continue;
      layout = gtk_widget_create_pango_layout (view, name);
      pango_layout_get_pixel_size (layout, &w, NULL);
      if (strstr (name, "HHHT01-"))
        voids++;
      if (w + 4 > column_width)
        g_error ("the figure “%s” (%d px) is cut off in its column of %d px", name, w, column_width);
    }
  while (gtk_tree_model_iter_next (m, &it));
  g_assert_cmpuint (voids, >, 0);
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_has (gpointer data)
{
  LabelWait *w = data;
  const char *label = cd_test_label (w->root, "report_error");

  return gtk_widget_get_visible (cd_test_find (w->root, "report_error")) && label && strstr (label, w->text);
}

static void
test_head_office (void)
{
  RfCounter a = { 0 }, b = { 0 }, hq = { 0 };
  g_autoptr(PGconn) admin = NULL;
  g_autofree char *head = NULL;
  g_autofree char *total_text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean flag = FALSE;
  CdReportsPage *page;
  GtkComboBox *combo;
  GtkWidget *win;
  JsonObject *shown;
  gint64 total;

  g_autofree char *admin_url = cd_test_pg_url (server, "certdesk_admin");
  g_assert_true (cd_central_init (admin_url, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  admin = cd_test_pg_connect (server, "certdesk_admin");
  g_assert_null (cd_test_pg_try (admin, "CREATE ROLE head_office LOGIN IN ROLE certdesk_head_office", NULL));
  head = cd_test_pg_url (server, "head_office");
  /* The head office's workstation: a counter database of its own that never joined; its key set is the CA's. */
  hq.dir = g_dir_make_tmp ("certdesk-gui-hq-XXXXXX", &error);
  g_assert_no_error (error);
  hq.ctx = cd_context_new (hq.dir, NULL, &error);
  g_assert_no_error (error);
  rf_set_clock (hq.ctx, RF_DAY "T18:00:00Z");
  rf_counter_init_joined (&a, server, "HHHT01", "呼和浩特受理点", "outlet_hhht",
                          cd_store_get_keys (cd_context_get_store (hq.ctx)));
  rf_counter_init_joined (&b, server, "BT01", "包头受理点", "outlet_bt",
                          cd_store_get_keys (cd_context_get_store (hq.ctx)));

  page = cd_reports_page_new (hq.ctx);
  cd_reports_page_set_central (page, head);
  g_assert_true (cd_reports_page_is_central (page));
  g_signal_connect (page, "loaded", G_CALLBACK (on_loaded_cb), &flag);
  win = cd_test_window (GTK_WIDGET (page));
  g_assert_true (cd_test_wait (flag_set, &flag, 20000));

  /* In total: both counters' own figures summed. */
  shown = json_node_get_object (cd_reports_page_get_report (page));
  g_assert_true (json_object_get_boolean_member (shown, "central"));
  total = rf_local_figure (a.ctx, "fees_total_fen") + rf_local_figure (b.ctx, "fees_total_fen");
  g_assert_cmpint (total, >, 0);
  g_assert_cmpint (json_object_get_int_member (shown, "fees_total_fen"), ==, total);
  g_assert_cmpint (json_object_get_int_member (shown, "cash_expected_fen"), ==,
                   rf_local_figure (a.ctx, "cash_expected_fen") + rf_local_figure (b.ctx, "cash_expected_fen"));
  total_text = figure_value (win, "合计");
  g_assert_nonnull (total_text);
  {
    g_autofree char *yuan = cd_fen_to_yuan_string (total);
    g_autofree char *expect = g_strdup_printf ("¥%s", yuan);
    g_assert_cmpstr (total_text, ==, expect);
  }
  /* The voided application's applicant, a person whose name each counter sealed, opened with the CA's key set. */
  {
    g_autofree char *text = json_to_string (cd_reports_page_get_report (page), FALSE);
    g_assert_nonnull (strstr (text, "张三"));
    g_assert_null (strstr (text, "cd1."));
  }
  /* No clerk filter, sign-off or chart: those are each outlet's own. */
  g_assert_false (gtk_widget_is_visible (cd_test_find (win, "report_clerk")));
  g_assert_false (gtk_widget_is_visible (cd_test_find (win, "report_counted")));
  g_assert_false (gtk_widget_is_visible (cd_test_find (win, "report_chart")));

  /* The combo: 全部受理点 (all outlets) and each outlet, by name. */
  combo = GTK_COMBO_BOX (cd_test_find (win, "report_outlet"));
  {
    GtkTreeModel *m = gtk_combo_box_get_model (combo);
    g_assert_cmpint (gtk_tree_model_iter_n_children (m, NULL), ==, 3);
    g_assert_cmpstr (gtk_combo_box_get_active_id (combo), ==, "*");
    g_assert_cmpstr (gtk_combo_box_text_get_active_text (GTK_COMBO_BOX_TEXT (combo)), ==, "全部受理点");
  }
  cd_test_iterate ();
  cd_test_wait_ms (200);
  cd_test_screenshot (win, "reports-head-office");
  /* No list behind a figure (it stays empty here): the figures have the page's width, and every figure's line,
   * the voided applications' with outlet, number and applicant, is shown whole (the walk at 1366×768 found them
   * cut off beside an empty table). */
  g_assert_false (gtk_widget_is_visible (cd_test_find (win, "report_detail")));
  g_assert_true (gtk_widget_is_visible (cd_test_find (win, "report_detail_label")));
  assert_figures_whole (cd_test_find (win, "report_figures"));

  /* One outlet: B's own figures, picked from the report already read (the server is stopped meanwhile: no
   * second query, no error). */
  cd_test_pg_halt (server);
  flag = FALSE;
  gtk_combo_box_set_active_id (combo, "BT01");
  g_assert_true (cd_test_wait (flag_set, &flag, 20000));
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "report_error")));
  shown = json_node_get_object (cd_reports_page_get_report (page));
  g_assert_cmpstr (json_object_get_string_member (shown, "code"), ==, "BT01");
  g_assert_cmpint (json_object_get_int_member (shown, "fees_total_fen"), ==, rf_local_figure (b.ctx, "fees_total_fen"));
  g_assert_cmpint (json_object_get_int_member (shown, "cash_expected_fen"), ==,
                   rf_local_figure (b.ctx, "cash_expected_fen"));
  cd_test_iterate ();
  cd_test_wait_ms (200);
  cd_test_screenshot (win, "reports-head-office-outlet");
  cd_test_pg_resume (server);

  /* The central database out of reach: a sentence, no socket details, the figures gone. */
  {
    g_autofree char *nowhere = g_strdup_printf ("postgresql://head_office@/postgres?host=%s/nowhere", hq.dir);
    cd_reports_page_set_central (page, nowhere);
    LabelWait w = { win, "中心数据库" };
    g_assert_true (cd_test_wait (label_has, &w, 20000));
    g_assert_null (strstr (cd_test_label (win, "report_error"), "socket"));
    g_assert_null (cd_reports_page_get_report (page));
  }

  gtk_widget_destroy (win);
  rf_counter_clear (&a);
  rf_counter_clear (&b);
  rf_counter_clear (&hq);
}

int
main (int argc, char **argv)
{
  int rc;

  cd_test_init (&argc, &argv, TRUE);
  server = cd_test_pg_start ();
  g_test_add_func ("/gui/reports/head-office", test_head_office);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  return rc;
}
