/* test-cli.c: runs certdesk-cli as a user would and checks its JSON, its one-line reasons and exit codes. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "../unit/cd-test-context.h"
#include "cd-clerk-store.h"

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
  /* audit list (read through src/core's cd_audit_list): newest first, at most --limit rows, the detail parsed. */
  {
    g_auto(Run) all = { 0 };
    g_auto(Run) one = { 0 };
    JsonArray *rows;
    JsonObject *newest;

    run_cli (f, &all, "audit", "list", NULL);
    g_assert_cmpint (all.status, ==, 0);
    rows = json_object_get_array_member (obj (&all), "rows");
    g_assert_cmpuint (json_array_get_length (rows), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0), "id"), >,
                     json_object_get_int_member (json_array_get_object_element (rows, 1), "id"));
    run_cli (f, &one, "audit", "list", "--limit", "1", NULL);
    g_assert_cmpint (one.status, ==, 0);
    rows = json_object_get_array_member (obj (&one), "rows");
    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    newest = json_array_get_object_element (rows, 0);
    g_assert_cmpstr (json_object_get_string_member (newest, "action"), ==, "application.create");
    g_assert_cmpint (json_object_get_int_member (newest, "entity_id"), ==, json_object_get_int_member (obj (&imp2), "id"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (newest, "detail"), "number"), ==,
                     json_object_get_string_member (obj (&imp2), "number"));
  }
  g_assert_cmpint (sqlite3_open (f->db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_log_no_update;"
                                      "UPDATE audit_log SET actor = 'someone-else' WHERE id = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  run_cli (f, &broken, "audit", "verify", NULL);
  g_assert_cmpint (broken.status, ==, 5);
  g_assert_cmpint (json_object_get_int_member (obj (&broken), "first_bad_row"), ==, 1);
  g_assert_nonnull (strstr (broken.err, "row 1"));
}


/* The fixture app-nmg-new.json with @edit applied to its JSON object, written to @name in the test folder. */
static char *
write_app (Fixture *f, const char *name, void (*edit) (JsonObject *o, gpointer data), gpointer data)
{
  g_autofree char *fixture = fixture_path ("app-nmg-new.json");
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *out = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_get_contents (fixture, &text, NULL, NULL));
  node = json_from_string (text, NULL);
  g_assert_nonnull (node);
  edit (json_node_get_object (node), data);
  out = json_to_string (node, TRUE);
  g_assert_true (g_file_set_contents (path, out, -1, NULL));
  return path;
}

static void
edit_unit_name (JsonObject *o, gpointer data)
{
  json_object_set_string_member (json_object_get_object_member (o, "unit"), "name", data);
}

static void
edit_renew (JsonObject *o, gpointer data)
{
  JsonObject *cert = json_object_new ();
  JsonObject *key = json_object_new ();

  json_object_set_string_member (o, "business", "renew");
  json_object_set_string_member (cert, "serial", data);
  json_object_set_object_member (o, "existing_certificate", cert);
  json_object_set_boolean_member (key, "original_seen", TRUE);
  json_object_set_object_member (json_object_get_object_member (o, "materials"), "existing_key", key);
  json_object_remove_member (o, "payment");
}

static gint64
import_id (Fixture *f, const char *path)
{
  g_auto(Run) imp = { 0 };

  run_cli (f, &imp, "application", "import", path, NULL);
  if (imp.status != 0)
    g_error ("import %s: %s", path, imp.err);
  return json_object_get_int_member (obj (&imp), "id");
}

/* Every fault of the refusal's JSON: one names @path with @rule. */
static gboolean
faults_name (Run *r, const char *path, const char *rule)
{
  JsonArray *faults = json_object_get_array_member (obj (r), "faults");

  for (guint i = 0; i < json_array_get_length (faults); i++)
    {
      JsonObject *fo = json_array_get_object_element (faults, i);
      if (g_str_equal (json_object_get_string_member (fo, "path"), path)
          && g_str_equal (json_object_get_string_member (fo, "rule"), rule)
          && g_str_equal (json_object_get_string_member (fo, "severity"), "error"))
        return TRUE;
    }
  return FALSE;
}

/* A 67-character unit name cannot go into the certificate's CN (64): check and pay refuse it before any money
 * is taken, naming the field. */
static void
test_check_subject_length (Fixture *f, gconstpointer data)
{
  GString *name = g_string_new ("内蒙古");
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_auto(Run) check = { 0 };
  g_auto(Run) pay = { 0 };

  while (g_utf8_strlen (name->str, -1) < 67)
    g_string_append (name, "草原建设工程");
  g_string_truncate (name, g_utf8_offset_to_pointer (name->str, 67) - name->str);
  path = write_app (f, "long-name.json", edit_unit_name, name->str);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id (f, path));
  run_cli (f, &check, "application", "check", id, NULL);
  g_assert_cmpint (check.status, ==, 1);
  g_assert_true (g_str_has_prefix (check.err, "certdesk-cli: $.unit.name: "));
  g_assert_nonnull (strstr (check.err, "67 characters"));
  g_assert_true (strchr (check.err, '\n') == check.err + strlen (check.err) - 1);   /* one line */
  g_assert_true (faults_name (&check, "$.unit.name", "subject"));
  run_cli (f, &pay, "application", "pay", id, "--method", "wechat", "--amount-fen", "30000", NULL);
  g_assert_cmpint (pay.status, ==, 1);
  g_assert_true (g_str_has_prefix (pay.err, "certdesk-cli: $.unit.name: "));
  g_assert_true (faults_name (&pay, "$.unit.name", "subject"));
  g_string_free (name, TRUE);
}

static void
run_sql (Fixture *f, const char *sql)
{
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (f->db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
}

/* A renewal one day after issue: check and pay name the day the renewal window opens; with the clock moved
 * into the window (CERTDESK_NOW, the store's clock) check passes. */
static void
test_check_renew_window (Fixture *f, gconstpointer data)
{
  g_autofree char *original = fixture_path ("app-nmg-new.json");
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *id = NULL;
  g_auto(Run) early = { 0 };
  g_auto(Run) pay = { 0 };
  g_auto(Run) inside = { 0 };
  gint64 owner;

  g_setenv ("CERTDESK_NOW", "2026-12-06T10:00:00+08:00", TRUE);
  owner = import_id (f, original);
  /* the certificate issued yesterday for one year, as the burn records it */
  sql = g_strdup_printf ("INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after, state,"
                         " pem, day, at) VALUES ('5E1A1', %" G_GINT64_FORMAT ", 'local', 'CN=x', '2026-12-05T02:00:00Z',"
                         " '2027-12-06T02:00:00Z', 'issued', 'pem', '2026-12-05', '2026-12-05T02:00:00Z')", owner);
  run_sql (f, sql);
  path = write_app (f, "renew.json", edit_renew, "5e1a1");
  /* import takes the draft and lists what check will refuse */
  {
    g_auto(Run) imp = { 0 };

    run_cli (f, &imp, "application", "import", path, NULL);
    g_assert_cmpint (imp.status, ==, 0);
    g_assert_true (faults_name (&imp, "$.existing_certificate.serial", "certificate"));
    id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (obj (&imp), "id"));
  }
  run_cli (f, &early, "application", "check", id, NULL);
  g_assert_cmpint (early.status, ==, 1);
  g_assert_true (g_str_has_prefix (early.err, "certdesk-cli: $.existing_certificate.serial: "));
  g_assert_nonnull (strstr (early.err, "renewed from 2027-11-06 on"));
  g_assert_true (faults_name (&early, "$.existing_certificate.serial", "certificate"));
  run_cli (f, &pay, "application", "pay", id, "--method", "wechat", "--amount-fen", "26000", NULL);
  g_assert_cmpint (pay.status, ==, 1);
  g_assert_nonnull (strstr (pay.err, "$.existing_certificate.serial: "));
  g_assert_nonnull (strstr (pay.err, "2027-11-06"));
  g_setenv ("CERTDESK_NOW", "2027-11-10T10:00:00+08:00", TRUE);
  run_cli (f, &inside, "application", "check", id, NULL);
  g_unsetenv ("CERTDESK_NOW");
  if (inside.status != 0)
    g_error ("check inside the window refused: %s", inside.err);
  g_assert_cmpstr (json_object_get_string_member (obj (&inside), "state"), ==, "checked");
}

/* Pay on a signed-off day: the pre-flight refuses before any money is recorded and says how to get the
 * supervisor's approval; with --supervisor/--reason the same payment goes through as an adjustment. */
static void
test_pay_day_lock (Fixture *f, gconstpointer data)
{
  g_autofree char *app = fixture_path ("app-nmg-new.json");
  g_autofree char *id = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) check = { 0 };
  g_auto(Run) locked = { 0 };
  g_auto(Run) approved = { 0 };
  gint64 outlet = 0;

  g_setenv ("CERTDESK_NOW", "2026-12-06T10:00:00+08:00", TRUE);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id (f, app));
  run_cli (f, &check, "application", "check", id, NULL);
  g_assert_cmpint (check.status, ==, 0);
  {
    /* the counter's outlet and supervisor, as the first run makes them */
    g_autoptr(CdContext) ctx = cd_context_new (f->dir, f->db, &error);

    g_assert_no_error (error);
    g_assert_true (cd_clerk_store_setup (ctx, "NM01", "呼和浩特受理点", "内蒙古", "boss", "主管", "correct-horse-42",
                                         &outlet, &error));
    g_assert_no_error (error);
  }
  sql = g_strdup_printf ("UPDATE application SET outlet_id = %" G_GINT64_FORMAT ";"
                         "INSERT INTO report_signoff (outlet_id, day, supervisor_id, counted_cash_fen, figures, signed_at)"
                         " SELECT %" G_GINT64_FORMAT ", '2026-12-06', id, 0, '{}', '2026-12-06T10:00:00Z' FROM clerk"
                         " WHERE login = 'boss'", outlet, outlet);
  run_sql (f, sql);
  run_cli (f, &locked, "application", "pay", id, "--method", "wechat", "--amount-fen", "30000", NULL);
  g_assert_cmpint (locked.status, ==, 1);
  g_assert_true (g_str_has_prefix (locked.err, "certdesk-cli: $: "));
  g_assert_nonnull (strstr (locked.err, "2026-12-06 is signed off"));
  g_assert_nonnull (strstr (locked.err, "--supervisor NAME --reason TEXT"));
  g_assert_true (faults_name (&locked, "$", "day-lock"));
  g_setenv ("CERTDESK_PASSWORD", "correct-horse-42", TRUE);
  run_cli (f, &approved, "application", "pay", id, "--method", "wechat", "--amount-fen", "30000", "--supervisor", "boss",
           "--reason", "late bank transfer", NULL);
  if (approved.status != 0)
    g_error ("the approved payment was refused: %s", approved.err);
  g_assert_cmpstr (json_object_get_string_member (obj (&approved), "state"), ==, "paid");
  /* The burn runs the pre-flight before any key is touched: refused on the signed-off day (the module named
   * does not even exist), and past the pre-flight with the supervisor's approval (then the missing module). */
  {
    g_autofree char *slip = g_build_filename (f->dir, "slip.txt", NULL);
    g_auto(Run) burn = { 0 };
    g_auto(Run) burn_approved = { 0 };

    g_unsetenv ("CERTDESK_PASSWORD");
    run_cli (f, &burn, "burn", "--id", id, "--module", "/nonexistent/pkcs11.so", "--token-label", "X",
             "--pin-slip", slip, NULL);
    g_assert_cmpint (burn.status, ==, 1);
    g_assert_nonnull (strstr (burn.err, "2026-12-06 is signed off"));
    g_setenv ("CERTDESK_PASSWORD", "correct-horse-42", TRUE);
    run_cli (f, &burn_approved, "burn", "--id", id, "--module", "/nonexistent/pkcs11.so", "--token-label", "X",
             "--pin-slip", slip, "--supervisor", "boss", "--reason", "late bank transfer", NULL);
    g_assert_cmpint (burn_approved.status, !=, 0);
    g_test_message ("approved burn: %s", burn_approved.err);
    g_assert_null (strstr (burn_approved.err, "signed off"));
  }
  g_unsetenv ("CERTDESK_PASSWORD");
  g_unsetenv ("CERTDESK_NOW");
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

static void
edit_legal_name (JsonObject *o, gpointer data)
{
  json_object_set_string_member (json_object_get_object_member (o, "legal_person"), "name", data);
}

/* A rare character the forms' fallback font prints passes; an emoji (which no font of the counter has, and no
 * name carries) is refused by check and pay before anything is printed or paid, naming the field and the
 * character. */
static void
test_check_rare_characters (Fixture *f, gconstpointer data)
{
  g_autofree char *ok_path = write_app (f, "rare-ok.json", edit_legal_name, "王\U00020bb7");
  g_autofree char *bad_path = write_app (f, "rare-bad.json", edit_legal_name, "王\U0001f92a");
  g_autofree char *ok_id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id (f, ok_path));
  g_autofree char *bad_id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id (f, bad_path));
  g_auto(Run) ok = { 0 };
  g_auto(Run) bad = { 0 };
  g_auto(Run) pay = { 0 };

  run_cli (f, &ok, "application", "check", ok_id, NULL);
  g_assert_cmpint (ok.status, ==, 0);
  run_cli (f, &bad, "application", "check", bad_id, NULL);
  g_assert_cmpint (bad.status, ==, 1);
  /* an emoji: refused as not allowed in a person's name (the applicant rule), the character named */
  g_assert_true (faults_name (&bad, "$.legal_person.name", "applicant"));
  g_assert_nonnull (strstr (bad.err, "$.legal_person.name"));
  g_assert_nonnull (strstr (bad.err, "\U0001f92a"));
  run_cli (f, &pay, "application", "pay", bad_id, "--method", "cash", "--amount-fen", "30000", NULL);
  g_assert_cmpint (pay.status, ==, 1);
}

#define LONG_TEXT_54 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四"
#define LONG_TEXT LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54 \
  LONG_TEXT_54 LONG_TEXT_54 LONG_TEXT_54

/* Input checked at the door: each hostile application file is refused with exit 1 (2 for a missing file), a
 * one-line reason naming the field's path where there is one, within seconds, under a 1 GiB address-space
 * limit where the sanitizers allow one, and nothing is stored. */
static void
test_import_hostile (Fixture *f, gconstpointer data)
{
  struct { const char *name; const char *json; const char *path; } cases[] = {
    { "nul", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
             "\"unit\":{\"name\":\"内蒙古\\u0000某某公司\"}}", "$.unit.name" },
    { "surrogate", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
                   "\"unit\":{\"name\":\"\\ud800abc\"}}", "$.unit.name" },
    { "rlo", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
             "\"unit\":{\"name\":\"内蒙古\xe2\x80\xae某某公司\"}}", "$.unit.name" },
    { "zwsp", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
              "\"agent\":{\"name\":\"李\xe2\x80\x8b四\"}}", "$.agent.name" },
    { "years", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
               "\"years\":99999999999999999999999999999999999999}", "$.years" },
    { "type", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
              "\"unit\":{\"name\":42}}", "$.unit.name" },
    { "utf8", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
              "\"unit\":{\"name\":\"\xff\xfe abc\"}}", "$.unit.name" },
    { "array", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
               "\"unit\":[1,2]}", "$.unit" },
    { "long", "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"enterprise\","
              "\"unit\":{\"address\":\"" LONG_TEXT "\"}}", "$.unit.address" },
  };
  g_autofree char *deep_path = g_build_filename (f->dir, "deep.json", NULL);
  g_autofree char *big_path = g_build_filename (f->dir, "big.json", NULL);

  /* In a process of its own: the resident-memory bound below is the largest child of this process, and the
   * other tests' children (a PDF with its fonts, a burn) are not this test's. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.json", f->dir, cases[i].name);
      g_auto(Run) r = { 0 };

      g_assert_true (g_file_set_contents (path, cases[i].json, -1, NULL));
      run_cli (f, &r, "application", "import", path, NULL);
      g_test_message ("%s: %d %s", cases[i].name, r.status, r.err);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, cases[i].path));
      /* One line on stderr. */
      g_assert_true (strchr (r.err, '\n') == NULL || strchr (r.err, '\n') == r.err + strlen (r.err) - 1);
    }
  {
    GString *deep = g_string_new ("{\"unit\":");
    g_auto(Run) r = { 0 };

    for (int i = 0; i < 200000; i++)
      g_string_append_c (deep, '[');
    g_string_append_c (deep, '}');
    g_assert_true (g_file_set_contents (deep_path, deep->str, deep->len, NULL));
    g_string_free (deep, TRUE);
    run_cli (f, &r, "application", "import", deep_path, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "$.unit[0]"));
  }
  {
    /* 60 MB of name: refused by its size before it is read. */
    g_autofree char *big = g_malloc (60 * 1024 * 1024);
    g_auto(Run) r = { 0 };
    gint64 start = g_get_monotonic_time ();

    memset (big, 'a', 60 * 1024 * 1024);
    memcpy (big, "{\"unit\":{\"name\":\"", 18);
    g_assert_true (g_file_set_contents (big_path, big, 60 * 1024 * 1024, NULL));
    run_cli (f, &r, "application", "import", big_path, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  }
  {
    g_auto(Run) zero = { 0 };
    g_auto(Run) list = { 0 };
    gint64 start = g_get_monotonic_time ();

#ifndef __SANITIZE_ADDRESS__
    {
      /* Bounded memory: a 256 MiB address-space limit (AddressSanitizer reserves terabytes, so not there). */
      g_autofree char *cmd = g_strdup_printf ("ulimit -v 262144; exec '%s' --db '%s' --data-dir '%s' application "
                                              "import /dev/zero", g_getenv ("CERTDESK_CLI"), f->db, f->dir);
      int status = -1;

      g_assert_true (g_spawn_sync (NULL, (char *[]) { "/bin/sh", "-c", cmd, NULL }, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    }
#endif
    run_cli (f, &zero, "application", "import", "/dev/zero", NULL);
    g_assert_cmpint (zero.status, ==, 1);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    /* Bounded memory, measured under the sanitizers too: no child of this test (each hostile file above, the
     * 60 MB one and /dev/zero included) grew past 256 MiB resident (it read none of them whole). */
    {
      struct rusage ru;

      g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &ru), ==, 0);
      g_test_message ("largest child: %ld KiB resident", ru.ru_maxrss);
      g_assert_cmpint (ru.ru_maxrss, <, 256 * 1024);
    }
    /* Nothing of all that was stored. */
    run_cli (f, &list, "application", "list", "--all", NULL);
    g_assert_cmpint (list.status, ==, 0);
    g_assert_null (strstr (list.out, "\"number\""));
  }
}

/* An unlock (free of charge at 内蒙古政采 陕西CA) on a certificate this counter issued. */
static void
edit_unlock (JsonObject *o, gpointer data)
{
  JsonObject *materials;

  edit_renew (o, data);
  json_object_set_string_member (o, "business", "unlock");
  /* the unlock's checklist: the power of attorney and the key itself */
  materials = json_object_get_object_member (o, "materials");
  json_object_remove_member (materials, "application_form");
  json_object_remove_member (materials, "collection_form");
  json_object_remove_member (materials, "business_licence");
  json_object_remove_member (o, "samples");
  json_object_remove_member (o, "invoice");
}

/* A free business is paid without --method (no money changes hands: recorded as 0 fen), and `pay` without a
 * method refuses exactly what `check` refuses; a business with a fee still needs the method, named as
 * $.payment.method. */
static void
test_pay_free_business (Fixture *f, gconstpointer data)
{
  g_autofree char *original = fixture_path ("app-nmg-new.json");
  g_autofree char *unknown_path = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *id = NULL;
  g_autofree char *unknown_id = NULL;
  g_autofree char *owner_id = NULL;
  g_auto(Run) check_unknown = { 0 };
  g_auto(Run) pay_unknown = { 0 };
  g_auto(Run) check = { 0 };
  g_auto(Run) pay = { 0 };
  g_auto(Run) paid_new = { 0 };
  g_auto(Run) show = { 0 };
  JsonObject *payment;
  gint64 owner;

  g_setenv ("CERTDESK_NOW", "2026-12-06T10:00:00+08:00", TRUE);
  owner = import_id (f, original);
  owner_id = g_strdup_printf ("%" G_GINT64_FORMAT, owner);
  sql = g_strdup_printf ("INSERT INTO certificate (serial, application_id, issuer, subject, not_before, not_after, state,"
                         " pem, day, at) VALUES ('5E1A2', %" G_GINT64_FORMAT ", 'local', 'CN=x', '2026-12-05T02:00:00Z',"
                         " '2027-12-06T02:00:00Z', 'issued', 'pem', '2026-12-05', '2026-12-05T02:00:00Z')", owner);
  run_sql (f, sql);

  /* a certificate nobody knows: check and pay (no method) give the same refusal */
  unknown_path = write_app (f, "unlock-unknown.json", edit_unlock, "ABCDEF0123");
  unknown_id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id (f, unknown_path));
  run_cli (f, &check_unknown, "application", "check", unknown_id, NULL);
  run_cli (f, &pay_unknown, "application", "pay", unknown_id, NULL);
  g_assert_cmpint (check_unknown.status, ==, 1);
  g_assert_cmpint (pay_unknown.status, ==, 1);
  g_assert_true (g_str_has_prefix (check_unknown.err, "certdesk-cli: $.existing_certificate.serial: "));
  g_assert_cmpstr (pay_unknown.err, ==, check_unknown.err);
  g_assert_true (faults_name (&pay_unknown, "$.existing_certificate.serial", "certificate"));

  /* the known certificate: checked, then paid with neither --method nor --amount-fen */
  path = write_app (f, "unlock.json", edit_unlock, "5e1a2");
  id = g_strdup_printf ("%" G_GINT64_FORMAT, import_id (f, path));
  run_cli (f, &check, "application", "check", id, NULL);
  if (check.status != 0)
    g_error ("check of the unlock refused: %s", check.err);
  run_cli (f, &pay, "application", "pay", id, NULL);
  if (pay.status != 0)
    g_error ("pay of the free unlock refused: %s", pay.err);
  g_assert_cmpstr (json_object_get_string_member (obj (&pay), "state"), ==, "paid");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj (&pay), "fee"), "total_fen"), ==, 0);
  run_cli (f, &show, "application", "show", id, NULL);
  g_assert_cmpint (show.status, ==, 0);
  payment = json_object_get_object_member (obj (&show), "payment");
  g_assert_nonnull (payment);
  g_assert_cmpint (json_object_get_int_member (payment, "amount_fen"), ==, 0);

  /* the new certificate costs money: without --method pay names the payment's method and takes nothing */
  {
    g_auto(Run) check_owner = { 0 };
    run_cli (f, &check_owner, "application", "check", owner_id, NULL);
    g_assert_cmpint (check_owner.status, ==, 0);
  }
  run_cli (f, &paid_new, "application", "pay", owner_id, NULL);
  g_unsetenv ("CERTDESK_NOW");
  g_assert_cmpint (paid_new.status, ==, 1);
  g_assert_true (g_str_has_prefix (paid_new.err, "certdesk-cli: $.payment.method: "));
  g_assert_true (faults_name (&paid_new, "$.payment.method", "payment"));
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
  ADD ("/cli/check-subject-length", test_check_subject_length);
  ADD ("/cli/check-renew-window", test_check_renew_window);
  ADD ("/cli/pay-day-lock", test_pay_day_lock);
  ADD ("/cli/pay-free-business", test_pay_free_business);
  ADD ("/cli/check-rare-characters", test_check_rare_characters);
  ADD ("/cli/import-hostile", test_import_hostile);
  return g_test_run ();
}
