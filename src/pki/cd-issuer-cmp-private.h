/* cd-issuer-cmp-private.h: what the CMP client's pieces share: the issuer's fields and one exchange's state
 * (cd-issuer-cmp.c the requests, cd-issuer-cmp-transport.c the connection and HTTP transfer,
 * cd-issuer-cmp-errors.c the one sentence a failed exchange becomes). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/cmp.h>

#include "cd-issuer-cmp.h"

G_BEGIN_DECLS

struct _CdIssuerCmp {
  GObject          parent_instance;
  char            *host;
  int              port;
  char            *path;
  char            *url;           /* as configured, for messages */
  char            *trust_anchor;  /* the file, for messages */
  char            *reference;
  CdPin           *secret;
  X509            *ra_cert;
  EVP_PKEY        *ra_key;
  STACK_OF (X509) *roots;
  gboolean         use_ir;
  guint            timeout_s;
  gint             protection_refused;  /* atomic: the exchanges run on workers */
};

/* PKIBody type of pkiconf (RFC 4210 5.1.2); OpenSSL 3.0 names only IR and P10CR publicly. */
#define BODY_PKICONF 19

/* One exchange (a certificate request with its certConf, or a revocation): what our own connection learnt
 * and what the certConf callback decided, for the one sentence the clerk reads. */
typedef struct {
  CdIssuerCmp          *self;
  const CdIssueRequest *req;            /* NULL for a revocation */
  int                   resolve_error;  /* getaddrinfo's EAI_* for the server's name, 0 if resolved */
  int                   connect_errno;  /* why our connection failed, 0 if it did not */
  gboolean              checked;        /* the certConf callback ran */
  gboolean              accepted;       /* … and decided a positive certConf */
  gboolean              conf_answered;  /* the CA answered our certConf with pkiConf */
  GError               *refusal;        /* negative certConf: why, for the clerk */
  char                 *ca_text;        /* negative certConf: what the CA is told */
  STACK_OF (X509)      *chain;          /* what the certificate was checked with: intermediates, then roots */
} Exchange;

/* The transfer callback (OSSL_CMP_CTX_set_transfer_cb): the message over our own connection to the CA. */
OSSL_CMP_MSG *cd_issuer_cmp_transfer (OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req);

/* OpenSSL's error queue drained (all of it to @log, for the debug log); an array of entries for
 * cd_issuer_cmp_set_error. */
GArray       *cd_issuer_cmp_drain_errors (GString *log);

/* After a failed exchange: who refused (this counter, the CA, the network, a server not speaking CMP), in one
 * sentence about @doing. */
void          cd_issuer_cmp_set_error    (Exchange *x, OSSL_CMP_CTX *ctx, GArray *errors, const char *log,
                                          const char *doing, GError **error);

G_END_DECLS
