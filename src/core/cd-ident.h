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
  CD_IDENT_TAXPAYER,     /* invoice taxpayer ID: USCC, or 15/20 characters for older registrations */
} CdIdentKind;

gboolean cd_ident_check_uscc        (const char *text, GError **error);
gboolean cd_ident_check_orgcode     (const char *text, GError **error);
gboolean cd_ident_check_resident_id (const char *text, GError **error);
gboolean cd_ident_check_mobile      (const char *text, GError **error);
gboolean cd_ident_check_taxpayer_id (const char *text, GError **error);
/* Every check normalises first (cd_ident_normalize); a check-character message names the character(s) that
 * make the whole code valid. */
gboolean cd_ident_check             (CdIdentKind kind, const char *text, GError **error);
gboolean cd_ident_kind_from_string  (const char *name, CdIdentKind *out_kind);

char     cd_ident_uscc_check_char    (const char *first17);
char     cd_ident_orgcode_check_char (const char *first8);
char     cd_ident_resident_check_char (const char *first17);

/* An identifier as a hurried clerk types it, made what the checks and the database expect: full-width digits
 * and letters (U+FF10–FF19, FF21–FF3A, FF41–FF5A) to ASCII, letters upper-cased (a lower-case x in an ID
 * number), spaces (ASCII, no-break, ideographic) removed, an IME hyphen made '-'. Import and the GUI's fields
 * store this form. NULL for NULL. */
char    *cd_ident_normalize         (const char *text);

G_END_DECLS
