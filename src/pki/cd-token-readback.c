/* cd-token-readback.c: certificates read straight from the key through a fresh session. Cheaper than
 * releasing libp11's slot list and logging in again, and just as much an outsider's view: the module
 * answers from the key, libp11's cache is not involved. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"
#include "cd-token-readback.h"

typedef struct {
  CK_FUNCTION_LIST *f;
  CK_SESSION_HANDLE h;
} Session;

static void
session_close (Session *s)
{
  if (s->f && s->h != CK_INVALID_HANDLE)
    s->f->C_CloseSession (s->h);
  s->h = CK_INVALID_HANDLE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, session_close)

/* The values (CKA_VALUE) of the objects matching @tmpl; @doing names the reading in an error. */
static GPtrArray *
find_values (CdToken *self, CK_ATTRIBUTE *tmpl, CK_ULONG n, const char *doing, GError **error)
{
  g_auto(Session) s = { cd_token_module_get_functions (self->module), CK_INVALID_HANDLE };
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  CK_OBJECT_HANDLE handles[32];
  CK_ULONG count = 0;
  CK_RV rv;

  if ((rv = s.f->C_OpenSession (self->info->slot_id, CKF_SERIAL_SESSION, NULL, NULL, &s.h)) != CKR_OK
      || (rv = s.f->C_FindObjectsInit (s.h, tmpl, n)) != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return NULL;
    }
  rv = s.f->C_FindObjects (s.h, handles, G_N_ELEMENTS (handles), &count);
  s.f->C_FindObjectsFinal (s.h);
  if (rv != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return NULL;
    }
  for (CK_ULONG i = 0; i < count; i++)
    {
      CK_ATTRIBUTE a = { CKA_VALUE, NULL, 0 };
      g_autofree guchar *buf = NULL;

      if ((rv = s.f->C_GetAttributeValue (s.h, handles[i], &a, 1)) != CKR_OK || a.ulValueLen == (CK_ULONG) -1)
        {
          cd_token_set_rv_error (self, error, rv != CKR_OK ? rv : CKR_ATTRIBUTE_SENSITIVE, doing);
          return NULL;
        }
      buf = g_malloc (a.ulValueLen ? a.ulValueLen : 1);
      a.pValue = buf;
      if ((rv = s.f->C_GetAttributeValue (s.h, handles[i], &a, 1)) != CKR_OK)
        {
          cd_token_set_rv_error (self, error, rv, doing);
          return NULL;
        }
      g_ptr_array_add (out, g_bytes_new_take (g_steal_pointer (&buf), a.ulValueLen));
    }
  return g_steal_pointer (&out);
}

GPtrArray *
cd_token_readback_certs (CdToken *self, const guchar *id, gsize id_len, GError **error)
{
  CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
  CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_ID, (void *) id, id_len } };
  g_autoptr(GPtrArray) values = find_values (self, tmpl, G_N_ELEMENTS (tmpl), _("reading the certificate back"), error);
  g_autoptr(GPtrArray) certs = NULL;

  if (values == NULL)
    return NULL;
  certs = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  for (guint i = 0; i < values->len; i++)
    {
      gsize len;
      const guchar *p = g_bytes_get_data (values->pdata[i], &len);
      X509 *cert = d2i_X509 (NULL, &p, (long) len);

      if (cert)
        g_ptr_array_add (certs, cert);
    }
  return g_steal_pointer (&certs);
}

gboolean
cd_token_readback_has_cert (CdToken *self, X509 *cert, gboolean *out_has, GError **error)
{
  CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
  guchar *der = NULL;
  int len = i2d_X509 (cert, &der);
  g_autoptr(GPtrArray) values = NULL;

  if (len <= 0)
    return FALSE;
  {
    CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_VALUE, der, (CK_ULONG) len } };
    values = find_values (self, tmpl, G_N_ELEMENTS (tmpl), _("reading the certificate back"), error);
  }
  OPENSSL_free (der);
  if (values == NULL)
    return FALSE;
  *out_has = values->len > 0;
  return TRUE;
}

GPtrArray *
cd_token_readback_data (CdToken *self, const char *application, const char *label, GError **error)
{
  CK_OBJECT_CLASS cls = CKO_DATA;
  CK_ATTRIBUTE tmpl[] = {
    { CKA_CLASS, &cls, sizeof cls }, { CKA_APPLICATION, (void *) application, strlen (application) },
    { CKA_LABEL, (void *) label, strlen (label) },
  };

  return find_values (self, tmpl, G_N_ELEMENTS (tmpl), _("reading the seal image back"), error);
}
