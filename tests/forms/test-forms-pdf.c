/* test-forms-pdf.c: `certdesk-cli forms` end to end: the text, the font, the QR codes and the look of the PDFs,
 * checked with poppler (pdftotext, pdffonts, pdftoppm, poppler-glib) and zbarimg.
 *
 * Approved images: tests/forms/approved/<name>.png, pages rendered at 50 dpi. After a deliberate change of
 * a layout, render new ones with CD_FORMS_APPROVE=<dir> meson test test-forms-pdf, look at every image, and
 * copy them over the old ones. A failed comparison leaves <name>.actual.png and <name>.diff.png in the
 * folder named by CD_FORMS_ARTIFACTS (default: the test's temporary folder, which is then kept). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

/* poppler-glib 22.12 defines no cleanups of its own. */
#ifndef POPPLER_CHECK_VERSION
#define POPPLER_CHECK_VERSION(a, b, c) 0
#endif
#if !POPPLER_CHECK_VERSION(23, 2, 0)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
#endif

#define NUMBER  "NMG-TEST-0001"
#define OUTLET  "呼和浩特赛罕区受理点"
#define CLERK   "张受理"
#define DPI     50.0
#define MM      (72.0 / 25.4)

static char *tmp_dir;
static gboolean keep_tmp;

static const char *
source_root (void)
{
  const char *root = g_getenv ("CERTDESK_SOURCE_ROOT");
  return root ? root : CD_TEST_SOURCE_ROOT;
}

static char *
fixture (const char *name)
{
  return g_build_filename (source_root (), "tests", "forms", "fixtures", name, NULL);
}

static gboolean
need_tool (const char *tool)
{
  g_autofree char *path = g_find_program_in_path (tool);

  if (!path)
    {
      g_autofree char *msg = g_strdup_printf ("%s is not installed", tool);
      g_test_skip (msg);
    }
  return path != NULL;
}

static gboolean
need_cli (void)
{
  if (!g_getenv ("CERTDESK_CLI"))
    {
      g_test_skip ("CERTDESK_CLI is not set (run through meson test)");
      return FALSE;
    }
  if (!g_file_test ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("fonts-wqy-zenhei is not installed");
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  int       status;
  char     *out;
  char     *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_argv (Run *r, const char *const *argv)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  g_assert_no_error (error);
  r->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* certdesk-cli --db TMP/db --data-dir TMP forms ARGS… (NULLs in @args are skipped) */
static void
run_forms_v (Run *r, const char *const *args, guint n_args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *db = g_build_filename (tmp_dir, "test.db", NULL);

  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, tmp_dir);
  g_ptr_array_add (argv, "forms");
  for (guint i = 0; i < n_args; i++)
    if (args[i])
      g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  run_argv (r, (const char *const *) argv->pdata);
}

#define run_forms(r, ...)                                                                          \
  G_STMT_START {                                                                                   \
    const char *const _args[] = { __VA_ARGS__ };                                                   \
    run_forms_v ((r), _args, G_N_ELEMENTS (_args));                                                \
  } G_STMT_END

/* Renders @document (NULL: all) of fixture @app into TMP/@out with the fixed date, number, outlet and clerk. */
static char *
render (const char *app, const char *document, const char *out, const char *extra1, const char *extra2)
{
  g_auto(Run) r = { 0 };
  g_autofree char *app_path = g_path_is_absolute (app) ? g_strdup (app) : fixture (app);
  char *pdf = g_build_filename (tmp_dir, out, NULL);

  run_forms (&r, "--application", app_path, "--out", pdf, "--date", "2025-03-01", "--number", NUMBER, "--outlet",
             OUTLET, "--clerk", CLERK, document ? "--document" : NULL, document, extra1, extra2);
  if (r.status != 0)
    g_test_message ("certdesk-cli: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  return pdf;
}

static char *
tool_output (const char *const *argv)
{
  g_auto(Run) r = { 0 };

  run_argv (&r, argv);
  g_assert_cmpint (r.status, ==, 0);
  return g_steal_pointer (&r.out);
}

/* pdftotext without any white space, so that boxed characters and labels compare as plain strings. */
static char *
pdf_text (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-q", "-layout", pdf, "-", NULL };
  g_autofree char *text = tool_output (argv);
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_isspace (c))
        g_string_append_unichar (s, c);
    }
  return g_string_free (s, FALSE);
}

/* The needles are compared without their spaces, as the text is. */
static void
assert_contains (const char *text, const char *const *needles)
{
  for (guint i = 0; needles[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (needles[i], " ", -1);
      g_autofree char *joined = g_strjoinv ("", parts);

      if (!strstr (text, joined))
        g_error ("“%s” is not in the PDF text:\n%s", needles[i], text);
    }
}

static void
test_text (void)
{
  static const struct {
    const char *app;
    const char *document;
    const char *needles[16];
  } cases[] = {
    { "nmg-new.json", "application",
      { "机构数字证书申请表", "内蒙古青城示范建设工程有限公司", "91150100MA0N12340B", "王建国", "150102198001011236",
        "13904711234", "李晓梅", "150104199005122344", "lixm@qingcheng-demo.cn", "0471-5551234", "010010",
        "第一联 CA存根联", "第二联 业务单位存根联", "第三联 用户存根联", CLERK, NULL } },
    { "nmg-new.json", "agreement",
      { "数字证书及电子签章服务协议", "陕西省数字证书认证中心", "内蒙古青城示范建设工程有限公司", NUMBER, NULL } },
    { "nmg-new.json", "power-of-attorney",
      { "法人授权委托书", "王建国", "李晓梅", "150104199005122344", "91150100MA0N12340B", "13804715678",
        "2025年3月1日", "2025年5月30日", NULL } },
    { "nmg-new.json", "collection",
      { "单位公章采集表", "法定代表人签字采集表", "法定代表人签章采集表", "签章 1", "签章 3", "签字 2",
        "请在方框内居中盖章，不得压线、不得重叠", NULL } },
    { "nmg-new.json", "receipt",
      { "收费凭证", "600.00", "陆佰元整", "微信支付", "第一联 交付款人", "第二联 受理点存根", OUTLET, NULL } },
    { "nmg-new.json", "pin-slip", { "数字证书口令通知单", NUMBER, "内蒙古青城示范建设工程有限公司", NULL } },
    { "xj-new.json", "application",
      { "单位数字证书业务申请表", "乌鲁木齐市示范区公共服务中心", "91650100MA77X1236Y", "阿依古丽·买买提",
        "65010219850303345X", "赵新民", "第一联 CA留存", "第二联 用户留存", "受理信息", OUTLET, NULL } },
    { "xj-new.json", "responsibility",
      { "数字证书用户责任书", "新疆数字证书认证中心", "第一联 CA留存", "第二联 用户留存", "受理日期", NULL } },
    { "xj-new.json", "receipt", { "400.00", "肆佰元整", "现金", "500.00", "100.00", NULL } },
    { "bj-unit.json", "application",
      { "政务数字证书业务申请表", "北京西城示范科技有限公司", "91110108MA01AB1251", "陈立新", "孙小雨", "E12345678",
        "护照", "受理审批", "第一联 CA留存", "第二联 用户留存", NULL } },
    { "bj-unit.json", "detail-sheet",
      { "政务单位证书业务明细表", "主证", "副证", "4F2A9C11", "示范银行西城支行", "0109000000001234", NULL } },
    { "bj-person.json", "collection", { "个人签章采集表", "签章 4", "刘京华", NULL } },
  };

  if (!need_cli () || !need_tool ("pdftotext"))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("text-%u.pdf", i);
      g_autofree char *pdf = render (cases[i].app, cases[i].document, name, NULL, NULL);
      g_autofree char *text = pdf_text (pdf);

      g_test_message ("%s %s", cases[i].app, cases[i].document);
      assert_contains (text, cases[i].needles);
    }
}

static void
test_font_embedded_once (void)
{
  g_autofree char *pdf = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint fonts = 0;

  if (!need_cli () || !need_tool ("pdffonts"))
    return;
  pdf = render ("nmg-new.json", NULL, "fonts.pdf", NULL, NULL);
  {
    const char *argv[] = { "pdffonts", pdf, NULL };
    out = tool_output (argv);
  }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 2; lines[i]; i++)
    {
      g_auto(GStrv) cols = NULL;

      if (*lines[i] == '\0')
        continue;
      fonts++;
      cols = g_regex_split_simple ("\\s+", lines[i], 0, 0);
      g_test_message ("%s", lines[i]);
      /* name, "CID", "TrueType", encoding, emb, sub, uni, object, generation */
      g_assert_cmpuint (g_strv_length (cols), >=, 9);
      g_assert_true (g_regex_match_simple ("^[A-Z]{6}\\+WenQuanYiZenHei$", cols[0], 0, 0));
      g_assert_cmpstr (cols[1], ==, "CID");
      g_assert_cmpstr (cols[2], ==, "TrueType");
      g_assert_cmpstr (cols[4], ==, "yes");   /* embedded */
      g_assert_cmpstr (cols[5], ==, "yes");   /* subset */
      g_assert_cmpstr (cols[6], ==, "yes");   /* ToUnicode */
    }
  g_assert_cmpuint (fonts, ==, 1);
}

static char *
decode_qr (const char *pdf, guint page)
{
  g_autofree char *prefix = g_strdup_printf ("%s-qr%u", pdf, page);
  g_autofree char *png = g_strdup_printf ("%s.png", prefix);
  g_autofree char *first = g_strdup_printf ("%u", page);
  const char *render_argv[] = { "pdftoppm", "-q", "-r", "150", "-f", first, "-l", first, "-png", "-singlefile",
                                pdf, prefix, NULL };
  const char *zbar_argv[] = { "zbarimg", "-q", "--raw", png, NULL };
  g_autofree char *out = NULL;

  g_free (tool_output (render_argv));
  out = tool_output (zbar_argv);
  return g_strdup (g_strstrip (out));
}

static void
test_qr (void)
{
  g_autofree char *pdf = NULL, *carbon = NULL;
  static const struct {
    guint       page;
    const char *expected;
  } pages[] = {
    { 1, "CERTDESK:APP=" NUMBER ";DOC=application;COPY=1;PAGE=1/1" },
    { 2, "CERTDESK:APP=" NUMBER ";DOC=application;COPY=2;PAGE=1/1" },
    { 3, "CERTDESK:APP=" NUMBER ";DOC=application;COPY=3;PAGE=1/1" },
    { 4, "CERTDESK:APP=" NUMBER ";DOC=agreement;COPY=1;PAGE=1/1" },
    { 5, "CERTDESK:APP=" NUMBER ";DOC=power-of-attorney;COPY=1;PAGE=1/1" },
    { 7, "CERTDESK:APP=" NUMBER ";DOC=collection;COPY=1;PAGE=2/3;FORM=legal_signature" },
    { 10, "CERTDESK:APP=" NUMBER ";DOC=pin-slip;COPY=1;PAGE=1/1" },
  };

  if (!need_cli () || !need_tool ("pdftoppm") || !need_tool ("zbarimg"))
    return;
  pdf = render ("nmg-new.json", NULL, "qr.pdf", NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *got = decode_qr (pdf, pages[i].page);
      g_assert_cmpstr (got, ==, pages[i].expected);
    }
  /* a carbonless set carries one code for all its parts, moved with the calibration */
  carbon = render ("nmg-new.json", "application", "qr-carbonless.pdf", "--copy-mode=carbonless", "--offset-x=3");
  {
    g_autofree char *got = decode_qr (carbon, 1);
    g_assert_cmpstr (got, ==, "CERTDESK:APP=" NUMBER ";DOC=application;COPY=0;PAGE=1/1");
  }
}

/* The words of page 1 as (text, xMin, yMin, xMax, yMax) in points, from pdftotext -bbox. */
typedef struct {
  char   *text;
  double  x0, y0, x1, y1;
} Word;

static void
word_free (Word *w)
{
  g_free (w->text);
  g_free (w);
}

static GPtrArray *
page_words (const char *pdf)
{
  const char *argv[] = { "pdftotext", "-q", "-bbox", "-f", "1", "-l", "1", pdf, "-", NULL };
  g_autofree char *html = tool_output (argv);
  g_autoptr(GRegex) re = g_regex_new ("<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" "
                                      "yMax=\"([0-9.]+)\">([^<]*)</word>", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  GPtrArray *words = g_ptr_array_new_with_free_func ((GDestroyNotify) word_free);

  g_regex_match (re, html, 0, &m);
  while (g_match_info_matches (m))
    {
      Word *w = g_new0 (Word, 1);
      g_autofree char *x0 = g_match_info_fetch (m, 1), *y0 = g_match_info_fetch (m, 2);
      g_autofree char *x1 = g_match_info_fetch (m, 3), *y1 = g_match_info_fetch (m, 4);

      w->x0 = g_ascii_strtod (x0, NULL);
      w->y0 = g_ascii_strtod (y0, NULL);
      w->x1 = g_ascii_strtod (x1, NULL);
      w->y1 = g_ascii_strtod (y1, NULL);
      w->text = g_match_info_fetch (m, 5);
      g_ptr_array_add (words, w);
      g_match_info_next (m, NULL);
    }
  return words;
}

static void
test_long_name_stays_in_its_box (void)
{
  const char *name = "内蒙古自治区呼和浩特市赛罕区示范经济技术开发区青城建设工程集团有限责任公司第一工程分公司"
                     "示范项目部二〇二五年度联合体牵头";
  g_autofree char *src = fixture ("nmg-new.json");
  g_autofree char *json = NULL;
  g_autofree char *app = g_build_filename (tmp_dir, "long-name.json", NULL);
  g_autofree char *pdf = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GString) found = g_string_new (NULL);
  /* The unit-name value cell of the nmg form (cd-forms-nmg.c): x 45–195 mm, y 52–64 mm. */
  double left = 45 * MM, right = 195 * MM, top = 52 * MM, bottom = 64 * MM;

  if (!need_cli () || !need_tool ("pdftotext"))
    return;
  g_assert_cmpint (g_utf8_strlen (name, -1), ==, 60);
  g_assert_true (g_file_get_contents (src, &json, NULL, NULL));
  {
    g_autoptr(GString) s = g_string_new (json);
    g_autofree char *with = g_strdup_printf ("\"name\": \"%s\"", name);

    g_assert_cmpuint (g_string_replace (s, "\"name\": \"内蒙古青城示范建设工程有限公司\"", with, 1), ==, 1);
    g_assert_true (g_file_set_contents (app, s->str, -1, NULL));
  }
  pdf = render (app, "application", "long-name.pdf", NULL, NULL);
  words = page_words (pdf);
  for (guint i = 0; i < words->len; i++)
    {
      Word *w = words->pdata[i];

      if (w->y1 < top || w->y0 > bottom || w->x0 < left - 1)
        continue;
      g_test_message ("“%s” x %.1f–%.1f y %.1f–%.1f", w->text, w->x0, w->x1, w->y0, w->y1);
      g_assert_cmpfloat (w->x0, >=, left);
      g_assert_cmpfloat (w->x1, <=, right);
      g_assert_cmpfloat (w->y0, >=, top - 0.5);
      g_assert_cmpfloat (w->y1, <=, bottom + 0.5);
      g_string_append (found, w->text);
    }
  g_assert_cmpstr (found->str, ==, name);
}

/* The 18 ID-number boxes of the legal representative and the agent (nmg form, both nmg projects): every
 * digit inside the table, the last one at least 1.5 mm from its right edge (195 mm). The boxes used to be
 * 4.6 mm wide, which left the last digit 1.1 mm from the edge and the digits filling the boxes. */
static void
test_id_boxes_inside_the_table (void)
{
  static const char *const ids[] = { "150102198001011236", "150104199005122344" };
  g_autofree char *pdf = NULL;
  g_autoptr(GPtrArray) words = NULL;
  /* the label cells left of the boxes end at 94 mm (cd-forms-nmg.c: V0 + NAME_W + IDL_W) */
  double left = 94 * MM, right = 195 * MM;

  if (!need_cli () || !need_tool ("pdftotext"))
    return;
  pdf = render ("nmg-new.json", "application", "id-boxes.pdf", NULL, NULL);
  words = page_words (pdf);
  for (gsize k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      gboolean seen = FALSE;

      for (guint i = 0; i < words->len; i++)
        {
          Word *w = words->pdata[i];

          if (!g_str_equal (w->text, ids[k]))
            continue;
          seen = TRUE;
          g_test_message ("%s: x %.1f–%.1f mm", w->text, w->x0 / MM, w->x1 / MM);
          g_assert_cmpfloat (w->x0, >=, left);
          g_assert_cmpfloat (w->x1, <=, right - 1.5 * MM);
          /* spread over the 18 boxes, not squeezed into a few */
          g_assert_cmpfloat (w->x1 - w->x0, >=, 17 * (right - left) / 18 * 0.9);
        }
      g_assert_true (seen);
    }
}

/* ---- approved images ---- */

/* Page @page_index of @pdf drawn as a printer would, at @dpi, on white. */
static cairo_surface_t *
render_page_at (const char *pdf, guint page_index, double dpi)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (pdf, NULL, &error);
  g_autoptr(PopplerDocument) doc = poppler_document_new_from_file (uri, NULL, &error);
  g_autoptr(PopplerPage) page = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double w, h, scale = dpi / 72.0;

  g_assert_no_error (error);
  page = poppler_document_get_page (doc, page_index);
  g_assert_nonnull (page);
  poppler_page_get_size (page, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (w * scale), (int) ceil (h * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static int
luminance (const guint8 *px)
{
  /* cairo's RGB24 in memory: B, G, R, unused (little endian) */
  return (px[2] * 299 + px[1] * 587 + px[0] * 114) / 1000;
}

/* The page as an 8-bit grey PNG: cairo writes an A8 surface as a grey image, less than half the size. */
static cairo_surface_t *
to_grey (cairo_surface_t *rgb)
{
  int w = cairo_image_surface_get_width (rgb), h = cairo_image_surface_get_height (rgb);
  cairo_surface_t *grey = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  const guint8 *src = cairo_image_surface_get_data (rgb);
  guint8 *dst = cairo_image_surface_get_data (grey);
  int ss = cairo_image_surface_get_stride (rgb), ds = cairo_image_surface_get_stride (grey);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      dst[y * ds + x] = luminance (src + y * ss + x * 4);
  cairo_surface_mark_dirty (grey);
  return grey;
}

/* Pixels whose grey differs by more than 64 of 255; anti-aliasing moves only edges a little. */
static double
compare (cairo_surface_t *a, cairo_surface_t *b, cairo_surface_t **out_diff)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  cairo_surface_t *diff = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guint8 *pd = cairo_image_surface_get_data (diff);
  int sd = cairo_image_surface_get_stride (diff);
  guint64 bad = 0;

  *out_diff = diff;
  if (cairo_image_surface_get_width (b) != w || cairo_image_surface_get_height (b) != h)
    return 1.0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int la = luminance (pa + y * sa + x * 4), lb = luminance (pb + y * sb + x * 4);
        guint32 *cd = (guint32 *) (pd + y * sd + x * 4);

        if (ABS (la - lb) > 64)
          {
            bad++;
            *cd = 0xFF0000;
          }
        else
          *cd = 0x010101 * (192 + la / 4);
      }
  cairo_surface_mark_dirty (diff);
  return (double) bad / ((double) w * h);
}

static void
check_approved (const char *pdf, guint page_index, const char *name)
{
  const char *approve_dir = g_getenv ("CD_FORMS_APPROVE");
  cairo_surface_t *actual = render_page_at (pdf, page_index, DPI);
  g_autofree char *png = g_strdup_printf ("%s.png", name);

  if (approve_dir)
    {
      g_autofree char *out = g_build_filename (approve_dir, png, NULL);
      cairo_surface_t *grey = to_grey (actual);

      g_assert_cmpint (cairo_surface_write_to_png (grey, out), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (grey);
      g_test_message ("wrote %s: look at it before approving it", out);
    }
  else
    {
      g_autofree char *approved_path = g_build_filename (source_root (), "tests", "forms", "approved", png, NULL);
      cairo_surface_t *approved = cairo_image_surface_create_from_png (approved_path);
      cairo_surface_t *diff = NULL;
      double ratio;

      if (cairo_surface_status (approved) != CAIRO_STATUS_SUCCESS)
        g_error ("no approved image %s (render one with CD_FORMS_APPROVE=DIR)", approved_path);
      ratio = compare (actual, approved, &diff);
      g_test_message ("%s: %.4f %% of the pixels differ", name, ratio * 100);
      if (ratio > 0.003)
        {
          const char *dir = g_getenv ("CD_FORMS_ARTIFACTS") ? g_getenv ("CD_FORMS_ARTIFACTS") : tmp_dir;
          g_autofree char *a = g_strdup_printf ("%s/%s.actual.png", dir, name);
          g_autofree char *d = g_strdup_printf ("%s/%s.diff.png", dir, name);

          cairo_surface_write_to_png (actual, a);
          cairo_surface_write_to_png (diff, d);
          keep_tmp = TRUE;
          g_error ("%s differs from the approved image in %.2f %% of its pixels; see %s and %s", name,
                   ratio * 100, a, d);
        }
      cairo_surface_destroy (diff);
      cairo_surface_destroy (approved);
    }
  cairo_surface_destroy (actual);
}

static void
test_approved_images (void)
{
  static const struct {
    const char *app;
    const char *document;
    const char *extra;
    guint       page;
    const char *name;
  } cases[] = {
    { "nmg-new.json", "application", NULL, 0, "nmg-application-1" },
    { "nmg-new.json", "application", NULL, 2, "nmg-application-3" },
    { "nmg-new.json", "application", "--copy-mode=carbonless", 0, "nmg-application-carbonless" },
    { "nmg-new.json", "agreement", NULL, 0, "nmg-agreement" },
    { "nmg-new.json", "power-of-attorney", NULL, 0, "nmg-power-of-attorney" },
    { "nmg-new.json", "collection", NULL, 0, "nmg-collection-unit-seal" },
    { "nmg-new.json", "collection", NULL, 1, "nmg-collection-legal-signature" },
    { "nmg-new.json", "receipt", NULL, 0, "nmg-receipt" },
    { "nmg-new.json", "pin-slip", NULL, 0, "nmg-pin-slip" },
    { "xj-new.json", "application", NULL, 1, "xj-application-2" },
    { "xj-new.json", "responsibility", NULL, 0, "xj-responsibility-1" },
    { "bj-unit.json", "application", NULL, 0, "bj-unit-application-1" },
    { "bj-unit.json", "detail-sheet", NULL, 0, "bj-unit-detail-sheet" },
    { "bj-person.json", "application", NULL, 0, "bj-person-application-1" },
    { "bj-person.json", "collection", NULL, 0, "bj-person-collection" },
  };

  if (!need_cli ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = g_strdup_printf ("%s.pdf", cases[i].name);
      g_autofree char *pdf = render (cases[i].app, cases[i].document, out, cases[i].extra, NULL);

      check_approved (pdf, cases[i].page, cases[i].name);
    }
}

/* ---- the CLI's answers ---- */

/* Every "…（签字）：" of the bj detail sheet is followed by a line to sign on (a person's form had its
 * applicant's place as a bare label): the page drawn at 144 dpi has a dark horizontal run of at least 25 mm
 * starting within 3 mm right of the label, within 2 mm under its baseline. */
static void
test_signature_places_have_lines (void)
{
  g_autofree char *pdf = NULL;
  g_autoptr(GPtrArray) words = NULL;
  cairo_surface_t *surface;
  double scale = 2.0;   /* 144 dpi */
  guint places = 0;

  if (!need_cli () || !need_tool ("pdftotext"))
    return;
  pdf = render ("bj-person.json", "detail-sheet", "detail-sheet-person.pdf", NULL, NULL);
  words = page_words (pdf);
  surface = render_page_at (pdf, 0, scale * 72.0);
  for (guint i = 0; i < words->len; i++)
    {
      Word *word = words->pdata[i];
      const guchar *data = cairo_image_surface_get_data (surface);
      int stride = cairo_image_surface_get_stride (surface), width = cairo_image_surface_get_width (surface);
      int longest = 0;

      if (!strstr (word->text, "（签字）"))
        continue;
      places++;
      for (int y = (int) (word->y1 * scale) - 4; y <= (int) ((word->y1 + 2 * MM) * scale); y++)
        {
          int run = 0, best = 0;

          for (int x = (int) (word->x1 * scale); x < MIN (width, (int) ((word->x1 + 60 * MM) * scale)); x++)
            {
              guint32 px = *(const guint32 *) (data + y * stride + x * 4);
              gboolean dark = ((px >> 16) & 0xff) < 160 && ((px >> 8) & 0xff) < 160 && (px & 0xff) < 160;

              if (dark)
                {
                  if (run == 0 && x > (int) ((word->x1 + 3 * MM) * scale))
                    break;   /* a run must start right after the label */
                  run++;
                  best = MAX (best, run);
                }
              else if (run > 0)
                break;
            }
          longest = MAX (longest, best);
        }
      g_test_message ("“%s”: a line of %.1f mm", word->text, longest / scale / MM);
      if (longest < 25 * MM * scale)
        g_error ("“%s” on the person's detail sheet has no line to sign on", word->text);
    }
  cairo_surface_destroy (surface);
  g_assert_cmpuint (places, ==, 2);   /* the agent's and the applicant's */
}

static void
test_cli_output_and_errors (void)
{
  g_autofree char *app = fixture ("nmg-new.json");
  g_autofree char *pdf = g_build_filename (tmp_dir, "cli.pdf", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "bad-uscc.json", NULL);
  g_autofree char *json = NULL;

  if (!need_cli ())
    return;
  {
    g_auto(Run) r = { 0 };
    g_autoptr(JsonNode) node = NULL;
    JsonObject *o;
    JsonArray *docs;

    run_forms (&r, "--application", app, "--out", pdf, "--document", "application", "--copy-mode", "carbonless",
               "--offset-x", "1.5", "--offset-y", "-2", "--number", NUMBER);
    g_assert_cmpint (r.status, ==, 0);
    node = json_from_string (r.out, NULL);
    g_assert_nonnull (node);
    o = json_node_get_object (node);
    g_assert_cmpstr (json_object_get_string_member (o, "file"), ==, pdf);
    g_assert_cmpint (json_object_get_int_member (o, "pages"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (o, "copy_mode"), ==, "carbonless");
    docs = json_object_get_array_member (o, "documents");
    g_assert_cmpuint (json_array_get_length (docs), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (docs, 0), "name"), ==,
                     "application");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (docs, 0), "copies"), ==, 3);
    {
      g_autoptr(GFile) f = g_file_new_for_path (pdf);
      g_autoptr(GFileInfo) fi = g_file_query_info (f, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
      g_assert_cmpint (json_object_get_int_member (o, "bytes"), ==, g_file_info_get_size (fi));
    }
  }

  g_assert_true (g_file_get_contents (app, &json, NULL, NULL));
  {
    g_autoptr(GString) s = g_string_new (json);
    g_string_replace (s, "91150100MA0N12340B\",\n    \"address", "91150100MA0N12341B\",\n    \"address", 1);
    g_assert_true (g_file_set_contents (bad, s->str, -1, NULL));
  }
  {
    static const struct {
      const char *args[6];
      int         status;
      const char *message_part;
    } cases[] = {
      { { "--document", "nope" }, 1, "--document" },
      { { "--document", "detail-sheet" }, 1, "detail-sheet" },
      { { "--copy-mode", "triple" }, 2, "--copy-mode" },
      { { "--date", "2025-02-30" }, 1, "--date" },
      { { "--number", "a b" }, 1, "Application number" },
      { { "--offset-x", "30", "--copy-mode", "carbonless" }, 1, "±20" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_auto(Run) r = { 0 };

        run_forms (&r, "--application", app, "--out", pdf, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                   cases[i].args[3]);
        g_test_message ("%s → %d %s", cases[i].args[0], r.status, r.err);
        g_assert_cmpint (r.status, ==, cases[i].status);
        g_assert_nonnull (strstr (r.err, cases[i].message_part));
        /* one line */
        g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, (int) strlen (r.err) - 1);
      }
  }
  {
    g_auto(Run) r = { 0 };

    run_forms (&r, "--application", bad, "--out", pdf);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "$.unit.uscc"));
  }
  {
    g_auto(Run) r = { 0 };

    run_forms (&r, "--application", app);
    g_assert_cmpint (r.status, ==, 2);
  }
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("certdesk-forms-XXXXXX", NULL);

  g_test_add_func ("/forms/pdf/text", test_text);
  g_test_add_func ("/forms/pdf/font-embedded-once", test_font_embedded_once);
  g_test_add_func ("/forms/pdf/qr", test_qr);
  g_test_add_func ("/forms/pdf/long-name-stays-in-its-box", test_long_name_stays_in_its_box);
  g_test_add_func ("/forms/pdf/id-boxes-inside-the-table", test_id_boxes_inside_the_table);
  g_test_add_func ("/forms/pdf/approved-images", test_approved_images);
  g_test_add_func ("/forms/pdf/signature-places-have-lines", test_signature_places_have_lines);
  g_test_add_func ("/forms/cli/output-and-errors", test_cli_output_and_errors);
  status = g_test_run ();
  if (!keep_tmp && status == 0)
    rm_rf (tmp_dir);
  g_free (tmp_dir);
  return status;
}
