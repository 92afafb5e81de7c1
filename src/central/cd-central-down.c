/* cd-central-down.c: what flows from the head office to the counters (issue 16 item 6, docs/central.md "From the
 * head office"): prices and clerk accounts set centrally by a head-office role (`certdesk-cli central price|clerk`),
 * and sync's pull of them into the counter (cd-price-store.c, cd-clerk-store.c apply them). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-central.h"
#include "cd-central-private.h"
#include "cd-clerk-store.h"
#include "cd-price-store.h"

/* Runs one head-office statement; the server's refusals a person can act on become sentences. */
static PGresult *
hq_params (PGconn *conn, const char *sql, int n, const char *const *values, const char *subject, GError **error)
{
  g_autoptr(PGresult) res = PQexecParams (conn, sql, n, NULL, values, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (res);
  const char *state;

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return g_steal_pointer (&res);
  state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  if (PQstatus (conn) == CONNECTION_OK && g_strcmp0 (state, "42501") == 0)
    g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                 _("Only the head office sets prices and clerk accounts: the database user %s is not a head-office "
                   "user (the administrator grants it certdesk_head_office)"), PQuser (conn));
  else if (PQstatus (conn) == CONNECTION_OK && g_strcmp0 (state, "23505") == 0)
    g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                 _("The login “%s” is taken at the head office; change that account with central clerk set"), subject);
  else if (PQstatus (conn) == CONNECTION_OK && g_strcmp0 (state, "23503") == 0)
    g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                 _("There is no outlet “%s” in the central database; the administrator adds it with "
                   "certdesk-cli central init URL --outlet CODE --name NAME --role USER"), subject);
  else if (PQstatus (conn) != CONNECTION_OK)
    g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_CONNECT,
                 _("The connection to the central database was lost: %s"), g_strchomp (PQerrorMessage (conn)));
  else
    {
      const char *msg = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_SERVER, _("The central database refused the change: %s"),
                   msg ? msg : g_strchomp (PQerrorMessage (conn)));
    }
  return NULL;
}

static PGconn *
hq_connect (const char *url, GError **error)
{
  g_autoptr(PGconn) conn = cd_central_connect (url, error);
  g_autoptr(PGresult) res = NULL;

  if (!conn)
    return NULL;
  if (!(res = cd_central_params (conn, "SELECT to_regclass('certdesk.hq_price') IS NOT NULL", 0, NULL, error)))
    return NULL;
  if (!g_str_equal (PQgetvalue (res, 0, 0), "t"))
    {
      g_set_error_literal (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                           _("The central database has no head-office prices and accounts yet; run certdesk-cli "
                             "central init URL as its administrator first"));
      return NULL;
    }
  return g_steal_pointer (&conn);
}

gboolean
cd_central_hq_price_set (const char *url, const char *profile, const CdPriceOverride *o, gboolean allow_local,
                         GError **error)
{
  g_autoptr(PGconn) conn = hq_connect (url, error);
  g_autoptr(PGresult) res = NULL;
  g_autofree char *years = g_strdup_printf ("%u", o->years);
  g_autofree char *fen = g_strdup_printf ("%" G_GINT64_FORMAT, o->amount_fen);
  const char *const params[] = { profile, o->business, o->variant, o->item, years, fen, allow_local ? "t" : "f" };

  if (!conn)
    return FALSE;
  res = hq_params (conn, "INSERT INTO certdesk.hq_price (profile, business, variant, item, years, amount_fen,"
                   " allow_local) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (profile, business, variant, item,"
                   " years) DO UPDATE SET amount_fen = EXCLUDED.amount_fen, allow_local = EXCLUDED.allow_local,"
                   " deleted = false", 7, params, profile, error);
  return res != NULL;
}

gboolean
cd_central_hq_price_clear (const char *url, const char *profile, const CdPriceOverride *o, GError **error)
{
  g_autoptr(PGconn) conn = hq_connect (url, error);
  g_autoptr(PGresult) res = NULL;
  g_autofree char *years = g_strdup_printf ("%u", o->years);
  const char *const params[] = { profile, o->business, o->variant, o->item, years };

  if (!conn)
    return FALSE;
  /* Marked, not deleted: the counters pull the clearing as a change like any other. */
  if (!(res = hq_params (conn, "UPDATE certdesk.hq_price SET deleted = true WHERE profile = $1 AND business = $2"
                         " AND variant = $3 AND item = $4 AND years = $5 AND NOT deleted", 5, params, profile, error)))
    return FALSE;
  if (g_str_equal (PQcmdTuples (res), "0"))
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("The head office has no price for %s/%s/%s of %s to clear"), o->business, o->variant, o->item,
                   profile);
      return FALSE;
    }
  return TRUE;
}

static void
add_field (JsonBuilder *b, const char *name, PGresult *res, int row, int col)
{
  json_builder_set_member_name (b, name);
  if (PQgetisnull (res, row, col))
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, PQgetvalue (res, row, col));
}

static void
add_int_field (JsonBuilder *b, const char *name, PGresult *res, int row, int col)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, g_ascii_strtoll (PQgetvalue (res, row, col), NULL, 10));
}

static void
add_bool_field (JsonBuilder *b, const char *name, PGresult *res, int row, int col)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, g_str_equal (PQgetvalue (res, row, col), "t"));
}

JsonNode *
cd_central_hq_price_list (const char *url, const char *profile, GError **error)
{
  g_autoptr(PGconn) conn = hq_connect (url, error);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *const params[] = { profile };

  if (!conn || !(res = hq_params (conn, "SELECT profile, business, variant, item, years, amount_fen, allow_local,"
                                  " set_by, set_at::text FROM certdesk.hq_price WHERE NOT deleted"
                                  " AND ($1::text IS NULL OR profile = $1) ORDER BY 1, 2, 3, 4, 5", 1, params, NULL,
                                  error)))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prices");
  json_builder_begin_array (b);
  for (int i = 0; i < PQntuples (res); i++)
    {
      json_builder_begin_object (b);
      add_field (b, "profile", res, i, 0);
      add_field (b, "business", res, i, 1);
      add_field (b, "variant", res, i, 2);
      add_field (b, "item", res, i, 3);
      add_int_field (b, "years", res, i, 4);
      add_int_field (b, "amount_fen", res, i, 5);
      add_bool_field (b, "allow_local", res, i, 6);
      add_field (b, "set_by", res, i, 7);
      add_field (b, "set_at", res, i, 8);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
cd_central_hq_clerk_add (const char *url, const char *login, const char *name, const char *role, const char *outlet,
                         const char *password_hash, GError **error)
{
  g_autoptr(PGconn) conn = hq_connect (url, error);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) known = NULL;
  const char *const params[] = { login, name, role, outlet, password_hash };

  if (!conn)
    return FALSE;
  /* Named before the insert so that an unknown outlet and a taken login read as two different sentences. */
  if (!(known = cd_central_params (conn, "SELECT 1 FROM certdesk.outlet WHERE code = $1", 1, &outlet, error)))
    return FALSE;
  if (PQntuples (known) == 0)
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("There is no outlet “%s” in the central database; the administrator adds it with "
                     "certdesk-cli central init URL --outlet CODE --name NAME --role USER"), outlet);
      return FALSE;
    }
  res = hq_params (conn, "INSERT INTO certdesk.hq_clerk (login, name, role, outlet_code, password_hash)"
                   " VALUES ($1, $2, $3, $4, $5)", 5, params, login, error);
  return res != NULL;
}

gboolean
cd_central_hq_clerk_set (const char *url, const char *login, const char *name, const char *role, const char *outlet,
                         int enabled, const char *password_hash, GError **error)
{
  g_autoptr(PGconn) conn = hq_connect (url, error);
  g_autoptr(PGresult) res = NULL;
  const char *const params[] = { login, name, role, outlet, enabled < 0 ? NULL : enabled ? "t" : "f",
                                 password_hash };

  if (!conn)
    return FALSE;
  if (!(res = hq_params (conn, "UPDATE certdesk.hq_clerk SET name = coalesce($2, name), role = coalesce($3, role),"
                         " outlet_code = coalesce($4, outlet_code), enabled = coalesce($5::boolean, enabled),"
                         " password_hash = coalesce($6, password_hash) WHERE login = $1", 6, params,
                         outlet ? outlet : login, error)))
    return FALSE;
  if (g_str_equal (PQcmdTuples (res), "0"))
    {
      g_set_error (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_INVALID,
                   _("The head office has no account “%s”; add it with central clerk add"), login);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
cd_central_hq_clerk_list (const char *url, const char *outlet, GError **error)
{
  g_autoptr(PGconn) conn = hq_connect (url, error);
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *const params[] = { outlet };

  /* Never the password hash. */
  if (!conn || !(res = hq_params (conn, "SELECT c.login, c.name, c.role, c.outlet_code, o.name, c.enabled, c.set_by,"
                                  " c.set_at::text FROM certdesk.hq_clerk c JOIN certdesk.outlet o"
                                  " ON o.code = c.outlet_code WHERE $1::text IS NULL OR c.outlet_code = $1"
                                  " ORDER BY c.outlet_code, c.login", 1, params, NULL, error)))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "clerks");
  json_builder_begin_array (b);
  for (int i = 0; i < PQntuples (res); i++)
    {
      json_builder_begin_object (b);
      add_field (b, "login", res, i, 0);
      add_field (b, "name", res, i, 1);
      add_field (b, "role", res, i, 2);
      add_field (b, "outlet", res, i, 3);
      add_field (b, "outlet_name", res, i, 4);
      add_bool_field (b, "enabled", res, i, 5);
      add_field (b, "set_by", res, i, 6);
      add_field (b, "set_at", res, i, 7);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gint64
setting_int (CdStore *store, const char *key)
{
  g_autofree char *v = cd_store_setting_dup (store, key);
  return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

gboolean
cd_central_pull_head_office (CdStore *store, PGconn *conn, gint64 *pulled, GError **error)
{
  g_autofree char *price_rev = g_strdup_printf ("%" G_GINT64_FORMAT, setting_int (store, "central.hq_price_rev"));
  g_autofree char *clerk_rev = g_strdup_printf ("%" G_GINT64_FORMAT, setting_int (store, "central.hq_clerk_rev"));
  g_autoptr(PGresult) has = NULL;
  g_autoptr(PGresult) prices = NULL;
  g_autoptr(PGresult) clerks = NULL;
  gint64 last_price = 0, last_clerk = 0;
  int np, nc;

  /* A central database not migrated yet has no head-office rows: nothing to pull, not a failure. */
  if (!(has = cd_central_params (conn, "SELECT to_regclass('certdesk.hq_price') IS NOT NULL", 0, NULL, error)))
    return FALSE;
  if (!g_str_equal (PQgetvalue (has, 0, 0), "t"))
    return TRUE;
  if (!(prices = cd_central_params (conn, "SELECT profile, business, variant, item, years, amount_fen, allow_local,"
                                    " deleted, rev FROM certdesk.hq_price WHERE rev > $1::bigint ORDER BY rev", 1,
                                    (const char *const[]) { price_rev }, error))
      || !(clerks = cd_central_params (conn, "SELECT login, name, role, outlet_code, outlet_name, enabled,"
                                       " password_hash, rev FROM certdesk.hq_clerks_since($1::bigint)", 1,
                                       (const char *const[]) { clerk_rev }, error)))
    return FALSE;
  np = PQntuples (prices);
  nc = PQntuples (clerks);
  if (np == 0 && nc == 0)
    return TRUE;
  /* Every change and both cursors in one transaction: a crash pulls the same changes again, never half. */
  if (!cd_store_begin (store, error))
    return FALSE;
  for (int i = 0; i < np; i++)
    {
      CdPriceOverride o = {
        .business = PQgetvalue (prices, i, 1),
        .variant = PQgetvalue (prices, i, 2),
        .item = PQgetvalue (prices, i, 3),
        .years = (guint) g_ascii_strtoull (PQgetvalue (prices, i, 4), NULL, 10),
        .amount_fen = g_ascii_strtoll (PQgetvalue (prices, i, 5), NULL, 10),
      };

      last_price = g_ascii_strtoll (PQgetvalue (prices, i, 8), NULL, 10);
      if (!cd_price_store_apply_central (store, PQgetvalue (prices, i, 0), &o,
                                         g_str_equal (PQgetvalue (prices, i, 6), "t"),
                                         g_str_equal (PQgetvalue (prices, i, 7), "t"), last_price, error))
        goto fail;
    }
  for (int i = 0; i < nc; i++)
    {
      last_clerk = g_ascii_strtoll (PQgetvalue (clerks, i, 7), NULL, 10);
      if (!cd_clerk_store_apply_central (store, PQgetvalue (clerks, i, 0), PQgetvalue (clerks, i, 1),
                                         PQgetvalue (clerks, i, 2), PQgetvalue (clerks, i, 3),
                                         PQgetvalue (clerks, i, 4), g_str_equal (PQgetvalue (clerks, i, 5), "t"),
                                         PQgetisnull (clerks, i, 6) ? NULL : PQgetvalue (clerks, i, 6), last_clerk,
                                         error))
        goto fail;
    }
  if (np > 0)
    {
      g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, last_price);
      if (!cd_central_setting_set (store, "central.hq_price_rev", v, error))
        goto fail;
    }
  if (nc > 0)
    {
      g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, last_clerk);
      if (!cd_central_setting_set (store, "central.hq_clerk_rev", v, error))
        goto fail;
    }
  if (!cd_store_commit (store, error))
    goto fail;
  *pulled += np + nc;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

char *
cd_central_url_as_user (const char *url, const char *user)
{
  PQconninfoOption *opts = PQconninfoParse (url, NULL);
  GString *out;

  if (!opts)
    return NULL;
  out = g_string_new (NULL);
  /* Written back as key='value' pairs (quotes and backslashes escaped), the user replaced; PQconninfoParse lists
   * every keyword, "user" too, so it is always written. */
  for (PQconninfoOption *o = opts; o->keyword; o++)
    {
      const char *value = g_str_equal (o->keyword, "user") ? user : o->val;

      if (!value || !*value)
        continue;
      g_string_append_printf (out, "%s%s='", out->len ? " " : "", o->keyword);
      for (const char *p = value; *p; p++)
        {
          if (*p == '\\' || *p == '\'')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '\'');
    }
  PQconninfoFree (opts);
  return g_string_free (out, FALSE);
}
