/* cd-cli-audit.c: `audit verify` and `audit list`: the tamper-evident log, checkable by anyone with the file. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-audit.h"
#include "cd-cli.h"

static int
cmd_verify (CdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 rows = 0, bad = 0, central_rows = -1;
  gboolean ok;
  CdContext *ctx;
  int code = 0;

  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  ok = cd_audit_verify (cd_context_get_store (ctx), &rows, &bad, &error);
#ifdef CD_CLI_HAVE_CENTRAL
  /* A joined counter's chain must also match its central copy (docs/central.md): a cut-off tail shows there. */
  if (ok)
    ok = cd_cli_central_audit_compare (ctx, &central_rows, &bad, &error);
#endif
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "intact");
  json_builder_add_boolean_value (b, ok);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, rows);
  if (central_rows >= 0)
    {
      json_builder_set_member_name (b, "central_rows");
      json_builder_add_int_value (b, central_rows);
    }
  if (!ok)
    {
      json_builder_set_member_name (b, "first_bad_row");
      if (bad)
        json_builder_add_int_value (b, bad);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
    }
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return ok ? CD_EXIT_OK : cd_cli_fail (CD_EXIT_STORAGE, "%s", error->message);
}

static int
cmd_list (CdCli *cli, int argc, char **argv)
{
  gint64 limit = 100;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, N_("Newest rows to print (default 100)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("audit list", NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (limit < 1)
    return cd_cli_fail (CD_EXIT_INVALID, _("--limit: the number of rows is 1 or more, not %lld"), (long long) limit);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(rows = cd_audit_list (cd_context_get_store (ctx), limit, &error)))
    return cd_cli_fail_error (0, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      CdAuditRow *row = rows->pdata[i];
      g_autoptr(JsonNode) detail = row->detail ? json_from_string (row->detail, NULL) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, row->id);
      json_builder_set_member_name (b, "at");
      json_builder_add_string_value (b, row->at);
      json_builder_set_member_name (b, "actor");
      json_builder_add_string_value (b, row->actor);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, row->action);
      json_builder_set_member_name (b, "entity");
      json_builder_add_string_value (b, row->entity);
      json_builder_set_member_name (b, "entity_id");
      json_builder_add_int_value (b, row->entity_id);
      json_builder_set_member_name (b, "detail");
      if (detail)
        json_builder_add_value (b, g_steal_pointer (&detail));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_audit (CdCli *cli, int argc, char **argv)
{
  if (argc == 2 && g_str_equal (argv[1], "verify"))
    return cmd_verify (cli);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return cmd_list (cli, argc - 1, argv + 1);
  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _("usage: certdesk-cli audit verify | audit list [--limit N]"));
      return CD_EXIT_OK;
    }
  return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli audit verify | audit list [--limit N]"));
}
