/* test-scan-store.c: content-addressed objects, scan rows, dedupe, delete/undo and their audit rows. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-audit.h"
#include "cd-import-fit.h"
#include "cd-scan-store.h"
#include "cd-sealed-scans.h"
#include "cd-store-crypt.h"
#include "cd-test-context.h"
#include "cd-import-test-util.h"

static gint64
make_application (CdContext *ctx)
{
  g_autoptr(GError) error = NULL;

  cd_store_exec (cd_context_get_store (ctx),
                 "INSERT INTO application (number, profile, business, applicant_type, state, data, day, created_at,"
                 " updated_at) VALUES ('T-1', 'nmg-zfcg-sxca', 'new', 'enterprise', 'draft', '{}', '2026-01-31',"
                 " '2026-01-31T01:00:00Z', '2026-01-31T01:00:00Z')", &error);
  g_assert_no_error (error);
  return sqlite3_last_insert_rowid (cd_store_get_db (cd_context_get_store (ctx)));
}

static GPtrArray *
audit_actions (CdContext *ctx, const char *prefix)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  cd_store_prepare (cd_context_get_store (ctx), "SELECT action, detail FROM audit_log WHERE action LIKE ?1 || '%'"
                                                " ORDER BY id", &stmt, &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup_printf ("%s %s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1)));
  return out;
}

static void
test_add_dedupe_open (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) front = cd_test_image ("jpeg", 500, 320);
  g_autoptr(GBytes) back = cd_test_image ("png", 500, 320);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, front);
  g_autofree char *path = NULL;
  g_autofree char *expect = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GBytes) read = NULL;
  gint64 id1 = 0, id2 = 0, id3 = 0;
  gboolean existing = TRUE;
  gint64 verified = 0, bad = 0;

  /* Both sides of an ID card on one material. */
  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", front, "image/jpeg", "front.jpg", 0, NULL, &id1,
                                    &existing, &error));
  g_assert_no_error (error);
  g_assert_false (existing);
  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", back, "image/png", "back.png", 0, NULL, &id2,
                                    &existing, &error));
  g_assert_false (existing);
  g_assert_cmpint (id2, >, id1);

  /* The same content again: no new row, no new audit entry. */
  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", front, "image/jpeg", "front-copy.jpg", 0, NULL, &id3,
                                    &existing, &error));
  g_assert_true (existing);
  g_assert_cmpint (id3, ==, id1);

  path = cd_scan_store_object_path (t->ctx, sha);
  expect = g_strdup_printf ("%s/scans/%.2s/%s", t->dir, sha, sha + 2);
  g_assert_cmpstr (path, ==, expect);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  list = cd_scan_store_list (t->ctx, app, "legal_id", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((CdScanInfo *) list->pdata[0])->sha256, ==, sha);
  g_assert_cmpstr (((CdScanInfo *) list->pdata[0])->original_name, ==, "front.jpg");
  g_assert_cmpint (((CdScanInfo *) list->pdata[0])->bytes, ==, g_bytes_get_size (front));
  g_assert_cmpstr (((CdScanInfo *) list->pdata[1])->mime, ==, "image/png");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = cd_scan_store_list (t->ctx, app, "unit_licence", FALSE, &error);
  g_assert_cmpuint (list->len, ==, 0);

  read = cd_scan_store_open (t->ctx, sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, front));

  audit = audit_actions (t->ctx, "scan.");
  g_assert_cmpuint (audit->len, ==, 2);
  g_assert_true (g_str_has_prefix (audit->pdata[0], "scan.add {"));
  g_assert_nonnull (strstr (audit->pdata[0], sha));
  g_assert_nonnull (strstr (audit->pdata[0], "\"material\":\"legal_id\""));
  g_assert_true (cd_audit_verify (cd_context_get_store (t->ctx), &verified, &bad, &error));
  g_assert_no_error (error);

  /* A damaged object is refused on open. */
  g_file_set_contents (path, "tampered", -1, &error);
  g_clear_pointer (&read, g_bytes_unref);
  read = cd_scan_store_open (t->ctx, sha, &error);
  g_assert_null (read);
  g_assert_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_DAMAGED);
  g_clear_error (&error);
  read = cd_scan_store_open (t->ctx, "../../etc/passwd", &error);
  g_assert_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_INVALID);
}

static void
test_delete_undo (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) scan = cd_test_image ("jpeg", 300, 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  gint64 id = 0, again = 0;
  gboolean existing;

  g_assert_true (cd_scan_store_add (t->ctx, app, "unit_licence", scan, "image/jpeg", "licence.jpg", 0, NULL, &id,
                                    &existing, &error));
  g_assert_true (cd_scan_store_delete (t->ctx, id, &error));
  g_assert_no_error (error);
  list = cd_scan_store_list (t->ctx, app, NULL, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 0);
  all = cd_scan_store_list (t->ctx, app, NULL, TRUE, &error);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_true (((CdScanInfo *) all->pdata[0])->deleted);

  /* Deleting twice records nothing more; undo brings it back. */
  g_assert_true (cd_scan_store_delete (t->ctx, id, &error));
  g_assert_true (cd_scan_store_undelete (t->ctx, id, &error));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = cd_scan_store_list (t->ctx, app, NULL, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 1);

  /* Deleted, then attached again: a new row (the old one stays deleted for the record). */
  g_assert_true (cd_scan_store_delete (t->ctx, id, &error));
  g_assert_true (cd_scan_store_add (t->ctx, app, "unit_licence", scan, "image/jpeg", "licence.jpg", 0, NULL, &again,
                                    &existing, &error));
  g_assert_false (existing);
  g_assert_cmpint (again, !=, id);

  audit = audit_actions (t->ctx, "scan.");
  g_assert_cmpuint (audit->len, ==, 5);
  g_assert_true (g_str_has_prefix (audit->pdata[1], "scan.delete"));
  g_assert_true (g_str_has_prefix (audit->pdata[2], "scan.restore"));
  g_assert_true (g_str_has_prefix (audit->pdata[3], "scan.delete"));
  g_assert_true (g_str_has_prefix (audit->pdata[4], "scan.add"));

  g_assert_false (cd_scan_store_delete (t->ctx, 9999, &error));
  g_assert_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_NOT_FOUND);
}

/* An over-limit BMP: the re-encode is attached, the original kept as its own object and named in the audit. */
static void
test_add_import_reencoded (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) bmp = cd_test_image ("bmp", 1600, 1200);
  g_autofree char *orig_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bmp);
  g_autofree char *orig_path = NULL;
  const char *const types[] = { "jpeg", "png", "bmp", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("licence.bmp", bmp, NULL, NULL, &error);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GBytes) stored = NULL;
  CdScanInfo *info;

  g_assert_no_error (error);
  g_assert_true (cd_import_file_fit (file, types, 1048576, NULL, &error));
  ids = cd_scan_store_add_import (t->ctx, app, "unit_licence", file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  list = cd_scan_store_list (t->ctx, app, "unit_licence", FALSE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  info = list->pdata[0];
  g_assert_cmpstr (info->mime, ==, "image/jpeg");
  g_assert_cmpstr (info->original_name, ==, "licence.bmp");
  g_assert_cmpint (info->bytes, <=, 1048576);
  stored = cd_scan_store_open (t->ctx, info->sha256, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cd_import_sniff (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored)), ==,
                   CD_IMPORT_TYPE_JPEG);

  orig_path = cd_scan_store_object_path (t->ctx, orig_sha);
  g_assert_true (g_file_test (orig_path, G_FILE_TEST_IS_REGULAR));
  audit = audit_actions (t->ctx, "scan.add");
  g_assert_cmpuint (audit->len, ==, 1);
  g_assert_nonnull (strstr (audit->pdata[0], orig_sha));
}

/* A PDF the profile takes: one object, one row per page. */
static void
test_add_import_pdf (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) pdf = cd_test_pdf (3, 595.276, 841.89);
  const char *const types[] = { "jpeg", "pdf", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdImportFile) file = cd_import_load_bytes ("licence.pdf", pdf, NULL, NULL, &error);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (cd_import_file_fit (file, types, 2097152, NULL, &error));
  ids = cd_scan_store_add_import (t->ctx, app, "unit_licence", file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  list = cd_scan_store_list (t->ctx, app, NULL, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      CdScanInfo *info = list->pdata[i];

      g_assert_cmpuint (info->page, ==, i + 1);
      g_assert_cmpstr (info->mime, ==, "application/pdf");
      g_assert_cmpstr (info->sha256, ==, ((CdScanInfo *) list->pdata[0])->sha256);
    }
  /* The viewer: page 2 alone, rendered at 200 dpi (A4: 1654 × 2339). */
  {
    g_autoptr(GdkPixbuf) picture = cd_scan_store_load_picture (t->ctx, list->pdata[1], NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (picture), ==, 1654);
    g_assert_cmpint (gdk_pixbuf_get_height (picture), ==, 2339);
  }
}

static void
on_picture_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GdkPixbuf **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cd_scan_store_load_picture_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_load_picture_async (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) scan = cd_test_image ("png", 120, 80);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdScanInfo) info = NULL;
  GdkPixbuf *picture = NULL;
  gint64 id = 0;

  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", scan, "image/png", "front.png", 0, NULL, &id, NULL,
                                    &error));
  g_assert_true (cd_scan_store_get (t->ctx, id, &info, &error));
  cd_scan_store_load_picture_async (t->ctx, info, NULL, on_picture_cb, &picture);
  while (!picture)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (gdk_pixbuf_get_width (picture), ==, 120);
  g_object_unref (picture);
}

static void
test_no_application (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GBytes) scan = cd_test_image ("jpeg", 30, 20);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_false (cd_scan_store_add (t->ctx, 4242, "unit_licence", scan, "image/jpeg", "x.jpg", 0, NULL, &id, NULL,
                                     &error));
  g_assert_nonnull (error);
  g_assert_cmpint (id, ==, 0);
  g_clear_error (&error);
  g_assert_false (cd_scan_store_add (t->ctx, 1, "", scan, "image/jpeg", "x.jpg", 0, NULL, &id, NULL, &error));
  g_assert_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_INVALID);
}

static gboolean
file_has (const char *path, GBytes *needle, gsize offset, gsize len)
{
  g_autofree char *data = NULL;
  gsize n = 0;

  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  return memmem (data, n, (const char *) g_bytes_get_data (needle, NULL) + offset, len) != NULL;
}

static gboolean
rotate_cb (CdStore *store, gpointer data, GError **error)
{
  return cd_store_crypt_rotate (store, "boss", error);
}

static CdContext *
reopen (CdTestContext *t)
{
  g_autoptr(GError) error = NULL;
  CdContext *ctx;

  g_clear_object (&t->ctx);
  ctx = cd_context_new (t->dir, NULL, &error);
  g_assert_no_error (error);
  return t->ctx = ctx;
}

/* Issue 17: an object on disk shows nothing of the image; it reads back as it went in; an object written in
 * clear before the database had keys is sealed when the counter opens; keys rotate re-seals the folder, and a
 * rotation cut off between the database and the files finishes at the next start. */
static void
test_sealed_at_rest (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) front = cd_test_image ("jpeg", 500, 320);
  g_autoptr(GBytes) back = cd_test_image ("png", 480, 300);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, front);
  g_autofree char *back_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, back);
  g_autofree char *path = NULL;
  g_autofree char *back_path = NULL;
  g_autofree char *key_before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) read = NULL;
  gsize mid = g_bytes_get_size (front) / 2;
  gint64 id = 0;

  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", front, "image/jpeg", "front.jpg", 0, NULL, &id, NULL,
                                    &error));
  g_assert_no_error (error);
  path = cd_scan_store_object_path (t->ctx, sha);
  g_assert_false (file_has (path, front, 0, 3));          /* no JPEG signature */
  g_assert_false (file_has (path, front, mid, 32));       /* no run of the image's bytes */
  read = cd_scan_store_open (t->ctx, sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, front));
  g_clear_pointer (&read, g_bytes_unref);

  /* an object of before the keys: clear on disk, read as it is, sealed at the next start */
  back_path = cd_scan_store_object_path (t->ctx, back_sha);
  {
    g_autofree char *dir = g_path_get_dirname (back_path);

    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (back_path, g_bytes_get_data (back, NULL), g_bytes_get_size (back), NULL));
  }
  read = cd_scan_store_open (t->ctx, back_sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, back));
  g_clear_pointer (&read, g_bytes_unref);
  g_assert_true (cd_store_setting_set (cd_context_get_store (t->ctx), CD_SEALED_SCANS_DONE_SETTING, "", NULL));
  reopen (t);
  g_assert_false (file_has (back_path, back, 0, 4));
  read = cd_scan_store_open (t->ctx, back_sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, back));
  g_clear_pointer (&read, g_bytes_unref);

  /* keys rotate: the folder re-sealed under the new data key */
  key_before = g_strdup (cd_keys_get_id (cd_store_get_keys (cd_context_get_store (t->ctx))));
  g_assert_true (cd_sealed_scans_change_keys (t->ctx, rotate_cb, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cd_keys_get_id (cd_store_get_keys (cd_context_get_store (t->ctx))), !=, key_before);
  {
    g_autofree char *scans = g_build_filename (t->dir, "scans", NULL);

    g_assert_cmpuint (cd_sealed_files_count_unsealed (cd_store_get_keys (cd_context_get_store (t->ctx)), scans), ==,
                      0);
  }
  read = cd_scan_store_open (t->ctx, sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, front));
  g_clear_pointer (&read, g_bytes_unref);

  /* a rotation cut off after the database's commit, before the files: finished at the next start */
  {
    CdStore *store = cd_context_get_store (t->ctx);
    g_autofree char *current = cd_store_setting_dup (store, CD_STORE_CRYPT_SETTING);

    g_assert_true (cd_store_setting_set (store, CD_SEALED_SCANS_PREVIOUS_SETTING, current, NULL));
    g_assert_true (cd_store_crypt_rotate (store, "boss", &error));
    g_assert_no_error (error);
    read = cd_scan_store_open (t->ctx, sha, &error);        /* the files are still under the old key */
    g_assert_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_DAMAGED);
    g_clear_error (&error);
  }
  reopen (t);
  read = cd_scan_store_open (t->ctx, sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, front));
  g_clear_pointer (&read, g_bytes_unref);
  read = cd_scan_store_open (t->ctx, back_sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, back));
}

/* A scan object under a key set this counter does not hold (copied from another machine): the counter opens all
 * the same, the file is left as it is and logged by hash prefix and owning application only, the rest of the
 * folder is sealed, and reading that scan says it cannot be read. */
static void
test_stray_object (CdTestContext *t, gconstpointer data)
{
  gint64 app = make_application (t->ctx);
  g_autoptr(GBytes) front = cd_test_image ("jpeg", 500, 320);
  g_autoptr(GBytes) back = cd_test_image ("png", 480, 300);
  g_autoptr(GBytes) other = cd_test_image ("png", 320, 200);
  g_autofree char *back_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, back);
  g_autofree char *other_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, other);
  g_autofree char *back_path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected_log = NULL;
  g_autoptr(CdKeys) stranger = cd_keys_new_random (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) read = NULL;
  gsize before_len, after_len;
  gint64 id = 0;

  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", front, "image/jpeg", "front.jpg", 0, NULL, &id, NULL,
                                    &error));
  g_assert_true (cd_scan_store_add (t->ctx, app, "legal_id", back, "image/png", "back.png", 0, NULL, &id, NULL,
                                    &error));
  g_assert_true (cd_scan_store_add (t->ctx, app, "licence", other, "image/png", "licence.png", 0, NULL, &id, NULL,
                                    &error));
  g_assert_no_error (error);
  /* the back sealed on another counter and copied here; the licence clear, as written before there were keys */
  back_path = cd_scan_store_object_path (t->ctx, back_sha);
  g_assert_true (cd_sealed_file_write (stranger, back_path, CD_SEALED_FILE_SCAN_AAD, g_bytes_get_data (back, NULL),
                                       g_bytes_get_size (back), &error));
  g_assert_no_error (error);
  other_path = cd_scan_store_object_path (t->ctx, other_sha);
  g_assert_true (g_file_set_contents (other_path, g_bytes_get_data (other, NULL), g_bytes_get_size (other), NULL));
  g_assert_true (g_file_get_contents (back_path, &before, &before_len, NULL));
  g_assert_true (cd_store_setting_set (cd_context_get_store (t->ctx), CD_SEALED_SCANS_DONE_SETTING, "", NULL));

  /* the whole line is matched: nothing but the hash prefix and the application's number */
  expected_log = g_strdup_printf ("Scan object %.12s… opens with none of this counter's keys (sealed on another "
                                  "machine, or damaged): left as it is; applications showing it: %" G_GINT64_FORMAT,
                                  back_sha, app);
  g_test_expect_message ("CertDesk-Core", G_LOG_LEVEL_WARNING, expected_log);
  reopen (t);
  g_test_assert_expected_messages ();

  g_assert_true (g_file_get_contents (back_path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_false (file_has (other_path, other, 0, 4));     /* the clear one is sealed now */
  read = cd_scan_store_open (t->ctx, other_sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, other));
  g_clear_pointer (&read, g_bytes_unref);
  read = cd_scan_store_open (t->ctx, back_sha, &error);
  g_assert_null (read);
  g_assert_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "cannot be read"));
  g_assert_null (strstr (error->message, cd_keys_get_id (stranger)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/scan-store/add-dedupe-open", test_add_dedupe_open);
  ADD ("/scan-store/delete-undo", test_delete_undo);
  ADD ("/scan-store/import-reencoded", test_add_import_reencoded);
  ADD ("/scan-store/import-pdf", test_add_import_pdf);
  ADD ("/scan-store/no-application", test_no_application);
  ADD ("/scan-store/load-picture-async", test_load_picture_async);
  ADD ("/scan-store/sealed-at-rest", test_sealed_at_rest);
  ADD ("/scan-store/stray-object", test_stray_object);
#undef ADD
  return g_test_run ();
}
