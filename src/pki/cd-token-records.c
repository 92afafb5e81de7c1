/* cd-token-records.c: token and certificate rows, from keys and X.509 certificates; the rows are src/core's
 * (cd-token-store.c, cd-certificate-store.c). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "cd-pki-error.h"
#include "cd-token-records.h"

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
  return cd_token_store_lookup (store, serial, out, error);
}

gboolean
cd_cert_record_lookup (CdStore *store, const char *serial, CdCertRecord **out, GError **error)
{
  return cd_certificate_store_lookup (store, serial, out, error);
}

gboolean
cd_cert_record_for_application (CdStore *store, gint64 application_id, CdCertRecord **out, GError **error)
{
  return cd_certificate_store_for_application (store, application_id, out, error);
}

gboolean
cd_token_record_save (CdContext *ctx, const CdTokenInfo *info, const char *state, gint64 application_id,
                      const char *cka_id, const char *cert_serial, gint64 *out_id, GError **error)
{
  const CdTokenRecord rec = {
    .serial = info->serial, .label = info->label, .manufacturer = info->manufacturer, .model = info->model,
    .is_demo = info->is_demo, .state = (char *) state, .application_id = application_id, .cka_id = (char *) cka_id,
    .certificate_serial = (char *) cert_serial,
  };

  return cd_token_store_save (ctx, &rec, out_id, error);
}

gboolean
cd_token_record_set_state (CdContext *ctx, const char *serial, const char *state, GError **error)
{
  return cd_token_store_set_state (ctx, serial, state, error);
}

gboolean
cd_cert_record_insert (CdContext *ctx, X509 *cert, const char *issuer, gint64 application_id, gint64 token_id,
                       const char *state, const char *reason, GError **error)
{
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autofree char *subject = NULL;
  g_autofree char *nb = cd_cert_time_iso (X509_get0_notBefore (cert));
  g_autofree char *na = cd_cert_time_iso (X509_get0_notAfter (cert));
  g_autofree char *pem = cd_cert_to_pem (cert);
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;

  X509_NAME_print_ex (bio, X509_get_subject_name (cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  subject = g_strndup (data, len);
  BIO_free (bio);
  {
    const CdCertRecord rec = {
      .serial = serial, .application_id = application_id, .token_id = token_id, .issuer = (char *) issuer,
      .subject = subject, .not_before = nb, .not_after = na, .state = (char *) state, .pem = pem,
    };

    return cd_certificate_store_insert (ctx, &rec, reason, error);
  }
}

gboolean
cd_cert_record_set_state (CdContext *ctx, const char *serial, const char *state, const char *reason, GError **error)
{
  return cd_certificate_store_set_state (ctx, serial, state, reason, error);
}

gboolean
cd_token_record_check_owner (CdContext *ctx, const char *token_serial, gint64 application_id, GError **error)
{
  g_autoptr(CdTokenOwner) owner = NULL;

  if (!cd_token_store_owner (cd_context_get_store (ctx), token_serial, application_id, &owner, error))
    return FALSE;
  if (owner && !owner->same)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_WRONG_TOKEN,
                   _("This USB key belongs to %s (application %s), not to %s: check whose key was handed over"),
                   owner->owner_name, owner->owner_number, owner->applicant_name);
      return FALSE;
    }
  return TRUE;
}
