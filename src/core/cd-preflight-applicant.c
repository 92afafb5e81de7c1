/* cd-preflight-applicant.c: who applies — the agent the checklist makes part of the application, the USCC
 * against the applicant type (GB 32100). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-checklist.h"
#include "cd-ident.h"
#include "cd-preflight-private.h"

/* GB 32100 table 1: what the registration authority (character 1) and the kind (character 2) say. */
static const char *
uscc_kind (const char *uscc)
{
  switch (uscc[0])
    {
    case '1':
      return uscc[1] == '1' ? _("a government body (registered by the staffing authority, 11…)")
             : uscc[1] == '2' ? _("a public institution (registered by the staffing authority, 12…)")
             : uscc[1] == '3' ? _("a people’s organisation (registered by the staffing authority, 13…)")
             : _("a body registered by the staffing authority (1…)");
    case '5':
      return _("a social organisation (registered by the civil affairs authority, 5…)");
    case '9':
      return uscc[1] == '2' ? _("a self-employed business (registered by the market regulator, 92…)")
             : uscc[1] == '3' ? _("a farmers’ cooperative (registered by the market regulator, 93…)")
             : _("an enterprise (registered by the market regulator, 9…)");
    case '8':
      return _("a trade union (8…)");
    default:
      return NULL;
    }
}

static gboolean
uscc_fits_type (const char *uscc, CdApplicantType type)
{
  switch (type)
    {
    case CD_APPLICANT_ENTERPRISE:
      return uscc[0] == '9' || (uscc[0] != '1' && uscc[0] != '5' && uscc[0] != '8');
    case CD_APPLICANT_INSTITUTION:
      return !(uscc[0] == '9' || uscc[0] == '5' || (uscc[0] == '1' && uscc[1] == '1'));
    case CD_APPLICANT_GOVERNMENT:
      return !(uscc[0] == '9' || uscc[0] == '5' || (uscc[0] == '1' && uscc[1] == '2'));
    case CD_APPLICANT_ORGANIZATION:
      return uscc[0] != '9';
    default:
      return TRUE;
    }
}

void
cd_preflight_rule_applicant (CdPreflightRun *r)
{
  const CdApplication *app = r->app;
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (r->profile, app->business, app->applicant_type, &opts, NULL);
  gboolean agent_id = FALSE;

  /* An agent's ID copy on the checklist (a BJCA personal certificate is applied for through the unit, by its
   * agent) means the agent is part of the application: the forms print the agent, the copy is checked
   * against it. */
  for (guint i = 0; list && i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      agent_id |= m->required && g_str_has_prefix (m->code, "agent_id");
    }
  if (agent_id)
    {
      if (app->agent == NULL || app->agent->name == NULL || !*app->agent->name)
        cd_preflight_add_fault (r, CD_PREFLIGHT_APPLICANT, CD_PREFLIGHT_FAULT_ERROR, "applicant", "$.agent.name",
                                _("The agent’s name is required: the checklist asks for the agent’s ID copy, so "
                                  "the agent who comes to the counter is part of the application"));
      if (app->agent == NULL || app->agent->id_number == NULL || !*app->agent->id_number)
        cd_preflight_add_fault (r, CD_PREFLIGHT_APPLICANT, CD_PREFLIGHT_FAULT_ERROR, "applicant", "$.agent.id_number",
                                _("The agent’s ID number is required: the checklist asks for the agent’s ID copy"));
    }
  if (app->unit && app->unit->uscc && strlen (app->unit->uscc) == 18 && cd_ident_check_uscc (app->unit->uscc, NULL)
      && !uscc_fits_type (app->unit->uscc, app->applicant_type) && uscc_kind (app->unit->uscc))
    cd_preflight_add_fault (r, CD_PREFLIGHT_APPLICANT, CD_PREFLIGHT_FAULT_WARNING, "applicant", "$.unit.uscc",
                            _("The unified social credit code %.2s… is that of %s, but the applicant type is “%s”: "
                              "check the applicant type or the code"), app->unit->uscc, uscc_kind (app->unit->uscc),
                            cd_applicant_type_label (app->applicant_type));
}
