/* cd-seals-page-extract.h: the seals page's worker (extract, decode and scale the form, encode the samples)
 * and the clerk's words for kinds and verdicts. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cd-seal-extract.h"

G_BEGIN_DECLS

/* The largest form picture shown on the page. */
#define CD_SEALS_FORM_W 420
#define CD_SEALS_FORM_H 300

typedef struct {
  char         *path;       /* the form file, or NULL when @page is set */
  GdkPixbuf    *page;       /* a scanned page, written to a temporary PNG for the extractor */
  double        dpi;
  /* results */
  CdSealResult *result;
  GdkPixbuf    *form;
  double        scale;
  GPtrArray    *cells;
  GPtrArray    *pngs;
  GBytes       *bytes;
  GBytes       *original;   /* a phone photo's own file, when it was turned upright (job->page) */
} CdSealsJob;

void        cd_seals_job_free      (gpointer job);
/* A GTaskThreadFunc: task data is a CdSealsJob; returns a boolean. */
void        cd_seals_job_thread    (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable);

/* The clerk's words for a kind of sample ("Unit seal") and for a sample's verdict ("crosses the line"). */
const char *cd_seals_kind_label    (const char *kind);
/* What a slot ("unit_seal" …) takes; NONE for a kind without a rule. */
CdSealShape cd_seals_kind_shape    (const char *kind);
/* The warning when the form's samples are of another kind than the slot takes; NULL when they fit. */
char       *cd_seals_kind_mismatch_text (const char *kind, CdSealShape found);
/* TRUE when gdk-pixbuf has a HEIC/HEIF loader (Debian's heif-gdk-pixbuf). */
gboolean    cd_seals_heif_supported (void);
char       *cd_seals_verdict_text  (guint flags, gboolean has_ink);

G_END_DECLS
