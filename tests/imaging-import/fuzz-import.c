/* fuzz-import.c: libFuzzer target for the importer (magic, headers, decoders, PDF rendering, fitting).
 * Built with -fsanitize=fuzzer when the meson option `fuzzing` is on; test-fuzz-corpus.c runs the same
 * entry point over generated malformed files in every build. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-import-fit.h"
#include "cd-import.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The first byte picks the name the file comes with, so the extension check is fuzzed too. */
static const char *const names[] = { "scan.jpg", "scan.png", "scan.bmp", "scan.tiff", "scan.pdf", "scan" };

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  const char *const types[] = { "jpeg", "png", "bmp", "tiff", "pdf", NULL };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CdImportFile) file = NULL;
  g_autoptr(GError) error = NULL;
  CdImportLimits limits;
  const char *name = names[0];

  if (size > 0)
    {
      name = names[data[0] % G_N_ELEMENTS (names)];
      data++;
      size--;
    }
  /* Smaller limits than the application's keep each run fast; the code paths are the same. */
  cd_import_limits_init (&limits);
  limits.max_file_bytes = 4 * 1024 * 1024;
  limits.max_pixels = 4 * 1000 * 1000;
  limits.max_total_pixels = 8 * 1000 * 1000;
  limits.max_pdf_pages = 4;
  limits.pdf_dpi = 150;
  bytes = g_bytes_new (data, size);
  file = cd_import_load_bytes (name, bytes, &limits, NULL, &error);
  if (!file)
    {
      g_assert (error != NULL && error->message[0] != '\0');
      return 0;
    }
  g_assert (file->pages->len > 0);
  /* Fitting without a re-encode (the limit is large): the candidate bookkeeping on whatever decoded. */
  if (!cd_import_file_fit (file, types, G_MAXINT32, NULL, &error))
    g_assert (error != NULL);
  return 0;
}
