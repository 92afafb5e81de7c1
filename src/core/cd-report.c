/* cd-report.c: report figures straight from the records, in SQL over the day columns and the audit log. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-report.h"
#include "cd-report-signoff.h"
#include "cd-state.h"

gboolean
cd_report_check_query (const CdReportQuery *q, GError **error)
{
  const char *dates[2] = { q->from, q->to };

  for (int i = 0; i < 2; i++)
    {
      g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", dates[i] ? dates[i] : "");
      g_autoptr(GDateTime) dt = dates[i] && strlen (dates[i]) == 10 ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

      if (!dt)
        {
          g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION,
                       _("“%s” is not a date of the form YYYY-MM-DD"), dates[i] ? dates[i] : "");
          return FALSE;
        }
    }
  if (g_strcmp0 (q->from, q->to) > 0)
    {
      g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION, _("The period starts (%s) after it ends (%s)"),
                   q->from, q->to);
      return FALSE;
    }
  return TRUE;
}

char *
cd_report_difference_text (gint64 difference_fen)
{
  g_autofree char *amount = cd_fen_to_yuan_string (ABS (difference_fen));

  if (difference_fen < 0)
    /* TRANSLATORS: the cash counted is less than the records expect (短款) */
    return g_strdup_printf (_("Short ¥%s"), amount);
  if (difference_fen > 0)
    /* TRANSLATORS: the cash counted is more than the records expect (长款) */
    return g_strdup_printf (_("Over ¥%s"), amount);
  return g_strdup (_("No difference"));
}

/* Every query binds ?1 from, ?2 to, ?3 outlet (0 = all), ?4 clerk (0 = all). */
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

#define APP_FILTER " AND (?3 = 0 OR a.outlet_id = ?3) AND (?4 = 0 OR a.clerk_id = ?4)"
/* audit_log.at is UTC: a bound the (action, at) index can use around the local-date test (zones are < 1 day off). */
#define AUDIT_DAYS " AND l.at >= date(?1, '-1 day') AND l.at < date(?2, '+2 days')"

/* A person instead of an audit actor ("clerk:boss" → the clerk's name); another actor (the CLI, the system)
 * stays as it is. */
#define ACTOR_NAME(col) " coalesce((SELECT k.name FROM clerk k WHERE 'clerk:' || k.login = " col "), " col ")"

/* Finished: issued or closed. An activation (应用开通), a revocation and a suspension are done on their
 * certificate step after printing (the GUI's cd-cert-action-page.c, the CLI's accept), which moves them to issued. */
#define COMPLETED "(a.state IN ('issued','closed'))"

/* A paid application voided in the period: the payment is refunded (退款) on the day of the void. */
#define REFUNDS \
  " FROM audit_log l JOIN application a ON a.id = l.entity_id AND l.entity = 'application'" \
  " JOIN payment p ON p.application_id = a.id" \
  " WHERE l.action = 'application.state' AND json_extract(l.detail, '$.to') = 'voided'" \
  " AND date(l.at, 'localtime') BETWEEN ?1 AND ?2" AUDIT_DAYS APP_FILTER

/* Payments of the period and refunds of the period as signed rows: what the totals net. */
#define PAYMENTS_NET(cols) \
  " FROM (SELECT " cols ", 1 AS n, p.amount_fen AS amount, 0 AS refunded FROM payment p" \
  "  JOIN application a ON a.id = p.application_id WHERE p.day BETWEEN ?1 AND ?2" APP_FILTER \
  " UNION ALL SELECT " cols ", 0, -p.amount_fen, p.amount_fen" REFUNDS ")"

/* Adds an array member of objects, one per row, named by @columns; integer columns stay integers. */
static gboolean
add_rows (JsonBuilder *b, CdContext *ctx, const CdReportQuery *q, const char *member, const char *sql,
          const char *const *columns, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!prepare (ctx, q, sql, &stmt, error))
    return FALSE;
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (b);
      for (int c = 0; columns[c]; c++)
        {
          json_builder_set_member_name (b, columns[c]);
          switch (sqlite3_column_type (stmt, c))
            {
            case SQLITE_INTEGER:
              json_builder_add_int_value (b, sqlite3_column_int64 (stmt, c));
              break;
            case SQLITE_NULL:
              json_builder_add_null_value (b);
              break;
            default:
              json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, c));
            }
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (rc != SQLITE_DONE)
    return cd_store_set_error (cd_context_get_store (ctx), error);
  return TRUE;
}

static gboolean
add_scalar (JsonBuilder *b, CdContext *ctx, const CdReportQuery *q, const char *member, const char *sql,
            GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!prepare (ctx, q, sql, &stmt, error))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return cd_store_set_error (cd_context_get_store (ctx), error);
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, sqlite3_column_int64 (stmt, 0));
  return TRUE;
}

/* The fees by profile carry the profile's names beside its id: "profile_name" in the UI language (page, CLI)
 * and "profile_name_zh" for the Chinese PDF. A profile no longer shipped keeps its id as its name. */
static void
name_profiles (CdContext *ctx, JsonObject *r)
{
  static const char *const members[] = { "fees_by_profile", "refunds", "waivers" };

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      JsonArray *a = json_object_get_array_member (r, members[m]);

      for (guint i = 0; a && i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          const char *id = json_object_get_string_member (o, "profile");
          CdProfile *profile = cd_context_lookup_profile (ctx, id, NULL);

          json_object_set_string_member (o, "profile_name", profile ? cd_profile_display_name (profile) : id);
          json_object_set_string_member (o, "profile_name_zh",
                                         profile && profile->name_zh ? profile->name_zh : profile ? profile->name : id);
          /* A waived material by its label, never its code ("agent_id"). */
          if (json_object_has_member (o, "material"))
            {
              const char *code = json_object_get_string_member (o, "material");
              const char *label = code, *label_zh = code;

              for (guint k = 0; profile && profile->materials && k < profile->materials->len; k++)
                {
                  const CdMaterial *mat = profile->materials->pdata[k];

                  if (g_strcmp0 (mat->code, code) == 0)
                    {
                      label = cd_localized (mat->label, mat->label_zh);
                      label_zh = mat->label_zh ? mat->label_zh : mat->label;
                      break;
                    }
                }
              json_object_set_string_member (o, "material_name", label ? label : "");
              json_object_set_string_member (o, "material_name_zh", label_zh ? label_zh : "");
            }
        }
    }
}

/* The clerks are named in SQL (ACTOR_NAME); what is left is another actor: "cli:root" is the command line run
 * by that system user, said in words. */
static void
name_actors (JsonObject *r)
{
  static const char *const members[] = { "voids", "refunds", "adjustments" };

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      JsonArray *a = json_object_has_member (r, members[m]) ? json_object_get_array_member (r, members[m]) : NULL;

      for (guint i = 0; a && i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          const char *by = json_object_has_member (o, "by") ? json_object_get_string_member (o, "by") : NULL;

          if (by && g_str_has_prefix (by, "cli:"))
            {
              g_autofree char *text = g_strdup_printf (_("command line (user %s)"), by + 4);
              json_object_set_string_member (o, "by", text);
            }
        }
    }
}

void
cd_report_name (CdContext *ctx, JsonObject *report)
{
  name_profiles (ctx, report);
  name_actors (report);
}

JsonNode *
cd_report_build (CdContext *ctx, const CdReportQuery *q, GError **error)
{
  JsonNode *root;

  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!cd_report_check_query (q, error))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, q->from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, q->to);
  json_builder_set_member_name (b, "outlet_id");
  json_builder_add_int_value (b, q->outlet_id);
  json_builder_set_member_name (b, "clerk_id");
  json_builder_add_int_value (b, q->clerk_id);

  if (!add_rows (b, ctx, q, "applications",
                 "SELECT a.business, a.applicant_type, count(*),"
                 " sum(a.state = 'voided'), sum" COMPLETED
                 " FROM application a WHERE a.day BETWEEN ?1 AND ?2" APP_FILTER
                 " GROUP BY a.business, a.applicant_type ORDER BY a.business, a.applicant_type",
                 (const char *const[]) { "business", "applicant_type", "count", "voided", "completed", NULL }, error)
      || !add_rows (b, ctx, q, "certificates",
                    "SELECT CASE WHEN a.business = 'renew' THEN 'renewed' ELSE 'issued' END, a.business, count(*)"
                    " FROM certificate c JOIN application a ON a.id = c.application_id"
                    " WHERE c.day BETWEEN ?1 AND ?2" APP_FILTER " GROUP BY 1, 2 ORDER BY 1, 2",
                    (const char *const[]) { "kind", "business", "count", NULL }, error)
      || !add_scalar (b, ctx, q, "certificates_revoked",
                      "SELECT count(*) FROM certificate c LEFT JOIN application a ON a.id = c.application_id"
                      " WHERE c.state = 'revoked' AND date(c.revoked_at, 'localtime') BETWEEN ?1 AND ?2"
                      " AND (?3 = 0 OR a.outlet_id = ?3) AND (?4 = 0 OR a.clerk_id = ?4)", error)
      || !add_rows (b, ctx, q, "keys",
                    "SELECT CASE WHEN a.business = 'replace' THEN 'replacement' ELSE 'new' END, count(*)"
                    " FROM certificate c JOIN application a ON a.id = c.application_id"
                    " WHERE c.day BETWEEN ?1 AND ?2 AND a.business IN ('new','replace')" APP_FILTER
                    " GROUP BY 1 ORDER BY 1",
                    (const char *const[]) { "kind", "count", NULL }, error)
      || !add_scalar (b, ctx, q, "keys_spoiled",
                      "SELECT count(*) FROM token t LEFT JOIN application a ON a.id = t.application_id"
                      " WHERE t.state = 'damaged' AND date(t.updated_at, 'localtime') BETWEEN ?1 AND ?2"
                      " AND (?3 = 0 OR a.outlet_id IS NULL OR a.outlet_id = ?3)"
                      " AND (?4 = 0 OR a.clerk_id IS NULL OR a.clerk_id = ?4)", error)
      /* Money is netted: a refund (a paid application voided) is taken off its profile, its method, the
       * total and the cash expected, and listed under "refunds". amount_fen is net, refunded_fen beside it. */
      || !add_rows (b, ctx, q, "fees_by_profile",
                    "SELECT profile, sum(n), sum(amount), sum(refunded)" PAYMENTS_NET ("a.profile AS profile")
                    " GROUP BY profile ORDER BY profile",
                    (const char *const[]) { "profile", "payments", "amount_fen", "refunded_fen", NULL }, error)
      || !add_rows (b, ctx, q, "fees_by_method",
                    "SELECT method, sum(n), sum(amount), sum(refunded)" PAYMENTS_NET ("p.method AS method")
                    " GROUP BY method ORDER BY method",
                    (const char *const[]) { "method", "payments", "amount_fen", "refunded_fen", NULL }, error)
      || !add_scalar (b, ctx, q, "fees_total_fen",
                      "SELECT coalesce(sum(amount), 0)" PAYMENTS_NET ("p.method AS method"), error)
      || !add_scalar (b, ctx, q, "refunds_total_fen",
                      "SELECT coalesce(sum(refunded), 0)" PAYMENTS_NET ("p.method AS method"), error)
      || !add_scalar (b, ctx, q, "cash_expected_fen",
                      "SELECT coalesce(sum(amount), 0)" PAYMENTS_NET ("p.method AS method") " WHERE method = 'cash'",
                      error)
      || !add_rows (b, ctx, q, "refunds",
                    "SELECT a.number, cd_name(a.name, a.id), a.profile, p.method, p.amount_fen,"
                    " json_extract(l.detail, '$.reason'),"
                    ACTOR_NAME ("l.actor") ", l.at" REFUNDS " ORDER BY l.id",
                    (const char *const[]) { "number", "name", "profile", "method", "amount_fen", "reason", "by", "at",
                                            NULL }, error)
      || !add_rows (b, ctx, q, "voids",
                    "SELECT a.number, cd_name(a.name, a.id), json_extract(l.detail, '$.reason'),"
                    " " ACTOR_NAME ("l.actor") ", l.at"
                    " FROM audit_log l JOIN application a ON a.id = l.entity_id AND l.entity = 'application'"
                    " WHERE l.action = 'application.state' AND json_extract(l.detail, '$.to') = 'voided'"
                    " AND date(l.at, 'localtime') BETWEEN ?1 AND ?2" AUDIT_DAYS APP_FILTER " ORDER BY l.id",
                    (const char *const[]) { "number", "name", "reason", "by", "at", NULL }, error)
      || !add_rows (b, ctx, q, "waivers",
                    "SELECT a.number, cd_name(a.name, a.id), json_extract(l.detail, '$.material'),"
                    " json_extract(l.detail, '$.reason'),"
                    ACTOR_NAME ("l.actor") ", l.at, a.profile FROM audit_log l JOIN application a ON a.id = l.entity_id AND l.entity = 'application'"
                    " WHERE l.action = 'material.waive' AND date(l.at, 'localtime') BETWEEN ?1 AND ?2" AUDIT_DAYS APP_FILTER
                    " ORDER BY l.id",
                    (const char *const[]) { "number", "name", "material", "reason", "by", "at", "profile", NULL }, error)
      || !add_rows (b, ctx, q, "open",
                    "SELECT a.number, cd_name(a.name, a.id), a.state, a.step, a.day FROM application a"
                    " WHERE a.day <= ?2 AND a.state IN ('draft','checked','paid','printed') AND NOT " COMPLETED APP_FILTER
                    " ORDER BY a.day, a.number",
                    (const char *const[]) { "number", "name", "state", "step", "day", NULL }, error)
      || !cd_report_signoff_annotate (ctx, q, b, error))
    return NULL;
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cd_report_name (ctx, json_node_get_object (root));
  return root;
}

/* RFC 4180 quoting: always quote, double the quotes. Excel and LibreOffice read it with the BOM. */
static void
csv_field (GString *s, const char *text, gboolean last)
{
  g_string_append_c (s, '"');
  for (const char *c = text ? text : ""; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *c);
    }
  g_string_append (s, last ? "\"\r\n" : "\",");
}

static const char *const csv_headers[] = {
  N_("Number"), N_("Day"), N_("Outlet"), N_("Clerk"), N_("Profile"), N_("Business"), N_("Applicant type"),
  N_("Applicant"), N_("State"), N_("Fee (yuan)"), N_("Payment method"), N_("Paid (yuan)"), N_("Refunded (yuan)"),
  N_("Certificate serial"), N_("Void reason"), NULL
};

GString *
cd_report_csv_begin (void)
{
  GString *s = g_string_new ("\xEF\xBB\xBF");

  for (int i = 0; csv_headers[i]; i++)
    csv_field (s, _(csv_headers[i]), csv_headers[i + 1] == NULL);
  return s;
}

void
cd_report_csv_append_row (CdContext *ctx, GString *s, const char *const *fields)
{
  CdBusiness row_business = CD_BUSINESS_NEW;

  cd_business_from_code (fields[5], &row_business);
  for (int c = 0; c < CD_REPORT_CSV_COLUMNS; c++)
    {
      g_autofree char *text = NULL;
      CdBusiness bus;
      CdApplicantType type;
      CdState state;
      CdPaymentMethod method;
      CdProfile *profile;
      const char *raw = fields[c];

      if ((c == 9 || c == 11 || c == 12) && raw)
        text = cd_fen_to_yuan_string (g_ascii_strtoll (raw, NULL, 10));
      else if (c == 4 && raw && (profile = cd_context_lookup_profile (ctx, raw, NULL)))
        text = g_strdup (cd_profile_display_name (profile));   /* the project's name, not its id */
      else if (c == 5 && cd_business_from_code (raw, &bus))
        text = g_strdup (cd_business_label (bus));
      else if (c == 6 && cd_applicant_type_from_code (raw, &type))
        text = g_strdup (cd_applicant_type_label (type));
      else if (c == 8 && cd_state_from_code (raw, &state))
        /* an activation is finished once done on its certificate step (issued): 已开通, as on the page */
        text = g_strdup (row_business == CD_BUSINESS_APP_OPEN && state == CD_STATE_ISSUED ? C_("state", "Activated")
                                                                                         : cd_state_label (state));
      else if (c == 10 && cd_payment_method_from_code (raw, &method))
        text = g_strdup (cd_payment_method_label (method));
      else
        text = g_strdup (raw);
      csv_field (s, text, c == CD_REPORT_CSV_COLUMNS - 1);
    }
}

gint64
cd_report_count_applications (CdContext *ctx, const CdReportQuery *q, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!prepare (ctx, q, "SELECT count(*) FROM application a WHERE a.day BETWEEN ?1 AND ?2" APP_FILTER, &stmt, error))
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      cd_store_set_error (cd_context_get_store (ctx), error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

char *
cd_report_export_csv (CdContext *ctx, const CdReportQuery *q, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) s = NULL;
  g_autofree char *sha = NULL;
  gint64 rows = 0;
  int rc;

  if (!cd_report_check_query (q, error))
    return NULL;
  s = cd_report_csv_begin ();
  if (!prepare (ctx, q,
                "SELECT a.number, a.day, coalesce(o.name, ''), coalesce(k.name, ''), a.profile, a.business,"
                " a.applicant_type, cd_name(a.name, a.id), a.state, a.fee_total_fen,"
                " (SELECT p.method FROM payment p WHERE p.application_id = a.id ORDER BY p.id DESC LIMIT 1),"
                " (SELECT sum(p.amount_fen) FROM payment p WHERE p.application_id = a.id),"
                " CASE WHEN a.state = 'voided' THEN (SELECT sum(p.amount_fen) FROM payment p WHERE p.application_id = a.id) END,"
                " (SELECT group_concat(c.serial, ' ') FROM certificate c WHERE c.application_id = a.id),"
                " a.void_reason"
                " FROM application a LEFT JOIN outlet o ON o.id = a.outlet_id LEFT JOIN clerk k ON k.id = a.clerk_id"
                " WHERE a.day BETWEEN ?1 AND ?2" APP_FILTER " ORDER BY a.day, a.number", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *fields[CD_REPORT_CSV_COLUMNS];

      for (int c = 0; c < CD_REPORT_CSV_COLUMNS; c++)
        fields[c] = (const char *) sqlite3_column_text (stmt, c);
      cd_report_csv_append_row (ctx, s, fields);
      rows++;
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  /* The export carries names and identifiers out of the counter: record who took it, how many records and the
   * SHA-256 of exactly these bytes (what the file holds). */
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) s->str, s->len);
  if (!cd_report_audit_export_data (ctx, q, "csv", rows, sha, error))
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}
