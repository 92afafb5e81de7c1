/* cd-wizard-page.c: the wizard step interface. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-wizard-page.h"

G_DEFINE_INTERFACE (CdWizardPage, cd_wizard_page, GTK_TYPE_WIDGET)

static void
cd_wizard_page_default_init (CdWizardPageInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("complete", "Complete", "Whether Next may be pressed", FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (iface,
    g_param_spec_string ("reason", "Reason", "Why the step is not complete, in one line", NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

void
cd_wizard_page_set_draft (CdWizardPage *self, CdDraft *draft)
{
  g_return_if_fail (CD_IS_WIZARD_PAGE (self));
  if (CD_WIZARD_PAGE_GET_IFACE (self)->set_draft)
    CD_WIZARD_PAGE_GET_IFACE (self)->set_draft (self, draft);
}

void
cd_wizard_page_enter (CdWizardPage *self)
{
  g_return_if_fail (CD_IS_WIZARD_PAGE (self));
  if (CD_WIZARD_PAGE_GET_IFACE (self)->enter)
    CD_WIZARD_PAGE_GET_IFACE (self)->enter (self);
}

gboolean
cd_wizard_page_leave (CdWizardPage *self, GError **error)
{
  g_return_val_if_fail (CD_IS_WIZARD_PAGE (self), FALSE);
  if (CD_WIZARD_PAGE_GET_IFACE (self)->leave)
    return CD_WIZARD_PAGE_GET_IFACE (self)->leave (self, error);
  return TRUE;
}

void
cd_wizard_page_show_faults (CdWizardPage *self, GPtrArray *faults)
{
  g_return_if_fail (CD_IS_WIZARD_PAGE (self));
  if (CD_WIZARD_PAGE_GET_IFACE (self)->show_faults)
    CD_WIZARD_PAGE_GET_IFACE (self)->show_faults (self, faults);
}

gboolean
cd_wizard_page_get_complete (CdWizardPage *self)
{
  gboolean complete = FALSE;

  g_object_get (self, "complete", &complete, NULL);
  return complete;
}

char *
cd_wizard_page_dup_reason (CdWizardPage *self)
{
  char *reason = NULL;

  g_object_get (self, "reason", &reason, NULL);
  return reason;
}

void
cd_wizard_page_update (CdWizardPage *self, gboolean *complete_field, char **reason_field, gboolean complete,
                       const char *reason)
{
  if (complete)
    reason = NULL;
  if (g_strcmp0 (*reason_field, reason) != 0)
    {
      g_free (*reason_field);
      *reason_field = g_strdup (reason);
      g_object_notify (G_OBJECT (self), "reason");
    }
  if (*complete_field != complete)
    {
      *complete_field = complete;
      g_object_notify (G_OBJECT (self), "complete");
    }
}

void
cd_wizard_page_install_properties (GObjectClass *klass, guint complete_id, guint reason_id)
{
  g_object_class_override_property (klass, complete_id, "complete");
  g_object_class_override_property (klass, reason_id, "reason");
}
