/* cd-wizard-leave.c: leaving an application in the wizard: parked (saved, found again in Today's applications),
 * the next applicant served (asked first when money was taken and the work is not finished), and the offer to
 * resume a paid, unfinished application. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-application-store.h"
#include "cd-gui-util.h"
#include "cd-wizard-private.h"

gboolean
cd_wizard_has_unfinished_paid (CdWizard *self)
{
  return cd_draft_get_id (self->draft) > 0
         && cd_wizard_is_unfinished_paid (cd_draft_get_app (self->draft)->business, cd_draft_get_state (self->draft));
}

char *
cd_wizard_describe_unfinished (CdWizard *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  const char *step = cd_wizard_step_to_resume (app->business, cd_draft_get_state (self->draft),
                                               cd_draft_get_step (self->draft));
  const char *name = cd_application_display_name (app);

  /* TRANSLATORS: application number, applicant, business, the step it waits at */
  return g_strdup_printf (_("Application %s (%s, %s) is paid for but not finished: it waits at the step “%s”."),
                          cd_draft_get_number (self->draft), name && *name ? name : _("no name yet"),
                          cd_business_label (app->business), cd_gui_step_label (step));
}

/* Saves the application now; what refuses it (a signed-off day) is shown in the bar and nothing is left. */
static gboolean
save_before_leaving (CdWizard *self)
{
  g_autoptr(GError) error = NULL;

  if (cd_draft_flush (self->draft, &error))
    return TRUE;
  cd_wizard_set_error (self, cd_gui_error_text (error));
  return FALSE;
}

gboolean
cd_wizard_park (CdWizard *self)
{
  g_autofree char *note = NULL;

  if (!gtk_widget_is_sensitive (GTK_WIDGET (self->park_button)) || !save_before_leaving (self))
    return FALSE;
  /* TRANSLATORS: the application number */
  note = g_strdup_printf (_("Application %s parked: open it again from Today's applications"),
                          cd_draft_get_number (self->draft));
  cd_wizard_start_new (self);
  gtk_label_set_text (self->saved_label, note);
  return TRUE;
}

static void
on_next_confirm_response_cb (CdWizard *self, int response, GtkDialog *dialog)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    cd_wizard_park (self);
}

void
cd_wizard_next_applicant (CdWizard *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  if (g_str_equal (self->steps[self->current].id, "done") || cd_draft_get_id (self->draft) == 0
      || cd_state_is_final (cd_draft_get_state (self->draft))
      || (cd_draft_get_state (self->draft) == CD_STATE_ISSUED))
    {
      cd_wizard_start_new (self);
      return;
    }
  if (!cd_wizard_has_unfinished_paid (self))
    {
      /* a draft is kept as it is, as when parked */
      cd_wizard_park (self);
      return;
    }
  /* Money taken: the clerk says so before the applicant leaves the screen. */
  text = cd_wizard_describe_unfinished (self);
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_QUESTION,
                                   GTK_BUTTONS_NONE, "%s", _("Serve the next applicant?"));
  gtk_widget_set_name (dialog, "next_confirm_dialog");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s\n%s", text,
                                            _("It stays in Today's applications and can be finished later."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Park it and serve the next"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_next_confirm_response_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_show (dialog);
}

gboolean
cd_wizard_offer_resume (CdWizard *self)
{
  CdContext *ctx = self->ctx;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = cd_application_store_search (ctx, NULL, TRUE, &error);
  CdApplicationInfo *latest = NULL;
  g_autofree char *text = NULL;
  CdBusiness business = CD_BUSINESS_NEW;
  guint n = 0;

  if (!rows)
    {
      g_warning ("Looking for unfinished applications failed: %s", error->message);
      return FALSE;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      CdApplicationInfo *info = rows->pdata[i];
      CdBusiness b;

      if (!cd_business_from_code (info->business, &b) || !cd_wizard_is_unfinished_paid (b, info->state))
        continue;
      n++;
      if (!latest || g_strcmp0 (info->updated_at, latest->updated_at) > 0)
        latest = info, business = b;
    }
  if (!latest)
    return FALSE;
  self->resume_id = latest->id;
  text = g_strdup_printf (_("Application %s (%s, %s) was paid for but not finished (next step: %s). "
                            "Continue with it now?"),
                          latest->number, *latest->name ? latest->name : _("no name yet"),
                          cd_business_label (business),
                          cd_gui_step_label (cd_wizard_step_to_resume (business, latest->state, latest->step)));
  if (n > 1)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (NULL, "%u paid application in all waits in Today's "
                                                            "applications.", "%u paid applications in all wait in "
                                                            "Today's applications.", n), n);
      g_autofree char *both = g_strdup_printf ("%s %s", text, more);

      g_free (text);
      text = g_steal_pointer (&both);
    }
  gtk_label_set_text (self->resume_label, text);
  gtk_widget_show (GTK_WIDGET (self->resume_bar));
  return TRUE;
}
