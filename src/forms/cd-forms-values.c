/* cd-forms-values.c: an application's values as the printed forms show them (Chinese labels, dates, amounts). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-forms-private.h"

#define MAX_TEXT_BYTES (256 * 1024)

/* The printed forms are Chinese by nature (they are the CA's form): these labels are form text, not UI. */

const char *
cd_forms_str (const char *s)
{
  return s ? s : "";
}

const char *
cd_forms_id_type_zh (const char *id_type)
{
  if (id_type == NULL || g_str_equal (id_type, "resident_id"))
    return "居民身份证";
  if (g_str_equal (id_type, "passport"))
    return "护照";
  if (g_str_equal (id_type, "hk_macao_permit"))
    return "港澳居民来往内地通行证";
  if (g_str_equal (id_type, "taiwan_permit"))
    return "台湾居民来往大陆通行证";
  return "其他证件";
}

const char *
cd_forms_business_zh (CdBusiness business)
{
  static const char *const names[CD_N_BUSINESSES] = {
    "新办", "更新", "补办", "解锁", "变更", "注销", "挂起", "应用开通",
  };

  g_return_val_if_fail ((guint) business < CD_N_BUSINESSES, "");
  return names[business];
}

const char *
cd_forms_applicant_zh (CdApplicantType type)
{
  static const char *const names[CD_N_APPLICANTS] = {
    "企业", "事业单位", "国家机关", "社会团体", "个人", "机构个人", "评标专家",
  };

  g_return_val_if_fail ((guint) type < CD_N_APPLICANTS, "");
  return names[type];
}

const char *
cd_forms_payment_zh (CdPaymentMethod method)
{
  static const char *const names[CD_N_PAYMENT_METHODS] = {
    "现金", "微信支付", "支付宝", "银行卡", "银行转账",
  };

  g_return_val_if_fail ((guint) method < CD_N_PAYMENT_METHODS, "");
  return names[method];
}

char *
cd_forms_date_plus_days (CdFormsDoc *doc, int days)
{
  g_autoptr(GDate) d = g_date_new_dmy (doc->day, doc->month, doc->year);

  g_date_add_days (d, days);
  return g_strdup_printf ("%d 年 %d 月 %d 日", g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
}

/* The amount in capital numerals (大写), as receipts write it so that it cannot be altered. */
char *
cd_forms_yuan_capital (gint64 fen)
{
  static const char *const digits[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
  static const char *const units[] = { "", "拾", "佰", "仟" };
  static const char *const groups[] = { "", "万", "亿", "万亿" };
  GString *s = g_string_new (NULL);
  gint64 yuan, a = fen < 0 ? -fen : fen;
  int jiao = (int) (a / 10 % 10), f = (int) (a % 10);
  int group_vals[4] = { 0 }, n_groups = 0;
  gboolean started = FALSE, need_zero = FALSE;

  if (fen < 0)
    g_string_append (s, "负");
  yuan = a / 100;
  for (gint64 y = yuan; y > 0 && n_groups < 4; y /= 10000)
    group_vals[n_groups++] = (int) (y % 10000);

  for (int g = n_groups - 1; g >= 0; g--)
    {
      static const int pow10[] = { 1, 10, 100, 1000 };
      int v = group_vals[g];

      if (v == 0)
        {
          need_zero = started;
          continue;
        }
      for (int pos = 3; pos >= 0; pos--)
        {
          int d = v / pow10[pos] % 10;

          if (d == 0)
            {
              need_zero = need_zero || started;
              continue;
            }
          if (need_zero)
            g_string_append (s, "零");
          need_zero = FALSE;
          started = TRUE;
          g_string_append_printf (s, "%s%s", digits[d], units[pos]);
        }
      g_string_append (s, groups[g]);
    }
  if (yuan > 0)
    g_string_append (s, "元");
  if (jiao == 0 && f == 0)
    {
      if (yuan == 0)
        g_string_append (s, "零元");
      g_string_append (s, "整");
      return g_string_free (s, FALSE);
    }
  if (jiao > 0)
    g_string_append_printf (s, "%s角", digits[jiao]);
  else if (yuan > 0)
    g_string_append (s, "零");
  if (f > 0)
    g_string_append_printf (s, "%s分", digits[f]);
  else
    g_string_append (s, "整");
  return g_string_free (s, FALSE);
}

/* Who the certificate is for, as a person: the individual applicant, or the unit's agent. */
const CdPerson *
cd_forms_holder (const CdApplication *app)
{
  if (app->person)
    return app->person;
  if (app->agent)
    return app->agent;
  return app->legal_person;
}

gboolean
cd_forms_load_text (const CdFormsDoc *doc, const char *file, char **out, GError **error)
{
  g_autofree char *path = g_build_filename (doc->req->data_dir, "agreements", file, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (file == NULL || *file == '\0' || strchr (file, '/') || file[0] == '.')
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_TEXT, _("“%s” is not a file name under agreements/"),
                   cd_forms_str (file));
      return FALSE;
    }
  if (!g_file_get_contents (path, &text, &len, &local_error))
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_TEXT, _("Cannot read the agreement text %s: %s"), path,
                   local_error->message);
      return FALSE;
    }
  if (len > MAX_TEXT_BYTES || !g_utf8_validate (text, len, NULL) || memchr (text, '\0', len))
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_TEXT,
                   _("The agreement text %s is not UTF-8 text of at most 256 KB"), path);
      return FALSE;
    }
  *out = g_steal_pointer (&text);
  return TRUE;
}

/* Placeholders a CA may use in its texts. */
char *
cd_forms_expand (const CdFormsDoc *doc, const char *text)
{
  const CdProfile *prof = doc->req->profile;
  const CdApplication *app = doc->req->application;
  g_autofree char *years = g_strdup_printf ("%u", app->years ? app->years : prof->validity_years);
  const char *keys[] = { "{ca_name}", "{project}", "{region}", "{validity_years}", "{applicant}", "{number}",
                         "{outlet}", NULL };
  const char *values[] = { prof->ca_name, prof->name_zh, prof->region, years, cd_application_display_name (app),
                           doc->req->number, cd_forms_str (doc->req->outlet), NULL };
  GString *s = g_string_new (text);

  for (guint i = 0; keys[i]; i++)
    g_string_replace (s, keys[i], cd_forms_str (values[i]), 0);
  return g_string_free (s, FALSE);
}
