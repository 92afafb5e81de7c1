/* cd-store-crypt.c: the database's key set at open, the sealing migration, keys rotate and replace (see
 * cd-store-crypt.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-audit.h"
#include "cd-burn-store.h"
#include "cd-certificate-store.h"
#include "cd-field-crypt.h"
#include "cd-store-crypt.h"

static CdStoreCryptProgress progress_func;
static gpointer progress_data;

void
cd_store_crypt_set_progress (CdStoreCryptProgress func, gpointer user_data)
{
  progress_func = func;
  progress_data = user_data;
}

static void
report (guint64 done, guint64 total)
{
  if (progress_func)
    progress_func (done, total, progress_data);
}

static void
use_keys (CdStore *store, CdKeys *keys)
{
  cd_store_set_keys (store, keys);
  cd_field_register_sql (cd_store_get_db (store), keys);
}

gboolean
cd_store_crypt_load (CdStore *store, GError **error)
{
  g_autofree char *wrapped = cd_store_setting_dup (store, CD_STORE_CRYPT_SETTING);
  g_autoptr(CdKek) kek = NULL;
  g_autoptr(CdKeys) keys = NULL;
  g_autoptr(GError) local = NULL;

  if (!wrapped)
    return TRUE;
  kek = cd_kek_load (FALSE, &local);
  if (kek)
    keys = cd_keys_unwrap (wrapped, kek, &local);
  if (!keys && (g_error_matches (local, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK)))
    {
      g_autofree char *kek_id = cd_keys_wrapped_kek_id (wrapped);
      g_autofree char *kek_path = cd_kek_file_path ();

      /* The sentence a clerk or an administrator reads at open (GUI and CLI): what, why, what to do. */
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_KEYS,
                   _("The personal data in the database %s is encrypted with a key that is not on this computer "
                     "(key %s). Nothing in the database was changed. Copy the key file from the computer this "
                     "database comes from to %s, or open the database there."),
                   cd_store_get_path (store), kek_id ? kek_id : "?", kek_path);
      return FALSE;
    }
  if (!keys)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_KEYS,
                   _("The keys of the personal data in the database %s cannot be read: %s. Nothing in the database "
                     "was changed."), cd_store_get_path (store), local->message);
      return FALSE;
    }
  use_keys (store, keys);
  return TRUE;
}

/* ---- re-sealing every personal value ---- */

static gint64
count_rows (CdStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, sql, &stmt, NULL) || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
reseal_applicants (CdStore *store, CdKeys *old, CdKeys *keys, guint64 *done, guint64 total, GError **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT id, kind, name, id_number, mobile, data, uscc, id_number_bidx FROM applicant"
                                " ORDER BY id", &sel,
                         error)
      || !cd_store_prepare (store, "UPDATE applicant SET name = ?2, id_number = ?3, mobile = ?4, data = ?5,"
                                   " name_bidx = ?6, id_number_bidx = ?7, mobile_bidx = ?8 WHERE id = ?1", &upd,
                            error))
    return FALSE;
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (sel, 0);
      gboolean person = g_strcmp0 ((const char *) sqlite3_column_text (sel, 1), "person") == 0;
      const char *names[] = { "name", "id_number", "mobile" };
      char *clear[3] = { NULL, NULL, NULL }, *sealed[3] = { NULL, NULL, NULL };
      g_autofree char *data = NULL;
      g_autofree char *sealed_data = NULL;
      g_autofree char *bidx_name = NULL;
      g_autofree char *bidx_id = NULL;
      g_autofree char *bidx_mobile = NULL;
      const char *uscc = (const char *) sqlite3_column_text (sel, 6);
      /* the values are bound to the customer (cd_field_applicant_row): the old row name from the stored index, the
       * new one from the index under @keys */
      g_autofree char *old_row = cd_field_applicant_row (!person, uscc, (const char *) sqlite3_column_text (sel, 7));
      g_autofree char *new_row = NULL;
      gboolean ok = TRUE;

      for (guint i = 0; i < 3 && ok; i++)
        {
          const char *v = (const char *) sqlite3_column_text (sel, 2 + i);

          if (i == 0 && !person)   /* a unit's name stays clear */
            {
              clear[0] = g_strdup (v);
              sealed[0] = g_strdup (v);
              continue;
            }
          clear[i] = old && old_row ? cd_field_open_row (old, "applicant", old_row, names[i], v, error) : g_strdup (v);
          ok = clear[i] || !v;
        }
      if (ok)
        {
          g_autofree char *bidx = person ? cd_field_bidx (keys, CD_BIDX_ID_NUMBER, clear[1]) : NULL;

          new_row = cd_field_applicant_row (!person, uscc, bidx);
          if (!new_row)   /* an applicant is made only with its USCC or ID number: a damaged row */
            new_row = g_strdup_printf ("%" G_GINT64_FORMAT, id);
        }
      for (guint i = 0; i < 3 && ok; i++)
        {
          if (i == 0 && !person)
            continue;
          sealed[i] = cd_field_seal_row (keys, "applicant", new_row, names[i], clear[i], error);
          ok = sealed[i] || !clear[i];
        }
      if (ok)
        {
          const char *raw = (const char *) sqlite3_column_text (sel, 5);
          data = old && old_row ? cd_field_open_json_row (old, "applicant", old_row, raw, error) : g_strdup (raw);
          ok = data && (sealed_data = cd_field_seal_json_row (keys, "applicant", new_row, data, NULL, NULL, error));
        }
      if (ok)
        {
          bidx_name = person ? cd_field_bidx (keys, CD_BIDX_NAME, clear[0]) : NULL;
          bidx_id = cd_field_bidx (keys, CD_BIDX_ID_NUMBER, clear[1]);
          bidx_mobile = cd_field_bidx (keys, CD_BIDX_MOBILE, clear[2]);
          sqlite3_reset (upd);
          sqlite3_bind_int64 (upd, 1, id);
          for (guint i = 0; i < 3; i++)
            cd_store_bind_text_or_null (upd, 2 + i, sealed[i]);
          sqlite3_bind_text (upd, 5, sealed_data, -1, SQLITE_STATIC);
          cd_store_bind_text_or_null (upd, 6, bidx_name);
          cd_store_bind_text_or_null (upd, 7, bidx_id);
          cd_store_bind_text_or_null (upd, 8, bidx_mobile);
          ok = cd_store_step_done (store, upd, error);
        }
      for (guint i = 0; i < 3; i++)
        {
          if (clear[i])
            memset (clear[i], 0, strlen (clear[i]));
          g_free (clear[i]);
          g_free (sealed[i]);
        }
      if (!ok)
        return FALSE;
      if (++*done % 500 == 0)
        report (*done, total);
    }
  return rc == SQLITE_DONE || cd_store_set_error (store, error);
}

/* The application's name column is the unit's name (clear) or the person's (sealed). */
static gboolean
name_is_unit (const char *clear_json, const char *name)
{
  g_autoptr(JsonParser) p = json_parser_new_immutable ();
  JsonNode *root, *unit;

  if (!name || !*name || !json_parser_load_from_data (p, clear_json, -1, NULL))
    return TRUE;
  root = json_parser_get_root (p);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  unit = json_object_get_member (json_node_get_object (root), "unit");
  return unit && JSON_NODE_HOLDS_OBJECT (unit)
         && g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (unit), "name", NULL),
                       name) == 0;
}

gboolean
cd_store_crypt_write_application_bidx (CdStore *store, gint64 id, GPtrArray *bidx, GError **error)
{
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(sqlite3_stmt) ins = NULL;

  if (!cd_store_prepare (store, "DELETE FROM application_bidx WHERE application_id = ?1", &del, error))
    return FALSE;
  sqlite3_bind_int64 (del, 1, id);
  if (!cd_store_step_done (store, del, error))
    return FALSE;
  if (bidx->len == 0)
    return TRUE;
  if (!cd_store_prepare (store, "INSERT OR IGNORE INTO application_bidx (bidx, application_id) VALUES (?1, ?2)",
                         &ins, error))
    return FALSE;
  for (guint i = 0; i < bidx->len; i++)
    {
      sqlite3_reset (ins);
      sqlite3_bind_text (ins, 1, bidx->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (ins, 2, id);
      if (!cd_store_step_done (store, ins, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cd_store_crypt_seal_application (CdKeys *keys, gint64 id, const char *clear_name, const char *clear_json,
                                 char **out_name, char **out_json, GPtrArray *bidx, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *json = cd_field_seal_json (keys, "application", id, clear_json, bidx, error);

  if (!json)
    return FALSE;
  if (name_is_unit (clear_json, clear_name))
    name = g_strdup (clear_name);
  else if (!(name = cd_field_seal (keys, "application", id, "name", clear_name, error)))
    return FALSE;
  *out_name = g_steal_pointer (&name);
  *out_json = g_steal_pointer (&json);
  return TRUE;
}

static gboolean
reseal_applications (CdStore *store, CdKeys *old, CdKeys *keys, guint64 *done, guint64 total, GError **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT id, name, data FROM application ORDER BY id", &sel, error)
      || !cd_store_prepare (store, "UPDATE application SET name = ?2, data = ?3 WHERE id = ?1", &upd, error))
    return FALSE;
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (sel, 0);
      const char *raw_name = (const char *) sqlite3_column_text (sel, 1);
      const char *raw_data = (const char *) sqlite3_column_text (sel, 2);
      g_autofree char *name = old ? cd_field_open (old, "application", id, "name", raw_name, error)
                                  : g_strdup (raw_name);
      g_autofree char *data = NULL;
      g_autofree char *sealed_name = NULL;
      g_autofree char *sealed_data = NULL;
      g_autoptr(GPtrArray) bidx = g_ptr_array_new_with_free_func (g_free);

      if (raw_name && !name)
        return FALSE;
      data = old ? cd_field_open_json (old, "application", id, raw_data, error) : g_strdup (raw_data);
      if (!data || !cd_store_crypt_seal_application (keys, id, name, data, &sealed_name, &sealed_data, bidx, error))
        return FALSE;
      sqlite3_reset (upd);
      sqlite3_bind_int64 (upd, 1, id);
      cd_store_bind_text_or_null (upd, 2, sealed_name);
      sqlite3_bind_text (upd, 3, sealed_data, -1, SQLITE_STATIC);
      if (!cd_store_step_done (store, upd, error) || !cd_store_crypt_write_application_bidx (store, id, bidx, error))
        return FALSE;
      if (++*done % 500 == 0)
        report (*done, total);
    }
  return rc == SQLITE_DONE || cd_store_set_error (store, error);
}

/* The certificate table's subject and PEM (a person's certificate names the person): opened with @old (a value
 * still clear is taken as it is) and sealed under @keys for its row. */
static gboolean
reseal_certificates (CdStore *store, CdKeys *old, CdKeys *keys, guint64 *done, guint64 total, GError **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT id, subject, pem FROM certificate ORDER BY id", &sel, error)
      || !cd_store_prepare (store, "UPDATE certificate SET subject = ?2, pem = ?3 WHERE id = ?1", &upd, error))
    return FALSE;
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (sel, 0);
      const char *fields[] = { "subject", "pem" };
      g_autofree char *subject = NULL;
      g_autofree char *pem = NULL;
      char **sealed[] = { &subject, &pem };

      for (guint i = 0; i < 2; i++)
        {
          const char *raw = (const char *) sqlite3_column_text (sel, 1 + i);
          g_autofree char *clear = old ? cd_field_open (old, "certificate", id, fields[i], raw, error) : g_strdup (raw);

          if (raw && !clear)
            return FALSE;
          if (!(*sealed[i] = cd_field_seal (keys, "certificate", id, fields[i], clear ? clear : "", error)))
            return FALSE;
          if (clear)
            memset (clear, 0, strlen (clear));
        }
      sqlite3_reset (upd);
      sqlite3_bind_int64 (upd, 1, id);
      sqlite3_bind_text (upd, 2, subject, -1, SQLITE_STATIC);
      sqlite3_bind_text (upd, 3, pem, -1, SQLITE_STATIC);
      if (!cd_store_step_done (store, upd, error))
        return FALSE;
      if (++*done % 500 == 0)
        report (*done, total);
    }
  return rc == SQLITE_DONE || cd_store_set_error (store, error);
}

/* The burn journal's certificates and requests (the "pem" and "csr" of its rows' detail): opened with @old (clear
 * ones as they are) and sealed under @keys. Not counted in the progress: a handful of rows per burn. */
static gboolean
reseal_burn_journal (CdStore *store, CdKeys *old, CdKeys *keys, GError **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT id, application_id, attempt, step, phase, detail FROM burn_journal"
                                " WHERE detail LIKE '%\"pem\"%' OR detail LIKE '%\"csr\"%' ORDER BY id", &sel, error)
      || !cd_store_prepare (store, "UPDATE burn_journal SET detail = ?2 WHERE id = ?1", &upd, error))
    return FALSE;
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      g_autofree char *detail = cd_burn_store_crypt_detail (old, keys, sqlite3_column_int64 (sel, 1),
                                                            sqlite3_column_int64 (sel, 2),
                                                            (const char *) sqlite3_column_text (sel, 3),
                                                            (const char *) sqlite3_column_text (sel, 4),
                                                            (const char *) sqlite3_column_text (sel, 5), error);

      if (!detail)
        return FALSE;
      sqlite3_reset (upd);
      sqlite3_bind_int64 (upd, 1, sqlite3_column_int64 (sel, 0));
      sqlite3_bind_text (upd, 2, detail, -1, SQLITE_STATIC);
      if (!cd_store_step_done (store, upd, error))
        return FALSE;
    }
  return rc == SQLITE_DONE || cd_store_set_error (store, error);
}

/* Set once a database's certificates are sealed (by the first sealing, or by seal_clear_certificates below), so
 * that an open does not look at every certificate again. */
#define CERTIFICATES_SEALED "crypt.certificates"

/* A database sealed before certificates were (its key set made by an earlier CertDesk): its subjects and PEMs are
 * sealed at the first open, in one transaction, with progress, audited "keys.encrypt" when there was any; freed
 * pages overwritten and the WAL truncated as for the first sealing. */
static gboolean
seal_clear_certificates (CdStore *store, GError **error)
{
  CdKeys *keys = cd_store_get_keys (store);
  g_autofree char *sealed = cd_store_setting_dup (store, CERTIFICATES_SEALED);
  guint64 done = 0, total;

  if (sealed)
    return TRUE;
  if (!cd_store_exec (store, "PRAGMA secure_delete = ON", error) || !cd_store_begin (store, error))
    return FALSE;
  /* every row (a value sealed already opens and is sealed again) keeps this one simple pass */
  total = (guint64) count_rows (store, "SELECT count(*) FROM certificate");
  report (0, total);
  if (!reseal_certificates (store, keys, keys, &done, total, error)
      || !reseal_burn_journal (store, keys, keys, error)
      || !cd_store_setting_set (store, CERTIFICATES_SEALED, "1", error))
    goto fail;
  if (done > 0)
    {
      g_autoptr(JsonNode) detail = cd_audit_detail_new ("key_id", cd_keys_get_id (keys), "table", "certificate", NULL);
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, done);

      json_object_set_string_member (json_node_get_object (detail), "rows", rows);
      if (!cd_audit_append (store, "system", "keys.encrypt", "keys", 0, detail, error))
        goto fail;
    }
  if (!cd_store_commit (store, error))
    goto fail;
  report (done, total);
  cd_store_exec (store, "PRAGMA secure_delete = OFF", NULL);
  if (done > 0)
    cd_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  return TRUE;

fail:
  cd_store_rollback (store);
  cd_store_exec (store, "PRAGMA secure_delete = OFF", NULL);
  g_prefix_error (error, _("Encrypting the certificates in %s failed, nothing was changed: "), cd_store_get_path (store));
  return FALSE;
}

/* Re-seals everything under @keys (values read with @old, or clear when @old is NULL) and stores @keys wrapped
 * by @kek, in one transaction. Freed pages are overwritten (secure_delete) and the WAL is truncated afterwards,
 * so the clear (or old-key) values do not linger in the file. */
static gboolean
reseal_all (CdStore *store, CdKeys *old, CdKeys *keys, CdKek *kek, const char *actor, const char *action,
            GError **error)
{
  g_autofree char *wrapped = cd_keys_wrap (keys, kek, error);
  guint64 done = 0, total;
  g_autoptr(sqlite3_stmt) set = NULL;

  if (!wrapped)
    return FALSE;
  total = (guint64) count_rows (store, "SELECT count(*) FROM applicant")
          + (guint64) count_rows (store, "SELECT count(*) FROM application")
          + (guint64) count_rows (store, "SELECT count(*) FROM certificate");
  if (!cd_store_exec (store, "PRAGMA secure_delete = ON", error) || !cd_store_begin (store, error))
    return FALSE;
  report (0, total);
  if (!reseal_applicants (store, old, keys, &done, total, error)
      || !reseal_applications (store, old, keys, &done, total, error)
      || !reseal_certificates (store, old, keys, &done, total, error)
      || !reseal_burn_journal (store, old, keys, error)
      || !cd_store_setting_set (store, CERTIFICATES_SEALED, "1", error)
      || !cd_store_prepare (store, "INSERT INTO setting (key, value) VALUES (?1, ?2)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value", &set, error))
    goto fail;
  sqlite3_bind_text (set, 1, CD_STORE_CRYPT_SETTING, -1, SQLITE_STATIC);
  sqlite3_bind_text (set, 2, wrapped, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, set, error))
    goto fail;
  if (actor)
    {
      g_autoptr(JsonNode) detail = cd_audit_detail_new ("key_id", cd_keys_get_id (keys), "previous_key_id",
                                                        old ? cd_keys_get_id (old) : NULL, NULL);
      g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, done);

      json_object_set_string_member (json_node_get_object (detail), "rows", rows);
      if (!cd_audit_append (store, actor, action, "keys", 0, detail, error))
        goto fail;
    }
  if (!cd_store_commit (store, error))
    goto fail;
  report (done, total);
  cd_store_exec (store, "PRAGMA secure_delete = OFF", NULL);
  cd_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  return TRUE;

fail:
  cd_store_rollback (store);
  cd_store_exec (store, "PRAGMA secure_delete = OFF", NULL);
  return FALSE;
}

gboolean
cd_store_crypt_init (CdStore *store, GError **error)
{
  g_autoptr(CdKek) kek = NULL;
  g_autoptr(CdKeys) keys = NULL;
  g_autoptr(GError) local = NULL;

  if (cd_store_get_keys (store))
    return seal_clear_certificates (store, error);
  if (!(kek = cd_kek_load (TRUE, &local)) || !(keys = cd_keys_new_random (&local)))
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_KEYS,
                   _("The personal data of the database %s cannot be encrypted: %s"), cd_store_get_path (store),
                   local->message);
      return FALSE;
    }
  /* Audited only when there was something to seal: a new, empty database has no history to tell. */
  if (!reseal_all (store, NULL, keys, kek,
                   count_rows (store, "SELECT count(*) FROM applicant") + count_rows (store, "SELECT count(*) FROM"
                                                                                     " application")
                   + count_rows (store, "SELECT count(*) FROM certificate") > 0
                   ? "system" : NULL, "keys.encrypt", error))
    {
      g_prefix_error (error, _("Encrypting the personal data of %s failed, nothing was changed: "),
                      cd_store_get_path (store));
      return FALSE;
    }
  use_keys (store, keys);
  return TRUE;
}

gboolean
cd_store_crypt_rotate (CdStore *store, const char *actor, GError **error)
{
  CdKeys *old = cd_store_get_keys (store);
  g_autoptr(CdKek) kek = NULL;
  g_autoptr(CdKeys) keys = NULL;

  if (!old)
    return cd_store_crypt_init (store, error);
  if (!(kek = cd_kek_load (FALSE, error)) || !(keys = cd_keys_new_data_key (old, error))
      || !reseal_all (store, old, keys, kek, actor, "keys.rotate", error))
    return FALSE;
  use_keys (store, keys);
  return TRUE;
}

gboolean
cd_store_crypt_replace (CdStore *store, CdKeys *keys, const char *actor, GError **error)
{
  CdKeys *old = cd_store_get_keys (store);
  g_autoptr(CdKek) kek = NULL;

  if (!(kek = cd_kek_load (TRUE, error)) || !reseal_all (store, old, keys, kek, actor, "keys.import", error))
    return FALSE;
  use_keys (store, keys);
  return TRUE;
}

JsonNode *
cd_store_crypt_status (CdStore *store, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *wrapped = cd_store_setting_dup (store, CD_STORE_CRYPT_SETTING);
  g_autofree char *kek_id = cd_keys_wrapped_kek_id (wrapped);
  CdKeys *keys = cd_store_get_keys (store);
  g_autoptr(CdKek) kek = cd_kek_load (FALSE, NULL);
  static const char *const counts[][2] = {
    { "applicant", "SELECT count(*) FROM applicant WHERE id_number LIKE 'cd1.%' OR data LIKE '%\"cd1.%'" },
    { "application", "SELECT count(*) FROM application WHERE data LIKE '%\"cd1.%'" },
    { "certificate", "SELECT count(*) FROM certificate WHERE subject LIKE 'cd1.%' AND pem LIKE 'cd1.%'" },
  };
  static const char *const clear[][2] = {
    { "applicant", "SELECT count(*) FROM applicant WHERE (id_number IS NOT NULL AND id_number NOT LIKE 'cd1.%')"
                   " OR (mobile IS NOT NULL AND mobile NOT LIKE 'cd1.%')"
                   " OR (kind = 'person' AND name NOT LIKE 'cd1.%')" },
    { "application", "SELECT count(*) FROM application WHERE data LIKE '%\"id_number\":\"%'"
                     " AND data NOT LIKE '%\"id_number\":\"cd1.%'" },
    { "certificate", "SELECT count(*) FROM certificate WHERE subject NOT LIKE 'cd1.%' OR pem NOT LIKE 'cd1.%'" },
  };

  (void) error;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "encrypted");
  json_builder_add_boolean_value (b, keys != NULL);
  json_builder_set_member_name (b, "key_id");
  if (keys)
    json_builder_add_string_value (b, cd_keys_get_id (keys));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "kek_id");
  if (kek_id)
    json_builder_add_string_value (b, kek_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "kek");
  if (kek)
    json_builder_add_string_value (b, cd_kek_describe (kek));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "sealed");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      json_builder_set_member_name (b, counts[i][0]);
      json_builder_add_int_value (b, count_rows (store, counts[i][1]));
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "clear");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (clear); i++)
    {
      json_builder_set_member_name (b, clear[i][0]);
      json_builder_add_int_value (b, count_rows (store, clear[i][1]));
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
