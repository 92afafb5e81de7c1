/* cd-print-reason-dialog.c: the reprint reason, with a few usual reasons one click away. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-print-reason-dialog.h"

struct _CdPrintReasonDialog {
  GtkDialog        parent_instance;

  GtkLabel        *intro_label;
  GtkComboBoxText *reason_combo;
  GtkEntry        *reason_entry;
  GtkWidget       *ok_button;
};

G_DEFINE_FINAL_TYPE (CdPrintReasonDialog, cd_print_reason_dialog, GTK_TYPE_DIALOG)

static void
on_reason_changed_cb (CdPrintReasonDialog *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_entry_get_text (self->reason_entry)));

  gtk_widget_set_sensitive (self->ok_button, g_utf8_strlen (text, -1) >= 2);
}

static void
on_reason_activate_cb (CdPrintReasonDialog *self)
{
  if (gtk_widget_get_sensitive (self->ok_button))
    gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
}

static void
cd_print_reason_dialog_class_init (CdPrintReasonDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-print-reason-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CdPrintReasonDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, CdPrintReasonDialog, reason_combo);
  gtk_widget_class_bind_template_child (widget_class, CdPrintReasonDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, CdPrintReasonDialog, ok_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_activate_cb);
}

static void
cd_print_reason_dialog_init (CdPrintReasonDialog *self)
{
  static const char *const usual[] = {
    N_("Paper jam or misprint"),
    N_("Applicant lost the documents"),
    N_("Details were corrected"),
    N_("Printer ran out of toner"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (usual); i++)
    gtk_combo_box_text_append_text (self->reason_combo, _(usual[i]));
  gtk_dialog_set_default_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
  on_reason_changed_cb (self);
}

CdPrintReasonDialog *
cd_print_reason_dialog_new (GtkWindow *parent, const char *number)
{
  CdPrintReasonDialog *self = g_object_new (CD_TYPE_PRINT_REASON_DIALOG, "transient-for", parent, "modal", TRUE,
                                            "use-header-bar", FALSE, NULL);
  g_autofree char *intro = g_strdup_printf (_("The documents of application %s were printed before. "
                                              "Why are they printed again? The reason is recorded."), number);

  gtk_label_set_text (self->intro_label, intro);
  return self;
}

const char *
cd_print_reason_dialog_get_reason (CdPrintReasonDialog *self)
{
  g_return_val_if_fail (CD_IS_PRINT_REASON_DIALOG (self), NULL);
  return gtk_entry_get_text (self->reason_entry);
}
