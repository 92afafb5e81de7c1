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

/* Whether cd_ident_normalize() drops @c (spaces between groups of digits). */
static gboolean
is_dropped_space (gunichar c)
{
  return c == ' ' || c == '\t' || c == 0x00A0 || c == 0x3000;
}

/* The character the clerk typed at character @index of cd_ident_normalize (@raw): normalising maps one
 * character to one and only drops spaces, so the index is counted over @raw without them. */
static gunichar
typed_char (const char *raw, glong index, gunichar fallback)
{
  if (raw == NULL || !g_utf8_validate (raw, -1, NULL))
    return fallback;
  for (const char *p = raw; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_dropped_space (c))
        continue;
      if (index-- == 0)
        return c;
    }
  return fallback;
}

/* @raw: what was typed, when @text is cd_ident_normalize (@raw) (NULL otherwise), so that the message shows
 * "x" as typed, not the "X" the normaliser made of it. */
static void
set_bad_char_typed (GError **error, const char *what, const char *raw, const char *text, gsize pos,
                    const char *allowed)
{
  /* @pos is a byte offset; the message counts characters, as the clerk sees them. */
  glong index = g_utf8_pointer_to_offset (text, text + pos);
  gunichar c = typed_char (raw, index, g_utf8_get_char (text + pos));
  char ch[8] = { 0 };

  g_unichar_to_utf8 (c, ch);
  g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHARACTER,
               _("%s: character %u ‘%s’ is not allowed (expected %s)"),
               what, (guint) index + 1, ch, allowed);
}

static void
set_bad_char (GError **error, const char *what, const char *text, gsize pos, const char *allowed)
{
  set_bad_char_typed (error, what, NULL, text, pos, allowed);
}

static gboolean
check_length (const char *text, gsize expected, const char *what, const char *allowed, GError **error)
{
  glong n = g_utf8_strlen (text, -1);

  /* An invisible character (a zero-width space copied along, a direction mark) makes "must have 18
   * characters, not 19" for 18 visible ones: name it by position and code point instead. */
  for (const char *p = g_utf8_validate (text, -1, NULL) ? text : ""; *p; p = g_utf8_next_char (p))
    {
      GUnicodeType t = g_unichar_type (g_utf8_get_char (p));

      if (t == G_UNICODE_FORMAT || t == G_UNICODE_CONTROL)
        {
          g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHARACTER,
                       _("%s: character %u (U+%04X, invisible) is not allowed (expected %s)"), what,
                       (guint) g_utf8_pointer_to_offset (text, p) + 1, (guint) g_utf8_get_char (p), allowed);
          return FALSE;
        }
    }
  if ((gsize) n != expected)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_LENGTH,
                   _("%s must have %u characters, not %ld"), what, (guint) expected, n);
      return FALSE;
    }
  /* The right number of characters but more bytes: one of them is not a code character (a Chinese digit, a
   * full-width letter the normaliser does not know): name it instead of "18 characters, not 18". */
  if (strlen (text) != expected)
    {
      for (const char *p = text; *p; p = g_utf8_next_char (p))
        if ((guchar) *p >= 0x80)
          {
            set_bad_char (error, what, text, p - text, allowed);
            return FALSE;
          }
    }
  return TRUE;
}

char *
cd_ident_normalize (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8: keep the rest as it is, the check names it. */
          g_string_append (out, p);
          break;
        }
      /* Spaces a clerk types between groups of digits, or copies along: ASCII, no-break, ideographic. */
      if (is_dropped_space (c))
        continue;
      if (c >= 0xFF10 && c <= 0xFF19)        /* full-width digits */
        c = '0' + (c - 0xFF10);
      else if (c >= 0xFF21 && c <= 0xFF3A)   /* full-width capitals */
        c = 'A' + (c - 0xFF21);
      else if (c >= 0xFF41 && c <= 0xFF5A)   /* full-width small letters */
        c = 'A' + (c - 0xFF41);
      else if (c == 0xFF0D || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014)
        c = '-';                             /* the hyphen of XXXXXXXX-Y typed with an IME */
      else if (c >= 'a' && c <= 'z')
        c = g_ascii_toupper ((char) c);      /* 11010519491231002x → …X; a USCC's letters are capitals */
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
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
check_orgcode_body (const char *text, const char *what, GError **error)
{
  char expected;

  for (gsize i = 0; i < 8; i++)
    if (orgcode_value (text[i]) < 0)
      {
        set_bad_char (error, what, text, i, _("a digit or a capital letter"));
        return FALSE;
      }
  expected = cd_ident_orgcode_check_char (text);
  if (text[8] != expected)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK, _("%s: check character should be %c"), what, expected);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_ident_check_uscc (const char *raw, GError **error)
{
  const char *what = _("Unified social credit code");
  const char *allowed = _("digits and capital letters except I, O, S, V, Z");
  g_autofree char *text = cd_ident_normalize (raw);
  char fixed[19];
  char c17, c18;

  if (!check_not_empty (text, what, error) || !check_length (text, 18, what, allowed, error))
    return FALSE;
  for (gsize i = 0; i < 18; i++)
    if (uscc_value (text[i]) < 0)
      {
        set_bad_char_typed (error, what, raw, text, i, allowed);
        return FALSE;
      }
  /* Position 1 is the registering authority, 2 the kind of entity: GB 32100 table 1. */
  if (!strchr ("123456789AGNY", text[0]))
    {
      set_bad_char_typed (error, what, raw, text, 0, _("a registration authority code (1–9, A, G, N or Y)"));
      return FALSE;
    }
  for (gsize i = 2; i < 8; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_bad_char_typed (error, what, raw, text, i, _("a digit of the region code"));
        return FALSE;
      }
  /* Characters 9–17 are the organisation code with its own check character (17), and character 18 checks
   * all 17 before it: the suggestion fixes 17 first and computes 18 from the fixed code, so that following
   * it gives a valid code. */
  c17 = cd_ident_orgcode_check_char (text + 8);
  memcpy (fixed, text, 18);
  fixed[16] = c17;
  fixed[18] = '\0';
  c18 = cd_ident_uscc_check_char (fixed);
  if (text[16] != c17 && text[17] != c18)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK,
                   _("%s: the check characters 17–18 should be %c%c"), what, c17, c18);
      return FALSE;
    }
  if (text[16] != c17)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK,
                   _("%s: character 17 (the organisation code’s check character) should be %c"), what, c17);
      return FALSE;
    }
  if (text[17] != c18)
    {
      g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_CHECK, _("%s: check character should be %c"), what, c18);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_ident_check_orgcode (const char *raw, GError **error)
{
  const char *what = _("Organisation code");
  g_autofree char *text = cd_ident_normalize (raw);
  g_autofree char *compact = NULL;

  if (!check_not_empty (text, what, error))
    return FALSE;
  /* The printed form is XXXXXXXX-Y; accept it with or without the hyphen. */
  if (strlen (text) == 10 && text[8] == '-')
    compact = g_strdup_printf ("%.8s%s", text, text + 9);
  else
    compact = g_strdup (text);
  if (!check_length (compact, 9, what, _("a digit or a capital letter"), error))
    return FALSE;
  if (compact[8] != 'X' && !g_ascii_isdigit (compact[8]) && orgcode_value (compact[8]) < 0)
    {
      set_bad_char (error, what, compact, 8, _("a digit or X"));
      return FALSE;
    }
  return check_orgcode_body (compact, what, error);
}

gboolean
cd_ident_check_resident_id (const char *raw, GError **error)
{
  const char *what = _("Resident ID number");
  g_autofree char *text = cd_ident_normalize (raw);
  char expected;
  int year, month, day;
  g_autoptr(GDateTime) now = NULL;

  if (!check_not_empty (text, what, error) || !check_length (text, 18, what, _("a digit"), error))
    return FALSE;
  for (gsize i = 0; i < 17; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_bad_char_typed (error, what, raw, text, i, _("a digit"));
        return FALSE;
      }
  if (!g_ascii_isdigit (text[17]) && text[17] != 'X')
    {
      set_bad_char_typed (error, what, raw, text, 17, _("a digit or X"));
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
cd_ident_check_mobile (const char *raw, GError **error)
{
  const char *what = _("Mobile number");
  g_autofree char *text = cd_ident_normalize (raw);

  if (!check_not_empty (text, what, error) || !check_length (text, 11, what, _("a digit"), error))
    return FALSE;
  for (gsize i = 0; i < 11; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        set_bad_char_typed (error, what, raw, text, i, _("a digit"));
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

/* The taxpayer ID on an invoice: the 18-character USCC, or for those registered before it the 15-character
 * tax registration number (6-digit region + organisation code) or the 20-character one of a self-employed
 * person (resident ID + 2 digits). */
gboolean
cd_ident_check_taxpayer_id (const char *raw, GError **error)
{
  const char *what = _("Taxpayer ID");
  g_autofree char *text = cd_ident_normalize (raw);
  glong n;

  if (!check_not_empty (text, what, error))
    return FALSE;
  n = g_utf8_strlen (text, -1);
  if (n == 18)
    return cd_ident_check_uscc (raw, error);
  if (n == 15 || n == 20)
    {
      g_autoptr(GError) local = NULL;
      gsize body = n == 15 ? 6 : 20;
      gboolean ok;

      if (!check_length (text, (gsize) n, what, _("a digit or a capital letter"), error))
        return FALSE;
      for (gsize i = n == 15 ? 0 : 18; i < body; i++)
        if (!g_ascii_isdigit (text[i]))
          {
            set_bad_char_typed (error, what, raw, text, i, _("a digit"));
            return FALSE;
          }
      if (n == 15)
        ok = cd_ident_check_orgcode (text + 6, &local);
      else
        {
          g_autofree char *id = g_strndup (text, 18);
          ok = cd_ident_check_resident_id (id, &local);
        }
      if (ok)
        return TRUE;
      g_set_error (error, CD_IDENT_ERROR, local->code, _("%s (%u characters): %s"), what, (guint) n, local->message);
      return FALSE;
    }
  g_set_error (error, CD_IDENT_ERROR, CD_IDENT_ERROR_LENGTH,
               _("%s must have 18 characters (the unified social credit code), or 15 or 20 for an older "
                 "registration, not %ld"), what, n);
  return FALSE;
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
    case CD_IDENT_TAXPAYER:
      return cd_ident_check_taxpayer_id (text, error);
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
    { "taxpayer", CD_IDENT_TAXPAYER },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i].name) == 0)
      {
        *out_kind = names[i].kind;
        return TRUE;
      }
  return FALSE;
}
