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
