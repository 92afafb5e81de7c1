/* cd-fee-page.c: the fee step. The quote comes from cd_price_store_quote(); "Record payment" runs the
 * core's check (draft → checked) and payment (checked → paid). The page is complete once paid. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-fee-page.h"
#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-price-store.h"

struct _CdFeePage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  GtkGrid         *lines_grid;
  GtkLabel        *total_label;
  GtkLabel        *quote_error;
  GtkComboBoxText *method_combo;
  GtkLabel        *received_caption;
  GtkEntry        *received_entry;
  GtkLabel        *change_label;
  GtkToggleButton *invoice_check;
  GtkButton       *pay_button;
  GtkLabel        *pay_status;

  gint64           total_fen;   /* -1: no quote */
};

static void cd_fee_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdFeePage, cd_fee_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_fee_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdFeePage, cd_fee_page)

static gboolean
is_paid (CdFeePage *self)
{
  CdState s = cd_draft_get_state (self->draft);

  return s != CD_STATE_DRAFT && s != CD_STATE_CHECKED && s != CD_STATE_VOIDED;
}

static gboolean
method_is_cash (CdFeePage *self)
{
  return g_strcmp0 (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->method_combo)),
                    cd_payment_method_to_code (CD_PAYMENT_CASH)) == 0;
}

static void
update_payment_widgets (CdFeePage *self)
{
  gboolean cash = method_is_cash (self);
  gboolean paid = is_paid (self);
  gint64 received = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->received_caption), cash);
  gtk_widget_set_visible (GTK_WIDGET (self->received_entry), cash);
  gtk_widget_set_visible (GTK_WIDGET (self->change_label), cash);
  gtk_label_set_text (self->change_label, "");
  if (cash && self->total_fen >= 0 && cd_gui_parse_yuan (gtk_entry_get_text (self->received_entry), &received))
    {
      if (received >= self->total_fen)
        {
          g_autofree char *change = cd_fen_to_yuan_string (received - self->total_fen);
          g_autofree char *text = g_strdup_printf (_("Change: %s yuan"), change);
          gtk_label_set_text (self->change_label, text);
        }
      else
        gtk_label_set_text (self->change_label, _("Less than the fee"));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->method_combo), !paid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->received_entry), !paid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->invoice_check), !paid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pay_button), !paid && self->total_fen >= 0
                                                           && gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->method_combo)));
}

static void
update_complete (CdFeePage *self)
{
  if (is_paid (self))
    cd_page_set_complete (self, TRUE, NULL);
  else if (self->total_fen < 0)
    cd_page_set_complete (self, FALSE, gtk_label_get_text (self->quote_error));
  else
    cd_page_set_complete (self, FALSE, _("Record the payment to continue"));
}

static void
add_cell (CdFeePage *self, const char *text, int col, int row, gboolean number, gboolean header)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (header)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", text);
      gtk_label_set_markup (GTK_LABEL (label), markup);
    }
  else
    gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), number ? 1 : 0);
  gtk_widget_show (label);
  gtk_grid_attach (self->lines_grid, label, col, row, 1, 1);
}

static void
refresh (CdFeePage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  CdProfile *profile = cd_draft_get_profile (self->draft);
  CdFeeRequest req = cd_application_fee_request (app);
  g_autoptr(CdFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *active = g_strdup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->method_combo)));

  self->loading = TRUE;
  cd_gui_container_clear (GTK_CONTAINER (self->lines_grid));
  self->total_fen = -1;
  gtk_label_set_text (self->total_label, "");
  if (profile && (quote = cd_price_store_quote (self->ctx, profile, app->business, app->applicant_type, &req, &error)))
    {
      g_autofree char *total = cd_fen_to_yuan_string (quote->total_fen);
      g_autofree char *total_text = g_strdup_printf (_("Total: ¥%s"), total);

      add_cell (self, _("Item"), 0, 0, FALSE, TRUE);
      add_cell (self, _("Quantity"), 1, 0, TRUE, TRUE);
      add_cell (self, _("Unit price"), 2, 0, TRUE, TRUE);
      add_cell (self, _("Amount"), 3, 0, TRUE, TRUE);
      for (guint i = 0; i < quote->lines->len; i++)
        {
          CdFeeLine *line = quote->lines->pdata[i];
          g_autofree char *qty = g_strdup_printf ("%u", line->qty);
          g_autofree char *unit = cd_fen_to_yuan_string (line->unit_fen);
          g_autofree char *amount = cd_fen_to_yuan_string (line->amount_fen);
          g_autofree char *label = line->overridden ? g_strdup_printf (_("%s (local price)"), line->label)
                                                    : g_strdup (line->label);

          add_cell (self, label, 0, i + 1, FALSE, FALSE);
          add_cell (self, qty, 1, i + 1, TRUE, FALSE);
          add_cell (self, unit, 2, i + 1, TRUE, FALSE);
          add_cell (self, amount, 3, i + 1, TRUE, FALSE);
        }
      if (quote->lines->len == 0)
        add_cell (self, _("Free of charge"), 0, 1, FALSE, FALSE);
      gtk_label_set_text (self->total_label, total_text);
      self->total_fen = quote->total_fen;
      cd_gui_show_error (self->quote_error, NULL);
    }
  else
    cd_gui_show_error (self->quote_error, error ? cd_gui_error_text (error) : _("Choose the project or CA first"));

  gtk_combo_box_text_remove_all (self->method_combo);
  for (guint m = 0; profile && m < CD_N_PAYMENT_METHODS; m++)
    if (cd_profile_accepts_payment (profile, m))
      gtk_combo_box_text_append (self->method_combo, cd_payment_method_to_code (m), cd_payment_method_label (m));
  if (app->payment.has_payment)
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->method_combo), cd_payment_method_to_code (app->payment.method));
  else if (!active || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->method_combo), active))
    gtk_combo_box_set_active (GTK_COMBO_BOX (self->method_combo), 0);
  if (is_paid (self))
    {
      g_autofree char *paid = cd_fen_to_yuan_string (app->payment.amount_fen);
      g_autofree char *text = g_strdup_printf (_("Paid: ¥%s by %s"), paid, cd_payment_method_label (app->payment.method));
      gtk_label_set_text (self->pay_status, text);
    }
  else
    gtk_label_set_text (self->pay_status, "");
  self->loading = FALSE;
  update_payment_widgets (self);
  update_complete (self);
}

/* callbacks */

static void
on_method_changed_cb (CdFeePage *self)
{
  if (!self->loading)
    update_payment_widgets (self);
}

static void
on_received_changed_cb (CdFeePage *self)
{
  if (!self->loading)
    update_payment_widgets (self);
}

static void
on_pay_clicked_cb (CdFeePage *self)
{
  g_autoptr(GError) error = NULL;
  const char *method_id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->method_combo));
  CdPaymentMethod method;
  gint64 received = self->total_fen;
  gint64 id;

  if (is_paid (self) || self->total_fen < 0 || !method_id || !cd_payment_method_from_code (method_id, &method))
    return;
  if (method == CD_PAYMENT_CASH && !cd_gui_parse_yuan (gtk_entry_get_text (self->received_entry), &received))
    {
      gtk_label_set_text (self->pay_status, _("Enter the cash received, e.g. 300 or 300.50"));
      gtk_widget_grab_focus (GTK_WIDGET (self->received_entry));
      return;
    }
  if (!cd_draft_flush (self->draft, &error) || !(id = cd_draft_get_id (self->draft)))
    goto fail;
  if (cd_draft_get_state (self->draft) == CD_STATE_DRAFT && !cd_application_store_check (self->ctx, id, &error))
    goto fail;
  if (!cd_application_store_pay (self->ctx, id, method, self->total_fen, received,
                                 gtk_toggle_button_get_active (self->invoice_check), &error))
    goto fail;
  if (!cd_draft_reload (self->draft, &error))
    goto fail;
  return;

fail:
  /* A check that passed stays recorded; the draft follows the stored state. */
  {
    g_autoptr(GError) reload_error = NULL;
    if (cd_draft_get_id (self->draft))
      cd_draft_reload (self->draft, &reload_error);
  }
  gtk_label_set_text (self->pay_status, error ? cd_gui_error_text (error) : "");
}

/* vfuncs */

static void
on_draft_loaded_cb (CdFeePage *self)
{
  refresh (self);
}

static void
cd_fee_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdFeePage *self = CD_FEE_PAGE (page);

  cd_page_take_draft (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "notify::state", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  gtk_entry_set_text (self->received_entry, "");
  refresh (self);
}

static void
cd_fee_page_enter (CdWizardPage *page)
{
  refresh (CD_FEE_PAGE (page));
}

static void
cd_fee_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_fee_page_set_draft;
  iface->enter = cd_fee_page_enter;
}

static void
cd_fee_page_dispose (GObject *object)
{
  cd_fee_page_release (CD_FEE_PAGE (object));
  G_OBJECT_CLASS (cd_fee_page_parent_class)->dispose (object);
}

static void
cd_fee_page_class_init (CdFeePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_fee_page_get_property;
  object_class->set_property = cd_fee_page_set_property;
  object_class->dispose = cd_fee_page_dispose;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-fee-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdFeePage, name)
  BIND (lines_grid); BIND (total_label); BIND (quote_error); BIND (method_combo); BIND (received_caption);
  BIND (received_entry); BIND (change_label); BIND (invoice_check); BIND (pay_button); BIND (pay_status);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_method_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_received_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pay_clicked_cb);
}

static void
cd_fee_page_init (CdFeePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->total_fen = -1;
}
