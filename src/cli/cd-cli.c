/* cd-cli.c: certdesk-cli's entry point: global options, then one command (design.md, certdesk-cli contract). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <openssl/err.h>

#include "cd-cli.h"
#include "cd-paths.h"
#include "cd-preflight.h"
#include "cd-store-crypt.h"
#ifdef CD_CLI_HAVE_FORMS
#include "cd-forms-fontset.h"
#endif
#if defined (CD_CLI_HAVE_SEAL) || defined (CD_CLI_HAVE_SCAN)
#include "cd-decoder-log.h"
#endif

typedef struct {
  const char *name;
  int (*run) (CdCli *cli, int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "profiles", cd_cli_cmd_profiles, N_("List the profiles (projects/CAs)") },
  { "checklist", cd_cli_cmd_checklist, N_("Materials for a profile, business and applicant type") },
  { "fee", cd_cli_cmd_fee, N_("The itemised fee in fen") },
  { "validate", cd_cli_cmd_validate, N_("Check a USCC, organisation code, resident ID, mobile number or taxpayer ID") },
  { "application", cd_cli_cmd_application, N_("import APP.json | show ID | check ID | pay ID | void ID | list") },
  { "price", cd_cli_cmd_price, N_("Local price overrides: list | set | clear") },
  { "clerk", cd_cli_cmd_clerk, N_("list | add: this counter's clerk accounts (a supervisor adds them)") },
  { "report", cd_cli_cmd_report, N_("The issuance report of a day or a range (JSON, CSV or PDF), or sign a day off") },
  { "audit", cd_cli_cmd_audit, N_("verify | list: the hash-chained audit log") },
  { "keys", cd_cli_cmd_keys, N_("status | rotate | export --to FILE | import FILE: the keys of personal data") },
#ifdef CD_CLI_HAVE_SEAL
  { "seal-extract", cd_cli_cmd_seal_extract, N_("Extract seals and signatures from a collection form") },
#endif
#ifdef CD_CLI_HAVE_SCAN
  { "scan-import", cd_cli_cmd_scan_import, N_("Attach scanned files to a material of an application") },
#endif
#ifdef CD_CLI_HAVE_FORMS
  { "forms", cd_cli_cmd_forms, N_("Print the application's documents to a PDF file") },
#endif
#ifdef CD_CLI_HAVE_BURN
  { "burn", cd_cli_cmd_burn, N_("Put the application's certificate on a USB key") },
#endif
#ifdef CD_CLI_HAVE_REVOKE
  { "revoke", cd_cli_cmd_revoke, N_("Revoke a certificate at its issuer") },
#endif
#ifdef CD_CLI_HAVE_ACCEPT
  { "accept", cd_cli_cmd_accept, N_("The whole acceptance of APP.json without the GUI") },
#endif
#ifdef CD_CLI_HAVE_CENTRAL
  { "central", cd_cli_cmd_central, N_("init URL | join URL --outlet CODE --name NAME | verify [URL] | price | clerk: the CA's central database") },
  { "customer", cd_cli_cmd_customer, N_("find TEXT: customers of every outlet with their certificates") },
  { "sync", cd_cli_cmd_sync, N_("One round with the central database: push this counter's changes, pull others'") },
#endif
#ifdef CD_CLI_HAVE_CA
  { "ca", cd_cli_cmd_ca, N_("list: every certificate the local CA signed | pending: certificates to be revoked") },
#endif
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: certdesk-cli [--db FILE] [--data-dir DIR] COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
}

/* The contract puts one line of our own on stderr. Other libraries' warnings and messages (GdkPixbuf,
 * Poppler, GLib-GIO …, and the decoders' lines cd-decoder-log.c captures) are kept for G_MESSAGES_DEBUG
 * as debug messages; CertDesk's own domains and every critical or error pass unchanged. Everything the
 * log prints goes to stderr: stdout carries the JSON alone. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
  if (!(domain && g_str_has_prefix (domain, "CertDesk"))
      && (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO)))
    level = (level & ~G_LOG_LEVEL_MASK) | G_LOG_LEVEL_DEBUG;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static int
on_openssl_error_cb (const char *str, size_t len, void *user_data)
{
  g_log ("OpenSSL", G_LOG_LEVEL_DEBUG, "%.*s", (int) (len && str[len - 1] == '\n' ? len - 1 : len), str);
  return 1;
}

static void
setup_locale (void)
{
  const char *build = cd_paths_build_dir ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, build ? CD_BUILD_LOCALEDIR : CD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int argc, char **argv)
{
  CdCli cli = { 0 };
  int first = 1, code;

  setup_locale ();
  cd_store_crypt_set_progress (cd_cli_keys_progress, NULL);
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (log_writer, NULL, NULL);
#if defined (CD_CLI_HAVE_SEAL) || defined (CD_CLI_HAVE_SCAN)
  /* libpng, libjpeg and poppler write to stderr directly: captured around each decoding (cd-decoder-log.h) */
  cd_decoder_log_capture_stderr (TRUE);
#endif
#ifdef CD_CLI_HAVE_FORMS
  /* A name the forms cannot print is refused by check and pay, before anything is printed or paid. */
  cd_preflight_set_glyph_check (cd_forms_font_missing_chars);
#endif
  /* Global options come before the command, so each command owns its own option namespace. */
  while (first < argc && g_str_has_prefix (argv[first], "--"))
    {
      const char *arg = argv[first];
      char **slot = NULL;
      const char *value = NULL;

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_usage (stdout);
          return CD_EXIT_OK;
        }
      if (g_str_has_prefix (arg, "--db"))
        slot = &cli.db_path;
      else if (g_str_has_prefix (arg, "--data-dir"))
        slot = &cli.data_dir;
      else
        return cd_cli_fail (CD_EXIT_USAGE, _("unknown global option %s (expected --db FILE or --data-dir DIR)"), arg);
      value = strchr (arg, '=') ? strchr (arg, '=') + 1 : (first + 1 < argc ? argv[++first] : NULL);
      if (value == NULL || *value == '\0')
        return cd_cli_fail (CD_EXIT_USAGE, _("%s needs a value"), arg);
      g_free (*slot);
      *slot = g_strdup (value);
      first++;
    }
  if (first >= argc)
    {
      print_usage (stderr);
      return CD_EXIT_USAGE;
    }
  code = -1;
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[first], commands[i].name))
      code = commands[i].run (&cli, argc - first, argv + first);
  if (code < 0)
    {
      code = cd_cli_fail (CD_EXIT_USAGE, _("unknown command “%s”; run certdesk-cli --help"), argv[first]);
    }
  g_clear_object (&cli.context);
  /* What OpenSSL (and libp11 through it) queued and no error message took up: the debug log, not the screen. */
  ERR_print_errors_cb (on_openssl_error_cb, NULL);
  g_free (cli.db_path);
  g_free (cli.data_dir);
  return code;
}
