/* cd-issuer-config.c: building the issuer the clerk or the command line chose. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-issuer-cmp.h"
#include "cd-issuer-config.h"
#include "cd-issuer-local.h"
#include "cd-pki-error.h"

static char *
setting (CdContext *ctx, const char *key)
{
  return cd_store_setting_dup (cd_context_get_store (ctx), key);
}

CdIssuer *
cd_issuer_from_choice (CdContext *ctx, const CdIssuerChoice *choice, GError **error)
{
  g_autofree char *server = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *ra_cert = NULL;
  g_autofree char *ra_key = NULL;
  CdCmpConfig cmp = { 0 };

  if (choice == NULL || choice->name == NULL || g_str_equal (choice->name, "local"))
    return (CdIssuer *) cd_issuer_local_new (ctx, error);
  if (!g_str_equal (choice->name, "cmp"))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Unknown issuer “%s”: local or cmp"), choice->name);
      return NULL;
    }
  server = choice->server ? g_strdup (choice->server) : setting (ctx, "cmp.server");
  trust = choice->trust_anchor ? g_strdup (choice->trust_anchor) : setting (ctx, "cmp.trust_anchor");
  reference = choice->reference ? g_strdup (choice->reference) : setting (ctx, "cmp.reference");
  ra_cert = choice->ra_cert ? g_strdup (choice->ra_cert) : setting (ctx, "cmp.ra_cert");
  ra_key = choice->ra_key ? g_strdup (choice->ra_key) : setting (ctx, "cmp.ra_key");
  cmp.server = server;
  cmp.trust_anchor = trust;
  cmp.reference = reference;
  cmp.secret = choice->secret;
  cmp.ra_cert = ra_cert;
  cmp.ra_key = ra_key;
  cmp.ra_key_pass = choice->ra_key_pass;
  cmp.use_ir = choice->use_ir;
  return (CdIssuer *) cd_issuer_cmp_new (&cmp, error);
}
