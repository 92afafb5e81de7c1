/* cd-application-store.c: the application records — a draft created, saved and loaded (with the returning-customer
 * record and the materials table it keeps), and the state row every change of state writes; each one transaction.
 * The changes of state are in cd-application-store-states.c, the searches in cd-application-store-search.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-application-store.h"
#include "cd-application-store-private.h"
#include "cd-field-crypt.h"
#include "cd-store-crypt.h"
#include "cd-preflight.h"
#include "cd-print-set.h"
#include "cd-audit.h"
#include "cd-ident.h"
#include "cd-price-store.h"
#include "cd-report-signoff.h"

void
cd_application_info_free (CdApplicationInfo *info)
{
  if (!info)
    return;
  g_free (info->number);
  g_free (info->step);
  g_free (info->name);
  g_free (info->profile);
  g_free (info->business);
  g_free (info->day);
  g_free (info->updated_at);
  g_free (info);
}

/* @value sealed for column @field of applicant @row; the stored @before when it holds the same value. */
static char *
reseal (CdKeys *keys, const char *row, const char *field, const char *value, const char *before, GError **error)
{
  if (value && before)
    {
      g_autofree char *was = cd_field_open_row (keys, "applicant", row, field, before, NULL);
      if (g_strcmp0 (was, value) == 0)
        return g_strdup (before);
    }
  return cd_field_seal_row (keys, "applicant", row, field, value, error);
}

/* The returning-customer record: one row per USCC (units) or ID number (persons), kept current. */
static gboolean
upsert_applicant (CdStore *store, const CdApplication *app, gint64 *out_id, GError **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) full = cd_application_to_json (app);
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *data_text = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  CdKeys *keys = cd_store_get_keys (store);
  g_autofree char *key_bidx = NULL;
  g_autofree char *sealed_name = NULL;
  g_autofree char *sealed_mobile = NULL;
  g_autofree char *sealed_id = NULL;
  g_autofree char *sealed_data = NULL;
  g_autofree char *name_bidx = NULL;
  g_autofree char *id_bidx = NULL;
  g_autofree char *mobile_bidx = NULL;
  g_autofree char *row = NULL;
  /* name, mobile, id_number, data as stored before */
  g_autofree char *prev0 = NULL, *prev1 = NULL, *prev2 = NULL, *prev3 = NULL;
  char **prev[4] = { &prev0, &prev1, &prev2, &prev3 };
  gint64 row_id;
  gboolean unit = app->unit != NULL;
  /* The identifier as it is stored (cd_ident_normalize): a full-width or small-x spelling is the same customer. */
  g_autofree char *key = cd_ident_normalize (unit ? app->unit->uscc : app->person ? app->person->id_number : NULL);
  g_autofree char *legal_id = cd_ident_normalize (unit && app->legal_person ? app->legal_person->id_number : NULL);
  const char *name = cd_application_display_name (app);
  const char *mobile = unit ? (app->agent ? app->agent->mobile : NULL) : (app->person ? app->person->mobile : NULL);
  JsonObject *fo = json_node_get_object (full);

  *out_id = 0;
  if (key == NULL || *key == '\0' || *name == '\0')
    return TRUE;
  /* Autosave runs while the identifier is being typed: only a complete, valid one names a customer (other
   * ID documents have no check digit, so a half-typed passport number could not be told from a whole one). */
  if (!cd_application_check_identifier (unit ? "$.unit.uscc" : "$.person.id_number", key,
                                        unit ? NULL : app->person->id_type, NULL)
      || (!unit && g_strcmp0 (app->person->id_type ? app->person->id_type : "resident_id", "resident_id") != 0))
    return TRUE;
  /* What a returning customer's next application is prefilled with. */
  json_builder_begin_object (b);
  for (const char *const *m = (const char *const[]) { "applicant_type", "party_role", "unit", "legal_person",
                                                      "agent", "person", "invoice", NULL }; *m; m++)
    if (json_object_has_member (fo, *m))
      {
        json_builder_set_member_name (b, *m);
        json_builder_add_value (b, json_node_copy (json_object_get_member (fo, *m)));
      }
  json_builder_end_object (b);
  data = json_builder_get_root (b);
  data_text = json_to_string (data, FALSE);

  /* A person is found by the blind index of the ID number: the number itself is sealed (cd-field-crypt.h). */
  if (!unit)
    key_bidx = cd_field_bidx (keys, CD_BIDX_ID_NUMBER, key);
  if (!cd_store_prepare (store, unit ? "SELECT id, name, mobile, id_number, data FROM applicant WHERE uscc = ?1"
                                     : "SELECT id, name, mobile, id_number, data FROM applicant"
                                       " WHERE kind = 'person' AND id_number_bidx = ?1",
                         &find, error))
    return FALSE;
  sqlite3_bind_text (find, 1, unit ? key : key_bidx, -1, SQLITE_STATIC);
  switch (sqlite3_step (find))
    {
    case SQLITE_ROW:
      *out_id = row_id = sqlite3_column_int64 (find, 0);
      for (guint i = 0; i < 4; i++)
        *prev[i] = cd_store_column_dup (find, 1 + i);
      if (!cd_store_prepare (store, "UPDATE applicant SET name = ?2, mobile = ?3, data = ?4, updated_at = ?5,"
                                    " id_number = COALESCE(?6, id_number), name_bidx = ?9,"
                                    " id_number_bidx = COALESCE(?10, id_number_bidx), mobile_bidx = ?11"
                                    " WHERE id = ?1", &write, error))
        return FALSE;
      break;
    case SQLITE_DONE:
      /* The row's id is the associated data of its sealed values: chosen here, inside the write transaction. */
      {
        g_autoptr(sqlite3_stmt) next = NULL;

        if (!cd_store_prepare (store, "SELECT coalesce(max(id), 0) + 1 FROM applicant", &next, error)
            || sqlite3_step (next) != SQLITE_ROW)
          return cd_store_set_error (store, error);
        row_id = sqlite3_column_int64 (next, 0);
      }
      if (!cd_store_prepare (store, "INSERT INTO applicant (id, kind, name, mobile, data, updated_at, id_number, uscc,"
                                    " name_bidx, id_number_bidx, mobile_bidx)"
                                    " VALUES (?1, ?7, ?2, ?3, ?4, ?5, ?6, ?8, ?9, ?10, ?11)", &write, error))
        return FALSE;
      sqlite3_bind_text (write, 7, unit ? "unit" : "person", -1, SQLITE_STATIC);
      cd_store_bind_text_or_null (write, 8, unit ? key : NULL);
      break;
    default:
      return cd_store_set_error (store, error);
    }
  sqlite3_bind_int64 (write, 1, row_id);
  /* Bound to the customer (USCC or the ID number's index), not to this counter's row id: docs/store.md. */
  row = cd_field_applicant_row (unit, key, key_bidx);
  if (!(sealed_data = cd_field_seal_json_row (keys, "applicant", row, data_text, prev3, NULL, error)))
    return FALSE;
  sealed_name = unit ? g_strdup (name) : reseal (keys, row, "name", name, prev0, error);
  sealed_mobile = reseal (keys, row, "mobile", mobile, prev1, error);
  sealed_id = reseal (keys, row, "id_number", unit ? legal_id : key, prev2, error);
  if (!sealed_name || (mobile && !sealed_mobile) || ((unit ? legal_id : key) && !sealed_id))
    return FALSE;
  name_bidx = unit ? NULL : cd_field_bidx (keys, CD_BIDX_NAME, name);
  id_bidx = cd_field_bidx (keys, CD_BIDX_ID_NUMBER, unit ? legal_id : key);
  mobile_bidx = cd_field_bidx (keys, CD_BIDX_MOBILE, mobile);
  sqlite3_bind_text (write, 2, sealed_name, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (write, 3, sealed_mobile);
  sqlite3_bind_text (write, 4, sealed_data, -1, SQLITE_STATIC);
  sqlite3_bind_text (write, 5, now, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (write, 6, sealed_id);
  cd_store_bind_text_or_null (write, 9, name_bidx);
  cd_store_bind_text_or_null (write, 10, id_bidx);
  cd_store_bind_text_or_null (write, 11, mobile_bidx);
  if (!cd_store_step_done (store, write, error))
    return FALSE;
  *out_id = row_id;
  return TRUE;
}

/* The material table mirrors the draft's ticks, so reports and searches need not parse JSON. */
static gboolean
sync_materials (CdStore *store, gint64 id, const CdApplication *app, GError **error)
{
  g_autoptr(sqlite3_stmt) del = NULL;
  GHashTableIter it;
  gpointer code, value;

  if (!cd_store_prepare (store, "DELETE FROM material WHERE application_id = ?1 AND waived_by IS NULL", &del, error))
    return FALSE;
  sqlite3_bind_int64 (del, 1, id);
  if (!cd_store_step_done (store, del, error))
    return FALSE;
  g_hash_table_iter_init (&it, app->materials);
  while (g_hash_table_iter_next (&it, &code, &value))
    {
      CdMaterialMark *m = value;
      g_autoptr(sqlite3_stmt) ins = NULL;

      if (!cd_store_prepare (store, "INSERT INTO material (application_id, code, original_seen, copy_received, stamped)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (application_id, code) DO UPDATE SET"
                                    " original_seen = excluded.original_seen, copy_received = excluded.copy_received,"
                                    " stamped = excluded.stamped", &ins, error))
        return FALSE;
      sqlite3_bind_int64 (ins, 1, id);
      sqlite3_bind_text (ins, 2, code, -1, SQLITE_STATIC);
      sqlite3_bind_int (ins, 3, m->original_seen);
      sqlite3_bind_int (ins, 4, m->copy);
      sqlite3_bind_int (ins, 5, m->stamped);
      if (!cd_store_step_done (store, ins, error))
        return FALSE;
    }
  return TRUE;
}

/* A signed-off day is locked: every write of cd-application-store*.c passes here inside its transaction
 * (cd-report-signoff.c). */
gboolean
cd_application_store_check_day_lock (CdContext *ctx, gint64 id, const char *what, GError **error)
{
  return cd_report_signoff_guard (ctx, id, what, error);
}

static char *
next_number (CdContext *ctx, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) now = cd_store_now (store);
  g_autofree char *ymd = g_date_time_format (now, "%Y%m%d");
  g_autofree char *prefix = NULL;
  g_autofree char *code = NULL;
  gint64 n = 0;

  if (!cd_store_prepare (store, "SELECT code FROM outlet WHERE id = ?1", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, cd_context_get_outlet_id (ctx));
  code = sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : g_strdup ("CD");
  g_clear_pointer (&stmt, sqlite3_finalize);
  prefix = g_strdup_printf ("%s-%s-", code, ymd);
  if (!cd_store_prepare (store, "SELECT count(*) FROM application WHERE number LIKE ?1 || '%'", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  return g_strdup_printf ("%s%04" G_GINT64_FORMAT, prefix, n + 1);
}

static void
bind_clerk_outlet (CdContext *ctx, sqlite3_stmt *stmt, int outlet_col, int clerk_col)
{
  if (cd_context_get_outlet_id (ctx) > 0)
    sqlite3_bind_int64 (stmt, outlet_col, cd_context_get_outlet_id (ctx));
  else
    sqlite3_bind_null (stmt, outlet_col);
  if (cd_context_get_clerk_id (ctx) > 0)
    sqlite3_bind_int64 (stmt, clerk_col, cd_context_get_clerk_id (ctx));
  else
    sqlite3_bind_null (stmt, clerk_col);
}

/* What is stored must load again: a text the reader refuses (a control or direction character typed or
 * pasted into a field, an over-long value) is refused here, naming the field, before anything is written —
 * never an application that can no longer be opened. */
static gboolean
check_loads_again (const char *data, GError **error)
{
  g_autoptr(CdApplication) again = cd_application_from_data (data, -1, error);

  return again != NULL;
}

gboolean
cd_application_store_create (CdContext *ctx, const CdApplication *app, gboolean validate, gint64 *out_id,
                             GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autofree char *data = cd_application_to_string (app);
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *day = cd_store_today (store);
  g_autofree char *number = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(GPtrArray) bidx = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sealed_name = NULL;
  g_autofree char *sealed_data = NULL;
  gint64 applicant_id = 0, id;
  CdProfile *profile;

  if (!(profile = cd_context_lookup_profile (ctx, app->profile, error)))
    {
      g_prefix_error (error, "$.profile: ");
      return FALSE;
    }
  if (validate && !cd_application_validate (app, profile, error))
    return FALSE;
  if (!check_loads_again (data, error) || !cd_store_begin (store, error))
    return FALSE;
  if (!(number = next_number (ctx, error)) || !upsert_applicant (store, app, &applicant_id, error))
    goto fail;
  /* The new row's id, chosen inside the write transaction: it is the associated data of its sealed values. */
  {
    g_autoptr(sqlite3_stmt) next = NULL;

    if (!cd_store_prepare (store, "SELECT coalesce(max(id), 0) + 1 FROM application", &next, error))
      goto fail;
    if (sqlite3_step (next) != SQLITE_ROW)
      {
        cd_store_set_error (store, error);
        goto fail;
      }
    id = sqlite3_column_int64 (next, 0);
  }
  if (!cd_store_crypt_seal_application (cd_store_get_keys (store), id, cd_application_display_name (app), data,
                                        &sealed_name, &sealed_data, bidx, error))
    goto fail;
  if (!cd_store_prepare (store, "INSERT INTO application (number, outlet_id, clerk_id, applicant_id, profile, business,"
                                " applicant_type, state, step, name, data, day, created_at, updated_at, id)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', 'business', ?8, ?9, ?10, ?11, ?11, ?12)",
                         &ins, error))
    goto fail;
  sqlite3_bind_text (ins, 1, number, -1, SQLITE_STATIC);
  bind_clerk_outlet (ctx, ins, 2, 3);
  if (applicant_id)
    sqlite3_bind_int64 (ins, 4, applicant_id);
  else
    sqlite3_bind_null (ins, 4);
  sqlite3_bind_text (ins, 5, app->profile, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 6, cd_business_to_code (app->business), -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 7, cd_applicant_type_to_code (app->applicant_type), -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 8, sealed_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 9, sealed_data, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 10, day, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 11, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (ins, 12, id);
  if (!cd_store_step_done (store, ins, error) || !cd_store_crypt_write_application_bidx (store, id, bidx, error))
    goto fail;
  if (!cd_application_store_check_day_lock (ctx, id, "create", error))
    goto fail;
  detail = cd_audit_detail_new ("number", number, "profile", app->profile, "business", cd_business_to_code (app->business),
                       "state", "draft", NULL);
  if (!sync_materials (store, id, app, error)
      || !cd_audit_append (store, cd_context_get_actor (ctx), "application.create", "application", id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  if (out_id)
    *out_id = id;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_application_store_read_state (CdStore *store, gint64 id, CdState *out_state, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT state FROM application WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no application %lld"), (long long) id);
      return FALSE;
    }
  if (!cd_state_from_code ((const char *) sqlite3_column_text (stmt, 0), out_state))
    g_assert_not_reached ();  /* the CHECK constraint keeps states known */
  return TRUE;
}

/* Writes the state and its audit row; the caller holds the transaction. */
gboolean
cd_application_store_set_state (CdContext *ctx, gint64 id, CdState from, CdState to, JsonNode *extra, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  JsonObject *o;

  if (!cd_state_check_transition (from, to, error))
    return FALSE;
  if (!cd_store_prepare (store, "UPDATE application SET state = ?2, updated_at = ?3 WHERE id = ?1 AND state = ?4",
                         &upd, error))
    return FALSE;
  sqlite3_bind_int64 (upd, 1, id);
  sqlite3_bind_text (upd, 2, cd_state_to_code (to), -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 4, cd_state_to_code (from), -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, upd, error))
    return FALSE;
  if (sqlite3_changes (cd_store_get_db (store)) != 1)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED,
                   _("The application changed meanwhile; reopen it and try again"));
      return FALSE;
    }
  detail = extra ? json_node_copy (extra) : json_node_init_object (json_node_alloc (), json_object_new ());
  o = json_node_get_object (detail);
  json_object_set_string_member (o, "from", cd_state_to_code (from));
  json_object_set_string_member (o, "to", cd_state_to_code (to));
  return cd_audit_append (store, cd_context_get_actor (ctx), "application.state", "application", id, detail, error);
}

gboolean
cd_application_store_save (CdContext *ctx, gint64 id, const CdApplication *app, const char *step, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autofree char *data = cd_application_to_string (app);
  g_autofree char *now = cd_store_now_iso (store);
  g_autoptr(GPtrArray) bidx = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sealed_name = NULL;
  g_autofree char *sealed_data = NULL;
  gint64 applicant_id = 0;
  CdState state;

  if (!cd_context_lookup_profile (ctx, app->profile, error) || !check_loads_again (data, error))
    return FALSE;
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_application_store_read_state (store, id, &state, error)
      || !cd_application_store_check_day_lock (ctx, id, "save", error))
    goto fail;
  if (state != CD_STATE_DRAFT && state != CD_STATE_CHECKED)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED,
                   _("The application is %s: its details can no longer be edited"), cd_state_label (state));
      goto fail;
    }
  if (state == CD_STATE_CHECKED && !cd_application_store_set_state (ctx, id, state, CD_STATE_DRAFT, NULL, error))
    goto fail;
  if (!upsert_applicant (store, app, &applicant_id, error)
      || !cd_store_crypt_seal_application (cd_store_get_keys (store), id, cd_application_display_name (app), data,
                                           &sealed_name, &sealed_data, bidx, error)
      || !cd_store_crypt_write_application_bidx (store, id, bidx, error))
    goto fail;
  if (!cd_store_prepare (store, "UPDATE application SET data = ?2, step = COALESCE(?3, step), name = ?4,"
                                " profile = ?5, business = ?6, applicant_type = ?7, updated_at = ?8,"
                                " applicant_id = COALESCE(?9, applicant_id) WHERE id = ?1", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, id);
  sqlite3_bind_text (upd, 2, sealed_data, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (upd, 3, step);
  sqlite3_bind_text (upd, 4, sealed_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 5, app->profile, -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 6, cd_business_to_code (app->business), -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 7, cd_applicant_type_to_code (app->applicant_type), -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 8, now, -1, SQLITE_STATIC);
  if (applicant_id)
    sqlite3_bind_int64 (upd, 9, applicant_id);
  else
    sqlite3_bind_null (upd, 9);
  if (!cd_store_step_done (store, upd, error) || !sync_materials (store, id, app, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_application_store_load (CdContext *ctx, gint64 id, CdApplication **out_app, CdApplicationInfo **out_info,
                           GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) waived = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = g_new0 (CdApplicationInfo, 1);
  g_autofree char *clear = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT number, state, step, name, profile, business, day, updated_at, data,"
                                " fee_total_fen FROM application WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no application %lld"), (long long) id);
      return FALSE;
    }
  info->id = id;
  info->number = cd_store_column_dup (stmt, 0);
  cd_state_from_code ((const char *) sqlite3_column_text (stmt, 1), &info->state);
  info->step = cd_store_column_dup (stmt, 2);
  if (!(info->name = cd_field_open (cd_store_get_keys (store), "application", id, "name",
                                    (const char *) sqlite3_column_text (stmt, 3), error)))
    return FALSE;
  info->profile = cd_store_column_dup (stmt, 4);
  info->business = cd_store_column_dup (stmt, 5);
  info->day = cd_store_column_dup (stmt, 6);
  info->updated_at = cd_store_column_dup (stmt, 7);
  info->fee_total_fen = sqlite3_column_type (stmt, 9) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 9);
  clear = cd_field_open_json (cd_store_get_keys (store), "application", id,
                              (const char *) sqlite3_column_text (stmt, 8), error);
  if (!clear || !(app = cd_application_from_data (clear, -1, error)))
    {
      g_prefix_error (error, _("Application %lld in the database is damaged: "), (long long) id);
      return FALSE;
    }
  /* Waivers live in the material table only: a draft cannot grant itself one. */
  if (!cd_store_prepare (store, "SELECT code, waiver_reason FROM material WHERE application_id = ?1"
                                " AND waived_by IS NOT NULL", &waived, error))
    return FALSE;
  sqlite3_bind_int64 (waived, 1, id);
  while ((rc = sqlite3_step (waived)) == SQLITE_ROW)
    {
      CdMaterialMark *m = cd_application_get_material (app, (const char *) sqlite3_column_text (waived, 0), TRUE);
      m->waived = TRUE;
      g_free (m->waiver_reason);
      m->waiver_reason = cd_store_column_dup (waived, 1);
    }
  if (rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  if (out_app)
    *out_app = g_steal_pointer (&app);
  if (out_info)
    *out_info = g_steal_pointer (&info);
  return TRUE;
}
