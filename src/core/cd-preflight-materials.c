/* cd-preflight-materials.c: the materials on the checklist, and the signed documents scanned at the print
 * step. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-preflight-private.h"
#include "cd-print-store.h"

void
cd_preflight_rule_materials (CdPreflightRun *r)
{
  g_autoptr(GPtrArray) missing = cd_application_missing_materials (r->app, r->profile, FALSE);

  for (guint i = 0; i < missing->len; i++)
    cd_preflight_add_fault (r, CD_PREFLIGHT_MATERIALS, CD_PREFLIGHT_FAULT_ERROR, "materials", "$.materials",
                            _("Material missing: %s"), (const char *) missing->pdata[i]);
}

/* The documents the counter prints and the applicant signs (the application form …) are scanned at the print
 * step after signing; the key work needs them (cd-print-store.h). */
gboolean
cd_preflight_rule_signed_scans (CdPreflightRun *r, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (r->id <= 0 || r->up_to < CD_PREFLIGHT_PRINT)
    return TRUE;
  if (cd_print_store_signed_scanned (r->ctx, r->id, &local))
    return TRUE;
  if (!g_error_matches (local, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  cd_preflight_add_fault (r, CD_PREFLIGHT_PRINT, CD_PREFLIGHT_FAULT_ERROR, "signed-scans", "$.materials", "%s",
                          local->message);
  return TRUE;
}
