/* cd-issuer-cmp.h: a CA's RA interface over CMP (RFC 4210/9480) with OpenSSL's client: p10cr or ir to
 * issue, rr to revoke, protected by a shared secret (PBM) or an RA certificate.
 *
 * issue() sends a positive certConf only for a certificate that holds the request's public key and subject,
 * chains to the trust anchor, and that the request's accept hook took; otherwise a negative certConf
 * (failInfo incorrectData, badCertTemplate, or systemFailure for the hook) and issue() fails with our own
 * sentence ("…; it was refused and the CA was told"; a refusal by the hook keeps the hook's error domain and
 * code). When the hook took the certificate but the confirmation exchange then failed, issue() fails too
 * (the CA may hold the certificate unconfirmed): the caller, which has it from the hook, revokes it.
 * Errors say who refused, on one line: CD_PKI_ERROR_ISSUER_REFUSED (the CA: its text and failure bits in
 * words), CD_PKI_ERROR_ISSUER_UNREACHABLE (unknown host, connection refused, no answer in time, connection
 * closed), CD_PKI_ERROR_ISSUER (this counter refused the certificate or the CA's answer; an HTTP error; a
 * server that does not answer in CMP). Nothing is printed: OpenSSL's CMP log goes to the debug log. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-issuer.h"
#include "cd-pin.h"

G_BEGIN_DECLS

typedef struct {
  const char *server;         /* "http://127.0.0.1:8080/pkix/" */
  const char *trust_anchor;   /* PEM file: the CA root(s) the issued certificates chain to */
  const char *reference;      /* PBM sender KID; NULL: "certdesk" */
  const CdPin *secret;        /* PBM shared secret, or NULL with ra_cert/ra_key */
  const char *ra_cert;        /* PEM: signature protection with the RA's certificate … */
  const char *ra_key;         /* … and key (PEM, encrypted or not) … */
  const CdPin *ra_key_pass;   /* … and the key's passphrase, NULL for an unencrypted key (never stored) */
  gboolean    use_ir;         /* ir with proof of possession by the key instead of p10cr */
  guint       timeout_s;      /* per message (and for connecting); 0: 15 s */
} CdCmpConfig;

#define CD_TYPE_ISSUER_CMP (cd_issuer_cmp_get_type ())
G_DECLARE_FINAL_TYPE (CdIssuerCmp, cd_issuer_cmp, CD, ISSUER_CMP, GObject)

CdIssuerCmp *cd_issuer_cmp_new (const CdCmpConfig *config, GError **error);

/* Whether the last exchange failed because the CA did not accept this counter's protection (a wrong shared
 * secret, an RA certificate it does not trust): the clerk is asked for the secret again. */
gboolean     cd_issuer_cmp_protection_refused (CdIssuerCmp *self);

/* Whether the PEM private key at @path is encrypted (it needs a passphrase to be read). */
gboolean     cd_issuer_cmp_key_is_encrypted   (const char *path);

G_END_DECLS
