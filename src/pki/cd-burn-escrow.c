/* cd-burn-escrow.c: the key's SO PIN from the escrow, and a random one for every key the CA initialises. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-burn-escrow.h"
#include "cd-pki-error.h"
#include "cd-so-escrow-store.h"
#include "cd-token-module.h"

char *
cd_burn_escrow_key_path (CdContext *ctx)
{
  return g_build_filename (cd_context_get_state_dir (ctx), "so-pin-escrow.key", NULL);
}

/* Whether the key takes @pin as its SO PIN; FALSE with @error only when the key could not be asked. */
static gboolean
key_takes (CdBurn *b, const CdPin *pin, gboolean *out_takes, GError **error)
{
  g_autoptr(GError) local = NULL;

  *out_takes = cd_token_login (b->token, TRUE, pin, &local);
  cd_token_logout (b->token);
  if (*out_takes || g_error_matches (local, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

gboolean
cd_burn_escrow_current (CdBurn *b, gboolean allow_release, CdPin **out_so, gboolean *out_escrowed, GError **error)
{
  const CdTokenInfo *info = cd_token_get_info (b->token);
  g_autoptr(GPtrArray) rows = NULL;

  *out_so = NULL;
  *out_escrowed = FALSE;
  if (info->serial && *info->serial)
    {
      if (!(rows = cd_so_escrow_lookup (b->store, info->serial, error)))
        return FALSE;
      for (guint i = 0; i < rows->len; i++)
        {
          CdSoEscrow *e = rows->pdata[i];
          g_autoptr(CdPin) pin = cd_pin_new (e->so_pin);
          gboolean takes;

          if (e->pending)
            {
              /* Written before C_SetPIN, which a kill may have stopped: the key says which it has. */
              if (!key_takes (b, pin, &takes, error))
                return FALSE;
              if (!(takes ? cd_so_escrow_confirm (b->store, e->id, error)
                          : cd_so_escrow_discard (b->store, e->id, error)))
                return FALSE;
              if (!takes)
                continue;
            }
          *out_so = g_steal_pointer (&pin);
          *out_escrowed = TRUE;
          return TRUE;
        }
      if (allow_release && b->opts->so_pin_release)
        {
          g_autoptr(GError) local = NULL;
          CdPin *released = b->opts->so_pin_release (info->serial, b->opts->so_pin_release_data, &local);

          if (released)
            {
              *out_so = released;
              *out_escrowed = TRUE;
              return TRUE;
            }
          /* The centre could not be asked: a vendor key's typed SO PIN still unlocks; else say what to do. */
          if (local && b->opts->so_pin == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (local)
            g_debug ("the central escrow was not asked (%s): the typed SO PIN is used", local->message);
        }
    }
  if (b->opts->so_pin)
    *out_so = cd_pin_copy (b->opts->so_pin);
  else if (info->is_demo)
    *out_so = cd_pin_new (CD_DEMO_SO_PIN);
  return TRUE;
}

/* CD_BURN_SO_PIN_LENGTH, within the PIN lengths the key accepts (an opencryptoki soft token takes at most 8). */
static guint
so_pin_length (CdBurn *b, const CdTokenInfo *info)
{
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (b->module);
  CK_TOKEN_INFO ti;
  guint len = CD_BURN_SO_PIN_LENGTH;

  if (f->C_GetTokenInfo (info->slot_id, &ti) != CKR_OK)
    return len;
  if (ti.ulMaxPinLen > 0 && ti.ulMaxPinLen < len)
    len = (guint) ti.ulMaxPinLen;
  if (ti.ulMinPinLen > len)
    len = (guint) ti.ulMinPinLen;
  return len;
}

gboolean
cd_burn_escrow_rotate (CdBurn *b, const CdPin *current_so, const CdPin *user_pin, GError **error)
{
  const CdTokenInfo *info = cd_token_get_info (b->token);
  g_autoptr(CdPin) fresh = cd_pin_new_random (so_pin_length (b, info));
  g_autofree char *key_path = cd_burn_escrow_key_path (b->ctx);
  gint64 id = 0;

  if (!info->serial || !*info->serial)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key “%s” reports no serial number: its SO PIN cannot be kept for it"), info->label);
      return FALSE;
    }
  /* Stored (synced) before the key has it: a kill from here on leaves a pending row that the next attempt
   * tries at login, and the key still takes @current_so until C_SetPIN. */
  if (!cd_so_escrow_save (b->store, key_path, info->serial, cd_pin_get (fresh), &id, error))
    {
      g_prefix_error (error, _("The key's new SO PIN could not be stored, so the key keeps its own: "));
      return FALSE;
    }
  cd_burn_test_point ("escrow", "saved");
  /* On a failure the row stays pending: whether C_SetPIN took effect (a key pulled in the middle) is asked of
   * the key at its next use, never guessed here. */
  if (!cd_token_change_so_pin (b->token, current_so, fresh, error))
    return FALSE;
  cd_burn_test_point ("escrow", "set");
  /* A failure here leaves the row pending: the next use tries it and finds the key takes it. */
  if (!cd_so_escrow_confirm (b->store, id, error))
    return FALSE;
  cd_burn_test_point ("escrow", "confirmed");
  return cd_token_login (b->token, FALSE, user_pin, error);
}
