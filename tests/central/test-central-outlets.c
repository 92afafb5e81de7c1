/* test-central-outlets.c: any outlet serves any customer (issue 16 item 4). Two counters A and B (two SQLite files,
 * two data folders) join one real PostgreSQL (cd-test-pg.h); both issue through one CMP responder (the project's,
 * tests/pki/cd-cmp-responder.c: the CA's server every outlet shares) onto SoftHSM2 keys in a temporary folder. A
 * issues; both sync; B finds A's customer (customer find and the pre-flight's lookup) and replaces the
 * certificate: the CA revokes the old one (rr at the responder), B pushes a revocation record, and A, syncing,
 * marks its own certificate revoked. B renews A's other certificate inside its window (the clock moved); B offline
 * meets a serial it has never seen and says so in a sentence. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "cd-context.h"
#include "cd-preflight.h"
#include "cd-test-pg.h"

#define SOFTHSM  "/usr/lib/softhsm/libsofthsm2.so"
#define SO_PIN   "87654321"
#define USER_PIN "123456"        /* pki-ec.json: the fixed PIN of its keys */
#define SECRET   "cmp-test-secret"
#define USCC_1   "91150100123456788B"
#define USCC_2   "91150100234567894T"

static CdTestPg *server;
static char *workdir;
static char *cmp_dir;
static char *cmp_url;
static char *cmp_trust;
static GPid cmp_pid;

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

/* The counter's folder (its data folder; its database is certdesk.db in it). */
static char *
counter_dir (const char *counter)
{
  return g_build_filename (workdir, counter, NULL);
}

static char *
counter_db (const char *counter)
{
  return g_build_filename (workdir, counter, "certdesk.db", NULL);
}

/* certdesk-cli of counter @counter, the clock at @now (NULL: the real one). */
static void
run_cli_at (const char *counter, const char *now, Run *r, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = counter_db (counter);
  g_autofree char *dir = counter_dir (counter);

  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, dir);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "CERTDESK_SO_PIN", SO_PIN, TRUE);
  g_subprocess_launcher_setenv (launcher, "CERTDESK_CMP_SECRET", SECRET, TRUE);
  if (now)
    g_subprocess_launcher_setenv (launcher, "CERTDESK_NOW", now, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "CERTDESK_NOW");
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->json = r->out && *r->out ? json_from_string (r->out, NULL) : NULL;
}

#define run_cli(counter, r, ...) run_cli_at (counter, NULL, r, (const char *const[]) { __VA_ARGS__, NULL })

static char *
local_text (const char *counter, const char *sql)
{
  g_autofree char *path = counter_db (counter);
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  char *v = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0))
    v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return v;
}

static void
local_exec (const char *counter, const char *sql)
{
  g_autofree char *path = counter_db (counter);
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
}

static char *
read_text (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    text = g_strdup ("");
  return text;
}

/* The pki tests' application (tests/pki/fixtures/app-new.json) for @business, customer @uscc, paid its fee. */
static char *
app_file (const char *name, const char *business, const char *uscc, const char *unit_name, const char *serial,
          gint64 fee_fen)
{
  g_autofree char *src = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "pki", "fixtures",
                                           "app-new.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  char *path = g_build_filename (workdir, name, NULL);
  JsonObject *o, *unit;

  g_assert_true (json_parser_load_from_file (parser, src, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  unit = json_object_get_object_member (o, "unit");
  json_object_set_string_member (o, "business", business);
  json_object_set_string_member (unit, "uscc", uscc);
  if (unit_name)
    json_object_set_string_member (unit, "name", unit_name);
  if (serial)
    {
      JsonObject *e = json_object_new ();
      json_object_set_string_member (e, "serial", serial);
      json_object_set_object_member (o, "existing_certificate", e);
    }
  json_object_set_int_member (json_object_get_object_member (o, "payment"), "amount_fen", fee_fen);
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, path, NULL));
  return path;
}

static void
make_token (const char *label)
{
  g_autofree char *out = NULL, *err = NULL;
  int status;
  const char *argv[] = { "softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin",
                         "000000", NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* certdesk-cli accept APP on @counter, through the shared CMP responder, onto key @label. */
static void
accept (const char *counter, const char *now, const char *app, const char *label, Run *r)
{
  run_cli_at (counter, now, r, (const char *const[]) { "accept", app, "--module", SOFTHSM, "--token-label", label,
                                                       "--issuer", "cmp", "--cmp-server", cmp_url, "--cmp-trust",
                                                       cmp_trust, NULL });
  if (r->status != 0)
    g_printerr ("accept on %s: %s\n%s", counter, r->err, r->out);
  g_assert_cmpint (r->status, ==, 0);
}

static void
sync_ok (const char *counter)
{
  g_auto(Run) r = { 0 };

  run_cli (counter, &r, "sync");
  if (r.status != 0)
    g_printerr ("sync on %s: %s", counter, r.err);
  g_assert_cmpint (r.status, ==, 0);
}

static void
add_outlet (const char *code, const char *name, const char *role)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) r = { 0 };

  run_cli ("admin", &r, "central", "init", admin, "--outlet", code, "--name", name, "--role", role);
  g_assert_cmpint (r.status, ==, 0);
}

/* The CA's key set (docs/central.md), made by the head office's database (admin's), imported by each counter before
 * it joins: B reads A's sealed certificate (its PEM, to revoke it at the CA) as every deployed outlet does. */
static void
import_ca_keys (const char *counter)
{
  g_autofree char *file = g_build_filename (workdir, "ca-keys.cdx", NULL);
  g_auto(Run) r = { 0 };

  g_setenv ("CERTDESK_KEYS_PASSPHRASE", "the CA's test passphrase", TRUE);
  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_auto(Run) ex = { 0 };

      run_cli ("admin", &ex, "keys", "export", "--to", file);
      g_assert_cmpint (ex.status, ==, 0);
    }
  run_cli (counter, &r, "keys", "import", file);
  g_assert_cmpint (r.status, ==, 0);
}

static void
join (const char *counter, const char *code, const char *role)
{
  g_autofree char *url = cd_test_pg_url (server, role);
  g_auto(Run) r = { 0 };

  import_ca_keys (counter);
  run_cli (counter, &r, "central", "join", url, "--outlet", code, "--name", code);
  g_assert_cmpint (r.status, ==, 0);
}

static void
make_counter (const char *counter)
{
  g_autofree char *dir = counter_dir (counter);
  g_autofree char *profiles = g_build_filename (dir, "profiles", NULL);
  g_autofree char *src = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "pki", "fixtures",
                                           "pki-ec.json", NULL);
  g_autofree char *dst = g_build_filename (profiles, "pki-ec.json", NULL);
  g_autofree char *text = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (profiles, 0700), ==, 0);
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_assert_true (g_file_set_contents (dst, text, len, NULL));
}

/* The customer `customer find TEXT` on @counter lists from @outlet, with its certificates. */
static JsonObject *
found (Run *r, const char *counter, const char *text, const char *outlet)
{
  JsonArray *customers;
  JsonObject *hit = NULL;

  run_cli (counter, r, "customer", "find", text);
  g_assert_cmpint (r->status, ==, 0);
  customers = json_object_get_array_member (json_node_get_object (r->json), "customers");
  for (guint i = 0; i < json_array_get_length (customers); i++)
    {
      JsonObject *c = json_array_get_object_element (customers, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (c, "outlet", NULL), outlet) == 0)
        hit = c;
    }
  g_assert_nonnull (hit);
  return hit;
}

/* The pre-flight's lookup (what the business step lists) on @counter for a @business of the customer @uscc. */
static GPtrArray *
lookup (const char *counter, const char *now, const char *business, const char *uscc)
{
  g_autofree char *dir = counter_dir (counter);
  g_autofree char *db = counter_db (counter);
  g_autofree char *file = app_file ("lookup.json", business, uscc, NULL, NULL, 0);
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *certs;

  ctx = cd_context_new (dir, db, &error);
  g_assert_no_error (error);
  if (now)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (now, NULL);
      cd_store_set_now (cd_context_get_store (ctx), at);
    }
  app = cd_application_load_file (file, &error);
  g_assert_no_error (error);
  certs = cd_preflight_list_certificates (ctx, app, &error);
  g_assert_no_error (error);
  return certs;
}

static void
start_cmp (void)
{
  const char *argv[] = { PKI_CMP_RESPONDER, NULL, SECRET, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *port_file = NULL;
  g_autofree char *port = NULL;

  cmp_dir = g_build_filename (workdir, "cmp", NULL);
  g_assert_cmpint (g_mkdir_with_parents (cmp_dir, 0700), ==, 0);
  argv[1] = cmp_dir;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &cmp_pid,
                                &error));
  port_file = g_build_filename (cmp_dir, "port", NULL);
  for (int i = 0; i < 3000 && !g_file_test (port_file, G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  g_assert_true (g_file_get_contents (port_file, &port, NULL, NULL));
  g_strchomp (port);
  cmp_url = g_strdup_printf ("http://127.0.0.1:%s/pkix/", port);
  cmp_trust = g_build_filename (cmp_dir, "ca.pem", NULL);
}

/* A issues; both sync; B finds A's customer and replaces the certificate through the CA both use; B syncs, A
 * syncs: A's old certificate is revoked at the CA and in A's own records. */
static void
test_replace_elsewhere (void)
{
  g_autofree char *new_app = app_file ("a-new.json", "new", USCC_1, NULL, NULL, 30000);
  g_autofree char *serial = NULL, *state = NULL, *revoked = NULL, *asked = NULL, *b_state = NULL;
  g_autofree char *replace_app = NULL, *new_serial = NULL, *token = NULL, *audit = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_auto(Run) a_new = { 0 };
  g_auto(Run) find = { 0 };
  g_auto(Run) replace = { 0 };
  g_auto(Run) verify = { 0 };
  const CdPreflightCertificate *c;
  JsonObject *hit;
  JsonArray *hit_certs;

  make_token ("OUTLET-A-1");
  accept ("A", NULL, new_app, "OUTLET-A-1", &a_new);
  serial = local_text ("A", "SELECT serial FROM certificate WHERE state = 'issued'");
  g_assert_nonnull (serial);
  sync_ok ("A");
  sync_ok ("B");

  /* customer find on B: A's customer, with A's certificate. */
  hit = found (&find, "B", USCC_1, "A");
  hit_certs = json_object_get_array_member (hit, "certificates");
  g_assert_cmpuint (json_array_get_length (hit_certs), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hit_certs, 0), "serial"), ==,
                   serial);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hit_certs, 0), "state"), ==,
                   "issued");

  /* The business step's lookup on B, for a replacement: A's certificate, usable, named with A's outlet name. */
  certs = lookup ("B", NULL, "replace", USCC_1);
  g_assert_cmpuint (certs->len, ==, 1);
  c = certs->pdata[0];
  g_assert_cmpstr (c->serial, ==, serial);
  g_assert_cmpstr (c->outlet, ==, "乌鲁木齐网点");
  g_assert_null (c->problem);
  g_clear_pointer (&certs, g_ptr_array_unref);

  /* B replaces it (accept runs the pre-flight at check and pay, then the burn). */
  make_token ("OUTLET-B-1");
  replace_app = app_file ("b-replace.json", "replace", USCC_1, NULL, serial, 5000);
  accept ("B", NULL, replace_app, "OUTLET-B-1", &replace);
  new_serial = local_text ("B", "SELECT serial FROM certificate WHERE state = 'issued'");
  g_assert_nonnull (new_serial);
  g_assert_cmpstr (new_serial, !=, serial);
  /* The CA was told (one rr, for A's serial); B's copy says revoked before any sync. */
  asked = read_text (cmp_dir, "requests.txt");
  g_assert_nonnull (strstr (asked, "rr\n"));
  revoked = read_text (cmp_dir, "revoked.txt");
  {
    g_autofree char *up = g_ascii_strup (revoked, -1);
    g_autofree char *q = g_strdup_printf ("SELECT state FROM central_certificate WHERE serial = '%s'", serial);

    g_assert_nonnull (strstr (up, serial));
    b_state = local_text ("B", q);
  }
  g_assert_cmpstr (b_state, ==, "revoked");
  /* B cannot change A's row itself; A's row changes when A syncs. */
  state = local_text ("A", "SELECT state FROM certificate");
  g_assert_cmpstr (state, ==, "issued");
  g_clear_pointer (&state, g_free);

  sync_ok ("B");
  /* Centrally: B's revocation record, and A's certificate marked by it. */
  {
    g_autofree char *q = g_strdup_printf ("SELECT count(*) FROM certdesk.certificate WHERE data->>'serial' = '%s'"
                                          " AND state = 'revoked'", serial);
    g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.revocation WHERE outlet_code = 'B'"
                                            " AND state = 'revoked'"), ==, 1);
    g_assert_cmpint (cd_test_pg_int (admin, q), ==, 1);
  }
  sync_ok ("A");
  state = local_text ("A", "SELECT state || ':' || revoke_reason FROM certificate");
  g_assert_cmpstr (state, ==, "revoked:superseded");
  token = local_text ("A", "SELECT state FROM token");
  g_assert_cmpstr (token, ==, "retired");
  audit = local_text ("A", "SELECT actor || ' ' || action || ' ' || detail FROM audit_log"
                           " WHERE entity = 'certificate' ORDER BY id DESC LIMIT 1");
  g_assert_nonnull (audit);
  g_assert_true (g_str_has_prefix (audit, "outlet B certificate.state "));
  g_assert_nonnull (strstr (audit, "\"to\":\"revoked\""));
  run_cli ("A", &verify, "audit", "verify");
  g_assert_cmpint (verify.status, ==, 0);

  /* A's change travels back as A's own: after A syncs again, the central row is A's, still revoked. */
  sync_ok ("A");
  {
    g_autofree char *q = g_strdup_printf ("SELECT count(*) FROM certdesk.certificate WHERE data->>'serial' = '%s'"
                                          " AND state = 'revoked' AND outlet_code = 'A'", serial);
    g_assert_cmpint (cd_test_pg_int (admin, q), ==, 1);
  }
  /* The lookup on B now names A's certificate revoked (a sentence), and B's own new one as usable. */
  certs = lookup ("B", NULL, "unlock", USCC_1);
  g_assert_cmpuint (certs->len, ==, 2);
  c = certs->pdata[0];
  g_assert_cmpstr (c->serial, ==, new_serial);
  g_assert_null (c->outlet);
  c = certs->pdata[1];
  g_assert_cmpstr (c->serial, ==, serial);
  g_assert_nonnull (c->problem);
  g_assert_nonnull (strstr (c->problem, "revoked"));
}

/* B renews a certificate A issued, inside its renewal window (the clock moved to ten days before its end); the
 * key holding A's certificate is the one B renews. Too early, the pre-flight says from which day. */
static void
test_renew_elsewhere (void)
{
  g_autofree char *new_app = app_file ("a-new-2.json", "new", USCC_2, "内蒙古丙丁科技有限公司", NULL, 30000);
  g_autofree char *renew_app = app_file ("b-renew.json", "renew", USCC_2, "内蒙古丙丁科技有限公司", NULL, 26000);
  g_autofree char *serial = NULL, *not_after = NULL, *inside = NULL, *early = NULL, *renewed = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_auto(Run) a_new = { 0 };
  g_auto(Run) too_early = { 0 };
  g_auto(Run) renew = { 0 };
  const CdPreflightCertificate *c;

  make_token ("OUTLET-A-2");
  accept ("A", NULL, new_app, "OUTLET-A-2", &a_new);
  serial = local_text ("A", "SELECT serial FROM certificate WHERE state = 'issued' ORDER BY id DESC LIMIT 1");
  not_after = local_text ("A", "SELECT not_after FROM certificate WHERE state = 'issued' ORDER BY id DESC LIMIT 1");
  /* The burn initialised the key under a label of its own. */
  label = local_text ("A", "SELECT label FROM token ORDER BY id DESC LIMIT 1");
  g_assert_nonnull (label);
  sync_ok ("A");
  sync_ok ("B");
  end = g_date_time_new_from_iso8601 (not_after, NULL);
  g_assert_nonnull (end);
  at = g_date_time_add_days (end, -10);
  before = g_date_time_add_days (end, -60);
  inside = g_date_time_format_iso8601 (at);
  early = g_date_time_format_iso8601 (before);

  /* 60 days before the end, the window (30 days) is not open: the lookup and the check say so. */
  certs = lookup ("B", early, "renew", USCC_2);
  g_assert_cmpuint (certs->len, ==, 1);
  c = certs->pdata[0];
  g_assert_cmpstr (c->serial, ==, serial);
  g_assert_nonnull (c->problem);
  g_assert_nonnull (strstr (c->problem, "can be renewed from"));
  g_clear_pointer (&certs, g_ptr_array_unref);
  run_cli_at ("B", early, &too_early, (const char *const[]) { "accept", renew_app, "--module", SOFTHSM,
                                                              "--token-label", label, "--issuer", "cmp",
                                                              "--cmp-server", cmp_url, "--cmp-trust", cmp_trust,
                                                              "--pin", USER_PIN, NULL });
  g_assert_cmpint (too_early.status, ==, 1);
  g_assert_nonnull (strstr (too_early.err, "can be renewed from"));

  /* Ten days before: B renews on the key A issued. */
  certs = lookup ("B", inside, "renew", USCC_2);
  g_assert_cmpuint (certs->len, ==, 1);
  g_assert_null (((CdPreflightCertificate *) certs->pdata[0])->problem);
  run_cli_at ("B", inside, &renew, (const char *const[]) { "accept", renew_app, "--module", SOFTHSM,
                                                           "--token-label", label, "--issuer", "cmp",
                                                           "--cmp-server", cmp_url, "--cmp-trust", cmp_trust,
                                                           "--pin", USER_PIN, NULL });
  if (renew.status != 0)
    g_printerr ("renew: %s\n%s", renew.err, renew.out);
  g_assert_cmpint (renew.status, ==, 0);
  renewed = local_text ("B", "SELECT serial FROM certificate WHERE state = 'issued' ORDER BY id DESC LIMIT 1");
  g_assert_nonnull (renewed);
  g_assert_cmpstr (renewed, !=, serial);
  /* A renewal supersedes nothing before its end: A's certificate stays issued, no revocation record. */
  sync_ok ("B");
  sync_ok ("A");
  {
    g_autofree char *a_state = local_text ("A", "SELECT state FROM certificate ORDER BY id DESC LIMIT 1");
    g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");

    g_assert_cmpstr (a_state, ==, "issued");
    g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.revocation"), ==, 1);
  }
}

/* B revokes a certificate A issued (the revoke business, through the CA both use): the CA is told (rr), B's record
 * travels, and A's own row is revoked when A syncs. */
static void
test_revoke_elsewhere (void)
{
  g_autofree char *serial = local_text ("A", "SELECT c.serial FROM certificate c JOIN application a"
                                             " ON a.id = c.application_id JOIN applicant p ON p.id = a.applicant_id"
                                             " WHERE c.state = 'issued' AND p.uscc = '" USCC_2 "'");
  g_autofree char *app = NULL, *revoked = NULL, *up = NULL, *state = NULL;
  g_auto(Run) revoke = { 0 };

  g_assert_nonnull (serial);
  app = app_file ("b-revoke.json", "revoke", USCC_2, "内蒙古丙丁科技有限公司", serial, 0);
  accept ("B", NULL, app, "OUTLET-B-1", &revoke);
  revoked = read_text (cmp_dir, "revoked.txt");
  up = g_ascii_strup (revoked, -1);
  g_assert_nonnull (strstr (up, serial));
  sync_ok ("B");
  sync_ok ("A");
  {
    g_autofree char *q = g_strdup_printf ("SELECT state FROM certificate WHERE serial = '%s'", serial);
    state = local_text ("A", q);
  }
  g_assert_cmpstr (state, ==, "revoked");
}

/* B offline (its URL leads nowhere) meets a serial it has never seen: a sentence that says why and since when. A
 * serial of A's pulled before still passes offline. Joined and online, an unknown serial is unknown everywhere. */
static void
test_offline_unseen (void)
{
  g_autofree char *url = NULL;
  g_autofree char *unknown = app_file ("b-unknown.json", "replace", USCC_1, NULL, "0A1B2C3D4E5F", 5000);
  g_autofree char *last = NULL;
  g_auto(Run) online = { 0 };
  g_auto(Run) sync = { 0 };
  g_auto(Run) offline = { 0 };
  g_auto(Run) imp = { 0 };

  run_cli ("B", &online, "application", "import", unknown);
  g_assert_cmpint (online.status, ==, 0);
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           json_object_get_int_member (json_node_get_object (online.json), "id"));
    g_auto(Run) check = { 0 };

    run_cli ("B", &check, "application", "check", id);
    g_assert_cmpint (check.status, ==, 1);
    g_assert_nonnull (strstr (check.err, "$.existing_certificate.serial"));
    g_assert_nonnull (strstr (check.err, "at any other outlet"));
  }

  url = local_text ("B", "SELECT value FROM setting WHERE key = 'central.url'");
  local_exec ("B", "UPDATE setting SET value = 'postgresql://outlet_b@/postgres?host=/nonexistent-certdesk'"
                   " WHERE key = 'central.url'");
  run_cli ("B", &sync, "sync");
  g_assert_cmpint (sync.status, ==, 5);
  run_cli ("B", &imp, "application", "import", unknown);
  g_assert_cmpint (imp.status, ==, 0);
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           json_object_get_int_member (json_node_get_object (imp.json), "id"));
    run_cli ("B", &offline, "application", "check", id);
  }
  g_assert_cmpint (offline.status, ==, 1);
  g_assert_nonnull (strstr (offline.err, "0A1B2C3D4E5F"));
  g_assert_nonnull (strstr (offline.err, "was not issued at this outlet"));
  g_assert_nonnull (strstr (offline.err, "cannot reach the central database"));
  /* Since when: the last round that reached it, as HH:MM (the test's clock is the real one, zone UTC). */
  last = local_text ("B", "SELECT substr(value, 12, 5) FROM setting WHERE key = 'central.last_sync_ok'");
  g_assert_nonnull (last);
  g_assert_nonnull (strstr (offline.err, last));

  /* In Chinese, as the clerk reads it. */
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                         | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GSubprocess) proc = NULL;
    g_autofree char *db = counter_db ("B");
    g_autofree char *dir = counter_dir ("B");
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           json_object_get_int_member (json_node_get_object (imp.json), "id"));

    g_subprocess_launcher_setenv (launcher, "LANGUAGE", "zh_CN", TRUE);
    g_subprocess_launcher_setenv (launcher, "LC_ALL", "zh_CN.UTF-8", TRUE);
    proc = g_subprocess_launcher_spawn (launcher, NULL, g_getenv ("CERTDESK_CLI"), "--db", db, "--data-dir", dir,
                                        "application", "check", id, NULL);
    g_assert_nonnull (proc);
    g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, NULL));
    if (strstr (err, "该证书") == NULL && strstr (err, "不是本网点签发的") == NULL)
      g_test_message ("zh_CN not installed here? %s", err);
    else
      g_assert_nonnull (strstr (err, "无法连接中心数据库"));
  }
  {
    g_autofree char *restore = g_strdup_printf ("UPDATE setting SET value = '%s' WHERE key = 'central.url'", url);
    local_exec ("B", restore);
  }
  sync_ok ("B");
}

/* An application of customer USCC_1 with the unit's phone @phone (NULL: as it was), its address @address and the
 * agent's mobile @mobile, imported (a draft: saving it updates the counter's customer, the change that travels). */
static void
customer_change (const char *counter, const char *file, const char *phone, const char *address, const char *mobile)
{
  g_autofree char *path = app_file (file, "new", USCC_1, NULL, NULL, 30000);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_auto(Run) imp = { 0 };
  JsonObject *o;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (json_object_get_object_member (o, "agent"), "mobile", mobile);
  json_object_set_string_member (json_object_get_object_member (o, "unit"), "address", address);
  if (phone)
    json_object_set_string_member (json_object_get_object_member (o, "unit"), "phone", phone);
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, path, NULL));
  run_cli (counter, &imp, "application", "import", path);
  g_assert_cmpint (imp.status, ==, 0);
  g_usleep (20000);   /* the outbox stamps changes to the millisecond: later means later */
}

/* A member of the counter's customer USCC_1 as stored (a person's members sealed, issue 17; a unit's in the clear). */
static char *
customer_field (const char *counter, const char *json_path)
{
  g_autofree char *sql = g_strdup_printf ("SELECT json_extract(data, '%s') FROM applicant WHERE uscc = '" USCC_1 "'",
                                          json_path);
  return local_text (counter, sql);
}

/* The same company served at A and B is one customer centrally: the unit's phone changed at A and its address
 * changed at B both stand at both counters (a field a counter did not touch never overwrites the other's change);
 * when both change the address, the later change wins wherever it was pushed from, and every change is in the
 * history. The agent's mobile, sealed at each counter under that counter's row (issue 17), is left out: never
 * copied into the other counter's row, where it could not be opened. */
static void
test_later_wins (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  const char *old_mobile = "13812345678";   /* app-new.json's agent */
  const char *old_address = "呼和浩特市新城区";
  g_autofree char *a_phone = NULL, *a_address = NULL, *b_phone = NULL, *b_address = NULL;
  g_autofree char *b_mobile_before = NULL, *b_mobile_after = NULL;

  sync_ok ("A");
  sync_ok ("B");
  customer_change ("A", "a-phone.json", "0991-2345678", old_address, "13900001111");
  customer_change ("B", "b-address.json", NULL, "昌吉市延安北路1号", old_mobile);
  b_mobile_before = customer_field ("B", "$.agent.mobile");
  sync_ok ("A");
  sync_ok ("B");
  sync_ok ("A");
  a_phone = customer_field ("A", "$.unit.phone");
  a_address = customer_field ("A", "$.unit.address");
  b_phone = customer_field ("B", "$.unit.phone");
  b_address = customer_field ("B", "$.unit.address");
  b_mobile_after = customer_field ("B", "$.agent.mobile");
  g_assert_cmpstr (a_phone, ==, "0991-2345678");
  g_assert_cmpstr (b_phone, ==, "0991-2345678");
  g_assert_cmpstr (a_address, ==, "昌吉市延安北路1号");
  g_assert_cmpstr (b_address, ==, "昌吉市延安北路1号");
  g_assert_cmpstr (b_mobile_after, ==, b_mobile_before);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.customer_field WHERE customer_key ="
                                          " 'uscc:" USCC_1 "' AND ((path = 'unit.phone' AND outlet_code = 'A'"
                                          " AND value = '\"0991-2345678\"') OR (path = 'unit.address'"
                                          " AND outlet_code = 'B'))"), ==, 2);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.customer_history"
                                          " WHERE path LIKE 'agent.%' AND new::text LIKE '%cd1.%'"), ==, 0);
  /* Each counter's own applicant was changed by the other's field, audited as that outlet's. */
  {
    g_autofree char *audit = local_text ("B", "SELECT actor || ' ' || action || ' ' || detail FROM audit_log"
                                              " WHERE action = 'applicant.field' ORDER BY id DESC LIMIT 1");
    g_assert_nonnull (audit);
    g_assert_nonnull (strstr (audit, "outlet A applicant.field"));
    g_assert_nonnull (strstr (audit, "unit.phone"));
  }

  /* Both change the address: A first (not pushed yet), then B; B pushes first, A last. B's is the later change:
   * it stands, and A's older one is in the history as not taken. */
  customer_change ("A", "a-address.json", NULL, "乌鲁木齐市新华北路2号", "13900001111");
  customer_change ("B", "b-address-2.json", NULL, "昌吉市北京南路8号", old_mobile);
  sync_ok ("B");
  sync_ok ("A");
  sync_ok ("B");
  g_clear_pointer (&a_address, g_free);
  g_clear_pointer (&b_address, g_free);
  a_address = customer_field ("A", "$.unit.address");
  b_address = customer_field ("B", "$.unit.address");
  g_assert_cmpstr (a_address, ==, "昌吉市北京南路8号");
  g_assert_cmpstr (b_address, ==, "昌吉市北京南路8号");
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.customer_history WHERE path = 'unit.address'"
                                          " AND outlet_code = 'A' AND new = '\"乌鲁木齐市新华北路2号\"' AND NOT won"), ==, 1);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.customer_history WHERE path = 'unit.address'"
                                          " AND outlet_code = 'B' AND won"), ==, 2);
}

int
main (int argc, char **argv)
{
  g_autofree char *softhsm_conf = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *conf = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("certdesk-outlets-XXXXXX", NULL);
  g_assert_nonnull (workdir);
  tokens = g_build_filename (workdir, "tokens", NULL);
  g_assert_cmpint (g_mkdir_with_parents (tokens, 0700), ==, 0);
  softhsm_conf = g_build_filename (workdir, "softhsm2.conf", NULL);
  conf = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
  g_assert_true (g_file_set_contents (softhsm_conf, conf, -1, NULL));
  g_setenv ("SOFTHSM2_CONF", softhsm_conf, TRUE);
  server = cd_test_pg_start ();
  make_counter ("admin");
  make_counter ("A");
  make_counter ("B");
  add_outlet ("A", "乌鲁木齐网点", "outlet_a");
  add_outlet ("B", "昌吉网点", "outlet_b");
  join ("A", "A", "outlet_a");
  join ("B", "B", "outlet_b");
  start_cmp ();
  /* The steps build on each other: one counter pair, in order. */
  g_test_add_func ("/central/outlets/replace-elsewhere", test_replace_elsewhere);
  g_test_add_func ("/central/outlets/renew-elsewhere", test_renew_elsewhere);
  g_test_add_func ("/central/outlets/revoke-elsewhere", test_revoke_elsewhere);
  g_test_add_func ("/central/outlets/offline-unseen", test_offline_unseen);
  g_test_add_func ("/central/outlets/later-wins", test_later_wins);
  rc = g_test_run ();
  kill (cmp_pid, SIGTERM);
  waitpid (cmp_pid, NULL, 0);
  cd_test_pg_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  return rc;
}
