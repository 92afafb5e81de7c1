/* cd-preflight-text.c: the text the certificate and the forms carry — readable again, no control
 * characters, every character printable with the counter's fonts. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-input.h"
#include "cd-preflight-private.h"

static CdPreflightGlyphCheck glyph_check;

void
cd_preflight_set_glyph_check (CdPreflightGlyphCheck check)
{
  glyph_check = check;
}

static void
check_text (CdPreflightRun *r, const char *path, const char *value)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  gunichar missing;

  if (value == NULL || *value == '\0')
    return;
  /* The same check the reader makes (cd-input.c): what the clerk typed must load again and may not carry
   * control or direction characters into a certificate. */
  if (!(text = cd_input_text (path, value, CD_INPUT_TEXT_MAX_CHARS, &local)))
    {
      const char *colon = strstr (local->message, ": ");
      cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "text", path, "%s",
                              colon ? colon + 2 : local->message);
      return;
    }
  /* A rare character no embedded font has would print as a blank box: refused before anything is paid. */
  if (glyph_check && (missing = glyph_check (text)) != 0
      /* an emoji or symbol in a name is refused as such by the applicant rule (cd-preflight-applicant.c): no
       * font to ask the CA for */
      && !(g_str_has_suffix (path, ".name") && (g_unichar_type (missing) == G_UNICODE_OTHER_SYMBOL
                                                 || g_unichar_type (missing) == G_UNICODE_MODIFIER_SYMBOL)))
    {
      char ch[8] = { 0 };
      g_unichar_to_utf8 (missing, ch);
      cd_preflight_add_fault (r, cd_preflight_step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "text", path,
                              _("The character “%s” (U+%04X) cannot be printed on the forms: no font of this "
                                "counter has it. Check the spelling against the ID document, or ask the CA for a "
                                "font that has it"), ch, missing);
    }
}

static void
check_person (CdPreflightRun *r, const char *path, const CdPerson *p)
{
  g_autofree char *name = g_strconcat (path, ".name", NULL);
  g_autofree char *id = g_strconcat (path, ".id_number", NULL);
  g_autofree char *mobile = g_strconcat (path, ".mobile", NULL);
  g_autofree char *email = g_strconcat (path, ".email", NULL);

  if (p == NULL)
    return;
  check_text (r, name, p->name);
  check_text (r, id, p->id_number);
  check_text (r, mobile, p->mobile);
  check_text (r, email, p->email);
}

void
cd_preflight_rule_text (CdPreflightRun *r)
{
  const CdApplication *app = r->app;

  if (app->unit)
    {
      check_text (r, "$.unit.name", app->unit->name);
      check_text (r, "$.unit.uscc", app->unit->uscc);
      check_text (r, "$.unit.address", app->unit->address);
      check_text (r, "$.unit.postcode", app->unit->postcode);
      check_text (r, "$.unit.phone", app->unit->phone);
      check_text (r, "$.unit.email", app->unit->email);
    }
  check_person (r, "$.legal_person", app->legal_person);
  check_person (r, "$.agent", app->agent);
  check_person (r, "$.person", app->person);
  if (app->invoice)
    {
      check_text (r, "$.invoice.title", app->invoice->title);
      check_text (r, "$.invoice.taxpayer_id", app->invoice->taxpayer_id);
      check_text (r, "$.invoice.email", app->invoice->email);
      check_text (r, "$.invoice.address", app->invoice->address);
    }
}
