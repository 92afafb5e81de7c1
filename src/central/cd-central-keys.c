/* cd-central-keys.c: the CA's key set in the central database (docs/central.md "Personal data sealed, blind
 * indexes, the CA's key set"): its id published by central init, checked by central join, and the customer
 * lookup over every outlet's customers through the blind indexes. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cd-central-keys.h"
#include "cd-central-private.h"
#include "cd-field-crypt.h"
#include "cd-ident.h"

static gboolean
is_key_id (const char *key_id)
{
  if (!key_id || strlen (key_id) != 16)
    return FALSE;
  for (const char *p = key_id; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

gboolean
cd_central_publish_key_id (const char *url, const char *key_id, gboolean replace, char **out_published,
                           char **out_other, GError **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) before = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *lower = key_id ? g_ascii_strdown (key_id, -1) : NULL;
  const char *standing;

  if (!is_key_id (lower))
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("“%s” is not a key set's id; expected the 16 hexadecimal digits certdesk-cli keys status "
                     "prints as key_id"), key_id ? key_id : "");
      return FALSE;
    }
  if (!(conn = cd_central_connect (url, error)))
    return FALSE;
  if (!cd_central_exec (conn, "BEGIN", error)
      || !(before = cd_central_params (conn, "SELECT key_id FROM certdesk.ca_keys WHERE id = 1 FOR UPDATE", 0,
                                       NULL, error)))
    return FALSE;
  standing = PQntuples (before) ? PQgetvalue (before, 0, 0) : NULL;
  if (standing && !g_str_equal (standing, lower) && !replace)
    {
      /* Another key set is the CA's already: kept (replacing it would lock out every counter that imported it). */
      if (out_published)
        *out_published = g_strdup (standing);
      if (out_other)
        *out_other = g_strdup (lower);
      return cd_central_exec (conn, "ROLLBACK", error);
    }
  {
    const char *const params[] = { lower };
    res = cd_central_params (conn, "INSERT INTO certdesk.ca_keys (id, key_id) VALUES (1, $1)"
                             " ON CONFLICT (id) DO UPDATE SET key_id = EXCLUDED.key_id, set_by = session_user,"
                             " set_at = now() WHERE certdesk.ca_keys.key_id <> EXCLUDED.key_id", 1, params, error);
  }
  if (!res || !cd_central_exec (conn, "COMMIT", error))
    return FALSE;
  if (out_published)
    *out_published = g_strdup (lower);
  if (out_other)
    *out_other = standing && !g_str_equal (standing, lower) ? g_strdup (standing) : NULL;
  return TRUE;
}

gboolean
cd_central_check_key_id (PGconn *conn, CdStore *store, GError **error)
{
  g_autoptr(PGresult) res = NULL;
  CdKeys *keys = cd_store_get_keys (store);
  const char *ca, *mine;

  /* A schema from before the key id was published (no table) or nothing published: nothing to compare. */
  if (!(res = cd_central_params (conn, "SELECT CASE WHEN to_regclass('certdesk.ca_keys') IS NOT NULL"
                                 " THEN (SELECT key_id FROM certdesk.ca_keys WHERE id = 1) END", 0, NULL, error)))
    return FALSE;
  if (PQgetisnull (res, 0, 0))
    return TRUE;
  ca = PQgetvalue (res, 0, 0);
  mine = keys ? cd_keys_get_id (keys) : NULL;
  if (g_strcmp0 (ca, mine) == 0)
    return TRUE;
  g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
               _("This counter's personal data is sealed under its own key set (%s), not the CA's (%s): the other "
                 "outlets could neither find nor read its customers. Import the CA's key set first "
                 "(certdesk-cli keys import ca-keys.cdx, the file the head office made with certdesk-cli keys "
                 "export), then join again"), mine ? mine : "-", ca);
  return FALSE;
}

static void
add_text (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static const char *
value_or_null (PGresult *res, int row, int col)
{
  return PQgetisnull (res, row, col) ? NULL : PQgetvalue (res, row, col);
}

/* A sealed value of a pulled customer opened with @keys; NULL where it does not open (another key set's) or no
 * keys are given. A clear value (a unit's name) is returned as it is. */
static char *
open_field (CdKeys *keys, const char *row, const char *field, const char *value)
{
  g_autoptr(GError) local = NULL;

  if (!value || !cd_keys_is_sealed_text (value))
    return g_strdup (value);
  if (!keys)
    return NULL;
  return cd_field_open_row (keys, "applicant", row, field, value, &local);
}

/* The lookup: persons only through the blind indexes (the expression indexes of the central migration
 * migration_ca_keys), units by a fragment of their name (the trigram index of migration_lookup) or their USCC,
 * both public registration data. A sealed name is never compared with the text: its base64 could contain it. */
static const char lookup_sql[] =
  "SELECT c.kind, c.data->>'name', c.uscc, c.data->>'id_number', c.outlet_code, c.data->>'id_number_bidx',"
  " (SELECT coalesce(json_agg(json_build_object('serial', t.serial, 'state', t.state,"
  "   'not_after', t.data->>'not_after', 'outlet', t.outlet_code) ORDER BY t.outlet_code, t.seq), '[]')"
  "  FROM certdesk.certificate t WHERE t.applicant_uuid = replace(c.uuid::text, '-', '') AND NOT t.deleted)"
  " FROM certdesk.customer c WHERE NOT c.deleted"
  " AND ((c.kind = 'unit' AND c.name LIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_')"
  "       || '%')"
  "      OR c.uscc = $2 OR (c.data->>'name_bidx') = $3 OR (c.data->>'id_number_bidx') = $4"
  "      OR (c.data->>'mobile_bidx') = $5)"
  /* No ORDER BY: a common fragment ("有限公司") matches most units, and sorting them all before the LIMIT would
   * cost what the indexes saved; the first @limit found are enough for a person choosing one. */
  " LIMIT $6::int";

JsonNode *
cd_central_lookup_customers_on (PGconn *conn, CdKeys *keys, const char *text, const char *ident,
                                const char *name_bidx, const char *id_number_bidx, const char *mobile_bidx,
                                guint limit, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(PGresult) res = NULL;
  g_autofree char *lim = g_strdup_printf ("%u", limit);
  const char *const params[] = { text, ident, name_bidx, id_number_bidx, mobile_bidx, lim };

  if (!(res = cd_central_params (conn, lookup_sql, 6, params, error)))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "central");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "customers");
  json_builder_begin_array (b);
  for (int i = 0; i < PQntuples (res); i++)
    {
      const char *kind = value_or_null (res, i, 0);
      g_autofree char *row = cd_field_applicant_row (g_strcmp0 (kind, "unit") == 0, value_or_null (res, i, 2),
                                                    value_or_null (res, i, 5));
      g_autofree char *name = open_field (keys, row, "name", value_or_null (res, i, 1));
      g_autofree char *id_number = open_field (keys, row, "id_number", value_or_null (res, i, 3));
      g_autoptr(JsonNode) certs = json_from_string (PQgetvalue (res, i, 6), NULL);

      json_builder_begin_object (b);
      add_text (b, "name", name);
      add_text (b, "kind", kind);
      add_text (b, "uscc", value_or_null (res, i, 2));
      add_text (b, "id_number", id_number);
      add_text (b, "outlet", value_or_null (res, i, 4));
      json_builder_set_member_name (b, "certificates");
      if (certs)
        json_builder_add_value (b, g_steal_pointer (&certs));
      else
        {
          json_builder_begin_array (b);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
cd_central_lookup_customers (const char *url, CdKeys *keys, const char *text, guint limit, GError **error)
{
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *ident = cd_ident_normalize (text);
  g_autofree char *name_bidx = NULL, *id_bidx = NULL, *mobile_bidx = NULL;

  /* The indexes of the typed text as each kind of value; without the CA's key set no person can be matched. */
  if (keys)
    {
      name_bidx = cd_field_bidx (keys, CD_BIDX_NAME, text);
      id_bidx = cd_field_bidx (keys, CD_BIDX_ID_NUMBER, text);
      mobile_bidx = cd_field_bidx (keys, CD_BIDX_MOBILE, text);
    }
  if (!(conn = cd_central_connect (url, error)))
    return NULL;
  return cd_central_lookup_customers_on (conn, keys, text, ident, name_bidx, id_bidx, mobile_bidx, limit, error);
}
