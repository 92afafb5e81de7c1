/* cd-login-window.c: sign-in. The slow password hash runs in a GTask so the window stays responsive. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-login-window.h"
#include "cd-worker.h"

struct _CdLoginWindow {
  GtkApplicationWindow parent_instance;

  GtkStack  *stack;
  GtkEntry  *login_entry;
  GtkEntry  *password_entry;
  GtkLabel  *login_error;
  GtkButton *login_button;
  GtkEntry  *outlet_code_entry;
  GtkEntry  *outlet_name_entry;
  GtkEntry  *outlet_region_entry;
  GtkEntry  *setup_login_entry;
  GtkEntry  *setup_name_entry;
  GtkEntry  *setup_password_entry;
  GtkEntry  *setup_repeat_entry;
  GtkLabel  *setup_error;
  GtkButton *setup_button;

  CdContext *ctx;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CdLoginWindow, cd_login_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  SIGNED_IN,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  char *login;
  char *password;
} LoginData;

static void
login_data_free (LoginData *d)
{
  g_free (d->login);
  if (d->password)
    {
      explicit_bzero (d->password, strlen (d->password));
      g_free (d->password);
    }
  g_free (d);
}

static void
login_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  CdLoginWindow *self = source;
  LoginData *d = task_data;
  CdClerk *clerk = NULL;
  GError *error = NULL;

  if (cd_clerk_store_login (self->ctx, d->login, d->password, &clerk, &error))
    g_task_return_pointer (task, clerk, (GDestroyNotify) cd_clerk_free);
  else
    g_task_return_error (task, error);
}

static void
set_busy (CdLoginWindow *self, gboolean busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
}

static void
on_login_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CdLoginWindow *self = CD_LOGIN_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) clerk = g_task_propagate_pointer (G_TASK (result), &error);

  set_busy (self, FALSE);
  gtk_entry_set_text (self->password_entry, "");
  if (!clerk)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      cd_gui_show_error (self->login_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }
  {
    g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
    g_settings_set_string (settings, "last-login", clerk->login);
  }
  cd_gui_show_error (self->login_error, NULL);
  g_signal_emit (self, signals[SIGNED_IN], 0, clerk);
}

static void
start_login (CdLoginWindow *self, const char *login, const char *password)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_login_done_cb, NULL);
  LoginData *d = g_new0 (LoginData, 1);

  d->login = g_strdup (login);
  d->password = g_strdup (password);
  g_task_set_source_tag (task, start_login);
  g_task_set_task_data (task, d, (GDestroyNotify) login_data_free);
  set_busy (self, TRUE);
  cd_gui_show_error (self->login_error, NULL);
  g_task_run_in_thread (task, login_thread);
}

static void
on_login_clicked_cb (CdLoginWindow *self)
{
  start_login (self, gtk_entry_get_text (self->login_entry), gtk_entry_get_text (self->password_entry));
}

static void
on_setup_clicked_cb (CdLoginWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *password = gtk_entry_get_text (self->setup_password_entry);

  if (!g_str_equal (password, gtk_entry_get_text (self->setup_repeat_entry)))
    {
      cd_gui_show_error (self->setup_error, _("The two passwords differ"));
      return;
    }
  if (!cd_clerk_store_setup (self->ctx, gtk_entry_get_text (self->outlet_code_entry),
                             gtk_entry_get_text (self->outlet_name_entry),
                             gtk_entry_get_text (self->outlet_region_entry),
                             gtk_entry_get_text (self->setup_login_entry),
                             gtk_entry_get_text (self->setup_name_entry), password, NULL, &error))
    {
      cd_gui_show_error (self->setup_error, error->message);
      return;
    }
  cd_gui_show_error (self->setup_error, NULL);
  gtk_entry_set_text (self->login_entry, gtk_entry_get_text (self->setup_login_entry));
  gtk_stack_set_visible_child_name (self->stack, "login");
  start_login (self, gtk_entry_get_text (self->setup_login_entry), password);
  gtk_entry_set_text (self->setup_password_entry, "");
  gtk_entry_set_text (self->setup_repeat_entry, "");
}

static void
cd_login_window_constructed (GObject *object)
{
  CdLoginWindow *self = CD_LOGIN_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
  g_autofree char *last = g_settings_get_string (settings, "last-login");
  gboolean setup = FALSE;

  G_OBJECT_CLASS (cd_login_window_parent_class)->constructed (object);
  if (!cd_clerk_store_needs_setup (self->ctx, &setup, &error))
    cd_gui_show_error (self->login_error, error->message);
  gtk_stack_set_visible_child_name (self->stack, setup ? "setup" : "login");
  gtk_entry_set_text (self->login_entry, last);
  if (setup)
    {
      gtk_widget_grab_default (GTK_WIDGET (self->setup_button));
      gtk_widget_grab_focus (GTK_WIDGET (self->outlet_code_entry));
    }
  else
    {
      gtk_widget_grab_default (GTK_WIDGET (self->login_button));
      gtk_widget_grab_focus (GTK_WIDGET (*last ? self->password_entry : self->login_entry));
    }
}

static void
cd_login_window_dispose (GObject *object)
{
  CdLoginWindow *self = CD_LOGIN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (cd_login_window_parent_class)->dispose (object);
}

static void
cd_login_window_finalize (GObject *object)
{
  CdLoginWindow *self = CD_LOGIN_WINDOW (object);

  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_login_window_parent_class)->finalize (object);
}

static void
cd_login_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CdLoginWindow *self = CD_LOGIN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->ctx = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_login_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CdLoginWindow *self = CD_LOGIN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->ctx);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_login_window_class_init (CdLoginWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cd_login_window_constructed;
  object_class->dispose = cd_login_window_dispose;
  object_class->finalize = cd_login_window_finalize;
  object_class->set_property = cd_login_window_set_property;
  object_class->get_property = cd_login_window_get_property;

  props[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, CD_TYPE_CONTEXT,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-login-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdLoginWindow, name)
  BIND (stack); BIND (login_entry); BIND (password_entry); BIND (login_error); BIND (login_button);
  BIND (outlet_code_entry); BIND (outlet_name_entry); BIND (outlet_region_entry); BIND (setup_login_entry);
  BIND (setup_name_entry); BIND (setup_password_entry); BIND (setup_repeat_entry); BIND (setup_error);
  BIND (setup_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_login_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_clicked_cb);
}

static void
cd_login_window_init (CdLoginWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

CdLoginWindow *
cd_login_window_new (GtkApplication *app, CdContext *ctx)
{
  return g_object_new (CD_TYPE_LOGIN_WINDOW, "application", app, "context", ctx, NULL);
}
