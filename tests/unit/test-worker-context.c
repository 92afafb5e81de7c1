/* test-worker-context.c: cd_context_new_worker() — a worker thread's context shares the window context's profile
 * set and key set, writes through a connection of its own to the same SQLite file (the window's connection sees
 * the rows), copies who acts and the clock, and outlives the context it was made from. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-application-store.h"
#include "cd-audit.h"
#include "cd-clerk-store.h"
#include "cd-keys.h"
#include "cd-test-context.h"

/* One application stored, checked and paid through @ctx, as the fee page's worker records a payment. */
static gint64
create_and_pay (CdContext *ctx)
{
  g_autoptr(CdApplication) app = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (cd_application_store_create (ctx, app, TRUE, &id, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_check (ctx, id, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_pay (ctx, id, CD_PAYMENT_WECHAT, 30000, 30000, FALSE, &error));
  return id;
}

static void
test_shares_and_copies (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) fixed = g_date_time_new_from_iso8601 ("2026-03-02T09:30:00+08:00", NULL);
  g_autoptr(CdContext) worker = NULL;
  g_autofree char *today = NULL;
  CdStore *store = cd_context_get_store (t->ctx);
  gint64 supervisor = 0;

  cd_context_set_actor (t->ctx, "clerk:wang", 7);
  cd_context_set_outlet_id (t->ctx, 3);
  cd_context_set_adjustment (t->ctx, 9, "late bank transfer");
  cd_store_set_now (store, fixed);
  worker = cd_context_new_worker (t->ctx, &error);
  g_assert_no_error (error);
  g_assert_nonnull (worker);

  /* the same immutable sets, not copies parsed or unwrapped again */
  g_assert_true (cd_context_get_profiles (worker) == cd_context_get_profiles (t->ctx));
  g_assert_true (cd_store_get_keys (cd_context_get_store (worker)) == cd_store_get_keys (store));
  g_assert_true (cd_context_lookup_profile (worker, "nmg-zfcg-sxca", NULL)
                 == cd_context_lookup_profile (t->ctx, "nmg-zfcg-sxca", NULL));
  /* its own connection to the same file */
  g_assert_true (cd_context_get_store (worker) != store);
  g_assert_true (cd_store_get_db (cd_context_get_store (worker)) != cd_store_get_db (store));
  g_assert_cmpstr (cd_store_get_path (cd_context_get_store (worker)), ==, cd_store_get_path (store));
  g_assert_cmpint (cd_store_schema_version (cd_context_get_store (worker)), ==, cd_store_latest_version ());
  g_assert_cmpstr (cd_context_get_state_dir (worker), ==, cd_context_get_state_dir (t->ctx));
  /* who acts, where, under which adjustment and clock: copied at the time it was made */
  g_assert_cmpstr (cd_context_get_actor (worker), ==, "clerk:wang");
  g_assert_cmpint (cd_context_get_clerk_id (worker), ==, 7);
  g_assert_cmpint (cd_context_get_outlet_id (worker), ==, 3);
  g_assert_cmpstr (cd_context_get_adjustment (worker, &supervisor), ==, "late bank transfer");
  g_assert_cmpint (supervisor, ==, 9);
  today = cd_store_today (cd_context_get_store (worker));
  g_assert_cmpstr (today, ==, "2026-03-02");

  /* copied, not linked: the window's later changes stay the window's */
  cd_context_set_actor (t->ctx, "clerk:li", 8);
  cd_context_set_adjustment (t->ctx, 0, NULL);
  g_assert_cmpstr (cd_context_get_actor (worker), ==, "clerk:wang");
  g_assert_cmpstr (cd_context_get_adjustment (worker, NULL), ==, "late bank transfer");
}

typedef struct {
  CdContext *worker;
  gint64     ids[3];
} WorkerJob;

static gpointer
worker_thread (gpointer data)
{
  WorkerJob *job = data;
  g_autoptr(GError) error = NULL;

  /* a context made unconnected opens its connection here, on its own thread (a connected one: nothing to do) */
  g_assert_true (cd_context_connect_worker (job->worker, &error));
  g_assert_no_error (error);
  g_assert_nonnull (cd_store_get_db (cd_context_get_store (job->worker)));
  for (guint i = 0; i < G_N_ELEMENTS (job->ids); i++)
    job->ids[i] = create_and_pay (job->worker);
  return NULL;
}

static void
test_writes_seen_by_parent (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  WorkerJob job = { 0 };
  gint64 parent_ids[3];
  GThread *thread;
  g_autoptr(CdClerk) clerk = NULL;
  gint64 outlet = 0;
  gint64 rows = 0;

  /* a real clerk and outlet: the rows the worker writes refer to them */
  g_assert_true (cd_clerk_store_setup (t->ctx, "NMG-01", "呼和浩特柜台", "nmg", "wang", "王芳", "correct horse 9",
                                       &outlet, &error));
  g_assert_no_error (error);
  g_assert_true (cd_clerk_store_login (t->ctx, "wang", "correct horse 9", &clerk, &error));
  g_assert_no_error (error);
  if (data)
    {
      /* made on the window's thread without touching the file: the connection is the worker's to open */
      job.worker = cd_context_new_worker_unconnected (t->ctx);
      g_assert_null (cd_store_get_db (cd_context_get_store (job.worker)));
    }
  else
    job.worker = cd_context_new_worker (t->ctx, &error);
  g_assert_no_error (error);
  /* the window keeps writing on its connection while the worker writes on its own */
  thread = g_thread_new ("test-worker-context", worker_thread, &job);
  for (guint i = 0; i < G_N_ELEMENTS (parent_ids); i++)
    parent_ids[i] = create_and_pay (t->ctx);
  g_thread_join (thread);
  g_clear_object (&job.worker);

  for (guint i = 0; i < G_N_ELEMENTS (job.ids); i++)
    {
      g_autoptr(CdApplication) app = NULL;
      g_autoptr(CdApplicationInfo) info = NULL;

      g_assert_true (cd_application_store_load (t->ctx, job.ids[i], &app, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpint (info->state, ==, CD_STATE_PAID);
      g_assert_cmpint (info->fee_total_fen, ==, 30000);
      /* sealed by the worker under the shared key set, opened by the window */
      g_assert_cmpstr (app->unit->name, ==, "内蒙古草原建设工程有限公司");
      g_assert_true (job.ids[i] != parent_ids[0] && job.ids[i] != parent_ids[1] && job.ids[i] != parent_ids[2]);
    }
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM payment"), ==, 6);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM application WHERE state = 'paid'"), ==, 6);
  /* the worker audits as the clerk it was made for, and the two writers kept one unbroken chain */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM application WHERE clerk_id = %" G_GINT64_FORMAT
                                            " AND outlet_id = %" G_GINT64_FORMAT, clerk->id, outlet);

    g_assert_cmpint (cd_test_count (t->ctx, sql), ==, 6);
  }
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM audit_log WHERE actor = 'clerk:wang'"
                                          " AND action = 'application.create'"), ==, 6);
  g_assert_true (cd_audit_verify (cd_context_get_store (t->ctx), &rows, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rows, >, 0);
}

static gpointer
orphan_thread (gpointer data)
{
  CdContext *worker = data;

  return GINT_TO_POINTER (create_and_pay (worker) > 0);
}

static void
test_parent_freed_first (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) worker = cd_context_new_worker (t->ctx, &error);
  g_autoptr(CdContext) again = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autofree char *db_path = g_strdup (cd_store_get_path (cd_context_get_store (t->ctx)));
  CdProfile *profile;
  GThread *thread;

  g_assert_no_error (error);
  g_clear_object (&t->ctx);   /* the window went away while its worker runs */

  /* profiles, keys and folders are the worker's as much as they were the parent's (ASan: no use after free) */
  profile = cd_context_lookup_profile (worker, "nmg-zfcg-sxca", &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile->name);
  g_assert_nonnull (cd_keys_get_id (cd_store_get_keys (cd_context_get_store (worker))));
  thread = g_thread_new ("test-worker-context", orphan_thread, worker);
  g_assert_true (GPOINTER_TO_INT (g_thread_join (thread)));
  /* the SQL functions over the key set are the worker connection's own too (the reports and the burn use them) */
  g_assert_cmpint (cd_test_count (worker, "SELECT count(*) FROM application"
                                          " WHERE cd_name (name, id) = '内蒙古草原建设工程有限公司'"), ==, 1);
  g_clear_object (&worker);

  /* what it wrote is in the file */
  again = cd_context_new (t->dir, db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cd_test_count (again, "SELECT count(*) FROM payment"), ==, 1);
  g_assert_true (cd_audit_verify (cd_context_get_store (again), NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The worker opens the file its parent has open and never creates one: a database gone meanwhile is an error
 * that names it, not an empty new database the payment would vanish into. */
static void
test_database_gone (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) worker = NULL;
  const char *path = cd_store_get_path (cd_context_get_store (t->ctx));

  g_assert_cmpint (g_unlink (path), ==, 0);
  worker = cd_context_new_worker (t->ctx, &error);
  g_assert_null (worker);
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* the same refusal when the worker connects it in its thread */
  g_clear_error (&error);
  worker = cd_context_new_worker_unconnected (t->ctx);
  g_assert_false (cd_context_connect_worker (worker, &error));
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/context/worker/shares-and-copies", CdTestContext, NULL, cd_test_context_setup,
              test_shares_and_copies, cd_test_context_teardown);
  g_test_add ("/context/worker/writes-seen-by-parent", CdTestContext, NULL, cd_test_context_setup,
              test_writes_seen_by_parent, cd_test_context_teardown);
  g_test_add ("/context/worker/connected-in-its-thread", CdTestContext, "unconnected", cd_test_context_setup,
              test_writes_seen_by_parent, cd_test_context_teardown);
  g_test_add ("/context/worker/parent-freed-first", CdTestContext, NULL, cd_test_context_setup,
              test_parent_freed_first, cd_test_context_teardown);
  g_test_add ("/context/worker/database-gone", CdTestContext, NULL, cd_test_context_setup,
              test_database_gone, cd_test_context_teardown);
  return g_test_run ();
}
