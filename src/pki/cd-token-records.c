/* cd-token-records.c: token and certificate rows. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "cd-audit.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"

void
cd_token_record_free (CdTokenRecord *rec)
{
  if (!rec)
    return;
  g_free (rec->serial);
  g_free (rec->label);
  g_free (rec->state);
  g_free (rec->cka_id);
  g_free (rec->certificate_serial);
  g_free (rec);
}

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
  g_free (rec->pem);
  g_free (rec);
}

char *
cd_cert_serial_hex (X509 *cert)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  char *hex = BN_bn2hex (bn);
  char *out = g_ascii_strup (hex, -1);

  OPENSSL_free (hex);
  BN_free (bn);
  return out;
}

char *
cd_cert_to_pem (X509 *cert)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;
  char *out;

  PEM_write_bio_X509 (bio, cert);
  len = BIO_get_mem_data (bio, &data);
  out = g_strndup (data, len);
  BIO_free (bio);
  return out;
}

X509 *
cd_cert_from_pem (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  X509 *cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);

  BIO_free (bio);
  ERR_clear_error ();
  return cert;
}

char *
cd_cert_time_iso (const ASN1_TIME *t)
{
  struct tm tm;

  if (!ASN1_TIME_to_tm (t, &tm))
    return g_strdup ("");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, tm.tm_sec);
}

char *
cd_hex_encode (const guchar *data, gsize len)
{
  GString *s = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

GBytes *
cd_hex_decode (const char *hex)
{
  gsize n = hex ? strlen (hex) / 2 : 0;
  guchar *buf = g_malloc (n + 1);

  for (gsize i = 0; i < n; i++)
    buf[i] = (g_ascii_xdigit_value (hex[2 * i]) << 4) | g_ascii_xdigit_value (hex[2 * i + 1]);
  return g_bytes_new_take (buf, n);
}

gboolean
cd_token_record_lookup (CdStore *store, const char *serial, CdTokenRecord **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdTokenRecord *rec;

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT id, serial, label, state, application_id, cka_id, certificate_serial, is_demo"
                                " FROM token WHERE serial = ?1", &stmt, error))
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
  *out = rec;
  return TRUE;
}

static CdCertRecord *
cert_from_row (sqlite3_stmt *stmt)
{
  CdCertRecord *rec = g_new0 (CdCertRecord, 1);

  rec->id = sqlite3_column_int64 (stmt, 0);
  rec->serial = cd_store_column_dup (stmt, 1);
  rec->application_id = sqlite3_column_int64 (stmt, 2);
  rec->token_id = sqlite3_column_int64 (stmt, 3);
  rec->issuer = cd_store_column_dup (stmt, 4);
  rec->subject = cd_store_column_dup (stmt, 5);
  rec->not_before = cd_store_column_dup (stmt, 6);
  rec->not_after = cd_store_column_dup (stmt, 7);
  rec->state = cd_store_column_dup (stmt, 8);
  rec->pem = cd_store_column_dup (stmt, 9);
  return rec;
}

#define CERT_COLUMNS "id, serial, application_id, token_id, issuer, subject, not_before, not_after, state, pem"

gboolean
cd_cert_record_lookup (CdStore *store, const char *serial, CdCertRecord **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *up = g_ascii_strup (serial, -1);

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT " CERT_COLUMNS " FROM certificate WHERE serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, up, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *out = cert_from_row (stmt);
  return TRUE;
}

gboolean
cd_cert_record_for_application (CdStore *store, gint64 application_id, CdCertRecord **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT " CERT_COLUMNS " FROM certificate WHERE application_id = ?1"
                                " AND state = 'issued' ORDER BY id DESC LIMIT 1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *out = cert_from_row (stmt);
  return TRUE;
}

static JsonNode *
detail_pairs (const char *k1, const char *v1, const char *k2, const char *v2, const char *k3, const char *v3)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), json_object_new ());
  JsonObject *o = json_node_get_object (node);

  if (k1 && v1)
    json_object_set_string_member (o, k1, v1);
  if (k2 && v2)
    json_object_set_string_member (o, k2, v2);
  if (k3 && v3)
    json_object_set_string_member (o, k3, v3);
  return node;
}

gboolean
cd_token_record_save (CdContext *ctx, const CdTokenInfo *info, const char *state, gint64 application_id,
                      const char *cka_id, const char *cert_serial, gint64 *out_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdTokenRecord) old = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gint64 id;

  if (!cd_token_record_lookup (store, info->serial, &old, error))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO token (serial, label, manufacturer, model, is_demo, state, application_id,"
                                " cka_id, certificate_serial, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                                " ON CONFLICT (serial) DO UPDATE SET label = excluded.label, state = excluded.state,"
                                " application_id = excluded.application_id, cka_id = excluded.cka_id,"
                                " certificate_serial = excluded.certificate_serial, updated_at = excluded.updated_at",
                         &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, info->serial, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, info->label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, info->manufacturer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, info->model, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, info->is_demo);
  sqlite3_bind_text (stmt, 6, state, -1, SQLITE_STATIC);
  if (application_id > 0)
    sqlite3_bind_int64 (stmt, 7, application_id);
  else
    sqlite3_bind_null (stmt, 7);
  cd_store_bind_text_or_null (stmt, 8, cka_id);
  cd_store_bind_text_or_null (stmt, 9, cert_serial);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!cd_store_prepare (store, "SELECT id FROM token WHERE serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, info->serial, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  id = sqlite3_column_int64 (stmt, 0);
  if (out_id)
    *out_id = id;
  if (old == NULL || !g_str_equal (old->state, state) || old->application_id != application_id
      || g_strcmp0 (old->certificate_serial, cert_serial) != 0)
    {
      g_autoptr(JsonNode) detail = detail_pairs ("serial", info->serial, "state", state, "certificate", cert_serial);
      if (!cd_audit_append (store, cd_context_get_actor (ctx), "token.state", "token", id, detail, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cd_token_record_set_state (CdContext *ctx, const char *serial, const char *state, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(CdTokenRecord) rec = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);

  if (!cd_token_record_lookup (store, serial, &rec, error))
    return FALSE;
  if (rec == NULL || g_str_equal (rec->state, state))
    return TRUE;
  if (!cd_store_prepare (store, "UPDATE token SET state = ?2, updated_at = ?3 WHERE serial = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  detail = detail_pairs ("serial", serial, "from", rec->state, "to", state);
  return cd_store_step_done (store, stmt, error)
         && cd_audit_append (store, cd_context_get_actor (ctx), "token.state", "token", rec->id, detail, error);
}

gboolean
cd_cert_record_insert (CdContext *ctx, X509 *cert, const char *issuer, gint64 application_id, gint64 token_id,
                       const char *state, const char *reason, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autofree char *subject = NULL;
  g_autofree char *nb = cd_cert_time_iso (X509_get0_notBefore (cert));
  g_autofree char *na = cd_cert_time_iso (X509_get0_notAfter (cert));
  g_autofree char *pem = cd_cert_to_pem (cert);
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *day = cd_store_today (store);
  gboolean revoked = !g_str_equal (state, "issued");
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;

  X509_NAME_print_ex (bio, X509_get_subject_name (cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  subject = g_strndup (data, len);
  BIO_free (bio);
  if (!cd_store_prepare (store, "INSERT INTO certificate (serial, application_id, token_id, issuer, subject, not_before,"
                                " not_after, state, revoked_at, revoke_reason, pem, day, at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  if (application_id > 0)
    sqlite3_bind_int64 (stmt, 2, application_id);
  else
    sqlite3_bind_null (stmt, 2);
  if (token_id > 0)
    sqlite3_bind_int64 (stmt, 3, token_id);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, nb, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, na, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, state, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (stmt, 9, revoked ? now : NULL);
  cd_store_bind_text_or_null (stmt, 10, revoked ? reason : NULL);
  sqlite3_bind_text (stmt, 11, pem, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, day, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  detail = detail_pairs ("serial", serial, "state", state, "reason", reason);
  return cd_audit_append (store, cd_context_get_actor (ctx), revoked ? "certificate.revoke" : "certificate.issue",
                          "certificate", sqlite3_last_insert_rowid (cd_store_get_db (store)), detail, error);
}

gboolean
cd_cert_record_set_state (CdContext *ctx, const char *serial, const char *state, const char *reason, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);

  if (!cd_cert_record_lookup (store, serial, &rec, error))
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
  cd_store_bind_text_or_null (stmt, 3, g_str_equal (state, "issued") ? NULL : now);
  cd_store_bind_text_or_null (stmt, 4, g_str_equal (state, "issued") ? NULL : reason);
  detail = detail_pairs ("serial", rec->serial, "from", rec->state, "to", state);
  if (reason)
    json_object_set_string_member (json_node_get_object (detail), "reason", reason);
  return cd_store_step_done (store, stmt, error)
         && cd_audit_append (store, cd_context_get_actor (ctx), "certificate.state", "certificate", rec->id, detail, error);
}

gboolean
cd_token_record_check_owner (CdContext *ctx, const char *token_serial, gint64 application_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;

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
  {
    const char *owner = (const char *) sqlite3_column_text (stmt, 0);
    const char *number = (const char *) sqlite3_column_text (stmt, 1);
    gboolean same = sqlite3_column_type (stmt, 2) != SQLITE_NULL && sqlite3_column_type (stmt, 3) != SQLITE_NULL
                    ? sqlite3_column_int64 (stmt, 2) == sqlite3_column_int64 (stmt, 3)
                    : g_strcmp0 (owner, (const char *) sqlite3_column_text (stmt, 4)) == 0;
    if (!same)
      {
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_WRONG_TOKEN,
                     _("This USB key belongs to %s (application %s), not to %s: check whose key was handed over"),
                     owner, number, (const char *) sqlite3_column_text (stmt, 4));
        return FALSE;
      }
  }
  return TRUE;
}
