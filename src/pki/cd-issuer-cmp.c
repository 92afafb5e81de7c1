/* cd-issuer-cmp.c: the CMP client. Every failure becomes one sentence: unreachable (no answer), refused
 * (the CA's PKIStatus with its text; a refused protection or proof of possession said as such), or another
 * issuer error. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "cd-issuer-cmp.h"
#include "cd-pki-error.h"

struct _CdIssuerCmp {
  GObject          parent_instance;
  char            *host;
  int              port;
  char            *path;
  char            *reference;
  CdPin           *secret;
  X509            *ra_cert;
  EVP_PKEY        *ra_key;
  STACK_OF (X509) *roots;
  gboolean         use_ir;
  guint            timeout_s;
  gint             protection_refused;  /* atomic: the exchanges run on workers */
};

static void cd_issuer_cmp_iface_init (CdIssuerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdIssuerCmp, cd_issuer_cmp, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_ISSUER, cd_issuer_cmp_iface_init))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_CMP_CTX, OSSL_CMP_CTX_free)

static OSSL_CMP_CTX *
new_ctx (CdIssuerCmp *self)
{
  OSSL_CMP_CTX *ctx = OSSL_CMP_CTX_new (NULL, NULL);
  X509_STORE *store = X509_STORE_new ();

  OSSL_CMP_CTX_set_log_verbosity (ctx, OSSL_CMP_LOG_ERR);
  OSSL_CMP_CTX_set1_server (ctx, self->host);
  OSSL_CMP_CTX_set_serverPort (ctx, self->port);
  OSSL_CMP_CTX_set1_serverPath (ctx, self->path);
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_KEEP_ALIVE, 0);
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_MSG_TIMEOUT, self->timeout_s);
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_TOTAL_TIMEOUT, self->timeout_s * 3);
  /* A CA that cannot check our protection (a wrong secret) answers with an error protected by what it
   * expected, which we cannot check either: such negative answers are read anyway, so the clerk learns why.
   * They can only make a request fail, never make one succeed. */
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_UNPROTECTED_ERRORS, 1);
  for (int i = 0; i < sk_X509_num (self->roots); i++)
    X509_STORE_add_cert (store, sk_X509_value (self->roots, i));
  OSSL_CMP_CTX_set0_trustedStore (ctx, store);
  if (self->secret)
    {
      OSSL_CMP_CTX_set1_referenceValue (ctx, (const guchar *) self->reference, strlen (self->reference));
      OSSL_CMP_CTX_set1_secretValue (ctx, (const guchar *) cd_pin_get (self->secret), cd_pin_length (self->secret));
    }
  else
    {
      OSSL_CMP_CTX_set1_cert (ctx, self->ra_cert);
      OSSL_CMP_CTX_set1_pkey (ctx, self->ra_key);
    }
  return ctx;
}

/* The failure bits that say the CA did not accept the message's protection. */
#define PROTECTION_FAILURES ((1 << OSSL_CMP_PKIFAILUREINFO_badMessageCheck) | (1 << OSSL_CMP_PKIFAILUREINFO_wrongIntegrity) \
                             | (1 << OSSL_CMP_PKIFAILUREINFO_signerNotTrusted) | (1 << OSSL_CMP_PKIFAILUREINFO_notAuthorized) \
                             | (1 << OSSL_CMP_PKIFAILUREINFO_badAlg))

/* Whether the OpenSSL error code an OpenSSL-based CA put in its error message says it could not check our
 * protection. */
static gboolean
is_protection_code (unsigned long code)
{
  static const int reasons[] = {
    CMP_R_WRONG_PBM_VALUE, CMP_R_ERROR_VALIDATING_PROTECTION, CMP_R_ERROR_VALIDATING_SIGNATURE,
    CMP_R_MISSING_PROTECTION, CMP_R_NO_SUITABLE_SENDER_CERT, CMP_R_MISSING_TRUST_STORE, CMP_R_MISSING_TRUST_ANCHOR,
    CMP_R_WRONG_ALGORITHM_OID, CMP_R_UNKNOWN_ALGORITHM_ID, CMP_R_MISSING_SECRET,
  };

  if (ERR_GET_LIB (code) != ERR_LIB_CMP)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (ERR_GET_REASON (code) == reasons[i])
      return TRUE;
  return FALSE;
}

/* The CA's own words: its status text, else the details of an error message (OpenSSL's client puts them in
 * the data of CMP_R_RECEIVED_ERROR: "…; errorCode: 1D00009B; errorDetails: …"), on one line; @out_code gets
 * the error message's errorCode (0 if none). Drains the error queue into @log (for the debug log only). */
static char *
ca_words (OSSL_CMP_CTX *ctx, GString *log, unsigned long *out_code)
{
  OSSL_CMP_PKIFREETEXT *text = OSSL_CMP_CTX_get0_statusString (ctx);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GString) details = g_string_new (NULL);
  const char *data = NULL;
  unsigned long e;
  int flags = 0;
  char buf[256];

  *out_code = 0;
  for (int i = 0; text && i < sk_ASN1_UTF8STRING_num (text); i++)
    g_string_append_printf (s, "%s%s", s->len ? " " : "",
                            (const char *) ASN1_STRING_get0_data (sk_ASN1_UTF8STRING_value (text, i)));
  while ((e = ERR_get_error_all (NULL, NULL, NULL, &data, &flags)) != 0)
    {
      gboolean has_data = (flags & ERR_TXT_STRING) && data && *data;

      ERR_error_string_n (e, buf, sizeof buf);
      g_string_append_printf (log, "%s%s%s%s", log->len ? "; " : "", buf, has_data ? ": " : "", has_data ? data : "");
      if (has_data && ERR_GET_LIB (e) == ERR_LIB_CMP && ERR_GET_REASON (e) == CMP_R_RECEIVED_ERROR)
        {
          const char *code = strstr (data, "errorCode: ");
          const char *d = strstr (data, "errorDetails: ");

          if (code)
            *out_code = strtoul (code + strlen ("errorCode: "), NULL, 16);
          if (d && details->len == 0)
            g_string_append (details, d + strlen ("errorDetails: "));
        }
    }
  if (s->len == 0)
    g_string_append (s, details->str);
  g_strdelimit (s->str, "\r\n", ' ');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* After a failed exchange: no status means no (valid) answer at all. */
static void
set_cmp_error (CdIssuerCmp *self, OSSL_CMP_CTX *ctx, const char *doing, GError **error)
{
  int status = OSSL_CMP_CTX_get_status (ctx);
  int fail = OSSL_CMP_CTX_get_failInfoCode (ctx);
  g_autoptr(GString) log = g_string_new (NULL);
  unsigned long code = 0;
  g_autofree char *words = ca_words (ctx, log, &code);
  const char *why = log->str;

  g_atomic_int_set (&self->protection_refused, FALSE);
  if (status == OSSL_CMP_PKISTATUS_rejection || status == OSSL_CMP_PKISTATUS_revocationWarning
      || status == OSSL_CMP_PKISTATUS_revocationNotification || status == OSSL_CMP_PKISTATUS_waiting)
    {
      if ((fail > 0 && (fail & PROTECTION_FAILURES)) || is_protection_code (code))
        {
          g_atomic_int_set (&self->protection_refused, TRUE);
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                       self->secret ? _("The CA did not accept this counter's CMP shared secret for %s; check the secret and retry (%s)")
                                    : _("The CA did not accept the RA certificate's signature on %s; check the RA certificate and key (%s)"),
                       doing, *words ? words : _("no reason given"));
        }
      else if (fail > 0 && (fail & (1 << OSSL_CMP_PKIFAILUREINFO_badPOP)))
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                     _("The CA refused the key's proof of possession in %s: %s"), doing,
                     *words ? words : _("no reason given"));
      else
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED, _("The CA refused %s: %s"), doing,
                     *words ? words : _("no reason given"));
    }
  else if (status < 0 && (strstr (why, "connect") || strstr (why, "transfer") || strstr (why, "timeout")
                          || strstr (why, "http") || strstr (why, "HTTP") || *why == '\0'))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("The CA cannot be reached for %s; check the network and retry"), doing);
  else
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The CA's answer to %s is not acceptable"), doing);
  g_debug ("CMP %s failed (status %d, failure bits 0x%x): %s", doing, status, (unsigned) fail, why);
}

static const char *
cmp_get_name (CdIssuer *issuer)
{
  return "cmp";
}

/* The ir's request: a CRMF template with what the PKCS#10 request asks (its subject, public key and
 * extensions) and the validity the profile asks, and the proof of possession signed by the key on the USB
 * key. Built here rather than by OpenSSL from the context so that the template carries the CSR's public key
 * and nothing from the RA certificate that protects the message (OpenSSL fills the issuer and subject
 * alternative names from it by default). A key that is not the CSR's makes a proof the CA refuses. */
static OSSL_CRMF_MSG *
ir_message (const CdIssueRequest *req, GError **error)
{
  OSSL_CRMF_MSG *crm = OSSL_CRMF_MSG_new ();
  EVP_PKEY *pub = X509_REQ_get0_pubkey (req->csr);
  STACK_OF (X509_EXTENSION) *exts = X509_REQ_get_extensions (req->csr);
  ASN1_TIME *nb = ASN1_TIME_set (NULL, (time_t) g_date_time_to_unix (req->not_before));
  ASN1_TIME *na = ASN1_TIME_set (NULL, (time_t) g_date_time_to_unix (req->not_after));

  if (req->private_key == NULL || pub == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("CMP ir needs the request's public key and the key on the USB key for its proof of possession"));
      goto fail;
    }
  if (!crm || !nb || !na || !OSSL_CRMF_MSG_set_certReqId (crm, 0)
      || !OSSL_CRMF_CERTTEMPLATE_fill (OSSL_CRMF_MSG_get0_tmpl (crm), pub, X509_REQ_get_subject_name (req->csr), NULL, NULL)
      || !OSSL_CRMF_MSG_set0_validity (crm, nb, na))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot build the CMP certificate request"));
      goto fail;
    }
  nb = na = NULL;
  if (exts && sk_X509_EXTENSION_num (exts) > 0)
    {
      if (!OSSL_CRMF_MSG_set0_extensions (crm, exts))
        {
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot build the CMP certificate request"));
          goto fail;
        }
      exts = NULL;
    }
  if (!OSSL_CRMF_MSG_create_popo (OSSL_CRMF_POPO_SIGNATURE, crm, req->private_key, EVP_sha256 (), NULL, NULL))
    {
      g_autofree char *why = cd_pki_openssl_errors ();

      g_debug ("CMP proof of possession: %s", why);
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The key on the USB key did not sign the proof of possession for the CA"));
      goto fail;
    }
  sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  return crm;

fail:
  ERR_clear_error ();
  OSSL_CRMF_MSG_free (crm);
  ASN1_TIME_free (nb);
  ASN1_TIME_free (na);
  sk_X509_EXTENSION_pop_free (exts, X509_EXTENSION_free);
  return NULL;
}

static X509 *
cmp_issue (CdIssuer *issuer, const CdIssueRequest *req, STACK_OF (X509) **out_chain, GError **error)
{
  CdIssuerCmp *self = CD_ISSUER_CMP (issuer);
  g_autoptr(OSSL_CMP_CTX) ctx = new_ctx (self);
  gint64 days = (g_date_time_difference (req->not_after, req->not_before) + G_TIME_SPAN_DAY / 2) / G_TIME_SPAN_DAY;
  STACK_OF (X509) *extra;
  X509 *cert;

  ERR_clear_error ();
  /* The validity the profile asks for (p10cr in days, ir in the template); the CA has the last word and we
   * read it back from the certificate. */
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_VALIDITY_DAYS, (int) MAX (days, 1));
  if (self->use_ir)
    {
      OSSL_CRMF_MSG *crm;

      if (!(crm = ir_message (req, error)))
        return NULL;
      /* OpenSSL wants the signing key of the proof of possession in the context too. */
      EVP_PKEY_up_ref (req->private_key);
      OSSL_CMP_CTX_set0_newPkey (ctx, 1, req->private_key);
      cert = OSSL_CMP_exec_certreq (ctx, OSSL_CMP_IR, crm);
      OSSL_CRMF_MSG_free (crm);
    }
  else
    {
      OSSL_CMP_CTX_set1_p10CSR (ctx, req->csr);
      cert = OSSL_CMP_exec_P10CR_ses (ctx);
    }
  g_atomic_int_set (&self->protection_refused, FALSE);
  if (cert == NULL)
    {
      set_cmp_error (self, ctx, _("the certificate request"), error);
      return NULL;
    }
  cert = X509_dup (cert);
  if (out_chain)
    {
      /* caPubs and extraCerts may carry the chain; the trust anchor completes it. */
      *out_chain = sk_X509_new_null ();
      if ((extra = OSSL_CMP_CTX_get1_extraCertsIn (ctx)))
        {
          for (int i = 0; i < sk_X509_num (extra); i++)
            {
              X509 *c = sk_X509_value (extra, i);
              if (X509_check_issued (c, c) != X509_V_OK && X509_cmp (c, cert) != 0)
                sk_X509_push (*out_chain, X509_dup (c));
            }
          sk_X509_pop_free (extra, X509_free);
        }
      for (int i = 0; i < sk_X509_num (self->roots); i++)
        sk_X509_push (*out_chain, X509_dup (sk_X509_value (self->roots, i)));
    }
  ERR_clear_error ();
  return cert;
}

static gboolean
cmp_revoke (CdIssuer *issuer, X509 *cert, CdRevokeReason reason, GError **error)
{
  CdIssuerCmp *self = CD_ISSUER_CMP (issuer);
  g_autoptr(OSSL_CMP_CTX) ctx = new_ctx (self);

  ERR_clear_error ();
  OSSL_CMP_CTX_set1_oldCert (ctx, cert);
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_REVOCATION_REASON, reason);
  g_atomic_int_set (&self->protection_refused, FALSE);
  if (OSSL_CMP_exec_RR_ses (ctx) != 1)
    {
      set_cmp_error (self, ctx, _("the revocation"), error);
      return FALSE;
    }
  ERR_clear_error ();
  return TRUE;
}

static STACK_OF (X509) *
cmp_get_roots (CdIssuer *issuer)
{
  CdIssuerCmp *self = CD_ISSUER_CMP (issuer);
  STACK_OF (X509) *roots = sk_X509_new_null ();

  for (int i = 0; i < sk_X509_num (self->roots); i++)
    sk_X509_push (roots, X509_dup (sk_X509_value (self->roots, i)));
  return roots;
}

static void
cd_issuer_cmp_iface_init (CdIssuerInterface *iface)
{
  iface->get_name = cmp_get_name;
  iface->issue = cmp_issue;
  iface->revoke = cmp_revoke;
  iface->get_roots = cmp_get_roots;
}

static void
cd_issuer_cmp_finalize (GObject *object)
{
  CdIssuerCmp *self = CD_ISSUER_CMP (object);

  g_free (self->host);
  g_free (self->path);
  g_free (self->reference);
  cd_pin_free (self->secret);
  X509_free (self->ra_cert);
  EVP_PKEY_free (self->ra_key);
  sk_X509_pop_free (self->roots, X509_free);
  G_OBJECT_CLASS (cd_issuer_cmp_parent_class)->finalize (object);
}

static void
cd_issuer_cmp_class_init (CdIssuerCmpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cd_issuer_cmp_finalize;
}

static void
cd_issuer_cmp_init (CdIssuerCmp *self)
{
}

static STACK_OF (X509) *
load_certs (const char *path)
{
  BIO *bio = BIO_new_file (path, "r");
  STACK_OF (X509) *certs = sk_X509_new_null ();
  X509 *c;

  while (bio && (c = PEM_read_bio_X509 (bio, NULL, NULL, NULL)))
    sk_X509_push (certs, c);
  BIO_free (bio);
  ERR_clear_error ();
  return certs;
}

static X509 *
load_ra_cert (const char *path, GError **error)
{
  BIO *bio = BIO_new_file (path, "r");
  X509 *cert = bio ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;

  BIO_free (bio);
  ERR_clear_error ();
  if (cert == NULL)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                 _("The RA certificate %s cannot be read: a PEM certificate is expected"), path);
  return cert;
}

/* OpenSSL asks for the passphrase only if the key is encrypted; none given gives an empty one (fails). */
static int
passphrase_cb (char *buf, int size, int rwflag, void *data)
{
  const CdPin *pass = data;
  gsize n = pass ? cd_pin_length (pass) : 0;

  if (n == 0 || n > (gsize) size)
    return -1;
  memcpy (buf, cd_pin_get (pass), n);
  return (int) n;
}

static EVP_PKEY *
load_ra_key (const char *path, const CdPin *pass, GError **error)
{
  BIO *bio = BIO_new_file (path, "r");
  EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey (bio, NULL, passphrase_cb, (void *) pass) : NULL;

  BIO_free (bio);
  ERR_clear_error ();
  if (key == NULL && bio && cd_issuer_cmp_key_is_encrypted (path))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                 pass ? _("The RA key %s cannot be opened: the passphrase is wrong")
                      : _("The RA key %s is encrypted: its passphrase is needed"), path);
  else if (key == NULL)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                 _("The RA key %s cannot be read: a PEM private key is expected"), path);
  return key;
}

gboolean
cd_issuer_cmp_key_is_encrypted (const char *path)
{
  g_autofree char *text = NULL;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  return strstr (text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || strstr (text, "Proc-Type: 4,ENCRYPTED");
}

gboolean
cd_issuer_cmp_protection_refused (CdIssuerCmp *self)
{
  g_return_val_if_fail (CD_IS_ISSUER_CMP (self), FALSE);
  return g_atomic_int_get (&self->protection_refused);
}

CdIssuerCmp *
cd_issuer_cmp_new (const CdCmpConfig *config, GError **error)
{
  g_autoptr(CdIssuerCmp) self = g_object_new (CD_TYPE_ISSUER_CMP, NULL);
  g_autoptr(GUri) uri = NULL;

  if (config->server == NULL || !(uri = g_uri_parse (config->server, G_URI_FLAGS_NONE, NULL))
      || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The CMP server must be an http:// address (got “%s”)"),
                   config->server ? config->server : "");
      return NULL;
    }
  self->host = g_strdup (g_uri_get_host (uri));
  self->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80;
  self->path = g_strdup (*g_uri_get_path (uri) ? g_uri_get_path (uri) : "/");
  self->reference = g_strdup (config->reference ? config->reference : "certdesk");
  self->use_ir = config->use_ir;
  self->timeout_s = config->timeout_s ? config->timeout_s : 15;
  if (config->trust_anchor == NULL || sk_X509_num (self->roots = load_certs (config->trust_anchor)) == 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The CMP trust anchor %s holds no certificate"),
                   config->trust_anchor ? config->trust_anchor : "(none)");
      return NULL;
    }
  if (config->secret)
    self->secret = cd_pin_copy (config->secret);
  else if (config->ra_cert && *config->ra_cert && config->ra_key && *config->ra_key)
    {
      if (!(self->ra_cert = load_ra_cert (config->ra_cert, error))
          || !(self->ra_key = load_ra_key (config->ra_key, config->ra_key_pass, error)))
        return NULL;
      if (X509_check_private_key (self->ra_cert, self->ra_key) != 1)
        {
          ERR_clear_error ();
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                       _("The RA key %s is not the key of the RA certificate %s"), config->ra_key, config->ra_cert);
          return NULL;
        }
    }
  else
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("CMP needs a shared secret or an RA certificate and key"));
      return NULL;
    }
  return g_steal_pointer (&self);
}
