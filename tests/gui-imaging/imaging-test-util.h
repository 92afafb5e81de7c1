/* imaging-test-util.h: fixtures for the imaging GUI tests: generated scans, a stored draft, waiting on
 * strips and seal forms, finding dialogs among the toplevels. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-draft.h"
#include "cd-scan-strip.h"
#include "cd-wizard-page.h"
#include "cd-seals-page-form.h"
#include "cd-test-util.h"

G_BEGIN_DECLS

/* A PNG of @w×@h with a smooth pattern; a one-page A4 PDF; a 24-bit BMP (large, compresses well as JPEG). */
char      *imaging_test_png        (const char *dir, const char *name, int w, int h);
char      *imaging_test_pdf        (const char *dir, const char *name);
char      *imaging_test_bmp        (const char *dir, const char *name, int w, int h);
char      *imaging_test_uri        (const char *path);

/* A draft of @profile (a new unit application), stored, with an id. */
CdDraft   *imaging_test_draft      (CdContext *ctx, const char *profile);
/* The first material of the draft's checklist that takes scans. */
char      *imaging_test_scan_material (CdDraft *draft);

void       imaging_test_wait_strip (CdScanStrip *strip, guint n_scans);
void       imaging_test_wait_form  (CdSealsPageForm *form);
/* A visible toplevel whose widget name is @name, waiting up to @timeout_ms. */
GtkWidget *imaging_test_toplevel   (const char *name, guint timeout_ms);

gint64     imaging_test_count      (CdContext *ctx, const char *sql, gint64 app_id);

/* The eval folder of the seal forms, NULL when absent (the test then skips). */
char      *imaging_test_seal_form  (const char *name);

G_END_DECLS
