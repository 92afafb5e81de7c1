/* test-pki-unit.c: the pki pieces that need no key and no network: subject templates, PIN buffers, error
 * sentences, revocation reasons, and the local CA (issue, chain, CRL) with a software key. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <openssl/x509v3.h>
#include <p11-kit/pkcs11.h>

#include "cd-csr.h"
#include "cd-issuer-local.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"
#include "pki-test-util.h"

static CdProfile *
profile (const char *name)
{
  g_autofree char *path = g_build_filename (PKI_FIXTURES, name, NULL);
  g_autoptr(GError) error = NULL;
  CdProfile *p = cd_profile_load_file (path, &error);

  g_assert_no_error (error);
  return p;
}

static CdApplication *
application (const char *json)
{
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_from_data (json, -1, &error);

  g_assert_no_error (error);
  return app;
}

static void
test_subject_unit (void)
{
  g_autoptr(CdProfile) p = profile ("pki-ec.json");
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdApplication) app = application (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(X509_NAME) name = cd_csr_build_subject (p, app, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = cd_csr_name_to_string (name);
  g_assert_cmpstr (text, ==, "CN=内蒙古甲乙建设有限公司,serialNumber=91150100123456788B,O=内蒙古甲乙建设有限公司,ST=内蒙古,C=CN");
  /* UTF-8 strings, C a PrintableString. */
  g_assert_cmpint (ASN1_STRING_type (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, 0))), ==, V_ASN1_PRINTABLESTRING);
  g_assert_cmpint (ASN1_STRING_type (X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, 4))), ==, V_ASN1_UTF8STRING);
}

static void
test_subject_person (void)
{
  g_autoptr(CdProfile) p = profile ("pki-ec.json");
  g_autoptr(CdApplication) app = cd_application_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(X509_NAME) name = NULL;
  g_autofree char *text = NULL;

  app->person = g_new0 (CdPerson, 1);
  app->person->name = g_strdup ("王五");
  app->person->id_number = g_strdup ("110105198503033453");
  name = cd_csr_build_subject (p, app, &error);
  g_assert_no_error (error);
  text = cd_csr_name_to_string (name);
  g_assert_cmpstr (text, ==, "serialNumber=110105198503033453,CN=王五,C=CN");
}

static void
test_pin (void)
{
  g_autoptr(CdPin) a = cd_pin_new_random (8);
  g_autoptr(CdPin) b = cd_pin_new_random (8);
  g_autoptr(CdPin) env = NULL;

  g_assert_cmpuint (cd_pin_length (a), ==, 8);
  for (const char *c = cd_pin_get (a); *c; c++)
    g_assert_true (g_ascii_isdigit (*c));
  g_assert_cmpstr (cd_pin_get (a), !=, cd_pin_get (b));
  g_setenv ("CD_TEST_PIN", "246810", TRUE);
  env = cd_pin_from_env ("CD_TEST_PIN");
  g_assert_cmpstr (cd_pin_get (env), ==, "246810");
  /* Taken from the environment means gone from it. */
  g_assert_null (g_getenv ("CD_TEST_PIN"));
}

static void
test_errors (void)
{
  static const struct { unsigned long rv; int code; const char *words; } cases[] = {
    { CKR_DEVICE_REMOVED, CD_PKI_ERROR_TOKEN_REMOVED, "removed while writing" },
    { CKR_TOKEN_NOT_PRESENT, CD_PKI_ERROR_TOKEN_REMOVED, "insert it again" },
    { CKR_DEVICE_MEMORY, CD_PKI_ERROR_TOKEN_FULL, "full" },
    { CKR_PIN_LOCKED, CD_PKI_ERROR_PIN_LOCKED, "unlock" },
    { CKR_GENERAL_ERROR, CD_PKI_ERROR_TOKEN, "did not complete writing" },
    { CKR_MECHANISM_INVALID, CD_PKI_ERROR_TOKEN, "does not support" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      cd_pki_set_ckr_error (&error, cases[i].rv, "writing");
      g_assert_error (error, CD_PKI_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].words));
      /* No PKCS#11 code on screen: the clerk reads a sentence. */
      g_assert_null (strstr (error->message, "CKR_"));
      g_assert_true (cd_pki_error_is_token (error));
      g_assert_false (cd_pki_error_is_issuer (error));
    }
}

static void
test_reasons (void)
{
  CdRevokeReason r;

  g_assert_true (cd_revoke_reason_from_code ("keyCompromise", &r));
  g_assert_cmpint (r, ==, CD_REVOKE_KEY_COMPROMISE);
  g_assert_true (cd_revoke_reason_from_code ("certificatehold", &r));
  g_assert_cmpint (r, ==, CD_REVOKE_HOLD);
  g_assert_false (cd_revoke_reason_from_code ("lost", &r));
  g_assert_cmpstr (cd_revoke_reason_to_code (CD_REVOKE_SUPERSEDED), ==, "superseded");
}

/* The local CA with a software key: 128-bit serials, the requested validity, a chain to its root, a CRL
 * built from the certificate table; created once, then reopened. */
static void
test_local_ca (PkiFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 ("2026-02-01T00:00:00Z", NULL);
  g_autoptr(CdIssuerLocal) ca = (cd_store_set_now (cd_context_get_store (f->ctx), created),
                                 cd_issuer_local_new (f->ctx, &error));
  g_autoptr(CdIssuerLocal) again = NULL;
  g_autoptr(GDateTime) nb = g_date_time_new_from_iso8601 ("2026-03-01T00:00:00Z", NULL);
  g_autoptr(GDateTime) na = g_date_time_add_years (nb, 2);
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509_REQ *csr;
  STACK_OF (X509) *chain = NULL;
  X509 *cert;
  g_autofree char *serial = NULL;
  g_autofree char *end = NULL;
  g_autofree char *crl = NULL;
  CdIssueRequest req = { NULL, key, nb, na, "pki-ec" };

  g_assert_no_error (error);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) "测试单位", -1, -1, 0);
  csr = cd_csr_new (name, key, key, &error);
  g_assert_no_error (error);
  req.csr = csr;
  cert = cd_issuer_issue (CD_ISSUER (ca), &req, &chain, &error);
  g_assert_no_error (error);
  serial = cd_cert_serial_hex (cert);
  g_assert_cmpint (strlen (serial), ==, 32);
  end = cd_cert_time_iso (X509_get0_notAfter (cert));
  g_assert_cmpstr (end, ==, "2028-03-01T00:00:00Z");
  g_assert_true (cd_issuer_verify_chain (CD_ISSUER (ca), cert, chain, &error));
  g_assert_no_error (error);
  /* Recorded revoked, published: on the CRL. */
  g_assert_true (cd_store_begin (cd_context_get_store (f->ctx), NULL));
  g_assert_true (cd_cert_record_insert (f->ctx, cert, "local", 0, 0, "revoked", "keyCompromise", &error));
  g_assert_true (cd_store_commit (cd_context_get_store (f->ctx), NULL));
  g_assert_true (cd_issuer_publish (CD_ISSUER (ca), &error));
  crl = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", cd_issuer_local_get_crl_path (ca), "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl, serial));
  g_assert_nonnull (strstr (crl, "Key Compromise"));
  /* A second start opens the same CA. */
  again = cd_issuer_local_new (f->ctx, &error);
  g_assert_no_error (error);
  g_assert_true (cd_issuer_verify_chain (CD_ISSUER (again), cert, NULL, &error));
  X509_free (cert);
  X509_REQ_free (csr);
  sk_X509_pop_free (chain, X509_free);
  EVP_PKEY_free (key);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pki/unit/subject/unit", test_subject_unit);
  g_test_add_func ("/pki/unit/subject/person", test_subject_person);
  g_test_add_func ("/pki/unit/pin", test_pin);
  g_test_add_func ("/pki/unit/errors", test_errors);
  g_test_add_func ("/pki/unit/reasons", test_reasons);
  g_test_add ("/pki/unit/local-ca", PkiFixture, NULL, pki_fixture_setup, test_local_ca, pki_fixture_teardown);
  return g_test_run ();
}
