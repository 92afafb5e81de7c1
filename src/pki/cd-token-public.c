/* cd-token-public.c: what anyone can read on a USB key without its PIN, and what the key can do. Before a key
 * is erased (C_InitToken) the counter looks at its public objects through a read-only session without login:
 * certificates, public keys and data objects are readable that way on every PKCS#11 key, so a customer's key
 * from another counter is recognised even when this counter's database has never seen it. The key's
 * mechanism list says whether it can make and use the profile's key pair, also before anything is erased. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"
#include "cd-token-records.h"

typedef struct {
  CK_FUNCTION_LIST *f;
  CK_SESSION_HANDLE h;
} RoSession;

static void
ro_close (RoSession *s)
{
  if (s->f && s->h != CK_INVALID_HANDLE)
    s->f->C_CloseSession (s->h);
  s->h = CK_INVALID_HANDLE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RoSession, ro_close)

/* A CKR answer as a sentence; a key that is gone says so with its label, whatever the module answered
 * (SoftHSM2 answers CKR_GENERAL_ERROR when its token folder went away). */
void
cd_token_set_rv_error (CdToken *self, GError **error, unsigned long rv, const char *doing)
{
  if (rv != CKR_PIN_INCORRECT && rv != CKR_PIN_LOCKED && rv != CKR_DEVICE_MEMORY && !cd_token_is_present (self))
    {
      g_debug ("PKCS#11 %s while %s: the key is gone", cd_pki_ckr_name (rv), doing);
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                   _("The USB key “%s” was removed while %s; insert it again and retry"), self->info->label, doing);
      return;
    }
  cd_pki_set_ckr_error (error, rv, doing);
}

static gboolean
ro_open (CdToken *self, RoSession *s, const char *doing, GError **error)
{
  CK_RV rv;

  s->f = cd_token_module_get_functions (self->module);
  s->h = CK_INVALID_HANDLE;
  /* Read-only and without login: what an outsider sees. */
  if ((rv = s->f->C_OpenSession (self->info->slot_id, CKF_SERIAL_SESSION, NULL, NULL, &s->h)) != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return FALSE;
    }
  return TRUE;
}

/* The handles of all objects of @cls (up to 256). */
static gboolean
ro_find (CdToken *self, RoSession *s, CK_OBJECT_CLASS cls, GArray **out, const char *doing, GError **error)
{
  CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof cls } };
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (CK_OBJECT_HANDLE));
  CK_OBJECT_HANDLE handles[64];
  CK_ULONG count = 0;
  CK_RV rv;

  if ((rv = s->f->C_FindObjectsInit (s->h, tmpl, G_N_ELEMENTS (tmpl))) != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return FALSE;
    }
  do
    {
      rv = s->f->C_FindObjects (s->h, handles, G_N_ELEMENTS (handles), &count);
      if (rv == CKR_OK)
        g_array_append_vals (found, handles, count);
    }
  while (rv == CKR_OK && count == G_N_ELEMENTS (handles) && found->len < 256);
  s->f->C_FindObjectsFinal (s->h);
  if (rv != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return FALSE;
    }
  *out = g_steal_pointer (&found);
  return TRUE;
}

static GBytes *
ro_get (RoSession *s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type)
{
  return cd_token_attr_bytes (s->f, s->h, obj, type);
}

gboolean
cd_token_list_public_certs (CdToken *self, GPtrArray **out_certs, GPtrArray **out_ids, GError **error)
{
  g_auto(RoSession) s = { NULL, CK_INVALID_HANDLE };
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GArray) found = NULL;
  const char *doing = _("reading the key's certificates");

  if (!self->info->initialized)
    goto done;
  if (!ro_open (self, &s, doing, error) || !ro_find (self, &s, CKO_CERTIFICATE, &found, doing, error))
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      CK_OBJECT_HANDLE h = g_array_index (found, CK_OBJECT_HANDLE, i);
      g_autoptr(GBytes) value = ro_get (&s, h, CKA_VALUE);
      g_autoptr(GBytes) id = ro_get (&s, h, CKA_ID);
      const guchar *p;
      gsize len;
      X509 *cert;

      if (value == NULL)
        continue;
      p = g_bytes_get_data (value, &len);
      if (!(cert = d2i_X509 (NULL, &p, (long) len)))
        continue;
      g_ptr_array_add (certs, cert);
      g_ptr_array_add (ids, id ? g_bytes_ref (id) : g_bytes_new (NULL, 0));
    }
done:
  if (out_certs)
    *out_certs = g_steal_pointer (&certs);
  if (out_ids)
    *out_ids = g_steal_pointer (&ids);
  return TRUE;
}

gboolean
cd_token_cert_is_ca (X509 *cert)
{
  return X509_check_ca (cert) > 0;
}

static char *
name_entry_utf8 (const X509_NAME *name, int nid)
{
  int i = X509_NAME_get_index_by_NID (name, nid, -1);
  unsigned char *utf8 = NULL;
  char *out;
  int len;

  if (i < 0)
    return NULL;
  /* The entry's own string decoded to UTF-8: no \xE5\x86… escapes for Chinese names. */
  len = ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, i)));
  if (len < 0)
    return NULL;
  out = g_utf8_make_valid ((const char *) utf8, len);
  OPENSSL_free (utf8);
  return out;
}

char *
cd_token_cert_holder (X509 *cert)
{
  const X509_NAME *subject = X509_get_subject_name (cert);
  g_autofree char *cn = name_entry_utf8 (subject, NID_commonName);
  g_autofree char *o = name_entry_utf8 (subject, NID_organizationName);
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autofree char *who = NULL;
  struct tm tm = { 0 };
  char end[16] = "?";

  if (cn && o && !g_str_equal (cn, o))
    who = g_strdup_printf ("%s, %s", cn, o);
  else if (cn || o)
    who = g_strdup (cn ? cn : o);
  else
    {
      /* No CN or O: the whole subject, RFC 2253 without escaping the UTF-8 bytes. */
      BIO *bio = BIO_new (BIO_s_mem ());
      char *data = NULL;
      long n;

      X509_NAME_print_ex (bio, subject, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
      n = BIO_get_mem_data (bio, &data);
      who = g_utf8_make_valid (data ? data : "", n);
      BIO_free (bio);
    }
  if (ASN1_TIME_to_tm (X509_get0_notAfter (cert), &tm) == 1)
    strftime (end, sizeof end, "%Y-%m-%d", &tm);
  return g_strdup_printf (_("the certificate of %s (serial %s, valid until %s)"), who, serial ? serial : "?", end);
}

gboolean
cd_token_read_public (CdToken *self, CdTokenPublic **out, GError **error)
{
  g_auto(RoSession) s = { NULL, CK_INVALID_HANDLE };
  g_autoptr(CdTokenPublic) pub = g_new0 (CdTokenPublic, 1);
  g_autoptr(GArray) keys = NULL;
  g_autoptr(GArray) data = NULL;
  const char *doing = _("reading what the key holds");

  pub->certs = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  pub->ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  pub->data_labels = g_ptr_array_new_with_free_func (g_free);
  if (self->info->initialized)
    {
      g_clear_pointer (&pub->certs, g_ptr_array_unref);
      g_clear_pointer (&pub->ids, g_ptr_array_unref);
      if (!cd_token_list_public_certs (self, &pub->certs, &pub->ids, error)
          || !ro_open (self, &s, doing, error)
          || !ro_find (self, &s, CKO_PUBLIC_KEY, &keys, doing, error)
          || !ro_find (self, &s, CKO_DATA, &data, doing, error))
        return FALSE;
      pub->n_public_keys = keys->len;
      for (guint i = 0; i < data->len; i++)
        {
          g_autoptr(GBytes) label = ro_get (&s, g_array_index (data, CK_OBJECT_HANDLE, i), CKA_LABEL);
          gsize len = 0;
          const char *l = label ? g_bytes_get_data (label, &len) : NULL;

          g_ptr_array_add (pub->data_labels, l && len ? g_utf8_make_valid (l, len) : g_strdup ("?"));
        }
      for (guint i = 0; i < pub->certs->len; i++)
        if (!cd_token_cert_is_ca (pub->certs->pdata[i]))
          pub->n_end_entity++;
    }
  *out = g_steal_pointer (&pub);
  return TRUE;
}

void
cd_token_public_free (CdTokenPublic *pub)
{
  if (!pub)
    return;
  g_clear_pointer (&pub->certs, g_ptr_array_unref);
  g_clear_pointer (&pub->ids, g_ptr_array_unref);
  g_clear_pointer (&pub->data_labels, g_ptr_array_unref);
  g_free (pub);
}

gboolean
cd_token_public_is_empty (const CdTokenPublic *pub)
{
  return pub->certs->len == 0 && pub->n_public_keys == 0 && pub->data_labels->len == 0;
}

char *
cd_token_public_describe (const CdTokenPublic *pub)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  guint n_ca = pub->certs->len - pub->n_end_entity;

  /* The holders first: that is what the clerk must recognise. */
  for (guint i = 0; i < pub->certs->len; i++)
    if (!cd_token_cert_is_ca (pub->certs->pdata[i]))
      g_ptr_array_add (parts, cd_token_cert_holder (pub->certs->pdata[i]));
  if (n_ca > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u CA certificate",
                                                          "%u CA certificates", n_ca), n_ca));
  if (pub->n_public_keys > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u key pair", "%u key pairs",
                                                          pub->n_public_keys), pub->n_public_keys));
  if (pub->data_labels->len > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u data object", "%u data objects",
                                                          pub->data_labels->len), pub->data_labels->len));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

/* What the profile's algorithm needs of the key's mechanisms. */
typedef struct {
  const char       *algorithm;
  CK_MECHANISM_TYPE gen;
  CK_MECHANISM_TYPE sign;
  CK_ULONG          bits;
  const char       *name;       /* for the sentence */
  const char       *other;      /* the other family, for "or a project with …" */
} AlgNeed;

static const AlgNeed *
alg_need (const char *algorithm)
{
  static const AlgNeed needs[] = {
    { "ec-p256", CKM_EC_KEY_PAIR_GEN, CKM_ECDSA, 256, N_("EC P-256"), N_("RSA keys") },
    { "rsa-2048", CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_RSA_PKCS, 2048, N_("RSA 2048-bit"), N_("EC P-256 keys") },
    { "rsa-3072", CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_RSA_PKCS, 3072, N_("RSA 3072-bit"), N_("EC P-256 keys") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (needs); i++)
    if (g_str_equal (needs[i].algorithm, algorithm))
      return &needs[i];
  return NULL;
}

/* The key size range says bits (or, for EC on some modules, bytes); 0..0 means the module does not say. */
static gboolean
size_fits (const CK_MECHANISM_INFO *mi, CK_ULONG bits, gboolean ec)
{
  if (mi->ulMinKeySize == 0 && mi->ulMaxKeySize == 0)
    return TRUE;
  if (mi->ulMinKeySize <= bits && bits <= mi->ulMaxKeySize)
    return TRUE;
  return ec && mi->ulMinKeySize <= bits / 8 && bits / 8 <= mi->ulMaxKeySize;
}

gboolean
cd_token_check_algorithm (CdToken *self, const char *algorithm, GError **error)
{
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (self->module);
  const AlgNeed *need = alg_need (algorithm);
  g_autofree CK_MECHANISM_TYPE *mechs = NULL;
  CK_MECHANISM_INFO gen = { 0 }, sign = { 0 };
  gboolean has_gen = FALSE, has_sign = FALSE;
  const char *doing = _("reading what the key can do");
  CK_ULONG n = 0;
  CK_RV rv;

  if (need == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN, _("Unknown key algorithm “%s”"), algorithm);
      return FALSE;
    }
  if ((rv = f->C_GetMechanismList (self->info->slot_id, NULL, &n)) != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return FALSE;
    }
  mechs = g_new0 (CK_MECHANISM_TYPE, n + 1);
  if ((rv = f->C_GetMechanismList (self->info->slot_id, mechs, &n)) != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, doing);
      return FALSE;
    }
  for (CK_ULONG i = 0; i < n; i++)
    {
      if (mechs[i] == need->gen && f->C_GetMechanismInfo (self->info->slot_id, mechs[i], &gen) == CKR_OK)
        has_gen = (gen.flags & CKF_GENERATE_KEY_PAIR) != 0 && size_fits (&gen, need->bits, need->gen == CKM_EC_KEY_PAIR_GEN);
      if (mechs[i] == need->sign && f->C_GetMechanismInfo (self->info->slot_id, mechs[i], &sign) == CKR_OK)
        has_sign = (sign.flags & CKF_SIGN) != 0 && size_fits (&sign, need->bits, need->gen == CKM_EC_KEY_PAIR_GEN);
    }
  if (!has_gen)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("This USB key (“%s”) cannot make %s keys; use a key that can, or a project with %s"),
                   self->info->label, _(need->name), _(need->other));
      return FALSE;
    }
  if (!has_sign)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("This USB key (“%s”) cannot sign with %s keys; use a key that can, or a project with %s"),
                   self->info->label, _(need->name), _(need->other));
      return FALSE;
    }
  return TRUE;
}
