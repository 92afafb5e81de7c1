/* cd-clerks-panel.h: settings tab: clerks of the outlet (add, disable, reset password, roles). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_CLERKS_PANEL (cd_clerks_panel_get_type ())
G_DECLARE_FINAL_TYPE (CdClerksPanel, cd_clerks_panel, CD, CLERKS_PANEL, GtkBox)

CdClerksPanel *cd_clerks_panel_new (CdContext *ctx);

G_END_DECLS
