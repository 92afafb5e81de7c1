/* cd-test-codes.h: reads every visible text of a window (labels, buttons, entries and their placeholders, the
 * rows of combo boxes and lists, tooltips) and notes each ASCII word that is an internal code: a profile id, a
 * business, applicant, party-role, payment or state code, a fee variant or item, a material, form or document
 * code, an enum name. The GUI tests fail on what it found. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

typedef struct _CdTestCodes CdTestCodes;

CdTestCodes *cd_test_codes_new      (CdContext *ctx);
/* reads every visible text of WIN (after the main loop settled); WHERE names the view in what is found;
 * SHOT, when set, also saves a screenshot of that name */
void         cd_test_codes_scan     (CdTestCodes *codes, GtkWidget *win, const char *where, const char *shot);
guint        cd_test_codes_n_texts  (CdTestCodes *codes);
/* one line per code seen on screen, or NULL */
const char  *cd_test_codes_found    (CdTestCodes *codes);
void         cd_test_codes_free     (CdTestCodes *codes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTestCodes, cd_test_codes_free)
