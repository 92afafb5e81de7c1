/* cd-print-operation.h: a GtkPrintOperation that prints the pages of a poppler document (the rendered forms). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <poppler.h>

G_BEGIN_DECLS

/* poppler-glib 22.12 (Debian 12) defines no cleanups and newer releases do: aliases never clash. */
typedef PopplerDocument CdPopplerDocument;
typedef PopplerPage     CdPopplerPage;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPopplerPage, g_object_unref)

#define CD_TYPE_PRINT_OPERATION (cd_print_operation_get_type ())
G_DECLARE_FINAL_TYPE (CdPrintOperation, cd_print_operation, CD, PRINT_OPERATION, GtkPrintOperation)

/* Prints every page of @document (a reference is kept), one PDF page per sheet, scaled to fit the
 * printable area when the paper is smaller. The print dialog offers printer choice, copies and "Print to
 * File"; its preview button does not launch an external viewer (the app shows its own preview). */
CdPrintOperation *cd_print_operation_new          (PopplerDocument *document, const char *job_name);
/* After a successful run: the printer's name ("Print to File" included) and the copies asked for. */
const char       *cd_print_operation_get_printer  (CdPrintOperation *self);
guint             cd_print_operation_get_copies   (CdPrintOperation *self);
/* The clerk pressed the dialog's Preview: nothing was printed. */
gboolean          cd_print_operation_was_preview  (CdPrintOperation *self);

G_END_DECLS
