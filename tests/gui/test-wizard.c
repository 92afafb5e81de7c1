/* test-wizard.c: the acceptance wizard driven through its widgets under Xvfb. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-auth-dialog.h"
#include "cd-customer-completion.h"
#include "cd-fee-page.h"
#include "cd-price-store.h"
#include "cd-print-page.h"
#include "cd-report-signoff.h"
#include "cd-test-util.h"
#include "cd-wizard.h"

#define PROFILE "nmg-zfcg-sxca"
#define GOOD_USCC "91150100MA0N2K3L4T"
#define BAD_USCC "91150100MA0N2K3L4X"

static CdWizard *
new_wizard (CdContext *ctx, GtkWidget **out_window)
{
  CdWizard *wizard = cd_wizard_new (ctx);

  *out_window = cd_test_window (GTK_WIDGET (wizard));
  return wizard;
}

static void
next (GtkWidget *win)
{
  cd_test_click (win, "next_button");
}

static void
choose_profile (GtkWidget *win)
{
  cd_test_toggle (win, "profile_" PROFILE, TRUE);
  g_assert_true (cd_test_sensitive (win, "next_button"));
  next (win);
}

static void
fill_applicant (GtkWidget *win, const char *uscc)
{
  GtkWidget *role = cd_test_find (win, "role_combo");

  g_assert_true (gtk_combo_box_set_active_id (GTK_COMBO_BOX (role), "bidder"));
  cd_test_set_text (win, "unit_name", "内蒙古某某建设有限公司");
  cd_test_set_text (win, "unit_uscc", uscc);
  cd_test_set_text (win, "legal_name", "张法人");
  cd_test_set_text (win, "agent_name", "李经办");
  cd_test_set_text (win, "agent_id_number", "150102199003150023");
  cd_test_set_text (win, "agent_mobile", "13912345678");
}

static void
tick_all_materials (GtkWidget *win, CdWizard *wizard)
{
  CdDraft *draft = cd_wizard_get_draft (wizard);
  CdProfile *profile = cd_draft_get_profile (draft);
  CdApplication *app = cd_draft_get_app (draft);
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, NULL);

  for (guint i = 0; i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      g_autofree char *o = g_strdup_printf ("original_%s", m->code);
      g_autofree char *c = g_strdup_printf ("copy_%s", m->code);
      g_autofree char *s = g_strdup_printf ("stamped_%s", m->code);

      if (m->original)
        cd_test_toggle (win, o, TRUE);
      if (m->copy)
        cd_test_toggle (win, c, TRUE);
      if (m->copy && m->stamped)
        cd_test_toggle (win, s, TRUE);
      /* Scans come from the imaging module; here a file reference stands in for one. */
      if (m->scan)
        g_ptr_array_add (cd_application_get_material (app, m->code, TRUE)->scans, g_strdup ("scan-page-1.png"));
    }
  cd_draft_changed (draft);
  cd_test_iterate ();
}

static void
test_invalid_uscc_keeps_next_disabled (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  GtkWidget *error_label;

  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_cmpstr (cd_test_label (win, "reason_label"), !=, "");
  choose_profile (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "applicant");

  fill_applicant (win, BAD_USCC);
  g_assert_false (cd_test_sensitive (win, "next_button"));
  error_label = cd_test_find (win, "unit_uscc_error");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_true (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "T") != NULL);
  /* the error has its line: the fields below it stay where they were */
  {
    GtkWidget *below = cd_test_find (win, "unit_address");
    GtkAllocation before, after;

    cd_test_wait_ms (100);
    gtk_widget_get_allocation (below, &before);
    cd_test_set_text (win, "unit_uscc", GOOD_USCC);
    cd_test_wait_ms (100);
    gtk_widget_get_allocation (below, &after);
    g_assert_cmpint (before.y, ==, after.y);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "");
    cd_test_set_text (win, "unit_uscc", BAD_USCC);
  }
  g_assert_cmpstr (cd_test_label (win, "reason_label"), !=, "");
  g_test_message ("reason: %s", cd_test_label (win, "reason_label"));

  /* Enter does nothing while Next is disabled. */
  gtk_widget_grab_focus (cd_test_find (win, "agent_mobile"));
  gtk_widget_activate (cd_test_find (win, "agent_mobile"));
  cd_test_wait_ms (400);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "applicant");

  cd_test_set_text (win, "unit_uscc", GOOD_USCC);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "");
  g_assert_true (cd_test_sensitive (win, "next_button"));
  g_assert_cmpstr (cd_test_label (win, "reason_label"), ==, "");

  /* Enter in a field is Next; Alt+Left is Back. */
  gtk_widget_grab_focus (cd_test_find (win, "agent_mobile"));
  gtk_widget_activate (cd_test_find (win, "agent_mobile"));
  cd_test_wait_ms (400);   /* a button activated by Enter shows its press for a moment, then clicks */
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
  cd_test_key (win, GDK_KEY_Left, GDK_MOD1_MASK);
  cd_test_iterate ();
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "applicant");

  gtk_widget_destroy (win);
}

/* The seal samples come from the seals page's own tests; here the draft gets a chosen sample per form. */
static void
choose_samples (CdTestCounter *counter, CdWizard *wizard)
{
  CdDraft *draft = cd_wizard_get_draft (wizard);
  CdProfile *profile = cd_draft_get_profile (draft);
  g_autofree char *png = g_build_filename (counter->dir, "sample.png", NULL);

  g_assert_true (g_file_set_contents (png, "png", -1, NULL));
  for (guint i = 0; profile->collection_forms && profile->collection_forms[i]; i++)
    g_hash_table_insert (cd_draft_get_app (draft)->samples, g_strdup (profile->collection_forms[i]), g_strdup (png));
  cd_draft_changed (draft);
  cd_test_iterate ();
}

static gboolean
next_sensitive (gpointer win)
{
  return cd_test_sensitive (win, "next_button");
}

/* The print step: the documents "printed" to @name in the counter's folder, which unlocks Next. */
static void
print_documents (CdTestCounter *counter, GtkWidget *win, CdWizard *wizard, const char *name)
{
  g_autofree char *pdf = g_build_filename (counter->dir, name, NULL);

  cd_print_page_set_export_filename (CD_PRINT_PAGE (cd_wizard_get_page (wizard, "print")), pdf);
  cd_test_click (win, "print_button");
  g_assert_true (cd_test_wait (next_sensitive, win, 20000));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
}

static gboolean
burn_ready (gpointer win)
{
  GtkWidget *button = cd_test_find_visible (win, "burn_button");

  return button && gtk_widget_is_sensitive (button);
}

static gboolean
fee_page_idle (gpointer page)
{
  return !cd_fee_page_is_busy (page);
}

/* The payment is recorded in a thread (SQLite's check, payment and fsync off the window's thread): meanwhile
 * the fee page is busy, nothing on it can change the payment or record it twice, and Next waits. A refusal
 * comes back as before (here the price changed in Settings after the fee was shown: the core names the new
 * fee, nothing is paid, the button is back); then, the price restored and the step entered again, the
 * payment goes through. */
static void
test_payment_in_a_thread (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  GtkWidget *fee = cd_wizard_get_page (wizard, "fee");
  CdDraft *draft;
  CdPriceOverride price = { .business = (char *) "new", .variant = (char *) "standard", .item = (char *) "cert",
                            .amount_fen = 35000 };
  g_autoptr(GError) error = NULL;

  choose_profile (win);
  /* the term reads like a form: 0 shows the profile's own term, not "0 = default" */
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "years_spin"))), ==, "Default (1 year)");
  g_assert_cmpint (cd_draft_get_app (cd_wizard_get_draft (wizard))->years, ==, 0);
  gtk_spin_button_update (GTK_SPIN_BUTTON (cd_test_find (win, "years_spin")));   /* read back as 0 */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (cd_test_find (win, "years_spin"))), ==, 0);
  fill_applicant (win, GOOD_USCC);
  next (win);
  tick_all_materials (win, wizard);
  next (win);
  choose_samples (counter, wizard);
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  draft = cd_wizard_get_draft (wizard);
  g_assert_true (CD_IS_FEE_PAGE (fee));
  g_assert_false (cd_fee_page_is_busy (CD_FEE_PAGE (fee)));
  g_assert_nonnull (strstr (cd_test_label (win, "fee_total"), "300.00"));
  g_assert_true (cd_price_store_set (counter->ctx, PROFILE, &price, &error));
  g_assert_no_error (error);
  gtk_button_clicked (GTK_BUTTON (cd_test_find (win, "pay_button")));
  /* at once, before the main loop runs again: the thread has the payment */
  g_assert_true (cd_fee_page_is_busy (CD_FEE_PAGE (fee)));
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "pay_spinner")));
  g_assert_false (cd_test_sensitive (win, "pay_button"));
  g_assert_false (cd_test_sensitive (win, "method_combo"));
  g_assert_false (cd_test_sensitive (win, "invoice_check"));
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_true (cd_test_wait (fee_page_idle, fee, 20000));
  cd_test_iterate ();
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "pay_spinner")));
  g_assert_cmpint (cd_draft_get_state (draft), ==, CD_STATE_CHECKED);   /* the check passed and stays */
  g_test_message ("refused: %s", cd_test_label (win, "pay_status"));
  g_assert_nonnull (strstr (cd_test_label (win, "pay_status"), "350.00"));   /* the fee as it is now */
  g_assert_true (cd_test_sensitive (win, "pay_button"));
  g_assert_true (cd_test_sensitive (win, "method_combo"));
  g_assert_false (cd_test_sensitive (win, "next_button"));

  g_assert_true (cd_price_store_clear (counter->ctx, PROFILE, &price, &error));
  g_assert_no_error (error);
  cd_test_click (win, "back_button");
  cd_test_click (win, "next_button");
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  g_assert_nonnull (strstr (cd_test_label (win, "fee_total"), "300.00"));
  cd_test_pay (win);
  g_assert_false (cd_fee_page_is_busy (CD_FEE_PAGE (fee)));
  g_assert_cmpint (cd_draft_get_state (draft), ==, CD_STATE_PAID);
  g_assert_false (cd_test_sensitive (win, "pay_button"));
  g_assert_true (cd_test_sensitive (win, "next_button"));
  {
    g_autoptr(CdApplicationInfo) info = NULL;

    /* recorded on the worker's connection, seen on the window's */
    g_assert_true (cd_application_store_load (counter->ctx, cd_draft_get_id (draft), NULL, &info, &error));
    g_assert_no_error (error);
    g_assert_cmpint (info->state, ==, CD_STATE_PAID);
    g_assert_cmpint (info->fee_total_fen, ==, 30000);
  }
  gtk_widget_destroy (win);
}

static void
test_full_acceptance_to_paid (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *win, *tick;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  gint64 id;

  choose_profile (win);
  fill_applicant (win, GOOD_USCC);
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  tick_all_materials (win, wizard);
  g_assert_true (cd_test_sensitive (win, "next_button"));
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "seals");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  choose_samples (counter, wizard);
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  g_assert_cmpstr (cd_test_label (win, "fee_total"), !=, "");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  tick = cd_test_find (win, "original_application_form");
  g_assert_true (gtk_widget_is_sensitive (tick));
  g_assert_true (cd_test_sensitive (win, "scan_add_application_form"));
  cd_test_pay (win);
  g_test_message ("pay status: %s", cd_test_label (win, "pay_status"));
  g_assert_true (cd_test_sensitive (win, "next_button"));
  /* Paid: the checklist is read-only, the same rows made insensitive rather than built again. */
  cd_test_wait_ms (100);
  g_assert_true (cd_test_find (win, "original_application_form") == tick);
  g_assert_false (gtk_widget_is_sensitive (tick));
  g_assert_false (cd_test_sensitive (win, "scan_add_application_form"));

  id = cd_draft_get_id (cd_wizard_get_draft (wizard));
  g_assert_cmpint (id, >, 0);
  g_assert_true (cd_application_store_load (counter->ctx, id, NULL, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info->state, ==, CD_STATE_PAID);
  g_assert_cmpint (info->fee_total_fen, ==, 30000);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "application.create", id), ==, 1);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "application.state", id), ==, 2);   /* checked, paid */

  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "print");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_true (cd_test_wait ((gboolean (*) (gpointer)) cd_print_page_is_ready, cd_wizard_get_page (wizard, "print"),
                               20000));
  print_documents (counter, win, wizard, "wizard.pdf");
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "burn");
  /* The Issue step: the counter's own DEMO key (SoftHSM2 under its state folder) gets the certificate. */
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_true (cd_test_wait (burn_ready, win, 30000));
  cd_test_click (win, "burn_button");
  g_assert_true (cd_test_wait (next_sensitive, win, 120000));
  g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), ==, CD_STATE_ISSUED);
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "done");
  g_assert_nonnull (strstr (cd_test_label (win, "summary_label"), "内蒙古某某建设有限公司"));
  next (win);   /* next applicant */
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "business");
  g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), ==, 0);
  gtk_widget_destroy (win);
}

static void
test_destroy_and_resume (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GError) error = NULL;
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  gint64 id;

  choose_profile (win);
  cd_test_set_text (win, "unit_name", "包头某某科技有限公司");
  cd_test_set_text (win, "unit_uscc", BAD_USCC);
  cd_test_set_text (win, "agent_mobile", "13912345678");
  id = cd_draft_get_id (cd_wizard_get_draft (wizard));
  g_assert_cmpint (id, >, 0);
  /* Closed before the debounced save fired: nothing may be lost. */
  gtk_widget_destroy (win);
  cd_test_iterate ();

  wizard = new_wizard (counter->ctx, &win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "business");
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "applicant");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "unit_name"))), ==, "包头某某科技有限公司");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "unit_uscc"))), ==, BAD_USCC);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "agent_mobile"))), ==, "13912345678");
  g_assert_cmpstr (cd_test_label (win, "unit_uscc_error"), !=, "");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  gtk_widget_destroy (win);
}

static CdAuthDialog *
find_auth_dialog (void)
{
  return (CdAuthDialog *) cd_test_find_toplevel (CD_TYPE_AUTH_DIALOG, NULL);
}

static void
test_waiver_needs_supervisor (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdApplication) stored = NULL;
  GtkWidget *win, *dialog;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  gint64 id;

  choose_profile (win);
  fill_applicant (win, GOOD_USCC);
  next (win);
  id = cd_draft_get_id (cd_wizard_get_draft (wizard));

  /* The clerk's own password does not waive anything. */
  cd_test_click (win, "waive_power_of_attorney");
  dialog = GTK_WIDGET (find_auth_dialog ());
  g_assert_nonnull (dialog);
  cd_test_set_text (dialog, "auth_login", "wang");
  cd_test_set_text (dialog, "auth_password", CD_TEST_PASSWORD);
  cd_test_set_text (dialog, "auth_reason", "法人本人到场");
  cd_test_click (dialog, "auth_ok");
  g_assert_true (find_auth_dialog () == (CdAuthDialog *) dialog);
  g_assert_true (gtk_widget_get_visible (cd_test_find (dialog, "auth_error")));
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "material.waive", id), ==, 0);

  /* A wrong supervisor password neither. */
  cd_test_set_text (dialog, "auth_login", "boss");
  cd_test_set_text (dialog, "auth_password", "wrong-password");
  cd_test_click (dialog, "auth_ok");
  g_assert_nonnull (find_auth_dialog ());
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "material.waive", id), ==, 0);

  cd_test_set_text (dialog, "auth_password", CD_TEST_PASSWORD);
  cd_test_click (dialog, "auth_ok");
  g_assert_null (find_auth_dialog ());
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "material.waive", id), ==, 1);
  g_assert_true (cd_application_store_load (counter->ctx, id, &stored, NULL, NULL));
  g_assert_true (cd_application_get_material (stored, "power_of_attorney", FALSE)->waived);
  g_assert_true (cd_application_get_material (cd_draft_get_app (cd_wizard_get_draft (wizard)),
                                              "power_of_attorney", FALSE)->waived);
  /* The signed-in clerk is still the clerk. */
  g_assert_cmpstr (cd_context_get_actor (counter->ctx), ==, "clerk:wang");
  gtk_widget_destroy (win);
}

static void
test_unlock_has_no_seal_step (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);

  cd_test_toggle (win, "profile_" PROFILE, TRUE);
  cd_test_toggle (win, "business_unlock", TRUE);
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "step_seals")));
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "step_burn")));
  cd_test_toggle (win, "business_revoke", TRUE);
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "step_burn")));
  g_assert_nonnull (wizard);
  gtk_widget_destroy (win);
}

static CdAuthDialog *
find_adjustment_prompt (void)
{
  return (CdAuthDialog *) cd_test_find_toplevel (CD_TYPE_AUTH_DIALOG, "adjustment_dialog");
}

/* Once the day is signed off, the draft's changes are refused until a supervisor adjusts them with a reason;
 * then they are saved, audited as an adjustment, and the wizard goes on. */
static void
test_signed_day_needs_adjustment (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdClerk) boss = NULL;
  g_autoptr(CdApplication) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = cd_store_today (cd_context_get_store (counter->ctx));
  GtkWidget *win, *prompt;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  gint64 id;

  choose_profile (win);
  fill_applicant (win, GOOD_USCC);
  cd_wizard_flush (wizard);
  id = cd_draft_get_id (cd_wizard_get_draft (wizard));
  g_assert_true (cd_clerk_store_authorize (counter->ctx, "boss", CD_TEST_PASSWORD, CD_ROLE_SUPERVISOR, &boss, &error));
  /* the draft is still open: the sign-off says why */
  g_assert_true (cd_report_signoff_sign (counter->ctx, boss, cd_context_get_outlet_id (counter->ctx), today, 0,
                                         "草稿留待明日补办", NULL, &error));
  g_assert_no_error (error);

  cd_test_set_text (win, "unit_address", "呼和浩特市赛罕区");
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "applicant");
  g_assert_nonnull (strstr (cd_test_label (win, "reason_label"), today));
  prompt = GTK_WIDGET (find_adjustment_prompt ());
  g_assert_nonnull (prompt);
  /* a clerk cannot adjust */
  cd_test_set_text (prompt, "auth_login", "wang");
  cd_test_set_text (prompt, "auth_password", CD_TEST_PASSWORD);
  cd_test_set_text (prompt, "auth_reason", "客户补充地址");
  cd_test_click (prompt, "auth_ok");
  g_assert_true (find_adjustment_prompt () == (CdAuthDialog *) prompt);
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "adjustment", id), ==, 0);
  /* the supervisor does */
  cd_test_set_text (prompt, "auth_login", "boss");
  cd_test_set_text (prompt, "auth_password", CD_TEST_PASSWORD);
  cd_test_click (prompt, "auth_ok");
  g_assert_null (find_adjustment_prompt ());
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
  g_assert_cmpint (cd_test_audit_count (counter->ctx, "adjustment", id), >=, 1);
  g_assert_true (cd_application_store_load (counter->ctx, id, &stored, NULL, &error));
  g_assert_cmpstr (stored->unit->address, ==, "呼和浩特市赛罕区");
  gtk_widget_destroy (win);
}

/* A returning customer is offered while the clerk types the unit's name or USCC; choosing it fills the
 * applicant from the customer's last application. */
static void
test_returning_customer_autocompletion (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autofree char *fixture = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                               "app-nmg-new.json", NULL);
  g_autoptr(CdApplication) earlier = cd_application_load_file (fixture, NULL);
  g_autoptr(GError) error = NULL;
  CdCustomerCompletion *by_name, *by_uscc;
  GtkWidget *win;
  CdWizard *wizard;
  gint64 id;

  g_assert_nonnull (earlier);
  g_assert_true (cd_application_store_create (counter->ctx, earlier, TRUE, &id, &error));
  g_assert_no_error (error);
  wizard = new_wizard (counter->ctx, &win);
  choose_profile (win);
  by_name = CD_CUSTOMER_COMPLETION (gtk_entry_get_completion (GTK_ENTRY (cd_test_find (win, "unit_name"))));
  by_uscc = CD_CUSTOMER_COMPLETION (gtk_entry_get_completion (GTK_ENTRY (cd_test_find (win, "unit_uscc"))));

  /* typing offers the customer; text that matches nobody offers nothing */
  cd_test_set_text (win, "unit_name", "包头");
  g_assert_cmpuint (cd_customer_completion_count (by_name), ==, 0);
  cd_test_set_text (win, "unit_name", "内蒙古草原");
  g_assert_cmpuint (cd_customer_completion_count (by_name), ==, 1);
  cd_test_set_text (win, "unit_uscc", "91150100ma0n");
  g_assert_cmpuint (cd_customer_completion_count (by_uscc), ==, 1);

  cd_customer_completion_choose (by_uscc, 0);
  cd_test_iterate ();
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "unit_name"))), ==, "内蒙古草原建设工程有限公司");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "unit_uscc"))), ==, "91150100MA0N4X2B2D");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "legal_id_number"))), ==, "150102199003071237");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "agent_mobile"))), ==, "13804710002");
  g_assert_nonnull (strstr (cd_test_label (win, "returning_label"), "内蒙古草原建设工程有限公司"));
  /* filling the fields from the record offers nothing new, and the draft holds the customer's data */
  g_assert_cmpuint (cd_customer_completion_count (by_name), ==, 0);
  g_assert_cmpstr (cd_draft_get_app (cd_wizard_get_draft (wizard))->unit->uscc, ==, "91150100MA0N4X2B2D");
  g_assert_true (cd_test_sensitive (win, "next_button"));
  gtk_widget_destroy (win);
}

/* A rule a later step enforces stops the step where it can be fixed, before any payment: a unit name too long
 * for the certificate's CN on the applicant step (the field marked), an unknown certificate on the business
 * step (the serial marked). */
static void
test_preflight_stops_where_it_is_fixed (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GString) name = g_string_new (NULL);
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);
  GtkEntry *unit_name, *serial;

  choose_profile (win);
  fill_applicant (win, GOOD_USCC);
  g_assert_true (cd_test_sensitive (win, "next_button"));
  for (guint i = 0; i < 61; i++)
    g_string_append (name, "某");
  g_string_append (name, "有限公司");   /* 65 characters */
  cd_test_set_text (win, "unit_name", name->str);
  unit_name = GTK_ENTRY (cd_test_find (win, "unit_name"));
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_cmpstr (cd_test_label (win, "reason_label"), !=, "");
  g_assert_nonnull (gtk_entry_get_icon_name (unit_name, GTK_ENTRY_ICON_SECONDARY));
  g_test_message ("65 characters: %s", cd_test_label (win, "reason_label"));
  cd_test_set_text (win, "unit_name", "内蒙古某某建设有限公司");
  g_assert_true (cd_test_sensitive (win, "next_button"));
  g_assert_null (gtk_entry_get_icon_name (unit_name, GTK_ENTRY_ICON_SECONDARY));

  /* back on the business step: a renewal of a certificate nobody here knows */
  cd_test_key (win, GDK_KEY_Left, GDK_MOD1_MASK);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "business");
  cd_test_toggle (win, "business_renew", TRUE);
  cd_test_set_text (win, "serial_entry", "5A3F09C1D2E4");
  serial = GTK_ENTRY (cd_test_find (win, "serial_entry"));
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_nonnull (strstr (cd_test_label (win, "reason_label"), "5A3F09C1D2E4"));
  g_assert_nonnull (gtk_entry_get_icon_name (serial, GTK_ENTRY_ICON_SECONDARY));
  g_test_message ("unknown serial: %s", cd_test_label (win, "reason_label"));
  gtk_widget_destroy (win);
}

typedef struct {
  GtkWidget *win;
  CdWizard  *wizard;
} FocusCheck;

/* The keyboard focus is on a field of the current page that can be seen (not the page itself, not a field of
 * the page just left). */
static gboolean
focus_in_current_page (gpointer data)
{
  FocusCheck *fc = data;
  GtkWidget *page = cd_wizard_get_page (fc->wizard, cd_wizard_get_current_step (fc->wizard));
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (fc->win));

  return focus && focus != page && gtk_widget_is_drawable (focus) && gtk_widget_is_ancestor (focus, page);
}

static void
test_focus_follows_the_step (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  FocusCheck fc = { NULL, NULL };
  GtkWidget *focus, *profile_choice;

  fc.wizard = new_wizard (counter->ctx, &fc.win);
  profile_choice = cd_test_find (fc.win, "profile_" PROFILE);
  /* The first project choice has the focus; Tab goes on from one choice to the next. */
  g_assert_true (cd_test_wait (focus_in_current_page, &fc, 5000));
  focus = gtk_window_get_focus (GTK_WINDOW (fc.win));
  g_assert_true (GTK_IS_RADIO_BUTTON (focus));
  g_test_message ("business focus: %s", gtk_widget_get_name (focus));
  cd_test_key (fc.win, GDK_KEY_Tab, 0);
  g_assert_true (focus_in_current_page (&fc));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fc.win)) != focus);
  g_test_message ("then: %s", gtk_widget_get_name (gtk_window_get_focus (GTK_WINDOW (fc.win))));
  choose_profile (fc.win);
  /* the applicant's first field, the type, whatever the page's layout */
  g_assert_true (cd_test_wait (focus_in_current_page, &fc, 5000));
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (fc.win)), cd_test_find (fc.win, "type_combo")));
  fill_applicant (fc.win, GOOD_USCC);
  gtk_widget_grab_focus (cd_test_find (fc.win, "agent_mobile"));
  gtk_widget_activate (cd_test_find (fc.win, "agent_mobile"));
  cd_test_wait_ms (400);
  g_assert_cmpstr (cd_wizard_get_current_step (fc.wizard), ==, "materials");
  /* The checklist is built a few rows per frame; its first tick takes the focus once it is there. */
  g_assert_true (cd_test_wait (focus_in_current_page, &fc, 5000));
  focus = gtk_window_get_focus (GTK_WINDOW (fc.win));
  g_assert_cmpstr (gtk_widget_get_name (focus), ==, "original_application_form");
  /* Space ticks it, as at the counter. */
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (focus)));
  cd_test_key (fc.win, GDK_KEY_space, 0);
  cd_test_wait_ms (100);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (focus)));
  /* Tab walks through every row's ticks in order, then leaves the page for Next. */
  {
    g_autoptr(GPtrArray) seen = g_ptr_array_new ();
    GtkWidget *page = cd_wizard_get_page (fc.wizard, "materials");

    for (guint i = 0; i < 60 && gtk_widget_is_ancestor (focus, page); i++)
      {
        g_ptr_array_add (seen, (gpointer) gtk_widget_get_name (focus));
        cd_test_key (fc.win, GDK_KEY_Tab, 0);
        focus = gtk_window_get_focus (GTK_WINDOW (fc.win));
        g_assert_nonnull (focus);
        g_assert_true (gtk_widget_is_drawable (focus));
      }
    g_autofree char *order = NULL;
    guint first, copy, stamped;

    g_ptr_array_add (seen, NULL);
    order = g_strjoinv (" ", (char **) seen->pdata);
    g_test_message ("Tab order: %s", order);
    g_assert_true (g_ptr_array_find_with_equal_func (seen, "original_application_form", g_str_equal, &first));
    g_assert_true (g_ptr_array_find_with_equal_func (seen, "copy_business_licence", g_str_equal, &copy));
    g_assert_true (g_ptr_array_find_with_equal_func (seen, "stamped_business_licence", g_str_equal, &stamped));
    g_assert_cmpuint (first, ==, 0);
    g_assert_cmpuint (copy, <, stamped);
    g_assert_false (gtk_widget_is_ancestor (focus, page));
  }

  cd_test_key (fc.win, GDK_KEY_Left, GDK_MOD1_MASK);
  cd_test_iterate ();
  g_assert_cmpstr (cd_wizard_get_current_step (fc.wizard), ==, "applicant");
  /* back where the clerk left the page */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fc.win)) == cd_test_find (fc.win, "agent_mobile"));
  next (fc.win);
  g_assert_cmpstr (cd_wizard_get_current_step (fc.wizard), ==, "materials");
  g_assert_true (cd_test_wait (focus_in_current_page, &fc, 5000));

  /* Back at the start: the same choices, not built again, the project chosen still active. */
  cd_test_key (fc.win, GDK_KEY_Left, GDK_MOD1_MASK);
  cd_test_key (fc.win, GDK_KEY_Left, GDK_MOD1_MASK);
  g_assert_cmpstr (cd_wizard_get_current_step (fc.wizard), ==, "business");
  g_assert_true (cd_test_find (fc.win, "profile_" PROFILE) == profile_choice);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (profile_choice)));
  g_assert_true (focus_in_current_page (&fc));
  gtk_widget_destroy (fc.win);
}

/* Every field of a step can be reached with Tab from where the step puts the focus, and Tab goes round the
 * window without getting stuck: the whole acceptance works with the keyboard alone. Of a radio group or of a
 * list whose rows take the focus, Tab reaches one member (the active or selected one) and the arrow keys the
 * others, as everywhere in GTK. */
static gboolean print_ready (gpointer wizard);

/* Every field of the step can be reached with Tab from where the step puts the focus. */
static void
assert_tab_reaches_every_field (GtkWidget *win, CdWizard *wizard)
{
  const char *step = cd_wizard_get_current_step (wizard);
  GtkWidget *page = cd_wizard_get_page (wizard, step);

  cd_test_wait_ms (150);   /* rows built after the step is shown */
  /* the done step has nothing to fill in (its summary can be selected with the mouse, not with Tab, or it
   * would arrive all selected): Enter there is the next applicant */
  if (g_str_equal (step, "done"))
    {
      g_assert_true (gtk_window_get_focus (GTK_WINDOW (win)) == cd_test_find (win, "next_button"));
      return;
    }
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (win)), page));
  cd_test_assert_tab_round (win, page, step);
}

static void
test_tab_reaches_every_field (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);

  assert_tab_reaches_every_field (win, wizard);
  choose_profile (win);
  assert_tab_reaches_every_field (win, wizard);
  fill_applicant (win, GOOD_USCC);
  next (win);
  assert_tab_reaches_every_field (win, wizard);
  tick_all_materials (win, wizard);
  next (win);
  assert_tab_reaches_every_field (win, wizard);
  choose_samples (counter, wizard);
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  assert_tab_reaches_every_field (win, wizard);
  cd_test_pay (win);
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "print");
  g_assert_true (cd_test_wait (print_ready, wizard, 20000));
  assert_tab_reaches_every_field (win, wizard);
  print_documents (counter, win, wizard, "tab.pdf");
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "burn");
  g_assert_true (cd_test_wait (burn_ready, win, 30000));
  assert_tab_reaches_every_field (win, wizard);
  cd_test_click (win, "burn_button");
  g_assert_true (cd_test_wait (next_sensitive, win, 120000));
  assert_tab_reaches_every_field (win, wizard);   /* the outcome: PIN slip, print again */
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "done");
  assert_tab_reaches_every_field (win, wizard);
  gtk_widget_destroy (win);
}

/* Switching steps must never hold the main loop up for more than a frame (16 ms). Each switch is measured
 * with the loop's longest gap around it, including the layout and drawing of the new page and, for the print
 * step, the documents arriving from their thread. Three fresh applications; per switch the least of the
 * three counts, so a moment the machine gave to another process is not blamed on the wizard. */
typedef struct {
  CdTestProbe *probe;
  GArray      *gaps;   /* gint64 µs, one per switch, in order */
  GArray      *cpus;   /* gint64 µs: the main thread's CPU time in the longest busy stretch, per switch */
  GPtrArray   *names;
} Switches;

static void
switch_done (Switches *sw, const char *name, gboolean (*until) (gpointer), gpointer data)
{
  gint64 gap, cpu;

  if (until)
    g_assert_true (cd_test_wait (until, data, 20000));
  gap = cd_test_probe_max_gap (sw->probe, 60);
  cpu = cd_test_probe_max_cpu (sw->probe);
  g_array_append_val (sw->gaps, gap);
  g_array_append_val (sw->cpus, cpu);
  if (sw->names->len < sw->gaps->len)
    g_ptr_array_add (sw->names, g_strdup (name));
}

static gboolean
payment_back (gpointer wizard)
{
  return !cd_fee_page_is_busy (CD_FEE_PAGE (cd_wizard_get_page (wizard, "fee")));
}

static gboolean
print_ready (gpointer wizard)
{
  return cd_print_page_is_ready (CD_PRINT_PAGE (cd_wizard_get_page (wizard, "print")));
}

static void
switch_cycle (CdTestCounter *counter, CdWizard *wizard, GtkWidget *win, Switches *sw)
{
  static const char *const back_to[] = { "fee", "seals", "materials", "applicant", "business" };
  static const char *const forth_to[] = { "applicant", "materials", "seals", "fee", "print" };

  sw->probe = cd_test_probe_new ();
#define SWITCH(action, name, until) \
  G_STMT_START { cd_test_probe_reset (sw->probe, 40); action; switch_done (sw, name, until, wizard); } G_STMT_END
  /* the next applicant, as the done step's button does */
  SWITCH ((cd_wizard_start_new (wizard), cd_test_iterate ()), "next applicant", NULL);
  cd_test_toggle (win, "profile_" PROFILE, TRUE);
  SWITCH (next (win), "business → applicant", NULL);
  fill_applicant (win, GOOD_USCC);
  SWITCH (next (win), "applicant → materials", NULL);
  tick_all_materials (win, wizard);
  SWITCH (next (win), "materials → seals", NULL);
  choose_samples (counter, wizard);
  SWITCH (next (win), "seals → fee", NULL);
  /* the payment is recorded in a thread: the switch lasts until it is back and the page shows it */
  SWITCH (cd_test_click (win, "pay_button"), "payment recorded", payment_back);
  SWITCH (next (win), "fee → print (documents rendered)", print_ready);
  for (guint i = 0; i < G_N_ELEMENTS (back_to); i++)
    {
      g_autofree char *name = g_strdup_printf ("back to %s", back_to[i]);
      SWITCH (cd_test_click (win, "back_button"), name, NULL);
      g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, back_to[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (forth_to); i++)
    {
      g_autofree char *name = g_strdup_printf ("again to %s", forth_to[i]);
      SWITCH (next (win), name, i + 1 == G_N_ELEMENTS (forth_to) ? print_ready : NULL);
      g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, forth_to[i]);
    }
#undef SWITCH
  g_clear_pointer (&sw->probe, cd_test_probe_free);
}

static void
test_step_switch_within_a_frame (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(GArray) best = NULL;
  g_autoptr(GArray) best_cpu = NULL;
  Switches sw = { NULL, NULL, NULL, g_ptr_array_new_with_free_func (g_free) };
  /* The target is one frame (16 ms of wall clock, enforced by the gui-step-switch benchmark in a release build
   * on an idle machine, which sets CD_STEP_SWITCH_LIMIT_MS). The suite runs next to other tests on two cores,
   * where the wall clock measures the neighbours as much as the wizard (a load of 12 made 70 ms of a switch
   * that took 8 ms of the main thread's CPU): there it guards against regressions (a page rebuilt on every
   * entry, a hidden widget drawn) on the main thread's CPU time, with two frames; under AddressSanitizer,
   * which makes GTK's layout and drawing two to three times slower, with five. */
#if defined(__SANITIZE_ADDRESS__)
  const gint64 suite_limit = 5 * 16000;
#else
  const gint64 suite_limit = 2 * 16000;
#endif
  const char *limit_env = g_getenv ("CD_STEP_SWITCH_LIMIT_MS");
  const gint64 limit = limit_env ? g_ascii_strtoll (limit_env, NULL, 10) * 1000 : suite_limit;
  gint64 worst = 0, worst_cpu = 0;
  guint worst_i = 0, n = 0;
  GtkWidget *win;
  CdWizard *wizard = new_wizard (counter->ctx, &win);

  /* One wizard, three applicants one after the other, as at the counter. */
  for (guint cycle = 0; cycle < 3; cycle++)
    {
      sw.gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
      sw.cpus = g_array_new (FALSE, FALSE, sizeof (gint64));
      switch_cycle (counter, wizard, win, &sw);
      if (!best)
        best = g_array_copy (sw.gaps), best_cpu = g_array_copy (sw.cpus);
      g_assert_cmpuint (sw.gaps->len, ==, best->len);
      for (guint i = 0; i < best->len; i++)
        {
          g_array_index (best, gint64, i) = MIN (g_array_index (best, gint64, i), g_array_index (sw.gaps, gint64, i));
          g_array_index (best_cpu, gint64, i) = MIN (g_array_index (best_cpu, gint64, i),
                                                     g_array_index (sw.cpus, gint64, i));
        }
      g_array_unref (sw.gaps);
      g_array_unref (sw.cpus);
    }
  /* the wall-clock gap is what the clerk sees and what is judged; the CPU time of the main thread beside it
   * says how much of it the wizard and GTK spent, when other processes share the cores */
  for (guint i = 0; i < best->len; i++, n++)
    {
      gint64 gap = g_array_index (best, gint64, i);

      g_print ("# step switch %-36s %6.1f ms  (main-thread CPU %5.1f ms)\n", (const char *) sw.names->pdata[i],
               gap / 1000.0, g_array_index (best_cpu, gint64, i) / 1000.0);
      if (gap > worst)
        worst = gap, worst_i = i;
      worst_cpu = MAX (worst_cpu, g_array_index (best_cpu, gint64, i));
    }
  g_print ("# step switch: longest main-loop block %.1f ms (%s) over %u switches (main-thread CPU at most %.1f ms); peer: one frame at 60 Hz = 16.0 ms; this "
           "run's limit %.0f ms on the %s\n", worst / 1000.0, (const char *) sw.names->pdata[worst_i], n,
           worst_cpu / 1000.0, limit / 1000.0, limit_env ? "wall clock" : "main thread's CPU time");
  gtk_widget_destroy (win);
  g_assert_cmpint (limit_env ? worst : worst_cpu, <=, limit);
  g_ptr_array_unref (sw.names);
}

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/gui/wizard/invalid-uscc-keeps-next-disabled", test_invalid_uscc_keeps_next_disabled);
  g_test_add_func ("/gui/wizard/full-acceptance-to-paid", test_full_acceptance_to_paid);
  g_test_add_func ("/gui/wizard/payment-in-a-thread", test_payment_in_a_thread);
  g_test_add_func ("/gui/wizard/destroy-and-resume", test_destroy_and_resume);
  g_test_add_func ("/gui/wizard/waiver-needs-supervisor", test_waiver_needs_supervisor);
  g_test_add_func ("/gui/wizard/unlock-has-no-seal-step", test_unlock_has_no_seal_step);
  g_test_add_func ("/gui/wizard/signed-day-needs-adjustment", test_signed_day_needs_adjustment);
  g_test_add_func ("/gui/wizard/returning-customer-autocompletion", test_returning_customer_autocompletion);
  g_test_add_func ("/gui/wizard/preflight-stops-where-it-is-fixed", test_preflight_stops_where_it_is_fixed);
  g_test_add_func ("/gui/wizard/focus-follows-the-step", test_focus_follows_the_step);
  g_test_add_func ("/gui/wizard/tab-reaches-every-field", test_tab_reaches_every_field);
  g_test_add_func ("/gui/wizard/step-switch-within-a-frame", test_step_switch_within_a_frame);
  return g_test_run ();
}
