/* test-pki-burn.c: every business against SoftHSM2 tokens in a temporary folder, with the local CA, and
 * the result checked the way an outsider would (pkcs11-tool, openssl). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-burn-slip.h"
#include "cd-ca-ledger.h"
#include "cd-csr.h"
#include "cd-issuer-local.h"
#include "cd-pki-error.h"
#include "cd-store-crypt.h"
#include "cd-store-schema.h"
#include "cd-token-records.h"
#include "pki-test-util.h"

/* How many pieces @sep cuts @text into (so a count of objects is this minus one). */
static guint
count_parts (const char *text, const char *sep)
{
  g_auto(GStrv) parts = g_strsplit (text, sep, -1);

  return g_strv_length (parts);
}

/* The certificate with CKA_ID @cka_id on the key labelled @label, read by pkcs11-tool, as PEM in a file. */
static char *
outsider_read_cert (PkiFixture *f, const char *label, const char *pin, const char *cka_id)
{
  g_autofree char *der = g_build_filename (f->dir, "cert.der", NULL);
  char *pem = g_build_filename (f->dir, "cert.pem", NULL);

  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", label, "--login", "--pin",
                   pin, "--read-object", "--type", "cert", "--id", cka_id, "-o", der, NULL));
  g_free (pki_run (TRUE, NULL, NULL, "openssl", "x509", "-inform", "DER", "-in", der, "-out", pem, NULL));
  return pem;
}

static void
outsider_check (PkiFixture *f, const CdBurnResult *r, const char *label, const char *pin)
{
  g_autofree char *cka = pki_db_text (f, "SELECT cka_id FROM token WHERE state = 'active' ORDER BY updated_at DESC, id DESC LIMIT 1");
  g_autofree char *pem = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *verify = NULL;
  g_autofree char *ca = g_build_filename (f->state_dir, "ca", "ca-cert.pem", NULL);
  g_autofree char *objects = NULL;
  g_autofree char *expect = NULL;

  g_assert_nonnull (cka);
  pem = outsider_read_cert (f, label, pin, cka);
  serial = pki_run (TRUE, NULL, NULL, "openssl", "x509", "-in", pem, "-noout", "-serial", NULL);
  expect = g_strdup_printf ("serial=%s\n", r->certificate_serial);
  g_assert_cmpstr (serial, ==, expect);
  verify = pki_run (TRUE, NULL, NULL, "openssl", "verify", "-no_check_time", "-CAfile", ca, pem, NULL);
  g_assert_nonnull (strstr (verify, ": OK"));
  /* The key pair is on the key and not extractable; the CA certificate travels with it. */
  objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", label, "--login", "--pin",
                     pin, "--list-objects", NULL);
  g_assert_nonnull (strstr (objects, "Private Key Object"));
  g_assert_nonnull (strstr (objects, "CertDesk Local CA"));
}

static gint64
new_burn (PkiFixture *f, const char *profile, const char *label, const char *uscc, const char *name, CdBurnResult **out)
{
  g_autofree char *json = pki_app_json (profile, "new", uscc, name, NULL, 0, NULL);
  gint64 id = pki_application (f, json, CD_STATE_PRINTED);
  g_autoptr(GError) error = NULL;
  CdBurnResult *r;

  r = pki_burn (f, id, label, NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  *out = r;
  return id;
}

static void
test_new (PkiFixture *f, gconstpointer data)
{
  const char *profile = data;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *state = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  id = new_burn (f, profile, "DEMO-A", NULL, NULL, &r);
  g_assert_nonnull (r->certificate_serial);
  g_assert_cmpint (strlen (r->certificate_serial), ==, 32);   /* 128-bit serial */
  g_assert_true (r->token_is_demo);
  g_assert_nonnull (strstr (r->subject, "内蒙古甲乙建设有限公司"));
  g_assert_nonnull (strstr (r->subject, "91150100123456788B"));
  state = pki_db_text (f, "SELECT state FROM application");
  g_assert_cmpstr (state, ==, "issued");
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM burn_journal WHERE step = 'verify' AND phase = 'done'"), ==, 1);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM token WHERE state = 'active' AND application_id = 1"
                                  " AND certificate_serial IS NOT NULL AND cka_id IS NOT NULL"), ==, 1);
  outsider_check (f, r, "DEMO-A", PKI_PIN);
  (void) id;
}

/* The random PIN policy: the PIN slip's PIN logs in, and no PIN is in the database or the audit log. */
static void
test_pins_never_stored (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *audit = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *pin = NULL;

  pki_make_token (f, "DEMO-R");
  new_burn (f, "pki-random", "DEMO-R", NULL, NULL, &r);
  g_assert_nonnull (r->pin_slip);
  pin = g_strdup (cd_pin_get (r->pin_slip));
  g_assert_cmpint (strlen (pin), ==, 8);
  outsider_check (f, r, "DEMO-R", pin);
  audit = pki_db_text (f, "SELECT group_concat(detail, ' ') FROM audit_log");
  journal = pki_db_text (f, "SELECT group_concat(detail, ' ') FROM burn_journal");
  g_assert_null (strstr (audit, pin));
  g_assert_null (strstr (journal, pin));
  g_assert_null (strstr (audit, PKI_SO_PIN));
  g_clear_object (&f->ctx);
  g_assert_false (pki_file_contains (f->db_path, pin));
  g_assert_false (pki_file_contains (wal, pin));
  g_assert_false (pki_file_contains (f->db_path, PKI_SO_PIN));
  g_assert_false (pki_file_contains (wal, PKI_SO_PIN));
  pki_fixture_reopen (f);
}

static void
set_clock (PkiFixture *f, const char *iso)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  cd_store_set_now (cd_context_get_store (f->ctx), t);
}

static void
test_renew (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *old_state = NULL;
  g_autofree char *na = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  set_clock (f, "2026-01-10T09:00:00Z");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &first);
  /* Too early: the renewal window opens 30 days before expiry. The pre-flight refuses the payment; the burn
   * checks again before touching the key (the clock put back after a payment made in the window). */
  json = pki_app_json ("pki-ec", "renew", NULL, NULL, NULL, 0, NULL);
  id = pki_application (f, json, CD_STATE_CHECKED);
  g_assert_false (cd_application_store_pay (f->ctx, id, CD_PAYMENT_WECHAT, 0, 0, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "2026-12-11"));
  g_clear_error (&error);
  set_clock (f, "2026-12-20T09:00:00Z");
  id = pki_application (f, json, CD_STATE_PRINTED);
  set_clock (f, "2026-01-10T09:00:00Z");
  r = pki_burn (f, id, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "2026-12-11"));
  g_clear_error (&error);
  set_clock (f, "2026-12-20T09:00:00Z");
  r = pki_burn (f, id, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->certificate_serial, !=, first->certificate_serial);
  /* The new term follows the old one. */
  g_assert_cmpstr (r->not_after, ==, "2028-01-10T09:00:00Z");
  outsider_check (f, r, "DEMO-A", PKI_PIN);
  /* Only the new certificate (and the CA) remain: the old objects left after the new ones verified. */
  {
    g_autofree char *objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A",
                                        "--login", "--pin", PKI_PIN, "--list-objects", "--type", "privkey", NULL);
    g_assert_cmpint (count_parts (objects, "Private Key Object"), ==, 2);
  }
  old_state = pki_db_text (f, "SELECT state FROM certificate WHERE id = 1");
  g_assert_cmpstr (old_state, ==, "issued");
  na = pki_db_text (f, "SELECT certificate_serial FROM token");
  g_assert_cmpstr (na, ==, r->certificate_serial);
}

static void
test_change (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *old_state = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &first);
  json = pki_app_json ("pki-ec", "change", NULL, "内蒙古甲乙丙建设集团有限公司", first->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (r->subject, "甲乙丙建设集团"));
  g_assert_cmpstr (r->not_after, ==, first->not_after);          /* validity end kept */
  old_state = pki_db_text (f, "SELECT state || ':' || revoke_reason FROM certificate WHERE id = 1");
  g_assert_cmpstr (old_state, ==, "revoked:superseded");
  outsider_check (f, r, "DEMO-A", PKI_PIN);
}

static void
test_replace (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *old = NULL;
  g_autofree char *crl_text = NULL;
  g_autofree char *crl = g_build_filename (f->state_dir, "ca", "crl.pem", NULL);
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &first);
  pki_make_token (f, "DEMO-B");
  json = pki_app_json ("pki-ec", "replace", NULL, NULL, first->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, "DEMO-B", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->not_after, ==, first->not_after);
  old = pki_db_text (f, "SELECT c.state || ':' || t.state FROM certificate c JOIN token t ON t.id = c.token_id"
                        " WHERE c.id = 1");
  g_assert_cmpstr (old, ==, "revoked:lost");
  outsider_check (f, r, "DEMO-B", PKI_PIN);
  /* The CRL lists the replaced certificate. */
  crl_text = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", crl, "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl_text, first->certificate_serial));
}

static void
test_unlock (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  gint64 id;
  int status;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &first);
  /* The applicant forgot the PIN: a wrong one, then the SO unlocks and sets the policy's PIN. */
  g_free (pki_run (FALSE, &status, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                   "--pin", "999999", "--list-objects", NULL));
  g_assert_cmpint (status, !=, 0);
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                   "--pin", PKI_PIN, "--change-pin", "--new-pin", "777777", NULL));
  json = pki_app_json ("pki-ec", "unlock", NULL, NULL, first->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  /* The key's SO PIN is the one the CA gave it, from the escrow (test-pki-escrow.c): none is typed. */
  r = pki_burn (f, id, "DEMO-A", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  out = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                 "--pin", PKI_PIN, "--list-objects", "--type", "cert", NULL);
  g_assert_nonnull (strstr (out, "Certificate Object"));
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM audit_log WHERE action = 'token.unlock'"), ==, 1);
}

static void
test_revoke_suspend_app_open (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) a = NULL;
  g_autoptr(CdBurnResult) b = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *s = NULL;
  g_autofree char *crl = g_build_filename (f->state_dir, "ca", "crl.pem", NULL);
  g_autofree char *crl_text = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &a);
  json = pki_app_json ("pki-ec", "app-open", NULL, NULL, a->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, cd_burn_result_free);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM audit_log WHERE action = 'certificate.app-open'"), ==, 1);

  g_free (json);
  json = pki_app_json ("pki-ec", "suspend", NULL, NULL, a->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, cd_burn_result_free);
  s = pki_db_text (f, "SELECT c.state || ':' || t.state FROM certificate c JOIN token t ON t.id = c.token_id");
  g_assert_cmpstr (s, ==, "suspended:suspended");
  crl_text = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", crl, "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl_text, "Certificate Hold"));

  g_free (json);
  json = pki_app_json ("pki-ec", "revoke", NULL, NULL, a->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_free (s);
  s = pki_db_text (f, "SELECT c.state || ':' || t.state FROM certificate c JOIN token t ON t.id = c.token_id");
  g_assert_cmpstr (s, ==, "revoked:retired");
  g_free (crl_text);
  crl_text = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", crl, "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl_text, a->certificate_serial));
  g_assert_null (strstr (crl_text, "Certificate Hold"));
}

/* The CA and the database took a revocation, then the CRL could not be written: the paid application stays at
 * its step, and the clerk's retry finishes it (publishing the CRL) instead of being refused as "already
 * revoked". */
static void
test_revoke_retry_after_publish_failed (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) a = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *crl = g_build_filename (f->state_dir, "ca", "crl.pem", NULL);
  g_autofree char *blocker = g_build_filename (crl, "blocker", NULL);
  g_autofree char *crl_text = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &a);
  json = pki_app_json ("pki-ec", "revoke", NULL, NULL, a->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  /* a folder where the CRL goes: its rename fails, whoever runs the test */
  g_assert_cmpint (g_unlink (crl), ==, 0);
  g_assert_cmpint (g_mkdir (crl, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  r = pki_burn (f, id, NULL, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'revoked'"), ==, 1);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM application WHERE state = 'printed'"), ==, 1);

  g_assert_cmpint (g_unlink (blocker), ==, 0);
  g_assert_cmpint (g_rmdir (crl), ==, 0);
  r = pki_burn (f, id, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM application WHERE state = 'printed'"), ==, 0);
  crl_text = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", crl, "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl_text, a->certificate_serial));
}

/* Renewing with another customer's key is caught, naming whose key it is. */
static void
test_wrong_customer (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) a = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &a);
  json = pki_app_json ("pki-ec", "unlock", "91150100234567894T", "呼和浩特某某科技有限公司", NULL, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, "DEMO-A", PKI_PIN, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_WRONG_TOKEN);
  g_assert_nonnull (strstr (error->message, "内蒙古甲乙建设有限公司"));
  g_assert_nonnull (strstr (error->message, "呼和浩特某某科技有限公司"));
}

/* A key holding a certificate is erased only after confirmation naming what is on it. */
static void
test_erase_needs_confirmation (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) a = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &a);
  json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NOT_BLANK);
  g_assert_nonnull (strstr (error->message, a->certificate_serial));
}

static void
progress_cb (const char *step, const char *label, double fraction, gpointer user_data)
{
  GPtrArray *steps = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (steps->len == 0 || !g_str_equal (g_ptr_array_index (steps, steps->len - 1), step))
    g_ptr_array_add (steps, g_strdup (step));
}

static void
done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CdBurnResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cd_burn_run_finish (res, &error);
  g_assert_no_error (error);
}

/* The progress data (the burn page itself, in the application) is released in the main context, also when the
 * task's last reference goes in the worker after the callback has run. */
static gboolean progress_destroyed;

static void
progress_destroyed_cb (gpointer data)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  progress_destroyed = TRUE;
}

/* The GTask form the burn page uses: progress in the main context, the result at the end. */
static void
test_async (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *json = pki_app_json ("pki-rsa", "new", NULL, NULL, NULL, 0, NULL);
  CdBurnResult *r = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  id = pki_application (f, json, CD_STATE_PRINTED);
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  opts->advance_state = TRUE;
  progress_destroyed = FALSE;
  cd_burn_run_async (f->ctx, opts, progress_cb, steps, progress_destroyed_cb, NULL, done_cb, &r);
  while (r == NULL || !progress_destroyed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (steps->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (steps, steps->len - 1), ==, "verify");
  cd_burn_result_free (r);
}

/* Cancelled before the key pair generation: nothing was issued, the application can burn again. */
static void
test_cancel (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  gint64 id;

  pki_make_token (f, "DEMO-A");
  id = pki_application (f, json, CD_STATE_PRINTED);
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  opts->advance_state = TRUE;
  g_cancellable_cancel (cancel);
  r = cd_burn_run (f->ctx, opts, NULL, NULL, cancel, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate"), ==, 0);
  g_clear_error (&error);
  r = cd_burn_run (f->ctx, opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}


/* change: the old certificate came from an issuer not configured here. It is not marked revoked (no CA was
 * told) but "to-be-revoked", and the result says so. */
static void
test_change_other_issuer (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *old_state = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &first);
  g_assert_true (cd_store_exec (cd_context_get_store (f->ctx), "UPDATE certificate SET issuer = 'cmp'", NULL));
  json = pki_app_json ("pki-ec", "change", NULL, "内蒙古甲乙丙建设集团有限公司", first->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, "DEMO-A", PKI_PIN, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->warning);
  g_assert_nonnull (strstr (r->warning, first->certificate_serial));
  g_assert_nonnull (strstr (r->warning, "not configured here"));
  old_state = pki_db_text (f, "SELECT state || ':' || revoke_reason FROM certificate WHERE id = 1");
  g_assert_cmpstr (old_state, ==, "to-be-revoked:superseded");
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
}

/* Burned and recorded, but the state change did not happen (a crash between them): the next burn of the
 * application takes the key that holds its certificate as its own work and completes without erasing it
 * and without a second certificate. Another key is refused: one application, one issued certificate. */
static void
test_completes_recorded (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  pki_make_token (f, "DEMO-B");
  id = pki_application (f, json, CD_STATE_PRINTED);
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->token_label = g_strdup ("DEMO-A");
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  opts->advance_state = FALSE;
  first = cd_burn_run (f->ctx, opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  state = pki_db_text (f, "SELECT state FROM application");
  g_assert_cmpstr (state, ==, "printed");
  /* Another key: refused before anything is touched. */
  r = pki_burn (f, id, "DEMO-B", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, first->certificate_serial));
  g_clear_error (&error);
  /* The key that holds it, without --erase: completed. */
  r = pki_burn (f, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (r->resumed);
  g_assert_cmpstr (r->certificate_serial, ==, first->certificate_serial);
  g_free (state);
  state = pki_db_text (f, "SELECT state FROM application");
  g_assert_cmpstr (state, ==, "issued");
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate"), ==, 1);
  outsider_check (f, r, "DEMO-A", PKI_PIN);
  /* The schema itself refuses a second issued certificate for the application. */
  g_assert_false (cd_store_exec (cd_context_get_store (f->ctx),
                                 "INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after,"
                                 " state, pem, day, at) VALUES ('AB', 1, 'local', 's', 'a', 'b', 'issued', 'p', 'd', 'x')",
                                 NULL));
}

static EVP_PKEY *
ec_key (void)
{
  return EVP_EC_gen ("P-256");
}

static X509_REQ *
make_csr (EVP_PKEY *key, const char *cn)
{
  X509_NAME *name = X509_NAME_new ();
  X509_REQ *csr;

  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) cn, -1, -1, 0);
  csr = cd_csr_new (name, key, key, NULL);
  X509_NAME_free (name);
  g_assert_nonnull (csr);
  return csr;
}

static gboolean
refuse_cb (X509 *cert, STACK_OF (X509) *chain, gpointer data, GError **error)
{
  X509 **seen = data;

  *seen = X509_dup (cert);
  g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, "refused by the test");
  return FALSE;
}

/* The local CA's ledger: every certificate it signed is in it before it leaves, also when the counter refuses
 * it in the accept hook (then revoked) or never records it; the CRL lists what the ledger revoked. */
static void
test_ledger (PkiFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdIssuerLocal) ca = cd_issuer_local_new (f->ctx, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) end = g_date_time_add_years (now, 1);
  EVP_PKEY *k1 = ec_key (), *k2 = ec_key ();
  X509_REQ *c1 = make_csr (k1, "甲"), *c2 = make_csr (k2, "乙");
  CdIssueRequest r1 = { c1, k1, now, end, "pki-ec" };
  CdIssueRequest r2 = { c2, k2, now, end, "pki-ec", refuse_cb, NULL };
  X509 *refused = NULL, *taken, *found;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  g_autofree char *crl_text = NULL;
  g_autofree char *crl = g_build_filename (f->state_dir, "ca", "crl.pem", NULL);
  CdLedgerEntry *e;

  g_assert_no_error (error);
  taken = cd_issuer_issue (CD_ISSUER (ca), &r1, NULL, &error);
  g_assert_no_error (error);
  r2.accept_data = &refused;
  g_assert_null (cd_issuer_issue (CD_ISSUER (ca), &r2, NULL, &error));
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_clear_error (&error);
  g_assert_nonnull (refused);
  s1 = cd_cert_serial_hex (taken);
  s2 = cd_cert_serial_hex (refused);
  entries = cd_issuer_local_list (ca, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  e = entries->pdata[0];
  g_assert_cmpstr (e->serial, ==, s1);
  g_assert_cmpstr (e->state, ==, "issued");
  g_assert_nonnull (strstr (e->subject, "甲"));
  e = entries->pdata[1];
  g_assert_cmpstr (e->serial, ==, s2);
  g_assert_cmpstr (e->state, ==, "revoked");
  /* Found by its key while not revoked: what an interrupted issue step left signed. */
  found = cd_issuer_local_find_by_key (ca, k1);
  g_assert_nonnull (found);
  g_assert_cmpint (X509_cmp (found, taken), ==, 0);
  X509_free (found);
  g_assert_null (cd_issuer_local_find_by_key (ca, k2));
  /* Neither is in the database: the CRL lists the refused one from the ledger alone. */
  g_assert_true (cd_issuer_publish (CD_ISSUER (ca), &error));
  crl_text = pki_run (TRUE, NULL, NULL, "openssl", "crl", "-in", crl, "-noout", "-text", NULL);
  g_assert_nonnull (strstr (crl_text, s2));
  g_assert_null (strstr (crl_text, s1));
  X509_free (taken);
  X509_free (refused);
  X509_REQ_free (c1);
  X509_REQ_free (c2);
  EVP_PKEY_free (k1);
  EVP_PKEY_free (k2);
}

/* The random PIN's slip: stored before the key has the PIN (new and unlock), the same PIN read back, and
 * forgotten when the application closes or after CD_BURN_SLIP_KEEP_DAYS. */
static void
test_pin_slip_kept (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdPin) stored = NULL;
  g_autoptr(CdPin) unlocked = NULL;
  g_autofree char *json = NULL;
  g_autofree char *key = g_build_filename (f->state_dir, "pin-slip.key", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = NULL;
  GStatBuf st;
  gint64 id;

  pki_make_token (f, "DEMO-R");
  new_burn (f, "pki-random", "DEMO-R", NULL, NULL, &first);
  g_assert_true (cd_burn_slip_load (f->ctx, 1, &stored, &error));
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (cd_pin_get (stored), ==, cd_pin_get (first->pin_slip));
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* unlock sets a new random PIN: its slip is stored as well. */
  json = pki_app_json ("pki-random", "unlock", NULL, NULL, first->certificate_serial, 0, NULL);
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = pki_burn (f, id, "DEMO-R", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->pin_slip);
  g_assert_true (cd_burn_slip_load (f->ctx, id, &unlocked, &error));
  g_assert_cmpstr (cd_pin_get (unlocked), ==, cd_pin_get (r->pin_slip));
  outsider_check (f, first, "DEMO-R", cd_pin_get (unlocked));
  /* The first application closes: its slip goes at the next purge; the unlock's goes after the days kept. */
  g_assert_true (cd_application_store_transition (f->ctx, 1, CD_STATE_CLOSED, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cd_burn_slip_purge (f->ctx, &error));
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM pin_slip"), ==, 1);
  later = g_date_time_add_days (now, CD_BURN_SLIP_KEEP_DAYS + 1);
  cd_store_set_now (cd_context_get_store (f->ctx), later);
  g_assert_true (cd_burn_slip_purge (f->ctx, &error));
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM pin_slip"), ==, 0);
}

/* A CA from before the ledger: its ledger starts from the certificate table. */
static void
test_ledger_seeded (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdIssuerLocal) ca = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *ledger = g_build_filename (f->state_dir, "ca", "ledger.jsonl", NULL);
  CdLedgerEntry *e;

  pki_make_token (f, "DEMO-A");
  new_burn (f, "pki-ec", "DEMO-A", NULL, NULL, &r);
  g_assert_cmpint (g_unlink (ledger), ==, 0);
  ca = cd_issuer_local_new (f->ctx, &error);
  g_assert_no_error (error);
  entries = cd_issuer_local_list (ca, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  e = entries->pdata[0];
  g_assert_cmpstr (e->serial, ==, r->certificate_serial);
  g_assert_cmpstr (e->state, ==, "issued");
}

/* Schema 3 on a database that already has two issued certificates for one application: the one a key holds
 * stays issued, the other becomes "to-be-revoked" (no CA was told), and the unique index holds from then on. */
static void
test_migration_one_issued (PkiFixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "v2.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdStore) store = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = NULL;
  GString *states = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, cd_store_migrations[0], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, cd_store_migrations[1], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "INSERT INTO application (id, number, profile, business, applicant_type, state, data, day, created_at, updated_at)"
    " VALUES (1, 'CD-1', 'pki-ec', 'new', 'enterprise', 'issued', '{}', 'd', 'x', 'x');"
    "INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after, state, pem, day, at)"
    " VALUES ('0A', 1, 'local', 's', 'a', 'b', 'issued', 'p', 'd', 'x'), ('0B', 1, 'local', 's', 'a', 'b', 'issued',"
    " 'p', 'd', 'x'), ('0C', 1, 'local', 's', 'a', 'b', 'revoked', 'p', 'd', 'x');"
    "INSERT INTO token (serial, state, application_id, certificate_serial, updated_at)"
    " VALUES ('t1', 'active', 1, '0A', 'x');"
    "PRAGMA user_version = 2;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = cd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cd_store_schema_version (store), ==, cd_store_latest_version ());
  g_assert_true (cd_store_prepare (store, "SELECT serial || ':' || state FROM certificate ORDER BY serial", &stmt, NULL));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (states, "%s ", sqlite3_column_text (stmt, 0));
  g_assert_cmpstr (states->str, ==, "0A:issued 0B:to-be-revoked 0C:revoked ");
  g_string_free (states, TRUE);
  g_assert_false (cd_store_exec (store, "UPDATE certificate SET state = 'issued' WHERE serial = '0B'", &error));
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_SQL);
}

/* The files under @dir (the scan store, the CA's folder, profiles), recursively: the one that holds @needle, or NULL. */
static char *
folder_file_containing (const char *dir, const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      char *found;

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && (found = folder_file_containing (path, needle)))
        return found;
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && pki_file_contains (path, needle))
        return g_steal_pointer (&path);
    }
  return NULL;
}

/* A person's certificate (CN = the person's name, serialNumber = the ID number) issued through a real burn: the
 * database file, its WAL and the scan store hold neither the name nor the ID number nor the certificate itself
 * (its PEM's base64 carries both); the store still gives the clear subject and PEM to its readers. */
static void
test_person_certificate_sealed (PkiFixture *f, gconstpointer data)
{
  static const char person_name[] = "欧阳明远";
  static const char person_id[] = "65010220000229001X";
  g_autofree char *unit_json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autoptr(JsonNode) root = json_from_string (unit_json, NULL);
  JsonObject *o = json_node_get_object (root);
  JsonObject *person = json_object_new ();
  g_autofree char *json = NULL;
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *raw = NULL;
  g_autofree char *scans = g_build_filename (f->state_dir, "scans", NULL);
  g_autofree char *scan_hit = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) pem_lines = NULL;
  gint64 id;

  json_object_set_string_member (o, "applicant_type", "individual");
  json_object_remove_member (o, "unit");
  json_object_remove_member (o, "legal_person");
  json_object_remove_member (o, "agent");
  json_object_set_string_member (person, "name", person_name);
  json_object_set_string_member (person, "id_type", "resident_id");
  json_object_set_string_member (person, "id_number", person_id);
  json_object_set_string_member (person, "mobile", "13912345678");
  json_object_set_object_member (o, "person", person);
  json_object_remove_member (json_object_get_object_member (o, "materials"), "licence");   /* a unit's */
  json = json_to_string (root, FALSE);
  id = pki_application (f, json, CD_STATE_PRINTED);
  pki_make_token (f, "DEMO-P");
  r = pki_burn (f, id, "DEMO-P", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_nonnull (strstr (r->subject, person_name));
  outsider_check (f, r, "DEMO-P", PKI_PIN);

  /* the readers get the clear subject and PEM through the store; the columns hold sealed text */
  g_assert_true (cd_cert_record_lookup (cd_context_get_store (f->ctx), r->certificate_serial, &rec, &error));
  g_assert_no_error (error);
  g_assert_nonnull (rec);
  g_assert_nonnull (strstr (rec->subject, person_name));
  g_assert_nonnull (strstr (rec->subject, person_id));
  g_assert_true (g_str_has_prefix (rec->pem, "-----BEGIN CERTIFICATE-----"));
  raw = pki_db_text (f, "SELECT subject || ' ' || pem FROM certificate");
  g_assert_true (g_str_has_prefix (raw, "cd1."));
  g_assert_null (strstr (raw, person_name));
  g_assert_null (strstr (raw, "BEGIN CERTIFICATE"));

  /* the files as a copy of them would show them (the store closed: its WAL as it was left) */
  pem_lines = g_strsplit (rec->pem, "\n", -1);
  g_assert_cmpuint (g_strv_length (pem_lines), >, 5);
  g_clear_object (&f->ctx);
  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? f->db_path : wal;

      g_test_message ("looking in %s", path);
      g_assert_false (pki_file_contains (path, person_name));
      g_assert_false (pki_file_contains (path, person_id));
      g_assert_false (pki_file_contains (path, pem_lines[1]));   /* the certificate's DER, base64 */
      g_assert_false (pki_file_contains (path, pem_lines[2]));
    }
  scan_hit = folder_file_containing (scans, person_name);
  g_assert_null (scan_hit);
  /* nor the CA's folder (its ledger) or the notes of unrecorded certificates */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_build_filename (f->state_dir, i == 0 ? "ca" : "burn-pending", NULL);
      const char *needles[] = { person_name, person_id, pem_lines[1], pem_lines[3], pem_lines[4] };

      for (guint j = 0; j < G_N_ELEMENTS (needles); j++)
        {
          g_autofree char *hit = folder_file_containing (dir, needles[j]);

          g_assert_null (hit);
        }
    }
  pki_fixture_reopen (f);
  /* and the local CA lists the certificate with the person's subject */
  {
    g_autoptr(CdIssuerLocal) ca = cd_issuer_local_new (f->ctx, &error);
    g_autoptr(GPtrArray) entries = NULL;
    CdLedgerEntry *e;

    g_assert_no_error (error);
    entries = cd_issuer_local_list (ca, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 1);
    e = entries->pdata[0];
    g_assert_cmpstr (e->serial, ==, r->certificate_serial);
    g_assert_nonnull (strstr (e->subject, person_name));
    g_assert_cmpstr (e->pem, ==, rec->pem);
  }
}

/* The ledger as CertDesk wrote it before issue 17: subjects and PEMs in the clear, and a torn last line. */
static char *
clear_ledger_text (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      CdLedgerEntry *e = entries->pdata[i];
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "issued");
      json_builder_set_member_name (b, "serial");
      json_builder_add_string_value (b, e->serial);
      json_builder_set_member_name (b, "subject");
      json_builder_add_string_value (b, e->subject);
      json_builder_set_member_name (b, "not_after");
      json_builder_add_string_value (b, e->not_after);
      json_builder_set_member_name (b, "at");
      json_builder_add_string_value (b, "2026-01-05T09:00:00Z");
      json_builder_set_member_name (b, "pem");
      json_builder_add_string_value (b, e->pem);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      line = json_to_string (node, FALSE);
      g_string_append_printf (out, "%s\n", line);
      if (g_str_equal (e->state, "revoked"))
        g_string_append_printf (out, "{\"event\":\"revoked\",\"serial\":\"%s\",\"reason\":\"%s\",\"at\":\"x\"}\n",
                                e->serial, e->reason);
    }
  g_string_append (out, "{\"event\":\"issued\",\"serial\":\"7F01\",\"subject\":\"CN=torn");
  return g_string_free (out, FALSE);
}

static void
assert_entries_equal (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      CdLedgerEntry *x = a->pdata[i], *y = b->pdata[i];

      g_assert_cmpstr (x->serial, ==, y->serial);
      g_assert_cmpstr (x->subject, ==, y->subject);
      g_assert_cmpstr (x->pem, ==, y->pem);
      g_assert_cmpstr (x->state, ==, y->state);
      g_assert_cmpstr (x->reason, ==, y->reason);
      g_assert_cmpstr (x->not_after, ==, y->not_after);
    }
}

/* The ledger's personal fields sealed (issue 17): a person's certificate (CN the name, serialNumber the ID
 * number) signed by the local CA leaves neither in the CA's folder, nor its PEM; the CA still lists it. A clear
 * ledger of before is rewritten sealed at the next opening and reads the same; `keys rotate` (the database's key
 * set) and a database made again after a loss leave it readable; a line sealed on another computer (another
 * KEK) gives a message naming the ledger and what to do, and the file is not changed. */
static void
test_ledger_sealed (PkiFixture *f, gconstpointer data)
{
  static const char person_name[] = "欧阳明远";
  static const char person_id[] = "65010220000229001X";
  g_autoptr(GError) error = NULL;
  g_autoptr(CdIssuerLocal) ca = cd_issuer_local_new (f->ctx, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) end = g_date_time_add_years (now, 1);
  g_autofree char *ca_dir = g_build_filename (f->state_dir, "ca", NULL);
  g_autofree char *ledger = g_build_filename (ca_dir, "ledger.jsonl", NULL);
  g_autofree char *other_dir = g_build_filename (f->dir, "other-computer", NULL);
  g_autofree char *other_kek = g_build_filename (f->dir, "other-kek.key", NULL);
  g_autofree char *other_ledger = g_build_filename (other_dir, "ledger.jsonl", NULL);
  g_autofree char *kek_env = g_strdup (g_getenv ("CERTDESK_KEK_FILE"));
  g_autofree char *pem = NULL;
  g_autofree char *hit = NULL;
  g_autofree char *clear = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *foreign_serial = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_auto(GStrv) pem_lines = NULL;
  EVP_PKEY *k1 = ec_key (), *k2 = ec_key ();
  X509_NAME *name = X509_NAME_new ();
  X509_REQ *c1, *c2 = make_csr (k2, "乙");
  X509 *person, *other, *foreign_cert = NULL;
  CdLedgerEntry *e;
  GStatBuf st;

  g_assert_no_error (error);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) person_name, -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "serialNumber", MBSTRING_UTF8, (const guchar *) person_id, -1, -1, 0);
  c1 = cd_csr_new (name, k1, k1, NULL);
  X509_NAME_free (name);
  {
    CdIssueRequest r1 = { c1, k1, now, end, "pki-ec" };
    CdIssueRequest r2 = { c2, k2, now, end, "pki-ec" };

    person = cd_issuer_issue (CD_ISSUER (ca), &r1, NULL, &error);
    g_assert_no_error (error);
    other = cd_issuer_issue (CD_ISSUER (ca), &r2, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (cd_issuer_revoke (CD_ISSUER (ca), other, CD_REVOKE_KEY_COMPROMISE, &error));
  }
  pem = cd_cert_to_pem (person);
  pem_lines = g_strsplit (pem, "\n", -1);

  /* nothing in the CA's folder names the person or holds the certificate; the ledger is 0600 */
  hit = folder_file_containing (ca_dir, person_name);
  g_assert_null (hit);
  hit = folder_file_containing (ca_dir, person_id);
  g_assert_null (hit);
  hit = folder_file_containing (ca_dir, pem_lines[1]);
  g_assert_null (hit);
  /* (line 2 of the base64 carries mostly the issuer's name, as the CA's own certificate does: lines 3 and 4 hold
   * the subject) */
  hit = folder_file_containing (ca_dir, pem_lines[3]);
  g_assert_null (hit);
  hit = folder_file_containing (ca_dir, pem_lines[4]);
  g_assert_null (hit);
  g_assert_true (pki_file_contains (ledger, "\"subject\":\"cd1."));
  g_assert_cmpint (g_stat (ledger, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* ... and the CA lists it with its subject and PEM */
  entries = cd_issuer_local_list (ca, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  e = entries->pdata[0];
  g_assert_nonnull (strstr (e->subject, person_name));
  g_assert_nonnull (strstr (e->subject, person_id));
  g_assert_cmpstr (e->pem, ==, pem);
  g_assert_cmpstr (e->state, ==, "issued");
  e = entries->pdata[1];
  g_assert_cmpstr (e->state, ==, "revoked");
  g_assert_cmpstr (e->reason, ==, "keyCompromise");
  g_clear_object (&ca);

  /* keys rotate changes the database's key set, not the folder's: the ledger still opens */
  g_assert_true (cd_store_crypt_rotate (cd_context_get_store (f->ctx), "tester", &error));
  g_assert_no_error (error);
  again = pki_ca_entries (f);
  assert_entries_equal (entries, again);
  g_clear_pointer (&again, g_ptr_array_unref);

  /* the database lost and made again (another key set altogether): the ledger still opens */
  g_free (f->db_path);
  f->db_path = g_build_filename (f->dir, "made-again.db", NULL);
  pki_fixture_reopen (f);
  again = pki_ca_entries (f);
  assert_entries_equal (entries, again);
  g_clear_pointer (&again, g_ptr_array_unref);

  /* a clear ledger of before (with a torn last line): sealed at the next opening, and read the same */
  clear = clear_ledger_text (entries);
  g_assert_true (g_file_set_contents (ledger, clear, -1, &error));
  g_assert_true (pki_file_contains (ledger, person_name));
  ca = cd_issuer_local_new (f->ctx, &error);
  g_assert_no_error (error);
  hit = folder_file_containing (ca_dir, person_name);
  g_assert_null (hit);
  hit = folder_file_containing (ca_dir, pem_lines[1]);
  g_assert_null (hit);
  g_assert_false (pki_file_contains (ledger, "torn"));
  g_assert_false (pki_file_contains (ledger, "BEGIN CERTIFICATE"));
  again = cd_issuer_local_list (ca, &error);
  g_assert_no_error (error);
  assert_entries_equal (entries, again);
  g_clear_pointer (&again, g_ptr_array_unref);
  g_clear_object (&ca);

  /* a line sealed on another computer (another KEK) */
  g_setenv ("CERTDESK_KEK_FILE", other_kek, TRUE);
  {
    g_autoptr(CdKeys) keys = cd_ca_folder_keys (TRUE, &error);
    g_autoptr(CdCaLedger) l = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
    l = cd_ca_ledger_new (other_dir, keys);
    g_autofree char *ca_pem = NULL;
    g_autofree char *ca_cert = g_build_filename (ca_dir, "ca-cert.pem", NULL);

    /* any certificate this ledger does not hold: the CA's own */
    g_assert_true (g_file_get_contents (ca_cert, &ca_pem, NULL, NULL));
    foreign_cert = cd_cert_from_pem (ca_pem);
    g_assert_nonnull (foreign_cert);
    g_assert_true (cd_ca_ledger_issued (l, foreign_cert, "2026-01-05T09:00:00Z", &error));
    g_assert_no_error (error);
  }
  g_setenv ("CERTDESK_KEK_FILE", kek_env, TRUE);
  g_assert_true (g_file_get_contents (other_ledger, &foreign, NULL, NULL));
  g_assert_true (g_file_get_contents (ledger, &text, NULL, NULL));
  before = g_strconcat (text, foreign, NULL);
  g_assert_true (g_file_set_contents (ledger, before, -1, &error));
  ca = cd_issuer_local_new (f->ctx, &error);
  g_assert_no_error (error);
  g_assert_null (cd_issuer_local_list (ca, &error));
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_test_message ("%s", error->message);
  foreign_serial = cd_cert_serial_hex (foreign_cert);
  g_assert_nonnull (strstr (error->message, ledger));
  g_assert_nonnull (strstr (error->message, foreign_serial));
  g_assert_nonnull (strstr (error->message, "another computer"));
  g_assert_nonnull (strstr (error->message, "Copy that computer's key file"));
  g_clear_error (&error);
  g_assert_false (cd_issuer_publish (CD_ISSUER (ca), &error));   /* refused, not a CRL without the ledger */
  g_clear_error (&error);
  g_clear_object (&ca);
  /* with a clear line beside it the rewrite is refused too: nothing is written over the ledger */
  g_free (text);
  text = g_strconcat (before, clear, "\n", NULL);
  g_assert_true (g_file_set_contents (ledger, text, -1, &error));
  g_assert_null (cd_issuer_local_new (f->ctx, &error));
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER);
  g_assert_nonnull (strstr (error->message, "another computer"));
  g_clear_error (&error);
  g_free (before);
  g_assert_true (g_file_get_contents (ledger, &before, NULL, NULL));
  g_assert_cmpstr (before, ==, text);

  X509_free (person);
  X509_free (other);
  X509_free (foreign_cert);
  X509_REQ_free (c1);
  X509_REQ_free (c2);
  EVP_PKEY_free (k1);
  EVP_PKEY_free (k2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define T(path, fn, data) g_test_add (path, PkiFixture, data, pki_fixture_setup, fn, pki_fixture_teardown)
  T ("/pki/burn/new/ec-p256", test_new, "pki-ec");
  T ("/pki/burn/new/rsa-2048", test_new, "pki-rsa");
  T ("/pki/burn/pins-never-stored", test_pins_never_stored, NULL);
  T ("/pki/burn/renew", test_renew, NULL);
  T ("/pki/burn/change", test_change, NULL);
  T ("/pki/burn/replace", test_replace, NULL);
  T ("/pki/burn/unlock", test_unlock, NULL);
  T ("/pki/burn/revoke-suspend-app-open", test_revoke_suspend_app_open, NULL);
  T ("/pki/burn/revoke-retry-after-publish-failed", test_revoke_retry_after_publish_failed, NULL);
  T ("/pki/burn/wrong-customer", test_wrong_customer, NULL);
  T ("/pki/burn/erase-needs-confirmation", test_erase_needs_confirmation, NULL);
  T ("/pki/burn/async", test_async, NULL);
  T ("/pki/burn/cancel", test_cancel, NULL);
  T ("/pki/burn/change-other-issuer", test_change_other_issuer, NULL);
  T ("/pki/burn/completes-recorded", test_completes_recorded, NULL);
  T ("/pki/burn/ledger", test_ledger, NULL);
  T ("/pki/burn/ledger-seeded", test_ledger_seeded, NULL);
  T ("/pki/burn/pin-slip-kept", test_pin_slip_kept, NULL);
  T ("/pki/burn/migration-one-issued", test_migration_one_issued, NULL);
  T ("/pki/burn/person-certificate-sealed", test_person_certificate_sealed, NULL);
  T ("/pki/burn/ledger-sealed", test_ledger_sealed, NULL);
  return g_test_run ();
}
