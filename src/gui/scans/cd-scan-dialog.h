/* cd-scan-dialog.h: scanning a page with SANE: device list, resolution, colour/grey, preview, then scan.
 * Responds GTK_RESPONSE_ACCEPT once a page is scanned (cd_scan_dialog_get_page), CANCEL otherwise. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_SCAN_DIALOG (cd_scan_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CdScanDialog, cd_scan_dialog, CD, SCAN_DIALOG, GtkDialog)

GtkWidget *cd_scan_dialog_new          (GtkWindow *parent);

/* The scanned page (owned by the dialog) and its resolution; NULL before a scan finished. */
GdkPixbuf *cd_scan_dialog_get_page     (CdScanDialog *self, double *out_dpi);

/* For tests: the number of devices found (-1 while the list is still being made). */
int        cd_scan_dialog_get_n_devices (CdScanDialog *self);
gboolean   cd_scan_dialog_is_busy      (CdScanDialog *self);

G_END_DECLS
