/* test-central-tls.c: a counter joins and syncs over TLS with sslmode=verify-full (issue 16, item 2). The
 * test makes its own small PKI with `openssl` (a test CA, the server's certificate for localhost and
 * 127.0.0.1, client certificates for outlet roles; another CA for the refusals), and starts a PostgreSQL 15
 * of its own on 127.0.0.1 with ssl=on whose pg_hba.conf lets TCP logins in only with a client certificate
 * naming the role (cd-test-pg.h). No password exists anywhere: the outlet's role has none, PGPASSFILE leads
 * nowhere. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "cd-test-pg.h"

static CdTestPg *server;
static char *workdir;  /* the counters' SQLite files */
static char *pki;      /* certificates and keys made by the test */

typedef struct {
  int        status;
  char      *out;
  char      *err;
  JsonNode  *json;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
  g_clear_pointer (&r->json, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *
pki_path (const char *name)
{
  return g_build_filename (pki, name, NULL);
}

/* certdesk-cli --db DB … as a counter holding @client's certificate and key (NULL: none) the way libpq finds
 * them (PGSSLCERT, PGSSLKEY); no password can come from anywhere. */
static void
run_cli_as (const char *db, const char *client, Run *r, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (workdir, db, NULL);
  g_autofree char *crt = g_strdup_printf ("%s/%s.crt", pki, client ? client : "none");
  g_autofree char *key = g_strdup_printf ("%s/%s.key", pki, client ? client : "none");

  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, workdir);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "PGSSLCERT", crt, TRUE);
  g_subprocess_launcher_setenv (launcher, "PGSSLKEY", key, TRUE);
  g_subprocess_launcher_setenv (launcher, "PGPASSFILE", "/nonexistent/certdesk-no-pgpass", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PGPASSWORD");
  g_subprocess_launcher_unsetenv (launcher, "PGSERVICEFILE");
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->json = r->out && *r->out ? json_from_string (r->out, NULL) : NULL;
}

#define run_cli(db, client, r, ...) run_cli_as (db, client, r, (const char *const[]) { __VA_ARGS__, NULL })

static gint64
member (Run *r, const char *name)
{
  g_assert_nonnull (r->json);
  return json_object_get_int_member (json_node_get_object (r->json), name);
}

static void
openssl (const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_ptr_array_add (argv, "openssl");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (pki, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    g_error ("openssl: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed:\n%s", args[0], err);
}

#define OPENSSL(...) openssl ((const char *const[]) { __VA_ARGS__, NULL })

/* A self-signed CA @name (name.crt, name.key). */
static void
make_ca (const char *name, const char *cn)
{
  g_autofree char *crt = g_strconcat (name, ".crt", NULL);
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *subj = g_strconcat ("/CN=", cn, NULL);

  OPENSSL ("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
           "-out", crt, "-days", "2", "-subj", subj, "-addext", "basicConstraints=critical,CA:TRUE",
           "-addext", "keyUsage=critical,keyCertSign,cRLSign");
}

/* A certificate @name (name.crt, name.key, the key 0600 as libpq requires) for @cn, signed by @ca, with the
 * extensions @ext (a line of an openssl extension file). */
static void
make_cert (const char *name, const char *cn, const char *ca, const char *ext)
{
  g_autofree char *crt = g_strconcat (name, ".crt", NULL);
  g_autofree char *key = g_strconcat (name, ".key", NULL);
  g_autofree char *csr = g_strconcat (name, ".csr", NULL);
  g_autofree char *extfile = g_strconcat (name, ".ext", NULL);
  g_autofree char *ext_path = pki_path (extfile);
  g_autofree char *key_path = pki_path (key);
  g_autofree char *subj = g_strconcat ("/CN=", cn, NULL);
  g_autofree char *ca_crt = g_strconcat (ca, ".crt", NULL);
  g_autofree char *ca_key = g_strconcat (ca, ".key", NULL);
  static int serial = 100;
  g_autofree char *serial_text = g_strdup_printf ("%d", serial++);

  g_assert_true (g_file_set_contents (ext_path, ext, -1, NULL));
  OPENSSL ("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
           "-out", csr, "-subj", subj);
  OPENSSL ("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-set_serial", serial_text, "-days", "2",
           "-extfile", extfile, "-out", crt);
  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
}

/* A folder for cd_test_pg_set_tls: the server's certificate @server_name and the CA @client_ca its clients'
 * certificates must come from. */
static char *
server_folder (const char *folder, const char *server_name, const char *client_ca)
{
  static const char *const what[][2] = { { "crt", "server.crt" }, { "key", "server.key" } };
  g_autofree char *dir = pki_path (folder);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (what); i++)
    {
      g_autofree char *src_name = g_strconcat (server_name, ".", what[i][0], NULL);
      g_autofree char *src = pki_path (src_name);
      g_autofree char *dst = g_build_filename (dir, what[i][1], NULL);
      g_autofree char *bytes = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (dst, bytes, len, NULL));
    }
  {
    g_autofree char *src_name = g_strconcat (client_ca, ".crt", NULL);
    g_autofree char *src = pki_path (src_name);
    g_autofree char *dst = g_build_filename (dir, "root.crt", NULL);
    g_autofree char *bytes = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
    g_assert_true (g_file_set_contents (dst, bytes, len, NULL));
  }
  return g_steal_pointer (&dir);
}

static char *good_server;   /* CA 1's server certificate for localhost, 127.0.0.1 */
static char *other_server;  /* the same names, but signed by another CA */

static void
make_pki (void)
{
  make_ca ("ca", "CertDesk Test Root CA");
  make_ca ("other-ca", "Some Other CA");
  make_cert ("server", "localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                         "extendedKeyUsage=serverAuth\n");
  make_cert ("server-other", "localhost", "other-ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                                      "extendedKeyUsage=serverAuth\n");
  /* Each outlet's counter holds a certificate whose CN is its database role (pg_hba.conf "cert"). */
  make_cert ("outlet_tls_a", "outlet_tls_a", "ca", "extendedKeyUsage=clientAuth\n");
  make_cert ("outlet_tls_b", "outlet_tls_b", "ca", "extendedKeyUsage=clientAuth\n");
  good_server = server_folder ("server-good", "server", "ca");
  other_server = server_folder ("server-other-ca", "server-other", "ca");
}

/* The counter's URL: host @host (with hostaddr @addr when not NULL), verify-full against the root @root. */
static char *
tls_url (const char *role, const char *host, const char *addr, const char *root)
{
  g_autofree char *root_path = g_strconcat (pki, "/", root, ".crt", NULL);

  return g_strdup_printf ("postgresql://%s@%s:%d/postgres?sslmode=verify-full&sslrootcert=%s%s%s", role, host,
                          cd_test_pg_port (server), root_path, addr ? "&hostaddr=" : "", addr ? addr : "");
}

static void
add_outlet (const char *code, const char *name, const char *role)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) r = { 0 };

  run_cli ("admin.db", NULL, &r, "central", "init", admin, "--outlet", code, "--name", name, "--role", role);
  if (r.status != 0)
    g_printerr ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
}

static void
import_paid (const char *db)
{
  g_autofree char *file = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                            "app-bj-person.json", NULL);
  g_auto(Run) imp = { 0 };
  g_auto(Run) check = { 0 };
  g_auto(Run) paid = { 0 };
  g_autofree char *id = NULL;

  run_cli (db, NULL, &imp, "application", "import", file);
  g_assert_cmpint (imp.status, ==, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, member (&imp, "id"));
  run_cli (db, NULL, &check, "application", "check", id);
  g_assert_cmpint (check.status, ==, 0);
  run_cli (db, NULL, &paid, "application", "pay", id, "--method", "bank-transfer", "--amount-fen", "21000");
  g_assert_cmpint (paid.status, ==, 0);
}

static gint64
local_int (const char *db, const char *sql)
{
  g_autofree char *path = g_build_filename (workdir, db, NULL);
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return v;
}

/* Whether any of the counter's files (the database, its WAL and journal) holds @needle. */
static gboolean
counter_files_hold (const char *db, const char *needle)
{
  static const char *const suffixes[] = { "", "-wal", "-journal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (workdir, "/", db, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize len;

      if (g_file_get_contents (path, &bytes, &len, NULL) && g_strstr_len (bytes, len, needle))
        return TRUE;
    }
  return FALSE;
}

/* The first line of a PEM file's body (base64 of the key itself). */
static char *
pem_body_line (const char *name)
{
  g_autofree char *path = pki_path (name);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "-----BEGIN"));
  g_assert_cmpuint (strlen (lines[1]), >, 40);
  return g_strdup (lines[1]);
}

/* Join and sync with sslmode=verify-full: the client certificate is the outlet's login (the role has no
 * password); the server saw TLS and the certificate's identity; the SQLite file holds no key and no
 * password. */
static void
test_join_sync (void)
{
  g_autofree char *url = tls_url ("outlet_tls_a", "localhost", NULL, "ca");
  g_autofree char *by_ip = tls_url ("outlet_tls_a", "127.0.0.1", NULL, "ca");
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autofree char *key_line = pem_body_line ("outlet_tls_a.key");
  g_autofree char *log = NULL;
  g_auto(Run) join = { 0 };
  g_auto(Run) sync = { 0 };
  g_auto(Run) again = { 0 };
  gint64 queued;

  add_outlet ("TA", "喀什地区服务网点", "outlet_tls_a");
  import_paid ("a.db");
  run_cli ("a.db", "outlet_tls_a", &join, "central", "join", url, "--outlet", "TA", "--name", "喀什 1号窗口");
  if (join.status != 0)
    g_printerr ("%s", join.err);
  g_assert_cmpint (join.status, ==, 0);
  queued = local_int ("a.db", "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL");
  g_assert_cmpint (queued, >, 0);
  run_cli ("a.db", "outlet_tls_a", &sync, "sync");
  if (sync.status != 0)
    g_printerr ("%s", sync.err);
  g_assert_cmpint (sync.status, ==, 0);
  g_assert_cmpint (member (&sync, "pushed"), ==, queued);
  g_assert_cmpint (member (&sync, "pending"), ==, 0);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE outlet_code = 'TA'"), ==,
                   queued);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'TA'"
                                          " AND state = 'paid'"), ==, 1);

  /* The same over 127.0.0.1 (the certificate's IP address entry), after one more application. */
  import_paid ("a.db");
  run_cli ("a.db", "outlet_tls_a", &again, "central", "join", by_ip, "--outlet", "TA", "--name", "喀什 1号窗口");
  g_assert_cmpint (again.status, ==, 0);
  {
    g_auto(Run) second = { 0 };
    run_cli ("a.db", "outlet_tls_a", &second, "sync");
    g_assert_cmpint (second.status, ==, 0);
    g_assert_cmpint (member (&second, "pushed"), >, 0);
    g_assert_cmpint (member (&second, "pending"), ==, 0);
  }
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'TA'"
                                          " AND state = 'paid'"), ==, 2);

  /* No password anywhere: the role has none, so the certificate is what let it in; the server logged the
   * certificate's identity and TLS for this role's connections (log_connections). */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM pg_authid WHERE rolname = 'outlet_tls_a'"
                                          " AND rolpassword IS NULL"), ==, 1);
  g_assert_true (g_file_get_contents (cd_test_pg_log (server), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "identity=\"CN=outlet_tls_a\" method=cert"));
  g_assert_nonnull (strstr (log, "user=outlet_tls_a database=postgres application_name=certdesk SSL enabled"));

  /* The counter's SQLite file holds the URL (the root certificate's path, no secret) and nothing of the key. */
  g_assert_cmpint (local_int ("a.db", "SELECT count(*) FROM setting WHERE key LIKE 'central.%'"
                                      " AND (value LIKE '%password%' OR value LIKE '%BEGIN%' OR value LIKE '%.key%')"),
                   ==, 0);
  g_assert_false (counter_files_hold ("a.db", "PRIVATE KEY"));
  g_assert_false (counter_files_hold ("a.db", key_line));
  g_assert_false (counter_files_hold ("a.db", "password="));
}

/* What the counter refuses, each with exit 5 and a sentence, and nothing joined or sent: a host name the
 * server's certificate does not name, a server certificate from another CA (the counter's root does not
 * sign it, or the server presents one signed elsewhere), no client certificate, another outlet's. */
static void
test_refusals (void)
{
  g_autofree char *wrong_host = tls_url ("outlet_tls_a", "db.wrong-name.example", "127.0.0.1", "ca");
  g_autofree char *other_root = tls_url ("outlet_tls_a", "localhost", NULL, "other-ca");
  g_autofree char *url = tls_url ("outlet_tls_a", "localhost", NULL, "ca");
  g_autofree char *set_wrong = NULL, *set_back = NULL;
  gint64 pending;

  /* Host name: the certificate is for localhost and 127.0.0.1; the counter asked for another name. */
  {
    g_auto(Run) r = { 0 };
    run_cli ("b.db", "outlet_tls_a", &r, "central", "join", wrong_host, "--outlet", "TA", "--name", "x");
    g_assert_cmpint (r.status, ==, 5);
    g_test_message ("refused: %s", r.err);
    g_assert_nonnull (strstr (r.err, "db.wrong-name.example"));
    g_assert_nonnull (strstr (r.err, "not for the host name in the URL"));
    g_assert_cmpint (local_int ("b.db", "SELECT count(*) FROM setting WHERE key LIKE 'central.%'"), ==, 0);
  }
  /* The counter trusts another CA than the one that signed the server's certificate. */
  {
    g_auto(Run) r = { 0 };
    run_cli ("b.db", "outlet_tls_a", &r, "central", "join", other_root, "--outlet", "TA", "--name", "x");
    g_assert_cmpint (r.status, ==, 5);
    g_test_message ("refused: %s", r.err);
    g_assert_nonnull (strstr (r.err, "not signed by the CA this counter trusts"));
    g_assert_cmpint (local_int ("b.db", "SELECT count(*) FROM setting WHERE key LIKE 'central.%'"), ==, 0);
  }
  /* A joined counter whose URL now names the wrong host: sync refuses, nothing is sent. */
  import_paid ("a.db");
  pending = local_int ("a.db", "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL");
  g_assert_cmpint (pending, >, 0);
  {
    g_auto(Run) r = { 0 };
    set_wrong = g_strdup_printf ("UPDATE setting SET value = '%s' WHERE key = 'central.url'", wrong_host);
    set_back = g_strdup_printf ("UPDATE setting SET value = '%s' WHERE key = 'central.url'", url);
    {
      g_autofree char *path = g_build_filename (workdir, "a.db", NULL);
      sqlite3 *raw = NULL;
      g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (raw, set_wrong, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (raw);
    }
    run_cli ("a.db", "outlet_tls_a", &r, "sync");
    g_assert_cmpint (r.status, ==, 5);
    g_test_message ("refused: %s", r.err);
    g_assert_nonnull (strstr (r.err, "not for the host name in the URL"));
    g_assert_cmpint (member (&r, "pending"), ==, pending);
    g_assert_cmpint (member (&r, "pushed"), ==, 0);
    {
      g_autofree char *path = g_build_filename (workdir, "a.db", NULL);
      sqlite3 *raw = NULL;
      g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (raw, set_back, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (raw);
    }
  }
  /* The server presents a certificate signed by another CA (the same names): refused until it is the CA's
   * own again. */
  cd_test_pg_set_tls (server, other_server);
  {
    g_auto(Run) r = { 0 };
    run_cli ("a.db", "outlet_tls_a", &r, "sync");
    g_assert_cmpint (r.status, ==, 5);
    g_test_message ("refused: %s", r.err);
    g_assert_nonnull (strstr (r.err, "not signed by the CA this counter trusts"));
    g_assert_cmpint (member (&r, "pending"), ==, pending);
  }
  cd_test_pg_set_tls (server, good_server);
  /* No client certificate: the server lets no one in without one (there is no password to fall back on). */
  {
    g_auto(Run) r = { 0 };
    run_cli ("a.db", NULL, &r, "sync");
    g_assert_cmpint (r.status, ==, 5);
    g_test_message ("refused: %s", r.err);
    g_assert_nonnull (strstr (r.err, "client certificate and none was presented"));
    g_assert_cmpint (member (&r, "pending"), ==, pending);
  }
  /* Outlet B's certificate cannot log in as outlet A's role. */
  {
    g_auto(Run) r = { 0 };
    run_cli ("a.db", "outlet_tls_b", &r, "sync");
    g_assert_cmpint (r.status, ==, 5);
    g_test_message ("refused: %s", r.err);
    g_assert_nonnull (strstr (r.err, "is not the database user's"));
    g_assert_nonnull (strstr (r.err, "outlet_tls_a"));
    g_assert_cmpint (member (&r, "pending"), ==, pending);
  }
  /* With the right certificate everything waiting goes out. */
  {
    g_auto(Run) r = { 0 };
    run_cli ("a.db", "outlet_tls_a", &r, "sync");
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (member (&r, "pushed"), ==, pending);
    g_assert_cmpint (member (&r, "pending"), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  CdTestPgOptions options = { 0 };
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("certdesk-central-tls-XXXXXX", NULL);
  pki = g_build_filename (workdir, "pki", NULL);
  g_assert_cmpint (g_mkdir (pki, 0700), ==, 0);
  make_pki ();
  options.tls_dir = good_server;
  options.settings = "-c log_connections=on";
  server = cd_test_pg_start_with (&options);
  g_test_add_func ("/central/tls/join-sync", test_join_sync);
  g_test_add_func ("/central/tls/refusals", test_refusals);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (good_server);
  g_free (other_server);
  g_free (pki);
  g_free (workdir);
  return rc;
}
