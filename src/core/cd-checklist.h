/* cd-checklist.h: the materials a counter asks for, by profile, business, applicant type and options. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-profile.h"

G_BEGIN_DECLS

#define CD_CHECKLIST_ERROR (cd_checklist_error_quark ())
GQuark cd_checklist_error_quark (void);

typedef enum {
  CD_CHECKLIST_ERROR_NOT_OFFERED,
} CdChecklistError;

typedef struct {
  gboolean has_uscc;               /* the unit has a unified social credit code certificate (三证合一) */
  gboolean e_seal;                 /* an e-seal is ordered */
  gboolean legal_person_present;   /* the legal person comes in person (no power of attorney) */
  gboolean one_cert;               /* the unit already holds a 一证通 certificate */
} CdChecklistOptions;

#define CD_CHECKLIST_OPTIONS_INIT { .has_uscc = TRUE }

/* Whether @profile offers @business to @type; a clear error when not. */
gboolean   cd_profile_check_offer (const CdProfile *profile, CdBusiness business, CdApplicantType type,
                                   GError **error);

/* The materials (borrowed CdMaterial pointers, in profile order) that apply. */
GPtrArray *cd_checklist_build (const CdProfile *profile, CdBusiness business, CdApplicantType type,
                               const CdChecklistOptions *options, GError **error);

/* "original + 2 stamped copies" and the like, for people. */
char      *cd_material_describe (const CdMaterial *material);

G_END_DECLS
