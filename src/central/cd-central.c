/* cd-central.c: init (numbered migrations) and join of the central PostgreSQL; the connection is in
 * cd-central-connect.c, a sync round in cd-central-sync.c, the customer search in cd-central-find.c, the audit
 * chain checks in cd-central-verify.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <string.h>

#include "cd-central.h"
#include "cd-central-copy.h"
#include "cd-central-keys.h"
#include "cd-central-outlets.h"
#include "cd-central-private.h"
#include "cd-sync-store.h"

/* An arbitrary key of PostgreSQL's advisory locks for `central init` (two inits never interleave). */
#define CD_CENTRAL_INIT_LOCK 1128555313

gboolean
cd_central_init (const char *url, const char *outlet_code, const char *outlet_name, const char *role,
                 int *out_version, int *out_applied, GError **error)
{
  g_autoptr(PGconn) conn = cd_central_connect (url, error);
  int applied = 0, version = 0;

  if (!conn)
    return FALSE;
  if (!cd_central_exec (conn, "SET client_min_messages = warning", error)
      || !cd_central_exec (conn, "BEGIN", error)
      || !cd_central_exec (conn, "SELECT pg_advisory_xact_lock(" G_STRINGIFY (CD_CENTRAL_INIT_LOCK) ")", error)
      || !cd_central_exec (conn, "CREATE SCHEMA IF NOT EXISTS certdesk;"
                         "CREATE TABLE IF NOT EXISTS certdesk.schema_version ("
                         "  version integer PRIMARY KEY,"
                         "  applied_at timestamptz NOT NULL DEFAULT now())", error)
      || !cd_central_exec (conn, "COMMIT", error))
    return FALSE;
  /* Each migration commits with its version row, under the lock, so two inits never apply one twice. */
  for (guint v = 1; v <= cd_central_n_migrations + 1; v++)
    {
      g_autoptr(PGresult) cur = NULL;
      g_autofree char *bump = NULL;

      if (!cd_central_exec (conn, "BEGIN", error)
          || !cd_central_exec (conn, "SELECT pg_advisory_xact_lock(" G_STRINGIFY (CD_CENTRAL_INIT_LOCK) ")", error)
          || !(cur = cd_central_params (conn, "SELECT coalesce(max(version), 0) FROM certdesk.schema_version", 0, NULL,
                                error)))
        return FALSE;
      version = atoi (PQgetvalue (cur, 0, 0));
      if (version > (int) cd_central_n_migrations)
        {
          cd_central_exec (conn, "ROLLBACK", NULL);
          g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NEWER_SCHEMA,
                       _("The central database's schema is version %d, newer than this CertDesk knows (%u); "
                         "update CertDesk first"), version, cd_central_n_migrations);
          return FALSE;
        }
      if (version >= (int) v || v > cd_central_n_migrations)
        {
          if (!cd_central_exec (conn, "COMMIT", error))
            return FALSE;
          continue;
        }
      bump = g_strdup_printf ("INSERT INTO certdesk.schema_version (version) VALUES (%u)", v);
      if (!cd_central_exec (conn, cd_central_migrations[v - 1], error) || !cd_central_exec (conn, bump, error)
          || !cd_central_exec (conn, "COMMIT", error))
        {
          cd_central_exec (conn, "ROLLBACK", NULL);
          return FALSE;
        }
      applied++;
      version = (int) v;
    }
  if (outlet_code)
    {
      const char *const params[] = { outlet_code, outlet_name ? outlet_name : outlet_code,
                                     role ? role : outlet_code };
      g_autoptr(PGresult) res = cd_central_params (conn, "SELECT certdesk.add_outlet($1, $2, $3)", 3, params, error);
      if (!res)
        return FALSE;
    }
  if (out_version)
    *out_version = version;
  if (out_applied)
    *out_applied = applied;
  return TRUE;
}

static gboolean
setting_set (CdStore *store, const char *key, const char *value, GError **error)
{
  return cd_store_setting_set (store, key, value, error);
}

gboolean
cd_central_is_joined (CdStore *store, char **out_outlet)
{
  g_autofree char *outlet = cd_store_setting_dup (store, "central.outlet");

  if (out_outlet)
    *out_outlet = g_strdup (outlet);
  return outlet != NULL;
}

gboolean
cd_central_join (CdStore *store, const char *url, const char *outlet_code, const char *name,
                 char **out_counter, gint64 *out_queued, GError **error)
{
  g_autofree char *joined = cd_store_setting_dup (store, "central.outlet");
  g_autofree char *counter = cd_store_setting_dup (store, "central.counter");
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) who = NULL;
  const char *role_outlet;
  gint64 queued = 0;

  if (joined && !g_str_equal (joined, outlet_code))
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("This counter has already joined the central database as outlet %s, not %s"),
                   joined, outlet_code);
      return FALSE;
    }
  if (!(conn = cd_central_connect (url, error)))
    return FALSE;
  if (!(who = cd_central_params (conn, "SELECT to_regclass('certdesk.outlet') IS NOT NULL, current_user", 0, NULL, error)))
    return FALSE;
  if (!g_str_equal (PQgetvalue (who, 0, 0), "t"))
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                           _("The central database has no CertDesk schema yet; run certdesk-cli central init URL "
                             "as its administrator first"));
      return FALSE;
    }
  {
    g_autoptr(PGresult) mine = cd_central_params (conn, "SELECT certdesk.my_outlet()", 0, NULL, error);
    if (!mine)
      return FALSE;
    role_outlet = PQgetisnull (mine, 0, 0) ? NULL : PQgetvalue (mine, 0, 0);
    if (g_strcmp0 (role_outlet, outlet_code) != 0)
      {
        if (role_outlet)
          g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                       _("The database user %s is outlet %s's, not outlet %s's; join with that outlet's user"),
                       PQgetvalue (who, 0, 1), role_outlet, outlet_code);
        else
          g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                       _("The database user %s belongs to no outlet; the administrator makes outlet %s's user with "
                         "certdesk-cli central init URL --outlet %s --name NAME --role USER"),
                       PQgetvalue (who, 0, 1), outlet_code, outlet_code);
        return FALSE;
      }
  }
  /* A counter sealed under another key set than the CA's: its blind indexes would never match (docs/central.md). */
  if (!cd_central_check_key_id (conn, store, error))
    return FALSE;
  if (!counter)
    counter = g_uuid_string_random ();
  {
    /* Registered again on a second join (idempotent), so the counter is known wherever its URL now leads. */
    const char *const params[] = { counter, outlet_code, name };
    g_autoptr(PGresult) res = cd_central_params (conn, "INSERT INTO certdesk.counter (uuid, outlet_code, name)"
                                               " VALUES ($1, $2, $3) ON CONFLICT (uuid) DO NOTHING", 3, params, error);
    if (!res)
      return FALSE;
  }
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!setting_set (store, "central.url", url, error) || !setting_set (store, "central.name", name, error)
      || !setting_set (store, "central.counter", counter, error))
    goto fail;
  if (!joined)
    {
      /* From this row on the triggers capture every change; what is already here goes out as a snapshot. */
      if (!setting_set (store, "central.outlet", outlet_code, error) || !cd_sync_store_snapshot (store, error))
        goto fail;
      queued = MAX (cd_sync_store_pending (store), 0);
    }
  if (!cd_store_commit (store, error))
    return FALSE;
  if (out_counter)
    *out_counter = g_steal_pointer (&counter);
  if (out_queued)
    *out_queued = queued;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_central_setting_set (CdStore *store, const char *key, const char *value, GError **error)
{
  return setting_set (store, key, value, error);
}
