/* test-outlet-lookup.c: the business step's customer lookup lists the certificates other outlets issued (issue 16
 * item 4), named with the issuing outlet, under Xvfb in Chinese at 1366×768. The counter holds the other outlets'
 * customers and certificates as sync pulls them into central_customer / central_certificate (the rows written here
 * are what cd-central-sync.c's pull writes; the pull itself runs against PostgreSQL in tests/central). Choosing one
 * fills the applicant and the serial; an expired or revoked certificate of theirs is not offered. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-main-window.h"
#include "cd-test-util.h"

#define USCC "91150100123456788B"

static void
exec_sql (CdContext *ctx, const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_exec (cd_context_get_store (ctx), sql, &error));
  g_assert_no_error (error);
}

/* Another outlet's customer and certificate, as a pull applies them: the row as the issuing counter holds it. */
static void
pulled_certificate (CdContext *ctx, const char *outlet, const char *cert_uuid, const char *serial, const char *state,
                    const char *not_after, gint64 seq)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO central_certificate (uuid, outlet_code, seq, serial, state, subject, not_after, applicant_uuid, data)"
    " VALUES ('%s', '%s', %" G_GINT64_FORMAT ", '%s', '%s', 'CN=内蒙古甲乙建设有限公司', '%s', 'c0ffee00c0ffee00c0ffee00c0ffee00',"
    " json_object('serial', '%s', 'state', '%s', 'issuer', 'cmp', 'not_after', '%s', 'at', '2026-03-0%" G_GINT64_FORMAT "T08:00:00Z',"
    " 'applicant_uuid', 'c0ffee00c0ffee00c0ffee00c0ffee00'))",
    cert_uuid, outlet, seq, serial, state, not_after, serial, state, not_after, seq);
  exec_sql (ctx, sql);
}

static void
seed_other_outlets (CdContext *ctx)
{
  /* The applicant's data as the issuing counter saved it (its applicant row's data column). */
  const char *applicant =
    "{\"applicant_type\":\"enterprise\",\"party_role\":\"bidder\","
    "\"unit\":{\"name\":\"内蒙古甲乙建设有限公司\",\"uscc\":\"" USCC "\",\"address\":\"呼和浩特市新城区\","
    "\"postcode\":\"010010\",\"phone\":\"0471-6612345\"},"
    "\"legal_person\":{\"name\":\"张三\"},"
    "\"agent\":{\"name\":\"李四\",\"id_type\":\"resident_id\",\"id_number\":\"150102199002022345\","
    "\"mobile\":\"13812345678\"}}";
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO setting (key, value) VALUES ('central.outlet_name.A', '乌鲁木齐网点'),"
    " ('central.outlet_name.C', '昌吉网点');"
    "INSERT INTO central_customer (uuid, outlet_code, seq, kind, name, uscc, id_number, data) VALUES"
    " ('c0ffee00c0ffee00c0ffee00c0ffee00', 'A', 1, 'unit', '内蒙古甲乙建设有限公司', '" USCC "', NULL,"
    " json_object('kind', 'unit', 'name', '内蒙古甲乙建设有限公司', 'uscc', '" USCC "', 'data', '%s'))", applicant);

  exec_sql (ctx, sql);
  pulled_certificate (ctx, "A", "a0000000000000000000000000000001", "5A3F00112233445566778899AABBCCDD", "issued",
                      "2027-11-30T08:00:00Z", 2);
  pulled_certificate (ctx, "C", "a0000000000000000000000000000002", "6B4E00112233445566778899AABBCCDD", "issued",
                      "2028-02-28T08:00:00Z", 3);
  /* Not offered: revoked at its outlet, and expired. */
  pulled_certificate (ctx, "A", "a0000000000000000000000000000003", "7C5D00112233445566778899AABBCCDD", "revoked",
                      "2027-06-30T08:00:00Z", 4);
  pulled_certificate (ctx, "C", "a0000000000000000000000000000004", "8D6C00112233445566778899AABBCCDD", "issued",
                      "2025-06-30T08:00:00Z", 5);
}

static GtkWidget *
choices_list (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();
  GtkWidget *list = NULL;

  for (GList *l = tops; l && !list; l = l->next)
    list = cd_test_find_visible (l->data, "find_choices_list");
  return list;
}

static void
test_lookup_other_outlets (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = cd_clerk_store_lookup (counter->ctx, cd_context_get_clerk_id (counter->ctx), NULL);
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-12-07T09:00:00Z", NULL);
  CdMainWindow *main;
  GtkWidget *win, *list, *chosen = NULL;
  g_autoptr(GList) rows = NULL;
  CdApplication *app;

  cd_store_set_now (cd_context_get_store (counter->ctx), now);
  seed_other_outlets (counter->ctx);
  main = cd_main_window_new (NULL, counter->ctx, clerk);
  win = cd_test_window (GTK_WIDGET (main));
  cd_test_toggle (win, "profile_nmg-zfcg-sxca", TRUE);
  cd_test_toggle (win, "business_replace", TRUE);
  cd_test_set_text (win, "find_entry", USCC);
  cd_test_click (win, "find_button");
  cd_test_iterate ();

  /* Two valid certificates of this customer at two other outlets: a list, each row naming its outlet. */
  list = choices_list ();
  g_assert_nonnull (list);
  rows = gtk_container_get_children (GTK_CONTAINER (list));
  g_assert_cmpuint (g_list_length (rows), ==, 2);
  for (GList *l = rows; l; l = l->next)
    {
      const char *text = gtk_label_get_text (GTK_LABEL (gtk_bin_get_child (l->data)));

      g_test_message ("row: %s", text);
      g_assert_nonnull (strstr (text, "内蒙古甲乙建设有限公司"));
      g_assert_null (strstr (text, "7C5D"));   /* revoked */
      g_assert_null (strstr (text, "8D6C"));   /* expired */
      if (strstr (text, "5A3F00112233445566778899AABBCCDD"))
        {
          g_assert_nonnull (strstr (text, "乌鲁木齐网点"));
          g_assert_nonnull (strstr (text, "2027-11-30"));
          chosen = l->data;
        }
      else
        g_assert_nonnull (strstr (text, "昌吉网点"));
    }
  g_assert_nonnull (chosen);
  cd_test_screenshot (win, "business-lookup-other-outlets");

  g_signal_emit_by_name (list, "row-activated", chosen);
  cd_test_iterate ();
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (win, "serial_entry"))), ==,
                   "5A3F00112233445566778899AABBCCDD");
  g_test_message ("filled: %s", cd_test_label (win, "find_label"));
  g_assert_nonnull (strstr (cd_test_label (win, "find_label"), "乌鲁木齐网点"));
  app = cd_draft_get_app (cd_wizard_get_draft (cd_main_window_get_wizard (main)));
  g_assert_nonnull (app->unit);
  g_assert_cmpstr (app->unit->uscc, ==, USCC);
  g_assert_cmpstr (app->unit->name, ==, "内蒙古甲乙建设有限公司");
  cd_test_screenshot (win, "business-lookup-other-outlet-filled");
  gtk_widget_destroy (win);
}

int
main (int argc, char **argv)
{
  cd_test_init (&argc, &argv, TRUE);
  g_test_add_func ("/gui/outlet-lookup", test_lookup_other_outlets);
  return g_test_run ();
}
