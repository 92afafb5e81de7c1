/* cd-report-signoff.c: the supervisor's sign-off of a day, the lock it puts on that day's records, the
 * adjustments made after it, and the page's chart and drill-down queries. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-report-signoff.h"
#include "cd-state.h"

void
cd_signoff_free (CdSignoff *s)
{
  if (!s)
    return;
  g_free (s->day);
  g_free (s->supervisor);
  g_free (s->signed_at);
  g_free (s->reason);
  g_free (s);
}

static gboolean
check_day (const char *day, GError **error)
{
  CdReportQuery q = { (char *) day, (char *) day, 0, 0 };

  return cd_report_check_query (&q, error);
}

gboolean
cd_report_signoff_lookup (CdContext *ctx, gint64 outlet_id, const char *day, CdSignoff **out, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdSignoff *s;
  int rc;

  if (!cd_store_prepare (store,
                         "SELECT s.id, s.outlet_id, s.day, s.supervisor_id,"
                         " coalesce(k.name || ' (' || k.login || ')', ''), coalesce(s.counted_cash_fen, 0),"
                         " coalesce(json_extract(s.figures, '$.cash_expected_fen'), 0), s.signed_at,"
                         " json_extract(s.figures, '$.signoff_reason')"
                         " FROM report_signoff s LEFT JOIN clerk k ON k.id = s.supervisor_id"
                         " WHERE s.outlet_id = ?1 AND s.day = ?2", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, outlet_id);
  sqlite3_bind_text (stmt, 2, day, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *out = NULL;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    return cd_store_set_error (store, error);
  s = g_new0 (CdSignoff, 1);
  s->id = sqlite3_column_int64 (stmt, 0);
  s->outlet_id = sqlite3_column_int64 (stmt, 1);
  s->day = cd_store_column_dup (stmt, 2);
  s->supervisor_id = sqlite3_column_int64 (stmt, 3);
  s->supervisor = cd_store_column_dup (stmt, 4);
  s->counted_cash_fen = sqlite3_column_int64 (stmt, 5);
  s->cash_expected_fen = sqlite3_column_int64 (stmt, 6);
  s->signed_at = cd_store_column_dup (stmt, 7);
  s->reason = cd_store_column_dup (stmt, 8);
  *out = s;
  return TRUE;
}

/* The sentence for what needs explaining in @figures, or NULL. */
static char *
reason_needed (JsonObject *figures, gint64 counted_cash_fen)
{
  gint64 diff = counted_cash_fen - json_object_get_int_member (figures, "cash_expected_fen");
  JsonArray *open = json_object_get_array_member (figures, "open");
  guint n_open = open ? json_array_get_length (open) : 0;
  g_autofree char *diff_text = diff ? cd_report_difference_text (diff) : NULL;
  g_autofree char *open_text = n_open ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u application still open",
                                                                      "%u applications still open", n_open), n_open)
                                      : NULL;

  if (diff_text && open_text)
    /* TRANSLATORS: the cash difference, then the open applications */
    return g_strdup_printf (_("%s; %s"), diff_text, open_text);
  return g_strdup (diff_text ? diff_text : open_text);
}

char *
cd_report_signoff_reason_needed (CdContext *ctx, gint64 outlet_id, const char *day, gint64 counted_cash_fen,
                                 GError **error)
{
  CdReportQuery q = { (char *) day, (char *) day, outlet_id, 0 };
  g_autoptr(JsonNode) figures = NULL;

  if (!(figures = cd_report_build (ctx, &q, error)))
    return NULL;
  return reason_needed (json_node_get_object (figures), counted_cash_fen);
}

gboolean
cd_report_signoff_sign (CdContext *ctx, const CdClerk *supervisor, gint64 outlet_id, const char *day,
                        gint64 counted_cash_fen, const char *reason, CdSignoff **out_signoff, GError **error)
{
  g_autofree char *why = g_strstrip (g_strdup (reason ? reason : ""));
  g_autofree char *needed = NULL;
  CdStore *store = cd_context_get_store (ctx);
  CdReportQuery q = { (char *) day, (char *) day, outlet_id, 0 };
  g_autoptr(JsonNode) figures = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autoptr(CdSignoff) existing = NULL;
  g_autofree char *figures_text = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *today = cd_store_today (store);
  gint64 expected, id;

  g_return_val_if_fail (supervisor != NULL, FALSE);
  if (supervisor->role != CD_ROLE_SUPERVISOR || !supervisor->enabled)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE, _("Only a supervisor can sign off a day"));
      return FALSE;
    }
  if (!check_day (day, error))
    return FALSE;
  if (outlet_id <= 0)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("A day is signed off for one outlet"));
      return FALSE;
    }
  if (g_strcmp0 (day, today) > 0)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("%s has not come yet: it cannot be signed off"),
                   day);
      return FALSE;
    }
  if (counted_cash_fen < 0)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("The cash counted cannot be negative"));
      return FALSE;
    }
  if (!cd_report_signoff_lookup (ctx, outlet_id, day, &existing, error))
    return FALSE;
  if (existing)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED, _("%s is already signed off by %s"), day,
                   existing->supervisor);
      return FALSE;
    }
  if (!(figures = cd_report_build (ctx, &q, error)))
    return FALSE;
  expected = json_object_get_int_member (json_node_get_object (figures), "cash_expected_fen");
  /* The head office reconciles the day: a difference or an application left open is explained. */
  if ((needed = reason_needed (json_node_get_object (figures), counted_cash_fen)) && g_utf8_strlen (why, -1) < 2)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
                   _("%s: signing off %s needs a reason of a few words"), needed, day);
      return FALSE;
    }
  if (*why)
    json_object_set_string_member (json_node_get_object (figures), "signoff_reason", why);
  figures_text = json_to_string (figures, FALSE);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, day);
  json_builder_set_member_name (b, "outlet_id");
  json_builder_add_int_value (b, outlet_id);
  json_builder_set_member_name (b, "supervisor_id");
  json_builder_add_int_value (b, supervisor->id);
  json_builder_set_member_name (b, "counted_cash_fen");
  json_builder_add_int_value (b, counted_cash_fen);
  json_builder_set_member_name (b, "cash_expected_fen");
  json_builder_add_int_value (b, expected);
  json_builder_set_member_name (b, "difference_fen");
  json_builder_add_int_value (b, counted_cash_fen - expected);
  if (*why)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, why);
    }
  json_builder_end_object (b);
  detail = json_builder_get_root (b);

  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO report_signoff (outlet_id, day, supervisor_id, counted_cash_fen, figures,"
                                " signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &ins, error))
    goto fail;
  sqlite3_bind_int64 (ins, 1, outlet_id);
  sqlite3_bind_text (ins, 2, day, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (ins, 3, supervisor->id);
  sqlite3_bind_int64 (ins, 4, counted_cash_fen);
  sqlite3_bind_text (ins, 5, figures_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 6, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, ins, error))
    goto fail;
  id = sqlite3_last_insert_rowid (cd_store_get_db (store));
  {
    g_autofree char *actor = g_strdup_printf ("clerk:%s", supervisor->login);
    if (!cd_audit_append (store, actor, "report.signoff", "report_signoff", id, detail, error)
        || !cd_store_commit (store, error))
      goto fail;
  }
  return out_signoff ? cd_report_signoff_lookup (ctx, outlet_id, day, out_signoff, error) : TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_report_signoff_guard (CdContext *ctx, gint64 application_id, const char *what, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) role = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *today = cd_store_today (store);
  g_autofree char *day = NULL;
  const char *reason;
  gint64 supervisor_id = 0, signoff_id;

  /* The application's own day, and today (a payment or a key today changes today's figures). */
  if (!cd_store_prepare (store, "SELECT s.id, s.day FROM application a JOIN report_signoff s"
                                " ON s.outlet_id = a.outlet_id AND s.day IN (a.day, ?2)"
                                " WHERE a.id = ?1 ORDER BY s.day LIMIT 1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_STATIC);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_DONE:
      return TRUE;
    case SQLITE_ROW:
      break;
    default:
      return cd_store_set_error (store, error);
    }
  signoff_id = sqlite3_column_int64 (stmt, 0);
  day = cd_store_column_dup (stmt, 1);
  reason = cd_context_get_adjustment (ctx, &supervisor_id);
  if (reason == NULL || supervisor_id <= 0)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED,
                   _("%s is signed off: a change to its records needs a supervisor and a reason (an adjustment)"), day);
      return FALSE;
    }
  if (!cd_store_prepare (store, "SELECT 1 FROM clerk WHERE id = ?1 AND role = 'supervisor' AND enabled", &role, error))
    return FALSE;
  sqlite3_bind_int64 (role, 1, supervisor_id);
  if (sqlite3_step (role) != SQLITE_ROW)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE, _("Only a supervisor can adjust a signed-off day"));
      return FALSE;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, day);
  json_builder_set_member_name (b, "signoff_id");
  json_builder_add_int_value (b, signoff_id);
  json_builder_set_member_name (b, "supervisor_id");
  json_builder_add_int_value (b, supervisor_id);
  json_builder_set_member_name (b, "what");
  json_builder_add_string_value (b, what);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, reason);
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  return cd_audit_append (store, cd_context_get_actor (ctx), "adjustment", "application", application_id, detail,
                          error);
}

typedef struct {
  const char  *reason;
  gint64       supervisor_id;
  CdActAsFunc  func;
  gpointer     user_data;
} AdjustArgs;

static gboolean
run_adjusted (CdContext *ctx, gpointer data, GError **error)
{
  AdjustArgs *a = data;
  gboolean ok;

  cd_context_set_adjustment (ctx, a->supervisor_id, a->reason);
  ok = a->func (ctx, a->user_data, error);
  cd_context_set_adjustment (ctx, 0, NULL);
  return ok;
}

gboolean
cd_report_signoff_adjust (CdContext *ctx, const CdClerk *supervisor, const char *reason, CdActAsFunc func,
                          gpointer user_data, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));
  AdjustArgs args = { trimmed, supervisor->id, func, user_data };

  if (supervisor->role != CD_ROLE_SUPERVISOR)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE, _("Only a supervisor can adjust a signed-off day"));
      return FALSE;
    }
  if (g_utf8_strlen (trimmed, -1) < 2)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("An adjustment needs a reason of a few words"));
      return FALSE;
    }
  return cd_clerk_store_act_as (ctx, supervisor, run_adjusted, &args, error);
}

/* Every query binds ?1 from, ?2 to, ?3 outlet (0 = all), ?4 clerk (0 = all), like cd-report.c. */
static gboolean
prepare (CdContext *ctx, const CdReportQuery *q, const char *sql, sqlite3_stmt **out, GError **error)
{
  if (!cd_store_prepare (cd_context_get_store (ctx), sql, out, error))
    return FALSE;
  sqlite3_bind_text (*out, 1, q->from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (*out, 2, q->to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (*out, 3, q->outlet_id);
  sqlite3_bind_int64 (*out, 4, q->clerk_id);
  return TRUE;
}

/* One array member, one object per row; NULL columns become null, integers stay integers. */
static gboolean
add_rows (JsonBuilder *b, CdContext *ctx, const CdReportQuery *q, const char *member, const char *sql,
          const char *const *columns, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!prepare (ctx, q, sql, &stmt, error))
    return FALSE;
  if (member)
    json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (b);
      for (int c = 0; columns[c]; c++)
        {
          json_builder_set_member_name (b, columns[c]);
          if (sqlite3_column_type (stmt, c) == SQLITE_INTEGER)
            json_builder_add_int_value (b, sqlite3_column_int64 (stmt, c));
          else if (sqlite3_column_type (stmt, c) == SQLITE_NULL)
            json_builder_add_null_value (b);
          else
            json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, c));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return rc == SQLITE_DONE || cd_store_set_error (cd_context_get_store (ctx), error);
}

gboolean
cd_report_signoff_annotate (CdContext *ctx, const CdReportQuery *q, JsonBuilder *b, GError **error)
{
  return add_rows (b, ctx, q, "signoffs",
                   "SELECT s.day, s.outlet_id, coalesce(o.name, ''), coalesce(k.name, ''), coalesce(k.login, ''),"
                   " s.signed_at, coalesce(s.counted_cash_fen, 0),"
                   " coalesce(json_extract(s.figures, '$.cash_expected_fen'), 0),"
                   " coalesce(s.counted_cash_fen, 0) - coalesce(json_extract(s.figures, '$.cash_expected_fen'), 0),"
                   " json_extract(s.figures, '$.signoff_reason')"
                   " FROM report_signoff s LEFT JOIN outlet o ON o.id = s.outlet_id"
                   " LEFT JOIN clerk k ON k.id = s.supervisor_id"
                   " WHERE s.day BETWEEN ?1 AND ?2 AND (?3 = 0 OR s.outlet_id = ?3) ORDER BY s.day, s.outlet_id",
                   (const char *const[]) { "day", "outlet_id", "outlet", "supervisor", "supervisor_login", "signed_at",
                                           "counted_cash_fen", "cash_expected_fen", "difference_fen", "reason",
                                           NULL }, error)
      && add_rows (b, ctx, q, "adjustments",
                   "SELECT json_extract(l.detail, '$.day'), a.number, cd_name(a.name, a.id),"
                   " json_extract(l.detail, '$.what'),"
                   " json_extract(l.detail, '$.reason'), coalesce(k.name, ''),"
                   " coalesce((SELECT c.name FROM clerk c WHERE 'clerk:' || c.login = l.actor), l.actor), l.at"
                   " FROM audit_log l JOIN application a ON a.id = l.entity_id AND l.entity = 'application'"
                   " LEFT JOIN clerk k ON k.id = json_extract(l.detail, '$.supervisor_id')"
                   " WHERE l.action = 'adjustment' AND json_extract(l.detail, '$.day') BETWEEN ?1 AND ?2"
                   " AND (?3 = 0 OR a.outlet_id = ?3) AND (?4 = 0 OR a.clerk_id = ?4) ORDER BY l.id",
                   (const char *const[]) { "day", "number", "name", "what", "reason", "supervisor", "by", "at", NULL },
                   error);
}

JsonNode *
cd_report_chart (CdContext *ctx, const char *last_day, guint n_days, gint64 outlet_id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDate) end = g_date_new ();
  g_autoptr(GDate) start = NULL;
  g_autoptr(GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  char from[16], to[16];
  CdReportQuery q = { from, to, outlet_id, 0 };
  int rc;

  g_return_val_if_fail (n_days > 0, NULL);
  if (!check_day (last_day, error))
    return NULL;
  g_date_set_parse (end, last_day);
  g_assert (g_date_valid (end));
  start = g_date_copy (end);
  g_date_subtract_days (start, n_days - 1);
  g_date_strftime (from, sizeof from, "%Y-%m-%d", start);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", end);
  if (!prepare (ctx, &q, "SELECT a.day, a.business, count(*) FROM application a WHERE a.day BETWEEN ?1 AND ?2"
                         " AND (?3 = 0 OR a.outlet_id = ?3) GROUP BY a.day, a.business", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *day = (const char *) sqlite3_column_text (stmt, 0);
      GHashTable *counts = g_hash_table_lookup (days, day);

      if (!counts)
        g_hash_table_insert (days, g_strdup (day), counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
      g_hash_table_insert (counts, cd_store_column_dup (stmt, 1), GINT_TO_POINTER (sqlite3_column_int (stmt, 2)));
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (cd_context_get_store (ctx), error);
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, to);
  json_builder_set_member_name (b, "businesses");
  json_builder_begin_array (b);
  for (int bus = CD_BUSINESS_NEW; bus <= CD_BUSINESS_APP_OPEN; bus++)
    json_builder_add_string_value (b, cd_business_to_code (bus));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "days");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_days; i++)
    {
      char day[16];
      GHashTable *counts;

      g_date_strftime (day, sizeof day, "%Y-%m-%d", start);
      counts = g_hash_table_lookup (days, day);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "day");
      json_builder_add_string_value (b, day);
      json_builder_set_member_name (b, "counts");
      json_builder_begin_object (b);
      for (int bus = CD_BUSINESS_NEW; bus <= CD_BUSINESS_APP_OPEN; bus++)
        {
          const char *code = cd_business_to_code (bus);
          json_builder_set_member_name (b, code);
          json_builder_add_int_value (b, counts ? GPOINTER_TO_INT (g_hash_table_lookup (counts, code)) : 0);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      g_date_add_days (start, 1);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
cd_report_detail (CdContext *ctx, const CdReportQuery *q, const char *kind, const char *key, GError **error)
{
  static const char *const columns[] = { "id", "number", "day", "name", "business", "applicant_type", "state",
                                         "amount_fen", NULL };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *sql = NULL;
  const char *where;

  if (!cd_report_check_query (q, error))
    return NULL;
  /* ?5 is the key; business keys may be "business/applicant_type". */
  if (g_str_equal (kind, "business"))
    where = "a.day BETWEEN ?1 AND ?2 AND (a.business = ?5 OR a.business || '/' || a.applicant_type = ?5)";
  else if (g_str_equal (kind, "state"))
    where = "a.day BETWEEN ?1 AND ?2 AND a.state = ?5";
  else if (g_str_equal (kind, "method") || g_str_equal (kind, "cash"))
    where = "EXISTS (SELECT 1 FROM payment p WHERE p.application_id = a.id AND p.day BETWEEN ?1 AND ?2"
            " AND (p.method = ?5 OR (?5 IS NULL AND p.method = 'cash')))";
  else if (g_str_equal (kind, "profile"))
    where = "EXISTS (SELECT 1 FROM payment p WHERE p.application_id = a.id AND p.day BETWEEN ?1 AND ?2)"
            " AND a.profile = ?5";
  else if (g_str_equal (kind, "certificates"))
    where = "EXISTS (SELECT 1 FROM certificate c WHERE c.application_id = a.id AND c.day BETWEEN ?1 AND ?2)";
  else if (g_str_equal (kind, "open"))
    /* printed, an activation is still to be done on its certificate step: open too */
    where = "a.day <= ?2 AND a.state IN ('draft','checked','paid','printed')";
  else
    where = "a.day BETWEEN ?1 AND ?2";
  sql = g_strdup_printf ("SELECT a.id, a.number, a.day, cd_name(a.name, a.id), a.business, a.applicant_type,"
                         " a.state,"
                         " (SELECT sum(p.amount_fen) FROM payment p WHERE p.application_id = a.id)"
                         " FROM application a WHERE %s AND (?3 = 0 OR a.outlet_id = ?3) AND (?4 = 0 OR a.clerk_id = ?4)"
                         " ORDER BY a.day, a.number LIMIT 2000", where);
  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    int rc;

    if (!prepare (ctx, q, sql, &stmt, error))
      return NULL;
    if (key && !g_str_equal (kind, "cash"))
      sqlite3_bind_text (stmt, 5, key, -1, SQLITE_TRANSIENT);
    json_builder_begin_array (b);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        json_builder_begin_object (b);
        for (int c = 0; columns[c]; c++)
          {
            json_builder_set_member_name (b, columns[c]);
            if (sqlite3_column_type (stmt, c) == SQLITE_INTEGER)
              json_builder_add_int_value (b, sqlite3_column_int64 (stmt, c));
            else if (sqlite3_column_type (stmt, c) == SQLITE_NULL)
              json_builder_add_null_value (b);
            else
              json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, c));
          }
        json_builder_end_object (b);
      }
    json_builder_end_array (b);
    if (rc != SQLITE_DONE)
      {
        cd_store_set_error (cd_context_get_store (ctx), error);
        return NULL;
      }
  }
  return json_builder_get_root (b);
}

gboolean
cd_report_audit_export (CdContext *ctx, const CdReportQuery *q, const char *format, GError **error)
{
  return cd_report_audit_export_data (ctx, q, format, -1, NULL, error);
}

gboolean
cd_report_audit_export_data (CdContext *ctx, const CdReportQuery *q, const char *format, gint64 rows,
                             const char *sha, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) detail = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, format);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, q->from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, q->to);
  if (rows >= 0)
    {
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, rows);
    }
  if (sha)
    {
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, sha);
    }
  json_builder_end_object (b);
  detail = json_builder_get_root (b);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_audit_append (store, cd_context_get_actor (ctx), "report.export", "report", q->outlet_id, detail, error)
      || !cd_store_commit (store, error))
    {
      cd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}
