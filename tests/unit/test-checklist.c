/* test-checklist.c: every material rule of domain.md, per profile, business, applicant type and option. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "cd-checklist.h"
#include "cd-paths.h"

enum { NO_USCC = 1, E_SEAL = 2, LEGAL_PRESENT = 4, ONE_CERT = 8 };

typedef struct {
  const char *profile, *business, *applicant;
  int         options;
  const char *codes;    /* expected, in profile order; NULL = refused */
} ListCase;

static const ListCase list_cases[] = {
  { "xj-fee-mgmt", "new", "enterprise", 0, "application_form,uscc_cert,agent_id" },
  { "xj-fee-mgmt", "new", "enterprise", NO_USCC, "application_form,business_licence,agent_id" },
  { "xj-fee-mgmt", "new", "institution", NO_USCC, "application_form,institution_cert,agent_id" },
  { "xj-fee-mgmt", "new", "government", NO_USCC, "application_form,authority_letter,agent_id" },
  { "xj-fee-mgmt", "new", "organization", NO_USCC, "application_form,organization_cert,agent_id" },
  { "xj-fee-mgmt", "new", "enterprise", ONE_CERT, "uscc_cert,agent_id,existing_key_one_cert" },
  { "xj-fee-mgmt", "replace", "enterprise", 0, "application_form_replace,uscc_cert,replacement_statement,agent_id" },
  { "xj-fee-mgmt", "renew", "enterprise", 0, "agent_id,existing_key" },
  { "xj-fee-mgmt", "unlock", "enterprise", 0, "unlock_statement,agent_id,existing_key" },
  { "xj-fee-mgmt", "new", "individual", 0, NULL },
  { "xjbt-hpf", "new", "enterprise", 0, "uscc_cert,agent_id,application_form" },
  { "xjbt-hpf", "app-open", "enterprise", 0, "uscc_cert_annotated,agent_id" },
  { "xjbt-hpf", "replace", "enterprise", 0, "uscc_cert,agent_id,application_form,replacement_statement" },
  { "xj-ggzy", "new", "enterprise", 0, "uscc_cert,agent_id_full,power_of_attorney" },
  { "xj-ggzy", "renew", "enterprise", 0, "agent_id_original,existing_key" },
  { "xj-ggzy", "replace", "enterprise", 0, "uscc_cert,agent_id_full,power_of_attorney,replacement_statement" },
  { "xj-ggzy", "unlock", "enterprise", 0, "agent_id_original,unlock_statement,existing_key" },
  { "xj-ggzy", "change", "enterprise", 0, "uscc_cert,power_of_attorney,aic_change_notice,existing_key" },
  { "nmg-zfcg-sxca", "new", "enterprise", 0, "application_form,power_of_attorney,collection_form,business_licence" },
  { "nmg-zfcg-sxca", "new", "enterprise", LEGAL_PRESENT, "application_form,collection_form,business_licence,legal_person_id" },
  { "nmg-zfcg-sxca", "renew", "enterprise", 0,
    "application_form,power_of_attorney,collection_form,business_licence,existing_key" },
  { "nmg-zfcg-sxca", "replace", "enterprise", 0, "application_form,power_of_attorney,collection_form,business_licence" },
  { "nmg-zfcg-sxca", "change", "enterprise", 0,
    "application_form,power_of_attorney,collection_form,business_licence,existing_key" },
  { "nmg-zfcg-sxca", "unlock", "enterprise", 0, "power_of_attorney,existing_key" },
  { "nmg-zfcg-sxca", "new", "expert", 0, "application_form,expert_id" },
  { "nmg-zfcg-cfca", "new", "institution", 0, "application_form,power_of_attorney,collection_form,business_licence" },
  { "bj-gov", "new", "enterprise", 0, "application_form,detail_sheet_unit,unit_identity,agent_id" },
  { "bj-gov", "new", "enterprise", E_SEAL, "application_form,detail_sheet_unit,unit_identity,unit_seal_sampling,agent_id" },
  { "bj-gov", "new", "individual", E_SEAL,
    "application_form,detail_sheet_person,applicant_id,personal_seal_sampling,agent_id" },
  { "bj-gov", "renew", "enterprise", 0, "application_form,detail_sheet_unit,unit_identity,agent_id,existing_key" },
  { "bj-gov", "change", "enterprise", 0, "application_form,detail_sheet_unit,unit_identity,agent_id,existing_key" },
  { "bj-gov", "replace", "enterprise", 0, "application_form,detail_sheet_unit,unit_identity,agent_id" },
  { "bj-gov", "revoke", "individual", LEGAL_PRESENT, "application_form,detail_sheet_person,applicant_id" },
  { "bj-gov", "unlock", "enterprise", 0, NULL },
};

static CdProfileSet *profiles;

static void
test_lists (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (list_cases); i++)
    {
      const ListCase *c = &list_cases[i];
      CdChecklistOptions o = { !(c->options & NO_USCC), !!(c->options & E_SEAL), !!(c->options & LEGAL_PRESENT),
                               !!(c->options & ONE_CERT) };
      CdBusiness b;
      CdApplicantType a;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(GString) codes = g_string_new (NULL);

      g_assert_true (cd_business_from_code (c->business, &b));
      g_assert_true (cd_applicant_type_from_code (c->applicant, &a));
      list = cd_checklist_build (cd_profile_set_lookup (profiles, c->profile, NULL), b, a, &o, &error);
      g_test_message ("case %zu: %s %s %s", i, c->profile, c->business, c->applicant);
      if (!c->codes)
        {
          g_assert_null (list);
          g_assert_error (error, CD_CHECKLIST_ERROR, CD_CHECKLIST_ERROR_NOT_OFFERED);
          continue;
        }
      for (guint j = 0; j < list->len; j++)
        g_string_append_printf (codes, "%s%s", j ? "," : "", ((CdMaterial *) list->pdata[j])->code);
      g_assert_cmpstr (codes->str, ==, c->codes);
    }
}

static const CdMaterial *
find (const char *profile, const char *code)
{
  CdProfile *p = cd_profile_set_lookup (profiles, profile, NULL);

  for (guint i = 0; i < p->materials->len; i++)
    if (g_str_equal (((CdMaterial *) p->materials->pdata[i])->code, code))
      return p->materials->pdata[i];
  g_assert_not_reached ();
}

static void
test_attributes (void)
{
  const CdMaterial *agent = find ("xj-fee-mgmt", "agent_id");
  const CdMaterial *form = find ("nmg-zfcg-sxca", "application_form");
  const CdMaterial *licence = find ("nmg-zfcg-sxca", "business_licence");
  const CdMaterial *sampling = find ("bj-gov", "unit_seal_sampling");
  g_autofree char *desc = NULL;

  /* agent ID: original shown and a stamped copy of both sides, scanned */
  g_assert_true (agent->original && agent->copy && agent->stamped && agent->scan && agent->required);
  g_assert_nonnull (strstr (agent->note, "both sides"));
  g_assert_true (form->original && !form->copy);
  g_assert_true (licence->copy && licence->stamped);
  g_assert_cmpstr (sampling->when[0], ==, "e_seal");
  desc = cd_material_describe (agent);
  g_assert_cmpstr (desc, ==, "original shown + 1 copy stamped with the unit seal, scan attached");
}

/* The description in Chinese: joined with 、 and （可选） from the catalogue, no ASCII ", " or " (". */
static void
test_describe_zh (void)
{
  CdMaterial optional = { .code = (char *) "x", .original = TRUE, .copy = TRUE, .copies = 2, .scan = TRUE,
                          .required = FALSE };
  g_autofree char *mo = g_build_filename (CD_BUILD_LOCALEDIR, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *zh = NULL;
  g_autofree char *en = NULL;

  en = cd_material_describe (&optional);
  g_assert_cmpstr (en, ==, "original shown + 2 copies, scan attached (optional)");
  g_assert_true (g_file_test (mo, G_FILE_TEST_EXISTS));   /* built from po/zh_CN.po with the project */
  if (!setlocale (LC_ALL, "zh_CN.UTF-8"))
    {
      g_test_skip ("no zh_CN.UTF-8 locale on this machine");
      return;
    }
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  bindtextdomain (GETTEXT_PACKAGE, CD_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  zh = cd_material_describe (&optional);
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_assert_cmpstr (zh, ==, "已核验原件、复印件 2 份、已附扫描件（可选）");
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  int rc;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  dir = g_build_filename (cd_paths_shipped_data_dir (), "profiles", NULL);
  profiles = cd_profile_set_new ();
  g_assert_true (cd_profile_set_load_dir (profiles, dir, NULL));
  g_test_add_func ("/checklist/lists", test_lists);
  g_test_add_func ("/checklist/attributes", test_attributes);
  g_test_add_func ("/checklist/describe-zh", test_describe_zh);
  rc = g_test_run ();
  cd_profile_set_free (profiles);
  return rc;
}
