/* bench-worker-context.c: what a worker thread's context costs — a whole context per job (cd_context_new: the
 * profile files parsed, the store opened with its key unwrap and migration checks, the scan folder settled), as the
 * fee page's payment and the key work ahead of the burn did, against cd_context_new_worker (a connection of its
 * own; the profiles and keys shared). Prints, for each, the median of the context alone (the start of a
 * keygen-ahead job) and of one payment's worker (the context, then the check and the payment, as cd-fee-page.c's
 * payment_thread records them).
 *
 * The machine is shared: the two ways alternate, round by round, so a busy neighbour slows both alike. The KEK
 * comes from $CERTDESK_KEK_FILE here; at a counter it comes from the session keyring over D-Bus, which the whole
 * context paid once more per job and the worker context never does. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "cd-application-store.h"
#include "cd-context.h"
#include "cd-test-context.h"

#define ROUNDS 40

static gint64
new_checked_draft (CdContext *ctx, CdApplication *app)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (!cd_application_store_create (ctx, app, TRUE, &id, &error))
    g_error ("create: %s", error->message);
  return id;
}

static CdContext *
open_whole (CdContext *parent)
{
  g_autoptr(GError) error = NULL;
  CdContext *c = cd_context_new (cd_context_get_state_dir (parent), cd_store_get_path (cd_context_get_store (parent)),
                                 &error);

  if (!c)
    g_error ("cd_context_new: %s", error->message);
  cd_context_set_actor (c, cd_context_get_actor (parent), cd_context_get_clerk_id (parent));
  cd_context_set_outlet_id (c, cd_context_get_outlet_id (parent));
  return c;
}

static CdContext *
open_worker (CdContext *parent)
{
  g_autoptr(GError) error = NULL;
  CdContext *c = cd_context_new_worker (parent, &error);

  if (!c)
    g_error ("cd_context_new_worker: %s", error->message);
  return c;
}

/* Milliseconds of the context alone (*open_ms) and of the whole payment worker (returned). */
static double
one_payment (CdContext *parent, gint64 id, CdContext *(*open) (CdContext *), double *open_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = cd_store_now (cd_context_get_store (parent));
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(CdContext) worker = open (parent);
  gint64 t1 = g_get_monotonic_time ();

  cd_store_set_now (cd_context_get_store (worker), now);
  if (!cd_application_store_check (worker, id, &error)
      || !cd_application_store_pay (worker, id, CD_PAYMENT_WECHAT, 30000, 30000, FALSE, &error))
    g_error ("payment: %s", error->message);
  g_clear_object (&worker);
  *open_ms = (t1 - t0) / 1000.0;
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, (int (*) (const void *, const void *)) cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("certdesk-bench-XXXXXX", &error);
  g_autofree char *fixture = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                               "app-nmg-new.json", NULL);
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdContext) parent = NULL;
  double whole_open[ROUNDS], whole_pay[ROUNDS], worker_open[ROUNDS], worker_pay[ROUNDS];

  if (!dir || !(parent = cd_context_new (dir, NULL, &error)) || !(app = cd_application_load_file (fixture, &error)))
    g_error ("%s", error->message);
  cd_context_set_actor (parent, "clerk:bench", 0);
  /* warm the page cache and SQLite's first-open work out of the figures */
  new_checked_draft (parent, app);
  g_object_unref (open_whole (parent));
  g_object_unref (open_worker (parent));
  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 a = new_checked_draft (parent, app);
      gint64 b = new_checked_draft (parent, app);

      if (r % 2)
        {
          whole_pay[r] = one_payment (parent, a, open_whole, &whole_open[r]);
          worker_pay[r] = one_payment (parent, b, open_worker, &worker_open[r]);
        }
      else
        {
          worker_pay[r] = one_payment (parent, b, open_worker, &worker_open[r]);
          whole_pay[r] = one_payment (parent, a, open_whole, &whole_open[r]);
        }
    }
  printf ("worker context, median of %d rounds (ms):\n", ROUNDS);
  printf ("  context alone (a keygen-ahead job's start): cd_context_new %.2f, cd_context_new_worker %.2f\n",
          median (whole_open, ROUNDS), median (worker_open, ROUNDS));
  printf ("  one payment's worker (context, check, pay):  cd_context_new %.2f, cd_context_new_worker %.2f\n",
          median (whole_pay, ROUNDS), median (worker_pay, ROUNDS));
  g_clear_object (&parent);
  cd_test_rm_rf (dir);
  return 0;
}
