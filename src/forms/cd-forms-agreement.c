/* cd-forms-agreement.c: the service agreement and the responsibility letter, flowed from the CA's text files. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-forms-private.h"

/* The text files under data/agreements/ (UTF-8, replaceable by the CA):
 *   - lines starting with "#" are comments;
 *   - the first other non-empty line is the title;
 *   - a line starting with a Chinese numeral and "、" (一、 … 十二、) is a section heading;
 *   - every other non-empty line is one paragraph;
 *   - {ca_name} {project} {region} {validity_years} {applicant} {number} {outlet} are replaced.
 * The signature block is the form's, not the text's: it is drawn after the text. */

#define BODY_PT    9.5
#define BODY_LEAD  1.45
#define TOP        36.0
#define BOTTOM     (CD_FORMS_PAGE_H - 16.0)

typedef struct {
  char  *title;
  GPtrArray *paras;   /* char *; headings start with "\x01" */
} FlowText;

static void
flow_text_clear (FlowText *t)
{
  g_clear_pointer (&t->title, g_free);
  g_clear_pointer (&t->paras, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlowText, flow_text_clear)

static gboolean
is_heading (const char *line)
{
  const char *p = line;
  gboolean numeral = FALSE;

  for (; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_utf8_strchr ("一二三四五六七八九十", -1, c))
        break;
      numeral = TRUE;
    }
  return numeral && g_utf8_get_char (p) == 0x3001; /* 、 */
}

static gboolean
parse_text (const CdFormsDoc *doc, const char *file, FlowText *out, GError **error)
{
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!cd_forms_load_text (doc, file, &raw, error))
    return FALSE;
  text = cd_forms_expand (doc, raw);
  lines = g_strsplit (text, "\n", -1);
  out->paras = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      if (!out->title)
        out->title = g_strdup (line);
      else if (is_heading (line))
        g_ptr_array_add (out->paras, g_strconcat ("\x01", line, NULL));
      else
        g_ptr_array_add (out->paras, g_strdup (line));
    }
  if (!out->title || out->paras->len == 0)
    {
      g_set_error (error, CD_FORMS_ERROR, CD_FORMS_ERROR_TEXT, _("The text %s has no title or no paragraphs"), file);
      return FALSE;
    }
  return TRUE;
}

static double
start_page (CdFormsDoc *doc, const char *title, gboolean first)
{
  cd_forms_doc_new_page (doc, NULL);
  cd_forms_copy_label (doc, CD_FORMS_QR_X - 4, 16);
  if (first)
    {
      cd_forms_title (doc, 24, 17, title);
      return TOP;
    }
  cd_forms_text (doc, CD_FORMS_LEFT, 16, 9, CD_TEXT_GREY, title);
  return 34;
}

/* Flows the paragraphs onto as many pages as they need; returns the y where the text ends. */
static double
flow (CdFormsDoc *doc, const FlowText *t, double y, const char *intro)
{
  double lead = BODY_PT * BODY_LEAD * 25.4 / 72, ink = BODY_PT * 0.86 * 25.4 / 72;

  if (intro)
    {
      y += cd_forms_paragraph (doc, CD_FORMS_LEFT, y, CD_FORMS_WIDTH, BODY_PT, BODY_LEAD, CD_TEXT_FIELD, intro,
                               TRUE);
      y += 2;
    }
  for (guint i = 0; i < t->paras->len; i++)
    {
      const char *para = t->paras->pdata[i];
      gboolean heading = para[0] == '\x01';
      g_autofree char *body = heading ? g_strdup (para + 1) : g_strconcat ("　　", para, NULL); /* indent 2 */
      CdTextFlags flags = heading ? CD_TEXT_BOLD : CD_TEXT_STATIC;
      g_autoptr(GPtrArray) lines = cd_forms_wrap_text (doc, BODY_PT, CD_FORMS_WIDTH, body);

      if (heading)
        {
          y += 1.5;
          /* A heading stays with the first two lines of its section. */
          if (y + (lines->len + 2) * lead > BOTTOM)
            y = start_page (doc, t->title, FALSE);
        }
      for (guint j = 0; j < lines->len; j++)
        {
          if (y + lead > BOTTOM)
            y = start_page (doc, t->title, FALSE);
          cd_forms_text (doc, CD_FORMS_LEFT, y + ink, BODY_PT, flags, lines->pdata[j]);
          y += lead;
        }
    }
  return y;
}

/* The applicant's signature and seal, and the CA's name; on a new page when the last one is full. */
static void
signature_block (CdFormsDoc *doc, const FlowText *t, double y, gboolean acceptance)
{
  const CdApplication *app = doc->req->application;
  gboolean person = app->person != NULL;
  double need = acceptance ? 76 : 42;

  if (y + need > BOTTOM)
    y = start_page (doc, t->title, FALSE);
  y += 10;
  cd_forms_text (doc, CD_FORMS_LEFT, y, 10.5, CD_TEXT_STATIC, person ? "用户（签字）：" : "用户（盖章）：");
  cd_forms_text_box (doc, CD_FORMS_LEFT + 26, y - 5, 70, 6.5, 10.5, CD_TEXT_FIELD, cd_application_display_name (app));
  cd_forms_text (doc, 112, y, 10.5, CD_TEXT_STATIC, "发证机构：");
  cd_forms_text_box (doc, 131, y - 5, CD_FORMS_RIGHT - 131, 6.5, 10.5, CD_TEXT_FIELD, doc->req->profile->ca_name);
  y += 12;
  if (!person)
    cd_forms_signature_line (doc, CD_FORMS_LEFT, y, 85, "经办人（签字）：", NULL);
  y += 14;
  cd_forms_date_line (doc, CD_FORMS_LEFT, y, "日期：", TRUE);
  if (!acceptance)
    return;

  /* The acceptance block of the two-copy forms: who accepted it, where, when. */
  y += 8;
  cd_forms_rect (doc, CD_FORMS_LEFT, y, CD_FORMS_WIDTH, 30, 0.8);
  cd_forms_text (doc, CD_FORMS_LEFT + 3, y + 7, 10, CD_TEXT_BOLD, "受理信息（由受理点填写）");
  cd_forms_signature_line (doc, CD_FORMS_LEFT + 3, y + 17, 80, "受理员（签字）：", doc->req->clerk);
  cd_forms_text (doc, 112, y + 17, 10.5, CD_TEXT_STATIC, "受理单位（盖章）：");
  cd_forms_text_box (doc, 112, y + 19, 80, 5.5, 9, CD_TEXT_FIELD, doc->req->outlet);
  cd_forms_date_line (doc, CD_FORMS_LEFT + 3, y + 26, "受理日期：", TRUE);
}

gboolean
cd_forms_draw_agreement (CdFormsDoc *doc, GError **error)
{
  g_auto(FlowText) t = { 0 };
  g_autofree char *intro = NULL;
  double y;

  if (!parse_text (doc, doc->req->profile->agreement, &t, error))
    return FALSE;
  y = start_page (doc, t.title, TRUE);
  intro = g_strdup_printf ("用户：%s        申请编号：%s", cd_application_display_name (doc->req->application),
                           doc->req->number);
  y = flow (doc, &t, y, intro);
  signature_block (doc, &t, y, FALSE);
  return TRUE;
}

/* The responsibility letter's text: "<agreement stem>-responsibility.txt" if the CA has one, else the
 * project's shared "responsibility.txt". */
gboolean
cd_forms_draw_responsibility (CdFormsDoc *doc, GError **error)
{
  const char *agreement = doc->req->profile->agreement;
  g_autofree char *stem = g_strndup (agreement, strlen (agreement) - (g_str_has_suffix (agreement, ".txt") ? 4 : 0));
  g_autofree char *own = g_strconcat (stem, "-responsibility.txt", NULL);
  g_autofree char *own_path = g_build_filename (doc->req->data_dir, "agreements", own, NULL);
  g_auto(FlowText) t = { 0 };
  g_autofree char *intro = NULL;
  const CdApplication *app = doc->req->application;
  double y;

  if (!parse_text (doc, g_file_test (own_path, G_FILE_TEST_EXISTS) ? own : "responsibility.txt", &t, error))
    return FALSE;
  y = start_page (doc, t.title, TRUE);
  intro = g_strdup_printf ("用户：%s        %s：%s        申请编号：%s", cd_application_display_name (app),
                           app->unit ? "统一社会信用代码" : "证件号码",
                           app->unit ? cd_forms_str (app->unit->uscc)
                                     : cd_forms_str (app->person ? app->person->id_number : NULL),
                           doc->req->number);
  y = flow (doc, &t, y, intro);
  signature_block (doc, &t, y, TRUE);
  return TRUE;
}
