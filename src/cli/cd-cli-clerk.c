/* cd-cli-clerk.c: `clerk list|add`: this counter's clerk accounts, as the supervisor's clerks panel manages them
 * (cd-clerk-store.c). Adding signs in as a supervisor (CERTDESK_SUPERVISOR and CERTDESK_PASSWORD, as `report
 * sign` does) and takes the new account's password from CERTDESK_NEW_PASSWORD: no password on the command line.
 * Once the counter has joined a central database, supervisors come from the head office (`central clerk`). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-cli.h"

static int
print_clerks (CdContext *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clerks = cd_clerk_store_list (ctx, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!clerks)
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "clerks");
  json_builder_begin_array (b);
  for (guint i = 0; i < clerks->len; i++)
    {
      CdClerk *c = clerks->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "login");
      json_builder_add_string_value (b, c->login);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c->name);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, cd_role_to_code (c->role));
      json_builder_set_member_name (b, "enabled");
      json_builder_add_boolean_value (b, c->enabled);
      json_builder_set_member_name (b, "head_office");
      json_builder_add_boolean_value (b, c->central);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_clerk (CdCli *cli, int argc, char **argv)
{
  g_autofree char *login = NULL, *name = NULL, *role = NULL;
  const GOptionEntry entries[] = {
    { "login", 0, 0, G_OPTION_ARG_STRING, &login, N_("The account's login"), "LOGIN" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The clerk's name"), "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("clerk, supervisor or printer"), "ROLE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  const char *sub = argc >= 2 ? argv[1] : "";
  const char *supervisor = g_getenv ("CERTDESK_SUPERVISOR"), *password = g_getenv ("CERTDESK_PASSWORD");
  const char *new_password = g_getenv ("CERTDESK_NEW_PASSWORD");
  CdContext *ctx;
  CdRole r = CD_ROLE_CLERK;
  int code = 0;

  const char *usage = _("usage: certdesk-cli clerk list | add --login LOGIN --name NAME --role ROLE "
                        "(a supervisor's CERTDESK_SUPERVISOR and CERTDESK_PASSWORD; the new "
                        "password in CERTDESK_NEW_PASSWORD)");

  if (g_str_equal (sub, "--help") || g_str_equal (sub, "-h"))
    {
      printf ("%s\n", usage);
      return CD_EXIT_OK;
    }
  if (!g_strv_contains ((const char *const[]) { "list", "add", NULL }, sub))
    return cd_cli_fail (CD_EXIT_USAGE, "%s", usage);
  argc--;
  argv++;
  if (!cd_cli_parse ("clerk", "list|add", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 1)
    return cd_cli_fail (CD_EXIT_USAGE, _("clerk %s takes no further arguments"), sub);
  if (g_str_equal (sub, "add"))
    {
      if (!login || !name || !role)
        return cd_cli_fail (CD_EXIT_USAGE, _("clerk add needs --login, --name and --role"));
      if (!cd_role_from_code (role, &r))
        return cd_cli_fail (CD_EXIT_INVALID, _("--role: “%s” is not a role; expected clerk, supervisor or printer"),
                            role);
      if (!supervisor || !*supervisor || !password)
        return cd_cli_fail (CD_EXIT_USAGE, _("Set CERTDESK_SUPERVISOR and CERTDESK_PASSWORD to a supervisor's "
                                             "login and password to add an account"));
      if (!new_password)
        return cd_cli_fail (CD_EXIT_USAGE, _("Set CERTDESK_NEW_PASSWORD to the new account's password"));
    }
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (g_str_equal (sub, "add"))
    {
      g_autoptr(CdClerk) me = NULL;

      if (!cd_clerk_store_login (ctx, supervisor, password, &me, &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      if (!cd_clerk_store_add (ctx, login, name, r, new_password, NULL, &error))
        {
          int fail = cd_cli_fail_error (g_error_matches (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID)
                                        || g_error_matches (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE)
                                        || g_error_matches (error, CD_CLERK_ERROR, CD_CLERK_ERROR_EXISTS)
                                        ? CD_EXIT_INVALID : CD_EXIT_STORAGE, error);
          cd_clerk_store_logout (ctx, NULL);
          return fail;
        }
      cd_clerk_store_logout (ctx, NULL);
    }
  return print_clerks (ctx);
}
