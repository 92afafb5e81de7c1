/* cd-token-session.c: sessions of our own on a USB key, for the PKCS#11 calls libp11 0.4.12 does not offer
 * (EC key generation, data objects, certificate objects without its read-back), and the last libp11 failure as
 * a sentence. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"

void
cd_token_raw_close (CdTokenSession *s)
{
  if (s->f && s->h != CK_INVALID_HANDLE)
    s->f->C_CloseSession (s->h);
  s->h = CK_INVALID_HANDLE;
}

gboolean
cd_token_raw_open (CdToken *self, CdTokenSession *s, const char *doing, GError **error)
{
  CK_RV rv;

  s->f = cd_token_module_get_functions (self->module);
  s->h = CK_INVALID_HANDLE;
  s->t = self;
  rv = s->f->C_OpenSession (self->info->slot_id, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s->h);
  if (rv != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return FALSE;
    }
  return TRUE;
}

/* All objects matching @tmpl (up to 64). */
gboolean
cd_token_raw_find (CdTokenSession *s, CK_ATTRIBUTE *tmpl, CK_ULONG n, GArray **out, const char *doing, GError **error)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (CK_OBJECT_HANDLE));
  CK_OBJECT_HANDLE handles[64];
  CK_ULONG count = 0;
  CK_RV rv;

  if ((rv = s->f->C_FindObjectsInit (s->h, tmpl, n)) != CKR_OK)
    {
      cd_token_set_rv_error (s->t, error, rv, doing);
      return FALSE;
    }
  rv = s->f->C_FindObjects (s->h, handles, G_N_ELEMENTS (handles), &count);
  s->f->C_FindObjectsFinal (s->h);
  if (rv != CKR_OK)
    {
      cd_token_set_rv_error (s->t, error, rv, doing);
      return FALSE;
    }
  g_array_append_vals (found, handles, count);
  *out = g_steal_pointer (&found);
  return TRUE;
}

GBytes *
cd_token_attr_bytes (CK_FUNCTION_LIST *f, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type)
{
  CK_ATTRIBUTE a = { type, NULL, 0 };
  g_autofree guchar *buf = NULL;

  if (f->C_GetAttributeValue (session, obj, &a, 1) != CKR_OK || a.ulValueLen == (CK_ULONG) -1)
    return NULL;
  buf = g_malloc (a.ulValueLen + 1);
  a.pValue = buf;
  if (f->C_GetAttributeValue (session, obj, &a, 1) != CKR_OK)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buf), a.ulValueLen);
}

GBytes *
cd_token_raw_get_bytes (CdTokenSession *s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type)
{
  return cd_token_attr_bytes (s->f, s->h, obj, type);
}

/* The last libp11 failure as a sentence; a key that went away says "removed" with its label. */
void
cd_token_p11_error (CdToken *self, GError **error, const char *doing)
{
  unsigned long e, rv = CKR_FUNCTION_FAILED;
  int lib = ERR_get_CKR_code ();

  while ((e = ERR_get_error ()) != 0)
    if (ERR_GET_LIB (e) == lib)
      rv = ERR_GET_REASON (e);
  cd_token_set_rv_error (self, error, rv, doing);
}
