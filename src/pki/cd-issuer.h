/* cd-issuer.h: who signs the certificate: one interface for the embedded local CA and a CA's RA over CMP. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* CRL reason codes (RFC 5280). */
typedef enum {
  CD_REVOKE_UNSPECIFIED = 0,
  CD_REVOKE_KEY_COMPROMISE = 1,
  CD_REVOKE_AFFILIATION_CHANGED = 3,
  CD_REVOKE_SUPERSEDED = 4,
  CD_REVOKE_CESSATION = 5,
  CD_REVOKE_HOLD = 6,
} CdRevokeReason;

const char *cd_revoke_reason_to_code   (CdRevokeReason reason);
gboolean    cd_revoke_reason_from_code (const char *code, CdRevokeReason *out);

/* Called by the issuer with the certificate the CA returned, before the issuer tells the CA that it takes
 * it (CMP: certConf; OpenSSL's certConf callback). Returning FALSE with @error rejects it: a CMP CA gets a
 * negative certConf, and issue() fails with that error. The local CA calls it after the certificate is in
 * its ledger, before returning it. */
typedef gboolean (*CdIssueAcceptFunc) (X509 *cert, STACK_OF (X509) *chain, gpointer data, GError **error);

typedef struct {
  X509_REQ   *csr;          /* signed by the key on the USB key */
  EVP_PKEY   *private_key;  /* the same key, for issuers that need proof of possession (CMP ir) */
  GDateTime  *not_before;
  GDateTime  *not_after;    /* from the profile's validity, or the kept end of a replaced certificate */
  const char *profile_id;
  CdIssueAcceptFunc accept; /* may be NULL: every certificate is taken */
  gpointer    accept_data;
} CdIssueRequest;

#define CD_TYPE_ISSUER (cd_issuer_get_type ())
G_DECLARE_INTERFACE (CdIssuer, cd_issuer, CD, ISSUER, GObject)

struct _CdIssuerInterface {
  GTypeInterface parent_iface;

  const char *(*get_name)    (CdIssuer *self);
  X509       *(*issue)       (CdIssuer *self, const CdIssueRequest *request, STACK_OF (X509) **out_chain,
                              GError **error);
  gboolean    (*revoke)      (CdIssuer *self, X509 *cert, CdRevokeReason reason, GError **error);
  /* Called after the database recorded a revocation (the local CA publishes its CRL); may be NULL. */
  gboolean    (*publish)     (CdIssuer *self, GError **error);
  /* The roots the issued certificates chain to. */
  STACK_OF (X509) *(*get_roots) (CdIssuer *self);
};

/* The issuer column's value ("local", "cmp") as a clerk reads it; another value is shown as it is. */
const char      *cd_issuer_name_label (const char *name);

/* "local" or "cmp": the certificate table's issuer column. */
const char      *cd_issuer_get_name  (CdIssuer *self);
/* Returns the certificate (and the chain up to, excluding nothing: intermediates and root as the issuer
 * gives them). Errors: CD_PKI_ERROR_ISSUER_UNREACHABLE / _ISSUER_REFUSED / _ISSUER. */
X509            *cd_issuer_issue     (CdIssuer *self, const CdIssueRequest *request, STACK_OF (X509) **out_chain,
                                      GError **error);
gboolean         cd_issuer_revoke    (CdIssuer *self, X509 *cert, CdRevokeReason reason, GError **error);
gboolean         cd_issuer_publish   (CdIssuer *self, GError **error);
STACK_OF (X509) *cd_issuer_get_roots (CdIssuer *self);

/* Checks that @cert chains to the issuer's roots through @chain, at the certificate's own notBefore. */
gboolean         cd_issuer_verify_chain (CdIssuer *self, X509 *cert, STACK_OF (X509) *chain, GError **error);

G_END_DECLS
