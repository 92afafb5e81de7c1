/* cd-application.c: the application model, its strict JSON form, and its validation against a profile. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-application.h"
#include "cd-input.h"
#include "cd-ident.h"
#include "cd-json-read.h"

G_DEFINE_QUARK (cd-application-error-quark, cd_application_error)

static const char *const id_types[] = {
  "resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent", "other", NULL
};
static const char *const sample_names[] = {
  "unit_seal", "legal_signature", "legal_seal", "personal_seal", "personal_signature", NULL
};

/* ---- freeing and copying ---- */

void
cd_unit_free (CdUnit *u)
{
  if (!u)
    return;
  g_free (u->name); g_free (u->uscc); g_free (u->address); g_free (u->postcode); g_free (u->phone);
  g_free (u->email);
  g_free (u);
}

void
cd_person_free (CdPerson *p)
{
  if (!p)
    return;
  g_free (p->name); g_free (p->id_type); g_free (p->id_number); g_free (p->mobile); g_free (p->email);
  g_free (p);
}

void
cd_invoice_free (CdInvoice *i)
{
  if (!i)
    return;
  g_free (i->title); g_free (i->taxpayer_id); g_free (i->email); g_free (i->address); g_free (i->phone);
  g_free (i->bank); g_free (i->account);
  g_free (i);
}

static void
mark_free (CdMaterialMark *m)
{
  g_free (m->waiver_reason);
  g_clear_pointer (&m->scans, g_ptr_array_unref);
  g_free (m);
}

static CdMaterialMark *
mark_new (void)
{
  CdMaterialMark *m = g_new0 (CdMaterialMark, 1);

  m->scans = g_ptr_array_new_with_free_func (g_free);
  return m;
}

CdApplication *
cd_application_new (void)
{
  CdApplication *self = g_new0 (CdApplication, 1);

  self->keys_main = 1;
  self->has_uscc = TRUE;
  self->materials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) mark_free);
  self->samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
cd_application_free (CdApplication *self)
{
  if (!self)
    return;
  g_free (self->profile);
  cd_unit_free (self->unit);
  cd_person_free (self->legal_person);
  cd_person_free (self->agent);
  cd_person_free (self->person);
  cd_invoice_free (self->invoice);
  g_hash_table_unref (self->materials);
  g_hash_table_unref (self->samples);
  g_free (self->existing_serial);
  g_free (self);
}

CdApplication *
cd_application_copy (const CdApplication *self)
{
  g_autoptr(JsonNode) node = cd_application_to_json (self);

  return cd_application_from_json (node, NULL);
}

CdMaterialMark *
cd_application_get_material (CdApplication *self, const char *code, gboolean create)
{
  CdMaterialMark *m = g_hash_table_lookup (self->materials, code);

  if (!m && create)
    {
      m = mark_new ();
      g_hash_table_insert (self->materials, g_strdup (code), m);
    }
  return m;
}

/* ---- JSON in ---- */

#define FIELD(ctx, o, path, name, out) cd_json_get_string (ctx, o, path, name, FALSE, out)

/* Identifiers are stored as cd_ident_normalize makes them (full-width digits, a lower-case x, spaces). */
static void
normalize_in_place (char **field)
{
  char *n;

  if (*field == NULL)
    return;
  n = cd_ident_normalize (*field);
  g_free (*field);
  *field = n;
}

static gboolean
read_unit (CdJsonCtx *ctx, JsonObject *o, CdUnit **out)
{
  static const char *const known[] = { "name", "uscc", "address", "postcode", "phone", "email", NULL };
  CdUnit *u = *out = g_new0 (CdUnit, 1);
  const char *p = "$.unit";

  if (!(cd_json_check_members (ctx, o, p, known) && FIELD (ctx, o, p, "name", &u->name)
        && FIELD (ctx, o, p, "uscc", &u->uscc) && FIELD (ctx, o, p, "address", &u->address)
        && FIELD (ctx, o, p, "postcode", &u->postcode) && FIELD (ctx, o, p, "phone", &u->phone)
        && FIELD (ctx, o, p, "email", &u->email)))
    return FALSE;
  normalize_in_place (&u->uscc);
  return TRUE;
}

static gboolean
read_person (CdJsonCtx *ctx, JsonObject *o, const char *p, CdPerson **out)
{
  static const char *const known[] = { "name", "id_type", "id_number", "mobile", "email", NULL };
  CdPerson *x = *out = g_new0 (CdPerson, 1);
  g_autofree char *tp = g_strdup_printf ("%s.id_type", p);

  if (!cd_json_check_members (ctx, o, p, known) || !FIELD (ctx, o, p, "name", &x->name)
      || !FIELD (ctx, o, p, "id_type", &x->id_type) || !FIELD (ctx, o, p, "id_number", &x->id_number)
      || !FIELD (ctx, o, p, "mobile", &x->mobile) || !FIELD (ctx, o, p, "email", &x->email))
    return FALSE;
  if (x->id_type == NULL)
    x->id_type = g_strdup ("resident_id");
  normalize_in_place (&x->mobile);
  if (g_str_equal (x->id_type, "resident_id"))
    normalize_in_place (&x->id_number);
  if (!g_strv_contains (id_types, x->id_type))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) id_types);
      return cd_json_fail (ctx, tp, _("“%s” is not one of %s"), x->id_type, list);
    }
  return TRUE;
}

static gboolean
read_invoice (CdJsonCtx *ctx, JsonObject *o, CdInvoice **out)
{
  static const char *const known[] = { "title", "taxpayer_id", "email", "address", "phone", "bank", "account", NULL };
  CdInvoice *i = *out = g_new0 (CdInvoice, 1);
  const char *p = "$.invoice";

  if (!(cd_json_check_members (ctx, o, p, known) && FIELD (ctx, o, p, "title", &i->title)
        && FIELD (ctx, o, p, "taxpayer_id", &i->taxpayer_id) && FIELD (ctx, o, p, "email", &i->email)
        && FIELD (ctx, o, p, "address", &i->address) && FIELD (ctx, o, p, "phone", &i->phone)
        && FIELD (ctx, o, p, "bank", &i->bank) && FIELD (ctx, o, p, "account", &i->account)))
    return FALSE;
  normalize_in_place (&i->taxpayer_id);
  return TRUE;
}

static gboolean
read_code (CdJsonCtx *ctx, JsonObject *o, const char *name, gboolean required,
           gboolean (*from_code) (const char *, guint *), const char *expected, guint *out, gboolean *present)
{
  g_autofree char *code = NULL;
  g_autofree char *p = g_strdup_printf ("$.%s", name);

  if (!cd_json_get_string (ctx, o, "$", name, required, &code))
    return FALSE;
  if (present)
    *present = code != NULL;
  if (code && !from_code (code, out))
    return cd_json_fail (ctx, p, _("“%s” is not one of %s"), code, expected);
  return TRUE;
}

static gboolean business_code (const char *c, guint *o) { return cd_business_from_code (c, (CdBusiness *) o); }
static gboolean applicant_code (const char *c, guint *o) { return cd_applicant_type_from_code (c, (CdApplicantType *) o); }
static gboolean party_code (const char *c, guint *o) { return cd_party_role_from_code (c, (CdPartyRole *) o); }
static gboolean payment_code (const char *c, guint *o) { return cd_payment_method_from_code (c, (CdPaymentMethod *) o); }

/* An optional member that is an object, or null. */
static gboolean
optional_object (CdJsonCtx *ctx, JsonObject *o, const char *name, JsonObject **out)
{
  JsonNode *n = json_object_get_member (o, name);
  g_autofree char *p = g_strdup_printf ("$.%s", name);

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return cd_json_fail (ctx, p, _("must be an object or null"));
  *out = json_node_get_object (n);
  return TRUE;
}

static gboolean
read_materials (CdJsonCtx *ctx, CdApplication *app, JsonObject *mats)
{
  static const char *const known[] = { "original_seen", "copy", "stamped", "scans", "waived", "waiver_reason", NULL };
  g_autoptr(GList) members = json_object_get_members (mats);

  for (GList *l = members; l; l = l->next)
    {
      g_autofree char *p = g_strdup_printf ("$.materials.%s", (const char *) l->data);
      JsonNode *n = json_object_get_member (mats, l->data);
      CdMaterialMark *m = cd_application_get_material (app, l->data, TRUE);
      g_auto(GStrv) scans = NULL;
      JsonObject *mo;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        return cd_json_fail (ctx, p, _("must be an object"));
      mo = json_node_get_object (n);
      if (!cd_json_check_members (ctx, mo, p, known)
          || !cd_json_get_bool (ctx, mo, p, "original_seen", FALSE, &m->original_seen)
          || !cd_json_get_bool (ctx, mo, p, "copy", FALSE, &m->copy)
          || !cd_json_get_bool (ctx, mo, p, "stamped", FALSE, &m->stamped)
          || !cd_json_get_bool (ctx, mo, p, "waived", FALSE, &m->waived)
          || !cd_json_get_string (ctx, mo, p, "waiver_reason", FALSE, &m->waiver_reason)
          || !cd_json_get_strv (ctx, mo, p, "scans", FALSE, NULL, FALSE, &scans))
        return FALSE;
      for (guint i = 0; scans[i]; i++)
        g_ptr_array_add (m->scans, g_strdup (scans[i]));
    }
  return TRUE;
}

CdApplication *
cd_application_from_json (JsonNode *node, GError **error)
{
  static const char *const known[] = {
    "profile", "business", "applicant_type", "party_role", "years", "keys", "seals", "options", "unit",
    "legal_person", "agent", "person", "invoice", "payment", "materials", "samples", "existing_certificate", NULL
  };
  CdJsonCtx ctx = { CD_APPLICATION_ERROR, CD_APPLICATION_ERROR_INVALID, NULL, error };
  g_autoptr(CdApplication) app = cd_application_new ();
  g_autofree char *businesses = cd_business_codes_joined ();
  g_autofree char *applicants = cd_applicant_codes_joined ();
  JsonObject *o, *sub;
  guint v;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      cd_json_fail (&ctx, "$", _("the application must be a JSON object"));
      return NULL;
    }
  o = json_node_get_object (node);
  if (!cd_json_check_members (&ctx, o, "$", known)
      || !cd_json_get_string (&ctx, o, "$", "profile", TRUE, &app->profile)
      || !read_code (&ctx, o, "business", TRUE, business_code, businesses, &v, NULL))
    return NULL;
  app->business = v;
  if (!read_code (&ctx, o, "applicant_type", TRUE, applicant_code, applicants, &v, NULL))
    return NULL;
  app->applicant_type = v;
  v = 0;
  if (!read_code (&ctx, o, "party_role", FALSE, party_code, "tenderer, agency, bidder, expert, other", &v,
                  &app->has_party_role))
    return NULL;
  app->party_role = v;
  if (!cd_json_get_uint (&ctx, o, "$", "years", FALSE, 1, 10, 0, &app->years)
      || !cd_json_get_uint (&ctx, o, "$", "seals", FALSE, 0, 20, 0, &app->seals))
    return NULL;

  if (!optional_object (&ctx, o, "keys", &sub))
    return NULL;
  if (sub)
    {
      static const char *const kk[] = { "main", "secondary", NULL };
      if (!cd_json_check_members (&ctx, sub, "$.keys", kk)
          || !cd_json_get_uint (&ctx, sub, "$.keys", "main", FALSE, 0, 50, 1, &app->keys_main)
          || !cd_json_get_uint (&ctx, sub, "$.keys", "secondary", FALSE, 0, 50, 0, &app->keys_secondary))
        return NULL;
    }
  if (!optional_object (&ctx, o, "options", &sub))
    return NULL;
  if (sub)
    {
      static const char *const ok[] = { "has_uscc", "legal_person_present", "one_cert", "zero_fee", NULL };
      if (!cd_json_check_members (&ctx, sub, "$.options", ok)
          || !cd_json_get_bool (&ctx, sub, "$.options", "has_uscc", TRUE, &app->has_uscc)
          || !cd_json_get_bool (&ctx, sub, "$.options", "legal_person_present", FALSE, &app->legal_person_present)
          || !cd_json_get_bool (&ctx, sub, "$.options", "one_cert", FALSE, &app->one_cert)
          || !cd_json_get_bool (&ctx, sub, "$.options", "zero_fee", FALSE, &app->zero_fee))
        return NULL;
    }
  if (!optional_object (&ctx, o, "unit", &sub) || (sub && !read_unit (&ctx, sub, &app->unit)))
    return NULL;
  if (!optional_object (&ctx, o, "legal_person", &sub)
      || (sub && !read_person (&ctx, sub, "$.legal_person", &app->legal_person)))
    return NULL;
  if (!optional_object (&ctx, o, "agent", &sub) || (sub && !read_person (&ctx, sub, "$.agent", &app->agent)))
    return NULL;
  if (!optional_object (&ctx, o, "person", &sub) || (sub && !read_person (&ctx, sub, "$.person", &app->person)))
    return NULL;
  if (!optional_object (&ctx, o, "invoice", &sub) || (sub && !read_invoice (&ctx, sub, &app->invoice)))
    return NULL;
  if (!optional_object (&ctx, o, "payment", &sub))
    return NULL;
  if (sub)
    {
      static const char *const pk[] = { "method", "amount_fen", "received_fen", NULL };
      g_autofree char *method = NULL;

      if (!cd_json_check_members (&ctx, sub, "$.payment", pk)
          || !cd_json_get_string (&ctx, sub, "$.payment", "method", TRUE, &method)
          || !cd_json_get_int (&ctx, sub, "$.payment", "amount_fen", TRUE, 0, G_GINT64_CONSTANT (100000000), 0,
                               &app->payment.amount_fen)
          || !cd_json_get_int (&ctx, sub, "$.payment", "received_fen", FALSE, 0, G_GINT64_CONSTANT (100000000),
                               app->payment.amount_fen, &app->payment.received_fen))
        return NULL;
      if (!payment_code (method, &v))
        {
          cd_json_fail (&ctx, "$.payment.method", _("“%s” is not one of cash, wechat, alipay, bank-card, bank-transfer"),
                        method);
          return NULL;
        }
      app->payment.method = v;
      app->payment.has_payment = TRUE;
    }
  if (!optional_object (&ctx, o, "materials", &sub) || (sub && !read_materials (&ctx, app, sub)))
    return NULL;
  if (!optional_object (&ctx, o, "samples", &sub))
    return NULL;
  if (sub)
    {
      g_autoptr(GList) members = json_object_get_members (sub);

      if (!cd_json_check_members (&ctx, sub, "$.samples", sample_names))
        return NULL;
      for (GList *l = members; l; l = l->next)
        {
          char *path = NULL;
          if (!cd_json_get_string (&ctx, sub, "$.samples", l->data, TRUE, &path))
            return NULL;
          g_hash_table_insert (app->samples, g_strdup (l->data), path);
        }
    }
  if (!optional_object (&ctx, o, "existing_certificate", &sub))
    return NULL;
  if (sub)
    {
      static const char *const ek[] = { "serial", NULL };
      if (!cd_json_check_members (&ctx, sub, "$.existing_certificate", ek)
          || !cd_json_get_string (&ctx, sub, "$.existing_certificate", "serial", TRUE, &app->existing_serial))
        return NULL;
      normalize_in_place (&app->existing_serial);
    }
  return g_steal_pointer (&app);
}

CdApplication *
cd_application_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  /* Nesting and escapes json-glib would mishandle are refused before it parses (cd-input.c). */
  if (!cd_input_check_json (data, len < 0 ? strlen (data) : (gsize) len, CD_INPUT_JSON_MAX_DEPTH, &local_error))
    {
      g_set_error_literal (error, CD_APPLICATION_ERROR, CD_APPLICATION_ERROR_PARSE, local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, CD_APPLICATION_ERROR, CD_APPLICATION_ERROR_PARSE, _("$: not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }
  return cd_application_from_json (json_parser_get_root (parser), error);
}

CdApplication *
cd_application_load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;

  /* Refused by its size before it is read whole (a pipe or /dev/zero: while reading). */
  if (!cd_input_read_file (path, CD_INPUT_APPLICATION_MAX_BYTES, _("application file"), &data, &len, &local_error))
    {
      if (local_error->domain == G_FILE_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, CD_APPLICATION_ERROR, CD_APPLICATION_ERROR_PARSE, local_error->message);
      return NULL;
    }
  return cd_application_from_data (data, len, error);
}

/* ---- validation ---- */

static gboolean
invalid (GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError **error, const char *path, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *reason = NULL;

  va_start (ap, fmt);
  reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, CD_APPLICATION_ERROR, CD_APPLICATION_ERROR_INVALID, "%s: %s", path, reason);
  return FALSE;
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

gboolean
cd_application_check_identifier (const char *path, const char *value, const char *id_type, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok = TRUE;

  if (is_blank (value))
    return TRUE;
  if (g_str_has_suffix (path, ".uscc"))
    ok = cd_ident_check_uscc (value, &local_error);
  else if (g_str_has_suffix (path, ".taxpayer_id"))
    ok = cd_ident_check_taxpayer_id (value, &local_error);
  else if (g_str_has_suffix (path, ".id_number") && g_strcmp0 (id_type ? id_type : "resident_id", "resident_id") == 0)
    ok = cd_ident_check_resident_id (value, &local_error);
  else if (g_str_has_suffix (path, ".mobile"))
    ok = cd_ident_check_mobile (value, &local_error);
  else if (g_str_has_suffix (path, ".postcode"))
    {
      gboolean digits = strlen (value) == 6;
      for (const char *c = value; digits && *c; c++)
        digits = g_ascii_isdigit (*c);
      if (!digits)
        return invalid (error, path, _("Postcode must be 6 digits"));
    }
  else if (g_str_has_suffix (path, ".email"))
    {
      const char *at = strchr (value, '@');
      if (!at || at == value || !strchr (at, '.') || strchr (value, ' '))
        return invalid (error, path, _("E-mail address must look like name@example.cn"));
    }
  if (!ok)
    return invalid (error, path, "%s", local_error->message);
  return TRUE;
}

static gboolean
check_required (GError **error, const char *path, const char *value, const char *what)
{
  if (is_blank (value))
    return invalid (error, path, _("%s is required"), what);
  return TRUE;
}

static gboolean
check_person (const CdPerson *p, const char *path, gboolean need_id, gboolean need_mobile, GError **error)
{
  g_autofree char *np = g_strdup_printf ("%s.name", path);
  g_autofree char *ip = g_strdup_printf ("%s.id_number", path);
  g_autofree char *mp = g_strdup_printf ("%s.mobile", path);
  g_autofree char *ep = g_strdup_printf ("%s.email", path);

  return check_required (error, np, p->name, _("Name"))
         && (!need_id || check_required (error, ip, p->id_number, _("ID number")))
         && (!need_mobile || check_required (error, mp, p->mobile, _("Mobile number")))
         && cd_application_check_identifier (ip, p->id_number, p->id_type, error)
         && cd_application_check_identifier (mp, p->mobile, NULL, error)
         && cd_application_check_identifier (ep, p->email, NULL, error);
}

gboolean
cd_application_validate (const CdApplication *self, const CdProfile *profile, GError **error)
{
  gboolean is_person = cd_applicant_type_is_person (self->applicant_type);
  CdChecklistOptions opts = cd_application_checklist_options (self);
  CdFeeRequest req = cd_application_fee_request (self);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) checklist = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  /* The nmg form prints the legal person's ID and mobile: the CA needs them to unlock a key. */
  gboolean unlock_needs_legal = g_str_equal (profile->form_kind, "nmg-three-copy");

  if (g_strcmp0 (self->profile, profile->id) != 0)
    return invalid (error, "$.profile", _("“%s” is not the profile “%s”"), self->profile, profile->id);
  if (!cd_profile_offers_business (profile, self->business))
    return invalid (error, "$.business", _("%s does not offer “%s”"), cd_profile_display_name (profile),
                    cd_business_label (self->business));
  if (!cd_profile_offers_applicant (profile, self->applicant_type))
    return invalid (error, "$.applicant_type", _("%s does not accept the applicant type “%s”"),
                    cd_profile_display_name (profile), cd_applicant_type_label (self->applicant_type));
  if (self->has_party_role && !((profile->party_roles >> self->party_role) & 1))
    return invalid (error, "$.party_role", _("%s does not record the party role “%s”"),
                    cd_profile_display_name (profile), cd_party_role_label (self->party_role));
  if (!self->has_party_role && cd_profile_has_party_roles (profile))
    return invalid (error, "$.party_role", _("%s needs the party role (tenderer or purchaser, agency, bidder, expert or other)"),
                    cd_profile_display_name (profile));
  if (self->keys_main + self->keys_secondary == 0)
    return invalid (error, "$.keys.main", _("at least one key is needed"));

  if (is_person)
    {
      if (self->unit)
        return invalid (error, "$.unit", _("an individual applicant has no unit; fill in “person”"));
      if (!self->person)
        return invalid (error, "$.person", _("is required for the applicant type “%s”"),
                        cd_applicant_type_label (self->applicant_type));
      if (!check_person (self->person, "$.person", TRUE, TRUE, error))
        return FALSE;
    }
  else
    {
      if (self->person)
        return invalid (error, "$.person", _("is only for individual applicants; a unit fills in “unit”"));
      if (!self->unit)
        return invalid (error, "$.unit", _("is required for the applicant type “%s”"),
                        cd_applicant_type_label (self->applicant_type));
      if (!check_required (error, "$.unit.name", self->unit->name, _("Unit name"))
          || (self->has_uscc && !check_required (error, "$.unit.uscc", self->unit->uscc, _("Unified social credit code")))
          || !cd_application_check_identifier ("$.unit.uscc", self->unit->uscc, NULL, error)
          || !cd_application_check_identifier ("$.unit.postcode", self->unit->postcode, NULL, error)
          || !cd_application_check_identifier ("$.unit.email", self->unit->email, NULL, error))
        return FALSE;
      if (!self->legal_person)
        return invalid (error, "$.legal_person", _("is required for a unit"));
      if (!check_person (self->legal_person, "$.legal_person",
                         unlock_needs_legal && self->business == CD_BUSINESS_UNLOCK,
                         unlock_needs_legal && self->business == CD_BUSINESS_UNLOCK, error))
        return FALSE;
      if (!self->legal_person_present && !self->agent)
        return invalid (error, "$.agent", _("is required unless the legal person comes in person"));
    }
  if (self->agent && !check_person (self->agent, "$.agent", TRUE, TRUE, error))
    return FALSE;
  if (self->invoice && !cd_application_check_identifier ("$.invoice.taxpayer_id", self->invoice->taxpayer_id, NULL, error))
    return FALSE;
  if (self->invoice && !cd_application_check_identifier ("$.invoice.email", self->invoice->email, NULL, error))
    return FALSE;
  if (self->payment.has_payment && !cd_profile_accepts_payment (profile, self->payment.method))
    return invalid (error, "$.payment.method", _("%s does not accept payment by %s"),
                    cd_profile_display_name (profile), cd_payment_method_label (self->payment.method));

  checklist = cd_checklist_build (profile, self->business, self->applicant_type, &opts, NULL);
  {
    GHashTableIter it;
    gpointer code;

    g_hash_table_iter_init (&it, self->materials);
    while (g_hash_table_iter_next (&it, &code, NULL))
      {
        gboolean found = FALSE;
        g_autofree char *path = g_strdup_printf ("$.materials.%s", (const char *) code);

        for (guint i = 0; i < checklist->len; i++)
          found |= g_str_equal (((CdMaterial *) checklist->pdata[i])->code, code);
        if (!found)
          return invalid (error, path, _("“%s” is not on the checklist of this application"), (const char *) code);
      }
    g_hash_table_iter_init (&it, self->samples);
    while (g_hash_table_iter_next (&it, &code, NULL))
      if (!g_strv_contains ((const char *const *) profile->collection_forms, code))
        {
          g_autofree char *path = g_strdup_printf ("$.samples.%s", (const char *) code);
          return invalid (error, path, _("profile %s collects no “%s” samples"), profile->id, (const char *) code);
        }
  }

  /* The fee must be computable; only a price left to the supervisor may still be missing. */
  quote = cd_fee_quote (profile, self->business, self->applicant_type, &req, NULL, &local_error);
  if (!quote && !g_error_matches (local_error, CD_FEE_ERROR, CD_FEE_ERROR_PRICE_UNSET))
    {
      const char *path = local_error->code == CD_FEE_ERROR_TERM ? "$.years"
                         : local_error->code == CD_FEE_ERROR_QUANTITY ? "$.keys"
                         : self->zero_fee || self->one_cert ? "$.options" : "$.business";
      return invalid (error, path, "%s", local_error->message);
    }
  return TRUE;
}

CdChecklistOptions
cd_application_checklist_options (const CdApplication *self)
{
  CdChecklistOptions o = {
    .has_uscc = self->has_uscc,
    .e_seal = self->seals > 0,
    .legal_person_present = self->legal_person_present,
    .one_cert = self->one_cert,
  };
  return o;
}

guint
cd_application_total_keys (const CdApplication *self)
{
  return self->keys_main + self->keys_secondary;
}

CdFeeRequest
cd_application_fee_request (const CdApplication *self)
{
  CdFeeRequest r = {
    .years = self->years,
    .keys = cd_application_total_keys (self),
    .seals = self->seals,
    .zero_fee = self->zero_fee,
    .one_cert = self->one_cert,
  };
  return r;
}

const char *
cd_application_display_name (const CdApplication *self)
{
  if (self->unit && self->unit->name)
    return self->unit->name;
  if (self->person && self->person->name)
    return self->person->name;
  return "";
}
