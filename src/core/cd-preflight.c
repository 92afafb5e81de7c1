/* cd-preflight.c: every rule a later step enforces, evaluated before money is taken or a key is touched. This
 * file: the run (the rules in their order, the faults it gathers) and the validation of the fields themselves;
 * the rules are in cd-preflight-<concern>.c (price, invoice, subject, certificate, day-lock, applicant, text,
 * materials). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "cd-preflight-private.h"

G_DEFINE_QUARK (cd-preflight-error-quark, cd_preflight_error)

static const char *const step_codes[CD_PREFLIGHT_N_STEPS] = {
  "business", "applicant", "materials", "seals", "fee", "print", "burn",
};

const char *
cd_preflight_step_to_code (CdPreflightStep step)
{
  g_return_val_if_fail (step < CD_PREFLIGHT_N_STEPS, NULL);
  return step_codes[step];
}

gboolean
cd_preflight_step_from_code (const char *code, CdPreflightStep *out)
{
  for (guint i = 0; i < CD_PREFLIGHT_N_STEPS; i++)
    if (g_strcmp0 (code, step_codes[i]) == 0)
      {
        *out = (CdPreflightStep) i;
        return TRUE;
      }
  return FALSE;
}

void
cd_preflight_fault_free (CdPreflightFault *fault)
{
  if (!fault)
    return;
  g_free (fault->rule);
  g_free (fault->path);
  g_free (fault->message);
  g_free (fault);
}

void
cd_preflight_add_fault (CdPreflightRun *r, CdPreflightStep step, CdPreflightSeverity severity, const char *rule,
                        const char *path, const char *fmt, ...)
{
  CdPreflightFault *f;
  va_list ap;

  /* A fault of a step the clerk has not reached yet is not one yet (an unpaid draft is not "unpaid"). */
  if (step > r->up_to)
    return;
  /* Once the money is taken, the fee step's fields are history: they no longer stop the later steps. */
  if (r->paid && step == CD_PREFLIGHT_FEE && !g_str_equal (rule, "day-lock"))
    return;
  /* One fault per field: the first rule that finds it says it (validation runs last). */
  for (guint i = 0; i < r->faults->len; i++)
    {
      const CdPreflightFault *old = r->faults->pdata[i];
      if (g_str_equal (old->path, path) && g_str_equal (path, "$.materials") == FALSE && old->severity == severity)
        return;
    }
  f = g_new0 (CdPreflightFault, 1);
  f->step = step;
  f->severity = severity;
  f->rule = g_strdup (rule);
  f->path = g_strdup (path);
  va_start (ap, fmt);
  f->message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_ptr_array_add (r->faults, f);
}

/* The step whose page holds the field at @path. The applicant type and the party role are chosen on the
 * applicant step (with the fields they decide), not on the business step: a fault of theirs is fixed there. */
CdPreflightStep
cd_preflight_step_of_path (const char *path)
{
  static const struct { const char *prefix; CdPreflightStep step; } map[] = {
    { "$.applicant_type", CD_PREFLIGHT_APPLICANT }, { "$.party_role", CD_PREFLIGHT_APPLICANT },
    { "$.unit", CD_PREFLIGHT_APPLICANT }, { "$.person", CD_PREFLIGHT_APPLICANT },
    { "$.legal_person", CD_PREFLIGHT_APPLICANT }, { "$.agent", CD_PREFLIGHT_APPLICANT },
    { "$.materials", CD_PREFLIGHT_MATERIALS }, { "$.samples", CD_PREFLIGHT_SEALS },
    { "$.invoice", CD_PREFLIGHT_FEE }, { "$.payment", CD_PREFLIGHT_FEE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_has_prefix (path, map[i].prefix))
      return map[i].step;
  return CD_PREFLIGHT_BUSINESS;
}

/* ---- the application as it is stored ---- */

static gboolean
load_state (CdPreflightRun *r, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *code = NULL;

  r->state = CD_STATE_DRAFT;
  if (r->id <= 0)
    return TRUE;
  if (!cd_store_prepare (r->store, "SELECT state FROM application WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no application %lld"),
                   (long long) r->id);
      return FALSE;
    }
  code = cd_store_column_dup (stmt, 0);
  cd_state_from_code (code, &r->state);
  r->paid = r->state == CD_STATE_PAID || r->state == CD_STATE_PRINTED || r->state == CD_STATE_ISSUED
            || r->state == CD_STATE_CLOSED;
  return TRUE;
}

/* ---- validation: the fields themselves ---- */

static void
rule_validate (CdPreflightRun *r)
{
  g_autoptr(GError) local = NULL;
  const char *colon;
  g_autofree char *path = NULL;

  if (cd_application_validate (r->app, r->profile, &local))
    return;
  /* The message is "$.path: reason"; only the first bad field is known. */
  colon = strstr (local->message, ": ");
  if (local->message[0] == '$' && colon)
    {
      path = g_strndup (local->message, colon - local->message);
      cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "identifier", path,
                              "%s", colon + 2);
    }
  else
    cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "identifier", "$", "%s",
                            local->message);
}

/* ---- the run ---- */

static gint
compare_faults (gconstpointer a, gconstpointer b)
{
  const CdPreflightFault *x = *(CdPreflightFault *const *) a;
  const CdPreflightFault *y = *(CdPreflightFault *const *) b;

  if (x->severity != y->severity)
    return x->severity == CD_PREFLIGHT_FAULT_ERROR ? -1 : 1;
  return (gint) x->step - (gint) y->step;
}

gboolean
cd_preflight_run (CdContext *ctx, const CdApplication *app, gint64 application_id, CdPreflightStage up_to,
                  GPtrArray **out_faults, GError **error)
{
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_preflight_fault_free);
  CdPreflightRun r = { ctx, cd_context_get_store (ctx), app, NULL, application_id, up_to, faults };
  gboolean ok;

  g_return_val_if_fail (up_to < CD_PREFLIGHT_N_STEPS, FALSE);
  if (app->profile == NULL || *app->profile == '\0')
    {
      /* A wizard draft before the project is chosen: that is the one thing to do. */
      cd_preflight_add_fault (&r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "business", "$.profile",
                              _("Choose the project (the CA and the system the certificate is for) first"));
      *out_faults = g_steal_pointer (&faults);
      return TRUE;
    }
  if (!(r.profile = cd_context_lookup_profile (ctx, app->profile, error)) || !load_state (&r, error))
    return FALSE;
  cd_preflight_rule_price (&r);
  cd_preflight_rule_text (&r);
  cd_preflight_rule_applicant (&r);
  cd_preflight_rule_subject (&r);
  cd_preflight_rule_materials (&r);
  cd_preflight_rule_invoice (&r);
  cd_preflight_rule_payment (&r);
  ok = cd_preflight_rule_certificate (&r, error) && cd_preflight_rule_day_lock (&r, error)
       && cd_preflight_rule_signed_scans (&r, error);
  /* Validation last: a field the rules above explained in their own words keeps that explanation. */
  rule_validate (&r);
  g_clear_pointer (&r.quote, cd_fee_quote_free);
  if (!ok)
    return FALSE;
  /* Errors first, each group in the order of the steps (a stable sort keeps the rules' order within). */
  g_ptr_array_sort (faults, compare_faults);
  *out_faults = g_steal_pointer (&faults);
  return TRUE;
}

const CdPreflightFault *
cd_preflight_first_error (GPtrArray *faults, CdPreflightStep step)
{
  for (guint i = 0; faults && i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];
      if (f->severity == CD_PREFLIGHT_FAULT_ERROR && (step == CD_PREFLIGHT_N_STEPS || f->step == step))
        return f;
    }
  return NULL;
}

gboolean
cd_preflight_has_errors (GPtrArray *faults)
{
  return cd_preflight_first_error (faults, CD_PREFLIGHT_N_STEPS) != NULL;
}

gboolean
cd_preflight_check (CdContext *ctx, const CdApplication *app, gint64 application_id, CdPreflightStage up_to,
                    GError **error)
{
  g_autoptr(GPtrArray) faults = NULL;
  const CdPreflightFault *f;

  if (!cd_preflight_run (ctx, app, application_id, up_to, &faults, error))
    return FALSE;
  if ((f = cd_preflight_first_error (faults, CD_PREFLIGHT_N_STEPS)))
    {
      g_set_error (error, CD_PREFLIGHT_ERROR, CD_PREFLIGHT_ERROR_REFUSED, "%s: %s", f->path, f->message);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
cd_preflight_faults_to_json (GPtrArray *faults)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; faults && i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "step");
      json_builder_add_string_value (b, cd_preflight_step_to_code (f->step));
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, f->severity == CD_PREFLIGHT_FAULT_ERROR ? "error" : "warning");
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, f->rule);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, f->path);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, f->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
