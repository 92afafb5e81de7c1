/* cd-cli-application.c: `application import|show|check|pay|void|list`: applications through the same core API
 * as the counter application; the changes take `--supervisor NAME --reason TEXT` on a signed-off day. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cd-application-store.h"
#include "cd-cli.h"
#include "cd-preflight.h"
#include "cd-price-store.h"

static void
add_checklist (JsonBuilder *b, const CdApplication *app, const CdProfile *profile)
{
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, NULL);

  json_builder_set_member_name (b, "checklist");
  json_builder_begin_array (b);
  for (guint i = 0; list && i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      CdMaterialMark *mark = g_hash_table_lookup (app->materials, m->code);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, m->code);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, cd_localized (m->label, m->label_zh));
      json_builder_set_member_name (b, "required");
      json_builder_add_boolean_value (b, m->required);
      json_builder_set_member_name (b, "present");
      json_builder_add_boolean_value (b, mark && (mark->waived || ((!m->original || mark->original_seen)
                                                                   && (!m->copy || mark->copy)
                                                                   && (!m->copy || !m->stamped || mark->stamped)
                                                                   && (!m->scan || mark->scans->len > 0))));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_fee (JsonBuilder *b, CdContext *ctx, const CdApplication *app, const CdProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdFeeQuote) q = cd_fee_compute (ctx, app, profile, &error);

  json_builder_set_member_name (b, "fee");
  if (!q)
    {
      json_builder_add_null_value (b);
      json_builder_set_member_name (b, "fee_error");
      json_builder_add_string_value (b, error->message);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total_fen");
  json_builder_add_int_value (b, q->total_fen);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint i = 0; i < q->lines->len; i++)
    {
      const CdFeeLine *l = q->lines->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, l->code);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, l->label);
      json_builder_set_member_name (b, "qty");
      json_builder_add_int_value (b, l->qty);
      json_builder_set_member_name (b, "amount_fen");
      json_builder_add_int_value (b, l->amount_fen);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_faults (JsonBuilder *b, GPtrArray *faults)
{
  json_builder_set_member_name (b, "faults");
  json_builder_add_value (b, cd_preflight_faults_to_json (faults));
}

/* The pre-flight's refusal: every fault as JSON on stdout, the first error as the one line on stderr. */
static int
refuse_faults (gint64 id, GPtrArray *faults)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const CdPreflightFault *f = cd_preflight_first_error (faults, CD_PREFLIGHT_N_STEPS);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  add_faults (b, faults);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  if (g_str_equal (f->rule, "day-lock"))
    return cd_cli_fail (CD_EXIT_INVALID, _("%s: %s. Give --supervisor NAME --reason TEXT, with the supervisor’s "
                                           "password in CERTDESK_PASSWORD, to make it as an adjustment"),
                        f->path, f->message);
  return cd_cli_fail (CD_EXIT_INVALID, "%s: %s", f->path, f->message);
}

/* Runs the pre-flight on @app up to @up_to: FALSE (with *out_exit set) when it cannot run or finds an error. */
static gboolean
preflight (CdContext *ctx, const CdApplication *app, gint64 id, CdPreflightStage up_to, const char *supervisor,
           GPtrArray **out_faults, int *out_exit)
{
  g_autoptr(GError) error = NULL;

  if (!cd_preflight_run (ctx, app, id, up_to, out_faults, &error))
    {
      *out_exit = cd_cli_fail_error (0, error);
      return FALSE;
    }
  /* With --supervisor the change runs as that supervisor's adjustment of the signed-off day (authorised by
   * cd_cli_run_change): the day lock is what the adjustment is for. */
  for (guint i = (*out_faults)->len; supervisor && i > 0; i--)
    if (g_str_equal (((CdPreflightFault *) (*out_faults)->pdata[i - 1])->rule, "day-lock"))
      g_ptr_array_remove_index (*out_faults, i - 1);
  if (cd_preflight_has_errors (*out_faults))
    {
      *out_exit = refuse_faults (id, *out_faults);
      return FALSE;
    }
  return TRUE;
}

static int
print_summary_faults (CdContext *ctx, gint64 id, GPtrArray *faults);

static int
print_summary (CdContext *ctx, gint64 id)
{
  return print_summary_faults (ctx, id, NULL);
}

static int
print_summary_faults (CdContext *ctx, gint64 id, GPtrArray *faults)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdProfile *profile;

  if (!cd_application_store_load (ctx, id, &app, &info, &error)
      || !(profile = cd_context_lookup_profile (ctx, app->profile, &error)))
    return cd_cli_fail_error (0, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, info->number);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, cd_state_to_code (info->state));
  add_checklist (b, app, profile);
  add_fee (b, ctx, app, profile);
  if (faults)
    add_faults (b, faults);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

static gboolean
parse_id (const char *text, gint64 *out)
{
  char *end = NULL;
  gint64 v;

  if (text == NULL)
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  if (*end || v <= 0)
    return FALSE;
  *out = v;
  return TRUE;
}

static int
fail_bad_id (const char *text)
{
  return cd_cli_fail (CD_EXIT_USAGE, _("ID: “%s” is not an application id (a whole number from 1)"), text);
}

/* The changes below run through cd_cli_run_change: as they are, or as a supervisor's adjustment of a
 * signed-off day (--supervisor NAME --reason TEXT). */
#define ADJUST_ENTRIES(supervisor) \
  { "supervisor", 0, 0, G_OPTION_ARG_STRING, &supervisor, \
    N_("On a signed-off day: the supervisor who approves the change (password in CERTDESK_PASSWORD)"), "NAME" }

typedef struct {
  gint64                id;
  const CdApplication  *app;
  CdPaymentMethod       method;
  gint64                amount, received;
  gboolean              invoice;
  const char           *reason;
} Change;

static gboolean
create_change (CdContext *ctx, gpointer data, GError **error)
{
  Change *c = data;

  return cd_application_store_create (ctx, c->app, TRUE, &c->id, error);
}

static gboolean
check_change (CdContext *ctx, gpointer data, GError **error)
{
  return cd_application_store_check (ctx, ((Change *) data)->id, error);
}

static gboolean
pay_change (CdContext *ctx, gpointer data, GError **error)
{
  Change *c = data;

  return cd_application_store_pay (ctx, c->id, c->method, c->amount, c->received, c->invoice, error);
}

static gboolean
void_change (CdContext *ctx, gpointer data, GError **error)
{
  Change *c = data;

  return cd_application_store_void (ctx, c->id, c->reason, error);
}

/* --reason alone is the void's own reason; for the other changes it belongs to an adjustment. */
static gboolean
check_adjust_options (const char *supervisor, const char *reason)
{
  if (reason && !supervisor)
    {
      cd_cli_fail (CD_EXIT_USAGE, _("--reason goes with --supervisor NAME (an adjustment of a signed-off day)"));
      return FALSE;
    }
  return TRUE;
}

static int
cmd_import (CdCli *cli, int argc, char **argv)
{
  g_autofree char *supervisor = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    ADJUST_ENTRIES (supervisor),
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the signed-off day is changed"), "TEXT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  Change change = { 0 };
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("application import", "APP.json", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application import APP.json"));
  if (!check_adjust_options (supervisor, reason))
    return CD_EXIT_USAGE;
  if (!(app = cd_application_load_file (argv[1], &error)))
    return cd_cli_fail (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? CD_EXIT_USAGE : CD_EXIT_INVALID,
                        "%s: %s", argv[1], error->message);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  change.app = app;
  if ((code = cd_cli_run_change (ctx, supervisor, reason, create_change, &change)) != CD_EXIT_OK)
    return code;
  /* A draft may still be incomplete: what `check` would refuse is listed, not refused. */
  if (!cd_preflight_run (ctx, app, change.id, CD_PREFLIGHT_SEALS, &faults, &error))
    return cd_cli_fail_error (0, error);
  return print_summary_faults (ctx, change.id, faults);
}

static int
cmd_show (CdCli *cli, int argc, char **argv)
{
  gboolean meta = FALSE;
  const GOptionEntry entries[] = {
    { "meta", 0, 0, G_OPTION_ARG_NONE, &meta, N_("Print id, number, state, checklist and fee instead"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  CdContext *ctx;
  gint64 id;
  int code = 0;

  if (!cd_cli_parse ("application show", "ID", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc == 2 && !parse_id (argv[1], &id))
    return fail_bad_id (argv[1]);
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application show ID [--meta]"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (meta)
    return print_summary (ctx, id);
  if (!cd_application_store_load (ctx, id, &app, NULL, &error))
    return cd_cli_fail_error (g_error_matches (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND) ? CD_EXIT_INVALID : 0,
                              error);
  {
    g_autoptr(JsonNode) node = cd_application_to_json (app);
    cd_cli_print_json (node);
  }
  return CD_EXIT_OK;
}

static int
cmd_check (CdCli *cli, int argc, char **argv)
{
  g_autofree char *supervisor = NULL, *reason = NULL;
  const GOptionEntry entries[] = {
    ADJUST_ENTRIES (supervisor),
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the signed-off day is changed"), "TEXT" },
    { NULL }
  };
  Change change = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("application check", "ID", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc == 2 && !parse_id (argv[1], &change.id))
    return fail_bad_id (argv[1]);
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application check ID"));
  if (!check_adjust_options (supervisor, reason))
    return CD_EXIT_USAGE;
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_application_store_load (ctx, change.id, &app, NULL, &error))
    return cd_cli_fail_error (g_error_matches (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND) ? CD_EXIT_INVALID : 0,
                              error);
  /* Everything entered before the fee step, with every rule a later step enforces on it. */
  if (!preflight (ctx, app, change.id, CD_PREFLIGHT_SEALS, supervisor, &faults, &code))
    return code;
  if ((code = cd_cli_run_change (ctx, supervisor, reason, check_change, &change)) != CD_EXIT_OK)
    return code;
  return print_summary_faults (ctx, change.id, faults);
}

/* The way a free business is recorded when --method is not given: the first way the project accepts, as the
 * fee step preselects it (a payment row of 0 fen needs a method; no money changes hands). */
static gboolean
free_business_method (const CdProfile *profile, CdPaymentMethod *out)
{
  for (guint m = 0; m < CD_N_PAYMENT_METHODS; m++)
    if (cd_profile_accepts_payment (profile, m))
      {
        *out = m;
        return TRUE;
      }
  return FALSE;
}

static int
cmd_pay (CdCli *cli, int argc, char **argv)
{
  g_autofree char *method = NULL, *supervisor = NULL, *reason = NULL;
  gint64 amount = G_MININT64, received = -1;     /* amount G_MININT64: not given */
  gboolean invoice = FALSE;
  const GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method,
      N_("cash, wechat, alipay, bank-card or bank-transfer (not needed for a free business)"), "M" },
    { "amount-fen", 0, 0, G_OPTION_ARG_INT64, &amount, N_("Amount paid, in fen (0 for a free business)"), "N" },
    { "received-fen", 0, 0, G_OPTION_ARG_INT64, &received, N_("Cash handed over, in fen"), "N" },
    { "invoice", 0, 0, G_OPTION_ARG_NONE, &invoice, N_("An invoice is requested"), NULL },
    ADJUST_ENTRIES (supervisor),
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the signed-off day is changed"), "TEXT" },
    { NULL }
  };
  Change change = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  CdProfile *profile;
  CdContext *ctx;
  gboolean free_of_charge;
  int code = 0;

  if (!cd_cli_parse ("application pay", "ID", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc == 2 && !parse_id (argv[1], &change.id))
    return fail_bad_id (argv[1]);
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application pay ID --method M --amount-fen N"));
  if (amount != G_MININT64 && amount < 0)
    return cd_cli_fail (CD_EXIT_INVALID, _("--amount-fen: the amount paid is 0 fen or more, not %lld"),
                        (long long) amount);
  if (!check_adjust_options (supervisor, reason))
    return CD_EXIT_USAGE;
  if (method && !cd_payment_method_from_code (method, &change.method))
    return cd_cli_fail (CD_EXIT_INVALID, _("--method: “%s” is not one of cash, wechat, alipay, bank-card, bank-transfer"),
                        method);
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_application_store_load (ctx, change.id, &app, NULL, &error))
    return cd_cli_fail_error (g_error_matches (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND) ? CD_EXIT_INVALID : 0,
                              error);
  if (!(profile = cd_context_lookup_profile (ctx, app->profile, &error)))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);
  /* A fee that cannot be quoted (an unset local price) is the pre-flight's fault to name, not a free business. */
  quote = cd_fee_compute (ctx, app, profile, NULL);
  free_of_charge = quote && quote->total_fen == 0;
  if (free_of_charge && !method && !free_business_method (profile, &change.method))
    return cd_cli_fail (CD_EXIT_INVALID, _("%s accepts no way of payment: a supervisor must set the project’s "
                                           "payment methods"), cd_profile_display_name (profile));
  if (amount == G_MININT64 && free_of_charge)
    amount = 0;
  /* The payment is the one given here, not one the imported JSON carried. Without a method a business with a
   * fee has no payment: the pre-flight below names $.payment.method. */
  app->payment.has_payment = FALSE;
  if (method || free_of_charge)
    {
      if (amount == G_MININT64)
        return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application pay ID --method M --amount-fen N"));
      change.amount = amount;
      change.received = received < 0 ? amount : received;
      /* The application as it will be once paid: the payment and, when asked for, the invoice it needs. */
      app->payment.has_payment = TRUE;
      app->payment.method = change.method;
      app->payment.amount_fen = change.amount;
      app->payment.received_fen = change.method == CD_PAYMENT_CASH ? change.received : change.amount;
    }
  change.invoice = invoice;
  if (invoice && app->invoice == NULL)
    app->invoice = g_new0 (CdInvoice, 1);
  if (!preflight (ctx, app, change.id, CD_PREFLIGHT_FEE, supervisor, &faults, &code))
    return code;
  if (!app->payment.has_payment)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application pay ID --method M --amount-fen N"));
  if ((code = cd_cli_run_change (ctx, supervisor, reason, pay_change, &change)) != CD_EXIT_OK)
    return code;
  return print_summary_faults (ctx, change.id, faults);
}

static int
cmd_void (CdCli *cli, int argc, char **argv)
{
  g_autofree char *reason = NULL, *supervisor = NULL;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why the application is voided (on a signed-off day also the adjustment's reason)"), "TEXT" },
    ADJUST_ENTRIES (supervisor),
    { NULL }
  };
  Change change = { 0 };
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("application void", "ID", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc == 2 && !parse_id (argv[1], &change.id))
    return fail_bad_id (argv[1]);
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application void ID --reason TEXT"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  change.reason = reason;
  if ((code = cd_cli_run_change (ctx, supervisor, reason, void_change, &change)) != CD_EXIT_OK)
    return code;
  return print_summary (ctx, change.id);
}

static int
cmd_list (CdCli *cli, int argc, char **argv)
{
  g_autofree char *query = NULL;
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &query, N_("Name, USCC, ID number, phone, number or serial"), "TEXT" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Not only today's and open applications"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse ("application list", NULL, entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!(rows = cd_application_store_search (ctx, query, !all, &error)))
    return cd_cli_fail_error (0, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "applications");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      CdApplicationInfo *r = rows->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, r->id);
      json_builder_set_member_name (b, "number");
      json_builder_add_string_value (b, r->number);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, cd_state_to_code (r->state));
      json_builder_set_member_name (b, "step");
      json_builder_add_string_value (b, r->step);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "profile");
      json_builder_add_string_value (b, r->profile);
      json_builder_set_member_name (b, "business");
      json_builder_add_string_value (b, r->business);
      json_builder_set_member_name (b, "day");
      json_builder_add_string_value (b, r->day);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}

int
cd_cli_cmd_application (CdCli *cli, int argc, char **argv)
{
  static const struct { const char *name; int (*run) (CdCli *, int, char **); } subs[] = {
    { "import", cmd_import }, { "show", cmd_show }, { "check", cmd_check }, { "pay", cmd_pay },
    { "void", cmd_void }, { "list", cmd_list },
  };

  if (argc >= 2)
    for (gsize i = 0; i < G_N_ELEMENTS (subs); i++)
      if (g_str_equal (argv[1], subs[i].name))
        return subs[i].run (cli, argc - 1, argv + 1);
  if (argc == 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("%s\n%s\n", _("usage: certdesk-cli application import|show|check|pay|void|list …"),
              _("Each subcommand has its own --help, e.g. certdesk-cli application pay --help"));
      return CD_EXIT_OK;
    }
  return cd_cli_fail (CD_EXIT_USAGE, _("usage: certdesk-cli application import|show|check|pay|void|list …"));
}
