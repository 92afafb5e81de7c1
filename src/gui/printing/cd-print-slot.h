/* cd-print-slot.h: the rendered documents of one application as a page shows and prints them (the print
 * step and the print queue): the render under way, the poppler document, its document names and the
 * preview and spinner that show them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-print-documents.h"
#include "cd-print-preview.h"

G_BEGIN_DECLS

typedef struct {
  CdPrintPreview  *preview;       /* borrowed, from the page's template */
  GtkSpinner      *spinner;       /* borrowed */
  GCancellable    *cancellable;   /* set while a render is under way */
  PopplerDocument *document;      /* the rendered documents, NULL before or after a failure */
  GStrv            documents;     /* their names, in order */
  gint64           rendered_id;   /* the application rendered or being rendered; 0: none */
} CdPrintSlot;

/* Cancels a render under way, forgets the documents and shows @message in the preview. */
void     cd_print_slot_clear  (CdPrintSlot *slot, const char *message);
/* Starts rendering application @id; @callback (with @page, referenced until it runs) calls
 * cd_print_slot_finish. */
void     cd_print_slot_render (CdPrintSlot *slot, CdContext *ctx, gint64 id, const CdPrintSetup *setup,
                               GAsyncReadyCallback callback, gpointer page);
/* Takes the render's result into the slot and the preview. FALSE when the render was cancelled (the slot
 * belongs to a newer one: do nothing); TRUE otherwise, with @error set and the message in the preview when
 * it failed. */
gboolean cd_print_slot_finish (CdPrintSlot *slot, GAsyncResult *result, GError **error);
/* The documents are rendered and the preview shows them. */
gboolean cd_print_slot_is_ready (const CdPrintSlot *slot);

G_END_DECLS
