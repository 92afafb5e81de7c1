/* cd-forms-fontset.h: whether the printed forms can print a text (the fonts they embed cover every character). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The first character of @text (UTF-8) that no font of the printed forms has, or 0 when every character
 * prints. The fonts are those a render with no CdFormsRequest.font_path uses: the main CJK font
 * (WenQuanYi Zen Hei) and its fallbacks (HanaMinB: CJK Extensions B–F such as 𠮷 U+20BB7 and 𠀀 U+20000;
 * HanaMinA). Control characters are not printed and never reported. Invalid UTF-8 gives 0 (the input
 * checks refuse it).
 *
 * Cheap after the first call (the fonts' character maps stay loaded; a lookup per character), thread-safe:
 * the applicant step and the pre-flight call it for every name, unit and address field before anything is
 * printed or paid, and refuse the field naming the character, e.g.
 *
 *   gunichar c = cd_forms_font_missing_chars (text);
 *   if (c != 0)
 *     // "法定代表人姓名: the character “%s” (U+%04X) cannot be printed …"
 *
 * A render that meets such a character anyway fails with CD_FORMS_ERROR_FONT naming it; it never prints
 * an empty box in its place. */
gunichar cd_forms_font_missing_chars (const char *text);

G_END_DECLS
