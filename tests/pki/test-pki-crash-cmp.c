/* test-pki-crash-cmp.c: the crash campaign against a CA over CMP. `certdesk-cli accept --issuer cmp` on SoftHSM2
 * with a random-PIN profile, against the project's CMP responder (tests/pki/cd-cmp-responder.c) over HTTP on
 * 127.0.0.1, kills itself (CERTDESK_TEST_CRASH_AT, src/pki/README.md) at every journal step and phase, at the
 * point where the CA's confirmation is journaled, after the records, before the state change and around the PIN
 * slip; then at random delays (CERTDESK_TEST_CRASH_AFTER_MS). After each kill `burn --id` resumes and the
 * invariants are checked from outside, against the CA's own record (the responder's ledger.txt: issued,
 * confirmed/rejected by certConf, revoked by rr):
 *   - a certificate the CA issued and the counter confirmed is on the key and recorded issued, unless it was
 *     revoked at the CA, and then it is recorded revoked;
 *   - a certificate the CA holds as unconfirmed is never recorded issued;
 *   - the CA holds exactly one confirmed, unrevoked certificate, the counter records one issued certificate for
 *     the application, and it is that one; nothing is recorded that the CA did not sign;
 *   - the PIN slip opens the key, which holds the certificate; no note of an unrecorded certificate is left;
 *     `audit verify` exits 0.
 * The CA stopped mid-exchange (after its answer, before the certConf) and restarted: a clear message, and the
 * resume completes; the CA down when a resume must revoke an unconfirmed certificate: a clear message, the
 * attempt stays open, and the resume after the restart completes.
 * The same kills on opencryptoki's software token (RSA), each in a private namespace of its own (test_ock).
 * OpenSSL's own mock server (`openssl cmp -port`) answers every request with one fixed certificate for a fixed
 * key, so a burn that makes its key pair on the USB key can never be issued by it: it is not in this campaign
 * (test-pki-cmp.c runs it).
 * CERTDESK_CRASH_KILLS: how many random-delay kills (default 2); set, the every-step case takes every point (the
 * suite: the ten from the key pair on, where the CA takes part). The soak's figure is in src/pki/README.md. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pki-crash-util.h"

#define SECRET "cmp-crash-secret"

/* The responder of the current fixture. */
static GPid responder_pid;
static char *ca_dir;
static char *url;
static char *trust;
/* accept's and burn's options: the module the campaign burns on (SoftHSM2, or opencryptoki's software token
 * inside its private namespace, see test_ock) and the CA (its address and certificate set at responder_start). */
static const char *burn_opts[] = { "--module", PKI_SOFTHSM, "--issuer", "cmp", "--cmp-server", NULL, "--cmp-trust",
                                   NULL, NULL };
static int port;

static gboolean
listening (void)
{
  struct sockaddr_in addr = { 0 };
  int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  addr.sin_family = AF_INET;
  addr.sin_port = htons ((unsigned short) port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = connect (s, (struct sockaddr *) &addr, sizeof addr) == 0;
  close (s);
  return ok;
}

/* Starts the responder in ca_dir: a new CA, or after a stop the same CA on the same port. */
static void
responder_start (void)
{
  const char *argv[] = { PKI_CMP_RESPONDER, ca_dir, SECRET, NULL };
  g_autofree char *port_file = g_build_filename (ca_dir, "port", NULL);
  g_autoptr(GError) error = NULL;
  gboolean restart = g_file_test (port_file, G_FILE_TEST_EXISTS);

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &responder_pid,
                                &error));
  g_assert_no_error (error);
  if (!restart)
    {
      g_autofree char *text = NULL;

      for (int i = 0; i < 3000 && !g_file_test (port_file, G_FILE_TEST_EXISTS); i++)
        g_usleep (10000);
      g_assert_true (g_file_get_contents (port_file, &text, NULL, NULL));
      port = atoi (text);
      g_free (url);
      url = g_strdup_printf ("http://127.0.0.1:%d/pkix/", port);
      g_free (trust);
      trust = g_build_filename (ca_dir, "ca.pem", NULL);
      burn_opts[1] = pki_crash.module;
      burn_opts[5] = url;
      burn_opts[7] = trust;
    }
  for (int i = 0; i < 3000 && !listening (); i++)
    g_usleep (10000);
  g_assert_true (listening ());
}

/* Waits for the responder to end (it was stopped, or it stopped itself mid-exchange). */
static void
responder_reap (void)
{
  if (responder_pid == 0)
    return;
  waitpid (responder_pid, NULL, 0);
  g_spawn_close_pid (responder_pid);
  responder_pid = 0;
}

static void
responder_stop (void)
{
  if (responder_pid)
    kill (responder_pid, SIGTERM);
  responder_reap ();
}

/* What the CA did with each certificate, from its own record. */
enum { CA_ISSUED = 1, CA_CONFIRMED = 2, CA_REJECTED = 4, CA_REVOKED = 8 };

static GHashTable *
ca_record (void)
{
  g_autofree char *path = g_build_filename (ca_dir, "ledger.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return out;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) w = g_strsplit (lines[i], " ", 2);
      g_autofree char *serial = NULL;
      guint flag;

      if (g_strv_length (w) != 2)
        continue;
      serial = g_ascii_strup (w[1], -1);
      flag = g_str_equal (w[0], "issued") ? CA_ISSUED : g_str_equal (w[0], "confirmed") ? CA_CONFIRMED
             : g_str_equal (w[0], "rejected") ? CA_REJECTED : g_str_equal (w[0], "revoked") ? CA_REVOKED : 0;
      flag |= GPOINTER_TO_UINT (g_hash_table_lookup (out, serial));
      g_hash_table_insert (out, g_steal_pointer (&serial), GUINT_TO_POINTER (flag));
    }
  return out;
}

static void
check_invariants (PkiFixture *f, const char *what)
{
  g_autoptr(GHashTable) ca = ca_record ();
  g_autofree char *on_key = NULL;
  g_autofree char *label = NULL;
  g_autofree char *issued_serial = NULL;
  GHashTableIter it;
  gpointer key, value;
  guint valid_at_ca = 0;

  pki_crash.signed_count = g_hash_table_size (ca);
  g_assert_cmpuint (pki_crash.signed_count, >=, 1);
  pki_fixture_reopen (f);
  on_key = pki_db_text (f, "SELECT certificate_serial FROM token WHERE state = 'active'");
  label = pki_db_text (f, "SELECT label FROM token WHERE state = 'active'");
  issued_serial = pki_db_text (f, "SELECT serial FROM certificate WHERE state = 'issued'");
  g_hash_table_iter_init (&it, ca);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      guint flags = GPOINTER_TO_UINT (value);
      g_autofree char *sql = g_strdup_printf ("SELECT state FROM certificate WHERE upper(serial) = '%s'",
                                              (char *) key);
      g_autofree char *recorded = pki_db_text (f, sql);

      if (!(flags & CA_ISSUED))
        g_error ("%s: the CA's record has events for %s but no issue", what, (char *) key);
      if (flags & CA_REVOKED)
        {
          if (g_strcmp0 (recorded, "revoked") != 0)
            g_error ("%s: the CA revoked %s, the records say %s", what, (char *) key, recorded ? recorded : "nothing");
        }
      else if (flags & CA_CONFIRMED)
        {
          valid_at_ca++;
          if (g_strcmp0 (recorded, "issued") != 0)
            g_error ("%s: the CA holds %s as confirmed, the records say %s", what, (char *) key,
                     recorded ? recorded : "nothing");
          if (g_ascii_strcasecmp (key, on_key ? on_key : "") != 0)
            g_error ("%s: the confirmed certificate %s is not the key's (%s)", what, (char *) key, on_key);
        }
      else if (g_strcmp0 (recorded, "issued") == 0)
        g_error ("%s: %s is recorded issued, but the CA holds it as %s", what, (char *) key,
                 flags & CA_REJECTED ? "rejected" : "unconfirmed");
    }
  /* One certificate per application, at the CA and in the records, and nothing recorded the CA did not sign. */
  g_assert_cmpuint (valid_at_ca, ==, 1);
  pki_crash_check_one_issued (f);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate"), <=, g_hash_table_size (ca));
  g_assert_nonnull (issued_serial);
  g_assert_true (g_hash_table_contains (ca, issued_serial));
  g_clear_object (&f->ctx);
  /* The slip's PIN opens the key, which holds the certificate. */
  pki_crash_check_key_and_audit (f, label, what);
}

/* opencryptoki's software token as its vendor ships it (SO PIN 87654321, the campaign's PKI_SO_PIN), and an RSA
 * copy of the random-PIN profile (the software token makes no EC keys). */
static void
ock_setup (PkiFixture *f)
{
  g_autofree char *ec = g_build_filename (f->state_dir, "profiles", "pki-random.json", NULL);
  g_autofree char *rsa = g_build_filename (f->state_dir, "profiles", "pki-random-rsa.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edit = NULL;

  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3", "--init-token",
                   "--so-pin", PKI_SO_PIN, "--label", "OCK-A", NULL));
  g_free (pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_OCK_MODULE, "--slot", "3", "--init-pin", "--so-pin",
                   PKI_SO_PIN, "--pin", "000000", NULL));
  g_assert_true (g_file_get_contents (ec, &text, NULL, NULL));
  edit = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edit, "\"pki-random\"", "\"pki-random-rsa\"", 1), ==, 1);
  g_assert_cmpuint (g_string_replace (edit, "\"ec-p256\"", "\"rsa-2048\"", 0), >=, 1);
  g_assert_true (g_file_set_contents (rsa, edit->str, -1, NULL));
}

static void
fixture_setup (PkiFixture *f, gconstpointer data)
{
  pki_fixture_setup (f, data);
  if (g_str_equal (pki_crash.module, PKI_OCK_MODULE))
    ock_setup (f);
  else
    pki_make_token (f, "DEMO-A");
  g_clear_object (&f->ctx);
  g_free (ca_dir);
  ca_dir = g_build_filename (f->dir, "cmp", NULL);
  g_assert_cmpint (g_mkdir_with_parents (ca_dir, 0700), ==, 0);
  responder_start ();
}

static void
fixture_teardown (PkiFixture *f, gconstpointer data)
{
  responder_stop ();
  g_clear_object (&f->ctx);
  pki_fixture_teardown (f, data);
}

static void
fresh (PkiFixture *f)
{
  fixture_teardown (f, NULL);
  fixture_setup (f, NULL);
}

static void
test_every_step (PkiFixture *f, gconstpointer data)
{
  /* issue:confirmed: the CA answered our positive certConf (CMP only); the others as in test-pki-crash.c. */
  static const char *const extra[] = { "issue:confirmed", "slip:saved", "record:done", "state:start", "slip:start",
                                       "slip:done", NULL };
  /* In the suite, the points where the CA takes part (and the key pair generated, which the resume goes on
   * from); before the issue step the burn is the local CA's, killed there by test-pki-crash.c. A soak
   * (CERTDESK_CRASH_KILLS set) takes every point. */
  static const char *const suite[] = { "keygen:done", "issue:start", "issue:done", "write:start", "write:done",
                                       "verify:start", "issue:confirmed", "verify:done", "record:done", "state:start" };
  g_autoptr(GPtrArray) points = NULL;

  if (g_getenv ("CERTDESK_CRASH_KILLS") == NULL)
    {
      points = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < G_N_ELEMENTS (suite); i++)
        g_ptr_array_add (points, g_strdup (suite[i]));
    }
  else
    points = pki_crash_points (extra);
  for (guint i = 0; i < points->len; i++)
    {
      pki_crash_kill_at (f, points->pdata[i]);
      g_test_message ("killed at %s: the CA signed %u certificate(s)", (char *) points->pdata[i],
                      pki_crash.signed_count);
    }
}

static void
test_random_delays (PkiFixture *f, gconstpointer data)
{
  guint runs, second;
  double seconds;
  guint kills = pki_crash_random_delays (f, 2, 1500, &runs, &second, &seconds);

  g_printerr ("# CMP crash campaign: %u random-delay kills in %u runs, %.1f s (%u resumes had the CA sign a second "
              "certificate, the first revoked there); %u kills in this process, %u resumes retried\n",
              kills, runs, seconds, second, pki_crash.total_kills, pki_crash.retries);
}

/* The CA stops mid-exchange (@data: "die-after-answer", after sending the certificate, before our certConf
 * arrives; "die-after-certconf", after it recorded our certConf, before its answer): the burn says the CA did
 * not answer the confirmation; restarted, the resume completes with a second certificate, and the first is
 * revoked at the CA and recorded so (the counter cannot tell whether the CA holds it as confirmed). */
static void
test_server_stopped_mid_exchange (PkiFixture *f, gconstpointer data)
{
  g_autofree char *app = pki_crash_app_file (f);
  g_autofree char *slip = pki_crash_slip_path (f);
  g_autofree char *die = g_build_filename (ca_dir, data, NULL);
  g_autofree char *out = NULL;
  g_autoptr(GHashTable) ca = NULL;
  GHashTableIter it;
  gpointer key, value;
  int code, sig;

  g_assert_true (g_file_set_contents (die, "", -1, NULL));
  code = pki_crash_run (f, NULL, NULL, TRUE, &sig, &out, "accept", app, "--pin-slip", slip, NULL);
  responder_reap ();
  g_test_message ("accept with the CA stopped mid-exchange (%d): %s", code, out);
  g_assert_cmpint (sig, ==, 0);
  g_assert_cmpint (code, !=, 0);
  g_assert_nonnull (strstr (out, "confirmation of the certificate"));
  g_assert_nonnull (strstr (out, "127.0.0.1"));
  g_assert_null (strstr (out, SECRET));
  g_assert_cmpint (pki_crash_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);
  responder_start ();
  pki_crash_resume (f, app, "CA stopped mid-exchange");
  check_invariants (f, "CA stopped mid-exchange");
  g_assert_cmpuint (pki_crash.signed_count, ==, 2);
  /* the first certificate is revoked at the CA, not only in the records */
  ca = ca_record ();
  g_hash_table_iter_init (&it, ca);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_assert_true ((GPOINTER_TO_UINT (value) & (CA_CONFIRMED | CA_REVOKED)) != 0);
}

/* Killed with the certificate journaled and on the key, before the certConf; the CA down at the resume, which
 * must revoke that unconfirmed certificate before asking for another: a clear message, nothing issued, the
 * attempt stays open; the CA back, the resume revokes it there and completes. */
static void
test_server_down_at_resume (PkiFixture *f, gconstpointer data)
{
  const char *env[] = { "CERTDESK_TEST_CRASH_AT", "verify:start", NULL };
  g_autofree char *app = pki_crash_app_file (f);
  g_autofree char *slip = pki_crash_slip_path (f);
  g_autofree char *out = NULL;
  g_autoptr(GHashTable) ca = NULL;
  int code, sig;

  pki_crash_run (f, env, NULL, TRUE, &sig, NULL, "accept", app, "--pin-slip", slip, NULL);
  g_assert_cmpint (sig, ==, SIGKILL);
  responder_stop ();
  code = pki_crash_try_resume (f, app, "CA down", &out);
  g_test_message ("resume with the CA down (%d): %s", code, out);
  g_assert_cmpint (code, !=, 0);
  g_assert_nonnull (strstr (out, "the connection was refused"));
  g_assert_nonnull (strstr (out, "retry"));
  g_assert_cmpint (pki_crash_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 0);
  responder_start ();
  pki_crash_resume (f, app, "CA back");
  check_invariants (f, "CA back");
  ca = ca_record ();
  g_assert_cmpuint (g_hash_table_size (ca), ==, 2);
}

/* The kill campaign on opencryptoki's software token. Its daemon and library have /etc/opencryptoki,
 * /var/lib/opencryptoki and /run compiled in (test-pki-opencryptoki.c), and its token cannot be made new
 * within one daemon's life (the burn gives each key a random SO PIN, escrowed in the database the next run does
 * not have): each kill runs in a private mount namespace of its own, with fresh folders, a private /dev/shm
 * (the daemon's shared token state) and its own pkcsslotd, this program run again inside for that one kill,
 * resume and check (CD_OCK_POINT). Skips without opencryptoki, root or unshare. The points: five by default,
 * every one with CERTDESK_CRASH_OCK_POINTS=all. */
static const char ock_script[] =
  PKI_OCK_NS_MOUNTS
  PKI_OCK_SLOTD " </dev/null >/dev/null 2>&1\n"
  PKI_OCK_NS_WAIT
  /* into a file: the daemon and the responder must not hold the caller's pipe open */
  "\"$@\" </dev/null >\"$T/inner.log\" 2>&1; rc=$?\n"
  PKI_OCK_NS_END;

static void
test_ock (PkiFixture *f, gconstpointer data)
{
  /* The suite's points: two whose resume rolls the attempt back and initialises the key again, which has the
   * random SO PIN the killed attempt escrowed (init:done; issue:done, an unconfirmed CMP certificate revoked
   * first: on opencryptoki 3.8 a C_InitToken with that SO PIN left a key no SO could log in to,
   * cd_token_reinitialize), and three whose resume takes the attempt up on the key as it is.
   * CERTDESK_CRASH_OCK_POINTS=all kills at every point. */
  static const char *const few[] = { "init:done", "issue:done", "keygen:done", "issue:confirmed", "record:done",
                                     NULL };
  static const char *const all[] = { "init:start", "init:done", "keygen:start", "keygen:done", "csr:start",
                                     "csr:done", "issue:start", "issue:done", "write:start", "write:done",
                                     "verify:start", "issue:confirmed", "verify:done", "record:done", "state:start",
                                     "slip:saved", NULL };
  const char *const *points = g_strcmp0 (g_getenv ("CERTDESK_CRASH_OCK_POINTS"), "all") == 0 ? all : few;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  int status = 0;

  if (!g_file_test (PKI_OCK_SLOTD, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (PKI_OCK_MODULE, G_FILE_TEST_EXISTS)
      || !g_file_test (PKI_OCK_SW, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("opencryptoki (pkcsslotd, libopencryptoki, the software token) is not installed");
      return;
    }
  {
    const char *probe[] = { "unshare", "-m", "--propagation", "private", "true", NULL };

    if (geteuid () != 0 || unshare == NULL
        || !g_spawn_sync (NULL, (char **) probe, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                          NULL, NULL, &status, NULL)
        || !g_spawn_check_wait_status (status, NULL))
      {
        g_test_skip ("pkcsslotd keeps its folders in /etc, /var/lib and /run: the campaign needs root and a private "
                     "mount namespace (unshare -m) to give it private ones");
        return;
      }
  }
  for (guint i = 0; points[i]; i++)
    {
      const char *subdirs[] = { "etc", "lib/swtok/TOK_OBJ", "run/lock/opencryptoki", "log" };
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_build_filename (f->dir, "ock", NULL);
      g_autofree char *conf = g_build_filename (dir, "etc", "opencryptoki.conf", NULL);
      g_autofree char *out = NULL;
      const char *chgrp[] = { "chgrp", "-R", "pkcs11", dir, NULL };
      const char *rm[] = { "rm", "-rf", dir, NULL };
      const char *argv[] = { "unshare", "-m", "--propagation", "private", "sh", "-c", ock_script, "sh", dir, self,
                             "-p", "/pki/crash-cmp/opencryptoki-inner", NULL };
      g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "CD_OCK_POINT", points[i], TRUE);

      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
      for (guint d = 0; d < G_N_ELEMENTS (subdirs); d++)
        {
          g_autofree char *p = g_build_filename (dir, subdirs[d], NULL);
          g_assert_cmpint (g_mkdir_with_parents (p, 0770), ==, 0);
        }
      g_assert_true (g_file_set_contents (conf, "version opencryptoki-3.1\n\nslot 3\n{\nstdll = libpkcs11_sw.so\n}\n",
                                          -1, NULL));
      g_spawn_sync (NULL, (char **) chgrp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
      envp = g_environ_setenv (envp, "CD_OCK_INNER", "1", TRUE);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      {
        g_autofree char *log = g_build_filename (dir, "inner.log", NULL);

        if (!g_file_get_contents (log, &out, NULL, NULL))
          out = g_strdup ("");
      }
      g_test_message ("opencryptoki, killed at %s:\n%s", points[i], out);
      if (!g_spawn_check_wait_status (status, NULL) || strstr (out, "\nok 1 ") == NULL)
        g_error ("opencryptoki, killed at %s: %s", points[i], out);
      pki_crash.total_kills++;
    }
}

/* Inside the namespace: one kill at CD_OCK_POINT on opencryptoki, the resume, the invariants. */
static void
test_ock_inner (PkiFixture *f, gconstpointer data)
{
  const char *env[] = { "CERTDESK_TEST_CRASH_AT", g_getenv ("CD_OCK_POINT"), NULL };

  g_assert_nonnull (env[1]);
  if (!pki_crash_kill_and_resume (f, env, env[1]))
    g_error ("the burn on opencryptoki never reached %s", env[1]);
  g_test_message ("opencryptoki, killed at %s: the CA signed %u certificate(s)", env[1], pki_crash.signed_count);
}

int
main (int argc, char **argv)
{
  static const char *const env[] = { "CERTDESK_CMP_SECRET", SECRET, NULL };

  g_test_init (&argc, &argv, NULL);
  pki_crash.env = env;
  pki_crash.burn_opts = burn_opts;
  pki_crash.fresh = fresh;
  pki_crash.check = check_invariants;
  if (g_getenv ("CD_OCK_INNER"))
    {
      pki_crash.module = PKI_OCK_MODULE;
      pki_crash.profile = "pki-random-rsa";
      g_test_add ("/pki/crash-cmp/opencryptoki-inner", PkiFixture, NULL, fixture_setup, test_ock_inner,
                  fixture_teardown);
      return g_test_run ();
    }
#define T(path, fn) g_test_add (path, PkiFixture, NULL, fixture_setup, fn, fixture_teardown)
  T ("/pki/crash-cmp/every-step", test_every_step);
  T ("/pki/crash-cmp/random-delays", test_random_delays);
#define D(path, fn, data) g_test_add (path, PkiFixture, data, fixture_setup, fn, fixture_teardown)
  D ("/pki/crash-cmp/server-stopped/before-certconf", test_server_stopped_mid_exchange, "die-after-answer");
  D ("/pki/crash-cmp/server-stopped/after-certconf", test_server_stopped_mid_exchange, "die-after-certconf");
  T ("/pki/crash-cmp/server-down-at-resume", test_server_down_at_resume);
  T ("/pki/crash-cmp/opencryptoki", test_ock);
  return g_test_run ();
}
