/* cd-burn-task.c: running a business: loading the application, choosing the path, and the GTask wrapper
 * whose progress reaches the caller's main context coalesced. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-preflight.h"
#include "cd-burn-private.h"
#include "cd-burn-slip.h"
#include "cd-issuer-local.h"
#include "cd-pki-error.h"
#include "cd-worker.h"

gboolean cd_burn_certificate (CdBurn *b, GError **error);

CdBurnOptions *
cd_burn_options_new (gint64 application_id)
{
  CdBurnOptions *o = g_new0 (CdBurnOptions, 1);

  o->application_id = application_id;
  o->slot_id = -1;
  o->reason = CD_REVOKE_UNSPECIFIED;
  return o;
}

CdBurnOptions *
cd_burn_options_copy (const CdBurnOptions *opts)
{
  CdBurnOptions *o = g_memdup2 (opts, sizeof *opts);

  o->module_path = g_strdup (opts->module_path);
  o->token_serial = g_strdup (opts->token_serial);
  o->token_label = g_strdup (opts->token_label);
  o->user_pin = cd_pin_copy (opts->user_pin);
  o->so_pin = cd_pin_copy (opts->so_pin);
  o->issuer = opts->issuer ? g_object_ref (opts->issuer) : NULL;
  o->old_token_state = g_strdup (opts->old_token_state);
  return o;
}

void
cd_burn_options_free (CdBurnOptions *o)
{
  if (!o)
    return;
  g_free (o->module_path);
  g_free (o->token_serial);
  g_free (o->token_label);
  cd_pin_free (o->user_pin);
  cd_pin_free (o->so_pin);
  g_clear_object (&o->issuer);
  g_free (o->old_token_state);
  g_free (o);
}

void
cd_burn_result_free (CdBurnResult *r)
{
  if (!r)
    return;
  g_free (r->business);
  g_free (r->certificate_serial);
  g_free (r->subject);
  g_free (r->not_before);
  g_free (r->not_after);
  g_free (r->issuer);
  g_free (r->token_serial);
  g_free (r->token_label);
  cd_pin_free (r->pin_slip);
  g_free (r->warning);
  g_free (r);
}

JsonNode *
cd_burn_result_to_json (const CdBurnResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
#define STR(k, v) if (v) { json_builder_set_member_name (b, k); json_builder_add_string_value (b, v); }
  STR ("business", r->business);
  json_builder_set_member_name (b, "attempt");
  json_builder_add_int_value (b, r->attempt);
  json_builder_set_member_name (b, "resumed");
  json_builder_add_boolean_value (b, r->resumed);
  json_builder_set_member_name (b, "leftovers_removed");
  json_builder_add_int_value (b, r->leftovers_removed);
  STR ("certificate_serial", r->certificate_serial);
  STR ("subject", r->subject);
  STR ("not_before", r->not_before);
  STR ("not_after", r->not_after);
  STR ("issuer", r->issuer);
  if (r->token_serial)
    {
      json_builder_set_member_name (b, "token");
      json_builder_begin_object (b);
      STR ("serial", r->token_serial);
      STR ("label", r->token_label);
      json_builder_set_member_name (b, "demo");
      json_builder_add_boolean_value (b, r->token_is_demo);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "pin_slip");
  json_builder_add_boolean_value (b, r->pin_slip != NULL);
  STR ("warning", r->warning);
#undef STR
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

CdIssuer *
cd_burn_default_issuer (CdContext *ctx, GError **error)
{
  return (CdIssuer *) cd_issuer_local_new (ctx, error);
}

CdBurnResult *
cd_burn_run (CdContext *ctx, const CdBurnOptions *opts, CdBurnProgressFunc progress, gpointer progress_data,
             GCancellable *cancellable, GError **error)
{
  CdBurn b = { ctx, cd_context_get_store (ctx), opts };
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdBurnResult) result = g_new0 (CdBurnResult, 1);
  g_autoptr(GError) preflight_error = NULL;
  gboolean ok = FALSE;

  b.progress = progress;
  b.progress_data = progress_data;
  b.cancellable = cancellable;
  b.result = result;
  if (!cd_application_store_load (ctx, opts->application_id, &app, &info, error))
    return NULL;
  b.app = app;
  b.info = info;
  if (!(b.profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return NULL;
  if (opts->issuer)
    b.issuer = g_object_ref (opts->issuer);
  else if (!(b.issuer = cd_burn_default_issuer (ctx, error)))
    return NULL;
  /* Whatever this burn is for: certificates an earlier run could not record are recorded (as revoked) as
   * soon as the database takes them, and the slips applicants have are forgotten. */
  cd_burn_pending_reconcile (&b);
  {
    g_autoptr(GError) purge_error = NULL;
    if (!cd_burn_slip_purge (ctx, &purge_error))
      g_warning ("forgetting old PIN slips: %s", purge_error->message);
  }
  if (cd_state_is_final (info->state) || info->state == CD_STATE_ISSUED
      || (opts->advance_state && info->state != CD_STATE_PRINTED))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   opts->advance_state && !cd_state_is_final (info->state) && info->state != CD_STATE_ISSUED
                   ? _("Application %s is “%s”: the key work comes after payment and the printed forms")
                   : _("Application %s is “%s”: there is no key work left to do"),
                   info->number, cd_state_label (info->state));
      g_clear_object (&b.issuer);
      return NULL;
    }
  result->business = g_strdup (cd_business_to_code (app->business));
  /* The pre-flight (cd-preflight.h) before the key is touched: a refusal erases nothing. */
  if (!cd_preflight_check (ctx, app, opts->application_id, CD_PREFLIGHT_BURN, &preflight_error))
    {
      g_set_error_literal (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, preflight_error->message);
      g_clear_object (&b.issuer);
      return NULL;
    }

  switch (app->business)
    {
    case CD_BUSINESS_NEW:
    case CD_BUSINESS_RENEW:
    case CD_BUSINESS_REPLACE:
    case CD_BUSINESS_CHANGE:
      ok = cd_burn_certificate (&b, error);
      break;
    case CD_BUSINESS_UNLOCK:
      ok = cd_burn_unlock (&b, error);
      break;
    case CD_BUSINESS_REVOKE:
      ok = cd_burn_revoke (&b, FALSE, error);
      break;
    case CD_BUSINESS_SUSPEND:
      ok = cd_burn_revoke (&b, TRUE, error);
      break;
    case CD_BUSINESS_APP_OPEN:
      ok = cd_burn_app_open (&b, error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (b.token)
    {
      const CdTokenInfo *ti = cd_token_get_info (b.token);
      result->token_serial = g_strdup (ti->serial);
      result->token_label = g_strdup (ti->label);
      result->token_is_demo = ti->is_demo;
    }
  g_clear_pointer (&b.token, cd_token_free);
  g_clear_pointer (&b.module, cd_token_module_unref);
  g_clear_object (&b.issuer);
  return ok ? g_steal_pointer (&result) : NULL;
}

/* Progress from the worker: the newest value wins; one idle at most is pending in the caller's context. */
typedef struct {
  GMutex              lock;
  GMainContext       *context;
  CdBurnProgressFunc  func;
  gpointer            data;
  GDestroyNotify      destroy;
  char               *step;
  char               *label;
  double              fraction;
  gboolean            pending;
  gatomicrefcount     ref;
} Progress;

static Progress *
progress_ref (Progress *p)
{
  g_atomic_ref_count_inc (&p->ref);
  return p;
}

static gboolean
progress_free (gpointer data)
{
  Progress *p = data;

  if (p->destroy)
    p->destroy (p->data);
  g_main_context_unref (p->context);
  g_free (p->step);
  g_free (p->label);
  g_mutex_clear (&p->lock);
  g_free (p);
  return G_SOURCE_REMOVE;
}

/* The last reference can go in the worker (with the task, when the caller's callback has already run). The
 * caller's data (a widget, for the burn page) is then released in the caller's context, never in the worker:
 * a widget finalised off the main thread corrupts GTK. */
static void
progress_unref (Progress *p)
{
  if (!g_atomic_ref_count_dec (&p->ref))
    return;
  if (p->destroy && !g_main_context_is_owner (p->context))
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_callback (source, progress_free, p, NULL);
      g_source_attach (source, p->context);
      return;
    }
  progress_free (p);
}

static gboolean
progress_dispatch (gpointer user_data)
{
  Progress *p = user_data;
  g_autofree char *step = NULL;
  g_autofree char *label = NULL;
  double fraction;

  g_mutex_lock (&p->lock);
  step = g_steal_pointer (&p->step);
  label = g_steal_pointer (&p->label);
  fraction = p->fraction;
  p->pending = FALSE;
  g_mutex_unlock (&p->lock);
  if (p->func && step)
    p->func (step, label, fraction, p->data);
  return G_SOURCE_REMOVE;
}

static void
progress_from_worker (const char *step, const char *label, double fraction, gpointer user_data)
{
  Progress *p = user_data;
  gboolean schedule;

  g_mutex_lock (&p->lock);
  g_free (p->step);
  p->step = g_strdup (step);
  g_free (p->label);
  p->label = g_strdup (label);
  p->fraction = fraction;
  schedule = !p->pending;
  p->pending = TRUE;
  g_mutex_unlock (&p->lock);
  if (schedule)
    cd_worker_dispatch (p->context, progress_dispatch, progress_ref (p), (GDestroyNotify) progress_unref);
}

typedef struct {
  CdContext     *ctx;
  CdBurnOptions *opts;
  Progress      *progress;
} TaskData;

static void
task_data_free (TaskData *d)
{
  g_object_unref (d->ctx);
  cd_burn_options_free (d->opts);
  progress_unref (d->progress);
  g_free (d);
}

static void
burn_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  TaskData *d = task_data;
  GError *error = NULL;
  CdBurnResult *result = cd_burn_run (d->ctx, d->opts, progress_from_worker, d->progress, cancellable, &error);

  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) cd_burn_result_free);
  else
    g_task_return_error (task, error);
}

void
cd_burn_run_async (CdContext *ctx, const CdBurnOptions *opts, CdBurnProgressFunc progress, gpointer progress_data,
                   GDestroyNotify progress_destroy, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  TaskData *d = g_new0 (TaskData, 1);
  Progress *p = g_new0 (Progress, 1);

  g_mutex_init (&p->lock);
  g_atomic_ref_count_init (&p->ref);
  p->context = g_main_context_ref_thread_default ();
  p->func = progress;
  p->data = progress_data;
  p->destroy = progress_destroy;
  d->ctx = g_object_ref (ctx);
  d->opts = cd_burn_options_copy (opts);
  d->progress = p;
  g_task_set_source_tag (task, cd_burn_run_async);
  g_task_set_task_data (task, d, (GDestroyNotify) task_data_free);
  /* The burn decides itself where cancelling is still safe. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, burn_thread);
}

CdBurnResult *
cd_burn_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cd_burn_run_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
