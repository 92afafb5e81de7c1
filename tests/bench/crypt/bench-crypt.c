/* bench-crypt.c: the counter's work with personal data sealed beside the same work stored in the clear
 * (cd_field_benchmark_without_sealing): importing applications (persons and units), searching by ID number, mobile,
 * name and a part of a unit's name, and a day's report. Prints the figures and the ratio. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "cd-application-store.h"
#include "cd-field-crypt.h"
#include "cd-report.h"

#define N_APPS     1000
#define N_SEARCHES 150
#define N_REPORTS  20
#define ROUNDS     3

typedef struct { double import_ms, search_ms, report_ms; } Figures;

static CdApplication *
fixture (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_load_file (path, &error);

  g_assert_no_error (error);
  return app;
}

static Figures
run (gboolean sealed)
{
  g_autofree char *dir = g_dir_make_tmp ("certdesk-bench-crypt-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(CdApplication) person = fixture ("app-bj-person.json");
  g_autoptr(CdApplication) unit = fixture ("app-nmg-new.json");
  g_autofree char *today = NULL;
  Figures f;
  gint64 t0;

  cd_field_benchmark_without_sealing (!sealed);
  ctx = cd_context_new (dir, NULL, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_APPS; i++)
    {
      CdApplication *app = i % 2 ? unit : person;
      gint64 id;

      if (app == person)
        {
          g_free (person->person->name);
          person->person->name = g_strdup_printf ("张三%u", i);
          g_free (person->person->mobile);
          person->person->mobile = g_strdup_printf ("139%08u", i);
        }
      g_assert_true (cd_application_store_create (ctx, app, FALSE, &id, &error));
    }
  f.import_ms = (g_get_monotonic_time () - t0) / 1000.0;
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_SEARCHES; i++)
    {
      g_autofree char *q = i % 3 == 0 ? g_strdup_printf ("139%08u", (i * 7) % N_APPS & ~1u)
                           : i % 3 == 1 ? g_strdup_printf ("张三%u", (i * 11) % N_APPS & ~1u) : g_strdup ("建设");
      g_autoptr(GPtrArray) found = cd_application_store_search (ctx, q, FALSE, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (found->len, >, 0);
    }
  f.search_ms = (g_get_monotonic_time () - t0) / 1000.0;
  today = cd_store_today (cd_context_get_store (ctx));
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_REPORTS; i++)
    {
      CdReportQuery q = { today, today, 0, 0 };
      g_autoptr(JsonNode) r = cd_report_build (ctx, &q, &error);

      g_assert_no_error (error);
    }
  f.report_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_clear_object (&ctx);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  cd_field_benchmark_without_sealing (FALSE);
  return f;
}

/* The machine is shared (other builds and tests): the rounds alternate clear and sealed, and the best of each is
 * compared. */
static void
keep_best (Figures *best, Figures f)
{
  best->import_ms = MIN (best->import_ms, f.import_ms);
  best->search_ms = MIN (best->search_ms, f.search_ms);
  best->report_ms = MIN (best->report_ms, f.report_ms);
}

int
main (int argc, char **argv)
{
  Figures off = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE }, on = off;

  for (guint i = 0; i < ROUNDS; i++)
    {
      keep_best (&off, run (FALSE));
      keep_best (&on, run (TRUE));
    }
  printf ("bench-crypt: %d applications imported, %d searches, %d day reports; best of %d rounds each\n", N_APPS,
          N_SEARCHES, N_REPORTS, ROUNDS);
  printf ("  import  clear %8.1f ms  sealed %8.1f ms  %+.1f %%\n", off.import_ms, on.import_ms,
          100.0 * (on.import_ms - off.import_ms) / off.import_ms);
  printf ("  search  clear %8.1f ms  sealed %8.1f ms  %+.1f %%\n", off.search_ms, on.search_ms,
          100.0 * (on.search_ms - off.search_ms) / off.search_ms);
  printf ("  report  clear %8.1f ms  sealed %8.1f ms  %+.1f %%\n", off.report_ms, on.report_ms,
          100.0 * (on.report_ms - off.report_ms) / off.report_ms);
  return 0;
}
