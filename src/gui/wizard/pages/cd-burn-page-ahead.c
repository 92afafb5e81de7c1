/* cd-burn-page-ahead.c: the burn page's key pair generated ahead on the inserted key while the clerk types the
 * PINs or the CA's secret (issue 13: only on the Issue step, with the application paid and printed). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-burn-page-private.h"

/* The key pair generated ahead for this application, still waiting on the inserted key. */
const CdKeygenAhead *
cd_burn_page_usable_ahead (CdBurnPage *self)
{
  if (!self->ahead || !self->ahead->generated || !self->draft || self->ahead_app != cd_draft_get_id (self->draft))
    return NULL;
  if (self->key && g_strcmp0 (self->key->serial, self->ahead->token_serial) != 0)
    return NULL;
  return self->ahead;
}

static void
on_ahead_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(CdBurnPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdKeygenAhead) ahead = cd_keygen_ahead_finish (res, &error);

  g_clear_object (&self->ahead_cancel);
  if (g_cancellable_is_cancelled (self->life))
    return;
  if (ahead && ahead->generated)
    {
      g_clear_pointer (&self->ahead, cd_keygen_ahead_free);
      self->ahead = g_steal_pointer (&ahead);
    }
  else if (error)
    /* Not the clerk's business yet: the burn does it all, and says so if it fails there too. */
    g_message ("The key pair was not generated ahead: %s", error->message);
  if (self->burn_pending)
    {
      self->burn_pending = FALSE;
      cd_burn_page_start_burn (self);
      return;
    }
  /* The key was initialised: its serial and label are new. */
  cd_burn_page_inspect (self);
  cd_burn_page_update_view (self);
}

void
cd_burn_page_maybe_start_ahead (CdBurnPage *self)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autofree char *tried = NULL;
  gint64 id;
  CdState state;
  const char *step;

  if (!self->draft || !self->module || !self->key || self->key_error || self->ahead_cancel || cd_burn_page_is_burning (self))
    return;
  id = cd_draft_get_id (self->draft);
  state = cd_draft_get_state (self->draft);
  if (id <= 0 || !cd_burn_page_initialises (self) || state != CD_STATE_PRINTED || self->needs_erase
      || cd_burn_page_usable_ahead (self))
    return;
  /* No key work before the clerk is on the Issue step with the application paid and printed (issue 13):
   * merely reopening an application at the fee step never touches a key. On the Issue step the key pair is
   * made while the clerk types the PINs or the CA's secret; a key holding anything waits for the erase
   * confirmation and the burn itself (cd_burn_pregenerate never erases such a key). */
  step = self->stack ? gtk_stack_get_visible_child_name (self->stack) : NULL;
  if (!self->prepare_asked && (self->stack == NULL || g_strcmp0 (step, "burn") != 0))
    return;
  tried = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", id, self->key->serial);
  if (g_hash_table_contains (self->ahead_tried, tried))
    return;
  g_hash_table_add (self->ahead_tried, g_steal_pointer (&tried));
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (cd_token_module_get_path (self->module));
  opts->token_serial = *self->key->serial ? g_strdup (self->key->serial) : NULL;
  g_clear_pointer (&self->ahead, cd_keygen_ahead_free);
  self->ahead_app = id;
  self->ahead_cancel = g_cancellable_new ();
  cd_keygen_ahead_async (self->ctx, opts, self->ahead_cancel, on_ahead_done_cb, g_object_ref (self));
  cd_burn_page_update_view (self);
}
