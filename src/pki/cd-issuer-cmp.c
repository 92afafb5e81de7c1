/* cd-issuer-cmp.c: the CMP client. Every failure becomes one sentence: unreachable (no answer), refused
 * (the CA's PKIStatus with its text), or another issuer error. */
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

/* After a failed exchange: no status means no (valid) answer at all. */
static void
set_cmp_error (OSSL_CMP_CTX *ctx, const char *doing, GError **error)
{
  int status = OSSL_CMP_CTX_get_status (ctx);
  g_autofree char *why = cd_pki_openssl_errors ();

  if (status == OSSL_CMP_PKISTATUS_rejection || status == OSSL_CMP_PKISTATUS_revocationWarning
      || status == OSSL_CMP_PKISTATUS_revocationNotification || status == OSSL_CMP_PKISTATUS_waiting)
    {
      OSSL_CMP_PKIFREETEXT *text = OSSL_CMP_CTX_get0_statusString (ctx);
      g_autoptr(GString) s = g_string_new (NULL);

      for (int i = 0; text && i < sk_ASN1_UTF8STRING_num (text); i++)
        g_string_append_printf (s, "%s%s", s->len ? " " : "",
                                (const char *) ASN1_STRING_get0_data (sk_ASN1_UTF8STRING_value (text, i)));
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED, _("The CA refused %s: %s"), doing,
                   s->len ? s->str : _("no reason given"));
    }
  else if (status < 0 && (strstr (why, "connect") || strstr (why, "transfer") || strstr (why, "timeout")
                          || strstr (why, "http") || strstr (why, "HTTP") || *why == '\0'))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("The CA cannot be reached for %s; check the network and retry"), doing);
  else
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The CA's answer to %s is not acceptable"), doing);
  g_debug ("CMP %s failed (status %d): %s", doing, status, why);
}

static const char *
cmp_get_name (CdIssuer *issuer)
{
  return "cmp";
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
  /* The validity the profile asks for; the CA has the last word and we read it back from the certificate. */
  OSSL_CMP_CTX_set_option (ctx, OSSL_CMP_OPT_VALIDITY_DAYS, (int) MAX (days, 1));
  if (self->use_ir)
    {
      OSSL_CMP_CTX_set1_subjectName (ctx, X509_REQ_get_subject_name (req->csr));
      EVP_PKEY_up_ref (req->private_key);
      OSSL_CMP_CTX_set0_newPkey (ctx, 1, req->private_key);
      cert = OSSL_CMP_exec_IR_ses (ctx);
    }
  else
    {
      OSSL_CMP_CTX_set1_p10CSR (ctx, req->csr);
      cert = OSSL_CMP_exec_P10CR_ses (ctx);
    }
  if (cert == NULL)
    {
      set_cmp_error (ctx, _("the certificate request"), error);
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
  if (OSSL_CMP_exec_RR_ses (ctx) != 1)
    {
      set_cmp_error (ctx, _("the revocation"), error);
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
  else if (config->ra_cert && config->ra_key)
    {
      BIO *cb = BIO_new_file (config->ra_cert, "r");
      BIO *kb = BIO_new_file (config->ra_key, "r");
      self->ra_cert = cb ? PEM_read_bio_X509 (cb, NULL, NULL, NULL) : NULL;
      self->ra_key = kb ? PEM_read_bio_PrivateKey (kb, NULL, NULL, NULL) : NULL;
      BIO_free (cb);
      BIO_free (kb);
      ERR_clear_error ();
      if (!self->ra_cert || !self->ra_key)
        {
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot read the RA certificate or key"));
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
