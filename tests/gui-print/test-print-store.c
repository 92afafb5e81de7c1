/* test-print-store.c: print records, paid → printed on the first full print, reprints need a reason. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-application-store.h"
#include "cd-audit.h"
#include "cd-print-store.h"
#include "cd-state.h"
#include "cd-test-context.h"

static gint64
count (CdContext *ctx, const char *sql, gint64 id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (ctx), sql, &stmt, &error));
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static CdState
state_of (CdContext *ctx, gint64 id)
{
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_application_store_load (ctx, id, NULL, &info, &error));
  return info->state;
}

/* A stored nmg application, taken as far as @to (draft, checked or paid). */
static gint64
new_application (CdContext *ctx, CdState to)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                            "app-nmg-new.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_load_file (path, &error);
  gint64 id = 0;

  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (ctx, app, TRUE, &id, &error));
  g_assert_no_error (error);
  if (to >= CD_STATE_CHECKED)
    g_assert_true (cd_application_store_check (ctx, id, &error));
  if (to >= CD_STATE_PAID)
    g_assert_true (cd_application_store_pay (ctx, id, CD_PAYMENT_WECHAT, 30000, 30000, FALSE, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_not_paid_refused (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = new_application (t->ctx, CD_STATE_CHECKED);
  gboolean reprint = TRUE;

  g_assert_false (cd_print_store_is_reprint (t->ctx, id, NULL, &reprint, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_false (cd_print_store_record (t->ctx, id, NULL, 1, "Office", NULL, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1", id), ==, 0);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_CHECKED);
}

static void
test_first_full_print (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  CdProfile *profile = cd_context_lookup_profile (t->ctx, "nmg-zfcg-sxca", NULL);
  gint64 id = new_application (t->ctx, CD_STATE_PAID);
  guint n_docs = g_strv_length (profile->documents);
  gboolean reprint = TRUE;

  g_assert_true (cd_print_store_is_reprint (t->ctx, id, NULL, &reprint, &error));
  g_assert_false (reprint);
  g_assert_true (cd_print_store_record (t->ctx, id, NULL, 2, "HP LaserJet", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PRINTED);
  records = cd_print_store_list (t->ctx, id, &error);
  g_assert_cmpuint (records->len, ==, n_docs);
  for (guint i = 0; i < records->len; i++)
    {
      const CdPrintRecord *r = records->pdata[i];
      g_assert_cmpstr (r->document, ==, profile->documents[i]);
      g_assert_cmpuint (r->copies, ==, 2);
      g_assert_cmpstr (r->printer, ==, "HP LaserJet");
      g_assert_null (r->reprint_reason);
      g_assert_cmpint (r->clerk_id, ==, 0);   /* no clerk signed in */
      g_assert_nonnull (r->at);
    }
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'print' AND entity_id = ?1", id), ==, 1);
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'application.state'"
                                  " AND entity_id = ?1 AND detail LIKE '%\"to\":\"printed\"%'", id), ==, 1);
  {
    gint64 rows = 0, bad_id = 0;
    g_assert_true (cd_audit_verify (cd_context_get_store (t->ctx), &rows, &bad_id, &error));
    g_assert_no_error (error);
  }
}

static void
test_partial_print_stays_paid (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  CdProfile *profile = cd_context_lookup_profile (t->ctx, "nmg-zfcg-sxca", NULL);
  gint64 id = new_application (t->ctx, CD_STATE_PAID);
  const char *first[] = { profile->documents[0], NULL };
  gboolean reprint = FALSE;

  g_assert_cmpuint (g_strv_length (profile->documents), >, 1);
  g_assert_true (cd_print_store_record (t->ctx, id, first, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PAID);
  /* the same document again is a reprint; the rest is not */
  g_assert_true (cd_print_store_is_reprint (t->ctx, id, first, &reprint, &error));
  g_assert_true (reprint);
  g_assert_true (cd_print_store_is_reprint (t->ctx, id, (const char *const *) profile->documents + 1, &reprint, &error));
  g_assert_false (reprint);
  g_assert_true (cd_print_store_record (t->ctx, id, (const char *const *) profile->documents + 1, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PRINTED);
}

static void
test_reprint_needs_reason (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gint64 id = new_application (t->ctx, CD_STATE_PAID);
  const char *bad[] = { NULL, "", "  ", "x" };
  gint64 before;
  gboolean reprint = FALSE;

  g_assert_true (cd_print_store_record (t->ctx, id, NULL, 1, "Office", NULL, &error));
  before = count (t->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1", id);
  g_assert_true (cd_print_store_is_reprint (t->ctx, id, NULL, &reprint, &error));
  g_assert_true (reprint);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cd_print_store_record (t->ctx, id, NULL, 1, "Office", bad[i], &error));
      g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
      g_clear_error (&error);
    }
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1", id), ==, before);
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'reprint' AND entity_id = ?1", id), ==, 0);

  g_assert_true (cd_print_store_record (t->ctx, id, NULL, 1, "Office", "  卡纸重打  ", &error));
  g_assert_no_error (error);
  records = cd_print_store_list (t->ctx, id, &error);
  g_assert_cmpuint (records->len, ==, 2 * before);
  g_assert_cmpstr (((CdPrintRecord *) records->pdata[records->len - 1])->reprint_reason, ==, "卡纸重打");
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM audit_log WHERE action = 'reprint' AND entity_id = ?1"
                                  " AND detail LIKE '%卡纸重打%'", id), ==, 1);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PRINTED);
}

static void
test_voided_refused (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = new_application (t->ctx, CD_STATE_PAID);

  g_assert_true (cd_application_store_void (t->ctx, id, "applicant withdrew", &error));
  g_assert_false (cd_print_store_record (t->ctx, id, NULL, 1, NULL, "reason given", &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED);
}

static void
test_queue (CdTestContext *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = NULL;
  gint64 draft = new_application (t->ctx, CD_STATE_DRAFT);
  gint64 waiting = new_application (t->ctx, CD_STATE_PAID);
  gint64 printed = new_application (t->ctx, CD_STATE_PAID);

  g_assert_true (cd_print_store_record (t->ctx, printed, NULL, 1, NULL, NULL, &error));
  queue = cd_print_store_queue (t->ctx, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 2);
  g_assert_cmpint (((CdPrintQueueItem *) queue->pdata[0])->id, ==, waiting);
  g_assert_cmpint (((CdPrintQueueItem *) queue->pdata[0])->state, ==, CD_STATE_PAID);
  g_assert_cmpuint (((CdPrintQueueItem *) queue->pdata[0])->prints, ==, 0);
  g_assert_cmpint (((CdPrintQueueItem *) queue->pdata[1])->id, ==, printed);
  g_assert_cmpint (((CdPrintQueueItem *) queue->pdata[1])->state, ==, CD_STATE_PRINTED);
  g_assert_cmpuint (((CdPrintQueueItem *) queue->pdata[1])->prints, >, 0);
  g_assert_nonnull (((CdPrintQueueItem *) queue->pdata[1])->last_printed_at);
  g_assert_cmpstr (((CdPrintQueueItem *) queue->pdata[1])->name, ==, "内蒙古草原建设工程有限公司");
  (void) draft;
}

/* The signed application form exists only after printing: the check before the burn names it until a scan
 * of it is stored (a deleted scan does not count); the materials step no longer demands it. */
static void
test_signed_scanned (CdTestContext *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                            "app-nmg-new.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_load_file (path, &error);
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *deleted = NULL, *kept = NULL;
  gint64 id = 0;

  g_assert_no_error (error);
  /* brought without the signed form: nothing of it yet */
  g_hash_table_remove (app->materials, "application_form");
  g_assert_true (cd_application_store_create (t->ctx, app, TRUE, &id, &error));
  g_assert_true (cd_application_store_check (t->ctx, id, &error));
  g_assert_true (cd_application_store_pay (t->ctx, id, CD_PAYMENT_WECHAT, 30000, 30000, FALSE, &error));
  g_assert_true (cd_print_store_record (t->ctx, id, NULL, 1, "Office", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PRINTED);

  missing = cd_print_store_unscanned_signed (t->ctx, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_false (cd_print_store_signed_scanned (t->ctx, id, &error));
  g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, (const char *) missing->pdata[0]));
  g_clear_error (&error);

  /* a scan deleted with undo pending does not count; a stored one does */
  deleted = g_strdup_printf ("INSERT INTO scan (application_id, material_code, sha256, mime, bytes, deleted, created_at)"
                             " VALUES (%" G_GINT64_FORMAT ", 'application_form', 'aa', 'image/png', 10, 1,"
                             " '2026-12-07T01:00:00Z')", id);
  g_assert_true (cd_store_exec (cd_context_get_store (t->ctx), deleted, &error));
  g_assert_false (cd_print_store_signed_scanned (t->ctx, id, NULL));
  kept = g_strdup_printf ("INSERT INTO scan (application_id, material_code, sha256, mime, bytes, created_at)"
                          " VALUES (%" G_GINT64_FORMAT ", 'application_form', 'bb', 'image/png', 10,"
                          " '2026-12-07T01:01:00Z')", id);
  g_assert_true (cd_store_exec (cd_context_get_store (t->ctx), kept, &error));
  g_assert_no_error (error);
  g_assert_true (cd_print_store_signed_scanned (t->ctx, id, &error));
  g_assert_no_error (error);
}

/* A renewal needs its form and its receipt only: printing those two moves it to printed. */
static void
test_renewal_prints_its_own (CdTestContext *t, gconstpointer data)
{
  static const char json[] =
    "{\"profile\":\"xj-fee-mgmt\",\"business\":\"renew\",\"applicant_type\":\"enterprise\",\"years\":2,"
    "\"unit\":{\"name\":\"新疆天池供水有限公司\",\"uscc\":\"914403001922038216\"},\"legal_person\":{\"name\":\"艾力\"},"
    "\"agent\":{\"name\":\"古丽\",\"id_number\":\"150102199003071237\",\"mobile\":\"13999990000\"},"
    "\"materials\":{\"agent_id\":{\"original_seen\":true,\"copy\":true,\"stamped\":true,\"scans\":[\"x.jpg\"]},"
    "\"existing_key\":{\"original_seen\":true}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_from_data (json, -1, &error);
  gint64 id = 0;

  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (t->ctx, app, TRUE, &id, &error));
  g_assert_true (cd_application_store_check (t->ctx, id, &error));
  g_assert_true (cd_application_store_pay (t->ctx, id, CD_PAYMENT_CASH, 20000, 20000, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (cd_print_store_record (t->ctx, id, (const char *const[]) { "application", NULL }, 1, NULL, NULL,
                                        &error));
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PAID);
  g_assert_true (cd_print_store_record (t->ctx, id, (const char *const[]) { "receipt", NULL }, 1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (t->ctx, id), ==, CD_STATE_PRINTED);
  /* no agreement, no responsibility letter was ever needed */
  g_assert_cmpint (count (t->ctx, "SELECT count(*) FROM print_record WHERE application_id = ?1", id), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, func, cd_test_context_teardown)
  ADD ("/print-store/not-paid-refused", test_not_paid_refused);
  ADD ("/print-store/first-full-print", test_first_full_print);
  ADD ("/print-store/partial-print-stays-paid", test_partial_print_stays_paid);
  ADD ("/print-store/reprint-needs-reason", test_reprint_needs_reason);
  ADD ("/print-store/voided-refused", test_voided_refused);
  ADD ("/print-store/queue", test_queue);
  ADD ("/print-store/signed-scanned", test_signed_scanned);
  ADD ("/print-store/renewal-prints-its-own", test_renewal_prints_its_own);
#undef ADD
  return g_test_run ();
}
