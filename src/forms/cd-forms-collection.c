/* cd-forms-collection.c: the blank seal and signature collection forms (签章采集表), one page per form. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-forms-private.h"
#include "cd-print-set.h"

/* The layout is what the seal extractor (src/imaging) finds: 3 boxes in a row, or 4 boxes 2 × 2, plain
 * black lines, a light-grey placeholder that is not ink, captions under the boxes, and no other ruling
 * near them. Chinese strings are form text. */

typedef struct {
  const char *code;
  const char *title;
  gboolean    seal;
  gboolean    unit;     /* the applicant unit's seal goes in the footer */
} CollectionKind;

static const CollectionKind kinds[] = {
  { "unit_seal", "单位公章采集表", TRUE, TRUE },
  { "legal_signature", "法定代表人签字采集表", FALSE, TRUE },
  { "legal_seal", "法定代表人签章采集表", TRUE, TRUE },
  { "personal_seal", "个人签章采集表", TRUE, FALSE },
  { "personal_signature", "个人签字采集表", FALSE, FALSE },
};

static const char seal_note[] =
  "说明：请在方框内居中盖章，不得压线、不得重叠。请使用依法备案的印章和红色印泥，印迹端正、清晰、完整。";
static const char sign_note[] =
  "说明：请用黑色或蓝色签字笔（笔迹不细于0.5毫米）在方框内居中签名，不得压线、不得重叠，字迹清晰、完整。";
static const char paper_note[] = "本表请用白色A4纸打印，保持页面整洁；扫描分辨率不低于200dpi。";

static const CollectionKind *
find_kind (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].code, code))
      return &kinds[i];
  return NULL;
}


static void
draw_form (CdFormsDoc *doc, const CollectionKind *k, guint n)
{
  const CdApplication *app = doc->req->application;
  g_autofree char *who = g_strdup_printf ("%s：%s", app->person ? "申请人" : "申请单位",
                                          cd_application_display_name (app));
  gboolean grid = n == 4;
  double w = grid ? 80 : 52, h = k->seal ? (grid ? 66 : 52) : (grid ? 50 : 36);
  double gap = (CD_FORMS_WIDTH - (grid ? 2 : 3) * w) / (grid ? 1 : 2);
  double y0 = 58, y;

  cd_forms_doc_new_page (doc, k->code);
  cd_forms_title (doc, 22, 18, k->title);
  cd_forms_paragraph (doc, CD_FORMS_LEFT, 31, CD_FORMS_QR_X - 4 - CD_FORMS_LEFT, 9.5, 1.4, CD_TEXT_STATIC,
                      k->seal ? seal_note : sign_note, TRUE);
  cd_forms_text (doc, CD_FORMS_LEFT, 46, 9.5, CD_TEXT_STATIC, paper_note);
  cd_forms_text_box (doc, CD_FORMS_LEFT, 48.5, 150, 6, 10, CD_TEXT_FIELD, who);

  for (guint i = 0; i < n; i++)
    {
      double bx = CD_FORMS_LEFT + (grid ? i % 2 : i) * (w + gap);
      double by = y0 + (grid ? i / 2 : 0) * (h + 16);
      g_autofree char *caption = g_strdup_printf ("%s %u", k->seal ? "签章" : "签字", i + 1);

      cd_forms_rect (doc, bx, by, w, h, 0.8);
      /* Light grey, so that the extractor does not take it for ink. */
      HPDF_Page_SetGrayFill (doc->page, 0.78);
      cd_forms_text (doc, bx + w / 2, by + h / 2 + 1.5, 10, CD_TEXT_CENTER, k->seal ? "盖章处" : "请在此签名");
      HPDF_Page_SetGrayFill (doc->page, 0);
      cd_forms_text (doc, bx + w / 2, by + h + 6, 10, CD_TEXT_CENTER, caption);
    }
  y = y0 + (grid ? 2 : 1) * (h + 16) + 10;
  cd_forms_text (doc, CD_FORMS_LEFT, y, 10.5, CD_TEXT_STATIC, k->unit ? "申请单位（盖章）：" : "申请人（签字）：");
  cd_forms_date_line (doc, 125, y, "日期：", FALSE);
  y += 30;
  cd_forms_signature_line (doc, CD_FORMS_LEFT, y, 80, "受理人：", doc->req->clerk);
  cd_forms_date_line (doc, 125, y, "受理日期：", TRUE);
}

gboolean
cd_forms_draw_collection (CdFormsDoc *doc, GError **error)
{
  const CdProfile *prof = doc->req->profile;
  const CdApplication *app = doc->req->application;
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  gboolean needed = FALSE;
  guint n = prof->samples_per_form == 4 ? 4 : 3;

  if (prof->collection_forms == NULL || prof->collection_forms[0] == NULL)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID,
                   _("Profile %s collects no seal or signature samples"), prof->id);
      return FALSE;
    }
  /* A form whose samples were already captured (from the applicant's own form) is not printed blank again;
   * asked for by name when every sample is there, the collection prints every form for a new capture. */
  for (guint i = 0; prof->collection_forms[i] && !needed; i++)
    needed = cd_print_set_collection_needed (prof, app, prof->collection_forms[i]);
  for (guint i = 0; prof->collection_forms[i]; i++)
    {
      /* An individual has no unit seal and no legal person: their forms become the personal ones. */
      const char *code = cd_print_set_collection_form (app, prof->collection_forms[i]);
      const CollectionKind *k = find_kind (code);

      if (k == NULL || g_ptr_array_find_with_equal_func (done, code, g_str_equal, NULL))
        continue;
      if (needed && !cd_print_set_collection_needed (prof, app, prof->collection_forms[i]))
        continue;
      g_ptr_array_add (done, (gpointer) code);
      draw_form (doc, k, n);
    }
  return TRUE;
}
