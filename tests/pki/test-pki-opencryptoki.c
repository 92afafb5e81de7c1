/* test-pki-opencryptoki.c: a second PKCS#11 implementation (issue 14): opencryptoki's software token. Its
 * daemon and library have their folders compiled in (/etc/opencryptoki, /var/lib/opencryptoki, /run), so the
 * test runs itself again in a private mount namespace (unshare, as root) with those folders bound to a
 * temporary one, starts its own pkcsslotd there and stops it at the end: the machine's own opencryptoki
 * setup is never touched. The token is initialised as a vendor ships it (pkcs11-tool), then an RSA
 * application is burnt end to end; its software token has no EC key generation (checked on its mechanism
 * list), so an EC application is refused before the key is erased, even with the erase confirmed. A key burnt
 * is burnt again for another customer and once more with a kill after its init step (re-initialised with the
 * random SO PIN the counter gave it, cd_token_reinitialize). Skips
 * with a reason when opencryptoki is not installed or no private mount namespace can be made. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "cd-pki-error.h"
#include "cd-token-records.h"
#include "pki-test-util.h"

#define OCK_LABEL   "OCK-A"
/* opencryptoki's software token is shipped with this SO PIN (and PINs of 4 to 8 characters). */
#define OCK_SO_PIN  "87654321"

/* The namespace's setup: folders bound, the daemon started, the test itself run, the daemon stopped. */
static const char script[] =
  PKI_OCK_NS_MOUNTS
  PKI_OCK_SLOTD "\n"
  PKI_OCK_NS_WAIT
  /* opencryptoki's own allocations stay until a C_Finalize that this run avoids (see main): the leak check,
   * which every other pki test runs over the same CertDesk code, is off for this process only. */
  "CD_OCK_INNER=1 ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" \"$@\"; rc=$?\n"
  PKI_OCK_NS_END;

static int run_one (int argc, char **argv);

/* Every burn gives the key a random SO PIN, escrowed in that test's database: a token cannot be shared by two
 * cases, nor made new within one daemon's life. So each case runs in a namespace of its own (with -p given,
 * just that). */
static int
run_outer (int argc, char **argv)
{
  static const char *const cases[] = { "/pki/opencryptoki/mechanisms", "/pki/opencryptoki/rsa-burn-and-ec-refused",
                                       "/pki/opencryptoki/reinitialise", NULL };
  int rc = 0;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "-p") || g_str_has_prefix (argv[i], "-p=") || g_str_equal (argv[i], "-l"))
      return run_one (argc, argv);
  for (guint i = 0; cases[i] && rc == 0; i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      for (int a = 0; a < argc; a++)
        g_ptr_array_add (args, argv[a]);
      g_ptr_array_add (args, "-p");
      g_ptr_array_add (args, (gpointer) cases[i]);
      g_ptr_array_add (args, NULL);
      rc = run_one ((int) args->len - 1, (char **) args->pdata);
    }
  return rc;
}

static int
run_one (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *subdirs[] = { "etc", "lib/swtok/TOK_OBJ", "run/lock/opencryptoki", "log" };
  g_autofree char *conf = NULL;
  g_autofree char *probe_out = NULL;
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  int status = 0;

  if (!g_file_test (PKI_OCK_SLOTD, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (PKI_OCK_MODULE, G_FILE_TEST_EXISTS)
      || !g_file_test (PKI_OCK_SW, G_FILE_TEST_EXISTS))
    {
      g_print ("1..0 # SKIP opencryptoki (pkcsslotd, libopencryptoki, the software token) is not installed\n");
      return 77;
    }
  if (geteuid () != 0 || unshare == NULL)
    {
      g_print ("1..0 # SKIP pkcsslotd keeps its folders in /etc, /var/lib and /run: the test needs root and unshare "
               "to give it private ones\n");
      return 77;
    }
  {
    const char *probe[] = { "unshare", "-m", "--propagation", "private", "true", NULL };
    if (!g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                       &probe_out, NULL, &status, NULL)
        || !g_spawn_check_wait_status (status, NULL))
      {
        g_print ("1..0 # SKIP no private mount namespace can be made here (unshare -m failed)\n");
        return 77;
      }
  }
  dir = g_dir_make_tmp ("certdesk-ock-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *p = g_build_filename (dir, subdirs[i], NULL);
      g_assert_cmpint (g_mkdir_with_parents (p, 0770), ==, 0);
    }
  conf = g_build_filename (dir, "etc", "opencryptoki.conf", NULL);
  /* Only the software token, in slot 3 as Debian's configuration has it. */
  g_assert_true (g_file_set_contents (conf, "version opencryptoki-3.1\n\nslot 3\n{\nstdll = libpkcs11_sw.so\n}\n", -1,
                                      NULL));
  {
    /* The daemon and the library check that their folders belong to the pkcs11 group. */
    const char *chgrp[] = { "chgrp", "-R", "pkcs11", dir, NULL };
    g_spawn_sync (NULL, (char **) chgrp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL);
  }
  g_ptr_array_add (args, "unshare");
  g_ptr_array_add (args, "-m");
  g_ptr_array_add (args, "--propagation");
  g_ptr_array_add (args, "private");
  g_ptr_array_add (args, "sh");
  g_ptr_array_add (args, "-c");
  g_ptr_array_add (args, (gpointer) script);
  g_ptr_array_add (args, "sh");
  g_ptr_array_add (args, dir);
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL,
                     NULL, NULL, NULL, &status, &error))
    g_error ("unshare: %s", error->message);
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };
    if (!g_getenv ("PKI_KEEP"))
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* The key as its vendor ships it: initialised with the SO PIN and a label, a user PIN set. */
static void
ock_make_token (void)
{
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3", "--init-token",
                   "--so-pin", OCK_SO_PIN, "--label", OCK_LABEL, NULL));
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3", "--init-pin", "--so-pin",
                   OCK_SO_PIN, "--pin", "000000", NULL));
}

static guint
ock_certs_on_key (void)
{
  g_autofree char *out = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3",
                                  "--list-objects", "--type", "cert", NULL);
  g_auto(GStrv) parts = g_strsplit (out, "Certificate Object", -1);

  return g_strv_length (parts) - 1;
}

static CdBurnResult *
ock_burn (PkiFixture *f, gint64 id, gboolean confirm_erase, GError **error)
{
  g_autoptr(CdBurnOptions) opts = cd_burn_options_new (id);

  opts->module_path = g_strdup (PKI_OCK_MODULE);
  opts->token_label = g_strdup (OCK_LABEL);
  opts->so_pin = cd_pin_new (OCK_SO_PIN);
  opts->confirm_erase = confirm_erase;
  opts->advance_state = TRUE;
  return cd_burn_run (f->ctx, opts, NULL, NULL, NULL, error);
}

static char *
state_of (PkiFixture *f, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM application WHERE id = %" G_GINT64_FORMAT, id);
  return pki_db_text (f, sql);
}

/* What the software token can do, from its mechanism list: RSA 2048 yes, EC P-256 no. */
static void
test_mechanisms (PkiFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdTokenModule) module = NULL;
  g_autoptr(CdToken) token = NULL;
  CdTokenSelector sel = { NULL, OCK_LABEL, -1 };

  module = cd_token_module_open (PKI_OCK_MODULE, &error);
  g_assert_no_error (error);
  token = cd_token_open (module, &sel, &error);
  g_assert_no_error (error);
  g_assert_true (cd_token_check_algorithm (token, "rsa-2048", &error));
  g_assert_no_error (error);
  g_assert_false (cd_token_check_algorithm (token, "ec-p256", &error));
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "cannot make EC P-256 keys"));
}

/* An RSA burn end to end on opencryptoki; then an EC application on the same key is refused before the key
 * is erased (its RSA certificate stays), even with the erase confirmed. */
static void
test_rsa_burn_and_ec_refused (PkiFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *json = pki_app_json ("pki-rsa", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *ec_json = pki_app_json ("pki-ec", "new", "91150100234567894T", "呼和浩特某某科技有限公司", NULL, 0,
                                           NULL);
  g_autofree char *s = NULL;
  g_autofree char *der = g_build_filename (f->dir, "cert.der", NULL);
  g_autofree char *pem = g_build_filename (f->dir, "cert.pem", NULL);
  g_autofree char *ca = g_build_filename (f->state_dir, "ca", "ca-cert.pem", NULL);
  g_autofree char *verify = NULL;
  g_autofree char *cka = NULL;
  gint64 id, ec;

  id = pki_application (f, json, CD_STATE_PRINTED);
  r = ock_burn (f, id, FALSE, &error);
  g_assert_no_error (error);
  s = state_of (f, id);
  g_assert_cmpstr (s, ==, "issued");
  g_assert_cmpuint (ock_certs_on_key (), >=, 1);
  /* An outsider reads it from the key (pkcs11-tool) and verifies it against the local CA (openssl). */
  cka = pki_db_text (f, "SELECT cka_id FROM token WHERE state = 'active'");
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3", "--read-object", "--type",
                   "cert", "--id", cka, "-o", der, NULL));
  g_free (pki_run (TRUE, NULL, NULL, "openssl", "x509", "-inform", "DER", "-in", der, "-out", pem, NULL));
  verify = pki_run (TRUE, NULL, NULL, "openssl", "verify", "-no_check_time", "-CAfile", ca, pem, NULL);
  g_assert_nonnull (strstr (verify, ": OK"));

  ec = pki_application (f, ec_json, CD_STATE_PRINTED);
  g_clear_pointer (&r, cd_burn_result_free);
  r = ock_burn (f, ec, TRUE, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "cannot make EC P-256 keys"));
  g_assert_null (strstr (error->message, "CKR_"));
  /* Not erased: the RSA customer's certificate is still on the key and still issued. */
  g_assert_cmpuint (ock_certs_on_key (), >=, 1);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
  g_clear_pointer (&s, g_free);
  s = state_of (f, ec);
  g_assert_cmpstr (s, ==, "printed");
  g_clear_error (&error);
  /* Without the confirmation the RSA holder is named as well: the same refusal comes first. */
  g_clear_pointer (&r, cd_burn_result_free);
  r = ock_burn (f, ec, FALSE, &error);
  g_assert_nonnull (error);
  g_assert_cmpuint (ock_certs_on_key (), >=, 1);
}

/* certdesk-cli burn --id @id on the key, with @crash_at the test-only kill point (or NULL); its exit status, the
 * signal that ended it in *out_signal, what it printed in *out_text. */
static int
ock_cli_burn (PkiFixture *f, gint64 id, const char *crash_at, int *out_signal, char **out_text)
{
  g_autofree char *ids = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *argv[] = { g_getenv ("CERTDESK_CLI"), "--db", f->db_path, "--data-dir", f->state_dir, "burn", "--id", ids,
                         "--module", PKI_OCK_MODULE, "--token-label", OCK_LABEL, "--erase", NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "CERTDESK_SO_PIN", OCK_SO_PIN, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait = 0;

  envp = g_environ_unsetenv (envp, "CERTDESK_PIN");
  if (crash_at)
    envp = g_environ_setenv (envp, "CERTDESK_TEST_CRASH_AT", crash_at, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait, &error));
  g_assert_no_error (error);
  *out_signal = WIFSIGNALED (wait) ? WTERMSIG (wait) : 0;
  *out_text = g_strconcat (out, err, NULL);
  return WIFEXITED (wait) ? WEXITSTATUS (wait) : -1;
}

/* The user PIN opens the key (pkcs11-tool's own login: an outsider's view). */
static gboolean
ock_pin_opens (const char *pin)
{
  int status = 0;

  g_free (pki_run (FALSE, &status, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3", "--login", "--pin", pin,
                   "--list-objects", "--type", "privkey", NULL));
  return status == 0;
}

/* What a counter does all day: a key burnt, burnt again for another customer (re-initialised while it has the
 * random SO PIN the first burn escrowed), then a third burn killed right after its init step and resumed, which
 * initialises the key once more. On opencryptoki 3.8 a C_InitToken with any SO PIN but the one the token was
 * shipped with leaves a key whose every SO login fails (cd_token_reinitialize): before the fix the second burn
 * already failed at "logging in". Each ends issued, the earlier customer's objects gone, the PIN opening it. */
static void
test_reinitialise (PkiFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autofree char *json1 = pki_app_json ("pki-rsa", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *json2 = pki_app_json ("pki-rsa", "new", "91150100234567894T", "呼和浩特某某科技有限公司", NULL, 0,
                                         NULL);
  g_autofree char *json3 = pki_app_json ("pki-rsa", "new", NULL, "包头市某某商贸有限公司", NULL, 0, NULL);
  g_autofree char *out = NULL;
  g_autofree char *s = NULL;
  g_autofree char *sql = NULL;
  gint64 id1, id2, id3;
  guint certs_one;
  int code, sig = 0;

  if (g_getenv ("CERTDESK_CLI") == NULL)
    {
      g_test_skip ("CERTDESK_CLI (the certdesk-cli to kill) is not set");
      return;
    }
  id1 = pki_application (f, json1, CD_STATE_PRINTED);
  r = ock_burn (f, id1, FALSE, &error);
  g_assert_no_error (error);
  s = state_of (f, id1);
  g_assert_cmpstr (s, ==, "issued");
  certs_one = ock_certs_on_key ();
  g_assert_cmpuint (certs_one, >=, 1);
  /* The first burn took the key from its vendor's SO PIN to a random one of its own. */
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM so_pin_escrow"), >=, 1);

  /* Re-initialised for the second customer, with the escrowed SO PIN. */
  id2 = pki_application (f, json2, CD_STATE_PRINTED);
  g_clear_pointer (&r, cd_burn_result_free);
  r = ock_burn (f, id2, TRUE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&s, g_free);
  s = state_of (f, id2);
  g_assert_cmpstr (s, ==, "issued");
  /* The first customer's certificate went with the erase: the key holds as many as after one burn. */
  g_assert_cmpuint (ock_certs_on_key (), ==, certs_one);
  g_assert_true (ock_pin_opens (PKI_PIN));

  /* The third burn, killed right after its init step (the key re-initialised, its SO PIN rotated), resumed:
   * the resume rolls the attempt back and initialises the key again. */
  id3 = pki_application (f, json3, CD_STATE_PRINTED);
  g_clear_object (&f->ctx);
  code = ock_cli_burn (f, id3, "init:done", &sig, &out);
  if (sig != SIGKILL)
    g_error ("the burn was not killed at init:done (%d, signal %d): %s", code, sig, out);
  g_clear_pointer (&out, g_free);
  code = ock_cli_burn (f, id3, NULL, &sig, &out);
  g_test_message ("the resume after init:done: %s", out);
  g_assert_cmpint (sig, ==, 0);
  g_assert_cmpint (code, ==, 0);
  pki_fixture_reopen (f);
  g_clear_pointer (&s, g_free);
  s = state_of (f, id3);
  g_assert_cmpstr (s, ==, "issued");
  g_assert_cmpuint (ock_certs_on_key (), ==, certs_one);
  g_assert_true (ock_pin_opens (PKI_PIN));
  /* The third customer has one issued certificate, and the key is recorded as theirs. */
  sql = g_strdup_printf ("SELECT count(*) FROM certificate WHERE state = 'issued' AND application_id = %"
                         G_GINT64_FORMAT, id3);
  g_assert_cmpint (pki_db_int (f, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM token WHERE state = 'active' AND application_id = %" G_GINT64_FORMAT,
                         id3);
  g_assert_cmpint (pki_db_int (f, sql), ==, 1);
}

int
main (int argc, char **argv)
{
  g_autoptr(CdTokenModule) keep = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  if (!g_getenv ("CD_OCK_INNER"))
    return run_outer (argc, argv);
  g_test_init (&argc, &argv, NULL);
  ock_make_token ();
  /* The software token crashes in C_Initialize after a C_Finalize in the same process (libpkcs11_sw's
   * Fork_Initializer): the module stays loaded for the whole run, as the counter application keeps it. */
  keep = cd_token_module_open (PKI_OCK_MODULE, &error);
  g_assert_no_error (error);
#define T(path, fn) g_test_add (path, PkiFixture, NULL, pki_fixture_setup, fn, pki_fixture_teardown)
  T ("/pki/opencryptoki/mechanisms", test_mechanisms);
  T ("/pki/opencryptoki/rsa-burn-and-ec-refused", test_rsa_burn_and_ec_refused);
  T ("/pki/opencryptoki/reinitialise", test_reinitialise);
  rc = g_test_run ();
  return rc;
}
