/* cd-settings-page.h: supervisor settings: outlet, clerks, local prices, offered profiles, key and issuer. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_SETTINGS_PAGE (cd_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (CdSettingsPage, cd_settings_page, CD, SETTINGS_PAGE, GtkBox)

CdSettingsPage *cd_settings_page_new (CdContext *ctx);

G_END_DECLS
