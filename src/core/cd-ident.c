/* cd-ident.c: checksums and formats of GB 32100, GB 11714, GB 11643 and mainland mobiles. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-ident.h"

G_DEFINE_QUARK (cd-ident-error-quark, cd_ident_error)

/* GB 32100-2015: the 31 code characters (no I, O, S, V, Z) and the weights of positions 1..17. */
static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
/* GB 11714-1997 */
static const int orgcode_weights[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
/* GB 11643-1999 */
static const int resident_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char resident_checks[] = "10X98765432";

static int
uscc_value (char c)
{
  const char *p = c ? strchr (uscc_chars, c) : NULL;
  return p ? (int) (p - uscc_chars) : -1;
}

/* GB 11714 body characters are digits and upper-case letters, A=10 … Z=35. */
static int
orgcode_value (char c)
{
  if (g_ascii_isdigit (c))
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  return -1;
}

static gboolean
check_not_empty (const char *text, const char *what, GError **error)
{
  if (text == NULL || *text == '\0')
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_EMPTY, _("%s is empty"), what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_length (const char *text, gsize expected, const char *what, GError **error)
{
  glong n = g_utf8_strlen (text, -1);

  if ((gsize) n != expected || strlen (text) != expected)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_LENGTH,
                   _("%s must have %u characters, not %ld"), what, (guint) expected, n);
      return FALSE;
    }
  return TRUE;
}

static void
set_bad_char (GError **error, const char *what, const char *text, gsize pos, const char *allowed)
{
  g_autofree char *ch = g_strndup (text + pos, 1);

  g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHARACTER,
               _("%s: character %u ‘%s’ is not allowed (expected %s)"),
               what, (guint) pos + 1, ch, allowed);
}

char
cd_ident_uscc_check_char (const char *first17)
{
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += uscc_value (first17[i]) * uscc_weights[i];
  return uscc_chars[(31 - sum % 31) % 31];
}

char
cd_ident_orgcode_check_char (const char *first8)
{
  int sum = 0, c;

  for (int i = 0; i < 8; i++)
    sum += orgcode_value (first8[i]) * orgcode_weights[i];
  c = 11 - sum % 11;
  return c == 10 ? 'X' : c == 11 ? '0' : (char) ('0' + c);
}

char
cd_ident_resident_check_char (const char *first17)
{
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (first17[i] - '0') * resident_weights[i];
  return resident_checks[sum % 11];
}

static gboolean
check_orgcode_body (const char *text, const char *what, gsize offset, GError **error)
{
  char expected;

  for (gsize i = 0; i < 8; i++)
    if (orgcode_value (text[i]) < 0)
      {
        set_bad_char (error, what, text - offset, offset + i, _("a digit or a capital letter"));
        return FALSE;
      }
  if (text[8] != 'X' && !g_ascii_isdigit (text[8]))
    {
      set_bad_char (error, what, text - offset, offset + 8, _("a digit or X"));
      return FALSE;
    }
  expected = cd_ident_orgcode_check_char (text);
  if (text[8] != expected)
    {
      if (offset == 0)
        g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK,
                     _("%s: check character should be %c"), what, expected);
      else
        g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK,
                     _("%s: the organisation code in characters 9–17 is wrong: character 17 should be %c"),
                     what, expected);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_ident_check_uscc (const char *text, GError **error)
{
  const char *what = _("Unified social credit code");
  char expected;

  if (!check_not_empty (text, what, error) || !check_length (text, 18, what, error))
    return FALSE;
  for (gsize i = 0; i < 18; i++)
    if (uscc_value (text[i]) < 0)
      {
        set_bad_char (error, what, text, i, _("digits and capital letters except I, O, S, V, Z"));
        return FALSE;
      }
  /* Position 1 is the registering authority, 2 the kind of entity: GB 32100 table 1. */
  if (!strchr ("123456789AGNY", text[0]))
    {
      set_bad_char (error, what, text, 0, _("a registration authority code (1–9, A, G, N or Y)"));
      return FALSE;
    }
  for (gsize i = 2; i < 8; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_bad_char (error, what, text, i, _("a digit of the region code"));
        return FALSE;
      }
  expected = cd_ident_uscc_check_char (text);
  if (text[17] != expected)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK,
                   _("%s: check character should be %c"), what, expected);
      return FALSE;
    }
  return check_orgcode_body (text + 8, what, 8, error);
}

gboolean
cd_ident_check_orgcode (const char *text, GError **error)
{
  const char *what = _("Organisation code");
  g_autofree char *compact = NULL;

  if (!check_not_empty (text, what, error))
    return FALSE;
  /* The printed form is XXXXXXXX-Y; accept it with or without the hyphen. */
  if (strlen (text) == 10 && text[8] == '-')
    compact = g_strdup_printf ("%.8s%s", text, text + 9);
  else
    compact = g_strdup (text);
  if (!check_length (compact, 9, what, error))
    return FALSE;
  return check_orgcode_body (compact, what, 0, error);
}

gboolean
cd_ident_check_resident_id (const char *text, GError **error)
{
  const char *what = _("Resident ID number");
  char expected;
  int year, month, day;
  g_autoptr(GDateTime) now = NULL;

  if (!check_not_empty (text, what, error) || !check_length (text, 18, what, error))
    return FALSE;
  for (gsize i = 0; i < 17; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_bad_char (error, what, text, i, _("a digit"));
        return FALSE;
      }
  if (!g_ascii_isdigit (text[17]) && text[17] != 'X')
    {
      set_bad_char (error, what, text, 17, _("a digit or X"));
      return FALSE;
    }
  if (text[0] < '1' || text[0] == '9' || (text[0] == '1' && text[1] == '0'))
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_REGION,
                   _("%s: %.2s is not a province code"), what, text);
      return FALSE;
    }
  year = (text[6] - '0') * 1000 + (text[7] - '0') * 100 + (text[8] - '0') * 10 + (text[9] - '0');
  month = (text[10] - '0') * 10 + (text[11] - '0');
  day = (text[12] - '0') * 10 + (text[13] - '0');
  now = g_date_time_new_now_local ();
  if (year < 1900 || month < 1 || month > 12 || day < 1
      || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year)
      || year > g_date_time_get_year (now)
      || (year == g_date_time_get_year (now)
          && (month > g_date_time_get_month (now)
              || (month == g_date_time_get_month (now) && day > g_date_time_get_day_of_month (now)))))
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_DATE,
                   _("%s: characters 7–14 (%.8s) are not a real birth date"), what, text + 6);
      return FALSE;
    }
  expected = cd_ident_resident_check_char (text);
  if (text[17] != expected)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK,
                   _("%s: check character should be %c"), what, expected);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_ident_check_mobile (const char *text, GError **error)
{
  const char *what = _("Mobile number");

  if (!check_not_empty (text, what, error) || !check_length (text, 11, what, error))
    return FALSE;
  for (gsize i = 0; i < 11; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_bad_char (error, what, text, i, _("a digit"));
        return FALSE;
      }
  if (text[0] != '1' || text[1] < '3')
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_FORMAT,
                   _("%s must start with 13–19, not %.2s"), what, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_ident_check (CdIdentKind kind, const char *text, GError **error)
{
  switch (kind)
    {
    case CD_IDENT_USCC:
      return cd_ident_check_uscc (text, error);
    case CD_IDENT_ORGCODE:
      return cd_ident_check_orgcode (text, error);
    case CD_IDENT_RESIDENT_ID:
      return cd_ident_check_resident_id (text, error);
    case CD_IDENT_MOBILE:
      return cd_ident_check_mobile (text, error);
    default:
      g_assert_not_reached ();
    }
}

gboolean
cd_ident_kind_from_string (const char *name, CdIdentKind *out_kind)
{
  static const struct { const char *name; CdIdentKind kind; } names[] = {
    { "uscc", CD_IDENT_USCC }, { "orgcode", CD_IDENT_ORGCODE },
    { "id", CD_IDENT_RESIDENT_ID }, { "mobile", CD_IDENT_MOBILE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i].name) == 0)
      {
        *out_kind = names[i].kind;
        return TRUE;
      }
  return FALSE;
}
