/* test-reports-cli.c: `certdesk-cli report` as CSV and PDF and `report sign` (suite integration).
 * With the argument "libreoffice": the CSV converted by LibreOffice keeps its Chinese (77 without it). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "reports-fixture.h"
#include "../unit/cd-test-context.h"

typedef struct {
  char  *dir;
  char  *db;
  RfDay  day;
  char  *err;    /* stderr of the last run */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) ctx = NULL;

  f->dir = g_dir_make_tmp ("certdesk-reports-cli-XXXXXX", &error);
  g_assert_no_error (error);
  ctx = cd_context_new (f->dir, NULL, &error);
  g_assert_no_error (error);
  rf_build_day (ctx, &f->day);
  f->db = g_strdup (cd_store_get_path (cd_context_get_store (ctx)));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cd_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->err);
}

/* Runs the CLI with @env added; returns its exit status, stdout in *out. */
static int
cli (Fixture *f, const char *const *env, char **out, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = -1;

  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, f->dir);
  va_start (ap, out);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  envp = g_environ_setenv (envp, "CERTDESK_NOW", RF_DAY "T18:00:00Z", TRUE);
  envp = g_environ_unsetenv (envp, "CERTDESK_SUPERVISOR");
  envp = g_environ_unsetenv (envp, "CERTDESK_PASSWORD");
  for (guint i = 0; env && env[i]; i += 2)
    envp = g_environ_setenv (envp, env[i], env[i + 1], TRUE);
  if (out)
    g_clear_pointer (out, g_free);   /* callers reuse one buffer for several runs */
  g_clear_pointer (&f->err, g_free);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out, &f->err, &status,
                               &error));
  g_assert_no_error (error);
  if (f->err && *f->err)
    g_test_message ("stderr: %s", f->err);
  return g_spawn_check_wait_status (status, NULL) ? 0 : WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
pdf_text (const char *pdf)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

/* The newest report.export audit row: its detail (JSON) and its actor in *out_actor. */
static JsonObject *
last_export (Fixture *f, char **out_actor)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonObject *o = NULL;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT detail, actor FROM audit_log WHERE action = 'report.export'"
                                           " ORDER BY id DESC LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);

      o = json_object_ref (json_node_get_object (node));
      *out_actor = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_nonnull (o);
  return o;
}

/* The export's audit row names the records and the SHA-256 of the file written, and who took it. */
static void
assert_export_audited (Fixture *f, const char *path, const char *format, gint64 rows)
{
  g_autofree char *bytes = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *actor = NULL;
  g_autoptr(JsonObject) o = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, len);
  o = last_export (f, &actor);
  g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, format);
  g_assert_cmpstr (json_object_get_string_member (o, "from"), ==, RF_DAY);
  g_assert_cmpint (json_object_get_int_member (o, "rows"), ==, rows);
  g_assert_cmpstr (json_object_get_string_member (o, "sha256"), ==, sha);
  g_assert_nonnull (actor);
  g_assert_true (g_str_has_prefix (actor, "cli:"));
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "day.csv", NULL);
  g_autofree char *out = NULL, *csv = NULL;

  g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--outlet", "1", "--format", "csv", "--out", path,
                        NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  g_assert_nonnull (strstr (csv, "新疆天池供水有限公司"));
  g_assert_nonnull (strstr (csv, "申请人离开"));
  {
    g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);

    assert_export_audited (f, path, "csv", g_strv_length (lines) - 2);   /* the header and the empty tail */
  }
}

static void
test_sign_and_pdf (Fixture *f, gconstpointer data)
{
  const char *const boss[] = { "CERTDESK_SUPERVISOR", "boss", "CERTDESK_PASSWORD", RF_PASSWORD, NULL };
  const char *const wrong[] = { "CERTDESK_SUPERVISOR", "boss", "CERTDESK_PASSWORD", "not-the-password", NULL };
  g_autofree char *pdf = g_build_filename (f->dir, "day.pdf", NULL);
  g_autofree char *out = NULL, *text = NULL, *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  /* the password comes from the environment, never from the command line */
  g_assert_cmpint (cli (f, NULL, &out, "report", "sign", "--date", RF_DAY, "--outlet", "1", "--counted-cash-fen",
                        "19500", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, wrong, &out, "report", "sign", "--date", RF_DAY, "--outlet", "1", "--counted-cash-fen",
                        "19500", NULL), !=, 0);
  g_clear_pointer (&out, g_free);
  /* short by ¥5.00 and a draft left open: a reason is required */
  g_assert_cmpint (cli (f, boss, &out, "report", "sign", "--date", RF_DAY, "--outlet", "1", "--counted-cash-fen",
                        "19500", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, boss, &json, "report", "sign", "--date", RF_DAY, "--outlet", "1", "--counted-cash-fen",
                        "19500", "--reason", "找零短少五元，已登记", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "cash_expected_fen"), ==, 20000);
  g_assert_cmpint (json_object_get_int_member (o, "difference_fen"), ==, -500);
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "找零短少五元，已登记");
  /* signed twice: refused */
  g_assert_cmpint (cli (f, boss, &out, "report", "sign", "--date", RF_DAY, "--outlet", "1", "--counted-cash-fen",
                        "19500", NULL), ==, 1);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--outlet", "1", "--format", "pdf", "--out", pdf,
                        NULL), ==, 0);
  text = pdf_text (pdf);
  g_test_message ("%s", text);
  for (const char *const *want = (const char *const[]) { "数字证书受理业务日报表", "呼和浩特受理点", "申请人离开",
                                                         "赵主管", "195.00", "200.00", "短款 ¥5.00", "找零短少五元，已登记", "710.00", "现金",
                                                         "微信", "北京CA·政务数字证书（零散用户）",
                                                         "新疆CA·收费管理信息网执收单位", NULL }; *want; want++)
    if (!strstr (text, *want))
      g_error ("the PDF lacks “%s”", *want);
  /* the fees are by profile name, not by id */
  g_assert_null (strstr (text, "bj-gov"));
  g_assert_null (strstr (text, "xj-fee-mgmt"));
  /* audited with the file's digest and the applications of the day at the outlet */
  {
    g_autofree char *csv_path = g_build_filename (f->dir, "same-day.csv", NULL);
    g_autofree char *csv = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--outlet", "1", "--format", "csv", "--out",
                          csv_path, NULL), ==, 0);
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    lines = g_strsplit (csv, "\r\n", -1);
    g_assert_cmpint (g_strv_length (lines) - 2, >, 0);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--outlet", "1", "--format", "pdf", "--out", pdf,
                          NULL), ==, 0);
    assert_export_audited (f, pdf, "pdf", g_strv_length (lines) - 2);
  }
  /* no --out: refused */
  g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--format", "pdf", NULL), ==, 2);
}

/* A paid application voided: the PDF lists the refund and nets it out of the total. */
static void
test_refund_pdf (Fixture *f, gconstpointer data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->day.cash_app);
  g_autofree char *pdf = g_build_filename (f->dir, "refund.pdf", NULL);
  g_autofree char *out = NULL, *text = NULL;

  g_assert_cmpint (cli (f, NULL, &out, "application", "void", id, "--reason", "客户取消，现金退回", NULL), ==, 0);
  g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--outlet", "1", "--format", "pdf", "--out", pdf,
                        NULL), ==, 0);
  text = pdf_text (pdf);
  g_test_message ("%s", text);
  for (const char *const *want = (const char *const[]) { "退款（已收费后作废）", "-200.00", "退款合计",
                                                         "合计（已扣除退款）", "510.00", NULL }; *want; want++)
    if (!strstr (text, *want))
      g_error ("the PDF lacks “%s”", *want);
  /* who approved: a name, never the audit's actor ("clerk:…", "cli:…") */
  g_assert_null (strstr (text, "clerk:"));
  g_assert_null (strstr (text, "cli:"));
  if (g_getenv ("CD_TEST_KEEP_PDF"))
    {
      g_autofree char *bytes = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (pdf, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (g_getenv ("CD_TEST_KEEP_PDF"), bytes, len, NULL));
    }
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
state_of (Fixture *f, gint64 id)
{
  g_autofree char *ids = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (cli (f, NULL, &out, "application", "show", ids, "--meta", NULL), ==, 0);
  node = parse_json (out);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "state"));
}

/* The adjustment rows of the audit log for application @id, their reasons joined by '|'. */
static char *
adjustments_of (Fixture *f, gint64 id)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) reasons = g_string_new (NULL);
  JsonArray *rows;

  g_assert_cmpint (cli (f, NULL, &out, "audit", "list", "--limit", "1000", NULL), ==, 0);
  node = parse_json (out);
  rows = json_object_get_array_member (json_node_get_object (node), "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *r = json_array_get_object_element (rows, i);
      if (g_str_equal (json_object_get_string_member (r, "action"), "adjustment")
          && json_object_get_int_member (r, "entity_id") == id)
        g_string_append_printf (reasons, "%s%s", reasons->len ? "|" : "",
                                json_object_get_string_member (json_object_get_object_member (r, "detail"), "reason"));
    }
  return g_string_free (g_steal_pointer (&reasons), FALSE);
}

static void
test_void_adjustment (Fixture *f, gconstpointer data)
{
  const char *const boss[] = { "CERTDESK_SUPERVISOR", "boss", "CERTDESK_PASSWORD", RF_PASSWORD, NULL };
  const char *const password[] = { "CERTDESK_PASSWORD", RF_PASSWORD, NULL };
  const char *const wrong[] = { "CERTDESK_PASSWORD", "not-the-password", NULL };
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->day.draft_app);
  g_autofree char *out = NULL, *state = NULL, *reasons = NULL;
  g_autoptr(JsonNode) report = NULL;
  JsonArray *adj;
  gboolean found = FALSE;

  /* the supervisor signs the day off */
  g_assert_cmpint (cli (f, boss, &out, "report", "sign", "--date", RF_DAY, "--outlet", "1", "--counted-cash-fen",
                        "20000", "--reason", "未完结申请次日续办", NULL), ==, 0);

  /* signed: refused, with the day named and the way out */
  g_assert_cmpint (cli (f, NULL, &out, "application", "void", id, "--reason", "客户放弃", NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, RF_DAY));
  g_assert_nonnull (strstr (f->err, "--supervisor"));
  state = state_of (f, f->day.draft_app);
  g_assert_cmpstr (state, ==, "draft");
  g_clear_pointer (&state, g_free);
  /* --supervisor without the password in the environment, or without a reason: usage */
  g_assert_cmpint (cli (f, NULL, &out, "application", "void", id, "--reason", "客户放弃", "--supervisor", "boss",
                        NULL), ==, 2);
  g_assert_nonnull (strstr (f->err, "CERTDESK_PASSWORD"));
  g_assert_cmpint (cli (f, password, &out, "application", "void", id, "--supervisor", "boss", NULL), ==, 2);
  g_assert_cmpint (cli (f, password, &out, "application", "check", id, "--reason", "补录", NULL), ==, 2);
  /* a wrong password or a clerk changes nothing */
  g_assert_cmpint (cli (f, wrong, &out, "application", "void", id, "--reason", "客户放弃", "--supervisor", "boss",
                        NULL), ==, 1);
  g_assert_cmpint (cli (f, password, &out, "application", "void", id, "--reason", "客户放弃", "--supervisor", "wang",
                        NULL), ==, 1);
  state = state_of (f, f->day.draft_app);
  g_assert_cmpstr (state, ==, "draft");
  g_clear_pointer (&state, g_free);
  reasons = adjustments_of (f, f->day.draft_app);
  g_assert_cmpstr (reasons, ==, "");
  g_clear_pointer (&reasons, g_free);

  /* the supervisor's adjustment goes through, audited with its reason */
  g_assert_cmpint (cli (f, password, &out, "application", "void", id, "--reason", "客户次日来电取消", "--supervisor",
                        "boss", NULL), ==, 0);
  state = state_of (f, f->day.draft_app);
  g_assert_cmpstr (state, ==, "voided");
  reasons = adjustments_of (f, f->day.draft_app);
  g_assert_cmpstr (reasons, ==, "客户次日来电取消");
  {
    g_autofree char *verify = NULL;
    g_assert_cmpint (cli (f, NULL, &verify, "audit", "verify", NULL), ==, 0);
  }

  /* and it is on the day's report, with the profile names beside the ids */
  g_assert_cmpint (cli (f, NULL, &out, "report", "--date", RF_DAY, "--outlet", "1", NULL), ==, 0);
  report = parse_json (out);
  adj = json_object_get_array_member (json_node_get_object (report), "adjustments");
  g_assert_cmpuint (json_array_get_length (adj), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (adj, 0), "reason"), ==,
                   "客户次日来电取消");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (adj, 0), "what"), ==, "void");
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (json_node_get_object (report),
                                                                              "fees_by_profile")); i++)
    {
      JsonObject *o = json_array_get_object_element (json_object_get_array_member (json_node_get_object (report),
                                                                                   "fees_by_profile"), i);
      if (g_str_equal (json_object_get_string_member (o, "profile"), "bj-gov"))
        {
          g_assert_cmpstr (json_object_get_string_member (o, "profile_name_zh"), ==, "北京CA·政务数字证书（零散用户）");
          g_assert_cmpstr (json_object_get_string_member (o, "profile_name"), !=, "bj-gov");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static int
libreoffice_check (void)
{
  Fixture f = { 0 };
  g_autofree char *csv = NULL, *out = NULL, *ods = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_autofree char *lo = g_find_program_in_path ("libreoffice");

  /* Debian splits LibreOffice: without Calc (libsclo.so) a CSV cannot be loaded at all. */
  if (!lo || !g_file_test ("/usr/lib/libreoffice/program/libsclo.so", G_FILE_TEST_EXISTS))
    {
      g_print ("1..0 # SKIP libreoffice (with Calc) is not installed\n");
      return 77;
    }
  fixture_setup (&f, NULL);
  csv = g_build_filename (f.dir, "day.csv", NULL);
  g_assert_cmpint (cli (&f, NULL, &out, "report", "--date", RF_DAY, "--format", "csv", "--out", csv, NULL), ==, 0);
  profile = g_strdup_printf ("-env:UserInstallation=file://%s/lo-profile", f.dir);
  ods = g_build_filename (f.dir, "day.ods", NULL);
  /* LibreOffice 7.4 headless reads a CSV without filter options as Windows-1252 whatever its BOM (the import
   * dialog of a double-click lets the user pick the character set): the plain conversion is reported, and the
   * check is made with the character set the dialog is given (UTF-8, filter token 76). */
  for (int pass = 0; pass < 2; pass++)
    {
      const char *argv[] = { "libreoffice", profile, "--headless", "--convert-to", "ods", "--outdir", f.dir, csv, NULL,
                             NULL };
      g_autofree char *content = NULL;

      if (pass == 1)
        {
          argv[2] = "--infilter=CSV:44,34,76,1";
          argv[3] = "--headless";
          argv[4] = "--convert-to";
          argv[5] = "ods";
          argv[6] = "--outdir";
          argv[7] = f.dir;
          argv[8] = csv;
        }
      g_unlink (ods);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                   NULL, NULL, NULL, &status, &error));
      g_assert_true (g_file_test (ods, G_FILE_TEST_EXISTS));
      {
        const char *unzip[] = { "unzip", "-p", ods, "content.xml", NULL };
        g_assert_true (g_spawn_sync (NULL, (char **) unzip, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &content, NULL,
                                     &status, &error));
      }
      g_assert_nonnull (content);
      if (pass == 0)
        {
          g_print ("# plain --convert-to ods: Chinese %s\n",
                   strstr (content, "新疆天池供水有限公司") ? "intact" : "garbled (read as Windows-1252)");
          continue;
        }
      g_assert_nonnull (strstr (content, "新疆天池供水有限公司"));
      g_assert_nonnull (strstr (content, "申请人离开"));
      g_assert_null (strstr (content, "\xEF\xBB\xBF"));   /* the BOM is not read as text */
    }
  g_print ("ok 1 /reports-cli/libreoffice-csv\n1..1\n");
  fixture_teardown (&f, NULL);
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  if (argc > 1 && g_str_equal (argv[1], "libreoffice"))
    return libreoffice_check ();
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/reports-cli/csv", Fixture, NULL, fixture_setup, test_csv, fixture_teardown);
  g_test_add ("/reports-cli/sign-and-pdf", Fixture, NULL, fixture_setup, test_sign_and_pdf, fixture_teardown);
  g_test_add ("/reports-cli/void-adjustment", Fixture, NULL, fixture_setup, test_void_adjustment, fixture_teardown);
  g_test_add ("/reports-cli/refund-pdf", Fixture, NULL, fixture_setup, test_refund_pdf, fixture_teardown);
  return g_test_run ();
}
