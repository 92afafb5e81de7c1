/* cd-scan-store.c: content-addressed scan objects on disk, and the `scan` rows that reference them (written and
 * audited by src/core's cd-scan-row-store).
 *
 * Objects are written before the transaction that references them: a content-addressed file is the same
 * whoever writes it, so a rolled-back add only leaves an unreferenced object, never a dangling row. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cd-import-fit.h"
#include "cd-scan-row-store.h"
#include "cd-scan-store.h"
#include "cd-sealed-scans.h"
#include "cd-worker.h"

G_DEFINE_QUARK (cd-scan-store-error-quark, cd_scan_store_error)

typedef struct {
  char *path;
  char *sha256;
  char *name;
  guint page;
  CdKeys *keys;
} PictureJob;

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

/* The row and its audit entry, inside the caller's transaction. */
static gboolean
add_row (CdContext *ctx, gint64 application_id, const char *material_code, const char *sha256, const char *mime,
         gsize bytes, const char *original_name, guint page, const char *original_sha256, gint64 *out_id,
         gboolean *out_existing, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  gint64 id = 0;

  if (!cd_scan_rows_find (store, application_id, material_code, sha256, page, &id, error))
    return FALSE;
  if (id > 0)
    {
      *out_id = id;
      *out_existing = TRUE;
      return TRUE;
    }
  if (!cd_scan_rows_insert (ctx, application_id, material_code, sha256, mime, (gint64) bytes, original_name, page,
                            original_sha256, &id, error))
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
  g_clear_pointer (&job->keys, cd_keys_unref);
  g_free (job);
}

/* Reads the object at @path (sealed at rest under @keys, or clear when written before the counter had keys),
 * checking its content still has the hash it is named by. No CdContext: workers call it. */
GBytes *
cd_scan_store_read_object (CdKeys *keys, const char *path, const char *sha256, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *check = NULL;
  g_autoptr(GError) local = NULL;

  if (!(bytes = cd_sealed_scans_read (keys, path, 0, _("stored scan"), &local)))
    {
      if (local->domain == CD_KEYS_ERROR)
        /* another counter's key set (a copied file), or a changed byte: cd_sealed_scans_settle left it as it is */
        g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_DAMAGED,
                     _("The scan %.12s… cannot be read: it was encrypted on another counter, or it is damaged. "
                       "Attach it again."), sha256);
      else
        g_set_error (error, CD_SCAN_STORE_ERROR,
                     g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? CD_SCAN_STORE_ERROR_NOT_FOUND
                                                                               : CD_SCAN_STORE_ERROR_IO,
                     _("The scan %.12s… cannot be read: %s"), sha256, local->message);
      return NULL;
    }
  check = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (check, sha256) != 0)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_DAMAGED,
                   _("The stored scan %.12s… has been altered or damaged on disk; attach it again."), sha256);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/* Reads the object at @path (its hash checked) and decodes @page; no CdContext, so it can run in a worker. */
static GdkPixbuf *
load_picture (CdKeys *keys, const char *path, const char *sha256, const char *name, guint page,
              GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CdImportFile) file = NULL;
  CdImportLimits limits;

  if (!(bytes = cd_scan_store_read_object (keys, path, sha256, error)))
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
  GdkPixbuf *pixbuf = load_picture (job->keys, job->path, job->sha256, job->name, job->page, cancellable,
                                    &error);

  if (!pixbuf)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, pixbuf, g_object_unref);
}

static gboolean
set_deleted (CdContext *ctx, gint64 scan_id, gboolean deleted, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdScanInfo) info = NULL;

  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_scan_store_get (ctx, scan_id, &info, error))
    goto fail;
  if (info->deleted == deleted)
    return cd_store_commit (store, error);         /* already so: nothing to record */
  if (!cd_scan_rows_set_deleted (ctx, info, deleted, error) || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

static CdKeys *
scan_keys (CdContext *ctx)
{
  return cd_store_get_keys (cd_context_get_store (ctx));
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
  /* sealed at rest: a copied scan folder shows no ID card (issue 17) */
  if (!cd_sealed_file_write (scan_keys (ctx), path, CD_SEALED_FILE_SCAN_AAD, data, len, &local))
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
  return cd_scan_store_read_object (scan_keys (ctx), path, sha256, error);
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
  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);

  return cd_scan_rows_list (cd_context_get_store (ctx), application_id, material_code, include_deleted, error);
}

gboolean
cd_scan_store_get (CdContext *ctx, gint64 scan_id, CdScanInfo **out_info, GError **error)
{
  g_autoptr(CdScanInfo) info = NULL;

  if (!cd_scan_rows_get (cd_context_get_store (ctx), scan_id, &info, error))
    return FALSE;
  if (info == NULL)
    {
      g_set_error (error, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_NOT_FOUND,
                   _("Scan %lld does not exist."), (long long) scan_id);
      return FALSE;
    }
  *out_info = g_steal_pointer (&info);
  return TRUE;
}

GdkPixbuf *
cd_scan_store_load_picture (CdContext *ctx, const CdScanInfo *info, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (info != NULL && is_hex_sha256 (info->sha256), NULL);

  path = cd_scan_store_object_path (ctx, info->sha256);
  return load_picture (scan_keys (ctx), path, info->sha256, info->sha256, info->page, cancellable, error);
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
  job->keys = scan_keys (ctx) ? cd_keys_ref (scan_keys (ctx)) : NULL;
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
