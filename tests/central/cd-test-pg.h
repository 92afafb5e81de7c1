/* cd-test-pg.h: a PostgreSQL 15 server of the test's own (Debian's postgresql-15), in a temp folder, on a
 * Unix socket in that folder only (no TCP) unless TLS is asked for; stopped and removed at the end, also when
 * the test dies. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

typedef struct _CdTestPg CdTestPg;

/* initdb + pg_ctl start. As root the server runs as the system user "postgres" (initdb refuses root; the
 * postgresql-15 package creates that user); otherwise as the caller. Aborts the test on failure. The
 * administrator is "certdesk_admin" (trust authentication on the socket: only this folder can reach it). */
CdTestPg   *cd_test_pg_start (void);
typedef struct {
  /* NULL: the Unix socket only. Otherwise a folder holding server.crt, server.key (the server's certificate
   * and key) and root.crt (the CA whose client certificates it accepts): the server also listens on
   * 127.0.0.1 (cd_test_pg_port) with ssl=on, and a TCP login needs a client certificate whose CN is the
   * role's name (pg_hba.conf `hostssl … cert`, which implies clientcert=verify-full; no password). */
  const char *tls_dir;
  /* Further server settings, "-c name=value …" (pg_ctl -o), or NULL. */
  const char *settings;
} CdTestPgOptions;

/* cd_test_pg_start with @options (NULL: as cd_test_pg_start). */
CdTestPg   *cd_test_pg_start_with (const CdTestPgOptions *options);
/* The TCP port on 127.0.0.1 (TLS only), 0 without TLS. */
int         cd_test_pg_port (CdTestPg *pg);
/* Copies server.crt, server.key and root.crt from @tls_dir into the server's folder and restarts the server
 * (pg_ctl stop, start): new connections get the new certificate. */
void        cd_test_pg_set_tls (CdTestPg *pg, const char *tls_dir);
/* The server's log file (its messages: connections when log_connections=on was asked for, errors). */
const char *cd_test_pg_log (CdTestPg *pg);
/* The server dies (pg_ctl stop -m immediate: no shutdown checkpoint, clients cut off) and starts again. */
void        cd_test_pg_crash_restart (CdTestPg *pg);
/* The server stops (pg_ctl stop -m fast) and keeps its folder; cd_test_pg_resume() starts it again. */
void        cd_test_pg_halt   (CdTestPg *pg);
void        cd_test_pg_resume (CdTestPg *pg);
/* pg_ctl stop and rm -rf of the folder. */
void        cd_test_pg_stop  (CdTestPg *pg);
/* A libpq URI to database "postgres" as @user through the socket. */
char       *cd_test_pg_url   (CdTestPg *pg, const char *user);

/* Connects as @user (aborts the test on failure). */
PGconn     *cd_test_pg_connect (CdTestPg *pg, const char *user);
/* The first column of the first row of @sql as a number (aborts on an error). */
gint64      cd_test_pg_int     (PGconn *conn, const char *sql);
/* Runs @sql; returns NULL when it succeeded (and @out_rows: rows it changed), else the SQLSTATE (free it). */
char       *cd_test_pg_try     (PGconn *conn, const char *sql, gint64 *out_rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

G_END_DECLS
