/* test-ident.c: the identifier checks, table-driven, with the clerk's message for each refusal. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>
#include <string.h>

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
  { CD_IDENT_USCC, "914403001922038s16", CD_IDENT_ERROR_CHARACTER, "character 16 ‘s’" },   /* as typed, not upper-cased */
  { CD_IDENT_USCC, "X14403001922038216", CD_IDENT_ERROR_CHARACTER, "registration authority" },
  { CD_IDENT_USCC, "9144A3001922038216", CD_IDENT_ERROR_CHARACTER, "region code" },
  /* embedded organisation code wrong although the USCC check character fits */
  { CD_IDENT_USCC, "914403001922038229", CD_IDENT_ERROR_CHECK, "check characters 17–18 should be 16" },
  { CD_IDENT_USCC, "914403001922038226", CD_IDENT_ERROR_CHECK, "character 17 (the organisation code’s check character) should be 1" },
  /* 18 characters but not all code characters: named, never "18 characters, not 18" */
  { CD_IDENT_USCC, "九14403001922038216", CD_IDENT_ERROR_CHARACTER, "character 1 ‘九’ is not allowed" },
  /* as a hurried clerk types: full-width, lower case, spaces */
  { CD_IDENT_USCC, "９１４４０３００１９２２０３８２１６", -1, NULL },
  { CD_IDENT_USCC, "91150100ma0n4x2b2d", -1, NULL },
  { CD_IDENT_USCC, "ｍａ", CD_IDENT_ERROR_LENGTH, "must have 18 characters, not 2" },
  /* Organisation code, GB 11714 */
  { CD_IDENT_ORGCODE, "192203821", -1, NULL },
  { CD_IDENT_ORGCODE, "19220382-1", -1, NULL },
  { CD_IDENT_ORGCODE, "MA0N4X2B2", -1, NULL },
  { CD_IDENT_ORGCODE, "192203822", CD_IDENT_ERROR_CHECK, "check character should be 1" },
  { CD_IDENT_ORGCODE, "19220382", CD_IDENT_ERROR_LENGTH, "9 characters" },
  { CD_IDENT_ORGCODE, "19220382a", CD_IDENT_ERROR_CHECK, "check character should be 1" },
  { CD_IDENT_ORGCODE, "19220382#", CD_IDENT_ERROR_CHARACTER, "character 9 ‘#’" },
  { CD_IDENT_ORGCODE, "ＭＡ０Ｎ４Ｘ２Ｂ－２", -1, NULL },
  { CD_IDENT_ORGCODE, "1922038-21", CD_IDENT_ERROR_LENGTH, NULL },
  { CD_IDENT_ORGCODE, "19#203821", CD_IDENT_ERROR_CHARACTER, "character 3 ‘#’" },
  /* Resident ID, GB 11643 */
  { CD_IDENT_RESIDENT_ID, "11010519491231002X", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "150102199003071237", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "65010220000229001X", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "110105194912310021", CD_IDENT_ERROR_CHECK, "check character should be X" },
  { CD_IDENT_RESIDENT_ID, "11010519491231002x", -1, NULL },                  /* x is read as X */
  { CD_IDENT_RESIDENT_ID, "110105 19491231 002x", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "１１０１０５１９４９１２３１００２Ｘ", -1, NULL },
  { CD_IDENT_RESIDENT_ID, "11010519491231002Y", CD_IDENT_ERROR_CHARACTER, "character 18 ‘Y’" },
  { CD_IDENT_RESIDENT_ID, "一10105194912310021", CD_IDENT_ERROR_CHARACTER, "character 1 ‘一’" },
  { CD_IDENT_RESIDENT_ID, "1101051949123100", CD_IDENT_ERROR_LENGTH, "18 characters, not 16" },
  { CD_IDENT_RESIDENT_ID, "110105194913310021", CD_IDENT_ERROR_DATE, "not a real birth date" },
  { CD_IDENT_RESIDENT_ID, "650102199002290012", CD_IDENT_ERROR_DATE, "(19900229)" },   /* 1990 is no leap year */
  { CD_IDENT_RESIDENT_ID, "110105189912310021", CD_IDENT_ERROR_DATE, NULL },
  { CD_IDENT_RESIDENT_ID, "110105299912310021", CD_IDENT_ERROR_DATE, NULL },          /* in the future */
  { CD_IDENT_RESIDENT_ID, "010105194912310021", CD_IDENT_ERROR_REGION, "province code" },
  { CD_IDENT_RESIDENT_ID, "1101051949A231002X", CD_IDENT_ERROR_CHARACTER, "character 11 ‘A’" },
  /* the character as the clerk typed it (the normaliser upper-cases), counted without the spaces dropped */
  { CD_IDENT_RESIDENT_ID, "1101051949a231002X", CD_IDENT_ERROR_CHARACTER, "character 11 ‘a’" },
  { CD_IDENT_RESIDENT_ID, "1101051949123100x3", CD_IDENT_ERROR_CHARACTER, "character 17 ‘x’" },
  { CD_IDENT_RESIDENT_ID, "110105 19491231 00x3", CD_IDENT_ERROR_CHARACTER, "character 17 ‘x’" },
  /* Mobile */
  { CD_IDENT_MOBILE, "13812345678", -1, NULL },
  { CD_IDENT_MOBILE, "19912345678", -1, NULL },
  { CD_IDENT_MOBILE, "12812345678", CD_IDENT_ERROR_FORMAT, "start with 13–19" },
  { CD_IDENT_MOBILE, "1381234567", CD_IDENT_ERROR_LENGTH, "11 characters, not 10" },
  { CD_IDENT_MOBILE, "1381234567a", CD_IDENT_ERROR_CHARACTER, "character 11 ‘a’" },
  { CD_IDENT_MOBILE, "１３８１２３４５６７８", -1, NULL },
  /* taxpayer IDs: the USCC, or 15 / 20 characters of an older registration */
  { CD_IDENT_TAXPAYER, "914403001922038216", -1, NULL },
  { CD_IDENT_TAXPAYER, "110105192203821", -1, NULL },
  { CD_IDENT_TAXPAYER, "11010519491231002X01", -1, NULL },
  { CD_IDENT_TAXPAYER, "110105192203822", CD_IDENT_ERROR_CHECK, "check character should be 1" },
  { CD_IDENT_TAXPAYER, "1234567", CD_IDENT_ERROR_LENGTH, "or 15 or 20" },
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


/* Follows the check-character message of @code's refusal: the characters it names go where it says. FALSE when
 * the message names no check character. */
static gboolean
follow_message (char *code, const char *message)
{
  static const struct { const char *pattern; int pos; int n; } forms[] = {
    { "check characters 17–18 should be (..)$", 16, 2 },
    { "character 17 \\(the organisation code’s check character\\) should be (.)$", 16, 1 },
    { "check character should be (.)$", -1, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GRegex) re = g_regex_new (forms[i].pattern, 0, 0, NULL);
      g_autoptr(GMatchInfo) m = NULL;

      if (g_regex_match (re, message, 0, &m))
        {
          g_autofree char *chars = g_match_info_fetch (m, 1);
          int pos = forms[i].pos >= 0 ? forms[i].pos : (int) strlen (code) - 1;

          memcpy (code + pos, chars, forms[i].n);
          return TRUE;
        }
    }
  return FALSE;
}

static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static char
pick (GRand *rand, const char *set)
{
  return set[g_rand_int_range (rand, 0, (gint32) strlen (set))];
}

/* Many random valid codes, each with a wrong check character or a mistyped body character: whenever the
 * check refuses on a check character, following its message gives a valid code. */
static void
check_follow (CdIdentKind kind, char *code, guint *followed)
{
  g_autoptr(GError) error = NULL;

  if (cd_ident_check (kind, code, &error))
    return;                                      /* the mistake happened to keep the code valid */
  g_assert_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK);
  if (!follow_message (code, error->message))
    g_error ("no check character named in “%s”", error->message);
  g_clear_error (&error);
  if (!cd_ident_check (kind, code, &error))
    g_error ("following the message gave %s, refused: %s", code, error->message);
  (*followed)++;
}

static void
test_follow_uscc (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);
  guint followed = 0;

  for (int n = 0; n < 3000; n++)
    {
      char code[19] = { 0 };

      code[0] = pick (rand, "123456789AGNY");
      code[1] = pick (rand, uscc_set);
      for (int i = 2; i < 8; i++)
        code[i] = pick (rand, "0123456789");
      for (int i = 8; i < 16; i++)
        code[i] = pick (rand, uscc_set);
      code[16] = cd_ident_orgcode_check_char (code + 8);
      code[17] = cd_ident_uscc_check_char (code);
      g_assert_true (cd_ident_check_uscc (code, NULL));
      switch (n % 4)
        {
        case 0: code[17] = pick (rand, uscc_set); break;                    /* check character */
        case 1: code[16] = pick (rand, "0123456789X"); break;               /* the organisation code's */
        case 2: code[g_rand_int_range (rand, 8, 16)] = pick (rand, uscc_set); break;   /* a body character */
        default: code[16] = pick (rand, uscc_set); code[17] = pick (rand, uscc_set); break;
        }
      check_follow (CD_IDENT_USCC, code, &followed);
    }
  g_assert_cmpuint (followed, >, 2000);
}

static void
test_follow_orgcode (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11714);
  guint followed = 0;

  for (int n = 0; n < 3000; n++)
    {
      char code[10] = { 0 };

      for (int i = 0; i < 8; i++)
        code[i] = pick (rand, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
      code[8] = cd_ident_orgcode_check_char (code);
      g_assert_true (cd_ident_check_orgcode (code, NULL));
      if (n % 2)
        code[8] = pick (rand, "0123456789X");
      else
        code[g_rand_int_range (rand, 0, 8)] = pick (rand, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
      check_follow (CD_IDENT_ORGCODE, code, &followed);
    }
  g_assert_cmpuint (followed, >, 2000);
}

static void
test_follow_resident (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11643);
  guint followed = 0;

  for (int n = 0; n < 3000; n++)
    {
      char code[19] = { 0 };
      int year = g_rand_int_range (rand, 1940, 2010), month = g_rand_int_range (rand, 1, 13);
      int day = g_rand_int_range (rand, 1, g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year) + 1);
      g_autofree char *head = g_strdup_printf ("%d%05d%04d%02d%02d%03d", g_rand_int_range (rand, 1, 7),
                                               g_rand_int_range (rand, 10000, 100000), year, month, day,
                                               g_rand_int_range (rand, 0, 1000));

      memcpy (code, head, 17);
      if (code[0] == '1' && code[1] == '0')
        code[1] = '1';
      code[17] = cd_ident_resident_check_char (code);
      g_assert_true (cd_ident_check_resident_id (code, NULL));
      if (n % 2)
        code[17] = pick (rand, "0123456789X");
      else
        code[g_rand_int_range (rand, 14, 17)] = pick (rand, "0123456789");   /* the sequence number */
      check_follow (CD_IDENT_RESIDENT_ID, code, &followed);
    }
  g_assert_cmpuint (followed, >, 2000);
}

/* Whatever a clerk's IME produces, a code of the right number of characters is never refused as "must have 18
 * characters, not 18": the character that is not a code character is named. */
static void
test_never_same_length (void)
{
  static const char *const odd[] = { "九", "Ｏ", "ｘ", "－", "·", "Ⅸ", "①", "，", "é", "〇" };
  static const struct { CdIdentKind kind; const char *valid; } codes[] = {
    { CD_IDENT_USCC, "914403001922038216" }, { CD_IDENT_ORGCODE, "192203821" },
    { CD_IDENT_RESIDENT_ID, "11010519491231002X" }, { CD_IDENT_MOBILE, "13812345678" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (18);

  for (int n = 0; n < 2000; n++)
    {
      const char *valid = codes[n % G_N_ELEMENTS (codes)].valid;
      glong len = (glong) strlen (valid);
      glong at = g_rand_int_range (rand, 0, (gint32) len);
      g_autofree char *text = g_strdup_printf ("%.*s%s%s", (int) at, valid, odd[g_rand_int_range (rand, 0, G_N_ELEMENTS (odd))],
                                               valid + at + 1);
      g_autofree char *same = g_strdup_printf ("characters, not %ld", len);
      g_autoptr(GError) error = NULL;

      if (cd_ident_check (codes[n % G_N_ELEMENTS (codes)].kind, text, &error))
        continue;                         /* a full-width twin of the right character */
      if (strstr (error->message, same))
        g_error ("“%s”: %s", text, error->message);
    }
}

static void
test_normalize (void)
{
  g_autofree char *a = cd_ident_normalize ("１１０１０５　１９４９１２３１００２ｘ");
  g_autofree char *b = cd_ident_normalize ("ma0n4x2b－2");
  g_autofree char *c = cd_ident_normalize ("91150100MA0N4X2B2D");

  g_assert_cmpstr (a, ==, "11010519491231002X");
  g_assert_cmpstr (b, ==, "MA0N4X2B-2");
  g_assert_cmpstr (c, ==, "91150100MA0N4X2B2D");
  g_assert_null (cd_ident_normalize (NULL));
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
  g_test_add_func ("/ident/follow-uscc", test_follow_uscc);
  g_test_add_func ("/ident/follow-orgcode", test_follow_orgcode);
  g_test_add_func ("/ident/follow-resident", test_follow_resident);
  g_test_add_func ("/ident/normalize", test_normalize);
  g_test_add_func ("/ident/never-same-length", test_never_same_length);
  return g_test_run ();
}
