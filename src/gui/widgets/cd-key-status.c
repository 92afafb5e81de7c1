/* cd-key-status.c: the header's USB key status. Insertions and removals come from a CdTokenWatch (its own
 * thread); the keys' details (label, PIN flags) are listed on a worker thread that never waits behind a
 * burn holding the module, and a slow poll catches PIN state changes that no insertion announces. The
 * main loop only sets labels: each callback is timed against the frame budget. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-key-status.h"
#include "cd-token-watch.h"
#include "cd-token.h"
#include "cd-worker.h"

/* PIN flags change without an insertion (a wrong PIN typed at another program, an unlock). */
#define CD_KEY_STATUS_POLL_S 5
#define CD_KEY_STATUS_BUSY_RETRY_MS 1000

struct _CdKeyStatus {
  GtkBox         parent_instance;

  GtkImage      *icon;
  GtkLabel      *key_label;
  GtkLabel      *demo_badge;
  GtkLabel      *pin_label;

  CdContext     *ctx;
  GCancellable  *cancellable;
  CdTokenModule *module;
  CdTokenWatch  *watch;
  gboolean       listing;
  gboolean       list_again;
  guint          poll_id;
  guint          retry_id;
  const char    *state;
  gint64         max_main_us;
};

G_DEFINE_FINAL_TYPE (CdKeyStatus, cd_key_status, GTK_TYPE_BOX)

static void request_list (CdKeyStatus *self);

static void
note_main_time (CdKeyStatus *self, gint64 t0)
{
  self->max_main_us = MAX (self->max_main_us, g_get_monotonic_time () - t0);
}

static void
show (CdKeyStatus *self, const char *state, const char *text, gboolean demo, const char *pin_text,
      const char *tooltip)
{
  GtkStyleContext *sc = gtk_widget_get_style_context (GTK_WIDGET (self->key_label));

  self->state = state;
  gtk_label_set_text (self->key_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_badge), demo);
  gtk_label_set_text (self->pin_label, pin_text ? pin_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pin_label), pin_text != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  if (g_str_equal (state, "error"))
    gtk_style_context_add_class (sc, "cd-field-error");
  else
    gtk_style_context_remove_class (sc, "cd-field-error");
  gtk_image_set_from_icon_name (self->icon, g_str_equal (state, "none") || g_str_equal (state, "error")
                                            ? "action-unavailable-symbolic" : "media-removable-symbolic",
                                GTK_ICON_SIZE_BUTTON);
}

/* Keys as the clerk sees them: a SoftHSM2 module always offers one blank slot, shown only when no
 * initialised key is there. */
static void
show_list (CdKeyStatus *self, GPtrArray *list)
{
  CdTokenInfo *key = NULL, *blank = NULL;
  guint n_keys = 0;

  for (guint i = 0; i < list->len; i++)
    {
      CdTokenInfo *info = list->pdata[i];

      if (info->initialized)
        {
          n_keys++;
          key = key ? key : info;
        }
      else
        blank = blank ? blank : info;
    }
  if (n_keys == 0 && blank == NULL)
    show (self, "none", _("USB key: none inserted"), FALSE, NULL, _("Insert the applicant's USB key"));
  else if (n_keys == 0)
    show (self, "blank", _("USB key: blank"), blank->is_demo, NULL,
          _("A blank USB key: it is initialised when the certificate is issued"));
  else if (n_keys > 1)
    {
      g_autofree char *text = g_strdup_printf (_("USB keys: %u inserted"), n_keys);
      show (self, "several", text, FALSE, NULL, _("Several USB keys are inserted: leave only the applicant's"));
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("USB key: %s"), key->label);
      g_autofree char *tip = g_strdup_printf (_("%s %s, serial %s"), key->manufacturer, key->model, key->serial);
      const char *pin = cd_key_status_pin_warning (key);

      show (self, key->pin_locked ? "locked" : "key", text, key->is_demo, pin, tip);
    }
}

/* workers */

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  CdTokenModule *module = task_data;
  GError *error = NULL;
  GPtrArray *list;

  /* A burn holds the module: look again a little later instead of waiting behind it. */
  if (!cd_token_module_trylock (module))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  list = cd_token_list (module, &error);
  cd_token_module_unlock (module);
  if (list)
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
module_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  GError *error = NULL;
  CdTokenModule *module = cd_token_module_open (task_data, &error);

  if (module)
    g_task_return_pointer (task, module, (GDestroyNotify) cd_token_module_unref);
  else
    g_task_return_error (task, error);
}

void
cd_key_module_open_async (CdContext *ctx, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  /* A setting read (and, the first time, the DEMO token's configuration): quick, and it sets SOFTHSM2_CONF
   * before any thread loads the module. */
  char *path = cd_token_module_resolve (ctx, NULL, NULL, &error);

  g_task_set_source_tag (task, cd_key_module_open_async);
  if (path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, module_thread);
}

CdTokenModule *
cd_key_module_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* callbacks */

static gboolean
on_retry_timeout_cb (gpointer data)
{
  CdKeyStatus *self = data;

  self->retry_id = 0;
  request_list (self);
  return G_SOURCE_REMOVE;
}

static void
on_list_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CdKeyStatus) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = g_task_propagate_pointer (G_TASK (result), &error);
  gint64 t0 = g_get_monotonic_time ();

  self->listing = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
    return;
  if (list)
    show_list (self, list);
  else if (error)
    show (self, "error", _("USB key: unreadable"), FALSE, NULL, error->message);
  else if (!self->retry_id)
    self->retry_id = g_timeout_add (CD_KEY_STATUS_BUSY_RETRY_MS, on_retry_timeout_cb, self);
  if (self->list_again)
    {
      self->list_again = FALSE;
      request_list (self);
    }
  note_main_time (self, t0);
}

static void
request_list (CdKeyStatus *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->module == NULL || self->cancellable == NULL)
    return;
  if (self->listing)
    {
      self->list_again = TRUE;
      return;
    }
  self->listing = TRUE;
  task = g_task_new (NULL, self->cancellable, on_list_done_cb, g_object_ref (self));
  g_task_set_task_data (task, cd_token_module_ref (self->module), (GDestroyNotify) cd_token_module_unref);
  g_task_run_in_thread (task, list_thread);
}

static void
on_token_added_cb (CdTokenWatch *watch, const char *serial, const char *label, gboolean is_demo, CdKeyStatus *self)
{
  gint64 t0 = g_get_monotonic_time ();

  request_list (self);
  note_main_time (self, t0);
}

static void
on_token_removed_cb (CdTokenWatch *watch, const char *serial, const char *label, CdKeyStatus *self)
{
  gint64 t0 = g_get_monotonic_time ();

  request_list (self);
  note_main_time (self, t0);
}

static gboolean
on_poll_cb (gpointer data)
{
  CdKeyStatus *self = data;

  request_list (self);
  return G_SOURCE_CONTINUE;
}

static void
on_module_ready_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(CdKeyStatus) self = data;
  g_autoptr(GError) error = NULL;
  CdTokenModule *module = cd_key_module_open_finish (result, &error);
  gint64 t0 = g_get_monotonic_time ();

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancellable == NULL)
    {
      g_clear_pointer (&module, cd_token_module_unref);
      return;
    }
  if (module == NULL)
    {
      show (self, "error", _("USB key: no module"), FALSE, NULL, error->message);
      return;
    }
  self->module = module;
  self->watch = cd_token_watch_new (module, 0);
  g_signal_connect_object (self->watch, "token-added", G_CALLBACK (on_token_added_cb), self, 0);
  g_signal_connect_object (self->watch, "token-removed", G_CALLBACK (on_token_removed_cb), self, 0);
  self->poll_id = g_timeout_add_seconds (CD_KEY_STATUS_POLL_S, on_poll_cb, self);
  request_list (self);
  note_main_time (self, t0);
}

/* vfuncs */

static void
cd_key_status_dispose (GObject *object)
{
  CdKeyStatus *self = CD_KEY_STATUS (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->watch)
    {
      g_signal_handlers_disconnect_by_data (self->watch, self);
      cd_token_watch_stop (self->watch);
    }
  g_clear_object (&self->watch);
  g_clear_pointer (&self->module, cd_token_module_unref);
  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_key_status_parent_class)->dispose (object);
}

static void
cd_key_status_class_init (CdKeyStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cd_key_status_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-key-status.ui");
  gtk_widget_class_bind_template_child (widget_class, CdKeyStatus, icon);
  gtk_widget_class_bind_template_child (widget_class, CdKeyStatus, key_label);
  gtk_widget_class_bind_template_child (widget_class, CdKeyStatus, demo_badge);
  gtk_widget_class_bind_template_child (widget_class, CdKeyStatus, pin_label);
}

static void
cd_key_status_init (CdKeyStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_name (GTK_WIDGET (self), "key_status");
  self->state = "starting";
  self->cancellable = g_cancellable_new ();
}

/* public */

CdKeyStatus *
cd_key_status_new (CdContext *ctx)
{
  CdKeyStatus *self = g_object_new (CD_TYPE_KEY_STATUS, NULL);

  self->ctx = g_object_ref (ctx);
  cd_key_module_open_async (ctx, self->cancellable, on_module_ready_cb, g_object_ref (self));
  return self;
}

CdKeyStatus *
cd_key_status_install (GtkBox *slot, CdContext *ctx)
{
  CdKeyStatus *self = cd_key_status_new (ctx);
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (slot));

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  gtk_box_pack_start (slot, GTK_WIDGET (self), FALSE, FALSE, 0);
  gtk_widget_show (GTK_WIDGET (self));
  return self;
}

void
cd_key_status_refresh (CdKeyStatus *self)
{
  g_return_if_fail (CD_IS_KEY_STATUS (self));
  request_list (self);
}

const char *
cd_key_status_pin_warning (const CdTokenInfo *info)
{
  /* FINAL_TRY is checked before COUNT_LOW: a key sets both when one try is left. */
  if (info == NULL || !info->initialized)
    return NULL;
  if (info->pin_locked)
    return _("The PIN is locked: the key needs the PIN unlock business (口令解锁)");
  if (info->pin_final_try)
    return _("The PIN was entered wrong several times: one more wrong PIN locks the key");
  if (info->pin_count_low)
    return _("The PIN was entered wrong: few tries are left");
  return NULL;
}

const char *
cd_key_status_get_state (CdKeyStatus *self)
{
  g_return_val_if_fail (CD_IS_KEY_STATUS (self), NULL);
  return self->state;
}

gint64
cd_key_status_get_max_main_us (CdKeyStatus *self)
{
  g_return_val_if_fail (CD_IS_KEY_STATUS (self), 0);
  return self->max_main_us;
}
