/* cd-forms-report.c: the daily issuance report (cd-report.h's JSON model) as a PDF, with the sign-off block. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cd-forms-private.h"

/* Chinese strings are form text: the head office files the report in Chinese whatever the UI language. */

#define SZ      9.0
#define ROW_H   6.5
#define BOTTOM  (CD_FORMS_PAGE_H - 18)

typedef struct {
  CdFormsDoc  *doc;
  JsonObject  *r;
  const char  *outlet;
  double       y;
} Ctx;

static const char *
state_zh (const char *code)
{
  static const char *const map[][2] = {
    { "draft", "草稿" }, { "checked", "已审核" }, { "paid", "已缴费" }, { "printed", "已打印" },
    { "issued", "已制证" }, { "closed", "已完结" }, { "voided", "已作废" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (code, map[i][0]) == 0)
      return map[i][1];
  return cd_forms_str (code);
}

static const char *
what_zh (const char *code)
{
  static const char *const map[][2] = {
    { "create", "新建" }, { "save", "修改" }, { "check", "审核" }, { "pay", "缴费" }, { "state", "状态变更" },
    { "void", "作废" }, { "waive", "材料豁免" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (code, map[i][0]) == 0)
      return map[i][1];
  return cd_forms_str (code);
}

static const char *
business_zh (const char *code)
{
  CdBusiness b;

  return cd_business_from_code (code, &b) ? cd_forms_business_zh (b) : cd_forms_str (code);
}

static const char *
applicant_zh (const char *code)
{
  CdApplicantType t;

  return cd_applicant_type_from_code (code, &t) ? cd_forms_applicant_zh (t) : cd_forms_str (code);
}

static const char *
method_zh (const char *code)
{
  CdPaymentMethod m;

  return cd_payment_method_from_code (code, &m) ? cd_forms_payment_zh (m) : cd_forms_str (code);
}

static char *
yuan (gint64 fen)
{
  return cd_fen_to_yuan_string (fen);
}

static void
new_page (Ctx *c)
{
  cd_forms_doc_new_page (c->doc, NULL);
  c->y = 20;
}

static void
need (Ctx *c, double h)
{
  if (c->y + h > BOTTOM)
    new_page (c);
}

#define HEADING_H 10.5

/* A heading keeps with what follows it (@keep mm: at least a table's header row and first row), never
 * alone at the bottom of a page. */
static void
heading_keep (Ctx *c, const char *text, double keep)
{
  need (c, HEADING_H + keep);
  c->y += 4;
  cd_forms_text (c->doc, CD_FORMS_LEFT, c->y + 4, 11, CD_TEXT_BOLD, text);
  c->y += 6.5;
}

static void
heading (Ctx *c, const char *text)
{
  heading_keep (c, text, 2 * ROW_H);
}

/* One row of cells; @widths in mm add up to the page width. A grey header row when @head. */
static void
row (Ctx *c, const double *widths, guint n, const char *const *cells, gboolean head)
{
  double x = CD_FORMS_LEFT;

  need (c, ROW_H);
  if (head)
    cd_forms_fill_rect (c->doc, CD_FORMS_LEFT, c->y, CD_FORMS_WIDTH, ROW_H, 0.9, FALSE);
  for (guint i = 0; i < n; i++)
    {
      cd_forms_rect (c->doc, x, c->y, widths[i], ROW_H, 0.4);
      cd_forms_text_box (c->doc, x + 1.2, c->y + 0.5, widths[i] - 2.4, ROW_H - 1, SZ,
                         head ? CD_TEXT_CENTER : CD_TEXT_FIELD, cells[i]);
      x += widths[i];
    }
  c->y += ROW_H;
}

static void
empty_note (Ctx *c)
{
  need (c, ROW_H);
  cd_forms_text (c->doc, CD_FORMS_LEFT + 2, c->y + 4.5, SZ, CD_TEXT_GREY, "（无）");
  c->y += ROW_H;
}

static JsonArray *
array (Ctx *c, const char *member)
{
  return json_object_has_member (c->r, member) ? json_object_get_array_member (c->r, member) : NULL;
}

static const char *
str (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : "";
}

static char *
num (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  return g_strdup_printf ("%" G_GINT64_FORMAT, n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_int (n) : 0);
}

static char *
money (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  return yuan (n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_int (n) : 0);
}

static void
draw_header (Ctx *c)
{
  const char *from = json_object_get_string_member (c->r, "from");
  const char *to = json_object_get_string_member (c->r, "to");
  g_autofree char *period = g_str_equal (from, to) ? g_strdup_printf ("日期：%s", from)
                                                   : g_strdup_printf ("期间：%s 至 %s", from, to);
  g_autofree char *line = g_strdup_printf ("受理点：%s    %s    制表：%s", c->outlet ? c->outlet : "全部受理点",
                                           period, c->doc->date_zh);

  cd_forms_title (c->doc, c->y, 17, "数字证书受理业务日报表");
  c->y += 9;
  cd_forms_text (c->doc, CD_FORMS_LEFT, c->y, 9.5, CD_TEXT_FIELD, line);
  c->y += 3;
}

static void
draw_applications (Ctx *c)
{
  static const double w[] = { 40, 50, 30, 30, 30 };
  JsonArray *a = array (c, "applications");
  gint64 total = 0;

  heading (c, "一、业务受理");
  row (c, w, 5, (const char *const[]) { "业务类型", "申请人类型", "受理数", "已完成", "已作废" }, TRUE);
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_autofree char *n = num (o, "count"), *done = num (o, "completed"), *voided = num (o, "voided");

      row (c, w, 5, (const char *const[]) { business_zh (str (o, "business")), applicant_zh (str (o, "applicant_type")),
                                            n, done, voided }, FALSE);
      total += json_object_get_int_member (o, "count");
    }
  {
    g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, total);
    row (c, w, 5, (const char *const[]) { "合计", "", t, "", "" }, FALSE);
  }
}

static void
draw_certificates (Ctx *c)
{
  static const double w[] = { 60, 30, 60, 30 };
  JsonArray *certs = array (c, "certificates"), *keys = array (c, "keys");
  gint64 issued = 0, renewed = 0, new_keys = 0, replaced = 0;
  g_autofree char *s_issued = NULL, *s_renewed = NULL, *s_revoked = NULL, *s_new = NULL, *s_repl = NULL,
                  *s_spoiled = NULL;

  for (guint i = 0; certs && i < json_array_get_length (certs); i++)
    {
      JsonObject *o = json_array_get_object_element (certs, i);
      if (g_str_equal (str (o, "kind"), "renewed"))
        renewed += json_object_get_int_member (o, "count");
      else
        issued += json_object_get_int_member (o, "count");
    }
  for (guint i = 0; keys && i < json_array_get_length (keys); i++)
    {
      JsonObject *o = json_array_get_object_element (keys, i);
      if (g_str_equal (str (o, "kind"), "replacement"))
        replaced += json_object_get_int_member (o, "count");
      else
        new_keys += json_object_get_int_member (o, "count");
    }
  s_issued = g_strdup_printf ("%" G_GINT64_FORMAT, issued);
  s_renewed = g_strdup_printf ("%" G_GINT64_FORMAT, renewed);
  s_revoked = num (c->r, "certificates_revoked");
  s_new = g_strdup_printf ("%" G_GINT64_FORMAT, new_keys);
  s_repl = g_strdup_printf ("%" G_GINT64_FORMAT, replaced);
  s_spoiled = num (c->r, "keys_spoiled");
  heading (c, "二、证书与介质（USB Key）");
  row (c, w, 4, (const char *const[]) { "证书", "数量", "介质", "数量" }, TRUE);
  row (c, w, 4, (const char *const[]) { "签发（新办）", s_issued, "新领介质", s_new }, FALSE);
  row (c, w, 4, (const char *const[]) { "更新（续期）", s_renewed, "补换介质", s_repl }, FALSE);
  row (c, w, 4, (const char *const[]) { "吊销", s_revoked, "损坏报废", s_spoiled }, FALSE);
}

static void
draw_fees (Ctx *c)
{
  static const double w[] = { 90, 40, 50 };
  JsonArray *prof = array (c, "fees_by_profile"), *meth = array (c, "fees_by_method");
  g_autofree char *total = money (c->r, "fees_total_fen");

  heading (c, "三、收费（元）");
  row (c, w, 3, (const char *const[]) { "项目", "笔数", "金额（元）" }, TRUE);
  for (guint i = 0; prof && i < json_array_get_length (prof); i++)
    {
      JsonObject *o = json_array_get_object_element (prof, i);
      g_autofree char *n = num (o, "payments"), *m = money (o, "amount_fen");
      /* The profile's Chinese name (cd_report_build adds it); an older snapshot has only the id. */
      const char *name = json_object_has_member (o, "profile_name_zh") ? str (o, "profile_name_zh")
                       : json_object_has_member (o, "profile_name") ? str (o, "profile_name") : str (o, "profile");
      row (c, w, 3, (const char *const[]) { name, n, m }, FALSE);
    }
  row (c, w, 3, (const char *const[]) { "支付方式", "笔数", "金额（元）" }, TRUE);
  for (guint i = 0; meth && i < json_array_get_length (meth); i++)
    {
      JsonObject *o = json_array_get_object_element (meth, i);
      g_autofree char *n = num (o, "payments"), *m = money (o, "amount_fen");
      row (c, w, 3, (const char *const[]) { method_zh (str (o, "method")), n, m }, FALSE);
    }
  if (json_object_has_member (c->r, "refunds_total_fen") && json_object_get_int_member (c->r, "refunds_total_fen") > 0)
    {
      /* The figures above are net of refunds: the refunds themselves, so the head office can follow them. */
      JsonArray *ref = array (c, "refunds");
      g_autofree char *refunded = money (c->r, "refunds_total_fen");
      g_autofree char *minus = g_strdup_printf ("-%s", refunded);

      row (c, w, 3, (const char *const[]) { "退款（已收费后作废）", "笔数", "金额（元）" }, TRUE);
      for (guint i = 0; ref && i < json_array_get_length (ref); i++)
        {
          JsonObject *o = json_array_get_object_element (ref, i);
          g_autofree char *m = money (o, "amount_fen");
          g_autofree char *neg = g_strdup_printf ("-%s", m);
          g_autofree char *what = g_strdup_printf ("%s %s（%s）", str (o, "number"), str (o, "name"),
                                                   method_zh (str (o, "method")));
          row (c, w, 3, (const char *const[]) { what, "1", neg }, FALSE);
        }
      row (c, w, 3, (const char *const[]) { "退款合计", "", minus }, FALSE);
      row (c, w, 3, (const char *const[]) { "合计（已扣除退款）", "", total }, FALSE);
    }
  else
    row (c, w, 3, (const char *const[]) { "合计", "", total }, FALSE);
}

static void
draw_list (Ctx *c, const char *title, const char *member, const double *w, guint n, const char *const *heads,
           const char *const *members)
{
  JsonArray *a = array (c, member);

  heading (c, title);
  row (c, w, n, heads, TRUE);
  if (!a || json_array_get_length (a) == 0)
    {
      empty_note (c);
      return;
    }
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      const char *cells[8];

      for (guint k = 0; k < n; k++)
        {
          const char *v = str (o, members[k]);
          cells[k] = g_str_equal (members[k], "state") ? state_zh (v)
                   : g_str_equal (members[k], "what") ? what_zh (v) : v;
        }
      row (c, w, n, cells, FALSE);
    }
}

/* 短款 when the cash counted is short of the records, 长款 when it is over. */
static char *
difference_zh (gint64 fen)
{
  g_autofree char *amount = yuan (ABS (fen));

  if (fen < 0)
    return g_strdup_printf ("短款 ¥%s", amount);
  if (fen > 0)
    return g_strdup_printf ("长款 ¥%s", amount);
  return g_strdup ("无差额");
}

static void
draw_signoff (Ctx *c)
{
  JsonArray *s = array (c, "signoffs");
  g_autofree char *expected = money (c->r, "cash_expected_fen");

  heading_keep (c, "七、主管签核", 4 * ROW_H + 10);
  if (!s || json_array_get_length (s) == 0)
    {
      static const double w[] = { 45, 45, 45, 45 };
      g_autofree char *exp_text = g_strdup_printf ("应收现金：%s 元", expected);
      row (c, w, 4, (const char *const[]) { "签核主管", "签核时间", "实点现金（元）", "差额（元）" }, TRUE);
      row (c, w, 4, (const char *const[]) { "", "", "", "" }, FALSE);
      cd_forms_text (c->doc, CD_FORMS_LEFT, c->y + 5, SZ, CD_TEXT_FIELD, exp_text);
      cd_forms_text (c->doc, CD_FORMS_RIGHT, c->y + 5, SZ, CD_TEXT_RIGHT | CD_TEXT_GREY, "本日尚未签核");
      c->y += 8;
      return;
    }
  for (guint i = 0; i < json_array_get_length (s); i++)
    {
      static const double w[] = { 22, 30, 38, 30, 30, 30 };
      JsonObject *o = json_array_get_object_element (s, i);
      g_autofree char *exp = money (o, "cash_expected_fen"), *counted = money (o, "counted_cash_fen");
      g_autofree char *diff = difference_zh (json_object_get_int_member (o, "difference_fen"));
      g_autofree char *who = g_strdup_printf ("%s（%s）", str (o, "supervisor"), str (o, "outlet"));
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (str (o, "signed_at"), NULL);
      g_autoptr(GDateTime) local = at ? g_date_time_to_local (at) : NULL;
      g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup (str (o, "signed_at"));

      if (i == 0)
        row (c, w, 6, (const char *const[]) { "日期", "签核时间", "签核主管（受理点）", "应收现金（元）", "实点现金（元）",
                                              "差额" }, TRUE);
      row (c, w, 6, (const char *const[]) { str (o, "day"), when, who, exp, counted, diff }, FALSE);
      if (*str (o, "reason"))
        {
          g_autofree char *why = g_strdup_printf ("签核说明：%s", str (o, "reason"));
          c->y += 1.5;
          cd_forms_text_box (c->doc, CD_FORMS_LEFT, c->y, CD_FORMS_WIDTH, 6, SZ, CD_TEXT_FIELD, why);
          c->y += 7;
        }
    }
  c->y += 4;
  cd_forms_signature_line (c->doc, CD_FORMS_RIGHT - 70, c->y + 6, 70, "主管签字：", NULL);
  c->y += 10;
}

static void
draw_report (CdFormsDoc *doc, JsonObject *r, const char *outlet)
{
  Ctx c = { doc, r, outlet, 0 };

  cd_forms_doc_begin (doc, "report", 1, 1, FALSE);
  new_page (&c);
  draw_header (&c);
  draw_applications (&c);
  draw_certificates (&c);
  draw_fees (&c);
  draw_list (&c, "四、作废与材料豁免", "voids", (const double[]) { 48, 42, 60, 30 }, 4,
             (const char *const[]) { "作废申请编号", "申请人", "作废原因", "批准" },
             (const char *const[]) { "number", "name", "reason", "by" });
  draw_list (&c, "", "waivers", (const double[]) { 42, 38, 30, 45, 25 }, 5,
             (const char *const[]) { "豁免申请编号", "申请人", "材料", "豁免原因", "批准" },
             (const char *const[]) { "number", "name", "material_name_zh", "reason", "by" });
  draw_list (&c, "五、未完结申请", "open", (const double[]) { 50, 60, 35, 35 }, 4,
             (const char *const[]) { "申请编号", "申请人", "状态", "受理日期" },
             (const char *const[]) { "number", "name", "state", "day" });
  draw_list (&c, "六、签核后调整", "adjustments", (const double[]) { 24, 42, 30, 20, 40, 24 }, 6,
             (const char *const[]) { "日期", "申请编号", "申请人", "操作", "调整原因", "批准主管" },
             (const char *const[]) { "day", "number", "name", "what", "reason", "supervisor" });
  draw_signoff (&c);

  /* Page numbers once the count is known. */
  for (guint i = 0; i < doc->doc_pages->len; i++)
    {
      g_autofree char *footer = g_strdup_printf ("第 %u 页 共 %u 页", i + 1, doc->doc_pages->len);
      doc->page = ((CdFormsPageRef *) doc->doc_pages->pdata[i])->page;
      cd_forms_text (doc, CD_FORMS_PAGE_W / 2, CD_FORMS_PAGE_H - 8, 8, CD_TEXT_CENTER | CD_TEXT_GREY, footer);
    }
  doc->total_pages = doc->doc_pages->len;
}

GBytes *
cd_forms_render_report (JsonNode *report, const char *outlet, const char *font_path, GError **error)
{
  g_autoptr(CdFormsFonts) fonts = NULL;
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  CdFormsRequest req = { 0 };
  CdFormsDoc doc;
  JsonObject *r;
  GBytes *bytes = NULL;
  gboolean ok;

  g_return_val_if_fail (report != NULL && JSON_NODE_HOLDS_OBJECT (report), NULL);
  r = json_node_get_object (report);
  if (!json_object_has_member (r, "from") || !json_object_has_member (r, "to"))
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID, _("The report has no period"));
      return NULL;
    }
  if (!(fonts = cd_forms_fonts_new (font_path, error)))
    return NULL;
  number = g_strdup_printf ("REPORT-%s-%s", json_object_get_string_member (r, "from"),
                            json_object_get_string_member (r, "to"));
  req.number = number;
  title = g_str_equal (json_object_get_string_member (r, "from"), json_object_get_string_member (r, "to"))
          ? g_strdup_printf ("数字证书受理业务日报表 %s", json_object_get_string_member (r, "from"))
          : g_strdup_printf ("数字证书受理业务日报表 %s 至 %s", json_object_get_string_member (r, "from"),
                             json_object_get_string_member (r, "to"));

  /* First pass records the characters, then the fonts are cut down to them (as cd-forms.c does). */
  ok = cd_forms_doc_init (&doc, &req, fonts, TRUE, error);
  if (ok)
    draw_report (&doc, r, outlet);
  ok = ok && cd_forms_doc_check (&doc, error);
  cd_forms_doc_clear (&doc);
  if (!ok || !cd_forms_fonts_prepare (fonts, error))
    return NULL;
  if (cd_forms_doc_init (&doc, &req, fonts, FALSE, error))
    {
      cd_forms_doc_set_title (&doc, title);
      draw_report (&doc, r, outlet);
      bytes = cd_forms_doc_save (&doc, error);
    }
  cd_forms_doc_clear (&doc);
  return bytes;
}
