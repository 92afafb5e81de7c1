/* cd-open-progress.h: the dialog shown while an older database's personal data is encrypted as it opens. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_OPEN_PROGRESS (cd_open_progress_get_type ())
G_DECLARE_FINAL_TYPE (CdOpenProgress, cd_open_progress, CD, OPEN_PROGRESS, GtkWindow)

/* A window of @app, not yet shown; it has no buttons and cannot be closed by the clerk. */
CdOpenProgress *cd_open_progress_new          (GtkApplication *app);
/* The bar at @done of @total records (@total > 0). */
void            cd_open_progress_set_progress (CdOpenProgress *self, guint64 done, guint64 total);

G_END_DECLS
