/* cd-issuer-local.c: the local CA with OpenSSL. Its key stays in state_dir/ca (mode 0600). It keeps its own
 * ledger of every certificate it signed (state_dir/ca/ledger.jsonl, cd-ca-ledger.c), as OpenSSL's `ca` keeps
 * index.txt; the CRL lists what the ledger and the certificate table revoked. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "cd-burn-journal.h"
#include "cd-ca-ledger.h"
#include "cd-csr.h"
#include "cd-issuer-local.h"
#include "cd-keys.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"

struct _CdIssuerLocal {
  GObject    parent_instance;
  CdContext *ctx;
  char      *dir;
  char      *cert_path;
  char      *key_path;
  char      *crl_path;
  CdCaLedger *ledger;
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

/* The CA's private key is stored as encrypted PKCS#8 (PBES2: PBKDF2 and AES-256-CBC) under a passphrase derived
 * from the machine's key-encryption key (cd_kek_derive_secret, issue 17): the key file alone, or with a copy of
 * the counter's folder but not the KEK, gives no key. Not from the database's key set: the CA belongs to the
 * counter's folder, and outlives a database rebuilt after a loss or a key set imported from the head office. */
typedef struct {
  EVP_PKEY   *key;
  const char *pass;
} SealedKey;

static char *
ca_key_passphrase (CdIssuerLocal *self, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CdKek) kek = cd_kek_load (TRUE, &local);

  if (!kek)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA's key cannot be protected: %s"),
                   local->message);
      return NULL;
    }
  return cd_kek_derive_secret (kek, "local CA private key");
}

static gboolean
write_key (BIO *bio, gpointer data)
{
  SealedKey *k = data;

  return PEM_write_bio_PKCS8PrivateKey (bio, k->key, EVP_aes_256_cbc (), NULL, 0, NULL, (void *) k->pass) == 1;
}

static gboolean
save_key (CdIssuerLocal *self, EVP_PKEY *key, GError **error)
{
  g_autofree char *pass = ca_key_passphrase (self, error);
  SealedKey k = { key, pass };
  gboolean ok;

  if (!pass)
    return FALSE;
  ok = write_pem (self->key_path, 0600, write_key, &k, error);

  OPENSSL_cleanse (pass, strlen (pass));
  return ok;
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
  ok = save_key (self, key, error) && write_pem (self->cert_path, 0644, write_cert, cert, error);
  self->key = key;
  self->cert = cert;
  return ok;
}

static gboolean
load_ca (CdIssuerLocal *self, GError **error)
{
  g_autofree char *pass = ca_key_passphrase (self, error);
  g_autofree char *text = NULL;
  g_autofree char *kek_path = NULL;
  gboolean clear;
  BIO *kb, *cb;

  if (!pass)
    return FALSE;
  kb = BIO_new_file (self->key_path, "r");
  cb = BIO_new_file (self->cert_path, "r");

  /* An encrypted key opens with the passphrase; a clear one (written before issue 17) is read as it is. */
  g_file_get_contents (self->key_path, &text, NULL, NULL);
  clear = text && strstr (text, "-----BEGIN PRIVATE KEY-----") != NULL;
  if (text)
    OPENSSL_cleanse (text, strlen (text));
  self->key = kb ? PEM_read_bio_PrivateKey (kb, NULL, NULL, pass) : NULL;
  self->cert = cb ? PEM_read_bio_X509 (cb, NULL, NULL, NULL) : NULL;
  OPENSSL_cleanse (pass, strlen (pass));
  BIO_free (kb);
  BIO_free (cb);
  if (!self->key && !clear && self->cert)
    {
      ERR_clear_error ();
      kek_path = cd_kek_file_path ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("The local CA's private key in %s does not open with this computer's key: it was encrypted on "
                     "another computer. Copy that computer's key file to %s, or set up the counter's folder "
                     "again."), self->dir, kek_path);
      return FALSE;
    }
  if (!self->key || !self->cert || X509_check_private_key (self->cert, self->key) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA in %s is damaged"), self->dir);
      return FALSE;
    }
  /* converted at first use: the clear key file is replaced by the encrypted one (written whole, then renamed) */
  if (clear && !save_key (self, self->key, error))
    return FALSE;
  return TRUE;
}

/* The ledger (cd-ca-ledger.c) is a file in the CA's folder, not a table in the counter's database: it must hold
 * what the CA signed exactly when the counter's database could not be written (locked by another writer, full,
 * reset), and it sits beside the key that signed. Its subjects and certificates are sealed under the counter
 * folder's key, which comes from the same KEK as the CA key's passphrase. */
static gboolean
ledger_issued (CdIssuerLocal *self, X509 *cert, GError **error)
{
  g_autofree char *now = cd_store_now_iso (cd_context_get_store (self->ctx));

  return cd_ca_ledger_issued (self->ledger, cert, now, error);
}

static gboolean
ledger_revoked (CdIssuerLocal *self, X509 *cert, CdRevokeReason reason, GError **error)
{
  g_autofree char *now = cd_store_now_iso (cd_context_get_store (self->ctx));

  return cd_ca_ledger_revoked (self->ledger, cert, reason, now, error);
}

/* A CA from before the ledger: its ledger starts with what the certificate table (its index until then)
 * recorded, so that `ca list` shows every certificate it signed. */
static gboolean
seed_ledger (CdIssuerLocal *self, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  if (cd_ca_ledger_exists (self->ledger))
    return TRUE;
  if (!(rows = cd_certificate_store_list_by_issuer (cd_context_get_store (self->ctx), "local", FALSE, error)))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      CdCertRecord *rec = rows->pdata[i];
      BIO *bio = BIO_new_mem_buf (rec->pem ? rec->pem : "", -1);
      X509 *cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
      CdRevokeReason reason = CD_REVOKE_UNSPECIFIED;
      gboolean ok;

      BIO_free (bio);
      if (cert == NULL)
        continue;
      if (g_str_equal (rec->state, "suspended"))
        reason = CD_REVOKE_HOLD;
      else
        cd_revoke_reason_from_code (rec->revoke_reason, &reason);
      ok = ledger_issued (self, cert, error)
           && (g_str_equal (rec->state, "issued") || g_str_equal (rec->state, "to-be-revoked")
               || ledger_revoked (self, cert, reason, error));
      X509_free (cert);
      if (!ok)
        return FALSE;
    }
  ERR_clear_error ();
  return TRUE;
}

static const char *
local_get_name (CdIssuer *issuer)
{
  return "local";
}

/* Where relying parties fetch the CRL: the http(s) URL the CA publishes it at (setting ca.crl_url); only the
 * demo CA of a counter without one points at its own file. */
static char *
crl_distribution_point (CdIssuerLocal *self)
{
  g_autofree char *url = cd_store_setting_dup (cd_context_get_store (self->ctx), "ca.crl_url");

  if (url && (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")))
    return g_strdup_printf ("URI:%s", url);
  return g_strdup_printf ("URI:file://%s", self->crl_path);
}

/* Where the CA's certificate can be fetched (setting ca.issuer_url, http(s)), or NULL: no such extension. */
static char *
authority_info_access (CdIssuerLocal *self)
{
  g_autofree char *url = cd_store_setting_dup (cd_context_get_store (self->ctx), "ca.issuer_url");

  if (url && (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")))
    return g_strdup_printf ("caIssuers;URI:%s", url);
  return NULL;
}

/* keyUsage by key type: an EC key signs (RFC 5480 as updated by RFC 8813: never keyEncipherment); an RSA key
 * may also encipher keys where its profile says so. */
static const char *
key_usage (CdIssuerLocal *self, EVP_PKEY *pub, const char *profile_id)
{
  CdProfile *profile = profile_id ? cd_context_lookup_profile (self->ctx, profile_id, NULL) : NULL;

  if (EVP_PKEY_get_base_id (pub) == EVP_PKEY_RSA && profile && profile->key_encipherment)
    return "critical,digitalSignature,nonRepudiation,keyEncipherment";
  return "critical,digitalSignature,nonRepudiation";
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
  g_autofree char *aia = NULL;
  STACK_OF (X509) *chain;
  GError *refused = NULL;
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
  cdp = crl_distribution_point (self);
  aia = authority_info_access (self);
  ok = X509_set_version (cert, 2) && X509_set_serialNumber (cert, serial)
       && X509_set_subject_name (cert, X509_REQ_get_subject_name (req->csr))
       && X509_set_issuer_name (cert, X509_get_subject_name (self->cert))
       && set_time (X509_getm_notBefore (cert), req->not_before) && set_time (X509_getm_notAfter (cert), req->not_after)
       && X509_set_pubkey (cert, pub)
       && add_ext (cert, self->cert, NID_basic_constraints, "critical,CA:FALSE")
       && add_ext (cert, self->cert, NID_key_usage, key_usage (self, pub, req->profile_id))
       && add_ext (cert, self->cert, NID_ext_key_usage, "clientAuth,emailProtection")
       && add_ext (cert, self->cert, NID_subject_key_identifier, "hash")
       && add_ext (cert, self->cert, NID_authority_key_identifier, "keyid:always")
       && add_ext (cert, self->cert, NID_crl_distribution_points, cdp)
       && (aia == NULL || add_ext (cert, self->cert, NID_info_access, aia))
       && X509_sign (cert, self->key, EVP_sha256 ()) > 0;
  ASN1_INTEGER_free (serial);
  if (!ok)
    {
      g_autofree char *why = cd_pki_openssl_errors ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA failed to sign: %s"), why);
      X509_free (cert);
      return NULL;
    }
  /* In the ledger, synced, before the certificate leaves the CA: whatever happens to the caller, the CA
   * knows what it signed. */
  if (!ledger_issued (self, cert, error))
    {
      X509_free (cert);
      return NULL;
    }
  /* The crash campaign's "unknown outcome": signed and in the ledger, not yet in the counter's journal. */
  cd_burn_test_point ("ca", "signed");
  chain = sk_X509_new_null ();
  sk_X509_push (chain, X509_dup (self->cert));
  /* The counter takes it (checks and journals it) or refuses it: a refused certificate is revoked here. */
  if (req->accept && !req->accept (cert, chain, req->accept_data, &refused))
    {
      g_autoptr(GError) ledger_error = NULL;

      if (!ledger_revoked (self, cert, CD_REVOKE_CESSATION, &ledger_error))
        g_warning ("%s", ledger_error->message);
      g_propagate_error (error, g_steal_pointer (&refused));
      sk_X509_pop_free (chain, X509_free);
      X509_free (cert);
      return NULL;
    }
  if (out_chain)
    *out_chain = chain;
  else
    sk_X509_pop_free (chain, X509_free);
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
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
    return ledger_revoked (self, cert, reason, error);
  }
}

/* The CRL number (RFC 5280 §5.2.3: monotonically increasing) is kept in the CA folder, as OpenSSL's `ca`
 * keeps crlnumber, and synced before the CRL that carries it is written: two CRLs in one second, or a crash
 * between the two writes, never share a number. A CA from before numbered its CRLs by the second: the count
 * goes on above the last CRL's number. */
static gboolean
next_crl_number (CdIssuerLocal *self, ASN1_INTEGER **out, GError **error)
{
  g_autofree char *path = g_build_filename (self->dir, "crl-number", NULL);
  g_autofree char *text = NULL;
  g_autofree char *next_text = NULL;
  g_autoptr(GError) local = NULL;
  guint64 last = 0, next;
  BIO *bio;

  if (g_file_get_contents (path, &text, NULL, NULL))
    last = g_ascii_strtoull (g_strstrip (text), NULL, 10);
  /* Only a CA from before the counter file: its last CRL's number (a Unix second) is where the count goes on. */
  else if ((bio = BIO_new_file (self->crl_path, "r")))
    {
      X509_CRL *old = PEM_read_bio_X509_CRL (bio, NULL, NULL, NULL);
      ASN1_INTEGER *n = old ? X509_CRL_get_ext_d2i (old, NID_crl_number, NULL, NULL) : NULL;
      int64_t v = 0;

      if (n && ASN1_INTEGER_get_int64 (&v, n) == 1 && v > 0 && (guint64) v > last)
        last = (guint64) v;
      ASN1_INTEGER_free (n);
      X509_CRL_free (old);
      BIO_free (bio);
    }
  ERR_clear_error ();
  next = last + 1;
  next_text = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", next);
  if (!g_file_set_contents_full (path, next_text, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local))
    {
      g_set_error (error, local->domain, local->code, _("The local CA cannot keep its CRL number: %s"), local->message);
      return FALSE;
    }
  *out = ASN1_INTEGER_new ();
  ASN1_INTEGER_set_uint64 (*out, next);
  return TRUE;
}

/* One entry of the CRL: @serial_hex revoked at @at for @reason (RFC 5280 §5.3.1: no reasonCode entry for
 * "unspecified"). */
static void
add_revoked (X509_CRL *crl, const char *serial_hex, GDateTime *at, CdRevokeReason reason)
{
  X509_REVOKED *r = X509_REVOKED_new ();
  ASN1_TIME *t = ASN1_TIME_new ();
  BIGNUM *bn = NULL;
  ASN1_INTEGER *serial;

  BN_hex2bn (&bn, serial_hex);
  serial = BN_to_ASN1_INTEGER (bn, NULL);
  X509_REVOKED_set_serialNumber (r, serial);
  set_time (t, at);
  X509_REVOKED_set_revocationDate (r, t);
  if (reason != CD_REVOKE_UNSPECIFIED)
    {
      ASN1_ENUMERATED *code = ASN1_ENUMERATED_new ();

      ASN1_ENUMERATED_set (code, reason);
      X509_REVOKED_add1_ext_i2d (r, NID_crl_reason, code, 0, 0);
      ASN1_ENUMERATED_free (code);
    }
  X509_CRL_add0_revoked (crl, r);
  ASN1_TIME_free (t);
  ASN1_INTEGER_free (serial);
  BN_free (bn);
}

/* How long a CRL stays current: setting ca.crl_days (1 to 365), else 7 days. */
static guint
crl_days (CdIssuerLocal *self)
{
  g_autofree char *text = cd_store_setting_dup (cd_context_get_store (self->ctx), "ca.crl_days");
  guint64 days = text ? g_ascii_strtoull (text, NULL, 10) : 0;

  return days >= 1 && days <= 365 ? (guint) days : 7;
}

static gboolean
local_publish (CdIssuer *issuer, GError **error)
{
  CdIssuerLocal *self = CD_ISSUER_LOCAL (issuer);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  CdStore *store = cd_context_get_store (self->ctx);
  g_autoptr(GPtrArray) revoked = NULL;
  g_autoptr(GDateTime) now = cd_store_now (store);
  g_autoptr(GDateTime) next = g_date_time_add_days (now, crl_days (self));
  X509_CRL *crl = X509_CRL_new ();
  ASN1_TIME *t = ASN1_TIME_new ();
  ASN1_INTEGER *number = NULL;
  gboolean ok = TRUE;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) ledger = cd_ca_ledger_read (self->ledger, error);

  if (ledger == NULL)
    ok = FALSE;
  X509_CRL_set_version (crl, 1);
  X509_CRL_set_issuer_name (crl, X509_get_subject_name (self->cert));
  set_time (t, now);
  X509_CRL_set1_lastUpdate (crl, t);
  set_time (t, next);
  X509_CRL_set1_nextUpdate (crl, t);
  if (ok && !next_crl_number (self, &number, error))
    ok = FALSE;
  if (ok)
    {
      /* RFC 5280 §5.2.1: a CRL MUST carry the Authority Key Identifier of the key that signs it. */
      X509V3_CTX v3;
      X509_EXTENSION *aki;

      X509_CRL_add1_ext_i2d (crl, NID_crl_number, number, 0, 0);
      X509V3_set_ctx (&v3, self->cert, NULL, NULL, crl, 0);
      aki = X509V3_EXT_conf_nid (NULL, &v3, NID_authority_key_identifier, "keyid:always");
      if (aki == NULL || !X509_CRL_add_ext (crl, aki, -1))
        {
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The local CA failed to sign its CRL"));
          ok = FALSE;
        }
      X509_EXTENSION_free (aki);
    }
  if (ok && !(revoked = cd_certificate_store_list_by_issuer (store, "local", TRUE, error)))
    ok = FALSE;
  for (guint i = 0; ok && i < revoked->len; i++)
    {
      CdCertRecord *rec = revoked->pdata[i];
      g_autoptr(GDateTime) at = rec->revoked_at ? g_date_time_new_from_iso8601 (rec->revoked_at, NULL) : NULL;
      CdRevokeReason reason = CD_REVOKE_UNSPECIFIED;

      g_hash_table_add (listed, g_ascii_strup (rec->serial, -1));
      if (g_str_equal (rec->state, "suspended"))
        reason = CD_REVOKE_HOLD;
      else
        cd_revoke_reason_from_code (rec->revoke_reason, &reason);
      add_revoked (crl, rec->serial, at ? at : now, reason);
    }
  /* What the ledger revoked and the counter could not record (its database was not writable) is listed too. */
  for (guint i = 0; ok && i < ledger->len; i++)
    {
      CdLedgerEntry *e = ledger->pdata[i];
      CdRevokeReason reason = CD_REVOKE_UNSPECIFIED;

      if (!g_str_equal (e->state, "revoked") || g_hash_table_contains (listed, e->serial))
        continue;
      cd_revoke_reason_from_code (e->reason, &reason);
      add_revoked (crl, e->serial, now, reason);
    }
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
  g_clear_pointer (&self->ledger, cd_ca_ledger_free);
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
  g_autoptr(CdKeys) keys = NULL;

  self->ctx = g_object_ref (ctx);
  self->dir = g_build_filename (cd_context_get_state_dir (ctx), "ca", NULL);
  self->cert_path = g_build_filename (self->dir, "ca-cert.pem", NULL);
  self->key_path = g_build_filename (self->dir, "ca-key.pem", NULL);
  self->crl_path = g_build_filename (self->dir, "crl.pem", NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot create the local CA folder %s: %s"),
                   self->dir, g_strerror (saved));
      return NULL;
    }
  if (!(keys = cd_ca_folder_keys (TRUE, error)))
    return NULL;
  self->ledger = cd_ca_ledger_new (self->dir, keys);
  if (g_file_test (self->key_path, G_FILE_TEST_EXISTS))
    {
      /* a ledger of before issue 17 is sealed once, at the first opening that can */
      if (!load_ca (self, error) || !cd_ca_ledger_seal_clear (self->ledger, error) || !seed_ledger (self, error))
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

GPtrArray *
cd_issuer_local_list (CdIssuerLocal *self, GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return cd_ca_ledger_read (self->ledger, error);
}

X509 *
cd_issuer_local_find_by_key (CdIssuerLocal *self, EVP_PKEY *pub)
{
  g_autoptr(GPtrArray) entries = cd_issuer_local_list (self, NULL);
  X509 *found = NULL;

  for (guint i = entries ? entries->len : 0; i > 0 && !found; i--)
    {
      CdLedgerEntry *e = entries->pdata[i - 1];
      BIO *bio;
      X509 *cert;

      if (!g_str_equal (e->state, "issued"))
        continue;
      bio = BIO_new_mem_buf (e->pem, -1);
      cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
      BIO_free (bio);
      if (cert && EVP_PKEY_eq (X509_get0_pubkey (cert), pub) == 1)
        found = cert;
      else
        X509_free (cert);
    }
  ERR_clear_error ();
  return found;
}
