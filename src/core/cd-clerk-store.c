/* cd-clerk-store.c: roles, outlets and clerks (the accounts a supervisor or the head office keeps). Password
 * hashes are in cd-clerk-store-password.c, sign-in with lock-out in cd-clerk-store-signin.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-clerk-store.h"
#include "cd-clerk-store-private.h"
#include "cd-input.h"

G_DEFINE_QUARK (cd-clerk-error-quark, cd_clerk_error)

static const struct {
  const char *code;
  const char *label;
} roles[CD_N_ROLES] = {
  { "clerk", N_("Clerk") },
  { "supervisor", N_("Supervisor") },
  { "printer", N_("Printer") },
  { "head-office", N_("Head office") },
};

/* clerk.central: 0 this counter's own account, 1 the head office's, 2 the head office's with the head-office role.
 * The table's CHECK on role predates that role; rebuilding clerk (referenced by every application and audit row)
 * for it was not worth it, so such an account is stored as role 'clerk' — the least any reader of the column
 * could give it — and told apart by central = 2. */
#define CLERK_CENTRAL_HEAD_OFFICE 2

const char *
cd_role_to_code (CdRole role)
{
  g_return_val_if_fail (role < CD_N_ROLES, NULL);
  return roles[role].code;
}

gboolean
cd_role_from_code (const char *code, CdRole *out)
{
  for (guint i = 0; i < CD_N_ROLES; i++)
    if (g_strcmp0 (code, roles[i].code) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cd_role_label (CdRole role)
{
  g_return_val_if_fail (role < CD_N_ROLES, NULL);
  return _(roles[role].label);
}

void
cd_outlet_free (CdOutlet *outlet)
{
  if (!outlet)
    return;
  g_free (outlet->code);
  g_free (outlet->name);
  g_free (outlet->region);
  g_free (outlet);
}

void
cd_clerk_free (CdClerk *clerk)
{
  if (!clerk)
    return;
  g_free (clerk->login);
  g_free (clerk->name);
  g_free (clerk->locked_until);
  g_free (clerk);
}

CdClerk *
cd_clerk_copy (const CdClerk *clerk)
{
  CdClerk *c = g_memdup2 (clerk, sizeof *clerk);

  c->login = g_strdup (clerk->login);
  c->name = g_strdup (clerk->name);
  c->locked_until = g_strdup (clerk->locked_until);
  return c;
}

/* Helpers */

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
check_login_name (const char *login, GError **error)
{
  gsize n = login ? strlen (login) : 0;

  if (n < 2 || n > 32)
    return invalid (error, _("The login must have 2 to 32 characters"));
  for (const char *c = login; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '_' && *c != '-')
      return invalid (error, _("The login may use only letters, digits, “.”, “_” and “-”"));
  return TRUE;
}

/* What the window header shows next to the role (the longest Chinese names with "·" stay well below it). */
#define CLERK_NAME_MAX_CHARS 20
#define OUTLET_CODE_MAX_CHARS 16

/* A clerk's or supervisor's name: shown in the header and in every audit line, so bounded and printable. */
static gboolean
check_clerk_name (const char *name, const char *what, GError **error)
{
  const char *bad;
  glong n;

  if (cd_clerk_is_blank (name))
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID, _("%s is required"), what);
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID, _("%s contains bytes that are not text: type it again"),
                   what);
      return FALSE;
    }
  /* the applicant rule's test of a name's characters (a skin-tone modifier or variation selector too) */
  if ((bad = cd_input_refused_name_char (name)))
    {
      char ch[8] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (bad), ch);
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                   _("%s contains “%s”: a name takes letters, “·” and spaces, no emoji or symbols"), what, ch);
      return FALSE;
    }
  if ((n = g_utf8_strlen (name, -1)) > CLERK_NAME_MAX_CHARS)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                   _("%s has %ld characters; at most %d fit the window header: shorten it"), what, n,
                   CLERK_NAME_MAX_CHARS);
      return FALSE;
    }
  return TRUE;
}

/* Characters first, then the length in characters: "HHHT01😀 中文" is refused for the 😀, not as "too long"
 * by its bytes. */
static gboolean
check_outlet_code (const char *code, GError **error)
{
  glong n;

  if (cd_clerk_is_blank (code))
    return invalid (error, _("The outlet code is required: up to 16 Latin letters, digits or “-”, for example HHHT-01"));
  for (const char *p = g_utf8_validate (code, -1, NULL) ? code : ""; *p; p = g_utf8_next_char (p))
    if (!g_ascii_isalnum (*p) && *p != '-')
      {
        char ch[8] = { 0 };

        g_unichar_to_utf8 (g_utf8_get_char (p), ch);
        g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                     _("The outlet code contains “%s” (character %ld): it takes only Latin letters A–Z, digits 0–9 "
                       "and “-”, for example HHHT-01"), *p == ' ' ? _("a space") : ch,
                     g_utf8_pointer_to_offset (code, p) + 1);
        return FALSE;
      }
  if (!g_utf8_validate (code, -1, NULL))
    return invalid (error, _("The outlet code contains bytes that are not text: type it again"));
  if ((n = g_utf8_strlen (code, -1)) > OUTLET_CODE_MAX_CHARS)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                   _("The outlet code has %ld characters; it takes at most %d"), n, OUTLET_CODE_MAX_CHARS);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_password (const char *password, GError **error)
{
  if (!password || g_utf8_strlen (password, -1) < CD_CLERK_MIN_PASSWORD)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                   _("The password must have at least %d characters"), CD_CLERK_MIN_PASSWORD);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_clerk_is_blank (const char *s)
{
  if (!s)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

CdClerk *
cd_clerk_from_row (sqlite3_stmt *stmt)
{
  CdClerk *c = g_new0 (CdClerk, 1);

  /* columns: id, outlet_id, login, name, role, enabled, failed_logins, locked_until, central */
  c->id = sqlite3_column_int64 (stmt, 0);
  c->outlet_id = sqlite3_column_int64 (stmt, 1);
  c->login = cd_store_column_dup (stmt, 2);
  c->name = cd_store_column_dup (stmt, 3);
  if (!cd_role_from_code ((const char *) sqlite3_column_text (stmt, 4), &c->role))
    c->role = CD_ROLE_CLERK;
  c->enabled = sqlite3_column_int (stmt, 5) != 0;
  c->failed_logins = sqlite3_column_int (stmt, 6);
  c->locked_until = cd_store_column_dup (stmt, 7);
  c->central = sqlite3_column_int (stmt, 8) != 0;
  if (sqlite3_column_int (stmt, 8) == CLERK_CENTRAL_HEAD_OFFICE)
    c->role = CD_ROLE_HEAD_OFFICE;
  return c;
}

static CdClerk *
find_clerk (CdStore *store, const char *where, gint64 id, const char *login, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT " CLERK_COLUMNS " FROM clerk WHERE %s", where);
  int rc;

  if (!cd_store_prepare (store, sql, &stmt, error))
    return NULL;
  if (login)
    sqlite3_bind_text (stmt, 1, login, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return cd_clerk_from_row (stmt);
  if (rc != SQLITE_DONE)
    cd_store_set_error (store, error);
  else
    g_set_error_literal (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no such clerk"));
  return NULL;
}

static gboolean
require_supervisor (CdContext *ctx, GError **error)
{
  g_autoptr(CdClerk) me = NULL;

  if (cd_context_get_clerk_id (ctx) <= 0
      || !(me = find_clerk (cd_context_get_store (ctx), "id = ?1", cd_context_get_clerk_id (ctx), NULL, NULL))
      || me->role != CD_ROLE_SUPERVISOR || !me->enabled)
    {
      g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE, _("Only a supervisor can change this"));
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_clerk_validate_account (const char *login, const char *name, const char *password, GError **error)
{
  if (!check_login_name (login, error))
    return FALSE;
  if (!check_clerk_name (name, _("The clerk's name"), error))
    return FALSE;
  return check_password (password, error);
}

/* Once joined, supervisors come from the head office (issue 16 item 6): a counter could otherwise give itself
 * a supervisor the head office does not know, who signs off days and approves waivers. */
static gboolean
refuse_local_supervisor (CdStore *store, CdRole role, GError **error)
{
  g_autofree char *outlet = cd_store_setting_dup (store, "central.outlet");

  if (role == CD_ROLE_HEAD_OFFICE)
    {
      g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE,
                           _("The head-office role is given in the central database only (certdesk-cli central clerk "
                             "add … --role head-office), not at a counter"));
      return FALSE;
    }
  if (role != CD_ROLE_SUPERVISOR || !outlet)
    return TRUE;
  g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE,
                       _("Supervisors come from the head office once this counter has joined the central database: "
                         "ask the head office to add the account or give it the supervisor role"));
  return FALSE;
}

static gboolean
refuse_central_account (CdStore *store, gint64 id, gboolean password, GError **error)
{
  g_autoptr(CdClerk) c = find_clerk (store, "id = ?1", id, NULL, NULL);

  if (!c || !c->central)
    return TRUE;
  if (password)
    g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE,
                 _("%s's password is set by the head office, not at this counter; ask the head office to reset it"),
                 c->name);
  else
    g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_ROLE,
                 _("%s's role is set by the head office, not at this counter; ask the head office to change it"),
                 c->name);
  return FALSE;
}

static gboolean
local_outlet (CdStore *store, const char *code, const char *name, gint64 *out_id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autofree char *now = NULL;
  int rc;

  if (!cd_store_prepare (store, "SELECT id FROM outlet ORDER BY id LIMIT 1", &stmt, error))
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_id = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return cd_store_set_error (store, error);
  /* A counter that joined before its first run: its outlet is the one it joined as. */
  now = cd_store_now_iso (store);
  if (!cd_store_prepare (store, "INSERT INTO outlet (code, name, region, created_at) VALUES (?1, ?2, '', ?3)", &ins,
                         error))
    return FALSE;
  sqlite3_bind_text (ins, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 2, name && *name ? name : code, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 3, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, ins, error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (cd_store_get_db (store));
  return TRUE;
}

gboolean
cd_clerk_store_apply_central (CdStore *store, const char *login, const char *name, const char *role,
                              const char *outlet_code, const char *outlet_name, gboolean enabled,
                              const char *password_hash, gint64 rev, GError **error)
{
  g_autofree char *mine = cd_store_setting_dup (store, "central.outlet");
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *rev_text = g_strdup_printf ("%" G_GINT64_FORMAT, rev);
  g_autoptr(CdClerk) existing = find_clerk (store, "login = ?1", 0, login, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) detail = NULL;
  CdRole r;
  gint64 outlet_id = 0, id;

  if (!cd_role_from_code (role, &r))
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                   _("The head office sent account %s with a role this CertDesk does not know"), login);
      return FALSE;
    }
  if (g_strcmp0 (outlet_code, mine) != 0)
    {
      /* The account left this outlet: it no longer signs in here (its rows keep its name). */
      if (!existing || !existing->central || !existing->enabled)
        return TRUE;
      if (!cd_store_prepare (store, "UPDATE clerk SET enabled = 0 WHERE id = ?1", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, existing->id);
      detail = cd_audit_detail_new ("login", login, "outlet", outlet_code, "enabled", "false", "rev", rev_text, NULL);
      return cd_store_step_done (store, stmt, error)
             && cd_audit_append (store, "head-office", "clerk.central", "clerk", existing->id, detail, error);
    }
  if (!local_outlet (store, outlet_code, outlet_name, &outlet_id, error))
    return FALSE;
  if (!existing && !password_hash)
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID,
                   _("The head office sent account %s without its password hash"), login);
      return FALSE;
    }
  if (existing)
    {
      if (!cd_store_prepare (store, "UPDATE clerk SET name = ?2, role = ?3, enabled = ?4,"
                                    " password_hash = coalesce(?5, password_hash), central = ?8 WHERE id = ?1",
                             &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, existing->id);
    }
  else
    {
      if (!cd_store_prepare (store, "INSERT INTO clerk (outlet_id, login, name, role, enabled, password_hash,"
                                    " created_at, central) VALUES (?1, ?6, ?2, ?3, ?4, ?5, ?7, ?8)", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, outlet_id);
      sqlite3_bind_text (stmt, 6, login, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, now, -1, SQLITE_STATIC);
    }
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, r == CD_ROLE_HEAD_OFFICE ? cd_role_to_code (CD_ROLE_CLERK) : role, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, enabled ? 1 : 0);
  cd_store_bind_text_or_null (stmt, 5, password_hash);
  sqlite3_bind_int (stmt, 8, r == CD_ROLE_HEAD_OFFICE ? CLERK_CENTRAL_HEAD_OFFICE : 1);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  id = existing ? existing->id : sqlite3_last_insert_rowid (cd_store_get_db (store));
  detail = cd_audit_detail_new ("login", login, "name", name, "role", role, "enabled", enabled ? "true" : "false",
                                "password_changed", password_hash && existing ? "true" : "false",
                                "rev", rev_text, NULL);
  return cd_audit_append (store, "head-office", "clerk.central", "clerk", id, detail, error);
}

/* Outlet */

gboolean
cd_clerk_store_needs_setup (CdContext *ctx, gboolean *out_needed, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT (SELECT count(*) FROM outlet), (SELECT count(*) FROM clerk)", &stmt, error))
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return cd_store_set_error (store, error);
  *out_needed = sqlite3_column_int64 (stmt, 0) == 0 || sqlite3_column_int64 (stmt, 1) == 0;
  return TRUE;
}

gboolean
cd_clerk_store_setup (CdContext *ctx, const char *outlet_code, const char *outlet_name, const char *region,
                      const char *login, const char *name, const char *password, gint64 *out_outlet_id,
                      GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autoptr(sqlite3_stmt) cins = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *hash = NULL;
  g_autofree char *actor = NULL;
  gboolean needed = FALSE;
  gint64 outlet_id, clerk_id;

  if (!check_outlet_code (outlet_code, error))
    return FALSE;
  if (cd_clerk_is_blank (outlet_name))
    return invalid (error, _("The outlet name is required"));
  if (!check_login_name (login, error))
    return FALSE;
  if (!check_clerk_name (name, _("The supervisor's name"), error))
    return FALSE;
  if (!check_password (password, error))
    return FALSE;
  if (!cd_clerk_store_needs_setup (ctx, &needed, error))
    return FALSE;
  if (!needed)
    {
      g_set_error_literal (error, CD_CLERK_ERROR, CD_CLERK_ERROR_EXISTS, _("This counter is already set up"));
      return FALSE;
    }
  if (!(hash = cd_password_hash (password)))
    return invalid (error, _("The password could not be protected"));
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO outlet (code, name, region, created_at) VALUES (?1, ?2, ?3, ?4)",
                         &ins, error))
    goto fail;
  sqlite3_bind_text (ins, 1, outlet_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 2, outlet_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 3, region ? region : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 4, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, ins, error))
    goto fail;
  outlet_id = sqlite3_last_insert_rowid (cd_store_get_db (store));
  if (!cd_store_prepare (store, "INSERT INTO clerk (outlet_id, login, name, role, password_hash, created_at)"
                                " VALUES (?1, ?2, ?3, 'supervisor', ?4, ?5)", &cins, error))
    goto fail;
  sqlite3_bind_int64 (cins, 1, outlet_id);
  sqlite3_bind_text (cins, 2, login, -1, SQLITE_STATIC);
  sqlite3_bind_text (cins, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (cins, 4, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (cins, 5, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, cins, error))
    goto fail;
  clerk_id = sqlite3_last_insert_rowid (cd_store_get_db (store));
  actor = g_strdup_printf ("setup:%s", login);
  detail = cd_audit_detail_new ("code", outlet_code, "name", outlet_name, NULL);
  if (!cd_audit_append (store, actor, "outlet.create", "outlet", outlet_id, detail, error))
    goto fail;
  g_clear_pointer (&detail, json_node_unref);
  detail = cd_audit_detail_new ("login", login, "role", "supervisor", NULL);
  if (!cd_audit_append (store, actor, "clerk.create", "clerk", clerk_id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  if (out_outlet_id)
    *out_outlet_id = outlet_id;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

CdOutlet *
cd_clerk_store_get_outlet (CdContext *ctx, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  CdOutlet *o;
  int rc;

  if (!cd_store_prepare (store, "SELECT id, code, name, region FROM outlet ORDER BY id LIMIT 1", &stmt, error))
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("The counter is not set up yet"));
      else
        cd_store_set_error (store, error);
      return NULL;
    }
  o = g_new0 (CdOutlet, 1);
  o->id = sqlite3_column_int64 (stmt, 0);
  o->code = cd_store_column_dup (stmt, 1);
  o->name = cd_store_column_dup (stmt, 2);
  o->region = cd_store_column_dup (stmt, 3);
  return o;
}

gboolean
cd_clerk_store_update_outlet (CdContext *ctx, const CdOutlet *outlet, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;
  g_autoptr(JsonNode) detail = NULL;

  if (!require_supervisor (ctx, error))
    return FALSE;
  if (cd_clerk_is_blank (outlet->name))
    return invalid (error, _("The outlet name is required"));
  detail = cd_audit_detail_new ("name", outlet->name, "region", outlet->region, NULL);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_store_prepare (store, "UPDATE outlet SET name = ?2, region = ?3 WHERE id = ?1", &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, outlet->id);
  sqlite3_bind_text (upd, 2, outlet->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (upd, 3, outlet->region ? outlet->region : "", -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, upd, error)
      || !cd_audit_append (store, cd_context_get_actor (ctx), "outlet.update", "outlet", outlet->id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

/* Clerks */

GPtrArray *
cd_clerk_store_list (CdContext *ctx, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_clerk_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT " CLERK_COLUMNS " FROM clerk ORDER BY login", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, cd_clerk_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

CdClerk *
cd_clerk_store_lookup (CdContext *ctx, gint64 id, GError **error)
{
  return find_clerk (cd_context_get_store (ctx), "id = ?1", id, NULL, error);
}

gboolean
cd_clerk_store_add (CdContext *ctx, const char *login, const char *name, CdRole role, const char *password,
                    gint64 *out_id, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) ins = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CdClerk) existing = NULL;
  gint64 id;

  if (!require_supervisor (ctx, error) || !refuse_local_supervisor (store, role, error)
      || !cd_clerk_validate_account (login, name, password, error))
    return FALSE;
  if ((existing = find_clerk (store, "login = ?1", 0, login, NULL)))
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_EXISTS, _("The login “%s” is taken"), login);
      return FALSE;
    }
  if (!(hash = cd_password_hash (password)))
    return invalid (error, _("The password could not be protected"));
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_store_prepare (store, "INSERT INTO clerk (outlet_id, login, name, role, password_hash, created_at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &ins, error))
    goto fail;
  sqlite3_bind_int64 (ins, 1, cd_context_get_outlet_id (ctx));
  sqlite3_bind_text (ins, 2, login, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 4, cd_role_to_code (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 5, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (ins, 6, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, ins, error))
    goto fail;
  id = sqlite3_last_insert_rowid (cd_store_get_db (store));
  detail = cd_audit_detail_new ("login", login, "role", cd_role_to_code (role), NULL);
  if (!cd_audit_append (store, cd_context_get_actor (ctx), "clerk.create", "clerk", id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  if (out_id)
    *out_id = id;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

/* One audited UPDATE of one clerk row. */
static gboolean
update_clerk (CdContext *ctx, gint64 id, const char *sql, const char *text, gint64 number, const char *action,
              JsonNode *detail, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(sqlite3_stmt) upd = NULL;

  if (!require_supervisor (ctx, error))
    return FALSE;
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_store_prepare (store, sql, &upd, error))
    goto fail;
  sqlite3_bind_int64 (upd, 1, id);
  if (text)
    sqlite3_bind_text (upd, 2, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (upd, 2, number);
  if (!cd_store_step_done (store, upd, error))
    goto fail;
  if (sqlite3_changes (cd_store_get_db (store)) != 1)
    {
      g_set_error_literal (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no such clerk"));
      goto fail;
    }
  if (!cd_audit_append (store, cd_context_get_actor (ctx), action, "clerk", id, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

gboolean
cd_clerk_store_set_enabled (CdContext *ctx, gint64 id, gboolean enabled, GError **error)
{
  g_autoptr(JsonNode) detail = cd_audit_detail_new ("enabled", enabled ? "true" : "false", NULL);

  if (!enabled && id == cd_context_get_clerk_id (ctx))
    return invalid (error, _("You cannot disable your own account"));
  return update_clerk (ctx, id, "UPDATE clerk SET enabled = ?2 WHERE id = ?1", NULL, enabled ? 1 : 0,
                       enabled ? "clerk.enable" : "clerk.disable", detail, error);
}

gboolean
cd_clerk_store_set_role (CdContext *ctx, gint64 id, CdRole role, GError **error)
{
  g_autoptr(JsonNode) detail = cd_audit_detail_new ("role", cd_role_to_code (role), NULL);

  if (id == cd_context_get_clerk_id (ctx) && role != CD_ROLE_SUPERVISOR)
    return invalid (error, _("You cannot take the supervisor role from yourself"));
  if (!require_supervisor (ctx, error)
      || !refuse_central_account (cd_context_get_store (ctx), id, FALSE, error))
    return FALSE;
  {
    g_autoptr(CdClerk) c = find_clerk (cd_context_get_store (ctx), "id = ?1", id, NULL, NULL);
    if ((role == CD_ROLE_HEAD_OFFICE || (c && c->role != CD_ROLE_SUPERVISOR))
        && !refuse_local_supervisor (cd_context_get_store (ctx), role, error))
      return FALSE;
  }
  return update_clerk (ctx, id, "UPDATE clerk SET role = ?2 WHERE id = ?1", cd_role_to_code (role), 0,
                       "clerk.role", detail, error);
}

gboolean
cd_clerk_store_reset_password (CdContext *ctx, gint64 id, const char *password, GError **error)
{
  g_autofree char *hash = NULL;

  if (!require_supervisor (ctx, error)
      || !refuse_central_account (cd_context_get_store (ctx), id, TRUE, error)
      || !check_password (password, error))
    return FALSE;
  if (!(hash = cd_password_hash (password)))
    return invalid (error, _("The password could not be protected"));
  /* Resetting also lifts a lock-out. */
  return update_clerk (ctx, id, "UPDATE clerk SET password_hash = ?2, failed_logins = 0, locked_until = NULL"
                                " WHERE id = ?1", hash, 0, "clerk.password-reset", NULL, error);
}
