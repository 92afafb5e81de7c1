/* cd-token-store.c: the token table (cd-token-store.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-audit.h"
#include "cd-token-store.h"

void
cd_token_record_free (CdTokenRecord *rec)
{
  if (!rec)
    return;
  g_free (rec->serial);
  g_free (rec->label);
  g_free (rec->manufacturer);
  g_free (rec->model);
  g_free (rec->state);
  g_free (rec->cka_id);
  g_free (rec->certificate_serial);
  g_free (rec);
}

void
cd_token_owner_free (CdTokenOwner *owner)
{
  if (!owner)
    return;
  g_free (owner->owner_name);
  g_free (owner->owner_number);
  g_free (owner->applicant_name);
  g_free (owner);
}

gboolean
cd_token_store_lookup (CdStore *store, const char *serial, CdTokenRecord **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdTokenRecord *rec;

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT id, serial, label, state, application_id, cka_id, certificate_serial, is_demo,"
                                " manufacturer, model FROM token WHERE serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;
  rec = g_new0 (CdTokenRecord, 1);
  rec->id = sqlite3_column_int64 (stmt, 0);
  rec->serial = cd_store_column_dup (stmt, 1);
  rec->label = cd_store_column_dup (stmt, 2);
  rec->state = cd_store_column_dup (stmt, 3);
  rec->application_id = sqlite3_column_int64 (stmt, 4);
  rec->cka_id = cd_store_column_dup (stmt, 5);
  rec->certificate_serial = cd_store_column_dup (stmt, 6);
  rec->is_demo = sqlite3_column_int (stmt, 7);
  rec->manufacturer = cd_store_column_dup (stmt, 8);
  rec->model = cd_store_column_dup (stmt, 9);
  *out = rec;
  return TRUE;
}

gboolean
cd_token_store_dup_serial (CdStore *store, gint64 token_id, const char *certificate_serial, char **out,
                           GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out = NULL;
  if (!cd_store_prepare (store, certificate_serial
                                ? "SELECT serial FROM token WHERE id = ?1 AND certificate_serial = ?2"
                                : "SELECT serial FROM token WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, token_id);
  if (certificate_serial)
    sqlite3_bind_text (stmt, 2, certificate_serial, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *out = cd_store_column_dup (stmt, 0);
  return TRUE;
}

gboolean
cd_token_store_save (CdContext *ctx, const CdTokenRecord *rec, gint64 *out_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdTokenRecord) old = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gint64 id;

  if (!cd_token_store_lookup (store, rec->serial, &old, error))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO token (serial, label, manufacturer, model, is_demo, state, application_id,"
                                " cka_id, certificate_serial, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                                " ON CONFLICT (serial) DO UPDATE SET label = excluded.label, state = excluded.state,"
                                " application_id = excluded.application_id, cka_id = excluded.cka_id,"
                                " certificate_serial = excluded.certificate_serial, updated_at = excluded.updated_at",
                         &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, rec->serial, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, rec->label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, rec->manufacturer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, rec->model, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, rec->is_demo);
  sqlite3_bind_text (stmt, 6, rec->state, -1, SQLITE_STATIC);
  if (rec->application_id > 0)
    sqlite3_bind_int64 (stmt, 7, rec->application_id);
  else
    sqlite3_bind_null (stmt, 7);
  cd_store_bind_text_or_null (stmt, 8, rec->cka_id);
  cd_store_bind_text_or_null (stmt, 9, rec->certificate_serial);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!cd_store_prepare (store, "SELECT id FROM token WHERE serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, rec->serial, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  id = sqlite3_column_int64 (stmt, 0);
  if (out_id)
    *out_id = id;
  if (old == NULL || !g_str_equal (old->state, rec->state) || old->application_id != rec->application_id
      || g_strcmp0 (old->certificate_serial, rec->certificate_serial) != 0)
    {
      g_autoptr(JsonNode) detail = cd_audit_detail_new ("serial", rec->serial, "state", rec->state,
                                                        "certificate", rec->certificate_serial, NULL);
      if (!cd_audit_append (store, cd_context_get_actor (ctx), "token.state", "token", id, detail, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cd_token_store_set_state (CdContext *ctx, const char *serial, const char *state, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(CdTokenRecord) rec = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);

  if (!cd_token_store_lookup (store, serial, &rec, error))
    return FALSE;
  if (rec == NULL || g_str_equal (rec->state, state))
    return TRUE;
  if (!cd_store_prepare (store, "UPDATE token SET state = ?2, updated_at = ?3 WHERE serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  detail = cd_audit_detail_new ("serial", serial, "from", rec->state, "to", state, NULL);
  return cd_store_step_done (store, stmt, error)
         && cd_audit_append (store, cd_context_get_actor (ctx), "token.state", "token", rec->id, detail, error);
}

gboolean
cd_token_store_owner (CdStore *store, const char *token_serial, gint64 application_id, CdTokenOwner **out,
                      GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdTokenOwner *owner;

  *out = NULL;
  /* The key's application and ours, compared by applicant (USCC or ID number), else by name. */
  if (!cd_store_prepare (store,
                         "SELECT cd_name(k.name, k.id), k.number, k.applicant_id, a.applicant_id, cd_name(a.name, a.id)"
                         " FROM token t"
                         " JOIN application k ON k.id = t.application_id, application a"
                         " WHERE t.serial = ?1 AND a.id = ?2", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_serial, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, application_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;
  owner = g_new0 (CdTokenOwner, 1);
  owner->owner_name = cd_store_column_dup (stmt, 0);
  owner->owner_number = cd_store_column_dup (stmt, 1);
  owner->applicant_name = cd_store_column_dup (stmt, 4);
  owner->same = sqlite3_column_type (stmt, 2) != SQLITE_NULL && sqlite3_column_type (stmt, 3) != SQLITE_NULL
                ? sqlite3_column_int64 (stmt, 2) == sqlite3_column_int64 (stmt, 3)
                : g_strcmp0 (owner->owner_name, owner->applicant_name) == 0;
  *out = owner;
  return TRUE;
}
