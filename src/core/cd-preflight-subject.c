/* cd-preflight-subject.c: the certificate subject built from the application, checked as the CSR will
 * take it (lengths, PrintableString fields, what OpenSSL accepts). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

#include "cd-preflight-private.h"
#include "cd-subject.h"

static gboolean
makes_certificate (CdBusiness b)
{
  return b == CD_BUSINESS_NEW || b == CD_BUSINESS_RENEW || b == CD_BUSINESS_REPLACE || b == CD_BUSINESS_CHANGE;
}

/* The field a person knows, for a subject entry's source. */
static const char *
field_label (const char *path)
{
  static const struct { const char *path; const char *label; } labels[] = {
    { "$.unit.name", N_("The unit name") },
    { "$.unit.uscc", N_("The unified social credit code") },
    { "$.unit.address", N_("The unit address") },
    { "$.person.name", N_("The applicant’s name") },
    { "$.person.id_number", N_("The applicant’s ID number") },
    { "$.legal_person.name", N_("The legal person’s name") },
    { "$.agent.name", N_("The agent’s name") },
  };

  for (gsize i = 0; path && i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (path, labels[i].path))
      return _(labels[i].label);
  return _("A value of the project’s certificate template");
}

/* PrintableString (X.520 serialNumber, countryName): letters, digits and  '()+,-./:=? and space. */
static gboolean
is_printable_string (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && !strchr (" '()+,-./:=?", *s))
      return FALSE;
  return TRUE;
}

void
cd_preflight_rule_subject (CdPreflightRun *r)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local = NULL;

  if (!makes_certificate (r->app->business))
    return;
  if (!(entries = cd_subject_build (r->profile, r->app, &local)))
    {
      cd_preflight_add_fault (r, cd_preflight_step_of_path ("$.applicant_type"), CD_PREFLIGHT_FAULT_ERROR, "subject",
                              "$.applicant_type", "%s", local->message);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const CdSubjectEntry *e = entries->pdata[i];
      const char *path = e->path ? e->path : "$.profile";
      CdPreflightStep step = e->path ? cd_preflight_step_of_path (e->path) : CD_PREFLIGHT_BUSINESS;
      guint max = cd_subject_field_max_chars (e->field);
      glong n = g_utf8_validate (e->value, -1, NULL) ? g_utf8_strlen (e->value, -1) : -1;
      X509_NAME *name;
      gboolean fits;

      if (n < 0)
        {
          cd_preflight_add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                                  _("%s contains bytes that are not text: type it again"), field_label (e->path));
          continue;
        }
      if (max > 0 && (guint) n > max)
        {
          cd_preflight_add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                                  /* the field named as on the form; the subject's attribute code (CN, O…) means
                                   * nothing to a clerk */
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "%s has %ld characters, but the certificate takes at most %u "
                                               "character here: shorten it to %u characters or fewer",
                                               "%s has %ld characters, but the certificate takes at most %u "
                                               "characters here: shorten it to %u characters or fewer", max),
                                  field_label (e->path), n, max, max);
          continue;
        }
      if ((g_str_equal (e->field, "serialNumber") || g_str_equal (e->field, "C")) && !is_printable_string (e->value))
        {
          cd_preflight_add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                                  _("%s goes into a part of the certificate that takes only Latin letters, digits, "
                                    "spaces and the marks ' ( ) + , - . / : = ?: type it with those"),
                                  field_label (e->path));
          continue;
        }
      /* The same call the CSR makes (src/pki/cd-csr.c): what passes here passes there. */
      name = X509_NAME_new ();
      fits = X509_NAME_add_entry_by_txt (name, e->field, MBSTRING_UTF8, (const guchar *) e->value, -1, -1, 0);
      X509_NAME_free (name);
      if (!fits)
        {
          ERR_clear_error ();
          cd_preflight_add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                                  _("%s cannot go into the certificate: check it for unusual characters and type "
                                    "it again"), field_label (e->path));
        }
    }
}
