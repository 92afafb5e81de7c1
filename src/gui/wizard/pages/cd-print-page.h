/* cd-print-page.h: wizard step 打印: the application's documents rendered, previewed and printed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_PRINT_PAGE (cd_print_page_get_type ())
G_DECLARE_FINAL_TYPE (CdPrintPage, cd_print_page, CD, PRINT_PAGE, GtkBox)

/* With a file name set, Print writes that PDF instead of opening the print dialog ("export-filename";
 * used by tests and unattended runs). NULL restores the dialog. */
void     cd_print_page_set_export_filename (CdPrintPage *self, const char *path);
/* TRUE once the documents of the current application are rendered and shown. */
gboolean cd_print_page_is_ready            (CdPrintPage *self);

G_END_DECLS
