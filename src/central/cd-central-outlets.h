/* cd-central-outlets.h: any outlet serves any customer: the central revocation records (a migration) and the
 * outlets' names pulled for the lookup (cd-central-outlets.c). Inside src/central only. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <libpq-fe.h>

#include "cd-store.h"

G_BEGIN_DECLS

extern const char cd_central_migration_revocation[];
extern const char cd_central_migration_customer_fields[];

/* Stores each outlet's name as the counter's setting "central.outlet_name.CODE" (cd_central_copy_outlet_name). */
gboolean cd_central_pull_outlet_names (CdStore *store, PGconn *conn, GError **error);

/* Later wins per field: the customer fields other counters changed since the last round (certdesk.customer_field
 * above the setting central.customer_field_rev), applied by cd_central_copy_apply_field. */
gboolean cd_central_pull_customer_fields (CdStore *store, PGconn *conn, const char *counter, gint64 *pulled,
                                          GError **error);

G_END_DECLS
