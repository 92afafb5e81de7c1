/* test-central-escrow.c: unlock at any outlet without a shared SO PIN (issue 16 item 5), against a real
 * PostgreSQL 15 (cd-test-pg.h), SoftHSM2 keys and certdesk-cli. Counter A (outlet A) issues on a vendor's key:
 * the key's SO PIN becomes a random one, escrowed on A (encrypted, not in the SQLite file in clear) and, at sync,
 * in certdesk.key_escrow (pgcrypto; never in change_event). No role reads key_escrow or the secret directly
 * (42501). Counter B (outlet B) unlocks that key (the customer forgot the PIN): refused without a supervisor's
 * approval, for a clerk, for another outlet's supervisor, without a reason and for the head office's role;
 * released for B's supervisor with a reason, audited centrally (who, outlet, serial, reason) and once. Offline,
 * with no copy on B: a sentence saying what to do, and the key is unchanged. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cd-clerk-store.h"
#include "cd-context.h"
#include "cd-so-escrow-store.h"
#include "cd-test-pg.h"

#define SOFTHSM    "/usr/lib/softhsm/libsofthsm2.so"
#define SO_PIN     "87654321"
#define USER_PIN   "123456"        /* pki-ec.json: the fixed PIN of its keys */
#define FORGOTTEN  "777777"
#define LABEL      "DEMO-ESCROW"   /* a SoftHSM2 key keeps a label that starts with DEMO */
#define USCC       "91150100123456788B"
#define PASSWORD_A "sup-a-password-1"
#define PASSWORD_B "sup-b-password-1"
#define PASSWORD_C "clerk-b-password-1"
#define REASON     "客户忘记口令，持营业执照办理"

static CdTestPg *server;
static char *workdir;
static char *key_serial;
static char *escrowed_so_pin;
static char *cert_serial;

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
counter_dir (const char *counter)
{
  return g_build_filename (workdir, counter, NULL);
}

static char *
counter_db (const char *counter)
{
  return g_build_filename (workdir, counter, "certdesk.db", NULL);
}

/* Under AddressSanitizer, the commands that work on a key (accept, burn) run with full allocation stacks: libp11's
 * leaks through libcrypto are told apart by their own frames (tests/lsan.supp), which lie within 12 frames of
 * the allocation (rather than the default 30: the supervisor's password check allocates on every one of its
 * PBKDF2 rounds). The test process and the other commands run no PKCS#11 and keep the short stacks
 * (tests/central/meson.build): unwinding every allocation of the counters' setup, the syncs and the joins in
 * full was most of this test's time. */
static gboolean
works_on_key (const char *const *args)
{
  return g_str_equal (args[0], "accept") || g_str_equal (args[0], "burn");
}

/* certdesk-cli of counter @counter with @env ("NAME", "VALUE" pairs; CERTDESK_SO_PIN and CERTDESK_PASSWORD are
 * unset unless named). */
static void
run_env (const char *counter, const char *const *env, Run *r, const char *const *args)
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
  g_subprocess_launcher_unsetenv (launcher, "CERTDESK_SO_PIN");
  g_subprocess_launcher_unsetenv (launcher, "CERTDESK_PASSWORD");
  if (works_on_key (args) && g_getenv ("ASAN_OPTIONS"))
    {
      g_autofree char *full = g_strconcat (g_getenv ("ASAN_OPTIONS"),
                                           ":fast_unwind_on_malloc=0:malloc_context_size=12", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", full, TRUE);
    }
  for (guint i = 0; env && env[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->json = r->out && *r->out ? json_from_string (r->out, NULL) : NULL;
}

#define run_cli(counter, r, ...) run_env (counter, NULL, r, (const char *const[]) { __VA_ARGS__, NULL })

static int
run_tool (const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               NULL));
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static gboolean
key_takes_so (const char *so_pin)
{
  const char *argv[] = { "pkcs11-tool", "--module", SOFTHSM, "--token-label", LABEL, "--session-rw", "--login",
                         "--login-type", "so", "--so-pin", so_pin, "--list-objects", NULL };
  return run_tool (argv) == 0;
}

static gboolean
key_takes_user (const char *pin)
{
  const char *argv[] = { "pkcs11-tool", "--module", SOFTHSM, "--token-label", LABEL, "--login", "--pin", pin,
                         "--list-objects", NULL };
  return run_tool (argv) == 0;
}

/* The applicant forgot the PIN: the key's PIN is one nobody at the counter knows. */
static void
forget_pin (void)
{
  const char *argv[] = { "pkcs11-tool", "--module", SOFTHSM, "--token-label", LABEL, "--login", "--pin", USER_PIN,
                         "--change-pin", "--new-pin", FORGOTTEN, NULL };
  g_assert_cmpint (run_tool (argv), ==, 0);
}

static void
make_counter (const char *counter, const char *outlet, const char *name, const char *sup, const char *password)
{
  g_autofree char *dir = counter_dir (counter);
  g_autofree char *profiles = g_build_filename (dir, "profiles", NULL);
  g_autofree char *src = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "pki", "fixtures",
                                           "pki-ec.json", NULL);
  g_autofree char *dst = g_build_filename (profiles, "pki-ec.json", NULL);
  g_autofree char *db = counter_db (counter);
  g_autofree char *text = NULL;
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (profiles, 0700), ==, 0);
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_assert_true (g_file_set_contents (dst, text, len, NULL));
  if (sup == NULL)
    return;
  /* The outlet and its first supervisor, as the GUI's first start makes them. */
  ctx = cd_context_new (dir, db, &error);
  g_assert_no_error (error);
  g_assert_true (cd_clerk_store_setup (ctx, outlet, name, "新疆", sup, "主管", password, NULL, &error));
  g_assert_no_error (error);
  if (g_str_equal (counter, "B"))
    {
      g_autoptr(CdClerk) me = NULL;
      /* A clerk of B, who may not approve an unlock. */
      g_assert_true (cd_clerk_store_login (ctx, sup, password, &me, &error));
      g_assert_true (cd_clerk_store_add (ctx, "clerk_b", "柜员", CD_ROLE_CLERK, PASSWORD_C, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
add_outlet (const char *code, const char *name, const char *role)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) r = { 0 };

  run_cli ("admin", &r, "central", "init", admin, "--outlet", code, "--name", name, "--role", role);
  if (r.status != 0)
    g_printerr ("central init: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
}

static void
join (const char *counter, const char *code, const char *role)
{
  g_autofree char *url = cd_test_pg_url (server, role);
  g_auto(Run) r = { 0 };

  run_cli (counter, &r, "central", "join", url, "--outlet", code, "--name", code);
  if (r.status != 0)
    g_printerr ("join: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
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

/* The pki tests' application (tests/pki/fixtures/app-new.json) for @business, its fee paid. */
static char *
app_file (const char *name, const char *business, const char *serial)
{
  g_autofree char *src = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "pki", "fixtures",
                                           "app-new.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  char *path = g_build_filename (workdir, name, NULL);
  JsonObject *o;

  g_assert_true (json_parser_load_from_file (parser, src, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (o, "business", business);
  json_object_set_string_member (json_object_get_object_member (o, "unit"), "uscc", USCC);
  if (serial)
    {
      JsonObject *e = json_object_new ();
      json_object_set_string_member (e, "serial", serial);
      json_object_set_object_member (o, "existing_certificate", e);
    }
  /* A PIN unlock is free of charge. */
  if (g_str_equal (business, "unlock"))
    json_object_set_int_member (json_object_get_object_member (o, "payment"), "amount_fen", 0);
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, path, NULL));
  return path;
}

static char *
local_text (const char *counter, const char *sql)
{
  g_autofree char *dir = counter_dir (counter);
  g_autofree char *db = counter_db (counter);
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  ctx = cd_context_new (dir, db, &error);
  g_assert_no_error (error);
  g_assert_true (cd_store_prepare (cd_context_get_store (ctx), sql, &stmt, &error));
  return sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : NULL;
}

static void
assert_local (const char *counter, const char *sql, const char *want)
{
  g_autofree char *v = local_text (counter, sql);

  g_assert_cmpstr (v, ==, want);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

/* A issues on a vendor's key: the SO PIN is random, escrowed encrypted on A, and centrally after A syncs. */
static void
test_escrow_at_a (void)
{
  g_autofree char *app = app_file ("new.json", "new", NULL);
  g_autofree char *dir = counter_dir ("A");
  g_autofree char *db = counter_db ("A");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_auto(Run) r = { 0 };
  const char *const env[] = { "CERTDESK_SO_PIN", SO_PIN, NULL };
  JsonObject *burn;

  run_env ("A", env, &r, (const char *const[]) { "accept", app, "--module", SOFTHSM, "--token-label", LABEL, NULL });
  if (r.status != 0)
    g_printerr ("accept on A: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  burn = json_object_get_object_member (json_node_get_object (r.json), "burn");
  key_serial = g_strdup (json_object_get_string_member (json_object_get_object_member (burn, "token"), "serial"));
  cert_serial = g_strdup (json_object_get_string_member (burn, "certificate_serial"));
  g_assert_nonnull (key_serial);
  g_assert_null (strstr (r.out, SO_PIN));

  ctx = cd_context_new (dir, db, &error);
  g_assert_no_error (error);
  rows = cd_so_escrow_lookup (cd_context_get_store (ctx), key_serial, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  escrowed_so_pin = g_strdup (((CdSoEscrow *) rows->pdata[0])->so_pin);
  g_assert_cmpstr (escrowed_so_pin, !=, SO_PIN);
  g_assert_true (key_takes_so (escrowed_so_pin));
  g_assert_false (key_takes_so (SO_PIN));
  g_clear_object (&ctx);
  g_assert_false (file_contains (db, escrowed_so_pin));
  g_assert_false (file_contains (wal, escrowed_so_pin));

  sync_ok ("A");
  {
    g_autofree char *q = g_strdup_printf ("SELECT count(*) FROM certdesk.key_escrow WHERE token_serial = '%s'"
                                          " AND outlet_code = 'A'", key_serial);
    g_autofree char *clear = g_strdup_printf ("SELECT count(*) FROM certdesk.key_escrow"
                                              " WHERE position(convert_to('%s', 'UTF8') in so_pin_enc) > 0",
                                              escrowed_so_pin);
    g_autofree char *events = g_strdup_printf ("SELECT count(*) FROM certdesk.change_event"
                                               " WHERE row::text LIKE '%%%s%%'", escrowed_so_pin);
    g_assert_cmpint (cd_test_pg_int (admin, q), ==, 1);
    g_assert_cmpint (cd_test_pg_int (admin, clear), ==, 0);
    g_assert_cmpint (cd_test_pg_int (admin, events), ==, 0);
  }
  /* Sent once: the next round gives nothing again. */
  assert_local ("A", "SELECT count(*) FROM so_pin_escrow WHERE sent_at IS NULL", "0");
}

/* No CertDesk role reads the escrow or its secret directly; release_so_pin refuses what it must. */
static void
test_direct_refused (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autoptr(PGconn) a = cd_test_pg_connect (server, "outlet_a");
  g_autoptr(PGconn) b = cd_test_pg_connect (server, "outlet_b");
  g_autoptr(PGconn) ho = NULL;
  g_autofree char *state = NULL;
  g_autofree char *q = NULL;

  g_free (cd_test_pg_try (admin, "CREATE ROLE head_office LOGIN", NULL));
  g_assert_null (cd_test_pg_try (admin, "GRANT certdesk_head_office TO head_office", NULL));
  ho = cd_test_pg_connect (server, "head_office");
  for (guint i = 0; i < 3; i++)
    {
      PGconn *c = i == 0 ? a : i == 1 ? b : ho;
      g_autofree char *s1 = cd_test_pg_try (c, "SELECT * FROM certdesk.key_escrow", NULL);
      g_autofree char *s2 = cd_test_pg_try (c, "SELECT * FROM certdesk.escrow_secret", NULL);
      g_autofree char *s3 = cd_test_pg_try (c, "UPDATE certdesk.key_escrow SET outlet_code = 'B'", NULL);
      g_autofree char *s4 = cd_test_pg_try (c, "INSERT INTO certdesk.escrow_release (token_serial, outlet_code,"
                                               " db_role, supervisor_login, reason) VALUES ('x', 'A', 'x', 'x', 'x')",
                                            NULL);
      g_assert_cmpstr (s1, ==, "42501");
      g_assert_cmpstr (s2, ==, "42501");
      g_assert_cmpstr (s3, ==, "42501");
      g_assert_cmpstr (s4, ==, "42501");
    }
  /* The head office cannot call it; an outlet names no supervisor of its own, or no reason: refused. */
  q = g_strdup_printf ("SELECT certdesk.release_so_pin('%s', 'sup_b', '%s')", key_serial, REASON);
  state = cd_test_pg_try (ho, q, NULL);
  g_assert_cmpstr (state, ==, "42501");   /* no EXECUTE for the head office */
  g_clear_pointer (&q, g_free);
  g_clear_pointer (&state, g_free);
  q = g_strdup_printf ("SELECT certdesk.release_so_pin('%s', 'sup_a', '%s')", key_serial, REASON);
  state = cd_test_pg_try (b, q, NULL);
  g_assert_cmpstr (state, ==, "CDE03");   /* A's supervisor is not B's */
  g_clear_pointer (&q, g_free);
  g_clear_pointer (&state, g_free);
  q = g_strdup_printf ("SELECT certdesk.release_so_pin('%s', 'clerk_b', '%s')", key_serial, REASON);
  state = cd_test_pg_try (b, q, NULL);
  g_assert_cmpstr (state, ==, "CDE03");   /* a clerk is not a supervisor */
  g_clear_pointer (&q, g_free);
  g_clear_pointer (&state, g_free);
  q = g_strdup_printf ("SELECT certdesk.release_so_pin('%s', 'sup_b', ' ')", key_serial);
  state = cd_test_pg_try (b, q, NULL);
  g_assert_cmpstr (state, ==, "CDE02");
  /* Refusals release nothing and leave no release row. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.escrow_release"), ==, 0);
}

/* B unlocks A's key: refused without approval and for a clerk; released for B's supervisor and audited. */
static void
test_unlock_at_b (void)
{
  g_autofree char *app = app_file ("unlock.json", "unlock", cert_serial);
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autoptr(PGconn) a = cd_test_pg_connect (server, "outlet_a");
  g_auto(Run) first = { 0 };
  g_auto(Run) clerk = { 0 };
  g_auto(Run) wrong = { 0 };
  g_auto(Run) ok = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *from = NULL;
  const char *const clerk_env[] = { "CERTDESK_PASSWORD", PASSWORD_C, NULL };
  const char *const wrong_env[] = { "CERTDESK_PASSWORD", "not-the-password", NULL };
  const char *const sup_env[] = { "CERTDESK_PASSWORD", PASSWORD_B, NULL };

  sync_ok ("B");
  forget_pin ();
  /* No approval: the clerk is told a supervisor approves the unlock; the key is untouched. */
  run_cli ("B", &first, "accept", app, "--module", SOFTHSM, "--token-label", LABEL);
  g_test_message ("without approval: %s", first.err);
  g_assert_cmpint (first.status, !=, 0);
  g_assert_nonnull (strstr (first.err, "supervisor"));
  g_assert_true (key_takes_user (FORGOTTEN));
  id = local_text ("B", "SELECT max(id) FROM application");
  g_assert_nonnull (id);
  /* A clerk's approval, or a wrong password: refused at the counter, nothing asked centrally. */
  run_env ("B", clerk_env, &clerk, (const char *const[]) { "burn", "--id", id, "--module", SOFTHSM, "--token-label",
                                                           LABEL, "--unlock-supervisor", "clerk_b",
                                                           "--unlock-reason", REASON, NULL });
  g_assert_cmpint (clerk.status, !=, 0);
  run_env ("B", wrong_env, &wrong, (const char *const[]) { "burn", "--id", id, "--module", SOFTHSM, "--token-label",
                                                           LABEL, "--unlock-supervisor", "sup_b",
                                                           "--unlock-reason", REASON, NULL });
  g_assert_cmpint (wrong.status, !=, 0);
  g_assert_true (key_takes_user (FORGOTTEN));
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.escrow_release"), ==, 0);
  /* B's supervisor approves, with the reason: released, the key unlocked with the profile's PIN. */
  run_env ("B", sup_env, &ok, (const char *const[]) { "burn", "--id", id, "--module", SOFTHSM, "--token-label",
                                                      LABEL, "--unlock-supervisor", "sup_b", "--unlock-reason",
                                                      REASON, NULL });
  if (ok.status != 0)
    g_printerr ("unlock on B: %s", ok.err);
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_null (strstr (ok.out, escrowed_so_pin));
  g_assert_true (key_takes_user (USER_PIN));
  g_assert_true (key_takes_so (escrowed_so_pin));
  from = local_text ("B", "SELECT json_extract(detail, '$.so_pin') FROM audit_log WHERE action = 'token.unlock'");
  g_assert_cmpstr (from, ==, "escrow");
  /* Audited centrally, once: who, which outlet, which key, why. */
  {
    g_autofree char *q = g_strdup_printf ("SELECT count(*) FROM certdesk.escrow_release WHERE token_serial = '%s'"
                                          " AND outlet_code = 'B' AND db_role = 'outlet_b' AND supervisor_login ="
                                          " 'sup_b' AND reason = '%s' AND released_at > now() - interval '5 min'",
                                          key_serial, REASON);
    g_assert_cmpint (cd_test_pg_int (admin, q), ==, 1);
    g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.escrow_release"), ==, 1);
  }
  /* B's own release is B's to read; A sees none of it. */
  g_assert_cmpint (cd_test_pg_int (a, "SELECT count(*) FROM certdesk.escrow_release"), ==, 0);
  /* B keeps no copy of the SO PIN it was given. */
  assert_local ("B", "SELECT count(*) FROM so_pin_escrow", "0");
}

/* Offline with no copy on B: a sentence saying what to do; nothing changed on the key. */
static void
test_offline (void)
{
  g_autofree char *app = app_file ("unlock2.json", "unlock", cert_serial);
  g_autofree char *db = counter_db ("B");
  g_autofree char *url = local_text ("B", "SELECT value FROM setting WHERE key = 'central.url'");
  g_autofree char *dead = g_strdup_printf ("postgresql:///postgres?host=%s/nowhere&user=outlet_b", workdir);
  g_auto(Run) r = { 0 };
  g_auto(Run) id = { 0 };
  const char *const sup_env[] = { "CERTDESK_PASSWORD", PASSWORD_B, NULL };
  g_autofree char *set_dead = g_strdup_printf ("UPDATE setting SET value = '%s' WHERE key = 'central.url'", dead);
  g_autofree char *set_back = g_strdup_printf ("UPDATE setting SET value = '%s' WHERE key = 'central.url'", url);

  forget_pin ();
  {
    g_autofree char *dir = counter_dir ("B");
    g_autoptr(CdContext) ctx = NULL;
    g_autoptr(GError) error = NULL;

    ctx = cd_context_new (dir, db, &error);
    g_assert_true (cd_store_exec (cd_context_get_store (ctx), set_dead, &error));
    g_assert_no_error (error);
  }
  run_env ("B", sup_env, &r, (const char *const[]) { "accept", app, "--module", SOFTHSM, "--token-label", LABEL,
                                                     "--unlock-supervisor", "sup_b", "--unlock-reason", REASON,
                                                     NULL });
  g_test_message ("offline: %s", r.err);
  g_assert_cmpint (r.status, !=, 0);
  g_assert_nonnull (strstr (r.err, "kept in the central database, which cannot be reached now"));
  g_assert_nonnull (strstr (r.err, "call the head office"));
  g_assert_true (key_takes_user (FORGOTTEN));
  {
    g_autofree char *dir = counter_dir ("B");
    g_autoptr(CdContext) ctx = NULL;
    g_autoptr(GError) error = NULL;

    ctx = cd_context_new (dir, db, &error);
    g_assert_true (cd_store_exec (cd_context_get_store (ctx), set_back, &error));
  }
  (void) id;
}

int
main (int argc, char **argv)
{
  g_autofree char *softhsm_conf = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *conf = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("certdesk-escrow-XXXXXX", NULL);
  g_assert_nonnull (workdir);
  tokens = g_build_filename (workdir, "tokens", NULL);
  g_assert_cmpint (g_mkdir_with_parents (tokens, 0700), ==, 0);
  softhsm_conf = g_build_filename (workdir, "softhsm2.conf", NULL);
  conf = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
  g_assert_true (g_file_set_contents (softhsm_conf, conf, -1, NULL));
  g_setenv ("SOFTHSM2_CONF", softhsm_conf, TRUE);
  {
    const char *mk[] = { "softhsm2-util", "--init-token", "--free", "--label", LABEL, "--so-pin", SO_PIN, "--pin",
                         "000000", NULL };
    g_assert_cmpint (run_tool (mk), ==, 0);
  }
  server = cd_test_pg_start ();
  make_counter ("admin", NULL, NULL, NULL, NULL);
  make_counter ("A", "A", "乌鲁木齐网点", "sup_a", PASSWORD_A);
  make_counter ("B", "B", "昌吉网点", "sup_b", PASSWORD_B);
  add_outlet ("A", "乌鲁木齐网点", "outlet_a");
  add_outlet ("B", "昌吉网点", "outlet_b");
  join ("A", "A", "outlet_a");
  join ("B", "B", "outlet_b");
  sync_ok ("B");   /* B's supervisor and clerk reach the central clerk table */
  /* The steps build on each other: in order. */
  g_test_add_func ("/central/escrow/escrow-at-a", test_escrow_at_a);
  g_test_add_func ("/central/escrow/direct-refused", test_direct_refused);
  g_test_add_func ("/central/escrow/unlock-at-b", test_unlock_at_b);
  g_test_add_func ("/central/escrow/offline", test_offline);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  return rc;
}
