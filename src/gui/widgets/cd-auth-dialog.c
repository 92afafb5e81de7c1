/* cd-auth-dialog.c: a supervisor's approval. The password is checked by the core (with lock-out and audit),
 * then the action runs as that supervisor. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-auth-dialog.h"
#include "cd-clerk-store.h"
#include "cd-gui-util.h"

struct _CdAuthDialog {
  GtkDialog      parent_instance;

  GtkLabel      *message_label;
  GtkEntry      *login_entry;
  GtkEntry      *password_entry;
  GtkLabel      *reason_caption;
  GtkEntry      *reason_entry;
  GtkLabel      *error_label;

  CdContext     *ctx;
  CdAuthAction   action;
  gpointer       user_data;
  GDestroyNotify destroy;
};

G_DEFINE_FINAL_TYPE (CdAuthDialog, cd_auth_dialog, GTK_TYPE_DIALOG)

enum {
  AUTHORIZED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  CdAuthDialog *self;
  const char   *reason;
} ActArgs;

static gboolean
run_action (CdContext *ctx, gpointer data, GError **error)
{
  ActArgs *args = data;

  return args->self->action (ctx, args->reason, args->self->user_data, error);
}

static void
on_response_cb (CdAuthDialog *self, int response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdClerk) supervisor = NULL;
  ActArgs args = { self, gtk_entry_get_text (self->reason_entry) };

  if (response != GTK_RESPONSE_OK)
    {
      gtk_widget_destroy (GTK_WIDGET (self));
      return;
    }
  if (!cd_clerk_store_authorize (self->ctx, gtk_entry_get_text (self->login_entry),
                                 gtk_entry_get_text (self->password_entry), CD_ROLE_SUPERVISOR, &supervisor, &error)
      || !cd_clerk_store_act_as (self->ctx, supervisor, run_action, &args, &error))
    {
      gtk_entry_set_text (self->password_entry, "");
      cd_gui_show_error (self->error_label, cd_gui_error_text (error));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }
  gtk_entry_set_text (self->password_entry, "");
  g_signal_emit (self, signals[AUTHORIZED], 0);
  gtk_widget_destroy (GTK_WIDGET (self));
}

static void
cd_auth_dialog_finalize (GObject *object)
{
  CdAuthDialog *self = CD_AUTH_DIALOG (object);

  if (self->destroy)
    self->destroy (self->user_data);
  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_auth_dialog_parent_class)->finalize (object);
}

static void
cd_auth_dialog_class_init (CdAuthDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cd_auth_dialog_finalize;
  signals[AUTHORIZED] = g_signal_new ("authorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                      NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-auth-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdAuthDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, CdAuthDialog, login_entry);
  gtk_widget_class_bind_template_child (widget_class, CdAuthDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, CdAuthDialog, reason_caption);
  gtk_widget_class_bind_template_child (widget_class, CdAuthDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, CdAuthDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_response_cb);
}

static void
cd_auth_dialog_init (CdAuthDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cd_auth_dialog_new (GtkWindow *parent, CdContext *ctx, const char *title, const char *message, gboolean need_reason,
                    CdAuthAction action, gpointer user_data, GDestroyNotify destroy)
{
  CdAuthDialog *self = g_object_new (CD_TYPE_AUTH_DIALOG, "title", title, "transient-for", parent, NULL);

  self->ctx = g_object_ref (ctx);
  self->action = action;
  self->user_data = user_data;
  self->destroy = destroy;
  gtk_label_set_text (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_caption), need_reason);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_entry), need_reason);
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  return GTK_WIDGET (self);
}
