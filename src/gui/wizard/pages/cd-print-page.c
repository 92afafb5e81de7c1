/* cd-print-page.c: the print step. The forms are rendered in libcd-forms' worker thread as soon as the
 * application is paid, shown in the app's own preview, and printed through CdPrintOperation; the record
 * (and paid → printed) is written by cd-print-store. Once printed, the documents the applicant signs (the
 * application form…) are scanned here; the page is complete when they are (cd_print_store_signed_scanned). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-print-documents.h"
#include "cd-print-operation.h"
#include "cd-print-page.h"
#include "cd-print-preview.h"
#include "cd-print-reason-dialog.h"
#include "cd-print-set.h"
#include "cd-print-slot.h"
#include "cd-print-store.h"
#include "cd-scan-strip.h"

struct _CdPrintPage {
  GtkBox           parent_instance;
  CD_PAGE_FIELDS;

  GtkLabel        *documents_label;
  GtkComboBoxText *mode_combo;
  GtkLabel        *offset_label;
  GtkButton       *print_button;
  GtkSpinner      *spinner;
  GtkLabel        *status_label;
  GtkLabel        *history_label;
  GtkBox          *signed_box;
  GtkBox          *signed_rows;
  CdPrintPreview  *preview;

  gint64           signed_for_id;   /* the application whose signed-document rows are shown */

  CdPrintSlot      slot;
  CdFormsCopyMode  rendered_mode;
  char            *export_filename;
};

static void cd_print_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdPrintPage, cd_print_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_print_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdPrintPage, cd_print_page)

static gboolean
is_printable (CdState s)
{
  return s == CD_STATE_PAID || s == CD_STATE_PRINTED || s == CD_STATE_ISSUED || s == CD_STATE_CLOSED;
}

static gboolean
is_printed (CdState s)
{
  return s == CD_STATE_PRINTED || s == CD_STATE_ISSUED || s == CD_STATE_CLOSED;
}

static CdFormsCopyMode
chosen_mode (CdPrintPage *self)
{
  return g_strcmp0 (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->mode_combo)), "carbonless") == 0
           ? CD_FORMS_COPY_CARBONLESS : CD_FORMS_COPY_PLAIN;
}

static void
update_complete (CdPrintPage *self)
{
  CdState s = self->draft ? cd_draft_get_state (self->draft) : CD_STATE_DRAFT;
  gint64 id = self->draft ? cd_draft_get_id (self->draft) : 0;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;

  if (is_printed (s) && id && !(missing = cd_print_store_unscanned_signed (self->ctx, id, &error)))
    cd_page_set_complete (self, FALSE, cd_gui_error_text (error));
  else if (is_printed (s) && missing->len)
    {
      g_autofree char *reason = NULL;

      g_ptr_array_add (missing, NULL);
      {
        /* TRANSLATORS: the separator between document names */
        g_autofree char *names = g_strjoinv (_("; "), (char **) missing->pdata);
        reason = g_strdup_printf (_("Scan the signed documents: %s"), names);
      }
      cd_page_set_complete (self, FALSE, reason);
    }
  else if (is_printed (s))
    cd_page_set_complete (self, TRUE, NULL);
  else if (!is_printable (s))
    cd_page_set_complete (self, FALSE, _("Record the payment before printing"));
  else
    cd_page_set_complete (self, FALSE, _("Print the documents to continue"));
}

static void
update_widgets (CdPrintPage *self)
{
  CdState s = self->draft ? cd_draft_get_state (self->draft) : CD_STATE_DRAFT;
  CdPrintSetup setup;

  cd_print_setup_load (&setup);
  if (chosen_mode (self) == CD_FORMS_COPY_CARBONLESS)
    {
      g_autofree char *text = g_strdup_printf (_("Calibration: %+.1f mm right, %+.1f mm down"),
                                               setup.offset_x_mm, setup.offset_y_mm);
      cd_gui_label_set_text (self->offset_label, text);
      gtk_widget_show (GTK_WIDGET (self->offset_label));
    }
  else
    gtk_widget_hide (GTK_WIDGET (self->offset_label));
  /* GtkButton makes a new label for each label set: only on a change */
  if (g_strcmp0 (gtk_button_get_label (self->print_button), is_printed (s) ? _("_Reprint…") : _("_Print…")) != 0)
    gtk_button_set_label (self->print_button, is_printed (s) ? _("_Reprint…") : _("_Print…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), is_printable (s) && self->slot.document != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_combo), is_printable (s));
}

static void
update_history (CdPrintPage *self)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 id = self->draft ? cd_draft_get_id (self->draft) : 0;
  const CdPrintRecord *last;
  guint reprints = 0;

  if (id && (records = cd_print_store_list (self->ctx, id, NULL)) && records->len)
    {
      g_autofree char *at = NULL;

      last = records->pdata[records->len - 1];
      at = cd_print_format_time (last->at);
      for (guint i = 0; i < records->len; i++)
        if (((CdPrintRecord *) records->pdata[i])->reprint_reason)
          reprints++;
      g_string_printf (text, _("Last printed %s on %s, %u copies"), at,
                       last->printer ? last->printer : _("unknown printer"), last->copies);
      if (reprints)
        g_string_append_printf (text, " · %s", _("reprinted before"));
    }
  cd_gui_label_set_text (self->history_label, text->str);
}

/* Once printed: one scan strip per signed document (cd_print_set_signed_materials), for this application. */
static void
update_signed (CdPrintPage *self)
{
  CdState s = self->draft ? cd_draft_get_state (self->draft) : CD_STATE_DRAFT;
  gint64 id = self->draft ? cd_draft_get_id (self->draft) : 0;
  CdApplication *app = self->draft ? cd_draft_get_app (self->draft) : NULL;
  CdProfile *profile = app && app->profile ? cd_context_lookup_profile (self->ctx, app->profile, NULL) : NULL;
  g_autoptr(GPtrArray) materials = NULL;
  g_autoptr(GList) rows = NULL;

  if (!profile || !id || !is_printed (s) || !(materials = cd_print_set_signed_materials (profile, app))->len)
    {
      gtk_widget_hide (GTK_WIDGET (self->signed_box));
      return;
    }
  if (self->signed_for_id != id)
    {
      rows = gtk_container_get_children (GTK_CONTAINER (self->signed_rows));
      for (GList *l = rows; l; l = l->next)
        gtk_widget_destroy (l->data);
      for (guint i = 0; i < materials->len; i++)
        {
          const CdMaterial *m = materials->pdata[i];
          GtkWidget *label = gtk_label_new (cd_localized (m->label, m->label_zh));
          GtkWidget *strip = cd_scan_strip_new (self->draft, m->code, TRUE);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_container_add (GTK_CONTAINER (self->signed_rows), label);
          gtk_container_add (GTK_CONTAINER (self->signed_rows), strip);
        }
      gtk_widget_show_all (GTK_WIDGET (self->signed_rows));
      self->signed_for_id = id;
    }
  gtk_widget_show (GTK_WIDGET (self->signed_box));
}

static void
show_documents (CdPrintPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; self->slot.documents && self->slot.documents[i]; i++)
    g_string_append_printf (text, "%s%s", i ? " · " : "", cd_print_document_label (self->slot.documents[i]));
  if (self->slot.document)
    {
      int n = poppler_document_get_n_pages (self->slot.document);
      g_autofree char *pages = g_strdup_printf (ngettext ("%d page", "%d pages", n), n);
      g_string_append_printf (text, "  (%s)", pages);
    }
  cd_gui_label_set_text (self->documents_label, text->str);
}

static void
on_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdPrintPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cd_print_slot_finish (&self->slot, result, &error))
    return;
  gtk_label_set_text (self->status_label, error ? cd_gui_error_text (error) : "");
  show_documents (self);
  update_widgets (self);
}

static void
render (CdPrintPage *self)
{
  CdPrintSetup setup;

  cd_print_setup_load (&setup);
  setup.mode = chosen_mode (self);
  self->rendered_mode = setup.mode;
  cd_print_slot_render (&self->slot, self->ctx, cd_draft_get_id (self->draft), &setup, on_rendered_cb, self);
  update_widgets (self);
}

static void
refresh (CdPrintPage *self)
{
  CdState s;
  gint64 id;

  if (!self->draft)
    return;
  s = cd_draft_get_state (self->draft);
  id = cd_draft_get_id (self->draft);
  if (is_printable (s) && id)
    {
      if (self->slot.rendered_id != id || self->rendered_mode != chosen_mode (self))
        render (self);
    }
  else
    {
      cd_print_slot_clear (&self->slot, _("The documents are prepared once the fee is paid."));
      cd_gui_label_set_text (self->documents_label, "");
    }
  update_history (self);
  update_widgets (self);
  update_signed (self);
  update_complete (self);
}

static void
do_print (CdPrintPage *self, const char *reason)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  gint64 id = cd_draft_get_id (self->draft);

  if (!cd_print_documents_print (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx, id,
                                 self->slot.document, (const char *const *) self->slot.documents, self->export_filename,
                                 reason, &error))
    {
      gtk_label_set_text (self->status_label, error ? cd_gui_error_text (error) : _("Printing was cancelled"));
      return;
    }
  gtk_label_set_text (self->status_label, reason ? _("Reprinted; the reason is recorded") : _("Printed"));
  if (!cd_draft_reload (self->draft, &error))
    gtk_label_set_text (self->status_label, cd_gui_error_text (error));
  /* Whatever is printed next is a reprint: rendered again, its receipt is marked 补打. */
  self->slot.rendered_id = 0;
  refresh (self);
}

/* callbacks */

static void
on_reason_response_cb (CdPrintReasonDialog *dialog, int response, CdPrintPage *self)
{
  g_autofree char *reason = g_strdup (cd_print_reason_dialog_get_reason (dialog));

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_OK)
    do_print (self, reason);
  else
    gtk_label_set_text (self->status_label, _("Reprint cancelled"));
}

static void
on_print_clicked_cb (CdPrintPage *self)
{
  g_autoptr(GError) error = NULL;
  gint64 id = cd_draft_get_id (self->draft);
  gboolean reprint = FALSE;
  GtkWidget *toplevel;
  CdPrintReasonDialog *dialog;

  if (!self->slot.document || !id)
    return;
  if (!cd_print_store_is_reprint (self->ctx, id, (const char *const *) self->slot.documents, &reprint, &error))
    {
      gtk_label_set_text (self->status_label, cd_gui_error_text (error));
      return;
    }
  if (!reprint)
    return do_print (self, NULL);
  toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  dialog = cd_print_reason_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL,
                                       cd_draft_get_number (self->draft));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reason_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_mode_changed_cb (CdPrintPage *self)
{
  if (self->loading)
    return;
  cd_print_setup_save_mode (chosen_mode (self));
  refresh (self);
}

/* vfuncs */

static void
on_draft_loaded_cb (CdPrintPage *self)
{
  refresh (self);
}

static void
cd_print_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdPrintPage *self = CD_PRINT_PAGE (page);

  cd_page_take_draft_when_shown (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "notify::state", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  /* a scan attached or removed on a signed-document row changes the draft */
  g_signal_connect_object (draft, "changed", G_CALLBACK (update_complete), self, G_CONNECT_SWAPPED);
  self->signed_for_id = 0;
  gtk_label_set_text (self->status_label, "");
  /* Another application: whatever was rendered or is being rendered belongs to the previous one. */
  cd_print_slot_clear (&self->slot, NULL);
  update_history (self);
  update_widgets (self);
  update_signed (self);
  update_complete (self);
}

static void
cd_print_page_enter (CdWizardPage *page)
{
  refresh (CD_PRINT_PAGE (page));
}

static void
cd_print_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_print_page_set_draft;
  iface->enter = cd_print_page_enter;
}

static void
cd_print_page_dispose (GObject *object)
{
  CdPrintPage *self = CD_PRINT_PAGE (object);

  self->slot.preview = NULL;   /* the template's widgets go their own way */
  self->slot.spinner = NULL;
  cd_print_slot_clear (&self->slot, NULL);
  g_clear_pointer (&self->export_filename, g_free);
  cd_print_page_release (self);
  G_OBJECT_CLASS (cd_print_page_parent_class)->dispose (object);
}

static void
cd_print_page_class_init (CdPrintPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_print_page_get_property;
  object_class->set_property = cd_print_page_set_property;
  object_class->dispose = cd_print_page_dispose;
  cd_page_class_install (object_class);

  g_type_ensure (CD_TYPE_PRINT_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-print-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdPrintPage, name)
  BIND (documents_label); BIND (mode_combo); BIND (offset_label); BIND (print_button); BIND (spinner);
  BIND (status_label); BIND (history_label); BIND (signed_box); BIND (signed_rows); BIND (preview);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_changed_cb);
}

static void
cd_print_page_init (CdPrintPage *self)
{
  CdPrintSetup setup;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->slot.preview = self->preview;
  self->slot.spinner = self->spinner;
  cd_print_setup_load (&setup);
  self->loading = TRUE;
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->mode_combo),
                               setup.mode == CD_FORMS_COPY_CARBONLESS ? "carbonless" : "plain");
  self->loading = FALSE;
  cd_print_preview_set_message (self->preview, _("The documents are prepared once the fee is paid."));
  update_widgets (self);
}

void
cd_print_page_set_export_filename (CdPrintPage *self, const char *path)
{
  g_return_if_fail (CD_IS_PRINT_PAGE (self));
  g_free (self->export_filename);
  self->export_filename = g_strdup (path);
}

gboolean
cd_print_page_is_ready (CdPrintPage *self)
{
  g_return_val_if_fail (CD_IS_PRINT_PAGE (self), FALSE);
  /* the documents are made and the preview shows them (it renders in a worker thread) */
  return cd_print_slot_is_ready (&self->slot);
}
