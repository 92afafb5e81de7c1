/* cd-token-store.h: token rows: every USB key the counter has seen, by serial, with its lifecycle state,
 * the application it is bound to, its CKA_ID and certificate serial. State changes are audited
 * ("token.state"); the caller holds the transaction. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  gint64   id;
  char    *serial;
  char    *label;
  char    *manufacturer;
  char    *model;
  char    *state;              /* blank active suspended lost damaged retired */
  gint64   application_id;     /* 0: none */
  char    *cka_id;             /* hex */
  char    *certificate_serial;
  gboolean is_demo;
} CdTokenRecord;

void cd_token_record_free (CdTokenRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTokenRecord, cd_token_record_free)

/* Whose key it is: the application the key's row is bound to, against application @application_id. */
typedef struct {
  char    *owner_name;         /* the key's application's name and number */
  char    *owner_number;
  char    *applicant_name;     /* @application_id's name */
  gboolean same;               /* same applicant (by applicant row, else by name) */
} CdTokenOwner;

void cd_token_owner_free (CdTokenOwner *owner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTokenOwner, cd_token_owner_free)

/* *out is NULL (and TRUE returned) when there is no row. */
gboolean cd_token_store_lookup     (CdStore *store, const char *serial, CdTokenRecord **out, GError **error);
/* The serial of key row @token_id, NULL (and TRUE) when there is none; with @certificate_serial only while
 * that key row still holds that certificate. */
gboolean cd_token_store_dup_serial (CdStore *store, gint64 token_id, const char *certificate_serial, char **out,
                                    GError **error);

/* Inserts or updates the row of key @rec->serial (its serial, label, manufacturer, model, is_demo, state,
 * application_id, cka_id, certificate_serial; the manufacturer, model and demo flag are kept from the first
 * time), audited as token.state when its state, application or certificate changes. */
gboolean cd_token_store_save       (CdContext *ctx, const CdTokenRecord *rec, gint64 *out_id, GError **error);
/* Moves the key's row to @state, audited; nothing happens when there is no row or it is in @state already. */
gboolean cd_token_store_set_state  (CdContext *ctx, const char *serial, const char *state, GError **error);

/* Whose key @token_serial is, compared with application @application_id: *out NULL (and TRUE) when the key is
 * bound to no application or either is unknown. */
gboolean cd_token_store_owner      (CdStore *store, const char *token_serial, gint64 application_id,
                                    CdTokenOwner **out, GError **error);

G_END_DECLS
