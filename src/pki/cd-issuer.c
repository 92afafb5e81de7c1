/* cd-issuer.c: the issuer interface and what every issuer shares (chain validation, reason codes). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cd-issuer.h"
#include "cd-pki-error.h"

G_DEFINE_INTERFACE (CdIssuer, cd_issuer, G_TYPE_OBJECT)

static const struct { CdRevokeReason reason; const char *code; } reasons[] = {
  { CD_REVOKE_UNSPECIFIED, "unspecified" },
  { CD_REVOKE_KEY_COMPROMISE, "keyCompromise" },
  { CD_REVOKE_AFFILIATION_CHANGED, "affiliationChanged" },
  { CD_REVOKE_SUPERSEDED, "superseded" },
  { CD_REVOKE_CESSATION, "cessationOfOperation" },
  { CD_REVOKE_HOLD, "certificateHold" },
};

static void
cd_issuer_default_init (CdIssuerInterface *iface)
{
}

const char *
cd_revoke_reason_to_code (CdRevokeReason reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].reason == reason)
      return reasons[i].code;
  return "unspecified";
}

gboolean
cd_revoke_reason_from_code (const char *code, CdRevokeReason *out)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (reasons); i++)
    if (g_ascii_strcasecmp (reasons[i].code, code) == 0)
      {
        *out = reasons[i].reason;
        return TRUE;
      }
  return FALSE;
}

const char *
cd_issuer_name_label (const char *name)
{
  if (g_strcmp0 (name, "local") == 0)
    return _("This counter’s local CA (demo)");
  if (g_strcmp0 (name, "cmp") == 0)
    return _("The CA, over its registration interface (CMP)");
  return name ? name : "—";
}

const char *
cd_issuer_get_name (CdIssuer *self)
{
  return CD_ISSUER_GET_IFACE (self)->get_name (self);
}

X509 *
cd_issuer_issue (CdIssuer *self, const CdIssueRequest *request, STACK_OF (X509) **out_chain, GError **error)
{
  g_return_val_if_fail (CD_IS_ISSUER (self), NULL);
  return CD_ISSUER_GET_IFACE (self)->issue (self, request, out_chain, error);
}

gboolean
cd_issuer_revoke (CdIssuer *self, X509 *cert, CdRevokeReason reason, GError **error)
{
  g_return_val_if_fail (CD_IS_ISSUER (self), FALSE);
  return CD_ISSUER_GET_IFACE (self)->revoke (self, cert, reason, error);
}

gboolean
cd_issuer_publish (CdIssuer *self, GError **error)
{
  CdIssuerInterface *iface = CD_ISSUER_GET_IFACE (self);

  return iface->publish ? iface->publish (self, error) : TRUE;
}

STACK_OF (X509) *
cd_issuer_get_roots (CdIssuer *self)
{
  return CD_ISSUER_GET_IFACE (self)->get_roots (self);
}

gboolean
cd_issuer_verify_chain (CdIssuer *self, X509 *cert, STACK_OF (X509) *chain, GError **error)
{
  STACK_OF (X509) *roots = cd_issuer_get_roots (self);
  X509_STORE *store = X509_STORE_new ();
  X509_STORE_CTX *vctx = X509_STORE_CTX_new ();
  gboolean ok = FALSE;
  int rc;

  for (int i = 0; roots && i < sk_X509_num (roots); i++)
    X509_STORE_add_cert (store, sk_X509_value (roots, i));
  if (X509_STORE_CTX_init (vctx, store, cert, chain))
    {
      /* Validate at the start of the validity: a test clock or a certificate issued for later still checks. */
      X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param (vctx);
      const ASN1_TIME *nb = X509_get0_notBefore (cert);
      struct tm tm;

      if (ASN1_TIME_to_tm (nb, &tm))
        X509_VERIFY_PARAM_set_time (param, timegm (&tm) + 60);
      X509_VERIFY_PARAM_set_purpose (param, X509_PURPOSE_ANY);
      rc = X509_verify_cert (vctx);
      ok = rc == 1;
      if (!ok)
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_VERIFY, _("The certificate does not chain to the issuer's root: %s"),
                     X509_verify_cert_error_string (X509_STORE_CTX_get_error (vctx)));
    }
  else
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_VERIFY, _("Cannot check the certificate chain"));
  X509_STORE_CTX_free (vctx);
  X509_STORE_free (store);
  sk_X509_pop_free (roots, X509_free);
  ERR_clear_error ();
  return ok;
}
