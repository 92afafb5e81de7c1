/* cd-cli-central.c: `central init|join` and `sync`: many outlets, one CA (docs/central.md). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-central.h"
#include "cd-cli.h"

static int
exit_for (const GError *error)
{
  if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID))
    return CD_EXIT_INVALID;
  /* Not joined: a question of set-up, answered like a usage error (docs/central.md). */
  if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED))
    return CD_EXIT_USAGE;
  return CD_EXIT_STORAGE;
}

static int
cmd_init (int argc, char **argv)
{
  g_autofree char *outlet = NULL, *name = NULL, *role = NULL;
  const GOptionEntry entries[] = {
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, N_("Also make this outlet (its code)"), "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The outlet's name"), "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("The database user the outlet's counters log in as"), "USER" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int version = 0, applied = 0;

  if (!cd_cli_parse ("central init", "URL", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("central init needs the central database's URL (a libpq URI)"));
  if ((name || role) && !outlet)
    return cd_cli_fail (CD_EXIT_USAGE, _("--name and --role go with --outlet CODE"));
  if (outlet && (!name || !role))
    return cd_cli_fail (CD_EXIT_USAGE, _("--outlet needs --name NAME and --role USER"));
  if (!cd_central_init (argv[1], outlet, name, role, &version, &applied, &error))
    return cd_cli_fail_error (exit_for (error), error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, version);
  json_builder_set_member_name (b, "applied");
  json_builder_add_int_value (b, applied);
  if (outlet)
    {
      json_builder_set_member_name (b, "outlet");
      json_builder_add_string_value (b, outlet);
    }
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

static int
cmd_join (CdCli *cli, int argc, char **argv)
{
  g_autofree char *outlet = NULL, *name = NULL, *counter = NULL;
  const GOptionEntry entries[] = {
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, N_("The outlet this counter belongs to (its code)"), "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("This counter's name"), "NAME" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 queued = 0;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("central join", "URL", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2 || !outlet || !name)
    return cd_cli_fail (CD_EXIT_USAGE, _("central join needs URL, --outlet CODE and --name NAME"));
  if (!cd_central_check_url (argv[1], &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_central_join (cd_context_get_store (ctx), argv[1], outlet, name, &counter, &queued, &error))
    return cd_cli_fail_error (exit_for (error), error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "outlet");
  json_builder_add_string_value (b, outlet);
  json_builder_set_member_name (b, "counter");
  json_builder_add_string_value (b, counter);
  json_builder_set_member_name (b, "queued");
  json_builder_add_int_value (b, queued);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

static int
cmd_verify (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  gboolean intact = FALSE;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("central verify", "[URL]", NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc > 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("central verify takes at most one URL (default: this counter's)"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(report = cd_central_verify (cd_context_get_store (ctx), argc == 2 ? argv[1] : NULL, &intact, &error)))
    return cd_cli_fail_error (exit_for (error), error);
  cd_cli_print_json (report);
  return intact ? CD_EXIT_OK : cd_cli_fail_error (CD_EXIT_STORAGE, error);
}

int
cd_cli_cmd_central (CdCli *cli, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "verify"))
    return cmd_verify (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "init"))
    return cmd_init (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "join"))
    return cmd_join (cli, argc - 1, argv + 1);
  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _("usage: certdesk-cli central init URL [--outlet CODE --name NAME --role USER]"
                        " | central join URL --outlet CODE --name NAME | central verify [URL]"));
      return CD_EXIT_OK;
    }
  return cd_cli_fail (CD_EXIT_USAGE, _("central needs init URL, join URL --outlet CODE --name NAME or verify [URL]"));
}

int
cd_cli_cmd_sync (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdCentralSyncResult r;
  CdContext *ctx;
  gboolean ok;
  int code = 0;

  if (!cd_cli_parse ("sync", NULL, NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  ok = cd_central_sync (cd_context_get_store (ctx), &r, &error);
  if (!ok && g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED))
    return cd_cli_fail_error (CD_EXIT_USAGE, error);
  /* The counts go out even when the round stopped half-way (offline: what is still waiting). */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pushed");
  json_builder_add_int_value (b, r.pushed);
  json_builder_set_member_name (b, "pulled");
  json_builder_add_int_value (b, r.pulled);
  json_builder_set_member_name (b, "pending");
  json_builder_add_int_value (b, r.pending);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return ok ? CD_EXIT_OK : cd_cli_fail_error (exit_for (error), error);
}

int
cd_cli_cmd_customer (CdCli *cli, int argc, char **argv)
{
  gint64 limit = 50;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, N_("Most customers to print (default 50)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) found = NULL;
  CdContext *ctx;
  int code = 0;

  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _("usage: certdesk-cli customer find TEXT [--limit N]"));
      return CD_EXIT_OK;
    }
  if (argc < 2 || !g_str_equal (argv[1], "find"))
    return cd_cli_fail (CD_EXIT_USAGE, _("customer needs find TEXT (a name, a USCC or an ID number)"));
  argc--;
  argv++;
  if (!cd_cli_parse ("customer find", "TEXT", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2 || !*g_strstrip (argv[1]) || limit < 1)
    return cd_cli_fail (CD_EXIT_USAGE, _("customer find needs TEXT (a name, a USCC or an ID number)"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(found = cd_central_find_customers (cd_context_get_store (ctx), argv[1], (guint) MIN (limit, 10000),
                                           &error)))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  cd_cli_print_json (found);
  return CD_EXIT_OK;
}

gboolean
cd_cli_central_audit_compare (CdContext *ctx, gint64 *out_central_rows, gint64 *out_bad_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(GError) local = NULL;

  *out_central_rows = -1;
  if (!cd_central_is_joined (store, NULL))
    return TRUE;
  if (cd_central_audit_compare (store, out_central_rows, out_bad_id, &local))
    return TRUE;
  /* Offline: the local chain stands on its own; the comparison waits for the line ("central_rows": null). */
  if (local->domain == CD_CENTRAL_ERROR)
    {
      *out_central_rows = -1;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
