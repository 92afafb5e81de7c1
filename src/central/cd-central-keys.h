/* cd-central-keys.h: the CA's key set in the central database (docs/central.md "Personal data sealed, blind
 * indexes, the CA's key set"): its id published by central init and checked by central join, and the customer
 * lookup over every outlet's customers through the blind indexes. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "cd-keys.h"
#include "cd-store.h"

G_BEGIN_DECLS

/* Publishes @key_id (16 hex digits) as the CA's key set in the central database at @url (an administrator's
 * connection: no CertDesk role writes it). When a key id is published already and differs, it is replaced only
 * with @replace (the head office changed the CA's key set); otherwise the published one is kept.
 * @out_published: the key id published afterwards; @out_other: the id that was not taken (the earlier one when
 * replaced, @key_id when kept), NULL when they agreed. */
gboolean  cd_central_publish_key_id (const char *url, const char *key_id, gboolean replace, char **out_published,
                                     char **out_other, GError **error);

/* For central join (cd-central.c): CD_CENTRAL_ERROR_INVALID, with what to do, when the central database names a
 * CA key set other than @store's. Nothing published (a schema made before the key id was): TRUE. */
gboolean  cd_central_check_key_id  (PGconn *conn, CdStore *store, GError **error);

/* The customer lookup over the central database at @url (the head office's, or an outlet's role: every outlet's
 * customers are shared): units whose name contains @text or whose USCC is it, in clear; persons only through
 * the blind indexes of @text as a name, an ID number or a mobile under @keys (the CA's key set), never on a clear
 * or sealed value. Names and ID numbers are opened with @keys (null where sealed under another key set).
 * {"central":true,"customers":[{"name","kind","uscc","id_number","outlet","certificates":[{"serial","state",
 * "not_after","outlet"}]}]}, at most @limit customers. */
JsonNode *cd_central_lookup_customers (const char *url, CdKeys *keys, const char *text, guint limit,
                                       GError **error);

/* The same question on an open connection with the blind indexes given (NULL: not asked); the benchmark's
 * lookup (tests/bench/central) times exactly this. @keys may be NULL (nothing opened). */
JsonNode *cd_central_lookup_customers_on (PGconn *conn, CdKeys *keys, const char *text, const char *ident,
                                          const char *name_bidx, const char *id_number_bidx,
                                          const char *mobile_bidx, guint limit, GError **error);

G_END_DECLS
