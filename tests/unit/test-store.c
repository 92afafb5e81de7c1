/* test-store.c: migrations from an empty file, connection settings, and the tamper-evident audit log. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-audit.h"
#include "cd-price-store.h"
#include "cd-test-context.h"

static gint64
query_int (CdStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (store, sql, &stmt, NULL));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (CdStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (store, sql, &stmt, NULL));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return cd_store_column_dup (stmt, 0);
}

static void
test_migrate_empty (CdTestContext *t, gconstpointer data)
{
  CdStore *store = cd_context_get_store (t->ctx);
  g_autofree char *mode = query_text (store, "PRAGMA journal_mode");
  static const char *const tables[] = {
    "outlet", "clerk", "applicant", "application", "material", "scan", "sample", "payment", "token", "certificate",
    "burn_journal", "print_record", "price_override", "report_signoff", "audit_log", NULL
  };

  g_assert_cmpint (cd_store_schema_version (store), ==, cd_store_latest_version ());
  g_assert_cmpint (cd_store_latest_version (), >=, 1);
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (store, "PRAGMA foreign_keys"), ==, 1);
  for (guint i = 0; tables[i]; i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_assert_true (cd_store_prepare (store, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                                       &stmt, NULL));
      sqlite3_bind_text (stmt, 1, tables[i], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_test_message ("table %s", tables[i]);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    }
}

static void
test_reopen_and_newer (CdTestContext *t, gconstpointer data)
{
  g_autofree char *path = g_strdup (cd_store_get_path (cd_context_get_store (t->ctx)));
  g_autoptr(GError) error = NULL;
  CdStore *again;

  g_assert_true (cd_store_exec (cd_context_get_store (t->ctx), "INSERT INTO setting VALUES ('k', 'v')", NULL));
  again = cd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (again, "SELECT count(*) FROM setting WHERE key = 'k'"), ==, 1);
  /* a database from a newer CertDesk is refused, not damaged */
  g_assert_true (cd_store_exec (again, "PRAGMA user_version = 99", NULL));
  cd_store_close (again);
  g_assert_null (cd_store_open (path, &error));
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NEWER_SCHEMA);
}

static void
test_foreign_keys (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (cd_store_exec (cd_context_get_store (t->ctx),
                                 "INSERT INTO payment (application_id, method, amount_fen, received_fen, day, at)"
                                 " VALUES (4711, 'cash', 1, 1, '2026-01-01', 'x')", &error));
  g_assert_nonnull (strstr (error->message, "FOREIGN KEY"));
}

static void
append_rows (CdStore *store, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) detail = json_from_string ("{\"n\":1}", NULL);
      g_assert_true (cd_audit_append (store, "test", "thing.done", "thing", i, detail, &error));
      g_assert_no_error (error);
    }
}

static void
test_audit_chain (CdTestContext *t, gconstpointer data)
{
  CdStore *store = cd_context_get_store (t->ctx);
  g_autoptr(GError) error = NULL;
  gint64 rows = 0, bad = -1;

  append_rows (store, 5);
  g_assert_true (cd_audit_verify (store, &rows, &bad, &error));
  g_assert_cmpint (rows, ==, 5);
  g_assert_cmpint (bad, ==, 0);
  /* the triggers refuse edits and deletions through SQL */
  g_assert_false (cd_store_exec (store, "UPDATE audit_log SET actor = 'x' WHERE id = 2", NULL));
  g_assert_false (cd_store_exec (store, "DELETE FROM audit_log WHERE id = 2", NULL));
}

/* Someone with the file drops the triggers and edits a row with the sqlite3 library directly. */
static void
test_audit_tamper (CdTestContext *t, gconstpointer data)
{
  CdStore *store = cd_context_get_store (t->ctx);
  g_autofree char *path = g_strdup (cd_store_get_path (store));
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  gint64 bad = 0;

  append_rows (store, 6);
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET detail = '{\"n\":2}' WHERE id = 4", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  g_assert_false (cd_audit_verify (store, NULL, &bad, &error));
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_AUDIT_BROKEN);
  g_assert_cmpint (bad, ==, 4);
  g_assert_nonnull (strstr (error->message, "row 4"));
}

static void
test_audit_delete (CdTestContext *t, gconstpointer data)
{
  CdStore *store = cd_context_get_store (t->ctx);
  g_autofree char *path = g_strdup (cd_store_get_path (store));
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  gint64 bad = 0;

  append_rows (store, 4);
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  g_assert_false (cd_audit_verify (store, NULL, &bad, &error));
  g_assert_cmpint (bad, ==, 3);
}

static void
test_price_overrides (CdTestContext *t, gconstpointer data)
{
  CdStore *store = cd_context_get_store (t->ctx);
  CdPriceOverride o = { "new", "standard", "cert", 0, 18000 };
  CdPriceOverride wrong = { "new", "standard", "nothing", 0, 1 };
  CdFeeRequest req = { 1, 1, 0, FALSE, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdFeeQuote) q = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CdProfile *ggzy = cd_context_lookup_profile (t->ctx, "xj-ggzy", NULL);

  q = cd_price_store_quote (t->ctx, ggzy, CD_BUSINESS_NEW, CD_APPLICANT_ENTERPRISE, &req, &error);
  g_assert_error (error, CD_FEE_ERROR, CD_FEE_ERROR_PRICE_UNSET);
  g_clear_error (&error);
  g_assert_true (cd_price_store_set (t->ctx, "xj-ggzy", &o, &error));
  g_assert_no_error (error);
  q = cd_price_store_quote (t->ctx, ggzy, CD_BUSINESS_NEW, CD_APPLICANT_ENTERPRISE, &req, &error);
  g_assert_no_error (error);
  g_assert_cmpint (q->total_fen, ==, 18000);
  g_assert_false (cd_price_store_set (t->ctx, "xj-ggzy", &wrong, &error));
  g_assert_error (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED);
  list = cd_price_store_list (t->ctx, "xj-ggzy", NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM audit_log WHERE action = 'price.set'"), ==, 1);
  g_assert_true (cd_price_store_clear (t->ctx, "xj-ggzy", &o, NULL));
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM audit_log WHERE action = 'price.clear'"), ==, 1);
  g_assert_true (cd_audit_verify (store, NULL, NULL, NULL));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/store/migrate-empty", test_migrate_empty);
  ADD ("/store/reopen-and-newer", test_reopen_and_newer);
  ADD ("/store/foreign-keys", test_foreign_keys);
  ADD ("/store/audit-chain", test_audit_chain);
  ADD ("/store/audit-tamper", test_audit_tamper);
  ADD ("/store/audit-delete", test_audit_delete);
  ADD ("/store/price-overrides", test_price_overrides);
  return g_test_run ();
}
