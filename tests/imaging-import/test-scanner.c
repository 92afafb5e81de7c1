/* test-scanner.c: the SANE `test` backend stands in for a scanner: device list, scan, preview, cancel.
 * SANE_CONFIG_DIR points at a temporary folder whose dll.conf enables only `test` (Debian ships it
 * disabled). Each CdScanner starts SANE afresh, so each test can configure the backend its own way. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <dlfcn.h>
#include <glib/gstdio.h>

#include "cd-scanner.h"

typedef struct {
  gboolean   done;
  GError    *error;
  GPtrArray *devices;
  GdkPixbuf *pixbuf;
  double     dpi;
  guint      progress_calls;
  double     last_progress;
  GCancellable *cancel_on_progress;
} Wait;

static char *config_dir;

/* The test backend leaks its reader thread's buffer when a scan is cancelled (a SANE bug, not ours). The
 * backend is pinned in memory (RTLD_NODELETE) so that LeakSanitizer can still name it after sane_exit. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libsane-test.so\n";
}

static void
pin_test_backend (void)
{
  g_autofree char *path = g_build_filename (SANE_BACKEND_DIR, "libsane-test.so.1", NULL);

  if (!dlopen (path, RTLD_NOW | RTLD_NODELETE))
    g_test_message ("cannot pin %s: %s", path, dlerror ());
}

static void
write_config (const char *test_conf)
{
  g_autofree char *dll = g_build_filename (config_dir, "dll.conf", NULL);
  g_autofree char *test = g_build_filename (config_dir, "test.conf", NULL);

  g_assert_true (g_file_set_contents (dll, "test\n", -1, NULL));
  g_assert_true (g_file_set_contents (test, test_conf, -1, NULL));
}

static void
on_devices_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->devices = cd_scanner_list_devices_finish (CD_SCANNER (source), result, &w->error);
  w->done = TRUE;
}

static void
on_scan_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->pixbuf = cd_scanner_scan_finish (CD_SCANNER (source), result, &w->dpi, &w->error);
  w->done = TRUE;
}

static void
on_progress_cb (double fraction, gpointer user_data)
{
  Wait *w = user_data;

  g_assert_cmpfloat (fraction, >=, w->last_progress);
  w->progress_calls++;
  w->last_progress = fraction;
  if (w->cancel_on_progress && fraction > 0.05)
    g_cancellable_cancel (w->cancel_on_progress);
}

static void
wait_done (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_devices (void)
{
  g_autoptr(CdScanner) scanner = NULL;
  Wait w = { 0 };
  gboolean found = FALSE;

  write_config ("number_of_devices 2\n");
  scanner = cd_scanner_new ();
  cd_scanner_list_devices_async (scanner, NULL, on_devices_cb, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  for (guint i = 0; i < w.devices->len; i++)
    {
      CdScanDevice *d = w.devices->pdata[i];

      g_test_message ("%s: %s %s (%s)", d->name, d->vendor, d->model, d->type);
      found |= g_strcmp0 (d->name, "test:0") == 0;
    }
  g_assert_true (found);
  g_ptr_array_unref (w.devices);
}

static void
test_scan_color_and_gray (void)
{
  g_autoptr(CdScanner) scanner = NULL;
  CdScanSettings color = { .dpi = 100, .mode = CD_SCAN_MODE_COLOR };
  CdScanSettings preview = { .dpi = 0, .mode = CD_SCAN_MODE_GRAY, .preview = TRUE };
  Wait w = { 0 };

  write_config ("number_of_devices 1\ntest-picture \"Color pattern\"\n");
  scanner = cd_scanner_new ();
  cd_scanner_scan_async (scanner, "test:0", &color, on_progress_cb, &w, NULL, NULL, on_scan_cb, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_nonnull (w.pixbuf);
  g_assert_cmpfloat (w.dpi, ==, 100);
  /* The test device's default area is 80 × 100 mm. */
  g_assert_cmpint (ABS (gdk_pixbuf_get_width (w.pixbuf) - 315), <=, 2);
  g_assert_cmpint (ABS (gdk_pixbuf_get_height (w.pixbuf) - 394), <=, 2);
  g_assert_cmpuint (w.progress_calls, >=, 1);
  g_assert_cmpfloat (w.last_progress, ==, 1.0);
  g_clear_object (&w.pixbuf);

  memset (&w, 0, sizeof w);
  cd_scanner_scan_async (scanner, "test:0", &preview, NULL, NULL, NULL, NULL, on_scan_cb, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_assert_cmpfloat (w.dpi, ==, 75);
  g_assert_cmpint (ABS (gdk_pixbuf_get_width (w.pixbuf) - 236), <=, 2);
  g_clear_object (&w.pixbuf);
}

static void
test_scan_errors (void)
{
  g_autoptr(CdScanner) scanner = NULL;
  CdScanSettings s = { .dpi = 300, .mode = CD_SCAN_MODE_GRAY };
  Wait w = { 0 };

  write_config ("number_of_devices 1\n");
  scanner = cd_scanner_new ();
  cd_scanner_scan_async (scanner, "test:7", &s, NULL, NULL, NULL, NULL, on_scan_cb, &w);
  wait_done (&w);
  g_assert_null (w.pixbuf);
  g_assert_error (w.error, CD_SCANNER_ERROR, CD_SCANNER_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (w.error->message, "“test:7”"));
  g_clear_error (&w.error);
}

/* A slow scanner (small reads with a delay): cancelling mid-page stops it and reports G_IO_ERROR_CANCELLED. */
static void
test_scan_cancel (void)
{
  g_autoptr(CdScanner) scanner = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CdScanSettings s = { .dpi = 300, .mode = CD_SCAN_MODE_GRAY };
  Wait w = { 0 };
  gint64 start;

  write_config ("number_of_devices 1\nread-limit true\nread-limit-size 2048\nread-delay true\n"
                "read-delay-duration 5000\n");
  scanner = cd_scanner_new ();
  w.cancel_on_progress = cancellable;
  start = g_get_monotonic_time ();
  cd_scanner_scan_async (scanner, "test:0", &s, on_progress_cb, &w, NULL, cancellable, on_scan_cb, &w);
  wait_done (&w);
  g_assert_null (w.pixbuf);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (w.last_progress, <, 1.0);
  /* The whole page would take about 545 reads × 5 ms; a cancel stops well before. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&w.error);

  /* The scanner thread is still usable afterwards. */
  memset (&w, 0, sizeof w);
  cd_scanner_list_devices_async (scanner, NULL, on_devices_cb, &w);
  wait_done (&w);
  g_assert_no_error (w.error);
  g_ptr_array_unref (w.devices);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  config_dir = g_dir_make_tmp ("cd-sane-XXXXXX", NULL);
  /* Read at every sane_init (each new CdScanner); set before any thread exists. */
  g_setenv ("SANE_CONFIG_DIR", config_dir, TRUE);
  pin_test_backend ();
  g_test_add_func ("/scanner/devices", test_devices);
  g_test_add_func ("/scanner/scan", test_scan_color_and_gray);
  g_test_add_func ("/scanner/errors", test_scan_errors);
  g_test_add_func ("/scanner/cancel", test_scan_cancel);
  rc = g_test_run ();
  {
    g_autofree char *dll = g_build_filename (config_dir, "dll.conf", NULL);
    g_autofree char *test = g_build_filename (config_dir, "test.conf", NULL);

    g_unlink (dll);
    g_unlink (test);
    g_rmdir (config_dir);
    g_free (config_dir);
  }
  return rc;
}
