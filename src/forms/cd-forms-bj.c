/* cd-forms-bj.c: the Beijing government certificate forms: the two-copy application form with its acceptance
 * block (政务数字证书业务申请表) and the business detail sheet (业务明细表). */
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

static const char *const declaration[] = {
  "1、提交的资料真实、准确、完整，并授权上述经办人办理数字证书业务；因资料虚假或遗漏产生的后果由申请方承担。",
  "2、已阅读并同意《政务数字证书服务协议》，在本表上签名、盖章即表示接受该协议的约束。",
  "3、同意发证机构收集上述信息，用于签发和管理数字证书。",
};

static void
row2 (CdFormsDoc *doc, double y, const char *l1, const char *v1, const char *l2, const char *v2)
{
  cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, l1);
  cd_forms_value_cell (doc, V0, y, ID_X - 28 - V0, ROW, SZ, v1);
  cd_forms_label_cell (doc, ID_X - 28, y, 28, ROW, SZ, l2);
  cd_forms_value_cell (doc, ID_X, y, CD_FORMS_RIGHT - ID_X, ROW, SZ, v2);
}

static void
id_row (CdFormsDoc *doc, double y, const char *l1, const char *v1, const char *l2, const char *id)
{
  cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, l1);
  cd_forms_value_cell (doc, V0, y, ID_X - 28 - V0, ROW, SZ, v1);
  cd_forms_label_cell (doc, ID_X - 28, y, 28, ROW, SZ, l2);
  cd_forms_char_boxes (doc, ID_X, y, ID_W, ROW, 18, id);
}

static void
section (CdFormsDoc *doc, double y, const char *title)
{
  cd_forms_fill_rect (doc, L0, y, CD_FORMS_WIDTH, 7, 0.88, FALSE);
  cd_forms_rect (doc, L0, y, CD_FORMS_WIDTH, 7, 0.6);
  cd_forms_text (doc, L0 + 2, y + 5, SZ, CD_TEXT_BOLD, title);
}

gboolean
cd_forms_draw_bj_application (CdFormsDoc *doc, GError **error)
{
  const CdApplication *app = doc->req->application;
  const CdProfile *prof = doc->req->profile;
  const CdPerson *ag = app->agent;
  g_autofree char *years = g_strdup_printf ("%u 年", app->years ? app->years : prof->validity_years);
  g_autofree char *media = g_strdup_printf ("%u 个 / %u 枚", cd_application_total_keys (app), app->seals);
  double y, x;

  cd_forms_doc_new_page (doc, NULL);
  cd_forms_title (doc, 21, 17, "政务数字证书业务申请表");
  cd_forms_text (doc, L0, 30, 8.5, CD_TEXT_GREY, prof->name_zh);
  cd_forms_copy_label (doc, CD_FORMS_RIGHT, 40);

  y = 46;
  cd_forms_text (doc, L0, y + 1.3, SZ, CD_TEXT_STATIC, "证书业务类型：");
  x = L0 + 26;
  for (guint b = 0; b < CD_N_BUSINESSES; b++)
    if (cd_profile_offers_business (prof, b))
      x = cd_forms_choice (doc, x, y, SZ, b == CD_BUSINESS_REVOKE ? "吊销" : cd_forms_business_zh (b),
                           app->business == b);
  y += 6;

  row2 (doc, y, "证书有效期", years, "介质 / 电子签章", NULL);
  cd_forms_text_box (doc, ID_X + 2, y + 0.8, CD_FORMS_RIGHT - ID_X - 4, ROW - 1.6, SZ, CD_TEXT_FIELD,
                     media);
  y += ROW;
  /* The application system and its owner are written by hand: the application model does not hold them. */
  row2 (doc, y, "应用归属单位", NULL, "应用系统名称", NULL);
  y += ROW + 3;

  section (doc, y, app->person ? "申请人资料" : "申请单位资料");
  y += 7;
  if (app->person)
    {
      const CdPerson *p = app->person;

      id_row (doc, y, "姓名", p->name, "证件号码", p->id_number);
      y += ROW;
      row2 (doc, y, "证件类型", cd_forms_id_type_zh (p->id_type), "手机号码", p->mobile);
      y += ROW;
      row2 (doc, y, "电子邮箱", p->email, "所在单位", NULL);
      y += ROW;
    }
  else
    {
      const CdUnit *u = app->unit;
      const CdPerson *lp = app->legal_person;

      cd_forms_label_cell (doc, L0, y, LW, 12, SZ, "单位名称");
      cd_forms_value_cell (doc, V0, y, VW, 12, 11, u->name);
      y += 12;
      row2 (doc, y, "法定代表人", lp ? lp->name : NULL, "邮政编码", u->postcode);
      y += ROW;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "通信地址");
      cd_forms_value_cell (doc, V0, y, VW, ROW, SZ, u->address);
      y += ROW;
      row2 (doc, y, "单位电话", u->phone, "单位传真", NULL);
      y += ROW;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "统一社会信用代码");
      cd_forms_char_boxes (doc, V0, y, VW / 18, ROW, 18, u->uscc);
      y += ROW;
    }
  if (ag)
    {
      id_row (doc, y, "经办人姓名", ag->name, "证件号码", ag->id_number);
      y += ROW;
      row2 (doc, y, "经办人证件", cd_forms_id_type_zh (ag->id_type), "经办人手机", ag->mobile);
      y += ROW;
      cd_forms_label_cell (doc, L0, y, LW, ROW, SZ, "经办人邮箱");
      cd_forms_value_cell (doc, V0, y, VW, ROW, SZ, ag->email);
      y += ROW;
    }
  y += 3;
  section (doc, y, app->person ? "申请人声明" : "申请单位声明");
  y += 9;
  for (guint i = 0; i < G_N_ELEMENTS (declaration); i++)
    y += cd_forms_paragraph (doc, L0 + 2, y, CD_FORMS_WIDTH - 4, 9.5, 1.4, CD_TEXT_STATIC, declaration[i], TRUE);
  y += 10;
  cd_forms_signature_line (doc, L0, y, 80, ag ? "经办人签名：" : "申请人签名：", NULL);
  cd_forms_text (doc, 112, y, SZ, CD_TEXT_STATIC, !app->person ? "申请单位（公章）：" : ag ? "申请人签名：" : "");
  y += 20;
  cd_forms_date_line (doc, 112, y, "申请日期：", TRUE);

  /* 受理审批: the acceptance block, the counter's part. */
  y = MAX (y + 8, 240);
  section (doc, y, "受理审批（由受理单位填写）");
  cd_forms_rect (doc, L0, y + 7, CD_FORMS_WIDTH, CD_FORMS_PAGE_H - 14 - y - 7, 0.6);
  cd_forms_signature_line (doc, L0 + 3, y + 17, 85, "证书业务操作员签名：", doc->req->clerk);
  cd_forms_text (doc, 112, y + 17, SZ, CD_TEXT_STATIC, "受理单位（盖章）：");
  cd_forms_text_box (doc, 112, y + 19, 80, 5.5, 9, CD_TEXT_FIELD, doc->req->outlet);
  cd_forms_date_line (doc, L0 + 3, y + 30, "受理日期：", TRUE);
  return TRUE;
}

/* The detail sheet: one row per key, the fee and the invoice data the CA needs for a mailed application. */
gboolean
cd_forms_draw_detail_sheet (CdFormsDoc *doc, GError **error)
{
  static const double colx[] = { L0, L0 + 10, L0 + 60, L0 + 100, L0 + 114, L0 + 128, L0 + 142, L0 + 158,
                                 CD_FORMS_RIGHT };
  static const char *const heads[] = { "序号", "证书持有者", "证件号码", "业务", "有效期", "介质", "电子签章",
                                       "备注" };
  const CdApplication *app = doc->req->application;
  const CdProfile *prof = doc->req->profile;
  const CdInvoice *inv = app->invoice;
  guint keys = cd_application_total_keys (app);
  guint rows = MAX (8, keys);
  const char *holder = cd_application_display_name (app);
  const char *id = app->person ? app->person->id_number : app->unit ? app->unit->uscc : NULL;
  g_autofree char *years = g_strdup_printf ("%u 年", app->years ? app->years : prof->validity_years);
  g_autofree char *head = g_strdup_printf ("申请%s：%s", app->person ? "人" : "单位", holder);
  double y, h = 8.5;

  cd_forms_doc_new_page (doc, NULL);
  cd_forms_title (doc, 21, 17, app->person ? "政务个人证书业务明细表" : "政务单位证书业务明细表");
  cd_forms_text (doc, L0, 30, 8.5, CD_TEXT_GREY, prof->name_zh);
  cd_forms_text_box (doc, L0, 34, 150, 7, SZ, CD_TEXT_FIELD, head);

  y = 44;
  for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
    {
      cd_forms_fill_rect (doc, colx[c], y, colx[c + 1] - colx[c], h, 0.88, FALSE);
      cd_forms_label_cell (doc, colx[c], y, colx[c + 1] - colx[c], h, 9, heads[c]);
    }
  y += h;
  rows = MIN (rows, 16);
  for (guint r = 0; r < rows; r++, y += h)
    {
      g_autofree char *num = g_strdup_printf ("%u", r + 1);
      g_autofree char *sealn = g_strdup_printf ("%u", app->seals);
      gboolean filled = r < keys;
      const char *cells[8] = {
        num, filled ? holder : NULL, filled ? id : NULL, filled ? cd_forms_business_zh (app->business) : NULL,
        filled ? years : NULL, filled ? (r < app->keys_main ? "主证" : "副证") : NULL,
        filled && r == 0 ? sealn : NULL, filled && r == 0 ? app->existing_serial : NULL,
      };

      for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
        {
          double cw = colx[c + 1] - colx[c];

          cd_forms_rect (doc, colx[c], y, cw, h, 0.5);
          if (c == 0)
            cd_forms_text_box (doc, colx[c], y + 0.6, cw, h - 1.2, 9, CD_TEXT_CENTER, cells[c]);
          else
            cd_forms_text_box (doc, colx[c] + 1.2, y + 0.6, cw - 2.4, h - 1.2, 9,
                               CD_TEXT_FIELD | (c >= 3 ? CD_TEXT_CENTER : 0), cells[c]);
        }
    }

  y += 6;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_BOLD, "开票信息");
  y += 2.5;
  {
    g_autofree char *addr = inv && (inv->address || inv->phone)
                              ? g_strdup_printf ("%s %s", cd_forms_str (inv->address), cd_forms_str (inv->phone))
                              : NULL;
    g_autofree char *bank = inv && (inv->bank || inv->account)
                              ? g_strdup_printf ("%s %s", cd_forms_str (inv->bank), cd_forms_str (inv->account))
                              : NULL;

    row2 (doc, y, "发票抬头", inv ? inv->title : NULL, "纳税人识别号", inv ? inv->taxpayer_id : NULL);
    y += ROW;
    row2 (doc, y, "地址、电话", addr, "开户行及账号", bank);
    y += ROW;
    row2 (doc, y, "电子发票邮箱", inv ? inv->email : NULL, "付款方式",
          app->payment.has_payment ? cd_forms_payment_zh (app->payment.method) : NULL);
    y += ROW;
  }
  y += 14;
  cd_forms_signature_line (doc, L0, y, 80, "经办人（签字）：", NULL);
  /* a person signs on a line like the agent's; a unit stamps its seal, no line */
  if (app->person)
    cd_forms_signature_line (doc, 112, y, 83, "申请人（签字）：", NULL);
  else
    cd_forms_text (doc, 112, y, SZ, CD_TEXT_STATIC, "申请单位（盖章）：");
  y += 22;
  cd_forms_date_line (doc, 112, y, "日期：", TRUE);
  return TRUE;
}
