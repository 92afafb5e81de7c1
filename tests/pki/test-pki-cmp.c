/* test-pki-cmp.c: the CMP issuer against a responder on OpenSSL's server side over HTTP on 127.0.0.1:
 * issue (p10cr) onto a SoftHSM2 key, revoke (rr), the CA refusing, the CA unreachable, and accept from the
 * command line with --issuer cmp. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "cd-issuer-cmp.h"
#include "cd-pki-error.h"
#include "pki-test-util.h"

#define SECRET "cmp-test-secret"

typedef struct {
  PkiFixture base;
  char      *ca_dir;
  GPid       pid;
  char      *url;
  char      *trust;
} CmpFixture;

static void
cmp_setup (CmpFixture *f, gconstpointer data)
{
  const char *argv[] = { PKI_CMP_RESPONDER, NULL, SECRET, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *port_file = NULL;
  g_autofree char *port = NULL;

  pki_fixture_setup (&f->base, data);
  f->ca_dir = g_build_filename (f->base.dir, "cmp", NULL);
  g_mkdir_with_parents (f->ca_dir, 0700);
  argv[1] = f->ca_dir;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &f->pid, &error));
  port_file = g_build_filename (f->ca_dir, "port", NULL);
  for (int i = 0; i < 500 && !g_file_test (port_file, G_FILE_TEST_EXISTS); i++)
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
}

static CdIssuer *
cmp_issuer (CmpFixture *f, const char *url, const char *secret)
{
  g_autoptr(CdPin) pin = cd_pin_new (secret);
  g_autoptr(GError) error = NULL;
  CdCmpConfig cfg = { url, f->trust, NULL, pin };
  CdIssuerCmp *issuer = cd_issuer_cmp_new (&cfg, &error);

  g_assert_no_error (error);
  return CD_ISSUER (issuer);
}

static void
test_issue_and_revoke (CmpFixture *f, gconstpointer data)
{
  g_autoptr(CdIssuer) issuer = cmp_issuer (f, f->url, SECRET);
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *der = g_build_filename (f->base.dir, "c.der", NULL);
  g_autofree char *verify = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *revoked_file = g_build_filename (f->ca_dir, "revoked.txt", NULL);
  g_autofree char *cka = NULL;
  g_autofree char *issuer_col = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, issuer, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->issuer, ==, "cmp");
  issuer_col = pki_db_text (&f->base, "SELECT issuer FROM certificate");
  g_assert_cmpstr (issuer_col, ==, "cmp");
  /* An outsider reads the certificate off the key and checks it against the CA's root. */
  cka = pki_db_text (&f->base, "SELECT cka_id FROM token");
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login", "--pin",
                   PKI_PIN, "--read-object", "--type", "cert", "--id", cka, "-o", der, NULL));
  {
    g_autofree char *pem = g_build_filename (f->base.dir, "c.pem", NULL);
    g_free (pki_run (TRUE, NULL, NULL, "openssl", "x509", "-inform", "DER", "-in", der, "-out", pem, NULL));
    verify = pki_run (TRUE, NULL, NULL, "openssl", "verify", "-CAfile", f->trust, pem, NULL);
  }
  g_assert_nonnull (strstr (verify, "OK"));

  g_assert_true (cd_burn_revoke_certificate (f->base.ctx, issuer, r->certificate_serial, CD_REVOKE_KEY_COMPROMISE,
                                             &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (revoked_file, &revoked, NULL, NULL));
  g_assert_nonnull (strstr (revoked, r->certificate_serial));
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
  g_assert_nonnull (error);
  g_assert_true (cd_pki_error_is_issuer (error));
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define T(path, fn) g_test_add (path, CmpFixture, NULL, cmp_setup, fn, cmp_teardown)
  T ("/pki/cmp/issue-and-revoke", test_issue_and_revoke);
  T ("/pki/cmp/refused-then-retry", test_refused_then_retry);
  T ("/pki/cmp/unreachable-then-retry", test_unreachable_then_retry);
  T ("/pki/cmp/wrong-secret", test_wrong_secret);
  T ("/pki/cmp/cli-accept", test_cli_accept_cmp);
  return g_test_run ();
}
