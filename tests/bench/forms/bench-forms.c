/* bench-forms.c: the printed set of an Inner Mongolia new application (application form ×3, agreement, power of
 * attorney, collection forms) by src/forms, against LibreOffice converting the same set filled in an .fodt,
 * which is how counters print their forms today. Targets: ≤ 200 ms and ≤ 1 MB, ≥ 20× faster. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cd-forms-fontset.h"
#include "cd-forms.h"

#define RUNS      7
#define LO_RUNS   3

static const char *const set[] = { "application", "agreement", "power-of-attorney", "collection", NULL };

static int
compare_doubles (const void *a, const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* ---- the peer's input: the same documents as a flat OpenDocument text, filled in ---- */

static void
xml_text (GString *s, const char *text)
{
  g_autofree char *esc = g_markup_escape_text (text ? text : "", -1);
  g_string_append (s, esc);
}

static void
para (GString *s, const char *style, const char *text)
{
  g_string_append_printf (s, "<text:p text:style-name=\"%s\">", style);
  xml_text (s, text);
  g_string_append (s, "</text:p>\n");
}

static void
row (GString *s, const char *const *cells, guint n)
{
  g_string_append (s, "<table:table-row table:style-name=\"Row\">");
  for (guint i = 0; i < n; i++)
    {
      g_string_append (s, "<table:table-cell table:style-name=\"Cell\" office:value-type=\"string\">");
      para (s, i % 2 ? "Value" : "Label", cells[i]);
      g_string_append (s, "</table:table-cell>");
    }
  g_string_append (s, "</table:table-row>\n");
}

static void
table (GString *s, const char *name, guint cols)
{
  g_string_append_printf (s, "<table:table table:name=\"%s\" table:style-name=\"Table\">"
                             "<table:table-column table:number-columns-repeated=\"%u\"/>\n", name, cols);
}

static char *
fodt_for (const CdApplication *app, const CdProfile *prof, const char *agreement_text)
{
  static const char *const copies[] = { "第一联 CA存根联", "第二联 业务单位存根联", "第三联 用户存根联" };
  static const char *const collection[] = { "单位公章采集表", "法定代表人签字采集表", "法定代表人签章采集表" };
  const CdUnit *u = app->unit;
  const CdPerson *lp = app->legal_person, *ag = app->agent;
  GString *s = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (agreement_text, "\n", -1);

  g_string_append (s,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
    "office:version=\"1.2\" office:mimetype=\"application/vnd.oasis.opendocument.text\">\n"
    "<office:font-face-decls><style:font-face style:name=\"ZenHei\" "
    "svg:font-family=\"'WenQuanYi Zen Hei'\" xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\"/>"
    "</office:font-face-decls>\n"
    "<office:styles><style:default-style style:family=\"paragraph\"><style:text-properties "
    "style:font-name=\"ZenHei\" style:font-name-asian=\"ZenHei\" fo:font-size=\"10pt\" "
    "style:font-size-asian=\"10pt\"/></style:default-style></office:styles>\n"
    "<office:automatic-styles>\n"
    "<style:page-layout style:name=\"A4\"><style:page-layout-properties fo:page-width=\"210mm\" "
    "fo:page-height=\"297mm\" fo:margin=\"15mm\"/></style:page-layout>\n"
    "<style:style style:name=\"Title\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:text-align=\"center\" fo:margin-bottom=\"4mm\"/><style:text-properties fo:font-size=\"18pt\" "
    "style:font-size-asian=\"18pt\" fo:font-weight=\"bold\" style:font-weight-asian=\"bold\"/></style:style>\n"
    "<style:style style:name=\"Break\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:break-before=\"page\" fo:text-align=\"center\"/><style:text-properties fo:font-size=\"18pt\" "
    "style:font-size-asian=\"18pt\" fo:font-weight=\"bold\" style:font-weight-asian=\"bold\"/></style:style>\n"
    "<style:style style:name=\"Body\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:text-indent=\"7mm\" fo:margin-bottom=\"1mm\"/></style:style>\n"
    "<style:style style:name=\"Label\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:text-align=\"center\"/></style:style>\n"
    "<style:style style:name=\"Value\" style:family=\"paragraph\"/>\n"
    "<style:style style:name=\"Right\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:text-align=\"end\"/><style:text-properties fo:font-weight=\"bold\" style:font-weight-asian=\"bold\"/>"
    "</style:style>\n"
    "<style:style style:name=\"Table\" style:family=\"table\"><style:table-properties style:width=\"180mm\" "
    "table:align=\"margins\"/></style:style>\n"
    "<style:style style:name=\"Row\" style:family=\"table-row\"><style:table-row-properties "
    "style:min-row-height=\"9mm\"/></style:style>\n"
    "<style:style style:name=\"Box\" style:family=\"table-row\"><style:table-row-properties "
    "style:row-height=\"52mm\"/></style:style>\n"
    "<style:style style:name=\"Cell\" style:family=\"table-cell\"><style:table-cell-properties "
    "fo:border=\"0.5pt solid #000000\" fo:padding=\"1mm\" style:vertical-align=\"middle\"/></style:style>\n"
    "</office:automatic-styles>\n"
    "<office:master-styles><style:master-page style:name=\"Standard\" style:page-layout-name=\"A4\"/>"
    "</office:master-styles>\n"
    "<office:body><office:text>\n");

  for (guint c = 0; c < 3; c++)
    {
      para (s, c ? "Break" : "Title", "机构数字证书申请表");
      para (s, "Value", "申请个数：主证：1 个    副证：1 个（选办）");
      para (s, "Value", "申请类型：☑新申请 □延期 □变更 □挂起 □补办 □注销");
      para (s, "Right", copies[c]);
      table (s, "Form", 4);
      {
        const char *r1[] = { "单位名称（全称）", u->name, "统一社会信用代码", u->uscc };
        const char *r2[] = { "主体类型", "□招标人/采购人 □代理机构 ☑投标人/竞标人 □评标专家 □其他", "申请编号", "NMG-BENCH-0001" };
        const char *r3[] = { "法人代表", lp->name, "法人代表证件号码", lp->id_number };
        const char *r4[] = { "法人联系电话", lp->mobile, "单位地址", u->address };
        const char *r5[] = { "经办人姓名", ag->name, "身份证号码", ag->id_number };
        const char *r6[] = { "联系电话", ag->mobile, "单位电话", u->phone };
        const char *r7[] = { "通讯地址", u->address, "电子邮件", ag->email };
        const char *r8[] = { "邮政编码", u->postcode, "经办人签字", "" };
        row (s, r1, 4); row (s, r2, 4); row (s, r3, 4); row (s, r4, 4);
        row (s, r5, 4); row (s, r6, 4); row (s, r7, 4); row (s, r8, 4);
      }
      g_string_append (s, "</table:table>\n");
      para (s, "Value", "用户须知：");
      para (s, "Body", "1、本表可用黑色签字笔手写，也可由受理点打印填写，一式三联；经办人签字并加盖单位公章后有效。");
      para (s, "Body", "2、办理时请交验营业执照复印件、法人授权委托书原件及法定代表人、经办人身份证件复印件。");
      para (s, "Value", "用户声明：");
      para (s, "Body", "本单位确认：表中所填信息真实、准确、完整，已阅读并同意《数字证书服务协议》。");
      para (s, "Value", "申请人（经办人签字）：                受理员：张受理");
      para (s, "Value", "申请单位（盖章）                      受理单位（盖章）：呼和浩特赛罕区受理点");
      para (s, "Value", "2025 年 3 月 1 日                     2025 年 3 月 1 日");
    }

  {
    gboolean title = TRUE;
    for (guint i = 0; lines[i]; i++)
      {
        char *l = g_strstrip (lines[i]);
        if (*l == '\0' || *l == '#')
          continue;
        para (s, title ? "Break" : "Body", l);
        title = FALSE;
      }
  }
  para (s, "Value", "用户（盖章）：内蒙古青城示范建设工程有限公司      发证机构：陕西省数字证书认证中心");

  para (s, "Break", "法人授权委托书");
  {
    g_autofree char *body = g_strdup_printf (
      "本人%s（居民身份证号码：%s），系%s（统一社会信用代码：%s）的法定代表人，现委托%s（居民身份证号码：%s）"
      "为本单位代理人，以本单位名义办理【%s】数字证书及电子签章的申请、领取、更新、变更、解锁等相关事宜。",
      lp->name, lp->id_number, u->name, u->uscc, ag->name, ag->id_number, prof->name_zh);
    para (s, "Body", body);
  }
  para (s, "Body", "委托期限：自 2025 年 3 月 1 日起至 2025 年 5 月 30 日止。代理人无权转委托。特此委托。");
  table (s, "Ids", 2);
  {
    const char *a[] = { "法定代表人身份证复印件（人像面）", "法定代表人身份证复印件（国徽面）" };
    const char *b[] = { "代理人身份证复印件（人像面）", "代理人身份证复印件（国徽面）" };
    row (s, a, 2);
    row (s, b, 2);
  }
  g_string_append (s, "</table:table>\n");
  para (s, "Value", "法定代表人（签字）：                代理人（签字）：");
  para (s, "Value", "委托单位（盖章）：内蒙古青城示范建设工程有限公司     日期：2025 年 3 月 1 日");

  for (guint f = 0; f < 3; f++)
    {
      para (s, "Break", collection[f]);
      para (s, "Value", "说明：请在方框内居中盖章，不得压线、不得重叠。");
      para (s, "Value", "申请单位：内蒙古青城示范建设工程有限公司");
      table (s, "Samples", 3);
      g_string_append (s, "<table:table-row table:style-name=\"Box\">");
      for (guint i = 0; i < 3; i++)
        g_string_append (s, "<table:table-cell table:style-name=\"Cell\"><text:p text:style-name=\"Label\">盖章处"
                            "</text:p></table:table-cell>");
      g_string_append (s, "</table:table-row>\n</table:table>\n");
      para (s, "Value", "签章 1                    签章 2                    签章 3");
      para (s, "Value", "申请单位（盖章）：               日期：    年   月   日");
    }
  g_string_append (s, "</office:text></office:body></office:document>\n");
  return g_string_free (s, FALSE);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
run_libreoffice (const char *soffice, const char *profile_uri, const char *fodt, const char *outdir, double *ms)
{
  g_autofree char *env = g_strdup_printf ("-env:UserInstallation=%s", profile_uri);
  const char *argv[] = { soffice, env, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", outdir,
                         fodt, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (fodt);
  g_autofree char *stem = g_strndup (base, strlen (base) - strlen (".fodt"));
  g_autofree char *pdf_name = g_strconcat (stem, ".pdf", NULL);
  g_autofree char *pdf = g_build_filename (outdir, pdf_name, NULL);
  g_autofree char *head = NULL;
  gsize len = 0;
  gint64 t0;
  int status = 0;

  /* soffice exits 0 without a word when it has no filter for the file (Writer not installed): only a PDF
   * that is there afterwards counts as a conversion. */
  g_unlink (pdf);
  t0 = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                     NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    return FALSE;
  *ms = (g_get_monotonic_time () - t0) / 1000.0;
  return g_file_get_contents (pdf, &head, &len, NULL) && len > 5 && memcmp (head, "%PDF-", 5) == 0;
}

/* RUNS renders of the set; the first PDF is kept in @tmp as @name. */
static gboolean
render_runs (const CdFormsRequest *req, double *ms, gsize *bytes, guint *pages, const char *tmp, const char *name,
             GError **error)
{
  for (guint i = 0; i < RUNS; i++)
    {
      g_auto(CdFormsInfo) info = { 0 };
      g_autoptr(GBytes) pdf = NULL;
      gint64 t0 = g_get_monotonic_time ();

      pdf = cd_forms_render_documents_to_bytes (req, set, &info, error);
      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      if (!pdf)
        return FALSE;
      *bytes = info.bytes;
      *pages = info.pages;
      if (i == 0)
        {
          g_autofree char *out = g_build_filename (tmp, name, NULL);
          g_file_set_contents (out, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL);
        }
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_strdup (g_getenv ("CERTDESK_SOURCE_ROOT") ? g_getenv ("CERTDESK_SOURCE_ROOT")
                                                                        : CD_TEST_SOURCE_ROOT);
  g_autofree char *data_dir = g_build_filename (root, "data", NULL);
  g_autofree char *app_path = g_build_filename (root, "tests", "forms", "fixtures", "nmg-new.json", NULL);
  g_autofree char *prof_path = g_build_filename (data_dir, "profiles", "nmg-zfcg-sxca.json", NULL);
  g_autofree char *agr_path = g_build_filename (data_dir, "agreements", "nmg-zfcg-sxca.txt", NULL);
  g_autofree char *tmp = g_dir_make_tmp ("certdesk-bench-forms-XXXXXX", NULL);
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdProfile) prof = NULL;
  g_autoptr(GDateTime) date = g_date_time_new_utc (2025, 3, 1, 9, 0, 0);
  g_autofree char *agreement = NULL;
  g_autofree char *soffice = NULL;
  double ours[RUNS], ours_ms, lo_ms = 0, lo_first = 0, lo[LO_RUNS];
  gsize ours_bytes = 0, lo_bytes = 0;
  guint ours_pages = 0;
  CdFormsRequest req = { 0 };

  setlocale (LC_ALL, "");
  if (!(app = cd_application_load_file (app_path, &error)) || !(prof = cd_profile_load_file (prof_path, &error))
      || !g_file_get_contents (agr_path, &agreement, NULL, &error))
    {
      g_printerr ("bench-forms: %s\n", error->message);
      return 1;
    }
  req = (CdFormsRequest) { .application = app, .profile = prof, .number = "NMG-BENCH-0001",
                           .outlet = "呼和浩特赛罕区受理点", .clerk = "张受理", .date = date, .data_dir = data_dir };

  if (!render_runs (&req, ours, &ours_bytes, &ours_pages, tmp, "certdesk-set.pdf", &error))
    {
      g_printerr ("bench-forms: %s\n", error->message);
      return 1;
    }
  ours_ms = median (ours, RUNS);
  qsort (ours, RUNS, sizeof (double), compare_doubles);

  printf ("forms benchmark: %s, new application, the set = application form ×3 + agreement + power of attorney"
          " + collection forms\n", prof->id);
  printf ("  certdesk (libharu, font subsets by HarfBuzz): median %.1f ms (min %.1f, max %.1f, %d runs), "
          "%.0f KB, %u pages\n", ours_ms, ours[0], ours[RUNS - 1], RUNS, ours_bytes / 1024.0, ours_pages);

  /* The same set for a legal person and an agent with rare names: the fallback font (HanaMinB, 30 MB) is
   * cut down and embedded too. */
  if (cd_forms_font_missing_chars ("王𠮷 𠀀晓梅") == 0)
    {
      double rare[RUNS];
      gsize rare_bytes = 0;
      guint rare_pages = 0;
      g_autofree char *legal = g_steal_pointer (&app->legal_person->name);
      g_autofree char *agent = g_steal_pointer (&app->agent->name);

      app->legal_person->name = g_strdup ("王𠮷");
      app->agent->name = g_strdup ("𠀀晓梅");
      if (!render_runs (&req, rare, &rare_bytes, &rare_pages, tmp, "certdesk-rare.pdf", &error))
        {
          g_printerr ("bench-forms: %s\n", error->message);
          return 1;
        }
      qsort (rare, RUNS, sizeof (double), compare_doubles);
      printf ("  the same with rare names (王𠮷, 𠀀晓梅: a second font embedded): median %.1f ms (min %.1f, max %.1f), "
              "%.0f KB\n", median (rare, RUNS), rare[0], rare[RUNS - 1], rare_bytes / 1024.0);
      /* the peer gets the names of the first measurement */
      g_free (app->legal_person->name);
      app->legal_person->name = g_steal_pointer (&legal);
      g_free (app->agent->name);
      app->agent->name = g_steal_pointer (&agent);
    }
  else
    printf ("  rare names not measured: no font for CJK Extension B (Debian: fonts-hanazono)\n");

  soffice = g_find_program_in_path ("soffice");
  if (!soffice)
    soffice = g_find_program_in_path ("libreoffice");
  if (!soffice)
    printf ("  peer missing: LibreOffice is not installed (Debian: libreoffice-writer-nogui); no comparison\n");
  else
    {
      g_autofree char *fodt_text = fodt_for (app, prof, agreement);
      g_autofree char *fodt = g_build_filename (tmp, "set.fodt", NULL);
      g_autofree char *lo_profile = g_build_filename (tmp, "lo-profile", NULL);
      g_autofree char *lo_uri = g_filename_to_uri (lo_profile, NULL, NULL);
      g_autofree char *lo_pdf = g_build_filename (tmp, "set.pdf", NULL);
      gboolean ok;

      g_file_set_contents (fodt, fodt_text, -1, NULL);
      /* The first run also creates LibreOffice's user profile; the comparison uses the warm runs. */
      ok = run_libreoffice (soffice, lo_uri, fodt, tmp, &lo_first);
      for (guint i = 0; ok && i < LO_RUNS; i++)
        ok = run_libreoffice (soffice, lo_uri, fodt, tmp, &lo[i]);
      if (!ok)
        printf ("  peer failed: %s --headless --convert-to pdf made no PDF of the .fodt (is Writer installed? "
                "sh .ci/install-deps --bench)\n", soffice);
      else
        {
          g_autoptr(GFile) f = g_file_new_for_path (lo_pdf);
          g_autoptr(GFileInfo) fi = g_file_query_info (f, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);

          lo_ms = median (lo, LO_RUNS);
          lo_bytes = fi ? g_file_info_get_size (fi) : 0;
          printf ("  libreoffice --headless --convert-to pdf of the filled .fodt: median %.0f ms (%d warm runs; "
                  "first run with a new profile %.0f ms), %.0f KB\n", lo_ms, LO_RUNS, lo_first, lo_bytes / 1024.0);
          printf ("  speed-up: %.1f× (target ≥ 20×): %s\n", lo_ms / ours_ms, lo_ms / ours_ms >= 20 ? "met" : "NOT met");
        }
    }
  printf ("  time ≤ 200 ms: %s; size ≤ 1 MB: %s\n", ours_ms <= 200 ? "met" : "NOT met",
          ours_bytes <= 1024 * 1024 ? "met" : "NOT met");

  if (!g_getenv ("CD_BENCH_KEEP"))
    rm_rf (tmp);
  else
    printf ("  files kept in %s\n", tmp);
  return 0;
}
