/* test-pki-escrow.c: every key the CA initialises gets its own random SO PIN, escrowed encrypted before the key
 * has it (issue 16 item 5; src/pki/cd-burn-escrow.h, src/core/cd-so-escrow-store.h). On SoftHSM2 tokens:
 * the SO PIN after a burn is not the vendor's and is one the escrow holds (the key takes it, pkcs11-tool); the
 * database file and its WAL hold no SO PIN in clear; a key initialised again needs no typed SO PIN and gets a
 * new one; an unlock takes the escrowed SO PIN (a typed one is ignored) and audits where it came from; a vendor
 * key with no escrow is unlocked with the typed SO PIN as before. Crash safety through certdesk-cli with
 * CERTDESK_TEST_CRASH_AT (SIGKILL) between storing the new SO PIN and C_SetPIN, between C_SetPIN and the
 * record, and after it: after the resume the key takes exactly the SO PIN the escrow holds. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cd-burn-escrow.h"
#include "cd-pki-error.h"
#include "cd-so-escrow-store.h"
#include "pki-crash-util.h"

/* The escrowed SO PIN of the key @serial (exactly one row, confirmed). */
static char *
escrowed (PkiFixture *f, const char *serial)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = cd_so_escrow_lookup (cd_context_get_store (f->ctx), serial, &error);
  CdSoEscrow *e;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  e = rows->pdata[0];
  g_assert_false (e->pending);
  return g_strdup (e->so_pin);
}

/* Whether the key labelled @label takes @so_pin as its SO PIN (an SO login needs a read-write session). */
static gboolean
key_takes_so (const char *label, const char *so_pin)
{
  int status = 0;

  g_free (pki_run (FALSE, &status, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", label,
                   "--session-rw", "--login", "--login-type", "so", "--so-pin", so_pin, "--list-objects", NULL));
  return status == 0;
}

static CdBurnResult *
burn (PkiFixture *f, gint64 id, const char *label, const char *so_pin, gboolean erase, GError **error)
{
  g_autoptr(CdBurnOptions) opts = cd_burn_options_new (id);

  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->token_label = g_strdup (label);
  opts->so_pin = so_pin ? cd_pin_new (so_pin) : NULL;
  opts->confirm_erase = erase;
  opts->advance_state = TRUE;
  return cd_burn_run (f->ctx, opts, NULL, NULL, NULL, error);
}

static void
test_random_so_pin (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdBurnResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *json2 = NULL;
  g_autofree char *so = NULL;
  g_autofree char *so2 = NULL;
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *key_file = cd_burn_escrow_key_path (f->ctx);
  GStatBuf st;
  gint64 id;

  /* A vendor's key: initialised with its SO PIN, which the clerk types for the first burn. */
  pki_make_token (f, "DEMO-A");
  id = pki_application (f, json, CD_STATE_PRINTED);
  r = burn (f, id, "DEMO-A", PKI_SO_PIN, FALSE, &error);
  g_assert_no_error (error);
  so = escrowed (f, r->token_serial);
  g_assert_cmpuint (strlen (so), ==, CD_BURN_SO_PIN_LENGTH);
  g_assert_cmpstr (so, !=, PKI_SO_PIN);
  g_assert_true (key_takes_so ("DEMO-A", so));
  g_assert_false (key_takes_so ("DEMO-A", PKI_SO_PIN));
  /* Encrypted: neither the database nor its WAL holds it in clear; the key file is 0600 beside them. */
  pki_fixture_reopen (f);
  g_assert_false (pki_file_contains (f->db_path, so));
  g_assert_false (pki_file_contains (wal, so));
  g_assert_cmpint (g_stat (key_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM sync_outbox WHERE row LIKE '%so_pin%'"), ==, 0);

  /* The same key initialised again for another application: no SO PIN typed, a new one escrowed. */
  json2 = pki_app_json ("pki-ec", "new", "91150100234567894T", "呼和浩特某某科技有限公司", NULL, 0, NULL);
  id = pki_application (f, json2, CD_STATE_PRINTED);
  again = burn (f, id, r->token_label, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->token_serial, ==, r->token_serial);
  so2 = escrowed (f, again->token_serial);
  g_assert_cmpstr (so2, !=, so);
  g_assert_true (key_takes_so (again->token_label, so2));
  g_assert_false (key_takes_so (again->token_label, so));
}

static void
test_unlock_from_escrow (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *unlock = NULL;
  g_autofree char *so = NULL;
  g_autofree char *from = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  id = pki_application (f, json, CD_STATE_PRINTED);
  first = burn (f, id, "DEMO-A", PKI_SO_PIN, FALSE, &error);
  g_assert_no_error (error);
  so = escrowed (f, first->token_serial);
  /* The applicant forgot the PIN (it was changed and not written down). */
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                   "--pin", PKI_PIN, "--change-pin", "--new-pin", "777777", NULL));
  unlock = pki_app_json ("pki-ec", "unlock", NULL, NULL, first->certificate_serial, 0, NULL);
  id = pki_application (f, unlock, CD_STATE_PRINTED);
  /* A typed SO PIN (here a wrong one) is not used for a key whose SO PIN the escrow holds. */
  r = burn (f, id, "DEMO-A", "11111111", FALSE, &error);
  g_assert_no_error (error);
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                   "--pin", PKI_PIN, "--list-objects", "--type", "cert", NULL));
  from = pki_db_text (f, "SELECT json_extract(detail, '$.so_pin') FROM audit_log WHERE action = 'token.unlock'");
  g_assert_cmpstr (from, ==, "escrow");
  /* The unlock left the SO PIN as it was. */
  g_assert_true (key_takes_so ("DEMO-A", so));
}

static void
test_vendor_key_typed (PkiFixture *f, gconstpointer data)
{
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *unlock = NULL;
  g_autofree char *so = NULL;
  g_autofree char *from = NULL;
  gint64 id;

  pki_make_token (f, "DEMO-A");
  id = pki_application (f, json, CD_STATE_PRINTED);
  first = burn (f, id, "DEMO-A", PKI_SO_PIN, FALSE, &error);
  g_assert_no_error (error);
  /* Made a key this counter holds no SO PIN for, as a vendor's key initialised elsewhere: the SO PIN set back
   * to the vendor's and the escrow row gone. */
  so = escrowed (f, first->token_serial);
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A",
                   "--session-rw", "--login", "--login-type", "so", "--so-pin", so, "--change-pin", "--pin", so,
                   "--new-pin", PKI_SO_PIN, NULL));
  g_assert_true (cd_store_exec (cd_context_get_store (f->ctx), "DELETE FROM so_pin_escrow", NULL));
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                   "--pin", PKI_PIN, "--change-pin", "--new-pin", "777777", NULL));
  unlock = pki_app_json ("pki-ec", "unlock", NULL, NULL, first->certificate_serial, 0, NULL);
  id = pki_application (f, unlock, CD_STATE_PRINTED);
  /* No escrow: the typed SO PIN, as before; a wrong one is said as the SO PIN's. */
  r = burn (f, id, "DEMO-A", "11111111", FALSE, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT);
  g_assert_nonnull (strstr (error->message, "SO PIN"));
  g_clear_error (&error);
  r = burn (f, id, "DEMO-A", PKI_SO_PIN, FALSE, &error);
  g_assert_no_error (error);
  from = pki_db_text (f, "SELECT json_extract(detail, '$.so_pin') FROM audit_log WHERE action = 'token.unlock'");
  g_assert_cmpstr (from, ==, "typed");
  /* An unlock changes no SO PIN: nothing is escrowed for it. */
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM so_pin_escrow"), ==, 0);
}

static void
test_crash (PkiFixture *f, gconstpointer data)
{
  static const char *const points[] = { "escrow:saved", "escrow:set", "escrow:confirmed" };

  g_assert_nonnull (g_getenv ("CERTDESK_CLI"));
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      const char *env[] = { "CERTDESK_TEST_CRASH_AT", points[i], NULL };
      g_autofree char *app = NULL, *slip = NULL, *out = NULL, *serial = NULL, *label = NULL, *so = NULL;
      int code, sig;

      g_clear_object (&f->ctx);
      pki_fixture_teardown (f, NULL);
      pki_fixture_setup (f, NULL);
      g_clear_object (&f->ctx);
      pki_make_token (f, "DEMO-A");
      app = pki_crash_app_file (f);
      slip = pki_crash_slip_path (f);
      g_test_message ("kill at %s", points[i]);
      code = pki_crash_run (f, env, NULL, TRUE, &sig, &out, "accept", app, "--pin-slip", slip, NULL);
      if (sig != SIGKILL)
        g_error ("%s: not killed (exit %d): %s", points[i], code, out);
      /* The resume (the clerk's retry, with the vendor's SO PIN still in the environment, as typed). */
      pki_crash_resume (f, app, points[i]);
      pki_fixture_reopen (f);
      serial = pki_db_text (f, "SELECT serial FROM token WHERE state = 'active'");
      label = pki_db_text (f, "SELECT label FROM token WHERE state = 'active'");
      g_assert_nonnull (serial);
      /* Exactly one SO PIN is held for the key, confirmed, and it is the key's; the vendor's is not. */
      so = escrowed (f, serial);
      if (!key_takes_so (label, so))
        g_error ("%s: the key does not take the escrowed SO PIN", points[i]);
      g_assert_false (key_takes_so (label, PKI_SO_PIN));
      g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM so_pin_escrow WHERE state = 'pending'"), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  static const char *const burn_opts[] = { "--module", PKI_SOFTHSM, NULL };

  g_test_init (&argc, &argv, NULL);
  pki_crash.burn_opts = burn_opts;   /* the crash case's accept and resume */
#define T(path, fn) g_test_add (path, PkiFixture, NULL, pki_fixture_setup, fn, pki_fixture_teardown)
  T ("/pki/escrow/random-so-pin", test_random_so_pin);
  T ("/pki/escrow/unlock-from-escrow", test_unlock_from_escrow);
  T ("/pki/escrow/vendor-key-typed", test_vendor_key_typed);
  T ("/pki/escrow/crash", test_crash);
  return g_test_run ();
}
