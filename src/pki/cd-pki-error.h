/* cd-pki-error.h: the error domain of the USB key and issuer work, and the sentences the clerk reads. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CD_PKI_ERROR (cd_pki_error_quark ())
GQuark cd_pki_error_quark (void);

typedef enum {
  CD_PKI_ERROR_NO_MODULE,          /* the PKCS#11 module cannot be loaded */
  CD_PKI_ERROR_NO_TOKEN,           /* no key inserted, or none matches the selection */
  CD_PKI_ERROR_AMBIGUOUS_TOKEN,    /* several keys inserted, none chosen */
  CD_PKI_ERROR_TOKEN_REMOVED,      /* pulled out during the work */
  CD_PKI_ERROR_PIN_INCORRECT,
  CD_PKI_ERROR_PIN_LOCKED,
  CD_PKI_ERROR_PIN_REQUIRED,       /* no PIN was given where one is needed */
  CD_PKI_ERROR_TOKEN_FULL,
  CD_PKI_ERROR_NOT_BLANK,          /* holds objects: erasing needs the clerk's confirmation */
  CD_PKI_ERROR_WRONG_TOKEN,        /* another customer's key, or not the key of this application */
  CD_PKI_ERROR_TOKEN,              /* any other key failure */
  CD_PKI_ERROR_VERIFY,             /* what the key holds is not what was issued */
  CD_PKI_ERROR_ISSUER_UNREACHABLE,
  CD_PKI_ERROR_ISSUER_REFUSED,
  CD_PKI_ERROR_ISSUER,
  CD_PKI_ERROR_REFUSED,            /* a business rule refuses (expired certificate, wrong state …) */
} CdPkiError;

/* TRUE for errors of the key (exit 3), of the issuer (exit 4). */
gboolean cd_pki_error_is_token  (const GError *error);
gboolean cd_pki_error_is_issuer (const GError *error);

/* Sets @error from a PKCS#11 return value; @doing is what was being done ("writing the certificate"). */
void     cd_pki_set_ckr_error   (GError **error, unsigned long rv, const char *doing);

/* The PKCS#11 name of @rv ("CKR_DEVICE_REMOVED"). */
const char *cd_pki_ckr_name     (unsigned long rv);

/* Appends the OpenSSL error queue to a message and clears it (for logs, never PINs). */
char    *cd_pki_openssl_errors  (void);

G_END_DECLS
