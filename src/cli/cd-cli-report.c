/* cd-cli-report.c: `report --date D [--to D] [--outlet ID] [--clerk ID] --format json|csv|pdf [--out FILE]`
 * and `report sign`. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-cli.h"
#include "cd-clerk-store.h"
#include "cd-report.h"
#include "cd-report-signoff.h"
#ifdef CD_CLI_HAVE_FORMS
#include "cd-forms.h"
#endif
#ifdef CD_CLI_HAVE_CENTRAL
#include "cd-central.h"
#include "cd-central-report.h"
#endif

/* `report sign --date D --outlet ID --counted-cash-fen N [--reason TEXT]`: the supervisor's login and
 * password come from CERTDESK_SUPERVISOR and CERTDESK_PASSWORD, never from the command line (shell history,
 * ps). A cash difference or open applications need --reason. */
static int
report_sign (CdCli *cli, int argc, char **argv)
{
  g_autofree char *date = NULL, *reason = NULL;
  gint64 outlet = 0, counted = -1;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day to sign off (YYYY-MM-DD)"), "D" },
    { "outlet", 0, 0, G_OPTION_ARG_INT64, &outlet, N_("The outlet"), "ID" },
    { "counted-cash-fen", 0, 0, G_OPTION_ARG_INT64, &counted, N_("The cash counted, in fen"), "N" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why the day is signed with a cash difference or open applications (required then)"), "TEXT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) supervisor = NULL;
  g_autoptr(CdSignoff) signoff = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *login = g_getenv ("CERTDESK_SUPERVISOR");
  const char *password = g_getenv ("CERTDESK_PASSWORD");
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("report sign", "--date D --outlet ID --counted-cash-fen N", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!date || outlet <= 0 || counted < 0)
    return cd_cli_fail (CD_EXIT_USAGE, _("report sign needs --date, --outlet and --counted-cash-fen"));
  if (!login || !*login || !password)
    return cd_cli_fail (CD_EXIT_USAGE, _("Set CERTDESK_SUPERVISOR and CERTDESK_PASSWORD to sign off a day"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_clerk_store_authorize (ctx, login, password, CD_ROLE_SUPERVISOR, &supervisor, &error)
      || !cd_report_signoff_sign (ctx, supervisor, outlet, date, counted, reason, &signoff, &error))
    return cd_cli_fail_error (0, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, signoff->day);
  json_builder_set_member_name (b, "outlet_id");
  json_builder_add_int_value (b, signoff->outlet_id);
  json_builder_set_member_name (b, "supervisor");
  json_builder_add_string_value (b, signoff->supervisor);
  json_builder_set_member_name (b, "signed_at");
  json_builder_add_string_value (b, signoff->signed_at);
  json_builder_set_member_name (b, "counted_cash_fen");
  json_builder_add_int_value (b, signoff->counted_cash_fen);
  json_builder_set_member_name (b, "cash_expected_fen");
  json_builder_add_int_value (b, signoff->cash_expected_fen);
  json_builder_set_member_name (b, "difference_fen");
  json_builder_add_int_value (b, cd_signoff_difference_fen (signoff));
  json_builder_set_member_name (b, "reason");
  if (signoff->reason)
    json_builder_add_string_value (b, signoff->reason);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

#ifdef CD_CLI_HAVE_FORMS
static char *
report_pdf (CdContext *ctx, const CdReportQuery *q, gsize *out_len, GError **error)
{
  g_autoptr(JsonNode) node = cd_report_build (ctx, q, error);
  g_autoptr(CdOutlet) outlet = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *outlet_name = NULL;
  g_autofree char *sha = NULL;
  gint64 rows;

  if (!node || (rows = cd_report_count_applications (ctx, q, error)) < 0)
    return NULL;
  if (q->outlet_id > 0 && (outlet = cd_clerk_store_get_outlet (ctx, NULL)) && outlet->id == q->outlet_id)
    outlet_name = g_strdup (outlet->name);
  else if (q->outlet_id > 0)
    outlet_name = g_strdup_printf ("#%" G_GINT64_FORMAT, q->outlet_id);
  if (!(bytes = cd_forms_render_report (node, outlet_name, NULL, error))
      || !(sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes))
      || !cd_report_audit_export_data (ctx, q, "pdf", rows, sha, error))
    return NULL;
  return g_bytes_unref_to_data (g_steal_pointer (&bytes), out_len);
}
#endif

#ifdef CD_CLI_HAVE_CENTRAL
/* `report --central`: the head office's report over every outlet's rows in the central database (the one this
 * counter joined, or --url), per outlet and in total; @outlet is an outlet's code (NULL: every outlet the
 * login reads). Exit 2 on a counter that has not joined when no URL is given, 5 when the database cannot be
 * reached, 1 for an outlet that is not there or not this login's. */
static int
report_central (CdContext *ctx, const CdReportQuery *lq, const char *outlet, const char *url, const char *format,
                char **out_text, gssize *out_len)
{
  CdCentralReportQuery q = { lq->from, lq->to, outlet, url };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (g_str_equal (format, "csv"))
    *out_text = cd_central_report_export_csv (ctx, &q, &error);
  else if ((node = cd_central_report_build (ctx, &q, &error)) && g_str_equal (format, "pdf"))
    {
#ifdef CD_CLI_HAVE_FORMS
      JsonObject *r = json_node_get_object (node);
      g_autoptr(GBytes) bytes = NULL;
      gsize len = 0;

      /* The heading names the outlet asked for, or says 全部受理点 over every outlet. */
      g_autofree char *sha = NULL;

      /* the records: the central report's are counted at the head office, not here */
      if ((bytes = cd_forms_render_report (node, json_object_get_string_member_with_default (r, "outlet_name", NULL),
                                           NULL, &error))
          && (sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes))
          && cd_report_audit_export_data (ctx, lq, "pdf-central", -1, sha, &error))
        {
          *out_text = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
          *out_len = len;
        }
#else
      return cd_cli_fail (CD_EXIT_USAGE, _("This build has no PDF documents (src/forms)"));
#endif
    }
  else if (node)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      json_generator_set_root (gen, node);
      json_generator_set_pretty (gen, TRUE);
      *out_text = json_generator_to_data (gen, NULL);
    }
  if (*out_text)
    return CD_EXIT_OK;
  if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED))
    return cd_cli_fail_error (CD_EXIT_USAGE, error);
  if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID) || error->domain != CD_CENTRAL_ERROR)
    return cd_cli_fail_error (error->domain == CD_CENTRAL_ERROR ? CD_EXIT_INVALID : 0, error);
  return cd_cli_fail_error (CD_EXIT_STORAGE, error);
}
#endif

int
cd_cli_cmd_report (CdCli *cli, int argc, char **argv)
{
  g_autofree char *date = NULL, *to = NULL, *format = NULL, *out = NULL, *outlet_arg = NULL, *url = NULL;
  gint64 outlet = 0, clerk = 0;
  gboolean central = FALSE;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day, or the first day of a range (YYYY-MM-DD)"), "D" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The last day of a range"), "D" },
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet_arg,
      N_("Only this outlet (its id; with --central its code)"), "ID" },
    { "clerk", 0, 0, G_OPTION_ARG_INT64, &clerk, N_("Only this clerk"), "ID" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("json (default), csv or pdf (pdf needs --out FILE)"), "F" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE instead of stdout"), "FILE" },
    { "central", 0, 0, G_OPTION_ARG_NONE, &central,
      N_("Every outlet's report from the central database, per outlet and in total"), NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url,
      N_("With --central: the central database (default: the one this counter joined)"), "URL" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  CdReportQuery q = { 0 };
  g_autofree char *text = NULL;
  CdContext *ctx;
  int code = 0;
  gssize len = -1;

  if (argc > 1 && g_str_equal (argv[1], "sign"))
    return report_sign (cli, argc - 1, argv + 1);
  if (!cd_cli_parse (argv[0], "--date D  (sign off a day: report sign --help)", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!date)
    return cd_cli_fail (CD_EXIT_USAGE, _("--date is required"));
  if (url && !central)
    return cd_cli_fail (CD_EXIT_USAGE, _("--url goes with --central"));
  if (central && clerk)
    return cd_cli_fail (CD_EXIT_USAGE, _("--clerk is not available with --central (the report is by outlet)"));
  /* Without --central the outlet is this database's outlet id, a number (as the option was before). */
  if (outlet_arg && !central && !g_ascii_string_to_signed (outlet_arg, 10, G_MININT64, G_MAXINT64, &outlet, NULL))
    return cd_cli_fail (CD_EXIT_USAGE, _("--outlet: “%s” is not an outlet id (a number; an outlet's code goes with "
                                         "--central)"), outlet_arg);
  if (outlet < 0)
    return cd_cli_fail (CD_EXIT_INVALID, _("--outlet: an outlet id is a number from 1, not %lld"), (long long) outlet);
  if (clerk < 0)
    return cd_cli_fail (CD_EXIT_INVALID, _("--clerk: a clerk id is a number from 1, not %lld"), (long long) clerk);
  if (!format)
    format = g_strdup ("json");
  if (!g_str_equal (format, "json") && !g_str_equal (format, "csv") && !g_str_equal (format, "pdf"))
    return cd_cli_fail (CD_EXIT_USAGE, _("--format: “%s” is not json, csv or pdf"), format);
  if (g_str_equal (format, "pdf") && !out)
    return cd_cli_fail (CD_EXIT_USAGE, _("--format pdf needs --out FILE"));
  q.from = date;
  q.to = to ? to : date;
  q.outlet_id = outlet;
  q.clerk_id = clerk;
  if (!cd_report_check_query (&q, &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (central)
    {
#ifdef CD_CLI_HAVE_CENTRAL
      if ((code = report_central (ctx, &q, outlet_arg, url, format, &text, &len)) != CD_EXIT_OK)
        return code;
#else
      return cd_cli_fail (CD_EXIT_USAGE, _("This build has no central database (libpq was not found)"));
#endif
    }
  else if (g_str_equal (format, "pdf"))
    {
#ifdef CD_CLI_HAVE_FORMS
      gsize pdf_len = 0;
      text = report_pdf (ctx, &q, &pdf_len, &error);
      len = pdf_len;
#else
      return cd_cli_fail (CD_EXIT_USAGE, _("This build has no PDF documents (src/forms)"));
#endif
    }
  else if (g_str_equal (format, "csv"))
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
      if (!g_file_set_contents (out, text, len, &error))
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
