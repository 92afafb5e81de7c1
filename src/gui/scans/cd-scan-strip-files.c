/* cd-scan-strip-files.c: scans added from files (the file chooser, dragged in): checked and decoded by the
 * importer in a worker, a copy re-encoded under the upload limit stored only once the clerk agrees. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-scan-store.h"
#include "cd-scan-strip-private.h"

static void
store_import (CdScanStrip *self, CdImportFile *file)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;
  gint64 app_id = cd_scan_strip_ensure_application_id (self);

  if (app_id == 0)
    return;
  if (!(ids = cd_scan_store_add_import (cd_scan_strip_get_ctx (self), app_id, self->code, file, &error)))
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  done = g_strdup_printf (g_dngettext (NULL, "“%s” attached (%u page).", "“%s” attached (%u pages).", ids->len),
                          file->name, ids->len);
  cd_scan_strip_show_status (self, FALSE, done);
  cd_scan_strip_after_store_change (self);
}

static void
on_reencode_response_cb (GtkDialog *dialog, int response, CdScanStrip *self)
{
  CdImportFile *file = g_object_get_data (G_OBJECT (dialog), "file");

  if (response == GTK_RESPONSE_ACCEPT)
    store_import (self, file);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” was not attached."), file->name);
      cd_scan_strip_show_status (self, FALSE, msg);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
ask_reencode (CdScanStrip *self, CdImportFile *file)
{
  g_autoptr(GString) notes = g_string_new (NULL);
  GtkWidget *dialog;

  for (guint i = 0; i < file->candidates->len; i++)
    {
      CdImportCandidate *c = file->candidates->pdata[i];
      if (c->reencoded && c->note)
        g_string_append_printf (notes, "%s%s", notes->len ? "\n" : "", c->note);
    }
  dialog = gtk_message_dialog_new (cd_scan_strip_get_window (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("“%s” is over this project's upload limit. Store the re-encoded copy?"),
                                   file->name);
  gtk_widget_set_name (dialog, "scan_reencode_dialog");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s\n%s", notes->str,
                                            _("The original file is kept with the application."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Store Re-encoded"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_object_set_data_full (G_OBJECT (dialog), "file", file, (GDestroyNotify) cd_import_file_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reencode_response_cb), self, 0);
  gtk_widget_show (dialog);
}

static void
on_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdScanStrip) self = user_data;
  g_autoptr(CdImportFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean reencoded = FALSE;

  file = cd_import_file_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  cd_scan_strip_set_busy (self, FALSE);
  if (!file)
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  for (guint i = 0; i < file->candidates->len; i++)
    reencoded |= ((CdImportCandidate *) file->candidates->pdata[i])->reencoded;
  if (reencoded)
    ask_reencode (self, g_steal_pointer (&file));
  else
    store_import (self, file);
}

void
cd_scan_strip_import_file (CdScanStrip *self, GFile *file)
{
  CdProfile *profile = cd_draft_get_profile (self->draft);

  if (!profile)
    return;
  cd_scan_strip_set_busy (self, TRUE);
  cd_scan_strip_show_status (self, FALSE, _("Reading…"));
  cd_import_file_async (file, NULL, (const char *const *) profile->upload_types, profile->upload_max_bytes,
                        self->cancellable, on_imported_cb, g_object_ref (self));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser, int response, CdScanStrip *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GSList) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (GSList *l = files; l; l = l->next)
        cd_scan_strip_import_file (self, l->data);
      g_slist_free_full (g_steal_pointer (&files), g_object_unref);
    }
  g_object_unref (chooser);
}

static void
on_add_clicked_cb (CdScanStrip *self)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Add Scans"), cd_scan_strip_get_window (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Scans (JPEG, PNG, BMP, TIFF, PDF)"));
  for (const char *const *m = (const char *const[]) { "image/jpeg", "image/png", "image/bmp", "image/tiff",
                                                      "application/pdf", NULL }; *m; m++)
    gtk_file_filter_add_mime_type (filter, *m);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
cd_scan_strip_on_drag_data_received_cb (GtkWidget *widget, GdkDragContext *context, int x, int y,
                                        GtkSelectionData *data, guint info, guint time, CdScanStrip *self)
{
  g_auto(GStrv) uris = gtk_selection_data_get_uris (data);

  if (uris && self->editable)
    cd_scan_strip_add_uris (self, (const char *const *) uris);
  gtk_drag_finish (context, uris != NULL && self->editable, FALSE, time);
}

void
cd_scan_strip_files_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
}
