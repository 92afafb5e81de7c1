/* test-store-cache.c: cd_store_prepare_cached() — one statement per SQL text and connection, handed back reset and
 * unbound; a statement left mid-way holds no snapshot once its g_autoptr is gone; each connection (a worker's
 * cd_store_open_worker) has its own; a bad statement is a GError; closing the store with cached statements closes
 * the connection (the file can be opened again and written). A real SQLite file in a temp folder. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-store.h"
#include "cd-test-context.h"

static gint64
count_rows (CdStore *store)
{
  g_autoptr(CdStoreCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_prepare_cached (store, "SELECT count(*) FROM setting WHERE key LIKE 'cache.%'", &stmt,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
put (CdStore *store, const char *key, const char *value)
{
  g_autoptr(CdStoreCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_prepare_cached (store, "INSERT INTO setting (key, value) VALUES (?1, ?2)"
                                                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                          &stmt, &error));
  g_assert_no_error (error);
  /* reset and unbound whatever the last use left: parameter 2 is NULL unless bound here */
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  g_assert_true (cd_store_step_done (store, stmt, &error));
  g_assert_no_error (error);
}

static void
test_cache (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CdStore *store = cd_context_get_store (t->ctx);
  sqlite3_stmt *first = NULL, *again = NULL, *other = NULL;
  g_autoptr(CdStore) worker = NULL;
  g_autoptr(CdStore) reopened = NULL;

  path = g_strdup (cd_store_get_path (store));
  /* the same SQL text: the same statement; another text: another */
  g_assert_true (cd_store_prepare_cached (store, "SELECT value FROM setting WHERE key = ?1", &first, &error));
  g_assert_true (cd_store_prepare_cached (store, "SELECT value FROM setting WHERE key = ?1", &again, &error));
  g_assert_true (cd_store_prepare_cached (store, "SELECT key FROM setting WHERE key = ?1", &other, &error));
  g_assert_no_error (error);
  g_assert_true (first == again);
  g_assert_true (first != other);
  g_assert_cmpstr (sqlite3_sql (first), ==, "SELECT value FROM setting WHERE key = ?1");

  /* bound values do not survive into the next use */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(CdStoreCachedStmt) stmt = NULL;

      g_assert_true (cd_store_prepare_cached (store, "SELECT ?1 IS NULL", &stmt, &error));
      if (i == 0)
        sqlite3_bind_int (stmt, 1, 7);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, i == 0 ? 0 : 1);
    }
  put (store, "cache.a", "1");
  put (store, "cache.b", "2");
  g_assert_cmpint (count_rows (store), ==, 2);
  {
    g_autofree char *a = cd_store_setting_dup (store, "cache.a");

    g_assert_cmpstr (a, ==, "1");
  }

  /* a statement left on a row (its g_autoptr reset it) holds no read snapshot: another connection's write is
   * seen at once, and this connection can still write */
  {
    g_autoptr(CdStoreCachedStmt) stmt = NULL;

    g_assert_true (cd_store_prepare_cached (store, "SELECT key FROM setting", &stmt, &error));
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_true (sqlite3_stmt_busy (stmt));
    other = stmt;
  }
  g_assert_false (sqlite3_stmt_busy (other));
  worker = cd_store_open_worker (store, &error);
  g_assert_no_error (error);
  {
    sqlite3_stmt *mine = NULL;

    /* a connection of its own: its own statement for the same text */
    g_assert_true (cd_store_prepare_cached (worker, "SELECT value FROM setting WHERE key = ?1", &mine, &error));
    g_assert_true (mine != first);
    g_assert_true (sqlite3_db_handle (mine) == cd_store_get_db (worker));
  }
  put (worker, "cache.c", "3");
  g_assert_cmpint (count_rows (store), ==, 3);
  put (store, "cache.d", "4");
  g_assert_cmpint (count_rows (worker), ==, 4);

  /* a statement SQLite cannot prepare: an error naming the file, nothing cached */
  {
    sqlite3_stmt *bad = (sqlite3_stmt *) &error;   /* any non-NULL value: it must come back NULL */

    g_assert_false (cd_store_prepare_cached (store, "SELECT nothing FROM no_such_table", &bad, &error));
    g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_SQL);
    g_assert_nonnull (strstr (error->message, path));
    g_assert_null (bad);
    g_clear_error (&error);
    g_assert_false (cd_store_prepare_cached (store, "SELECT nothing FROM no_such_table", &bad, &error));
    g_clear_error (&error);
  }

  /* closing with cached statements closes the connection: the rows are there and the file takes writes */
  g_clear_pointer (&worker, cd_store_close);
  reopened = cd_store_open (path, &error);
  g_assert_no_error (error);
  put (reopened, "cache.e", "5");
  g_assert_cmpint (count_rows (reopened), ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/prepare-cached", CdTestContext, NULL, cd_test_context_setup, test_cache,
              cd_test_context_teardown);
  return g_test_run ();
}
