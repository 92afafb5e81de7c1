/* test-central-report.c: the head office's report (`report --central`) against a real PostgreSQL 15
 * (cd-test-pg.h): two counters A and B join, import, pay and void (a paid application voided is a refund),
 * sync; the central report's figures per outlet equal each counter's own `report`, its totals their sum, each
 * application counted once however often it changed; --outlet filters; the CSV names outlets and businesses;
 * the PDF renders and passes qpdf --check; outlet A's login sees A alone. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cd-test-pg.h"

static CdTestPg *server;
static char *workdir;
static char *today;

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

/* certdesk-cli --db DB …, with @env (NULL-terminated "NAME", "VALUE" pairs, may be NULL) set. */
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
  for (guint i = 0; env && env[i]; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r->json = r->out && *r->out == '{' ? json_from_string (r->out, NULL) : NULL;
}

#define run_cli(db, r, ...) run_cli_env (db, r, NULL, (const char *const[]) { __VA_ARGS__, NULL })

static void
ok (Run *r)
{
  if (r->status != 0)
    g_printerr ("%s", r->err);
  g_assert_cmpint (r->status, ==, 0);
}

/* An application of xj-ggzy, which takes cash (its materials in hand; its price set at each counter). */
static const char ggzy_app[] =
  "{\"profile\": \"xj-ggzy\", \"business\": \"new\", \"applicant_type\": \"enterprise\", \"years\": 1,"
  " \"unit\": {\"name\": \"新疆天山交易服务有限公司\", \"uscc\": \"914403001922038216\"},"
  " \"legal_person\": {\"name\": \"阿依古丽\"},"
  " \"agent\": {\"name\": \"马强\", \"id_number\": \"150102199003071237\", \"mobile\": \"13999990000\"},"
  " \"materials\": {\"uscc_cert\": {\"copy\": true, \"stamped\": true, \"scans\": [\"a.jpg\"]},"
  " \"agent_id_full\": {\"copy\": true, \"original_seen\": true, \"stamped\": true, \"scans\": [\"b.jpg\"]},"
  " \"power_of_attorney\": {\"original_seen\": true, \"stamped\": true, \"scans\": [\"d.jpg\"]}}}";

#define GGZY_FEN 30000
#define BJ_FEN   21000

static void
set_ggzy_price (const char *db)
{
  g_auto(Run) r = { 0 };

  run_cli (db, &r, "price", "set", "--profile", "xj-ggzy", "--business", "new", "--variant", "standard", "--item",
           "cert", "--amount-fen", G_STRINGIFY (GGZY_FEN));
  ok (&r);
}

/* Imports an application on @db: paid by bank transfer it is app-bj-person.json (210 yuan, bj-gov takes bank
 * transfers only), otherwise (cash, WeChat, or unpaid with @method NULL) the xj-ggzy one above (300 yuan).
 * With @method it is checked and paid; with @void_reason voided afterwards. Returns its id. */
static char *
application (const char *db, const char *method, const char *void_reason)
{
  gboolean bj = g_strcmp0 (method, "bank-transfer") == 0;
  g_autofree char *file = NULL;
  g_auto(Run) imp = { 0 };
  char *id;

  if (bj)
    file = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", "app-bj-person.json", NULL);
  else
    {
      file = g_build_filename (workdir, "ggzy.json", NULL);
      g_assert_true (g_file_set_contents (file, ggzy_app, -1, NULL));
    }
  run_cli (db, &imp, "application", "import", file);
  ok (&imp);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_node_get_object (imp.json), "id"));
  if (method)
    {
      g_auto(Run) check = { 0 };
      g_auto(Run) pay = { 0 };

      run_cli (db, &check, "application", "check", id);
      ok (&check);
      run_cli (db, &pay, "application", "pay", id, "--method", method, "--amount-fen",
               bj ? G_STRINGIFY (BJ_FEN) : G_STRINGIFY (GGZY_FEN));
      ok (&pay);
    }
  if (void_reason)
    {
      g_auto(Run) v = { 0 };

      run_cli (db, &v, "application", "void", id, "--reason", void_reason);
      ok (&v);
    }
  return id;
}

static void
add_outlet (const char *code, const char *name, const char *role)
{
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_auto(Run) r = { 0 };

  run_cli ("admin.db", &r, "central", "init", admin, "--outlet", code, "--name", name, "--role", role);
  ok (&r);
}

/* The CA's key set of personal data (docs/central.md): made by the head office's workstation (hq.db), imported
 * by each counter before it joins, so that the head office opens the persons' names the counters sealed. */
static void
import_ca_keys (const char *db)
{
  g_autofree char *file = g_build_filename (workdir, "ca-keys.cdx", NULL);
  g_auto(Run) r = { 0 };

  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_auto(Run) ex = { 0 };

      run_cli ("hq.db", &ex, "keys", "export", "--to", file);
      ok (&ex);
    }
  run_cli (db, &r, "keys", "import", file);
  ok (&r);
}

static void
join_and_sync (const char *db, const char *code, const char *role)
{
  g_autofree char *url = cd_test_pg_url (server, role);
  g_auto(Run) j = { 0 };
  g_auto(Run) s = { 0 };

  import_ca_keys (db);
  run_cli (db, &j, "central", "join", url, "--outlet", code, "--name", code);
  ok (&j);
  run_cli (db, &s, "sync");
  ok (&s);
}

static void
sync_ok (const char *db)
{
  g_auto(Run) s = { 0 };

  run_cli (db, &s, "sync");
  ok (&s);
}

static JsonObject *
outlet_part (JsonObject *report, const char *code)
{
  JsonArray *outlets = json_object_get_array_member (report, "outlets");

  for (guint i = 0; i < json_array_get_length (outlets); i++)
    {
      JsonObject *o = json_array_get_object_element (outlets, i);
      if (g_str_equal (json_object_get_string_member (o, "code"), code))
        return o;
    }
  g_assert_not_reached ();
}

/* The members the counter's report and the central one share, figure for figure. */
static const char *const figures[] = {
  "applications", "certificates", "certificates_revoked", "keys", "keys_spoiled", "fees_by_profile",
  "fees_by_method", "fees_total_fen", "refunds_total_fen", "cash_expected_fen", "refunds", "voids", "waivers",
  "open", "adjustments", NULL
};

static void
assert_same_member (JsonObject *local, JsonObject *central, const char *name, const char *who)
{
  JsonNode *a = json_object_get_member (local, name), *b = json_object_get_member (central, name);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  if (!json_node_equal (a, b))
    {
      g_autofree char *ta = json_to_string (a, TRUE), *tb = json_to_string (b, TRUE);
      g_printerr ("%s: %s differs:\nthe counter's: %s\ncentral: %s\n", who, name, ta, tb);
      g_assert_not_reached ();
    }
}

static gint64
count_sum (JsonObject *r, const char *member, const char *field)
{
  JsonArray *a = json_object_get_array_member (r, member);
  gint64 n = 0;

  for (guint i = 0; i < json_array_get_length (a); i++)
    n += json_object_get_int_member (json_array_get_object_element (a, i), field);
  return n;
}

/* Each counter's own report equals its outlet's part of the central report, the total is their sum; in the
 * test's zone (UTC) and in China's (the period's bounds are local midnights). */
static void
check_against_counters (const char *zone)
{
  const char *const env[] = { "TZ", zone, NULL };
  g_autofree char *head = cd_test_pg_url (server, "head_office");
  g_auto(Run) a = { 0 };
  g_auto(Run) b = { 0 };
  g_auto(Run) c = { 0 };
  JsonObject *total;

  run_cli_env ("a.db", &a, env, (const char *const[]) { "report", "--date", today, NULL });
  ok (&a);
  run_cli_env ("b.db", &b, env, (const char *const[]) { "report", "--date", today, NULL });
  ok (&b);
  run_cli_env ("hq.db", &c, env, (const char *const[]) { "report", "--central", "--url", head, "--date", today,
                                                         "--format", "json", NULL });
  ok (&c);
  total = json_node_get_object (c.json);
  g_assert_true (json_object_get_boolean_member (total, "central"));
  g_assert_true (json_object_get_null_member (total, "outlet"));
  /* Every outlet, also C with nothing in the period. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (total, "outlets")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (outlet_part (total, "A"), "name"), ==, "乌鲁木齐市服务网点");
  for (guint i = 0; figures[i]; i++)
    {
      assert_same_member (json_node_get_object (a.json), outlet_part (total, "A"), figures[i], "outlet A");
      assert_same_member (json_node_get_object (b.json), outlet_part (total, "B"), figures[i], "outlet B");
    }
  g_assert_cmpint (json_object_get_int_member (outlet_part (total, "C"), "fees_total_fen"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (outlet_part (total, "C"), "applications")),
                    ==, 0);
  {
    static const char *const sums[] = { "fees_total_fen", "refunds_total_fen", "cash_expected_fen",
                                        "certificates_revoked", "keys_spoiled", NULL };
    for (guint i = 0; sums[i]; i++)
      g_assert_cmpint (json_object_get_int_member (total, sums[i]), ==,
                       json_object_get_int_member (json_node_get_object (a.json), sums[i])
                       + json_object_get_int_member (json_node_get_object (b.json), sums[i]));
  }
  g_assert_cmpint (count_sum (total, "applications", "count"), ==,
                   count_sum (json_node_get_object (a.json), "applications", "count")
                   + count_sum (json_node_get_object (b.json), "applications", "count"));
  g_assert_cmpint (count_sum (total, "applications", "voided"), ==,
                   count_sum (json_node_get_object (a.json), "applications", "voided")
                   + count_sum (json_node_get_object (b.json), "applications", "voided"));
  g_assert_cmpint (count_sum (total, "fees_by_method", "amount_fen"), ==, json_object_get_int_member (total,
                                                                                                      "fees_total_fen"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (total, "refunds")), ==,
                    json_array_get_length (json_object_get_array_member (json_node_get_object (a.json), "refunds"))
                    + json_array_get_length (json_object_get_array_member (json_node_get_object (b.json), "refunds")));
}

static void
test_report (void)
{
  g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
  g_autofree char *admin_url = cd_test_pg_url (server, "certdesk_admin");
  g_autofree char *head = cd_test_pg_url (server, "head_office");
  g_autofree char *a_voided = NULL;
  JsonObject *total;

  {
    g_auto(Run) init = { 0 };
    run_cli ("admin.db", &init, "central", "init", admin_url);
    ok (&init);
  }
  add_outlet ("A", "乌鲁木齐市服务网点", "outlet_a");
  add_outlet ("B", "昌吉州服务网点", "outlet_b");
  add_outlet ("C", "哈密市服务网点", "outlet_c");
  g_assert_null (cd_test_pg_try (admin, "CREATE ROLE head_office LOGIN IN ROLE certdesk_head_office", NULL));

  /* A: one paid before it joins (it travels in the join's snapshot), then after: paid by bank transfer,
   * paid in cash then voided (a refund), voided unpaid, and one left open (a draft). */
  set_ggzy_price ("a.db");
  set_ggzy_price ("b.db");
  g_free (application ("a.db", "cash", NULL));
  join_and_sync ("a.db", "A", "outlet_a");
  g_free (application ("a.db", "bank-transfer", NULL));
  a_voided = application ("a.db", "cash", "申请人放弃办理");
  g_free (application ("a.db", NULL, "信息填写错误"));
  g_free (application ("a.db", NULL, NULL));
  /* B: two paid in cash, one by WeChat voided (a refund of another method). */
  join_and_sync ("b.db", "B", "outlet_b");
  g_free (application ("b.db", "cash", NULL));
  g_free (application ("b.db", "cash", NULL));
  g_free (application ("b.db", "wechat", "重复受理"));
  sync_ok ("a.db");
  sync_ok ("b.db");

  /* Each application is one row however often it changed (import, check, pay, void: several events each). */
  g_assert_cmpint (cd_test_pg_int (admin, "SELECT count(*) FROM certdesk.change_event WHERE tbl = 'application'"),
                   >, 8);
  check_against_counters ("UTC");
  check_against_counters ("Asia/Shanghai");

  {
    g_auto(Run) c = { 0 };
    run_cli ("hq.db", &c, "report", "--central", "--url", head, "--date", today);
    ok (&c);
    total = json_node_get_object (c.json);
    g_assert_cmpint (count_sum (total, "applications", "count"), ==, 8);
    g_assert_cmpint (count_sum (total, "applications", "voided"), ==, 3);
    /* Paid at A: 300 cash, 210 by transfer, 300 cash refunded; at B: 300 and 300 cash, 300 by WeChat refunded.
     * Net of the refunds: 3 × 300 + 210, the cash 3 × 300. */
    g_assert_cmpint (json_object_get_int_member (total, "fees_total_fen"), ==, 3 * GGZY_FEN + BJ_FEN);
    g_assert_cmpint (json_object_get_int_member (total, "refunds_total_fen"), ==, 2 * GGZY_FEN);
    g_assert_cmpint (json_object_get_int_member (total, "cash_expected_fen"), ==, 3 * GGZY_FEN);
    /* A person's name, sealed on the counter (issue 17), opened with the CA's key set: never its ciphertext. */
    {
      g_autofree char *text = json_to_string (c.json, FALSE);
      g_assert_nonnull (strstr (text, "张三"));
      g_assert_null (strstr (text, "cd1."));
    }
    /* Open: the draft and the four paid ones not issued yet. */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (total, "open")), ==, 5);
    /* The refund names its application and reason; the profile is named, not only its id. */
    {
      JsonArray *refunds = json_object_get_array_member (total, "refunds");
      gboolean found = FALSE;
      for (guint i = 0; i < json_array_get_length (refunds); i++)
        {
          JsonObject *o = json_array_get_object_element (refunds, i);
          if (g_strcmp0 (json_object_get_string_member (o, "reason"), "申请人放弃办理") == 0)
            found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (o, "profile_name"), !=,
                           json_object_get_string_member (o, "profile"));
        }
      g_assert_true (found);
    }
  }

  /* --outlet: one outlet's figures, in total too. */
  {
    g_auto(Run) c = { 0 };
    g_auto(Run) a = { 0 };
    g_auto(Run) none = { 0 };

    run_cli ("hq.db", &c, "report", "--central", "--url", head, "--date", today, "--outlet", "B");
    ok (&c);
    run_cli ("b.db", &a, "report", "--date", today);
    ok (&a);
    total = json_node_get_object (c.json);
    g_assert_cmpstr (json_object_get_string_member (total, "outlet"), ==, "B");
    g_assert_cmpstr (json_object_get_string_member (total, "outlet_name"), ==, "昌吉州服务网点");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (total, "outlets")), ==, 1);
    /* B's part is B's report; the total is the same figures (its listed rows also name the outlet). */
    for (guint i = 0; figures[i]; i++)
      assert_same_member (json_node_get_object (a.json), outlet_part (total, "B"), figures[i], "--outlet B");
    {
      static const char *const sums[] = { "fees_total_fen", "refunds_total_fen", "cash_expected_fen", NULL };
      for (guint i = 0; sums[i]; i++)
        g_assert_cmpint (json_object_get_int_member (total, sums[i]), ==,
                         json_object_get_int_member (json_node_get_object (a.json), sums[i]));
      assert_same_member (json_node_get_object (a.json), total, "applications", "--outlet B in total");
      assert_same_member (json_node_get_object (a.json), total, "fees_by_method", "--outlet B in total");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                         json_object_get_array_member (total, "refunds"), 0), "outlet"), ==, "昌吉州服务网点");
    }
    run_cli ("hq.db", &none, "report", "--central", "--url", head, "--date", today, "--outlet", "NOPE");
    g_assert_cmpint (none.status, ==, 1);
    g_assert_nonnull (strstr (none.err, "no outlet “NOPE”"));
  }

  /* Outlet A's own login (the URL A joined with) reads A alone; asking it for B is refused in words. */
  {
    g_auto(Run) own = { 0 };
    g_auto(Run) other = { 0 };

    run_cli ("a.db", &own, "report", "--central", "--date", today);
    ok (&own);
    total = json_node_get_object (own.json);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (total, "outlets")), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (total, "outlet"), ==, "A");
    g_assert_cmpint (count_sum (total, "applications", "count"), ==, 5);
    run_cli ("a.db", &other, "report", "--central", "--date", today, "--outlet", "B");
    g_assert_cmpint (other.status, ==, 1);
    g_assert_nonnull (strstr (other.err, "outlet A's"));
    g_assert_nonnull (strstr (other.err, "not outlet B's"));
  }

  /* CSV: one row per application, names and labels rather than codes. */
  {
    g_auto(Run) csv = { 0 };
    g_auto(GStrv) lines = NULL;

    run_cli ("hq.db", &csv, "report", "--central", "--url", head, "--date", today, "--format", "csv");
    ok (&csv);
    g_assert_true (g_str_has_prefix (csv.out, "\xEF\xBB\xBF"));
    lines = g_strsplit (csv.out, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 8 + 1);   /* header, 8 applications, the empty tail */
    g_assert_nonnull (strstr (csv.out, "\"乌鲁木齐市服务网点\""));
    g_assert_nonnull (strstr (csv.out, "\"昌吉州服务网点\""));
    g_assert_nonnull (strstr (csv.out, "\"申请人放弃办理\""));
    g_assert_nonnull (strstr (csv.out, "\"张三\""));
    g_assert_null (strstr (csv.out, "cd1."));
    g_assert_nonnull (strstr (csv.out, "\"210.00\""));
    g_assert_nonnull (strstr (csv.out, "\"300.00\""));
    g_assert_null (strstr (csv.out, "\"bank-transfer\""));
    g_assert_null (strstr (csv.out, "\"cash\""));
    g_assert_null (strstr (csv.out, "\"xj-ggzy\""));
    g_assert_null (strstr (csv.out, "\"bj-gov\""));
    g_assert_null (strstr (csv.out, "\"voided\""));
    g_assert_null (strstr (csv.out, "\"new\""));
  }

  /* PDF: written, rendered by poppler, structurally sound for qpdf. */
  {
    g_autofree char *pdf = g_build_filename (workdir, "central.pdf", NULL);
    g_autofree char *png = g_build_filename (workdir, "central-page", NULL);
    g_autofree char *png1 = g_strconcat (png, "-1.png", NULL);
    g_auto(Run) r = { 0 };
    int status = -1;

    run_cli ("hq.db", &r, "report", "--central", "--url", head, "--date", today, "--format", "pdf", "--out", pdf);
    ok (&r);
    {
      const char *argv[] = { "qpdf", "--check", pdf, NULL };
      g_autofree char *out = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &out, NULL, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, "No syntax or stream encoding errors"));
    }
    {
      const char *argv[] = { "pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", pdf, png, NULL };
      g_autofree char *bytes = NULL;
      gsize len = 0;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                   &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_file_get_contents (png1, &bytes, &len, NULL));
      g_assert_cmpuint (len, >, 1000);
    }
    {
      const char *argv[] = { "pdftotext", "-l", "1", pdf, "-", NULL };
      g_autofree char *text = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &text, NULL, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (text, "全部受理点"));
    }
  }

  /* Certificates, keys and fees as the report's stored columns and covering indexes give them (central
   * migration 8), over rows loaded into outlet C as the bulk load of tests/bench does: a certificate and a
   * payment of the day whose application is of the day before (found by its UUID, not among the day's), an
   * application deleted on its counter (neither its certificate nor its payment counts), a payment of the
   * day before (not in the day's fees). */
  {
    g_autofree char *sql = g_strdup_printf (
      "INSERT INTO certdesk.counter (uuid, outlet_code, name) VALUES ('00000000-0000-4000-8000-00000000c0c0', 'C',"
      "  'C-1');"
      "CREATE TEMP TABLE t_app (n int, day text, business text, applicant_type text, deleted boolean);"
      "INSERT INTO t_app VALUES (1, '%1$s', 'new', 'enterprise', false), (2, '%1$s', 'new', 'person', false),"
      "  (3, '%1$s', 'replace', 'enterprise', false), (4, '%1$s', 'renew', 'enterprise', false),"
      "  (5, to_char('%1$s'::date - 1, 'YYYY-MM-DD'), 'change', 'enterprise', false),"
      "  (6, '%1$s', 'new', 'enterprise', true);"
      "INSERT INTO certdesk.application (uuid, outlet_code, counter_uuid, local_id, seq, deleted, data)"
      "  SELECT ('00000000-0000-4000-8000-0000000a000' || n)::uuid, 'C', '00000000-0000-4000-8000-00000000c0c0',"
      "    n, n, deleted, jsonb_build_object('id', n, 'number', 'C-' || n, 'state', 'closed', 'day', day,"
      "    'business', business, 'applicant_type', applicant_type, 'profile', 'xj-ggzy', 'clerk_id', 1)"
      "  FROM t_app;"
      "INSERT INTO certdesk.certificate (uuid, outlet_code, counter_uuid, local_id, seq, data)"
      "  SELECT ('00000000-0000-4000-8000-0000000c000' || n)::uuid, 'C', '00000000-0000-4000-8000-00000000c0c0',"
      "    n, 10 + n, jsonb_build_object('id', n, 'serial', 'C0' || n, 'state', 'issued', 'day', '%1$s',"
      "    'application_uuid', '00000000-0000-4000-8000-0000000a000' || n) FROM t_app;"
      "INSERT INTO certdesk.payment (uuid, outlet_code, counter_uuid, local_id, seq, data)"
      "  SELECT ('00000000-0000-4000-8000-0000000b000' || app)::uuid, 'C', '00000000-0000-4000-8000-00000000c0c0',"
      "    app, 20 + app, jsonb_build_object('id', app, 'application_uuid', '00000000-0000-4000-8000-0000000a000'"
      "    || app, 'method', method, 'amount_fen', fen, 'day', day)"
      "  FROM (VALUES (1, 'cash', 30000, '%1$s'), (2, 'wechat', 21000, '%1$s'), (5, 'cash', 10000, '%1$s'),"
      "    (6, 'cash', 99900, '%1$s'), (3, 'cash', 5000, to_char('%1$s'::date - 1, 'YYYY-MM-DD')))"
      "    AS v (app, method, fen, day);", today);
    g_auto(Run) c = { 0 };
    JsonObject *part;
    JsonArray *rows;
    static const char *const certs[][3] = {
      { "issued", "change", "1" }, { "issued", "new", "2" }, { "issued", "replace", "1" }, { "renewed", "renew", "1" } };
    static const char *const keys[][2] = { { "new", "2" }, { "replacement", "1" } };

    g_assert_null (cd_test_pg_try (admin, sql, NULL));
    run_cli ("hq.db", &c, "report", "--central", "--url", head, "--date", today, "--outlet", "C");
    ok (&c);
    part = outlet_part (json_node_get_object (c.json), "C");
    rows = json_object_get_array_member (part, "certificates");
    g_assert_cmpuint (json_array_get_length (rows), ==, G_N_ELEMENTS (certs));
    for (guint i = 0; i < G_N_ELEMENTS (certs); i++)
      {
        JsonObject *o = json_array_get_object_element (rows, i);
        g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, certs[i][0]);
        g_assert_cmpstr (json_object_get_string_member (o, "business"), ==, certs[i][1]);
        g_assert_cmpint (json_object_get_int_member (o, "count"), ==, g_ascii_strtoll (certs[i][2], NULL, 10));
      }
    rows = json_object_get_array_member (part, "keys");
    g_assert_cmpuint (json_array_get_length (rows), ==, G_N_ELEMENTS (keys));
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        JsonObject *o = json_array_get_object_element (rows, i);
        g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, keys[i][0]);
        g_assert_cmpint (json_object_get_int_member (o, "count"), ==, g_ascii_strtoll (keys[i][1], NULL, 10));
      }
    /* The total (one outlet asked) is the same. */
    assert_same_member (part, json_node_get_object (c.json), "certificates", "outlet C in total");
    assert_same_member (part, json_node_get_object (c.json), "keys", "outlet C in total");
    /* The day's applications: the four of the day not deleted. */
    g_assert_cmpint (count_sum (part, "applications", "count"), ==, 4);
    /* Fees of the day: 300 + 100 cash (the latter of yesterday's application), 210 by WeChat. */
    g_assert_cmpint (json_object_get_int_member (part, "fees_total_fen"), ==, 30000 + 10000 + 21000);
    g_assert_cmpint (json_object_get_int_member (part, "cash_expected_fen"), ==, 30000 + 10000);
    g_assert_cmpint (count_sum (part, "fees_by_method", "payments"), ==, 3);
    g_assert_cmpint (count_sum (part, "fees_by_profile", "amount_fen"), ==, 61000);
    g_assert_cmpint (json_object_get_int_member (part, "refunds_total_fen"), ==, 0);
  }
}

/* Without a URL a counter that never joined has no central database to read (exit 2); a server that cannot
 * be reached is exit 5; --url without --central is a usage error. */
static void
test_refusals (void)
{
  g_auto(Run) alone = { 0 };
  g_auto(Run) down = { 0 };
  g_auto(Run) stray = { 0 };
  g_autofree char *nowhere = g_strdup_printf ("postgresql://head_office@/postgres?host=%s/nowhere", workdir);

  run_cli ("alone.db", &alone, "report", "--central", "--date", today);
  g_assert_cmpint (alone.status, ==, 2);
  g_assert_nonnull (strstr (alone.err, "not joined"));
  run_cli ("alone.db", &down, "report", "--central", "--url", nowhere, "--date", today);
  g_assert_cmpint (down.status, ==, 5);
  g_assert_nonnull (strstr (down.err, "cannot be reached"));
  run_cli ("alone.db", &stray, "report", "--url", nowhere, "--date", today);
  g_assert_cmpint (stray.status, ==, 2);
}

int
main (int argc, char **argv)
{
  g_autoptr(GDateTime) now = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("CERTDESK_KEYS_PASSPHRASE", "the CA's test passphrase", TRUE);
  now = g_date_time_new_now_local ();
  today = g_date_time_format (now, "%Y-%m-%d");
  workdir = g_dir_make_tmp ("certdesk-central-report-XXXXXX", NULL);
  g_assert_nonnull (workdir);
  server = cd_test_pg_start ();
  g_test_add_func ("/central/report", test_report);
  g_test_add_func ("/central/report-refusals", test_refusals);
  rc = g_test_run ();
  cd_test_pg_stop (server);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (workdir);
  g_free (today);
  return rc;
}
