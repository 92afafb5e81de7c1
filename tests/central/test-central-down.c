/* test-central-down.c: what flows from the head office to the counters (issue 16 item 6, docs/central.md "From
 * the head office") against a real PostgreSQL 15 (cd-test-pg.h): prices and clerk accounts set by a head-office
 * role with `certdesk-cli central price|clerk`, pulled by `sync` into two counters (two SQLite files); which
 * price wins; a central account signs in at its own outlet's counter only; a joined counter makes no supervisor
 * of its own. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "cd-clerk-store.h"
#include "cd-context.h"
#include "cd-test-pg.h"

#define PASSWORD_A "Zentrale-2026!"

static CdTestPg *server;
static char *workdir;

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

/* certdesk-cli --db DB …, with @env ("NAME", "VALUE" pairs, NULL-terminated; may be NULL) added. */
static void
run_cli_env (const char *db, Run *r, const char *const *env, const char *const *args)
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
  g_subprocess_launcher_unsetenv (launcher, "CERTDESK_NEW_PASSWORD");
  for (guint i = 0; env && env[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->json = r->out && *r->out ? json_from_string (r->out, NULL) : NULL;
}

#define run_cli(db, r, ...) run_cli_env (db, r, NULL, (const char *const[]) { __VA_ARGS__, NULL })

static void
must (Run *r)
{
  if (r->status != 0)
    g_printerr ("%s", r->err);
  g_assert_cmpint (r->status, ==, 0);
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

/* The total of bj-gov's new certificate for a person, 1 year, as counter @db quotes it (shipped: 60 + 100 yuan). */
static gint64
quote_total (const char *db)
{
  g_auto(Run) r = { 0 };

  run_cli (db, &r, "fee", "--profile", "bj-gov", "--business", "new", "--applicant", "individual", "--years", "1");
  must (&r);
  return json_object_get_int_member (json_node_get_object (r.json), "total_fen");
}

/* Whether the medium's line of that quote carries @flag ("head_office_price" or "local_price"). */
static gboolean
medium_flag (const char *db, const char *flag)
{
  g_auto(Run) r = { 0 };
  JsonArray *items;

  run_cli (db, &r, "fee", "--profile", "bj-gov", "--business", "new", "--applicant", "individual", "--years", "1");
  must (&r);
  items = json_object_get_array_member (json_node_get_object (r.json), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);
      if (g_str_equal (json_object_get_string_member (o, "code"), "medium"))
        return json_object_get_boolean_member_with_default (o, flag, FALSE);
    }
  g_assert_not_reached ();
}

static gint64
sync_pulled (const char *db)
{
  g_auto(Run) r = { 0 };

  run_cli (db, &r, "sync");
  must (&r);
  return json_object_get_int_member (json_node_get_object (r.json), "pulled");
}

static void
hq (Run *r, const char *const *env, const char *const *args)
{
  g_autofree char *url = cd_test_pg_url (server, "head_office");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, "central");
  g_ptr_array_add (argv, (char *) args[0]);
  g_ptr_array_add (argv, (char *) args[1]);
  g_ptr_array_add (argv, url);
  for (guint i = 2; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  run_cli_env ("hq.db", r, env, (const char *const *) argv->pdata);
}

#define HQ(r, ...) hq (r, NULL, (const char *const[]) { __VA_ARGS__, NULL })
#define HQ_ENV(r, env, ...) hq (r, env, (const char *const[]) { __VA_ARGS__, NULL })

static void
test_setup (void)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_autoptr(PGconn) conn = cd_test_pg_connect (server, "certdesk_admin");
  const char *outlets[][3] = { { "A", "乌鲁木齐市服务网点", "outlet_a" }, { "B", "昌吉州服务网点", "outlet_b" } };

  for (guint i = 0; i < G_N_ELEMENTS (outlets); i++)
    {
      g_auto(Run) r = { 0 };
      run_cli ("admin.db", &r, "central", "init", admin, "--outlet", outlets[i][0], "--name", outlets[i][1],
               "--role", outlets[i][2]);
      must (&r);
    }
  /* --help is help (exit 0) for the head office's commands and the counter's clerk command. */
  {
    const char *const helps[][4] = { { "central", "price", "--help" }, { "central", "clerk", "--help" },
                                     { "clerk", "--help", NULL } };
    for (guint i = 0; i < G_N_ELEMENTS (helps); i++)
      {
        g_auto(Run) r = { 0 };
        run_cli_env ("admin.db", &r, NULL, helps[i]);
        g_assert_cmpint (r.status, ==, 0);
        g_assert_nonnull (strstr (r.out, "usage: certdesk-cli"));
      }
  }
  /* The head office's login: an ordinary role granted certdesk_head_office (docs/central.md). */
  g_assert_null (cd_test_pg_try (conn, "CREATE ROLE head_office LOGIN IN ROLE certdesk_head_office", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (outlets); i++)
    {
      g_autofree char *url = cd_test_pg_url (server, outlets[i][2]);
      g_autofree char *db = g_strdup_printf ("%s.db", outlets[i][0]);
      g_auto(Run) r = { 0 };
      run_cli (db, &r, "central", "join", url, "--outlet", outlets[i][0], "--name", outlets[i][0]);
      must (&r);
    }
}

/* A central price becomes the effective price of every counter; a counter's own price for that item is refused
 * and set aside, unless the head office allows local prices for it; clearing it brings the counter's back. */
static void
test_prices (void)
{
  g_autofree char *url_a = cd_test_pg_url (server, "outlet_a");
  g_autoptr(PGconn) conn = cd_test_pg_connect (server, "certdesk_admin");

  g_assert_cmpint (quote_total ("A.db"), ==, 16000);
  /* Counter A's own price for the medium before the head office sets one: it applies (120 yuan). */
  {
    g_auto(Run) r = { 0 };
    run_cli ("A.db", &r, "price", "set", "--profile", "bj-gov", "--business", "new", "--variant", "person",
             "--item", "medium", "--amount-fen", "12000");
    must (&r);
    g_assert_cmpint (quote_total ("A.db"), ==, 18000);
  }
  /* An outlet's database user cannot set a central price: the sentence says who can. */
  {
    g_auto(Run) r = { 0 };
    run_cli ("A.db", &r, "central", "price", "set", url_a, "--profile", "bj-gov", "--business", "new", "--variant",
             "person", "--item", "medium", "--amount-fen", "1");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Only the head office"));
    g_assert_null (strstr (r.err, "42501"));
    g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.hq_price"), ==, 0);
  }
  /* An item the profile does not have is refused before anything reaches the centre. */
  {
    g_auto(Run) r = { 0 };
    HQ (&r, "price", "set", "--profile", "bj-gov", "--business", "new", "--variant", "person", "--item", "nosuch",
        "--amount-fen", "100");
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "nosuch"));
  }
  /* The head office: the medium at 90 yuan. */
  {
    g_auto(Run) r = { 0 };
    HQ (&r, "price", "set", "--profile", "bj-gov", "--business", "new", "--variant", "person", "--item", "medium",
        "--amount-fen", "9000");
    must (&r);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (r.json), "prices")),
                      ==, 1);
  }
  g_assert_cmpint (quote_total ("A.db"), ==, 18000);   /* not pulled yet */
  g_assert_cmpint (sync_pulled ("A.db"), >=, 1);
  g_assert_cmpint (sync_pulled ("B.db"), >=, 1);
  /* The central price wins over A's own (which stays stored, set aside) and reaches B. */
  g_assert_cmpint (quote_total ("A.db"), ==, 15000);
  g_assert_cmpint (quote_total ("B.db"), ==, 15000);
  /* The quote says whose price it is (the fee step labels it the same way). */
  g_assert_true (medium_flag ("B.db", "head_office_price"));
  g_assert_false (medium_flag ("B.db", "local_price"));
  g_assert_cmpint (local_int ("A.db", "SELECT count(*) FROM price_override WHERE item = 'medium'"), ==, 1);
  g_assert_cmpint (local_int ("A.db", "SELECT count(*) FROM audit_log WHERE action = 'price.central'"), ==, 1);
  /* A round with nothing new pulls nothing of the head office's again. */
  g_assert_cmpint (sync_pulled ("A.db"), ==, 0);
  /* A counter's own price for it is now refused, naming the head office's amount. */
  {
    g_auto(Run) r = { 0 };
    run_cli ("B.db", &r, "price", "set", "--profile", "bj-gov", "--business", "new", "--variant", "person",
             "--item", "medium", "--amount-fen", "5000");
    g_assert_cmpint (r.status, !=, 0);
    g_assert_nonnull (strstr (r.err, "head office"));
    g_assert_nonnull (strstr (r.err, "90.00"));
    g_assert_cmpint (quote_total ("B.db"), ==, 15000);
  }
  /* Allowed locally: A's own 120 yuan wins again, B (none of its own) keeps the central 90. */
  {
    g_auto(Run) r = { 0 };
    HQ (&r, "price", "set", "--profile", "bj-gov", "--business", "new", "--variant", "person", "--item", "medium",
        "--amount-fen", "9000", "--allow-local");
    must (&r);
    sync_pulled ("A.db");
    sync_pulled ("B.db");
    g_assert_cmpint (quote_total ("A.db"), ==, 18000);
    g_assert_cmpint (quote_total ("B.db"), ==, 15000);
    g_assert_true (medium_flag ("A.db", "local_price"));
    g_assert_false (medium_flag ("A.db", "head_office_price"));
  }
  /* Cleared: B goes back to the shipped price; the history holds every change with who made it. */
  {
    g_auto(Run) r = { 0 };
    g_auto(Run) again = { 0 };
    HQ (&r, "price", "clear", "--profile", "bj-gov", "--business", "new", "--variant", "person", "--item", "medium");
    must (&r);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (r.json), "prices")),
                      ==, 0);
    HQ (&again, "price", "clear", "--profile", "bj-gov", "--business", "new", "--variant", "person", "--item",
        "medium");
    g_assert_cmpint (again.status, ==, 1);
    sync_pulled ("B.db");
    g_assert_cmpint (quote_total ("B.db"), ==, 16000);
    g_assert_cmpint (local_int ("B.db", "SELECT count(*) FROM central_price"), ==, 0);
    g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.hq_history WHERE tbl = 'hq_price'"
                                           " AND by_role = 'head_office'"), ==, 3);
  }
}

/* Opens counter @db as the GUI does (the store API, not the command line). */
static CdContext *
open_counter (const char *db)
{
  g_autofree char *path = g_build_filename (workdir, db, NULL);
  g_autoptr(GError) error = NULL;
  CdContext *ctx = cd_context_new (workdir, path, &error);

  g_assert_no_error (error);
  return ctx;
}

/* Clerk accounts: set at the head office with a password hash only; pulled by the counter of their outlet, where
 * they sign in; another outlet gets neither the account nor its hash; a move to another outlet disables it at the
 * first. A joined counter makes no supervisor of its own. */
static void
test_clerks (void)
{
  g_autoptr(PGconn) conn = cd_test_pg_connect (server, "certdesk_admin");
  g_autoptr(PGconn) as_b = cd_test_pg_connect (server, "outlet_b");
  const char *const env[] = { "CERTDESK_NEW_PASSWORD", PASSWORD_A, NULL };

  /* No password: refused (it never comes from the command line). */
  {
    g_auto(Run) r = { 0 };
    HQ (&r, "clerk", "add", "--login", "sup.a", "--name", "古丽娜尔", "--role", "supervisor", "--outlet", "A");
    g_assert_cmpint (r.status, ==, 2);
    g_assert_nonnull (strstr (r.err, "CERTDESK_NEW_PASSWORD"));
  }
  {
    g_auto(Run) r = { 0 };
    g_auto(Run) unknown = { 0 };
    g_auto(Run) taken = { 0 };
    HQ_ENV (&r, env, "clerk", "add", "--login", "sup.a", "--name", "古丽娜尔", "--role", "supervisor",
            "--outlet", "A");
    must (&r);
    HQ_ENV (&unknown, env, "clerk", "add", "--login", "x.y", "--name", "某人", "--role", "clerk", "--outlet", "Z");
    g_assert_cmpint (unknown.status, ==, 1);
    g_assert_nonnull (strstr (unknown.err, "no outlet “Z”"));
    HQ_ENV (&taken, env, "clerk", "add", "--login", "sup.a", "--name", "某人", "--role", "clerk", "--outlet", "B");
    g_assert_cmpint (taken.status, ==, 1);
    g_assert_nonnull (strstr (taken.err, "taken"));
    /* The list shows no hash; the centre holds a salted hash, never the password. */
    g_assert_null (strstr (r.out, "pbkdf2"));
    g_assert_null (strstr (r.out, PASSWORD_A));
  }
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.hq_clerk WHERE password_hash LIKE"
                                         " 'pbkdf2-sha256$%' AND password_hash NOT LIKE '%" PASSWORD_A "%'"), ==, 1);
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.hq_history WHERE tbl = 'hq_clerk'"
                                         " AND (new ? 'password_hash' OR old ? 'password_hash')"), ==, 0);
  /* Outlet B's role reads no account table, and the pull function gives it no hash of A's account. */
  {
    g_autofree char *state = cd_test_pg_try (as_b, "SELECT * FROM certdesk.hq_clerk", NULL);
    g_assert_cmpstr (state, ==, "42501");
    g_assert_cmpint (cd_test_pg_int (as_b, "SELECT count(*) FROM certdesk.hq_clerks_since(0)"
                                           " WHERE password_hash IS NOT NULL"), ==, 0);
  }
  g_assert_cmpint (sync_pulled ("A.db"), >=, 1);
  g_assert_cmpint (sync_pulled ("B.db"), >=, 0);
  g_assert_cmpint (local_int ("A.db", "SELECT count(*) FROM clerk WHERE login = 'sup.a' AND central = 1"
                                      " AND role = 'supervisor' AND enabled = 1"), ==, 1);
  g_assert_cmpint (local_int ("B.db", "SELECT count(*) FROM clerk WHERE login = 'sup.a'"), ==, 0);
  g_assert_cmpint (local_int ("A.db", "SELECT count(*) FROM audit_log WHERE action = 'clerk.central'"), ==, 1);
  /* Counter A: the central supervisor signs in with the head office's password; counter B does not know it. */
  {
    g_autoptr(CdContext) a = open_counter ("A.db");
    g_autoptr(CdContext) b = open_counter ("B.db");
    g_autoptr(GError) error = NULL;
    g_autoptr(CdClerk) me = NULL;
    gint64 id = 0;

    g_assert_true (cd_clerk_store_login (a, "sup.a", PASSWORD_A, &me, &error));
    g_assert_no_error (error);
    g_assert_true (me->central);
    g_assert_false (cd_clerk_store_login (b, "sup.a", PASSWORD_A, NULL, &error));
    g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_BAD_LOGIN);
    g_clear_error (&error);
    /* Joined: no supervisor made at the counter, nor a clerk promoted to one; a clerk may be. */
    g_assert_false (cd_clerk_store_add (a, "sup.local", "本地主管", CD_ROLE_SUPERVISOR, "local-pass-1", NULL, &error));
    g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
    g_assert_nonnull (strstr (error->message, "head office"));
    g_clear_error (&error);
    g_assert_true (cd_clerk_store_add (a, "clerk.local", "本地柜员", CD_ROLE_CLERK, "local-pass-1", &id, &error));
    g_assert_no_error (error);
    g_assert_false (cd_clerk_store_set_role (a, id, CD_ROLE_SUPERVISOR, &error));
    g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
    g_clear_error (&error);
    /* The head office's account: its password and role are changed there. */
    g_assert_false (cd_clerk_store_reset_password (a, me->id, "another-pass", &error));
    g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
    g_assert_nonnull (strstr (error->message, "head office"));
    g_clear_error (&error);
  }
  /* The counter's command line says the same: no supervisor here, a clerk yes (signed in as the central one). */
  {
    const char *const env_cli[] = { "CERTDESK_SUPERVISOR", "sup.a", "CERTDESK_PASSWORD", PASSWORD_A,
                                    "CERTDESK_NEW_PASSWORD", "local-pass-2", NULL };
    g_auto(Run) sup = { 0 };
    g_auto(Run) clerk = { 0 };
    JsonArray *list;
    gboolean seen = FALSE;

    run_cli_env ("A.db", &sup, env_cli, (const char *const[]) { "clerk", "add", "--login", "sup.cli", "--name",
                                                                 "命令行主管", "--role", "supervisor", NULL });
    g_assert_cmpint (sup.status, ==, 1);
    g_assert_nonnull (strstr (sup.err, "Supervisors come from the head office"));
    run_cli_env ("A.db", &clerk, env_cli, (const char *const[]) { "clerk", "add", "--login", "clerk.cli", "--name",
                                                                   "命令行柜员", "--role", "clerk", NULL });
    must (&clerk);
    list = json_object_get_array_member (json_node_get_object (clerk.json), "clerks");
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *c = json_array_get_object_element (list, i);
        if (g_str_equal (json_object_get_string_member (c, "login"), "sup.a"))
          seen = json_object_get_boolean_member (c, "head_office");
      }
    g_assert_true (seen);
  }
  g_assert_cmpint (local_int ("A.db", "SELECT count(*) FROM clerk WHERE role = 'supervisor'"), ==, 1);
  /* The account moves to outlet B with a new password: disabled at A, signs in at B with the new one. */
  {
    const char *const env2[] = { "CERTDESK_NEW_PASSWORD", "Changji-2026!", NULL };
    g_auto(Run) r = { 0 };
    HQ_ENV (&r, env2, "clerk", "set", "--login", "sup.a", "--outlet", "B", "--password");
    must (&r);
  }
  sync_pulled ("A.db");
  sync_pulled ("B.db");
  g_assert_cmpint (local_int ("A.db", "SELECT enabled FROM clerk WHERE login = 'sup.a'"), ==, 0);
  g_assert_cmpint (local_int ("B.db", "SELECT count(*) FROM clerk WHERE login = 'sup.a' AND enabled = 1"), ==, 1);
  {
    g_autoptr(CdContext) a = open_counter ("A.db");
    g_autoptr(CdContext) b = open_counter ("B.db");
    g_autoptr(GError) error = NULL;

    g_assert_false (cd_clerk_store_login (a, "sup.a", "Changji-2026!", NULL, &error));
    g_clear_error (&error);
    g_assert_false (cd_clerk_store_login (b, "sup.a", PASSWORD_A, NULL, &error));
    g_clear_error (&error);
    g_assert_true (cd_clerk_store_login (b, "sup.a", "Changji-2026!", NULL, &error));
    g_assert_no_error (error);
  }
  /* Disabled at the head office: B stops the sign-in after its next round. */
  {
    g_auto(Run) r = { 0 };
    g_autoptr(CdContext) b = NULL;
    g_autoptr(GError) error = NULL;

    HQ (&r, "clerk", "set", "--login", "sup.a", "--disable");
    must (&r);
    sync_pulled ("B.db");
    b = open_counter ("B.db");
    g_assert_false (cd_clerk_store_login (b, "sup.a", "Changji-2026!", NULL, &error));
    g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_DISABLED);
  }
  /* The counter's copy of the account goes back to the centre as outlet B's clerk row, without its hash. */
  g_assert_cmpint (cd_test_pg_int (conn, "SELECT count(*) FROM certdesk.clerk WHERE login = 'sup.a'"
                                         " AND outlet_code = 'B' AND NOT data ? 'password_hash'"), ==, 1);
}

/* The head office as a role (docs/central.md "The head office as a role"): set centrally with --role
 * head-office, pulled by its outlet's counter, stored there as a clerk row marked central = 2 (the local CHECK
 * predates the role) and read back as the head-office role; an unknown role names the four. */
static void
test_head_office_role (void)
{
  const char *const env[] = { "CERTDESK_NEW_PASSWORD", "Zongbu-2026!", NULL };
  g_auto(Run) r = { 0 };
  g_auto(Run) bad = { 0 };

  HQ_ENV (&r, env, "clerk", "add", "--login", "hq.zong", "--name", "总部甲", "--role", "head-office",
          "--outlet", "A");
  must (&r);
  g_assert_nonnull (strstr (r.out, "\"head-office\""));
  HQ_ENV (&bad, env, "clerk", "add", "--login", "hq.yi", "--name", "总部乙", "--role", "boss", "--outlet", "A");
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "head-office"));
  sync_pulled ("A.db");
  g_assert_cmpint (local_int ("A.db", "SELECT count(*) FROM clerk WHERE login = 'hq.zong' AND role = 'clerk'"
                                      " AND central = 2 AND enabled = 1"), ==, 1);
  {
    g_autoptr(CdContext) a = open_counter ("A.db");
    g_autoptr(GError) error = NULL;
    g_autoptr(CdClerk) me = NULL;

    g_assert_true (cd_clerk_store_login (a, "hq.zong", "Zongbu-2026!", &me, &error));
    g_assert_no_error (error);
    g_assert_cmpint (me->role, ==, CD_ROLE_HEAD_OFFICE);
    g_assert_true (me->central);
  }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  workdir = g_dir_make_tmp ("certdesk-central-down-XXXXXX", NULL);
  server = cd_test_pg_start ();
  g_test_add_func ("/central-down/setup", test_setup);
  g_test_add_func ("/central-down/prices", test_prices);
  g_test_add_func ("/central-down/clerks", test_clerks);
  g_test_add_func ("/central-down/head-office-role", test_head_office_role);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (workdir);
  return rc;
}
