/* cd-test-context.h: a CdContext on a temporary folder, for tests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib/gstdio.h>

#include "cd-application.h"
#include "cd-context.h"
#include "cd-store.h"

typedef struct {
  char      *dir;
  CdContext *ctx;
} CdTestContext;

static void
cd_test_rm_rf (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        cd_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static inline void
cd_test_context_setup (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("certdesk-test-XXXXXX", &error);
  g_assert_no_error (error);
  t->ctx = cd_context_new (t->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t->ctx);
}

static inline void
cd_test_context_teardown (CdTestContext *t, gconstpointer data)
{
  g_clear_object (&t->ctx);
  cd_test_rm_rf (t->dir);
  g_free (t->dir);
}

/* The one number a "SELECT count(*) …" gives. */
static inline gint64
cd_test_count (CdContext *ctx, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (ctx), sql, &stmt, NULL));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* An application from tests/fixtures (NAME.json as a clerk would have filled it in). */
static inline CdApplication *
cd_test_load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_load_file (path, &error);

  g_assert_no_error (error);
  return app;
}
