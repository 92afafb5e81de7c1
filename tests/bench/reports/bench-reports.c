/* bench-reports.c: a database of 100,000 applications over two years for four outlets, then a day's report
 * (target < 100 ms) and the page's 30-day chart (target < 200 ms). Prints the figures. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "cd-report-signoff.h"

#define N_APPS     100000
#define N_DAYS     730
#define N_OUTLETS  4
#define LAST_DAY   "2026-11-20"

static const char *const businesses[] = { "new", "new", "new", "new", "renew", "renew", "renew", "replace", "unlock",
                                          "change", "revoke", "suspend", "app-open", "renew", "new", "new" };
static const char *const types[] = { "enterprise", "enterprise", "institution", "government", "individual" };
static const char *const profiles[] = { "nmg-zfcg-sxca", "xj-fee-mgmt", "bj-gov" };
static const char *const methods[] = { "cash", "wechat", "alipay", "bank-card", "bank-transfer" };

static void
exec_ok (CdStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!cd_store_exec (store, sql, &error))
    g_error ("%s: %s", sql, error->message);
}

static sqlite3_stmt *
prep (CdStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;

  if (!cd_store_prepare (store, sql, &stmt, &error))
    g_error ("%s", error->message);
  return stmt;
}

static void
step (sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("insert: %s", sqlite3_errmsg (sqlite3_db_handle (stmt)));
  sqlite3_reset (stmt);
}

static void
generate (CdStore *store)
{
  g_autoptr(GDate) first = g_date_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261120);
  sqlite3_stmt *app, *pay, *cert, *audit;
  sqlite3 *db = cd_store_get_db (store);

  g_date_set_parse (first, LAST_DAY);
  g_date_subtract_days (first, N_DAYS - 1);
  exec_ok (store, "BEGIN");
  for (int o = 1; o <= N_OUTLETS; o++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO outlet (id, code, name, created_at) VALUES (%d, 'O%02d', '受理点%d', 'x');"
                                              "INSERT INTO clerk (id, outlet_id, login, name, role, password_hash, created_at)"
                                              " VALUES (%d, %d, 'clerk%d', '受理员%d', 'clerk', 'x', 'x')", o, o, o, o, o, o, o);
      exec_ok (store, sql);
    }
  app = prep (store, "INSERT INTO application (id, number, outlet_id, clerk_id, profile, business, applicant_type, state,"
                     " name, fee_total_fen, data, day, created_at, updated_at, void_reason)"
                     " VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '{}', ?10, ?11, ?11, ?12)");
  pay = prep (store, "INSERT INTO payment (application_id, method, amount_fen, received_fen, clerk_id, day, at)"
                     " VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)");
  cert = prep (store, "INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after, state, pem,"
                      " day, at) VALUES (?1, ?2, 'local', 'CN=x', 'a', 'b', 'issued', 'pem', ?3, ?4)");
  audit = prep (store, "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, prev_hash, hash)"
                       " VALUES (?1, 'clerk:x', ?2, 'application', ?3, ?4, '', '')");
  for (gint64 id = 1; id <= N_APPS; id++)
    {
      g_autoptr(GDate) d = g_date_copy (first);
      char day[16], at[32], number[40], serial[24];
      int day_index = (int) ((id - 1) * N_DAYS / N_APPS);
      int outlet = 1 + (int) g_rand_int_range (rand, 0, N_OUTLETS);
      int r = g_rand_int_range (rand, 0, 100);
      const char *state = r < 4 ? "voided" : "closed";
      const char *business = businesses[g_rand_int_range (rand, 0, G_N_ELEMENTS (businesses))];
      gint64 fee = 10000 * g_rand_int_range (rand, 1, 6);

      g_date_add_days (d, day_index);
      g_date_strftime (day, sizeof day, "%Y-%m-%d", d);
      g_snprintf (at, sizeof at, "%sT%02d:%02d:00Z", day, 1 + (int) (id % 8), (int) (id % 60));
      g_snprintf (number, sizeof number, "O%02d-%s-%06" G_GINT64_FORMAT, outlet, day, id);
      /* The last week still has work in progress. */
      if (day_index >= N_DAYS - 7 && r >= 90)
        state = (const char *const[]) { "draft", "checked", "paid", "printed" }[r % 4];
      sqlite3_bind_int64 (app, 1, id);
      sqlite3_bind_text (app, 2, number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (app, 3, outlet);
      sqlite3_bind_text (app, 4, profiles[id % G_N_ELEMENTS (profiles)], -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 5, business, -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 6, types[g_rand_int_range (rand, 0, G_N_ELEMENTS (types))], -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 7, state, -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 8, "内蒙古草原建设工程有限公司", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (app, 9, fee);
      sqlite3_bind_text (app, 10, day, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 11, at, -1, SQLITE_TRANSIENT);
      if (g_str_equal (state, "voided"))
        sqlite3_bind_text (app, 12, "申请人放弃办理", -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (app, 12);
      step (app);

      sqlite3_bind_text (audit, 1, at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (audit, 2, "application.create", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (audit, 3, id);
      sqlite3_bind_text (audit, 4, "{\"state\":\"draft\"}", -1, SQLITE_STATIC);
      step (audit);
      if (g_str_equal (state, "voided") || g_str_equal (state, "closed"))
        {
          sqlite3_bind_text (audit, 1, at, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (audit, 2, "application.state", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (audit, 3, id);
          sqlite3_bind_text (audit, 4, g_str_equal (state, "voided")
                                       ? "{\"from\":\"draft\",\"to\":\"voided\",\"reason\":\"申请人放弃办理\"}"
                                       : "{\"from\":\"issued\",\"to\":\"closed\"}", -1, SQLITE_STATIC);
          step (audit);
        }
      if (g_str_equal (state, "closed") || g_str_equal (state, "paid") || g_str_equal (state, "printed"))
        {
          sqlite3_bind_int64 (pay, 1, id);
          sqlite3_bind_text (pay, 2, methods[id % G_N_ELEMENTS (methods)], -1, SQLITE_STATIC);
          sqlite3_bind_int64 (pay, 3, fee);
          sqlite3_bind_int (pay, 4, outlet);
          sqlite3_bind_text (pay, 5, day, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (pay, 6, at, -1, SQLITE_TRANSIENT);
          step (pay);
        }
      if (g_str_equal (state, "closed"))
        {
          g_snprintf (serial, sizeof serial, "%012" G_GINT64_FORMAT "AB", id);
          sqlite3_bind_text (cert, 1, serial, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (cert, 2, id);
          sqlite3_bind_text (cert, 3, day, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (cert, 4, at, -1, SQLITE_TRANSIENT);
          step (cert);
        }
    }
  sqlite3_finalize (app);
  sqlite3_finalize (pay);
  sqlite3_finalize (cert);
  sqlite3_finalize (audit);
  exec_ok (store, "COMMIT");
  exec_ok (store, "ANALYZE");
  (void) db;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
time_median (double (*run) (CdContext *, int), CdContext *ctx, int n)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < n; i++)
    {
      double v = run (ctx, i);
      g_array_append_val (ms, v);
    }
  g_array_sort (ms, cmp_double);
  return g_array_index (ms, double, n / 2);
}

static double
run_day (CdContext *ctx, int i)
{
  static const char *const days[] = { LAST_DAY, "2026-06-15", "2025-12-01", "2026-11-18", "2025-03-03" };
  CdReportQuery q = { (char *) days[i % 5], (char *) days[i % 5], (i % 2) ? 2 : 0, 0 };
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(JsonNode) r = cd_report_build (ctx, &q, &error);

  if (!r)
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static double
run_chart (CdContext *ctx, int i)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(JsonNode) c = cd_report_chart (ctx, LAST_DAY, 30, (i % 2) ? 3 : 0, &error);

  if (!c)
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("certdesk-bench-reports-XXXXXX", &error);
  g_autoptr(CdContext) ctx = NULL;
  CdReportQuery q = { LAST_DAY, LAST_DAY, 0, 0 };
  g_autoptr(JsonNode) sample = NULL;
  gint64 t0;
  double gen_s, day_ms, chart_ms;
  gboolean pass;

  setlocale (LC_ALL, "C.UTF-8");
  g_assert_no_error (error);
  ctx = cd_context_new (dir, NULL, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  generate (cd_context_get_store (ctx));
  gen_s = (g_get_monotonic_time () - t0) / 1e6;
  sample = cd_report_build (ctx, &q, &error);
  g_assert_no_error (error);
  day_ms = time_median (run_day, ctx, 11);
  chart_ms = time_median (run_chart, ctx, 11);
  pass = day_ms < 100 && chart_ms < 200;
  g_print ("reports benchmark: %d applications over %d days, %d outlets (generated in %.1f s)\n", N_APPS, N_DAYS,
           N_OUTLETS, gen_s);
  g_print ("  a day's report:  %7.2f ms median of 11 (target < 100 ms) — %u application groups, %u open on %s\n",
           day_ms, json_array_get_length (json_object_get_array_member (json_node_get_object (sample), "applications")),
           json_array_get_length (json_object_get_array_member (json_node_get_object (sample), "open")), LAST_DAY);
  g_print ("  30-day chart:    %7.2f ms median of 11 (target < 200 ms)\n", chart_ms);
  g_print ("  %s\n", pass ? "PASS" : "FAIL: above target");
  g_clear_object (&ctx);
  if (g_getenv ("CD_BENCH_KEEP"))
    g_print ("  database kept in %s\n", dir);
  else
  {
    g_autofree char *db = g_build_filename (dir, "certdesk.db", NULL);
    g_unlink (db);
    g_rmdir (dir);
  }
  return pass ? 0 : 1;
}
