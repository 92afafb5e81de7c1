/* cd-forms-pin.c: the PIN slip (数字证书口令通知单) handed over with the USB key. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-forms-private.h"

/* Chinese strings are form text. The slip takes the top of the page and is cut off along the dashed line. */

#define L0  CD_FORMS_LEFT
#define SZ  10.5
#define CUT 128.0

static const char *const notes[] = {
  "1、请在首次使用证书前修改初始口令；新口令请勿使用生日、电话号码等容易猜到的数字。",
  "2、口令连续输错次数过多，证书介质将被锁定，须携带相关材料到受理点办理口令解锁。",
  "3、受理点工作人员不会以任何方式索要您的口令，请勿将口令告诉他人；本通知单请妥善保管或阅后销毁。",
};

gboolean
cd_forms_draw_pin_slip (CdFormsDoc *doc, GError **error)
{
  const CdApplication *app = doc->req->application;
  const CdProfile *prof = doc->req->profile;
  const CdPerson *holder = cd_forms_holder (app);
  const char *pin = doc->req->pin;
  g_autofree char *keys = g_strdup_printf ("介质数量：%u 个（主证 %u，副证 %u）", cd_application_total_keys (app),
                                           app->keys_main, app->keys_secondary);
  g_autofree char *who = g_strdup_printf ("证书用户：%s", cd_application_display_name (app));
  g_autofree char *ref = g_strdup_printf ("申请编号：%s", doc->req->number);
  g_autofree char *ca = g_strdup_printf ("发证机构：%s", prof->ca_name);
  g_autofree char *recv = g_strdup_printf ("领取人：%s", holder && holder->name ? holder->name : "");
  guint n;
  double y, box = 10;

  if (pin == NULL && prof->pin_policy == CD_PIN_POLICY_FIXED)
    pin = prof->initial_pin;
  n = pin ? strlen (pin) : (prof->pin_length ? prof->pin_length : 8);

  cd_forms_doc_new_page (doc, NULL);
  cd_forms_title (doc, 20, 16, "数字证书口令通知单");
  cd_forms_text_box (doc, L0, 30, 115, 6, SZ, CD_TEXT_FIELD, who);
  cd_forms_text (doc, L0, 42, SZ, CD_TEXT_FIELD, ref);
  cd_forms_text (doc, L0, 49, SZ, CD_TEXT_FIELD, keys);
  cd_forms_text_box (doc, L0, 51.5, 150, 6, SZ, CD_TEXT_FIELD, ca);

  y = 62;
  cd_forms_text (doc, L0, y + 6.5, 12, CD_TEXT_BOLD, pin ? "初始口令（PIN）：" : "初始口令（PIN，由受理员填写）：");
  {
    double x0 = L0 + (pin ? 42 : 70);

    for (guint i = 0; i < n && i < 16; i++)
      {
        char ch[2] = { pin ? pin[i] : 0, 0 };

        cd_forms_rect (doc, x0 + i * box, y, box, box, 0.8);
        if (pin)
          cd_forms_text_box (doc, x0 + i * box, y, box, box, 16, CD_TEXT_FIELD | CD_TEXT_CENTER | CD_TEXT_BOLD, ch);
      }
  }
  y += box + 8;
  for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
    y += cd_forms_paragraph (doc, L0, y, CD_FORMS_WIDTH, 9.5, 1.4, CD_TEXT_STATIC, notes[i], TRUE);
  y += 9;
  cd_forms_text (doc, L0, y, SZ, CD_TEXT_FIELD, recv);
  cd_forms_signature_line (doc, 75, y, 50, "签字：", NULL);
  cd_forms_date_line (doc, 132, y, NULL, TRUE);

  cd_forms_dashed_line (doc, 8, CUT, CD_FORMS_PAGE_W - 8, CUT);
  cd_forms_text (doc, CD_FORMS_PAGE_W - 10, CUT - 1.2, 7, CD_TEXT_RIGHT | CD_TEXT_GREY, "沿此线裁开");
  return TRUE;
}
