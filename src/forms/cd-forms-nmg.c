/* cd-forms-nmg.c: the Inner Mongolia procurement three-copy application form (机构数字证书申请表, 一式三联). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-forms-private.h"

/* Everything in Chinese below is form text: the CA's form is Chinese whatever the UI language. The notes
 * and the declaration are the project's own wording of the facts in docs/domain.md. */

#define L0    CD_FORMS_LEFT          /* label column */
#define V0    (L0 + 30)              /* value column */
#define VW    (CD_FORMS_RIGHT - V0)  /* value width */
#define ROW   10.0
#define SZ    10.0                   /* label and value size */
/* A row with an ID number: label | name (NAME_W) | the number's label (IDL_W, two lines) | 18 boxes. The
 * name is short and the boxes are many: 18 boxes of 5.6 mm hold an 11 pt digit each with room to spare
 * inside the table's right edge (at 4.6 mm the digits filled the boxes edge to edge). */
#define NAME_W 32.0
#define IDL_W  17.0
#define ID_X   (V0 + NAME_W + IDL_W)
#define ID_W   ((CD_FORMS_RIGHT - ID_X) / 18)

static const struct {
  CdBusiness  business;
  const char *label;
} type_boxes[] = {
  { CD_BUSINESS_NEW, "新申请" },
  { CD_BUSINESS_RENEW, "延期" },
  { CD_BUSINESS_CHANGE, "变更" },
  { CD_BUSINESS_SUSPEND, "挂起" },
  { CD_BUSINESS_REPLACE, "补办" },
  { CD_BUSINESS_REVOKE, "注销" },
  { CD_BUSINESS_UNLOCK, "解锁" },   /* 口令解锁 has its own box, not an "other" note */
};

static const char *const role_labels[CD_N_PARTY_ROLES] = {
  "招标人/采购人", "代理机构", "投标人/竞标人", "评标专家", "其他（请注明）",
};

static const char *const notes[] = {
  "1、本表可用黑色签字笔手写，也可由受理点打印填写，一式三联；经办人签字并加盖单位公章后有效。",
  "2、“法人代表证件号码”填写法定代表人居民身份证号码；没有居民身份证的，填写护照等其他有效证件号码。",
  "3、办理时请交验：营业执照（或事业单位法人证书、社会团体登记证）复印件，法人授权委托书原件，"
  "法定代表人及经办人有效身份证件正反面复印件；所有复印件均须加盖单位公章。",
  "4、单位公章、法定代表人签字及法定代表人印章须在签章采集表上各留样一份，用于制作电子签章。",
};

static const char declaration[] =
  "本单位确认：表中所填信息真实、准确、完整；本单位委托上述经办人办理机构数字证书及电子签章业务，"
  "已阅读并同意《数字证书服务协议》和《用户责任书》的全部条款，对因信息不实或证书使用不当产生的后果承担法律责任。";

static void
header (CdFormsDoc *doc, const CdApplication *app, gboolean person)
{
  g_autofree char *main_keys = g_strdup_printf ("%u", app->keys_main);
  g_autofree char *sec_keys = g_strdup_printf ("%u", app->keys_secondary);
  g_autofree char *project = g_strdup_printf ("项目：%s    发证机构：%s", doc->req->profile->name_zh,
                                              doc->req->profile->ca_name);
  double x;
  gboolean boxed = FALSE;

  cd_forms_title (doc, 21, 18, person ? "个人数字证书申请表" : "机构数字证书申请表");
  cd_forms_text (doc, L0, 30, 8.5, CD_TEXT_GREY, project);

  /* 申请个数 */
  cd_forms_text (doc, L0, 39, SZ, CD_TEXT_STATIC, "申请个数：主证：");
  cd_forms_line (doc, L0 + 30, 40, L0 + 42, 40, 0.5);
  cd_forms_text (doc, L0 + 36, 39, SZ, CD_TEXT_FIELD | CD_TEXT_CENTER, main_keys);
  cd_forms_text (doc, L0 + 43, 39, SZ, CD_TEXT_STATIC, "个      副证：");
  cd_forms_line (doc, L0 + 68, 40, L0 + 80, 40, 0.5);
  cd_forms_text (doc, L0 + 74, 39, SZ, CD_TEXT_FIELD | CD_TEXT_CENTER, sec_keys);
  cd_forms_text (doc, L0 + 81, 39, SZ, CD_TEXT_STATIC, "个（选办）");

  /* 申请类型 */
  cd_forms_text (doc, L0, 47.5, SZ, CD_TEXT_STATIC, "申请类型：");
  x = L0 + 19;
  for (guint i = 0; i < G_N_ELEMENTS (type_boxes); i++)
    {
      gboolean on = app->business == type_boxes[i].business;
      boxed |= on;
      x = cd_forms_choice (doc, x, 46.3, SZ, type_boxes[i].label, on);
    }
  if (!boxed)
    {
      g_autofree char *other = g_strdup_printf ("（%s）", cd_forms_business_zh (app->business));
      cd_forms_text (doc, x - 2, 47.5, SZ, CD_TEXT_FIELD, other);
    }
  cd_forms_copy_label (doc, CD_FORMS_RIGHT, 47.5);
}

static void
party_row (CdFormsDoc *doc, const CdApplication *app, double y)
{
  double x = V0 + 2;

  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "主体类型");
  cd_forms_rect (doc, V0, y, VW, ROW, 0.6);
  for (guint r = 0; r < CD_N_PARTY_ROLES; r++)
    x = cd_forms_choice (doc, x, y + ROW / 2, 9.5, role_labels[r], app->has_party_role && app->party_role == r);
}

static void
id_row (CdFormsDoc *doc, double y, const char *name_label, const char *name, const char *id_label,
        const char *id_number)
{
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, name_label);
  cd_forms_value_cell (doc, V0, y, NAME_W, ROW, SZ, name);
  cd_forms_label_cell (doc, V0 + NAME_W, y, IDL_W, ROW, 9, id_label);
  cd_forms_char_boxes (doc, ID_X, y, ID_W, ROW, 18, id_number);
}

static double
unit_table (CdFormsDoc *doc, const CdApplication *app, double y)
{
  const CdUnit *u = app->unit;
  const CdPerson *lp = app->legal_person;
  const CdPerson *ag = app->agent;
  const char *email = ag && ag->email ? ag->email : u->email;

  cd_forms_label_cell (doc, L0, y, 30, 12, SZ, "单位名称（全称）");
  cd_forms_value_cell (doc, V0, y, VW, 12, 11, u->name);
  y += 12;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "统一社会信用代码");
  cd_forms_char_boxes (doc, V0, y, VW / 18, ROW, 18, u->uscc);
  y += ROW;
  party_row (doc, app, y);
  y += ROW;
  id_row (doc, y, "法人代表", lp ? lp->name : NULL, "法人代表\n证件号码", lp ? lp->id_number : NULL);
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "法人联系电话");
  cd_forms_value_cell (doc, V0, y, 45, ROW, SZ, lp ? lp->mobile : NULL);
  cd_forms_rect (doc, V0 + 45, y, VW - 45, ROW, 0.6);
  cd_forms_text_box (doc, V0 + 47, y + 0.8, VW - 49, ROW - 1.6, 8.5, CD_TEXT_GREY,
                     "填写法定代表人本人手机号码，办理证书口令解锁时用于核验；填写他人号码的，后果由单位自负");
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "单位地址");
  cd_forms_value_cell (doc, V0, y, VW, ROW, SZ, u->address);
  y += ROW;
  id_row (doc, y, "经办人姓名", ag ? ag->name : NULL, "身份证\n号码", ag ? ag->id_number : NULL);
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "联系电话");
  cd_forms_value_cell (doc, V0, y, 40, ROW, SZ, ag ? ag->mobile : NULL);
  cd_forms_label_cell (doc, V0 + 40, y, 20, ROW, SZ, "单位电话");
  cd_forms_value_cell (doc, V0 + 60, y, 40, ROW, SZ, u->phone);
  cd_forms_label_cell (doc, V0 + 100, y, 20, ROW, SZ, "邮政编码");
  cd_forms_value_cell (doc, V0 + 120, y, VW - 120, ROW, SZ, u->postcode);
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "通讯地址");
  cd_forms_value_cell (doc, V0, y, 70, ROW, SZ, u->address);
  cd_forms_label_cell (doc, V0 + 70, y, 20, ROW, SZ, "电子邮件");
  cd_forms_value_cell (doc, V0 + 90, y, VW - 90, ROW, SZ, email);
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, 14, SZ, "经办人签字");
  cd_forms_rect (doc, V0, y, VW, 14, 0.6);
  return y + 14;
}

static double
person_table (CdFormsDoc *doc, const CdApplication *app, double y)
{
  const CdPerson *p = app->person;

  id_row (doc, y, "申请人姓名", p->name, "证件号码", p->id_number);
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "证件类型");
  cd_forms_value_cell (doc, V0, y, NAME_W, ROW, SZ, cd_forms_id_type_zh (p->id_type));
  cd_forms_label_cell (doc, V0 + NAME_W, y, IDL_W, ROW, 9, "手机号码");
  cd_forms_value_cell (doc, ID_X, y, CD_FORMS_RIGHT - ID_X, ROW, SZ, p->mobile);
  y += ROW;
  party_row (doc, app, y);
  y += ROW;
  cd_forms_label_cell (doc, L0, y, 30, ROW, SZ, "电子邮件");
  cd_forms_value_cell (doc, V0, y, VW, ROW, SZ, p->email);
  y += ROW;
  if (app->agent)
    {
      id_row (doc, y, "经办人姓名", app->agent->name, "身份证\n号码", app->agent->id_number);
      y += ROW;
    }
  cd_forms_label_cell (doc, L0, y, 30, 14, SZ, "申请人签字");
  cd_forms_rect (doc, V0, y, VW, 14, 0.6);
  return y + 14;
}

gboolean
cd_forms_draw_nmg_application (CdFormsDoc *doc, GError **error)
{
  const CdApplication *app = doc->req->application;
  gboolean person = app->person != NULL;
  double y;

  cd_forms_doc_new_page (doc, NULL);
  header (doc, app, person);
  y = person ? person_table (doc, app, 52) : unit_table (doc, app, 52);

  y += 7;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_BOLD, "用户须知：");
  y += 2;
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    y += cd_forms_paragraph (doc, L0 + 2, y, CD_FORMS_WIDTH - 2, 9, 1.35, CD_TEXT_STATIC, notes[i], TRUE);
  y += 4;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_BOLD, "用户声明：");
  y += 2;
  y += cd_forms_paragraph (doc, L0 + 2, y, CD_FORMS_WIDTH - 2, 9, 1.35, CD_TEXT_STATIC, declaration, TRUE);

  /* Signatures and seals: the applicant on the left, the accepting counter on the right. */
  y = MAX (y + 10, 246);
  cd_forms_signature_line (doc, L0, y, 80, person ? "申请人（签字）：" : "申请人（经办人签字）：", NULL);
  cd_forms_signature_line (doc, 112, y, 83, "受理员：", doc->req->clerk);
  y += 10;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_STATIC, person ? "" : "申请单位（盖章）");
  cd_forms_text (doc, 112, y, SZ, CD_TEXT_STATIC, "受理单位（盖章）");
  if (doc->req->outlet)
    cd_forms_text_box (doc, 112, y + 2, 83, 6, 9, CD_TEXT_FIELD, doc->req->outlet);
  y += 22;
  cd_forms_date_line (doc, L0 + 30, y, NULL, TRUE);
  cd_forms_date_line (doc, 140, y, NULL, TRUE);
  return TRUE;
}
