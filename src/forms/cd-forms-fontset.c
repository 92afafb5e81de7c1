/* cd-forms-fontset.c: the fonts of the printed forms: the main CJK font and its fallbacks for rare characters,
 * which face prints which character, and each face cut down (cd-forms-subset.c) and embedded once per PDF. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cd-forms-fontset.h"
#include "cd-forms-private.h"

/* TrueType fonts that survive libharu 2.3's embedding. WQY MicroHei loses its composite glyphs and Noto
 * CJK (CFF outlines) is refused, so neither is on the list. */
static const char *const font_candidates[] = {
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/app/share/fonts/wqy-zenhei.ttc",
  "/app/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/local/share/fonts/wqy-zenhei.ttc",
  "/usr/share/fonts/truetype/arphic/uming.ttc",
  "/usr/share/fonts/truetype/arphic-uming/uming.ttc",
  NULL
};

/* The fallbacks behind the main font, asked in this order for a character the main font lacks: HanaMinB
 * has CJK Extensions B to F (U+20000…U+2EBE0: the rare characters of personal names, 王𠮷, 𠀀), HanaMinA
 * the BMP ideographs newer than WenQuanYi's (U+9FCC…) and the compatibility ideographs. Debian:
 * fonts-hanazono. Each is embedded only when a document uses it. */
static const char *const fallback_candidates[] = {
  "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
  "/app/share/fonts/HanaMinB.ttf",
  "/app/share/fonts/truetype/hanazono/HanaMinB.ttf",
  "/usr/local/share/fonts/HanaMinB.ttf",
  "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
  "/app/share/fonts/HanaMinA.ttf",
  "/app/share/fonts/truetype/hanazono/HanaMinA.ttf",
  "/usr/local/share/fonts/HanaMinA.ttf",
  NULL
};

char *
cd_forms_font_find (const char *preferred, GError **error)
{
  const char *env = g_getenv ("CERTDESK_FORMS_FONT");

  if (preferred || (env && *env))
    {
      const char *path = preferred ? preferred : env;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT, _("The font file %s does not exist"), path);
          return NULL;
        }
      return g_strdup (path);
    }
  for (guint i = 0; font_candidates[i]; i++)
    if (g_file_test (font_candidates[i], G_FILE_TEST_IS_REGULAR))
      return g_strdup (font_candidates[i]);
  g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT,
               _("No Chinese font for the printed forms: install the Debian package fonts-wqy-zenhei"));
  return NULL;
}

/* ---- the font set: the main font and its fallbacks ---- */

/* Fonts opened once per process and kept: the faces are read-only and HarfBuzz lookups are thread-safe,
 * so the applicant step (cd_forms_font_missing_chars) and a render thread share them. An entry is
 * replaced when its file changes. */
typedef struct {
  CdFormsTtf *ttf;
  guint64     dev, ino, size;
  gint64      mtime;
} CacheEntry;

static GMutex cache_lock;
static GHashTable *cache;   /* path → CacheEntry */

static void
cache_entry_free (CacheEntry *e)
{
  cd_forms_ttf_free (e->ttf);
  g_free (e);
}

static CdFormsTtf *
ttf_open_cached (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) fi = g_file_query_info (file, G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE ","
                                               G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                               G_FILE_QUERY_INFO_NONE, NULL, NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&cache_lock);
  CacheEntry *e;
  CdFormsTtf *ttf;

  if (!cache)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cache_entry_free);
  e = g_hash_table_lookup (cache, path);
  if (e && fi && e->dev == g_file_info_get_attribute_uint32 (fi, G_FILE_ATTRIBUTE_UNIX_DEVICE)
      && e->ino == g_file_info_get_attribute_uint64 (fi, G_FILE_ATTRIBUTE_UNIX_INODE)
      && e->size == (guint64) g_file_info_get_size (fi)
      && e->mtime == (gint64) g_file_info_get_attribute_uint64 (fi, G_FILE_ATTRIBUTE_TIME_MODIFIED))
    return cd_forms_ttf_ref (e->ttf);
  g_hash_table_remove (cache, path);
  if (!(ttf = cd_forms_ttf_open (path, error)))
    return NULL;
  if (fi)
    {
      e = g_new0 (CacheEntry, 1);
      e->ttf = cd_forms_ttf_ref (ttf);
      e->dev = g_file_info_get_attribute_uint32 (fi, G_FILE_ATTRIBUTE_UNIX_DEVICE);
      e->ino = g_file_info_get_attribute_uint64 (fi, G_FILE_ATTRIBUTE_UNIX_INODE);
      e->size = g_file_info_get_size (fi);
      e->mtime = g_file_info_get_attribute_uint64 (fi, G_FILE_ATTRIBUTE_TIME_MODIFIED);
      g_hash_table_insert (cache, g_strdup (path), e);
    }
  return ttf;
}

/* The fallbacks found on this machine, other than @main. */
static void
add_fallbacks (GPtrArray *ttfs, const char *main)
{
  for (guint i = 0; fallback_candidates[i] && ttfs->len < CD_FORMS_MAX_FACES; i++)
    {
      g_autoptr(GError) error = NULL;
      CdFormsTtf *ttf;
      gboolean dup = g_strcmp0 (fallback_candidates[i], main) == 0;

      for (guint j = 0; j < ttfs->len && !dup; j++)
        dup = g_str_has_suffix (cd_forms_ttf_path (ttfs->pdata[j]), strrchr (fallback_candidates[i], '/'));
      if (dup || !g_file_test (fallback_candidates[i], G_FILE_TEST_IS_REGULAR))
        continue;
      if ((ttf = ttf_open_cached (fallback_candidates[i], &error)))
        g_ptr_array_add (ttfs, ttf);
      else
        g_debug ("Fallback font left out: %s", error->message);
    }
}

/* A character some face prints: not a control character (the text drawing drops those). */
gboolean
cd_forms_char_is_drawn (gunichar c)
{
  return !g_unichar_iscntrl (c) && c != 0x2028 && c != 0x2029;
}

gunichar
cd_forms_font_missing_chars (const char *text)
{
  static GPtrArray *ttfs;   /* the default set, opened once */
  GPtrArray *set;

  if (!text || !g_utf8_validate (text, -1, NULL))
    return 0;
  g_mutex_lock (&cache_lock);
  set = ttfs;
  g_mutex_unlock (&cache_lock);
  if (!set)
    {
      g_autofree char *main = cd_forms_font_find (NULL, NULL);
      CdFormsTtf *ttf = main ? ttf_open_cached (main, NULL) : NULL;

      set = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_forms_ttf_free);
      if (ttf)
        g_ptr_array_add (set, ttf);
      add_fallbacks (set, main);
      g_mutex_lock (&cache_lock);
      if (!ttfs)
        ttfs = set;
      else
        g_ptr_array_unref (set);   /* another thread was first */
      set = ttfs;
      g_mutex_unlock (&cache_lock);
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean covered = !cd_forms_char_is_drawn (c);

      for (guint i = 0; i < set->len && !covered; i++)
        covered = cd_forms_ttf_has (set->pdata[i], c);
      if (!covered)
        return c;
    }
  return 0;
}

typedef struct {
  CdFormsTtf *ttf;
  GHashTable *codes;       /* gunichar → the 16-bit code the PDF draws it with (cd-forms-subset.c) */
  GHashTable *by_code;     /* the reverse, for the drawing pass */
  int         fd;          /* the subset, for libharu to open by name */
  char       *file;
  char       *unlink_file;
} Face;

struct _CdFormsFonts {
  Face        faces[CD_FORMS_MAX_FACES];
  guint       n_faces;
  GHashTable *face_of;     /* gunichar → face index + 1; 0 = looked up, no face has it */
  gunichar    first_missing;   /* the first character met that no face has … */
  char       *missing_in;      /* … and the text it was met in */
  gboolean    prepared;
};

void
cd_forms_fonts_free (CdFormsFonts *fonts)
{
  if (!fonts)
    return;
  for (guint i = 0; i < fonts->n_faces; i++)
    {
      Face *f = &fonts->faces[i];

      cd_forms_ttf_free (f->ttf);
      g_hash_table_unref (f->codes);
      g_hash_table_unref (f->by_code);
      if (f->fd >= 0)
        close (f->fd);
      if (f->unlink_file)
        g_unlink (f->unlink_file);
      g_free (f->file);
      g_free (f->unlink_file);
    }
  g_hash_table_unref (fonts->face_of);
  g_free (fonts->missing_in);
  g_free (fonts);
}

CdFormsFonts *
cd_forms_fonts_new (const char *preferred, GError **error)
{
  g_autoptr(CdFormsFonts) fonts = g_new0 (CdFormsFonts, 1);
  g_autoptr(GPtrArray) ttfs = g_ptr_array_new ();
  g_autofree char *main = NULL;
  CdFormsTtf *ttf;

  fonts->face_of = g_hash_table_new (NULL, NULL);
  if (!(main = cd_forms_font_find (preferred, error)) || !(ttf = ttf_open_cached (main, error)))
    return NULL;
  g_ptr_array_add (ttfs, ttf);
  add_fallbacks (ttfs, main);
  for (guint i = 0; i < ttfs->len; i++)
    {
      Face *f = &fonts->faces[fonts->n_faces++];

      f->ttf = ttfs->pdata[i];
      f->codes = g_hash_table_new (NULL, NULL);
      f->by_code = g_hash_table_new (NULL, NULL);
      f->fd = -1;
    }
  return g_steal_pointer (&fonts);
}

/* The face that prints @c: the first of the set that has it; the main font (its .notdef) when none has. */
guint
cd_forms_fonts_face_of (CdFormsFonts *fonts, gunichar c)
{
  gpointer v;

  if (!g_hash_table_lookup_extended (fonts->face_of, GUINT_TO_POINTER (c), NULL, &v))
    {
      guint i;

      for (i = 0; i < fonts->n_faces && !cd_forms_ttf_has (fonts->faces[i].ttf, c); i++)
        ;
      v = GUINT_TO_POINTER (i < fonts->n_faces ? i + 1 : 0);
      g_hash_table_insert (fonts->face_of, GUINT_TO_POINTER (c), v);
    }
  return v ? GPOINTER_TO_UINT (v) - 1 : 0;
}

/* The recording pass: every character of @text goes to the face that prints it; the first text with a
 * character none has is kept for the message. */
void
cd_forms_fonts_record (CdFormsFonts *fonts, const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint i = cd_forms_fonts_face_of (fonts, c);

      if (!g_hash_table_lookup (fonts->face_of, GUINT_TO_POINTER (c)))
        {
          if (!fonts->first_missing)
            {
              fonts->first_missing = c;
              fonts->missing_in = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), 40));
            }
          continue;
        }
      g_hash_table_add (fonts->faces[i].codes, GUINT_TO_POINTER (c));
    }
}

/* The subset goes to an anonymous file that libharu can open by name and read again when it saves. */
static gboolean
face_write (Face *f, GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

#ifdef __linux__
  f->fd = memfd_create ("certdesk-forms-font", MFD_CLOEXEC);
  if (f->fd >= 0)
    f->file = g_strdup_printf ("/proc/self/fd/%d", f->fd);
#endif
  if (f->fd < 0)
    {
      f->fd = g_file_open_tmp ("certdesk-forms-XXXXXX.ttf", &f->unlink_file, NULL);
      if (f->fd < 0)
        return FALSE;
      f->file = g_strdup (f->unlink_file);
    }
  for (gsize done = 0; done < len;)
    {
      gssize n = write (f->fd, data + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

gboolean
cd_forms_fonts_prepare (CdFormsFonts *fonts, GError **error)
{
  g_return_val_if_fail (!fonts->prepared, FALSE);

  if (fonts->first_missing)
    {
      char ch[8] = { 0 };

      g_unichar_to_utf8 (fonts->first_missing, ch);
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT,
                   _("“%s”: the character “%s” (U+%04X) cannot be printed, no installed font has it; write it as "
                     "the identity document allows with characters that print (the Debian package fonts-hanazono "
                     "has the rare characters of CJK Extension B and later)"), fonts->missing_in, ch,
                   (guint) fonts->first_missing);
      return FALSE;
    }
  for (guint i = 0; i < fonts->n_faces; i++)
    {
      Face *f = &fonts->faces[i];
      g_autoptr(GBytes) subset = NULL;
      g_autoptr(GError) subset_error = NULL;
      GHashTableIter it;
      gpointer key, value;
      gboolean beyond_bmp = FALSE;

      if (g_hash_table_size (f->codes) == 0)
        continue;
      /* The subset gives every character its code (cd-forms-subset.c). */
      subset = cd_forms_ttf_subset (f->ttf, f->codes, &subset_error);
      if (subset && face_write (f, subset))
        {
          g_hash_table_iter_init (&it, f->codes);
          while (g_hash_table_iter_next (&it, &key, &value))
            g_hash_table_insert (f->by_code, value, key);
          continue;
        }
      /* The whole font then, every character its own code: slower, same output, for the BMP only (libharu
       * reads no other cmap). */
      if (f->fd >= 0)
        close (f->fd);
      f->fd = -1;
      g_clear_pointer (&f->file, g_free);
      g_hash_table_iter_init (&it, f->codes);
      while (g_hash_table_iter_next (&it, &key, NULL))
        {
          beyond_bmp |= GPOINTER_TO_UINT (key) > 0xFFFF;
          g_hash_table_iter_replace (&it, key);
          g_hash_table_insert (f->by_code, key, key);
        }
      if (beyond_bmp || !subset_error)
        {
          if (subset_error)
            g_propagate_error (error, g_steal_pointer (&subset_error));
          else
            g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT,
                         _("Cannot write the cut-down font for the PDF (no temporary file)"));
          return FALSE;
        }
      g_debug ("Embedding the whole font: %s", subset_error->message);
      f->file = g_strdup (cd_forms_ttf_path (f->ttf));
    }
  fonts->prepared = TRUE;
  return TRUE;
}

/* Embeds the faces the recording pass found used, each with a correct ToUnicode CMap. */
static gboolean
fonts_load (CdFormsDoc *doc, GError **error)
{
  CdFormsFonts *fonts = doc->fonts;

  g_return_val_if_fail (fonts->prepared, FALSE);
  for (guint i = 0; i < fonts->n_faces; i++)
    {
      Face *f = &fonts->faces[i];
      const char *name;

      if (!f->file)
        continue;
      if (g_str_has_suffix (f->file, ".ttc") || g_str_has_suffix (f->file, ".TTC"))
        name = HPDF_LoadTTFontFromFile2 (doc->pdf, f->file, 0, HPDF_TRUE);
      else
        name = HPDF_LoadTTFontFromFile (doc->pdf, f->file, HPDF_TRUE);
      if (name)
        doc->font[i] = HPDF_GetFont (doc->pdf, name, "UTF-8");
      if (!doc->font[i] || !cd_forms_tounicode_set (doc->pdf, doc->font[i], f->by_code))
        {
          g_debug ("libharu refused %s: error 0x%04X, detail %u", f->file, (guint) doc->hpdf_status,
                   (guint) doc->hpdf_detail);
          g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_FONT,
                       _("The font %s cannot be embedded in the PDF: the PDF library refused it"),
                       cd_forms_ttf_path (f->ttf));
          return FALSE;
        }
    }
  doc->hpdf_status = 0;
  return TRUE;
}

gboolean
cd_forms_font_load (CdFormsDoc *doc, GError **error)
{
  return doc->recording ? TRUE : fonts_load (doc, error);
}

guint
cd_forms_fonts_code (CdFormsFonts *fonts, guint face, gunichar c)
{
  gpointer code = g_hash_table_lookup (fonts->faces[face].codes, GUINT_TO_POINTER (c));

  /* Both passes draw the same text, so every character was recorded; one that was not is a bug of the
   * document's drawing, and would print as .notdef. */
  if (G_UNLIKELY (!code))
    g_critical ("U+%04X is drawn but was not recorded by the first pass", (guint) c);
  return code ? GPOINTER_TO_UINT (code) : 0xFFFF;
}

guint
cd_forms_fonts_advance (CdFormsFonts *fonts, gunichar c)
{
  return cd_forms_ttf_advance (fonts->faces[cd_forms_fonts_face_of (fonts, c)].ttf, c);
}

