/* cd-forms.h: the printable documents of one acceptance (application form, agreement, power of attorney …) as PDF. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "cd-application.h"
#include "cd-fee.h"
#include "cd-profile.h"

G_BEGIN_DECLS

#define CD_FORMS_ERROR (cd_forms_error_quark ())
GQuark cd_forms_error_quark (void);

typedef enum {
  CD_FORMS_ERROR_INVALID,    /* the request: unknown document, bad number, missing data */
  CD_FORMS_ERROR_FONT,       /* no usable CJK font */
  CD_FORMS_ERROR_TEXT,       /* an agreement or letter text file is missing or unreadable */
  CD_FORMS_ERROR_PDF,        /* libharu failed */
  CD_FORMS_ERROR_WRITE,      /* the output file */
} CdFormsError;

typedef enum {
  /* Each copy of a multi-copy form on its own sheet of plain paper, with ruling and its copy label. */
  CD_FORMS_COPY_PLAIN,
  /* One pass on pre-printed multi-part carbonless paper: the filled-in values only (no ruling, no labels),
   * moved by the printer's calibration offset. Documents that are not multi-copy print as on plain paper. */
  CD_FORMS_COPY_CARBONLESS,
} CdFormsCopyMode;

/* What to print. All pointers are borrowed for the duration of the call (the async variant copies them). */
typedef struct {
  const CdApplication *application;   /* required */
  const CdProfile     *profile;       /* required: the application's profile */
  const char          *number;        /* required: application number, [A-Za-z0-9_-], at most 32 characters */
  const char          *outlet;        /* accepting outlet (受理点) or NULL */
  const char          *clerk;         /* accepting clerk (受理员) or NULL */
  GDateTime           *date;          /* issue date; NULL = now */
  CdFormsCopyMode      copy_mode;
  double               offset_x_mm;   /* carbonless calibration: positive moves the print right */
  double               offset_y_mm;   /* … and down */
  const CdFeeQuote    *quote;         /* the receipt's lines: the effective fee (cd_print_set_documents);
                                       * NULL = quoted from the shipped profile, without local prices */
  gboolean             reprint;       /* the receipt was printed before: this one is marked 补打 */
  const char          *pin;           /* the PIN slip's PIN; NULL = the profile's fixed initial PIN, or blank */
  const char          *data_dir;      /* required: holds agreements/ */
  const char          *font_path;     /* NULL = the first CJK font found (see cd-forms-font.c) */
} CdFormsRequest;

typedef struct {
  char  *name;      /* "application", "agreement" … */
  guint  pages;     /* pages in the PDF */
  guint  copies;    /* labelled copies (or parts of the carbonless set) */
} CdFormsDocInfo;

typedef struct {
  guint      pages;
  gsize      bytes;
  GPtrArray *documents;   /* CdFormsDocInfo, in print order */
} CdFormsInfo;

/* The document names, in print order, and whether a profile prints @name. */
const char *const *cd_forms_document_names (void);
gboolean           cd_forms_is_document    (const char *name);
/* The translated name of a document for people ("receipt" → "Receipt"), @name itself when unknown. */
const char        *cd_forms_document_label (const char *name);

/* The QR payload on each page: "CERTDESK:APP=<number>;DOC=<name>;COPY=<n>;PAGE=<p>/<pages>" plus
 * ";FORM=<code>" on a collection form. COPY is 0 on a carbonless set (all parts carry the same code). */
char      *cd_forms_qr_payload        (const char *number, const char *document, guint copy, guint page,
                                       guint pages, const char *form);

/* Renders @document (NULL = every document of the profile's forms.documents, in that order) into one PDF.
 * @info may be NULL; when given, it is filled on success and must be cleared with cd_forms_info_clear(). */
GBytes    *cd_forms_render_to_bytes   (const CdFormsRequest *req, const char *document, CdFormsInfo *info,
                                       GError **error);
gboolean   cd_forms_render_to_file    (const CdFormsRequest *req, const char *document, const char *path,
                                       CdFormsInfo *info, GError **error);

/* The same for a list of documents, printed in the order given (NULL = all of the profile). */
GBytes    *cd_forms_render_documents_to_bytes (const CdFormsRequest *req, const char *const *documents,
                                               CdFormsInfo *info, GError **error);
gboolean   cd_forms_render_documents_to_file  (const CdFormsRequest *req, const char *const *documents,
                                               const char *path, CdFormsInfo *info, GError **error);

/* Off the main loop (GTask), for the GUI; cancellable between documents. @documents as above. */
void       cd_forms_render_async      (const CdFormsRequest *req, const char *const *documents,
                                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GBytes    *cd_forms_render_finish     (GAsyncResult *result, CdFormsInfo *info, GError **error);

void       cd_forms_info_clear        (CdFormsInfo *info);

/* The daily issuance report (cd_report_build's JSON, with its sign-off block) as a Chinese PDF; @outlet is the
 * outlet's name for the heading (NULL: all outlets); @font_path NULL: the first CJK font found. */
GBytes    *cd_forms_render_report     (JsonNode *report, const char *outlet, const char *font_path, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CdFormsInfo, cd_forms_info_clear)

G_END_DECLS
