/* cd-issuer-cmp.c: the CMP client. Every failure becomes one sentence that says who refused: this counter
 * (the certificate the CA returned failed our checks or the caller's accept hook: a negative certConf told the
 * CA), the CA (its PKIStatus text and failure bits in words; a refused protection or proof of possession said
 * as such), the network (host:port refused, timed out, closed), or a server that does not speak CMP (an HTTP
 * error, an answer that is not a CMP message): cd-issuer-cmp-errors.c. The connection and the HTTP transfer are
 * cd-issuer-cmp-transport.c; here the requests (p10cr or ir with its certConf, rr) and the checks of what the CA
 * returned. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "cd-issuer-cmp-private.h"
#include "cd-pki-error.h"

static void cd_issuer_cmp_iface_init (CdIssuerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdIssuerCmp, cd_issuer_cmp, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_ISSUER, cd_issuer_cmp_iface_init))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_CMP_CTX, OSSL_CMP_CTX_free)

static void
exchange_clear (Exchange *x)
{
  g_clear_error (&x->refusal);
  g_clear_pointer (&x->ca_text, g_free);
  if (x->chain)
    sk_X509_pop_free (x->chain, X509_free);
  x->chain = NULL;
}

/* OpenSSL's CMP log goes to the debug log: its default printer writes to stdout/stderr, and the clerk (and the
 * command line's one-line stderr) gets one sentence of ours instead. */
static int
log_to_debug (const char *func, const char *file, int line, OSSL_CMP_severity level, const char *msg)
{
  g_debug ("OpenSSL CMP (%d) %s: %s", (int) level, func ? func : "", msg);
  return 1;
}

static OSSL_CMP_CTX *
new_ctx (CdIssuerCmp *self, Exchange *x)
{
  OSSL_CMP_CTX *ctx = OSSL_CMP_CTX_new (NULL, NULL);
  X509_STORE *store = X509_STORE_new ();

  OSSL_CMP_CTX_set_log_cb (ctx, log_to_debug);
  OSSL_CMP_CTX_set_log_verbosity (ctx, OSSL_CMP_LOG_INFO);
  OSSL_CMP_CTX_set1_server (ctx, self->host);
  OSSL_CMP_CTX_set_serverPort (ctx, self->port);
  OSSL_CMP_CTX_set1_serverPath (ctx, self->path);
  OSSL_CMP_CTX_set_transfer_cb (ctx, cd_issuer_cmp_transfer);
  OSSL_CMP_CTX_set_transfer_cb_arg (ctx, x);
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

/* The certificates the CA sent along (extraCerts, caPubs) that may link the new certificate to the trust
 * anchor, then the trust anchor's roots: the chain the certificate is checked with and goes to the key with. */
static STACK_OF (X509) *
returned_chain (CdIssuerCmp *self, OSSL_CMP_CTX *ctx, X509 *cert)
{
  STACK_OF (X509) *chain = sk_X509_new_null ();
  STACK_OF (X509) *lists[2] = { OSSL_CMP_CTX_get1_extraCertsIn (ctx), OSSL_CMP_CTX_get1_caPubs (ctx) };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      for (int i = 0; lists[l] && i < sk_X509_num (lists[l]); i++)
        {
          X509 *c = sk_X509_value (lists[l], i);
          gboolean seen = X509_cmp (c, cert) == 0 || X509_check_issued (c, c) == X509_V_OK;

          for (int j = 0; !seen && j < sk_X509_num (chain); j++)
            seen = X509_cmp (c, sk_X509_value (chain, j)) == 0;
          if (!seen)
            sk_X509_push (chain, X509_dup (c));
        }
      if (lists[l])
        sk_X509_pop_free (lists[l], X509_free);
    }
  for (int i = 0; i < sk_X509_num (self->roots); i++)
    sk_X509_push (chain, X509_dup (sk_X509_value (self->roots, i)));
  return chain;
}

/* NULL when @cert chains to the trust anchor through @chain, else why not. Checked at the certificate's
 * notBefore, as cd_issuer_verify_chain does. */
static const char *
chain_error (CdIssuerCmp *self, X509 *cert, STACK_OF (X509) *chain)
{
  X509_STORE *store = X509_STORE_new ();
  X509_STORE_CTX *vctx = X509_STORE_CTX_new ();
  const char *why = _("the chain cannot be checked");
  struct tm tm;

  for (int i = 0; i < sk_X509_num (self->roots); i++)
    X509_STORE_add_cert (store, sk_X509_value (self->roots, i));
  if (X509_STORE_CTX_init (vctx, store, cert, chain))
    {
      X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param (vctx);

      if (ASN1_TIME_to_tm (X509_get0_notBefore (cert), &tm))
        X509_VERIFY_PARAM_set_time (param, timegm (&tm) + 60);
      X509_VERIFY_PARAM_set_purpose (param, X509_PURPOSE_ANY);
      why = X509_verify_cert (vctx) == 1 ? NULL : X509_verify_cert_error_string (X509_STORE_CTX_get_error (vctx));
    }
  X509_STORE_CTX_free (vctx);
  X509_STORE_free (store);
  return why;
}

/* A name on one line, RFC 2253 order, UTF-8 kept. */
static char *
name_text (const X509_NAME *name)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *text;

  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  text = g_strndup (data, len);
  BIO_free (bio);
  return text;
}

/* Refuses the certificate: @bit for the CA's failInfo, @ca_text in the negative certConf, @why for the clerk
 * (completed by whether the CA was told). */
static int
refuse (Exchange *x, int bit, const char *ca_text, GError *why)
{
  x->ca_text = g_strdup (ca_text);
  x->refusal = why;
  return 1 << bit;
}

/* OpenSSL's certConf callback: the certificate the CA returned is taken only when it is for the request's key
 * and subject, chains to the trust anchor, and the caller's accept hook took it (the burn records it durably
 * there); otherwise the certConf is negative. OpenSSL's own finding (@lib_fail: its key check) counts too. */
static int
cert_conf_cb (OSSL_CMP_CTX *ctx, X509 *cert, int lib_fail, const char **text)
{
  Exchange *x = OSSL_CMP_CTX_get_certConf_cb_arg (ctx);
  CdIssuerCmp *self = x->self;
  X509_REQ *csr = x->req->csr;
  EVP_PKEY *want = X509_REQ_get0_pubkey (csr);
  g_autoptr(GError) hook_error = NULL;
  const char *verify_error;
  int fail;

  x->checked = TRUE;
  exchange_clear (x);
  x->chain = returned_chain (self, ctx, cert);
  if (want == NULL || EVP_PKEY_eq (X509_get0_pubkey (cert), want) != 1)
    fail = refuse (x, OSSL_CMP_PKIFAILUREINFO_incorrectData, "the certificate's public key is not the requested key",
                   g_error_new (CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The certificate the CA returned is for another key")));
  else if (X509_NAME_cmp (X509_get_subject_name (cert), X509_REQ_get_subject_name (csr)) != 0)
    {
      g_autofree char *got = name_text (X509_get_subject_name (cert));
      g_autofree char *asked = name_text (X509_REQ_get_subject_name (csr));

      fail = refuse (x, OSSL_CMP_PKIFAILUREINFO_badCertTemplate, "the certificate's subject is not the requested subject",
                     g_error_new (CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                                  _("The certificate the CA returned is for “%s”, not for the requested “%s”"), got, asked));
    }
  else if ((verify_error = chain_error (self, cert, x->chain)))
    {
      g_autofree char *ca_text = g_strdup_printf ("the certificate does not chain to the client's trust anchor: %s",
                                                  verify_error);

      fail = refuse (x, OSSL_CMP_PKIFAILUREINFO_incorrectData, ca_text,
                     g_error_new (CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                                  _("The certificate the CA returned does not chain to the CMP trust anchor %s (%s)"),
                                  self->trust_anchor, verify_error));
    }
  else if (lib_fail != 0)
    fail = refuse (x, OSSL_CMP_PKIFAILUREINFO_incorrectData, *text ? *text : "not accepted by the client",
                   g_error_new (CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The certificate the CA returned does not check (%s)"),
                                *text ? *text : _("no reason given")));
  else if (x->req->accept && !x->req->accept (cert, x->chain, x->req->accept_data, &hook_error))
    {
      g_autofree char *ca_text = g_strdup_printf ("the client could not take the certificate: %s",
                                                  hook_error ? hook_error->message : "no reason given");

      /* The caller's own error (its domain and code) says what went wrong there. */
      if (hook_error == NULL)
        hook_error = g_error_new (CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The certificate the CA returned was not taken"));
      fail = refuse (x, OSSL_CMP_PKIFAILUREINFO_systemFailure, ca_text, g_steal_pointer (&hook_error));
    }
  else
    {
      ERR_clear_error ();
      x->accepted = TRUE;
      return 0;
    }
  /* The callback's own checks leave nothing in OpenSSL's queue that could be taken for the exchange's. */
  ERR_clear_error ();
  *text = x->ca_text;
  return fail;
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
  Exchange x = { self, req };
  g_autoptr(OSSL_CMP_CTX) ctx = new_ctx (self, &x);
  gint64 days = (g_date_time_difference (req->not_after, req->not_before) + G_TIME_SPAN_DAY / 2) / G_TIME_SPAN_DAY;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GArray) errors = NULL;
  X509 *cert;

  ERR_clear_error ();
  /* The validity the profile asks for (p10cr in days, ir in the template); the CA has the last word and we
   * read it back from the certificate. */
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_VALIDITY_DAYS, (int) MAX (days, 1));
  OSSL_CMP_CTX_set_certConf_cb (ctx, cert_conf_cb);
  OSSL_CMP_CTX_set_certConf_cb_arg (ctx, &x);
  g_atomic_int_set (&self->protection_refused, FALSE);
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
  errors = cd_issuer_cmp_drain_errors (log);
  if (cert == NULL && x.refusal)
    {
      /* We refused it in certConf: our reason, and whether the CA has the refusal. */
      g_debug ("CMP: refused the CA's certificate (%s): %s", x.ca_text, log->str);
      g_set_error (error, x.refusal->domain, x.refusal->code,
                   x.conf_answered ? _("%s; it was refused and the CA was told")
                                   : _("%s; it was refused, but the CA did not confirm that it got the refusal"),
                   x.refusal->message);
      exchange_clear (&x);
      return NULL;
    }
  if (cert == NULL)
    {
      /* After a positive certConf (the accept hook took the certificate), only the confirmation failed: the CA
       * may hold the certificate as unconfirmed; the caller, which has it from the hook, revokes it. */
      cd_issuer_cmp_set_error (&x, ctx, errors, log->str, x.accepted ? _("the confirmation of the certificate")
                                                           : _("the certificate request"), error);
      exchange_clear (&x);
      return NULL;
    }
  cert = X509_dup (cert);
  if (out_chain)
    *out_chain = g_steal_pointer (&x.chain);
  exchange_clear (&x);
  return cert;
}

static gboolean
cmp_revoke (CdIssuer *issuer, X509 *cert, CdRevokeReason reason, GError **error)
{
  CdIssuerCmp *self = CD_ISSUER_CMP (issuer);
  Exchange x = { self, NULL };
  g_autoptr(OSSL_CMP_CTX) ctx = new_ctx (self, &x);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GArray) errors = NULL;
  gboolean ok;

  ERR_clear_error ();
  OSSL_CMP_CTX_set1_oldCert (ctx, cert);
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_REVOCATION_REASON, reason);
  g_atomic_int_set (&self->protection_refused, FALSE);
  ok = OSSL_CMP_exec_RR_ses (ctx) == 1;
  errors = cd_issuer_cmp_drain_errors (log);
  /* The CA has it revoked already: an earlier attempt's revocation whose answer was lost (the counter stopped
   * between the CA's answer and its own record). What was asked holds, so the record catches up. Not for a
   * suspension: a certificate the CA revoked is not on hold, and is not to be recorded so. */
  if (!ok && reason != CD_REVOKE_HOLD && OSSL_CMP_CTX_get_status (ctx) == OSSL_CMP_PKISTATUS_rejection
      && OSSL_CMP_CTX_get_failInfoCode (ctx) > 0
      && (OSSL_CMP_CTX_get_failInfoCode (ctx) & (1 << OSSL_CMP_PKIFAILUREINFO_certRevoked)))
    {
      g_debug ("CMP revocation: the CA has the certificate revoked already (%s)", log->str);
      return TRUE;
    }
  if (!ok)
    cd_issuer_cmp_set_error (&x, ctx, errors, log->str, _("the revocation"), error);
  return ok;
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
  g_free (self->url);
  g_free (self->trust_anchor);
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
  self->url = g_strdup (config->server);
  self->trust_anchor = g_strdup (config->trust_anchor);
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
