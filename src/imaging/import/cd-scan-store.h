/* cd-scan-store.h: scans of an application's materials, stored content-addressed (SHA-256) under the state
 * folder and referenced from the `scan` table; adding and deleting are audited. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"
#include "cd-import.h"
#include "cd-scan-row-store.h"
#include "cd-sealed-file.h"

G_BEGIN_DECLS

#define CD_SCAN_STORE_ERROR (cd_scan_store_error_quark ())
GQuark cd_scan_store_error_quark (void);

typedef enum {
  CD_SCAN_STORE_ERROR_IO,          /* the object cannot be written or read */
  CD_SCAN_STORE_ERROR_NOT_FOUND,   /* no such scan or object */
  CD_SCAN_STORE_ERROR_DAMAGED,     /* the object's content no longer matches its hash */
  CD_SCAN_STORE_ERROR_INVALID,     /* a bad argument from the caller (hash, material code) */
} CdScanStoreError;

/* <state_dir>/scans/ab/cdef… */
char       *cd_scan_store_object_path (CdContext *ctx, const char *sha256);

/* Writes @bytes as an object (atomically; an existing object is left alone) and returns its hex hash. */
char       *cd_scan_store_put_object (CdContext *ctx, GBytes *bytes, GError **error);

/* Reads an object back, checking its content still has the hash it is named by. */
GBytes     *cd_scan_store_open       (CdContext *ctx, const char *sha256, GError **error);
/* The same from a worker: the object at @path (cd_scan_store_object_path), sealed under @keys
 * (cd_store_get_keys) or clear when written before the counter had keys. Objects are sealed at rest
 * (cd-sealed-file.h); cd-sealed-scans.h keeps the folder under the database's current keys. */
GBytes     *cd_scan_store_read_object (CdKeys *keys, const char *path, const char *sha256, GError **error);

/* Attaches @bytes to @material_code of @application_id in one audited transaction ("scan.add"; the detail
 * holds hashes, type and size, never the image). @original: the file @bytes was re-encoded from, kept as
 * its own object and named in the audit detail; NULL when @bytes is the original. The same content on the
 * same material and page is attached once: *@out_id is then the existing scan and *@out_existing TRUE. */
gboolean    cd_scan_store_add        (CdContext *ctx, gint64 application_id, const char *material_code,
                                      GBytes *bytes, const char *mime, const char *original_name, guint page,
                                      GBytes *original, gint64 *out_id, gboolean *out_existing,
                                      GError **error);

/* Attaches every candidate of @file (see cd_import_file_fit) in one transaction; both sides of an ID card
 * are simply two files added to the same material. Returns the scan ids (gint64) in page order. */
GArray     *cd_scan_store_add_import (CdContext *ctx, gint64 application_id, const char *material_code,
                                      const CdImportFile *file, GError **error);

/* The scans of an application (@material_code NULL = all materials), oldest first. */
GPtrArray  *cd_scan_store_list       (CdContext *ctx, gint64 application_id, const char *material_code,
                                      gboolean include_deleted, GError **error);

gboolean    cd_scan_store_get        (CdContext *ctx, gint64 scan_id, CdScanInfo **out_info, GError **error);

/* The picture of a stored scan (its page, for a PDF), decoded with the importer's limits: for thumbnails and
 * the full-size viewer. The async form reads and decodes in a worker that never touches the database. */
GdkPixbuf  *cd_scan_store_load_picture        (CdContext *ctx, const CdScanInfo *info, GCancellable *cancellable,
                                               GError **error);
void        cd_scan_store_load_picture_async  (CdContext *ctx, const CdScanInfo *info, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
GdkPixbuf  *cd_scan_store_load_picture_finish (GAsyncResult *result, GError **error);

/* Soft delete and its undo: the row and the object stay, the flag changes ("scan.delete", "scan.restore"). */
gboolean    cd_scan_store_delete     (CdContext *ctx, gint64 scan_id, GError **error);
gboolean    cd_scan_store_undelete   (CdContext *ctx, gint64 scan_id, GError **error);

G_END_DECLS
