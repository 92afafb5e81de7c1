/* cd-scanner.h: SANE scanners (device list, resolution, colour/grey, preview, scan) on one dedicated thread. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define CD_SCANNER_ERROR (cd_scanner_error_quark ())
GQuark cd_scanner_error_quark (void);

typedef enum {
  CD_SCANNER_ERROR_NO_DEVICE,   /* no such scanner (unplugged, switched off) */
  CD_SCANNER_ERROR_BUSY,        /* in use by another program */
  CD_SCANNER_ERROR_NO_DOCS,     /* the feeder is empty */
  CD_SCANNER_ERROR_JAMMED,
  CD_SCANNER_ERROR_COVER_OPEN,
  CD_SCANNER_ERROR_TOO_LARGE,   /* the scan would exceed the importer's pixel limit */
  CD_SCANNER_ERROR_FAILED,      /* anything else the backend reports */
} CdScannerError;

typedef enum {
  CD_SCAN_MODE_COLOR,
  CD_SCAN_MODE_GRAY,
} CdScanMode;

typedef struct {
  char *name;     /* SANE device name, e.g. "test:0" */
  char *vendor;
  char *model;
  char *type;     /* "flatbed scanner", "virtual device" … */
} CdScanDevice;

void cd_scan_device_free (CdScanDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdScanDevice, cd_scan_device_free)

typedef struct {
  guint      dpi;       /* the nearest resolution the device offers is used; 0 = 300 (75 for a preview) */
  CdScanMode mode;
  gboolean   preview;   /* a quick low-resolution pass (the device's preview option when it has one) */
} CdScanSettings;

/* Called in the main context of the caller of cd_scanner_scan_async, at most one call pending at a time. */
typedef void (*CdScanProgressFunc) (double fraction, gpointer user_data);

#define CD_TYPE_SCANNER (cd_scanner_get_type ())
G_DECLARE_FINAL_TYPE (CdScanner, cd_scanner, CD, SCANNER, GObject)

/* The SANE thread starts on the first request and ends (sane_exit) when the last reference goes.
 * Requests run one at a time, in the order they were made. */
CdScanner  *cd_scanner_new                  (void);

void        cd_scanner_list_devices_async   (CdScanner *self, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
/* CdScanDevice, possibly empty. */
GPtrArray  *cd_scanner_list_devices_finish  (CdScanner *self, GAsyncResult *result, GError **error);

/* Scans one page from @device. Cancelling @cancellable stops the scanner (sane_cancel) and the task
 * returns G_IO_ERROR_CANCELLED. */
void        cd_scanner_scan_async           (CdScanner *self, const char *device, const CdScanSettings *settings,
                                             CdScanProgressFunc progress, gpointer progress_data,
                                             GDestroyNotify progress_notify, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
/* The page (RGB, 8 bits); @out_dpi: the resolution actually used. */
GdkPixbuf  *cd_scanner_scan_finish          (CdScanner *self, GAsyncResult *result, double *out_dpi,
                                             GError **error);

G_END_DECLS
