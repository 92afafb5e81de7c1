/* cd-keygen-ahead.c: running the burn's first two steps ahead of it (cd_burn_pregenerate), and the worker
 * context that keeps background key work off the GUI's database connection. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-burn-private.h"
#include "cd-keygen-ahead.h"
#include "cd-pki-error.h"
#include "cd-worker.h"

void
cd_keygen_ahead_free (CdKeygenAhead *a)
{
  if (!a)
    return;
  g_free (a->skipped);
  g_free (a->token_serial);
  g_free (a->token_label);
  g_free (a->cka_id);
  cd_pin_free (a->pin);
  g_free (a);
}

CdKeygenAhead *
cd_keygen_ahead_run (CdContext *ctx, const CdBurnOptions *opts, GCancellable *cancellable, GError **error)
{
  CdBurn b = { ctx, cd_context_get_store (ctx), opts };
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdBurnResult) result = g_new0 (CdBurnResult, 1);
  g_autoptr(CdKeygenAhead) ahead = g_new0 (CdKeygenAhead, 1);
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !cd_application_store_load (ctx, opts->application_id, &app, &info, error))
    return NULL;
  if (cd_state_is_final (info->state) || info->state == CD_STATE_ISSUED)
    {
      ahead->skipped = g_strdup_printf (_("Application %s is “%s”: there is no key work left to do"), info->number,
                                        cd_state_label (info->state));
      return g_steal_pointer (&ahead);
    }
  if (!(b.profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return NULL;
  b.app = app;
  b.info = info;
  b.result = result;
  b.cancellable = cancellable;
  if (opts->issuer)
    b.issuer = g_object_ref (opts->issuer);
  else if (!(b.issuer = cd_burn_default_issuer (ctx, error)))
    return NULL;
  ok = cd_burn_pregenerate (&b, &ahead->pin, &ahead->cka_id, &ahead->skipped, error);
  if (b.token)
    {
      const CdTokenInfo *ti = cd_token_get_info (b.token);
      ahead->token_serial = g_strdup (ti->serial);
      ahead->token_label = g_strdup (ti->label);
      ahead->token_is_demo = ti->is_demo;
    }
  g_clear_pointer (&b.token, cd_token_free);
  g_clear_pointer (&b.module, cd_token_module_unref);
  g_clear_object (&b.issuer);
  if (!ok)
    return NULL;
  ahead->generated = ahead->cka_id != NULL;
  ahead->attempt = result->attempt;
  ahead->seconds = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  return g_steal_pointer (&ahead);
}

typedef struct {
  CdContext     *worker;   /* made from the caller's context, connected and used by the thread alone */
  CdBurnOptions *opts;
} TaskData;

static void
task_data_free (TaskData *d)
{
  g_clear_object (&d->worker);
  cd_burn_options_free (d->opts);
  g_free (d);
}

static void
ahead_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TaskData *d = task_data;
  GError *error = NULL;
  CdKeygenAhead *ahead;

  cd_worker_yield_to_ui ();
  ahead = cd_context_connect_worker (d->worker, &error)
          ? cd_keygen_ahead_run (d->worker, d->opts, cancellable, &error) : NULL;

  if (ahead)
    g_task_return_pointer (task, ahead, (GDestroyNotify) cd_keygen_ahead_free);
  else
    g_task_return_error (task, error);
}

void
cd_keygen_ahead_async (CdContext *ctx, const CdBurnOptions *opts, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  TaskData *d;

  g_task_set_source_tag (task, cd_keygen_ahead_async);
  /* Made here, on the caller's thread, which owns @ctx (its actor and outlet are read unlocked): a connection
   * of its own, the profiles and keys shared. A whole context per job (profiles parsed, keys unwrapped,
   * migrations checked, scans settled) delayed the key work by 16–19 ms; this takes 1.4–1.6 ms (release build,
   * tests/bench/context), spent by the thread (ahead_thread connects it), not the caller's main loop. */
  d = g_new0 (TaskData, 1);
  d->worker = cd_context_new_worker_unconnected (ctx);
  d->opts = cd_burn_options_copy (opts);
  g_task_set_task_data (task, d, (GDestroyNotify) task_data_free);
  /* The key work decides itself where cancelling is still safe. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, ahead_thread);
}

CdKeygenAhead *
cd_keygen_ahead_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cd_keygen_ahead_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
