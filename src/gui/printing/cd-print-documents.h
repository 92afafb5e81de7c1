/* cd-print-documents.h: the forms of one stored application rendered off the main loop and loaded into
 * poppler for preview and printing, and the print run that records what was printed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <poppler.h>

#include "cd-context.h"
#include "cd-forms.h"

G_BEGIN_DECLS

/* The workstation's copy mode and carbonless calibration (GSettings). */
typedef struct {
  CdFormsCopyMode mode;
  double          offset_x_mm;
  double          offset_y_mm;
} CdPrintSetup;

void             cd_print_setup_load            (CdPrintSetup *setup);
void             cd_print_setup_save_mode       (CdFormsCopyMode mode);

/* Renders the profile's documents of stored application @id (number from the store, outlet and clerk
 * names) in a worker thread. */
void             cd_print_documents_render_async  (CdContext *ctx, gint64 id, const CdPrintSetup *setup,
                                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                                   gpointer user_data);
/* The PDF loaded in poppler; @out_pdf and @out_documents (the document names, in order) may be NULL. */
PopplerDocument *cd_print_documents_render_finish (GAsyncResult *result, GBytes **out_pdf,
                                                   GStrv *out_documents, GError **error);

/* An ISO UTC time of the store as local "YYYY-MM-DD HH:MM" ("" when NULL or invalid). */
char            *cd_print_format_time            (const char *iso);

/* A label for a document name ("application" → "Application form"). */
const char      *cd_print_document_label         (const char *name);

/* Runs the print dialog for @document (or, with @export_filename, writes that PDF without a dialog) and,
 * when the job was accepted, records it: cd_print_store_record(), which also moves a paid application to
 * printed. @reprint_reason is required when cd_print_store_is_reprint() says so. FALSE without @error when
 * the clerk cancelled the dialog. */
gboolean         cd_print_documents_print        (GtkWindow *parent, CdContext *ctx, gint64 id,
                                                  PopplerDocument *document, const char *const *documents,
                                                  const char *export_filename, const char *reprint_reason,
                                                  GError **error);

G_END_DECLS
