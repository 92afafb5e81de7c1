/* test-pki-cli.c: certdesk-cli burn, accept and revoke as processes, against SoftHSM2 and the local CA:
 * exit codes, JSON on stdout, one sentence on stderr, and no PIN anywhere it could leak. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "pki-crash-util.h"

/* Runs certdesk-cli with the fixture's database and folder; PINs go through the environment. */
static char *
run_cli (PkiFixture *f, int *status, char **err, const char *pin, const char *so_pin, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = pki_crash_argv (f, NULL);
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait = 0;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  envp = pin ? g_environ_setenv (envp, "CERTDESK_PIN", pin, TRUE) : g_environ_unsetenv (envp, "CERTDESK_PIN");
  envp = so_pin ? g_environ_setenv (envp, "CERTDESK_SO_PIN", so_pin, TRUE) : g_environ_unsetenv (envp, "CERTDESK_SO_PIN");
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, err, &wait, &error);
  g_assert_no_error (error);
  *status = WIFEXITED (wait) ? WEXITSTATUS (wait) : 128;
  return out;
}

static char *
write_app (PkiFixture *f, const char *name, const char *json)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static void
test_accept (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = write_app (f, "app.json", json);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *state = NULL;
  g_autofree char *serial = NULL;
  int status;

  pki_make_token (f, "DEMO-A");
  g_clear_object (&f->ctx);
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "accept", path, "--module", PKI_SOFTHSM, "--token-label", "DEMO-A",
                 NULL);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\"certificate_serial\""));
  g_assert_null (strstr (out, PKI_SO_PIN));
  pki_fixture_reopen (f);
  state = pki_db_text (f, "SELECT group_concat(state) FROM application");
  g_assert_cmpstr (state, ==, "issued");
  serial = pki_db_text (f, "SELECT serial FROM certificate WHERE state = 'issued'");
  g_assert_nonnull (strstr (out, serial));
  /* The whole acceptance is in the audit trail: create, check, pay, printed, issued, the key, the certificate. */
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM audit_log WHERE action = 'application.state'"), ==, 4);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM audit_log WHERE action = 'certificate.issue'"), ==, 1);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM payment"), ==, 1);

  /* Revoke it from the command line; a second time is refused. */
  g_clear_object (&f->ctx);
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, NULL, "revoke", "--serial", serial, "--reason", "keyCompromise", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "\"revoked\""));
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, NULL, "revoke", "--serial", serial, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "already revoked"));
  g_assert_null (strchr (err, '\n') == err + strlen (err) - 1 ? NULL : "more than one line");
  pki_fixture_reopen (f);
}

static void
test_accept_missing_materials (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *stripped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  json_object_remove_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                            "materials"), "agent-id");
  stripped = json_to_string (json_parser_get_root (parser), TRUE);
  path = write_app (f, "app.json", stripped);
  pki_make_token (f, "DEMO-A");
  g_clear_object (&f->ctx);
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "accept", path, "--module", PKI_SOFTHSM, NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "agent-id"));
  pki_fixture_reopen (f);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate"), ==, 0);
}

/* burn of a file: the key work and the certificate record; no token → exit 3 with one sentence. */
static void
test_burn_and_errors (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-rsa", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = write_app (f, "app.json", json);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *state = NULL;
  int status;

  g_clear_object (&f->ctx);
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "burn", "--application", path, "--module", PKI_SOFTHSM,
                 "--token-label", "NO-SUCH-KEY", NULL);
  g_assert_cmpint (status, ==, 3);
  g_assert_nonnull (strstr (err, "not inserted"));
  g_assert_cmpstr (out, ==, "");
  pki_make_token (f, "DEMO-A");
  g_free (out);
  g_free (err);
  /* Wrong SO PIN: refused before anything is erased. */
  out = run_cli (f, &status, &err, NULL, "99999999", "burn", "--application", path, "--module", PKI_SOFTHSM, NULL);
  g_assert_cmpint (status, ==, 3);
  g_assert_nonnull (strstr (err, "SO PIN"));
  g_assert_null (strstr (err, "99999999"));
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "burn", "--application", path, "--module", PKI_SOFTHSM, NULL);
  g_assert_cmpint (status, ==, 0);
  pki_fixture_reopen (f);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
  state = pki_db_text (f, "SELECT state FROM application ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (state, ==, "draft");
}

/* The random PIN: on the slip (mode 0600), never on stdout, stderr, in the database or the audit log. */
static void
test_random_pin_slip (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-random", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = write_app (f, "app.json", json);
  g_autofree char *slip = g_build_filename (f->dir, "slip.txt", NULL);
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *objects = NULL;
  GStatBuf st;
  int status;

  pki_make_token (f, "DEMO-A");
  g_clear_object (&f->ctx);
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "accept", path, "--module", PKI_SOFTHSM, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--pin-slip"));
  g_free (out);
  g_free (err);
  /* accept refused before touching anything except its draft: burn that one. */
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "burn", "--id", "1", "--module", PKI_SOFTHSM, "--pin-slip", slip, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (slip, &text, NULL, NULL));
  g_assert_cmpint (g_stat (slip, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  pin = g_strdup (strstr (text, "PIN: ") + 5);
  g_strchomp (pin);
  g_assert_cmpint (strlen (pin), ==, 8);
  g_assert_null (strstr (out, pin));
  g_assert_null (strstr (err, pin));
  g_assert_false (pki_file_contains (f->db_path, pin));
  g_assert_false (pki_file_contains (wal, pin));
  objects = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", "DEMO-A", "--login",
                     "--pin", pin, "--list-objects", "--type", "cert", NULL);
  g_assert_nonnull (strstr (objects, "Certificate Object"));
  pki_fixture_reopen (f);
}


/* accept wipes --pin, --so-pin and --cmp-secret from its own arguments at once: read from
 * /proc/PID/cmdline while it waits for a CMP server that takes the connection and never answers. */
static void
test_accept_wipes_secrets (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-ec", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = write_app (f, "app.json", json);
  g_autofree char *trust = g_build_filename (f->state_dir, "ca", "ca-cert.pem", NULL);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *cmdline_path = NULL;
  g_autofree char *cmdline = NULL;
  gsize len;
  guint16 port;
  int status;

  /* The local CA's certificate stands in as the CMP trust anchor: the server never answers anyway. */
  g_clear_object (&f->ctx);
  g_free (run_cli (f, &status, NULL, NULL, NULL, "ca", "list", NULL));
  g_assert_cmpint (status, ==, 0);
  pki_make_token (f, "DEMO-A");
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/pkix/", port);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           pki_crash_cli (), "--db", f->db_path, "--data-dir", f->state_dir, "accept", path, "--module", PKI_SOFTHSM,
                           "--pin", "424242", "--so-pin", PKI_SO_PIN, "--issuer", "cmp", "--cmp-server", url,
                           "--cmp-secret", "SeCrEt-CmP-99", "--cmp-trust", trust, NULL);
  g_assert_no_error (error);
  /* The connection arrives once the burn is at its issue step: long after start-up. */
  conn = g_socket_listener_accept (listener, NULL, NULL, &error);
  g_assert_no_error (error);
  cmdline_path = g_strdup_printf ("/proc/%s/cmdline", g_subprocess_get_identifier (proc));
  g_assert_true (g_file_get_contents (cmdline_path, &cmdline, &len, NULL));
  g_assert_true (memmem (cmdline, len, "accept", 6) != NULL);
  g_assert_null (memmem (cmdline, len, "424242", 6));
  g_assert_null (memmem (cmdline, len, PKI_SO_PIN, strlen (PKI_SO_PIN)));
  g_assert_null (memmem (cmdline, len, "SeCrEt-CmP-99", 13));
  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, NULL);
  pki_fixture_reopen (f);
}

/* ca list: every certificate the local CA signed, with its state and application; ca pending: what waits for
 * a CA to revoke it; the random PIN's slip printed again from what was stored before the key had the PIN. */
static void
test_ca_list_and_reprint (PkiFixture *f, gconstpointer data)
{
  g_autofree char *json = pki_app_json ("pki-random", "new", NULL, NULL, NULL, 0, NULL);
  g_autofree char *path = write_app (f, "app.json", json);
  g_autofree char *slip = g_build_filename (f->dir, "slip.txt", NULL);
  g_autofree char *again = g_build_filename (f->dir, "slip-again.txt", NULL);
  g_autofree char *first_text = NULL;
  g_autofree char *again_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *serial = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *c;
  int status;

  pki_make_token (f, "DEMO-A");
  g_clear_object (&f->ctx);
  out = run_cli (f, &status, &err, NULL, PKI_SO_PIN, "accept", path, "--module", PKI_SOFTHSM, "--pin-slip", slip, NULL);
  g_assert_cmpint (status, ==, 0);
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, NULL, "ca", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  c = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                   "certificates"), 0);
  g_assert_cmpstr (json_object_get_string_member (c, "state"), ==, "issued");
  g_assert_nonnull (strstr (json_object_get_string_member (c, "subject"), "内蒙古甲乙建设有限公司"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (c, "application"), "CD-"));
  g_assert_nonnull (json_object_get_string_member (c, "not_after"));
  serial = g_strdup (json_object_get_string_member (c, "serial"));
  pki_fixture_reopen (f);
  {
    g_autofree char *recorded = pki_db_text (f, "SELECT serial FROM certificate WHERE state = 'issued'");
    g_assert_cmpstr (recorded, ==, serial);
    /* Marked to be revoked elsewhere: listed for the supervisor. */
    g_assert_true (cd_store_exec (cd_context_get_store (f->ctx),
                                  "UPDATE certificate SET state = 'to-be-revoked', revoke_reason = 'superseded'", NULL));
  }
  g_clear_object (&f->ctx);
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, NULL, "ca", "pending", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, serial));
  g_assert_nonnull (strstr (out, "superseded"));
  /* The slip again: the same PIN; no PIN on stdout. */
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, NULL, "burn", "--id", "1", "--reprint-pin-slip", again, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (slip, &first_text, NULL, NULL));
  g_assert_true (g_file_get_contents (again, &again_text, NULL, NULL));
  g_assert_cmpstr (strstr (again_text, "PIN: "), ==, strstr (first_text, "PIN: "));
  g_assert_null (strstr (out, strstr (first_text, "PIN: ") + 5));
  /* Usage errors are one line. */
  g_free (out);
  g_free (err);
  out = run_cli (f, &status, &err, NULL, NULL, "ca", "nothing", NULL);
  g_assert_cmpint (status, ==, 2);
  pki_fixture_reopen (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define T(path, fn) g_test_add (path, PkiFixture, NULL, pki_fixture_setup, fn, pki_fixture_teardown)
  T ("/pki/cli/accept-and-revoke", test_accept);
  T ("/pki/cli/accept-missing-materials", test_accept_missing_materials);
  T ("/pki/cli/burn-and-errors", test_burn_and_errors);
  T ("/pki/cli/random-pin-slip", test_random_pin_slip);
  T ("/pki/cli/accept-wipes-secrets", test_accept_wipes_secrets);
  T ("/pki/cli/ca-list-and-reprint", test_ca_list_and_reprint);
  return g_test_run ();
}
