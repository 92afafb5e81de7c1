/* cd-cli-price.c: `price list|set|clear`: a counter's local prices (audited), e.g. for xj-ggzy. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-cli.h"
#include "cd-price-store.h"

int
cd_cli_cmd_price (CdCli *cli, int argc, char **argv)
{
  g_autofree char *profile = NULL, *business = NULL, *variant = NULL, *item = NULL;
  int years = 0;
  gint64 amount = G_MININT64;     /* not given */
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("Profile id"), "ID" },
    { "business", 0, 0, G_OPTION_ARG_STRING, &business, N_("Business code"), "B" },
    { "variant", 0, 0, G_OPTION_ARG_STRING, &variant, N_("Fee variant id of the profile"), "V" },
    { "item", 0, 0, G_OPTION_ARG_STRING, &item, N_("Fee item code"), "CODE" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("Term, for a term-table price"), "N" },
    { "amount-fen", 0, 0, G_OPTION_ARG_INT64, &amount, N_("New price in fen"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) list = NULL;
  CdPriceOverride o = { 0 };
  CdContext *ctx;
  int code = 0;
  const char *sub = argc >= 2 ? argv[1] : "";

  if (!cd_cli_parse ("price", "list|set|clear", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!profile || !g_strv_contains ((const char *const[]) { "list", "set", "clear", NULL }, sub))
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli price list|set|clear --profile ID [--business B "
                                         "--variant V --item CODE [--years N] --amount-fen N]"));
  if (amount != G_MININT64 && amount < 0)
    return cd_cli_fail (CD_EXIT_INVALID, _("--amount-fen: a price is 0 fen or more, not %lld"), (long long) amount);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_context_lookup_profile (ctx, profile, &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!g_str_equal (sub, "list"))
    {
      if (!business || !variant || !item || (g_str_equal (sub, "set") && amount == G_MININT64))
        return cd_cli_fail (CD_EXIT_USAGE, _("--business, --variant, --item (and --amount-fen to set) are required"));
      o.business = business;
      o.variant = variant;
      o.item = item;
      o.years = (guint) MAX (years, 0);
      o.amount_fen = amount;
      if (!(g_str_equal (sub, "set") ? cd_price_store_set (ctx, profile, &o, &error)
                                     : cd_price_store_clear (ctx, profile, &o, &error)))
        return cd_cli_fail_error (0, error);
    }
  if (!(list = cd_price_store_list (ctx, profile, &error)))
    return cd_cli_fail_error (0, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_string_value (b, profile);
  json_builder_set_member_name (b, "overrides");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      CdPriceOverride *p = list->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "business");
      json_builder_add_string_value (b, p->business);
      json_builder_set_member_name (b, "variant");
      json_builder_add_string_value (b, p->variant);
      json_builder_set_member_name (b, "item");
      json_builder_add_string_value (b, p->item);
      json_builder_set_member_name (b, "years");
      json_builder_add_int_value (b, p->years);
      json_builder_set_member_name (b, "amount_fen");
      json_builder_add_int_value (b, p->amount_fen);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}
