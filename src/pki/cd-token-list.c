/* cd-token-list.c: the inserted keys, choosing one, and finding it again after a reload. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <string.h>

#include "cd-pki-error.h"
#include "cd-token-private.h"

void
cd_token_info_free (CdTokenInfo *info)
{
  if (!info)
    return;
  g_free (info->serial);
  g_free (info->label);
  g_free (info->manufacturer);
  g_free (info->model);
  g_free (info);
}

CdTokenInfo *
cd_token_info_copy (const CdTokenInfo *info)
{
  CdTokenInfo *c = g_memdup2 (info, sizeof *info);

  c->serial = g_strdup (info->serial);
  c->label = g_strdup (info->label);
  c->manufacturer = g_strdup (info->manufacturer);
  c->model = g_strdup (info->model);
  return c;
}

static char *
strdup_padded (const unsigned char *s, gsize len)
{
  g_autofree char *t = g_strndup ((const char *) s, len);

  return g_strdup (g_strchomp (t));
}

static void
apply_flags (CdTokenInfo *info, const CK_TOKEN_INFO *ti)
{
  info->initialized = (ti->flags & CKF_TOKEN_INITIALIZED) != 0;
  info->user_pin_set = (ti->flags & CKF_USER_PIN_INITIALIZED) != 0;
  info->pin_count_low = (ti->flags & CKF_USER_PIN_COUNT_LOW) != 0;
  info->pin_final_try = (ti->flags & CKF_USER_PIN_FINAL_TRY) != 0;
  info->pin_locked = (ti->flags & CKF_USER_PIN_LOCKED) != 0;
  info->so_pin_locked = (ti->flags & CKF_SO_PIN_LOCKED) != 0;
}

CdTokenInfo *
cd_token_info_from_slot (CdTokenModule *module, PKCS11_SLOT *slot)
{
  CdTokenInfo *info = g_new0 (CdTokenInfo, 1);
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (module);
  CK_TOKEN_INFO ti;

  info->slot_id = PKCS11_get_slotid_from_slot (slot);
  /* The module's own answer: libp11 0.4.12 does not refresh its copy after C_InitToken. */
  if (f->C_GetTokenInfo (info->slot_id, &ti) == CKR_OK)
    {
      info->serial = strdup_padded (ti.serialNumber, sizeof ti.serialNumber);
      info->label = strdup_padded (ti.label, sizeof ti.label);
      info->manufacturer = strdup_padded (ti.manufacturerID, sizeof ti.manufacturerID);
      info->model = strdup_padded (ti.model, sizeof ti.model);
      apply_flags (info, &ti);
    }
  else
    {
      info->serial = g_strdup (slot->token->serialnr ? slot->token->serialnr : "");
      info->label = g_strdup (slot->token->label ? slot->token->label : "");
      info->manufacturer = g_strdup (slot->token->manufacturer ? slot->token->manufacturer : "");
      info->model = g_strdup (slot->token->model ? slot->token->model : "");
      info->initialized = slot->token->initialized;
      info->user_pin_set = slot->token->userPinSet;
      info->pin_locked = slot->token->userPinLocked;
    }
  info->is_demo = g_str_has_prefix (info->manufacturer, "SoftHSM") || g_str_has_prefix (info->label, CD_DEMO_TOKEN_LABEL);
  return info;
}

/* The key this thread has open (a CdToken is used by one worker at a time): libp11 failures reported
 * without a token at hand (signing the CSR through an EVP_PKEY) still say "removed" when the key is gone. */
static _Thread_local CdToken *thread_token;

void
cd_token_set_p11_error (GError **error, const char *doing)
{
  unsigned long e, rv = CKR_FUNCTION_FAILED;
  int lib = ERR_get_CKR_code ();

  while ((e = ERR_get_error ()) != 0)
    if (ERR_GET_LIB (e) == lib)
      rv = ERR_GET_REASON (e);
  if (thread_token && thread_token->info)
    cd_token_set_rv_error (thread_token, error, rv, doing);
  else
    cd_pki_set_ckr_error (error, rv, doing);
}

GPtrArray *
cd_token_list (CdTokenModule *module, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_token_info_free);
  PKCS11_CTX *ctx = cd_token_module_get_ctx (module);
  PKCS11_SLOT *slots = NULL;
  unsigned int n = 0;

  cd_token_module_lock (module);
  if (PKCS11_enumerate_slots (ctx, &slots, &n) != 0)
    {
      cd_token_module_unlock (module);
      cd_token_set_p11_error (error, _("listing the USB keys"));
      return NULL;
    }
  for (unsigned int i = 0; i < n; i++)
    if (slots[i].token)
      g_ptr_array_add (out, cd_token_info_from_slot (module, &slots[i]));
  PKCS11_release_all_slots (ctx, slots, n);
  cd_token_module_unlock (module);
  return g_steal_pointer (&out);
}

static gboolean
slot_matches (CdTokenModule *module, PKCS11_SLOT *slot, const CdTokenSelector *sel)
{
  g_autoptr(CdTokenInfo) info = NULL;

  if (slot->token == NULL)
    return FALSE;
  info = cd_token_info_from_slot (module, slot);
  if (sel->serial && *sel->serial && !g_str_equal (info->serial, sel->serial))
    return FALSE;
  if (sel->label && *sel->label && !g_str_equal (info->label, sel->label))
    return FALSE;
  if (sel->slot_id >= 0 && info->slot_id != (gulong) sel->slot_id)
    return FALSE;
  return TRUE;
}

/* Picks the slot; called with the module locked and a fresh slot list. */
static PKCS11_SLOT *
select_slot (CdToken *self, const CdTokenSelector *sel, GError **error)
{
  PKCS11_SLOT *found = NULL, *blank = NULL;
  guint n_found = 0, n_blank = 0;
  gboolean any = !(sel->serial && *sel->serial) && !(sel->label && *sel->label) && sel->slot_id < 0;
  g_autoptr(GString) names = g_string_new (NULL);

  for (unsigned int i = 0; i < self->n_slots; i++)
    {
      PKCS11_SLOT *s = &self->slots[i];
      g_autoptr(CdTokenInfo) info = NULL;

      if (!slot_matches (self->module, s, sel))
        continue;
      info = cd_token_info_from_slot (self->module, s);
      if (!info->initialized)
        {
          /* SoftHSM2 always offers one empty slot; a real reader shows a blank key the same way. */
          if (!blank)
            blank = s;
          n_blank++;
          continue;
        }
      g_string_append_printf (names, "%s“%s” (%s)", names->len ? ", " : "", info->label, info->serial);
      found = found ? found : s;
      n_found++;
    }
  if (n_found == 1 || (n_found == 0 && n_blank >= 1 && (any || sel->slot_id >= 0)))
    return n_found ? found : blank;
  if (n_found > 1 && !any && sel->serial && *sel->serial)
    return found;
  if (n_found > 1)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_AMBIGUOUS_TOKEN,
                 _("Several USB keys are inserted (%s); choose one or remove the others"), names->str);
  else
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_TOKEN,
                 any ? _("No USB key is inserted") : _("The chosen USB key is not inserted"));
  return NULL;
}

CdToken *
cd_token_open (CdTokenModule *module, const CdTokenSelector *selector, GError **error)
{
  g_autoptr(CdToken) self = g_new0 (CdToken, 1);
  CdTokenSelector any = CD_TOKEN_SELECTOR_ANY;

  self->module = cd_token_module_ref (module);
  cd_token_module_lock (module);
  if (PKCS11_enumerate_slots (cd_token_module_get_ctx (module), &self->slots, &self->n_slots) != 0)
    {
      cd_token_set_p11_error (error, _("listing the USB keys"));
      return NULL;
    }
  if (!(self->slot = select_slot (self, selector ? selector : &any, error)))
    return NULL;
  self->info = cd_token_info_from_slot (module, self->slot);
  thread_token = self;
  return g_steal_pointer (&self);
}

static void
release_slots (CdToken *self)
{
  if (self->slots)
    PKCS11_release_all_slots (cd_token_module_get_ctx (self->module), self->slots, self->n_slots);
  self->slots = NULL;
  self->n_slots = 0;
  self->slot = NULL;
}

void
cd_token_free (CdToken *self)
{
  if (!self)
    return;
  if (thread_token == self)
    thread_token = NULL;
  if (self->slot)
    PKCS11_logout (self->slot);
  release_slots (self);
  cd_token_info_free (self->info);
  cd_pin_free (self->pin);
  cd_token_module_unlock (self->module);
  cd_token_module_unref (self->module);
  g_free (self);
}

const CdTokenInfo *
cd_token_get_info (CdToken *self)
{
  return self->info;
}

CdTokenModule *
cd_token_get_module (CdToken *self)
{
  return self->module;
}

gboolean
cd_token_refresh_flags (CdToken *self, GError **error)
{
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (self->module);
  CK_TOKEN_INFO ti;
  CK_RV rv = f->C_GetTokenInfo (self->info->slot_id, &ti);

  if (rv != CKR_OK)
    {
      cd_token_set_rv_error (self, error, rv, _("reading the key's state"));
      return FALSE;
    }
  apply_flags (self->info, &ti);
  return TRUE;
}

gboolean
cd_token_is_present (CdToken *self)
{
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (self->module);
  CK_SLOT_INFO si;
  CK_TOKEN_INFO ti;
  g_autofree char *serial = NULL;

  if (f->C_GetSlotInfo (self->info->slot_id, &si) != CKR_OK || !(si.flags & CKF_TOKEN_PRESENT))
    return FALSE;
  if (f->C_GetTokenInfo (self->info->slot_id, &ti) != CKR_OK)
    return FALSE;
  serial = strdup_padded (ti.serialNumber, sizeof ti.serialNumber);
  return *self->info->serial == '\0' || g_str_equal (serial, self->info->serial);
}

gboolean
cd_token_reload (CdToken *self, GError **error)
{
  g_autofree char *serial = g_strdup (self->info->serial);
  g_autofree char *label = g_strdup (self->info->label);
  gulong slot_id = self->info->slot_id;
  CdTokenSelector sel = { NULL, NULL, -1 };

  release_slots (self);
  ERR_clear_error ();
  if (PKCS11_enumerate_slots (cd_token_module_get_ctx (self->module), &self->slots, &self->n_slots) != 0)
    {
      cd_token_set_p11_error (error, _("finding the USB key again"));
      return FALSE;
    }
  /* By serial: a slot id means nothing once the key was pulled out or the module renumbered. */
  if (*serial)
    sel.serial = serial;
  else
    sel.slot_id = slot_id;
  for (unsigned int i = 0; i < self->n_slots && !self->slot; i++)
    if (slot_matches (self->module, &self->slots[i], &sel))
      self->slot = &self->slots[i];
  if (self->slot == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                   _("The USB key “%s” was removed; insert it again and retry"), label);
      return FALSE;
    }
  cd_token_info_free (self->info);
  self->info = cd_token_info_from_slot (self->module, self->slot);
  if (self->pin)
    {
      g_autoptr(CdPin) pin = cd_pin_copy (self->pin);
      return cd_token_login (self, self->pin_is_so, pin, error);
    }
  return TRUE;
}
