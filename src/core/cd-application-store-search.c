/* cd-application-store-search.c: finding applications and what belongs to them — the search, the invoice request,
 * the certificates issued, the number. Reads only. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-application-store.h"
#include "cd-application-store-private.h"
#include "cd-field-crypt.h"
#include "cd-store-crypt.h"
#include "cd-preflight.h"
#include "cd-print-set.h"
#include "cd-audit.h"
#include "cd-ident.h"
#include "cd-price-store.h"
#include "cd-report-signoff.h"

GPtrArray *
cd_application_store_search (CdContext *ctx, const char *query, gboolean open_or_today_only, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_application_info_free);
  g_autofree char *today = cd_store_today (store);
  g_autofree char *like = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *by_mobile = NULL;
  g_autofree char *by_name = NULL;
  CdKeys *keys = cd_store_get_keys (store);
  int rc;

  /* Persons' names, ID numbers and mobiles are sealed: they are found whole, through the blind indexes of the
   * application's persons (application_bidx). Unit names, USCCs, numbers and serials stay clear: any part. A
   * sealed name is passed over on its prefix before the LIKE '%…%' that would scan its whole text in vain. */
  if (!cd_store_prepare (store,
                         "SELECT a.id, a.number, a.state, a.step, a.name, a.profile, a.business, a.day, a.updated_at,"
                         " a.fee_total_fen FROM application a"
                         " WHERE (?1 IS NULL OR a.number LIKE ?1 OR (a.name NOT LIKE 'cd1.%' AND a.name LIKE ?1)"
                         "        OR a.id IN (SELECT x.application_id FROM application_bidx x"
                         "                    WHERE x.bidx IN (?4, ?5, ?6))"
                         "        OR a.applicant_id IN (SELECT u.id FROM applicant u WHERE u.uscc LIKE ?1)"
                         "        OR (a.applicant_id IS NULL AND json_extract(a.data, '$.unit.uscc') LIKE ?1)"
                         "        OR EXISTS (SELECT 1 FROM certificate c WHERE c.application_id = a.id AND c.serial LIKE ?1))"
                         "   AND (?2 = 0 OR a.day = ?3 OR a.state NOT IN ('closed', 'voided'))"
                         " ORDER BY a.updated_at DESC LIMIT 500", &stmt, error))
    return NULL;
  if (query && *query)
    {
      like = g_strdup_printf ("%%%s%%", query);
      sqlite3_bind_text (stmt, 1, like, -1, SQLITE_STATIC);
      by_id = cd_field_bidx (keys, CD_BIDX_ID_NUMBER, query);
      by_mobile = cd_field_bidx (keys, CD_BIDX_MOBILE, query);
      by_name = cd_field_bidx (keys, CD_BIDX_NAME, query);
    }
  else
    sqlite3_bind_null (stmt, 1);
  cd_store_bind_text_or_null (stmt, 4, by_id);
  cd_store_bind_text_or_null (stmt, 5, by_mobile);
  cd_store_bind_text_or_null (stmt, 6, by_name);
  sqlite3_bind_int (stmt, 2, open_or_today_only);
  sqlite3_bind_text (stmt, 3, today, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdApplicationInfo *info = g_new0 (CdApplicationInfo, 1);
      info->id = sqlite3_column_int64 (stmt, 0);
      info->number = cd_store_column_dup (stmt, 1);
      cd_state_from_code ((const char *) sqlite3_column_text (stmt, 2), &info->state);
      info->step = cd_store_column_dup (stmt, 3);
      info->name = cd_field_open (keys, "application", info->id, "name", (const char *) sqlite3_column_text (stmt, 4),
                                  error);
      info->profile = cd_store_column_dup (stmt, 5);
      info->business = cd_store_column_dup (stmt, 6);
      info->day = cd_store_column_dup (stmt, 7);
      info->updated_at = cd_store_column_dup (stmt, 8);
      info->fee_total_fen = sqlite3_column_type (stmt, 9) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (out, info);
      if (!info->name)
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

gboolean
cd_application_store_invoice_requested (CdContext *ctx, gint64 id, gboolean *out_requested, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT invoice_requested FROM payment WHERE application_id = ?1"
                                " ORDER BY id DESC LIMIT 1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  *out_requested = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

void
cd_certificate_info_free (CdCertificateInfo *info)
{
  if (!info)
    return;
  g_free (info->serial);
  g_free (info->not_after);
  g_free (info);
}

GPtrArray *
cd_application_store_certificates (CdContext *ctx, gint64 id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_certificate_info_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT serial, state, not_after FROM certificate WHERE application_id = ?1"
                                " ORDER BY id DESC", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdCertificateInfo *info = g_new0 (CdCertificateInfo, 1);
      const char *state = (const char *) sqlite3_column_text (stmt, 1);

      info->serial = cd_store_column_dup (stmt, 0);
      info->usable = g_strcmp0 (state, "issued") == 0 || g_strcmp0 (state, "suspended") == 0;
      info->not_after = cd_store_column_dup (stmt, 2);
      g_ptr_array_add (out, info);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

char *
cd_application_store_dup_number (CdStore *store, gint64 id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT number FROM application WHERE id = ?1", &stmt, NULL))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : NULL;
}
