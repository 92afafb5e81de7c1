/* test-forms-unit.c: the forms library without external tools: line breaking, amounts in words, QR payloads,
 * documents and page counts per profile, request checks, the async variant. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "cd-forms-private.h"

static const char *
source_root (void)
{
  const char *root = g_getenv ("CERTDESK_SOURCE_ROOT");
  return root ? root : CD_TEST_SOURCE_ROOT;
}

static char *
data_dir (void)
{
  return g_build_filename (source_root (), "data", NULL);
}

static gboolean
have_font (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cd_forms_font_find (NULL, &error);

  if (!path)
    g_test_skip ("no CJK font (fonts-wqy-zenhei)");
  return path != NULL;
}

/* ---- line breaking: every CJK character is 1 unit wide, ASCII 0.5 ---- */

static double
measure_units (gunichar c, gpointer user_data)
{
  return c < 0x80 ? 0.5 : 1.0;
}

static char *
wrap_joined (const char *text, double width)
{
  g_autoptr(GPtrArray) lines = cd_forms_wrap (text, width, measure_units, NULL);

  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("|", (char **) lines->pdata);
}

static void
test_wrap (void)
{
  static const struct {
    const char *text;
    double      width;
    const char *expected;
  } cases[] = {
    { "", 10, "" },
    { "内蒙古", 10, "内蒙古" },
    { "一二三四五六七", 3, "一二三|四五六|七" },
    /* closing punctuation never starts a line: the character before it moves down with it */
    { "一二三，四五", 3, "一二|三，四|五" },
    /* opening punctuation never ends a line */
    { "一二（三）四", 3, "一二|（三）|四" },
    /* Latin words and numbers stay whole */
    { "电话 0471-5551234 号", 6, "电话|0471-5551234|号" },
    { "abc def ghi", 3, "abc|def|ghi" },
    { "abc def ghi", 4, "abc def|ghi" },
    /* a word wider than the line is cut between characters */
    { "abcdefghij", 2, "abcd|efgh|ij" },
    { "一\n\n二", 5, "一||二" },
    { "一二\n", 5, "一二" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = wrap_joined (cases[i].text, cases[i].width);
      g_test_message ("wrap “%s” at %.1f", cases[i].text, cases[i].width);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_wrap_never_overflows (void)
{
  const char *name = "内蒙古自治区呼和浩特市赛罕区某某某某建设工程集团有限责任公司（第一分公司）ABC Engineering";

  for (double w = 1; w < 40; w += 0.5)
    {
      g_autoptr(GPtrArray) lines = cd_forms_wrap (name, w, measure_units, NULL);
      g_autoptr(GString) all = g_string_new (NULL);

      for (guint i = 0; i < lines->len; i++)
        {
          double lw = 0;
          const char *l = lines->pdata[i];

          for (const char *p = l; *p; p = g_utf8_next_char (p))
            lw += measure_units (g_utf8_get_char (p), NULL);
          /* one character is the least a line can hold */
          if (g_utf8_strlen (l, -1) > 1)
            g_assert_cmpfloat (lw, <=, w);
          g_string_append (all, l);
        }
      /* nothing is lost but the spaces at the breaks */
      g_assert_cmpuint (g_utf8_strlen (all->str, -1), >=, g_utf8_strlen (name, -1) - 1);
    }
}

static void
test_yuan_capital (void)
{
  static const struct {
    gint64      fen;
    const char *expected;
  } cases[] = {
    { 0, "零元整" },
    { 30000, "叁佰元整" },
    { 60050, "陆佰元伍角整" },
    { 100005, "壹仟元零伍分" },
    { 1000000, "壹万元整" },
    { 1010, "壹拾元壹角整" },
    { 101000, "壹仟零壹拾元整" },
    { 10000100, "壹拾万零壹元整" },
    { 5, "伍分" },
    { 85000, "捌佰伍拾元整" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cd_forms_yuan_capital (cases[i].fen);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_qr_payload (void)
{
  g_autofree char *a = cd_forms_qr_payload ("NMG-1", "application", 2, 1, 1, NULL);
  g_autofree char *b = cd_forms_qr_payload ("NMG-1", "collection", 1, 2, 3, "legal_seal");

  g_assert_cmpstr (a, ==, "CERTDESK:APP=NMG-1;DOC=application;COPY=2;PAGE=1/1");
  g_assert_cmpstr (b, ==, "CERTDESK:APP=NMG-1;DOC=collection;COPY=1;PAGE=2/3;FORM=legal_seal");
}

/* ---- rendering ---- */

typedef struct {
  CdApplication *app;
  CdProfile     *profile;
  GDateTime     *date;
  char          *data_dir;
  CdFormsRequest req;
} Fixture;

static void
fixture_load (Fixture *f, const char *app_file, const char *profile_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *app_path = g_build_filename (source_root (), "tests", "forms", "fixtures", app_file, NULL);
  g_autofree char *prof_path = NULL;

  f->app = cd_application_load_file (app_path, &error);
  g_assert_no_error (error);
  if (profile_id)
    {
      g_free (f->app->profile);
      f->app->profile = g_strdup (profile_id);
    }
  f->data_dir = data_dir ();
  prof_path = g_strdup_printf ("%s/profiles/%s.json", f->data_dir, f->app->profile);
  f->profile = cd_profile_load_file (prof_path, &error);
  g_assert_no_error (error);
  f->date = g_date_time_new_utc (2025, 3, 1, 9, 0, 0);
  f->req = (CdFormsRequest) {
    .application = f->app, .profile = f->profile, .number = "T-0001", .outlet = "测试受理点", .clerk = "张受理",
    .date = f->date, .data_dir = f->data_dir,
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

/* A quote for profiles that leave prices to the supervisor. */
static CdFeeQuote *
fixed_quote (CdBusiness business)
{
  CdFeeQuote *q = g_new0 (CdFeeQuote, 1);
  CdFeeLine *l = g_new0 (CdFeeLine, 1);

  q->business = business;
  q->variant = g_strdup ("test");
  q->years = 1;
  q->lines = g_ptr_array_new_with_free_func (g_free);
  l->code = (char *) "cert";
  l->label = (char *) "证书服务费";
  l->qty = 1;
  l->unit_fen = 25000;
  l->amount_fen = 25000;
  g_ptr_array_add (q->lines, l);
  q->total_fen = 25000;
  return q;
}

static void
quote_free_fixed (CdFeeQuote *q)
{
  g_free (q->variant);
  g_ptr_array_unref (q->lines);
  g_free (q);
}

static const struct {
  const char *profile;
  const char *fixture;
  const char *expected;   /* name:pages,… in print order */
  guint       pages;
} profile_cases[] = {
  { "nmg-zfcg-sxca", "nmg-new.json",
    "application:3,agreement:1,power-of-attorney:1,collection:3,receipt:1,pin-slip:1", 10 },
  { "nmg-zfcg-cfca", "nmg-new.json",
    "application:3,agreement:1,power-of-attorney:1,collection:3,receipt:1,pin-slip:1", 10 },
  { "xj-fee-mgmt", "xj-new.json", "application:2,responsibility:2,agreement:1,receipt:1", 6 },
  { "xj-ggzy", "xj-new.json", "application:2,responsibility:2,agreement:1,power-of-attorney:1,receipt:1", 7 },
  { "xjbt-hpf", "xj-new.json", "application:2,responsibility:2,agreement:1,receipt:1", 6 },
  { "bj-gov", "bj-unit.json", "application:2,detail-sheet:1,agreement:1,collection:2,receipt:1,pin-slip:1", 8 },
  { "bj-gov", "bj-person.json", "application:2,detail-sheet:1,agreement:1,collection:1,receipt:1,pin-slip:1", 7 },
};

static void
test_profiles_page_counts (void)
{
  if (!have_font ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (profile_cases); i++)
    {
      g_auto(Fixture) f = { 0 };
      g_auto(CdFormsInfo) info = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = NULL;
      g_autoptr(GString) got = g_string_new (NULL);
      CdFeeQuote *quote;

      g_test_message ("profile %s with %s", profile_cases[i].profile, profile_cases[i].fixture);
      fixture_load (&f, profile_cases[i].fixture, profile_cases[i].profile);
      /* one fixture serves several profiles: their own default term */
      f.app->years = 0;
      quote = cd_profile_has_prices (f.profile) ? NULL : fixed_quote (f.app->business);
      f.req.quote = quote;
      pdf = cd_forms_render_to_bytes (&f.req, NULL, &info, &error);
      g_assert_no_error (error);
      g_assert_nonnull (pdf);
      for (guint d = 0; d < info.documents->len; d++)
        {
          CdFormsDocInfo *di = info.documents->pdata[d];
          g_string_append_printf (got, "%s%s:%u", d ? "," : "", di->name, di->pages);
        }
      g_assert_cmpstr (got->str, ==, profile_cases[i].expected);
      g_assert_cmpuint (info.pages, ==, profile_cases[i].pages);
      g_assert_cmpuint (info.bytes, ==, g_bytes_get_size (pdf));
      /* one embedded font subset: the whole set stays well under 1 MB */
      g_assert_cmpuint (info.bytes, <, 1024 * 1024);
      g_assert_true (memcmp (g_bytes_get_data (pdf, NULL), "%PDF-", 5) == 0);
      if (quote)
        quote_free_fixed (quote);
    }
}

static void
test_copies_and_carbonless (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(CdFormsInfo) plain = { 0 };
  g_auto(CdFormsInfo) carbon = { 0 };
  g_autoptr(GBytes) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;
  CdFormsDocInfo *di;

  if (!have_font ())
    return;
  fixture_load (&f, "nmg-new.json", NULL);
  a = cd_forms_render_to_bytes (&f.req, "application", &plain, &error);
  g_assert_no_error (error);
  di = plain.documents->pdata[0];
  g_assert_cmpuint (di->pages, ==, 3);
  g_assert_cmpuint (di->copies, ==, 3);

  f.req.copy_mode = CD_FORMS_COPY_CARBONLESS;
  f.req.offset_x_mm = 1.5;
  f.req.offset_y_mm = -2;
  b = cd_forms_render_to_bytes (&f.req, "application", &carbon, &error);
  g_assert_no_error (error);
  di = carbon.documents->pdata[0];
  g_assert_cmpuint (di->pages, ==, 1);
  g_assert_cmpuint (di->copies, ==, 3);
  /* the single-copy documents are not affected by the copy mode */
  {
    g_auto(CdFormsInfo) agr = { 0 };
    g_autoptr(GBytes) c = cd_forms_render_to_bytes (&f.req, "agreement", &agr, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (((CdFormsDocInfo *) agr.documents->pdata[0])->copies, ==, 1);
  }
}

static void
test_same_request_same_bytes (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GBytes) a = NULL, b = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_font ())
    return;
  fixture_load (&f, "xj-new.json", NULL);
  a = cd_forms_render_to_bytes (&f.req, "application", NULL, &error);
  g_assert_no_error (error);
  b = cd_forms_render_to_bytes (&f.req, "application", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (a, b));
}

static void
test_bad_requests (void)
{
  static const struct {
    const char *document;
    const char *number;
    double      offset;
    const char *pin;
    const char *message_part;
  } cases[] = {
    { "nope", "T-1", 0, NULL, "Unknown document" },
    { "detail-sheet", "T-1", 0, NULL, "does not print" },
    { "application", "", 0, NULL, "Application number" },
    { "application", "A;DOC=x", 0, NULL, "Application number" },
    { "application", "012345678901234567890123456789012", 0, NULL, "Application number" },
    { "application", "T-1", 25, NULL, "±20 mm" },
    { "pin-slip", "T-1", 0, "12 34", "PIN" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Fixture) f = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = NULL;

      fixture_load (&f, "nmg-new.json", NULL);
      f.req.number = cases[i].number;
      f.req.offset_x_mm = cases[i].offset;
      f.req.pin = cases[i].pin;
      pdf = cd_forms_render_to_bytes (&f.req, cases[i].document, NULL, &error);
      g_assert_null (pdf);
      g_assert_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }
}

static void
test_missing_agreement_and_font (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *empty = g_dir_make_tmp ("certdesk-forms-XXXXXX", NULL);

  if (!have_font ())
    return;
  fixture_load (&f, "nmg-new.json", NULL);
  f.req.data_dir = empty;
  pdf = cd_forms_render_to_bytes (&f.req, "agreement", NULL, &error);
  g_assert_null (pdf);
  g_assert_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_TEXT);
  g_assert_nonnull (strstr (error->message, "agreement: "));
  g_clear_error (&error);

  f.req.data_dir = f.data_dir;
  f.req.font_path = "/nonexistent/font.ttc";
  pdf = cd_forms_render_to_bytes (&f.req, "application", NULL, &error);
  g_assert_null (pdf);
  g_assert_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT);
  g_rmdir (empty);
}

static void
on_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static void
test_async (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(CdFormsInfo) info = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) none = NULL;

  if (!have_font ())
    return;
  fixture_load (&f, "nmg-new.json", NULL);
  cd_forms_render_async (&f.req, NULL, NULL, on_rendered_cb, &result);
  /* the request was copied: the caller's data may go away at once */
  f.req.number = "CHANGED";
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  pdf = cd_forms_render_finish (result, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info.pages, ==, 10);
  g_assert_cmpuint (g_bytes_get_size (pdf), ==, info.bytes);

  g_cancellable_cancel (cancellable);
  cd_forms_render_async (&f.req, NULL, cancellable, on_rendered_cb, &cancelled_result);
  while (cancelled_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  none = cd_forms_render_finish (cancelled_result, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_long_values_fit (void)
{
  g_auto(Fixture) f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;

  if (!have_font ())
    return;
  fixture_load (&f, "nmg-new.json", NULL);
  /* 60 characters, and an address far longer than its box: drawn shrunk or cut, never an error */
  g_free (f.app->unit->name);
  f.app->unit->name = g_strdup ("内蒙古自治区呼和浩特市赛罕区示范经济技术开发区青城建设工程集团有限责任公司第一工程分公司示范项目部二〇二五年度联合体牵头");
  g_assert_cmpint (g_utf8_strlen (f.app->unit->name, -1), ==, 60);
  g_free (f.app->unit->address);
  f.app->unit->address = g_strnfill (600, 'A');
  pdf = cd_forms_render_to_bytes (&f.req, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* A CA's own, longer text flows onto more pages; comments and placeholders are handled. */
static void
test_long_agreement (void)
{
  g_auto(Fixture) f = { 0 };
  g_auto(CdFormsInfo) info = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *dir = g_dir_make_tmp ("certdesk-agreement-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "agreements", NULL);
  g_autofree char *file = NULL;
  g_autoptr(GString) text = g_string_new ("# a comment line\n{ca_name}服务协议\n");

  if (!have_font ())
    return;
  fixture_load (&f, "nmg-new.json", NULL);
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (text, "%s、第%u节\n{applicant}同意在{project}中遵守本节的约定，这一段文字足够长，"
                                  "需要折成两行以上才能排完，用来检查分页时不丢失任何一行。\n",
                            i % 2 ? "二" : "一", i + 1);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  file = g_build_filename (sub, f.profile->agreement, NULL);
  g_assert_true (g_file_set_contents (file, text->str, -1, NULL));
  f.req.data_dir = dir;
  pdf = cd_forms_render_to_bytes (&f.req, "agreement", &info, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info.pages, >=, 3);
  g_unlink (file);
  g_rmdir (sub);
  g_rmdir (dir);
}

static void
test_font_subset (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cd_forms_font_find (NULL, NULL);
  g_autofree char *tmp = NULL;
  g_autoptr(CdFormsTtf) full = NULL;
  g_autoptr(CdFormsTtf) sub = NULL;
  g_autoptr(GHashTable) chars = g_hash_table_new (NULL, NULL);
  g_autoptr(GBytes) bytes = NULL;
  const char *text = "机构数字证书申请表 ABC abc 0123456789（盖章）“”…，。、·￥@-_";
  int fd;

  if (!have_font ())
    return;
  full = cd_forms_ttf_open (path, &error);
  g_assert_no_error (error);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    g_hash_table_add (chars, GUINT_TO_POINTER (g_utf8_get_char (p)));
  bytes = cd_forms_ttf_subset (full, chars, &error);
  g_assert_no_error (error);
  /* a few hundred bytes a glyph, not the 16 MB of the collection */
  g_assert_cmpuint (g_bytes_get_size (bytes), <, 64 * 1024);

  fd = g_file_open_tmp ("certdesk-subset-XXXXXX.ttf", &tmp, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (tmp, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
  close (fd);
  sub = cd_forms_ttf_open (tmp, &error);
  g_assert_no_error (error);
  /* the same advances, so that both drawing passes break lines alike; the subset maps the codes it gave
   * the characters, each its own */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      guint code = GPOINTER_TO_UINT (g_hash_table_lookup (chars, GUINT_TO_POINTER (g_utf8_get_char (p))));

      g_assert_cmpuint (code, >, 0);
      g_assert_true (cd_forms_ttf_has (sub, code));
      g_assert_cmpuint (cd_forms_ttf_advance (sub, code), ==, cd_forms_ttf_advance (full, g_utf8_get_char (p)));
    }
  g_assert_cmpuint (g_hash_table_size (chars), ==, 41);   /* 43 characters, the space three times */
  /* a character left out maps to .notdef */
  g_assert_cmpuint (cd_forms_ttf_advance (sub, 0x9F8D), ==, cd_forms_ttf_advance (full, 0xE000));
  g_unlink (tmp);
}

static void
test_broken_font (void)
{
  g_autofree char *path = cd_forms_font_find (NULL, NULL);
  g_autofree char *tmp = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (!have_font ())
    return;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  /* cut at the header, in the table directory and in the middle of the glyphs: a clear error each time */
  for (guint i = 0; i < 3; i++)
    {
      static const gsize cuts[] = { 10, 200, 4 * 1024 * 1024 };
      g_auto(Fixture) f = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = NULL;
      int fd = g_file_open_tmp ("certdesk-font-XXXXXX.ttc", &tmp, NULL);

      g_assert_cmpint (fd, >=, 0);
      close (fd);
      g_assert_true (g_file_set_contents (tmp, data, MIN (cuts[i], len), NULL));
      g_assert_null (cd_forms_ttf_open (tmp, &error));
      g_assert_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT);
      g_clear_error (&error);
      fixture_load (&f, "nmg-new.json", NULL);
      f.req.font_path = tmp;
      pdf = cd_forms_render_to_bytes (&f.req, "pin-slip", NULL, &error);
      g_assert_null (pdf);
      g_assert_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT);
      g_unlink (tmp);
      g_clear_pointer (&tmp, g_free);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/forms/wrap", test_wrap);
  g_test_add_func ("/forms/wrap-never-overflows", test_wrap_never_overflows);
  g_test_add_func ("/forms/yuan-capital", test_yuan_capital);
  g_test_add_func ("/forms/qr-payload", test_qr_payload);
  g_test_add_func ("/forms/profiles-page-counts", test_profiles_page_counts);
  g_test_add_func ("/forms/copies-and-carbonless", test_copies_and_carbonless);
  g_test_add_func ("/forms/same-request-same-bytes", test_same_request_same_bytes);
  g_test_add_func ("/forms/bad-requests", test_bad_requests);
  g_test_add_func ("/forms/missing-agreement-and-font", test_missing_agreement_and_font);
  g_test_add_func ("/forms/async", test_async);
  g_test_add_func ("/forms/long-values-fit", test_long_values_fit);
  g_test_add_func ("/forms/long-agreement", test_long_agreement);
  g_test_add_func ("/forms/font-subset", test_font_subset);
  g_test_add_func ("/forms/broken-font", test_broken_font);
  return g_test_run ();
}
