/* cd-profile.c: loading and checking profiles with json-glib; every refusal names file, JSON path and reason. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cd-json-read.h"
#include "cd-profile.h"

G_DEFINE_QUARK (cd-profile-error-quark, cd_profile_error)

/* Shared by a context and its worker contexts (cd_context_new_worker), each on its own thread: the reference count
 * is atomic, and once loaded the set is only read (a GHashTable read by several threads and written by none is
 * safe). */
struct _CdProfileSet {
  gint        ref;
  GHashTable *by_id;
};

/* Checklist and fee conditions a profile may name; anything else is a typo. */
static const char *const material_conditions[] = {
  "has_uscc", "e_seal", "legal_person_present", "one_cert", NULL
};
static const char *const fee_conditions[] = { "zero_fee", "one_cert", NULL };
static const char *const key_algorithms[] = { "rsa-2048", "rsa-3072", "ec-p256", NULL };
static const char *const form_kinds[] = { "nmg-three-copy", "xj-two-copy", "bj-two-copy", NULL };
static const char *const document_names[] = {
  "application", "responsibility", "detail-sheet", "agreement", "power-of-attorney", "collection",
  "receipt", "pin-slip", NULL
};
static const char *const collection_names[] = {
  "unit_seal", "legal_signature", "legal_seal", "personal_seal", "personal_signature", NULL
};
static const char *const upload_type_names[] = { "jpeg", "png", "bmp", "tiff", "pdf", NULL };
static const char *const subject_fields[] = {
  "CN", "O", "OU", "L", "ST", "C", "serialNumber", "emailAddress", "title", NULL
};
static const char *const subject_values[] = {
  "unit.name", "unit.uscc", "unit.address", "person.name", "person.id_number", "legal_person.name",
  "agent.name", "profile.region", NULL
};

typedef gboolean (*FromCodeFunc) (const char *code, guint *out);

/* A list of codes as a bit mask; "*" or a missing member means @all. */
static gboolean
get_mask (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name, gboolean required,
          FromCodeFunc from_code, guint all, guint restrict_to, guint *out)
{
  g_auto(GStrv) codes = NULL;
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);

  if (!cd_json_get_strv (ctx, obj, path, name, required, NULL, FALSE, &codes))
    return FALSE;
  if (json_object_get_member (obj, name) == NULL)
    {
      *out = all & restrict_to;
      return TRUE;
    }
  *out = 0;
  for (guint i = 0; codes[i]; i++)
    {
      guint v;
      g_autofree char *ep = g_strdup_printf ("%s[%u]", p, i);

      if (g_str_equal (codes[i], "*"))
        {
          *out |= all & restrict_to;
          continue;
        }
      if (!from_code (codes[i], &v))
        return cd_json_fail (ctx, ep, _("unknown code “%s”"), codes[i]);
      if (!(restrict_to & (1u << v)))
        return cd_json_fail (ctx, ep, _("“%s” is not offered by this profile"), codes[i]);
      *out |= 1u << v;
    }
  return TRUE;
}

#define ALL_BITS(n) ((1u << (n)) - 1)

static gboolean business_code (const char *c, guint *o) { return cd_business_from_code (c, (CdBusiness *) o); }
static gboolean applicant_code (const char *c, guint *o) { return cd_applicant_type_from_code (c, (CdApplicantType *) o); }
static gboolean party_code (const char *c, guint *o) { return cd_party_role_from_code (c, (CdPartyRole *) o); }
static gboolean payment_code (const char *c, guint *o) { return cd_payment_method_from_code (c, (CdPaymentMethod *) o); }

static void
material_free (CdMaterial *m)
{
  g_free (m->code);
  g_free (m->label);
  g_free (m->label_zh);
  g_free (m->note);
  g_free (m->note_zh);
  g_strfreev (m->when);
  g_free (m);
}

static void
fee_rule_free (CdFeeRule *r)
{
  g_free (r->code);
  g_free (r->label);
  g_free (r->label_zh);
  g_clear_pointer (&r->table, g_array_unref);
  g_free (r);
}

static void
fee_variant_free (CdFeeVariant *v)
{
  g_free (v->id);
  g_strfreev (v->when);
  g_clear_pointer (&v->years, g_array_unref);
  g_clear_pointer (&v->rules, g_ptr_array_unref);
  g_free (v);
}

static void
subject_part_free (CdSubjectPart *s)
{
  g_free (s->field);
  g_free (s->value);
  g_free (s);
}

static gboolean
parse_material (CdJsonCtx *ctx, CdProfile *prof, JsonNode *node, const char *p, CdMaterial **out)
{
  static const char *const known[] = {
    "code", "label", "label_zh", "note", "note_zh", "required", "original", "copy", "copies", "stamped",
    "scan", "businesses", "applicants", "when", NULL
  };
  JsonObject *o;
  CdMaterial *m;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return cd_json_fail (ctx, p, _("must be an object"));
  o = json_node_get_object (node);
  if (!cd_json_check_members (ctx, o, p, known))
    return FALSE;
  m = g_new0 (CdMaterial, 1);
  *out = m;
  return cd_json_get_string (ctx, o, p, "code", TRUE, &m->code)
         && cd_json_get_string (ctx, o, p, "label", TRUE, &m->label)
         && cd_json_get_string (ctx, o, p, "label_zh", TRUE, &m->label_zh)
         && cd_json_get_string (ctx, o, p, "note", FALSE, &m->note)
         && cd_json_get_string (ctx, o, p, "note_zh", FALSE, &m->note_zh)
         && cd_json_get_bool (ctx, o, p, "required", TRUE, &m->required)
         && cd_json_get_bool (ctx, o, p, "original", FALSE, &m->original)
         && cd_json_get_bool (ctx, o, p, "copy", FALSE, &m->copy)
         && cd_json_get_uint (ctx, o, p, "copies", FALSE, 1, 10, 1, &m->copies)
         && cd_json_get_bool (ctx, o, p, "stamped", FALSE, &m->stamped)
         && cd_json_get_bool (ctx, o, p, "scan", FALSE, &m->scan)
         && get_mask (ctx, o, p, "businesses", FALSE, business_code, ALL_BITS (CD_N_BUSINESSES),
                      prof->businesses, &m->businesses)
         && get_mask (ctx, o, p, "applicants", FALSE, applicant_code, ALL_BITS (CD_N_APPLICANTS),
                      prof->applicants, &m->applicants)
         && cd_json_get_strv (ctx, o, p, "when", FALSE, material_conditions, TRUE, &m->when)
         && ((m->original || m->copy) || cd_json_fail (ctx, p, _("neither “original” nor “copy”: the clerk would have nothing to check")));
}

static gboolean
parse_fee_rule (CdJsonCtx *ctx, JsonNode *node, const char *p, CdFeeRule **out)
{
  static const char *const known[] = {
    "code", "label", "label_zh", "per", "times_keys", "term_years", "amount_fen", "table", NULL
  };
  static const char *const pers[] = { "once", "year", "term", "table", "key", "seal", NULL };
  g_autofree char *per = NULL;
  JsonObject *o;
  JsonNode *amount;
  CdFeeRule *r;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return cd_json_fail (ctx, p, _("must be an object"));
  o = json_node_get_object (node);
  if (!cd_json_check_members (ctx, o, p, known))
    return FALSE;
  r = g_new0 (CdFeeRule, 1);
  *out = r;
  if (!cd_json_get_string (ctx, o, p, "code", TRUE, &r->code)
      || !cd_json_get_string (ctx, o, p, "label", TRUE, &r->label)
      || !cd_json_get_string (ctx, o, p, "label_zh", TRUE, &r->label_zh)
      || !cd_json_get_string (ctx, o, p, "per", TRUE, &per)
      || !cd_json_get_bool (ctx, o, p, "times_keys", FALSE, &r->times_keys))
    return FALSE;
  for (guint i = 0; pers[i]; i++)
    if (g_str_equal (per, pers[i]))
      r->per = (CdFeePer) i;
  if (!g_strv_contains (pers, per))
    return cd_json_fail (ctx, p, _("“per” is “%s”; expected once, year, term, table, key or seal"), per);
  if (r->per == CD_FEE_PER_TERM
      && !cd_json_get_uint (ctx, o, p, "term_years", TRUE, 1, 10, 1, &r->term_years))
    return FALSE;
  if (r->per == CD_FEE_PER_TABLE)
    {
      JsonObject *t = cd_json_get_object (ctx, o, p, "table", TRUE);
      g_autoptr(GList) members = NULL;
      g_autofree char *tp = g_strdup_printf ("%s.table", p);

      if (t == NULL)
        return FALSE;
      if (json_object_has_member (o, "amount_fen"))
        return cd_json_fail (ctx, p, _("a table price has no “amount_fen”; put the prices in “table”"));
      r->table = g_array_new (FALSE, TRUE, sizeof (CdFeeTableEntry));
      members = json_object_get_members (t);
      for (GList *l = members; l; l = l->next)
        {
          CdFeeTableEntry e = { 0 };
          char *end = NULL;
          guint64 y = g_ascii_strtoull (l->data, &end, 10);
          g_autofree char *ep = g_strdup_printf ("%s.%s", tp, (const char *) l->data);
          JsonNode *v = json_object_get_member (t, l->data);

          if (*end || y < 1 || y > 10)
            return cd_json_fail (ctx, ep, _("a table key is a number of years from 1 to 10"));
          e.years = (guint) y;
          e.has_amount = !JSON_NODE_HOLDS_NULL (v);
          if (e.has_amount && !cd_json_node_get_int (ctx, v, ep, 0, G_GINT64_CONSTANT (100000000), &e.amount_fen))
            return FALSE;
          g_array_append_val (r->table, e);
        }
      if (r->table->len == 0)
        return cd_json_fail (ctx, tp, _("must not be empty"));
      return TRUE;
    }
  if (json_object_has_member (o, "table"))
    return cd_json_fail (ctx, p, _("“table” belongs to per “table” only"));
  amount = json_object_get_member (o, "amount_fen");
  if (amount == NULL)
    return cd_json_fail (ctx, p, _("“amount_fen” is missing (use null to leave the price to the supervisor)"));
  r->has_amount = !JSON_NODE_HOLDS_NULL (amount);
  if (r->has_amount)
    {
      g_autofree char *ap = g_strdup_printf ("%s.amount_fen", p);
      return cd_json_node_get_int (ctx, amount, ap, 0, G_GINT64_CONSTANT (100000000), &r->amount_fen);
    }
  return TRUE;
}

static gboolean
parse_fee_variant (CdJsonCtx *ctx, CdProfile *prof, CdBusiness business, JsonNode *node, const char *p,
                   CdFeeVariant **out)
{
  static const char *const known[] = { "id", "applicants", "when", "years", "items", NULL };
  JsonObject *o;
  JsonArray *items;
  JsonNode *years;
  CdFeeVariant *v;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return cd_json_fail (ctx, p, _("must be an object"));
  o = json_node_get_object (node);
  if (!cd_json_check_members (ctx, o, p, known))
    return FALSE;
  v = g_new0 (CdFeeVariant, 1);
  *out = v;
  v->business = business;
  v->years = g_array_new (FALSE, FALSE, sizeof (guint));
  v->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) fee_rule_free);
  if (!cd_json_get_string (ctx, o, p, "id", TRUE, &v->id)
      || !get_mask (ctx, o, p, "applicants", FALSE, applicant_code, ALL_BITS (CD_N_APPLICANTS),
                    prof->applicants, &v->applicants)
      || !cd_json_get_strv (ctx, o, p, "when", FALSE, fee_conditions, TRUE, &v->when))
    return FALSE;
  years = json_object_get_member (o, "years");
  if (years)
    {
      JsonArray *ya;
      g_autofree char *yp = g_strdup_printf ("%s.years", p);

      if (!JSON_NODE_HOLDS_ARRAY (years))
        return cd_json_fail (ctx, yp, _("must be a list of numbers of years"));
      ya = json_node_get_array (years);
      for (guint i = 0; i < json_array_get_length (ya); i++)
        {
          gint64 y;
          guint uy;
          g_autofree char *ep = g_strdup_printf ("%s[%u]", yp, i);

          if (!cd_json_node_get_int (ctx, json_array_get_element (ya, i), ep, 1, 10, &y))
            return FALSE;
          uy = (guint) y;
          g_array_append_val (v->years, uy);
        }
    }
  items = cd_json_get_array (ctx, o, p, "items");
  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      CdFeeRule *r = NULL;
      g_autofree char *ip = g_strdup_printf ("%s.items[%u]", p, i);
      gboolean ok = parse_fee_rule (ctx, json_array_get_element (items, i), ip, &r);

      if (r)
        g_ptr_array_add (v->rules, r);
      if (!ok)
        return FALSE;
      for (guint j = 0; j + 1 < v->rules->len; j++)
        if (g_str_equal (((CdFeeRule *) v->rules->pdata[j])->code, r->code))
          return cd_json_fail (ctx, ip, _("item code “%s” appears twice"), r->code);
      /* Consistency: a term price needs the offered terms to be multiples of it, a table one entry each. */
      if ((r->per == CD_FEE_PER_YEAR || r->per == CD_FEE_PER_TERM || r->per == CD_FEE_PER_TABLE)
          && v->years->len == 0)
        return cd_json_fail (ctx, ip, _("priced by term, but the variant lists no “years”"));
      for (guint k = 0; k < v->years->len; k++)
        {
          guint y = g_array_index (v->years, guint, k);
          gboolean found = FALSE;

          if (r->per == CD_FEE_PER_TERM && y % r->term_years != 0)
            return cd_json_fail (ctx, ip, _("%u years is offered but the price is per %u years"), y, r->term_years);
          if (r->per != CD_FEE_PER_TABLE)
            continue;
          for (guint t = 0; t < r->table->len; t++)
            found |= g_array_index (r->table, CdFeeTableEntry, t).years == y;
          if (!found)
            return cd_json_fail (ctx, ip, _("%u years is offered but the table has no price for it"), y);
        }
    }
  return TRUE;
}

static gboolean
parse_subject (CdJsonCtx *ctx, JsonObject *o, const char *p, const char *name, GPtrArray **out)
{
  JsonArray *arr = cd_json_get_array (ctx, o, p, name);
  g_autofree char *sp = g_strdup_printf ("%s.%s", p, name);

  *out = g_ptr_array_new_with_free_func ((GDestroyNotify) subject_part_free);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      g_autofree char *ep = g_strdup_printf ("%s[%u]", sp, i);
      CdSubjectPart *part;
      JsonObject *eo;
      static const char *const known[] = { "field", "value", NULL };

      if (!JSON_NODE_HOLDS_OBJECT (e))
        return cd_json_fail (ctx, ep, _("must be an object with “field” and “value”"));
      eo = json_node_get_object (e);
      part = g_new0 (CdSubjectPart, 1);
      g_ptr_array_add (*out, part);
      if (!cd_json_check_members (ctx, eo, ep, known)
          || !cd_json_get_string (ctx, eo, ep, "field", TRUE, &part->field)
          || !cd_json_get_string (ctx, eo, ep, "value", TRUE, &part->value))
        return FALSE;
      if (!g_strv_contains (subject_fields, part->field))
        return cd_json_fail (ctx, ep, _("unknown subject field “%s”"), part->field);
      /* A value is either literal text or one {placeholder} naming an application field. */
      if (part->value[0] == '{')
        {
          g_autofree char *inner = g_strndup (part->value + 1, strlen (part->value) - 2);
          if (part->value[strlen (part->value) - 1] != '}' || !g_strv_contains (subject_values, inner))
            return cd_json_fail (ctx, ep, _("unknown placeholder %s"), part->value);
        }
    }
  return TRUE;
}

static gboolean
parse_profile (CdJsonCtx *ctx, CdProfile *prof, JsonNode *root)
{
  static const char *const known[] = {
    "id", "name", "name_zh", "ca_name", "region", "businesses", "applicants", "party_roles",
    "payment_methods", "validity_years", "renew_window_days", "key_algorithm", "key_encipherment", "pin_policy", "forms",
    "collection", "uploads", "agreement", "subject", "materials", "fees", NULL
  };
  JsonObject *o, *pin, *forms, *coll, *up, *subj, *fees;
  JsonArray *mats;
  g_autofree char *policy = NULL;
  const char *p = "$";

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return cd_json_fail (ctx, p, _("the profile must be a JSON object"));
  o = json_node_get_object (root);
  if (!cd_json_check_members (ctx, o, p, known)
      || !cd_json_get_string (ctx, o, p, "id", TRUE, &prof->id)
      || !cd_json_get_string (ctx, o, p, "name", TRUE, &prof->name)
      || !cd_json_get_string (ctx, o, p, "name_zh", TRUE, &prof->name_zh)
      || !cd_json_get_string (ctx, o, p, "ca_name", TRUE, &prof->ca_name)
      || !cd_json_get_string (ctx, o, p, "region", TRUE, &prof->region)
      || !get_mask (ctx, o, p, "businesses", TRUE, business_code, ALL_BITS (CD_N_BUSINESSES),
                    ALL_BITS (CD_N_BUSINESSES), &prof->businesses)
      || !get_mask (ctx, o, p, "applicants", TRUE, applicant_code, ALL_BITS (CD_N_APPLICANTS),
                    ALL_BITS (CD_N_APPLICANTS), &prof->applicants)
      || !get_mask (ctx, o, p, "party_roles", FALSE, party_code, 0, ALL_BITS (CD_N_PARTY_ROLES),
                    &prof->party_roles)
      || !get_mask (ctx, o, p, "payment_methods", TRUE, payment_code, ALL_BITS (CD_N_PAYMENT_METHODS),
                    ALL_BITS (CD_N_PAYMENT_METHODS), &prof->payment_methods)
      || !cd_json_get_uint (ctx, o, p, "validity_years", TRUE, 1, 10, 1, &prof->validity_years)
      || !cd_json_get_uint (ctx, o, p, "renew_window_days", FALSE, 0, 365, 30, &prof->renew_window_days)
      || !cd_json_get_string (ctx, o, p, "key_algorithm", TRUE, &prof->key_algorithm)
      || !cd_json_get_bool (ctx, o, p, "key_encipherment", FALSE, &prof->key_encipherment)
      || !cd_json_get_string (ctx, o, p, "agreement", TRUE, &prof->agreement))
    return FALSE;
  if (prof->businesses == 0 || prof->applicants == 0 || prof->payment_methods == 0)
    return cd_json_fail (ctx, p, _("businesses, applicants and payment_methods must each name at least one code"));
  if (!g_strv_contains (key_algorithms, prof->key_algorithm))
    return cd_json_fail (ctx, "$.key_algorithm", _("“%s” is not one of rsa-2048, rsa-3072, ec-p256"), prof->key_algorithm);
  /* RFC 5480 as updated by RFC 8813: an EC public key never asserts keyEncipherment. */
  if (prof->key_encipherment && !g_str_has_prefix (prof->key_algorithm, "rsa-"))
    return cd_json_fail (ctx, "$.key_encipherment", _("only an RSA key can be used for key encipherment (RFC 8813)"));
  if (strchr (prof->agreement, '/') || g_str_has_prefix (prof->agreement, "."))
    return cd_json_fail (ctx, "$.agreement", _("a file name under data/agreements/, without folders"));

  if (!(pin = cd_json_get_object (ctx, o, p, "pin_policy", TRUE)))
    return FALSE;
  {
    static const char *const pk[] = { "mode", "initial_pin", "length", NULL };
    if (!cd_json_check_members (ctx, pin, "$.pin_policy", pk)
        || !cd_json_get_string (ctx, pin, "$.pin_policy", "mode", TRUE, &policy))
      return FALSE;
    if (g_str_equal (policy, "fixed"))
      {
        prof->pin_policy = CD_PIN_POLICY_FIXED;
        if (!cd_json_get_string (ctx, pin, "$.pin_policy", "initial_pin", TRUE, &prof->initial_pin))
          return FALSE;
        if (strlen (prof->initial_pin) < 4 || strlen (prof->initial_pin) > 16)
          return cd_json_fail (ctx, "$.pin_policy.initial_pin", _("a PIN has 4 to 16 characters"));
      }
    else if (g_str_equal (policy, "random"))
      {
        prof->pin_policy = CD_PIN_POLICY_RANDOM;
        if (!cd_json_get_uint (ctx, pin, "$.pin_policy", "length", FALSE, 6, 16, 8, &prof->pin_length))
          return FALSE;
      }
    else
      return cd_json_fail (ctx, "$.pin_policy.mode", _("“%s” is not fixed or random"), policy);
  }

  if (!(forms = cd_json_get_object (ctx, o, p, "forms", TRUE)))
    return FALSE;
  {
    static const char *const fk[] = { "kind", "copies", "documents", NULL };
    if (!cd_json_check_members (ctx, forms, "$.forms", fk)
        || !cd_json_get_string (ctx, forms, "$.forms", "kind", TRUE, &prof->form_kind)
        || !cd_json_get_uint (ctx, forms, "$.forms", "copies", TRUE, 2, 3, 2, &prof->form_copies)
        || !cd_json_get_strv (ctx, forms, "$.forms", "documents", TRUE, document_names, FALSE, &prof->documents))
      return FALSE;
    if (!g_strv_contains (form_kinds, prof->form_kind))
      return cd_json_fail (ctx, "$.forms.kind", _("unknown form kind “%s”"), prof->form_kind);
  }

  if (!(coll = cd_json_get_object (ctx, o, p, "collection", TRUE)))
    return FALSE;
  {
    static const char *const ck[] = { "samples_per_form", "forms", NULL };
    if (!cd_json_check_members (ctx, coll, "$.collection", ck)
        || !cd_json_get_uint (ctx, coll, "$.collection", "samples_per_form", TRUE, 3, 4, 3, &prof->samples_per_form)
        || !cd_json_get_strv (ctx, coll, "$.collection", "forms", FALSE, collection_names, FALSE, &prof->collection_forms))
      return FALSE;
  }

  if (!(up = cd_json_get_object (ctx, o, p, "uploads", TRUE)))
    return FALSE;
  {
    static const char *const uk[] = { "types", "max_bytes", NULL };
    if (!cd_json_check_members (ctx, up, "$.uploads", uk)
        || !cd_json_get_strv (ctx, up, "$.uploads", "types", TRUE, upload_type_names, FALSE, &prof->upload_types)
        || !cd_json_get_int (ctx, up, "$.uploads", "max_bytes", TRUE, 65536, 64 * 1024 * 1024, 0, &prof->upload_max_bytes))
      return FALSE;
  }

  if (!(subj = cd_json_get_object (ctx, o, p, "subject", TRUE)))
    return FALSE;
  {
    static const char *const sk[] = { "unit", "person", NULL };
    if (!cd_json_check_members (ctx, subj, "$.subject", sk)
        || !parse_subject (ctx, subj, "$.subject", "unit", &prof->subject_unit)
        || !parse_subject (ctx, subj, "$.subject", "person", &prof->subject_person))
      return FALSE;
  }

  prof->materials = g_ptr_array_new_with_free_func ((GDestroyNotify) material_free);
  if (!(mats = cd_json_get_array (ctx, o, p, "materials")))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (mats); i++)
    {
      CdMaterial *m = NULL;
      g_autofree char *mp = g_strdup_printf ("$.materials[%u]", i);
      gboolean ok = parse_material (ctx, prof, json_array_get_element (mats, i), mp, &m);

      if (m)
        g_ptr_array_add (prof->materials, m);
      if (!ok)
        return FALSE;
      for (guint j = 0; j + 1 < prof->materials->len; j++)
        if (g_str_equal (((CdMaterial *) prof->materials->pdata[j])->code, m->code))
          return cd_json_fail (ctx, mp, _("material code “%s” appears twice"), m->code);
    }

  prof->fee_variants = g_ptr_array_new_with_free_func ((GDestroyNotify) fee_variant_free);
  if (!(fees = cd_json_get_object (ctx, o, p, "fees", TRUE)))
    return FALSE;
  {
    g_autoptr(GList) members = json_object_get_members (fees);

    for (GList *l = members; l; l = l->next)
      {
        CdBusiness b;
        JsonArray *vars;
        g_autofree char *bp = g_strdup_printf ("$.fees.%s", (const char *) l->data);

        if (!cd_business_from_code (l->data, &b))
          return cd_json_fail (ctx, bp, _("unknown business code “%s”"), (const char *) l->data);
        if (!cd_profile_offers_business (prof, b))
          return cd_json_fail (ctx, bp, _("the profile prices a business it does not offer"));
        if (!(vars = cd_json_get_array (ctx, fees, "$.fees", l->data)))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (vars); i++)
          {
            CdFeeVariant *v = NULL;
            g_autofree char *vp = g_strdup_printf ("%s[%u]", bp, i);
            gboolean ok = parse_fee_variant (ctx, prof, b, json_array_get_element (vars, i), vp, &v);

            if (v)
              g_ptr_array_add (prof->fee_variants, v);
            if (!ok)
              return FALSE;
            for (guint j = 0; j + 1 < prof->fee_variants->len; j++)
              {
                CdFeeVariant *w = prof->fee_variants->pdata[j];
                if (w->business == b && g_str_equal (w->id, v->id))
                  return cd_json_fail (ctx, vp, _("variant id “%s” appears twice"), v->id);
              }
          }
      }
    for (guint b = 0; b < CD_N_BUSINESSES; b++)
      if (cd_profile_offers_business (prof, b) && !json_object_has_member (fees, cd_business_to_code (b)))
        return cd_json_fail (ctx, "$.fees", _("business “%s” is offered but has no fee entry (use [] with a free variant)"),
                     cd_business_to_code (b));
  }
  return TRUE;
}

CdProfile *
cd_profile_load_data (const char *data, gssize len, const char *name, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CdProfile) prof = g_atomic_rc_box_new0 (CdProfile);
  CdJsonCtx ctx = { CD_PROFILE_ERROR, CD_PROFILE_ERROR_INVALID, name, error };

  prof->path = g_strdup (name);
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_PARSE, "%s: %s", name, local_error->message);
      return NULL;
    }
  if (!parse_profile (&ctx, prof, json_parser_get_root (parser)))
    return NULL;
  return g_steal_pointer (&prof);
}

CdProfile *
cd_profile_load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *base = NULL;
  g_autofree char *expected = NULL;
  gsize len;
  g_autoptr(CdProfile) prof = NULL;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (!(prof = cd_profile_load_data (data, len, path, error)))
    return NULL;
  base = g_path_get_basename (path);
  expected = g_strconcat (prof->id, ".json", NULL);
  if (!g_str_equal (base, expected))
    {
      g_set_error (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_INVALID,
                   _("%s: $.id: “%s” does not match the file name"), path, prof->id);
      return NULL;
    }
  return g_steal_pointer (&prof);
}

static void
profile_clear (CdProfile *p)
{
  g_free (p->id);
  g_free (p->path);
  g_free (p->name);
  g_free (p->name_zh);
  g_free (p->ca_name);
  g_free (p->region);
  g_free (p->key_algorithm);
  g_free (p->initial_pin);
  g_free (p->form_kind);
  g_strfreev (p->documents);
  g_strfreev (p->collection_forms);
  g_strfreev (p->upload_types);
  g_free (p->agreement);
  g_clear_pointer (&p->subject_unit, g_ptr_array_unref);
  g_clear_pointer (&p->subject_person, g_ptr_array_unref);
  g_clear_pointer (&p->materials, g_ptr_array_unref);
  g_clear_pointer (&p->fee_variants, g_ptr_array_unref);
}

CdProfile *
cd_profile_ref (CdProfile *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
cd_profile_unref (CdProfile *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) profile_clear);
}

const char *
cd_localized (const char *label, const char *label_zh)
{
  /* The first language of LANGUAGE/LC_ALL/LC_MESSAGES decides, as it does for gettext. */
  const char *lang = g_get_language_names ()[0];

  return (label_zh && g_str_has_prefix (lang, "zh")) ? label_zh : label;
}

const char *
cd_profile_display_name (const CdProfile *self)
{
  return cd_localized (self->name, self->name_zh);
}

gboolean
cd_profile_offers_business (const CdProfile *self, CdBusiness business)
{
  return (self->businesses >> business) & 1;
}

gboolean
cd_profile_offers_applicant (const CdProfile *self, CdApplicantType type)
{
  return (self->applicants >> type) & 1;
}

gboolean
cd_profile_accepts_payment (const CdProfile *self, CdPaymentMethod method)
{
  return (self->payment_methods >> method) & 1;
}

gboolean
cd_profile_has_party_roles (const CdProfile *self)
{
  return self->party_roles != 0;
}

gboolean
cd_profile_has_prices (const CdProfile *self)
{
  for (guint i = 0; i < self->fee_variants->len; i++)
    {
      CdFeeVariant *v = self->fee_variants->pdata[i];
      for (guint j = 0; j < v->rules->len; j++)
        {
          CdFeeRule *r = v->rules->pdata[j];
          if (r->has_amount)
            return TRUE;
          for (guint k = 0; r->table && k < r->table->len; k++)
            if (g_array_index (r->table, CdFeeTableEntry, k).has_amount)
              return TRUE;
        }
    }
  return FALSE;
}

CdProfileSet *
cd_profile_set_new (void)
{
  CdProfileSet *self = g_new0 (CdProfileSet, 1);

  self->ref = 1;
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) cd_profile_unref);
  return self;
}

gboolean
cd_profile_set_load_dir (CdProfileSet *self, const char *dir, GError **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  /* loading is construction: a set another holder already shares stays as it is */
  g_return_val_if_fail (g_atomic_int_get (&self->ref) == 1, FALSE);
  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      CdProfile *prof = cd_profile_load_file (path, error);

      if (prof == NULL)
        return FALSE;
      g_hash_table_replace (self->by_id, prof->id, prof);
    }
  return TRUE;
}

CdProfile *
cd_profile_set_lookup (CdProfileSet *self, const char *id, GError **error)
{
  CdProfile *prof = g_hash_table_lookup (self->by_id, id ? id : "");

  if (prof == NULL)
    {
      g_autoptr(GPtrArray) all = cd_profile_set_list (self);
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; i < all->len; i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "", ((CdProfile *) all->pdata[i])->id);
      g_set_error (error, CD_PROFILE_ERROR, CD_PROFILE_ERROR_NOT_FOUND,
                   _("Unknown profile “%s”; expected one of %s"), id ? id : "", ids->str);
      return NULL;
    }
  return prof;
}

static int
compare_profiles (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(CdProfile **) a)->id, (*(CdProfile **) b)->id);
}

GPtrArray *
cd_profile_set_list (CdProfileSet *self)
{
  GPtrArray *all = g_ptr_array_new ();
  GHashTableIter it;
  gpointer value;

  g_hash_table_iter_init (&it, self->by_id);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (all, value);

  g_ptr_array_sort (all, compare_profiles);
  return all;
}

CdProfileSet *
cd_profile_set_ref (CdProfileSet *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref);
  return self;
}

void
cd_profile_set_unref (CdProfileSet *self)
{
  if (self && g_atomic_int_dec_and_test (&self->ref))
    {
      g_hash_table_unref (self->by_id);
      g_free (self);
    }
}

void
cd_profile_set_free (CdProfileSet *self)
{
  cd_profile_set_unref (self);
}
