/* cd-cli-ca.c: `certdesk-cli ca list | pending`: what the local CA signed, from its own ledger (each with the
 * application it was for, from the counter's records or the note of one they could not take), and the
 * certificates waiting for a CA to revoke them (issued elsewhere, or the CA did not answer). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cd-cli.h"
#include "cd-issuer-local.h"

/* The application a certificate was for: the certificate table, else the journal's issue row, else the
 * note kept when the database could not record it (state_dir/burn-pending). */
static char *
application_of (CdContext *ctx, const char *serial)
{
  CdStore *store = cd_context_get_store (ctx);
  static const char *const queries[] = {
    "SELECT a.number FROM certificate c JOIN application a ON a.id = c.application_id WHERE c.serial = ?1",
    "SELECT a.number FROM burn_journal j JOIN application a ON a.id = j.application_id"
    " WHERE j.step = 'issue' AND j.phase = 'done' AND json_extract(j.detail, '$.serial') = ?1",
  };
  g_autofree char *name = g_strconcat (serial, ".pem", NULL);
  g_autofree char *note = g_build_filename (cd_context_get_state_dir (ctx), "burn-pending", name, NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (!cd_store_prepare (store, queries[i], &stmt, NULL))
        continue;
      sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        return cd_store_column_dup (stmt, 0);
    }
  if (g_file_get_contents (note, &text, NULL, NULL) && g_str_has_prefix (text, "application: "))
    {
      gint64 id = g_ascii_strtoll (text + strlen ("application: "), NULL, 10);
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (cd_store_prepare (store, "SELECT number FROM application WHERE id = ?1", &stmt, NULL))
        {
          sqlite3_bind_int64 (stmt, 1, id);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            return cd_store_column_dup (stmt, 0);
        }
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int rc;

  if (!cd_store_prepare (cd_context_get_store (ctx),
                         "SELECT c.serial, c.subject, c.issuer, c.not_after, c.revoke_reason, a.number FROM certificate c"
                         " LEFT JOIN application a ON a.id = c.application_id WHERE c.state = 'to-be-revoked'"
                         " ORDER BY c.id", &stmt, &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      static const char *const names[] = { "serial", "subject", "issuer", "not_after", "reason", "application" };

      json_builder_begin_object (b);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        add_string_or_null (b, names[i], (const char *) sqlite3_column_text (stmt, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (cd_context_get_store (ctx), &error);
      return cd_cli_fail_error (CD_EXIT_STORAGE, error);
    }
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
