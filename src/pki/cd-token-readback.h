/* cd-token-readback.h: reading back what was written to a USB key through a session of our own, straight
 * from the key (not libp11's cached view of it), the way an outsider reads it: the burn's verification. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/x509.h>

#include "cd-token.h"

G_BEGIN_DECLS

/* The certificate objects stored under CKA_ID @id (X509, possibly none). Certificates are public objects:
 * no login is needed, so the key's login state is left as it is. */
GPtrArray *cd_token_readback_certs (CdToken *self, const guchar *id, gsize id_len, GError **error);

/* Whether the key holds a certificate object whose value is @cert (any CKA_ID) in *out_has. */
gboolean   cd_token_readback_has_cert (CdToken *self, X509 *cert, gboolean *out_has, GError **error);

/* The values (GBytes) of the data objects of @application labelled @label (public objects). */
GPtrArray *cd_token_readback_data  (CdToken *self, const char *application, const char *label, GError **error);

G_END_DECLS
