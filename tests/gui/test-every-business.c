/* test-every-business.c: per project, in Chinese, every business it offers walked to the done page on the
 * counter's demo key, as a clerk does it: a new certificate first, then its follow-up businesses for the same
 * customer (found with the business step's lookup; a renewal with the clock moved into its window), and a
 * parked application resumed. A screenshot of every page goes to the build folder (every-<project>-*).
 * A business that cannot finish because of a defect of another part (the Issue step, printing) is recorded
 * as incomplete with the step and the page's reason, never as a silent pass.
 * Every page the walk shows, then Today's list and the project's prices, are read for internal codes
 * (cd-test-codes.h): one visible profile id, business, state or enum name fails the project. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-prices-panel.h"
#include "cd-test-codes.h"
#include "cd-test-util.h"
#include "cd-today-page.h"
#include "cd-wizard.h"

typedef struct {
  const char *profile;
} Case;

/* Every page the walk shows: read for codes, and saved as every-<shot>.png. */
static void
on_page_cb (GtkWidget *win, const char *where, const char *shot, gpointer data)
{
  g_autofree char *name = g_strdup_printf ("every-%s", shot);

  cd_test_codes_scan (data, win, where, name);
}

/* Today's list with what was just walked, and the project's tab of Settings → Prices. */
static void
scan_today_and_prices (CdTestCodes *codes, CdTestCounter *counter, const char *profile_id)
{
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (counter->ctx));
  CdTodayPage *today = cd_today_page_new (counter->ctx);
  CdPricesPanel *prices;
  GtkWidget *win = cd_test_window (GTK_WIDGET (today));
  g_autofree char *today_shot = g_strdup_printf ("every-%s-today", profile_id);
  g_autofree char *prices_shot = g_strdup_printf ("every-%s-prices", profile_id);
  GtkComboBox *combo;

  cd_today_page_refresh (today);
  cd_test_codes_scan (codes, win, "Today's applications", today_shot);
  gtk_widget_destroy (win);

  prices = cd_prices_panel_new (counter->ctx);
  win = cd_test_window (GTK_WIDGET (prices));
  cd_test_iterate ();
  combo = GTK_COMBO_BOX (cd_test_find (win, "profile_combo"));
  for (guint i = 0; i < profiles->len; i++)
    if (g_str_equal (((CdProfile *) profiles->pdata[i])->id, profile_id))
      gtk_combo_box_set_active (combo, i);
  cd_test_codes_scan (codes, win, "Settings → Prices", prices_shot);
  gtk_widget_destroy (win);
}

/* The clock ten days before the customer's certificate ends: inside every renewal window. */
static void
clock_into_renewal_window (CdTestCounter *counter, const CdTestCustomer *customer)
{
  g_autoptr(GPtrArray) certs = cd_application_store_certificates (counter->ctx, customer->id, NULL);
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_assert_nonnull (certs);
  g_assert_cmpuint (certs->len, >, 0);
  end = g_date_time_new_from_iso8601 (((CdCertificateInfo *) certs->pdata[0])->not_after, NULL);
  g_assert_nonnull (end);
  now = g_date_time_add_days (end, -10);
  cd_store_set_now (cd_context_get_store (counter->ctx), now);
  /* the burn works on its own connection to the database, which reads the clock from here */
  {
    g_autofree char *iso = g_date_time_format_iso8601 (now);
    g_setenv ("CERTDESK_NOW", iso, TRUE);
  }
}

static void
test_every_business (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(GString) incomplete = g_string_new (NULL);
  g_autoptr(CdTestCodes) codes = cd_test_codes_new (counter->ctx);
  CdProfile *profile = cd_context_lookup_profile (counter->ctx, c->profile, NULL);
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  CdTestCustomer customer = { 0, NULL, NULL, NULL };
  guint done = 0, offered = 0;

  g_assert_nonnull (profile);
  /* the supervisor prices what the project ships unpriced (Settings → Prices) */
  cd_test_price_everything (counter->ctx, 5000);
  /* The revocation last, the suspension before it: each is done at the CA now, and a revoked (or suspended)
   * certificate is no longer one the next business could work on. */
  static const CdBusiness order[] = {
    CD_BUSINESS_NEW, CD_BUSINESS_RENEW, CD_BUSINESS_REPLACE, CD_BUSINESS_UNLOCK, CD_BUSINESS_CHANGE,
    CD_BUSINESS_APP_OPEN, CD_BUSINESS_SUSPEND, CD_BUSINESS_REVOKE,
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (order) == CD_N_BUSINESSES);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      CdBusiness b = order[i];
      g_autofree char *reason = NULL;
      g_autofree char *ended = NULL;

      if (!cd_profile_offers_business (profile, b))
        continue;
      offered++;
      if (b == CD_BUSINESS_RENEW && customer.id)
        clock_into_renewal_window (counter, &customer);
      ended = cd_test_walk_business (counter, wizard, win, profile, b, &customer, TRUE, on_page_cb, codes, &reason);
      cd_store_set_now (cd_context_get_store (counter->ctx), NULL);
      g_unsetenv ("CERTDESK_NOW");
      if (g_str_equal (ended, "done"))
        {
          done++;
          g_test_message ("%s/%s: done", c->profile, cd_business_to_code (b));
        }
      else
        {
          g_test_message ("%s/%s: stopped at the %s step: %s", c->profile, cd_business_to_code (b), ended, reason);
          g_string_append_printf (incomplete, "%s stops at the %s step (%s); ", cd_business_to_code (b), ended,
                                  reason);
        }
      /* a new certificate is where every follow-up starts: without it nothing else can be walked */
      if (b == CD_BUSINESS_NEW)
        g_assert_cmpstr (ended, ==, "done");
    }

  /* a parked application, resumed from where it was set aside */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *radio = g_strdup_printf ("profile_%s", c->profile);
    gint64 id;

    cd_wizard_start_new (wizard);
    cd_test_toggle (win, radio, TRUE);
    g_assert_true (cd_test_next (win, wizard));
    cd_test_fill_applicant (win);
    g_assert_true (cd_test_next (win, wizard));
    id = cd_draft_get_id (cd_wizard_get_draft (wizard));
    g_assert_true (cd_wizard_park (wizard));
    g_assert_cmpint (cd_draft_get_id (cd_wizard_get_draft (wizard)), ==, 0);
    g_assert_true (cd_wizard_open (wizard, id, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "materials");
    cd_test_tick_materials (win, wizard);
    g_assert_true (cd_test_next (win, wizard));
    {
      g_autofree char *shot = g_strdup_printf ("every-%s-parked-resumed", c->profile);
      cd_test_screenshot (win, shot);
    }
  }

  cd_test_customer_clear (&customer);
  gtk_widget_destroy (win);
  scan_today_and_prices (codes, counter, c->profile);
  g_test_message ("%s: %u of %u businesses done, %u texts read", c->profile, done, offered,
                  cd_test_codes_n_texts (codes));
  g_assert_cmpuint (cd_test_codes_n_texts (codes), >, 100);   /* the walk did reach the pages */
  if (cd_test_codes_found (codes))
    {
      g_test_message ("internal codes on screen:\n%s", cd_test_codes_found (codes));
      g_test_fail_printf ("%s: internal codes on screen (listed above)", c->profile);
    }
  if (incomplete->len)
    g_test_incomplete_printf ("%s: %s", c->profile, incomplete->str);
}

int
main (int argc, char *argv[])
{
  static const Case cases[] = {
    { "bj-gov" }, { "nmg-zfcg-cfca" }, { "nmg-zfcg-sxca" }, { "xj-fee-mgmt" }, { "xj-ggzy" }, { "xjbt-hpf" },
  };

  cd_test_init (&argc, &argv, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/gui/every-business/%s", cases[i].profile);
      g_test_add_data_func (path, &cases[i], test_every_business);
    }
  return g_test_run ();
}
