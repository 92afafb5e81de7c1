/* cd-central-escrow.c: the SO-PIN escrow's central side (cd-central-escrow.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <string.h>

#include "cd-central-escrow.h"
#include "cd-central-private.h"
#include "cd-so-escrow-store.h"

G_DEFINE_QUARK (cd-central-escrow-error-quark, cd_central_escrow_error)

void
cd_central_escrow_wipe (char *so_pin)
{
  if (so_pin)
    OPENSSL_cleanse (so_pin, strlen (so_pin));
  g_free (so_pin);
}

gboolean
cd_central_escrow_push (CdStore *store, gpointer conn, gint64 *out_sent, GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  *out_sent = 0;
  if (!(rows = cd_so_escrow_unsent (store, error)))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      CdSoEscrow *e = rows->pdata[i];
      g_autoptr(PGresult) res = NULL;
      /* When the key got it: an older SO PIN arriving late never replaces a newer one centrally. */
      g_autofree char *set_at = cd_so_escrow_dup_set_at (store, e->id);
      {
        const char *const params[] = { e->serial, e->so_pin, set_at };
        /* Its own statement, committed by the server before the row is marked here: a kill in between sends it
         * again, and the function takes it again (same SO PIN, same time). */
        if (!(res = cd_central_params (conn, "SELECT certdesk.escrow_so_pin($1, $2, $3::timestamptz)", 3, params,
                                       error)))
          return FALSE;
      }
      if (!cd_so_escrow_mark_sent (store, e->id, error))
        return FALSE;
      (*out_sent)++;
    }
  return TRUE;
}

gboolean
cd_central_release_so_pin (CdStore *store, const char *serial, const char *supervisor_login, const char *reason,
                           char **out_so_pin, GError **error)
{
  g_autofree char *url = cd_store_setting_dup (store, "central.url");
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) local = NULL;
  const char *const params[] = { serial, supervisor_login, reason };
  const char *state;

  *out_so_pin = NULL;
  if (!url)
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_NOT_JOINED,
                           _("This counter has not joined a central database, so it cannot ask for the SO PIN of a "
                             "key initialised at another outlet"));
      return FALSE;
    }
  if (!(conn = cd_central_connect (url, &local)))
    {
      g_set_error (error, CD_CENTRAL_ESCROW_ERROR, CD_CENTRAL_ESCROW_ERROR_OFFLINE,
                   _("The SO PIN of the USB key %s is kept in the central database, which cannot be reached now "
                     "(%s). Unlock the key when the line is back, or call the head office's key administrator; "
                     "nothing was changed on the key"), serial, local->message);
      return FALSE;
    }
  res = PQexecParams (conn, "SELECT certdesk.release_so_pin($1, $2, $3)", 3, NULL, params, NULL, NULL, 0);
  state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  if (PQresultStatus (res) != PGRES_TUPLES_OK && state)
    {
      if (g_str_equal (state, "CDE01"))
        {
          g_set_error_literal (error, CD_CENTRAL_ESCROW_ERROR, CD_CENTRAL_ESCROW_ERROR_NOT_OUTLET,
                               _("The central database releases an SO PIN only to an outlet's counter; this counter "
                                 "logs in with a role that is no outlet's"));
          return FALSE;
        }
      if (g_str_equal (state, "CDE02"))
        {
          g_set_error_literal (error, CD_CENTRAL_ESCROW_ERROR, CD_CENTRAL_ESCROW_ERROR_REASON,
                               _("The unlock's reason is missing: the supervisor gives one of a few words"));
          return FALSE;
        }
      if (g_str_equal (state, "CDE03"))
        {
          g_set_error (error, CD_CENTRAL_ESCROW_ERROR, CD_CENTRAL_ESCROW_ERROR_NOT_SUPERVISOR,
                       _("%s is not an enabled supervisor of this outlet in the central database (a new account "
                         "arrives there with the next sync); a supervisor of this outlet approves the unlock"),
                       supervisor_login);
          return FALSE;
        }
    }
  if (!cd_central_result_ok (conn, res, error))
    return FALSE;
  if (!PQgetisnull (res, 0, 0))
    *out_so_pin = g_strdup (PQgetvalue (res, 0, 0));
  /* libpq's copy of the result goes with PQclear; wipe it first. */
  if (*out_so_pin)
    OPENSSL_cleanse (PQgetvalue (res, 0, 0), strlen (*out_so_pin));
  return TRUE;
}
