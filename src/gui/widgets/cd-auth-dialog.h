/* cd-auth-dialog.h: a supervisor approves an action (waiver, void) with login, password and reason. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_AUTH_DIALOG (cd_auth_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CdAuthDialog, cd_auth_dialog, CD, AUTH_DIALOG, GtkDialog)

/* Runs as the approving supervisor (the audit names them); FALSE keeps the dialog open with the error. */
typedef gboolean (*CdAuthAction) (CdContext *ctx, const char *reason, gpointer user_data, GError **error);

/* Emits "authorized" and closes itself once @action succeeded. */
GtkWidget *cd_auth_dialog_new (GtkWindow *parent, CdContext *ctx, const char *title, const char *message,
                               gboolean need_reason, CdAuthAction action, gpointer user_data,
                               GDestroyNotify destroy);

G_END_DECLS
