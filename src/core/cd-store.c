/* cd-store.c: one SQLite connection with WAL, foreign keys and migrations; prepared statements only. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cd-field-crypt.h"
#include "cd-keys.h"
#include "cd-store.h"
#include "cd-store-crypt.h"
#include "cd-store-schema.h"

G_DEFINE_QUARK (cd-store-error-quark, cd_store_error)

struct _CdStore {
  sqlite3   *db;
  char      *path;
  GDateTime *fixed_now;
  CdKeys    *keys;
  GHashTable *cached;   /* SQL text -> sqlite3_stmt, prepared once (cd_store_prepare_cached) */
};

gboolean
cd_store_set_error (CdStore *self, GError **error)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, CD_STORE_ERROR,
               (code & 0xff) == SQLITE_CONSTRAINT ? CD_STORE_ERROR_CONSTRAINT : CD_STORE_ERROR_SQL,
               _("Database error in %s: %s"), self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
cd_store_prepare (CdStore *self, const char *sql, sqlite3_stmt **out, GError **error)
{
  if (sqlite3_prepare_v2 (self->db, sql, -1, out, NULL) != SQLITE_OK)
    return cd_store_set_error (self, error);
  return TRUE;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

gboolean
cd_store_prepare_cached (CdStore *self, const char *sql, sqlite3_stmt **out, GError **error)
{
  sqlite3_stmt *stmt;

  if (self->cached == NULL)
    self->cached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
  stmt = g_hash_table_lookup (self->cached, sql);
  if (stmt == NULL)
    {
      /* PERSISTENT: kept for the connection's life, so SQLite takes its memory from the heap, not the lookaside. */
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        {
          *out = NULL;
          return cd_store_set_error (self, error);
        }
      g_hash_table_insert (self->cached, g_strdup (sql), stmt);
    }
  /* A caller that returned early (an error, a row it did not step past) left it mid-way or bound. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  *out = stmt;
  return TRUE;
}

gboolean
cd_store_exec (CdStore *self, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_SQL, _("Database error in %s: %s"), self->path,
                   msg ? msg : sqlite3_errmsg (self->db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_store_step_done (CdStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return cd_store_set_error (self, error);
  return TRUE;
}

gboolean
cd_store_begin (CdStore *self, GError **error)
{
  return cd_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
cd_store_commit (CdStore *self, GError **error)
{
  if (!cd_store_exec (self, "COMMIT", error))
    {
      cd_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
cd_store_rollback (CdStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

void
cd_store_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

char *
cd_store_column_dup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

char *
cd_store_setting_dup (CdStore *self, const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (self, "SELECT value FROM setting WHERE key = ?1", &stmt, NULL))
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : NULL;
}

gboolean
cd_store_setting_set (CdStore *self, const char *key, const char *value, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (self, "INSERT INTO setting (key, value) VALUES (?1, ?2)"
                               " ON CONFLICT (key) DO UPDATE SET value = excluded.value", &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return cd_store_step_done (self, stmt, error);
}

gboolean
cd_store_set_synchronous_full (CdStore *self, gboolean full, GError **error)
{
  return cd_store_exec (self, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", error);
}

gboolean
cd_store_checkpoint (CdStore *self, GError **error)
{
  return cd_store_exec (self, "PRAGMA wal_checkpoint(PASSIVE)", error);
}

int
cd_store_schema_version (CdStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

int
cd_store_latest_version (void)
{
  return (int) cd_store_n_migrations;
}

/* Each migration and its version bump commit together, so a crash leaves a consistent version. */
static gboolean
migrate (CdStore *self, GError **error)
{
  int version = cd_store_schema_version (self);

  if (version < 0)
    return cd_store_set_error (self, error);
  if (version > (int) cd_store_n_migrations)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NEWER_SCHEMA,
                   _("The database %s was written by a newer CertDesk (schema %d, this one knows %u)"),
                   self->path, version, cd_store_n_migrations);
      return FALSE;
    }
  for (guint v = (guint) version; v < cd_store_n_migrations; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", v + 1);

      if (!cd_store_begin (self, error))
        return FALSE;
      if (!cd_store_exec (self, cd_store_migrations[v], error) || !cd_store_exec (self, bump, error))
        {
          cd_store_rollback (self);
          g_prefix_error (error, _("Migration to schema %u failed: "), v + 1);
          return FALSE;
        }
      if (!cd_store_commit (self, error))
        return FALSE;
    }
  return TRUE;
}

/* The connection's own settings, the same for the first connection and a worker's. */
static gboolean
configure_connection (CdStore *self, GError **error)
{
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);
  return cd_store_exec (self, "PRAGMA journal_mode = WAL", error)
         && cd_store_exec (self, "PRAGMA foreign_keys = ON", error)
         && cd_store_exec (self, "PRAGMA synchronous = NORMAL", error);
}

static gboolean
open_db (CdStore *self, int flags, GError **error)
{
  if (sqlite3_open_v2 (self->path, &self->db, flags | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN, _("Cannot open the database %s: %s"), self->path,
                   self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
      return FALSE;
    }
  return TRUE;
}

CdStore *
cd_store_open (const char *path, GError **error)
{
  g_autoptr(CdStore) self = g_new0 (CdStore, 1);
  g_autofree char *dir = g_path_get_dirname (path);

  self->path = g_strdup (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN, _("Cannot create the folder %s: %s"), dir,
                   g_strerror (errno));
      return NULL;
    }
  if (!open_db (self, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return NULL;
  /* The file holds personal data: owner-only, whatever the umask. */
  g_chmod (path, 0600);
  if (g_getenv ("CERTDESK_NOW"))
    {
      self->fixed_now = g_date_time_new_from_iso8601 (g_getenv ("CERTDESK_NOW"), NULL);
      if (!self->fixed_now)
        {
          g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN,
                       _("CERTDESK_NOW=%s is not an ISO 8601 time with a zone"), g_getenv ("CERTDESK_NOW"));
          return NULL;
        }
    }
  if (!configure_connection (self, error)
      || !cd_store_crypt_load (self, error)   /* before any change: a database without its key stays as it is */
      || !migrate (self, error)
      || !cd_store_crypt_init (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CdStore *
cd_store_new_worker (CdStore *of)
{
  CdStore *self = g_new0 (CdStore, 1);

  g_return_val_if_fail (of != NULL && of->keys != NULL, NULL);
  self->path = g_strdup (of->path);
  if (of->fixed_now)
    self->fixed_now = g_date_time_ref (of->fixed_now);
  self->keys = cd_keys_ref (of->keys);
  return self;
}

gboolean
cd_store_connect_worker (CdStore *self, GError **error)
{
  g_return_val_if_fail (self->db == NULL, FALSE);
  /* READWRITE without CREATE: the file the window has open exists; one gone meanwhile is an error, not a new
   * database */
  if (!open_db (self, SQLITE_OPEN_READWRITE, error) || !configure_connection (self, error))
    return FALSE;
  /* the SQL functions over the key set (cd_name, cd_open …), which belong to each connection */
  cd_field_register_sql (self->db, self->keys);
  return TRUE;
}

CdStore *
cd_store_open_worker (CdStore *of, GError **error)
{
  g_autoptr(CdStore) self = cd_store_new_worker (of);

  if (!self || !cd_store_connect_worker (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
cd_store_close (CdStore *self)
{
  if (!self)
    return;
  /* Finalized before the close: close_v2 would otherwise keep the connection alive as a zombie. */
  g_clear_pointer (&self->cached, g_hash_table_destroy);
  if (self->db)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_clear_pointer (&self->fixed_now, g_date_time_unref);
  g_clear_pointer (&self->keys, cd_keys_unref);
  g_free (self);
}

CdKeys *
cd_store_get_keys (CdStore *self)
{
  return self->keys;
}

void
cd_store_set_keys (CdStore *self, CdKeys *keys)
{
  CdKeys *old = self->keys;

  self->keys = keys ? cd_keys_ref (keys) : NULL;
  if (old)
    cd_keys_unref (old);
}

sqlite3 *
cd_store_get_db (CdStore *self)
{
  return self->db;
}

const char *
cd_store_get_path (CdStore *self)
{
  return self->path;
}

GDateTime *
cd_store_now (CdStore *self)
{
  if (self->fixed_now)
    return g_date_time_to_local (self->fixed_now);
  return g_date_time_new_now_local ();
}

char *
cd_store_now_iso (CdStore *self)
{
  g_autoptr(GDateTime) now = cd_store_now (self);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

char *
cd_store_today (CdStore *self)
{
  g_autoptr(GDateTime) now = cd_store_now (self);

  return g_date_time_format (now, "%Y-%m-%d");
}

void
cd_store_set_now (CdStore *self, GDateTime *now)
{
  g_clear_pointer (&self->fixed_now, g_date_time_unref);
  if (now)
    self->fixed_now = g_date_time_ref (now);
}
