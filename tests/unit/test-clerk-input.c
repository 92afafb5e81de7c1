/* test-clerk-input.c: what first-run setup and the clerk accounts accept: the outlet code checked by its
 * characters before its length (counted in characters), clerk and supervisor names bounded and printable. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>
#include <string.h>

#include "cd-clerk-store.h"
#include "cd-test-context.h"

typedef struct {
  const char *outlet_code;
  const char *name;
  const char *words;     /* NULL: accepted */
} SetupCase;

static const SetupCase setup_cases[] = {
  /* the 😀 is named (not "at most 16" from its 4 bytes and the Chinese ones) */
  { "HHHT01😀 中文", "王芳", "contains “😀” (character 7)" },
  { "HHHT 01", "王芳", "contains “a space” (character 5)" },
  { "HHHT01-ABCDEFGHIJK", "王芳", "has 18 characters; it takes at most 16" },
  { "", "王芳", "The outlet code is required" },
  { "NMG-01", "王芳😀", "The supervisor's name contains “😀”" },
  { "NMG-01", "阿卜杜拉·买买提·艾则孜·阿不都热合曼江江", "has 21 characters; at most 20" },
  { "HHHT-0123456789A", "阿依古丽·买买提", NULL },    /* 16 characters and an 8-character name fit */
};

static void
test_setup (CdTestContext *t, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (setup_cases); i++)
    {
      const SetupCase *c = &setup_cases[i];
      g_autoptr(GError) error = NULL;
      gint64 outlet = 0;
      gboolean ok;

      g_test_message ("case %u: %s / %s", i, c->outlet_code, c->name);
      ok = cd_clerk_store_setup (t->ctx, c->outlet_code, "呼和浩特柜台", "nmg", "wang", c->name, "correct horse 9",
                                 &outlet, &error);
      if (c->words == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, c->words));
      g_assert_cmpint (cd_test_count (t->ctx, "SELECT count(*) FROM outlet"), ==, 0);
    }
}

/* A clerk's name is shown next to the role in the header: bounded, with the reason. */
static void
test_clerk_name (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_clerk_validate_account ("li", "李晓红", "correct horse 9", &error));
  g_assert_no_error (error);
  g_assert_false (cd_clerk_validate_account ("li", "李晓红李晓红李晓红李晓红李晓红李晓红李晓红", "correct horse 9", &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "The clerk's name has 21 characters; at most 20 fit the window header"));
  g_clear_error (&error);
  g_assert_false (cd_clerk_validate_account ("li", "  ", "correct horse 9", &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "The clerk's name is required"));
  /* the applicant rule's characters (cd_input_refused_name_char): a skin-tone modifier (a modifier symbol) and a
   * variation selector (a mark) were let through by the clerk accounts' own list */
  g_clear_error (&error);
  g_assert_false (cd_clerk_validate_account ("li", "李晓红\U0001F3FB", "correct horse 9", &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "The clerk's name contains “\U0001F3FB”"));
  g_clear_error (&error);
  g_assert_false (cd_clerk_validate_account ("li", "李晓红\uFE0F", "correct horse 9", &error));
  g_assert_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no emoji or symbols"));
  g_clear_error (&error);
  g_assert_true (cd_clerk_validate_account ("li", "阿依古丽·买买提", "correct horse 9", &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/clerk-input/setup", CdTestContext, NULL, cd_test_context_setup, test_setup,
              cd_test_context_teardown);
  g_test_add_func ("/clerk-input/clerk-name", test_clerk_name);
  return g_test_run ();
}
