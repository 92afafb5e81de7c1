/* cd-input.c: input checked at the door, before anything is parsed whole or stored.
 *
 * json-glib parses recursively (a deep enough array overflows the stack), reads what it is given whole, cuts
 * a string at an escaped NUL ("a\u0000b" becomes "a") and keeps a lone surrogate as invalid UTF-8. None of
 * that can be switched off, so the raw text is walked once here first: a small scanner that only tracks
 * nesting, object keys and string escapes (no values are built), which is why it is written here rather than
 * taken from a library. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cd-input.h"

G_DEFINE_QUARK (cd-input-error-quark, cd_input_error)

gboolean
cd_input_read_file (const char *path, gsize max_bytes, const char *what, char **out, gsize *out_len,
                    GError **error)
{
  g_autoptr(GByteArray) buf = NULL;
  struct stat st;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), _("Cannot open the %s “%s”: %s"), what, path,
                   g_strerror (err));
      return FALSE;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _("The %s “%s” is a folder, not a file"), what, path);
      return FALSE;
    }
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > max_bytes)
    {
      g_autofree char *size = g_format_size_full ((guint64) st.st_size, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *limit = g_format_size_full (max_bytes, G_FORMAT_SIZE_IEC_UNITS);

      close (fd);
      g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_TOO_LARGE, _("The %s has %s; at most %s are accepted"), what,
                   size, limit);
      return FALSE;
    }
  /* Anything that is not a regular file is read up to one byte over the limit, never further. */
  buf = g_byte_array_sized_new (S_ISREG (st.st_mode) ? (guint) st.st_size + 1 : 64 * 1024);
  for (;;)
    {
      guint8 chunk[64 * 1024];
      gsize want = MIN (sizeof chunk, max_bytes + 1 - buf->len);
      gssize n = read (fd, chunk, want);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int err = errno;
          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), _("Cannot read the %s “%s”: %s"), what,
                       path, g_strerror (err));
          return FALSE;
        }
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
      if (buf->len > max_bytes)
        {
          g_autofree char *limit = g_format_size_full (max_bytes, G_FORMAT_SIZE_IEC_UNITS);

          close (fd);
          g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_TOO_LARGE, _("The %s is larger than the %s accepted"),
                       what, limit);
          return FALSE;
        }
    }
  close (fd);
  if (out_len)
    *out_len = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  *out = (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
  return TRUE;
}

const char *
cd_input_refused_char (gunichar c)
{
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
    return _("a control character");
  if (c >= 0x200b && c <= 0x200f)
    return _("an invisible zero-width or direction mark");
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
    return _("a text-direction override");
  if (c >= 0xd800 && c <= 0xdfff)
    return _("a lone surrogate (not a character)");
  if (c == 0xfeff)
    return _("an invisible byte-order mark");
  if ((c & 0xfffe) == 0xfffe || (c >= 0xfdd0 && c <= 0xfdef))
    return _("a noncharacter");
  return NULL;
}

const char *
cd_input_refused_name_char (const char *name)
{
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_OTHER_SYMBOL:
        case G_UNICODE_MODIFIER_SYMBOL:
        case G_UNICODE_PRIVATE_USE:
        case G_UNICODE_UNASSIGNED:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_CONTROL:
        case G_UNICODE_FORMAT:
          return p;
        default:
          if ((c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
            return p;
        }
    }
  return NULL;
}

/* One level of nesting: an object (its current key) or an array (its current index). */
typedef struct {
  gboolean  object;
  char     *key;
  guint     index;
  gboolean  want_key;
} Level;

static char *
level_path (Level *levels, guint depth, const char *extra_key)
{
  GString *s = g_string_new ("$");

  for (guint i = 0; i < depth; i++)
    {
      if (levels[i].object && levels[i].key && !(i + 1 == depth && levels[i].want_key))
        g_string_append_printf (s, ".%s", levels[i].key);
      else if (!levels[i].object)
        g_string_append_printf (s, "[%u]", levels[i].index);
    }
  if (extra_key)
    g_string_append_printf (s, ".%s", extra_key);
  return g_string_free (s, FALSE);
}

static int
hex4 (const char *p, const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

gboolean
cd_input_check_json (const char *data, gsize len, guint max_depth, GError **error)
{
  Level *levels = g_new0 (Level, max_depth + 1);
  const char *p = data, *end = data + len;
  guint depth = 0;
  gboolean ok = FALSE;

  while (p < end)
    {
      char c = *p;

      if (c == '"')
        {
          GString *text = g_string_new (NULL);
          const char *refused = NULL;
          gunichar bad = 0;

          for (p++; p < end && *p != '"'; p++)
            {
              if (*p != '\\')
                {
                  g_string_append_c (text, *p);
                  continue;
                }
              if (++p >= end)
                break;
              if (*p != 'u')
                {
                  g_string_append_c (text, *p);
                  continue;
                }
              {
                int cp = hex4 (p + 1, end);

                if (cp < 0)
                  break;   /* the parser says what is wrong */
                p += 4;
                if (cp >= 0xd800 && cp <= 0xdbff)
                  {
                    int lo = (end - p > 6 && p[1] == '\\' && p[2] == 'u') ? hex4 (p + 3, end) : -1;
                    if (lo >= 0xdc00 && lo <= 0xdfff)
                      {
                        gunichar full = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        g_string_append_unichar (text, full);
                        p += 6;
                        if (!refused && (refused = cd_input_refused_char (full)))
                          bad = full;
                        continue;
                      }
                  }
                if (!refused && (refused = cd_input_refused_char ((gunichar) cp)))
                  bad = (gunichar) cp;
                else if (!refused)
                  g_string_append_unichar (text, (gunichar) cp);
              }
            }
          if (p < end)
            p++;   /* the closing quote */
          /* Raw bytes that are not UTF-8: json-glib refuses the whole text without saying where. */
          if (!refused && !g_utf8_validate (text->str, text->len, NULL))
            {
              g_autofree char *path = level_path (levels, depth, NULL);
              g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                           _("%s: not valid UTF-8 text; save the file as UTF-8"), path);
              g_string_free (text, TRUE);
              goto out;
            }
          if (depth > 0 && levels[depth - 1].object && levels[depth - 1].want_key)
            {
              g_free (levels[depth - 1].key);
              levels[depth - 1].key = g_strdup (text->str);
              levels[depth - 1].want_key = FALSE;
              if (refused)
                {
                  g_autofree char *path = level_path (levels, depth, NULL);
                  g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                               _("%s: a member name contains %s (U+%04X)"), path, refused, bad);
                  g_string_free (text, TRUE);
                  goto out;
                }
            }
          else if (refused)
            {
              g_autofree char *path = level_path (levels, depth, NULL);
              g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                           _("%s: contains %s (U+%04X); remove it and type the text again"), path, refused, bad);
              g_string_free (text, TRUE);
              goto out;
            }
          g_string_free (text, TRUE);
          continue;
        }
      if (c == '{' || c == '[')
        {
          if (depth >= max_depth)
            {
              g_autofree char *path = level_path (levels, depth, NULL);
              g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                           _("%s: nested more than %u levels deep; an application is at most %u"), path, max_depth,
                           max_depth);
              goto out;
            }
          levels[depth] = (Level) { c == '{', NULL, 0, c == '{' };
          depth++;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        {
          depth--;
          g_clear_pointer (&levels[depth].key, g_free);
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          /* json-glib turns an integer that does not fit 64 bits into -1 without a word: refuse it here. */
          const char *start = p;
          guint digits = 0;

          for (; p < end && (*p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E' || g_ascii_isdigit (*p)); p++)
            digits += g_ascii_isdigit (*p) ? 1 : 0;
          if (digits > 15)
            {
              g_autofree char *path = level_path (levels, depth, NULL);
              g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                           _("%s: a number with %u digits; no field takes more than 15"), path, digits);
              goto out;
            }
          if (p == start)
            p++;
          continue;
        }
      else if (c == ',' && depth > 0)
        {
          if (levels[depth - 1].object)
            levels[depth - 1].want_key = TRUE;
          else
            levels[depth - 1].index++;
        }
      p++;
    }
  ok = TRUE;

out:
  for (guint i = 0; i <= max_depth; i++)
    g_free (levels[i].key);
  g_free (levels);
  return ok;
}

char *
cd_input_text (const char *path, const char *value, guint max_chars, GError **error)
{
  g_autofree char *nfc = NULL;
  const char *bad_at = NULL;
  glong n;

  if (!g_utf8_validate (value, -1, &bad_at))
    {
      g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                   _("%s: not valid UTF-8 text at character %ld (a lone surrogate or a broken byte sequence)"),
                   path, g_utf8_strlen (value, bad_at - value) + 1);
      return NULL;
    }
  nfc = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  n = 0;
  for (const char *q = nfc; *q; q = g_utf8_next_char (q), n++)
    {
      gunichar c = g_utf8_get_char (q);
      const char *why = cd_input_refused_char (c);

      if (why)
        {
          g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                       _("%s: character %ld is %s (U+%04X); remove it and type the text again"), path, n + 1, why, c);
          return NULL;
        }
    }
  if (max_chars && n > (glong) max_chars)
    {
      g_set_error (error, CD_INPUT_ERROR, CD_INPUT_ERROR_INVALID,
                   _("%s: has %ld characters; at most %u are accepted"), path, n, max_chars);
      return NULL;
    }
  return g_steal_pointer (&nfc);
}
