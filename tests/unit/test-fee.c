/* test-fee.c: every fee row of domain.md, the refusals, and local price overrides. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-fee.h"
#include "cd-paths.h"

typedef struct {
  const char *profile;
  const char *business;
  const char *applicant;
  guint       years, keys, seals;
  gboolean    zero_fee, one_cert;
  gint64      total_fen;      /* expected; -1 = refused */
  int         error_code;
  const char *items;          /* "code:qty:amount,…" or the message substring when refused */
} FeeCase;

static const FeeCase fee_cases[] = {
  /* xj-fee-mgmt */
  { "xj-fee-mgmt", "new", "enterprise", 0, 1, 0, FALSE, FALSE, 40000, 0, "cert:1:40000" },
  { "xj-fee-mgmt", "new", "institution", 2, 1, 0, FALSE, FALSE, 40000, 0, "cert:1:40000" },
  { "xj-fee-mgmt", "renew", "enterprise", 2, 1, 0, FALSE, FALSE, 20000, 0, "cert:1:20000" },
  { "xj-fee-mgmt", "renew", "enterprise", 4, 1, 0, FALSE, FALSE, 40000, 0, "cert:2:40000" },
  { "xj-fee-mgmt", "new", "government", 2, 1, 0, FALSE, TRUE, 20000, 0, "cert:1:20000" },
  { "xj-fee-mgmt", "replace", "enterprise", 0, 1, 0, FALSE, FALSE, 5000, 0, "replace:1:5000" },
  { "xj-fee-mgmt", "new", "organization", 0, 1, 0, TRUE, FALSE, 5000, 0, "medium:1:5000" },
  { "xj-fee-mgmt", "new", "enterprise", 3, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_TERM, "for 2 years, not 3 years" },
  { "xj-fee-mgmt", "unlock", "enterprise", 0, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_PRICE_UNSET, "a supervisor must set it" },
  /* xjbt-hpf */
  { "xjbt-hpf", "new", "enterprise", 0, 1, 0, FALSE, FALSE, 40000, 0, "cert:1:40000" },
  { "xjbt-hpf", "app-open", "enterprise", 6, 1, 0, FALSE, FALSE, 15000, 0, "app:1:15000" },
  { "xjbt-hpf", "replace", "institution", 0, 1, 0, FALSE, FALSE, 5000, 0, "replace:1:5000" },
  { "xjbt-hpf", "renew", "enterprise", 0, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_NOT_OFFERED, "does not offer the business “renew”" },
  /* xj-ggzy: no shipped prices */
  { "xj-ggzy", "new", "enterprise", 1, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_PRICE_UNSET, "Settings → Prices" },
  { "xj-ggzy", "renew", "enterprise", 1, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_PRICE_UNSET, "(Xinjiang CA – public resource trading, Renewal)" },   /* names, not codes */
  /* nmg-zfcg-sxca: 300 / 260 per key per year */
  { "nmg-zfcg-sxca", "new", "enterprise", 1, 1, 0, FALSE, FALSE, 30000, 0, "cert:1:30000" },
  { "nmg-zfcg-sxca", "new", "enterprise", 1, 2, 0, FALSE, FALSE, 60000, 0, "cert:2:60000" },
  { "nmg-zfcg-sxca", "new", "enterprise", 2, 2, 0, FALSE, FALSE, 120000, 0, "cert:4:120000" },
  { "nmg-zfcg-sxca", "renew", "institution", 1, 1, 0, FALSE, FALSE, 26000, 0, "cert:1:26000" },
  { "nmg-zfcg-sxca", "unlock", "enterprise", 0, 1, 0, FALSE, FALSE, 0, 0, "" },
  { "nmg-zfcg-sxca", "change", "enterprise", 0, 1, 0, FALSE, FALSE, 0, 0, "" },
  { "nmg-zfcg-sxca", "new", "individual", 1, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_NOT_OFFERED, "applicant type “individual”" },
  /* nmg-zfcg-cfca (翔晟): 1/2/4-year tables */
  { "nmg-zfcg-cfca", "new", "enterprise", 1, 1, 0, FALSE, FALSE, 25000, 0, "cert:1:25000" },
  { "nmg-zfcg-cfca", "new", "enterprise", 2, 1, 0, FALSE, FALSE, 45000, 0, "cert:1:45000" },
  { "nmg-zfcg-cfca", "new", "enterprise", 4, 1, 0, FALSE, FALSE, 85000, 0, "cert:1:85000" },
  { "nmg-zfcg-cfca", "renew", "enterprise", 1, 1, 0, FALSE, FALSE, 20000, 0, "cert:1:20000" },
  { "nmg-zfcg-cfca", "renew", "enterprise", 2, 1, 0, FALSE, FALSE, 40000, 0, "cert:1:40000" },
  { "nmg-zfcg-cfca", "renew", "enterprise", 4, 1, 0, FALSE, FALSE, 80000, 0, "cert:1:80000" },
  { "nmg-zfcg-cfca", "replace", "enterprise", 0, 1, 0, FALSE, FALSE, 5000, 0, "replace:1:5000" },
  { "nmg-zfcg-cfca", "new", "enterprise", 3, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_TERM, "for 1, 2 or 4 years, not 3 years" },
  { "nmg-zfcg-cfca", "new", "enterprise", 2, 2, 0, FALSE, FALSE, 90000, 0, "cert:2:90000" },
  /* bj-gov */
  { "bj-gov", "new", "institution", 1, 1, 1, FALSE, FALSE, 35000, 0, "cert:1:20000,medium:1:10000,e_seal:1:5000" },
  { "bj-gov", "new", "enterprise", 2, 2, 0, FALSE, FALSE, 60000, 0, "cert:2:40000,medium:2:20000" },
  { "bj-gov", "new", "individual", 1, 1, 1, FALSE, FALSE, 21000, 0, "cert:1:6000,medium:1:10000,e_seal:1:5000" },
  { "bj-gov", "renew", "government", 1, 1, 0, FALSE, FALSE, 19000, 0, "cert:1:19000" },
  { "bj-gov", "renew", "individual", 1, 1, 0, FALSE, FALSE, 6000, 0, "cert:1:6000" },
  { "bj-gov", "replace", "enterprise", 0, 1, 0, FALSE, FALSE, 10000, 0, "medium:1:10000" },
  { "bj-gov", "change", "enterprise", 0, 1, 0, FALSE, FALSE, 0, 0, "" },
  { "bj-gov", "change", "enterprise", 0, 1, 2, FALSE, FALSE, 10000, 0, "e_seal:2:10000" },
  { "bj-gov", "revoke", "org-individual", 0, 1, 0, FALSE, FALSE, 0, 0, "" },
  { "bj-gov", "unlock", "enterprise", 0, 1, 0, FALSE, FALSE, -1, CD_FEE_ERROR_NOT_OFFERED, "does not offer the business “unlock”" },
  { "bj-gov", "new", "enterprise", 1, 1, 0, TRUE, FALSE, -1, CD_FEE_ERROR_NOT_OFFERED, "no zero-fee-unit price" },
  { "bj-gov", "new", "enterprise", 1, 51, 0, FALSE, FALSE, -1, CD_FEE_ERROR_QUANTITY, "At most 50 keys" },
};

static CdProfileSet *profiles;

static CdProfile *
profile (const char *id)
{
  CdProfile *p = cd_profile_set_lookup (profiles, id, NULL);

  g_assert_nonnull (p);
  return p;
}

static char *
describe_lines (const CdFeeQuote *q)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < q->lines->len; i++)
    {
      const CdFeeLine *l = q->lines->pdata[i];
      g_string_append_printf (s, "%s%s:%u:%" G_GINT64_FORMAT, i ? "," : "", l->code, l->qty, l->amount_fen);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_rows (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fee_cases); i++)
    {
      const FeeCase *c = &fee_cases[i];
      CdFeeRequest req = { c->years, c->keys, c->seals, c->zero_fee, c->one_cert };
      CdBusiness b;
      CdApplicantType a;
      g_autoptr(GError) error = NULL;
      g_autoptr(CdFeeQuote) q = NULL;

      g_assert_true (cd_business_from_code (c->business, &b));
      g_assert_true (cd_applicant_type_from_code (c->applicant, &a));
      q = cd_fee_quote (profile (c->profile), b, a, &req, NULL, &error);
      g_test_message ("case %zu: %s %s %s", i, c->profile, c->business, c->applicant);
      if (c->total_fen < 0)
        {
          g_assert_null (q);
          g_assert_error (error, CD_FEE_ERROR, c->error_code);
          if (!strstr (error->message, c->items))
            g_error ("case %zu: “%s” lacks “%s”", i, error->message, c->items);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (q->total_fen, ==, c->total_fen);
      {
        g_autofree char *lines = describe_lines (q);
        g_assert_cmpstr (lines, ==, c->items);
      }
    }
}

static void
test_overrides (void)
{
  g_autoptr(GPtrArray) overrides = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_price_override_free);
  CdPriceOverride *o = g_new0 (CdPriceOverride, 1);
  CdPriceOverride *t = g_new0 (CdPriceOverride, 1);
  CdFeeRequest req = { 1, 1, 0, FALSE, FALSE };
  g_autoptr(CdFeeQuote) q = NULL;
  g_autoptr(CdFeeQuote) t2 = NULL;
  g_autoptr(GError) error = NULL;

  /* a supervisor prices xj-ggzy's new certificate at 180 yuan a year */
  o->business = g_strdup ("new");
  o->variant = g_strdup ("standard");
  o->item = g_strdup ("cert");
  o->amount_fen = 18000;
  g_ptr_array_add (overrides, o);
  req.years = 2;
  q = cd_fee_quote (profile ("xj-ggzy"), CD_BUSINESS_NEW, CD_APPLICANT_ENTERPRISE, &req, overrides, &error);
  g_assert_no_error (error);
  g_assert_cmpint (q->total_fen, ==, 36000);
  g_assert_true (((CdFeeLine *) q->lines->pdata[0])->overridden);

  /* a term-table entry is overridden per term; the others keep the shipped price */
  t->business = g_strdup ("new");
  t->variant = g_strdup ("standard");
  t->item = g_strdup ("cert");
  t->years = 2;
  t->amount_fen = 40000;
  g_ptr_array_add (overrides, t);
  t2 = cd_fee_quote (profile ("nmg-zfcg-cfca"), CD_BUSINESS_NEW, CD_APPLICANT_ENTERPRISE, &req, overrides, &error);
  g_assert_no_error (error);
  g_assert_cmpint (t2->total_fen, ==, 40000);
  g_clear_pointer (&t2, cd_fee_quote_free);
  req.years = 4;
  t2 = cd_fee_quote (profile ("nmg-zfcg-cfca"), CD_BUSINESS_NEW, CD_APPLICANT_ENTERPRISE, &req, overrides, &error);
  g_assert_cmpint (t2->total_fen, ==, 85000);
}

static void
test_default_years (void)
{
  CdFeeRequest req = { 0, 1, 0, FALSE, FALSE };
  g_autoptr(CdFeeQuote) q = cd_fee_quote (profile ("xjbt-hpf"), CD_BUSINESS_NEW, CD_APPLICANT_ENTERPRISE, &req,
                                          NULL, NULL);

  g_assert_cmpuint (q->years, ==, 6);
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
  g_test_add_func ("/fee/rows", test_rows);
  g_test_add_func ("/fee/overrides", test_overrides);
  g_test_add_func ("/fee/default-years", test_default_years);
  rc = g_test_run ();
  cd_profile_set_free (profiles);
  return rc;
}
