/* cd-scan-viewer.h: a stored scan at full size, with zoom and rotate (the picture is decoded in a worker). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-scan-store.h"

G_BEGIN_DECLS

#define CD_TYPE_SCAN_VIEWER (cd_scan_viewer_get_type ())
G_DECLARE_FINAL_TYPE (CdScanViewer, cd_scan_viewer, CD, SCAN_VIEWER, GtkWindow)

GtkWidget *cd_scan_viewer_new        (GtkWindow *parent, CdContext *ctx, const CdScanInfo *info);

/* For tests: the picture once loaded (NULL before), the zoom factor and the rotation in degrees. */
GdkPixbuf *cd_scan_viewer_get_picture (CdScanViewer *self);
double     cd_scan_viewer_get_zoom    (CdScanViewer *self);
guint      cd_scan_viewer_get_rotation (CdScanViewer *self);

G_END_DECLS
