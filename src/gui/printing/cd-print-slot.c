/* cd-print-slot.c: what the print step and the print queue share about their rendered documents. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-print-operation.h"
#include "cd-print-slot.h"

void
cd_print_slot_clear (CdPrintSlot *slot, const char *message)
{
  if (slot->cancellable)
    g_cancellable_cancel (slot->cancellable);
  g_clear_object (&slot->cancellable);
  g_clear_object (&slot->document);
  g_clear_pointer (&slot->documents, g_strfreev);
  slot->rendered_id = 0;
  if (slot->spinner)
    gtk_spinner_stop (slot->spinner);
  if (slot->preview)
    {
      cd_print_preview_set_document (slot->preview, NULL);
      cd_print_preview_set_message (slot->preview, message);
    }
}

void
cd_print_slot_render (CdPrintSlot *slot, CdContext *ctx, gint64 id, const CdPrintSetup *setup,
                      GAsyncReadyCallback callback, gpointer page)
{
  cd_print_slot_clear (slot, _("Preparing the documents…"));
  slot->rendered_id = id;
  slot->cancellable = g_cancellable_new ();
  gtk_spinner_start (slot->spinner);
  cd_print_documents_render_async (ctx, id, setup, slot->cancellable, callback, g_object_ref (page));
}

gboolean
cd_print_slot_finish (CdPrintSlot *slot, GAsyncResult *result, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) documents = NULL;
  g_autoptr(CdPopplerDocument) doc = cd_print_documents_render_finish (result, NULL, &documents, &local);

  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_clear_object (&slot->cancellable);
  gtk_spinner_stop (slot->spinner);
  g_set_object (&slot->document, doc);
  g_strfreev (slot->documents);
  slot->documents = g_steal_pointer (&documents);
  cd_print_preview_set_document (slot->preview, doc);
  if (!doc)
    {
      slot->rendered_id = 0;
      cd_print_preview_set_message (slot->preview, cd_gui_error_text (local));
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return TRUE;
}

gboolean
cd_print_slot_is_ready (const CdPrintSlot *slot)
{
  return slot->document != NULL && slot->cancellable == NULL && !cd_print_preview_is_rendering (slot->preview);
}
