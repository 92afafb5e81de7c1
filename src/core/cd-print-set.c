/* cd-print-set.c: the documents one application needs, in the paper's order, with the one effective fee. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-checklist.h"
#include "cd-price-store.h"
#include "cd-print-set.h"

/* Checklist materials that are documents the counter prints and the applicant signs. They cannot be
 * demanded before printing: the print step asks for their scans, and the burn requires them. */
static const struct {
  const char *material;
  const char *document;
} signed_documents[] = {
  { "application_form", "application" },
  { "application_form_replace", "application" },
  { "detail_sheet_unit", "detail-sheet" },
  { "detail_sheet_person", "detail-sheet" },
  { "agreement_signed", "agreement" },
};

/* The checklist materials that stand for a document the counter may print. */
static const struct {
  const char *material;
  const char *document;
} checklist_documents[] = {
  { "power_of_attorney", "power-of-attorney" },
  { "detail_sheet_unit", "detail-sheet" },
  { "detail_sheet_person", "detail-sheet" },
  { "collection_form", "collection" },
  { "unit_seal_sampling", "collection" },
  { "personal_seal_sampling", "collection" },
};

const char *
cd_print_set_signed_document (const char *material_code)
{
  for (guint i = 0; material_code && i < G_N_ELEMENTS (signed_documents); i++)
    if (g_str_equal (signed_documents[i].material, material_code))
      return signed_documents[i].document;
  return NULL;
}

gboolean
cd_print_set_is_signed_material (const CdProfile *profile, const CdMaterial *m)
{
  const char *doc = cd_print_set_signed_document (m->code);

  return doc && m->scan && g_strv_contains ((const char *const *) profile->documents, doc);
}

static GPtrArray *
checklist_of (const CdProfile *profile, const CdApplication *app)
{
  CdChecklistOptions opts = cd_application_checklist_options (app);
  GPtrArray *list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, NULL);

  return list ? list : g_ptr_array_new ();
}

GPtrArray *
cd_print_set_signed_materials (const CdProfile *profile, const CdApplication *app)
{
  g_autoptr(GPtrArray) list = checklist_of (profile, app);
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (profile != NULL && app != NULL, out);
  for (guint i = 0; i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];

      if (cd_print_set_is_signed_material (profile, m))
        g_ptr_array_add (out, (gpointer) m);
    }
  return out;
}

/* Whether the checklist asks for a material that is @document. */
static gboolean
checklist_has_document (GPtrArray *checklist, const char *document)
{
  for (guint i = 0; i < checklist->len; i++)
    {
      const CdMaterial *m = checklist->pdata[i];

      for (guint j = 0; j < G_N_ELEMENTS (checklist_documents); j++)
        if (g_str_equal (checklist_documents[j].material, m->code)
            && g_str_equal (checklist_documents[j].document, document))
          return TRUE;
    }
  return FALSE;
}

const char *
cd_print_set_collection_form (const CdApplication *app, const char *code)
{
  if (app->person == NULL)
    return code;
  if (g_str_equal (code, "unit_seal") || g_str_equal (code, "legal_seal"))
    return "personal_seal";
  if (g_str_equal (code, "legal_signature"))
    return "personal_signature";
  return code;
}

gboolean
cd_print_set_collection_needed (const CdProfile *profile, const CdApplication *app, const char *code)
{
  const char *form = cd_print_set_collection_form (app, code);

  if (g_hash_table_contains (app->samples, code) || g_hash_table_contains (app->samples, form))
    return FALSE;
  /* Another profile code that becomes the same form (an individual's unit and legal-person seal). */
  for (guint i = 0; profile->collection_forms && profile->collection_forms[i]; i++)
    if (g_str_equal (cd_print_set_collection_form (app, profile->collection_forms[i]), form)
        && g_hash_table_contains (app->samples, profile->collection_forms[i]))
      return FALSE;
  return TRUE;
}

static gboolean
collection_needed (const CdProfile *profile, const CdApplication *app)
{
  for (guint i = 0; profile->collection_forms && profile->collection_forms[i]; i++)
    if (cd_print_set_collection_needed (profile, app, profile->collection_forms[i]))
      return TRUE;
  return FALSE;
}

static gboolean
hands_over_certificate (CdBusiness b)
{
  return b == CD_BUSINESS_NEW || b == CD_BUSINESS_REPLACE || b == CD_BUSINESS_CHANGE || b == CD_BUSINESS_APP_OPEN;
}

static gboolean
sets_pin (CdBusiness b)
{
  return b == CD_BUSINESS_NEW || b == CD_BUSINESS_REPLACE || b == CD_BUSINESS_UNLOCK;
}

char **
cd_print_set_documents (CdContext *ctx, const CdProfile *profile, const CdApplication *app, CdFeeQuote **out_quote,
                        GError **error)
{
  g_autoptr(GPtrArray) checklist = NULL;
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  g_autoptr(CdFeeQuote) quote = NULL;
  CdFeeRequest fr;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (profile != NULL && app != NULL, NULL);

  fr = cd_application_fee_request (app);
  if (!(quote = cd_price_store_quote (ctx, profile, app->business, app->applicant_type, &fr, error)))
    return NULL;
  checklist = checklist_of (profile, app);
  for (guint i = 0; profile->documents && profile->documents[i]; i++)
    {
      const char *d = profile->documents[i];
      gboolean want;

      if (g_str_equal (d, "application"))
        want = TRUE;
      else if (g_str_equal (d, "responsibility") || g_str_equal (d, "agreement"))
        want = hands_over_certificate (app->business);
      else if (g_str_equal (d, "power-of-attorney") || g_str_equal (d, "detail-sheet"))
        want = checklist_has_document (checklist, d);
      else if (g_str_equal (d, "collection"))
        want = checklist_has_document (checklist, d) && collection_needed (profile, app);
      else if (g_str_equal (d, "pin-slip"))
        want = sets_pin (app->business);
      else if (g_str_equal (d, "receipt"))
        want = quote->total_fen > 0;
      else
        want = TRUE;
      if (want)
        g_strv_builder_add (out, d);
    }
  if (out_quote)
    *out_quote = quote->total_fen > 0 ? g_steal_pointer (&quote) : NULL;
  return g_strv_builder_end (out);
}
