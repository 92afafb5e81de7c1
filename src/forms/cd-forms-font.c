/* cd-forms-font.c: text measuring and drawing in the faces of the font set, line breaking, fitting text into a box. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>

#include "cd-forms-private.h"

/* Characters that never start a line (they close or follow something) … */
static const char no_start[] = "，。、；：？！）》」』】〉〕”’…—％·,.;:!?)]}%";
/* … and characters that never end one. */
static const char no_end[] = "（《「『【〈〔“‘([{￥$";

#define EM_TO_MM(size) ((size) * 25.4 / 72.0 / 1000.0)

static double
char_advance (CdFormsDoc *doc, gunichar c)
{
  gpointer cached;
  guint w;

  if (g_hash_table_lookup_extended (doc->widths, GUINT_TO_POINTER (c), NULL, &cached))
    return GPOINTER_TO_UINT (cached);
  w = cd_forms_fonts_advance (doc->fonts, c);
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
        if (c != '\n' && !cd_forms_char_is_drawn (c))
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
      cd_forms_fonts_record (doc->fonts, clean);
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
      guint f = c ? cd_forms_fonts_face_of (doc->fonts, c) : face;

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
      g_string_append_unichar (run, cd_forms_fonts_code (doc->fonts, f, c));
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
      cd_forms_fonts_record (doc->fonts, clean);
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
      guint f = cd_forms_fonts_face_of (doc->fonts, c);
      double cx = g_array_index (xs, double, i);
      char buf[8] = { 0 };

      g_unichar_to_utf8 (cd_forms_fonts_code (doc->fonts, f, c), buf);
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
