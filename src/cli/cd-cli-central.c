/* cd-cli-central.c: `central init|join` and `sync`: many outlets, one CA (docs/central.md). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-central.h"
#include "cd-central-keys.h"
#include "cd-cli.h"
#include "cd-paths.h"
#include "cd-price-store.h"

static int
exit_for (const GError *error)
{
  if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID))
    return CD_EXIT_INVALID;
  /* Not joined: a question of set-up, answered like a usage error (docs/central.md). */
  if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED))
    return CD_EXIT_USAGE;
  return CD_EXIT_STORAGE;
}

/* The CA's key set id central init publishes: --key-id, else the key set of the database that runs init when that
 * database exists (the head office's, which made the CA's key set and exported it). A database is not made just for
 * this: a new one's random key set is nobody's, and would lock every counter out. NULL: none to publish. */
static char *
init_key_id (CdCli *cli, const char *given, int *out_exit)
{
  g_autofree char *dir = NULL, *path = NULL;
  CdContext *ctx;
  CdKeys *keys;

  if (given)
    return g_strdup (given);
  dir = cli->data_dir ? g_strdup (cli->data_dir) : cd_paths_default_state_dir ();
  path = cli->db_path ? g_strdup (cli->db_path) : g_build_filename (dir, "certdesk.db", NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  if (!(ctx = cd_cli_get_context (cli, out_exit)))
    return NULL;
  keys = cd_store_get_keys (cd_context_get_store (ctx));
  return keys ? g_strdup (cd_keys_get_id (keys)) : NULL;
}

static int
cmd_init (CdCli *cli, int argc, char **argv)
{
  g_autofree char *outlet = NULL, *name = NULL, *role = NULL, *key_id = NULL, *publish = NULL;
  g_autofree char *published = NULL, *other = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, N_("Also make this outlet (its code)"), "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The outlet's name"), "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("The database user the outlet's counters log in as"), "USER" },
    { "key-id", 0, 0, G_OPTION_ARG_STRING, &key_id,
      N_("Publish this key set id as the CA's (default: this database's, when it exists)"), "ID" },
    { "replace-keys", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace a different CA key set id published earlier (every counter must import the new key set)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  int version = 0, applied = 0, code = 0;

  if (!cd_cli_parse ("central init", "URL", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("central init needs the central database's URL (a libpq URI)"));
  if ((name || role) && !outlet)
    return cd_cli_fail (CD_EXIT_USAGE, _("--name and --role go with --outlet CODE"));
  if (outlet && (!name || !role))
    return cd_cli_fail (CD_EXIT_USAGE, _("--outlet needs --name NAME and --role USER"));
  if (!cd_central_check_url (argv[1], &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  publish = init_key_id (cli, key_id, &code);
  if (code)
    return code;
  if (!cd_central_init (argv[1], outlet, name, role, &version, &applied, &error))
    return cd_cli_fail_error (exit_for (error), error);
  if (publish && !cd_central_publish_key_id (argv[1], publish, replace, &published, &other, &error))
    return cd_cli_fail_error (exit_for (error), error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, version);
  json_builder_set_member_name (b, "applied");
  json_builder_add_int_value (b, applied);
  if (outlet)
    {
      json_builder_set_member_name (b, "outlet");
      json_builder_add_string_value (b, outlet);
    }
  /* The CA's key set as published now (null: none published by this run). */
  json_builder_set_member_name (b, "key_id");
  if (published)
    json_builder_add_string_value (b, published);
  else
    json_builder_add_null_value (b);
  if (other && !replace)
    {
      json_builder_set_member_name (b, "key_id_not_published");
      json_builder_add_string_value (b, other);
      g_printerr (_("certdesk-cli: the central database names key set %s as the CA's; this key set (%s) was not "
                    "published. Counters join only with the CA's key set (certdesk-cli keys import); "
                    "--replace-keys makes %s the CA's instead\n"), published, other, other);
    }
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

static int
cmd_join (CdCli *cli, int argc, char **argv)
{
  g_autofree char *outlet = NULL, *name = NULL, *counter = NULL;
  const GOptionEntry entries[] = {
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, N_("The outlet this counter belongs to (its code)"), "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("This counter's name"), "NAME" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 queued = 0;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("central join", "URL", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2 || !outlet || !name)
    return cd_cli_fail (CD_EXIT_USAGE, _("central join needs URL, --outlet CODE and --name NAME"));
  if (!cd_central_check_url (argv[1], &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_central_join (cd_context_get_store (ctx), argv[1], outlet, name, &counter, &queued, &error))
    return cd_cli_fail_error (exit_for (error), error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "outlet");
  json_builder_add_string_value (b, outlet);
  json_builder_set_member_name (b, "counter");
  json_builder_add_string_value (b, counter);
  json_builder_set_member_name (b, "queued");
  json_builder_add_int_value (b, queued);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

static int
cmd_verify (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  gboolean intact = FALSE;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("central verify", "[URL]", NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc > 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("central verify takes at most one URL (default: this counter's)"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(report = cd_central_verify (cd_context_get_store (ctx), argc == 2 ? argv[1] : NULL, &intact, &error)))
    return cd_cli_fail_error (exit_for (error), error);
  cd_cli_print_json (report);
  return intact ? CD_EXIT_OK : cd_cli_fail_error (CD_EXIT_STORAGE, error);
}

/* The URL a head-office command talks to: the one given, else this counter's own (not joined: exit 2). */
static const char *
hq_url (CdContext *ctx, int argc, char **argv, char **owned, int *out_exit)
{
  if (argc == 2)
    return argv[1];
  if (!(*owned = cd_store_setting_dup (cd_context_get_store (ctx), "central.url")))
    {
      *out_exit = cd_cli_fail (CD_EXIT_USAGE, _("Give the central database's URL (a libpq URI logging in as a "
                                                "head-office user); this counter has not joined one"));
      return NULL;
    }
  return *owned;
}

/* `central price list|set|clear [URL] --profile ID …`: the head office's prices, in the style of `price`. */
static int
cmd_hq_price (CdCli *cli, int argc, char **argv)
{
  g_autofree char *profile = NULL, *business = NULL, *variant = NULL, *item = NULL, *owned = NULL;
  int years = 0;
  gint64 amount = G_MININT64;     /* not given */
  gboolean allow_local = FALSE;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("Profile id"), "ID" },
    { "business", 0, 0, G_OPTION_ARG_STRING, &business, N_("Business code"), "B" },
    { "variant", 0, 0, G_OPTION_ARG_STRING, &variant, N_("Fee variant id of the profile"), "V" },
    { "item", 0, 0, G_OPTION_ARG_STRING, &item, N_("Fee item code"), "CODE" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, N_("Term, for a term-table price"), "N" },
    { "amount-fen", 0, 0, G_OPTION_ARG_INT64, &amount, N_("New price in fen"), "N" },
    { "allow-local", 0, 0, G_OPTION_ARG_NONE, &allow_local,
      N_("A counter's own price for this item wins over the head office's"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  CdPriceOverride o = { 0 };
  const char *sub = argc >= 2 ? argv[1] : "", *url;
  CdContext *ctx;
  int code = 0;

  if (g_str_equal (sub, "--help") || g_str_equal (sub, "-h"))
    {
      printf ("%s\n", _("usage: certdesk-cli central price list|set|clear [URL] --profile ID "
                        "[--business B --variant V --item CODE [--years N] --amount-fen N "
                        "[--allow-local]]"));
      return CD_EXIT_OK;
    }
  if (!g_strv_contains ((const char *const[]) { "list", "set", "clear", NULL }, sub))
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli central price list|set|clear [URL] --profile ID "
                                         "[--business B --variant V --item CODE [--years N] --amount-fen N "
                                         "[--allow-local]]"));
  argc--;
  argv++;
  if (!cd_cli_parse ("central price", "list|set|clear [URL]", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc > 2 || (!profile && !g_str_equal (sub, "list")))
    return cd_cli_fail (CD_EXIT_USAGE, _("central price %s needs --profile ID and at most one URL"), sub);
  if (amount != G_MININT64 && amount < 0)
    return cd_cli_fail (CD_EXIT_INVALID, _("--amount-fen: a price is 0 fen or more, not %lld"), (long long) amount);
  if (!(ctx = cd_cli_get_context (cli, &code)) || !(url = hq_url (ctx, argc, argv, &owned, &code)))
    return code;
  if (!cd_central_check_url (url, &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (!g_str_equal (sub, "list"))
    {
      if (!business || !variant || !item || (g_str_equal (sub, "set") && amount == G_MININT64))
        return cd_cli_fail (CD_EXIT_USAGE, _("--business, --variant, --item (and --amount-fen to set) are required"));
      o.business = business;
      o.variant = variant;
      o.item = item;
      o.years = (guint) MAX (years, 0);
      o.amount_fen = amount;
      /* Checked against the profile here, so no counter pulls a price for an item that does not exist. */
      if (!cd_price_store_check (ctx, profile, &o, g_str_equal (sub, "set"), &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      if (!(g_str_equal (sub, "set") ? cd_central_hq_price_set (url, profile, &o, allow_local, &error)
                                     : cd_central_hq_price_clear (url, profile, &o, &error)))
        return cd_cli_fail_error (exit_for (error), error);
    }
  if (!(list = cd_central_hq_price_list (url, profile, &error)))
    return cd_cli_fail_error (exit_for (error), error);
  cd_cli_print_json (list);
  return CD_EXIT_OK;
}

/* `central clerk list|add|set [URL] --login L …`: the head office's clerk accounts. The password of a new
 * account (or a reset one) comes from CERTDESK_NEW_PASSWORD, never the command line, and only its salted hash
 * leaves this machine. */
static int
cmd_hq_clerk (CdCli *cli, int argc, char **argv)
{
  g_autofree char *login = NULL, *name = NULL, *role = NULL, *outlet = NULL, *owned = NULL, *hash = NULL;
  gboolean enable = FALSE, disable = FALSE, password = FALSE;
  const GOptionEntry entries[] = {
    { "login", 0, 0, G_OPTION_ARG_STRING, &login, N_("The account's login"), "LOGIN" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The clerk's name"), "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("clerk, supervisor, printer or head-office"), "ROLE" },
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, N_("The outlet the account signs in at (its code)"), "CODE" },
    { "enable", 0, 0, G_OPTION_ARG_NONE, &enable, N_("The account may sign in again"), NULL },
    { "disable", 0, 0, G_OPTION_ARG_NONE, &disable, N_("The account may no longer sign in"), NULL },
    { "password", 0, 0, G_OPTION_ARG_NONE, &password, N_("Set a new password (from CERTDESK_NEW_PASSWORD)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  const char *sub = argc >= 2 ? argv[1] : "", *url;
  CdRole r;
  CdContext *ctx;
  int code = 0;

  if (g_str_equal (sub, "--help") || g_str_equal (sub, "-h"))
    {
      printf ("%s\n", _("usage: certdesk-cli central clerk list [URL] [--outlet CODE] | add [URL] "
                        "--login LOGIN --name NAME --role ROLE --outlet CODE | set [URL] --login "
                        "LOGIN [--name NAME] [--role ROLE] [--outlet CODE] [--enable|--disable] "
                        "[--password]; a password comes from CERTDESK_NEW_PASSWORD"));
      return CD_EXIT_OK;
    }
  if (!g_strv_contains ((const char *const[]) { "list", "add", "set", NULL }, sub))
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli central clerk list [URL] [--outlet CODE] | add [URL] "
                                         "--login LOGIN --name NAME --role ROLE --outlet CODE | set [URL] --login "
                                         "LOGIN [--name NAME] [--role ROLE] [--outlet CODE] [--enable|--disable] "
                                         "[--password]; a password comes from CERTDESK_NEW_PASSWORD"));
  argc--;
  argv++;
  if (!cd_cli_parse ("central clerk", "list|add|set [URL]", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc > 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("central clerk %s takes at most one URL"), sub);
  if (enable && disable)
    return cd_cli_fail (CD_EXIT_USAGE, _("--enable and --disable exclude each other"));
  if (role && !cd_role_from_code (role, &r))
    return cd_cli_fail (CD_EXIT_INVALID, _("--role: “%s” is not a role; expected clerk, supervisor, printer or "
                                           "head-office"), role);
  if (g_str_equal (sub, "add"))
    {
      const char *pw = g_getenv ("CERTDESK_NEW_PASSWORD");

      if (!login || !name || !role || !outlet)
        return cd_cli_fail (CD_EXIT_USAGE, _("central clerk add needs --login, --name, --role and --outlet"));
      if (!pw)
        return cd_cli_fail (CD_EXIT_USAGE, _("Set CERTDESK_NEW_PASSWORD to the new account's password"));
      if (!cd_clerk_validate_account (login, name, pw, &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      hash = cd_password_hash (pw);
    }
  else if (g_str_equal (sub, "set"))
    {
      const char *pw = g_getenv ("CERTDESK_NEW_PASSWORD");

      if (!login)
        return cd_cli_fail (CD_EXIT_USAGE, _("central clerk set needs --login LOGIN"));
      if (password && !pw)
        return cd_cli_fail (CD_EXIT_USAGE, _("Set CERTDESK_NEW_PASSWORD to the account's new password"));
      if (password && !cd_clerk_validate_account (login, name ? name : login, pw, &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      if (name && !*g_strstrip (name))
        return cd_cli_fail (CD_EXIT_INVALID, _("--name: the clerk's name is required"));
      if (password)
        hash = cd_password_hash (pw);
    }
  if ((g_str_equal (sub, "add") || password) && !hash)
    return cd_cli_fail (CD_EXIT_STORAGE, _("The password could not be protected"));
  if (!(ctx = cd_cli_get_context (cli, &code)) || !(url = hq_url (ctx, argc, argv, &owned, &code)))
    return code;
  if (!cd_central_check_url (url, &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  if (g_str_equal (sub, "add") && !cd_central_hq_clerk_add (url, login, name, role, outlet, hash, &error))
    return cd_cli_fail_error (exit_for (error), error);
  if (g_str_equal (sub, "set")
      && !cd_central_hq_clerk_set (url, login, name, role, outlet, enable ? 1 : disable ? 0 : -1, hash, &error))
    return cd_cli_fail_error (exit_for (error), error);
  if (!(list = cd_central_hq_clerk_list (url, g_str_equal (sub, "list") ? outlet : NULL, &error)))
    return cd_cli_fail_error (exit_for (error), error);
  cd_cli_print_json (list);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_central (CdCli *cli, int argc, char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "price"))
    return cmd_hq_price (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "clerk"))
    return cmd_hq_clerk (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "verify"))
    return cmd_verify (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "init"))
    return cmd_init (cli, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "join"))
    return cmd_join (cli, argc - 1, argv + 1);
  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _("usage: certdesk-cli central init URL [--outlet CODE --name NAME --role USER]"
                        " [--key-id ID [--replace-keys]] | central join URL --outlet CODE --name NAME"
                        " | central verify [URL]"));
      printf ("%s\n", _("head office: certdesk-cli central price list|set|clear [URL] --profile ID …"
                        " | central clerk list|add|set [URL] --login LOGIN …"));
      return CD_EXIT_OK;
    }
  return cd_cli_fail (CD_EXIT_USAGE, _("central needs init URL, join URL --outlet CODE --name NAME, verify [URL], "
                                       "price list|set|clear or clerk list|add|set"));
}

int
cd_cli_cmd_sync (CdCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdCentralSyncResult r;
  CdContext *ctx;
  gboolean ok;
  int code = 0;

  if (!cd_cli_parse ("sync", NULL, NULL, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  ok = cd_central_sync (cd_context_get_store (ctx), &r, &error);
  if (!ok && g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED))
    return cd_cli_fail_error (CD_EXIT_USAGE, error);
  /* The counts go out even when the round stopped half-way (offline: what is still waiting). */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pushed");
  json_builder_add_int_value (b, r.pushed);
  json_builder_set_member_name (b, "pulled");
  json_builder_add_int_value (b, r.pulled);
  json_builder_set_member_name (b, "pending");
  json_builder_add_int_value (b, r.pending);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return ok ? CD_EXIT_OK : cd_cli_fail_error (exit_for (error), error);
}

int
cd_cli_cmd_customer (CdCli *cli, int argc, char **argv)
{
  gint64 limit = 50;
  gboolean central = FALSE;
  g_autofree char *url = NULL;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, N_("Most customers to print (default 50)"), "N" },
    { "central", 0, 0, G_OPTION_ARG_NONE, &central,
      N_("Ask the central database itself (every outlet's customers as they are now), not this counter's copy"), NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url,
      N_("With --central: the central database's URL (default: the one this counter joined)"), "URL" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) found = NULL;
  CdContext *ctx;
  int code = 0;

  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n", _("usage: certdesk-cli customer find TEXT [--limit N] [--central [--url URL]]"));
      return CD_EXIT_OK;
    }
  if (argc < 2 || !g_str_equal (argv[1], "find"))
    return cd_cli_fail (CD_EXIT_USAGE, _("customer needs find TEXT (a name, a USCC or an ID number)"));
  argc--;
  argv++;
  if (!cd_cli_parse ("customer find", "TEXT", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2 || !*g_strstrip (argv[1]) || limit < 1)
    return cd_cli_fail (CD_EXIT_USAGE, _("customer find needs TEXT (a name, a USCC or an ID number)"));
  if (url && !central)
    return cd_cli_fail (CD_EXIT_USAGE, _("--url goes with --central"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (central)
    {
      /* The head office's lookup (or a counter's, online): persons matched on the blind indexes of the typed text
       * under this database's key set, the CA's once imported; never on a clear or sealed value. */
      CdStore *store = cd_context_get_store (ctx);

      if (!url && !(url = cd_store_setting_dup (store, "central.url")))
        return cd_cli_fail (CD_EXIT_USAGE, _("This counter has not joined a central database; give its URL with "
                                             "--url (a libpq URI)"));
      if (!cd_central_check_url (url, &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      if (!(found = cd_central_lookup_customers (url, cd_store_get_keys (store), argv[1],
                                                 (guint) MIN (limit, 10000), &error)))
        return cd_cli_fail_error (exit_for (error), error);
      cd_cli_print_json (found);
      return CD_EXIT_OK;
    }
  if (!(found = cd_central_find_customers (cd_context_get_store (ctx), argv[1], (guint) MIN (limit, 10000),
                                           &error)))
    return cd_cli_fail_error (CD_EXIT_STORAGE, error);
  cd_cli_print_json (found);
  return CD_EXIT_OK;
}

gboolean
cd_cli_central_audit_compare (CdContext *ctx, gint64 *out_central_rows, gint64 *out_bad_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(GError) local = NULL;

  *out_central_rows = -1;
  if (!cd_central_is_joined (store, NULL))
    return TRUE;
  if (cd_central_audit_compare (store, out_central_rows, out_bad_id, &local))
    return TRUE;
  /* Offline: the local chain stands on its own; the comparison waits for the line ("central_rows": null). */
  if (local->domain == CD_CENTRAL_ERROR)
    {
      *out_central_rows = -1;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
