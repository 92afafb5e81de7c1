/* cd-wizard-steps.c: the step table. Modules that provide a page (seals: src/imaging, print: src/forms,
 * burn: src/pki) replace the NULL page_type of their row with their page's get_type function; the page
 * implements CdWizardPage and takes a "context" construct property. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-applicant-page.h"
#include "cd-burn-page.h"
#include "cd-business-page.h"
#include "cd-cert-action-page.h"
#include "cd-done-page.h"
#include "cd-fee-page.h"
#include "cd-materials-page.h"
#include "cd-seals-page.h"
#include "cd-print-page.h"
#include "cd-wizard-steps.h"

#define ALL ((1u << CD_N_BUSINESSES) - 1)
#define B(x) (1u << CD_BUSINESS_##x)

static const CdWizardStep steps[] = {
  { "business", N_("Business"), N_("_1 Business"), cd_business_page_get_type, NULL, ALL },
  { "applicant", N_("Applicant"), N_("_2 Applicant"), cd_applicant_page_get_type, NULL, ALL },
  { "materials", N_("Materials"), N_("_3 Materials"), cd_materials_page_get_type, NULL, ALL },
  /* An unlock, a renewal, a revocation or an app activation keeps the seal already on the key. */
  { "seals", N_("Seals"), N_("_4 Seals"), cd_seals_page_get_type, NULL, B (NEW) | B (REPLACE) | B (CHANGE) },
  { "fee", N_("Fee"), N_("_5 Fee"), cd_fee_page_get_type, NULL, ALL },
  { "print", N_("Print"), N_("_6 Print"), cd_print_page_get_type, NULL, ALL },
  /* Revocation, suspension and app activation make no key pair: their seventh step works on the existing
   * certificate at the CA (cd-cert-action-page.c). */
  { "burn", N_("Issue"), N_("_7 Issue"), cd_burn_page_get_type, NULL,
    B (NEW) | B (RENEW) | B (REPLACE) | B (CHANGE) | B (UNLOCK) },
  { "action", N_("Certificate"), N_("_7 Certificate"), cd_cert_action_page_get_type, NULL,
    B (REVOKE) | B (SUSPEND) | B (APP_OPEN) },
  { "done", N_("Done"), N_("_8 Done"), cd_done_page_get_type, NULL, ALL },
};

const CdWizardStep *
cd_wizard_steps (guint *n_steps)
{
  *n_steps = G_N_ELEMENTS (steps);
  return steps;
}

gboolean
cd_wizard_step_applies (const CdWizardStep *step, CdBusiness business)
{
  return (step->businesses >> business) & 1;
}

gboolean
cd_wizard_business_has_step (CdBusiness business, const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_str_equal (steps[i].id, id))
      return cd_wizard_step_applies (&steps[i], business);
  return FALSE;
}

const char *
cd_wizard_step_to_resume (CdBusiness business, CdState state, const char *stored)
{
  switch (state)
    {
    case CD_STATE_DRAFT:
    case CD_STATE_CHECKED:
      /* a draft never saved past the fee step; an unknown step is the first */
      for (guint i = 0; stored && i < G_N_ELEMENTS (steps); i++)
        if (g_str_equal (steps[i].id, stored) && cd_wizard_step_applies (&steps[i], business))
          return steps[i].id;
      return "business";
    case CD_STATE_PAID:
      return "print";
    case CD_STATE_PRINTED:
      return cd_wizard_business_has_step (business, "burn") ? "burn"
             : cd_wizard_business_has_step (business, "action") ? "action" : "done";
    case CD_STATE_ISSUED:
    case CD_STATE_CLOSED:
    case CD_STATE_VOIDED:
    default:
      return "done";
    }
}

gboolean
cd_wizard_is_unfinished_paid (CdBusiness business, CdState state)
{
  return state == CD_STATE_PAID
         || (state == CD_STATE_PRINTED
             && (cd_wizard_business_has_step (business, "burn") || cd_wizard_business_has_step (business, "action")));
}
