/* cd-forms-private.h: the drawing context shared by the document renderers of src/forms (not installed). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <hpdf.h>

#include "cd-forms.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HPDF_Doc_Rec, HPDF_Free)

/* Page geometry of every document: A4 portrait, millimetres from the top-left corner. */
#define CD_FORMS_PAGE_W   210.0
#define CD_FORMS_PAGE_H   297.0
#define CD_FORMS_MARGIN    15.0
#define CD_FORMS_LEFT      CD_FORMS_MARGIN
#define CD_FORMS_RIGHT     (CD_FORMS_PAGE_W - CD_FORMS_MARGIN)
#define CD_FORMS_WIDTH     (CD_FORMS_RIGHT - CD_FORMS_LEFT)
#define CD_FORMS_QR_SIZE   20.0
#define CD_FORMS_QR_X      (CD_FORMS_RIGHT - CD_FORMS_QR_SIZE)
#define CD_FORMS_QR_Y      8.0
#define CD_FORMS_MIN_PT     5.5   /* the smallest type a box shrinks its text to */

/* Text flags. FIELD marks a filled-in value: it prints in both copy modes; everything else is part of the
 * form itself (ruling, labels, fixed wording) and is left out on pre-printed carbonless paper. */
typedef enum {
  CD_TEXT_STATIC = 0,
  CD_TEXT_FIELD  = 1 << 0,
  CD_TEXT_BOLD   = 1 << 1,
  CD_TEXT_CENTER = 1 << 2,
  CD_TEXT_RIGHT  = 1 << 3,
  CD_TEXT_GREY   = 1 << 4,   /* placeholders and notes */
  CD_TEXT_TOP    = 1 << 5,   /* in a box: from the top instead of centred */
} CdTextFlags;

/* cd-forms-subset.c: a TrueType font parsed for metrics and cut down to the characters a PDF prints */
typedef struct _CdFormsTtf CdFormsTtf;
CdFormsTtf *cd_forms_ttf_open        (const char *path, GError **error);
void        cd_forms_ttf_free        (CdFormsTtf *f);
guint       cd_forms_ttf_advance     (const CdFormsTtf *f, gunichar c);
GBytes     *cd_forms_ttf_subset      (CdFormsTtf *f, GHashTable *chars, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdFormsTtf, cd_forms_ttf_free)

typedef struct {
  HPDF_Page  page;
  char      *form;     /* collection form code on the page, or NULL */
} CdFormsPageRef;

typedef struct {
  const CdFormsRequest *req;
  HPDF_Doc              pdf;
  HPDF_Font             font;          /* NULL in the recording pass */
  const CdFormsTtf     *ttf;           /* metrics of the font, or NULL: ask libharu */
  GHashTable           *record;        /* the recording pass: every character drawn (gunichar set) */
  GHashTable           *widths;        /* gunichar → glyph advance in 1/1000 em */

  HPDF_STATUS           hpdf_status;   /* first libharu error, 0 when none */
  HPDF_STATUS           hpdf_detail;

  /* The document being drawn. */
  const char           *doc_name;
  guint                 copy;          /* 1-based; 0 on a carbonless set */
  guint                 copies;        /* copies of this document (the labels' count) */
  gboolean              fields_only;   /* carbonless: values only */
  double                off_x, off_y;  /* mm, applied to all drawing of this document */
  GPtrArray            *doc_pages;     /* CdFormsPageRef of the current document part */
  HPDF_Page             page;
  guint                 total_pages;

  /* Values formatted once. */
  char                 *date_zh;       /* "2025 年 3 月 1 日" */
  int                   year, month, day;
} CdFormsDoc;

/* cd-forms-doc.c: document and page management, ruling, check boxes, labels */
/* @font_path NULL: the recording pass (no font, characters go to @record); @ttf: metrics, or NULL */
gboolean    cd_forms_doc_init        (CdFormsDoc *doc, const CdFormsRequest *req, const char *font_path,
                                      const CdFormsTtf *ttf, GHashTable *record, GError **error);
void        cd_forms_doc_clear       (CdFormsDoc *doc);
gboolean    cd_forms_doc_check       (CdFormsDoc *doc, GError **error);
void        cd_forms_doc_begin       (CdFormsDoc *doc, const char *name, guint copy, guint copies,
                                      gboolean fields_only);
HPDF_Page   cd_forms_doc_new_page    (CdFormsDoc *doc, const char *form);
guint       cd_forms_doc_end         (CdFormsDoc *doc);

double      cd_forms_pt              (double mm);
void        cd_forms_line            (CdFormsDoc *doc, double x1, double y1, double x2, double y2, double width);
void        cd_forms_dashed_line     (CdFormsDoc *doc, double x1, double y1, double x2, double y2);
void        cd_forms_rect            (CdFormsDoc *doc, double x, double y, double w, double h, double width);
void        cd_forms_fill_rect       (CdFormsDoc *doc, double x, double y, double w, double h, double grey,
                                      gboolean field);
void        cd_forms_checkbox        (CdFormsDoc *doc, double x, double y, gboolean checked);
double      cd_forms_choice          (CdFormsDoc *doc, double x, double y, double size, const char *label,
                                      gboolean checked);
void        cd_forms_char_boxes      (CdFormsDoc *doc, double x, double y, double cell_w, double h, guint n,
                                      const char *value);
void        cd_forms_label_cell      (CdFormsDoc *doc, double x, double y, double w, double h, double size,
                                      const char *label);
void        cd_forms_value_cell      (CdFormsDoc *doc, double x, double y, double w, double h, double size,
                                      const char *value);
void        cd_forms_title           (CdFormsDoc *doc, double y, double size, const char *title);
void        cd_forms_copy_label      (CdFormsDoc *doc, double x, double y);
void        cd_forms_signature_line  (CdFormsDoc *doc, double x, double y, double w, const char *label,
                                      const char *value);
void        cd_forms_date_line       (CdFormsDoc *doc, double x, double y, const char *label, gboolean filled);
void        cd_forms_draw_qr         (CdFormsDoc *doc, HPDF_Page page, const char *payload);

/* cd-forms-font.c: the CJK font, measuring, wrapping, fitting into boxes */
char       *cd_forms_font_find       (const char *preferred, GError **error);
gboolean    cd_forms_font_load       (CdFormsDoc *doc, const char *path, GError **error);
double      cd_forms_text_width      (CdFormsDoc *doc, double size, const char *text);
void        cd_forms_text            (CdFormsDoc *doc, double x, double y, double size, CdTextFlags flags,
                                      const char *text);
gboolean    cd_forms_text_box        (CdFormsDoc *doc, double x, double y, double w, double h, double size,
                                      CdTextFlags flags, const char *text);
GPtrArray  *cd_forms_wrap_text       (CdFormsDoc *doc, double size, double w, const char *text);
double      cd_forms_paragraph       (CdFormsDoc *doc, double x, double y, double w, double size,
                                      double leading, CdTextFlags flags, const char *text, gboolean draw);

/* The line breaker, independent of the PDF so that tests can drive it. @measure gives a character's
 * advance in the same unit as @max_width. Chinese breaks between any two characters, except that
 * closing punctuation never starts a line and opening punctuation never ends one; Latin words and
 * numbers stay whole unless a single word is wider than the line. */
typedef double (*CdFormsMeasureFunc) (gunichar c, gpointer user_data);
GPtrArray  *cd_forms_wrap            (const char *text, double max_width, CdFormsMeasureFunc measure,
                                      gpointer user_data);

/* cd-forms-values.c: the application's values as the forms print them */
const char *cd_forms_str             (const char *s);
const char *cd_forms_id_type_zh      (const char *id_type);
const char *cd_forms_business_zh     (CdBusiness business);
const char *cd_forms_applicant_zh    (CdApplicantType type);
const char *cd_forms_payment_zh      (CdPaymentMethod method);
char       *cd_forms_date_plus_days  (CdFormsDoc *doc, int days);
char       *cd_forms_yuan_capital    (gint64 fen);
const CdPerson *cd_forms_holder      (const CdApplication *app);
gboolean    cd_forms_load_text       (const CdFormsDoc *doc, const char *file, char **out, GError **error);
char       *cd_forms_expand          (const CdFormsDoc *doc, const char *text);

/* The documents. Each draws one copy (doc->copy) of itself on new pages. */
gboolean    cd_forms_draw_nmg_application (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_xj_application  (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_bj_application  (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_responsibility  (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_detail_sheet    (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_agreement       (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_power_of_attorney (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_collection      (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_receipt         (CdFormsDoc *doc, GError **error);
gboolean    cd_forms_draw_pin_slip        (CdFormsDoc *doc, GError **error);

G_END_DECLS
