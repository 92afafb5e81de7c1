/* cd-cli-scan.c: `scan-import`: attach scanned files to a material of an application, as the materials page
 * does (checked, decoded with limits, fitted to the profile's upload rules, stored content-addressed). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-application-store.h"
#include "cd-cli.h"
#include "cd-import-fit.h"
#include "cd-scan-store.h"

int cd_cli_cmd_scan_import (CdCli *cli, int argc, char **argv);

static gboolean
profile_has_material (const CdProfile *profile, const char *code)
{
  for (guint i = 0; i < profile->materials->len; i++)
    if (g_strcmp0 (((CdMaterial *) profile->materials->pdata[i])->code, code) == 0)
      return TRUE;
  return FALSE;
}

static int
exit_for (const GError *error)
{
  if (error->domain == CD_SCAN_STORE_ERROR && error->code != CD_SCAN_STORE_ERROR_INVALID)
    return CD_EXIT_STORAGE;
  return cd_cli_exit_for_error (error);
}

/* scan-import --application ID --material CODE [--no-reencode] FILE… */
int
cd_cli_cmd_scan_import (CdCli *cli, int argc, char **argv)
{
  gint64 application_id = 0;
  g_autofree char *material = NULL;
  gboolean no_reencode = FALSE;
  const GOptionEntry entries[] = {
    { "application", 0, 0, G_OPTION_ARG_INT64, &application_id, N_("The application's id"), "ID" },
    { "material", 0, 0, G_OPTION_ARG_STRING, &material, N_("The checklist material code"), "CODE" },
    { "no-reencode", 0, 0, G_OPTION_ARG_NONE, &no_reencode,
      N_("Refuse files over the upload limit instead of re-encoding them"), NULL },
    { NULL },
  };
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_import_file_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  CdProfile *profile;
  CdContext *ctx;
  int code = 0;

  if (!cd_cli_parse (argv[0], "FILE…", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (application_id <= 0 || !material || argc < 2)
    return cd_cli_fail (CD_EXIT_USAGE, "%s", _("usage: scan-import --application ID --material CODE FILE…"));
  if (!(ctx = cd_cli_get_context (cli, &code)))
    return code;
  if (!cd_application_store_load (ctx, application_id, &app, &info, &error)
      || !(profile = cd_context_lookup_profile (ctx, info->profile, &error)))
    return cd_cli_fail_error (0, error);
  if (!profile_has_material (profile, material))
    return cd_cli_fail (CD_EXIT_INVALID, _("“%s” is not a material of the profile %s"), material, profile->id);

  /* Everything is checked before anything is stored: one bad file attaches nothing. */
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) gfile = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(CdImportFile) file = cd_import_load_file (gfile, NULL, NULL, &error);

      if (!file
          || !cd_import_file_fit (file, (const char *const *) profile->upload_types, profile->upload_max_bytes, NULL,
                                  &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      if (no_reencode
          && !cd_import_check_upload (file->name, file->type, g_bytes_get_size (file->bytes),
                                      (const char *const *) profile->upload_types, profile->upload_max_bytes, &error))
        return cd_cli_fail_error (CD_EXIT_INVALID, error);
      g_ptr_array_add (files, g_steal_pointer (&file));
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "application");
  json_builder_add_int_value (b, application_id);
  json_builder_set_member_name (b, "material");
  json_builder_add_string_value (b, material);
  json_builder_set_member_name (b, "scans");
  json_builder_begin_array (b);
  for (guint i = 0; i < files->len; i++)
    {
      CdImportFile *file = files->pdata[i];
      g_autoptr(GArray) ids = cd_scan_store_add_import (ctx, application_id, material, file, &error);

      if (!ids)
        return cd_cli_fail_error (exit_for (error), error);
      for (guint k = 0; k < ids->len; k++)
        {
          CdImportCandidate *c = file->candidates->pdata[k];
          g_autoptr(CdScanInfo) scan = NULL;

          if (!cd_scan_store_get (ctx, g_array_index (ids, gint64, k), &scan, &error))
            return cd_cli_fail_error (exit_for (error), error);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, scan->id);
          json_builder_set_member_name (b, "file");
          json_builder_add_string_value (b, file->name);
          json_builder_set_member_name (b, "page");
          json_builder_add_int_value (b, scan->page);
          json_builder_set_member_name (b, "sha256");
          json_builder_add_string_value (b, scan->sha256);
          json_builder_set_member_name (b, "mime");
          json_builder_add_string_value (b, scan->mime);
          json_builder_set_member_name (b, "bytes");
          json_builder_add_int_value (b, scan->bytes);
          json_builder_set_member_name (b, "width");
          json_builder_add_int_value (b, c->width);
          json_builder_set_member_name (b, "height");
          json_builder_add_int_value (b, c->height);
          json_builder_set_member_name (b, "reencoded");
          json_builder_add_boolean_value (b, c->reencoded);
          if (c->note)
            {
              json_builder_set_member_name (b, "note");
              json_builder_add_string_value (b, c->note);
            }
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cd_cli_print_builder (b);
  return CD_EXIT_OK;
}
