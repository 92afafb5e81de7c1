/* test-crypt-store.c: personal data at rest in a real SQLite file (docs/store.md "Personal data at rest"): the
 * file and its WAL after a workload hold no ID number, mobile or person's name; search by each still finds the
 * application; an older database of 10,000 applications is sealed in place keeping every record; a database
 * without its key is refused with a sentence and left as it was; keys rotate. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-burn-store.h"
#include "cd-certificate-store.h"
#include "cd-customer-store.h"
#include "cd-store-crypt.h"
#include "cd-store-schema.h"
#include "cd-test-context.h"
#include "cd-test-old-db.h"

/* app-bj-person.json's person and app-nmg-new.json's legal person and agent */
static const char *const secrets[] = { "65010220000229001X", "13912345678", "张三", NULL };

/* Whether the bytes of file @path contain @needle (what `strings | grep` would find, and more). */
static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static gboolean
search_finds (CdContext *ctx, const char *query, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = cd_application_store_search (ctx, query, FALSE, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    if (((CdApplicationInfo *) found->pdata[i])->id == id)
      return TRUE;
  return FALSE;
}

static void
test_workload_no_clear_text (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) person = cd_test_load_fixture ("app-bj-person.json");
  g_autoptr(CdApplication) unit = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(CdApplication) back = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) customers = NULL;
  CdStore *store = cd_context_get_store (t->ctx);
  g_autofree char *wal = g_strconcat (cd_store_get_path (store), "-wal", NULL);
  gint64 pid, uid;

  /* the counter's day: import, save again, check and pay */
  g_assert_true (cd_application_store_create (t->ctx, person, TRUE, &pid, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (t->ctx, unit, TRUE, &uid, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_save (t->ctx, pid, person, "fee", &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_check (t->ctx, pid, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_pay (t->ctx, pid, CD_PAYMENT_BANK_TRANSFER, 21000, 21000, FALSE, &error));
  g_assert_no_error (error);

  /* the store gives clear values to its callers */
  g_assert_true (cd_application_store_load (t->ctx, pid, &back, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back->person->name, ==, "张三");
  g_assert_cmpstr (back->person->id_number, ==, "65010220000229001X");
  g_assert_cmpstr (back->person->mobile, ==, "13912345678");
  g_assert_cmpstr (info->name, ==, "张三");
  customers = cd_customer_store_suggest (t->ctx, CD_CUSTOMER_BY_NAME, FALSE, "张三", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (customers->len, ==, 1);
  g_assert_cmpstr (((CdCustomer *) customers->pdata[0])->id_number, ==, "65010220000229001X");

  /* search: the whole ID number (a small x too), the mobile, the name; the unit by a part of its name */
  g_assert_true (search_finds (t->ctx, "65010220000229001X", pid));
  g_assert_true (search_finds (t->ctx, "65010220000229001x", pid));
  g_assert_true (search_finds (t->ctx, "13912345678", pid));
  g_assert_true (search_finds (t->ctx, "张三", pid));
  g_assert_true (search_finds (t->ctx, "张 三", pid));
  g_assert_false (search_finds (t->ctx, "张四", pid));
  g_assert_false (search_finds (t->ctx, "13912345679", pid));
  g_assert_true (search_finds (t->ctx, "建设", uid));

  /* the file and its WAL, with the store still open (the WAL holds the day's pages) */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  for (guint i = 0; secrets[i]; i++)
    {
      g_test_message ("looking for %s", secrets[i]);
      g_assert_false (file_contains (cd_store_get_path (store), secrets[i]));
      g_assert_false (file_contains (wal, secrets[i]));
    }
  /* and the test can fail: a unit's name is stored in the clear */
  g_assert_true (file_contains (cd_store_get_path (store), "内蒙古") || file_contains (wal, "内蒙古"));
}

static void
count_progress (guint64 done, guint64 total, gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (done, <=, total);
  *last = done;
}

static void
test_migrate_10000 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("certdesk-crypt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) ctx = NULL;
  guint64 last = 0;
  const guint n = 10000;
  g_autofree char *first_key = NULL;

  cd_test_write_old_database (path, n, "张三", expected);
  g_assert_true (file_contains (path, "650102200000004711"));   /* in the clear before */
  cd_store_crypt_set_progress (count_progress, &last);
  ctx = cd_context_new (dir, path, &error);
  cd_store_crypt_set_progress (NULL, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (last, ==, 2 * n);   /* every applicant and application went through */
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM application"), ==, n);
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM application WHERE data LIKE '%6501022000%'"), ==, 0);
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM applicant WHERE id_number NOT LIKE 'cd1.%'"), ==, 0);
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM audit_log WHERE action = 'keys.encrypt'"), ==, 1);
  /* every record as it was, through the store API */
  for (guint i = 1; i <= n; i++)
    {
      g_autoptr(CdApplication) app = NULL;
      g_autoptr(CdApplicationInfo) info = NULL;
      g_autofree char *json = NULL;

      g_assert_true (cd_application_store_load (ctx, i, &app, &info, &error));
      g_assert_no_error (error);
      json = cd_application_to_string (app);
      g_assert_cmpstr (json, ==, expected->pdata[i - 1]);
      g_assert_cmpstr (info->name, ==, app->person->name);
    }
  g_assert_true (search_finds (ctx, "650102200000004711", 4711));
  g_assert_true (search_finds (ctx, "13900009999", 9999));
  g_assert_true (search_finds (ctx, "张三123", 123));
  /* the file itself, closed and checkpointed */
  first_key = g_strdup (cd_keys_get_id (cd_store_get_keys (cd_context_get_store (ctx))));
  g_clear_object (&ctx);
  g_assert_false (file_contains (path, "650102200000004711"));
  g_assert_false (file_contains (path, "张三123"));

  /* keys rotate: a new data key, every record still the same, search still works */
  ctx = cd_context_new (dir, path, &error);
  g_assert_no_error (error);
  g_assert_true (cd_store_crypt_rotate (cd_context_get_store (ctx), "test", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cd_keys_get_id (cd_store_get_keys (cd_context_get_store (ctx))), !=, first_key);
  g_clear_object (&ctx);
  ctx = cd_context_new (dir, path, &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= n; i += 997)
    {
      g_autoptr(CdApplication) app = NULL;
      g_autofree char *json = NULL;

      g_assert_true (cd_application_store_load (ctx, i, &app, NULL, &error));
      g_assert_no_error (error);
      json = cd_application_to_string (app);
      g_assert_cmpstr (json, ==, expected->pdata[i - 1]);
    }
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM application WHERE data LIKE '%\"cd1." "%'"), ==, n);
  {
    g_autofree char *like = g_strdup_printf ("SELECT count(*) FROM application WHERE data LIKE '%%cd1.%s%%'",
                                             first_key);
    g_assert_cmpint (cd_test_count (ctx, like), ==, 0);
  }
  g_assert_true (search_finds (ctx, "650102200000004711", 4711));
  g_clear_object (&ctx);
  cd_test_rm_rf (dir);
}

/* A database sealed before certificates were (an earlier CertDesk sealed applicants and applications only): its
 * certificates' subjects and PEMs and its burn journal's certificates are sealed at the next open, in one
 * transaction with progress, audited once; the store gives them back clear; keys rotate re-seals them. */
static void
test_certificates_sealed_later (void)
{
  static const char subject[] = "C=CN,CN=欧阳明远,serialNumber=65010220000229001X";
  static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIQ0123456789abcdefOUYANGMINGYUAN\n"
                            "-----END CERTIFICATE-----\n";
  g_autofree char *dir = g_dir_make_tmp ("certdesk-crypt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "certdesk.db", NULL);
  g_autoptr(CdApplication) person = cd_test_load_fixture ("app-bj-person.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autofree char *first_key = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  sqlite3 *db = NULL;
  guint64 last = 0;
  gint64 id;

  ctx = cd_context_new (dir, path, &error);
  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (ctx, person, TRUE, &id, &error));
  g_assert_no_error (error);
  g_clear_object (&ctx);
  /* what the earlier CertDesk left: the certificate and the journal in the clear, no mark of their sealing */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf (
      "DELETE FROM setting WHERE key = 'crypt.certificates';"
      "INSERT INTO certificate (id, serial, application_id, issuer, subject, not_before, not_after, state, pem, day, at)"
      " VALUES (1, '0A', %" G_GINT64_FORMAT ", 'local', '%s', '2026-01-31T00:00:00Z', '2027-01-31T00:00:00Z', 'issued',"
      " '%s', '2026-01-31', '2026-01-31T01:00:00Z');"
      "INSERT INTO burn_journal (application_id, attempt, step, phase, detail, at) VALUES (%" G_GINT64_FORMAT ", 1,"
      " 'issue', 'done', json_object('pem', '%s', 'serial', '0A'), '2026-01-31T01:00:00Z');", id, subject, pem, id, pem);

    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  sqlite3_close (db);
  g_assert_true (file_contains (path, "欧阳明远") || file_contains (wal, "欧阳明远"));   /* the test can fail */

  cd_store_crypt_set_progress (count_progress, &last);
  ctx = cd_context_new (dir, path, &error);
  cd_store_crypt_set_progress (NULL, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (last, ==, 1);
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM certificate WHERE subject LIKE 'cd1.%'"
                                       " AND pem LIKE 'cd1.%'"), ==, 1);
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM burn_journal WHERE detail LIKE '%BEGIN%'"), ==, 0);
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM audit_log WHERE action = 'keys.encrypt'"
                                       " AND detail LIKE '%certificate%'"), ==, 1);
  g_assert_true (cd_certificate_store_lookup (cd_context_get_store (ctx), "0a", &rec, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rec->subject, ==, subject);
  g_assert_cmpstr (rec->pem, ==, pem);
  g_clear_pointer (&rec, cd_cert_record_free);
  rows = cd_burn_store_rows (cd_context_get_store (ctx), id, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  {
    g_autoptr(JsonNode) detail = json_from_string (((CdBurnRow *) rows->pdata[0])->detail, NULL);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (detail), "pem"), ==, pem);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (detail), "serial"), ==, "0A");
  }
  status = cd_store_crypt_status (cd_context_get_store (ctx), NULL);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (status), "sealed"),
                                               "certificate"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (status), "clear"),
                                               "certificate"), ==, 0);
  first_key = g_strdup (cd_keys_get_id (cd_store_get_keys (cd_context_get_store (ctx))));
  g_clear_object (&ctx);
  g_assert_false (file_contains (path, "欧阳明远"));
  g_assert_false (file_contains (path, "OUYANGMINGYUAN"));

  /* keys rotate: sealed again under the new data key, still read back; the next open seals nothing again */
  ctx = cd_context_new (dir, path, &error);
  g_assert_no_error (error);
  g_assert_true (cd_store_crypt_rotate (cd_context_get_store (ctx), "test", &error));
  g_assert_no_error (error);
  g_clear_object (&ctx);
  last = 0;
  cd_store_crypt_set_progress (count_progress, &last);
  ctx = cd_context_new (dir, path, &error);
  cd_store_crypt_set_progress (NULL, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (last, ==, 0);
  {
    g_autofree char *old = g_strdup_printf ("SELECT count(*) FROM certificate WHERE subject LIKE 'cd1.%s%%'"
                                            " OR pem LIKE 'cd1.%s%%'", first_key, first_key);
    g_autofree char *journal = g_strdup_printf ("SELECT count(*) FROM burn_journal WHERE detail LIKE '%%cd1.%s%%'",
                                                first_key);

    g_assert_cmpint (cd_test_count (ctx, old), ==, 0);
    g_assert_cmpint (cd_test_count (ctx, journal), ==, 0);
  }
  g_assert_true (cd_certificate_store_lookup (cd_context_get_store (ctx), "0A", &rec, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rec->subject, ==, subject);
  g_assert_cmpstr (rec->pem, ==, pem);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = cd_burn_store_rows (cd_context_get_store (ctx), id, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (((CdBurnRow *) rows->pdata[0])->detail, "OUYANGMINGYUAN"));
  g_assert_cmpint (cd_test_count (ctx, "SELECT count(*) FROM audit_log WHERE action = 'keys.encrypt'"
                                       " AND detail LIKE '%certificate%'"), ==, 1);
  g_clear_object (&ctx);
  cd_test_rm_rf (dir);
}

/* The database copied to a machine without its key: refused with a sentence, the file unchanged byte for byte. */
static void
test_missing_key (void)
{
  g_autofree char *dir = g_dir_make_tmp ("certdesk-crypt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "certdesk.db", NULL);
  g_autofree char *stranger = g_build_filename (dir, "other-machine", "kek.key", NULL);
  g_autofree char *own = g_strdup (g_getenv ("CERTDESK_KEK_FILE"));
  g_autoptr(CdApplication) person = cd_test_load_fixture ("app-bj-person.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;
  CdContext *ctx;
  CdStore *store;
  gint64 id;

  ctx = cd_context_new (dir, path, &error);
  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (ctx, person, TRUE, &id, &error));
  g_object_unref (ctx);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  g_setenv ("CERTDESK_KEK_FILE", stranger, TRUE);
  store = cd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_KEYS);
  g_assert_nonnull (strstr (error->message, "not on this computer"));
  g_assert_nonnull (strstr (error->message, "Nothing in the database was changed"));
  g_assert_nonnull (strstr (error->message, "kek.key"));
  g_assert_false (g_file_test (stranger, G_FILE_TEST_EXISTS));   /* no key was made for it either */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  /* back on its own machine it opens, nothing lost */
  g_setenv ("CERTDESK_KEK_FILE", own, TRUE);
  g_clear_error (&error);
  ctx = cd_context_new (dir, path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(CdApplication) app = NULL;

    g_assert_true (cd_application_store_load (ctx, id, &app, NULL, &error));
    g_assert_cmpstr (app->person->id_number, ==, "65010220000229001X");
  }
  g_object_unref (ctx);
  cd_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/crypt-store/workload-no-clear-text", CdTestContext, NULL, cd_test_context_setup,
              test_workload_no_clear_text, cd_test_context_teardown);
  g_test_add_func ("/crypt-store/migrate-10000", test_migrate_10000);
  g_test_add_func ("/crypt-store/missing-key", test_missing_key);
  g_test_add_func ("/crypt-store/certificates-sealed-later", test_certificates_sealed_later);
  return g_test_run ();
}
