/* bench-seal-extract.c: median seal-extraction time per form against decoding alone: the 300-dpi
 * forms of a folder, and phone photos given one by one (150 dpi, keystone, the desk, uneven light).
 * usage: bench-seal-extract FORMS_DIR [PHOTO ...] */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sched.h>
#endif

#include "cd-seal-extract.h"

#define RUNS 9      /* per form, each run timing the decode and then the extraction */

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

/* CPU time of this thread, ms: on a shared machine another process may take the core for a
 * while, and wall time would charge that to whichever step was running. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
median_of_array (GArray *a)
{
  return median ((double *) a->data, a->len);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
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
  /* per-form medians: wall and CPU time of decoding alone and of the whole extraction */
  g_autoptr(GArray) dec_wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ext_wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) dec_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ext_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  const char *forms = argc > 1 ? argv[1] : NULL;
  const char *name;
  double dec, ext, cdec, cext;
  guint n_folder, n_photos = 0;

  if (forms == NULL || (dir = g_dir_open (forms, 0, &error)) == NULL)
    {
      printf ("seal-extract benchmark: no forms folder (%s): skipped\n", forms ? forms : "none given");
      return 77;
    }
  pin_to_one_core ();
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".jpg") || g_str_has_suffix (name, ".jpeg"))
      g_ptr_array_add (names, g_build_filename (forms, name, NULL));
  g_ptr_array_sort (names, compare_names);
  n_folder = names->len;
  /* the phone photos: any resolution */
  for (int a = 2; a < argc; a++)
    {
      if (g_file_test (argv[a], G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (argv[a]));
      else
        printf ("  (photo %s not found: left out)\n", argv[a]);
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *path = g_ptr_array_index (names, i);
      g_autoptr(CdSealResult) first = cd_seal_extract_file (path, 0, 0, NULL, NULL);
      double d[RUNS], e[RUNS], cd[RUNS], ce[RUNS];

      gboolean photo = i >= n_folder;

      /* the folder's 300-dpi forms (the target's unit) and the photos; the first run warms the caches */
      if (first == NULL || (!photo && first->dpi < 250))
        {
          if (photo)
            printf ("  (photo %s: no boxes found, left out)\n", path);
          continue;
        }
      n_photos += photo;
      for (int k = 0; k < RUNS; k++)
        {
          gint64 t0, t1, t2;
          double c0, c1, c2;
          g_autoptr(CdSealResult) result = NULL;

          /* decode-only and extraction alternate, so a slow spell of the machine hits both */
          t0 = g_get_monotonic_time ();
          c0 = thread_cpu_ms ();
          if (!cd_seal_decode_only (path, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          t1 = g_get_monotonic_time ();
          c1 = thread_cpu_ms ();
          result = cd_seal_extract_file (path, 0, 0, NULL, &error);
          if (result == NULL)
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          t2 = g_get_monotonic_time ();
          c2 = thread_cpu_ms ();
          d[k] = (t1 - t0) / 1000.0;
          e[k] = (t2 - t1) / 1000.0;
          cd[k] = c1 - c0;
          ce[k] = c2 - c1;
        }
      dec = median (d, RUNS);
      ext = median (e, RUNS);
      cdec = median (cd, RUNS);
      cext = median (ce, RUNS);
      g_array_append_val (dec_wall, dec);
      g_array_append_val (ext_wall, ext);
      g_array_append_val (dec_cpu, cdec);
      g_array_append_val (ext_cpu, cext);
      {
        g_autofree char *base = g_path_get_basename (path);
        g_autofree char *note = photo ? g_strdup_printf ("   (photo, %.0f dpi)", first->dpi) : g_strdup ("");

        printf ("  %-12s wall: decode %7.1f ms  extract %7.1f ms  ratio %.2f   cpu: decode %7.1f ms  extract %7.1f ms  ratio %.2f%s\n",
                base, dec, ext, ext / dec, cdec, cext, cext / cdec, note);
      }
    }
  if (dec_wall->len == 0)
    {
      printf ("seal-extract benchmark: no 300-dpi forms in %s: skipped\n", forms);
      return 77;
    }
  dec = median_of_array (dec_wall);
  ext = median_of_array (ext_wall);
  cdec = median_of_array (dec_cpu);
  cext = median_of_array (ext_cpu);
  printf ("seal-extract benchmark: %u forms at 300 dpi and %u phone photo(s), median of %d runs each, pinned to one core\n",
          dec_wall->len - n_photos, n_photos, RUNS);
  printf ("peer (the floor): decode only = read the file + leptonica decode to a 32 bpp page, exactly as the\n"
          "                  extraction reads it (cd_seal_decode_only)\n");
  printf ("target:           extraction time (decode included) <= 2.00 x decode-only time\n");
  printf ("median decode-only time:   %6.1f ms wall   %6.1f ms cpu\n", dec, cdec);
  printf ("median extraction time:    %6.1f ms wall   %6.1f ms cpu (decode + boxes + ink + judgement)\n", ext, cext);
  printf ("ratio extract/decode:      %6.2f wall     %6.2f cpu  (target <= 2.00: %s wall, %s cpu)\n",
          ext / dec, cext / cdec, ext / dec <= 2.0 ? "met" : "NOT met", cext / cdec <= 2.0 ? "met" : "NOT met");
  return 0;
}
