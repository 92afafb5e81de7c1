/* test-pki-faults.c: the faults of the issue, each survived: the key pulled out during key generation,
 * during the write and after it; a wrong PIN (tries left in the message), a locked PIN, a full key; a crash
 * in the middle (resumed at the next burn). Every time: one clear sentence, the application stays at its
 * last good state, nothing recorded as issued that is not on a key and verified, and a retry completes. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-pki-error.h"
#include "pki-test-util.h"

/* How many pieces @sep cuts @text into (so a count of objects is this minus one). */
static guint
count_parts (const char *text, const char *sep)
{
  g_auto(GStrv) parts = g_strsplit (text, sep, -1);

  return g_strv_length (parts);
}

typedef struct {
  PkiFixture base;
  char      *control;
} FaultFixture;

static void
fault_setup (FaultFixture *f, gconstpointer data)
{
  pki_fixture_setup (&f->base, data);
  f->control = g_build_filename (f->base.dir, "fault.conf", NULL);
  g_assert_true (g_file_set_contents (f->control, "", -1, NULL));
  g_setenv ("CD_FAULT_CONTROL", f->control, TRUE);
  g_setenv ("CD_FAULT_TARGET", PKI_SOFTHSM, TRUE);
  g_setenv ("PKI_MODULE", PKI_FAULT_MODULE, TRUE);
}

static void
fault_teardown (FaultFixture *f, gconstpointer data)
{
  g_unsetenv ("PKI_MODULE");
  pki_fixture_teardown (&f->base, data);
  g_free (f->control);
}

static void
fault (FaultFixture *f, const char *spec)
{
  g_assert_true (g_file_set_contents (f->control, spec, -1, NULL));
}

static void
assert_one_sentence (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpuint (strlen (error->message), <, 240);
}

static void
assert_state (FaultFixture *f, gint64 id, const char *state)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM application WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *s = pki_db_text (&f->base, sql);

  g_assert_cmpstr (s, ==, state);
}

static gint64
printed_app (FaultFixture *f, const char *profile)
{
  g_autofree char *json = pki_app_json (profile, "new", NULL, NULL, NULL, 0, NULL);
  return pki_application (&f->base, json, CD_STATE_PRINTED);
}

/* Pulled out while the key pair is generated (EC through C_GenerateKeyPair, RSA through libp11). */
static void
test_pulled_during_keygen (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed_app (f, data);
  fault (f, "fail C_GenerateKeyPair CKR_DEVICE_REMOVED sticky\n");
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
  assert_one_sentence (error);
  g_assert_nonnull (strstr (error->message, "generating the key pair"));
  assert_state (f, id, "printed");
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal WHERE step = 'keygen' AND phase = 'rolled-back'"),
                   ==, 1);
  /* Put back: the retry on the same key completes. */
  fault (f, "");
  g_clear_error (&error);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  assert_state (f, id, "issued");
}

/* Pulled out while the certificate is written: the issued certificate is revoked (and on the CRL), the
 * retry on another key completes. */
static void
test_pulled_during_write (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *first = NULL;
  g_autofree char *crl = g_build_filename (f->base.state_dir, "ca", "crl.pem", NULL);
  g_autofree char *crl_text = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  pki_make_token (&f->base, "DEMO-B");
  id = printed_app (f, "pki-ec");
  fault (f, "fail C_CreateObject CKR_DEVICE_REMOVED sticky\n");
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
  assert_one_sentence (error);
  g_assert_nonnull (strstr (error->message, "writing the certificate"));
  assert_state (f, id, "printed");
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);
  first = pki_db_text (&f->base, "SELECT serial FROM certificate WHERE state = 'revoked'");
  g_assert_nonnull (first);
  fault (f, "");
  g_clear_error (&error);
  r = pki_burn (&f->base, id, "DEMO-B", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->certificate_serial, !=, first);
  crl_text = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", crl, "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl_text, first));
}

/* Pulled out after the write, during verification: not recorded as issued; the retry completes. */
static void
test_pulled_after_write (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed_app (f, "pki-ec");
  /* The CSR is the first signature on the key; the verification's round trip the second. */
  fault (f, "fail C_SignInit CKR_DEVICE_REMOVED skip 1 sticky\n");
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
  assert_one_sentence (error);
  assert_state (f, id, "printed");
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal WHERE step = 'write' AND phase = 'done'"), ==, 1);
  fault (f, "");
  g_clear_error (&error);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
}

static void
test_token_full (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = printed_app (f, "pki-ec");
  fault (f, "fail C_GenerateKeyPair CKR_DEVICE_MEMORY\n");
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_FULL);
  assert_one_sentence (error);
  g_assert_nonnull (strstr (error->message, "full"));
  assert_state (f, id, "printed");
  fault (f, "");
  g_clear_error (&error);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
}

/* A key with a retry counter: the message says how many tries are left, then locked; the SO unlocks. */
static void
test_wrong_then_locked_pin (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *json = NULL;
  gint64 id, change, unlock;

  pki_make_token (&f->base, "DEMO-A");
  fault (f, "pin-tries 3\n");
  id = printed_app (f, "pki-ec");
  first = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  json = pki_app_json ("pki-ec", "change", NULL, "内蒙古甲乙建设集团有限公司", first->certificate_serial, 0, NULL);
  change = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, change, "DEMO-A", "000001", NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT);
  assert_one_sentence (error);
  g_assert_nonnull (strstr (error->message, "few tries"));
  g_clear_error (&error);
  r = pki_burn (&f->base, change, "DEMO-A", "000002", NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT);
  g_assert_nonnull (strstr (error->message, "1 try is left"));
  g_clear_error (&error);
  r = pki_burn (&f->base, change, "DEMO-A", "000003", NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_LOCKED);
  g_assert_nonnull (strstr (error->message, "unlock"));
  g_clear_error (&error);
  /* Locked: even the right PIN is refused until the unlock. */
  r = pki_burn (&f->base, change, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_LOCKED);
  g_clear_error (&error);
  assert_state (f, change, "printed");
  g_free (json);
  json = pki_app_json ("pki-ec", "unlock", NULL, NULL, first->certificate_serial, 0, NULL);
  unlock = pki_application (&f->base, json, CD_STATE_PRINTED);
  r = pki_burn (&f->base, unlock, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, cd_burn_result_free);
  r = pki_burn (&f->base, change, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_state (f, change, "issued");
}

/* A crash while the certificate is written (the process dies): the next burn on the same key resumes the
 * attempt with the certificate already issued, instead of issuing another. */
static void
test_crash_resumed (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_auto(GStrv) envp = NULL;
  const char *cli = g_getenv ("CERTDESK_CLI");
  g_autofree char *id_text = NULL;
  g_autofree char *issued_pem = NULL;
  int status = 0;
  gint64 id;

  if (cli == NULL)
    {
      g_test_skip ("certdesk-cli is not built");
      return;
    }
  pki_make_token (&f->base, "DEMO-A");
  id = printed_app (f, "pki-ec");
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_clear_object (&f->base.ctx);
  fault (f, "exit C_CreateObject\n");
  envp = g_environ_setenv (g_get_environ (), "CERTDESK_SO_PIN", PKI_SO_PIN, TRUE);
  {
    const char *argv[] = { cli, "--db", f->base.db_path, "--data-dir", f->base.state_dir, "burn", "--id", id_text,
                           "--module", PKI_FAULT_MODULE, "--token-label", "DEMO-A", NULL };
    g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                  NULL, &status, &error);
    g_assert_no_error (error);
  }
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 99);
  pki_fixture_reopen (&f->base);
  assert_state (f, id, "printed");
  issued_pem = pki_db_text (&f->base, "SELECT json_extract(detail, '$.serial') FROM burn_journal"
                                      " WHERE step = 'issue' AND phase = 'done'");
  g_assert_nonnull (issued_pem);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate"), ==, 0);
  fault (f, "");
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r->resumed);
  g_assert_cmpstr (r->certificate_serial, ==, issued_pem);
  g_assert_cmpint (r->attempt, ==, 1);
  assert_state (f, id, "issued");
}

/* A renewal that lost the key after its key generation leaves a key pair without certificate; the next
 * attempt on that key finds it and removes it. */
static void
test_orphans_removed (FaultFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *json = NULL;
  g_autofree char *objects = NULL;
  g_autoptr(GDateTime) t0 = g_date_time_new_from_iso8601 ("2026-01-10T09:00:00Z", NULL);
  g_autoptr(GDateTime) t1 = g_date_time_new_from_iso8601 ("2026-12-20T09:00:00Z", NULL);
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  cd_store_set_now (cd_context_get_store (f->base.ctx), t0);
  id = printed_app (f, "pki-ec");
  first = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  cd_store_set_now (cd_context_get_store (f->base.ctx), t1);
  json = pki_app_json ("pki-ec", "renew", NULL, NULL, NULL, 0, NULL);
  id = pki_application (&f->base, json, CD_STATE_PRINTED);
  /* The CSR's signature is the first on the key: pulled out right after the new key pair. */
  fault (f, "fail C_SignInit CKR_DEVICE_REMOVED sticky\n");
  r = pki_burn (&f->base, id, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
  g_clear_error (&error);
  fault (f, "");
  objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                     "--pin", PKI_PIN, "--list-objects", "--type", "privkey", NULL);
  g_assert_cmpint (count_parts (objects, "Private Key Object"), ==, 3);
  r = pki_burn (&f->base, id, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->leftovers_removed, ==, 1);
  g_free (objects);
  objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                     "--pin", PKI_PIN, "--list-objects", "--type", "privkey", NULL);
  g_assert_cmpint (count_parts (objects, "Private Key Object"), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define T(path, fn, data) g_test_add (path, FaultFixture, data, fault_setup, fn, fault_teardown)
  T ("/pki/faults/pulled-during-keygen/ec", test_pulled_during_keygen, "pki-ec");
  T ("/pki/faults/pulled-during-keygen/rsa", test_pulled_during_keygen, "pki-rsa");
  T ("/pki/faults/pulled-during-write", test_pulled_during_write, NULL);
  T ("/pki/faults/pulled-after-write", test_pulled_after_write, NULL);
  T ("/pki/faults/token-full", test_token_full, NULL);
  T ("/pki/faults/wrong-then-locked-pin", test_wrong_then_locked_pin, NULL);
  T ("/pki/faults/crash-resumed", test_crash_resumed, NULL);
  T ("/pki/faults/orphans-removed", test_orphans_removed, NULL);
  return g_test_run ();
}
