/* cd-customer-store.c: returning customers for autocompletion. The applicant table is kept by
 * cd-application-store.c (upsert on every save with a valid USCC / resident ID). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cd-customer-store.h"
#include "cd-field-crypt.h"
#include "cd-store.h"

void
cd_customer_free (CdCustomer *customer)
{
  if (!customer)
    return;
  g_free (customer->name);
  g_free (customer->uscc);
  g_free (customer->id_number);
  g_free (customer->updated_at);
  g_free (customer);
}

/* Prefix matches as an index range: every text starting with ?1 sorts between ?1 and ?1 followed by the
 * largest code point (U+10FFFF), in SQLite's binary collation. LIKE would not use these indexes. */
#define RANGE(col) " " col " >= ?1 AND " col " < ?1 || char(1114111)"
#define COLUMNS "SELECT id, kind, name, uscc, id_number, updated_at, id_number_bidx FROM applicant WHERE "

static const char *
query_for (CdCustomerField field, gboolean units, gboolean anywhere)
{
  switch (field)
    {
    case CD_CUSTOMER_BY_USCC:
      return COLUMNS "uscc IS NOT NULL AND" RANGE ("uscc") " ORDER BY updated_at DESC LIMIT ?3";
    case CD_CUSTOMER_BY_ID_NUMBER:
      /* sealed: the whole number through its blind index (?1 is the index here), no prefix */
      return COLUMNS "kind = 'person' AND id_number_bidx = ?1 ORDER BY updated_at DESC LIMIT ?3";
    case CD_CUSTOMER_BY_NAME:
    default:
      if (!units)   /* a person's name is sealed: the whole name through its blind index */
        return anywhere ? NULL : COLUMNS "kind = 'person' AND name_bidx = ?1 ORDER BY updated_at DESC LIMIT ?3";
      if (anywhere)   /* a scan of the customers (not of the applications): one row per customer */
        return COLUMNS "kind = ?2 AND instr(name, ?1) > 1 ORDER BY updated_at DESC LIMIT ?3";
      return COLUMNS "kind = ?2 AND" RANGE ("name") " ORDER BY updated_at DESC LIMIT ?3";
    }
}

static gboolean
collect (CdStore *store, const char *sql, const char *text, gboolean units, guint limit, GPtrArray *out,
         GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdKeys *keys = cd_store_get_keys (store);
  int rc;

  if (!sql)
    return TRUE;
  if (!cd_store_prepare (store, sql, &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, units ? "unit" : "person", -1, SQLITE_STATIC);   /* unused by some queries */
  sqlite3_bind_int (stmt, 3, (int) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && out->len < limit)
    {
      CdCustomer *c = g_new0 (CdCustomer, 1);
      g_autofree char *row = NULL;

      c->id = sqlite3_column_int64 (stmt, 0);
      c->is_unit = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "unit") == 0;
      c->uscc = cd_store_column_dup (stmt, 3);
      row = cd_field_applicant_row (c->is_unit, c->uscc, (const char *) sqlite3_column_text (stmt, 6));
      c->name = cd_field_open_row (keys, "applicant", row, "name", (const char *) sqlite3_column_text (stmt, 2), error);
      c->id_number = cd_field_open_row (keys, "applicant", row, "id_number",
                                        (const char *) sqlite3_column_text (stmt, 4), error);
      c->updated_at = cd_store_column_dup (stmt, 5);
      if (!c->name || (sqlite3_column_type (stmt, 4) != SQLITE_NULL && !c->id_number))
        {
          cd_customer_free (c);
          return FALSE;
        }
      if (c->is_unit != units)   /* a USCC always belongs to a unit; skip a person asked for units */
        cd_customer_free (c);
      else
        g_ptr_array_add (out, c);
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  return TRUE;
}

GPtrArray *
cd_customer_store_suggest (CdContext *ctx, CdCustomerField field, gboolean units, const char *text,
                           guint limit, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_customer_free);
  g_autofree char *key = g_strstrip (g_strdup (text ? text : ""));

  if (*key == '\0' || limit == 0)
    return g_steal_pointer (&out);
  if (field != CD_CUSTOMER_BY_NAME)
    {
      /* identifiers are stored upper-case (the core's checks want "X" and USCC letters upper-case) */
      g_autofree char *upper = g_ascii_strup (key, -1);
      g_free (key);
      key = g_steal_pointer (&upper);
    }
  if (field == CD_CUSTOMER_BY_ID_NUMBER || (field == CD_CUSTOMER_BY_NAME && !units))
    {
      /* sealed values: compared whole, through their blind index */
      g_autofree char *bidx = cd_field_bidx (cd_store_get_keys (store),
                                             field == CD_CUSTOMER_BY_NAME ? CD_BIDX_NAME : CD_BIDX_ID_NUMBER, key);
      g_free (key);
      key = g_steal_pointer (&bidx);
      if (!key)
        return g_steal_pointer (&out);
    }
  if (!collect (store, query_for (field, units, FALSE), key, units, limit, out, error))
    return NULL;
  /* Names: from two characters on, also a match inside the name ("建设" finds "内蒙古某某建设有限公司"). */
  if (field == CD_CUSTOMER_BY_NAME && out->len < limit && g_utf8_strlen (key, -1) >= 2
      && !collect (store, query_for (field, units, TRUE), key, units, limit, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

CdApplication *
cd_application_with_applicant_of (const CdApplication *app, JsonObject *from, GError **error)
{
  g_autoptr(JsonNode) to = cd_application_to_json (app);
  JsonObject *t = json_node_get_object (to);
  static const char *const members[] = { "applicant_type", "party_role", "unit", "legal_person", "agent",
                                         "person", "invoice", NULL };

  for (guint i = 0; members[i]; i++)
    {
      if (json_object_has_member (t, members[i]))
        json_object_remove_member (t, members[i]);
      if (json_object_has_member (from, members[i]))
        json_object_set_member (t, members[i], json_node_copy (json_object_get_member (from, members[i])));
    }
  if (!json_object_has_member (t, "existing_certificate") && json_object_has_member (from, "existing_certificate"))
    json_object_set_member (t, "existing_certificate",
                            json_node_copy (json_object_get_member (from, "existing_certificate")));
  return cd_application_from_json (to, error);
}

CdApplication *
cd_customer_store_apply (CdContext *ctx, gint64 customer_id, const CdApplication *app, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) local = NULL;

  if (!cd_store_prepare (store, "SELECT data, cd_applicant_row(kind, uscc, id_number_bidx) FROM applicant"
                                " WHERE id = ?1", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      break;
    case SQLITE_DONE:
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND,
                   _("Returning customer %lld is not in the database"), (long long) customer_id);
      return NULL;
    default:
      cd_store_set_error (store, error);
      return NULL;
    }
  {
    g_autofree char *clear = cd_field_open_json_row (cd_store_get_keys (store), "applicant",
                                                     (const char *) sqlite3_column_text (stmt, 1),
                                                     (const char *) sqlite3_column_text (stmt, 0), error);
    if (!clear)
      return NULL;
    data = json_from_string (clear, &local);
  }
  if (!data || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_SQL,
                   _("The stored record of returning customer %lld is damaged: %s"), (long long) customer_id,
                   local ? local->message : _("not a JSON object"));
      return NULL;
    }
  return cd_application_with_applicant_of (app, json_node_get_object (data), error);
}
