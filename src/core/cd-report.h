/* cd-report.h: the daily issuance report: figures for a day or a date range, per outlet and clerk. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  char   *from;          /* YYYY-MM-DD, inclusive */
  char   *to;
  gint64  outlet_id;     /* 0: all outlets */
  gint64  clerk_id;      /* 0: all clerks */
} CdReportQuery;

/* Builds the report as JSON (the model the page, the CSV/PDF exports and the CLI share):
 * applications by business × applicant type, certificates issued/renewed/revoked, keys, fees by profile (with
 * "profile_name" in the UI language and "profile_name_zh") and payment method, voids and waivers with reasons,
 * drafts left open, cash expected, sign-offs and adjustments after sign-off. */
JsonNode *cd_report_build      (CdContext *ctx, const CdReportQuery *query, GError **error);

/* One row per application of the period, UTF-8 with a BOM so that spreadsheet programs read Chinese.
 * The export holds personal data: it is audited. */
char     *cd_report_export_csv (CdContext *ctx, const CdReportQuery *query, GError **error);
/* How many applications of the period (and outlet, clerk) the report covers: the records an export of it
 * holds, for its audit row. -1 with @error. */
gint64    cd_report_count_applications (CdContext *ctx, const CdReportQuery *query, GError **error);

/* The CSV export's writer, shared with the head office's report over the central database (src/central):
 * the BOM and the header line, then one row per application from its CD_REPORT_CSV_COLUMNS fields as text
 * (NULL: empty): number, day, outlet name, clerk name, profile id, business code, applicant type code,
 * applicant, state code, fee (fen), last payment method code, paid (fen), refunded (fen), certificate serials,
 * void reason. Codes are written as their labels and fen as yuan. */
#define CD_REPORT_CSV_COLUMNS 15
GString  *cd_report_csv_begin      (void);
void      cd_report_csv_append_row (CdContext *ctx, GString *s, const char *const *fields);

/* Names what a built report holds as ids: profiles ("profile_name", "profile_name_zh"), waived materials and
 * actors that are not clerks. cd_report_build calls it; a report filled elsewhere (the central database) too. */
void      cd_report_name           (CdContext *ctx, JsonObject *report);

/* A cash difference as the head office reads it: "Short ¥50.00" (短款) when the cash counted is less than
 * expected, "Over ¥…" (长款) when more, "No difference" (无差额) at zero. */
char     *cd_report_difference_text (gint64 difference_fen);

/* Checks YYYY-MM-DD and that from ≤ to. */
gboolean  cd_report_check_query (const CdReportQuery *query, GError **error);

G_END_DECLS
