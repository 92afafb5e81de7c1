/* cd-issuer-config.h: the issuer chosen by name, with the CMP server, trust anchor, reference and RA
 * certificate and key files from the options or, when absent, from the settings (cmp.server,
 * cmp.trust_anchor, cmp.reference, cmp.ra_cert, cmp.ra_key). The shared secret and the RA key's passphrase
 * are passwords: they come from the caller only, never from the database. A shared secret given wins over
 * an RA certificate. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"
#include "cd-issuer.h"
#include "cd-pin.h"

G_BEGIN_DECLS

typedef struct {
  const char  *name;          /* "local" (default) or "cmp" */
  const char  *server;
  const char  *trust_anchor;
  const char  *reference;
  const CdPin *secret;
  const char  *ra_cert;
  const char  *ra_key;
  const CdPin *ra_key_pass;   /* NULL: the RA key is not encrypted */
  gboolean     use_ir;
} CdIssuerChoice;

CdIssuer *cd_issuer_from_choice (CdContext *ctx, const CdIssuerChoice *choice, GError **error);

G_END_DECLS
