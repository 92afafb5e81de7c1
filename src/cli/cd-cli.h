/* cd-cli.h: what every certdesk-cli command shares: global options, the context, JSON output, exit codes. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-clerk-store.h"
#include "cd-context.h"

G_BEGIN_DECLS

/* The exit codes of the certdesk-cli contract (design.md). */
enum {
  CD_EXIT_OK = 0,
  CD_EXIT_INVALID = 1,
  CD_EXIT_USAGE = 2,
  CD_EXIT_TOKEN = 3,
  CD_EXIT_ISSUER = 4,
  CD_EXIT_STORAGE = 5,
};

typedef struct {
  char      *db_path;      /* --db */
  char      *data_dir;     /* --data-dir */
  CdContext *context;      /* opened on first use */
} CdCli;

/* Opens the database and loads the profiles on first use; prints the reason and returns NULL on failure. */
CdContext *cd_cli_get_context (CdCli *cli, int *out_exit);

/* Parses @argv (argv[0] is the command name) with @entries; prints usage errors; FALSE → exit 2. */
gboolean   cd_cli_parse (const char *command, const char *params, const GOptionEntry *entries,
                         int *argc, char ***argv);

/* Prints @node as one JSON document on stdout. */
void       cd_cli_print_json (JsonNode *node);
void       cd_cli_print_builder (JsonBuilder *builder);

/* Prints "certdesk-cli: MESSAGE" on stderr (one line) and returns @code. */
int        cd_cli_fail (int code, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
int        cd_cli_fail_error (int code, const GError *error);

/* The exit code that fits an error from the core (invalid input, storage …). */
int        cd_cli_exit_for_error (const GError *error);

/* A change to an application (@func, as in cd_clerk_store_act_as). Without @supervisor it runs as is; a day
 * that is signed off refuses it with the lock's message, which names the day, and says how to adjust. With
 * @supervisor (a login) and @reason it runs as that supervisor's adjustment of the signed-off day
 * (cd_report_signoff_adjust, audited "adjustment"); the password comes from CERTDESK_PASSWORD, never from
 * the command line. Returns CD_EXIT_OK or the exit code after printing the reason. */
int        cd_cli_run_change (CdContext *ctx, const char *supervisor, const char *reason, CdActAsFunc func,
                              gpointer user_data);

/* Commands: each returns the process exit code. */
/* Secrets on the command line (cd-cli-burn.c, for burn, accept and revoke): the values of --pin, --so-pin,
 * --cmp-secret and --cmp-ra-key-pass in the original argv are wiped once parsed (the parser works on a
 * shallow copy); a secret is taken from its option (then wiped and freed) or else from the environment. */
typedef struct _CdPin CdPin;
void       cd_cli_wipe_secret_args (int argc, char **argv);
CdPin     *cd_cli_take_secret      (char *arg, const char *env);

int cd_cli_cmd_profiles     (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_checklist    (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_fee          (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_validate     (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_application  (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_audit        (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_price        (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_clerk        (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_report       (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_seal_extract (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_scan_import  (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_forms        (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_burn         (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_revoke       (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_accept       (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_ca           (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_central      (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_sync         (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_customer     (CdCli *cli, int argc, char **argv);
int cd_cli_cmd_keys         (CdCli *cli, int argc, char **argv);
/* Progress of sealing or re-sealing the personal data (cd_store_crypt_set_progress), on stderr. */
void cd_cli_keys_progress (guint64 done, guint64 total, gpointer user_data);
/* audit verify on a joined counter: its chain against the central copy (cd-cli-central.c); TRUE when they
 * agree, the counter has not joined or the central database cannot be reached (*out_central_rows -1). */
gboolean cd_cli_central_audit_compare (CdContext *ctx, gint64 *out_central_rows, gint64 *out_bad_id, GError **error);

G_END_DECLS
