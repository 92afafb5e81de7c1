/* test-worker.c: a worker lowers its own priority, never the window's thread; what it hands back runs in
 * the window's thread. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cd-worker.h"

static int
own_nice (void)
{
  return getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
}

static gpointer
worker (gpointer data)
{
  int *seen = data;

  cd_worker_yield_to_ui ();
  cd_worker_yield_to_ui ();   /* idempotent: still 10 above the start, not 20 */
  seen[0] = own_nice ();
  return NULL;
}

static void
test_worker_niced_main_not (void)
{
  int before = own_nice ();
  int seen[1] = { 0 };
  GThread *t;

  if (before > 19 - 10)
    {
      g_test_skip ("the test already runs at the lowest priority");
      return;
    }
  t = g_thread_new ("test-worker", worker, seen);
  g_thread_join (t);
  g_assert_cmpint (seen[0], ==, before + 10);
  g_assert_cmpint (own_nice (), ==, before);
}

typedef struct {
  GMainContext *context;
  GThread      *ran_in;
  GThread      *freed_in;
  gboolean      done;
} Dispatch;

static gboolean
dispatched (gpointer data)
{
  Dispatch *d = data;

  d->ran_in = g_thread_self ();
  d->done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
dispatch_freed (gpointer data)
{
  ((Dispatch *) data)->freed_in = g_thread_self ();
}

static gpointer
dispatching_worker (gpointer data)
{
  /* The main thread is blocked in g_thread_join and does not own the context: g_main_context_invoke would
   * acquire it here and run the callback in this thread (the burn page's use-after-free). */
  cd_worker_dispatch (((Dispatch *) data)->context, dispatched, data, dispatch_freed);
  return NULL;
}

static void
test_worker_dispatch_runs_in_owner (void)
{
  Dispatch d = { g_main_context_new () };
  GThread *t = g_thread_new ("test-dispatch", dispatching_worker, &d);

  g_thread_join (t);
  g_assert_false (d.done);
  g_main_context_push_thread_default (d.context);
  while (!d.done)
    g_main_context_iteration (d.context, TRUE);
  g_main_context_pop_thread_default (d.context);
  g_assert_true (d.ran_in == g_thread_self ());
  g_assert_true (d.freed_in == g_thread_self ());
  g_main_context_unref (d.context);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/worker/niced-main-not", test_worker_niced_main_not);
  g_test_add_func ("/worker/dispatch-runs-in-owner", test_worker_dispatch_runs_in_owner);
  return g_test_run ();
}
