/* cd-central-report-schema.c: central migration 9, the columns and indexes the head office's report reads
 * (cd-central-report.c); cd-central-schema.c lists it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-central-report.h"

/* Central migration 9 (docs/central.md "The head office's report"): what the day report groups, sums and joins
 * by, as stored generated columns beside the row's JSON, and covering indexes on the day, so that the report
 * reads a day's narrow index tuples instead of extracting fields from every wide jsonb row of the day (9.2 s
 * over 2 million applications before; the figures are the same, only where they are read from changed). The
 * views keep their columns; report_application names its clerk by a sub-select, which costs nothing when the
 * clerk's name is not asked for (a join to clerk was kept in every plan, clerk's (counter, row) being not
 * declared unique). The expression indexes these columns replace are dropped (fewer indexes for the push). */
const char cd_central_migration_report_columns[] =
  "ALTER TABLE certdesk.application"
  "  ADD COLUMN business text GENERATED ALWAYS AS (data->>'business') STORED,"
  "  ADD COLUMN applicant_type text GENERATED ALWAYS AS (data->>'applicant_type') STORED,"
  "  ADD COLUMN profile text GENERATED ALWAYS AS (data->>'profile') STORED,"
  "  ADD COLUMN clerk_id bigint GENERATED ALWAYS AS ((data->>'clerk_id')::bigint) STORED,"
  /* Finished: issued or closed; an activation (应用开通) has no issue step and is finished once printed. */
  "  ADD COLUMN completed boolean GENERATED ALWAYS AS (data->>'state' IN ('issued','closed')"
  "    OR (data->>'business' = 'app-open' AND data->>'state' = 'printed')) STORED;"
  "ALTER TABLE certdesk.payment"
  "  ADD COLUMN method text GENERATED ALWAYS AS (data->>'method') STORED,"
  "  ADD COLUMN app_uuid uuid GENERATED ALWAYS AS ((data->>'application_uuid')::uuid) STORED;"
  "ALTER TABLE certdesk.certificate"
  "  ADD COLUMN day text GENERATED ALWAYS AS (data->>'day') STORED,"
  "  ADD COLUMN revoked_at text GENERATED ALWAYS AS (data->>'revoked_at') STORED,"
  "  ADD COLUMN app_uuid uuid GENERATED ALWAYS AS ((data->>'application_uuid')::uuid) STORED;"
  "CREATE INDEX application_report_day ON certdesk.application (day, outlet_code)"
  "  INCLUDE (business, applicant_type, state, completed, uuid, profile) WHERE NOT deleted;"
  "CREATE INDEX application_report_uuid ON certdesk.application (uuid) INCLUDE (profile, business) WHERE NOT deleted;"
  "CREATE INDEX payment_report_day ON certdesk.payment (day, outlet_code) INCLUDE (app_uuid, method, amount_fen)"
  "  WHERE NOT deleted;"
  "CREATE INDEX payment_report_app ON certdesk.payment (app_uuid) INCLUDE (method, amount_fen) WHERE NOT deleted;"
  "CREATE INDEX certificate_report_day ON certdesk.certificate (day) INCLUDE (outlet_code, app_uuid)"
  "  WHERE NOT deleted;"
  "CREATE INDEX certificate_report_revoked ON certdesk.certificate (revoked_at) INCLUDE (outlet_code)"
  "  WHERE state = 'revoked' AND NOT deleted;"
  "CREATE INDEX certificate_report_app ON certdesk.certificate (app_uuid);"
  /* Voids (and the refunds they make): a handful a day among the day's hundreds of thousands of state changes,
   * which the (action, at) index would each fetch to read the detail's target state. */
  "CREATE INDEX audit_row_report_void ON certdesk.audit_row ((data->>'at')) WHERE data->>'entity' = 'application'"
  "  AND data->>'action' = 'application.state' AND certdesk.as_jsonb(data->'detail')->>'to' = 'voided';"
  "DO $$ DECLARE i text; BEGIN\n"
  "  FOR i IN SELECT indexname FROM pg_indexes WHERE schemaname = 'certdesk' AND (\n"
  "      (tablename = 'payment' AND indexdef LIKE '%((data ->> ''application_uuid''::text))::uuid)%')\n"
  "      OR (tablename = 'certificate' AND (indexdef LIKE '%((data ->> ''application_uuid''::text))::uuid)%'\n"
  "        OR indexdef LIKE '%((data ->> ''day''::text))%' OR indexdef LIKE '%((data ->> ''revoked_at''::text))%')))\n"
  "  LOOP EXECUTE format('DROP INDEX certdesk.%I', i); END LOOP;\n"
  "END $$;"
  "CREATE OR REPLACE VIEW certdesk.report_application WITH (security_invoker = true) AS"
  "  SELECT a.uuid AS app_uuid, a.outlet_code, a.counter_uuid, a.local_id, a.number, a.state, a.day,"
  "    a.business, a.applicant_type, a.profile, a.data->>'name' AS name, a.data->>'step' AS step,"
  "    (a.data->>'fee_total_fen')::bigint AS fee_total_fen, a.data->>'void_reason' AS void_reason,"
  "    (SELECT k.data->>'name' FROM certdesk.clerk k WHERE k.counter_uuid = a.counter_uuid"
  "       AND k.local_id = a.clerk_id LIMIT 1) AS clerk_name,"
  "    a.completed"
  "  FROM certdesk.application a WHERE NOT a.deleted;"
  "CREATE OR REPLACE VIEW certdesk.report_payment WITH (security_invoker = true) AS"
  "  SELECT p.outlet_code, p.counter_uuid, p.local_id, p.day, p.amount_fen, p.method, a.uuid AS app_uuid, a.profile"
  "  FROM certdesk.payment p JOIN certdesk.application a ON a.uuid = p.app_uuid AND NOT a.deleted"
  "  WHERE NOT p.deleted;"
  "CREATE OR REPLACE VIEW certdesk.report_refund WITH (security_invoker = true) AS"
  "  SELECT e.*, p.method, p.amount_fen"
  "  FROM certdesk.report_app_event e"
  "  JOIN certdesk.payment p ON p.app_uuid = e.app_uuid AND NOT p.deleted"
  "  WHERE e.action = 'application.state' AND e.detail->>'to' = 'voided';"
  "CREATE OR REPLACE VIEW certdesk.report_certificate WITH (security_invoker = true) AS"
  "  SELECT c.outlet_code, c.day, c.state, c.revoked_at, a.business"
  "  FROM certdesk.certificate c LEFT JOIN certdesk.application a ON a.uuid = c.app_uuid AND NOT a.deleted"
  "  WHERE NOT c.deleted;";
