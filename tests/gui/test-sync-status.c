/* test-sync-status.c: the header's sync state of a counter joined to a real PostgreSQL 15 (tests/central's
 * cd-test-pg.c), under Xvfb in Chinese: N 条待同步 before the first round, 已同步 after it, 离线（自 HH:MM） once
 * the server is stopped, 已同步 again when it is back; the rounds run beside the main loop without holding it up.
 * A counter that has not joined shows nothing. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-central.h"
#include "cd-main-window.h"
#include "cd-sync-status.h"
#include "cd-test-pg.h"
#include "cd-test-util.h"

static CdTestPg *server;

typedef struct {
  CdSyncStatus *status;
  guint         rounds;
} Wait;

static gboolean
rounds_reached (gpointer data)
{
  Wait *w = data;
  return cd_sync_status_get_rounds (w->status) >= w->rounds;
}

static void
wait_round (CdSyncStatus *status)
{
  Wait w = { status, cd_sync_status_get_rounds (status) + 1 };

  cd_sync_status_sync_now (status);
  g_assert_true (cd_test_wait (rounds_reached, &w, 30000));
}

static CdClerk *
signed_in (CdTestCounter *counter)
{
  return cd_clerk_store_lookup (counter->ctx, cd_context_get_clerk_id (counter->ctx), NULL);
}

static void
test_not_joined (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  CdMainWindow *win = cd_main_window_new (NULL, counter->ctx, clerk);
  GtkWidget *status;

  cd_test_window (GTK_WIDGET (win));
  status = cd_test_find (GTK_WIDGET (win), "sync_status");
  g_assert_nonnull (status);
  g_assert_false (gtk_widget_get_visible (status));
  gtk_widget_destroy (GTK_WIDGET (win));
}

static void
test_states (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_autofree char *url = cd_test_pg_url (server, "outlet_h");
  g_autofree char *pending_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdTestProbe) probe = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autofree char *counter_uuid = NULL;
  CdStore *store = cd_context_get_store (counter->ctx);
  PGconn *other = cd_test_pg_connect (server, "certdesk_admin");
  CdMainWindow *win;
  CdSyncStatus *status;
  gint64 queued = 0;
  const char *text;

  g_assert_true (cd_central_init (admin, "HHHT01", "呼和浩特市服务网点", "outlet_h", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cd_central_join (store, url, "HHHT01", "一号柜台", &counter_uuid, &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpint (queued, >, 0);

  /* A command-line sync of this counter holds its lock: the window's rounds wait (busy), the label says what
   * waits (the join's snapshot). */
  {
    g_autofree char *lock = g_strdup_printf ("SELECT pg_advisory_lock(hashtext('%s'))", counter_uuid);
    g_assert_null (cd_test_pg_try (other, lock, NULL));
  }
  win = cd_main_window_new (NULL, counter->ctx, clerk);
  status = CD_SYNC_STATUS (cd_test_find (GTK_WIDGET (win), "sync_status"));
  g_assert_nonnull (status);
  pending_text = g_strdup_printf ("%" G_GINT64_FORMAT " 条待同步", cd_central_pending_count (store));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, pending_text);
  cd_test_window (GTK_WIDGET (win));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));
  wait_round (status);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, pending_text);
  cd_test_screenshot (GTK_WIDGET (win), "sync-pending");
  g_clear_pointer (&other, PQfinish);   /* the lock goes with the connection */
  /* The constructor's round (and any the test asks for) ends in 已同步. */
  probe = cd_test_probe_new ();
  cd_test_probe_reset (probe, 50);
  {
    gint64 t0 = g_get_monotonic_time (), gap;

    wait_round (status);
    gap = cd_test_probe_max_gap (probe, 50);
    g_test_message ("round %" G_GINT64_FORMAT " ms, longest main-loop gap %" G_GINT64_FORMAT " ms",
                    (g_get_monotonic_time () - t0) / 1000, gap / 1000);
    /* The round ran in a thread: the main loop was not held up by it. */
    g_assert_cmpint (gap, <, 100000);
  }
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, "已同步");
  g_assert_cmpint (cd_central_pending_count (store), ==, 0);
  cd_test_screenshot (GTK_WIDGET (win), "sync-synced");

  /* A change at this counter (an account renamed: a synced row) is seen within the watch's period and pushed. */
  {
    g_assert_true (cd_store_exec (store, "UPDATE clerk SET name = '王受理' WHERE login = 'wang'", &error));
    g_assert_no_error (error);
    g_assert_cmpint (cd_central_pending_count (store), ==, 1);
    cd_test_wait_ms (5000);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, "已同步");
    g_assert_cmpint (cd_central_pending_count (store), ==, 0);
  }

  /* The server stops: 离线（自 HH:MM）, with the time of the first failed round; changes keep waiting. */
  cd_test_pg_halt (server);
  before = g_date_time_new_now_local ();
  g_assert_true (cd_store_exec (store, "UPDATE clerk SET name = '王小受理' WHERE login = 'wang'", NULL));
  wait_round (status);
  {
    g_autofree char *hhmm = g_date_time_format (before, "%H:%M");
    g_autofree char *expected = g_strdup_printf ("离线（自 %s）", hhmm);
    text = gtk_label_get_text (GTK_LABEL (status));
    g_assert_cmpstr (text, ==, expected);
  }
  g_assert_cmpint (cd_central_pending_count (store), >=, 1);
  cd_test_screenshot (GTK_WIDGET (win), "sync-offline");
  /* Another failed round keeps the first time. */
  wait_round (status);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (status)), "离线（自 "));

  /* Back: the waiting change goes, 已同步. */
  cd_test_pg_resume (server);
  wait_round (status);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, "已同步");
  g_assert_cmpint (cd_central_pending_count (store), ==, 0);
  gtk_widget_destroy (GTK_WIDGET (win));
}

/* Joined, the supervisor's clerks panel makes no supervisor (the sentence says where they come from) and still
 * adds a clerk. */
static void
test_clerks_panel (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_autofree char *url = cd_test_pg_url (server, "outlet_p");
  g_autoptr(GError) error = NULL;
  GtkWidget *win, *panel;

  g_assert_true (cd_central_init (admin, "PANEL1", "包头市服务网点", "outlet_p", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cd_central_join (cd_context_get_store (counter->ctx), url, "PANEL1", "一号柜台", NULL, NULL,
                                  &error));
  g_assert_no_error (error);
  /* A supervisor the head office made for this outlet, pulled by a sync round. */
  {
    g_autoptr(PGconn) conn = cd_test_pg_connect (server, "certdesk_admin");
    g_autofree char *hash = cd_password_hash ("central-1");
    g_autofree char *sql = g_strdup_printf ("INSERT INTO certdesk.hq_clerk (login, name, role, outlet_code,"
                                            " password_hash) VALUES ('hq.sup', '总部派驻主管', 'supervisor',"
                                            " 'PANEL1', '%s')", hash);
    CdCentralSyncResult r;

    g_assert_null (cd_test_pg_try (conn, sql, NULL));
    g_assert_null (cd_test_pg_try (conn, "INSERT INTO certdesk.hq_price (profile, business, variant, item, years,"
                                         " amount_fen) VALUES ('bj-gov', 'new', 'person', 'medium', 0, 9000)", NULL));
    g_assert_true (cd_central_sync (cd_context_get_store (counter->ctx), &r, &error));
    g_assert_no_error (error);
  }
  win = GTK_WIDGET (cd_main_window_new (NULL, counter->ctx, clerk));
  cd_test_window (win);
  g_assert_true (cd_main_window_show_section (CD_MAIN_WINDOW (win), "settings"));
  cd_test_iterate ();
  /* The settings section's own widgets (the applicant step has a role_combo of its own). */
  panel = gtk_stack_get_child_by_name (GTK_STACK (cd_test_find (win, "main_stack")), "settings");
  cd_test_set_text (panel, "login_entry", "zhao2");
  cd_test_set_text (panel, "name_entry", "赵副主管");
  cd_test_set_text (panel, "password_entry", "another1");
  /* The panel no longer offers the supervisor role (the head office sets it) … */
  g_assert_false (gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (panel, "role_combo")), "supervisor"));
  /* … and the store refuses one all the same, with the sentence that says where supervisors come from. */
  {
    g_autoptr(GError) refused = NULL;

    g_assert_false (cd_clerk_store_add (counter->ctx, "zhao2", "赵副主管", CD_ROLE_SUPERVISOR, "another1", NULL,
                                        &refused));
    g_assert_nonnull (refused);
    g_assert_nonnull (strstr (refused->message, "主管账号由总部设置"));
  }
  g_assert_false (cd_clerk_store_login (counter->ctx, "zhao2", "another1", NULL, NULL));
  {
    /* The clerks tab in front for the screenshot. */
    GtkWidget *view = cd_test_find (panel, "clerks_view");
    GtkNotebook *book = GTK_NOTEBOOK (gtk_widget_get_ancestor (view, GTK_TYPE_NOTEBOOK));
    for (int i = 0; book && i < gtk_notebook_get_n_pages (book); i++)
      if (gtk_widget_is_ancestor (view, gtk_notebook_get_nth_page (book, i)))
        gtk_notebook_set_current_page (book, i);
  }
  cd_test_screenshot (win, "sync-clerks-no-supervisor");
  /* The head office's account is marked as such in the list. */
  {
    GtkTreeModel *model = gtk_tree_view_get_model (GTK_TREE_VIEW (cd_test_find (panel, "clerks_view")));
    GtkTreeIter iter;
    gboolean marked = FALSE;

    for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok; ok = gtk_tree_model_iter_next (model, &iter))
      for (int col = 0; col < gtk_tree_model_get_n_columns (model); col++)
        if (gtk_tree_model_get_column_type (model, col) == G_TYPE_STRING)
          {
            g_autofree char *v = NULL;
            gtk_tree_model_get (model, &iter, col, &v, -1);
            marked |= g_strcmp0 (v, "主管（总部）") == 0;
          }
    g_assert_true (marked);
  }
  /* The prices tab shows the head office's price as the price of that item. */
  {
    GtkTreeModel *model;
    GtkTreeIter iter;
    gboolean shown = FALSE;

    gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (panel, "profile_combo")), "bj-gov");
    cd_test_iterate ();
    model = gtk_tree_view_get_model (GTK_TREE_VIEW (cd_test_find (panel, "prices_view")));
    for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok; ok = gtk_tree_model_iter_next (model, &iter))
      for (int col = 0; col < gtk_tree_model_get_n_columns (model); col++)
        if (gtk_tree_model_get_column_type (model, col) == G_TYPE_STRING)
          {
            g_autofree char *v = NULL;
            gtk_tree_model_get (model, &iter, col, &v, -1);
            shown |= v && strstr (v, "90.00") && g_str_has_suffix (v, "（总部）");
          }
    g_assert_true (shown);
    {
      GtkWidget *prices = gtk_widget_get_ancestor (cd_test_find (panel, "prices_view"), GTK_TYPE_NOTEBOOK);
      for (int i = 0; prices && i < gtk_notebook_get_n_pages (GTK_NOTEBOOK (prices)); i++)
        if (gtk_widget_is_ancestor (cd_test_find (panel, "prices_view"),
                                    gtk_notebook_get_nth_page (GTK_NOTEBOOK (prices), i)))
          gtk_notebook_set_current_page (GTK_NOTEBOOK (prices), i);
    }
    cd_test_screenshot (win, "sync-prices-head-office");
  }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (panel, "role_combo")), "clerk");
  cd_test_set_text (panel, "password_entry", "another1");   /* the panel empties it after each try */
  cd_test_click (panel, "add_button");
  g_assert_true (cd_clerk_store_login (counter->ctx, "zhao2", "another1", NULL, NULL));
  gtk_widget_destroy (win);
}

int
main (int argc, char **argv)
{
  int rc;

  g_setenv ("CERTDESK_SYNC_INTERVAL", "3600", TRUE);
  cd_test_init (&argc, &argv, TRUE);
  server = cd_test_pg_start ();
  g_test_add_func ("/sync-status/not-joined", test_not_joined);
  g_test_add_func ("/sync-status/states", test_states);
  g_test_add_func ("/sync-status/clerks-panel", test_clerks_panel);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  return rc;
}
