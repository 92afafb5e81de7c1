/* cd-application-json.c: the application's JSON form, written in a stable order so equal drafts give equal text. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-application.h"
#include "cd-ident.h"

static void
add_str (JsonBuilder *b, const char *name, const char *value)
{
  if (value)
    {
      json_builder_set_member_name (b, name);
      json_builder_add_string_value (b, value);
    }
}

/* An identifier is written as the reader stores it (cd_ident_normalize), so the database never holds a
 * full-width or small-letter spelling a GUI field let through. */
static void
add_ident (JsonBuilder *b, const char *name, const char *value)
{
  g_autofree char *normal = cd_ident_normalize (value);

  add_str (b, name, normal);
}

static void
add_person (JsonBuilder *b, const char *name, const CdPerson *p)
{
  json_builder_set_member_name (b, name);
  if (!p)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_str (b, "name", p->name);
  add_str (b, "id_type", p->id_type);
  if (g_strcmp0 (p->id_type ? p->id_type : "resident_id", "resident_id") == 0)
    add_ident (b, "id_number", p->id_number);
  else
    add_str (b, "id_number", p->id_number);
  add_ident (b, "mobile", p->mobile);
  add_str (b, "email", p->email);
  json_builder_end_object (b);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* Keys in sorted order, so the same application always serialises to the same text. */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_ptr_array_add (keys, k);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

JsonNode *
cd_application_to_json (const CdApplication *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_str (b, "profile", self->profile);
  add_str (b, "business", cd_business_to_code (self->business));
  add_str (b, "applicant_type", cd_applicant_type_to_code (self->applicant_type));
  if (self->has_party_role)
    add_str (b, "party_role", cd_party_role_to_code (self->party_role));
  if (self->years)
    {
      json_builder_set_member_name (b, "years");
      json_builder_add_int_value (b, self->years);
    }
  json_builder_set_member_name (b, "keys");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "main");
  json_builder_add_int_value (b, self->keys_main);
  json_builder_set_member_name (b, "secondary");
  json_builder_add_int_value (b, self->keys_secondary);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "seals");
  json_builder_add_int_value (b, self->seals);
  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "has_uscc");
  json_builder_add_boolean_value (b, self->has_uscc);
  json_builder_set_member_name (b, "legal_person_present");
  json_builder_add_boolean_value (b, self->legal_person_present);
  json_builder_set_member_name (b, "one_cert");
  json_builder_add_boolean_value (b, self->one_cert);
  json_builder_set_member_name (b, "zero_fee");
  json_builder_add_boolean_value (b, self->zero_fee);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "unit");
  if (self->unit)
    {
      json_builder_begin_object (b);
      add_str (b, "name", self->unit->name);
      add_ident (b, "uscc", self->unit->uscc);
      add_str (b, "address", self->unit->address);
      add_str (b, "postcode", self->unit->postcode);
      add_str (b, "phone", self->unit->phone);
      add_str (b, "email", self->unit->email);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  add_person (b, "legal_person", self->legal_person);
  add_person (b, "agent", self->agent);
  add_person (b, "person", self->person);
  json_builder_set_member_name (b, "invoice");
  if (self->invoice)
    {
      json_builder_begin_object (b);
      add_str (b, "title", self->invoice->title);
      add_ident (b, "taxpayer_id", self->invoice->taxpayer_id);
      add_str (b, "email", self->invoice->email);
      add_str (b, "address", self->invoice->address);
      add_str (b, "phone", self->invoice->phone);
      add_str (b, "bank", self->invoice->bank);
      add_str (b, "account", self->invoice->account);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "payment");
  if (self->payment.has_payment)
    {
      json_builder_begin_object (b);
      add_str (b, "method", cd_payment_method_to_code (self->payment.method));
      json_builder_set_member_name (b, "amount_fen");
      json_builder_add_int_value (b, self->payment.amount_fen);
      json_builder_set_member_name (b, "received_fen");
      json_builder_add_int_value (b, self->payment.received_fen);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "materials");
  json_builder_begin_object (b);
  {
    g_autoptr(GPtrArray) keys = sorted_keys (self->materials);
    for (guint i = 0; i < keys->len; i++)
      {
        CdMaterialMark *m = g_hash_table_lookup (self->materials, keys->pdata[i]);
        json_builder_set_member_name (b, keys->pdata[i]);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "original_seen");
        json_builder_add_boolean_value (b, m->original_seen);
        json_builder_set_member_name (b, "copy");
        json_builder_add_boolean_value (b, m->copy);
        json_builder_set_member_name (b, "stamped");
        json_builder_add_boolean_value (b, m->stamped);
        if (m->waived)
          {
            json_builder_set_member_name (b, "waived");
            json_builder_add_boolean_value (b, TRUE);
            add_str (b, "waiver_reason", m->waiver_reason);
          }
        json_builder_set_member_name (b, "scans");
        json_builder_begin_array (b);
        for (guint j = 0; j < m->scans->len; j++)
          json_builder_add_string_value (b, m->scans->pdata[j]);
        json_builder_end_array (b);
        json_builder_end_object (b);
      }
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "samples");
  json_builder_begin_object (b);
  {
    g_autoptr(GPtrArray) keys = sorted_keys (self->samples);
    for (guint i = 0; i < keys->len; i++)
      add_str (b, keys->pdata[i], g_hash_table_lookup (self->samples, keys->pdata[i]));
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "existing_certificate");
  if (self->existing_serial)
    {
      json_builder_begin_object (b);
      add_ident (b, "serial", self->existing_serial);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
cd_application_to_string (const CdApplication *self)
{
  g_autoptr(JsonNode) node = cd_application_to_json (self);

  return json_to_string (node, FALSE);
}

