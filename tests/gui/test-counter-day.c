/* test-counter-day.c: the counter's day: park and serve the next applicant, a paid application is never
 * closed on by accident and is offered again at the next start, an application reopens at its first
 * unfinished step with every stored field (the invoice tick included), Today's list says that step. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-gui-util.h"
#include "cd-main-window.h"
#include "cd-report-signoff.h"
#include "cd-test-util.h"
#include "cd-today-page.h"
#include "cd-wizard.h"

#define PROFILE "nmg-zfcg-sxca"

static CdWizard *
new_wizard (CdContext *ctx, GtkWidget **out_window)
{
  CdWizard *wizard = cd_wizard_new (ctx);

  *out_window = cd_test_window (GTK_WIDGET (wizard));
  return wizard;
}

/* Business and applicant steps done, the wizard on the materials step. */
static gint64
to_materials (GtkWidget *win, CdWizard *wizard)
{
  cd_test_toggle (win, "profile_" PROFILE, TRUE);
  g_assert_true (cd_test_next (win, wizard));
  cd_test_fill_applicant (win);
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
  return cd_draft_get_id (cd_wizard_get_draft (wizard));
}

/* …and paid, with an invoice asked for: the wizard on the print step. */
static gint64
to_paid_with_invoice (CdTestCounter *counter, GtkWidget *win, CdWizard *wizard)
{
  gint64 id;

  cd_test_toggle (win, "profile_" PROFILE, TRUE);
  g_assert_true (cd_test_next (win, wizard));
  cd_test_fill_applicant (win);
  cd_test_set_text (win, "invoice_title", "内蒙古某某建设有限公司");
  cd_test_set_text (win, "invoice_taxpayer", "91150100MA0N2K3L4T");
  cd_test_set_text (win, "invoice_email", "invoice@caoyuan.example.cn");
  g_assert_true (cd_test_next (win, wizard));
  cd_test_tick_materials (win, wizard);
  g_assert_true (cd_test_next (win, wizard));
  cd_test_choose_samples (counter, wizard);
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  /* the applicant gave the invoice's details: the tick is there already */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cd_test_find (win, "invoice_check"))));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (win, "method_combo")), "wechat");
  cd_test_pay (win);
  g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), ==, CD_STATE_PAID);
  id = cd_draft_get_id (cd_wizard_get_draft (wizard));
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "print");
  return id;
}

static GtkWidget *
find_dialog (const char *name)
{
  return cd_test_find_toplevel (GTK_TYPE_MESSAGE_DIALOG, name);
}

/* The Today list's row of application @id: its state and step columns. */
static void
today_row (CdContext *ctx, gint64 id, char **out_state, char **out_step)
{
  CdTodayPage *today = cd_today_page_new (ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (today));
  GtkTreeModel *model;
  GtkTreeIter iter;
  gboolean found = FALSE;

  cd_today_page_refresh (today);
  model = gtk_tree_view_get_model (GTK_TREE_VIEW (cd_test_find (win, "today_view")));
  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok && !found;
       ok = gtk_tree_model_iter_next (model, &iter))
    {
      gint64 row_id;

      gtk_tree_model_get (model, &iter, 0, &row_id, -1);
      if (row_id == id)
        {
          gtk_tree_model_get (model, &iter, 5, out_state, 6, out_step, -1);
          found = TRUE;
        }
    }
  g_assert_true (found);
  gtk_widget_destroy (win);
}

static void
test_park_and_resume (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *step = NULL;
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  g_autofree char *number = NULL;
  gint64 id;

  /* nothing to park before a project is chosen; the next applicant is always at hand */
  g_assert_false (cd_test_sensitive (win, "park_button"));
  g_assert_true (cd_test_sensitive (win, "new_button"));
  id = to_materials (win, wizard);
  number = g_strdup (cd_draft_get_number (cd_wizard_get_draft (wizard)));
  g_assert_true (cd_test_sensitive (win, "park_button"));
  cd_test_set_text (win, "unit_address", "呼和浩特市新城区");   /* an edit not saved yet */
  cd_test_click (win, "park_button");
  /* the next applicant starts; the parked one is named */
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "business");
  g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), ==, 0);
  g_assert_nonnull (strstr (cd_test_label (win, "saved_label"), number));
  cd_test_screenshot (win, "day-parked");
  /* Today's list says where it waits */
  today_row (counter->ctx, id, &state, &step);
  g_assert_cmpstr (step, ==, cd_gui_step_label ("materials"));
  /* reopened: the step it was parked at, every field */
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
  g_assert_cmpstr (cd_draft_get_app (cd_wizard_get_draft (wizard))->unit->address, ==, "呼和浩特市新城区");

  /* Ctrl+N on a draft: kept as it is (parked) and the next applicant starts */
  cd_test_key (win, GDK_KEY_n, GDK_CONTROL_MASK);
  g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), ==, 0);
  g_assert_null (find_dialog ("next_confirm_dialog"));
  gtk_widget_destroy (win);
}

/* A paid application reopens at the print step (the draft's saved step stops at the fee) with its invoice
 * tick, and at the Issue step once printed; Today's list says so. */
static void
test_paid_reopens_where_it_stopped (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *step = NULL;
  g_autofree char *state2 = NULL;
  g_autofree char *step2 = NULL;
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  gint64 id = to_paid_with_invoice (counter, win, wizard);

  gtk_widget_destroy (win);
  today_row (counter->ctx, id, &state, &step);
  g_assert_cmpstr (step, ==, cd_gui_step_label ("print"));
  g_assert_cmpstr (state, ==, cd_state_label (CD_STATE_PAID));

  wizard = new_wizard (counter->ctx, &win);
  /* the next applicant's fee step has no tick of the previous one */
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cd_test_find (win, "invoice_check"))));
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "print");
  /* every stored field: the tick is the payment's */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (cd_test_find (win, "invoice_check"))));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "invoice_email"))), ==,
                   "invoice@caoyuan.example.cn");
  g_assert_true (cd_test_print_documents (counter, win, wizard, "reopened"));
  gtk_widget_destroy (win);

  today_row (counter->ctx, id, &state2, &step2);
  g_assert_cmpstr (step2, ==, cd_gui_step_label ("burn"));
  wizard = new_wizard (counter->ctx, &win);
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "burn");
  gtk_widget_destroy (win);
}

static CdClerk *
signed_in (CdTestCounter *counter)
{
  return cd_clerk_store_lookup (counter->ctx, cd_context_get_clerk_id (counter->ctx), NULL);
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Money taken and not finished: closing asks first, the next applicant too, and the next start offers it. */
static void
test_paid_unfinished_is_never_lost (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  CdMainWindow *main_win = cd_main_window_new (NULL, counter->ctx, clerk);
  GtkWidget *win = cd_test_window (GTK_WIDGET (main_win));
  CdWizard *wizard = cd_main_window_get_wizard (main_win);
  GtkWidget *dialog;
  gint64 id;

  g_object_add_weak_pointer (G_OBJECT (win), (gpointer *) &win);
  /* a fresh counter has nothing to resume */
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "resume_bar")));
  id = to_paid_with_invoice (counter, win, wizard);

  /* the next applicant: asked, Cancel keeps it on screen */
  cd_test_click (win, "new_button");
  dialog = find_dialog ("next_confirm_dialog");
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  cd_test_iterate ();
  g_assert_null (find_dialog ("next_confirm_dialog"));
  g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), ==, id);

  /* closing the window: asked, Stay keeps it open */
  gtk_window_close (GTK_WINDOW (win));
  cd_test_wait_ms (100);
  dialog = find_dialog ("close_confirm_dialog");
  g_assert_nonnull (dialog);
  g_assert_nonnull (win);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  cd_test_iterate ();
  g_assert_nonnull (win);
  /* …and Close anyway closes it */
  gtk_window_close (GTK_WINDOW (win));
  cd_test_wait_ms (100);
  dialog = find_dialog ("close_confirm_dialog");
  g_assert_nonnull (dialog);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CLOSE);
  g_assert_true (cd_test_wait (window_gone, &win, 5000));

  /* the next start offers it; Continue opens it where it stopped */
  main_win = cd_main_window_new (NULL, counter->ctx, clerk);
  win = cd_test_window (GTK_WIDGET (main_win));
  wizard = cd_main_window_get_wizard (main_win);
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "resume_bar")));
  g_assert_nonnull (strstr (cd_test_label (win, "resume_label"), "内蒙古某某建设有限公司"));
  cd_test_screenshot (win, "day-resume-offered");
  cd_test_click (win, "resume_button");
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "resume_bar")));
  g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), ==, id);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "print");
  gtk_widget_destroy (win);
}

/* The day is signed off with the application at the fee step: the step says so before anything is tried,
 * and the payment is recorded once the supervisor approves it in the same dialog (an audited adjustment). */
static void
test_signed_day_payment_needs_approval (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdClerk) boss = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = cd_store_today (cd_context_get_store (counter->ctx));
  GtkWidget *win, *prompt;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  gint64 id;

  cd_test_toggle (win, "profile_" PROFILE, TRUE);
  g_assert_true (cd_test_next (win, wizard));
  cd_test_fill_applicant (win);
  g_assert_true (cd_test_next (win, wizard));
  cd_test_tick_materials (win, wizard);
  g_assert_true (cd_test_next (win, wizard));
  cd_test_choose_samples (counter, wizard);
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  id = cd_draft_get_id (cd_wizard_get_draft (wizard));
  gtk_widget_destroy (win);

  g_assert_true (cd_clerk_store_authorize (counter->ctx, "boss", CD_TEST_PASSWORD, CD_ROLE_SUPERVISOR, &boss, &error));
  g_assert_true (cd_report_signoff_sign (counter->ctx, boss, cd_context_get_outlet_id (counter->ctx), today, 0,
                                         "申请留待补办", NULL, &error));
  g_assert_no_error (error);

  wizard = new_wizard (counter->ctx, &win);
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  /* said before anything is tried, naming the day */
  g_assert_nonnull (strstr (cd_test_label (win, "reason_label"), today));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (win, "method_combo")), "wechat");
  cd_test_pay (win);
  prompt = cd_test_find_toplevel (GTK_TYPE_DIALOG, "adjustment_dialog");
  g_assert_nonnull (prompt);
  g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), !=, CD_STATE_PAID);
  cd_test_set_text (prompt, "auth_login", "boss");
  cd_test_set_text (prompt, "auth_password", CD_TEST_PASSWORD);
  cd_test_set_text (prompt, "auth_reason", "客户当日补缴费用");
  cd_test_click (prompt, "auth_ok");
  g_assert_null (cd_test_find_toplevel (GTK_TYPE_DIALOG, "adjustment_dialog"));
  g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), ==, CD_STATE_PAID);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "adjustment", id), >=, 1);
  g_assert_true (cd_test_sensitive (win, "next_button"));
  gtk_widget_destroy (win);
}

/* The states a clerk reads for the business, not the state machine's step. */
static void
test_state_labels (void)
{
  g_assert_cmpstr (cd_gui_state_label (CD_BUSINESS_UNLOCK, CD_STATE_ISSUED), ==, "Unlocked");
  g_assert_cmpstr (cd_gui_state_label (CD_BUSINESS_APP_OPEN, CD_STATE_ISSUED), ==, "Activated");
  /* printed, the activation is still to be done on its certificate step */
  g_assert_cmpstr (cd_gui_state_label (CD_BUSINESS_APP_OPEN, CD_STATE_PRINTED), ==, cd_state_label (CD_STATE_PRINTED));
  g_assert_cmpstr (cd_gui_state_label (CD_BUSINESS_REVOKE, CD_STATE_ISSUED), ==, "Certificate revoked");
  g_assert_cmpstr (cd_gui_state_label (CD_BUSINESS_NEW, CD_STATE_ISSUED), ==, cd_state_label (CD_STATE_ISSUED));
  g_assert_cmpstr (cd_gui_state_label (CD_BUSINESS_APP_OPEN, CD_STATE_PAID), ==, cd_state_label (CD_STATE_PAID));
}

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/gui/day/park-and-resume", test_park_and_resume);
  g_test_add_func ("/gui/day/paid-reopens-where-it-stopped", test_paid_reopens_where_it_stopped);
  g_test_add_func ("/gui/day/paid-unfinished-is-never-lost", test_paid_unfinished_is_never_lost);
  g_test_add_func ("/gui/day/signed-day-payment-needs-approval", test_signed_day_payment_needs_approval);
  g_test_add_func ("/gui/day/state-labels", test_state_labels);
  return g_test_run ();
}
