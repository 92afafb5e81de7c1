/* cd-forms-poa.c: the legal person's power of attorney (法人授权委托书) for the agent. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-forms-private.h"

/* How long the authorisation holds from the issue date: one counter visit and its follow-ups. */
#define POA_VALID_DAYS 90

#define L0 CD_FORMS_LEFT
#define SZ 10.5

static const char *const id_captions[] = {
  "法定代表人身份证复印件\n（人像面）", "法定代表人身份证复印件\n（国徽面）",
  "代理人身份证复印件\n（人像面）", "代理人身份证复印件\n（国徽面）",
};

static char *
person_ref (const CdPerson *p)
{
  if (p == NULL || p->name == NULL)
    return g_strdup ("＿＿＿＿＿＿（证件号码：＿＿＿＿＿＿＿＿＿＿＿＿）");
  return g_strdup_printf ("%s（%s号码：%s）", p->name, cd_forms_id_type_zh (p->id_type),
                          p->id_number ? p->id_number : "＿＿＿＿＿＿＿＿＿＿＿＿");
}

gboolean
cd_forms_draw_power_of_attorney (CdFormsDoc *doc, GError **error)
{
  const CdApplication *app = doc->req->application;
  const CdProfile *prof = doc->req->profile;
  const CdPerson *lp = app->legal_person;
  const CdPerson *ag = app->agent;
  g_autofree char *lp_ref = NULL, *ag_ref = NULL, *body = NULL, *until = NULL, *term = NULL;
  double y;

  if (app->unit == NULL)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID,
                   _("A power of attorney is for a unit's legal person; this applicant is an individual"));
      return FALSE;
    }
  lp_ref = person_ref (lp);
  ag_ref = person_ref (ag);
  until = cd_forms_date_plus_days (doc, POA_VALID_DAYS);
  /* Form text: the project's own wording of the authorisation. */
  body = g_strdup_printf ("　　本人%s，系%s（统一社会信用代码：%s）的法定代表人，现委托%s为本单位代理人，"
                          "以本单位名义办理【%s】数字证书及电子签章的申请、领取、更新、变更、解锁等相关事宜。"
                          "代理人在委托权限内办理的上述事项，本单位均予以承认，并承担相应的法律责任。",
                          lp_ref, cd_forms_str (app->unit->name), cd_forms_str (app->unit->uscc), ag_ref,
                          prof->name_zh);
  term = g_strdup_printf ("　　委托期限：自 %s 起至 %s 止。代理人无权转委托。特此委托。", doc->date_zh, until);

  cd_forms_doc_new_page (doc, NULL);
  cd_forms_title (doc, 24, 18, "法人授权委托书");
  y = 38;
  y += cd_forms_paragraph (doc, L0, y, CD_FORMS_WIDTH, 11, 1.7, CD_TEXT_FIELD, body, TRUE);
  y += 2;
  y += cd_forms_paragraph (doc, L0, y, CD_FORMS_WIDTH, 11, 1.7, CD_TEXT_FIELD, term, TRUE);

  /* Four places for the identity card copies, the card's own proportions. */
  y = MAX (y + 6, 96);
  for (guint i = 0; i < 4; i++)
    {
      double bx = L0 + (i % 2) * 94, by = y + (i / 2) * 60;

      cd_forms_rect (doc, bx, by, 86, 54, 0.5);
      cd_forms_text_box (doc, bx + 8, by + 17, 70, 20, 10, CD_TEXT_CENTER | CD_TEXT_GREY, id_captions[i]);
    }
  y += 2 * 60 + 8;

  cd_forms_text (doc, L0, y + 3.3, SZ, CD_TEXT_STATIC, "统一社会信用代码：");
  cd_forms_char_boxes (doc, L0 + 36, y - 1, 144.0 / 18, 6.5, 18, app->unit->uscc);
  y += 16;
  cd_forms_signature_line (doc, L0, y, 84, "法定代表人（签字）：", NULL);
  cd_forms_signature_line (doc, 112, y, 83, "代理人（签字）：", NULL);
  y += 12;
  cd_forms_signature_line (doc, L0, y, 84, "联系电话：", lp ? lp->mobile : NULL);
  cd_forms_signature_line (doc, 112, y, 83, "联系电话：", ag ? ag->mobile : NULL);
  y += 16;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_STATIC, "委托单位（盖章）：");
  cd_forms_text_box (doc, L0 + 34, y - 5, 146, 6.5, SZ, CD_TEXT_FIELD, app->unit->name);
  y += 20;
  cd_forms_date_line (doc, 112, y, "日期：", TRUE);
  return TRUE;
}
