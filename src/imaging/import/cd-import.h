/* cd-import.h: importing scans from files (JPEG, PNG, BMP, TIFF, PDF), checked and decoded with limits. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cd-import-sniff.h"

G_BEGIN_DECLS

/* Hard limits of the importer, whatever the profile says (design.md: decode with limits). */
typedef struct {
  guint64 max_file_bytes;   /* refused before reading: 64 MiB */
  guint64 max_pixels;       /* per image or rendered page, from the header: 50 megapixels */
  guint64 max_total_pixels; /* all rendered pages of one PDF together (memory): 120 megapixels */
  guint   max_pdf_pages;    /* 50 */
  double  max_page_mm;      /* longest side of a PDF page: 1200 mm (A0 is 1189) */
  double  pdf_dpi;          /* PDF pages are rendered at this resolution: 200 */
  guint   only_page;        /* 0: every page; n: render only page n of a PDF (thumbnails, the viewer) */
} CdImportLimits;

#define CD_IMPORT_MAX_FILE_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define CD_IMPORT_MAX_PIXELS     (G_GUINT64_CONSTANT (50) * 1000 * 1000)
#define CD_IMPORT_MAX_TOTAL_PIXELS (G_GUINT64_CONSTANT (120) * 1000 * 1000)
#define CD_IMPORT_MAX_PDF_PAGES  50
#define CD_IMPORT_MAX_PAGE_MM    1200.0
#define CD_IMPORT_PDF_DPI        200.0
/* Never re-encode or render below this (the clerk's 150 dpi rule). */
#define CD_IMPORT_MIN_DPI        150.0

void cd_import_limits_init (CdImportLimits *limits);

/* One picture of an imported file: the image itself, or one rendered PDF page. */
typedef struct {
  guint      page;       /* 0 for an image file, 1..n for a PDF page */
  GdkPixbuf *pixbuf;     /* RGB(A), 8 bits, EXIF orientation applied */
  double     dpi;        /* 0 when the file does not say */
} CdImportPage;

/* What the materials page stores for one page: the bytes to keep and how they were made. */
typedef struct {
  guint         page;       /* as CdImportPage.page */
  CdImportType  type;       /* of @bytes */
  GBytes       *bytes;      /* the original file, or a re-encode that fits the profile */
  gboolean      reencoded;  /* TRUE: offer it to the clerk ("over 1 MB, re-encoded to 820 KB") */
  char         *note;       /* what the re-encode did, for the clerk; NULL when not re-encoded */
  guint         width;
  guint         height;
} CdImportCandidate;

typedef struct {
  char         *name;        /* base name, for messages and scan.original_name */
  CdImportType  type;
  GBytes       *bytes;       /* the original file, kept in the store */
  GPtrArray    *pages;       /* CdImportPage */
  GPtrArray    *candidates;  /* CdImportCandidate; empty until cd_import_file_fit () */
} CdImportFile;

void          cd_import_file_free       (CdImportFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdImportFile, cd_import_file_free)

/* Checks and decodes @bytes, the content of the file @name (only used for messages and the extension
 * check). @limits NULL = the defaults. Every refusal names the file, what is wrong and what is expected. */
CdImportFile *cd_import_load_bytes      (const char *name, GBytes *bytes, const CdImportLimits *limits,
                                         GCancellable *cancellable, GError **error);

/* The same for a file on disk: its size is checked before it is read. */
CdImportFile *cd_import_load_file       (GFile *file, const CdImportLimits *limits, GCancellable *cancellable,
                                         GError **error);

/* Off the main loop: loads @file and, when @upload_types is not NULL, fits it to the profile's upload
 * rules (cd_import_file_fit). The finish returns the file with its candidates. */
void          cd_import_file_async      (GFile *file, const CdImportLimits *limits,
                                         const char *const *upload_types, gint64 upload_max_bytes,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
CdImportFile *cd_import_file_finish     (GAsyncResult *result, GError **error);

G_END_DECLS
