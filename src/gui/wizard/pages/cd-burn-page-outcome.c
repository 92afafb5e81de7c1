/* cd-burn-page-outcome.c: the burn page's outcome: the certificate on the key (holder, serial, validity),
 * and for a random PIN the forms module's PIN slip, rendered in memory and printed, or the PIN shown once. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-burn-page-private.h"
#include "cd-burn-slip.h"
#include "cd-clerk-store.h"
#include "cd-forms.h"
#include "cd-gui-util.h"
#include "cd-issuer.h"
#include "cd-token-records.h"

#if defined(__has_include)
#if __has_include("cd-print-operation.h")
#include "cd-print-operation.h"
#define CD_BURN_PAGE_PRINTS 1
#endif
#endif

static char *
local_time (const char *iso)
{
  g_autoptr(GDateTime) t = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = t ? g_date_time_to_local (t) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup (iso ? iso : "—");
}

/* The certificate's holder as the clerk knows them: the unit's name and USCC, or the person's name and ID number
 * (the certificate's subject is made from these, cd-subject.c); never the subject's DN string. */
static char *
holder_words (const CdApplication *app)
{
  if (app->unit && app->unit->name && *app->unit->name)
    return app->unit->uscc && *app->unit->uscc
             ? g_strdup_printf (_("%s (unified social credit code %s)"), app->unit->name, app->unit->uscc)
             : g_strdup (app->unit->name);
  if (app->person && app->person->name && *app->person->name)
    return app->person->id_number && *app->person->id_number
             ? g_strdup_printf (_("%s (ID number %s)"), app->person->name, app->person->id_number)
             : g_strdup (app->person->name);
  return g_strdup ("—");
}

static void
add_row (CdBurnPage *self, int row, const char *caption, const char *value, const char *name)
{
  GtkWidget *c = gtk_label_new (caption);
  GtkWidget *v = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (c), 0);
  gtk_style_context_add_class (gtk_widget_get_style_context (c), "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  /* Copied with the mouse; a selectable label that took the focus would show its whole text selected. */
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_widget_set_can_focus (v, FALSE);
  gtk_label_set_line_wrap (GTK_LABEL (v), TRUE);
  gtk_widget_set_name (v, name);
  gtk_widget_show (c);
  gtk_widget_show (v);
  gtk_grid_attach (self->outcome_grid, c, 0, row, 1, 1);
  gtk_grid_attach (self->outcome_grid, v, 1, row, 1, 1);
}

void
cd_burn_page_show_outcome (CdBurnPage *self)
{
  CdBurnResult *r = self->result;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *holder = holder_words (cd_draft_get_app (self->draft));
  const char *serial, *issuer;
  int row = 0;

  cd_gui_container_clear (GTK_CONTAINER (self->outcome_grid));
  /* A reopened application shows what its record says. */
  if (r == NULL)
    cd_cert_record_for_application (cd_context_get_store (self->ctx), cd_draft_get_id (self->draft), &rec, NULL);
  serial = r ? r->certificate_serial : rec ? rec->serial : NULL;
  issuer = r ? r->issuer : rec ? rec->issuer : NULL;
  from = local_time (r ? r->not_before : rec ? rec->not_before : NULL);
  until = local_time (r ? r->not_after : rec ? rec->not_after : NULL);
  if (serial)
    {
      gtk_label_set_text (self->outcome_title, _("The certificate is on the key and verified"));
      add_row (self, row++, _("Certificate holder"), holder, "burn_subject");
      add_row (self, row++, _("Serial number"), serial, "burn_serial");
      add_row (self, row++, _("Valid from"), from, "burn_not_before");
      add_row (self, row++, _("Valid until"), until, "burn_not_after");
      add_row (self, row++, _("Issuer"), cd_issuer_name_label (issuer), "burn_issuer");
    }
  else
    gtk_label_set_text (self->outcome_title, cd_draft_get_app (self->draft)->business == CD_BUSINESS_UNLOCK ? _("The key's PIN is unlocked")
                                                                                    : _("Done"));
  if (r && r->token_label)
    {
      /* in words, as the key's card above says it (not "label (serial) · DEMO") */
      const char *serial_text = r->token_serial && *r->token_serial ? r->token_serial : _("none yet");
      g_autofree char *key = r->token_is_demo ? g_strdup_printf (_("%s · serial %s · demo key"), r->token_label,
                                                                 serial_text)
                                              : g_strdup_printf (_("%s · serial %s"), r->token_label, serial_text);
      add_row (self, row++, _("USB key"), key, "burn_key");
    }
  gtk_label_set_text (self->warning_label, r && r->warning ? r->warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), r && r->warning);
  /* Reopened after a crash or a restart: the random PIN's slip was kept (encrypted) before the key's PIN was
   * set, so it can be printed again (cd-burn-slip.h). */
  if (r == NULL && self->slip_pin == NULL && self->slip_cancel == NULL)
    {
      g_autoptr(GError) error = NULL;
      CdPin *pin = NULL;

      if (!cd_burn_slip_load (self->ctx, cd_draft_get_id (self->draft), &pin, &error))
        g_warning ("The PIN slip of application %s cannot be read: %s", cd_draft_get_number (self->draft),
                   error->message);
      else if (pin)
        {
          self->slip_pin = pin;
          cd_burn_page_render_slip (self);
        }
    }
}

static void
on_slip_rendered_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(CdBurnPage) self = data;
  g_autoptr(GError) error = NULL;
  GBytes *pdf = cd_forms_render_finish (res, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (self->life))
    {
      g_clear_pointer (&pdf, g_bytes_unref);
      return;
    }
  g_clear_object (&self->slip_cancel);
  if (pdf == NULL)
    {
      gtk_widget_set_tooltip_text (self->print_slip_button, error->message);
      g_warning ("The PIN slip could not be rendered: %s", error->message);
    }
  self->slip_pdf = pdf;
  cd_burn_page_update_view (self);
}

/* The forms module's PIN slip, with the PIN in it: kept in memory only, never written to a file. */
void
cd_burn_page_render_slip (CdBurnPage *self)
{
  g_autoptr(CdOutlet) outlet = cd_clerk_store_get_outlet (self->ctx, NULL);
  CdFormsRequest req = { 0 };
  const char *const docs[] = { "pin-slip", NULL };

  req.application = cd_draft_get_app (self->draft);
  req.profile = cd_draft_get_profile (self->draft);
  req.number = cd_draft_get_number (self->draft);
  req.outlet = outlet ? outlet->name : NULL;
  req.copy_mode = CD_FORMS_COPY_PLAIN;
  req.pin = cd_pin_get (self->slip_pin);
  req.data_dir = cd_context_get_data_dir (self->ctx);
  if (req.profile == NULL || req.number == NULL)
    return;
  self->slip_cancel = g_cancellable_new ();
  cd_forms_render_async (&req, docs, self->slip_cancel, on_slip_rendered_cb, g_object_ref (self));
}

void
on_show_pin_toggled_cb (CdBurnPage *self)
{
  gboolean show = gtk_toggle_button_get_active (self->show_pin_button) && self->slip_pin;

  gtk_label_set_text (self->pin_label, show ? cd_pin_get (self->slip_pin) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pin_label), show);
  gtk_button_set_label (GTK_BUTTON (self->show_pin_button), show ? _("_Hide PIN") : _("_Show PIN"));
}

void
on_print_slip_clicked_cb (CdBurnPage *self)
{
#ifdef CD_BURN_PAGE_PRINTS
  g_autoptr(GError) error = NULL;
  g_autoptr(CdPopplerDocument) doc = NULL;
  g_autoptr(CdPrintOperation) op = NULL;
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (self->slip_pdf == NULL)
    return;
  if (!(doc = poppler_document_new_from_bytes (self->slip_pdf, NULL, &error)))
    {
      g_warning ("The PIN slip could not be opened: %s", error->message);
      return;
    }
  op = cd_print_operation_new (doc, _("PIN slip"));
  if (gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL, &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_label_set_text (self->warning_label, error->message);
#else
  /* No printing in this build: the PIN is shown once for the clerk to copy onto the slip. */
  gtk_toggle_button_set_active (self->show_pin_button, TRUE);
#endif
}
