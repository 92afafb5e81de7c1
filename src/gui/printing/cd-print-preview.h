/* cd-print-preview.h: the app's own preview of a poppler document: a strip of page thumbnails and a
 * zoomable page view drawn with cairo. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <poppler.h>

G_BEGIN_DECLS

#define CD_TYPE_PRINT_PREVIEW (cd_print_preview_get_type ())
G_DECLARE_FINAL_TYPE (CdPrintPreview, cd_print_preview, CD, PRINT_PREVIEW, GtkBox)

/* The PDF bytes behind a document (object data set by cd-print-documents.c): with them the preview renders
 * thumbnails and pages in a worker thread with a document of its own, so no frame waits for poppler. */
#define CD_PRINT_PDF_BYTES_KEY "cd-print-pdf-bytes"

CdPrintPreview  *cd_print_preview_new          (void);
/* Shows @document (NULL clears the view and shows @message instead, e.g. "Rendering…" or an error). */
void             cd_print_preview_set_document (CdPrintPreview *self, PopplerDocument *document);
void             cd_print_preview_set_message  (CdPrintPreview *self, const char *message);
PopplerDocument *cd_print_preview_get_document (CdPrintPreview *self);
void             cd_print_preview_set_page     (CdPrintPreview *self, int page);
int              cd_print_preview_get_page     (CdPrintPreview *self);
/* 1.0 = 72 dpi; 0 = fit the page width to the view. */
void             cd_print_preview_set_zoom     (CdPrintPreview *self, double zoom);
double           cd_print_preview_get_zoom     (CdPrintPreview *self);
/* TRUE while thumbnails or the page view are still being rendered. */
gboolean         cd_print_preview_is_rendering (CdPrintPreview *self);

G_END_DECLS
