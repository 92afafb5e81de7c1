/* test-cli-stderr.c: certdesk-cli on damaged images and PDFs says one line of its own on stderr (the
 * decoders' complaints go to the debug log), and a full disk during the local CA's set-up exits 5. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "../unit/cd-test-context.h"

typedef struct {
  char *dir;
  char *db;
  char *mount;     /* a tmpfs mounted by the test, or NULL */
  const char *env_name, *env_value;   /* one more variable for the runs, or NULL */
} Fixture;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("certdesk-cli-stderr-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "test.db", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->mount)
    umount2 (f->mount, MNT_DETACH);
  g_free (f->mount);
  cd_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* Runs certdesk-cli with @data_dir (NULL: the fixture's folder); @debug sets G_MESSAGES_DEBUG=all. */
static void
run_cli_in (Fixture *f, Run *r, const char *data_dir, gboolean debug, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  if (f->env_name)
    g_subprocess_launcher_setenv (launcher, f->env_name, f->env_value, TRUE);
  if (debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (char *) (data_dir ? data_dir : f->dir));
  va_start (ap, debug);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
}

#define run_cli(f, r, debug, ...) run_cli_in ((f), (r), NULL, (debug), __VA_ARGS__)

/* Exactly one line, the CLI's own, naming @what. */
static void
assert_one_line (const Run *r, const char *what)
{
  const char *nl = strchr (r->err, '\n');

  g_test_message ("stderr: %s", r->err);
  g_assert_true (g_str_has_prefix (r->err, "certdesk-cli: "));
  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, ==, "");
  if (what)
    g_assert_nonnull (strstr (r->err, what));
}

static char *
write_file (Fixture *f, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, len, &error));
  g_assert_no_error (error);
  return path;
}

/* A page-sized scan: white with a few dark lines, like a form (150 dpi A4). */
static cairo_surface_t *
draw_page (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1240, 1754);
  cairo_t *cr = cairo_create (s);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  cairo_set_line_width (cr, 3);
  for (int i = 0; i < 12; i++)
    {
      cairo_move_to (cr, 100, 150 + i * 120);
      cairo_line_to (cr, 1140, 150 + i * 120 + (i % 3) * 7);
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
  return s;
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GByteArray *
page_png (void)
{
  cairo_surface_t *s = draw_page ();
  GByteArray *png = g_byte_array_new ();

  g_assert_cmpint (cairo_surface_write_to_png_stream (s, append_bytes, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  return png;
}

static GByteArray *
page_jpeg (void)
{
  cairo_surface_t *s = draw_page ();
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buf = NULL;
  gsize len = 0;
  GByteArray *jpeg = g_byte_array_new ();

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1240, 1754);
  cairo_surface_flush (s);
  for (int y = 0; y < 1754; y++)
    {
      const guint32 *src = (const guint32 *) (cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s));
      guint8 *dst = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf);

      for (int x = 0; x < 1240; x++)       /* cairo: 0x00RRGGBB words */
        {
          dst[3 * x] = src[x] >> 16;
          dst[3 * x + 1] = src[x] >> 8;
          dst[3 * x + 2] = src[x];
        }
    }
  cairo_surface_destroy (s);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, "jpeg", &error, "quality", "85", NULL));
  g_assert_no_error (error);
  g_byte_array_append (jpeg, (const guint8 *) buf, len);
  return jpeg;
}

/* The offset of the first JPEG marker @code (0xFF @code) after the SOI. */
static gsize
find_marker (GByteArray *jpeg, guint8 code)
{
  for (gsize i = 2; i + 1 < jpeg->len; i++)
    if (jpeg->data[i] == 0xff && jpeg->data[i + 1] == code)
      return i;
  g_assert_not_reached ();
}

/* A JPEG whose scan stops a third of the way in, closed with EOI: libjpeg warns "premature end of data". */
static GByteArray *
short_scan_jpeg (void)
{
  g_autoptr(GByteArray) jpeg = page_jpeg ();
  gsize sos = find_marker (jpeg, 0xda);
  gsize cut = sos + (jpeg->len - sos) / 3;
  GByteArray *out = g_byte_array_new ();
  static const guint8 eoi[] = { 0xff, 0xd9 };

  g_byte_array_append (out, jpeg->data, cut);
  if (out->data[out->len - 1] == 0xff)
    out->len--;
  g_byte_array_append (out, eoi, sizeof eoi);
  return out;
}

/* A one-page A4 PDF whose only content is @jpeg as a DCT image (embedded as it is, not re-encoded). */
static GByteArray *
pdf_with_jpeg (GByteArray *jpeg)
{
  GByteArray *pdf = g_byte_array_new ();
  cairo_surface_t *page = cairo_pdf_surface_create_for_stream (append_bytes, pdf, 595.276, 841.89);
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1240, 1754);
  guint8 *copy = g_memdup2 (jpeg->data, jpeg->len);
  cairo_t *cr = cairo_create (page);

  g_assert_cmpint (cairo_surface_set_mime_data (img, CAIRO_MIME_TYPE_JPEG, copy, jpeg->len, g_free, copy), ==,
                   CAIRO_STATUS_SUCCESS);
  cairo_scale (cr, 595.276 / 1240, 841.89 / 1754);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (img);
  cairo_surface_finish (page);
  g_assert_cmpint (cairo_surface_status (page), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (page);
  return pdf;
}

static void
test_seal_png (Fixture *f, gconstpointer data)
{
  g_autoptr(GByteArray) png = page_png ();
  g_autofree char *truncated = write_file (f, "truncated.png", png->data, png->len * 2 / 3);
  g_autofree char *damaged = NULL;
  g_auto(Run) t = { 0 };
  g_auto(Run) d = { 0 };
  g_auto(Run) dbg = { 0 };

  /* bytes changed inside the image data: libpng's CRC check fails */
  for (gsize i = png->len / 3; i < png->len / 3 + 64; i++)
    png->data[i] ^= 0x5a;
  damaged = write_file (f, "damaged.png", png->data, png->len);

  run_cli (f, &t, FALSE, "seal-extract", truncated, "--out", f->dir, NULL);
  g_assert_cmpint (t.status, ==, 1);
  g_assert_cmpstr (t.out, ==, "");
  assert_one_line (&t, "truncated.png");
  g_assert_null (strstr (t.err, "libpng"));

  run_cli (f, &d, FALSE, "seal-extract", damaged, "--out", f->dir, NULL);
  g_assert_cmpint (d.status, ==, 1);
  assert_one_line (&d, "damaged.png");

  /* the library's own line is still there for whoever asks */
  run_cli (f, &dbg, TRUE, "seal-extract", damaged, "--out", f->dir, NULL);
  g_assert_cmpint (dbg.status, ==, 1);
  g_assert_cmpstr (dbg.out, ==, "");
  g_assert_nonnull (strstr (dbg.err, "libpng-DEBUG"));
  g_assert_nonnull (strstr (dbg.err, "libpng error"));
  g_assert_nonnull (strstr (dbg.err, "certdesk-cli: "));
}

static void
test_seal_jpeg (Fixture *f, gconstpointer data)
{
  g_autoptr(GByteArray) jpeg = page_jpeg ();
  g_autoptr(GByteArray) shortened = short_scan_jpeg ();
  static const guint8 junk[16] = { 0 };
  g_autofree char *extra = NULL;
  g_autofree char *cut = write_file (f, "short-scan.jpg", shortened->data, shortened->len);
  g_auto(Run) e = { 0 };
  g_auto(Run) c = { 0 };
  g_auto(Run) dbg = { 0 };

  /* 16 stray bytes before the quantisation table: libjpeg warns and goes on, the extractor refuses */
  {
    gsize dqt = find_marker (jpeg, 0xdb);
    g_autoptr(GByteArray) out = g_byte_array_new ();

    g_byte_array_append (out, jpeg->data, dqt);
    g_byte_array_append (out, junk, sizeof junk);
    g_byte_array_append (out, jpeg->data + dqt, jpeg->len - dqt);
    extra = write_file (f, "stray-bytes.jpg", out->data, out->len);
  }

  run_cli (f, &e, FALSE, "seal-extract", extra, "--out", f->dir, NULL);
  g_assert_cmpint (e.status, ==, 1);
  assert_one_line (&e, "stray-bytes.jpg");
  g_assert_null (strstr (e.err, "Corrupt JPEG"));

  run_cli (f, &c, FALSE, "seal-extract", cut, "--out", f->dir, NULL);
  g_assert_cmpint (c.status, ==, 1);
  assert_one_line (&c, "short-scan.jpg");

  run_cli (f, &dbg, TRUE, "seal-extract", extra, "--out", f->dir, NULL);
  g_assert_cmpint (dbg.status, ==, 1);
  g_assert_nonnull (strstr (dbg.err, "libjpeg-DEBUG"));
  g_assert_nonnull (strstr (dbg.err, "extraneous bytes before marker"));
}

/* poppler decodes the PDF's damaged image with libjpeg's default messages: seal-extract and scan-import */
static void
test_pdf_damaged_image (Fixture *f, gconstpointer data)
{
  g_autoptr(GByteArray) jpeg = short_scan_jpeg ();
  g_autoptr(GByteArray) pdf = pdf_with_jpeg (jpeg);
  g_autofree char *path = write_file (f, "damaged-image.pdf", pdf->data, pdf->len);
  g_autofree char *app = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                           "app-bj-person.json", NULL);
  g_auto(Run) s = { 0 };
  g_auto(Run) sdbg = { 0 };
  g_auto(Run) imp = { 0 };
  g_auto(Run) scan = { 0 };
  g_auto(Run) scan_dbg = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  run_cli (f, &s, FALSE, "seal-extract", path, "--out", f->dir, NULL);
  g_assert_cmpint (s.status, ==, 1);               /* a blank page: no sample boxes */
  assert_one_line (&s, NULL);
  g_assert_null (strstr (s.err, "JPEG"));
  run_cli (f, &sdbg, TRUE, "seal-extract", path, "--out", f->dir, NULL);
  g_assert_nonnull (strstr (sdbg.err, "Poppler-DEBUG"));
  g_assert_nonnull (strstr (sdbg.err, "Corrupt JPEG data"));

  /* scan-import takes the page (poppler draws what it could decode): nothing at all on stderr */
  run_cli (f, &imp, FALSE, "application", "import", app, NULL);
  g_assert_cmpint (imp.status, ==, 0);
  run_cli (f, &scan, FALSE, "scan-import", "--application", "1", "--material", "application_form", path, NULL);
  g_test_message ("scan-import: %s", scan.err);
  g_assert_cmpint (scan.status, ==, 0);
  g_assert_cmpstr (scan.err, ==, "");
  /* with the debug log on, the line is on stderr and stdout is still the JSON alone */
  run_cli (f, &scan_dbg, TRUE, "scan-import", "--application", "1", "--material", "application_form", path, NULL);
  g_assert_cmpint (scan_dbg.status, ==, 0);
  g_assert_nonnull (strstr (scan_dbg.err, "Poppler-DEBUG"));
  g_assert_true (json_parser_load_from_data (parser, scan_dbg.out, -1, &error));
  g_assert_no_error (error);
}

/* Another library's g_warning (GIO's, for a VFS module that is not there) is a debug message in the CLI. */
static void
test_foreign_warning (Fixture *f, gconstpointer data)
{
  g_autofree char *app = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                           "app-bj-person.json", NULL);
  g_autoptr(GByteArray) png = page_png ();
  g_autofree char *path = write_file (f, "page.png", png->data, png->len);
  g_auto(Run) imp = { 0 };
  g_auto(Run) scan = { 0 };
  g_auto(Run) dbg = { 0 };

  run_cli (f, &imp, FALSE, "application", "import", app, NULL);
  g_assert_cmpint (imp.status, ==, 0);
  f->env_name = "GIO_USE_VFS";
  f->env_value = "certdesk-no-such-vfs";
  run_cli (f, &scan, FALSE, "scan-import", "--application", "1", "--material", "application_form", path, NULL);
  g_assert_cmpint (scan.status, ==, 0);
  g_assert_cmpstr (scan.err, ==, "");
  run_cli (f, &dbg, TRUE, "scan-import", "--application", "1", "--material", "application_form", path, NULL);
  g_assert_cmpint (dbg.status, ==, 0);
  g_assert_nonnull (strstr (dbg.err, "GLib-GIO-DEBUG"));
  g_assert_nonnull (strstr (dbg.err, "certdesk-no-such-vfs"));
}

/* A disk that fills during the local CA's set-up (its key is the first thing written) is storage: 5. */
static void
test_ca_setup_disk_full (Fixture *f, gconstpointer data)
{
  g_autofree char *mnt = g_build_filename (f->dir, "small", NULL);
  g_autofree char *data_dir = g_build_filename (mnt, "data", NULL);
  g_autofree char *filler = g_build_filename (mnt, "filler", NULL);
  g_autofree char *slip = g_build_filename (f->dir, "slip.txt", NULL);
  g_autofree char *app = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                           "app-bj-person.json", NULL);
  g_autofree char *zeros = g_malloc0 (4096);
  g_auto(Run) imp = { 0 };
  g_auto(Run) burn = { 0 };
  FILE *fp;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (mount ("none", mnt, "tmpfs", 0, "size=1m") != 0)
    {
      g_test_skip_printf ("a 1 MiB tmpfs cannot be mounted here (%s): needs root", g_strerror (errno));
      return;
    }
  f->mount = g_strdup (mnt);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  /* the database lives outside the small disk: only the CA's files meet the full disk */
  run_cli_in (f, &imp, data_dir, FALSE, "application", "import", app, NULL);
  g_assert_cmpint (imp.status, ==, 0);
  fp = fopen (filler, "wb");
  g_assert_nonnull (fp);
  while (fwrite (zeros, 1, 4096, fp) == 4096 && fflush (fp) == 0)
    ;
  fclose (fp);

  run_cli_in (f, &burn, data_dir, FALSE, "burn", "--id", "1", "--pin-slip", slip, NULL);
  g_assert_cmpint (burn.status, ==, 5);
  assert_one_line (&burn, "ca-key.pem");
  g_assert_false (g_file_test (slip, G_FILE_TEST_EXISTS));
}

/* A USB key module that is not there, or a file that is no PKCS#11 module: our one sentence, exit 3, and not
 * libp11's own line before it. */
static void
test_missing_module (Fixture *f, gconstpointer data)
{
  g_autofree char *app = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                           "app-bj-person.json", NULL);
  g_autofree char *slip = g_build_filename (f->dir, "slip.txt", NULL);
  g_autofree char *foreign = write_file (f, "not-a-module.so", "\x7f" "ELF junk", 8);
  g_auto(Run) imp = { 0 };
  g_auto(Run) missing = { 0 };
  g_auto(Run) junk = { 0 };

  run_cli (f, &imp, FALSE, "application", "import", app, NULL);
  g_assert_cmpint (imp.status, ==, 0);
  run_cli (f, &missing, FALSE, "burn", "--id", "1", "--pin-slip", slip, "--module", "/nonexistent/vendor-p11.so", NULL);
  g_assert_cmpint (missing.status, ==, 3);
  assert_one_line (&missing, "/nonexistent/vendor-p11.so");
  run_cli (f, &junk, FALSE, "burn", "--id", "1", "--pin-slip", slip, "--module", foreign, NULL);
  g_assert_cmpint (junk.status, ==, 3);
  assert_one_line (&junk, "not a PKCS#11 module");
}

/* A seal image path to an endless device is refused by its size after one byte over the limit, in well under
 * a second, before any key work. */
static void
test_seal_from_device (Fixture *f, gconstpointer data)
{
  g_autofree char *fixture = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                               "app-nmg-new.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *path = NULL;
  g_autofree char *slip = g_build_filename (f->dir, "slip.txt", NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *samples = json_object_new ();
  g_auto(Run) burn = { 0 };
  gint64 start;

  g_assert_true (g_file_get_contents (fixture, &text, NULL, NULL));
  node = json_from_string (text, NULL);
  json_object_set_string_member (samples, "unit_seal", "/dev/zero");
  json_object_set_object_member (json_node_get_object (node), "samples", samples);
  json_object_set_int_member (json_node_get_object (node), "seals", 1);
  out = json_to_string (node, FALSE);
  path = write_file (f, "zero-seal.json", out, strlen (out));
  start = g_get_monotonic_time ();
  run_cli (f, &burn, FALSE, "burn", "--application", path, "--pin-slip", slip, NULL);
  g_assert_cmpint (burn.status, ==, 1);
  assert_one_line (&burn, "The unit seal image");   /* named in words, not by its JSON path */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* The key and CA commands: help is help, a bad value is named, each refusal is one line. */
static void
test_pki_commands (Fixture *f, gconstpointer data)
{
  g_auto(Run) help = { 0 };
  g_auto(Run) serial = { 0 };
  g_auto(Run) reason = { 0 };
  g_auto(Run) burn = { 0 };
  g_auto(Run) accept = { 0 };

  run_cli (f, &help, FALSE, "ca", "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "pending"));
  run_cli (f, &serial, FALSE, "revoke", "--serial", "zz", NULL);
  g_assert_cmpint (serial.status, ==, 1);
  assert_one_line (&serial, "“zz”");
  run_cli (f, &reason, FALSE, "revoke", "--serial", "0A", "--reason", "bored", NULL);
  g_assert_cmpint (reason.status, ==, 2);
  assert_one_line (&reason, "“bored”");
  run_cli (f, &burn, FALSE, "burn", NULL);
  g_assert_cmpint (burn.status, ==, 2);
  assert_one_line (&burn, "--id");
  run_cli (f, &accept, FALSE, "accept", NULL);
  g_assert_cmpint (accept.status, ==, 2);
  assert_one_line (&accept, "APP.json");
}

/* --help lists what the command accepts: report takes pdf, validate takes taxpayer IDs; no command's help is
 * a usage error, and the usage line names the program and the command once. */
static void
test_help (Fixture *f, gconstpointer data)
{
  static const char *const commands[] = { "profiles", "checklist", "fee", "validate", "application", "price", "report",
                                          "audit", "seal-extract", "scan-import", "forms" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) r = { 0 };
      g_autofree char *usage = g_strdup_printf ("certdesk-cli %s", commands[i]);

      run_cli (f, &r, FALSE, commands[i], "--help", NULL);
      g_test_message ("%s --help: %s", commands[i], r.out);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_cmpstr (r.err, ==, "");
      g_assert_nonnull (strstr (r.out, usage));
      if (g_str_equal (commands[i], "report"))
        g_assert_nonnull (strstr (r.out, "csv or pdf"));
      if (g_str_equal (commands[i], "validate"))
        g_assert_nonnull (strstr (r.out, "taxpayer"));
    }
}

/* Bad input, one command at a time: one line, the exit code of the contract, the option named, what is
 * expected and the value given (no number the user did not type). */
static void
test_bad_input (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *args[12];
    int         status;
    const char *says;
  } cases[] = {
    { { "profiles", "extra" }, 2, "not “extra”" },
    { { "fee", "--profile", "bj-gov", "--business", "new", "--applicant", "enterprise", "--years", "0" }, 1,
      "--years must be between 1 and 10, not 0" },
    { { "price", "set", "--profile", "bj-gov", "--business", "new", "--variant", "v", "--item", "i", "--amount-fen",
        "-1" }, 1, "--amount-fen: a price is 0 fen or more, not -1" },
    { { "price", "list", "--profile", "nope" }, 1, "Unknown profile “nope”" },
    { { "report", "--date", "2026-12-01", "--outlet", "-3" }, 1, "--outlet: an outlet id is a number from 1, not -3" },
    { { "audit", "list", "--limit", "0" }, 1, "--limit: the number of rows is 1 or more, not 0" },
    { { "application", "pay", "1", "--method", "cash", "--amount-fen", "-5" }, 1,
      "--amount-fen: the amount paid is 0 fen or more, not -5" },
    { { "application", "show", "999" }, 1, "999" },
    { { "application", "void", "abc", "--reason", "typo" }, 2, "“abc” is not an application id" },
    { { "scan-import", "--application", "999", "--material", "x", "/etc/passwd" }, 1, "999" },
    { { "seal-extract", "/etc/passwd", "--out", "/tmp", "--samples", "17" }, 2, "between 1 and 16" },
    { { "report", "--date", "2026-12-01", "--format", "xml" }, 2, "“xml” is not json, csv or pdf" },
    /* 18 visible characters and a zero-width space: the space is named, not "18 characters, not 19" */
    { { "validate", "uscc", "91110108MA00L1L48W\u200b" }, 1, "character 19 (U+200B, invisible)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) r = { 0 };
      const char *const *a = cases[i].args;

      run_cli (f, &r, FALSE, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], NULL);
      g_test_message ("%s %s: exit %d, %s", a[0], a[1] ? a[1] : "", r.status, r.err);
      g_assert_cmpint (r.status, ==, cases[i].status);
      assert_one_line (&r, cases[i].says);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cli-stderr/seal-extract/png", test_seal_png);
  ADD ("/cli-stderr/seal-extract/jpeg", test_seal_jpeg);
  ADD ("/cli-stderr/pdf-damaged-image", test_pdf_damaged_image);
  ADD ("/cli-stderr/foreign-warning", test_foreign_warning);
  ADD ("/cli-stderr/ca-setup-disk-full", test_ca_setup_disk_full);
  ADD ("/cli-stderr/help", test_help);
  ADD ("/cli-stderr/missing-module", test_missing_module);
  ADD ("/cli-stderr/pki-commands", test_pki_commands);
  ADD ("/cli-stderr/seal-from-device", test_seal_from_device);
  ADD ("/cli-stderr/bad-input", test_bad_input);
  return g_test_run ();
}
