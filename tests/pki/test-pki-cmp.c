/* test-pki-cmp.c: the CMP issuer against a responder on OpenSSL's server side over HTTP on 127.0.0.1:
 * issue (p10cr, and ir with the token key's proof of possession, EC and RSA) onto a SoftHSM2 key, revoke
 * (rr), the CA refusing (its text, a bad proof of possession, a wrong shared secret), the CA unreachable;
 * the same with RA-certificate protection (an RA and an untrusted RA made at test time); accept from the
 * command line with --issuer cmp. The certificate the CA returns is checked before certConf (another key,
 * subject or chain: a negative certConf; the request's accept hook decides too), against the responder and
 * against OpenSSL's own mock server (`openssl cmp -port 0`), also through `certdesk-cli burn`; the CA's
 * refusals, servers that are not CAs and nobody listening each say who refused. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <openssl/cmp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd-issuer-cmp.h"
#include "cd-pki-error.h"
#include "pki-test-util.h"

#define SECRET  "cmp-test-secret"
#define RA_PASS "ra-key-passphrase"

typedef struct {
  PkiFixture base;
  char      *ca_dir;
  GPid       pid;
  char      *url;
  char      *trust;
  /* RA mode ("ra"): the responder trusts ra-ca.pem; ra.pem/ra.key (and ra-enc.key, encrypted with RA_PASS)
   * chain to it, bad-ra.pem/bad-ra.key to another CA. */
  char      *ra_cert;
  char      *ra_key;
  char      *ra_key_enc;
  char      *bad_cert;
  char      *bad_key;
} CmpFixture;

static gboolean
ra_mode (gconstpointer data)
{
  return g_strcmp0 (data, "ra") == 0;
}

static void
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX v3;
  X509_EXTENSION *ext;

  X509V3_set_ctx (&v3, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &v3, nid, value);
  g_assert_nonnull (ext);
  X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
}

/* A certificate for @key named @cn, signed by @issuer_key (@issuer NULL: self-signed CA). */
static X509 *
make_cert (const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
  X509 *c = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  unsigned char rnd[8];
  BIGNUM *bn;

  RAND_bytes (rnd, sizeof rnd);
  rnd[0] &= 0x7f;
  bn = BN_bin2bn (rnd, sizeof rnd, NULL);
  g_assert_nonnull (BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (c)));
  BN_free (bn);
  X509_set_version (c, 2);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0);
  X509_set_subject_name (c, name);
  X509_set_issuer_name (c, issuer ? X509_get_subject_name (issuer) : name);
  X509_gmtime_adj (X509_getm_notBefore (c), -3600);
  X509_gmtime_adj (X509_getm_notAfter (c), 30 * 86400L);
  X509_set_pubkey (c, key);
  add_ext (c, issuer ? issuer : c, NID_subject_key_identifier, "hash");
  if (issuer == NULL)
    {
      add_ext (c, c, NID_basic_constraints, "critical,CA:TRUE");
      add_ext (c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
  else
    {
      add_ext (c, issuer, NID_basic_constraints, "critical,CA:FALSE");
      add_ext (c, issuer, NID_key_usage, "critical,digitalSignature");
      add_ext (c, issuer, NID_authority_key_identifier, "keyid:always");
    }
  g_assert_cmpint (X509_sign (c, issuer ? issuer_key : key, EVP_sha256 ()), >, 0);
  X509_NAME_free (name);
  return c;
}

static void
write_pem (const char *path, X509 *cert, EVP_PKEY *key, const char *pass)
{
  BIO *bio = BIO_new_file (path, "w");

  g_assert_nonnull (bio);
  if (cert)
    g_assert_true (PEM_write_bio_X509 (bio, cert));
  if (key)
    g_assert_true (PEM_write_bio_PrivateKey (bio, key, pass ? EVP_aes_256_cbc () : NULL, NULL, 0, NULL,
                                             (void *) pass));
  BIO_free (bio);
  g_chmod (path, 0600);
}

/* An RA CA and its RA, written under @dir as PREFIX-ca.pem, PREFIX.pem, PREFIX.key. */
static void
make_ra (const char *dir, const char *prefix, char **out_cert, char **out_key, char **out_key_enc)
{
  EVP_PKEY *ca_key = EVP_EC_gen ("P-256");
  EVP_PKEY *ra_key = EVP_EC_gen ("P-256");
  g_autofree char *ca_name = g_strdup_printf ("CertDesk Test %s CA", prefix);
  g_autofree char *ra_name = g_strdup_printf ("CertDesk Test %s", prefix);
  X509 *ca = make_cert (ca_name, ca_key, NULL, NULL);
  X509 *ra = make_cert (ra_name, ra_key, ca, ca_key);
  g_autofree char *ca_file = g_strdup_printf ("%s/%s-ca.pem", dir, prefix);
  g_autofree char *enc = g_strdup_printf ("%s/%s-enc.key", dir, prefix);

  *out_cert = g_strdup_printf ("%s/%s.pem", dir, prefix);
  *out_key = g_strdup_printf ("%s/%s.key", dir, prefix);
  write_pem (ca_file, ca, NULL, NULL);
  write_pem (*out_cert, ra, NULL, NULL);
  write_pem (*out_key, NULL, ra_key, NULL);
  if (out_key_enc)
    {
      write_pem (enc, NULL, ra_key, RA_PASS);
      *out_key_enc = g_steal_pointer (&enc);
    }
  X509_free (ca);
  X509_free (ra);
  EVP_PKEY_free (ca_key);
  EVP_PKEY_free (ra_key);
}

static void
cmp_setup (CmpFixture *f, gconstpointer data)
{
  const char *argv[] = { PKI_CMP_RESPONDER, NULL, SECRET, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *port_file = NULL;
  g_autofree char *port = NULL;
  g_autofree char *ra_ca = NULL;

  pki_fixture_setup (&f->base, data);
  f->ca_dir = g_build_filename (f->base.dir, "cmp", NULL);
  g_mkdir_with_parents (f->ca_dir, 0700);
  argv[1] = f->ca_dir;
  if (ra_mode (data))
    {
      make_ra (f->base.dir, "ra", &f->ra_cert, &f->ra_key, &f->ra_key_enc);
      make_ra (f->base.dir, "bad-ra", &f->bad_cert, &f->bad_key, NULL);
      ra_ca = g_build_filename (f->base.dir, "ra-ca.pem", NULL);
      argv[2] = "--ra-trust";
      argv[3] = ra_ca;
    }
  /* Our own child (not double-forked): the teardown's waitpid reaps it. */
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &f->pid, &error));
  port_file = g_build_filename (f->ca_dir, "port", NULL);
  for (int i = 0; i < 3000 && !g_file_test (port_file, G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  g_assert_true (g_file_get_contents (port_file, &port, NULL, NULL));
  g_strchomp (port);
  f->url = g_strdup_printf ("http://127.0.0.1:%s/pkix/", port);
  f->trust = g_build_filename (f->ca_dir, "ca.pem", NULL);
}

static void
cmp_teardown (CmpFixture *f, gconstpointer data)
{
  kill (f->pid, SIGTERM);
  waitpid (f->pid, NULL, 0);
  g_spawn_close_pid (f->pid);
  pki_fixture_teardown (&f->base, data);
  g_free (f->ca_dir);
  g_free (f->url);
  g_free (f->trust);
  g_free (f->ra_cert);
  g_free (f->ra_key);
  g_free (f->ra_key_enc);
  g_free (f->bad_cert);
  g_free (f->bad_key);
}

static CdIssuer *
cmp_issuer_full (CmpFixture *f, const char *url, const char *secret, const char *ra_cert, const char *ra_key,
                 gboolean use_ir)
{
  g_autoptr(CdPin) pin = secret ? cd_pin_new (secret) : NULL;
  g_autoptr(GError) error = NULL;
  CdCmpConfig cfg = { url, f->trust, NULL, pin, ra_cert, ra_key, NULL, use_ir };
  CdIssuerCmp *issuer = cd_issuer_cmp_new (&cfg, &error);

  g_assert_no_error (error);
  return CD_ISSUER (issuer);
}

static CdIssuer *
cmp_issuer (CmpFixture *f, const char *url, const char *secret)
{
  return cmp_issuer_full (f, url, secret, NULL, NULL, FALSE);
}

/* What the responder was asked, one body type a line ("ir", "p10cr", "rr"). */
static char *
requests (CmpFixture *f)
{
  g_autofree char *path = g_build_filename (f->ca_dir, "requests.txt", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    text = g_strdup ("");
  return text;
}

/* An outsider reads the certificate off the key (pkcs11-tool) and checks it against the CA's root (openssl),
 * and that its public key is the key pair's on the key. */
static void
outsider_verify (CmpFixture *f, const char *label)
{
  g_autofree char *cka = pki_db_text (&f->base, "SELECT cka_id FROM token WHERE state = 'active'");
  g_autofree char *der = g_build_filename (f->base.dir, "c.der", NULL);
  g_autofree char *pem = g_build_filename (f->base.dir, "c.pem", NULL);
  g_autofree char *pub_der = g_build_filename (f->base.dir, "pub.der", NULL);
  g_autofree char *verify = NULL;
  g_autofree char *cert_pub = NULL;
  g_autofree char *key_pub = NULL;

  g_assert_nonnull (cka);
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", label, "--login", "--pin",
                   PKI_PIN, "--read-object", "--type", "cert", "--id", cka, "-o", der, NULL));
  g_free (pki_run (TRUE, NULL, NULL, "openssl", "x509", "-inform", "DER", "-in", der, "-out", pem, NULL));
  verify = pki_run (TRUE, NULL, NULL, "openssl", "verify", "-CAfile", f->trust, pem, NULL);
  g_assert_nonnull (strstr (verify, ": OK"));
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", label, "--login", "--pin",
                   PKI_PIN, "--read-object", "--type", "pubkey", "--id", cka, "-o", pub_der, NULL));
  cert_pub = pki_run (TRUE, NULL, NULL, "openssl", "x509", "-in", pem, "-noout", "-pubkey", NULL);
  key_pub = pki_run (TRUE, NULL, NULL, "openssl", "pkey", "-pubin", "-inform", "DER", "-in", pub_der, NULL);
  g_assert_cmpstr (cert_pub, ==, key_pub);
}

/* A new key DEMO-A burnt through @issuer for the printed application @json: the burn's result. */
static CdBurnResult *
burn_on_demo_a (CmpFixture *f, CdIssuer *issuer, const char *json)
{
  g_autoptr(GError) error = NULL;
  CdBurnResult *r;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_issue_and_revoke (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *revoked_file = g_build_filename (f->ca_dir, "revoked.txt", NULL);
  g_autofree char *issuer_col = NULL;
  g_autofree char *asked = NULL;

  r = burn_on_demo_a (f, issuer, json);
  g_assert_cmpstr (r->issuer, ==, "cmp");
  issuer_col = pki_db_text (&f->base, "SELECT issuer FROM certificate");
  g_assert_cmpstr (issuer_col, ==, "cmp");
  outsider_verify (f, "DEMO-A");

  g_assert_true (cd_burn_revoke_certificate (f->base.ctx, issuer, r->certificate_serial, CD_REVOKE_KEY_COMPROMISE,
                                             &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (revoked_file, &revoked, NULL, NULL));
  g_assert_nonnull (strstr (revoked, r->certificate_serial));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'revoked'"), ==, 1);
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "p10cr\nrr\n");
}

/* The CA already has the certificate revoked (an earlier revocation whose answer the counter lost) and says so
 * with failInfo certRevoked: a revocation is recorded as done; a suspension is refused and not recorded. */
static void
test_revoke_already_revoked_at_ca (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *strict = g_build_filename (f->ca_dir, "strict-rr", NULL);
  g_autofree char *revoked_file = g_build_filename (f->ca_dir, "revoked.txt", NULL);
  g_autofree char *line = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;

  r = burn_on_demo_a (f, issuer, json);
  g_assert_true (g_file_set_contents (strict, "", 0, NULL));
  line = g_strdup_printf ("%s\n", r->certificate_serial);
  g_assert_true (g_file_set_contents (revoked_file, line, -1, NULL));

  g_assert_false (cd_burn_revoke_certificate (f->base.ctx, issuer, r->certificate_serial, CD_REVOKE_HOLD, &error));
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
  g_clear_error (&error);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);

  g_assert_true (cd_burn_revoke_certificate (f->base.ctx, issuer, r->certificate_serial, CD_REVOKE_KEY_COMPROMISE,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'revoked'"), ==, 1);
}

/* The CA refuses: its words reach the clerk, nothing is recorded, the key keeps no leftover, retry works. */
static void
test_refused_then_retry (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *refuse = g_build_filename (f->ca_dir, "refuse", NULL);
  g_autofree char *objects = NULL;
  g_autofree char *state = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  g_assert_true (g_file_set_contents (refuse, "subject not registered with the RA", -1, NULL));
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
  g_assert_nonnull (strstr (error->message, "subject not registered with the RA"));
  g_assert_null (strchr (error->message, '\n'));
  state = pki_db_text (&f->base, "SELECT state FROM application");
  g_assert_cmpstr (state, ==, "printed");
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
  objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                     "--pin", PKI_PIN, "--list-objects", NULL);
  g_assert_null (strstr (objects, "Private Key Object"));
  g_unlink (refuse);
  g_clear_error (&error);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_no_error (error);
}

static void
test_unreachable_then_retry (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) dead = cmp_issuer (f, "http://127.0.0.1:9/pkix/", SECRET);
  g_autoptr(CdIssuer) live = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-rsa", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, dead, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
  g_clear_error (&error);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, live, &error);
  g_assert_no_error (error);
}

static void
test_wrong_secret (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, "not-the-secret");
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
  g_test_message ("wrong secret: %s", error->message);
  g_assert_nonnull (strstr (error->message, "shared secret"));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strstr (error->message, SECRET));
  g_assert_true (cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (issuer)));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
}

/* ir: a CRMF template with the key on the USB key and its proof of possession; the certificate read back
 * from the key chains to the CA and holds the key pair's public key. */
static void
ir_burn (CmpFixture *f, const char *profile, CdIssuer *issuer)
{
  g_autofree char *json = pki_app_json (profile, "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *asked = NULL;

  r = burn_on_demo_a (f, issuer, json);
  g_assert_cmpstr (r->issuer, ==, "cmp");
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM application WHERE state = 'issued'"), ==, 1);
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "ir\n");
  outsider_verify (f, "DEMO-A");
}

static void
test_ir_ec (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer_full (f, f->url, SECRET, NULL, NULL, TRUE);

  ir_burn (f, "pki-ec", issuer);
}

static void
test_ir_rsa (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer_full (f, f->url, SECRET, NULL, NULL, TRUE);

  ir_burn (f, "pki-rsa", issuer);
}

/* A proof of possession by another key than the template's: OpenSSL's server refuses it before the CA's
 * callback sees the request, and the clerk reads that the proof was refused. */
static void
test_ir_bad_popo (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer_full (f, f->url, SECRET, NULL, NULL, TRUE);
  EVP_PKEY *requested = EVP_EC_gen ("P-256");
  EVP_PKEY *other = EVP_EC_gen ("P-256");
  X509_REQ *csr = X509_REQ_new ();
  X509_NAME *name = X509_NAME_new ();
  g_autoptr(GDateTime) nb = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) na = g_date_time_add_days (nb, 365);
  CdIssueRequest req = { csr, other, nb, na, "pki-ec" };
  g_autoptr(GError) error = NULL;
  g_autofree char *asked = NULL;
  X509 *cert;

  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) "Bad POPO", -1, -1, 0);
  X509_REQ_set_subject_name (csr, name);
  X509_REQ_set_pubkey (csr, requested);
  g_assert_cmpint (X509_REQ_sign (csr, requested, EVP_sha256 ()), >, 0);
  cert = cd_issuer_issue (issuer, &req, NULL, &error);
  g_assert_null (cert);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
  g_test_message ("bad POPO: %s", error->message);
  g_assert_nonnull (strstr (error->message, "proof of possession"));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_false (cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (issuer)));
  /* Refused by the server's own check: the CA's callback was never asked. */
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "");
  /* The same request with the right key is issued. */
  req.private_key = requested;
  g_clear_error (&error);
  cert = cd_issuer_issue (issuer, &req, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  g_assert_cmpint (EVP_PKEY_eq (X509_get0_pubkey (cert), requested), ==, 1);
  X509_free (cert);
  X509_NAME_free (name);
  X509_REQ_free (csr);
  EVP_PKEY_free (requested);
  EVP_PKEY_free (other);
}

/* RA-certificate protection: ir and rr signed by the RA's key; the responder checks the signature against
 * the RA CA and signs its answers with the CA's key. */
static void
test_ra_issue_and_revoke (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer_full (f, f->url, NULL, f->ra_cert, f->ra_key, TRUE);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *revoked_file = g_build_filename (f->ca_dir, "revoked.txt", NULL);
  g_autofree char *revoked = NULL;
  g_autofree char *asked = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;

  r = burn_on_demo_a (f, issuer, json);
  outsider_verify (f, "DEMO-A");
  g_assert_true (cd_burn_revoke_certificate (f->base.ctx, issuer, r->certificate_serial, CD_REVOKE_SUPERSEDED, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (revoked_file, &revoked, NULL, NULL));
  g_assert_nonnull (strstr (revoked, r->certificate_serial));
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "ir\nrr\n");
}

/* p10cr signed by the RA. */
static void
test_ra_p10cr (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer_full (f, f->url, NULL, f->ra_cert, f->ra_key, FALSE);
  g_autofree char *json = pki_app_json ("pki-rsa", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *asked = NULL;
  g_autoptr(CdBurnResult) r = NULL;

  r = burn_on_demo_a (f, issuer, json);
  outsider_verify (f, "DEMO-A");
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "p10cr\n");
}

/* An RA the CA does not trust, a shared secret where the CA expects signatures, and an unprotected request:
 * all refused before the CA's callback; the clerk reads that the protection was refused. */
static void
test_ra_refused (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) untrusted = cmp_issuer_full (f, f->url, NULL, f->bad_cert, f->bad_key, TRUE);
  g_autoptr(CdIssuer) pbm = cmp_issuer (f, f->url, SECRET);
  g_autoptr(CdIssuer) good = cmp_issuer_full (f, f->url, NULL, f->ra_cert, f->ra_key, FALSE);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *asked = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, untrusted, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
  g_test_message ("untrusted RA: %s", error->message);
  g_assert_nonnull (strstr (error->message, "RA certificate"));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (untrusted)));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
  g_clear_error (&error);

  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, pbm, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
  g_test_message ("PBM to an RA-only CA: %s", error->message);
  g_assert_true (cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (pbm)));
  g_clear_error (&error);

  /* Unprotected (OpenSSL's client told to send without protection). */
  {
    OSSL_CMP_CTX *ctx = OSSL_CMP_CTX_new (NULL, NULL);
    g_autofree char *port = g_strdup (strrchr (f->url, ':') + 1);
    X509_STORE *store = X509_STORE_new ();
    EVP_PKEY *key = EVP_EC_gen ("P-256");
    X509_REQ *csr = X509_REQ_new ();

    *strchr (port, '/') = '\0';
    X509_STORE_load_file (store, f->trust);
    X509_NAME *name = X509_NAME_new ();

    X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) "Unprotected", -1, -1, 0);
    X509_REQ_set_subject_name (csr, name);
    X509_REQ_set_pubkey (csr, key);
    X509_REQ_sign (csr, key, EVP_sha256 ());
    OSSL_CMP_CTX_set1_subjectName (ctx, name);
    X509_NAME_free (name);
    OSSL_CMP_CTX_set_log_verbosity (ctx, OSSL_CMP_LOG_EMERG);
    OSSL_CMP_CTX_set1_server (ctx, "127.0.0.1");
    OSSL_CMP_CTX_set_serverPort (ctx, atoi (port));
    OSSL_CMP_CTX_set1_serverPath (ctx, "/pkix/");
    OSSL_CMP_CTX_set0_trustedStore (ctx, store);
    OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_UNPROTECTED_SEND, 1);
    OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_UNPROTECTED_ERRORS, 1);
    OSSL_CMP_CTX_set1_p10CSR (ctx, csr);
    g_assert_null (OSSL_CMP_exec_P10CR_ses (ctx));
    g_assert_cmpint (OSSL_CMP_CTX_get_status (ctx), ==, OSSL_CMP_PKISTATUS_rejection);
    ERR_clear_error ();
    OSSL_CMP_CTX_free (ctx);
    X509_REQ_free (csr);
    EVP_PKEY_free (key);
  }
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "");

  /* The trusted RA. */
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, good, &error);
  g_assert_no_error (error);
}

/* The RA key's passphrase: needed when it is encrypted, checked, never taken from the database. */
static void
test_ra_key_passphrase (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdPin) wrong = cd_pin_new ("not-the-passphrase");
  g_autoptr(CdPin) right = cd_pin_new (RA_PASS);
  g_autoptr(GError) error = NULL;
  CdCmpConfig cfg = { f->url, f->trust, NULL, NULL, f->ra_cert, f->ra_key_enc, NULL, TRUE };
  CdIssuerCmp *issuer;

  g_assert_true (cd_issuer_cmp_key_is_encrypted (f->ra_key_enc));
  g_assert_false (cd_issuer_cmp_key_is_encrypted (f->ra_key));
  g_assert_null (cd_issuer_cmp_new (&cfg, &error));
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_assert_nonnull (strstr (error->message, "passphrase"));
  g_clear_error (&error);
  cfg.ra_key_pass = wrong;
  g_assert_null (cd_issuer_cmp_new (&cfg, &error));
  g_assert_nonnull (strstr (error->message, "passphrase is wrong"));
  g_clear_error (&error);
  /* Another RA's key with this RA's certificate. */
  cfg.ra_key = f->bad_key;
  cfg.ra_key_pass = NULL;
  g_assert_null (cd_issuer_cmp_new (&cfg, &error));
  g_assert_nonnull (strstr (error->message, "is not the key of the RA certificate"));
  g_clear_error (&error);
  cfg.ra_key = f->ra_key_enc;
  cfg.ra_key_pass = right;
  issuer = cd_issuer_cmp_new (&cfg, &error);
  g_assert_no_error (error);
  g_object_unref (issuer);
}

/* certdesk-cli accept with --issuer cmp; the shared secret from the environment, never in the output. */
static void
test_cli_accept_cmp (CmpFixture *f, gconstpointer data)
{
  const char *cli = g_getenv ("CERTDESK_CLI");
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = g_build_filename (f->base.dir, "app.json", NULL);
  g_auto(GStrv) envp = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("certdesk-cli is not built");
      return;
    }
  pki_make_token (&f->base, "DEMO-A");
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  g_clear_object (&f->base.ctx);
  envp = g_environ_setenv (g_get_environ (), "CERTDESK_SO_PIN", PKI_SO_PIN, TRUE);
  envp = g_environ_setenv (envp, "CERTDESK_CMP_SECRET", SECRET, TRUE);
  {
    const char *argv[] = { cli, "--db", f->base.db_path, "--data-dir", f->base.state_dir, "accept", path, "--module",
                           PKI_SOFTHSM, "--issuer", "cmp", "--cmp-server", f->url, "--cmp-trust", f->trust, NULL };
    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "\"issuer\" : \"cmp\""));
  g_assert_null (strstr (out, SECRET));
  pki_fixture_reopen (&f->base);
  g_assert_false (pki_file_contains (f->base.db_path, SECRET));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM application WHERE state = 'issued'"), ==, 1);
}

/* certdesk-cli accept with RA-certificate protection and ir: the encrypted RA key's passphrase from the
 * environment, never in the output or the database. */
static void
test_cli_accept_ra (CmpFixture *f, gconstpointer data)
{
  const char *cli = g_getenv ("CERTDESK_CLI");
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = g_build_filename (f->base.dir, "app.json", NULL);
  g_autofree char *asked = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("certdesk-cli is not built");
      return;
    }
  pki_make_token (&f->base, "DEMO-A");
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  g_clear_object (&f->base.ctx);
  envp = g_environ_setenv (g_get_environ (), "CERTDESK_SO_PIN", PKI_SO_PIN, TRUE);
  envp = g_environ_setenv (envp, "CERTDESK_CMP_RA_KEY_PASS", RA_PASS, TRUE);
  {
    const char *argv[] = { cli, "--db", f->base.db_path, "--data-dir", f->base.state_dir, "accept", path, "--module",
                           PKI_SOFTHSM, "--issuer", "cmp", "--cmp-server", f->url, "--cmp-trust", f->trust,
                           "--cmp-ra-cert", f->ra_cert, "--cmp-ra-key", f->ra_key_enc, "--cmp-ir", NULL };
    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "\"issuer\" : \"cmp\""));
  g_assert_null (strstr (out, RA_PASS));
  asked = requests (f);
  g_assert_cmpstr (asked, ==, "ir\n");
  pki_fixture_reopen (&f->base);
  g_assert_false (pki_file_contains (f->base.db_path, RA_PASS));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM application WHERE state = 'issued'"), ==, 1);

  /* certdesk-cli revoke of that certificate, the rr protected by the same RA */
  {
    g_autofree char *serial = pki_db_text (&f->base, "SELECT serial FROM certificate LIMIT 1");
    g_autofree char *rout = NULL, *rerr = NULL, *asked_after = NULL;
    const char *argv[] = { cli, "--db", f->base.db_path, "--data-dir", f->base.state_dir, "revoke", "--serial", serial,
                           "--reason", "keyCompromise", "--cmp-server", f->url, "--cmp-trust", f->trust,
                           "--cmp-ra-cert", f->ra_cert, "--cmp-ra-key", f->ra_key_enc, NULL };

    g_clear_object (&f->base.ctx);
    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &rout, &rerr, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rerr, ==, "");
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (rout, "\"revoked\""));
    asked_after = requests (f);
    g_assert_cmpstr (asked_after, ==, "ir\nrr\n");
    pki_fixture_reopen (&f->base);
    g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'revoked'"), ==, 1);
  }
}

/* ---- The certificate the CA returns, checked before certConf (issue 14 item 7) ---- */

static char *
certconf_log (CmpFixture *f)
{
  g_autofree char *path = g_build_filename (f->ca_dir, "certconf.txt", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    text = g_strdup ("");
  return text;
}

/* The responder returns a wrong certificate (@how: DIR/tamper): the burn fails with our own sentence, the CA
 * got one negative certConf with @fail_info, nothing is issued; without the tampering the retry succeeds and
 * the CA gets a positive certConf. */
static void
refuse_tampered (CmpFixture *f, const char *how, const char *expect, const char *fail_info)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *tamper = g_build_filename (f->ca_dir, "tamper", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *conf_after = NULL;
  g_autofree char *state = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  g_assert_true (g_file_set_contents (tamper, how, -1, NULL));
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", how, error->message);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_assert_nonnull (strstr (error->message, expect));
  g_assert_nonnull (strstr (error->message, "it was refused and the CA was told"));
  g_assert_null (strstr (error->message, "no reason given"));
  g_assert_null (strstr (error->message, "The CA refused"));
  g_assert_null (strchr (error->message, '\n'));
  conf = certconf_log (f);
  g_assert_true (g_str_has_prefix (conf, "rejected: PKIStatus: rejection"));
  g_assert_nonnull (strstr (conf, fail_info));
  g_assert_cmpint (strchr (conf, '\n') - conf, ==, (long) strlen (conf) - 1);  /* one certConf */
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);
  state = pki_db_text (&f->base, "SELECT state FROM application");
  g_assert_cmpstr (state, ==, "printed");

  g_unlink (tamper);
  g_clear_error (&error);
  g_clear_pointer (&r, cd_burn_result_free);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_no_error (error);
  conf_after = certconf_log (f);
  g_assert_true (g_str_has_suffix (conf_after, "\naccepted\n"));
  outsider_verify (f, "DEMO-A");
}

/* The CA hears certConf only once the certificate is on the key and verified there: a key that cannot take
 * it (full: CKR_DEVICE_MEMORY on writing the certificate) gets the CA a negative certConf — never a positive
 * one followed by a revocation — and nothing is issued; with room on the key the retry is accepted. */
static void
test_certconf_after_key (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *control = g_build_filename (f->base.dir, "fault-control", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *conf_after = NULL;
  g_autofree char *asked = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  g_assert_true (g_file_set_contents (control, "fail C_CreateObject CKR_DEVICE_MEMORY\n", -1, NULL));
  g_setenv ("CD_FAULT_CONTROL", control, TRUE);
  g_setenv ("CD_FAULT_TARGET", PKI_SOFTHSM, TRUE);
  g_setenv ("PKI_MODULE", PKI_FAULT_MODULE, TRUE);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_nonnull (error);
  g_test_message ("key full: %s", error->message);
  conf = certconf_log (f);
  g_assert_true (g_str_has_prefix (conf, "rejected: "));
  g_assert_null (strstr (conf, "accepted"));
  asked = requests (f);
  g_assert_null (strstr (asked, "rr"));   /* told in certConf, not by a revocation after a positive one */
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);

  g_assert_true (g_file_set_contents (control, "", -1, NULL));
  g_clear_error (&error);
  g_clear_pointer (&r, cd_burn_result_free);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_unsetenv ("PKI_MODULE");
  g_assert_no_error (error);
  conf_after = certconf_log (f);
  g_assert_true (g_str_has_suffix (conf_after, "\naccepted\n"));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
}

static void
test_refuse_other_key (CmpFixture *f, gconstpointer data)
{
  refuse_tampered (f, "key", "The certificate the CA returned is for another key", "incorrectData");
}

static void
test_refuse_other_subject (CmpFixture *f, gconstpointer data)
{
  refuse_tampered (f, "subject", "is for “CN=Somebody Else”, not for the requested", "badCertTemplate");
}

static void
test_refuse_untrusted_chain (CmpFixture *f, gconstpointer data)
{
  refuse_tampered (f, "chain", "does not chain to the CMP trust anchor", "incorrectData");
}

/* A software key and a request for it, named @cn. */
static X509_REQ *
make_csr (const char *cn, EVP_PKEY *key)
{
  X509_REQ *csr = X509_REQ_new ();
  X509_NAME *name = X509_NAME_new ();

  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0);
  X509_REQ_set_subject_name (csr, name);
  X509_REQ_set_pubkey (csr, key);
  g_assert_cmpint (X509_REQ_sign (csr, key, EVP_sha256 ()), >, 0);
  X509_NAME_free (name);
  return csr;
}

typedef struct {
  CmpFixture *f;
  guint       calls;
  gboolean    refuse;
  char       *conf_at_call;  /* certconf.txt when the hook ran: the certConf comes after it */
  X509       *seen;
  int         chain_len;
} HookData;

static gboolean
accept_hook (X509 *cert, STACK_OF (X509) *chain, gpointer data, GError **error)
{
  HookData *h = data;

  h->calls++;
  g_free (h->conf_at_call);
  h->conf_at_call = h->f ? certconf_log (h->f) : NULL;
  X509_free (h->seen);
  h->seen = X509_dup (cert);
  h->chain_len = sk_X509_num (chain);
  if (h->refuse)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "The certificate could not be recorded: disk full");
      return FALSE;
    }
  return TRUE;
}

/* The request's accept hook decides the certConf: it runs before the certConf is sent, with the certificate
 * and its chain; its refusal is a negative certConf (systemFailure) and issue() fails with the hook's error,
 * saying the CA was told. */
static void
test_accept_hook (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509_REQ *csr = make_csr ("Accept Hook", key);
  g_autoptr(GDateTime) nb = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) na = g_date_time_add_days (nb, 365);
  HookData h = { f, 0, TRUE };
  CdIssueRequest req = { csr, key, nb, na, "pki-ec", accept_hook, &h };
  STACK_OF (X509) *chain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  X509 *cert;

  cert = cd_issuer_issue (issuer, &req, &chain, &error);
  g_assert_null (cert);
  g_test_message ("hook refused: %s", error->message);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_cmpstr (error->message, ==, "The certificate could not be recorded: disk full; it was refused and the CA was told");
  g_assert_cmpuint (h.calls, ==, 1);
  g_assert_cmpstr (h.conf_at_call, ==, "");
  conf = certconf_log (f);
  g_assert_true (g_str_has_prefix (conf, "rejected: PKIStatus: rejection"));
  g_assert_nonnull (strstr (conf, "systemFailure"));
  g_assert_nonnull (strstr (conf, "disk full"));

  /* Taken: the certificate returned is the one the hook saw, and the CA's positive certConf came after. */
  h.refuse = FALSE;
  g_clear_error (&error);
  cert = cd_issuer_issue (issuer, &req, &chain, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (h.calls, ==, 2);
  g_assert_cmpstr (h.conf_at_call, ==, conf);
  g_assert_cmpint (X509_cmp (cert, h.seen), ==, 0);
  g_assert_cmpint (EVP_PKEY_eq (X509_get0_pubkey (cert), key), ==, 1);
  g_assert_cmpint (h.chain_len, ==, 1);
  g_assert_cmpint (sk_X509_num (chain), ==, 1);
  g_free (conf);
  conf = certconf_log (f);
  g_assert_true (g_str_has_suffix (conf, "\naccepted\n"));
  X509_free (cert);
  sk_X509_pop_free (chain, X509_free);
  X509_free (h.seen);
  g_free (h.conf_at_call);
  X509_REQ_free (csr);
  EVP_PKEY_free (key);
}

/* ---- OpenSSL's own CMP mock server (openssl cmp -port 0) ---- */

/* A free port on 127.0.0.1 that nobody listens on. */
static int
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int s = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (bind (s, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (s, (struct sockaddr *) &addr, &len), ==, 0);
  close (s);
  return ntohs (addr.sin_port);
}


typedef struct {
  GSubprocess *proc;
  char        *log;     /* its stdout and stderr */
  char        *url;
  char        *ca;      /* the CA of its rsp_cert (PEM) */
  char        *rsp;     /* the certificate it returns (PEM) */
  EVP_PKEY    *key;     /* rsp's key */
} MockServer;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The mock server CA, its EE certificate "CertDesk Mock EE" for a key of its own (the one a request must have to
 * be taken), and `openssl cmp -port 0` answering with it under PBM (reference certdesk, SECRET), plus @args. */
static void
mock_start (MockServer *m, CmpFixture *f, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  EVP_PKEY *ca_key = EVP_EC_gen ("P-256");
  X509 *ca, *ee;
  const char *accept;

  m->key = EVP_EC_gen ("P-256");
  ca = make_cert ("CertDesk Mock CA", ca_key, NULL, NULL);
  ee = make_cert ("CertDesk Mock EE", m->key, ca, ca_key);
  m->ca = g_build_filename (f->base.dir, "mock-ca.pem", NULL);
  m->rsp = g_build_filename (f->base.dir, "mock-ee.pem", NULL);
  m->log = g_build_filename (f->base.dir, "mock.log", NULL);
  write_pem (m->ca, ca, NULL, NULL);
  write_pem (m->rsp, ee, NULL, NULL);
  X509_free (ca);
  X509_free (ee);
  EVP_PKEY_free (ca_key);

  for (const char *a0[] = { "openssl", "cmp", "-port", "0", "-srv_ref", "certdesk", "-srv_secret", "pass:" SECRET,
                            "-rsp_cert", NULL }, **a = a0; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, m->rsp);
  for (const char *const *a = args; a && *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  g_unlink (m->log);  /* a previous mock's "ACCEPT" line is not this one's */
  g_subprocess_launcher_set_stdout_file_path (launcher, m->log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  m->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* It prints "ACCEPT [::]:PORT PID=…" once it listens (OpenSSL 3.0 binds every address; we talk to
   * 127.0.0.1). */
  for (int i = 0; i < 500; i++)
    {
      g_free (text);
      text = NULL;
      if (g_file_get_contents (m->log, &text, NULL, NULL) && (accept = strstr (text, "ACCEPT ")) && strstr (accept, " PID="))
        break;
      g_usleep (10000);
    }
  g_assert_nonnull (text);
  accept = strstr (text, "ACCEPT ");
  g_assert_nonnull (accept);
  m->url = g_strdup_printf ("http://127.0.0.1:%d/pkix/", atoi (strstr (accept, "]:") + 2));
}

static void
mock_stop (MockServer *m)
{
  g_subprocess_send_signal (m->proc, SIGTERM);
  g_subprocess_wait (m->proc, NULL, NULL);
  g_object_unref (m->proc);
  g_free (m->log);
  g_free (m->url);
  g_free (m->ca);
  g_free (m->rsp);
  EVP_PKEY_free (m->key);
}

/* What the mock server wrote so far (it flushes each line). */
static char *
mock_log (MockServer *m)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (m->log, &text, NULL, NULL));
  return text;
}

static guint
count (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, needle)); p += strlen (needle))
    n++;
  return n;
}

/* A CMP issuer for @url (NULL: the mock's), trusting @trust (NULL: the mock's CA). */
static CdIssuer *
mock_issuer (MockServer *m, const char *url, const char *trust, guint timeout_s)
{
  g_autoptr(CdPin) pin = cd_pin_new (SECRET);
  g_autoptr(GError) error = NULL;
  CdCmpConfig cfg = { url ? url : m->url, trust ? trust : m->ca, NULL, pin, NULL, NULL, NULL, FALSE, timeout_s };
  CdIssuerCmp *issuer = cd_issuer_cmp_new (&cfg, &error);

  g_assert_no_error (error);
  return CD_ISSUER (issuer);
}

static X509 *
mock_issue (MockServer *m, CdIssuer *issuer, const char *cn, EVP_PKEY *key, HookData *hook, GError **error)
{
  X509_REQ *csr = make_csr (cn, key);
  g_autoptr(GDateTime) nb = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) na = g_date_time_add_days (nb, 30);
  CdIssueRequest req = { csr, key, nb, na, "pki-ec", hook ? accept_hook : NULL, hook };
  STACK_OF (X509) *chain = NULL;
  X509 *cert = cd_issuer_issue (issuer, &req, &chain, error);

  if (cert)
    {
      g_assert_nonnull (chain);
      g_assert_cmpint (sk_X509_num (chain), >=, 1);
    }
  sk_X509_pop_free (chain, X509_free);
  X509_REQ_free (csr);
  return cert;
}

/* (a) A request for the mock's key and subject: taken, a positive certConf (two exchanges, no rejection). */
static void
test_mock_issue (CmpFixture *f, gconstpointer data)
{
  MockServer m = { 0 };
  g_autoptr(CdIssuer) issuer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  HookData h = { NULL, 0, FALSE };
  X509 *cert, *expected;
  BIO *bio;

  mock_start (&m, f, NULL);
  issuer = mock_issuer (&m, NULL, NULL, 0);
  cert = mock_issue (&m, issuer, "CertDesk Mock EE", m.key, &h, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  g_assert_cmpuint (h.calls, ==, 1);
  bio = BIO_new_file (m.rsp, "r");
  expected = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_cmpint (X509_cmp (cert, expected), ==, 0);
  log = mock_log (&m);
  g_test_message ("mock server:\n%s", log);
  g_assert_cmpuint (count (log, "Received request"), ==, 2);  /* p10cr, certConf */
  g_assert_null (strstr (log, "rejected by client"));
  X509_free (cert);
  X509_free (expected);
  X509_free (h.seen);
  mock_stop (&m);
}

/* (b) The mock returns its fixed certificate, for another key than the request's, another subject, or (with
 * another trust anchor) one that does not chain: refused in certConf with our sentence; the mock logs the
 * client's rejection. The accept hook is never asked about a certificate that failed our checks. */
static void
test_mock_refused_by_us (CmpFixture *f, gconstpointer data)
{
  MockServer m = { 0 };
  g_autoptr(CdIssuer) issuer = NULL;
  g_autoptr(CdIssuer) other_trust = NULL;
  g_autofree char *other_ca = g_build_filename (f->base.dir, "other-ca.pem", NULL);
  EVP_PKEY *other = EVP_EC_gen ("P-256");
  EVP_PKEY *other_ca_key = EVP_EC_gen ("P-256");
  X509 *other_ca_cert = make_cert ("Another CA", other_ca_key, NULL, NULL);
  HookData h = { NULL, 0, FALSE };
  GError *error = NULL;
  char *log;

  write_pem (other_ca, other_ca_cert, NULL, NULL);
  mock_start (&m, f, NULL);
  issuer = mock_issuer (&m, NULL, NULL, 0);
  other_trust = mock_issuer (&m, NULL, other_ca, 0);

  g_assert_null (mock_issue (&m, issuer, "CertDesk Mock EE", other, &h, &error));
  g_test_message ("other key: %s", error->message);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_assert_cmpstr (error->message, ==, "The certificate the CA returned is for another key; it was refused and the CA was told");
  g_clear_error (&error);
  log = mock_log (&m);
  g_assert_cmpuint (count (log, "certificate rejected by client"), ==, 1);
  g_free (log);

  g_assert_null (mock_issue (&m, issuer, "Somebody Else", m.key, &h, &error));
  g_test_message ("other subject: %s", error->message);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_assert_cmpstr (error->message, ==, "The certificate the CA returned is for “CN=CertDesk Mock EE”, not for the requested "
                                       "“CN=Somebody Else”; it was refused and the CA was told");
  g_clear_error (&error);

  g_assert_null (mock_issue (&m, other_trust, "CertDesk Mock EE", m.key, &h, &error));
  g_test_message ("untrusted: %s", error->message);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_assert_true (g_str_has_prefix (error->message, "The certificate the CA returned does not chain to the CMP trust anchor"));
  g_assert_nonnull (strstr (error->message, other_ca));
  g_assert_true (g_str_has_suffix (error->message, "; it was refused and the CA was told"));
  g_clear_error (&error);

  log = mock_log (&m);
  g_assert_cmpuint (count (log, "certificate rejected by client"), ==, 3);
  g_assert_cmpuint (h.calls, ==, 0);
  g_free (log);
  X509_free (other_ca_cert);
  EVP_PKEY_free (other_ca_key);
  EVP_PKEY_free (other);
  mock_stop (&m);
}

/* (b) end to end: certdesk-cli burn against the mock, which answers with a certificate for another key than the
 * one just made on the SoftHSM2 key: exit 4, one line on stderr saying we refused it and told the CA; nothing
 * issued. A CA that is not there: exit 4, one line saying the connection was refused. */
static void
test_mock_cli_burn (CmpFixture *f, gconstpointer data)
{
  const char *cli = g_getenv ("CERTDESK_CLI");
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = g_build_filename (f->base.dir, "app.json", NULL);
  g_auto(GStrv) envp = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;
  MockServer m = { 0 };
  int status;

  if (cli == NULL)
    {
      g_test_skip ("certdesk-cli is not built");
      return;
    }
  mock_start (&m, f, NULL);
  pki_make_token (&f->base, "DEMO-A");
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  g_clear_object (&f->base.ctx);
  envp = g_environ_setenv (g_get_environ (), "CERTDESK_SO_PIN", PKI_SO_PIN, TRUE);
  envp = g_environ_setenv (envp, "CERTDESK_CMP_SECRET", SECRET, TRUE);
  {
    const char *argv[] = { cli, "--db", f->base.db_path, "--data-dir", f->base.state_dir, "burn", "--application", path,
                           "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--issuer", "cmp", "--cmp-server", m.url,
                           "--cmp-trust", m.ca, NULL };
    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 4);
  g_assert_nonnull (strstr (err, "The certificate the CA returned is for another key; it was refused and the CA was told"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (long) strlen (err) - 1);
  g_assert_null (strstr (err, SECRET));
  log = mock_log (&m);
  g_assert_cmpuint (count (log, "certificate rejected by client"), ==, 1);
  pki_fixture_reopen (&f->base);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);

  /* The CA's server gone: the connection is refused at once (not after the timeout). */
  mock_stop (&m);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_object (&f->base.ctx);
  {
    g_autofree char *url = NULL;
    const char *argv[] = { cli, "--db", f->base.db_path, "--data-dir", f->base.state_dir, "burn", "--id", "1",
                           "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--issuer", "cmp", "--cmp-server", NULL,
                           "--cmp-trust", f->trust, NULL };
    gint64 start = g_get_monotonic_time ();

    url = g_strdup_printf ("http://127.0.0.1:%d/pkix/", free_port ());
    argv[15] = url;
    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_test_message ("stderr: %s", err);
    g_assert_cmpint (WEXITSTATUS (status), ==, 4);
    g_assert_nonnull (strstr (err, "the connection was refused"));
    g_assert_cmpint (strchr (err, '\n') - err, ==, (long) strlen (err) - 1);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_TIME_SPAN_SECOND);
  }
}

/* (c) The CA refuses: its status text and failure bits in words; a protection failure bit is said as such;
 * an error message (-send_error) is the CA's refusal too. */
static void
test_mock_refused_by_ca (CmpFixture *f, gconstpointer data)
{
  const char *const refuse[] = { "-pkistatus", "2", "-failure", "2", "-statusstring", "subject not registered with the RA", NULL };
  const char *const bits[] = { "-pkistatus", "2", "-failurebits", "524288", NULL };  /* badCertTemplate */
  const char *const protection[] = { "-pkistatus", "2", "-failure", "1", NULL };          /* badMessageCheck */
  const char *const send_error[] = { "-send_error", NULL };
  const char *const *args[] = { refuse, bits, protection, send_error };
  const char *expect[] = {
    "The CA refused the certificate request: subject not registered with the RA (request not permitted or not supported)",
    "The CA refused the certificate request: certificate template not acceptable",
    "The CA did not accept this counter's CMP shared secret for the certificate request",
    "The CA refused the certificate request: ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (args); i++)
    {
      MockServer m = { 0 };
      g_autoptr(CdIssuer) issuer = NULL;
      g_autoptr(GError) error = NULL;
      HookData h = { NULL, 0, FALSE };

      mock_start (&m, f, args[i]);
      issuer = mock_issuer (&m, NULL, NULL, 0);
      g_assert_null (mock_issue (&m, issuer, "CertDesk Mock EE", m.key, &h, &error));
      g_test_message ("%s: %s", args[i][0], error->message);
      g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED);
      g_assert_true (g_str_has_prefix (error->message, expect[i]));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_null (strstr (error->message, "no reason given"));
      g_assert_cmpint (cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (issuer)), ==, i == 2);
      g_assert_cmpuint (h.calls, ==, 0);
      mock_stop (&m);
    }
}

/* The CA asks to wait (-poll_count, -check_after): polled until it answers; a CA that does not decide within
 * the transaction's time (three message timeouts) is said as such, not as a refusal. */
static void
test_mock_polling (CmpFixture *f, gconstpointer data)
{
  const char *const slow[] = { "-poll_count", "2", "-check_after", "1", NULL };
  const char *const too_slow[] = { "-poll_count", "30", "-check_after", "1", NULL };
  MockServer m = { 0 };
  g_autoptr(GError) error = NULL;
  HookData h = { NULL, 0, FALSE };
  CdIssuer *issuer;
  X509 *cert;

  mock_start (&m, f, slow);
  issuer = mock_issuer (&m, NULL, NULL, 10);
  cert = mock_issue (&m, issuer, "CertDesk Mock EE", m.key, &h, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  g_assert_cmpuint (h.calls, ==, 1);
  X509_free (cert);
  X509_free (h.seen);
  g_object_unref (issuer);
  mock_stop (&m);

  mock_start (&m, f, too_slow);
  issuer = mock_issuer (&m, NULL, NULL, 1);
  g_assert_null (mock_issue (&m, issuer, "CertDesk Mock EE", m.key, &h, &error));
  g_test_message ("too slow: %s", error->message);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE);
  g_assert_cmpstr (error->message, ==, "The CA did not decide on the certificate request within 3 s (it asked to wait); retry later");
  g_object_unref (issuer);
  mock_stop (&m);
}

/* A tiny HTTP server in a thread that answers every request the same way: not a CA. */
typedef struct {
  int         fd;
  int         port;
  const char *answer;   /* NULL: read the request and close; "hang": never answer */
  GThread    *thread;
  gint        stop;
} NotCa;

/* Reads one HTTP request (headers and Content-Length body); FALSE if the client went away first. */
static gboolean
read_request (int c)
{
  g_autoptr(GString) in = g_string_new (NULL);
  const char *end, *cl;
  char buf[4096];
  ssize_t n;

  while (!(end = strstr (in->str, "\r\n\r\n")) || !(cl = strcasestr (in->str, "Content-Length:"))
         || (gsize) (end + 4 - in->str) + strtoul (cl + 15, NULL, 10) > in->len)
    {
      if ((n = read (c, buf, sizeof buf)) <= 0)
        return FALSE;
      g_string_append_len (in, buf, n);
    }
  return TRUE;
}

static gpointer
not_ca_serve (gpointer data)
{
  NotCa *s = data;

  while (!g_atomic_int_get (&s->stop))
    {
      int c = accept (s->fd, NULL, NULL);

      if (c < 0)
        continue;
      if (read_request (c) && s->answer)
        {
          if (g_str_equal (s->answer, "hang"))
            {
              char buf[64];
              struct pollfd pfd = { c, POLLIN };

              /* until the client gives up and closes */
              while (poll (&pfd, 1, 5000) > 0 && read (c, buf, sizeof buf) > 0)
                ;
            }
          else if (write (c, s->answer, strlen (s->answer)) < 0)
            g_warning ("write: %s", g_strerror (errno));
        }
      close (c);
    }
  return NULL;
}

static void
not_ca_start (NotCa *s, const char *answer)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;

  s->fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (bind (s->fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (s->fd, 4), ==, 0);
  g_assert_cmpint (getsockname (s->fd, (struct sockaddr *) &addr, &len), ==, 0);
  s->port = ntohs (addr.sin_port);
  s->answer = answer;
  s->thread = g_thread_new ("not-a-ca", not_ca_serve, s);
}

static void
not_ca_stop (NotCa *s)
{
  int c;
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (s->port),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  g_atomic_int_set (&s->stop, 1);
  /* Wake the accept. */
  c = socket (AF_INET, SOCK_STREAM, 0);
  connect (c, (struct sockaddr *) &addr, sizeof addr);
  close (c);
  g_thread_join (s->thread);
  close (s->fd);
}

/* (d) and (e): what is not a CA: a web server answering HTML, junk as application/pkixcmp, an HTTP error, a
 * server that never answers, one that closes at once, and nobody listening. */
static void
test_not_a_ca (CmpFixture *f, gconstpointer data)
{
  static const struct {
    const char *answer;
    int         code;
    const char *expect;
  } cases[] = {
    { "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\n<html>hi</html>", CD_PKI_ERROR_ISSUER,
      "did not answer the certificate request in CMP: its answer is text/html, not application/pkixcmp" },
    { "HTTP/1.0 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: 5\r\n\r\nhello", CD_PKI_ERROR_ISSUER,
      "did not answer the certificate request in CMP: its answer is not a CMP message" },
    /* DER, but not a PKIMessage: SEQUENCE { INTEGER 5 } */
    { "HTTP/1.0 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: 5\r\n\r\n\x30\x03\x02\x01\x05",
      CD_PKI_ERROR_ISSUER, "did not answer the certificate request in CMP: its answer is not a CMP message" },
    { "SSH-2.0-OpenSSH_9.2\r\n", CD_PKI_ERROR_ISSUER, "did not answer the certificate request in CMP: its answer is not HTTP" },
    { "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", CD_PKI_ERROR_ISSUER,
      "answered the certificate request with the HTTP error 404 Not Found" },
    { "hang", CD_PKI_ERROR_ISSUER_UNREACHABLE, "did not answer the certificate request within 1 s" },
    { NULL, CD_PKI_ERROR_ISSUER_UNREACHABLE, "closed the connection without answering the certificate request" },
  };
  MockServer m = { 0 };
  EVP_PKEY *key = EVP_EC_gen ("P-256");

  /* Only for a trust anchor and a key; the requests go elsewhere. */
  mock_start (&m, f, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NotCa s = { 0 };
      g_autoptr(CdIssuer) issuer = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;

      not_ca_start (&s, cases[i].answer);
      url = g_strdup_printf ("http://127.0.0.1:%d/pkix/", s.port);
      /* 1 s only where the server hangs: an answer sent at once may still take longer than that to arrive on a
       * busy machine (seen in CI under the sanitizers), and would then read as a timeout */
      issuer = mock_issuer (&m, url, NULL, g_strcmp0 (cases[i].answer, "hang") == 0 ? 1 : 30);
      g_assert_null (mock_issue (&m, issuer, "CertDesk Mock EE", key, NULL, &error));
      g_test_message ("%s: %s", cases[i].answer ? cases[i].answer : "(close)", error->message);
      g_assert_error (error, CD_PKI_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
      if (cases[i].code == CD_PKI_ERROR_ISSUER)
        g_assert_true (g_str_has_prefix (error->message, "The server at http://127.0.0.1:"));
      g_assert_null (strstr (error->message, "cannot be reached"));
      g_assert_null (strchr (error->message, '\n'));
      not_ca_stop (&s);
    }

  /* Nobody listens: refused at once, not after the (here 10 s) timeout. */
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%d/pkix/", free_port ());
    g_autoptr(CdIssuer) issuer = mock_issuer (&m, url, NULL, 10);
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time ();

    g_assert_null (mock_issue (&m, issuer, "CertDesk Mock EE", key, NULL, &error));
    g_test_message ("nobody: %s", error->message);
    g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE);
    g_assert_true (g_str_has_prefix (error->message, "Could not connect to the CA at 127.0.0.1:"));
    g_assert_nonnull (strstr (error->message, "the connection was refused"));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  }
  /* A name that does not resolve (.invalid is reserved for that, RFC 6761). */
  {
    g_autoptr(CdIssuer) issuer = mock_issuer (&m, "http://no-such-host.invalid:8080/pkix/", NULL, 10);
    g_autoptr(GError) error = NULL;

    g_assert_null (mock_issue (&m, issuer, "CertDesk Mock EE", key, NULL, &error));
    g_test_message ("unknown name: %s", error->message);
    g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE);
    g_assert_true (g_str_has_prefix (error->message, "Could not connect to the CA for the certificate request: the name "
                                                     "no-such-host.invalid of the CMP server "
                                                     "http://no-such-host.invalid:8080/pkix/ is not known"));
  }
  EVP_PKEY_free (key);
  mock_stop (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define T(path, fn) g_test_add (path, CmpFixture, NULL, cmp_setup, fn, cmp_teardown)
  T ("/pki/cmp/issue-and-revoke", test_issue_and_revoke);
  T ("/pki/cmp/revoke-already-revoked-at-ca", test_revoke_already_revoked_at_ca);
  T ("/pki/cmp/refused-then-retry", test_refused_then_retry);
  T ("/pki/cmp/unreachable-then-retry", test_unreachable_then_retry);
  T ("/pki/cmp/wrong-secret", test_wrong_secret);
  T ("/pki/cmp/cli-accept", test_cli_accept_cmp);
  T ("/pki/cmp/ir-ec", test_ir_ec);
  T ("/pki/cmp/ir-rsa", test_ir_rsa);
  T ("/pki/cmp/ir-bad-popo", test_ir_bad_popo);
  T ("/pki/cmp/certconf/other-key", test_refuse_other_key);
  T ("/pki/cmp/certconf/other-subject", test_refuse_other_subject);
  T ("/pki/cmp/certconf/untrusted-chain", test_refuse_untrusted_chain);
  T ("/pki/cmp/certconf/accept-hook", test_accept_hook);
  T ("/pki/cmp/certconf/after-key", test_certconf_after_key);
  T ("/pki/cmp/mock/issue", test_mock_issue);
  T ("/pki/cmp/mock/refused-by-us", test_mock_refused_by_us);
  T ("/pki/cmp/mock/refused-by-ca", test_mock_refused_by_ca);
  T ("/pki/cmp/mock/polling", test_mock_polling);
  T ("/pki/cmp/mock/cli-burn", test_mock_cli_burn);
  T ("/pki/cmp/not-a-ca", test_not_a_ca);
#define R(path, fn) g_test_add (path, CmpFixture, "ra", cmp_setup, fn, cmp_teardown)
  R ("/pki/cmp/ra/issue-and-revoke", test_ra_issue_and_revoke);
  R ("/pki/cmp/ra/p10cr", test_ra_p10cr);
  R ("/pki/cmp/ra/refused", test_ra_refused);
  R ("/pki/cmp/ra/key-passphrase", test_ra_key_passphrase);
  R ("/pki/cmp/ra/cli-accept", test_cli_accept_ra);
  return g_test_run ();
}
