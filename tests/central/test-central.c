/* test-central.c: many outlets, one CA against a real PostgreSQL 15 (cd-test-pg.h): the central schema and its
 * migrations, two counters (two SQLite files) joining as outlets and syncing, a sync killed mid-push and
 * resumed, and row-level security between outlets. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "cd-test-pg.h"

static CdTestPg *server;
static char *workdir;

typedef struct {
  int        status;
  gboolean   killed;   /* ended by SIGKILL */
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

/* certdesk-cli --db DB …, with @env (NULL-terminated "NAME=VALUE" pairs, may be NULL) added; @kill_after_us > 0
 * sends SIGKILL that long after the start (unless it has ended). */
static void
run_cli_full (const char *db, Run *r, const char *const *env, gulong kill_after_us, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (workdir, db, NULL);

  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, workdir);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  for (guint i = 0; env && env[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  if (kill_after_us)
    {
      g_usleep (kill_after_us);
      g_subprocess_send_signal (proc, SIGKILL);
    }
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->killed = g_subprocess_get_if_signaled (proc) && g_subprocess_get_term_sig (proc) == SIGKILL;
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->json = r->out && *r->out ? json_from_string (r->out, NULL) : NULL;
}

#define run_cli(db, r, ...) run_cli_full (db, r, NULL, 0, (const char *const[]) { __VA_ARGS__, NULL })

static gint64
member (Run *r, const char *name)
{
  g_assert_nonnull (r->json);
  return json_object_get_int_member (json_node_get_object (r->json), name);
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
}

/* The number in the first column of @sql on the counter's SQLite file @db. */
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

static void
local_exec (const char *db, const char *sql)
{
  g_autofree char *path = g_build_filename (workdir, db, NULL);
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
}

/* The certificates of the one customer `customer find TEXT` on @db finds from @outlet. */
static JsonArray *
found_certificates (Run *r, const char *db, const char *text, const char *outlet)
{
  JsonArray *customers, *certs = NULL;

  run_cli (db, r, "customer", "find", text);
  g_assert_cmpint (r->status, ==, 0);
  customers = json_object_get_array_member (json_node_get_object (r->json), "customers");
  for (guint i = 0; i < json_array_get_length (customers); i++)
    {
      JsonObject *c = json_array_get_object_element (customers, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (c, "outlet", NULL), outlet) == 0)
        {
          g_assert_null (certs);
          certs = json_object_get_array_member (c, "certificates");
        }
    }
  g_assert_nonnull (certs);
  return certs;
}

static void
import (const char *db, const char *app, gboolean pay)
{
  g_autofree char *file = fixture (app);
  g_auto(Run) imp = { 0 };

  run_cli (db, &imp, "application", "import", file);
  g_assert_cmpint (imp.status, ==, 0);
  if (pay)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, member (&imp, "id"));
      g_auto(Run) check = { 0 };
      g_auto(Run) paid = { 0 };

      run_cli (db, &check, "application", "check", id);
      g_assert_cmpint (check.status, ==, 0);
      /* app-bj-person.json: bank transfer of its fee, 210 yuan. */
      run_cli (db, &paid, "application", "pay", id, "--method", "bank-transfer", "--amount-fen", "21000");
      g_assert_cmpint (paid.status, ==, 0);
    }
}

static void
add_outlet (const char *code, const char *name, const char *role)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) r = { 0 };

  run_cli ("admin.db", &r, "central", "init", admin, "--outlet", code, "--name", name, "--role", role);
  g_assert_cmpint (r.status, ==, 0);
}

/* The CA's key set of personal data (docs/central.md): made once by the head office (hq.db), imported by each
 * counter before it joins, so that every outlet finds and reads the customers of the others. */
static void
import_ca_keys (const char *db)
{
  g_autofree char *file = g_build_filename (workdir, "ca-keys.cdx", NULL);
  g_auto(Run) r = { 0 };

  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_auto(Run) ex = { 0 };

      run_cli ("hq.db", &ex, "keys", "export", "--to", file);
      g_assert_cmpint (ex.status, ==, 0);
    }
  run_cli (db, &r, "keys", "import", file);
  g_assert_cmpint (r.status, ==, 0);
}

static void
join (const char *db, const char *code, const char *role)
{
  g_autofree char *url = cd_test_pg_url (server, role);
  g_auto(Run) r = { 0 };

  import_ca_keys (db);
  run_cli (db, &r, "central", "join", url, "--outlet", code, "--name", code);
  g_assert_cmpint (r.status, ==, 0);
}

/* One sync round that must succeed; returns its JSON counts through @r. */
static void
sync_ok (const char *db, Run *r)
{
  run_cli (db, r, "sync");
  if (r->status != 0)
    g_printerr ("%s", r->err);
  g_assert_cmpint (r->status, ==, 0);
}

/* init creates the schema (every migration), init again applies nothing; each version is recorded once. */
static void
test_init (void)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_autoptr(PGconn) conn = cd_test_pg_connect (server, "certdesk_admin");
  g_auto(Run) first = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) password = { 0 };

  run_cli ("admin.db", &first, "central", "init", admin);
  g_assert_cmpint (first.status, ==, 0);
  /* Every migration applied, each recorded once (the number grows as migrations are added). */
  g_assert_cmpint (member (&first, "version"), >=, 1);
  g_assert_cmpint (member (&first, "applied"), ==, member (&first, "version"));
  run_cli ("admin.db", &again, "central", "init", admin);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_cmpint (member (&again, "applied"), ==, 0);
  g_assert_cmpint (member (&again, "version"), ==, member (&first, "version"));
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.schema_version"), ==, member (&first, "version"));
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'certdesk'"), >=, 12);
  /* A password in the URL is refused before anything connects. */
  run_cli ("admin.db", &password, "central", "init", "postgresql://certdesk_admin:secret@/postgres?host=/nowhere");
  g_assert_cmpint (password.status, ==, 1);
  g_assert_nonnull (strstr (password.err, "password"));
  /* --help is help (exit 0); an unknown subcommand a usage error (2). */
  {
    g_auto(Run) help = { 0 };
    g_auto(Run) unknown = { 0 };
    run_cli ("admin.db", &help, "central", "--help");
    g_assert_cmpint (help.status, ==, 0);
    g_assert_nonnull (strstr (help.out, "central join URL --outlet CODE"));
    run_cli ("admin.db", &unknown, "central", "bogus");
    g_assert_cmpint (unknown.status, ==, 2);
  }
  add_outlet ("A", "乌鲁木齐市服务网点", "outlet_a");
  add_outlet ("B", "昌吉州服务网点", "outlet_b");
  add_outlet ("C", "哈密市服务网点", "outlet_c");
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.outlet"), ==, 3);
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                                         " JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = 'certdesk_outlet'"
                                         " AND r.rolname IN ('outlet_a', 'outlet_b', 'outlet_c')"), ==, 3);
}

/* A counter that never joined works as before: no outbox rows, and sync says it has not joined (exit 2). */
static void
test_not_joined (void)
{
  g_auto(Run) s = { 0 };

  import ("alone.db", "app-bj-person.json", TRUE);
  run_cli ("alone.db", &s, "sync");
  g_assert_cmpint (s.status, ==, 2);
  g_assert_nonnull (strstr (s.err, "not joined"));
  g_assert_cmpint (local_int ("alone.db", "SELECT count(*) FROM sync_outbox"), ==, 0);
  g_assert_cmpint (local_int ("alone.db", "SELECT count(*) FROM application WHERE state = 'paid'"), ==, 1);
  /* customer find works on its own: this counter's customer, no outlet (it belongs to none yet). */
  {
    g_auto(Run) found = { 0 };
    JsonArray *customers;

    run_cli ("alone.db", &found, "customer", "find", "张三");
    g_assert_cmpint (found.status, ==, 0);
    customers = json_object_get_array_member (json_node_get_object (found.json), "customers");
    g_assert_cmpuint (json_array_get_length (customers), ==, 1);
    g_assert_true (json_object_get_null_member (json_array_get_object_element (customers, 0), "outlet"));
  }
}

/* Joining needs a URL without a password and the outlet's own database user. */
static void
test_join_refusals (void)
{
  g_autofree char *with_password = g_strdup_printf ("postgresql://outlet_a:secret@/postgres?host=/tmp");
  g_autofree char *other = cd_test_pg_url (server, "outlet_b");
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) pw = { 0 };
  g_auto(Run) wrong = { 0 };
  g_auto(Run) none = { 0 };

  run_cli ("refused.db", &pw, "central", "join", with_password, "--outlet", "A", "--name", "A");
  g_assert_cmpint (pw.status, ==, 1);
  g_assert_nonnull (strstr (pw.err, ".pgpass"));
  run_cli ("refused.db", &wrong, "central", "join", other, "--outlet", "A", "--name", "A");
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "outlet B's, not outlet A's"));
  run_cli ("refused.db", &none, "central", "join", admin, "--outlet", "A", "--name", "A");
  g_assert_cmpint (none.status, ==, 1);
  g_assert_nonnull (strstr (none.err, "belongs to no outlet"));
  g_assert_cmpint (local_int ("refused.db", "SELECT count(*) FROM setting WHERE key LIKE 'central.%'"), ==, 0);
}

/* The string member @name of @r's JSON (NULL when null or absent). */
static const char *
member_str (Run *r, const char *name)
{
  g_assert_nonnull (r->json);
  return json_object_get_string_member_with_default (json_node_get_object (r->json), name, NULL);
}

/* The CA's key set (docs/central.md): central init run from the head office's database (hq.db, whose key set the
 * counters import) publishes its id; init from another database keeps it and says so; join refuses a counter
 * sealed under another key set, saying what to do; --replace-keys changes it. */
static void
test_ca_keys (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autoptr(PGconn) a = cd_test_pg_connect (server, "outlet_a");
  g_autofree char *admin_url = cd_test_pg_url (server, "certdesk_admin");
  g_autofree char *url_a = cd_test_pg_url (server, "outlet_a");
  g_autofree char *hq_id = NULL, *other_id = NULL, *sql = NULL, *state = NULL;
  g_auto(Run) st = { 0 };
  g_auto(Run) st2 = { 0 };
  g_auto(Run) init = { 0 };
  g_auto(Run) kept = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) refused = { 0 };
  g_auto(Run) replaced = { 0 };
  g_auto(Run) back = { 0 };
  gint64 counters = cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.counter");

  run_cli ("hq.db", &st, "keys", "status");
  g_assert_cmpint (st.status, ==, 0);
  hq_id = g_strdup (member_str (&st, "key_id"));
  run_cli ("other-ca.db", &st2, "keys", "status");
  g_assert_cmpint (st2.status, ==, 0);
  other_id = g_strdup (member_str (&st2, "key_id"));
  g_assert_cmpstr (hq_id, !=, other_id);
  /* init from a folder with no database (admin.db above) published nothing and made no database. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.ca_keys"), ==, 0);
  {
    g_autofree char *admin_db = g_build_filename (workdir, "admin.db", NULL);
    g_assert_false (g_file_test (admin_db, G_FILE_TEST_EXISTS));
  }

  run_cli ("hq.db", &init, "central", "init", admin_url);
  g_assert_cmpint (init.status, ==, 0);
  g_assert_cmpint (member (&init, "applied"), ==, 0);
  g_assert_cmpstr (member_str (&init, "key_id"), ==, hq_id);
  sql = g_strdup_printf ("SELECT count(*) FROM certdesk.ca_keys WHERE key_id = '%s'", hq_id);
  g_assert_cmpint (cd_test_pg_int (admin, sql), ==, 1);
  /* Another database's init keeps the CA's key set and says which was not published. */
  run_cli ("other-ca.db", &kept, "central", "init", admin_url);
  g_assert_cmpint (kept.status, ==, 0);
  g_assert_cmpstr (member_str (&kept, "key_id"), ==, hq_id);
  g_assert_cmpstr (member_str (&kept, "key_id_not_published"), ==, other_id);
  g_assert_nonnull (strstr (kept.err, "--replace-keys"));
  g_assert_cmpint (cd_test_pg_int (admin, sql), ==, 1);
  run_cli ("admin.db", &bad, "central", "init", admin_url, "--key-id", "not-a-key-id");
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "16 hexadecimal digits"));
  /* Only the administrator writes it; an outlet reads it. */
  g_assert_cmpint (cd_test_pg_int (a, "SELECT count(*) FROM certdesk.ca_keys"), ==, 1);
  state = cd_test_pg_try (a, "UPDATE certdesk.ca_keys SET key_id = '0000000000000000'", NULL);
  g_assert_cmpstr (state, ==, "42501");

  /* A counter with its own key set (never imported the CA's): refused, told what to do, nothing joined. */
  run_cli ("stranger.db", &refused, "central", "join", url_a, "--outlet", "A", "--name", "A");
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "certdesk-cli keys import ca-keys.cdx"));
  g_assert_nonnull (strstr (refused.err, hq_id));
  g_assert_cmpint (local_int ("stranger.db", "SELECT count(*) FROM setting WHERE key LIKE 'central.%'"), ==, 0);
  g_assert_cmpint (local_int ("stranger.db", "SELECT count(*) FROM sync_outbox"), ==, 0);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.counter"), ==, counters);

  /* --replace-keys: the head office changed the CA's key set; then back to hq.db's for the tests after. */
  run_cli ("other-ca.db", &replaced, "central", "init", admin_url, "--replace-keys");
  g_assert_cmpint (replaced.status, ==, 0);
  g_assert_cmpstr (member_str (&replaced, "key_id"), ==, other_id);
  g_assert_cmpint (cd_test_pg_int (admin, sql), ==, 0);
  run_cli ("admin.db", &back, "central", "init", admin_url, "--key-id", hq_id, "--replace-keys");
  g_assert_cmpint (back.status, ==, 0);
  g_assert_cmpstr (member_str (&back, "key_id"), ==, hq_id);
  g_assert_cmpint (cd_test_pg_int (admin, sql), ==, 1);
}

/* The lookup in the central database itself (customer find --central): persons only through the blind indexes of
 * the typed text (their names, ID numbers and mobiles are sealed there), units by name and USCC in clear. */
static JsonArray *
central_find (Run *r, const char *db, const char *text, const char *url)
{
  if (url)
    run_cli (db, r, "customer", "find", text, "--central", "--url", url);
  else
    run_cli (db, r, "customer", "find", text, "--central");
  if (r->status != 0)
    g_printerr ("%s", r->err);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (r->json), "central"));
  return json_object_get_array_member (json_node_get_object (r->json), "customers");
}

static void
test_central_lookup (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autofree char *head_url = cd_test_pg_url (server, "head_office");
  const char *person[] = { "65010220000229001X", "６５０１０２２００００２２９００１x", "张三", "13912345678" };

  /* Nothing of A's person in clear centrally; the lookup's indexes are there, the sealed column's is gone. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.customer WHERE data::text LIKE"
                                          " '%65010220000229001X%' OR data::text LIKE '%张三%'"
                                          " OR data::text LIKE '%13912345678%'"), ==, 0);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'certdesk'"
                                          " AND indexname IN ('customer_id_number_bidx', 'customer_name_bidx',"
                                          " 'customer_mobile_bidx')"), ==, 3);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'certdesk'"
                                          " AND indexname = 'customer_id_number_idx'"), ==, 0);
  /* B (outlet B's role, the CA's key set) finds A's person by ID number (as typed, full-width too), whole name and
   * mobile: opened, with A's certificate. */
  for (guint i = 0; i < G_N_ELEMENTS (person); i++)
    {
      g_auto(Run) r = { 0 };
      JsonArray *found = central_find (&r, "b.db", person[i], NULL);
      JsonObject *c;

      g_assert_cmpuint (json_array_get_length (found), ==, 1);
      c = json_array_get_object_element (found, 0);
      g_assert_cmpstr (json_object_get_string_member (c, "outlet"), ==, "A");
      g_assert_cmpstr (json_object_get_string_member (c, "kind"), ==, "person");
      g_assert_cmpstr (json_object_get_string_member (c, "name"), ==, "张三");
      g_assert_cmpstr (json_object_get_string_member (c, "id_number"), ==, "65010220000229001X");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                         json_object_get_array_member (c, "certificates"), 0), "serial"), ==, "5A17E0001");
    }
  /* A person is not found by a part of the name (an index matches whole values only) … */
  {
    g_auto(Run) r = { 0 };
    g_assert_cmpuint (json_array_get_length (central_find (&r, "b.db", "张", NULL)), ==, 0);
  }
  /* … a unit by a fragment of its name and by its USCC, in clear, also from the other outlet. */
  {
    g_auto(Run) frag = { 0 };
    g_auto(Run) uscc = { 0 };
    JsonArray *found = central_find (&frag, "a.db", "草原建设", NULL);

    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (found, 0), "outlet"), ==, "B");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (found, 0), "name"), ==,
                     "内蒙古草原建设工程有限公司");
    found = central_find (&uscc, "a.db", "91150100MA0N4X2B2D", NULL);
    g_assert_cmpuint (json_array_get_length (found), ==, 1);
  }
  /* The head office's workstation (its own database holds the CA's key set) with the head office's login. */
  {
    g_auto(Run) r = { 0 };
    JsonArray *found = central_find (&r, "hq.db", "65010220000229001X", head_url);

    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (found, 0), "name"), ==, "张三");
  }
  /* A database with another key set asks the same: the clear ID number matches nothing (only its index would). */
  {
    g_auto(Run) r = { 0 };
    g_assert_cmpuint (json_array_get_length (central_find (&r, "stranger.db", "65010220000229001X", head_url)), ==,
                      0);
  }
  /* Not joined and no URL: a set-up question (exit 2); --url without --central: usage. */
  {
    g_auto(Run) r = { 0 };
    g_auto(Run) u = { 0 };
    run_cli ("alone.db", &r, "customer", "find", "张三", "--central");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "--url"));
    run_cli ("alone.db", &u, "customer", "find", "张三", "--url", head_url);
    g_assert_cmpint (u.status, ==, 2);
  }
}

/* Outlet A's role against outlet B's rows, and the head office's role (row-level security). */
static void
check_rls (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autoptr(PGconn) a = NULL;
  g_autoptr(PGconn) head = NULL;
  g_autofree char *state = NULL;
  gint64 rows = -1;

  a = cd_test_pg_connect (server, "outlet_a");
  /* Shared: A reads B's customers; owned: A does not see B's applications. */
  g_assert_cmpint (cd_test_pg_int (a, "SELECT count(*) FROM certdesk.customer WHERE outlet_code = 'B'"), ==, 1);
  g_assert_cmpint (cd_test_pg_int (a, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'B'"), ==, 0);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'B'"), ==, 1);
  /* A cannot change B's customer: the row is not A's to update (nothing changes) … */
  g_assert_null (cd_test_pg_try (a, "UPDATE certdesk.customer SET data = data || '{\"name\":\"改名\"}'"
                                    " WHERE outlet_code = 'B'", &rows));
  g_assert_cmpint (rows, ==, 0);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.customer WHERE outlet_code = 'B'"
                                          " AND name = '改名'"), ==, 0);
  /* … cannot hand its own rows to B, nor push a change in B's name: PostgreSQL refuses (42501). */
  state = cd_test_pg_try (a, "UPDATE certdesk.customer SET outlet_code = 'B' WHERE outlet_code = 'A'", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  state = cd_test_pg_try (a, "INSERT INTO certdesk.change_event (event_uuid, outlet_code, counter_uuid, seq, tbl,"
                             " record_uuid, local_id, op, row, at) SELECT gen_random_uuid(), 'B', uuid, 999999,"
                             " 'customer', gen_random_uuid(), 1, 'insert', '{\"name\":\"假\"}', now()"
                             " FROM certdesk.counter WHERE outlet_code = 'B'", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  state = cd_test_pg_try (a, "DELETE FROM certdesk.customer WHERE outlet_code = 'B'", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  /* A's own audit rows, the central anchor of its chain, cannot be changed even by A. */
  state = cd_test_pg_try (a, "UPDATE certdesk.audit_row SET data = data || '{\"actor\":\"someone\"}'"
                             " WHERE outlet_code = 'A'", NULL);
  g_assert_cmpstr (state, ==, "42501");
  g_clear_pointer (&state, g_free);
  /* The head office reads every outlet and writes nothing. */
  g_assert_null (cd_test_pg_try (admin, "CREATE ROLE head_office LOGIN IN ROLE certdesk_head_office", NULL));
  head = cd_test_pg_connect (server, "head_office");
  g_assert_cmpint (cd_test_pg_int (head, "SELECT count(DISTINCT outlet_code) FROM certdesk.application"), ==, 2);
  g_assert_cmpint (cd_test_pg_int (head, "SELECT count(*) FROM certdesk.payment"), ==, 1);
  state = cd_test_pg_try (head, "UPDATE certdesk.application SET seq = seq + 1", NULL);
  g_assert_cmpstr (state, ==, "42501");
}

/* central verify: every counter's chain intact as pushed; a central row changed afterwards is named. */
static void
check_central_verify (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autofree char *url = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) all = { 0 };
  g_auto(Run) own = { 0 };
  g_auto(Run) broken = { 0 };
  g_auto(Run) again = { 0 };
  JsonArray *counters;

  run_cli ("a.db", &all, "central", "verify", url);
  g_assert_cmpint (all.status, ==, 0);
  counters = json_object_get_array_member (json_node_get_object (all.json), "counters");
  g_assert_cmpuint (json_array_get_length (counters), ==, 2);
  /* Outlet A's own role (the counter's joined URL) sees only its own chain. */
  run_cli ("a.db", &own, "central", "verify");
  g_assert_cmpint (own.status, ==, 0);
  counters = json_object_get_array_member (json_node_get_object (own.json), "counters");
  g_assert_cmpuint (json_array_get_length (counters), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (counters, 0), "rows"), ==,
                   local_int ("a.db", "SELECT count(*) FROM audit_log"));
  /* Someone with the database's own rights edits A's second audit row: verify names the outlet and the row. */
  g_assert_null (cd_test_pg_try (admin, "CREATE TEMP TABLE kept AS SELECT uuid, data FROM certdesk.audit_row"
                                        " WHERE outlet_code = 'A' AND local_id = 2", NULL));
  g_assert_null (cd_test_pg_try (admin, "UPDATE certdesk.audit_row SET data = jsonb_set(data, '{actor}',"
                                        " '\"someone-else\"') WHERE outlet_code = 'A' AND local_id = 2", NULL));
  run_cli ("a.db", &broken, "central", "verify", url);
  g_assert_cmpint (broken.status, ==, 5);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (broken.json), "intact"));
  g_assert_nonnull (strstr (broken.err, "Outlet A's audit chain"));
  g_assert_nonnull (strstr (broken.err, "audit row 2 was changed"));
  g_assert_null (cd_test_pg_try (admin, "UPDATE certdesk.audit_row r SET data = k.data FROM kept k"
                                        " WHERE r.uuid = k.uuid", NULL));
  run_cli ("a.db", &again, "central", "verify", url);
  g_assert_cmpint (again.status, ==, 0);
}

/* A imports and pays, B imports; both sync; each sees the other's customer; the central database holds each
 * record once. */
static void
test_two_outlets (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_auto(Run) a1 = { 0 };
  g_auto(Run) b1 = { 0 };
  g_auto(Run) a2 = { 0 };
  g_auto(Run) idle = { 0 };
  gint64 a_rows;

  /* A has an application before it joins (the snapshot carries it) and pays it after (the triggers). */
  import ("a.db", "app-bj-person.json", FALSE);
  join ("a.db", "A", "outlet_a");
  g_assert_cmpint (local_int ("a.db", "SELECT count(*) FROM sync_outbox"), >=, 3);
  run_cli ("a.db", &a1, "application", "check", "1");
  g_assert_cmpint (a1.status, ==, 0);
  run_clear (&a1);
  a1 = (Run) { 0 };
  run_cli ("a.db", &a1, "application", "pay", "1", "--method", "bank-transfer", "--amount-fen", "21000");
  g_assert_cmpint (a1.status, ==, 0);
  g_assert_cmpint (local_int ("a.db", "SELECT count(*) FROM sync_outbox WHERE tbl = 'payment'"), ==, 1);
  a_rows = local_int ("a.db", "SELECT count(*) FROM sync_outbox");
  run_clear (&a1);
  a1 = (Run) { 0 };
  sync_ok ("a.db", &a1);
  g_assert_cmpint (member (&a1, "pushed"), ==, a_rows);
  g_assert_cmpint (member (&a1, "pending"), ==, 0);
  g_assert_cmpint (member (&a1, "pulled"), ==, 0);

  import ("b.db", "app-nmg-new.json", FALSE);
  join ("b.db", "B", "outlet_b");
  sync_ok ("b.db", &b1);
  g_assert_cmpint (member (&b1, "pending"), ==, 0);
  g_assert_cmpint (member (&b1, "pulled"), >=, 1);
  /* B now holds A's customer, with A's outlet code: the name and ID number sealed (docs/store.md), the blind
   * indexes beside them. */
  g_assert_cmpint (local_int ("b.db", "SELECT count(*) FROM central_customer WHERE outlet_code = 'A'"
                                      " AND id_number LIKE 'cd1.%' AND name LIKE 'cd1.%' AND id_number_bidx LIKE 'bi1.%'"
                                      " AND name_bidx LIKE 'bi1.%'"), ==, 1);
  g_assert_cmpint (local_int ("b.db", "SELECT count(*) FROM central_customer WHERE data LIKE '%张三%'"
                                      " OR data LIKE '%65010220000229001X%' OR data LIKE '%13912345678%'"), ==, 0);
  sync_ok ("a.db", &a2);
  g_assert_cmpint (member (&a2, "pulled"), >=, 1);
  g_assert_cmpint (local_int ("a.db", "SELECT count(*) FROM central_customer WHERE outlet_code = 'B'"), ==, 1);
  g_assert_cmpint (local_int ("a.db", "SELECT count(*) FROM central_customer WHERE outlet_code = 'A'"), ==, 0);

  /* Centrally: every change once, each application once, the payment with its amount in fen. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE outlet_code = 'A'"), ==,
                   a_rows);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application"), ==, 2);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT amount_fen FROM certdesk.payment WHERE outlet_code = 'A'"), ==,
                   21000);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'A'"
                                          " AND state = 'paid'"), ==, 1);
  /* The audit chain arrived row by row, in order, and no clerk's password hash left the counter. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.audit_row WHERE outlet_code = 'A'"), ==,
                   local_int ("a.db", "SELECT count(*) FROM audit_log"));
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE row ? 'password_hash'"),
                   ==, 0);

  /* A's key is burned (the certificate row as src/pki writes it: the trigger sees any writer), both sync: B finds
   * A's customer with the certificate, issued at A; A revokes it, both sync: B sees it revoked. */
  local_exec ("a.db", "INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after,"
                      " state, pem, day, at) VALUES ('5A17E0001', 1, 'CN=XJCA', 'CN=张三', '2026-01-31T00:00:00Z',"
                      " '2027-01-31T00:00:00Z', 'issued', '-----BEGIN CERTIFICATE-----', '2026-01-31',"
                      " '2026-01-31T01:00:00Z')");
  {
    g_auto(Run) pa = { 0 };
    g_auto(Run) pb = { 0 };
    g_auto(Run) found = { 0 };
    g_auto(Run) own = { 0 };
    JsonArray *certs;

    sync_ok ("a.db", &pa);
    g_assert_cmpint (member (&pa, "pushed"), ==, 1);
    sync_ok ("b.db", &pb);
    g_assert_cmpint (member (&pb, "pulled"), ==, 1);
    certs = found_certificates (&found, "b.db", "张三", "A");
    g_assert_cmpuint (json_array_get_length (certs), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certs, 0), "serial"), ==,
                     "5A17E0001");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certs, 0), "state"), ==, "issued");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certs, 0), "outlet"), ==, "A");
    /* On A, by the ID number as typed (a small x): its own customer under its own outlet code. */
    certs = found_certificates (&own, "a.db", "65010220000229001x", "A");
    g_assert_cmpuint (json_array_get_length (certs), ==, 1);
  }
  local_exec ("a.db", "UPDATE certificate SET state = 'revoked', revoked_at = '2026-02-01T02:00:00Z',"
                      " revoke_reason = 'keyCompromise' WHERE serial = '5A17E0001'");
  {
    g_auto(Run) pa = { 0 };
    g_auto(Run) pb = { 0 };
    g_auto(Run) found = { 0 };
    JsonArray *certs;

    sync_ok ("a.db", &pa);
    sync_ok ("b.db", &pb);
    g_assert_cmpint (member (&pb, "pulled"), ==, 1);
    certs = found_certificates (&found, "b.db", "65010220000229001X", "A");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certs, 0), "state"), ==,
                     "revoked");
    g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.certificate WHERE serial = '5A17E0001'"
                                            " AND state = 'revoked'"), ==, 1);
  }

  /* The triggers leave the audit chain as it was (their own inserts do not move the rowid it chains by), and
   * the joined counter's chain matches its central copy row for row. */
  {
    g_auto(Run) verify = { 0 };
    run_cli ("a.db", &verify, "audit", "verify");
    g_assert_cmpint (verify.status, ==, 0);
    g_assert_cmpint (member (&verify, "central_rows"), ==, local_int ("a.db", "SELECT count(*) FROM audit_log"));
  }

  /* Nothing new: a round pushes and pulls nothing. */
  sync_ok ("b.db", &idle);
  g_assert_cmpint (member (&idle, "pushed"), ==, 0);
  g_assert_cmpint (member (&idle, "pulled"), ==, 0);
  check_rls ();
  check_central_verify ();

  /* A's local tail cut off (the last audit row removed: what is left is a valid chain on its own): audit
   * verify catches it against the central copy, naming the row. */
  {
    g_auto(Run) cut = { 0 };
    gint64 last = local_int ("a.db", "SELECT max(id) FROM audit_log");
    g_autofree char *del = g_strdup_printf ("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = %"
                                            G_GINT64_FORMAT, last);

    local_exec ("a.db", del);
    run_cli ("a.db", &cut, "audit", "verify");
    g_assert_cmpint (cut.status, ==, 5);
    g_assert_cmpint (member (&cut, "first_bad_row"), ==, last);
    g_assert_nonnull (strstr (cut.err, "missing here: the local log was cut off"));
  }
}

/* The central count of counter @db's changes equals its outbox, each sequence once. */
static void
assert_nothing_lost_or_twice (PGconn *admin, const char *db)
{
  gint64 local = local_int (db, "SELECT count(*) FROM sync_outbox");

  g_assert_cmpint (local_int (db, "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL"), ==, 0);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE outlet_code = 'C'"), ==,
                   local);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(DISTINCT seq) FROM certdesk.change_event"
                                          " WHERE outlet_code = 'C'"), ==, local);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT max(seq) FROM certdesk.change_event WHERE outlet_code = 'C'"), ==,
                   local_int (db, "SELECT max(seq) FROM sync_outbox"));
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'C'"), ==,
                   local_int (db, "SELECT count(*) FROM application"));
}

/* SIGKILL after a batch is committed on the server and before it is marked sent here (the worst point), then at
 * random moments, then the server killed mid-round: each resume ends with every change centrally exactly once. */
static void
test_kill_resume (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  const char *const crash[] = { "CERTDESK_SYNC_BATCH", "3", "CERTDESK_TEST_CRASH_AT", "sync:pushed:2", NULL };
  const char *const small[] = { "CERTDESK_SYNC_BATCH", "1", NULL };
  g_auto(Run) killed = { 0 };
  g_auto(Run) resumed = { 0 };
  gint64 total;

  join ("c.db", "C", "outlet_c");
  for (int i = 0; i < 4; i++)
    import ("c.db", "app-bj-person.json", i % 2 == 0);
  total = local_int ("c.db", "SELECT count(*) FROM sync_outbox");
  g_assert_cmpint (total, >=, 12);
  run_cli_full ("c.db", &killed, crash, 0, (const char *const[]) { "sync", NULL });
  g_assert_true (killed.killed);
  /* Two batches are on the server, one is marked sent here. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE outlet_code = 'C'"), ==, 6);
  g_assert_cmpint (local_int ("c.db", "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL"), ==, total - 3);
  sync_ok ("c.db", &resumed);
  g_assert_cmpint (member (&resumed, "pushed"), ==, total - 3);
  g_assert_cmpint (member (&resumed, "pending"), ==, 0);
  assert_nothing_lost_or_twice (admin, "c.db");

  /* More work, then rounds killed at random moments of a one-row-per-batch push. */
  for (int i = 0; i < 3; i++)
    import ("c.db", "app-bj-person.json", TRUE);
  for (int i = 0; i < 4; i++)
    {
      g_auto(Run) r = { 0 };
      run_cli_full ("c.db", &r, small, (gulong) g_test_rand_int_range (20000, 150000),
                    (const char *const[]) { "sync", NULL });
      g_assert_true (r.killed || r.status == 0);
    }
  {
    g_auto(Run) last = { 0 };
    sync_ok ("c.db", &last);
    g_assert_cmpint (member (&last, "pending"), ==, 0);
  }
  assert_nothing_lost_or_twice (admin, "c.db");

  /* The server dies in the middle of a round (and comes back): the round fails or finishes, the next one
   * completes, and still every change is there once. */
  for (int i = 0; i < 3; i++)
    import ("c.db", "app-bj-person.json", TRUE);
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                         | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(PGconn) after = NULL;
    g_autofree char *path = g_build_filename (workdir, "c.db", NULL);
    g_auto(Run) last = { 0 };
    int status;

    g_subprocess_launcher_setenv (launcher, "CERTDESK_SYNC_BATCH", "1", TRUE);
    proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CERTDESK_CLI"), "--db", path, "--data-dir",
                                        workdir, "sync", NULL);
    g_assert_no_error (error);
    g_usleep ((gulong) g_test_rand_int_range (20000, 120000));
    cd_test_pg_crash_restart (server);
    g_assert_true (g_subprocess_wait (proc, NULL, &error));
    status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
    g_assert_true (status == 0 || status == 5);
    g_test_message ("the round the server died under %s", status == 5 ? "failed" : "had finished");
    sync_ok ("c.db", &last);
    g_assert_cmpint (member (&last, "pending"), ==, 0);
    after = cd_test_pg_connect (server, "certdesk_admin");
    assert_nothing_lost_or_twice (after, "c.db");
  }
}

/* A county outlet's line goes down: the counter keeps accepting, sync says it cannot reach the database (exit 5)
 * and what is waiting; back online, one round pushes everything, in the counter's order. */
static void
test_offline (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autofree char *url = cd_test_pg_url (server, "outlet_d");
  g_autofree char *restore = NULL;
  g_auto(Run) off = { 0 };
  g_auto(Run) back = { 0 };
  gint64 waiting;

  add_outlet ("D", "吐鲁番市服务网点", "outlet_d");
  join ("d.db", "D", "outlet_d");
  /* The line is down: the URL now leads to a socket folder that does not exist. */
  local_exec ("d.db", "UPDATE setting SET value = 'postgresql://outlet_d@/postgres?host=/nonexistent-certdesk'"
                      " WHERE key = 'central.url'");
  for (int i = 0; i < 5; i++)
    import ("d.db", "app-bj-person.json", TRUE);
  waiting = local_int ("d.db", "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL");
  g_assert_cmpint (waiting, >=, 5 * 5);
  /* Offline, audit verify still checks the local chain and says nothing of the central copy. */
  {
    g_auto(Run) verify = { 0 };
    run_cli ("d.db", &verify, "audit", "verify");
    g_assert_cmpint (verify.status, ==, 0);
    g_assert_false (json_object_has_member (json_node_get_object (verify.json), "central_rows"));
  }
  run_cli ("d.db", &off, "sync");
  g_assert_cmpint (off.status, ==, 5);
  g_assert_nonnull (strstr (off.err, "cannot be reached"));
  g_assert_cmpint (member (&off, "pending"), ==, waiting);
  g_assert_cmpint (member (&off, "pushed"), ==, 0);
  restore = g_strdup_printf ("UPDATE setting SET value = '%s' WHERE key = 'central.url'", url);
  local_exec ("d.db", restore);
  sync_ok ("d.db", &back);
  g_assert_cmpint (member (&back, "pushed"), ==, waiting);
  g_assert_cmpint (member (&back, "pending"), ==, 0);
  /* Every sequence from the first to the last, none missing, and each application in its last state. */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE outlet_code = 'D'"), ==,
                   waiting);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT max(seq) - min(seq) + 1 FROM certdesk.change_event"
                                          " WHERE outlet_code = 'D'"), ==, waiting);
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE outlet_code = 'D'"
                                          " AND state = 'paid'"), ==, 5);

  /* Rows sent more than 30 days ago leave the outbox at the next round; newer ones and the sequence stay. */
  local_exec ("d.db", "UPDATE sync_outbox SET sent_at = '2000-01-01T00:00:00Z' WHERE seq <= 10");
  {
    g_auto(Run) prune = { 0 };
    sync_ok ("d.db", &prune);
    g_assert_cmpint (local_int ("d.db", "SELECT count(*) FROM sync_outbox"), ==, waiting - 10);
    g_assert_cmpint (local_int ("d.db", "SELECT min(seq) FROM sync_outbox"), ==, 11);
  }
  import ("d.db", "app-bj-person.json", FALSE);
  g_assert_cmpint (local_int ("d.db", "SELECT min(seq) FROM sync_outbox WHERE sent_at IS NULL"), >, waiting);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("certdesk-central-XXXXXX", NULL);
  g_setenv ("CERTDESK_KEYS_PASSPHRASE", "the CA's test passphrase", TRUE);
  server = cd_test_pg_start ();
  g_test_add_func ("/central/init", test_init);
  g_test_add_func ("/central/not-joined", test_not_joined);
  g_test_add_func ("/central/join-refusals", test_join_refusals);
  g_test_add_func ("/central/ca-keys", test_ca_keys);
  g_test_add_func ("/central/two-outlets", test_two_outlets);
  g_test_add_func ("/central/lookup", test_central_lookup);
  g_test_add_func ("/central/kill-resume", test_kill_resume);
  g_test_add_func ("/central/offline", test_offline);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (workdir);
  return rc;
}
