/* cd-central-copy.h: what sync pulled from the other outlets (central_customer, central_certificate; docs/central.md)
 * as the counter's own code reads it: the pre-flight's certificate lookup, the burn of a business on a certificate
 * another outlet issued, and the revocation record this counter sends for such a certificate (outlet B cannot
 * change outlet A's rows; A applies B's record when it pulls it). SQLite only: no libpq here, so the pre-flight
 * and the burn work the same on a counter built without src/central. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-store.h"

G_BEGIN_DECLS

/* One certificate another outlet issued, as last pulled, with the customer it was issued to. */
typedef struct {
  char *uuid;            /* the record's UUID (32 hex digits) */
  char *outlet;          /* the outlet code that issued it */
  char *serial;          /* upper-case hex */
  char *state;           /* issued, suspended, revoked, to-be-revoked */
  char *issuer;          /* the issuer's name at that counter ("cmp", "local") */
  char *subject;
  char *not_before;
  char *not_after;
  char *pem;
  char *at;              /* when it was recorded there */
  /* The customer it was issued to (NULL members when that customer has not been pulled). */
  char *customer_kind;   /* "unit" or "person" */
  char *customer_name;
  char *customer_uscc;
  char *customer_id_number;
} CdCentralCertificate;

void cd_central_certificate_free (CdCentralCertificate *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdCentralCertificate, cd_central_certificate_free)

/* The pulled certificate with @serial (any case), or *out NULL (and TRUE) when no outlet's is known here. */
gboolean   cd_central_copy_lookup        (CdStore *store, const char *serial, CdCentralCertificate **out,
                                          GError **error);

/* Every pulled certificate of the customer with USCC (@unit) or resident ID number @key, newest first. */
GPtrArray *cd_central_copy_certificates_of (CdStore *store, gboolean unit, const char *key, GError **error);

/* One customer another outlet served, as last pulled. */
typedef struct {
  char *uuid;
  char *outlet;          /* the outlet code */
  char *kind;            /* "unit" or "person" */
  char *name;
  char *uscc;
  char *id_number;
  char *data;            /* the applicant's JSON as that counter holds it (unit, legal person, agent, person …) */
} CdCentralCustomer;

void cd_central_customer_free (CdCentralCustomer *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdCentralCustomer, cd_central_customer_free)

/* At most @limit pulled customers whose name contains @text or whose USCC or ID number is @ident (@text
 * normalised as cd_ident_normalize does), in the order they were pulled. */
GPtrArray *cd_central_copy_find_customers (CdStore *store, const char *text, const char *ident, guint limit,
                                           GError **error);

/* The outlet's name as the central database lists it (pulled by sync), else @code itself. */
char      *cd_central_copy_outlet_name   (CdStore *store, const char *code);
/* Stores it (sync, from the central outlet table). */
gboolean   cd_central_copy_set_outlet_name (CdStore *store, const char *code, const char *name, GError **error);

/* Whether this counter has joined a central database and whether its last sync round reached it. *out_last_sync:
 * the last successful round's local time ("HH:MM" today, "YYYY-MM-DD HH:MM" before), NULL when none did. */
void       cd_central_copy_sync_state    (CdStore *store, gboolean *out_joined, gboolean *out_offline,
                                          char **out_last_sync);

/* A round's outcome as the next pre-flight reads it (called by cd_central_sync): @reached says whether the
 * central database answered. */
gboolean   cd_central_copy_note_sync     (CdStore *store, gboolean reached, GError **error);

/* This counter has revoked or suspended (@state "revoked", "suspended": at the CA that issued it), or superseded
 * without reaching that CA (@state "to-be-revoked"), the other outlet's certificate @c, for @reason (an RFC 5280
 * reason name): its pulled copy says so at once, and a revocation record goes into the outbox (central table "revocation") with the
 * audit row. The caller holds the transaction. */
gboolean   cd_central_copy_record_revocation (CdStore *store, const char *actor, const CdCentralCertificate *c,
                                              const char *state, const char *reason, GError **error);

/* Applies another counter's revocation record @row (its JSON, from outlet @outlet) pulled by sync: the pulled copy
 * of the certificate, and — when the certificate is this counter's own — its certificate row (revoked or suspended,
 * or to-be-revoked for this counter's supervisor when the other outlet could not reach the issuer), audited, and
 * its key retired or suspended. The caller holds the transaction. */
gboolean   cd_central_copy_apply_revocation (CdStore *store, const char *row, const char *outlet, GError **error);

/* Later wins per field (docs/central.md): another counter's winning change of customer @key ("uscc:…" or "id:…"),
 * the leaf @path of the applicant's JSON ("unit.address") now @value (JSON text; NULL: null), made at outlet
 * @outlet. Applied to the pulled copy of that customer and, when this counter has the customer, to its applicant
 * (audited as applicant.field). The caller holds the transaction. */
gboolean   cd_central_copy_apply_field    (CdStore *store, const char *key, const char *path, const char *value,
                                           const char *outlet, GError **error);
/* A counter setting (the setting table, not synced). */
gboolean   cd_central_copy_set_setting    (CdStore *store, const char *key, const char *value, GError **error);

G_END_DECLS
