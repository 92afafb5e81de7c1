/* cd-application-store-private.h: what cd-application-store*.c share — the day lock and the state row. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application-store.h"

G_BEGIN_DECLS

/* A signed-off day is locked: every write passes here inside its transaction (cd-report-signoff.c). */
gboolean cd_application_store_check_day_lock (CdContext *ctx, gint64 id, const char *what, GError **error);
gboolean cd_application_store_read_state     (CdStore *store, gint64 id, CdState *out_state, GError **error);
/* Writes the state and its audit row; the caller holds the transaction. */
gboolean cd_application_store_set_state      (CdContext *ctx, gint64 id, CdState from, CdState to, JsonNode *extra,
                                              GError **error);

G_END_DECLS
