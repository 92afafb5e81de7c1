/* test-open-migration.c: certdesk started on a database an older CertDesk left, 2,000 applications in the clear
 * (issue 17 item 3). The database opens in a worker thread: a dialog shows the encryption's progress while the
 * main loop keeps running (never held up for long), then the login window, and after the first-run set-up the
 * main window; every application is sealed and still there. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-app.h"
#include "cd-application-store.h"
#include "cd-login-window.h"
#include "cd-main-window.h"
#include "cd-store-schema.h"
#include "cd-test-old-db.h"
#include "cd-test-util.h"

#define N_APPS 2000

typedef struct {
  CdApp   *app;
  gint64   last_tick;
  gint64   max_gap;        /* µs between two ticks of a 1 ms high-priority timer, while the database opens */
  gboolean dialog_seen;
  double   max_fraction;   /* the highest the bar showed */
  gboolean intermediate;   /* the bar showed a value strictly between 0 and 1 */
  char    *bar_text;
  gboolean dialog_with_login;   /* the dialog still up beside the login window (it must be gone) */
  gboolean setup_done;
  gboolean main_seen;
  guint    ticks;
} Watch;

/* 1 ms, high priority: the gaps between its runs are how long the main loop was held up. */
static gboolean
on_tick_cb (gpointer data)
{
  Watch *w = data;
  gint64 now = g_get_monotonic_time ();

  if (w->last_tick && now - w->last_tick > w->max_gap)
    w->max_gap = now - w->last_tick;
  w->last_tick = now;
  return !w->setup_done ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static GtkWidget *
find_toplevel (GType type, const char *name)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (gtk_widget_get_visible (l->data) && G_TYPE_CHECK_INSTANCE_TYPE (l->data, type)
        && (!name || g_strcmp0 (gtk_widget_get_name (l->data), name) == 0))
      return l->data;
  return NULL;
}

/* Every 10 ms: the progress dialog's bar noted; the login window's first-run set-up filled in once; the main
 * window ends the run. */
static gboolean
on_watch_cb (gpointer data)
{
  Watch *w = data;
  GtkWidget *dialog = find_toplevel (GTK_TYPE_WINDOW, "migration_dialog");
  GtkWidget *login = find_toplevel (CD_TYPE_LOGIN_WINDOW, NULL);

  if (++w->ticks > 12000)   /* two minutes: give up, the assertions below say what was missing */
    {
      g_application_quit (G_APPLICATION (w->app));
      return G_SOURCE_REMOVE;
    }
  if (dialog)
    {
      GtkProgressBar *bar = GTK_PROGRESS_BAR (cd_test_find (dialog, "migration_progress"));
      double f = gtk_progress_bar_get_fraction (bar);

      if (!w->dialog_seen)
        cd_test_screenshot (dialog, "app-open-migration");
      w->dialog_seen = TRUE;
      w->max_fraction = MAX (w->max_fraction, f);
      if (f > 0 && f < 1)
        w->intermediate = TRUE;
      g_free (w->bar_text);
      w->bar_text = g_strdup (gtk_progress_bar_get_text (bar));
    }
  if (login && dialog)
    w->dialog_with_login = TRUE;
  if (login && !w->setup_done)
    {
      GtkStack *stack = GTK_STACK (gtk_bin_get_child (GTK_BIN (login)));

      if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "setup") != 0)
        return G_SOURCE_CONTINUE;
      w->setup_done = TRUE;
      cd_test_set_text (login, "outlet_code_entry", "BT01");
      cd_test_set_text (login, "outlet_name_entry", "包头受理点");
      cd_test_set_text (login, "setup_login_entry", "boss");
      cd_test_set_text (login, "setup_name_entry", "赵主管");
      cd_test_set_text (login, "setup_password_entry", CD_TEST_PASSWORD);
      cd_test_set_text (login, "setup_repeat_entry", CD_TEST_PASSWORD);
      cd_test_click (login, "setup_button");
    }
  if (find_toplevel (CD_TYPE_MAIN_WINDOW, NULL))
    {
      w->main_seen = TRUE;
      g_application_quit (G_APPLICATION (w->app));
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_old_database_opens_with_progress (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cd-open-migration-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "certdesk.db", NULL);
  g_autofree char *kek = g_build_filename (dir, "kek.key", NULL);
  g_autoptr(CdApp) app = NULL;
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "certdesk", (char *) "--state-dir", dir, NULL };
  Watch w = { 0 };
  guint watch, tick;

  /* its own process: a GApplication registers once per process */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 180 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
      g_test_trap_assert_passed ();
      return;
    }
  g_setenv ("CERTDESK_KEK_FILE", kek, TRUE);
  cd_test_write_old_database (db, N_APPS, "王五", NULL);
  app = cd_app_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  w.app = app;
  tick = g_timeout_add_full (G_PRIORITY_HIGH, 1, on_tick_cb, &w, NULL);
  watch = g_timeout_add (10, on_watch_cb, &w);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, argv), ==, 0);
  if (!w.main_seen)
    g_source_remove (watch);
  if (!w.setup_done)
    g_source_remove (tick);
  g_test_message ("dialog %d, highest fraction %.3f, bar “%s”, longest main-loop gap %.1f ms",
                  w.dialog_seen, w.max_fraction, w.bar_text, w.max_gap / 1e3);
  g_assert_true (w.dialog_seen);
  g_assert_true (w.intermediate);   /* progress shown as it went, not only at the start or the end */
  g_assert_nonnull (w.bar_text);
  g_assert_nonnull (strstr (w.bar_text, "/ 4000 条记录"));   /* every applicant and application */
  g_assert_false (w.dialog_with_login);
  g_assert_true (w.setup_done);
  g_assert_true (w.main_seen);
  /* the main loop ran while 4,000 records were sealed (a generous bound for a loaded 2-core machine; the
   * sealing itself takes seconds) */
  g_assert_cmpint (w.max_gap, <, 1500 * 1000);

  /* every application there, sealed, read back clear through the store */
  {
    CdContext *ctx = cd_app_get_context (app);
    g_autoptr(CdApplication) back = NULL;
    g_autoptr(sqlite3_stmt) stmt = NULL;

    g_assert_nonnull (ctx);
    g_assert_true (cd_store_prepare (cd_context_get_store (ctx), "SELECT count(*), sum(data LIKE '%6501022000%')"
                                     " FROM application", &stmt, &error));
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, N_APPS);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, 0);
    g_assert_true (cd_application_store_load (ctx, 1234, &back, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (back->person->name, ==, "王五1234");
    g_assert_cmpstr (back->person->id_number, ==, "650102200000001234");
  }
  g_free (w.bar_text);
  g_clear_object (&app);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, TRUE);   /* in Chinese, as at the counter */
  g_test_add_func ("/gui/app/old-database-opens-with-progress", test_old_database_opens_with_progress);
  return g_test_run ();
}
