/* cd-store-crypt.h: the database's key set (cd-keys.h) — found or made when the store opens, personal data of
 * an older database sealed in place, keys rotated or replaced (docs/store.md "Personal data at rest"). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-keys.h"
#include "cd-store.h"

G_BEGIN_DECLS

/* The setting that holds the key set wrapped by the KEK (cd_keys_wrap). */
#define CD_STORE_CRYPT_SETTING "crypt.keys"

/* Before the migrations of cd_store_open: a database that has keys gets them unwrapped, or the open is refused
 * with CD_STORE_ERROR_KEYS and a sentence a person can act on — nothing in the file is changed. */
gboolean  cd_store_crypt_load      (CdStore *store, GError **error);
/* After the migrations: a database without keys (new, or written before encryption) gets its key set, and every
 * personal value already in it is sealed and indexed — one transaction, with progress. */
gboolean  cd_store_crypt_init      (CdStore *store, GError **error);

/* Progress of sealing or re-sealing (rows done of total), for the CLI's stderr or a GUI bar; process-wide,
 * called on the thread that opens the store. NULL: none. */
typedef void (*CdStoreCryptProgress) (guint64 done, guint64 total, gpointer user_data);
void      cd_store_crypt_set_progress (CdStoreCryptProgress func, gpointer user_data);

/* keys rotate: a new data key (the blind-index key stays), every sealed value re-sealed under it and the new key
 * set stored wrapped — one transaction, audited by the caller's @actor. */
gboolean  cd_store_crypt_rotate    (CdStore *store, const char *actor, GError **error);
/* keys import: @keys (the CA's key set) replaces this database's; every value re-sealed and re-indexed under it
 * in one transaction. */
gboolean  cd_store_crypt_replace   (CdStore *store, CdKeys *keys, const char *actor, GError **error);

/* For cd-application-store.c: @clear_name and @clear_json of application @id sealed (the name only when it is
 * a person's, not the unit's), the blind indexes of its persons added to @bidx (may be NULL); then, once the
 * row exists, cd_store_crypt_write_application_bidx replaces the application's indexes with @bidx. */
gboolean  cd_store_crypt_seal_application (CdKeys *keys, gint64 id, const char *clear_name, const char *clear_json,
                                           char **out_name, char **out_json, GPtrArray *bidx, GError **error);
gboolean  cd_store_crypt_write_application_bidx (CdStore *store, gint64 id, GPtrArray *bidx, GError **error);

/* keys status: {"key_id","kek_id","kek","sealed":{"applicant":N,"application":N,"certificate":N},"clear":{…}} */
JsonNode *cd_store_crypt_status    (CdStore *store, GError **error);

G_END_DECLS
