/* cd-json-read.h: strict JSON reading with JSON-path error messages, shared by profiles and applications. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  GQuark      domain;
  int         code;
  const char *prefix;   /* file name put before the path, or NULL */
  GError    **error;
} CdJsonCtx;

gboolean    cd_json_fail          (CdJsonCtx *ctx, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
gboolean    cd_json_check_members (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *const *known);
gboolean    cd_json_get_string    (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name,
                                   gboolean required, char **out);
gboolean    cd_json_get_bool      (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name,
                                   gboolean dflt, gboolean *out);
gboolean    cd_json_node_get_int  (CdJsonCtx *ctx, JsonNode *node, const char *path, gint64 min, gint64 max,
                                   gint64 *out);
gboolean    cd_json_get_int       (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name,
                                   gboolean required, gint64 min, gint64 max, gint64 dflt, gint64 *out);
gboolean    cd_json_get_uint      (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name,
                                   gboolean required, guint min, guint max, guint dflt, guint *out);
gboolean    cd_json_get_strv      (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name,
                                   gboolean required, const char *const *allowed, gboolean negatable, char ***out);
JsonObject *cd_json_get_object    (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name,
                                   gboolean required);
JsonArray  *cd_json_get_array     (CdJsonCtx *ctx, JsonObject *obj, const char *path, const char *name);

G_END_DECLS
