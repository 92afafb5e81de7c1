/* cd-cli-ca.c: `certdesk-cli ca list | pending`: what the local CA signed, from its own ledger (each with the
 * application it was for, from the counter's records or the note of one they could not take), and the
 * certificates waiting for a CA to revoke them (issued elsewhere, or the CA did not answer). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cd-application-store.h"
#include "cd-burn-store.h"
#include "cd-certificate-store.h"
#include "cd-cli.h"
#include "cd-issuer-local.h"

/* The application a certificate was for: the certificate table, else the journal's issue row, else the
 * note kept when the database could not record it (state_dir/burn-pending). */
static char *
application_of (CdContext *ctx, const char *serial)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autofree char *name = g_strconcat (serial, ".pem", NULL);
  g_autofree char *note = g_build_filename (cd_context_get_state_dir (ctx), "burn-pending", name, NULL);
  g_autofree char *text = NULL;
  char *number;

  if ((number = cd_certificate_store_dup_application_number (store, serial))
      || (number = cd_burn_store_dup_issued_application_number (store, serial)))
    return number;
  if (g_file_get_contents (note, &text, NULL, NULL) && g_str_has_prefix (text, "application: "))
    {
      gint64 id = g_ascii_strtoll (text + strlen ("application: "), NULL, 10);

      return cd_application_store_dup_number (store, id);
    }
  return NULL;
}

static void
add_string_or_null (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static int
ca_list (CdContext *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdIssuerLocal) ca = cd_issuer_local_new (ctx, &error);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (ca == NULL || !(entries = cd_issuer_local_list (ca, &error)))
    return cd_cli_fail (CD_EXIT_ISSUER, "%s", error->message);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      CdLedgerEntry *e = entries->pdata[i];
      g_autofree char *app = application_of (ctx, e->serial);

      json_builder_begin_object (b);
      add_string_or_null (b, "serial", e->serial);
      add_string_or_null (b, "subject", e->subject);
      add_string_or_null (b, "state", e->state);
      add_string_or_null (b, "not_after", e->not_after);
      add_string_or_null (b, "application", app);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

static int
ca_pending (CdContext *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) rows = cd_certificate_store_to_be_revoked (cd_context_get_store (ctx), &error);

  if (rows == NULL)
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      CdCertRecord *rec = rows->pdata[i];

      json_builder_begin_object (b);
      add_string_or_null (b, "serial", rec->serial);
      add_string_or_null (b, "subject", rec->subject);
      add_string_or_null (b, "issuer", rec->issuer);
      add_string_or_null (b, "not_after", rec->not_after);
      add_string_or_null (b, "reason", rec->revoke_reason);
      add_string_or_null (b, "application", rec->application_number);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_ca (CdCli *cli, int argc, char **argv)
{
  CdContext *ctx;
  int code;

  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n  list     %s\n  pending  %s\n", _("usage: certdesk-cli ca list | pending"),
              _("every certificate the local CA signed, with its state"),
              _("old certificates still to be revoked at an issuer not configured here"));
      return CD_EXIT_OK;
    }
  if (argc != 2 || (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "pending")))
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli ca list | pending"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  return g_str_equal (argv[1], "list") ? ca_list (ctx) : ca_pending (ctx);
}
