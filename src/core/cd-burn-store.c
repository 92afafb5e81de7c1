/* cd-burn-store.c: burn_journal and pin_slip rows (cd-burn-store.h). No transaction is opened here: the burn's
 * crash safety depends on where its transactions begin and end, and those stay in src/pki. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-burn-store.h"
#include "cd-field-crypt.h"

void
cd_burn_row_free (CdBurnRow *row)
{
  if (!row)
    return;
  g_free (row->step);
  g_free (row->phase);
  g_free (row->token_serial);
  g_free (row->detail);
  g_free (row);
}

gint64
cd_burn_store_next_attempt (CdStore *store, gint64 application_id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT COALESCE(MAX(attempt), 0) + 1 FROM burn_journal WHERE application_id = ?1",
                         &stmt, error))
    return -1;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      cd_store_set_error (store, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

char *
cd_burn_store_crypt_detail (CdKeys *open_keys, CdKeys *seal_keys, gint64 application_id, gint64 attempt,
                            const char *step, const char *phase, const char *detail_json, GError **error)
{
  static const char *const members[] = { "pem", "csr" };
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *row = NULL;
  gboolean changed = FALSE;
  JsonObject *o;

  if (!detail_json)
    return NULL;
  if ((!open_keys && !seal_keys) || !(node = json_from_string (detail_json, NULL)) || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (detail_json);
  o = json_node_get_object (node);
  row = g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%s.%s", application_id, attempt, step, phase);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *m = json_object_get_member (o, members[i]);
      const char *value = m && JSON_NODE_HOLDS_VALUE (m) ? json_node_get_string (m) : NULL;
      g_autofree char *clear = NULL;
      g_autofree char *out = NULL;

      if (!value)
        continue;
      clear = open_keys ? cd_field_open_row (open_keys, "burn_journal", row, members[i], value, error) : g_strdup (value);
      if (!clear)
        {
          g_prefix_error (error, _("A burn journal row of application %lld cannot be read: "),
                          (long long) application_id);
          return NULL;
        }
      out = seal_keys ? cd_field_seal_row (seal_keys, "burn_journal", row, members[i], clear, error)
                      : g_steal_pointer (&clear);
      if (!out)
        return NULL;
      json_object_set_string_member (o, members[i], out);
      changed = TRUE;
    }
  return changed ? json_to_string (node, FALSE) : g_strdup (detail_json);
}

gboolean
cd_burn_store_add_row (CdStore *store, gint64 application_id, gint64 attempt, const char *step, const char *phase,
                       const char *token_serial, const char *detail_json, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *detail = NULL;

  if (detail_json
      && !(detail = cd_burn_store_crypt_detail (NULL, cd_store_get_keys (store), application_id, attempt, step, phase,
                                                detail_json, error)))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO burn_journal (application_id, attempt, step, phase, token_serial, detail, at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_int64 (stmt, 2, attempt);
  sqlite3_bind_text (stmt, 3, step, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, phase, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (stmt, 5, token_serial && *token_serial ? token_serial : NULL);
  cd_store_bind_text_or_null (stmt, 6, detail);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_STATIC);
  return cd_store_step_done (store, stmt, error);
}

GPtrArray *
cd_burn_store_rows (CdStore *store, gint64 application_id, gint64 attempt, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_burn_row_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT step, phase, token_serial, detail FROM burn_journal"
                                " WHERE application_id = ?1 AND attempt = ?2 ORDER BY id", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_int64 (stmt, 2, attempt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdBurnRow *row = g_new0 (CdBurnRow, 1);

      row->step = cd_store_column_dup (stmt, 0);
      row->phase = cd_store_column_dup (stmt, 1);
      row->token_serial = cd_store_column_dup (stmt, 2);
      g_ptr_array_add (out, row);
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL
          && !(row->detail = cd_burn_store_crypt_detail (cd_store_get_keys (store), NULL, application_id, attempt,
                                                         row->step, row->phase,
                                                         (const char *) sqlite3_column_text (stmt, 3), error)))
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cd_burn_store_last_attempt (CdStore *store, gint64 application_id, gint64 *out_attempt, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out_attempt = 0;
  if (!cd_store_prepare (store, "SELECT MAX(attempt) FROM burn_journal WHERE application_id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *out_attempt = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

GArray *
cd_burn_store_attempts (CdStore *store, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (CdBurnAttemptKey));
  int rc;

  if (!cd_store_prepare (store, "SELECT application_id, attempt FROM burn_journal GROUP BY application_id, attempt"
                                " ORDER BY application_id, attempt", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdBurnAttemptKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (out, key);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
cd_burn_store_leftover_ids (CdStore *store, const char *token_serial, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT DISTINCT json_extract(k.detail, '$.cka_id') FROM burn_journal k"
                                " WHERE k.step = 'keygen' AND json_extract(k.detail, '$.cka_id') IS NOT NULL"
                                " AND EXISTS (SELECT 1 FROM burn_journal r WHERE r.application_id = k.application_id"
                                "   AND r.attempt = k.attempt AND r.phase = 'rolled-back' AND r.token_serial = ?1)",
                         &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, token_serial, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, cd_store_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

char *
cd_burn_store_dup_issued_application_number (CdStore *store, const char *serial)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT a.number FROM burn_journal j JOIN application a ON a.id = j.application_id"
                                " WHERE j.step = 'issue' AND j.phase = 'done' AND json_extract(j.detail, '$.serial') = ?1",
                         &stmt, NULL))
    return NULL;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : NULL;
}

gboolean
cd_burn_store_slip_save (CdStore *store, gint64 application_id, const char *token_serial, const char *nonce_hex,
                         const char *ciphertext_hex, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gboolean ok;

  /* Synced at commit: the slip must survive a power cut that the key's new PIN survives. */
  if (!cd_store_set_synchronous_full (store, TRUE, error))
    return FALSE;
  ok = cd_store_prepare (store, "INSERT INTO pin_slip (application_id, token_serial, nonce, ciphertext, created_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id) DO UPDATE SET"
                                " token_serial = excluded.token_serial, nonce = excluded.nonce,"
                                " ciphertext = excluded.ciphertext, created_at = excluded.created_at", &stmt, error);
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, application_id);
      cd_store_bind_text_or_null (stmt, 2, token_serial);
      sqlite3_bind_text (stmt, 3, nonce_hex, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, ciphertext_hex, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
      ok = cd_store_step_done (store, stmt, error);
    }
  cd_store_set_synchronous_full (store, FALSE, NULL);
  return ok;
}

gboolean
cd_burn_store_slip_load (CdStore *store, gint64 application_id, char **out_nonce_hex, char **out_ciphertext_hex,
                         GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out_nonce_hex = NULL;
  *out_ciphertext_hex = NULL;
  if (!cd_store_prepare (store, "SELECT nonce, ciphertext FROM pin_slip WHERE application_id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;
  *out_nonce_hex = cd_store_column_dup (stmt, 0);
  *out_ciphertext_hex = cd_store_column_dup (stmt, 1);
  return TRUE;
}

gboolean
cd_burn_store_slip_purge (CdStore *store, const char *before_iso, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "DELETE FROM pin_slip WHERE created_at < ?1 OR application_id IN"
                                " (SELECT id FROM application WHERE state IN ('closed', 'voided'))", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, before_iso, -1, SQLITE_STATIC);
  return cd_store_step_done (store, stmt, error);
}

gboolean
cd_burn_store_slip_names (CdStore *store, gint64 application_id, char **out_token_serial, char **out_token_label,
                          char **out_certificate_serial, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out_token_serial = *out_token_label = *out_certificate_serial = NULL;
  if (!cd_store_prepare (store, "SELECT t.serial, t.label, c.serial FROM pin_slip s LEFT JOIN token t"
                                " ON t.serial = s.token_serial LEFT JOIN certificate c ON c.application_id ="
                                " s.application_id AND c.state = 'issued' WHERE s.application_id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *out_token_serial = cd_store_column_dup (stmt, 0);
      *out_token_label = cd_store_column_dup (stmt, 1);
      *out_certificate_serial = cd_store_column_dup (stmt, 2);
    }
  return TRUE;
}
