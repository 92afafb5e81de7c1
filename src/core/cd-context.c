/* cd-context.c: builds the store and the profile set for one process (or one test), and the lighter contexts of
 * its worker threads. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cd-context.h"
#include "cd-sealed-scans.h"
#include "cd-paths.h"

struct _CdContext {
  GObject       parent_instance;
  char         *state_dir;
  CdStore      *store;
  CdProfileSet *profiles;
  char         *actor;
  gint64        clerk_id;
  gint64        outlet_id;
  gint64        adjustment_supervisor;
  char         *adjustment_reason;
};

G_DEFINE_FINAL_TYPE (CdContext, cd_context, G_TYPE_OBJECT)

static void
cd_context_finalize (GObject *object)
{
  CdContext *self = CD_CONTEXT (object);

  g_clear_pointer (&self->store, cd_store_close);
  g_clear_pointer (&self->profiles, cd_profile_set_unref);
  g_free (self->state_dir);
  g_free (self->actor);
  g_free (self->adjustment_reason);
  G_OBJECT_CLASS (cd_context_parent_class)->finalize (object);
}

static void
cd_context_class_init (CdContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cd_context_finalize;
}

static void
cd_context_init (CdContext *self)
{
  self->actor = g_strdup_printf ("cli:%s", g_get_user_name ());
}

CdContext *
cd_context_new (const char *state_dir, const char *db_path, GError **error)
{
  g_autoptr(CdContext) self = g_object_new (CD_TYPE_CONTEXT, NULL);
  g_autofree char *profiles_dir = NULL;
  g_autofree char *local_profiles = NULL;
  g_autofree char *default_db = NULL;

  self->state_dir = state_dir ? g_strdup (state_dir) : cd_paths_default_state_dir ();
  if (g_mkdir_with_parents (self->state_dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), _("Cannot create the folder %s: %s"),
                   self->state_dir, g_strerror (errno));
      return NULL;
    }
  self->profiles = cd_profile_set_new ();
  profiles_dir = g_build_filename (cd_paths_shipped_data_dir (), "profiles", NULL);
  if (!cd_profile_set_load_dir (self->profiles, profiles_dir, error))
    return NULL;
  /* A CA may add or replace profiles in the counter's own folder. */
  local_profiles = g_build_filename (self->state_dir, "profiles", NULL);
  if (g_file_test (local_profiles, G_FILE_TEST_IS_DIR)
      && !cd_profile_set_load_dir (self->profiles, local_profiles, error))
    return NULL;
  default_db = g_build_filename (self->state_dir, "certdesk.db", NULL);
  if (!(self->store = cd_store_open (db_path ? db_path : default_db, error)))
    return NULL;
  /* scans written before the database had keys, or a keys rotate cut off: sealed now (issue 17) */
  if (!cd_sealed_scans_settle (self, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* What a worker context copies of @parent besides its store: the profile set (shared), who acts, the outlet and
 * the adjustment. */
static void
worker_copy (CdContext *self, CdContext *parent)
{
  self->profiles = cd_profile_set_ref (parent->profiles);
  cd_context_set_actor (self, parent->actor, parent->clerk_id);
  self->outlet_id = parent->outlet_id;
  cd_context_set_adjustment (self, parent->adjustment_supervisor, parent->adjustment_reason);
}

/* A worker used to open a whole cd_context_new (the profile files parsed, the key set unwrapped, the migrations
 * checked, the scan folder settled). tests/bench/context, release build, 2 cores at a load of 11, medians of 40:
 * the context alone 16.1–19.4 ms → 1.4–1.6 ms (one outlier run 5.4); one payment's worker (context, check, pay)
 * 31.0–34.2 ms → 19.1–20.2 ms. With the KEK in the session keyring (a D-Bus call per unwrap) the old way cost
 * more still. */
CdContext *
cd_context_new_worker (CdContext *parent, GError **error)
{
  g_autoptr(CdContext) self = NULL;

  g_return_val_if_fail (CD_IS_CONTEXT (parent), NULL);
  self = g_object_new (CD_TYPE_CONTEXT, NULL);
  self->state_dir = g_strdup (parent->state_dir);
  if (!(self->store = cd_store_open_worker (parent->store, error)))
    return NULL;
  worker_copy (self, parent);
  return g_steal_pointer (&self);
}

CdContext *
cd_context_new_worker_unconnected (CdContext *parent)
{
  CdContext *self;

  g_return_val_if_fail (CD_IS_CONTEXT (parent), NULL);
  self = g_object_new (CD_TYPE_CONTEXT, NULL);
  self->state_dir = g_strdup (parent->state_dir);
  self->store = cd_store_new_worker (parent->store);
  worker_copy (self, parent);
  return self;
}

gboolean
cd_context_connect_worker (CdContext *self, GError **error)
{
  return cd_store_get_db (self->store) != NULL || cd_store_connect_worker (self->store, error);
}

CdStore *
cd_context_get_store (CdContext *self)
{
  return self->store;
}

CdProfileSet *
cd_context_get_profiles (CdContext *self)
{
  return self->profiles;
}

CdProfile *
cd_context_lookup_profile (CdContext *self, const char *id, GError **error)
{
  return cd_profile_set_lookup (self->profiles, id, error);
}

const char *
cd_context_get_state_dir (CdContext *self)
{
  return self->state_dir;
}

const char *
cd_context_get_data_dir (CdContext *self)
{
  return cd_paths_shipped_data_dir ();
}

char *
cd_context_find_data_file (CdContext *self, const char *relative)
{
  return cd_paths_find_data_file (self->state_dir, relative);
}

const char *
cd_context_get_actor (CdContext *self)
{
  return self->actor;
}

void
cd_context_set_actor (CdContext *self, const char *actor, gint64 clerk_id)
{
  g_free (self->actor);
  self->actor = g_strdup (actor);
  self->clerk_id = clerk_id;
}

gint64
cd_context_get_clerk_id (CdContext *self)
{
  return self->clerk_id;
}

gint64
cd_context_get_outlet_id (CdContext *self)
{
  return self->outlet_id;
}

void
cd_context_set_outlet_id (CdContext *self, gint64 outlet_id)
{
  self->outlet_id = outlet_id;
}

void
cd_context_set_adjustment (CdContext *self, gint64 supervisor_id, const char *reason)
{
  g_clear_pointer (&self->adjustment_reason, g_free);
  self->adjustment_reason = g_strdup (reason);
  self->adjustment_supervisor = reason ? supervisor_id : 0;
}

const char *
cd_context_get_adjustment (CdContext *self, gint64 *out_supervisor_id)
{
  if (out_supervisor_id)
    *out_supervisor_id = self->adjustment_supervisor;
  return self->adjustment_reason;
}
