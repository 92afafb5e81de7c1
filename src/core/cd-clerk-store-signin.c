/* cd-clerk-store-signin.c: sign-in with lock-out, sign-out, a supervisor's authorization and acting as another
 * clerk — each audited. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-clerk-store.h"
#include "cd-clerk-store-private.h"

/* Checks @password for @login, counting failures and locking; commits its own transaction. */
static CdClerk *
check_credentials (CdContext *ctx, const char *login, const char *password, const char *action, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdClerk) clerk = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now_dt = cd_store_now (store);
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *hash = NULL;
  g_autofree char *actor = g_strdup_printf ("clerk:%s", login ? login : "");
  g_autofree char *lock_until = NULL;
  gboolean ok;

  if (cd_clerk_is_blank (login) || !password)
    {
      g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_BAD_LOGIN, _("Enter the login and the password"));
      return NULL;
    }
  if (!cd_store_prepare (store, "SELECT " CLERK_COLUMNS ", password_hash FROM clerk WHERE login = ?1", &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      clerk = cd_clerk_from_row (stmt);
      hash = cd_store_column_dup (stmt, 9);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (clerk && clerk->locked_until && g_strcmp0 (clerk->locked_until, now) > 0)
    {
      g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_LOCKED,
                           _("Too many wrong passwords: this account is locked for five minutes"));
      return NULL;
    }
  /* Unknown logins cost the same time as known ones, so the answer does not tell them apart. */
  ok = cd_password_verify (password, hash ? hash
                                          : "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$"
                                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  if (!cd_store_begin (store, error))
    return NULL;
  if (clerk && ok)
    {
      if (!clerk->enabled)
        {
          cd_store_rollback (store);
          g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_DISABLED, _("This account is disabled"));
          return NULL;
        }
      if (!cd_store_prepare (store, "UPDATE clerk SET failed_logins = 0, locked_until = NULL WHERE id = ?1", &upd,
                             error))
        goto fail;
      sqlite3_bind_int64 (upd, 1, clerk->id);
      detail = cd_audit_detail_new ("role", cd_role_to_code (clerk->role), NULL);
      if (!cd_store_step_done (store, upd, error)
          || !cd_audit_append (store, actor, action, "clerk", clerk->id, detail, error)
          || !cd_store_commit (store, error))
        goto fail;
      clerk->failed_logins = 0;
      g_clear_pointer (&clerk->locked_until, g_free);
      return g_steal_pointer (&clerk);
    }

  if (clerk)
    {
      gint failed = clerk->failed_logins + 1;

      if (failed >= CD_CLERK_MAX_FAILED_LOGINS)
        {
          g_autoptr(GDateTime) until = g_date_time_add_seconds (now_dt, CD_CLERK_LOCK_SECONDS);
          g_autoptr(GDateTime) until_utc = g_date_time_to_utc (until);
          lock_until = g_date_time_format (until_utc, "%Y-%m-%dT%H:%M:%SZ");
          failed = 0;
        }
      if (!cd_store_prepare (store, "UPDATE clerk SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1", &upd,
                             error))
        goto fail;
      sqlite3_bind_int64 (upd, 1, clerk->id);
      sqlite3_bind_int (upd, 2, failed);
      cd_store_bind_text_or_null (upd, 3, lock_until);
      if (!cd_store_step_done (store, upd, error))
        goto fail;
    }
  detail = cd_audit_detail_new ("login", login, "locked_until", lock_until, NULL);
  {
    g_autofree char *failed_action = g_strconcat (action, "-failed", NULL);
    if (!cd_audit_append (store, actor, failed_action, "clerk", clerk ? clerk->id : 0, detail, error)
        || !cd_store_commit (store, error))
      goto fail;
  }
  if (lock_until)
    g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_LOCKED,
                         _("Too many wrong passwords: this account is locked for five minutes"));
  else
    g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_BAD_LOGIN, _("Wrong login or password"));
  return NULL;

fail:
  cd_store_rollback (store);
  return NULL;
}

gboolean
cd_clerk_store_login (CdContext *ctx, const char *login, const char *password, CdClerk **out_clerk, GError **error)
{
  g_autoptr(CdClerk) clerk = check_credentials (ctx, login, password, "clerk.login", error);
  g_autofree char *actor = NULL;

  if (!clerk)
    return FALSE;
  actor = g_strdup_printf ("clerk:%s", clerk->login);
  cd_context_set_actor (ctx, actor, clerk->id);
  cd_context_set_outlet_id (ctx, clerk->outlet_id);
  if (out_clerk)
    *out_clerk = g_steal_pointer (&clerk);
  return TRUE;
}

gboolean
cd_clerk_store_logout (CdContext *ctx, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autofree char *actor = NULL;

  if (cd_context_get_clerk_id (ctx) <= 0)
    return TRUE;
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_audit_append (store, cd_context_get_actor (ctx), "clerk.logout", "clerk", cd_context_get_clerk_id (ctx),
                        NULL, error)
      || !cd_store_commit (store, error))
    {
      cd_store_rollback (store);
      return FALSE;
    }
  actor = g_strdup_printf ("gui:%s", g_get_user_name ());
  cd_context_set_actor (ctx, actor, 0);
  return TRUE;
}

gboolean
cd_clerk_store_authorize (CdContext *ctx, const char *login, const char *password, CdRole role,
                          CdClerk **out_clerk, GError **error)
{
  g_autoptr(CdClerk) clerk = check_credentials (ctx, login, password, "clerk.authorize", error);

  if (!clerk)
    return FALSE;
  if (clerk->role != role)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE, _("%s is not a %s"), clerk->name,
                   cd_role_label (role));
      return FALSE;
    }
  if (out_clerk)
    *out_clerk = g_steal_pointer (&clerk);
  return TRUE;
}

gboolean
cd_clerk_store_act_as (CdContext *ctx, const CdClerk *clerk, CdActAsFunc func, gpointer user_data, GError **error)
{
  g_autofree char *saved_actor = g_strdup (cd_context_get_actor (ctx));
  gint64 saved_id = cd_context_get_clerk_id (ctx);
  g_autofree char *actor = g_strdup_printf ("clerk:%s", clerk->login);
  gboolean ok;

  cd_context_set_actor (ctx, actor, clerk->id);
  ok = func (ctx, user_data, error);
  cd_context_set_actor (ctx, saved_actor, saved_id);
  return ok;
}
