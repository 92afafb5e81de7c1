/* cd-report-signoff.h: a supervisor signs a day for an outlet; the signed day is locked to adjustments. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-clerk-store.h"
#include "cd-context.h"
#include "cd-report.h"

G_BEGIN_DECLS

typedef struct {
  gint64  id;
  gint64  outlet_id;
  char   *day;
  gint64  supervisor_id;
  char   *supervisor;          /* name (login) */
  gint64  counted_cash_fen;
  gint64  cash_expected_fen;   /* from the figures snapshot */
  char   *signed_at;           /* ISO UTC */
  char   *reason;              /* why it was signed with a difference or open applications, or NULL */
} CdSignoff;

void cd_signoff_free (CdSignoff *signoff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSignoff, cd_signoff_free)

/* The difference the supervisor counted against what the records expect (negative: cash is short). */
#define cd_signoff_difference_fen(s) ((s)->counted_cash_fen - (s)->cash_expected_fen)

/* @supervisor (authorised with cd_clerk_store_authorize) signs @day for @outlet_id with the cash counted;
 * the day's figures are stored as a snapshot and the sign-off is audited ("report.signoff"). A day is
 * signed once per outlet and never in the future. When the cash counted differs from the cash expected, or
 * applications are still open, @reason (a few words) is required and kept with the sign-off. */
gboolean   cd_report_signoff_sign   (CdContext *ctx, const CdClerk *supervisor, gint64 outlet_id, const char *day,
                                     gint64 counted_cash_fen, const char *reason, CdSignoff **out_signoff,
                                     GError **error);

/* What makes a sign-off of @day need a reason: the difference and the open applications, as one sentence
 * for the supervisor ("Short ¥50.00; 2 applications still open"); NULL when nothing does. */
char      *cd_report_signoff_reason_needed (CdContext *ctx, gint64 outlet_id, const char *day,
                                            gint64 counted_cash_fen, GError **error);

/* The sign-off of @day for @outlet_id: TRUE with *out NULL when the day is not signed. */
gboolean   cd_report_signoff_lookup (CdContext *ctx, gint64 outlet_id, const char *day, CdSignoff **out,
                                     GError **error);

/* The lock, called by the application store inside each write's transaction: when the application's day,
 * or today, is signed for its outlet, the write is refused with CD_STATE_ERROR_DAY_SIGNED (the message names
 * the day) unless the context holds an adjustment (cd_context_set_adjustment: a supervisor and a reason),
 * which is then audited as "adjustment". */
gboolean   cd_report_signoff_guard  (CdContext *ctx, gint64 application_id, const char *what, GError **error);

/* Runs @func as @supervisor with @reason as the context's adjustment, then clears it. */
gboolean   cd_report_signoff_adjust (CdContext *ctx, const CdClerk *supervisor, const char *reason,
                                     CdActAsFunc func, gpointer user_data, GError **error);

/* Adds "signoffs" and "adjustments" (changes after sign-off) to a report being built. */
gboolean   cd_report_signoff_annotate (CdContext *ctx, const CdReportQuery *query, JsonBuilder *builder,
                                       GError **error);

/* The page's bar chart: applications per day and business for the @n_days ending with @last_day:
 * {"from","to","businesses":[codes],"days":[{"day","counts":{code:n}}]}. */
JsonNode  *cd_report_chart          (CdContext *ctx, const char *last_day, guint n_days, gint64 outlet_id,
                                     GError **error);

/* The list behind a figure of the report: the applications of the period matching @kind/@key, where
 * @kind is "business" (key "new" or "new/enterprise"), "method", "profile", "state", "certificates",
 * "cash" or "all": [{"id","number","day","name","business","applicant_type","state","amount_fen"}]. */
JsonNode  *cd_report_detail         (CdContext *ctx, const CdReportQuery *query, const char *kind, const char *key,
                                     GError **error);

/* Records who took an export of the period out of the counter (the PDF; the CSV audits itself), without the
 * file's digest: prefer cd_report_audit_export_data. */
gboolean   cd_report_audit_export   (CdContext *ctx, const CdReportQuery *query, const char *format, GError **error);
/* The audit row report.export of an export that leaves the counter (who and when: the row's actor and time):
 * {"format","from","to","rows","sha256"} — @rows the records it holds (-1: not counted, left out), @sha256 the
 * hex SHA-256 of its bytes (NULL: left out), so a file found later can be matched to the export that wrote it. */
gboolean   cd_report_audit_export_data (CdContext *ctx, const CdReportQuery *query, const char *format, gint64 rows,
                                        const char *sha256, GError **error);

G_END_DECLS
