/* test-pki-seal-object.c: the chosen seal image on the key as a public data object (CKA_APPLICATION
 * "CertDesk seal", CKA_LABEL naming the key pair's CKA_ID, the PNG as CKA_VALUE), checked as an outsider
 * (pkcs11-tool, no login); none without a seal; refused before the key is touched when the image is not
 * the chosen one; replaced on renew and change; removed on rollback (the fault module). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-keys.h"
#include "cd-pki-error.h"
#include "cd-sample-store.h"
#include "cd-sealed-file.h"
#include "pki-test-util.h"

/* Two 1×1 PNG images (a red and a blue pixel). */
static const guchar red_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
  0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
  0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x38, 0x21, 0x27, 0x07, 0x00, 0x02, 0xb6, 0x01, 0x05, 0x34,
  0xa6, 0x75, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
static const guchar blue_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
  0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
  0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0x93, 0x3b, 0x01, 0x00, 0x01, 0x62, 0x01, 0x05, 0x11,
  0x1b, 0xa3, 0x21, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

typedef struct {
  PkiFixture base;
  char      *control;      /* the fault module's control file, when the test runs through it */
} SealFixture;

static void
seal_setup (SealFixture *f, gconstpointer data)
{
  pki_fixture_setup (&f->base, data);
  if (data != NULL)
    {
      f->control = g_build_filename (f->base.dir, "fault.conf", NULL);
      g_assert_true (g_file_set_contents (f->control, "", -1, NULL));
      g_setenv ("CD_FAULT_CONTROL", f->control, TRUE);
      g_setenv ("CD_FAULT_TARGET", PKI_SOFTHSM, TRUE);
      g_setenv ("PKI_MODULE", PKI_FAULT_MODULE, TRUE);
    }
}

static void
seal_teardown (SealFixture *f, gconstpointer data)
{
  g_unsetenv ("PKI_MODULE");
  pki_fixture_teardown (&f->base, data);
  g_free (f->control);
}

static char *
write_file (SealFixture *f, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (f->base.dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

/* The clerk's choice of @path as the unit seal, recorded as the seals page does (sample table). */
static void
choose_seal (SealFixture *f, gint64 id, const void *data, gsize len)
{
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_sample_store_set (f->base.ctx, id, "unit_seal", sha, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gint64
printed (SealFixture *f, const char *business, const char *existing, guint seals, const char *seal_path)
{
  g_autofree char *json = pki_app_json ("pki-ec", business, NULL, NULL, existing, seals, seal_path);

  return pki_application (&f->base, json, CD_STATE_PRINTED);
}

static CdBurnResult *
burn_ok (SealFixture *f, gint64 id, const char *pin, const char *so_pin)
{
  g_autoptr(GError) error = NULL;
  CdBurnResult *r = pki_burn (&f->base, id, "DEMO-A", pin, so_pin, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static char *
active_cka_id (SealFixture *f)
{
  return pki_db_text (&f->base, "SELECT cka_id FROM token WHERE state = 'active' ORDER BY updated_at DESC, id DESC LIMIT 1");
}

/* The data objects as pkcs11-tool lists them without logging in (they are public). */
static char *
outsider_data_list (void)
{
  return pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--list-objects",
                  "--type", "data", NULL);
}

static guint
count_data_objects (void)
{
  g_autofree char *list = outsider_data_list ();
  guint n = 0;

  for (const char *p = strstr (list, "Data object"); p; p = strstr (p + 1, "Data object"))
    n++;
  return n;
}

/* The seal object of the key pair @cka_id (application "CertDesk seal", the label naming the CKA_ID), read by
 * pkcs11-tool without logging in. */
static GBytes *
outsider_read_seal (SealFixture *f, const char *cka_id)
{
  g_autofree char *out = g_build_filename (f->base.dir, "seal-read.bin", NULL);
  g_autofree char *label = g_strdup_printf ("CertDesk seal %s", cka_id);
  g_autofree char *data = NULL;
  gsize len;

  g_unlink (out);
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--read-object",
                   "--type", "data", "--label", label, "--application-label", "CertDesk seal", "-o", out, NULL));
  g_assert_true (g_file_get_contents (out, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
assert_seal (SealFixture *f, const guchar *png, gsize len)
{
  g_autofree char *cka = active_cka_id (f);
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GBytes) want = g_bytes_new_static (png, len);

  g_assert_nonnull (cka);
  read = outsider_read_seal (f, cka);
  g_assert_true (g_bytes_equal (read, want));
  g_assert_cmpuint (count_data_objects (), ==, 1);
}

static void
test_new_with_seal (SealFixture *f, gconstpointer data)
{
  g_autofree char *png = write_file (f, "seal.png", red_png, sizeof red_png);
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *list = NULL;
  g_autofree char *cka = NULL;
  g_autofree char *label = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed (f, "new", NULL, 1, png);
  choose_seal (f, id, red_png, sizeof red_png);
  r = burn_ok (f, id, NULL, PKI_SO_PIN);
  assert_seal (f, red_png, sizeof red_png);
  /* The listing shows the label naming the key pair and the application attribute. */
  cka = active_cka_id (f);
  label = g_strdup_printf ("'CertDesk seal %s'", cka);
  list = outsider_data_list ();
  g_assert_nonnull (strstr (list, label));
  g_assert_nonnull (strstr (list, "application:    'CertDesk seal'"));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
}

static void
test_no_seal (SealFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  /* An e-seal ordered but no seal image chosen, and none ordered: no data object either way. */
  id = printed (f, "new", NULL, 1, NULL);
  r = burn_ok (f, id, NULL, PKI_SO_PIN);
  g_assert_nonnull (r->certificate_serial);
  g_assert_cmpuint (count_data_objects (), ==, 0);
}

static void
test_no_seal_ordered (SealFixture *f, gconstpointer data)
{
  g_autofree char *png = write_file (f, "seal.png", red_png, sizeof red_png);
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed (f, "new", NULL, 0, png);
  r = burn_ok (f, id, NULL, PKI_SO_PIN);
  g_assert_nonnull (r->certificate_serial);
  g_assert_cmpuint (count_data_objects (), ==, 0);
}

/* Not the chosen image, or not a PNG: refused before the key is touched (nothing journaled, key as shipped). */
static void
test_refused (SealFixture *f, gconstpointer data)
{
  g_autofree char *png = write_file (f, "seal.png", red_png, sizeof red_png);
  g_autofree char *text = write_file (f, "seal.txt", "not an image", 12);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed (f, "new", NULL, 1, png);
  choose_seal (f, id, blue_png, sizeof blue_png);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED);
  /* the seal named in words, not by the application's JSON path */
  g_assert_nonnull (strstr (error->message, "The unit seal image"));
  g_assert_null (strstr (error->message, "$."));
  g_clear_error (&error);

  id = printed (f, "new", NULL, 1, text);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "PNG"));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal"), ==, 0);
  /* The key still has the label and the PIN it was shipped with. */
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                   "--pin", "000000", "--list-objects", NULL));
}

/* @png sealed at rest as the seals page stores a chosen seal (a scan object under @keys). */
static char *
write_sealed (SealFixture *f, const char *name, CdKeys *keys, const guchar *png, gsize len)
{
  char *path = g_build_filename (f->base.dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_sealed_file_write (keys, path, CD_SEALED_FILE_SCAN_AAD, png, len, &error));
  g_assert_no_error (error);
  return path;
}

/* A seal chosen at the counter is a scan object sealed under the database's keys: the key gets the clear PNG
 * (read where every scan is read, cd-sealed-scans.h). The same object sealed on another counter (a copied
 * file) is refused by name before the key is touched. */
static void
test_sealed_at_rest (SealFixture *f, gconstpointer data)
{
  CdKeys *keys = cd_store_get_keys (cd_context_get_store (f->base.ctx));
  g_autoptr(CdKeys) stranger = cd_keys_new_random (NULL);
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdBurnResult) refused = NULL;
  g_autofree char *raw = NULL;
  gsize raw_len;
  gint64 id;

  g_assert_nonnull (keys);
  mine = write_sealed (f, "seal-object", keys, red_png, sizeof red_png);
  /* nothing of the PNG on disk */
  g_assert_true (g_file_get_contents (mine, &raw, &raw_len, NULL));
  g_assert_true (cd_keys_is_sealed_blob ((const guchar *) raw, raw_len));
  g_assert_null (g_strstr_len (raw, raw_len, "IHDR"));

  pki_make_token (&f->base, "DEMO-A");
  theirs = write_sealed (f, "copied-object", stranger, blue_png, sizeof blue_png);
  id = printed (f, "new", NULL, 1, theirs);
  choose_seal (f, id, blue_png, sizeof blue_png);
  refused = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED);
  /* the seal named in words, not by the application's JSON path */
  g_assert_nonnull (strstr (error->message, "The unit seal image"));
  g_assert_null (strstr (error->message, "$."));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal"), ==, 0);

  id = printed (f, "new", NULL, 1, mine);
  choose_seal (f, id, red_png, sizeof red_png);
  r = burn_ok (f, id, NULL, PKI_SO_PIN);
  assert_seal (f, red_png, sizeof red_png);
}

static void
set_clock (SealFixture *f, const char *iso)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  cd_store_set_now (cd_context_get_store (f->base.ctx), t);
}

/* Renew without a new choice carries the seal over to the new key pair; change with a new seal replaces it
 * under the same CKA_ID. Either way the key holds exactly one seal object, the right one. */
static void
test_renew_change (SealFixture *f, gconstpointer data)
{
  g_autofree char *red = write_file (f, "red.png", red_png, sizeof red_png);
  g_autofree char *blue = write_file (f, "blue.png", blue_png, sizeof blue_png);
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) renewed = NULL;
  g_autoptr(CdBurnResult) changed = NULL;
  g_autofree char *first_cka = NULL;
  g_autofree char *renew_cka = NULL;
  g_autofree char *change_cka = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  set_clock (f, "2026-01-10T09:00:00Z");
  id = printed (f, "new", NULL, 1, red);
  first = burn_ok (f, id, NULL, PKI_SO_PIN);
  first_cka = active_cka_id (f);
  assert_seal (f, red_png, sizeof red_png);

  set_clock (f, "2026-12-20T09:00:00Z");
  id = printed (f, "renew", NULL, 0, NULL);
  renewed = burn_ok (f, id, PKI_PIN, NULL);
  renew_cka = active_cka_id (f);
  g_assert_cmpstr (renew_cka, !=, first_cka);
  assert_seal (f, red_png, sizeof red_png);

  id = printed (f, "change", renewed->certificate_serial, 1, blue);
  choose_seal (f, id, blue_png, sizeof blue_png);
  changed = burn_ok (f, id, PKI_PIN, NULL);
  change_cka = active_cka_id (f);
  g_assert_cmpstr (change_cka, ==, renew_cka);
  assert_seal (f, blue_png, sizeof blue_png);
}

/* Verification fails after the write (the key's signature): the attempt's seal object goes with the rest. */
static void
test_rollback (SealFixture *f, gconstpointer data)
{
  g_autofree char *png = write_file (f, "seal.png", red_png, sizeof red_png);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed (f, "new", NULL, 1, png);
  /* The first signature is the CSR's; the second the verification's round trip. */
  g_assert_true (g_file_set_contents (f->control, "fail C_Sign CKR_DEVICE_ERROR skip 1\n", -1, NULL));
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_nonnull (error);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal WHERE step = 'verify' AND phase = 'rolled-back'"),
                   ==, 1);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal WHERE step = 'write' AND phase = 'done'"), ==, 1);
  g_assert_cmpuint (count_data_objects (), ==, 0);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'revoked'"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define T(path, fn, data) g_test_add (path, SealFixture, data, seal_setup, fn, seal_teardown)
  T ("/pki/seal/new-with-seal", test_new_with_seal, NULL);
  T ("/pki/seal/no-seal-chosen", test_no_seal, NULL);
  T ("/pki/seal/no-seal-ordered", test_no_seal_ordered, NULL);
  T ("/pki/seal/refused-before-the-key", test_refused, NULL);
  T ("/pki/seal/sealed-at-rest", test_sealed_at_rest, NULL);
  T ("/pki/seal/renew-change", test_renew_change, NULL);
  T ("/pki/seal/rollback", test_rollback, "fault");
  return g_test_run ();
}
