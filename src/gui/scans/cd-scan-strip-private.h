/* cd-scan-strip-private.h: the scan strip's state, shared by its files (cd-scan-strip.c: the thumbnails, delete
 * and undo; cd-scan-strip-files.c: scans added from files; cd-scan-strip-scanner.c: scans from the scanner). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-scan-strip.h"

G_BEGIN_DECLS

struct _CdScanStrip {
  GtkBox         parent_instance;

  CdDraft       *draft;
  char          *code;
  gboolean       editable;
  GCancellable  *cancellable;
  GHashTable    *thumbs_cache;    /* "sha256:page" → GdkPixbuf */
  guint          busy;
  guint          n_scans;
  gint64         undo_id;
  guint          undo_timeout;
  char          *status;

  GtkFlowBox    *thumbs;
  GtkButton     *add_button;
  GtkButton     *scan_button;
  GtkSpinner    *spinner;
  GtkLabel      *status_label;
  GtkRevealer   *undo_revealer;
  GtkLabel      *undo_label;
  GtkButton     *undo_button;
};

/* cd-scan-strip.c */
CdContext *cd_scan_strip_get_ctx               (CdScanStrip *self);
GtkWindow *cd_scan_strip_get_window            (CdScanStrip *self);
void       cd_scan_strip_set_busy              (CdScanStrip *self, gboolean busy);
/* The line under the strip: @message, shown as an error when @is_error. */
void       cd_scan_strip_show_status           (CdScanStrip *self, gboolean is_error, const char *message);
/* Scans are stored against the saved application: saves the draft first; 0 when it cannot be saved. */
gint64     cd_scan_strip_ensure_application_id (CdScanStrip *self);
/* After a scan was stored: the thumbnails and the draft's material mark follow. */
void       cd_scan_strip_after_store_change    (CdScanStrip *self);

/* cd-scan-strip-files.c */
void       cd_scan_strip_import_file           (CdScanStrip *self, GFile *file);
void       cd_scan_strip_on_drag_data_received_cb (GtkWidget *widget, GdkDragContext *context, int x, int y,
                                                   GtkSelectionData *data, guint info, guint time, CdScanStrip *self);
void       cd_scan_strip_files_class_init      (GtkWidgetClass *widget_class);

/* cd-scan-strip-scanner.c */
void       cd_scan_strip_scanner_class_init    (GtkWidgetClass *widget_class);

G_END_DECLS
