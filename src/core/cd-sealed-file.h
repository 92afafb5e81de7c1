/* cd-sealed-file.h: files of personal data (scanned ID cards, licences, collection forms with seals and
 * signatures) sealed at rest under the store's key set (cd-keys.h), issue 17.
 *
 * A sealed file is one cd_keys_seal_blob () blob: a copied scan folder shows no image. A file written before
 * the counter had keys is clear; it is read as it is, and cd_sealed_files_seal_dir () seals it in place (the
 * migration, and keys rotate re-sealing under a new data key). Writes are atomic (temporary file + rename),
 * 0600. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "cd-keys.h"

G_BEGIN_DECLS

/* What every scan object is bound to: a blob moved under another name fails the name's hash check anyway. */
#define CD_SEALED_FILE_SCAN_AAD "certdesk/scan-object"

/* Writes @data to @path sealed under @keys (clear when @keys is NULL: a store without a key set). */
gboolean  cd_sealed_file_write (CdKeys *keys, const char *path, const char *aad, const void *data, gsize len,
                                GError **error);

/* The content of @path: opened when sealed (another key set, a changed byte: CD_KEYS_ERROR; no key set here:
 * CD_KEYS_ERROR_MISSING_KEK), as it is when clear. @max_bytes 0 = no limit; a larger file is refused
 * (G_FILE_ERROR_FAILED, saying so) before it is read. *@out_sealed (may be NULL) says which it was. File errors are
 * G_FILE_ERROR. */
GBytes   *cd_sealed_file_read  (CdKeys *keys, const char *path, const char *aad, gsize max_bytes,
                                gboolean *out_sealed, GError **error);

typedef void (*CdSealedFilesProgress) (guint done, guint total, gpointer user_data);

/* Every regular file under @dir (recursively) sealed under @keys: clear ones sealed, ones sealed under
 * @previous (keys rotate: the key set being replaced; may be NULL) opened and sealed again, ones already under
 * @keys left alone. Each file is replaced atomically, so an interrupted run leaves every file readable with one
 * of the two key sets; run it again to finish. *@out_changed counts the files rewritten. A file that opens with
 * neither key set (sealed on another machine, or damaged) is refused by name (CD_KEYS_ERROR_WRONG_KEY), or,
 * with @out_unreadable, left untouched and its path appended there. */
gboolean  cd_sealed_files_seal_dir (CdKeys *keys, CdKeys *previous, const char *dir, const char *aad,
                                    CdSealedFilesProgress progress, gpointer user_data, guint *out_changed,
                                    GPtrArray *out_unreadable, GError **error);

/* Files under @dir that are not sealed under @keys (0 when every one is). */
guint     cd_sealed_files_count_unsealed (CdKeys *keys, const char *dir);

G_END_DECLS
