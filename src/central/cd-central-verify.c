/* cd-central-verify.c: the audit chains in the central database, verified per counter, and this counter's
 * log compared with its central copy. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>

#include "cd-audit.h"
#include "cd-central.h"
#include "cd-central-private.h"

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
  if (!(conn = cd_central_connect (url, error)))
    return NULL;
  /* Counter by counter through audit_row's (counter_uuid, local_id) index: an outlet's role walks its own
   * counters' chains without reading the other outlets' rows (central migration 13 dropped the (outlet_code)
   * index, which only this query used); my_outlet() is NULL for the head office, which walks every counter. */
  if (!(res = cd_central_params (conn, "SELECT a.outlet_code, a.counter_uuid::text, a.local_id, a.data->>'at',"
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
  if (!(conn = cd_central_connect (url, error))
      || !(res = cd_central_params (conn, "SELECT local_id, data->>'hash' FROM certdesk.audit_row WHERE counter_uuid = $1"
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
