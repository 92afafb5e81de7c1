/* cd-wizard-page.h: the interface every acceptance wizard step implements (read-only `complete` and
 * `reason`; the wizard binds Next to them). The seals, print and burn pages of other modules implement it
 * and are listed in cd-wizard-steps.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-draft.h"

G_BEGIN_DECLS

#define CD_TYPE_WIZARD_PAGE (cd_wizard_page_get_type ())
G_DECLARE_INTERFACE (CdWizardPage, cd_wizard_page, CD, WIZARD_PAGE, GtkWidget)

struct _CdWizardPageInterface {
  GTypeInterface parent_iface;

  /* The application being edited; the page keeps a reference and edits cd_draft_get_app(), then calls
   * cd_draft_changed(). Called again when the wizard switches to another application. */
  void     (*set_draft) (CdWizardPage *self, CdDraft *draft);
  /* The page becomes the current step: refresh what depends on earlier steps. */
  void     (*enter)     (CdWizardPage *self);
  /* Next was pressed on a complete page: run the step's core action (e.g. a state change). FALSE keeps
   * the clerk on the page and the error is shown. */
  gboolean (*leave)     (CdWizardPage *self, GError **error);
  /* Optional: the pre-flight's faults that this step can fix (CdPreflightFault, cd-preflight.h; empty when
   * there are none): the page marks the fields at their JSON paths and shows each message by its field. */
  void     (*show_faults) (CdWizardPage *self, GPtrArray *faults);
};

void      cd_wizard_page_set_draft    (CdWizardPage *self, CdDraft *draft);
void      cd_wizard_page_enter        (CdWizardPage *self);
gboolean  cd_wizard_page_leave        (CdWizardPage *self, GError **error);
void      cd_wizard_page_show_faults  (CdWizardPage *self, GPtrArray *faults);
gboolean  cd_wizard_page_get_complete (CdWizardPage *self);
char     *cd_wizard_page_dup_reason   (CdWizardPage *self);

/* For implementations: stores the new values and notifies "complete"/"reason" only on a real change. */
void      cd_wizard_page_update       (CdWizardPage *self, gboolean *complete_field, char **reason_field,
                                       gboolean complete, const char *reason);

/* For implementations: class_init calls this with the ids it gives the two properties. */
void      cd_wizard_page_install_properties (GObjectClass *klass, guint complete_id, guint reason_id);

G_END_DECLS
