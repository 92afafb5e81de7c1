/* cd-central-private.h: what the files of src/central share: the connection to the central database and its
 * statements (cd-central-connect.c), the settings, and the head office's pull (cd-central-down.c). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libpq-fe.h>

#include "cd-central.h"
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

G_END_DECLS
