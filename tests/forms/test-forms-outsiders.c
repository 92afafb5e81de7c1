/* test-forms-outsiders.c: the PDFs as tools nobody here wrote read them (issue 15): rare characters in names
 * (王𠮷, 𠀀) print and extract, every font has a valid ToUnicode CMap, boxed numbers are found whole by a
 * search, the title and language are set, and poppler (pdftotext, pdffonts, poppler-glib), qpdf, mutool
 * and pypdf accept the files without a warning. Also: the characters no font has are named before
 * printing (cd_forms_font_missing_chars) and refused by a render; a report heading never ends a page.
 *
 * CD_FORMS_ARTIFACTS=<dir> keeps the PDFs there, to look at them (pdftoppm -r 60 -png). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <poppler.h>
#include <string.h>

#include "cd-forms-fontset.h"
#include "cd-forms-private.h"

#ifndef POPPLER_CHECK_VERSION
#define POPPLER_CHECK_VERSION(a, b, c) 0
#endif
#if !POPPLER_CHECK_VERSION(23, 2, 0)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
#endif

#define USCC       "91150100MA0N12340B"
#define LEGAL      "王𠮷"           /* U+20BB7, CJK Extension B */
#define AGENT      "𠀀晓梅"         /* U+20000, the first of Extension B */
#define HANAMIN_B  "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"

static char *out_dir;

static const char *
source_root (void)
{
  const char *root = g_getenv ("CERTDESK_SOURCE_ROOT");
  return root ? root : CD_TEST_SOURCE_ROOT;
}

static gboolean
have_fonts (void)
{
  g_autofree char *main = cd_forms_font_find (NULL, NULL);

  if (!main)
    g_test_skip ("no CJK font (fonts-wqy-zenhei)");
  else if (!g_file_test (HANAMIN_B, G_FILE_TEST_EXISTS))
    g_test_skip ("no font for CJK Extension B (fonts-hanazono)");
  return main && g_file_test (HANAMIN_B, G_FILE_TEST_EXISTS);
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

typedef struct {
  CdApplication *app;
  CdProfile     *profile;
  GDateTime     *date;
  char          *data_dir;
  CdFormsRequest req;
} Fixture;

static void
fixture_load (Fixture *f, const char *app_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *app_path = g_build_filename (source_root (), "tests", "forms", "fixtures", app_file, NULL);
  g_autofree char *prof_path = NULL;

  f->app = cd_application_load_file (app_path, &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (source_root (), "data", NULL);
  prof_path = g_strdup_printf ("%s/profiles/%s.json", f->data_dir, f->app->profile);
  f->profile = cd_profile_load_file (prof_path, &error);
  g_assert_no_error (error);
  f->date = g_date_time_new_utc (2025, 3, 1, 9, 0, 0);
  f->req = (CdFormsRequest) {
    .application = f->app, .profile = f->profile, .number = "NMG-RARE-0001", .outlet = "呼和浩特赛罕区受理点",
    .clerk = "张受理", .date = f->date, .data_dir = f->data_dir,
  };
}

static void
fixture_clear (Fixture *f)
{
  cd_application_free (f->app);
  cd_profile_unref (f->profile);
  g_date_time_unref (f->date);
  g_free (f->data_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fixture, fixture_clear)

static char *
write_pdf (GBytes *pdf, const char *name)
{
  char *path = g_build_filename (out_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
  return path;
}

typedef struct {
  int   status;
  char *out;
  char *err;
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

/* @argv runs, exits 0 and writes nothing on stderr about the file; its stdout is returned. Debian's mutool
 * says once per run that it was built without colour management: that line is about mutool, not the PDF. */
static char *
run_quiet (const char *const *argv)
{
  g_auto(Run) r = { 0 };
  g_autoptr(GString) err = NULL;

  run_argv (&r, argv);
  err = g_string_new (r.err);
  g_string_replace (err, "warning: ICC support is not available\n", "", 0);
  if (r.status != 0 || err->len)
    g_error ("%s exited %d with stderr: %s", argv[0], r.status, g_strescape (err->str, NULL));
  return g_steal_pointer (&r.out);
}

static char *
strip_space (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (s, g_utf8_get_char (p));
  return g_string_free (s, FALSE);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The whole nmg set with rare characters in both names. */
static char *
render_rare_set (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;

  fixture_load (&f, "nmg-new.json");
  g_free (f.app->legal_person->name);
  f.app->legal_person->name = g_strdup (LEGAL);
  g_free (f.app->agent->name);
  f.app->agent->name = g_strdup (AGENT);
  pdf = cd_forms_render_to_bytes (&f.req, NULL, NULL, &error);
  g_assert_no_error (error);
  return write_pdf (pdf, "rare-set.pdf");
}

static void
test_missing_chars (void)
{
  if (!have_fonts ())
    return;
  g_assert_cmpuint (cd_forms_font_missing_chars ("内蒙古青城示范建设工程有限公司 ABC-123"), ==, 0);
  g_assert_cmpuint (cd_forms_font_missing_chars (LEGAL), ==, 0);
  g_assert_cmpuint (cd_forms_font_missing_chars (AGENT), ==, 0);
  g_assert_cmpuint (cd_forms_font_missing_chars ("阿依古丽·买买提\n"), ==, 0);
  /* HanaMinA has a few emoji and Tangut characters, not these: the first such character is named */
  g_assert_cmpuint (cd_forms_font_missing_chars ("王建国\U0001F92A\U00017002"), ==, 0x1F92A);
  g_assert_cmpuint (cd_forms_font_missing_chars ("\U00017002"), ==, 0x17002);
  g_assert_cmpuint (cd_forms_font_missing_chars (""), ==, 0);
  g_assert_cmpuint (cd_forms_font_missing_chars (NULL), ==, 0);
}

/* A character no font has fails the render, naming it, instead of printing a box or nothing. */
static void
test_unprintable_refused (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;

  if (!have_fonts ())
    return;
  fixture_load (&f, "nmg-new.json");
  g_free (f.app->legal_person->name);
  f.app->legal_person->name = g_strdup ("王\U0001F92A");
  pdf = cd_forms_render_to_bytes (&f.req, "application", NULL, &error);
  g_assert_null (pdf);
  g_assert_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "\U0001F92A"));
  g_assert_nonnull (strstr (error->message, "U+1F92A"));
  /* and the text it is in, so that the clerk knows which field to correct */
  g_assert_nonnull (strstr (error->message, "“王\U0001F92A”"));
}

static void
test_tounicode_cmap (void)
{
  g_autoptr(GHashTable) by_code = g_hash_table_new (NULL, NULL);
  g_autofree char *cmap = NULL;

  for (gunichar c = '0'; c <= '9'; c++)
    g_hash_table_insert (by_code, GUINT_TO_POINTER (c), GUINT_TO_POINTER (c));
  g_hash_table_insert (by_code, GUINT_TO_POINTER (0x738B), GUINT_TO_POINTER (0x738B));    /* 王 */
  g_hash_table_insert (by_code, GUINT_TO_POINTER (0xE000), GUINT_TO_POINTER (0x20BB7));   /* 𠮷 */
  g_hash_table_insert (by_code, GUINT_TO_POINTER (0xE001), GUINT_TO_POINTER (0x20000));   /* 𠀀 */
  /* consecutive codes and characters whose last byte wraps: no single range */
  g_hash_table_insert (by_code, GUINT_TO_POINTER (0x4EFF), GUINT_TO_POINTER (0x4EFF));
  g_hash_table_insert (by_code, GUINT_TO_POINTER (0x4F00), GUINT_TO_POINTER (0x4F00));
  cmap = cd_forms_tounicode_cmap (by_code);
  g_test_message ("%s", cmap);
  g_assert_null (strstr (cmap, "cidrange"));
  g_assert_nonnull (strstr (cmap, "1 beginbfrange\n<0030> <0039> <0030>\nendbfrange\n"));
  g_assert_nonnull (strstr (cmap, "5 beginbfchar\n"));
  g_assert_nonnull (strstr (cmap, "<738B> <738B>\n"));
  g_assert_nonnull (strstr (cmap, "<E000> <D842DFB7>\n"));
  g_assert_nonnull (strstr (cmap, "<E001> <D840DC00>\n"));
  g_assert_nonnull (strstr (cmap, "<4EFF> <4EFF>\n<4F00> <4F00>\n"));
  g_assert_nonnull (strstr (cmap, "/CMapType 2 def"));
}

static void
test_rare_set_poppler (void)
{
  g_autofree char *pdf = NULL, *text = NULL, *flat = NULL, *fonts = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_fonts = 0;
  gboolean hanamin = FALSE;

  if (!have_fonts () || !need_tool ("pdftotext") || !need_tool ("pdffonts"))
    return;
  pdf = render_rare_set ();
  {
    /* no -q: poppler's warnings (the invalid ToUnicode CMap of libharu) would come on stderr */
    const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
    text = run_quiet (argv);
  }
  flat = strip_space (text);
  g_assert_nonnull (strstr (flat, LEGAL));
  g_assert_nonnull (strstr (flat, AGENT));
  /* the boxed USCC (application form ×3, power of attorney) reads whole, as the plain ones do */
  g_test_message ("USCC found %u times by pdftotext", count (text, USCC));
  g_assert_cmpuint (count (text, USCC), ==, count (flat, USCC));
  g_assert_cmpuint (count (text, USCC), >=, 4);
  g_assert_null (strstr (text, "9 1 1 5 0 1"));
  {
    const char *argv[] = { "pdffonts", pdf, NULL };
    fonts = run_quiet (argv);
  }
  lines = g_strsplit (fonts, "\n", -1);
  for (guint i = 2; lines[i]; i++)
    {
      g_auto(GStrv) cols = NULL;

      if (*lines[i] == '\0')
        continue;
      g_test_message ("%s", lines[i]);
      cols = g_regex_split_simple ("\\s+", lines[i], 0, 0);
      g_assert_cmpuint (g_strv_length (cols), >=, 9);
      g_assert_true (g_regex_match_simple ("^[A-Z]{6}\\+(WenQuanYiZenHei|HanaMinB)$", cols[0], 0, 0));
      hanamin |= g_str_has_suffix (cols[0], "+HanaMinB");
      g_assert_cmpstr (cols[4], ==, "yes");   /* embedded */
      g_assert_cmpstr (cols[5], ==, "yes");   /* subset */
      g_assert_cmpstr (cols[6], ==, "yes");   /* ToUnicode */
      n_fonts++;
    }
  /* the fallback font is embedded once, next to the main font */
  g_assert_cmpuint (n_fonts, ==, 2);
  g_assert_true (hanamin);
}

/* What a viewer's search box finds (poppler-glib, as Evince): every occurrence of the USCC, and the name. */
static void
test_rare_set_search (void)
{
  g_autofree char *pdf = NULL, *uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) doc = NULL;
  guint found = 0, found_name = 0, pages_with_uscc = 0;
  g_autofree char *title = NULL;

  if (!have_fonts ())
    return;
  pdf = render_rare_set ();
  uri = g_filename_to_uri (pdf, NULL, &error);
  doc = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  title = poppler_document_get_title (doc);
  g_assert_cmpstr (title, ==, "数字证书受理单据 NMG-RARE-0001");
  for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (doc, i);
      g_autofree char *page_text = poppler_page_get_text (page);
      GList *hits = poppler_page_find_text (page, USCC);
      GList *name_hits = poppler_page_find_text (page, LEGAL);
      g_autofree char *flat = strip_space (page_text);

      /* what the search finds is every USCC the page's text holds, boxed or not */
      g_assert_cmpuint (g_list_length (hits), ==, count (flat, USCC));
      /* the three copies of the application form print it only in boxes, one character per box */
      if (i < 3)
        g_assert_cmpuint (g_list_length (hits), ==, 1);
      found += g_list_length (hits);
      found_name += g_list_length (name_hits);
      pages_with_uscc += hits != NULL;
      g_list_free_full (hits, (GDestroyNotify) poppler_rectangle_free);
      g_list_free_full (name_hits, (GDestroyNotify) poppler_rectangle_free);
    }
  g_test_message ("search: USCC %u times on %u pages, %s %u times", found, pages_with_uscc, LEGAL, found_name);
  /* the three copies of the application form (boxed), the power of attorney and the receipt (twice each):
   * the 7 occurrences of which a search found 3 before (issue 15) */
  g_assert_cmpuint (found, >=, 7);
  g_assert_cmpuint (pages_with_uscc, >=, 5);
  g_assert_cmpuint (found_name, >=, 4);
}

static void
test_rare_set_qpdf_mutool (void)
{
  g_autofree char *pdf = NULL;

  if (!have_fonts () || !need_tool ("qpdf") || !need_tool ("mutool"))
    return;
  pdf = render_rare_set ();
  {
    /* exit 0: no errors and no warnings (3) */
    const char *argv[] = { "qpdf", "--check", pdf, NULL };
    g_autofree char *out = run_quiet (argv);
    g_assert_nonnull (strstr (out, "No syntax or stream encoding errors found"));
  }
  {
    const char *argv[] = { "mutool", "info", pdf, NULL };
    g_autofree char *out = run_quiet (argv);
    g_assert_nonnull (strstr (out, "Pages: 10"));
  }
  {
    /* every page drawn, and its text extracted */
    g_autofree char *txt = g_build_filename (out_dir, "rare-set.txt", NULL);
    g_autofree char *text = NULL;
    const char *argv[] = { "mutool", "draw", "-q", "-F", "txt", "-o", txt, pdf, NULL };
    g_autofree char *out = run_quiet (argv);
    g_autofree char *flat = NULL;

    g_assert_true (g_file_get_contents (txt, &text, NULL, NULL));
    flat = strip_space (text);
    g_assert_nonnull (strstr (flat, LEGAL));
    g_assert_nonnull (strstr (flat, AGENT));
    g_assert_nonnull (strstr (flat, USCC));
  }
  {
    g_autofree char *png = g_build_filename (out_dir, "rare-set-%d.png", NULL);
    const char *argv[] = { "mutool", "draw", "-q", "-r", "30", "-o", png, pdf, NULL };
    g_autofree char *out = run_quiet (argv);
  }
}

/* Every profile's whole set, as the counter prints it: no tool has anything to say about it. */
static void
test_every_set_quiet (void)
{
  static const char *const fixtures[] = { "nmg-new.json", "xj-new.json", "bj-unit.json", "bj-person.json" };

  if (!have_fonts () || !need_tool ("pdftotext") || !need_tool ("pdffonts") || !need_tool ("qpdf")
      || !need_tool ("mutool"))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_auto(Fixture) f = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *name = g_strdup_printf ("set-%u.pdf", i);
      g_autofree char *pdf = NULL;

      g_test_message ("%s", fixtures[i]);
      fixture_load (&f, fixtures[i]);
      bytes = cd_forms_render_to_bytes (&f.req, NULL, NULL, &error);
      g_assert_no_error (error);
      pdf = write_pdf (bytes, name);
      {
        const char *argv[] = { "pdftotext", pdf, "/dev/null", NULL };
        g_free (run_quiet (argv));
      }
      {
        const char *argv[] = { "pdffonts", pdf, NULL };
        g_free (run_quiet (argv));
      }
      {
        const char *argv[] = { "qpdf", "--check", pdf, NULL };
        g_free (run_quiet (argv));
      }
      {
        const char *argv[] = { "mutool", "draw", "-q", "-F", "txt", "-o", "/dev/null", pdf, NULL };
        g_free (run_quiet (argv));
      }
    }
}

/* pypdf: another implementation of ToUnicode and text extraction (Debian: python3-pypdf). */
static const char pypdf_script[] =
  "import sys\n"
  "from pypdf import PdfReader\n"
  "r = PdfReader(sys.argv[1], strict=True)\n"
  "print('TITLE', r.metadata.title)\n"
  "print('LANG', r.trailer['/Root']['/Lang'])\n"
  "for i, p in enumerate(r.pages):\n"
  "    print('PAGE', i + 1)\n"
  "    print(p.extract_text())\n";

static void
test_rare_set_pypdf (void)
{
  g_autofree char *pdf = NULL, *out = NULL, *flat = NULL;
  g_auto(GStrv) lines = NULL;
  guint uscc_lines = 0;

  if (!have_fonts ())
    return;
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no /usr/bin/python3");
      return;
    }
  {
    const char *argv[] = { "/usr/bin/python3", "-c", "import pypdf", NULL };
    g_auto(Run) r = { 0 };

    run_argv (&r, argv);
    if (r.status != 0)
      {
        g_test_skip ("pypdf is not installed (python3-pypdf)");
        return;
      }
  }
  pdf = render_rare_set ();
  {
    const char *argv[] = { "/usr/bin/python3", "-c", pypdf_script, pdf, NULL };
    out = run_quiet (argv);
  }
  g_assert_nonnull (strstr (out, "TITLE 数字证书受理单据 NMG-RARE-0001\n"));
  g_assert_nonnull (strstr (out, "LANG zh-CN\n"));
  flat = strip_space (out);
  g_assert_nonnull (strstr (flat, LEGAL));
  g_assert_nonnull (strstr (flat, AGENT));
  /* the USCC as one string on a line of its own text, not split by spaces */
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], USCC))
      uscc_lines++;
  g_test_message ("pypdf: USCC on %u lines", uscc_lines);
  g_assert_cmpuint (uscc_lines, >=, 4);
  g_assert_cmpuint (count (out, USCC), ==, count (flat, USCC));
}

/* The report's sign-off heading keeps with its table whatever the length of what comes before it. */
static void
test_report_heading_keeps_with_next (void)
{
  if (!have_fonts () || !need_tool ("pdftotext"))
    return;
  for (guint n = 0; n < 40; n++)
    {
      g_autoptr(GString) json = g_string_new ("{\"from\": \"2025-03-01\", \"to\": \"2025-03-01\", \"open\": [");
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = NULL;
      g_autofree char *name = g_strdup_printf ("report-%u.pdf", n);
      g_autofree char *path = NULL;
      g_autoptr(PopplerDocument) doc = NULL;
      g_autofree char *uri = NULL;
      gboolean seen = FALSE;

      for (guint i = 0; i < n; i++)
        g_string_append_printf (json, "%s{\"number\": \"NMG-%04u\", \"name\": \"申请单位%u\", \"state\": \"paid\", "
                                      "\"day\": \"2025-03-01\"}", i ? ", " : "", i, i);
      g_string_append (json, "]}");
      node = json_from_string (json->str, &error);
      g_assert_no_error (error);
      pdf = cd_forms_render_report (node, "测试受理点", NULL, &error);
      g_assert_no_error (error);
      path = write_pdf (pdf, name);
      uri = g_filename_to_uri (path, NULL, NULL);
      doc = poppler_document_new_from_file (uri, NULL, &error);
      g_assert_no_error (error);
      for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
        {
          g_autoptr(PopplerPage) page = poppler_document_get_page (doc, i);
          g_autofree char *text = poppler_page_get_text (page);

          if (!strstr (text, "七、主管签核"))
            continue;
          seen = TRUE;
          /* the table under the heading is on the same page */
          if (!strstr (text, "签核主管") || !strstr (text, "本日尚未签核"))
            g_error ("%u open applications: the heading 七、主管签核 ends page %d without its table", n, i + 1);
        }
      g_assert_true (seen);
      if (n == 0)
        {
          g_autofree char *title = poppler_document_get_title (doc);
          g_assert_cmpstr (title, ==, "数字证书受理业务日报表 2025-03-01");
        }
    }
  /* a period's report says so in its title */
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"from\": \"2025-03-01\", \"to\": \"2025-03-31\"}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) pdf = cd_forms_render_report (node, NULL, NULL, &error);
    g_autoptr(PopplerDocument) doc = NULL;
    g_autofree char *title = NULL;

    g_assert_no_error (error);
    doc = poppler_document_new_from_bytes (pdf, NULL, &error);
    g_assert_no_error (error);
    title = poppler_document_get_title (doc);
    g_assert_cmpstr (title, ==, "数字证书受理业务日报表 2025-03-01 至 2025-03-31");
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
  const char *keep = g_getenv ("CD_FORMS_ARTIFACTS");
  int status;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  out_dir = keep ? g_strdup (keep) : g_dir_make_tmp ("certdesk-outsiders-XXXXXX", NULL);
  g_assert_cmpint (g_mkdir_with_parents (out_dir, 0700), ==, 0);

  g_test_add_func ("/forms/outsiders/missing-chars", test_missing_chars);
  g_test_add_func ("/forms/outsiders/unprintable-refused", test_unprintable_refused);
  g_test_add_func ("/forms/outsiders/tounicode-cmap", test_tounicode_cmap);
  g_test_add_func ("/forms/outsiders/rare-set-poppler", test_rare_set_poppler);
  g_test_add_func ("/forms/outsiders/rare-set-search", test_rare_set_search);
  g_test_add_func ("/forms/outsiders/rare-set-qpdf-mutool", test_rare_set_qpdf_mutool);
  g_test_add_func ("/forms/outsiders/rare-set-pypdf", test_rare_set_pypdf);
  g_test_add_func ("/forms/outsiders/every-set-quiet", test_every_set_quiet);
  g_test_add_func ("/forms/outsiders/report-heading-keeps-with-next", test_report_heading_keeps_with_next);
  status = g_test_run ();
  if (!keep && status == 0)
    rm_rf (out_dir);
  g_free (out_dir);
  return status;
}
