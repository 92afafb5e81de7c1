/* cd-checklist.c: selects a profile's material rows for one acceptance. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-checklist.h"

G_DEFINE_QUARK (cd-checklist-error-quark, cd_checklist_error)

gboolean
cd_profile_check_offer (const CdProfile *profile, CdBusiness business, CdApplicantType type, GError **error)
{
  if (!cd_profile_offers_business (profile, business))
    {
      g_set_error (error, CD_CHECKLIST_ERROR, CD_CHECKLIST_ERROR_NOT_OFFERED,
                   _("Profile %s does not offer the business “%s”"), profile->id, cd_business_to_code (business));
      return FALSE;
    }
  if (!cd_profile_offers_applicant (profile, type))
    {
      g_set_error (error, CD_CHECKLIST_ERROR, CD_CHECKLIST_ERROR_NOT_OFFERED,
                   _("Profile %s does not accept the applicant type “%s”"), profile->id,
                   cd_applicant_type_to_code (type));
      return FALSE;
    }
  return TRUE;
}

static gboolean
condition_holds (const char *cond, const CdChecklistOptions *o)
{
  gboolean negate = cond[0] == '!';
  const char *name = negate ? cond + 1 : cond;
  gboolean v;

  if (g_str_equal (name, "has_uscc"))
    v = o->has_uscc;
  else if (g_str_equal (name, "e_seal"))
    v = o->e_seal;
  else if (g_str_equal (name, "legal_person_present"))
    v = o->legal_person_present;
  else if (g_str_equal (name, "one_cert"))
    v = o->one_cert;
  else
    g_assert_not_reached ();   /* the profile loader refuses unknown conditions */
  return negate ? !v : v;
}

GPtrArray *
cd_checklist_build (const CdProfile *profile, CdBusiness business, CdApplicantType type,
                    const CdChecklistOptions *options, GError **error)
{
  static const CdChecklistOptions defaults = CD_CHECKLIST_OPTIONS_INIT;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  if (!options)
    options = &defaults;
  if (!cd_profile_check_offer (profile, business, type, error))
    return NULL;
  for (guint i = 0; i < profile->materials->len; i++)
    {
      const CdMaterial *m = profile->materials->pdata[i];
      gboolean ok = ((m->businesses >> business) & 1) && ((m->applicants >> type) & 1);

      for (guint j = 0; ok && m->when[j]; j++)
        ok = condition_holds (m->when[j], options);
      if (ok)
        g_ptr_array_add (out, (gpointer) m);
    }
  return g_steal_pointer (&out);
}

char *
cd_material_describe (const CdMaterial *m)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (m->original)
    g_string_append (s, _("original shown"));
  if (m->copy)
    {
      if (s->len)
        g_string_append (s, C_("materials", " + "));
      if (m->stamped)
        g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u copy stamped with the unit seal",
                                                "%u copies stamped with the unit seal", m->copies), m->copies);
      else
        g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u copy", "%u copies", m->copies), m->copies);
    }
  /* Separators are translatable: Chinese joins with 、 and full-width brackets, not ASCII ", " and " ()". */
  if (m->scan)
    {
      if (s->len)
        g_string_append (s, C_("list", ", "));
      g_string_append (s, _("scan attached"));
    }
  if (!m->required)
    {
      g_autofree char *plain = g_string_free (g_steal_pointer (&s), FALSE);

      return g_strdup_printf (_("%s (optional)"), plain);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}
