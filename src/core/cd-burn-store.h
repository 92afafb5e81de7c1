/* cd-burn-store.h: the burn's own tables: burn_journal (each burn step's start/done/failed/rolled-back rows)
 * and pin_slip (a random PIN, encrypted by src/pki, kept to print its slip again). The transactions are the
 * caller's: a journal row commits on its own unless the caller holds one (src/pki/README.md). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-keys.h"
#include "cd-store.h"

G_BEGIN_DECLS

/* One burn_journal row, as stored. */
typedef struct {
  char *step;
  char *phase;
  char *token_serial;   /* NULL when the row names no key */
  char *detail;         /* JSON text, NULL when none */
} CdBurnRow;

void cd_burn_row_free (CdBurnRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdBurnRow, cd_burn_row_free)

/* One attempt: (application, attempt number). */
typedef struct {
  gint64 application_id;
  gint64 attempt;
} CdBurnAttemptKey;

/* The number the application's next attempt gets (1 for its first); -1 with @error. */
gint64     cd_burn_store_next_attempt (CdStore *store, gint64 application_id, GError **error);

/* Appends one row; @token_serial NULL or empty and @detail_json NULL are stored as NULL. */
gboolean   cd_burn_store_add_row      (CdStore *store, gint64 application_id, gint64 attempt, const char *step,
                                       const char *phase, const char *token_serial, const char *detail_json,
                                       GError **error);

/* The rows of one attempt, oldest first (CdBurnRow). */
GPtrArray *cd_burn_store_rows         (CdStore *store, gint64 application_id, gint64 attempt, GError **error);

/* A journal row's @detail_json with its "pem" and "csr" members (a certificate and a request name their holder,
 * a person's name and ID number in an individual's) opened with @open_keys (NULL: taken as they are) and sealed
 * with @seal_keys (NULL: left clear), bound to the row's application, attempt, step and phase. add_row seals and
 * rows opens with the store's key set; the store's sealing migration re-seals with both. NULL stays NULL. */
char      *cd_burn_store_crypt_detail (CdKeys *open_keys, CdKeys *seal_keys, gint64 application_id, gint64 attempt,
                                       const char *step, const char *phase, const char *detail_json, GError **error);

/* The newest attempt of an application: *out_attempt 0 (and TRUE) when it never burned. */
gboolean   cd_burn_store_last_attempt (CdStore *store, gint64 application_id, gint64 *out_attempt, GError **error);

/* Every attempt in the journal, by application then attempt (CdBurnAttemptKey). */
GArray    *cd_burn_store_attempts     (CdStore *store, GError **error);

/* CKA_IDs (hex, owned strings) that the keygen rows of rolled-back attempts on key @token_serial name. */
GPtrArray *cd_burn_store_leftover_ids (CdStore *store, const char *token_serial, GError **error);

/* The number of the application whose issue step journaled the certificate @serial (upper-case hex) as done,
 * or NULL. */
char      *cd_burn_store_dup_issued_application_number (CdStore *store, const char *serial);

/* Saves (replaces) the slip of @application_id: @nonce_hex and @ciphertext_hex as src/pki encrypted them.
 * Committed with synchronous=FULL (synced before it returns); call it outside any transaction. */
gboolean   cd_burn_store_slip_save    (CdStore *store, gint64 application_id, const char *token_serial,
                                       const char *nonce_hex, const char *ciphertext_hex, GError **error);
/* The stored slip: both NULL (and TRUE) when there is none. */
gboolean   cd_burn_store_slip_load    (CdStore *store, gint64 application_id, char **out_nonce_hex,
                                       char **out_ciphertext_hex, GError **error);
/* Forgets slips written before @before_iso (ISO UTC) and those of closed or voided applications. */
gboolean   cd_burn_store_slip_purge   (CdStore *store, const char *before_iso, GError **error);
/* What the slip names: the key it was made for (serial, label) and the application's issued certificate;
 * each NULL when unknown. FALSE only when the database cannot be read. */
gboolean   cd_burn_store_slip_names   (CdStore *store, gint64 application_id, char **out_token_serial,
                                       char **out_token_label, char **out_certificate_serial, GError **error);

G_END_DECLS
