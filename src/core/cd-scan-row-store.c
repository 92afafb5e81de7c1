/* cd-scan-row-store.c: the scan table (cd-scan-row-store.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-audit.h"
#include "cd-scan-row-store.h"

#define SCAN_COLUMNS "id, application_id, material_code, sha256, mime, bytes, original_name, page, deleted, created_at"

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

gboolean
cd_scan_rows_find (CdStore *store, gint64 application_id, const char *material_code, const char *sha256, guint page,
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

gboolean
cd_scan_rows_insert (CdContext *ctx, gint64 application_id, const char *material_code, const char *sha256,
                     const char *mime, gint64 bytes, const char *original_name, guint page,
                     const char *original_sha256, gint64 *out_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gint64 id;

  if (!cd_store_prepare (store, "INSERT INTO scan (application_id, material_code, sha256, mime, bytes,"
                                " original_name, page, deleted, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
                         &ins, error))
    return FALSE;
  sqlite3_bind_int64 (ins, 1, application_id);
  sqlite3_bind_text (ins, 2, material_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 3, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 4, mime, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ins, 5, bytes);
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
  json_builder_add_int_value (b, bytes);
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
  return TRUE;
}

gboolean
cd_scan_rows_set_deleted (CdContext *ctx, const CdScanInfo *info, gboolean deleted, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;

  if (!cd_store_prepare (store, "UPDATE scan SET deleted = ?2 WHERE id = ?1", &upd, error))
    return FALSE;
  sqlite3_bind_int64 (upd, 1, info->id);
  sqlite3_bind_int (upd, 2, deleted ? 1 : 0);
  if (!cd_store_step_done (store, upd, error))
    return FALSE;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scan_id");
  json_builder_add_int_value (b, info->id);
  json_builder_set_member_name (b, "material");
  json_builder_add_string_value (b, info->material_code);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, info->sha256);
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  return cd_audit_append (store, cd_context_get_actor (ctx), deleted ? "scan.delete" : "scan.restore", "application",
                          info->application_id, detail, error);
}

GPtrArray *
cd_scan_rows_list (CdStore *store, gint64 application_id, const char *material_code, gboolean include_deleted,
                   GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_scan_info_free);
  int rc;

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
cd_scan_rows_get (CdStore *store, gint64 scan_id, CdScanInfo **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT " SCAN_COLUMNS " FROM scan WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, scan_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = info_from_row (stmt);
  else if (rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  return TRUE;
}

GArray *
cd_scan_rows_owners (CdStore *store, const char *sha256, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  /* no index on the hash: this runs only for a file the folder's settle could not open */
  if (!cd_store_prepare (store, "SELECT application_id FROM scan WHERE sha256 = ?1"
                                " UNION SELECT application_id FROM sample WHERE sha256 = ?1 ORDER BY 1", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}
