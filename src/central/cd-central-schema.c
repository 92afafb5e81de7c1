/* cd-central-schema.c: the central PostgreSQL schema as numbered migrations (certdesk.schema_version). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-central.h"
#include "cd-central-outlets.h"
#include "cd-central-report.h"

/* One entity table: the record's UUID, the outlet and counter that own it, the counter's row id and the
 * sequence of the change that wrote it last (an older change never overwrites a newer one), and the row as the
 * counter holds it (jsonb). Columns searched or reported on are generated from the row. */
#define ENTITY(NAME, EXTRA) \
  "CREATE TABLE certdesk." NAME " (" \
  "  uuid uuid PRIMARY KEY," \
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code)," \
  "  counter_uuid uuid NOT NULL REFERENCES certdesk.counter(uuid)," \
  "  local_id bigint NOT NULL," \
  "  seq bigint NOT NULL," \
  "  deleted boolean NOT NULL DEFAULT false," \
  "  data jsonb NOT NULL," \
  "  updated_at timestamptz NOT NULL DEFAULT now()" EXTRA ");" \
  "CREATE INDEX ON certdesk." NAME " (outlet_code);"

#define GEN(COL, TYPE, EXPR) ", " COL " " TYPE " GENERATED ALWAYS AS (" EXPR ") STORED"

/* Row-level security: an outlet role writes only its own rows and reads its own; @SHARED tables (customers,
 * certificates, prices, clerks) are read by every outlet; the head office reads everything. No DELETE grant:
 * a deletion on a counter is a change event that marks the row deleted. */
#define RLS(NAME, SHARED_READ) \
  "ALTER TABLE certdesk." NAME " ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY outlet_read ON certdesk." NAME " FOR SELECT TO certdesk_outlet USING (" SHARED_READ ");" \
  "CREATE POLICY outlet_insert ON certdesk." NAME " FOR INSERT TO certdesk_outlet" \
  "  WITH CHECK (" OWN ");" \
  "CREATE POLICY outlet_update ON certdesk." NAME " FOR UPDATE TO certdesk_outlet" \
  "  USING (" OWN ") WITH CHECK (" OWN ");" \
  "CREATE POLICY head_office_read ON certdesk." NAME " FOR SELECT TO certdesk_head_office USING (true);" \
  "GRANT SELECT, INSERT, UPDATE ON certdesk." NAME " TO certdesk_outlet;" \
  "GRANT SELECT ON certdesk." NAME " TO certdesk_head_office;"

/* As a sub-select, my_outlet() is evaluated once per statement, not once per row (a batch is 500 rows). */
#define OWN "outlet_code = (SELECT certdesk.my_outlet())"

/* Migration 1. The group roles are created here when missing (central init runs as an administrator with
 * CREATEROLE); each outlet's login role is made by certdesk.add_outlet(). */
static const char migration_1[] =
  "DO $$ BEGIN"
  "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'certdesk_outlet') THEN"
  "    CREATE ROLE certdesk_outlet NOLOGIN; END IF;"
  "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'certdesk_head_office') THEN"
  "    CREATE ROLE certdesk_head_office NOLOGIN; END IF;"
  "END $$;"
  "GRANT USAGE ON SCHEMA certdesk TO certdesk_outlet, certdesk_head_office;"
  /* Outlets: the CA's service points, each with the database role its counters log in as. */
  "CREATE TABLE certdesk.outlet ("
  "  code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),"
  "  name text NOT NULL,"
  "  region text NOT NULL DEFAULT '',"
  "  db_role name UNIQUE,"
  "  created_at timestamptz NOT NULL DEFAULT now());"
  "GRANT SELECT ON certdesk.outlet TO certdesk_outlet, certdesk_head_office;"
  /* The outlet of the role connected (NULL for any other role). Not SECURITY DEFINER: current_user is the
   * caller, and the outlet table is readable by every CertDesk role. */
  "CREATE FUNCTION certdesk.my_outlet() RETURNS text LANGUAGE sql STABLE"
  "  AS $f$ SELECT code FROM certdesk.outlet WHERE db_role = current_user $f$;"
  "GRANT EXECUTE ON FUNCTION certdesk.my_outlet() TO certdesk_outlet, certdesk_head_office;"
  /* Counters: each joined SQLite file, with its own change sequence. */
  "CREATE TABLE certdesk.counter ("
  "  uuid uuid PRIMARY KEY,"
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code),"
  "  name text NOT NULL,"
  "  joined_at timestamptz NOT NULL DEFAULT now());"
  "ALTER TABLE certdesk.counter ENABLE ROW LEVEL SECURITY;"
  "CREATE POLICY outlet_read ON certdesk.counter FOR SELECT TO certdesk_outlet, certdesk_head_office USING (true);"
  "CREATE POLICY outlet_insert ON certdesk.counter FOR INSERT TO certdesk_outlet WITH CHECK (" OWN ");"
  "GRANT SELECT, INSERT ON certdesk.counter TO certdesk_outlet;"
  "GRANT SELECT ON certdesk.counter TO certdesk_head_office;"
  ENTITY ("customer", GEN ("kind", "text", "data->>'kind'") GEN ("name", "text", "data->>'name'")
          GEN ("uscc", "text", "data->>'uscc'") GEN ("id_number", "text", "data->>'id_number'"))
  "CREATE INDEX ON certdesk.customer (uscc);"
  "CREATE INDEX ON certdesk.customer (id_number);"
  "CREATE INDEX ON certdesk.customer (name);"
  ENTITY ("application", GEN ("number", "text", "data->>'number'") GEN ("state", "text", "data->>'state'")
          GEN ("day", "text", "data->>'day'") GEN ("applicant_uuid", "text", "data->>'applicant_uuid'"))
  "CREATE INDEX ON certdesk.application (day, outlet_code);"
  ENTITY ("payment", GEN ("amount_fen", "bigint", "(data->>'amount_fen')::bigint")
          GEN ("day", "text", "data->>'day'") GEN ("application_uuid", "text", "data->>'application_uuid'"))
  "CREATE INDEX ON certdesk.payment (day, outlet_code);"
  ENTITY ("certificate", GEN ("serial", "text", "data->>'serial'") GEN ("state", "text", "data->>'state'")
          GEN ("applicant_uuid", "text", "data->>'applicant_uuid'"))
  "CREATE INDEX ON certdesk.certificate (serial);"
  "CREATE INDEX ON certdesk.certificate (applicant_uuid);"
  ENTITY ("token", GEN ("serial", "text", "data->>'serial'"))
  /* Each counter's audit chain, row by row (local_id is the chain's order). */
  ENTITY ("audit_row", GEN ("hash", "text", "data->>'hash'") GEN ("prev_hash", "text", "data->>'prev_hash'"))
  "CREATE UNIQUE INDEX ON certdesk.audit_row (counter_uuid, local_id);"
  ENTITY ("signoff", GEN ("day", "text", "data->>'day'"))
  ENTITY ("price", "")
  ENTITY ("clerk", GEN ("login", "text", "data->>'login'"))
  RLS ("customer", "true") RLS ("certificate", "true") RLS ("price", "true") RLS ("clerk", "true")
  RLS ("application", OWN) RLS ("payment", OWN) RLS ("token", OWN) RLS ("audit_row", OWN) RLS ("signoff", OWN)
  /* The central copy of an audit chain is what anchors the counter's: an outlet adds rows, never changes one. */
  "REVOKE UPDATE ON certdesk.audit_row FROM certdesk_outlet;"
  "DROP POLICY outlet_update ON certdesk.audit_row;"
  /* Every change a counter pushed, in its order: the idempotent unit of sync (ON CONFLICT DO NOTHING on the
   * event's UUID and on (counter, seq)). Inserting one applies it to its entity table (the trigger below). */
  "CREATE TABLE certdesk.change_event ("
  "  event_uuid uuid PRIMARY KEY,"
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code),"
  "  counter_uuid uuid NOT NULL REFERENCES certdesk.counter(uuid),"
  "  seq bigint NOT NULL,"
  "  tbl text NOT NULL CHECK (tbl IN ('customer','application','payment','certificate','token','audit_row',"
  "    'signoff','price','clerk')),"
  "  record_uuid uuid NOT NULL,"
  "  local_id bigint NOT NULL,"
  "  op text NOT NULL CHECK (op IN ('insert','update','delete')),"
  "  row jsonb NOT NULL,"
  "  at timestamptz NOT NULL,"
  "  received_at timestamptz NOT NULL DEFAULT now(),"
  "  UNIQUE (counter_uuid, seq));"
  "ALTER TABLE certdesk.change_event ENABLE ROW LEVEL SECURITY;"
  /* Other outlets' events are readable for what every counter pulls: customers and certificates. */
  "CREATE POLICY outlet_read ON certdesk.change_event FOR SELECT TO certdesk_outlet"
  "  USING (" OWN " OR tbl IN ('customer','certificate'));"
  "CREATE POLICY outlet_insert ON certdesk.change_event FOR INSERT TO certdesk_outlet WITH CHECK (" OWN
  "  AND counter_uuid IN (SELECT c.uuid FROM certdesk.counter c WHERE c.outlet_code = (SELECT certdesk.my_outlet())));"
  "CREATE POLICY head_office_read ON certdesk.change_event FOR SELECT TO certdesk_head_office USING (true);"
  "GRANT SELECT, INSERT ON certdesk.change_event TO certdesk_outlet;"
  "GRANT SELECT ON certdesk.change_event TO certdesk_head_office;"
  /* Applies a statement's new events to their entity tables, set by set (one statement per table, not one per
   * row), as the role that pushed them (SECURITY INVOKER: the entity tables' row-level security holds). Within
   * a batch only a record's last change counts; a change older than the row's last one is skipped. Audit rows
   * are only ever added. Events skipped by ON CONFLICT DO NOTHING are not in new_events. */
  "CREATE FUNCTION certdesk.apply_change_events() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
  "DECLARE t text;\n"
  "BEGIN\n"
  "  INSERT INTO certdesk.audit_row (uuid, outlet_code, counter_uuid, local_id, seq, deleted, data)\n"
  "    SELECT record_uuid, outlet_code, counter_uuid, local_id, seq, op = 'delete', row FROM new_events\n"
  "    WHERE tbl = 'audit_row' ON CONFLICT DO NOTHING;\n"
  "  FOREACH t IN ARRAY ARRAY['customer','application','payment','certificate','token','signoff','price',"
  "'clerk'] LOOP\n"
  "    EXECUTE format($q$INSERT INTO certdesk.%I AS t (uuid, outlet_code, counter_uuid, local_id, seq, deleted, data)\n"
  "      SELECT DISTINCT ON (record_uuid) record_uuid, outlet_code, counter_uuid, local_id, seq, op = 'delete', row\n"
  "      FROM new_events WHERE tbl = $1 ORDER BY record_uuid, seq DESC\n"
  "      ON CONFLICT (uuid) DO UPDATE SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted,\n"
  "      data = CASE WHEN EXCLUDED.deleted THEN t.data ELSE EXCLUDED.data END, updated_at = now()\n"
  "      WHERE t.seq < EXCLUDED.seq$q$, t) USING t;\n"
  "  END LOOP;\n"
  "  RETURN NULL;\n"
  "END $f$;"
  "CREATE TRIGGER change_event_apply AFTER INSERT ON certdesk.change_event"
  "  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION certdesk.apply_change_events();"
  /* An outlet and its login role (created when missing: the caller needs CREATEROLE). The role has no
   * password here: the administrator gives it one (ALTER ROLE … PASSWORD, kept on the counter in .pgpass) or
   * maps a client certificate to it in pg_hba.conf. */
  "CREATE FUNCTION certdesk.add_outlet(p_code text, p_name text, p_role name) RETURNS void LANGUAGE plpgsql"
  "  AS $f$ BEGIN"
  "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN"
  "    EXECUTE format('CREATE ROLE %I LOGIN', p_role); END IF;"
  "  EXECUTE format('GRANT certdesk_outlet TO %I', p_role);"
  "  INSERT INTO certdesk.outlet (code, name, db_role) VALUES (p_code, p_name, p_role)"
  "    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, db_role = EXCLUDED.db_role;"
  "END $f$;"
  "REVOKE ALL ON FUNCTION certdesk.add_outlet(text, text, name) FROM PUBLIC;";

/* Migration: prices and clerk accounts set by the head office (issue 16 item 6, docs/central.md "From the
 * head office"). Rows of the head office, not of an outlet: a role granted certdesk_head_office writes them
 * (no DELETE: a price is cleared by marking it deleted, an account is disabled), every change takes the next
 * number of certdesk.hq_rev (what a counter pulled last is the number it asks above) and leaves a row in
 * hq_history (who, when, old and new; never a password hash). Every outlet reads the prices; the accounts are
 * read only through certdesk.hq_clerks_since(), which gives an account's password hash to its own outlet's
 * role alone (another outlet learns only that the login left it). */
static const char migration_hq[] =
  "CREATE SEQUENCE certdesk.hq_rev;"
  "CREATE TABLE certdesk.hq_price ("
  "  profile text NOT NULL,"
  "  business text NOT NULL,"
  "  variant text NOT NULL,"
  "  item text NOT NULL,"
  "  years integer NOT NULL DEFAULT 0 CHECK (years >= 0),"
  "  amount_fen bigint NOT NULL CHECK (amount_fen BETWEEN 0 AND 100000000),"
  "  allow_local boolean NOT NULL DEFAULT false,"
  "  deleted boolean NOT NULL DEFAULT false,"
  "  rev bigint NOT NULL DEFAULT 0,"
  "  set_by name NOT NULL DEFAULT current_user,"
  "  set_at timestamptz NOT NULL DEFAULT now(),"
  "  PRIMARY KEY (profile, business, variant, item, years));"
  "CREATE INDEX ON certdesk.hq_price (rev);"
  "CREATE TABLE certdesk.hq_clerk ("
  "  login text PRIMARY KEY CHECK (login ~ '^[A-Za-z0-9._-]{2,32}$'),"
  "  name text NOT NULL CHECK (btrim(name) <> ''),"
  "  role text NOT NULL CHECK (role IN ('clerk','supervisor','printer')),"
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code),"
  "  enabled boolean NOT NULL DEFAULT true,"
  "  password_hash text NOT NULL CHECK (password_hash ~ '^pbkdf2-sha256\\$[0-9]+\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+$'),"
  "  rev bigint NOT NULL DEFAULT 0,"
  "  set_by name NOT NULL DEFAULT current_user,"
  "  set_at timestamptz NOT NULL DEFAULT now());"
  "CREATE INDEX ON certdesk.hq_clerk (rev);"
  "CREATE TABLE certdesk.hq_history ("
  "  id bigserial PRIMARY KEY,"
  "  at timestamptz NOT NULL DEFAULT now(),"
  "  by_role name NOT NULL,"
  "  tbl text NOT NULL,"
  "  op text NOT NULL,"
  "  old jsonb,"
  "  new jsonb NOT NULL);"
  /* Stamps each change (its number, who, when) before it is written, and records it once it is (AFTER: an
   * INSERT … ON CONFLICT DO UPDATE is one update, not an insert and an update). SECURITY DEFINER: the head
   * office's role takes numbers and adds history only through these; session_user is who is logged in. */
  "CREATE FUNCTION certdesk.hq_stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
  "  SET search_path = pg_catalog, certdesk AS $f$\n"
  "BEGIN\n"
  "  NEW.rev := nextval('certdesk.hq_rev');\n"
  "  NEW.set_by := session_user;\n"
  "  NEW.set_at := now();\n"
  "  RETURN NEW;\n"
  "END $f$;"
  "CREATE FUNCTION certdesk.hq_log() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
  "  SET search_path = pg_catalog, certdesk AS $f$\n"
  "BEGIN\n"
  "  INSERT INTO certdesk.hq_history (by_role, tbl, op, old, new) VALUES (session_user, TG_TABLE_NAME,\n"
  "    lower(TG_OP), CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - 'password_hash' END,\n"
  "    (to_jsonb(NEW) - 'password_hash') || CASE WHEN TG_TABLE_NAME = 'hq_clerk' THEN jsonb_build_object(\n"
  "      'password_changed', TG_OP = 'INSERT' OR (to_jsonb(OLD)->>'password_hash') IS DISTINCT FROM\n"
  "      (to_jsonb(NEW)->>'password_hash')) ELSE '{}'::jsonb END);\n"
  "  RETURN NULL;\n"
  "END $f$;"
  "REVOKE ALL ON FUNCTION certdesk.hq_stamp(), certdesk.hq_log() FROM PUBLIC;"
  "CREATE TRIGGER hq_price_stamp BEFORE INSERT OR UPDATE ON certdesk.hq_price"
  "  FOR EACH ROW EXECUTE FUNCTION certdesk.hq_stamp();"
  "CREATE TRIGGER hq_clerk_stamp BEFORE INSERT OR UPDATE ON certdesk.hq_clerk"
  "  FOR EACH ROW EXECUTE FUNCTION certdesk.hq_stamp();"
  "CREATE TRIGGER hq_price_log AFTER INSERT OR UPDATE ON certdesk.hq_price"
  "  FOR EACH ROW EXECUTE FUNCTION certdesk.hq_log();"
  "CREATE TRIGGER hq_clerk_log AFTER INSERT OR UPDATE ON certdesk.hq_clerk"
  "  FOR EACH ROW EXECUTE FUNCTION certdesk.hq_log();"
  "GRANT SELECT ON certdesk.hq_price TO certdesk_outlet;"
  "GRANT SELECT, INSERT, UPDATE ON certdesk.hq_price, certdesk.hq_clerk TO certdesk_head_office;"
  "GRANT SELECT ON certdesk.hq_history TO certdesk_head_office;"
  /* The accounts changed after @p_rev, as an outlet's counter pulls them: the password hash only for an
   * account of the caller's own outlet. */
  "CREATE FUNCTION certdesk.hq_clerks_since(p_rev bigint) RETURNS TABLE (login text, name text, role text,"
  "  outlet_code text, outlet_name text, enabled boolean, password_hash text, rev bigint)"
  "  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, certdesk AS $f$\n"
  "  SELECT c.login, c.name, c.role, c.outlet_code, o.name, c.enabled,\n"
  "    CASE WHEN c.outlet_code = (SELECT o2.code FROM certdesk.outlet o2 WHERE o2.db_role = session_user)\n"
  "      THEN c.password_hash END, c.rev\n"
  "  FROM certdesk.hq_clerk c JOIN certdesk.outlet o ON o.code = c.outlet_code\n"
  "  WHERE c.rev > p_rev ORDER BY c.rev $f$;"
  "REVOKE ALL ON FUNCTION certdesk.hq_clerks_since(bigint) FROM PUBLIC;"
  "GRANT EXECUTE ON FUNCTION certdesk.hq_clerks_since(bigint) TO certdesk_outlet, certdesk_head_office;";

/* Migration: the head office's report (`report --central`, src/central/cd-central-report.c; docs/central.md
 * "The head office's report"). Views that read the entity tables' rows as the counter's report reads its own
 * tables, one row per record (a record changed many times is still one row), and the indexes the report's
 * filters use. security_invoker: the views read as the role that queries them, so row-level security holds
 * (an outlet's role sees its own applications and payments, the head office every outlet's). Times in the
 * rows are ISO UTC text ("…Z"): the report bounds them as text, which the indexes serve. */
static const char migration_report[] =
  /* A detail or figures column travels as JSON text inside the row (SQLite's json_object over a TEXT column). */
  "CREATE FUNCTION certdesk.as_jsonb(v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE"
  "  AS $f$ SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN (v #>> '{}')::jsonb ELSE v END $f$;"
  "GRANT EXECUTE ON FUNCTION certdesk.as_jsonb(jsonb) TO certdesk_outlet, certdesk_head_office;"
  "CREATE INDEX ON certdesk.application (counter_uuid, local_id);"
  "CREATE INDEX ON certdesk.application (outlet_code, day) WHERE state IN ('draft','checked','paid','printed');"
  "CREATE INDEX ON certdesk.payment (((data->>'application_uuid')::uuid));"
  "CREATE INDEX ON certdesk.certificate ((data->>'day'));"
  "CREATE INDEX ON certdesk.certificate (((data->>'application_uuid')::uuid));"
  "CREATE INDEX ON certdesk.certificate ((data->>'revoked_at')) WHERE state = 'revoked';"
  "CREATE INDEX ON certdesk.token ((data->>'updated_at')) WHERE data->>'state' = 'damaged';"
  "CREATE INDEX ON certdesk.audit_row ((data->>'action'), (data->>'at'));"
  "CREATE INDEX ON certdesk.signoff (day);"
  "CREATE INDEX ON certdesk.clerk (counter_uuid, local_id);"
  "CREATE INDEX ON certdesk.clerk (login);"
  /* An audit actor as a person: "clerk:login" is that clerk's name (of the same counter, else the outlet's);
   * another actor (the command line, the system) stays as it is. */
  "CREATE FUNCTION certdesk.actor_name(p_counter uuid, p_outlet text, p_actor text) RETURNS text"
  "  LANGUAGE sql STABLE AS $f$ SELECT coalesce("
  "    (SELECT k.data->>'name' FROM certdesk.clerk k WHERE k.counter_uuid = p_counter"
  "       AND 'clerk:' || k.login = p_actor LIMIT 1),"
  "    (SELECT k.data->>'name' FROM certdesk.clerk k WHERE k.outlet_code = p_outlet"
  "       AND 'clerk:' || k.login = p_actor LIMIT 1), p_actor) $f$;"
  "GRANT EXECUTE ON FUNCTION certdesk.actor_name(uuid, text, text) TO certdesk_outlet, certdesk_head_office;"
  "CREATE VIEW certdesk.report_application WITH (security_invoker = true) AS"
  "  SELECT a.uuid AS app_uuid, a.outlet_code, a.counter_uuid, a.local_id, a.number, a.state, a.day,"
  "    a.data->>'business' AS business, a.data->>'applicant_type' AS applicant_type,"
  "    a.data->>'profile' AS profile, a.data->>'name' AS name, a.data->>'step' AS step,"
  "    (a.data->>'fee_total_fen')::bigint AS fee_total_fen, a.data->>'void_reason' AS void_reason,"
  "    k.data->>'name' AS clerk_name,"
  /* Finished: issued or closed; an activation (应用开通) has no issue step and is finished once printed. */
  "    (a.state IN ('issued','closed') OR (a.data->>'business' = 'app-open' AND a.state = 'printed')) AS completed"
  "  FROM certdesk.application a"
  "  LEFT JOIN certdesk.clerk k ON k.counter_uuid = a.counter_uuid AND k.local_id = (a.data->>'clerk_id')::bigint"
  "  WHERE NOT a.deleted;"
  "CREATE VIEW certdesk.report_payment WITH (security_invoker = true) AS"
  "  SELECT p.outlet_code, p.counter_uuid, p.local_id, p.day, p.amount_fen, p.data->>'method' AS method,"
  "    a.app_uuid, a.profile"
  "  FROM certdesk.payment p JOIN certdesk.report_application a ON a.app_uuid = (p.data->>'application_uuid')::uuid"
  "  WHERE NOT p.deleted;"
  /* An application's audit rows (state changes, waivers, adjustments) with the application beside them. */
  "CREATE VIEW certdesk.report_app_event WITH (security_invoker = true) AS"
  "  SELECT l.outlet_code, l.counter_uuid, l.local_id AS row_id, l.data->>'at' AS at, l.data->>'action' AS action,"
  "    certdesk.as_jsonb(l.data->'detail') AS detail,"
  "    certdesk.actor_name(l.counter_uuid, l.outlet_code, l.data->>'actor') AS by,"
  "    a.app_uuid, a.number, a.name, a.profile"
  "  FROM certdesk.audit_row l JOIN certdesk.report_application a"
  "    ON a.counter_uuid = l.counter_uuid AND a.local_id = (l.data->>'entity_id')::bigint"
  "  WHERE l.data->>'entity' = 'application';"
  /* A paid application voided: its payment refunded (退款) on the day of the void. */
  "CREATE VIEW certdesk.report_refund WITH (security_invoker = true) AS"
  "  SELECT e.*, p.data->>'method' AS method, p.amount_fen"
  "  FROM certdesk.report_app_event e"
  "  JOIN certdesk.payment p ON (p.data->>'application_uuid')::uuid = e.app_uuid AND NOT p.deleted"
  "  WHERE e.action = 'application.state' AND e.detail->>'to' = 'voided';"
  "CREATE VIEW certdesk.report_certificate WITH (security_invoker = true) AS"
  "  SELECT c.outlet_code, c.data->>'day' AS day, c.state, c.data->>'revoked_at' AS revoked_at, a.business"
  "  FROM certdesk.certificate c"
  "  LEFT JOIN certdesk.report_application a ON a.app_uuid = (c.data->>'application_uuid')::uuid"
  "  WHERE NOT c.deleted;"
  "GRANT SELECT ON certdesk.report_application, certdesk.report_payment, certdesk.report_app_event,"
  "  certdesk.report_refund, certdesk.report_certificate TO certdesk_outlet, certdesk_head_office;";

/* Customer lookup by a fragment of the name over millions of customers (tests/bench/central): without it the
 * name's LIKE '%…%' read every customer (177 ms median at 80,000 customers, growing with them); with trigrams
 * (pg_trgm hashes CJK characters too) the lookup's three conditions are one BitmapOr of three index scans.
 * pg_trgm ships with postgresql-15 and is a trusted extension: the database's owner may create it (in the
 * certdesk schema, as pgcrypto). */
static const char migration_lookup[] =
  "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA certdesk;"
  "CREATE INDEX customer_name_trgm ON certdesk.customer USING gin (name certdesk.gin_trgm_ops);";

/* Migration: the SO-PIN escrow (issue 16 item 5, docs/central.md "SO-PIN escrow"). Every key the CA
 * initialises gets a random SO PIN; its counter hands it to certdesk.escrow_so_pin() at sync, which encrypts it
 * here with pgcrypto under a secret only the schema owner reads (certdesk.escrow_secret). No CertDesk role
 * reads key_escrow or the secret: the one way out is certdesk.release_so_pin(), for an outlet's role, naming an
 * enabled supervisor of that outlet and a reason, and every release leaves a row in escrow_release. Both are
 * SECURITY DEFINER, so the caller is session_user (the role the counter logged in as). Refusals carry SQLSTATEs
 * of their own (CDE01 not an outlet's role, CDE02 no reason, CDE03 not a supervisor of the outlet, CDE04 a
 * malformed SO PIN) for the counter to say in words. */
static const char migration_escrow[] =
  "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA certdesk;"
  "CREATE TABLE certdesk.escrow_secret ("
  "  id integer PRIMARY KEY CHECK (id = 1),"
  "  secret bytea NOT NULL);"
  "REVOKE ALL ON certdesk.escrow_secret FROM PUBLIC;"
  "CREATE TABLE certdesk.key_escrow ("
  "  token_serial text PRIMARY KEY CHECK (btrim(token_serial) <> ''),"
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code),"
  "  so_pin_enc bytea NOT NULL,"
  "  set_at timestamptz NOT NULL,"
  "  created timestamptz NOT NULL DEFAULT now(),"
  "  updated timestamptz NOT NULL DEFAULT now());"
  "REVOKE ALL ON certdesk.key_escrow FROM PUBLIC;"
  "CREATE TABLE certdesk.escrow_release ("
  "  id bigserial PRIMARY KEY,"
  "  token_serial text NOT NULL,"
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code),"
  "  db_role name NOT NULL,"
  "  supervisor_login text NOT NULL,"
  "  reason text NOT NULL,"
  "  released_at timestamptz NOT NULL DEFAULT now());"
  "ALTER TABLE certdesk.escrow_release ENABLE ROW LEVEL SECURITY;"
  "CREATE POLICY outlet_read ON certdesk.escrow_release FOR SELECT TO certdesk_outlet USING (" OWN ");"
  "CREATE POLICY head_office_read ON certdesk.escrow_release FOR SELECT TO certdesk_head_office USING (true);"
  "GRANT SELECT ON certdesk.escrow_release TO certdesk_outlet, certdesk_head_office;"
  /* @p_set_at: when the counter's key got it; an older escrow arriving late (a counter offline) never
   * replaces a newer one of the same key (initialised again elsewhere). */
  "CREATE FUNCTION certdesk.escrow_so_pin(p_serial text, p_so_pin text, p_set_at timestamptz DEFAULT now())"
  "  RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $f$\n"
  "DECLARE o text;\n"
  "BEGIN\n"
  "  SELECT code INTO o FROM certdesk.outlet WHERE db_role = session_user;\n"
  "  IF o IS NULL THEN\n"
  "    RAISE EXCEPTION 'only an outlet''s counter escrows an SO PIN' USING ERRCODE = 'CDE01';\n"
  "  END IF;\n"
  "  IF p_serial IS NULL OR btrim(p_serial) = '' OR p_so_pin IS NULL OR length(p_so_pin) NOT BETWEEN 4 AND 64 THEN\n"
  "    RAISE EXCEPTION 'a key serial and an SO PIN of 4 to 64 characters are expected' USING ERRCODE = 'CDE04';\n"
  "  END IF;\n"
  "  INSERT INTO certdesk.key_escrow AS k (token_serial, outlet_code, so_pin_enc, set_at)\n"
  "    VALUES (p_serial, o, pgp_sym_encrypt(p_so_pin, (SELECT encode(secret, 'hex') FROM certdesk.escrow_secret),\n"
  "            'cipher-algo=aes256'), coalesce(p_set_at, now()))\n"
  "    ON CONFLICT (token_serial) DO UPDATE SET outlet_code = EXCLUDED.outlet_code,\n"
  "      so_pin_enc = EXCLUDED.so_pin_enc, set_at = EXCLUDED.set_at, updated = now()\n"
  "    WHERE k.set_at <= EXCLUDED.set_at;\n"
  "END $f$;"
  /* NULL when the centre holds no SO PIN for the key (a vendor key: the typed one is used); nothing audited
   * then, since nothing was released. */
  "CREATE FUNCTION certdesk.release_so_pin(p_serial text, p_supervisor text, p_reason text)"
  "  RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS $f$\n"
  "DECLARE o text; ok boolean; pin text;\n"
  "BEGIN\n"
  "  SELECT code INTO o FROM certdesk.outlet WHERE db_role = session_user;\n"
  "  IF o IS NULL THEN\n"
  "    RAISE EXCEPTION 'an SO PIN is released only to an outlet''s counter' USING ERRCODE = 'CDE01';\n"
  "  END IF;\n"
  "  IF p_reason IS NULL OR length(btrim(p_reason)) < 2 THEN\n"
  "    RAISE EXCEPTION 'a release needs the reason of the unlock' USING ERRCODE = 'CDE02';\n"
  "  END IF;\n"
  "  SELECT EXISTS (SELECT 1 FROM certdesk.clerk c WHERE c.outlet_code = o AND NOT c.deleted\n"
  "    AND c.data->>'login' = p_supervisor AND c.data->>'role' = 'supervisor'\n"
  "    AND c.data->>'enabled' IN ('1', 'true')) INTO ok;\n"
  /* Accounts the head office manages (migration hq), when that table is there. */
  "  IF NOT ok AND to_regclass('certdesk.hq_clerk') IS NOT NULL THEN\n"
  "    EXECUTE 'SELECT EXISTS (SELECT 1 FROM certdesk.hq_clerk WHERE login = $1 AND outlet_code = $2'\n"
  "      ' AND role = ''supervisor'' AND enabled)' INTO ok USING p_supervisor, o;\n"
  "  END IF;\n"
  "  IF NOT ok THEN\n"
  "    RAISE EXCEPTION '% is not an enabled supervisor of outlet %', p_supervisor, o USING ERRCODE = 'CDE03';\n"
  "  END IF;\n"
  "  SELECT pgp_sym_decrypt(k.so_pin_enc, (SELECT encode(secret, 'hex') FROM certdesk.escrow_secret))\n"
  "    INTO pin FROM certdesk.key_escrow k WHERE k.token_serial = p_serial;\n"
  "  IF pin IS NULL THEN\n"
  "    RETURN NULL;\n"
  "  END IF;\n"
  "  INSERT INTO certdesk.escrow_release (token_serial, outlet_code, db_role, supervisor_login, reason)\n"
  "    VALUES (p_serial, o, session_user, p_supervisor, btrim(p_reason));\n"
  "  RETURN pin;\n"
  "END $f$;"
  "REVOKE ALL ON FUNCTION certdesk.escrow_so_pin(text, text, timestamptz) FROM PUBLIC;"
  "REVOKE ALL ON FUNCTION certdesk.release_so_pin(text, text, text) FROM PUBLIC;"
  "GRANT EXECUTE ON FUNCTION certdesk.escrow_so_pin(text, text, timestamptz) TO certdesk_outlet;"
  "GRANT EXECUTE ON FUNCTION certdesk.release_so_pin(text, text, text) TO certdesk_outlet;"
  /* The secret, and the functions' search_path naming the schema pgcrypto lives in (certdesk, or wherever the
   * administrator had installed it already); pg_temp last, so that no caller's temporary object is found. */
  "DO $$ DECLARE s text; BEGIN\n"
  "  SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace\n"
  "    WHERE e.extname = 'pgcrypto';\n"
  "  EXECUTE format('INSERT INTO certdesk.escrow_secret VALUES (1, %I.gen_random_bytes(32))', s);\n"
  "  EXECUTE format('ALTER FUNCTION certdesk.escrow_so_pin(text, text, timestamptz) SET search_path = '\n"
  "    'pg_catalog, certdesk, %I, pg_temp', s);\n"
  "  EXECUTE format('ALTER FUNCTION certdesk.release_so_pin(text, text, text) SET search_path = '\n"
  "    'pg_catalog, certdesk, %I, pg_temp', s);\n"
  "END $$;";

/* Migration: the push's server time per row (tests/bench/central; docs/central.md "Benchmark"). Measured with
 * pg_stat_statements and EXPLAIN ANALYZE of a 500-row batch: the change-event insert itself, two foreign-key
 * checks per row on change_event and two more per entity row (each an RI query), the apply trigger's upserts,
 * and the customer-fields trigger's loop of three statements per changed field. So:
 * - one composite foreign key (counter, outlet) -> counter instead of (outlet) -> outlet and (counter) ->
 *   counter: half the checks, and a stronger rule (the counter belongs to that outlet; the counter's own key
 *   to its outlet keeps the outlet's existence);
 * - the apply trigger runs only the tables the batch holds (a day's batch has no price, clerk or sign-off);
 * - the customer fields set by set: a (customer, field) changed once in the batch (nearly all) is compared,
 *   upserted and recorded by one statement; one changed more than once keeps the ordered loop (each change
 *   compared with the one before it); a batch without customer changes returns at once. */
#define FK_PAIR(NAME) \
  "ALTER TABLE certdesk." NAME " DROP CONSTRAINT " NAME "_outlet_code_fkey," \
  "  DROP CONSTRAINT " NAME "_counter_uuid_fkey," \
  "  ADD CONSTRAINT " NAME "_counter_outlet_fkey FOREIGN KEY (counter_uuid, outlet_code)" \
  "  REFERENCES certdesk.counter (uuid, outlet_code);"

/* The customer changes of a batch, one row per changed field, with how often the batch changes that field.
 * The ordered loop of migrations 8 and 13 repeats migration 5's (cd_central_migration_customer_fields) on
 * purpose: a migration's text is what databases at that version ran, so an applied one is never shared. */
#define CUSTOMER_FIELD_CHANGES \
  "    WITH ev AS (\n" \
  "      SELECT e.record_uuid, e.outlet_code, e.counter_uuid, e.seq, e.at,\n" \
  "        CASE WHEN coalesce(e.row->>'uscc', '') <> '' THEN 'uscc:' || (e.row->>'uscc')\n" \
  "             WHEN coalesce(e.row->>'id_number', '') <> '' THEN 'id:' || (e.row->>'id_number') END AS key,\n" \
  "        certdesk.as_jsonb(e.row->'data') AS doc\n" \
  "      FROM new_events e WHERE e.tbl = 'customer' AND e.op <> 'delete'),\n" \
  "    ev2 AS (SELECT ev.*, lag(ev.doc) OVER w AS prev_in_batch, row_number() OVER w AS n FROM ev\n" \
  "      WINDOW w AS (PARTITION BY ev.record_uuid ORDER BY ev.seq)),\n" \
  "    pairs AS (\n" \
  "      SELECT ev2.*, CASE WHEN ev2.n = 1 THEN (SELECT certdesk.as_jsonb(c.data->'data') FROM certdesk.customer c\n" \
  "        WHERE c.uuid = ev2.record_uuid AND c.seq < ev2.seq) ELSE ev2.prev_in_batch END AS prev\n" \
  "      FROM ev2 WHERE ev2.key IS NOT NULL),\n" \
  "    ch AS (\n" \
  "      SELECT p.key, p.outlet_code, p.counter_uuid, p.seq, p.at, l.path, l.value,\n" \
  "        count(*) OVER (PARTITION BY p.key, l.path) AS times\n" \
  "      FROM pairs p, certdesk.json_leaves(p.doc) l\n" \
  "      WHERE (p.prev IS NULL OR (p.prev #> string_to_array(l.path, '.')) IS DISTINCT FROM l.value)\n" \
  "        AND NOT (jsonb_typeof(l.value) = 'string' AND (l.value #>> '{}') LIKE 'cd1.%'))\n"

/* The customer fields changed once in a batch, set by set: an equal value is no change, the later change wins
 * against the value standing before the batch; the function's end. Shared by the two migrations that define
 * the trigger function (the SQL each one runs is unchanged). */
#define CUSTOMER_FIELDS_CHANGED_ONCE \
  CUSTOMER_FIELD_CHANGES \
  "  , one AS MATERIALIZED (\n" \
  "    SELECT ch.*, f.value AS old_value, (f.customer_key IS NULL OR f.at < ch.at) AS wins\n" \
  "    FROM ch LEFT JOIN certdesk.customer_field f ON f.customer_key = ch.key AND f.path = ch.path\n" \
  "    WHERE ch.times = 1 AND (f.customer_key IS NULL OR f.value IS DISTINCT FROM ch.value)),\n" \
  "  up AS (\n" \
  "    INSERT INTO certdesk.customer_field (customer_key, path, value, at, outlet_code, counter_uuid, seq, rev)\n" \
  "      SELECT key, path, value, at, outlet_code, counter_uuid, seq, nextval('certdesk.customer_field_rev')\n" \
  "      FROM one WHERE one.wins ORDER BY at, seq\n" \
  "      ON CONFLICT (customer_key, path) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at,\n" \
  "        outlet_code = EXCLUDED.outlet_code, counter_uuid = EXCLUDED.counter_uuid, seq = EXCLUDED.seq,\n" \
  "        rev = EXCLUDED.rev)\n" \
  "  INSERT INTO certdesk.customer_history (customer_key, path, old, new, at, outlet_code, counter_uuid, seq, won)\n" \
  "    SELECT one.key, one.path, one.old_value, one.value, one.at, one.outlet_code, one.counter_uuid, one.seq, one.wins\n" \
  "    FROM one ORDER BY at, seq;\n" \
  "  RETURN NULL;\n" \
  "END $f$;"

static const char migration_push[] =
  "ALTER TABLE certdesk.counter ADD CONSTRAINT counter_uuid_outlet_key UNIQUE (uuid, outlet_code);"
  FK_PAIR ("change_event") FK_PAIR ("customer") FK_PAIR ("application") FK_PAIR ("payment")
  FK_PAIR ("certificate") FK_PAIR ("token") FK_PAIR ("audit_row") FK_PAIR ("signoff") FK_PAIR ("price")
  FK_PAIR ("clerk") FK_PAIR ("revocation")
  "CREATE OR REPLACE FUNCTION certdesk.apply_change_events() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
  "DECLARE t text;\n"
  "BEGIN\n"
  "  INSERT INTO certdesk.audit_row (uuid, outlet_code, counter_uuid, local_id, seq, deleted, data)\n"
  "    SELECT record_uuid, outlet_code, counter_uuid, local_id, seq, op = 'delete', row FROM new_events\n"
  "    WHERE tbl = 'audit_row' ON CONFLICT DO NOTHING;\n"
  "  FOR t IN SELECT DISTINCT tbl FROM new_events WHERE tbl = ANY (ARRAY['customer','application','payment',"
  "'certificate','token','signoff','price','clerk']) LOOP\n"
  "    EXECUTE format($q$INSERT INTO certdesk.%I AS t (uuid, outlet_code, counter_uuid, local_id, seq, deleted, data)\n"
  "      SELECT DISTINCT ON (record_uuid) record_uuid, outlet_code, counter_uuid, local_id, seq, op = 'delete', row\n"
  "      FROM new_events WHERE tbl = $1 ORDER BY record_uuid, seq DESC\n"
  "      ON CONFLICT (uuid) DO UPDATE SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted,\n"
  "      data = CASE WHEN EXCLUDED.deleted THEN t.data ELSE EXCLUDED.data END, updated_at = now()\n"
  "      WHERE t.seq < EXCLUDED.seq$q$, t) USING t;\n"
  "  END LOOP;\n"
  "  RETURN NULL;\n"
  "END $f$;"
  "CREATE OR REPLACE FUNCTION certdesk.customer_field_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
  "  SET search_path = pg_catalog, certdesk AS $f$\n"
  "DECLARE r record; cur record; won boolean;\n"
  "BEGIN\n"
  "  IF NOT EXISTS (SELECT 1 FROM new_events WHERE tbl = 'customer' AND op <> 'delete') THEN\n"
  "    RETURN NULL;\n"
  "  END IF;\n"
  /* A field changed more than once in the batch: one change after the other, as before. */
  "  FOR r IN\n"
  CUSTOMER_FIELD_CHANGES
  "    SELECT * FROM ch WHERE times > 1 ORDER BY at, seq\n"
  "  LOOP\n"
  "    SELECT f.value, f.at INTO cur FROM certdesk.customer_field f WHERE f.customer_key = r.key AND f.path = r.path;\n"
  "    IF FOUND AND cur.value IS NOT DISTINCT FROM r.value THEN CONTINUE; END IF;\n"
  "    won := NOT FOUND OR cur.at < r.at;\n"
  "    IF won THEN\n"
  "      INSERT INTO certdesk.customer_field (customer_key, path, value, at, outlet_code, counter_uuid, seq, rev)\n"
  "        VALUES (r.key, r.path, r.value, r.at, r.outlet_code, r.counter_uuid, r.seq,\n"
  "                nextval('certdesk.customer_field_rev'))\n"
  "        ON CONFLICT (customer_key, path) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at,\n"
  "          outlet_code = EXCLUDED.outlet_code, counter_uuid = EXCLUDED.counter_uuid, seq = EXCLUDED.seq,\n"
  "          rev = EXCLUDED.rev;\n"
  "    END IF;\n"
  "    INSERT INTO certdesk.customer_history (customer_key, path, old, new, at, outlet_code, counter_uuid, seq, won)\n"
  "      VALUES (r.key, r.path, cur.value, r.value, r.at, r.outlet_code, r.counter_uuid, r.seq, won);\n"
  "  END LOOP;\n"
  /* Every other field, set by set: the same rule (an equal value is no change; the later change wins) against
   * the value standing before the batch. */
  CUSTOMER_FIELDS_CHANGED_ONCE;

/* Migration: the CA's key set centrally (issue 17 item 3 with issue 16; docs/central.md "Personal data sealed,
 * blind indexes, the CA's key set"). Every counter seals persons' names, ID numbers and mobiles under the CA's key
 * set and sends their blind indexes; ca_keys holds that key set's id (published by central init, which runs as
 * the administrator: no CertDesk role writes it), so that central join refuses a counter whose data is sealed
 * under another key set (its indexes would never match and its values never open). The customer lookup matches
 * persons on the blind indexes in the rows' JSON, never on a clear or sealed value; the generated id_number
 * column holds sealed text, different for every row, so its index is dropped. Expression indexes, not stored
 * generated columns: adding a column would rewrite the whole table. */
static const char migration_ca_keys[] =
  "CREATE TABLE certdesk.ca_keys ("
  "  id integer PRIMARY KEY CHECK (id = 1),"
  "  key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{16}$'),"
  "  set_by name NOT NULL DEFAULT session_user,"
  "  set_at timestamptz NOT NULL DEFAULT now());"
  "REVOKE ALL ON certdesk.ca_keys FROM PUBLIC;"
  "GRANT SELECT ON certdesk.ca_keys TO certdesk_outlet, certdesk_head_office;"
  "CREATE INDEX customer_id_number_bidx ON certdesk.customer ((data->>'id_number_bidx'));"
  "CREATE INDEX customer_name_bidx ON certdesk.customer ((data->>'name_bidx'));"
  "CREATE INDEX customer_mobile_bidx ON certdesk.customer ((data->>'mobile_bidx'));"
  "DROP INDEX IF EXISTS certdesk.customer_id_number_idx;";

/* Migration: the push without a foreign-key check per row (tests/bench/central; docs/central.md "Where the push
 * spends its time"). EXPLAIN ANALYZE of the benchmark's batches: the composite key (counter, outlet) -> counter of
 * change_event fired once per event (9 % of a batch's insert), and the entity tables' once more per row written
 * by the apply trigger. Each of these rows is written by an outlet's role (the apply triggers are SECURITY
 * INVOKER; the head office writes none of them; the administrator's bulk loads skip the keys anyway), and its
 * row-level security already names the outlet. So the rule moves into the policies: a row's counter must be one
 * of the writing outlet's counters (an uncorrelated sub-select: one hash of that outlet's counters per
 * statement, then a lookup per row), which is the key's rule for the only roles that write, and stronger (the
 * counter is the caller's, not any outlet's). change_event's insert policy checked this already. Counters and
 * outlets are never deleted by a CertDesk role (no DELETE grant), so nothing is left without its counter. */
#define MY_COUNTER \
  OWN " AND counter_uuid IN (SELECT c.uuid FROM certdesk.counter c WHERE c.outlet_code = (SELECT certdesk.my_outlet()))"
#define NO_FK(NAME) "ALTER TABLE certdesk." NAME " DROP CONSTRAINT " NAME "_counter_outlet_fkey;"
#define COUNTER_CHECK(NAME) \
  NO_FK (NAME) "ALTER POLICY outlet_insert ON certdesk." NAME " WITH CHECK (" MY_COUNTER ");"
#define COUNTER_CHECK_UPDATE(NAME) \
  COUNTER_CHECK (NAME) "ALTER POLICY outlet_update ON certdesk." NAME " USING (" OWN ") WITH CHECK (" MY_COUNTER ");"

static const char migration_push_checks[] =
  NO_FK ("change_event")
  COUNTER_CHECK_UPDATE ("customer") COUNTER_CHECK_UPDATE ("application") COUNTER_CHECK_UPDATE ("payment")
  COUNTER_CHECK_UPDATE ("certificate") COUNTER_CHECK_UPDATE ("token") COUNTER_CHECK ("audit_row")
  COUNTER_CHECK_UPDATE ("signoff") COUNTER_CHECK_UPDATE ("price") COUNTER_CHECK_UPDATE ("clerk")
  COUNTER_CHECK ("revocation");

/* Migration: the head office as a clerk role (issue 16 item 6, docs/central.md "The head office as a role"): an
 * account set here with the role head-office signs in at a joined counter to the reports of every outlet. */
static const char migration_head_office_role[] =
  "ALTER TABLE certdesk.hq_clerk DROP CONSTRAINT hq_clerk_role_check;"
  "ALTER TABLE certdesk.hq_clerk ADD CONSTRAINT hq_clerk_role_check"
  "  CHECK (role IN ('clerk','supervisor','printer','head-office'));";

/* Migration: fewer indexes on the push's path (tests/bench/central; docs/central.md "Where the push spends its
 * time"). Every pushed row of a table pays every index of that table, and a day is 1,000,000 rows (400,000 of
 * them audit rows). Dropped: indexes no query on any path uses, checked against the head office's report
 * (cd-central-report.c: its day filters use the covering report indexes of central migration 9, which lead
 * with the day, and "open" the partial (outlet_code, day) index, kept), the lookup (cd-central-keys.c: USCC,
 * trigram name, blind indexes, certificate (applicant_uuid), all kept), the pull ((counter_uuid, seq) of
 * change_event, kept), central verify and audit verify (audit_row (counter_uuid, local_id), kept; central
 * verify now walks each counter's chain through it, cd_central_verify), and the policies:
 * - (outlet_code) of the entity tables the push writes: row-level security compares outlet_code, but every
 *   query also filters by something selective (a day, a counter, a record), and the report's indexes carry
 *   outlet_code after the day;
 * - application (day, outlet_code) and payment (day, outlet_code) of migration 1: superseded by the covering
 *   application_report_day / payment_report_day (same leading columns, WHERE NOT deleted, which every report
 *   view has).
 * For t3 (report, lookup at 5-10 million applications): the indexes those queries use stay; an index added on
 * audit_row, application or change_event costs the push per row (please say so in docs/central.md). */
static const char migration_push_indexes[] =
  "DROP INDEX IF EXISTS certdesk.audit_row_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.application_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.application_day_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.payment_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.payment_day_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.certificate_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.token_outlet_code_idx;"
  "DROP INDEX IF EXISTS certdesk.customer_outlet_code_idx;"
  /* customer (name): no query compares a whole name or its prefix (units are found by a fragment through the
   * trigram index, persons by blind indexes only); for persons it indexed sealed text. */
  "DROP INDEX IF EXISTS certdesk.customer_name_idx;"
  /* audit_row's generated hash and prev_hash: read by no query (central verify and audit verify read the row's
   * JSON); two extractions and some 130 bytes per audit row. Dropping a column does not rewrite the table. */
  "ALTER TABLE certdesk.audit_row DROP COLUMN IF EXISTS hash, DROP COLUMN IF EXISTS prev_hash;"
  /* The trigram index only for units: the lookup's name condition is "kind = 'unit' AND name LIKE …" (a person's
   * name is sealed base64, never compared: cd-central-keys.c), which implies this predicate, so the BitmapOr still
   * uses it (checked with EXPLAIN); a person's sealed name gave some 80 trigrams to the GIN index for nothing. */
  "DROP INDEX IF EXISTS certdesk.customer_name_trgm;"
  "CREATE INDEX customer_name_trgm ON certdesk.customer USING gin (name certdesk.gin_trgm_ops) WHERE kind = 'unit';"
  /* The customer fields: the ordered loop for a (customer, field) changed more than once in a batch ran the whole
   * change pipeline (every customer event's JSON leaves against its previous version) a second time for every
   * batch with customers, to find nearly always nothing. Only a customer key that occurs twice among the batch's
   * customer events can change a field twice; the loop now runs only then. Same rules otherwise. */
  "CREATE OR REPLACE FUNCTION certdesk.customer_field_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
  "  SET search_path = pg_catalog, certdesk AS $f$\n"
  "DECLARE r record; cur record; won boolean;\n"
  "BEGIN\n"
  "  IF NOT EXISTS (SELECT 1 FROM new_events WHERE tbl = 'customer' AND op <> 'delete') THEN\n"
  "    RETURN NULL;\n"
  "  END IF;\n"
  "  IF EXISTS (SELECT 1 FROM new_events e WHERE e.tbl = 'customer' AND e.op <> 'delete'\n"
  "      GROUP BY CASE WHEN coalesce(e.row->>'uscc', '') <> '' THEN 'uscc:' || (e.row->>'uscc')\n"
  "                    WHEN coalesce(e.row->>'id_number', '') <> '' THEN 'id:' || (e.row->>'id_number') END\n"
  "      HAVING count(*) > 1) THEN\n"
  "    FOR r IN\n"
  CUSTOMER_FIELD_CHANGES
  "      SELECT * FROM ch WHERE times > 1 ORDER BY at, seq\n"
  "    LOOP\n"
  "      SELECT f.value, f.at INTO cur FROM certdesk.customer_field f WHERE f.customer_key = r.key AND f.path = r.path;\n"
  "      IF FOUND AND cur.value IS NOT DISTINCT FROM r.value THEN CONTINUE; END IF;\n"
  "      won := NOT FOUND OR cur.at < r.at;\n"
  "      IF won THEN\n"
  "        INSERT INTO certdesk.customer_field (customer_key, path, value, at, outlet_code, counter_uuid, seq, rev)\n"
  "          VALUES (r.key, r.path, r.value, r.at, r.outlet_code, r.counter_uuid, r.seq,\n"
  "                  nextval('certdesk.customer_field_rev'))\n"
  "          ON CONFLICT (customer_key, path) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at,\n"
  "            outlet_code = EXCLUDED.outlet_code, counter_uuid = EXCLUDED.counter_uuid, seq = EXCLUDED.seq,\n"
  "            rev = EXCLUDED.rev;\n"
  "      END IF;\n"
  "      INSERT INTO certdesk.customer_history (customer_key, path, old, new, at, outlet_code, counter_uuid, seq,\n"
  "        won) VALUES (r.key, r.path, cur.value, r.value, r.at, r.outlet_code, r.counter_uuid, r.seq, won);\n"
  "    END LOOP;\n"
  "  END IF;\n"
  CUSTOMER_FIELDS_CHANGED_ONCE;

const char *const cd_central_migrations[] = {
  migration_1,
  migration_hq,
  migration_report,
  cd_central_migration_revocation,
  cd_central_migration_customer_fields,
  migration_lookup,
  migration_escrow,
  migration_push,
  cd_central_migration_report_columns,
  migration_ca_keys,
  migration_head_office_role,
  migration_push_checks,
  migration_push_indexes,
};
const guint cd_central_n_migrations = G_N_ELEMENTS (cd_central_migrations);
