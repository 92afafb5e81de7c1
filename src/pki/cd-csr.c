/* cd-csr.c: subject templates and PKCS#10 requests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>

#include "cd-csr.h"
#include "cd-pki-error.h"
#include "cd-token.h"

static const char *
placeholder_value (const CdProfile *profile, const CdApplication *app, const char *name)
{
  if (g_str_equal (name, "unit.name"))
    return app->unit ? app->unit->name : NULL;
  if (g_str_equal (name, "unit.uscc"))
    return app->unit ? app->unit->uscc : NULL;
  if (g_str_equal (name, "unit.address"))
    return app->unit ? app->unit->address : NULL;
  if (g_str_equal (name, "person.name"))
    return app->person ? app->person->name : NULL;
  if (g_str_equal (name, "person.id_number"))
    return app->person ? app->person->id_number : NULL;
  if (g_str_equal (name, "legal_person.name"))
    return app->legal_person ? app->legal_person->name : NULL;
  if (g_str_equal (name, "agent.name"))
    return app->agent ? app->agent->name : NULL;
  if (g_str_equal (name, "profile.region"))
    return profile->region;
  return NULL;
}

X509_NAME *
cd_csr_build_subject (const CdProfile *profile, const CdApplication *app, GError **error)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  GPtrArray *parts = app->unit ? profile->subject_unit : profile->subject_person;

  if (parts == NULL || parts->len == 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("Profile %s has no certificate subject for %s"),
                   profile->id, app->unit ? _("units") : _("persons"));
      return NULL;
    }
  for (guint i = 0; i < parts->len; i++)
    {
      const CdSubjectPart *part = parts->pdata[i];
      g_autofree char *inner = NULL;
      const char *value = part->value;

      if (value[0] == '{')
        {
          inner = g_strndup (value + 1, strlen (value) - 2);
          value = placeholder_value (profile, app, inner);
          /* An optional field the applicant left empty is left out of the subject. */
          if (value == NULL || *value == '\0')
            continue;
        }
      if (!g_utf8_validate (value, -1, NULL)
          || !X509_NAME_add_entry_by_txt (name, part->field, MBSTRING_UTF8, (const guchar *) value, -1, -1, 0))
        {
          ERR_clear_error ();
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                       _("The certificate subject field %s cannot hold “%s”"), part->field, value);
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
