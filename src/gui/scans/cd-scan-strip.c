/* cd-scan-strip.c: the scans of one material on the materials page. Files are checked and decoded by the
 * importer in a worker (cd_import_file_async), stored on the main thread (SQLite), thumbnails are decoded
 * and scaled in workers; a scanner page is fitted to the profile's rules in a worker before it is stored.
 * Adding files is in cd-scan-strip-files.c, scanning in cd-scan-strip-scanner.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-scan-store.h"
#include "cd-scan-strip-private.h"
#include "cd-scan-viewer.h"
#include "cd-worker.h"

#define THUMB_HEIGHT 96
#define UNDO_SECONDS 20

G_DEFINE_FINAL_TYPE (CdScanStrip, cd_scan_strip, GTK_TYPE_BOX)

typedef struct {
  char      *object_path;
  CdKeys    *keys;        /* the objects are sealed at rest */
  CdScanInfo info;
} ThumbJob;

static void refresh (CdScanStrip *self);

static void
thumb_job_free (gpointer data)
{
  ThumbJob *job = data;

  g_free (job->object_path);
  g_clear_pointer (&job->keys, cd_keys_unref);
  g_free (job->info.sha256);
  g_free (job->info.mime);
  g_free (job);
}

CdContext *
cd_scan_strip_get_ctx (CdScanStrip *self)
{
  return cd_draft_get_context (self->draft);
}

void
cd_scan_strip_set_busy (CdScanStrip *self, gboolean busy)
{
  g_assert (busy || self->busy > 0);
  self->busy += busy ? 1 : -1;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy > 0);
  if (self->busy > 0)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
}

void
cd_scan_strip_show_status (CdScanStrip *self, gboolean is_error, const char *message)
{
  GtkStyleContext *sc = gtk_widget_get_style_context (GTK_WIDGET (self->status_label));

  g_free (self->status);
  self->status = g_strdup (message ? message : "");
  gtk_label_set_text (self->status_label, self->status);
  if (is_error)
    {
      gtk_style_context_remove_class (sc, "dim-label");
      gtk_style_context_add_class (sc, "error");
    }
  else
    {
      gtk_style_context_remove_class (sc, "error");
      gtk_style_context_add_class (sc, "dim-label");
    }
}

GtkWindow *
cd_scan_strip_get_window (CdScanStrip *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

  return GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL;
}

/* Scans are stored against the saved application: save the draft first. */
gint64
cd_scan_strip_ensure_application_id (CdScanStrip *self)
{
  g_autoptr(GError) error = NULL;

  if (!cd_draft_flush (self->draft, &error) || cd_draft_get_id (self->draft) == 0)
    {
      cd_scan_strip_show_status (self, TRUE, error ? error->message
                                                   : _("Fill in the applicant first: the application is not saved yet."));
      return 0;
    }
  return cd_draft_get_id (self->draft);
}

void
cd_scan_strip_after_store_change (CdScanStrip *self)
{
  g_autoptr(GError) error = NULL;

  if (cd_scan_strip_sync_mark (cd_scan_strip_get_ctx (self), cd_draft_get_app (self->draft),
                               cd_draft_get_id (self->draft), self->code, &error))
    cd_draft_changed (self->draft);
  else if (error)
    cd_scan_strip_show_status (self, TRUE, error->message);
  refresh (self);
}

/* ---- thumbnails ---- */

static void
thumb_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  ThumbJob *job = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CdImportFile) file = NULL;
  GError *error = NULL;
  CdImportLimits limits;
  GdkPixbuf *page;
  int w, h;

  /* decrypted and decoded in memory: a thumbnail is never written to disk */
  if (!(bytes = cd_scan_store_read_object (job->keys, job->object_path, job->info.sha256, &error)))
    return g_task_return_error (task, error);
  cd_import_limits_init (&limits);
  limits.only_page = job->info.page;
  limits.pdf_dpi = CD_IMPORT_MIN_DPI;   /* a thumbnail needs no more */
  if (!(file = cd_import_load_bytes (job->info.sha256, bytes, &limits, cancellable, &error)))
    return g_task_return_error (task, error);
  if (file->pages->len == 0)
    return g_task_return_new_error (task, CD_SCAN_STORE_ERROR, CD_SCAN_STORE_ERROR_NOT_FOUND,
                                    _("The scan has no page %u."), job->info.page);
  page = ((CdImportPage *) file->pages->pdata[0])->pixbuf;
  h = THUMB_HEIGHT;
  w = MAX (1, gdk_pixbuf_get_width (page) * h / MAX (1, gdk_pixbuf_get_height (page)));
  if (w > 2 * THUMB_HEIGHT)
    {
      w = 2 * THUMB_HEIGHT;
      h = MAX (1, gdk_pixbuf_get_height (page) * w / MAX (1, gdk_pixbuf_get_width (page)));
    }
  g_task_return_pointer (task, gdk_pixbuf_scale_simple (page, w, h, GDK_INTERP_BILINEAR), g_object_unref);
}

static void
on_thumb_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GtkImage) image = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  CdScanStrip *self;

  pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_object_get_data (G_OBJECT (result), "strip");
  if (self)
    cd_scan_strip_set_busy (self, FALSE);
  if (!pixbuf)
    {
      gtk_image_set_from_icon_name (image, "image-missing", GTK_ICON_SIZE_DIALOG);
      gtk_widget_set_tooltip_text (GTK_WIDGET (image), error->message);
      return;
    }
  if (self)
    g_hash_table_insert (self->thumbs_cache, g_strdup (g_object_get_data (G_OBJECT (result), "key")),
                         g_object_ref (pixbuf));
  gtk_image_set_from_pixbuf (image, pixbuf);
}

static void
load_thumb (CdScanStrip *self, const CdScanInfo *info, GtkImage *image)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", info->sha256, info->page);
  GdkPixbuf *cached = g_hash_table_lookup (self->thumbs_cache, key);
  g_autoptr(GTask) task = NULL;
  ThumbJob *job;

  if (cached)
    {
      gtk_image_set_from_pixbuf (image, cached);
      return;
    }
  gtk_image_set_from_icon_name (image, "image-loading", GTK_ICON_SIZE_DIALOG);
  job = g_new0 (ThumbJob, 1);
  job->object_path = cd_scan_store_object_path (cd_scan_strip_get_ctx (self), info->sha256);
  job->keys = cd_store_get_keys (cd_context_get_store (cd_scan_strip_get_ctx (self)));
  if (job->keys)
    cd_keys_ref (job->keys);
  job->info.sha256 = g_strdup (info->sha256);
  job->info.mime = g_strdup (info->mime);
  job->info.page = info->page;
  task = g_task_new (NULL, self->cancellable, on_thumb_loaded_cb, g_object_ref (image));
  g_task_set_source_tag (task, load_thumb);
  g_task_set_task_data (task, job, thumb_job_free);
  /* The strip outlives its pending thumbnails only through the cancellable: a weak pointer guards it. */
  g_object_set_data_full (G_OBJECT (task), "key", g_steal_pointer (&key), g_free);
  g_object_set_data (G_OBJECT (task), "strip", self);
  cd_scan_strip_set_busy (self, TRUE);
  g_task_run_in_thread (task, thumb_thread);
}

/* ---- delete, undo, viewer ---- */

static gboolean
on_undo_timeout_cb (gpointer data)
{
  CdScanStrip *self = data;

  self->undo_timeout = 0;
  self->undo_id = 0;
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_delete_clicked_cb (GtkButton *button, CdScanStrip *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scan-id"));
  const char *name = g_object_get_data (G_OBJECT (button), "scan-name");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!cd_scan_store_delete (cd_scan_strip_get_ctx (self), id, &error))
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  self->undo_id = id;
  text = g_strdup_printf (_("“%s” deleted."), name ? name : "");
  gtk_label_set_text (self->undo_label, text);
  gtk_revealer_set_reveal_child (self->undo_revealer, TRUE);
  g_clear_handle_id (&self->undo_timeout, g_source_remove);
  self->undo_timeout = g_timeout_add_seconds (UNDO_SECONDS, on_undo_timeout_cb, self);
  cd_scan_strip_show_status (self, FALSE, "");
  cd_scan_strip_after_store_change (self);
}

static void
on_undo_clicked_cb (CdScanStrip *self)
{
  g_autoptr(GError) error = NULL;

  if (self->undo_id == 0)
    return;
  if (!cd_scan_store_undelete (cd_scan_strip_get_ctx (self), self->undo_id, &error))
    cd_scan_strip_show_status (self, TRUE, error->message);
  self->undo_id = 0;
  g_clear_handle_id (&self->undo_timeout, g_source_remove);
  gtk_revealer_set_reveal_child (self->undo_revealer, FALSE);
  cd_scan_strip_after_store_change (self);
}

static void
on_thumb_clicked_cb (GtkButton *button, CdScanStrip *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "scan-id"));
  g_autoptr(CdScanInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *viewer;

  if (!cd_scan_store_get (cd_scan_strip_get_ctx (self), id, &info, &error))
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  viewer = cd_scan_viewer_new (cd_scan_strip_get_window (self), cd_scan_strip_get_ctx (self), info);
  gtk_widget_show (viewer);
}

static void
add_thumb (CdScanStrip *self, const CdScanInfo *info)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *image = gtk_image_new ();
  GtkWidget *del = gtk_button_new_from_icon_name ("user-trash-symbolic", GTK_ICON_SIZE_BUTTON);
  g_autofree char *name = g_strdup_printf ("scan_thumb_%" G_GINT64_FORMAT, info->id);
  g_autofree char *dname = g_strdup_printf ("scan_delete_%" G_GINT64_FORMAT, info->id);
  g_autofree char *label = info->page ? g_strdup_printf (_("%s, page %u"), info->original_name ? info->original_name : "",
                                                         info->page)
                                      : g_strdup (info->original_name ? info->original_name : "");
  g_autofree char *tip = g_strdup_printf (_("%s — click to view"), label);
  g_autofree char *dtip = g_strdup_printf (_("Delete “%s”"), label);

  gtk_widget_set_name (button, name);
  gtk_widget_set_name (image, name);   /* the test finds the picture by the same name under the button */
  gtk_widget_set_name (del, dname);
  gtk_widget_set_size_request (image, THUMB_HEIGHT * 3 / 4, THUMB_HEIGHT);
  gtk_container_add (GTK_CONTAINER (button), image);
  gtk_widget_set_tooltip_text (button, tip);
  gtk_widget_set_tooltip_text (del, dtip);
  gtk_widget_set_halign (del, GTK_ALIGN_CENTER);
  gtk_button_set_relief (GTK_BUTTON (del), GTK_RELIEF_NONE);
  gtk_widget_set_sensitive (del, self->editable);
  g_object_set_data (G_OBJECT (button), "scan-id", GSIZE_TO_POINTER (info->id));
  g_object_set_data (G_OBJECT (del), "scan-id", GSIZE_TO_POINTER (info->id));
  g_object_set_data_full (G_OBJECT (del), "scan-name", g_strdup (label), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_thumb_clicked_cb), self);
  g_signal_connect (del, "clicked", G_CALLBACK (on_delete_clicked_cb), self);
  gtk_box_pack_start (GTK_BOX (box), button, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), del, FALSE, FALSE, 0);
  gtk_widget_show_all (box);
  gtk_container_add (GTK_CONTAINER (self->thumbs), box);
  load_thumb (self, info, GTK_IMAGE (image));
}

static void
refresh (CdScanStrip *self)
{
  gint64 app_id = cd_draft_get_id (self->draft);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->thumbs));

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  self->n_scans = 0;
  if (app_id == 0)
    return;
  if (!(list = cd_scan_store_list (cd_scan_strip_get_ctx (self), app_id, self->code, FALSE, &error)))
    {
      cd_scan_strip_show_status (self, TRUE, error->message);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    add_thumb (self, list->pdata[i]);
  self->n_scans = list->len;
  gtk_widget_set_visible (GTK_WIDGET (self->thumbs), list->len > 0);
}

/* ---- class ---- */

static void
cd_scan_strip_dispose (GObject *object)
{
  CdScanStrip *self = CD_SCAN_STRIP (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->undo_timeout, g_source_remove);
  g_clear_object (&self->draft);
  g_clear_pointer (&self->thumbs_cache, g_hash_table_unref);
  G_OBJECT_CLASS (cd_scan_strip_parent_class)->dispose (object);
}

static void
cd_scan_strip_finalize (GObject *object)
{
  CdScanStrip *self = CD_SCAN_STRIP (object);

  g_free (self->code);
  g_free (self->status);
  G_OBJECT_CLASS (cd_scan_strip_parent_class)->finalize (object);
}

static void
cd_scan_strip_class_init (CdScanStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cd_scan_strip_dispose;
  object_class->finalize = cd_scan_strip_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-scan-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, thumbs);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, add_button);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, scan_button);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, spinner);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, status_label);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, undo_revealer);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, undo_label);
  gtk_widget_class_bind_template_child (widget_class, CdScanStrip, undo_button);
  gtk_widget_class_bind_template_callback (widget_class, on_undo_clicked_cb);
  cd_scan_strip_files_class_init (widget_class);
  cd_scan_strip_scanner_class_init (widget_class);
}

static void
cd_scan_strip_init (CdScanStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->thumbs_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->status = g_strdup ("");
  gtk_drag_dest_set (GTK_WIDGET (self), GTK_DEST_DEFAULT_ALL, NULL, 0, GDK_ACTION_COPY);
  gtk_drag_dest_add_uri_targets (GTK_WIDGET (self));
  g_signal_connect (self, "drag-data-received", G_CALLBACK (cd_scan_strip_on_drag_data_received_cb), self);
}

/* The buttons that change the scans follow self->editable (the thumbnails' delete buttons too). */
static void
apply_editable (CdScanStrip *self)
{
  gboolean editable = self->editable;
  g_autoptr(GList) thumbs = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scan_button), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->undo_button), editable);
  /* each thumbnail: a flow box child holding the picture button and its delete button (add_thumb) */
  thumbs = gtk_container_get_children (GTK_CONTAINER (self->thumbs));
  for (GList *l = thumbs; l; l = l->next)
    {
      GtkWidget *box = gtk_bin_get_child (GTK_BIN (l->data));
      g_autoptr(GList) parts = box ? gtk_container_get_children (GTK_CONTAINER (box)) : NULL;

      for (GList *p = parts; p; p = p->next)
        if (g_object_get_data (p->data, "scan-name"))
          gtk_widget_set_sensitive (p->data, editable);
    }
}

/* ---- public ---- */

GtkWidget *
cd_scan_strip_new (CdDraft *draft, const char *material_code, gboolean editable)
{
  CdScanStrip *self;
  g_autofree char *add = g_strdup_printf ("scan_add_%s", material_code);
  g_autofree char *scan = g_strdup_printf ("scan_scan_%s", material_code);
  g_autofree char *undo = g_strdup_printf ("scan_undo_%s", material_code);
  g_autofree char *name = g_strdup_printf ("scans_%s", material_code);

  g_return_val_if_fail (CD_IS_DRAFT (draft), NULL);
  g_return_val_if_fail (material_code != NULL, NULL);

  self = g_object_new (CD_TYPE_SCAN_STRIP, NULL);
  self->draft = g_object_ref (draft);
  self->code = g_strdup (material_code);
  gtk_widget_set_name (GTK_WIDGET (self), name);
  gtk_widget_set_name (GTK_WIDGET (self->add_button), add);
  gtk_widget_set_name (GTK_WIDGET (self->scan_button), scan);
  gtk_widget_set_name (GTK_WIDGET (self->undo_button), undo);
  self->editable = editable;
  apply_editable (self);
  refresh (self);
  return GTK_WIDGET (self);
}

void
cd_scan_strip_set_editable (CdScanStrip *self, gboolean editable)
{
  g_return_if_fail (CD_IS_SCAN_STRIP (self));
  if (!self->editable == !editable)
    return;
  self->editable = editable;
  apply_editable (self);
}

void
cd_scan_strip_add_uris (CdScanStrip *self, const char *const *uris)
{
  g_return_if_fail (CD_IS_SCAN_STRIP (self));

  for (guint i = 0; uris && uris[i]; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (uris[i]);
      cd_scan_strip_import_file (self, file);
    }
}

guint
cd_scan_strip_get_n_scans (CdScanStrip *self)
{
  g_return_val_if_fail (CD_IS_SCAN_STRIP (self), 0);
  return self->n_scans;
}

gboolean
cd_scan_strip_is_busy (CdScanStrip *self)
{
  g_return_val_if_fail (CD_IS_SCAN_STRIP (self), FALSE);
  return self->busy > 0;
}

const char *
cd_scan_strip_get_status (CdScanStrip *self)
{
  g_return_val_if_fail (CD_IS_SCAN_STRIP (self), "");
  return self->status;
}

gboolean
cd_scan_strip_sync_mark (CdContext *ctx, CdApplication *app, gint64 application_id, const char *code,
                         GError **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);
  CdMaterialMark *mark;
  gboolean changed = FALSE;
  guint k = 0;

  if (application_id == 0)
    return FALSE;
  if (!(list = cd_scan_store_list (ctx, application_id, code, FALSE, error)))
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (wanted, g_strdup_printf ("scan:%" G_GINT64_FORMAT, ((CdScanInfo *) list->pdata[i])->id));
  mark = cd_application_get_material (app, code, wanted->len > 0);
  if (!mark)
    return FALSE;
  /* Compare the "scan:" entries in order; rewrite them only when they differ. */
  for (guint i = 0; i < mark->scans->len; i++)
    if (g_str_has_prefix (mark->scans->pdata[i], "scan:"))
      {
        if (k >= wanted->len || !g_str_equal (mark->scans->pdata[i], wanted->pdata[k]))
          changed = TRUE;
        k++;
      }
  changed |= k != wanted->len;
  if (!changed)
    return FALSE;
  for (guint i = mark->scans->len; i-- > 0;)
    if (g_str_has_prefix (mark->scans->pdata[i], "scan:"))
      g_ptr_array_remove_index (mark->scans, i);
  for (guint i = 0; i < wanted->len; i++)
    g_ptr_array_add (mark->scans, g_strdup (wanted->pdata[i]));
  return TRUE;
}
