/* cd-forms-doc.c: the PDF being written: pages of one document, ruling, check boxes, labels and signature lines. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-forms-private.h"

static const char *const copy_labels_3[] = { "第一联 CA存根联", "第二联 业务单位存根联", "第三联 用户存根联" }; /* form text */
static const char *const copy_labels_2[] = { "第一联 CA留存", "第二联 用户留存" };                        /* form text */

static void
page_ref_free (CdFormsPageRef *ref)
{
  g_free (ref->form);
  g_free (ref);
}

static void
on_hpdf_error_cb (HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
  CdFormsDoc *doc = user_data;

  /* libharu keeps going after an error; the first one is the one worth reporting. */
  if (doc->hpdf_status == 0)
    {
      doc->hpdf_status = error_no;
      doc->hpdf_detail = detail_no;
    }
}

double
cd_forms_pt (double mm)
{
  return mm * 72.0 / 25.4;
}

/* A text string of the document's dictionaries (Info, Catalog, marked content) as UTF-16BE with its byte
 * order mark, the one encoding every reader takes for text beyond Latin-1. libharu would write UTF-8 bytes
 * that readers take for PDFDocEncoding. */
static GBytes *
utf16_text (const char *text)
{
  g_autofree gunichar2 *u = g_utf8_to_utf16 (text, -1, NULL, NULL, NULL);
  GByteArray *b = g_byte_array_new ();
  static const guint8 bom[2] = { 0xFE, 0xFF };

  g_byte_array_append (b, bom, 2);
  for (guint i = 0; u && u[i]; i++)
    {
      guint8 be[2] = { u[i] >> 8, u[i] & 0xFF };
      g_byte_array_append (b, be, 2);
    }
  return g_byte_array_free_to_bytes (b);
}

void
cd_forms_doc_set_title (CdFormsDoc *doc, const char *title)
{
  g_string_assign (doc->title, title);
}

gboolean
cd_forms_doc_init (CdFormsDoc *doc, const CdFormsRequest *req, CdFormsFonts *fonts, gboolean recording,
                   GError **error)
{
  g_autoptr(GDateTime) now = NULL;
  GDateTime *date = req->date;
  HPDF_Date d = { 0 };

  memset (doc, 0, sizeof *doc);
  doc->req = req;
  doc->fonts = fonts;
  doc->recording = recording;
  doc->widths = g_hash_table_new (NULL, NULL);
  /* form text: the forms are Chinese whatever the UI language */
  doc->title = g_string_new (NULL);
  g_string_printf (doc->title, "数字证书受理单据 %s", req->number);
  if (!date)
    date = now = g_date_time_new_now_local ();
  doc->year = g_date_time_get_year (date);
  doc->month = g_date_time_get_month (date);
  doc->day = g_date_time_get_day_of_month (date);
  doc->date_zh = g_strdup_printf ("%d 年 %d 月 %d 日", doc->year, doc->month, doc->day);

  doc->pdf = HPDF_New (on_hpdf_error_cb, doc);
  if (!doc->pdf)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_PDF, _("Cannot start a PDF document (out of memory)"));
      return FALSE;
    }
  HPDF_SetCompressionMode (doc->pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings (doc->pdf);
  HPDF_SetInfoAttr (doc->pdf, HPDF_INFO_PRODUCER, "CertDesk " PACKAGE_VERSION);
  HPDF_SetInfoAttr (doc->pdf, HPDF_INFO_CREATOR, "CertDesk");
  /* The issue date, not the clock: the same request gives the same file. */
  d.year = doc->year;
  d.month = doc->month;
  d.day = doc->day;
  d.ind = 'Z';
  HPDF_SetInfoDateAttr (doc->pdf, HPDF_INFO_CREATION_DATE, d);
  /* The language of the text, for screen readers and for search (ISO 32000-1 §14.9.2). */
  HPDF_Dict_Add (doc->pdf->catalog, "Lang", HPDF_String_New (doc->pdf->mmgr, "zh-CN", NULL));
  return cd_forms_font_load (doc, error);
}

void
cd_forms_doc_clear (CdFormsDoc *doc)
{
  g_clear_pointer (&doc->pdf, HPDF_Free);
  g_clear_pointer (&doc->widths, g_hash_table_unref);
  g_clear_pointer (&doc->doc_pages, g_ptr_array_unref);
  g_clear_pointer (&doc->date_zh, g_free);
  if (doc->title)
    g_string_free (g_steal_pointer (&doc->title), TRUE);
}

gboolean
cd_forms_doc_check (CdFormsDoc *doc, GError **error)
{
  if (doc->hpdf_status == 0)
    return TRUE;
  g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_PDF, _("The PDF library failed (error 0x%04X, detail %u)"),
               (guint) doc->hpdf_status, (guint) doc->hpdf_detail);
  return FALSE;
}

GBytes *
cd_forms_doc_save (CdFormsDoc *doc, GError **error)
{
  g_autoptr(GBytes) title = utf16_text (doc->title->str);
  HPDF_UINT32 size;
  guint8 *buf;

  /* HPDF_SetInfoAttr creates the Info dictionary; the title then goes in as a UTF-16 string. */
  if (doc->pdf->info)
    HPDF_Dict_Add (doc->pdf->info, "Title", HPDF_Binary_New (doc->pdf->mmgr, (HPDF_BYTE *) g_bytes_get_data (title, NULL),
                                                             g_bytes_get_size (title)));
  if (!cd_forms_doc_check (doc, error))
    return NULL;
  if (HPDF_SaveToStream (doc->pdf) != HPDF_OK)
    {
      cd_forms_doc_check (doc, error);
      return NULL;
    }
  size = HPDF_GetStreamSize (doc->pdf);
  buf = g_malloc (size);
  if (HPDF_ReadFromStream (doc->pdf, buf, &size) != HPDF_OK && doc->hpdf_status != HPDF_STREAM_EOF)
    {
      g_free (buf);
      cd_forms_doc_check (doc, error);
      return NULL;
    }
  return g_bytes_new_take (buf, size);
}

/* The page's content stream: libharu has no marked-content operators, and they are plain text there. */
static HPDF_Stream
page_stream (CdFormsDoc *doc)
{
  return ((HPDF_PageAttr) doc->page->attr)->stream;
}

void
cd_forms_actual_text_begin (CdFormsDoc *doc, const char *text)
{
  g_autoptr(GBytes) u = NULL;
  const guint8 *p;
  gsize len;
  GString *s;

  if (doc->recording || !doc->page)
    return;
  g_return_if_fail (((HPDF_PageAttr) doc->page->attr)->gmode == HPDF_GMODE_PAGE_DESCRIPTION);
  u = utf16_text (text);
  p = g_bytes_get_data (u, &len);
  s = g_string_new ("/Span <</ActualText <");
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", p[i]);
  g_string_append (s, ">>> BDC\n");
  HPDF_Stream_WriteStr (page_stream (doc), s->str);
  g_string_free (s, TRUE);
}

void
cd_forms_actual_text_end (CdFormsDoc *doc)
{
  if (doc->recording || !doc->page)
    return;
  HPDF_Stream_WriteStr (page_stream (doc), "EMC\n");
}

void
cd_forms_doc_begin (CdFormsDoc *doc, const char *name, guint copy, guint copies, gboolean fields_only)
{
  doc->doc_name = name;
  doc->copy = copy;
  doc->copies = copies;
  doc->fields_only = fields_only;
  doc->off_x = fields_only ? doc->req->offset_x_mm : 0;
  doc->off_y = fields_only ? doc->req->offset_y_mm : 0;
  g_clear_pointer (&doc->doc_pages, g_ptr_array_unref);
  doc->doc_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_ref_free);
}

HPDF_Page
cd_forms_doc_new_page (CdFormsDoc *doc, const char *form)
{
  CdFormsPageRef *ref = g_new0 (CdFormsPageRef, 1);

  doc->page = HPDF_AddPage (doc->pdf);
  HPDF_Page_SetWidth (doc->page, cd_forms_pt (CD_FORMS_PAGE_W));
  HPDF_Page_SetHeight (doc->page, cd_forms_pt (CD_FORMS_PAGE_H));
  HPDF_Page_SetLineWidth (doc->page, 0.6);
  ref->page = doc->page;
  ref->form = g_strdup (form);
  g_ptr_array_add (doc->doc_pages, ref);
  return doc->page;
}

/* The QR code, the application number under it and "page p of n" go on once the page count is known. */
guint
cd_forms_doc_end (CdFormsDoc *doc)
{
  guint n = doc->doc_pages->len;
  HPDF_Page current = doc->page;

  for (guint i = 0; i < n; i++)
    {
      CdFormsPageRef *ref = doc->doc_pages->pdata[i];
      g_autofree char *payload = cd_forms_qr_payload (doc->req->number, doc->doc_name, doc->copy, i + 1, n,
                                                      ref->form);

      doc->page = ref->page;
      cd_forms_draw_qr (doc, ref->page, payload);
      cd_forms_text (doc, CD_FORMS_QR_X + CD_FORMS_QR_SIZE / 2, CD_FORMS_QR_Y + CD_FORMS_QR_SIZE + 3.2, 6.5,
                     CD_TEXT_FIELD | CD_TEXT_CENTER, doc->req->number);
      if (n > 1)
        {
          g_autofree char *footer = g_strdup_printf ("第 %u 页 共 %u 页", i + 1, n); /* form text */
          cd_forms_text (doc, CD_FORMS_PAGE_W / 2, CD_FORMS_PAGE_H - 8, 8, CD_TEXT_CENTER | CD_TEXT_GREY, footer);
        }
    }
  doc->page = current;
  doc->total_pages += n;
  return n;
}

static void
move_to (CdFormsDoc *doc, double x, double y)
{
  HPDF_Page_MoveTo (doc->page, cd_forms_pt (x + doc->off_x), cd_forms_pt (CD_FORMS_PAGE_H - y - doc->off_y));
}

static void
line_to (CdFormsDoc *doc, double x, double y)
{
  HPDF_Page_LineTo (doc->page, cd_forms_pt (x + doc->off_x), cd_forms_pt (CD_FORMS_PAGE_H - y - doc->off_y));
}

void
cd_forms_line (CdFormsDoc *doc, double x1, double y1, double x2, double y2, double width)
{
  if (doc->fields_only)
    return;
  HPDF_Page_SetLineWidth (doc->page, width);
  move_to (doc, x1, y1);
  line_to (doc, x2, y2);
  HPDF_Page_Stroke (doc->page);
}

void
cd_forms_dashed_line (CdFormsDoc *doc, double x1, double y1, double x2, double y2)
{
  static const HPDF_UINT16 dash[] = { 4, 3 };

  if (doc->fields_only)
    return;
  HPDF_Page_SetDash (doc->page, dash, 2, 0);
  cd_forms_line (doc, x1, y1, x2, y2, 0.5);
  HPDF_Page_SetDash (doc->page, NULL, 0, 0);
}

void
cd_forms_rect (CdFormsDoc *doc, double x, double y, double w, double h, double width)
{
  if (doc->fields_only)
    return;
  HPDF_Page_SetLineWidth (doc->page, width);
  HPDF_Page_Rectangle (doc->page, cd_forms_pt (x + doc->off_x), cd_forms_pt (CD_FORMS_PAGE_H - y - h - doc->off_y),
                       cd_forms_pt (w), cd_forms_pt (h));
  HPDF_Page_Stroke (doc->page);
}

void
cd_forms_fill_rect (CdFormsDoc *doc, double x, double y, double w, double h, double grey, gboolean field)
{
  if (doc->fields_only && !field)
    return;
  HPDF_Page_SetGrayFill (doc->page, grey);
  HPDF_Page_Rectangle (doc->page, cd_forms_pt (x + doc->off_x), cd_forms_pt (CD_FORMS_PAGE_H - y - h - doc->off_y),
                       cd_forms_pt (w), cd_forms_pt (h));
  HPDF_Page_Fill (doc->page);
  HPDF_Page_SetGrayFill (doc->page, 0);
}

#define BOX 3.4

/* A check box whose centre is at (@x + BOX/2, @cy); the tick is a filled-in value. */
void
cd_forms_checkbox (CdFormsDoc *doc, double x, double cy, gboolean checked)
{
  cd_forms_rect (doc, x, cy - BOX / 2, BOX, BOX, 0.6);
  if (!checked)
    return;
  HPDF_Page_SetLineWidth (doc->page, 1.3);
  HPDF_Page_SetLineJoin (doc->page, HPDF_ROUND_JOIN);
  HPDF_Page_SetLineCap (doc->page, HPDF_ROUND_END);
  move_to (doc, x + 0.6, cy);
  line_to (doc, x + 1.4, cy + 1.1);
  line_to (doc, x + BOX + 0.4, cy - 1.9);
  HPDF_Page_Stroke (doc->page);
  HPDF_Page_SetLineCap (doc->page, HPDF_BUTT_END);
  HPDF_Page_SetLineJoin (doc->page, HPDF_MITER_JOIN);
}

/* "□ label": returns the x where the next choice may start. */
double
cd_forms_choice (CdFormsDoc *doc, double x, double cy, double size, const char *label, gboolean checked)
{
  double tx = x + BOX + 1.2;

  cd_forms_checkbox (doc, x, cy, checked);
  cd_forms_text (doc, tx, cy + size * 25.4 / 72 * 0.37, size, CD_TEXT_STATIC, label);
  return tx + cd_forms_text_width (doc, size, label) + 3.5;
}

void
cd_forms_char_boxes (CdFormsDoc *doc, double x, double y, double cell_w, double h, guint n, const char *value)
{
  glong len = value ? g_utf8_strlen (value, -1) : 0;
  double size = MIN (11.0, h * 72 / 25.4 * 0.62);

  for (guint i = 0; i < n; i++)
    cd_forms_rect (doc, x + i * cell_w, y, cell_w, h, i == 0 || i == n - 1 ? 0.6 : 0.4);
  if (len == 0)
    return;
  if ((guint) len > n)
    {
      /* A foreign document number longer than the boxes: one line across them, never outside. */
      cd_forms_text_box (doc, x + 0.8, y, n * cell_w - 1.6, h, size, CD_TEXT_FIELD, value);
      return;
    }
  /* One character per box reads as "9 1 1 5 …" to a reader: the span gives the number whole, so that
   * copying it or searching the PDF for it finds it. */
  cd_forms_actual_text_begin (doc, value);
  cd_forms_text_cells (doc, x, y, cell_w, h, size, CD_TEXT_FIELD, value);
  cd_forms_actual_text_end (doc);
}

void
cd_forms_label_cell (CdFormsDoc *doc, double x, double y, double w, double h, double size, const char *label)
{
  cd_forms_rect (doc, x, y, w, h, 0.6);
  cd_forms_text_box (doc, x + 1.2, y + 0.6, w - 2.4, h - 1.2, size, CD_TEXT_CENTER, label);
}

void
cd_forms_value_cell (CdFormsDoc *doc, double x, double y, double w, double h, double size, const char *value)
{
  cd_forms_rect (doc, x, y, w, h, 0.6);
  cd_forms_text_box (doc, x + 2.0, y + 0.8, w - 4.0, h - 1.6, size, CD_TEXT_FIELD, value);
}

void
cd_forms_title (CdFormsDoc *doc, double y, double size, const char *title)
{
  cd_forms_text (doc, CD_FORMS_PAGE_W / 2, y, size, CD_TEXT_CENTER | CD_TEXT_BOLD, title);
}

void
cd_forms_copy_label (CdFormsDoc *doc, double x, double y)
{
  const char *const *labels = doc->copies == 3 ? copy_labels_3 : copy_labels_2;

  if (doc->copies < 2 || doc->copy == 0 || doc->copy > doc->copies)
    return;
  cd_forms_text (doc, x, y, 10.5, CD_TEXT_BOLD | CD_TEXT_RIGHT, labels[doc->copy - 1]);
}

/* "label ______" with @value written above the line. */
void
cd_forms_signature_line (CdFormsDoc *doc, double x, double y, double w, const char *label, const char *value)
{
  double lw = cd_forms_text_width (doc, 10.5, label);

  cd_forms_text (doc, x, y, 10.5, CD_TEXT_STATIC, label);
  cd_forms_line (doc, x + lw + 1, y + 1.2, x + w, y + 1.2, 0.5);
  if (value && *value)
    cd_forms_text_box (doc, x + lw + 2, y - 5.2, w - lw - 3, 6.2, 10.5, CD_TEXT_FIELD, value);
}

/* "label      年    月    日", the numbers filled in when @filled. */
void
cd_forms_date_line (CdFormsDoc *doc, double x, double y, const char *label, gboolean filled)
{
  double lw = label ? cd_forms_text_width (doc, 10.5, label) + 1.5 : 0;
  double yx = x + lw + 13, mx = yx + 14, dx = mx + 14;

  cd_forms_text (doc, x, y, 10.5, CD_TEXT_STATIC, label);
  cd_forms_text (doc, yx, y, 10.5, CD_TEXT_STATIC, "年"); /* form text */
  cd_forms_text (doc, mx, y, 10.5, CD_TEXT_STATIC, "月"); /* form text */
  cd_forms_text (doc, dx, y, 10.5, CD_TEXT_STATIC, "日"); /* form text */
  if (filled)
    {
      g_autofree char *ys = g_strdup_printf ("%d", doc->year);
      g_autofree char *ms = g_strdup_printf ("%d", doc->month);
      g_autofree char *ds = g_strdup_printf ("%d", doc->day);

      cd_forms_text (doc, yx - 1, y, 10.5, CD_TEXT_FIELD | CD_TEXT_RIGHT, ys);
      cd_forms_text (doc, mx - 1.5, y, 10.5, CD_TEXT_FIELD | CD_TEXT_RIGHT, ms);
      cd_forms_text (doc, dx - 1.5, y, 10.5, CD_TEXT_FIELD | CD_TEXT_RIGHT, ds);
    }
}
