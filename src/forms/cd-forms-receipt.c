/* cd-forms-receipt.c: the payment receipt (收费凭证): the itemised fee in yuan, from integer fen. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-forms-private.h"

/* Chinese strings are form text. One page holds the receipt for the payer and, below the cut line, the
 * counter's stub: the same content, two labels. */

#define L0    CD_FORMS_LEFT
#define HALF  148.5
#define SZ    10.0

static const double colx[] = { L0, L0 + 12, L0 + 98, L0 + 116, L0 + 148, CD_FORMS_RIGHT };

/* The printed label is the profile's Chinese one, whatever the UI language the quote was made in. */
static char *
line_label (const CdProfile *prof, const CdFeeQuote *q, const CdFeeLine *line)
{
  for (guint i = 0; i < prof->fee_variants->len; i++)
    {
      const CdFeeVariant *v = prof->fee_variants->pdata[i];

      if (v->business != q->business || g_strcmp0 (v->id, q->variant) != 0)
        continue;
      for (guint j = 0; j < v->rules->len; j++)
        {
          const CdFeeRule *r = v->rules->pdata[j];

          if (!g_str_equal (r->code, line->code) || r->label_zh == NULL)
            continue;
          if (r->per == CD_FEE_PER_TABLE || r->per == CD_FEE_PER_YEAR || r->per == CD_FEE_PER_TERM)
            return g_strdup_printf ("%s（%u 年）", r->label_zh, q->years);
          return g_strdup (r->label_zh);
        }
    }
  return g_strdup (line->label);
}

static void
cell (CdFormsDoc *doc, guint c, double y, double h, CdTextFlags flags, const char *text)
{
  double w = colx[c + 1] - colx[c];

  cd_forms_rect (doc, colx[c], y, w, h, 0.5);
  cd_forms_text_box (doc, colx[c] + 1.5, y + 0.6, w - 3, h - 1.2, SZ, flags, text);
}

static void
draw_half (CdFormsDoc *doc, const CdFeeQuote *q, double y0, const char *part)
{
  const CdApplication *app = doc->req->application;
  const CdProfile *prof = doc->req->profile;
  const CdInvoice *inv = app->invoice;
  g_autofree char *total = cd_fen_to_yuan_string (q->total_fen);
  g_autofree char *total_text = g_strdup_printf ("¥ %s", total);
  g_autofree char *capital = cd_forms_yuan_capital (q->total_fen);
  g_autofree char *capital_text = g_strdup_printf ("合计（大写）：%s", capital);
  g_autofree char *ref = g_strdup_printf ("凭证编号：%s        开具日期：%s", doc->req->number, doc->date_zh);
  g_autofree char *business = g_strdup_printf ("收费事项：%s · %s", prof->name_zh, cd_forms_business_zh (app->business));
  g_autofree char *payer = g_strdup_printf ("付款单位（人）：%s", cd_application_display_name (app));
  g_autofree char *payee = doc->req->outlet ? g_strdup_printf ("收款单位：%s（%s）", doc->req->outlet, prof->ca_name)
                                            : g_strdup_printf ("收款单位：%s", prof->ca_name);
  double y = y0 + 38, h = 8;
  guint rows = MAX (4, q->lines->len);

  cd_forms_text (doc, CD_FORMS_PAGE_W / 2, y0 + 16, 17, CD_TEXT_CENTER | CD_TEXT_BOLD, "收 费 凭 证");
  if (doc->req->reprint)
    {
      /* A second copy of a receipt must not pass for a second payment: marked on both parts, in both copy
       * modes (a value, not part of the pre-printed form). */
      cd_forms_rect (doc, CD_FORMS_PAGE_W / 2 + 27, y0 + 9.5, 17, 8.5, 0.8);
      cd_forms_text (doc, CD_FORMS_PAGE_W / 2 + 35.5, y0 + 15.5, 12, CD_TEXT_CENTER | CD_TEXT_BOLD | CD_TEXT_FIELD,
                     "补打");
    }
  cd_forms_text (doc, CD_FORMS_QR_X - 4, y0 + 24, 9.5, CD_TEXT_RIGHT | CD_TEXT_BOLD, part);
  cd_forms_text (doc, L0, y0 + 24, 9, CD_TEXT_FIELD, ref);
  /* Below the QR code's corner: the payer and what was paid for. */
  cd_forms_text_box (doc, L0, y0 + 26, 150, 5.5, 10, CD_TEXT_FIELD, payer);
  cd_forms_text_box (doc, L0, y0 + 31.5, 155, 5.5, 9.5, CD_TEXT_FIELD, business);

  {
    static const char *const heads[] = { "序号", "收费项目", "数量", "单价（元）", "金额（元）" };
    for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
      {
        cd_forms_fill_rect (doc, colx[c], y, colx[c + 1] - colx[c], h, 0.9, FALSE);
        cell (doc, c, y, h, CD_TEXT_CENTER, heads[c]);
      }
    y += h;
  }
  for (guint i = 0; i < rows; i++, y += h)
    {
      const CdFeeLine *l = i < q->lines->len ? q->lines->pdata[i] : NULL;
      g_autofree char *num = g_strdup_printf ("%u", i + 1);
      g_autofree char *label = l ? line_label (prof, q, l) : NULL;
      g_autofree char *qty = l ? g_strdup_printf ("%u", l->qty) : NULL;
      g_autofree char *unit = l ? cd_fen_to_yuan_string (l->unit_fen) : NULL;
      g_autofree char *amount = l ? cd_fen_to_yuan_string (l->amount_fen) : NULL;

      if (q->lines->len == 0 && i == 0)
        label = g_strdup ("本业务免收费用");
      cell (doc, 0, y, h, CD_TEXT_CENTER, num);
      cell (doc, 1, y, h, CD_TEXT_FIELD, label);
      cell (doc, 2, y, h, CD_TEXT_FIELD | CD_TEXT_CENTER, qty);
      cell (doc, 3, y, h, CD_TEXT_FIELD | CD_TEXT_RIGHT, unit);
      cell (doc, 4, y, h, CD_TEXT_FIELD | CD_TEXT_RIGHT, amount);
    }
  cd_forms_rect (doc, colx[0], y, colx[4] - colx[0], h, 0.5);
  cd_forms_text_box (doc, colx[0] + 1.5, y + 0.6, colx[4] - colx[0] - 3, h - 1.2, SZ, CD_TEXT_FIELD, capital_text);
  cell (doc, 4, y, h, CD_TEXT_FIELD | CD_TEXT_RIGHT | CD_TEXT_BOLD, total_text);
  y += h + 6;

  if (app->payment.has_payment)
    {
      g_autofree char *pay = NULL;

      if (app->payment.method == CD_PAYMENT_CASH && app->payment.received_fen > 0)
        {
          g_autofree char *rec = cd_fen_to_yuan_string (app->payment.received_fen);
          g_autofree char *change = cd_fen_to_yuan_string (MAX (0, app->payment.received_fen - q->total_fen));
          pay = g_strdup_printf ("支付方式：%s    实收：¥ %s    找零：¥ %s", cd_forms_payment_zh (app->payment.method),
                                 rec, change);
        }
      else
        pay = g_strdup_printf ("支付方式：%s", cd_forms_payment_zh (app->payment.method));
      cd_forms_text (doc, L0, y, SZ, CD_TEXT_FIELD, pay);
    }
  else
    cd_forms_text (doc, L0, y, SZ, CD_TEXT_STATIC, "支付方式：□现金 □微信 □支付宝 □银行卡 □银行转账");
  y += 6.5;
  if (inv)
    {
      g_autofree char *it = g_strdup_printf ("发票信息：%s  %s  %s", cd_forms_str (inv->title),
                                             cd_forms_str (inv->taxpayer_id), cd_forms_str (inv->email));
      cd_forms_text_box (doc, L0, y - 4.5, CD_FORMS_WIDTH, 6, 9.5, CD_TEXT_FIELD, it);
    }
  y += 5.5;
  cd_forms_text (doc, L0, y, 8.5, CD_TEXT_GREY, "本凭证仅证明已收取上列费用，不作报销凭证；发票另行开具，电子发票发送至所留邮箱。");
  y += 9;
  cd_forms_text_box (doc, L0, y - 4.5, 120, 6, SZ, CD_TEXT_FIELD, payee);
  cd_forms_signature_line (doc, 140, y, 55, "收款人：", doc->req->clerk);
}

gboolean
cd_forms_draw_receipt (CdFormsDoc *doc, GError **error)
{
  const CdApplication *app = doc->req->application;
  g_autoptr(CdFeeQuote) own = NULL;
  const CdFeeQuote *q = doc->req->quote;

  if (q == NULL)
    {
      CdFeeRequest fr = cd_application_fee_request (app);

      own = cd_fee_quote (doc->req->profile, app->business, app->applicant_type, &fr, NULL, error);
      if (own == NULL)
        return FALSE;
      q = own;
    }
  cd_forms_doc_new_page (doc, NULL);
  draw_half (doc, q, 0, "第一联 交付款人");
  cd_forms_dashed_line (doc, 8, HALF, CD_FORMS_PAGE_W - 8, HALF);
  cd_forms_text (doc, CD_FORMS_PAGE_W - 10, HALF - 1.2, 7, CD_TEXT_RIGHT | CD_TEXT_GREY, "沿此线裁开");
  draw_half (doc, q, HALF, "第二联 受理点存根");
  return TRUE;
}
