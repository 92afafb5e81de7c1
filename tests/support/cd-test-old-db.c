/* cd-test-old-db.c: a database as an older CertDesk left it (see the header). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "cd-application.h"
#include "cd-store-schema.h"
#include "cd-test-old-db.h"

/* The index of the sealing migration in the schema list (its SQL makes application_bidx). */
static guint
crypt_migration (void)
{
  for (guint i = 0; i < cd_store_n_migrations; i++)
    if (strstr (cd_store_migrations[i], "CREATE TABLE application_bidx"))
      return i;
  g_assert_not_reached ();
}

void
cd_test_write_old_database (const char *path, guint n, const char *surname, GPtrArray *expected)
{
  g_autofree char *fixture = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                               "app-bj-person.json", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *app = NULL, *cust = NULL;
  g_autoptr(CdApplication) person = cd_application_load_file (fixture, &error);
  guint upto = crypt_migration ();

  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = WAL; BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  for (guint v = 0; v < upto; v++)
    g_assert_cmpint (sqlite3_exec (db, cd_store_migrations[v], NULL, NULL, NULL), ==, SQLITE_OK);
  /* This build's applicant sync triggers already name the index columns the sealing migration adds (an older
   * CertDesk's did not): without them here, as on a counter whose triggers the migration makes again. */
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER applicant_sync_insert; DROP TRIGGER applicant_sync_update;"
                                     " DROP TRIGGER applicant_sync_delete;", NULL, NULL, NULL), ==, SQLITE_OK);
  {
    g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", upto);
    g_assert_cmpint (sqlite3_exec (db, bump, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO applicant (id, kind, name, id_number, mobile, data, updated_at)"
                                           " VALUES (?1, 'person', ?2, ?3, ?4, ?5, '2026-01-31T01:00:00Z')", -1,
                                       &cust, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO application (id, number, applicant_id, profile, business,"
                                           " applicant_type, state, name, data, day, created_at, updated_at)"
                                           " VALUES (?1, ?2, ?1, 'bj-gov', 'new', 'individual', 'draft', ?3, ?4,"
                                           " '2026-01-31', '2026-01-31T01:00:00Z', '2026-01-31T01:00:00Z')", -1,
                                       &app, NULL), ==, SQLITE_OK);
  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", surname, i);
      g_autofree char *id = g_strdup_printf ("6501022000%08u", i);
      g_autofree char *mobile = g_strdup_printf ("139%08u", i);
      g_autofree char *number = g_strdup_printf ("CD-20260131-%05u", i);
      g_autofree char *json = NULL;

      g_free (person->person->name);
      person->person->name = g_strdup (name);
      g_free (person->person->id_number);
      person->person->id_number = g_strdup (id);
      g_free (person->person->mobile);
      person->person->mobile = g_strdup (mobile);
      json = cd_application_to_string (person);
      if (expected)
        g_ptr_array_add (expected, g_strdup (json));
      sqlite3_reset (cust);
      sqlite3_bind_int64 (cust, 1, i);
      sqlite3_bind_text (cust, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (cust, 3, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (cust, 4, mobile, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (cust, 5, "{}", -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (cust), ==, SQLITE_DONE);
      sqlite3_reset (app);
      sqlite3_bind_int64 (app, 1, i);
      sqlite3_bind_text (app, 2, number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 3, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 4, json, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (app), ==, SQLITE_DONE);
    }
  sqlite3_finalize (cust);
  sqlite3_finalize (app);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}
