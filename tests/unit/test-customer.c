/* test-customer.c: returning customers: recorded only with a valid identifier, offered by name / USCC / ID
 * number prefix (and by a part of the name), most recent first, and merged into a new application. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-application-store.h"
#include "cd-customer-store.h"
#include "cd-ident.h"
#include "cd-test-context.h"

static GPtrArray *
suggest (CdContext *ctx, CdCustomerField field, gboolean units, const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *found = cd_customer_store_suggest (ctx, field, units, text, 8, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found;
}

/* Autosave while the USCC is typed must not leave half identifiers behind as customers. */
static void
test_only_valid_identifiers (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(GError) error = NULL;
  const char *typed[] = { "9", "9115", "91150100MA0N4X2B2", "91150100MA0N4X2B2X", "91150100MA0N4X2B2D" };
  gint64 id = 0;

  g_free (app->unit->uscc);
  app->unit->uscc = NULL;
  g_assert_true (cd_application_store_create (t->ctx, app, FALSE, &id, &error));
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM applicant"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_free (app->unit->uscc);
      app->unit->uscc = g_strdup (typed[i]);
      g_assert_true (cd_application_store_save (t->ctx, id, app, "applicant", &error));
      g_assert_no_error (error);
      g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM applicant"), ==, (i + 1 < G_N_ELEMENTS (typed)) ? 0 : 1);
    }
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM applicant WHERE uscc = '91150100MA0N4X2B2D'"), ==, 1);
  /* the same code typed in a hurry (full-width, small letters) is the same customer, stored as the code */
  g_free (app->unit->uscc);
  app->unit->uscc = g_strdup ("９１１５０１００ma0n4x2b2d");
  g_assert_true (cd_application_store_save (t->ctx, id, app, "applicant", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM applicant"), ==, 1);
}

static void
test_suggest (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) unit = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(CdApplication) person = cd_test_load_fixture ("app-bj-person.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 id;

  g_assert_true (cd_application_store_create (t->ctx, unit, TRUE, &id, &error));
  g_assert_true (cd_application_store_create (t->ctx, person, TRUE, &id, &error));
  g_assert_no_error (error);

  /* name prefix, kind kept apart */
  found = suggest (t->ctx, CD_CUSTOMER_BY_NAME, TRUE, "内蒙古");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((CdCustomer *) found->pdata[0])->uscc, ==, "91150100MA0N4X2B2D");
  g_assert_true (((CdCustomer *) found->pdata[0])->is_unit);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = suggest (t->ctx, CD_CUSTOMER_BY_NAME, FALSE, "内蒙古");
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  /* a part of the name from two characters on; one character matches only at the start */
  found = suggest (t->ctx, CD_CUSTOMER_BY_NAME, TRUE, "建设");
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = suggest (t->ctx, CD_CUSTOMER_BY_NAME, TRUE, "建");
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  /* USCC prefix, lower case typed */
  found = suggest (t->ctx, CD_CUSTOMER_BY_USCC, TRUE, "91150100ma");
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = suggest (t->ctx, CD_CUSTOMER_BY_USCC, TRUE, "91150101");
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  /* the person by ID number, "x" as "X"; the unit's legal person is not a person customer */
  found = suggest (t->ctx, CD_CUSTOMER_BY_ID_NUMBER, FALSE, "65010220000229001x");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((CdCustomer *) found->pdata[0])->name, ==, "张三");
  g_assert_false (((CdCustomer *) found->pdata[0])->is_unit);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = suggest (t->ctx, CD_CUSTOMER_BY_ID_NUMBER, FALSE, "150102");
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  /* empty text: nothing */
  found = suggest (t->ctx, CD_CUSTOMER_BY_NAME, TRUE, "  ");
  g_assert_cmpuint (found->len, ==, 0);
}

static void
test_most_recent_first_and_limit (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  /* 12 units with valid USCCs named 测试单位00..11, seen one after the other */
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(CdApplication) app = cd_test_load_fixture ("app-nmg-new.json");
      char first8[9], first17[18];
      gint64 id;

      /* a USCC embeds an organisation code with its own check character */
      g_snprintf (first8, sizeof first8, "MA0N4%03u", i);
      g_snprintf (first17, sizeof first17, "91150100%s%c", first8, cd_ident_orgcode_check_char (first8));
      g_free (app->unit->uscc);
      app->unit->uscc = g_strdup_printf ("%s%c", first17, cd_ident_uscc_check_char (first17));
      g_free (app->unit->name);
      app->unit->name = g_strdup_printf ("测试单位%02u", i);
      g_assert_true (cd_application_store_create (t->ctx, app, FALSE, &id, &error));
      g_assert_no_error (error);
    }
  /* seen in the order of their numbers, whatever the clock did during the loop */
  g_assert_true (cd_store_exec (cd_context_get_store (t->ctx),
                                "UPDATE applicant SET updated_at = '2026-11-21T08:' || substr(name, -2) || ':00Z'", NULL));
  found = cd_customer_store_suggest (t->ctx, CD_CUSTOMER_BY_NAME, TRUE, "测试", 5, &error);
  g_assert_cmpuint (found->len, ==, 5);
  g_assert_cmpstr (((CdCustomer *) found->pdata[0])->name, ==, "测试单位11");
  g_assert_cmpstr (((CdCustomer *) found->pdata[4])->name, ==, "测试单位07");
}

static void
test_apply (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) old = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(CdApplication) fresh = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(CdApplication) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 id;

  g_assert_true (cd_application_store_create (t->ctx, old, TRUE, &id, &error));
  /* a new draft of another business with an empty applicant */
  g_clear_pointer (&fresh->unit, cd_unit_free);
  g_clear_pointer (&fresh->legal_person, cd_person_free);
  fresh->business = CD_BUSINESS_RENEW;
  found = suggest (t->ctx, CD_CUSTOMER_BY_USCC, TRUE, "91150100MA0N4X2B2D");
  g_assert_cmpuint (found->len, ==, 1);
  merged = cd_customer_store_apply (t->ctx, ((CdCustomer *) found->pdata[0])->id, fresh, &error);
  g_assert_no_error (error);
  g_assert_cmpint (merged->business, ==, CD_BUSINESS_RENEW);
  g_assert_cmpstr (merged->unit->name, ==, "内蒙古草原建设工程有限公司");
  g_assert_cmpstr (merged->legal_person->id_number, ==, "150102199003071237");
  g_assert_cmpstr (merged->agent->mobile, ==, "13804710002");
  g_assert_null (cd_customer_store_apply (t->ctx, 9999, fresh, &error));
  g_assert_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/customer/only-valid-identifiers", test_only_valid_identifiers);
  ADD ("/customer/suggest", test_suggest);
  ADD ("/customer/most-recent-first-and-limit", test_most_recent_first_and_limit);
  ADD ("/customer/apply", test_apply);
  return g_test_run ();
}
