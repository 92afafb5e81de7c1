/* cd-store.h: the SQLite database: opening, numbered migrations, transactions and prepared statements. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define CD_STORE_ERROR (cd_store_error_quark ())
GQuark cd_store_error_quark (void);

typedef enum {
  CD_STORE_ERROR_OPEN,
  CD_STORE_ERROR_SQL,
  CD_STORE_ERROR_NEWER_SCHEMA,
  CD_STORE_ERROR_NOT_FOUND,
  CD_STORE_ERROR_CONSTRAINT,
  CD_STORE_ERROR_AUDIT_BROKEN,
  CD_STORE_ERROR_KEYS,          /* the keys of the personal data are missing or damaged (cd-store-crypt.h) */
} CdStoreError;

typedef struct _CdStore CdStore;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Opens (creating when missing) and migrates the database at @path. */
CdStore  *cd_store_open            (const char *path, GError **error);
/* Another connection to the database @of has open, for one worker thread (a connection serves one thread at a
 * time): the same file, key set (shared, it is thread-safe) and clock; the migrations, the key unwrap and the
 * sealing of old data are not run again (@of did them). Call on @of's thread; the new store outlives @of
 * safely. It never touches @of's connection. */
CdStore  *cd_store_open_worker     (CdStore *of, GError **error);
/* The same in two halves, so that the connection is opened on the worker's thread, not the window's: the
 * store made on @of's thread (no file touched: the path, clock and key set), then connected by the worker
 * before its first use. */
CdStore  *cd_store_new_worker      (CdStore *of);
gboolean  cd_store_connect_worker  (CdStore *self, GError **error);
void      cd_store_close           (CdStore *self);
sqlite3  *cd_store_get_db          (CdStore *self);
const char *cd_store_get_path      (CdStore *self);
int       cd_store_schema_version  (CdStore *self);
int       cd_store_latest_version  (void);

gboolean  cd_store_prepare         (CdStore *self, const char *sql, sqlite3_stmt **out, GError **error);
gboolean  cd_store_exec            (CdStore *self, const char *sql, GError **error);
/* The statement for @sql prepared once per connection and kept until cd_store_close (for statements run many
 * times a round, e.g. once per pulled row): *@out is borrowed, reset and without bindings; never finalize it.
 * Reset it when done (g_autoptr(CdStoreCachedStmt) does), so it holds no read snapshot; not re-entrant: one use
 * of the same SQL at a time. */
gboolean  cd_store_prepare_cached  (CdStore *self, const char *sql, sqlite3_stmt **out, GError **error);
typedef sqlite3_stmt CdStoreCachedStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdStoreCachedStmt, sqlite3_reset)
/* Steps a statement that returns no rows; maps constraint failures to CD_STORE_ERROR_CONSTRAINT. */
gboolean  cd_store_step_done       (CdStore *self, sqlite3_stmt *stmt, GError **error);
gboolean  cd_store_set_error       (CdStore *self, GError **error);

/* One transaction: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on failure. */
gboolean  cd_store_begin           (CdStore *self, GError **error);
gboolean  cd_store_commit          (CdStore *self, GError **error);
void      cd_store_rollback        (CdStore *self);

/* The clock of this database's records: real time, or a fixed instant set by tests
 * (cd_store_set_now, or CERTDESK_NOW=2026-01-31T09:00:00+08:00 in the environment). */
GDateTime *cd_store_now            (CdStore *self);
char      *cd_store_now_iso        (CdStore *self);   /* UTC, 2026-01-31T01:00:00Z */
char      *cd_store_today          (CdStore *self);   /* local date, 2026-01-31 */
void       cd_store_set_now        (CdStore *self, GDateTime *now);

void      cd_store_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text);
char     *cd_store_column_dup      (sqlite3_stmt *stmt, int col);

/* The value of the counter's setting @key (the setting table), or NULL when it is not set or cannot be read. */
char     *cd_store_setting_dup     (CdStore *self, const char *key);
/* Sets (inserts or replaces) the setting @key; the caller holds the transaction and writes its audit row. */
gboolean  cd_store_setting_set     (CdStore *self, const char *key, const char *value, GError **error);

/* synchronous=FULL (TRUE: the WAL is fsynced at every commit) or back to the default NORMAL. Outside any
 * transaction only: SQLite refuses the change inside one. */
gboolean  cd_store_set_synchronous_full (CdStore *self, gboolean full, GError **error);
/* A passive WAL checkpoint, which syncs the WAL before copying it. */
gboolean  cd_store_checkpoint      (CdStore *self, GError **error);

/* The key set that seals this database's personal data (cd-store-crypt.h), never NULL once open. */
typedef struct _CdKeys CdKeys;
CdKeys   *cd_store_get_keys        (CdStore *self);
void      cd_store_set_keys        (CdStore *self, CdKeys *keys);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdStore, cd_store_close)

G_END_DECLS
