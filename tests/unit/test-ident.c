/* test-ident.c: the identifier checks, table-driven, with the clerk's message for each refusal. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-ident.h"

typedef struct {
  CdIdentKind  kind;
  const char  *value;
  int          code;        /* -1: valid */
  const char  *message;     /* substring of the message */
} Case;

static const Case cases[] = {
  /* USCC, GB 32100 */
  { CD_IDENT_USCC, "914403001922038216", -1, NULL },
  { CD_IDENT_USCC, "91150100MA0N4X2B2D", -1, NULL },
  { CD_IDENT_USCC, "12110000400000018T", -1, NULL },
  { CD_IDENT_USCC, "914403001922038217", CD_IDENT_ERROR_CHECK, "check character should be 6" },
  { CD_IDENT_USCC, "91150100MA0N4X2B2E", CD_IDENT_ERROR_CHECK, "check character should be D" },
  { CD_IDENT_USCC, "91440300192203821", CD_IDENT_ERROR_LENGTH, "must have 18 characters, not 17" },
  { CD_IDENT_USCC, "9144030019220382166", CD_IDENT_ERROR_LENGTH, "not 19" },
  { CD_IDENT_USCC, "", CD_IDENT_ERROR_EMPTY, "is empty" },
  { CD_IDENT_USCC, "91440300192203821I", CD_IDENT_ERROR_CHARACTER, "character 18 ‘I’ is not allowed" },
  { CD_IDENT_USCC, "9144030019220382O6", CD_IDENT_ERROR_CHARACTER, "character 17 ‘O’" },
  { CD_IDENT_USCC, "914403001922038s16", CD_IDENT_ERROR_CHARACTER, "character 16 ‘s’" },
  { CD_IDENT_USCC, "X14403001922038216", CD_IDENT_ERROR_CHARACTER, "registration authority" },
  { CD_IDENT_USCC, "9144A3001922038216", CD_IDENT_ERROR_CHARACTER, "region code" },
  /* embedded organisation code wrong although the USCC check character fits */
  { CD_IDENT_USCC, "914403001922038229", CD_IDENT_ERROR_CHECK, "organisation code" },
  { CD_IDENT_USCC, "九14403001922038216", CD_IDENT_ERROR_LENGTH, NULL },
  /* Organisation code, GB 11714 */
  { CD_IDENT_ORGCODE, "192203821", -1, NULL },
  { CD_IDENT_ORGCODE, "19220382-1", -1, NULL },
  { CD_IDENT_ORGCODE, "MA0N4X2B2", -1, NULL },
  { CD_IDENT_ORGCODE, "192203822", CD_IDENT_ERROR_CHECK, "check character should be 1" },
  { CD_IDENT_ORGCODE, "19220382", CD_IDENT_ERROR_LENGTH, "9 characters" },
  { CD_IDENT_ORGCODE, "19220382a", CD_IDENT_ERROR_CHARACTER, "character 9 ‘a’" },
  { CD_IDENT_ORGCODE, "1922038-21", CD_IDENT_ERROR_LENGTH, NULL },
  { CD_IDENT_ORGCODE, "19a203821", CD_IDENT_ERROR_CHARACTER, "character 3 ‘a’" },
  /* Resident ID, GB 11643 */
  { CD_IDENT_RESIDENT_ID, "11010519491231002X", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "150102199003071237", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "65010220000229001X", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "110105194912310021", CD_IDENT_ERROR_CHECK, "check character should be X" },
  { CD_IDENT_RESIDENT_ID, "11010519491231002x", CD_IDENT_ERROR_CHARACTER, "character 18 ‘x’" },
  { CD_IDENT_RESIDENT_ID, "1101051949123100", CD_IDENT_ERROR_LENGTH, "18 characters, not 16" },
  { CD_IDENT_RESIDENT_ID, "110105194913310021", CD_IDENT_ERROR_DATE, "not a real birth date" },
  { CD_IDENT_RESIDENT_ID, "650102199002290012", CD_IDENT_ERROR_DATE, "(19900229)" },   /* 1990 is no leap year */
  { CD_IDENT_RESIDENT_ID, "110105189912310021", CD_IDENT_ERROR_DATE, NULL },
  { CD_IDENT_RESIDENT_ID, "110105299912310021", CD_IDENT_ERROR_DATE, NULL },          /* in the future */
  { CD_IDENT_RESIDENT_ID, "010105194912310021", CD_IDENT_ERROR_REGION, "province code" },
  { CD_IDENT_RESIDENT_ID, "1101051949A231002X", CD_IDENT_ERROR_CHARACTER, "character 11 ‘A’" },
  /* Mobile */
  { CD_IDENT_MOBILE, "13812345678", -1, NULL },
  { CD_IDENT_MOBILE, "19912345678", -1, NULL },
  { CD_IDENT_MOBILE, "12812345678", CD_IDENT_ERROR_FORMAT, "start with 13–19" },
  { CD_IDENT_MOBILE, "1381234567", CD_IDENT_ERROR_LENGTH, "11 characters, not 10" },
  { CD_IDENT_MOBILE, "1381234567a", CD_IDENT_ERROR_CHARACTER, "character 11 ‘a’" },
  { CD_IDENT_MOBILE, "23812345678", CD_IDENT_ERROR_FORMAT, NULL },
};

static void
test_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(GError) error = NULL;
      gboolean ok = cd_ident_check (c->kind, c->value, &error);

      g_test_message ("case %zu: %s", i, c->value);
      if (c->code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, CD_IDENT_ERROR, c->code);
      if (c->message && !strstr (error->message, c->message))
        g_error ("case %zu (%s): message “%s” lacks “%s”", i, c->value, error->message, c->message);
    }
}

static void
test_check_chars (void)
{
  g_assert_cmpint (cd_ident_uscc_check_char ("91440300192203821"), ==, '6');
  g_assert_cmpint (cd_ident_orgcode_check_char ("19220382"), ==, '1');
  g_assert_cmpint (cd_ident_resident_check_char ("11010519491231002"), ==, 'X');
}

static void
test_kind_names (void)
{
  CdIdentKind k;

  g_assert_true (cd_ident_kind_from_string ("uscc", &k) && k == CD_IDENT_USCC);
  g_assert_true (cd_ident_kind_from_string ("id", &k) && k == CD_IDENT_RESIDENT_ID);
  g_assert_false (cd_ident_kind_from_string ("passport", &k));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ident/cases", test_cases);
  g_test_add_func ("/ident/check-chars", test_check_chars);
  g_test_add_func ("/ident/kind-names", test_kind_names);
  return g_test_run ();
}
