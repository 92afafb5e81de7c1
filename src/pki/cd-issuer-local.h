/* cd-issuer-local.h: the embedded local CA: created at first run under state_dir/ca, random 128-bit serials,
 * validity from the request, its own ledger of every certificate it signed (state_dir/ca/ledger.jsonl,
 * written and synced before a certificate leaves it), a CRL from the ledger and the certificate table. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"
#include "cd-issuer.h"

G_BEGIN_DECLS

#define CD_TYPE_ISSUER_LOCAL (cd_issuer_local_get_type ())
G_DECLARE_FINAL_TYPE (CdIssuerLocal, cd_issuer_local, CD, ISSUER_LOCAL, GObject)

/* Opens the CA under state_dir/ca, creating its key, root certificate and first CRL when missing. */
CdIssuerLocal *cd_issuer_local_new          (CdContext *ctx, GError **error);
const char    *cd_issuer_local_get_cert_path (CdIssuerLocal *self);
const char    *cd_issuer_local_get_crl_path  (CdIssuerLocal *self);

/* One certificate the local CA signed, as its ledger holds it. */
typedef struct {
  char *serial;        /* upper-case hex */
  char *subject;       /* RFC 2253, UTF-8 */
  char *not_after;     /* ISO 8601 UTC */
  char *state;         /* issued revoked */
  char *reason;        /* revoked: the RFC 5280 reason code */
  char *pem;
} CdLedgerEntry;

void cd_ledger_entry_free (CdLedgerEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdLedgerEntry, cd_ledger_entry_free)

/* Every certificate the CA signed, oldest first (CdLedgerEntry). */
GPtrArray     *cd_issuer_local_list          (CdIssuerLocal *self, GError **error);
/* The newest certificate the CA signed for the public key @pub and has not revoked, or NULL: what an
 * interrupted issue step may have left signed but unrecorded. */
X509          *cd_issuer_local_find_by_key   (CdIssuerLocal *self, EVP_PKEY *pub);

G_END_DECLS
