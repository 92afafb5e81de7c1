/* cd-scan-strip.h: the scans of one checklist material: thumbnails, add from files / drag and drop / a
 * scanner, the full-size viewer, delete with undo. Keeps the draft's material mark in step with the store. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-draft.h"

G_BEGIN_DECLS

#define CD_TYPE_SCAN_STRIP (cd_scan_strip_get_type ())
G_DECLARE_FINAL_TYPE (CdScanStrip, cd_scan_strip, CD, SCAN_STRIP, GtkBox)

GtkWidget  *cd_scan_strip_new          (CdDraft *draft, const char *material_code, gboolean editable);
/* Whether scans can be added, scanned or deleted (not once the application is paid). */
void        cd_scan_strip_set_editable (CdScanStrip *self, gboolean editable);

/* Imports files as if they had been chosen or dropped (the drop handler calls this). */
void        cd_scan_strip_add_uris     (CdScanStrip *self, const char *const *uris);

/* Stored, not deleted scans shown; TRUE while an import, a scan or a thumbnail is under way. */
guint       cd_scan_strip_get_n_scans  (CdScanStrip *self);
gboolean    cd_scan_strip_is_busy      (CdScanStrip *self);
/* The last message shown to the clerk (an error or what was attached), "" when none. */
const char *cd_scan_strip_get_status   (CdScanStrip *self);

/* Rewrites the "scan:ID" entries of @code's mark in @app from the store; TRUE when the mark changed.
 * Other entries (file references made before scans were stored) are kept. */
gboolean    cd_scan_strip_sync_mark    (CdContext *ctx, CdApplication *app, gint64 application_id,
                                        const char *code, GError **error);

G_END_DECLS
