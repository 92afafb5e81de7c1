/* cd-central-copy.c: the other outlets' customers and certificates as pulled by sync (cd-central-copy.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-audit.h"
#include "cd-central-copy.h"

void
cd_central_certificate_free (CdCentralCertificate *c)
{
  if (!c)
    return;
  g_free (c->uuid);
  g_free (c->outlet);
  g_free (c->serial);
  g_free (c->state);
  g_free (c->issuer);
  g_free (c->subject);
  g_free (c->not_before);
  g_free (c->not_after);
  g_free (c->pem);
  g_free (c->at);
  g_free (c->customer_kind);
  g_free (c->customer_name);
  g_free (c->customer_uscc);
  g_free (c->customer_id_number);
  g_free (c);
}

/* The certificate's columns and its customer's (the pulled customer its applicant_uuid names). The subject and
 * PEM travel sealed under the owning counter's row (certificate/<its id>/…): opened with the CA's key set, NULL
 * where another key set sealed them. */
#define COLUMNS \
  "SELECT c.uuid, c.outlet_code, c.serial, c.state, json_extract(c.data, '$.issuer')," \
  " cd_try_open(c.subject, 'certificate', json_extract(c.data, '$.id'), 'subject')," \
  " json_extract(c.data, '$.not_before'), c.not_after," \
  " cd_try_open(json_extract(c.data, '$.pem'), 'certificate', json_extract(c.data, '$.id'), 'pem')," \
  " json_extract(c.data, '$.at')," \
  " u.kind, u.name, u.uscc, u.id_number FROM central_certificate c" \
  " LEFT JOIN central_customer u ON u.uuid = c.applicant_uuid AND NOT u.deleted"

static CdCentralCertificate *
from_row (sqlite3_stmt *stmt)
{
  CdCentralCertificate *c = g_new0 (CdCentralCertificate, 1);

  c->uuid = cd_store_column_dup (stmt, 0);
  c->outlet = cd_store_column_dup (stmt, 1);
  c->serial = cd_store_column_dup (stmt, 2);
  c->state = cd_store_column_dup (stmt, 3);
  c->issuer = cd_store_column_dup (stmt, 4);
  c->subject = cd_store_column_dup (stmt, 5);
  c->not_before = cd_store_column_dup (stmt, 6);
  c->not_after = cd_store_column_dup (stmt, 7);
  c->pem = cd_store_column_dup (stmt, 8);
  c->at = cd_store_column_dup (stmt, 9);
  c->customer_kind = cd_store_column_dup (stmt, 10);
  c->customer_name = cd_store_column_dup (stmt, 11);
  c->customer_uscc = cd_store_column_dup (stmt, 12);
  c->customer_id_number = cd_store_column_dup (stmt, 13);
  return c;
}

gboolean
cd_central_copy_lookup (CdStore *store, const char *serial, CdCentralCertificate **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *up = g_ascii_strup (serial, -1);
  int rc;

  *out = NULL;
  if (!cd_store_prepare (store, COLUMNS " WHERE c.serial = ?1 AND NOT c.deleted ORDER BY c.seq DESC LIMIT 1", &stmt,
                         error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, up, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = from_row (stmt);
  else if (rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  return TRUE;
}

GPtrArray *
cd_central_copy_certificates_of (CdStore *store, gboolean unit, const char *key, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_central_certificate_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (key == NULL || *key == '\0')
    return g_steal_pointer (&out);
  /* By index: the customer by USCC or ID number, its certificates by applicant_uuid. */
  if (!cd_store_prepare (store, unit ? COLUMNS " WHERE u.uscc = ?1 AND NOT c.deleted"
                                       " ORDER BY json_extract(c.data, '$.at') DESC, c.seq DESC"
                                     : COLUMNS " WHERE u.kind = 'person' AND u.id_number = ?1 AND NOT c.deleted"
                                       " ORDER BY json_extract(c.data, '$.at') DESC, c.seq DESC",
                         &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

void
cd_central_customer_free (CdCentralCustomer *c)
{
  if (!c)
    return;
  g_free (c->uuid);
  g_free (c->outlet);
  g_free (c->kind);
  g_free (c->name);
  g_free (c->uscc);
  g_free (c->id_number);
  g_free (c->data);
  g_free (c);
}

GPtrArray *
cd_central_copy_find_customers (CdStore *store, const char *text, const char *ident, guint limit, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_central_customer_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (text == NULL || *text == '\0')
    return g_steal_pointer (&out);
  if (!cd_store_prepare (store, "SELECT uuid, outlet_code, kind, name, uscc, id_number, json_extract(data, '$.data')"
                                " FROM central_customer WHERE NOT deleted AND (instr(name, ?1) > 0 OR uscc = ?2"
                                " OR id_number = ?2) ORDER BY rowid LIMIT ?3", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (stmt, 2, ident);
  sqlite3_bind_int (stmt, 3, (int) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdCentralCustomer *c = g_new0 (CdCentralCustomer, 1);

      c->uuid = cd_store_column_dup (stmt, 0);
      c->outlet = cd_store_column_dup (stmt, 1);
      c->kind = cd_store_column_dup (stmt, 2);
      c->name = cd_store_column_dup (stmt, 3);
      c->uscc = cd_store_column_dup (stmt, 4);
      c->id_number = cd_store_column_dup (stmt, 5);
      c->data = cd_store_column_dup (stmt, 6);
      g_ptr_array_add (out, c);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

char *
cd_central_copy_outlet_name (CdStore *store, const char *code)
{
  g_autofree char *key = g_strconcat ("central.outlet_name.", code, NULL);
  char *name = cd_store_setting_dup (store, key);

  return name ? name : g_strdup (code);
}

/* A counter setting (the setting table, never synced). */
static gboolean
setting_put (CdStore *store, const char *key, const char *value, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "INSERT INTO setting (key, value) VALUES (?1, ?2)"
                                " ON CONFLICT (key) DO UPDATE SET value = excluded.value", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return cd_store_step_done (store, stmt, error);
}

static char *
local_time (CdStore *store, const char *iso)
{
  g_autoptr(GDateTime) at = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *day = NULL, *today = NULL;

  if (at == NULL)
    return NULL;
  local = g_date_time_to_local (at);
  day = g_date_time_format (local, "%Y-%m-%d");
  today = cd_store_today (store);
  return g_date_time_format (local, g_str_equal (day, today) ? "%H:%M" : "%Y-%m-%d %H:%M");
}

gboolean
cd_central_copy_set_outlet_name (CdStore *store, const char *code, const char *name, GError **error)
{
  g_autofree char *key = g_strconcat ("central.outlet_name.", code, NULL);

  return setting_put (store, key, name, error);
}

void
cd_central_copy_sync_state (CdStore *store, gboolean *out_joined, gboolean *out_offline, char **out_last_sync)
{
  g_autofree char *outlet = cd_store_setting_dup (store, "central.outlet");
  g_autofree char *ok = cd_store_setting_dup (store, "central.last_sync_ok");
  g_autofree char *failed = cd_store_setting_dup (store, "central.last_sync_failed");

  *out_joined = outlet != NULL;
  /* A round that reached the centre clears the failure (cd_central_copy_note_sync). Never synced counts as
   * offline: nothing is pulled. */
  *out_offline = outlet != NULL && (ok == NULL || failed != NULL);
  if (out_last_sync)
    *out_last_sync = local_time (store, ok);
}

gboolean
cd_central_copy_note_sync (CdStore *store, gboolean reached, GError **error)
{
  g_autofree char *now = cd_store_now_iso (store);
  g_autoptr(sqlite3_stmt) clear = NULL;

  if (!reached)
    return setting_put (store, "central.last_sync_failed", now, error);
  if (!cd_store_prepare (store, "DELETE FROM setting WHERE key = 'central.last_sync_failed'", &clear, error)
      || !cd_store_step_done (store, clear, error))
    return FALSE;
  return setting_put (store, "central.last_sync_ok", now, error);
}

gboolean
cd_central_copy_record_revocation (CdStore *store, const char *actor, const CdCentralCertificate *c,
                                   const char *state, const char *reason, GError **error)
{
  g_autoptr(sqlite3_stmt) copy = NULL;
  g_autoptr(sqlite3_stmt) outbox = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *me = cd_store_setting_dup (store, "central.outlet");

  /* The pulled copy says so at once, so this counter does not act on the certificate again before the next sync
   * (its owner's next change, with a higher sequence, overwrites it as usual). */
  if (!cd_store_prepare (store, "UPDATE central_certificate SET state = ?2, revoked_at = ?3,"
                                " data = json_set(data, '$.state', ?2, '$.revoked_at', ?3, '$.revoke_reason', ?4)"
                                " WHERE uuid = ?1", &copy, error))
    return FALSE;
  sqlite3_bind_text (copy, 1, c->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (copy, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (copy, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (copy, 4, reason, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, copy, error))
    return FALSE;
  /* An explicit outbox row (no local table holds it): the record is this counter's own, with a UUID of its own;
   * the certificate travels by its UUID, which means the same at every outlet. */
  if (!cd_store_prepare (store, "INSERT INTO sync_outbox (tbl, row_id, record_uuid, op, row)"
                                " VALUES ('revocation', 0, lower(hex(randomblob(16))), 'insert',"
                                " json_object('certificate_uuid', ?1, 'serial', ?2, 'issuer_outlet', ?3, 'state', ?4,"
                                " 'reason', ?5, 'at', ?6, 'outlet', ?7, 'actor', ?8))", &outbox, error))
    return FALSE;
  sqlite3_bind_text (outbox, 1, c->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 2, c->serial, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 3, c->outlet, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 4, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 5, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (outbox, 6, now, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (outbox, 7, me);
  cd_store_bind_text_or_null (outbox, 8, actor);
  if (!cd_store_step_done (store, outbox, error))
    return FALSE;
  detail = cd_audit_detail_new ("serial", c->serial, "outlet", c->outlet, "from", c->state, "to", state,
                                "reason", reason, NULL);
  return cd_audit_append (store, actor, "certificate.state-elsewhere", "certificate", 0, detail, error);
}

gboolean
cd_central_copy_apply_revocation (CdStore *store, const char *row, const char *outlet, GError **error)
{
  g_autoptr(JsonNode) node = json_from_string (row, NULL);
  JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *uuid, *state, *reason, *at;
  g_autoptr(sqlite3_stmt) copy = NULL;
  g_autoptr(sqlite3_stmt) mine = NULL;
  g_autoptr(sqlite3_stmt) set = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *serial = NULL, *from = NULL, *actor = NULL;
  gint64 id, token_id;

  if (o == NULL)
    return TRUE;   /* nothing readable to apply; the central database checked the row when it took it */
  uuid = json_object_get_string_member_with_default (o, "certificate_uuid", NULL);
  state = json_object_get_string_member_with_default (o, "state", NULL);
  reason = json_object_get_string_member_with_default (o, "reason", NULL);
  at = json_object_get_string_member_with_default (o, "at", NULL);
  if (uuid == NULL || (g_strcmp0 (state, "revoked") != 0 && g_strcmp0 (state, "to-be-revoked") != 0
                       && g_strcmp0 (state, "suspended") != 0))
    return TRUE;
  /* From issued to any of them; from suspended only on to a revocation. */
  if (!cd_store_prepare (store, "UPDATE central_certificate SET state = ?2, revoked_at = ?3,"
                                " data = json_set(data, '$.state', ?2, '$.revoked_at', ?3, '$.revoke_reason', ?4)"
                                " WHERE uuid = ?1 AND (state = 'issued' OR (state = 'suspended' AND ?2 <> 'suspended'))",
                         &copy, error))
    return FALSE;
  sqlite3_bind_text (copy, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (copy, 2, state, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (copy, 3, at);
  cd_store_bind_text_or_null (copy, 4, reason);
  if (!cd_store_step_done (store, copy, error))
    return FALSE;
  /* This counter's own certificate (its record UUID): the other outlet could not change its row, so it is
   * changed here, by the counter that owns it, and travels back as the owner's change. */
  if (!cd_store_prepare (store, "SELECT c.id, c.serial, c.state, c.token_id FROM sync_record s"
                                " JOIN certificate c ON c.id = s.row_id WHERE s.tbl = 'certificate' AND s.uuid = ?1",
                         &mine, error))
    return FALSE;
  sqlite3_bind_text (mine, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (mine) != SQLITE_ROW)
    return TRUE;
  id = sqlite3_column_int64 (mine, 0);
  serial = cd_store_column_dup (mine, 1);
  from = cd_store_column_dup (mine, 2);
  token_id = sqlite3_column_int64 (mine, 3);
  if (g_strcmp0 (from, "issued") != 0 && (g_strcmp0 (from, "suspended") != 0 || g_str_equal (state, "suspended")))
    return TRUE;
  if (!cd_store_prepare (store, "UPDATE certificate SET state = ?2, revoked_at = ?3, revoke_reason = ?4 WHERE id = ?1",
                         &set, error))
    return FALSE;
  sqlite3_bind_int64 (set, 1, id);
  sqlite3_bind_text (set, 2, state, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (set, 3, at);
  cd_store_bind_text_or_null (set, 4, reason);
  if (!cd_store_step_done (store, set, error))
    return FALSE;
  if (token_id > 0 && !g_str_equal (state, "to-be-revoked"))
    {
      g_autoptr(sqlite3_stmt) key = NULL;
      g_autofree char *now = cd_store_now_iso (store);

      /* The key that held it: retired by a revocation, suspended with its certificate (as a revocation here). */
      if (!cd_store_prepare (store, "UPDATE token SET state = ?4, updated_at = ?3 WHERE id = ?1"
                                    " AND certificate_serial = ?2 AND state IN ('active', 'suspended')", &key, error))
        return FALSE;
      sqlite3_bind_int64 (key, 1, token_id);
      sqlite3_bind_text (key, 2, serial, -1, SQLITE_STATIC);
      sqlite3_bind_text (key, 3, now, -1, SQLITE_STATIC);
      sqlite3_bind_text (key, 4, g_str_equal (state, "suspended") ? "suspended" : "retired", -1, SQLITE_STATIC);
      if (!cd_store_step_done (store, key, error))
        return FALSE;
    }
  actor = g_strdup_printf ("outlet %s", outlet);
  detail = cd_audit_detail_new ("serial", serial, "from", from, "to", state, "reason", reason, "outlet", outlet,
                                NULL);
  return cd_audit_append (store, actor, "certificate.state", "certificate", id, detail, error);
}

gboolean
cd_central_copy_set_setting (CdStore *store, const char *key, const char *value, GError **error)
{
  return setting_put (store, key, value, error);
}

/* "unit.address" as an SQLite JSON path, each key quoted: $."unit"."address". NULL for a path that is not plain
 * keys (the central side only makes dotted object keys). */
static char *
json_path (const char *dotted)
{
  g_auto(GStrv) parts = g_strsplit (dotted, ".", -1);
  GString *out = g_string_new ("$");

  for (guint i = 0; parts[i]; i++)
    {
      if (!*parts[i] || strpbrk (parts[i], "\"\\[]"))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_printf (out, ".\"%s\"", parts[i]);
    }
  return g_string_free (out, FALSE);
}

/* Run once per pulled customer field (about 1,200 a round in the push benchmark, where preparing them was most
 * of the counter's CPU): prepared once per connection (cd_store_prepare_cached). */
#define COPY_SET "UPDATE central_customer SET data = json_set(data, '$.data'," \
                 " json_set(json_extract(data, '$.data'), ?1, json(coalesce(?2, 'null'))))"
#define COPY_UNIT COPY_SET " WHERE uscc = ?3 AND json_valid(json_extract(data, '$.data'))"
#define COPY_PERSON COPY_SET " WHERE kind = 'person' AND id_number = ?3 AND json_valid(json_extract(data, '$.data'))"
#define MINE_UNIT "SELECT id FROM applicant WHERE uscc = ?1 AND json_valid(data)"
#define MINE_PERSON "SELECT id FROM applicant WHERE kind = 'person' AND id_number = ?1 AND json_valid(data)"
#define MINE_SET "UPDATE applicant SET data = json_set(data, ?2, json(coalesce(?3, 'null'))), updated_at = ?4" \
                 " WHERE id = ?1 AND json_extract(data, ?2) IS NOT json_extract(json(coalesce(?3, 'null')), '$')"

gboolean
cd_central_copy_apply_field (CdStore *store, const char *key, const char *path, const char *value, const char *outlet,
                             GError **error)
{
  g_autofree char *jpath = json_path (path);
  gboolean unit = g_str_has_prefix (key, "uscc:");
  const char *ident = strchr (key, ':') ? strchr (key, ':') + 1 : NULL;
  g_autoptr(CdStoreCachedStmt) copy = NULL;
  g_autoptr(CdStoreCachedStmt) mine = NULL;
  g_autoptr(CdStoreCachedStmt) set = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = NULL;
  g_autofree char *actor = NULL;
  gint64 id;

  if (jpath == NULL || ident == NULL || *ident == '\0')
    return TRUE;   /* not a field this counter can place */
  /* A value sealed at its counter opens only in that counter's row (issue 17): never copied into another. */
  if (value && g_str_has_prefix (value, "\"cd1."))
    return TRUE;
  /* The pulled copy: the applicant's JSON travels as text inside the row (its "data" member). */
  if (!cd_store_prepare_cached (store, unit ? COPY_UNIT : COPY_PERSON, &copy, error))
    return FALSE;
  sqlite3_bind_text (copy, 1, jpath, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (copy, 2, value);
  sqlite3_bind_text (copy, 3, ident, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, copy, error))
    return FALSE;
  /* This counter's own customer: its applicant takes the later value (and travels back as this counter's change,
   * which the central database recognises as the value already standing). A person's sealed ID number is the
   * same text at every outlet under the CA's key set, so it can match here; applicant.id_number has no index
   * since the sealing migration (applicant_person is on id_number_bidx), so this probe scans applicant. */
  if (!cd_store_prepare_cached (store, unit ? MINE_UNIT : MINE_PERSON, &mine, error))
    return FALSE;
  sqlite3_bind_text (mine, 1, ident, -1, SQLITE_STATIC);
  if (sqlite3_step (mine) != SQLITE_ROW)
    return TRUE;
  id = sqlite3_column_int64 (mine, 0);
  sqlite3_reset (mine);
  now = cd_store_now_iso (store);
  if (!cd_store_prepare_cached (store, MINE_SET, &set, error))
    return FALSE;
  sqlite3_bind_int64 (set, 1, id);
  sqlite3_bind_text (set, 2, jpath, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (set, 3, value);
  sqlite3_bind_text (set, 4, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, set, error))
    return FALSE;
  if (sqlite3_changes (cd_store_get_db (store)) == 0)
    return TRUE;
  actor = g_strdup_printf ("outlet %s", outlet);
  detail = cd_audit_detail_new ("field", path, "outlet", outlet, NULL);
  return cd_audit_append (store, actor, "applicant.field", "applicant", id, detail, error);
}
