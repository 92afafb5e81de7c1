/* cd-app.h: the GtkApplication: one CdContext, the login window, then the main window. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_APP (cd_app_get_type ())
G_DECLARE_FINAL_TYPE (CdApp, cd_app, CD, APP, GtkApplication)

CdApp     *cd_app_new         (void);
CdContext *cd_app_get_context (CdApp *self);

/* Before gtk_init: GSETTINGS_SCHEMA_DIR from the build tree when running uninstalled, gettext, locale. */
void       cd_app_setup_environment (void);

G_END_DECLS
