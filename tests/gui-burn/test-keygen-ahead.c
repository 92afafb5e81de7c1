/* test-keygen-ahead.c: the key pair generated ahead of the burn (cd-keygen-ahead.h) against SoftHSM2 tokens
 * in a temporary folder: the burn uses the pair (same attempt, same CKA_ID, no key generation of its own);
 * without it, on another key, or with its PIN lost, the burn generates as before. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-keygen-ahead.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"
#include "pki-test-util.h"

typedef struct {
  GPtrArray *steps;
} Steps;

static void
on_progress (const char *step, const char *label, double fraction, gpointer data)
{
  Steps *s = data;

  if (s->steps->len == 0 || !g_str_equal (g_ptr_array_index (s->steps, s->steps->len - 1), step))
    g_ptr_array_add (s->steps, g_strdup (step));
}

static gboolean
has_step (Steps *s, const char *step)
{
  return g_ptr_array_find_with_equal_func (s->steps, step, g_str_equal, NULL);
}

static CdBurnOptions *
options (gint64 id, const char *label)
{
  CdBurnOptions *opts = cd_burn_options_new (id);

  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->token_label = g_strdup (label);
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  return opts;
}

static CdBurnResult *
burn (PkiFixture *f, CdBurnOptions *opts, Steps *steps, GError **error)
{
  opts->advance_state = TRUE;
  return cd_burn_run (f->ctx, opts, on_progress, steps, NULL, error);
}

static gint64
count (PkiFixture *f, const char *sql)
{
  return pki_db_int (f, sql);
}

static void
transition (PkiFixture *f, gint64 id, CdState state)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_application_store_transition (f->ctx, id, state, NULL, &error));
  g_assert_no_error (error);
}

/* A new application of @profile, paid, whose key pair is generated ahead on the blank key "DEMO-A" (as
 * while the clerk takes the payment); then printed, ready for the burn. */
static CdKeygenAhead *
ahead_then_printed (PkiFixture *f, const char *profile, gint64 *out_id, CdBurnOptions **out_opts)
{
  g_autofree char *json = pki_app_json (profile, "new", NULL, NULL, NULL, 0, NULL);
  gint64 id = pki_application (f, json, CD_STATE_PAID);
  g_autoptr(GError) error = NULL;
  CdBurnOptions *opts;
  CdKeygenAhead *ahead;

  pki_make_token (f, "DEMO-A");
  opts = options (id, "DEMO-A");
  ahead = cd_keygen_ahead_run (f->ctx, opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ahead->generated);
  g_assert_null (ahead->skipped);
  g_assert_nonnull (ahead->pin);
  transition (f, id, CD_STATE_PRINTED);
  /* The key has its new label now: the burn finds it by serial. */
  g_clear_pointer (&opts->token_label, g_free);
  opts->token_serial = g_strdup (ahead->token_serial);
  *out_id = id;
  *out_opts = opts;
  return ahead;
}

/* Generated while the clerk takes the payment; the burn only signs, issues, writes and verifies. */
static void
test_used (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cka = NULL;
  g_autofree char *sql = NULL;
  Steps steps = { g_ptr_array_new_with_free_func (g_free) };
  gint64 id;
  g_autoptr(CdKeygenAhead) ahead = ahead_then_printed (f, data, &id, &opts);

  g_assert_true (ahead->token_is_demo);
  g_assert_cmpint (strlen (ahead->cka_id), ==, 32);
  /* The journal holds an open attempt that ends with the key pair. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM burn_journal WHERE step = 'keygen' AND phase = 'done'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM burn_journal WHERE step IN ('csr', 'issue')"), ==, 0);

  opts->user_pin = cd_pin_copy (ahead->pin);
  r = burn (f, opts, &steps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->certificate_serial);
  g_assert_cmpint (r->attempt, ==, ahead->attempt);
  g_assert_false (has_step (&steps, "init"));
  g_assert_false (has_step (&steps, "keygen"));
  g_assert_true (has_step (&steps, "csr"));
  g_assert_true (has_step (&steps, "verify"));
  /* One key generation in all, and the certificate is bound to the pair generated ahead. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM burn_journal WHERE step = 'keygen' AND phase = 'start'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT attempt) FROM burn_journal"), ==, 1);
  cka = pki_db_text (f, "SELECT cka_id FROM token WHERE state = 'active'");
  g_assert_cmpstr (cka, ==, ahead->cka_id);
  sql = g_strdup_printf ("SELECT state FROM application WHERE id = %" G_GINT64_FORMAT, id);
  g_free (cka);
  cka = pki_db_text (f, sql);
  g_assert_cmpstr (cka, ==, "issued");
  /* The CA certificate written ahead is on the key once, and the issued one reads back as an outsider's. */
  {
    g_autofree char *objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label",
                                        ahead->token_label, "--list-objects", "--type", "cert", NULL);
    g_auto(GStrv) parts = g_strsplit (objects, "Certificate Object", -1);

    g_assert_cmpint (g_strv_length (parts), ==, 3);
    g_assert_nonnull (strstr (objects, "CertDesk Local CA"));
  }
  g_ptr_array_unref (steps.steps);
}

/* A random PIN given ahead comes back on the burn's PIN slip, and it is the key's PIN. */
static void
test_random_pin (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  Steps steps = { g_ptr_array_new_with_free_func (g_free) };
  gint64 id;
  g_autoptr(CdKeygenAhead) ahead = ahead_then_printed (f, "pki-random", &id, &opts);

  g_assert_cmpuint (strlen (cd_pin_get (ahead->pin)), ==, 8);
  opts->user_pin = cd_pin_copy (ahead->pin);
  r = burn (f, opts, &steps, &error);
  g_assert_no_error (error);
  g_assert_false (has_step (&steps, "keygen"));
  g_assert_nonnull (r->pin_slip);
  g_assert_cmpstr (cd_pin_get (r->pin_slip), ==, cd_pin_get (ahead->pin));
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", r->token_label, "--login",
                   "--pin", cd_pin_get (r->pin_slip), "--list-objects", "--type", "privkey", NULL));
  g_ptr_array_unref (steps.steps);
}

/* No key pair ahead: the burn generates it, as before. */
static void
test_absent (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  gint64 id = pki_application (f, json, CD_STATE_PRINTED);
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  Steps steps = { g_ptr_array_new_with_free_func (g_free) };

  pki_make_token (f, "DEMO-A");
  opts = options (id, "DEMO-A");
  r = burn (f, opts, &steps, &error);
  g_assert_no_error (error);
  g_assert_true (has_step (&steps, "init"));
  g_assert_true (has_step (&steps, "keygen"));
  g_assert_cmpint (count (f, "SELECT count(*) FROM burn_journal WHERE step = 'keygen' AND phase = 'done'"), ==, 1);
  g_ptr_array_unref (steps.steps);
}

/* The pair was generated on one key and another key is burned: generated there, the open attempt closed. */
static void
test_other_key (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnOptions) other = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  Steps steps = { g_ptr_array_new_with_free_func (g_free) };
  gint64 id;
  g_autoptr(CdKeygenAhead) ahead = ahead_then_printed (f, "pki-ec", &id, &opts);

  /* A second blank key, as handed over instead (SoftHSM2 sees it once the module is loaded again). */
  pki_make_token (f, "DEMO-B");
  other = options (id, "DEMO-B");
  r = burn (f, other, &steps, &error);
  g_assert_no_error (error);
  g_assert_true (has_step (&steps, "keygen"));
  g_assert_cmpint (r->attempt, ==, ahead->attempt + 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM burn_journal WHERE attempt = 1 AND phase = 'rolled-back'"), ==, 1);
  g_ptr_array_unref (steps.steps);
}

/* The counter restarted after the key pair was generated ahead with a random PIN: the PIN is never lost
 * (issue 14: its slip is stored before the key gets it), so the burn takes the attempt up with it instead of
 * initialising the key again, and the PIN slip is the PIN the key has. */
static void
test_pin_kept (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  Steps steps = { g_ptr_array_new_with_free_func (g_free) };
  gint64 id;
  g_autoptr(CdKeygenAhead) ahead = ahead_then_printed (f, "pki-random", &id, &opts);

  pki_fixture_reopen (f);
  r = burn (f, opts, &steps, &error);
  g_assert_no_error (error);
  g_assert_false (has_step (&steps, "init"));
  g_assert_false (has_step (&steps, "keygen"));
  g_assert_cmpint (r->attempt, ==, ahead->attempt);
  g_assert_nonnull (r->pin_slip);
  g_assert_cmpstr (cd_pin_get (r->pin_slip), ==, cd_pin_get (ahead->pin));
  g_ptr_array_unref (steps.steps);
}

/* A key that holds another customer's certificate is never erased ahead; a renewal has nothing to do ahead. */
static void
test_not_blank (PkiFixture *f, gconstpointer data)
{
  g_autofree char *first_json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *other_json = pki_app_json ("pki-ec", "new", "91150100234567894T", "呼和浩特某某科技有限公司", NULL, 0, NULL);
  g_autofree char *renew_json = pki_app_json ("pki-ec", "renew", NULL, NULL, NULL, 0, NULL);
  gint64 first = pki_application (f, first_json, CD_STATE_PRINTED);
  gint64 other = pki_application (f, other_json, CD_STATE_PAID);
  gint64 renew = pki_application (f, renew_json, CD_STATE_PAID);
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnOptions) renew_opts = NULL;
  g_autoptr(CdKeygenAhead) ahead = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows;

  pki_make_token (f, "DEMO-A");
  r = pki_burn (f, first, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  rows = count (f, "SELECT count(*) FROM burn_journal");
  opts = options (other, r->token_label);
  ahead = cd_keygen_ahead_run (f->ctx, opts, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_WRONG_TOKEN);
  g_assert_null (ahead);
  g_clear_error (&error);
  renew_opts = options (renew, r->token_label);
  ahead = cd_keygen_ahead_run (f->ctx, renew_opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ahead->generated);
  g_assert_nonnull (ahead->skipped);
  /* Nothing was journaled, nothing touched. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM burn_journal"), ==, rows);
  g_assert_cmpint (count (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!g_file_test (PKI_SOFTHSM, G_FILE_TEST_EXISTS))
    {
      g_print ("1..0 # SKIP SoftHSM2 is not installed\n");
      return 77;
    }
#define T(path, fn, data) g_test_add (path, PkiFixture, data, pki_fixture_setup, fn, pki_fixture_teardown)
  T ("/keygen-ahead/used/ec", test_used, "pki-ec");
  T ("/keygen-ahead/used/rsa", test_used, "pki-rsa");
  T ("/keygen-ahead/random-pin", test_random_pin, NULL);
  T ("/keygen-ahead/absent", test_absent, NULL);
  T ("/keygen-ahead/other-key", test_other_key, NULL);
  T ("/keygen-ahead/pin-kept-after-restart", test_pin_kept, NULL);
  T ("/keygen-ahead/not-blank", test_not_blank, NULL);
  return g_test_run ();
}
