/* test-signoff.c: the supervisor's sign-off, the lock on a signed day and adjustments after it (suite unit). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-audit.h"
#include "cd-print-store.h"
#include "reports-fixture.h"
#include "../unit/cd-test-context.h"

static gint64
audit_count (CdContext *ctx, const char *action)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (ctx), "SELECT count(*) FROM audit_log WHERE action = ?1",
                                   &stmt, NULL));
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static CdSignoff *
sign (CdContext *ctx, RfDay *day, gint64 counted)
{
  g_autoptr(CdClerk) boss = rf_authorize_boss (ctx);
  g_autoptr(GError) error = NULL;
  CdSignoff *s = NULL;

  g_assert_true (cd_report_signoff_sign (ctx, boss, day->outlet_id, RF_DAY, counted, "已核对：开放申请次日处理", &s, &error));
  g_assert_no_error (error);
  return s;
}

static void
test_sign (CdTestContext *t, gconstpointer data)
{
  RfDay day = { 0 };
  g_autoptr(CdSignoff) s = NULL;
  g_autoptr(CdSignoff) again = NULL;
  g_autoptr(CdClerk) boss = NULL;
  g_autoptr(CdClerk) wang = NULL;
  g_autoptr(GError) error = NULL;
  gint64 bad = 0, rows = 0;

  rf_build_day (t->ctx, &day);
  rf_set_clock (t->ctx, RF_DAY "T18:00:00Z");
  /* a clerk cannot sign */
  g_assert_true (cd_clerk_store_authorize (t->ctx, "wang", RF_PASSWORD, CD_ROLE_CLERK, &wang, &error));
  g_assert_false (cd_report_signoff_sign (t->ctx, wang, day.outlet_id, RF_DAY, 0, "说明", NULL, &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
  g_clear_error (&error);

  s = sign (t->ctx, &day, 19000);
  g_assert_cmpint (s->cash_expected_fen, ==, 20000);
  g_assert_cmpint (cd_signoff_difference_fen (s), ==, -1000);
  g_assert_cmpstr (s->day, ==, RF_DAY);
  g_assert_nonnull (strstr (s->supervisor, "boss"));
  g_assert_cmpint (audit_count (t->ctx, "report.signoff"), ==, 1);
  g_assert_true (cd_audit_verify (cd_context_get_store (t->ctx), &rows, &bad, &error));

  /* once per day and outlet; never a future day */
  boss = rf_authorize_boss (t->ctx);
  g_assert_false (cd_report_signoff_sign (t->ctx, boss, day.outlet_id, RF_DAY, 0, "说明", NULL, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (cd_report_signoff_sign (t->ctx, boss, day.outlet_id, "2026-11-21", 0, "说明", NULL, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_true (cd_report_signoff_lookup (t->ctx, day.outlet_id, RF_DAY, &again, &error));
  g_assert_nonnull (again);
  g_assert_cmpint (again->counted_cash_fen, ==, 19000);
}

static void
test_lock (CdTestContext *t, gconstpointer data)
{
  RfDay day = { 0 };
  g_autoptr(CdSignoff) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdApplication) fresh = rf_load ("app-bj-person.json");
  gint64 id = 0, before = 0;

  rf_build_day (t->ctx, &day);
  s = sign (t->ctx, &day, 20000);
  before = audit_count (t->ctx, "application.state");
  /* the next morning: nothing of the signed day changes silently */
  rf_set_clock (t->ctx, "2026-11-21T02:00:00Z");
  g_assert_false (cd_application_store_void (t->ctx, day.draft_app, "客户放弃", &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED);
  g_assert_nonnull (strstr (error->message, RF_DAY));
  g_clear_error (&error);
  g_assert_false (cd_application_store_transition (t->ctx, day.wechat_app, CD_STATE_PRINTED, NULL, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED);
  g_clear_error (&error);
  g_assert_false (cd_application_store_check (t->ctx, day.draft_app, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED);
  g_clear_error (&error);
  g_assert_true (cd_application_store_load (t->ctx, day.draft_app, &app, &info, &error));
  g_assert_false (cd_application_store_save (t->ctx, day.draft_app, app, "fee", &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED);
  g_clear_error (&error);
  g_assert_cmpint (info->state, ==, CD_STATE_DRAFT);
  g_assert_cmpint (audit_count (t->ctx, "application.state"), ==, before);
  /* a new day's work is not locked */
  g_assert_true (cd_application_store_create (t->ctx, fresh, TRUE, &id, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_void (t->ctx, id, "重复录入", &error));
  g_assert_no_error (error);
  g_assert_cmpint (audit_count (t->ctx, "adjustment"), ==, 0);
}

typedef struct {
  gint64 id;
} VoidArgs;

static gboolean
void_cb (CdContext *ctx, gpointer data, GError **error)
{
  return cd_application_store_void (ctx, ((VoidArgs *) data)->id, "客户放弃办理", error);
}

static void
test_adjustment (CdTestContext *t, gconstpointer data)
{
  RfDay day = { 0 };
  g_autoptr(CdSignoff) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) boss = NULL;
  g_autoptr(CdClerk) wang = NULL;
  g_autoptr(JsonNode) report = NULL;
  CdReportQuery q = { RF_DAY, RF_DAY, 0, 0 };
  VoidArgs args = { 0 };
  JsonArray *adj, *signoffs;
  JsonObject *o;

  rf_build_day (t->ctx, &day);
  s = sign (t->ctx, &day, 20500);
  rf_set_clock (t->ctx, "2026-11-21T02:00:00Z");
  args.id = day.draft_app;
  boss = rf_authorize_boss (t->ctx);
  /* a reason is required; a clerk cannot adjust */
  g_assert_false (cd_report_signoff_adjust (t->ctx, boss, " ", void_cb, &args, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_true (cd_clerk_store_authorize (t->ctx, "wang", RF_PASSWORD, CD_ROLE_CLERK, &wang, &error));
  g_assert_false (cd_report_signoff_adjust (t->ctx, wang, "客户要求", void_cb, &args, &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
  g_clear_error (&error);
  /* a context adjustment naming a clerk is not enough either */
  cd_context_set_adjustment (t->ctx, wang->id, "客户要求");
  g_assert_false (cd_application_store_void (t->ctx, day.draft_app, "客户放弃", &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE);
  g_clear_error (&error);
  cd_context_set_adjustment (t->ctx, 0, NULL);

  g_assert_true (cd_report_signoff_adjust (t->ctx, boss, "客户次日来电取消", void_cb, &args, &error));
  g_assert_no_error (error);
  g_assert_null (cd_context_get_adjustment (t->ctx, NULL));
  g_assert_cmpint (audit_count (t->ctx, "adjustment"), ==, 1);
  /* the adjustment is on the signed day's report */
  report = cd_report_build (t->ctx, &q, &error);
  g_assert_no_error (error);
  adj = json_object_get_array_member (json_node_get_object (report), "adjustments");
  g_assert_cmpuint (json_array_get_length (adj), ==, 1);
  o = json_array_get_object_element (adj, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "客户次日来电取消");
  g_assert_cmpstr (json_object_get_string_member (o, "what"), ==, "void");
  g_assert_cmpstr (json_object_get_string_member (o, "supervisor"), ==, "赵主管");
  signoffs = json_object_get_array_member (json_node_get_object (report), "signoffs");
  g_assert_cmpuint (json_array_get_length (signoffs), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (signoffs, 0), "difference_fen"), ==, 500);
}

static void
test_chart_detail (CdTestContext *t, gconstpointer data)
{
  RfDay day = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) chart = NULL;
  g_autoptr(JsonNode) list = NULL;
  CdReportQuery q = { RF_DAY, RF_DAY, 0, 0 };
  JsonArray *days;

  rf_build_day (t->ctx, &day);
  chart = cd_report_chart (t->ctx, "2026-11-21", 30, 0, &error);
  g_assert_no_error (error);
  days = json_object_get_array_member (json_node_get_object (chart), "days");
  g_assert_cmpuint (json_array_get_length (days), ==, 30);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (days, 28), "day"), ==, RF_DAY);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (days, 28),
                                                                              "counts"), "new"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (days, 28),
                                                                              "counts"), "renew"), ==, 1);
  list = cd_report_detail (t->ctx, &q, "method", "cash", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  g_clear_pointer (&list, json_node_unref);
  list = cd_report_detail (t->ctx, &q, "business", "new/individual", &error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 3);
}

static JsonObject *
member_row (JsonObject *r, const char *member, const char *key, const char *value)
{
  JsonArray *a = json_object_get_array_member (r, member);

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (g_strcmp0 (json_object_get_string_member (o, key), value) == 0)
        return o;
    }
  return NULL;
}

static const char app_open_json[] =
  "{\"profile\":\"xjbt-hpf\",\"business\":\"app-open\",\"applicant_type\":\"enterprise\","
  "\"unit\":{\"name\":\"兵团第八师某某建设有限公司\",\"uscc\":\"914403001922038216\"},\"legal_person\":{\"name\":\"张军\"},"
  "\"agent\":{\"name\":\"刘芳\",\"id_number\":\"150102199003071237\",\"mobile\":\"13999990000\"},"
  "\"existing_certificate\":{\"serial\":\"3F2A1B\"},"
  "\"materials\":{\"uscc_cert_annotated\":{\"copy\":true,\"stamped\":true,\"scans\":[\"u.jpg\"]},"
  "\"agent_id\":{\"original_seen\":true,\"copy\":true,\"stamped\":true,\"scans\":[\"a.jpg\"]}}}";

/* What the head office reconciles: a paid application voided is a refund netted out of the totals and the
 * cash; people by name; a finished activation is completed; a difference or an open application needs a
 * reason at sign-off; the CSV names the projects. */
static void
test_reconcile (CdTestContext *t, gconstpointer data)
{
  RfDay day = { 0 };
  CdReportQuery q = { RF_DAY, RF_DAY, 0, 0 };
  g_autoptr(CdApplication) open_app = cd_application_from_data (app_open_json, -1, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(CdClerk) boss = NULL;
  g_autoptr(CdSignoff) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  JsonObject *r, *o;
  gint64 app_open = 0;

  rf_build_day (t->ctx, &day);
  q.outlet_id = day.outlet_id;
  /* the cash renewal (¥200.00) is voided after payment: refunded */
  rf_ok (cd_application_store_void (t->ctx, day.cash_app, "客户取消，现金退回", &error), &error);
  /* an activation, paid and printed: finished (it has no issue step) */
  g_assert_nonnull (open_app);
  /* the certificate it opens an application for, issued long before (the pre-flight at payment looks it up) */
  g_assert_true (cd_store_exec (cd_context_get_store (t->ctx), "INSERT INTO certificate (serial, issuer, subject, not_before,"
                                " not_after, state, pem, day, at) VALUES ('3F2A1B', 'local', 'CN=x', '2020-01-01T00:00:00Z',"
                                " '2099-01-01T00:00:00Z', 'issued', 'pem', '2020-01-01', 'x')", NULL));
  rf_ok (cd_application_store_create (t->ctx, open_app, TRUE, &app_open, &error), &error);
  rf_ok (cd_application_store_check (t->ctx, app_open, &error), &error);
  rf_ok (cd_application_store_pay (t->ctx, app_open, CD_PAYMENT_WECHAT, 15000, 15000, FALSE, &error), &error);
  rf_ok (cd_print_store_record (t->ctx, app_open, NULL, 1, "Office", NULL, &error), &error);
  /* activated on its certificate step, which moves it to issued */
  rf_ok (cd_application_store_transition (t->ctx, app_open, CD_STATE_ISSUED, NULL, &error), &error);

  node = cd_report_build (t->ctx, &q, &error);
  g_assert_no_error (error);
  r = json_node_get_object (node);
  /* 210.00 + 300.00 + 150.00 + 200.00 paid, 200.00 refunded */
  g_assert_cmpint (json_object_get_int_member (r, "fees_total_fen"), ==, 21000 + 30000 + 15000);
  g_assert_cmpint (json_object_get_int_member (r, "refunds_total_fen"), ==, 20000);
  g_assert_cmpint (json_object_get_int_member (r, "cash_expected_fen"), ==, 0);
  o = member_row (r, "fees_by_method", "method", "cash");
  g_assert_nonnull (o);
  g_assert_cmpint (json_object_get_int_member (o, "amount_fen"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "refunded_fen"), ==, 20000);
  o = member_row (r, "fees_by_profile", "profile", "xj-fee-mgmt");
  g_assert_cmpint (json_object_get_int_member (o, "amount_fen"), ==, 0);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (r, "refunds")), ==, 1);
  o = json_array_get_object_element (json_object_get_array_member (r, "refunds"), 0);
  g_assert_cmpint (json_object_get_int_member (o, "amount_fen"), ==, 20000);
  g_assert_cmpstr (json_object_get_string_member (o, "method"), ==, "cash");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "客户取消，现金退回");
  /* people by name, never the audit's "clerk:wang" */
  g_assert_cmpstr (json_object_get_string_member (o, "by"), ==, "王受理");
  o = json_array_get_object_element (json_object_get_array_member (r, "voids"), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "by"), ==, "王受理");
  /* the activation is completed and not open */
  o = member_row (r, "applications", "business", "app-open");
  g_assert_nonnull (o);
  g_assert_cmpint (json_object_get_int_member (o, "completed"), ==, 1);
  g_assert_null (member_row (r, "open", "name", "兵团第八师某某建设有限公司"));

  /* 短款 / 长款 */
  text = cd_report_difference_text (-5000);
  g_assert_cmpstr (text, ==, "Short ¥50.00");
  g_clear_pointer (&text, g_free);
  text = cd_report_difference_text (1234);
  g_assert_cmpstr (text, ==, "Over ¥12.34");
  g_clear_pointer (&text, g_free);

  /* ¥1.00 over and the draft still open: no sign-off without a reason */
  rf_set_clock (t->ctx, RF_DAY "T18:00:00Z");
  boss = rf_authorize_boss (t->ctx);
  text = cd_report_signoff_reason_needed (t->ctx, day.outlet_id, RF_DAY, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "Over ¥1.00"));
  g_assert_nonnull (strstr (text, "still open"));
  g_assert_false (cd_report_signoff_sign (t->ctx, boss, day.outlet_id, RF_DAY, 100, " ", NULL, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "Over ¥1.00"));
  g_clear_error (&error);
  g_assert_true (cd_report_signoff_sign (t->ctx, boss, day.outlet_id, RF_DAY, 100, "找零多收一元，草稿明日续办", &s,
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s->reason, ==, "找零多收一元，草稿明日续办");

  /* the CSV's project column names the project; the refund in its own column */
  csv = cd_report_export_csv (t->ctx, &q, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (csv, "\"xj-fee-mgmt\""));
  g_assert_null (strstr (csv, "\"xjbt-hpf\""));
  g_assert_nonnull (strstr (csv, cd_profile_display_name (cd_context_lookup_profile (t->ctx, "xjbt-hpf", NULL))));
  g_assert_nonnull (strstr (csv, "\"200.00\",\"200.00\""));
}

/* The cash matches, but paid applications are not finished: still a reason, without a difference. */
static void
test_open_needs_reason (CdTestContext *t, gconstpointer data)
{
  RfDay day = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *needed = NULL;

  rf_build_day (t->ctx, &day);
  rf_ok (cd_application_store_void (t->ctx, day.draft_app, "重复录入", &error), &error);
  needed = cd_report_signoff_reason_needed (t->ctx, day.outlet_id, RF_DAY, 20000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (needed);
  g_assert_null (strstr (needed, "¥"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/signoff/sign", test_sign);
  ADD ("/signoff/lock", test_lock);
  ADD ("/signoff/adjustment", test_adjustment);
  ADD ("/signoff/chart-detail", test_chart_detail);
  ADD ("/signoff/reconcile", test_reconcile);
  ADD ("/signoff/open-needs-reason", test_open_needs_reason);
  return g_test_run ();
}
