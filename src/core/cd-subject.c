/* cd-subject.c: the certificate subject the profile's template makes from an application. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-ident.h"
#include "cd-subject.h"

void
cd_subject_entry_free (CdSubjectEntry *entry)
{
  if (!entry)
    return;
  g_free (entry->field);
  g_free (entry->value);
  g_free (entry->path);
  g_free (entry);
}

/* The value of a template placeholder and the application field it comes from (NULL for the profile's). */
static const char *
placeholder_value (const CdProfile *profile, const CdApplication *app, const char *name, const char **out_path)
{
  static const struct { const char *name; const char *path; } paths[] = {
    { "unit.name", "$.unit.name" }, { "unit.uscc", "$.unit.uscc" }, { "unit.address", "$.unit.address" },
    { "person.name", "$.person.name" }, { "person.id_number", "$.person.id_number" },
    { "legal_person.name", "$.legal_person.name" }, { "agent.name", "$.agent.name" },
  };

  *out_path = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    if (g_str_equal (name, paths[i].name))
      *out_path = paths[i].path;
  if (g_str_equal (name, "unit.name"))
    return app->unit ? app->unit->name : NULL;
  if (g_str_equal (name, "unit.uscc"))
    return app->unit ? app->unit->uscc : NULL;
  if (g_str_equal (name, "unit.address"))
    return app->unit ? app->unit->address : NULL;
  if (g_str_equal (name, "person.name"))
    return app->person ? app->person->name : NULL;
  if (g_str_equal (name, "person.id_number"))
    return app->person ? app->person->id_number : NULL;
  if (g_str_equal (name, "legal_person.name"))
    return app->legal_person ? app->legal_person->name : NULL;
  if (g_str_equal (name, "agent.name"))
    return app->agent ? app->agent->name : NULL;
  if (g_str_equal (name, "profile.region"))
    return profile->region;
  return NULL;
}

GPtrArray *
cd_subject_build (const CdProfile *profile, const CdApplication *app, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_subject_entry_free);
  GPtrArray *parts = app->unit ? profile->subject_unit : profile->subject_person;

  if (parts == NULL || parts->len == 0)
    {
      g_set_error (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_INVALID,
                   app->unit ? _("The project “%s” has no certificate subject for units")
                             : _("The project “%s” has no certificate subject for persons"),
                   cd_profile_display_name (profile));
      return NULL;
    }
  for (guint i = 0; i < parts->len; i++)
    {
      const CdSubjectPart *part = parts->pdata[i];
      const char *value = part->value;
      const char *path = NULL;
      CdSubjectEntry *e;

      if (value[0] == '{')
        {
          g_autofree char *inner = g_strndup (value + 1, strlen (value) - 2);

          value = placeholder_value (profile, app, inner, &path);
          /* An optional field the applicant left empty is left out of the subject. */
          if (value == NULL || *value == '\0')
            continue;
        }
      e = g_new0 (CdSubjectEntry, 1);
      e->field = g_strdup (part->field);
      /* Identifiers go into the certificate as they are stored: full-width digits and a small x as typed in a
       * hurry are the same code (cd_ident_normalize). */
      if (path && (g_str_has_suffix (path, ".uscc") || g_str_has_suffix (path, ".id_number")))
        e->value = cd_ident_normalize (value);
      else
        e->value = g_strdup (value);
      e->path = g_strdup (path);
      g_ptr_array_add (out, e);
    }
  return g_steal_pointer (&out);
}

guint
cd_subject_field_max_chars (const char *field)
{
  /* RFC 5280 appendix A (ub-common-name, ub-organization-name, ub-organizational-unit-name, ub-locality-name,
   * ub-state-name, ub-serial-number): counted in characters of the DirectoryString / PrintableString. */
  static const struct { const char *field; guint max; } bounds[] = {
    { "CN", 64 }, { "commonName", 64 }, { "O", 64 }, { "organizationName", 64 },
    { "OU", 64 }, { "organizationalUnitName", 64 }, { "L", 128 }, { "localityName", 128 },
    { "ST", 128 }, { "stateOrProvinceName", 128 }, { "serialNumber", 64 }, { "C", 2 }, { "countryName", 2 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bounds); i++)
    if (g_str_equal (field, bounds[i].field))
      return bounds[i].max;
  return 0;
}
