/* cd-seals-page-form.h: one collection form (采集表) on the seals page: load or scan it, extract the samples
 * in a worker, show the form with its boxes and every sample's verdict, and store the chosen sample. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-draft.h"

G_BEGIN_DECLS

#define CD_TYPE_SEALS_PAGE_FORM (cd_seals_page_form_get_type ())
G_DECLARE_FINAL_TYPE (CdSealsPageForm, cd_seals_page_form, CD, SEALS_PAGE_FORM, GtkBox)

/* @kind: "unit_seal", "legal_signature" … Emits "changed" when the stored choice changes. */
GtkWidget  *cd_seals_page_form_new        (CdDraft *draft, const char *kind, gboolean editable);
/* Shows the form for another application (the next applicant): what the previous one showed is dropped. */
void        cd_seals_page_form_set_draft  (CdSealsPageForm *self, CdDraft *draft, gboolean editable);
const char *cd_seals_page_form_get_kind   (CdSealsPageForm *self);

/* Loads a scanned collection form (image or PDF, first page) as the Load button does. */
void        cd_seals_page_form_load_file  (CdSealsPageForm *self, GFile *file);

gboolean    cd_seals_page_form_is_busy    (CdSealsPageForm *self);
/* The index (1-based) of the chosen sample of the current form, 0 when none. */
guint       cd_seals_page_form_get_chosen (CdSealsPageForm *self);
/* Chooses sample @index (an acceptable one); stores it with the application. */
gboolean    cd_seals_page_form_choose     (CdSealsPageForm *self, guint index);
/* What is shown under the form: an error, or that no sample is acceptable; "" otherwise. */
const char *cd_seals_page_form_get_message (CdSealsPageForm *self);

G_END_DECLS
