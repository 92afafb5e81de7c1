/* cd-sync-store.c: sync_outbox, sync_cursor and the central copies in the SQLite store (cd-sync-store.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-store-outbox.h"
#include "cd-sync-store.h"

#define CD_SNAPSHOT_ONE(T, C) CD_OUTBOX_SNAPSHOT (T, C)
static const char snapshot_sql[] = CD_OUTBOX_FOR_EACH (CD_SNAPSHOT_ONE);

gint64
cd_sync_store_pending (CdStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL", &stmt, NULL))
    return -1;
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
}

gboolean
cd_sync_store_snapshot (CdStore *store, GError **error)
{
  return cd_store_exec (store, snapshot_sql, error);
}

gboolean
cd_sync_store_next_batch (CdStore *store, gint64 limit, char **out_json, gint64 *out_first_seq, gint64 *out_last_seq,
                          gint64 *out_count, GError **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;

  *out_json = NULL;
  *out_first_seq = *out_last_seq = *out_count = 0;
  /* One batch as a JSON array, read by jsonb_to_recordset on the server: one round trip per batch. */
  if (!cd_store_prepare (store, "SELECT json_group_array(json_object('event_uuid', event_uuid, 'seq', seq,"
                         " 'tbl', tbl, 'record_uuid', record_uuid, 'local_id', row_id, 'op', op, 'row', json(row),"
                         " 'at', at)), min(seq), max(seq), count(*) FROM (SELECT * FROM sync_outbox"
                         " WHERE sent_at IS NULL ORDER BY seq LIMIT ?1)", &sel, error))
    return FALSE;
  sqlite3_bind_int64 (sel, 1, limit);
  if (sqlite3_step (sel) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  *out_count = sqlite3_column_int64 (sel, 3);
  if (*out_count == 0)
    return TRUE;
  *out_json = cd_store_column_dup (sel, 0);
  *out_first_seq = sqlite3_column_int64 (sel, 1);
  *out_last_seq = sqlite3_column_int64 (sel, 2);
  return TRUE;
}

gboolean
cd_sync_store_mark_sent (CdStore *store, gint64 first_seq, gint64 last_seq, gint64 *out_marked, GError **error)
{
  g_autoptr(sqlite3_stmt) mark = NULL;
  g_autofree char *now = cd_store_now_iso (store);

  *out_marked = 0;
  if (!cd_store_prepare (store, "UPDATE sync_outbox SET sent_at = ?1 WHERE seq BETWEEN ?2 AND ?3"
                         " AND sent_at IS NULL", &mark, error))
    return FALSE;
  sqlite3_bind_text (mark, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (mark, 2, first_seq);
  sqlite3_bind_int64 (mark, 3, last_seq);
  if (!cd_store_step_done (store, mark, error))
    return FALSE;
  *out_marked = sqlite3_changes (cd_store_get_db (store));
  return TRUE;
}

gboolean
cd_sync_store_prune_sent (CdStore *store, const char *before_iso, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "DELETE FROM sync_outbox WHERE sent_at IS NOT NULL AND sent_at < ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, before_iso, -1, SQLITE_STATIC);
  return cd_store_step_done (store, stmt, error);
}

char *
cd_sync_store_cursors_json (CdStore *store, GError **error)
{
  g_autoptr(sqlite3_stmt) cur = NULL;

  if (!cd_store_prepare (store, "SELECT json_group_array(json_object('counter', counter_uuid, 'seq', seq))"
                         " FROM sync_cursor", &cur, error))
    return NULL;
  if (sqlite3_step (cur) != SQLITE_ROW)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return cd_store_column_dup (cur, 0);
}

gboolean
cd_sync_store_set_cursor (CdStore *store, const char *counter_uuid, gint64 seq, GError **error)
{
  g_autoptr(CdStoreCachedStmt) up = NULL;

  /* Once per pulled change: prepared once per connection. */
  if (!cd_store_prepare_cached (store, "INSERT INTO sync_cursor (counter_uuid, seq) VALUES (?1, ?2)"
                                " ON CONFLICT (counter_uuid) DO UPDATE SET seq = max(seq, excluded.seq)", &up,
                                error))
    return FALSE;
  sqlite3_bind_text (up, 1, counter_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (up, 2, seq);
  return cd_store_step_done (store, up, error);
}

static gboolean
apply_copy (CdStore *store, const char *sql, const char *uuid, const char *outlet, gint64 seq, gboolean deleted,
            const char *row_json, GError **error)
{
  g_autoptr(CdStoreCachedStmt) stmt = NULL;

  if (!cd_store_prepare_cached (store, sql, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, outlet, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, seq);
  sqlite3_bind_int (stmt, 4, deleted);
  sqlite3_bind_text (stmt, 5, row_json, -1, SQLITE_STATIC);
  return cd_store_step_done (store, stmt, error);
}

gboolean
cd_sync_store_apply_customer (CdStore *store, const char *uuid, const char *outlet, gint64 seq, gboolean deleted,
                              const char *row_json, GError **error)
{
  return apply_copy (store,
                     "INSERT INTO central_customer (uuid, outlet_code, seq, deleted, data, kind, name, uscc, id_number,"
                     " name_bidx, id_number_bidx)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, json_extract(?5, '$.kind'), json_extract(?5, '$.name'),"
                     " json_extract(?5, '$.uscc'), json_extract(?5, '$.id_number'), json_extract(?5, '$.name_bidx'),"
                     " json_extract(?5, '$.id_number_bidx'))"
                     " ON CONFLICT (uuid) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,"
                     " data = iif(excluded.deleted, data, excluded.data),"
                     " kind = iif(excluded.deleted, kind, excluded.kind),"
                     " name = iif(excluded.deleted, name, excluded.name),"
                     " uscc = iif(excluded.deleted, uscc, excluded.uscc),"
                     " id_number = iif(excluded.deleted, id_number, excluded.id_number),"
                     " name_bidx = iif(excluded.deleted, name_bidx, excluded.name_bidx),"
                     " id_number_bidx = iif(excluded.deleted, id_number_bidx, excluded.id_number_bidx)"
                     " WHERE excluded.seq > seq",
                     uuid, outlet, seq, deleted, row_json, error);
}

gboolean
cd_sync_store_apply_certificate (CdStore *store, const char *uuid, const char *outlet, gint64 seq, gboolean deleted,
                                 const char *row_json, GError **error)
{
  return apply_copy (store,
                     "INSERT INTO central_certificate (uuid, outlet_code, seq, deleted, data, serial, state, subject,"
                     " not_after, revoked_at, applicant_uuid) VALUES (?1, ?2, ?3, ?4, ?5, json_extract(?5, '$.serial'),"
                     " json_extract(?5, '$.state'), json_extract(?5, '$.subject'), json_extract(?5, '$.not_after'),"
                     " json_extract(?5, '$.revoked_at'), json_extract(?5, '$.applicant_uuid'))"
                     " ON CONFLICT (uuid) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,"
                     " data = iif(excluded.deleted, data, excluded.data),"
                     " serial = iif(excluded.deleted, serial, excluded.serial),"
                     " state = iif(excluded.deleted, state, excluded.state),"
                     " subject = iif(excluded.deleted, subject, excluded.subject),"
                     " not_after = iif(excluded.deleted, not_after, excluded.not_after),"
                     " revoked_at = iif(excluded.deleted, revoked_at, excluded.revoked_at),"
                     " applicant_uuid = iif(excluded.deleted, applicant_uuid, excluded.applicant_uuid)"
                     " WHERE excluded.seq > seq",
                     uuid, outlet, seq, deleted, row_json, error);
}

void
cd_sync_customer_free (CdSyncCustomer *c)
{
  if (!c)
    return;
  g_free (c->uuid);
  g_free (c->kind);
  g_free (c->name);
  g_free (c->uscc);
  g_free (c->id_number);
  g_free (c->outlet);
  g_free (c);
}

void
cd_sync_certificate_free (CdSyncCertificate *c)
{
  if (!c)
    return;
  g_free (c->serial);
  g_free (c->state);
  g_free (c->not_after);
  g_free (c->outlet);
  g_free (c);
}

GPtrArray *
cd_sync_store_find_customers (CdStore *store, const char *text, const char *ident, const char *own_outlet,
                              guint limit, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_sync_customer_free);
  int rc;

  /* This counter's applicants first (its own outlet), then the other outlets' pulled customers. Persons' names and
   * ID numbers are sealed (docs/store.md): found whole through their blind indexes and shown opened; another
   * outlet's open once the CA's key set is shared (certdesk-cli keys import, docs/central.md). */
  if (!cd_store_prepare (store,
                         "SELECT id, NULL, kind, cd_open(name, 'applicant', r, 'name'), uscc,"
                         " cd_open(id_number, 'applicant', r, 'id_number'), ?4"
                         " FROM (SELECT *, cd_applicant_row(kind, uscc, id_number_bidx) AS r FROM applicant)"
                         " WHERE (kind = 'unit' AND instr(name, ?1) > 0) OR uscc = ?2"
                         "  OR name_bidx = cd_bidx('name', ?1) OR id_number_bidx = cd_bidx('id_number', ?2)"
                         " UNION ALL SELECT NULL, uuid, kind, cd_try_open(name, 'applicant', r, 'name'), uscc,"
                         " cd_try_open(id_number, 'applicant', r, 'id_number'), outlet_code"
                         " FROM (SELECT *, cd_applicant_row(kind, uscc, id_number_bidx) AS r FROM central_customer)"
                         " WHERE NOT deleted AND ((kind = 'unit' AND instr(name, ?1) > 0) OR uscc = ?2"
                         "  OR name_bidx = cd_bidx('name', ?1) OR id_number_bidx = cd_bidx('id_number', ?2))"
                         " LIMIT ?3", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ident, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, (int) limit);
  cd_store_bind_text_or_null (stmt, 4, own_outlet);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdSyncCustomer *c = g_new0 (CdSyncCustomer, 1);

      c->local_id = sqlite3_column_int64 (stmt, 0);
      c->uuid = cd_store_column_dup (stmt, 1);
      c->kind = cd_store_column_dup (stmt, 2);
      c->name = cd_store_column_dup (stmt, 3);
      c->uscc = cd_store_column_dup (stmt, 4);
      c->id_number = cd_store_column_dup (stmt, 5);
      c->outlet = cd_store_column_dup (stmt, 6);
      g_ptr_array_add (out, c);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
cd_sync_store_customer_certificates (CdStore *store, const CdSyncCustomer *c, const char *own_outlet, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_sync_certificate_free);
  int rc;

  if (c->local_id)
    {
      if (!cd_store_prepare (store, "SELECT c.serial, c.state, c.not_after, ?2 FROM certificate c"
                             " JOIN application a ON a.id = c.application_id WHERE a.applicant_id = ?1"
                             " ORDER BY c.id", &stmt, error))
        return NULL;
      sqlite3_bind_int64 (stmt, 1, c->local_id);
      cd_store_bind_text_or_null (stmt, 2, own_outlet);
    }
  else
    {
      if (!cd_store_prepare (store, "SELECT serial, state, not_after, outlet_code FROM central_certificate"
                             " WHERE applicant_uuid = ?1 AND NOT deleted ORDER BY outlet_code, seq", &stmt, error))
        return NULL;
      sqlite3_bind_text (stmt, 1, c->uuid, -1, SQLITE_STATIC);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdSyncCertificate *cert = g_new0 (CdSyncCertificate, 1);

      cert->serial = cd_store_column_dup (stmt, 0);
      cert->state = cd_store_column_dup (stmt, 1);
      cert->not_after = cd_store_column_dup (stmt, 2);
      cert->outlet = cd_store_column_dup (stmt, 3);
      g_ptr_array_add (out, cert);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}
