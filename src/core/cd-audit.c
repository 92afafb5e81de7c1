/* cd-audit.c: audit rows chained by SHA-256(prev_hash ‖ canonical row), verifiable from the CLI. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>

#include "cd-audit.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Fields joined by newlines with their lengths, so no field can forge another's boundary. */
char *
cd_audit_canonical (gint64 id, const char *at, const char *actor, const char *action, const char *entity,
                    gint64 entity_id, const char *detail)
{
  return g_strdup_printf ("certdesk-audit-v1\n%" G_GINT64_FORMAT "\n%zu:%s\n%zu:%s\n%zu:%s\n%zu:%s\n%"
                          G_GINT64_FORMAT "\n%zu:%s",
                          id, strlen (at), at, strlen (actor), actor, strlen (action), action, strlen (entity), entity,
                          entity_id, strlen (detail), detail);
}

static char *
chain_hash (const char *prev_hash, const char *canonical)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  g_autoptr(GString) hex = g_string_new (NULL);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();

  EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL);
  EVP_DigestUpdate (ctx, prev_hash, strlen (prev_hash));
  EVP_DigestUpdate (ctx, canonical, strlen (canonical));
  EVP_DigestFinal_ex (ctx, md, &len);
  EVP_MD_CTX_free (ctx);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", md[i]);
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

gboolean
cd_audit_append (CdStore *store, const char *actor, const char *action, const char *entity, gint64 entity_id,
                 JsonNode *detail, GError **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autofree char *prev = NULL;
  g_autofree char *at = cd_store_now_iso (store);
  g_autofree char *detail_text = detail ? json_to_string (detail, FALSE) : g_strdup ("{}");
  g_autofree char *canonical = NULL;
  g_autofree char *hash = NULL;
  gint64 id = 1;

  if (!cd_store_prepare (store, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &last, error))
    return FALSE;
  switch (sqlite3_step (last))
    {
    case SQLITE_ROW:
      id = sqlite3_column_int64 (last, 0) + 1;
      prev = cd_store_column_dup (last, 1);
      break;
    case SQLITE_DONE:
      prev = g_strdup (GENESIS_HASH);
      break;
    default:
      return cd_store_set_error (store, error);
    }
  canonical = cd_audit_canonical (id, at, actor, action, entity, entity_id, detail_text);
  hash = chain_hash (prev, canonical);
  if (!cd_store_prepare (store,
                         "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &ins, error))
    return FALSE;
  sqlite3_bind_int64 (ins, 1, id);
  sqlite3_bind_text (ins, 2, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 3, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 5, entity, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ins, 6, entity_id);
  sqlite3_bind_text (ins, 7, detail_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 8, prev, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 9, hash, -1, SQLITE_STATIC);
  return cd_store_step_done (store, ins, error);
}

gboolean
cd_audit_verify (CdStore *store, gint64 *out_rows, gint64 *out_bad_id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *prev = g_strdup (GENESIS_HASH);
  gint64 rows = 0, expected_id = 1;
  int rc;

  if (out_bad_id)
    *out_bad_id = 0;
  if (!cd_store_prepare (store, "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash"
                                " FROM audit_log ORDER BY id", &stmt, error))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *text[6];
      g_autofree char *canonical = NULL;
      g_autofree char *hash = NULL;
      const char *why = NULL;

      for (int c = 0; c < 6; c++)
        text[c] = (const char *) sqlite3_column_text (stmt, c == 5 ? 6 : c + 1);
      if (!text[0] || !text[1] || !text[2] || !text[3] || !text[5])
        why = _("a field is missing");
      else
        {
          canonical = cd_audit_canonical (id, text[0], text[1], text[2], text[3], sqlite3_column_int64 (stmt, 5),
                                          text[5]);
          hash = chain_hash (prev, canonical);
          if (id != expected_id)
            why = _("a row before it was removed");
          else if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 7), prev) != 0)
            why = _("it does not continue the chain of the row before it");
          else if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 8), hash) != 0)
            why = _("its content does not match its hash (the row was changed)");
        }
      if (why)
        {
          if (out_bad_id)
            *out_bad_id = id;
          if (out_rows)
            *out_rows = rows;
          g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_AUDIT_BROKEN,
                       _("Audit log row %lld is not intact: %s"), (long long) id, why);
          return FALSE;
        }
      g_free (prev);
      prev = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      rows++;
      expected_id = id + 1;
    }
  if (rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  if (out_rows)
    *out_rows = rows;
  return TRUE;
}

JsonNode *
cd_audit_detail_new (const char *first_key, ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  va_list ap;

  json_builder_begin_object (b);
  va_start (ap, first_key);
  for (const char *k = first_key; k; k = va_arg (ap, const char *))
    {
      const char *v = va_arg (ap, const char *);
      if (v)
        {
          json_builder_set_member_name (b, k);
          json_builder_add_string_value (b, v);
        }
    }
  va_end (ap);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
cd_audit_row_free (CdAuditRow *row)
{
  if (!row)
    return;
  g_free (row->at);
  g_free (row->actor);
  g_free (row->action);
  g_free (row->entity);
  g_free (row->detail);
  g_free (row);
}

GPtrArray *
cd_audit_list (CdStore *store, gint64 limit, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_audit_row_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT id, at, actor, action, entity, entity_id, detail"
                                " FROM audit_log ORDER BY id DESC LIMIT ?1", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdAuditRow *row = g_new0 (CdAuditRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->at = cd_store_column_dup (stmt, 1);
      row->actor = cd_store_column_dup (stmt, 2);
      row->action = cd_store_column_dup (stmt, 3);
      row->entity = cd_store_column_dup (stmt, 4);
      row->entity_id = sqlite3_column_int64 (stmt, 5);
      row->detail = cd_store_column_dup (stmt, 6);
      g_ptr_array_add (out, row);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cd_audit_dup_hash (CdStore *store, gint64 id, char **out_hash, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *out_hash = NULL;
  if (!cd_store_prepare (store, "SELECT hash FROM audit_log WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_hash = cd_store_column_dup (stmt, 0);
  else if (rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  return TRUE;
}
