/* test-pki-conformance.c: what the local CA hands out, as relying parties read it: `openssl verify
 * -x509_strict -crl_check` and Python's cryptography (check-conformance.py) over an EC and an RSA
 * certificate burned on SoftHSM2 keys and two CRLs published within the same second. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cd-issuer-local.h"
#include "cd-token-records.h"
#include "pki-test-util.h"

#define CRL_URL "http://crl.ca.example/certdesk-demo.crl"

/* pki-rsa with keyEncipherment asked for, as a profile may (RSA only). */
static void
add_keyenc_profile (PkiFixture *f)
{
  g_autofree char *src = g_build_filename (PKI_FIXTURES, "pki-rsa.json", NULL);
  g_autofree char *dst = g_build_filename (f->state_dir, "profiles", "pki-rsa-ke.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *o;

  g_assert_true (json_parser_load_from_file (parser, src, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (o, "id", "pki-rsa-ke");
  json_object_set_boolean_member (o, "key_encipherment", TRUE);
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, dst, NULL));
}

/* Burns a new application of @profile on a fresh key; returns the certificate's PEM file. */
static char *
burn_one (PkiFixture *f, const char *profile, const char *label, const char *uscc, char **out_serial)
{
  g_autofree char *json = pki_app_json (profile, "new", uscc, NULL, NULL, 0, NULL);
  gint64 id = pki_application (f, json, CD_STATE_PRINTED);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdCertRecord) rec = NULL;
  char *path = g_strdup_printf ("%s/%s.pem", f->dir, label);

  pki_make_token (f, label);
  r = pki_burn (f, id, label, PKI_PIN, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  /* the stored PEM is sealed (docs/store.md): read through the store, as the counter's readers do */
  g_assert_true (cd_cert_record_lookup (cd_context_get_store (f->ctx), r->certificate_serial, &rec, &error));
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  g_assert_true (g_file_set_contents (path, rec->pem, -1, NULL));
  *out_serial = g_strdup (r->certificate_serial);
  return path;
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, len, NULL));
}

static void
test_conformance (PkiFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdIssuerLocal) ca = NULL;
  g_autofree char *ec_serial = NULL, *rsa_serial = NULL, *rsake_serial = NULL;
  g_autofree char *ec_pem = NULL, *rsa_pem = NULL, *rsake_pem = NULL;
  g_autofree char *crl1 = g_build_filename (f->dir, "crl1.pem", NULL);
  g_autofree char *crl2 = g_build_filename (f->dir, "crl2.pem", NULL);
  g_autofree char *file_cdp = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "pki",
                                              "check-conformance.py", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  add_keyenc_profile (f);
  pki_fixture_reopen (f);
  /* The demo CA without a published URL points at its own file. */
  ec_pem = burn_one (f, "pki-ec", "CONF-EC", "91150100123456788B", &ec_serial);
  ca = cd_issuer_local_new (f->ctx, &error);
  g_assert_no_error (error);
  file_cdp = g_strdup_printf ("file://%s", cd_issuer_local_get_crl_path (ca));

  /* A CA that publishes its CRL over http, with a 3-day CRL. */
  g_free (pki_db_text (f, "INSERT INTO setting (key, value) VALUES ('ca.crl_url', '" CRL_URL "'),"
                          " ('ca.crl_days', '3') RETURNING key"));
  rsa_pem = burn_one (f, "pki-rsa", "CONF-RSA", "91150100123456788B", &rsa_serial);
  rsake_pem = burn_one (f, "pki-rsa-ke", "CONF-RSAKE", "91150100123456788B", &rsake_serial);

  /* The RSA certificate revoked for key compromise; then two CRLs within the same second. */
  g_free (pki_run (TRUE, NULL, NULL, g_getenv ("CERTDESK_CLI"), "--db", f->db_path, "--data-dir", f->state_dir,
                   "revoke", "--serial", rsa_serial, "--reason", "keyCompromise", NULL));
  g_assert_true (cd_issuer_publish (CD_ISSUER (ca), &error));
  g_assert_no_error (error);
  copy_file (cd_issuer_local_get_crl_path (ca), crl1);
  g_assert_true (cd_issuer_publish (CD_ISSUER (ca), &error));
  copy_file (cd_issuer_local_get_crl_path (ca), crl2);

  /* Python's cryptography: keyUsage by key type, CDP, AKI, CRL number and validity. */
  out = pki_run (FALSE, &status, &err, "/usr/bin/python3", script, cd_issuer_local_get_cert_path (ca), ec_pem, file_cdp,
                 rsake_pem, CRL_URL, "1", crl1, crl2, "3", NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = pki_run (FALSE, &status, &err, "/usr/bin/python3", script, cd_issuer_local_get_cert_path (ca), ec_pem, file_cdp,
                 rsa_pem, CRL_URL, "0", crl1, crl2, "3", NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* OpenSSL, strict: the valid ones verify against the CRL, the revoked one is refused as revoked. */
  for (guint i = 0; i < 2; i++)
    {
      const char *pem = i == 0 ? ec_pem : rsake_pem;
      out = pki_run (FALSE, &status, &err, "openssl", "verify", "-x509_strict", "-crl_check", "-CAfile",
                     cd_issuer_local_get_cert_path (ca), "-CRLfile", crl2, pem, NULL);
      g_test_message ("%s%s", out, err);
      g_assert_cmpint (status, ==, 0);
      g_assert_null (strstr (err, "warning"));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }
  out = pki_run (FALSE, &status, &err, "openssl", "verify", "-x509_strict", "-crl_check", "-CAfile",
                 cd_issuer_local_get_cert_path (ca), "-CRLfile", crl2, rsa_pem, NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (out, "revoked") ? out : err);
  g_assert_true (strstr (out, "certificate revoked") || strstr (err, "certificate revoked"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = pki_run (FALSE, &status, &err, "openssl", "crl", "-in", crl2, "-CAfile", cd_issuer_local_get_cert_path (ca),
                 "-noout", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (strstr (err, "verify OK") || strstr (out, "verify OK"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pki/conformance/certificates-and-crls", PkiFixture, NULL, pki_fixture_setup, test_conformance,
              pki_fixture_teardown);
  return g_test_run ();
}
