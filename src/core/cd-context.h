/* cd-context.h: what the GUI, the CLI and tests hand around: database, profiles, folders. No singletons. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

#include "cd-profile.h"
#include "cd-store.h"

G_BEGIN_DECLS

#define CD_TYPE_CONTEXT (cd_context_get_type ())
G_DECLARE_FINAL_TYPE (CdContext, cd_context, CD, CONTEXT, GObject)

/* @state_dir: the writable folder (NULL = $XDG_DATA_HOME/certdesk); @db_path: NULL = state_dir/certdesk.db. */
CdContext    *cd_context_new           (const char *state_dir, const char *db_path, GError **error);

/* A context for one worker thread (a payment, key work ahead of the burn): its own SQLite connection to
 * @parent's database (cd_store_open_worker: no migrations, no key unwrap, no settling of the scan folder), the
 * same profile set and key set (shared: both are reference-counted and thread-safe), folders, clock, actor,
 * clerk, outlet and adjustment, copied now. Call on @parent's thread, then hand the result to the worker: it
 * never touches @parent's connection and stays valid when @parent is freed first. */
CdContext    *cd_context_new_worker    (CdContext *parent, GError **error);
/* The same in two halves, so that the connection (1.5 ms) is opened on the worker's thread, off the main loop:
 * made on @parent's thread without touching the file, then cd_context_connect_worker() first thing in the
 * worker (nothing else may use its store before). */
CdContext    *cd_context_new_worker_unconnected (CdContext *parent);
gboolean      cd_context_connect_worker         (CdContext *self, GError **error);

CdStore      *cd_context_get_store     (CdContext *self);
CdProfileSet *cd_context_get_profiles  (CdContext *self);
CdProfile    *cd_context_lookup_profile (CdContext *self, const char *id, GError **error);
const char   *cd_context_get_state_dir (CdContext *self);
const char   *cd_context_get_data_dir  (CdContext *self);   /* shipped data */
char         *cd_context_find_data_file (CdContext *self, const char *relative);

/* Who acts, for the audit log: "clerk:wang" in the GUI, "cli:root" from the command line. */
const char   *cd_context_get_actor     (CdContext *self);
void          cd_context_set_actor     (CdContext *self, const char *actor, gint64 clerk_id);
gint64        cd_context_get_clerk_id  (CdContext *self);
gint64        cd_context_get_outlet_id (CdContext *self);
void          cd_context_set_outlet_id (CdContext *self, gint64 outlet_id);

/* A supervisor's adjustment of a signed-off day (cd-report-signoff.h): while set, the application store lets
 * writes to a signed day through and audits each as "adjustment" with @reason. NULL @reason clears it. */
void          cd_context_set_adjustment (CdContext *self, gint64 supervisor_id, const char *reason);
const char   *cd_context_get_adjustment (CdContext *self, gint64 *out_supervisor_id);

G_END_DECLS
