/* cd-burn-page.c: the Issue step. The key is looked at on a worker (cd_token_open holds the module, which a
 * burn may be using), its record and owner on the main thread (one SELECT each); the burn and the key pair
 * generated ahead run on workers with a database connection of their own (cd_context_new_worker), so the
 * clerk's payment and printing never share a transaction with them. complete = the application is issued,
 * which the burn records only after the certificate was read back from the key and verified. The issuer
 * comes from the settings (cd-burn-page-cmp.c); the key pair generated ahead is in cd-burn-page-ahead.c, the
 * erase confirmation and the supervisor's approvals a burn waits for in cd-burn-page-confirm.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-burn-page-private.h"
#include "cd-burn.h"
#include "cd-gui-util.h"
#include "cd-issuer-config.h"
#include "cd-key-status.h"
#include "cd-keygen-ahead.h"
#include "cd-page-common.h"
#include "cd-pki-error.h"
#include "cd-token-watch.h"
#include "cd-wizard-steps.h"

static void cd_burn_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdBurnPage, cd_burn_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_burn_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdBurnPage, cd_burn_page)

typedef enum {
  PIN_NONE,
  PIN_SO,     /* initialising or unlocking the key: its SO PIN (a DEMO key has its own) */
  PIN_USER,   /* renew, change: the key's PIN */
} PinMode;

static CdBusiness
business (CdBurnPage *self)
{
  return cd_draft_get_app (self->draft)->business;
}

gboolean
cd_burn_page_initialises (CdBurnPage *self)
{
  return business (self) == CD_BUSINESS_NEW || business (self) == CD_BUSINESS_REPLACE;
}

static PinMode
pin_mode (CdBurnPage *self)
{
  switch (business (self))
    {
    case CD_BUSINESS_NEW:
    case CD_BUSINESS_REPLACE:
    case CD_BUSINESS_UNLOCK:
      return PIN_SO;
    case CD_BUSINESS_RENEW:
    case CD_BUSINESS_CHANGE:
      return PIN_USER;
    default:
      return PIN_NONE;
    }
}

gboolean
cd_burn_page_is_burning (CdBurnPage *self)
{
  return self->burn_cancel != NULL || self->burn_pending;
}

/* The clerk types the SO PIN only for a key no escrow holds: this counter's escrow holds the SO PIN of every
 * key it initialised (docs/central.md, "SO-PIN escrow"). */
static gboolean
so_pin_typed (CdBurnPage *self)
{
  return pin_mode (self) == PIN_SO && !self->so_escrowed;
}

gboolean
cd_burn_page_offers_release (CdBurnPage *self)
{
  return business (self) == CD_BUSINESS_UNLOCK && self->joined && self->key && !self->so_escrowed;
}

static gboolean
is_issued (CdBurnPage *self)
{
  return self->draft && cd_draft_get_state (self->draft) == CD_STATE_ISSUED;
}

/* Why the burn cannot start now, or NULL. */
static const char *
blocker (CdBurnPage *self)
{
  CdState state = cd_draft_get_state (self->draft);

  if (cd_draft_get_id (self->draft) <= 0 || state < CD_STATE_PRINTED)
    return _("The key work comes after the payment and the printed forms");
  if (state != CD_STATE_PRINTED)
    return NULL;
  if (self->module_error)
    return self->module_error;
  if (self->key_error)
    return self->key_error;
  if (self->key == NULL)
    return _("Looking for the USB key…");
  if (self->owner_text && !cd_burn_page_initialises (self))
    return self->owner_text;
  if (pin_mode (self) == PIN_USER && self->key->pin_locked)
    return _("The key's PIN is locked: it needs a PIN unlock (口令解锁) first");
  if (pin_mode (self) == PIN_USER && !*gtk_entry_get_text (self->pin_entry))
    return _("Enter the key's PIN");
  /* Left empty on a joined counter's unlock: the central escrow releases it with a supervisor's approval. */
  if (so_pin_typed (self) && !self->key->is_demo && !cd_burn_page_offers_release (self)
      && !*gtk_entry_get_text (self->pin_entry))
    return _("Enter the key's SO PIN");
  if (business (self) != CD_BUSINESS_UNLOCK && !cd_burn_page_cmp_has_secret (self))
    return self->cmp_need == CD_CMP_NEED_RA_PASS ? _("Enter the passphrase of the RA key")
                                                 : _("Enter the CA's CMP shared secret");
  return NULL;
}

void
cd_burn_page_update_view (CdBurnPage *self)
{
  const char *why = blocker (self);
  gboolean burning = cd_burn_page_is_burning (self);
  gboolean issued = is_issued (self);
  gboolean failed = self->error_text != NULL;
  PinMode mode = pin_mode (self);
  const CdTokenInfo *k = self->key;

  /* Nothing to show once the page is going (its widgets go with it). */
  if (g_cancellable_is_cancelled (self->life) || self->draft == NULL)
    return;
  /* The key card. */
  if (k)
    {
      g_autofree char *title = g_strdup_printf (_("USB key “%s”"), *k->label ? k->label : _("(blank)"));
      g_autofree char *details = g_strdup_printf (_("%s %s · serial %s"), k->manufacturer, k->model,
                                                  *k->serial ? k->serial : _("none yet"));
      const char *pin = !k->initialized ? _("Blank: initialised when the certificate is issued")
                        : cd_key_status_pin_warning (k) ? cd_key_status_pin_warning (k)
                        : k->user_pin_set ? _("PIN set") : _("No PIN set yet");

      gtk_label_set_text (self->key_title, title);
      gtk_label_set_text (self->key_details, details);
      gtk_label_set_text (self->key_pin, pin);
      gtk_widget_set_visible (GTK_WIDGET (self->demo_badge), k->is_demo);
    }
  else
    {
      gtk_label_set_text (self->key_title, self->module_error ? self->module_error
                                           : self->key_error ? self->key_error : _("Looking for the USB key…"));
      gtk_label_set_text (self->key_details, self->key_error || self->module_error
                                             ? _("Insert the applicant's USB key; the page follows it.") : "");
      gtk_label_set_text (self->key_pin, "");
      gtk_widget_set_visible (GTK_WIDGET (self->demo_badge), FALSE);
    }
  if (self->ahead_cancel)
    gtk_label_set_text (self->key_note, _("Generating the key pair on the key in advance…"));
  else if (cd_burn_page_has_key_ahead (self))
    gtk_label_set_text (self->key_note, _("The key pair was generated in advance: issuing only signs, writes and verifies"));
  else
    gtk_label_set_text (self->key_note, "");
  gtk_widget_set_visible (GTK_WIDGET (self->key_note), *gtk_label_get_text (self->key_note) != '\0');

  gtk_label_set_text (self->owner_warning, self->owner_text ? self->owner_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->owner_warning), self->owner_text && !issued);
  gtk_widget_set_visible (self->erase_box, self->needs_erase && !issued && k);
  gtk_widget_set_sensitive (self->erase_box, !burning);

  /* The PIN the business needs. */
  gtk_widget_set_visible (self->pin_box, mode != PIN_NONE && !issued && (mode == PIN_USER || so_pin_typed (self)));
  gtk_widget_set_visible (GTK_WIDGET (self->so_note), mode == PIN_SO && self->so_escrowed && k && !issued);
  gtk_widget_set_sensitive (self->pin_box, !burning);
  {
    const char *caption = mode == PIN_USER ? _("_PIN of the key") : _("_SO PIN of the key");

    if (g_strcmp0 (gtk_label_get_label (self->pin_caption), caption) != 0)
      gtk_label_set_text_with_mnemonic (self->pin_caption, caption);
  }
  gtk_label_set_text (self->pin_hint, mode == PIN_USER ? _("The applicant types the key's current PIN")
                                      : cd_burn_page_offers_release (self)
                                      ? _("A key the CA initialised at another outlet: leave this empty, a supervisor "
                                          "of this outlet approves and the central database releases its SO PIN. A "
                                          "vendor's key: type the SO PIN it came with")
                                      : k && k->is_demo ? _("Leave empty for the DEMO key's own SO PIN")
                                      : _("The administrator PIN of the key, from its vendor or the CA"));

  /* The CA's shared secret (or the RA key's passphrase) until one is remembered for the session. */
  gtk_widget_set_visible (self->cmp_box, self->cmp_need != CD_CMP_NEED_NONE && business (self) != CD_BUSINESS_UNLOCK
                                         && !issued && (!cd_burn_page_cmp_has_secret (self)
                                                        || *gtk_entry_get_text (self->cmp_entry)));
  gtk_widget_set_sensitive (self->cmp_box, !burning);

  /* Start, cancel, retry. */
  gtk_widget_set_visible (self->burn_button, !issued && !failed);
  gtk_widget_set_visible (self->retry_button, !issued && failed);
  gtk_widget_set_sensitive (self->burn_button, !burning && why == NULL);
  gtk_widget_set_sensitive (self->retry_button, !burning && why == NULL);
  {
    const char *label = business (self) == CD_BUSINESS_UNLOCK ? _("_Unlock the PIN of this key")
                        : self->needs_erase ? _("_Erase the key and issue the certificate")
                        : _("_Issue the certificate to this key");

    /* A new label re-registers its mnemonic with the window: only on a real change. */
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (self->burn_button)), label) != 0)
      gtk_button_set_label (GTK_BUTTON (self->burn_button), label);
  }
  gtk_widget_set_visible (self->cancel_button, burning);
  /* Cancelling is safe until the key pair generation starts, never after. */
  gtk_widget_set_sensitive (self->cancel_button, burning && (self->step == NULL || g_str_equal (self->step, "init")));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), burning);

  gtk_label_set_text (self->error_label, self->error_text ? self->error_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), failed && !burning);

  /* The outcome and the PIN slip. */
  gtk_widget_set_visible (self->outcome_box, issued);
  gtk_widget_set_visible (self->slip_box, issued && self->slip_pin != NULL);
  gtk_widget_set_sensitive (self->print_slip_button, self->slip_pdf != NULL);
  if (!self->slip_pin && gtk_toggle_button_get_active (self->show_pin_button))
    gtk_toggle_button_set_active (self->show_pin_button, FALSE);

  if (issued)
    cd_page_set_complete (self, TRUE, NULL);
  else if (burning)
    cd_page_set_complete (self, FALSE, _("Issuing: keep the USB key inserted"));
  else if (failed)
    cd_page_set_complete (self, FALSE, self->error_text);
  else
    cd_page_set_complete (self, FALSE, why ? why : business (self) == CD_BUSINESS_UNLOCK
                                                 ? _("Unlock the key's PIN to continue")
                                                 : _("Issue the certificate to the applicant's USB key to continue"));
}

static void
forget_result (CdBurnPage *self)
{
  g_clear_pointer (&self->result, cd_burn_result_free);
  g_clear_pointer (&self->slip_pin, cd_pin_free);
  g_clear_pointer (&self->slip_pdf, g_bytes_unref);
  if (self->slip_cancel)
    g_cancellable_cancel (self->slip_cancel);
  g_clear_object (&self->slip_cancel);
  g_clear_pointer (&self->error_text, g_free);
  g_clear_pointer (&self->step, g_free);
}

static void
on_progress_cb (const char *step, const char *label, double fraction, gpointer data)
{
  CdBurnPage *self = data;

  if (g_cancellable_is_cancelled (self->life))
    return;
  g_free (self->step);
  self->step = g_strdup (step);
  gtk_progress_bar_set_fraction (self->progress, fraction);
  gtk_progress_bar_set_text (self->progress, label);
  cd_burn_page_update_view (self);
}

static void
on_burn_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(CdBurnPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reload = NULL;
  CdBurnResult *result = cd_burn_run_finish (res, &error);

  g_clear_object (&self->burn_cancel);
  if (g_cancellable_is_cancelled (self->life))
    {
      g_clear_pointer (&result, cd_burn_result_free);
      return;
    }
  if (result)
    {
      self->result = result;
      if (result->pin_slip)
        self->slip_pin = cd_pin_copy (result->pin_slip);
      /* The key pair generated ahead is used up. */
      g_clear_pointer (&self->ahead, cd_keygen_ahead_free);
      gtk_entry_set_text (self->pin_entry, "");
      if (!cd_draft_reload (self->draft, &reload))
        g_warning ("The application was issued but could not be read again: %s", reload->message);
      cd_burn_page_show_outcome (self);
      if (self->slip_pin)
        cd_burn_page_render_slip (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->error_text = g_strdup (_("Cancelled before the key pair was generated; nothing was issued. Retry when ready."));
  else
    {
      /* One line: a server's reason inside the sentence (libpq's connection errors) may carry line breaks. */
      self->error_text = cd_gui_error_one_line (error);
      /* A refused shared secret is forgotten: the field asks for it again before the retry. */
      cd_burn_page_cmp_failed (self, error);
      if (g_error_matches (error, CD_PKI_ERROR, CD_PKI_ERROR_NOT_BLANK))
        {
          /* The key holds more than the page saw: the clerk confirms in the dialog, then the burn goes on. */
          gtk_label_set_text (self->erase_label, error->message);
          self->needs_erase = TRUE;
          g_clear_pointer (&self->erase_serial, g_free);
          cd_burn_page_ask_erase (self);
        }
    }
  cd_burn_page_update_view (self);
  cd_burn_page_inspect (self);
}

void
cd_burn_page_start_burn (CdBurnPage *self)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) worker = NULL;
  const CdKeygenAhead *ahead = cd_burn_page_usable_ahead (self);
  const char *typed = gtk_entry_get_text (self->pin_entry);

  forget_result (self);
  if (blocker (self))
    {
      cd_burn_page_update_view (self);
      return;
    }
  /* The day lock first: before the erase is even asked for. */
  if (!cd_burn_page_adjust_approved (self))
    {
      g_autofree char *refusal = cd_burn_page_day_lock_refusal (self);

      if (refusal)
        {
          self->error_text = g_strdup (refusal);
          cd_burn_page_ask_adjustment (self, refusal);
          cd_burn_page_update_view (self);
          return;
        }
    }
  if (self->needs_erase && !cd_burn_page_erase_confirmed (self))
    {
      cd_burn_page_ask_erase (self);
      cd_burn_page_update_view (self);
      return;
    }
  /* Another outlet's key: nothing is asked of the central database before a supervisor approved. */
  if (cd_burn_page_offers_release (self) && !*typed && !cd_burn_page_unlock_approved (self))
    {
      cd_burn_page_ask_unlock_approval (self);
      cd_burn_page_update_view (self);
      return;
    }
  /* The key pair being generated ahead is awaited: the burn then only signs, issues, writes and verifies. */
  if (self->ahead_cancel)
    {
      self->burn_pending = TRUE;
      gtk_progress_bar_set_fraction (self->progress, 0.2);
      gtk_progress_bar_set_text (self->progress, _("Finishing the key pair generated in advance"));
      cd_burn_page_update_view (self);
      return;
    }
  opts = cd_burn_options_new (cd_draft_get_id (self->draft));
  opts->module_path = g_strdup (cd_token_module_get_path (self->module));
  opts->token_serial = *self->key->serial ? g_strdup (self->key->serial) : NULL;
  if (*typed && pin_mode (self) == PIN_USER)
    opts->user_pin = cd_pin_new (typed);
  else if (*typed && so_pin_typed (self))
    opts->so_pin = cd_pin_new (typed);
  if (ahead && cd_burn_page_initialises (self) && opts->user_pin == NULL)
    opts->user_pin = cd_pin_copy (ahead->pin);
  opts->confirm_erase = cd_burn_page_erase_confirmed (self);
  opts->advance_state = TRUE;
  if (!(opts->issuer = cd_burn_page_cmp_issuer (self, &error))
      || !(worker = cd_context_new_worker (self->ctx, &error)))
    {
      self->error_text = g_strdup (cd_gui_error_text (error));
      cd_burn_page_update_view (self);
      return;
    }
  g_set_object (&self->issuer, opts->issuer);
  g_clear_pointer (&self->release, cd_burn_page_unlock_release_free);
#ifdef CD_GUI_HAVE_CENTRAL
  if (cd_burn_page_offers_release (self) && !*typed && cd_burn_page_unlock_approved (self))
    {
      UnlockRelease *r = g_new0 (UnlockRelease, 1);

      /* Kept by the page until its next burn or its end: the burn holds the page until it is done. */
      r->worker = g_object_ref (worker);
      r->supervisor = g_strdup (self->unlock_supervisor);
      r->reason = g_strdup (self->unlock_reason);
      self->release = r;
      opts->so_pin_release = cd_burn_page_release_so_pin;
      opts->so_pin_release_data = r;
    }
#endif
  /* The approved burn runs on its own worker context as the supervisor's adjustment of the signed-off day. */
  if (cd_burn_page_adjust_approved (self))
    cd_context_set_adjustment (worker, self->adjust_supervisor, self->adjust_reason);
  if (self->inspect_cancel)
    g_cancellable_cancel (self->inspect_cancel);
  g_clear_object (&self->inspect_cancel);
  self->burn_cancel = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, ahead ? _("Using the key pair generated in advance") : _("Starting"));
  cd_burn_run_async (worker, opts, on_progress_cb, g_object_ref (self), g_object_unref, self->burn_cancel,
                     on_burn_done_cb, g_object_ref (self));
  cd_burn_page_update_view (self);
}

static void
on_burn_clicked_cb (CdBurnPage *self)
{
  if (!cd_burn_page_is_burning (self))
    cd_burn_page_start_burn (self);
}

static void
on_cancel_clicked_cb (CdBurnPage *self)
{
  if (self->burn_pending)
    {
      self->burn_pending = FALSE;
      self->error_text = g_strdup (_("Cancelled before the key pair was generated; nothing was issued. Retry when ready."));
      cd_burn_page_update_view (self);
      return;
    }
  if (self->burn_cancel)
    g_cancellable_cancel (self->burn_cancel);
}

static void
on_pin_changed_cb (CdBurnPage *self)
{
  cd_burn_page_update_view (self);
}

static void
on_settings_changed_cb (CdBurnPage *self)
{
  if (self->draft == NULL || g_cancellable_is_cancelled (self->life))
    return;
  cd_burn_page_cmp_refresh (self);
  cd_burn_page_update_view (self);
}

static void
on_stack_child_cb (CdBurnPage *self)
{
  const char *step = gtk_stack_get_visible_child_name (self->stack);

  /* The key is looked at on the Issue step only (cd_burn_page_enter does the rest). */
  if (self->draft && cd_burn_page_initialises (self) && g_strcmp0 (step, "burn") == 0)
    cd_burn_page_ensure_module (self);
}

static void
on_draft_state_cb (CdBurnPage *self)
{
  if (is_issued (self) && self->result == NULL)
    cd_burn_page_show_outcome (self);
  cd_burn_page_update_view (self);
}

static void
on_draft_loaded_cb (CdBurnPage *self)
{
  gint64 id = cd_draft_get_id (self->draft);

  /* Another application: what was shown belongs to the last one. A reload of the same one (after the burn
   * moved it to issued) keeps the outcome and the PIN slip. */
  if (id != self->shown_app || id == 0)
    {
      self->shown_app = id;
      self->prepare_asked = FALSE;
      self->burn_pending = FALSE;
      forget_result (self);
      gtk_entry_set_text (self->pin_entry, "");
      g_clear_pointer (&self->erase_serial, g_free);
    }
  cd_burn_page_cmp_refresh (self);
  if (is_issued (self) && self->result == NULL)
    cd_burn_page_show_outcome (self);
  cd_burn_page_update_view (self);
}

/* vfuncs */

static void
cd_burn_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdBurnPage *self = CD_BURN_PAGE (page);

  cd_page_take_draft (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "notify::state", G_CALLBACK (on_draft_state_cb), self, G_CONNECT_SWAPPED);
  on_draft_loaded_cb (self);
}

static void
cd_burn_page_enter (CdWizardPage *page)
{
  CdBurnPage *self = CD_BURN_PAGE (page);

  if (is_issued (self) && self->result == NULL)
    cd_burn_page_show_outcome (self);
  cd_burn_page_cmp_refresh (self);
  cd_burn_page_ensure_module (self);
  cd_burn_page_update_view (self);
}

static void
cd_burn_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_burn_page_set_draft;
  iface->enter = cd_burn_page_enter;
}

static void
cd_burn_page_parent_set (GtkWidget *widget, GtkWidget *old_parent)
{
  CdBurnPage *self = CD_BURN_PAGE (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (self->stack)
    g_signal_handlers_disconnect_by_data (self->stack, self);
  self->stack = GTK_IS_STACK (parent) ? GTK_STACK (parent) : NULL;
  if (self->stack)
    g_signal_connect_object (self->stack, "notify::visible-child", G_CALLBACK (on_stack_child_cb), self,
                             G_CONNECT_SWAPPED);
  if (GTK_WIDGET_CLASS (cd_burn_page_parent_class)->parent_set)
    GTK_WIDGET_CLASS (cd_burn_page_parent_class)->parent_set (widget, old_parent);
}

static void
cd_burn_page_dispose (GObject *object)
{
  CdBurnPage *self = CD_BURN_PAGE (object);

  g_cancellable_cancel (self->life);
  if (self->inspect_cancel)
    g_cancellable_cancel (self->inspect_cancel);
  if (self->slip_cancel)
    g_cancellable_cancel (self->slip_cancel);
  /* A burn or a key pair generation in progress runs to its end: cutting it off would leave the key half
   * done. Its callback finds the page gone (life is cancelled). */
  g_clear_object (&self->inspect_cancel);
  g_clear_object (&self->slip_cancel);
  if (self->erase_dialog)
    gtk_widget_destroy (g_steal_pointer (&self->erase_dialog));
  if (self->adjust_dialog)
    gtk_widget_destroy (g_steal_pointer (&self->adjust_dialog));
  if (self->unlock_dialog)
    gtk_widget_destroy (g_steal_pointer (&self->unlock_dialog));
  if (self->stack)
    g_signal_handlers_disconnect_by_data (self->stack, self);
  self->stack = NULL;
  if (self->watch)
    {
      g_signal_handlers_disconnect_by_data (self->watch, self);
      cd_token_watch_stop (self->watch);
    }
  g_clear_object (&self->watch);
  g_clear_pointer (&self->module, cd_token_module_unref);
  cd_burn_page_release (self);
  G_OBJECT_CLASS (cd_burn_page_parent_class)->dispose (object);
}

static void
cd_burn_page_finalize (GObject *object)
{
  CdBurnPage *self = CD_BURN_PAGE (object);

  forget_result (self);
  g_clear_object (&self->life);
  g_clear_object (&self->ahead_cancel);
  g_clear_object (&self->burn_cancel);
  g_clear_pointer (&self->ahead, cd_keygen_ahead_free);
  g_clear_pointer (&self->ahead_tried, g_hash_table_unref);
  g_clear_pointer (&self->key, cd_token_info_free);
  g_clear_pointer (&self->contents, g_ptr_array_unref);
  g_clear_object (&self->issuer);
  g_clear_object (&self->settings);
  g_free (self->key_error);
  g_free (self->owner_text);
  g_free (self->module_error);
  g_free (self->erase_serial);
  g_free (self->adjust_reason);
  g_free (self->unlock_supervisor);
  g_free (self->unlock_reason);
  g_free (self->unlock_serial);
  g_clear_pointer (&self->release, cd_burn_page_unlock_release_free);
  G_OBJECT_CLASS (cd_burn_page_parent_class)->finalize (object);
}

static void
cd_burn_page_class_init (CdBurnPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_burn_page_get_property;
  object_class->set_property = cd_burn_page_set_property;
  object_class->dispose = cd_burn_page_dispose;
  object_class->finalize = cd_burn_page_finalize;
  widget_class->parent_set = cd_burn_page_parent_set;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-burn-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdBurnPage, name)
  BIND (key_title); BIND (demo_badge); BIND (key_details); BIND (key_pin); BIND (key_note); BIND (owner_warning);
  BIND (erase_box); BIND (erase_label); BIND (pin_box); BIND (pin_caption); BIND (pin_entry);
  BIND (pin_hint); BIND (so_note); BIND (cmp_box); BIND (cmp_caption); BIND (cmp_entry); BIND (burn_button); BIND (retry_button); BIND (cancel_button); BIND (progress); BIND (error_label);
  BIND (outcome_box); BIND (outcome_title); BIND (outcome_grid); BIND (warning_label); BIND (slip_box);
  BIND (print_slip_button); BIND (show_pin_button); BIND (pin_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_burn_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_pin_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_print_slip_clicked_cb);
}

static void
cd_burn_page_init (CdBurnPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->life = g_cancellable_new ();
  self->ahead_tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settings = g_settings_new ("org.certdesk.CertDesk");
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);
}

/* public */

void
cd_burn_page_prepare_key (CdBurnPage *self)
{
  g_return_if_fail (CD_IS_BURN_PAGE (self));
  self->prepare_asked = TRUE;
  cd_burn_page_ensure_module (self);
  cd_burn_page_maybe_start_ahead (self);
}

const char *
cd_burn_page_get_activity (CdBurnPage *self)
{
  g_return_val_if_fail (CD_IS_BURN_PAGE (self), NULL);
  if (cd_burn_page_is_burning (self))
    return "burning";
  if (self->ahead_cancel)
    return "ahead";
  if (self->inspect_cancel || self->module_loading)
    return "inspecting";
  if (is_issued (self))
    return "done";
  return self->error_text ? "failed" : "idle";
}

gboolean
cd_burn_page_has_key_ahead (CdBurnPage *self)
{
  g_return_val_if_fail (CD_IS_BURN_PAGE (self), FALSE);
  return cd_burn_page_usable_ahead (self) != NULL;
}

GBytes *
cd_burn_page_get_pin_slip (CdBurnPage *self)
{
  g_return_val_if_fail (CD_IS_BURN_PAGE (self), NULL);
  return self->slip_pdf;
}
