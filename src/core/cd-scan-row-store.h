/* cd-scan-row-store.h: `scan` rows, the index of an application's scanned materials (the objects themselves
 * are files, src/imaging/import/cd-scan-store.c). Adding, deleting and restoring are audited; the caller holds
 * the transaction. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"

G_BEGIN_DECLS

typedef struct {
  gint64    id;
  gint64    application_id;
  char     *material_code;
  char     *sha256;          /* hex, 64 characters */
  char     *mime;
  gint64    bytes;
  char     *original_name;
  guint     page;            /* 0: the object is the picture; n ≥ 1: page n of a PDF (or a re-encode of it) */
  gboolean  deleted;
  char     *created_at;
} CdScanInfo;

void        cd_scan_info_free        (CdScanInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdScanInfo, cd_scan_info_free)

/* The scan (not deleted) of that content on that material and page: *out_id 0 when there is none. */
gboolean    cd_scan_rows_find        (CdStore *store, gint64 application_id, const char *material_code,
                                      const char *sha256, guint page, gint64 *out_id, GError **error);
/* A new row, audited as "scan.add" (the detail holds hashes, type and size; @original_sha256, the file this
 * one was re-encoded from, may be NULL). */
gboolean    cd_scan_rows_insert      (CdContext *ctx, gint64 application_id, const char *material_code,
                                      const char *sha256, const char *mime, gint64 bytes, const char *original_name,
                                      guint page, const char *original_sha256, gint64 *out_id, GError **error);
/* Sets the soft-delete flag of scan @info, audited as "scan.delete" or "scan.restore". */
gboolean    cd_scan_rows_set_deleted (CdContext *ctx, const CdScanInfo *info, gboolean deleted, GError **error);
/* The scans of an application (@material_code NULL = all materials), oldest first (CdScanInfo). */
GPtrArray  *cd_scan_rows_list        (CdStore *store, gint64 application_id, const char *material_code,
                                      gboolean include_deleted, GError **error);
/* Scan @scan_id: *out NULL (and TRUE) when there is none. */
gboolean    cd_scan_rows_get         (CdStore *store, gint64 scan_id, CdScanInfo **out, GError **error);
/* The applications (gint64, ascending) that show the object @sha256: as a scan, or as a chosen seal image
 * (sample). Empty when none does (an original kept beside its re-encode, a stray file). */
GArray     *cd_scan_rows_owners      (CdStore *store, const char *sha256, GError **error);

G_END_DECLS
