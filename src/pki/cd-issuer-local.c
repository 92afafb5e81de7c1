/* cd-issuer-local.c: the local CA with OpenSSL. Its key stays in state_dir/ca (mode 0600); its index is
 * the certificate table: issued rows are on keys and verified, revoked rows go on the CRL. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "cd-issuer-local.h"
#include "cd-pki-error.h"

struct _CdIssuerLocal {
  GObject    parent_instance;
  CdContext *ctx;
  char      *dir;
  char      *cert_path;
  char      *key_path;
  char      *crl_path;
  X509      *cert;
  EVP_PKEY  *key;
  GMutex     lock;
};

static void cd_issuer_local_iface_init (CdIssuerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdIssuerLocal, cd_issuer_local, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_ISSUER, cd_issuer_local_iface_init))

static gboolean
set_time (ASN1_TIME *t, GDateTime *dt)
{
  return ASN1_TIME_set (t, (time_t) g_date_time_to_unix (dt)) != NULL;
}

static gboolean
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX v3;
  X509_EXTENSION *ext;
  gboolean ok;

  X509V3_set_ctx (&v3, issuer, cert, NULL, NULL, 0);
  if (!(ext = X509V3_EXT_conf_nid (NULL, &v3, nid, value)))
    return FALSE;
  ok = X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
  return ok;
}

static ASN1_INTEGER *
random_serial (void)
{
  guchar bytes[16];
  BIGNUM *bn;
  ASN1_INTEGER *serial;

  RAND_bytes (bytes, sizeof bytes);
  bytes[0] &= 0x7f;                /* positive, 128 bits of which 127 random */
  bytes[0] |= 0x40;                /* and always 16 bytes long */
  bn = BN_bin2bn (bytes, sizeof bytes, NULL);
  serial = BN_to_ASN1_INTEGER (bn, NULL);
  BN_free (bn);
  return serial;
}

static gboolean
write_pem (const char *path, int mode, gboolean (*writer) (BIO *, gpointer), gpointer obj, GError **error)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long len;
  gboolean ok;

  if (!writer (bio, obj))
    {
      BIO_free (bio);
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot encode %s"), path);
      return FALSE;
    }
  len = BIO_get_mem_data (bio, &data);
  ok = g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, mode, error);
  BIO_free (bio);
  return ok;
}

static gboolean
write_key (BIO *bio, gpointer key)
{
  return PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL) == 1;
}

static gboolean
write_cert (BIO *bio, gpointer cert)
{
  return PEM_write_bio_X509 (bio, cert) == 1;
}

static gboolean
write_crl (BIO *bio, gpointer crl)
{
  return PEM_write_bio_X509_CRL (bio, crl) == 1;
}

static gboolean
create_ca (CdIssuerLocal *self, GError **error)
{
  g_autoptr(GDateTime) now = cd_store_now (cd_context_get_store (self->ctx));
  g_autoptr(GDateTime) start = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) end = g_date_time_add_years (now, 20);
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *cert = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  ASN1_INTEGER *serial = random_serial ();
  gboolean ok;

  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_UTF8, (const guchar *) "CN", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const guchar *) "CertDesk", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guchar *) "CertDesk Local CA (DEMO) 本地CA", -1, -1, 0);
  ok = key && X509_set_version (cert, 2) && X509_set_serialNumber (cert, serial)
       && X509_set_subject_name (cert, name) && X509_set_issuer_name (cert, name)
       && set_time (X509_getm_notBefore (cert), start) && set_time (X509_getm_notAfter (cert), end)
       && X509_set_pubkey (cert, key)
       && add_ext (cert, cert, NID_basic_constraints, "critical,CA:TRUE")
       && add_ext (cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign")
       && add_ext (cert, cert, NID_subject_key_identifier, "hash")
       && X509_sign (cert, key, EVP_sha256 ()) > 0;
  ASN1_INTEGER_free (serial);
  X509_NAME_free (name);
  if (!ok)
    {
      g_autofree char *why = cd_pki_openssl_errors ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot create the local CA: %s"), why);
      EVP_PKEY_free (key);
      X509_free (cert);
      return FALSE;
    }
  /* The key first: a certificate without its key would be a CA that cannot sign. */
  ok = write_pem (self->key_path, 0600, write_key, key, error) && write_pem (self->cert_path, 0644, write_cert, cert, error);
  self->key = key;
  self->cert = cert;
  return ok;
}

static gboolean
load_ca (CdIssuerLocal *self, GError **error)
{
  BIO *kb = BIO_new_file (self->key_path, "r");
  BIO *cb = BIO_new_file (self->cert_path, "r");

  self->key = kb ? PEM_read_bio_PrivateKey (kb, NULL, NULL, NULL) : NULL;
  self->cert = cb ? PEM_read_bio_X509 (cb, NULL, NULL, NULL) : NULL;
  BIO_free (kb);
  BIO_free (cb);
  if (!self->key || !self->cert || X509_check_private_key (self->cert, self->key) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA in %s is damaged"), self->dir);
      return FALSE;
    }
  return TRUE;
}

static const char *
local_get_name (CdIssuer *issuer)
{
  return "local";
}

static X509 *
local_issue (CdIssuer *issuer, const CdIssueRequest *req, STACK_OF (X509) **out_chain, GError **error)
{
  CdIssuerLocal *self = CD_ISSUER_LOCAL (issuer);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  EVP_PKEY *pub = X509_REQ_get0_pubkey (req->csr);
  X509 *cert;
  ASN1_INTEGER *serial;
  g_autofree char *cdp = NULL;
  gboolean ok;

  if (pub == NULL || X509_REQ_verify (req->csr, pub) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                   _("The local CA refused the request: its signature does not verify"));
      return NULL;
    }
  if (g_date_time_compare (req->not_after, req->not_before) <= 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                   _("The local CA refused the request: the validity ends before it starts"));
      return NULL;
    }
  cert = X509_new ();
  serial = random_serial ();
  cdp = g_strdup_printf ("URI:file://%s", self->crl_path);
  ok = X509_set_version (cert, 2) && X509_set_serialNumber (cert, serial)
       && X509_set_subject_name (cert, X509_REQ_get_subject_name (req->csr))
       && X509_set_issuer_name (cert, X509_get_subject_name (self->cert))
       && set_time (X509_getm_notBefore (cert), req->not_before) && set_time (X509_getm_notAfter (cert), req->not_after)
       && X509_set_pubkey (cert, pub)
       && add_ext (cert, self->cert, NID_basic_constraints, "critical,CA:FALSE")
       && add_ext (cert, self->cert, NID_key_usage, "critical,digitalSignature,nonRepudiation,keyEncipherment")
       && add_ext (cert, self->cert, NID_ext_key_usage, "clientAuth,emailProtection")
       && add_ext (cert, self->cert, NID_subject_key_identifier, "hash")
       && add_ext (cert, self->cert, NID_authority_key_identifier, "keyid:always")
       && add_ext (cert, self->cert, NID_crl_distribution_points, cdp)
       && X509_sign (cert, self->key, EVP_sha256 ()) > 0;
  ASN1_INTEGER_free (serial);
  if (!ok)
    {
      g_autofree char *why = cd_pki_openssl_errors ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA failed to sign: %s"), why);
      X509_free (cert);
      return NULL;
    }
  if (out_chain)
    {
      *out_chain = sk_X509_new_null ();
      sk_X509_push (*out_chain, X509_dup (self->cert));
    }
  return cert;
}

static gboolean
local_revoke (CdIssuer *issuer, X509 *cert, CdRevokeReason reason, GError **error)
{
  CdIssuerLocal *self = CD_ISSUER_LOCAL (issuer);

  /* The revocation itself is the certificate row's state; here only: is it ours? */
  if (X509_NAME_cmp (X509_get_issuer_name (cert), X509_get_subject_name (self->cert)) != 0
      || X509_verify (cert, self->key) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                   _("The local CA did not issue this certificate and cannot revoke it"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
local_publish (CdIssuer *issuer, GError **error)
{
  CdIssuerLocal *self = CD_ISSUER_LOCAL (issuer);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  CdStore *store = cd_context_get_store (self->ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) now = cd_store_now (store);
  g_autoptr(GDateTime) next = g_date_time_add_days (now, 7);
  X509_CRL *crl = X509_CRL_new ();
  ASN1_TIME *t = ASN1_TIME_new ();
  ASN1_INTEGER *number = ASN1_INTEGER_new ();
  gboolean ok = TRUE;
  int rc;

  X509_CRL_set_version (crl, 1);
  X509_CRL_set_issuer_name (crl, X509_get_subject_name (self->cert));
  set_time (t, now);
  X509_CRL_set1_lastUpdate (crl, t);
  set_time (t, next);
  X509_CRL_set1_nextUpdate (crl, t);
  ASN1_INTEGER_set_int64 (number, g_date_time_to_unix (now));
  X509_CRL_add1_ext_i2d (crl, NID_crl_number, number, 0, 0);
  if (!cd_store_prepare (store, "SELECT serial, revoked_at, state, revoke_reason FROM certificate"
                                " WHERE issuer = 'local' AND state IN ('revoked', 'suspended')", &stmt, error))
    ok = FALSE;
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      X509_REVOKED *r = X509_REVOKED_new ();
      BIGNUM *bn = NULL;
      ASN1_INTEGER *serial;
      ASN1_ENUMERATED *code = ASN1_ENUMERATED_new ();
      CdRevokeReason reason = CD_REVOKE_UNSPECIFIED;
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ((const char *) sqlite3_column_text (stmt, 1), NULL);

      BN_hex2bn (&bn, (const char *) sqlite3_column_text (stmt, 0));
      serial = BN_to_ASN1_INTEGER (bn, NULL);
      X509_REVOKED_set_serialNumber (r, serial);
      set_time (t, at ? at : now);
      X509_REVOKED_set_revocationDate (r, t);
      if (g_str_equal ((const char *) sqlite3_column_text (stmt, 2), "suspended"))
        reason = CD_REVOKE_HOLD;
      else
        cd_revoke_reason_from_code ((const char *) sqlite3_column_text (stmt, 3), &reason);
      ASN1_ENUMERATED_set (code, reason);
      X509_REVOKED_add1_ext_i2d (r, NID_crl_reason, code, 0, 0);
      X509_CRL_add0_revoked (crl, r);
      ASN1_ENUMERATED_free (code);
      ASN1_INTEGER_free (serial);
      BN_free (bn);
    }
  if (ok && rc != SQLITE_DONE)
    ok = cd_store_set_error (store, error);
  if (ok)
    {
      X509_CRL_sort (crl);
      if (X509_CRL_sign (crl, self->key, EVP_sha256 ()) <= 0)
        {
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA failed to sign its CRL"));
          ok = FALSE;
        }
      else
        ok = write_pem (self->crl_path, 0644, write_crl, crl, error);
    }
  ASN1_INTEGER_free (number);
  ASN1_TIME_free (t);
  X509_CRL_free (crl);
  ERR_clear_error ();
  return ok;
}

static STACK_OF (X509) *
local_get_roots (CdIssuer *issuer)
{
  STACK_OF (X509) *roots = sk_X509_new_null ();

  sk_X509_push (roots, X509_dup (CD_ISSUER_LOCAL (issuer)->cert));
  return roots;
}

static void
cd_issuer_local_iface_init (CdIssuerInterface *iface)
{
  iface->get_name = local_get_name;
  iface->issue = local_issue;
  iface->revoke = local_revoke;
  iface->publish = local_publish;
  iface->get_roots = local_get_roots;
}

static void
cd_issuer_local_finalize (GObject *object)
{
  CdIssuerLocal *self = CD_ISSUER_LOCAL (object);

  g_clear_object (&self->ctx);
  X509_free (self->cert);
  EVP_PKEY_free (self->key);
  g_free (self->dir);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_free (self->crl_path);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cd_issuer_local_parent_class)->finalize (object);
}

static void
cd_issuer_local_class_init (CdIssuerLocalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cd_issuer_local_finalize;
}

static void
cd_issuer_local_init (CdIssuerLocal *self)
{
  g_mutex_init (&self->lock);
}

CdIssuerLocal *
cd_issuer_local_new (CdContext *ctx, GError **error)
{
  g_autoptr(CdIssuerLocal) self = g_object_new (CD_TYPE_ISSUER_LOCAL, NULL);

  self->ctx = g_object_ref (ctx);
  self->dir = g_build_filename (cd_context_get_state_dir (ctx), "ca", NULL);
  self->cert_path = g_build_filename (self->dir, "ca-cert.pem", NULL);
  self->key_path = g_build_filename (self->dir, "ca-key.pem", NULL);
  self->crl_path = g_build_filename (self->dir, "crl.pem", NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot create the local CA folder %s: %s"), self->dir,
                   g_strerror (errno));
      return NULL;
    }
  if (g_file_test (self->key_path, G_FILE_TEST_EXISTS))
    {
      if (!load_ca (self, error))
        return NULL;
    }
  else if (!create_ca (self, error) || !local_publish (CD_ISSUER (self), error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
cd_issuer_local_get_cert_path (CdIssuerLocal *self)
{
  return self->cert_path;
}

const char *
cd_issuer_local_get_crl_path (CdIssuerLocal *self)
{
  return self->crl_path;
}
