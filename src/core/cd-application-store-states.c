/* cd-application-store-states.c: an application's changes of state — the check, the payment, the later
 * transitions, voids and waivers — each one audited transaction behind the day lock. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-application-store.h"
#include "cd-application-store-private.h"
#include "cd-field-crypt.h"
#include "cd-store-crypt.h"
#include "cd-preflight.h"
#include "cd-print-set.h"
#include "cd-audit.h"
#include "cd-ident.h"
#include "cd-price-store.h"
#include "cd-report-signoff.h"

GPtrArray *
cd_application_missing_materials (const CdApplication *app, const CdProfile *profile, gboolean with_codes)
{
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, NULL);
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; list && i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      CdMaterialMark *mark = g_hash_table_lookup (app->materials, m->code);
      g_autoptr(GPtrArray) what = g_ptr_array_new ();

      if (!m->required || (mark && mark->waived))
        continue;
      /* The application form and the like are printed by the counter after payment and signed then: the
       * print step asks for their scans and the burn requires them (cd_print_store_signed_scanned). */
      if (cd_print_set_is_signed_material (profile, m))
        continue;
      if (m->original && !(mark && mark->original_seen))
        g_ptr_array_add (what, _("original not seen"));
      if (m->copy && !(mark && mark->copy))
        g_ptr_array_add (what, _("copy not received"));
      if (m->copy && m->stamped && !(mark && mark->stamped))
        g_ptr_array_add (what, _("copy not stamped"));
      if (m->scan && !(mark && mark->scans->len > 0))
        g_ptr_array_add (what, _("no scan attached"));
      if (what->len)
        {
          g_ptr_array_add (what, NULL);
          /* TRANSLATORS: the separator in a list of what is missing, e.g. "copy not received, no scan attached" */
          g_autofree char *joined = g_strjoinv (_(", "), (char **) what->pdata);
          if (with_codes)
            g_ptr_array_add (missing, g_strdup_printf ("%s (%s): %s", cd_localized (m->label, m->label_zh), m->code,
                                                       joined));
          else
            /* TRANSLATORS: a material and what is missing of it, e.g. "Power of attorney: original not seen" */
            g_ptr_array_add (missing, g_strdup_printf (_("%s: %s"), cd_localized (m->label, m->label_zh), joined));
        }
    }
  return missing;
}

gboolean
cd_application_store_check (CdContext *ctx, gint64 id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  CdFeeRequest req;
  CdProfile *profile;

  if (!cd_application_store_load (ctx, id, &app, &info, error))
    return FALSE;
  if (!cd_state_check_transition (info->state, CD_STATE_CHECKED, error))
    return FALSE;
  if (!(profile = cd_context_lookup_profile (ctx, app->profile, error)) || !cd_application_validate (app, profile, error))
    return FALSE;
  /* with the codes the application's JSON and certdesk-cli name the materials by */
  missing = cd_application_missing_materials (app, profile, TRUE);
  if (missing->len)
    {
      g_ptr_array_add (missing, NULL);
      g_autofree char *joined = g_strjoinv ("; ", (char **) missing->pdata);
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("Materials missing: %s"), joined);
      return FALSE;
    }
  req = cd_application_fee_request (app);
  if (!(quote = cd_price_store_quote (ctx, profile, app->business, app->applicant_type, &req, error)))
    return FALSE;
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_application_store_check_day_lock (ctx, id, "check", error)
      || !cd_store_prepare (store, "UPDATE application SET fee_total_fen = ?2 WHERE id = ?1", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, id);
  sqlite3_bind_int64 (upd, 2, quote->total_fen);
  if (!cd_store_step_done (store, upd, error)
      || !cd_application_store_set_state (ctx, id, info->state, CD_STATE_CHECKED, NULL, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

/* The pre-flight at the fee step, with the payment being recorded: nothing is paid that a later step would
 * refuse (cd-preflight.h). The day lock stays the guard's below (CD_STATE_ERROR_DAY_SIGNED, which callers
 * answer with a supervisor's adjustment). */
static gboolean
preflight_pay (CdContext *ctx, gint64 id, const CdApplication *app, CdPaymentMethod method, gint64 amount_fen,
               gint64 received_fen, gboolean invoice, GError **error)
{
  g_autoptr(CdApplication) paying = cd_application_copy (app);
  g_autoptr(GPtrArray) faults = NULL;

  paying->payment.has_payment = TRUE;
  paying->payment.method = method;
  paying->payment.amount_fen = amount_fen;
  paying->payment.received_fen = method == CD_PAYMENT_CASH ? received_fen : amount_fen;
  if (invoice && paying->invoice == NULL)
    paying->invoice = g_new0 (CdInvoice, 1);
  if (!cd_preflight_run (ctx, paying, id, CD_PREFLIGHT_FEE, &faults, error))
    return FALSE;
  for (guint i = 0; i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];

      if (f->severity == CD_PREFLIGHT_FAULT_ERROR && !g_str_equal (f->rule, "day-lock"))
        {
          g_set_error (error, CD_PREFLIGHT_ERROR, CD_PREFLIGHT_ERROR_REFUSED, "%s: %s", f->path, f->message);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
cd_application_store_pay (CdContext *ctx, gint64 id, CdPaymentMethod method, gint64 amount_fen,
                          gint64 received_fen, gboolean invoice, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *day = cd_store_today (store);
  g_autofree char *due = NULL;
  g_autofree char *paid = NULL;
  g_autofree char *data = NULL;
  g_autofree char *sealed = NULL;
  CdFeeRequest req;
  CdProfile *profile;

  if (!cd_application_store_load (ctx, id, &app, &info, error))
    return FALSE;
  if (!cd_state_check_transition (info->state, CD_STATE_PAID, error))
    return FALSE;
  if (!(profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return FALSE;
  if (!preflight_pay (ctx, id, app, method, amount_fen, received_fen, invoice, error))
    return FALSE;
  if (!cd_profile_accepts_payment (profile, method))
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("Profile %s does not accept payment by %s"),
                   profile->id, cd_payment_method_label (method));
      return FALSE;
    }
  req = cd_application_fee_request (app);
  if (!(quote = cd_price_store_quote (ctx, profile, app->business, app->applicant_type, &req, error)))
    return FALSE;
  due = cd_fen_to_yuan_string (quote->total_fen);
  paid = cd_fen_to_yuan_string (amount_fen);
  if (amount_fen != quote->total_fen)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
                   _("The amount paid is %s yuan but the fee is %s yuan"), paid, due);
      return FALSE;
    }
  if (method == CD_PAYMENT_CASH && received_fen < amount_fen)
    {
      g_autofree char *got = cd_fen_to_yuan_string (received_fen);
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
                   _("Cash received (%s yuan) is less than the fee (%s yuan)"), got, due);
      return FALSE;
    }
  if (method != CD_PAYMENT_CASH)
    received_fen = amount_fen;
  app->payment.has_payment = TRUE;
  app->payment.method = method;
  app->payment.amount_fen = amount_fen;
  app->payment.received_fen = received_fen;
  data = cd_application_to_string (app);

  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_application_store_check_day_lock (ctx, id, "pay", error))
    goto fail;
  if (!cd_store_prepare (store, "INSERT INTO payment (application_id, method, amount_fen, received_fen,"
                                " invoice_requested, clerk_id, day, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         &ins, error))
    goto fail;
  sqlite3_bind_int64 (ins, 1, id);
  sqlite3_bind_text (ins, 2, cd_payment_method_to_code (method), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ins, 3, amount_fen);
  sqlite3_bind_int64 (ins, 4, received_fen);
  sqlite3_bind_int (ins, 5, invoice);
  if (cd_context_get_clerk_id (ctx) > 0)
    sqlite3_bind_int64 (ins, 6, cd_context_get_clerk_id (ctx));
  else
    sqlite3_bind_null (ins, 6);
  sqlite3_bind_text (ins, 7, day, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 8, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, ins, error))
    goto fail;
  if (!(sealed = cd_field_seal_json (cd_store_get_keys (store), "application", id, data, NULL, error))
      || !cd_store_prepare (store, "UPDATE application SET data = ?2, fee_total_fen = ?3 WHERE id = ?1", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, id);
  sqlite3_bind_text (upd, 2, sealed, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (upd, 3, quote->total_fen);
  detail = cd_audit_detail_new ("method", cd_payment_method_to_code (method), "amount", paid, NULL);
  if (!cd_store_step_done (store, upd, error)
      || !cd_application_store_set_state (ctx, id, info->state, CD_STATE_PAID, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_application_store_transition (CdContext *ctx, gint64 id, CdState to, JsonNode *detail, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  CdState from;

  if (to == CD_STATE_CHECKED || to == CD_STATE_PAID || to == CD_STATE_VOIDED)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED,
                   _("“%s” has its own checks; use the matching action"), cd_state_label (to));
      return FALSE;
    }
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_application_store_read_state (store, id, &from, error)
      || !cd_application_store_check_day_lock (ctx, id, "state", error)
      || !cd_application_store_set_state (ctx, id, from, to, detail, error)
      || !cd_store_commit (store, error))
    {
      cd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_reason (const char *reason, const char *what, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));

  if (g_utf8_strlen (trimmed, -1) < 2)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("A %s needs a reason of a few words"), what);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_application_store_void (CdContext *ctx, gint64 id, const char *reason, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonNode) detail = NULL;
  CdState from;

  if (!require_reason (reason, _("void"), error))
    return FALSE;
  detail = cd_audit_detail_new ("reason", reason, NULL);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_application_store_read_state (store, id, &from, error)
      || !cd_application_store_check_day_lock (ctx, id, "void", error)
      || !cd_application_store_set_state (ctx, id, from, CD_STATE_VOIDED, detail, error)
      || !cd_store_prepare (store, "UPDATE application SET void_reason = ?2 WHERE id = ?1", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, id);
  sqlite3_bind_text (upd, 2, reason, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, upd, error) || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_application_store_waive (CdContext *ctx, gint64 id, const char *material, const char *reason, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  CdChecklistOptions opts;
  g_autoptr(GPtrArray) list = NULL;
  gboolean on_list = FALSE;
  CdProfile *profile;

  if (!require_reason (reason, _("waiver"), error))
    return FALSE;
  if (cd_context_get_clerk_id (ctx) <= 0)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("Only a signed-in supervisor can waive a material"));
      return FALSE;
    }
  if (!cd_application_store_load (ctx, id, &app, &info, error))
    return FALSE;
  if (info->state != CD_STATE_DRAFT)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED, _("Materials can be waived only on a draft"));
      return FALSE;
    }
  if (!(profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return FALSE;
  opts = cd_application_checklist_options (app);
  list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, error);
  for (guint i = 0; list && i < list->len; i++)
    on_list |= g_str_equal (((CdMaterial *) list->pdata[i])->code, material);
  if (!on_list)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("“%s” is not on this application's checklist"),
                   material);
      return FALSE;
    }
  detail = cd_audit_detail_new ("material", material, "reason", reason, NULL);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_application_store_check_day_lock (ctx, id, "waive", error)
      || !cd_store_prepare (store, "INSERT INTO material (application_id, code, waived_by, waiver_reason)"
                                " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (application_id, code) DO UPDATE SET"
                                " waived_by = excluded.waived_by, waiver_reason = excluded.waiver_reason", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, id);
  sqlite3_bind_text (upd, 2, material, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (upd, 3, cd_context_get_clerk_id (ctx));
  sqlite3_bind_text (upd, 4, reason, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, upd, error)
      || !cd_audit_append (store, cd_context_get_actor (ctx), "material.waive", "application", id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}
