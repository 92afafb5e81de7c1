/* test-cli.c: runs certdesk-cli as a user would and checks its JSON, its one-line reasons and exit codes. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <sqlite3.h>

#include "../unit/cd-test-context.h"

typedef struct {
  char *dir;
  char *db;
} Fixture;

typedef struct {
  int        status;
  char      *out;
  char      *err;
  JsonNode  *json;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
  g_clear_pointer (&r->json, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("certdesk-cli-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "test.db", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  cd_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static void
run_cli (Fixture *f, Run *r, ...) G_GNUC_NULL_TERMINATED;

static void
run_cli (Fixture *f, Run *r, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("CERTDESK_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, f->dir);
  va_start (ap, r);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error));
  r->status = g_subprocess_get_exit_status (proc);
  r->json = r->out && *r->out ? json_from_string (r->out, NULL) : NULL;
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures", name, NULL);
}

static JsonObject *
obj (Run *r)
{
  g_assert_nonnull (r->json);
  return json_node_get_object (r->json);
}

static void
test_fee_contract (Fixture *f, gconstpointer data)
{
  g_auto(Run) r = { 0 };
  JsonArray *items;

  run_cli (f, &r, "fee", "--profile", "bj-gov", "--business", "new", "--applicant", "institution", "--years", "1",
           "--seals", "1", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj (&r), "total_fen"), ==, 35000);
  items = json_object_get_array_member (obj (&r), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *it = json_array_get_object_element (items, i);
      g_assert_true (json_object_has_member (it, "code") && json_object_has_member (it, "label")
                     && json_object_has_member (it, "qty") && json_object_has_member (it, "amount_fen"));
    }
}

static void
test_fee_refusals (Fixture *f, gconstpointer data)
{
  g_auto(Run) term = { 0 };
  g_auto(Run) unset = { 0 };
  g_auto(Run) usage = { 0 };
  g_auto(Run) bad = { 0 };

  run_cli (f, &term, "fee", "--profile", "nmg-zfcg-cfca", "--business", "new", "--applicant", "enterprise",
           "--years", "3", NULL);
  g_assert_cmpint (term.status, ==, 1);
  g_assert_nonnull (strstr (term.err, "1, 2 or 4 years, not 3"));
  g_assert_true (strchr (term.err, '\n') == term.err + strlen (term.err) - 1);   /* one line */
  run_cli (f, &unset, "fee", "--profile", "xj-ggzy", "--business", "new", "--applicant", "enterprise", NULL);
  g_assert_cmpint (unset.status, ==, 1);
  g_assert_nonnull (strstr (unset.err, "supervisor must set it"));
  run_cli (f, &usage, "fee", "--profile", "bj-gov", NULL);
  g_assert_cmpint (usage.status, ==, 2);
  run_cli (f, &bad, "fee", "--profile", "bj-gov", "--business", "nieuw", "--applicant", "enterprise", NULL);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "--business: “nieuw”"));
}

static void
test_validate (Fixture *f, gconstpointer data)
{
  g_auto(Run) ok = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) id = { 0 };

  run_cli (f, &ok, "validate", "uscc", "914403001922038216", NULL);
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_true (json_object_get_boolean_member (obj (&ok), "valid"));
  run_cli (f, &bad, "validate", "uscc", "914403001922038217", NULL);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_false (json_object_get_boolean_member (obj (&bad), "valid"));
  g_assert_nonnull (strstr (json_object_get_string_member (obj (&bad), "error"), "check character should be 6"));
  run_cli (f, &id, "validate", "id", "110105194913310021", NULL);
  g_assert_cmpint (id.status, ==, 1);
  g_assert_nonnull (strstr (id.err, "birth date"));
}

static void
test_profiles_checklist (Fixture *f, gconstpointer data)
{
  g_auto(Run) p = { 0 };
  g_auto(Run) c = { 0 };

  run_cli (f, &p, "profiles", NULL);
  g_assert_cmpint (p.status, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (&p), "profiles")), ==, 6);
  run_cli (f, &c, "checklist", "--profile", "bj-gov", "--business", "new", "--applicant", "enterprise", "--e-seal", NULL);
  g_assert_cmpint (c.status, ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (&c), "materials")), ==, 5);
}

static void
test_import_show (Fixture *f, gconstpointer data)
{
  g_autofree char *app = fixture_path ("app-nmg-new.json");
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);
  g_auto(Run) imp = { 0 };
  g_auto(Run) show = { 0 };
  g_auto(Run) refused = { 0 };
  g_autofree char *id = NULL;

  run_cli (f, &imp, "application", "import", app, NULL);
  g_assert_cmpint (imp.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (obj (&imp), "state"), ==, "draft");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj (&imp), "fee"), "total_fen"), ==, 30000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (&imp), "checklist")), ==, 4);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (obj (&imp), "id"));
  run_cli (f, &show, "application", "show", id, NULL);
  g_assert_cmpint (show.status, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj (&show), "unit"), "uscc"), ==,
                   "91150100MA0N4X2B2D");
  g_assert_true (g_file_set_contents (bad, "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
                                           "\"unit\":{\"name\":\"x\",\"usc\":\"1\"}}", -1, NULL));
  run_cli (f, &refused, "application", "import", bad, NULL);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "$.unit: unknown member “usc”"));
}

static void
test_audit_verify (Fixture *f, gconstpointer data)
{
  g_autofree char *app = fixture_path ("app-bj-person.json");
  g_auto(Run) imp = { 0 };
  g_auto(Run) imp2 = { 0 };
  g_auto(Run) ok = { 0 };
  g_auto(Run) broken = { 0 };
  sqlite3 *raw = NULL;

  run_cli (f, &imp, "application", "import", app, NULL);
  run_cli (f, &imp2, "application", "import", app, NULL);
  g_assert_cmpint (imp2.status, ==, 0);
  run_cli (f, &ok, "audit", "verify", NULL);
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_true (json_object_get_boolean_member (obj (&ok), "intact"));
  g_assert_cmpint (sqlite3_open (f->db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET actor = 'someone-else' WHERE id = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  run_cli (f, &broken, "audit", "verify", NULL);
  g_assert_cmpint (broken.status, ==, 5);
  g_assert_cmpint (json_object_get_int_member (obj (&broken), "first_bad_row"), ==, 1);
  g_assert_nonnull (strstr (broken.err, "row 1"));
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  g_auto(Run) none = { 0 };
  g_auto(Run) unknown = { 0 };

  run_cli (f, &none, "frobnicate", NULL);
  g_assert_cmpint (none.status, ==, 2);
  run_cli (f, &unknown, "validate", "passport", "X", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cli/fee-contract", test_fee_contract);
  ADD ("/cli/fee-refusals", test_fee_refusals);
  ADD ("/cli/validate", test_validate);
  ADD ("/cli/profiles-checklist", test_profiles_checklist);
  ADD ("/cli/import-show", test_import_show);
  ADD ("/cli/audit-verify", test_audit_verify);
  ADD ("/cli/usage", test_usage);
  return g_test_run ();
}
