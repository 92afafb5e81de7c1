/* cd-burn-page-key.c: the inserted USB key as the burn page sees it. The module is loaded and the key opened
 * on workers (a burn may hold the module; the main loop never waits behind it); the key's record and whose
 * it is are read on the main thread (one SELECT each). A key that holds something of someone's asks for the
 * clerk's confirmation naming what is on it before it is erased. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-burn-page-private.h"
#include "cd-gui-util.h"
#include "cd-key-status.h"
#include "cd-so-escrow-store.h"
#include "cd-token-records.h"
#include "cd-worker.h"
#ifdef CD_GUI_HAVE_CENTRAL
#include "cd-central.h"
#endif

/* Whether this counter's escrow holds the SO PIN of key @serial (it initialised the key): then the clerk types
 * none. A local SQLite read and an AES-GCM open, like the record lookups here; a row that cannot be opened
 * counts as none (the burn says why). */
static gboolean
escrow_holds (CdBurnPage *self, const char *serial)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (serial == NULL || *serial == '\0')
    return FALSE;
  rows = cd_so_escrow_lookup (cd_context_get_store (self->ctx), serial, &error);
  if (rows == NULL)
    {
      g_debug ("the SO PIN escrow of key %s cannot be read: %s", serial, error->message);
      return FALSE;
    }
  return rows->len > 0;
}

typedef struct {
  CdTokenInfo *info;
  GPtrArray   *contents;
} Inspection;

static void
inspection_free (Inspection *i)
{
  cd_token_info_free (i->info);
  g_clear_pointer (&i->contents, g_ptr_array_unref);
  g_free (i);
}

static void
inspect_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  CdTokenSelector any = CD_TOKEN_SELECTOR_ANY;
  GError *error = NULL;
  g_autoptr(CdToken) token = cd_token_open (task_data, &any, &error);
  Inspection *i;

  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  i = g_new0 (Inspection, 1);
  i->info = cd_token_info_copy (cd_token_get_info (token));
  /* Certificates, key pairs and data objects are public: without a PIN the key shows them, which names whose
   * key it is (the holder in readable UTF-8, with serial and end date). */
  i->contents = cd_token_describe (token, NULL);
  if (i->contents == NULL)
    i->contents = g_ptr_array_new_with_free_func (g_free);
  g_task_return_pointer (task, i, (GDestroyNotify) inspection_free);
}

static void
on_inspect_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(CdBurnPage) self = data;
  g_autoptr(GError) error = NULL;
  Inspection *i = g_task_propagate_pointer (G_TASK (res), &error);
  g_autoptr(CdTokenRecord) rec = NULL;
  g_autoptr(GError) owner = NULL;
  gint64 app_id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (self->life))
    {
      g_clear_pointer (&i, inspection_free);
      return;
    }
  g_clear_object (&self->inspect_cancel);
  g_clear_pointer (&self->key, cd_token_info_free);
  g_clear_pointer (&self->contents, g_ptr_array_unref);
  g_clear_pointer (&self->key_error, g_free);
  g_clear_pointer (&self->owner_text, g_free);
  self->needs_erase = FALSE;
  self->so_escrowed = FALSE;
#ifdef CD_GUI_HAVE_CENTRAL
  self->joined = cd_central_is_joined (cd_context_get_store (self->ctx), NULL);
#endif
  if (i == NULL)
    self->key_error = g_strdup (cd_gui_error_text (error));
  else
    {
      self->key = g_steal_pointer (&i->info);
      self->contents = g_steal_pointer (&i->contents);
      inspection_free (i);
    }
  app_id = self->draft ? cd_draft_get_id (self->draft) : 0;
  if (self->key && self->key->initialized)
    self->so_escrowed = escrow_holds (self, self->key->serial);
  if (self->key && self->key->initialized && *self->key->serial && app_id > 0)
    {
      CdStore *store = cd_context_get_store (self->ctx);
      gboolean ours_blank;

      cd_token_record_lookup (store, self->key->serial, &rec, NULL);
      if (!cd_token_record_check_owner (self->ctx, self->key->serial, app_id, &owner))
        self->owner_text = g_strdup (owner->message);
      /* A key this application already initialised (ahead, or an attempt that failed) is no one else's. */
      ours_blank = rec && g_str_equal (rec->state, "blank") && rec->application_id == app_id && !self->owner_text;
      if (cd_burn_page_initialises (self) && !ours_blank && !cd_burn_page_usable_ahead (self)
          && (self->contents->len > 0 || (rec && !g_str_equal (rec->state, "blank")) || self->owner_text))
        {
          g_autofree char *what = NULL;
          g_autofree char *text = NULL;

          if (self->contents->len > 0)
            {
              g_ptr_array_add (self->contents, NULL);
              what = g_strjoinv ("; ", (char **) self->contents->pdata);
              g_ptr_array_remove_index (self->contents, self->contents->len - 1);
            }
          else if (rec && rec->certificate_serial)
            what = g_strdup_printf (_("the certificate %s"), rec->certificate_serial);
          else
            what = g_strdup (_("a key pair of another application"));
          text = g_strdup_printf (_("The USB key “%s” holds %s. Issuing erases all of it."), self->key->label, what);
          gtk_label_set_text (self->erase_label, text);
          self->needs_erase = TRUE;
        }
    }
  /* A confirmation was for that key only. */
  if (!self->needs_erase || !self->key || g_strcmp0 (self->erase_serial, self->key->serial) != 0)
    g_clear_pointer (&self->erase_serial, g_free);
  cd_burn_page_update_view (self);
  if (self->inspect_again)
    {
      self->inspect_again = FALSE;
      cd_burn_page_inspect (self);
    }
  else
    cd_burn_page_maybe_start_ahead (self);
}

void
cd_burn_page_inspect (CdBurnPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->module == NULL || cd_burn_page_is_burning (self))
    return;
  if (self->inspect_cancel)
    {
      self->inspect_again = TRUE;
      return;
    }
  self->inspect_cancel = g_cancellable_new ();
  task = g_task_new (NULL, self->inspect_cancel, on_inspect_done_cb, g_object_ref (self));
  g_task_set_task_data (task, cd_token_module_ref (self->module), (GDestroyNotify) cd_token_module_unref);
  g_task_run_in_thread (task, inspect_thread);
}

static void
on_token_added_cb (CdTokenWatch *watch, const char *serial, const char *label, gboolean is_demo, CdBurnPage *self)
{
  cd_burn_page_inspect (self);
}

static void
on_token_removed_cb (CdTokenWatch *watch, const char *serial, const char *label, CdBurnPage *self)
{
  cd_burn_page_inspect (self);
}

static void
on_module_ready_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(CdBurnPage) self = data;
  g_autoptr(GError) error = NULL;
  CdTokenModule *module = cd_key_module_open_finish (res, &error);

  self->module_loading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&module, cd_token_module_unref);
      return;
    }
  if (module == NULL)
    {
      g_free (self->module_error);
      self->module_error = g_strdup (cd_gui_error_text (error));
      cd_burn_page_update_view (self);
      return;
    }
  self->module = module;
  self->watch = cd_token_watch_new (module, 0);
  g_signal_connect_object (self->watch, "token-added", G_CALLBACK (on_token_added_cb), self, 0);
  g_signal_connect_object (self->watch, "token-removed", G_CALLBACK (on_token_removed_cb), self, 0);
  cd_burn_page_inspect (self);
}

void
cd_burn_page_ensure_module (CdBurnPage *self)
{
  if (self->module || self->module_loading)
    {
      cd_burn_page_inspect (self);
      return;
    }
  self->module_loading = TRUE;
  g_clear_pointer (&self->module_error, g_free);
  cd_key_module_open_async (self->ctx, self->life, on_module_ready_cb, g_object_ref (self));
}
