/* cd-print-queue-page.h: the 打印队列 section (printer role): applications whose documents wait to be printed
 * (paid) or may be reprinted (printed), with preview, print and reprint with a recorded reason. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_PRINT_QUEUE_PAGE (cd_print_queue_page_get_type ())
G_DECLARE_FINAL_TYPE (CdPrintQueuePage, cd_print_queue_page, CD, PRINT_QUEUE_PAGE, GtkBox)

CdPrintQueuePage *cd_print_queue_page_new      (CdContext *ctx);
/* Re-reads the queue (keeps the selection when the application is still listed). */
void              cd_print_queue_page_refresh  (CdPrintQueuePage *self);
/* Selects the row of application @id and opens its preview; FALSE when it is not in the queue. */
gboolean          cd_print_queue_page_select   (CdPrintQueuePage *self, gint64 id);
/* TRUE once the selected application's documents are rendered and shown. */
gboolean          cd_print_queue_page_is_ready (CdPrintQueuePage *self);
/* As cd_print_page_set_export_filename(): print writes this PDF instead of opening the dialog. */
void              cd_print_queue_page_set_export_filename (CdPrintQueuePage *self, const char *path);

G_END_DECLS
