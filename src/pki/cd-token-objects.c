/* cd-token-objects.c: certificate and data objects on a USB key: written, read, deleted, and the orphans of an
 * earlier attempt removed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

/* The certificate object, written through a session of our own: the attributes libp11 sets, without its
 * reading the object back for a cache the burn never uses (it verifies through cd-token-readback.c). */
gboolean
cd_token_write_cert (CdToken *self, X509 *cert, const char *label, const guchar *id, gsize id_len, GError **error)
{
  g_auto(CdTokenSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
  CK_CERTIFICATE_TYPE type = CKC_X_509;
  CK_BBOOL yes = CK_TRUE;
  guchar *der = NULL, *subject = NULL, *issuer = NULL, *serial = NULL;
  int der_len = i2d_X509 (cert, &der);
  int subject_len = i2d_X509_NAME (X509_get_subject_name (cert), &subject);
  int issuer_len = i2d_X509_NAME (X509_get_issuer_name (cert), &issuer);
  int serial_len = i2d_ASN1_INTEGER (X509_get0_serialNumber (cert), &serial);
  CK_OBJECT_HANDLE h;
  CK_RV rv = CKR_OK;
  gboolean ok = FALSE;

  if (der_len <= 0 || subject_len <= 0 || issuer_len <= 0 || serial_len <= 0)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The certificate cannot be encoded for the USB key"));
  else if (cd_token_raw_open (self, &s, _("writing the certificate"), error))
    {
      CK_ATTRIBUTE tmpl[] = {
        { CKA_CLASS, &cls, sizeof cls }, { CKA_TOKEN, &yes, 1 }, { CKA_CERTIFICATE_TYPE, &type, sizeof type },
        { CKA_SUBJECT, subject, subject_len }, { CKA_ISSUER, issuer, issuer_len },
        { CKA_SERIAL_NUMBER, serial, serial_len }, { CKA_VALUE, der, der_len },
        { CKA_ID, (void *) id, id_len }, { CKA_LABEL, (void *) label, strlen (label) },
      };

      if ((rv = s.f->C_CreateObject (s.h, tmpl, G_N_ELEMENTS (tmpl), &h)) != CKR_OK)
        cd_token_set_rv_error (self, error, rv, _("writing the certificate"));
      ok = rv == CKR_OK;
    }
  OPENSSL_free (der);
  OPENSSL_free (subject);
  OPENSSL_free (issuer);
  OPENSSL_free (serial);
  return ok;
}

gboolean
cd_token_read_certs (CdToken *self, GPtrArray **out_certs, GPtrArray **out_ids, GError **error)
{
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  PKCS11_CERT *list = NULL;
  unsigned int n = 0;

  ERR_clear_error ();
  if (PKCS11_enumerate_certs (self->slot->token, &list, &n) != 0)
    {
      cd_token_p11_error (self, error, _("reading the certificates"));
      return FALSE;
    }
  for (unsigned int i = 0; i < n; i++)
    if (list[i].x509)
      {
        g_ptr_array_add (certs, X509_dup (list[i].x509));
        g_ptr_array_add (ids, g_bytes_new (list[i].id, list[i].id_len));
      }
  if (out_certs)
    *out_certs = g_steal_pointer (&certs);
  if (out_ids)
    *out_ids = g_steal_pointer (&ids);
  return TRUE;
}

X509 *
cd_token_read_cert (CdToken *self, const guchar *id, gsize id_len, GError **error)
{
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  if (!cd_token_read_certs (self, &certs, &ids, error))
    return NULL;
  for (guint i = 0; i < certs->len; i++)
    {
      gsize len;
      const guchar *d = g_bytes_get_data (ids->pdata[i], &len);
      if (len == id_len && memcmp (d, id, id_len) == 0)
        return X509_dup (certs->pdata[i]);
    }
  return NULL;
}

char *
cd_token_seal_label (const guchar *id, gsize id_len)
{
  GString *label = g_string_new ("CertDesk seal ");

  for (gsize i = 0; i < id_len; i++)
    g_string_append_printf (label, "%02x", id[i]);
  return g_string_free (label, FALSE);
}

gboolean
cd_token_write_data (CdToken *self, const char *application, const char *label, GBytes *value, GError **error)
{
  g_auto(CdTokenSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS cls = CKO_DATA;
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  gsize len;
  const guchar *data = g_bytes_get_data (value, &len);
  CK_ATTRIBUTE tmpl[] = {
    { CKA_CLASS, &cls, sizeof cls }, { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &no, 1 },
    { CKA_APPLICATION, (void *) application, strlen (application) }, { CKA_LABEL, (void *) label, strlen (label) },
    { CKA_VALUE, (void *) data, len },
  };
  CK_OBJECT_HANDLE h;
  CK_RV rv;

  if (!cd_token_raw_open (self, &s, _("writing the seal image"), error))
    return FALSE;
  if ((rv = s.f->C_CreateObject (s.h, tmpl, G_N_ELEMENTS (tmpl), &h)) != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, _("writing the seal image"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_token_delete_data (CdToken *self, const char *application, const char *label, GBytes *value, gboolean others,
                      GError **error)
{
  g_auto(CdTokenSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS cls = CKO_DATA;
  CK_ATTRIBUTE tmpl[] = {
    { CKA_CLASS, &cls, sizeof cls }, { CKA_APPLICATION, (void *) application, strlen (application) },
    { CKA_LABEL, (void *) label, strlen (label) },
  };
  g_autoptr(GArray) found = NULL;
  CK_RV rv;

  if (!cd_token_raw_open (self, &s, _("removing the old seal image"), error)
      || !cd_token_raw_find (&s, tmpl, G_N_ELEMENTS (tmpl), &found, _("removing the old seal image"), error))
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      CK_OBJECT_HANDLE h = g_array_index (found, CK_OBJECT_HANDLE, i);

      if (value)
        {
          g_autoptr(GBytes) v = cd_token_raw_get_bytes (&s, h, CKA_VALUE);
          gboolean same = v && g_bytes_equal (v, value);

          if (same == others)
            continue;
        }
      if ((rv = s.f->C_DestroyObject (s.h, h)) != CKR_OK)
        {
          cd_token_set_rv_error (self, error, rv, _("removing the old seal image"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
destroy_matching (CdTokenSession *s, CK_ATTRIBUTE *tmpl, CK_ULONG n, guint *count, GError **error)
{
  g_autoptr(GArray) found = NULL;
  CK_RV rv;

  if (!cd_token_raw_find (s, tmpl, n, &found, _("removing old objects"), error))
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    if ((rv = s->f->C_DestroyObject (s->h, g_array_index (found, CK_OBJECT_HANDLE, i))) != CKR_OK)
      {
        cd_token_set_rv_error (s->t, error, rv, _("removing old objects"));
        return FALSE;
      }
  if (count)
    *count += found->len;
  return TRUE;
}

gboolean
cd_token_delete_id (CdToken *self, const guchar *id, gsize id_len, GError **error)
{
  g_auto(CdTokenSession) s = { NULL, CK_INVALID_HANDLE };
  g_autofree char *seal = cd_token_seal_label (id, id_len);
  CK_OBJECT_CLASS data = CKO_DATA;
  CK_ATTRIBUTE by_id[] = { { CKA_ID, (void *) id, id_len } };
  CK_ATTRIBUTE by_label[] = {
    { CKA_CLASS, &data, sizeof data }, { CKA_APPLICATION, (void *) CD_TOKEN_SEAL_APPLICATION,
                                         strlen (CD_TOKEN_SEAL_APPLICATION) },
    { CKA_LABEL, seal, strlen (seal) },
  };

  /* Key pair and certificate carry the CKA_ID, the seal image names it in its label. */
  return cd_token_raw_open (self, &s, _("removing old objects"), error)
         && destroy_matching (&s, by_id, G_N_ELEMENTS (by_id), NULL, error)
         && destroy_matching (&s, by_label, G_N_ELEMENTS (by_label), NULL, error);
}

gboolean
cd_token_delete_cert (CdToken *self, X509 *cert, GError **error)
{
  g_auto(CdTokenSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
  guchar *der = NULL;
  int len = i2d_X509 (cert, &der);
  gboolean ok;

  if (len <= 0)
    return FALSE;
  {
    CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_VALUE, der, len } };
    ok = cd_token_raw_open (self, &s, _("removing the old certificate"), error)
         && destroy_matching (&s, tmpl, G_N_ELEMENTS (tmpl), NULL, error);
  }
  OPENSSL_free (der);
  return ok;
}

gboolean
cd_token_remove_orphans (CdToken *self, const guchar *keep_id, gsize keep_len, guint *out_removed, GError **error)
{
  g_auto(CdTokenSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &priv_class, sizeof priv_class } };
  g_autoptr(GArray) keys = NULL;
  guint removed = 0;

  if (!cd_token_raw_open (self, &s, _("looking for leftover keys"), error)
      || !cd_token_raw_find (&s, tmpl, G_N_ELEMENTS (tmpl), &keys, _("looking for leftover keys"), error))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(GBytes) id = cd_token_raw_get_bytes (&s, g_array_index (keys, CK_OBJECT_HANDLE, i), CKA_ID);
      CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
      g_autoptr(GArray) certs = NULL;
      gsize len;
      const guchar *d;

      if (id == NULL)
        continue;
      d = g_bytes_get_data (id, &len);
      if (keep_id && len == keep_len && memcmp (d, keep_id, len) == 0)
        continue;
      {
        CK_ATTRIBUTE ct[] = { { CKA_CLASS, &cert_class, sizeof cert_class }, { CKA_ID, (void *) d, len } };
        CK_ATTRIBUTE by_id[] = { { CKA_ID, (void *) d, len } };

        if (!cd_token_raw_find (&s, ct, G_N_ELEMENTS (ct), &certs, _("looking for leftover keys"), error))
          return FALSE;
        if (certs->len > 0)
          continue;
        /* A key pair whose certificate never arrived: the leftover of a failed attempt. */
        if (!destroy_matching (&s, by_id, G_N_ELEMENTS (by_id), &removed, error))
          return FALSE;
      }
    }
  if (out_removed)
    *out_removed = removed;
  return TRUE;
}
