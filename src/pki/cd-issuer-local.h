/* cd-issuer-local.h: the embedded local CA: created at first run under state_dir/ca, random 128-bit serials,
 * validity from the request, a CRL built from the certificate table (its index in the database). */
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

G_END_DECLS
