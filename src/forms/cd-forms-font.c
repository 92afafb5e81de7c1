/* cd-forms-font.c: the embedded CJK font, text measuring, line breaking and fitting text into a box. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cd-forms-font.h"
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

/* Characters that never start a line (they close or follow something) … */
static const char no_start[] = "，。、；：？！）》」』】〉〕”’…—％·,.;:!?)]}%";
/* … and characters that never end one. */
static const char no_end[] = "（《「『【〈〔“‘([{￥$";

#define EM_TO_MM(size) ((size) * 25.4 / 72.0 / 1000.0)

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

/* A character some face prints: not a control character (sanitize() drops those). */
static gboolean
is_drawn (gunichar c)
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
      gboolean covered = !is_drawn (c);

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
  GHashTable *face_of;     /* gunichar → face index + 1; 0 = looked up, no face has it … */
  GHashTable *missing;     /* … these: gunichar set, in the order met */
  gunichar    first_missing;
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
  g_hash_table_unref (fonts->missing);
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
  fonts->missing = g_hash_table_new (NULL, NULL);
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
static guint
face_of (CdFormsFonts *fonts, gunichar c)
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

static void
record_char (CdFormsFonts *fonts, gunichar c)
{
  guint i = face_of (fonts, c);

  if (!g_hash_table_lookup (fonts->face_of, GUINT_TO_POINTER (c)))
    {
      if (g_hash_table_add (fonts->missing, GUINT_TO_POINTER (c)) && !fonts->first_missing)
        fonts->first_missing = c;
      return;
    }
  g_hash_table_add (fonts->faces[i].codes, GUINT_TO_POINTER (c));
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
                   _("The character “%s” (U+%04X) cannot be printed: no installed font has it (the Debian package "
                     "fonts-hanazono has the rare characters of CJK Extension B and later)"), ch,
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

static double
char_advance (CdFormsDoc *doc, gunichar c)
{
  gpointer cached;
  guint w;

  if (g_hash_table_lookup_extended (doc->widths, GUINT_TO_POINTER (c), NULL, &cached))
    return GPOINTER_TO_UINT (cached);
  w = cd_forms_ttf_advance (doc->fonts->faces[face_of (doc->fonts, c)].ttf, c);
  g_hash_table_insert (doc->widths, GUINT_TO_POINTER (c), GUINT_TO_POINTER (w));
  return w;
}

typedef struct {
  CdFormsDoc *doc;
  double      size;
} MeasureData;

static double
measure_mm (gunichar c, gpointer user_data)
{
  MeasureData *m = user_data;

  return char_advance (m->doc, c) * EM_TO_MM (m->size);
}

double
cd_forms_text_width (CdFormsDoc *doc, double size, const char *text)
{
  double w = 0;

  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    w += char_advance (doc, g_utf8_get_char (p));
  return w * EM_TO_MM (size);
}

/* Printable text only: control characters would end up as .notdef boxes. */
static char *
sanitize (const char *text)
{
  GString *s = g_string_sized_new (text ? strlen (text) : 0);

  if (text && g_utf8_validate (text, -1, NULL))
    for (const char *p = text; *p; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        if (c == '\t' || c == '\r')
          c = ' ';
        if (c != '\n' && !is_drawn (c))
          continue;
        g_string_append_unichar (s, c);
      }
  return g_string_free (s, FALSE);
}

void
cd_forms_text (CdFormsDoc *doc, double x, double y, double size, CdTextFlags flags, const char *text)
{
  g_autofree char *clean = NULL;
  g_autoptr(GString) run = NULL;
  gboolean first = TRUE;
  guint face = 0;
  double w;

  if (!(flags & CD_TEXT_FIELD) && doc->fields_only)
    return;
  if (text == NULL || *text == '\0')
    return;
  clean = sanitize (text);
  if (doc->recording)
    {
      for (const char *p = clean; *p; p = g_utf8_next_char (p))
        record_char (doc->fonts, g_utf8_get_char (p));
      return;
    }
  w = cd_forms_text_width (doc, size, clean);
  if (flags & CD_TEXT_CENTER)
    x -= w / 2;
  else if (flags & CD_TEXT_RIGHT)
    x -= w;

  HPDF_Page_BeginText (doc->page);
  if (flags & CD_TEXT_GREY)
    HPDF_Page_SetGrayFill (doc->page, 0.45);
  if (flags & CD_TEXT_BOLD)
    {
      /* One weight per font (a second costs another subset): bold is the outline stroked over the fill. */
      HPDF_Page_SetTextRenderingMode (doc->page, HPDF_FILL_THEN_STROKE);
      HPDF_Page_SetLineWidth (doc->page, size * 0.035);
    }
  /* Runs of characters by the face that has them, each in the codes of that face's subset. The text
   * position moves on by the widths libharu reads from the same subsets, so the runs join up. */
  run = g_string_new (NULL);
  for (const char *p = clean;; p = g_utf8_next_char (p))
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;
      guint f = c ? face_of (doc->fonts, c) : face;

      if (run->len && (c == 0 || f != face))
        {
          HPDF_Page_SetFontAndSize (doc->page, doc->font[face] ? doc->font[face] : doc->font[0], size);
          if (first)
            HPDF_Page_TextOut (doc->page, cd_forms_pt (x + doc->off_x), cd_forms_pt (CD_FORMS_PAGE_H - y - doc->off_y),
                               run->str);
          else
            HPDF_Page_ShowText (doc->page, run->str);
          first = FALSE;
          g_string_truncate (run, 0);
        }
      if (c == 0)
        break;
      face = f;
      {
        gpointer code = g_hash_table_lookup (doc->fonts->faces[f].codes, GUINT_TO_POINTER (c));
        /* Every character was recorded by the first pass; one that was not would print as .notdef. */
        g_string_append_unichar (run, code ? GPOINTER_TO_UINT (code) : 0xFFFF);
      }
    }
  if (flags & CD_TEXT_BOLD)
    HPDF_Page_SetTextRenderingMode (doc->page, HPDF_FILL);
  if (flags & CD_TEXT_GREY)
    HPDF_Page_SetGrayFill (doc->page, 0);
  HPDF_Page_EndText (doc->page);
}

/* Units of the line breaker: a Latin word, one CJK character (with the punctuation glued to it), a space,
 * or a forced break. */
typedef enum { UNIT_TEXT, UNIT_SPACE } UnitKind;

typedef struct {
  UnitKind  kind;
  GString  *text;
  double    width;
} Unit;

static void
unit_free (Unit *u)
{
  g_string_free (u->text, TRUE);
  g_free (u);
}

static gboolean
char_in (const char *set, gunichar c)
{
  for (const char *p = set; *p; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) == c)
      return TRUE;
  return FALSE;
}

static gboolean
is_latin (gunichar c)
{
  /* ASCII punctuation belongs to its word: "3.14", "a.b@c.cn" and "0471-1234567" stay whole. */
  if (c < 0x80)
    return c != ' ';
  return c < 0x2E80 && !g_unichar_iswide (c) && !char_in (no_start, c) && !char_in (no_end, c);
}

static Unit *
unit_new (UnitKind kind)
{
  Unit *u = g_new0 (Unit, 1);

  u->kind = kind;
  u->text = g_string_new (NULL);
  return u;
}

static GPtrArray *
tokenize (const char *text, CdFormsMeasureFunc measure, gpointer data)
{
  GPtrArray *units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_free);
  Unit *word = NULL;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      Unit *u;

      if (c == ' ')
        {
          word = NULL;
          u = unit_new (UNIT_SPACE);
        }
      else if (is_latin (c))
        {
          if (!word)
            g_ptr_array_add (units, word = unit_new (UNIT_TEXT));
          g_string_append_unichar (word->text, c);
          word->width += measure (c, data);
          continue;
        }
      else
        {
          word = NULL;
          u = unit_new (UNIT_TEXT);
        }
      g_string_append_unichar (u->text, c);
      u->width = measure (c, data);
      g_ptr_array_add (units, u);
    }

  /* Glue closing punctuation to what precedes it and opening punctuation to what follows. */
  for (guint i = 1; i < units->len;)
    {
      Unit *u = units->pdata[i], *prev = units->pdata[i - 1];

      if (u->kind == UNIT_TEXT && prev->kind == UNIT_TEXT && char_in (no_start, g_utf8_get_char (u->text->str)))
        {
          g_string_append (prev->text, u->text->str);
          prev->width += u->width;
          g_ptr_array_remove_index (units, i);
          continue;
        }
      i++;
    }
  for (guint i = 0; i + 1 < units->len;)
    {
      Unit *u = units->pdata[i], *next = units->pdata[i + 1];
      const char *last = u->text->str + u->text->len;

      if (u->kind == UNIT_TEXT && next->kind == UNIT_TEXT && u->text->len
          && char_in (no_end, g_utf8_get_char (g_utf8_prev_char (last))))
        {
          g_string_append (u->text, next->text->str);
          u->width += next->width;
          g_ptr_array_remove_index (units, i + 1);
          continue;
        }
      i++;
    }
  return units;
}

/* A unit wider than the line is cut between characters. */
static void
split_long (GPtrArray *lines, GString *cur, double *cur_w, const Unit *u, double max_width,
            CdFormsMeasureFunc measure, gpointer data)
{
  for (const char *p = u->text->str; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      double w = measure (c, data);

      if (cur->len && *cur_w + w > max_width)
        {
          g_ptr_array_add (lines, g_strdup (cur->str));
          g_string_truncate (cur, 0);
          *cur_w = 0;
        }
      g_string_append_unichar (cur, c);
      *cur_w += w;
    }
}

static void
wrap_paragraph (GPtrArray *lines, const char *text, double max_width, CdFormsMeasureFunc measure, gpointer data)
{
  g_autoptr(GPtrArray) units = tokenize (text, measure, data);
  g_autoptr(GString) cur = g_string_new (NULL);
  double cur_w = 0, space_w = measure (' ', data);
  gboolean pending_space = FALSE;

  for (guint i = 0; i < units->len; i++)
    {
      const Unit *u = units->pdata[i];

      if (u->kind == UNIT_SPACE)
        {
          pending_space = cur->len > 0;
          continue;
        }
      if (cur->len && cur_w + (pending_space ? space_w : 0) + u->width <= max_width)
        {
          if (pending_space)
            g_string_append_c (cur, ' ');
          g_string_append (cur, u->text->str);
          cur_w += (pending_space ? space_w : 0) + u->width;
        }
      else
        {
          if (cur->len)
            g_ptr_array_add (lines, g_strdup (cur->str));
          g_string_truncate (cur, 0);
          cur_w = 0;
          if (u->width <= max_width)
            {
              g_string_append (cur, u->text->str);
              cur_w = u->width;
            }
          else
            split_long (lines, cur, &cur_w, u, max_width, measure, data);
        }
      pending_space = FALSE;
    }
  if (cur->len || lines->len == 0)
    g_ptr_array_add (lines, g_strdup (cur->str));
}

GPtrArray *
cd_forms_wrap (const char *text, double max_width, CdFormsMeasureFunc measure, gpointer user_data)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) paragraphs = NULL;

  if (text == NULL || *text == '\0')
    return lines;
  paragraphs = g_strsplit (text, "\n", -1);
  for (guint i = 0; paragraphs[i]; i++)
    {
      g_autoptr(GPtrArray) part = g_ptr_array_new_with_free_func (g_free);

      wrap_paragraph (part, paragraphs[i], max_width, measure, user_data);
      /* An empty paragraph keeps its empty line; the trailing newline of a text does not add one. */
      if (paragraphs[i][0] == '\0' && paragraphs[i + 1] == NULL)
        continue;
      for (guint j = 0; j < part->len; j++)
        g_ptr_array_add (lines, g_steal_pointer (&part->pdata[j]));
    }
  return lines;
}

/* Vertical metrics of a CJK line, as fractions of the type size: the ink of an ideograph sits between
 * about 0.86 em above and 0.12 em below the baseline. */
#define INK_TOP     0.86
#define INK_BOTTOM  0.12
#define LEADING     1.22

static double
pt_to_mm (double pt)
{
  return pt * 25.4 / 72.0;
}

static void
draw_lines (CdFormsDoc *doc, double x, double y, double w, double h, double size, CdTextFlags flags,
            GPtrArray *lines, guint n)
{
  double lead = pt_to_mm (size * LEADING);
  double block = pt_to_mm (size * (INK_TOP + INK_BOTTOM)) + (n - 1) * lead;
  double top = (flags & CD_TEXT_TOP) ? y + pt_to_mm (size * 0.25) : y + (h - block) / 2;
  double tx = (flags & CD_TEXT_CENTER) ? x + w / 2 : (flags & CD_TEXT_RIGHT) ? x + w : x;

  for (guint i = 0; i < n; i++)
    cd_forms_text (doc, tx, top + pt_to_mm (size * INK_TOP) + i * lead, size, flags, lines->pdata[i]);
}

/* The text of boxes that hold one character each (USCC, ID numbers): every character centred in its cell,
 * all of them in one text object and one size. The glyphs are placed with character spacing (Tc) before
 * each one rather than with a text move (Td) per box: pypdf, which reads no /ActualText, then sees one
 * string and no gap, and poppler and MuPDF read the /ActualText span around it (cd_forms_char_boxes). */
void
cd_forms_text_cells (CdFormsDoc *doc, double x, double y, double cell_w, double h, double size, CdTextFlags flags,
                     const char *text)
{
  g_autofree char *clean = NULL;
  g_autoptr(GArray) chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (double));
  double s = size;
  guint face = G_MAXUINT;

  if (!(flags & CD_TEXT_FIELD) && doc->fields_only)
    return;
  if (text == NULL || *text == '\0')
    return;
  clean = sanitize (text);
  if (doc->recording)
    {
      for (const char *p = clean; *p; p = g_utf8_next_char (p))
        record_char (doc->fonts, g_utf8_get_char (p));
      return;
    }
  for (const char *p = clean; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_array_append_val (chars, c);
    }
  /* the largest size at which every character fits its cell */
  for (; s > CD_FORMS_MIN_PT; s -= 0.5)
    {
      gboolean fits = pt_to_mm (s * (INK_TOP + INK_BOTTOM)) <= h;

      for (guint i = 0; i < chars->len && fits; i++)
        fits = char_advance (doc, g_array_index (chars, gunichar, i)) * EM_TO_MM (s) <= cell_w;
      if (fits)
        break;
    }
  s = MAX (s, CD_FORMS_MIN_PT);

  for (guint i = 0; i < chars->len; i++)
    {
      gunichar c = g_array_index (chars, gunichar, i);
      double w = char_advance (doc, c) * EM_TO_MM (s);

      g_array_append_val (widths, w);
      w = x + i * cell_w + (cell_w - w) / 2;
      g_array_append_val (xs, w);
    }

  HPDF_Page_BeginText (doc->page);
  for (guint i = 0; i < chars->len; i++)
    {
      gunichar c = g_array_index (chars, gunichar, i);
      guint f = face_of (doc->fonts, c);
      double cx = g_array_index (xs, double, i);
      gpointer code = g_hash_table_lookup (doc->fonts->faces[f].codes, GUINT_TO_POINTER (c));
      char buf[8] = { 0 };

      g_unichar_to_utf8 (code ? GPOINTER_TO_UINT (code) : 0xFFFF, buf);
      if (f != face)
        HPDF_Page_SetFontAndSize (doc->page, doc->font[f] ? doc->font[f] : doc->font[0], s);
      face = f;
      /* Tc applies after each glyph shown: the gap that puts the next glyph at the centre of its cell */
      HPDF_Page_SetCharSpace (doc->page, i + 1 < chars->len ? cd_forms_pt (g_array_index (xs, double, i + 1) - cx
                                                                         - g_array_index (widths, double, i)) : 0);
      if (i == 0)
        {
          double block = pt_to_mm (s * (INK_TOP + INK_BOTTOM));

          HPDF_Page_TextOut (doc->page, cd_forms_pt (cx + doc->off_x),
                             cd_forms_pt (CD_FORMS_PAGE_H - (y + (h - block) / 2 + pt_to_mm (s * INK_TOP)) - doc->off_y),
                             buf);
        }
      else
        HPDF_Page_ShowText (doc->page, buf);
    }
  HPDF_Page_SetCharSpace (doc->page, 0);
  HPDF_Page_EndText (doc->page);
}

gboolean
cd_forms_text_box (CdFormsDoc *doc, double x, double y, double w, double h, double size, CdTextFlags flags,
                   const char *text)
{
  g_autofree char *clean = NULL;
  MeasureData m = { doc, size };
  double s;

  if (!(flags & CD_TEXT_FIELD) && doc->fields_only)
    return TRUE;
  if (text == NULL || *text == '\0')
    return TRUE;
  clean = sanitize (text);

  /* One line first, shrinking a little; then wrapped lines, shrinking down to the minimum. */
  if (!strchr (clean, '\n'))
    for (s = size; s >= MAX (CD_FORMS_MIN_PT, size * 0.8) - 0.01; s -= 0.5)
      if (cd_forms_text_width (doc, s, clean) <= w && pt_to_mm (s * (INK_TOP + INK_BOTTOM)) <= h)
        {
          g_autoptr(GPtrArray) one = g_ptr_array_new ();

          g_ptr_array_add (one, clean);
          draw_lines (doc, x, y, w, h, s, flags, one, 1);
          return TRUE;
        }
  for (s = size; s >= CD_FORMS_MIN_PT - 0.01; s -= 0.5)
    {
      g_autoptr(GPtrArray) lines = NULL;

      m.size = s;
      lines = cd_forms_wrap (clean, w, measure_mm, &m);
      if (pt_to_mm (s * (INK_TOP + INK_BOTTOM)) + (lines->len - 1) * pt_to_mm (s * LEADING) <= h)
        {
          draw_lines (doc, x, y, w, h, s, flags, lines, lines->len);
          return TRUE;
        }
    }

  /* Still too long at the smallest size: print what fits and end with an ellipsis, inside the box. */
  {
    g_autoptr(GPtrArray) lines = NULL;
    guint n;
    GString *last;

    s = CD_FORMS_MIN_PT;
    m.size = s;
    lines = cd_forms_wrap (clean, w, measure_mm, &m);
    n = 1 + (guint) MAX (0, (h - pt_to_mm (s * (INK_TOP + INK_BOTTOM))) / pt_to_mm (s * LEADING));
    n = MIN (n, lines->len);
    last = g_string_new (lines->pdata[n - 1]);
    g_string_append (last, "…");
    while (last->len > 3 && cd_forms_text_width (doc, s, last->str) > w)
      {
        const char *end = last->str + last->len - strlen ("…");
        g_string_erase (last, g_utf8_prev_char (end) - last->str, end - g_utf8_prev_char (end));
      }
    g_free (lines->pdata[n - 1]);
    lines->pdata[n - 1] = g_string_free (last, FALSE);
    draw_lines (doc, x, y, w, h, s, flags, lines, n);
    return FALSE;
  }
}

GPtrArray *
cd_forms_wrap_text (CdFormsDoc *doc, double size, double w, const char *text)
{
  g_autofree char *clean = sanitize (text);
  MeasureData m = { doc, size };

  return cd_forms_wrap (clean, w, measure_mm, &m);
}

double
cd_forms_paragraph (CdFormsDoc *doc, double x, double y, double w, double size, double leading,
                    CdTextFlags flags, const char *text, gboolean draw)
{
  g_autofree char *clean = sanitize (text);
  g_autoptr(GPtrArray) lines = NULL;
  MeasureData m = { doc, size };
  double lead = pt_to_mm (size * leading);

  lines = cd_forms_wrap (clean, w, measure_mm, &m);
  if (draw)
    for (guint i = 0; i < lines->len; i++)
      cd_forms_text (doc, x, y + pt_to_mm (size * INK_TOP) + i * lead, size, flags, lines->pdata[i]);
  return lines->len * lead;
}
