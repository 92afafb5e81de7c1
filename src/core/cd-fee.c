/* cd-fee.c: the fee engine. Prices come only from the profile or a supervisor's override, never a guess. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-checklist.h"
#include "cd-fee.h"

G_DEFINE_QUARK (cd-fee-error-quark, cd_fee_error)

#define MAX_KEYS 50
#define MAX_SEALS 20

static gboolean
flag_holds (const char *cond, const CdFeeRequest *r)
{
  gboolean negate = cond[0] == '!';
  const char *name = negate ? cond + 1 : cond;
  gboolean v = g_str_equal (name, "zero_fee") ? r->zero_fee : r->one_cert;

  return negate ? !v : v;
}

static gboolean
business_mentions (const CdProfile *p, CdBusiness b, const char *flag)
{
  for (guint i = 0; i < p->fee_variants->len; i++)
    {
      const CdFeeVariant *v = p->fee_variants->pdata[i];
      for (guint j = 0; v->business == b && v->when[j]; j++)
        if (g_str_equal (v->when[j][0] == '!' ? v->when[j] + 1 : v->when[j], flag))
          return TRUE;
    }
  return FALSE;
}

const CdFeeVariant *
cd_fee_find_variant (const CdProfile *profile, CdBusiness business, CdApplicantType type,
                     const CdFeeRequest *request, GError **error)
{
  g_autoptr(GError) offer_error = NULL;

  if (!cd_profile_check_offer (profile, business, type, &offer_error))
    {
      g_set_error_literal (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED, offer_error->message);
      return NULL;
    }
  if (request->zero_fee && !business_mentions (profile, business, "zero_fee"))
    {
      g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED,
                   _("%s has no zero-fee-unit price for “%s”"), cd_profile_display_name (profile),
                   cd_business_label (business));
      return NULL;
    }
  if (request->one_cert && !business_mentions (profile, business, "one_cert"))
    {
      g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED,
                   _("%s has no one-certificate-holder price for “%s”"), cd_profile_display_name (profile),
                   cd_business_label (business));
      return NULL;
    }
  for (guint i = 0; i < profile->fee_variants->len; i++)
    {
      const CdFeeVariant *v = profile->fee_variants->pdata[i];
      gboolean ok = v->business == business && ((v->applicants >> type) & 1);

      for (guint j = 0; ok && v->when[j]; j++)
        ok = flag_holds (v->when[j], request);
      if (ok)
        return v;
    }
  g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED,
               _("%s has no price for “%s” for the applicant type “%s” with these options"),
               cd_profile_display_name (profile), cd_business_label (business), cd_applicant_type_label (type));
  return NULL;
}

static char *
join_years (GArray *years)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < years->len; i++)
    g_string_append_printf (s, "%s%u", i == 0 ? "" : i + 1 == years->len ? _(" or ") : ", ",
                            g_array_index (years, guint, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static guint
choose_years (const CdProfile *profile, const CdFeeVariant *v, guint asked, GError **error)
{
  if (v->years->len == 0)
    return 0;
  if (asked == 0)
    {
      for (guint i = 0; i < v->years->len; i++)
        if (g_array_index (v->years, guint, i) == profile->validity_years)
          return profile->validity_years;
      return g_array_index (v->years, guint, 0);
    }
  for (guint i = 0; i < v->years->len; i++)
    if (g_array_index (v->years, guint, i) == asked)
      return asked;
  {
    g_autofree char *offered = join_years (v->years);
    g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_TERM,
                 g_dngettext (GETTEXT_PACKAGE, "%s offers “%s” for %s years, not %u year",
                              "%s offers “%s” for %s years, not %u years", asked),
                 cd_profile_display_name (profile), cd_business_label (v->business), offered, asked);
  }
  return G_MAXUINT;
}

static const CdPriceOverride *
find_override (GPtrArray *overrides, const CdFeeVariant *v, const CdFeeRule *r, guint years)
{
  for (guint i = 0; overrides && i < overrides->len; i++)
    {
      const CdPriceOverride *o = overrides->pdata[i];
      if (g_str_equal (o->business, cd_business_to_code (v->business)) && g_str_equal (o->variant, v->id)
          && g_str_equal (o->item, r->code) && o->years == years)
        return o;
    }
  return NULL;
}

static void
fee_line_free (CdFeeLine *l)
{
  g_free (l->code);
  g_free (l->label);
  g_free (l);
}

CdFeeQuote *
cd_fee_quote (const CdProfile *profile, CdBusiness business, CdApplicantType type,
              const CdFeeRequest *request, GPtrArray *overrides, GError **error)
{
  const CdFeeVariant *v;
  g_autoptr(CdFeeQuote) q = NULL;
  guint keys = request->keys ? request->keys : 1;
  guint years;

  g_return_val_if_fail (profile != NULL && request != NULL, NULL);
  if (keys > MAX_KEYS || request->seals > MAX_SEALS)
    {
      g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_QUANTITY,
                   _("At most %u keys and %u e-seals can be ordered in one application"), MAX_KEYS, MAX_SEALS);
      return NULL;
    }
  if (!(v = cd_fee_find_variant (profile, business, type, request, error)))
    return NULL;
  if ((years = choose_years (profile, v, request->years, error)) == G_MAXUINT)
    return NULL;

  q = g_new0 (CdFeeQuote, 1);
  q->business = business;
  q->variant = g_strdup (v->id);
  q->years = years;
  q->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) fee_line_free);
  for (guint i = 0; i < v->rules->len; i++)
    {
      const CdFeeRule *r = v->rules->pdata[i];
      const CdPriceOverride *o;
      gboolean has = r->has_amount;
      gint64 unit = r->amount_fen;
      guint qty = 1, key_years = 0;
      g_autofree char *label = NULL;
      CdFeeLine *line;

      switch (r->per)
        {
        case CD_FEE_PER_ONCE: qty = 1; break;
        case CD_FEE_PER_YEAR: qty = years; break;
        case CD_FEE_PER_TERM: qty = years / r->term_years; break;
        case CD_FEE_PER_KEY: qty = keys; break;
        case CD_FEE_PER_SEAL: qty = request->seals; break;
        case CD_FEE_PER_TABLE:
          key_years = years;
          has = FALSE;
          for (guint t = 0; t < r->table->len; t++)
            {
              const CdFeeTableEntry *e = &g_array_index (r->table, CdFeeTableEntry, t);
              if (e->years == years)
                {
                  has = e->has_amount;
                  unit = e->amount_fen;
                }
            }
          break;
        default:
          g_assert_not_reached ();
        }
      if (r->times_keys && r->per != CD_FEE_PER_KEY)
        qty *= keys;
      if (qty == 0)
        continue;
      label = r->per == CD_FEE_PER_TABLE
                ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u year", "%s, %u years", years),
                                   cd_localized (r->label, r->label_zh), years)
                : g_strdup (cd_localized (r->label, r->label_zh));
      o = find_override (overrides, v, r, key_years);
      if (!o && !has)
        {
          g_set_error (error, CD_FEE_ERROR, CD_FEE_ERROR_PRICE_UNSET,
                       _("No price is set for “%s” (%s, %s): a supervisor must set it under "
                         "Settings → Prices"), label, cd_profile_display_name (profile), cd_business_label (business));
          return NULL;
        }
      line = g_new0 (CdFeeLine, 1);
      line->code = g_strdup (r->code);
      line->label = g_steal_pointer (&label);
      line->qty = qty;
      line->unit_fen = o ? o->amount_fen : unit;
      line->overridden = o != NULL;
      line->central = o && o->central;
      line->amount_fen = line->unit_fen * qty;
      q->total_fen += line->amount_fen;
      g_ptr_array_add (q->lines, line);
    }
  return g_steal_pointer (&q);
}

void
cd_fee_quote_free (CdFeeQuote *q)
{
  if (!q)
    return;
  g_free (q->variant);
  g_clear_pointer (&q->lines, g_ptr_array_unref);
  g_free (q);
}

void
cd_price_override_free (CdPriceOverride *o)
{
  if (!o)
    return;
  g_free (o->business);
  g_free (o->variant);
  g_free (o->item);
  g_free (o);
}
