/* cd-cli-accept.c: `certdesk-cli accept APP.json [key and issuer options of burn]`: the whole acceptance
 * without a GUI, recorded as the GUI records it: import → check (refused naming the missing materials) →
 * fee → payment (the JSON's) → printed → burn → issued. A failed burn leaves the application printed; the
 * message names `burn --id N` to retry. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-application-store.h"
#include "cd-cli.h"
#include "cd-pin.h"
#include "cd-price-store.h"

int
cd_cli_cmd_accept (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GPtrArray) burn_argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = NULL;
  CdContext *ctx;
  gint64 id = 0;
  int code;

  /* APP.json is the one positional argument; every option belongs to burn and is checked there. Copied, the
   * secrets are wiped from the process's own arguments at once (/proc/PID/cmdline, ps), as burn does. */
  g_ptr_array_add (burn_argv, g_strdup ("burn"));
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          g_print ("Usage: certdesk-cli accept APP.json [burn options: --module SO --token-label L | --slot N "
                   "--pin P --so-pin P --issuer local|cmp --cmp-server URL --cmp-secret S …]\n");
          return CD_EXIT_OK;
        }
      if (argv[i][0] != '-' && path == NULL)
        path = argv[i];
      else
        {
          g_ptr_array_add (burn_argv, g_strdup (argv[i]));
        }
    }
  cd_cli_wipe_secret_args (argc, argv);
  if (path == NULL)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli accept APP.json [OPTION…]"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(app = cd_application_load_file (path, &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!app->payment.has_payment)
    return cd_cli_fail (CD_EXIT_INVALID, "$.payment: accept needs the payment (method and amount_fen)");
  if (!cd_application_store_create (ctx, app, TRUE, &id, &error))
    return cd_cli_fail_error (cd_cli_exit_for_error (error), error);
  if (!cd_application_store_check (ctx, id, &error))
    {
      g_prefix_error (&error, "application id %" G_GINT64_FORMAT ": ", id);
      return cd_cli_fail_error (cd_cli_exit_for_error (error), error);
    }
  if (!cd_application_store_pay (ctx, id, app->payment.method, app->payment.amount_fen,
                                 app->payment.received_fen ? app->payment.received_fen : app->payment.amount_fen,
                                 app->invoice != NULL, &error))
    {
      g_prefix_error (&error, "application id %" G_GINT64_FORMAT ": ", id);
      return cd_cli_fail_error (cd_cli_exit_for_error (error), error);
    }
  /* The forms belong to the forms engineer's command; here the printed step is recorded as done. */
  if (!cd_application_store_transition (ctx, id, CD_STATE_PRINTED, NULL, &error))
    return cd_cli_fail_error (cd_cli_exit_for_error (error), error);
  g_ptr_array_add (burn_argv, g_strdup ("--id"));
  g_ptr_array_add (burn_argv, g_strdup_printf ("%" G_GINT64_FORMAT, id));
  g_ptr_array_add (burn_argv, NULL);
  {
    /* burn wipes the PIN values of what it is given; the originals here go the same way. */
    int bargc = burn_argv->len - 1;
    g_autofree char **bargv = g_memdup2 (burn_argv->pdata, sizeof (char *) * burn_argv->len);

    code = cd_cli_cmd_burn (cli, bargc, bargv);
    return code;
  }
}
