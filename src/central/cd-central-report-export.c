/* cd-central-report-export.c: the head office's report as CSV, one row per application of the period, written
 * by the counter's CSV writer and audited on this counter. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-central-private.h"
#include "cd-central-report.h"
#include "cd-report.h"
#include "cd-report-signoff.h"

char *
cd_central_report_export_csv (CdContext *ctx, const CdCentralReportQuery *q, GError **error)
{
  g_auto(CdCentralReportSession) s = { 0 };
  g_autoptr(GPtrArray) outlets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GString) csv = NULL;
  g_autofree char *sha = NULL;
  CdReportQuery local = { (char *) q->from, (char *) q->to, 0, 0 };

  if (!cd_central_report_open (ctx, q, &s, outlets, error)
      || !(res = cd_central_report_run (&s, q,
                      "SELECT a.number, a.day, o.name, coalesce(a.clerk_name, ''), a.profile, a.business,"
                      " a.applicant_type, a.name, a.state, a.fee_total_fen,"
                      " (SELECT p.method FROM certdesk.report_payment p WHERE p.app_uuid = a.app_uuid"
                      "   ORDER BY p.local_id DESC LIMIT 1),"
                      " (SELECT sum(p.amount_fen) FROM certdesk.report_payment p WHERE p.app_uuid = a.app_uuid),"
                      " CASE WHEN a.state = 'voided' THEN (SELECT sum(p.amount_fen) FROM certdesk.report_payment p"
                      "   WHERE p.app_uuid = a.app_uuid) END,"
                      " (SELECT string_agg(c.serial, ' ' ORDER BY c.local_id) FROM certdesk.certificate c"
                      "   WHERE (c.data->>'application_uuid')::uuid = a.app_uuid AND NOT c.deleted),"
                      " a.void_reason, a.local_id"
                      " FROM certdesk.report_application a JOIN certdesk.outlet o ON o.code = a.outlet_code"
                      " WHERE a.day BETWEEN $1 AND $2" OUTLET ("a") " ORDER BY a.day, a.outlet_code, a.number",
                      error)))
    return NULL;
  csv = cd_report_csv_begin ();
  for (int r = 0; r < PQntuples (res); r++)
    {
      const char *fields[CD_REPORT_CSV_COLUMNS];
      g_autofree char *name = cd_central_report_open_name (s.keys,
                                                           g_ascii_strtoll (PQgetvalue (res, r, CD_REPORT_CSV_COLUMNS),
                                                                            NULL, 10),
                                                           PQgetisnull (res, r, 7) ? NULL : PQgetvalue (res, r, 7));

      for (int c = 0; c < CD_REPORT_CSV_COLUMNS; c++)
        fields[c] = PQgetisnull (res, r, c) ? NULL : PQgetvalue (res, r, c);
      fields[7] = name;   /* the applicant, opened */
      cd_report_csv_append_row (ctx, csv, fields);
    }
  /* The export carries names and identifiers of every outlet out of the database: this counter records it. */
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) csv->str, csv->len);
  if (!cd_report_audit_export_data (ctx, &local, s.outlet ? "csv-central-outlet" : "csv-central", PQntuples (res), sha,
                                    error))
    return NULL;
  return g_string_free (g_steal_pointer (&csv), FALSE);
}
