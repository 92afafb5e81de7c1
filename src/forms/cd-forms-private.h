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

/* cd-forms-subset.c: a TrueType font's coverage and metrics (HarfBuzz), and a subset of it for libharu */
typedef struct _CdFormsTtf CdFormsTtf;
CdFormsTtf *cd_forms_ttf_open        (const char *path, GError **error);
CdFormsTtf *cd_forms_ttf_ref         (CdFormsTtf *f);
void        cd_forms_ttf_free        (CdFormsTtf *f);   /* drops a reference */
const char *cd_forms_ttf_path        (const CdFormsTtf *f);
gboolean    cd_forms_ttf_has         (const CdFormsTtf *f, gunichar c);
guint       cd_forms_ttf_advance     (const CdFormsTtf *f, gunichar c);
/* A subset of the characters (keys) of @chars; each value is set to the 16-bit code the subset's cmap maps
 * to the character's glyph (0: the font lacks it). The PDF draws the text with these codes. */
GBytes     *cd_forms_ttf_subset      (CdFormsTtf *f, GHashTable *chars, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdFormsTtf, cd_forms_ttf_free)

/* cd-forms-fontset.c: the fonts of one PDF, the main CJK font and its fallbacks (CJK Extension B and later),
 * each embedded as a subset of the characters it prints. Drawn twice: the recording pass finds which face
 * prints which character (cd_forms_fonts_record); cd_forms_fonts_prepare() then cuts the subsets (and
 * refuses a character no face has); the drawing pass embeds them (cd_forms_doc_init → cd_forms_font_load)
 * and draws each character with its face's code. */
#define CD_FORMS_MAX_FACES 4
typedef struct _CdFormsFonts CdFormsFonts;
CdFormsFonts *cd_forms_fonts_new     (const char *preferred, GError **error);
gboolean    cd_forms_fonts_prepare   (CdFormsFonts *fonts, GError **error);
void        cd_forms_fonts_free      (CdFormsFonts *fonts);
void        cd_forms_fonts_record    (CdFormsFonts *fonts, const char *text);
guint       cd_forms_fonts_face_of   (CdFormsFonts *fonts, gunichar c);   /* 0 (the main font) when none has it */
guint       cd_forms_fonts_code      (CdFormsFonts *fonts, guint face, gunichar c);
guint       cd_forms_fonts_advance   (CdFormsFonts *fonts, gunichar c);   /* 1/1000 em, in the face of @c */
gboolean    cd_forms_char_is_drawn   (gunichar c);                         /* not a control character */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdFormsFonts, cd_forms_fonts_free)

/* cd-forms-tounicode.c: the ToUnicode CMap of an embedded font, written by us (libharu's is not valid) */
char       *cd_forms_tounicode_cmap  (GHashTable *by_code);
gboolean    cd_forms_tounicode_set   (HPDF_Doc pdf, HPDF_Font font, GHashTable *by_code);

typedef struct {
  HPDF_Page  page;
  char      *form;     /* collection form code on the page, or NULL */
} CdFormsPageRef;

typedef struct {
  const CdFormsRequest *req;
  HPDF_Doc              pdf;
  CdFormsFonts         *fonts;         /* borrowed */
  gboolean              recording;     /* the first pass: characters go to @fonts, nothing is shown */
  HPDF_Font             font[CD_FORMS_MAX_FACES];   /* the drawing pass: the faces used, else NULL */
  GHashTable           *widths;        /* gunichar → glyph advance in 1/1000 em */
  GString              *title;         /* Info /Title */

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
/* @recording: the first pass (no font is embedded, characters go to @fonts); else @fonts is prepared and
 * its faces are embedded. The title is "数字证书受理单据 <number>" until cd_forms_doc_set_title(); the language zh-CN. */
gboolean    cd_forms_doc_init        (CdFormsDoc *doc, const CdFormsRequest *req, CdFormsFonts *fonts,
                                      gboolean recording, GError **error);
void        cd_forms_doc_clear       (CdFormsDoc *doc);
gboolean    cd_forms_doc_check       (CdFormsDoc *doc, GError **error);
void        cd_forms_doc_set_title   (CdFormsDoc *doc, const char *title);
/* The finished PDF (after the drawing pass) */
GBytes     *cd_forms_doc_save        (CdFormsDoc *doc, GError **error);
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
/* A marked-content span whose text for search and copy is @text, whatever the glyphs inside show
 * (boxed digits: one per box, read as one number). Wraps whole text objects (cd_forms_text calls). */
void        cd_forms_actual_text_begin (CdFormsDoc *doc, const char *text);
void        cd_forms_actual_text_end   (CdFormsDoc *doc);

/* cd-forms-fontset.c: the main font's file; the faces embedded in @doc (nothing in the recording pass) */
char       *cd_forms_font_find       (const char *preferred, GError **error);
gboolean    cd_forms_font_load       (CdFormsDoc *doc, GError **error);

/* cd-forms-font.c: measuring, drawing, wrapping, fitting into boxes */
double      cd_forms_text_width      (CdFormsDoc *doc, double size, const char *text);
void        cd_forms_text            (CdFormsDoc *doc, double x, double y, double size, CdTextFlags flags,
                                      const char *text);
gboolean    cd_forms_text_box        (CdFormsDoc *doc, double x, double y, double w, double h, double size,
                                      CdTextFlags flags, const char *text);
/* @text one character per cell of @cell_w × @h mm from (@x, @y), centred, in one text object */
void        cd_forms_text_cells      (CdFormsDoc *doc, double x, double y, double cell_w, double h, double size,
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
