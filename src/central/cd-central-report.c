/* cd-central-report.c: the head office's report: the counter's day report (cd-report.c) computed over every
 * outlet's rows in the central database (the report views of the central schema), per outlet and in total: the
 * connection and the queries. The CSV export is in cd-central-report-export.c, central migration 9 in
 * cd-central-report-schema.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cd-central-private.h"
#include "cd-central-report.h"
#include "cd-field-crypt.h"
#include "cd-report.h"
#include "cd-report-signoff.h"

/* PostgreSQL's type oids of the integers a section returns (catalog/pg_type.h is not in libpq-dev). */
#define INT8_OID 20
#define INT2_OID 21
#define INT4_OID 23
#define TEXT_OID 25

#define IN_PERIOD(COL) " AND " COL " >= $4 AND " COL " < $5"

/* The applications of the period (uuid, profile, business: index-only from application_report_day), hashed
 * once: a payment or certificate of the period nearly always belongs to an application of the period, so it is
 * matched there, and only the others are looked up one by one in every application (by its UUID: the LATERAL
 * sub-select runs only when the day's applications had no match, a one-time filter in the plan). That is
 * exactly the inner join with the applications not deleted; 50,000 lookups by UUID a day were most of the
 * report's time before the hash. Each of the day's row sets is named once, so PostgreSQL inlines it with the
 * index's statistics: a hash join and a hash aggregate over the day's rows. Written as a UNION of the matched
 * and the unmatched rows (each CTE read twice, so materialised without statistics) the planner guessed 12
 * million joined rows and sorted both sides and the result instead: 3 times slower (EXPLAIN ANALYZE,
 * docs/central.md "The head office's day report at 10 million"). OFFSET 0 keeps the sub-select a per-row
 * lookup (pulled up into the join it could be planned as a scan of every application). */
#define DAY_APPS \
  " day_app AS (SELECT a.uuid, a.profile, a.business FROM certdesk.application a" \
  "  WHERE NOT a.deleted AND a.day BETWEEN $1 AND $2)"
#define WITH_APP(ROWS, COLS) \
  "SELECT " COLS ", coalesce(d.profile, o.profile) AS profile, coalesce(d.business, o.business) AS business" \
  " FROM " ROWS " r LEFT JOIN day_app d ON d.uuid = r.app_uuid" \
  " LEFT JOIN LATERAL (SELECT a.profile, a.business, true AS found FROM certdesk.application a" \
  "   WHERE d.uuid IS NULL AND a.uuid = r.app_uuid AND NOT a.deleted OFFSET 0) o ON true" \
  " WHERE d.uuid IS NOT NULL OR o.found"

/* Payments of the period and refunds of the period as signed rows: what the money figures net, as the
 * counter's report does (a paid application voided is taken off its profile, method, total and cash). */
#define NET \
  "WITH" DAY_APPS "," \
  " day_pay AS (SELECT p.outlet_code, p.method, p.amount_fen, p.app_uuid FROM certdesk.payment p" \
  "  WHERE NOT p.deleted AND p.day BETWEEN $1 AND $2" OUTLET ("p") ")," \
  " pay AS (" WITH_APP ("day_pay", "r.outlet_code, r.method, r.amount_fen") ")," \
  " net AS (SELECT p.outlet_code, p.profile, p.method, 1 AS n, p.amount_fen AS amount, 0::bigint AS refunded" \
  "  FROM pay p" \
  " UNION ALL SELECT r.outlet_code, r.profile, r.method, 0, -r.amount_fen, r.amount_fen" \
  "  FROM certdesk.report_refund r WHERE true" IN_PERIOD ("r.at") OUTLET ("r") ") "

/* A listed row's application id on its counter (a column not shown): a person's name is sealed there under
 * the CA's key set with "application/<id>/name" as associated data (issue 17), and opened here with it. */
#define APP_ID "_app_id"
#define APP_LOCAL_ID(E) "(SELECT a.local_id FROM certdesk.application a WHERE a.uuid = " E ".app_uuid)"

typedef enum {
  SUMMED,    /* rows of figures by key: per outlet as they come, in total summed over the outlets by key */
  LISTED,    /* rows of a list: per outlet, and all of them in total */
  SCALARS,   /* one row per outlet: each column a figure of the report's top level, summed in total */
  MONEY,     /* the payments and refunds netted, by project and way of payment: the fees' members (add_money) */
  CERTS,     /* certificates by business: the certificates' and the keys' members (add_certificates) */
} Kind;

typedef struct {
  const char         *member;
  Kind                kind;
  const char         *sql;       /* column 0 is the outlet's code, then @columns */
  const char *const  *columns;
} Section;

static const Section sections[] = {
  { "applications", SUMMED,
    "SELECT a.outlet_code, a.business, a.applicant_type, count(*), count(*) FILTER (WHERE a.state = 'voided'),"
    " count(*) FILTER (WHERE a.completed) FROM certdesk.report_application a WHERE a.day BETWEEN $1 AND $2"
    OUTLET ("a") " GROUP BY 1, 2, 3 ORDER BY 2, 3",
    (const char *const[]) { "business", "applicant_type", "count", "voided", "completed", NULL } },
  /* certificates and keys: one pass over the period's certificates (add_certificates). */
  { NULL, CERTS,
    "WITH" DAY_APPS ","
    " day_cert AS (SELECT c.outlet_code, c.app_uuid FROM certdesk.certificate c"
    "  WHERE NOT c.deleted AND c.day BETWEEN $1 AND $2" OUTLET ("c") ")"
    " SELECT x.outlet_code, x.business, count(*) FROM (" WITH_APP ("day_cert", "r.outlet_code") ") x"
    " WHERE x.business IS NOT NULL GROUP BY 1, 2",
    NULL },
  { NULL, SCALARS,
    "SELECT c.outlet_code, count(*) FROM certdesk.report_certificate c WHERE c.state = 'revoked'"
    IN_PERIOD ("c.revoked_at") OUTLET ("c") " GROUP BY 1",
    (const char *const[]) { "certificates_revoked", NULL } },
  { NULL, SCALARS,
    "SELECT t.outlet_code, count(*) FROM certdesk.token t WHERE NOT t.deleted AND t.data->>'state' = 'damaged'"
    IN_PERIOD ("t.data->>'updated_at'") OUTLET ("t") " GROUP BY 1",
    (const char *const[]) { "keys_spoiled", NULL } },
  /* fees_by_profile, fees_by_method and the money totals: one query (add_money). */
  { NULL, MONEY,
    NET "SELECT outlet_code, profile, method, sum(n)::bigint, sum(amount)::bigint, sum(refunded)::bigint FROM net"
    " GROUP BY 1, 2, 3",
    NULL },
  { "refunds", LISTED,
    "SELECT r.outlet_code, r.number, r.name, r.profile, r.method, r.amount_fen, r.detail->>'reason', r.by, r.at,"
    APP_LOCAL_ID ("r") " FROM certdesk.report_refund r WHERE true" IN_PERIOD ("r.at") OUTLET ("r")
    " ORDER BY r.outlet_code, r.counter_uuid, r.row_id",
    (const char *const[]) { "number", "name", "profile", "method", "amount_fen", "reason", "by", "at", APP_ID,
                            NULL } },
  { "voids", LISTED,
    "SELECT e.outlet_code, e.number, e.name, e.detail->>'reason', e.by, e.at, " APP_LOCAL_ID ("e")
    " FROM certdesk.report_app_event e"
    " WHERE e.action = 'application.state' AND e.detail->>'to' = 'voided'" IN_PERIOD ("e.at") OUTLET ("e")
    " ORDER BY e.outlet_code, e.counter_uuid, e.row_id",
    (const char *const[]) { "number", "name", "reason", "by", "at", APP_ID, NULL } },
  { "waivers", LISTED,
    "SELECT e.outlet_code, e.number, e.name, e.detail->>'material', e.detail->>'reason', e.by, e.at, e.profile,"
    APP_LOCAL_ID ("e") " FROM certdesk.report_app_event e WHERE e.action = 'material.waive'" IN_PERIOD ("e.at")
    OUTLET ("e") " ORDER BY e.outlet_code, e.counter_uuid, e.row_id",
    (const char *const[]) { "number", "name", "material", "reason", "by", "at", "profile", APP_ID, NULL } },
  { "open", LISTED,
    "SELECT a.outlet_code, a.number, a.name, a.state, a.step, a.day, a.local_id FROM certdesk.report_application a"
    " WHERE a.day <= $2 AND a.state IN ('draft','checked','paid','printed') AND NOT a.completed" OUTLET ("a")
    " ORDER BY a.outlet_code, a.day, a.number",
    (const char *const[]) { "number", "name", "state", "step", "day", APP_ID, NULL } },
  { "signoffs", LISTED,
    "SELECT s.outlet_code, s.day, 0::bigint, o.name, coalesce(k.data->>'name', ''), coalesce(k.login, ''),"
    " s.data->>'signed_at', coalesce((s.data->>'counted_cash_fen')::bigint, 0),"
    " coalesce((certdesk.as_jsonb(s.data->'figures')->>'cash_expected_fen')::bigint, 0),"
    " coalesce((s.data->>'counted_cash_fen')::bigint, 0)"
    "   - coalesce((certdesk.as_jsonb(s.data->'figures')->>'cash_expected_fen')::bigint, 0),"
    " certdesk.as_jsonb(s.data->'figures')->>'signoff_reason'"
    " FROM certdesk.signoff s JOIN certdesk.outlet o ON o.code = s.outlet_code"
    " LEFT JOIN certdesk.clerk k ON k.counter_uuid = s.counter_uuid AND k.local_id = (s.data->>'supervisor_id')::bigint"
    " WHERE NOT s.deleted AND s.day BETWEEN $1 AND $2" OUTLET ("s") " ORDER BY s.day, s.outlet_code",
    (const char *const[]) { "day", "outlet_id", "outlet", "supervisor", "supervisor_login", "signed_at",
                            "counted_cash_fen", "cash_expected_fen", "difference_fen", "reason", NULL } },
  { "adjustments", LISTED,
    "SELECT e.outlet_code, e.detail->>'day', e.number, e.name, e.detail->>'what', e.detail->>'reason',"
    " coalesce(k.data->>'name', ''), e.by, e.at, " APP_LOCAL_ID ("e") " FROM certdesk.report_app_event e"
    " LEFT JOIN certdesk.clerk k ON k.counter_uuid = e.counter_uuid AND k.local_id = (e.detail->>'supervisor_id')::bigint"
    " WHERE e.action = 'adjustment' AND e.detail->>'day' BETWEEN $1 AND $2" OUTLET ("e")
    " ORDER BY e.outlet_code, e.counter_uuid, e.row_id",
    (const char *const[]) { "day", "number", "name", "what", "reason", "supervisor", "by", "at", APP_ID, NULL } },
};

/* The local midnight starting @day (+ @add_days) as UTC text in the counters' form. */
static char *
midnight_utc (const char *day, int add_days)
{
  int y = 0, m = 0, d = 0;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autoptr(GDateTime) utc = NULL;

  sscanf (day, "%d-%d-%d", &y, &m, &d);   /* checked by cd_report_check_query */
  local = g_date_time_new_local (y, m, d, 0, 0, 0);
  later = g_date_time_add_days (local, add_days);
  utc = g_date_time_to_utc (later);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

void
cd_central_report_session_clear (CdCentralReportSession *s)
{
  g_clear_pointer (&s->conn, PQfinish);
  g_free (s->outlet);
  g_free (s->lo);
  g_free (s->hi);
}

PGresult *
cd_central_report_run (CdCentralReportSession *s, const CdCentralReportQuery *q, const char *sql, GError **error)
{
  const Oid types[] = { TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID };
  const char *const values[] = { q->from, q->to, s->outlet, s->lo, s->hi };
  g_autoptr(PGresult) res = PQexecParams (s->conn, sql, 5, types, values, NULL, NULL, 0);

  if (!cd_central_result_ok (s->conn, res, error))
    return NULL;
  return g_steal_pointer (&res);
}

static const char *const not_joined =
  N_("This counter has not joined a central database; give the head office's database with --url URL, or join "
     "one (certdesk-cli central join URL --outlet CODE --name NAME)");

/* Connects and settles which outlets the report covers: @outlets gets [code, name] pairs. An outlet's login
 * reads its own outlet only (row-level security would show it nothing of another's): asking it for another
 * is refused here, in words, rather than answered with an empty report. */
gboolean
cd_central_report_open (CdContext *ctx, const CdCentralReportQuery *q, CdCentralReportSession *s, GPtrArray *outlets,
                        GError **error)
{
  g_autofree char *joined = q->url ? NULL : cd_store_setting_dup (cd_context_get_store (ctx), "central.url");
  const char *url = q->url ? q->url : joined;
  g_autoptr(PGresult) mine = NULL;
  g_autoptr(PGresult) list = NULL;
  const char *own;

  if (!cd_report_check_query (&(CdReportQuery) { (char *) q->from, (char *) q->to, 0, 0 }, error))
    return FALSE;
  if (!url)
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED, _(not_joined));
      return FALSE;
    }
  if (!(s->conn = cd_central_connect (url, error)))
    return FALSE;
  s->keys = cd_store_get_keys (cd_context_get_store (ctx));
  s->lo = midnight_utc (q->from, 0);
  s->hi = midnight_utc (q->to, 1);
  mine = PQexec (s->conn, "SELECT o.code, o.name FROM certdesk.outlet o WHERE o.code = certdesk.my_outlet()");
  if (!cd_central_result_ok (s->conn, mine, error))
    return FALSE;
  own = PQntuples (mine) ? PQgetvalue (mine, 0, 0) : NULL;
  if (own && q->outlet && !g_str_equal (own, q->outlet))
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("This database login is outlet %s's (%s): it reads that outlet's report only, not outlet "
                     "%s's; the head office's login reads every outlet"), own, PQgetvalue (mine, 0, 1), q->outlet);
      return FALSE;
    }
  s->outlet = g_strdup (q->outlet ? q->outlet : own);
  {
    const char *const values[] = { s->outlet };
    list = PQexecParams (s->conn, "SELECT code, name FROM certdesk.outlet WHERE ($1::text IS NULL OR code = $1)"
                                  " ORDER BY code", 1, NULL, values, NULL, NULL, 0);
  }
  if (!cd_central_result_ok (s->conn, list, error))
    return FALSE;
  if (s->outlet && PQntuples (list) == 0)
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("--outlet: there is no outlet “%s” in the central database (an outlet's code, as "
                     "central init --outlet made it)"), s->outlet);
      return FALSE;
    }
  for (int i = 0; i < PQntuples (list); i++)
    {
      g_ptr_array_add (outlets, g_strdup (PQgetvalue (list, i, 0)));
      g_ptr_array_add (outlets, g_strdup (PQgetvalue (list, i, 1)));
    }
  return TRUE;
}

/* Column @col of @row as a JSON value: integers as integers, NULL as null, the rest as text. */
static void
set_value (JsonObject *o, const char *name, PGresult *res, int row, int col)
{
  Oid type = PQftype (res, col);

  if (PQgetisnull (res, row, col))
    json_object_set_null_member (o, name);
  else if (type == INT8_OID || type == INT4_OID || type == INT2_OID)
    json_object_set_int_member (o, name, g_ascii_strtoll (PQgetvalue (res, row, col), NULL, 10));
  else
    json_object_set_string_member (o, name, PQgetvalue (res, row, col));
}

/* A person's name as this counter's key set opens it (the CA's, once the counters share it); a name sealed
 * under another key set is said to be so, never shown as its ciphertext. */
char *
cd_central_report_open_name (CdKeys *keys, gint64 app_id, const char *value)
{
  g_autoptr(GError) error = NULL;
  char *clear;

  if (!value || !cd_keys_is_sealed_text (value))
    return g_strdup (value);
  if (keys && (clear = cd_field_open (keys, "application", app_id, "name", value, &error)))
    return clear;
  g_debug ("central report: a name of application %" G_GINT64_FORMAT " does not open here: %s", app_id,
           error ? error->message : "no key set");
  return g_strdup (_("(sealed under another key set)"));
}

static JsonObject *
row_object (const Section *sec, PGresult *res, int row, CdKeys *keys)
{
  JsonObject *o = json_object_new ();
  gint64 app_id = -1;

  for (int c = 0; sec->columns[c]; c++)
    if (g_str_equal (sec->columns[c], APP_ID))
      app_id = PQgetisnull (res, row, c + 1) ? -1 : g_ascii_strtoll (PQgetvalue (res, row, c + 1), NULL, 10);
    else
      set_value (o, sec->columns[c], res, row, c + 1);
  if (app_id >= 0 && json_object_has_member (o, "name") && !json_object_get_null_member (o, "name"))
    {
      g_autofree char *name = cd_central_report_open_name (keys, app_id, json_object_get_string_member (o, "name"));
      json_object_set_string_member (o, "name", name);
    }
  return o;
}

/* The key of a SUMMED row: its text columns (business and applicant type, profile, method …). */
static char *
row_key (const Section *sec, PGresult *res, int row)
{
  GString *key = g_string_new (NULL);

  for (int c = 0; sec->columns[c]; c++)
    if (PQftype (res, c + 1) == TEXT_OID)
      {
        g_string_append (key, PQgetisnull (res, row, c + 1) ? "" : PQgetvalue (res, row, c + 1));
        g_string_append_c (key, '\x1f');
      }
  return g_string_free (key, FALSE);
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Runs one section and adds it to every outlet's object (@parts: code → JsonObject) and to @total. */
static gboolean
add_section (CdCentralReportSession *s, const CdCentralReportQuery *q, const Section *sec, GHashTable *parts,
             JsonObject *total,
             GError **error)
{
  CdKeys *crypt_keys = s->keys;
  g_autoptr(PGresult) res = cd_central_report_run (s, q, sec->sql, error);
  g_autoptr(GHashTable) sums = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  GHashTableIter it;
  gpointer value;
  JsonArray *all;

  if (!res)
    return FALSE;
  /* Every outlet has every member, also when it had nothing in the period. */
  g_hash_table_iter_init (&it, parts);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (sec->kind == SCALARS)
      for (int c = 0; sec->columns[c]; c++)
        json_object_set_int_member (value, sec->columns[c], 0);
    else
      json_object_set_array_member (value, sec->member, json_array_new ());
  if (sec->kind == SCALARS)
    {
      for (int c = 0; sec->columns[c]; c++)
        {
          gint64 sum = 0;

          for (int r = 0; r < PQntuples (res); r++)
            {
              JsonObject *part = g_hash_table_lookup (parts, PQgetvalue (res, r, 0));
              gint64 v = PQgetisnull (res, r, c + 1) ? 0 : g_ascii_strtoll (PQgetvalue (res, r, c + 1), NULL, 10);

              if (!part)
                continue;
              json_object_set_int_member (part, sec->columns[c], v);
              sum += v;
            }
          json_object_set_int_member (total, sec->columns[c], sum);
        }
      return TRUE;
    }
  all = json_array_new ();
  json_object_set_array_member (total, sec->member, all);
  sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  keys = g_ptr_array_new ();
  for (int r = 0; r < PQntuples (res); r++)
    {
      JsonObject *part = g_hash_table_lookup (parts, PQgetvalue (res, r, 0));
      g_autofree char *key = NULL;
      JsonObject *sum;

      if (!part)
        continue;
      json_array_add_object_element (json_object_get_array_member (part, sec->member), row_object (sec, res, r, crypt_keys));
      if (sec->kind == LISTED)
        {
          /* In total a listed row says whose it is (application numbers are each counter's own). */
          JsonObject *o = row_object (sec, res, r, crypt_keys);

          json_object_set_string_member (o, "outlet_code", PQgetvalue (res, r, 0));
          json_object_set_string_member (o, "outlet", json_object_get_string_member (part, "name"));
          json_array_add_object_element (all, o);
          continue;
        }
      key = row_key (sec, res, r);
      if (!(sum = g_hash_table_lookup (sums, key)))
        {
          g_ptr_array_add (keys, key);
          g_hash_table_insert (sums, g_steal_pointer (&key), row_object (sec, res, r, crypt_keys));
          continue;
        }
      for (int c = 0; sec->columns[c]; c++)
        if (PQftype (res, c + 1) != TEXT_OID && !PQgetisnull (res, r, c + 1))
          json_object_set_int_member (sum, sec->columns[c], json_object_get_int_member (sum, sec->columns[c])
                                                              + g_ascii_strtoll (PQgetvalue (res, r, c + 1), NULL, 10));
    }
  /* In total, the rows of figures in the order of their keys, as each outlet's are. */
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    json_array_add_object_element (all, json_object_ref (g_hash_table_lookup (sums, keys->pdata[i])));
  return TRUE;
}

/* The money of an outlet or of the total: by project and by way of payment, and the totals. */
typedef struct {
  GHashTable *by_profile;   /* id → gint64[3]: payments, amount_fen (net), refunded_fen */
  GHashTable *by_method;
  gint64      total, refunded, cash;
} Money;

static void
money_init (Money *m)
{
  m->by_profile = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  m->by_method = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  m->total = m->refunded = m->cash = 0;
}

static void
money_add_to (GHashTable *table, const char *key, const gint64 *v)
{
  gint64 *sums = g_hash_table_lookup (table, key);

  if (!sums)
    g_hash_table_insert (table, g_strdup (key), sums = g_new0 (gint64, 3));
  for (int i = 0; i < 3; i++)
    sums[i] += v[i];
}

static void
money_add (Money *m, const char *profile, const char *method, const gint64 *v)
{
  money_add_to (m->by_profile, profile, v);
  money_add_to (m->by_method, method, v);
  m->total += v[1];
  m->refunded += v[2];
  if (g_strcmp0 (method, "cash") == 0)
    m->cash += v[1];
}

/* Rows in the order of their keys, as the counter's report orders them. */
static JsonArray *
money_rows (GHashTable *table, const char *key_member)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  JsonArray *rows = json_array_new ();
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      const gint64 *v = g_hash_table_lookup (table, keys->pdata[i]);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, key_member, keys->pdata[i]);
      json_object_set_int_member (o, "payments", v[0]);
      json_object_set_int_member (o, "amount_fen", v[1]);
      json_object_set_int_member (o, "refunded_fen", v[2]);
      json_array_add_object_element (rows, o);
    }
  return rows;
}

static void
money_set (Money *m, JsonObject *o)
{
  json_object_set_array_member (o, "fees_by_profile", money_rows (m->by_profile, "profile"));
  json_object_set_array_member (o, "fees_by_method", money_rows (m->by_method, "method"));
  json_object_set_int_member (o, "fees_total_fen", m->total);
  json_object_set_int_member (o, "refunds_total_fen", m->refunded);
  json_object_set_int_member (o, "cash_expected_fen", m->cash);
  g_hash_table_unref (m->by_profile);
  g_hash_table_unref (m->by_method);
}

/* The fees as the counter's report has them (payments of the period and refunds of the period netted, by
 * project, by way of payment, in total and in cash), from one query grouped by outlet, project and way of
 * payment instead of one query per figure. */
static gboolean
add_money (CdCentralReportSession *s, const CdCentralReportQuery *q, const Section *sec, GHashTable *parts,
           JsonObject *total,
           GError **error)
{
  g_autoptr(PGresult) res = cd_central_report_run (s, q, sec->sql, error);
  g_autoptr(GHashTable) per_outlet = NULL;
  GHashTableIter it;
  gpointer code, part;
  Money all;

  if (!res)
    return FALSE;
  per_outlet = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_iter_init (&it, parts);
  while (g_hash_table_iter_next (&it, &code, NULL))
    {
      Money *m = g_new (Money, 1);
      money_init (m);
      g_hash_table_insert (per_outlet, code, m);
    }
  money_init (&all);
  for (int r = 0; r < PQntuples (res); r++)
    {
      Money *m = g_hash_table_lookup (per_outlet, PQgetvalue (res, r, 0));
      const char *profile = PQgetvalue (res, r, 1), *method = PQgetvalue (res, r, 2);
      gint64 v[3];

      if (!m)
        continue;
      for (int i = 0; i < 3; i++)
        v[i] = g_ascii_strtoll (PQgetvalue (res, r, 3 + i), NULL, 10);
      money_add (m, profile, method, v);
      money_add (&all, profile, method, v);
    }
  g_hash_table_iter_init (&it, parts);
  while (g_hash_table_iter_next (&it, &code, &part))
    money_set (g_hash_table_lookup (per_outlet, code), part);
  money_set (&all, total);
  return TRUE;
}

/* The certificates' figures of an outlet or of the total: count by (kind, business) and keys by kind, keyed
 * "kind\x1fbusiness" and "kind": sorted, the keys give the order the counter's report has (kind, then business). */
typedef struct {
  GHashTable *certificates;   /* key → gint64 * */
  GHashTable *keys;
} Certs;

static void
certs_add_to (GHashTable *table, char *key, gint64 n)
{
  gint64 *sum = g_hash_table_lookup (table, key);

  if (!sum)
    g_hash_table_insert (table, key, sum = g_new0 (gint64, 1));
  else
    g_free (key);
  *sum += n;
}

/* As the counter's report counts them: a renewal's certificate is "renewed", any other "issued"; a key is new
 * for a new certificate, a replacement for a replaced one (other businesses reuse the key they have). */
static void
certs_add (Certs *c, const char *business, gint64 n)
{
  const char *kind = g_str_equal (business, "renew") ? "renewed" : "issued";

  certs_add_to (c->certificates, g_strconcat (kind, "\x1f", business, NULL), n);
  if (g_str_equal (business, "new") || g_str_equal (business, "replace"))
    certs_add_to (c->keys, g_strdup (g_str_equal (business, "replace") ? "replacement" : "new"), n);
}

static JsonArray *
certs_rows (GHashTable *table, gboolean with_business)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  JsonArray *rows = json_array_new ();
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (keys->pdata[i], "\x1f", 2);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "kind", parts[0]);
      if (with_business)
        json_object_set_string_member (o, "business", parts[1]);
      json_object_set_int_member (o, "count", *(gint64 *) g_hash_table_lookup (table, keys->pdata[i]));
      json_array_add_object_element (rows, o);
    }
  return rows;
}

static void
certs_free (Certs *c)
{
  g_hash_table_unref (c->certificates);
  g_hash_table_unref (c->keys);
  g_free (c);
}

static Certs *
certs_new (void)
{
  Certs *c = g_new (Certs, 1);

  c->certificates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return c;
}

static void
certs_set (Certs *c, JsonObject *o)
{
  json_object_set_array_member (o, "certificates", certs_rows (c->certificates, TRUE));
  json_object_set_array_member (o, "keys", certs_rows (c->keys, FALSE));
}

/* "certificates" and "keys" of every outlet and of the total from one query (outlet, business, count): both
 * read the same certificates of the period, with their applications' business. */
static gboolean
add_certificates (CdCentralReportSession *s, const CdCentralReportQuery *q, const Section *sec, GHashTable *parts,
                  JsonObject *total, GError **error)
{
  g_autoptr(PGresult) res = cd_central_report_run (s, q, sec->sql, error);
  g_autoptr(GHashTable) per_outlet = NULL;
  Certs *all;
  GHashTableIter it;
  gpointer code, part;

  if (!res)
    return FALSE;
  per_outlet = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) certs_free);
  g_hash_table_iter_init (&it, parts);
  while (g_hash_table_iter_next (&it, &code, NULL))
    g_hash_table_insert (per_outlet, code, certs_new ());
  all = certs_new ();
  for (int r = 0; r < PQntuples (res); r++)
    {
      Certs *c = g_hash_table_lookup (per_outlet, PQgetvalue (res, r, 0));
      gint64 n = g_ascii_strtoll (PQgetvalue (res, r, 2), NULL, 10);

      if (!c)
        continue;
      certs_add (c, PQgetvalue (res, r, 1), n);
      certs_add (all, PQgetvalue (res, r, 1), n);
    }
  g_hash_table_iter_init (&it, parts);
  while (g_hash_table_iter_next (&it, &code, &part))
    certs_set (g_hash_table_lookup (per_outlet, code), part);
  certs_set (all, total);
  certs_free (all);
  return TRUE;
}

JsonNode *
cd_central_report_build (CdContext *ctx, const CdCentralReportQuery *q, GError **error)
{
  g_auto(CdCentralReportSession) s = { 0 };
  g_autoptr(GPtrArray) outlets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) parts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonObject) total = json_object_new ();
  JsonArray *list = json_array_new ();
  JsonNode *root;

  if (!cd_central_report_open (ctx, q, &s, outlets, error))
    {
      json_array_unref (list);
      return NULL;
    }
  json_object_set_string_member (total, "from", q->from);
  json_object_set_string_member (total, "to", q->to);
  json_object_set_int_member (total, "outlet_id", 0);
  json_object_set_int_member (total, "clerk_id", 0);
  json_object_set_boolean_member (total, "central", TRUE);
  if (s.outlet)
    {
      json_object_set_string_member (total, "outlet", s.outlet);
      json_object_set_string_member (total, "outlet_name", outlets->len ? outlets->pdata[1] : s.outlet);
    }
  else
    {
      json_object_set_null_member (total, "outlet");
      json_object_set_null_member (total, "outlet_name");
    }
  for (guint i = 0; i < outlets->len; i += 2)
    {
      JsonObject *part = json_object_new ();

      json_object_set_string_member (part, "code", outlets->pdata[i]);
      json_object_set_string_member (part, "name", outlets->pdata[i + 1]);
      json_object_set_string_member (part, "from", q->from);
      json_object_set_string_member (part, "to", q->to);
      json_array_add_object_element (list, part);
      g_hash_table_insert (parts, outlets->pdata[i], part);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (!(sections[i].kind == MONEY ? add_money : sections[i].kind == CERTS ? add_certificates : add_section)
          (&s, q, &sections[i], parts, total, error))
      {
        json_array_unref (list);
        return NULL;
      }
  /* Profiles, materials and actors by name, as the counter's report names them. */
  cd_report_name (ctx, total);
  for (guint i = 0; i < json_array_get_length (list); i++)
    cd_report_name (ctx, json_array_get_object_element (list, i));
  json_object_set_array_member (total, "outlets", list);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, total);
  return root;
}
