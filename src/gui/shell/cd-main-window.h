/* cd-main-window.h: the counter's main window: header with outlet, clerk and USB-key slot; a sidebar of
 * sections shown per role. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-clerk-store.h"
#include "cd-wizard.h"

G_BEGIN_DECLS

#define CD_TYPE_MAIN_WINDOW (cd_main_window_get_type ())
G_DECLARE_FINAL_TYPE (CdMainWindow, cd_main_window, CD, MAIN_WINDOW, GtkApplicationWindow)

CdMainWindow *cd_main_window_new          (GtkApplication *app, CdContext *ctx, const CdClerk *clerk);
/* Ctrl+1…5 for the sidebar's sections, on @app's windows. */
void          cd_main_window_add_accels   (GtkApplication *app);
CdWizard     *cd_main_window_get_wizard   (CdMainWindow *self);
/* "accept", "today", "print", "reports", "settings"; FALSE when the clerk's role may not open it. */
gboolean      cd_main_window_show_section (CdMainWindow *self, const char *section);
/* The head office's sign-in (certdesk --head-office URL): a supervisor's reports page shows every outlet from
 * the central database at @url and opens first. FALSE when the clerk has no reports page. */
gboolean      cd_main_window_set_head_office (CdMainWindow *self, const char *url);
const char   *cd_main_window_get_section  (CdMainWindow *self);
/* The header's USB-key status slot, for the key module to fill. */
GtkBox       *cd_main_window_get_key_slot (CdMainWindow *self);

G_END_DECLS
