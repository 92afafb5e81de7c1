/* cd-store-outbox.h: what the counter sends to the central database (docs/central.md), as SQL text shared by
 * the triggers of migration 5 (src/core/cd-store-schema.c) and the snapshot `central join` takes.
 *
 * Each synced table has CD_OUTBOX_<table>(R): a json_object(...) expression over the row alias R (NEW, OLD or a
 * table alias). Secrets never leave the counter: the clerk's password hash and lock-out state are not in it, and
 * pin_slip (a random PIN, encrypted) is not synced at all. A column added to a synced table later must be added
 * here too, and a table rebuilt by a migration loses its triggers (recreate them in that migration). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The record UUID (32 hex digits, 128 random bits; PostgreSQL's uuid type reads them as they are) of row @ID
 * of local table @T. */
#define CD_OUTBOX_UUID(T, ID) "(SELECT uuid FROM sync_record WHERE tbl = '" T "' AND row_id = " ID ")"

#define CD_OUTBOX_applicant(R) \
  "json_object('id'," R ".id,'kind'," R ".kind,'name'," R ".name,'uscc'," R ".uscc,'id_number'," R ".id_number," \
  "'mobile'," R ".mobile,'data'," R ".data,'updated_at'," R ".updated_at," \
  "'name_bidx'," R ".name_bidx,'id_number_bidx'," R ".id_number_bidx,'mobile_bidx'," R ".mobile_bidx)"

#define CD_OUTBOX_application(R) \
  "json_object('id'," R ".id,'number'," R ".number,'outlet_id'," R ".outlet_id,'clerk_id'," R ".clerk_id," \
  "'applicant_id'," R ".applicant_id,'applicant_uuid'," CD_OUTBOX_UUID ("applicant", R ".applicant_id") "," \
  "'profile'," R ".profile,'business'," R ".business,'applicant_type'," R ".applicant_type,'state'," R ".state," \
  "'step'," R ".step,'name'," R ".name,'fee_total_fen'," R ".fee_total_fen,'data'," R ".data,'day'," R ".day," \
  "'created_at'," R ".created_at,'updated_at'," R ".updated_at,'void_reason'," R ".void_reason)"

#define CD_OUTBOX_payment(R) \
  "json_object('id'," R ".id,'application_id'," R ".application_id," \
  "'application_uuid'," CD_OUTBOX_UUID ("application", R ".application_id") ",'method'," R ".method," \
  "'amount_fen'," R ".amount_fen,'received_fen'," R ".received_fen,'invoice_requested'," R ".invoice_requested," \
  "'clerk_id'," R ".clerk_id,'day'," R ".day,'at'," R ".at)"

#define CD_OUTBOX_token(R) \
  "json_object('id'," R ".id,'serial'," R ".serial,'label'," R ".label,'manufacturer'," R ".manufacturer," \
  "'model'," R ".model,'is_demo'," R ".is_demo,'state'," R ".state,'application_id'," R ".application_id," \
  "'application_uuid'," CD_OUTBOX_UUID ("application", R ".application_id") ",'cka_id'," R ".cka_id," \
  "'certificate_serial'," R ".certificate_serial,'updated_at'," R ".updated_at)"

#define CD_OUTBOX_certificate(R) \
  "json_object('id'," R ".id,'serial'," R ".serial,'application_id'," R ".application_id," \
  "'application_uuid'," CD_OUTBOX_UUID ("application", R ".application_id") "," \
  "'applicant_uuid',(SELECT s.uuid FROM application a JOIN sync_record s ON s.tbl = 'applicant'" \
  " AND s.row_id = a.applicant_id WHERE a.id = " R ".application_id)," \
  "'token_id'," R ".token_id,'issuer'," R ".issuer,'subject'," R ".subject,'not_before'," R ".not_before," \
  "'not_after'," R ".not_after,'state'," R ".state,'revoked_at'," R ".revoked_at,'revoke_reason'," R ".revoke_reason," \
  "'pem'," R ".pem,'day'," R ".day,'at'," R ".at)"

#define CD_OUTBOX_audit_log(R) \
  "json_object('id'," R ".id,'at'," R ".at,'actor'," R ".actor,'action'," R ".action,'entity'," R ".entity," \
  "'entity_id'," R ".entity_id,'detail'," R ".detail,'prev_hash'," R ".prev_hash,'hash'," R ".hash)"

#define CD_OUTBOX_report_signoff(R) \
  "json_object('id'," R ".id,'outlet_id'," R ".outlet_id,'day'," R ".day,'supervisor_id'," R ".supervisor_id," \
  "'counted_cash_fen'," R ".counted_cash_fen,'figures'," R ".figures,'signed_at'," R ".signed_at)"

#define CD_OUTBOX_price_override(R) \
  "json_object('id'," R ".id,'profile'," R ".profile,'business'," R ".business,'variant'," R ".variant," \
  "'item'," R ".item,'years'," R ".years,'amount_fen'," R ".amount_fen,'set_by'," R ".set_by,'set_at'," R ".set_at)"

/* No password_hash, failed_logins or locked_until: they stay on the counter. */
#define CD_OUTBOX_clerk(R) \
  "json_object('id'," R ".id,'outlet_id'," R ".outlet_id,'login'," R ".login,'name'," R ".name,'role'," R ".role," \
  "'enabled'," R ".enabled,'created_at'," R ".created_at)"

/* The outbox row of a change to row R of local table T, sent to central table C (T and C are bare names). */
#define CD_OUTBOX_ROW(T, C, R, OP) \
  "INSERT INTO sync_outbox (tbl, row_id, record_uuid, op, row) VALUES ('" #C "'," R ".id," \
  CD_OUTBOX_UUID (#T, R ".id") ",'" OP "'," CD_OUTBOX_##T (R) ");"

/* Captured only once the counter has joined (setting central.outlet): an unjoined counter writes no outbox. */
#define CD_OUTBOX_WHEN " WHEN EXISTS (SELECT 1 FROM setting WHERE key = 'central.outlet')"

#define CD_OUTBOX_NEW_UUID "lower(hex(randomblob(16)))"

/* The row's record UUID, made the first time the row changes. Not INSERT OR IGNORE: when the change that fires the
 * trigger is an upsert (INSERT … ON CONFLICT DO UPDATE, as the key and price records are saved), SQLite applies the
 * outer statement's conflict handling to the trigger's statements, and a second change to the row then aborted on
 * sync_record's primary key. */
#define CD_OUTBOX_RECORD(T) \
  " INSERT INTO sync_record (tbl, row_id, uuid) SELECT '" #T "', NEW.id, " CD_OUTBOX_NEW_UUID \
  " WHERE NOT EXISTS (SELECT 1 FROM sync_record WHERE tbl = '" #T "' AND row_id = NEW.id);"

/* SQLite may reuse a deleted rowid: the next row under that id is another record with its own UUID, hence the
 * sync_record row goes with the deleted one. */
#define CD_OUTBOX_TRIGGERS(T, C) \
  "CREATE TRIGGER " #T "_sync_insert AFTER INSERT ON " #T CD_OUTBOX_WHEN " BEGIN" \
  CD_OUTBOX_RECORD (T) \
  " " CD_OUTBOX_ROW (T, C, "NEW", "insert") " END;" \
  "CREATE TRIGGER " #T "_sync_update AFTER UPDATE ON " #T CD_OUTBOX_WHEN " BEGIN" \
  CD_OUTBOX_RECORD (T) \
  " " CD_OUTBOX_ROW (T, C, "NEW", "update") " END;" \
  "CREATE TRIGGER " #T "_sync_delete AFTER DELETE ON " #T CD_OUTBOX_WHEN " BEGIN" \
  " INSERT INTO sync_outbox (tbl, row_id, record_uuid, op, row) SELECT '" #C "', OLD.id, uuid, 'delete'," \
  " json_object('id', OLD.id) FROM sync_record WHERE tbl = '" #T "' AND row_id = OLD.id;" \
  " DELETE FROM sync_record WHERE tbl = '" #T "' AND row_id = OLD.id; END;"

/* The snapshot taken when the counter joins: every existing row of T as an "insert". */
#define CD_OUTBOX_SNAPSHOT(T, C) \
  "INSERT OR IGNORE INTO sync_record (tbl, row_id, uuid) SELECT '" #T "', id, " CD_OUTBOX_NEW_UUID " FROM " #T ";" \
  "INSERT INTO sync_outbox (tbl, row_id, record_uuid, op, row) SELECT '" #C "', t.id," CD_OUTBOX_UUID (#T, "t.id") \
  ",'insert'," CD_OUTBOX_##T ("t") " FROM " #T " t ORDER BY t.id;"

/* Every synced table: local name, central name. Order matters for the snapshot (referenced rows first). */
#define CD_OUTBOX_FOR_EACH(X) \
  X (clerk, clerk) X (price_override, price) X (applicant, customer) X (application, application) \
  X (payment, payment) X (token, token) X (certificate, certificate) X (report_signoff, signoff) \
  X (audit_log, audit_row)
