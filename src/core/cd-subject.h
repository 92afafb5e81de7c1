/* cd-subject.h: the certificate subject the profile's template makes from an application, in core so that the
 * pre-flight (which checks each field's upper bound before any money is taken) and the CSR (src/pki/cd-csr.c)
 * build exactly the same fields. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application.h"
#include "cd-profile.h"

G_BEGIN_DECLS

typedef struct {
  char *field;   /* "CN", "O", "OU", "L", "ST", "C", "serialNumber" … as in the profile */
  char *value;   /* UTF-8 */
  char *path;    /* the application field that feeds it ("$.unit.name"); NULL for a constant or the profile's */
} CdSubjectEntry;

void       cd_subject_entry_free      (CdSubjectEntry *entry);

/* The subject's fields in template order (CdSubjectEntry, owned); an optional field the applicant left empty
 * is left out. FALSE-like NULL with CD_PROFILE_ERROR_INVALID when the profile has no template for the kind
 * of applicant (unit or person). */
GPtrArray *cd_subject_build           (const CdProfile *profile, const CdApplication *app, GError **error);

/* The upper bound of @field in characters (RFC 5280 appendix A / X.520: CN, O, OU 64; L, ST 128;
 * serialNumber 64; C exactly 2), or 0 when no bound is known. */
guint      cd_subject_field_max_chars (const char *field);

G_END_DECLS
