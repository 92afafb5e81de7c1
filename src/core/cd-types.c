/* cd-types.c: code ↔ enum tables of the domain, with translatable labels. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-types.h"

typedef struct {
  const char *code;
  const char *label; /* N_() marked, translated at lookup */
} CodeLabel;

static const CodeLabel businesses[CD_N_BUSINESSES] = {
  { "new", N_("New certificate") },
  { "renew", N_("Renewal") },
  { "replace", N_("Replacement") },
  { "unlock", N_("PIN unlock") },
  { "change", N_("Information change") },
  { "revoke", N_("Revocation") },
  { "suspend", N_("Suspension") },
  { "app-open", N_("Application activation") },
};

static const CodeLabel applicants[CD_N_APPLICANTS] = {
  { "enterprise", N_("Enterprise") },
  { "institution", N_("Public institution") },
  { "government", N_("Government body") },
  { "organization", N_("People's or social organisation") },
  { "individual", N_("Individual") },
  { "org-individual", N_("Individual within an organisation") },
  { "expert", N_("Evaluation expert") },
};

static const CodeLabel party_roles[CD_N_PARTY_ROLES] = {
  { "tenderer", N_("Tenderer / purchaser") },
  { "agency", N_("Procurement agency") },
  { "bidder", N_("Bidder") },
  { "expert", N_("Evaluation expert") },
  { "other", N_("Other") },
};

static const CodeLabel payment_methods[CD_N_PAYMENT_METHODS] = {
  { "cash", N_("Cash") },
  { "wechat", N_("WeChat Pay") },
  { "alipay", N_("Alipay") },
  { "bank-card", N_("Bank card") },
  { "bank-transfer", N_("Bank transfer") },
};

static const CodeLabel states[CD_N_STATES] = {
  { "draft", N_("Draft") },
  { "checked", N_("Checked") },
  { "paid", N_("Paid") },
  { "printed", N_("Printed") },
  { "issued", N_("Issued") },
  { "closed", N_("Closed") },
  { "voided", N_("Voided") },
};

static gboolean
lookup (const CodeLabel *table, guint n, const char *code, guint *out)
{
  for (guint i = 0; code && i < n; i++)
    if (g_str_equal (table[i].code, code))
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static char *
join_codes (const CodeLabel *table, guint n)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", table[i].code);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

#define DEFINE_CODES(prefix, Type, table, N)                                   \
  const char *prefix##_to_code (Type v)                                        \
  {                                                                            \
    g_return_val_if_fail ((guint) v < N, NULL);                                \
    return table[v].code;                                                      \
  }                                                                            \
  gboolean prefix##_from_code (const char *code, Type *out)                    \
  {                                                                            \
    guint i;                                                                   \
    if (!lookup (table, N, code, &i))                                          \
      return FALSE;                                                            \
    *out = (Type) i;                                                           \
    return TRUE;                                                               \
  }                                                                            \
  const char *prefix##_label (Type v)                                          \
  {                                                                            \
    g_return_val_if_fail ((guint) v < N, NULL);                                \
    return _(table[v].label);                                                  \
  }

DEFINE_CODES (cd_business, CdBusiness, businesses, CD_N_BUSINESSES)
DEFINE_CODES (cd_applicant_type, CdApplicantType, applicants, CD_N_APPLICANTS)
DEFINE_CODES (cd_party_role, CdPartyRole, party_roles, CD_N_PARTY_ROLES)
DEFINE_CODES (cd_payment_method, CdPaymentMethod, payment_methods, CD_N_PAYMENT_METHODS)
DEFINE_CODES (cd_state, CdState, states, CD_N_STATES)

gboolean
cd_applicant_type_is_person (CdApplicantType type)
{
  return type == CD_APPLICANT_INDIVIDUAL || type == CD_APPLICANT_ORG_INDIVIDUAL
         || type == CD_APPLICANT_EXPERT;
}

char *
cd_business_codes_joined (void)
{
  return join_codes (businesses, CD_N_BUSINESSES);
}

char *
cd_applicant_codes_joined (void)
{
  return join_codes (applicants, CD_N_APPLICANTS);
}

char *
cd_fen_to_yuan_string (gint64 fen)
{
  gint64 a = fen < 0 ? -fen : fen;

  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02d", fen < 0 ? "-" : "", a / 100, (int) (a % 100));
}
