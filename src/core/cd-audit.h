/* cd-audit.h: the append-only, hash-chained audit log. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-store.h"

G_BEGIN_DECLS

/* Appends one row. Call inside the transaction of the change it records. @detail may be NULL. */
gboolean cd_audit_append (CdStore *store, const char *actor, const char *action, const char *entity,
                          gint64 entity_id, JsonNode *detail, GError **error);

/* A detail object from key/string pairs ending with NULL; a pair whose value is NULL is left out. */
JsonNode *cd_audit_detail_new (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

/* Walks the chain; FALSE with CD_STORE_ERROR_AUDIT_BROKEN naming the first bad row, *out_bad_id set. */
gboolean cd_audit_verify (CdStore *store, gint64 *out_rows, gint64 *out_bad_id, GError **error);

/* The canonical text a row's hash covers (exposed for tests and outside verifiers). */
char    *cd_audit_canonical (gint64 id, const char *at, const char *actor, const char *action,
                             const char *entity, gint64 entity_id, const char *detail);

/* One audit_log row as stored (the detail as its JSON text, NULL when none). */
typedef struct {
  gint64  id;
  char   *at;
  char   *actor;
  char   *action;
  char   *entity;
  gint64  entity_id;
  char   *detail;
} CdAuditRow;

void cd_audit_row_free (CdAuditRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdAuditRow, cd_audit_row_free)

/* The newest @limit rows, newest first (CdAuditRow). */
GPtrArray *cd_audit_list (CdStore *store, gint64 limit, GError **error);

/* The hash of row @id: *out_hash NULL (and TRUE) when there is no such row. */
gboolean   cd_audit_dup_hash (CdStore *store, gint64 id, char **out_hash, GError **error);

G_END_DECLS
