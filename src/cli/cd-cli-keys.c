/* cd-cli-keys.c: `keys status | rotate | export --to FILE | import FILE`: the keys that protect personal data at
 * rest (src/core/cd-store-crypt.h, docs/store.md "Personal data at rest"). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "cd-audit.h"
#include "cd-cli.h"
#include "cd-sealed-scans.h"
#include "cd-store-crypt.h"

#define USAGE N_("usage: certdesk-cli keys status | keys rotate | keys export --to FILE | keys import FILE " \
                 "(the passphrase of export and import in CERTDESK_KEYS_PASSPHRASE)")

/* The export's passphrase never comes from the command line (it would show in ps and the shell's history). */
static const char *
passphrase (void)
{
  const char *p = g_getenv ("CERTDESK_KEYS_PASSPHRASE");

  return p && *p ? p : NULL;
}

static int
cmd_status (CdCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = NULL;
  CdContext *ctx;
  int code = 0;

  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(status = cd_store_crypt_status (cd_context_get_store (ctx), &error)))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  cd_cli_print_json (status);
  return CD_EXIT_OK;
}

static int
print_keys (CdContext *ctx, const char *what)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, what);
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "key_id");
  json_builder_add_string_value (b, cd_keys_get_id (cd_store_get_keys (cd_context_get_store (ctx))));
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

/* The scan folder follows the database's keys (cd-sealed-scans.h); the progress of its files on stderr. */
static void
scan_progress (guint done, guint total, gpointer user_data)
{
  if (total >= 100 && (done % 100 == 0 || done == total))
    g_printerr (_("Encrypting the scans: %u of %u\n"), done, total);
}

static gboolean
rotate_cb (CdStore *store, gpointer actor, GError **error)
{
  return cd_store_crypt_rotate (store, actor, error);
}

typedef struct {
  CdKeys     *keys;
  const char *actor;
} Replace;

static gboolean
replace_cb (CdStore *store, gpointer data, GError **error)
{
  Replace *r = data;

  return cd_store_crypt_replace (store, r->keys, r->actor, error);
}

static int
cmd_rotate (CdCli *cli)
{
  g_autoptr(GError) error = NULL;
  CdContext *ctx;
  int code = 0;

  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_sealed_scans_change_keys (ctx, rotate_cb, (gpointer) cd_context_get_actor (ctx), scan_progress, NULL,
                                    &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  return print_keys (ctx, "rotated");
}

static int
cmd_export (CdCli *cli, int argc, char **argv)
{
  g_autofree char *to = NULL;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("The file to write (created, never overwritten)"), "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) detail = NULL;
  CdContext *ctx;
  CdStore *store;
  int code = 0;

  if (!cd_cli_parse ("keys export", NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!to || argc != 1)
    return cd_cli_fail (CD_EXIT_USAGE, "%s", _(USAGE));
  if (!passphrase ())
    return cd_cli_fail (CD_EXIT_USAGE, _("keys export needs a passphrase of 12 characters or more in "
                                         "CERTDESK_KEYS_PASSPHRASE"));
  if (g_file_test (to, G_FILE_TEST_EXISTS))
    return cd_cli_fail (CD_EXIT_INVALID, _("--to: %s exists already; name a new file"), to);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  store = cd_context_get_store (ctx);
  if (!(text = cd_keys_export (cd_store_get_keys (store), passphrase (), &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  line = g_strconcat (text, "\n", NULL);
  /* The one export of the keys: audited before the file is written, in its own transaction. */
  detail = cd_audit_detail_new ("key_id", cd_keys_get_id (cd_store_get_keys (store)), "file", to, NULL);
  if (!cd_store_begin (store, &error)
      || !cd_audit_append (store, cd_context_get_actor (ctx), "keys.export", "keys", 0, detail, &error)
      || !cd_store_commit (store, &error))
    {
      cd_store_rollback (store);
      return cd_cli_fail_error (CD_EXIT_STORAGE, error);
    }
  if (!g_file_set_contents_full (to, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return cd_cli_fail (CD_EXIT_STORAGE, _("Cannot write the key export %s: %s"), to, error->message);
  return print_keys (ctx, "exported");
}

static int
cmd_import (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(CdKeys) keys = NULL;
  gsize len = 0;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("keys import", "FILE", NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, "%s", _(USAGE));
  if (!passphrase ())
    return cd_cli_fail (CD_EXIT_USAGE, _("keys import needs the passphrase of the export in "
                                         "CERTDESK_KEYS_PASSPHRASE"));
  if (!g_file_get_contents (argv[1], &text, &len, &error))
    return cd_cli_fail (CD_EXIT_INVALID, _("Cannot read the key export %s: %s"), argv[1], error->message);
  keys = cd_keys_import (text, passphrase (), &error);
  OPENSSL_cleanse (text, len);
  if (!keys)
    return cd_cli_fail (CD_EXIT_INVALID, "%s: %s", argv[1], error->message);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  Replace r = { keys, cd_context_get_actor (ctx) };

  if (!cd_sealed_scans_change_keys (ctx, replace_cb, &r, scan_progress, NULL, &error))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  return print_keys (ctx, "imported");
}

int
cd_cli_cmd_keys (CdCli *cli, int argc, char **argv)
{
  if (argc == 2 && g_str_equal (argv[1], "status"))
    return cmd_status (cli);
  if (argc == 2 && g_str_equal (argv[1], "rotate"))
    return cmd_rotate (cli);
  if (argc >= 2 && g_str_equal (argv[1], "export"))
    return cmd_export (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return cmd_import (cli, argc - 1, argv + 1);
  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _(USAGE));
      return CD_EXIT_OK;
    }
  return cd_cli_fail (CD_EXIT_USAGE, "%s", _(USAGE));
}

/* Sealing an older database, keys rotate and keys import go over every record in one transaction: the CLI says
 * how far it is on stderr, about every tenth of the way (nothing for a database with nothing to seal). */
void
cd_cli_keys_progress (guint64 done, guint64 total, gpointer user_data)
{
  static guint64 last_tenth = G_MAXUINT64;
  guint64 tenth = total ? done * 10 / total : 0;

  if (total == 0 || tenth == last_tenth)
    return;
  last_tenth = tenth;
  fprintf (stderr, "certdesk-cli: ");
  fprintf (stderr, _("encrypting personal data: %llu of %llu records"), (unsigned long long) done,
           (unsigned long long) total);
  fputc ('\n', stderr);
}
