/* bench-crypt.c: the counter's work with personal data sealed beside the same work stored in the clear
 * (cd_field_benchmark_without_sealing): importing applications (persons and units), searching by mobile, name and
 * a part of a unit's name, and a day's report. Prints the figures and the ratio, in wall-clock time and in the
 * process's CPU time.
 *
 * The machine is shared (other builds, tests and benchmarks): two databases, one sealed and one clear, are open
 * side by side and every operation is done on both, one right after the other, which one first alternating, each
 * timed on its own. Both sides see the same load at the same moments, so a busy neighbour slows both alike instead
 * of whichever side was running. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cd-application-store.h"
#include "cd-field-crypt.h"
#include "cd-report.h"

#define N_APPS     1000
#define N_SEARCHES 150
#define N_REPORTS  20
#define ROUNDS     3

enum { IMPORT, SEARCH, REPORT, N_PARTS };
static const char *const part_names[N_PARTS] = { "import", "search", "report" };

/* wall-clock and CPU milliseconds of each part, one side */
typedef struct { double wall[N_PARTS], cpu[N_PARTS]; } Figures;

typedef struct {
  gboolean sealed;
  char *dir;
  CdContext *ctx;
  Figures f;
} Side;

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static CdApplication *
fixture (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_load_file (path, &error);

  g_assert_no_error (error);
  return app;
}

static void
side_open (Side *s, gboolean sealed)
{
  g_autoptr(GError) error = NULL;

  s->sealed = sealed;
  s->dir = g_dir_make_tmp ("certdesk-bench-crypt-XXXXXX", NULL);
  s->ctx = cd_context_new (s->dir, NULL, &error);
  g_assert_no_error (error);
  memset (&s->f, 0, sizeof s->f);
}

static void
side_close (Side *s)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", s->dir);

  g_clear_object (&s->ctx);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (s->dir);
}

/* One operation on one side, timed; sealing is on only for the sealed side (blind indexes in both). */
static void
timed (Side *s, int part, CdApplication *app, const char *query)
{
  g_autoptr(GError) error = NULL;
  gint64 t0;
  double c0;

  cd_field_benchmark_without_sealing (!s->sealed);
  t0 = g_get_monotonic_time ();
  c0 = cpu_ms ();
  if (part == IMPORT)
    {
      gint64 id;

      g_assert_true (cd_application_store_create (s->ctx, app, FALSE, &id, &error));
    }
  else if (part == SEARCH)
    {
      g_autoptr(GPtrArray) found = cd_application_store_search (s->ctx, query, FALSE, &error);

      g_assert_no_error (error);
      /* a whole mobile or name finds its one application on both sides; a part of a unit's name, many */
      g_assert_cmpuint (found->len, >, 0);
      if (!g_str_equal (query, "建设"))
        g_assert_cmpuint (found->len, ==, 1);
    }
  else
    {
      g_autofree char *today = cd_store_today (cd_context_get_store (s->ctx));
      CdReportQuery q = { today, today, 0, 0 };
      g_autoptr(JsonNode) r = cd_report_build (s->ctx, &q, &error);

      g_assert_no_error (error);
      g_assert_nonnull (r);
    }
  s->f.cpu[part] += cpu_ms () - c0;
  s->f.wall[part] += (g_get_monotonic_time () - t0) / 1000.0;
  cd_field_benchmark_without_sealing (FALSE);
}

/* BENCH_CRYPT_ONLY=clear or =sealed: that side only, for a profiler (perf record) of it */
static const char *only;

/* Operation @n on both sides, which one first alternating with @n. */
static void
both (Side sides[2], guint n, int part, CdApplication *app, const char *query)
{
  for (guint k = 0; k < 2; k++)
    {
      Side *s = &sides[(n + k) % 2];

      if (!only || g_str_equal (only, s->sealed ? "sealed" : "clear"))
        timed (s, part, app, query);
    }
}

static void
run (Figures *clear, Figures *sealed)
{
  g_autoptr(CdApplication) person = fixture ("app-bj-person.json");
  g_autoptr(CdApplication) unit = fixture ("app-nmg-new.json");
  Side sides[2];

  side_open (&sides[0], FALSE);
  side_open (&sides[1], TRUE);
  for (guint i = 0; i < N_APPS; i++)
    {
      if (i % 2 == 0)
        {
          g_free (person->person->name);
          /* "号" after the number: no name is a part of another, so a search by a whole name finds one
           * application whether names are sealed (blind index) or clear (LIKE '%…%'): the same work both sides */
          person->person->name = g_strdup_printf ("张三%u号", i);
          g_free (person->person->mobile);
          person->person->mobile = g_strdup_printf ("139%08u", i);
        }
      both (sides, i, IMPORT, i % 2 ? unit : person, NULL);
    }
  for (guint i = 0; i < N_SEARCHES; i++)
    {
      g_autofree char *q = i % 3 == 0 ? g_strdup_printf ("139%08u", (i * 7) % N_APPS & ~1u)
                           : i % 3 == 1 ? g_strdup_printf ("张三%u号", (i * 11) % N_APPS & ~1u) : g_strdup ("建设");

      both (sides, i, SEARCH, NULL, q);
    }
  for (guint i = 0; i < N_REPORTS; i++)
    both (sides, i, REPORT, NULL, NULL);
  *clear = sides[0].f;
  *sealed = sides[1].f;
  side_close (&sides[0]);
  side_close (&sides[1]);
}

/* The best of the rounds, each side and part on its own. */
static void
keep_best (Figures *best, const Figures *f)
{
  for (int p = 0; p < N_PARTS; p++)
    {
      best->wall[p] = MIN (best->wall[p], f->wall[p]);
      best->cpu[p] = MIN (best->cpu[p], f->cpu[p]);
    }
}

int
main (int argc, char **argv)
{
  Figures off, on;

  only = g_getenv ("BENCH_CRYPT_ONLY");
  for (int p = 0; p < N_PARTS; p++)
    off.wall[p] = off.cpu[p] = G_MAXDOUBLE;
  on = off;
  for (guint i = 0; i < ROUNDS; i++)
    {
      Figures clear, sealed;

      run (&clear, &sealed);
      keep_best (&off, &clear);
      keep_best (&on, &sealed);
    }
  printf ("bench-crypt: %d applications imported (half persons, half units), %d searches (mobile, person's name, "
          "part of a unit's name), %d day reports, each done on a database with personal values sealed "
          "(AES-256-GCM) and right after or before on one storing them in the clear, blind indexes in both; "
          "best of %d rounds, wall-clock and process CPU time\n", N_APPS, N_SEARCHES, N_REPORTS, ROUNDS);
  for (int p = 0; p < N_PARTS; p++)
    printf ("  %-7s wall: clear %8.1f ms  sealed %8.1f ms  %+6.1f %%   CPU: clear %8.1f ms  sealed %8.1f ms  "
            "%+6.1f %%\n", part_names[p], off.wall[p], on.wall[p], 100.0 * (on.wall[p] - off.wall[p]) / off.wall[p],
            off.cpu[p], on.cpu[p], 100.0 * (on.cpu[p] - off.cpu[p]) / off.cpu[p]);
  return 0;
}
