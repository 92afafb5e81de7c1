/* cd-central-sync.c: one sync round with the central PostgreSQL: push the outbox, pull the other counters'
 * changes, the head office's, the escrow; prune what was sent long ago. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cd-central.h"
#include "cd-central-copy.h"
#include "cd-central-escrow.h"
#include "cd-central-outlets.h"
#include "cd-central-private.h"
#include "cd-sync-store.h"

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
        res = cd_central_params (conn, "INSERT INTO certdesk.change_event (event_uuid, outlet_code, counter_uuid, seq, tbl,"
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
        res = cd_central_params (conn, "SELECT e.counter_uuid::text, e.seq, e.tbl, replace(e.record_uuid::text, '-', ''),"
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
  if (!(conn = cd_central_connect (url, error)))
    {
      cd_central_copy_note_sync (store, FALSE, NULL);
      return FALSE;
    }
  {
    /* One sync of a counter at a time (the GUI's and a command line's); released with the connection. */
    const char *const params[] = { counter };
    if (!(lock = cd_central_params (conn, "SELECT pg_try_advisory_lock(hashtext($1))", 1, params, error)))
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

gint64
cd_central_pending_count (CdStore *store)
{
  return pending_count (store);
}
