/* cd-certificate-store.h: certificate rows: every certificate the counter issued or revoked, bound to its
 * application and key; also the local CA's index. Each change is audited; the caller holds the transaction. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  gint64   id;
  char    *serial;             /* upper-case hex */
  gint64   application_id;     /* 0: none */
  gint64   token_id;           /* 0: none */
  char    *issuer;
  char    *subject;            /* RFC 2253 */
  char    *not_before;         /* ISO UTC */
  char    *not_after;
  char    *state;              /* issued revoked suspended to-be-revoked */
  char    *revoked_at;         /* NULL while issued */
  char    *revoke_reason;      /* a CRL reason code, NULL while issued */
  char    *pem;
  char    *application_number; /* cd_certificate_store_to_be_revoked only, NULL elsewhere */
} CdCertRecord;

void cd_cert_record_free (CdCertRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdCertRecord, cd_cert_record_free)

/* *out is NULL (and TRUE returned) when there is no row. @serial in any case. */
gboolean   cd_certificate_store_lookup      (CdStore *store, const char *serial, CdCertRecord **out, GError **error);
/* The newest issued certificate of an application, or NULL. */
gboolean   cd_certificate_store_for_application (CdStore *store, gint64 application_id, CdCertRecord **out,
                                                 GError **error);

/* Inserts @rec (its serial … state and pem; id, revoked_at and revoke_reason are set here: a certificate
 * recorded in any state but issued is revoked now, for @reason) with its audit row, "certificate.issue" or
 * "certificate.revoke". */
gboolean   cd_certificate_store_insert      (CdContext *ctx, const CdCertRecord *rec, const char *reason,
                                             GError **error);
/* Moves certificate @serial to @state (issued clears the revocation time and reason), audited as
 * "certificate.state". CD_STORE_ERROR_NOT_FOUND when there is no such certificate. */
gboolean   cd_certificate_store_set_state   (CdContext *ctx, const char *serial, const char *state,
                                             const char *reason, GError **error);

/* The certificates issuer @issuer signed, oldest first (CdCertRecord); with @revoked_only those revoked or
 * suspended (a CRL's entries). */
GPtrArray *cd_certificate_store_list_by_issuer (CdStore *store, const char *issuer, gboolean revoked_only,
                                                GError **error);
/* The certificates waiting for a CA to revoke them (to-be-revoked), oldest first, with application_number. */
GPtrArray *cd_certificate_store_to_be_revoked  (CdStore *store, GError **error);
/* The number of the application certificate @serial (upper-case hex) was issued for, or NULL. */
char      *cd_certificate_store_dup_application_number (CdStore *store, const char *serial);

/* @value (a certificate's subject or PEM, @field "subject" or "pem") sealed for row @id of the certificate table
 * (docs/store.md "Personal data at rest"): what cd_certificate_store_insert stores; the records read back give
 * the clear values. For the store's sealing migration too. */
char      *cd_certificate_store_seal   (CdStore *store, gint64 id, const char *field, const char *value,
                                        GError **error);

G_END_DECLS
