/* cd-materials-page.h: wizard step 3: the core's checklist with ticks, scans and supervisor waivers. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_MATERIALS_PAGE (cd_materials_page_get_type ())
G_DECLARE_FINAL_TYPE (CdMaterialsPage, cd_materials_page, CD, MATERIALS_PAGE, GtkScrolledWindow)

G_END_DECLS
