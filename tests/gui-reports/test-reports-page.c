/* test-reports-page.c: the reports page under Xvfb: the figures shown are the model's, the list behind a figure,
 * sign-off with the supervisor's password locks the day, and a screenshot in Chinese at 1366×768. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-auth-dialog.h"
#include "cd-main-window.h"
#include "cd-report-chart.h"
#include "cd-reports-page.h"
#include "cd-test-util.h"
#include "reports-fixture.h"

/* Four weeks of closed applications before the day, for the chart. */
static const char history_sql[] =
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 320)"
  " INSERT INTO application (number, outlet_id, clerk_id, profile, business, applicant_type, state, name, data, day,"
  " created_at, updated_at)"
  " SELECT 'H-' || i, 1, 1, 'bj-gov', CASE i % 6 WHEN 0 THEN 'renew' WHEN 1 THEN 'renew' WHEN 2 THEN 'replace'"
  " WHEN 3 THEN 'unlock' ELSE 'new' END, 'individual', 'closed', '历史申请', '{}',"
  " date('" RF_DAY "', '-' || (1 + (i * i) % 29) || ' days'), 'x', 'x' FROM n";

typedef struct {
  char      *dir;
  CdContext *ctx;
  RfDay      day;
} Counter;

static void
counter_init (Counter *c, gboolean history)
{
  g_autoptr(GError) error = NULL;

  c->dir = g_dir_make_tmp ("certdesk-gui-reports-XXXXXX", &error);
  g_assert_no_error (error);
  c->ctx = cd_context_new (c->dir, NULL, &error);
  g_assert_no_error (error);
  rf_build_day (c->ctx, &c->day);
  if (history)
    g_assert_true (cd_store_exec (cd_context_get_store (c->ctx), history_sql, NULL));
  rf_set_clock (c->ctx, RF_DAY "T18:00:00Z");
}

static void
counter_clear (Counter *c)
{
  g_clear_object (&c->ctx);
  g_free (c->dir);
}

static gboolean
loaded (gpointer page)
{
  return cd_reports_page_get_report (page) != NULL;
}

static gboolean
reloaded (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_loaded_cb (CdReportsPage *page, gboolean *flag)
{
  *flag = TRUE;
}

static GtkTreeModel *
figures_model (GtkWidget *root)
{
  return gtk_tree_view_get_model (GTK_TREE_VIEW (cd_test_find (root, "report_figures")));
}

static gboolean
select_figure (GtkWidget *root, const char *kind, const char *key)
{
  GtkTreeView *view = GTK_TREE_VIEW (cd_test_find (root, "report_figures"));
  GtkTreeModel *model = gtk_tree_view_get_model (view);
  GtkTreeIter it;

  if (gtk_tree_model_get_iter_first (model, &it))
    do
      {
        g_autofree char *k = NULL, *v = NULL;
        gtk_tree_model_get (model, &it, 3, &k, 4, &v, -1);
        if (g_strcmp0 (k, kind) == 0 && (key == NULL || g_strcmp0 (v, key) == 0))
          {
            gtk_tree_selection_select_iter (gtk_tree_view_get_selection (view), &it);
            cd_test_iterate ();
            return TRUE;
          }
      }
    while (gtk_tree_model_iter_next (model, &it));
  return FALSE;
}

static void
test_figures_match_model (void)
{
  Counter c = { 0 };
  CdReportQuery q = { RF_DAY, RF_DAY, 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) model = NULL;
  g_autofree char *cash_number = NULL;
  CdReportsPage *page;
  GtkWidget *win;
  GtkTreeModel *figures, *detail;
  GtkTreeIter it;
  JsonArray *apps;
  guint business_rows = 0;

  counter_init (&c, TRUE);
  page = cd_reports_page_new (c.ctx);
  win = cd_test_window (GTK_WIDGET (page));
  g_assert_true (cd_test_wait (loaded, page, 10000));
  q.outlet_id = c.day.outlet_id;
  model = cd_report_build (c.ctx, &q, &error);
  g_assert_no_error (error);
  apps = json_object_get_array_member (json_node_get_object (model), "applications");

  figures = figures_model (win);
  g_assert_true (gtk_tree_model_get_iter_first (figures, &it));
  do
    {
      g_autofree char *value = NULL, *kind = NULL, *key = NULL;

      gtk_tree_model_get (figures, &it, 2, &value, 3, &kind, 4, &key, -1);
      if (g_strcmp0 (kind, "business") == 0)
        {
          gboolean found = FALSE;
          business_rows++;
          for (guint i = 0; i < json_array_get_length (apps); i++)
            {
              JsonObject *o = json_array_get_object_element (apps, i);
              g_autofree char *k = g_strdup_printf ("%s/%s", json_object_get_string_member (o, "business"),
                                                    json_object_get_string_member (o, "applicant_type"));
              g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "count"));
              if (g_str_equal (k, key))
                {
                  g_assert_true (g_str_has_prefix (value, count) && !g_ascii_isdigit (value[strlen (count)]));
                  found = TRUE;
                }
            }
          g_assert_true (found);
        }
      else if (g_strcmp0 (kind, "cash") == 0)
        g_assert_cmpstr (value, ==, "¥200.00");
      else if (g_strcmp0 (kind, "all") == 0)
        g_assert_cmpstr (value, ==, "¥710.00");
    }
  while (gtk_tree_model_iter_next (figures, &it));
  g_assert_cmpuint (business_rows, ==, json_array_get_length (apps));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (model), "cash_expected_fen"), ==, 20000);

  /* the chart: the day's five applications, and the history before it */
  g_assert_cmpint (cd_report_chart_widget_get_total (CD_REPORT_CHART (cd_test_find (win, "report_chart")), RF_DAY), ==, 5);

  /* the list behind the cash figure is the one cash payment */
  g_assert_true (select_figure (win, "cash", NULL));
  detail = gtk_tree_view_get_model (GTK_TREE_VIEW (cd_test_find (win, "report_detail")));
  g_assert_cmpint (gtk_tree_model_iter_n_children (detail, NULL), ==, 1);
  g_assert_true (gtk_tree_model_get_iter_first (detail, &it));
  gtk_tree_model_get (detail, &it, 0, &cash_number, -1);
  {
    g_autoptr(CdApplicationInfo) info = NULL;
    g_assert_true (cd_application_store_load (c.ctx, c.day.cash_app, NULL, &info, NULL));
    g_assert_cmpstr (cash_number, ==, info->number);
  }
  g_assert_true (select_figure (win, "business", "new/individual"));
  g_assert_cmpint (gtk_tree_model_iter_n_children (detail, NULL), ==, 3);
  gtk_widget_destroy (win);
  counter_clear (&c);
}

static CdAuthDialog *
find_auth_dialog (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (CD_IS_AUTH_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
test_sign_off_locks_day (void)
{
  Counter c = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdSignoff) s = NULL;
  gboolean again = FALSE;
  CdReportsPage *page;
  GtkWidget *win, *dialog;

  counter_init (&c, FALSE);
  page = cd_reports_page_new (c.ctx);
  win = cd_test_window (GTK_WIDGET (page));
  g_assert_true (cd_test_wait (loaded, page, 10000));
  g_assert_false (cd_test_sensitive (win, "report_sign"));
  cd_test_set_text (win, "report_counted", "195.00");
  g_assert_true (cd_test_sensitive (win, "report_sign"));
  cd_test_click (win, "report_sign");
  dialog = GTK_WIDGET (find_auth_dialog ());
  g_assert_nonnull (dialog);
  /* a clerk's password does not sign */
  cd_test_set_text (dialog, "auth_login", "wang");
  cd_test_set_text (dialog, "auth_password", RF_PASSWORD);
  cd_test_click (dialog, "auth_ok");
  g_assert_true (find_auth_dialog () == (CdAuthDialog *) dialog);
  g_assert_true (cd_report_signoff_lookup (c.ctx, c.day.outlet_id, RF_DAY, &s, NULL));
  g_assert_null (s);

  g_signal_connect (page, "loaded", G_CALLBACK (on_loaded_cb), &again);
  cd_test_set_text (dialog, "auth_login", "boss");
  cd_test_set_text (dialog, "auth_password", RF_PASSWORD);
  cd_test_click (dialog, "auth_ok");
  g_assert_null (find_auth_dialog ());
  g_assert_true (cd_test_wait (reloaded, &again, 10000));
  g_assert_true (cd_report_signoff_lookup (c.ctx, c.day.outlet_id, RF_DAY, &s, NULL));
  g_assert_nonnull (s);
  g_assert_cmpint (s->counted_cash_fen, ==, 19500);
  g_assert_cmpint (cd_signoff_difference_fen (s), ==, -500);
  g_assert_false (cd_test_sensitive (win, "report_sign"));
  g_assert_nonnull (strstr (cd_test_label (win, "report_status"), "-5.00"));
  g_assert_nonnull (strstr (cd_test_label (win, "report_status"), "赵主管"));
  /* the day is locked */
  g_assert_false (cd_application_store_void (c.ctx, c.day.draft_app, "客户放弃", &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED);
  gtk_widget_destroy (win);
  counter_clear (&c);
}

static void
test_screenshot (void)
{
  Counter c = { 0 };
  g_autoptr(CdClerk) boss = NULL;
  CdMainWindow *main;
  CdReportsPage *page;
  GtkWidget *win;

  counter_init (&c, TRUE);
  boss = rf_authorize_boss (c.ctx);
  main = cd_main_window_new (NULL, c.ctx, boss);
  win = cd_test_window (GTK_WIDGET (main));
  g_assert_true (cd_main_window_show_section (main, "reports"));
  cd_test_iterate ();
  page = CD_REPORTS_PAGE (gtk_widget_get_ancestor (cd_test_find (win, "report_figures"), CD_TYPE_REPORTS_PAGE));
  g_assert_true (cd_test_wait (loaded, page, 10000));
  cd_test_set_text (win, "report_counted", "195.00");
  g_assert_true (select_figure (win, "business", "new/individual"));
  cd_test_screenshot (win, "reports-page");
  gtk_widget_destroy (win);
  counter_clear (&c);
}

int
main (int argc, char **argv)
{
  cd_test_init (&argc, &argv, TRUE);
  g_test_add_func ("/gui/reports/figures-match-model", test_figures_match_model);
  g_test_add_func ("/gui/reports/sign-off-locks-day", test_sign_off_locks_day);
  g_test_add_func ("/gui/reports/screenshot", test_screenshot);
  return g_test_run ();
}
