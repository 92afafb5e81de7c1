/* cd-forms-xj.c: the Xinjiang CA two-copy business application form (数字证书业务申请表, 一式两份). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-forms-private.h"

/* Chinese strings below are form text (the CA's form), in the project's own wording. */

#define L0   CD_FORMS_LEFT
#define LW   30.0
#define V0   (L0 + LW)
#define VW   (CD_FORMS_RIGHT - V0)
#define ROW  10.0
#define SZ   10.0
#define ID_X 113.0
#define ID_W ((CD_FORMS_RIGHT - ID_X) / 18)

static const CdApplicantType unit_types[] = {
  CD_APPLICANT_ENTERPRISE, CD_APPLICANT_INSTITUTION, CD_APPLICANT_GOVERNMENT, CD_APPLICANT_ORGANIZATION,
};

static const char declaration[] =
  "本单位确认：所填信息及提交的证明材料真实、有效，并委托上述经办人办理数字证书业务；本单位已阅读并同意"
  "《数字证书服务协议》和《数字证书用户责任书》，对证书的使用承担法律责任。";

static void
pair_row (CdFormsDoc *doc, double y, const char *l1, const char *v1, const char *l2, const char *v2)
{
  cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, l1);
  cd_forms_value_cell (doc, V0, y, ID_X - 28 - V0, ROW, SZ, v1);
  cd_forms_label_cell (doc, ID_X - 28, y, 28, ROW, SZ, l2);
  cd_forms_value_cell (doc, ID_X, y, CD_FORMS_RIGHT - ID_X, ROW, SZ, v2);
}

static void
id_row (CdFormsDoc *doc, double y, const char *l1, const char *name, const char *l2, const char *id)
{
  cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, l1);
  cd_forms_value_cell (doc, V0, y, ID_X - 28 - V0, ROW, SZ, name);
  cd_forms_label_cell (doc, ID_X - 28, y, 28, ROW, SZ, l2);
  cd_forms_char_boxes (doc, ID_X, y, ID_W, ROW, 18, id);
}

static double
business_line (CdFormsDoc *doc, const CdApplication *app, double y)
{
  const CdProfile *prof = doc->req->profile;
  double x = L0 + 19;

  cd_forms_text (doc, L0, y + 1.3, SZ, CD_TEXT_STATIC, "业务类型：");
  for (guint b = 0; b <= CD_N_BUSINESSES; b++)
    {
      const char *label = b < CD_N_BUSINESSES ? cd_forms_business_zh (b) : "已持有本中心证书（一证通）";
      gboolean on = b < CD_N_BUSINESSES ? app->business == b : app->one_cert;

      if (b < CD_N_BUSINESSES && !cd_profile_offers_business (prof, b))
        continue;
      if (b == CD_N_BUSINESSES && !app->unit)
        break;
      /* Many offered businesses continue on a second line rather than past the margin. */
      if (x + 6 + cd_forms_text_width (doc, SZ, label) > CD_FORMS_RIGHT)
        {
          x = L0 + 19;
          y += 7;
        }
      x = cd_forms_choice (doc, x, y, SZ, label, on);
    }
  return y + 8;
}

gboolean
cd_forms_draw_xj_application (CdFormsDoc *doc, GError **error)
{
  const CdApplication *app = doc->req->application;
  const CdProfile *prof = doc->req->profile;
  const CdPerson *ag = app->agent;
  const CdPerson *lp = app->legal_person;
  g_autofree char *years = g_strdup_printf ("%u 年", app->years ? app->years : prof->validity_years);
  g_autofree char *keys = g_strdup_printf ("%u 个", cd_application_total_keys (app));
  g_autofree char *sub = g_strdup_printf ("%s    发证机构：%s", prof->name_zh, prof->ca_name);
  double y, x;

  cd_forms_doc_new_page (doc, NULL);
  cd_forms_title (doc, 21, 18, app->person ? "个人数字证书业务申请表" : "单位数字证书业务申请表");
  cd_forms_text (doc, L0, 30, 8.5, CD_TEXT_GREY, sub);
  cd_forms_copy_label (doc, CD_FORMS_RIGHT, 40);
  y = business_line (doc, app, 46);

  if (app->person)
    {
      const CdPerson *p = app->person;

      id_row (doc, y, "申请人姓名", p->name, "证件号码", p->id_number);
      y += ROW;
      pair_row (doc, y, "证件类型", cd_forms_id_type_zh (p->id_type), "手机号码", p->mobile);
      y += ROW;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "电子邮箱");
      cd_forms_value_cell (doc, V0, y, VW, ROW, SZ, p->email);
      y += ROW;
    }
  else
    {
      const CdUnit *u = app->unit;

      cd_forms_label_cell (doc, L0, y, LW, 12, SZ, "单位名称");
      cd_forms_value_cell (doc, V0, y, VW, 12, 11, u->name);
      y += 12;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "单位类型");
      cd_forms_rect (doc, V0, y, VW, ROW, 0.6);
      x = V0 + 2;
      for (guint i = 0; i < G_N_ELEMENTS (unit_types); i++)
        x = cd_forms_choice (doc, x, y + ROW / 2, SZ, cd_forms_applicant_zh (unit_types[i]),
                             app->applicant_type == unit_types[i]);
      y += ROW;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "统一社会信用代码");
      cd_forms_char_boxes (doc, V0, y, VW / 18, ROW, 18, u->uscc);
      y += ROW;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "单位地址");
      cd_forms_value_cell (doc, V0, y, 110, ROW, SZ, u->address);
      cd_forms_label_cell (doc, V0 + 110, y, 18, ROW, SZ, "邮编");
      cd_forms_value_cell (doc, V0 + 128, y, VW - 128, ROW, SZ, u->postcode);
      y += ROW;
      pair_row (doc, y, "单位电话", u->phone, "单位邮箱", u->email);
      y += ROW;
      id_row (doc, y, "法定代表人", lp ? lp->name : NULL, "证件号码", lp ? lp->id_number : NULL);
      y += ROW;
    }
  id_row (doc, y, "经办人姓名", ag ? ag->name : NULL, "身份证号码", ag ? ag->id_number : NULL);
  y += ROW;
  pair_row (doc, y, "经办人手机", ag ? ag->mobile : NULL, "经办人邮箱", ag ? ag->email : NULL);
  y += ROW;
  pair_row (doc, y, "证书有效期", years, "介质数量", keys);
  y += ROW;
  pair_row (doc, y, "原证书序列号", app->existing_serial, "所属项目", prof->name_zh);
  y += ROW;

  y += 7;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_BOLD, app->person ? "申请人声明：" : "申请单位声明：");
  y += 2;
  y += cd_forms_paragraph (doc, L0 + 2, y, CD_FORMS_WIDTH - 2, 9.5, 1.4, CD_TEXT_STATIC, declaration, TRUE);

  y += 12;
  cd_forms_signature_line (doc, L0, y, 80, app->person ? "申请人（签字）：" : "经办人（签字）：", NULL);
  cd_forms_text (doc, 112, y, SZ, CD_TEXT_STATIC, app->person ? "" : "申请单位（盖章）：");
  y += 24;
  cd_forms_date_line (doc, L0, y, "申请日期：", TRUE);

  /* The acceptance block: filled in by the counter. */
  y = MAX (y + 10, 238);
  cd_forms_rect (doc, L0, y, CD_FORMS_WIDTH, CD_FORMS_PAGE_H - 14 - y, 0.8);
  cd_forms_text (doc, L0 + 3, y + 7, SZ, CD_TEXT_BOLD, "受理信息（由受理点填写）");
  cd_forms_signature_line (doc, L0 + 3, y + 17, 80, "受理员（签字）：", doc->req->clerk);
  cd_forms_signature_line (doc, 112, y + 17, 80, "证书序列号：", NULL);
  cd_forms_text (doc, 112, y + 29, SZ, CD_TEXT_STATIC, "受理单位（盖章）：");
  cd_forms_text_box (doc, 112, y + 31, 80, 5.5, 9, CD_TEXT_FIELD, doc->req->outlet);
  cd_forms_date_line (doc, L0 + 3, y + 29, "受理日期：", TRUE);
  return TRUE;
}
