/* cd-wizard-private.h: the wizard frame's fields and what its files share (cd-wizard.c the frame and the steps,
 * cd-wizard-focus.c the keyboard focus across steps, cd-wizard-leave.c leaving an application: park, next
 * applicant, the offer to resume a paid one). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-wizard.h"
#include "cd-wizard-steps.h"

G_BEGIN_DECLS

struct _CdWizard {
  GtkBox      parent_instance;

  GtkListBox *step_list;
  GtkLabel   *title_label;
  GtkStack   *page_stack;
  GtkLabel   *reason_label;
  GtkLabel   *saved_label;
  GtkButton  *back_button;
  GtkButton  *next_button;
  GtkButton  *park_button;
  GtkButton  *new_button;
  GtkInfoBar *resume_bar;
  GtkLabel   *resume_label;
  gint64      resume_id;     /* the application the resume bar offers */

  CdContext  *ctx;
  CdDraft    *draft;
  const CdWizardStep *steps;
  guint       n_steps;
  GtkWidget **pages;
  GWeakRef   *page_focus;   /* per page, the field the clerk was in when leaving it; back there on return */
  GtkWidget **rows;
  GtkLabel  **row_labels;
  guint       current;
  GtkWindow  *watched;       /* the window whose focus is watched while the wizard is mapped */
  guint       refocus_id;
  char       *error_text;    /* the last failed leave() or save, shown until the next change */
  GPtrArray  *faults;        /* the pre-flight's faults up to the current step (CdPreflightFault) */
};

/* The bar's error line until the next change. */
void     cd_wizard_set_error              (CdWizard *self, const char *text);
void     cd_wizard_leave_focus            (CdWizard *self, guint i);
void     cd_wizard_focus_page             (CdWizard *self, guint i);
void     cd_wizard_forget_focus           (CdWizard *self);
void     cd_wizard_queue_refocus          (CdWizard *self);
gboolean cd_wizard_on_window_key_press_cb (CdWizard *self, GdkEventKey *event);
void     cd_wizard_on_window_set_focus_cb (CdWizard *self, GtkWidget *focus);

G_END_DECLS
