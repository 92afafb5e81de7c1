/* cd-token-watch.c: a watcher thread per module. It never blocks the PKCS#11 context a burn is using: a
 * busy module is skipped for that round. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>

#include "cd-token-watch.h"
#include "cd-worker.h"

struct _CdTokenWatch {
  GObject        parent_instance;
  CdTokenModule *module;
  GMainContext  *context;
  GThread       *thread;
  GCancellable  *stop;
  guint          poll_ms;
  gboolean       events;
  GHashTable    *present;   /* "slot:serial" → label, owned by the thread */
};

enum { SIGNAL_ADDED, SIGNAL_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CdTokenWatch, cd_token_watch, G_TYPE_OBJECT)

typedef struct {
  CdTokenWatch *self;
  guint         signal;
  char         *serial;
  char         *label;
  gboolean      is_demo;
} Emit;

static void
emit_free (Emit *e)
{
  g_object_unref (e->self);
  g_free (e->serial);
  g_free (e->label);
  g_free (e);
}

static gboolean
emit_cb (gpointer data)
{
  Emit *e = data;

  if (e->signal == SIGNAL_ADDED)
    g_signal_emit (e->self, signals[SIGNAL_ADDED], 0, e->serial, e->label, e->is_demo);
  else
    g_signal_emit (e->self, signals[SIGNAL_REMOVED], 0, e->serial, e->label);
  return G_SOURCE_REMOVE;
}

static void
queue_emit (CdTokenWatch *self, guint signal, const char *serial, const char *label, gboolean is_demo)
{
  Emit *e = g_new0 (Emit, 1);

  g_debug ("token watch: %s “%s” (%s)", signal == SIGNAL_ADDED ? "added" : "removed", label, serial);
  e->self = g_object_ref (self);
  e->signal = signal;
  e->serial = g_strdup (serial);
  e->label = g_strdup (label);
  e->is_demo = is_demo;
  cd_worker_dispatch (self->context, emit_cb, e, (GDestroyNotify) emit_free);
}

static char *
padded (const unsigned char *s, gsize len)
{
  g_autofree char *t = g_strndup ((const char *) s, len);

  return g_strdup (g_strchomp (t));
}

/* One scan: the keys present now against the last scan. */
static void
scan (CdTokenWatch *self)
{
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (self->module);
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree CK_SLOT_ID *slots = NULL;
  CK_ULONG n = 0;
  GHashTableIter it;
  gpointer key, value;

  if (f->C_GetSlotList (CK_TRUE, NULL, &n) != CKR_OK)
    return;
  slots = g_new0 (CK_SLOT_ID, n + 1);
  if (f->C_GetSlotList (CK_TRUE, slots, &n) != CKR_OK)
    return;
  for (CK_ULONG i = 0; i < n; i++)
    {
      CK_TOKEN_INFO ti;
      g_autofree char *serial = NULL;
      g_autofree char *label = NULL;
      g_autofree char *manufacturer = NULL;
      char *id;

      if (f->C_GetTokenInfo (slots[i], &ti) != CKR_OK)
        continue;
      serial = padded (ti.serialNumber, sizeof ti.serialNumber);
      label = padded (ti.label, sizeof ti.label);
      manufacturer = padded (ti.manufacturerID, sizeof ti.manufacturerID);
      id = g_strdup_printf ("%lu:%s", (unsigned long) slots[i], serial);
      /* A new label on the same key (a real key keeps its slot and serial through C_InitToken) is news too:
       * the header's label follows an erase or a burn. */
      if (g_strcmp0 (g_hash_table_lookup (self->present, id), label) != 0)
        queue_emit (self, SIGNAL_ADDED, serial, label, g_str_has_prefix (manufacturer, "SoftHSM"));
      g_hash_table_insert (now, id, g_strdup (label));
    }
  g_hash_table_iter_init (&it, self->present);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (!g_hash_table_contains (now, key))
      queue_emit (self, SIGNAL_REMOVED, strchr (key, ':') + 1, value, FALSE);
  /* This scan is the next one's reference (stealing its entries here left it empty: every key was "added"
   * again each round and a pulled key was never "removed"). */
  g_hash_table_unref (self->present);
  self->present = g_steal_pointer (&now);
}

static gpointer
watch_thread (gpointer data)
{
  cd_worker_yield_to_ui ();
  CdTokenWatch *self = data;
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (self->module);
  CK_SLOT_ID slot;

  while (!g_cancellable_is_cancelled (self->stop))
    {
      /* Drain the module's events, but scan every round all the same: SoftHSM2 answers CKR_NO_EVENT to
       * C_WaitForSlotEvent(CKF_DONT_BLOCK) and never reports one, and a scan that a burn made us skip must
       * be made up. Relying on events left the burn page waiting for a key that was back long ago. */
      if (self->events)
        while (f->C_WaitForSlotEvent (CKF_DONT_BLOCK, &slot, NULL) == CKR_OK)
          ;
      /* A burn holds the module: never wait for it, just look again next round. */
      if (cd_token_module_trylock (self->module))
        {
          scan (self);
          cd_token_module_unlock (self->module);
        }
      g_usleep (self->poll_ms * 1000);
    }
  return NULL;
}

static void
cd_token_watch_dispose (GObject *object)
{
  cd_token_watch_stop (CD_TOKEN_WATCH (object));
  G_OBJECT_CLASS (cd_token_watch_parent_class)->dispose (object);
}

static void
cd_token_watch_finalize (GObject *object)
{
  CdTokenWatch *self = CD_TOKEN_WATCH (object);

  g_clear_pointer (&self->module, cd_token_module_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->stop);
  g_clear_pointer (&self->present, g_hash_table_unref);
  G_OBJECT_CLASS (cd_token_watch_parent_class)->finalize (object);
}

static void
cd_token_watch_class_init (CdTokenWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cd_token_watch_dispose;
  object_class->finalize = cd_token_watch_finalize;
  signals[SIGNAL_ADDED] = g_signal_new ("token-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_REMOVED] = g_signal_new ("token-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
cd_token_watch_init (CdTokenWatch *self)
{
  self->present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stop = g_cancellable_new ();
}

CdTokenWatch *
cd_token_watch_new (CdTokenModule *module, guint poll_ms)
{
  CdTokenWatch *self = g_object_new (CD_TYPE_TOKEN_WATCH, NULL);
  CK_FUNCTION_LIST *f = cd_token_module_get_functions (module);
  CK_SLOT_ID slot;
  CK_RV rv;

  self->module = cd_token_module_ref (module);
  self->context = g_main_context_ref_thread_default ();
  self->poll_ms = poll_ms ? poll_ms : 500;
  rv = f->C_WaitForSlotEvent (CKF_DONT_BLOCK, &slot, NULL);
  self->events = rv == CKR_OK || rv == CKR_NO_EVENT;
  self->thread = g_thread_new ("cd-token-watch", watch_thread, self);
  return self;
}

void
cd_token_watch_stop (CdTokenWatch *self)
{
  if (self->thread == NULL)
    return;
  g_cancellable_cancel (self->stop);
  g_thread_join (self->thread);
  self->thread = NULL;
}

gboolean
cd_token_watch_uses_events (CdTokenWatch *self)
{
  return self->events;
}
