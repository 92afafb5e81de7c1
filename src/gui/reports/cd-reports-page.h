/* cd-reports-page.h: the supervisor's daily issuance report: figures, chart, the list behind a figure,
 * sign-off and exports. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_REPORTS_PAGE (cd_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (CdReportsPage, cd_reports_page, CD, REPORTS_PAGE, GtkBox)

/* Emits "loaded" each time a report (built off the main thread) is shown. */
CdReportsPage *cd_reports_page_new        (CdContext *ctx);
/* Shows @from…@to (YYYY-MM-DD; @to NULL = @from) and rebuilds the report. */
void           cd_reports_page_set_period (CdReportsPage *self, const char *from, const char *to);
void           cd_reports_page_refresh    (CdReportsPage *self);
/* The report shown (cd_report_build's JSON), or NULL while none is loaded. */
JsonNode      *cd_reports_page_get_report (CdReportsPage *self);
/* Writes the report shown as "csv" to @path (what the CSV button does after the file dialog). */
gboolean       cd_reports_page_export     (CdReportsPage *self, const char *format, const char *path, GError **error);
/* What the PDF button does after the file dialog: renders the report shown off the main thread (spinner on
 * the page), audits the export and only then puts the file at @path; a failure is shown on the page and
 * leaves no file. Destroying the page cancels it (G_IO_ERROR_CANCELLED). One export at a time. */
void           cd_reports_page_export_pdf_async  (CdReportsPage *self, const char *path, GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean       cd_reports_page_export_pdf_finish (CdReportsPage *self, GAsyncResult *result, GError **error);

/* The head office's mode (certdesk --head-office URL): the page shows every outlet's report read from the
 * central database at @url (NULL: the one this counter joined) off the main thread, per outlet with the outlet
 * combo (全部网点 and each outlet); no clerk filter, chart or sign-off (those belong to each outlet's counter).
 * A build without the central database (no libpq) shows a sentence saying so. */
void           cd_reports_page_set_central (CdReportsPage *self, const char *url);
gboolean       cd_reports_page_is_central  (CdReportsPage *self);

G_END_DECLS
