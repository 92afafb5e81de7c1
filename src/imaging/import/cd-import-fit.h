/* cd-import-fit.h: the profile's upload rules (types, size) and the re-encode that fits a scan to them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-import.h"

G_BEGIN_DECLS

void     cd_import_candidate_free (CdImportCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdImportCandidate, cd_import_candidate_free)

/* Is a file of @type and @bytes acceptable under the profile's rules (CdProfile upload_types,
 * upload_max_bytes)? Errors: CD_IMPORT_ERROR_TYPE_NOT_ALLOWED, CD_IMPORT_ERROR_OVER_LIMIT. */
gboolean cd_import_check_upload   (const char *name, CdImportType type, guint64 bytes,
                                   const char *const *upload_types, gint64 upload_max_bytes, GError **error);

/* Re-encodes @pixbuf (JPEG quality steps, then downscaling, never below CD_IMPORT_MIN_DPI; PNG when the
 * profile takes no JPEG) until it fits @upload_max_bytes. @dpi 0 = unknown: the long side is then taken to
 * span an A4 page. CD_IMPORT_ERROR_CANNOT_FIT when nothing within the rules fits. */
CdImportCandidate *cd_import_reencode_to_fit (const char *name, GdkPixbuf *pixbuf, double dpi, guint page,
                                              const char *const *upload_types, gint64 upload_max_bytes,
                                              GCancellable *cancellable, GError **error);

/* Fills @file->candidates: the original when it passes the rules (one candidate per PDF page, all sharing
 * the PDF), otherwise one re-encode per page, each marked reencoded with a note to show the clerk. */
gboolean cd_import_file_fit       (CdImportFile *file, const char *const *upload_types, gint64 upload_max_bytes,
                                   GCancellable *cancellable, GError **error);

G_END_DECLS
