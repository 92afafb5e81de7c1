/* test-screenshots.c: every page at 1366×768 in Simplified Chinese, saved to the build folder. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-auth-dialog.h"
#include "cd-login-window.h"
#include "cd-main-window.h"
#include "cd-test-util.h"
#include "cd-wizard-page.h"

static void
test_login_windows (void)
{
  g_autofree char *dir = g_dir_make_tmp ("certdesk-shot-XXXXXX", NULL);
  g_autoptr(CdContext) ctx = cd_context_new (dir, NULL, NULL);
  GtkWidget *win = GTK_WIDGET (cd_login_window_new (NULL, ctx));

  gtk_window_move (GTK_WINDOW (win), 0, 0);
  gtk_widget_show (win);
  cd_test_set_text (win, "outlet_code_entry", "HHHT01");
  cd_test_set_text (win, "outlet_name_entry", "呼和浩特政务服务中心受理点");
  cd_test_set_text (win, "outlet_region_entry", "内蒙古自治区");
  cd_test_set_text (win, "setup_login_entry", "zhao");
  cd_test_screenshot (win, "login-first-run");
  gtk_widget_destroy (win);
  g_assert_true (cd_clerk_store_setup (ctx, "HHHT01", "呼和浩特受理点", "内蒙古", "zhao", "赵主管", CD_TEST_PASSWORD,
                                       NULL, NULL));
  win = GTK_WIDGET (cd_login_window_new (NULL, ctx));
  gtk_window_move (GTK_WINDOW (win), 0, 0);
  gtk_widget_show (win);
  cd_test_set_text (win, "login_entry", "zhao");
  cd_test_screenshot (win, "login");
  gtk_widget_destroy (win);
}

static void
fill_applicant (GtkWidget *win)
{
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (cd_test_find (win, "role_combo")), "bidder");
  cd_test_set_text (win, "unit_name", "内蒙古草原建设工程有限公司");
  cd_test_set_text (win, "unit_uscc", "91150100MA0N2K3L4X");
  cd_test_set_text (win, "unit_address", "呼和浩特市赛罕区敕勒川大街1号");
  cd_test_set_text (win, "unit_postcode", "010010");
  cd_test_set_text (win, "unit_phone", "0471-6612345");
  cd_test_set_text (win, "legal_name", "张建国");
  cd_test_set_text (win, "agent_name", "李晓梅");
  cd_test_set_text (win, "agent_id_number", "150102199003150023");
  cd_test_set_text (win, "agent_mobile", "1391234567");
  cd_test_set_text (win, "invoice_title", "内蒙古草原建设工程有限公司");
  cd_test_set_text (win, "invoice_taxpayer", "91150100MA0N2K3L4T");   /* an invoice is paid for only with both */
  cd_test_set_text (win, "invoice_email", "caiwu@example.cn");
}

/* What a clerk mistypes into the applicant step at 1366×768 in Chinese (a wrong check character, too short or
 * too long, a letter O for a zero, a space, an emoji, a full-width letter): every field's error line says it
 * whole, never cut off with an ellipsis. Fields hidden for the applicant type are skipped. */
static void
field_errors_read_whole (GtkWidget *win)
{
  static const struct {
    const char *entry;
    const char *text;
  } bad[] = {
    { "unit_uscc", "91150100MA0N2K3L4X" },
    { "unit_uscc", "91150100MA0N2K3L4" },
    { "unit_uscc", "91150100MA0N2K3L4T😀" },
    { "unit_postcode", "01001O" },
    { "unit_postcode", "0100 10" },
    { "unit_email", "zhang@@example" },
    { "legal_id_number", "150102199003150024" },
    { "legal_id_number", "150102199013350023" },
    { "legal_id_number", "1501021990031500😀" },
    { "legal_mobile", "1391234567" },
    { "legal_mobile", "23912345678" },
    { "agent_id_number", "15010219900315002Ｘ" },
    { "agent_id_number", "1501021990031500a3" },
    { "agent_mobile", "139 1234 5678 0" },
    { "agent_email", "李晓梅@example" },
    { "invoice_taxpayer", "123" },
    { "invoice_taxpayer", "91150100MA0N2K3L4X" },
    { "invoice_taxpayer", "9115010😀0MA0N2K3L4T" },
    { "invoice_email", "a b@example.cn" },
  };

  g_autoptr(GString) cut = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GtkEntry *entry = GTK_ENTRY (cd_test_find (win, bad[i].entry));
      g_autofree char *was = g_strdup (gtk_entry_get_text (entry));
      g_autofree char *label_name = g_strconcat (bad[i].entry, "_error", NULL);
      GtkLabel *label = GTK_LABEL (cd_test_find (win, label_name));
      PangoLayout *layout;

      if (!gtk_widget_get_mapped (GTK_WIDGET (entry)))
        continue;
      gtk_entry_set_text (entry, bad[i].text);
      cd_test_iterate ();
      cd_test_screenshot (win, "wizard-2-applicant-bad-input");   /* waits until the new line is laid out */
      layout = gtk_label_get_layout (label);
      g_test_message ("%s “%s”: %s (%d lines, %d px)", bad[i].entry, bad[i].text, gtk_label_get_text (label),
                      pango_layout_get_line_count (layout), gtk_widget_get_allocated_width (GTK_WIDGET (label)));
      g_assert_cmpstr (gtk_label_get_text (label), !=, "");
      if (pango_layout_is_ellipsized (layout))
        g_string_append_printf (cut, "\n  %s “%s”: %s", bad[i].entry, bad[i].text, gtk_label_get_text (label));
      gtk_entry_set_text (entry, was);
      cd_test_iterate ();
    }
  if (cut->len)
    g_error ("error lines cut off at 1366×768:%s", cut->str);
}

static void
collect_mnemonics (GtkWidget *widget, gpointer data)
{
  GHashTable *seen = data;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)) != GDK_KEY_VoidSymbol)
    {
      guint key = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)));
      GString *labels = g_hash_table_lookup (seen, GUINT_TO_POINTER (key));

      if (!labels)
        g_hash_table_insert (seen, GUINT_TO_POINTER (key), (labels = g_string_new (NULL)));
      g_string_append_printf (labels, "%s“%s”", labels->len ? ", " : "", gtk_label_get_text (GTK_LABEL (widget)));
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_mnemonics, data);
}

static void
free_labels (gpointer s)
{
  g_string_free (s, TRUE);
}

/* In Chinese the applicant step's Alt+letter reaches one field each, whatever the applicant type: Alt+L went
 * round the legal person, the agent's mobile and the agent's e-mail, Alt+R and Alt+T round two fields each. */
static void
applicant_mnemonics_unique (GtkWidget *win)
{
  GtkComboBox *type = GTK_COMBO_BOX (cd_test_find (win, "type_combo"));
  GtkTreeModel *types = gtk_combo_box_get_model (type);
  g_autofree char *was = g_strdup (gtk_combo_box_get_active_id (type));
  g_autoptr(GString) clashes = g_string_new (NULL);
  GtkTreeIter iter;

  for (gboolean ok = gtk_tree_model_get_iter_first (types, &iter); ok; ok = gtk_tree_model_iter_next (types, &iter))
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (NULL, NULL, NULL, free_labels);
      GtkWidget *page = gtk_widget_get_ancestor (cd_test_find (win, "unit_name"), CD_TYPE_WIZARD_PAGE);
      GHashTableIter it;
      gpointer key, labels;

      gtk_combo_box_set_active_iter (type, &iter);
      cd_test_iterate ();
      collect_mnemonics (page, seen);
      g_hash_table_iter_init (&it, seen);
      while (g_hash_table_iter_next (&it, &key, &labels))
        if (strchr (((GString *) labels)->str, ','))
          g_string_append_printf (clashes, "\n  %s: Alt+%s goes round %s", gtk_combo_box_get_active_id (type),
                                  gdk_keyval_name (GPOINTER_TO_UINT (key)), ((GString *) labels)->str);
    }
  g_assert_true (gtk_combo_box_set_active_id (type, was));
  cd_test_iterate ();
  if (clashes->len)
    g_error ("one Alt+letter for several fields of the applicant step:%s", clashes->str);
}

static void
collect_cut_placeholders (GtkWidget *widget, gpointer data)
{
  GString *cut = data;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_ENTRY (widget) && gtk_entry_get_placeholder_text (GTK_ENTRY (widget))
      && !*gtk_entry_get_text (GTK_ENTRY (widget)))
    {
      const char *hint = gtk_entry_get_placeholder_text (GTK_ENTRY (widget));
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, hint);
      GdkRectangle area;
      int width;

      gtk_entry_get_text_area (GTK_ENTRY (widget), &area);
      pango_layout_get_pixel_size (layout, &width, NULL);
      if (width > area.width)
        g_string_append_printf (cut, "\n  %s: “%s” needs %d px, has %d", gtk_widget_get_name (widget), hint, width,
                                area.width);
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_cut_placeholders, data);
}

/* A field's hint (its placeholder) is read whole at 1366×768 in Chinese, not cut off at the field's end. */
static void
assert_placeholders_fit (GtkWidget *win, const char *where)
{
  g_autoptr(GString) cut = g_string_new (NULL);

  collect_cut_placeholders (win, cut);
  if (cut->len)
    g_error ("%s: hints cut off:%s", where, cut->str);
}

/* The longest line of the applicant step, a USCC that does not fit the applicant type, is read whole at
 * 1366×768 in the main window (two lines reserved for it, not cut off) and moves no field below it. */
static void
uscc_warning_fits (GtkWidget *win)
{
  GtkComboBox *type = GTK_COMBO_BOX (cd_test_find (win, "type_combo"));
  g_autofree char *was = g_strdup (gtk_combo_box_get_active_id (type));
  GtkLabel *warning = GTK_LABEL (cd_test_find (win, "unit_uscc_error"));
  GtkWidget *address = cd_test_find (win, "unit_address");
  GtkAllocation before, after;
  int x, y_before, y_after;

  g_assert_cmpstr (gtk_label_get_text (warning), ==, "");
  gtk_widget_get_allocation (address, &before);
  g_assert_true (gtk_widget_translate_coordinates (address, win, 0, 0, &x, &y_before));
  g_assert_true (gtk_combo_box_set_active_id (type, "institution"));
  cd_test_wait_ms (50);
  g_test_message ("USCC warning: %s", gtk_label_get_text (warning));
  g_assert_nonnull (strstr (gtk_label_get_text (warning), "91"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (warning)));
  cd_test_screenshot (win, "wizard-2-applicant-uscc-warning");
  g_test_message ("warning: %d lines, %d px wide", pango_layout_get_line_count (gtk_label_get_layout (warning)),
                  gtk_widget_get_allocated_width (GTK_WIDGET (warning)));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (warning)));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (warning)), <=, 2);
  gtk_widget_get_allocation (address, &after);
  g_assert_true (gtk_widget_translate_coordinates (address, win, 0, 0, &x, &y_after));
  g_assert_cmpint (y_after, ==, y_before);
  g_assert_cmpint (after.height, ==, before.height);
  g_assert_true (gtk_combo_box_set_active_id (type, was));
  cd_test_iterate ();
  g_assert_cmpstr (gtk_label_get_text (warning), ==, "");
}

static void
test_main_window_pages (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = cd_clerk_store_lookup (counter->ctx, cd_context_get_clerk_id (counter->ctx), NULL);
  CdMainWindow *main = cd_main_window_new (NULL, counter->ctx, clerk);
  GtkWidget *win = cd_test_window (GTK_WIDGET (main));
  CdWizard *wizard = cd_main_window_get_wizard (main);
  CdDraft *draft = cd_wizard_get_draft (wizard);
  GtkNotebook *notebook;
  GList *tops;

  cd_test_screenshot (win, "wizard-1-business-empty");
  cd_test_toggle (win, "profile_nmg-zfcg-sxca", TRUE);
  cd_test_screenshot (win, "wizard-1-business");
  assert_placeholders_fit (win, "wizard-1-business");
  cd_wizard_next (wizard);
  cd_test_iterate ();
  fill_applicant (win);
  cd_test_screenshot (win, "wizard-2-applicant-errors");
  cd_test_set_text (win, "unit_uscc", "91150100MA0N2K3L4T");
  cd_test_set_text (win, "agent_mobile", "13912345678");
  cd_test_screenshot (win, "wizard-2-applicant");
  field_errors_read_whole (win);
  applicant_mnemonics_unique (win);
  uscc_warning_fits (win);
  cd_wizard_next (wizard);
  cd_test_iterate ();
  cd_test_toggle (win, "original_application_form", TRUE);
  cd_test_toggle (win, "copy_business_licence", TRUE);
  cd_test_screenshot (win, "wizard-3-materials");

  /* A supervisor's waiver dialog over the materials. */
  cd_test_click (win, "waive_power_of_attorney");
  tops = gtk_window_list_toplevels ();
  for (GList *l = tops; l; l = l->next)
    if (CD_IS_AUTH_DIALOG (l->data))
      {
        cd_test_set_text (l->data, "auth_login", "boss");
        cd_test_set_text (l->data, "auth_reason", "法定代表人本人到场办理");
        cd_test_screenshot (l->data, "dialog-waiver");
        gtk_widget_destroy (l->data);
      }
  g_list_free (tops);

  /* The remaining ticks and scans (scans come from the imaging module). */
  {
    CdApplication *app = cd_draft_get_app (draft);
    const char *codes[] = { "application_form", "power_of_attorney", "collection_form", "business_licence" };
    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      {
        CdMaterialMark *m = cd_application_get_material (app, codes[i], TRUE);
        m->original_seen = m->copy = m->stamped = TRUE;
        g_ptr_array_add (m->scans, g_strdup ("scan.png"));
      }
    cd_draft_changed (draft);
    cd_draft_reload (draft, NULL);
  }
  cd_wizard_next (wizard);
  cd_test_iterate ();
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "seals");
  cd_test_screenshot (win, "wizard-4-seals-placeholder");
  /* Each screenshot shows the step it is named after: the walk used to stop at the seals step unnoticed, and
   * "wizard-5-fee" and "wizard-8-done" showed the seals page. */
  cd_test_choose_samples (counter, wizard);
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "fee");
  cd_test_screenshot (win, "wizard-5-fee");
  assert_placeholders_fit (win, "wizard-5-fee");
  cd_test_pay (win);
  cd_test_screenshot (win, "wizard-5-fee-paid");
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "print");
  g_assert_true (cd_test_print_documents (counter, win, wizard, "wizard-6-print"));
  cd_test_screenshot (win, "wizard-6-print");
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "burn");
  cd_test_screenshot (win, "wizard-7-issue");
  assert_placeholders_fit (win, "wizard-7-issue");
  g_assert_true (cd_test_burn (win, 120000));
  cd_test_screenshot (win, "wizard-7-issue-done");
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "done");
  cd_test_screenshot (win, "wizard-8-done");

  g_assert_true (cd_main_window_show_section (main, "today"));
  cd_test_iterate ();
  cd_test_screenshot (win, "today");
  assert_placeholders_fit (win, "Today's applications");
  g_assert_true (cd_main_window_show_section (main, "settings"));
  cd_test_iterate ();
  notebook = GTK_NOTEBOOK (cd_test_find (win, "settings_notebook"));
  for (int i = 0; i < gtk_notebook_get_n_pages (notebook); i++)
    {
      g_autofree char *name = g_strdup_printf ("settings-%d", i + 1);
      gtk_notebook_set_current_page (notebook, i);
      cd_test_iterate ();
      cd_test_screenshot (win, name);
      assert_placeholders_fit (win, name);
    }
  g_assert_true (cd_main_window_show_section (main, "print"));
  cd_test_screenshot (win, "print-queue");
  gtk_widget_destroy (win);
}

/* The certificate step of a revocation (after a new certificate for the same customer): the page, its
 * confirmation naming the certificate and the holder, the outcome and the Done page. */
static gboolean
action_ready (gpointer win)
{
  return cd_test_sensitive (win, "action_button");
}

static void
on_revoke_page_cb (GtkWidget *win, const char *where, const char *shot, gpointer data)
{
  GtkWidget *dialog;

  if (g_str_has_suffix (shot, "-action-outcome"))
    cd_test_screenshot (win, "wizard-7-certificate-revoked");
  if (!g_str_has_suffix (shot, "-action"))
    return;
  g_assert_true (cd_test_wait (action_ready, win, 30000));
  cd_test_screenshot (win, "wizard-7-certificate-revoke");
  assert_placeholders_fit (win, "wizard-7-certificate-revoke");
  cd_test_click (win, "action_button");
  cd_test_iterate ();
  dialog = cd_test_find_toplevel (GTK_TYPE_DIALOG, "action_confirm_dialog");
  g_assert_nonnull (dialog);
  cd_test_screenshot (dialog, "dialog-revoke-confirm");
  /* cancelled: nothing done, the step waits for the button again */
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  cd_test_iterate ();
  g_assert_null (cd_test_find_toplevel (GTK_TYPE_DIALOG, "action_confirm_dialog"));
  g_assert_false (cd_test_sensitive (win, "next_button"));
}

static void
test_certificate_step (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  CdProfile *profile = cd_context_lookup_profile (counter->ctx, "nmg-zfcg-sxca", NULL);
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  CdTestCustomer customer = { 0, NULL, NULL, NULL };
  g_autofree char *ended = NULL;
  g_autofree char *revoked = NULL;

  cd_test_price_everything (counter->ctx, 5000);
  ended = cd_test_walk_business (counter, wizard, win, profile, CD_BUSINESS_NEW, &customer, TRUE, NULL, NULL, NULL);
  g_assert_cmpstr (ended, ==, "done");
  revoked = cd_test_walk_business (counter, wizard, win, profile, CD_BUSINESS_REVOKE, &customer, TRUE,
                                   on_revoke_page_cb, NULL, NULL);
  g_assert_cmpstr (revoked, ==, "done");
  cd_test_screenshot (win, "wizard-8-done-revoked");
  cd_test_customer_clear (&customer);
  gtk_widget_destroy (win);
}

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, TRUE);
  g_test_add_func ("/gui/screenshots/login", test_login_windows);
  g_test_add_func ("/gui/screenshots/main-window", test_main_window_pages);
  g_test_add_func ("/gui/screenshots/certificate-step", test_certificate_step);
  return g_test_run ();
}
