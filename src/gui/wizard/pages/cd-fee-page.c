/* cd-fee-page.c: the fee step. The quote comes from cd_price_store_quote(); "Record payment" runs the
 * core's check (draft → checked) and payment (checked → paid) in a GTask thread on a database connection of
 * its own, the page busy meanwhile. The page is complete once paid. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-fee-page.h"
#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-adjustment.h"
#include "cd-application-store.h"
#include "cd-preflight.h"
#include "cd-price-store.h"
#include "cd-worker.h"

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
  GtkSpinner      *pay_spinner;
  GtkLabel        *pay_status;

  GCancellable    *pay_cancel;   /* non-NULL while a payment is being recorded (the page is busy) */

  gint64           total_fen;   /* -1: no quote */
  char            *lines_shown;  /* the cells of lines_grid as built: the same quote keeps them */
  char            *methods_for;  /* the project the payment methods were listed for */
  char            *fault_text;  /* the pre-flight's first error of this step: nothing is paid before it is fixed */
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
  /* while a payment is being recorded nothing on the page can change it, nor record it twice */
  gboolean paid = is_paid (self) || self->pay_cancel;
  gint64 received = 0;
  gboolean too_much = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->received_caption), cash);
  gtk_widget_set_visible (GTK_WIDGET (self->received_entry), cash);
  gtk_widget_set_visible (GTK_WIDGET (self->change_label), cash);
  gtk_label_set_text (self->change_label, "");
  if (cash && self->total_fen >= 0 && cd_gui_parse_yuan (gtk_entry_get_text (self->received_entry), &received))
    {
      if (received - self->total_fen > CD_CASH_MAX_CHANGE_FEN)
        {
          /* the core refuses it too (cd-preflight-price.c); said here before Pay, with the change named */
          g_autofree char *change = cd_fen_to_yuan_string (received - self->total_fen);
          g_autofree char *limit = cd_fen_to_yuan_string (CD_CASH_MAX_CHANGE_FEN);
          g_autofree char *text = g_strdup_printf (_("Change would be %s yuan, more than %s yuan: check the amount "
                                                     "received"), change, limit);
          gtk_label_set_text (self->change_label, text);
          too_much = TRUE;
        }
      else if (received >= self->total_fen)
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
  gtk_widget_set_sensitive (GTK_WIDGET (self->pay_button), !paid && self->total_fen >= 0 && !self->fault_text && !too_much
                                                           && gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->method_combo)));
}

static void
update_complete (CdFeePage *self)
{
  if (is_paid (self))
    cd_page_set_complete (self, TRUE, NULL);
  else if (self->pay_cancel)
    cd_page_set_complete (self, FALSE, _("Recording the payment…"));
  else if (self->fault_text)
    cd_page_set_complete (self, FALSE, self->fault_text);
  else if (self->total_fen < 0)
    cd_page_set_complete (self, FALSE, gtk_label_get_text (self->quote_error));
  else
    cd_page_set_complete (self, FALSE, _("Record the payment to continue"));
}

static void
add_cell (CdFeePage *self, GString *cells, const char *text, int col, int row, gboolean number, gboolean header)
{
  GtkWidget *label;

  /* the quote's cells are noted first, and the grid built only when they differ from those shown */
  if (cells)
    {
      g_string_append_printf (cells, "%d,%d,%d,%d:%s\x1f", col, row, number, header, text);
      return;
    }
  label = gtk_label_new (NULL);

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
  self->total_fen = -1;
  quote = profile ? cd_price_store_quote (self->ctx, profile, app->business, app->applicant_type, &req, &error) : NULL;
  /* Twice for each pass: first noting the cells, then, only if they differ from those shown, building them.
   * Refreshed on every entry and twice by a payment (reload, state), the same quote keeps its grid: cells
   * destroyed and made again would be measured and laid out again in the frame of the switch. */
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(GString) cells = pass == 0 ? g_string_new (NULL) : NULL;

      if (quote)
        {
          add_cell (self, cells, _("Item"), 0, 0, FALSE, TRUE);
          add_cell (self, cells, _("Quantity"), 1, 0, TRUE, TRUE);
          add_cell (self, cells, _("Unit price"), 2, 0, TRUE, TRUE);
          add_cell (self, cells, _("Amount"), 3, 0, TRUE, TRUE);
          for (guint i = 0; i < quote->lines->len; i++)
            {
              CdFeeLine *line = quote->lines->pdata[i];
              g_autofree char *qty = g_strdup_printf ("%u", line->qty);
              g_autofree char *unit = cd_fen_to_yuan_string (line->unit_fen);
              g_autofree char *amount = cd_fen_to_yuan_string (line->amount_fen);
              g_autofree char *label = line->central ? g_strdup_printf (_("%s (head-office price)"), line->label)
                                       : line->overridden ? g_strdup_printf (_("%s (local price)"), line->label)
                                       : g_strdup (line->label);

              add_cell (self, cells, label, 0, i + 1, FALSE, FALSE);
              add_cell (self, cells, qty, 1, i + 1, TRUE, FALSE);
              add_cell (self, cells, unit, 2, i + 1, TRUE, FALSE);
              add_cell (self, cells, amount, 3, i + 1, TRUE, FALSE);
            }
          if (quote->lines->len == 0)
            add_cell (self, cells, _("Free of charge"), 0, 1, FALSE, FALSE);
        }
      if (cells)
        {
          if (self->lines_shown && g_str_equal (self->lines_shown, cells->str))
            break;
          g_free (self->lines_shown);
          self->lines_shown = g_strdup (cells->str);
          cd_gui_container_clear (GTK_CONTAINER (self->lines_grid));
        }
    }
  if (quote)
    {
      g_autofree char *total = cd_fen_to_yuan_string (quote->total_fen);
      g_autofree char *total_text = g_strdup_printf (_("Total: ¥%s"), total);

      cd_gui_label_set_text (self->total_label, total_text);
      self->total_fen = quote->total_fen;
      cd_gui_show_error (self->quote_error, NULL);
    }
  else
    {
      cd_gui_label_set_text (self->total_label, "");
      cd_gui_show_error (self->quote_error, error ? cd_gui_error_text (error) : _("Choose the project or CA first"));
    }

  /* the methods are the project's: listed again only for another project */
  if (g_strcmp0 (self->methods_for, profile ? profile->id : NULL) != 0)
    {
      g_free (self->methods_for);
      self->methods_for = profile ? g_strdup (profile->id) : NULL;
      gtk_combo_box_text_remove_all (self->method_combo);
      for (guint m = 0; profile && m < CD_N_PAYMENT_METHODS; m++)
        if (cd_profile_accepts_payment (profile, m))
          gtk_combo_box_text_append (self->method_combo, cd_payment_method_to_code (m), cd_payment_method_label (m));
    }
  if (app->payment.has_payment)
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->method_combo), cd_payment_method_to_code (app->payment.method));
  else if (!active || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->method_combo), active))
    gtk_combo_box_set_active (GTK_COMBO_BOX (self->method_combo), 0);
  if (is_paid (self))
    {
      g_autofree char *paid = cd_fen_to_yuan_string (app->payment.amount_fen);
      g_autoptr(GError) invoice_error = NULL;
      gboolean invoice = FALSE;

      /* the tick is recorded with the payment, not in the application: read back from there */
      if (cd_application_store_invoice_requested (self->ctx, cd_draft_get_id (self->draft), &invoice, &invoice_error))
        gtk_toggle_button_set_active (self->invoice_check, invoice);   /* self->loading: not an edit */
      else
        g_warning ("Reading the invoice request failed: %s", invoice_error->message);
      g_autofree char *text = g_strdup_printf (_("Paid: ¥%s by %s"), paid, cd_payment_method_label (app->payment.method));
      cd_gui_label_set_text (self->pay_status, text);
    }
  else
    {
      cd_gui_label_set_text (self->pay_status, self->pay_cancel ? _("Recording the payment…")
                                               : self->fault_text ? self->fault_text : "");
      /* before payment the tick is the application's invoice part (given on the applicant step, or ticked) */
      gtk_toggle_button_set_active (self->invoice_check, app->invoice != NULL);
    }
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

/* The tick is the application's invoice part: ticked, the applicant wants one and the pre-flight asks for its
 * title, taxpayer ID and e-mail (entered on the applicant step); unticked, there is none. Once paid, the
 * payment's record keeps it. */
static void
on_invoice_toggled_cb (CdFeePage *self)
{
  CdApplication *app;
  gboolean wanted = gtk_toggle_button_get_active (self->invoice_check);

  if (self->loading || !self->draft || is_paid (self) || !cd_draft_is_editable (self->draft))
    return;
  app = cd_draft_get_app (self->draft);
  if (wanted == (app->invoice != NULL))
    return;
  if (wanted)
    app->invoice = g_new0 (CdInvoice, 1);
  else
    g_clear_pointer (&app->invoice, cd_invoice_free);
  cd_draft_changed (self->draft);
}

static void
on_received_changed_cb (CdFeePage *self)
{
  if (!self->loading)
    update_payment_widgets (self);
}

/* One payment as recorded: the core's check (draft → checked) and the payment (checked → paid). */
typedef struct {
  CdFeePage      *self;   /* kept alive while the supervisor's prompt holds it; NULL in the worker */
  gint64          id;
  CdPaymentMethod method;
  gint64          total_fen;
  gint64          received_fen;
  gboolean        invoice;
  /* the worker's context (cd_context_new_worker_unconnected), made on the main thread, connected in the worker:
   * a connection of its own, the window's profiles, keys, clerk and outlet; NULL in the supervisor's prompt */
  CdContext      *worker;
} Payment;

static void
payment_free (Payment *p)
{
  g_clear_object (&p->self);
  g_clear_object (&p->worker);
  g_free (p);
}

/* The pre-flight before the payment row: cd_application_store_check() refuses on every rule a later step
 * enforces, and only then does cd_application_store_pay() write anything that cannot be undone. */
static gboolean
record_payment (CdContext *ctx, gpointer data, GError **error)
{
  Payment *p = data;
  g_autoptr(CdApplicationInfo) info = NULL;

  /* the stored state: a check that passed before the payment was refused stays recorded */
  if (!cd_application_store_load (ctx, p->id, NULL, &info, error))
    return FALSE;
  if (info->state == CD_STATE_DRAFT && !cd_application_store_check (ctx, p->id, error))
    return FALSE;
  return cd_application_store_pay (ctx, p->id, p->method, p->total_fen, p->received_fen, p->invoice, error);
}

/* The worker: SQLite's check and payment (a transaction and its fsync) off the window's thread, on a
 * connection of its own (a connection is used by one thread at a time), as the clerk signed in. */
static void
payment_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Payment *p = data;
  GError *error = NULL;

  cd_worker_yield_to_ui ();
  if (!cd_context_connect_worker (p->worker, &error) || !record_payment (p->worker, p, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_payment_adjusted_cb (CdFeePage *self)
{
  g_autoptr(GError) error = NULL;

  if (!cd_draft_reload (self->draft, &error))
    gtk_label_set_text (self->pay_status, cd_gui_error_text (error));
}

/* The day is signed off: the supervisor approves the payment in the same dialog (password and reason), and it
 * is recorded as that supervisor's adjustment. Nothing was written before. */
static void
ask_payment_approval (CdFeePage *self, const Payment *worker, const GError *refusal)
{
  Payment *p = g_new0 (Payment, 1);
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *amount = NULL;
  g_autofree char *description = NULL;
  GtkWidget *prompt;

  p->self = g_object_ref (self);
  p->id = worker->id;
  p->method = worker->method;
  p->total_fen = worker->total_fen;
  p->received_fen = worker->received_fen;
  p->invoice = worker->invoice;
  amount = cd_fen_to_yuan_string (p->total_fen);
  description = g_strdup_printf (_("Record the payment of ¥%s by %s for application %s."), amount,
                                                  cd_payment_method_label (p->method),
                                                  cd_draft_get_number (self->draft));
  prompt = cd_adjustment_prompt (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx,
                                 refusal->message, description, record_payment, p, (GDestroyNotify) payment_free);

  g_signal_connect_object (prompt, "authorized", G_CALLBACK (on_payment_adjusted_cb), self, G_CONNECT_SWAPPED);
}

static void
set_busy (CdFeePage *self, gboolean busy)
{
  if (!busy)
    g_clear_object (&self->pay_cancel);
  else if (!self->pay_cancel)
    self->pay_cancel = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->pay_spinner), busy);
  if (busy)
    gtk_spinner_start (self->pay_spinner);
  else
    gtk_spinner_stop (self->pay_spinner);
  if (busy)
    cd_gui_label_set_text (self->pay_status, _("Recording the payment…"));
  update_payment_widgets (self);
  update_complete (self);
}

/* After a failure: a check that passed stays recorded; the draft follows the stored state. */
static void
show_payment_error (CdFeePage *self, const GError *error)
{
  g_autoptr(GError) reload_error = NULL;

  if (cd_draft_get_id (self->draft))
    cd_draft_reload (self->draft, &reload_error);
  gtk_label_set_text (self->pay_status, error ? cd_gui_error_text (error) : "");
}

static void
on_payment_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CdFeePage *self = CD_FEE_PAGE (data);
  Payment *p = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean cancelled = g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result)));

  if (!cancelled)
    set_busy (self, FALSE);
  /* the page went away, or shows another application now: that one's payment is in the database all the
   * same (Today's list shows it), and nothing here is about it any more */
  if (cancelled || !self->draft || cd_draft_get_id (self->draft) != p->id)
    {
      g_object_unref (self);
      return;
    }
  if (ok)
    {
      if (!cd_draft_reload (self->draft, &error))
        show_payment_error (self, error);
    }
  else if (cd_adjustment_is_refusal (error))
    {
      gtk_label_set_text (self->pay_status, cd_gui_error_text (error));
      /* the prompt records it on the window's connection, as that supervisor's adjustment */
      ask_payment_approval (self, p, error);
    }
  else
    show_payment_error (self, error);
  g_object_unref (self);
}

static void
on_pay_clicked_cb (CdFeePage *self)
{
  Payment *payment;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(CdContext) worker = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *method_id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->method_combo));
  CdPaymentMethod method;
  gint64 received = self->total_fen;
  gint64 id;

  if (self->pay_cancel || is_paid (self) || self->total_fen < 0 || !method_id
      || !cd_payment_method_from_code (method_id, &method))
    return;
  if (method == CD_PAYMENT_CASH && !cd_gui_parse_yuan (gtk_entry_get_text (self->received_entry), &received))
    {
      gtk_label_set_text (self->pay_status, _("Enter the cash received, e.g. 300 or 300.50"));
      gtk_widget_grab_focus (GTK_WIDGET (self->received_entry));
      return;
    }
  if (!cd_draft_flush (self->draft, &error) || !(id = cd_draft_get_id (self->draft)))
    {
      show_payment_error (self, error);
      return;
    }
  /* A worker context costs a connection open (1.4–1.6 ms in a release build), not a whole context (profiles
   * parsed, keys unwrapped, migrations checked, scans settled: 16–19 ms); one payment's worker went from 31–34 ms
   * to 19–20 ms (tests/bench/context). The connection is opened by the worker (payment_thread), off the main
   * loop: made here it lengthened the step switch of "payment recorded" past a frame now and then. */
  worker = cd_context_new_worker_unconnected (self->ctx);
  /* dated when the clerk recorded it, by the window's clock (a test may have moved it) */
  now = cd_store_now (cd_context_get_store (self->ctx));
  cd_store_set_now (cd_context_get_store (worker), now);
  payment = g_new0 (Payment, 1);
  payment->id = id;
  payment->method = method;
  payment->total_fen = self->total_fen;
  payment->received_fen = received;
  payment->invoice = gtk_toggle_button_get_active (self->invoice_check);
  payment->worker = g_steal_pointer (&worker);
  set_busy (self, TRUE);
  task = g_task_new (NULL, self->pay_cancel, on_payment_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, on_pay_clicked_cb);
  g_task_set_task_data (task, payment, (GDestroyNotify) payment_free);
  /* the payment is written whatever happens to the page meanwhile: only its outcome is then dropped */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, payment_thread);
}

gboolean
cd_fee_page_is_busy (CdFeePage *self)
{
  g_return_val_if_fail (CD_IS_FEE_PAGE (self), FALSE);
  return self->pay_cancel != NULL;
}

/* vfuncs */

/* Another application: its own invoice tick, never the previous applicant's. Before payment an applicant
 * who gave the invoice's details wants one; once paid the payment's record says (refresh). */
static void
reset_invoice_tick (CdFeePage *self)
{
  gboolean was = self->loading;

  self->loading = TRUE;
  gtk_toggle_button_set_active (self->invoice_check, cd_draft_get_app (self->draft)->invoice != NULL);
  self->loading = was;
}

static void
on_draft_loaded_cb (CdFeePage *self)
{
  reset_invoice_tick (self);
  refresh (self);
}

static void
cd_fee_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdFeePage *self = CD_FEE_PAGE (page);

  /* another application: the previous one's payment is still written, its outcome is no longer shown here */
  if (self->pay_cancel)
    {
      g_cancellable_cancel (self->pay_cancel);
      set_busy (self, FALSE);
    }
  cd_page_take_draft (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "notify::state", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  gtk_entry_set_text (self->received_entry, "");
  reset_invoice_tick (self);
  refresh (self);
}

static void
cd_fee_page_enter (CdWizardPage *page)
{
  refresh (CD_FEE_PAGE (page));
}

/* The pre-flight's errors of the fee step (an invoice without its details) keep the payment from being
 * recorded. Not those of the payment itself: it is chosen here and the core checks it when it is recorded
 * (the application holds no payment before); nor the day lock: paying asks the supervisor then. */
static void
cd_fee_page_show_faults (CdWizardPage *page, GPtrArray *faults)
{
  CdFeePage *self = CD_FEE_PAGE (page);
  const char *text = NULL;
  g_autofree char *line = NULL;

  for (guint i = 0; i < faults->len && !text; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];

      if (f->severity == CD_PREFLIGHT_FAULT_ERROR && g_strcmp0 (f->rule, "day-lock") != 0
          && g_strcmp0 (f->rule, "payment") != 0)
        text = f->message;
    }
  if (text && self->fault_text && g_str_equal (text, self->fault_text))
    return;
  g_clear_pointer (&self->fault_text, g_free);
  self->fault_text = g_strdup (text);
  if (!is_paid (self) && !self->pay_cancel)
    gtk_label_set_text (self->pay_status, text ? text : "");
  update_payment_widgets (self);
  update_complete (self);
}

static void
cd_fee_page_iface_init (CdWizardPageInterface *iface)
{
  iface->show_faults = cd_fee_page_show_faults;
  iface->set_draft = cd_fee_page_set_draft;
  iface->enter = cd_fee_page_enter;
}

static void
cd_fee_page_dispose (GObject *object)
{
  /* a payment under way is still written; its outcome no longer concerns this page */
  if (CD_FEE_PAGE (object)->pay_cancel)
    g_cancellable_cancel (CD_FEE_PAGE (object)->pay_cancel);
  g_clear_object (&CD_FEE_PAGE (object)->pay_cancel);
  g_clear_pointer (&CD_FEE_PAGE (object)->fault_text, g_free);
  g_clear_pointer (&CD_FEE_PAGE (object)->lines_shown, g_free);
  g_clear_pointer (&CD_FEE_PAGE (object)->methods_for, g_free);
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
  BIND (received_entry); BIND (change_label); BIND (invoice_check); BIND (pay_button); BIND (pay_spinner);
  BIND (pay_status);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_method_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_received_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_invoice_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pay_clicked_cb);
}

static void
cd_fee_page_init (CdFeePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->total_fen = -1;
}
