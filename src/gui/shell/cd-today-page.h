/* cd-today-page.h: today's and open applications: search, open (resume at the saved step), void. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_TODAY_PAGE (cd_today_page_get_type ())
G_DECLARE_FINAL_TYPE (CdTodayPage, cd_today_page, CD, TODAY_PAGE, GtkBox)

/* Emits "open-application" (gint64 id) when the clerk opens a row. */
CdTodayPage *cd_today_page_new     (CdContext *ctx);
void         cd_today_page_refresh (CdTodayPage *self);

G_END_DECLS
