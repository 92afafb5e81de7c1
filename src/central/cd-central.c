/* cd-central.c: the central PostgreSQL through libpq: init (numbered migrations), join, one sync round. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cd-audit.h"
#include "cd-central.h"
#include "cd-central-copy.h"
#include "cd-central-escrow.h"
#include "cd-central-keys.h"
#include "cd-central-outlets.h"
#include "cd-central-private.h"
#include "cd-ident.h"
#include "cd-sync-store.h"

G_DEFINE_QUARK (cd-central-error-quark, cd_central_error)

/* An arbitrary key of PostgreSQL's advisory locks for `central init` (two inits never interleave). */
#define CD_CENTRAL_INIT_LOCK 1128555313

gboolean
cd_central_check_url (const char *url, GError **error)
{
  char *err = NULL;
  PQconninfoOption *opts = PQconninfoParse (url, &err);
  gboolean has_password = FALSE;

  if (!opts)
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("The central database URL “%s” cannot be read (%s); expected a libpq URI such as "
                     "postgresql://outlet_a@db.example.cn/certdesk"), url, err ? g_strchomp (err) : "");
      PQfreemem (err);
      return FALSE;
    }
  for (PQconninfoOption *o = opts; o->keyword; o++)
    if (g_str_equal (o->keyword, "password") && o->val && *o->val)
      has_password = TRUE;
  PQconninfoFree (opts);
  if (has_password)
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                           _("The central database URL carries a password; leave it out and keep the password "
                             "in ~/.pgpass or a libpq service file, or use a client certificate"));
      return FALSE;
    }
  return TRUE;
}

/* What a refused TLS connection means, in a sentence (libpq's own words follow it), or NULL. */
static const char *
tls_refusal (const char *libpq_message)
{
  if (strstr (libpq_message, "certificate verify failed"))
    return _("the server's certificate is not signed by the CA this counter trusts (sslrootcert in the URL, else "
             "~/.postgresql/root.crt): it may be another server; the counter did not log in");
  if (strstr (libpq_message, "does not match host name"))
    return _("the server's certificate is not for the host name in the URL; use the name the certificate was "
             "issued for");
  if (strstr (libpq_message, "requires a valid client certificate"))
    return _("the server asks for this counter's client certificate and none was presented (libpq reads it from "
             "~/.postgresql/postgresql.crt and postgresql.key, or sslcert and sslkey)");
  if (strstr (libpq_message, "certificate authentication failed"))
    return _("the client certificate presented is not the database user's: its name (CN) must be the user in the "
             "URL");
  return NULL;
}

static PGconn *
connect_url (const char *url, GError **error)
{
  /* The URL is expanded in place of dbname; the keywords before it are defaults the URL may override. */
  const char *const keys[] = { "connect_timeout", "application_name", "dbname", NULL };
  const char *const values[] = { "10", "certdesk", url, NULL };
  g_autoptr(PGconn) conn = NULL;

  if (!cd_central_check_url (url, error))
    return NULL;
  conn = PQconnectdbParams (keys, values, 1);
  if (PQstatus (conn) != CONNECTION_OK)
    {
      const char *why = tls_refusal (PQerrorMessage (conn));

      if (why)
        g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_CONNECT,
                     _("The central database refused the secure connection: %s (%s)"), why,
                     g_strchomp (PQerrorMessage (conn)));
      else
        g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_CONNECT,
                     _("The central database cannot be reached: %s"), g_strchomp (PQerrorMessage (conn)));
      return NULL;
    }
  return g_steal_pointer (&conn);
}

static gboolean
result_ok (PGconn *conn, PGresult *res, GError **error)
{
  ExecStatusType st = PQresultStatus (res);
  const char *msg;

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return TRUE;
  msg = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
  if (PQstatus (conn) != CONNECTION_OK)
    g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_CONNECT,
                 _("The connection to the central database was lost: %s"), g_strchomp (PQerrorMessage (conn)));
  else
    g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_SERVER,
                 _("The central database refused the change: %s"), msg ? msg : g_strchomp (PQerrorMessage (conn)));
  return FALSE;
}

static gboolean
pg_exec (PGconn *conn, const char *sql, GError **error)
{
  g_autoptr(PGresult) res = PQexec (conn, sql);
  return result_ok (conn, res, error);
}

static PGresult *
pg_params (PGconn *conn, const char *sql, int n, const char *const *values, GError **error)
{
  g_autoptr(PGresult) res = PQexecParams (conn, sql, n, NULL, values, NULL, NULL, 0);
  if (!result_ok (conn, res, error))
    return NULL;
  return g_steal_pointer (&res);
}

gboolean
cd_central_init (const char *url, const char *outlet_code, const char *outlet_name, const char *role,
                 int *out_version, int *out_applied, GError **error)
{
  g_autoptr(PGconn) conn = connect_url (url, error);
  int applied = 0, version = 0;

  if (!conn)
    return FALSE;
  if (!pg_exec (conn, "SET client_min_messages = warning", error)
      || !pg_exec (conn, "BEGIN", error)
      || !pg_exec (conn, "SELECT pg_advisory_xact_lock(" G_STRINGIFY (CD_CENTRAL_INIT_LOCK) ")", error)
      || !pg_exec (conn, "CREATE SCHEMA IF NOT EXISTS certdesk;"
                         "CREATE TABLE IF NOT EXISTS certdesk.schema_version ("
                         "  version integer PRIMARY KEY,"
                         "  applied_at timestamptz NOT NULL DEFAULT now())", error)
      || !pg_exec (conn, "COMMIT", error))
    return FALSE;
  /* Each migration commits with its version row, under the lock, so two inits never apply one twice. */
  for (guint v = 1; v <= cd_central_n_migrations + 1; v++)
    {
      g_autoptr(PGresult) cur = NULL;
      g_autofree char *bump = NULL;

      if (!pg_exec (conn, "BEGIN", error)
          || !pg_exec (conn, "SELECT pg_advisory_xact_lock(" G_STRINGIFY (CD_CENTRAL_INIT_LOCK) ")", error)
          || !(cur = pg_params (conn, "SELECT coalesce(max(version), 0) FROM certdesk.schema_version", 0, NULL,
                                error)))
        return FALSE;
      version = atoi (PQgetvalue (cur, 0, 0));
      if (version > (int) cd_central_n_migrations)
        {
          pg_exec (conn, "ROLLBACK", NULL);
          g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NEWER_SCHEMA,
                       _("The central database's schema is version %d, newer than this CertDesk knows (%u); "
                         "update CertDesk first"), version, cd_central_n_migrations);
          return FALSE;
        }
      if (version >= (int) v || v > cd_central_n_migrations)
        {
          if (!pg_exec (conn, "COMMIT", error))
            return FALSE;
          continue;
        }
      bump = g_strdup_printf ("INSERT INTO certdesk.schema_version (version) VALUES (%u)", v);
      if (!pg_exec (conn, cd_central_migrations[v - 1], error) || !pg_exec (conn, bump, error)
          || !pg_exec (conn, "COMMIT", error))
        {
          pg_exec (conn, "ROLLBACK", NULL);
          return FALSE;
        }
      applied++;
      version = (int) v;
    }
  if (outlet_code)
    {
      const char *const params[] = { outlet_code, outlet_name ? outlet_name : outlet_code,
                                     role ? role : outlet_code };
      g_autoptr(PGresult) res = pg_params (conn, "SELECT certdesk.add_outlet($1, $2, $3)", 3, params, error);
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
  if (!(conn = connect_url (url, error)))
    return FALSE;
  if (!(who = pg_params (conn, "SELECT to_regclass('certdesk.outlet') IS NOT NULL, current_user", 0, NULL, error)))
    return FALSE;
  if (!g_str_equal (PQgetvalue (who, 0, 0), "t"))
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                           _("The central database has no CertDesk schema yet; run certdesk-cli central init URL "
                             "as its administrator first"));
      return FALSE;
    }
  {
    g_autoptr(PGresult) mine = pg_params (conn, "SELECT certdesk.my_outlet()", 0, NULL, error);
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
    g_autoptr(PGresult) res = pg_params (conn, "INSERT INTO certdesk.counter (uuid, outlet_code, name)"
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

/* The crash campaign's hook (tests/central): CERTDESK_TEST_CRASH_AT=sync:pushed:N kills the process after the
 * N-th batch is committed on the server and before it is marked sent here, the point where a resume must not
 * push twice. */
static void
test_point (const char *what, gint64 n)
{
  const char *at = g_getenv ("CERTDESK_TEST_CRASH_AT");
  g_autofree char *here = NULL;

  if (!at || !g_str_has_prefix (at, "sync:"))
    return;
  here = g_strdup_printf ("sync:%s:%" G_GINT64_FORMAT, what, n);
  if (g_str_equal (at, here))
    kill (getpid (), SIGKILL);
}

static gint64
pending_count (CdStore *store)
{
  return cd_sync_store_pending (store);
}

static gboolean
push (CdStore *store, PGconn *conn, const char *outlet, const char *counter, gint64 *pushed, GError **error)
{
  const char *env = g_getenv ("CERTDESK_SYNC_BATCH");
  /* 1000 outbox rows a batch (about 1.2 MB of JSON): the server's statement triggers and the upserts they plan
   * cost per batch as well as per row; 1000 took about 9 % less of the server's CPU than 500 for the same day
   * (docs/central.md "Indexes, the customer fields, the round trips and the batch size"). */
  gint64 batch_size = env ? g_ascii_strtoll (env, NULL, 10) : 1000, batches = 0;

  if (batch_size <= 0)
    batch_size = 1000;
  for (;;)
    {
      g_autoptr(PGresult) res = NULL;
      g_autofree char *batch = NULL;
      gint64 first, last, n, marked;

      /* One batch as a JSON array, read by jsonb_to_recordset on the server: one round trip per batch. */
      if (!cd_sync_store_next_batch (store, batch_size, &batch, &first, &last, &n, error))
        return FALSE;
      if (n == 0)
        return TRUE;
      {
        const char *const params[] = { batch, outlet, counter };
        /* One statement is one server transaction (no BEGIN/COMMIT around it: one round trip per batch instead
         * of three); its result arrives after its COMMIT, with synchronous_commit on, once the WAL is on disk.
         * A refused or failed statement leaves nothing of the batch, triggers included. */
        res = pg_params (conn, "INSERT INTO certdesk.change_event (event_uuid, outlet_code, counter_uuid, seq, tbl,"
                         " record_uuid, local_id, op, row, at) SELECT x.event_uuid, $2, $3, x.seq, x.tbl,"
                         " x.record_uuid, x.local_id, x.op, x.row, x.at FROM jsonb_to_recordset($1::jsonb)"
                         " AS x(event_uuid uuid, seq bigint, tbl text, record_uuid uuid, local_id bigint, op text,"
                         " row jsonb, at timestamptz) ORDER BY x.seq ON CONFLICT DO NOTHING", 3, params, error);
        if (!res)
          return FALSE;
      }
      test_point ("pushed", ++batches);
      /* Marked only after the server's COMMIT: a crash in between pushes the batch again, and the server keeps
       * the first copy (ON CONFLICT DO NOTHING). */
      if (!cd_sync_store_mark_sent (store, first, last, &marked, error))
        return FALSE;
      *pushed += marked;
    }
}

/* Applies one pulled change of another counter to central_customer / central_certificate. */
static gboolean
apply_pulled (CdStore *store, const char *tbl, const char *uuid, const char *outlet, gint64 seq, gboolean deleted,
              const char *row, GError **error)
{
  /* Another outlet revoked (or superseded) a certificate: this counter's own, or a pulled copy. */
  if (g_str_equal (tbl, "revocation"))
    return deleted || cd_central_copy_apply_revocation (store, row, outlet, error);
  /* A deletion keeps the last known data and marks the row; an older change never overwrites a newer one. */
  if (g_str_equal (tbl, "customer"))
    return cd_sync_store_apply_customer (store, uuid, outlet, seq, deleted, row, error);
  return cd_sync_store_apply_certificate (store, uuid, outlet, seq, deleted, row, error);
}

static gboolean
pull (CdStore *store, PGconn *conn, const char *counter, gint64 *pulled, GError **error)
{
  const int page = 1000;

  for (;;)
    {
      g_autoptr(PGresult) res = NULL;
      g_autofree char *cursors = NULL;
      int rows;

      if (!(cursors = cd_sync_store_cursors_json (store, error)))
        return FALSE;
      {
        const char *const params[] = { cursors, counter };
        /* Each counter's changes arrive in its own order and commit batch by batch, so "above the last
         * sequence seen from that counter" never skips one. UUIDs as the counter writes them (32 hex digits).
         * One range of the (counter_uuid, seq) index per counter: a round that finds nothing new costs a probe
         * per counter, not a scan of every change ever pushed (which grew with the central table and was most
         * of the benchmark's push once every counter's day was in). */
        res = pg_params (conn, "SELECT e.counter_uuid::text, e.seq, e.tbl, replace(e.record_uuid::text, '-', ''),"
                         " e.op, e.row::text, e.outlet_code FROM (SELECT k.uuid, coalesce(c.seq, 0) AS after"
                         "   FROM certdesk.counter k"
                         "   LEFT JOIN jsonb_to_recordset($1::jsonb) AS c(counter uuid, seq bigint) ON c.counter = k.uuid"
                         "   WHERE k.uuid <> $2::uuid OFFSET 0) k"
                         /* OFFSET 0 keeps the cursor a plain value: under row-level security a COALESCE pulled up
                          * into the scan was not used as an index condition (every row of the counter read). */
                         " CROSS JOIN LATERAL (SELECT * FROM certdesk.change_event e1 WHERE e1.counter_uuid = k.uuid"
                         "   AND e1.seq > k.after AND e1.tbl IN ('customer', 'certificate', 'revocation')"
                         "   ORDER BY e1.seq LIMIT " G_STRINGIFY (1000) ") e"
                         " ORDER BY e.counter_uuid, e.seq LIMIT " G_STRINGIFY (1000),
                         2, params, error);
        if (!res)
          return FALSE;
      }
      rows = PQntuples (res);
      if (rows == 0)
        return TRUE;
      if (!cd_store_begin (store, error))
        return FALSE;
      for (int i = 0; i < rows; i++)
        {
          gint64 seq = g_ascii_strtoll (PQgetvalue (res, i, 1), NULL, 10);

          if (!apply_pulled (store, PQgetvalue (res, i, 2), PQgetvalue (res, i, 3), PQgetvalue (res, i, 6), seq,
                             g_str_equal (PQgetvalue (res, i, 4), "delete"), PQgetvalue (res, i, 5), error)
              || !cd_sync_store_set_cursor (store, PQgetvalue (res, i, 0), seq, error))
            goto fail;
          (*pulled)++;
        }
      if (!cd_store_commit (store, error))
        return FALSE;
      if (rows < page)
        return TRUE;
      continue;
    fail:
      cd_store_rollback (store);
      return FALSE;
    }
}

/* Rows sent more than CD_CENTRAL_KEEP_SENT_DAYS ago leave the outbox (the central database holds them; a
 * counter's outbox would otherwise grow by every change it ever made). Sequences are never reused
 * (AUTOINCREMENT), so the order stays intact. */
#define CD_CENTRAL_KEEP_SENT_DAYS 30

static gboolean
prune_sent (CdStore *store, GError **error)
{
  g_autoptr(GDateTime) now = cd_store_now (store);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);
  g_autoptr(GDateTime) cutoff = g_date_time_add_days (utc, -CD_CENTRAL_KEEP_SENT_DAYS);
  g_autofree char *iso = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%SZ");

  return cd_sync_store_prune_sent (store, iso, error);
}

/* The SO-PIN escrow (cd-central-escrow.c): a row that cannot be given now (its key file missing) is said and
 * kept for the next round, without holding up the changes themselves. */
static gboolean
push_escrow (CdStore *store, PGconn *conn)
{
  g_autoptr(GError) local = NULL;
  gint64 sent = 0;

  if (!cd_central_escrow_push (store, conn, &sent, &local))
    g_warning ("%s", local->message);
  return TRUE;
}

gboolean
cd_central_sync (CdStore *store, CdCentralSyncResult *out, GError **error)
{
  g_autofree char *url = cd_store_setting_dup (store, "central.url");
  g_autofree char *outlet = cd_store_setting_dup (store, "central.outlet");
  g_autofree char *counter = cd_store_setting_dup (store, "central.counter");
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) lock = NULL;
  gboolean ok;

  *out = (CdCentralSyncResult) { 0 };
  if (!url || !outlet || !counter)
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED,
                           _("This counter has not joined a central database; it works on its own "
                             "(certdesk-cli central join URL --outlet CODE --name NAME joins one)"));
      return FALSE;
    }
  out->pending = pending_count (store);
  if (!(conn = connect_url (url, error)))
    {
      cd_central_copy_note_sync (store, FALSE, NULL);
      return FALSE;
    }
  {
    /* One sync of a counter at a time (the GUI's and a command line's); released with the connection. */
    const char *const params[] = { counter };
    if (!(lock = pg_params (conn, "SELECT pg_try_advisory_lock(hashtext($1))", 1, params, error)))
      return FALSE;
    if (!g_str_equal (PQgetvalue (lock, 0, 0), "t"))
      {
        g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_BUSY,
                             _("Another sync of this counter is running; try again when it has finished"));
        return FALSE;
      }
  }
  ok = push (store, conn, outlet, counter, &out->pushed, error)
       && pull (store, conn, counter, &out->pulled, error)
       && cd_central_pull_outlet_names (store, conn, error)
       && cd_central_pull_customer_fields (store, conn, counter, &out->pulled, error)
       && cd_central_pull_head_office (store, conn, &out->pulled, error)
       && push_escrow (store, conn)
       && prune_sent (store, error);
  out->pending = pending_count (store);
  /* What the pre-flight says of a certificate not seen here: offline since when (cd_central_copy_sync_state). A
   * line lost mid-round is offline; a refusal by a server that answered is not. */
  cd_central_copy_note_sync (store, ok || !(error && *error && g_error_matches (*error, CD_CENTRAL_ERROR,
                                                                              CD_CENTRAL_ERROR_CONNECT)), NULL);
  return ok;
}

static void
add_text (JsonBuilder *b, const char *name, const unsigned char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, (const char *) value);
  else
    json_builder_add_null_value (b);
}

/* The certificates of one hit: a local applicant's through its applications, a pulled one's by UUID. */
static gboolean
add_certificates (CdStore *store, JsonBuilder *b, const CdSyncCustomer *c, const char *outlet, GError **error)
{
  g_autoptr(GPtrArray) certs = cd_sync_store_customer_certificates (store, c, outlet, error);

  if (certs == NULL)
    return FALSE;
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  for (guint i = 0; i < certs->len; i++)
    {
      CdSyncCertificate *cert = certs->pdata[i];

      json_builder_begin_object (b);
      add_text (b, "serial", (const guchar *) cert->serial);
      add_text (b, "state", (const guchar *) cert->state);
      add_text (b, "not_after", (const guchar *) cert->not_after);
      add_text (b, "outlet", (const guchar *) cert->outlet);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

JsonNode *
cd_central_find_customers (CdStore *store, const char *text, guint limit, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *ident = cd_ident_normalize (text);
  g_autofree char *outlet = cd_store_setting_dup (store, "central.outlet");
  g_autoptr(GPtrArray) hits = NULL;

  /* This counter's applicants first (its own outlet), then the other outlets' pulled customers. */
  if (!(hits = cd_sync_store_find_customers (store, text, ident, outlet, limit, error)))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "customers");
  json_builder_begin_array (b);
  for (guint i = 0; i < hits->len; i++)
    {
      CdSyncCustomer *c = hits->pdata[i];

      json_builder_begin_object (b);
      add_text (b, "name", (const guchar *) c->name);
      add_text (b, "kind", (const guchar *) c->kind);
      add_text (b, "uscc", (const guchar *) c->uscc);
      add_text (b, "id_number", (const guchar *) c->id_number);
      add_text (b, "outlet", (const guchar *) c->outlet);
      if (!add_certificates (store, b, c, outlet, error))
        return NULL;
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct {
  char   *outlet;
  char   *counter;
  gint64  rows;
  gint64  bad;     /* first bad row's id, 0 when intact */
  char   *why;
} Chain;

static void
chain_free (Chain *c)
{
  g_free (c->outlet);
  g_free (c->counter);
  g_free (c->why);
  g_free (c);
}

static const char *
field (PGresult *res, int row, int col)
{
  return PQgetisnull (res, row, col) ? "" : PQgetvalue (res, row, col);
}

JsonNode *
cd_central_verify (CdStore *store, const char *url, gboolean *out_intact, GError **error)
{
  g_autofree char *joined_url = url ? NULL : cd_store_setting_dup (store, "central.url");
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GPtrArray) chains = g_ptr_array_new_with_free_func ((GDestroyNotify) chain_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *prev = NULL;
  Chain *cur = NULL, *first_bad = NULL;
  int n;

  if (!url && !(url = joined_url))
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED,
                           _("This counter has not joined a central database; it works on its own "
                             "(certdesk-cli central join URL --outlet CODE --name NAME joins one)"));
      return NULL;
    }
  if (!(conn = connect_url (url, error)))
    return NULL;
  /* Counter by counter through audit_row's (counter_uuid, local_id) index: an outlet's role walks its own
   * counters' chains without reading the other outlets' rows (central migration 13 dropped the (outlet_code)
   * index, which only this query used); my_outlet() is NULL for the head office, which walks every counter. */
  if (!(res = pg_params (conn, "SELECT a.outlet_code, a.counter_uuid::text, a.local_id, a.data->>'at',"
                         " a.data->>'actor', a.data->>'action', a.data->>'entity',"
                         " coalesce((a.data->>'entity_id')::bigint, 0), a.data->>'detail', a.data->>'prev_hash',"
                         " a.data->>'hash' FROM (SELECT c.uuid FROM certdesk.counter c"
                         "   WHERE (SELECT certdesk.my_outlet()) IS NULL OR c.outlet_code = (SELECT certdesk.my_outlet())"
                         "   OFFSET 0) k"
                         /* OFFSET 0: one index range per counter (a join planned as a whole read every outlet's rows
                          * and filtered them, checked with EXPLAIN). */
                         " CROSS JOIN LATERAL (SELECT * FROM certdesk.audit_row r WHERE r.counter_uuid = k.uuid OFFSET 0) a"
                         " ORDER BY a.outlet_code, a.counter_uuid, a.local_id", 0, NULL, error)))
    return NULL;
  n = PQntuples (res);
  for (int i = 0; i < n; i++)
    {
      gint64 id = g_ascii_strtoll (PQgetvalue (res, i, 2), NULL, 10);
      const char *prev_hash = field (res, i, 9), *hash = field (res, i, 10);

      if (!cur || !g_str_equal (cur->counter, PQgetvalue (res, i, 1)))
        {
          cur = g_new0 (Chain, 1);
          cur->outlet = g_strdup (PQgetvalue (res, i, 0));
          cur->counter = g_strdup (PQgetvalue (res, i, 1));
          g_ptr_array_add (chains, cur);
          g_free (prev);
          prev = g_strdup (GENESIS_HASH);
        }
      cur->rows++;
      if (cur->bad)
        continue;
      if (id != cur->rows)
        cur->why = g_strdup_printf (_("audit row %lld is missing from the central copy"), (long long) cur->rows);
      else if (!g_str_equal (prev_hash, prev))
        cur->why = g_strdup_printf (_("audit row %lld does not follow the row before it "
                                      "(its previous hash differs)"), (long long) id);
      else
        {
          g_autofree char *canonical = cd_audit_canonical (id, field (res, i, 3), field (res, i, 4), field (res, i, 5),
                                                           field (res, i, 6),
                                                           g_ascii_strtoll (PQgetvalue (res, i, 7), NULL, 10),
                                                           field (res, i, 8));
          g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

          g_checksum_update (sum, (const guchar *) prev, -1);
          g_checksum_update (sum, (const guchar *) canonical, -1);
          if (!g_str_equal (g_checksum_get_string (sum), hash))
            cur->why = g_strdup_printf (_("audit row %lld was changed after it was written (its hash "
                                          "does not match its contents)"), (long long) id);
        }
      if (cur->why)
        {
          cur->bad = id != cur->rows ? cur->rows : id;
          first_bad = first_bad ? first_bad : cur;
        }
      g_free (prev);
      prev = g_strdup (hash);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "intact");
  json_builder_add_boolean_value (b, first_bad == NULL);
  json_builder_set_member_name (b, "counters");
  json_builder_begin_array (b);
  for (guint i = 0; i < chains->len; i++)
    {
      Chain *c = chains->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "outlet");
      json_builder_add_string_value (b, c->outlet);
      json_builder_set_member_name (b, "counter");
      json_builder_add_string_value (b, c->counter);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, c->rows);
      json_builder_set_member_name (b, "intact");
      json_builder_add_boolean_value (b, c->bad == 0);
      if (c->bad)
        {
          json_builder_set_member_name (b, "first_bad_row");
          json_builder_add_int_value (b, c->bad);
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, c->why);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (first_bad)
    g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_AUDIT_BROKEN, _("Outlet %s's audit chain in the central "
                 "database is broken: %s"), first_bad->outlet, first_bad->why);
  *out_intact = first_bad == NULL;
  return json_builder_get_root (b);
}

gboolean
cd_central_audit_compare (CdStore *store, gint64 *out_central_rows, gint64 *out_bad_id, GError **error)
{
  g_autofree char *url = cd_store_setting_dup (store, "central.url");
  g_autofree char *counter = cd_store_setting_dup (store, "central.counter");
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *const params[] = { counter };
  int n;

  *out_central_rows = 0;
  *out_bad_id = 0;
  if (!url || !counter)
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED,
                           _("This counter has not joined a central database; it works on its own "
                             "(certdesk-cli central join URL --outlet CODE --name NAME joins one)"));
      return FALSE;
    }
  if (!(conn = connect_url (url, error))
      || !(res = pg_params (conn, "SELECT local_id, data->>'hash' FROM certdesk.audit_row WHERE counter_uuid = $1"
                            " ORDER BY local_id", 1, params, error)))
    return FALSE;
  n = PQntuples (res);
  for (int i = 0; i < n; i++)
    {
      gint64 id = g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10);
      const char *central = PQgetvalue (res, i, 1);
      g_autofree char *here = NULL;

      if (!cd_audit_dup_hash (store, id, &here, error))
        return FALSE;
      if (here == NULL || g_strcmp0 (here, central) != 0)
        {
          *out_bad_id = id;
          g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_AUDIT_BROKEN,
                       here == NULL
                       ? _("audit row %lld is in the central copy but missing here: the local log was cut off")
                       : _("audit row %lld differs from the central copy: it was changed or re-chained here"),
                       (long long) id);
          return FALSE;
        }
      (*out_central_rows)++;
    }
  return TRUE;
}

/* For the other files of src/central (cd-central-private.h). */
PGconn *
cd_central_connect (const char *url, GError **error)
{
  return connect_url (url, error);
}

gboolean
cd_central_exec (PGconn *conn, const char *sql, GError **error)
{
  return pg_exec (conn, sql, error);
}

PGresult *
cd_central_params (PGconn *conn, const char *sql, int n, const char *const *values, GError **error)
{
  return pg_params (conn, sql, n, values, error);
}

gboolean
cd_central_setting_set (CdStore *store, const char *key, const char *value, GError **error)
{
  return setting_set (store, key, value, error);
}

gboolean
cd_central_result_ok (PGconn *conn, PGresult *res, GError **error)
{
  return result_ok (conn, res, error);
}

gint64
cd_central_pending_count (CdStore *store)
{
  return pending_count (store);
}
