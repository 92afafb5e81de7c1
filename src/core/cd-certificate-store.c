/* cd-certificate-store.c: the certificate table (cd-certificate-store.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-certificate-store.h"
#include "cd-field-crypt.h"

void
cd_cert_record_free (CdCertRecord *rec)
{
  if (!rec)
    return;
  g_free (rec->serial);
  g_free (rec->issuer);
  g_free (rec->subject);
  g_free (rec->not_before);
  g_free (rec->not_after);
  g_free (rec->state);
  g_free (rec->revoked_at);
  g_free (rec->revoke_reason);
  g_free (rec->pem);
  g_free (rec->application_number);
  g_free (rec);
}

#define CERT_COLUMNS "c.id, c.serial, c.application_id, c.token_id, c.issuer, c.subject, c.not_before, c.not_after," \
                     " c.state, c.revoked_at, c.revoke_reason, c.pem"

/* The subject and the PEM name the holder (a person's name and ID number in an individual's certificate): both are
 * sealed at rest (docs/store.md "Personal data at rest"), bound to the row ("certificate/<id>/subject"); the serial,
 * dates, issuer and state stay clear for the lookups and reports that select by them. */
static const char *const sealed_fields[] = { "subject", "pem" };

static CdCertRecord *
cert_from_row (CdStore *store, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(CdCertRecord) rec = g_new0 (CdCertRecord, 1);
  CdKeys *keys = cd_store_get_keys (store);

  rec->id = sqlite3_column_int64 (stmt, 0);
  rec->serial = cd_store_column_dup (stmt, 1);
  rec->application_id = sqlite3_column_int64 (stmt, 2);
  rec->token_id = sqlite3_column_int64 (stmt, 3);
  rec->issuer = cd_store_column_dup (stmt, 4);
  rec->not_before = cd_store_column_dup (stmt, 6);
  rec->not_after = cd_store_column_dup (stmt, 7);
  rec->state = cd_store_column_dup (stmt, 8);
  rec->revoked_at = cd_store_column_dup (stmt, 9);
  rec->revoke_reason = cd_store_column_dup (stmt, 10);
  for (guint i = 0; i < G_N_ELEMENTS (sealed_fields); i++)
    {
      const char *raw = (const char *) sqlite3_column_text (stmt, i == 0 ? 5 : 11);
      char *clear = keys ? cd_field_open (keys, "certificate", rec->id, sealed_fields[i], raw, error) : g_strdup (raw);

      if (raw && !clear)
        {
          g_prefix_error (error, _("The certificate with serial %s cannot be read: "), rec->serial);
          return NULL;
        }
      if (i == 0)
        rec->subject = clear;
      else
        rec->pem = clear;
    }
  return g_steal_pointer (&rec);
}

static GPtrArray *
cert_rows (CdStore *store, sqlite3_stmt *stmt, gboolean with_number, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_cert_record_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdCertRecord *rec = cert_from_row (store, stmt, error);

      if (!rec)
        return NULL;
      if (with_number)
        rec->application_number = cd_store_column_dup (stmt, 12);
      g_ptr_array_add (out, rec);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cd_certificate_store_lookup (CdStore *store, const char *serial, CdCertRecord **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *up = g_ascii_strup (serial, -1);

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT " CERT_COLUMNS " FROM certificate c WHERE c.serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, up, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return (*out = cert_from_row (store, stmt, error)) != NULL;
  return TRUE;
}

gboolean
cd_certificate_store_for_application (CdStore *store, gint64 application_id, CdCertRecord **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT " CERT_COLUMNS " FROM certificate c WHERE c.application_id = ?1"
                                " AND c.state = 'issued' ORDER BY c.id DESC LIMIT 1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return (*out = cert_from_row (store, stmt, error)) != NULL;
  return TRUE;
}

gboolean
cd_certificate_store_insert (CdContext *ctx, const CdCertRecord *rec, const char *reason, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *day = cd_store_today (store);
  gboolean revoked = !g_str_equal (rec->state, "issued");
  g_autoptr(sqlite3_stmt) next = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *pem = NULL;
  gint64 id;

  /* The new row's id first: it is the associated data of its sealed subject and PEM. */
  if (!cd_store_prepare (store, "SELECT coalesce(max(id), 0) + 1 FROM certificate", &next, error))
    return FALSE;
  if (sqlite3_step (next) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  id = sqlite3_column_int64 (next, 0);
  if (!(subject = cd_certificate_store_seal (store, id, "subject", rec->subject, error))
      || !(pem = cd_certificate_store_seal (store, id, "pem", rec->pem, error)))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO certificate (serial, application_id, token_id, issuer, subject, not_before,"
                                " not_after, state, revoked_at, revoke_reason, pem, day, at, id)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, rec->serial, -1, SQLITE_STATIC);
  if (rec->application_id > 0)
    sqlite3_bind_int64 (stmt, 2, rec->application_id);
  else
    sqlite3_bind_null (stmt, 2);
  if (rec->token_id > 0)
    sqlite3_bind_int64 (stmt, 3, rec->token_id);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, rec->issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, rec->not_before, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, rec->not_after, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, rec->state, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (stmt, 9, revoked ? now : NULL);
  cd_store_bind_text_or_null (stmt, 10, revoked ? reason : NULL);
  sqlite3_bind_text (stmt, 11, pem, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, day, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 14, id);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  detail = cd_audit_detail_new ("serial", rec->serial, "state", rec->state, "reason", reason, NULL);
  return cd_audit_append (store, cd_context_get_actor (ctx), revoked ? "certificate.revoke" : "certificate.issue",
                          "certificate", id, detail, error);
}

gboolean
cd_certificate_store_set_state (CdContext *ctx, const char *serial, const char *state, const char *reason,
                                GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gboolean issued = g_str_equal (state, "issued");

  if (!cd_certificate_store_lookup (store, serial, &rec, error))
    return FALSE;
  if (rec == NULL)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no certificate with serial %s"), serial);
      return FALSE;
    }
  if (!cd_store_prepare (store, "UPDATE certificate SET state = ?2, revoked_at = ?3, revoke_reason = ?4 WHERE id = ?1",
                         &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rec->id);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (stmt, 3, issued ? NULL : now);
  cd_store_bind_text_or_null (stmt, 4, issued ? NULL : reason);
  detail = cd_audit_detail_new ("serial", rec->serial, "from", rec->state, "to", state, "reason", reason, NULL);
  return cd_store_step_done (store, stmt, error)
         && cd_audit_append (store, cd_context_get_actor (ctx), "certificate.state", "certificate", rec->id, detail, error);
}

GPtrArray *
cd_certificate_store_list_by_issuer (CdStore *store, const char *issuer, gboolean revoked_only, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, revoked_only
                                ? "SELECT " CERT_COLUMNS " FROM certificate c WHERE c.issuer = ?1"
                                  " AND c.state IN ('revoked', 'suspended') ORDER BY c.id"
                                : "SELECT " CERT_COLUMNS " FROM certificate c WHERE c.issuer = ?1 ORDER BY c.id",
                         &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, issuer, -1, SQLITE_STATIC);
  return cert_rows (store, stmt, FALSE, error);
}

GPtrArray *
cd_certificate_store_to_be_revoked (CdStore *store, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT " CERT_COLUMNS ", a.number FROM certificate c"
                                " LEFT JOIN application a ON a.id = c.application_id WHERE c.state = 'to-be-revoked'"
                                " ORDER BY c.id", &stmt, error))
    return NULL;
  return cert_rows (store, stmt, TRUE, error);
}

char *
cd_certificate_store_dup_application_number (CdStore *store, const char *serial)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT a.number FROM certificate c JOIN application a ON a.id = c.application_id"
                                " WHERE c.serial = ?1", &stmt, NULL))
    return NULL;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : NULL;
}

char *
cd_certificate_store_seal (CdStore *store, gint64 id, const char *field, const char *value, GError **error)
{
  CdKeys *keys = cd_store_get_keys (store);

  /* a store always has its key set once open (cd_store_crypt_init); without one (never) the value stays as it is */
  if (!keys)
    return g_strdup (value ? value : "");
  return cd_field_seal (keys, "certificate", id, field, value ? value : "", error);
}
