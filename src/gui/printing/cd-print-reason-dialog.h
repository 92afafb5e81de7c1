/* cd-print-reason-dialog.h: asks why documents are printed again (a reprint is audited with its reason). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_PRINT_REASON_DIALOG (cd_print_reason_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CdPrintReasonDialog, cd_print_reason_dialog, CD, PRINT_REASON_DIALOG, GtkDialog)

/* Responds GTK_RESPONSE_OK only with a reason of at least two characters. */
CdPrintReasonDialog *cd_print_reason_dialog_new        (GtkWindow *parent, const char *number);
const char          *cd_print_reason_dialog_get_reason (CdPrintReasonDialog *self);

G_END_DECLS
