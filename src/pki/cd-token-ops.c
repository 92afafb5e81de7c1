/* cd-token-ops.c: what the counter does with a USB key's PINs: log in and out, initialise, unlock, change the SO
 * PIN, and describe what a key holds. Key pairs are cd-token-keys.c, objects cd-token-objects.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"

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
      cd_token_p11_error (self, error, _("finding the initialised key"));
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
      cd_token_p11_error (self, &local, _("initialising the key"));
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
      cd_token_p11_error (self, error, _("setting the user PIN"));
      return FALSE;
    }
  cd_token_logout (self);
  if (!cd_token_refresh_flags (self, error))
    return FALSE;
  return cd_token_login (self, FALSE, user_pin, error);
}

/* Every object the logged-in user sees, destroyed; rounds of at most 64 (cd_token_raw_find), until none is found. */
static gboolean
destroy_all_objects (CdToken *self, GError **error)
{
  g_auto(CdTokenSession) s = { 0 };

  if (!cd_token_raw_open (self, &s, _("erasing the key"), error))
    return FALSE;
  /* A bound, so that a key which answers a destroy with CKR_OK and keeps the object cannot hold us here. */
  for (guint round = 0; round < 256; round++)
    {
      g_autoptr(GArray) found = NULL;
      CK_RV rv;

      if (!cd_token_raw_find (&s, NULL, 0, &found, _("erasing the key"), error))
        return FALSE;
      if (found->len == 0)
        return TRUE;
      for (guint i = 0; i < found->len; i++)
        if ((rv = s.f->C_DestroyObject (s.h, g_array_index (found, CK_OBJECT_HANDLE, i))) != CKR_OK)
          {
            cd_token_set_rv_error (self, error, rv, _("erasing the key"));
            return FALSE;
          }
    }
  g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
               _("The USB key “%s” still holds objects after they were all removed; it cannot be erased"),
               self->info->label);
  return FALSE;
}

/* Re-initialising a key whose SO PIN the caller set (this counter's escrow), without C_InitToken: the SO sets
 * the new user PIN (C_InitPIN), the user destroys every object. Why not C_InitToken: PKCS#11 2.40 (5.6) says
 * the SO PIN is pPin after it, but a token may only keep that true for the SO PIN it was shipped with.
 * opencryptoki 3.8's software token (SC_InitToken → init_token_data) wraps the fresh master key (MK_SO) under
 * its *default* SO PIN and stores the hash of the given one, so after a re-initialisation with any other SO PIN
 * every SO login matches the hash, cannot unwrap the master key and answers CKR_FUNCTION_FAILED — for good:
 * no user PIN can ever be set again (opencryptoki 3.10 keeps the master key instead). Destroying objects
 * as the user is plain PKCS#11 on every token and leaves what C_InitToken would: no object, the new user PIN,
 * the SO PIN as it was (the burn rotates it next). C_InitToken stays for a label change (only it sets one) and
 * for a key whose SO PIN the counter did not set. */
gboolean
cd_token_reinitialize (CdToken *self, const CdPin *so_pin, const char *label, const CdPin *user_pin, GError **error)
{
  g_autofree char *current = NULL;
  g_autofree char *serial = NULL;
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (label != NULL, FALSE);
  if (!self->info->initialized || so_pin == NULL || user_pin == NULL
      || strncmp (self->info->label, label, 32) != 0)
    return cd_token_initialize (self, so_pin, label, user_pin, error);
  if (!cd_token_is_present (self))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED, _("The USB key “%s” was removed; insert it again and retry"),
                   self->info->label);
      return FALSE;
    }
  current = g_strdup (self->info->label);
  serial = g_strdup (self->info->serial);
  if (!cd_token_login (self, TRUE, so_pin, error))
    return FALSE;
  ERR_clear_error ();
  if (PKCS11_init_pin (self->slot->token, cd_pin_get (user_pin)) != 0)
    {
      cd_token_p11_error (self, error, _("setting the user PIN"));
      cd_token_logout (self);
      return FALSE;
    }
  if (!cd_token_refresh_flags (self, error) || !cd_token_login (self, FALSE, user_pin, error))
    return FALSE;
  if (!destroy_all_objects (self, error))
    {
      cd_token_logout (self);
      return FALSE;
    }
  /* libp11 keeps the objects it listed before: enumerate again, as after C_InitToken (same label, same serial). */
  cd_token_logout (self);
  if (!find_after_init (self, current, serial, before, error) || !cd_token_refresh_flags (self, error))
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
      cd_token_p11_error (self, error, _("setting the new PIN"));
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
      cd_token_p11_error (self, error, _("setting the key's new SO PIN"));
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
