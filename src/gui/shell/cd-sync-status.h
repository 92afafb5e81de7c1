/* cd-sync-status.h: the header's sync state of a counter joined to a central database (issue 16 item 7):
 * 已同步 / N 条待同步 / 离线（自 HH:MM）, and the sync itself in the background (docs/central.md "Sync in the
 * window"). Nothing at all on a counter that has not joined. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_SYNC_STATUS (cd_sync_status_get_type ())
G_DECLARE_FINAL_TYPE (CdSyncStatus, cd_sync_status, CD, SYNC_STATUS, GtkLabel)

/* A label named "sync_status", hidden unless @ctx's counter has joined. Once joined it syncs every
 * CERTDESK_SYNC_INTERVAL seconds (default 60) and a moment after this counter's outbox grows (an application
 * saved, paid, burnt), each round in a GTask thread with its own store and libpq connections. */
CdSyncStatus *cd_sync_status_new      (CdContext *ctx);
/* Starts a round now (or right after the running one). */
void          cd_sync_status_sync_now (CdSyncStatus *self);
/* Rounds finished so far (tests wait on it). */
guint         cd_sync_status_get_rounds (CdSyncStatus *self);

G_END_DECLS
