/* cd-print-operation.c: GtkPrintOperation subclass drawing poppler pages onto the print context, as
 * gnome-text-editor's editor-print-operation.c and evince's ev-print-operation.c do. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-print-operation.h"

struct _CdPrintOperation {
  GtkPrintOperation  parent_instance;

  PopplerDocument   *document;
  char              *printer;
  guint              copies;
  gboolean           was_preview;
};

G_DEFINE_FINAL_TYPE (CdPrintOperation, cd_print_operation, GTK_TYPE_PRINT_OPERATION)

static void
cd_print_operation_begin_print (GtkPrintOperation *operation, GtkPrintContext *context)
{
  CdPrintOperation *self = CD_PRINT_OPERATION (operation);

  gtk_print_operation_set_n_pages (operation, poppler_document_get_n_pages (self->document));
}

/* Each PDF page on its own sheet: A4 forms on A4 paper come out at 100 %; a page larger than the sheet
 * (or its printable area) is scaled down and centred, never cut. */
static void
cd_print_operation_draw_page (GtkPrintOperation *operation, GtkPrintContext *context, int page_nr)
{
  CdPrintOperation *self = CD_PRINT_OPERATION (operation);
  g_autoptr(CdPopplerPage) page = poppler_document_get_page (self->document, page_nr);
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double cw = gtk_print_context_get_width (context);
  double ch = gtk_print_context_get_height (context);
  double pw, ph, scale;

  if (!page)
    return;
  poppler_page_get_size (page, &pw, &ph);
  if (pw <= 0 || ph <= 0)
    return;
  scale = MIN (1.0, MIN (cw / pw, ch / ph));
  /* Slightly smaller paper (Letter) or rounding: do not shrink a form by less than half a percent. */
  if (scale > 0.995)
    scale = 1.0;
  cairo_save (cr);
  cairo_translate (cr, MAX (0, (cw - pw * scale) / 2), MAX (0, (ch - ph * scale) / 2));
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_restore (cr);
}

static void
cd_print_operation_request_page_setup (GtkPrintOperation *operation, GtkPrintContext *context, int page_nr,
                                       GtkPageSetup *setup)
{
  CdPrintOperation *self = CD_PRINT_OPERATION (operation);
  g_autoptr(CdPopplerPage) page = poppler_document_get_page (self->document, page_nr);
  double pw, ph;

  if (!page)
    return;
  poppler_page_get_size (page, &pw, &ph);
  gtk_page_setup_set_orientation (setup, pw > ph ? GTK_PAGE_ORIENTATION_LANDSCAPE : GTK_PAGE_ORIENTATION_PORTRAIT);
}

static gboolean
end_preview_cb (gpointer data)
{
  gtk_print_operation_preview_end_preview (GTK_PRINT_OPERATION_PREVIEW (data));
  return G_SOURCE_REMOVE;
}

/* GTK 3's default previewer launches evince, which a Flatpak lacks: the page already shows the app's own
 * preview, so the dialog's preview button just closes the dialog (nothing is printed or recorded). The
 * preview must be ended to finish the operation; not from inside its own signal emission. */
static gboolean
cd_print_operation_preview (GtkPrintOperation *operation, GtkPrintOperationPreview *preview,
                            GtkPrintContext *context, GtkWindow *parent)
{
  CD_PRINT_OPERATION (operation)->was_preview = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, end_preview_cb, g_object_ref (preview), g_object_unref);
  return TRUE;
}

static void
cd_print_operation_done (GtkPrintOperation *operation, GtkPrintOperationResult result)
{
  CdPrintOperation *self = CD_PRINT_OPERATION (operation);
  GtkPrintSettings *settings = gtk_print_operation_get_print_settings (operation);

  if (result == GTK_PRINT_OPERATION_RESULT_APPLY && settings && !self->was_preview)
    {
      const char *uri = gtk_print_settings_get (settings, GTK_PRINT_SETTINGS_OUTPUT_URI);
      const char *printer = gtk_print_settings_get_printer (settings);

      g_free (self->printer);
      self->printer = g_strdup (printer && *printer ? printer : uri && *uri ? _("Print to File") : NULL);
      self->copies = MAX (1, gtk_print_settings_get_n_copies (settings));
    }
  if (GTK_PRINT_OPERATION_CLASS (cd_print_operation_parent_class)->done)
    GTK_PRINT_OPERATION_CLASS (cd_print_operation_parent_class)->done (operation, result);
}

static void
cd_print_operation_finalize (GObject *object)
{
  CdPrintOperation *self = CD_PRINT_OPERATION (object);

  g_clear_object (&self->document);
  g_free (self->printer);
  G_OBJECT_CLASS (cd_print_operation_parent_class)->finalize (object);
}

static void
cd_print_operation_class_init (CdPrintOperationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkPrintOperationClass *op_class = GTK_PRINT_OPERATION_CLASS (klass);

  object_class->finalize = cd_print_operation_finalize;
  op_class->begin_print = cd_print_operation_begin_print;
  op_class->draw_page = cd_print_operation_draw_page;
  op_class->request_page_setup = cd_print_operation_request_page_setup;
  op_class->preview = cd_print_operation_preview;
  op_class->done = cd_print_operation_done;
}

static void
cd_print_operation_init (CdPrintOperation *self)
{
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (GTK_PRINT_OPERATION (self), setup);
  /* The forms carry their own margins: draw from the sheet's corner. */
  gtk_print_operation_set_use_full_page (GTK_PRINT_OPERATION (self), TRUE);
  gtk_print_operation_set_unit (GTK_PRINT_OPERATION (self), GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (GTK_PRINT_OPERATION (self), TRUE);
  self->copies = 1;
}

CdPrintOperation *
cd_print_operation_new (PopplerDocument *document, const char *job_name)
{
  CdPrintOperation *self;

  g_return_val_if_fail (POPPLER_IS_DOCUMENT (document), NULL);
  self = g_object_new (CD_TYPE_PRINT_OPERATION, "job-name", job_name ? job_name : _("CertDesk documents"), NULL);
  self->document = g_object_ref (document);
  return self;
}

const char *
cd_print_operation_get_printer (CdPrintOperation *self)
{
  g_return_val_if_fail (CD_IS_PRINT_OPERATION (self), NULL);
  return self->printer;
}

guint
cd_print_operation_get_copies (CdPrintOperation *self)
{
  g_return_val_if_fail (CD_IS_PRINT_OPERATION (self), 1);
  return self->copies;
}

gboolean
cd_print_operation_was_preview (CdPrintOperation *self)
{
  g_return_val_if_fail (CD_IS_PRINT_OPERATION (self), FALSE);
  return self->was_preview;
}
