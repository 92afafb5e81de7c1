/* cd-cli-forms.c: `forms`: the printable documents of an application as one PDF file. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cd-application.h"
#include "cd-cli.h"
#include "cd-input.h"
#include "cd-forms.h"
#include "cd-price-store.h"
#include "cd-print-set.h"

/* Without --number the draft gets a stable number from its content, so that reprinting the same file
 * gives the same QR codes. */
static char *
draft_number (const char *contents, gsize len)
{
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  g_autofree char *head = g_ascii_strup (sum, 10);

  return g_strdup_printf ("DRAFT-%s", head);
}

static GDateTime *
parse_date (const char *text)
{
  int y, m, d;
  char tail;

  if (text == NULL)
    return g_date_time_new_now_local ();
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen (text) != 10
      || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_time_new_local (y, m, d, 0, 0, 0);
}

static gboolean
wants_receipt (const CdProfile *profile, char **documents)
{
  return g_strv_contains ((const char *const *) (documents ? documents : profile->documents), "receipt");
}

static int
exit_for_forms_error (const GError *error)
{
  if (g_error_matches (error, CD_FORMS_ERROR, CD_FORMS_ERROR_WRITE))
    return CD_EXIT_STORAGE;
  return CD_EXIT_INVALID;
}

int
cd_cli_cmd_forms (CdCli *cli, int argc, char **argv)
{
  g_autofree char *app_path = NULL, *out = NULL, *number = NULL, *copy_mode = NULL;
  g_auto(GStrv) documents = NULL;
  g_autofree char *date_text = NULL, *outlet = NULL, *clerk = NULL, *font = NULL;
  double offset_x = 0, offset_y = 0;
  const GOptionEntry entries[] = {
    { "application", 0, 0, G_OPTION_ARG_FILENAME, &app_path, N_("Application JSON file"), "APP.json" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("PDF file to write"), "FILE.pdf" },
    { "document", 0, 0, G_OPTION_ARG_STRING_ARRAY, &documents,
      N_("Only this document (repeat for several, printed in that order): application, responsibility, "
         "detail-sheet, agreement, power-of-attorney, collection, receipt or pin-slip"), "NAME" },
    { "number", 0, 0, G_OPTION_ARG_STRING, &number, N_("Application number printed and in the QR codes"), "APPNO" },
    { "copy-mode", 0, 0, G_OPTION_ARG_STRING, &copy_mode,
      N_("plain: labelled copies on plain paper (default); carbonless: one pass on pre-printed multi-part paper"),
      "MODE" },
    { "offset-x", 0, 0, G_OPTION_ARG_DOUBLE, &offset_x, N_("Carbonless paper: move the print right by MM"), "MM" },
    { "offset-y", 0, 0, G_OPTION_ARG_DOUBLE, &offset_y, N_("Carbonless paper: move the print down by MM"), "MM" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_text, N_("Issue date printed on the forms (default today)"),
      "YYYY-MM-DD" },
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, N_("Accepting outlet printed on the forms"), "NAME" },
    { "clerk", 0, 0, G_OPTION_ARG_STRING, &clerk, N_("Accepting clerk printed on the forms"), "NAME" },
    { "font", 0, 0, G_OPTION_ARG_FILENAME, &font, N_("CJK TrueType font to embed (default: WenQuanYi Zen Hei)"),
      "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(CdFormsInfo) info = { 0 };
  g_autofree char *contents = NULL;
  gsize len = 0;
  CdFormsRequest req = { 0 };
  CdProfile *profile;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse (argv[0], NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc > 1)
    return cd_cli_fail (CD_EXIT_USAGE, _("forms: unexpected argument “%s”"), argv[1]);
  if (!app_path || !out)
    return cd_cli_fail (CD_EXIT_USAGE, _("forms: --application and --out are required"));
  if (copy_mode && !g_str_equal (copy_mode, "plain") && !g_str_equal (copy_mode, "carbonless"))
    return cd_cli_fail (CD_EXIT_USAGE, _("--copy-mode: “%s” is not plain or carbonless"), copy_mode);
  for (guint i = 0; documents && documents[i]; i++)
    if (!cd_forms_is_document (documents[i]))
      {
        g_autofree char *names = g_strjoinv (", ", (char **) cd_forms_document_names ());
        return cd_cli_fail (CD_EXIT_INVALID, _("--document: “%s” is not one of %s"), documents[i], names);
      }
  if (!(date = parse_date (date_text)))
    return cd_cli_fail (CD_EXIT_INVALID, _("--date: “%s” is not a date YYYY-MM-DD"), date_text);

  if (!cd_input_read_file (app_path, CD_INPUT_APPLICATION_MAX_BYTES, _("application file"), &contents, &len, &error))
    return cd_cli_fail (CD_EXIT_INVALID, _("--application: %s"), error->message);
  if (!(app = cd_application_from_data (contents, len, &error)))
    return cd_cli_fail (CD_EXIT_INVALID, "%s: %s", app_path, error->message);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(profile = cd_context_lookup_profile (ctx, app->profile, &error)))
    return cd_cli_fail (CD_EXIT_INVALID, "%s: $.profile: %s", app_path, error->message);
  if (!cd_application_validate (app, profile, &error))
    return cd_cli_fail (CD_EXIT_INVALID, "%s: %s", app_path, error->message);

  /* Without --document: what this business needs (cd_print_set_documents). The receipt prints this
   * counter's effective prices, the supervisor's local ones included. */
  if (!documents)
    {
      if (!(documents = cd_print_set_documents (ctx, profile, app, &quote, &error)))
        return cd_cli_fail (cd_cli_exit_for_error (error), _("Receipt: %s"), error->message);
    }
  else if (wants_receipt (profile, documents))
    {
      /* The one effective fee (shipped + this counter's local prices), as the fee step takes it. */
      if (!(quote = cd_fee_compute (ctx, app, profile, &error)))
        return cd_cli_fail (cd_cli_exit_for_error (error), _("Receipt: %s"), error->message);
    }

  if (!number)
    number = draft_number (contents, len);
  req.application = app;
  req.profile = profile;
  req.number = number;
  req.outlet = outlet;
  req.clerk = clerk;
  req.date = date;
  req.copy_mode = copy_mode && g_str_equal (copy_mode, "carbonless") ? CD_FORMS_COPY_CARBONLESS
                                                                     : CD_FORMS_COPY_PLAIN;
  req.offset_x_mm = offset_x;
  req.offset_y_mm = offset_y;
  req.quote = quote;
  req.data_dir = cd_context_get_data_dir (ctx);
  req.font_path = font;
  if (!cd_forms_render_documents_to_file (&req, (const char *const *) documents, out, &info, &error))
    return cd_cli_fail (exit_for_forms_error (error), "%s", error->message);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, out);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, number);
  json_builder_set_member_name (b, "copy_mode");
  json_builder_add_string_value (b, req.copy_mode == CD_FORMS_COPY_CARBONLESS ? "carbonless" : "plain");
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, info.pages);
  json_builder_set_member_name (b, "documents");
  json_builder_begin_array (b);
  for (guint i = 0; i < info.documents->len; i++)
    {
      const CdFormsDocInfo *d = info.documents->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, d->name);
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, d->pages);
      json_builder_set_member_name (b, "copies");
      json_builder_add_int_value (b, d->copies);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) info.bytes);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}
