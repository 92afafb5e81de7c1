/* cd-sample-store.c: rows of the `sample` table and their audit trail. The PNG itself is an object of the
 * scan store (src/imaging/import), written by the caller before the row that names it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-sample-store.h"

#define SAMPLE_COLUMNS "id, application_id, kind, sha256, metadata, created_at"

static CdSample *
sample_from_row (sqlite3_stmt *stmt)
{
  CdSample *s = g_new0 (CdSample, 1);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->application_id = sqlite3_column_int64 (stmt, 1);
  s->kind = cd_store_column_dup (stmt, 2);
  s->sha256 = cd_store_column_dup (stmt, 3);
  s->metadata = cd_store_column_dup (stmt, 4);
  s->created_at = cd_store_column_dup (stmt, 5);
  return s;
}

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

static gboolean
audit (CdContext *ctx, const char *action, gint64 application_id, const char *kind, const char *sha256,
       const char *replaced, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, kind);
  if (sha256)
    {
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sha256);
    }
  if (replaced)
    {
      json_builder_set_member_name (b, "replaced");
      json_builder_add_string_value (b, replaced);
    }
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  return cd_audit_append (cd_context_get_store (ctx), cd_context_get_actor (ctx), action, "application",
                          application_id, detail, error);
}

void
cd_sample_free (CdSample *sample)
{
  if (!sample)
    return;
  g_free (sample->kind);
  g_free (sample->sha256);
  g_free (sample->metadata);
  g_free (sample->created_at);
  g_free (sample);
}

gboolean
cd_sample_store_get (CdContext *ctx, gint64 application_id, const char *kind, CdSample **out_sample,
                     GError **error)
{
  CdStore *store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  g_return_val_if_fail (kind != NULL && out_sample != NULL, FALSE);

  store = cd_context_get_store (ctx);
  if (!cd_store_prepare (store, "SELECT " SAMPLE_COLUMNS " FROM sample WHERE application_id = ?1 AND kind = ?2",
                         &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_sample = sample_from_row (stmt);
  else if (rc == SQLITE_DONE)
    *out_sample = NULL;
  else
    return cd_store_set_error (store, error);
  return TRUE;
}

GPtrArray *
cd_sample_store_list (CdContext *ctx, gint64 application_id, GError **error)
{
  CdStore *store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_sample_free);
  int rc;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);

  store = cd_context_get_store (ctx);
  if (!cd_store_prepare (store, "SELECT " SAMPLE_COLUMNS " FROM sample WHERE application_id = ?1 ORDER BY kind",
                         &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, sample_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
cd_sample_store_set (CdContext *ctx, gint64 application_id, const char *kind, const char *sha256,
                     JsonNode *metadata, gint64 *out_id, GError **error)
{
  CdStore *store;
  g_autoptr(CdSample) old = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *now = NULL;
  gint64 id;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  g_return_val_if_fail (application_id > 0 && kind && *kind, FALSE);

  if (!is_hex_sha256 (sha256))
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_CONSTRAINT, _("“%s” is not a SHA-256 hash"),
                   sha256 ? sha256 : "");
      return FALSE;
    }
  store = cd_context_get_store (ctx);
  meta = metadata ? json_to_string (metadata, FALSE) : g_strdup ("{}");
  now = cd_store_now_iso (store);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_sample_store_get (ctx, application_id, kind, &old, error))
    goto fail;
  if (old && g_str_equal (old->sha256, sha256) && g_str_equal (old->metadata, meta))
    {
      if (out_id)
        *out_id = old->id;
      return cd_store_commit (store, error);
    }
  if (!cd_store_prepare (store, "INSERT INTO sample (application_id, kind, sha256, metadata, created_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id, kind) DO UPDATE SET"
                                " sha256 = excluded.sha256, metadata = excluded.metadata,"
                                " created_at = excluded.created_at", &stmt, error))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, meta, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, stmt, error))
    goto fail;
  id = old ? old->id : sqlite3_last_insert_rowid (cd_store_get_db (store));
  if (!audit (ctx, "sample.set", application_id, kind, sha256, old ? old->sha256 : NULL, error)
      || !cd_store_commit (store, error))
    goto fail;
  if (out_id)
    *out_id = id;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_sample_store_remove (CdContext *ctx, gint64 application_id, const char *kind, GError **error)
{
  CdStore *store;
  g_autoptr(CdSample) old = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  store = cd_context_get_store (ctx);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_sample_store_get (ctx, application_id, kind, &old, error))
    goto fail;
  if (!old)
    return cd_store_commit (store, error);
  if (!cd_store_prepare (store, "DELETE FROM sample WHERE id = ?1", &stmt, error))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, old->id);
  if (!cd_store_step_done (store, stmt, error)
      || !audit (ctx, "sample.remove", application_id, kind, NULL, old->sha256, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}
