/* cd-scan-store.c: content-addressed scan objects on disk, `scan` rows and their audit trail.
 *
 * Objects are written before the transaction that references them: a content-addressed file is the same
 * whoever writes it, so a rolled-back add only leaves an unreferenced object, never a dangling row. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cd-audit.h"
#include "cd-import-fit.h"
#include "cd-scan-store.h"
#include "cd-worker.h"

G_DEFINE_QUARK (cd-scan-store-error-quark, cd_scan_store_error)

typedef struct {
  char *path;
  char *sha256;
  char *name;
  guint page;
} PictureJob;

#define SCAN_COLUMNS "id, application_id, material_code, sha256, mime, bytes, original_name, page, deleted, created_at"

static gboolean
is_hex_sha256 (const char *s)
{
  if (!s || strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static CdScanInfo *
info_from_row (sqlite3_stmt *stmt)
{
  CdScanInfo *info = g_new0 (CdScanInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->application_id = sqlite3_column_int64 (stmt, 1);
  info->material_code = cd_store_column_dup (stmt, 2);
  info->sha256 = cd_store_column_dup (stmt, 3);
  info->mime = cd_store_column_dup (stmt, 4);
  info->bytes = sqlite3_column_int64 (stmt, 5);
  info->original_name = cd_store_column_dup (stmt, 6);
  info->page = (guint) sqlite3_column_int (stmt, 7);
  info->deleted = sqlite3_column_int (stmt, 8) != 0;
  info->created_at = cd_store_column_dup (stmt, 9);
  return info;
}

static gboolean
find_existing (CdStore *store, gint64 application_id, const char *material_code, const char *sha256, guint page,
               gint64 *out_id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT id FROM scan WHERE application_id = ?1 AND material_code = ?2"
                                " AND sha256 = ?3 AND page = ?4 AND deleted = 0 ORDER BY id LIMIT 1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_text (stmt, 2, material_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, (int) page);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_id = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out_id = 0;
  else
    return cd_store_set_error (store, error);
  return TRUE;
}

/* The row and its audit entry, inside the caller's transaction. */
static gboolean
add_row (CdContext *ctx, gint64 application_id, const char *material_code, const char *sha256, const char *mime,
         gsize bytes, const char *original_name, guint page, const char *original_sha256, gint64 *out_id,
         gboolean *out_existing, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gint64 id = 0;

  if (!find_existing (store, application_id, material_code, sha256, page, &id, error))
    return FALSE;
  if (id > 0)
    {
      *out_id = id;
      *out_existing = TRUE;
      return TRUE;
    }
  if (!cd_store_prepare (store, "INSERT INTO scan (application_id, material_code, sha256, mime, bytes,"
                                " original_name, page, deleted, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
                         &ins, error))
    return FALSE;
  sqlite3_bind_int64 (ins, 1, application_id);
  sqlite3_bind_text (ins, 2, material_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 3, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 4, mime, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ins, 5, (gint64) bytes);
  cd_store_bind_text_or_null (ins, 6, original_name);
  sqlite3_bind_int (ins, 7, (int) page);
  sqlite3_bind_text (ins, 8, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, ins, error))
    return FALSE;
  id = sqlite3_last_insert_rowid (cd_store_get_db (store));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scan_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "material");
  json_builder_add_string_value (b, material_code);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha256);
  json_builder_set_member_name (b, "mime");
  json_builder_add_string_value (b, mime);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) bytes);
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, page);
  if (original_sha256)
    {
      json_builder_set_member_name (b, "reencoded_from");
      json_builder_add_string_value (b, original_sha256);
    }
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  if (!cd_audit_append (store, cd_context_get_actor (ctx), "scan.add", "application", application_id, detail,
                        error))
    return FALSE;
  *out_id = id;
  *out_existing = FALSE;
  return TRUE;
}

static void
picture_job_free (gpointer data)
{
  PictureJob *job = data;

  g_free (job->path);
  g_free (job->sha256);
  g_free (job->name);
  g_free (job);
}

/* Reads the object at @path, checking its content still has the hash it is named by. */
static GBytes *
read_object (const char *path, const char *sha256, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *check = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, CD_SCAN_STORE_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? CD_SCAN_STORE_ERROR_NOT_FOUND
                                                                             : CD_SCAN_STORE_ERROR_IO,
                   _("The scan %.12s… cannot be read: %s"), sha256, local->message);
      return NULL;
    }
  check = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
  if (g_strcmp0 (check, sha256) != 0)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_DAMAGED,
                   _("The stored scan %.12s… has been altered or damaged on disk; attach it again."), sha256);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

/* Reads the object at @path (its hash checked) and decodes @page; no CdContext, so it can run in a worker. */
static GdkPixbuf *
load_picture (const char *path, const char *sha256, const char *name, guint page, GCancellable *cancellable,
              GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CdImportFile) file = NULL;
  CdImportLimits limits;

  if (!(bytes = read_object (path, sha256, error)))
    return NULL;
  cd_import_limits_init (&limits);
  limits.only_page = page;
  /* Stored objects passed the checks once; they are decoded with the same limits all the same. The extension
   * check is moot here: the object has no name of its own. */
  if (!(file = cd_import_load_bytes (name, bytes, &limits, cancellable, error)))
    return NULL;
  if (file->pages->len == 0)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_NOT_FOUND, _("The scan has no page %u."), page);
      return NULL;
    }
  return g_object_ref (((CdImportPage *) file->pages->pdata[0])->pixbuf);
}

static void
picture_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  PictureJob *job = task_data;
  GError *error = NULL;
  GdkPixbuf *pixbuf = load_picture (job->path, job->sha256, job->name, job->page, cancellable, &error);

  if (!pixbuf)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, pixbuf, g_object_unref);
}

static gboolean
set_deleted (CdContext *ctx, gint64 scan_id, gboolean deleted, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdScanInfo) info = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;

  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_scan_store_get (ctx, scan_id, &info, error))
    goto fail;
  if (info->deleted == deleted)
    return cd_store_commit (store, error);         /* already so: nothing to record */
  if (!cd_store_prepare (store, "UPDATE scan SET deleted = ?2 WHERE id = ?1", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, scan_id);
  sqlite3_bind_int (upd, 2, deleted ? 1 : 0);
  if (!cd_store_step_done (store, upd, error))
    goto fail;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scan_id");
  json_builder_add_int_value (b, scan_id);
  json_builder_set_member_name (b, "material");
  json_builder_add_string_value (b, info->material_code);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, info->sha256);
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  if (!cd_audit_append (store, cd_context_get_actor (ctx), deleted ? "scan.delete" : "scan.restore", "application",
                        info->application_id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

void
cd_scan_info_free (CdScanInfo *info)
{
  if (!info)
    return;
  g_free (info->material_code);
  g_free (info->sha256);
  g_free (info->mime);
  g_free (info->original_name);
  g_free (info->created_at);
  g_free (info);
}

char *
cd_scan_store_object_path (CdContext *ctx, const char *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], 0 };

  g_return_val_if_fail (is_hex_sha256 (sha256), NULL);
  return g_build_filename (cd_context_get_state_dir (ctx), "scans", prefix, sha256 + 2, NULL);
}

char *
cd_scan_store_put_object (CdContext *ctx, GBytes *bytes, GError **error)
{
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *path = cd_scan_store_object_path (ctx, sha);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&sha);                 /* the same content is already there */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_IO, _("Cannot create the scan folder %s: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  if (!g_file_set_contents_full (path, data ? data : "", len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_IO, _("Cannot save the scan: %s"),
                   local->message);
      return NULL;
    }
  return g_steal_pointer (&sha);
}

GBytes *
cd_scan_store_open (CdContext *ctx, const char *sha256, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);

  if (!is_hex_sha256 (sha256))
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_INVALID, _("“%s” is not a scan hash."),
                   sha256 ? sha256 : "");
      return NULL;
    }
  path = cd_scan_store_object_path (ctx, sha256);
  return read_object (path, sha256, error);
}

gboolean
cd_scan_store_add (CdContext *ctx, gint64 application_id, const char *material_code, GBytes *bytes,
                   const char *mime, const char *original_name, guint page, GBytes *original, gint64 *out_id,
                   gboolean *out_existing, GError **error)
{
  CdStore *store;
  g_autofree char *sha = NULL;
  g_autofree char *original_sha = NULL;
  gint64 id = 0;
  gboolean existing = FALSE;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  g_return_val_if_fail (bytes != NULL && mime != NULL, FALSE);

  if (!material_code || !*material_code)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_INVALID,
                   _("A scan must be attached to a material of the checklist."));
      return FALSE;
    }
  store = cd_context_get_store (ctx);
  if (!(sha = cd_scan_store_put_object (ctx, bytes, error)))
    return FALSE;
  if (original && !(original_sha = cd_scan_store_put_object (ctx, original, error)))
    return FALSE;
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!add_row (ctx, application_id, material_code, sha, mime, g_bytes_get_size (bytes), original_name, page,
                original_sha, &id, &existing, error)
      || !cd_store_commit (store, error))
    {
      cd_store_rollback (store);
      return FALSE;
    }
  if (out_id)
    *out_id = id;
  if (out_existing)
    *out_existing = existing;
  return TRUE;
}

GArray *
cd_scan_store_add_import (CdContext *ctx, gint64 application_id, const char *material_code,
                          const CdImportFile *file, GError **error)
{
  CdStore *store;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) shas = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *original_sha = NULL;
  gboolean any_reencoded = FALSE;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (file != NULL, NULL);

  if (!material_code || !*material_code || file->candidates->len == 0)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_INVALID,
                   material_code && *material_code ? _("“%s” has not been checked against the upload rules.")
                                                   : _("A scan must be attached to a material of the checklist."),
                   file->name);
      return NULL;
    }
  store = cd_context_get_store (ctx);
  for (guint i = 0; i < file->candidates->len; i++)
    {
      CdImportCandidate *c = g_ptr_array_index (file->candidates, i);
      char *sha = cd_scan_store_put_object (ctx, c->bytes, error);

      if (!sha)
        return NULL;
      g_ptr_array_add (shas, sha);
      any_reencoded |= c->reencoded;
    }
  /* The original is kept even when only its re-encodes are attached. */
  if (any_reencoded && !(original_sha = cd_scan_store_put_object (ctx, file->bytes, error)))
    return NULL;
  if (!cd_store_begin (store, error))
    return NULL;
  for (guint i = 0; i < file->candidates->len; i++)
    {
      CdImportCandidate *c = g_ptr_array_index (file->candidates, i);
      gint64 id = 0;
      gboolean existing = FALSE;

      if (!add_row (ctx, application_id, material_code, g_ptr_array_index (shas, i), cd_import_type_to_mime (c->type),
                    g_bytes_get_size (c->bytes), file->name, c->page, c->reencoded ? original_sha : NULL, &id,
                    &existing, error))
        {
          cd_store_rollback (store);
          return NULL;
        }
      g_array_append_val (ids, id);
    }
  if (!cd_store_commit (store, error))
    {
      cd_store_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

GPtrArray *
cd_scan_store_list (CdContext *ctx, gint64 application_id, const char *material_code, gboolean include_deleted,
                    GError **error)
{
  CdStore *store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_scan_info_free);
  int rc;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);

  store = cd_context_get_store (ctx);
  if (!cd_store_prepare (store, "SELECT " SCAN_COLUMNS " FROM scan WHERE application_id = ?1"
                                " AND (?2 IS NULL OR material_code = ?2) AND (?3 OR deleted = 0) ORDER BY id",
                         &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  cd_store_bind_text_or_null (stmt, 2, material_code);
  sqlite3_bind_int (stmt, 3, include_deleted ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, info_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cd_scan_store_get (CdContext *ctx, gint64 scan_id, CdScanInfo **out_info, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT " SCAN_COLUMNS " FROM scan WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scan_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_NOT_FOUND,
                   _("Scan %lld does not exist."), (long long) scan_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return cd_store_set_error (store, error);
  *out_info = info_from_row (stmt);
  return TRUE;
}

GdkPixbuf *
cd_scan_store_load_picture (CdContext *ctx, const CdScanInfo *info, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (info != NULL && is_hex_sha256 (info->sha256), NULL);

  path = cd_scan_store_object_path (ctx, info->sha256);
  return load_picture (path, info->sha256, info->sha256, info->page, cancellable, error);
}

void
cd_scan_store_load_picture_async (CdContext *ctx, const CdScanInfo *info, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  PictureJob *job;

  g_return_if_fail (CD_IS_CONTEXT (ctx));
  g_return_if_fail (info != NULL && is_hex_sha256 (info->sha256));

  job = g_new0 (PictureJob, 1);
  job->path = cd_scan_store_object_path (ctx, info->sha256);
  job->sha256 = g_strdup (info->sha256);
  job->name = g_strdup (info->sha256);
  job->page = info->page;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cd_scan_store_load_picture_async);
  g_task_set_task_data (task, job, picture_job_free);
  g_task_run_in_thread (task, picture_thread);
}

GdkPixbuf *
cd_scan_store_load_picture_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cd_scan_store_load_picture_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
cd_scan_store_delete (CdContext *ctx, gint64 scan_id, GError **error)
{
  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  return set_deleted (ctx, scan_id, TRUE, error);
}

gboolean
cd_scan_store_undelete (CdContext *ctx, gint64 scan_id, GError **error)
{
  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  return set_deleted (ctx, scan_id, FALSE, error);
}
