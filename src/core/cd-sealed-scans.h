/* cd-sealed-scans.h: the counter's scan folder (state_dir/scans: ID cards, licences, collection forms with
 * seals and signatures) kept sealed under the database's current key set (issue 17).
 *
 * The database's keys change in one SQLite transaction (cd-store-crypt.h); the files cannot join it. So the key
 * set being replaced is kept, wrapped, in the setting "crypt.keys.previous" until every file is sealed under
 * the new one, and "crypt.scans" records the key id the whole folder is sealed under. A counter stopped in the
 * middle finishes at its next start: every file opens with one of the two key sets at every moment. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"
#include "cd-sealed-file.h"

G_BEGIN_DECLS

#define CD_SEALED_SCANS_DONE_SETTING     "crypt.scans"
#define CD_SEALED_SCANS_PREVIOUS_SETTING "crypt.keys.previous"

/* Brings the folder under the current key set when it is not yet (files of before encryption, a rotation cut
 * off); cheap when it is (one setting read). Called when a context opens; @progress may be NULL. */
gboolean cd_sealed_scans_settle (CdContext *ctx, CdSealedFilesProgress progress, gpointer user_data,
                                 GError **error);

/* keys rotate / keys import with the scan folder: @change (cd_store_crypt_rotate or _replace) changes the
 * database's key set; the key set it replaces is remembered first and the folder re-sealed after. */
typedef gboolean (*CdSealedScansKeysChange) (CdStore *store, gpointer data, GError **error);
gboolean cd_sealed_scans_change_keys (CdContext *ctx, CdSealedScansKeysChange change, gpointer data,
                                      CdSealedFilesProgress progress, gpointer user_data, GError **error);

/* A file of the scan folder (a scan object, a seal image chosen at the counter), or a file given by path, read
 * back: opened with @keys (cd_store_get_keys; may be NULL) when it is sealed, as it is when clear (written
 * before the counter had keys, or never stored here). This and cd_sealed_scans_settle are the one place that
 * knows how scans are sealed; readers (cd-scan-store.h, the burn's seal image, the seals page) come here.
 * @max_bytes: a larger file is refused before it is read whole, a device or a pipe after one byte over
 * (cd_input_read_file); 0 = no limit. @what names the file for the clerk ("seal image"). Errors: G_FILE_ERROR
 * or CD_INPUT_ERROR reading it; CD_KEYS_ERROR opening it (another key set, a changed byte, no key set here). */
GBytes  *cd_sealed_scans_read (CdKeys *keys, const char *path, gsize max_bytes, const char *what, GError **error);

G_END_DECLS
