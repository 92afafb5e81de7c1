/* bench-seal-extract.c: median seal-extraction time per 300-dpi form against decoding alone. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sched.h>
#endif

#include "cd-seal-extract.h"

#define RUNS 7

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void
pin_to_one_core (void)
{
#ifdef __linux__
  cpu_set_t set;

  /* the target is per core: keep the kernel from spreading the run */
  CPU_ZERO (&set);
  CPU_SET (0, &set);
  sched_setaffinity (0, sizeof set, &set);
#endif
}

int
main (int argc, char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) decode_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) extract_ms = g_array_new (FALSE, FALSE, sizeof (double));
  const char *forms = argc > 1 ? argv[1] : NULL;
  const char *name;
  double dec, ext;

  if (forms == NULL || (dir = g_dir_open (forms, 0, &error)) == NULL)
    {
      printf ("seal-extract benchmark: no forms folder (%s): skipped\n", forms ? forms : "none given");
      return 77;
    }
  pin_to_one_core ();
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".jpg") || g_str_has_suffix (name, ".jpeg"))
      g_ptr_array_add (names, g_build_filename (forms, name, NULL));

  for (guint i = 0; i < names->len; i++)
    {
      const char *path = g_ptr_array_index (names, i);
      g_autoptr(CdSealResult) first = cd_seal_extract_file (path, 0, 0, NULL, NULL);
      double d[RUNS], e[RUNS];

      /* 300-dpi forms only (the target's unit); the first run warms the caches */
      if (first == NULL || first->dpi < 250)
        continue;
      for (int k = 0; k < RUNS; k++)
        {
          gint64 t0, t1, t2;
          g_autoptr(CdSealResult) result = NULL;

          t0 = g_get_monotonic_time ();
          if (!cd_seal_decode_only (path, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          t1 = g_get_monotonic_time ();
          result = cd_seal_extract_file (path, 0, 0, NULL, &error);
          if (result == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          t2 = g_get_monotonic_time ();
          d[k] = (t1 - t0) / 1000.0;
          e[k] = (t2 - t1) / 1000.0;
        }
      dec = median (d, RUNS);
      ext = median (e, RUNS);
      g_array_append_val (decode_ms, dec);
      g_array_append_val (extract_ms, ext);
      printf ("  %-40s decode %7.1f ms   extract %7.1f ms   ratio %.2f\n",
              path + strlen (forms) + 1, dec, ext, ext / dec);
    }
  if (decode_ms->len == 0)
    {
      printf ("seal-extract benchmark: no 300-dpi forms in %s: skipped\n", forms);
      return 77;
    }
  dec = median ((double *) decode_ms->data, decode_ms->len);
  ext = median ((double *) extract_ms->data, extract_ms->len);
  printf ("seal-extract benchmark: %u forms at 300 dpi, median of %d runs each, one core\n",
          decode_ms->len, RUNS);
  printf ("peer (floor): decode only (read + leptonica decode of the same file)\n");
  printf ("median decode-only time:   %.1f ms\n", dec);
  printf ("median extraction time:    %.1f ms (decode + boxes + ink + judgement)\n", ext);
  printf ("ratio extract/decode:      %.2f (target <= 2.00: %s)\n", ext / dec, ext / dec <= 2.0 ? "met" : "NOT met");
  return 0;
}
