/* cd-placeholder-page.h: a wizard step whose page another module provides (seals, print, burn). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_PLACEHOLDER_PAGE (cd_placeholder_page_get_type ())
G_DECLARE_FINAL_TYPE (CdPlaceholderPage, cd_placeholder_page, CD, PLACEHOLDER_PAGE, GtkBox)

CdPlaceholderPage *cd_placeholder_page_new (CdContext *ctx, const char *title, const char *provider);

G_END_DECLS
