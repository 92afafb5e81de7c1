/* test-head-office-role.c: the head office as a clerk role (issue 16 item 6, docs/central.md "The head office as
 * a role") under Xvfb against a real PostgreSQL 15 (tests/central/cd-test-pg.c). Two counters with a day of work
 * join and sync; the head office adds an account with the role head-office centrally; counter A pulls it; signing
 * in with it opens the reports page over every outlet with the outlet filter (read as the database user of the
 * account's name) and nothing of the acceptance. On a joined counter the clerks panel offers neither the
 * supervisor nor the head-office role; on a counter on its own it offers the supervisor, never head-office. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-central.h"
#include "cd-clerks-panel.h"
#include "cd-main-window.h"
#include "cd-reports-page.h"
#include "cd-test-pg.h"
#include "cd-test-util.h"
#include "central-counters.h"

static CdTestPg *server;

static gboolean
report_shown (gpointer data)
{
  return cd_reports_page_get_report (CD_REPORTS_PAGE (data)) != NULL;
}

/* The role ids the clerks panel's combo offers, joined by commas. */
static char *
offered_roles (GtkWidget *root)
{
  GtkComboBox *combo = GTK_COMBO_BOX (cd_test_find (root, "role_combo"));
  GtkTreeModel *m = gtk_combo_box_get_model (combo);
  g_autoptr(GString) out = g_string_new (NULL);
  GtkTreeIter it;
  gboolean more = gtk_tree_model_get_iter_first (m, &it);

  for (; more; more = gtk_tree_model_iter_next (m, &it))
    {
      g_autofree char *id = NULL;

      gtk_tree_model_get (m, &it, gtk_combo_box_get_id_column (combo), &id, -1);
      g_string_append_printf (out, "%s%s", out->len ? "," : "", id);
    }
  return g_strdup (out->str);
}

static void
test_head_office_role (void)
{
  RfCounter a = { 0 }, b = { 0 };
  g_autoptr(PGconn) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) hq = NULL;
  g_autofree char *hq_url = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *admin_url = cd_test_pg_url (server, "certdesk_admin");
  CdCentralSyncResult res;
  CdMainWindow *win;
  GtkStack *stack;
  GtkWidget *reports;
  JsonObject *shown;

  g_assert_true (cd_central_init (admin_url, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  admin = cd_test_pg_connect (server, "certdesk_admin");
  /* The head office's person has a database user of the account's name, granted the head office's reach. */
  g_assert_null (cd_test_pg_try (admin, "CREATE ROLE hq_wang LOGIN IN ROLE certdesk_head_office", NULL));
  hq_url = cd_test_pg_url (server, "hq_wang");
  rf_counter_init_joined (&a, server, "HHHT01", "呼和浩特受理点", "outlet_hhht", NULL);
  rf_counter_init_joined (&b, server, "BT01", "包头受理点", "outlet_bt", NULL);

  /* Set centrally (certdesk-cli central clerk add … --role head-office), pulled by A's next round. */
  hash = cd_password_hash ("zongbu123");
  g_assert_true (cd_central_hq_clerk_add (hq_url, "hq_wang", "王总部", "head-office", "HHHT01", hash, &error));
  g_assert_no_error (error);
  g_assert_true (cd_central_sync (cd_context_get_store (a.ctx), &res, &error));
  g_assert_no_error (error);
  g_assert_true (cd_clerk_store_login (a.ctx, "hq_wang", "zongbu123", &hq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (hq->role, ==, CD_ROLE_HEAD_OFFICE);
  g_assert_true (hq->central);

  win = cd_main_window_new (NULL, a.ctx, hq);
  cd_test_window (GTK_WIDGET (win));
  /* Nothing of the acceptance, today's list, printing or settings: the reports alone. */
  for (const char *const *row = (const char *const[]) { "row_accept", "row_today", "row_print", "row_settings",
                                                       NULL }; *row; row++)
    g_assert_false (gtk_widget_get_visible (cd_test_find (GTK_WIDGET (win), *row)));
  g_assert_true (gtk_widget_get_visible (cd_test_find (GTK_WIDGET (win), "row_reports")));
  g_assert_cmpstr (cd_main_window_get_section (win), ==, "reports");
  g_assert_false (cd_main_window_show_section (win, "accept"));
  g_assert_cmpstr (cd_main_window_get_section (win), ==, "reports");
  stack = GTK_STACK (cd_test_find (GTK_WIDGET (win), "main_stack"));
  reports = gtk_stack_get_child_by_name (stack, "reports");
  g_assert_true (CD_IS_REPORTS_PAGE (reports));
  g_assert_true (cd_reports_page_is_central (CD_REPORTS_PAGE (reports)));

  /* Every outlet's day (read as hq_wang: outlet A's own login reads A alone), and the outlet filter. */
  g_assert_true (cd_test_wait (report_shown, reports, 20000));
  shown = json_node_get_object (cd_reports_page_get_report (CD_REPORTS_PAGE (reports)));
  g_assert_true (json_object_get_boolean_member (shown, "central"));
  g_assert_cmpint (json_object_get_int_member (shown, "fees_total_fen"), ==,
                   rf_local_figure (a.ctx, "fees_total_fen") + rf_local_figure (b.ctx, "fees_total_fen"));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (shown, "outlets")), ==, 2);
  {
    GtkComboBox *combo = GTK_COMBO_BOX (cd_test_find (GTK_WIDGET (win), "report_outlet"));

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (combo)));
    g_assert_cmpint (gtk_tree_model_iter_n_children (gtk_combo_box_get_model (combo), NULL), ==, 3);
    g_assert_cmpstr (gtk_combo_box_get_active_id (combo), ==, "*");
  }
  /* The header names the role (the account's name, 王总部, also holds the word: the end is the role). */
  g_assert_true (g_str_has_suffix (gtk_header_bar_get_subtitle (GTK_HEADER_BAR (gtk_window_get_titlebar (
                                     GTK_WINDOW (win)))), "· 总部"));
  cd_test_iterate ();
  cd_test_wait_ms (200);
  cd_test_screenshot (GTK_WIDGET (win), "head-office-role");
  /* no USB key status in the header: the head office does no key work */
  g_assert_false (gtk_widget_is_visible (cd_test_find (GTK_WIDGET (win), "key_slot")));
  /* … nor a key status behind it, polling the key module for nothing */
  {
    g_autoptr(GList) in_slot = gtk_container_get_children (GTK_CONTAINER (cd_test_find (GTK_WIDGET (win), "key_slot")));

    for (GList *l = in_slot; l; l = l->next)
      g_assert_cmpstr (G_OBJECT_TYPE_NAME (l->data), !=, "CdKeyStatus");
  }
  gtk_widget_destroy (GTK_WIDGET (win));

  /* The clerks panel of joined counter A (its supervisor signed in): no supervisor, no head office. */
  {
    g_autoptr(CdClerk) boss = NULL;
    GtkWidget *panel_win;
    g_autofree char *roles = NULL;

    g_assert_true (cd_clerk_store_login (a.ctx, "boss", RF_PASSWORD, &boss, &error));
    g_assert_no_error (error);
    panel_win = cd_test_window (GTK_WIDGET (cd_clerks_panel_new (a.ctx)));
    roles = offered_roles (panel_win);
    g_assert_cmpstr (roles, ==, "clerk,printer");
    cd_test_iterate ();
    cd_test_screenshot (panel_win, "clerks-panel-joined");
    gtk_widget_destroy (panel_win);
  }
  /* A counter on its own still makes its supervisors; the head-office role is never offered, nor taken. */
  {
    RfCounter alone = { 0 };
    GtkWidget *panel_win;
    g_autofree char *roles = NULL;

    rf_counter_init_alone (&alone);
    g_assert_true (cd_clerk_store_login (alone.ctx, "boss", RF_PASSWORD, NULL, &error));
    panel_win = cd_test_window (GTK_WIDGET (cd_clerks_panel_new (alone.ctx)));
    roles = offered_roles (panel_win);
    g_assert_cmpstr (roles, ==, "clerk,supervisor,printer");
    gtk_widget_destroy (panel_win);
    g_assert_false (cd_clerk_store_add (alone.ctx, "zong", "总部某人", CD_ROLE_HEAD_OFFICE, "zongbu123", NULL,
                                        &error));
    g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
    g_clear_error (&error);
    rf_counter_clear (&alone);
  }
  rf_counter_clear (&a);
  rf_counter_clear (&b);
}

int
main (int argc, char **argv)
{
  int rc;

  cd_test_init (&argc, &argv, TRUE);
  server = cd_test_pg_start ();
  g_test_add_func ("/gui/reports/head-office-role", test_head_office_role);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  return rc;
}
