/* cd-burn-page-confirm.c: what a burn waits for before the key is touched: the clerk's confirmation of the
 * erase of a key holding something, a supervisor's approval of a signed-off day's adjustment, and a supervisor's
 * approval of the central escrow's release of another outlet's key's SO PIN. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-burn-page-private.h"
#include "cd-auth-dialog.h"
#include "cd-clerk-store.h"
#include "cd-preflight.h"
#ifdef CD_GUI_HAVE_CENTRAL
#include "cd-central-escrow.h"
#endif

/* ---- the erase of a key that holds something: the clerk confirms it for this key ---- */

static void
on_erase_response_cb (GtkDialog *dialog, int response, CdBurnPage *self)
{
  g_autofree char *serial = g_object_steal_data (G_OBJECT (dialog), "serial");

  self->erase_dialog = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_ACCEPT || g_cancellable_is_cancelled (self->life))
    return;
  g_free (self->erase_serial);
  self->erase_serial = g_steal_pointer (&serial);
  cd_burn_page_start_burn (self);
}

static void
on_erase_dialog_destroy_cb (CdBurnPage *self)
{
  /* Gone with its parent window (destroy-with-parent) before the page: never destroyed twice. */
  self->erase_dialog = NULL;
}

/* The erase confirmation: a dialog naming the holder of what is on the key (its certificates' subjects,
 * serials and end dates, read without the PIN). Confirmed for this key only. */
void
cd_burn_page_ask_erase (CdBurnPage *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->erase_dialog || self->key == NULL)
    return;
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_WARNING,
                                   GTK_BUTTONS_NONE, _("Erase the USB key “%s”?"), self->key->label);
  gtk_widget_set_name (dialog, "burn_erase_dialog");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s\n%s",
                                            gtk_label_get_text (self->erase_label),
                                            _("Erasing cannot be undone: hand the key back if it is not the "
                                              "applicant's to give."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Erase and Issue"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_style_context_add_class (gtk_widget_get_style_context (gtk_dialog_get_widget_for_response (
                                 GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT)), GTK_STYLE_CLASS_DESTRUCTIVE_ACTION);
  /* Enter never erases: the safe answer is the default. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_object_set_data_full (G_OBJECT (dialog), "serial", g_strdup (self->key->serial), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_erase_response_cb), self, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (on_erase_dialog_destroy_cb), self, G_CONNECT_SWAPPED);
  self->erase_dialog = dialog;
  gtk_widget_show (dialog);
}

gboolean
cd_burn_page_erase_confirmed (CdBurnPage *self)
{
  return self->needs_erase && self->key && self->erase_serial && g_str_equal (self->erase_serial, self->key->serial);
}

/* ---- a signed-off day: the supervisor approves the burn before any key work ---- */

/* The pre-flight's day-lock fault of this application at the burn, or NULL: checked before the key is touched. */
char *
cd_burn_page_day_lock_refusal (CdBurnPage *self)
{
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(GError) error = NULL;

  if (!cd_preflight_run (self->ctx, cd_draft_get_app (self->draft), cd_draft_get_id (self->draft), CD_PREFLIGHT_BURN,
                         &faults, &error))
    return NULL;   /* the burn's own pre-flight says what cannot be read */
  for (guint i = 0; i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];
      if (g_str_equal (f->rule, "day-lock"))
        return g_strdup (f->message);
    }
  return NULL;
}

gboolean
cd_burn_page_adjust_approved (CdBurnPage *self)
{
  return self->adjust_supervisor > 0 && self->adjust_application == cd_draft_get_id (self->draft);
}

/* Runs as the supervisor the dialog has just authorised: the burn that follows is their adjustment. */
static gboolean
approve_burn (CdContext *ctx, const char *reason, gpointer data, GError **error)
{
  CdBurnPage *self = data;

  self->adjust_supervisor = cd_context_get_clerk_id (ctx);
  g_free (self->adjust_reason);
  self->adjust_reason = g_strdup (reason);
  self->adjust_application = cd_draft_get_id (self->draft);
  return TRUE;
}

static void
on_adjust_authorized_cb (CdBurnPage *self)
{
  self->adjust_dialog = NULL;
  cd_burn_page_start_burn (self);
}

static void
on_adjust_dialog_destroy_cb (CdBurnPage *self)
{
  self->adjust_dialog = NULL;
}

/* Nothing is erased, issued or written before the supervisor approved, in this one dialog (login, password,
 * reason); the burn's records then go to the day's report as that supervisor's adjustment. */
void
cd_burn_page_ask_adjustment (CdBurnPage *self, const char *refusal)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *message = NULL;

  if (self->adjust_dialog)
    return;
  message = g_strdup_printf (_("%s\n\nIssue the certificate of application %s on the inserted USB key. A supervisor "
                               "approves it with a reason of a few words; the report shows it as an adjustment "
                               "after sign-off."), refusal, cd_draft_get_number (self->draft));
  self->adjust_dialog = cd_auth_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx,
                                            _("Adjust a Signed-off Day"), message, TRUE, approve_burn, self, NULL);
  gtk_widget_set_name (self->adjust_dialog, "burn_adjustment_dialog");
  g_signal_connect_object (self->adjust_dialog, "authorized", G_CALLBACK (on_adjust_authorized_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->adjust_dialog, "destroy", G_CALLBACK (on_adjust_dialog_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_show (self->adjust_dialog);
}

/* ---- an unlock of a key initialised at another outlet: the central escrow releases its SO PIN ---- */

void
cd_burn_page_unlock_release_free (gpointer data)
{
  UnlockRelease *r = data;

  if (r == NULL)
    return;
  g_clear_object (&r->worker);
  g_free (r->supervisor);
  g_free (r->reason);
  g_free (r);
}

#ifdef CD_GUI_HAVE_CENTRAL
CdPin *
cd_burn_page_release_so_pin (const char *token_serial, gpointer data, GError **error)
{
  UnlockRelease *r = data;
  char *text = NULL;
  CdPin *pin;

  if (!cd_central_release_so_pin (cd_context_get_store (r->worker), token_serial, r->supervisor, r->reason, &text,
                                  error))
    return NULL;
  if (text == NULL)
    return NULL;   /* the centre holds none: a vendor key (the typed SO PIN, or the DEMO key's) */
  pin = cd_pin_new (text);
  cd_central_escrow_wipe (text);
  return pin;
}
#endif

gboolean
cd_burn_page_unlock_approved (CdBurnPage *self)
{
  return self->unlock_supervisor && self->unlock_application == cd_draft_get_id (self->draft) && self->key
         && g_strcmp0 (self->unlock_serial, self->key->serial) == 0;
}

/* Runs as the supervisor the dialog has just authorised (password checked, lock-out and audit by the core). */
static gboolean
approve_unlock (CdContext *ctx, const char *reason, gpointer data, GError **error)
{
  CdBurnPage *self = data;
  g_autoptr(CdClerk) supervisor = cd_clerk_store_lookup (ctx, cd_context_get_clerk_id (ctx), error);
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));

  if (supervisor == NULL)
    return FALSE;
  if (*why == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Reason: say in a few words why the key is unlocked; the central database records it "
                             "with the release"));
      return FALSE;
    }
  g_free (self->unlock_supervisor);
  self->unlock_supervisor = g_strdup (supervisor->login);
  g_free (self->unlock_reason);
  self->unlock_reason = g_steal_pointer (&why);
  self->unlock_application = cd_draft_get_id (self->draft);
  g_free (self->unlock_serial);
  self->unlock_serial = g_strdup (self->key ? self->key->serial : NULL);
  return TRUE;
}

static void
on_unlock_authorized_cb (CdBurnPage *self)
{
  self->unlock_dialog = NULL;
  cd_burn_page_start_burn (self);
}

static void
on_unlock_dialog_destroy_cb (CdBurnPage *self)
{
  self->unlock_dialog = NULL;
}

void
cd_burn_page_ask_unlock_approval (CdBurnPage *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *message = NULL;

  if (self->unlock_dialog || self->key == NULL)
    return;
  message = g_strdup_printf (_("This counter holds no SO PIN for the USB key “%s” (serial %s): the CA initialised it "
                               "at another outlet, and the central database keeps its SO PIN. A supervisor of this "
                               "outlet approves its release for this unlock with a reason of a few words; the "
                               "central database records who released it and why."),
                             self->key->label, self->key->serial);
  self->unlock_dialog = cd_auth_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx,
                                            _("Approve the Key's Unlock"), message, TRUE, approve_unlock, self, NULL);
  gtk_widget_set_name (self->unlock_dialog, "burn_unlock_dialog");
  g_signal_connect_object (self->unlock_dialog, "authorized", G_CALLBACK (on_unlock_authorized_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->unlock_dialog, "destroy", G_CALLBACK (on_unlock_dialog_destroy_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_show (self->unlock_dialog);
}
