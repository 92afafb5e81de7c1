/* cd-token-records.h: the key and certificate records: every key with its serial and lifecycle state,
 * bound to the application, the CKA_ID and the certificate serial; the certificate table is also the
 * local CA's index. Callers hold the transaction for the writes. The rows themselves are read and written by
 * src/core (cd-token-store.h, cd-certificate-store.h); this is the key- and X.509-side of them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/x509.h>

#include "cd-certificate-store.h"
#include "cd-context.h"
#include "cd-token-store.h"
#include "cd-token.h"

G_BEGIN_DECLS

/* Upper-case hex of the certificate's serial, the certificate table's key. */
char    *cd_cert_serial_hex        (X509 *cert);
char    *cd_cert_to_pem            (X509 *cert);
X509    *cd_cert_from_pem          (const char *pem);
/* ISO 8601 UTC of a certificate time. */
char    *cd_cert_time_iso          (const ASN1_TIME *t);
char    *cd_hex_encode             (const guchar *data, gsize len);
GBytes  *cd_hex_decode             (const char *hex);

/* *out is NULL (and TRUE returned) when there is no row. */
gboolean cd_token_record_lookup    (CdStore *store, const char *serial, CdTokenRecord **out, GError **error);
gboolean cd_cert_record_lookup     (CdStore *store, const char *serial, CdCertRecord **out, GError **error);
/* The newest issued certificate of an application, or NULL. */
gboolean cd_cert_record_for_application (CdStore *store, gint64 application_id, CdCertRecord **out, GError **error);

/* Inserts or updates the key's row (audited as token.state when the state changes). */
gboolean cd_token_record_save      (CdContext *ctx, const CdTokenInfo *info, const char *state, gint64 application_id,
                                    const char *cka_id, const char *cert_serial, gint64 *out_id, GError **error);
gboolean cd_token_record_set_state (CdContext *ctx, const char *serial, const char *state, GError **error);

gboolean cd_cert_record_insert     (CdContext *ctx, X509 *cert, const char *issuer, gint64 application_id,
                                    gint64 token_id, const char *state, const char *reason, GError **error);
gboolean cd_cert_record_set_state  (CdContext *ctx, const char *serial, const char *state, const char *reason,
                                    GError **error);

/* The wrong customer's key: FALSE with CD_PKI_ERROR_WRONG_TOKEN naming whose key it is, when the key's
 * record is bound to an application of another applicant than @application_id's. */
gboolean cd_token_record_check_owner (CdContext *ctx, const char *token_serial, gint64 application_id,
                                      GError **error);

G_END_DECLS
