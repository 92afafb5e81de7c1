/* test-wizard.c: the acceptance wizard driven through its widgets under Xvfb. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-auth-dialog.h"
#include "cd-print-page.h"
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
  g_assert_cmpstr (cd_test_label (win, "reason_label"), !=, "");
  g_test_message ("reason: %s", cd_test_label (win, "reason_label"));

  /* Enter does nothing while Next is disabled. */
  gtk_widget_activate (cd_test_find (win, "agent_mobile"));
  cd_test_wait_ms (400);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "applicant");

  cd_test_set_text (win, "unit_uscc", GOOD_USCC);
  g_assert_false (gtk_widget_get_visible (error_label));
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

static gboolean
next_sensitive (gpointer win)
{
  return cd_test_sensitive (win, "next_button");
}

static gboolean
burn_ready (gpointer win)
{
  GtkWidget *button = cd_test_find_visible (win, "burn_button");

  return button && gtk_widget_is_sensitive (button);
}

static void
test_full_acceptance_to_paid (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *win;
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
  /* The seal samples come from the seals page's own tests; here the draft gets a chosen sample per form. */
  g_assert_false (cd_test_sensitive (win, "next_button"));
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
  next (win);
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  g_assert_cmpstr (cd_test_label (win, "fee_total"), !=, "");
  g_assert_false (cd_test_sensitive (win, "next_button"));
  cd_test_click (win, "pay_button");
  g_test_message ("pay status: %s", cd_test_label (win, "pay_status"));
  g_assert_true (cd_test_sensitive (win, "next_button"));

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
  {
    GtkWidget *pp = cd_wizard_get_page (wizard, "print");
    g_autofree char *pdf = g_build_filename (counter->dir, "wizard.pdf", NULL);

    g_assert_false (cd_test_sensitive (win, "next_button"));
    g_assert_true (cd_test_wait ((gboolean (*) (gpointer)) cd_print_page_is_ready, pp, 20000));
    cd_print_page_set_export_filename (CD_PRINT_PAGE (pp), pdf);
    cd_test_click (win, "print_button");
    g_assert_true (cd_test_wait (next_sensitive, win, 20000));
    g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  }
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
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "unit_uscc_error")));
  g_assert_false (cd_test_sensitive (win, "next_button"));
  gtk_widget_destroy (win);
}

static CdAuthDialog *
find_auth_dialog (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (CD_IS_AUTH_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
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

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/gui/wizard/invalid-uscc-keeps-next-disabled", test_invalid_uscc_keeps_next_disabled);
  g_test_add_func ("/gui/wizard/full-acceptance-to-paid", test_full_acceptance_to_paid);
  g_test_add_func ("/gui/wizard/destroy-and-resume", test_destroy_and_resume);
  g_test_add_func ("/gui/wizard/waiver-needs-supervisor", test_waiver_needs_supervisor);
  g_test_add_func ("/gui/wizard/unlock-has-no-seal-step", test_unlock_has_no_seal_step);
  return g_test_run ();
}
