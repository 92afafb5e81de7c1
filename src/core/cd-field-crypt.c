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

/* "<table>/<row>/<field>" (g_strconcat: no format parsing, this is made for every value sealed or opened) */
static char *
aad_for (const char *table, const char *row, const char *field)
{
  return g_strconcat (table, "/", row, "/", field, NULL);
}

/* A row id in decimal into @row (32 bytes), as "%" G_GINT64_FORMAT writes it, without a printf per value (the day
 * report opens a name per open application). */
static void
row_text (char row[32], gint64 id)
{
  char tmp[24];
  guint64 v = id < 0 ? -(guint64) id : (guint64) id;
  int n = 0, k = 0;

  do
    tmp[n++] = (char) ('0' + v % 10);
  while ((v /= 10) != 0);
  if (id < 0)
    row[k++] = '-';
  while (n > 0)
    row[k++] = tmp[--n];
  row[k] = '\0';
}

char *
cd_field_applicant_row (gboolean unit, const char *uscc, const char *id_number_bidx)
{
  if (unit && uscc)
    return g_strconcat ("u:", uscc, NULL);
  if (!unit && id_number_bidx)
    return g_strconcat ("p:", id_number_bidx, NULL);
  return NULL;
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
  char row[32];

  row_text (row, id);
  return cd_field_seal_row (keys, table, row, field, value, error);
}

char *
cd_field_open (CdKeys *keys, const char *table, gint64 id, const char *field, const char *value, GError **error)
{
  char row[32];

  row_text (row, id);
  return cd_field_open_row (keys, table, row, field, value, error);
}

static gboolean sealing_off;

void
cd_field_benchmark_without_sealing (gboolean off)
{
  sealing_off = off;
}

char *
cd_field_seal_row (CdKeys *keys, const char *table, const char *row, const char *field, const char *value,
                   GError **error)
{
  g_autofree char *aad = NULL;

  if (!value || sealing_off)
    return g_strdup (value);
  if (cd_keys_is_sealed_text (value))   /* already sealed (a row being re-sealed under its own key) */
    return g_strdup (value);
  aad = aad_for (table, row, field);
  /* A customer's values are compared across counters (the central database's per-field merge): sealed to the same
   * text wherever the same customer has the same value. Applications keep a random nonce per value. */
  if (g_str_equal (table, "applicant"))
    return cd_keys_seal_text_deterministic (keys, aad, value, error);
  return cd_keys_seal_text (keys, aad, value, error);
}

char *
cd_field_open_row (CdKeys *keys, const char *table, const char *row, const char *field, const char *value,
                   GError **error)
{
  char buf[256];
  g_autofree char *heap = NULL;
  g_autoptr(GError) local = NULL;
  gsize t_len, r_len, f_len;
  const char *aad;
  char *out;

  if (!value || !cd_keys_is_sealed_text (value))
    return g_strdup (value);
  /* aad_for's text, on the stack when it fits: no allocation per value opened (the reports open thousands) */
  t_len = strlen (table), r_len = strlen (row), f_len = strlen (field);
  if (t_len + r_len + f_len + 3 <= sizeof buf)
    {
      memcpy (buf, table, t_len);
      buf[t_len] = '/';
      memcpy (buf + t_len + 1, row, r_len);
      buf[t_len + 1 + r_len] = '/';
      memcpy (buf + t_len + r_len + 2, field, f_len + 1);
      aad = buf;
    }
  else
    aad = heap = aad_for (table, row, field);
  out = cd_keys_open_text (keys, aad, value, &local);
  if (!out)
    g_set_error (error, local->domain, local->code, _("A personal value of record %s cannot be read: %s"), row,
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
crypt_part (CdKeys *keys, const char *table, const char *row, JsonObject *root, const char *part,
            const char *const *fields, gboolean seal, GPtrArray *bidx, JsonObject *prev_root, GError **error)
{
  JsonNode *node = json_object_get_member (root, part);
  JsonNode *prev_node = prev_root ? json_object_get_member (prev_root, part) : NULL;
  JsonObject *prev = prev_node && JSON_NODE_HOLDS_OBJECT (prev_node) ? json_node_get_object (prev_node) : NULL;
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
          const char *before = prev ? json_object_get_string_member_with_default (prev, fields[i], NULL) : NULL;

          if (bidx && fields == person_fields && !g_str_equal (fields[i], "email"))
            add_bidx (bidx, cd_field_bidx (keys, fields[i], value));
          done = NULL;
          /* An unchanged value keeps its sealed text: a fresh nonce would make every save look like a change
           * to whoever compares versions (the central database's per-field merge, docs/central.md). */
          if (before && cd_keys_is_sealed_text (before))
            {
              g_autofree char *was = cd_field_open_row (keys, table, row, path, before, NULL);
              if (g_strcmp0 (was, value) == 0)
                done = g_strdup (before);
            }
          if (!done)
            done = cd_field_seal_row (keys, table, row, path, value, error);
        }
      else
        done = cd_field_open_row (keys, table, row, path, value, error);
      if (!done)
        return FALSE;
      json_object_set_string_member (o, fields[i], done);
      g_free (done);
    }
  return TRUE;
}

static gboolean
crypt_object (CdKeys *keys, const char *table, const char *row, JsonObject *root, gboolean seal, GPtrArray *bidx,
              JsonObject *prev, GError **error)
{
  for (guint i = 0; person_parts[i]; i++)
    if (!crypt_part (keys, table, row, root, person_parts[i], person_fields, seal, bidx, prev, error))
      return FALSE;
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "applicant_type", ""), "individual") == 0
      && !crypt_part (keys, table, row, root, "invoice", invoice_fields, seal, NULL, prev, error))
    return FALSE;
  return TRUE;
}

static char *
crypt_json (CdKeys *keys, const char *table, const char *row, const char *json, gboolean seal, GPtrArray *bidx,
            const char *prev_json, GError **error)
{
  g_autoptr(JsonParser) prev_parser = NULL;
  JsonObject *prev = NULL;

  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!json)
    return NULL;
  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The stored data of record %s is damaged: %s"),
                   row, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (json);
  if (prev_json)
    {
      prev_parser = json_parser_new_immutable ();
      if (json_parser_load_from_data (prev_parser, prev_json, -1, NULL) && json_parser_get_root (prev_parser)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (prev_parser)))
        prev = json_node_get_object (json_parser_get_root (prev_parser));
    }
  /* the parser's tree is immutable: work on a copy */
  {
    g_autoptr(JsonNode) copy = json_node_copy (root);
    g_autoptr(JsonGenerator) gen = json_generator_new ();

    if (!crypt_object (keys, table, row, json_node_get_object (copy), seal, bidx, prev, error))
      return NULL;
    json_generator_set_root (gen, copy);
    return json_generator_to_data (gen, NULL);
  }
}

char *
cd_field_seal_json_row (CdKeys *keys, const char *table, const char *row, const char *json, const char *prev_json,
                        GPtrArray *bidx, GError **error)
{
  return crypt_json (keys, table, row, json, TRUE, bidx, prev_json, error);
}

char *
cd_field_open_json_row (CdKeys *keys, const char *table, const char *row, const char *json, GError **error)
{
  /* A document with nothing sealed in it needs no parse (an empty wizard draft, a unit without persons). */
  if (json && !strstr (json, "\"cd1."))
    return g_strdup (json);
  return crypt_json (keys, table, row, json, FALSE, NULL, NULL, error);
}

char *
cd_field_seal_json (CdKeys *keys, const char *table, gint64 id, const char *json, GPtrArray *bidx, GError **error)
{
  char row[32];

  row_text (row, id);
  return crypt_json (keys, table, row, json, TRUE, bidx, NULL, error);
}

char *
cd_field_open_json (CdKeys *keys, const char *table, gint64 id, const char *json, GError **error)
{
  char row[32];

  row_text (row, id);
  return cd_field_open_json_row (keys, table, row, json, error);
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
  out = cd_field_open_row (keys, table ? table : "", (const char *) sqlite3_value_text (argv[2]), field ? field : "",
                           value, &error);
  if (!out)
    {
      sqlite3_result_error (c, error->message, -1);
      return;
    }
  sqlite3_result_text (c, g_steal_pointer (&out), -1, g_free);
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
  out = cd_field_open_row (keys, table ? table : "", (const char *) sqlite3_value_text (argv[2]), field ? field : "",
                           value, NULL);
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
  sqlite3_result_text (c, g_steal_pointer (&out), -1, g_free);   /* SQLite frees it: no copy per row */
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
  out = cd_field_open_json_row (keys, table ? table : "", (const char *) sqlite3_value_text (argv[2]), value, &error);
  if (!out)
    {
      sqlite3_result_error (c, error->message, -1);
      return;
    }
  sqlite3_result_text (c, out, -1, SQLITE_TRANSIENT);
}

static void
sql_applicant_row (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  g_autofree char *row = cd_field_applicant_row (g_strcmp0 ((const char *) sqlite3_value_text (argv[0]), "unit") == 0,
                                                 (const char *) sqlite3_value_text (argv[1]),
                                                 (const char *) sqlite3_value_text (argv[2]));
  if (row)
    sqlite3_result_text (c, row, -1, SQLITE_TRANSIENT);
  else
    sqlite3_result_null (c);
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
  sqlite3_create_function_v2 (db, "cd_applicant_row", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_applicant_row,
                              NULL, NULL, NULL);
  sqlite3_create_function_v2 (db, "cd_bidx", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, cd_keys_ref (keys), sql_bidx,
                              NULL, NULL, (void (*) (void *)) cd_keys_unref);
}
