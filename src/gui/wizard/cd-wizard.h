/* cd-wizard.h: the acceptance wizard: a step list, the current step's page, Back and Next. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-draft.h"

G_BEGIN_DECLS

#define CD_TYPE_WIZARD (cd_wizard_get_type ())
G_DECLARE_FINAL_TYPE (CdWizard, cd_wizard, CD, WIZARD, GtkBox)

CdWizard   *cd_wizard_new              (CdContext *ctx);
/* Starts an empty application at the first step (the previous one is saved first). */
void        cd_wizard_start_new        (CdWizard *self);
/* Resumes stored application @id at its saved step. */
gboolean    cd_wizard_open             (CdWizard *self, gint64 id, GError **error);
CdDraft    *cd_wizard_get_draft        (CdWizard *self);
const char *cd_wizard_get_current_step (CdWizard *self);
GtkWidget  *cd_wizard_get_page         (CdWizard *self, const char *step);
gboolean    cd_wizard_next             (CdWizard *self);
gboolean    cd_wizard_back             (CdWizard *self);
/* Saves the application now and starts the next applicant; it waits in Today's applications. FALSE when
 * there is nothing to park or it could not be saved (the reason is shown). */
gboolean    cd_wizard_park             (CdWizard *self);
/* The next applicant: at once when the application is finished or a draft (kept as parked); when it is paid
 * for and not finished the clerk confirms first. */
void        cd_wizard_next_applicant   (CdWizard *self);
/* Money taken and the application not finished (paid, or printed and not issued). */
gboolean    cd_wizard_has_unfinished_paid (CdWizard *self);
/* A sentence naming the application and the step it waits at. */
char       *cd_wizard_describe_unfinished (CdWizard *self);
/* At start: offers the latest paid, unfinished application of the counter; FALSE when there is none. */
gboolean    cd_wizard_offer_resume     (CdWizard *self);
/* Saves pending edits now (the window is closing). */
void        cd_wizard_flush            (CdWizard *self);

G_END_DECLS
