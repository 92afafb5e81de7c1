/* cd-login-window.h: sign-in at start (and "switch clerk"); on first run, the outlet and first supervisor. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-clerk-store.h"

G_BEGIN_DECLS

#define CD_TYPE_LOGIN_WINDOW (cd_login_window_get_type ())
G_DECLARE_FINAL_TYPE (CdLoginWindow, cd_login_window, CD, LOGIN_WINDOW, GtkApplicationWindow)

/* Emits "signed-in" (a CdClerk *, owned by the window for the emission) once the core accepted a login;
 * the context's actor is then "clerk:LOGIN". */
CdLoginWindow *cd_login_window_new (GtkApplication *app, CdContext *ctx);

G_END_DECLS
