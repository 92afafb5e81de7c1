/* cd-preflight-applicant.c: who applies — the agent the checklist makes part of the application, the USCC
 * against the applicant type (GB 32100), names and phone numbers as the certificate and the forms take them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-checklist.h"
#include "cd-ident.h"
#include "cd-input.h"
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

/* A person's name prints in the forms' name boxes (shrunk to fit, legible up to about this many characters) and
 * goes into the certificate (64); the longest names on Chinese ID documents (transliterated names with
 * "·") stay well below it. */
#define PERSON_NAME_MAX_CHARS 30
/* A landline with area code and extension, or a mobile: 7 to 20 digits. */
#define PHONE_MIN_DIGITS 7
#define PHONE_MAX_DIGITS 20

static void
check_name (CdPreflightRun *r, const char *path, const char *label, gboolean person, const char *name)
{
  const char *bad;
  glong n;

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return;                         /* empty: the required-field rules; not UTF-8: the text rule */
  if ((bad = cd_input_refused_name_char (name)))
    {
      char ch[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (bad), ch);
      cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "applicant", path,
                              person ? _("%s contains “%s” (character %ld): a person’s name takes only the letters "
                                         "of the ID document, with “·” or a space between its parts; emoji and "
                                         "symbols are not allowed")
                                     : _("%s contains “%s” (character %ld): a unit name takes only the characters "
                                         "of the registered name (letters, digits, brackets and punctuation); "
                                         "emoji and symbols are not allowed"),
                              label, ch, g_utf8_pointer_to_offset (name, bad) + 1);
      return;
    }
  n = g_utf8_strlen (name, -1);
  if (person && n > PERSON_NAME_MAX_CHARS)
    cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "applicant", path,
                            _("%s has %ld characters; a person’s name takes at most %d (what the forms and the "
                              "certificate print): type the name exactly as on the ID document"),
                            label, n, PERSON_NAME_MAX_CHARS);
}

static void
check_phone (CdPreflightRun *r, const char *path, const char *label, const char *phone)
{
  guint digits = 0;

  if (phone == NULL || *phone == '\0')
    return;
  for (const char *p = phone; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != '-' && *p != ' ')
        {
          cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "applicant", path,
                                  _("%s may contain only digits, with “-” or spaces between groups (for example "
                                    "0471-6612345)"), label);
          return;
        }
    }
  if (digits < PHONE_MIN_DIGITS || digits > PHONE_MAX_DIGITS)
    cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "applicant", path,
                            _("%s has %u digits; a phone number has %d to %d digits, area code included (for "
                              "example 0471-6612345)"), label, digits, PHONE_MIN_DIGITS, PHONE_MAX_DIGITS);
}

static void
check_names_and_phones (CdPreflightRun *r)
{
  const CdApplication *app = r->app;

  if (app->unit)
    {
      check_name (r, "$.unit.name", _("The unit name"), FALSE, app->unit->name);
      check_phone (r, "$.unit.phone", _("The unit’s phone number"), app->unit->phone);
    }
  if (app->legal_person)
    check_name (r, "$.legal_person.name", _("The legal person’s name"), TRUE, app->legal_person->name);
  if (app->agent)
    check_name (r, "$.agent.name", _("The agent’s name"), TRUE, app->agent->name);
  if (app->person)
    check_name (r, "$.person.name", _("The applicant’s name"), TRUE, app->person->name);
  if (app->invoice)
    check_phone (r, "$.invoice.phone", _("The phone number on the invoice"), app->invoice->phone);
}

void
cd_preflight_rule_applicant (CdPreflightRun *r)
{
  const CdApplication *app = r->app;
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (r->profile, app->business, app->applicant_type, &opts, NULL);
  gboolean agent_id = FALSE;

  check_names_and_phones (r);

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
