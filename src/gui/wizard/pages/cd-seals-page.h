/* cd-seals-page.h: wizard step 4 (印章): seal and signature samples from the scanned collection forms. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_SEALS_PAGE (cd_seals_page_get_type ())
G_DECLARE_FINAL_TYPE (CdSealsPage, cd_seals_page, CD, SEALS_PAGE, GtkScrolledWindow)

/* The form widget (CdSealsPageForm) of collection form @kind, NULL when the profile has none. */
GtkWidget *cd_seals_page_get_form (CdSealsPage *self, const char *kind);

G_END_DECLS
