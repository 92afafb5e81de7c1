/* cd-cli-seal.c: certdesk-cli seal-extract — seal and signature samples from a scanned collection form. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-cli.h"
#include "cd-seal-extract.h"

int
cd_cli_cmd_seal_extract (CdCli *cli, int argc, char **argv)
{
  g_autofree char *out_dir = NULL;
  g_autoptr(CdSealResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  int samples = 0, page = 1;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for the cell images (must exist)"), "DIR" },
    { "samples", 0, 0, G_OPTION_ARG_INT, &samples, N_("Number of sample boxes (default: detect)"), "N" },
    { "page", 0, 0, G_OPTION_ARG_INT, &page, N_("PDF page to read, from 1 (default 1)"), "N" },
    { NULL }
  };

  /* No database here: extraction works on the file alone (cd_cli_get_context is not called). */
  if (!cd_cli_parse ("seal-extract", "IMAGE_OR_PDF --out DIR", entries, &argc, &argv))
    return CD_EXIT_USAGE;
  if (argc != 2)
    return cd_cli_fail (CD_EXIT_USAGE, _("seal-extract: expected one IMAGE_OR_PDF argument"));
  if (out_dir == NULL)
    return cd_cli_fail (CD_EXIT_USAGE, _("seal-extract: --out DIR is required"));
  if (samples < 0 || samples > 16)
    return cd_cli_fail (CD_EXIT_USAGE, _("seal-extract: --samples must be between 1 and 16 (leave it out to detect "
                                         "the boxes), not %d"), samples);
  if (page < 1)
    return cd_cli_fail (CD_EXIT_USAGE, _("seal-extract: --page counts from 1"));
  if (!g_file_test (out_dir, G_FILE_TEST_IS_DIR))
    return cd_cli_fail (CD_EXIT_INVALID, _("The output folder “%s” does not exist"), out_dir);

  result = cd_seal_extract_file (argv[1], (guint) page - 1, (guint) samples, NULL, &error);
  if (result == NULL || !cd_seal_result_write_cells (result, out_dir, &error))
    return cd_cli_fail_error (CD_EXIT_INVALID, error);

  node = cd_seal_result_to_json (result);
  cd_cli_print_json (node);
  return CD_EXIT_OK;
}
