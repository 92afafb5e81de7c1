/* cd-sync-status.c: the header's sync state, and sync in the background of the window. The round runs in a
 * GTask thread with its own CdStore (SQLite allows one connection per thread) and its own libpq connection
 * (cd_central_sync opens and closes one); its result comes back to the main thread as the task's callback, and
 * only there is the label changed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-central.h"
#include "cd-sync-status.h"
#include "cd-worker.h"

/* How often the outbox is looked at (a count over its partial index, microseconds): a change made anywhere in
 * the window (a save, a payment, a burn) is pushed a moment later without each page having to say so. */
#define WATCH_SECONDS 2

struct _CdSyncStatus {
  GtkLabel      parent_instance;

  CdContext    *ctx;
  char         *db_path;
  GCancellable *cancellable;
  guint         tick_id;
  guint         watch_id;
  gboolean      running;
  gboolean      again;          /* a round was asked for while one ran */
  gint64        pending;        /* outbox rows waiting, as last counted */
  GDateTime    *offline_since;  /* the first failed round since the last good one; NULL when online */
  char         *last_error;
  guint         rounds;
};

G_DEFINE_FINAL_TYPE (CdSyncStatus, cd_sync_status, GTK_TYPE_LABEL)

typedef struct {
  gboolean            ok;
  gboolean            offline;  /* the server could not be reached (not: it answered and refused) */
  gboolean            busy;     /* another sync of this counter (a command line) was running */
  CdCentralSyncResult result;
  char               *error;
} Round;

static void
round_free (Round *r)
{
  g_free (r->error);
  g_free (r);
}

static void
update_label (CdSyncStatus *self)
{
  g_autofree char *text = NULL;
  g_autofree char *tip = NULL;

  if (self->offline_since)
    {
      g_autofree char *hhmm = g_date_time_format (self->offline_since, "%H:%M");
      text = g_strdup_printf (_("Offline (since %s)"), hhmm);
    }
  else if (self->pending > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d change waiting to sync", "%d changes waiting to sync",
                                         (gulong) self->pending), (int) self->pending);
  else
    text = g_strdup (_("Synced"));
  gtk_label_set_text (GTK_LABEL (self), text);
  /* Offline is worth a look (the clerk keeps working; the head office does not see the changes yet). */
  if (self->offline_since)
    gtk_style_context_remove_class (gtk_widget_get_style_context (GTK_WIDGET (self)), "dim-label");
  else
    gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self)), "dim-label");
  if (self->last_error)
    tip = g_strdup (self->last_error);
  else
    tip = g_strdup (_("Changes made at this counter go to the central database in the background"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tip);
}

static void
sync_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdStore) store = NULL;
  Round *r = g_new0 (Round, 1);

  cd_worker_yield_to_ui ();
  if ((store = cd_store_open (path, &error)))
    r->ok = cd_central_sync (store, &r->result, &error);
  if (!r->ok && error)
    {
      r->offline = g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_CONNECT);
      r->busy = g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_BUSY);
      r->error = g_strdup (error->message);
    }
  g_task_return_pointer (task, r, (GDestroyNotify) round_free);
}

static void start_round (CdSyncStatus *self);

static void
on_round_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CdSyncStatus *self = CD_SYNC_STATUS (source);
  Round *r = g_task_propagate_pointer (G_TASK (result), NULL);

  self->running = FALSE;
  if (!r || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&r, round_free);
      return;
    }
  self->rounds++;
  if (!r->busy)
    {
      self->pending = r->result.pending >= 0 ? r->result.pending : self->pending;
      g_clear_pointer (&self->last_error, g_free);
      if (r->offline)
        {
          if (!self->offline_since)
            self->offline_since = g_date_time_new_now_local ();
        }
      else
        g_clear_pointer (&self->offline_since, g_date_time_unref);
      if (!r->ok)
        self->last_error = g_strdup (r->error);
      update_label (self);
    }
  round_free (r);
  if (self->again)
    start_round (self);
}

static void
start_round (CdSyncStatus *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  self->again = FALSE;
  self->running = TRUE;
  task = g_task_new (self, self->cancellable, on_round_done_cb, NULL);
  g_task_set_task_data (task, g_strdup (self->db_path), g_free);
  g_task_run_in_thread (task, sync_thread);
}

static gboolean
on_tick_cb (gpointer data)
{
  start_round (CD_SYNC_STATUS (data));
  return G_SOURCE_CONTINUE;
}

/* The outbox grew: push it now (offline, the next periodic round tries again; no round per keystroke). */
static gboolean
on_watch_cb (gpointer data)
{
  CdSyncStatus *self = data;
  gint64 n = cd_central_pending_count (cd_context_get_store (self->ctx));

  if (n < 0 || n == self->pending)
    return G_SOURCE_CONTINUE;
  self->pending = n;
  update_label (self);
  if (n > 0 && !self->offline_since)
    start_round (self);
  return G_SOURCE_CONTINUE;
}

static void
cd_sync_status_dispose (GObject *object)
{
  CdSyncStatus *self = CD_SYNC_STATUS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->watch_id, g_source_remove);
  G_OBJECT_CLASS (cd_sync_status_parent_class)->dispose (object);
}

static void
cd_sync_status_finalize (GObject *object)
{
  CdSyncStatus *self = CD_SYNC_STATUS (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->ctx);
  g_free (self->db_path);
  g_free (self->last_error);
  g_clear_pointer (&self->offline_since, g_date_time_unref);
  G_OBJECT_CLASS (cd_sync_status_parent_class)->finalize (object);
}

static void
cd_sync_status_class_init (CdSyncStatusClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cd_sync_status_dispose;
  G_OBJECT_CLASS (klass)->finalize = cd_sync_status_finalize;
}

static void
cd_sync_status_init (CdSyncStatus *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_name (GTK_WIDGET (self), "sync_status");
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

CdSyncStatus *
cd_sync_status_new (CdContext *ctx)
{
  CdSyncStatus *self = g_object_new (CD_TYPE_SYNC_STATUS, NULL);
  CdStore *store = cd_context_get_store (ctx);
  const char *env = g_getenv ("CERTDESK_SYNC_INTERVAL");
  gint64 interval = env ? g_ascii_strtoll (env, NULL, 10) : 60;

  self->ctx = g_object_ref (ctx);
  self->db_path = g_strdup (cd_store_get_path (store));
  /* A counter on its own: no label, no timer, nothing to set up (issue 16 item 8). */
  if (!cd_central_is_joined (store, NULL))
    {
      gtk_widget_set_no_show_all (GTK_WIDGET (self), TRUE);
      gtk_widget_hide (GTK_WIDGET (self));
      return self;
    }
  self->pending = cd_central_pending_count (store);
  update_label (self);
  gtk_widget_show (GTK_WIDGET (self));
  self->tick_id = g_timeout_add_seconds ((guint) CLAMP (interval, 1, 24 * 3600), on_tick_cb, self);
  self->watch_id = g_timeout_add_seconds (WATCH_SECONDS, on_watch_cb, self);
  start_round (self);
  return self;
}

void
cd_sync_status_sync_now (CdSyncStatus *self)
{
  g_return_if_fail (CD_IS_SYNC_STATUS (self));
  if (self->tick_id)
    start_round (self);
}

guint
cd_sync_status_get_rounds (CdSyncStatus *self)
{
  return self->rounds;
}
