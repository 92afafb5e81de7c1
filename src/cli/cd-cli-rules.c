/* cd-cli-rules.c: `profiles`, `checklist`, `fee` and `validate`: the core's rules from the command line. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-checklist.h"
#include "cd-cli.h"
#include "cd-fee.h"
#include "cd-ident.h"
#include "cd-price-store.h"

static void
add_codes (JsonBuilder *b, const char *name, guint mask, guint n, const char *(*to_code) (guint))
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    if ((mask >> i) & 1)
      json_builder_add_string_value (b, to_code (i));
  json_builder_end_array (b);
}

static const char *business_code (guint v) { return cd_business_to_code (v); }
static const char *applicant_code (guint v) { return cd_applicant_type_to_code (v); }
static const char *payment_code (guint v) { return cd_payment_method_to_code (v); }
static const char *party_code (guint v) { return cd_party_role_to_code (v); }

int
cd_cli_cmd_profiles (CdCli *cli, int argc, char **argv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) list = NULL;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse (argv[0], NULL, NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc > 1)
    return cd_cli_fail (CD_EXIT_USAGE, _("profiles takes no arguments, not “%s”"), argv[1]);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  list = cd_profile_set_list (cd_context_get_profiles (ctx));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      CdProfile *p = list->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, p->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, cd_profile_display_name (p));
      json_builder_set_member_name (b, "ca");
      json_builder_add_string_value (b, p->ca_name);
      json_builder_set_member_name (b, "region");
      json_builder_add_string_value (b, p->region);
      add_codes (b, "businesses", p->businesses, CD_N_BUSINESSES, business_code);
      add_codes (b, "applicants", p->applicants, CD_N_APPLICANTS, applicant_code);
      add_codes (b, "party_roles", p->party_roles, CD_N_PARTY_ROLES, party_code);
      add_codes (b, "payment_methods", p->payment_methods, CD_N_PAYMENT_METHODS, payment_code);
      json_builder_set_member_name (b, "validity_years");
      json_builder_add_int_value (b, p->validity_years);
      json_builder_set_member_name (b, "form_copies");
      json_builder_add_int_value (b, p->form_copies);
      json_builder_set_member_name (b, "samples_per_form");
      json_builder_add_int_value (b, p->samples_per_form);
      json_builder_set_member_name (b, "has_prices");
      json_builder_add_boolean_value (b, cd_profile_has_prices (p));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

/* --business and --applicant, checked against the code lists. */
static int
parse_codes (const char *business, const char *applicant, CdBusiness *b, CdApplicantType *a)
{
  g_autofree char *bl = cd_business_codes_joined ();
  g_autofree char *al = cd_applicant_codes_joined ();

  if (!business || !applicant)
    return cd_cli_fail (CD_EXIT_USAGE, _("--profile, --business and --applicant are required"));
  if (!cd_business_from_code (business, b))
    return cd_cli_fail (CD_EXIT_INVALID, _("--business: “%s” is not one of %s"), business, bl);
  if (!cd_applicant_type_from_code (applicant, a))
    return cd_cli_fail (CD_EXIT_INVALID, _("--applicant: “%s” is not one of %s"), applicant, al);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_checklist (CdCli *cli, int argc, char **argv)
{
  g_autofree char *profile_id = NULL, *business = NULL, *applicant = NULL;
  gboolean no_uscc = FALSE, e_seal = FALSE, legal_present = FALSE, one_cert = FALSE;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_id, N_("Profile id"), "ID" },
    { "business", 0, 0, G_OPTION_ARG_STRING, &business, N_("Business code"), "B" },
    { "applicant", 0, 0, G_OPTION_ARG_STRING, &applicant, N_("Applicant type code"), "A" },
    { "no-uscc", 0, 0, G_OPTION_ARG_NONE, &no_uscc, N_("The unit has no USCC certificate"), NULL },
    { "e-seal", 0, 0, G_OPTION_ARG_NONE, &e_seal, N_("An e-seal is ordered"), NULL },
    { "legal-person-present", 0, 0, G_OPTION_ARG_NONE, &legal_present, N_("The legal person comes in person"), NULL },
    { "one-cert", 0, 0, G_OPTION_ARG_NONE, &one_cert, N_("The unit already holds a 一证通 certificate"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdChecklistOptions opts = CD_CHECKLIST_OPTIONS_INIT;
  CdBusiness bus;
  CdApplicantType type;
  CdProfile *profile;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse (argv[0], NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!profile_id)
    return cd_cli_fail (CD_EXIT_USAGE, _("--profile, --business and --applicant are required"));
  if ((code = parse_codes (business, applicant, &bus, &type)) != 0)
    return code;
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(profile = cd_context_lookup_profile (ctx, profile_id, &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  opts.has_uscc = !no_uscc;
  opts.e_seal = e_seal;
  opts.legal_person_present = legal_present;
  opts.one_cert = one_cert;
  if (!(list = cd_checklist_build (profile, bus, type, &opts, &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, profile->id);
  json_builder_set_member_name (b, "business");
  json_builder_add_string_value (b, business);
  json_builder_set_member_name (b, "applicant");
  json_builder_add_string_value (b, applicant);
  json_builder_set_member_name (b, "materials");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      g_autofree char *desc = cd_material_describe (m);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, m->code);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, cd_localized (m->label, m->label_zh));
      json_builder_set_member_name (b, "required");
      json_builder_add_boolean_value (b, m->required);
      json_builder_set_member_name (b, "original");
      json_builder_add_boolean_value (b, m->original);
      json_builder_set_member_name (b, "copy");
      json_builder_add_boolean_value (b, m->copy);
      json_builder_set_member_name (b, "copies");
      json_builder_add_int_value (b, m->copy ? m->copies : 0);
      json_builder_set_member_name (b, "stamped");
      json_builder_add_boolean_value (b, m->stamped);
      json_builder_set_member_name (b, "scan");
      json_builder_add_boolean_value (b, m->scan);
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, desc);
      if (m->note)
        {
          json_builder_set_member_name (b, "note");
          json_builder_add_string_value (b, cd_localized (m->note, m->note_zh));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_fee (CdCli *cli, int argc, char **argv)
{
  g_autofree char *profile_id = NULL, *business = NULL, *applicant = NULL;
  int years = -1, keys = 1, seals = 0;     /* years -1: not given, the profile's term */
  gboolean zero_fee = FALSE, one_cert = FALSE;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_id, N_("Profile id"), "ID" },
    { "business", 0, 0, G_OPTION_ARG_STRING, &business, N_("Business code"), "B" },
    { "applicant", 0, 0, G_OPTION_ARG_STRING, &applicant, N_("Applicant type code"), "A" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("Term in years (default: the profile's)"), "N" },
    { "keys", 0, 0, G_OPTION_ARG_INT, &keys, N_("USB keys (default 1)"), "N" },
    { "seals", 0, 0, G_OPTION_ARG_INT, &seals, N_("E-seals (default 0)"), "N" },
    { "zero-fee", 0, 0, G_OPTION_ARG_NONE, &zero_fee, N_("A zero-fee unit"), NULL },
    { "one-cert", 0, 0, G_OPTION_ARG_NONE, &one_cert, N_("Already holds a 一证通 certificate"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdFeeRequest req = { 0 };
  CdBusiness bus;
  CdApplicantType type;
  CdProfile *profile;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse (argv[0], NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!profile_id)
    return cd_cli_fail (CD_EXIT_USAGE, _("--profile, --business and --applicant are required"));
  if ((code = parse_codes (business, applicant, &bus, &type)) != 0)
    return code;
  if (years != -1 && (years < 1 || years > 10))
    return cd_cli_fail (CD_EXIT_INVALID, _("--years must be between 1 and 10, not %d"), years);
  if (keys < 1 || keys > 50)
    return cd_cli_fail (CD_EXIT_INVALID, _("--keys must be between 1 and 50, not %d"), keys);
  if (seals < 0 || seals > 20)
    return cd_cli_fail (CD_EXIT_INVALID, _("--seals must be between 0 and 20, not %d"), seals);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(profile = cd_context_lookup_profile (ctx, profile_id, &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  req.years = years < 0 ? 0 : (guint) years;
  req.keys = (guint) keys;
  req.seals = (guint) seals;
  req.zero_fee = zero_fee;
  req.one_cert = one_cert;
  if (!(quote = cd_price_store_quote (ctx, profile, bus, type, &req, &error)))
    return cd_cli_fail_error (0, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, profile->id);
  json_builder_set_member_name (b, "business");
  json_builder_add_string_value (b, business);
  json_builder_set_member_name (b, "applicant");
  json_builder_add_string_value (b, applicant);
  json_builder_set_member_name (b, "variant");
  json_builder_add_string_value (b, quote->variant);
  if (quote->years)
    {
      json_builder_set_member_name (b, "years");
      json_builder_add_int_value (b, quote->years);
    }
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, "CNY");
  json_builder_set_member_name (b, "total_fen");
  json_builder_add_int_value (b, quote->total_fen);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < quote->lines->len; i++)
    {
      const CdFeeLine *l = quote->lines->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, l->code);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, l->label);
      json_builder_set_member_name (b, "qty");
      json_builder_add_int_value (b, l->qty);
      json_builder_set_member_name (b, "unit_fen");
      json_builder_add_int_value (b, l->unit_fen);
      json_builder_set_member_name (b, "amount_fen");
      json_builder_add_int_value (b, l->amount_fen);
      if (l->overridden)
        {
          /* the head office's price (docs/central.md) or this counter's own */
          json_builder_set_member_name (b, l->central ? "head_office_price" : "local_price");
          json_builder_add_boolean_value (b, TRUE);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_validate (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdIdentKind kind;
  gboolean ok;

  if (!cd_cli_parse (argv[0], "uscc|orgcode|id|mobile|taxpayer VALUE", NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 3)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli validate uscc|orgcode|id|mobile|taxpayer VALUE"));
  if (!cd_ident_kind_from_string (argv[1], &kind))
    return cd_cli_fail (CD_EXIT_USAGE, _("“%s” is not uscc, orgcode, id, mobile or taxpayer"), argv[1]);
  ok = cd_ident_check (kind, argv[2], &error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, argv[1]);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, argv[2]);
  json_builder_set_member_name (b, "valid");
  json_builder_add_boolean_value (b, ok);
  if (!ok)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
    }
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  if (!ok)
    return cd_cli_fail (CD_EXIT_INVALID, "%s", error->message);
  return CD_EXIT_OK;
}
