/* cd-forms.c: which documents a profile prints, in how many copies, and the PDF that holds them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cd-forms-private.h"
#include "cd-worker.h"

G_DEFINE_QUARK (cd-forms-error-quark, cd_forms_error)

typedef gboolean (*DrawFunc) (CdFormsDoc *doc, GError **error);

static const char *const document_names[] = {
  "application", "responsibility", "detail-sheet", "agreement", "power-of-attorney", "collection", "receipt",
  "pin-slip", NULL
};

static void
doc_info_free (CdFormsDocInfo *d)
{
  g_free (d->name);
  g_free (d);
}

const char *const *
cd_forms_document_names (void)
{
  return document_names;
}

gboolean
cd_forms_is_document (const char *name)
{
  return name && g_strv_contains (document_names, name);
}

const char *
cd_forms_document_label (const char *name)
{
  static const struct { const char *name; const char *label; } labels[] = {
    { "application", N_("Application form") },
    { "responsibility", N_("Responsibility letter") },
    { "detail-sheet", N_("Detail sheet") },
    { "agreement", N_("Service agreement") },
    { "power-of-attorney", N_("Power of attorney") },
    { "collection", N_("Collection forms") },
    { "receipt", N_("Receipt") },
    { "pin-slip", N_("PIN slip") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].name, name) == 0)
      return _(labels[i].label);
  return name;
}

void
cd_forms_info_clear (CdFormsInfo *info)
{
  g_clear_pointer (&info->documents, g_ptr_array_unref);
  info->pages = 0;
  info->bytes = 0;
}

static DrawFunc
draw_func_for (const CdProfile *profile, const char *name)
{
  if (g_str_equal (name, "application"))
    {
      if (g_str_equal (profile->form_kind, "nmg-three-copy"))
        return cd_forms_draw_nmg_application;
      if (g_str_equal (profile->form_kind, "xj-two-copy"))
        return cd_forms_draw_xj_application;
      return cd_forms_draw_bj_application;
    }
  if (g_str_equal (name, "responsibility"))
    return cd_forms_draw_responsibility;
  if (g_str_equal (name, "detail-sheet"))
    return cd_forms_draw_detail_sheet;
  if (g_str_equal (name, "agreement"))
    return cd_forms_draw_agreement;
  if (g_str_equal (name, "power-of-attorney"))
    return cd_forms_draw_power_of_attorney;
  if (g_str_equal (name, "collection"))
    return cd_forms_draw_collection;
  if (g_str_equal (name, "receipt"))
    return cd_forms_draw_receipt;
  if (g_str_equal (name, "pin-slip"))
    return cd_forms_draw_pin_slip;
  g_assert_not_reached ();
}

/* The application form is the multi-copy one; the Xinjiang and Beijing responsibility letters go with it. */
static guint
copies_of (const CdProfile *profile, const char *name)
{
  if (g_str_equal (name, "application"))
    return profile->form_copies;
  if (g_str_equal (name, "responsibility") && !g_str_equal (profile->form_kind, "nmg-three-copy"))
    return profile->form_copies;
  return 1;
}

static gboolean
check_number (const char *number, GError **error)
{
  gsize len = number ? strlen (number) : 0;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (number[i]) && number[i] != '-' && number[i] != '_')
      len = 0;
  if (len == 0 || len > 32)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID,
                   _("Application number “%s”: use 1 to 32 letters, digits, “-” or “_”"), cd_forms_str (number));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_document (const CdFormsRequest *req, const char *document, GError **error)
{
  if (!cd_forms_is_document (document))
    {
      g_autofree char *names = g_strjoinv (", ", (char **) document_names);
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID, _("Unknown document “%s”; expected one of %s"),
                   cd_forms_str (document), names);
      return FALSE;
    }
  /* The receipt and the PIN slip are the counter's own; every other document must be the profile's. */
  if (!g_str_equal (document, "receipt") && !g_str_equal (document, "pin-slip")
      && !g_strv_contains ((const char *const *) req->profile->documents, document))
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; document_names[i]; i++)
        if (g_strv_contains ((const char *const *) req->profile->documents, document_names[i])
            || g_str_equal (document_names[i], "receipt") || g_str_equal (document_names[i], "pin-slip"))
          g_string_append_printf (names, "%s%s", names->len ? ", " : "", document_names[i]);
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID, _("Profile %s does not print “%s”; it prints %s"),
                   req->profile->id, document, names->str);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_request (const CdFormsRequest *req, const char *const *documents, GError **error)
{
  if (!check_number (req->number, error))
    return FALSE;
  if (g_strcmp0 (req->application->profile, req->profile->id) != 0)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID,
                   _("The application is for profile “%s”, not “%s”"), cd_forms_str (req->application->profile),
                   req->profile->id);
      return FALSE;
    }
  if (ABS (req->offset_x_mm) > 20 || ABS (req->offset_y_mm) > 20)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID,
                   _("The printer offset %.1f/%.1f mm is beyond ±20 mm; calibrate the printer again"),
                   req->offset_x_mm, req->offset_y_mm);
      return FALSE;
    }
  if (req->pin)
    {
      gsize len = strlen (req->pin);
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isgraph (req->pin[i]))
          len = 0;
      if (len == 0 || len > 32)
        {
          g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID,
                       _("The PIN for the PIN slip must be 1 to 32 printable ASCII characters"));
          return FALSE;
        }
    }
  for (guint i = 0; documents && documents[i]; i++)
    if (!check_document (req, documents[i], error))
      return FALSE;
  if (documents && !documents[0])
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID, _("No document to print"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
render_document (CdFormsDoc *doc, const char *name, CdFormsInfo *info, GError **error)
{
  DrawFunc draw = draw_func_for (doc->req->profile, name);
  guint copies = copies_of (doc->req->profile, name);
  gboolean carbonless = copies > 1 && doc->req->copy_mode == CD_FORMS_COPY_CARBONLESS;
  CdFormsDocInfo *di = g_new0 (CdFormsDocInfo, 1);

  di->name = g_strdup (name);
  di->copies = copies;
  g_ptr_array_add (info->documents, di);
  for (guint copy = carbonless ? 0 : 1; copy <= (carbonless ? 0 : copies); copy++)
    {
      cd_forms_doc_begin (doc, name, copy, copies, carbonless);
      if (!draw (doc, error))
        {
          /* The document's name for people, never its code ("receipt:"): the message reaches the screen. */
          g_prefix_error (error, _("%s: "), cd_forms_document_label (name));
          return FALSE;
        }
      di->pages += cd_forms_doc_end (doc);
    }
  return TRUE;
}

static gboolean
draw_all (CdFormsDoc *doc, const char *const *documents, GCancellable *cancellable, CdFormsInfo *info,
          GError **error)
{
  for (guint i = 0; documents[i]; i++)
    if (g_cancellable_set_error_if_cancelled (cancellable, error)
        || !render_document (doc, documents[i], info, error))
      return FALSE;
  return cd_forms_doc_check (doc, error) && !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static GBytes *
render (const CdFormsRequest *req, const char *const *documents, GCancellable *cancellable, CdFormsInfo *info,
        GError **error)
{
  g_auto(CdFormsInfo) local = { 0 };
  g_autoptr(CdFormsFonts) fonts = NULL;
  CdFormsDoc doc;
  GBytes *bytes = NULL;

  if (!check_request (req, documents, error))
    return NULL;
  if (documents == NULL)
    documents = (const char *const *) req->profile->documents;
  if (!(fonts = cd_forms_fonts_new (req->font_path, error)))
    return NULL;

  /* First pass: which characters the documents print. Then the fonts cut down to them (cd-forms-font.c). */
  {
    g_auto(CdFormsInfo) scratch = { 0 };
    gboolean ok;

    scratch.documents = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_info_free);
    ok = cd_forms_doc_init (&doc, req, fonts, TRUE, error) && draw_all (&doc, documents, cancellable, &scratch,
                                                                       error);
    cd_forms_doc_clear (&doc);
    if (!ok || !cd_forms_fonts_prepare (fonts, error))
      return NULL;
  }

  local.documents = g_ptr_array_new_with_free_func ((GDestroyNotify) doc_info_free);
  if (cd_forms_doc_init (&doc, req, fonts, FALSE, error) && draw_all (&doc, documents, cancellable, &local, error)
      && (bytes = cd_forms_doc_save (&doc, error)))
    {
      local.pages = doc.total_pages;
      local.bytes = g_bytes_get_size (bytes);
      if (info)
        {
          *info = local;
          local.documents = NULL;
        }
    }
  cd_forms_doc_clear (&doc);
  return bytes;
}

GBytes *
cd_forms_render_documents_to_bytes (const CdFormsRequest *req, const char *const *documents, CdFormsInfo *info,
                                    GError **error)
{
  g_return_val_if_fail (req != NULL && req->application != NULL && req->profile != NULL, NULL);
  g_return_val_if_fail (req->data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return render (req, documents, NULL, info, error);
}

GBytes *
cd_forms_render_to_bytes (const CdFormsRequest *req, const char *document, CdFormsInfo *info, GError **error)
{
  const char *const one[] = { document, NULL };

  return cd_forms_render_documents_to_bytes (req, document ? one : NULL, info, error);
}

gboolean
cd_forms_render_documents_to_file (const CdFormsRequest *req, const char *const *documents, const char *path,
                                   CdFormsInfo *info, GError **error)
{
  g_auto(CdFormsInfo) local = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);
  bytes = cd_forms_render_documents_to_bytes (req, documents, &local, error);
  if (!bytes)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  if (!g_file_set_contents (path, data, len, &local_error))
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_WRITE, _("Cannot write %s: %s"), path,
                   local_error->message);
      return FALSE;
    }
  if (info)
    {
      *info = local;
      local.documents = NULL;
    }
  return TRUE;
}

gboolean
cd_forms_render_to_file (const CdFormsRequest *req, const char *document, const char *path, CdFormsInfo *info,
                         GError **error)
{
  const char *const one[] = { document, NULL };

  return cd_forms_render_documents_to_file (req, document ? one : NULL, path, info, error);
}

/* The async variant owns copies of everything the request points at. */
typedef struct {
  CdFormsRequest  req;
  CdApplication  *application;
  CdProfile      *profile;
  CdFeeQuote     *quote;
  char           *number, *outlet, *clerk, *pin, *data_dir, *font_path;
  char          **documents;
  GDateTime      *date;
  CdFormsInfo     info;
} RenderData;

static void
render_data_free (RenderData *d)
{
  g_clear_pointer (&d->application, cd_application_free);
  g_clear_pointer (&d->profile, cd_profile_unref);
  g_clear_pointer (&d->quote, cd_fee_quote_free);
  g_clear_pointer (&d->date, g_date_time_unref);
  if (d->pin)
    explicit_bzero (d->pin, strlen (d->pin));
  g_free (d->pin);
  g_free (d->number);
  g_free (d->outlet);
  g_free (d->clerk);
  g_free (d->data_dir);
  g_free (d->font_path);
  g_strfreev (d->documents);
  cd_forms_info_clear (&d->info);
  g_free (d);
}

static void
fee_line_free (CdFeeLine *l)
{
  g_free (l->code);
  g_free (l->label);
  g_free (l);
}

static CdFeeQuote *
quote_copy (const CdFeeQuote *q)
{
  CdFeeQuote *c = g_new0 (CdFeeQuote, 1);

  c->business = q->business;
  c->variant = g_strdup (q->variant);
  c->years = q->years;
  c->total_fen = q->total_fen;
  /* cd_fee_quote_free frees the lines through the array's own free function. */
  c->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) fee_line_free);
  for (guint i = 0; i < q->lines->len; i++)
    {
      const CdFeeLine *l = q->lines->pdata[i];
      CdFeeLine *n = g_new0 (CdFeeLine, 1);

      *n = *l;
      n->code = g_strdup (l->code);
      n->label = g_strdup (l->label);
      g_ptr_array_add (c->lines, n);
    }
  return c;
}

static void
render_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  RenderData *d = task_data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = render (&d->req, (const char *const *) d->documents, cancellable, &d->info, &error);

  if (!bytes)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
cd_forms_render_async (const CdFormsRequest *req, const char *const *documents, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RenderData *d = g_new0 (RenderData, 1);

  g_return_if_fail (req != NULL && req->application != NULL && req->profile != NULL && req->data_dir != NULL);

  g_task_set_source_tag (task, cd_forms_render_async);
  d->application = cd_application_copy (req->application);
  d->profile = cd_profile_ref ((CdProfile *) req->profile);
  d->quote = req->quote ? quote_copy (req->quote) : NULL;
  d->date = req->date ? g_date_time_ref (req->date) : g_date_time_new_now_local ();
  d->number = g_strdup (req->number);
  d->outlet = g_strdup (req->outlet);
  d->clerk = g_strdup (req->clerk);
  d->pin = g_strdup (req->pin);
  d->data_dir = g_strdup (req->data_dir);
  d->font_path = g_strdup (req->font_path);
  d->documents = g_strdupv ((char **) documents);
  d->req = *req;
  d->req.application = d->application;
  d->req.profile = d->profile;
  d->req.quote = d->quote;
  d->req.date = d->date;
  d->req.number = d->number;
  d->req.outlet = d->outlet;
  d->req.clerk = d->clerk;
  d->req.pin = d->pin;
  d->req.data_dir = d->data_dir;
  d->req.font_path = d->font_path;
  g_task_set_task_data (task, d, (GDestroyNotify) render_data_free);
  g_task_run_in_thread (task, render_thread);
}

GBytes *
cd_forms_render_finish (GAsyncResult *result, CdFormsInfo *info, GError **error)
{
  GTask *task = G_TASK (result);
  GBytes *bytes;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (task) == cd_forms_render_async, NULL);

  bytes = g_task_propagate_pointer (task, error);
  if (bytes && info)
    {
      RenderData *d = g_task_get_task_data (task);
      *info = d->info;
      d->info.documents = NULL;
    }
  return bytes;
}
