/* cd-central-connect.c: the central PostgreSQL through libpq: the URL check, the connection (a refused TLS
 * connection said in words) and the statements the other files of src/central run (cd-central-private.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <string.h>

#include "cd-central.h"
#include "cd-central-private.h"

G_DEFINE_QUARK (cd-central-error-quark, cd_central_error)

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
cd_central_result_ok (PGconn *conn, PGresult *res, GError **error)
{
  return result_ok (conn, res, error);
}
