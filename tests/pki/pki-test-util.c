/* pki-test-util.c: fixtures of the pki tests. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-issuer-local.h"
#include "pki-test-util.h"

static void
copy_profile (PkiFixture *f, const char *name)
{
  g_autofree char *src = g_build_filename (PKI_FIXTURES, name, NULL);
  g_autofree char *dst = g_build_filename (f->state_dir, "profiles", name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (dst, data, len, NULL));
}

void
pki_fixture_reopen (PkiFixture *f)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->ctx);
  f->ctx = cd_context_new (f->state_dir, f->db_path, &error);
  g_assert_no_error (error);
}

void
pki_fixture_setup (PkiFixture *f, gconstpointer data)
{
  g_autofree char *profiles = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *conf = NULL;

  f->dir = g_dir_make_tmp ("certdesk-pki-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->state_dir = g_build_filename (f->dir, "state", NULL);
  profiles = g_build_filename (f->state_dir, "profiles", NULL);
  tokens = g_build_filename (f->dir, "tokens", NULL);
  g_assert_cmpint (g_mkdir_with_parents (profiles, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (tokens, 0700), ==, 0);
  f->softhsm_conf = g_build_filename (f->dir, "softhsm2.conf", NULL);
  conf = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
  g_assert_true (g_file_set_contents (f->softhsm_conf, conf, -1, NULL));
  g_setenv ("SOFTHSM2_CONF", f->softhsm_conf, TRUE);
  copy_profile (f, "pki-ec.json");
  copy_profile (f, "pki-rsa.json");
  copy_profile (f, "pki-random.json");
  f->db_path = g_build_filename (f->state_dir, "certdesk.db", NULL);
  pki_fixture_reopen (f);
}

static gboolean
rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) en = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                             G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (en && (info = g_file_enumerator_next_file (en, NULL, NULL)))
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        rm_rf (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  return g_rmdir (path) == 0;
}

void
pki_fixture_teardown (PkiFixture *f, gconstpointer data)
{
  g_clear_object (&f->ctx);
  if (!g_getenv ("PKI_KEEP"))
    rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->state_dir);
  g_free (f->db_path);
  g_free (f->softhsm_conf);
}

char *
pki_run (gboolean expect_ok, int *out_status, char **out_stderr, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (expect_ok && !g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", first, out, err);
  if (out_status)
    *out_status = WIFEXITED (status) ? WEXITSTATUS (status) : 128;
  if (out_stderr)
    *out_stderr = g_steal_pointer (&err);
  return out;
}

void
pki_make_token (PkiFixture *f, const char *label)
{
  g_free (pki_run (TRUE, NULL, NULL, "softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", PKI_SO_PIN,
                   "--pin", "000000", NULL));
}

char *
pki_app_json (const char *profile, const char *business, const char *uscc, const char *name,
              const char *existing_serial, guint seals, const char *seal_path)
{
  g_autofree char *path = g_build_filename (PKI_FIXTURES, "app-new.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o, *unit;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  unit = json_object_get_object_member (o, "unit");
  if (profile)
    json_object_set_string_member (o, "profile", profile);
  if (business)
    json_object_set_string_member (o, "business", business);
  if (uscc)
    json_object_set_string_member (unit, "uscc", uscc);
  if (name)
    json_object_set_string_member (unit, "name", name);
  if (existing_serial)
    {
      JsonObject *e = json_object_new ();
      json_object_set_string_member (e, "serial", existing_serial);
      json_object_set_object_member (o, "existing_certificate", e);
    }
  json_object_set_int_member (o, "seals", seals);
  if (seal_path)
    {
      JsonObject *s = json_object_new ();
      json_object_set_string_member (s, "unit_seal", seal_path);
      json_object_set_object_member (o, "samples", s);
    }
  return json_to_string (json_parser_get_root (parser), TRUE);
}

gint64
pki_application (PkiFixture *f, const char *json, CdState state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) app = cd_application_from_data (json, -1, &error);
  g_autoptr(CdApplicationInfo) info = NULL;
  gint64 id = 0;

  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (f->ctx, app, TRUE, &id, &error));
  g_assert_no_error (error);
  if (state >= CD_STATE_CHECKED)
    {
      g_assert_true (cd_application_store_check (f->ctx, id, &error));
      g_assert_no_error (error);
    }
  if (state >= CD_STATE_PAID)
    {
      gint64 fee;
      g_assert_true (cd_application_store_load (f->ctx, id, NULL, &info, &error));
      fee = info->fee_total_fen;
      g_assert_true (cd_application_store_pay (f->ctx, id, CD_PAYMENT_WECHAT, fee, fee, FALSE, &error));
      g_assert_no_error (error);
    }
  if (state >= CD_STATE_PRINTED)
    {
      g_assert_true (cd_application_store_transition (f->ctx, id, CD_STATE_PRINTED, NULL, &error));
      g_assert_no_error (error);
    }
  return id;
}

CdBurnResult *
pki_burn (PkiFixture *f, gint64 app_id, const char *label, const char *pin, const char *so_pin, CdIssuer *issuer,
          GError **error)
{
  g_autoptr(CdBurnOptions) opts = cd_burn_options_new (app_id);
  const char *module = g_getenv ("PKI_MODULE");

  opts->module_path = g_strdup (module ? module : PKI_SOFTHSM);
  opts->token_label = g_strdup (label);
  opts->user_pin = pin ? cd_pin_new (pin) : NULL;
  opts->so_pin = so_pin ? cd_pin_new (so_pin) : NULL;
  opts->issuer = issuer ? g_object_ref (issuer) : NULL;
  opts->advance_state = TRUE;
  return cd_burn_run (f->ctx, opts, NULL, NULL, NULL, error);
}

gboolean
pki_file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

char *
pki_db_text (PkiFixture *f, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (f->ctx), sql, &stmt, NULL));
  return sqlite3_step (stmt) == SQLITE_ROW ? cd_store_column_dup (stmt, 0) : NULL;
}

gint64
pki_db_int (PkiFixture *f, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (f->ctx), sql, &stmt, NULL));
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
}

GPtrArray *
pki_ca_entries (PkiFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdIssuerLocal) ca = cd_issuer_local_new (f->ctx, &error);
  GPtrArray *entries;

  g_assert_no_error (error);
  entries = cd_issuer_local_list (ca, &error);
  g_assert_no_error (error);
  return entries;
}
