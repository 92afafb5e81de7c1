/* cd-print-queue-page.c: the print queue. The list comes from cd_print_store_queue(); selecting a row
 * renders that application's documents (libcd-forms worker) into the preview; Print and Reprint go through
 * cd_print_documents_print(), a reprint after the reason dialog. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-print-documents.h"
#include "cd-print-operation.h"
#include "cd-print-preview.h"
#include "cd-print-queue-page.h"
#include "cd-print-reason-dialog.h"
#include "cd-print-slot.h"
#include "cd-print-store.h"

#define REPRINT_DAYS 30

enum {
  COL_ID,
  COL_NUMBER,
  COL_NAME,
  COL_PROFILE,
  COL_BUSINESS,
  COL_STATUS,
  COL_PRINTED_AT,
  COL_WAITING,
  N_COLS
};

struct _CdPrintQueuePage {
  GtkBox            parent_instance;

  GtkTreeView      *queue_view;
  GtkListStore     *queue_store;
  GtkLabel         *count_label;
  GtkLabel         *status_label;
  GtkButton        *print_button;
  GtkButton        *reprint_button;
  GtkSpinner       *spinner;
  CdPrintPreview   *preview;

  CdContext        *ctx;
  CdPrintSlot       slot;
  gint64            selected_id;
  char             *export_filename;
};

G_DEFINE_FINAL_TYPE (CdPrintQueuePage, cd_print_queue_page, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
selected (CdPrintQueuePage *self, gint64 *out_id, gboolean *out_waiting)
{
  GtkTreeSelection *sel = gtk_tree_view_get_selection (self->queue_view);
  GtkTreeModel *model;
  GtkTreeIter iter;
  gint64 id;
  gboolean waiting;

  if (!gtk_tree_selection_get_selected (sel, &model, &iter))
    return FALSE;
  gtk_tree_model_get (model, &iter, COL_ID, &id, COL_WAITING, &waiting, -1);
  if (out_id)
    *out_id = id;
  if (out_waiting)
    *out_waiting = waiting;
  return TRUE;
}

static void
update_buttons (CdPrintQueuePage *self)
{
  gboolean waiting = FALSE;
  gboolean any = selected (self, NULL, &waiting);
  gboolean ready = self->slot.document && !self->slot.cancellable;

  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), any && waiting && ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reprint_button), any && !waiting && ready);
}

static void
on_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdPrintQueuePage) self = user_data;

  if (cd_print_slot_finish (&self->slot, result, NULL))
    update_buttons (self);
}

static void
open_preview (CdPrintQueuePage *self, gint64 id)
{
  CdPrintSetup setup;

  if (id == self->slot.rendered_id && (self->slot.document || self->slot.cancellable))
    return;
  cd_print_setup_load (&setup);
  cd_print_slot_render (&self->slot, self->ctx, id, &setup, on_rendered_cb, self);
  update_buttons (self);
}

static void
do_print (CdPrintQueuePage *self, gint64 id, const char *reason)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (!self->slot.document || id != self->slot.rendered_id)
    return;
  if (!cd_print_documents_print (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx, id,
                                 self->slot.document, (const char *const *) self->slot.documents, self->export_filename,
                                 reason, &error))
    {
      gtk_label_set_text (self->status_label, error ? cd_gui_error_text (error) : _("Printing was cancelled"));
      return;
    }
  gtk_label_set_text (self->status_label, reason ? _("Reprinted; the reason is recorded") : _("Printed"));
  cd_print_queue_page_refresh (self);
  /* Whatever is printed next is a reprint: rendered again, its receipt is marked 补打. */
  if (self->selected_id == id)
    {
      self->slot.rendered_id = 0;
      open_preview (self, id);
    }
}

/* callbacks */

static void
on_selection_changed_cb (CdPrintQueuePage *self)
{
  gint64 id;

  if (selected (self, &id, NULL))
    {
      self->selected_id = id;
      open_preview (self, id);
    }
  else
    {
      self->selected_id = 0;
      cd_print_slot_clear (&self->slot, _("Choose an application to see its documents."));
    }
  update_buttons (self);
}

static void
on_reason_response_cb (CdPrintReasonDialog *dialog, int response, CdPrintQueuePage *self)
{
  g_autofree char *reason = g_strdup (cd_print_reason_dialog_get_reason (dialog));
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "application-id"));

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_OK)
    do_print (self, id, reason);
  else
    gtk_label_set_text (self->status_label, _("Reprint cancelled"));
}

static void
on_print_clicked_cb (CdPrintQueuePage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  gboolean reprint = FALSE;
  GtkWidget *toplevel;
  CdPrintReasonDialog *dialog;
  gint64 id;

  if (!selected (self, &id, NULL) || !self->slot.document)
    return;
  if (!cd_print_store_is_reprint (self->ctx, id, (const char *const *) self->slot.documents, &reprint, &error)
      || (reprint && !cd_application_store_load (self->ctx, id, NULL, &info, &error)))
    {
      gtk_label_set_text (self->status_label, cd_gui_error_text (error));
      return;
    }
  if (!reprint)
    return do_print (self, id, NULL);
  toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  dialog = cd_print_reason_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, info->number);
  g_object_set_data (G_OBJECT (dialog), "application-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reason_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_refresh_clicked_cb (CdPrintQueuePage *self)
{
  cd_print_queue_page_refresh (self);
}

/* vfuncs */

static void
cd_print_queue_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CdPrintQueuePage *self = CD_PRINT_QUEUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->ctx);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_print_queue_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CdPrintQueuePage *self = CD_PRINT_QUEUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->ctx = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_print_queue_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (cd_print_queue_page_parent_class)->constructed (object);
  cd_print_queue_page_refresh (CD_PRINT_QUEUE_PAGE (object));
}

static void
cd_print_queue_page_dispose (GObject *object)
{
  CdPrintQueuePage *self = CD_PRINT_QUEUE_PAGE (object);

  self->slot.preview = NULL;   /* the template's widgets go their own way */
  self->slot.spinner = NULL;
  cd_print_slot_clear (&self->slot, NULL);
  g_clear_pointer (&self->export_filename, g_free);
  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_print_queue_page_parent_class)->dispose (object);
}

static void
cd_print_queue_page_class_init (CdPrintQueuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_print_queue_page_get_property;
  object_class->set_property = cd_print_queue_page_set_property;
  object_class->constructed = cd_print_queue_page_constructed;
  object_class->dispose = cd_print_queue_page_dispose;

  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, CD_TYPE_CONTEXT,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CD_TYPE_PRINT_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-print-queue-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdPrintQueuePage, name)
  BIND (queue_view); BIND (queue_store); BIND (count_label); BIND (status_label); BIND (print_button);
  BIND (reprint_button); BIND (spinner); BIND (preview);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked_cb);
}

static void
cd_print_queue_page_init (CdPrintQueuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->slot.preview = self->preview;
  self->slot.spinner = self->spinner;
  cd_print_preview_set_message (self->preview, _("Choose an application to see its documents."));
  update_buttons (self);
}

/* public API */

CdPrintQueuePage *
cd_print_queue_page_new (CdContext *ctx)
{
  return g_object_new (CD_TYPE_PRINT_QUEUE_PAGE, "context", ctx, NULL);
}

void
cd_print_queue_page_refresh (CdPrintQueuePage *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gint64 keep = self->selected_id;
  guint waiting = 0;
  gboolean reselected = FALSE;

  g_return_if_fail (CD_IS_PRINT_QUEUE_PAGE (self));
  if (!self->ctx)
    return;
  if (!(items = cd_print_store_queue (self->ctx, REPRINT_DAYS, &error)))
    {
      gtk_label_set_text (self->status_label, cd_gui_error_text (error));
      return;
    }
  /* The rows change under the selection: keep the rendered documents of the application that stays. */
  g_signal_handlers_block_by_func (gtk_tree_view_get_selection (self->queue_view), on_selection_changed_cb, self);
  gtk_list_store_clear (self->queue_store);
  for (guint i = 0; i < items->len; i++)
    {
      const CdPrintQueueItem *item = items->pdata[i];
      CdProfile *profile = cd_context_lookup_profile (self->ctx, item->profile, NULL);
      CdBusiness business;
      gboolean is_waiting = item->state == CD_STATE_PAID;
      g_autofree char *printed = cd_print_format_time (item->last_printed_at);
      GtkTreeIter iter;

      waiting += is_waiting;
      gtk_list_store_insert_with_values (self->queue_store, &iter, -1,
        COL_ID, item->id,
        COL_NUMBER, item->number,
        COL_NAME, item->name,
        COL_PROFILE, profile ? cd_profile_display_name (profile) : item->profile,
        COL_BUSINESS, cd_business_from_code (item->business, &business) ? cd_business_label (business) : item->business,
        COL_STATUS, is_waiting ? _("Waiting") : _("Printed"),
        COL_PRINTED_AT, printed,
        COL_WAITING, is_waiting,
        -1);
      if (item->id == keep)
        {
          gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->queue_view), &iter);
          reselected = TRUE;
        }
    }
  g_signal_handlers_unblock_by_func (gtk_tree_view_get_selection (self->queue_view), on_selection_changed_cb, self);
  {
    g_autofree char *count = g_strdup_printf (ngettext ("%u application waiting", "%u applications waiting", waiting),
                                              waiting);
    gtk_label_set_text (self->count_label, count);
  }
  if (!reselected && keep)
    on_selection_changed_cb (self);
  update_buttons (self);
}

gboolean
cd_print_queue_page_select (CdPrintQueuePage *self, gint64 id)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->queue_store);
  GtkTreeIter iter;

  g_return_val_if_fail (CD_IS_PRINT_QUEUE_PAGE (self), FALSE);
  if (gtk_tree_model_get_iter_first (model, &iter))
    do
      {
        gint64 row_id;

        gtk_tree_model_get (model, &iter, COL_ID, &row_id, -1);
        if (row_id == id)
          {
            g_autoptr(GtkTreePath) path = gtk_tree_model_get_path (model, &iter);
            gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->queue_view), &iter);
            gtk_tree_view_scroll_to_cell (self->queue_view, path, NULL, FALSE, 0, 0);
            return TRUE;
          }
      }
    while (gtk_tree_model_iter_next (model, &iter));
  return FALSE;
}

gboolean
cd_print_queue_page_is_ready (CdPrintQueuePage *self)
{
  g_return_val_if_fail (CD_IS_PRINT_QUEUE_PAGE (self), FALSE);
  return cd_print_slot_is_ready (&self->slot);
}

void
cd_print_queue_page_set_export_filename (CdPrintQueuePage *self, const char *path)
{
  g_return_if_fail (CD_IS_PRINT_QUEUE_PAGE (self));
  g_free (self->export_filename);
  self->export_filename = g_strdup (path);
}
