/* cd-csr.c: subject templates and PKCS#10 requests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>

#include "cd-csr.h"
#include "cd-pki-error.h"
#include "cd-subject.h"
#include "cd-token.h"

/* The fields come from the core's builder (cd-subject.h), the one the pre-flight checks before payment. */
X509_NAME *
cd_csr_build_subject (const CdProfile *profile, const CdApplication *app, GError **error)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local = NULL;

  if (!(entries = cd_subject_build (profile, app, &local)))
    {
      g_set_error_literal (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, local->message);
      return NULL;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const CdSubjectEntry *e = entries->pdata[i];

      if (!g_utf8_validate (e->value, -1, NULL)
          || !X509_NAME_add_entry_by_txt (name, e->field, MBSTRING_UTF8, (const guchar *) e->value, -1, -1, 0))
        {
          ERR_clear_error ();
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                       _("The certificate subject field %s cannot hold “%s”"), e->field, e->value);
          return NULL;
        }
    }
  if (X509_NAME_entry_count (name) == 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("The certificate subject would be empty"));
      return NULL;
    }
  return g_steal_pointer (&name);
}

char *
cd_csr_name_to_string (const X509_NAME *name)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *out;

  X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  out = g_strndup (data, len);
  BIO_free (bio);
  return out;
}

X509_REQ *
cd_csr_new (const X509_NAME *subject, EVP_PKEY *private_key, EVP_PKEY *public_key, GError **error)
{
  g_autoptr(X509_REQ) req = X509_REQ_new ();

  ERR_clear_error ();
  if (!X509_REQ_set_version (req, 0) || !X509_REQ_set_subject_name (req, subject)
      || !X509_REQ_set_pubkey (req, public_key))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN, _("Cannot build the certificate request"));
      return NULL;
    }
  if (X509_REQ_sign (req, private_key, EVP_sha256 ()) <= 0)
    {
      cd_token_set_p11_error (error, _("signing the certificate request"));
      return NULL;
    }
  if (X509_REQ_verify (req, public_key) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_VERIFY, _("The key's signature on the request does not verify"));
      return NULL;
    }
  return g_steal_pointer (&req);
}
