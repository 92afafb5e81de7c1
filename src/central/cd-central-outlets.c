/* cd-central-outlets.c: any outlet serves any customer (issue 16 item 4, docs/central.md "Any outlet serves any
 * customer"): the central revocation records an outlet writes for another outlet's certificate, and the outlets'
 * names a counter pulls for its lookup. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <libpq-fe.h>

#include "cd-central.h"
#include "cd-central-copy.h"
#include "cd-central-outlets.h"

/* Migration: revocation records. Outlet B renews, replaces or revokes a certificate outlet A issued; B cannot
 * change A's certificate row (row-level security), so it pushes a record of its own (tbl "revocation": the
 * certificate's UUID, serial, the state it reached — "revoked" or "suspended" when B told the CA that issued it,
 * "to-be-revoked" when it could not — the reason, who and when). The record is B's row like any other (an outlet inserts only its
 * own); inserting it marks the central certificate (a SECURITY DEFINER trigger: the one change an outlet makes to
 * another outlet's row, and only this one: state, revoked_at and revoke_reason of the certificate the record
 * names, and only while it is issued or suspended). Every counter pulls the records: A applies it to its own
 * certificate row (which then travels back as A's change), the others to their pulled copy. */
const char cd_central_migration_revocation[] =
  "CREATE TABLE certdesk.revocation ("
  "  uuid uuid PRIMARY KEY,"
  "  outlet_code text NOT NULL REFERENCES certdesk.outlet(code),"
  "  counter_uuid uuid NOT NULL REFERENCES certdesk.counter(uuid),"
  "  local_id bigint NOT NULL,"
  "  seq bigint NOT NULL,"
  "  deleted boolean NOT NULL DEFAULT false,"
  "  data jsonb NOT NULL,"
  "  updated_at timestamptz NOT NULL DEFAULT now(),"
  "  certificate_uuid uuid GENERATED ALWAYS AS ((data->>'certificate_uuid')::uuid) STORED,"
  "  state text GENERATED ALWAYS AS (data->>'state') STORED CHECK (state IN ('revoked','to-be-revoked','suspended')));"
  "CREATE INDEX ON certdesk.revocation (certificate_uuid);"
  "ALTER TABLE certdesk.revocation ENABLE ROW LEVEL SECURITY;"
  "CREATE POLICY outlet_read ON certdesk.revocation FOR SELECT TO certdesk_outlet USING (true);"
  "CREATE POLICY outlet_insert ON certdesk.revocation FOR INSERT TO certdesk_outlet"
  "  WITH CHECK (outlet_code = (SELECT certdesk.my_outlet()));"
  "CREATE POLICY head_office_read ON certdesk.revocation FOR SELECT TO certdesk_head_office USING (true);"
  "GRANT SELECT, INSERT ON certdesk.revocation TO certdesk_outlet;"
  "GRANT SELECT ON certdesk.revocation TO certdesk_head_office;"
  "ALTER TABLE certdesk.change_event DROP CONSTRAINT change_event_tbl_check;"
  "ALTER TABLE certdesk.change_event ADD CONSTRAINT change_event_tbl_check CHECK (tbl IN ('customer','application',"
  "  'payment','certificate','token','audit_row','signoff','price','clerk','revocation'));"
  /* Every outlet reads the revocation events too (they are what it pulls). */
  "DROP POLICY outlet_read ON certdesk.change_event;"
  "CREATE POLICY outlet_read ON certdesk.change_event FOR SELECT TO certdesk_outlet"
  "  USING (outlet_code = (SELECT certdesk.my_outlet()) OR tbl IN ('customer','certificate','revocation'));"
  /* A revocation record is only ever added (like an audit row), as the pushing role. */
  "CREATE FUNCTION certdesk.apply_revocation_events() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
  "BEGIN\n"
  "  INSERT INTO certdesk.revocation (uuid, outlet_code, counter_uuid, local_id, seq, data)\n"
  "    SELECT record_uuid, outlet_code, counter_uuid, local_id, seq, row FROM new_events\n"
  "    WHERE tbl = 'revocation' AND op = 'insert' ORDER BY seq ON CONFLICT DO NOTHING;\n"
  "  RETURN NULL;\n"
  "END $f$;"
  "CREATE TRIGGER change_event_apply_revocation AFTER INSERT ON certdesk.change_event"
  "  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION certdesk.apply_revocation_events();"
  "CREATE FUNCTION certdesk.revocation_marks_certificate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
  "  SET search_path = pg_catalog, certdesk AS $f$\n"
  "BEGIN\n"
  "  UPDATE certdesk.certificate SET data = data || jsonb_build_object('state', NEW.data->>'state',\n"
  "      'revoked_at', NEW.data->>'at', 'revoke_reason', NEW.data->>'reason'), updated_at = now()\n"
  "    WHERE uuid = NEW.certificate_uuid AND (data->>'state' = 'issued'\n"
  "      OR (data->>'state' = 'suspended' AND NEW.data->>'state' <> 'suspended'));\n"
  "  RETURN NULL;\n"
  "END $f$;"
  "REVOKE ALL ON FUNCTION certdesk.revocation_marks_certificate() FROM PUBLIC;"
  "CREATE TRIGGER revocation_marks_certificate AFTER INSERT ON certdesk.revocation"
  "  FOR EACH ROW EXECUTE FUNCTION certdesk.revocation_marks_certificate();";

/* Migration: shared customer data, later wins per field. The same company (USCC) or person (ID number) served at
 * several outlets is one customer centrally: customer_field holds, per customer and per leaf of the applicant's
 * JSON ("unit.address", "agent.mobile"), the value of the latest change any counter made, and customer_history
 * every change pushed (old value, new value, who, when, and whether it won). A counter's change is what differs
 * from that counter's previous version of its own record (so a field it did not touch never overwrites another
 * outlet's newer value); it wins when it was made later (the outbox row's time) than the value standing. The
 * statement trigger sorts before change_event_apply (triggers fire in name order), so the entity table still
 * holds the previous version; SECURITY DEFINER: the rows are shared, no outlet writes them directly. Counters pull
 * customer_field above the last rev they saw and apply it to their pulled copy and their own applicant. A value
 * sealed on its counter ("cd1.…", issue 17: bound to that counter's row) can be neither compared nor moved to
 * another row: it is left out. */
const char cd_central_migration_customer_fields[] =
  "CREATE SEQUENCE certdesk.customer_field_rev;"
  "CREATE TABLE certdesk.customer_field ("
  "  customer_key text NOT NULL,"
  "  path text NOT NULL,"
  "  value jsonb,"
  "  at timestamptz NOT NULL,"
  "  outlet_code text NOT NULL,"
  "  counter_uuid uuid NOT NULL,"
  "  seq bigint NOT NULL,"
  "  rev bigint NOT NULL,"
  "  PRIMARY KEY (customer_key, path));"
  "CREATE INDEX ON certdesk.customer_field (rev);"
  "CREATE TABLE certdesk.customer_history ("
  "  id bigserial PRIMARY KEY,"
  "  customer_key text NOT NULL,"
  "  path text NOT NULL,"
  "  old jsonb,"
  "  new jsonb,"
  "  at timestamptz NOT NULL,"
  "  outlet_code text NOT NULL,"
  "  counter_uuid uuid NOT NULL,"
  "  seq bigint NOT NULL,"
  "  won boolean NOT NULL,"
  "  received_at timestamptz NOT NULL DEFAULT now());"
  "CREATE INDEX ON certdesk.customer_history (customer_key, path);"
  "GRANT SELECT ON certdesk.customer_field, certdesk.customer_history TO certdesk_outlet, certdesk_head_office;"
  /* The leaves of a JSON document as dotted paths (objects only: arrays are values). */
  "CREATE FUNCTION certdesk.json_leaves(j jsonb) RETURNS TABLE (path text, value jsonb) LANGUAGE sql IMMUTABLE AS $f$\n"
  "  WITH RECURSIVE t(path, value) AS (\n"
  "    SELECT e.key, e.value FROM jsonb_each(CASE WHEN jsonb_typeof(j) = 'object' THEN j ELSE '{}' END) e\n"
  "    UNION ALL\n"
  "    SELECT t.path || '.' || e.key, e.value FROM t, jsonb_each(t.value) e WHERE jsonb_typeof(t.value) = 'object')\n"
  "  SELECT path, value FROM t WHERE jsonb_typeof(value) <> 'object' $f$;"
  "CREATE FUNCTION certdesk.customer_field_events() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
  "  SET search_path = pg_catalog, certdesk AS $f$\n"
  "DECLARE r record; cur record; won boolean;\n"
  "BEGIN\n"
  "  FOR r IN\n"
  "    WITH ev AS (\n"
  "      SELECT e.record_uuid, e.outlet_code, e.counter_uuid, e.seq, e.at,\n"
  "        CASE WHEN coalesce(e.row->>'uscc', '') <> '' THEN 'uscc:' || (e.row->>'uscc')\n"
  "             WHEN coalesce(e.row->>'id_number', '') <> '' THEN 'id:' || (e.row->>'id_number') END AS key,\n"
  "        certdesk.as_jsonb(e.row->'data') AS doc,\n"
  "        lag(certdesk.as_jsonb(e.row->'data')) OVER w AS prev_in_batch, row_number() OVER w AS n\n"
  "      FROM new_events e WHERE e.tbl = 'customer' AND e.op <> 'delete'\n"
  "      WINDOW w AS (PARTITION BY e.record_uuid ORDER BY e.seq)),\n"
  "    pairs AS (\n"
  "      SELECT ev.*, CASE WHEN ev.n = 1 THEN (SELECT certdesk.as_jsonb(c.data->'data') FROM certdesk.customer c\n"
  "        WHERE c.uuid = ev.record_uuid AND c.seq < ev.seq) ELSE ev.prev_in_batch END AS prev\n"
  "      FROM ev WHERE ev.key IS NOT NULL)\n"
  "    SELECT p.key, p.outlet_code, p.counter_uuid, p.seq, p.at, l.path, l.value\n"
  "    FROM pairs p, certdesk.json_leaves(p.doc) l\n"
  "    WHERE (p.prev IS NULL OR (p.prev #> string_to_array(l.path, '.')) IS DISTINCT FROM l.value)\n"
  "      AND NOT (jsonb_typeof(l.value) = 'string' AND (l.value #>> '{}') LIKE 'cd1.%')\n"
  "    ORDER BY p.at, p.seq\n"
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
  "  RETURN NULL;\n"
  "END $f$;"
  "REVOKE ALL ON FUNCTION certdesk.customer_field_events() FROM PUBLIC;"
  "CREATE TRIGGER change_event_0_customer_fields AFTER INSERT ON certdesk.change_event"
  "  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION certdesk.customer_field_events();";

gboolean
cd_central_pull_customer_fields (CdStore *store, PGconn *conn, const char *counter, gint64 *pulled, GError **error)
{
  for (;;)
    {
      g_autofree char *cursor = cd_store_setting_dup (store, "central.customer_field_rev");
      const char *const params[] = { cursor ? cursor : "0", counter };
      PGresult *res = PQexecParams (conn, "SELECT customer_key, path, value::text, outlet_code, rev"
                                          " FROM certdesk.customer_field WHERE rev > $1::bigint"
                                          " AND counter_uuid <> $2::uuid ORDER BY rev LIMIT 500",
                                    2, NULL, params, NULL, NULL, 0);
      int rows;
      gboolean ok = TRUE;

      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          g_set_error (error, CD_CENTRAL_ERROR, PQstatus (conn) == CONNECTION_OK ? CD_CENTRAL_ERROR_SERVER
                                                                                : CD_CENTRAL_ERROR_CONNECT,
                       "%s", g_strchomp (PQerrorMessage (conn)));
          PQclear (res);
          return FALSE;
        }
      rows = PQntuples (res);
      if (rows == 0)
        {
          PQclear (res);
          return TRUE;
        }
      /* One transaction per page, with its cursor: nothing applied twice, nothing skipped. */
      ok = cd_store_begin (store, error);
      for (int i = 0; ok && i < rows; i++)
        ok = cd_central_copy_apply_field (store, PQgetvalue (res, i, 0), PQgetvalue (res, i, 1),
                                          PQgetisnull (res, i, 2) ? NULL : PQgetvalue (res, i, 2),
                                          PQgetvalue (res, i, 3), error);
      ok = ok && cd_central_copy_set_setting (store, "central.customer_field_rev", PQgetvalue (res, rows - 1, 4),
                                              error)
           && cd_store_commit (store, error);
      if (!ok)
        cd_store_rollback (store);
      else
        *pulled += rows;
      PQclear (res);
      if (!ok)
        return FALSE;
    }
}

gboolean
cd_central_pull_outlet_names (CdStore *store, PGconn *conn, GError **error)
{
  PGresult *res = PQexec (conn, "SELECT code, name FROM certdesk.outlet ORDER BY code");
  gboolean ok = TRUE;

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      g_set_error (error, CD_CENTRAL_ERROR, PQstatus (conn) == CONNECTION_OK ? CD_CENTRAL_ERROR_SERVER
                                                                            : CD_CENTRAL_ERROR_CONNECT,
                   "%s", g_strchomp (PQerrorMessage (conn)));
      PQclear (res);
      return FALSE;
    }
  /* Names for the lookup ("issued at 昌吉网点"), kept as settings: a handful of rows, rewritten each round. */
  for (int i = 0; ok && i < PQntuples (res); i++)
    {
      g_autofree char *old = cd_central_copy_outlet_name (store, PQgetvalue (res, i, 0));

      if (g_strcmp0 (old, PQgetvalue (res, i, 1)) != 0)
        ok = cd_central_copy_set_outlet_name (store, PQgetvalue (res, i, 0), PQgetvalue (res, i, 1), error);
    }
  PQclear (res);
  return ok;
}
