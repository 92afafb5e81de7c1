/* cd-cli-report.c: `report --date D [--to D] [--outlet ID] [--clerk ID] --format json|csv [--out FILE]`. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-cli.h"
#include "cd-report.h"

int
cd_cli_cmd_report (CdCli *cli, int argc, char **argv)
{
  g_autofree char *date = NULL, *to = NULL, *format = NULL, *out = NULL;
  gint64 outlet = 0, clerk = 0;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day, or the first day of a range (YYYY-MM-DD)"), "D" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The last day of a range"), "D" },
    { "outlet", 0, 0, G_OPTION_ARG_INT64, &outlet, N_("Only this outlet"), "ID" },
    { "clerk", 0, 0, G_OPTION_ARG_INT64, &clerk, N_("Only this clerk"), "ID" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("json or csv"), "F" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE instead of stdout"), "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  CdReportQuery q = { 0 };
  g_autofree char *text = NULL;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse (argv[0], NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!date)
    return cd_cli_fail (CD_EXIT_USAGE, _("--date is required"));
  if (!format)
    format = g_strdup ("json");
  if (!g_str_equal (format, "json") && !g_str_equal (format, "csv"))
    return cd_cli_fail (CD_EXIT_USAGE, _("--format: “%s” is not json or csv"), format);
  q.from = date;
  q.to = to ? to : date;
  q.outlet_id = outlet;
  q.clerk_id = clerk;
  if (!cd_report_check_query (&q, &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (g_str_equal (format, "csv"))
    text = cd_report_export_csv (ctx, &q, &error);
  else
    {
      g_autoptr(JsonNode) node = cd_report_build (ctx, &q, &error);
      if (node)
        {
          g_autoptr(JsonGenerator) gen = json_generator_new ();
          json_generator_set_root (gen, node);
          json_generator_set_pretty (gen, TRUE);
          text = json_generator_to_data (gen, NULL);
        }
    }
  if (!text)
    return cd_cli_fail_error (0, error);
  if (out)
    {
      if (!g_file_set_contents (out, text, -1, &error))
        return cd_cli_fail (CD_EXIT_STORAGE, "%s", error->message);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, out);
      json_builder_set_member_name (b, "format");
      json_builder_add_string_value (b, format);
      json_builder_end_object (b);
      cd_cli_print_builder (b);
    }
  else
    {
      fputs (text, stdout);
      if (g_str_equal (format, "json"))
        fputc ('\n', stdout);
    }
  return CD_EXIT_OK;
}
