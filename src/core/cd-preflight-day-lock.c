/* cd-preflight-day-lock.c: a signed-off day takes no payment, printing or issuing without a supervisor. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-preflight-private.h"

gboolean
cd_preflight_rule_day_lock (CdPreflightRun *r, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *today = NULL;
  g_autofree char *day = NULL;
  gint64 supervisor = 0;
  CdPreflightStep step;

  /* Payment, printing and the burn write to the application's day: from the fee step on. */
  if (r->up_to < CD_PREFLIGHT_FEE)
    return TRUE;
  if (cd_context_get_adjustment (r->ctx, &supervisor) && supervisor > 0)
    return TRUE;                       /* a supervisor has approved the change of the signed-off day */
  today = cd_store_today (r->store);
  if (r->id > 0)
    {
      if (!cd_store_prepare (r->store, "SELECT s.day FROM application a JOIN report_signoff s"
                                       " ON s.outlet_id = a.outlet_id AND s.day IN (a.day, ?2)"
                                       " WHERE a.id = ?1 ORDER BY s.day LIMIT 1", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, r->id);
    }
  else
    {
      if (!cd_store_prepare (r->store, "SELECT day FROM report_signoff WHERE outlet_id IS ?1 AND day = ?2",
                             &stmt, error))
        return FALSE;
      if (cd_context_get_outlet_id (r->ctx) > 0)
        sqlite3_bind_int64 (stmt, 1, cd_context_get_outlet_id (r->ctx));
      else
        sqlite3_bind_null (stmt, 1);
    }
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;
  day = cd_store_column_dup (stmt, 0);
  step = r->up_to >= CD_PREFLIGHT_BURN ? CD_PREFLIGHT_BURN : r->up_to;
  cd_preflight_add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "day-lock", "$",
                          _("The day %s is signed off: taking payment, printing or issuing for this application "
                            "needs a supervisor’s approval (password and reason)"), day);
  return TRUE;
}
