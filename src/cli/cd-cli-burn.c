/* cd-cli-burn.c: `certdesk-cli burn`: the key work for an application (a JSON file, recorded as a new
 * application, or --id of a stored one to resume), with the key and issuer options shared by `accept`.
 * PINs come from the options or, better, from CERTDESK_PIN / CERTDESK_SO_PIN (the CMP shared secret from
 * CERTDESK_CMP_SECRET, an encrypted RA key's passphrase from CERTDESK_CMP_RA_KEY_PASS); they are wiped from
 * argv and never printed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <string.h>

#include "cd-application-store.h"
#include "cd-burn.h"
#include "cd-burn-journal.h"
#include "cd-burn-slip.h"
#include "cd-burn-store.h"
#include "cd-cli.h"
#include "cd-issuer-config.h"
#include "cd-pki-error.h"
#ifdef CD_CLI_HAVE_CENTRAL
#include "cd-central.h"
#include "cd-central-escrow.h"
#include "cd-clerk-store.h"
#endif

/* A burn on a signed-off day, run as the supervisor's adjustment (cd_cli_run_change). */
typedef struct {
  const CdBurnOptions *opts;
  CdBurnResult        *result;
} BurnChange;

static gboolean
burn_change (CdContext *ctx, gpointer data, GError **error)
{
  BurnChange *c = data;

  return (c->result = cd_burn_run (ctx, c->opts, NULL, NULL, NULL, error)) != NULL;
}

static int
exit_for (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CD_EXIT_INVALID;
  if (cd_pki_error_is_issuer (error))
    return CD_EXIT_ISSUER;
  if (cd_pki_error_is_token (error))
    return CD_EXIT_TOKEN;
  if (error->domain == CD_PKI_ERROR)
    return CD_EXIT_INVALID;
  return cd_cli_exit_for_error (error);
}

/* Relative sample paths in the JSON are relative to the JSON file. */
static void
resolve_samples (CdApplication *app, const char *json_path)
{
  g_autofree char *dir = g_path_get_dirname (json_path);
  GHashTableIter it;
  gpointer key, value;

  if (app->samples == NULL)
    return;
  g_hash_table_iter_init (&it, app->samples);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (value && !g_path_is_absolute (value))
      g_hash_table_iter_replace (&it, g_build_filename (dir, (const char *) value, NULL));
}

void
cd_cli_wipe_secret_args (int argc, char **argv)
{
  static const char *const secret[] = { "--pin", "--so-pin", "--cmp-secret", "--cmp-ra-key-pass", NULL };

  for (int i = 1; i < argc; i++)
    for (guint k = 0; secret[k]; k++)
      {
        gsize n = strlen (secret[k]);
        if (g_str_equal (argv[i], secret[k]) && i + 1 < argc)
          cd_pin_wipe_string (argv[i + 1]);
        else if (g_str_has_prefix (argv[i], secret[k]) && argv[i][n] == '=')
          cd_pin_wipe_string (argv[i] + n + 1);
      }
}

CdPin *
cd_cli_take_secret (char *arg, const char *env)
{
  CdPin *pin = NULL;

  if (arg && *arg)
    {
      pin = cd_pin_new (arg);
      cd_pin_wipe_string (arg);
      g_free (arg);
    }
  else
    pin = cd_pin_from_env (env);
  return pin;
}

#ifdef CD_CLI_HAVE_CENTRAL
/* An unlock at this outlet of a key initialised at another one: the supervisor approved it (password checked
 * here), the central database releases the key's SO PIN to this outlet's role and audits the release. */
typedef struct {
  CdContext  *ctx;
  const char *supervisor;
  const char *reason;
} UnlockApproval;

static CdPin *
release_so_pin (const char *token_serial, gpointer data, GError **error)
{
  UnlockApproval *a = data;
  g_autoptr(CdClerk) clerk = NULL;
  const char *password = g_getenv ("CERTDESK_PASSWORD");
  char *text = NULL;
  CdPin *pin;

  if (a->supervisor == NULL)
    {
      g_set_error_literal (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_REQUIRED,
                           _("This counter holds no SO PIN for the key: a supervisor of this outlet approves the "
                             "unlock (--unlock-supervisor NAME --unlock-reason TEXT, the password in "
                             "CERTDESK_PASSWORD) and the central database releases it"));
      return NULL;
    }
  if (password == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_REQUIRED,
                   _("Set CERTDESK_PASSWORD to the password of supervisor %s"), a->supervisor);
      return NULL;
    }
  if (!cd_clerk_store_authorize (a->ctx, a->supervisor, password, CD_ROLE_SUPERVISOR, &clerk, error)
      || !cd_central_release_so_pin (cd_context_get_store (a->ctx), token_serial, a->supervisor, a->reason, &text,
                                     error))
    return NULL;
  if (text == NULL)
    return NULL;
  pin = cd_pin_new (text);
  cd_central_escrow_wipe (text);
  return pin;
}
#endif

static gboolean
write_pin_slip (const char *path, const CdBurnResult *r, const char *number, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  gboolean ok;

  cd_burn_test_point ("slip", "start");
  g_string_append_printf (s, "CertDesk PIN slip / 口令单\napplication: %s\nkey: %s (%s)\ncertificate: %s\nPIN: %s\n",
                          number, r->token_label ? r->token_label : "", r->token_serial ? r->token_serial : "",
                          r->certificate_serial ? r->certificate_serial : "-", cd_pin_get (r->pin_slip));
  ok = g_file_set_contents_full (path, s->str, s->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  OPENSSL_cleanse (s->str, s->len);
  if (ok)
    cd_burn_test_point ("slip", "done");
  return ok;
}

/* The slip of a burned application printed again, from what was stored before the key got its PIN. */
static int
reprint_pin_slip (CdContext *ctx, gint64 id, const CdApplicationInfo *info, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) r = g_new0 (CdBurnResult, 1);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!cd_burn_slip_load (ctx, id, &r->pin_slip, &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  if (r->pin_slip == NULL)
    return cd_cli_fail (CD_EXIT_INVALID, _("Application %s has no stored PIN slip (its key has the profile's fixed "
                                           "PIN, or the slip was forgotten after %d days or when it closed)"),
                        info->number, CD_BURN_SLIP_KEEP_DAYS);
  /* The slip names the key and certificate when they are known; without them it is still the PIN's slip. */
  cd_burn_store_slip_names (cd_context_get_store (ctx), id, &r->token_serial, &r->token_label, &r->certificate_serial,
                            NULL);
  if (!write_pin_slip (path, r, info->number, &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, info->number);
  json_builder_set_member_name (b, "pin_slip_reprinted");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_burn (CdCli *cli, int argc, char **argv)
{
  g_autofree char *app_path = NULL;
  gint64 id = 0;
  g_autofree char *module = NULL;
  g_autofree char *label = NULL;
  gint slot = -1;
  char *pin_arg = NULL, *so_arg = NULL, *secret_arg = NULL, *ra_pass_arg = NULL;
  g_autofree char *issuer_name = NULL;
  g_autofree char *server = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *ra_cert = NULL;
  g_autofree char *ra_key = NULL;
  g_autofree char *pin_slip = NULL;
  g_autofree char *reprint = NULL;
  g_autofree char *supervisor = NULL;
  g_autofree char *adjust_reason = NULL;
  g_autofree char *unlock_supervisor = NULL;
  g_autofree char *unlock_reason = NULL;
  gboolean erase = FALSE, use_ir = FALSE;
  const GOptionEntry entries[] = {
    { "application", 0, 0, G_OPTION_ARG_FILENAME, &app_path, "The application JSON", "APP.json" },
    { "id", 0, 0, G_OPTION_ARG_INT64, &id, "A stored application (to resume its burn)", "N" },
    { "module", 0, 0, G_OPTION_ARG_FILENAME, &module, "PKCS#11 module of the USB key", "SO" },
    { "token-label", 0, 0, G_OPTION_ARG_STRING, &label, "Which key, by label", "L" },
    { "slot", 0, 0, G_OPTION_ARG_INT, &slot, "Which key, by slot id", "N" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin_arg, "The key's PIN (better: CERTDESK_PIN)", "P" },
    { "so-pin", 0, 0, G_OPTION_ARG_STRING, &so_arg, "The key's SO PIN (better: CERTDESK_SO_PIN)", "P" },
    { "erase", 0, 0, G_OPTION_ARG_NONE, &erase, "Confirm erasing a key that holds objects", NULL },
    { "pin-slip", 0, 0, G_OPTION_ARG_FILENAME, &pin_slip, "Where to write the PIN slip (random PIN policy)", "FILE" },
    { "reprint-pin-slip", 0, 0, G_OPTION_ARG_FILENAME, &reprint,
      "With --id: write the stored PIN slip of a burned application again", "FILE" },
    { "issuer", 0, 0, G_OPTION_ARG_STRING, &issuer_name, "local or cmp", "NAME" },
    { "cmp-server", 0, 0, G_OPTION_ARG_STRING, &server, "CMP server", "URL" },
    { "cmp-secret", 0, 0, G_OPTION_ARG_STRING, &secret_arg, "CMP shared secret (better: CERTDESK_CMP_SECRET)", "S" },
    { "cmp-trust", 0, 0, G_OPTION_ARG_FILENAME, &trust, "CMP trust anchor (PEM)", "FILE" },
    { "cmp-reference", 0, 0, G_OPTION_ARG_STRING, &reference, "CMP sender reference", "REF" },
    { "cmp-ir", 0, 0, G_OPTION_ARG_NONE, &use_ir, "Use ir (proof of possession) instead of p10cr", NULL },
    { "cmp-ra-cert", 0, 0, G_OPTION_ARG_FILENAME, &ra_cert, "RA certificate protecting the CMP messages (PEM)", "FILE" },
    { "cmp-ra-key", 0, 0, G_OPTION_ARG_FILENAME, &ra_key, "The RA certificate's key (PEM)", "FILE" },
    { "cmp-ra-key-pass", 0, 0, G_OPTION_ARG_STRING, &ra_pass_arg,
      "Passphrase of an encrypted RA key (better: CERTDESK_CMP_RA_KEY_PASS)", "P" },
    { "supervisor", 0, 0, G_OPTION_ARG_STRING, &supervisor,
      "On a signed-off day: the supervisor who approves the burn (password in CERTDESK_PASSWORD)", "NAME" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &adjust_reason, "Why the signed-off day is changed", "TEXT" },
    { "unlock-supervisor", 0, 0, G_OPTION_ARG_STRING, &unlock_supervisor,
      "Unlock of a key initialised at another outlet: the supervisor who approves the central SO PIN's release "
      "(password in CERTDESK_PASSWORD)", "NAME" },
    { "unlock-reason", 0, 0, G_OPTION_ARG_STRING, &unlock_reason, "Why the key is unlocked (audited centrally)",
      "TEXT" },
    { NULL }
  };
  g_autoptr(CdPin) pin = NULL;
  g_autoptr(CdPin) so_pin = NULL;
  g_autoptr(CdPin) secret = NULL;
  g_autoptr(CdPin) ra_pass = NULL;
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) result = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  CdIssuerChoice choice = { 0 };
  CdContext *ctx;
  CdProfile *profile;
  int code;

  g_autofree char **args = g_new0 (char *, argc + 1);
  int n_args = argc;

  memcpy (args, argv, sizeof (char *) * argc);
  if (!cd_cli_parse ("burn", NULL, entries, &n_args, &args))
    {
      cd_cli_wipe_secret_args (argc, argv);
      return CD_EXIT_USAGE;
    }
  cd_cli_wipe_secret_args (argc, argv);
  pin = cd_cli_take_secret (pin_arg, "CERTDESK_PIN");
  so_pin = cd_cli_take_secret (so_arg, "CERTDESK_SO_PIN");
  secret = cd_cli_take_secret (secret_arg, "CERTDESK_CMP_SECRET");
  ra_pass = cd_cli_take_secret (ra_pass_arg, "CERTDESK_CMP_RA_KEY_PASS");
  if ((app_path == NULL) == (id <= 0))
    return cd_cli_fail (CD_EXIT_USAGE, _("burn needs --application APP.json or --id N (one of them)"));
  if (reprint && id <= 0)
    return cd_cli_fail (CD_EXIT_USAGE, _("--reprint-pin-slip FILE needs --id N (a burned application)"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (app_path)
    {
      if (!(app = cd_application_load_file (app_path, &error)))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      resolve_samples (app, app_path);
      if (!cd_application_store_create (ctx, app, TRUE, &id, &error))
        return cd_cli_fail_error (cd_cli_exit_for_error (error), error);
      g_clear_pointer (&app, cd_application_free);
    }
  if (!cd_application_store_load (ctx, id, &app, &info, &error))
    return cd_cli_fail_error (cd_cli_exit_for_error (error), error);
  if (!(profile = cd_context_lookup_profile (ctx, app->profile, &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (reprint)
    return reprint_pin_slip (ctx, id, info, reprint);
  /* Burned already (a crash came before its slip was written): the slip is printed again. */
  if (pin_slip && info->state == CD_STATE_ISSUED && profile->pin_policy == CD_PIN_POLICY_RANDOM)
    return reprint_pin_slip (ctx, id, info, pin_slip);
  /* A random PIN must reach the applicant: on a slip, never on stdout. */
  if (profile->pin_policy == CD_PIN_POLICY_RANDOM && pin_slip == NULL
      && (app->business == CD_BUSINESS_NEW || app->business == CD_BUSINESS_REPLACE || app->business == CD_BUSINESS_UNLOCK))
    return cd_cli_fail (CD_EXIT_USAGE, _("%s gives each key a random PIN: name the PIN slip file with --pin-slip FILE"),
                        cd_profile_display_name (profile));

  choice.name = issuer_name;
  choice.server = server;
  choice.trust_anchor = trust;
  choice.reference = reference;
  choice.secret = secret;
  choice.ra_cert = ra_cert;
  choice.ra_key = ra_key;
  choice.ra_key_pass = ra_pass;
  choice.use_ir = use_ir;
  opts = cd_burn_options_new (id);
  if (!(opts->issuer = cd_issuer_from_choice (ctx, &choice, &error)))
    return cd_cli_fail_error (CD_EXIT_ISSUER, error);
  opts->module_path = g_strdup (module);
  opts->token_label = g_strdup (label);
  opts->slot_id = slot;
  opts->user_pin = g_steal_pointer (&pin);
  opts->so_pin = g_steal_pointer (&so_pin);
  opts->confirm_erase = erase;
#ifdef CD_CLI_HAVE_CENTRAL
  UnlockApproval approval = { ctx, unlock_supervisor, unlock_reason };
  if (cd_central_is_joined (cd_context_get_store (ctx), NULL))
    {
      opts->so_pin_release = release_so_pin;
      opts->so_pin_release_data = &approval;
    }
#endif
  /* A stored application in the printed state moves on to issued; `burn` of a file only records the work. */
  opts->advance_state = info->state == CD_STATE_PRINTED;
  if (supervisor)
    {
      BurnChange change = { opts, NULL };

      if ((code = cd_cli_run_change (ctx, supervisor, adjust_reason, burn_change, &change)) != CD_EXIT_OK)
        return code;
      result = change.result;
    }
  else if (!(result = cd_burn_run (ctx, opts, NULL, NULL, NULL, &error)))
    {
      g_prefix_error (&error, "application %s (id %" G_GINT64_FORMAT "): ", info->number, id);
      return cd_cli_fail_error (exit_for (error), error);
    }
  if (result->pin_slip && !write_pin_slip (pin_slip, result, info->number, &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, info->number);
  json_builder_set_member_name (b, "burn");
  json_builder_add_value (b, cd_burn_result_to_json (result));
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}
