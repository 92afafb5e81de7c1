/* test-profile.c: the shipped profiles load; malformed and inconsistent ones are refused with path and reason. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-paths.h"
#include "cd-profile.h"

#include <glib/gstdio.h>

static const char *const shipped[] = {
  "bj-gov", "nmg-zfcg-cfca", "nmg-zfcg-sxca", "xj-fee-mgmt", "xj-ggzy", "xjbt-hpf", NULL
};

static CdProfileSet *
load_shipped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (cd_paths_shipped_data_dir (), "profiles", NULL);
  CdProfileSet *set = cd_profile_set_new ();

  g_assert_true (cd_profile_set_load_dir (set, dir, &error));
  g_assert_no_error (error);
  return set;
}

static void
test_shipped (void)
{
  g_autoptr(CdProfileSet) set = load_shipped ();
  g_autoptr(GPtrArray) all = cd_profile_set_list (set);

  g_assert_cmpuint (all->len, ==, g_strv_length ((char **) shipped));
  for (guint i = 0; shipped[i]; i++)
    {
      CdProfile *p = cd_profile_set_lookup (set, shipped[i], NULL);
      g_assert_nonnull (p);
      g_assert_cmpstr (((CdProfile *) all->pdata[i])->id, ==, shipped[i]);
      g_assert_cmpuint (p->materials->len, >, 0);
      g_assert_true (p->form_copies == 2 || p->form_copies == 3);
      g_assert_true (p->samples_per_form == 3 || p->samples_per_form == 4);
      g_assert_true (g_strv_length (p->documents) > 0);
      g_assert_cmpint (p->upload_max_bytes, >, 0);
    }
}

static void
test_facts (void)
{
  g_autoptr(CdProfileSet) set = load_shipped ();
  CdProfile *bj = cd_profile_set_lookup (set, "bj-gov", NULL);
  CdProfile *sx = cd_profile_set_lookup (set, "nmg-zfcg-sxca", NULL);
  CdProfile *fee = cd_profile_set_lookup (set, "xj-fee-mgmt", NULL);
  CdProfile *hpf = cd_profile_set_lookup (set, "xjbt-hpf", NULL);
  CdProfile *ggzy = cd_profile_set_lookup (set, "xj-ggzy", NULL);

  /* bj-gov takes bank transfers only */
  g_assert_true (cd_profile_accepts_payment (bj, CD_PAYMENT_BANK_TRANSFER));
  g_assert_false (cd_profile_accepts_payment (bj, CD_PAYMENT_WECHAT));
  g_assert_false (cd_profile_accepts_payment (bj, CD_PAYMENT_ALIPAY));
  g_assert_cmpuint (bj->samples_per_form, ==, 4);
  g_assert_cmpuint (sx->samples_per_form, ==, 3);
  g_assert_cmpuint (sx->form_copies, ==, 3);
  g_assert_cmpuint (fee->form_copies, ==, 2);
  g_assert_true (cd_profile_has_party_roles (sx));
  g_assert_false (cd_profile_has_party_roles (bj));
  /* validity: nmg and Beijing 1 year, Xinjiang fee units 2, Corps housing fund 6 */
  g_assert_cmpuint (bj->validity_years, ==, 1);
  g_assert_cmpuint (sx->validity_years, ==, 1);
  g_assert_cmpuint (fee->validity_years, ==, 2);
  g_assert_cmpuint (hpf->validity_years, ==, 6);
  g_assert_cmpint (fee->pin_policy, ==, CD_PIN_POLICY_FIXED);
  g_assert_cmpstr (fee->initial_pin, ==, "123456");
  g_assert_true (cd_profile_offers_business (hpf, CD_BUSINESS_APP_OPEN));
  g_assert_false (cd_profile_offers_business (bj, CD_BUSINESS_UNLOCK));
  g_assert_false (cd_profile_has_prices (ggzy));
  g_assert_true (cd_profile_has_prices (bj));
  g_assert_cmpuint (sx->upload_max_bytes, ==, 1048576);
}

typedef struct {
  const char *json;
  const char *expect;   /* substring: JSON path and reason */
} Bad;

/* A minimal valid profile; each bad case replaces one piece of it. */
#define MINIMAL_HEAD \
  "{\"id\":\"t\",\"name\":\"T\",\"name_zh\":\"T\",\"ca_name\":\"CA\",\"region\":\"R\"," \
  "\"businesses\":[\"new\"],\"applicants\":[\"enterprise\"],\"payment_methods\":[\"cash\"],\"validity_years\":1," \
  "\"key_algorithm\":\"rsa-2048\",\"pin_policy\":{\"mode\":\"fixed\",\"initial_pin\":\"123456\"}," \
  "\"forms\":{\"kind\":\"xj-two-copy\",\"copies\":2,\"documents\":[\"application\"]}," \
  "\"collection\":{\"samples_per_form\":3,\"forms\":[]},\"uploads\":{\"types\":[\"jpeg\"],\"max_bytes\":1048576}," \
  "\"agreement\":\"t.txt\",\"subject\":{\"unit\":[{\"field\":\"CN\",\"value\":\"{unit.name}\"}],\"person\":[]},"
#define MINIMAL_MATERIALS "\"materials\":[{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\",\"copy\":true}],"
#define MINIMAL_FEES "\"fees\":{\"new\":[{\"id\":\"s\",\"years\":[1],\"items\":[{\"code\":\"c\",\"label\":\"C\",\"label_zh\":\"丙\",\"per\":\"year\",\"amount_fen\":100}]}]}}"

static const Bad bad_profiles[] = {
  { "{", "t.json: " },
  { "[]", "$: the profile must be a JSON object" },
  { MINIMAL_HEAD MINIMAL_MATERIALS MINIMAL_FEES, NULL },   /* the baseline loads */
  { MINIMAL_HEAD "\"colour\":1," MINIMAL_MATERIALS MINIMAL_FEES, "$: unknown member “colour”" },
  { MINIMAL_HEAD "\"materials\":[{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\",\"copy\":\"yes\"}]," MINIMAL_FEES,
    "$.materials[0].copy: must be true or false" },
  { MINIMAL_HEAD "\"materials\":[{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\"}]," MINIMAL_FEES,
    "$.materials[0]: neither “original” nor “copy”" },
  { MINIMAL_HEAD "\"materials\":[{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\",\"copy\":true,\"businesses\":[\"renew\"]}],"
    MINIMAL_FEES, "$.materials[0].businesses[0]: “renew” is not offered by this profile" },
  { MINIMAL_HEAD "\"materials\":[{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\",\"copy\":true,\"when\":[\"e-seal\"]}],"
    MINIMAL_FEES, "$.materials[0].when[0]: “e-seal” is not one of" },
  { MINIMAL_HEAD "\"materials\":[{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\",\"copy\":true},"
    "{\"code\":\"a\",\"label\":\"A\",\"label_zh\":\"甲\",\"copy\":true}]," MINIMAL_FEES,
    "$.materials[1]: material code “a” appears twice" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{}}", "$.fees: business “new” is offered but has no fee entry" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[],\"renew\":[]}}", "$.fees.renew: the profile prices a business it does not offer" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"year\",\"amount_fen\":100}]}]}}", "$.fees.new[0].items[0]: priced by term, but the variant lists no “years”" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"years\":[1,3],\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"table\",\"table\":{\"1\":100,\"2\":200}}]}]}}",
    "$.fees.new[0].items[0]: 3 years is offered but the table has no price for it" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"years\":[3],\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"term\",\"term_years\":2,\"amount_fen\":100}]}]}}",
    "3 years is offered but the price is per 2 years" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"once\",\"amount_fen\":-5}]}]}}", "$.fees.new[0].items[0].amount_fen: must be between 0" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"once\",\"amount_fen\":1.5}]}]}}", "$.fees.new[0].items[0].amount_fen: must be a whole number" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"weekly\",\"amount_fen\":1}]}]}}", "“per” is “weekly”" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"items\":[{\"code\":\"c\",\"label\":\"C\","
    "\"label_zh\":\"丙\",\"per\":\"once\"}]}]}}", "“amount_fen” is missing (use null" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"new\":[{\"id\":\"s\",\"items\":[]},{\"id\":\"s\",\"items\":[]}]}}",
    "$.fees.new[1]: variant id “s” appears twice" },
  { MINIMAL_HEAD MINIMAL_MATERIALS "\"fees\":{\"nieuw\":[]}}", "$.fees.nieuw: unknown business code" },
};

static void
test_bad (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_profiles); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CdProfile) p = cd_profile_load_data (bad_profiles[i].json, -1, "t.json", &error);

      g_test_message ("case %zu", i);
      if (bad_profiles[i].expect == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (p);
          continue;
        }
      g_assert_null (p);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "t.json: "));
      if (!strstr (error->message, bad_profiles[i].expect))
        g_error ("case %zu: “%s” lacks “%s”", i, error->message, bad_profiles[i].expect);
    }
}

static void
test_id_matches_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cd-profile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "other.json", NULL);
  g_autoptr(CdProfile) p = NULL;

  g_assert_true (g_file_set_contents (path, MINIMAL_HEAD MINIMAL_MATERIALS MINIMAL_FEES, -1, NULL));
  p = cd_profile_load_file (path, &error);
  g_assert_null (p);
  g_assert_nonnull (strstr (error->message, "$.id: “t” does not match the file name"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_unknown_profile (void)
{
  g_autoptr(CdProfileSet) set = load_shipped ();
  g_autoptr(GError) error = NULL;

  g_assert_null (cd_profile_set_lookup (set, "xj", &error));
  g_assert_error (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "bj-gov, nmg-zfcg-cfca"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/shipped", test_shipped);
  g_test_add_func ("/profile/facts", test_facts);
  g_test_add_func ("/profile/bad", test_bad);
  g_test_add_func ("/profile/id-matches-file", test_id_matches_file);
  g_test_add_func ("/profile/unknown", test_unknown_profile);
  return g_test_run ();
}
