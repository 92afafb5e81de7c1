/* test-forms-sets.c: what each business prints, in the paper's order (cd_print_set_documents), and the marks
 * on the documents that depend on it: 补打 on a reprinted receipt, the unlock form's own 解锁 box, no blank
 * collection form for a sample already captured. A real context (profiles, SQLite, local prices). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>
#include <poppler.h>
#include <string.h>

#include "cd-forms.h"
#include "cd-price-store.h"
#include "cd-print-set.h"
#include "../unit/cd-test-context.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)

/* A sxca or xj application of @business; @extra members replace the defaults. */
static CdApplication *
make_app (const char *profile, const char *business, const char *extra)
{
  g_autofree char *json = g_strdup_printf (
    "{\"profile\":\"%s\",\"business\":\"%s\",\"applicant_type\":\"enterprise\",%s"
    "\"keys\":{\"main\":1,\"secondary\":0},"
    "\"unit\":{\"name\":\"内蒙古草原建设工程有限公司\",\"uscc\":\"91150100MA0N4X2B2D\"},"
    "\"legal_person\":{\"name\":\"王建国\",\"id_type\":\"resident_id\",\"id_number\":\"150102199003071237\","
    "\"mobile\":\"13904710001\"},"
    "\"agent\":{\"name\":\"李晓红\",\"id_type\":\"resident_id\",\"id_number\":\"11010519491231002X\","
    "\"mobile\":\"13804710002\"}%s%s}",
    profile, business, g_str_has_prefix (profile, "nmg") ? "\"party_role\":\"bidder\"," : "",
    extra ? "," : "", extra ? extra : "");
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_from_data (json, -1, &error);

  g_assert_no_error (error);
  return app;
}

static char *
documents_of (CdTestContext *t, const CdApplication *app)
{
  g_autoptr(GError) error = NULL;
  CdProfile *profile = cd_context_lookup_profile (t->ctx, app->profile, &error);
  g_auto(GStrv) docs = NULL;

  g_assert_no_error (error);
  docs = cd_print_set_documents (t->ctx, profile, app, NULL, &error);
  g_assert_no_error (error);
  return g_strjoinv (",", docs);
}

static void
test_sets_by_business (CdTestContext *t, gconstpointer data)
{
  static const char all_samples[] =
    "\"samples\":{\"unit_seal\":\"a.png\",\"legal_signature\":\"b.png\",\"legal_seal\":\"c.png\"}";
  static const struct {
    const char *profile, *business, *extra, *expected;
  } cases[] = {
    /* a new certificate: the whole set of the profile */
    { "nmg-zfcg-sxca", "new", NULL, "application,agreement,power-of-attorney,collection,receipt,pin-slip" },
    /* the samples were taken from the applicant's own forms: no blank collection forms */
    { "nmg-zfcg-sxca", "new", all_samples, "application,agreement,power-of-attorney,receipt,pin-slip" },
    /* the legal person in person: no power of attorney */
    { "nmg-zfcg-sxca", "new", "\"options\":{\"legal_person_present\":true}",
      "application,agreement,collection,receipt,pin-slip" },
    /* an unlock is free at 陕西CA: its form (解锁), the power of attorney and the new PIN, no ¥0 receipt */
    { "nmg-zfcg-sxca", "unlock", "\"existing_certificate\":{\"serial\":\"0A1B\"}",
      "application,power-of-attorney,pin-slip" },
    /* a renewal: no agreement again, no PIN slip (the key keeps its PIN) */
    { "nmg-zfcg-sxca", "renew", "\"existing_certificate\":{\"serial\":\"0A1B\"}," "\"years\":1," "\"samples\":"
      "{\"unit_seal\":\"a.png\",\"legal_signature\":\"b.png\",\"legal_seal\":\"c.png\"}",
      "application,power-of-attorney,receipt" },
    /* Xinjiang: the renewal and the unlock print their form and the receipt, no letter, no agreement */
    { "xj-fee-mgmt", "new", NULL, "application,responsibility,agreement,receipt" },
    { "xj-fee-mgmt", "renew", "\"existing_certificate\":{\"serial\":\"0A1B\"},\"years\":2", "application,receipt" },
    { "xj-fee-mgmt", "unlock", "\"existing_certificate\":{\"serial\":\"0A1B\"}", "application,receipt" },
  };

  CdPriceOverride xj_unlock = { "unlock", "standard", "unlock", 0, 3000 };
  g_autoptr(GError) error = NULL;

  /* Xinjiang leaves the unlock's price to the supervisor */
  g_assert_true (cd_price_store_set (t->ctx, "xj-fee-mgmt", &xj_unlock, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CdApplication) app = make_app (cases[i].profile, cases[i].business, cases[i].extra);
      g_autofree char *docs = documents_of (t, app);

      g_test_message ("%s %s: %s", cases[i].profile, cases[i].business, docs);
      g_assert_cmpstr (docs, ==, cases[i].expected);
    }
}

/* The receipt's quote is the effective one: a local price set for a price the profile leaves open. */
static void
test_receipt_quote_is_local (CdTestContext *t, gconstpointer data)
{
  CdPriceOverride price = { "replace", "standard", "replace", 0, 5000 };
  g_autoptr(CdApplication) app = make_app ("nmg-zfcg-sxca", "replace", "\"existing_certificate\":{\"serial\":\"0A1B\"}");
  CdProfile *profile = cd_context_lookup_profile (t->ctx, "nmg-zfcg-sxca", NULL);
  g_autoptr(CdFeeQuote) quote = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) docs = NULL;

  /* unpriced: the documents cannot be made, and the message says so in words */
  g_assert_null (cd_print_set_documents (t->ctx, profile, app, &quote, &error));
  g_assert_error (error, CD_FEE_ERROR, CD_FEE_ERROR_PRICE_UNSET);
  g_clear_error (&error);
  g_assert_true (cd_price_store_set (t->ctx, "nmg-zfcg-sxca", &price, &error));
  g_assert_no_error (error);
  docs = cd_print_set_documents (t->ctx, profile, app, &quote, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) docs, "receipt"));
  g_assert_nonnull (quote);
  g_assert_cmpint (quote->total_fen, ==, 5000);
}

/* ---- the documents themselves ---- */

static char *
pdf_text (GBytes *pdf, int *out_pages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PopplerDocument) doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (doc, i);
      g_autofree char *text = poppler_page_get_text (page);
      g_string_append (s, text);
      g_string_append_c (s, '\f');
    }
  if (out_pages)
    *out_pages = poppler_document_get_n_pages (doc);
  return g_string_free (s, FALSE);
}

static GBytes *
render (CdTestContext *t, const CdApplication *app, const char *document, gboolean reprint, CdFormsInfo *info)
{
  g_autoptr(GError) error = NULL;
  CdProfile *profile = cd_context_lookup_profile (t->ctx, app->profile, NULL);
  g_autoptr(CdFeeQuote) quote = NULL;
  g_auto(GStrv) docs = cd_print_set_documents (t->ctx, profile, app, &quote, &error);
  g_autoptr(GDateTime) date = g_date_time_new_local (2026, 12, 7, 9, 0, 0);
  CdFormsRequest req = { 0 };
  GBytes *pdf;

  g_assert_no_error (error);
  req.application = app;
  req.profile = profile;
  req.number = "HHHT01-20261207-0001";
  req.clerk = "王受理";
  req.date = date;
  req.quote = quote;
  req.reprint = reprint;
  req.data_dir = cd_context_get_data_dir (t->ctx);
  pdf = cd_forms_render_to_bytes (&req, document, info, &error);
  g_assert_no_error (error);
  if (g_getenv ("CD_FORMS_SETS_OUT"))
    {
      g_autofree char *name = g_strdup_printf ("%s/%s-%s%s.pdf", g_getenv ("CD_FORMS_SETS_OUT"),
                                               cd_business_to_code (app->business), document, reprint ? "-reprint" : "");
      g_assert_true (g_file_set_contents (name, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
    }
  return pdf;
}

static void
test_reprinted_receipt (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = make_app ("nmg-zfcg-sxca", "new", NULL);
  g_autoptr(GBytes) first = render (t, app, "receipt", FALSE, NULL);
  g_autoptr(GBytes) again = render (t, app, "receipt", TRUE, NULL);
  g_autofree char *first_text = pdf_text (first, NULL);
  g_autofree char *again_text = pdf_text (again, NULL);
  const char *p = again_text;
  guint marks = 0;

  g_assert_null (strstr (first_text, "补打"));
  /* on the payer's part and on the counter's stub */
  while ((p = strstr (p, "补打")))
    marks++, p += strlen ("补打");
  g_assert_cmpuint (marks, ==, 2);
  g_assert_nonnull (strstr (again_text, "300.00"));
}

static void
test_unlock_box (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) unlock = make_app ("nmg-zfcg-sxca", "unlock", "\"existing_certificate\":{\"serial\":\"0A1B\"}");
  g_autoptr(CdApplication) fresh = make_app ("nmg-zfcg-sxca", "new", NULL);
  g_autoptr(GBytes) pdf = render (t, unlock, "application", FALSE, NULL);
  g_autoptr(GBytes) pdf_new = render (t, fresh, "application", FALSE, NULL);
  g_autofree char *text = pdf_text (pdf, NULL);
  g_autofree char *text_new = pdf_text (pdf_new, NULL);

  /* the box is on every nmg form, beside 补办 and 注销; an unlock no longer writes "（解锁）" as an other */
  g_assert_nonnull (strstr (text, "解锁"));
  g_assert_nonnull (strstr (text_new, "解锁"));
  g_assert_null (strstr (text, "（解锁）"));
}

static void
test_collection_without_captured (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) none = make_app ("nmg-zfcg-sxca", "new", NULL);
  g_autoptr(CdApplication) one = make_app ("nmg-zfcg-sxca", "new", "\"samples\":{\"unit_seal\":\"a.png\"}");
  g_auto(CdFormsInfo) info_none = { 0 };
  g_auto(CdFormsInfo) info_one = { 0 };
  g_autoptr(GBytes) all = render (t, none, "collection", FALSE, &info_none);
  g_autoptr(GBytes) rest = render (t, one, "collection", FALSE, &info_one);
  g_autofree char *text = pdf_text (rest, NULL);

  g_assert_cmpuint (info_none.pages, ==, 3);
  /* the unit seal was captured from the applicant's own form: its blank form is not printed again */
  g_assert_cmpuint (info_one.pages, ==, 2);
  g_assert_null (strstr (text, "单位公章采集表"));
  g_assert_nonnull (strstr (text, "法定代表人签字采集表"));
  g_assert_nonnull (strstr (text, "法定代表人签章采集表"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/forms/sets/by-business", test_sets_by_business);
  ADD ("/forms/sets/receipt-quote-is-local", test_receipt_quote_is_local);
  ADD ("/forms/sets/reprinted-receipt", test_reprinted_receipt);
  ADD ("/forms/sets/unlock-box", test_unlock_box);
  ADD ("/forms/sets/collection-without-captured", test_collection_without_captured);
  return g_test_run ();
}
