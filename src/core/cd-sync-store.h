/* cd-sync-store.h: the counter's side of the central sync (docs/central.md) in the SQLite store: the outbox the
 * triggers fill (sync_outbox), the join's snapshot, the per-counter pull cursors (sync_cursor), the copies of other
 * outlets' customers and certificates (central_customer, central_certificate) and the lookup over them. The
 * transactions are the caller's (src/central). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-store.h"

G_BEGIN_DECLS

/* Outbox rows not yet sent; -1 when the database cannot be read. */
gint64     cd_sync_store_pending        (CdStore *store);
/* Queues every existing row of every synced table as an "insert" (CD_OUTBOX_SNAPSHOT), for the join. */
gboolean   cd_sync_store_snapshot       (CdStore *store, GError **error);
/* The oldest @limit unsent rows as one JSON array (event_uuid, seq, tbl, record_uuid, local_id, op, row, at);
 * *out_count 0 when there is none. */
gboolean   cd_sync_store_next_batch     (CdStore *store, gint64 limit, char **out_json, gint64 *out_first_seq,
                                         gint64 *out_last_seq, gint64 *out_count, GError **error);
/* Marks the unsent rows with sequences @first_seq … @last_seq as sent now; *out_marked how many. */
gboolean   cd_sync_store_mark_sent      (CdStore *store, gint64 first_seq, gint64 last_seq, gint64 *out_marked,
                                         GError **error);
/* Removes rows sent before @before_iso (ISO UTC). */
gboolean   cd_sync_store_prune_sent     (CdStore *store, const char *before_iso, GError **error);

/* Every pull cursor as a JSON array of {counter, seq}. */
char      *cd_sync_store_cursors_json   (CdStore *store, GError **error);
/* Moves counter @counter_uuid's cursor up to @seq (never down). */
gboolean   cd_sync_store_set_cursor     (CdStore *store, const char *counter_uuid, gint64 seq, GError **error);

/* Applies one pulled change (@row_json, the record as the other counter sent it) of another outlet's customer or
 * certificate to its copy. A deletion keeps the last known data and marks the row; an older change (lower @seq)
 * never overwrites a newer one. */
gboolean   cd_sync_store_apply_customer    (CdStore *store, const char *uuid, const char *outlet, gint64 seq,
                                            gboolean deleted, const char *row_json, GError **error);
gboolean   cd_sync_store_apply_certificate (CdStore *store, const char *uuid, const char *outlet, gint64 seq,
                                            gboolean deleted, const char *row_json, GError **error);

/* One customer `customer find` shows: this counter's applicant (local_id > 0) or another outlet's copy (uuid). */
typedef struct {
  gint64  local_id;
  char   *uuid;
  char   *kind;
  char   *name;
  char   *uscc;
  char   *id_number;
  char   *outlet;
} CdSyncCustomer;

/* One of its certificates. */
typedef struct {
  char *serial;
  char *state;
  char *not_after;
  char *outlet;
} CdSyncCertificate;

void cd_sync_customer_free    (CdSyncCustomer *c);
void cd_sync_certificate_free (CdSyncCertificate *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSyncCustomer, cd_sync_customer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSyncCertificate, cd_sync_certificate_free)

/* Customers whose name contains @text or whose USCC or ID number is @ident: this counter's applicants first
 * (outlet @own_outlet), then other outlets' copies; at most @limit (CdSyncCustomer). */
GPtrArray *cd_sync_store_find_customers (CdStore *store, const char *text, const char *ident, const char *own_outlet,
                                         guint limit, GError **error);
/* The certificates of customer @c (CdSyncCertificate): a local applicant's through its applications (outlet
 * @own_outlet), a copy's by its UUID. */
GPtrArray *cd_sync_store_customer_certificates (CdStore *store, const CdSyncCustomer *c, const char *own_outlet,
                                                GError **error);

G_END_DECLS
