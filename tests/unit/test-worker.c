/* test-worker.c: a worker lowers its own priority, never the window's thread. */
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/worker/niced-main-not", test_worker_niced_main_not);
  return g_test_run ();
}
