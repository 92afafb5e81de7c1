/* cd-store-schema.c: the schema, as numbered migrations applied in order (PRAGMA user_version). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-store-schema.h"
#include "cd-store-outbox.h"

/* Times are ISO 8601 UTC text; money integer fen; `day` is the outlet's local date (YYYY-MM-DD) for reports.
 * Personal data (ID numbers, mobiles) lives in applicant and application.data only. */
static const char migration_1[] =
  "CREATE TABLE outlet ("
  "  id INTEGER PRIMARY KEY,"
  "  code TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  region TEXT NOT NULL DEFAULT '',"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE clerk ("
  "  id INTEGER PRIMARY KEY,"
  "  outlet_id INTEGER NOT NULL REFERENCES outlet(id),"
  "  login TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('clerk','supervisor','printer')),"
  "  password_hash TEXT NOT NULL,"
  "  enabled INTEGER NOT NULL DEFAULT 1,"
  "  failed_logins INTEGER NOT NULL DEFAULT 0,"
  "  locked_until TEXT,"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE applicant ("
  "  id INTEGER PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('unit','person')),"
  "  name TEXT NOT NULL,"
  "  uscc TEXT,"
  "  id_number TEXT,"
  "  mobile TEXT,"
  "  data TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL);"
  "CREATE UNIQUE INDEX applicant_uscc ON applicant(uscc) WHERE uscc IS NOT NULL;"
  "CREATE UNIQUE INDEX applicant_person ON applicant(id_number) WHERE kind = 'person' AND id_number IS NOT NULL;"
  "CREATE INDEX applicant_name ON applicant(name);"
  "CREATE TABLE application ("
  "  id INTEGER PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  outlet_id INTEGER REFERENCES outlet(id),"
  "  clerk_id INTEGER REFERENCES clerk(id),"
  "  applicant_id INTEGER REFERENCES applicant(id),"
  "  profile TEXT NOT NULL,"
  "  business TEXT NOT NULL,"
  "  applicant_type TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('draft','checked','paid','printed','issued','closed','voided')),"
  "  step TEXT NOT NULL DEFAULT 'business',"
  "  name TEXT NOT NULL DEFAULT '',"
  "  fee_total_fen INTEGER,"
  "  data TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  void_reason TEXT);"
  "CREATE INDEX application_day ON application(day, outlet_id);"
  "CREATE INDEX application_state ON application(state);"
  "CREATE TABLE material ("
  "  application_id INTEGER NOT NULL REFERENCES application(id) ON DELETE CASCADE,"
  "  code TEXT NOT NULL,"
  "  original_seen INTEGER NOT NULL DEFAULT 0,"
  "  copy_received INTEGER NOT NULL DEFAULT 0,"
  "  stamped INTEGER NOT NULL DEFAULT 0,"
  "  waived_by INTEGER REFERENCES clerk(id),"
  "  waiver_reason TEXT,"
  "  PRIMARY KEY (application_id, code));"
  "CREATE TABLE scan ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES application(id) ON DELETE CASCADE,"
  "  material_code TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  mime TEXT NOT NULL,"
  "  bytes INTEGER NOT NULL,"
  "  original_name TEXT,"
  "  page INTEGER NOT NULL DEFAULT 0,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL);"
  "CREATE INDEX scan_application ON scan(application_id);"
  "CREATE TABLE sample ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES application(id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  metadata TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  UNIQUE (application_id, kind));"
  "CREATE TABLE payment ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES application(id),"
  "  method TEXT NOT NULL,"
  "  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),"
  "  received_fen INTEGER NOT NULL CHECK (received_fen >= 0),"
  "  invoice_requested INTEGER NOT NULL DEFAULT 0,"
  "  clerk_id INTEGER REFERENCES clerk(id),"
  "  day TEXT NOT NULL,"
  "  at TEXT NOT NULL);"
  "CREATE INDEX payment_day ON payment(day);"
  "CREATE TABLE token ("
  "  id INTEGER PRIMARY KEY,"
  "  serial TEXT NOT NULL UNIQUE,"
  "  label TEXT,"
  "  manufacturer TEXT,"
  "  model TEXT,"
  "  is_demo INTEGER NOT NULL DEFAULT 0,"
  "  state TEXT NOT NULL CHECK (state IN ('blank','active','suspended','lost','damaged','retired')),"
  "  application_id INTEGER REFERENCES application(id),"
  "  cka_id TEXT,"
  "  certificate_serial TEXT,"
  "  updated_at TEXT NOT NULL);"
  "CREATE TABLE certificate ("
  "  id INTEGER PRIMARY KEY,"
  "  serial TEXT NOT NULL UNIQUE,"
  "  application_id INTEGER REFERENCES application(id),"
  "  token_id INTEGER REFERENCES token(id),"
  "  issuer TEXT NOT NULL,"
  "  subject TEXT NOT NULL,"
  "  not_before TEXT NOT NULL,"
  "  not_after TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('issued','revoked','suspended')),"
  "  revoked_at TEXT,"
  "  revoke_reason TEXT,"
  "  pem TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  at TEXT NOT NULL);"
  "CREATE INDEX certificate_application ON certificate(application_id);"
  "CREATE TABLE burn_journal ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES application(id),"
  "  attempt INTEGER NOT NULL,"
  "  step TEXT NOT NULL,"
  "  phase TEXT NOT NULL CHECK (phase IN ('start','done','failed','rolled-back')),"
  "  token_serial TEXT,"
  "  detail TEXT,"
  "  at TEXT NOT NULL);"
  "CREATE INDEX burn_journal_application ON burn_journal(application_id, attempt);"
  "CREATE TABLE print_record ("
  "  id INTEGER PRIMARY KEY,"
  "  application_id INTEGER NOT NULL REFERENCES application(id),"
  "  document TEXT NOT NULL,"
  "  copies INTEGER NOT NULL,"
  "  printer TEXT,"
  "  reprint_reason TEXT,"
  "  clerk_id INTEGER REFERENCES clerk(id),"
  "  at TEXT NOT NULL);"
  "CREATE TABLE price_override ("
  "  id INTEGER PRIMARY KEY,"
  "  profile TEXT NOT NULL,"
  "  business TEXT NOT NULL,"
  "  variant TEXT NOT NULL,"
  "  item TEXT NOT NULL,"
  "  years INTEGER NOT NULL DEFAULT 0,"
  "  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),"
  "  set_by INTEGER REFERENCES clerk(id),"
  "  set_at TEXT NOT NULL,"
  "  UNIQUE (profile, business, variant, item, years));"
  "CREATE TABLE report_signoff ("
  "  id INTEGER PRIMARY KEY,"
  "  outlet_id INTEGER REFERENCES outlet(id),"
  "  day TEXT NOT NULL,"
  "  supervisor_id INTEGER REFERENCES clerk(id),"
  "  counted_cash_fen INTEGER,"
  "  figures TEXT NOT NULL,"
  "  signed_at TEXT NOT NULL,"
  "  UNIQUE (outlet_id, day));"
  /* The audit log is append-only: the triggers refuse edits, the hash chain shows any that got through. */
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  entity TEXT NOT NULL,"
  "  entity_id INTEGER,"
  "  detail TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL);"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
  "CREATE TABLE setting ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);";

/* The daily report over years of records (tests/bench/reports): certificates by day, revocations, and the
 * audit rows the report reads (voids, waivers, adjustments) without scanning the whole log. */
static const char migration_2[] =
  "CREATE INDEX certificate_day ON certificate(day);"
  "CREATE INDEX certificate_revoked ON certificate(revoked_at) WHERE state = 'revoked';"
  "CREATE INDEX audit_log_action ON audit_log(action, at);"
  "CREATE INDEX application_open ON application(day) WHERE state IN ('draft','checked','paid','printed');";

/* The burn as a transaction (issue 14). One application never has two issued certificates: a partial unique
 * index, not only a check. A certificate whose revocation no CA has confirmed yet is "to-be-revoked" (the
 * table is rebuilt: SQLite cannot change a CHECK in place; nothing references it by key). A database that
 * already holds two issued certificates for one application (a resume that issued again) keeps the one its
 * key holds (the newest when no key does); the others become "to-be-revoked", never "revoked" without a CA
 * being told, and `certdesk-cli ca pending` lists them for the supervisor. pin_slip: a random PIN encrypted
 * under a key file outside the database (src/pki/cd-burn-slip.c), so its slip can be printed again. */
static const char migration_3[] =
  "CREATE TABLE certificate_v3 ("
  "  id INTEGER PRIMARY KEY,"
  "  serial TEXT NOT NULL UNIQUE,"
  "  application_id INTEGER REFERENCES application(id),"
  "  token_id INTEGER REFERENCES token(id),"
  "  issuer TEXT NOT NULL,"
  "  subject TEXT NOT NULL,"
  "  not_before TEXT NOT NULL,"
  "  not_after TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('issued','revoked','suspended','to-be-revoked')),"
  "  revoked_at TEXT,"
  "  revoke_reason TEXT,"
  "  pem TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  at TEXT NOT NULL);"
  "INSERT INTO certificate_v3 (id, serial, application_id, token_id, issuer, subject, not_before, not_after, state,"
  "  revoked_at, revoke_reason, pem, day, at)"
  "  SELECT id, serial, application_id, token_id, issuer, subject, not_before, not_after, state, revoked_at,"
  "  revoke_reason, pem, day, at FROM certificate;"
  "DROP TABLE certificate;"
  "ALTER TABLE certificate_v3 RENAME TO certificate;"
  "CREATE INDEX certificate_application ON certificate(application_id);"
  "CREATE INDEX certificate_day ON certificate(day);"
  "CREATE INDEX certificate_revoked ON certificate(revoked_at) WHERE state = 'revoked';"
  "UPDATE certificate SET state = 'to-be-revoked', revoke_reason = 'superseded',"
  "  revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
  "  WHERE state = 'issued' AND application_id IS NOT NULL AND id <> ("
  "    SELECT k.id FROM certificate k WHERE k.application_id = certificate.application_id AND k.state = 'issued'"
  "    ORDER BY EXISTS (SELECT 1 FROM token t WHERE t.certificate_serial = k.serial) DESC, k.id DESC LIMIT 1);"
  "CREATE UNIQUE INDEX certificate_one_issued ON certificate(application_id) WHERE state = 'issued';"
  "CREATE TABLE pin_slip ("
  "  application_id INTEGER PRIMARY KEY REFERENCES application(id),"
  "  token_serial TEXT,"
  "  nonce TEXT NOT NULL,"
  "  ciphertext TEXT NOT NULL,"
  "  created_at TEXT NOT NULL);";

/* The pre-flight's lookup of an applicant's certificates (src/core/cd-preflight.c) while the clerk switches
 * steps: applicant (by USCC or ID number) → its applications → their certificates, all by index. */
static const char migration_4[] =
  "CREATE INDEX application_applicant ON application(applicant_id);";

/* Many outlets, one CA (issue 16, docs/central.md). sync_outbox: every change to a synced table, written by
 * triggers in the change's own transaction once the counter has joined a central database (so src/pki and
 * src/imaging need no change to be seen); seq is the counter's own sequence (AUTOINCREMENT: never reused).
 * sync_record: the UUID of each synced row. central_customer / central_certificate: what sync pulled from the
 * other counters (kept apart from the counter's own tables, which only the counter writes); sync_cursor: the
 * last sequence pulled from each of them. */
#define CD_SYNC_TRIGGERS(T, C) CD_OUTBOX_TRIGGERS (T, C)
static const char migration_5[] =
  "CREATE TABLE sync_record ("
  "  tbl TEXT NOT NULL,"
  "  row_id INTEGER NOT NULL,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  PRIMARY KEY (tbl, row_id));"
  "CREATE TABLE sync_outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  event_uuid TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),"
  "  tbl TEXT NOT NULL,"
  "  row_id INTEGER NOT NULL,"
  "  record_uuid TEXT NOT NULL,"
  "  op TEXT NOT NULL CHECK (op IN ('insert','update','delete')),"
  "  row TEXT NOT NULL,"
  "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
  "  sent_at TEXT);"
  "CREATE INDEX sync_outbox_pending ON sync_outbox(seq) WHERE sent_at IS NULL;"
  "CREATE TABLE sync_cursor ("
  "  counter_uuid TEXT PRIMARY KEY,"
  "  seq INTEGER NOT NULL);"
  "CREATE TABLE central_customer ("
  "  uuid TEXT PRIMARY KEY,"
  "  outlet_code TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  kind TEXT,"
  "  name TEXT,"
  "  uscc TEXT,"
  "  id_number TEXT,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX central_customer_uscc ON central_customer(uscc);"
  "CREATE INDEX central_customer_id_number ON central_customer(id_number);"
  "CREATE INDEX central_customer_name ON central_customer(name);"
  "CREATE TABLE central_certificate ("
  "  uuid TEXT PRIMARY KEY,"
  "  outlet_code TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  serial TEXT,"
  "  state TEXT,"
  "  subject TEXT,"
  "  not_after TEXT,"
  "  revoked_at TEXT,"
  "  applicant_uuid TEXT,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  data TEXT NOT NULL);"
  "CREATE INDEX central_certificate_serial ON central_certificate(serial);"
  "CREATE INDEX central_certificate_applicant ON central_certificate(applicant_uuid);"
  CD_OUTBOX_FOR_EACH (CD_SYNC_TRIGGERS);

/* The day report nets refunds against payments by application (cd-report.c): without this index SQLite built
 * an automatic one over every payment for each of its queries (a day's report over 100,000 applications took
 * 290 ms instead of 20). */
static const char migration_6[] =
  "CREATE INDEX payment_application ON payment(application_id);";

/* Prices and clerk accounts from the head office (issue 16 item 6, docs/central.md "From the head office"):
 * central_price holds the head office's prices as sync pulled them (they win over the shipped profile and, unless
 * allow_local, over this counter's own price_override); clerk.central marks an account the head office manages
 * (its role and password are changed there, not here). */
static const char migration_hq[] =
  "CREATE TABLE central_price ("
  "  profile TEXT NOT NULL,"
  "  business TEXT NOT NULL,"
  "  variant TEXT NOT NULL,"
  "  item TEXT NOT NULL,"
  "  years INTEGER NOT NULL DEFAULT 0,"
  "  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),"
  "  allow_local INTEGER NOT NULL DEFAULT 0,"
  "  rev INTEGER NOT NULL,"
  "  set_at TEXT NOT NULL,"
  "  PRIMARY KEY (profile, business, variant, item, years));"
  "ALTER TABLE clerk ADD COLUMN central INTEGER NOT NULL DEFAULT 0;";

/* The SO PIN of every key the CA initialised (issue 16 item 5, cd-so-escrow-store.h): AES-256-GCM under a key
 * file outside the database, bound to the key's serial; "pending" before the key's SO PIN is changed to it,
 * "set" once it has it; sent_at: given to the central escrow (certdesk.escrow_so_pin). No sync triggers:
 * it never travels in the outbox. */
static const char migration_so_escrow[] =
  "CREATE TABLE so_pin_escrow ("
  "  id INTEGER PRIMARY KEY,"
  "  token_serial TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('pending','set')),"
  "  nonce BLOB NOT NULL,"
  "  ciphertext BLOB NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  set_at TEXT,"
  "  sent_at TEXT);"
  "CREATE INDEX so_pin_escrow_serial ON so_pin_escrow(token_serial);";

/* The sync triggers made again with CD_OUTBOX_RECORD (cd-store-outbox.h): on a joined counter, an upsert of a row
 * already synced (a key saved again at its next burn) aborted on sync_record's primary key. */
#define CD_SYNC_TRIGGERS_AGAIN(T, C) \
  "DROP TRIGGER IF EXISTS " #T "_sync_insert; DROP TRIGGER IF EXISTS " #T "_sync_update;" \
  "DROP TRIGGER IF EXISTS " #T "_sync_delete;" CD_OUTBOX_TRIGGERS (T, C)
static const char migration_sync_upsert[] = CD_OUTBOX_FOR_EACH (CD_SYNC_TRIGGERS_AGAIN);

/* Personal data at rest (issue 17, src/core/cd-store-crypt.h, docs/store.md): the applicant's name (a person's),
 * ID number and mobile are sealed and searched through blind indexes beside them; an application's persons
 * (person, legal person, agent) are found through application_bidx, one row per ID number, mobile or name.
 * applicant_person keeps one customer per person, now on the index. The applicant's sync triggers are made
 * again so the outbox carries the indexes (CD_OUTBOX_applicant); central_customer keeps the pulled indexes for
 * the customer lookup. Sealing the rows already in the file is done in C right after (cd_store_crypt_init), in
 * one transaction. */
static const char migration_crypt[] =
  "ALTER TABLE applicant ADD COLUMN name_bidx TEXT;"
  "ALTER TABLE applicant ADD COLUMN id_number_bidx TEXT;"
  "ALTER TABLE applicant ADD COLUMN mobile_bidx TEXT;"
  "DROP INDEX applicant_person;"
  "CREATE UNIQUE INDEX applicant_person ON applicant(id_number_bidx)"
  "  WHERE kind = 'person' AND id_number_bidx IS NOT NULL;"
  "CREATE INDEX applicant_id_number_bidx ON applicant(id_number_bidx) WHERE id_number_bidx IS NOT NULL;"
  "CREATE INDEX applicant_mobile_bidx ON applicant(mobile_bidx) WHERE mobile_bidx IS NOT NULL;"
  "CREATE INDEX applicant_name_bidx ON applicant(name_bidx) WHERE name_bidx IS NOT NULL;"
  "CREATE TABLE application_bidx ("
  "  bidx TEXT NOT NULL,"
  "  application_id INTEGER NOT NULL REFERENCES application(id) ON DELETE CASCADE,"
  "  PRIMARY KEY (bidx, application_id)) WITHOUT ROWID;"
  "CREATE INDEX application_bidx_application ON application_bidx(application_id);"
  "ALTER TABLE central_customer ADD COLUMN name_bidx TEXT;"
  "ALTER TABLE central_customer ADD COLUMN id_number_bidx TEXT;"
  "CREATE INDEX central_customer_id_number_bidx ON central_customer(id_number_bidx);"
  "CREATE INDEX central_customer_name_bidx ON central_customer(name_bidx);"
  "DROP TRIGGER IF EXISTS applicant_sync_insert;"
  "DROP TRIGGER IF EXISTS applicant_sync_update;"
  "DROP TRIGGER IF EXISTS applicant_sync_delete;"
  CD_OUTBOX_TRIGGERS (applicant, customer);

/* A customer's field pulled from another outlet finds this counter's own person by the ID number as stored (sealed
 * deterministically under the CA's key set, so the same text at every outlet): since migration_crypt moved
 * applicant_person to the blind index, that lookup (cd_central_copy_apply_field) read the whole table per field. */
static const char migration_person_id_number[] =
  "CREATE INDEX applicant_person_id_number ON applicant(id_number) WHERE kind = 'person';";

const char *const cd_store_migrations[] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
  migration_6,
  migration_hq,
  migration_sync_upsert,
  migration_crypt,
  migration_so_escrow,
  migration_person_id_number,
};
const guint cd_store_n_migrations = G_N_ELEMENTS (cd_store_migrations);
