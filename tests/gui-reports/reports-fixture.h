/* reports-fixture.h: a counter with one hand-built day of applications, shared by the reports tests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib/gstdio.h>

#include "cd-application-store.h"
#include "cd-clerk-store.h"
#include "cd-report-signoff.h"

#define RF_PASSWORD "secret1"
#define RF_DAY      "2026-11-20"

typedef struct {
  gint64 outlet_id;
  gint64 cash_app;      /* xj renewal, paid in cash 200.00 (250.00 handed over) */
  gint64 transfer_app;  /* bj, bank transfer 210.00 */
  gint64 wechat_app;    /* nmg, paid by WeChat 300.00 */
  gint64 voided_app;
  gint64 draft_app;
} RfDay;

static const char rf_xj_renew[] =
  "{\"profile\":\"xj-fee-mgmt\",\"business\":\"renew\",\"applicant_type\":\"enterprise\",\"years\":2,"
  "\"unit\":{\"name\":\"新疆天池供水有限公司\",\"uscc\":\"914403001922038216\"},\"legal_person\":{\"name\":\"艾力\"},"
  "\"agent\":{\"name\":\"古丽\",\"id_number\":\"150102199003071237\",\"mobile\":\"13999990000\"},"
  "\"materials\":{\"agent_id\":{\"original_seen\":true,\"copy\":true,\"stamped\":true,\"scans\":[\"x.jpg\"]},"
  "\"existing_key\":{\"original_seen\":true}}}";

static inline CdApplication *
rf_load (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_load_file (path, &error);

  g_assert_no_error (error);
  return app;
}

static inline void
rf_ok (gboolean res, GError **error)
{
  g_assert_no_error (*error);
  g_assert_true (res);
}

static inline void
rf_set_clock (CdContext *ctx, const char *iso)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (iso, NULL);

  cd_store_set_now (cd_context_get_store (ctx), now);
}

/* Outlet HHHT01 with supervisor "boss" and clerk "wang" (RF_PASSWORD); signed in as wang; the day's
 * applications written as wang at 10:00 UTC on RF_DAY. */
static inline void
rf_build_day (CdContext *ctx, RfDay *day)
{
  g_autoptr(CdApplication) bj = rf_load ("app-bj-person.json");
  g_autoptr(CdApplication) xj = cd_application_from_data (rf_xj_renew, -1, NULL);
  g_autoptr(CdApplication) nmg = rf_load ("app-nmg-new.json");
  g_autoptr(CdApplication) bj2 = rf_load ("app-bj-person.json");
  g_autoptr(CdApplication) bj3 = rf_load ("app-bj-person.json");
  GError *error = NULL;

  rf_set_clock (ctx, RF_DAY "T10:00:00Z");
  rf_ok (cd_clerk_store_setup (ctx, "HHHT01", "呼和浩特受理点", "内蒙古", "boss", "赵主管", RF_PASSWORD,
                               &day->outlet_id, &error), &error);
  rf_ok (cd_clerk_store_login (ctx, "boss", RF_PASSWORD, NULL, &error), &error);
  rf_ok (cd_clerk_store_add (ctx, "wang", "王受理", CD_ROLE_CLERK, RF_PASSWORD, NULL, &error), &error);
  rf_ok (cd_clerk_store_logout (ctx, &error), &error);
  rf_ok (cd_clerk_store_login (ctx, "wang", RF_PASSWORD, NULL, &error), &error);

  rf_ok (cd_application_store_create (ctx, xj, TRUE, &day->cash_app, &error), &error);
  rf_ok (cd_application_store_check (ctx, day->cash_app, &error), &error);
  rf_ok (cd_application_store_pay (ctx, day->cash_app, CD_PAYMENT_CASH, 20000, 25000, FALSE, &error), &error);
  rf_ok (cd_application_store_create (ctx, bj, TRUE, &day->transfer_app, &error), &error);
  rf_ok (cd_application_store_check (ctx, day->transfer_app, &error), &error);
  rf_ok (cd_application_store_pay (ctx, day->transfer_app, CD_PAYMENT_BANK_TRANSFER, 21000, 21000, FALSE, &error),
         &error);
  rf_ok (cd_application_store_create (ctx, nmg, TRUE, &day->wechat_app, &error), &error);
  rf_ok (cd_application_store_check (ctx, day->wechat_app, &error), &error);
  rf_ok (cd_application_store_pay (ctx, day->wechat_app, CD_PAYMENT_WECHAT, 30000, 30000, TRUE, &error), &error);
  rf_ok (cd_application_store_create (ctx, bj2, TRUE, &day->voided_app, &error), &error);
  rf_ok (cd_application_store_void (ctx, day->voided_app, "申请人离开", &error), &error);
  rf_ok (cd_application_store_create (ctx, bj3, TRUE, &day->draft_app, &error), &error);
}

static inline CdClerk *
rf_authorize_boss (CdContext *ctx)
{
  g_autoptr(GError) error = NULL;
  CdClerk *boss = NULL;

  g_assert_true (cd_clerk_store_authorize (ctx, "boss", RF_PASSWORD, CD_ROLE_SUPERVISOR, &boss, &error));
  g_assert_no_error (error);
  return boss;
}
