/* cd-clerks-panel.c: clerk accounts through cd-clerk-store (supervisor only, audited by the core). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cd-clerk-store.h"
#include "cd-clerks-panel.h"

struct _CdClerksPanel {
  GtkBox           parent_instance;

  GtkTreeView     *clerks_view;
  GtkListStore    *clerks_store;
  GtkEntry        *login_entry;
  GtkEntry        *name_entry;
  GtkComboBoxText *role_combo;
  GtkEntry        *password_entry;
  GtkLabel        *clerks_status;

  CdContext       *ctx;
};

G_DEFINE_FINAL_TYPE (CdClerksPanel, cd_clerks_panel, GTK_TYPE_BOX)

enum { COL_ID, COL_LOGIN, COL_NAME, COL_ROLE, COL_STATE, COL_ENABLED };

static void
refresh (CdClerksPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) clerks = cd_clerk_store_list (self->ctx, &error);

  gtk_list_store_clear (self->clerks_store);
  if (!clerks)
    {
      gtk_label_set_text (self->clerks_status, error->message);
      return;
    }
  for (guint i = 0; i < clerks->len; i++)
    {
      CdClerk *c = clerks->pdata[i];
      const char *state = !c->enabled ? _("Disabled") : c->locked_until ? _("Locked after wrong passwords")
                                                                         : _("Active");
      /* An account the head office manages says so: its role and password are changed there (the head-office
       * role says it by itself). */
      g_autofree char *role = c->central && c->role != CD_ROLE_HEAD_OFFICE
                              ? g_strdup_printf (_("%s (head office)"), cd_role_label (c->role))
                              : g_strdup (cd_role_label (c->role));

      gtk_list_store_insert_with_values (self->clerks_store, NULL, -1, COL_ID, c->id, COL_LOGIN, c->login,
                                         COL_NAME, c->name, COL_ROLE, role, COL_STATE, state,
                                         COL_ENABLED, c->enabled, -1);
    }
}

static gboolean
selected (CdClerksPanel *self, gint64 *id, gboolean *enabled)
{
  GtkTreeModel *model;
  GtkTreeIter iter;

  if (!gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->clerks_view), &model, &iter))
    {
      gtk_label_set_text (self->clerks_status, _("Select a clerk first"));
      return FALSE;
    }
  gtk_tree_model_get (model, &iter, COL_ID, id, COL_ENABLED, enabled, -1);
  return TRUE;
}

static CdRole
chosen_role (CdClerksPanel *self)
{
  CdRole role = CD_ROLE_CLERK;

  cd_role_from_code (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->role_combo)), &role);
  return role;
}

static void
report (CdClerksPanel *self, gboolean ok, GError *error, const char *done)
{
  gtk_entry_set_text (self->password_entry, "");
  gtk_label_set_text (self->clerks_status, ok ? done : error->message);
  if (ok)
    refresh (self);
}

static void
on_selection_changed_cb (CdClerksPanel *self)
{
  gtk_label_set_text (self->clerks_status, "");
}

static void
on_add_clicked_cb (CdClerksPanel *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = cd_clerk_store_add (self->ctx, gtk_entry_get_text (self->login_entry),
                                    gtk_entry_get_text (self->name_entry), chosen_role (self),
                                    gtk_entry_get_text (self->password_entry), NULL, &error);

  if (ok)
    {
      gtk_entry_set_text (self->login_entry, "");
      gtk_entry_set_text (self->name_entry, "");
    }
  report (self, ok, error, _("Clerk added"));
}

static void
on_role_clicked_cb (CdClerksPanel *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  gboolean enabled;

  if (selected (self, &id, &enabled))
    report (self, cd_clerk_store_set_role (self->ctx, id, chosen_role (self), &error), error, _("Role changed"));
}

static void
on_reset_clicked_cb (CdClerksPanel *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  gboolean enabled;

  if (selected (self, &id, &enabled))
    report (self, cd_clerk_store_reset_password (self->ctx, id, gtk_entry_get_text (self->password_entry), &error),
            error, _("Password reset"));
}

static void
on_enable_clicked_cb (CdClerksPanel *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  gboolean enabled;

  if (selected (self, &id, &enabled))
    report (self, cd_clerk_store_set_enabled (self->ctx, id, !enabled, &error), error,
            enabled ? _("Account disabled") : _("Account enabled"));
}

static void
cd_clerks_panel_finalize (GObject *object)
{
  g_clear_object (&CD_CLERKS_PANEL (object)->ctx);
  G_OBJECT_CLASS (cd_clerks_panel_parent_class)->finalize (object);
}

static void
cd_clerks_panel_class_init (CdClerksPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = cd_clerks_panel_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-clerks-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdClerksPanel, name)
  BIND (clerks_view); BIND (clerks_store); BIND (login_entry); BIND (name_entry); BIND (role_combo);
  BIND (password_entry); BIND (clerks_status);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_role_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_enable_clicked_cb);
}

static void
cd_clerks_panel_init (CdClerksPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Takes the role @code out of the combo's choices (the row whose id column holds it). */
static void
remove_role (GtkComboBoxText *combo, const char *code)
{
  GtkTreeModel *model = gtk_combo_box_get_model (GTK_COMBO_BOX (combo));
  int column = gtk_combo_box_get_id_column (GTK_COMBO_BOX (combo));
  GtkTreeIter iter;
  gboolean more = gtk_tree_model_get_iter_first (model, &iter);

  for (int i = 0; more; i++, more = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *id = NULL;

      gtk_tree_model_get (model, &iter, column, &id, -1);
      if (g_strcmp0 (id, code) == 0)
        {
          gtk_combo_box_text_remove (combo, i);
          return;
        }
    }
}

CdClerksPanel *
cd_clerks_panel_new (CdContext *ctx)
{
  CdClerksPanel *self = g_object_new (CD_TYPE_CLERKS_PANEL, NULL);

  self->ctx = g_object_ref (ctx);
  /* Once joined, the supervisor and head-office roles are set by the centre (certdesk-cli central clerk); the
   * template never offers head-office, which no counter can give. */
  {
    g_autofree char *joined = cd_store_setting_dup (cd_context_get_store (ctx), "central.outlet");
    if (joined)
      remove_role (self->role_combo, cd_role_to_code (CD_ROLE_SUPERVISOR));
    remove_role (self->role_combo, cd_role_to_code (CD_ROLE_HEAD_OFFICE));
  }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->role_combo), cd_role_to_code (CD_ROLE_CLERK));
  refresh (self);
  return self;
}
