/* cd-test-pg.c: the test's own PostgreSQL server (cd-test-pg.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd-test-pg.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define PG_SYSTEM_USER "postgres"

struct _CdTestPg {
  char  *dir;
  char  *data;
  char  *run_as;      /* NULL: the caller */
  int    watchdog_fd; /* write end of the watchdog's pipe */
  GPid   watchdog;
  char  *opts;        /* the server's options (pg_ctl -o) */
  char  *log;
  int    port;        /* TCP on 127.0.0.1 with TLS; 0: the socket only */
};

/* @argv run as the server's user; aborts the test with its output on failure. */
static void
run (CdTestPg *pg, const char *const *argv)
{
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;

  if (pg->run_as)
    {
      g_ptr_array_add (full, "runuser");
      g_ptr_array_add (full, "-u");
      g_ptr_array_add (full, pg->run_as);
      g_ptr_array_add (full, "--");
    }
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (full, (char *) argv[i]);
  g_ptr_array_add (full, NULL);
  if (!g_spawn_sync (pg->dir, (char **) full->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                     &error))
    g_error ("%s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed:\n%s\n%s", argv[0], out, err);
}

/* A watchdog child: it blocks on a pipe only the test holds, and when the test ends in any way
 * (an assertion's abort, SIGKILL) the pipe closes and it stops the server and removes the folder. */
static void
start_watchdog (CdTestPg *pg)
{
  g_autofree char *as = pg->run_as ? g_strdup_printf ("runuser -u %s -- ", pg->run_as) : g_strdup ("");
  g_autofree char *script = g_strdup_printf ("%s" PG_BIN "/pg_ctl -D '%s' -m immediate -w stop >/dev/null 2>&1;"
                                             " rm -rf '%s'", as, pg->data, pg->dir);
  char *argv[] = { "/bin/sh", "-c", script, NULL };
  int fds[2];
  pid_t pid;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      char c;

      close (fds[1]);
      setsid (); /* not killed with the test's process group */
      while (read (fds[0], &c, 1) < 0 && errno == EINTR)
        ;
      execv (argv[0], argv);
      _exit (127);
    }
  close (fds[0]);
  fcntl (fds[1], F_SETFD, FD_CLOEXEC); /* only this process holds it, not the CLIs it starts */
  pg->watchdog_fd = fds[1];
  pg->watchdog = pid;
}

static void
server_start (CdTestPg *pg)
{
  const char *const argv[] = { PG_BIN "/pg_ctl", "-D", pg->data, "-o", pg->opts, "-l", pg->log, "-w", "-t", "30",
                               "start", NULL };
  run (pg, argv);
}

/* A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0). */
static int
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0), port;

  g_assert_cmpint (fd, >=, 0);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

/* Copies the TLS files into the server's folder, readable by the server's user only (the server refuses a key
 * others can read). */
static void
copy_tls (CdTestPg *pg, const char *from)
{
  static const char *const names[] = { "server.crt", "server.key", "root.crt" };
  g_autofree char *dir = g_build_filename (pg->dir, "tls", NULL);
  struct passwd *pw = pg->run_as ? getpwnam (pg->run_as) : NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (pw)
    g_assert_cmpint (chown (dir, pw->pw_uid, pw->pw_gid), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *src = g_build_filename (from, names[i], NULL);
      g_autofree char *dst = g_build_filename (dir, names[i], NULL);
      g_autofree char *bytes = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      if (!g_file_get_contents (src, &bytes, &len, &error) || !g_file_set_contents (dst, bytes, len, &error))
        g_error ("TLS file %s: %s", names[i], error->message);
      g_assert_cmpint (g_chmod (dst, 0600), ==, 0);
      if (pw)
        g_assert_cmpint (chown (dst, pw->pw_uid, pw->pw_gid), ==, 0);
    }
}

CdTestPg *
cd_test_pg_start (void)
{
  return cd_test_pg_start_with (NULL);
}

CdTestPg *
cd_test_pg_start_with (const CdTestPgOptions *options)
{
  CdTestPg *pg = g_new0 (CdTestPg, 1);
  g_autofree char *log = NULL, *opts = NULL;

  if (!g_file_test (PG_BIN "/initdb", G_FILE_TEST_IS_EXECUTABLE))
    g_error ("%s is missing: install postgresql-15 (.ci/install-deps)", PG_BIN "/initdb");
  /* Under /tmp whatever TMPDIR says: the server's user must reach it (a TMPDIR in root's home it cannot), and
   * a Unix socket's path has to stay under 108 bytes. */
  pg->dir = g_strdup ("/tmp/certdesk-pg-XXXXXX");
  g_assert_nonnull (g_mkdtemp (pg->dir));
  pg->data = g_build_filename (pg->dir, "data", NULL);
  log = g_build_filename (pg->dir, "server.log", NULL);
  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam (PG_SYSTEM_USER);

      if (!pw)
        g_error ("running as root, the server needs the system user %s (made by the postgresql-15 package)",
                 PG_SYSTEM_USER);
      pg->run_as = g_strdup (PG_SYSTEM_USER);
      g_assert_cmpint (chown (pg->dir, pw->pw_uid, pw->pw_gid), ==, 0);
    }
  start_watchdog (pg);
  {
    const char *const argv[] = { PG_BIN "/initdb", "-D", pg->data, "-A", "trust", "-U", "certdesk_admin",
                                 "--no-sync", "-E", "UTF8", "--locale=C.UTF-8", NULL };
    run (pg, argv);
  }
  /* No TCP at all (unless TLS). fsync off only: a crashed server (not machine) keeps what it committed. Never
   * synchronous_commit=off: a COMMIT acknowledged before its WAL is written can vanish in a server crash,
   * after the counter has marked the batch sent (docs/central.md). */
  if (options && options->tls_dir)
    {
      g_autofree char *hba = g_build_filename (pg->data, "pg_hba.conf", NULL);
      g_autoptr(GError) error = NULL;
      /* The socket stays trusted (the administrator's way in); over TCP only TLS with a client certificate
       * naming the role ("cert" implies clientcert=verify-full), never a password. */
      const char *rules = "local all all trust\n"
                          "hostssl all all 127.0.0.1/32 cert\n";

      copy_tls (pg, options->tls_dir);
      if (!g_file_set_contents (hba, rules, -1, &error))
        g_error ("%s: %s", hba, error->message);
      if (pg->run_as)
        {
          struct passwd *pw = getpwnam (pg->run_as);
          g_assert_cmpint (chown (hba, pw->pw_uid, pw->pw_gid), ==, 0);
        }
      pg->port = free_port ();
      opts = g_strdup_printf ("-k %s -p %d -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=%s/tls/server.crt"
                              " -c ssl_key_file=%s/tls/server.key -c ssl_ca_file=%s/tls/root.crt -c fsync=off"
                              " -c full_page_writes=off %s", pg->dir, pg->port, pg->dir, pg->dir, pg->dir,
                              options->settings ? options->settings : "");
    }
  else
    opts = g_strdup_printf ("-k %s -c listen_addresses= -c fsync=off -c full_page_writes=off %s", pg->dir,
                            options && options->settings ? options->settings : "");
  pg->opts = g_steal_pointer (&opts);
  pg->log = g_steal_pointer (&log);
  server_start (pg);
  return pg;
}

void
cd_test_pg_crash_restart (CdTestPg *pg)
{
  const char *const argv[] = { PG_BIN "/pg_ctl", "-D", pg->data, "-m", "immediate", "-w", "stop", NULL };

  run (pg, argv);
  server_start (pg);
}

const char *
cd_test_pg_log (CdTestPg *pg)
{
  return pg->log;
}

int
cd_test_pg_port (CdTestPg *pg)
{
  return pg->port;
}

void
cd_test_pg_set_tls (CdTestPg *pg, const char *tls_dir)
{
  const char *const argv[] = { PG_BIN "/pg_ctl", "-D", pg->data, "-m", "fast", "-w", "stop", NULL };

  g_assert_cmpint (pg->port, !=, 0);
  copy_tls (pg, tls_dir);
  /* A restart rather than pg_ctl reload: reload is a signal answered some time later, a restart is done when
   * pg_ctl returns. */
  run (pg, argv);
  server_start (pg);
}

void
cd_test_pg_stop (CdTestPg *pg)
{
  const char *const argv[] = { PG_BIN "/pg_ctl", "-D", pg->data, "-m", "fast", "-w", "stop", NULL };
  int status;

  run (pg, argv);
  /* The watchdog removes the folder once its pipe closes. */
  close (pg->watchdog_fd);
  waitpid (pg->watchdog, &status, 0);
  g_assert_false (g_file_test (pg->dir, G_FILE_TEST_EXISTS));
  g_free (pg->dir);
  g_free (pg->data);
  g_free (pg->run_as);
  g_free (pg->opts);
  g_free (pg->log);
  g_free (pg);
}

char *
cd_test_pg_url (CdTestPg *pg, const char *user)
{
  if (pg->port)
    return g_strdup_printf ("postgresql://%s@/postgres?host=%s&port=%d", user, pg->dir, pg->port);
  return g_strdup_printf ("postgresql://%s@/postgres?host=%s", user, pg->dir);
}

PGconn *
cd_test_pg_connect (CdTestPg *pg, const char *user)
{
  g_autofree char *url = cd_test_pg_url (pg, user);
  PGconn *conn = PQconnectdb (url);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("connecting as %s: %s", user, PQerrorMessage (conn));
  return conn;
}

gint64
cd_test_pg_int (PGconn *conn, const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  gint64 v;

  if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) < 1)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  v = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  return v;
}

char *
cd_test_pg_try (PGconn *conn, const char *sql, gint64 *out_rows)
{
  PGresult *res = PQexec (conn, sql);
  ExecStatusType st = PQresultStatus (res);
  char *state = NULL;

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    {
      if (out_rows)
        *out_rows = g_ascii_strtoll (PQcmdTuples (res), NULL, 10);
    }
  else
    state = g_strdup (PQresultErrorField (res, PG_DIAG_SQLSTATE));
  PQclear (res);
  return state;
}

void
cd_test_pg_halt (CdTestPg *pg)
{
  const char *const argv[] = { PG_BIN "/pg_ctl", "-D", pg->data, "-m", "fast", "-w", "stop", NULL };

  run (pg, argv);
}

void
cd_test_pg_resume (CdTestPg *pg)
{
  server_start (pg);
}
