/* cd-csr.h: the certificate subject from the profile's template, and the PKCS#10 request signed on the key. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/x509.h>

#include "cd-application.h"
#include "cd-profile.h"

G_BEGIN_DECLS

/* Fills the profile's subject template (unit or person) with the application's fields, in UTF-8. */
X509_NAME *cd_csr_build_subject  (const CdProfile *profile, const CdApplication *app, GError **error);

/* RFC 2253 text with UTF-8 kept as is ("CN=某某公司,O=…"), for records and messages. */
char      *cd_csr_name_to_string (const X509_NAME *name);

/* A PKCS#10 request for @public_key, signed with @private_key (a key on the USB key) using SHA-256. */
X509_REQ  *cd_csr_new            (const X509_NAME *subject, EVP_PKEY *private_key, EVP_PKEY *public_key,
                                  GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_NAME, X509_NAME_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_REQ, X509_REQ_free)

G_END_DECLS
