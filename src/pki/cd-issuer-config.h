/* cd-issuer-config.h: the issuer chosen by name, with the CMP server, trust anchor and reference from the
 * options or, when absent, from the settings (cmp.server, cmp.trust_anchor, cmp.reference). The shared
 * secret is a password: it comes from the caller only, never from the database. */
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
  gboolean     use_ir;
} CdIssuerChoice;

CdIssuer *cd_issuer_from_choice (CdContext *ctx, const CdIssuerChoice *choice, GError **error);

G_END_DECLS
