/* cd-cli-revoke.c: `certdesk-cli revoke --serial HEX [--reason R]`: revocation (or, with certificateHold,
 * suspension) at the issuer and in the records; the local CA republishes its CRL. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-burn.h"
#include "cd-cli.h"
#include "cd-issuer-config.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"

int
cd_cli_cmd_revoke (CdCli *cli, int argc, char **argv)
{
  g_autofree char *serial = NULL;
  g_autofree char *reason_code = NULL;
  g_autofree char *server = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *ra_cert = NULL;
  g_autofree char *ra_key = NULL;
  char *secret_arg = NULL, *ra_pass_arg = NULL;
  const GOptionEntry entries[] = {
    { "serial", 0, 0, G_OPTION_ARG_STRING, &serial, "Certificate serial (hex)", "HEX" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason_code,
      "unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold", "R" },
    { "cmp-server", 0, 0, G_OPTION_ARG_STRING, &server, "CMP server (certificates issued over CMP)", "URL" },
    { "cmp-secret", 0, 0, G_OPTION_ARG_STRING, &secret_arg, "CMP shared secret (better: CERTDESK_CMP_SECRET)", "S" },
    { "cmp-trust", 0, 0, G_OPTION_ARG_FILENAME, &trust, "CMP trust anchor (PEM)", "FILE" },
    { "cmp-reference", 0, 0, G_OPTION_ARG_STRING, &reference, "CMP sender reference", "REF" },
    { "cmp-ra-cert", 0, 0, G_OPTION_ARG_FILENAME, &ra_cert, "RA certificate protecting the CMP messages (PEM)", "FILE" },
    { "cmp-ra-key", 0, 0, G_OPTION_ARG_FILENAME, &ra_key, "The RA certificate's key (PEM)", "FILE" },
    { "cmp-ra-key-pass", 0, 0, G_OPTION_ARG_STRING, &ra_pass_arg,
      "Passphrase of an encrypted RA key (better: CERTDESK_CMP_RA_KEY_PASS)", "P" },
    { NULL }
  };
  g_autoptr(CdPin) secret = NULL;
  g_autoptr(CdPin) ra_pass = NULL;
  g_autoptr(CdIssuer) issuer = NULL;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  CdIssuerChoice choice = { 0 };
  CdRevokeReason reason = CD_REVOKE_UNSPECIFIED;
  CdContext *ctx;
  int code;

  {
    int pargc = argc;
    g_autofree char **pargv = g_memdup2 (argv, sizeof (char *) * (argc + 1));
    gboolean parsed = cd_cli_parse ("revoke", NULL, entries, &pargc, &pargv);

    cd_cli_wipe_secret_args (argc, argv);
    if (!parsed)
      return CD_EXIT_USAGE;
  }
  secret = cd_cli_take_secret (secret_arg, "CERTDESK_CMP_SECRET");
  ra_pass = cd_cli_take_secret (ra_pass_arg, "CERTDESK_CMP_RA_KEY_PASS");
  if (serial == NULL)
    return cd_cli_fail (CD_EXIT_USAGE, _("revoke needs --serial HEX: the certificate's serial number"));
  if (!g_regex_match_simple ("^[0-9A-Fa-f]{1,64}$", serial, 0, 0))
    return cd_cli_fail (CD_EXIT_INVALID, _("--serial: “%s” is not a certificate serial number (1 to 64 hexadecimal "
                                           "digits expected)"), serial);
  if (reason_code && !cd_revoke_reason_from_code (reason_code, &reason))
    return cd_cli_fail (CD_EXIT_USAGE, _("--reason: “%s” is not one of unspecified, keyCompromise, "
                                         "affiliationChanged, superseded, cessationOfOperation, certificateHold"),
                        reason_code);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_cert_record_lookup (cd_context_get_store (ctx), serial, &rec, &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  if (rec == NULL)
    return cd_cli_fail (CD_EXIT_INVALID, _("There is no certificate with serial %s"), serial);
  /* The certificate's own issuer revokes it. */
  choice.name = rec->issuer;
  choice.server = server;
  choice.trust_anchor = trust;
  choice.reference = reference;
  choice.secret = secret;
  choice.ra_cert = ra_cert;
  choice.ra_key = ra_key;
  choice.ra_key_pass = ra_pass;
  if (!(issuer = cd_issuer_from_choice (ctx, &choice, &error)))
    return cd_cli_fail_error (CD_EXIT_ISSUER, error);
  if (!cd_burn_revoke_certificate (ctx, issuer, rec->serial, reason, &error))
    return cd_cli_fail_error (cd_pki_error_is_issuer (error) ? CD_EXIT_ISSUER
                              : error->domain == CD_PKI_ERROR ? CD_EXIT_INVALID : CD_EXIT_STORAGE, error);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "serial");
  json_builder_add_string_value (b, rec->serial);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, reason == CD_REVOKE_HOLD ? "suspended" : "revoked");
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, cd_revoke_reason_to_code (reason));
  json_builder_set_member_name (b, "issuer");
  json_builder_add_string_value (b, rec->issuer);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}
