/* cd-business-page.h: wizard step 1: project/CA profile, business type, existing customer, order. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_BUSINESS_PAGE (cd_business_page_get_type ())
G_DECLARE_FINAL_TYPE (CdBusinessPage, cd_business_page, CD, BUSINESS_PAGE, GtkScrolledWindow)

G_END_DECLS
