/* test-application.c: the application JSON (strict), its validation, and the audited flow through the store. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-application-store.h"
#include "cd-audit.h"
#include "cd-test-context.h"

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
}

typedef struct {
  const char *json;
  const char *expect;
} ParseCase;

static const ParseCase parse_cases[] = {
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"colour\":1}", "$: unknown member “colour”" },
  { "{\"profile\":\"bj-gov\",\"business\":\"nieuw\",\"applicant_type\":\"enterprise\"}", "$.business: “nieuw” is not one of new, renew" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\"}", "$.applicant_type: is missing" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"unit\":{\"nmae\":\"x\"}}",
    "$.unit: unknown member “nmae”" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"years\":\"1\"}", "$.years: must be a whole number" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"keys\":{\"main\":-1}}", "$.keys.main: must be between 0 and 50" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"payment\":{\"method\":\"paypal\",\"amount_fen\":1}}",
    "$.payment.method: “paypal”" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"agent\":{\"name\":\"a\",\"id_type\":\"card\"}}",
    "$.agent.id_type: “card”" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"materials\":{\"x\":{\"seen\":true}}}",
    "$.materials.x: unknown member “seen”" },
  { "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"samples\":{\"stamp\":\"a.png\"}}",
    "$.samples: unknown member “stamp”" },
  { "[1]", "$: the application must be a JSON object" },
  { "{", "$: not valid JSON" },
};

static void
test_parse_refusals (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CdApplication) app = cd_application_from_data (parse_cases[i].json, -1, &error);

      g_assert_null (app);
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, parse_cases[i].expect) && !strstr (error->message, parse_cases[i].expect))
        g_error ("case %zu: “%s” lacks “%s”", i, error->message, parse_cases[i].expect);
    }
}

static void
test_roundtrip (void)
{
  g_autoptr(CdApplication) app = cd_test_load_fixture ("app-nmg-new.json");
  g_autofree char *text = cd_application_to_string (app);
  g_autoptr(CdApplication) again = cd_application_from_data (text, -1, NULL);
  g_autofree char *text2 = cd_application_to_string (again);

  g_assert_cmpstr (text, ==, text2);
  g_assert_cmpstr (again->unit->name, ==, "内蒙古草原建设工程有限公司");
  g_assert_cmpuint (((CdMaterialMark *) g_hash_table_lookup (again->materials, "application_form"))->scans->len, ==, 1);
}

typedef struct {
  const char *fixture;
  const char *patch;      /* a JSON object whose members replace the fixture's */
  const char *expect;     /* NULL = valid */
} ValidCase;

static const ValidCase valid_cases[] = {
  { "app-nmg-new.json", "{}", NULL },
  { "app-bj-person.json", "{}", NULL },
  { "app-nmg-new.json", "{\"unit\":{\"name\":\"A\",\"uscc\":\"91150100MA0N4X2B2E\"}}", "$.unit.uscc: Unified social credit code: check character should be D" },
  { "app-nmg-new.json", "{\"unit\":{\"uscc\":\"91150100MA0N4X2B2D\"}}", "$.unit.name: Unit name is required" },
  { "app-nmg-new.json", "{\"agent\":{\"name\":\"李\",\"id_number\":\"110105194912310021\",\"mobile\":\"13804710002\"}}",
    "$.agent.id_number: Resident ID number: check character should be X" },
  { "app-nmg-new.json", "{\"agent\":{\"name\":\"李\",\"id_number\":\"11010519491231002X\",\"mobile\":\"1380471000\"}}",
    "$.agent.mobile: Mobile number must have 11 characters" },
  { "app-nmg-new.json", "{\"agent\":null}", "$.agent: is required unless the legal person comes in person" },
  { "app-nmg-new.json", "{\"years\":4}", "$.years: Inner Mongolia procurement – Shaanxi CA offers “New certificate” for 1, 2 or 3 years, not 4 years" },
  { "app-nmg-new.json", "{\"business\":\"app-open\"}", "$.business: Inner Mongolia procurement – Shaanxi CA does not offer “Application activation”" },
  { "app-nmg-new.json", "{\"applicant_type\":\"individual\"}", "$.applicant_type: Inner Mongolia procurement – Shaanxi CA does not accept the applicant type “Individual”" },
  { "app-nmg-new.json", "{\"party_role\":null}", "$.party_role: Inner Mongolia procurement – Shaanxi CA needs the party role" },
  { "app-nmg-new.json", "{\"payment\":{\"method\":\"cash\",\"amount_fen\":30000}}", "$.payment.method: Inner Mongolia procurement – Shaanxi CA does not accept payment by Cash" },
  { "app-nmg-new.json", "{\"materials\":{\"uscc_cert\":{\"copy\":true}}}", "$.materials.uscc_cert: “uscc_cert” is not on the checklist" },
  { "app-nmg-new.json", "{\"samples\":{\"personal_seal\":\"a.png\"}}", "$.samples.personal_seal: profile nmg-zfcg-sxca collects no" },
  { "app-nmg-new.json", "{\"business\":\"unlock\",\"legal_person\":{\"name\":\"王建国\"}}", "$.legal_person.id_number: ID number is required" },
  { "app-nmg-new.json", "{\"unit\":{\"name\":\"A\",\"uscc\":\"91150100MA0N4X2B2D\",\"postcode\":\"01001\"}}", "$.unit.postcode: Postcode must be 6 digits" },
  { "app-bj-person.json", "{\"unit\":{\"name\":\"A\"}}", "$.unit: an individual applicant has no unit" },
  { "app-bj-person.json", "{\"person\":{\"name\":\"张三\",\"id_number\":\"65010220000229001X\",\"mobile\":\"12912345678\"}}",
    "$.person.mobile: Mobile number must start with 13–19" },
  { "app-bj-person.json", "{\"options\":{\"zero_fee\":true,\"legal_person_present\":true}}", "$.options: Beijing CA – government certificates (walk-in) has no zero-fee-unit price" },
  { "app-ggzy-new.json", "{}", NULL },   /* prices left to the supervisor do not block an import */
};

static void
test_validate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("CERTDESK_DATADIR"), "profiles", NULL);
  g_autoptr(CdProfileSet) set = cd_profile_set_new ();

  g_assert_true (cd_profile_set_load_dir (set, dir, &error));
  for (gsize i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autofree char *path = fixture (c->fixture);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) base = NULL;
      g_autoptr(JsonNode) patch = json_from_string (c->patch, NULL);
      g_autoptr(CdApplication) app = NULL;
      g_autoptr(GError) verror = NULL;
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (patch));
      CdProfile *profile;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      base = json_from_string (text, NULL);
      for (GList *l = members; l; l = l->next)
        json_object_set_member (json_node_get_object (base), l->data,
                                json_node_copy (json_object_get_member (json_node_get_object (patch), l->data)));
      app = cd_application_from_json (base, &verror);
      g_assert_no_error (verror);
      profile = cd_profile_set_lookup (set, app->profile, NULL);
      g_test_message ("case %zu", i);
      if (!c->expect)
        {
          g_assert_true (cd_application_validate (app, profile, &verror));
          g_assert_no_error (verror);
          continue;
        }
      g_assert_false (cd_application_validate (app, profile, &verror));
      if (!g_str_has_prefix (verror->message, c->expect))
        g_error ("case %zu: “%s” does not start with “%s”", i, verror->message, c->expect);
    }
}

static void
test_flow (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(CdApplication) loaded = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 id = 0;

  g_assert_true (cd_application_store_create (t->ctx, app, TRUE, &id, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_load (t->ctx, id, &loaded, &info, &error));
  g_assert_cmpint (info->state, ==, CD_STATE_DRAFT);
  g_assert_true (g_str_has_prefix (info->number, "CD-"));
  /* payment before the check is refused */
  g_assert_false (cd_application_store_pay (t->ctx, id, CD_PAYMENT_WECHAT, 30000, 30000, FALSE, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_true (cd_application_store_check (t->ctx, id, &error));
  g_assert_no_error (error);
  /* the wrong amount or a method the profile lacks is refused, nothing recorded */
  g_assert_false (cd_application_store_pay (t->ctx, id, CD_PAYMENT_WECHAT, 29900, 29900, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "299.00 yuan but the fee is 300.00 yuan"));
  g_clear_error (&error);
  g_assert_false (cd_application_store_pay (t->ctx, id, CD_PAYMENT_CASH, 30000, 30000, FALSE, &error));
  g_clear_error (&error);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM payment"), ==, 0);
  g_assert_true (cd_application_store_pay (t->ctx, id, CD_PAYMENT_WECHAT, 30000, 30000, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (cd_application_store_transition (t->ctx, id, CD_STATE_PRINTED, NULL, &error));
  g_assert_true (cd_application_store_transition (t->ctx, id, CD_STATE_ISSUED, NULL, &error));
  g_assert_true (cd_application_store_transition (t->ctx, id, CD_STATE_CLOSED, NULL, &error));
  g_assert_no_error (error);
  /* closed is final: no more edits, no void */
  g_assert_false (cd_application_store_save (t->ctx, id, app, "fee", &error));
  g_clear_error (&error);
  g_assert_false (cd_application_store_void (t->ctx, id, "changed mind", &error));
  g_clear_error (&error);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'application.state'"), ==, 5);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'application.create'"), ==, 1);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM applicant"), ==, 1);
  g_assert_true (cd_audit_verify (cd_context_get_store (t->ctx), NULL, NULL, NULL));
  found = cd_application_store_search (t->ctx, "13804710002", FALSE, &error);
  g_assert_cmpuint (found->len, ==, 1);
}

static void
test_missing_materials (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = cd_test_load_fixture ("app-nmg-new.json");
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_hash_table_remove (app->materials, "business_licence");
  ((CdMaterialMark *) g_hash_table_lookup (app->materials, "power_of_attorney"))->original_seen = FALSE;
  g_assert_true (cd_application_store_create (t->ctx, app, TRUE, &id, &error));
  g_assert_false (cd_application_store_check (t->ctx, id, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "power_of_attorney): original not seen"));
  g_assert_nonnull (strstr (error->message, "business_licence): copy not received, copy not stamped, no scan attached"));
  g_clear_error (&error);
  /* what the clerk reads names the material only */
  {
    CdProfile *profile = cd_context_lookup_profile (t->ctx, app->profile, NULL);
    g_autoptr(GPtrArray) missing = cd_application_missing_materials (app, profile, FALSE);

    g_assert_cmpuint (missing->len, ==, 2);
    g_assert_cmpstr (missing->pdata[0], ==, "Legal-person power of attorney: original not seen");
    g_assert_cmpstr (missing->pdata[1], ==,
                     "Business licence (multi-certificate) copy: copy not received, copy not stamped, no scan attached");
  }
  /* a waiver needs a signed-in supervisor and a reason */
  g_assert_false (cd_application_store_waive (t->ctx, id, "business_licence", "seen online", &error));
  g_clear_error (&error);
  cd_context_set_actor (t->ctx, "clerk:boss", 0);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'material.waive'"), ==, 0);
}

static void
test_void_and_edit (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = cd_test_load_fixture ("app-bj-person.json");
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_assert_true (cd_application_store_create (t->ctx, app, TRUE, &id, &error));
  g_assert_true (cd_application_store_check (t->ctx, id, &error));
  g_assert_no_error (error);
  /* editing a checked application sends it back to draft, audited */
  g_assert_true (cd_application_store_save (t->ctx, id, app, "applicant", &error));
  g_assert_true (cd_application_store_load (t->ctx, id, NULL, &info, &error));
  g_assert_cmpint (info->state, ==, CD_STATE_DRAFT);
  g_assert_cmpstr (info->step, ==, "applicant");
  g_assert_false (cd_application_store_void (t->ctx, id, " ", &error));
  g_assert_nonnull (strstr (error->message, "needs a reason"));
  g_clear_error (&error);
  g_assert_true (cd_application_store_void (t->ctx, id, "applicant left", &error));
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM application WHERE state = 'voided' AND void_reason = 'applicant left'"), ==, 1);
}

/* Identifiers as a hurried clerk types them are read and written as the code (cd_ident_normalize): import
 * and the JSON the database keeps never hold a full-width or small-letter spelling. */
static void
test_identifiers_normalised (void)
{
  static const char typed[] =
    "{\"profile\":\"bj-gov\",\"business\":\"replace\",\"applicant_type\":\"individual\",\"seals\":0,"
    "\"person\":{\"name\":\"张三\",\"id_number\":\"６５０１０２ ２００００２２９ ００１ｘ\",\"mobile\":\"139 1234 5678\"},"
    "\"invoice\":{\"title\":\"张三\",\"taxpayer_id\":\"91150100ma0n4x2b2d\",\"email\":\"a@b.cn\"},"
    "\"existing_certificate\":{\"serial\":\"5a1b 2c3d\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_from_data (typed, -1, &error);
  g_autoptr(CdApplication) raw = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (app->person->id_number, ==, "65010220000229001X");
  g_assert_cmpstr (app->person->mobile, ==, "13912345678");
  g_assert_cmpstr (app->invoice->taxpayer_id, ==, "91150100MA0N4X2B2D");
  g_assert_cmpstr (app->existing_serial, ==, "5A1B2C3D");
  /* a GUI field that kept the typed spelling is written normalised */
  raw = cd_application_copy (app);
  g_free (raw->person->id_number);
  raw->person->id_number = g_strdup ("６５０１０２２００００２２９００１ｘ");
  text = cd_application_to_string (raw);
  g_assert_nonnull (strstr (text, "\"65010220000229001X\""));
  g_assert_null (strstr (text, "６５"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/application/parse-refusals", test_parse_refusals);
  g_test_add_func ("/application/roundtrip", test_roundtrip);
  g_test_add_func ("/application/validate", test_validate);
  g_test_add_func ("/application/identifiers-normalised", test_identifiers_normalised);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/application/flow", test_flow);
  ADD ("/application/missing-materials", test_missing_materials);
  ADD ("/application/void-and-edit", test_void_and_edit);
  return g_test_run ();
}
