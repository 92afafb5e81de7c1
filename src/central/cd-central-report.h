/* cd-central-report.h: the head office's report (issue 16 item 6): the counter's day report (cd-report.h)
 * over every outlet's rows in the central database, per outlet and in total. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  const char *from;     /* YYYY-MM-DD, inclusive */
  const char *to;
  const char *outlet;   /* an outlet's code; NULL: every outlet the database login reads */
  const char *url;      /* the central database (libpq URI); NULL: the one this counter joined */
} CdCentralReportQuery;

/* The report as cd_report_build builds it for one counter (the same members, so the page and the PDF writer
 * take it), over the outlets asked for, in total, and "outlets": [{"code","name", …the same members…}] per
 * outlet (every outlet the login reads, also one with nothing in the period), with "central": true, "outlet"
 * (the code asked for, or null) and "outlet_name"; in total, each row of a list (refunds, voids, waivers, open
 * applications, sign-offs, adjustments) also names its "outlet" and "outlet_code". Each application counts
 * once, however often it changed.
 * An outlet's login reads its own outlet only: asking it for another outlet fails with
 * CD_CENTRAL_ERROR_INVALID naming both. Reads the database in the calling thread (the GUI calls it from a
 * GTask). CD_CENTRAL_ERROR_NOT_JOINED without a URL on a counter that has not joined; _CONNECT when the
 * database cannot be reached. */
JsonNode *cd_central_report_build      (CdContext *ctx, const CdCentralReportQuery *query, GError **error);

/* One CSV row per application of the period at the outlets asked for, written by the counter's CSV writer
 * (cd_report_csv_append_row: names, not codes). The export is audited on this counter. */
char     *cd_central_report_export_csv (CdContext *ctx, const CdCentralReportQuery *query, GError **error);

/* Central migration 9: the report's columns and covering indexes (cd-central-schema.c lists it). */
extern const char cd_central_migration_report_columns[];

G_END_DECLS
