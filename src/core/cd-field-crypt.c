/* cd-field-crypt.c: personal values sealed field by field, blind indexes, and the SQL functions that open them
 * (see cd-field-crypt.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-field-crypt.h"
#include "cd-ident.h"

static const char *const person_parts[] = { "person", "legal_person", "agent", NULL };
static const char *const person_fields[] = { "name", "id_number", "mobile", "email", NULL };
/* An individual's invoice is made out to the person: every member of it is theirs. */
static const char *const invoice_fields[] = { "title", "taxpayer_id", "email", "phone", "address", "bank",
                                              "account", NULL };

static char *
aad_for (const char *table, gint64 id, const char *field)
{
  return g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%s", table, id, field);
}

char *
cd_field_bidx (CdKeys *keys, const char *kind, const char *value)
{
  g_autofree char *norm = NULL;

  if (!value || !*value)
    return NULL;
  if (g_str_equal (kind, CD_BIDX_NAME))
    {
      g_autofree char *nfkc = g_utf8_normalize (value, -1, G_NORMALIZE_NFKC);
      GString *s = g_string_new (NULL);

      for (const char *p = nfkc ? nfkc : value; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          if (!g_unichar_isspace (c))
            g_string_append_unichar (s, c);
        }
      norm = g_string_free (s, FALSE);
    }
  else
    norm = cd_ident_normalize (value);
  if (!norm || !*norm)
    return NULL;
  return cd_keys_blind_index (keys, kind, norm);
}

char *
cd_field_seal (CdKeys *keys, const char *table, gint64 id, const char *field, const char *value, GError **error)
{
  g_autofree char *aad = NULL;

  if (!value)
    return NULL;
  if (cd_keys_is_sealed_text (value))   /* already sealed (a row being re-sealed under its own key) */
    return g_strdup (value);
  aad = aad_for (table, id, field);
  return cd_keys_seal_text (keys, aad, value, error);
}

char *
cd_field_open (CdKeys *keys, const char *table, gint64 id, const char *field, const char *value, GError **error)
{
  g_autofree char *aad = NULL;
  g_autoptr(GError) local = NULL;
  char *out;

  if (!value || !cd_keys_is_sealed_text (value))
    return g_strdup (value);
  aad = aad_for (table, id, field);
  out = cd_keys_open_text (keys, aad, value, &local);
  if (!out)
    g_set_error (error, local->domain, local->code, _("A personal value of record %lld cannot be read: %s"), (long long) id,
                 local->message);
  return out;
}

static void
add_bidx (GPtrArray *bidx, char *value)
{
  if (!value)
    return;
  for (guint i = 0; i < bidx->len; i++)
    if (g_str_equal (bidx->pdata[i], value))
      {
        g_free (value);
        return;
      }
  g_ptr_array_add (bidx, value);
}

/* Seals (or opens) the string members @fields of object @part under path "$.<part>.<field>". */
static gboolean
crypt_part (CdKeys *keys, const char *table, gint64 id, JsonObject *root, const char *part,
            const char *const *fields, gboolean seal, GPtrArray *bidx, GError **error)
{
  JsonNode *node = json_object_get_member (root, part);
  JsonObject *o;

  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  o = json_node_get_object (node);
  for (guint i = 0; fields[i]; i++)
    {
      JsonNode *m = json_object_get_member (o, fields[i]);
      g_autofree char *path = NULL;
      const char *value;
      char *done;

      if (!m || !JSON_NODE_HOLDS_VALUE (m) || json_node_get_value_type (m) != G_TYPE_STRING)
        continue;
      value = json_node_get_string (m);
      if (!value || !*value)
        continue;
      path = g_strdup_printf ("$.%s.%s", part, fields[i]);
      if (seal)
        {
          if (bidx && fields == person_fields && !g_str_equal (fields[i], "email"))
            add_bidx (bidx, cd_field_bidx (keys, fields[i], value));
          done = cd_field_seal (keys, table, id, path, value, error);
        }
      else
        done = cd_field_open (keys, table, id, path, value, error);
      if (!done)
        return FALSE;
      json_object_set_string_member (o, fields[i], done);
      g_free (done);
    }
  return TRUE;
}

static gboolean
crypt_object (CdKeys *keys, const char *table, gint64 id, JsonObject *root, gboolean seal, GPtrArray *bidx,
              GError **error)
{
  for (guint i = 0; person_parts[i]; i++)
    if (!crypt_part (keys, table, id, root, person_parts[i], person_fields, seal, bidx, error))
      return FALSE;
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "applicant_type", ""), "individual") == 0
      && !crypt_part (keys, table, id, root, "invoice", invoice_fields, seal, NULL, error))
    return FALSE;
  return TRUE;
}

gboolean
cd_field_seal_object (CdKeys *keys, const char *table, gint64 id, JsonObject *root, GPtrArray *bidx, GError **error)
{
  return crypt_object (keys, table, id, root, TRUE, bidx, error);
}

gboolean
cd_field_open_object (CdKeys *keys, const char *table, gint64 id, JsonObject *root, GError **error)
{
  return crypt_object (keys, table, id, root, FALSE, NULL, error);
}

static char *
crypt_json (CdKeys *keys, const char *table, gint64 id, const char *json, gboolean seal, GPtrArray *bidx,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!json)
    return NULL;
  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The stored data of record %lld is damaged: %s"),
                   (long long) id, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (json);
  /* the parser's tree is immutable: work on a copy */
  {
    g_autoptr(JsonNode) copy = json_node_copy (root);
    g_autoptr(JsonGenerator) gen = json_generator_new ();

    if (!crypt_object (keys, table, id, json_node_get_object (copy), seal, bidx, error))
      return NULL;
    json_generator_set_root (gen, copy);
    return json_generator_to_data (gen, NULL);
  }
}

char *
cd_field_seal_json (CdKeys *keys, const char *table, gint64 id, const char *json, GPtrArray *bidx, GError **error)
{
  return crypt_json (keys, table, id, json, TRUE, bidx, error);
}

char *
cd_field_open_json (CdKeys *keys, const char *table, gint64 id, const char *json, GError **error)
{
  /* A document with nothing sealed in it needs no parse (the common case of a unit's application
   * has sealed persons, but an empty wizard draft has none). */
  if (json && !strstr (json, "\"cd1."))
    return g_strdup (json);
  return crypt_json (keys, table, id, json, FALSE, NULL, error);
}

/* ---- SQL functions ---- */

static void
sql_open (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  CdKeys *keys = sqlite3_user_data (c);
  const char *value = (const char *) sqlite3_value_text (argv[0]);
  const char *table = (const char *) sqlite3_value_text (argv[1]);
  const char *field = (const char *) sqlite3_value_text (argv[3]);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (!value)
    {
      sqlite3_result_null (c);
      return;
    }
  if (!cd_keys_is_sealed_text (value))
    {
      sqlite3_result_value (c, argv[0]);
      return;
    }
  out = cd_field_open (keys, table ? table : "", sqlite3_value_int64 (argv[2]), field ? field : "", value, &error);
  if (!out)
    {
      sqlite3_result_error (c, error->message, -1);
      return;
    }
  sqlite3_result_text (c, out, -1, SQLITE_TRANSIENT);
}

/* cd_try_open: the same as cd_open, NULL where the value does not open (a pulled row sealed under another
 * counter's key set before the CA's key set was shared). */
static void
sql_try_open (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  CdKeys *keys = sqlite3_user_data (c);
  const char *value = (const char *) sqlite3_value_text (argv[0]);
  const char *table = (const char *) sqlite3_value_text (argv[1]);
  const char *field = (const char *) sqlite3_value_text (argv[3]);
  g_autofree char *out = NULL;

  if (!value || !cd_keys_is_sealed_text (value))
    {
      sqlite3_result_value (c, argv[0]);
      return;
    }
  out = cd_field_open (keys, table ? table : "", sqlite3_value_int64 (argv[2]), field ? field : "", value, NULL);
  if (out)
    sqlite3_result_text (c, out, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null (c);
}

/* cd_name(application.name, application.id): the short form the reports use. */
static void
sql_name (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  CdKeys *keys = sqlite3_user_data (c);
  const char *value = (const char *) sqlite3_value_text (argv[0]);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (!value || !cd_keys_is_sealed_text (value))
    {
      sqlite3_result_value (c, argv[0]);
      return;
    }
  out = cd_field_open (keys, "application", sqlite3_value_int64 (argv[1]), "name", value, &error);
  if (!out)
    {
      sqlite3_result_error (c, error->message, -1);
      return;
    }
  sqlite3_result_text (c, out, -1, SQLITE_TRANSIENT);
}

static void
sql_open_data (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  CdKeys *keys = sqlite3_user_data (c);
  const char *value = (const char *) sqlite3_value_text (argv[0]);
  const char *table = (const char *) sqlite3_value_text (argv[1]);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  if (!value)
    {
      sqlite3_result_null (c);
      return;
    }
  out = cd_field_open_json (keys, table ? table : "", sqlite3_value_int64 (argv[2]), value, &error);
  if (!out)
    {
      sqlite3_result_error (c, error->message, -1);
      return;
    }
  sqlite3_result_text (c, out, -1, SQLITE_TRANSIENT);
}

static void
sql_bidx (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  CdKeys *keys = sqlite3_user_data (c);
  const char *kind = (const char *) sqlite3_value_text (argv[0]);
  const char *value = (const char *) sqlite3_value_text (argv[1]);
  g_autofree char *out = kind && value ? cd_field_bidx (keys, kind, value) : NULL;

  if (out)
    sqlite3_result_text (c, out, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null (c);
}

void
cd_field_register_sql (sqlite3 *db, CdKeys *keys)
{
  sqlite3_create_function_v2 (db, "cd_open", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, cd_keys_ref (keys), sql_open,
                              NULL, NULL, (void (*) (void *)) cd_keys_unref);
  sqlite3_create_function_v2 (db, "cd_try_open", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, cd_keys_ref (keys),
                              sql_try_open, NULL, NULL, (void (*) (void *)) cd_keys_unref);
  sqlite3_create_function_v2 (db, "cd_name", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, cd_keys_ref (keys), sql_name,
                              NULL, NULL, (void (*) (void *)) cd_keys_unref);
  sqlite3_create_function_v2 (db, "cd_open_data", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, cd_keys_ref (keys),
                              sql_open_data, NULL, NULL, (void (*) (void *)) cd_keys_unref);
  sqlite3_create_function_v2 (db, "cd_bidx", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, cd_keys_ref (keys), sql_bidx,
                              NULL, NULL, (void (*) (void *)) cd_keys_unref);
}
