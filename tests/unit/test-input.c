/* test-input.c: input checked at the door: size limits before reading whole, JSON nesting before parsing,
 * refused characters in text fields, named by their JSON path. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cd-application-store.h"
#include "cd-input.h"
#include "cd-test-context.h"

static void
test_read_limits (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cd-input-XXXXXX", NULL);
  g_autofree char *small = g_build_filename (dir, "small.json", NULL);
  g_autofree char *large = g_build_filename (dir, "large.json", NULL);
  g_autofree char *big = g_malloc (2048);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  memset (big, 'a', 2048);
  g_assert_true (g_file_set_contents (small, "{}", 2, NULL));
  g_assert_true (g_file_set_contents (large, big, 2048, NULL));
  g_assert_true (cd_input_read_file (small, 1024, "test file", &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 2);
  g_assert_cmpstr (data, ==, "{}");
  g_clear_pointer (&data, g_free);

  /* A regular file over the limit: refused by its size. */
  g_assert_false (cd_input_read_file (large, 1024, "test file", &data, &len, &error));
  g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* An endless device: refused after one byte over the limit, not read on. */
  g_assert_false (cd_input_read_file ("/dev/zero", 4096, "test file", &data, &len, &error));
  g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Missing: a file error the CLI tells apart (usage). */
  g_assert_false (cd_input_read_file ("/nonexistent/x.json", 4096, "test file", &data, &len, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_assert_false (cd_input_read_file (dir, 4096, "test file", &data, &len, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);

  g_unlink (small);
  g_unlink (large);
  g_rmdir (dir);
}

static void
test_json_depth (void)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new ("{\"unit\":");
  g_autofree char *text = NULL;

  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 200000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  text = g_string_free (deep, FALSE);
  g_assert_false (cd_input_check_json (text, strlen (text), CD_INPUT_JSON_MAX_DEPTH, &error));
  g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "$.unit[0]"));
  g_clear_error (&error);

  /* The same through the application reader: refused with the path, no crash. */
  {
    g_autoptr(CdApplication) app = cd_application_from_data (text, -1, &error);
    g_assert_null (app);
    g_assert_error (error, CD_APPLICATION_ERROR, CD_APPLICATION_ERROR_PARSE);
  }
  g_clear_error (&error);

  g_assert_true (cd_input_check_json ("{\"a\":[1,{\"b\":\"[[[[\"}]}", 22, 3, &error));
  g_assert_no_error (error);
}

static void
test_json_escapes (void)
{
  struct { const char *json; const char *path; } refused[] = {
    { "{\"unit\":{\"name\":\"内蒙古\\u0000某某公司\"}}", "$.unit.name" },
    { "{\"unit\":{\"name\":\"\\ud800abc\"}}", "$.unit.name" },
    { "{\"unit\":{\"name\":\"abc\\udc00\"}}", "$.unit.name" },
    { "{\"agent\":{\"mobile\":\"138\\u202e0000\"},\"x\":1}", "$.agent.mobile" },
    { "{\"materials\":{\"a\":{\"scans\":[\"ok\",\"b\\u200bc\"]}}}", "$.materials.a.scans[1]" },
    { "{\"a\":1,\"legal_person\":{\"id_number\":\"x\",\"name\":\"王\\u0007\"}}", "$.legal_person.name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (cd_input_check_json (refused[i].json, strlen (refused[i].json), 8, &error));
      g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, refused[i].path));
      g_assert_cmpint (error->message[strlen (refused[i].path)], ==, ':');
    }
  {
    g_autoptr(GError) error = NULL;
    GString *years = g_string_new ("{\"keys\":{\"main\":1},\"years\":");

    for (int i = 0; i < 400; i++)
      g_string_append_c (years, '9');
    g_string_append_c (years, '}');
    /* json-glib would read it as -1: refused with its path and digit count. */
    g_assert_false (cd_input_check_json (years->str, years->len, 8, &error));
    g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, "$.years: "));
    g_assert_nonnull (strstr (error->message, "400"));
    g_string_free (years, TRUE);
    {
      const char *fine = "{\"a\":-12,\"b\":[1.5e3,2]}";
      g_assert_true (cd_input_check_json (fine, strlen (fine), 8, NULL));
    }
  }
  /* A surrogate pair is a character (王𠮷). */
  {
    const char *pair = "{\"n\":\"\\u738b\\ud842\\udfb7\"}";
    g_assert_true (cd_input_check_json (pair, strlen (pair), 8, NULL));
  }
}

static void
test_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nfc = NULL;
  g_autofree char *long_name = NULL;
  const char *refused[] = { "内蒙古\xe2\x80\xae公司", "a\xe2\x80\x8b" "b", "tab\there", "\xc2\x85", "bad\xed\xa0\x80" };

  nfc = cd_input_text ("$.unit.name", "Cafe\xcc\x81 王\xf0\xa0\xae\xb7", 64, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nfc, ==, "Caf\xc3\xa9 王\xf0\xa0\xae\xb7");
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *out = cd_input_text ("$.unit.name", refused[i], 64, &error);
      g_assert_null (out);
      g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "$.unit.name: "));
      g_clear_error (&error);
    }
  long_name = g_strnfill (65, 'x');
  g_assert_null (cd_input_text ("$.unit.name", long_name, 64, &error));
  g_assert_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "65"));
}

/* A field typed or pasted with a direction override never reaches the database: the save is refused naming
 * the field, and the stored draft stays as it was (and still opens). */
static void
test_store_refuses_what_would_not_load (CdTestContext *t, gconstpointer data)
{
  g_autofree char *path = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                            "app-nmg-new.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_load_file (path, &error);
  g_autoptr(CdApplication) again = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autofree char *name = NULL;
  gint64 id = 0, before;

  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (t->ctx, app, FALSE, &id, &error));
  g_assert_no_error (error);
  name = g_strdup (app->unit->name);
  before = cd_test_count (t->ctx, "SELECT count(*) FROM audit_log");

  g_free (app->unit->name);
  app->unit->name = g_strdup ("内蒙古\u202e某某公司");
  g_assert_false (cd_application_store_save (t->ctx, id, app, "applicant", &error));
  g_assert_true (error->domain == CD_APPLICATION_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "$.unit.name: "));
  g_clear_error (&error);
  g_assert_false (cd_application_store_create (t->ctx, app, FALSE, NULL, &error));
  g_assert_true (g_str_has_prefix (error->message, "$.unit.name: "));
  g_clear_error (&error);

  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM audit_log"), ==, before);
  g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM application"), ==, 1);
  g_assert_true (cd_application_store_load (t->ctx, id, &again, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again->unit->name, ==, name);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/input/read-limits", test_read_limits);
  g_test_add_func ("/input/json-depth", test_json_depth);
  g_test_add_func ("/input/json-escapes", test_json_escapes);
  g_test_add_func ("/input/text", test_text);
  g_test_add ("/input/store-refuses-what-would-not-load", CdTestContext, NULL, cd_test_context_setup,
              test_store_refuses_what_would_not_load, cd_test_context_teardown);
  return g_test_run ();
}
