/* cd-seals-page-form.c: one collection form on the seals page. The form is decoded, the samples extracted
 * (cd_seal_extract_file), the picture scaled and every sample encoded as PNG in one worker; the main thread
 * only draws and stores (scan store object + `sample` row + the draft's samples map). The drawing is in
 * cd-seals-page-form-draw.c, the sample chosen earlier is read in cd-seals-page-form-stored.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cd-gui-util.h"
#include "cd-sample-store.h"
#include "cd-scan-dialog.h"
#include "cd-scan-store.h"
#include "cd-seal-extract.h"
#include "cd-seals-page-extract.h"
#include "cd-seals-page-form-private.h"
#include "cd-store.h"
#include "cd-worker.h"

#define THUMB    88

G_DEFINE_FINAL_TYPE (CdSealsPageForm, cd_seals_page_form, GTK_TYPE_BOX)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- helpers ---- */

static void
set_busy (CdSealsPageForm *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->load_button), self->editable && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scan_button), self->editable && !busy);
}

void
cd_seals_page_form_set_message (CdSealsPageForm *self, const char *message)
{
  g_free (self->message);
  self->message = g_strdup (message ? message : "");
  gtk_label_set_text (self->message_label, self->message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), *self->message != '\0');
}

static GtkWindow *
get_window (CdSealsPageForm *self)
{
  GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

  return GTK_IS_WINDOW (top) ? GTK_WINDOW (top) : NULL;
}

static CdSealCell *
get_cell (CdSealsPageForm *self, guint index)
{
  if (!self->result || index == 0 || index > self->result->cells->len)
    return NULL;
  return self->result->cells->pdata[index - 1];
}

gboolean
cd_seals_page_form_cell_ok (const CdSealCell *c)
{
  return c && c->has_ink && c->flags == 0 && c->kind != CD_SEAL_KIND_EMPTY;
}

static JsonNode *
cell_metadata (CdSealsPageForm *self, const CdSealCell *c, const char *form_sha256)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, c->index);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, cd_seal_kind_to_string (c->kind));
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, c->score);
  json_builder_set_member_name (b, "best");
  json_builder_add_boolean_value (b, self->result->best == c->index);
  json_builder_set_member_name (b, "box");
  json_builder_begin_array (b);
  for (guint i = 0; i < 4; i++)
    json_builder_add_double_value (b, c->box[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "ink_bbox");
  json_builder_begin_array (b);
  for (guint i = 0; i < 4; i++)
    json_builder_add_int_value (b, c->ink_bbox[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "form_background");
  json_builder_add_boolean_value (b, self->result->background);
  json_builder_set_member_name (b, "form_sha256");
  json_builder_add_string_value (b, form_sha256);
  json_builder_set_member_name (b, "form_name");
  json_builder_add_string_value (b, self->form_name ? self->form_name : "");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The PNG goes into the scan store (content-addressed), the row into `sample`, the path into the draft. */
static gboolean
store_choice (CdSealsPageForm *self, guint index, GError **error)
{
  CdContext *ctx = cd_draft_get_context (self->draft);
  CdSealCell *c = get_cell (self, index);
  GBytes *png = c ? self->pngs->pdata[index - 1] : NULL;
  g_autofree char *sha = NULL;
  g_autofree char *form_sha = NULL;
  g_autoptr(JsonNode) meta = NULL;
  CdApplication *app = cd_draft_get_app (self->draft);
  gint64 app_id;

  g_return_val_if_fail (png != NULL, FALSE);
  if (!cd_draft_flush (self->draft, error))
    return FALSE;
  if ((app_id = cd_draft_get_id (self->draft)) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                   _("Fill in the applicant first: the application is not saved yet."));
      return FALSE;
    }
  /* The form itself is kept too, so the choice can be checked later against what was scanned. */
  if (!(form_sha = cd_scan_store_put_object (ctx, self->form_bytes, error))
      || !(sha = cd_scan_store_put_object (ctx, png, error)))
    return FALSE;
  meta = cell_metadata (self, c, form_sha);
  if (!cd_sample_store_set (ctx, app_id, self->kind, sha, meta, NULL, error))
    return FALSE;
  g_hash_table_insert (app->samples, g_strdup (self->kind), cd_scan_store_object_path (ctx, sha));
  cd_draft_changed (self->draft);
  return TRUE;
}

void
cd_seals_page_form_show_preview (CdSealsPageForm *self, GdkPixbuf *pixbuf, const char *text)
{
  g_set_object (&self->chosen_pixbuf, pixbuf);
  g_clear_pointer (&self->chosen_surface, cairo_surface_destroy);
  if (pixbuf)
    self->chosen_surface = gdk_cairo_surface_create_from_pixbuf (pixbuf, 1, NULL);
  gtk_label_set_text (self->preview_label, text ? text : "");
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_white));
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_checker));
  gtk_widget_queue_draw (GTK_WIDGET (self->form_area));
}

static void
update_preview (CdSealsPageForm *self)
{
  g_autofree char *text = NULL;

  if (self->chosen == 0)
    {
      cd_seals_page_form_show_preview (self, NULL, _("No sample chosen"));
      return;
    }
  text = g_strdup_printf (_("Sample %u chosen and stored"), self->chosen);
  cd_seals_page_form_show_preview (self, self->cells->pdata[self->chosen - 1], text);
}

/* The loaded form and what was extracted from it. */
static void
drop_form (CdSealsPageForm *self)
{
  g_clear_object (&self->form);
  g_clear_pointer (&self->result, cd_seal_result_free);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->pngs, g_ptr_array_unref);
  g_clear_pointer (&self->form_bytes, g_bytes_unref);
}

/* ---- the samples row ---- */

static void
on_sample_toggled_cb (GtkToggleButton *button, CdSealsPageForm *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (!gtk_toggle_button_get_active (button) || index == self->chosen)
    return;
  cd_seals_page_form_choose (self, index);
}

/* An empty box shown as one: a grey outline, transparent inside, the size of a sample's thumbnail. (The
 * theme's "image-missing" icon it showed before reads as a picture the program failed to load; an opaque
 * white inside turns grey with the stipple GTK draws over an insensitive button's picture.) */
static GdkPixbuf *
empty_box_thumb (void)
{
  const int side = THUMB * 3 / 4;
  GdkPixbuf *box = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, side, side);
  int stride = gdk_pixbuf_get_rowstride (box);
  guchar *pixels = gdk_pixbuf_get_pixels (box);

  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      {
        guchar *p = pixels + y * stride + x * 4;
        gboolean edge = x == 0 || y == 0 || x == side - 1 || y == side - 1;

        memset (p, 0x90, 3);
        p[3] = edge ? 0xff : 0;
      }
  return box;
}

static void
fill_samples (CdSealsPageForm *self)
{
  g_autoptr(GList) old = gtk_container_get_children (GTK_CONTAINER (self->samples_box));
  /* A radio group always has one active member: a hidden one stands for "no sample chosen". */
  GtkWidget *none = gtk_radio_button_new (NULL);
  GtkRadioButton *group = GTK_RADIO_BUTTON (none);

  for (GList *l = old; l; l = l->next)
    gtk_widget_destroy (l->data);
  gtk_widget_set_no_show_all (none, TRUE);
  gtk_box_pack_start (self->samples_box, none, FALSE, FALSE, 0);
  for (guint i = 0; i < self->result->cells->len; i++)
    {
      CdSealCell *c = self->result->cells->pdata[i];
      GdkPixbuf *cell = self->cells->pdata[i];
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *radio = gtk_radio_button_new_from_widget (group);
      GtkWidget *image = gtk_image_new ();
      g_autofree char *verdict = cd_seals_verdict_text (c->flags, c->has_ink);
      g_autofree char *text = g_strdup_printf (_("%u: %s"), c->index, verdict);
      GtkWidget *label = gtk_label_new (text);
      g_autofree char *rname = g_strdup_printf ("seal_sample_%s_%u", self->kind, c->index);
      g_autofree char *lname = g_strdup_printf ("seal_verdict_%s_%u", self->kind, c->index);

      group = GTK_RADIO_BUTTON (radio);
      if (cell)
        {
          int pw = gdk_pixbuf_get_width (cell), ph = gdk_pixbuf_get_height (cell);
          double s = MIN (1.0, MIN ((double) THUMB / pw, (double) THUMB / ph));
          g_autoptr(GdkPixbuf) small = gdk_pixbuf_scale_simple (cell, MAX (1, (int) (pw * s)), MAX (1, (int) (ph * s)),
                                                                GDK_INTERP_BILINEAR);
          gtk_image_set_from_pixbuf (GTK_IMAGE (image), small);
        }
      else
        {
          g_autoptr(GdkPixbuf) empty = empty_box_thumb ();
          gtk_image_set_from_pixbuf (GTK_IMAGE (image), empty);
        }
      gtk_widget_set_size_request (image, THUMB, THUMB);
      gtk_container_add (GTK_CONTAINER (radio), image);
      gtk_widget_set_name (radio, rname);
      gtk_widget_set_name (label, lname);
      gtk_style_context_add_class (gtk_widget_get_style_context (label),
                                   cd_seals_page_form_cell_ok (c) ? "success" : "error");
      gtk_widget_set_sensitive (radio, self->editable && cd_seals_page_form_cell_ok (c));
      g_object_set_data (G_OBJECT (radio), "index", GUINT_TO_POINTER (c->index));
      g_signal_connect (radio, "toggled", G_CALLBACK (on_sample_toggled_cb), self);
      gtk_box_pack_start (GTK_BOX (box), radio, FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (box), label, FALSE, FALSE, 0);
      gtk_widget_show_all (box);
      gtk_box_pack_start (self->samples_box, box, FALSE, FALSE, 0);
    }
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (none), TRUE);
}

static void
on_extracted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CdSealsPageForm) self = user_data;
  g_autoptr(GError) error = NULL;
  CdSealsJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *status = NULL;
  g_autofree char *mismatch = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      cd_seals_page_form_set_message (self, error->message);
      return;
    }
  set_busy (self, FALSE);
  g_clear_pointer (&self->result, cd_seal_result_free);
  self->result = g_steal_pointer (&job->result);
  g_set_object (&self->form, job->form);
  self->form_scale = job->scale;
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->pngs, g_ptr_array_unref);
  self->cells = g_steal_pointer (&job->cells);
  self->pngs = g_steal_pointer (&job->pngs);
  g_clear_pointer (&self->form_bytes, g_bytes_unref);
  self->form_bytes = g_steal_pointer (&job->bytes);
  self->chosen = 0;

  gtk_widget_set_size_request (GTK_WIDGET (self->form_area), gdk_pixbuf_get_width (self->form),
                               gdk_pixbuf_get_height (self->form));
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->form_flags_label), self->result->background);
  gtk_label_set_text (self->form_flags_label, self->result->background
                      ? _("Form: paper is not white (the samples are cut out of it all the same)") : "");
  status = g_strdup_printf (g_dngettext (NULL, "%s: %u sample box", "%s: %u sample boxes", self->result->cells->len),
                            self->form_name, self->result->cells->len);
  gtk_label_set_text (self->status_label, status);
  cd_seals_page_form_set_message (self, NULL);
  /* A signature form in the unit-seal slot (or any other kind the slot does not take): the clerk is
   * told, and no sample is stored for the slot on its own. */
  mismatch = cd_seals_kind_mismatch_text (self->kind, cd_seal_result_shape (self->result));
  if (self->result->best == 0)
    {
      /* Nothing acceptable: the previous choice (if any) is forgotten, a new form is needed. */
      CdApplication *app = cd_draft_get_app (self->draft);
      gint64 app_id = cd_draft_get_id (self->draft);

      if (app_id && !cd_sample_store_remove (cd_draft_get_context (self->draft), app_id, self->kind, &error))
        g_warning ("Forgetting the sample failed: %s", error->message);
      if (g_hash_table_remove (app->samples, self->kind))
        cd_draft_changed (self->draft);
      {
        const char *none = _("No sample on this form is acceptable. Ask the applicant to stamp (or sign) a new "
                             "collection form, then load or scan it.");
        g_autofree char *both = mismatch ? g_strconcat (mismatch, "\n", none, NULL) : NULL;

        cd_seals_page_form_set_message (self, both ? both : none);
      }
      fill_samples (self);
      update_preview (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  self->chosen = 0;
  fill_samples (self);
  if (mismatch)
    {
      cd_seals_page_form_set_message (self, mismatch);
      update_preview (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  cd_seals_page_form_choose (self, self->result->best);
}

static void
start_job (CdSealsPageForm *self, CdSealsJob *job, const char *name)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_extracted_cb, g_object_ref (self));
  g_autofree char *status = g_strdup_printf (_("Reading “%s”…"), name);

  g_free (self->form_name);
  self->form_name = g_strdup (name);
  set_busy (self, TRUE);
  cd_seals_page_form_set_message (self, NULL);
  gtk_label_set_text (self->status_label, status);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, cd_seals_job_free);
  g_task_run_in_thread (task, cd_seals_job_thread);
}

/* ---- callbacks ---- */

static void
on_chooser_response_cb (GtkNativeDialog *chooser, int response, CdSealsPageForm *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      cd_seals_page_form_load_file (self, file);
    }
  g_object_unref (chooser);
}

static void
on_load_clicked_cb (CdSealsPageForm *self)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Load a Scanned Collection Form"), get_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Load"), _("_Cancel"));
  gtk_file_filter_set_name (filter, cd_seals_heif_supported () ? _("Scans and photos (JPEG, HEIC, PNG, TIFF, PDF)")
                                                               : _("Scans and photos (JPEG, PNG, TIFF, PDF)"));
  for (const char *const *m = (const char *const[]) { "image/jpeg", "image/png", "image/tiff", "application/pdf",
                                                      NULL }; *m; m++)
    gtk_file_filter_add_mime_type (filter, *m);
  if (cd_seals_heif_supported ())
    {
      gtk_file_filter_add_mime_type (filter, "image/heif");
      gtk_file_filter_add_mime_type (filter, "image/heic");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_scan_response_cb (CdScanDialog *dialog, int response, CdSealsPageForm *self)
{
  double dpi = 0;
  GdkPixbuf *page = response == GTK_RESPONSE_ACCEPT ? cd_scan_dialog_get_page (dialog, &dpi) : NULL;

  if (page)
    {
      CdSealsJob *job = g_new0 (CdSealsJob, 1);

      job->page = g_object_ref (page);
      job->dpi = dpi;
      start_job (self, job, _("scanned form"));
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_scan_clicked_cb (CdSealsPageForm *self)
{
  GtkWidget *dialog = cd_scan_dialog_new (get_window (self));

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_scan_response_cb), self, 0);
  gtk_widget_show (dialog);
}

/* ---- class ---- */

static void
cd_seals_page_form_dispose (GObject *object)
{
  CdSealsPageForm *self = CD_SEALS_PAGE_FORM (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->draft);
  g_clear_object (&self->chosen_pixbuf);
  g_clear_pointer (&self->chosen_surface, cairo_surface_destroy);
  drop_form (self);
  G_OBJECT_CLASS (cd_seals_page_form_parent_class)->dispose (object);
}

static void
cd_seals_page_form_finalize (GObject *object)
{
  CdSealsPageForm *self = CD_SEALS_PAGE_FORM (object);

  g_free (self->kind);
  g_free (self->message);
  g_free (self->form_name);
  G_OBJECT_CLASS (cd_seals_page_form_parent_class)->finalize (object);
}

static void
cd_seals_page_form_class_init (CdSealsPageFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cd_seals_page_form_dispose;
  object_class->finalize = cd_seals_page_form_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-seals-page-form.ui");
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, title_label);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, load_button);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, scan_button);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, status_label);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, result_box);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, form_area);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, samples_box);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, form_flags_label);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, preview_label);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, preview_white);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, preview_checker);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPageForm, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_load_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_scan_clicked_cb);
  cd_seals_page_form_draw_class_init (widget_class);
}

static void
cd_seals_page_form_init (CdSealsPageForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->message = g_strdup ("");
}

/* ---- public ---- */

GtkWidget *
cd_seals_page_form_new (CdDraft *draft, const char *kind, gboolean editable)
{
  CdSealsPageForm *self;
  g_autofree char *load = g_strdup_printf ("seal_load_%s", kind);
  g_autofree char *scan = g_strdup_printf ("seal_scan_%s", kind);
  g_autofree char *msg = g_strdup_printf ("seal_message_%s", kind);
  g_autofree char *status = g_strdup_printf ("seal_status_%s", kind);
  g_autofree char *spinner = g_strdup_printf ("seal_spinner_%s", kind);
  g_autofree char *name = g_strdup_printf ("seal_form_%s", kind);
  g_autofree char *preview = g_strdup_printf ("seal_preview_%s", kind);

  g_return_val_if_fail (CD_IS_DRAFT (draft), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  self = g_object_new (CD_TYPE_SEALS_PAGE_FORM, NULL);
  self->kind = g_strdup (kind);
  gtk_widget_set_name (GTK_WIDGET (self), name);
  gtk_widget_set_name (GTK_WIDGET (self->load_button), load);
  gtk_widget_set_name (GTK_WIDGET (self->scan_button), scan);
  gtk_widget_set_name (GTK_WIDGET (self->message_label), msg);
  gtk_widget_set_name (GTK_WIDGET (self->status_label), status);
  gtk_widget_set_name (GTK_WIDGET (self->spinner), spinner);
  gtk_widget_set_name (GTK_WIDGET (self->preview_label), preview);
  gtk_label_set_text (self->title_label, cd_seals_kind_label (kind));
  cd_seals_page_form_set_draft (self, draft, editable);
  return GTK_WIDGET (self);
}

void
cd_seals_page_form_set_draft (CdSealsPageForm *self, CdDraft *draft, gboolean editable)
{
  CdApplication *app;
  const char *stored;

  g_return_if_fail (CD_IS_SEALS_PAGE_FORM (self));
  g_return_if_fail (CD_IS_DRAFT (draft));

  /* Forget the previous application's form: its extraction, samples and previews. */
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->draft, draft);
  self->editable = editable;
  self->chosen = 0;
  drop_form (self);
  g_clear_pointer (&self->form_name, g_free);
  cd_gui_container_clear (GTK_CONTAINER (self->samples_box));
  cd_seals_page_form_show_preview (self, NULL, "");
  gtk_widget_set_visible (GTK_WIDGET (self->form_flags_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->form_area), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), FALSE);
  cd_seals_page_form_set_message (self, NULL);
  set_busy (self, FALSE);

  app = cd_draft_get_app (draft);
  stored = g_hash_table_lookup (app->samples, self->kind);
  if (stored)
    {
      gtk_label_set_text (self->status_label, _("A sample was chosen earlier; load a new form to change it."));
      gtk_widget_set_visible (GTK_WIDGET (self->result_box), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->form_area), FALSE);
      /* a sample chosen here is a scan object sealed at rest, one named by an imported application clear:
       * read, opened and decoded in a worker, shown when it is ready */
      cd_seals_page_form_load_stored (self, stored);
    }
  else
    gtk_label_set_text (self->status_label, _("Load or scan the stamped collection form."));
}

const char *
cd_seals_page_form_get_kind (CdSealsPageForm *self)
{
  g_return_val_if_fail (CD_IS_SEALS_PAGE_FORM (self), NULL);
  return self->kind;
}

void
cd_seals_page_form_load_file (CdSealsPageForm *self, GFile *file)
{
  CdSealsJob *job;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CD_IS_SEALS_PAGE_FORM (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (!path)
    {
      cd_seals_page_form_set_message (self, _("Only local files can be loaded."));
      return;
    }
  job = g_new0 (CdSealsJob, 1);
  job->path = g_steal_pointer (&path);
  name = g_file_get_basename (file);
  gtk_widget_set_visible (GTK_WIDGET (self->form_area), TRUE);
  start_job (self, job, name);
}

gboolean
cd_seals_page_form_is_busy (CdSealsPageForm *self)
{
  g_return_val_if_fail (CD_IS_SEALS_PAGE_FORM (self), FALSE);
  return self->busy;
}

guint
cd_seals_page_form_get_chosen (CdSealsPageForm *self)
{
  g_return_val_if_fail (CD_IS_SEALS_PAGE_FORM (self), 0);
  return self->chosen;
}

const char *
cd_seals_page_form_get_message (CdSealsPageForm *self)
{
  g_return_val_if_fail (CD_IS_SEALS_PAGE_FORM (self), "");
  return self->message;
}

gboolean
cd_seals_page_form_choose (CdSealsPageForm *self, guint index)
{
  g_autoptr(GError) error = NULL;
  CdSealCell *c;

  g_return_val_if_fail (CD_IS_SEALS_PAGE_FORM (self), FALSE);

  c = get_cell (self, index);
  if (!cd_seals_page_form_cell_ok (c))
    return FALSE;
  if (!store_choice (self, index, &error))
    {
      cd_seals_page_form_set_message (self, error->message);
      return FALSE;
    }
  self->chosen = index;
  /* Reflect a programmatic choice in the radio buttons without re-entering. */
  {
    g_autofree char *rname = g_strdup_printf ("seal_sample_%s_%u", self->kind, index);
    g_autoptr(GList) boxes = gtk_container_get_children (GTK_CONTAINER (self->samples_box));

    for (GList *l = boxes; l; l = l->next)
      {
        g_autoptr(GList) inner = GTK_IS_RADIO_BUTTON (l->data) ? NULL : gtk_container_get_children (l->data);
        if (inner && g_str_equal (gtk_widget_get_name (inner->data), rname))
          gtk_toggle_button_set_active (inner->data, TRUE);
      }
  }
  update_preview (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}
