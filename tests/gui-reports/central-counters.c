/* central-counters.c: counters joined to the test's PostgreSQL (see the header). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-central.h"
#include "cd-report.h"
#include "cd-store-crypt.h"
#include "central-counters.h"

void
rf_counter_init_alone (RfCounter *c)
{
  g_autoptr(GError) error = NULL;

  c->dir = g_dir_make_tmp ("certdesk-gui-central-XXXXXX", &error);
  g_assert_no_error (error);
  c->ctx = cd_context_new (c->dir, NULL, &error);
  g_assert_no_error (error);
  rf_build_day (c->ctx, &c->day);
}

void
rf_counter_init_joined (RfCounter *c, CdTestPg *server, const char *code, const char *name, const char *role,
                        CdKeys *ca_keys)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = cd_test_pg_url (server, "certdesk_admin");
  g_autofree char *url = cd_test_pg_url (server, role);
  g_autofree char *counter = NULL;
  CdCentralSyncResult res;
  gint64 queued = 0;

  rf_counter_init_alone (c);
  rf_set_clock (c->ctx, RF_DAY "T18:00:00Z");
  if (ca_keys)
    {
      gboolean replaced = cd_store_crypt_replace (cd_context_get_store (c->ctx), ca_keys, "test", &error);
      g_assert_no_error (error);
      g_assert_true (replaced);
    }
  g_assert_true (cd_central_init (admin, code, name, role, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cd_central_join (cd_context_get_store (c->ctx), url, code, code, &counter, &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpint (queued, >, 0);
  g_assert_true (cd_central_sync (cd_context_get_store (c->ctx), &res, &error));
  g_assert_no_error (error);
  g_assert_cmpint (res.pending, ==, 0);
}

void
rf_counter_clear (RfCounter *c)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", c->dir);

  g_clear_object (&c->ctx);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_free (c->dir);
}

gint64
rf_local_figure (CdContext *ctx, const char *member)
{
  CdReportQuery q = { RF_DAY, RF_DAY, 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) r = cd_report_build (ctx, &q, &error);

  g_assert_no_error (error);
  return json_object_get_int_member (json_node_get_object (r), member);
}
