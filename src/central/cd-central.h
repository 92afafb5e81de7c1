/* cd-central.h: many outlets, one CA (docs/central.md): the central PostgreSQL schema, a counter joining it as
 * an outlet, and one sync round (push the outbox, pull other counters' customers and certificates). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "cd-store.h"

G_BEGIN_DECLS

#define CD_CENTRAL_ERROR (cd_central_error_quark ())
GQuark cd_central_error_quark (void);

typedef enum {
  CD_CENTRAL_ERROR_NOT_JOINED,   /* this counter has no central database */
  CD_CENTRAL_ERROR_INVALID,      /* a URL with a password, an outlet that is not this role's … */
  CD_CENTRAL_ERROR_CONNECT,      /* the server cannot be reached or refuses the login */
  CD_CENTRAL_ERROR_SERVER,       /* a statement failed on the server (row-level security, schema …) */
  CD_CENTRAL_ERROR_NEWER_SCHEMA, /* the central schema is newer than this CertDesk */
  CD_CENTRAL_ERROR_BUSY,         /* another sync of this counter is running */
} CdCentralError;

extern const char *const cd_central_migrations[];
extern const guint cd_central_n_migrations;

/* Refuses a libpq URI that carries a password (credentials stay in libpq's own places: .pgpass, a service
 * file, a client certificate) or does not parse. */
gboolean cd_central_check_url (const char *url, GError **error);

/* Creates or migrates the central schema at @url (an administrator's connection); @out_version: the schema's
 * version afterwards, @out_applied: migrations applied now (0 when it was current). With @outlet_code, also
 * makes that outlet and its login role @role (certdesk.add_outlet). */
gboolean cd_central_init (const char *url, const char *outlet_code, const char *outlet_name, const char *role,
                          int *out_version, int *out_applied, GError **error);

/* This counter joins the central database at @url as outlet @outlet_code (the role @url logs in as must be that
 * outlet's); every row it already holds is queued for the first push. @out_counter: the counter's UUID;
 * @out_queued: rows queued. Joining again as the same outlet only updates the URL and name. */
gboolean cd_central_join (CdStore *store, const char *url, const char *outlet_code, const char *name,
                          char **out_counter, gint64 *out_queued, GError **error);

/* Whether this counter has joined (and its outlet code). */
gboolean cd_central_is_joined (CdStore *store, char **out_outlet);

typedef struct {
  gint64 pushed;   /* outbox rows pushed and marked sent in this round */
  gint64 pulled;   /* other counters' changes applied here */
  gint64 pending;  /* outbox rows still waiting */
} CdCentralSyncResult;

/* One round: pushes the outbox in batches (one server transaction each, marked sent after COMMIT), then pulls
 * customers and certificates of every other counter. Fails with CD_CENTRAL_ERROR_NOT_JOINED on a counter
 * without a central database; @out still says what is pending when the server cannot be reached. */
gboolean cd_central_sync (CdStore *store, CdCentralSyncResult *out, GError **error);

G_END_DECLS

G_BEGIN_DECLS
/* Customers whose name contains @text, or whose USCC or ID number is @text (normalised as typed, full-width
 * digits and a small x read as cd_ident_normalize does): this counter's own and every other outlet's pulled
 * by sync, each with its certificates. A JSON object {"customers":[{"name","kind","uscc","id_number",
 * "outlet","certificates":[{"serial","state","not_after","outlet"}]}]}; "outlet" is NULL for this counter's
 * own rows when it has not joined. At most @limit customers. */
JsonNode *cd_central_find_customers (CdStore *store, const char *text, guint limit, GError **error);
G_END_DECLS

G_BEGIN_DECLS
/* Walks every counter's audit chain in the central database at @url (NULL: this counter's URL; an outlet's
 * role sees its own counters, the head office's every outlet): row ids without gaps from 1, each row's
 * prev_hash the previous row's hash, each hash SHA-256(prev_hash ‖ canonical row) as cd-audit.c computes it.
 * Returns {"intact":bool,"counters":[{"outlet","counter","rows","intact"[,"first_bad_row","error"]}]};
 * with a broken chain, also @error (CD_STORE_ERROR_AUDIT_BROKEN)
 * naming the outlet and the first bad row. NULL on a connection or server failure. */
JsonNode *cd_central_verify (CdStore *store, const char *url, gboolean *out_intact, GError **error);
G_END_DECLS

G_BEGIN_DECLS
/* Compares this joined counter's audit log with its central copy: every central row must be here with the
 * same hash (the local log may be longer: rows not pushed yet). FALSE with CD_STORE_ERROR_AUDIT_BROKEN naming
 * the first difference (*out_bad_id: its row) — a local tail cut off, or a row changed or re-chained here —
 * or with a CD_CENTRAL_ERROR when the central database cannot be asked. @out_central_rows: rows compared. */
gboolean cd_central_audit_compare (CdStore *store, gint64 *out_central_rows, gint64 *out_bad_id, GError **error);
G_END_DECLS

#include "cd-fee.h"

G_BEGIN_DECLS
/* The head office (docs/central.md "From the head office"); @url logs in as a role granted certdesk_head_office,
 * else the server refuses (CD_CENTRAL_ERROR_INVALID, a sentence saying so). Every change is numbered and kept in
 * certdesk.hq_history; sync brings it to the counters. */

/* Sets the head office's price of one item of @profile (in fen; the caller checked it against the profile);
 * @allow_local: a counter's own price for this item wins over it. */
gboolean  cd_central_hq_price_set   (const char *url, const char *profile, const CdPriceOverride *price,
                                     gboolean allow_local, GError **error);
/* Clears it (the counters fall back to their own price or the shipped one). */
gboolean  cd_central_hq_price_clear (const char *url, const char *profile, const CdPriceOverride *price,
                                     GError **error);
/* {"prices":[{"profile","business","variant","item","years","amount_fen","allow_local","set_by","set_at"}]} */
JsonNode *cd_central_hq_price_list  (const char *url, const char *profile, GError **error);

/* Adds an account of outlet @outlet; @password_hash as cd_password_hash() makes it (never a password). */
gboolean  cd_central_hq_clerk_add   (const char *url, const char *login, const char *name, const char *role,
                                     const char *outlet, const char *password_hash, GError **error);
/* Changes what is not NULL (@enabled: -1 keeps it). */
gboolean  cd_central_hq_clerk_set   (const char *url, const char *login, const char *name, const char *role,
                                     const char *outlet, int enabled, const char *password_hash, GError **error);
/* {"clerks":[{"login","name","role","outlet","outlet_name","enabled","set_by","set_at"}]} (no hashes). */
JsonNode *cd_central_hq_clerk_list  (const char *url, const char *outlet, GError **error);

/* @url (a libpq URI or key=value string) logging in as database user @user instead: a head-office account's own
 * login on a joined counter (its credentials in libpq's places on that machine). NULL when @url does not parse. */
char     *cd_central_url_as_user    (const char *url, const char *user);
G_END_DECLS

G_BEGIN_DECLS
/* This counter's outbox rows not yet pushed (-1 when they cannot be counted): what the header's sync state
 * says between rounds. */
gint64 cd_central_pending_count (CdStore *store);
G_END_DECLS
