/* cd-cli-util.c: what every command shares: option parsing, JSON on stdout, one-line reasons on stderr. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-application.h"
#include "cd-checklist.h"
#include "cd-cli.h"
#include "cd-fee.h"
#include "cd-ident.h"
#include "cd-report-signoff.h"
#include "cd-state.h"

CdContext *
cd_cli_get_context (CdCli *cli, int *out_exit)
{
  g_autoptr(GError) error = NULL;

  if (cli->context)
    return cli->context;
  cli->context = cd_context_new (cli->data_dir, cli->db_path, &error);
  if (!cli->context)
    *out_exit = cd_cli_fail_error (g_error_matches (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_INVALID)
                                   || g_error_matches (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_PARSE)
                                   ? CD_EXIT_INVALID : CD_EXIT_STORAGE, error);
  return cli->context;
}

gboolean
cd_cli_parse (const char *command, const char *params, const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree char *prgname = g_strdup_printf ("certdesk-cli %s", command);
  g_autoptr(GOptionContext) octx = NULL;
  g_autoptr(GError) error = NULL;

  /* --help says "certdesk-cli COMMAND [OPTION…] PARAMS", not the command name twice */
  g_set_prgname (prgname);
  octx = g_option_context_new (params);

  g_option_context_set_help_enabled (octx, TRUE);
  if (entries)
    g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (octx, argc, argv, &error))
    {
      cd_cli_fail (CD_EXIT_USAGE, "%s: %s", command, error->message);
      return FALSE;
    }
  return TRUE;
}

void
cd_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
cd_cli_print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);

  cd_cli_print_json (node);
}

int
cd_cli_fail (int code, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* One line, whatever the message holds. */
  g_strdelimit (msg, "\n\r", ' ');
  fprintf (stderr, "certdesk-cli: %s\n", msg);
  return code;
}

/* The disk said no: full, read-only, or failing. That is storage (exit 5) whichever step met it; the local
 * CA's set-up, for one, writes its key and certificate with g_file_set_contents and hands the GFileError on.
 * A file that is not there or not readable is the input's fault and stays with the caller's code. */
static gboolean
is_disk_error (const GError *error)
{
  if (error->domain == G_FILE_ERROR)
    return error->code == G_FILE_ERROR_NOSPC || error->code == G_FILE_ERROR_ROFS || error->code == G_FILE_ERROR_IO;
  if (error->domain == G_IO_ERROR)
    return error->code == G_IO_ERROR_NO_SPACE || error->code == G_IO_ERROR_READ_ONLY;
  return FALSE;
}

int
cd_cli_exit_for_error (const GError *error)
{
  /* "There is no application 999": the id the user gave names nothing; that is the input, not the storage */
  if (g_error_matches (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND))
    return CD_EXIT_INVALID;
  if (error->domain == CD_STORE_ERROR || is_disk_error (error))
    return CD_EXIT_STORAGE;
  if (error->domain == G_OPTION_ERROR)
    return CD_EXIT_USAGE;
  /* Identifiers, profiles, applications, fees, refused transitions: the input was not acceptable. */
  return CD_EXIT_INVALID;
}

int
cd_cli_fail_error (int code, const GError *error)
{
  /* A command names the code its step usually fails with (burn: the issuer, 4); a full disk is still 5. */
  if (code == 0 || is_disk_error (error))
    code = cd_cli_exit_for_error (error);
  return cd_cli_fail (code, "%s", error->message);
}

int
cd_cli_run_change (CdContext *ctx, const char *supervisor, const char *reason, CdActAsFunc func, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) clerk = NULL;
  const char *password;

  if (!supervisor)
    {
      if (func (ctx, user_data, &error))
        return CD_EXIT_OK;
      if (g_error_matches (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED))
        return cd_cli_fail (CD_EXIT_INVALID, _("%s. Give --supervisor NAME --reason TEXT, with the supervisor’s "
                                               "password in CERTDESK_PASSWORD, to make it as an adjustment"),
                            error->message);
      return cd_cli_fail_error (0, error);
    }
  if (!reason || !*reason)
    return cd_cli_fail (CD_EXIT_USAGE, _("--supervisor needs --reason TEXT: why the signed-off day is changed"));
  password = g_getenv ("CERTDESK_PASSWORD");
  if (!password)
    return cd_cli_fail (CD_EXIT_USAGE, _("Set CERTDESK_PASSWORD to the password of supervisor %s"), supervisor);
  if (!cd_clerk_store_authorize (ctx, supervisor, password, CD_ROLE_SUPERVISOR, &clerk, &error)
      || !cd_report_signoff_adjust (ctx, clerk, reason, func, user_data, &error))
    return cd_cli_fail_error (0, error);
  return CD_EXIT_OK;
}
