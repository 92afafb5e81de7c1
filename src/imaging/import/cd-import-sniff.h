/* cd-import-sniff.h: what a file really is (magic bytes) and what its header promises, before decoding. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CD_IMPORT_ERROR (cd_import_error_quark ())
GQuark cd_import_error_quark (void);

typedef enum {
  CD_IMPORT_ERROR_READ,             /* the file cannot be read */
  CD_IMPORT_ERROR_EMPTY,            /* 0 bytes */
  CD_IMPORT_ERROR_FILE_TOO_LARGE,   /* over the importer's hard file-size limit */
  CD_IMPORT_ERROR_UNKNOWN_TYPE,     /* not JPEG, PNG, BMP, TIFF or PDF */
  CD_IMPORT_ERROR_WRONG_EXTENSION,  /* the name says one type, the content another */
  CD_IMPORT_ERROR_TRUNCATED,        /* the file ends before the image does */
  CD_IMPORT_ERROR_CORRUPT,          /* recognised, but does not decode */
  CD_IMPORT_ERROR_TOO_MANY_PIXELS,  /* the header promises more pixels than the limit */
  CD_IMPORT_ERROR_TOO_MANY_PAGES,   /* a PDF with more pages than the limit */
  CD_IMPORT_ERROR_PAGE_TOO_LARGE,   /* a PDF page larger than any paper document */
  CD_IMPORT_ERROR_ENCRYPTED,        /* a password-protected PDF */
  CD_IMPORT_ERROR_TYPE_NOT_ALLOWED, /* the profile does not accept this type */
  CD_IMPORT_ERROR_OVER_LIMIT,       /* larger than the profile's upload limit */
  CD_IMPORT_ERROR_CANNOT_FIT,       /* no re-encode within the rules fits the limit */
} CdImportError;

typedef enum {
  CD_IMPORT_TYPE_UNKNOWN,
  CD_IMPORT_TYPE_JPEG,
  CD_IMPORT_TYPE_PNG,
  CD_IMPORT_TYPE_BMP,
  CD_IMPORT_TYPE_TIFF,
  CD_IMPORT_TYPE_PDF,
} CdImportType;

/* What the header of an image says, read without decoding a pixel. */
typedef struct {
  CdImportType type;
  guint32      width;
  guint32      height;
  double       dpi;        /* 0 when the file does not say */
} CdImportHeader;

CdImportType  cd_import_sniff          (const guint8 *data, gsize len);
/* The type a file name's extension claims; UNKNOWN for none or an extension we do not know. */
CdImportType  cd_import_type_from_name (const char *name);
/* "jpeg", "png", "bmp", "tiff", "pdf" (the profile's upload_types); NULL for UNKNOWN. */
const char   *cd_import_type_to_code   (CdImportType type);
CdImportType  cd_import_type_from_code (const char *code);
const char   *cd_import_type_to_mime   (CdImportType type);
CdImportType  cd_import_type_from_mime (const char *mime);
/* "JPEG", "PNG" … for messages. */
const char   *cd_import_type_to_label  (CdImportType type);

/* Checks @data of the file @name (for messages) is a supported type whose extension agrees and reads the
 * image header; for images also checks the file is complete (JPEG EOI, PNG IEND, BMP pixel array). PDFs
 * only get their type here. */
gboolean      cd_import_read_header    (const char *name, const guint8 *data, gsize len,
                                        CdImportHeader *out_header, GError **error);

/* "1.8 MB", "900 KB": sizes as the clerk reads them. */
char         *cd_import_format_size    (guint64 bytes);

G_END_DECLS
