/* cd-central-private.h: what the files of src/central share: the connection to the central database and its
 * statements (cd-central-connect.c), the settings, and the head office's pull (cd-central-down.c). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libpq-fe.h>

#include "cd-central.h"
#include "cd-central-report.h"
#include "cd-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Connects to @url (refused when it carries a password; 10 s timeout): CD_CENTRAL_ERROR_CONNECT naming
 * libpq's reason when the server cannot be reached or refuses the login. */
PGconn   *cd_central_connect     (const char *url, GError **error);
gboolean  cd_central_exec        (PGconn *conn, const char *sql, GError **error);
PGresult *cd_central_params      (PGconn *conn, const char *sql, int n, const char *const *values, GError **error);
/* TRUE when @res succeeded; else CD_CENTRAL_ERROR_CONNECT (connection lost) or _SERVER (the server's reason). */
gboolean  cd_central_result_ok   (PGconn *conn, PGresult *res, GError **error);
/* cd-central.c: a setting of this counter's store. */
gboolean  cd_central_setting_set (CdStore *store, const char *key, const char *value, GError **error);

/* cd-central-down.c: the prices and clerk accounts the head office set, pulled in a sync round. */
gboolean  cd_central_pull_head_office (CdStore *store, PGconn *conn, gint64 *pulled, GError **error);

/* cd-central-report.c, for its CSV export (cd-central-report-export.c): a connection settled on the outlets the
 * report covers, and its queries. */
typedef struct {
  CdKeys *keys;       /* this counter's key set (the CA's once joined): opens persons' names */
  PGconn *conn;
  char   *outlet;     /* the outlet the report is about (the one asked for, or the login's own), or NULL */
  char   *lo, *hi;
} CdCentralReportSession;

void      cd_central_report_session_clear (CdCentralReportSession *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CdCentralReportSession, cd_central_report_session_clear)

/* Connects and settles which outlets the report covers: @outlets gets [code, name] pairs. */
gboolean  cd_central_report_open      (CdContext *ctx, const CdCentralReportQuery *q, CdCentralReportSession *s,
                                       GPtrArray *outlets, GError **error);
PGresult *cd_central_report_run       (CdCentralReportSession *s, const CdCentralReportQuery *q, const char *sql,
                                       GError **error);
char     *cd_central_report_open_name (CdKeys *keys, gint64 app_id, const char *value);

/* Every query binds $1 from, $2 to (days), $3 the outlet's code (NULL: every outlet), $4 and $5 the period as
 * UTC times ("…Z", the form the counters write), from the first day's local midnight to the midnight after
 * the last: the counter's report takes the local date of a UTC time, this is the same test as a range. */
#define OUTLET(A) " AND ($3 IS NULL OR " A ".outlet_code = $3)"

G_END_DECLS
