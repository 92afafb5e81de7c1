/* cd-ident.h: checks of Chinese identifiers (USCC, organisation code, resident ID, mobile). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CD_IDENT_ERROR (cd_ident_error_quark ())
GQuark cd_ident_error_quark (void);

typedef enum {
  CD_IDENT_ERROR_EMPTY,
  CD_IDENT_ERROR_LENGTH,
  CD_IDENT_ERROR_CHARACTER,
  CD_IDENT_ERROR_CHECK,
  CD_IDENT_ERROR_DATE,
  CD_IDENT_ERROR_REGION,
  CD_IDENT_ERROR_FORMAT,
} CdIdentError;

typedef enum {
  CD_IDENT_USCC,
  CD_IDENT_ORGCODE,
  CD_IDENT_RESIDENT_ID,
  CD_IDENT_MOBILE,
} CdIdentKind;

gboolean cd_ident_check_uscc        (const char *text, GError **error);
gboolean cd_ident_check_orgcode     (const char *text, GError **error);
gboolean cd_ident_check_resident_id (const char *text, GError **error);
gboolean cd_ident_check_mobile      (const char *text, GError **error);
gboolean cd_ident_check             (CdIdentKind kind, const char *text, GError **error);
gboolean cd_ident_kind_from_string  (const char *name, CdIdentKind *out_kind);

char     cd_ident_uscc_check_char    (const char *first17);
char     cd_ident_orgcode_check_char (const char *first8);
char     cd_ident_resident_check_char (const char *first17);

G_END_DECLS
