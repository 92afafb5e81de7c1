/* cd-preflight-invoice.c: the invoice the applicant asks for (title, taxpayer ID, e-mail). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-ident.h"
#include "cd-preflight-private.h"

static gboolean
is_blank (const char *s)
{
  for (; s && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

void
cd_preflight_rule_invoice (CdPreflightRun *r)
{
  const CdInvoice *inv = r->app->invoice;
  g_autoptr(GError) local = NULL;

  if (inv == NULL || r->paid)
    return;
  if (is_blank (inv->title))
    cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.title",
                            _("An invoice needs its title: the buyer’s full name as registered"));
  if (is_blank (inv->taxpayer_id))
    cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.taxpayer_id",
                            _("An invoice needs the buyer’s taxpayer ID: the unified social credit code "
                              "(18 characters)"));
  else if (!cd_ident_check_taxpayer_id (inv->taxpayer_id, &local))
    cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.taxpayer_id", "%s",
                            local->message);
  g_clear_error (&local);
  if (is_blank (inv->email))
    cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.email",
                            _("An invoice needs an e-mail address: the electronic invoice is sent to it"));
  else if (!cd_application_check_identifier ("$.invoice.email", inv->email, NULL, &local))
    {
      const char *colon = strstr (local->message, ": ");
      cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.email", "%s",
                              colon ? colon + 2 : local->message);
    }
}
