/* cd-seal-extract.h: seal and signature samples from a scanned collection form (采集表). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CD_SEAL_ERROR (cd_seal_error_quark ())

typedef enum {
  CD_SEAL_ERROR_IO,            /* the file cannot be read */
  CD_SEAL_ERROR_EMPTY_FILE,    /* 0 bytes */
  CD_SEAL_ERROR_NOT_IMAGE,     /* neither PNG, JPEG nor PDF */
  CD_SEAL_ERROR_CORRUPT,       /* recognised but does not decode */
  CD_SEAL_ERROR_TOO_LARGE,     /* over the file-size or pixel limit */
  CD_SEAL_ERROR_PAGE,          /* no such PDF page */
  CD_SEAL_ERROR_NO_BOXES,      /* no sample boxes on the form */
} CdSealError;

/* Refused before decoding (design.md: decode with limits). */
#define CD_SEAL_MAX_PIXELS     (60 * 1000 * 1000)
#define CD_SEAL_MAX_FILE_BYTES (200 * 1024 * 1024)
/* PDF pages are rendered at this resolution. */
#define CD_SEAL_PDF_DPI        300.0

typedef enum {
  CD_SEAL_FLAG_CROSSES_BORDER = 1 << 0,   /* 压线: ink on or beyond the box line */
  CD_SEAL_FLAG_FAINT          = 1 << 1,   /* very light ink */
  CD_SEAL_FLAG_OVERLAP        = 1 << 2,   /* two impressions of the seal */
  CD_SEAL_FLAG_EMPTY          = 1 << 3,   /* no ink */
  CD_SEAL_FLAG_OFF_CENTER     = 1 << 4,   /* ink inside but more than 8 % off the centre */
} CdSealFlags;

typedef enum {
  CD_SEAL_KIND_EMPTY,
  CD_SEAL_KIND_SEAL,           /* red: round unit seal or square personal seal */
  CD_SEAL_KIND_SIGNATURE,      /* blue or black pen */
} CdSealKind;

/* What a sample is, as a clerk tells it: the unit's round seal, a person's square or oval name seal,
 * or a handwritten signature (shape, colour and size of the ink). */
typedef enum {
  CD_SEAL_SHAPE_NONE,          /* empty box */
  CD_SEAL_SHAPE_ROUND_SEAL,    /* round unit seal, 38–42 mm */
  CD_SEAL_SHAPE_NAME_SEAL,     /* square or oval name seal, 16–24 mm */
  CD_SEAL_SHAPE_SIGNATURE,     /* blue or black pen */
} CdSealShape;

typedef struct {
  guint        index;          /* 1-based, reading order */
  double       box[4];         /* x, y, w, h of the box (through the line centres), image pixels */
  gboolean     has_ink;
  int          ink_bbox[4];    /* x, y, w, h, image pixels; valid when has_ink */
  CdSealKind   kind;
  CdSealShape  shape;
  CdSealFlags  flags;
  double       score;          /* 0..1; an ok sample scores above any defective one */
  GBytes      *rgba;           /* ink_bbox w*h RGBA pixels (stride 4*w), transparent background */
  char        *image_path;     /* set by cd_seal_result_write_cells () */
} CdSealCell;

typedef struct {
  GPtrArray *cells;            /* of CdSealCell */
  guint      best;             /* index of the best ok cell, 0 when none is ok */
  gboolean   background;       /* the paper is not white */
  double     paper_rgb[3];
  int        width, height;
  double     dpi;
} CdSealResult;

GQuark        cd_seal_error_quark          (void);

void          cd_seal_result_free          (CdSealResult  *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSealResult, cd_seal_result_free)

const char   *cd_seal_flag_to_string       (CdSealFlags    flag);
const char   *cd_seal_kind_to_string       (CdSealKind     kind);
/* "round_seal", "name_seal", "signature" or "none" */
const char   *cd_seal_shape_to_string      (CdSealShape    shape);
/* The shape most samples with ink on the form have (one kind of ink per form); NONE when all are empty. */
CdSealShape   cd_seal_result_shape         (const CdSealResult *result);

/* @page is the 0-based PDF page (ignored for images); @expected_samples 0 = detect. */
CdSealResult *cd_seal_extract_file         (const char    *path,
                                            guint          page,
                                            guint          expected_samples,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* The same from the content of a file in memory (a scanned page held only in memory or decrypted from the
 * scan store: nothing of the applicant's form is written to disk in clear). @name names it in messages. */
CdSealResult *cd_seal_extract_bytes        (const char    *name,
                                            GBytes        *bytes,
                                            guint          page,
                                            guint          expected_samples,
                                            GCancellable  *cancellable,
                                            GError       **error);

void          cd_seal_extract_file_async   (const char         *path,
                                            guint               page,
                                            guint               expected_samples,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
CdSealResult *cd_seal_extract_file_finish  (GAsyncResult  *result,
                                            GError       **error);

/* Reads and decodes the file as cd_seal_extract_file () does, and nothing more: the floor the
 * extraction time is measured against (tests/bench/seal). */
gboolean      cd_seal_decode_only          (const char    *path,
                                            GError       **error);

/* Writes DIR/cell-N.png (RGBA) for every cell with ink and records the paths. */
gboolean      cd_seal_result_write_cells   (CdSealResult  *result,
                                            const char    *dir,
                                            GError       **error);

/* {"cells": [...], "best": N|null, "flags": [...]} as in the seal-extract contract. */
JsonNode     *cd_seal_result_to_json       (const CdSealResult *result);

G_END_DECLS
