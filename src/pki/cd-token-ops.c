/* cd-token-ops.c: what the counter does on a USB key: log in, initialise, unlock, generate a key pair,
 * write and read objects, and check what it wrote. libp11 does the work where it can; the module's own
 * functions do EC key generation and data objects, which libp11 0.4.12 lacks. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

/* A session of our own on the key, for calls libp11 does not offer; the login is shared across sessions. */
typedef struct {
  CK_FUNCTION_LIST *f;
  CK_SESSION_HANDLE h;
  CdToken          *t;   /* for the sentence: a key that went away says "removed" */
} RawSession;

static void
raw_close (RawSession *s)
{
  if (s->f && s->h != CK_INVALID_HANDLE)
    s->f->C_CloseSession (s->h);
  s->h = CK_INVALID_HANDLE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RawSession, raw_close)

static gboolean
raw_open (CdToken *self, RawSession *s, const char *doing, GError **error)
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
static gboolean
raw_find (RawSession *s, CK_ATTRIBUTE *tmpl, CK_ULONG n, GArray **out, const char *doing, GError **error)
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

static GBytes *
raw_get_bytes (RawSession *s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type)
{
  return cd_token_attr_bytes (s->f, s->h, obj, type);
}

/* The last libp11 failure as a sentence; a key that went away says "removed" with its label. */
static void
token_p11_error (CdToken *self, GError **error, const char *doing)
{
  unsigned long e, rv = CKR_FUNCTION_FAILED;
  int lib = ERR_get_CKR_code ();

  while ((e = ERR_get_error ()) != 0)
    if (ERR_GET_LIB (e) == lib)
      rv = ERR_GET_REASON (e);
  cd_token_set_rv_error (self, error, rv, doing);
}

static const char *
pin_tries_sentence (const CdTokenInfo *info)
{
  if (info->pin_locked)
    return _("the PIN is now locked: the key needs a PIN unlock (口令解锁)");
  if (info->pin_final_try)
    return _("1 try is left before the key locks");
  if (info->pin_count_low)
    return _("only a few tries are left before the key locks");
  return _("the key does not report fewer tries left yet");
}

void
cd_token_logout (CdToken *self)
{
  if (self->slot)
    PKCS11_logout (self->slot);
  ERR_clear_error ();
  g_clear_pointer (&self->pin, cd_pin_free);
}

gboolean
cd_token_login (CdToken *self, gboolean so, const CdPin *pin, GError **error)
{
  unsigned long e, rv = CKR_FUNCTION_FAILED;

  if (pin == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_REQUIRED,
                   so ? _("The key's SO PIN (administrator PIN) is needed") : _("The key's PIN is needed"));
      return FALSE;
    }
  if (!self->info->initialized)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN, _("The USB key “%s” is blank: it must be initialised first"),
                   self->info->label);
      return FALSE;
    }
  if (!cd_token_refresh_flags (self, error))
    return FALSE;
  if (!so && self->info->pin_locked)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_LOCKED,
                   _("The PIN of the USB key “%s” is locked; the key needs a PIN unlock (口令解锁) first"),
                   self->info->label);
      return FALSE;
    }
  /* libp11 ignores a login while anyone is logged in: log out first, always. */
  cd_token_logout (self);
  PKCS11_open_session (self->slot, 1);
  if (PKCS11_login (self->slot, so, cd_pin_get (pin)) == 0)
    {
      self->pin = cd_pin_copy (pin);
      self->pin_is_so = so;
      return TRUE;
    }
  while ((e = ERR_get_error ()) != 0)
    if (ERR_GET_LIB (e) == ERR_get_CKR_code ())
      rv = ERR_GET_REASON (e);
  if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED)
    {
      cd_token_refresh_flags (self, NULL);
      if (rv == CKR_PIN_LOCKED || self->info->pin_locked)
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_LOCKED,
                     so ? _("The SO PIN of the USB key “%s” is locked") :
                     _("The PIN of the USB key “%s” is wrong and now locked; the key needs a PIN unlock (口令解锁)"),
                     self->info->label);
      else
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT,
                     so ? _("The SO PIN of the USB key “%s” is wrong: %s") : _("The PIN of the USB key “%s” is wrong: %s"),
                     self->info->label, pin_tries_sentence (self->info));
      return FALSE;
    }
  cd_token_set_rv_error (self, error, rv, _("logging in"));
  return FALSE;
}

/* After C_InitToken SoftHSM2 moves the key to a new slot and gives it a serial: find it by the new label,
 * preferring its old serial, else the serial that was not there before. */
static gboolean
find_after_init (CdToken *self, const char *label, const char *old_serial, GPtrArray *serials_before,
                 GError **error)
{
  PKCS11_CTX *ctx = cd_token_module_get_ctx (self->module);
  PKCS11_SLOT *pick = NULL;

  if (self->slots)
    PKCS11_release_all_slots (ctx, self->slots, self->n_slots);
  self->slots = NULL;
  self->slot = NULL;
  if (PKCS11_enumerate_slots (ctx, &self->slots, &self->n_slots) != 0)
    {
      token_p11_error (self, error, _("finding the initialised key"));
      return FALSE;
    }
  for (unsigned int i = 0; i < self->n_slots; i++)
    {
      g_autoptr(CdTokenInfo) info = NULL;

      if (!self->slots[i].token)
        continue;
      info = cd_token_info_from_slot (self->module, &self->slots[i]);
      if (!info->initialized || !g_str_equal (info->label, label))
        continue;
      if (*old_serial && g_str_equal (info->serial, old_serial))
        {
          pick = &self->slots[i];
          break;
        }
      if (!g_ptr_array_find_with_equal_func (serials_before, info->serial, g_str_equal, NULL))
        pick = &self->slots[i];
    }
  if (pick == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                   _("The USB key was removed during initialisation; insert it again and retry"));
      return FALSE;
    }
  self->slot = pick;
  cd_token_info_free (self->info);
  self->info = cd_token_info_from_slot (self->module, pick);
  return TRUE;
}

gboolean
cd_token_initialize (CdToken *self, const CdPin *so_pin, const char *label, const CdPin *user_pin, GError **error)
{
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *old_serial = g_strdup (self->info->serial);
  char padded[33];

  g_return_val_if_fail (label != NULL, FALSE);
  if (so_pin == NULL || user_pin == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_REQUIRED,
                   _("Initialising a key needs its SO PIN and the new user PIN"));
      return FALSE;
    }
  if (!cd_token_is_present (self))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED, _("The USB key “%s” was removed; insert it again and retry"),
                   self->info->label);
      return FALSE;
    }
  for (unsigned int i = 0; i < self->n_slots; i++)
    if (self->slots[i].token)
      {
        g_autoptr(CdTokenInfo) info = cd_token_info_from_slot (self->module, &self->slots[i]);
        g_ptr_array_add (before, g_strdup (info->serial));
      }
  g_snprintf (padded, sizeof padded, "%s", label);
  cd_token_logout (self);
  /* C_InitToken refuses while any session is open, libp11's pooled ones included. */
  cd_token_module_get_functions (self->module)->C_CloseAllSessions (self->info->slot_id);
  ERR_clear_error ();
  if (PKCS11_init_token (self->slot->token, cd_pin_get (so_pin), padded) != 0)
    {
      g_autoptr(GError) local = NULL;
      token_p11_error (self, &local, _("initialising the key"));
      if (g_error_matches (local, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT))
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT,
                     _("The SO PIN of the USB key “%s” is wrong; the key was not erased"), self->info->label);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* libp11 keeps the old token info: enumerate again (release, never update in place). */
  if (!find_after_init (self, padded, old_serial, before, error))
    return FALSE;
  if (!cd_token_login (self, TRUE, so_pin, error))
    return FALSE;
  ERR_clear_error ();
  if (PKCS11_init_pin (self->slot->token, cd_pin_get (user_pin)) != 0)
    {
      token_p11_error (self, error, _("setting the user PIN"));
      return FALSE;
    }
  cd_token_logout (self);
  if (!cd_token_refresh_flags (self, error))
    return FALSE;
  return cd_token_login (self, FALSE, user_pin, error);
}

gboolean
cd_token_unlock_pin (CdToken *self, const CdPin *so_pin, const CdPin *new_pin, GError **error)
{
  if (!cd_token_login (self, TRUE, so_pin, error))
    return FALSE;
  ERR_clear_error ();
  if (PKCS11_init_pin (self->slot->token, cd_pin_get (new_pin)) != 0)
    {
      token_p11_error (self, error, _("setting the new PIN"));
      return FALSE;
    }
  cd_token_logout (self);
  /* Logging in with the new PIN proves the unlock and leaves the retry counter at its start. */
  return cd_token_login (self, FALSE, new_pin, error);
}

gboolean
cd_token_change_so_pin (CdToken *self, const CdPin *old_so_pin, const CdPin *new_so_pin, GError **error)
{
  if (!cd_token_login (self, TRUE, old_so_pin, error))
    return FALSE;
  ERR_clear_error ();
  /* C_SetPIN in a session where the SO is logged in changes the SO PIN (PKCS#11 2.40, 5.6). */
  if (PKCS11_change_pin (self->slot, cd_pin_get (old_so_pin), cd_pin_get (new_so_pin)) != 0)
    {
      token_p11_error (self, error, _("setting the key's new SO PIN"));
      cd_token_logout (self);
      return FALSE;
    }
  cd_token_logout (self);
  return cd_token_refresh_flags (self, error);
}

/* Read without login (cd_token_read_public): a customer's certificates, key pairs and data objects are public
 * on every key. Logged in, the private keys count too (a key pair without its public half). */
GPtrArray *
cd_token_describe (CdToken *self, GError **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CdTokenPublic) pub = NULL;
  guint n_ca = 0, n_pairs;
  PKCS11_KEY *keys = NULL;
  unsigned int n_keys = 0;

  if (!self->info->initialized)
    return g_steal_pointer (&lines);
  if (!cd_token_read_public (self, &pub, error))
    return NULL;
  for (guint i = 0; i < pub->certs->len; i++)
    if (cd_token_cert_is_ca (pub->certs->pdata[i]))
      n_ca++;
    else
      g_ptr_array_add (lines, cd_token_cert_holder (pub->certs->pdata[i]));
  if (n_ca)
    g_ptr_array_add (lines, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u CA certificate", "%u CA certificates",
                                                          n_ca), n_ca));
  n_pairs = pub->n_public_keys;
  if (self->pin && PKCS11_enumerate_keys (self->slot->token, &keys, &n_keys) == 0)
    n_pairs = MAX (n_pairs, n_keys);
  ERR_clear_error ();
  if (n_pairs)
    g_ptr_array_add (lines, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u key pair", "%u key pairs", n_pairs),
                                             n_pairs));
  if (pub->data_labels->len)
    g_ptr_array_add (lines, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u data object", "%u data objects",
                                                          pub->data_labels->len), pub->data_labels->len));
  return g_steal_pointer (&lines);
}

/* The token's own key generation: C_GenerateKeyPair alone is timed (cd_token_get_keygen_us), so that what
 * the burn adds around it can be told apart honestly. */
static gboolean
generate_pair (CdToken *self, CK_MECHANISM *mech, CK_ATTRIBUTE *pub, CK_ULONG n_pub, CK_ATTRIBUTE *priv,
               CK_ULONG n_priv, GError **error)
{
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_HANDLE hpub, hpriv;
  gint64 t0;
  CK_RV rv;

  if (!raw_open (self, &s, _("generating the key pair"), error))
    return FALSE;
  t0 = g_get_monotonic_time ();
  rv = s.f->C_GenerateKeyPair (s.h, mech, pub, n_pub, priv, n_priv, &hpub, &hpriv);
  self->keygen_us = g_get_monotonic_time () - t0;
  if (rv != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, _("generating the key pair"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_token_generate_key (CdToken *self, const char *algorithm, const guchar *id, gsize id_len, const char *label,
                       GError **error)
{
  /* DER of the OID prime256v1 */
  static const guchar p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
  static const guchar f4[] = { 0x01, 0x00, 0x01 };
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ULONG label_len = strlen (label);
  CK_ULONG bits;
  CK_ATTRIBUTE priv[] = {
    { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &yes, 1 }, { CKA_SENSITIVE, &yes, 1 }, { CKA_EXTRACTABLE, &no, 1 },
    { CKA_SIGN, &yes, 1 }, { CKA_ID, (void *) id, id_len }, { CKA_LABEL, (void *) label, label_len },
    { CKA_DECRYPT, &yes, 1 },
  };

  self->keygen_us = 0;
  if (g_str_equal (algorithm, "ec-p256"))
    {
      CK_MECHANISM mech = { CKM_EC_KEY_PAIR_GEN, NULL, 0 };
      CK_ATTRIBUTE pub[] = {
        { CKA_EC_PARAMS, (void *) p256, sizeof p256 }, { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &no, 1 },
        { CKA_VERIFY, &yes, 1 }, { CKA_ID, (void *) id, id_len }, { CKA_LABEL, (void *) label, label_len },
      };

      /* An EC key signs only: no CKA_DECRYPT. */
      return generate_pair (self, &mech, pub, G_N_ELEMENTS (pub), priv, G_N_ELEMENTS (priv) - 1, error);
    }
  if (g_str_equal (algorithm, "rsa-2048"))
    bits = 2048;
  else if (g_str_equal (algorithm, "rsa-3072"))
    bits = 3072;
  else
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN, _("Unknown key algorithm “%s”"), algorithm);
      return FALSE;
    }
  {
    CK_MECHANISM mech = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
    CK_ATTRIBUTE pub[] = {
      { CKA_MODULUS_BITS, &bits, sizeof bits }, { CKA_PUBLIC_EXPONENT, (void *) f4, sizeof f4 },
      { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &no, 1 }, { CKA_VERIFY, &yes, 1 }, { CKA_ENCRYPT, &yes, 1 },
      { CKA_ID, (void *) id, id_len }, { CKA_LABEL, (void *) label, label_len },
    };

    return generate_pair (self, &mech, pub, G_N_ELEMENTS (pub), priv, G_N_ELEMENTS (priv), error);
  }
}

gint64
cd_token_get_keygen_us (CdToken *self)
{
  return self->keygen_us;
}

static PKCS11_KEY *
find_key (CdToken *self, const guchar *id, gsize id_len)
{
  PKCS11_KEY *keys = NULL;
  unsigned int n = 0;

  if (PKCS11_enumerate_keys (self->slot->token, &keys, &n) != 0)
    return NULL;
  for (unsigned int i = 0; i < n; i++)
    if (keys[i].id_len == id_len && memcmp (keys[i].id, id, id_len) == 0)
      return &keys[i];
  return NULL;
}

gboolean
cd_token_has_key (CdToken *self, const guchar *id, gsize id_len)
{
  gboolean has = find_key (self, id, id_len) != NULL;

  ERR_clear_error ();
  return has;
}

/* The public key object with CKA_ID @id, as libp11 enumerates it. */
static PKCS11_KEY *
find_public_key (CdToken *self, const guchar *id, gsize id_len)
{
  PKCS11_KEY *keys = NULL;
  unsigned int n = 0;

  if (PKCS11_enumerate_public_keys (self->slot->token, &keys, &n) != 0)
    return NULL;
  for (unsigned int i = 0; i < n; i++)
    if (keys[i].id_len == id_len && memcmp (keys[i].id, id, id_len) == 0)
      return &keys[i];
  return NULL;
}

/* A copy of the public half that owes nothing to libp11 (no reference into its slot list). */
static EVP_PKEY *
pubkey_copy (EVP_PKEY *key)
{
  guchar *der = NULL;
  const guchar *q;
  int len = i2d_PUBKEY (key, &der);
  EVP_PKEY *copy = NULL;

  if (len > 0)
    {
      q = der;
      copy = d2i_PUBKEY (NULL, &q, len);
    }
  OPENSSL_free (der);
  return copy;
}

/* Never PKCS11_get_public_key() on a private key object (nor the reverse): libp11 0.4.12 then looks the
 * other half up on the key (pkcs11_object_from_object) and, when the key has just been pulled out, frees the
 * NULL it got back (pkcs11_object_free(NULL) in pkcs11_get_key): the SIGSEGV of issue 14 under step_verify.
 * Each half comes from an object of its own class; a failure is a sentence (the key removed, with its label). */
gboolean
cd_token_get_keypair (CdToken *self, const guchar *id, gsize id_len, EVP_PKEY **out_private, EVP_PKEY **out_public,
                      GError **error)
{
  PKCS11_KEY *key, *pub_key;
  g_autoptr(EVP_PKEY) priv = NULL;
  g_autoptr(EVP_PKEY) pub = NULL;

  ERR_clear_error ();
  if (!(key = find_key (self, id, id_len)))
    {
      if (ERR_peek_error ())
        token_p11_error (self, error, _("reading the key pair"));
      else if (!cd_token_is_present (self))
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                     _("The USB key “%s” was removed while reading the key pair; insert it again and retry"),
                     self->info->label);
      else
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN, _("The key pair is not on the USB key"));
      return FALSE;
    }
  if (!(priv = PKCS11_get_private_key (key)))
    {
      token_p11_error (self, error, _("reading the key pair"));
      return FALSE;
    }
  if (out_public)
    {
      g_autoptr(EVP_PKEY) from_key = NULL;

      /* The public key object; a key that keeps none: the public half of the private key's EVP_PKEY (libp11
       * reads the modulus or the point from the private object). Either way copied out of libp11. */
      ERR_clear_error ();
      if ((pub_key = find_public_key (self, id, id_len)) && (from_key = PKCS11_get_public_key (pub_key)))
        pub = pubkey_copy (from_key);
      else
        pub = pubkey_copy (priv);
      if (pub == NULL)
        {
          token_p11_error (self, error, _("reading the key pair"));
          return FALSE;
        }
    }
  if (out_private)
    *out_private = g_steal_pointer (&priv);
  if (out_public)
    *out_public = g_steal_pointer (&pub);
  return TRUE;
}

/* The certificate object, written through a session of our own: the attributes libp11 sets, without its
 * reading the object back for a cache the burn never uses (it verifies through cd-token-readback.c). */
gboolean
cd_token_write_cert (CdToken *self, X509 *cert, const char *label, const guchar *id, gsize id_len, GError **error)
{
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
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
  else if (raw_open (self, &s, _("writing the certificate"), error))
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
      token_p11_error (self, error, _("reading the certificates"));
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
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
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

  if (!raw_open (self, &s, _("writing the seal image"), error))
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
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS cls = CKO_DATA;
  CK_ATTRIBUTE tmpl[] = {
    { CKA_CLASS, &cls, sizeof cls }, { CKA_APPLICATION, (void *) application, strlen (application) },
    { CKA_LABEL, (void *) label, strlen (label) },
  };
  g_autoptr(GArray) found = NULL;
  CK_RV rv;

  if (!raw_open (self, &s, _("removing the old seal image"), error)
      || !raw_find (&s, tmpl, G_N_ELEMENTS (tmpl), &found, _("removing the old seal image"), error))
    return FALSE;
  for (guint i = 0; i < found->len; i++)
    {
      CK_OBJECT_HANDLE h = g_array_index (found, CK_OBJECT_HANDLE, i);

      if (value)
        {
          g_autoptr(GBytes) v = raw_get_bytes (&s, h, CKA_VALUE);
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
destroy_matching (RawSession *s, CK_ATTRIBUTE *tmpl, CK_ULONG n, guint *count, GError **error)
{
  g_autoptr(GArray) found = NULL;
  CK_RV rv;

  if (!raw_find (s, tmpl, n, &found, _("removing old objects"), error))
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
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
  g_autofree char *seal = cd_token_seal_label (id, id_len);
  CK_OBJECT_CLASS data = CKO_DATA;
  CK_ATTRIBUTE by_id[] = { { CKA_ID, (void *) id, id_len } };
  CK_ATTRIBUTE by_label[] = {
    { CKA_CLASS, &data, sizeof data }, { CKA_APPLICATION, (void *) CD_TOKEN_SEAL_APPLICATION,
                                         strlen (CD_TOKEN_SEAL_APPLICATION) },
    { CKA_LABEL, seal, strlen (seal) },
  };

  /* Key pair and certificate carry the CKA_ID, the seal image names it in its label. */
  return raw_open (self, &s, _("removing old objects"), error)
         && destroy_matching (&s, by_id, G_N_ELEMENTS (by_id), NULL, error)
         && destroy_matching (&s, by_label, G_N_ELEMENTS (by_label), NULL, error);
}

gboolean
cd_token_delete_cert (CdToken *self, X509 *cert, GError **error)
{
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
  guchar *der = NULL;
  int len = i2d_X509 (cert, &der);
  gboolean ok;

  if (len <= 0)
    return FALSE;
  {
    CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_VALUE, der, len } };
    ok = raw_open (self, &s, _("removing the old certificate"), error)
         && destroy_matching (&s, tmpl, G_N_ELEMENTS (tmpl), NULL, error);
  }
  OPENSSL_free (der);
  return ok;
}

gboolean
cd_token_remove_orphans (CdToken *self, const guchar *keep_id, gsize keep_len, guint *out_removed, GError **error)
{
  g_auto(RawSession) s = { NULL, CK_INVALID_HANDLE };
  CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &priv_class, sizeof priv_class } };
  g_autoptr(GArray) keys = NULL;
  guint removed = 0;

  if (!raw_open (self, &s, _("looking for leftover keys"), error)
      || !raw_find (&s, tmpl, G_N_ELEMENTS (tmpl), &keys, _("looking for leftover keys"), error))
    return FALSE;
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(GBytes) id = raw_get_bytes (&s, g_array_index (keys, CK_OBJECT_HANDLE, i), CKA_ID);
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

        if (!raw_find (&s, ct, G_N_ELEMENTS (ct), &certs, _("looking for leftover keys"), error))
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

gboolean
cd_token_sign_check (CdToken *self, const guchar *id, gsize id_len, GError **error)
{
  g_autoptr(EVP_PKEY) priv = NULL;
  g_autoptr(EVP_PKEY) pub = NULL;

  if (!cd_token_get_keypair (self, id, id_len, &priv, &pub, error))
    return FALSE;
  return cd_token_sign_check_keys (priv, pub, error);
}

gboolean
cd_token_sign_check_keys (EVP_PKEY *priv, EVP_PKEY *pub, GError **error)
{
  g_autoptr(EVP_MD_CTX) sctx = EVP_MD_CTX_new ();
  g_autoptr(EVP_MD_CTX) vctx = EVP_MD_CTX_new ();
  guchar challenge[32];
  guchar sig[1024];
  size_t sig_len = sizeof sig;

  RAND_bytes (challenge, sizeof challenge);
  ERR_clear_error ();
  if (EVP_DigestSignInit (sctx, NULL, EVP_sha256 (), NULL, priv) != 1
      || EVP_DigestSign (sctx, sig, &sig_len, challenge, sizeof challenge) != 1)
    {
      cd_token_set_p11_error (error, _("signing with the key"));
      return FALSE;
    }
  if (EVP_DigestVerifyInit (vctx, NULL, EVP_sha256 (), NULL, pub) != 1
      || EVP_DigestVerify (vctx, sig, sig_len, challenge, sizeof challenge) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_VERIFY, _("The key's signature does not verify"));
      return FALSE;
    }
  return TRUE;
}
