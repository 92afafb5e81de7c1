/* test-report.c: the report's figures against a hand-built day of applications. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-application-store.h"
#include "cd-report.h"
#include "cd-test-context.h"

static const char xj_renew[] =
  "{\"profile\":\"xj-fee-mgmt\",\"business\":\"renew\",\"applicant_type\":\"enterprise\",\"years\":2,"
  "\"unit\":{\"name\":\"新疆天池供水有限公司\",\"uscc\":\"914403001922038216\"},\"legal_person\":{\"name\":\"艾力\"},"
  "\"agent\":{\"name\":\"古丽\",\"id_number\":\"150102199003071237\",\"mobile\":\"13999990000\"},"
  "\"materials\":{\"agent_id\":{\"original_seen\":true,\"copy\":true,\"stamped\":true,\"scans\":[\"x.jpg\"]},"
  "\"existing_key\":{\"original_seen\":true}}}";

static CdApplication *
load (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);

  return cd_application_load_file (path, NULL);
}

static gint64
create (CdContext *ctx, CdApplication *app)
{
  gint64 id = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_application_store_create (ctx, app, TRUE, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
ok (gboolean res, GError *error)
{
  g_assert_no_error (error);
  g_assert_true (res);
}

static gint64
find_count (JsonArray *rows, const char *k1, const char *v1, const char *k2, const char *v2, const char *member)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (rows, i);
      if (g_str_equal (json_object_get_string_member (o, k1), v1)
          && (!k2 || g_str_equal (json_object_get_string_member (o, k2), v2)))
        return json_object_get_int_member (o, member);
    }
  return -1;
}

static void
build_day (CdContext *ctx)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-11-20T10:00:00Z", NULL);
  g_autoptr(CdApplication) nmg = load ("app-nmg-new.json");
  g_autoptr(CdApplication) bj = load ("app-bj-person.json");
  g_autoptr(CdApplication) ggzy = load ("app-ggzy-new.json");
  g_autoptr(CdApplication) xj = cd_application_from_data (xj_renew, -1, NULL);
  GError *error = NULL;
  gint64 a, b, c, d, e;

  cd_store_set_now (store, now);
  g_assert_true (cd_store_exec (store, "INSERT INTO outlet (id, code, name, created_at) VALUES (1, 'HH01', '呼和浩特受理点', 'x');"
                                       "INSERT INTO clerk (id, outlet_id, login, name, role, password_hash, created_at)"
                                       " VALUES (7, 1, 'boss', '主管', 'supervisor', 'x', 'x')", NULL));
  cd_context_set_outlet_id (ctx, 1);
  a = create (ctx, nmg);
  ok (cd_application_store_check (ctx, a, &error), error);
  ok (cd_application_store_pay (ctx, a, CD_PAYMENT_WECHAT, 30000, 30000, TRUE, &error), error);
  ok (cd_application_store_transition (ctx, a, CD_STATE_PRINTED, NULL, &error), error);
  /* the key work is another module's: a certificate row as it records one */
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO certificate (serial, application_id, issuer, subject, not_before,"
                                            " not_after, state, pem, day, at) VALUES ('0A1B', %" G_GINT64_FORMAT
                                            ", 'local', 'CN=x', 'a', 'b', 'issued', 'pem', '2026-11-20', 'x')", a);
    g_assert_true (cd_store_exec (store, sql, NULL));
  }
  ok (cd_application_store_transition (ctx, a, CD_STATE_ISSUED, NULL, &error), error);
  ok (cd_application_store_transition (ctx, a, CD_STATE_CLOSED, NULL, &error), error);
  b = create (ctx, bj);
  ok (cd_application_store_check (ctx, b, &error), error);
  ok (cd_application_store_pay (ctx, b, CD_PAYMENT_BANK_TRANSFER, 21000, 21000, FALSE, &error), error);
  c = create (ctx, bj);
  ok (cd_application_store_void (ctx, c, "applicant left", &error), error);
  d = create (ctx, xj);
  ok (cd_application_store_check (ctx, d, &error), error);
  ok (cd_application_store_pay (ctx, d, CD_PAYMENT_CASH, 20000, 25000, FALSE, &error), error);
  e = create (ctx, ggzy);
  cd_context_set_actor (ctx, "clerk:boss", 7);
  ok (cd_application_store_waive (ctx, e, "power_of_attorney", "legal person phoned in", &error), error);
  /* another day's payment must not count */
  {
    g_autoptr(GDateTime) next = g_date_time_new_from_iso8601 ("2026-11-21T10:00:00Z", NULL);
    g_autoptr(CdApplication) bj2 = load ("app-bj-person.json");
    gint64 f;

    cd_store_set_now (store, next);
    f = create (ctx, bj2);
    ok (cd_application_store_check (ctx, f, &error), error);
    ok (cd_application_store_pay (ctx, f, CD_PAYMENT_BANK_TRANSFER, 21000, 21000, FALSE, &error), error);
  }
}

static void
test_day (CdTestContext *t, gconstpointer data)
{
  CdReportQuery q = { "2026-11-20", "2026-11-20", 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *r;

  build_day (t->ctx);
  node = cd_report_build (t->ctx, &q, &error);
  g_assert_no_error (error);
  r = json_node_get_object (node);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "applications"), "business", "new", "applicant_type",
                               "individual", "count"), ==, 2);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "applications"), "business", "new", "applicant_type",
                               "individual", "voided"), ==, 1);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "applications"), "business", "new", "applicant_type",
                               "enterprise", "count"), ==, 2);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "applications"), "business", "new", "applicant_type",
                               "enterprise", "completed"), ==, 1);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "applications"), "business", "renew", "applicant_type",
                               "enterprise", "count"), ==, 1);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "fees_by_method"), "method", "wechat", NULL, NULL,
                               "amount_fen"), ==, 30000);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "fees_by_method"), "method", "cash", NULL, NULL,
                               "amount_fen"), ==, 20000);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "fees_by_method"), "method", "bank-transfer", NULL, NULL,
                               "amount_fen"), ==, 21000);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "fees_by_profile"), "profile", "bj-gov", NULL, NULL,
                               "payments"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (r, "fees_total_fen"), ==, 71000);
  g_assert_cmpint (json_object_get_int_member (r, "cash_expected_fen"), ==, 20000);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "certificates"), "kind", "issued", NULL, NULL, "count"), ==, 1);
  g_assert_cmpint (find_count (json_object_get_array_member (r, "keys"), "kind", "new", NULL, NULL, "count"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "voids")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (r, "voids"), 0),
                                                  "reason"), ==, "applicant left");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "waivers")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (r, "waivers"), 0),
                                                  "material"), ==, "power_of_attorney");
  /* open: the paid bj and xj applications and the ggzy draft */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "open")), ==, 3);
}

static void
test_csv (CdTestContext *t, gconstpointer data)
{
  CdReportQuery q = { "2026-11-20", "2026-11-21", 1, 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;

  build_day (t->ctx);
  csv = cd_report_export_csv (t->ctx, &q, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF\"Number\""));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 6 + 1);   /* header, six applications, empty tail */
  g_assert_nonnull (strstr (csv, "\"内蒙古草原建设工程有限公司\""));
  /* paid, no refund (the refund column is empty), then the serial */
  g_assert_nonnull (strstr (csv, "\"300.00\",\"WeChat Pay\",\"300.00\",\"\",\"0A1B\""));
  g_assert_nonnull (strstr (csv, "\"applicant left\""));
}

static void
test_bad_query (CdTestContext *t, gconstpointer data)
{
  CdReportQuery q = { "2026-11-21", "2026-11-20", 0, 0 };
  CdReportQuery q2 = { "2026-13-01", "2026-13-01", 0, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_null (cd_report_build (t->ctx, &q, &error));
  g_assert_nonnull (strstr (error->message, "starts (2026-11-21) after it ends"));
  g_clear_error (&error);
  g_assert_null (cd_report_build (t->ctx, &q2, &error));
  g_assert_nonnull (strstr (error->message, "YYYY-MM-DD"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/report/day", test_day);
  ADD ("/report/csv", test_csv);
  ADD ("/report/bad-query", test_bad_query);
  return g_test_run ();
}
