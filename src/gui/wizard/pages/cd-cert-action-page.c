/* cd-cert-action-page.c: the step after Print of a revocation, a suspension or an application activation. The
 * certificate the application names is shown in words (serial, holder, validity, issuer, state); the button
 * says what it does; a revocation, which cannot be undone, is confirmed in a dialog naming the certificate
 * and its holder. The business runs as the Issue step's burn does (cd_burn_run_async on a worker with a
 * database connection of its own, issuer from the settings: the local CA or the configured CMP server), and
 * advances the application printed → issued once the CA has done it. A refusal or an unreachable CA leaves
 * the application printed at this step (cd_wizard_step_to_resume returns here) with the sentence and a retry. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cd-burn.h"
#include "cd-burn-page.h"
#include "cd-cert-action-page.h"
#include "cd-gui-util.h"
#include "cd-issuer-cmp.h"
#include "cd-issuer-config.h"
#include "cd-keygen-ahead.h"
#include "cd-page-common.h"
#include "cd-token-records.h"
#include "cd-wizard-steps.h"

struct _CdCertActionPage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  GtkLabel       *title_label;
  GtkLabel       *explain_label;
  GtkLabel       *serial_label;
  GtkLabel       *holder_label;
  GtkLabel       *until_label;
  GtkLabel       *issuer_label;
  GtkLabel       *cert_state_label;
  GtkWidget      *cmp_box;
  GtkLabel       *cmp_caption;
  GtkEntry       *cmp_entry;
  GtkWidget      *action_button;
  GtkSpinner     *spinner;
  GtkProgressBar *progress;
  GtkLabel       *error_label;
  GtkLabel       *outcome_label;

  GCancellable   *life;          /* cancelled when the page goes */
  GCancellable   *running;       /* non-NULL while the business runs */
  char           *error_text;    /* the last run's failure, one sentence */
  GtkWidget      *confirm;       /* the revocation's confirmation being asked */
  GSettings      *settings;
  CdIssuer       *issuer;        /* of the run going on or last run */
  gboolean        cmp_secret;    /* the configured CMP issuer needs the shared secret typed */
  gboolean        cmp_ra_pass;   /* … or the passphrase of the encrypted RA key */
  gint64          shown_app;
  /* the certificate the application names, as this counter recorded it: read when the application or its state
   * changes (lookup_certificate), not on every update of the view (each key typed in the secret's field) */
  CdCertRecord   *rec;
};

static void cd_cert_action_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdCertActionPage, cd_cert_action_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_cert_action_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdCertActionPage, cd_cert_action_page)

static CdBusiness
business (CdCertActionPage *self)
{
  return cd_draft_get_app (self->draft)->business;
}

static gboolean
is_done (CdCertActionPage *self)
{
  CdState state = cd_draft_get_state (self->draft);

  return state == CD_STATE_ISSUED || state == CD_STATE_CLOSED;
}

static char *
local_day (const char *iso)
{
  g_autoptr(GDateTime) t = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = t ? g_date_time_to_local (t) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

static const char *
cert_state_text (const char *state)
{
  if (state == NULL)
    return _("Not recorded at this counter");
  if (g_str_equal (state, "issued"))
    return C_("certificate state", "Valid");
  if (g_str_equal (state, "suspended"))
    return C_("certificate state", "Suspended (on hold)");
  if (g_str_equal (state, "revoked") || g_str_equal (state, "to-be-revoked"))
    return C_("certificate state", "Revoked");
  return C_("certificate state", "Unknown");
}

/* The button's words: what it does, or a retry after a failure. */
static const char *
action_label (CdCertActionPage *self)
{
  switch (business (self))
    {
    case CD_BUSINESS_REVOKE:
      return self->error_text ? _("_Retry the revocation") : _("_Revoke the certificate");
    case CD_BUSINESS_SUSPEND:
      return self->error_text ? _("_Retry the suspension") : _("Suspend the cer_tificate");
    case CD_BUSINESS_APP_OPEN:
    default:
      return self->error_text ? _("_Retry the activation") : _("_Activate the application");
    }
}

static void
refresh_cmp (CdCertActionPage *self)
{
  gboolean ra_pass;
  const char *caption;

  self->cmp_secret = self->cmp_ra_pass = FALSE;
  /* An activation is recorded at this counter only: the CA is not asked. */
  if (business (self) != CD_BUSINESS_APP_OPEN && cd_burn_page_cmp_asks (self->settings, &ra_pass))
    {
      self->cmp_ra_pass = ra_pass;
      self->cmp_secret = !ra_pass;
    }
  caption = self->cmp_ra_pass ? _("_Passphrase of the RA key") : _("CMP _shared secret of this counter");
  if (g_strcmp0 (gtk_label_get_label (self->cmp_caption), caption) != 0)
    gtk_label_set_text_with_mnemonic (self->cmp_caption, caption);
}

/* The RA key file, NULL when none is set. */
static char *
ra_key_setting (CdCertActionPage *self)
{
  g_autofree char *ra_key = g_settings_get_string (self->settings, "cmp-ra-key");

  return *ra_key ? g_steal_pointer (&ra_key) : NULL;
}

/* The secret the CMP issuer needs: typed on this step, else remembered from this session (the Issue step's or
 * this step's, cd_burn_page_cmp_remembered); NULL when the clerk has to type it. */
static CdPin *
cmp_pin (CdCertActionPage *self)
{
  g_autofree char *ra_key = ra_key_setting (self);

  if (*gtk_entry_get_text (self->cmp_entry))
    return cd_pin_new (gtk_entry_get_text (self->cmp_entry));
  return cd_burn_page_cmp_remembered (self->ctx, self->cmp_ra_pass, ra_key);
}

static gboolean
cmp_has_pin (CdCertActionPage *self)
{
  g_autoptr(CdPin) pin = NULL;

  if (!self->cmp_secret && !self->cmp_ra_pass)
    return TRUE;
  pin = cmp_pin (self);
  return pin != NULL;
}

/* Why the business cannot run now, or NULL. */
static const char *
blocker (CdCertActionPage *self)
{
  CdState state = cd_draft_get_state (self->draft);

  if (cd_draft_get_id (self->draft) <= 0 || state < CD_STATE_PRINTED)
    return _("This comes after the payment and the printed forms");
  if (!cmp_has_pin (self))
    return self->cmp_ra_pass ? _("Enter the passphrase of the RA key") : _("Enter the CA's CMP shared secret");
  return NULL;
}

static void
lookup_certificate (CdCertActionPage *self)
{
  CdApplication *app = self->draft ? cd_draft_get_app (self->draft) : NULL;

  g_clear_pointer (&self->rec, cd_cert_record_free);
  /* Another business's application: the step is not shown, nothing to look up. */
  if (app && cd_wizard_business_has_step (app->business, "action") && app->existing_serial && *app->existing_serial)
    cd_cert_record_lookup (cd_context_get_store (self->ctx), app->existing_serial, &self->rec, NULL);
}

static void
update_view (CdCertActionPage *self)
{
  CdApplication *app;
  const CdCertRecord *rec;
  g_autofree char *until = NULL;
  gboolean running = self->running != NULL;
  gboolean done;
  const char *why, *title, *explain, *outcome;
  const char *reason = NULL;

  if (self->draft == NULL || g_cancellable_is_cancelled (self->life))
    return;
  app = cd_draft_get_app (self->draft);
  /* Another business's application: the step is not shown, nothing to look up. */
  if (!cd_wizard_business_has_step (app->business, "action"))
    return;
  done = is_done (self);
  refresh_cmp (self);
  why = blocker (self);
  switch (app->business)
    {
    case CD_BUSINESS_REVOKE:
      title = _("Revoke the certificate");
      explain = _("The CA revokes the certificate and publishes it on its revocation list. This cannot be undone: "
                  "the holder needs a new certificate afterwards.");
      outcome = _("The certificate is revoked");
      break;
    case CD_BUSINESS_SUSPEND:
      title = _("Suspend the certificate");
      explain = _("The CA puts the certificate on hold: it cannot be used until it is revoked or released.");
      outcome = _("The certificate is suspended");
      break;
    case CD_BUSINESS_APP_OPEN:
    default:
      title = _("Activate the application on the certificate");
      explain = _("The application is opened on the customer's valid certificate and recorded at this counter.");
      outcome = _("The application is activated");
      break;
    }
  cd_gui_label_set_text (self->title_label, title);
  cd_gui_label_set_text (self->explain_label, explain);

  rec = self->rec;
  {
    g_autofree char *serial = app->existing_serial ? g_ascii_strup (app->existing_serial, -1) : g_strdup ("—");
    cd_gui_label_set_text (self->serial_label, serial);
  }
  cd_gui_label_set_text (self->holder_label, cd_application_display_name (app));
  until = local_day (rec ? rec->not_after : NULL);
  cd_gui_label_set_text (self->until_label, until);
  cd_gui_label_set_text (self->issuer_label, rec ? cd_issuer_name_label (rec->issuer) : "—");
  cd_gui_label_set_text (self->cert_state_label, cert_state_text (rec ? rec->state : NULL));

  /* asked until one is remembered for the session (as on the Issue step) */
  gtk_widget_set_visible (self->cmp_box, (self->cmp_secret || self->cmp_ra_pass) && !done
                                         && (!cmp_has_pin (self) || *gtk_entry_get_text (self->cmp_entry)));
  gtk_widget_set_sensitive (self->cmp_box, !running);
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (self->action_button)), action_label (self)) != 0)
    gtk_button_set_label (GTK_BUTTON (self->action_button), action_label (self));
  gtk_widget_set_visible (self->action_button, !done);
  gtk_widget_set_sensitive (self->action_button, !running && why == NULL && self->confirm == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  if (running)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), running);
  cd_gui_label_set_text (self->error_label, self->error_text && !running && !done ? self->error_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->error_text && !running && !done);
  cd_gui_label_set_text (self->outcome_label, done ? outcome : "");
  gtk_widget_set_visible (GTK_WIDGET (self->outcome_label), done);

  if (done)
    reason = NULL;
  else if (running)
    reason = app->business == CD_BUSINESS_REVOKE ? _("Revoking the certificate at the CA…")
             : app->business == CD_BUSINESS_SUSPEND ? _("Suspending the certificate at the CA…")
             : _("Activating the application…");
  else if (self->error_text)
    reason = self->error_text;
  else if (why)
    reason = why;
  else
    reason = app->business == CD_BUSINESS_REVOKE ? _("Press “Revoke the certificate” once the applicant has confirmed")
             : app->business == CD_BUSINESS_SUSPEND ? _("Press “Suspend the certificate” to put it on hold")
             : _("Press “Activate the application” to open it on the certificate");
  cd_page_set_complete (self, done, reason);
}

/* The issuer the settings choose, as the Issue step's (cd_burn_page_issuer_from_settings): the typed secret goes
 * into it and leaves the page, remembered for the clerk's session; a refusal forgets it. */
static CdIssuer *
make_issuer (CdCertActionPage *self, GError **error)
{
  CdIssuerChoice local = { 0 };
  gboolean took = FALSE;
  CdIssuer *issuer;

  /* An activation only writes this counter's records: the local CA object is enough to run it. */
  if (business (self) == CD_BUSINESS_APP_OPEN)
    return cd_issuer_from_choice (self->ctx, &local, error);
  issuer = cd_burn_page_issuer_from_settings (self->ctx, self->settings, gtk_entry_get_text (self->cmp_entry), &took,
                                              error);
  if (took)
    gtk_entry_set_text (self->cmp_entry, "");
  return issuer;
}

static void
on_progress_cb (const char *step, const char *label, double fraction, gpointer data)
{
  CdCertActionPage *self = data;

  if (g_cancellable_is_cancelled (self->life))
    return;
  gtk_progress_bar_set_fraction (self->progress, fraction);
  gtk_progress_bar_set_text (self->progress, label);
}

static void
on_run_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(CdCertActionPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reload = NULL;
  g_autoptr(CdBurnResult) result = cd_burn_run_finish (res, &error);

  g_clear_object (&self->running);
  if (g_cancellable_is_cancelled (self->life))
    return;
  g_clear_pointer (&self->error_text, g_free);
  if (result)
    {
      if (!cd_draft_reload (self->draft, &reload))
        g_warning ("Application %s was done but could not be read again: %s", cd_draft_get_number (self->draft),
                   reload->message);
    }
  else
    {
      /* A shared secret (or passphrase) the CA refused is forgotten: the field asks for it again. */
      if (CD_IS_ISSUER_CMP (self->issuer) && cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (self->issuer)))
        cd_burn_page_cmp_forget (self->ctx);
      /* One line: a server's reason inside the sentence may carry line breaks. */
      g_autofree char *line = cd_gui_error_one_line (error);
      g_autoptr(GString) text = g_string_new (line);

      /* the CA's sentence, then what it means for the clerk: one full stop between them */
      while (text->len && (text->str[text->len - 1] == '.' || g_str_has_suffix (text->str, "。")))
        g_string_truncate (text, text->len - (text->str[text->len - 1] == '.' ? 1 : strlen ("。")));
      self->error_text = g_strdup_printf (_("%s. Nothing was changed: the application stays at this step, and the "
                                            "button above tries again."), text->str);
    }
  update_view (self);
}

static void
start (CdCertActionPage *self)
{
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdContext) worker = NULL;
  g_autoptr(GError) error = NULL;

  if (self->running || blocker (self) || is_done (self))
    {
      update_view (self);
      return;
    }
  g_clear_pointer (&self->error_text, g_free);
  opts = cd_burn_options_new (cd_draft_get_id (self->draft));
  opts->advance_state = TRUE;
  if (!(opts->issuer = make_issuer (self, &error)) || !(worker = cd_context_new_worker (self->ctx, &error)))
    {
      self->error_text = g_strdup (cd_gui_error_text (error));
      update_view (self);
      return;
    }
  g_set_object (&self->issuer, opts->issuer);
  self->running = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, _("Starting"));
  cd_burn_run_async (worker, opts, on_progress_cb, g_object_ref (self), g_object_unref, self->running,
                     on_run_done_cb, g_object_ref (self));
  update_view (self);
}

static void
on_confirm_response_cb (GtkDialog *dialog, int response, gpointer data)
{
  CdCertActionPage *self = data;

  self->confirm = NULL;
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    start (self);
  else
    update_view (self);
}

/* The dialog can go with the window (destroy-with-parent) before it is answered. */
static void
on_confirm_destroy_cb (CdCertActionPage *self)
{
  self->confirm = NULL;
}

static void
on_action_clicked_cb (CdCertActionPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *serial = NULL;

  if (self->running || self->confirm)
    return;
  if (app->business != CD_BUSINESS_REVOKE)
    {
      start (self);
      return;
    }
  /* A revocation cannot be taken back: the clerk confirms it naming the certificate and its holder. */
  serial = app->existing_serial ? g_ascii_strup (app->existing_serial, -1) : g_strdup ("—");
  self->confirm = gtk_message_dialog_new (GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL,
                                          GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_WARNING,
                                          GTK_BUTTONS_NONE, _("Revoke certificate %s of %s?"), serial,
                                          cd_application_display_name (app));
  gtk_widget_set_name (self->confirm, "action_confirm_dialog");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self->confirm), "%s",
                                            _("A revoked certificate cannot be used again: the holder has to apply "
                                              "for a new one."));
  gtk_dialog_add_buttons (GTK_DIALOG (self->confirm), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Revoke the certificate"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (self->confirm), GTK_RESPONSE_CANCEL);
  g_signal_connect (self->confirm, "response", G_CALLBACK (on_confirm_response_cb), self);
  g_signal_connect_swapped (self->confirm, "destroy", G_CALLBACK (on_confirm_destroy_cb), self);
  update_view (self);
  gtk_window_present (GTK_WINDOW (self->confirm));
}

static void
on_cmp_changed_cb (CdCertActionPage *self)
{
  update_view (self);
}

static void
on_draft_changed_cb (CdCertActionPage *self)
{
  gint64 id = cd_draft_get_id (self->draft);

  /* Another application: the last one's failure is not this one's. */
  if (id != self->shown_app || id == 0)
    {
      self->shown_app = id;
      g_clear_pointer (&self->error_text, g_free);
      gtk_entry_set_text (self->cmp_entry, "");
    }
  lookup_certificate (self);
  update_view (self);
}

/* Done at the CA: the certificate's state changed with the application's. */
static void
on_state_changed_cb (CdCertActionPage *self)
{
  lookup_certificate (self);
  update_view (self);
}

static void
cd_cert_action_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdCertActionPage *self = CD_CERT_ACTION_PAGE (page);

  /* Reloads while another step is on screen (the payment) wait until this one is entered. */
  cd_page_take_draft_when_shown (self, &self->draft, draft, G_CALLBACK (on_draft_changed_cb));
  g_signal_connect_object (draft, "notify::state", G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  on_draft_changed_cb (self);
}

static void
cd_cert_action_page_enter (CdWizardPage *page)
{
  on_draft_changed_cb (CD_CERT_ACTION_PAGE (page));
}

static void
cd_cert_action_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_cert_action_page_set_draft;
  iface->enter = cd_cert_action_page_enter;
}

static void
cd_cert_action_page_dispose (GObject *object)
{
  CdCertActionPage *self = CD_CERT_ACTION_PAGE (object);

  /* A run in progress goes to its end (the CA may already have done it); its callback finds the page gone. */
  g_cancellable_cancel (self->life);
  if (self->confirm)
    {
      g_signal_handlers_disconnect_by_data (self->confirm, self);
      gtk_widget_destroy (g_steal_pointer (&self->confirm));
    }
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  cd_cert_action_page_release (self);
  G_OBJECT_CLASS (cd_cert_action_page_parent_class)->dispose (object);
}

static void
cd_cert_action_page_finalize (GObject *object)
{
  CdCertActionPage *self = CD_CERT_ACTION_PAGE (object);

  g_clear_object (&self->life);
  g_clear_object (&self->running);
  g_clear_object (&self->issuer);
  g_clear_pointer (&self->rec, cd_cert_record_free);
  g_free (self->error_text);
  G_OBJECT_CLASS (cd_cert_action_page_parent_class)->finalize (object);
}

static void
cd_cert_action_page_class_init (CdCertActionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_cert_action_page_get_property;
  object_class->set_property = cd_cert_action_page_set_property;
  object_class->dispose = cd_cert_action_page_dispose;
  object_class->finalize = cd_cert_action_page_finalize;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-cert-action-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdCertActionPage, name)
  BIND (title_label); BIND (explain_label); BIND (serial_label); BIND (holder_label); BIND (until_label);
  BIND (issuer_label); BIND (cert_state_label); BIND (cmp_box); BIND (cmp_caption); BIND (cmp_entry);
  BIND (action_button); BIND (spinner); BIND (progress); BIND (error_label); BIND (outcome_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_action_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cmp_changed_cb);
}

static void
cd_cert_action_page_init (CdCertActionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->life = g_cancellable_new ();
  self->settings = g_settings_new ("org.certdesk.CertDesk");
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);
}

const char *
cd_cert_action_page_get_activity (CdCertActionPage *self)
{
  g_return_val_if_fail (CD_IS_CERT_ACTION_PAGE (self), NULL);
  if (self->running)
    return "running";
  if (self->draft && is_done (self))
    return "done";
  return self->error_text ? "failed" : "idle";
}

GtkWidget *
cd_cert_action_page_get_confirmation (CdCertActionPage *self)
{
  g_return_val_if_fail (CD_IS_CERT_ACTION_PAGE (self), NULL);
  return self->confirm;
}
