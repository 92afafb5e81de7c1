/* cd-sample-store.h: the seal and signature samples chosen for an application (`sample` table, audited). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  gint64  id;
  gint64  application_id;
  char   *kind;         /* "unit_seal", "legal_signature" … (CdProfile.collection_forms) */
  char   *sha256;       /* the PNG's object in the scan store (hex) */
  char   *metadata;     /* JSON text: score, flags, box, source form … */
  char   *created_at;
} CdSample;

void       cd_sample_free          (CdSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSample, cd_sample_free)

/* Records @sha256 as the chosen sample @kind of @application_id, replacing an earlier choice, in one
 * audited transaction ("sample.set"; the detail holds kind, hash and the replaced hash, never the image).
 * Choosing the same object again records nothing. @metadata may be NULL ({}). */
gboolean   cd_sample_store_set     (CdContext *ctx, gint64 application_id, const char *kind, const char *sha256,
                                    JsonNode *metadata, gint64 *out_id, GError **error);

/* The sample @kind of @application_id; *@out_sample NULL (and TRUE) when none was chosen. */
gboolean   cd_sample_store_get     (CdContext *ctx, gint64 application_id, const char *kind, CdSample **out_sample,
                                    GError **error);

/* Every sample of @application_id (CdSample), by kind. */
GPtrArray *cd_sample_store_list    (CdContext *ctx, gint64 application_id, GError **error);

/* Forgets the choice of @kind ("sample.remove"); TRUE also when there was none. */
gboolean   cd_sample_store_remove  (CdContext *ctx, gint64 application_id, const char *kind, GError **error);

G_END_DECLS
