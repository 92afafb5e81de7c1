/* cd-wizard-steps.h: the steps of an acceptance, which businesses have them, and the page that shows each. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-types.h"

G_BEGIN_DECLS

typedef struct {
  const char *id;          /* stored in application.step */
  const char *title;       /* N_() marked */
  const char *mnemonic;    /* N_() marked, the step list's label with its mnemonic */
  GType     (*page_type) (void);   /* NULL: a placeholder until its module provides the page */
  const char *provider;    /* N_() marked, who provides a placeholder's page */
  guint       businesses;  /* bit mask of CdBusiness that have this step */
} CdWizardStep;

const CdWizardStep *cd_wizard_steps    (guint *n_steps);
gboolean            cd_wizard_step_applies (const CdWizardStep *step, CdBusiness business);
/* Whether @business has the step @id at all (e.g. "burn"). */
gboolean            cd_wizard_business_has_step (CdBusiness business, const char *id);
/* The step an application opens at: the first one the clerk has not finished. The state decides once money is
 * taken (paid: print; printed: the Issue step, or Done for a business without one); before, the step saved
 * with the draft (@stored). */
const char         *cd_wizard_step_to_resume (CdBusiness business, CdState state, const char *stored);
/* Money taken and the application not finished yet (the window asks before closing on it). */
gboolean            cd_wizard_is_unfinished_paid (CdBusiness business, CdState state);

G_END_DECLS
