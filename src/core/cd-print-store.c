/* cd-print-store.c: print records, the paid → printed step and the print queue. A print is recorded after
 * the printer accepted the job; the records and their audit row share one transaction, the state change
 * (its own audited transaction in cd_application_store_transition) follows the first full print. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-print-set.h"
#include "cd-print-store.h"
#include "cd-state.h"

void
cd_print_record_free (CdPrintRecord *record)
{
  if (!record)
    return;
  g_free (record->document);
  g_free (record->printer);
  g_free (record->reprint_reason);
  g_free (record->at);
  g_free (record);
}

void
cd_print_queue_item_free (CdPrintQueueItem *item)
{
  if (!item)
    return;
  g_free (item->number);
  g_free (item->name);
  g_free (item->profile);
  g_free (item->business);
  g_free (item->day);
  g_free (item->last_printed_at);
  g_free (item);
}

static gboolean
read_application (CdContext *ctx, gint64 id, CdState *out_state, CdProfile **out_profile, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdStore *store = cd_context_get_store (ctx);
  CdProfile *profile;

  if (!cd_store_prepare (store, "SELECT state, profile FROM application WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no application %lld"), (long long) id);
      return FALSE;
    }
  if (!cd_state_from_code ((const char *) sqlite3_column_text (stmt, 0), out_state))
    g_assert_not_reached ();
  if (!(profile = cd_context_lookup_profile (ctx, (const char *) sqlite3_column_text (stmt, 1), error)))
    return FALSE;
  *out_profile = profile;
  return TRUE;
}

static gboolean
check_printable (CdState state, GError **error)
{
  if (state == CD_STATE_DRAFT || state == CD_STATE_CHECKED)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
                   _("The documents are printed once the fee is paid"));
      return FALSE;
    }
  if (state == CD_STATE_VOIDED)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED,
                   _("The application is voided: its documents can no longer be printed"));
      return FALSE;
    }
  return TRUE;
}

/* The documents application @id needs (cd_print_set_documents), e.g. no agreement with a renewal. */
static char **
application_documents (CdContext *ctx, gint64 id, CdProfile *profile, GError **error)
{
  g_autoptr(CdApplication) app = NULL;

  if (!cd_application_store_load (ctx, id, &app, NULL, error))
    return NULL;
  return cd_print_set_documents (ctx, profile, app, NULL, error);
}

static char **
documents_or_application (CdContext *ctx, gint64 id, const char *const *documents, CdProfile *profile,
                          GError **error)
{
  if (documents && documents[0])
    return g_strdupv ((char **) documents);
  return application_documents (ctx, id, profile, error);
}

static gboolean
was_printed (CdStore *store, gint64 id, const char *document, gboolean *out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT count(*) FROM print_record WHERE application_id = ?1 AND document = ?2",
                         &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, document, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  *out = sqlite3_column_int64 (stmt, 0) > 0;
  return TRUE;
}

static gboolean
is_reprint (CdStore *store, gint64 id, CdState state, const char *const *documents, gboolean *out, GError **error)
{
  *out = state != CD_STATE_PAID;
  for (guint i = 0; !*out && documents && documents[i]; i++)
    if (!was_printed (store, id, documents[i], out, error))
      return FALSE;
  return TRUE;
}

/* The application's documents are all printed once, counting the ones being recorded now. */
static gboolean
covers_application (CdStore *store, gint64 id, char **needed, GError **error, gboolean *out)
{
  *out = TRUE;
  for (guint i = 0; *out && needed && needed[i]; i++)
    if (!was_printed (store, id, needed[i], out, error))
      return FALSE;
  return TRUE;
}

gboolean
cd_print_store_is_reprint (CdContext *ctx, gint64 id, const char *const *documents, gboolean *out_reprint,
                           GError **error)
{
  CdProfile *profile = NULL;
  g_auto(GStrv) docs = NULL;
  CdState state;
  gboolean reprint;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  if (!read_application (ctx, id, &state, &profile, error) || !check_printable (state, error))
    return FALSE;
  if (!(docs = documents_or_application (ctx, id, documents, profile, error)))
    return FALSE;
  if (!is_reprint (cd_context_get_store (ctx), id, state, (const char *const *) docs, &reprint, error))
    return FALSE;
  *out_reprint = reprint;
  return TRUE;
}

gboolean
cd_print_store_record (CdContext *ctx, gint64 id, const char *const *documents, guint copies, const char *printer,
                       const char *reprint_reason, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  CdProfile *profile = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *reason = g_strstrip (g_strdup (reprint_reason ? reprint_reason : ""));
  g_auto(GStrv) docs = NULL;
  g_auto(GStrv) needed = NULL;
  gboolean reprint = FALSE;
  gboolean full = FALSE;
  CdState state;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), FALSE);
  g_return_val_if_fail (copies > 0, FALSE);

  if (!read_application (ctx, id, &state, &profile, error) || !check_printable (state, error))
    return FALSE;
  if (!(needed = application_documents (ctx, id, profile, error)))
    return FALSE;
  docs = g_strdupv (documents && documents[0] ? (char **) documents : needed);
  if (!docs[0])
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("There is no document to print"));
      return FALSE;
    }
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!is_reprint (store, id, state, (const char *const *) docs, &reprint, error))
    goto fail;
  if (reprint && g_utf8_strlen (reason, -1) < 2)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
                   _("These documents were printed before: a reprint needs a reason of a few words"));
      goto fail;
    }
  for (guint i = 0; docs[i]; i++)
    {
      g_autoptr(sqlite3_stmt) ins = NULL;

      if (!cd_store_prepare (store, "INSERT INTO print_record (application_id, document, copies, printer,"
                                    " reprint_reason, clerk_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &ins, error))
        goto fail;
      sqlite3_bind_int64 (ins, 1, id);
      sqlite3_bind_text (ins, 2, docs[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (ins, 3, copies);
      cd_store_bind_text_or_null (ins, 4, printer && *printer ? printer : NULL);
      cd_store_bind_text_or_null (ins, 5, reprint ? reason : NULL);
      if (cd_context_get_clerk_id (ctx) > 0)
        sqlite3_bind_int64 (ins, 6, cd_context_get_clerk_id (ctx));
      else
        sqlite3_bind_null (ins, 6);
      sqlite3_bind_text (ins, 7, now, -1, SQLITE_STATIC);
      if (!cd_store_step_done (store, ins, error))
        goto fail;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "documents");
  json_builder_begin_array (b);
  for (guint i = 0; docs[i]; i++)
    json_builder_add_string_value (b, docs[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "copies");
  json_builder_add_int_value (b, copies);
  json_builder_set_member_name (b, "printer");
  if (printer && *printer)
    json_builder_add_string_value (b, printer);
  else
    json_builder_add_null_value (b);
  if (reprint)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, reason);
    }
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  if (!cd_audit_append (store, cd_context_get_actor (ctx), reprint ? "reprint" : "print", "application", id, detail,
                        error))
    goto fail;
  if (state == CD_STATE_PAID && !covers_application (store, id, needed, error, &full))
    goto fail;
  if (!cd_store_commit (store, error))
    return FALSE;
  if (state == CD_STATE_PAID && full)
    return cd_application_store_transition (ctx, id, CD_STATE_PRINTED, detail, error);
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

char *
cd_print_store_dup_accepting_clerk (CdContext *ctx, gint64 id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT c.name FROM application a JOIN clerk c ON c.id = a.clerk_id WHERE a.id = ?1",
                         &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return cd_store_column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    cd_store_set_error (store, error);
  return NULL;
}

GPtrArray *
cd_print_store_list (CdContext *ctx, gint64 id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_print_record_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT id, application_id, document, copies, printer, reprint_reason,"
                                " COALESCE(clerk_id, 0), at FROM print_record WHERE application_id = ?1 ORDER BY id",
                         &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdPrintRecord *r = g_new0 (CdPrintRecord, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->application_id = sqlite3_column_int64 (stmt, 1);
      r->document = cd_store_column_dup (stmt, 2);
      r->copies = sqlite3_column_int (stmt, 3);
      r->printer = cd_store_column_dup (stmt, 4);
      r->reprint_reason = cd_store_column_dup (stmt, 5);
      r->clerk_id = sqlite3_column_int64 (stmt, 6);
      r->at = cd_store_column_dup (stmt, 7);
      g_ptr_array_add (list, r);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
cd_print_store_queue (CdContext *ctx, guint reprint_days, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_print_queue_item_free);
  g_autoptr(GDateTime) now = cd_store_now (store);
  g_autoptr(GDateTime) since = g_date_time_add_days (now, -(gint) reprint_days);
  g_autoptr(GDateTime) since_utc = g_date_time_to_utc (since);
  g_autofree char *cutoff = g_date_time_format (since_utc, "%Y-%m-%dT%H:%M:%SZ");
  int rc;

  if (!cd_store_prepare (store,
                         "SELECT a.id, a.number, cd_name(a.name, a.id), a.profile, a.business, a.state, a.day,"
                         " (SELECT count(*) FROM print_record p WHERE p.application_id = a.id),"
                         " (SELECT max(at) FROM print_record p WHERE p.application_id = a.id)"
                         " FROM application a"
                         " WHERE a.state = 'paid' OR (a.state = 'printed' AND a.updated_at >= ?1)"
                         " ORDER BY a.state = 'paid' DESC,"
                         "  CASE WHEN a.state = 'paid' THEN a.updated_at END ASC, a.updated_at DESC, a.id",
                         &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, cutoff, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdPrintQueueItem *item = g_new0 (CdPrintQueueItem, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->number = cd_store_column_dup (stmt, 1);
      item->name = cd_store_column_dup (stmt, 2);
      item->profile = cd_store_column_dup (stmt, 3);
      item->business = cd_store_column_dup (stmt, 4);
      if (!cd_state_from_code ((const char *) sqlite3_column_text (stmt, 5), &item->state))
        g_assert_not_reached ();
      item->day = cd_store_column_dup (stmt, 6);
      item->prints = sqlite3_column_int (stmt, 7);
      item->last_printed_at = cd_store_column_dup (stmt, 8);
      g_ptr_array_add (list, item);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
count_scans (CdStore *store, gint64 id, const char *code, gint64 *out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT count(*) FROM scan WHERE application_id = ?1 AND material_code = ?2"
                                " AND deleted = 0", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

GPtrArray *
cd_print_store_unscanned_signed (CdContext *ctx, gint64 id, GError **error)
{
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(GPtrArray) materials = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  CdProfile *profile;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx), NULL);
  if (!cd_application_store_load (ctx, id, &app, NULL, error)
      || !(profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return NULL;
  materials = cd_print_set_signed_materials (profile, app);
  for (guint i = 0; i < materials->len; i++)
    {
      const CdMaterial *m = materials->pdata[i];
      const CdMaterialMark *mark = g_hash_table_lookup (app->materials, m->code);
      gint64 n = 0;

      if (!m->required || (mark && mark->waived))
        continue;
      if (!count_scans (cd_context_get_store (ctx), id, m->code, &n, error))
        return NULL;
      /* An imported application may carry its scans as file references in the mark. */
      if (n == 0 && !(mark && mark->scans && mark->scans->len > 0))
        g_ptr_array_add (missing, g_strdup (cd_localized (m->label, m->label_zh)));
    }
  return g_steal_pointer (&missing);
}

gboolean
cd_print_store_signed_scanned (CdContext *ctx, gint64 id, GError **error)
{
  g_autoptr(GPtrArray) missing = cd_print_store_unscanned_signed (ctx, id, error);
  g_autofree char *names = NULL;

  if (!missing)
    return FALSE;
  if (missing->len == 0)
    return TRUE;
  g_ptr_array_add (missing, NULL);
  /* TRANSLATORS: the separator between document names */
  names = g_strjoinv (_("; "), (char **) missing->pdata);
  g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
               _("The signed documents are not scanned yet: %s. Scan them at the print step after the "
                 "applicant has signed and sealed them."), names);
  return FALSE;
}
